"""Registering a company representative: person, organisation, hub choice, consents, pending account."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.accounts.models import Role, User
from tracker.audit.services import record
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.hubs import services as hubs
from tracker.hubs.models import Hub
from tracker.hubs.queries import current_membership
from tracker.organizations.models import Consent, ConsentPurpose, Organization, OrganizationType
from tracker.organizations.services import find_or_create_organization, find_or_create_person, person_with_email
from tracker.permissions import SYSTEM

# The version of the consent texts shown on the form; a changed text gets a new version.
CONSENT_VERSION = "2018-09"


class RegistrationProblem(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass
class Registration:
    user: User
    organization: Organization
    hub: Hub
    new_organization: bool


def register(*, hub: Hub, name: str, email: str, function: str | None, organization: Organization | None,
             new_organization: str | None, new_organization_type: OrganizationType, new_organization_sector: str | None,
             consent_contact: bool, consent_named: bool) -> Registration:
    """Create what a registration needs, recognising existing people and organisations."""
    if not consent_contact:
        raise RegistrationProblem(_("Without this consent we cannot register you."), "consent_contact")
    existing_person = person_with_email(email)
    if existing_person is not None and existing_person.user is not None:
        raise RegistrationProblem(_("There is already an account for this email. Please log in, or ask the "
                                    "organising office for a new link."), "email")
    # Until a registration becomes a request that an administrator approves (issue 16, finding 1),
    # the public form writes through the directory services as the installation itself.
    created = False
    if new_organization and new_organization.strip():
        try:
            organization, created = find_or_create_organization(new_organization, type=new_organization_type,
                                                                sector=new_organization_sector, by=SYSTEM)
        except Invalid as problem:
            raise RegistrationProblem(str(problem), "new_organization") from None
    if organization is None:
        raise RegistrationProblem(_("Choose your organisation or enter its name."), "organization_id")

    current = current_membership(organization, hub.process)
    if current is not None and current.hub_id != hub.id:
        raise RegistrationProblem(
            _("%(organization)s already works in the hub “%(hub)s” (chosen by a colleague). Please choose that hub.",
              organization=organization.name, hub=current.hub.name), "hub_id")

    person, _created = find_or_create_person(name, email, organization, function=function, by=SYSTEM)
    membership = current or hubs.join_hub(organization, hub, by=SYSTEM)
    try:
        hubs.add_delegate(membership, person, by=SYSTEM)
    except Invalid:  # the email belongs to a person of another organisation; no names to the public
        raise RegistrationProblem(_("This email is known for another organisation. Please ask the organising "
                                    "office."), "email") from None

    person.consents.append(Consent(purpose=ConsentPurpose.CONTACT, text_version=CONSENT_VERSION))
    if consent_named:
        person.consents.append(Consent(purpose=ConsentPurpose.NAMED_IN_PLAN, text_version=CONSENT_VERSION))
        organization.consents_to_be_named = True
    user = User(person=person, role=Role.COMPANY, session_token=secrets.token_hex(16))
    db.session.add(user)
    db.session.flush()
    record("register", user, by=None, summary=f"{organization.name} → {hub.short_name}")
    return Registration(user=user, organization=organization, hub=hub, new_organization=created)
