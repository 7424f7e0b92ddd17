"""Periodic tasks: one line each, run by the job queue every `interval` seconds.

Add a task with one line in PERIODIC. The function is called in an app context and a request
context of PUBLIC_URL (mail templates build links), with `today` (a date, UTC) when it has a
parameter of that name; the runner commits afterwards. Tasks must be idempotent: running one
twice (a restart, two schedulers) must not act twice (mails have dedup keys for that).

Why not rq-scheduler or RQ's CronScheduler: both are an extra process that must run exactly once
(two of them enqueue every run twice). Here every `flask worker` (and, without Redis, the one
server's thread pool) ticks, and each interval slot is claimed once in Redis (SET NX) before it is
enqueued, so any number of workers run each task once per interval; RQ's own scheduler
(`flask worker` starts workers with it) handles the retries' delays.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from flask import current_app

from tracker.extensions import db
from tracker.model_types import utcnow

MINUTE, HOUR = 60, 3600


@dataclass(frozen=True)
class Periodic:
    name: str  # unique, [a-z-]
    function: str  # "tracker.module:function"
    interval: int  # seconds


PERIODIC: list[Periodic] = [
    Periodic("send-mail", "tracker.mail.jobs:send_due", 30),
    Periodic("session-reminders", "tracker.mail.jobs:queue_reminders", HOUR),
    Periodic("action-item-digests", "tracker.mail.jobs:queue_digests", HOUR),
]


def task(name: str) -> Periodic:
    return next(p for p in PERIODIC if p.name == name)


def run_periodic(name: str) -> object:
    """The job the ticker queues for a task."""
    from tracker.jobs.runner import resolve

    function = resolve(task(name).function)
    kwargs = {"today": utcnow().date()} if "today" in inspect.signature(function).parameters else {}
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL") or "http://127.0.0.1"):
        result = function(**kwargs)
        db.session.commit()
    return result


def slot(task: Periodic, now: float) -> int:
    """The interval slot `now` falls in; a task runs once per slot."""
    return int(now // task.interval)
