"""What happens to prioritisation rounds. The sender is the round."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

round_opened = _signals.signal("round-opened")  # by
round_closed = _signals.signal("round-closed")  # results, by
