"""What implementation tracking announces, for other features to react to (mail).

Each signal's sender is the milestone; keyword arguments as listed.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

milestone_due_soon = _signals.signal("milestone-due-soon")  # today
