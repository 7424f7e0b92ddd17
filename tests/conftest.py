"""Fixtures: the app on a clean database (SQLite, or PostgreSQL via TEST_DATABASE_URL), clients, roles."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import close_all_sessions

from tests import factories
from tests.ci_policy import (  # noqa: F401 - pytest hooks: skips fail on CI, postgres_only, compiled translations
    compile_catalogues,
    pytest_configure,
    pytest_make_collect_report,
    pytest_runtest_makereport,
    pytest_runtest_setup,
)
from tracker import create_app, jobs
from tracker.accounts.models import Role, User
from tracker.caching import cache
from tracker.config import normalise_database_url
from tracker.extensions import db, limiter
from tracker.hubs.models import Hub
from tracker.measures.models import Measure
from tracker.organizations.models import Organization, OrganizationType
from tracker.processes.models import Process
from tracker.sessions.models import Session

pytest_plugins = ("pytester",)  # tests/test_ci_policy.py runs the session's own hooks on generated tests

_schema_ready: set[str] = set()


def pytest_sessionstart(session) -> None:
    """A fresh checkout has no .mo files: compile them before anything renders a page (once, not in every
    pytest-xdist worker: the controller's session starts before the workers)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        compile_catalogues()


def database_url(tmp_path_factory) -> str:
    """SQLite in the run's temporary folder, or TEST_DATABASE_URL; under pytest-xdist each worker gets a
    database of its own (SQLite: its own folder; PostgreSQL: `<name>_<worker>`, created when missing)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.getbasetemp() / "test.sqlite")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


def _worker_database(url: str, worker: str) -> str:
    parsed = make_url(normalise_database_url(url))
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def test_database_url(tmp_path_factory) -> str:
    return database_url(tmp_path_factory)


def base_config(database_url: str) -> dict:
    """The settings every test app starts from."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SCHEMA_CHECK": False,
        "PASSWORD_TIME_COST": 1,
        "PASSWORD_MEMORY_COST": 1024,
        "SERVER_NAME": "localhost",
        # No browser per frozen version (8 charts at 2x): the tests of chart images turn it on.
        "PLAN_CHART_IMAGES": False,
    }


@pytest.fixture
def app_config(test_database_url, tmp_path) -> dict:
    """Override in a test module to change settings before the app is built."""
    return base_config(test_database_url)


