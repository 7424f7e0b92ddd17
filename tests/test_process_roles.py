"""Roles per process (issue 17, item 2): steering groups are chosen per process (administrators are steering
everywhere), a moderator is a partner only where they moderate, and a person with roles in several processes
picks one with the switcher; the start page lists them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import select, text

from tests import factories
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.audit.models import AuditEvent
from tracker.errors import Invalid, NotAllowed
from tracker.extensions import db
from tracker.mail.models import MailKind, OutboxMail
from tracker.permissions import is_internal, is_steering
from tracker.plan import updates, versions
from tracker.plan.models import PlanStatus, PlanVersion
from tracker.processes import services
from tracker.processes.models import Process


@pytest.fixture
def second(world):
    """Another city's process with its own steering member, hub and moderator."""
    process = factories.process(name="Masterplan Bottrop", city="Bottrop", starts_on=date(2020, 1, 1),
                                ends_on=date(2021, 12, 31))
    hub = factories.hub(process, name="Hub Z", short_name="Z")
    member = factories.make_steering(process, organization=world.partner, name="Bea Bottrop",
                                     email="bea@bottrop.example")
    moderator = factories.user(Role.MODERATOR, organization=world.partner, hubs=[hub], name="Zora Moderatorin")
    db.session.commit()
    return process, member, moderator


def _steering_audit(process: Process) -> list[AuditEvent]:
    return [event for event in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "process", AuditEvent.object_id == process.id, AuditEvent.action == "update"))
        if event.changes and "steering" in event.changes]


# Who decides where ----------------------------------------------------------------------------------------

def test_steering_and_partnership_are_asked_per_process(world, second):
    process, member, moderator = second
    assert is_steering(member, process) and not is_steering(member, world.process)
    assert is_steering(world.steering, world.process) and not is_steering(world.steering, process)
    assert is_steering(world.admin, process) and is_steering(world.admin, world.process)
    assert is_internal(moderator, process) and not is_internal(moderator, world.process)
    assert is_internal(world.moderator_a, world.process) and not is_internal(world.moderator_a, process)
    unassigned = factories.user(Role.STEERING, name="Ohne Gruppe")  # the role alone decides nowhere
    assert not is_steering(unassigned, world.process) and not is_internal(unassigned, process)
    world.steering.role = Role.COMPANY  # a membership counts only while the login's role is steering
    assert not is_steering(world.steering, world.process) and not is_internal(world.steering, world.process)


def test_a_moderator_sees_the_draft_plan_only_where_they_moderate(client, login, world, second):
    process, _member, moderator = second
    login(moderator)
    assert client.get(f"/processes/{process.id}/plan").status_code == 200
    assert client.get(f"/processes/{world.process.id}/plan").status_code == 403


# Choosing the steering group -------------------------------------------------------------------------------

def test_an_admin_chooses_a_steering_group_on_the_process_page(client, login, world, second):
    process, member, _moderator = second
    login(world.admin)
    page = client.get(f"/processes/{process.id}/steering")
    assert page.status_code == 200 and "Stefan Steering" in page.get_data(as_text=True)
    response = client.post(f"/processes/{process.id}/steering", data={"user_ids": [member.id, world.steering.id]})
    assert response.status_code == 302
    db.session.expire_all()
    assert {u.id for u in db.session.get(Process, process.id).steering_members} == {member.id, world.steering.id}
    [event] = _steering_audit(process)
    assert event.changes["steering"] == [[member.id], sorted([member.id, world.steering.id])]
    assert is_steering(db.session.get(type(world.steering), world.steering.id), db.session.get(Process, process.id))


