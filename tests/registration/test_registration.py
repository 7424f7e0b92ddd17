"""Companies register for the process: person, organisation, hub and consents, never twice."""

from datetime import datetime

from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.organizations.models import ConsentPurpose, Organization, Person
from tracker.sessions.models import Session, SessionKind


def _register(client, world, **overrides):
    data = {"name": "Nina Neu", "email": "nina@neu.example", "function": "Geschäftsführerin",
            "organization_id": 0, "new_organization": "Neu GmbH", "new_organization_type": "company",
            "new_organization_sector": "Handel", "hub_id": world.hub_a.id, "consent_contact": "y"}
    data.update(overrides)
    return client.post(f"/p/{world.process.id}/register", data=data)


def test_registration_with_a_new_organisation(client, world):
    response = _register(client, world, consent_named="y")
    assert response.status_code == 200 and "Vielen Dank" in response.get_data(as_text=True)
    person = db.session.scalar(select(Person).where(Person.email == "nina@neu.example"))
    organization = person.organization
    assert organization.name == "Neu GmbH" and organization.consents_to_be_named
    assert {c.purpose for c in person.consents} == {ConsentPurpose.CONTACT, ConsentPurpose.NAMED_IN_PLAN}
    membership = db.session.scalar(select(HubMembership).where(HubMembership.organization_id == organization.id))
    assert membership.hub_id == world.hub_a.id and person in membership.delegates
    assert person.user is not None and person.user.password_hash is None


def test_registration_with_an_existing_organisation_joins_its_hub(client, world):
    response = _register(client, world, organization_id=world.org_a.id, new_organization="")
    assert response.status_code == 200
    person = db.session.scalar(select(Person).where(Person.email == "nina@neu.example"))
    assert person.organization_id == world.org_a.id
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 3


def test_duplicate_email_is_recognised(client, world):
    response = _register(client, world, email=world.company_a.email.upper())
    assert response.status_code == 400 and "bereits ein Konto" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 6


def test_hub_already_chosen_by_a_colleagues_organisation(client, world):
    response = _register(client, world, organization_id=0, new_organization="alpha GMBH", hub_id=world.hub_b.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Hub A" in page and "Nina Neu" in page
    assert db.session.scalar(select(Person).where(Person.email == "nina@neu.example")) is None


def test_missing_consent_creates_nothing_and_keeps_input(client, world):
    response = _register(client, world, consent_contact="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Ohne diese Einwilligung" in page and "Neu GmbH" in page
    assert db.session.scalar(select(Organization).where(Organization.name == "Neu GmbH")) is None


def test_admin_approves_with_a_set_password_link(client, world, login):
    _register(client, world)
    login(world.admin)
    assert "Nina Neu" in client.get("/admin/registrations").get_data(as_text=True)
    user = db.session.scalar(select(User).join(User.person).where(Person.email == "nina@neu.example"))
    page = client.post(f"/admin/registrations/{user.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "/set-password/" in page


def test_public_event_page_shows_the_kickoff_but_not_steering_meetings(client, world):
    kickoff = Session(process=world.process, kind=SessionKind.KICKOFF, title="Auftakt", location="Fraunhofer",
                      starts_at=datetime(2018, 9, 26, 16), ends_at=datetime(2018, 9, 26, 18))
    steering = Session(process=world.process, kind=SessionKind.STEERING, title="Interne Sitzung",
                       starts_at=datetime(2018, 9, 5, 10), ends_at=datetime(2018, 9, 5, 12))
    db.session.add_all([kickoff, steering])
    db.session.commit()
    page = client.get(f"/events/{kickoff.id}").get_data(as_text=True)
    assert "Auftakt" in page and "Fraunhofer" in page and "Hub A" in page and "Wirtschaftsförderung" in page
    assert "Carla" not in page
    assert client.get(f"/events/{steering.id}").status_code == 404
    assert client.get(f"/events/{world.session_a.id}").status_code == 404
    landing = client.get(f"/p/{world.process.id}").get_data(as_text=True)
    assert "Auftakt" in landing and "Interne Sitzung" not in landing
