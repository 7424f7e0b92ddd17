"""Tokens, errors, pagination and the core resources of the JSON API."""

import pytest
from sqlalchemy import select

from tracker.api.models import ApiToken
from tracker.extensions import db
from tracker.hubs.models import Hub, HubMembership
from tracker.organizations.models import Organization


def test_no_token_is_a_json_401(client, world):
    response = client.get("/api/v1/processes")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_a_browser_session_does_not_authenticate_the_api(client, world, login):
    login(world.admin)
    assert client.get("/api/v1/processes").status_code == 401


def test_token_from_the_profile_works_until_revoked(client, world, login):
    login(world.steering)
    page = client.post("/profile/tokens", data={"name": "Website"}).get_data(as_text=True)
    token = page.split('<code class="token">')[1].split("</code>")[0]
    stored = db.session.scalar(select(ApiToken))
    assert token not in (stored.token_hash, stored.prefix) and stored.token_hash != token
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/processes", headers=headers).status_code == 200
    client.post(f"/profile/tokens/{stored.id}/revoke")
    assert client.get("/api/v1/processes", headers=headers).status_code == 401


def test_someone_else_cannot_revoke_my_token(client, world, login, bearer):
    bearer(world.steering)
    token = db.session.scalar(select(ApiToken))
    login(world.company_a)
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 403
    db.session.refresh(token)
    assert token.is_active


def test_create_token_command_prints_a_working_token(runner, client, world):
    result = runner.invoke(args=["create-token", world.moderator_a.email])
    assert result.exit_code == 0
    token = result.output.strip()
    assert client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_lists_are_paginated_with_total(client, world, bearer):
    response = client.get("/api/v1/organizations?per_page=2&page=2", headers=bearer(world.steering))
    body = response.json
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 3)
    assert len(body["items"]) == 1
    assert client.get("/api/v1/organizations?per_page=0", headers=bearer(world.steering)).status_code == 400


class TestProcesses:
    def test_admin_creates_a_process(self, client, world, bearer):
        body = {"name": "Masterplan 2030", "city": "Oberhausen", "starts_on": "2024-01-01", "ends_on": "2024-12-31",
                "phase": "kickoff"}
        response = client.post("/api/v1/processes", json=body, headers=bearer(world.admin))
        assert response.status_code == 201
        assert response.json["phase"] == "kickoff" and response.json["id"]

    def test_validation_errors_name_each_field(self, client, world, bearer):
        body = {"name": "", "city": "X", "starts_on": "2024-12-31", "ends_on": "2024-01-01", "phase": "nope"}
        response = client.post("/api/v1/processes", json=body, headers=bearer(world.admin))
        assert response.status_code == 400
        assert {"name", "phase"} <= set(response.json["error"]["fields"])

    def test_end_before_start_is_refused(self, client, world, bearer):
        body = {"name": "X", "city": "X", "starts_on": "2024-12-31", "ends_on": "2024-01-01"}
        assert client.post("/api/v1/processes", json=body, headers=bearer(world.admin)).status_code == 400

    def test_only_admins_create_processes(self, client, world, bearer):
        body = {"name": "X", "city": "X", "starts_on": "2024-01-01", "ends_on": "2024-12-31"}
        response = client.post("/api/v1/processes", json=body, headers=bearer(world.steering))
        assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"

    def test_stats_count_every_idea_ever_raised(self, client, world, bearer):
        response = client.get(f"/api/v1/processes/{world.process.id}/stats", headers=bearer(world.company_a))
        assert response.status_code == 200
        assert response.json["ideas"] == 2 and response.json["adopted"] == 0

    def test_unknown_process_is_a_json_404(self, client, world, bearer):
        for path in ("/api/v1/processes/999/stats", "/api/v1/processes/99999999999999/stats"):
            response = client.get(path, headers=bearer(world.steering))
            assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


