"""Prioritisation rounds: opening, secret voting with limits, closing with ranking and matrix.

Opening, closing and marking measures prioritised are the steering group's of the round's process;
voting is for the participants who see the process. Each action declares its right with @guarded.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, select
from sqlalchemy.exc import IntegrityError

import tracker.prioritisation.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.accounts.models import Role
from tracker.audit.services import record
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.measures import workflow
from tracker.measures.models import Measure, MeasureStatus
from tracker.model_types import utcnow
from tracker.permissions import can_edit_session, can_view_process, guarded, is_steering
from tracker.prioritisation.models import (
    Ballot,
    BallotEntry,
    Criterion,
    Method,
    PrioritisationRound,
    RoundResult,
    RoundStatus,
    RoundTally,
    TallyEntry,
)
from tracker.prioritisation.signals import round_closed, round_opened
from tracker.processes.models import Process
from tracker.sessions.models import Session, SessionKind, SessionStatus

SCORE_RANGE = range(1, 6)
MAX_POINTS = 100  # per participant and per measure in a dot-voting round
DEFAULT_CRITERIA = (("importance", Decimal("1")), ("urgency", Decimal("1")))
# A criterion's weight, as stored (two decimal places): never 0, never out of proportion (probe finding 11).
MIN_WEIGHT, MAX_WEIGHT = Decimal("0.01"), Decimal("100")
# Criteria whose mean scores place a measure in the importance × urgency matrix (English and German names).
IMPORTANCE_NAMES = frozenset({"importance", "wichtigkeit"})
URGENCY_NAMES = frozenset({"urgency", "dringlichkeit"})
VOTERS = frozenset({Role.COMPANY, Role.MODERATOR, Role.STEERING, Role.ADMIN})
ONLY_STEERING_OPENS = _l("Only the steering group opens rounds.")
ONLY_STEERING_CLOSES = _l("Only the steering group closes rounds.")
MAY_NOT_VOTE = _l("You may not vote in this round.")
NOT_IN_ROOM = _l("This link does not take votes for this round (any more).")
ONLY_ORGANISERS_TALLY = _l("Only the people who run the round's session (or the steering group) enter tallies.")
# Where the votes of a round come from, in the order results show them.
SOURCES = ("accounts", "room", "paper")
MAX_TALLY_VOTERS = 10_000


def can_open_round(user, process: Process) -> bool:
    return is_steering(user, process)


def can_close_round(user, round_: PrioritisationRound) -> bool:
    """Close a round and move its measures on: the steering group of the round's process."""
    return is_steering(user, round_.process)


def may_vote(user, round_: PrioritisationRound) -> bool:
    """Company representatives, moderators and steering who see the round's process vote (while it is open).

    A ballot is a person's: the system actor of commands casts none.
    """
    return can_view_process(user, round_.process) and user.role in VOTERS and user.id is not None


def can_enter_tally(user, round_: PrioritisationRound) -> bool:
    """Paper tallies: whoever runs the session the round is held in; the steering group for any round."""
    return is_steering(user, round_.process) or (round_.session is not None
                                                  and can_edit_session(user, round_.session))


def can_remove_tally(user, tally: RoundTally) -> bool:
    return can_enter_tally(user, tally.round)


def room_may_vote(token, round_: PrioritisationRound) -> bool:
    """A phone of a running room votes in the rounds held in the room's session (the token knows its room)."""
    may_vote_in = getattr(token, "may_vote_in", None)
    return may_vote_in is not None and may_vote_in(round_)


def sessions_for_rounds(process: Process) -> list[Session]:
    """The sessions a round can be held in: the process's, not steering meetings, not cancelled."""
    return list(db.session.scalars(select(Session).where(
        Session.process_id == process.id, Session.kind != SessionKind.STEERING,
        Session.status != SessionStatus.CANCELLED).order_by(Session.starts_at, Session.id)))


def _check_session(process: Process, session: Session | None) -> None:
    if session is None:
        return
    if (session.process_id != process.id or session.kind == SessionKind.STEERING
            or session.status == SessionStatus.CANCELLED):
        raise Invalid(_("A round is held in a session of its process (not a steering meeting, not cancelled)."),
                      "session_id")


