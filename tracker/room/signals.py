"""What happens in a session's room, for other features to react to."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

room_started = _signals.signal("room-started")  # sender: the room; by
room_stopped = _signals.signal("room-stopped")  # sender: the room; by
card_handed_in = _signals.signal("room-card-handed-in")  # sender: the card; by (the phone's token)
card_decided = _signals.signal("room-card-decided")  # sender: the card (accepted or discarded); by
