"""What happens to sessions, for other features to react to. The sender is the session."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

session_scheduled = _signals.signal("session-scheduled")  # by
session_changed = _signals.signal("session-changed")  # changes ({field: [old, new]}), by
minutes_approved = _signals.signal("minutes-approved")  # by
