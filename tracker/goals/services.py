"""Guiding goals: the chapters of the plan, in an order the steering group decides.

Every action here is the steering group's (admins included) for the goal's process.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from tracker.audit.services import changed_fields, record
from tracker.errors import Conflict, Invalid, StaleVersion
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.permissions import guarded, is_steering
from tracker.processes.models import Process

ONLY_STEERING = _l("Only the steering group defines guiding goals.")
MAX_NUMBER = 1000


def can_define_goals(user, process: Process) -> bool:
    return is_steering(user, process)


def can_edit_goal(user, goal: GuidingGoal) -> bool:
    return is_steering(user, goal.process)


def ordered(process: Process) -> list[GuidingGoal]:
    return list(db.session.scalars(select(GuidingGoal).where(GuidingGoal.process_id == process.id)
                                   .order_by(GuidingGoal.number)))


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise Invalid(_("Please give the guiding goal a title."), "title")
    return title


@guarded(can_define_goals, ONLY_STEERING)
def create(process: Process, *, title: str, introduction: str = "", objective: str = "", number: int | None = None,
           by) -> GuidingGoal:
    """A new chapter: the number given (it must be free), or the next after the last one."""
    title = _title(title)
    if number is None:
        number = (db.session.scalar(select(func.max(GuidingGoal.number))
                                    .where(GuidingGoal.process_id == process.id)) or 0) + 1
    elif not 1 <= number <= MAX_NUMBER:
        raise Invalid(_("The number lies between 1 and %(n)d.", n=MAX_NUMBER), "number")
    elif db.session.scalar(select(GuidingGoal.id).where(GuidingGoal.process_id == process.id,
                                                        GuidingGoal.number == number)):
        raise Conflict(_("Guiding goal number %(n)d exists already.", n=number), "number")
    goal = GuidingGoal(process_id=process.id, number=number, title=title, introduction=introduction or "",
                       objective=objective or "")
    db.session.add(goal)
    db.session.flush()
    record("create", goal, by=by, summary=title)
    return goal


@guarded(can_edit_goal, ONLY_STEERING)
def update(goal: GuidingGoal, *, expected_version: int, by, **fields) -> None:
    if expected_version != goal.version:
        raise StaleVersion(goal, version=goal.version)
    if "title" in fields:
        fields["title"] = _title(fields["title"])
    for name in ("title", "introduction", "objective"):
        if name in fields:
            setattr(goal, name, fields[name])
    changes = changed_fields(goal)
    if changes:
        record("update", goal, by=by, changes=changes, summary=goal.title)


@guarded(can_edit_goal, ONLY_STEERING)
def move(goal: GuidingGoal, direction: int, *, by) -> None:
    """Swap places with the neighbouring chapter; numbers stay unique at every moment."""
    goals = ordered(goal.process)
    index = next(i for i, g in enumerate(goals) if g.id == goal.id)
    other_index = index + direction
    if not 0 <= other_index < len(goals):
        return
    other = goals[other_index]
    mine, theirs = goal.number, other.number
    goal.number = -mine  # a free number while the two swap
    db.session.flush()
    other.number = mine
    db.session.flush()
    goal.number = theirs
    record("update", goal, by=by, changes={"number": [mine, theirs]}, summary=goal.title)
