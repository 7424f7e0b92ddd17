"""The chart catalogue: every chart of the product as plain data, for pages, documents and images.

`spec(key, data, language)` turns the numbers of tracker.charts.aggregates into
{"key", "title", "figure": {"data": [...], "layout": {...}}, "columns", "rows"}: plain JSON for
plotly.js in the browser and for kaleido's images, and the same numbers as a table (screen readers,
print, CSV). It reads nothing but its arguments, so the result can be cached or frozen.

One chart, one measure (counts never share an axis with hours); counts have whole-number ticks;
long names become horizontal bars with wrapped labels; hubs and statuses keep their colours; dates
and numbers are written in the chart's language (month names by Babel, separators by plotly).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import force_locale, format_date, format_decimal, get_locale
from flask_babel import gettext as _

from tracker.charts import aggregates
from tracker.charts.theme import (
    BAR_HEIGHT,
    LIGHT_COLOURS,
    OKABE_ITO,
    PROCESS_WIDE,
    STATUS_COLOURS,
    TYPE_COLOURS,
    WORKFLOW,
    count_axis,
    layout,
    plain,
    wrap,
)
from tracker.i18n import number_separators, percent
from tracker.labels import label
from tracker.measures.models import MeasureStatus
from tracker.organizations.models import OrganizationType

Spec = dict[str, Any]
Data = dict[str, Any]
MAX_DATE_TICKS = 6


def spec(key: str, data: Data, language: str) -> Spec:
    """The chart `key` from its numbers, written in `language` (plain, JSON-serialisable data)."""
    kind = key.split(":", 1)[0]
    with force_locale(language):
        result = BUILDERS[kind](data)
    result["figure"]["layout"]["meta"] = {"kind": kind, **result["figure"]["layout"].get("meta", {})}
    return {"key": key.replace(":", "-"), **result}


def on_page(key: str, data: Data) -> Spec:
    """The chart in the reader's language (for pages)."""
    return spec(key, data, str(get_locale() or "de"))


def chart(key: str, process, language: str, **arguments) -> Spec:
    """Query and build one of a process's charts (see aggregates.PROCESS_AGGREGATES)."""
    return spec(key, aggregates.PROCESS_AGGREGATES[key](process, **arguments), language)


# --- helpers --------------------------------------------------------------------------------------

def _number(value: float) -> str:
    return format_decimal(value, format="#,##0.#")


def _hub_names(data: Data) -> dict[int | None, tuple[str, str]]:
    names: dict[int | None, tuple[str, str]] = {h["id"]: (h["name"], h["colour"]) for h in data["hubs"]}
    names[None] = (_("Process-wide"), PROCESS_WIDE)
    return names


def _hub_order(data: Data, used) -> list[int | None]:
    """Hubs in their order, then process-wide, each only if it has a value."""
    return [h["id"] for h in data["hubs"] if h["id"] in used] + ([None] if None in used else [])


def _categories(labels: list[str], **extra) -> dict[str, Any]:
    """A category axis that keeps the given order, top to bottom on a horizontal chart."""
    return {"type": "category", "categoryorder": "array", "categoryarray": labels, "autorange": "reversed",
            **extra}


def _horizontal_height(categories: int) -> int:
    return 90 + BAR_HEIGHT * max(categories, 2)


def _figure(data: list[dict], **layout_options) -> dict[str, Any]:
    return {"data": data, "layout": layout(separators=number_separators(), **layout_options)}


def _month_name(key: str) -> str:
    """'2018-09' as the language names it: 'Sept. 2018', 'Sep 2018'."""
    year, month = key.split("-")
    return format_date(date(int(year), int(month), 1), "MMM y")


