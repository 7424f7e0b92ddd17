"""What anyone sees without logging in: the process's landing page (with the approved plan, once there is one)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from flask import Blueprint, get_template_attribute, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from tracker import caching
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
    """The same for every visitor of one language: cached whole but for the lineage (other processes' names) and
    the navigation. The entry keeps the end of each event and which were over when it was built: once the clock
    has moved an event on, the page is built afresh."""
    process, now = load(Process, process_id), datetime.now()

    def build() -> dict:
        events = queries.public_events(process)
        part = partial(get_template_attribute, "public/_landing.html")
        return {
            "ends": [e.ends_at for e in events], "over": _over([e.ends_at for e in events], now),
            "top": str(part("top")(process, phase_timeline(process), phase_dates(process), approved_version(process))),
            "bottom": str(part("bottom")(
                process, queries.hubs_with_leads(process),
                [e for e in events if e.ends_at >= now and e.status != SessionStatus.CANCELLED],
                [e for e in events if e.ends_at < now][::-1])),
        }
    keyed = dict(process_id=process.id, areas=(caching.SESSIONS, caching.PLAN, caching.PEOPLE),
                 visibility=caching.PUBLIC)
    parts = caching.cached("html:public-landing", build, **keyed)
    if parts["over"] != _over(parts["ends"], now):
        parts = build()
        caching.cache.set(caching.key("html:public-landing", **keyed), parts)
    return render_template("public/landing.html", process=process,
                           top=Markup(parts["top"]), bottom=Markup(parts["bottom"]))  # noqa: S704 - our templates


def _over(ends: list[datetime], now: datetime) -> str:
    return "".join("1" if end < now else "0" for end in ends)


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
