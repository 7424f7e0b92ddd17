"""Rules of the workshop year: scheduling, minutes with revisions, action items, ideas from the room."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.audit.services import changed_fields, record
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.model_types import utcnow
from tracker.organizations.models import Organization, Person
from tracker.processes.models import Process
from tracker.sessions.models import ActionItem, MinutesRevision, MinutesStatus, Session, SessionKind, SessionStatus
from tracker.sessions.signals import minutes_approved, session_changed

EDITABLE = ("kind", "title", "starts_at", "ends_at", "location", "agenda", "decisions")


class SessionProblem(ValueError):
    """Input that cannot be saved; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleVersion(Exception):
    """Someone saved in between; `current` is what they saved."""

    def __init__(self, current: Session):
        super().__init__("stale version")
        self.current = current


def next_number(hub: Hub) -> int:
    """The next number in a hub's workshop series (cancelled sessions keep theirs)."""
    highest = db.session.scalar(select(func.max(Session.number)).where(Session.hub_id == hub.id,
                                                                       Session.kind == SessionKind.WORKSHOP))
    return (highest or 0) + 1


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise SessionProblem(_("The end must be after the start."), "ends_at")


def warnings_for(process: Process, hub_id: int | None, starts_at: datetime, ends_at: datetime,
                 exclude_id: int | None = None) -> list[str]:
    """Things worth a second look that do not stop the save: outside the period, overlapping its hub."""
    warnings = []
    if starts_at.date() < process.starts_on or ends_at.date() > process.ends_on:
        warnings.append(_("The session lies outside the process period (%(start)s – %(end)s).",
                          start=process.starts_on.strftime("%d.%m.%Y"), end=process.ends_on.strftime("%d.%m.%Y")))
    if hub_id is not None:
        overlapping = db.session.scalars(select(Session).where(
            Session.hub_id == hub_id, Session.id != (exclude_id or 0), Session.status != SessionStatus.CANCELLED,
            Session.starts_at < ends_at, Session.ends_at > starts_at,
        )).all()
        for other in overlapping:
            warnings.append(_("It overlaps with “%(title)s” of the same hub.", title=other.title))
    return warnings


def schedule(process: Process, *, by, hub: Hub | None, kind: SessionKind, title: str, starts_at: datetime,
             ends_at: datetime, location: str = "", agenda: str = "") -> Session:
    """Create a session; hub workshops get the next number of their hub's series."""
    _check_times(starts_at, ends_at)
    if kind == SessionKind.WORKSHOP and hub is None:
        raise SessionProblem(_("A hub workshop belongs to a hub."), "hub_id")
    if hub is not None and kind != SessionKind.WORKSHOP:
        raise SessionProblem(_("Only hub workshops belong to a hub; other kinds are process-wide."), "kind")
    session = Session(process=process, hub=hub, kind=kind, title=title, starts_at=starts_at, ends_at=ends_at,
                      location=location, agenda=agenda, status=SessionStatus.PLANNED,
                      number=next_number(hub) if hub is not None else None)
    db.session.add(session)
    db.session.flush()
    record("create", session, by=by, summary=title)
    return session


def update(session: Session, *, by, expected_version: int, **fields) -> None:
    """Change a session; refused with StaleVersion when someone saved in between."""
    if expected_version != session.version:
        raise StaleVersion(session)
    _check_times(fields.get("starts_at", session.starts_at), fields.get("ends_at", session.ends_at))
    for name, value in fields.items():
        if name in EDITABLE:
            setattr(session, name, value)
    changes = changed_fields(session)
    if changes:
        record("update", session, by=by, changes=changes, summary=session.title)
        session_changed.send(session, changes=changes, by=by)


def set_status(session: Session, status: SessionStatus, *, by) -> None:
    if session.status != status:
        changes = {"status": [session.status.value, status.value]}
        record("update", session, by=by, changes=changes, summary=session.title)
        session.status = status
        session_changed.send(session, changes=changes, by=by)


