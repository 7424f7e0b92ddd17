"""`flask worker`: an RQ worker (with RQ's scheduler) and the periodic tasks' ticker."""

from __future__ import annotations

import logging
import os
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import jobs
from tracker.extensions import db
from tracker.jobs import runner
from tracker.jobs.backends import RQBackend

log = logging.getLogger(__name__)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
@click.option("--no-periodic", is_flag=True, help="Do not queue the periodic tasks from this worker.")
@with_appcontext
def worker_command(burst: bool, no_periodic: bool) -> None:
    """Run jobs from the Redis queue (plan exports, chart images, mail, imports, periodic tasks).

    Start as many as you like, on any machine that reaches Redis and the database."""
    from rq import Worker

    backend = jobs.backend()
    if not isinstance(backend, RQBackend):
        raise click.ClickException("Set REDIS_URL: without it the server process runs the jobs itself.")
    runner.use_app()
    engine = db.engine
    # The work horse is forked per job: it must not share the parent's database connections.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    if not no_periodic:
        backend.tick()
        if not burst:
            tick = current_app.config.get("JOBS_TICK", 5)
            threading.Thread(target=_tick_forever, args=(backend, tick), name="job-ticker", daemon=True).start()
    Worker([backend.queue()], connection=backend.redis).work(with_scheduler=True, burst=burst)


def _tick_forever(backend: RQBackend, interval: float) -> None:
    while True:
        time.sleep(interval)
        try:
            backend.tick()
        except Exception:  # Redis away for a moment: the next tick tries again
            log.exception("periodic tasks: tick failed")
