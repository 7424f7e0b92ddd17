"""Long exports on the job queue (tracker.jobs): render a version's PDF/DOCX once into a PlanVersionFile.

Small plans render within the request. Beyond PLAN_SYNC_EXPORT_LIMIT measures and ideas, the first
request queues a render and gets a "being prepared" page with a progress bar that polls until the
file is kept; every server then answers from the database. A render queued twice runs once (one job
id per version and format); a second one that still ran loses the insert race and drops its copy.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import IntegrityError

from tracker import jobs
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.plan import exports, versions
from tracker.plan.models import PlanVersion


def needs_background(content: dict) -> bool:
    size = sum(len(c["measures"]) for c in content.get("chapters", [])) + sum(
        len(a["ideas"]) for a in content.get("annex", []))
    return size > current_app.config["PLAN_SYNC_EXPORT_LIMIT"]


def job_id(version_id: int, fmt: str) -> str:
    return f"plan-export-{version_id}-{fmt}"


def start(version_id: int, fmt: str) -> None:
    """Queue the render unless it is queued or running already."""
    jobs.enqueue("tracker.plan.jobs:render_export", version_id, fmt, job_id=job_id(version_id, fmt),
                 description=f"plan version {version_id}: {fmt.upper()}")


def status(version_id: int, fmt: str) -> jobs.JobStatus | None:
    return jobs.status(job_id(version_id, fmt))


def is_running(version_id: int, fmt: str) -> bool:
    state = status(version_id, fmt)
    return state is not None and state.active


def wait(timeout: float = 60) -> None:
    """Wait for every job of this process (tests and the CLI)."""
    jobs.wait(timeout)


def render_charts_after_commit(version: PlanVersion) -> None:
    jobs.enqueue_after_commit(db.session(), "tracker.plan.jobs:render_charts", version.id,
                              job_id=f"plan-charts-{version.id}", description=f"plan version {version.id}: charts")


def render_charts(version_id: int) -> None:
    """The job: draw a version's chart images once (a browser start) and keep them."""
    version = db.session.get(PlanVersion, version_id)
    if version is None or not version.content.get("charts") or versions.chart_images(version):
        return
    try:
        with write_transaction(db.session):
            versions.keep_chart_images(version)
    except IntegrityError:
        pass  # another worker kept them first


def render_export(version_id: int, fmt: str) -> None:
    """The job: render and keep the export (progress: loaded, charts, rendered, kept)."""
    jobs.progress(0, 4, "loading")
    version = db.session.get(PlanVersion, version_id)
    if version is None or exports.kept_export(version, fmt) is not None:
        return
    if fmt in exports.IMAGE_FORMATS:
        render_charts(version_id)  # when its own job has not run yet
    try:
        exports.export_version(version, fmt, progress=jobs.progress)
    except IntegrityError:
        db.session.rollback()  # another worker kept it first
    jobs.progress(4, 4, "kept")
