"""Plan versions: freezing the generated document, submitting, approving; the plan's free texts.

Every step is the steering group's (admins included) for the version's process; each action
declares that right with @guarded, so the page, the API and the CLI are refused alike.

Four eyes: a version under review is approved once `process.approvals_needed` steering members other
than its submitter have approved it, each once; until then it stays under review and shows who approved.
Submitting a version supersedes any earlier version still under review: only one waits for approval.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

import tracker.plan.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.audit.services import record
from tracker.charts import documents as charts
from tracker.errors import Conflict, IllegalTransition, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.goals import services as goals
from tracker.goals.models import GuidingGoal
from tracker.model_types import utcnow
from tracker.permissions import guarded
from tracker.plan import generator
from tracker.plan.models import PlanApproval, PlanStatus, PlanVersion, PlanVersionFile, ReviewComment
from tracker.plan.permissions import can_edit_plan, can_edit_texts, can_edit_version
from tracker.plan.signals import (
    plan_version_approval_added,
    plan_version_approved,
    plan_version_frozen,
    plan_version_submitted,
)
from tracker.plan.texts import document_locale
from tracker.processes.models import Phase, Process

ONLY_STEERING = _l("Only the steering group shapes the plan.")
# The free texts of the plan, per kind of object that holds them.
TEXT_FIELDS: dict[type, frozenset[str]] = {Process: frozenset({"foreword"}),
                                           GuidingGoal: frozenset({"introduction", "objective"})}
CHART_FILE = "chart-{key}.png"


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def acting_user(by):
    """The user to store as creator or approver (None for the system)."""
    return by if by is not None and getattr(by, "is_authenticated", False) and by.id is not None else None


@guarded(can_edit_plan, ONLY_STEERING)
def freeze(process: Process, label: str, *, by, kind: str = generator.PLAN) -> PlanVersion:
    """Freeze the generated document into a new version (status draft) and render its charts once."""
    label = (label or "").strip()
    if not label:
        raise Invalid(_("Please give the version a label."), "label")
    content = generator.build(process, kind, label=label)
    number = (db.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.process_id == process.id))
              or 0) + 1
    version = PlanVersion(process=process, number=number, label=label, status=PlanStatus.DRAFT, content=content,
                          content_hash=content_hash(content), created_by=acting_user(by))
    db.session.add(version)
    db.session.flush()
    from tracker.plan import jobs  # (jobs → exports → versions)

    if jobs.needs_background(content):  # a large plan's charts are drawn by the job queue, not this request
        jobs.render_charts_after_commit(version)
    else:
        keep_chart_images(version)
    record("create", version, by=by, summary=f"plan version “{label}”",
           message=messages.message("plan.version_created", label=label))
    plan_version_frozen.send(version, by=by)
    return version


def keep_chart_images(version: PlanVersion) -> None:
    """Render the version's charts (a browser start) and keep them with it."""
    images = charts.render(version.content["charts"], document_locale(version.content))
    for key, data in images.items():
        db.session.add(PlanVersionFile(plan_version_id=version.id, name=CHART_FILE.format(key=key),
                                       media_type="image/png", data=data))


def _set_status(version: PlanVersion, to: PlanStatus, *, by, **fields) -> None:
    record("transition", version, by=by, summary=f"{version.status.value} → {to.value}",
           message=messages.status_change("plan_status", version.status, to),
           changes={"status": [version.status.value, to.value]})
    version.status = to
    for name, value in fields.items():
        setattr(version, name, value)


@guarded(can_edit_version, ONLY_STEERING)
def submit(version: PlanVersion, *, by) -> None:
    """A draft goes under review: the steering group comments on it and approves it (four eyes).

    An earlier version still under review is superseded: the new one replaces it in the review.
    """
    if version.status != PlanStatus.DRAFT:
        raise IllegalTransition(_("Only a draft can be submitted for review."))
    replaced = list(db.session.scalars(select(PlanVersion).where(
        PlanVersion.process_id == version.process_id, PlanVersion.status == PlanStatus.IN_REVIEW,
        PlanVersion.number < version.number)))
    now = utcnow()
    for earlier in replaced:
        _set_status(earlier, PlanStatus.SUPERSEDED, by=by, superseded_at=now)
    _set_status(version, PlanStatus.IN_REVIEW, by=by, submitted_at=now, submitted_by=acting_user(by))
    plan_version_submitted.send(version, superseded=replaced, by=by)


def approvals_needed(version: PlanVersion) -> int:
    return version.process.approvals_needed


def may_approve(user, version: PlanVersion) -> bool:
    """Whether the approve button is offered: steering, under review, not the submitter, not approved yet."""
    return (approve.allowed(user, version) and version.status == PlanStatus.IN_REVIEW
            and acting_user(user) is not None and user.id != version.submitted_by_id
            and all(approval.user_id != user.id for approval in version.approvals))


def open_comments(version: PlanVersion) -> int:
    """Review threads of the version nobody has resolved yet."""
    return db.session.scalar(select(func.count(ReviewComment.id)).where(
        ReviewComment.plan_version_id == version.id, ReviewComment.parent_id.is_(None),
        ReviewComment.resolved.is_(False))) or 0


