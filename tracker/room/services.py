"""Room mode: whoever may edit a session runs its room; phones in the room hand in cards and dots.

The room's short link works only while the moderator has room mode running and only on the session's
days. A phone gets a token the first time it comes (a signed cookie; the server keeps the hash of its
secret); the room count the moderator states caps the tokens. Phones act with their token (`by=token`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

import tracker.room.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.audit.services import record
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.measures import services as measures
from tracker.model_types import utcnow
from tracker.organizations.models import Organization
from tracker.permissions import can_edit_session, guarded
from tracker.prioritisation.models import PrioritisationRound, RoundStatus
from tracker.room.models import CardStatus, Room, RoomCard, RoomToken
from tracker.room.signals import card_decided, card_handed_in, room_started, room_stopped
from tracker.sessions.models import Session, SessionStatus

ZONE = ZoneInfo("Europe/Berlin")  # session times are local wall-clock times
MAX_PEOPLE = 1000
MAX_CARDS_PER_ROOM = 2000
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: typed from the projector
CODE_LENGTH = 8
ORGANISERS_ONLY = _l("Only the people who run the session run its room.")
NOT_OPEN = _l("This room link is not open: room mode runs only while the session runs.")


def local_today():
    return datetime.now(ZONE).date()


def on_session_day(session: Session) -> bool:
    return session.starts_at.date() <= local_today() <= session.ends_at.date()


def is_open(room: Room | None) -> bool:
    """Room mode is running, the session is not cancelled, and it is the session's day."""
    return (room is not None and room.running and room.session.status != SessionStatus.CANCELLED
            and on_session_day(room.session))


def room_of(session: Session) -> Room | None:
    return db.session.scalar(select(Room).where(Room.session_id == session.id))


def by_code(code: str) -> Room | None:
    if not code or len(code) > CODE_LENGTH * 2:
        return None
    return db.session.scalar(select(Room).where(Room.code == code.lower()))


def open_round_of(session: Session) -> PrioritisationRound | None:
    """The open round held in the session (the newest, if there were more)."""
    return db.session.scalar(select(PrioritisationRound).where(
        PrioritisationRound.session_id == session.id, PrioritisationRound.status == RoundStatus.OPEN)
        .order_by(PrioritisationRound.opened_at.desc(), PrioritisationRound.id.desc()).limit(1))


def token_count(room: Room) -> int:
    return db.session.scalar(select(func.count()).select_from(RoomToken).where(RoomToken.room_id == room.id)) or 0


def can_run_room(user, session: Session) -> bool:
    """The people who may edit the session: the hub's moderators, or steering for hub-less sessions."""
    return can_edit_session(user, session)


def can_decide_card(user, card: RoomCard) -> bool:
    return can_run_room(user, card.room.session)


def room_is_open(_user, room: Room) -> bool:
    return is_open(room)


def token_in_room(token, room: Room) -> bool:
    return isinstance(token, RoomToken) and token.room_id == room.id and is_open(room)


# --- the moderator ------------------------------------------------------------------------------

@guarded(can_run_room, ORGANISERS_ONLY)
def start(session: Session, *, people: int, by) -> Room:
    """Start room mode (or change the room count while it runs): on the session's days only."""
    if session.status == SessionStatus.CANCELLED:
        raise Conflict(_("The session is cancelled."))
    if not on_session_day(session):
        raise Conflict(_("Room mode runs on the day of the session."))
    if not isinstance(people, int) or not 1 <= people <= MAX_PEOPLE:
        raise Invalid(_("Give the number of people in the room (1 to %(n)d).", n=MAX_PEOPLE), "people")
    room = room_of(session)
    if room is None:
        room = Room(session=session, code=_new_code())
        db.session.add(room)
        db.session.flush()
    elif people < token_count(room):
        raise Invalid(_("%(n)d phones have already joined; the room count cannot be lower.", n=token_count(room)),
                      "people")
    changes = {"people": [room.people, people]} if room.people != people else {}
    if not room.running:
        changes["running"] = [False, True]
        room.running, room.started_at, room.started_by_id = True, utcnow(), getattr(by, "id", None)
    room.people = people
    if changes:
        record("room_started" if "running" in changes else "update", room, by=by, changes=changes,
               summary=session.title)
        room_started.send(room, by=by)
    return room


@guarded(can_run_room, ORGANISERS_ONLY)
def stop(session: Session, *, by) -> None:
    """End room mode: the link stops working at once; tokens, cards and ballots stay."""
    room = room_of(session)
    if room is not None and room.running:
        room.running, room.stopped_at = False, utcnow()
        record("room_stopped", room, by=by, summary=session.title)
        room_stopped.send(room, by=by)


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if by_code(code) is None:
            return code


