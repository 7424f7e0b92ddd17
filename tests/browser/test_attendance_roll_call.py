"""The roll call in a real browser: clicks and keys save at once, with CSRF on and no CSP violation."""

import pytest
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.extensions import db
from tracker.organizations.models import Person
from tracker.sessions.models import Attendance, AttendanceStatus

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production: fetch() must send the token."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _status(attendance_id: int) -> str:
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Attendance, attendance_id).status.value


def test_roll_call_by_mouse_and_keyboard_and_a_walk_in(page, live_server, world):
    people = [world.company_a.person, factories.person(world.org_a, name="Doris Zweite"),
              factories.person(world.org_a, name="Emil Dritte")]
    rows = [factories.attendance(world.session_a, p, AttendanceStatus.INVITED) for p in people]
    db.session.commit()
    log_in(page, live_server, world.moderator_a.email, factories.PASSWORD)
    page.goto(f"{live_server}/sessions/{world.session_a.id}/roll-call")

    # big touch targets
    box = page.locator(f"#attendance-{rows[0].id} .choice--attended span").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44

    # the filter finds a name
    page.get_by_label("Namen suchen").fill("doris")
    assert page.locator(f"#attendance-{rows[0].id}").is_hidden()
    assert page.locator(f"#attendance-{rows[1].id}").is_visible()
    page.get_by_label("Namen suchen").fill("")

    # a click saves at once
    page.locator(f"#attendance-{rows[0].id} .choice--attended").click()
    page.locator(f"#attendance-{rows[0].id} .roll-call__state", has_text="Gespeichert").wait_for()
    assert _status(rows[0].id) == "attended"
    assert page.locator('[data-count="attended"]').inner_text() == "1"

    # keyboard: arrow to "excused", Enter saves it and moves on to the next person (rows sorted by name)
    page.locator(f"#attendance-{rows[1].id} input[value=attended]").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.locator(f"#attendance-{rows[1].id} .roll-call__state", has_text="Gespeichert").wait_for()
    assert _status(rows[1].id) == "excused"
    assert page.evaluate("document.activeElement.name") == f"status-{rows[2].id}"
    page.keyboard.press("Space")  # the focused first choice: attended
    page.locator(f"#attendance-{rows[2].id} .roll-call__state", has_text="Gespeichert").wait_for()
    assert _status(rows[2].id) == "attended"

    # a walk-in without leaving the page
    page.get_by_text("Spontan Teilnehmende hinzufügen").click()
    page.get_by_label("Name", exact=True).fill("Walter Walk-in")
    page.get_by_label("oder eine neue Organisation").fill("Omega Optik")
    page.get_by_role("button", name="Als teilgenommen hinzufügen").click()
    page.wait_for_load_state()
    assert "Walter Walk-in ist als teilgenommen erfasst." in page.content()
    db.session.commit()
    walter = db.session.scalar(select(Person).where(Person.name == "Walter Walk-in"))
    assert walter.organization.name == "Omega Optik"
    screenshot(page, "attendance-roll-call-desktop")

    # phone width: no horizontal scrolling
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "attendance-roll-call-phone")
