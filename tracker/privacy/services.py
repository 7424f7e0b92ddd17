"""GDPR: a person's data as JSON, and anonymisation that keeps their contributions."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.extensions import db
from tracker.hubs.models import membership_delegate
from tracker.measures.models import Measure
from tracker.model_types import utcnow
from tracker.organizations.models import Person
from tracker.sessions.models import Attendance

FORMER_PARTICIPANT = _l("Former participant")


def former_participant_name() -> str:
    """Stored in the installation's default language, so every page, export and API shows it alike."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(FORMER_PARTICIPANT)


def export_person(person: Person) -> dict[str, Any]:
    """Everything the app holds about a person, as plain data."""
    user = person.user
    attendances = db.session.execute(
        select(Attendance).where(Attendance.person_id == person.id).order_by(Attendance.id)
    ).scalars()
    proposed = db.session.scalars(select(Measure).where(Measure.proposer_person_id == person.id))
    return {
        "person": {
            "id": person.id, "name": person.name, "email": person.email, "function": person.function,
            "phone": person.phone, "organization": person.organization.name if person.organization else None,
            "created_at": person.created_at.isoformat(),
        },
        "account": None if user is None else {
            "role": user.role.value, "locale": user.locale, "active": user.is_active_account,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
            "moderated_hubs": [hub.name for hub in user.moderated_hubs],
        },
        "consents": [
            {"purpose": c.purpose.value, "text_version": c.text_version, "given_at": c.given_at.isoformat(),
             "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None}
            for c in person.consents
        ],
        "attendance": [
            {"session": a.session.title, "starts_at": a.session.starts_at.isoformat(), "status": a.status.value}
            for a in attendances
        ],
        "proposed_measures": [{"id": m.id, "title": m.title, "status": m.status.value} for m in proposed],
    }


def anonymise(person: Person, *, by) -> None:
    """Remove name and contact everywhere; contributions stay, attributed to a former participant.

    Attendance rows stay (so counts and working hours do not change), measures and comments stay,
    the login is closed, and audit summaries that quoted the email are blanked.
    """
    email = person.email
    person.name = former_participant_name()
    person.email = None
    person.phone = None
    person.function = None
    person.anonymised_at = utcnow()
    user = person.user
    if user is not None:
        user.is_active_account = False
        user.password_hash = None
        user.session_token = secrets.token_hex(16)  # logs them out everywhere
        user.locale = None
    db.session.execute(membership_delegate.delete().where(membership_delegate.c.person_id == person.id))
    if email:
        db.session.execute(
            update(AuditEvent).where(AuditEvent.summary.contains(email)).values(summary="")
        )
    record("anonymise", person, by=by, summary=f"person {person.id}")
