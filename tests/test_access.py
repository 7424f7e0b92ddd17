"""Each role sees what it may and not more; checks are per object, not only per route."""

import re

import pytest

from tracker.extensions import db
from tracker.processes.models import Phase
from tracker.sessions.models import MinutesStatus


def test_public_sees_the_landing_page_and_nothing_personal(client, world):
    page = client.get("/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Hub A" in text and "Wirtschaftsförderung" in text
    assert "Carla" not in text and "Alpha GmbH" not in text


@pytest.mark.parametrize("path", ["/processes/{p}", "/hubs/{h}", "/sessions/{s}", "/organizations/",
                                  "/organizations/{o}", "/processes/{p}/measures", "/measures/{m}", "/admin/users"])
def test_public_is_sent_to_login_for_internal_pages(client, world, path):
    url = path.format(p=world.process.id, h=world.hub_a.id, s=world.session_a.id, o=world.org_a.id,
                      m=world.measure_a.id)
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_company_sees_its_hubs_session_but_not_another_hubs(client, world, login):
    login(world.company_a)
    assert client.get(f"/sessions/{world.session_a.id}").status_code == 200
    assert client.get(f"/sessions/{world.session_b.id}").status_code == 403


def test_company_does_not_see_draft_minutes_but_sees_approved_ones(client, world, login):
    login(world.company_a)
    assert "Geheimer Entwurf A" not in client.get(f"/sessions/{world.session_a.id}").get_data(as_text=True)
    world.session_a.minutes_status = MinutesStatus.APPROVED
    db.session.commit()
    assert "Geheimer Entwurf A" in client.get(f"/sessions/{world.session_a.id}").get_data(as_text=True)


def test_moderator_reads_own_hubs_draft_minutes_only(client, world, login):
    login(world.moderator_a)
    assert "Geheimer Entwurf A" in client.get(f"/sessions/{world.session_a.id}").get_data(as_text=True)
    other = client.get(f"/sessions/{world.session_b.id}")
    assert other.status_code == 200 and "Geheimer Entwurf B" not in other.get_data(as_text=True)


def test_company_sees_people_of_its_own_organisation_only(client, world, login):
    login(world.company_a)
    assert "Carla Company-A" in client.get(f"/organizations/{world.org_a.id}").get_data(as_text=True)
    other = client.get(f"/organizations/{world.org_b.id}")
    assert other.status_code == 200 and "Carl Company-B" not in other.get_data(as_text=True)


def test_steering_sees_everything(client, world, login):
    login(world.steering)
    for url in (f"/sessions/{world.session_b.id}", f"/hubs/{world.hub_b.id}", f"/organizations/{world.org_b.id}",
                f"/processes/{world.process.id}/measures"):
        assert client.get(url).status_code == 200
    assert "Geheimer Entwurf B" in client.get(f"/sessions/{world.session_b.id}").get_data(as_text=True)


@pytest.mark.parametrize("role,allowed", [("steering", True), ("admin", True), ("moderator_a", False),
                                          ("company_a", False)])
def test_only_steering_and_admin_set_the_phase(client, world, login, role, allowed):
    login(getattr(world, role))
    response = client.post(f"/processes/{world.process.id}/phase", data={"phase": "consolidation"})
    db.session.refresh(world.process)
    assert (world.process.phase == Phase.CONSOLIDATION) is allowed
    assert response.status_code == (302 if allowed else 403)


def test_phase_change_is_shown_on_the_timeline(client, world, login):
    login(world.steering)
    client.post(f"/processes/{world.process.id}/phase", data={"phase": "adoption"})
    page = client.get(f"/processes/{world.process.id}").get_data(as_text=True)
    phases = re.findall(r'<li class="phase phase--(\w+)"[^>]*>.*?phase__name">([^<]+)<', page, re.S)
    assert ("current", "Verabschiedung") in phases
    assert ("done", "Priorisierung") in phases and ("done", "Konsolidierung") in phases
    assert ("upcoming", "Umsetzung") in phases


def test_phase_cannot_be_set_by_get(client, world, login):
    login(world.steering)
    assert client.get(f"/processes/{world.process.id}/phase").status_code == 405


def test_process_overview_counts(client, world, login):
    login(world.moderator_a)
    page = client.get(f"/processes/{world.process.id}").get_data(as_text=True)
    assert "Hub A" in page and "Alpha GmbH" in page


def test_unknown_ids_give_a_styled_404(client, world, login):
    login(world.steering)
    response = client.get("/sessions/999999")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.get_data(as_text=True)


def test_markdown_in_descriptions_is_sanitised(client, world, login):
    world.hub_a.description = "Hallo <script>alert(1)</script> [x](javascript:alert(2)) **fett**"
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page
    assert "<strong>fett</strong>" in page


def test_security_headers_are_set(client, world):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    script_src = next(d for d in headers["Content-Security-Policy"].split(";") if "script-src" in d)
    assert script_src.strip() == "script-src 'self'"  # no inline script, no eval
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
