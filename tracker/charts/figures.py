"""Every chart of the product, built once in Python from aggregate queries.

Each function returns a Chart: the plotly figure for the browser and for images, and the same
numbers as a table (for screen readers, print and CSV). No function loops over raw rows in Python;
they group in SQL and shape the few resulting rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import cycle

import plotly.graph_objects as go
import plotly.io as pio
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.attendance.services import totals_by
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub, HubMembership
from tracker.i18n import number_separators, percent
from tracker.implementation.models import Milestone
from tracker.implementation.services import process_progress, progress_by_goal
from tracker.labels import label
from tracker.measures.models import Measure, MeasureStatus, MeasureTransition
from tracker.organizations.models import Organization, OrganizationType
from tracker.processes.models import Process
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionKind, SessionStatus

STAGES = (MeasureStatus.IDEA, MeasureStatus.PROPOSAL, MeasureStatus.PRIORITISED, MeasureStatus.ADOPTED)
PALETTE = ("#1f5f99", "#2e7d32", "#8e24aa", "#c62828", "#ef6c00", "#00838f", "#6d4c41", "#5e35b1")
LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "none": "#9e9e9e"}

# A small theme of our own instead of plotly's "plotly_white": that one is copied and validated
# into every figure (about 10 ms each, 6 kB of JSON per chart); this one costs under 1 ms and 0.2 kB.
_AXIS = {"gridcolor": "#e5e9f0", "linecolor": "#c8ced8", "zeroline": False, "automargin": True}
pio.templates["masterplan"] = go.layout.Template(layout={
    "paper_bgcolor": "white", "plot_bgcolor": "white", "colorway": list(PALETTE), "xaxis": _AXIS, "yaxis": _AXIS,
    "hoverlabel": {"font": {"family": "DejaVu Sans, sans-serif"}}})
pio.templates.default = "masterplan"


@dataclass
class Chart:
    key: str
    title: str
    figure: go.Figure
    headers: list[str]
    rows: list[list] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def _layout(figure: go.Figure, title: str, **extra) -> go.Figure:
    """Title, size and the language's separators (\",.\" in German: 1.234,5) on every chart."""
    figure.update_layout(title=title, margin={"l": 50, "r": 20, "t": 50, "b": 50},
                         font={"family": "DejaVu Sans, sans-serif", "size": 12}, legend={"orientation": "h"},
                         height=380, separators=number_separators(), **extra)
    return figure


def count_axis(maximum: float, **extra) -> dict:
    """An axis of counts: whole-number ticks from 0 in steps of 1, 2, 5, 10, 20, 50, … (at most about 6 steps)."""
    step, factors = 1, cycle((2, 2.5, 2))
    while maximum > 6 * step:
        step = round(step * next(factors))
    return {"tickformat": "d", "tick0": 0, "dtick": step, "rangemode": "tozero", **extra}


def _month(key: str) -> str:
    """'2018-09' as the language names it: 'Sept. 2018', 'Sep 2018'."""
    year, month = key.split("-")
    return format_date(date(int(year), int(month), 1), "MMM y")


def _hubs(process: Process) -> list[Hub]:
    return list(db.session.scalars(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position)))


def sessions_per_hub_per_month(process: Process) -> Chart:
    month = func.strftime("%Y-%m", Session.starts_at) if db.engine.dialect.name == "sqlite" \
        else func.to_char(Session.starts_at, "YYYY-MM")
    rows = db.session.execute(select(Session.hub_id, month, func.count()).where(
        Session.process_id == process.id, Session.status != SessionStatus.CANCELLED,
        Session.kind != SessionKind.STEERING).group_by(Session.hub_id, month)
    ).all()
    months = sorted({m for _h, m, _c in rows})
    counts = {(h, m): c for h, m, c in rows}
    per_month: dict = defaultdict(int)
    for _h, m, c in rows:
        per_month[m] += c
    names_of_months = [_month(m) for m in months]
    figure = go.Figure()
    table = []
    names = [(hub.id, hub.short_name, hub.colour) for hub in _hubs(process)] + [(None, _("Process-wide"), "#9e9e9e")]
    for hub_id, name, colour in names:
        values = [counts.get((hub_id, m), 0) for m in months]
        if any(values):
            figure.add_bar(name=name, x=names_of_months, y=values, marker_color=colour)
            table += [[name, m, v] for m, v in zip(names_of_months, values, strict=True) if v]
    _layout(figure, _("Sessions per hub and month"), barmode="stack", xaxis={"type": "category"},
            yaxis=count_axis(max(per_month.values(), default=0)))
    return Chart("sessions-per-month", _("Sessions per hub and month"), figure, [_("Hub"), _("Month"), _("Sessions")],
                 table)


