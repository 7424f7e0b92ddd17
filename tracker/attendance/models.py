"""An uploaded participant list kept server-side between preview and confirm.

The browser only ever sends the batch id back; the parsed rows live here, so nothing the client
sends at confirm time can change what is imported, and any app server can answer the confirm.
Batches are small (bounded upload size); only their uploader may see or confirm them; unconfirmed
ones are dropped after a day, a confirmed batch is kept as a record of what was imported and by whom.
A large batch is imported by a job (tracker.attendance.import_jobs): QUEUED until it is in, or back to
PENDING with the reason in `error` when the job imported nothing.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.hubs.models import Hub
    from tracker.sessions.models import Session


class ImportStatus(enum.StrEnum):
    PENDING = "pending"
    QUEUED = "queued"  # confirmed; a job imports it
    IMPORTED = "imported"


class ImportBatch(db.Model):
    """Rows parsed from one uploaded CSV/XLSX file for a session or a hub (exactly one of both)."""

    __tablename__ = "import_batch"
    __table_args__ = (
        CheckConstraint("(session_id IS NULL) <> (hub_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    # [{"line": 2, "name": ..., "email": ..., "organization": ..., "organization_type": ..., "function": ...,
    #   "errors": [...]}]
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[ImportStatus] = mapped_column(enum_type(ImportStatus, "import_status"),
                                                 default=ImportStatus.PENDING)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime | None]
    # Why the last import job imported nothing: a message (tracker.messages), shown in the reader's language.
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    session: Mapped[Session | None] = relationship()
    hub: Mapped[Hub | None] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.get("errors"))
