"""Processes: creating one (administrators), editing its set-up and setting its phase (steering), its four eyes
(administrators), and its figures.

Each figure is one aggregate query whatever the size of the process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select, union
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

import tracker.processes.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.accounts.models import Role, User
from tracker.attendance.services import attended_rows
from tracker.audit.services import changed_fields, record
from tracker.errors import Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.fields import one_line
from tracker.hubs.models import HubMembership
from tracker.labels import label
from tracker.measures.models import Measure, MeasureStatus
from tracker.organizations.models import Organization, Person
from tracker.permissions import can_set_phase, guarded, is_admin, is_steering
from tracker.processes.models import (
    APPROVALS_NEEDED_DEFAULT,
    APPROVALS_NEEDED_RANGE,
    EARLIEST_START_YEAR,
    LONGEST_YEARS,
    Phase,
    Process,
    ProcessPhase,
    longer_than_allowed,
    process_partner,
)
from tracker.processes.signals import process_changed, process_created
from tracker.sessions.models import Session, SessionStatus
from tracker.text import single_line, without_control

ONLY_ADMINS = _l("Only administrators create processes.")
ONLY_STEERING = _l("Only the steering group sets the phase of the process.")
ONLY_STEERING_EDITS = _l("Only the steering group edits the process.")
PLAN_LANGUAGES = ("de", "en")
# What the set-up page edits (the phase has its own action, set_phase).
EDITABLE = frozenset({"name", "city", "starts_on", "ends_on", "contact_name", "contact_email", "purpose", "foreword",
                      "plan_language", "partners", "phases"})
RELATIONS = frozenset({"partners", "phases"})  # edited as lists, not as columns
MAX_TEXT = 50_000
ONLY_ADMINS_APPROVALS = _l("Only administrators set how many approvals a plan version needs.")
ONLY_STEERING_MEMBERS = _l("Only administrators and the process's steering group choose its steering group.")


def can_create_processes(user) -> bool:
    return is_admin(user)


def can_edit_process(user, process: Process) -> bool:
    """Name, period, contact, texts, language and partners: the process's steering group (and admins)."""
    return is_steering(user, process)


def _long_text(value: str | None, field: str) -> str:
    value = without_control(value).strip()
    if len(value) > MAX_TEXT:
        raise Invalid(_("At most %(n)d characters.", n=MAX_TEXT), field)
    return value


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """The fields of a process cleaned and checked; a refusal names the field it is about."""
    name = one_line(values["name"], "name", 200, _("Please give the process a name."))
    city = one_line(values["city"], "city", 120, _("Please give the city."))
    starts_on, ends_on = values["starts_on"], values["ends_on"]
    if not isinstance(starts_on, date):
        raise Invalid(_("Please give the day the process starts."), "starts_on")
    if not isinstance(ends_on, date):
        raise Invalid(_("Please give the day the process ends."), "ends_on")
    check_period(starts_on, ends_on)
    email = single_line(values.get("contact_email")).lower() or None
    if email is not None and (len(email) > 254 or " " in email or "@" not in email.strip("@")):
        raise Invalid(_("Please give a valid email address."), "contact_email")
    language = values.get("plan_language") or None  # None: the installation's language
    if language is not None and language not in PLAN_LANGUAGES:
        raise Invalid(_("The plan documents are written in German or English."), "plan_language")
    return {"name": name, "city": city, "starts_on": starts_on, "ends_on": ends_on,
            "contact_name": one_line(values.get("contact_name"), "contact_name", 200),
            "contact_email": email, "purpose": _long_text(values.get("purpose"), "purpose"),
            "foreword": _long_text(values.get("foreword"), "foreword"), "plan_language": language}


def check_period(starts_on: date, ends_on: date) -> None:
    """Refuse a period that ends before it starts, starts before EARLIEST_START_YEAR or lasts too long (pages
    that lay out its months rely on that bound)."""
    if starts_on.year < EARLIEST_START_YEAR:
        raise Invalid(_("A process starts in %(year)d or later.", year=EARLIEST_START_YEAR), "starts_on")
    if ends_on < starts_on:
        raise Invalid(_("The process cannot end before it starts."), "ends_on")
    if longer_than_allowed(starts_on, ends_on):
        raise Invalid(_("A process lasts at most %(years)d years.", years=LONGEST_YEARS), "ends_on")


