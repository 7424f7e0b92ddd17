from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional


class RegistrationForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=200)])
    email = EmailField(_l("Your email"), validators=[InputRequired(), Email(), Length(max=254)])
    function = StringField(_l("Your function"), validators=[Optional(), Length(max=200)])
    organization_id = SelectField(_l("Your organisation"), coerce=int, validate_choice=True)
    new_organization = StringField(_l("… or the name of your organisation, if it is not in the list"),
                                   validators=[Optional(), Length(max=200)])
    new_organization_type = SelectField(_l("Type of organisation"))
    new_organization_sector = StringField(_l("Sector"), validators=[Optional(), Length(max=120)])
    hub_id = SelectField(_l("The hub you want to work in"), coerce=int, validate_choice=True)
    consent_contact = BooleanField(
        _l("I agree that the organisers store my details and contact me about the masterplan process."),
        validators=[DataRequired(message=_l("Without this consent we cannot register you."))])
    consent_named = BooleanField(_l("My organisation may be named in the published plan's list of participants."))
