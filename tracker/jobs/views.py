"""The administrators' view of the job queue: what waits, what runs, what failed and why."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from tracker import jobs
from tracker.permissions import is_admin, require

bp = Blueprint("jobs", __name__)


@bp.get("/admin/jobs")
@login_required
def index():
    require(is_admin(current_user))
    return render_template("jobs/index.html", counts=jobs.counts(), failed=jobs.failed(),
                           queued_on_redis=bool(jobs.backend().__class__.__name__ == "RQBackend"))
