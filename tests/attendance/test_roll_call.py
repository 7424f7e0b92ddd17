"""The roll call in the room: each click saves, the page also works as one plain form."""

import re

from sqlalchemy import select

from tests import factories
from tests.attendance.conftest import statuses
from tracker.extensions import db
from tracker.organizations.models import Organization, Person
from tracker.sessions.models import Attendance, AttendanceStatus


def _invite(session, *people):
    rows = [factories.attendance(session, p, AttendanceStatus.INVITED) for p in people]
    db.session.commit()
    return rows


def test_roll_call_page_lists_everyone_with_choices_and_no_inline_script(client, world, login):
    (attendance,) = _invite(world.session_a, world.company_a.person)
    login(world.moderator_a)
    page = client.get(f"/sessions/{world.session_a.id}/roll-call")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Carla Company-A" in html and "Alpha GmbH" in html
    for status in ("attended", "excused", "absent", "invited", "registered"):
        assert f'name="status-{attendance.id}" value="{status}"' in html
    assert 'id="roll-call-filter"' in html and "js/attendance.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " onclick=" not in html and " style=" not in html


def test_each_click_saves_through_the_json_endpoint(client, world, login):
    (attendance,) = _invite(world.session_a, world.company_a.person)
    login(world.moderator_a)
    response = client.post(f"/sessions/{world.session_a.id}/attendance/{attendance.id}", json={"status": "attended"})
    assert response.status_code == 200
    assert response.json["status"] == "attended"
    assert response.json["counts"]["attended"] == 1 and response.json["working_hours"] == 2.0
    assert statuses(world.session_a) == {"Carla Company-A": "attended"}


def test_without_javascript_the_whole_roll_call_saves_in_one_submit(client, world, login):
    other = factories.person(world.org_a, name="Otto Other")
    first, second = _invite(world.session_a, world.company_a.person, other)
    login(world.moderator_a)
    response = client.post(f"/sessions/{world.session_a.id}/roll-call",
                           data={f"status-{first.id}": "attended", f"status-{second.id}": "excused"})
    assert response.status_code == 302
    assert statuses(world.session_a) == {"Carla Company-A": "attended", "Otto Other": "excused"}


def test_unknown_status_is_refused(client, world, login):
    (attendance,) = _invite(world.session_a, world.company_a.person)
    login(world.moderator_a)
    response = client.post(f"/sessions/{world.session_a.id}/attendance/{attendance.id}", json={"status": "maybe"})
    assert response.status_code == 400
    assert statuses(world.session_a) == {"Carla Company-A": "invited"}


def test_moderator_of_another_hub_cannot_change_attendance(client, world, login):
    (attendance,) = _invite(world.session_a, world.company_a.person)
    login(world.moderator_b)
    assert client.get(f"/sessions/{world.session_a.id}/roll-call").status_code == 403
    assert client.post(f"/sessions/{world.session_a.id}/attendance/{attendance.id}",
                       json={"status": "absent"}).status_code == 403
    assert client.post(f"/sessions/{world.session_a.id}/roll-call",
                       data={f"status-{attendance.id}": "absent"}).status_code == 403
    # nor through their own session's URL with an attendance id of hub A
    assert client.post(f"/sessions/{world.session_b.id}/attendance/{attendance.id}",
                       json={"status": "absent"}).status_code == 404
    assert client.post(f"/sessions/{world.session_b.id}/roll-call",
                       data={f"status-{attendance.id}": "absent"}).status_code == 302
    assert statuses(world.session_a) == {"Carla Company-A": "invited"}


def test_company_representative_cannot_take_the_roll_call(client, world, login):
    (attendance,) = _invite(world.session_a, world.company_a.person)
    login(world.company_a)
    assert client.get(f"/sessions/{world.session_a.id}/roll-call").status_code == 403
    assert client.post(f"/sessions/{world.session_a.id}/attendance/{attendance.id}",
                       json={"status": "attended"}).status_code == 403
    assert statuses(world.session_a) == {"Carla Company-A": "invited"}