def attendance_per_session(process: Process, hub: Hub | None = None) -> Chart:
    statement = (select(Session.id, Session.title, Session.starts_at, Session.hub_id, func.count(Attendance.id))
                 .outerjoin(Attendance, (Attendance.session_id == Session.id)
                            & (Attendance.status == AttendanceStatus.ATTENDED))
                 .where(Session.process_id == process.id, Session.status == SessionStatus.HELD,
                        Session.kind != SessionKind.STEERING)  # charts are seen by all; steering meetings are not
                 .group_by(Session.id).order_by(Session.starts_at))
    if hub is not None:
        statement = statement.where(Session.hub_id == hub.id)
    rows = db.session.execute(statement).all()
    labels = [f"{starts:%d.%m.%y} {title}"[:40] for _i, title, starts, _h, _c in rows]
    values = [count for *_rest, count in rows]
    figure = go.Figure(go.Bar(x=labels, y=values, name=_("Attendees"), marker_color="#1f5f99"))
    by_hub: dict = defaultdict(list)
    for _i, _t, _s, hub_id, count in rows:
        by_hub[hub_id].append(count)
    averages = [round(sum(by_hub[h]) / len(by_hub[h]), 1) for _i, _t, _s, h, _c in rows]
    if rows:
        figure.add_scatter(x=labels, y=averages, mode="markers", name=_("Average of the hub"),
                           marker={"symbol": "line-ew-open", "size": 28, "color": "#ef6c00",
                                   "line": {"width": 3, "color": "#ef6c00"}})
    _layout(figure, _("Attendance per session"), xaxis={"tickangle": -30}, yaxis=count_axis(max(values, default=0)))
    return Chart("attendance", _("Attendance per session"), figure, [_("Session"), _("Attendees"),
                                                                     _("Average of the hub")],
                 [[lab, v, a] for lab, v, a in zip(labels, values, averages, strict=True)])


def organisations_by_type_per_hub(process: Process) -> Chart:
    rows = db.session.execute(select(HubMembership.hub_id, Organization.type, func.count()).join(
        Organization, Organization.id == HubMembership.organization_id).where(
        HubMembership.process_id == process.id, HubMembership.left_at.is_(None)).group_by(
        HubMembership.hub_id, Organization.type)).all()
    hubs = _hubs(process)
    counts = {(h, t): c for h, t, c in rows}
    figure = go.Figure()
    table = []
    for index, kind in enumerate(OrganizationType):
        values = [counts.get((hub.id, kind), 0) for hub in hubs]
        if any(values):
            figure.add_bar(name=label(kind), x=[h.short_name for h in hubs], y=values,
                           marker_color=PALETTE[index % len(PALETTE)])
            table += [[hub.short_name, label(kind), v] for hub, v in zip(hubs, values, strict=True) if v]
    per_hub: dict = defaultdict(int)
    for hub_id, _t, count in rows:
        per_hub[hub_id] += count
    _layout(figure, _("Participating organisations by type and hub"), barmode="stack",
            yaxis=count_axis(max(per_hub.values(), default=0)))
    return Chart("organisations", _("Participating organisations by type and hub"), figure,
                 [_("Hub"), _("Type"), _("Organisations")], table)


def working_hours_per_hub(process: Process) -> Chart:
    totals = totals_by(process, "hub")
    hubs = _hubs(process)
    names = [h.short_name for h in hubs] + ([_("Process-wide")] if None in totals else [])
    values = [totals[h.id].working_hours if h.id in totals else 0 for h in hubs] + \
        ([totals[None].working_hours] if None in totals else [])
    figure = go.Figure(go.Bar(x=names, y=values, marker_color=[h.colour for h in hubs] + ["#9e9e9e"]))
    _layout(figure, _("Working hours per hub"))
    return Chart("working-hours", _("Working hours per hub"), figure, [_("Hub"), _("Working hours")],
                 [[n, v] for n, v in zip(names, values, strict=True)])


