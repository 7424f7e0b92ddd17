"""The plan document as plain data (JSON-serialisable), built from the records.

One generator makes the masterplan and the interim report (Zwischenbericht). Renderers
(HTML, Markdown, CSV, PDF, DOCX) turn this data into text; a frozen version keeps exactly
this data, so it always yields the same text. Enum values stay as values here; renderers
label them. Nothing personal goes in: people never, organisations by name only when they agreed to
be named (otherwise described, in the plan's language: organization_name).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.charts.documents import document_charts
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub, HubMembership
from tracker.implementation.models import Milestone, ProgressUpdate
from tracker.implementation.services import Rollup, latest_progress, milestones_of, progress_by_goal
from tracker.measures.models import PLAN_STATUSES, Measure, MeasureStatus, MeasureTransition
from tracker.organizations.models import Organization
from tracker.plan import texts
from tracker.plan.models import PlanStatus, PlanVersion
from tracker.processes.models import Process, process_partner
from tracker.processes.queries import attendance_counts
from tracker.processes.services import figures, phase_dates, phase_timeline
from tracker.sessions.models import Session, SessionKind, SessionStatus
from tracker.text import single_line

PLAN = "plan"
INTERIM = "interim"
OPEN_STATUSES = frozenset({MeasureStatus.IDEA, MeasureStatus.IN_REVIEW, MeasureStatus.PROPOSAL,
                           MeasureStatus.PRIORITISED})
# The order in which plan measures are listed inside a chapter.
MEASURE_FIELDS = ("title", "description", "approach", "expected_effect", "status", "horizon", "cost_estimate",
                  "responsible", "is_focus_project", "goal_number", "hub", "session")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def organization_name(organization: Organization) -> str:
    """How the plan names an organisation: by its name only if it agreed to be named, else by a neutral
    description ("ein Unternehmen der Branche Logistik"). Versions frozen before keep what they say."""
    if organization.consents_to_be_named:
        return organization.name
    return texts.unnamed(organization.type, single_line(organization.sector))


def build(process: Process, kind: str = PLAN, *, label: str = "", on: date | None = None) -> dict[str, Any]:
    """The whole document for a process; kind is "plan" or "interim". Written in the plan's language."""
    language = texts.document_locale(process)
    with force_locale(language):
        return _build(process, kind, label=label, on=on) | {"language": language}


