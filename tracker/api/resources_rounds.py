"""API endpoints over prioritisation rounds."""

from __future__ import annotations

from decimal import Decimal

from flask_login import current_user
from sqlalchemy import select

from tracker.api.core import PAGE_QUERY, endpoint, paginated, referenced, referenced_all
from tracker.api.schemas import (
    PrioritisedOut,
    PrioritiseIn,
    RankingEntry,
    RankingOut,
    ResultEntry,
    ResultsOut,
    RoundIn,
    RoundOut,
    TallyIn,
    TallyOut,
    VoteIn,
    VotersOut,
)
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.measures.models import Measure
from tracker.permissions import can_view_process
from tracker.prioritisation import services
from tracker.prioritisation.models import Method, PrioritisationRound, RoundStatus, RoundTally
from tracker.processes.models import Process
from tracker.sessions.models import Session


def round_json(round_: PrioritisationRound) -> dict:
    return RoundOut(id=round_.id, process_id=round_.process_id, title=round_.title, method=round_.method.value,
                    status=round_.status.value, measure_ids=[m.id for m in round_.measures],
                    points_per_voter=round_.points_per_voter, max_points_per_measure=round_.max_points_per_measure,
                    criteria=[{"name": c.name, "weight": float(c.weight)} for c in round_.criteria],
                    session_id=round_.session_id).model_dump(mode="json")


@endpoint("/processes/{process_id}/rounds", "GET", "List prioritisation rounds", response=RoundOut,
          query=PAGE_QUERY, load=(Process, "process_id"), check=can_view_process, tag="prioritisation")
def list_rounds(process: Process):
    return paginated(select(PrioritisationRound).where(PrioritisationRound.process_id == process.id)
                     .order_by(PrioritisationRound.id), round_json)


@endpoint("/processes/{process_id}/rounds", "POST", "Open a prioritisation round (steering)",
          load=(Process, "process_id"), check=services.open_round, body=RoundIn, response=RoundOut,
          tag="prioritisation", status=201)
def create_round(process: Process, data: RoundIn):
    measures = referenced_all(Measure, data.measure_ids, "measure_ids")
    criteria = [(c.name, Decimal(str(c.weight))) for c in data.criteria] if data.criteria else None
    round_ = services.open_round(process, title=data.title, method=Method(data.method), measures=measures,
                                 by=current_user, points_per_voter=data.points_per_voter,
                                 max_points_per_measure=data.max_points_per_measure, criteria=criteria,
                                 session=referenced(Session, data.session_id, "session_id", "Session"))
    db.session.commit()
    return round_json(round_)


def _ballot(round_: PrioritisationRound, data: VoteIn) -> dict:
    """The body's entries as the service's ballot: {measure: points}, or {(measure, criterion): score}."""
    values: dict = {}
    criteria = {c.name.casefold(): c.id for c in round_.criteria}
    for entry in data.votes:
        if round_.method == Method.DOTS:
            if entry.points is None:
                raise Invalid("Dot votes need points.", "votes")
            values[entry.measure_id] = values.get(entry.measure_id, 0) + entry.points
        else:
            criterion = criteria.get((entry.criterion or "").casefold())
            if criterion is None or entry.score is None:
                raise Invalid(f"Scores need a known criterion ({', '.join(criteria)}) and a score 1–5.", "votes")
            values[(entry.measure_id, criterion)] = entry.score
    return values


@endpoint("/rounds/{round_id}/votes", "POST", "Cast (or replace) the caller's vote while the round is open",
          load=(PrioritisationRound, "round_id"), check=services.vote, body=VoteIn, response={"type": "object"},
          errors=(409,), tag="prioritisation")
def vote(round_: PrioritisationRound, data: VoteIn):
    services.vote(round_, _ballot(round_, data), by=current_user)
    db.session.commit()
    return {"round_id": round_.id, "saved": True}


@endpoint("/rounds/{round_id}/close", "POST", "Close a round and return its ranking (steering)",
          load=(PrioritisationRound, "round_id"), check=services.close_round, response=RankingOut,
          tag="prioritisation")
def close(round_: PrioritisationRound):
    results = services.close_round(round_, by=current_user)
    db.session.commit()
    return RankingOut(round_id=round_.id, ranking=[
        RankingEntry(rank=r.rank, measure_id=r.measure_id, score=float(r.score),
                     importance=float(r.importance) if r.importance is not None else None,
                     urgency=float(r.urgency) if r.urgency is not None else None, voters=r.voters)
        for r in results]).model_dump(mode="json")


