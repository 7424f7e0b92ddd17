"""A prioritisation workshop held today: a hub-less session, three proposals, an open dot round held in it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests import factories
from tracker.extensions import db
from tracker.measures.models import MeasureStatus
from tracker.prioritisation import services as prioritisation
from tracker.prioritisation.models import Method
from tracker.room.services import ZONE
from tracker.sessions.models import SessionKind, SessionStatus


def now_local() -> datetime:
    return datetime.now(ZONE).replace(tzinfo=None, second=0, microsecond=0)


@pytest.fixture
def workshop(world):
    now = now_local()
    # Within today whatever the hour: from half an hour ago, but not before midnight, to the end of the day
    # at the latest (in the first half hour of a day "half an hour ago" is yesterday).
    start = max(now - timedelta(minutes=30), now.replace(hour=0, minute=0))
    end = min(start + timedelta(hours=3), now.replace(hour=23, minute=59))
    return factories.session(world.process, None, kind=SessionKind.PRIORITISATION, title="Priorisierungsworkshop",
                             starts_at=start, ends_at=end, status=SessionStatus.PLANNED)


@pytest.fixture
def hub_workshop(world):
    start = now_local().replace(hour=0, minute=1)
    return factories.session(world.process, world.hub_a, title="Workshop A heute", starts_at=start,
                             ends_at=start.replace(hour=23, minute=50), status=SessionStatus.PLANNED, number=7)


@pytest.fixture
def proposals(world):
    measures = [factories.measure(world.process, world.hub_a, title=f"Vorschlag {i}", status=MeasureStatus.PROPOSAL)
                for i in range(3)]
    db.session.commit()
    return measures


@pytest.fixture
def dots_round(world, workshop, proposals):
    """Held in the workshop: 3 points per participant, at most 2 on one measure."""
    round_ = prioritisation.open_round(world.process, title="Punkte im Raum", method=Method.DOTS, measures=proposals,
                                       points_per_voter=3, max_points_per_measure=2, by=world.steering,
                                       session=workshop)
    db.session.commit()
    return round_
