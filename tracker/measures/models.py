"""Measures: one identity from the first idea to completion (the status tells which stage)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.goals.models import GuidingGoal
    from tracker.hubs.models import Hub
    from tracker.organizations.models import Organization, Person
    from tracker.processes.models import Process
    from tracker.sessions.models import Session


class MeasureStatus(enum.StrEnum):
    IDEA = "idea"
    IN_REVIEW = "in_review"
    PROPOSAL = "proposal"
    PRIORITISED = "prioritised"
    ADOPTED = "adopted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    MERGED = "merged"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ON_HOLD = "on_hold"


# Statuses in which a measure is part of the adopted plan.
PLAN_STATUSES = frozenset({MeasureStatus.ADOPTED, MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED,
                           MeasureStatus.ON_HOLD})


class Horizon(enum.StrEnum):
    SHORT = "short"  # up to one year
    MEDIUM = "medium"  # one to three years
    LONG = "long"  # more than three years


measure_goal = Table(
    "measure_goal",
    db.metadata,
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("guiding_goal.id", ondelete="CASCADE"), primary_key=True),
)

measure_responsible = Table(
    "measure_responsible",
    db.metadata,
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)

measure_partner = Table(
    "measure_partner",
    db.metadata,
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)

measure_supporter = Table(
    "measure_supporter",
    db.metadata,
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)


class Measure(db.Model):
    __tablename__ = "measure"
    __table_args__ = (Index("ix_measure_process_status", "process_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # "Das machen wir"
    approach: Mapped[str] = mapped_column(Text, default="")  # "So machen wir das"
    expected_effect: Mapped[str] = mapped_column(Text, default="")
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id"), index=True)
    proposer_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    proposer_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    primary_goal_id: Mapped[int | None] = mapped_column(ForeignKey("guiding_goal.id"), index=True)
    horizon: Mapped[Horizon | None] = mapped_column(enum_type(Horizon, "measure_horizon"))
    cost_estimate: Mapped[str | None] = mapped_column(String(200))
    is_focus_project: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MeasureStatus] = mapped_column(
        enum_type(MeasureStatus, "measure_status"), default=MeasureStatus.IDEA
    )
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id"), index=True)
    # In an update process: the measure of the earlier plan this one carries over.
    origin_measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id"))
    # The status a merged measure had, so undoing the merge restores it.
    status_before_merge: Mapped[MeasureStatus | None] = mapped_column(
        enum_type(MeasureStatus, "measure_status_before_merge")
    )
    responsible_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    process: Mapped[Process] = relationship()
    hub: Mapped[Hub | None] = relationship()
    session: Mapped[Session | None] = relationship()
    proposer_organization: Mapped[Organization | None] = relationship(foreign_keys=[proposer_organization_id])
    proposer_person: Mapped[Person | None] = relationship(foreign_keys=[proposer_person_id])
    responsible_person: Mapped[Person | None] = relationship(foreign_keys=[responsible_person_id])
    primary_goal: Mapped[GuidingGoal | None] = relationship()
    goals: Mapped[list[GuidingGoal]] = relationship(secondary=measure_goal, order_by="GuidingGoal.number")
    responsible_organizations: Mapped[list[Organization]] = relationship(
        secondary=measure_responsible, order_by="Organization.name"
    )
    partner_organizations: Mapped[list[Organization]] = relationship(
        secondary=measure_partner, order_by="Organization.name"
    )
    supporters: Mapped[list[Organization]] = relationship(secondary=measure_supporter, order_by="Organization.name")
    merged_into: Mapped[Measure | None] = relationship(remote_side=[id], back_populates="merged_from",
                                                      foreign_keys=[merged_into_id])
    merged_from: Mapped[list[Measure]] = relationship(back_populates="merged_into", order_by="Measure.id",
                                                      foreign_keys=[merged_into_id])
    origin_measure: Mapped[Measure | None] = relationship(remote_side=[id], foreign_keys=[origin_measure_id])
    created_by: Mapped[User | None] = relationship()
    transitions: Mapped[list[MeasureTransition]] = relationship(
        back_populates="measure", order_by="MeasureTransition.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Measure {self.id} {self.status} {self.title!r}>"


class MeasureTransition(db.Model):
    """One step of a measure's status history; written by the workflow service only."""

    __tablename__ = "measure_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[MeasureStatus | None] = mapped_column(enum_type(MeasureStatus, "transition_from_status"))
    to_status: Mapped[MeasureStatus] = mapped_column(enum_type(MeasureStatus, "transition_to_status"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # A reason the system wrote: its message key and parameters (tracker.messages), shown in the reader's language.
    reason_message: Mapped[dict | None] = mapped_column(JSON)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="transitions")
    by: Mapped[User | None] = relationship()


class MeasureComment(db.Model):
    """A comment on a measure (Markdown, rendered sanitised). Comments stay with their measure when
    it is merged; the target shows them with their origin."""

    __tablename__ = "measure_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    measure: Mapped[Measure] = relationship()
    author: Mapped[User | None] = relationship()
