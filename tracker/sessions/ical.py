"""Calendar files (RFC 5545): feeds and mail attachments, built here and nowhere else.

Every calendar carries a VTIMEZONE for each TZID its events name (RFC 5545 3.6.5), and every event's UID
comes from one configured domain (ICAL_UID_DOMAIN), never from the address a request came through: a
calendar that subscribed under two addresses must see one event, not two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event
from itsdangerous import BadSignature, URLSafeSerializer

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.sessions.models import Session, SessionStatus

ZONE = ZoneInfo("Europe/Berlin")
# Where nothing is configured: a domain that can never be anyone's (RFC 2606), the same on every server.
DEFAULT_UID_DOMAIN = "masterplan-tracker.invalid"
PRODID = "-//Masterplan Tracker//DE"


def uid_domain() -> str:
    """ICAL_UID_DOMAIN, else SERVER_NAME (without a port), else DEFAULT_UID_DOMAIN. Changing it later makes
    subscribed calendars show every event twice, so it is configuration, not derived from any request."""
    config = current_app.config
    domain = config.get("ICAL_UID_DOMAIN") or (config.get("SERVER_NAME") or "").split(":")[0]
    return domain or DEFAULT_UID_DOMAIN


def uid(session: Session) -> str:
    """The same for a session forever: calendars recognise a moved or cancelled event by it."""
    return f"session-{session.id}@{uid_domain()}"


def event_for(session: Session, *, url: str | None = None) -> Event:
    event = Event()
    event.add("uid", uid(session))
    event.add("summary", session.title)
    event.add("dtstart", session.starts_at.replace(tzinfo=ZONE))
    event.add("dtend", session.ends_at.replace(tzinfo=ZONE))
    event.add("dtstamp", datetime.now(UTC))  # RFC 5545: DTSTAMP is a UTC time
    event.add("sequence", session.version)
    event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
    if session.location:
        event.add("location", session.location)
    if session.agenda:
        event.add("description", session.agenda)
    if url:
        event.add("url", url)
    return event


def _with_timezones(cal: Calendar, sessions: list[Session]) -> bytes:
    """The calendar as bytes, with a VTIMEZONE for every zone used, its rules covering the events' years."""
    if sessions:
        first = min(s.starts_at for s in sessions).date()
        last = max(s.ends_at for s in sessions).date()
        cal.add_missing_timezones(first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1))
    return cal.to_ical()


def calendar(sessions: list[Session], name: str, url_for_session=None) -> bytes:
    """A feed: every session given, under the calendar name."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    for session in sessions:
        cal.add_component(event_for(session, url=url_for_session(session) if url_for_session else None))
    return _with_timezones(cal, sessions)


def invitation(session: Session, *, url: str | None = None) -> bytes:
    """A mail attachment (iTIP): the request for the session, or its cancellation."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST")
    cal.add_component(event_for(session, url=url))
    return _with_timezones(cal, [session])


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
