"""Prioritisation rounds through the API."""

from decimal import Decimal

import pytest

from tests import factories
from tracker.extensions import db
from tracker.measures.models import MeasureStatus
from tracker.prioritisation import services
from tracker.prioritisation.models import Method, PrioritisationRound, RoundStatus


def test_round_vote_close(client, world, bearer):
    a, b = (factories.measure(world.process, world.hub_a, title=t, status=MeasureStatus.PROPOSAL) for t in "AB")
    db.session.commit()
    steering = bearer(world.steering)
    created = client.post(f"/api/v1/processes/{world.process.id}/rounds", headers=steering, json={
        "title": "Juni", "method": "dots", "measure_ids": [a.id, b.id], "points_per_voter": 5,
        "max_points_per_measure": 3})
    assert created.status_code == 201
    round_id = created.json["id"]
    company = bearer(world.company_a)
    too_many = client.post(f"/api/v1/rounds/{round_id}/votes", headers=company,
                           json={"votes": [{"measure_id": a.id, "points": 3}, {"measure_id": b.id, "points": 3}]})
    assert too_many.status_code == 400
    ok = client.post(f"/api/v1/rounds/{round_id}/votes", headers=company,
                     json={"votes": [{"measure_id": a.id, "points": 1}, {"measure_id": b.id, "points": 3}]})
    assert ok.status_code == 200
    assert client.post(f"/api/v1/rounds/{round_id}/close", headers=company).status_code == 403
    ranking = client.post(f"/api/v1/rounds/{round_id}/close", headers=steering).json["ranking"]
    assert [(r["measure_id"], r["score"], r["rank"]) for r in ranking] == [(b.id, 3.0, 1), (a.id, 1.0, 2)]
    late = client.post(f"/api/v1/rounds/{round_id}/votes", headers=company, json={"votes": []})
    assert late.status_code == 409


def test_only_steering_opens_rounds(client, world, bearer):
    response = client.post(f"/api/v1/processes/{world.process.id}/rounds", headers=bearer(world.moderator_a),
                           json={"title": "X", "method": "dots", "measure_ids": [world.measure_a.id],
                                 "points_per_voter": 3})
    assert response.status_code == 403


def test_only_proposals_can_be_prioritised(client, world, bearer):
    response = client.post(f"/api/v1/processes/{world.process.id}/rounds", headers=bearer(world.steering),
                           json={"title": "X", "method": "dots", "measure_ids": [world.measure_a.id],
                                 "points_per_voter": 3})
    assert response.status_code == 400 and "measure_ids" in response.json["error"]["fields"]


@pytest.fixture
def open_round(world):
    proposal = factories.measure(world.process, world.hub_a, title="A", status=MeasureStatus.PROPOSAL)
    round_ = services.open_round(world.process, title="Juni", method=Method.DOTS, measures=[proposal],
                                 points_per_voter=3, by=world.steering)
    db.session.commit()
    return round_


@pytest.mark.parametrize("body", [{}, {"nonsense": True}, {"title": "X", "method": "dots", "measure_ids": [1],
                                                             "points_per_voter": 3}])
def test_a_caller_without_the_right_gets_403_whatever_the_body(client, world, open_round, bearer, body):
    assert client.post(f"/api/v1/processes/{world.process.id}/rounds", json=body,
                       headers=bearer(world.moderator_a)).status_code == 403
    assert client.post(f"/api/v1/rounds/{open_round.id}/close", json=body,
                       headers=bearer(world.company_a)).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(PrioritisationRound)) == 1
    assert db.session.get(PrioritisationRound, open_round.id).status == RoundStatus.OPEN


def test_unknown_measures_are_a_field_error(client, world, bearer):
    response = client.post(f"/api/v1/processes/{world.process.id}/rounds", headers=bearer(world.steering),
                           json={"title": "X", "method": "dots", "measure_ids": [987654], "points_per_voter": 3})
    assert response.status_code == 400 and "measure_ids" in response.json["error"]["fields"]


