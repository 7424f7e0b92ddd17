"""Prioritisation rounds: opening, secret voting with limits, closing with ranking and matrix."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from tracker.accounts.models import Role
from tracker.audit.services import record
from tracker.extensions import db
from tracker.measures import workflow
from tracker.measures.models import Measure, MeasureStatus
from tracker.model_types import utcnow
from tracker.permissions import is_steering
from tracker.prioritisation.models import (
    Ballot,
    BallotEntry,
    Criterion,
    Method,
    PrioritisationRound,
    RoundResult,
    RoundStatus,
)
from tracker.processes.models import Process

SCORE_RANGE = range(1, 6)
DEFAULT_CRITERIA = (("importance", Decimal("1")), ("urgency", Decimal("1")))


class VoteProblem(ValueError):
    def __init__(self, message: str, field: str = "votes"):
        super().__init__(message)
        self.field = field


def may_vote(user, round_: PrioritisationRound) -> bool:
    """Company representatives, moderators and steering vote; the round must be open."""
    return (round_.status == RoundStatus.OPEN and getattr(user, "is_authenticated", False)
            and user.role in (Role.COMPANY, Role.MODERATOR, Role.STEERING, Role.ADMIN))


def open_round(process: Process, *, title: str, method: Method, measures: list[Measure], by,
               points_per_voter: int | None = None, max_points_per_measure: int | None = None,
               criteria: list[tuple[str, Decimal]] | None = None) -> PrioritisationRound:
    if not measures:
        raise VoteProblem(_("Choose the proposals to prioritise."), "measure_ids")
    if any(m.process_id != process.id or m.status != MeasureStatus.PROPOSAL for m in measures):
        raise VoteProblem(_("Only proposals of this process can be prioritised."), "measure_ids")
    if method == Method.DOTS:
        if not points_per_voter or points_per_voter < 1:
            raise VoteProblem(_("Give the number of points per participant."), "points_per_voter")
        max_points_per_measure = max_points_per_measure or points_per_voter
    round_ = PrioritisationRound(process_id=process.id, title=title.strip(), method=method, measures=measures,
                                 points_per_voter=points_per_voter if method == Method.DOTS else None,
                                 max_points_per_measure=max_points_per_measure if method == Method.DOTS else None,
                                 created_by_id=by.id)
    if method == Method.SCORING:
        for name, weight in criteria or DEFAULT_CRITERIA:
            round_.criteria.append(Criterion(name=name, weight=weight))
    db.session.add(round_)
    db.session.flush()
    record("create", round_, by=by, summary=f"{method.value}: {title}")
    return round_


def vote(round_: PrioritisationRound, voter, values: dict) -> Ballot:
    """Store the voter's ballot, replacing an earlier one.

    Dots: {measure_id: points}; scoring: {(measure_id, criterion_id): score 1–5}. Refused as a whole
    when it breaks a limit, so an earlier ballot stays untouched.
    """
    if not may_vote(voter, round_):
        raise VoteProblem(_("This round is closed.") if round_.status == RoundStatus.CLOSED
                          else _("You may not vote in this round."))
    measure_ids = {m.id for m in round_.measures}
    entries = []
    if round_.method == Method.DOTS:
        for measure_id, points in values.items():
            if measure_id not in measure_ids:
                raise VoteProblem(_("This measure is not part of the round."))
            if points < 0:
                raise VoteProblem(_("Points cannot be negative."))
            if points > round_.max_points_per_measure:
                raise VoteProblem(_("At most %(n)d points on one measure.", n=round_.max_points_per_measure))
            if points:
                entries.append(BallotEntry(measure_id=measure_id, value=points))
        total = sum(values.values())
        if total > round_.points_per_voter:
            raise VoteProblem(_("You gave %(given)d points, but have only %(n)d.", given=total,
                                n=round_.points_per_voter))
    else:
        criterion_ids = {c.id for c in round_.criteria}
        for (measure_id, criterion_id), score in values.items():
            if measure_id not in measure_ids or criterion_id not in criterion_ids:
                raise VoteProblem(_("This measure is not part of the round."))
            if score not in SCORE_RANGE:
                raise VoteProblem(_("Scores go from 1 to 5."))
            entries.append(BallotEntry(measure_id=measure_id, criterion_id=criterion_id, value=score))
    ballot = db.session.scalar(select(Ballot).where(Ballot.round_id == round_.id, Ballot.voter_id == voter.id))
    if ballot is None:
        ballot = Ballot(round_id=round_.id, voter_id=voter.id)
        db.session.add(ballot)
    else:
        db.session.execute(delete(BallotEntry).where(BallotEntry.ballot_id == ballot.id))
        db.session.expire(ballot, ["entries"])
        ballot.updated_at = utcnow()
    db.session.flush()
    for entry in entries:
        entry.ballot_id = ballot.id
        db.session.add(entry)
    record("vote", round_, by=voter, summary=f"ballot of user {voter.id}")
    return ballot


def own_ballot(round_: PrioritisationRound, voter) -> dict:
    ballot = db.session.scalar(select(Ballot).where(Ballot.round_id == round_.id, Ballot.voter_id == voter.id))
    if ballot is None:
        return {}
    if round_.method == Method.DOTS:
        return {e.measure_id: e.value for e in ballot.entries}
    return {(e.measure_id, e.criterion_id): e.value for e in ballot.entries}


def voter_count(round_: PrioritisationRound) -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.round_id == round_.id)) or 0


def _quantise(value: Decimal, places: str = "0.001") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def compute_results(round_: PrioritisationRound) -> list[RoundResult]:
    """Dots: total points. Scoring: weighted mean over criteria of each criterion's mean score."""
    rows = db.session.execute(
        select(BallotEntry.measure_id, BallotEntry.criterion_id, func.sum(BallotEntry.value), func.count())
        .join(Ballot).where(Ballot.round_id == round_.id)
        .group_by(BallotEntry.measure_id, BallotEntry.criterion_id)).all()
    results = {m.id: RoundResult(measure_id=m.id, rank=0, score=Decimal(0), voters=0) for m in round_.measures}
    if round_.method == Method.DOTS:
        for measure_id, _criterion, total, count in rows:
            results[measure_id].score = Decimal(total)
            results[measure_id].voters = count
    else:
        by_name = {c.id: c for c in round_.criteria}
        means: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for measure_id, criterion_id, total, count in rows:
            means[measure_id][criterion_id] = Decimal(total) / Decimal(count)
            results[measure_id].voters = max(results[measure_id].voters, count)
        weight_sum = sum((c.weight for c in round_.criteria), Decimal(0)) or Decimal(1)
        for measure_id, per_criterion in means.items():
            weighted = sum((by_name[c].weight * mean for c, mean in per_criterion.items()), Decimal(0))
            results[measure_id].score = _quantise(weighted / weight_sum)
            for criterion_id, mean in per_criterion.items():
                name = by_name[criterion_id].name.casefold()
                if name in ("importance", "wichtigkeit"):
                    results[measure_id].importance = _quantise(mean)
                elif name in ("urgency", "dringlichkeit"):
                    results[measure_id].urgency = _quantise(mean)
    ordered = sorted(results.values(), key=lambda r: (-r.score, r.measure_id))
    rank = 0
    previous = None
    for position, result in enumerate(ordered, start=1):
        if result.score != previous:
            rank = position
            previous = result.score
        result.rank = rank
    return ordered


