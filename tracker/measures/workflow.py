"""The life of a measure: which status may follow which, who may move it, and what that needs.

One table (DESIGN.md), used by the web pages, the API and the CLI alike. Refusals are those of
tracker.errors: no such step (IllegalTransition, 409, naming the possible ones), not this user's
step (NotAllowed, 403), something missing (Invalid, 400, per field). Merging is not a plain
transition: tracker.measures.services.merge/unmerge do it and record it here (record_step).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker import messages
from tracker.audit.services import record
from tracker.errors import IllegalTransition, Invalid, NotAllowed
from tracker.extensions import db
from tracker.labels import label
from tracker.measures.models import Measure, MeasureStatus, MeasureTransition
from tracker.measures.signals import measure_transitioned
from tracker.messages import render as render_message
from tracker.permissions import can_view_measure, guarded, is_steering, moderates, represents

S = MeasureStatus


class Actor(enum.Enum):
    """The roles a user can have towards one measure."""

    STEERING = "steering"  # admins count as steering
    MODERATOR = "moderator"  # of the measure's hub
    PROPOSER = "proposer"  # a representative of the proposing organisation
    RESPONSIBLE = "responsible"  # a representative of a responsible organisation


class Need(enum.Enum):
    REASON = "reason"
    PRIMARY_GOAL = "primary_goal"
    RESPONSIBLE = "responsible"


@dataclass(frozen=True)
class Rule:
    actors: frozenset[Actor]
    needs: frozenset[Need] = field(default_factory=frozenset)
    system_only: bool = False  # set by closing a prioritisation round, never by hand


def _rule(*actors: Actor, needs: tuple[Need, ...] = (), system_only: bool = False) -> Rule:
    return Rule(frozenset(actors), frozenset(needs), system_only)


A = Actor
TRANSITIONS: dict[tuple[MeasureStatus, MeasureStatus], Rule] = {
    (S.IDEA, S.IN_REVIEW): _rule(A.MODERATOR, A.STEERING),
    (S.IDEA, S.WITHDRAWN): _rule(A.PROPOSER, A.MODERATOR, A.STEERING),
    (S.IN_REVIEW, S.WITHDRAWN): _rule(A.PROPOSER, A.MODERATOR, A.STEERING),
    (S.IN_REVIEW, S.PROPOSAL): _rule(A.MODERATOR, A.STEERING),
    (S.IN_REVIEW, S.REJECTED): _rule(A.MODERATOR, A.STEERING, needs=(Need.REASON,)),
    (S.PROPOSAL, S.REJECTED): _rule(A.STEERING, needs=(Need.REASON,)),
    (S.PROPOSAL, S.PRIORITISED): _rule(A.STEERING, system_only=True),
    (S.PROPOSAL, S.ADOPTED): _rule(A.STEERING, needs=(Need.PRIMARY_GOAL,)),
    (S.PRIORITISED, S.ADOPTED): _rule(A.STEERING, needs=(Need.PRIMARY_GOAL,)),
    (S.ADOPTED, S.IN_PROGRESS): _rule(A.STEERING, A.RESPONSIBLE, needs=(Need.RESPONSIBLE,)),
    (S.IN_PROGRESS, S.COMPLETED): _rule(A.STEERING, A.RESPONSIBLE),
    (S.ADOPTED, S.ON_HOLD): _rule(A.STEERING, needs=(Need.REASON,)),
    (S.IN_PROGRESS, S.ON_HOLD): _rule(A.STEERING, needs=(Need.REASON,)),
    (S.ON_HOLD, S.IN_PROGRESS): _rule(A.STEERING),
}

# Statuses from which ideas may be merged into another measure (done by services.merge).
MERGEABLE = frozenset({S.IDEA, S.IN_REVIEW})

NEED_MESSAGES = {
    Need.REASON: _l("Please give a reason."),
    Need.PRIMARY_GOAL: _l("An adopted measure needs a primary guiding goal."),
    Need.RESPONSIBLE: _l("A measure in progress needs a responsible organisation."),
}
NEED_FIELDS = {Need.REASON: "reason", Need.PRIMARY_GOAL: "primary_goal_id",
               Need.RESPONSIBLE: "responsible_organization_ids"}


def actors(measure: Measure, user) -> set[Actor]:
    """What the user is towards this measure."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    found = set()
    if is_steering(user, measure.process):
        found.add(A.STEERING)
    if moderates(user, measure.hub):
        found.add(A.MODERATOR)
    if represents(user, measure.proposer_organization):
        found.add(A.PROPOSER)
    if any(represents(user, organization) for organization in measure.responsible_organizations):
        found.add(A.RESPONSIBLE)
    return found


def allowed_next(measure: Measure, user) -> list[MeasureStatus]:
    """The statuses this user may move the measure to by hand, in the table's order."""
    mine = actors(measure, user)
    return [to for (source, to), rule in TRANSITIONS.items()
            if source == measure.status and not rule.system_only and rule.actors & mine]


def _names(statuses: list[MeasureStatus]) -> str:
    return ", ".join(label(s) for s in statuses) or _("none")


