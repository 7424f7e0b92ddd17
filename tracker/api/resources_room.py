"""API endpoints over room mode: the moderator's side (the phones use the short link, not the API)."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.api.core import PAGE_QUERY, endpoint, paginated
from tracker.api.schemas import RoomCardOut, RoomOut, RoomStartIn
from tracker.extensions import db
from tracker.room import services
from tracker.room.models import RoomCard
from tracker.sessions.models import Session


def room_json(session: Session) -> dict:
    room = services.room_of(session)
    round_ = services.open_round_of(session)
    return RoomOut(session_id=session.id, running=bool(room and room.running), open=services.is_open(room),
                   people=room.people if room else 0, phones=services.token_count(room) if room else 0,
                   link=url_for("room.phone", code=room.code, _external=True) if room else None,
                   round_id=round_.id if round_ else None).model_dump(mode="json")


def card_json(card: RoomCard) -> dict:
    return RoomCardOut(id=card.id, session_id=card.room.session_id, title=card.title, text=card.text,
                       name=card.shown_name, organization_name=card.organization_name, status=card.status.value,
                       measure_id=card.measure_id, created_at=card.created_at).model_dump(mode="json")


@endpoint("/sessions/{session_id}/room", "GET", "Room mode of a session: running, room count, phones, link",
          load=(Session, "session_id"), check=services.start, response=RoomOut, tag="room")
def get_room(session: Session):
    return room_json(session)


@endpoint("/sessions/{session_id}/room/start", "POST", "Start room mode (or change the room count) on the "
          "session's day", load=(Session, "session_id"), check=services.start, body=RoomStartIn, response=RoomOut,
          errors=(409,), tag="room")
def start_room(session: Session, data: RoomStartIn):
    services.start(session, people=data.people, by=current_user)
    db.session.commit()
    return room_json(session)


@endpoint("/sessions/{session_id}/room/stop", "POST", "End room mode: the link stops working",
          load=(Session, "session_id"), check=services.stop, response=RoomOut, tag="room")
def stop_room(session: Session):
    services.stop(session, by=current_user)
    db.session.commit()
    return room_json(session)


@endpoint("/sessions/{session_id}/room/cards", "GET", "The idea cards handed in from phones",
          load=(Session, "session_id"), check=services.start, response=RoomCardOut, query=PAGE_QUERY, tag="room")
def list_room_cards(session: Session):
    room = services.room_of(session)
    return paginated(select(RoomCard).where(RoomCard.room_id == (room.id if room else 0)).order_by(RoomCard.id),
                     card_json)


@endpoint("/room-cards/{card_id}/accept", "POST", "Accept a card as an idea of its session",
          load=(RoomCard, "card_id"), check=services.accept_card, response=RoomCardOut, errors=(400, 409), tag="room")
def accept_room_card(card: RoomCard):
    services.accept_card(card, by=current_user)
    db.session.commit()
    return card_json(card)


@endpoint("/room-cards/{card_id}/discard", "POST", "Discard a card", load=(RoomCard, "card_id"),
          check=services.discard_card, response=RoomCardOut, errors=(409,), tag="room")
def discard_room_card(card: RoomCard):
    services.discard_card(card, by=current_user)
    db.session.commit()
    return card_json(card)