def test_the_process_steering_group_chooses_its_members_but_no_one_else(client, login, world, second):
    process, member, moderator = second
    for outsider in (world.steering, moderator, world.company_a):
        login(outsider)
        assert client.get(f"/processes/{process.id}/steering").status_code == 403, outsider
        assert client.post(f"/processes/{process.id}/steering", data={"user_ids": [outsider.id]}).status_code == 403
    login(member)
    other = factories.make_steering(world.process, name="Nele Neu")
    db.session.commit()
    assert client.post(f"/processes/{process.id}/steering", data={"user_ids": [member.id, other.id]}).status_code \
        == 302
    db.session.expire_all()
    assert [u.id for u in db.session.get(Process, process.id).steering_members] == sorted([member.id, other.id])
    assert not _steering_audit(world.process)


def test_only_steering_logins_join_a_steering_group(world, second):
    process, member, moderator = second
    with pytest.raises(Invalid) as refused:
        services.set_steering_members(process, [member, world.company_a], by=world.admin)
    assert refused.value.field == "user_ids"
    with pytest.raises(NotAllowed):
        services.set_steering_members(process, [world.steering], by=moderator)
    with pytest.raises(NotAllowed):
        services.set_steering_members(process, [world.steering], by=world.steering)


def test_the_api_sets_the_steering_group_with_the_same_rules(client, world, second, bearer):
    process, member, _moderator = second
    url = f"/api/v1/processes/{process.id}/steering"
    assert client.put(url, json={"user_ids": [world.steering.id]}, headers=bearer(world.steering)).status_code == 403
    refused = client.put(url, json={"user_ids": [world.company_a.id]}, headers=bearer(world.admin))
    assert refused.status_code == 400 and "user_ids" in refused.json["error"]["fields"]
    done = client.put(url, json={"user_ids": [member.id, world.steering.id]}, headers=bearer(member))
    assert done.status_code == 200 and done.json["user_ids"] == sorted([member.id, world.steering.id])
    assert client.get(url, headers=bearer(world.steering)).json["user_ids"] == sorted([member.id, world.steering.id])
    assert client.get(url, headers=bearer(world.company_a)).status_code == 403
    assert _steering_audit(db.session.get(Process, process.id))


# Steering mail and four eyes per process --------------------------------------------------------------------

def test_a_plan_version_goes_to_the_steering_group_of_its_process_only(world, second):
    process, member, _moderator = second
    version = PlanVersion(process=process, number=1, label="Bottrop 2021", content={}, content_hash="0" * 64)
    db.session.add(version)
    db.session.commit()
    versions.submit(version, by=world.admin)
    db.session.commit()
    mails = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == MailKind.PLAN_REVIEW)).all()
    assert [m.to_address for m in mails] == ["bea@bottrop.example"]  # not Stefan, steering of the other process
    with pytest.raises(NotAllowed):
        versions.approve(version, by=world.steering)
    versions.approve(version, by=member)
    assert version.status == PlanStatus.IN_REVIEW and len(version.approvals) == 1


def test_a_plan_update_copies_the_steering_group_and_moves_nobody(client, login, world):
    second_member = factories.make_steering(world.process, organization=world.partner, name="Sina Steering-2")
    version = PlanVersion(process=world.process, number=1, label="Beschluss", content={}, content_hash="0" * 64,
                          status=PlanStatus.APPROVED)
    db.session.add(version)
    db.session.commit()
    login(world.steering)
    assert client.post("/processes/choose", data={"process_id": world.process.id}).status_code == 302
    new = updates.start_update(version, "Fortschreibung", by=world.steering)
    db.session.commit()
    assert {u.id for u in new.steering_members} == {world.steering.id, second_member.id}
    assert {u.id for u in world.process.steering_members} == {world.steering.id, second_member.id}
    start = client.get("/start").get_data(as_text=True)
    assert f'<p class="eyebrow">{world.process.name}' in start  # still where they chose to work
    assert "Fortschreibung" in start  # and the update is one of their processes, to switch to
    assert client.post("/processes/choose", data={"process_id": new.id}).status_code == 302
    assert '<p class="eyebrow">Fortschreibung' in client.get("/start").get_data(as_text=True)


# The switcher and the start page -----------------------------------------------------------------------------

