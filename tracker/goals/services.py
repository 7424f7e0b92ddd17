"""Guiding goals: the chapters of the plan, in an order the steering group decides."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.audit.services import changed_fields, record
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.processes.models import Process


class StaleGoal(Exception):
    pass


def ordered(process: Process) -> list[GuidingGoal]:
    return list(db.session.scalars(select(GuidingGoal).where(GuidingGoal.process_id == process.id)
                                   .order_by(GuidingGoal.number)))


def create(process: Process, *, title: str, introduction: str = "", objective: str = "", by) -> GuidingGoal:
    number = (db.session.scalar(select(func.max(GuidingGoal.number)).where(GuidingGoal.process_id == process.id))
              or 0) + 1
    goal = GuidingGoal(process_id=process.id, number=number, title=title, introduction=introduction,
                       objective=objective)
    db.session.add(goal)
    db.session.flush()
    record("create", goal, by=by, summary=title)
    return goal


def update(goal: GuidingGoal, *, expected_version: int, by, **fields) -> None:
    if expected_version != goal.version:
        raise StaleGoal()
    for name in ("title", "introduction", "objective"):
        if name in fields:
            setattr(goal, name, fields[name])
    changes = changed_fields(goal)
    if changes:
        record("update", goal, by=by, changes=changes, summary=goal.title)


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
