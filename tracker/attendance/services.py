"""Attendance rules: who is invited, status changes in the room, walk-ins and working hours.

Web, API and CLI share these; views only load, check access and call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, distinct, exists, func, select, union

from tracker.attendance.signals import attendees_invited
from tracker.audit.services import record
from tracker.extensions import db
from tracker.hubs.models import HubMembership, membership_delegate
from tracker.organizations.models import Organization, OrganizationType, Person
from tracker.organizations.services import find_or_create_organization, find_or_create_person
from tracker.processes.models import Process, process_partner
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionKind, SessionStatus

ROLL_CALL_STATUSES = (AttendanceStatus.ATTENDED, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)
_STATUS_VALUES = {status.value: status for status in AttendanceStatus}


def parse_status(value) -> AttendanceStatus | None:
    """The status named by a submitted value, or None for anything else."""
    return _STATUS_VALUES.get(value) if isinstance(value, str) else None


class InvalidEmail(ValueError):
    """An email address that cannot be stored."""


def normalise_email(value: str | None) -> str | None:
    """Lower-cased, syntax-checked email, or None when empty; raises InvalidEmail."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from error
    return checked.normalized.lower()


# --- inviting -----------------------------------------------------------------------------------

def invitee_ids(session: Session) -> Select:
    """Ids of the people a session is for.

    Hub workshop: the delegates of the hub's current member organisations; an organisation
    without delegates is represented by all its people. Process-wide events (kickoff, plenary,
    prioritisation): the same for every hub of the process. Steering meetings: the people of
    the process's steering partners. Anonymised people are never invited.
    """
    if session.kind == SessionKind.STEERING and session.hub_id is None:
        people = select(Person.id).join(
            process_partner, process_partner.c.organization_id == Person.organization_id
        ).where(process_partner.c.process_id == session.process_id, Person.anonymised_at.is_(None))
        return people

    memberships = select(HubMembership.id, HubMembership.organization_id).where(
        HubMembership.process_id == session.process_id, HubMembership.left_at.is_(None)
    )
    if session.hub_id is not None:
        memberships = memberships.where(HubMembership.hub_id == session.hub_id)
    memberships = memberships.subquery()
    delegates = select(membership_delegate.c.person_id.label("person_id")).join(
        memberships, memberships.c.id == membership_delegate.c.membership_id
    )
    without_delegates = select(memberships.c.organization_id).where(
        ~exists().where(membership_delegate.c.membership_id == memberships.c.id)
    )
    people_of_those = select(Person.id.label("person_id")).where(Person.organization_id.in_(without_delegates))
    candidates = union(delegates, people_of_those).subquery()
    return select(Person.id).where(Person.id.in_(select(candidates.c.person_id)), Person.anonymised_at.is_(None))


def invite_all(session: Session, *, by) -> int:
    """Create an 'invited' attendance for everyone the session is for who has none yet.

    Existing attendances keep their status; the unique (session, person) constraint makes a
    second run (or a concurrent one) add nobody twice. Returns the number of new invitations.
    """
    already = select(Attendance.person_id).where(Attendance.session_id == session.id)
    new_ids = list(db.session.scalars(
        invitee_ids(session).where(Person.id.not_in(already)).order_by(Person.id)
    ))
    if not new_ids:
        return 0
    db.session.execute(
        Attendance.__table__.insert(),
        [{"session_id": session.id, "person_id": person_id, "status": AttendanceStatus.INVITED.value}
         for person_id in new_ids],
    )
    record("invite_all", session, by=by, summary=f"{len(new_ids)} invited",
           changes={"invited_person_ids": new_ids})
    db.session.expire(session, ["attendances"])
    attendees_invited.send(session, attendances=list(db.session.scalars(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.person_id.in_(new_ids)))), by=by)
    return len(new_ids)


# --- statuses -----------------------------------------------------------------------------------

def set_status(attendance: Attendance, status: AttendanceStatus, *, by) -> bool:
    """Change one person's status; returns whether anything changed."""
    if attendance.status == status:
        return False
    record("update", attendance, by=by, summary=f"{attendance.person.name}: {status.value}",
           changes={"status": [attendance.status, status]})
    attendance.status = status
    return True


def set_statuses(session: Session, statuses: dict[int, AttendanceStatus], *, by) -> int:
    """Apply {attendance id: status} for attendances of this session; other ids are ignored."""
    if not statuses:
        return 0
    changed = 0
    for attendance in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.id.in_(list(statuses)))
    ):
        changed += set_status(attendance, statuses[attendance.id], by=by)
    return changed


