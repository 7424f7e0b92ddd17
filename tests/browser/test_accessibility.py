"""Key pages for every role: axe-core finds no serious or critical violation, every form field has a
label, and nothing scrolls sideways on a tablet (768 px) or a phone (390 px).

axe-core is vendored in tests/browser/vendor (from the npm registry) and injected through the
DevTools protocol, which the page's Content-Security-Policy does not restrict.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.extensions import db
from tracker.measures.models import MeasureStatus

pytestmark = pytest.mark.slow

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = {"tablet": 768, "phone": 390}

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
}"""

UNLABELLED_FIELDS = """() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter(el => !["hidden", "submit", "button"].includes(el.type))
  .filter(el => el.labels.length === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
  .map(el => el.outerHTML.slice(0, 120))"""


@pytest.fixture
def pages(world):
    """The key pages, per role (None: without login)."""
    from tracker.plan import versions as plan

    goal = factories.goal(world.process, number=1, title="Oberhausen ist innovativ")
    adopted = factories.measure(world.process, world.hub_a, title="Gründerzentrum am Kanal",
                                status=MeasureStatus.ADOPTED, primary_goal=goal, is_focus_project=True)
    from tracker.implementation.models import Milestone

    db.session.add(Milestone(measure=adopted, title="Erste Börse", owner_organization=world.partner,
                             owner_person=world.steering.person))  # its owner form is on the measure page
    version = plan.freeze(world.process, "Masterplan 2019", by=world.steering)
    plan.submit(version, by=world.steering)
    factories.approve_plan_version(version)
    db.session.commit()
    p, s, h = world.process.id, world.session_a.id, world.hub_a.id
    return {
        None: ["/", f"/p/{p}", f"/p/{p}/register", f"/p/{p}/progress", f"/p/{p}/plan", f"/p/{p}/ideas", "/login",
               "/forgot-password"],
        world.company_a: ["/start", f"/hubs/{h}", f"/processes/{p}/measures", f"/processes/{p}/measures/new",
                          f"/measures/{world.measure_a.id}", f"/hubs/choose/{p}", "/profile"],
        world.moderator_a: [f"/sessions/{s}", f"/sessions/{s}/roll-call", f"/sessions/{s}/minutes",
                            f"/processes/{p}/sessions/new", f"/hubs/{h}/dashboard", f"/processes/{p}/sessions"],
        world.steering: [f"/processes/{p}", f"/processes/{p}/dashboard", f"/processes/{p}/plan",
                         f"/plan/versions/{version.id}", f"/measures/{adopted.id}", f"/processes/{p}/goals",
                         f"/processes/{p}/implementation", f"/processes/{p}/edit"],
        world.admin: ["/admin/users", "/admin/audit", "/admin/outbox", "/processes/new"],
    }


def _check(tab, url: str) -> list[str]:
    response = tab.goto(url)
    assert response.status == 200, url
    tab.evaluate(AXE)
    problems = [f"{url}: {violation}" for violation in tab.evaluate(RUN_AXE)]
    problems += [f"{url}: no label for {field}" for field in tab.evaluate(UNLABELLED_FIELDS)]
    return problems


def test_key_pages_pass_axe_and_label_every_field(page, live_server, pages):
    problems: list[str] = []
    for user, paths in pages.items():
        page.context.clear_cookies()
        if user is not None:
            log_in(page, live_server, user.email, factories.PASSWORD)
        for path in paths:
            problems += _check(page, live_server + path)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_key_pages_fit_tablet_and_phone_widths(page, live_server, pages, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 1000})
    too_wide = []
    for user, paths in pages.items():
        page.context.clear_cookies()
        if user is not None:
            log_in(page, live_server, user.email, factories.PASSWORD)
        for path in paths:
            assert page.goto(live_server + path).status == 200, path
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                too_wide.append(f"{path}: {page.evaluate('document.documentElement.scrollWidth')} px")
            name = path.strip("/").replace("/", "-") or "home"
            screenshot(page, f"layout-{width}-{name}")
    assert too_wide == [], f"pages that scroll sideways at {WIDTHS[width]} px: {too_wide}"
