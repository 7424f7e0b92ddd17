"""What happens to the plan. The sender is the plan version (or the new process of an update)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

plan_version_frozen = _signals.signal("plan-version-frozen")  # by
plan_version_submitted = _signals.signal("plan-version-submitted")  # superseded (earlier ones in review), by
plan_version_approval_added = _signals.signal("plan-version-approval-added")  # approval, by
plan_version_approved = _signals.signal("plan-version-approved")  # superseded (list of versions), by
plan_update_started = _signals.signal("plan-update-started")  # sender: the new process; previous (process), by
