"""Inviting everyone a session is for, in one step, without duplicates."""

from tests import factories
from tests.attendance.conftest import statuses
from tracker.attendance.services import invite_all
from tracker.extensions import db
from tracker.model_types import utcnow
from tracker.sessions.models import AttendanceStatus, SessionKind


def test_invite_all_invites_delegates_or_people_of_the_hubs_members_once(client, world, login):
    not_a_delegate = factories.person(world.org_a, name="Nina Nicht-Delegiert")
    org_c = factories.organization(name="Gamma AG")
    factories.membership(org_c, world.hub_a)  # no delegates: its people are invited
    factories.person(org_c, name="Gerd Gamma")
    factories.person(org_c, name="Gisela Gamma")
    factories.attendance(world.session_a, world.company_a.person, AttendanceStatus.EXCUSED)
    db.session.commit()

    login(world.moderator_a)
    response = client.post(f"/sessions/{world.session_a.id}/invite", follow_redirects=True)
    assert response.status_code == 200
    assert "2" in response.get_data(as_text=True)
    assert statuses(world.session_a) == {
        "Carla Company-A": "excused",  # existing status left alone
        "Gerd Gamma": "invited",
        "Gisela Gamma": "invited",
    }
    assert not_a_delegate.name not in statuses(world.session_a)

    client.post(f"/sessions/{world.session_a.id}/invite")  # a second run adds nobody
    assert len(statuses(world.session_a)) == 3


def test_process_wide_event_invites_the_delegates_of_all_hubs(app, world):
    plenary = factories.session(world.process, None, title="Plenum")
    assert invite_all(plenary, by=world.steering) == 2
    db.session.commit()
    assert statuses(plenary) == {"Carla Company-A": "invited", "Carl Company-B": "invited"}
    assert invite_all(plenary, by=world.steering) == 0


def test_moderator_of_another_hub_cannot_invite(client, world, login, counts):
    before = counts()
    login(world.moderator_b)
    assert client.post(f"/sessions/{world.session_a.id}/invite").status_code == 403
    assert counts() == before


def test_company_cannot_invite_to_its_own_hubs_session(client, world, login, counts):
    before = counts()
    login(world.company_a)
    assert client.post(f"/sessions/{world.session_a.id}/invite").status_code == 403
    assert counts() == before


def test_steering_meeting_invites_the_people_of_the_steering_partners(app, world):
    meeting = factories.session(world.process, None, title="Lenkungskreis", kind=SessionKind.STEERING)
    assert invite_all(meeting, by=world.admin) == 4  # admin, steering and both moderators work for the partner
    db.session.commit()
    assert "Carla Company-A" not in statuses(meeting)


def test_anonymised_people_are_not_invited(app, world):
    world.company_a.person.anonymised_at = utcnow()
    db.session.commit()
    assert invite_all(world.session_a, by=world.moderator_a) == 0
