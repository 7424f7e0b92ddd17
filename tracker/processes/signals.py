"""What happens to processes. The sender is the process."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

process_created = _signals.signal("process-created")  # by
process_changed = _signals.signal("process-changed")  # changes, by
