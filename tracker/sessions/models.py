"""Sessions (workshops and other events of a process) and who attended them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.hubs.models import Hub
    from tracker.organizations.models import Person
    from tracker.processes.models import Process


class SessionKind(enum.StrEnum):
    KICKOFF = "kickoff"
    WORKSHOP = "workshop"  # a hub workshop, numbered in its hub's series
    PLENARY = "plenary"
    PRIORITISATION = "prioritisation"
    STEERING = "steering"


class SessionStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class AttendanceStatus(enum.StrEnum):
    INVITED = "invited"
    REGISTERED = "registered"
    ATTENDED = "attended"
    EXCUSED = "excused"
    ABSENT = "absent"


class Session(db.Model):
    """A dated event. Times are local wall-clock times of the process's city (Europe/Berlin)."""

    __tablename__ = "session"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id"), index=True)
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind, "session_kind"))
    number: Mapped[int | None]
    status: Mapped[SessionStatus] = mapped_column(
        enum_type(SessionStatus, "session_status"), default=SessionStatus.PLANNED
    )
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    # Derived from starts_at/ends_at on every flush, so working hours sum in SQL on any engine.
    duration_minutes: Mapped[int] = mapped_column(default=0)
    location: Mapped[str] = mapped_column(String(300), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_status: Mapped[MinutesStatus] = mapped_column(
        enum_type(MinutesStatus, "session_minutes_status"), default=MinutesStatus.DRAFT
    )
    minutes_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    minutes_approved_at: Mapped[datetime | None]
    decisions: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    process: Mapped[Process] = relationship()
    hub: Mapped[Hub | None] = relationship()
    minutes_approved_by: Mapped[User | None] = relationship()
    attendances: Mapped[list[Attendance]] = relationship(back_populates="session", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def duration_hours(self) -> float:
        return self.duration_minutes / 60

    @property
    def is_process_wide(self) -> bool:
        return self.hub_id is None

    def __repr__(self) -> str:
        return f"<Session {self.id} {self.kind} {self.starts_at:%Y-%m-%d}>"


@event.listens_for(Session, "before_insert")
@event.listens_for(Session, "before_update")
def _derive_duration(_mapper, _connection, session: Session) -> None:
    session.duration_minutes = max(0, int((session.ends_at - session.starts_at).total_seconds() // 60))


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_type(AttendanceStatus, "attendance_status"), default=AttendanceStatus.INVITED
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[Session] = relationship(back_populates="attendances")
    person: Mapped[Person] = relationship(lazy="joined")


class MinutesRevision(db.Model):
    """Every saved text of a session's minutes, so any two can be compared later."""

    __tablename__ = "minutes_revision"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class ActionItem(db.Model):
    """Something a person agreed to do at a session."""

    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    due_on: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False, index=True)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[Session] = relationship()
    owner: Mapped[Person | None] = relationship()
