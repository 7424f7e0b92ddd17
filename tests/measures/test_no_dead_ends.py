"""Issue 18, item 6: adopting asks for the primary guiding goal on the spot; a merge keeps hub and proposers."""

import pytest

from tests import factories
from tracker.errors import NotAllowed
from tracker.extensions import db
from tracker.measures import services
from tracker.measures.models import MeasureStatus


def test_adopting_takes_the_primary_goal_on_the_spot_in_the_web(client, login, world):
    goal = factories.goal(world.process, title="Fachkräfte sichern")
    measure = factories.measure(world.process, world.hub_a, title="Ohne Leitziel", status=MeasureStatus.PROPOSAL)
    db.session.commit()
    login(world.steering)
    page = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert 'name="primary_goal_id"' in page and "Fachkräfte sichern" in page
    response = client.post(f"/measures/{measure.id}/transition",
                           data={"to": "adopted", "primary_goal_id": str(goal.id)})
    assert response.status_code == 302
    db.session.refresh(measure)
    assert measure.status == MeasureStatus.ADOPTED and measure.primary_goal_id == goal.id
    # without the goal the step is refused and nothing changes
    other = factories.measure(world.process, world.hub_a, status=MeasureStatus.PROPOSAL)
    db.session.commit()
    assert client.post(f"/measures/{other.id}/transition", data={"to": "adopted"}).status_code == 303
    db.session.refresh(other)
    assert other.status == MeasureStatus.PROPOSAL


def test_adopting_takes_the_primary_goal_through_the_api(client, world, bearer):
    goal = factories.goal(world.process)
    foreign = factories.goal(factories.process())
    measure = factories.measure(world.process, world.hub_a, status=MeasureStatus.PROPOSAL)
    db.session.commit()
    headers = bearer(world.steering)
    refused = client.post(f"/api/v1/measures/{measure.id}/transition", headers=headers,
                          json={"to": "adopted", "primary_goal_id": foreign.id})
    assert refused.status_code == 400 and "primary_goal_id" in refused.get_json()["error"]["fields"]
    answer = client.post(f"/api/v1/measures/{measure.id}/transition", headers=headers,
                         json={"to": "adopted", "primary_goal_id": goal.id})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "adopted" and answer.get_json()["primary_goal_id"] == goal.id


def test_a_merge_across_hubs_goes_into_the_hub_steering_chooses_and_keeps_every_proposer(client, login, world):
    target = services.merge_into_new(world.process, [world.measure_a, world.measure_b], by=world.steering,
                                     title="Zusammen", hub=world.hub_b)
    db.session.commit()
    assert target.hub_id == world.hub_b.id
    login(world.company_a)
    page = client.get(f"/measures/{target.id}").get_data(as_text=True)
    assert "Alpha GmbH, Beta GmbH" in page  # the proposers of both ideas


def test_a_moderator_merging_in_their_hub_keeps_it_and_cannot_choose_another(world):
    second = factories.measure(world.process, world.hub_a, title="Zweite Idee")
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.merge_into_new(world.process, [world.measure_a, second], by=world.moderator_a, title="X",
                                hub=world.hub_b)
    db.session.rollback()
    target = services.merge_into_new(world.process, [world.measure_a, second], by=world.moderator_a, title="X")
    assert target.hub_id == world.hub_a.id


def test_a_merged_measure_without_a_hub_can_be_given_one(client, world, bearer):
    target = services.merge_into_new(world.process, [world.measure_a, world.measure_b], by=world.steering,
                                     title="Hubübergreifend")
    db.session.commit()
    assert target.hub_id is None
    path = f"/api/v1/measures/{target.id}"
    assert client.patch(path, headers=bearer(world.company_a),
                        json={"version": target.version, "hub_id": world.hub_a.id}).status_code == 403
    answer = client.patch(path, headers=bearer(world.steering), json={"version": target.version,
                                                                      "hub_id": world.hub_a.id})
    assert answer.status_code == 200 and answer.get_json()["hub_id"] == world.hub_a.id
    # once it has a hub, that hub stays
    again = client.patch(path, headers=bearer(world.steering), json={"version": answer.get_json()["version"],
                                                                     "hub_id": world.hub_b.id})
    assert again.status_code == 400
