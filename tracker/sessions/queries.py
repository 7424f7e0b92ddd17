"""Reading sessions (no rules about writes, no writes): what a user may see, and what a session page lists."""

from __future__ import annotations

from collections import defaultdict
from datetime import MAXYEAR, date, datetime

from sqlalchemy import ColumnElement, Row, Select, false, select, true
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.hubs.models import Hub, HubMembership
from tracker.measures.models import Measure
from tracker.organizations.models import Organization, Person
from tracker.permissions import current_hub_id, is_internal, is_steering
from tracker.processes.models import LONGEST_YEARS, Process
from tracker.sessions.models import ActionItem, Attendance, Session, SessionKind


def visibility(user, process: Process) -> ColumnElement[bool]:
    """`permissions.can_view_session` as an SQL condition on Session, for the sessions of one process.

    Steering meetings: steering and admins only; other sessions: partners all, companies the
    process-wide ones and their own hub's.
    """
    if is_steering(user, process):
        return true()
    no_steering_meeting = Session.kind != SessionKind.STEERING
    if is_internal(user, process):
        return no_steering_meeting
    if not getattr(user, "is_authenticated", False):
        return false()
    own_hub = current_hub_id(user, process)
    return no_steering_meeting & (Session.hub_id.is_(None) | (Session.hub_id == own_hub))


def visible_sessions(user, process: Process) -> Select[tuple[Session]]:
    """The sessions of the process the user may see, in date order (add filters, limits, pages)."""
    return (select(Session).where(Session.process_id == process.id, visibility(user, process))
            .order_by(Session.starts_at, Session.id))


def year_sessions(user, process: Process) -> Select[tuple[Session]]:
    """The year view: everyone who sees the process sees every hub's sessions by title, date and hub (never
    steering meetings, unless they may see those); the details stay with `visibility`."""
    if is_steering(user, process):
        condition = true()
    elif getattr(user, "is_authenticated", False):
        condition = Session.kind != SessionKind.STEERING
    else:
        condition = false()
    return (select(Session).where(Session.process_id == process.id, condition)
            .order_by(Session.starts_at, Session.id))


def with_details(user, process: Process) -> set[int]:
    """Ids of the process's sessions whose page the user may open (`visibility`), for the year view's links."""
    return set(db.session.scalars(select(Session.id).where(Session.process_id == process.id,
                                                           visibility(user, process))))


def hubs_in_order(process: Process) -> list[Hub]:
    return list(db.session.scalars(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position, Hub.id)))


def months_of(process: Process) -> list[datetime]:
    """The first day of every month of the process period; whatever dates are stored, at most the months of
    LONGEST_YEARS years, and none after the last month a date can have."""
    months: list[datetime] = []
    year, month = process.starts_on.year, process.starts_on.month
    while len(months) <= LONGEST_YEARS * 12 and date(year, month, 1) <= process.ends_on:
        months.append(datetime(year, month, 1))
        if (year, month) == (MAXYEAR, 12):
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def by_hub_and_month(sessions: list[Session]) -> dict[tuple[int | None, tuple[int, int]], list[Session]]:
    """{(hub id or None, (year, month)): sessions} for the year grid."""
    grid: dict[tuple[int | None, tuple[int, int]], list[Session]] = defaultdict(list)
    for session in sessions:
        grid[(session.hub_id, (session.starts_at.year, session.starts_at.month))].append(session)
    return grid


def attendance_rows(session: Session) -> list[Row]:
    """Everyone on the session's list by name: name, organisation (name) and status, in one query."""
    return list(db.session.execute(
        select(Person.name, Organization.name.label("organization"), Attendance.status)
        .join(Person, Person.id == Attendance.person_id)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Attendance.session_id == session.id).order_by(Person.name)
    ))


def idea_rows(session: Session) -> list[Row]:
    """The ideas raised in the session (id, title, status), in the order they were recorded."""
    return list(db.session.execute(
        select(Measure.id, Measure.title, Measure.status).where(Measure.session_id == session.id).order_by(Measure.id)))


def action_items_of(session: Session) -> list[ActionItem]:
    """The session's action items: open ones first, then by due date."""
    return list(db.session.scalars(select(ActionItem).where(ActionItem.session_id == session.id)
                                   .options(joinedload(ActionItem.owner))
                                   .order_by(ActionItem.done, ActionItem.due_on, ActionItem.id)))


def possible_owners(session: Session) -> list[Person]:
    """Who can own an action item: the session's participants and the delegates of its hub's members."""
    people = {a.person for a in session.attendances}
    if session.hub_id:
        people |= set(db.session.scalars(select(Person).join(HubMembership.delegates).where(
            HubMembership.hub_id == session.hub_id, HubMembership.left_at.is_(None))))
    return sorted((p for p in people if p.anonymised_at is None), key=lambda p: (p.name, p.id))


def member_organizations(hub: Hub | None) -> list[Organization]:
    """The current member organisations of a hub, by name (none for a process-wide event)."""
    if hub is None:
        return []
    return list(db.session.scalars(
        select(Organization).join(HubMembership, HubMembership.organization_id == Organization.id)
        .where(HubMembership.hub_id == hub.id, HubMembership.left_at.is_(None)).order_by(Organization.name)
    ))
