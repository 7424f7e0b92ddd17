"""API endpoints over prioritisation rounds."""

from __future__ import annotations

from decimal import Decimal

from flask_login import current_user
from sqlalchemy import select

from tracker.api.core import PAGE_QUERY, ApiError, endpoint, get_or_404, paginated, require_api
from tracker.api.schemas import RankingEntry, RankingOut, RoundIn, RoundOut, VoteIn
from tracker.extensions import db
from tracker.measures import workflow
from tracker.measures.models import Measure
from tracker.permissions import can_view_process, is_steering
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
          query=PAGE_QUERY, errors=(403,), tag="prioritisation")
def list_rounds(process_id: int):
    process = get_or_404(Process, process_id, "Process")
    require_api(can_view_process(current_user, process))
    return paginated(select(PrioritisationRound).where(PrioritisationRound.process_id == process.id)
                     .order_by(PrioritisationRound.id), round_json)


@endpoint("/processes/{process_id}/rounds", "POST", "Open a prioritisation round (steering)", body=RoundIn,
          response=RoundOut, errors=(403,), tag="prioritisation", status=201)
def create_round(process_id: int, data: RoundIn):
    process = get_or_404(Process, process_id, "Process")
    require_api(is_steering(current_user, process), "Only the steering group opens rounds.")
    measures = list(db.session.scalars(select(Measure).where(Measure.id.in_(data.measure_ids))))
    if len(measures) != len(set(data.measure_ids)):
        raise ApiError(400, "validation_error", "Unknown measures.", {"measure_ids": "unknown ids"})
    criteria = [(c.name, Decimal(str(c.weight))) for c in data.criteria] if data.criteria else None
    try:
        round_ = services.open_round(process, title=data.title, method=Method(data.method), measures=measures,
                                     by=current_user, points_per_voter=data.points_per_voter,
                                     max_points_per_measure=data.max_points_per_measure, criteria=criteria)
    except services.VoteProblem as problem:
        raise ApiError(400, "validation_error", str(problem), {problem.field: str(problem)}) from None
    db.session.commit()
    return round_json(round_)


@endpoint("/rounds/{round_id}/votes", "POST", "Cast (or replace) the caller's vote while the round is open",
          body=VoteIn, response={"type": "object"}, errors=(403, 409), tag="prioritisation")
def vote(round_id: int, data: VoteIn):
    round_ = get_or_404(PrioritisationRound, round_id, "Round")
    require_api(can_view_process(current_user, db.session.get(Process, round_.process_id)))
    if round_.status.value == "closed":
        raise ApiError(409, "conflict", "This round is closed.")
    require_api(services.may_vote(current_user, round_), "You may not vote in this round.")
    values: dict = {}
    criteria = {c.name.casefold(): c.id for c in round_.criteria}
    for entry in data.votes:
        if round_.method == Method.DOTS:
            if entry.points is None:
                raise ApiError(400, "validation_error", "Dot votes need points.", {"votes": "points missing"})
            values[entry.measure_id] = values.get(entry.measure_id, 0) + entry.points
        else:
            criterion = criteria.get((entry.criterion or "").casefold())
            if criterion is None or entry.score is None:
                raise ApiError(400, "validation_error", "Scores need a known criterion and a score 1–5.",
                               {"votes": f"criteria: {', '.join(criteria)}"})
            values[(entry.measure_id, criterion)] = entry.score
    try:
        services.vote(round_, current_user, values)
    except services.VoteProblem as problem:
        db.session.rollback()
        raise ApiError(400, "validation_error", str(problem), {"votes": str(problem)}) from None
    db.session.commit()
    return {"round_id": round_.id, "saved": True}


@endpoint("/rounds/{round_id}/close", "POST", "Close a round and return its ranking (steering)",
          response=RankingOut, errors=(403,), tag="prioritisation")
def close(round_id: int):
    round_ = get_or_404(PrioritisationRound, round_id, "Round")
    require_api(is_steering(current_user, None), "Only the steering group closes rounds.")
    try:
        results = services.close_round(round_, by=current_user)
    except workflow.NotAllowed as error:
        raise ApiError(403, "forbidden", str(error)) from None
    db.session.commit()
    return RankingOut(round_id=round_.id, ranking=[
        RankingEntry(rank=r.rank, measure_id=r.measure_id, score=float(r.score),
                     importance=float(r.importance) if r.importance is not None else None,
                     urgency=float(r.urgency) if r.urgency is not None else None, voters=r.voters)
        for r in results]).model_dump(mode="json")