def _empty_all_tables() -> None:
    """Delete every row and restart the ids at 1. On PostgreSQL not with TRUNCATE: it makes new files for
    all ~50 tables, about a second per test, where DELETE on a test's few rows takes milliseconds."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        db.session.connection().exec_driver_sql("; ".join(f'DELETE FROM "{t.name}"' for t in tables))  # noqa: S608 - our own table names
        db.session.execute(text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) FROM pg_sequences "
            "WHERE schemaname = current_schema() AND last_value IS NOT NULL"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Without this, the test's long-lived app context would share `g` (the logged-in user, the
    locale) and the database session between requests of different clients. The test's own
    session commits before each request and so sees what the request committed afterwards.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


_shared_apps: dict[str, tuple[Flask, dict]] = {}  # database URL -> (app, what a test may change on it)


def _app_for(config: dict) -> Flask:
    """A new app, or, for the plain test settings, one kept per database: building an app compiles its
    ~1100 URL rules (a fifth of a second), which was a third of the suite's time. A kept app is reset
    after each test (_reset_shared_app), so each test starts with the app as it was built. A test that needs an
    app built for it alone overrides `app_config` with any further setting, e.g. TEST_OWN_APP=True."""
    url = config["SQLALCHEMY_DATABASE_URI"]
    shared = config == base_config(url)
    if shared and url in _shared_apps:
        app = _shared_apps[url][0]
        limiter.enabled = app.config["RATELIMIT_ENABLED"]  # one Limiter for all apps: make_app may have turned it on
        return app
    app = create_app(config)
    app.test_client_class = FreshContextClient
    if shared:
        _shared_apps[url] = (app, {"config": dict(app.config), "static_folder": app.static_folder,
                                   "wsgi_app": app.wsgi_app})
    return app


def _reset_shared_app(app: Flask, built: dict) -> None:
    """Undo what a test may have changed on a kept app: settings, static folder, middleware, cache, jobs."""
    app.config.clear()
    app.config.update(built["config"])
    app.static_folder = built["static_folder"]
    app.wsgi_app = built["wsgi_app"]
    cache.clear()
    app.extensions["jobs"] = type(app.extensions["jobs"])(app)


@contextmanager
def running_app(config: dict):
    """The app in an app context on a schema made once per database; emptied afterwards."""
    app = _app_for(config)
    with app.app_context():
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        if url not in _schema_ready:
            db.drop_all()
            db.create_all()
            _schema_ready.add(url)
        try:
            yield app
        finally:
            jobs.wait(30)  # a job still running would write into the next test's tables
            db.session.remove()
            close_all_sessions()  # one a thread or a second app left open would keep its connection past dispose
            _empty_all_tables()
            db.session.remove()
            db.engine.dispose()
            kept = _shared_apps.get(config["SQLALCHEMY_DATABASE_URI"])
            if kept and kept[0] is app:
                _reset_shared_app(app, kept[1])


@pytest.fixture
def app(app_config):
    with running_app(app_config) as app:
        yield app


@pytest.fixture
def make_app(app, app_config):
    """make_app(**overrides): a second app on the same database, e.g. with rate limits on."""
    made = []

    def _make(**overrides):
        other = create_app({**app_config, **overrides})
        other.test_client_class = FreshContextClient
        made.append(other)
        return other

    yield _make
    for other in made:
        with other.app_context():
            jobs.wait(30)  # its jobs run in threads of its own: done before its connections go
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the real login form."""

    def _login(user: User, password: str = factories.PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return _login


@pytest.fixture
def bearer(app):
    """bearer(user) -> headers with a fresh personal API token of that user."""
    from tracker.api import tokens

    def _headers(user):
        token = tokens.create_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return _headers


@dataclass
class World:
    """A small process with two hubs (A and B) and one user of each role."""

    process: Process
    hub_a: Hub
    hub_b: Hub
    org_a: Organization
    org_b: Organization
    partner: Organization
    admin: User
    steering: User
    moderator_a: User
    moderator_b: User
    company_a: User
    company_b: User
    session_a: Session
    session_b: Session
    measure_a: Measure
    measure_b: Measure


def build_world() -> World:
    """The `world` objects, committed (also used by fixtures that snapshot a richer state)."""
    process = factories.process(name="Masterplan Test")
    partner = factories.organization(name="Wirtschaftsförderung", type=OrganizationType.AGENCY)
    process.partners = [partner]
    hub_a = factories.hub(process, name="Hub A", short_name="A")
    hub_b = factories.hub(process, name="Hub B", short_name="B")
    org_a = factories.organization(name="Alpha GmbH")
    org_b = factories.organization(name="Beta GmbH")
    company_a = factories.user(Role.COMPANY, organization=org_a, name="Carla Company-A")
    company_b = factories.user(Role.COMPANY, organization=org_b, name="Carl Company-B")
    factories.membership(org_a, hub_a, delegates=[company_a.person])
    factories.membership(org_b, hub_b, delegates=[company_b.person])
    world = World(
        process=process, hub_a=hub_a, hub_b=hub_b, org_a=org_a, org_b=org_b, partner=partner,
        admin=factories.user(Role.ADMIN, organization=partner, name="Ada Admin"),
        steering=factories.make_steering(process, organization=partner, name="Stefan Steering"),
        moderator_a=factories.user(Role.MODERATOR, organization=partner, hubs=[hub_a], name="Mona Moderator-A"),
        moderator_b=factories.user(Role.MODERATOR, organization=partner, hubs=[hub_b], name="Max Moderator-B"),
        company_a=company_a, company_b=company_b,
        session_a=factories.session(process, hub_a, title="Workshop A1", minutes="Geheimer Entwurf A"),
        session_b=factories.session(process, hub_b, title="Workshop B1", minutes="Geheimer Entwurf B"),
        measure_a=factories.measure(process, hub_a, title="Idee aus A", proposer_organization=org_a),
        measure_b=factories.measure(process, hub_b, title="Idee aus B", proposer_organization=org_b),
    )
    db.session.commit()
    return world


@pytest.fixture
def world(app) -> World:
    return build_world()