def test_unknown_round_is_404_before_anything_else(client, world, bearer):
    assert client.post("/api/v1/rounds/987654/votes", json={}, headers=bearer(world.company_a)).status_code == 404


@pytest.mark.parametrize(("criteria", "field"), [
    ([{"name": "a", "weight": 1e-300}], "criteria.0.weight"),
    ([{"name": "a", "weight": 0.001}], "criteria.0.weight"),
    ([{"name": "a"}, {"name": "a"}], "criteria.1.name"),
    ([{"name": "Wirkung", "weight": 2}, {"name": " wirkung ", "weight": 1}], "criteria.1.name"),
])
def test_bad_criteria_are_a_field_error(client, world, bearer, criteria, field):
    """Probe 11: a weight that rounds to 0 and duplicate criterion names were stored (201)."""
    proposal = factories.measure(world.process, world.hub_a, title="A", status=MeasureStatus.PROPOSAL)
    db.session.commit()
    response = client.post(f"/api/v1/processes/{world.process.id}/rounds", headers=bearer(world.steering),
                           json={"title": "X", "method": "scoring", "measure_ids": [proposal.id],
                                 "criteria": criteria})
    assert response.status_code == 400 and field in response.json["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count()).select_from(PrioritisationRound)) == 0


@pytest.fixture
def proposals_for_scoring(world):
    return [factories.measure(world.process, world.hub_a, title="A", status=MeasureStatus.PROPOSAL)]


def test_weights_at_the_bounds_are_accepted(world, proposals_for_scoring):
    """Probe 11: the bounds themselves (0.01 and 100) stay allowed, and are stored as given."""
    round_ = services.open_round(world.process, title="X", method=Method.SCORING, measures=proposals_for_scoring,
                                 criteria=[("Wirkung", Decimal("0.01")), ("Kosten", Decimal("100"))],
                                 by=world.steering)
    db.session.commit()
    assert [(c.name, c.weight) for c in round_.criteria] == [("Wirkung", Decimal("0.01")), ("Kosten", Decimal("100"))]


def test_closing_a_round_can_mark_its_top_proposals_prioritised(client, world, bearer):
    """Issue 18: the web marked a closed round's measures prioritised, the API could not."""
    a, b, c = (factories.measure(world.process, world.hub_a, title=t, status=MeasureStatus.PROPOSAL) for t in "ABC")
    db.session.commit()
    steering = bearer(world.steering)
    round_id = client.post(f"/api/v1/processes/{world.process.id}/rounds", headers=steering, json={
        "title": "Dezember", "method": "dots", "measure_ids": [a.id, b.id, c.id], "points_per_voter": 6}).json["id"]
    client.post(f"/api/v1/rounds/{round_id}/votes", headers=bearer(world.company_a),
                json={"votes": [{"measure_id": a.id, "points": 1}, {"measure_id": b.id, "points": 3},
                                {"measure_id": c.id, "points": 2}]})
    early = client.post(f"/api/v1/rounds/{round_id}/prioritise", headers=steering, json={"top": 2})
    assert early.status_code == 409  # close the round first
    client.post(f"/api/v1/rounds/{round_id}/close", headers=steering)
    refused = client.post(f"/api/v1/rounds/{round_id}/prioritise", headers=bearer(world.moderator_a), json={})
    assert refused.status_code == 403  # before the body is read
    assert client.post(f"/api/v1/rounds/{round_id}/prioritise", headers=steering,
                       json={"top": 2, "measure_ids": [a.id]}).status_code == 400
    top = client.post(f"/api/v1/rounds/{round_id}/prioritise", headers=steering, json={"top": 2})
    assert top.status_code == 200 and sorted(top.json["prioritised"]) == sorted([b.id, c.id])
    chosen = client.post(f"/api/v1/rounds/{round_id}/prioritise", headers=steering, json={"measure_ids": [a.id]})
    assert chosen.json["prioritised"] == [a.id]
    db.session.expire_all()
    assert {m.status for m in (a, b, c)} == {MeasureStatus.PRIORITISED}
