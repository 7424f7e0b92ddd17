"""Mail listens to what the other features announce; no feature imports mail to send one.

`connect()` runs once when the app is built; receivers queue mails in the sender's transaction,
so a rolled-back action sends nothing.
"""

from __future__ import annotations

from tracker.accounts.signals import password_reset_requested, set_password_link_created
from tracker.attendance.signals import attendees_invited
from tracker.implementation.signals import milestone_due_soon
from tracker.mail import events
from tracker.measures.signals import measure_transitioned, measures_merged
from tracker.plan.signals import plan_version_submitted
from tracker.prioritisation.signals import round_closed, round_opened
from tracker.registration.signals import account_holder_registered, registration_approved, registration_received
from tracker.sessions.models import SessionStatus
from tracker.sessions.signals import minutes_approved, session_changed

# A change of these fields moves or cancels the event in the invitees' calendars.
CALENDAR_FIELDS = frozenset({"starts_at", "ends_at", "location", "status"})


def _invitations(session, *, attendances, by) -> None:
    events.invitations(session, attendances)


def _session_changed(session, *, changes, by) -> None:
    relevant = CALENDAR_FIELDS & set(changes)
    if relevant == {"status"} and session.status != SessionStatus.CANCELLED:
        return  # held or planned again: calendars need no update
    if relevant:
        events.session_changed(session)


def _minutes_approved(session, *, by) -> None:
    events.minutes_approved(session)


def _measure_transitioned(measure, *, step, previous, by) -> None:
    events.measure_status_changed(measure, step)


def _measures_merged(target, *, sources, by) -> None:
    events.measures_merged(target, sources)


def _plan_version_submitted(version, *, superseded, by) -> None:
    events.plan_review(version, by=by)


def _round_opened(round_, *, by) -> None:
    events.round_opened(round_)


def _round_closed(round_, *, results, by) -> None:
    events.round_published(round_, results)


def _set_password_link(user, *, link, by) -> None:
    events.account_link(user, link)


def _password_reset(user, *, email, link) -> None:
    events.password_reset(user, email=email, link=link)


def _account_holder_registered(process, *, person) -> None:
    events.account_holder_registered(process, person)


def _milestone_due_soon(milestone, *, today) -> None:
    events.milestone_reminder(milestone, today)


def _registration_received(process, *, request, language) -> None:
    events.registration_received(process, request, language)


def _registration_approved(request, *, attendances, by) -> None:
    events.kickoff_registered(request, attendances)


def connect() -> None:
    """Subscribe the mail events (idempotent: blinker keeps one connection per receiver)."""
    attendees_invited.connect(_invitations)
    session_changed.connect(_session_changed)
    minutes_approved.connect(_minutes_approved)
    measure_transitioned.connect(_measure_transitioned)
    measures_merged.connect(_measures_merged)
    set_password_link_created.connect(_set_password_link)
    password_reset_requested.connect(_password_reset)
    account_holder_registered.connect(_account_holder_registered)
    plan_version_submitted.connect(_plan_version_submitted)
    milestone_due_soon.connect(_milestone_due_soon)
    registration_received.connect(_registration_received)
    registration_approved.connect(_registration_approved)
    round_opened.connect(_round_opened)
    round_closed.connect(_round_closed)
