"""A city sets up its process in the browser (issue 17, item 1): an administrator creates it, its steering
group edits it, the overview lists what the set-up still needs; the API follows the same rules."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.audit.models import AuditEvent
from tracker.errors import NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.plan import exports
from tracker.processes import services
from tracker.processes.models import Phase, Process
from tracker.sessions.models import SessionKind, SessionStatus


def _form(**overrides) -> dict:
    data = {"name": "Masterplan Essen", "city": "Essen", "starts_on": "2025-01-15", "ends_on": "2025-12-31",
            "contact_name": "Petra Prozess", "contact_email": "Petra@Essen.example", "plan_language": "en",
            "purpose": "Die **Wirtschaft** stärken <script>alert(1)</script>", "foreword": "Liebe Leserinnen"}
    data.update(overrides)
    return data


def _process(name: str) -> Process:
    return db.session.scalar(select(Process).where(Process.name == name))


def _audit(action: str, process: Process) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_type == "process", AuditEvent.object_id == process.id)))


# Creating -------------------------------------------------------------------------------------------

def test_an_admin_creates_a_process_in_the_browser(client, world, login):
    login(world.admin)
    assert client.get("/processes/new").status_code == 200
    response = client.post("/processes/new", data=_form(partner_ids=[world.partner.id]))
    assert response.status_code == 302
    process = _process("Masterplan Essen")
    assert response.location.endswith(f"/processes/{process.id}")
    assert (process.city, process.starts_on.isoformat(), process.ends_on.isoformat()) == (
        "Essen", "2025-01-15", "2025-12-31")
    assert (process.contact_name, process.contact_email, process.plan_language) == (
        "Petra Prozess", "petra@essen.example", "en")
    assert [o.id for o in process.partners] == [world.partner.id]
    assert _audit("create", process)

    # The landing page shows the purpose as Markdown, sanitised like every other Markdown text.
    landing = client.get(f"/p/{process.id}").get_data(as_text=True)
    assert "<strong>Wirtschaft</strong>" in landing and "<script>alert(1)" not in landing


@pytest.mark.parametrize("role", ["steering", "moderator_a", "company_a"])
def test_only_admins_create_processes(client, world, login, role):
    login(getattr(world, role))
    assert client.get("/processes/new").status_code == 403
    assert client.post("/processes/new", data=_form()).status_code == 403
    with pytest.raises(NotAllowed):  # the service itself refuses, whoever calls it
        services.create_process(by=getattr(world, role), name="Masterplan Essen", city="Essen",
                                starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    db.session.rollback()
    assert _process("Masterplan Essen") is None


@pytest.mark.parametrize("role", ["moderator_a", "company_a"])
def test_only_the_steering_group_sets_the_phase(world, role):
    with pytest.raises(NotAllowed):
        services.set_phase(world.process, Phase.CONSOLIDATION, by=getattr(world, role))
    services.set_phase(world.process, Phase.CONSOLIDATION, by=world.steering)
    assert world.process.phase == Phase.CONSOLIDATION


def test_the_end_before_the_start_is_a_field_error_and_nothing_typed_is_lost(client, world, login):
    login(world.admin)
    response = client.post("/processes/new", data=_form(starts_on="2025-12-31", ends_on="2025-01-01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="ends_on-error">Der Prozess kann nicht enden, bevor er beginnt.' in page
    for typed in ('value="Masterplan Essen"', 'value="Petra Prozess"', 'value="2025-12-31"', 'value="2025-01-01"',
                  "Liebe Leserinnen", '<option selected value="en">'):
        assert typed in page, typed
    assert _process("Masterplan Essen") is None


# Editing --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["steering", "admin"])
def test_the_steering_group_edits_the_set_up(client, world, login, role):
    login(getattr(world, role))
    page = client.get(f"/processes/{world.process.id}/edit").get_data(as_text=True)
    assert 'value="Masterplan Test"' in page
    other = factories.organization(name="Handwerkskammer")
    db.session.commit()
    response = client.post(f"/processes/{world.process.id}/edit", data=_form(
        name="Masterplan Test 2", version=world.process.version, partner_ids=[world.partner.id, other.id]))
    assert response.status_code == 302
    db.session.expire_all()
    process = db.session.get(Process, world.process.id)
    assert (process.name, process.city, process.contact_name, process.plan_language) == (
        "Masterplan Test 2", "Essen", "Petra Prozess", "en")
    assert {o.id for o in process.partners} == {world.partner.id, other.id}
    (event,) = _audit("update", process)
    assert event.changes["name"] == ["Masterplan Test", "Masterplan Test 2"] and "partners" in event.changes


@pytest.mark.parametrize("role", ["moderator_a", "company_a"])
def test_moderators_and_companies_may_not_edit_the_process(client, world, login, bearer, role):
    user = getattr(world, role)
    login(user)
    assert client.get(f"/processes/{world.process.id}/edit").status_code == 403
    assert client.post(f"/processes/{world.process.id}/edit",
                       data=_form(version=world.process.version)).status_code == 403
    response = client.patch(f"/api/v1/processes/{world.process.id}", headers=bearer(user),
                            json={"version": world.process.version, "name": "Gekapert"})
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        services.update_process(world.process, by=user, expected_version=world.process.version, name="Gekapert")
    db.session.rollback()
    assert db.session.get(Process, world.process.id).name == "Masterplan Test"
    assert "Einrichtung bearbeiten" not in client.get(f"/processes/{world.process.id}").get_data(as_text=True)


def test_an_edit_error_keeps_the_input_and_changes_nothing(client, world, login):
    login(world.steering)
    response = client.post(f"/processes/{world.process.id}/edit", data=_form(
        starts_on="2026-01-01", ends_on="2025-01-01", name="Neuer Name", version=world.process.version))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="ends_on-error"' in page and 'value="Neuer Name"' in page
    db.session.expire_all()
    assert db.session.get(Process, world.process.id).name == "Masterplan Test"


def test_a_stale_edit_is_a_conflict_not_a_lost_change(client, world, login):
    read_version = world.process.version
    services.update_process(world.process, by=world.steering, expected_version=read_version, city="Duisburg")
    db.session.commit()
    login(world.admin)
    response = client.post(f"/processes/{world.process.id}/edit", data=_form(version=read_version))
    assert response.status_code == 409 and "inzwischen geändert" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Process, world.process.id).city == "Duisburg"
    with pytest.raises(StaleVersion):
        services.update_process(world.process, by=world.steering, expected_version=read_version, city="Essen")


# The API: the same services ----------------------------------------------------------------------------

def test_the_api_creates_and_patches_with_the_same_rules(client, world, bearer):
    admin, steering = bearer(world.admin), bearer(world.steering)
    body = {"name": "Masterplan Bottrop", "city": "Bottrop", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
            "contact_name": "Bernd Bottrop", "plan_language": "en", "partner_ids": [world.partner.id]}
    created = client.post("/api/v1/processes", json=body, headers=admin)
    assert created.status_code == 201
    assert created.json["plan_language"] == "en" and created.json["partner_ids"] == [world.partner.id]
    process_id, version = created.json["id"], created.json["version"]
    # Steering is per process: a new process has no steering group until one is chosen.
    assert client.patch(f"/api/v1/processes/{process_id}", headers=steering,
                        json={"version": version, "city": "Gladbeck"}).status_code == 403
    assert client.put(f"/api/v1/processes/{process_id}/steering", headers=admin,
                      json={"user_ids": [world.steering.id]}).status_code == 200

    refused = client.patch(f"/api/v1/processes/{process_id}", headers=steering,
                           json={"version": version, "ends_on": "2024-06-30"})
    assert refused.status_code == 400 and "ends_on" in refused.json["error"]["fields"]
    patched = client.patch(f"/api/v1/processes/{process_id}", headers=steering,
                           json={"version": version, "contact_email": "info@bottrop.example", "partner_ids": []})
    assert patched.status_code == 200
    assert patched.json["contact_email"] == "info@bottrop.example" and patched.json["partner_ids"] == []
    assert patched.json["city"] == "Bottrop" and patched.json["version"] == version + 1
    stale = client.patch(f"/api/v1/processes/{process_id}", headers=steering, json={"version": version, "city": "X"})
    assert stale.status_code == 409
    assert client.get(f"/api/v1/processes/{process_id}", headers=bearer(world.company_a)).json["city"] == "Bottrop"
    assert _audit("update", db.session.get(Process, process_id))


# The language of the plan documents ---------------------------------------------------------------------

def test_the_plan_documents_follow_the_process_language(client, world, login):
    factories.goal(world.process, number=1, title="Innovation")
    db.session.commit()
    german = exports.export_draft(world.process, "md").decode()
    services.update_process(world.process, by=world.steering, expected_version=world.process.version,
                            plan_language="en")
    db.session.commit()
    english = exports.export_draft(world.process, "md").decode()
    assert "Leitziel 1" in german and "Guiding goal 1" not in german
    assert "Guiding goal 1" in english and "Leitziel 1" not in english


# The checklist ---------------------------------------------------------------------------------------

def _steps(client, process_id) -> dict[str, str]:
    """Each step of the overview's checklist with its state ("done"/"open"); empty when the list is gone."""
    page = client.get(f"/processes/{process_id}").get_data(as_text=True)
    return dict((key, state) for state, key in
                re.findall(r'checklist__item--(done|open)" data-step="(\w+)"', page))


