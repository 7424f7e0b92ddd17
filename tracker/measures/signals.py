"""What happens to measures, for other features to react to (mail, caches, exports).

Each signal's sender is the measure (or the merge target); keyword arguments as listed.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

measure_created = _signals.signal("measure-created")  # by
measure_changed = _signals.signal("measure-changed")  # changes, by
measure_transitioned = _signals.signal("measure-transitioned")  # step, previous, by
measures_merged = _signals.signal("measures-merged")  # sender: the target; sources, by
measure_unmerged = _signals.signal("measure-unmerged")  # target (the measure it was merged into), by
