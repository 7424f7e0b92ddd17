"""The registration API: the same services and rules as the public form and the administrators' pages."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.registration.test_registration import _rows
from tracker.extensions import db
from tracker.mail.models import OutboxMail
from tracker.organizations.models import Person
from tracker.registration.models import RegistrationRequest, RequestStatus
from tracker.sessions.models import Attendance, AttendanceStatus, SessionKind, SessionStatus


@pytest.fixture
def kickoff(world):
    session = factories.session(world.process, kind=SessionKind.KICKOFF, title="Auftakt", status=SessionStatus.PLANNED,
                                starts_at=datetime(2030, 9, 26, 16))
    db.session.commit()
    return session


def _body(world, **extra):
    return {"name": "Nina Neu", "email": "nina@neu.example", "organization_name": "Neu GmbH",
            "hub_id": world.hub_a.id, "consent_contact": True,
            "delegates": [{"name": "Olaf Ost", "email": "olaf@neu.example", "function": "Vertrieb"}],
            "consent_delegates": True} | extra


def _post(client, world, **extra):
    return client.post(f"/api/v1/processes/{world.process.id}/registrations", json=_body(world, **extra))


def test_anyone_files_a_request_that_writes_nothing_else_and_gets_the_same_answer(client, world, kickoff):
    before = _rows()
    first = _post(client, world)
    assert first.status_code == 202 and first.json == {"status": "received"}
    known = _post(client, world, email=world.company_a.email, delegates=[], consent_delegates=False)
    assert known.status_code == 202 and known.json == first.json
    db.session.expire_all()
    assert _rows() == before
    registration = db.session.scalar(select(RegistrationRequest))
    assert registration.event == kickoff and [d.email for d in registration.delegates] == ["olaf@neu.example"]
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 1


def test_the_api_refuses_what_the_form_refuses_at_the_same_field(client, world, kickoff):
    missing = _post(client, world, consent_delegates=False)
    assert missing.status_code == 400 and "consent_delegates" in missing.json["error"]["fields"]
    twice = _post(client, world, delegates=[{"name": "Nina", "email": "NINA@neu.example"}])
    assert twice.status_code == 400 and "delegates-0-email" in twice.json["error"]["fields"]
    foreign = factories.hub(factories.process(name="Andere"), name="Fremd", short_name="F")
    db.session.commit()
    assert _post(client, world, hub_id=foreign.id).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 0


def test_only_administrators_list_decide_and_invite(client, world, kickoff, bearer):
    _post(client, world)
    registration = db.session.scalar(select(RegistrationRequest))
    for user in (world.steering, world.moderator_a, world.company_a):
        headers = bearer(user)
        assert client.get("/api/v1/registrations", headers=headers).status_code == 403
        assert client.post(f"/api/v1/registrations/{registration.id}/approve", json={"create_new": True},
                           headers=headers).status_code == 403
        assert client.post(f"/api/v1/registrations/{registration.id}/reject", json={},
                           headers=headers).status_code == 403  # before the body is read
    assert client.get("/api/v1/registrations").status_code == 401
    assert db.session.get(RegistrationRequest, registration.id).status == RequestStatus.PENDING


def test_the_admin_approves_lists_by_status_and_event_and_invites_a_delegate(client, world, kickoff, bearer):
    _post(client, world)
    _post(client, world, email="zweite@neu.example", organization_name="Zweite GmbH", delegates=[],
          consent_delegates=False)
    first, second = db.session.scalars(select(RegistrationRequest).order_by(RegistrationRequest.id))
    headers = bearer(world.admin)
    listed = client.get(f"/api/v1/registrations?event_id={kickoff.id}", headers=headers).json
    assert [r["id"] for r in listed["items"]] == [first.id, second.id]
    assert client.post(f"/api/v1/registrations/{first.id}/approve", json={}, headers=headers).status_code == 400
    approved = client.post(f"/api/v1/registrations/{first.id}/approve", json={"create_new": True}, headers=headers)
    assert approved.status_code == 200 and approved.json["status"] == "approved" and approved.json["name"] is None
    assert client.post(f"/api/v1/registrations/{first.id}/approve", json={"create_new": True},
                       headers=headers).status_code == 409
    assert client.post(f"/api/v1/registrations/{second.id}/reject", json={"reason": " "},
                       headers=headers).status_code == 400  # a reason is required, as on the page
    rejected = client.post(f"/api/v1/registrations/{second.id}/reject", json={"reason": "Doppelt"}, headers=headers)
    assert rejected.status_code == 200 and rejected.json["email"] is None
    assert client.get("/api/v1/registrations", headers=headers).json["items"] == []  # decided ones leave the list
    assert [r["id"] for r in client.get("/api/v1/registrations?status=approved", headers=headers).json["items"]] == [
        first.id]
    assert client.get("/api/v1/registrations?status=maybe", headers=headers).status_code == 400
    counts = client.get("/api/v1/registrations/events", headers=headers).json["items"]
    assert counts == [{"event_id": kickoff.id, "title": "Auftakt", "starts_at": "2030-09-26T16:00:00+02:00", "open": 0,
                       "approved": 1, "rejected": 1, "people": 2}]
    db.session.expire_all()
    people = {p.email: p for p in db.session.scalars(select(Person).where(Person.email.like("%@neu.example")))}
    statuses = dict(db.session.execute(select(Attendance.person_id, Attendance.status)
                                       .where(Attendance.session_id == kickoff.id)).all())
    assert statuses == {people["nina@neu.example"].id: AttendanceStatus.REGISTERED,
                        people["olaf@neu.example"].id: AttendanceStatus.REGISTERED}
    [delegate] = approved.json["delegates"]
    assert delegate["has_account"] is False and delegate["person_id"] == people["olaf@neu.example"].id
    invited = client.post(f"/api/v1/registration-delegates/{delegate['id']}/invite", headers=headers)
    assert invited.status_code == 201 and invited.json["has_account"] is True
    assert client.post(f"/api/v1/registration-delegates/{delegate['id']}/invite",
                       headers=headers).status_code == 409
    assert db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "olaf@neu.example",
                                                      OutboxMail.dedup_key.startswith("account:"))) is not None
