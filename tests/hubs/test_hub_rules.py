"""Each hub and membership rule lives in one service; the page, the API and the service itself agree."""

import pytest
from sqlalchemy import select

from tests import factories
from tracker.accounts.models import Role
from tracker.audit.models import AuditEvent
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.hubs import services
from tracker.hubs.models import Hub, HubMembership
from tracker.hubs.queries import current_membership
from tracker.permissions import SYSTEM


def _hub_form(**overrides):
    data = {"name": "Hub C", "short_name": "C", "colour": "#123456", "description": "", "position": ""}
    data.update(overrides)
    return data


def _positions(process):
    return dict(db.session.execute(select(Hub.name, Hub.position).where(Hub.process_id == process.id)).all())


# Hubs ---------------------------------------------------------------------------------------------

def test_page_and_api_place_a_new_hub_by_the_same_rule(client, world, login, bearer):
    last = max(world.hub_a.position, world.hub_b.position)
    by_api = client.post(f"/api/v1/processes/{world.process.id}/hubs", json={"name": "Per API", "short_name": "P"},
                         headers=bearer(world.steering))
    assert by_api.status_code == 201 and by_api.json["position"] == last + 1
    login(world.steering)
    assert client.post(f"/hubs/new/{world.process.id}", data=_hub_form(name="Per Seite")).status_code == 302
    placed = client.post(f"/hubs/new/{world.process.id}", data=_hub_form(name="Vorne", short_name="V", position=0))
    assert placed.status_code == 302
    positions = _positions(world.process)
    assert (positions["Per API"], positions["Per Seite"], positions["Vorne"]) == (last + 1, last + 2, 0)
    assert services.create_hub(world.process, by=SYSTEM, name="Per CLI", short_name="K").position == last + 3


def test_hub_names_are_unique_within_the_process_on_page_api_and_service(client, world, login, bearer):
    login(world.steering)
    page = client.post(f"/hubs/new/{world.process.id}", data=_hub_form(name="hub  a", description="Behalten"))
    assert page.status_code == 409
    assert "Der Prozess hat bereits einen Hub mit diesem Namen." in page.get_data(as_text=True)
    assert "Behalten" in page.get_data(as_text=True)
    api = client.post(f"/api/v1/processes/{world.process.id}/hubs", json={"name": "HUB A", "short_name": "X"},
                      headers=bearer(world.steering))
    assert api.status_code == 409 and "name" in api.json["error"]["fields"]
    with pytest.raises(Conflict) as refused:
        services.create_hub(world.process, by=SYSTEM, name="Hub\u200b A", short_name="X")
    assert refused.value.field == "name"
    other_process = factories.process()
    assert services.create_hub(other_process, by=SYSTEM, name="Hub A", short_name="A").name == "Hub A"


@pytest.mark.parametrize("role", ["moderator_a", "company_a"])
def test_the_hub_services_refuse_who_is_not_steering(world, role):
    user = getattr(world, role)
    with pytest.raises(NotAllowed):
        services.create_hub(world.process, by=user, name="Heimlich", short_name="H")
    with pytest.raises(NotAllowed):
        services.update_hub(world.hub_a, by=user, expected_version=world.hub_a.version, name="Gekapert",
                            short_name="G", colour="#000000", description="", lead_organizations=[], moderators=[])
    with pytest.raises(NotAllowed):
        services.assign_moderators(world.hub_a, [], by=user)
    assert [u.id for u in world.hub_a.moderators] == [world.moderator_a.id]


