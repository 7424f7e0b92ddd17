"""PDF and DOCX exports answer while others write (issue 16, finding 9)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, update

from tests import factories
from tracker.audit.services import record
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.plan import versions
from tracker.plan.models import PlanVersionFile

pytestmark = pytest.mark.slow  # PDF

WRITERS = 10
READERS = 2
PAUSE = 0.01  # seconds between two saves of one writer
VERSIONS = 3


def test_pdf_and_docx_exports_never_fail_while_others_write(app, world, plan):
    """Issue 16, finding 9: PDF/DOCX exports answered 500 "database is locked" while others wrote
    (SQLite): the kept export was inserted inside the GET's read transaction."""
    frozen = [versions.freeze(world.process, f"Fassung {n}", by=world.steering) for n in range(1, VERSIONS + 1)]
    db.session.commit()
    process_id, hub_id = world.process.id, world.hub_a.id
    urls = [f"/plan/versions/{v.id}?format={fmt}" for v in frozen for fmt in ("pdf", "docx")]
    urls += [f"/processes/{process_id}/plan?format={fmt}" for fmt in ("pdf", "docx")]
    stop = threading.Event()

    def write(n: int) -> int:
        """Save, again and again, as people working in the app do: a short write transaction each time."""
        written = 0
        while not stop.wait(PAUSE):
            with app.test_request_context("/", method="POST"):
                record("update", object_type="process", object_id=process_id, summary=f"writer {n}, {written}")
                db.session.execute(update(Hub).where(Hub.id == hub_id).values(description=f"{n}-{written}"))
                db.session.commit()
                db.session.remove()
            written += 1
        return written

    def read(email: str) -> list[tuple[str, int]]:
        client = app.test_client()
        client.post("/login", data={"email": email, "password": factories.PASSWORD})
        return [(url, client.get(url).status_code) for _round in range(2) for url in urls]

    with ThreadPoolExecutor(max_workers=WRITERS + READERS) as pool:
        writers = [pool.submit(write, n) for n in range(WRITERS)]
        readers = [pool.submit(read, world.steering.email) for _ in range(READERS)]
        try:
            answers = [answer for reader in readers for answer in reader.result()]
        finally:
            stop.set()
        written = sum(writer.result() for writer in writers)

    assert [answer for answer in answers if answer[1] != 200] == []
    assert written > WRITERS
    db.session.commit()  # end this test's read snapshot before looking
    kept = db.session.scalar(select(func.count()).select_from(PlanVersionFile)
                             .where(PlanVersionFile.name.like("export-%")))
    assert kept == len(frozen) * 2  # each version's files kept once, however many asked at the same time
