"""Charts draw in a real browser under the strict CSP (no eval, no inline script)."""

import pytest

from tests import factories
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.slow


def test_dashboard_charts_draw_without_csp_violations(page, live_server, world):
    factories.attendance(world.session_a, world.company_a.person)
    from tracker.extensions import db

    db.session.commit()
    log_in(page, live_server, world.steering.email, factories.PASSWORD)
    page.goto(f"{live_server}/processes/{world.process.id}/dashboard")
    page.wait_for_selector(".chart .main-svg", timeout=15000)
    assert page.locator(".chart .main-svg").count() >= 3
    screenshot(page, "dashboard-desktop")
    page.set_viewport_size({"width": 768, "height": 1000})
    page.goto(f"{live_server}/p/{world.process.id}/progress")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768
    screenshot(page, "public-progress-tablet")


def test_german_charts_name_months_in_german_and_count_in_whole_numbers(page, live_server, world):
    from datetime import date

    from tracker.extensions import db
    from tracker.implementation.models import Milestone
    from tracker.measures.models import MeasureStatus

    measure = factories.measure(world.process, world.hub_a, title="Glasfaser", status=MeasureStatus.ADOPTED)
    for day, title in ((date(2020, 3, 2), "Antrag"), (date(2020, 5, 20), "Baubeginn")):
        db.session.add(Milestone(measure=measure, title=title, due_on=day))
    db.session.commit()
    log_in(page, live_server, world.steering.email, factories.PASSWORD)
    page.goto(f"{live_server}/processes/{world.process.id}/dashboard")
    page.wait_for_selector("#chart-milestones .xtick text", timeout=15000)
    months = " ".join(page.locator("#chart-milestones .xtick text").all_text_contents())
    assert "Mär" in months or "Mai" in months, months
    assert "Mar" not in months and "May" not in months, months
    ticks = page.locator("#chart-traffic-lights .xtick text").all_text_contents()
    assert ticks and all(tick.isdigit() for tick in ticks), ticks
