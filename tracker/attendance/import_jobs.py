"""Large imports on the job queue (tracker.jobs): a confirmed list beyond IMPORT_SYNC_ROWS rows.

Confirming such a batch marks it QUEUED and queues a job with the batch's and the user's ids once the
request commits. The job runs the same `imports.confirm_import` as a small batch's request, in one
transaction of its own: every row or none. When it imports nothing (a row became invalid meanwhile,
the user may no longer import there, or an error), the batch is PENDING again, its rows carry the
errors found now and `error` says why, so the batch's page shows it like a preview. The page polls
`status()` (static/js/poll.js) while the batch is queued.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker import jobs, messages
from tracker.accounts.models import User
from tracker.attendance import imports
from tracker.attendance.models import ImportBatch, ImportStatus
from tracker.database import write_transaction
from tracker.errors import AppError, Conflict, Invalid
from tracker.extensions import db
from tracker.permissions import guarded

log = logging.getLogger(__name__)
FUNCTION = "tracker.attendance.import_jobs:run_import"


def needs_background(batch: ImportBatch) -> bool:
    return len(batch.rows) > current_app.config["IMPORT_SYNC_ROWS"]


def job_id(batch_id: int) -> str:
    return f"attendance-import-{batch_id}"


def job_status(batch: ImportBatch) -> jobs.JobStatus | None:
    return jobs.status(job_id(batch.id))


def is_lost(batch: ImportBatch, job: jobs.JobStatus | None = None) -> bool:
    """Queued, but no job will import it any more (the server restarted, the job failed for good)."""
    if batch.status != ImportStatus.QUEUED:
        return False
    job = job or job_status(batch)
    return job is None or not job.active


@guarded(imports.can_confirm, imports.ORGANISERS_ONLY)
def queue_import(batch: ImportBatch, *, by) -> None:
    """Confirm a large batch: mark it queued; its job is queued when the caller commits."""
    if batch.status == ImportStatus.IMPORTED:
        raise Conflict(_("This file has already been imported."))
    if batch.status == ImportStatus.QUEUED and not is_lost(batch):
        raise Conflict(_("This file is being imported already."))
    if batch.error_count:
        raise Invalid(_("Nothing was imported: %(count)d rows have errors.", count=batch.error_count), "file")
    batch.status = ImportStatus.QUEUED
    batch.error = None
    jobs.enqueue_after_commit(db.session(), FUNCTION, batch.id, by.id, job_id=job_id(batch.id),
                              description=f"import {batch.id}: {len(batch.rows)} rows from {batch.filename}")


def status(batch: ImportBatch) -> dict:
    """What the batch's page polls: ready once the job is done (imported, or pending with its errors)."""
    job = job_status(batch)
    queued = batch.status == ImportStatus.QUEUED
    progress = job.progress if job is not None else {}
    return {"ready": not queued or is_lost(batch, job), "running": queued and job is not None and job.active,
            "failed": False, "status": batch.status.value,
            "progress": 1.0 if not queued else round(job.fraction, 2) if job is not None else 0.0,
            "done": progress.get("done", 0), "total": progress.get("total", len(batch.rows))}


def _locale(user: User | None) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user is not None and user.locale in languages else current_app.config[
        "BABEL_DEFAULT_LOCALE"]


def _reporter(total: int):
    """jobs.progress for about every hundredth row (on Redis each report is a write)."""
    step = max(1, total // 100)

    def report(done: int, _total: int, label: str) -> None:
        if done % step == 0:
            jobs.progress(done, total, label)

    return report


def run_import(batch_id: int, user_id: int) -> None:
    """The job: import the queued batch as its uploader, all rows or none; record why when none."""
    user = db.session.get(User, user_id)
    with force_locale(_locale(user)):  # the row errors found now are written in the uploader's language
        batch = db.session.get(ImportBatch, batch_id)
        if batch is None or batch.status != ImportStatus.QUEUED:
            return  # imported already, or deleted with its session or hub
        jobs.progress(0, len(batch.rows), "checking")
        try:
            with write_transaction(db.session):
                batch = db.session.get(ImportBatch, batch_id, with_for_update=True, populate_existing=True)
                if batch is None or batch.status != ImportStatus.QUEUED:
                    return
                batch.status = ImportStatus.PENDING  # what confirm_import imports; committed only as IMPORTED
                count = imports.confirm_import(batch, by=user, progress=_reporter(len(batch.rows)))
        except AppError as refused:  # Invalid rows now, or NotAllowed: the uploader may no longer import there
            _nothing_imported(batch_id, refused)
            return
        except Exception:
            log.exception("import %s failed; nothing was imported", batch_id)
            _nothing_imported(batch_id, None)
            return
        jobs.progress(count, count, "imported")


def _nothing_imported(batch_id: int, problem: AppError | None) -> None:
    """Back to pending, with each row's errors as found now and the reason as a message."""
    with write_transaction(db.session):
        batch = db.session.get(ImportBatch, batch_id, with_for_update=True, populate_existing=True)
        if batch is None or batch.status != ImportStatus.QUEUED:
            return
        batch.status = ImportStatus.PENDING
        batch.rows = imports.validate_rows(batch.rows, session=batch.session, hub=batch.hub)
        if problem is None:
            batch.error = messages.message("attendance.import_failed")
        elif batch.error_count:
            batch.error = messages.message("attendance.import_rows_invalid",
                                           num=messages.decimal(batch.error_count))
        else:
            batch.error = messages.message("attendance.import_refused", reason=str(problem))
