"""Long work off the web request: plan exports, chart images, mail, imports, and periodic tasks.

With REDIS_URL set, jobs go to an RQ queue on Redis and `flask worker` runs them (any number of
workers on any machine; a job whose worker dies is retried). Without it (the embedded default of
`make run`: one server process on SQLite) a small thread pool inside that process runs the same job
functions and the periodic tasks, so the demo needs no extra process. That mode is for ONE server.

A job is a function named by its dotted path, "package.module:function", called with plain
arguments (ids, not objects) inside an app context; it may report progress with `progress()`.
Callers use this module only: `enqueue`, `enqueue_after_commit`, `status`, `failed`, `wait`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

QUEUED, STARTED, FINISHED, FAILED = "queued", "started", "finished", "failed"
ACTIVE = frozenset({QUEUED, STARTED})

# Set by the runner while a job runs: reports (done, total, label) to whoever runs it.
_reporter: ContextVar[Callable[[dict], None] | None] = ContextVar("job_reporter", default=None)


@dataclass
class JobStatus:
    """What a page or the admin sees of a job."""

    id: str
    state: str
    function: str = ""
    description: str = ""
    progress: dict = field(default_factory=dict)  # {"done": n, "total": m, "label": "..."}
    error: str | None = None
    ended_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def fraction(self) -> float:
        total = self.progress.get("total") or 0
        return min(1.0, self.progress.get("done", 0) / total) if total else 0.0


def init_app(app: Flask) -> None:
    from tracker.jobs.backends import RQBackend, ThreadBackend

    app.config.setdefault("JOBS_QUEUE", "tracker")
    app.config.setdefault("JOBS_THREADS", 2)
    app.config.setdefault("JOBS_PERIODIC", not app.testing)
    app.config.setdefault("JOBS_RETRIES", 2)
    app.config.setdefault("JOBS_TIMEOUT", 15 * 60)
    backend = RQBackend(app) if app.config.get("REDIS_URL") else ThreadBackend(app)
    app.extensions["jobs"] = backend
    if isinstance(backend, ThreadBackend) and app.config["JOBS_PERIODIC"]:
        app.before_request(backend.start_periodic)  # started by the first request, not by CLI commands


def backend():
    return current_app.extensions["jobs"]


def enqueue(function: str, *args: Any, job_id: str | None = None, description: str = "",
            timeout: int | None = None) -> str:
    """Queue `function(*args)` now; with a `job_id` already queued or running, nothing new is queued."""
    return backend().enqueue(function, args, job_id=job_id, description=description or function,
                             timeout=timeout or current_app.config["JOBS_TIMEOUT"])


def enqueue_after_commit(session, function: str, *args: Any, job_id: str | None = None,
                         description: str = "") -> None:
    """Queue the job when `session` commits (a job never sees data its caller then rolled back)."""
    session.info.setdefault(_PENDING, []).append((function, args, job_id, description))


_PENDING = "jobs_after_commit"


@event.listens_for(Session, "after_commit")
def _queue_pending(session) -> None:
    for function, args, job_id, description in session.info.pop(_PENDING, []):
        enqueue(function, *args, job_id=job_id, description=description)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session) -> None:
    session.info.pop(_PENDING, None)


def status(job_id: str) -> JobStatus | None:
    return backend().status(job_id)


def failed(limit: int = 100) -> list[JobStatus]:
    """Jobs that failed for good (after their retries), newest first, with their error."""
    return backend().failed(limit)


def counts() -> dict[str, int]:
    return backend().counts()


def wait(timeout: float = 120) -> None:
    """Wait until every job of this process is done (thread mode; tests and commands)."""
    backend().wait(timeout)


def progress(done: int, total: int, label: str = "") -> None:
    """Inside a job: how far it got (shown as a progress bar); outside a job it does nothing."""
    report = _reporter.get()
    if report is not None:
        report({"done": done, "total": total, "label": label})
