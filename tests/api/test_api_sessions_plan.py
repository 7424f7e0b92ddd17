"""Sessions, attendance and the plan through the API."""

import pytest
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.measures.models import MeasureStatus
from tracker.plan.models import PlanStatus, PlanVersion
from tracker.sessions.models import Attendance, AttendanceStatus, Session

WORKSHOP = {"kind": "workshop", "title": "Workshop 2", "starts_at": "2018-11-14T16:30:00+01:00",
            "ends_at": "2018-11-14T19:00:00+01:00", "location": "Rathaus"}


class TestSessions:
    def test_moderator_schedules_a_numbered_workshop(self, client, world, bearer):
        response = client.post(f"/api/v1/processes/{world.process.id}/sessions",
                               json={**WORKSHOP, "hub_id": world.hub_a.id}, headers=bearer(world.moderator_a))
        assert response.status_code == 201
        body = response.json
        assert (body["number"], body["status"], body["hub_id"]) == (2, "planned", world.hub_a.id)
        assert body["starts_at"].startswith("2018-11-14T16:30:00")
        stored = db.session.get(Session, body["id"])
        assert stored.starts_at.hour == 16  # stored as local wall-clock time

    def test_times_in_utc_are_converted_to_local_time(self, client, world, bearer):
        body = {**WORKSHOP, "hub_id": world.hub_a.id, "starts_at": "2018-11-14T15:30:00Z",
                "ends_at": "2018-11-14T18:00:00Z"}
        created = client.post(f"/api/v1/processes/{world.process.id}/sessions", json=body,
                              headers=bearer(world.moderator_a)).json
        assert db.session.get(Session, created["id"]).starts_at.hour == 16

    def test_moderator_of_another_hub_is_refused(self, client, world, bearer):
        response = client.post(f"/api/v1/processes/{world.process.id}/sessions",
                               json={**WORKSHOP, "hub_id": world.hub_b.id}, headers=bearer(world.moderator_a))
        assert response.status_code == 403
        assert db.session.scalar(select(Session).where(Session.title == "Workshop 2")) is None

    def test_end_before_start_is_a_field_error(self, client, world, bearer):
        body = {**WORKSHOP, "hub_id": world.hub_a.id, "ends_at": "2018-11-14T10:00:00+01:00"}
        response = client.post(f"/api/v1/processes/{world.process.id}/sessions", json=body,
                               headers=bearer(world.moderator_a))
        assert response.status_code == 400 and "ends_at" in response.json["error"]["fields"]

    @pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00",
                                        "1899-12-31T12:00:00", "2201-01-01T12:00:00+01:00"])
    def test_a_time_beyond_the_sane_years_is_a_field_error(self, client, world, bearer, moment):
        """Probe 5c: extreme years and offsets are a 400 naming the field, not an OverflowError (500)."""
        headers = bearer(world.moderator_a)
        session = world.session_a
        patched = client.patch(f"/api/v1/sessions/{session.id}", json={"version": session.version, "starts_at": moment},
                               headers=headers)
        assert patched.status_code == 400 and "starts_at" in patched.json["error"]["fields"]
        created = client.post(f"/api/v1/processes/{world.process.id}/sessions",
                              json={**WORKSHOP, "hub_id": world.hub_a.id, "ends_at": moment}, headers=headers)
        assert created.status_code == 400 and list(created.json["error"]["fields"]) == ["ends_at"]
        assert db.session.scalar(select(Session).where(Session.title == "Workshop 2")) is None

    def test_patch_with_a_stale_version_is_a_409(self, client, world, bearer):
        headers = bearer(world.moderator_a)
        version = client.get(f"/api/v1/sessions/{world.session_a.id}", headers=headers).json["version"]
        first = client.patch(f"/api/v1/sessions/{world.session_a.id}", json={"version": version, "title": "Neu"},
                             headers=headers)
        assert first.status_code == 200 and first.json["version"] == version + 1
        second = client.patch(f"/api/v1/sessions/{world.session_a.id}", json={"version": version, "title": "Alt"},
                              headers=headers)
        assert second.status_code == 409 and second.json["error"]["code"] == "stale_version"
        db.session.refresh(world.session_a)
        assert world.session_a.title == "Neu"

    def test_cancel_through_patch(self, client, world, bearer):
        headers = bearer(world.steering)
        version = world.session_b.version
        response = client.patch(f"/api/v1/sessions/{world.session_b.id}",
                                json={"version": version, "status": "cancelled"}, headers=headers)
        assert response.json["status"] == "cancelled"

    def test_company_sees_only_its_hubs_sessions(self, client, world, bearer):
        items = client.get(f"/api/v1/processes/{world.process.id}/sessions", headers=bearer(world.company_a)).json
        assert [s["title"] for s in items["items"]] == ["Workshop A1"] and items["total"] == 1
        assert client.get(f"/api/v1/sessions/{world.session_b.id}", headers=bearer(world.company_a)).status_code \
            == 403


