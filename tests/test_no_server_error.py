"""No input yields a server error (issue 16, finding 21): `?page=²` and JSON nested 100,000 deep answered 500.

Every page and API resource that answers GET is requested with every query parameter the app reads set to
hostile values; the answer may be a page, a refusal or a clear 400, never a 500.
"""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import BuildError

from tests import factories
from tracker.arguments import object_id, object_ids, whole_number
from tracker.extensions import db

# Every query parameter some view or resource reads.
PARAMETERS = ("page", "per_page", "hub", "goal", "status", "horizon", "focus", "q", "sort", "type", "action",
              "object_type", "object_id", "user", "from", "to", "format", "a", "b", "days", "next", "hub_id",
              "goal_id", "kind", "locale")
HOSTILE = ("²", "-1", "99999999999999999999", "1e3", "\x00", "%_' OR '1'='1", "١٢")


def _urls(app, world) -> list[str]:
    ids = {"process_id": world.process.id, "hub_id": world.hub_a.id, "session_id": world.session_a.id,
           "measure_id": world.measure_a.id, "organization_id": world.org_a.id, "person_id": world.company_a.person.id,
           "user_id": world.company_a.id}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        values = {name: ids.get(name, 1) for name in rule.arguments}
        try:
            urls.append(url_for(rule.endpoint, **values))
        except (BuildError, ValueError):  # an argument with fixed choices (a format, a token): its first form is enough
            continue
    return sorted(set(urls))


@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v) for v in HOSTILE])
def test_no_query_string_yields_a_server_error(app, client, login, world, value):
    login(world.admin)
    urls = _urls(app, world)
    assert len(urls) > 60  # the routes were found
    failures = []
    for url in urls:
        response = client.get(url, query_string={name: value for name in PARAMETERS})
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
    assert failures == []


def test_deeply_nested_json_is_a_clear_400(client, world, bearer):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(f"/api/v1/processes/{world.process.id}/measures", data=body,
                           headers={**bearer(world.steering), "Content-Type": "application/json"})
    assert response.status_code == 400


def test_numbers_from_urls_and_forms_are_ascii_digits_within_an_id():
    assert object_id("42") == 42
    assert [object_id(v) for v in ("²", "١٢", "-1", "0", "2147483648", "1e3", "", None, " 7 ")] == \
        [None, None, None, None, None, None, None, None, 7]
    assert object_ids(["3", "x", "3", "²", "1"]) == [3, 1]
    assert whole_number("-5", low=-10, high=10) == -5 and whole_number("-5") is None


HUGE = "9223372036854775808"  # 2**63: beyond what SQLite stores


def test_ids_beyond_any_row_are_not_found(client, login, world):
    """Probe 5b: ids of 2**63 and more answered 500 on public pages, dashboards and chart data."""
    public = [f"/p/{HUGE}", f"/p/{HUGE}/progress", f"/events/{HUGE}", f"/processes/{HUGE}/charts/progress-per-goal.csv"]
    assert [client.get(url).status_code for url in public] == [404] * len(public)
    login(world.admin)
    internal = [f"/processes/{HUGE}/dashboard", f"/hubs/{HUGE}/dashboard", f"/measures/{HUGE}", f"/sessions/{HUGE}"]
    assert [client.get(url).status_code for url in internal] == [404] * len(internal)


@pytest.mark.parametrize("version", ["abc", "1e3", "9" * 5000, "١"])
def test_a_damaged_version_field_is_a_clear_400(client, login, world, version):
    """Probe 5a: a hidden version field with anything but digits answered 500 (measure and goal forms)."""
    goal = factories.goal(world.process, number=1, title="Leitziel")
    db.session.commit()
    login(world.steering)
    measure = client.post(f"/measures/{world.measure_a.id}/edit", data={
        "title": "Neu", "hub_id": world.hub_a.id, "primary_goal_id": 0, "horizon": "", "version": version})
    goal_page = client.post(f"/goals/{goal.id}/edit", data={"title": "Neu", "version": version})
    assert (measure.status_code, goal_page.status_code) == (400, 400)
    db.session.refresh(world.measure_a)
    db.session.refresh(goal)
    assert (world.measure_a.title, goal.title) == ("Idee aus A", "Leitziel")