@guarded(can_open_round, ONLY_STEERING_OPENS)
def open_round(process: Process, *, title: str, method: Method, measures: list[Measure], by,
               points_per_voter: int | None = None, max_points_per_measure: int | None = None,
               criteria: list[tuple[str, Decimal]] | None = None,
               session: Session | None = None) -> PrioritisationRound:
    """Open a round; held in `session`, the phones of that session's room vote in it too."""
    _check_session(process, session)
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Please give the round a title."), "title")
    if not measures:
        raise Invalid(_("Choose the proposals to prioritise."), "measure_ids")
    if any(m.process_id != process.id or m.status != MeasureStatus.PROPOSAL for m in measures):
        raise Invalid(_("Only proposals of this process can be prioritised."), "measure_ids")
    if method == Method.DOTS:
        if not points_per_voter:
            raise Invalid(_("Give the number of points per participant."), "points_per_voter")
        max_points_per_measure = max_points_per_measure or points_per_voter
        limits = {"points_per_voter": points_per_voter, "max_points_per_measure": max_points_per_measure}
        for name, points in limits.items():
            if not 1 <= points <= MAX_POINTS:
                raise Invalid(_("Give between 1 and %(n)d points.", n=MAX_POINTS), name)
    round_ = PrioritisationRound(process_id=process.id, title=title, method=method, measures=measures,
                                 points_per_voter=points_per_voter if method == Method.DOTS else None,
                                 max_points_per_measure=max_points_per_measure if method == Method.DOTS else None,
                                 created_by_id=getattr(by, "id", None),
                                 session_id=session.id if session is not None else None)
    if method == Method.SCORING:
        for name, weight in _checked_criteria(criteria or DEFAULT_CRITERIA):
            round_.criteria.append(Criterion(name=name, weight=weight))
    db.session.add(round_)
    db.session.flush()
    record("create", round_, by=by, summary=f"{method.value}: {title}",
           message=messages.message("prioritisation.round", method=messages.enum_value("prioritisation_method",
                                                                                      method), title=title))
    round_opened.send(round_, by=by)
    return round_


def _checked_criteria(criteria) -> list[tuple[str, Decimal]]:
    """The criteria of a scoring round: each named once (whatever case and spacing), weights within bounds."""
    checked, seen = [], set()
    for index, (name, weight) in enumerate(criteria):
        name = " ".join((name or "").split())
        if not name:
            raise Invalid(_("Please give the criterion a name."), f"criteria.{index}.name")
        if name.casefold() in seen:
            raise Invalid(_("Each criterion can be named only once."), f"criteria.{index}.name")
        seen.add(name.casefold())
        weight = Decimal(str(weight))
        if not weight.is_finite() or not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            raise Invalid(_("Give a weight between %(low)s and %(high)s.",
                            low=format_decimal(MIN_WEIGHT, locale=get_locale()),
                            high=format_decimal(MAX_WEIGHT, locale=get_locale())), f"criteria.{index}.weight")
        checked.append((name, weight))
    return checked


@guarded(may_vote, MAY_NOT_VOTE)
def vote(round_: PrioritisationRound, values: dict, *, by) -> Ballot:
    """Store the voter's ballot, replacing an earlier one.

    Dots: {measure_id: points}; scoring: {(measure_id, criterion_id): score 1–5}. Refused as a whole
    when it breaks a limit, so an earlier ballot stays untouched.
    """
    if round_.status == RoundStatus.CLOSED:
        raise Conflict(_("This round is closed."))
    entries = _dot_entries(round_, values) if round_.method == Method.DOTS else _score_entries(round_, values)
    ballot = db.session.scalar(select(Ballot).where(Ballot.round_id == round_.id, Ballot.voter_id == by.id))
    if ballot is None:
        ballot = Ballot(round_id=round_.id, voter_id=by.id)
        db.session.add(ballot)
    else:
        db.session.execute(delete(BallotEntry).where(BallotEntry.ballot_id == ballot.id))
        db.session.expire(ballot, ["entries"])
        ballot.updated_at = utcnow()
    db.session.flush()
    for entry in entries:
        entry.ballot_id = ballot.id
        db.session.add(entry)
    record("vote", round_, by=by, summary=f"ballot of user {by.id}",
           message=messages.message("prioritisation.ballot", user=by.id))
    return ballot