def test_the_checklist_turns_done_step_by_step_and_then_disappears(client, world, login):
    login(world.admin)
    client.post("/processes/new", data=_form())
    process = _process("Masterplan Essen")
    assert _steps(client, process.id) == {"partners": "open", "hubs": "open", "goals": "open", "kickoff": "open",
                                          "registration": "open"}
    page = client.get(f"/processes/{process.id}").get_data(as_text=True)
    for link in (f"/processes/{process.id}/edit", f"/hubs/new/{process.id}", f"/processes/{process.id}/goals",
                 f"/processes/{process.id}/sessions/new", f"/p/{process.id}/register"):
        assert f'href="{link}"' in page, link

    read_version = process.version
    services.update_process(process, by=world.admin, expected_version=read_version, partners=[world.partner])
    hub = factories.hub(process, name="Innovation")
    db.session.commit()
    assert process.version == read_version + 1  # naming partners alone is a change others must not overwrite
    steps = _steps(client, process.id)
    assert steps["partners"] == "done" and steps["registration"] == "done"
    assert steps["hubs"] == "open"  # a hub without a moderator
    assert f'href="/hubs/{hub.id}/edit"' in client.get(f"/processes/{process.id}").get_data(as_text=True)

    hub.moderators = [world.moderator_a]
    factories.goal(process, number=1, title="Innovativ")
    cancelled = factories.session(process, kind=SessionKind.KICKOFF, title="Auftakt", status=SessionStatus.CANCELLED,
                                  starts_at=datetime(2025, 2, 1, 18))
    db.session.commit()
    assert _steps(client, process.id) == {"partners": "done", "hubs": "done", "goals": "done", "kickoff": "open",
                                          "registration": "done"}  # a cancelled kickoff does not count
    cancelled.status = SessionStatus.PLANNED
    db.session.commit()
    assert _steps(client, process.id) == {}
    assert "Einrichtung vor dem Auftakt" not in client.get(f"/processes/{process.id}").get_data(as_text=True)


def test_only_who_sets_up_sees_the_checklist(client, world, login):
    login(world.moderator_a)
    assert _steps(client, world.process.id) == {}
    client.post("/logout")
    login(world.steering)
    assert _steps(client, world.process.id)["goals"] == "open"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "update")) == 0
