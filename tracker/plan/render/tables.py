"""What Markdown and DOCX show alike as tables and lists: (columns, rows) and (name, value) pairs."""

from __future__ import annotations

from typing import Any

from tracker.plan import texts
from tracker.plan.texts import t

Table = tuple[list[str], list[list[Any]]]


def chart_table(chart: dict[str, Any]) -> Table:
    return [t(c) for c in chart["columns"]], [[texts.chart_cell(v) for v in row] for row in chart["rows"]]


def hubs_table(doc: dict[str, Any]) -> Table:
    return [t("Hub"), t("leads")], [[h["name"], ", ".join(h["leads"])] for h in doc["process"]["hubs"]]


def focus_table(doc: dict[str, Any]) -> Table:
    return ([t("measure"), t("title"), t("guiding_goal"), t("responsible"), t("horizon")],
            [[f["ref"], f["title"], f["goal_number"] or "—", ", ".join(f["responsible"]), texts.horizon(f["horizon"])]
             for f in doc["focus_projects"]])


def annex_sessions_table(part: dict[str, Any]) -> Table:
    return ([t("date"), t("title"), t("attended")],
            [[texts.day(s["date"], "medium"), s["title"], s["attended"]] for s in part["sessions"]])


def annex_ideas_table(part: dict[str, Any]) -> Table:
    return [t("idea"), t("title"), t("fate")], [[i["ref"], i["title"], texts.fate(i)] for i in part["ideas"]]


def measure_facts(m: dict[str, Any]) -> list[tuple[str, str]]:
    """A plan measure's facts under its text: responsible, horizon, origin, effect, cost, status, milestones."""
    facts = [(t("responsible"), ", ".join(m["responsible"]) or "—"),
             (t("horizon"), texts.horizon(m["horizon"]) or "—"),
             (t("origin"), texts.origin(m) or "—")]
    if m["expected_effect"].strip():
        facts.append((t("expected_effect"), m["expected_effect"].strip()))
    if m["cost_estimate"]:
        facts.append((t("cost_estimate"), m["cost_estimate"]))
    facts.append((t("status"), texts.progress_line(m)))
    if m.get("milestones"):
        facts.append((t("milestones"), "; ".join(texts.milestone_line(x) for x in m["milestones"])))
    return facts


def measure_list_item(m: dict[str, Any]) -> str:
    """A measure in a chapter's "What we do" list."""
    return f"{m['ref']} {m['title']}" + (f" ({t('focus_project')})" if m["is_focus_project"] else "")


def measure_heading(m: dict[str, Any]) -> str:
    """A measure's heading in a chapter's "How we do it" part."""
    return f"{m['ref']} {m['title']}" + (f" — {t('focus_project')}" if m["is_focus_project"] else "")


def hub_line(hub: dict[str, Any]) -> str:
    return hub["name"] + (f" ({t('leads')}: {', '.join(hub['leads'])})" if hub["leads"] else "")