@guarded(room_may_vote, NOT_IN_ROOM)
def cast_room_ballot(round_: PrioritisationRound, values: dict, *, by) -> Ballot:
    """A phone's ballot (`by` is its room token): one per token and round, never replaced (Conflict).

    The same limits as an account's ballot; the room count caps the tokens, and so the ballots.
    """
    if round_.status == RoundStatus.CLOSED:
        raise Conflict(_("This round is closed."))
    entries = _dot_entries(round_, values) if round_.method == Method.DOTS else _score_entries(round_, values)
    if not entries:
        raise Invalid(_("Your ballot is empty."), "votes")
    already = _("This phone has already voted in this round.")
    if db.session.scalar(select(Ballot.id).where(Ballot.round_id == round_.id, Ballot.room_token_id == by.id)):
        raise Conflict(already)
    ballot = Ballot(round_id=round_.id, room_token_id=by.id, entries=entries)
    try:
        with db.session.begin_nested():  # two taps at once: the second one meets the unique constraint
            db.session.add(ballot)
    except IntegrityError:
        raise Conflict(already) from None
    record("vote", round_, by=by, summary=f"room ballot of phone {by.id}",
           message=messages.message("prioritisation.room_ballot", phone=by.id))
    return ballot


def room_has_voted(round_: PrioritisationRound, token) -> bool:
    return token is not None and db.session.scalar(
        select(Ballot.id).where(Ballot.round_id == round_.id, Ballot.room_token_id == token.id)) is not None


def _dot_entries(round_: PrioritisationRound, values: dict[int, int]) -> list[BallotEntry]:
    measure_ids = {m.id for m in round_.measures}
    entries = []
    for measure_id, points in values.items():
        if measure_id not in measure_ids:
            raise Invalid(_("This measure is not part of the round."), "votes")
        if points < 0:
            raise Invalid(_("Points cannot be negative."), "votes")
        if points > round_.max_points_per_measure:
            raise Invalid(_("At most %(n)d points on one measure.", n=round_.max_points_per_measure), "votes")
        if points:
            entries.append(BallotEntry(measure_id=measure_id, value=points))
    total = sum(values.values())
    if total > round_.points_per_voter:
        raise Invalid(_("You gave %(given)d points, but have only %(n)d.", given=total, n=round_.points_per_voter),
                      "votes")
    return entries


def _score_entries(round_: PrioritisationRound, values: dict[tuple[int, int], int]) -> list[BallotEntry]:
    measure_ids = {m.id for m in round_.measures}
    criterion_ids = {c.id for c in round_.criteria}
    entries = []
    for (measure_id, criterion_id), score in values.items():
        if measure_id not in measure_ids or criterion_id not in criterion_ids:
            raise Invalid(_("This measure is not part of the round."), "votes")
        if score not in SCORE_RANGE:
            raise Invalid(_("Scores go from 1 to 5."), "votes")
        entries.append(BallotEntry(measure_id=measure_id, criterion_id=criterion_id, value=score))
    return entries


def own_ballot(round_: PrioritisationRound, voter) -> dict:
    ballot = db.session.scalar(select(Ballot).where(Ballot.round_id == round_.id, Ballot.voter_id == voter.id))
    if ballot is None:
        return {}
    if round_.method == Method.DOTS:
        return {e.measure_id: e.value for e in ballot.entries}
    return {(e.measure_id, e.criterion_id): e.value for e in ballot.entries}


def voter_sources(round_: PrioritisationRound) -> dict[str, int]:
    """How many voted, by source: with an account, on a phone in the room, on paper (tallies' people)."""
    source = case((Ballot.voter_id.is_(None), "room"), else_="accounts")
    counts = dict.fromkeys(SOURCES, 0)
    for name, count in db.session.execute(select(source, func.count()).where(Ballot.round_id == round_.id)
                                          .group_by(source)):
        counts[name] = count
    counts["paper"] = db.session.scalar(select(func.coalesce(func.sum(RoundTally.voters), 0))
                                        .where(RoundTally.round_id == round_.id)) or 0
    return counts


def voter_count(round_: PrioritisationRound) -> int:
    """Everyone who voted: account ballots, room ballots and the people counted in paper tallies."""
    return sum(voter_sources(round_).values())


# --- paper tallies -------------------------------------------------------------------------------

