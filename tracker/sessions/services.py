"""Rules of the workshop year: scheduling, editing, minutes with revisions, action items.

Every write is a guarded action (`@guarded`): the service itself refuses who may not do it, so the
web pages, the API and any command share the same rights; views check `action.allowed` first.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

import tracker.sessions.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.audit.services import changed_fields, record
from tracker.errors import Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.model_types import utcnow
from tracker.organizations.models import Person
from tracker.permissions import can_edit_session, can_manage_hub, guarded, is_steering, moderates
from tracker.privacy.rules import refuse_anonymised
from tracker.processes.models import Process
from tracker.sessions.models import ActionItem, MinutesRevision, MinutesStatus, Session, SessionKind, SessionStatus
from tracker.sessions.signals import minutes_approved, session_changed, session_scheduled

EDITABLE = frozenset({"kind", "title", "starts_at", "ends_at", "location", "agenda", "decisions"})

ORGANISERS_ONLY = _l("Only the hub's moderators or the steering group may do this.")
STEERING_ONLY = _l("Only the steering group schedules process-wide events.")


# --- who may ------------------------------------------------------------------------------------

def can_schedule(user, process: Process) -> bool:
    """The steering group, and the moderators of a hub of the process (for their own hub)."""
    return is_steering(user, process) or any(
        hub.process_id == process.id and moderates(user, hub) for hub in getattr(user, "moderated_hubs", ()))


def can_tick_off(user, item: ActionItem) -> bool:
    """The item's owner, and whoever may edit its session."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    owns = person is not None and item.owner_id is not None and item.owner_id == person.id
    return owns or can_edit_session(user, item.session)


# --- the rules of a session's fields ------------------------------------------------------------

def check_times(starts_at: datetime, ends_at: datetime) -> None:
    """A session ends after it starts."""
    if ends_at <= starts_at:
        raise Invalid(_("The end must be after the start."), "ends_at")


def check_kind(kind: SessionKind, hub: Hub | None) -> None:
    """A hub workshop belongs to a hub; every other kind is a process-wide event without one."""
    if kind == SessionKind.WORKSHOP and hub is None:
        raise Invalid(_("A hub workshop belongs to a hub; choose a hub or another kind."), "kind")
    if kind != SessionKind.WORKSHOP and hub is not None:
        raise Invalid(_("Only hub workshops belong to a hub; other kinds are process-wide."), "kind")


def _text(value: str | None) -> str:
    return (value or "").strip()


def _title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise Invalid(_("Please give the session a title."), "title")
    return title


def next_number(hub: Hub) -> int:
    """The next number in a hub's workshop series (cancelled sessions keep theirs)."""
    highest = db.session.scalar(select(func.max(Session.number)).where(Session.hub_id == hub.id,
                                                                       Session.kind == SessionKind.WORKSHOP))
    return (highest or 0) + 1


def warnings_for(process: Process, hub_id: int | None, starts_at: datetime, ends_at: datetime,
                 exclude_id: int | None = None) -> list[str]:
    """Things worth a second look that do not stop the save: outside the period, overlapping its hub.

    Times the save would refuse are refused here first (Invalid), so a warning never hides that error.
    """
    check_times(starts_at, ends_at)
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


# --- scheduling and editing ---------------------------------------------------------------------

@guarded(can_schedule, _l("Only the hub's moderators or the steering group schedule sessions."))
def schedule(process: Process, *, by, hub: Hub | None, kind: SessionKind, title: str, starts_at: datetime,
             ends_at: datetime, location: str = "", agenda: str = "") -> Session:
    """Create a session; hub workshops get the next number of their hub's series."""
    if hub is not None and hub.process_id != process.id:
        raise Invalid(_("The hub belongs to another process."), "hub_id")
    if hub is not None and not can_manage_hub(by, hub):
        raise NotAllowed(_("Only the hub's moderators or the steering group schedule its workshops."))
    if hub is None and not is_steering(by, process):
        raise NotAllowed(STEERING_ONLY)
    check_kind(kind, hub)
    check_times(starts_at, ends_at)
    session = Session(process=process, hub=hub, kind=kind, title=_title(title), starts_at=starts_at,
                      ends_at=ends_at, location=_text(location), agenda=agenda or "", status=SessionStatus.PLANNED,
                      number=next_number(hub) if hub is not None else None)
    db.session.add(session)
    db.session.flush()
    record("create", session, by=by, summary=session.title)
    session_scheduled.send(session, by=by)
    return session


