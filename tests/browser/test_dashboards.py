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
