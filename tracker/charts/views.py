"""Dashboards: the process, a hub, one's own start page, and the public progress page."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import caching
from tracker.attendance.services import totals
from tracker.charts import aggregates, catalogue
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub
from tracker.hubs.services import current_membership
from tracker.implementation import services as implementation
from tracker.measures.models import PLAN_STATUSES, Measure, MeasureTransition
from tracker.permissions import can_view_process, is_internal, is_steering, load, moderates, require
from tracker.plan.versions import approved_version
from tracker.processes import services as processes
from tracker.processes.models import Process
from tracker.processes.queries import chosen_process, roles_by_process
from tracker.sessions.models import Session, SessionStatus
from tracker.sessions.queries import visible_sessions
from tracker.sessions.services import open_action_items_of
from tracker.spreadsheets import CSV_TYPE, csv_file

bp = Blueprint("charts", __name__)
PUBLIC_CHARTS = ("progress-per-goal", "traffic-lights")
ACTIVITY = 15  # steps in the start page's "my ideas" list


def _language() -> str:
    return str(get_locale() or "de")


def _charts(process: Process, keys, **arguments) -> list[dict]:
    return [catalogue.chart(key, process, _language(), **arguments) for key in keys]
ALL_AREAS = (caching.MEASURES, caching.SESSIONS, caching.PLAN, caching.PEOPLE)


def _today():
    return datetime.now().date()


@bp.get("/processes/<int:process_id>/dashboard")
@login_required
def process_dashboard(process_id: int):
    process = load(Process, process_id, is_internal)
    body = caching.fragment("process-dashboard", lambda: render_template(
        "charts/_process_dashboard.html", process=process, figures_=processes.figures(process),
        charts=_charts(process, catalogue.PROCESS_CHARTS),
        stale=implementation.stale_measures(process, days=90, today=_today())[:10],
        overdue=implementation.overdue_milestones(process, today=_today())[:10]),
        process_id=process.id, areas=ALL_AREAS, visibility=caching.INTERNAL, vary=(_today(),))
    return render_template("charts/process_dashboard.html", process=process, body=body)


def _may_see_hub(user, hub: Hub) -> bool:
    if is_steering(user, hub.process) or moderates(user, hub):
        return True
    membership = current_membership(user.organization, hub.process) if user.organization else None
    return membership is not None and membership.hub_id == hub.id


@bp.get("/hubs/<int:hub_id>/dashboard")
@login_required
def hub_dashboard(hub_id: int):
    hub = load(Hub, hub_id, _may_see_hub)
    return render_template("charts/hub_dashboard.html", hub=hub, process=hub.process,
                           totals=totals(hub.process, hub_id=hub.id),
                           ideas=db.session.scalar(select(db.func.count()).where(Measure.hub_id == hub.id)),
                           charts=_charts(hub.process, ["attendance"], hub_id=hub.id))


@bp.get("/start")
@login_required
def start():
    """Where a person lands after logging in: their hub, next sessions, open action items, proposals."""
    my_processes = roles_by_process(current_user)
    process = chosen_process(current_user, session.get("process_id"), my_processes)
    if process is None:
        return render_template("public/empty.html")
    membership = current_membership(current_user.organization, process) if current_user.organization else None
    hubs = [hub for hub in current_user.moderated_hubs if hub.process_id == process.id] or (
        [membership.hub] if membership else [])
    upcoming = visible_sessions(current_user, process).where(
        Session.status == SessionStatus.PLANNED, Session.starts_at >= datetime.now()).limit(5)
    mine = (Measure.process_id == process.id) & (
        (Measure.proposer_person_id == current_user.person.id) | (
            Measure.proposer_organization_id == (current_user.organization.id if current_user.organization else -1)))
    proposals = db.session.scalars(select(Measure).where(mine).order_by(Measure.updated_at.desc()).limit(20)).all()
    # Every change of one's ideas, newest first (a merge names the measure the idea went into).
    activity = db.session.scalars(select(MeasureTransition).join(Measure).where(mine).options(
        joinedload(MeasureTransition.measure).joinedload(Measure.merged_into), joinedload(MeasureTransition.by))
        .order_by(MeasureTransition.at.desc(), MeasureTransition.id.desc()).limit(ACTIVITY)).all()
    return render_template("charts/start.html", process=process, hubs=hubs, sessions=db.session.scalars(upcoming).all(),
                           items=open_action_items_of(current_user.person), proposals=proposals, activity=activity,
                           figures_=processes.figures(process), my_processes=my_processes)


@bp.get("/p/<int:process_id>/progress")
def public_progress(process_id: int):
    """The published plan's measures by guiding goal with traffic light and percent; nothing personal."""
    process = load(Process, process_id)
    body = caching.fragment("public-progress", lambda: _public_progress(process), process_id=process.id,
                            areas=(caching.MEASURES, caching.PLAN), visibility=caching.PUBLIC)
    return render_template("charts/public_progress.html", process=process, body=body)


def _public_progress(process: Process) -> str:
    version = approved_version(process)
    if version is not None:
        ids = [m["id"] for chapter in version.content.get("chapters", []) for m in chapter.get("measures", [])]
        measures = db.session.scalars(select(Measure).where(Measure.id.in_(ids))).all() if ids else []
    else:
        measures = db.session.scalars(select(Measure).where(Measure.process_id == process.id,
                                                            Measure.status.in_(PLAN_STATUSES))).all()
    latest = implementation.latest_progress([m.id for m in measures])
    goals = db.session.scalars(select(GuidingGoal).where(GuidingGoal.process_id == process.id)
                               .order_by(GuidingGoal.number)).all()
    by_goal = {g.id: sorted([m for m in measures if m.primary_goal_id == g.id],
                            key=lambda m: (not m.is_focus_project, m.id)) for g in goals}
    return render_template("charts/_public_progress.html", process=process, version=version, goals=goals,
                           by_goal=by_goal, latest=latest,
                           focus=[m for m in measures if m.is_focus_project],
                           charts=_charts(process, PUBLIC_CHARTS))


@bp.get("/processes/<int:process_id>/charts/<key>.csv")
def chart_data(process_id: int, key: str):
    """A chart's numbers as CSV; the public progress charts for everyone, the others for participants."""
    process = load(Process, process_id)
    if key not in aggregates.PROCESS_AGGREGATES:
        abort(404)
    if key not in PUBLIC_CHARTS:
        require(current_user.is_authenticated and can_view_process(current_user, process)
                and is_internal(current_user, process))
    chart = catalogue.chart(key, process, _language())
    return Response(csv_file(chart["columns"], chart["rows"]), content_type=CSV_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{key}.csv"'})


__all__ = ["_", "bp"]