def test_walk_in_with_a_new_organisation_creates_person_and_attendance(client, world, login):
    login(world.moderator_a)
    response = client.post(f"/sessions/{world.session_a.id}/walk-in", data={
        "name": "Wanda Walk-in", "email": "Wanda@Example.org", "organization_id": "",
        "new_organization": "Delta Druck KG", "new_organization_type": "crafts",
    })
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.email == "wanda@example.org"))
    assert person.name == "Wanda Walk-in" and person.organization.name == "Delta Druck KG"
    assert person.organization.type.value == "crafts"
    assert statuses(world.session_a) == {"Wanda Walk-in": "attended"}


def test_walk_in_with_a_known_email_and_existing_organisation_reuses_the_person(client, world, login, counts):
    login(world.moderator_a)
    people, organisations, _ = counts()
    response = client.post(f"/sessions/{world.session_a.id}/walk-in", data={
        "name": "Carla", "email": world.company_a.person.email.upper(), "organization_id": str(world.org_a.id),
        "new_organization": "", "new_organization_type": "company",
    })
    assert response.status_code == 302
    assert counts()[:2] == (people, organisations)
    assert statuses(world.session_a) == {"Carla Company-A": "attended"}


def test_walk_in_into_a_known_organisation_by_name(client, world, login):
    login(world.moderator_a)
    client.post(f"/sessions/{world.session_a.id}/walk-in", data={
        "name": "Bernd Beta", "email": "", "organization_id": "", "new_organization": "  beta   gmbh ",
        "new_organization_type": "company",
    })
    person = db.session.scalar(select(Person).where(Person.name == "Bernd Beta"))
    assert person.organization_id == world.org_b.id
    assert db.session.scalar(select(Organization).where(Organization.name.ilike("%beta%"))).id == world.org_b.id


def test_invalid_walk_in_is_shown_again_with_the_input_kept(client, world, login, counts):
    login(world.moderator_a)
    before = counts()
    response = client.post(f"/sessions/{world.session_a.id}/walk-in", data={
        "name": "Ida Invalid", "email": "not-an-address", "organization_id": "", "new_organization": "",
        "new_organization_type": "company",
    })
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ida Invalid" in html and "not-an-address" in html and "field--invalid" in html
    assert counts() == before


def test_moderator_of_another_hub_cannot_add_a_walk_in(client, world, login, counts):
    before = counts()
    login(world.moderator_b)
    response = client.post(f"/sessions/{world.session_a.id}/walk-in", data={
        "name": "Eve", "email": "", "organization_id": "", "new_organization": "Evil Corp",
        "new_organization_type": "company"})
    assert response.status_code == 403
    assert counts() == before
    assert db.session.scalar(select(Attendance).where(Attendance.session_id == world.session_a.id)) is None


def test_after_the_roll_call_the_summary_counts_what_was_recorded_and_offers_mark_as_held(client, world, login):
    """Issue 18: the moderator is offered "mark as held" once people are recorded as attended."""
    from tracker.sessions.models import SessionStatus
    world.session_a.status = SessionStatus.PLANNED
    other = factories.person(world.org_a, name="Otto Other")
    first, _second = _invite(world.session_a, world.company_a.person, other)
    login(world.moderator_a)
    page = client.get(f"/sessions/{world.session_a.id}/roll-call").get_data(as_text=True)
    assert 'id="mark-held"' not in page and "<strong data-recorded>0</strong> von 2" in page
    answer = client.post(f"/sessions/{world.session_a.id}/attendance/{first.id}", json={"status": "attended"})
    assert answer.json["recorded"] == 1
    page = client.get(f"/sessions/{world.session_a.id}/roll-call").get_data(as_text=True)
    assert "<strong data-recorded>1</strong> von 2" in page and 'id="mark-held"' in page
    assert client.post(f"/sessions/{world.session_a.id}/status", data={"status": "held"}).status_code == 302
    db.session.refresh(world.session_a)
    assert world.session_a.status == SessionStatus.HELD
    assert 'id="mark-held"' not in client.get(f"/sessions/{world.session_a.id}/roll-call").get_data(as_text=True)
