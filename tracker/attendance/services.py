"""Attendance rules: who is invited, status changes in the room, walk-ins and working hours.

Every write is a guarded action: the roll call, the API, the importer and any command reach the
same refusal for who may not keep a session's attendance; views check `action.allowed` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, distinct, exists, func, select, union

from tracker.attendance.signals import attendees_invited
from tracker.audit.services import record as audit
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.hubs.models import HubMembership, membership_delegate
from tracker.organizations.models import Organization, OrganizationType, Person
from tracker.organizations.services import find_or_create_organization, find_or_create_person
from tracker.permissions import can_edit_session, guarded
from tracker.privacy.rules import refuse_anonymised
from tracker.processes.models import Process, process_partner
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionKind, SessionStatus

ROLL_CALL_STATUSES = (AttendanceStatus.ATTENDED, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)
ANSWERS = (AttendanceStatus.REGISTERED, AttendanceStatus.EXCUSED)  # what invitees say themselves
_STATUS_VALUES = {status.value: status for status in AttendanceStatus}
ORGANISERS_ONLY = _l("Only the hub's moderators or the steering group keep the attendance of this session.")


def can_keep_attendance(user, session: Session) -> bool:
    """Who invites, takes the roll call, records and imports: whoever may edit the session."""
    return can_edit_session(user, session)


def _can_change(user, attendance: Attendance) -> bool:
    return can_keep_attendance(user, attendance.session)


def parse_status(value) -> AttendanceStatus | None:
    """The status named by a submitted value, or None for anything else."""
    return _STATUS_VALUES.get(value) if isinstance(value, str) else None


def normalise_email(value: str | None) -> str | None:
    """Lower-cased, syntax-checked email, or None when empty; Invalid (field email) otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid(_("Please enter a valid email address."), "email") from error
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


@guarded(can_keep_attendance, ORGANISERS_ONLY)
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
    audit("invite_all", session, by=by, summary=f"{len(new_ids)} invited", changes={"invited_person_ids": new_ids})
    db.session.expire(session, ["attendances"])
    attendees_invited.send(session, attendances=list(db.session.scalars(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.person_id.in_(new_ids)))), by=by)
    return len(new_ids)


# --- statuses -----------------------------------------------------------------------------------

def _apply(attendance: Attendance, status: AttendanceStatus, *, by) -> bool:
    """Change one person's status and audit it; returns whether anything changed."""
    if attendance.status == status:
        return False
    audit("update", attendance, by=by, summary=f"{attendance.person.name}: {status.value}",
          changes={"status": [attendance.status, status]})
    attendance.status = status
    return True


def _ensure(session: Session, person: Person, status: AttendanceStatus | None, *, by) -> tuple[Attendance, bool]:
    """The person's attendance of the session, created (default invited) or set to status; and whether it changed.

    Anonymised people are not added to a session (Invalid); an attendance they had keeps counting.
    """
    attendance = db.session.scalar(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.person_id == person.id)
    )
    if attendance is None:
        refuse_anonymised(person, "person_id")
        attendance = Attendance(session_id=session.id, person=person, status=status or AttendanceStatus.INVITED)
        db.session.add(attendance)
        db.session.flush()
        audit("create", attendance, by=by, summary=f"{person.name}: {attendance.status.value}",
              changes={"session_id": session.id, "person_id": person.id, "status": attendance.status})
        return attendance, True
    return attendance, status is not None and _apply(attendance, status, by=by)


@guarded(_can_change, ORGANISERS_ONLY)
def set_status(attendance: Attendance, status: AttendanceStatus, *, by) -> bool:
    """Change one person's status (a click in the roll call); returns whether anything changed."""
    return _apply(attendance, status, by=by)


@guarded(can_keep_attendance, ORGANISERS_ONLY)
def set_statuses(session: Session, statuses: dict[int, AttendanceStatus], *, by) -> int:
    """Apply {attendance id: status} for attendances of this session; other ids are ignored."""
    if not statuses:
        return 0
    changed = 0
    for attendance in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.id.in_(list(statuses)))
    ):
        changed += _apply(attendance, statuses[attendance.id], by=by)
    return changed


@guarded(can_keep_attendance, ORGANISERS_ONLY)
def record(session: Session, entries: Iterable[tuple[Person, AttendanceStatus | None]], *, by) -> int:
    """Set each listed person's status; people not yet on the list are added, everyone else keeps theirs.

    A status of None adds a person as invited and leaves an existing status alone (an imported
    list without a status column). Returns the number of attendances created or changed.
    """
    changed = 0
    for person, status in entries:
        changed += _ensure(session, person, status, by=by)[1]
    return changed


def answer_invitation(attendance: Attendance, status: AttendanceStatus) -> bool:
    """An invitee's own answer from the signed link of their invitation: registered or excused.

    The link is the right (the mail views check its signature and expiry); nobody is logged in.
    """
    if status not in ANSWERS:
        raise Invalid(_("An invitation is answered with “registered” or “excused”."), "status")
    return _apply(attendance, status, by=None)


@guarded(can_keep_attendance, ORGANISERS_ONLY)
def add_walk_in(session: Session, *, name: str, email: str | None, organization: Organization | None = None,
                new_organization: str | None = None,
                new_organization_type: OrganizationType | None = None, by) -> Attendance:
    """Someone came without invitation: find or create them (and their organisation), mark attended."""
    email = normalise_email(email)
    if organization is not None and new_organization and new_organization.strip():
        raise Invalid(_("Choose an existing organisation or name a new one, not both."), "new_organization")
    if organization is None and new_organization and new_organization.strip():
        organization, _created = find_or_create_organization(
            new_organization, type=new_organization_type or OrganizationType.COMPANY, by=by)
    person, _created = find_or_create_person(name, email, organization, by=by)
    return _ensure(session, person, AttendanceStatus.ATTENDED, by=by)[0]


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
