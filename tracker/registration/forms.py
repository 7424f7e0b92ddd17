from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

DELEGATE_ROWS = 3  # empty rows for further delegates; "add another" adds one (server-side, no script)


class DelegateForm(Form):
    """One further delegate; a row left empty is ignored (the service checks the rest)."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    function = StringField(_l("Function"), validators=[Optional(), Length(max=200)])


class RegistrationForm(FlaskForm):
    """The public form. The organisation is typed, not chosen: the form names no known organisation."""

    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=200)])
    email = EmailField(_l("Your email"), validators=[InputRequired(), Email(), Length(max=254)])
    function = StringField(_l("Your function"), validators=[Optional(), Length(max=200)])
    organization_name = StringField(_l("The name of your organisation"), validators=[InputRequired(), Length(max=200)])
    organization_type = SelectField(_l("Type of organisation"))
    organization_sector = StringField(_l("Sector"), validators=[Optional(), Length(max=120)])
    hub_id = SelectField(_l("The hub you want to work in"), coerce=int, validate_choice=True)
    consent_contact = BooleanField(
        _l("I agree that the organisers store my details and contact me about the masterplan process."),
        validators=[DataRequired(message=_l("Without this consent we cannot register you."))])
    consent_named = BooleanField(_l("My organisation may be named in the published plan's list of participants."))
    delegates = FieldList(FormField(DelegateForm), min_entries=DELEGATE_ROWS, max_entries=10)
    consent_delegates = BooleanField(_l("The further delegates I name agreed that the organisers store their details, "
                                        "register them for the event and contact them about the masterplan process."))


NEW = "new"


class ApprovalForm(FlaskForm):
    """An administrator matches a request to a known organisation (or creates it) and approves it."""

    organization_id = SelectField(_l("Organisation"), validate_choice=True)
    consents_to_be_named = BooleanField(_l("The new organisation agreed to be named in the published plan"))
    keep_current_hub = BooleanField(_l("If the organisation already works in another hub: keep that hub and add "
                                       "the person as its delegate"))


class RejectionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])
