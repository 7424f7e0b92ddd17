"""Organisations and people: created and edited here only, never twice under the same name or email.

Web pages, the API, registration, the attendance importer and the CLI call these functions;
each checks the actor's right itself (`by=`), so none of them re-implements a rule.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

import tracker.organizations.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.accounts.models import Role
from tracker.audit.services import changed_fields, record
from tracker.errors import Conflict, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.organizations.models import Consent, ConsentPurpose, Organization, OrganizationType, Person, SizeClass
from tracker.organizations.names import clean_name, name_key
from tracker.permissions import can_edit_organization, guarded, is_admin, is_internal_anywhere, represents

NOT_YOUR_CONSENTS = _l("Only partners, or the person themselves, record a person's consent.")
ONLY_PARTNERS = _l("Only partners (steering group, moderators) add organisations.")
NOT_YOURS = _l("Only the steering group or the organisation's own representatives edit it.")
NOT_YOUR_PEOPLE = _l("Only partners, or representatives of the organisation, add people.")
WEBSITE = re.compile(r"^https?://\S+$")


# Who may ------------------------------------------------------------------------------------------

def can_create_organizations(user) -> bool:
    """Partners add organisations (a company representative edits only their own)."""
    return is_internal_anywhere(user)


def can_record_consents_of(user, person: Person) -> bool:
    """Partners record what a person agreed to (e.g. on a paper form or a registration); anyone their own."""
    return is_internal_anywhere(user) or (getattr(user, "person", None) is not None and user.person.id == person.id)


def can_add_people_to(user, organization: Organization | None) -> bool:
    """Partners add people anywhere; a company representative to their own organisation."""
    return is_internal_anywhere(user) or (
        organization is not None and represents(user, organization) and user.role == Role.COMPANY)


def can_add_people(user) -> bool:
    """Whether the user may add people to some organisation (their own, for a company representative)."""
    return can_add_people_to(user, getattr(user, "organization", None))


# Finding ------------------------------------------------------------------------------------------

def organization_named(name: str) -> Organization | None:
    """The organisation with this name, whatever its case, spacing, Unicode form or invisible characters."""
    return db.session.scalar(select(Organization).where(Organization.name_key == name_key(name)))


def person_with_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == normalise_email(email)))


def normalise_email(email: str | None) -> str | None:
    return (email or "").strip().lower() or None


# Organisations ------------------------------------------------------------------------------------

def _name(name: str | None, organization: Organization | None = None) -> str:
    """The cleaned name, refused when empty or when another organisation has it already."""
    name = clean_name(name)
    if not name:
        raise Invalid(_("Please give the organisation's name."), "name")
    other = organization_named(name)
    if other is not None and (organization is None or other.id != organization.id):
        raise Conflict(_("There is already an organisation named “%(name)s”.", name=other.name), "name")
    return name


def _website(website: str | None) -> str | None:
    website = (website or "").strip() or None
    if website is not None and not WEBSITE.match(website):
        raise Invalid(_("Please give a web address starting with https:// or http://."), "website")
    return website


def create_organization(*, by, name: str, type: OrganizationType = OrganizationType.COMPANY,
                        sector: str | None = None, size_class: SizeClass | None = None, website: str | None = None,
                        consents_to_be_named: bool = False) -> Organization:
    """A new organisation (partners only); a name another organisation has, in any spelling, is a conflict."""
    if not can_create_organizations(by):
        raise NotAllowed(ONLY_PARTNERS)
    organization = Organization(name=_name(name), type=type, sector=(sector or "").strip() or None,
                                size_class=size_class, website=_website(website),
                                consents_to_be_named=bool(consents_to_be_named))
    db.session.add(organization)
    db.session.flush()
    record("create", organization, by=by, summary=organization.name)
    return organization


@guarded(can_edit_organization, NOT_YOURS)
def update_organization(organization: Organization, *, by, expected_version: int, name: str,
                        type: OrganizationType, sector: str | None, size_class: SizeClass | None,
                        website: str | None, consents_to_be_named: bool) -> None:
    """Save an organisation read at `expected_version`; a save based on an older version is refused."""
    if expected_version != organization.version:
        raise StaleVersion(organization, version=organization.version)
    name = _name(name, organization)
    website = _website(website)
    organization.name, organization.type = name, type
    organization.sector = (sector or "").strip() or None
    organization.size_class = size_class
    organization.website = website
    organization.consents_to_be_named = bool(consents_to_be_named)
    changes = changed_fields(organization)
    if changes:
        record("update", organization, by=by, changes=changes, summary=name)


def find_or_create_organization(name: str, *, type: OrganizationType = OrganizationType.COMPANY,
                                sector: str | None = None, by) -> tuple[Organization, bool]:
    """The organisation of this name (in any spelling), or a new one; True when it was created."""
    existing = organization_named(name)
    if existing is not None:
        return existing, False
    return create_organization(by=by, name=name, type=type, sector=sector), True


# People -------------------------------------------------------------------------------------------

def person_message(person: Person) -> dict:
    """How the audit log names a person: by number, never by name (also used when anonymising)."""
    return messages.message("organizations.person", id=person.id)


def create_person(*, by, name: str, email: str | None = None, organization: Organization | None = None,
                  function: str | None = None) -> Person:
    """A new person; partners add anyone, a company representative people of their own organisation."""
    if not can_add_people_to(by, organization):
        raise NotAllowed(NOT_YOUR_PEOPLE)
    name = clean_name(name)
    if not name:
        raise Invalid(_("Please give the person's name."), "name")
    email = normalise_email(email)
    if email and person_with_email(email) is not None:
        raise Conflict(_("A person with the email %(email)s exists already.", email=email), "email")
    person = Person(name=name, email=email, organization=organization, function=(function or "").strip() or None)
    db.session.add(person)
    db.session.flush()
    record("create", person, by=by, summary=f"person {person.id}", message=person_message(person))
    return person


def find_or_create_person(name: str, email: str | None, organization: Organization | None, *,
                          function: str | None = None, by) -> tuple[Person, bool]:
    """A person known by their email is reused (and, if they had no organisation, joins this one);
    without a known email a new person is created. True when created.

    Someone with a login (an administrator, a steering member, a moderator without organisation) is never
    moved into an organisation this way: that would hand them the organisation's rights and mails, and only
    an administrator changes an account (Conflict, naming the email field)."""
    existing = person_with_email(email) if normalise_email(email) else None
    if existing is None:
        return create_person(by=by, name=name, email=email, organization=organization, function=function), True
    if existing.organization_id is None and organization is not None:
        if not can_add_people_to(by, organization):
            raise NotAllowed(NOT_YOUR_PEOPLE)
        if existing.user is not None and not is_admin(by):
            raise Conflict(_("%(email)s belongs to an account without organisation; only an administrator assigns "
                             "it to one.", email=existing.email), "email")
        existing.organization = organization
        db.session.flush()
        record("update", existing, by=by, changes={"organization_id": [None, organization.id]},
               summary=f"person {existing.id}", message=person_message(existing))
    return existing, False


@guarded(can_record_consents_of, NOT_YOUR_CONSENTS)
def add_consent(person: Person, purpose: ConsentPurpose, *, by, text_version: str,
                given_at: datetime | None = None) -> Consent:
    """Record a consent the person gave, with the version of the text they saw and when they gave it."""
    if not (text_version or "").strip():
        raise Invalid(_("A consent needs the version of the text that was shown."), "text_version")
    consent = Consent(purpose=purpose, text_version=text_version.strip())
    if given_at is not None:
        consent.given_at = given_at
    person.consents.append(consent)
    db.session.flush()
    record("consent", person, by=by, summary=f"person {person.id}: {purpose.value} ({consent.text_version})",
           message=messages.message("organizations.consent", id=person.id, version=consent.text_version,
                                    purpose=messages.enum_value("consent_purpose", purpose)),
           changes={"consent_id": consent.id, "purpose": purpose})
    return consent
