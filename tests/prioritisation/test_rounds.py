"""Prioritisation rounds: limits, secrecy, ranking arithmetic, closing, and who may do what."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from tracker.errors import Invalid
from tracker.extensions import db
from tracker.measures.models import MeasureStatus
from tracker.prioritisation import services
from tracker.prioritisation.models import BallotEntry, Method, PrioritisationRound, RoundStatus


def _dots(world, proposals, points=5, per_measure=3):
    round_ = services.open_round(world.process, title="Dots", method=Method.DOTS, measures=proposals,
                                 points_per_voter=points, max_points_per_measure=per_measure, by=world.steering)
    db.session.commit()
    return round_


def test_dot_limits_are_enforced_and_the_earlier_ballot_stays(world, proposals):
    round_ = _dots(world, proposals)
    a, b, c = proposals
    services.vote(round_, {a.id: 3, b.id: 2}, by=world.company_a)
    db.session.commit()
    with pytest.raises(Invalid, match="nur 5"):
        services.vote(round_, {a.id: 3, b.id: 3}, by=world.company_a)
    db.session.rollback()
    with pytest.raises(Invalid, match="Höchstens 3"):
        services.vote(round_, {c.id: 4}, by=world.company_a)
    db.session.rollback()
    assert services.own_ballot(round_, world.company_a) == {a.id: 3, b.id: 2}


def test_changing_a_vote_replaces_it(world, proposals):
    round_ = _dots(world, proposals)
    a, b, _c = proposals
    services.vote(round_, {a.id: 3}, by=world.company_a)
    services.vote(round_, {b.id: 1}, by=world.company_a)
    db.session.commit()
    assert services.own_ballot(round_, world.company_a) == {b.id: 1}
    assert len(db.session.scalars(select(BallotEntry)).all()) == 1


def test_dot_ranking_after_close(world, proposals):
    round_ = _dots(world, proposals)
    a, b, c = proposals
    services.vote(round_, {a.id: 3, b.id: 2}, by=world.company_a)
    services.vote(round_, {b.id: 3, c.id: 2}, by=world.company_b)
    services.vote(round_, {a.id: 2}, by=world.moderator_a)
    results = services.close_round(round_, by=world.steering)
    db.session.commit()
    assert [(r.measure_id, r.score, r.rank) for r in results] == [(a.id, 5, 1), (b.id, 5, 1), (c.id, 2, 3)]
    assert services.close_round(round_, by=world.steering) == list(round_.results)  # closing twice: nothing new


def test_weighted_scoring_and_matrix_values(world, proposals):
    a, b, _c = proposals
    round_ = services.open_round(world.process, title="Scoring", method=Method.SCORING, measures=[a, b],
                                 by=world.steering, criteria=[("importance", Decimal(2)), ("urgency", Decimal(1))])
    importance, urgency = round_.criteria
    services.vote(round_, {(a.id, importance.id): 5, (a.id, urgency.id): 2,
                                            (b.id, importance.id): 3, (b.id, urgency.id): 5}, by=world.company_a)
    services.vote(round_, {(a.id, importance.id): 4, (a.id, urgency.id): 4}, by=world.company_b)
    results = {r.measure_id: r for r in services.close_round(round_, by=world.steering)}
    # a: importance mean 4.5, urgency mean 3 → (2·4.5 + 3) / 3 = 4; b: (2·3 + 5) / 3 = 3.667
    assert (results[a.id].score, results[a.id].importance, results[a.id].urgency) == \
        (Decimal("4.000"), Decimal("4.500"), Decimal("3.000"))
    assert results[b.id].score == Decimal("3.667") and results[a.id].rank == 1


def test_scores_outside_one_to_five_are_refused(world, proposals):
    round_ = services.open_round(world.process, title="S", method=Method.SCORING, measures=proposals[:1],
                                 by=world.steering)
    with pytest.raises(Invalid):
        services.vote(round_, {(proposals[0].id, round_.criteria[0].id): 6}, by=world.company_a)


def test_votes_are_secret_until_the_round_closes(client, world, proposals, login):
    round_ = _dots(world, proposals)
    services.vote(round_, {proposals[0].id: 3}, by=world.company_b)
    db.session.commit()
    login(world.company_a)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Rangfolge" not in page and 'value="3"' not in page
    assert client.get(f"/rounds/{round_.id}/results.csv").status_code == 403


def test_voting_in_the_browser_with_a_clear_message_for_too_many_points(client, world, proposals, login):
    round_ = _dots(world, proposals)
    login(world.company_a)
    refused = client.post(f"/rounds/{round_.id}", data={f"m{proposals[0].id}": "3", f"m{proposals[1].id}": "3"})
    assert refused.status_code == 400 and "nur 5" in refused.get_data(as_text=True)
    ok = client.post(f"/rounds/{round_.id}", data={f"m{proposals[0].id}": "3", f"m{proposals[1].id}": "2"})
    assert ok.status_code == 302


@pytest.mark.parametrize("role", ["moderator_a", "company_a"])
def test_only_steering_opens_and_closes(client, world, proposals, login, role):
    login(getattr(world, role))
    response = client.post(f"/processes/{world.process.id}/rounds",
                           data={"title": "X", "method": "dots", "measure_ids": [proposals[0].id],
                                 "points_per_voter": 3})
    assert response.status_code == 403
    assert db.session.scalar(select(PrioritisationRound)) is None


def test_closing_moves_chosen_measures_to_prioritised_with_their_score(client, world, proposals, login):
    round_ = _dots(world, proposals)
    services.vote(round_, {proposals[0].id: 3}, by=world.company_a)
    db.session.commit()
    login(world.steering)
    client.post(f"/rounds/{round_.id}/close")
    client.post(f"/rounds/{round_.id}/prioritise", data={"measure_ids": [proposals[0].id]})
    db.session.refresh(proposals[0])
    assert proposals[0].status == MeasureStatus.PRIORITISED
    assert "3" in proposals[0].transitions[-1].reason
    assert db.session.get(PrioritisationRound, round_.id).status == RoundStatus.CLOSED