class TestHubsAndMembers:
    def test_steering_creates_a_hub_with_lead_organisations(self, client, world, bearer):
        body = {"name": "Hub C", "short_name": "C", "lead_organization_ids": [world.partner.id]}
        response = client.post(f"/api/v1/processes/{world.process.id}/hubs", json=body, headers=bearer(world.steering))
        assert response.status_code == 201
        assert response.json["lead_organization_ids"] == [world.partner.id]

    def test_unknown_lead_organisation_is_a_field_error(self, client, world, bearer):
        body = {"name": "Hub C", "short_name": "C", "lead_organization_ids": [999]}
        response = client.post(f"/api/v1/processes/{world.process.id}/hubs", json=body, headers=bearer(world.steering))
        assert response.status_code == 400 and "lead_organization_ids" in response.json["error"]["fields"]

    def test_moderator_cannot_create_hubs(self, client, world, bearer):
        body = {"name": "Hub C", "short_name": "C"}
        response = client.post(f"/api/v1/processes/{world.process.id}/hubs", json=body,
                               headers=bearer(world.moderator_a))
        assert response.status_code == 403
        assert db.session.scalar(select(Hub).where(Hub.name == "Hub C")) is None

    def test_second_hub_for_an_organisation_is_a_409(self, client, world, bearer):
        response = client.post(f"/api/v1/hubs/{world.hub_b.id}/members", json={"organization_id": world.org_a.id},
                               headers=bearer(world.steering))
        assert response.status_code == 409
        assert "Hub A" in response.json["error"]["message"]

    def test_moderator_adds_a_new_organisation_to_their_hub_only(self, client, world, bearer):
        newcomer = Organization(name="Gamma GmbH")
        db.session.add(newcomer)
        db.session.commit()
        headers = bearer(world.moderator_a)
        refused = client.post(f"/api/v1/hubs/{world.hub_b.id}/members", json={"organization_id": newcomer.id},
                              headers=headers)
        assert refused.status_code == 403
        added = client.post(f"/api/v1/hubs/{world.hub_a.id}/members", json={"organization_id": newcomer.id},
                            headers=headers)
        assert added.status_code == 201 and added.json["hub_id"] == world.hub_a.id

    def test_move_keeps_history(self, client, world, bearer):
        response = client.post(f"/api/v1/organizations/{world.org_a.id}/hub", json={"hub_id": world.hub_b.id},
                               headers=bearer(world.company_a))
        assert response.status_code == 201
        rows = db.session.scalars(select(HubMembership).where(HubMembership.organization_id == world.org_a.id)
                                  .order_by(HubMembership.id)).all()
        assert [(m.hub_id, m.left_at is None) for m in rows] == [(world.hub_a.id, False), (world.hub_b.id, True)]

    def test_company_cannot_move_another_organisation(self, client, world, bearer):
        response = client.post(f"/api/v1/organizations/{world.org_b.id}/hub", json={"hub_id": world.hub_a.id},
                               headers=bearer(world.company_a))
        assert response.status_code == 403


class TestOrganisationsAndPeople:
    def test_duplicate_organisation_name_is_a_409(self, client, world, bearer):
        response = client.post("/api/v1/organizations", json={"name": "alpha gmbh"}, headers=bearer(world.steering))
        assert response.status_code == 409

    def test_company_cannot_create_organisations(self, client, world, bearer):
        response = client.post("/api/v1/organizations", json={"name": "Neu GmbH"}, headers=bearer(world.company_a))
        assert response.status_code == 403

    def test_people_contact_data_is_only_for_partners(self, client, world, bearer):
        mine = client.get("/api/v1/people", headers=bearer(world.company_a)).json["items"]
        assert {p["organization_id"] for p in mine} == {world.org_a.id}
        everyone = client.get("/api/v1/people", headers=bearer(world.steering)).json["items"]
        assert any(p["email"] == world.company_b.email for p in everyone)

    @pytest.mark.parametrize("body,field", [({"name": "X", "email": "not-an-email"}, "email"),
                                            ({"name": "\x00\x01 "}, "name"), ({"name": "X", "organization_id": 0},
                                                                           "organization_id")])
    def test_bad_people_are_field_errors(self, client, world, bearer, body, field):
        response = client.post("/api/v1/people", json=body, headers=bearer(world.steering))
        assert response.status_code == 400 and field in response.json["error"]["fields"]

    def test_duplicate_email_is_a_409(self, client, world, bearer):
        body = {"name": "Carla 2", "email": world.company_a.email.upper(), "organization_id": world.org_a.id}
        assert client.post("/api/v1/people", json=body, headers=bearer(world.steering)).status_code == 409