def test_moderators_are_assigned_with_an_audit_entry_by_hub_form_api_and_admin(client, world, login, bearer):
    second = factories.user(Role.MODERATOR, organization=world.partner, name="Nora Neu")
    db.session.commit()
    login(world.steering)
    response = client.post(f"/hubs/{world.hub_a.id}/edit", data=_hub_form(
        name="Hub A", short_name="A", version=world.hub_a.version, moderator_ids=[world.moderator_a.id, second.id]))
    assert response.status_code == 302
    by_api = client.post(f"/api/v1/processes/{world.process.id}/hubs", headers=bearer(world.steering),
                         json={"name": "Hub C", "short_name": "C", "moderator_ids": [second.id]})
    assert by_api.status_code == 201 and by_api.json["moderator_ids"] == [second.id]
    login(world.admin)
    client.post(f"/admin/users/{second.id}", data={"name": second.name, "email": second.email, "role": "moderator",
                                                   "organization_id": world.partner.id, "is_active": "y",
                                                   "hub_ids": [world.hub_b.id]})
    db.session.expire_all()
    assert sorted(h.name for h in second.moderated_hubs) == ["Hub B"]
    events = db.session.execute(select(AuditEvent.object_id, AuditEvent.user_id, AuditEvent.changes)
                                .where(AuditEvent.action == "assign_moderators").order_by(AuditEvent.id)).all()
    hub_c = db.session.scalar(select(Hub).where(Hub.name == "Hub C"))
    assert [(e.object_id, e.user_id) for e in events] == [
        (world.hub_a.id, world.steering.id), (hub_c.id, world.steering.id), (world.hub_a.id, world.admin.id),
        (world.hub_b.id, world.admin.id), (hub_c.id, world.admin.id)]
    assert events[0].changes == {"moderator_ids": [[world.moderator_a.id], sorted([world.moderator_a.id, second.id])]}


def test_only_users_with_the_moderator_role_moderate_hubs(client, world, bearer):
    with pytest.raises(Invalid) as refused:
        services.assign_moderators(world.hub_a, [world.moderator_a, world.company_a], by=world.steering)
    assert refused.value.field == "moderator_ids" and world.company_a.name in str(refused.value)
    response = client.post(f"/api/v1/processes/{world.process.id}/hubs", headers=bearer(world.steering),
                           json={"name": "Hub C", "short_name": "C", "moderator_ids": [world.company_a.id]})
    assert response.status_code == 400 and "moderator_ids" in response.json["error"]["fields"]
    assert db.session.scalar(select(Hub).where(Hub.name == "Hub C")) is None
    with pytest.raises(Invalid) as refused:
        services.set_moderated_hubs(world.company_a, [world.hub_b], by=world.admin)
    assert refused.value.field == "hub_ids"


def test_a_stale_hub_edit_through_the_service_is_a_conflict(world):
    version = world.hub_a.version
    fields = dict(short_name="A", colour="#000000", description="", lead_organizations=[],
                  moderators=[world.moderator_a])
    services.update_hub(world.hub_a, by=world.steering, expected_version=version, name="Hub A1", **fields)
    db.session.commit()
    with pytest.raises(Conflict):
        services.update_hub(world.hub_a, by=world.steering, expected_version=version, name="Hub A2", **fields)


# Memberships ----------------------------------------------------------------------------------------

@pytest.fixture
def newcomer(world):
    """A company without a hub, with its representative."""
    organization = factories.organization(name="Gamma GmbH")
    representative = factories.user(Role.COMPANY, organization=organization, name="Greta Gamma")
    db.session.commit()
    return organization, representative


def test_a_company_puts_its_own_organisation_into_a_hub_but_no_other(client, world, bearer, newcomer):
    """A company chooses the hub of its own organisation (POST /organizations/{id}/hub); adding members
    with delegates is the hub's moderators' and the steering group's (as on the hub page)."""
    organization, representative = newcomer
    headers = bearer(representative)
    other = factories.organization(name="Delta GmbH")
    db.session.commit()
    refused = client.post(f"/api/v1/organizations/{other.id}/hub", json={"hub_id": world.hub_b.id}, headers=headers)
    assert refused.status_code == 403
    not_a_manager = client.post(f"/api/v1/hubs/{world.hub_b.id}/members", json={"organization_id": organization.id},
                                headers=headers)
    assert not_a_manager.status_code == 403
    joined = client.post(f"/api/v1/organizations/{organization.id}/hub", json={"hub_id": world.hub_b.id},
                         headers=headers)
    assert joined.status_code == 201 and joined.json["hub_id"] == world.hub_b.id
    assert current_membership(organization, world.process).hub_id == world.hub_b.id
    assert current_membership(other, world.process) is None
    with pytest.raises(NotAllowed):
        services.join_hub(other, world.hub_a, by=representative)


def test_a_moderator_cannot_pull_an_organisation_out_of_another_hub(client, world, bearer):
    response = client.post(f"/api/v1/organizations/{world.org_b.id}/hub", json={"hub_id": world.hub_a.id},
                           headers=bearer(world.moderator_a))
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        services.move_to_hub(world.org_b, world.hub_a, by=world.moderator_a)
    assert current_membership(world.org_b, world.process).hub_id == world.hub_b.id
    moved = client.post(f"/api/v1/organizations/{world.org_b.id}/hub", json={"hub_id": world.hub_a.id},
                        headers=bearer(world.steering))
    assert moved.status_code == 201 and moved.json["hub_id"] == world.hub_a.id


