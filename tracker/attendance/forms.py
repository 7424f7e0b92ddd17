"""Forms of the attendance pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from tracker.attendance.services import InvalidEmail, normalise_email
from tracker.extensions import db
from tracker.labels import choices
from tracker.organizations.models import Organization, OrganizationType


class WalkInForm(FlaskForm):
    """Someone who came without invitation: a new or known person, a known or new organisation."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("Email (optional)"), validators=[Optional(), Length(max=254)])
    organization_id = SelectField(_l("Organisation"), validate_choice=True)
    new_organization = StringField(_l("or a new organisation"), validators=[Optional(), Length(max=200)])
    new_organization_type = SelectField(_l("Type of the new organisation"), choices=choices(OrganizationType),
                                        default=OrganizationType.COMPANY.value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice("", _l("— none or new —"))] + [
            SelectChoice(str(org_id), name) for org_id, name in db.session.execute(
                select(Organization.id, Organization.name).order_by(Organization.name))
        ]

    def validate_email(self, field):
        try:
            normalise_email(field.data)
        except InvalidEmail as error:
            raise ValidationError(_l("Please enter a valid email address.")) from error

    def validate_new_organization(self, field):
        if field.data and field.data.strip() and self.organization_id.data:
            raise ValidationError(_l("Choose an existing organisation or name a new one, not both."))

    @property
    def organization(self) -> Organization | None:
        return db.session.get(Organization, int(self.organization_id.data)) if self.organization_id.data else None


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    """Carries only the CSRF token: the rows come from the server-side batch."""
