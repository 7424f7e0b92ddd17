"""Hubs (Themenbereiche) and the organisations that chose them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.organizations.models import Organization, Person
    from tracker.processes.models import Process

hub_lead = Table(
    "hub_lead",
    db.metadata,
    Column("hub_id", ForeignKey("hub.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)

hub_moderator = Table(
    "hub_moderator",
    db.metadata,
    Column("hub_id", ForeignKey("hub.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)

membership_delegate = Table(
    "membership_delegate",
    db.metadata,
    Column("membership_id", ForeignKey("hub_membership.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)


class Hub(db.Model):
    __tablename__ = "hub"
    __table_args__ = (UniqueConstraint("process_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    colour: Mapped[str] = mapped_column(String(7), default="#3b6ea5")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    process: Mapped[Process] = relationship(back_populates="hubs")
    lead_organizations: Mapped[list[Organization]] = relationship(secondary=hub_lead, order_by="Organization.name")
    moderators: Mapped[list[User]] = relationship(secondary=hub_moderator, back_populates="moderated_hubs")
    memberships: Mapped[list[HubMembership]] = relationship(
        back_populates="hub", primaryjoin="and_(Hub.id == HubMembership.hub_id, HubMembership.left_at.is_(None))",
        viewonly=True,
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Hub {self.id} {self.short_name!r}>"


class HubMembership(db.Model):
    """An organisation's choice of a hub in a process.

    A move closes the current row (left_at) and opens a new one, so the history stays;
    the database allows one open row per organisation and process.
    """

    __tablename__ = "hub_membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"))
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    process: Mapped[Process] = relationship()
    hub: Mapped[Hub] = relationship(foreign_keys=[hub_id])
    organization: Mapped[Organization] = relationship(lazy="joined")
    delegates: Mapped[list[Person]] = relationship(secondary=membership_delegate, order_by="Person.name")

    @property
    def is_current(self) -> bool:
        return self.left_at is None


Index(
    "uq_hub_membership_current",
    HubMembership.process_id,
    HubMembership.organization_id,
    unique=True,
    sqlite_where=HubMembership.left_at.is_(None),
    postgresql_where=HubMembership.left_at.is_(None),
)
