"""A large plan's PDF/DOCX is rendered in the background while a page says so; then it is kept."""

from tracker.extensions import db
from tracker.plan import jobs, versions
from tracker.plan.models import PlanVersionFile


def test_a_large_export_is_prepared_in_the_background_and_then_served(app, client, login, world, plan):
    app.config["PLAN_SYNC_EXPORT_LIMIT"] = 0  # every plan counts as large
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    login(world.steering)
    waiting = client.get(f"/plan/versions/{version.id}?format=docx")
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 202
    assert "wird vorbereitet" in page and f"/plan/versions/{version.id}/exports/docx/status" in page
    assert "js/poll.js" in page and "<script>" not in page
    jobs.wait()
    assert client.get(f"/plan/versions/{version.id}/exports/docx/status").get_json()["ready"] is True
    ready = client.get(f"/plan/versions/{version.id}?format=docx")
    assert ready.status_code == 200 and ready.data[:2] == b"PK"
    assert db.session.scalar(db.select(db.func.count(PlanVersionFile.id))
                             .where(PlanVersionFile.name == "export-draft.docx")) == 1


def test_export_status_of_a_draft_is_not_public(client, world, plan):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    assert client.get(f"/plan/versions/{version.id}/exports/pdf/status").status_code in (302, 401)
