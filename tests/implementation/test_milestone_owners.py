"""Milestones have an owner (an organisation and one of its people) who is reminded by mail before the
milestone is due, once per due date (issue 17, item 3)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.audit.models import AuditEvent
from tracker.errors import Invalid, NotAllowed
from tracker.extensions import db
from tracker.implementation import services
from tracker.implementation.models import Milestone
from tracker.implementation.reminders import send_milestone_reminders
from tracker.mail.models import MailKind, OutboxMail
from tracker.mail.services import set_preference

TODAY = date(2021, 3, 1)


@pytest.fixture
def owner(plan):
    """The responsible organisation's representative, owner of milestones of the first measure."""
    _goal, _measures, rep = plan
    return rep.person


def _outbox() -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == MailKind.MILESTONE)
                                   .order_by(OutboxMail.id)))


def test_a_milestone_gets_an_owner_and_the_audit_trail_names_it(world, plan, owner):
    _goal, measures, _rep = plan
    milestone = services.add_milestone(measures[0], title="Erste Börse", due_on=TODAY, by=world.steering,
                                       owner_organization=owner.organization, owner_person=owner)
    db.session.commit()
    assert (milestone.owner_organization, milestone.owner_person) == (owner.organization, owner)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "milestone"))
    assert event.changes["owner"] == [owner.organization_id, owner.id]

    services.set_milestone_owner(milestone, organization=world.partner, person=None, by=world.steering)
    db.session.commit()
    assert (milestone.owner_organization_id, milestone.owner_person_id) == (world.partner.id, None)
    changes = db.session.scalars(select(AuditEvent.changes).where(AuditEvent.object_type == "milestone",
                                                                  AuditEvent.action == "update")).all()
    assert changes == [{"owner": [[owner.organization_id, owner.id], [world.partner.id, None]]}]


def test_the_owner_must_belong_to_the_owning_organisation(world, plan, owner):
    _goal, measures, _rep = plan
    stranger = factories.person(world.org_b, name="Bernd Beta")
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        services.add_milestone(measures[0], title="X", due_on=TODAY, by=world.steering,
                               owner_organization=owner.organization, owner_person=stranger)
    assert refused.value.field == "owner_person_id"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0
    # a person alone brings their organisation
    milestone = services.add_milestone(measures[0], title="Y", due_on=None, owner_organization=None,
                                       owner_person=stranger, by=world.steering)
    assert milestone.owner_organization_id == world.org_b.id


def test_only_reporters_name_an_owner(world, plan, owner):
    _goal, measures, _rep = plan
    milestone = services.add_milestone(measures[0], title="Z", due_on=TODAY, by=world.steering)
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.set_milestone_owner(milestone, organization=owner.organization, person=owner, by=world.company_b)


def test_the_measure_page_form_names_the_owner_and_keeps_input_on_a_mismatch(client, login, world, plan, owner):
    _goal, measures, rep = plan
    stranger = factories.person(world.org_b, name="Bernd Beta")
    measures[0].partner_organizations = [world.org_b]
    db.session.commit()
    login(rep)
    page = client.get(f"/measures/{measures[0].id}").get_data(as_text=True)
    assert "Bernd Beta" in page and owner.name in page  # people of the measure's organisations to choose from

    response = client.post(f"/measures/{measures[0].id}/milestones", data={
        "milestone-title": "Gründerbörse", "milestone-due_on": "2021-03-10",
        "milestone-owner_organization_id": str(owner.organization_id), "milestone-owner_person_id": str(stranger.id)})
    assert response.status_code == 400
    assert "Gründerbörse" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0

    response = client.post(f"/measures/{measures[0].id}/milestones", data={
        "milestone-title": "Gründerbörse", "milestone-due_on": "2021-03-10",
        "milestone-owner_organization_id": str(owner.organization_id), "milestone-owner_person_id": str(owner.id)})
    assert response.status_code == 302
    milestone = db.session.scalar(select(Milestone))
    assert (milestone.owner_organization_id, milestone.owner_person_id) == (owner.organization_id, owner.id)
    assert owner.name in client.get(f"/measures/{measures[0].id}").get_data(as_text=True)

    response = client.post(f"/milestones/{milestone.id}/owner", data={
        f"owner{milestone.id}-owner_organization_id": str(world.org_b.id),
        f"owner{milestone.id}-owner_person_id": str(stranger.id)})
    assert response.status_code == 302
    db.session.refresh(milestone)
    assert milestone.owner_person_id == stranger.id


