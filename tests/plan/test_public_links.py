"""Once the plan is approved, the public pages lead to it (issue 17, item 6); before that they do not."""

import re

from tests import factories
from tracker.extensions import db
from tracker.plan import versions


def _plan_links(page: str, process_id: int) -> set[str]:
    return set(re.findall(rf'href="(/p/{process_id}/plan[^"]*)"', page))


def test_no_link_to_the_plan_before_it_is_approved(client, world, plan):
    version = versions.freeze(world.process, "Entwurf 2019", by=world.steering)
    versions.submit(version, by=world.steering)  # in review: not published
    db.session.commit()
    for url in (f"/p/{world.process.id}", f"/p/{world.process.id}/progress"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert _plan_links(page, world.process.id) == set() and "Entwurf 2019" not in page


def test_the_landing_page_links_to_the_approved_plan_and_its_downloads(client, world, plan):
    version = versions.freeze(world.process, "Masterplan 2019", by=world.steering)
    versions.submit(version, by=world.steering)
    factories.approve_plan_version(version)  # four eyes: others than the submitter
    db.session.commit()
    process_id = world.process.id

    landing = client.get(f"/p/{process_id}").get_data(as_text=True)
    assert "Masterplan 2019" in landing
    links = _plan_links(landing, process_id)
    assert links == {f"/p/{process_id}/plan", f"/p/{process_id}/plan?format=pdf",
                     f"/p/{process_id}/plan?format=docx", f"/p/{process_id}/plan?format=md"}
    for link in sorted(links):  # one click from the landing page, without login
        response = client.get(link)
        assert response.status_code == 200, link
    assert client.get(f"/p/{process_id}/plan?format=pdf").data.startswith(b"%PDF")
    assert "Gründerzentrum am Kanal" in client.get(f"/p/{process_id}/plan").get_data(as_text=True)

    progress = client.get(f"/p/{process_id}/progress").get_data(as_text=True)
    assert {f"/p/{process_id}/plan", f"/p/{process_id}/plan?format=pdf"} <= _plan_links(progress, process_id)
