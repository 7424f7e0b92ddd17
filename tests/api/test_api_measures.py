"""Measures through the API: the same workflow and rules as the web pages."""

from sqlalchemy import select

from tests import factories
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