@guarded(can_edit_version, ONLY_STEERING)
def approve(version: PlanVersion, *, by, override_reason: str | None = None) -> PlanApproval:
    """One steering member's approval of a version under review (never its submitter's, each once).

    Open review comments must be resolved first, or the approver overrides them with a reason (kept in
    the audit trail). When as many steering members as the process asks for have approved it, the
    version is approved and the previously approved version of the process is superseded.
    """
    if version.status != PlanStatus.IN_REVIEW:
        raise IllegalTransition(_("Only a version under review can be approved."))
    user = acting_user(by)
    if user is None:
        raise NotAllowed(_("A version is approved by members of the steering group, each in their own name."))
    if version.submitted_by_id == user.id:
        raise NotAllowed(_("You submitted this version: other members of the steering group approve it "
                           "(four eyes)."))
    if any(approval.user_id == user.id for approval in version.approvals):
        raise Conflict(_("You have already approved this version."), code="already_approved")
    unresolved = open_comments(version)
    override = " ".join((override_reason or "").split())[:2000]
    if unresolved and not override:
        raise Conflict(ngettext("%(num)d review comment is still open: resolve it, or give a reason to approve "
                                "anyway.", "%(num)d review comments are still open: resolve them, or give a reason "
                                "to approve anyway.", unresolved), code="open_comments")
    approval = PlanApproval(plan_version=version, user=user, created_at=utcnow())
    db.session.add(approval)
    db.session.flush()
    given, needed = len(version.approvals), approvals_needed(version)
    record("approve", version, by=by, summary=f"approval {given} of {needed}",
           message=messages.message("plan.approval", given=given, needed=needed),
           changes={"approvals": [given - 1, given]}
           | ({"open_comments": unresolved, "override_reason": override} if unresolved else {}))
    plan_version_approval_added.send(version, approval=approval, by=by)
    if given >= needed:
        _publish(version, by=by, when=approval.created_at)
    return approval


def _publish(version: PlanVersion, *, by, when) -> None:
    """Enough approvals: the version is the process's approved plan; the one before is superseded, and so
    is any earlier version still under review (from before submitting superseded it)."""
    superseded = list(db.session.scalars(select(PlanVersion).where(
        PlanVersion.process_id == version.process_id, PlanVersion.id != version.id,
        (PlanVersion.status == PlanStatus.APPROVED)
        | ((PlanVersion.status == PlanStatus.IN_REVIEW) & (PlanVersion.number < version.number)))
        .order_by(PlanVersion.number)))
    for previous in superseded:
        _set_status(previous, PlanStatus.SUPERSEDED, by=by, superseded_at=when)
    _set_status(version, PlanStatus.APPROVED, by=by, approved_by=acting_user(by), approved_at=when)
    if version.process.phase.position < Phase.IMPLEMENTATION.position:
        version.process.phase = Phase.IMPLEMENTATION
    plan_version_approved.send(version, superseded=superseded, by=by)


def approved_version(process: Process) -> PlanVersion | None:
    return db.session.scalar(select(PlanVersion).where(PlanVersion.process_id == process.id,
                                                       PlanVersion.status == PlanStatus.APPROVED))


def versions(process: Process, limit: int | None = None) -> list[PlanVersion]:
    """The process's versions, newest first (the `limit` newest)."""
    return list(db.session.scalars(select(PlanVersion).where(PlanVersion.process_id == process.id)
                                   .order_by(PlanVersion.number.desc()).limit(limit)))


def chart_images(version: PlanVersion) -> dict[str, bytes]:
    """{chart key: PNG} rendered when the version was frozen."""
    prefix, suffix = CHART_FILE.split("{key}")
    rows = db.session.execute(select(PlanVersionFile.name, PlanVersionFile.data).where(
        PlanVersionFile.plan_version_id == version.id, PlanVersionFile.name.like(f"{prefix}%")))
    return {name.removeprefix(prefix).removesuffix(suffix): data for name, data in rows}


def version_file(version: PlanVersion, name: str) -> PlanVersionFile | None:
    return db.session.scalar(select(PlanVersionFile).where(PlanVersionFile.plan_version_id == version.id,
                                                           PlanVersionFile.name == name))


def chart_file(version: PlanVersion, key: str) -> PlanVersionFile | None:
    return version_file(version, CHART_FILE.format(key=key))


# --- the free texts ---------------------------------------------------------------------------------

@guarded(can_edit_texts, ONLY_STEERING)
def save_text(obj: Process | GuidingGoal, *, expected_version: int, by, **texts: str) -> None:
    """Save free texts of the plan: a process's foreword, a guiding goal's introduction and objective.

    A stale version (someone saved in between) is a conflict, not a lost edit.
    """
    unknown = set(texts) - TEXT_FIELDS[type(obj)]
    if unknown:
        raise Invalid(_("This text is not part of the plan."), sorted(unknown)[0])
    try:
        if isinstance(obj, GuidingGoal):
            goals.update(obj, expected_version=expected_version, by=by, **texts)
        else:
            _save_foreword(obj, texts, expected_version=expected_version, by=by)
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(obj)
        raise StaleVersion(obj, version=obj.version) from None


def _save_foreword(process: Process, texts: dict[str, str], *, expected_version: int, by) -> None:
    if process.version != expected_version:
        raise StaleVersion(process, version=process.version)
    changes = {name: [getattr(process, name) or "", text] for name, text in texts.items()
               if (getattr(process, name) or "") != text}
    if not changes:
        return
    for name, (_old, text) in changes.items():
        setattr(process, name, text)
    record("update", process, by=by, summary="plan text " + ", ".join(changes), changes=changes,
           message=messages.message("plan.texts_changed", fields=messages.field_names("process", changes)))
