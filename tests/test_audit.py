"""The audit log records who did what, is searchable by admins, and cannot be changed in the app."""

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db


def test_failed_login_and_phase_change_are_recorded_and_searchable(app, client, world, login):
    client.post("/login", data={"email": "intruder@example.org", "password": "guess-12345"})
    login(world.steering)
    client.post(f"/processes/{world.process.id}/phase", data={"phase": "adoption"})
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "process"))
    assert change.user_id == world.steering.id
    assert change.changes == {"phase": ["workshops", "adoption"]}

    client.post("/logout")
    login(world.admin)
    page = client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    assert "intruder@example.org" in page and "Phase → Verabschiedung" not in page
    page = client.get("/admin/audit?user=stefan").get_data(as_text=True)  # the phase as the reader's label
    assert "Phase → Verabschiedung" in page and "intruder@example.org" not in page


def test_only_admins_read_the_audit_log(client, world, login):
    login(world.steering)
    assert client.get("/admin/audit").status_code == 403


def test_no_route_can_change_the_audit_log(app):
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