@guarded(can_enter_tally, ONLY_ORGANISERS_TALLY)
def add_tally(round_: PrioritisationRound, values: dict, *, voters: int, by, note: str = "") -> RoundTally:
    """What was counted on paper, while the round is open.

    Dots: {measure_id: dots counted}, with the number of people who put them on the wall; scoring:
    {(measure_id, criterion_id): mean score 1–5}, with the number of raters. Bounded by what that many
    people could give.
    """
    if round_.status == RoundStatus.CLOSED:
        raise Conflict(_("This round is closed."))
    if not isinstance(voters, int) or not 1 <= voters <= MAX_TALLY_VOTERS:
        raise Invalid(_("Give the number of people counted (1 to %(n)d).", n=MAX_TALLY_VOTERS), "voters")
    measure_ids = {m.id for m in round_.measures}
    entries = []
    if round_.method == Method.DOTS:
        for measure_id, dots in values.items():
            if measure_id not in measure_ids:
                raise Invalid(_("This measure is not part of the round."), "values")
            if not isinstance(dots, int) or dots < 0:
                raise Invalid(_("Dots are counted in whole numbers, none below 0."), "values")
            if dots > voters * round_.max_points_per_measure:
                raise Invalid(_("%(people)d people can put at most %(n)d dots on one measure.", people=voters,
                                n=voters * round_.max_points_per_measure), "values")
            if dots:
                entries.append(TallyEntry(measure_id=measure_id, value=Decimal(dots)))
        if sum(values.values()) > voters * round_.points_per_voter:
            raise Invalid(_("%(people)d people have at most %(n)d dots.", people=voters,
                            n=voters * round_.points_per_voter), "values")
    else:
        criterion_ids = {c.id for c in round_.criteria}
        for (measure_id, criterion_id), mean in values.items():
            if measure_id not in measure_ids or criterion_id not in criterion_ids:
                raise Invalid(_("This measure is not part of the round."), "values")
            mean = Decimal(str(mean))
            if not mean.is_finite() or not Decimal(1) <= mean <= Decimal(5):
                raise Invalid(_("A mean score lies between 1 and 5."), "values")
            entries.append(TallyEntry(measure_id=measure_id, criterion_id=criterion_id, value=_quantise(mean)))
    if not entries:
        raise Invalid(_("Enter what was counted."), "values")
    tally = RoundTally(round_id=round_.id, voters=voters, note=" ".join((note or "").split())[:200],
                       entered_by_id=getattr(by, "id", None), entries=entries)
    db.session.add(tally)
    db.session.flush()
    record("tally", round_, by=by, summary=f"paper tally {tally.id}: {voters} people", message=_tally_message(tally))
    return tally


def _tally_message(tally: RoundTally) -> dict:
    return messages.message("prioritisation.paper_tally", id=tally.id, num=messages.decimal(tally.voters))


@guarded(can_remove_tally, ONLY_ORGANISERS_TALLY)
def remove_tally(tally: RoundTally, *, by) -> None:
    """Take back a tally typed in wrongly, while its round is open."""
    round_ = tally.round
    if round_.status == RoundStatus.CLOSED:
        raise Conflict(_("This round is closed."))
    record("tally_removed", round_, by=by, summary=f"paper tally {tally.id}: {tally.voters} people",
           message=_tally_message(tally))
    db.session.delete(tally)
    db.session.flush()


def tallies_of(round_: PrioritisationRound) -> list[RoundTally]:
    return list(db.session.scalars(select(RoundTally).where(RoundTally.round_id == round_.id)
                                   .order_by(RoundTally.entered_at, RoundTally.id)))


def _quantise(value: Decimal, places: str = "0.001") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


Sums = dict[tuple[int, int | None], dict[str, list]]


def _sums(round_: PrioritisationRound) -> Sums:
    """{(measure, criterion): {source: [sum, count]}} over account ballots, room ballots and paper tallies.

    A tally's mean score counts as that many raters giving it; its dots have no count of people per measure.
    """
    source = case((Ballot.voter_id.is_(None), "room"), else_="accounts")
    sums: Sums = defaultdict(lambda: {name: [Decimal(0), 0] for name in SOURCES})
    for measure_id, criterion_id, name, total, count in db.session.execute(
            select(BallotEntry.measure_id, BallotEntry.criterion_id, source, func.sum(BallotEntry.value),
                   func.count()).join(Ballot).where(Ballot.round_id == round_.id)
            .group_by(BallotEntry.measure_id, BallotEntry.criterion_id, source)):
        sums[(measure_id, criterion_id)][name] = [Decimal(total), count]
    for measure_id, criterion_id, value, voters in db.session.execute(
            select(TallyEntry.measure_id, TallyEntry.criterion_id, TallyEntry.value, RoundTally.voters)
            .join(RoundTally).where(RoundTally.round_id == round_.id)):
        paper = sums[(measure_id, criterion_id)]["paper"]
        if round_.method == Method.DOTS:
            paper[0] += Decimal(value)
        else:
            paper[0] += Decimal(value) * voters
            paper[1] += voters
    return sums


