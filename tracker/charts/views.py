"""Dashboards: the process, a hub, one's own start page, and the public progress page."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, session
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.attendance.services import totals
from tracker.charts import figures
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub
from tracker.hubs.services import current_membership
from tracker.implementation import services as implementation
from tracker.measures.models import PLAN_STATUSES, Measure
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
PUBLIC_CHARTS = {"progress-per-goal", "traffic-lights"}


def _today():
    return datetime.now().date()


@bp.get("/processes/<int:process_id>/dashboard")
@login_required
def process_dashboard(process_id: int):
    process = load(Process, process_id, is_internal)
    return render_template(
        "charts/process_dashboard.html", process=process, figures_=processes.figures(process),
        charts=figures.process_charts(process),
        stale=implementation.stale_measures(process, days=90, today=_today())[:10],
        overdue=implementation.overdue_milestones(process, today=_today())[:10])


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
                           charts=figures.hub_charts(hub.process, hub))


@bp.get("/start")
@login_required
def start():
    """Where a person lands after logging in: their hub, next sessions, open action items, proposals."""
    mine = roles_by_process(current_user)
    process = chosen_process(current_user, session.get("process_id"), mine)
    if process is None:
        return render_template("public/empty.html")
    membership = current_membership(current_user.organization, process) if current_user.organization else None
    hubs = [hub for hub in current_user.moderated_hubs if hub.process_id == process.id] or (
        [membership.hub] if membership else [])
    upcoming = visible_sessions(current_user, process).where(
        Session.status == SessionStatus.PLANNED, Session.starts_at >= datetime.now()).limit(5)
    proposals = db.session.scalars(select(Measure).where(
        Measure.process_id == process.id,
        (Measure.proposer_person_id == current_user.person.id) | (
            Measure.proposer_organization_id == (current_user.organization.id if current_user.organization else -1))
    ).order_by(Measure.updated_at.desc()).limit(20)).all()
    return render_template("charts/start.html", process=process, hubs=hubs, sessions=db.session.scalars(upcoming).all(),
                           items=open_action_items_of(current_user.person), proposals=proposals,
                           figures_=processes.figures(process), my_processes=mine)


@bp.get("/p/<int:process_id>/progress")
def public_progress(process_id: int):
    """The published plan's measures by guiding goal with traffic light and percent; nothing personal."""
    process = load(Process, process_id)
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
    return render_template("charts/public_progress.html", process=process, version=version, goals=goals,
                           by_goal=by_goal, latest=latest,
                           focus=[m for m in measures if m.is_focus_project],
                           charts=[figures.progress_per_goal(process), figures.traffic_lights(process)])


@bp.get("/processes/<int:process_id>/charts/<key>.csv")
def chart_data(process_id: int, key: str):
    """A chart's numbers as CSV; the public progress charts for everyone, the others for participants."""
    process = load(Process, process_id)
    builder = figures.CHART_BUILDERS.get(key)
    if builder is None:
        abort(404)
    if key not in PUBLIC_CHARTS:
        require(current_user.is_authenticated and can_view_process(current_user, process)
                and is_internal(current_user, process))
    chart = builder(process)
    return Response(csv_file(chart.headers, chart.rows), content_type=CSV_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{key}.csv"'})


__all__ = ["_", "bp"]
