"""Large imports run on the job queue: the confirm queues them, a page shows the progress, then the result;
all rows or none, also when the data changed before the job ran or the job broke off."""

import io
import re
import uuid

import pytest
import redis
from sqlalchemy import func, select

from tests import factories
from tests.attendance.conftest import statuses
from tests.conftest import build_world, running_app
from tests.jobs.conftest import REDIS_URL, redis_available, work
from tracker import jobs
from tracker.attendance import import_jobs, imports
from tracker.attendance.models import ImportBatch, ImportStatus
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.hubs.services import join_hub
from tracker.organizations.models import OrganizationType, Person
from tracker.organizations.services import find_or_create_organization

SYNC_ROWS = 3


@pytest.fixture
def app_config(app_config):
    return {**app_config, "IMPORT_SYNC_ROWS": SYNC_ROWS}


class HeldJobs:
    """Jobs queued but not run yet (thread pool records in state "queued"), to change data before they run."""

    def __init__(self, enqueue):
        self.enqueue = enqueue
        self.held: list[tuple[str, tuple, dict]] = []

    def hold(self, function, *args, **options):
        self.held.append((function, args, options))
        job_id = options["job_id"]
        jobs.backend().records[job_id] = jobs.JobStatus(id=job_id, state=jobs.QUEUED, function=function)
        return job_id

    def lose(self):
        """The queue forgets them (the one server process restarted)."""
        for _function, _args, options in self.held:
            jobs.backend().records.pop(options["job_id"], None)
        self.held.clear()

    def release(self):
        held = list(self.held)
        self.lose()
        for function, args, options in held:
            self.enqueue(function, *args, **options)


@pytest.fixture
def held_jobs(monkeypatch):
    held = HeldJobs(jobs.enqueue)
    monkeypatch.setattr(jobs, "enqueue", held.hold)
    return held


def _csv(count: int, *, hub: bool = False) -> bytes:
    head = "Name;E-Mail;Organisation\n"
    rows = "".join(f"Person {n};teilnehmer{n}@liste.example.org;Firma {n} GmbH\n" for n in range(1, count + 1))
    return (head + rows).encode() if hub else (head + rows).replace("Firma", "Verein").encode()


