"""Long work runs on the job queue: retried when it fails or its worker dies, progress on the page,
failures visible to administrators; the same job functions run on RQ (Redis) and in the thread pool."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
import redis
from rq import Queue

from tests import factories
from tests.jobs import sample
from tests.jobs.conftest import REDIS_URL, work
from tracker import create_app, jobs
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.jobs import schedule
from tracker.plan import versions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "JOBS_MODULES": ("tracker.", "tests.jobs."), "PLAN_CHART_IMAGES": False}


def test_a_failing_job_is_retried_then_shown_to_administrators_with_its_error(app, client, login, world):
    tag = uuid.uuid4().hex
    jobs.enqueue("tests.jobs.sample:fails_always", tag, description="Druckauftrag")
    jobs.wait()
    assert sample.ATTEMPTS[tag] == app.config["JOBS_RETRIES"] + 1
    company = factories.user(Role.COMPANY, organization=world.org_a)
    db.session.commit()
    login(company)
    assert client.get("/admin/jobs").status_code == 403
    client.post("/logout")
    login(world.admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Druckauftrag" in page and f"the printer is on fire ({tag})" in page


def test_a_job_that_fails_once_succeeds_on_its_retry(app):
    tag = uuid.uuid4().hex
    job_id = jobs.enqueue("tests.jobs.sample:fails_once", tag)
    jobs.wait()
    assert sample.ATTEMPTS[tag] == 2 and jobs.status(job_id).state == jobs.FINISHED and jobs.failed() == []


def test_the_same_job_id_is_queued_once_while_it_waits(rq_app):
    first = jobs.enqueue("tests.jobs.sample:halfway", "x", job_id="once-only")
    second = jobs.enqueue("tests.jobs.sample:halfway", "x", job_id="once-only")
    assert first == second == "once-only" and jobs.backend().queue().count == 1


@pytest.fixture
def rq_app(rq_config):
    from tests.conftest import running_app

    with running_app(rq_config) as app:
        yield app


@pytest.fixture
def rq_plan(rq_app):
    from tests.conftest import build_world

    world = build_world()
    rq_app.config["PLAN_SYNC_EXPORT_LIMIT"] = 0  # every plan counts as large
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    return world, version


def test_an_export_is_rendered_by_the_worker_with_progress_and_served_by_every_server(rq_app, rq_plan, rq_config):
    world, version = rq_plan
    client = rq_app.test_client()
    client.post("/login", data={"email": world.steering.email, "password": factories.PASSWORD})
    waiting = client.get(f"/plan/versions/{version.id}?format=docx")
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and "<progress" in page and "js/poll.js" in page
    status_url = f"/plan/versions/{version.id}/exports/docx/status"
    assert client.get(status_url).get_json() == {"ready": False, "running": True, "failed": False, "progress": 0.0}
    assert client.get(f"/plan/versions/{version.id}?format=docx").status_code == 202
    queued = [i for i in jobs.backend().queue().job_ids if "plan-export" in i]
    assert len(queued) == 1  # asked twice, queued once (beside the charts' job of the freeze)

    work(rq_app)
    assert client.get(status_url).get_json()["ready"] is True
    job = jobs.status(f"plan-export-{version.id}-docx")
    assert job.state == jobs.FINISHED and job.fraction == 1.0
    assert client.get(f"/plan/versions/{version.id}?format=docx").data[:2] == b"PK"


def test_a_job_whose_worker_dies_is_retried(rq_app, queue_name, test_database_url):
    """A forking worker (as `flask worker`) whose work horse dies mid-job: the job runs again."""
    key = f"{queue_name}:deaths"
    job_id = jobs.enqueue("tests.jobs.sample:dies_once", key)
    script = textwrap.dedent(f"""
        from rq import Worker
        from tracker import create_app
        from tracker.jobs import runner
        app = create_app({{"SQLALCHEMY_DATABASE_URI": {test_database_url!r}, "SECRET_KEY": "x",
                          "REDIS_URL": {REDIS_URL!r}, "JOBS_QUEUE": {queue_name!r}, "SCHEMA_CHECK": False,
                          "JOBS_RETRY_INTERVALS": [0], "JOBS_MODULES": ("tracker.", "tests.jobs.")}})
        with app.app_context():
            runner.use_app(app)
            backend = app.extensions["jobs"]
            Worker([backend.queue()], connection=backend.redis).work(burst=True, with_scheduler=False)
    """)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT,  # noqa: S603 - our own script check=True, timeout=120, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert int(redis.Redis.from_url(REDIS_URL).get(key)) == 2  # died once, ran again
    assert jobs.status(job_id).state == jobs.FINISHED


def test_periodic_tasks_are_queued_once_per_interval_however_many_workers_tick(rq_app, rq_config):
    other = create_app(rq_config)
    now = 1_800_000_000.0
    assert sorted(jobs.backend().tick(now)) == sorted(task.name for task in schedule.PERIODIC)
    with other.app_context():
        assert other.extensions["jobs"].tick(now + 1) == []
    queue = Queue(rq_config["JOBS_QUEUE"], connection=redis.Redis.from_url(REDIS_URL))
    assert queue.count == len(schedule.PERIODIC)
    work(rq_app)
    assert jobs.failed() == []


def test_every_periodic_task_names_a_job_function(app):
    from tracker.jobs.runner import resolve

    assert len({task.name for task in schedule.PERIODIC}) == len(schedule.PERIODIC)
    for task in schedule.PERIODIC:
        assert callable(resolve(task.function)) and task.interval >= 10
