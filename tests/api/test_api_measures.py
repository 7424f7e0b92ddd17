"""Measures through the API: the same workflow and rules as the web pages."""

from sqlalchemy import select

from tests import factories
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.measures.models import Measure, MeasureStatus


def test_company_proposes_in_its_hub_and_not_elsewhere(client, world, bearer):
    headers = bearer(world.company_a)
    created = client.post(f"/api/v1/processes/{world.process.id}/measures",
                          json={"title": "Azubi-Tag", "hub_id": world.hub_a.id, "horizon": "short"}, headers=headers)
    assert created.status_code == 201
    body = created.json
    assert (body["status"], body["proposer_organization_id"], body["history"][0]["to_status"]) == \
        ("idea", world.org_a.id, "idea")
    refused = client.post(f"/api/v1/processes/{world.process.id}/measures",
                          json={"title": "Fremd", "hub_id": world.hub_b.id}, headers=headers)
    assert refused.status_code == 403


def test_focus_flag_is_for_steering_only(client, world, bearer):
    response = client.post(f"/api/v1/processes/{world.process.id}/measures",
                           json={"title": "X", "hub_id": world.hub_a.id, "is_focus_project": True},
                           headers=bearer(world.company_a))
    assert response.status_code == 403
    version = world.measure_a.version
    refused = client.patch(f"/api/v1/measures/{world.measure_a.id}", json={"version": version,
                                                                         "is_focus_project": True},
                           headers=bearer(world.moderator_a))
    assert refused.status_code == 403
    db.session.refresh(world.measure_a)
    assert not world.measure_a.is_focus_project


def test_illegal_transition_is_a_409_naming_the_next_steps(client, world, bearer):
    response = client.post(f"/api/v1/measures/{world.measure_a.id}/transition", json={"to": "adopted"},
                           headers=bearer(world.steering))
    assert response.status_code == 409 and response.json["error"]["code"] == "illegal_transition"
    assert "In Prüfung" in response.json["error"]["message"] or "In review" in response.json["error"]["message"]


def test_missing_reason_is_a_field_error(client, world, bearer):
    world.measure_a.status = MeasureStatus.IN_REVIEW
    db.session.commit()
    response = client.post(f"/api/v1/measures/{world.measure_a.id}/transition", json={"to": "rejected"},
                           headers=bearer(world.moderator_a))
    assert response.status_code == 400 and "reason" in response.json["error"]["fields"]


def test_full_path_to_adoption(client, world, bearer):
    goal = factories.goal(world.process, title="Oberhausen ist innovativ")
    db.session.commit()
    moderator, steering = bearer(world.moderator_a), bearer(world.steering)
    measure_id = world.measure_a.id
    for to, headers in (("in_review", moderator), ("proposal", moderator)):
        assert client.post(f"/api/v1/measures/{measure_id}/transition", json={"to": to}, headers=headers
                           ).status_code == 200
    version = client.get(f"/api/v1/measures/{measure_id}", headers=steering).json["version"]
    patched = client.patch(f"/api/v1/measures/{measure_id}", json={"version": version, "primary_goal_id": goal.id,
                                                                   "is_focus_project": True}, headers=steering)
    assert patched.status_code == 200 and patched.json["is_focus_project"]
    adopted = client.post(f"/api/v1/measures/{measure_id}/transition", json={"to": "adopted"}, headers=steering)
    assert adopted.json["status"] == "adopted"
    assert [h["to_status"] for h in adopted.json["history"]] == ["in_review", "proposal", "adopted"]
    stats = client.get(f"/api/v1/processes/{world.process.id}/stats", headers=steering).json
    assert (stats["ideas"], stats["adopted"], stats["focus_projects"]) == (2, 1, 1)


def test_stale_patch_is_a_409(client, world, bearer):
    headers = bearer(world.moderator_a)
    version = world.measure_a.version
    assert client.patch(f"/api/v1/measures/{world.measure_a.id}", json={"version": version, "title": "Eins"},
                        headers=headers).status_code == 200
    stale = client.patch(f"/api/v1/measures/{world.measure_a.id}", json={"version": version, "title": "Zwei"},
                         headers=headers)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_version"


