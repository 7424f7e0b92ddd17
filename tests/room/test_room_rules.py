"""Who runs a room, enters tallies and decides cards; the room's limits; how tallies combine with ballots."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tests import factories
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.measures.models import MeasureStatus
from tracker.prioritisation import services as prioritisation
from tracker.prioritisation.models import Method
from tracker.room import services
from tracker.room.models import RoomCard
from tracker.sessions.models import SessionKind


def _client(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    return client


def test_only_who_runs_the_session_runs_its_room(app, world, workshop, hub_workshop):
    """Hub workshops: their hub's moderators and steering; hub-less sessions: steering only (403 for others)."""
    for user, expected in ((world.moderator_a, 302), (world.moderator_b, 403), (world.company_a, 403),
                           (world.steering, 302)):
        client = _client(app, user)
        assert client.post(f"/sessions/{hub_workshop.id}/room/start", data={"people": "20"}).status_code == expected
        assert client.get(f"/sessions/{hub_workshop.id}/room").status_code == (200 if expected == 302 else 403)
    moderator = _client(app, world.moderator_a)
    assert moderator.post(f"/sessions/{workshop.id}/room/start", data={"people": "20"}).status_code == 403
    assert moderator.get(f"/sessions/{workshop.id}/room/live").status_code == 403
    with pytest.raises(NotAllowed):
        services.start(workshop, people=20, by=world.moderator_a)
    with pytest.raises(NotAllowed):
        services.stop(hub_workshop, by=world.moderator_b)


def test_cards_are_decided_by_who_runs_the_session(app, world, hub_workshop):
    room = services.start(hub_workshop, people=5, by=world.moderator_a)
    token, _secret = services.issue_token(room, by=None)
    card = services.hand_in(room, by=token, title="Karte", organization_name="Beta GmbH")
    db.session.commit()
    for user in (world.moderator_b, world.company_a):
        assert _client(app, user).post(f"/room-cards/{card.id}/accept").status_code == 403
        assert _client(app, user).post(f"/room-cards/{card.id}/discard").status_code == 403
    assert _client(app, world.moderator_a).post(f"/room-cards/{card.id}/accept").status_code == 302
    db.session.expire_all()
    accepted = db.session.get(RoomCard, card.id)
    # Beta GmbH is no member of hub A: the idea is the hub's as a whole, not Beta's.
    measure = db.session.get(type(world.measure_a), accepted.measure_id)
    assert measure.hub_id == world.hub_a.id and measure.proposer_organization_id is None
    assert measure.session_id == hub_workshop.id and measure.status == MeasureStatus.IDEA


def test_room_mode_runs_only_on_the_session_day_and_never_for_fewer_people_than_phones(world, workshop):
    past = factories.session(world.process, None, kind=SessionKind.PLENARY, starts_at=datetime(2018, 11, 5, 17))
    with pytest.raises(Conflict):
        services.start(past, people=10, by=world.steering)
    room = services.start(workshop, people=2, by=world.steering)
    services.issue_token(room, by=None)
    services.issue_token(room, by=None)
    with pytest.raises(NotAllowed):
        services.issue_token(room, by=None)  # the third phone in a room of two
    with pytest.raises(Invalid):
        services.start(workshop, people=1, by=world.steering)
    services.start(workshop, people=3, by=world.steering)
    services.issue_token(room, by=None)


def test_tallies_are_entered_by_who_runs_the_rounds_session(app, world, workshop, hub_workshop, proposals, dots_round):
    held_in_hub = prioritisation.open_round(world.process, title="Im Hub", method=Method.DOTS, measures=proposals,
                                            points_per_voter=3, by=world.steering, session=hub_workshop)
    db.session.commit()
    body = {"voters": "4", f"m{proposals[0].id}": "5"}
    for user, round_, expected in ((world.moderator_a, dots_round, 403), (world.company_a, dots_round, 403),
                                   (world.moderator_a, held_in_hub, 302), (world.moderator_b, held_in_hub, 403),
                                   (world.steering, dots_round, 302)):
        assert _client(app, user).post(f"/rounds/{round_.id}/tallies", data=body).status_code == expected
    with pytest.raises(NotAllowed):
        prioritisation.add_tally(dots_round, {proposals[0].id: 1}, voters=1, by=world.company_a)


def test_a_tally_cannot_claim_more_dots_than_its_people_have(world, dots_round, proposals):
    with pytest.raises(Invalid):  # 2 people × at most 2 on one measure
        prioritisation.add_tally(dots_round, {proposals[0].id: 5}, voters=2, by=world.steering)
    with pytest.raises(Invalid):  # 2 people × 3 points
        prioritisation.add_tally(dots_round, {proposals[0].id: 2, proposals[1].id: 2, proposals[2].id: 3}, voters=2,
                                 by=world.steering)
    prioritisation.close_round(dots_round, by=world.steering)
    with pytest.raises(Conflict):
        prioritisation.add_tally(dots_round, {proposals[0].id: 1}, voters=1, by=world.steering)


def test_scoring_means_on_paper_count_as_that_many_raters(world, workshop, proposals):
    round_ = prioritisation.open_round(world.process, title="Bewertung", method=Method.SCORING, measures=proposals,
                                       by=world.steering, session=workshop)
    importance, urgency = round_.criteria
    room = services.start(workshop, people=5, by=world.steering)
    token, _secret = services.issue_token(room, by=None)
    first = proposals[0].id
    prioritisation.cast_room_ballot(round_, {(first, importance.id): 5, (first, urgency.id): 3}, by=token)
    with pytest.raises(Conflict):
        prioritisation.cast_room_ballot(round_, {(first, importance.id): 1}, by=token)
    prioritisation.add_tally(round_, {(first, importance.id): Decimal(2), (first, urgency.id): Decimal(4)},
                             voters=3, by=world.steering)
    results = {r.measure_id: r for r in prioritisation.close_round(round_, by=world.steering)}
    assert results[first].importance == Decimal("2.75") and results[first].urgency == Decimal("3.75")
    assert results[first].score == Decimal("3.25") and results[first].voters == 4
    parts = prioritisation.results_by_source(round_)[first]
    assert parts == {"accounts": None, "room": Decimal("4"), "paper": Decimal("3")}


