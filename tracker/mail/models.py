"""The outbox: every mail is queued in the same transaction as the change that causes it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow


class MailKind(enum.StrEnum):
    INVITATION = "invitation"
    SESSION_UPDATE = "session_update"
    REMINDER = "reminder"
    MINUTES_APPROVED = "minutes_approved"
    MEASURE_STATUS = "measure_status"
    ACTION_DIGEST = "action_digest"
    PLAN_REVIEW = "plan_review"  # a plan version waits for the steering group's approval
    MILESTONE = "milestone"  # a milestone one owns is due soon
    ROUND = "round"  # a prioritisation round opened, or its results are out
    SUPPORTED_MEASURE = "supported"  # a measure one's organisation supports was adopted or rejected (opt-in)
    ACCOUNT = "account"  # set-password links: always sent, no unsubscribe


# Kinds nobody gets until they switch them on.
OPT_IN = frozenset({MailKind.SUPPORTED_MEASURE})


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMail(db.Model):
    __tablename__ = "outbox_mail"
    __table_args__ = (Index("ix_outbox_mail_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MailKind] = mapped_column(enum_type(MailKind, "mail_kind"))
    # One event, one mail: a second queue() of the same event finds this key and adds nothing.
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="de")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    ics: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[MailStatus] = mapped_column(enum_type(MailStatus, "mail_status"), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class MailPreference(db.Model):
    """A person switched a kind of mail off (or on again)."""

    __tablename__ = "mail_preference"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[MailKind] = mapped_column(enum_type(MailKind, "mail_preference_kind"))
    enabled: Mapped[bool] = mapped_column(default=True)
