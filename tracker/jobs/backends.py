"""Where jobs run: an RQ queue on Redis (`flask worker`), or a thread pool in the one server process."""

from __future__ import annotations

import logging
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime

from flask import Flask

from tracker.jobs import ACTIVE, FAILED, FINISHED, QUEUED, STARTED, JobStatus
from tracker.jobs.schedule import PERIODIC, slot

log = logging.getLogger(__name__)
RUNNER = "tracker.jobs.runner.run"
KEPT_RECORDS = 500  # thread mode: finished/failed jobs remembered for the status and admin pages


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ThreadBackend:
    """Jobs in a small thread pool of this process; periodic tasks from a ticker thread of it."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.records: OrderedDict[str, JobStatus] = OrderedDict()
        self.futures: list[Future] = []
        self.executor: ThreadPoolExecutor | None = None
        self.ticker: threading.Thread | None = None

    def enqueue(self, function: str, args: tuple, *, job_id: str | None, description: str, timeout: int) -> str:
        with self.lock:
            job_id = job_id or uuid.uuid4().hex
            existing = self.records.get(job_id)
            if existing is not None and existing.state in ACTIVE:
                return job_id
            record = JobStatus(id=job_id, state=QUEUED, function=function, description=description)
            self.records[job_id] = record
            self.records.move_to_end(job_id)
            while len(self.records) > KEPT_RECORDS:
                self.records.popitem(last=False)
            if self.executor is None:
                self.executor = ThreadPoolExecutor(max_workers=self.app.config["JOBS_THREADS"],
                                                   thread_name_prefix="job")
            self.futures = [f for f in self.futures if not f.done()]
            self.futures.append(self.executor.submit(self._run, record, function, args))
        return job_id

    def _run(self, record: JobStatus, function: str, args: tuple) -> None:
        from tracker.jobs.runner import call

        attempts = self.app.config["JOBS_RETRIES"] + 1
        for attempt in range(1, attempts + 1):
            record.state = STARTED
            try:
                with self.app.app_context():
                    call(function, args, lambda progress: setattr(record, "progress", progress))
            except Exception:
                log.exception("job %s (%s) failed, attempt %s of %s", record.id, function, attempt, attempts)
                record.error = traceback.format_exc()[-4000:]
                if attempt < attempts:
                    record.state = QUEUED
                    continue
                record.state = FAILED
            else:
                record.state, record.error = FINISHED, None
            record.ended_at = _now()
            return

    def status(self, job_id: str) -> JobStatus | None:
        return self.records.get(job_id)

    def failed(self, limit: int) -> list[JobStatus]:
        failed = [r for r in self.records.values() if r.state == FAILED]
        return sorted(failed, key=lambda r: r.ended_at or datetime.min, reverse=True)[:limit]

    def counts(self) -> dict[str, int]:
        states = [r.state for r in self.records.values()]
        return {state: states.count(state) for state in (QUEUED, STARTED, FAILED)}

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                pending = [f for f in self.futures if not f.done()]
            if not pending or time.monotonic() > deadline:
                return
            wait(pending, timeout=max(0.0, deadline - time.monotonic()))

    # Periodic tasks: a daemon thread started by the first request --------------------------------------

    def start_periodic(self) -> None:
        if self.ticker is not None:
            return
        with self.lock:
            if self.ticker is None:
                self.ticker = threading.Thread(target=self._tick_forever, name="job-ticker", daemon=True)
                self.ticker.start()

    def _tick_forever(self) -> None:
        claimed: dict[str, int] = {}
        while True:
            now = time.time()
            for task in PERIODIC:
                current = slot(task, now)
                if claimed.get(task.name) != current:
                    claimed[task.name] = current
                    with self.app.app_context():
                        self.enqueue("tracker.jobs.schedule:run_periodic", (task.name,), job_id=f"periodic-{task.name}",
                                     description=f"periodic: {task.name}", timeout=0)
            time.sleep(self.app.config.get("JOBS_TICK", 5))


class RQBackend:
    """Jobs in an RQ queue on Redis, run by `flask worker` processes (with RQ's scheduler for retries)."""

    def __init__(self, app: Flask):
        self.url = app.config["REDIS_URL"]
        self.queue_name = app.config["JOBS_QUEUE"]
        self.retries = app.config["JOBS_RETRIES"]
        self.intervals = app.config.get("JOBS_RETRY_INTERVALS", [10, 60])
        self._redis = None

    @property
    def redis(self):
        if self._redis is None:
            from redis import Redis

            self._redis = Redis.from_url(self.url)
        return self._redis

    def queue(self):
        from rq import Queue

        return Queue(self.queue_name, connection=self.redis)

    def _fetch(self, job_id: str):
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        try:
            return Job.fetch(job_id, connection=self.redis)
        except NoSuchJobError:
            return None

    def enqueue(self, function: str, args: tuple, *, job_id: str | None, description: str, timeout: int) -> str:
        from rq import Retry

        public_id = job_id or uuid.uuid4().hex
        job_id = self._scoped(public_id)
        existing = self._fetch(job_id)
        if existing is not None and self._state(existing) in ACTIVE:
            return public_id
        retry = Retry(max=self.retries, interval=self.intervals) if self.retries else None
        self.queue().enqueue(RUNNER, function, list(args), job_id=job_id, description=description,
                             job_timeout=timeout or -1, result_ttl=3600, failure_ttl=7 * 86400, retry=retry,
                             meta={"function": function})
        return public_id

    def _scoped(self, job_id: str) -> str:
        """RQ's job ids are global to the Redis server: installations sharing one keep theirs apart."""
        return f"{self.queue_name}-{job_id}"

    @staticmethod
    def _state(job) -> str:
        status = str(job.get_status(refresh=False) or "").rsplit(".", 1)[-1].lower()
        if status in ("queued", "scheduled", "deferred"):
            return QUEUED
        if status == "started":
            return STARTED
        if status == "finished":
            return FINISHED
        return FAILED

    def _record(self, job) -> JobStatus:
        state = self._state(job)
        error = None
        if state == FAILED:
            result = job.latest_result()
            error = (getattr(result, "exc_string", None) or "")[-4000:] or str(job.get_status(refresh=False))
        return JobStatus(id=job.id.removeprefix(f"{self.queue_name}-"), state=state,
                         function=job.meta.get("function", ""),
                         description=job.description or "", progress=job.meta.get("progress", {}), error=error,
                         ended_at=job.ended_at)

    def status(self, job_id: str) -> JobStatus | None:
        job = self._fetch(self._scoped(job_id))
        return self._record(job) if job is not None else None

    def failed(self, limit: int) -> list[JobStatus]:
        from rq.job import Job
        from rq.registry import FailedJobRegistry

        ids = FailedJobRegistry(queue=self.queue()).get_job_ids(0, limit - 1)
        jobs = [job for job in Job.fetch_many(ids, connection=self.redis) if job is not None]
        records = [self._record(job) for job in jobs]
        return sorted(records, key=lambda r: r.ended_at or datetime.min, reverse=True)

    def counts(self) -> dict[str, int]:
        from rq.registry import FailedJobRegistry, StartedJobRegistry

        queue = self.queue()
        return {QUEUED: queue.count, STARTED: StartedJobRegistry(queue=queue).count,
                FAILED: FailedJobRegistry(queue=queue).count}

    def wait(self, timeout: float) -> None:
        """Jobs run in `flask worker` processes; nothing to wait for here."""

    # Periodic tasks: every worker ticks; each slot is claimed once in Redis --------------------------------

    def tick(self, now: float | None = None) -> list[str]:
        now = time.time() if now is None else now
        queued = []
        for task in PERIODIC:
            current = slot(task, now)
            key = f"{self.queue_name}:periodic:{task.name}:{current}"
            if self.redis.set(key, "1", nx=True, ex=task.interval + 60):
                self.enqueue("tracker.jobs.schedule:run_periodic", (task.name,),
                             job_id=f"periodic-{task.name}-{current}", description=f"periodic: {task.name}", timeout=0)
                queued.append(task.name)
        return queued
