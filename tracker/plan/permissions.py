"""Who may read and shape the plan (asked per process, and per version or comment through its process)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.goals.models import GuidingGoal
from tracker.permissions import is_internal, is_steering
from tracker.plan.models import PlanStatus

if TYPE_CHECKING:
    from tracker.plan.models import PlanVersion, ReviewComment
    from tracker.processes.models import Process


def can_read_plan(user, process: Process) -> bool:
    """The live draft, versions and comments: steering, admins and moderators (read only)."""
    return is_internal(user, process)


def can_edit_plan(user, process: Process) -> bool:
    """Free texts, freezing, review comments, submitting, approving, updates: steering and admins."""
    return is_steering(user, process)


def can_read_version(user, version: PlanVersion) -> bool:
    return can_read_plan(user, version.process)


def can_read_published(user, version: PlanVersion) -> bool:
    """An approved version is public; the others are read like the draft."""
    return version.status == PlanStatus.APPROVED or can_read_version(user, version)


def can_edit_version(user, version: PlanVersion) -> bool:
    return can_edit_plan(user, version.process)


def can_edit_comment(user, comment: ReviewComment) -> bool:
    return can_edit_version(user, comment.plan_version)


def can_edit_texts(user, obj: Process | GuidingGoal) -> bool:
    """The foreword of a process, the introduction and objective of a guiding goal."""
    return can_edit_plan(user, obj.process if isinstance(obj, GuidingGoal) else obj)
