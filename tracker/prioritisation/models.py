"""Prioritisation rounds: dot voting or weighted scoring over a set of proposals."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow

if TYPE_CHECKING:
    from tracker.measures.models import Measure
    from tracker.processes.models import Process
    from tracker.sessions.models import Session


class Method(enum.StrEnum):
    DOTS = "dots"
    SCORING = "scoring"


class RoundStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


round_measure = Table(
    "round_measure",
    db.metadata,
    Column("round_id", ForeignKey("prioritisation_round.id", ondelete="CASCADE"), primary_key=True),
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
)


class PrioritisationRound(db.Model):
    __tablename__ = "prioritisation_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    # The session the round is held in: phones in its room vote here, its organisers type in tallies.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    method: Mapped[Method] = mapped_column(enum_type(Method, "round_method"))
    status: Mapped[RoundStatus] = mapped_column(enum_type(RoundStatus, "round_status"), default=RoundStatus.OPEN)
    points_per_voter: Mapped[int | None]
    max_points_per_measure: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    process: Mapped[Process] = relationship()
    session: Mapped[Session | None] = relationship()
    measures: Mapped[list[Measure]] = relationship(secondary=round_measure, order_by="Measure.id")
    criteria: Mapped[list[Criterion]] = relationship(back_populates="round", order_by="Criterion.id",
                                                     cascade="all, delete-orphan")
    results: Mapped[list[RoundResult]] = relationship(back_populates="round", order_by="RoundResult.rank",
                                                      cascade="all, delete-orphan")


class Criterion(db.Model):
    __tablename__ = "round_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))

    round: Mapped[PrioritisationRound] = relationship(back_populates="criteria")


class Ballot(db.Model):
    """One vote in a round: an account's (replaced as a whole when they vote again while the round is
    open) or a phone's in the room (`room_token_id`, one per token and round, never replaced)."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("round_id", "voter_id"), UniqueConstraint("round_id", "room_token_id"),
                      CheckConstraint("(voter_id IS NULL) <> (room_token_id IS NULL)", name="one_voter"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    room_token_id: Mapped[int | None] = mapped_column(ForeignKey("room_token.id", ondelete="CASCADE"), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    entries: Mapped[list[BallotEntry]] = relationship(back_populates="ballot", cascade="all, delete-orphan")


class BallotEntry(db.Model):
    """Points for a measure (dot voting) or a score for a measure on one criterion (scoring)."""

    __tablename__ = "ballot_entry"
    __table_args__ = (UniqueConstraint("ballot_id", "measure_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("round_criterion.id", ondelete="CASCADE"))
    value: Mapped[int]

    ballot: Mapped[Ballot] = relationship(back_populates="entries")


class RoundResult(db.Model):
    """The published outcome for one measure, kept when the round closes."""

    __tablename__ = "round_result"
    __table_args__ = (UniqueConstraint("round_id", "measure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    rank: Mapped[int]
    score: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    importance: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    urgency: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    voters: Mapped[int] = mapped_column(default=0)

    round: Mapped[PrioritisationRound] = relationship(back_populates="results")
    measure: Mapped[Measure] = relationship()


class RoundTally(db.Model):
    """What was counted on paper (dots on the wall, or mean scores of a scoring sheet) and by how many people."""

    __tablename__ = "round_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"), index=True)
    voters: Mapped[int]  # people who put dots on the wall, or who rated (scoring)
    note: Mapped[str] = mapped_column(String(200), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[PrioritisationRound] = relationship()
    entries: Mapped[list[TallyEntry]] = relationship(back_populates="tally", cascade="all, delete-orphan",
                                                     order_by="TallyEntry.id")


class TallyEntry(db.Model):
    """Dots counted for a measure, or the mean score of a measure on one criterion (scoring)."""

    __tablename__ = "tally_entry"
    __table_args__ = (UniqueConstraint("tally_id", "measure_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tally_id: Mapped[int] = mapped_column(ForeignKey("round_tally.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("round_criterion.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(Numeric(10, 3))

    tally: Mapped[RoundTally] = relationship(back_populates="entries")