def _build(process: Process, kind: str, *, label: str, on: date | None) -> dict[str, Any]:
    on = on or date.today()
    measures = list(db.session.scalars(
        select(Measure).where(Measure.process_id == process.id)
        .options(selectinload(Measure.responsible_organizations), selectinload(Measure.goals),
                 selectinload(Measure.origin_measure).selectinload(Measure.hub))
        .order_by(Measure.id)
    ))
    goals = list(db.session.scalars(
        select(GuidingGoal).where(GuidingGoal.process_id == process.id).order_by(GuidingGoal.number)
    ))
    hubs = list(db.session.scalars(
        select(Hub).where(Hub.process_id == process.id).order_by(Hub.position, Hub.id)
        .options(selectinload(Hub.lead_organizations))
    ))
    sessions = list(db.session.scalars(  # steering meetings are the steering group's own, never in a plan
        select(Session).where(Session.process_id == process.id, Session.kind != SessionKind.STEERING)
        .order_by(Session.starts_at, Session.id)
    ))
    hub_names = {hub.id: hub.name for hub in hubs}
    session_by_id = {session.id: session for session in sessions}
    goal_by_id = {goal.id: goal for goal in goals}

    doc: dict[str, Any] = {
        "kind": kind,
        "title": {"process_id": process.id, "process": process.name, "city": process.city, "label": label,
                  "date": on.isoformat(), "parent_process_id": process.parent_id},
        "foreword": process.foreword or "",
        "process": _process_part(process, hubs),
        "charts": [],
        "chapters": [],
        "focus_projects": [],
        "annex": [],
        "organizations": [],
    }

    # Plan measures numbered per chapter: "2.3" is the third measure of guiding goal 2.
    plan_measures = [m for m in measures if m.status in PLAN_STATUSES]
    by_goal: dict[int | None, list[Measure]] = defaultdict(list)
    for measure in plan_measures:
        by_goal[measure.primary_goal_id if measure.primary_goal_id in goal_by_id else None].append(measure)
    refs: dict[int, str] = {}
    for goal in goals:
        for index, measure in enumerate(sorted(by_goal[goal.id], key=lambda m: (not m.is_focus_project, m.id)), 1):
            refs[measure.id] = f"{goal.number}.{index}"
    for index, measure in enumerate(by_goal[None], 1):
        refs[measure.id] = f"0.{index}"

    plan_ids = [m.id for m in plan_measures]
    progress = {measure_id: _progress(update) for measure_id, update in latest_progress(plan_ids).items()}
    milestones = {measure_id: [_milestone(m) for m in items] for measure_id, items in milestones_of(plan_ids).items()}
    rollups = {goal_id: _rollup(rollup) for goal_id, rollup in progress_by_goal(process).items()}
    previous = _previous_plan_measures(process) if process.parent_id else None

    def measure_data(measure: Measure) -> dict[str, Any]:
        goal = goal_by_id.get(measure.primary_goal_id)
        origin = measure.origin_measure
        hub_id = measure.hub_id if measure.hub_id is not None else (origin.hub_id if origin else None)
        session = session_by_id.get(measure.session_id)
        data = {
            "id": measure.id,
            "ref": refs.get(measure.id, f"#{measure.id}"),
            "title": measure.title,
            "description": measure.description or "",
            "approach": measure.approach or "",
            "expected_effect": measure.expected_effect or "",
            "status": measure.status.value,
            "horizon": measure.horizon.value if measure.horizon else None,
            "cost_estimate": measure.cost_estimate or "",
            "responsible": [organization_name(o) for o in measure.responsible_organizations],
            "is_focus_project": bool(measure.is_focus_project),
            "goal_number": goal.number if goal else None,
            "secondary_goals": [g.number for g in measure.goals if g.id != measure.primary_goal_id],
            "hub": hub_names.get(hub_id) or (origin.hub.name if origin and origin.hub else None),
            "session": ({"title": session.title, "date": session.starts_at.date().isoformat()}
                        if session else None),
            "progress": progress.get(measure.id),
            "milestones": milestones.get(measure.id, []),
            "origin_measure_id": measure.origin_measure_id,
        }
        if previous is not None:
            data["update"] = _update_mark(data, previous.get(measure.origin_measure_id))
        return data

    if kind == PLAN:
        for goal in goals:
            chapter_measures = [measure_data(m) for m in sorted(by_goal[goal.id],
                                                                 key=lambda m: (not m.is_focus_project, m.id))]
            doc["chapters"].append(_chapter(f"goal-{goal.number}", goal.number, goal.title, goal.introduction,
                                            goal.objective, chapter_measures, goal_id=goal.id,
                                            rollup=rollups.get(goal.id)))
        if by_goal[None]:
            doc["chapters"].append(_chapter("goal-none", None, "", "", "", [measure_data(m) for m in by_goal[None]],
                                            rollup=rollups.get(None)))
        doc["focus_projects"] = [
            {"id": m["id"], "ref": m["ref"], "title": m["title"], "goal_number": chapter["number"],
             "responsible": m["responsible"], "horizon": m["horizon"], "status": m["status"]}
            for chapter in doc["chapters"] for m in chapter["measures"] if m["is_focus_project"]
        ]
        doc["organizations"] = _named_organizations(process)

    doc["annex"] = _annex(process, hubs, sessions, measures, refs, goal_by_id)
    doc["charts"] = _charts(process)
    doc["sections"] = sections(doc)
    return doc


def _progress(update: ProgressUpdate) -> dict[str, Any]:
    """A measure's latest progress report as the document keeps it."""
    return {"percent": update.percent, "light": update.light.value, "date": _iso(update.date),
            "note": update.note or ""}


def _milestone(milestone: Milestone) -> dict[str, Any]:
    return {"title": milestone.title, "due_on": _iso(milestone.due_on), "done": bool(milestone.done),
            "done_on": _iso(milestone.done_on)}


def _rollup(rollup: Rollup) -> dict[str, Any]:
    """A chapter's roll-up of implementation tracking (the dashboards' definition)."""
    return {"measures": rollup.measures, "percent": rollup.percent, "green": rollup.green, "yellow": rollup.yellow,
            "red": rollup.red, "unreported": rollup.unreported}


