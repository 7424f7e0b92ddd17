"""What anyone sees without logging in: the process's landing page (with the approved plan, once there is one)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from tracker.charts import catalogue
from tracker.extensions import db
from tracker.permissions import load
from tracker.plan.versions import approved_version
from tracker.processes import queries
from tracker.processes.models import Process
from tracker.processes.services import phase_dates, phase_timeline
from tracker.sessions.models import SessionStatus

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    """Logged-in users go to their process; visitors see its landing page (or the list of processes)."""
    processes = list(db.session.scalars(select(Process).order_by(Process.starts_on.desc(), Process.id.desc())))
    if not processes:
        return render_template("public/empty.html")
    if current_user.is_authenticated:
        return redirect(url_for("charts.start"))
    if len(processes) == 1:
        return landing(processes[0].id)
    return render_template("public/processes.html", processes=processes)


@bp.get("/p/<int:process_id>")
def landing(process_id: int):
    process = load(Process, process_id)
    events, now = queries.public_events(process), datetime.now()
    return render_template(
        "public/landing.html",
        process=process,
        hubs=queries.hubs_with_leads(process),
        timeline=phase_timeline(process),
        phase_dates=phase_dates(process),
        upcoming=[e for e in events if e.ends_at >= now and e.status != SessionStatus.CANCELLED],
        past=[e for e in events if e.ends_at < now][::-1],
        published=approved_version(process),
    )


@bp.get("/p/<int:process_id>/ideas")
def ideas(process_id: int):
    """What became of the ideas: the funnel from idea to adopted measure and the fates per hub; counts only."""
    process = load(Process, process_id)
    by_hub = queries.idea_fates_by_hub(process)
    total = queries.IdeaFates(None, sum(row.ideas for row in by_hub),
                              {fate: sum(row.counts.get(fate, 0) for row in by_hub) for fate in queries.FATES})
    funnel = catalogue.chart("funnel", process, str(get_locale() or "de"))
    return render_template("public/ideas.html", process=process, by_hub=by_hub, total=total,
                           fates=list(queries.FATES), funnel=funnel,
                           published=approved_version(process))
