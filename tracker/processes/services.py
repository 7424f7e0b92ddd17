"""Processes: creating one (administrators), setting its phase (steering), its four eyes (administrators),
and its figures.

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
from tracker.processes.models import APPROVALS_NEEDED_DEFAULT, APPROVALS_NEEDED_RANGE, Phase, Process, process_partner
from tracker.sessions.models import Session, SessionStatus

ONLY_ADMINS = _l("Only administrators create processes.")
ONLY_STEERING = _l("Only the steering group sets the phase of the process.")
ONLY_ADMINS_APPROVALS = _l("Only administrators set how many approvals a plan version needs.")


def can_create_processes(user) -> bool:
    return is_admin(user)


def create_process(*, by, name: str, city: str, starts_on: date, ends_on: date, phase: Phase = Phase.PREPARATION,
                   purpose: str = "", foreword: str = "", contact_email: str | None = None,
                   approvals_needed: int = APPROVALS_NEEDED_DEFAULT) -> Process:
    """A new masterplan process; it may not end before it starts."""
    if not can_create_processes(by):
        raise NotAllowed(ONLY_ADMINS)
    name, city = clean_name(name), clean_name(city)
    if not name:
        raise Invalid(_("Please give the process a name."), "name")
    if not city:
        raise Invalid(_("Please give the city."), "city")
    if ends_on < starts_on:
        raise Invalid(_("The process cannot end before it starts."), "ends_on")
    _check_approvals_needed(approvals_needed)
    process = Process(name=name, city=city, starts_on=starts_on, ends_on=ends_on, phase=phase, purpose=purpose or "",
                      foreword=foreword or "", contact_email=(contact_email or "").strip() or None,
                      approvals_needed=approvals_needed)
    db.session.add(process)
    db.session.flush()
    record("create", process, by=by, summary=process.name)
    return process


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
           changes={"approvals_needed": [process.approvals_needed, count]})
    process.approvals_needed = count


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