def ensure_attendance(session: Session, person: Person, status: AttendanceStatus | None, *, by) -> Attendance:
    """The person's attendance of the session, created (default invited) or set to status."""
    attendance = db.session.scalar(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.person_id == person.id)
    )
    if attendance is None:
        attendance = Attendance(session_id=session.id, person=person, status=status or AttendanceStatus.INVITED)
        db.session.add(attendance)
        db.session.flush()
        record("create", attendance, by=by, summary=f"{person.name}: {attendance.status.value}",
               changes={"session_id": session.id, "person_id": person.id, "status": attendance.status})
    elif status is not None:
        set_status(attendance, status, by=by)
    return attendance


def add_walk_in(session: Session, *, name: str, email: str | None, organization: Organization | None = None,
                new_organization: str | None = None,
                new_organization_type: OrganizationType | None = None, by) -> Attendance:
    """Someone came without invitation: find or create them (and their organisation), mark attended."""
    email = normalise_email(email)
    if organization is None and new_organization and new_organization.strip():
        organization, _created = find_or_create_organization(
            new_organization, type=new_organization_type or OrganizationType.COMPANY, by=by)
    person, _created = find_or_create_person(name, email, organization, by=by)
    return ensure_attendance(session, person, AttendanceStatus.ATTENDED, by=by)


# --- counts and working hours ---------------------------------------------------------------------

def attended_rows(process_id: int) -> Select:
    """The one definition behind every attendee count and working-hours figure.

    One row per attendance with status attended in a session of the process that was not
    cancelled: person, session, hub and the session's duration in minutes. Working hours are
    the sum of those durations (attendees × duration per session) divided by 60.
    """
    return (
        select(Attendance.person_id, Attendance.session_id, Session.hub_id, Session.duration_minutes)
        .join(Session, Session.id == Attendance.session_id)
        .where(Session.process_id == process_id, Session.status != SessionStatus.CANCELLED,
               Attendance.status == AttendanceStatus.ATTENDED)
    )


@dataclass(frozen=True)
class Totals:
    attendees: int = 0  # attendances (a person at two sessions counts twice)
    people: int = 0  # distinct people
    minutes: int = 0

    @property
    def working_hours(self) -> float:
        return round(self.minutes / 60, 2)


def _filtered(process: Process, hub_id: int | None, session_id: int | None, session_ids: list[int] | None = None):
    query = attended_rows(process.id)
    if hub_id is not None:
        query = query.where(Session.hub_id == hub_id)
    if session_id is not None:
        query = query.where(Attendance.session_id == session_id)
    if session_ids is not None:
        query = query.where(Attendance.session_id.in_(session_ids))
    return query.subquery()


def _measures(rows):
    return (func.count(), func.count(distinct(rows.c.person_id)),
            func.coalesce(func.sum(rows.c.duration_minutes), 0))


def totals(process: Process, *, hub_id: int | None = None, session_id: int | None = None) -> Totals:
    """Attendees, distinct people and working hours of the process (or one hub, or one session)."""
    rows = _filtered(process, hub_id, session_id)
    attendees, people, minutes = db.session.execute(select(*_measures(rows))).one()
    return Totals(attendees=attendees, people=people, minutes=int(minutes))


def totals_by(process: Process, by: Literal["hub", "session"], *,
              session_ids: list[int] | None = None) -> dict[int | None, Totals]:
    """The same figures grouped by hub (None = process-wide events) or by session, in one query;
    session_ids limits them to those sessions.

    Groups without attendees are absent: look them up with .get(key, Totals()).
    """
    rows = _filtered(process, None, None, session_ids)
    key = rows.c.hub_id if by == "hub" else rows.c.session_id
    return {
        row_key: Totals(attendees=attendees, people=people, minutes=int(minutes))
        for row_key, attendees, people, minutes in db.session.execute(select(key, *_measures(rows)).group_by(key))
    }


def totals_of_sessions(process: Process, session_ids: list[int]) -> dict[int, Totals]:
    """{session id: Totals} for a list of sessions in one query; every id is present."""
    if not session_ids:
        return {}
    found = totals_by(process, "session", session_ids=session_ids)
    return {session_id: found.get(session_id, Totals()) for session_id in session_ids}


def status_counts(session_ids: list[int]) -> dict[int, dict[AttendanceStatus, int]]:
    """{session id: {status: count}} for a list of sessions, one grouped query."""
    result: dict[int, dict[AttendanceStatus, int]] = {session_id: {} for session_id in session_ids}
    if not session_ids:
        return result
    for session_id, status, count in db.session.execute(
        select(Attendance.session_id, Attendance.status, func.count())
        .where(Attendance.session_id.in_(session_ids)).group_by(Attendance.session_id, Attendance.status)
    ):
        result[session_id][status] = count
    return result


def session_totals(session: Session) -> Totals:
    """Attendees and working hours of one session (zero when it was cancelled)."""
    return totals(session.process, session_id=session.id)