@guarded(can_edit_session, ORGANISERS_ONLY)
def update(session: Session, *, by, expected_version: int, **fields) -> None:
    """Change a session's fields (EDITABLE); refused with StaleVersion when someone saved in between."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if expected_version != session.version:
        raise StaleVersion(session, _("Someone else changed this session in the meantime."),
                           version=session.version)
    if "title" in fields:
        fields["title"] = _title(fields["title"])
    if "location" in fields:
        fields["location"] = _text(fields["location"])
    check_kind(fields.get("kind", session.kind), session.hub)
    check_times(fields.get("starts_at", session.starts_at), fields.get("ends_at", session.ends_at))
    for name, value in fields.items():
        setattr(session, name, value)
    changes = changed_fields(session)
    if changes:
        record("update", session, by=by, changes=changes, summary=session.title)
        session_changed.send(session, changes=changes, by=by)


@guarded(can_edit_session, ORGANISERS_ONLY)
def set_status(session: Session, status: SessionStatus, *, by) -> None:
    """Mark a session held, cancel it, or plan it again; cancelled sessions stay visible."""
    if session.status != status:
        changes = {"status": [session.status.value, status.value]}
        record("update", session, by=by, changes=changes, summary=session.title)
        session.status = status
        session_changed.send(session, changes=changes, by=by)


# --- minutes ------------------------------------------------------------------------------------

@guarded(can_edit_session, ORGANISERS_ONLY)
def save_minutes(session: Session, text: str, *, expected_version: int, by) -> MinutesRevision:
    """Save the minutes as a new revision; approved minutes go back to draft when changed."""
    if expected_version != session.version:
        raise StaleVersion(session, _("Someone else changed this session in the meantime."),
                           version=session.version)
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
    record("minutes_saved", session, by=by, summary=f"revision {number}",
           message=messages.message("sessions.minutes_revision", number=number))
    return revision


@guarded(can_edit_session, ORGANISERS_ONLY)
def approve_minutes(session: Session, *, by) -> None:
    """Approved minutes become visible to the hub's members."""
    if not session.minutes.strip():
        raise Invalid(_("There are no minutes to approve yet."), "minutes")
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


# --- action items -------------------------------------------------------------------------------

@guarded(can_edit_session, ORGANISERS_ONLY)
def add_action_item(session: Session, *, text: str, owner: Person | None, due_on: date | None, by) -> ActionItem:
    """Something a person agreed to do at the session."""
    text = " ".join((text or "").split())
    if not text:
        raise Invalid(_("Please say what is to be done."), "text")
    refuse_anonymised(owner, "owner_id")
    item = ActionItem(session=session, text=text, owner=owner, due_on=due_on)
    db.session.add(item)
    db.session.flush()
    record("create", item, by=by, summary=text[:120])
    return item


@guarded(can_tick_off, _l("Only the item's owner, the hub's moderators or the steering group tick it off."))
def set_action_item_done(item: ActionItem, done: bool, *, by) -> None:
    if item.done != done:
        item.done = done
        item.done_at = utcnow() if done else None
        record("update", item, by=by, changes={"done": [not done, done]})


def open_action_items_of(person: Person) -> list[ActionItem]:
    return list(db.session.scalars(select(ActionItem).join(Session).where(
        ActionItem.owner_id == person.id, ActionItem.done.is_(False)).order_by(ActionItem.due_on, ActionItem.id)))


def open_action_items_of_hub(hub: Hub) -> list[ActionItem]:
    """With their sessions and owners (the hub page shows both)."""
    return list(db.session.scalars(select(ActionItem).join(Session).where(
        Session.hub_id == hub.id, ActionItem.done.is_(False)).order_by(ActionItem.due_on, ActionItem.id)
        .options(contains_eager(ActionItem.session), selectinload(ActionItem.owner))))
