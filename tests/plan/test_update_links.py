"""The years after adoption (issue 17, items 3 and 6): a plan update and its predecessor link to each other on the
process, plan and public pages; carried-over measures link both ways; the predecessor's tracking stays reachable
and takes progress reports; the public sees what became of the ideas."""

import re
from datetime import date

import pytest

from tests import factories
from tracker.extensions import db
from tracker.implementation import services as implementation
from tracker.implementation.models import Light
from tracker.measures.models import Measure
from tracker.plan import updates, versions


@pytest.fixture
def update(world, plan):
    """The approved plan of the world's process, and the update process started from it."""
    version = versions.freeze(world.process, "Masterplan 2019", by=world.steering)
    versions.submit(version, by=world.steering)
    factories.approve_plan_version(version)
    new = updates.start_update(version, "Masterplan 2025", by=world.steering)
    db.session.commit()
    return new


def _hrefs(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def test_the_process_pages_link_predecessor_and_successor(client, login, world, plan, update):
    old = world.process.id
    login(world.steering)
    successor = client.get(f"/processes/{update.id}").get_data(as_text=True)
    assert {f"/processes/{old}", f"/processes/{old}/plan/versions", f"/processes/{old}/implementation",
            f"/p/{old}"} <= _hrefs(successor)
    predecessor = client.get(f"/processes/{old}").get_data(as_text=True)
    assert {f"/processes/{update.id}", f"/processes/{update.id}/plan/versions",
            f"/processes/{update.id}/implementation"} <= _hrefs(predecessor)
    for url in (f"/processes/{update.id}/plan/versions", f"/processes/{update.id}/plan"):
        assert f"/processes/{old}/plan/versions" in _hrefs(client.get(url).get_data(as_text=True)), url
    assert f"/processes/{update.id}/plan/versions" in _hrefs(
        client.get(f"/processes/{old}/plan/versions").get_data(as_text=True))
    # the predecessor's tracking is a page that still works
    assert client.get(f"/processes/{old}/implementation").status_code == 200


def test_the_update_shows_which_measures_were_carried_over_with_links_both_ways(client, login, world, plan, update):
    copy = db.session.scalar(db.select(Measure).where(Measure.process_id == update.id,
                                                      Measure.origin_measure_id == plan.focus.id))
    login(world.company_a)
    overview = client.get(f"/processes/{update.id}").get_data(as_text=True)
    assert "measures carried over" in overview or "Maßnahmen übernommen" in overview
    assert {f"/measures/{copy.id}", f"/measures/{plan.focus.id}"} <= _hrefs(overview)
    assert f"/measures/{plan.rejected.id}" not in _hrefs(overview)  # not in the plan: not carried over
    later = client.get(f"/measures/{copy.id}").get_data(as_text=True)
    assert f"/measures/{plan.focus.id}" in _hrefs(later) and "Übernommen aus" in later
    earlier = client.get(f"/measures/{plan.focus.id}").get_data(as_text=True)
    assert f"/measures/{copy.id}" in _hrefs(earlier) and "Übernommen in" in earlier


def test_the_public_pages_of_both_link_each_other(client, world, plan, update):
    old = world.process.id
    landing_new = client.get(f"/p/{update.id}").get_data(as_text=True)
    assert {f"/p/{old}", f"/p/{old}/plan", f"/p/{old}/progress"} <= _hrefs(landing_new)
    landing_old = client.get(f"/p/{old}").get_data(as_text=True)
    assert f"/p/{update.id}" in _hrefs(landing_old)
    assert f"/p/{update.id}/plan" not in _hrefs(landing_old)  # the update has no approved plan yet
    assert f"/p/{update.id}" in _hrefs(client.get(f"/p/{old}/plan").get_data(as_text=True))
    assert f"/p/{update.id}" in _hrefs(client.get(f"/p/{old}/progress").get_data(as_text=True))


def test_progress_is_still_reported_on_the_predecessors_measures(client, login, bearer, world, plan, update):
    """The update is the newer process; the adopted plan's measures are implemented all the same."""
    implementation.report_progress(plan.in_progress, on=date(2025, 3, 1), percent=70, light=Light.GREEN,
                                   by=world.steering)
    db.session.commit()
    plan.focus.responsible_organizations = [world.org_a]
    db.session.commit()
    login(world.company_a)
    response = client.post(f"/measures/{plan.focus.id}/progress", data={
        "progress-on": "2025-04-01", "progress-percent": "30", "progress-light": "yellow"})
    assert response.status_code == 302
    api = client.post(f"/api/v1/measures/{plan.focus.id}/progress", headers=bearer(world.company_a),
                      json={"date": "2025-05-01", "percent": 40, "light": "green"})
    assert api.status_code == 201
    latest = implementation.latest_progress([plan.in_progress.id, plan.focus.id])
    assert (latest[plan.in_progress.id].percent, latest[plan.focus.id].percent) == (70, 40)
    assert implementation.process_progress(world.process).measures == 4  # the old plan's roll-up goes on


def test_the_public_sees_what_became_of_the_ideas_without_personal_data(client, world, plan):
    plan.open_idea.proposer_organization = world.org_b
    db.session.commit()
    version = versions.freeze(world.process, "Masterplan 2019", by=world.steering)
    versions.submit(version, by=world.steering)
    factories.approve_plan_version(version)
    db.session.commit()
    process_id = world.process.id
    for url in (f"/p/{process_id}", f"/p/{process_id}/progress"):
        assert f"/p/{process_id}/ideas" in _hrefs(client.get(url).get_data(as_text=True)), url
    response = client.get(f"/p/{process_id}/ideas")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    table = page[page.index('id="idea-fates"'):page.index("</table>", page.index('id="idea-fates"'))]
    rows = {cells[0]: [int(c) for c in cells[1:]] for cells in (
        re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S))
        if cells and cells[0] and cells[1:] and cells[1].isdigit()}
    # ideas, in the plan, still being discussed, merged, rejected, withdrawn
    assert rows["Hub A"] == [5, 4, 0, 1, 0, 0]
    assert rows["Hub B"] == [3, 0, 2, 0, 1, 0]
    assert rows["Gesamt"] == [8, 4, 2, 1, 1, 0]
    for personal in ("Carla Company-A", "Carl Company-B", "Beta GmbH", world.company_a.email):
        assert personal not in page
    assert f"/p/{process_id}/plan?format=pdf" in _hrefs(page)