def test_merge_into_new_and_unmerge(client, world, bearer):
    other = factories.measure(world.process, world.hub_a, title="Zweite Idee")
    db.session.commit()
    headers = bearer(world.moderator_a)
    merged = client.post("/api/v1/measures/merge", json={"source_ids": [world.measure_a.id, other.id],
                                                         "target": {"title": "Zusammen"}}, headers=headers)
    assert merged.status_code == 200
    assert sorted(merged.json["merged_from_ids"]) == sorted([world.measure_a.id, other.id])
    source = client.get(f"/api/v1/measures/{other.id}", headers=headers).json
    assert (source["status"], source["merged_into_id"]) == ("merged", merged.json["id"])
    undone = client.post(f"/api/v1/measures/{other.id}/unmerge", headers=headers)
    assert undone.json["status"] == "idea" and undone.json["merged_into_id"] is None


def test_merge_across_hubs_is_for_steering(client, world, bearer):
    body = {"source_ids": [world.measure_b.id], "target_id": world.measure_a.id}
    assert client.post("/api/v1/measures/merge", json=body, headers=bearer(world.moderator_a)).status_code == 403
    assert client.post("/api/v1/measures/merge", json=body, headers=bearer(world.steering)).status_code == 200


def test_merge_needs_exactly_one_target(client, world, bearer):
    response = client.post("/api/v1/measures/merge", json={"source_ids": [world.measure_a.id]},
                           headers=bearer(world.steering))
    assert response.status_code == 400


def test_list_filters_like_the_web(client, world, bearer):
    body = client.get(f"/api/v1/processes/{world.process.id}/measures?hub_id={world.hub_b.id}",
                      headers=bearer(world.company_a)).json
    assert [m["title"] for m in body["items"]] == ["Idee aus B"] and body["total"] == 1
    assert db.session.scalar(select(Measure).where(Measure.title == "Idee aus B")) is not None


# Who may name what (issue 15; issue 16 findings 5 and 6) ---------------------------------------------------

def test_company_cannot_propose_in_another_companys_name(client, world, bearer):
    headers = bearer(world.company_a)
    refused = client.post(f"/api/v1/processes/{world.process.id}/measures",
                          json={"title": "Im fremden Namen", "hub_id": world.hub_a.id,
                                "proposer_organization_id": world.org_b.id}, headers=headers)
    assert refused.status_code == 403
    assert db.session.scalar(select(Measure).where(Measure.title == "Im fremden Namen")) is None
    own = client.post(f"/api/v1/processes/{world.process.id}/measures",
                      json={"title": "Eigene", "hub_id": world.hub_a.id, "proposer_organization_id": world.org_a.id},
                      headers=headers)
    assert own.status_code == 201 and own.json["proposer_organization_id"] == world.org_a.id


def test_moderator_names_a_member_organisation_of_the_hub(client, world, bearer):
    headers = bearer(world.moderator_a)
    url = f"/api/v1/processes/{world.process.id}/measures"
    named = client.post(url, json={"title": "Aus dem Raum", "hub_id": world.hub_a.id,
                                   "proposer_organization_id": world.org_a.id}, headers=headers)
    whole = client.post(url, json={"title": "Vom Hub", "hub_id": world.hub_a.id}, headers=headers)
    assert (named.json["proposer_organization_id"], whole.json["proposer_organization_id"]) == (world.org_a.id, None)
    assert client.post(url, json={"title": "Fremd", "hub_id": world.hub_a.id,
                                  "proposer_organization_id": world.org_b.id}, headers=headers).status_code == 403


def test_idea_cannot_be_linked_to_a_session_of_another_hub(client, world, bearer):
    url = f"/api/v1/processes/{world.process.id}/measures"
    body = {"title": "Fremde Sitzung", "hub_id": world.hub_a.id, "session_id": world.session_b.id}
    assert client.post(url, json=body, headers=bearer(world.company_a)).status_code == 403
    by_moderator = client.post(url, json=body, headers=bearer(world.moderator_a))
    assert by_moderator.status_code == 400 and "session_id" in by_moderator.json["error"]["fields"]
    assert db.session.scalar(select(Measure).where(Measure.title == "Fremde Sitzung")) is None
    own = client.post(url, json=body | {"session_id": world.session_a.id}, headers=bearer(world.company_a))
    assert own.status_code == 201 and own.json["session_id"] == world.session_a.id