def _chapter(key, number, title, introduction, objective, measures, goal_id=None, rollup=None) -> dict[str, Any]:
    """A chapter; its progress is implementation tracking's roll-up when there is one."""
    counts: dict[str, int] = defaultdict(int)
    for m in measures:
        counts[m["status"]] += 1
    percents = [m["progress"]["percent"] for m in measures if m.get("progress") and
                m["progress"].get("percent") is not None]
    lights: dict[str, int] = defaultdict(int)
    for m in measures:
        if m.get("progress") and m["progress"].get("light"):
            lights[m["progress"]["light"]] += 1
    done = counts.get(MeasureStatus.COMPLETED.value, 0)
    return {
        "key": key, "goal_id": goal_id, "number": number, "title": title, "introduction": introduction or "",
        "objective": objective or "", "measures": measures,
        "progress": {
            "by_status": dict(sorted(counts.items())),
            "completed_share": round(100 * done / len(measures)) if measures else 0,
            "average_percent": (round(rollup["percent"]) if rollup else
                                round(sum(percents) / len(percents)) if percents else None),
            "lights": ({k: rollup[k] for k in ("green", "yellow", "red", "unreported") if rollup[k]} if rollup
                       else dict(sorted(lights.items()))),
        },
    }


def _process_part(process: Process, hubs: list[Hub]) -> dict[str, Any]:
    f = figures(process)
    dates = phase_dates(process)
    partners = [organization_name(o) for o in db.session.scalars(
        select(Organization).join(process_partner, process_partner.c.organization_id == Organization.id)
        .where(process_partner.c.process_id == process.id).order_by(Organization.name)
    )]
    return {
        "starts_on": _iso(process.starts_on), "ends_on": _iso(process.ends_on), "phase": process.phase.value,
        "timeline": [{"phase": phase.value, "state": state,
                      "starts_on": _iso(dates[phase][0]) if phase in dates else None,
                      "ends_on": _iso(dates[phase][1]) if phase in dates else None}
                     for phase, state in phase_timeline(process)],
        "figures": {
            "organizations": f.organizations, "people": f.people, "sessions": f.sessions,
            "sessions_held": f.sessions_held, "working_hours": f.working_hours, "ideas": f.ideas,
            "proposals": sum(n for s, n in f.by_status.items() if s not in (
                MeasureStatus.IDEA, MeasureStatus.IN_REVIEW, MeasureStatus.MERGED, MeasureStatus.WITHDRAWN,
                MeasureStatus.REJECTED)),
            "adopted": sum(n for s, n in f.by_status.items() if s in PLAN_STATUSES),
            "focus_projects": f.focus_projects,
        },
        "partners": partners,
        "hubs": [{"id": hub.id, "name": hub.name, "short_name": hub.short_name, "colour": hub.colour,
                  "leads": [organization_name(o) for o in hub.lead_organizations]} for hub in hubs],
    }


def _rejection_reasons(measure_ids: list[int]) -> dict[int, str]:
    """The reason of each measure's last transition to rejected (or withdrawn), one query."""
    if not measure_ids:
        return {}
    rows = db.session.execute(
        select(MeasureTransition.measure_id, MeasureTransition.reason)
        .where(MeasureTransition.measure_id.in_(measure_ids),
               MeasureTransition.to_status.in_([MeasureStatus.REJECTED, MeasureStatus.WITHDRAWN]))
        .order_by(MeasureTransition.measure_id, MeasureTransition.id)
    )
    return {measure_id: reason or "" for measure_id, reason in rows}