# Statuses that show a measure got at least as far as a stage, even without a recorded step.
AT_LEAST = {
    MeasureStatus.PROPOSAL: {MeasureStatus.PROPOSAL, MeasureStatus.PRIORITISED, MeasureStatus.ADOPTED,
                             MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED, MeasureStatus.ON_HOLD},
    MeasureStatus.PRIORITISED: {MeasureStatus.PRIORITISED},
    MeasureStatus.ADOPTED: {MeasureStatus.ADOPTED, MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED,
                            MeasureStatus.ON_HOLD},
}


def idea_funnel(process: Process) -> Chart:
    """How many measures got as far as each stage (from their history or their status now); merged and
    rejected beside it."""
    reached = dict(db.session.execute(select(MeasureTransition.to_status, func.count(func.distinct(
        MeasureTransition.measure_id))).join(Measure).where(Measure.process_id == process.id).group_by(
        MeasureTransition.to_status)).all())
    now = dict(db.session.execute(select(Measure.status, func.count()).where(Measure.process_id == process.id)
                                  .group_by(Measure.status)).all())
    values = [sum(now.values())] + [max(reached.get(stage, 0), sum(now.get(s, 0) for s in AT_LEAST[stage]))
                                    for stage in STAGES[1:]]
    names = [label(stage) for stage in STAGES]
    figure = go.Figure(go.Funnel(y=names, x=values, marker={"color": list(PALETTE[:4])}))
    side = [[label(MeasureStatus.MERGED), now.get(MeasureStatus.MERGED, 0)],
            [label(MeasureStatus.REJECTED), now.get(MeasureStatus.REJECTED, 0)]]
    _layout(figure, _("From idea to adoption"), xaxis=count_axis(max(values)))
    return Chart("funnel", _("From idea to adoption"), figure, [_("Stage"), _("Measures")],
                 [[n, v] for n, v in zip(names, values, strict=True)] + side)


def measures_by_status_per_hub(process: Process) -> Chart:
    rows = db.session.execute(select(Measure.hub_id, Measure.status, func.count()).where(
        Measure.process_id == process.id).group_by(Measure.hub_id, Measure.status)).all()
    hubs = _hubs(process)
    counts = {(h, s): c for h, s, c in rows}
    figure = go.Figure()
    table = []
    for index, status in enumerate(MeasureStatus):
        values = [counts.get((hub.id, status), 0) for hub in hubs]
        if any(values):
            figure.add_bar(name=label(status), x=[h.short_name for h in hubs], y=values,
                           marker_color=PALETTE[index % len(PALETTE)])
            table += [[hub.short_name, label(status), v] for hub, v in zip(hubs, values, strict=True) if v]
    per_hub: dict = defaultdict(int)
    for hub_id, _s, count in rows:
        per_hub[hub_id] += count
    _layout(figure, _("Measures by status and hub"), barmode="stack",
            yaxis=count_axis(max(per_hub.values(), default=0)))
    return Chart("status-per-hub", _("Measures by status and hub"), figure, [_("Hub"), _("Status"), _("Measures")],
                 table)


def progress_per_goal(process: Process) -> Chart:

    rollups = progress_by_goal(process)
    goals = db.session.scalars(select(GuidingGoal).where(GuidingGoal.process_id == process.id)
                               .order_by(GuidingGoal.number)).all()
    rows = [[f"{g.number}. {g.title}", rollups[g.id].percent, rollups[g.id].measures] for g in goals if g.id in rollups]
    figure = go.Figure(go.Bar(y=[r[0] for r in rows], x=[r[1] for r in rows], orientation="h",
                              marker_color="#2e7d32", text=[percent(r[1], 1) for r in rows]))
    _layout(figure, _("Progress per guiding goal"),
            xaxis={"range": [0, 100], "ticksuffix": percent(0).removeprefix("0")})
    return Chart("progress-per-goal", _("Progress per guiding goal"), figure,
                 [_("Guiding goal"), _("Progress (%)"), _("Measures")], rows)


def traffic_lights(process: Process) -> Chart:
    total = process_progress(process)
    names = [_("On track"), _("Needs attention"), _("At risk"), _("Not reported")]
    values = [total.green, total.yellow, total.red, total.unreported]
    figure = go.Figure(go.Bar(x=names, y=values, marker_color=[LIGHT_COLOURS[k] for k in
                                                                ("green", "yellow", "red", "none")]))
    _layout(figure, _("Traffic lights of implementation"), yaxis=count_axis(max(values)))
    return Chart("traffic-lights", _("Traffic lights of implementation"), figure, [_("Light"), _("Measures")],
                 [[n, v] for n, v in zip(names, values, strict=True)])


