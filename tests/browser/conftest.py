"""A real browser (Debian's Chromium driven by Playwright) against the app served on loopback."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tracker.extensions import db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.slow


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember whether the test body failed, so the page fixture keeps a screenshot of it."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.call_failed = report.failed


@pytest.fixture
def live_server(app):
    """The app on a free loopback port, in a thread; yields its base URL."""
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make install adds it)")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser tab (German, desktop width) that fails the test on any CSP violation or JS error."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text)
           if message.type == "error" and ("Content Security Policy" in message.text or "Refused" in message.text)
           else None)
    tab.on("pageerror", lambda error: problems.append(f"JS error: {error}"))
    tab.problems = problems
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    if getattr(request.node, "call_failed", False):
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failed.png"), full_page=True)
    context.close()
    assert problems == [], problems


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def log_in(tab, base_url: str, email: str, password: str) -> None:
    tab.goto(f"{base_url}/login")
    tab.get_by_label("E-Mail").fill(email)
    tab.get_by_label("Passwort").fill(password)
    tab.get_by_role("button", name="Anmelden").last.click()
    tab.wait_for_load_state()