def test_a_phone_votes_only_in_the_round_held_in_its_session(world, workshop, hub_workshop, proposals):
    elsewhere = prioritisation.open_round(world.process, title="Woanders", method=Method.DOTS, measures=proposals,
                                          points_per_voter=3, by=world.steering, session=hub_workshop)
    room = services.start(workshop, people=5, by=world.steering)
    token, _secret = services.issue_token(room, by=None)
    with pytest.raises(NotAllowed):
        prioritisation.cast_room_ballot(elsewhere, {proposals[0].id: 1}, by=token)
    with pytest.raises(NotAllowed):  # a user is no phone
        prioritisation.cast_room_ballot(elsewhere, {proposals[0].id: 1}, by=world.steering)


def test_rate_limits_count_per_phone_not_per_address(make_app, world, workshop):
    services.start(workshop, people=5, by=world.steering)
    code = services.room_of(workshop).code
    db.session.commit()
    app = make_app(RATELIMIT_ENABLED=True, ROOM_PHONE_LIMIT="2 per minute", ROOM_JOIN_LIMIT="100 per minute")
    first, second = app.test_client(), app.test_client()
    assert [first.get(f"/r/{code}").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert [second.get(f"/r/{code}").status_code for _ in range(3)] == [200, 200, 200]  # same address


def test_tallies_and_results_through_the_api(app, world, bearer, dots_round, proposals):
    body = {"voters": 10, "entries": [{"measure_id": proposals[0].id, "dots": 12}]}
    refused = app.test_client().post(f"/api/v1/rounds/{dots_round.id}/tallies", json=body,
                                     headers=bearer(world.moderator_a))
    assert refused.status_code == 403
    steering = bearer(world.steering)
    client = app.test_client()
    made = client.post(f"/api/v1/rounds/{dots_round.id}/tallies", json=body, headers=steering)
    assert made.status_code == 201 and made.json["voters"] == 10
    too_many = client.post(f"/api/v1/rounds/{dots_round.id}/tallies",
                           json={"voters": 1, "entries": [{"measure_id": proposals[0].id, "dots": 3}]},
                           headers=steering)
    assert too_many.status_code == 400
    assert client.post(f"/api/v1/rounds/{dots_round.id}/close", headers=steering).status_code == 200
    results = client.get(f"/api/v1/rounds/{dots_round.id}/results", headers=bearer(world.company_a)).json
    assert results["voters"] == {"accounts": 0, "room": 0, "paper": 10, "total": 10}
    assert results["ranking"][0] == {"rank": 1, "measure_id": proposals[0].id, "score": 12.0,
                                     "sources": {"accounts": None, "room": None, "paper": 12.0}}
    assert client.delete(f"/api/v1/tallies/{made.json['id']}", headers=steering).status_code == 409  # closed


def test_room_mode_through_the_api(app, world, bearer, workshop):
    client = app.test_client()
    assert client.post(f"/api/v1/sessions/{workshop.id}/room/start", json={"people": 12},
                       headers=bearer(world.moderator_a)).status_code == 403
    started = client.post(f"/api/v1/sessions/{workshop.id}/room/start", json={"people": 12},
                          headers=bearer(world.steering))
    assert started.status_code == 200 and started.json["open"] and started.json["people"] == 12
    phone = app.test_client()
    phone.get(started.json["link"].replace("http://localhost", ""))
    phone.post(started.json["link"].replace("http://localhost", "") + "/cards", data={"title": "Per API bestätigt"})
    cards = client.get(f"/api/v1/sessions/{workshop.id}/room/cards", headers=bearer(world.steering)).json["items"]
    assert [c["title"] for c in cards] == ["Per API bestätigt"]
    accepted = client.post(f"/api/v1/room-cards/{cards[0]['id']}/accept", headers=bearer(world.steering))
    assert accepted.status_code == 200 and accepted.json["measure_id"]
    stopped = client.post(f"/api/v1/sessions/{workshop.id}/room/stop", headers=bearer(world.steering))
    assert stopped.json["open"] is False


def test_a_phone_scores_in_a_scoring_round(app, world, workshop, proposals):
    round_ = prioritisation.open_round(world.process, title="Bewertung", method=Method.SCORING, measures=proposals,
                                       by=world.steering, session=workshop)
    room = services.start(workshop, people=3, by=world.steering)
    db.session.commit()
    importance, urgency = round_.criteria
    phone = app.test_client()
    page = phone.get(f"/r/{room.code}").get_data(as_text=True)
    assert f'name="m{proposals[0].id}-{importance.id}"' in page and "Wichtigkeit" in page
    answer = phone.post(f"/r/{room.code}/ballot", data={f"m{proposals[0].id}-{importance.id}": "4",
                                                        f"m{proposals[0].id}-{urgency.id}": "2"})
    assert answer.status_code == 302
    assert phone.post(f"/r/{room.code}/ballot", data={f"m{proposals[0].id}-{urgency.id}": "3"}).status_code == 409
    assert prioritisation.voter_sources(round_)["room"] == 1
