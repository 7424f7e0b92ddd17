"""Processes: creating one (administrators), setting its phase (steering), and its figures.

Each figure is one aggregate query whatever the size of the process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select, union

from tracker.attendance.services import attended_rows
from tracker.audit.services import record
from tracker.errors import Invalid, NotAllowed
from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.measures.models import Measure, MeasureStatus
from tracker.organizations.names import clean_name
from tracker.permissions import can_set_phase, guarded, is_admin
from tracker.processes.models import (
    EARLIEST_START_YEAR,
    LONGEST_YEARS,
    Phase,
    Process,
    longer_than_allowed,
    process_partner,
)
from tracker.sessions.models import Session, SessionStatus

ONLY_ADMINS = _l("Only administrators create processes.")
ONLY_STEERING = _l("Only the steering group sets the phase of the process.")


def can_create_processes(user) -> bool:
    return is_admin(user)


def create_process(*, by, name: str, city: str, starts_on: date, ends_on: date, phase: Phase = Phase.PREPARATION,
                   purpose: str = "", foreword: str = "", contact_email: str | None = None) -> Process:
    """A new masterplan process; it may not end before it starts, nor last more than LONGEST_YEARS years."""
    if not can_create_processes(by):
        raise NotAllowed(ONLY_ADMINS)
    name, city = clean_name(name), clean_name(city)
    if not name:
        raise Invalid(_("Please give the process a name."), "name")
    if not city:
        raise Invalid(_("Please give the city."), "city")
    check_period(starts_on, ends_on)
    process = Process(name=name, city=city, starts_on=starts_on, ends_on=ends_on, phase=phase, purpose=purpose or "",
                      foreword=foreword or "", contact_email=(contact_email or "").strip() or None)
    db.session.add(process)
    db.session.flush()
    record("create", process, by=by, summary=process.name)
    return process


def check_period(starts_on: date, ends_on: date) -> None:
    """Refuse a period that ends before it starts, starts before EARLIEST_START_YEAR or lasts too long."""
    if starts_on.year < EARLIEST_START_YEAR:
        raise Invalid(_("A process starts in %(year)d or later.", year=EARLIEST_START_YEAR), "starts_on")
    if ends_on < starts_on:
        raise Invalid(_("The process cannot end before it starts."), "ends_on")
    if longer_than_allowed(starts_on, ends_on):
        raise Invalid(_("A process lasts at most %(years)d years.", years=LONGEST_YEARS), "ends_on")


@guarded(can_set_phase, ONLY_STEERING)
def set_phase(process: Process, phase: Phase, *, by) -> None:
    if process.phase == phase:
        return
    record("update", process, by=by, summary=f"phase → {phase.value}",
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

