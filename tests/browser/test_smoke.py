"""The browser loads the key pages without CSP violations, and logging in works."""

import pytest

from tests import factories
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.slow


def test_public_page_and_login_in_a_real_browser(page, live_server, world):
    page.goto(live_server + "/")
    assert "Hub A" in page.content()
    log_in(page, live_server, world.steering.email, factories.PASSWORD)
    assert "Masterplan Test" in page.content()
    for path in (f"/processes/{world.process.id}", f"/hubs/{world.hub_a.id}", f"/sessions/{world.session_a.id}",
                 f"/processes/{world.process.id}/measures", f"/measures/{world.measure_a.id}"):
        response = page.goto(live_server + path)
        assert response.status == 200, path
    screenshot(page, "smoke-measure-page")
