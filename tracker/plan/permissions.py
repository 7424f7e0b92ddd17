"""Who may read and shape the plan (asked per process and per version)."""

from __future__ import annotations

from tracker.permissions import is_internal, is_steering


def can_read_plan(user, process) -> bool:
    """The live draft, versions and comments: steering, admins and moderators (read only)."""
    return is_internal(user, process)


def can_edit_plan(user, process) -> bool:
    """Free texts, freezing, review comments, submitting, approving, updates: steering and admins."""
    return is_steering(user, process)
