from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from tracker.forms import VersionField


class HubForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[InputRequired(), Length(max=40)])
    colour = StringField(_l("Colour"), default="#3b6ea5", validators=[
        InputRequired(), Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("A colour like #1f5f99."))])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), Length(max=20_000)])
    position = IntegerField(_l("Position"), validators=[Optional(), NumberRange(min=0, max=1000)])
    lead_organization_ids = SelectMultipleField(_l("Hub management (lead organisations)"), coerce=int)
    moderator_ids = SelectMultipleField(_l("Moderators"), coerce=int)
    version = VersionField()


class ChooseHubForm(FlaskForm):
    hub_id = SelectField(_l("Hub"), coerce=int, validate_choice=True)


class AddMemberForm(FlaskForm):
    """Add an organisation (existing or new) and, optionally, a delegate (existing or new) to a hub."""

    organization_id = SelectField(_l("Existing organisation"), coerce=int, validate_choice=True)
    new_organization = StringField(_l("… or a new organisation"), validators=[Optional(), Length(max=200)])
    new_organization_type = SelectField(_l("Type of the new organisation"))
    new_organization_sector = StringField(_l("Sector of the new organisation"),
                                          validators=[Optional(), Length(max=120)])
    delegate_name = StringField(_l("Delegate's name"), validators=[Optional(), Length(max=200)])
    delegate_email = StringField(_l("Delegate's email"), validators=[Optional(), Length(max=254)])
    delegate_function = StringField(_l("Delegate's function"), validators=[Optional(), Length(max=200)])
