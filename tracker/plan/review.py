"""Review of a version: the steering group's comments on its sections and measures, answered and resolved."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

import tracker.plan.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.audit.services import record
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.model_types import utcnow
from tracker.permissions import find, guarded
from tracker.plan import generator
from tracker.plan.models import PlanStatus, PlanVersion, ReviewComment
from tracker.plan.permissions import can_edit_comment, can_edit_version

ONLY_STEERING = _l("Only the steering group comments on plan versions.")


@guarded(can_edit_version, ONLY_STEERING)
def add_comment(version: PlanVersion, section_key: str, text: str, *, by, measure_id: int | None = None,
                parent_id: int | None = None) -> ReviewComment:
    """A comment on a section (or one of its measures), or an answer to a comment of the same version."""
    if version.status != PlanStatus.IN_REVIEW:
        raise Conflict(_("Comments are taken while a version is under review."))
    if parent_id is not None:
        parent = find(ReviewComment, parent_id)
        if parent is None or parent.plan_version_id != version.id:
            raise Invalid(_("The comment answered is not one of this version."), "parent_id")
        section_key, measure_id = parent.section_key, parent.measure_id
    if section_key not in {s["key"] for s in version.content.get("sections", [])}:
        raise Invalid(_("This section is not part of the version."), "section")
    if measure_id is not None and measure_id not in generator.all_measures(version.content):
        raise Invalid(_("This measure is not part of the version."), "measure_id")
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Please write a comment."), "text")
    comment = ReviewComment(plan_version=version, section_key=section_key, measure_id=measure_id,
                            parent_id=parent_id, author=by if getattr(by, "id", None) else None, text=text)
    db.session.add(comment)
    db.session.flush()
    record("create", comment, by=by, summary=f"review comment on {section_key}",
           message=messages.message("plan.review_comment", section=section_key))
    return comment


@guarded(can_edit_comment, ONLY_STEERING)
def resolve_comment(comment: ReviewComment, *, by, resolved: bool = True) -> None:
    """Resolve (or reopen) the thread the comment belongs to."""
    root = comment if comment.parent_id is None else comment.parent
    root.resolved = resolved
    root.resolved_by = by if resolved and getattr(by, "id", None) else None
    root.resolved_at = utcnow() if resolved else None
    record("update", root, by=by, summary="resolved" if resolved else "reopened",
           message=messages.message("plan.comment_resolved" if resolved else "plan.comment_reopened"))


def open_comment_counts(version: PlanVersion) -> dict[str, int]:
    """Open (unresolved) comment threads per section, one query."""
    return dict(db.session.execute(
        select(ReviewComment.section_key, func.count())
        .where(ReviewComment.plan_version_id == version.id, ReviewComment.parent_id.is_(None),
               ReviewComment.resolved.is_(False))
        .group_by(ReviewComment.section_key)
    ).all())


def comment_threads(version: PlanVersion) -> dict[str, list[ReviewComment]]:
    """Top-level comments per section (answers via .replies), oldest first."""
    threads: dict[str, list[ReviewComment]] = {}
    for comment in db.session.scalars(select(ReviewComment).where(
            ReviewComment.plan_version_id == version.id, ReviewComment.parent_id.is_(None))
            .order_by(ReviewComment.id)):
        threads.setdefault(comment.section_key, []).append(comment)
    return threads


def comments(version: PlanVersion) -> list[ReviewComment]:
    """Every comment of the version, answers included, oldest first."""
    return list(db.session.scalars(select(ReviewComment).where(ReviewComment.plan_version_id == version.id)
                                   .order_by(ReviewComment.id)))
