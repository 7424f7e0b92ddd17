"""Calendar feeds: the public events of a process, and personal feeds of what the token's owner may see."""

from __future__ import annotations

from flask import Response

from tracker.errors import NotFound
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.permissions import load
from tracker.processes.models import Process
from tracker.processes.queries import public_events
from tracker.sessions import ical
from tracker.sessions.blueprint import bp
from tracker.sessions.models import Session
from tracker.sessions.queries import visible_sessions
from tracker.urls import public_url


def _ics(sessions: list[Session], name: str) -> Response:
    body = ical.calendar(sessions, name, lambda s: public_url("sessions.show", session_id=s.id))
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=calendar.ics"})


def _feed_owner(token: str):
    """The user a personal feed link belongs to; an unknown or revoked link does not exist."""
    user = ical.user_for_feed_token(token)
    if user is None:
        raise NotFound()
    return user


@bp.get("/processes/<int:process_id>/calendar.ics")
def public_feed(process_id: int):
    """The public events of a process (kickoff, plenaries); no login, nothing personal."""
    process = load(Process, process_id)
    return _ics(public_events(process), process.name)


@bp.get("/processes/<int:process_id>/calendar/<token>.ics")
def process_feed(process_id: int, token: str):
    """Every session of the process the token's owner may see."""
    process = load(Process, process_id)
    user = _feed_owner(token)
    return _ics(list(db.session.scalars(visible_sessions(user, process))), process.name)


@bp.get("/hubs/<int:hub_id>/calendar/<token>.ics")
def hub_feed(hub_id: int, token: str):
    """The sessions of one hub the token's owner may see."""
    hub = load(Hub, hub_id)
    user = _feed_owner(token)
    sessions = db.session.scalars(visible_sessions(user, hub.process).where(Session.hub_id == hub.id))
    return _ics(list(sessions), f"{hub.process.name}: {hub.name}")
