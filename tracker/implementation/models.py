"""Implementation tracking after adoption: milestones, progress updates and indicators."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.measures.models import Measure
    from tracker.organizations.models import Organization, Person
    from tracker.processes.models import Process


class Light(enum.StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Milestone(db.Model):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None]
    # Who sees to it: an organisation and, optionally, one of its people (reminded by mail before it is due).
    owner_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    # The due date the owner was last reminded of: one reminder per milestone and due date.
    reminded_due_on: Mapped[date | None]

    measure: Mapped[Measure] = relationship()
    owner_organization: Mapped[Organization | None] = relationship()
    owner_person: Mapped[Person | None] = relationship()


class ProgressUpdate(db.Model):
    """A dated report on a measure: how far (percent), how it goes (traffic light), what happened."""

    __tablename__ = "progress_update"
    __table_args__ = (CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
                      Index("ix_progress_update_measure_date", "measure_id", "date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    date: Mapped[date]
    percent: Mapped[int]
    light: Mapped[Light] = mapped_column(enum_type(Light, "progress_light"))
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    measure: Mapped[Measure] = relationship()
    by: Mapped[User | None] = relationship()


class Indicator(db.Model):
    """Something measured over time (jobs created, investment in €, companies reached), for a measure or the
    whole process (measure empty)."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    target: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))

    process: Mapped[Process] = relationship()
    measure: Mapped[Measure | None] = relationship()
    values: Mapped[list[IndicatorValue]] = relationship(back_populates="indicator", order_by="IndicatorValue.date",
                                                        cascade="all, delete-orphan")


class IndicatorValue(db.Model):
    __tablename__ = "indicator_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    date: Mapped[date]
    value: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    note: Mapped[str] = mapped_column(String(500), default="")

    indicator: Mapped[Indicator] = relationship(back_populates="values")