def _upload(client, url: str, content: bytes) -> int:
    response = client.post(url, data={"file": (io.BytesIO(content), "liste.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def _people() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Person.id)).where(Person.name.like("Person %")))


def _import_events(batch_id: int) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "import", AuditEvent.object_type == "import_batch", AuditEvent.object_id == batch_id))


def _batch(batch_id: int) -> ImportBatch:
    db.session.expire_all()
    return db.session.get(ImportBatch, batch_id)


def test_a_large_batch_is_queued_by_the_confirm_and_imported_by_the_job(client, world, login, held_jobs):
    login(world.moderator_a)
    batch_id = _upload(client, f"/sessions/{world.session_a.id}/import", _csv(12))

    confirm = client.post(f"/imports/{batch_id}/confirm")
    assert confirm.status_code == 302 and confirm.headers["Location"].endswith(f"/imports/{batch_id}")
    assert _people() == 0 and _batch(batch_id).status == ImportStatus.QUEUED  # nothing in the request
    assert [(f, args) for f, args, _options in held_jobs.held] == [
        ("tracker.attendance.import_jobs:run_import", (batch_id, world.moderator_a.id))]  # ids, not objects

    waiting = client.get(f"/imports/{batch_id}")
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 200 and "<progress" in page and "js/poll.js" in page
    assert f'data-poll-url="/imports/{batch_id}/status"' in page and "<script>" not in page
    assert 'action="/imports/' not in page  # no second confirm while it waits
    status = client.get(f"/imports/{batch_id}/status").get_json()
    assert status["ready"] is False and status["status"] == "queued" and status["progress"] == 0.0
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 409  # queued once
    assert len(held_jobs.held) == 1

    held_jobs.release()
    jobs.wait()
    assert _people() == 12
    assert set(statuses(world.session_a).values()) == {"invited"}
    assert _batch(batch_id).status == ImportStatus.IMPORTED and _batch(batch_id).error is None
    assert _import_events(batch_id) == 1
    job = jobs.status(import_jobs.job_id(batch_id))
    assert job.state == jobs.FINISHED and job.progress == {"done": 12, "total": 12, "label": "imported"}

    status = client.get(f"/imports/{batch_id}/status").get_json()
    assert status["ready"] is True and status["status"] == "imported" and status["progress"] == 1.0
    done = client.get(f"/imports/{batch_id}")
    page = done.get_data(as_text=True)
    assert "12 Zeilen importiert." in page and f'href="/sessions/{world.session_a.id}/roll-call"' in page
    assert "<progress" not in page and "js/poll.js" not in page
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 409
    assert _import_events(batch_id) == 1


def test_the_job_reports_progress_as_rows_go_in(app, world, monkeypatch):
    reports = []
    monkeypatch.setattr(jobs, "progress", lambda done, total, label="": reports.append((done, total, label)))
    batch = imports.start_session_import(world.session_a, "liste.csv", _csv(5), by=world.moderator_a)
    import_jobs.queue_import(batch, by=world.moderator_a)
    monkeypatch.setattr(jobs, "enqueue", lambda *args, **options: None)  # run it here instead
    db.session.commit()
    import_jobs.run_import(batch.id, world.moderator_a.id)
    assert reports == [(0, 5, "checking"), (0, 5, "rows"), (1, 5, "rows"), (2, 5, "rows"), (3, 5, "rows"),
                       (4, 5, "rows"), (5, 5, "imported")]
    assert _batch(batch.id).status == ImportStatus.IMPORTED


def test_a_row_that_became_invalid_before_the_job_ran_stops_the_whole_import(client, world, login, held_jobs):
    login(world.moderator_a)
    batch_id = _upload(client, f"/hubs/{world.hub_a.id}/import", _csv(6, hub=True))
    assert _batch(batch_id).error_count == 0
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 302

    # meanwhile one of the listed organisations joins hub B
    firma, _created = find_or_create_organization("Firma 4 GmbH", type=OrganizationType.COMPANY, by=world.steering)
    join_hub(firma, world.hub_b, by=world.steering)
    db.session.commit()
    held_jobs.release()
    jobs.wait()

    assert _people() == 0  # not even the five good rows
    batch = _batch(batch_id)
    assert batch.status == ImportStatus.PENDING and batch.error["key"] == "attendance.import_rows_invalid"
    assert _import_events(batch_id) == 0
    assert client.get(f"/imports/{batch_id}/status").get_json()["ready"] is True
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "Nichts wurde importiert: 1 Zeile ist jetzt fehlerhaft." in page
    assert "Firma 4 GmbH arbeitet bereits im Hub „Hub B“ mit." in page  # the row's error, as in the preview
    assert 'action="/imports/' not in page  # nothing to confirm until the file is corrected
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 400
    assert _people() == 0


def test_an_error_in_the_middle_of_the_job_leaves_nothing_behind(client, world, login, monkeypatch):
    real = imports.find_or_create_person
    calls = []

    def breaks_at_the_fourth_row(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "find_or_create_person", breaks_at_the_fourth_row)
    login(world.moderator_a)
    batch_id = _upload(client, f"/sessions/{world.session_a.id}/import", _csv(6))
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 302
    jobs.wait()

    assert len(calls) == 4 and _people() == 0 and statuses(world.session_a) == {}
    batch = _batch(batch_id)
    assert batch.status == ImportStatus.PENDING and batch.error["key"] == "attendance.import_failed"
    assert _import_events(batch_id) == 0
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "Der Import wurde wegen eines Fehlers abgebrochen" in page
    assert f'action="/imports/{batch_id}/confirm"' in page  # may be started again

    monkeypatch.setattr(imports, "find_or_create_person", real)
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 302
    jobs.wait()
    assert _people() == 6 and _batch(batch_id).status == ImportStatus.IMPORTED and _import_events(batch_id) == 1


def test_a_queued_batch_whose_job_is_gone_can_be_started_again(client, world, login, held_jobs):
    login(world.moderator_a)
    batch_id = _upload(client, f"/sessions/{world.session_a.id}/import", _csv(5))
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 302
    held_jobs.lose()
    assert client.get(f"/imports/{batch_id}/status").get_json()["ready"] is True
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "Der Import wurde unterbrochen" in page and "<progress" not in page
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 302
    held_jobs.release()
    jobs.wait()
    assert _people() == 5 and _import_events(batch_id) == 1


def test_others_can_neither_see_nor_confirm_nor_follow_a_batch(client, world, login, held_jobs):
    login(world.moderator_a)
    batch_id = _upload(client, f"/sessions/{world.session_a.id}/import", _csv(5))
    assert client.get(f"/imports/{batch_id}/status").status_code == 200  # the owner, also before the confirm
    client.post("/logout")
    for other in (world.moderator_b, world.steering, world.company_a):
        login(other)
        assert client.get(f"/imports/{batch_id}").status_code == 404
        assert client.get(f"/imports/{batch_id}/status").status_code == 404
        assert client.post(f"/imports/{batch_id}/confirm").status_code == 404
        client.post("/logout")
    assert client.get(f"/imports/{batch_id}/status").status_code in (302, 401)  # anonymous
    assert _batch(batch_id).status == ImportStatus.PENDING and held_jobs.held == []

    login(world.moderator_a)
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 302
    client.post("/logout")
    login(world.moderator_b)
    assert client.get(f"/imports/{batch_id}/status").status_code == 404
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 404
    assert len(held_jobs.held) == 1


def test_an_uploader_who_lost_the_right_gets_nothing_imported(client, world, login, held_jobs):
    login(world.moderator_a)
    batch_id = _upload(client, f"/sessions/{world.session_a.id}/import", _csv(5))
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 302
    world.moderator_a.moderated_hubs = []  # no longer moderates hub A
    db.session.commit()
    held_jobs.release()
    jobs.wait()
    assert _people() == 0
    batch = _batch(batch_id)
    assert batch.status == ImportStatus.PENDING and batch.error["key"] == "attendance.import_refused"
    assert client.get(f"/imports/{batch_id}").status_code == 403


def test_a_small_batch_is_still_imported_in_the_request(client, world, login, held_jobs):
    login(world.moderator_a)
    batch_id = _upload(client, f"/sessions/{world.session_a.id}/import", _csv(SYNC_ROWS))
    confirm = client.post(f"/imports/{batch_id}/confirm")
    assert confirm.status_code == 302
    assert confirm.headers["Location"].endswith(f"/sessions/{world.session_a.id}/roll-call")
    assert held_jobs.held == [] and _people() == SYNC_ROWS
    assert _batch(batch_id).status == ImportStatus.IMPORTED and _import_events(batch_id) == 1


@pytest.fixture
def rq_app(app_config):
    """The app with jobs on the real Redis (a queue of this test's own), run by work()."""
    if not redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    name = f"test-{uuid.uuid4().hex[:12]}"
    with running_app({**app_config, "REDIS_URL": REDIS_URL, "JOBS_QUEUE": name, "JOBS_RETRY_INTERVALS": [0]}) as app:
        yield app
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)


def test_on_redis_a_worker_imports_the_batch_and_the_page_follows_its_progress(rq_app):
    world = build_world()
    client = rq_app.test_client()
    client.post("/login", data={"email": world.moderator_a.email, "password": factories.PASSWORD})
    batch_id = _upload(client, f"/sessions/{world.session_a.id}/import", _csv(8))
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 302
    status = client.get(f"/imports/{batch_id}/status").get_json()
    assert status["ready"] is False and status["running"] is True and _people() == 0
    assert "<progress" in client.get(f"/imports/{batch_id}").get_data(as_text=True)

    work(rq_app)
    assert _people() == 8 and _batch(batch_id).status == ImportStatus.IMPORTED and _import_events(batch_id) == 1
    job = jobs.status(import_jobs.job_id(batch_id))
    assert job.state == jobs.FINISHED and job.progress == {"done": 8, "total": 8, "label": "imported"}
    assert client.get(f"/imports/{batch_id}/status").get_json()["ready"] is True
