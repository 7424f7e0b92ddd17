"""The job queue on the real Redis of these machines (a queue name of each test's own), or the thread pool."""

from __future__ import annotations

import uuid

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def queue_name():
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)


@pytest.fixture
def rq_config(app_config, queue_name) -> dict:
    if not redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    return {**app_config, "REDIS_URL": REDIS_URL, "JOBS_QUEUE": queue_name, "JOBS_RETRY_INTERVALS": [0],
            "JOBS_MODULES": ("tracker.", "tests.jobs.")}


def work(app) -> None:
    """Run every queued job in this process, as `flask worker --burst` does (without forking)."""
    from rq import SimpleWorker

    backend = app.extensions["jobs"]
    with app.app_context():
        SimpleWorker([backend.queue()], connection=backend.redis).work(burst=True, with_scheduler=False)
