"""What happens to people's data, for other features to react to. The sender is the person."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

person_anonymised = _signals.signal("person-anonymised")  # by, counts ({what: how many rows})
