"""Forms of the plan: free texts (with their version), freezing, review comments, updates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput


class ForewordForm(FlaskForm):
    foreword = TextAreaField(_l("Foreword"), validators=[Length(max=20000)])
    version = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class GoalTextsForm(FlaskForm):
    introduction = TextAreaField(_l("Introduction"), validators=[Length(max=20000)])
    objective = TextAreaField(_l("Our goal"), validators=[Length(max=20000)])
    version = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class FreezeForm(FlaskForm):
    label = StringField(_l("Label of the version"), validators=[DataRequired(), Length(max=200)])


class CommentForm(FlaskForm):
    section_key = HiddenField(validators=[DataRequired(), Length(max=60)])
    measure_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    parent_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    text = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])


class UpdateProcessForm(FlaskForm):
    name = StringField(_l("Name of the update process"), validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""