def close_round(round_: PrioritisationRound, *, by) -> list[RoundResult]:
    """Close the round and publish its ranking; closing twice changes nothing."""
    if not is_steering(by, None):
        raise workflow.NotAllowed(_("Only the steering group closes rounds."))
    if round_.status == RoundStatus.CLOSED:
        return list(round_.results)
    results = compute_results(round_)
    for result in results:
        result.round_id = round_.id
        db.session.add(result)
    round_.status = RoundStatus.CLOSED
    round_.closed_at = utcnow()
    db.session.flush()
    record("close", round_, by=by, summary=round_.title)
    return results


def mark_prioritised(round_: PrioritisationRound, measure_ids: list[int], *, by) -> int:
    """Move the chosen proposals of a closed round to `prioritised` (their score stays in the results)."""
    if round_.status != RoundStatus.CLOSED:
        raise VoteProblem(_("Close the round first."))
    moved = 0
    for measure in round_.measures:
        if measure.id in measure_ids and measure.status == MeasureStatus.PROPOSAL:
            result = next((r for r in round_.results if r.measure_id == measure.id), None)
            rank = result.rank if result else 0
            score = format_decimal(result.score if result else 0, locale=get_locale())
            reason = (_("Prioritisation round “%(title)s”: rank %(rank)d with %(score)s points", title=round_.title,
                        rank=rank, score=score) if round_.method == Method.DOTS else
                      _("Prioritisation round “%(title)s”: rank %(rank)d with a score of %(score)s",
                        title=round_.title, rank=rank, score=score))
            workflow.transition(measure, MeasureStatus.PRIORITISED, by=by, system=True, reason=reason)
            moved += 1
    return moved


def published_results_of(measure_id: int) -> list[tuple[RoundResult, PrioritisationRound, int]]:
    """A measure's published results: (its result, the closed round, how many measures the round ranked),
    newest round first; one query."""
    ranked = (select(RoundResult.round_id, func.count().label("ranked")).group_by(RoundResult.round_id)
              .subquery())
    rows = db.session.execute(
        select(RoundResult, PrioritisationRound, ranked.c.ranked)
        .join(PrioritisationRound, PrioritisationRound.id == RoundResult.round_id)
        .join(ranked, ranked.c.round_id == RoundResult.round_id)
        .where(RoundResult.measure_id == measure_id, PrioritisationRound.status == RoundStatus.CLOSED)
        .order_by(PrioritisationRound.closed_at.desc(), PrioritisationRound.id.desc()))
    return [(result, round_, count) for result, round_, count in rows]
