"""Issue 18, done when: a prioritisation workshop in room mode, with CSRF on, as in production.

30 phones take part — 27 over plain HTTP with their own cookie jars, 3 in real browser contexts at 390 px —
a paper tally adds 10 people, and the round counts 40 voters with the right totals; a second ballot from
one phone and a 31st phone are refused; a card handed in from a phone becomes an idea of the session.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from http.cookiejar import CookieJar

import pytest

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tests.room.conftest import dots_round, proposals, workshop  # noqa: F401 (fixtures)
from tracker.extensions import db
from tracker.measures.models import Measure
from tracker.prioritisation import services as prioritisation
from tracker.room import services as room_services

pytestmark = pytest.mark.slow

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


class HttpPhone:
    """A phone without a browser: plain HTTP with its own cookie jar (the room token, the CSRF session)."""

    def __init__(self, base: str, code: str):
        self.base, self.code = base, code
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(f"{self.base}{path}", data=body) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def ballot(self, points: dict[int, int]) -> int:
        status, page = self.open(f"/r/{self.code}")
        assert status == 200, page[:300]
        token = CSRF.search(page).group(1)
        status, _page = self.open(f"/r/{self.code}/ballot",
                                  {"csrf_token": token, **{f"m{m}": str(p) for m, p in points.items()}})
        return status


def _browser_phone(browser, base: str, code: str):
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(f"JS error: {error}"))
    tab.goto(f"{base}/r/{code}")
    return context, tab, problems


def test_a_prioritisation_workshop_with_thirty_phones_and_a_paper_tally(browser, page, live_server, world,
                                                                         workshop, dots_round, proposals):  # noqa: F811
    first, second, third = proposals
    log_in(page, live_server, world.steering.email, factories.PASSWORD)
    page.goto(f"{live_server}/sessions/{workshop.id}/room")
    page.get_by_label("Personen im Raum").fill("30")
    page.get_by_role("button", name="Raum-Modus starten").click()
    page.get_by_text("Der Raum-Modus läuft für 30 Personen.").wait_for()
    db.session.commit()
    db.session.expire_all()
    code = room_services.room_of(workshop).code

    # 27 phones over plain HTTP: 2 dots on the first proposal and 1 on the second.
    http_phones = [HttpPhone(live_server, code) for _ in range(27)]
    assert [phone.ballot({first.id: 2, second.id: 1}) for phone in http_phones] == [200] * 27  # then the phone page
    assert http_phones[0].ballot({third.id: 2}) == 409  # the same token again

    # 3 phones in real browsers at 390 px: 2 dots on the third proposal and 1 on the second.
    for n in range(3):
        context, tab, problems = _browser_phone(browser, live_server, code)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        tab.get_by_label(third.title, exact=True).fill("2")
        tab.get_by_label(second.title, exact=True).fill("1")
        tab.get_by_role("button", name="Meine Punkte abgeben").click()
        tab.get_by_text("Ihre Punkte sind abgegeben. Danke!").wait_for()
        if n == 0:
            tab.get_by_label("Ihre Idee").fill("Lastenräder für Handwerk")
            tab.get_by_label("Ihr Name (freiwillig)").fill("Paula Phone")
            tab.get_by_label("Ihre Organisation (freiwillig)").fill("Alpha GmbH")
            tab.get_by_label("Mein Name darf mit der Idee genannt werden").check()
            tab.get_by_role("button", name="Karte abgeben").click()
            tab.get_by_text("Danke! Ihre Karte ist auf dem Weg zur Moderation.").wait_for()
            screenshot(tab, "room-phone-390")
        context.close()
        assert problems == [], problems

    assert HttpPhone(live_server, code).open(f"/r/{code}")[0] == 403  # the 31st phone in a room of 30

    # The projector shows the card and the tally arriving (polled JSON, no inline script).
    page.goto(f"{live_server}/sessions/{workshop.id}/room/projector")
    assert page.locator(".room-qr svg").is_visible()
    page.locator(".room-card", has_text="Lastenräder für Handwerk").wait_for()
    page.locator("[data-room-voters]", has_text="30 haben abgestimmt").wait_for()

    # The wall: 10 people, 15 dots on the first proposal, 8 on the third.
    page.goto(f"{live_server}/rounds/{dots_round.id}/tallies")
    page.get_by_label("Gezählte Personen").fill("10")
    page.get_by_label(first.title, exact=True).fill("15")
    page.get_by_label(third.title, exact=True).fill("8")
    page.get_by_role("button", name="Zählung hinzufügen").click()
    page.get_by_text("Die Zählung ist eingetragen.").wait_for()
    page.goto(f"{live_server}/sessions/{workshop.id}/room/projector")
    page.locator("[data-room-voters]", has_text="40 haben abgestimmt").wait_for()

    page.goto(f"{live_server}/rounds/{dots_round.id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Abschließen und veröffentlichen").click()
    page.get_by_text("40 Personen haben abgestimmt.").wait_for()
    db.session.commit()
    db.session.expire_all()
    assert prioritisation.voter_sources(dots_round) == {"accounts": 0, "room": 30, "paper": 10}
    scores = {r.measure_id: r.score for r in dots_round.results}
    assert scores == {first.id: Decimal(27 * 2 + 15), second.id: Decimal(27 + 3), third.id: Decimal(3 * 2 + 8)}

    # The moderator accepts the card: an idea of the session, for Alpha GmbH, named with consent.
    page.goto(f"{live_server}/sessions/{workshop.id}/room")
    page.get_by_role("button", name="Als Idee dieser Sitzung übernehmen").click()
    page.get_by_text("Die Karte ist jetzt die Idee „Lastenräder für Handwerk“.").wait_for()
    db.session.commit()
    db.session.expire_all()
    idea = db.session.scalar(db.select(Measure).where(Measure.title == "Lastenräder für Handwerk"))
    assert idea.session_id == workshop.id and idea.proposer_organization_id == world.org_a.id
    assert "Paula Phone" in idea.description
