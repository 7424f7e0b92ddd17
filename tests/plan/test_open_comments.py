"""Issue 18, item 4: open review comments are resolved before approving, or the approver overrides with a reason."""

from tests import factories
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.plan import review, versions
from tracker.plan.models import PlanStatus


def test_open_comments_block_an_approval_unless_overridden_with_a_reason(client, login, world, plan, bearer):
    world.process.approvals_needed = 2
    second = factories.make_steering(world.process, organization=world.partner, name="Sina Steering-2")
    third = factories.make_steering(world.process, organization=world.partner, name="Tom Steering-3")
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    versions.submit(version, by=world.steering)
    review.add_comment(version, "goal-1", "Bitte schärfen", by=world.steering)
    db.session.commit()
    login(second)
    page = client.get(f"/plan/versions/{version.id}").get_data(as_text=True)
    assert 'name="override_reason"' in page
    assert client.post(f"/plan/versions/{version.id}/approve").status_code == 409
    assert client.post(f"/plan/versions/{version.id}/approve",
                       data={"override_reason": "Wird im nächsten Update geklärt"}).status_code == 302
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "approve"))
    assert event.changes["override_reason"] == "Wird im nächsten Update geklärt"
    headers = bearer(third)
    refused = client.post(f"/api/v1/plan/versions/{version.id}/approve", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "open_comments"
    answer = client.post(f"/api/v1/plan/versions/{version.id}/approve", headers=headers,
                         json={"override_reason": "Einverstanden"})
    assert answer.status_code == 200 and answer.get_json()["status"] == PlanStatus.APPROVED.value