@endpoint("/rounds/{round_id}/prioritise", "POST", "Mark chosen proposals of a closed round prioritised, or the top N "
          "of its ranking (steering), as the round's page does", load=(PrioritisationRound, "round_id"),
          check=services.mark_prioritised, body=PrioritiseIn, response=PrioritisedOut, errors=(409,),
          tag="prioritisation")
def prioritise(round_: PrioritisationRound, data: PrioritiseIn):
    if data.measure_ids is not None:
        chosen = [m.id for m in referenced_all(Measure, data.measure_ids, "measure_ids")]
    else:
        chosen = services.top_ranked(round_, data.top)
    moved = services.mark_prioritised(round_, chosen, by=current_user)
    db.session.commit()
    return PrioritisedOut(round_id=round_.id, prioritised=sorted(moved)).model_dump(mode="json")


def _can_view_round(user, round_: PrioritisationRound) -> bool:
    return can_view_process(user, round_.process)


@endpoint("/rounds/{round_id}/results", "GET", "Voters by source (accounts, room, paper) and, once the round is "
          "closed, the ranking with each source's part", load=(PrioritisationRound, "round_id"),
          check=_can_view_round, response=ResultsOut, tag="prioritisation")
def round_results(round_: PrioritisationRound):
    sources = services.voter_sources(round_)
    ranking = []
    if round_.status == RoundStatus.CLOSED:
        parts = services.results_by_source(round_)
        ranking = [ResultEntry(rank=r.rank, measure_id=r.measure_id, score=float(r.score),
                               sources={k: float(v) if v is not None else None
                                        for k, v in parts.get(r.measure_id, {}).items()})
                   for r in round_.results]
    return ResultsOut(round_id=round_.id, status=round_.status.value, voters=VotersOut(**sources,
                      total=sum(sources.values())), ranking=ranking).model_dump(mode="json")


def tally_json(tally: RoundTally) -> dict:
    names = {c.id: c.name for c in tally.round.criteria}
    return TallyOut(id=tally.id, round_id=tally.round_id, voters=tally.voters, note=tally.note,
                    entered_at=tally.entered_at,
                    entries=[{"measure_id": e.measure_id, "criterion": names.get(e.criterion_id),
                              "value": float(e.value)} for e in tally.entries]).model_dump(mode="json")


@endpoint("/rounds/{round_id}/tallies", "GET", "The paper tallies of a round (who runs its session, steering)",
          load=(PrioritisationRound, "round_id"), check=services.add_tally, response=TallyOut, query=PAGE_QUERY,
          tag="prioritisation")
def list_tallies(round_: PrioritisationRound):
    return paginated(select(RoundTally).where(RoundTally.round_id == round_.id)
                     .order_by(RoundTally.entered_at, RoundTally.id), tally_json)


@endpoint("/rounds/{round_id}/tallies", "POST", "Add a paper tally: dots counted per measure, or mean scores per "
          "criterion, with the number of people", load=(PrioritisationRound, "round_id"), check=services.add_tally,
          body=TallyIn, response=TallyOut, errors=(409,), tag="prioritisation", status=201)
def create_tally(round_: PrioritisationRound, data: TallyIn):
    values: dict = {}
    criteria = {c.name.casefold(): c.id for c in round_.criteria}
    for entry in data.entries:
        if round_.method == Method.DOTS:
            if entry.dots is None:
                raise Invalid("Dot tallies need dots.", "entries")
            values[entry.measure_id] = values.get(entry.measure_id, 0) + entry.dots
        else:
            criterion = criteria.get((entry.criterion or "").casefold())
            if criterion is None or entry.mean is None:
                raise Invalid(f"Scoring tallies need a known criterion ({', '.join(criteria)}) and a mean 1–5.",
                              "entries")
            values[(entry.measure_id, criterion)] = Decimal(str(entry.mean))
    tally = services.add_tally(round_, values, voters=data.voters, by=current_user, note=data.note)
    db.session.commit()
    return tally_json(tally)


@endpoint("/tallies/{tally_id}", "DELETE", "Remove a paper tally while its round is open",
          load=(RoundTally, "tally_id"), check=services.remove_tally, response={"type": "object"}, errors=(409,),
          tag="prioritisation")
def delete_tally(tally: RoundTally):
    tally_id = tally.id
    services.remove_tally(tally, by=current_user)
    db.session.commit()
    return {"id": tally_id, "removed": True}