def _annex(process, hubs, sessions, measures, refs, goal_by_id) -> list[dict[str, Any]]:
    """Per hub: its sessions and every idea raised there with its fate; process-wide ones last."""
    counts = attendance_counts([s.id for s in sessions])
    reasons = _rejection_reasons([m.id for m in measures if m.status in (MeasureStatus.REJECTED,
                                                                         MeasureStatus.WITHDRAWN)])
    by_id = {m.id: m for m in measures}
    session_titles = {s.id: s.title for s in sessions}
    hub_names = {hub.id: hub.name for hub in hubs}

    def fate(measure: Measure) -> dict[str, Any]:
        if measure.status in PLAN_STATUSES:
            goal = goal_by_id.get(measure.primary_goal_id)
            return {"kind": "adopted", "ref": refs.get(measure.id), "goal_number": goal.number if goal else None,
                    "goal_title": goal.title if goal else None, "status": measure.status.value}
        if measure.status == MeasureStatus.MERGED:
            target = by_id.get(measure.merged_into_id)
            return {"kind": "merged", "target_id": measure.merged_into_id,
                    "target_ref": refs.get(measure.merged_into_id, f"#{measure.merged_into_id}"),
                    "target_title": target.title if target else "",
                    "target_hub": hub_names.get(target.hub_id) if target else None}
        if measure.status in (MeasureStatus.REJECTED, MeasureStatus.WITHDRAWN):
            return {"kind": measure.status.value, "reason": reasons.get(measure.id, "")}
        return {"kind": "open", "status": measure.status.value}

    groups: list[tuple[str, int | None, str]] = [(f"hub-{hub.id}", hub.id, hub.name) for hub in hubs]
    groups.append(("hub-none", None, ""))
    annex = []
    for key, hub_id, name in groups:
        hub_sessions = [s for s in sessions if s.hub_id == hub_id and s.status != SessionStatus.CANCELLED]
        ideas = [m for m in measures if m.hub_id == hub_id and m.origin_measure_id is None]
        if hub_id is None and not hub_sessions and not ideas:
            continue
        annex.append({
            "key": key, "hub_id": hub_id, "name": name,
            "sessions": [{"id": s.id, "title": s.title, "kind": s.kind.value, "number": s.number,
                          "date": s.starts_at.date().isoformat(), "status": s.status.value,
                          "attended": counts.get(s.id, 0), "hours": round(s.duration_minutes / 60, 1)}
                         for s in hub_sessions],
            "ideas": [{"id": m.id, "ref": f"#{m.id}", "title": m.title, "status": m.status.value,
                       "session": session_titles.get(m.session_id), "fate": fate(m)} for m in ideas],
        })
    return annex


def _named_organizations(process: Process) -> list[str]:
    """Organisations that took part (partners, hub members) and consented to be named."""
    members = select(HubMembership.organization_id).where(HubMembership.process_id == process.id)
    partners = select(process_partner.c.organization_id).where(process_partner.c.process_id == process.id)
    return list(db.session.scalars(
        select(Organization.name).where(Organization.consents_to_be_named.is_(True),
                                        Organization.id.in_(members) | Organization.id.in_(partners))
        .order_by(Organization.name)
    ))


def _charts(process: Process) -> list[dict[str, Any]]:
    """Each chart as its numbers and a data table (the source of the image and its accessible alternative)."""
    return document_charts(process, texts.document_locale(process))


def sections(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The table of contents: section keys (used by comments and comparison) and titles."""
    result = [{"key": "foreword", "kind": "foreword"}] if doc["kind"] == PLAN else []
    result.append({"key": "process", "kind": "process"})
    result += [{"key": c["key"], "kind": "chapter", "number": c["number"], "title": c["title"]}
               for c in doc["chapters"]]
    if doc["kind"] == PLAN:
        result.append({"key": "focus", "kind": "focus"})
    result += [{"key": a["key"], "kind": "annex", "title": a["name"]} for a in doc["annex"]]
    if doc["kind"] == PLAN:
        result.append({"key": "organizations", "kind": "organizations"})
    return result


def all_measures(doc: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {m["id"]: m for chapter in doc.get("chapters", []) for m in chapter["measures"]}


# --- plan updates ---------------------------------------------------------------------------------

def _previous_plan_measures(process: Process) -> dict[int, dict[str, Any]]:
    """The measures of the parent process's approved plan, by id (empty without one)."""
    version = db.session.scalar(
        select(PlanVersion).where(PlanVersion.process_id == process.parent_id,
                                  PlanVersion.status.in_([PlanStatus.APPROVED, PlanStatus.SUPERSEDED]))
        .order_by(PlanVersion.status != PlanStatus.APPROVED, PlanVersion.number.desc()).limit(1)
    )
    return all_measures(version.content) if version else {}


def _update_mark(data: dict[str, Any], before: dict[str, Any] | None) -> str:
    """new, completed, changed or unchanged compared with the earlier plan."""
    if data["origin_measure_id"] is None or before is None:
        return "new"
    if data["status"] == MeasureStatus.COMPLETED.value and before["status"] != MeasureStatus.COMPLETED.value:
        return "completed"
    compared = ("title", "description", "approach", "expected_effect", "status", "horizon", "responsible",
                "is_focus_project", "cost_estimate")
    return "changed" if any(data[f] != before.get(f) for f in compared) else "unchanged"
