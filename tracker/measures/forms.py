from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.forms import VersionField


class MeasureForm(FlaskForm):
    """The view removes the fields the user may not set (proposer, organisations, focus flag)."""

    hub_id = SelectField(_l("Hub"), coerce=int, validate_choice=True)
    proposer_organization_id = SelectField(_l("Proposed by"), coerce=int, validate_choice=True)
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("What we do"), validators=[Optional(), Length(max=20_000)])
    approach = TextAreaField(_l("How we do it"), validators=[Optional(), Length(max=20_000)])
    expected_effect = TextAreaField(_l("Expected effect"), validators=[Optional(), Length(max=20_000)])
    primary_goal_id = SelectField(_l("Primary guiding goal"), coerce=int, validate_choice=True)
    goal_ids = SelectMultipleField(_l("Further guiding goals"), coerce=int)
    horizon = SelectField(_l("Horizon"))
    cost_estimate = StringField(_l("Cost estimate"), validators=[Optional(), Length(max=200)])
    responsible_organization_ids = SelectMultipleField(_l("Responsible organisations"), coerce=int)
    partner_organization_ids = SelectMultipleField(_l("Partner organisations"), coerce=int)
    is_focus_project = BooleanField(_l("Focus project"))
    version = VersionField()


class TransitionForm(FlaskForm):
    to = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5_000)])


class CommentForm(FlaskForm):
    text = TextAreaField(_l("Comment (Markdown)"), validators=[InputRequired(), Length(max=20_000)])


class MergeForm(FlaskForm):
    target_id = SelectField(_l("Merge into"), coerce=int, validate_choice=False)
    new_title = StringField(_l("… or into a new measure titled"), validators=[Optional(), Length(max=200)])
    new_description = TextAreaField(_l("Description of the new measure"), validators=[Optional(), Length(max=20_000)])
