"""Room mode: people in a running session's room take part from their phones, without an account."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow

if TYPE_CHECKING:
    from tracker.sessions.models import Session


class CardStatus(enum.StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    DISCARDED = "discarded"


class Room(db.Model):
    """The room of one session: its short link's code, how many people are there, whether it runs."""

    __tablename__ = "room"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    people: Mapped[int] = mapped_column(default=0)  # caps the phones (tokens) the room hands out
    running: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime | None]
    stopped_at: Mapped[datetime | None]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    session: Mapped[Session] = relationship()


class RoomToken(db.Model):
    """A phone in the room: the signed cookie names it; the server keeps only the hash of its secret.

    It acts (`by=`) in the room's services: it is no user, so the audit trail records no person.
    """

    __tablename__ = "room_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    room: Mapped[Room] = relationship()

    is_authenticated = False  # never a logged-in user (audit, permissions)

    def may_vote_in(self, round_) -> bool:
        """While the room runs, in the open round held in the room's session."""
        from tracker.room.services import is_open  # the room's rule, kept in one place

        return is_open(self.room) and round_.session_id == self.room.session_id


class RoomCard(db.Model):
    """An idea card handed in from a phone; the moderator accepts it as an idea or discards it."""

    __tablename__ = "room_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("room_token.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    consent_named: Mapped[bool] = mapped_column(default=False)
    status: Mapped[CardStatus] = mapped_column(enum_type(CardStatus, "room_card_status"), default=CardStatus.NEW)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    room: Mapped[Room] = relationship()

    @property
    def shown_name(self) -> str:
        """The name, only with consent to be named."""
        return self.name if self.consent_named else ""
