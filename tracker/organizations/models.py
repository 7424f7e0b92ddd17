"""Organisations and the people who take part for them; shared by all processes of an installation."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow
from tracker.organizations.names import name_key

if TYPE_CHECKING:
    from tracker.accounts.models import User


class OrganizationType(enum.StrEnum):
    COMPANY = "company"
    CHAMBER = "chamber"
    EMPLOYERS_ASSOCIATION = "employers_association"
    CRAFTS = "crafts"
    UNION = "union"
    AGENCY = "agency"
    RESEARCH = "research"
    ADMINISTRATION = "administration"
    OTHER = "other"


class SizeClass(enum.StrEnum):
    """EU size classes by staff headcount."""

    MICRO = "micro"  # < 10
    SMALL = "small"  # < 50
    MEDIUM = "medium"  # < 250
    LARGE = "large"  # >= 250


class Organization(db.Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Derived from name on every flush; unique, so "Muster GmbH", "muster  gmbh" and "Muster\u200b GmbH"
    # are one organisation (tracker/organizations/names.py).
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[OrganizationType] = mapped_column(
        enum_type(OrganizationType, "organization_type"), default=OrganizationType.COMPANY
    )
    sector: Mapped[str | None] = mapped_column(String(120))
    size_class: Mapped[SizeClass | None] = mapped_column(enum_type(SizeClass, "organization_size_class"))
    website: Mapped[str | None] = mapped_column(String(255))
    # Asked at registration: may the organisation be listed in the published plan?
    consents_to_be_named: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Optimistic locking: a save based on an older version is refused instead of overwriting.
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    people: Mapped[list[Person]] = relationship(back_populates="organization", order_by="Person.name")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


@event.listens_for(Organization, "before_insert")
@event.listens_for(Organization, "before_update")
def _derive_name_key(_mapper, _connection, organization: Organization) -> None:
    organization.name_key = name_key(organization.name)


class Person(db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Stored lower-cased, so uniqueness is case-insensitive on every engine.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    function: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    # Set when the person asked to be forgotten; name and contact are then gone.
    anonymised_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship(back_populates="people", lazy="joined")
    user: Mapped[User | None] = relationship(back_populates="person")
    consents: Mapped[list[Consent]] = relationship(back_populates="person", order_by="Consent.given_at")

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name!r}>"


class ConsentPurpose(enum.StrEnum):
    CONTACT = "contact"  # may be contacted about the process
    NAMED_IN_PLAN = "named_in_plan"  # may be named in the plan's list of participants


class Consent(db.Model):
    """One consent given (and maybe later withdrawn) by a person, with the text version they saw."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_type(ConsentPurpose, "consent_purpose"))
    text_version: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="consents")

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