def check(measure: Measure, to: MeasureStatus, *, by, reason: str | None = None, system: bool = False,
          primary_goal=None) -> Rule:
    """Raise unless the step is in the table, allowed for this user and has what it needs."""
    rule = TRANSITIONS.get((measure.status, to))
    if rule is None:
        raise IllegalTransition(
            _("A measure cannot go from “%(source)s” to “%(target)s”. Possible next steps: %(steps)s.",
              source=label(measure.status), target=label(to), steps=_names(allowed_next(measure, by))),
            "to")
    if rule.system_only and not system:
        raise IllegalTransition(
            _("“%(target)s” is set by closing a prioritisation round, not by hand.", target=label(to)),
            "to")
    if not rule.actors & actors(measure, by):
        raise NotAllowed(_("You may not move this measure to “%(target)s”.", target=label(to)))
    missing = _unmet(measure, rule, reason, primary_goal)
    if missing:
        raise Invalid(" ".join(missing.values()), fields=missing)
    return rule


def _unmet(measure: Measure, rule: Rule, reason: str | None, primary_goal=None) -> dict[str, str]:
    """What the step needs and does not have, per field (a primary goal may be given with the step)."""
    lacking = {
        Need.REASON: not (reason or "").strip(),
        Need.PRIMARY_GOAL: measure.primary_goal_id is None and primary_goal is None,
        Need.RESPONSIBLE: not measure.responsible_organizations,
    }
    return {NEED_FIELDS[need]: str(NEED_MESSAGES[need]) for need in rule.needs if lacking[need]}


def blocked_steps(measure: Measure, steps: list[MeasureStatus], *, goals_to_choose: bool = False
                  ) -> dict[MeasureStatus, str]:
    """The offered steps the measure cannot take yet, with what it lacks (a reason is typed with the step, and a
    primary guiding goal chosen with it when the process has goals; so only what the measure itself must have
    first: a responsible organisation, or a goal when there is none to choose)."""
    blocked = {}
    for to in steps:
        missing = _unmet(measure, TRANSITIONS[(measure.status, to)], reason="given with the step",
                         primary_goal="chosen with the step" if goals_to_choose else None)
        if missing:
            blocked[to] = " ".join(missing.values())
    return blocked


def goal_needed(measure: Measure, steps: list[MeasureStatus]) -> set[MeasureStatus]:
    """The offered steps that ask for the primary guiding goal on the spot (the measure has none yet)."""
    return {to for to in steps if Need.PRIMARY_GOAL in TRANSITIONS[(measure.status, to)].needs
            and measure.primary_goal_id is None}


def record_step(measure: Measure, source: MeasureStatus | None, to: MeasureStatus, *, by, reason: str = "",
                action: str = "transition", message: dict | None = None) -> MeasureTransition:
    """One step of the history and its audit event. A reason the system writes comes as `message` (a key with
    parameters, shown in the reader's language); `reason` is then its text in the current language."""
    if message is not None and not reason:
        reason = render_message(message)
    step = MeasureTransition(measure=measure, from_status=source, to_status=to, reason=reason.strip(),
                             reason_message=message,
                             by_id=getattr(by, "id", None) if getattr(by, "is_authenticated", False) else None)
    db.session.add(step)
    record(action, measure, by=by, summary=f"{source.value if source else '—'} → {to.value}",
           message=messages.status_change("measure_status", source, to),
           changes={"status": [source.value if source else None, to.value]} | ({"reason": reason} if reason else {}))
    return step


def may_move(user, measure: Measure) -> bool:
    """Whether the table has a next step for this user at all: checked before the wanted step is read."""
    return can_view_measure(user, measure) and bool(allowed_next(measure, user))


@guarded(may_move, _l("You may not change the status of this measure."))
def transition(measure: Measure, to: MeasureStatus, *, by, reason: str | None = None, system: bool = False,
               primary_goal=None, message: dict | None = None) -> MeasureTransition:
    """Move the measure if the table allows it, and record who did it, when and why.

    Who has a next step at all may ask; the table decides whether this user may take this step
    (NotAllowed), whether the step exists (IllegalTransition) and what it needs (Invalid per field).
    A step that needs a primary guiding goal (adopting) takes it on the spot when the measure has none,
    so adopting is no dead end. `message` is a reason the system writes (tracker.messages).
    """
    rule = check(measure, to, by=by, reason=reason, system=system, primary_goal=primary_goal)
    if primary_goal is not None and Need.PRIMARY_GOAL in rule.needs and measure.primary_goal_id is None:
        if primary_goal.process_id != measure.process_id:
            raise Invalid(_("The guiding goal belongs to another process."), NEED_FIELDS[Need.PRIMARY_GOAL])
        measure.primary_goal = primary_goal
        measure.primary_goal_id = primary_goal.id
        record("update", measure, by=by, changes={"primary_goal_id": [None, primary_goal.id]},
               summary=measure.title[:120])
    source = measure.status
    measure.status = to
    step = record_step(measure, source, to, by=by, reason=reason or "", message=message)
    db.session.flush()  # the step's id identifies it for the mail it may cause
    measure_transitioned.send(measure, step=step, previous=source, by=by)
    return step

