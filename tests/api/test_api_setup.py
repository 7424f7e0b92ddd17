"""Every set-up step has an API equivalent with the same permission and validation as its page (issue 17,
item 1): hubs with moderators, guiding goals, steering partners' type and consent to be named, moderator
accounts. Each test takes the page path and the API path to the same service."""

import pytest
from sqlalchemy import select

from tests import factories
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub
from tracker.mail.models import OutboxMail
from tracker.organizations.models import Organization, OrganizationType


def _hub_form(hub, **overrides):
    return {"name": hub.name, "short_name": hub.short_name, "colour": hub.colour, "description": "",
            "position": "", "version": hub.version} | overrides


@pytest.mark.parametrize("role", ["moderator_a", "company_a"])
def test_only_the_steering_group_edits_a_hub_on_the_page_and_through_the_api(client, world, login, bearer, role):
    user = getattr(world, role)
    login(user)
    assert client.post(f"/hubs/{world.hub_a.id}/edit", data=_hub_form(world.hub_a, name="X")).status_code == 403
    response = client.patch(f"/api/v1/hubs/{world.hub_a.id}", json={"version": 1, "name": "X"}, headers=bearer(user))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Hub, world.hub_a.id).name == "Hub A"


def test_a_hub_edit_is_checked_alike_on_page_and_api(client, world, login, bearer):
    headers = bearer(world.steering)
    login(world.steering)
    version = world.hub_a.version
    page = client.post(f"/hubs/{world.hub_a.id}/edit", data=_hub_form(world.hub_a, colour="rot"))
    api = client.patch(f"/api/v1/hubs/{world.hub_a.id}", json={"version": version, "colour": "rot"}, headers=headers)
    assert page.status_code == 400 and api.status_code == 400 and "colour" in api.json["error"]["fields"]
    page = client.post(f"/hubs/{world.hub_a.id}/edit", data=_hub_form(world.hub_a, name="HUB B"))
    api = client.patch(f"/api/v1/hubs/{world.hub_a.id}", json={"version": version, "name": "HUB B"}, headers=headers)
    assert page.status_code == 409 and api.status_code == 409 and "name" in api.json["error"]["fields"]
    not_a_moderator = client.patch(f"/api/v1/hubs/{world.hub_a.id}", headers=headers,
                                   json={"version": version, "moderator_ids": [world.company_a.id]})
    assert not_a_moderator.status_code == 400 and "moderator_ids" in not_a_moderator.json["error"]["fields"]
    assert client.patch(f"/api/v1/hubs/{world.hub_a.id}", json={"version": version, "name": "Hub Neu"},
                        headers=headers).status_code == 200
    stale = client.patch(f"/api/v1/hubs/{world.hub_a.id}", json={"version": version, "name": "Zu spät"},
                         headers=headers)
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(Hub, world.hub_a.id).name == "Hub Neu"


def test_the_admin_creates_a_moderator_and_the_steering_group_assigns_them_through_the_api(client, world, bearer):
    admin = bearer(world.admin)
    body = {"name": "Nora Neu", "email": "nora@example.org", "role": "moderator", "organization_id": world.partner.id}
    assert client.post("/api/v1/users", json=body, headers=bearer(world.steering)).status_code == 403
    created = client.post("/api/v1/users", json=body, headers=admin)
    assert created.status_code == 201 and created.json["role"] == "moderator"
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 409  # the email has an account
    link = client.post(f"/api/v1/users/{created.json['id']}/set-password-link", headers=admin)
    assert link.status_code == 201 and "/set-password/" in link.json["link"]
    assert db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "nora@example.org")) is not None
    hub = client.get(f"/api/v1/processes/{world.process.id}/hubs", headers=admin).json["items"][0]
    assigned = client.patch(f"/api/v1/hubs/{hub['id']}", headers=bearer(world.steering),
                            json={"version": hub["version"], "moderator_ids": [created.json["id"]]})
    assert assigned.status_code == 200 and assigned.json["moderator_ids"] == [created.json["id"]]
    assert assigned.json["name"] == hub["name"]  # fields not given keep their value
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assign_moderators",
                                                      AuditEvent.user_id == world.steering.id)) is not None


def test_goals_are_edited_and_reordered_alike_on_page_and_api(client, world, login, bearer):
    first = factories.goal(world.process, number=1, title="Erstes")
    second = factories.goal(world.process, number=2, title="Zweites")
    db.session.commit()
    for user in (world.moderator_a, world.company_a):
        assert client.patch(f"/api/v1/goals/{first.id}", json={"version": 1, "title": "X"},
                            headers=bearer(user)).status_code == 403
    headers = bearer(world.steering)
    login(world.steering)
    page = client.post(f"/goals/{first.id}/edit", data={"title": "", "version": first.version})
    api = client.patch(f"/api/v1/goals/{first.id}", json={"version": first.version, "title": "  "}, headers=headers)
    assert page.status_code == 400 and api.status_code == 400 and "title" in api.json["error"]["fields"]
    changed = client.patch(f"/api/v1/goals/{first.id}", json={"version": first.version, "title": "Erstes neu"},
                           headers=headers)
    assert changed.status_code == 200 and changed.json["title"] == "Erstes neu"
    assert client.patch(f"/api/v1/goals/{first.id}", json={"version": 1, "title": "Alt"},
                        headers=headers).status_code == 409
    moved = client.post(f"/api/v1/goals/{second.id}/move", json={"direction": -1}, headers=headers)
    assert moved.status_code == 200 and moved.json["number"] == 1
    db.session.expire_all()
    assert db.session.get(GuidingGoal, first.id).number == 2


def test_a_steering_partner_gets_its_type_and_consent_to_be_named_on_page_and_api(client, world, login, bearer):
    partner = factories.organization(name="Stadtwerke", type=OrganizationType.COMPANY)
    db.session.commit()
    assert client.patch(f"/api/v1/organizations/{partner.id}", json={"version": 1, "consents_to_be_named": True},
                        headers=bearer(world.company_a)).status_code == 403
    headers = bearer(world.steering)
    response = client.patch(f"/api/v1/organizations/{partner.id}", headers=headers,
                            json={"version": partner.version, "type": "chamber", "consents_to_be_named": True})
    assert response.status_code == 200, response.json
    assert (response.json["type"], response.json["consents_to_be_named"]) == ("chamber", True)
    bad = client.patch(f"/api/v1/organizations/{partner.id}", headers=headers,
                       json={"version": response.json["version"], "website": "javascript:alert(1)"})
    assert bad.status_code == 400 and "website" in bad.json["error"]["fields"]
    login(world.steering)
    page = client.post(f"/organizations/{partner.id}/edit", data={
        "name": "Stadtwerke", "type": "chamber", "website": "javascript:alert(1)", "version": response.json["version"]})
    assert page.status_code == 400
    taken = client.patch(f"/api/v1/organizations/{partner.id}", headers=headers,
                         json={"version": response.json["version"], "name": "alpha gmbh"})
    assert taken.status_code == 409 and "name" in taken.json["error"]["fields"]
    db.session.expire_all()
    stored = db.session.get(Organization, partner.id)
    assert (stored.type, stored.consents_to_be_named, stored.website) == (OrganizationType.CHAMBER, True, None)
