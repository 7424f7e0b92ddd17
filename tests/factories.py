"""Small builders for test data: plain functions, sensible defaults, every field overridable."""

from __future__ import annotations

import itertools
import secrets
from datetime import date, datetime, timedelta

from tracker.accounts.models import Role, User
from tracker.accounts.services import set_password
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub, HubMembership
from tracker.measures.models import Measure, MeasureStatus
from tracker.organizations.models import Organization, OrganizationType, Person
from tracker.plan import versions
from tracker.processes.models import Phase, Process
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionKind, SessionStatus

PASSWORD = "Test-Passwort-123"
_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def process(**fields) -> Process:
    values = dict(name=f"Prozess {_n()}", city="Oberhausen", starts_on=date(2018, 9, 1), ends_on=date(2019, 12, 31),
                  phase=Phase.WORKSHOPS)
    values.update(fields)
    obj = Process(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def organization(**fields) -> Organization:
    values = dict(name=f"Firma {_n()} GmbH", type=OrganizationType.COMPANY, sector="Handel")
    values.update(fields)
    obj = Organization(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def person(organization: Organization | None = None, **fields) -> Person:
    n = _n()
    values = dict(name=f"Person {n}", email=f"person{n}@example.org", organization=organization)
    values.update(fields)
    obj = Person(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def user(role: Role = Role.COMPANY, *, organization: Organization | None = None, hubs=(), steering_of=(),
         password=PASSWORD, **person_fields) -> User:
    """A login; `hubs` it moderates, `steering_of` the processes whose steering group it belongs to."""
    obj = User(person=person(organization, **person_fields), role=role, session_token=secrets.token_hex(16))
    if password:
        set_password(obj, password)
    obj.moderated_hubs = list(hubs)
    obj.steering_processes = list(steering_of)
    db.session.add(obj)
    db.session.flush()
    return obj


def hub(process: Process, **fields) -> Hub:
    n = _n()
    values = dict(name=f"Hub {n}", short_name=f"H{n}", process=process, position=n)
    values.update(fields)
    obj = Hub(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def membership(organization: Organization, hub: Hub, delegates=()) -> HubMembership:
    obj = HubMembership(process_id=hub.process_id, hub=hub, organization=organization, delegates=list(delegates))
    db.session.add(obj)
    db.session.flush()
    return obj


def session(process: Process, hub: Hub | None = None, **fields) -> Session:
    starts = fields.pop("starts_at", datetime(2018, 10, 17, 16, 30))
    values = dict(process=process, hub=hub, kind=SessionKind.WORKSHOP if hub else SessionKind.PLENARY,
                  title=f"Workshop {_n()}", starts_at=starts, ends_at=starts + timedelta(hours=2),
                  status=SessionStatus.HELD, number=1 if hub else None)
    values.update(fields)
    obj = Session(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def attendance(session: Session, person: Person, status=AttendanceStatus.ATTENDED) -> Attendance:
    obj = Attendance(session=session, person=person, status=status)
    db.session.add(obj)
    db.session.flush()
    return obj


def goal(process: Process, **fields) -> GuidingGoal:
    n = _n()
    values = dict(process=process, number=n, title=f"Leitziel {n}")
    values.update(fields)
    obj = GuidingGoal(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def measure(process: Process, hub: Hub | None = None, **fields) -> Measure:
    values = dict(process=process, hub=hub, title=f"Maßnahme {_n()}", status=MeasureStatus.IDEA)
    values.update(fields)
    obj = Measure(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def approve_plan_version(version) -> list[User]:
    """Approve a version under review with as many new steering members as its process still asks for
    (over open review comments, with a reason)."""
    missing = version.process.approvals_needed - len(version.approvals)
    reviewers = [user(Role.STEERING, steering_of=[version.process], name=f"Rita Review-{_n()}")
                 for _ in range(missing)]
    for reviewer in reviewers:
        versions.approve(version, by=reviewer, override_reason="Offene Kommentare klären wir im Update.")
    return reviewers


def make_steering(process: Process, **fields) -> User:
    """A member of this process's steering group (and of no other)."""
    return user(Role.STEERING, steering_of=[process], **fields)
