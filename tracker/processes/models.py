"""A masterplan process: its dates, phase and steering partners."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.goals.models import GuidingGoal
    from tracker.hubs.models import Hub
    from tracker.organizations.models import Organization


class Phase(enum.StrEnum):
    """The phases of a process, in the order they happen."""

    PREPARATION = "preparation"
    KICKOFF = "kickoff"
    WORKSHOPS = "workshops"
    CONSOLIDATION = "consolidation"
    PRIORITISATION = "prioritisation"
    ADOPTION = "adoption"
    IMPLEMENTATION = "implementation"
    UPDATE = "update"

    @property
    def position(self) -> int:
        return list(Phase).index(self)


# The period a process may have (probe finding 5d): it starts in EARLIEST_START_YEAR or later and
# lasts at most LONGEST_YEARS years; pages that lay out its months rely on that bound.
EARLIEST_START_YEAR = 1990
LONGEST_YEARS = 30


def longer_than_allowed(starts_on: date, ends_on: date) -> bool:
    """Whether the period ends more than LONGEST_YEARS years after it starts (no date arithmetic: any year works)."""
    return (ends_on.year - starts_on.year, ends_on.month, ends_on.day) > (LONGEST_YEARS, starts_on.month,
                                                                           starts_on.day)


process_partner = Table(
    "process_partner",
    db.metadata,
    Column("process_id", ForeignKey("process.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)

# The steering group of a process: its members decide there (and only there); administrators are
# steering everywhere without a row. Moderators are bound to a process through their hubs (hub_moderator).
process_steering = Table(
    "process_steering",
    db.metadata,
    Column("process_id", ForeignKey("process.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


# How many steering members other than the submitter approve a plan version (four eyes); the range is
# checked by tracker.processes.services (a CHECK constraint would make SQLite rebuild the table).
APPROVALS_NEEDED_DEFAULT = 2
APPROVALS_NEEDED_RANGE = (1, 5)


class Process(db.Model):
    __tablename__ = "process"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    phase: Mapped[Phase] = mapped_column(enum_type(Phase, "process_phase"), default=Phase.PREPARATION)
    # What the masterplan is for, shown on the public landing page (Markdown).
    purpose: Mapped[str] = mapped_column(Text, default="")
    foreword: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # The language of its plan documents (PDF, DOCX, Markdown), whatever the reader's UI language;
    # None: the installation's (BABEL_DEFAULT_LOCALE).
    plan_language: Mapped[str | None] = mapped_column(String(5))
    # An update process points to the process whose plan it updates.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("process.id"))
    # Four eyes: approvals of steering members other than the submitter that make a plan version approved.
    approvals_needed: Mapped[int] = mapped_column(default=APPROVALS_NEEDED_DEFAULT,
                                                  server_default=str(APPROVALS_NEEDED_DEFAULT))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partners: Mapped[list[Organization]] = relationship(secondary=process_partner, order_by="Organization.name")
    hubs: Mapped[list[Hub]] = relationship(back_populates="process", order_by="Hub.position")
    goals: Mapped[list[GuidingGoal]] = relationship(back_populates="process", order_by="GuidingGoal.number")
    steering_members: Mapped[list[User]] = relationship(secondary=process_steering, back_populates="steering_processes",
                                                        order_by="User.id")
    # The dated phases, in the order of Phase (a phase without dates has no row).
    phase_dates: Mapped[list[ProcessPhase]] = relationship(
        back_populates="process", cascade="all, delete-orphan", order_by="ProcessPhase.starts_on")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Process {self.id} {self.name!r}>"


class ProcessPhase(db.Model):
    """When a phase of a process runs (both days included); the set-up page and the API edit them."""

    __tablename__ = "process_phase"
    __table_args__ = (UniqueConstraint("process_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    phase: Mapped[Phase] = mapped_column(enum_type(Phase, "process_phase_phase"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    process: Mapped[Process] = relationship(back_populates="phase_dates")
