"""Proof that the app runs on more than one machine: two app servers (gunicorn, two ports), one RQ worker
(`flask worker`), PostgreSQL and Redis. A write through one server shows on the next request of the
other (caches invalidated), and an export asked for through one is rendered by the worker and served
by both."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests import factories
from tests.jobs.conftest import REDIS_URL, redis_available

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES + "postgres", connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # any failure means: no server to test with
        return False


@pytest.fixture
def installation(tmp_path):
    """A fresh PostgreSQL database with the demo process, and the environment every process shares."""
    if not (redis_available() and _postgres_available()):
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379")
    name = f"multi_server_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    tag = uuid.uuid4().hex[:10]
    env = {**os.environ, "DATABASE_URL": POSTGRES + name, "REDIS_URL": REDIS_URL, "SECRET_KEY": "multi-" + tag,
           "JOBS_QUEUE": f"multi-{tag}", "CACHE_KEY_PREFIX": f"multi-{tag}:", "PLAN_SYNC_EXPORT_LIMIT": "0",
           "PLAN_CHART_IMAGES": "false",
           "PYTHONPATH": str(ROOT), "FLASK_APP": "wsgi"}
    env.pop("FLASK_DEBUG", None)
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    world = _prepare(env["DATABASE_URL"])
    processes: list[subprocess.Popen] = []
    try:
        yield env, processes, flask, world
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*multi-{tag}*"):
            client.delete(key)


def _prepare(url: str) -> dict:
    """The schema at the migrations' head and a small process (faster than `db upgrade` and `seed-demo`)."""
    from tests.conftest import base_config, build_world
    from tracker import create_app
    from tracker.extensions import db
    from tracker.schema_check import head_revisions

    app = create_app({**base_config(url), "SERVER_NAME": None})
    with app.app_context():
        db.create_all()
        db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        for revision in head_revisions():
            db.session.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
        world = build_world()
        details = {"process_id": world.process.id, "email": world.steering.email}
        db.session.remove()
        db.engine.dispose()
    return details


def _serve(env, processes, port: int) -> str:
    processes.append(subprocess.Popen(  # noqa: S603 - our own servers
        [str(BIN / "gunicorn"), "--workers", "1", "--threads", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return f"http://127.0.0.1:{port}"


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/login", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not start")


def _login(url: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    form = session.get(url + "/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = session.post(url + "/login", data={"csrf_token": token, "email": email, "password": password},
                          allow_redirects=False)
    assert answer.status_code == 302, answer.text[:300]
    return session


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url).text).group(1)


def test_two_servers_one_worker_postgresql_and_redis(installation):
    env, processes, flask, world = installation
    one, two = _serve(env, processes, _free_port()), _serve(env, processes, _free_port())
    processes.append(subprocess.Popen([*flask, "worker"], cwd=ROOT, env=env,  # noqa: S603
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    _wait_until_up(one)
    _wait_until_up(two)
    on_one, on_two = (_login(url, world["email"], factories.PASSWORD) for url in (one, two))

    # A write through server one shows on the next request of server two (its cache is invalidated).
    process_id = world["process_id"]
    draft_before = on_two.get(f"{two}/processes/{process_id}/plan").text
    assert on_two.get(f"{two}/processes/{process_id}/plan").status_code == 200  # now from the cache
    foreword = f"Vorwort aus Server eins {uuid.uuid4().hex[:6]}"
    page = on_one.get(f"{one}/processes/{process_id}/plan/foreword").text
    version = re.search(r'name="version"[^>]*value="(\d+)"', page) or re.search(r'value="(\d+)"[^>]*name="version"',
                                                                                page)
    saved = on_one.post(f"{one}/processes/{process_id}/plan/foreword", allow_redirects=False, data={
        "csrf_token": _csrf(on_one, f"{one}/processes/{process_id}/plan/foreword"), "foreword": foreword,
        "version": version.group(1)})
    assert saved.status_code in (302, 303), saved.text[:500]
    draft_after = on_two.get(f"{two}/processes/{process_id}/plan").text
    assert foreword not in draft_before and foreword in draft_after

    # An export asked for through server one is rendered by the worker and served by both.
    freeze = on_one.post(f"{one}/processes/{process_id}/plan/versions", allow_redirects=False, data={
        "csrf_token": _csrf(on_one, f"{one}/processes/{process_id}/plan"), "label": "Zwei Server"})
    assert freeze.status_code in (302, 303), freeze.text[:500]
    version_url = one + freeze.headers["Location"] if freeze.headers["Location"].startswith("/") \
        else freeze.headers["Location"]
    version_id = int(re.search(r"/plan/versions/(\d+)", version_url).group(1))
    asked = on_one.get(f"{one}/plan/versions/{version_id}?format=docx")
    assert asked.status_code == 202 and "<progress" in asked.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = on_two.get(f"{two}/plan/versions/{version_id}/exports/docx/status").json()
        assert not status["failed"]
        if status["ready"]:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the worker did not render the export")
    for session, url in ((on_one, one), (on_two, two)):
        served = session.get(f"{url}/plan/versions/{version_id}?format=docx")
        assert served.status_code == 200 and served.content[:2] == b"PK"
