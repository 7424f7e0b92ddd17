"""Who keeps a session's attendance: the page, the API, the importer and the service itself give one answer."""

import io
import re

import pytest
from sqlalchemy import select

from tests import factories
from tests.attendance.conftest import statuses
from tracker.attendance import imports, services
from tracker.attendance.models import ImportBatch
from tracker.errors import Invalid, NotAllowed
from tracker.extensions import db
from tracker.permissions import SYSTEM
from tracker.sessions.models import Attendance, AttendanceStatus, SessionKind


def _invited(world):
    attendance = factories.attendance(world.session_a, world.company_a.person, AttendanceStatus.INVITED)
    db.session.commit()
    return attendance


WRITES = {
    "record": lambda w, a, by: services.record(w.session_a, [(w.company_a.person, AttendanceStatus.ATTENDED)], by=by),
    "set_statuses": lambda w, a, by: services.set_statuses(w.session_a, {a.id: AttendanceStatus.ATTENDED}, by=by),
    "set_status": lambda w, a, by: services.set_status(a, AttendanceStatus.ATTENDED, by=by),
    "invite_all": lambda w, a, by: services.invite_all(w.session_a, by=by),
    "add_walk_in": lambda w, a, by: services.add_walk_in(w.session_a, name="Eve", email=None, by=by),
    "start_session_import": lambda w, a, by: imports.start_session_import(w.session_a, "a.csv", b"Name\nEve\n", by=by),
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("role", ["company_a", "moderator_b"])
def test_the_service_refuses_a_company_or_another_hubs_moderator(world, counts, write, role):
    """A company recording attendance (or anyone without the right) is refused however it reaches the service."""
    attendance = _invited(world)
    before = counts()
    with pytest.raises(NotAllowed):
        WRITES[write](world, attendance, getattr(world, role))
    db.session.rollback()
    assert counts() == before and statuses(world.session_a) == {"Carla Company-A": "invited"}
    WRITES[write](world, attendance, world.moderator_a)  # the hub's moderator may


def test_only_steering_keeps_the_attendance_of_a_steering_meeting(world):
    meeting = factories.session(world.process, None, kind=SessionKind.STEERING, title="Lenkungskreis")
    with pytest.raises(NotAllowed):
        services.record(meeting, [(world.moderator_a.person, AttendanceStatus.ATTENDED)], by=world.moderator_a)
    assert services.record(meeting, [(world.steering.person, AttendanceStatus.ATTENDED)], by=SYSTEM) == 1


def test_record_sets_listed_people_and_leaves_the_others(world):
    other = factories.person(world.org_a, name="Otto Other")
    factories.attendance(world.session_a, other, AttendanceStatus.EXCUSED)
    _invited(world)
    changed = services.record(world.session_a, [(world.company_a.person, AttendanceStatus.ATTENDED),
                                                (world.moderator_a.person, None)], by=world.moderator_a)
    db.session.commit()
    assert changed == 2
    assert statuses(world.session_a) == {"Carla Company-A": "attended", "Otto Other": "excused",
                                         "Mona Moderator-A": "invited"}


@pytest.mark.parametrize("body", [[], [{"person_id": 1, "status": "attended"}], {"nonsense": True}])
def test_api_attendance_by_a_company_is_403_whatever_the_body(client, world, bearer, body):
    response = client.put(f"/api/v1/sessions/{world.session_a.id}/attendance", json=body,
                          headers=bearer(world.company_a))
    assert response.status_code == 403
    assert db.session.scalar(select(Attendance)) is None
    assert client.get(f"/api/v1/sessions/{world.session_a.id}/attendance",
                      headers=bearer(world.company_a)).status_code == 403


class TestWalkIn:
    def test_the_service_refuses_an_invalid_email_on_its_field(self, world):
        with pytest.raises(Invalid) as refused:
            services.add_walk_in(world.session_a, name="Ida", email="not-an-address", by=world.moderator_a)
        assert refused.value.field == "email"

    def test_an_existing_and_a_new_organisation_at_once_are_refused(self, client, world, login, counts):
        with pytest.raises(Invalid) as refused:
            services.add_walk_in(world.session_a, name="Ida", email=None, organization=world.org_a,
                                 new_organization="Neue GmbH", by=world.moderator_a)
        assert refused.value.field == "new_organization"
        db.session.rollback()
        before = counts()
        login(world.moderator_a)
        response = client.post(f"/sessions/{world.session_a.id}/walk-in", data={
            "name": "Ida", "email": "", "organization_id": str(world.org_a.id), "new_organization": "Neue GmbH",
            "new_organization_type": "company"})
        assert response.status_code == 400 and "nicht beides" in response.get_data(as_text=True)
        assert counts() == before


class TestAnswers:
    def test_an_invitee_answers_registered_or_excused_only(self, world):
        attendance = _invited(world)
        assert services.answer_invitation(attendance, AttendanceStatus.EXCUSED)
        with pytest.raises(Invalid):
            services.answer_invitation(attendance, AttendanceStatus.ATTENDED)
        assert attendance.status == AttendanceStatus.EXCUSED


class TestImportRights:
    def _batch(self, client, world, login) -> int:
        login(world.moderator_a)
        response = client.post(f"/sessions/{world.session_a.id}/import",
                               data={"file": (io.BytesIO(b"Name;Status\nEva Extern;attended\n"), "a.csv")},
                               content_type="multipart/form-data")
        return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))

    def test_the_importer_refuses_someone_else_than_the_uploader(self, client, world, login, counts):
        batch = db.session.get(ImportBatch, self._batch(client, world, login))
        before = counts()
        for other in (world.steering, world.moderator_b, world.company_a):
            with pytest.raises(NotAllowed):
                imports.confirm_import(batch, by=other)
        db.session.rollback()
        assert counts() == before

    def test_an_uploader_who_lost_the_hub_can_no_longer_confirm(self, client, world, login, counts):
        batch_id = self._batch(client, world, login)
        world.moderator_a.moderated_hubs = []
        db.session.commit()
        before = counts()
        assert client.post(f"/imports/{batch_id}/confirm").status_code == 403
        with pytest.raises(NotAllowed):
            imports.confirm_import(db.session.get(ImportBatch, batch_id), by=world.moderator_a)
        db.session.rollback()
        assert counts() == before

    def test_a_confirmed_import_goes_through_the_same_service_as_the_roll_call(self, client, world, login):
        batch_id = self._batch(client, world, login)
        assert client.post(f"/imports/{batch_id}/confirm").status_code == 302
        assert statuses(world.session_a) == {"Eva Extern": "attended"}
        assert client.post(f"/imports/{batch_id}/confirm").status_code == 409  # a second time: a conflict
