import pytest

from tests import factories
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.measures.models import MeasureStatus


@pytest.fixture
def plan(world):
    """Three adopted measures of hub A under one guiding goal; the first has a responsible organisation whose
    representative (rep) reports on it."""
    goal = factories.goal(world.process, number=1, title="Digital")
    responsible = factories.organization(name="Verantwortlich GmbH")
    rep = factories.user(Role.COMPANY, organization=responsible)
    measures = [factories.measure(world.process, world.hub_a, title=f"M{i}", status=MeasureStatus.ADOPTED,
                                  primary_goal=goal) for i in range(3)]
    measures[0].responsible_organizations = [responsible]
    db.session.commit()
    return goal, measures, rep
