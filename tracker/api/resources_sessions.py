"""API endpoints over sessions and attendance, through the same services as the web pages."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select

from tracker.api.core import PAGE_QUERY, ApiError, endpoint, get_or_404, get_referenced, paginated, require_api
from tracker.api.schemas import AttendanceEntry, AttendanceList, AttendanceOut, SessionIn, SessionOut, SessionPatch
from tracker.api.schemas import to_local_naive as local
from tracker.attendance import services as attendance
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.organizations.models import Person
from tracker.permissions import (
    can_edit_session,
    can_manage_hub,
    can_view_process,
    can_view_session,
    current_hub_id,
    is_internal,
    is_steering,
)
from tracker.processes.models import Process
from tracker.sessions import services
from tracker.sessions.models import Attendance, Session, SessionKind, SessionStatus


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
    "hub_id": {"schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}, "description": "only this hub"},
    "status": {"schema": {"type": "string", "enum": [s.value for s in SessionStatus]}},
}


@endpoint("/processes/{process_id}/sessions", "GET", "List the sessions of a process", response=SessionOut,
          query=SESSION_QUERY, errors=(403,), tag="sessions")
def list_sessions(process_id: int):
    process = get_or_404(Process, process_id, "Process")
    require_api(can_view_process(current_user, process))
    statement = select(Session).where(Session.process_id == process.id).order_by(Session.starts_at, Session.id)
    hub_id = request.args.get("hub_id")
    if hub_id is not None:
        if not hub_id.isdigit():
            raise ApiError(400, "validation_error", "hub_id must be a number.", {"hub_id": "not a number"})
        statement = statement.where(Session.hub_id == int(hub_id))
    status = request.args.get("status")
    if status is not None:
        if status not in {s.value for s in SessionStatus}:
            raise ApiError(400, "validation_error", "Unknown status.", {"status": "unknown"})
        statement = statement.where(Session.status == SessionStatus(status))
    if not is_internal(current_user, process):  # the rule of can_view_session, in SQL
        own_hub = current_hub_id(current_user, process)
        statement = statement.where(Session.hub_id.is_(None) | (Session.hub_id == own_hub))
    return paginated(statement, session_json,
                     prepare=lambda sessions: attendance.totals_of_sessions(process, [s.id for s in sessions]))


@endpoint("/processes/{process_id}/sessions", "POST", "Schedule a session (hub workshops are numbered)",
          body=SessionIn, response=SessionOut, errors=(403, 409), tag="sessions", status=201)
def create_session(process_id: int, data: SessionIn):
    process = get_or_404(Process, process_id, "Process")
    hub = get_referenced(Hub, data.hub_id, "hub_id", "Hub") if data.hub_id else None
    if hub is not None and hub.process_id != process.id:
        raise ApiError(400, "validation_error", "The hub belongs to another process.", {"hub_id": "other process"})
    require_api(can_manage_hub(current_user, hub) if hub else is_steering(current_user, process),
                "Only the hub's moderators or the steering group schedule here.")
    try:
        session = services.schedule(process, by=current_user, hub=hub, kind=data.kind, title=data.title,
                                    starts_at=local(data.starts_at), ends_at=local(data.ends_at),
                                    location=data.location, agenda=data.agenda)
    except services.SessionProblem as problem:
        raise ApiError(400, "validation_error", str(problem), {problem.field or "kind": str(problem)}) from None
    db.session.commit()
    return session_json(session)


@endpoint("/sessions/{session_id}", "GET", "A session with its attendance figures", response=SessionOut,
          errors=(403,), tag="sessions")
def get_session(session_id: int):
    session = get_or_404(Session, session_id, "Session")
    require_api(can_view_session(current_user, session))
    return session_json(session)


@endpoint("/sessions/{session_id}", "PATCH", "Change a session (send the version you read)", body=SessionPatch,
          response=SessionOut, errors=(403, 409), tag="sessions")
def patch_session(session_id: int, data: SessionPatch):
    session = get_or_404(Session, session_id, "Session")
    require_api(can_edit_session(current_user, session), "Only the hub's moderators or the steering group edit it.")
    fields = data.model_dump(exclude_unset=True, exclude={"version", "status"})
    for name in ("starts_at", "ends_at"):
        if fields.get(name) is not None:
            fields[name] = local(fields[name])
    fields = {k: v for k, v in fields.items() if v is not None}
    try:
        services.update(session, by=current_user, expected_version=data.version, **fields)
    except services.StaleVersion:
        raise ApiError(409, "stale_version", f"The session changed in the meantime; its version is now "
                                             f"{session.version}. Read it again and retry.",
                       {"version": f"current is {session.version}"}) from None
    except services.SessionProblem as problem:
        raise ApiError(400, "validation_error", str(problem), {problem.field or "body": str(problem)}) from None
    if data.status is not None:
        services.set_status(session, data.status, by=current_user)
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
          body=AttendanceList, response=AttendanceOut, errors=(403,), tag="sessions")
def put_attendance(session_id: int, data: AttendanceList):
    session = get_or_404(Session, session_id, "Session")
    require_api(can_edit_session(current_user, session), "Only the hub's moderators or the steering group record it.")
    entries = {entry.person_id: entry.status for entry in data.root}
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(entries)))} if entries else {}
    unknown = sorted(set(entries) - set(people))
    if unknown:
        raise ApiError(400, "validation_error", f"Unknown people: {unknown}.", {"person_id": f"unknown: {unknown}"})
    for person_id, status in entries.items():
        attendance.ensure_attendance(session, people[person_id], status, by=current_user)
    db.session.commit()
    return attendance_json(session)


@endpoint("/sessions/{session_id}/attendance", "GET", "The attendance of a session", response=AttendanceOut,
          errors=(403,), tag="sessions")
def get_attendance(session_id: int):
    session = get_or_404(Session, session_id, "Session")
    require_api(can_edit_session(current_user, session), "Attendance lists are for the hub's moderators and steering.")
    return attendance_json(session)


__all__ = ["SessionKind"]
