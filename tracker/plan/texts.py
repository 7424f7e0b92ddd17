"""The fixed wording of the plan document, shared by every renderer (msgids English, German catalogue)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import tracker.implementation.labels  # noqa: F401  (registers the traffic-light labels)
from tracker.i18n import percent
from tracker.implementation.models import Light
from tracker.labels import label
from tracker.measures.models import Horizon, MeasureStatus
from tracker.organizations.models import OrganizationType
from tracker.processes.models import Phase
from tracker.sessions.models import SessionKind

T = {
    "plan": _l("Masterplan"),
    "interim": _l("Interim report"),
    "draft_mark": _l("DRAFT"),
    "contents": _l("Contents"),
    "foreword": _l("Foreword"),
    "process": _l("The process"),
    "timeline": _l("Phases"),
    "figures": _l("Key figures"),
    "partners": _l("Partners"),
    "hubs": _l("Hubs"),
    "leads": _l("Hub management"),
    "charts": _l("Charts"),
    "chart_table_note": _l("The chart is shown as a table: no image could be rendered."),
    "objective": _l("Our goal"),
    "what": _l("What we do"),
    "how": _l("How we do it"),
    "progress": _l("Progress"),
    "focus_project": _l("Focus project"),
    "focus_projects": _l("Focus projects"),
    "no_focus_projects": _l("No focus projects yet."),
    "responsible": _l("Responsible"),
    "horizon": _l("Horizon"),
    "origin": _l("Origin"),
    "expected_effect": _l("Expected effect"),
    "cost_estimate": _l("Cost estimate"),
    "status": _l("Status"),
    "measure": _l("Measure"),
    "measures": _l("Measures"),
    "no_measures": _l("No measures under this guiding goal yet."),
    "guiding_goal": _l("Guiding goal"),
    "without_goal": _l("Measures without a guiding goal"),
    "sessions": _l("Sessions"),
    "date": _l("Date"),
    "title": _l("Title"),
    "attended": _l("Attendees"),
    "ideas": _l("Ideas and what became of them"),
    "idea": _l("Idea"),
    "fate": _l("Fate"),
    "process_wide": _l("Process-wide events"),
    "organizations": _l("Participating organisations"),
    "organizations_note": _l("Listed are the organisations that agreed to be named."),
    "completed_share": _l("Completed"),
    "average_percent": _l("Average progress"),
    "unreported": _l("No report yet"),
    "milestones": _l("Milestones"),
    "milestone_done": _l("done on"),
    "milestone_due": _l("due on"),
    "update_new": _l("new"),
    "update_changed": _l("changed"),
    "update_completed": _l("completed since the last plan"),
    "update_unchanged": _l("unchanged"),
    "update_of": _l("Update of an earlier plan"),
    "f_organizations": _l("Organisations"),
    "f_people": _l("People"),
    "f_sessions": _l("Sessions"),
    "f_working_hours": _l("Working hours"),
    "f_ideas": _l("Ideas"),
    "f_proposals": _l("Proposals"),
    "f_adopted": _l("Adopted measures"),
    "f_focus_projects": _l("Focus projects"),
    # Chart titles and column headings (the generator keeps them as these English keys).
    "Sessions, attendance and ideas per hub": _l("Sessions, attendance and ideas per hub"),
    "From ideas to the plan": _l("From ideas to the plan"),
    "Measures per guiding goal by status": _l("Measures per guiding goal by status"),
    "Hub": _l("Hub"),
    "Sessions": _l("Sessions"),
    "Attendances": _l("Attendances"),
    "Working hours": _l("Working hours"),
    "Ideas": _l("Ideas"),
    "Stage": _l("Stage"),
    "Measures": _l("Measures"),
    "Proposals": _l("Proposals"),
    "Adopted": _l("Adopted"),
    "Guiding goal": _l("Guiding goal"),
    "Process-wide": _l("Process-wide"),  # the row of events and ideas outside any hub
    "No guiding goal": _l("No guiding goal"),
}

# How the plan refers to an organisation that did not agree to be named (issue 16, finding 14).
UNNAMED = {
    OrganizationType.COMPANY: _l("a company"),
    OrganizationType.CHAMBER: _l("a chamber"),
    OrganizationType.EMPLOYERS_ASSOCIATION: _l("an employers' association"),
    OrganizationType.CRAFTS: _l("a crafts business"),
    OrganizationType.UNION: _l("a trade union"),
    OrganizationType.AGENCY: _l("an agency"),
    OrganizationType.RESEARCH: _l("a research institution"),
    OrganizationType.ADMINISTRATION: _l("a public administration"),
    OrganizationType.OTHER: _l("an organisation"),
}

FIGURES = ("organizations", "people", "sessions", "working_hours", "ideas", "proposals", "adopted", "focus_projects")


def document_locale(source=None) -> str:
    """The language of a document, whatever the reader's UI language: the one its process chose for its
    plan documents (`source` a process, or a document that kept it), else the installation's."""
    language = source.get("language") if isinstance(source, dict) else getattr(source, "plan_language", None)
    return language if language in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def t(key: str) -> str:
    """The wording for a key; status values (chart columns) get their status label."""
    if key in T:
        return str(T[key])
    try:
        return label(MeasureStatus(key))
    except ValueError:
        return key


