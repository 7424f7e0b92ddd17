"""The years after adoption in a real browser (issue 17, done-when): two steering members approve the plan (four
eyes), the submitter starts the update, and both processes' plans and tracking are reached by following links;
an anonymous visitor gets the published plan's PDF in at most two clicks from the landing page."""

import re

import pytest

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.extensions import db
from tracker.plan import versions
from tracker.processes.models import Process

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production; the plan's charts as tables (no second browser for images)."""
    return {**app_config, "WTF_CSRF_ENABLED": True, "PLAN_CHART_IMAGES": False}


@pytest.fixture
def plan(world):
    from tests.plan.conftest import plan as plan_fixture

    return plan_fixture.__wrapped__(world)


def _lineage_link(tab, which: str, name: str):
    return tab.locator(f'[data-lineage="{which}"]').get_by_role("link", name=name, exact=True)


def test_approve_update_and_reach_both_plans_and_their_tracking(page, browser, live_server, world, plan):
    reviewers = [factories.make_steering(world.process, organization=world.partner, name=f"Rita Review-{n}")
                 for n in (1, 2)]
    version = versions.freeze(world.process, "Masterplan 2019", by=world.steering)
    versions.submit(version, by=world.steering)
    db.session.commit()
    old = world.process.id
    version_url = f"{live_server}/plan/versions/{version.id}"

    for reviewer in reviewers:  # four eyes: two members other than the submitter
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        log_in(tab, live_server, reviewer.email, factories.PASSWORD)
        tab.goto(version_url)
        tab.once("dialog", lambda dialog: dialog.accept())
        tab.get_by_role("button", name="Freigeben", exact=True).click()
        tab.wait_for_load_state()
        context.close()

    log_in(page, live_server, world.steering.email, factories.PASSWORD)
    page.goto(version_url)
    assert "Veröffentlichter Plan" in page.content()
    page.get_by_label("Name des Fortschreibungsprozesses").fill("Masterplan 2025")
    page.get_by_role("button", name="Fortschreibung beginnen").click()
    page.wait_for_load_state()
    db.session.rollback()
    new = db.session.scalar(db.select(Process).where(Process.parent_id == old)).id
    assert page.url.endswith(f"/processes/{new}/plan")  # the update's plan
    assert "Masterplan 2025" in page.content() and "Gründerzentrum am Kanal" in page.content()

    # the predecessor's plan versions, from the update's plan
    _lineage_link(page, "predecessor", "Planfassungen").click()
    assert page.url.endswith(f"/processes/{old}/plan/versions")
    page.get_by_role("link", name=re.compile("Masterplan 2019")).first.click()
    assert page.url.endswith(f"/plan/versions/{version.id}")
    screenshot(page, "plan-update-predecessor-version")

    # the update's tracking, from the predecessor's overview
    page.get_by_role("link", name="Übersicht", exact=True).first.click()
    assert page.url.endswith(f"/processes/{old}")
    _lineage_link(page, "successor", "Umsetzung").click()
    assert page.url.endswith(f"/processes/{new}/implementation")

    # the predecessor's tracking, from the update's overview (with the measures carried over)
    page.get_by_role("link", name="Übersicht", exact=True).first.click()
    assert page.url.endswith(f"/processes/{new}")
    assert "Maßnahmen übernommen" in page.content()
    _lineage_link(page, "predecessor", "Umsetzung").click()
    assert page.url.endswith(f"/processes/{old}/implementation")
    assert "Umsetzung" in page.locator("h1").inner_text()
    screenshot(page, "plan-update-predecessor-tracking")

    # an anonymous visitor: the landing page of the adopted plan, then one click to the PDF
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    visitor = context.new_page()
    visitor.goto(f"{live_server}/")
    visitor.get_by_role("link", name="Masterplan Test", exact=True).click()  # two processes: the list first
    assert visitor.url.endswith(f"/p/{old}")
    with visitor.expect_download(timeout=30000) as download:
        visitor.get_by_role("link", name="Als PDF herunterladen").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    # the update's landing page leads to the adopted plan as well
    visitor.goto(f"{live_server}/p/{new}")
    _lineage_link(visitor, "predecessor", "der veröffentlichte Plan").click()
    assert visitor.url.endswith(f"/p/{old}/plan")
    context.close()
