"""The steering group defines, edits and orders the plan's chapters."""

import pytest
from sqlalchemy import select

from tests import factories
from tracker.errors import NotAllowed
from tracker.extensions import db
from tracker.goals import services
from tracker.goals.models import GuidingGoal
from tracker.permissions import SYSTEM


@pytest.mark.parametrize("role,allowed", [("steering", True), ("moderator_a", False), ("company_a", False)])
def test_who_adds_guiding_goals(client, world, login, role, allowed):
    login(getattr(world, role))
    response = client.post(f"/processes/{world.process.id}/goals", data={"title": "Oberhausen ist innovativ"})
    goal = db.session.scalar(select(GuidingGoal))
    assert (goal is not None) is allowed
    assert response.status_code == (302 if allowed else 403)


def test_reordering_swaps_numbers(client, world, login):
    first = factories.goal(world.process, number=1, title="Erstes")
    second = factories.goal(world.process, number=2, title="Zweites")
    db.session.commit()
    login(world.steering)
    client.post(f"/goals/{second.id}/move", data={"direction": "up"})
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.number, second.number) == (2, 1)
    page = client.get(f"/processes/{world.process.id}/goals").get_data(as_text=True)
    assert page.index("Zweites") < page.index("Erstes")


def test_goal_page_lists_its_measures(client, world, login):
    goal = factories.goal(world.process, number=1, title="Digital")
    world.measure_a.primary_goal = goal
    world.measure_b.goals = [goal]
    db.session.commit()
    login(world.company_a)
    page = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert page.index("Idee aus A") < page.index("Idee aus B")


def test_stale_goal_edit_is_a_conflict(client, world, login):
    goal = factories.goal(world.process, number=1, title="Alt")
    db.session.commit()
    login(world.steering)
    version = goal.version
    assert client.post(f"/goals/{goal.id}/edit", data={"title": "Neu 1", "version": version}).status_code == 302
    second = client.post(f"/goals/{goal.id}/edit", data={"title": "Neu 2", "version": version})
    assert second.status_code == 409 and "Neu 2" in second.get_data(as_text=True)


def test_page_and_api_number_goals_by_the_same_rule(client, world, login, bearer):
    factories.goal(world.process, number=4, title="Vorhanden")
    db.session.commit()
    headers = bearer(world.steering)
    by_api = client.post(f"/api/v1/processes/{world.process.id}/goals", json={"title": "Per API"}, headers=headers)
    assert by_api.status_code == 201 and by_api.json["number"] == 5
    login(world.steering)
    client.post(f"/processes/{world.process.id}/goals", data={"title": "Per Seite"})
    numbers = dict(db.session.execute(select(GuidingGoal.title, GuidingGoal.number)).all())
    assert numbers == {"Vorhanden": 4, "Per API": 5, "Per Seite": 6}
    taken = client.post(f"/api/v1/processes/{world.process.id}/goals", json={"title": "X", "number": 5},
                        headers=headers)
    assert taken.status_code == 409 and taken.json["error"]["fields"] == {"number": taken.json["error"]["message"]}


@pytest.mark.parametrize("role", ["moderator_a", "company_a"])
def test_the_service_itself_refuses_who_may_not_define_goals(world, role):
    """The CLI, importers and the API reach the same refusal as the page."""
    with pytest.raises(NotAllowed):
        services.create(world.process, title="Heimlich", by=getattr(world, role))
    goal = services.create(world.process, title="Offiziell", by=SYSTEM)
    assert goal.number == 1
    second = services.create(world.process, title="Zweites", by=SYSTEM)
    db.session.flush()
    with pytest.raises(NotAllowed):
        services.update(goal, expected_version=goal.version, by=getattr(world, role), title="Umbenannt")
    with pytest.raises(NotAllowed):
        services.move(second, -1, by=getattr(world, role))
    assert (goal.title, goal.number, second.number) == ("Offiziell", 1, 2)