def test_delegates_must_be_people_of_the_organisation(client, world, login, bearer):
    """Issue 16, finding 19: a company added people of another organisation as delegates, who then got
    the hub's invitations."""
    stranger = world.company_b.person
    body = {"organization_id": world.org_a.id, "delegate_ids": [stranger.id]}
    response = client.post(f"/api/v1/hubs/{world.hub_a.id}/members", json=body, headers=bearer(world.moderator_a))
    assert response.status_code == 400 and "delegate_ids" in response.json["error"]["fields"]
    company = client.post(f"/api/v1/hubs/{world.hub_a.id}/members", json=body, headers=bearer(world.company_a))
    assert company.status_code == 403
    login(world.moderator_a)
    page = client.post(f"/hubs/{world.hub_a.id}/members/add", data={
        "organization_id": world.org_a.id, "new_organization_type": "company", "delegate_name": "Carl",
        "delegate_email": world.company_b.email})
    assert page.status_code == 400 and "ist keine Person von Alpha GmbH" in page.get_data(as_text=True)
    membership = current_membership(world.org_a, world.process)
    db.session.refresh(membership)
    assert stranger not in membership.delegates
    with pytest.raises(Invalid) as refused:
        services.add_delegate(membership, stranger, by=SYSTEM)
    assert refused.value.field == "delegate_ids"
    colleague = factories.person(world.org_a, name="Kollegin A")
    services.add_delegate(membership, colleague, by=world.company_a)
    assert colleague in membership.delegates


def test_delegates_are_managed_by_the_hubs_moderators_and_the_organisation_only(client, world, login):
    membership = current_membership(world.org_a, world.process)
    with pytest.raises(NotAllowed):
        services.remove_delegate(membership, world.company_a.person, by=world.moderator_b)
    with pytest.raises(NotAllowed):
        services.add_delegate(membership, factories.person(world.org_a), by=world.company_b)
    login(world.moderator_a)
    other = db.session.scalar(select(HubMembership).where(HubMembership.organization_id == world.org_b.id))
    wrong_hub = client.post(f"/hubs/{world.hub_a.id}/members/{other.id}/delegates/{world.company_b.person.id}/remove")
    assert wrong_hub.status_code == 403
    removed = client.post(f"/hubs/{world.hub_a.id}/members/{membership.id}/delegates/{world.company_a.person.id}"
                          "/remove")
    assert removed.status_code == 302
    db.session.refresh(membership)
    assert membership.delegates == []


def test_a_moderator_cannot_move_an_account_into_an_organisation_by_its_email(client, world, login):
    """Probe 2: a moderator typed the email of an account without organisation (the admin, a steering member,
    another hub's moderator) as a new delegate or a walk-in, and moved that account into a company — which
    then gave the moderator of hub B rights on hub A's ideas and sent the admin the hub's invitations."""
    login(world.moderator_a)
    for account in (world.moderator_b, world.steering, world.admin):
        account.person.organization = None  # as in the demo: partners' accounts without an organisation
        db.session.commit()
        added = client.post(f"/hubs/{world.hub_a.id}/members/add", data={
            "organization_id": world.org_a.id, "new_organization_type": "company", "delegate_name": "X",
            "delegate_email": account.email})
        walked_in = client.post(f"/sessions/{world.session_a.id}/walk-in", data={
            "name": "X", "email": account.email, "organization_id": world.org_a.id,
            "new_organization_type": "company"})
        db.session.refresh(account.person)
        assert (added.status_code, walked_in.status_code) == (409, 409), account.email
        assert "nur die Administration" in added.get_data(as_text=True)
        assert account.person.organization_id is None, account.email
    client.post("/logout")
    login(world.admin)
    moved = client.post(f"/hubs/{world.hub_a.id}/members/add", data={
        "organization_id": world.org_a.id, "new_organization_type": "company", "delegate_name": "X",
        "delegate_email": world.moderator_b.email})
    assert moved.status_code == 302  # an administrator may
    db.session.refresh(world.moderator_b.person)
    assert world.moderator_b.person.organization_id == world.org_a.id