def _weighted(round_: PrioritisationRound, means: dict[int, Decimal]) -> Decimal:
    by_id = {c.id: c for c in round_.criteria}
    weight_sum = sum((c.weight for c in round_.criteria), Decimal(0)) or Decimal(1)
    return _quantise(sum((by_id[c].weight * mean for c, mean in means.items() if c in by_id), Decimal(0))
                     / weight_sum)


def results_by_source(round_: PrioritisationRound) -> dict[int, dict[str, Decimal | None]]:
    """Each measure's points (dots) or weighted score (scoring) from each source alone (None: no votes)."""
    found: dict[int, dict[str, Decimal | None]] = {m.id: dict.fromkeys(SOURCES) for m in round_.measures}
    means: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(dict)
    for (measure_id, criterion_id), by_source in _sums(round_).items():
        if measure_id not in found:
            continue
        for name, (total, count) in by_source.items():
            if round_.method == Method.DOTS:
                if total or count:
                    found[measure_id][name] = (found[measure_id][name] or Decimal(0)) + total
            elif count:
                means[(measure_id, name)][criterion_id] = total / count
    for (measure_id, name), per_criterion in means.items():
        found[measure_id][name] = _weighted(round_, per_criterion)
    return found


def compute_results(round_: PrioritisationRound) -> list[RoundResult]:
    """Dots: total points. Scoring: weighted mean over criteria of each criterion's mean score.

    Account ballots, room ballots and paper tallies count alike (see `_sums`).
    """
    results = {m.id: RoundResult(measure_id=m.id, rank=0, score=Decimal(0), voters=0) for m in round_.measures}
    combined = {key: (sum((s[0] for s in by_source.values()), Decimal(0)), sum(s[1] for s in by_source.values()))
                for key, by_source in _sums(round_).items() if key[0] in results}
    if round_.method == Method.DOTS:
        for (measure_id, _criterion), (total, count) in combined.items():
            results[measure_id].score = results[measure_id].score + total
            results[measure_id].voters += count
    else:
        by_name = {c.id: c for c in round_.criteria}
        means: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for (measure_id, criterion_id), (total, count) in combined.items():
            if count and criterion_id in by_name:
                means[measure_id][criterion_id] = total / Decimal(count)
                results[measure_id].voters = max(results[measure_id].voters, count)
        for measure_id, per_criterion in means.items():
            results[measure_id].score = _weighted(round_, per_criterion)
            for criterion_id, mean in per_criterion.items():
                name = by_name[criterion_id].name.casefold()
                if name in IMPORTANCE_NAMES:
                    results[measure_id].importance = _quantise(mean)
                elif name in URGENCY_NAMES:
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


@guarded(can_close_round, ONLY_STEERING_CLOSES)
def close_round(round_: PrioritisationRound, *, by) -> list[RoundResult]:
    """Close the round and publish its ranking; closing twice changes nothing."""
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
    round_closed.send(round_, results=results, by=by)
    return results


@guarded(can_close_round, ONLY_STEERING_CLOSES)
def mark_prioritised(round_: PrioritisationRound, measure_ids: list[int], *, by) -> list[int]:
    """Move the chosen proposals of a closed round to `prioritised` (their score stays in the results);
    returns the ids of the measures moved."""
    if round_.status != RoundStatus.CLOSED:
        raise Conflict(_("Close the round first."))
    moved = []
    for measure in round_.measures:
        if measure.id in measure_ids and measure.status == MeasureStatus.PROPOSAL:
            result = next((r for r in round_.results if r.measure_id == measure.id), None)
            rank = result.rank if result else 0
            score = format_decimal(result.score if result else 0, locale=get_locale())
            reason = (_("Prioritisation round “%(title)s”: rank %(rank)d with %(score)s points", title=round_.title,
                        rank=rank, score=score) if round_.method == Method.DOTS else
                      _("Prioritisation round “%(title)s”: rank %(rank)d with a score of %(score)s",
                        title=round_.title, rank=rank, score=score))
            note = messages.message(f"prioritisation.prioritised_{round_.method.value}", title=round_.title,
                                    rank=rank, score=messages.decimal(result.score if result else 0))
            workflow.transition(measure, MeasureStatus.PRIORITISED, by=by, system=True, reason=reason, message=note)
            moved.append(measure.id)
    return moved


def top_ranked(round_: PrioritisationRound, count: int) -> list[int]:
    """The measures ranked 1 to `count` in a closed round's results (ties at the border included)."""
    return [result.measure_id for result in round_.results if result.rank <= count]


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
