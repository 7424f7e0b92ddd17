"""Prioritisation rounds in the browser: limits that keep the earlier ballot, secrecy until closing, who may
open and close, closing twice, the move to `prioritised`, and the exports."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests import factories
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.measures.models import MeasureStatus, MeasureTransition
from tracker.permissions import SYSTEM
from tracker.prioritisation import services
from tracker.prioritisation.models import Ballot, BallotEntry, Method, PrioritisationRound, RoundResult, RoundStatus


def _entries():
    return sorted(db.session.execute(select(Ballot.voter_id, BallotEntry.measure_id, BallotEntry.value)
                                     .join(BallotEntry.ballot)).all())


@pytest.mark.parametrize("points,message", [((3, 3, 0), "Sie haben 6 Punkte vergeben, haben aber nur 5."),
                                            ((0, 4, 0), "Höchstens 3 Punkte auf eine Maßnahme."),
                                            ((-1, 2, 0), "negativ")])
def test_a_refused_ballot_keeps_the_earlier_one(client, world, proposals, dots_round, login, points, message):
    a, b, _c = proposals
    login(world.company_a)
    assert client.post(f"/rounds/{dots_round.id}", data={f"m{a.id}": "2", f"m{b.id}": "3"}).status_code == 302
    before = _entries()
    ballot = {f"m{m.id}": str(p) for m, p in zip(proposals, points, strict=True)}
    response = client.post(f"/rounds/{dots_round.id}", data=ballot)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert f'value="{points[1]}"' in page  # the input is kept to correct it
    db.session.expire_all()
    assert _entries() == before == [(world.company_a.id, a.id, 2), (world.company_a.id, b.id, 3)]


def test_voting_again_replaces_the_ballot_and_the_page_shows_it(client, world, proposals, dots_round, login):
    a, b, c = proposals
    login(world.moderator_a)
    client.post(f"/rounds/{dots_round.id}", data={f"m{a.id}": "3", f"m{b.id}": "2"})
    client.post(f"/rounds/{dots_round.id}", data={f"m{c.id}": "1"})
    db.session.expire_all()
    assert _entries() == [(world.moderator_a.id, c.id, 1)]
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    page = client.get(f"/rounds/{dots_round.id}").get_data(as_text=True)
    assert f'id="m{c.id}" name="m{c.id}" value="1"' in page and f'id="m{a.id}" name="m{a.id}" value=""' in page


def test_nobody_sees_others_votes_or_totals_before_closing(client, world, proposals, dots_round, login, bearer):
    a, _b, _c = proposals
    services.vote(dots_round, {a.id: 3}, by=world.company_b)
    db.session.commit()
    for who in (world.company_a, world.steering):
        login(who)
        page = client.get(f"/rounds/{dots_round.id}").get_data(as_text=True)
        assert 'value="3"' not in page and 'id="ranking"' not in page
        assert client.get(f"/rounds/{dots_round.id}/results.csv").status_code == 403
        assert client.get(f"/rounds/{dots_round.id}/results.xlsx").status_code == 403
        client.post("/logout")
    assert services.own_ballot(dots_round, world.company_a) == {}
    assert db.session.scalar(select(func.count()).select_from(RoundResult)) == 0


@pytest.mark.parametrize("who", ["moderator_a", "moderator_b", "company_a"])
def test_only_steering_closes_and_moves_measures(client, world, proposals, dots_round, login, who):
    services.vote(dots_round, {proposals[0].id: 3}, by=world.company_a)
    db.session.commit()
    login(getattr(world, who))
    assert client.post(f"/rounds/{dots_round.id}/close").status_code == 403
    db.session.expire_all()
    assert db.session.get(PrioritisationRound, dots_round.id).status == RoundStatus.OPEN
    services.close_round(dots_round, by=world.steering)
    db.session.commit()
    assert client.post(f"/rounds/{dots_round.id}/prioritise",
                       data={"measure_ids": [proposals[0].id]}).status_code == 403
    db.session.expire_all()
    assert db.session.get(type(proposals[0]), proposals[0].id).status == MeasureStatus.PROPOSAL


@pytest.mark.parametrize("who", ["moderator_a", "company_a"])
def test_the_service_refuses_closing_and_prioritising_by_others(world, proposals, dots_round, who):
    with pytest.raises(NotAllowed):
        services.close_round(dots_round, by=getattr(world, who))
    assert dots_round.status == RoundStatus.OPEN
    services.close_round(dots_round, by=world.steering)
    with pytest.raises(NotAllowed):
        services.mark_prioritised(dots_round, [proposals[0].id], by=getattr(world, who))
    assert proposals[0].status == MeasureStatus.PROPOSAL


def test_closing_asks_for_the_steering_of_the_rounds_own_process(world, dots_round, monkeypatch):
    """Not "steering somewhere": the right is asked for the process the round belongs to."""
    asked = []
    monkeypatch.setattr(services, "is_steering", lambda user, process: asked.append(process) or True)
    services.close_round(dots_round, by=world.steering)
    assert asked == [world.process]


@pytest.mark.parametrize("who", ["moderator_a", "company_a"])
def test_the_service_refuses_opening_by_others(world, proposals, who):
    with pytest.raises(NotAllowed):
        services.open_round(world.process, title="Heimlich", method=Method.DOTS, measures=proposals,
                            points_per_voter=3, by=getattr(world, who))
    assert db.session.scalar(select(func.count()).select_from(PrioritisationRound)) == 0


def test_a_round_cannot_take_proposals_of_another_process(world, proposals):
    other = factories.process(name="Anderer Prozess")
    foreign = factories.measure(other, None, title="Fremd", status=MeasureStatus.PROPOSAL)
    with pytest.raises(Invalid) as refused:
        services.open_round(world.process, title="Runde", method=Method.DOTS, measures=[proposals[0], foreign],
                            points_per_voter=3, by=world.steering)
    assert refused.value.field == "measure_ids"


def test_the_system_actor_of_commands_casts_no_ballot(world, dots_round, proposals):
    with pytest.raises(NotAllowed):
        services.vote(dots_round, {proposals[0].id: 1}, by=SYSTEM)


def test_closing_twice_changes_nothing(client, world, proposals, dots_round, login):
    services.vote(dots_round, {proposals[0].id: 3, proposals[1].id: 1}, by=world.company_a)
    db.session.commit()
    login(world.steering)
    client.post(f"/rounds/{dots_round.id}/close")
    db.session.expire_all()
    closed_at = db.session.get(PrioritisationRound, dots_round.id).closed_at
    results = db.session.execute(select(RoundResult.measure_id, RoundResult.rank, RoundResult.score)).all()
    assert client.post(f"/rounds/{dots_round.id}/close").status_code == 302
    db.session.expire_all()
    assert db.session.get(PrioritisationRound, dots_round.id).closed_at == closed_at
    assert db.session.execute(select(RoundResult.measure_id, RoundResult.rank, RoundResult.score)).all() == results


def test_a_closed_round_takes_no_votes(client, world, proposals, dots_round, login):
    services.vote(dots_round, {proposals[0].id: 1}, by=world.company_a)
    services.close_round(dots_round, by=world.steering)
    db.session.commit()
    login(world.company_a)
    refused = client.post(f"/rounds/{dots_round.id}", data={f"m{proposals[1].id}": "5"})
    assert refused.status_code == 409 and "geschlossen" in refused.get_data(as_text=True)
    with pytest.raises(Conflict, match="geschlossen"):
        services.vote(dots_round, {proposals[1].id: 1}, by=world.company_a)
    db.session.rollback()
    assert _entries() == [(world.company_a.id, proposals[0].id, 1)]


def test_opening_a_round_in_the_browser(client, world, proposals, login):
    login(world.steering)
    idea = world.measure_a  # an idea, not a proposal
    refused = client.post(f"/processes/{world.process.id}/rounds",
                          data={"title": "Frühjahr", "method": "dots", "measure_ids": [idea.id],
                                "points_per_voter": 5})
    assert refused.status_code == 400 and 'value="Frühjahr"' in refused.get_data(as_text=True)
    no_points = client.post(f"/processes/{world.process.id}/rounds",
                            data={"title": "Frühjahr", "method": "dots", "measure_ids": [proposals[0].id]})
    assert no_points.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PrioritisationRound)) == 0
    ok = client.post(f"/processes/{world.process.id}/rounds",
                     data={"title": "Frühjahr", "method": "scoring", "measure_ids": [p.id for p in proposals],
                           "importance_weight": "2", "urgency_weight": "1"})
    assert ok.status_code == 302
    round_ = db.session.scalar(select(PrioritisationRound))
    assert [(c.name, c.weight) for c in round_.criteria] == [("importance", Decimal("2.00")),
                                                              ("urgency", Decimal("1.00"))]
    assert len(round_.measures) == 3


def test_scoring_in_the_browser_ends_in_ranking_and_matrix(client, world, proposals, login):
    a, b, c = proposals
    round_ = services.open_round(world.process, title="Bewertung", method=Method.SCORING, measures=proposals,
                                 by=world.steering)
    db.session.commit()
    importance, urgency = round_.criteria
    login(world.company_a)
    refused = client.post(f"/rounds/{round_.id}", data={f"m{a.id}-{importance.id}": "9"})
    assert refused.status_code == 400 and "1 bis 5" in refused.get_data(as_text=True)
    client.post(f"/rounds/{round_.id}", data={f"m{a.id}-{importance.id}": "5", f"m{a.id}-{urgency.id}": "4",
                                              f"m{b.id}-{importance.id}": "2", f"m{b.id}-{urgency.id}": "1",
                                              f"m{c.id}-{importance.id}": "4", f"m{c.id}-{urgency.id}": "1"})
    client.post("/logout")
    login(world.steering)
    client.post(f"/rounds/{round_.id}/close")
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    ranking = page.split('id="ranking"')[1]
    assert ranking.index("Vorschlag 0") < ranking.index("Vorschlag 2") < ranking.index("Vorschlag 1")
    matrix = page.split('class="table matrix"')[1]
    important = matrix.split("<tbody>")[1].split("</tr>")[0].split("<td>")  # row: important; cells: not urgent, urgent
    assert "Vorschlag 2" in important[1] and "Vorschlag 0" in important[2] and "Vorschlag 0" not in important[1]
    assert [(r.measure_id, r.score) for r in db.session.get(PrioritisationRound, round_.id).results] == \
        [(a.id, Decimal("4.500")), (c.id, Decimal("2.500")), (b.id, Decimal("1.500"))]


def test_chosen_measures_become_prioritised_with_the_transition_recorded(client, world, proposals, dots_round,
                                                                          login):
    a, b, _c = proposals
    services.vote(dots_round, {a.id: 3, b.id: 2}, by=world.company_a)
    db.session.commit()
    login(world.steering)
    client.post(f"/rounds/{dots_round.id}/close")
    client.post(f"/rounds/{dots_round.id}/prioritise", data={"measure_ids": [a.id]})
    db.session.expire_all()
    step = db.session.scalars(select(MeasureTransition).where(MeasureTransition.measure_id == a.id)
                              .order_by(MeasureTransition.id.desc())).first()
    assert (step.from_status, step.to_status, step.by_id) == (MeasureStatus.PROPOSAL, MeasureStatus.PRIORITISED,
                                                              world.steering.id)
    assert "Punkte" in step.reason and "3" in step.reason
    assert db.session.get(type(b), b.id).status == MeasureStatus.PROPOSAL  # not ticked: unchanged
    page = client.get(f"/measures/{a.id}").get_data(as_text=True)
    assert 'id="prioritisation"' in page and "Rang 1 von 3" in page
    # asking again moves nothing twice
    client.post(f"/rounds/{dots_round.id}/prioritise", data={"measure_ids": [a.id]})
    assert db.session.scalar(select(func.count()).select_from(MeasureTransition).where(
        MeasureTransition.measure_id == a.id, MeasureTransition.to_status == MeasureStatus.PRIORITISED)) == 1


def test_results_export_to_csv_and_xlsx(client, world, proposals, dots_round, login):
    a, b, _c = proposals
    services.vote(dots_round, {a.id: 1, b.id: 3}, by=world.company_a)
    services.vote(dots_round, {a.id: 1}, by=world.company_b)
    services.close_round(dots_round, by=world.steering)
    db.session.commit()
    login(world.company_a)
    response = client.get(f"/rounds/{dots_round.id}/results.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Rang", "Nr.", "Maßnahme", "Punkte/Score"]
    assert [(r[0], r[2], r[3], r[6]) for r in rows[1:]] == [("1", "Vorschlag 1", "3", "1"),
                                                            ("2", "Vorschlag 0", "2", "2"),
                                                            ("3", "Vorschlag 2", "0", "0")]
    workbook = load_workbook(io.BytesIO(client.get(f"/rounds/{dots_round.id}/results.xlsx").get_data()))
    sheet = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    assert sheet[1][:4] == [1, b.id, "Vorschlag 1", 3]