def test_company_cannot_set_responsible_organizations_of_its_idea(client, world, bearer):
    refused = client.patch(f"/api/v1/measures/{world.measure_a.id}",
                           json={"version": world.measure_a.version, "title": "Mit uns verantwortlich",
                                 "responsible_organization_ids": [world.org_a.id]}, headers=bearer(world.company_a))
    assert refused.status_code == 403
    db.session.refresh(world.measure_a)
    assert (world.measure_a.title, world.measure_a.responsible_organizations) == ("Idee aus A", [])
    created = client.post(f"/api/v1/processes/{world.process.id}/measures",
                          json={"title": "Neu", "hub_id": world.hub_a.id,
                                "responsible_organization_ids": [world.org_a.id]}, headers=bearer(world.company_a))
    assert created.status_code == 403
    allowed = client.patch(f"/api/v1/measures/{world.measure_a.id}",
                           json={"version": world.measure_a.version, "responsible_organization_ids": [world.org_a.id]},
                           headers=bearer(world.moderator_a))
    assert allowed.status_code == 200 and allowed.json["responsible_organization_ids"] == [world.org_a.id]


def test_unknown_and_foreign_references_are_field_errors(client, world, bearer):
    foreign_goal = factories.goal(factories.process(name="Anderer"), title="Fremd")
    db.session.commit()
    headers = bearer(world.steering)
    url = f"/api/v1/processes/{world.process.id}/measures"
    unknown = client.post(url, json={"title": "X", "hub_id": 999999}, headers=headers)
    foreign = client.post(url, json={"title": "X", "hub_id": world.hub_a.id, "primary_goal_id": foreign_goal.id},
                          headers=headers)
    assert (unknown.status_code, list(unknown.json["error"]["fields"])) == (400, ["hub_id"])
    assert (foreign.status_code, list(foreign.json["error"]["fields"])) == (400, ["primary_goal_id"])


# Access before input ---------------------------------------------------------------------------------

def test_without_the_right_any_body_gets_403(client, world, bearer):
    outsider = factories.user(Role.COMPANY, organization=factories.organization(name="Gamma GmbH"))
    world.measure_b.status = MeasureStatus.ADOPTED
    world.measure_b.responsible_organizations = [world.org_b]
    db.session.commit()
    cases = [
        (bearer(outsider), "post", f"/api/v1/processes/{world.process.id}/measures"),
        (bearer(world.company_b), "patch", f"/api/v1/measures/{world.measure_a.id}"),
        (bearer(world.company_a), "post", f"/api/v1/measures/{world.measure_b.id}/progress"),
        (bearer(world.company_a), "post", f"/api/v1/measures/{world.measure_a.id}/unmerge"),
    ]
    for headers, method, url in cases:
        assert getattr(client, method)(url, json={"nonsense": True}, headers=headers).status_code == 403, url


def test_progress_is_reported_only_by_the_responsible(client, world, bearer):
    world.measure_b.status = MeasureStatus.ADOPTED
    world.measure_b.responsible_organizations = [world.org_b]
    db.session.commit()
    body = {"date": "2020-06-01", "percent": 35, "light": "green"}
    assert client.post(f"/api/v1/measures/{world.measure_b.id}/progress", json=body,
                       headers=bearer(world.company_a)).status_code == 403
    reported = client.post(f"/api/v1/measures/{world.measure_b.id}/progress", json=body,
                           headers=bearer(world.company_b))
    assert reported.status_code == 201 and reported.json["percent"] == 35


def test_company_cannot_merge_or_unmerge(client, world, bearer):
    headers = bearer(world.company_a)
    body = {"source_ids": [world.measure_a.id], "target": {"title": "Zusammen"}}
    assert client.post("/api/v1/measures/merge", json=body, headers=headers).status_code == 403
    assert db.session.scalar(select(Measure).where(Measure.title == "Zusammen")) is None


def test_merging_sources_of_two_processes_is_a_field_error(client, world, bearer):
    other = factories.measure(factories.process(name="Anderer"), None, title="Anderswo")
    db.session.commit()
    response = client.post("/api/v1/measures/merge", json={"source_ids": [world.measure_a.id, other.id],
                                                           "target": {"title": "Zusammen"}},
                           headers=bearer(world.steering))
    assert response.status_code == 400 and "source_ids" in response.json["error"]["fields"]


def test_list_filters_by_goal_and_focus_like_the_web(client, world, bearer):
    goal = factories.goal(world.process, title="Digital")
    world.measure_a.goals = [goal]
    world.measure_b.is_focus_project = True
    db.session.commit()
    headers = bearer(world.company_a)
    by_goal = client.get(f"/api/v1/processes/{world.process.id}/measures?goal_id={goal.id}", headers=headers).json
    focus = client.get(f"/api/v1/processes/{world.process.id}/measures?focus=1", headers=headers).json
    assert [m["title"] for m in by_goal["items"]] == ["Idee aus A"]
    assert [m["title"] for m in focus["items"]] == ["Idee aus B"]