def milestones_timeline(process: Process) -> Chart:
    rows = db.session.execute(select(Measure.title, Milestone.title, Milestone.due_on, Milestone.done).join(
        Measure, Measure.id == Milestone.measure_id).where(Measure.process_id == process.id,
                                                           Milestone.due_on.is_not(None))
        .order_by(Milestone.due_on)).all()
    figure = go.Figure()
    for done in (False, True):
        points = [r for r in rows if r[3] == done]
        if points:
            figure.add_scatter(x=[r[2] for r in points], y=[r[0][:40] for r in points], mode="markers",
                               text=[r[1] for r in points], name=_("done") if done else _("open"),
                               marker={"size": 12, "symbol": "diamond",
                                       "color": "#2e7d32" if done else "#ef6c00"})
    _layout(figure, _("Milestones"), xaxis={"type": "date"})
    return Chart("milestones", _("Milestones"), figure, [_("Measure"), _("Milestone"), _("Due on"), _("Done")],
                 [[m, t, d.isoformat(), _("yes") if done else _("no")] for m, t, d, done in rows])


def prioritisation_matrix(round_) -> Chart:
    rows = [(r.measure.title, float(r.importance), float(r.urgency), float(r.score)) for r in round_.results
            if r.importance is not None and r.urgency is not None]
    figure = go.Figure(go.Scatter(x=[r[2] for r in rows], y=[r[1] for r in rows], mode="markers+text",
                                  text=[r[0][:30] for r in rows], textposition="top center",
                                  marker={"size": 14, "color": "#1f5f99"}))
    _layout(figure, _("Importance × urgency"), xaxis={"range": [0.5, 5.5], "title": _("Urgency")},
            yaxis={"range": [0.5, 5.5], "title": _("Importance")},
            shapes=[{"type": "line", "x0": 3, "x1": 3, "y0": 0.5, "y1": 5.5, "line": {"dash": "dot"}},
                    {"type": "line", "x0": 0.5, "x1": 5.5, "y0": 3, "y1": 3, "line": {"dash": "dot"}}])
    return Chart(f"matrix-{round_.id}", _("Importance × urgency"), figure,
                 [_("Measure"), _("Importance"), _("Urgency"), _("Score")], [list(r) for r in rows])


def indicator_chart(indicator) -> Chart:
    dates = [v.date for v in indicator.values]
    values = [float(v.value) for v in indicator.values]
    figure = go.Figure(go.Scatter(x=dates, y=values, mode="lines+markers", name=_("Actual")))
    if indicator.target is not None and dates:
        figure.add_scatter(x=[dates[0], dates[-1]], y=[float(indicator.target)] * 2, mode="lines", name=_("Target"),
                           line={"dash": "dash", "color": "#c62828"})
    unit = f" ({indicator.unit})" if indicator.unit else ""
    _layout(figure, f"{indicator.name}{unit}")
    return Chart(f"indicator-{indicator.id}", f"{indicator.name}{unit}", figure, [_("Date"), _("Value")],
                 [[d.isoformat(), v] for d, v in zip(dates, values, strict=True)])


def process_charts(process: Process) -> list[Chart]:
    """The core charts of a process, in the order the dashboard shows them."""
    return [sessions_per_hub_per_month(process), attendance_per_session(process),
            organisations_by_type_per_hub(process), working_hours_per_hub(process), idea_funnel(process),
            measures_by_status_per_hub(process), progress_per_goal(process), traffic_lights(process),
            milestones_timeline(process)]


def hub_charts(process: Process, hub: Hub) -> list[Chart]:
    return [attendance_per_session(process, hub)]


CHART_BUILDERS = {
    "sessions-per-month": sessions_per_hub_per_month, "attendance": attendance_per_session,
    "organisations": organisations_by_type_per_hub, "working-hours": working_hours_per_hub,
    "funnel": idea_funnel, "status-per-hub": measures_by_status_per_hub, "progress-per-goal": progress_per_goal,
    "traffic-lights": traffic_lights, "milestones": milestones_timeline,
}

__all__ = ["CHART_BUILDERS", "Chart", "date", "process_charts"]
