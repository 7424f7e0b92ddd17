"""API endpoints over sessions and attendance: thin adapters over the same services as the web pages.

Each endpoint loads its object (404) and checks the right on it (403) before it reads the body.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select

from tracker.api.core import PAGE_QUERY, endpoint, paginated, referenced, referenced_all
from tracker.api.schemas import (
    AttendanceEntry,
    AttendanceList,
    AttendanceOut,
    SessionIn,
    SessionOut,
    SessionPatch,
    YearSessionOut,
)
from tracker.api.schemas import to_local_naive as local
from tracker.arguments import object_id
from tracker.attendance import services as attendance
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.organizations.models import Person
from tracker.permissions import MAX_ID, can_view_process, can_view_session
from tracker.processes.models import Process
from tracker.sessions import services as sessions_services
from tracker.sessions.models import Attendance, Session, SessionStatus
from tracker.sessions.queries import visible_sessions, with_details, year_sessions


def session_json(session: Session, totals: attendance.Totals | None = None) -> dict:
    if totals is None:
        totals = attendance.session_totals(session)
    return SessionOut(
        id=session.id, process_id=session.process_id, hub_id=session.hub_id, kind=session.kind, number=session.number,
        status=session.status, title=session.title, starts_at=session.starts_at, ends_at=session.ends_at,
        location=session.location, agenda=session.agenda, minutes_status=session.minutes_status.value,
        version=session.version, attendees=totals.attendees, working_hours=totals.working_hours,
    ).model_dump(mode="json")


SESSION_QUERY = PAGE_QUERY | {
    "hub_id": {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "description": "only this hub"},
    "status": {"schema": {"type": "string", "enum": [s.value for s in SessionStatus]}},
}


@endpoint("/processes/{process_id}/sessions", "GET", "List the sessions of a process the caller may see",
          load=(Process, "process_id"), check=can_view_process, response=SessionOut, query=SESSION_QUERY,
          tag="sessions")
def list_sessions(process: Process):
    statement = visible_sessions(current_user, process)
    if "hub_id" in request.args:
        hub_id = object_id(request.args["hub_id"])
        if hub_id is None:
            raise Invalid("hub_id must be a number.", "hub_id")
        statement = statement.where(Session.hub_id == hub_id)
    status = request.args.get("status")
    if status is not None:
        if status not in {s.value for s in SessionStatus}:
            raise Invalid("Unknown status.", "status")
        statement = statement.where(Session.status == SessionStatus(status))
    return paginated(statement, session_json,
                     prepare=lambda sessions: attendance.totals_of_sessions(process, [s.id for s in sessions]))


@endpoint("/processes/{process_id}/year", "GET", "Every hub's sessions of the process by title, date and hub, as "
          "the year view shows them (never steering meetings but for the steering group); `details` tells which "
          "the caller may open", load=(Process, "process_id"), check=can_view_process, response=YearSessionOut,
          query=PAGE_QUERY, tag="sessions")
def year(process: Process):
    details = with_details(current_user, process)
    return paginated(year_sessions(current_user, process), lambda s: YearSessionOut(
        id=s.id, hub_id=s.hub_id, kind=s.kind, status=s.status, title=s.title, starts_at=s.starts_at,
        ends_at=s.ends_at, details=s.id in details).model_dump(mode="json"))


@endpoint("/processes/{process_id}/sessions", "POST", "Schedule a session (hub workshops are numbered)",
          load=(Process, "process_id"), check=sessions_services.schedule, body=SessionIn, response=SessionOut,
          tag="sessions", status=201)
def create_session(process: Process, data: SessionIn):
    session = sessions_services.schedule(
        process, by=current_user, hub=referenced(Hub, data.hub_id, "hub_id"), kind=data.kind, title=data.title,
        starts_at=local(data.starts_at), ends_at=local(data.ends_at), location=data.location, agenda=data.agenda)
    db.session.commit()
    return session_json(session)


@endpoint("/sessions/{session_id}", "GET", "A session with its attendance figures", load=(Session, "session_id"),
          check=can_view_session, response=SessionOut, tag="sessions")
def get_session(session: Session):
    return session_json(session)


@endpoint("/sessions/{session_id}", "PATCH", "Change a session (send the version you read)",
          load=(Session, "session_id"), check=sessions_services.update, body=SessionPatch, response=SessionOut,
          errors=(409,), tag="sessions")
def patch_session(session: Session, data: SessionPatch):
    fields = data.model_dump(exclude_unset=True, exclude={"version", "status"})
    fields = {name: local(value) if name in ("starts_at", "ends_at") else value
              for name, value in fields.items() if value is not None}
    sessions_services.update(session, by=current_user, expected_version=data.version, **fields)
    if data.status is not None:
        sessions_services.set_status(session, data.status, by=current_user)
    db.session.commit()
    return session_json(session)


def attendance_json(session: Session) -> dict:
    rows = db.session.scalars(select(Attendance).where(Attendance.session_id == session.id)
                              .order_by(Attendance.person_id))
    totals = attendance.session_totals(session)
    return AttendanceOut(session_id=session.id, attendance=[AttendanceEntry(person_id=a.person_id, status=a.status)
                                                            for a in rows],
                         attendees=totals.attendees, working_hours=totals.working_hours).model_dump(mode="json")


@endpoint("/sessions/{session_id}/attendance", "PUT", "Record attendance: set each listed person's status",
          load=(Session, "session_id"), check=attendance.record, body=AttendanceList, response=AttendanceOut,
          tag="sessions")
def put_attendance(session: Session, data: AttendanceList):
    people = {p.id: p for p in referenced_all(Person, [entry.person_id for entry in data.root], "person_id")}
    attendance.record(session, [(people[entry.person_id], entry.status) for entry in data.root], by=current_user)
    db.session.commit()
    return attendance_json(session)


@endpoint("/sessions/{session_id}/attendance", "GET", "The attendance of a session", load=(Session, "session_id"),
          check=attendance.can_keep_attendance, response=AttendanceOut, tag="sessions")
def get_attendance(session: Session):
    return attendance_json(session)