def test_the_api_names_and_changes_the_owner_with_the_same_rule(client, bearer, world, plan, owner):
    _goal, measures, rep = plan
    stranger = factories.person(world.org_b, name="Bernd Beta")
    db.session.commit()
    url = f"/api/v1/measures/{measures[0].id}/milestones"
    refused = client.post(url, headers=bearer(rep), json={
        "title": "Börse", "due_on": "2021-03-10", "owner_organization_id": owner.organization_id,
        "owner_person_id": stranger.id})
    assert refused.status_code == 400 and "owner_person_id" in refused.get_data(as_text=True)
    created = client.post(url, headers=bearer(rep), json={
        "title": "Börse", "due_on": "2021-03-10", "owner_organization_id": owner.organization_id,
        "owner_person_id": owner.id})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["owner_organization_id"], body["owner_person_id"]) == (owner.organization_id, owner.id)
    assert [m["id"] for m in client.get(url, headers=bearer(world.company_a)).get_json()["items"]] == [body["id"]]

    owner_url = f"/api/v1/milestones/{body['id']}/owner"
    assert client.put(owner_url, headers=bearer(world.company_b), json={}).status_code == 403
    changed = client.put(owner_url, headers=bearer(world.steering), json={"owner_organization_id": world.partner.id})
    assert changed.status_code == 200
    assert (changed.get_json()["owner_organization_id"], changed.get_json()["owner_person_id"]) == (
        world.partner.id, None)


def test_owners_are_reminded_once_per_milestone_and_due_date(app, world, plan, owner):
    _goal, measures, _rep = plan
    app.config["MILESTONE_REMINDER_DAYS"] = 14
    soon = services.add_milestone(measures[0], title="Gründerbörse <eröffnet>\r\nBcc: x@y", by=world.steering,
                                  due_on=TODAY + timedelta(days=14), owner_organization=owner.organization,
                                  owner_person=owner)
    services.add_milestone(measures[0], title="Später", due_on=TODAY + timedelta(days=40), by=world.steering,
                           owner_organization=owner.organization, owner_person=owner)
    services.add_milestone(measures[0], title="Vorbei", due_on=TODAY - timedelta(days=1), by=world.steering,
                           owner_organization=owner.organization, owner_person=owner)
    done = services.add_milestone(measures[0], title="Erledigt", due_on=TODAY + timedelta(days=3), by=world.steering,
                                  owner_organization=owner.organization, owner_person=owner)
    services.set_milestone_done(done, True, on=TODAY, by=world.steering)
    services.add_milestone(measures[0], title="Ohne Person", due_on=TODAY + timedelta(days=3), by=world.steering,
                           owner_organization=owner.organization)
    db.session.commit()

    assert send_milestone_reminders(TODAY) == 1
    mails = _outbox()
    assert [m.to_address for m in mails] == [owner.email]
    assert "\n" not in mails[0].subject and "Gründerbörse" in mails[0].subject
    assert f"/measures/{measures[0].id}#implementation" in mails[0].body_text
    assert soon.reminded_due_on == soon.due_on

    assert send_milestone_reminders(TODAY + timedelta(days=1)) == 0  # once per due date
    assert len(_outbox()) == 1

    soon.due_on = TODAY + timedelta(days=10)  # moved: the owner hears of the new date
    db.session.commit()
    assert send_milestone_reminders(TODAY + timedelta(days=1)) == 1
    assert len(_outbox()) == 2


def test_an_owner_who_switched_milestone_mails_off_gets_none(app, world, plan, owner):
    _goal, measures, _rep = plan
    set_preference(owner, MailKind.MILESTONE, False)
    milestone = services.add_milestone(measures[0], title="Börse", due_on=TODAY + timedelta(days=2),
                                       by=world.steering, owner_organization=owner.organization, owner_person=owner)
    db.session.commit()
    assert send_milestone_reminders(TODAY) == 1
    assert _outbox() == []
    assert milestone.reminded_due_on == milestone.due_on  # handled: not tried again every day


def test_the_remind_milestones_command_sends_the_reminders(app, runner, world, plan, owner):
    _goal, measures, _rep = plan
    services.add_milestone(measures[0], title="Börse", due_on=date.today() + timedelta(days=1), by=world.steering,
                           owner_organization=owner.organization, owner_person=owner)
    db.session.commit()
    result = runner.invoke(args=["remind-milestones"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    assert [m.to_address for m in _outbox()] == [owner.email]
