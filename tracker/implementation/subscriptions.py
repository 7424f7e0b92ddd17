"""Implementation tracking reacts to what the plan announces; the plan imports nothing of it to cause this.

`connect()` runs once when the app is built; receivers write in the sender's transaction.
"""

from __future__ import annotations

from tracker.implementation import services
from tracker.plan.signals import plan_update_started


def _carry_progress(process, *, previous, by) -> None:
    """A plan update starts each carried-over measure with the latest report of its original."""
    services.carry_over_progress(previous, process)


def connect() -> None:
    """Subscribe (idempotent: blinker keeps one connection per receiver)."""
    plan_update_started.connect(_carry_progress)
