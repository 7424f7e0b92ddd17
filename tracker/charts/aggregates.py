"""The numbers behind the charts: a few grouped SQL queries per chart, returned as plain data.

Every function returns JSON-serialisable dicts and lists (ids, codes, numbers, ISO dates, the
user's own names): no labels, no language. tracker.charts.catalogue turns them into figures, so a
figure is a pure function of (these numbers, language) and can be cached or frozen into a document.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tracker.attendance.services import attended_rows, totals_by
from tracker.charts.theme import hub_colours
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub, HubMembership
from tracker.implementation.models import Milestone
from tracker.implementation.services import process_progress, progress_by_goal
from tracker.measures.models import Measure, MeasureStatus, MeasureTransition
from tracker.organizations.models import Organization
from tracker.processes.models import Process
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionKind, SessionStatus

Data = dict[str, Any]
STAGES = (MeasureStatus.IDEA, MeasureStatus.PROPOSAL, MeasureStatus.PRIORITISED, MeasureStatus.ADOPTED)
# Statuses that show a measure got at least as far as a stage, even without a recorded step.
AT_LEAST = {
    MeasureStatus.PROPOSAL: {MeasureStatus.PROPOSAL, MeasureStatus.PRIORITISED, MeasureStatus.ADOPTED,
                             MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED, MeasureStatus.ON_HOLD},
    MeasureStatus.PRIORITISED: {MeasureStatus.PRIORITISED},
    MeasureStatus.ADOPTED: {MeasureStatus.ADOPTED, MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED,
                            MeasureStatus.ON_HOLD},
}


def hubs(process: Process) -> list[dict[str, Any]]:
    """The process's hubs in their order, each with the colour it has in every chart."""
    rows = db.session.execute(select(Hub.id, Hub.short_name, Hub.colour).where(Hub.process_id == process.id)
                              .order_by(Hub.position, Hub.id)).all()
    colours = hub_colours([(hub_id, colour) for hub_id, _name, colour in rows])
    return [{"id": hub_id, "name": name, "colour": colours[hub_id]} for hub_id, name, _colour in rows]


def _month(column):
    if db.engine.dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def funnel(process: Process) -> Data:
    """How many measures got as far as each stage (from their history or their status now)."""
    reached = dict(db.session.execute(
        select(MeasureTransition.to_status, func.count(func.distinct(MeasureTransition.measure_id)))
        .join(Measure).where(Measure.process_id == process.id).group_by(MeasureTransition.to_status)).all())
    now = dict(db.session.execute(select(Measure.status, func.count()).where(Measure.process_id == process.id)
                                  .group_by(Measure.status)).all())
    values = [sum(now.values())] + [max(reached.get(stage, 0), sum(now.get(s, 0) for s in AT_LEAST[stage]))
                                    for stage in STAGES[1:]]
    return {"stages": [[stage.value, value] for stage, value in zip(STAGES, values, strict=True)],
            "merged": now.get(MeasureStatus.MERGED, 0), "rejected": now.get(MeasureStatus.REJECTED, 0)}


def status_per_hub(process: Process) -> Data:
    rows = db.session.execute(select(Measure.hub_id, Measure.status, func.count()).where(
        Measure.process_id == process.id).group_by(Measure.hub_id, Measure.status)).all()
    return {"hubs": hubs(process), "counts": [[hub_id, status.value, count] for hub_id, status, count in rows]}


def participation_per_month(process: Process) -> Data:
    """Attendances (a person at a session) per hub and month; None is the process-wide events. Steering
    meetings are left out: the participants see these charts, not the steering group's calendar."""
    rows = (attended_rows(process.id).add_columns(_month(Session.starts_at).label("month"))
            .where(Session.kind != SessionKind.STEERING).subquery())
    counted = db.session.execute(select(rows.c.hub_id, rows.c.month, func.count())
                                 .group_by(rows.c.hub_id, rows.c.month)).all()
    return {"hubs": hubs(process), "counts": [[hub_id, month, count] for hub_id, month, count in counted]}


def working_hours_per_hub(process: Process) -> Data:
    found = totals_by(process, "hub")
    return {"hubs": hubs(process), "hours": [[hub_id, totals.working_hours] for hub_id, totals in found.items()]}


def organisations(process: Process) -> Data:
    """Organisations that are members of a hub now, by hub and type."""
    rows = db.session.execute(select(HubMembership.hub_id, Organization.type, func.count()).join(
        Organization, Organization.id == HubMembership.organization_id).where(
        HubMembership.process_id == process.id, HubMembership.left_at.is_(None)).group_by(
        HubMembership.hub_id, Organization.type)).all()
    return {"hubs": hubs(process), "counts": [[hub_id, kind.value, count] for hub_id, kind, count in rows]}


def progress_per_goal(process: Process) -> Data:
    rollups = progress_by_goal(process)
    goals = db.session.execute(select(GuidingGoal.id, GuidingGoal.number, GuidingGoal.title)
                               .where(GuidingGoal.process_id == process.id).order_by(GuidingGoal.number)).all()
    return {"goals": [[number, title, round(rollups[goal_id].percent, 1), rollups[goal_id].measures]
                      for goal_id, number, title in goals if goal_id in rollups]}


def traffic_lights(process: Process) -> Data:
    total = process_progress(process)
    return {"green": total.green, "yellow": total.yellow, "red": total.red, "none": total.unreported}


def milestones(process: Process) -> Data:
    rows = db.session.execute(select(Measure.title, Milestone.title, Milestone.due_on, Milestone.done).join(
        Measure, Measure.id == Milestone.measure_id).where(
        Measure.process_id == process.id, Milestone.due_on.is_not(None)).order_by(Milestone.due_on, Milestone.id)
    ).all()
    return {"items": [[measure, title, due.isoformat(), bool(done)] for measure, title, due, done in rows]}


def attendance_per_session(process: Process, hub_id: int | None = None) -> Data:
    """Attendees of each held session (never a steering meeting: charts are seen by all participants)."""
    statement = (select(Session.title, Session.starts_at, Session.hub_id, func.count(Attendance.id))
                 .outerjoin(Attendance, (Attendance.session_id == Session.id)
                            & (Attendance.status == AttendanceStatus.ATTENDED))
                 .where(Session.process_id == process.id, Session.status == SessionStatus.HELD,
                        Session.kind != SessionKind.STEERING)
                 .group_by(Session.id, Session.title, Session.starts_at, Session.hub_id)
                 .order_by(Session.starts_at, Session.id))
    if hub_id is not None:
        statement = statement.where(Session.hub_id == hub_id)
    rows = db.session.execute(statement).all()
    return {"hubs": hubs(process),
            "sessions": [[title, starts.date().isoformat(), hub, count] for title, starts, hub, count in rows]}


def prioritisation_matrix(round_) -> Data:
    """Mean importance and urgency of each measure a round ranked."""
    return {"points": [[r.measure.title, float(r.importance), float(r.urgency), float(r.score)]
                       for r in round_.results if r.importance is not None and r.urgency is not None]}


def indicator_series(indicator) -> Data:
    return {"name": indicator.name, "unit": indicator.unit or "",
            "target": float(indicator.target) if indicator.target is not None else None,
            "values": [[v.date.isoformat(), float(v.value)] for v in indicator.values]}


PROCESS_AGGREGATES = {
    "participation": participation_per_month, "attendance": attendance_per_session,
    "organisations": organisations, "working-hours": working_hours_per_hub, "funnel": funnel,
    "status-per-hub": status_per_hub, "progress-per-goal": progress_per_goal, "traffic-lights": traffic_lights,
    "milestones": milestones,
}
