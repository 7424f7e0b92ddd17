"""Fixtures of the attendance tests."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.organizations.models import Organization, Person
from tracker.sessions.models import Attendance


@pytest.fixture
def counts():
    """counts() → (people, organisations, attendances) in the database right now."""

    def _counts():
        db.session.expire_all()
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Person, Organization, Attendance))

    return _counts


def statuses(session) -> dict[str, str]:
    """{person name: status} of a session, read fresh from the database."""
    db.session.expire_all()
    return {a.person.name: a.status.value
            for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))}