def save_minutes(session: Session, text: str, *, expected_version: int, by) -> MinutesRevision:
    """Save the minutes as a new revision; approved minutes go back to draft when changed."""
    if expected_version != session.version:
        raise StaleVersion(session)
    number = (db.session.scalar(select(func.max(MinutesRevision.number))
                                .where(MinutesRevision.session_id == session.id)) or 0) + 1
    revision = MinutesRevision(session_id=session.id, number=number, text=text, author_id=by.id)
    db.session.add(revision)
    if text != session.minutes:
        session.minutes = text
        if session.minutes_status == MinutesStatus.APPROVED:
            session.minutes_status = MinutesStatus.DRAFT
            session.minutes_approved_by_id = None
            session.minutes_approved_at = None
    record("minutes_saved", session, by=by, summary=f"revision {number}")
    return revision


def approve_minutes(session: Session, *, by) -> None:
    if not session.minutes.strip():
        raise SessionProblem(_("There are no minutes to approve yet."))
    session.minutes_status = MinutesStatus.APPROVED
    session.minutes_approved_by_id = by.id
    session.minutes_approved_at = utcnow()
    record("minutes_approved", session, by=by, summary=session.title)
    minutes_approved.send(session, by=by)


def revisions(session: Session) -> list[MinutesRevision]:
    return list(db.session.scalars(select(MinutesRevision).where(MinutesRevision.session_id == session.id)
                                   .order_by(MinutesRevision.number.desc())))


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def compare(old: str, new: str) -> list[DiffLine]:
    """Line by line: what stayed, what went, what came."""
    lines = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        code, text = line[:2], line[2:]
        if code == "? ":
            continue
        lines.append(DiffLine({"  ": "same", "+ ": "added", "- ": "removed"}[code], text))
    return lines


def add_action_item(session: Session, *, text: str, owner: Person | None, due_on: date | None, by) -> ActionItem:
    item = ActionItem(session=session, text=text, owner=owner, due_on=due_on)
    db.session.add(item)
    db.session.flush()
    record("create", item, by=by, summary=text[:120])
    return item


def set_action_item_done(item: ActionItem, done: bool, *, by) -> None:
    if item.done != done:
        item.done = done
        item.done_at = utcnow() if done else None
        record("update", item, by=by, changes={"done": [not done, done]})


def open_action_items_of(person: Person) -> list[ActionItem]:
    return list(db.session.scalars(select(ActionItem).join(Session).where(
        ActionItem.owner_id == person.id, ActionItem.done.is_(False)).order_by(ActionItem.due_on, ActionItem.id)))


def open_action_items_of_hub(hub: Hub) -> list[ActionItem]:
    return list(db.session.scalars(select(ActionItem).join(Session).where(
        Session.hub_id == hub.id, ActionItem.done.is_(False)).order_by(ActionItem.due_on, ActionItem.id)))


def capture_idea(session: Session, *, title: str, description: str, organization: Organization | None, by):
    """An idea raised in the room: a measure in status idea with its origin hub and session."""
    try:
        from tracker.measures.workflow import create_measure
    except ImportError:  # pragma: no cover - the workflow service is part of the measures feature
        create_measure = None
    fields = dict(title=title, description=description, hub_id=session.hub_id, session_id=session.id,
                  proposer_organization_id=organization.id if organization else None)
    if create_measure is not None:
        return create_measure(session.process, by=by, **fields)
    from tracker.measures.models import Measure, MeasureStatus, MeasureTransition

    measure = Measure(process=session.process, status=MeasureStatus.IDEA, created_by_id=by.id, **fields)
    measure.transitions.append(MeasureTransition(to_status=MeasureStatus.IDEA, by_id=by.id))
    db.session.add(measure)
    db.session.flush()
    record("create", measure, by=by, summary=title)
    return measure
