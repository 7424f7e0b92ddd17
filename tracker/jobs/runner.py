"""Runs one job function: by name, in an app context, holding the write lock up front on SQLite,
with its progress reported to whoever runs it (an RQ job's meta, or the thread pool's record)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context

from tracker.database import writing
from tracker.extensions import db
from tracker.jobs import _reporter

_app: Flask | None = None


def resolve(function: str) -> Callable:
    """"package.module:function" -> the function (only the app's own modules)."""
    module, _, name = function.partition(":")
    allowed = tuple(current_app.config.get("JOBS_MODULES", ("tracker.",)))
    if not module.startswith(allowed) or not name:
        raise ValueError(f"not a job function: {function!r}")
    return getattr(importlib.import_module(module), name)


def call(function: str, args: list | tuple, reporter: Callable[[dict], None] | None = None) -> Any:
    """Call the job function in the current app context; the session is cleaned up afterwards."""
    token = _reporter.set(reporter)
    try:
        with writing():
            return resolve(function)(*args)
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _reporter.reset(token)
        db.session.remove()


def run(function: str, args: list) -> Any:
    """The function RQ runs (in `flask worker`'s work horse): the app is the worker's, else made once."""
    from rq import get_current_job

    job = get_current_job()

    def report(progress: dict) -> None:
        if job is not None:
            job.meta["progress"] = progress
            job.save_meta()

    if has_app_context():
        return call(function, args, report)
    with _worker_app().app_context():
        return call(function, args, report)


def _worker_app() -> Flask:
    global _app
    if _app is None:
        from tracker import create_app

        _app = create_app()
    return _app


def use_app(app: Flask | None = None) -> None:
    """The app jobs of this process run in (set by `flask worker`)."""
    global _app
    _app = app or current_app._get_current_object()
