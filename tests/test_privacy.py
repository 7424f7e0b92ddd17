"""A person's data can be exported, and on request forgotten without breaking the plan's records."""

import json

from tests import factories
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.organizations.models import Consent, ConsentPurpose
from tracker.processes.services import figures
from tracker.sessions.models import AttendanceStatus


def test_person_downloads_their_own_data(client, world, login):
    world.company_a.person.consents.append(Consent(purpose=ConsentPurpose.CONTACT, text_version="2018-09"))
    factories.attendance(world.session_a, world.company_a.person)
    db.session.commit()
    login(world.company_a)
    response = client.get("/profile/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["person"]["email"] == world.company_a.email
    assert data["consents"][0]["purpose"] == "contact"
    assert data["attendance"][0]["status"] == "attended"


def test_only_admins_export_or_anonymise_others(client, world, login):
    login(world.steering)
    person = world.company_a.person
    assert client.get(f"/admin/people/{person.id}/data.json").status_code == 403
    assert client.post(f"/admin/people/{person.id}/anonymise").status_code == 403
    db.session.refresh(person)
    assert person.name == "Carla Company-A"


def test_anonymisation_removes_name_and_contact_but_keeps_contributions(client, world, login):
    person = world.company_a.person
    email = person.email
    factories.attendance(world.session_a, person, AttendanceStatus.ATTENDED)
    world.measure_a.proposer_person = person
    db.session.commit()
    client.post("/login", data={"email": person.email, "password": "wrong-password-1"})  # audited with email
    before = figures(world.process)

    login(world.admin)
    response = client.post(f"/admin/people/{person.id}/anonymise")
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.email is None and person.anonymised_at is not None
    assert "Carla" not in person.name
    assert world.measure_a.proposer_person_id == person.id  # the idea stays, attributed
    after = figures(world.process)
    assert (after.people, after.working_hours) == (before.people, before.working_hours)
    assert all("carla" not in (e.summary or "").lower() for e in db.session.query(AuditEvent))
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 401
    login(world.admin)

    page = client.get(f"/organizations/{world.org_a.id}").get_data(as_text=True)
    assert "Carla Company-A" not in page and "Ehemalige Teilnehmerin / ehemaliger Teilnehmer" in page