PhaseDates = tuple[Phase, date, date]


def checked_phases(phases: Iterable, starts_on: date, ends_on: date) -> list[PhaseDates]:
    """The dated phases as (phase, first day, last day) in the order of Phase: each within the process's
    period, each phase at most once, and none overlapping the next (both days count)."""
    result: dict[Phase, PhaseDates] = {}
    for item in phases:
        phase, first, last = (item["phase"], item["starts_on"], item["ends_on"]) if isinstance(item, dict) else item
        try:
            phase = Phase(phase)
        except ValueError:
            raise Invalid(_("Please choose one of the phases."), "phases") from None
        if phase in result:
            raise Invalid(_("The phase “%(phase)s” has two periods.", phase=label(phase)), "phases")
        if not isinstance(first, date) or not isinstance(last, date):
            raise Invalid(_("The phase “%(phase)s” needs the day it starts and the day it ends.", phase=label(phase)),
                          f"phase_{phase.value}")
        if last < first:
            raise Invalid(_("The phase “%(phase)s” cannot end before it starts.", phase=label(phase)),
                          f"phase_{phase.value}")
        if first < starts_on or last > ends_on:
            raise Invalid(_("The phase “%(phase)s” lies within the period of the process (%(start)s – %(end)s).",
                            phase=label(phase), start=format_date(starts_on), end=format_date(ends_on)),
                          f"phase_{phase.value}")
        result[phase] = (phase, first, last)
    ordered = [result[phase] for phase in Phase if phase in result]
    for (before, _first, last), (phase, first, _last) in pairwise(ordered):
        if first <= last:
            raise Invalid(_("The phase “%(phase)s” starts after “%(before)s” has ended.", phase=label(phase),
                            before=label(before)), f"phase_{phase.value}")
    return ordered


def _phase_rows(process: Process) -> list[list[str]]:
    return [[p.phase.value, p.starts_on.isoformat(), p.ends_on.isoformat()]
            for p in sorted(process.phase_dates, key=lambda p: p.phase.position)]


def _set_phases(process: Process, phases: list[PhaseDates]) -> None:
    """Replace the dated phases, changing rows in place (the unique phase per process stays true meanwhile)."""
    existing = {p.phase: p for p in process.phase_dates}
    for phase, first, last in phases:
        row = existing.pop(phase, None)
        if row is None:
            process.phase_dates.append(ProcessPhase(phase=phase, starts_on=first, ends_on=last))
        else:
            row.starts_on, row.ends_on = first, last
    for row in existing.values():
        process.phase_dates.remove(row)


def create_process(*, by, name: str, city: str, starts_on: date, ends_on: date, phase: Phase = Phase.PREPARATION,
                   purpose: str = "", foreword: str = "", contact_name: str | None = None,
                   contact_email: str | None = None, plan_language: str | None = None,
                   partners: Iterable[Organization] = (), phases: Iterable = (),
                   approvals_needed: int = APPROVALS_NEEDED_DEFAULT) -> Process:
    """A new masterplan process (administrators); it may not end before it starts."""
    if not can_create_processes(by):
        raise NotAllowed(ONLY_ADMINS)
    values = _checked(dict(name=name, city=city, starts_on=starts_on, ends_on=ends_on, purpose=purpose,
                           foreword=foreword, contact_name=contact_name, contact_email=contact_email,
                           plan_language=plan_language))
    dated = checked_phases(phases, values["starts_on"], values["ends_on"])
    _check_approvals_needed(approvals_needed)
    process = Process(phase=phase, approvals_needed=approvals_needed, **values)
    process.partners = list(dict.fromkeys(partners))
    _set_phases(process, dated)
    db.session.add(process)
    db.session.flush()
    changes = {"partners": [o.id for o in process.partners]} if process.partners else {}
    if dated:
        changes["phases"] = _phase_rows(process)
    record("create", process, by=by, summary=process.name, changes=changes or None)
    process_created.send(process, by=by)
    return process


