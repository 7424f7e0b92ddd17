"""Finding and creating organisations and people without ever creating one twice."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.audit.services import changed_fields, record
from tracker.extensions import db
from tracker.organizations.models import Organization, OrganizationType, Person, name_key


class DirectoryProblem(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def organization_named(name: str) -> Organization | None:
    """The organisation with this name, whatever its case and spacing."""
    return db.session.scalar(select(Organization).where(Organization.name_key == name_key(name)))


def _organization_name(name: str) -> str:
    """The name with its spacing tidied; an empty name is refused."""
    name = " ".join(name.split())
    if not name:
        raise DirectoryProblem(_("Please give the organisation's name."), "name")
    return name


def find_or_create_organization(name: str, *, type: OrganizationType = OrganizationType.COMPANY,
                                sector: str | None = None, by=None) -> tuple[Organization, bool]:
    name = _organization_name(name)
    existing = organization_named(name)
    if existing is not None:
        return existing, False
    organization = Organization(name=name, type=type, sector=(sector or "").strip() or None)
    db.session.add(organization)
    db.session.flush()
    record("create", organization, by=by, summary=name)
    return organization, True


def person_with_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email.strip().lower()))


def find_or_create_person(name: str, email: str | None, organization: Organization | None, *,
                          function: str | None = None, by=None) -> tuple[Person, bool]:
    """An existing person is recognised by email; without an email a new person is created."""
    email = (email or "").strip().lower() or None
    if email:
        existing = person_with_email(email)
        if existing is not None:
            return existing, False
    name = " ".join((name or "").split())
    if not name:
        raise DirectoryProblem(_("Please give the person's name."), "name")
    person = Person(name=name, email=email, organization=organization, function=(function or "").strip() or None)
    db.session.add(person)
    db.session.flush()
    record("create", person, by=by, summary=f"person {person.id}")
    return person, True


def save_organization(organization: Organization, *, name: str, type: OrganizationType, sector: str | None,
                      size_class, website: str | None, consents_to_be_named: bool, by) -> Organization:
    """Create or update an organisation; a name another organisation already has is refused."""
    name = _organization_name(name)
    other = organization_named(name)
    if other is not None and other.id != organization.id:
        raise DirectoryProblem(_("There is already an organisation named “%(name)s”.", name=other.name), "name")
    creating = organization.id is None
    organization.name, organization.type = name, type
    organization.sector = (sector or "").strip() or None
    organization.size_class = size_class
    organization.website = (website or "").strip() or None
    organization.consents_to_be_named = consents_to_be_named
    if creating:
        db.session.add(organization)
        db.session.flush()
        record("create", organization, by=by, summary=name)
    else:
        record("update", organization, by=by, changes=changed_fields(organization), summary=name)
    return organization
