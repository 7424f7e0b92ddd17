"""Calendar feeds (RFC 5545) with stable UIDs, so subscribed calendars move and cancel events."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event
from itsdangerous import BadSignature, URLSafeSerializer

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.sessions.models import Session, SessionStatus

ZONE = ZoneInfo("Europe/Berlin")


def uid(session: Session, host: str) -> str:
    """The same for a session forever: calendars recognise a moved or cancelled event by it."""
    return f"session-{session.id}@{host}"


def event_for(session: Session, host: str, *, url: str | None = None) -> Event:
    event = Event()
    event.add("uid", uid(session, host))
    event.add("summary", session.title)
    event.add("dtstart", session.starts_at.replace(tzinfo=ZONE))
    event.add("dtend", session.ends_at.replace(tzinfo=ZONE))
    event.add("dtstamp", datetime.now(ZONE))
    event.add("sequence", session.version)
    event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
    if session.location:
        event.add("location", session.location)
    if session.agenda:
        event.add("description", session.agenda)
    if url:
        event.add("url", url)
    return event


def calendar(sessions: list[Session], name: str, host: str, url_for_session=None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Masterplan Tracker//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    for session in sessions:
        cal.add_component(event_for(session, host, url=url_for_session(session) if url_for_session else None))
    return cal.to_ical()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="ical")


def feed_token(user) -> str:
    """A token for the user's feed links; a password change (new session token) revokes it."""
    return _serializer().dumps({"user": user.id, "token": user.session_token})


def user_for_feed_token(token: str) -> User | None:
    """The active user a feed token belongs to, or None (unknown, tampered or revoked)."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.session_token != data.get("token"):
        return None
    return user