@guarded(can_edit_process, ONLY_STEERING_EDITS)
def update_process(process: Process, *, by, expected_version: int, **changes: Any) -> None:
    """Change what the set-up page edits, from the version the editor read; a save based on an older
    version is refused (StaleVersion), nothing is half saved. Fields not given keep their value."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise Invalid(_("This field cannot be changed here."), sorted(unknown)[0])
    if expected_version != process.version:
        raise StaleVersion(process, version=process.version)
    current = {name: getattr(process, name) for name in EDITABLE - RELATIONS}
    values = _checked(current | {k: v for k, v in changes.items() if k not in RELATIONS})
    partners = list(dict.fromkeys(changes["partners"])) if "partners" in changes else None
    partner_ids = sorted(o.id for o in process.partners)  # read before any change: loading them would flush it
    phases_before = _phase_rows(process)
    # Every change of the period checks the phases again: they stay within it.
    phases = checked_phases(changes["phases"] if "phases" in changes else
                            [(p.phase, p.starts_on, p.ends_on) for p in process.phase_dates],
                            values["starts_on"], values["ends_on"])
    for name, value in values.items():
        setattr(process, name, value)
    recorded = changed_fields(process)
    if partners is not None and partner_ids != sorted(o.id for o in partners):
        recorded["partners"] = [partner_ids, sorted(o.id for o in partners)]
        process.partners = partners
        flag_modified(process, "name")  # the row is written, so its version counts this change too
    phases_after = [[phase.value, first.isoformat(), last.isoformat()] for phase, first, last in phases]
    if phases_after != phases_before:
        _set_phases(process, phases)
        recorded["phases"] = [phases_before, phases_after]
        flag_modified(process, "name")
    if not recorded:
        return
    try:
        db.session.flush()
    except StaleDataError:  # saved by someone else between our read and this write
        db.session.rollback()
        db.session.refresh(process)
        raise StaleVersion(process, version=process.version) from None
    record("update", process, by=by, changes=recorded, summary=f"{process.name}: {', '.join(sorted(recorded))}",
           message=messages.message("processes.changed", process=process.name,
                                    fields=messages.field_names("process", sorted(recorded))))
    process_changed.send(process, changes=recorded, by=by)


def can_set_approvals_needed(user, process: Process) -> bool:
    """Four eyes is a rule over the steering group: administrators set it, not the people it binds."""
    return is_admin(user)


def _check_approvals_needed(count: int) -> None:
    low, high = APPROVALS_NEEDED_RANGE
    if not isinstance(count, int) or not low <= count <= high:
        raise Invalid(_("A plan version needs between %(low)d and %(high)d approvals.", low=low, high=high),
                      "approvals_needed")


@guarded(can_set_approvals_needed, ONLY_ADMINS_APPROVALS)
def set_approvals_needed(process: Process, count: int, *, by) -> None:
    """How many steering members other than the submitter approve a plan version (four eyes).

    A version already under review needs the new number from its next approval on.
    """
    _check_approvals_needed(count)
    if process.approvals_needed == count:
        return
    record("update", process, by=by, summary=f"approvals needed → {count}",
           message=messages.message("processes.approvals_needed", count=count),
           changes={"approvals_needed": [process.approvals_needed, count]})
    process.approvals_needed = count


def can_set_steering(user, process: Process) -> bool:
    """Administrators and the process's own steering group (a member of another process's group may not)."""
    return is_steering(user, process)


def steering_candidates() -> list[User]:
    """Who may join a steering group: active logins with the role "steering" (partners), by name."""
    return list(db.session.scalars(select(User).join(User.person).where(
        User.role == Role.STEERING, User.is_active_account.is_(True)).order_by(Person.name, User.id)))


@guarded(can_set_steering, ONLY_STEERING_MEMBERS)
def set_steering_members(process: Process, members: Iterable[User], *, by) -> None:
    """The process's steering group is exactly these users (each an active login with the role "steering");
    they decide in this process only. Administrators need no membership: they may act in every process."""
    members = list({user.id: user for user in members}.values())
    wrong = [user for user in members if user.role != Role.STEERING or not user.is_active_account]
    if wrong:
        raise Invalid(_("Only active logins with the role “steering group member” join a steering group."),
                      "user_ids")
    before = sorted(user.id for user in process.steering_members)
    after = sorted(user.id for user in members)
    if before == after:
        return
    process.steering_members = sorted(members, key=lambda user: user.id)
    changes = {"steering": [before, after]}
    record("update", process, by=by, changes=changes, summary=f"{process.name}: steering group",
           message=messages.message("processes.steering_group", process=process.name))
    process_changed.send(process, changes=changes, by=by)


@guarded(can_set_phase, ONLY_STEERING)
def set_phase(process: Process, phase: Phase, *, by) -> None:
    if process.phase == phase:
        return
    record("update", process, by=by, summary=f"phase → {phase.value}",
           message=messages.message("processes.phase", phase=messages.enum_value("phase", phase)),
           changes={"phase": [process.phase.value, phase.value]})
    process.phase = phase


@dataclass
class ProcessFigures:
    """Definitions shared by overview, dashboards, API stats and the plan document:

    organizations: steering partners and organisations with a current hub membership;
    people: distinct people who attended at least one session that was not cancelled;
    sessions: sessions not cancelled (held and planned);
    working_hours: for each session not cancelled, attendees × duration, summed;
    ideas: every measure ever raised in the process, whatever its status now.
    """

    organizations: int = 0
    people: int = 0
    sessions: int = 0
    sessions_held: int = 0
    sessions_planned: int = 0
    working_hours: float = 0.0
    ideas: int = 0
    by_status: dict[MeasureStatus, int] = field(default_factory=dict)
    focus_projects: int = 0


def figures(process: Process) -> ProcessFigures:
    organizations = union(
        select(process_partner.c.organization_id).where(process_partner.c.process_id == process.id),
        select(HubMembership.organization_id).where(
            HubMembership.process_id == process.id, HubMembership.left_at.is_(None)
        ),
    ).subquery()
    result = ProcessFigures()
    result.organizations = db.session.scalar(select(func.count()).select_from(organizations)) or 0

    # The same rows as every other attendee count and working-hours figure (one definition).
    attended = attended_rows(process.id).subquery()
    people, minutes = db.session.execute(
        select(func.count(distinct(attended.c.person_id)), func.coalesce(func.sum(attended.c.duration_minutes), 0))
    ).one()
    result.people = people
    result.working_hours = round(minutes / 60, 1)

    for status, count in db.session.execute(
        select(Session.status, func.count()).where(Session.process_id == process.id).group_by(Session.status)
    ):
        if status == SessionStatus.HELD:
            result.sessions_held = count
        elif status == SessionStatus.PLANNED:
            result.sessions_planned = count
    result.sessions = result.sessions_held + result.sessions_planned

    for status, focus, count in db.session.execute(
        select(Measure.status, Measure.is_focus_project, func.count())
        .where(Measure.process_id == process.id)
        .group_by(Measure.status, Measure.is_focus_project)
    ):
        result.by_status[status] = result.by_status.get(status, 0) + count
        result.ideas += count
        if focus and status not in (MeasureStatus.MERGED, MeasureStatus.REJECTED, MeasureStatus.WITHDRAWN):
            result.focus_projects += count
    return result


def phase_timeline(process: Process) -> list[tuple[Phase, str]]:
    """Each phase with its state relative to the current one: done, current or upcoming."""
    current = process.phase.position
    return [
        (phase, "done" if phase.position < current else "current" if phase.position == current else "upcoming")
        for phase in Phase
    ]


def phase_dates(process: Process) -> dict[Phase, tuple[date, date]]:
    """{phase: (first day, last day)} for the phases that have dates."""
    return {p.phase: (p.starts_on, p.ends_on) for p in process.phase_dates}