def test_the_start_page_lists_each_process_with_the_role_held_there(client, login, world, second):
    process, _member, _moderator = second
    services.set_steering_members(process, [world.steering], by=world.admin)
    db.session.commit()
    login(world.steering)
    start = client.get("/start").get_data(as_text=True)
    assert "Masterplan Bottrop" in start and world.process.name in start
    assert start.count("Mitglied im Lenkungskreis") >= 2  # the role in each of the two processes
    assert 'class="process-switch"' in start
    # Without a choice: the newest process they hold a role in.
    assert '<p class="eyebrow">Masterplan Bottrop' in start


def test_the_switcher_keeps_the_choice_and_refuses_a_process_without_role(client, login, world, second):
    process, _member, _moderator = second
    login(world.steering)
    assert '<p class="eyebrow">Masterplan Test' in client.get("/start").get_data(as_text=True)
    assert client.post("/processes/choose", data={"process_id": process.id}).status_code == 403
    assert client.get("/processes/choose").status_code == 405  # no state change on GET
    assert '<p class="eyebrow">Masterplan Test' in client.get("/start").get_data(as_text=True)
    login(world.admin)  # administrators may work in any process
    assert client.post("/processes/choose", data={"process_id": process.id}).location.endswith(
        f"/processes/{process.id}")
    start = client.get("/start").get_data(as_text=True)
    assert '<p class="eyebrow">Masterplan Bottrop' in start
    assert f'href="/processes/{process.id}/measures"' in client.get("/organizations/").get_data(as_text=True)


# Existing installations ----------------------------------------------------------------------------------------

def test_the_migration_makes_existing_steering_users_steering_of_every_process(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}", "SECRET_KEY": "x",
                      "SCHEMA_CHECK": False, "TESTING": True})
    script = ScriptDirectory(str(Path(__file__).resolve().parents[1] / "migrations"))
    with app.app_context():
        upgrade(revision=script.get_revision("0007_roles").down_revision)
        with db.engine.begin() as connection:
            for process_id in (1, 2):
                connection.execute(text(
                    "INSERT INTO process (id, name, city, starts_on, ends_on, phase, purpose, foreword, version, "
                    "created_at) VALUES (:id, 'P', 'C', '2018-01-01', '2018-12-31', 'workshops', '', '', 1, "
                    "'2018-01-01 00:00:00')"), {"id": process_id})
            for person_id, role in ((1, "steering"), (2, "moderator"), (3, "admin")):
                connection.execute(text("INSERT INTO person (id, name, created_at) VALUES (:id, 'N', "
                                        "'2018-01-01 00:00:00')"), {"id": person_id})
                connection.execute(text(
                    'INSERT INTO "user" (id, person_id, role, is_active_account, session_token, created_at) '
                    "VALUES (:id, :id, :role, 1, 'x', '2018-01-01 00:00:00')"), {"id": person_id, "role": role})
        upgrade(revision="0007_roles")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT process_id, user_id FROM process_steering ORDER BY 1, 2")).all()
        assert [tuple(row) for row in rows] == [(1, 1), (2, 1)]
        db.engine.dispose()


def test_the_cli_creates_a_steering_member_of_a_process_through_the_audited_service(runner, world, second):
    process, _member, _moderator = second
    result = runner.invoke(args=["create-user", "--email", "lk@example.org", "--name", "Lena Lenkung", "--role",
                                 "steering", "--steering-of", str(process.id), "--password", "Cli-Passwort-1"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    created = accounts.user_by_email("lk@example.org")
    assert [p.id for p in created.steering_processes] == [process.id]
    assert is_steering(created, db.session.get(Process, process.id)) and not is_steering(created, world.process)
    assert _steering_audit(db.session.get(Process, process.id))
    unknown = runner.invoke(args=["create-user", "--email", "x@example.org", "--name", "X", "--role", "steering",
                                  "--steering-of", "9999", "--password", "Cli-Passwort-1"])
    assert unknown.exit_code != 0 and "9999" in unknown.output
