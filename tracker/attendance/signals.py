"""What happens to attendance lists. The sender is the session."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

attendees_invited = _signals.signal("attendees-invited")  # attendances (the new ones), by