def _months_between(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _date_axis(days: list[str]) -> dict[str, Any]:
    """A date axis whose ticks are written by Babel (month names in the chart's language), at most six."""
    if not days:
        return {"type": "date"}
    first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
    months = _months_between(f"{first:%Y-%m}", f"{last:%Y-%m}")
    if len(months) <= 2:
        ticks = sorted(set(days))[:MAX_DATE_TICKS]
        texts = [format_date(date.fromisoformat(d), "medium") for d in ticks]
    else:
        step = -(-len(months) // MAX_DATE_TICKS)
        ticks = [f"{m}-01" for m in months[::step]]
        texts = [_month_name(m) for m in months[::step]]
    span = max((last - first).days, 1)
    pad = max(span // 20, 3)
    start, end = date.fromordinal(first.toordinal() - pad), date.fromordinal(last.toordinal() + pad)
    return {"type": "date", "tickmode": "array", "tickvals": ticks, "ticktext": texts,
            "range": [start.isoformat(), end.isoformat()]}


def _day(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "medium")


# --- the charts -----------------------------------------------------------------------------------

def funnel(data: Data) -> Spec:
    """Idea → proposal → prioritised → adopted, as bars (a stage with no measure is a bar of 0)."""
    stages = [(label(MeasureStatus(code)), value) for code, value in data["stages"]]
    names = [name for name, _value in stages]
    values = [value for _name, value in stages]
    trace = {"type": "bar", "orientation": "h", "y": names, "x": values, "name": _("Measures"),
             "marker": {"color": [STATUS_COLOURS[MeasureStatus(code)] for code, _v in data["stages"]]},
             "text": [_number(v) for v in values], "textposition": "outside", "cliponaxis": False,
             "hovertemplate": "%{y}: %{x}<extra></extra>"}
    figure = _figure([trace], height=_horizontal_height(len(names)), showlegend=False,
                     xaxis=count_axis(max(values, default=0) * 1.1, title={"text": _("Measures")}),
                     yaxis=_categories(names), meta={"counts": ["x"]})
    rows = [[name, value] for name, value in stages]
    rows += [[label(MeasureStatus.MERGED), data["merged"]], [label(MeasureStatus.REJECTED), data["rejected"]]]
    return {"title": _("From idea to adoption"), "figure": figure, "columns": [_("Stage"), _("Measures")],
            "rows": rows}


def _stacked_by_hub(data: Data, series: list[tuple[str, str, dict]], title: str, measure: str,
                    series_column: str) -> Spec:
    """Horizontal bars, one per hub, stacked by `series` (name, colour, {hub id: count})."""
    names = _hub_names(data)
    used = {hub_id for _n, _c, counts in series for hub_id, count in counts.items() if count}
    order = _hub_order(data, used)
    categories = [wrap(names[h][0]) for h in order]
    traces, rows = [], []
    for name, colour, counts in series:
        values = [counts.get(h, 0) for h in order]
        if not any(values):
            continue
        traces.append({"type": "bar", "orientation": "h", "name": plain(name), "y": categories, "x": values,
                       "marker": {"color": colour}, "hovertemplate": f"%{{y}} · {plain(name)}: %{{x}}<extra></extra>"})
        rows += [[names[h][0], name, v] for h, v in zip(order, values, strict=True) if v]
    totals = [sum(counts.get(h, 0) for _n, _c, counts in series) for h in order]
    figure = _figure(traces, barmode="stack", height=_horizontal_height(len(order)),
                     xaxis=count_axis(max(totals, default=0), title={"text": measure}),
                     yaxis=_categories(categories), meta={"counts": ["x"]})
    return {"title": title, "figure": figure, "columns": [_("Hub"), series_column, measure], "rows": rows}


def status_per_hub(data: Data) -> Spec:
    by_status: dict[str, dict] = defaultdict(dict)
    for hub_id, status, count in data["counts"]:
        by_status[status][hub_id] = count
    series = [(label(status), STATUS_COLOURS[status], by_status.get(status.value, {})) for status in WORKFLOW]
    return _stacked_by_hub(data, series, _("Measures by status and hub"), _("Measures"), _("Status"))


def organisations(data: Data) -> Spec:
    by_type: dict[str, dict] = defaultdict(dict)
    for hub_id, kind, count in data["counts"]:
        by_type[kind][hub_id] = count
    series = [(label(kind), TYPE_COLOURS[index % len(TYPE_COLOURS)], by_type.get(kind.value, {}))
              for index, kind in enumerate(OrganizationType)]
    return _stacked_by_hub(data, series, _("Participating organisations by type and hub"), _("Organisations"),
                           _("Type"))


def participation(data: Data) -> Spec:
    """Attendances per month, stacked by hub (months with none included, so time reads evenly)."""
    names = _hub_names(data)
    counts = {(h, m): c for h, m, c in data["counts"]}
    present = sorted({m for _h, m, _c in data["counts"] if m})
    months = _months_between(present[0], present[-1]) if present else []
    labels = [_month_name(m) for m in months]
    traces, rows = [], []
    for hub_id in _hub_order(data, {h for h, _m, c in data["counts"] if c}):
        name, colour = names[hub_id]
        values = [counts.get((hub_id, m), 0) for m in months]
        traces.append({"type": "bar", "name": plain(name), "x": labels, "y": values, "marker": {"color": colour},
                       "hovertemplate": f"{plain(name)} · %{{x}}: %{{y}}<extra></extra>"})
        rows += [[name, month, v] for month, v in zip(labels, values, strict=True) if v]
    totals = [sum(counts.get((h, m), 0) for h in names) for m in months]
    measure = _("Attendances")
    figure = _figure(traces, barmode="stack", height=380,
                     xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels,
                            "tickangle": 0},
                     yaxis=count_axis(max(totals, default=0), title={"text": measure}), meta={"counts": ["y"]})
    return {"title": _("Participation per hub and month"), "figure": figure,
            "columns": [_("Hub"), _("Month"), measure], "rows": rows}


def working_hours(data: Data) -> Spec:
    names = _hub_names(data)
    hours = {h: v for h, v in data["hours"]}
    order = _hub_order(data, {h for h, v in hours.items() if v} or {h["id"] for h in data["hubs"]})
    categories = [wrap(names[h][0]) for h in order]
    values = [hours.get(h, 0) for h in order]
    measure = _("Working hours")
    trace = {"type": "bar", "orientation": "h", "y": categories, "x": values, "name": measure,
             "marker": {"color": [names[h][1] for h in order]}, "text": [_number(v) for v in values],
             "textposition": "outside", "cliponaxis": False, "hovertemplate": "%{y}: %{text}<extra></extra>"}
    figure = _figure([trace], showlegend=False, height=_horizontal_height(len(order)),
                     xaxis={"rangemode": "tozero", "tickformat": ",~r", "nticks": 6, "fixedrange": True,
                            "range": [0, max(values, default=0) * 1.15 or 1], "title": {"text": measure}},
                     yaxis=_categories(categories))
    return {"title": _("Working hours per hub"), "figure": figure, "columns": [_("Hub"), measure],
            "rows": [[names[h][0], v] for h, v in zip(order, values, strict=True)]}


def progress_per_goal(data: Data) -> Spec:
    """Average progress of each guiding goal's measures, the goals in their order from the top."""
    goals = data["goals"]
    categories = [wrap(f"{number}. {title}", 28) for number, title, _p, _m in goals]
    values = [p for _n, _t, p, _m in goals]
    suffix = percent(0).removeprefix("0")
    trace = {"type": "bar", "orientation": "h", "y": categories, "x": values, "name": _("Progress"),
             "marker": {"color": OKABE_ITO[0]}, "text": [percent(v, 0 if float(v).is_integer() else 1)
                                                         for v in values],
             "textposition": "outside", "cliponaxis": False, "hovertemplate": "%{y}: %{text}<extra></extra>"}
    figure = _figure([trace], showlegend=False, height=_horizontal_height(len(goals)),
                     xaxis={"range": [0, 112], "tick0": 0, "dtick": 25, "ticksuffix": suffix, "fixedrange": True,
                            "title": {"text": _("Progress")}},
                     yaxis=_categories(categories))
    return {"title": _("Progress per guiding goal"), "figure": figure,
            "columns": [_("Guiding goal"), _("Progress (%)"), _("Measures")],
            "rows": [[f"{n}. {t}", p, m] for n, t, p, m in goals]}


def traffic_lights(data: Data) -> Spec:
    kinds = (("green", _("On track")), ("yellow", _("Needs attention")), ("red", _("At risk")),
             ("none", _("Not reported")))
    names = [name for _k, name in kinds]
    values = [data[k] for k, _n in kinds]
    trace = {"type": "bar", "orientation": "h", "y": names, "x": values, "name": _("Measures"),
             "marker": {"color": [LIGHT_COLOURS[k] for k, _n in kinds]}, "text": [_number(v) for v in values],
             "textposition": "outside", "cliponaxis": False, "hovertemplate": "%{y}: %{x}<extra></extra>"}
    figure = _figure([trace], showlegend=False, height=_horizontal_height(len(names)),
                     xaxis=count_axis(max(values, default=0) * 1.1, title={"text": _("Measures")}),
                     yaxis=_categories(names), meta={"counts": ["x"]})
    return {"title": _("Traffic lights of implementation"), "figure": figure,
            "columns": [_("Light"), _("Measures")], "rows": [[n, v] for n, v in zip(names, values, strict=True)]}


def milestones(data: Data) -> Spec:
    """Milestones by due date, one row per measure; open and done told apart by colour and shape."""
    items = data["items"]
    measures = list(dict.fromkeys(measure for measure, *_rest in items))
    wrapped = {m: wrap(m, 26) for m in measures}
    traces = []
    for done, name, colour, symbol in ((False, _("open"), OKABE_ITO[1], "diamond-open"),
                                       (True, _("done"), OKABE_ITO[2], "diamond")):
        points = [item for item in items if item[3] == done]
        if points:
            traces.append({"type": "scatter", "mode": "markers", "name": name,
                           "x": [due for _m, _t, due, _d in points], "y": [wrapped[m] for m, *_r in points],
                           "customdata": [f"{plain(title)} · {_day(due)}" for _m, title, due, _d in points],
                           "hovertemplate": "%{customdata}<extra></extra>",
                           "marker": {"size": 12, "symbol": symbol, "color": colour, "line": {"width": 2,
                                                                                              "color": colour}}})
    figure = _figure(traces, height=_horizontal_height(len(measures)),
                     xaxis=_date_axis([due for _m, _t, due, _d in items]),
                     yaxis=_categories([wrapped[m] for m in measures]))
    return {"title": _("Milestones"), "figure": figure,
            "columns": [_("Measure"), _("Milestone"), _("Due on"), _("Done")],
            "rows": [[m, t, _day(due), _("yes") if done else _("no")] for m, t, due, done in items]}


def attendance(data: Data) -> Spec:
    """Attendees per held session, oldest at the top, each bar in its hub's colour."""
    names = _hub_names(data)
    sessions = data["sessions"]
    labels, seen = [], set()
    for title, day, _hub, _count in sessions:
        text = wrap(f"{_day(day)} {title}", 26)
        while text in seen:
            text += "\u200b"  # two sessions of one day and title stay two bars
        seen.add(text)
        labels.append(text)
    traces = []
    for hub_id in _hub_order(data, {hub for _t, _d, hub, _c in sessions}):
        name, colour = names[hub_id]
        picked = [(lab, s[3]) for lab, s in zip(labels, sessions, strict=True) if s[2] == hub_id]
        traces.append({"type": "bar", "orientation": "h", "name": plain(name), "y": [p[0] for p in picked],
                       "x": [p[1] for p in picked], "marker": {"color": colour},
                       "hovertemplate": "%{y}: %{x}<extra></extra>"})
    measure = _("Attendees")
    figure = _figure(traces, barmode="overlay", height=_horizontal_height(len(sessions)),
                     xaxis=count_axis(max((s[3] for s in sessions), default=0), title={"text": measure}),
                     yaxis=_categories(labels), meta={"counts": ["x"]}, showlegend=len(traces) > 1)
    return {"title": _("Attendance per session"), "figure": figure,
            "columns": [_("Session"), _("Date"), _("Hub"), measure],
            "rows": [[title, _day(day), names[hub][0], count] for title, day, hub, count in sessions]}


def prioritisation_matrix(data: Data) -> Spec:
    """Importance over urgency (mean votes, 1–5), each measure a labelled point; quadrants dotted.

    On a narrow screen the page script labels the points with their numbers from the table instead."""
    points = data["points"]
    trace = {"type": "scatter", "mode": "markers+text", "x": [p[2] for p in points], "y": [p[1] for p in points],
             "text": [wrap(p[0], 18) for p in points], "cliponaxis": False,
             "customdata": [plain(p[0]) for p in points],
             "textposition": ["top center" if i % 2 == 0 else "bottom center" for i in range(len(points))],
             "marker": {"size": 12, "color": OKABE_ITO[0]}, "textfont": {"size": 11},
             "hovertemplate": "%{customdata}<br>" + _("Urgency") + ": %{x:.1f} · " + _("Importance") + ": %{y:.1f}"
                              "<extra></extra>"}
    axis = {"range": [0.5, 5.5], "tick0": 1, "dtick": 1, "tickformat": ".0f", "fixedrange": True}
    line = {"dash": "dot", "color": "#9aa5b1"}
    quadrants = [{"type": "line", "x0": 3, "x1": 3, "y0": 0.5, "y1": 5.5, "line": line},
                 {"type": "line", "x0": 0.5, "x1": 5.5, "y0": 3, "y1": 3, "line": line}]
    figure = _figure([trace], height=460, showlegend=False, shapes=quadrants,
                     xaxis={**axis, "title": {"text": _("Urgency")}},
                     yaxis={**axis, "title": {"text": _("Importance")}},
                     meta={"shortLabels": [str(number) for number in range(1, len(points) + 1)]})
    return {"title": _("Importance × urgency"), "figure": figure,
            "columns": [_("No."), _("Measure"), _("Importance"), _("Urgency"), _("Score")],
            "rows": [[number, *p] for number, p in enumerate(points, start=1)]}


def indicator(data: Data) -> Spec:
    values = data["values"]
    unit = f" ({data['unit']})" if data["unit"] else ""
    days = [d for d, _v in values]
    traces = [{"type": "scatter", "mode": "lines+markers", "name": _("Actual"), "x": days,
               "y": [v for _d, v in values], "marker": {"color": OKABE_ITO[0], "size": 8},
               "customdata": [_day(d) for d in days], "hovertemplate": "%{customdata}: %{y}<extra></extra>"}]
    if data["target"] is not None and days:
        traces.append({"type": "scatter", "mode": "lines", "name": _("Target"), "x": [min(days), max(days)],
                       "y": [data["target"]] * 2, "line": {"dash": "dash", "color": OKABE_ITO[5]},
                       "hovertemplate": _("Target") + ": %{y}<extra></extra>"})
    figure = _figure(traces, height=340, xaxis=_date_axis(days),
                     yaxis={"rangemode": "tozero", "tickformat": ",~r", "nticks": 6,
                            "title": {"text": plain(data["unit"])}})
    return {"title": f"{data['name']}{unit}", "figure": figure, "columns": [_("Date"), _("Value")],
            "rows": [[_day(d), v] for d, v in values]}


BUILDERS: dict[str, Callable[[Data], Spec]] = {
    "funnel": funnel, "status-per-hub": status_per_hub, "participation": participation,
    "working-hours": working_hours, "organisations": organisations, "progress-per-goal": progress_per_goal,
    "traffic-lights": traffic_lights, "milestones": milestones, "attendance": attendance,
    "matrix": prioritisation_matrix, "indicator": indicator,
}
# The dashboard's charts in its order; the plan's documents show the first eight.
PROCESS_CHARTS = ("funnel", "status-per-hub", "participation", "working-hours", "organisations",
                  "progress-per-goal", "traffic-lights", "milestones", "attendance")
