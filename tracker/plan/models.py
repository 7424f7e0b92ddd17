"""Plan versions (frozen snapshots of the generated document), their files and review comments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.processes.models import Process


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


# Versions in these statuses carry the "ENTWURF" mark on every page.
DRAFT_STATUSES = frozenset({PlanStatus.DRAFT, PlanStatus.IN_REVIEW})


class PlanVersion(db.Model):
    """A frozen plan document: its content never changes after creation, only its status."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("process_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    status: Mapped[PlanStatus] = mapped_column(enum_type(PlanStatus, "plan_status"), default=PlanStatus.DRAFT)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    process: Mapped[Process] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    # The last approval, the one that made the version approved (four eyes: see `approvals`).
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    approvals: Mapped[list[PlanApproval]] = relationship(back_populates="plan_version", order_by="PlanApproval.id")
    comments: Mapped[list[ReviewComment]] = relationship(back_populates="plan_version", order_by="ReviewComment.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_draft_marked(self) -> bool:
        return self.status in DRAFT_STATUSES

    def __repr__(self) -> str:
        return f"<PlanVersion {self.id} {self.label!r} {self.status}>"


FROZEN_FIELDS = ("process_id", "number", "label", "content", "content_hash", "created_at")


class FrozenVersionChanged(Exception):
    """Something tried to change what a version says; only its status may change."""


@event.listens_for(PlanVersion, "before_update")
def _keep_frozen(_mapper, _connection, version: PlanVersion) -> None:
    state = inspect(version)
    changed = [name for name in FROZEN_FIELDS if state.attrs[name].history.has_changes()]
    if changed:
        raise FrozenVersionChanged(", ".join(changed))


class PlanApproval(db.Model):
    """One steering member's approval of a version under review (four eyes: the process says how many)."""

    __tablename__ = "plan_approval"
    __table_args__ = (UniqueConstraint("plan_version_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan_version: Mapped[PlanVersion] = relationship(back_populates="approvals")
    user: Mapped[User] = relationship()


class PlanVersionFile(db.Model):
    """A file kept with a version: chart images (rendered once) and cached exports.

    Kept in the database so every app server answers with the same bytes.
    """

    __tablename__ = "plan_version_file"
    __table_args__ = (UniqueConstraint("plan_version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))  # e.g. "chart-funnel.png", "export-approved.pdf"
    media_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewComment(db.Model):
    """A steering member's comment on a section (or one measure) of a version under review."""

    __tablename__ = "review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id", ondelete="CASCADE"))
    section_key: Mapped[str] = mapped_column(String(60))
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("review_comment.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved: Mapped[bool] = mapped_column(default=False)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None]

    plan_version: Mapped[PlanVersion] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    parent: Mapped[ReviewComment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[ReviewComment]] = relationship(back_populates="parent", order_by="ReviewComment.id")


Index("ix_review_comment_version_section", ReviewComment.plan_version_id, ReviewComment.section_key)