class TestAttendance:
    def test_recorded_attendance_gives_working_hours(self, client, world, bearer):
        people = [world.company_a.person.id, world.moderator_a.person.id, world.steering.person.id]
        body = [{"person_id": people[0], "status": "attended"}, {"person_id": people[1], "status": "attended"},
                {"person_id": people[2], "status": "excused"}]
        response = client.put(f"/api/v1/sessions/{world.session_a.id}/attendance", json=body,
                              headers=bearer(world.moderator_a))
        assert response.status_code == 200
        assert (response.json["attendees"], response.json["working_hours"]) == (2, 4.0)
        # A second call changes one status and leaves the others alone.
        client.put(f"/api/v1/sessions/{world.session_a.id}/attendance",
                   json=[{"person_id": people[2], "status": "attended"}], headers=bearer(world.moderator_a))
        rows = db.session.scalars(select(Attendance).where(Attendance.session_id == world.session_a.id)).all()
        assert sorted(a.status for a in rows) == [AttendanceStatus.ATTENDED] * 3
        stats = client.get(f"/api/v1/processes/{world.process.id}/stats", headers=bearer(world.steering)).json
        assert (stats["people"], stats["working_hours"]) == (3, 6.0)

    def test_unknown_person_and_bad_status_are_field_errors(self, client, world, bearer):
        headers = bearer(world.moderator_a)
        unknown = client.put(f"/api/v1/sessions/{world.session_a.id}/attendance",
                             json=[{"person_id": 99999, "status": "attended"}], headers=headers)
        assert unknown.status_code == 400
        bad = client.put(f"/api/v1/sessions/{world.session_a.id}/attendance",
                         json=[{"person_id": world.company_a.person.id, "status": "sleeping"}], headers=headers)
        assert bad.status_code == 400 and "0.status" in bad.json["error"]["fields"]

    def test_moderator_of_another_hub_cannot_record(self, client, world, bearer):
        response = client.put(f"/api/v1/sessions/{world.session_a.id}/attendance",
                              json=[{"person_id": world.company_a.person.id, "status": "attended"}],
                              headers=bearer(world.moderator_b))
        assert response.status_code == 403
        assert db.session.scalar(select(Attendance)) is None


