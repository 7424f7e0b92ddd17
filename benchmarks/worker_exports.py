"""Time the plan exports as the job queue runs them: freeze a version of each database's first process,
queue its PDF and DOCX, run `flask worker --burst`, and read each job's start and end from RQ.

    REDIS_URL=redis://127.0.0.1:6379/0 python -m benchmarks.worker_exports postgresql://…/tracker_bench_1x …
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent


def time_database(url: str) -> list[str]:
    from rq.job import Job

    from tracker import create_app, jobs
    from tracker.extensions import db
    from tracker.permissions import SYSTEM
    from tracker.plan import jobs as plan_jobs
    from tracker.plan import versions
    from tracker.processes.models import Process

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SCHEMA_CHECK": False, "PLAN_SYNC_EXPORT_LIMIT": 0})
    with app.app_context(), app.test_request_context():
        process = db.session.scalar(select(Process).order_by(Process.id).limit(1))
        version = versions.freeze(process, "Worker benchmark", by=SYSTEM)
        db.session.commit()
        for fmt in ("pdf", "docx"):
            plan_jobs.start(version.id, fmt)
        backend = jobs.backend()
        env = {**os.environ, "DATABASE_URL": url, "PLAN_SYNC_EXPORT_LIMIT": "0"}
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst", "--no-periodic"],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=1800)
        rows = []
        for name in (f"plan-charts-{version.id}", f"plan-export-{version.id}-pdf", f"plan-export-{version.id}-docx"):
            job = Job.fetch(backend._scoped(name), connection=backend.redis)
            seconds = (job.ended_at - job.started_at).total_seconds() if job.ended_at and job.started_at else None
            label = url.rsplit("/", 1)[-1]
            state = getattr(job.get_status(), "value", job.get_status())
            rows.append(f"| {label} | {name.split('-')[1]} {name.rsplit('-', 1)[-1] if 'export' in name else ''} "
                        f"| {state} | {f'{seconds:.1f}' if seconds is not None else '—'} |")
        db.session.remove()
        db.engine.dispose()
    return rows


def main() -> None:
    lines = ["| data | job | state | seconds in the worker |", "|---|---|---|---|"]
    for url in sys.argv[1:]:
        lines += time_database(url)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
