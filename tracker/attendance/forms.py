"""Forms of the attendance pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker.extensions import db
from tracker.labels import choices
from tracker.organizations.models import Organization, OrganizationType
from tracker.permissions import find


class WalkInForm(FlaskForm):
    """Someone who came without invitation: a new or known person, a known or new organisation.

    The email and the choice of organisation are checked by `attendance.services.add_walk_in`.
    """

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

    @property
    def organization(self) -> Organization | None:
        return find(Organization, int(self.organization_id.data)) if self.organization_id.data else None


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    """Carries only the CSRF token: the rows come from the server-side batch."""
