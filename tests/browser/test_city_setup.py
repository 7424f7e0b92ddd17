"""Issue 17, "Done when" (first item): a city starts its own process from an empty database.

Only an administrator exists, created on the command line. In the browser the administrator sets up a
process (eight steering partners, five hubs with moderators, guiding goals, the kickoff); a company
registers two delegates for the kickoff with its hub and consent; the administrator approves; the
set-password mail arrives at a real SMTP server (aiosmtpd) and its link works; the representative logs in
and sees the hub and the kickoff in the calendar.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import vobject
from sqlalchemy import func, select

from tests.browser.conftest import log_in, screenshot
from tests.mail.conftest import smtp  # noqa: F401  (the real SMTP server of the mail tests)
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.sessions.models import Attendance, AttendanceStatus

pytestmark = pytest.mark.slow

ADMIN = ("ada@stadt.example", "Ada Admin", "admin-passwort-42")
PARTNERS = [("Stadt Altenberg", "administration"), ("IHK Altenberg", "chamber"),
            ("Handwerkskammer Altenberg", "crafts"), ("Unternehmerverband Altenberg", "employers_association"),
            ("DGB Altenberg", "union"), ("Wirtschaftsförderung Altenberg", "agency"),
            ("Hochschule Altenberg", "research"), ("Agentur für Arbeit Altenberg", "administration")]
HUBS = [("Fachkräfte", "FK"), ("Innovation", "INN"), ("Flächen", "FL"), ("Mobilität", "MOB"),
        ("Digitalisierung", "DIG")]
MODERATORS = ["Mona Moderatorin", "Max Moderator"]  # each moderates some of the five hubs
GOALS = ["Gute Arbeit in Altenberg", "Raum für Unternehmen"]
KICKOFF = "Auftaktveranstaltung Masterplan Altenberg"


@pytest.fixture
def app_config(app_config):
    """As in production: CSRF on every form."""
    return {**app_config, "WTF_CSRF_ENABLED": True, "PLAN_CHART_IMAGES": False}


def _submit(tab, field: str) -> None:
    """Submit the form that holds `field` and wait for the next page."""
    with tab.expect_navigation():
        tab.locator(f"form:has({field}) button[type=submit]").last.click()


def _new_page(tab, url: str) -> None:
    tab.goto(url)
    assert tab.locator(".field--invalid").count() == 0


def test_a_city_sets_up_its_process_and_a_company_registers_for_the_kickoff(app, runner, browser, page, live_server,
                                                                              smtp):  # noqa: F811
    app.config["PUBLIC_URL"] = live_server  # the links in mails point at the app as the browser reaches it
    email, name, password = ADMIN
    result = runner.invoke(args=["create-user", "--email", email, "--name", name, "--role", "admin",
                                 "--password", password])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1

    # The administrator sets the process up -----------------------------------------------------------
    log_in(page, live_server, email, password)
    for partner, kind in PARTNERS:
        _new_page(page, f"{live_server}/organizations/new")
        page.fill("#name", partner)
        page.select_option("#type", kind)
        page.check("#consents_to_be_named")
        _submit(page, "#name")
    for n, moderator in enumerate(MODERATORS, start=1):
        _new_page(page, f"{live_server}/admin/users/new")
        page.fill("#name", moderator)
        page.fill("#email", f"moderation{n}@stadt.example")
        page.select_option("#organization_id", label=PARTNERS[5][0])
        page.select_option("#role", "moderator")
        _submit(page, "#email")

    _new_page(page, f"{live_server}/processes/new")
    page.fill("#name", "Masterplan Altenberg")
    page.fill("#city", "Altenberg")
    page.fill("#starts_on", "2026-09-01")
    page.fill("#ends_on", "2028-06-30")
    page.fill("#contact_email", "masterplan@stadt.example")
    page.select_option("#partner_ids", label=[p for p, _kind in PARTNERS])
    _submit(page, "#city")
    process_id = int(re.search(r"/processes/(\d+)", page.url).group(1))

    for n, (hub, short) in enumerate(HUBS, start=1):
        _new_page(page, f"{live_server}/hubs/new/{process_id}")
        page.fill("#name", hub)
        page.fill("#short_name", short)
        page.select_option("#lead_organization_ids", label=[PARTNERS[n % len(PARTNERS)][0]])
        page.select_option("#moderator_ids", label=[MODERATORS[n % len(MODERATORS)]])
        _submit(page, "#short_name")
    _new_page(page, f"{live_server}/processes/{process_id}/goals")
    for goal in GOALS:  # the goals page takes the next one after each save
        page.fill("#title", goal)
        _submit(page, "#title")
    _new_page(page, f"{live_server}/processes/{process_id}/sessions/new")
    page.select_option("#kind", "kickoff")
    page.select_option("#hub_id", "0")
    page.fill("#title", KICKOFF)
    page.fill("#starts_at", "2027-03-10T16:00")
    page.fill("#ends_at", "2027-03-10T19:00")
    page.fill("#location", "Rathaus Altenberg")
    _submit(page, "#title")
    if page.locator("#confirm_warnings").count():  # a warning (e.g. a holiday) is confirmed, as a person would
        page.check("#confirm_warnings")
        _submit(page, "#title")
    assert KICKOFF in page.locator("h1").inner_text()

    page.goto(f"{live_server}/processes/{process_id}")
    overview = page.locator("main").inner_text()
    assert "Fachkräfte" in overview and "Digitalisierung" in overview and KICKOFF in overview
    assert page.locator(".checklist").count() == 0  # every set-up step is done: the checklist is gone
    assert page.locator(f"a[href$='/processes/{process_id}/edit']").count() >= 1
    screenshot(page, "city-setup-overview")

    # A company registers two delegates for the kickoff ------------------------------------------------
    visitor = browser.new_context(locale="de-DE")
    form = visitor.new_page()
    form.goto(f"{live_server}/p/{process_id}/register")
    assert KICKOFF in form.locator("main").inner_text()
    form.fill("#name", "Rita Registrant")
    form.fill("#email", "rita@altenberg-logistik.example")
    form.fill("#function", "Geschäftsführerin")
    form.fill("#organization_name", "Altenberg Logistik GmbH")
    form.select_option("#organization_type", "company")
    form.select_option("#hub_id", label="Mobilität")
    form.fill("[name='delegates-0-name']", "Dieter Disponent")
    form.fill("[name='delegates-0-email']", "dieter@altenberg-logistik.example")
    form.check("#consent_contact")
    form.check("#consent_named")
    form.check("#consent_delegates")
    with form.expect_navigation():
        form.locator("button.button--primary[type=submit]").click()
    assert "Vielen Dank" in form.locator("h1").inner_text()
    visitor.close()

    # The administrator approves -------------------------------------------------------------------------
    page.goto(f"{live_server}/admin/registrations")
    assert "Altenberg Logistik GmbH" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Rita Registrant").click()
    with page.expect_navigation():
        page.locator("form[action$='/approve'] button[type=submit]").click()
    assert "2 Personen sind für" in page.locator("main").inner_text()
    assert "Altenberg Logistik GmbH" not in page.locator("table").last.inner_text()  # it left the open list

    # The mails go out through a real SMTP server ---------------------------------------------------------
    db.session.commit()  # this thread's read transaction would keep the worker from writing (SQLite)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    by_address: dict[str, list] = {}
    for recipients, message in smtp.messages:
        for address in recipients:
            by_address.setdefault(address, []).append(message)
    rita, dieter = by_address["rita@altenberg-logistik.example"], by_address["dieter@altenberg-logistik.example"]
    texts = [m.get_body(("plain",)).get_content() for m in rita]
    assert any("erhalten" in m["Subject"] for m in rita)  # the "received" mail of the registration
    [link] = [re.search(r"https?://\S+/set-password/\S+", text).group(0) for text in texts if "/set-password/" in text]
    assert not any("/set-password/" in m.get_body(("plain",)).get_content() for m in dieter)  # no account for him
    for person_mails in (rita, dieter):
        [ics] = [part.get_content() for m in person_mails for part in m.iter_attachments()
                 if part.get_content_type() == "text/calendar"]
        calendar = vobject.readOne(ics if isinstance(ics, str) else ics.decode())
        assert calendar.vevent.summary.value == KICKOFF and "vtimezone" in calendar.contents
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.status == AttendanceStatus.REGISTERED)) == 2

    # The link works; the representative logs in and sees the hub and the kickoff ------------------------
    representative = browser.new_context(locale="de-DE")
    tab = representative.new_page()
    tab.goto(link)
    tab.fill("#password", "rita-passwort-2027")
    tab.fill("#confirm", "rita-passwort-2027")
    _submit(tab, "#confirm")
    assert urlsplit(tab.url).path.endswith("/login")
    log_in(tab, live_server, "rita@altenberg-logistik.example", "rita-passwort-2027")
    start = tab.locator("main").inner_text()  # where a person lands: their hub and next sessions
    assert "Mobilität" in start and "Innovation" not in start and KICKOFF in start
    tab.goto(f"{live_server}/processes/{process_id}/sessions")
    assert KICKOFF in tab.locator("main").inner_text()
    screenshot(tab, "city-setup-representative-calendar")
    feed = tab.locator("code.token").first.inner_text()  # "all my sessions", as a calendar app subscribes it
    body = tab.request.get(live_server + urlsplit(feed).path).text()
    assert [e.summary.value for e in vobject.readOne(body).contents["vevent"]] == [KICKOFF]
    representative.close()
