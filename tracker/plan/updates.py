"""A plan update: a new process that starts from an approved plan, its goals and measures carried over.

Other features add what they keep about the measures (implementation tracking copies the latest
progress) by subscribing to `plan_update_started`.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

import tracker.measures.labels
import tracker.plan.labels  # noqa: F401  (both register the messages written here)
from tracker import messages
from tracker.audit.services import record
from tracker.errors import IllegalTransition
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.measures.models import PLAN_STATUSES, Measure, MeasureTransition
from tracker.permissions import guarded
from tracker.plan.models import PlanStatus, PlanVersion
from tracker.plan.permissions import can_edit_version
from tracker.plan.signals import plan_update_started
from tracker.plan.versions import acting_user
from tracker.processes.models import Phase, Process

ONLY_STEERING = _l("Only the steering group starts an update of the plan.")
UPDATE_DURATION = timedelta(days=365)  # the update process's planned length; steering adjusts it
MEASURE_FIELDS = ("title", "description", "approach", "expected_effect", "horizon", "cost_estimate",
                  "is_focus_project", "status", "proposer_organization_id", "responsible_person_id")


@guarded(can_edit_version, ONLY_STEERING)
def start_update(version: PlanVersion, name: str, *, by) -> Process:
    """A new process that updates an approved plan: guiding goals and plan measures carried over.

    Nobody is moved: the old process keeps its people and roles. The new process gets the old one's steering
    group (copied, so each can change on its own); everyone picks the process they work in with the switcher.
    """
    if version.status != PlanStatus.APPROVED:
        raise IllegalTransition(_("An update starts from the approved plan."))
    old = version.process
    today = date.today()
    new = Process(name=(name or "").strip() or f"{old.name} – Update", city=old.city, starts_on=today,
                  ends_on=today + UPDATE_DURATION, phase=Phase.UPDATE, purpose=old.purpose, foreword=old.foreword,
                  contact_email=old.contact_email, parent_id=old.id,
                  approvals_needed=old.approvals_needed)
    new.partners = list(old.partners)
    new.steering_members = list(old.steering_members)
    db.session.add(new)
    db.session.flush()
    goals = _copy_goals(old, new)
    carried = _copy_measures(old, new, goals, by=by)
    record("create", new, by=by, summary=f"update of process {old.id}: {carried} measures carried over",
           message=messages.message("plan.update_started", id=old.id, num=messages.decimal(carried)))
    plan_update_started.send(new, previous=old, by=by)
    return new


def _copy_goals(old: Process, new: Process) -> dict[int, GuidingGoal]:
    """{old goal id: its copy in the new process}."""
    goals = {}
    for goal in old.goals:
        goals[goal.id] = GuidingGoal(process_id=new.id, number=goal.number, title=goal.title,
                                     introduction=goal.introduction, objective=goal.objective)
        db.session.add(goals[goal.id])
    db.session.flush()
    return goals


def _copy_measures(old: Process, new: Process, goals: dict[int, GuidingGoal], *, by) -> int:
    """Copy the plan measures, each linked to its original; returns how many."""
    creator = acting_user(by)
    carried = 0
    for measure in db.session.scalars(select(Measure).where(Measure.process_id == old.id,
                                                            Measure.status.in_(list(PLAN_STATUSES)))
                                      .order_by(Measure.id)):
        copy = Measure(process_id=new.id, origin_measure_id=measure.id, created_by=creator,
                       primary_goal_id=goals[measure.primary_goal_id].id if measure.primary_goal_id in goals else None,
                       **{name: getattr(measure, name) for name in MEASURE_FIELDS})
        copy.goals = [goals[g.id] for g in measure.goals if g.id in goals]
        copy.responsible_organizations = list(measure.responsible_organizations)
        copy.partner_organizations = list(measure.partner_organizations)
        copy.transitions.append(MeasureTransition(to_status=measure.status, by=creator,
                                                  reason=f"carried over from measure {measure.id}",
                                                  reason_message=messages.message("measure.carried_over",
                                                                                  id=measure.id)))
        db.session.add(copy)
        carried += 1
    db.session.flush()
    return carried
