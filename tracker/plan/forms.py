"""Forms of the plan: free texts (with their version), freezing, review comments, updates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

TEXT_LENGTH = 20_000  # a free text of the plan (foreword, introduction, objective)
COMMENT_LENGTH = 5_000
NAME_LENGTH = 200  # a version's label, an update process's name


class ForewordForm(FlaskForm):
    foreword = TextAreaField(_l("Foreword"), validators=[Length(max=TEXT_LENGTH)])
    version = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class GoalTextsForm(FlaskForm):
    introduction = TextAreaField(_l("Introduction"), validators=[Length(max=TEXT_LENGTH)])
    objective = TextAreaField(_l("Our goal"), validators=[Length(max=TEXT_LENGTH)])
    version = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class FreezeForm(FlaskForm):
    label = StringField(_l("Label of the version"), validators=[DataRequired(), Length(max=NAME_LENGTH)])


class CommentForm(FlaskForm):
    section_key = HiddenField(validators=[DataRequired(), Length(max=60)])
    measure_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    parent_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    text = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=COMMENT_LENGTH)])


class UpdateProcessForm(FlaskForm):
    name = StringField(_l("Name of the update process"), validators=[DataRequired(), Length(max=NAME_LENGTH)])


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""