class TestGoals:
    def test_steering_creates_goals_and_numbers_are_unique(self, client, world, bearer):
        headers = bearer(world.steering)
        body = {"number": 1, "title": "Oberhausen ist innovativ", "objective": "Mehr Gründungen"}
        assert client.post(f"/api/v1/processes/{world.process.id}/goals", json=body, headers=headers).status_code \
            == 201
        assert client.post(f"/api/v1/processes/{world.process.id}/goals", json=body, headers=headers).status_code \
            == 409
        listed = client.get(f"/api/v1/processes/{world.process.id}/goals", headers=headers).json
        assert [g["title"] for g in listed["items"]] == ["Oberhausen ist innovativ"]

    def test_moderator_cannot_create_goals(self, client, world, bearer):
        body = {"number": 1, "title": "X"}
        response = client.post(f"/api/v1/processes/{world.process.id}/goals", json=body,
                               headers=bearer(world.moderator_a))
        assert response.status_code == 403


def test_non_json_body_is_a_400(client, world, bearer):
    response = client.post("/api/v1/organizations", data="name=x", headers=bearer(world.steering))
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_body"


def test_spec_describes_every_api_route(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    documented = {(method.upper(), "/api/v1" + path) for path, methods in spec["paths"].items() for method in methods}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.endpoint.startswith("api."):
            path = rule.rule.replace("<int:", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, path) in documented, (method, path)


class TestAccessBeforeInput:
    """Endpoints on an object check the caller's right on it before they read the body."""

    @pytest.mark.parametrize("role,path", [
        ("moderator_a", "/api/v1/processes/{process}/hubs"),
        ("company_a", "/api/v1/processes/{process}/hubs"),
        ("moderator_b", "/api/v1/hubs/{hub_a}/members"),
        ("company_a", "/api/v1/organizations/{org_b}/hub"),
    ])
    def test_a_caller_without_the_right_gets_403_whatever_the_body(self, client, world, bearer, role, path):
        url = path.format(process=world.process.id, hub_a=world.hub_a.id, org_b=world.org_b.id)
        for body in ({"nonsense": True}, {}, []):
            response = client.post(url, json=body, headers=bearer(getattr(world, role)))
            assert response.status_code == 403, (url, body)

    def test_unknown_route_objects_are_404_before_the_right_is_asked(self, client, world, bearer):
        headers = bearer(world.company_a)
        for url in ("/api/v1/hubs/999/members", "/api/v1/organizations/999/hub", "/api/v1/processes/999/hubs"):
            assert client.post(url, json={}, headers=headers).status_code == 404, url

    def test_the_organisation_named_in_the_body_is_checked_with_403(self, client, world, bearer):
        """A company may add members to a hub, but only its own organisation."""
        newcomer = Organization(name="Gamma GmbH")
        db.session.add(newcomer)
        db.session.commit()
        response = client.post(f"/api/v1/hubs/{world.hub_a.id}/members", json={"organization_id": newcomer.id},
                               headers=bearer(world.company_b))
        assert response.status_code == 403
        assert db.session.scalar(select(HubMembership).where(HubMembership.organization_id == newcomer.id)) is None