def document_title(doc: dict[str, Any]) -> str:
    """What the document is: the masterplan or the interim report."""
    return t("interim") if doc["kind"] == "interim" else t("plan")


def unnamed(type_: OrganizationType | None, sector: str | None) -> str:
    """A neutral description of an organisation, from its type (and a company's sector)."""
    if type_ == OrganizationType.COMPANY and sector:
        return _("a company in the %(sector)s sector", sector=sector)
    return str(UNNAMED.get(type_, UNNAMED[OrganizationType.OTHER]))


def light(value: str) -> str:
    return label(Light(value))


def day(value: str | None, fmt: str = "long") -> str:
    return format_date(date.fromisoformat(value[:10]), fmt) if value else ""


def number(value) -> str:
    return format_decimal(value or 0)


def status(value: str | None) -> str:
    return label(MeasureStatus(value)) if value else ""


def horizon(value: str | None) -> str:
    return label(Horizon(value)) if value else ""


def phase(value: str) -> str:
    return label(Phase(value))


def phase_step(step: dict[str, Any]) -> str:
    """A phase of the plan's timeline with its dates, if it has them ("Workshops: 1 Mar 2019 – 30 Sep 2019")."""
    name = phase(step["phase"])
    if not step.get("starts_on"):  # versions frozen before phases had dates
        return name
    return f"{name}: {day(step['starts_on'], 'medium')} – {day(step['ends_on'], 'medium')}"


def session_kind(value: str) -> str:
    return label(SessionKind(value))


def chapter_title(chapter: dict[str, Any]) -> str:
    if chapter["number"] is None:
        return t("without_goal")
    return _("Guiding goal %(number)s: %(title)s", number=chapter["number"], title=chapter["title"])


def annex_title(part: dict[str, Any]) -> str:
    return _("Annex: %(name)s", name=part["name"] or t("process_wide"))


def section_title(doc: dict[str, Any], section: dict[str, Any]) -> str:
    kind = section["kind"]
    if kind == "chapter":
        return chapter_title(next(c for c in doc["chapters"] if c["key"] == section["key"]))
    if kind == "annex":
        return annex_title(next(a for a in doc["annex"] if a["key"] == section["key"]))
    return t({"foreword": "foreword", "process": "process", "focus": "focus_projects",
              "organizations": "organizations"}[kind])


def fate(idea: dict[str, Any]) -> str:
    f = idea["fate"]
    if f["kind"] == "adopted":
        if f["goal_number"] is None:
            return _("adopted as measure %(ref)s", ref=f["ref"])
        return _("adopted as measure %(ref)s under guiding goal %(goal)s “%(title)s”", ref=f["ref"],
                 goal=f["goal_number"], title=f["goal_title"])
    if f["kind"] == "merged":
        return _("merged into %(ref)s “%(title)s”", ref=f["target_ref"], title=f["target_title"])
    if f["kind"] == "rejected":
        return _("rejected because: %(reason)s", reason=f["reason"]) if f["reason"] else _("rejected")
    if f["kind"] == "withdrawn":
        return _("withdrawn: %(reason)s", reason=f["reason"]) if f["reason"] else _("withdrawn")
    return _("still open (%(status)s)", status=status(f["status"]))


def origin(measure: dict[str, Any]) -> str:
    parts = [measure["hub"] or ""]
    if measure["session"]:
        parts.append(f"{measure['session']['title']} ({day(measure['session']['date'], 'medium')})")
    return ", ".join(p for p in parts if p)


def progress_line(measure: dict[str, Any]) -> str:
    p = measure.get("progress")
    if not p:
        return status(measure["status"])
    bits = [status(measure["status"])]
    if p.get("percent") is not None:
        bits.append(percent(p["percent"]))
    if p.get("light"):
        bits.append(light(p["light"]))
    if p.get("date"):
        bits.append(day(p["date"], "medium"))
    if p.get("note"):
        bits.append(p["note"])
    return " · ".join(bits)


def chapter_progress(chapter: dict[str, Any]) -> str:
    p = chapter["progress"]
    parts = [f"{status(s)}: {n}" for s, n in p["by_status"].items()]
    parts.append(f"{t('completed_share')}: {percent(p['completed_share'])}")
    if p.get("average_percent") is not None:
        parts.append(f"{t('average_percent')}: {percent(p['average_percent'])}")
    for value, count in p.get("lights", {}).items():
        parts.append(f"{t('unreported') if value == 'unreported' else light(value)}: {count}")
    return " · ".join(parts)


def milestone_line(milestone: dict[str, Any]) -> str:
    when = day(milestone["done_on"] if milestone["done"] else milestone["due_on"], "medium")
    state = t("milestone_done") if milestone["done"] else t("milestone_due")
    return f"{milestone['title']} ({state} {when})" if when else milestone["title"]


def figure_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    f = doc["process"]["figures"]
    keys = FIGURES if doc["kind"] == "plan" else FIGURES[:5]
    return [(t("f_" + key), number(f[key])) for key in keys]


def chart_cell(value) -> str:
    return number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else t(str(value))
