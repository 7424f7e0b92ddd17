import pytest

from tests import factories
from tracker.extensions import db
from tracker.measures.models import MeasureStatus
from tracker.prioritisation import services
from tracker.prioritisation.models import Method


@pytest.fixture
def proposals(world):
    measures = [factories.measure(world.process, world.hub_a, title=f"Vorschlag {i}", status=MeasureStatus.PROPOSAL)
                for i in range(3)]
    db.session.commit()
    return measures


@pytest.fixture
def dots_round(world, proposals):
    """An open dot-voting round: 5 points per participant, at most 3 on one measure."""
    round_ = services.open_round(world.process, title="Punkte", method=Method.DOTS, measures=proposals,
                                 points_per_voter=5, max_points_per_measure=3, by=world.steering)
    db.session.commit()
    return round_