def _organization_named(session: Session, name: str) -> Organization | None:
    """The organisation a card names, matched by name (case and spacing aside): in a hub's session one of
    its member organisations, in a hub-less session any; None when nothing matches."""
    name = " ".join((name or "").split()).casefold()
    if not name:
        return None
    query = select(Organization).where(func.lower(Organization.name) == name)
    if session.hub_id is not None:
        query = query.join(HubMembership, HubMembership.organization_id == Organization.id).where(
            HubMembership.hub_id == session.hub_id)
    candidates = list(db.session.scalars(query.limit(5)))
    if not candidates:  # SQL's lower() may not fold every letter: compare in Python among the same first letter
        query = select(Organization).where(Organization.name.ilike(name[:1] + "%"))
        if session.hub_id is not None:
            query = query.join(HubMembership, HubMembership.organization_id == Organization.id).where(
                HubMembership.hub_id == session.hub_id)
        candidates = [o for o in db.session.scalars(query.limit(500)) if " ".join(o.name.split()).casefold() == name]
    return candidates[0] if len(candidates) == 1 else None


@guarded(can_decide_card, ORGANISERS_ONLY)
def accept_card(card: RoomCard, *, by):
    """The card becomes an idea of the session, through the measures service (its rules, audit, signal)."""
    if card.status != CardStatus.NEW:
        raise Conflict(_("This card is already decided."))
    session = card.room.session
    organization = _organization_named(session, card.organization_name)
    description = card.text
    if card.shown_name:
        description = (description + "\n\n" if description else "") + _("Handed in by %(name)s.", name=card.shown_name)
    measure = measures.propose(session.process, by=by, hub=session.hub, session=session,
                               proposer_organization=organization, title=card.title, description=description)
    card.status, card.measure_id, card.decided_at, card.decided_by_id = (CardStatus.ACCEPTED, measure.id, utcnow(),
                                                                          getattr(by, "id", None))
    record("accept", card, by=by, summary=card.title[:120])
    card_decided.send(card, by=by)
    return measure


@guarded(can_decide_card, ORGANISERS_ONLY)
def discard_card(card: RoomCard, *, by) -> None:
    """Set a card aside; its name goes (it was given for an idea that is not taken up)."""
    if card.status != CardStatus.NEW:
        raise Conflict(_("This card is already decided."))
    card.status, card.decided_at, card.decided_by_id = CardStatus.DISCARDED, utcnow(), getattr(by, "id", None)
    card.name = ""
    record("discard", card, by=by, summary=card.title[:120])
    card_decided.send(card, by=by)


def cards_of(room: Room | None, status: CardStatus | None = None, limit: int = 500) -> list[RoomCard]:
    if room is None:
        return []
    query = select(RoomCard).where(RoomCard.room_id == room.id)
    if status is not None:
        query = query.where(RoomCard.status == status)
    return list(db.session.scalars(query.order_by(RoomCard.id).limit(limit)))


# --- the phones -----------------------------------------------------------------------------------

def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_for(room: Room, secret: str | None) -> RoomToken | None:
    """The room's token a phone's (verified) cookie secret names."""
    if not secret:
        return None
    return db.session.scalar(select(RoomToken).where(RoomToken.room_id == room.id,
                                                     RoomToken.secret_hash == _hash(secret)))


@guarded(room_is_open, NOT_OPEN)
def issue_token(room: Room, *, by) -> tuple[RoomToken, str]:
    """A new phone in the room: its token and the secret for its cookie; refused once the room is full."""
    if token_count(room) >= room.people:
        raise NotAllowed(_("The room is full: %(n)d phones have joined, as many as there are people in the room.",
                           n=room.people))
    secret = secrets.token_urlsafe(24)
    token = RoomToken(room_id=room.id, secret_hash=_hash(secret))
    db.session.add(token)
    db.session.flush()
    record("room_token", room, by=by, summary=f"phone {token.id}", message=messages.message("room.phone", id=token.id))
    return token, secret


@guarded(token_in_room, NOT_OPEN)
def hand_in(room: Room, *, by, title: str, text: str = "", name: str = "", organization_name: str = "",
            consent_named: bool = False) -> RoomCard:
    """An idea card from a phone (`by` is its token); the name is kept only with consent to be named."""
    title = " ".join((title or "").split())
    if not title:
        raise Invalid(_("Please give your idea a title."), "title")
    if len(title) > 200:
        raise Invalid(_("At most %(n)d characters.", n=200), "title")
    text = (text or "").strip()
    if len(text) > 5000:
        raise Invalid(_("At most %(n)d characters.", n=5000), "text")
    name = " ".join((name or "").split())[:200] if consent_named else ""
    organization_name = " ".join((organization_name or "").split())[:200]
    cards = db.session.scalar(select(func.count()).select_from(RoomCard).where(RoomCard.room_id == room.id)) or 0
    if cards >= MAX_CARDS_PER_ROOM:
        raise Conflict(_("This room takes no more cards."))
    card = RoomCard(room_id=room.id, token_id=by.id, title=title, text=text, name=name,
                    organization_name=organization_name, consent_named=bool(consent_named and name))
    db.session.add(card)
    db.session.flush()
    record("create", card, by=by, summary=title[:120])
    card_handed_in.send(card, by=by)
    return card