class TestPlan:
    def _adopted(self, world):
        goal = GuidingGoal(process=world.process, number=1, title="Oberhausen ist innovativ")
        db.session.add(goal)
        world.measure_a.status = MeasureStatus.ADOPTED
        world.measure_a.primary_goal = goal
        db.session.commit()

    def test_draft_as_markdown(self, client, world, bearer):
        self._adopted(world)
        response = client.get(f"/api/v1/processes/{world.process.id}/plan/draft?format=md",
                              headers=bearer(world.steering))
        assert response.status_code == 200 and response.mimetype == "text/markdown"
        text = response.get_data(as_text=True)
        assert "Oberhausen ist innovativ" in text and "Idee aus A" in text

    def test_version_review_and_approval(self, client, world, bearer):
        self._adopted(world)
        headers = bearer(world.steering)
        version = client.post(f"/api/v1/processes/{world.process.id}/plan/versions",
                              json={"label": "Entwurf Dezember 2019"}, headers=headers)
        assert version.status_code == 201 and version.json["status"] == "draft"
        version_id = version.json["id"]
        early = client.post(f"/api/v1/plan/versions/{version_id}/approve", headers=headers)
        assert early.status_code == 409
        assert client.post(f"/api/v1/plan/versions/{version_id}/submit", headers=headers).json["status"] \
            == "in_review"
        section = db.session.get(PlanVersion, version_id).content["sections"][0]["key"]
        comment = client.post(f"/api/v1/plan/versions/{version_id}/comments",
                              json={"section": section, "text": "Bitte kürzen"}, headers=headers)
        assert comment.status_code == 201
        assert client.get(f"/api/v1/plan/versions/{version_id}/comments", headers=headers).json["items"][0]["text"] \
            == "Bitte kürzen"
        refused = client.post(f"/api/v1/plan/versions/{version_id}/approve", headers=bearer(world.moderator_a))
        assert refused.status_code == 403
        # Four eyes: not the submitter, not twice the same person; two others make it approved.
        own = client.post(f"/api/v1/plan/versions/{version_id}/approve", headers=headers)
        assert own.status_code == 403 and "Vier-Augen-Prinzip" in own.json["error"]["message"]
        # the comment is still open: resolved first, or overridden with a reason (issue 18)
        blocked = client.post(f"/api/v1/plan/versions/{version_id}/approve", headers=bearer(world.admin))
        assert blocked.status_code == 409 and blocked.json["error"]["code"] == "open_comments"
        override = {"override_reason": "Kürzen wir im Satz"}
        first = client.post(f"/api/v1/plan/versions/{version_id}/approve", headers=bearer(world.admin), json=override)
        assert first.status_code == 200 and first.json["status"] == "in_review"
        assert first.json["approvals_needed"] == 2
        assert [(a["user_id"], a["name"]) for a in first.json["approvals"]] == [(world.admin.id, "Ada Admin")]
        twice = client.post(f"/api/v1/plan/versions/{version_id}/approve", headers=bearer(world.admin))
        assert twice.status_code == 409 and twice.json["error"]["code"] == "already_approved"
        second_member = factories.make_steering(world.process, organization=world.partner, name="Sina Steering-2")
        db.session.commit()
        approved = client.post(f"/api/v1/plan/versions/{version_id}/approve", headers=bearer(second_member),
                               json=override)
        assert approved.status_code == 200 and approved.json["status"] == "approved"
        assert [a["user_id"] for a in approved.json["approvals"]] == [world.admin.id, second_member.id]
        assert db.session.get(PlanVersion, version_id).status == PlanStatus.APPROVED
        frozen = client.get(f"/api/v1/plan/versions/{version_id}", headers=bearer(world.company_a))
        assert frozen.status_code == 200 and frozen.json["content"]["sections"]
        assert "approvals" not in frozen.json  # the published plan names nobody

    def test_unknown_section_is_a_field_error(self, client, world, bearer):
        headers = bearer(world.steering)
        version_id = client.post(f"/api/v1/processes/{world.process.id}/plan/versions", json={"label": "V1"},
                                 headers=headers).json["id"]
        client.post(f"/api/v1/plan/versions/{version_id}/submit", headers=headers)
        response = client.post(f"/api/v1/plan/versions/{version_id}/comments",
                               json={"section": "nope", "text": "x"}, headers=headers)
        assert response.status_code == 400 and "section" in response.json["error"]["fields"]

    def test_bad_format_is_a_field_error(self, client, world, bearer):
        response = client.get(f"/api/v1/processes/{world.process.id}/plan/draft?format=exe",
                              headers=bearer(world.steering))
        assert response.status_code == 400 and "format" in response.json["error"]["fields"]
