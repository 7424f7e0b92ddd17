"""API endpoints over prioritisation rounds."""

from __future__ import annotations

from decimal import Decimal

from flask_login import current_user
from sqlalchemy import select

from tracker.api.core import PAGE_QUERY, endpoint, paginated, referenced_all
from tracker.api.schemas import PrioritisedOut, PrioritiseIn, RankingEntry, RankingOut, RoundIn, RoundOut, VoteIn
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.measures.models import Measure
from tracker.permissions import can_view_process
from tracker.prioritisation import services
from tracker.prioritisation.models import Method, PrioritisationRound
from tracker.processes.models import Process


def round_json(round_: PrioritisationRound) -> dict:
    return RoundOut(id=round_.id, process_id=round_.process_id, title=round_.title, method=round_.method.value,
                    status=round_.status.value, measure_ids=[m.id for m in round_.measures],
                    points_per_voter=round_.points_per_voter, max_points_per_measure=round_.max_points_per_measure,
                    criteria=[{"name": c.name, "weight": float(c.weight)} for c in round_.criteria]
                    ).model_dump(mode="json")


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
                                 max_points_per_measure=data.max_points_per_measure, criteria=criteria)
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
