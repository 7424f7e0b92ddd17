"""Each rule of a session once, reached through the page, the API and the service itself (as a command would)."""

from datetime import datetime

import pytest
from sqlalchemy import select

from tests import factories
from tracker.accounts.models import Role
from tracker.errors import Invalid, NotAllowed
from tracker.extensions import db
from tracker.permissions import SYSTEM, can_view_session
from tracker.sessions import services
from tracker.sessions.models import ActionItem, Session, SessionKind, SessionStatus
from tracker.sessions.queries import visible_sessions
from tracker.sessions.signals import session_scheduled

START, END = datetime(2018, 11, 14, 16, 30), datetime(2018, 11, 14, 19)


def _schedule(world, by, **overrides):
    fields = dict(hub=world.hub_a, kind=SessionKind.WORKSHOP, title="Workshop 2", starts_at=START, ends_at=END)
    fields.update(overrides)
    return services.schedule(world.process, by=by, **fields)


class TestWhoSchedules:
    def test_the_service_refuses_a_moderator_scheduling_in_another_hub(self, world):
        with pytest.raises(NotAllowed):
            _schedule(world, world.moderator_a, hub=world.hub_b)
        assert _schedule(world, world.moderator_b, hub=world.hub_b).number == 2

    def test_the_service_refuses_process_wide_events_but_to_steering(self, world):
        with pytest.raises(NotAllowed):
            _schedule(world, world.moderator_a, hub=None, kind=SessionKind.PLENARY)
        plenary = _schedule(world, SYSTEM, hub=None, kind=SessionKind.PLENARY, title="Plenum")
        assert plenary.hub_id is None and plenary.number is None

    @pytest.mark.parametrize("role", ["company_a", "company_b"])
    def test_companies_schedule_nothing(self, world, role):
        with pytest.raises(NotAllowed):
            _schedule(world, getattr(world, role))
        assert not services.schedule.allowed(getattr(world, role), world.process)

    def test_a_moderator_of_another_process_may_not_schedule_here(self, world):
        other_hub = factories.hub(factories.process(name="Anderer Prozess"))
        stranger = factories.user(Role.MODERATOR, hubs=[other_hub])
        with pytest.raises(NotAllowed):
            _schedule(world, stranger, hub=None, kind=SessionKind.PLENARY)
        assert not services.schedule.allowed(stranger, world.process)

    def test_a_hub_of_another_process_is_a_field_error(self, client, world, bearer):
        other_hub = factories.hub(factories.process(name="Anderer Prozess"))
        db.session.commit()
        with pytest.raises(Invalid) as refused:
            _schedule(world, world.steering, hub=other_hub)
        assert refused.value.field == "hub_id"
        response = client.post(f"/api/v1/processes/{world.process.id}/sessions", headers=bearer(world.steering),
                               json={"kind": "workshop", "hub_id": other_hub.id, "title": "X",
                                     "starts_at": "2018-11-14T16:30:00+01:00", "ends_at": "2018-11-14T19:00:00+01:00"})
        assert response.status_code == 400 and "hub_id" in response.json["error"]["fields"]

    @pytest.mark.parametrize("body", [{}, {"kind": "sleeping"}, {"kind": "workshop", "title": "Heimlich",
                                                                   "starts_at": "2018-11-14T16:30:00+01:00",
                                                                   "ends_at": "2018-11-14T19:00:00+01:00"}])
    def test_a_company_gets_403_whatever_the_body(self, client, world, bearer, body):
        response = client.post(f"/api/v1/processes/{world.process.id}/sessions", json=body,
                               headers=bearer(world.company_a))
        assert response.status_code == 403
        assert db.session.scalar(select(Session).where(Session.title == "Heimlich")) is None

    def test_scheduling_is_announced(self, world):
        heard = []
        with session_scheduled.connected_to(lambda session, by: heard.append((session.title, by))):
            _schedule(world, world.moderator_a)
        assert heard == [("Workshop 2", world.moderator_a)]


class TestKindAndHub:
    """A hub workshop belongs to a hub; every other kind is process-wide; an edit may not break that."""

    def test_the_service_refuses_a_workshop_without_hub_and_a_plenary_with_one(self, world):
        with pytest.raises(Invalid) as without_hub:
            _schedule(world, world.steering, hub=None, kind=SessionKind.WORKSHOP)
        with pytest.raises(Invalid) as with_hub:
            _schedule(world, world.steering, kind=SessionKind.PLENARY)
        assert without_hub.value.field == with_hub.value.field == "kind"

    def test_updating_a_hub_workshop_to_a_plenary_is_refused(self, world):
        with pytest.raises(Invalid) as refused:
            services.update(world.session_a, by=world.moderator_a, expected_version=world.session_a.version,
                            kind=SessionKind.PLENARY)
        assert refused.value.field == "kind"
        db.session.rollback()
        assert db.session.get(Session, world.session_a.id).kind == SessionKind.WORKSHOP

    def test_the_edit_page_shows_the_refusal_on_the_kind_and_keeps_the_input(self, client, world, login):
        login(world.moderator_a)
        response = client.post(f"/sessions/{world.session_a.id}/edit", data={
            "hub_id": world.hub_a.id, "kind": "plenary", "title": "Jetzt ein Plenum",
            "version": world.session_a.version, "starts_at": "2018-10-17T16:30", "ends_at": "2018-10-17T18:30"})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "Nur Hub-Workshops gehören zu einem Hub" in page and "Jetzt ein Plenum" in page
        db.session.refresh(world.session_a)
        assert (world.session_a.kind, world.session_a.title) == (SessionKind.WORKSHOP, "Workshop A1")

    def test_a_process_wide_event_cannot_become_a_hub_workshop(self, client, world, login):
        plenary = factories.session(world.process, None, title="Plenum")
        db.session.commit()
        login(world.steering)
        response = client.post(f"/sessions/{plenary.id}/edit", data={
            "hub_id": 0, "kind": "workshop", "title": "Plenum", "version": plenary.version,
            "starts_at": "2018-10-17T16:30", "ends_at": "2018-10-17T18:30"})
        assert response.status_code == 400
        db.session.refresh(plenary)
        assert plenary.kind == SessionKind.PLENARY

    def test_a_new_session_with_a_hub_and_another_kind_is_refused_on_the_page(self, client, world, login):
        login(world.steering)
        response = client.post(f"/processes/{world.process.id}/sessions/new", data={
            "hub_id": world.hub_a.id, "kind": "steering", "title": "Lenkungskreis im Hub",
            "starts_at": "2018-11-14T16:30", "ends_at": "2018-11-14T19:00"})
        assert response.status_code == 400
        assert db.session.scalar(select(Session).where(Session.title == "Lenkungskreis im Hub")) is None


class TestTimes:
    """A session ends after it starts: one rule for scheduling and editing, page and API."""

    def test_the_service_refuses_an_update_ending_before_it_starts(self, world):
        with pytest.raises(Invalid) as refused:
            services.update(world.session_a, by=world.moderator_a, expected_version=world.session_a.version,
                            ends_at=datetime(2018, 10, 17, 15))
        assert refused.value.field == "ends_at"

    def test_the_api_refuses_moving_only_the_end_before_the_start(self, client, world, bearer):
        response = client.patch(f"/api/v1/sessions/{world.session_a.id}", headers=bearer(world.moderator_a),
                                json={"version": world.session_a.version, "ends_at": "2018-10-17T10:00:00+02:00"})
        assert response.status_code == 400 and "ends_at" in response.json["error"]["fields"]
        db.session.refresh(world.session_a)
        assert world.session_a.ends_at == datetime(2018, 10, 17, 18, 30)

    def test_the_edit_page_refuses_it_on_the_end_field(self, client, world, login):
        login(world.moderator_a)
        response = client.post(f"/sessions/{world.session_a.id}/edit", data={
            "hub_id": world.hub_a.id, "kind": "workshop", "title": "Workshop A1", "version": world.session_a.version,
            "starts_at": "2018-10-17T16:30", "ends_at": "2018-10-17T12:00"})
        assert response.status_code == 400 and "Das Ende muss nach dem Beginn liegen" in response.get_data(as_text=True)


class TestWhoEdits:
    @pytest.mark.parametrize("role", ["company_a", "moderator_b"])
    @pytest.mark.parametrize("body", [{}, {"version": 1, "title": "Gekapert"}, {"version": 1, "status": "cancelled"},
                                      {"title": 5}])
    def test_patch_by_a_company_or_another_hubs_moderator_is_403_whatever_the_body(self, client, world, bearer,
                                                                                   role, body):
        response = client.patch(f"/api/v1/sessions/{world.session_a.id}", json=body,
                                headers=bearer(getattr(world, role)))
        assert response.status_code == 403
        db.session.refresh(world.session_a)
        assert (world.session_a.title, world.session_a.status) == ("Workshop A1", SessionStatus.HELD)

    @pytest.mark.parametrize("action", [
        lambda s, by: services.update(s, by=by, expected_version=s.version, title="Gekapert"),
        lambda s, by: services.set_status(s, SessionStatus.CANCELLED, by=by),
        lambda s, by: services.save_minutes(s, "Gekapert", expected_version=s.version, by=by),
        lambda s, by: services.approve_minutes(s, by=by),
        lambda s, by: services.add_action_item(s, text="Gekapert", owner=None, due_on=None, by=by),
    ], ids=["update", "set_status", "save_minutes", "approve_minutes", "add_action_item"])
    @pytest.mark.parametrize("role", ["company_a", "moderator_b"])
    def test_the_service_itself_refuses_who_may_not_edit_the_session(self, world, action, role):
        with pytest.raises(NotAllowed):
            action(world.session_a, getattr(world, role))
        action(world.session_a, world.moderator_a)  # the hub's own moderator may

    def test_only_steering_edits_a_process_wide_event(self, world):
        plenary = factories.session(world.process, None, title="Plenum")
        with pytest.raises(NotAllowed):
            services.update(plenary, by=world.moderator_a, expected_version=plenary.version, title="Gekapert")
        services.update(plenary, by=world.steering, expected_version=plenary.version, title="Plenum 2")
        assert plenary.title == "Plenum 2"

    def test_an_unknown_status_on_the_page_is_a_400(self, client, world, login):
        login(world.moderator_a)
        assert client.post(f"/sessions/{world.session_a.id}/status", data={"status": "exploded"}).status_code == 400


class TestActionItems:
    def test_owner_and_organisers_tick_off_others_are_refused_by_the_service(self, world):
        item = ActionItem(session=world.session_a, text="Liste schicken", owner=world.company_a.person)
        db.session.add(item)
        db.session.flush()
        for stranger in (world.company_b, world.moderator_b):
            with pytest.raises(NotAllowed):
                services.set_action_item_done(item, True, by=stranger)
        services.set_action_item_done(item, True, by=world.company_a)
        services.set_action_item_done(item, False, by=world.moderator_a)
        assert item.done is False

    def test_an_empty_action_item_is_refused(self, world):
        with pytest.raises(Invalid):
            services.add_action_item(world.session_a, text="   ", owner=None, due_on=None, by=world.moderator_a)


def test_the_visibility_predicate_and_the_sql_filter_agree(world):
    """`can_view_session` (one session's page) and `visible_sessions` (lists, feeds, the API) say the same."""
    factories.session(world.process, None, kind=SessionKind.STEERING, title="Lenkungskreis")
    factories.session(world.process, None, kind=SessionKind.PLENARY, title="Plenum")
    factories.session(world.process, None, kind=SessionKind.KICKOFF, title="Auftakt")
    db.session.commit()
    everything = db.session.scalars(select(Session)).all()
    for role in ("admin", "steering", "moderator_a", "moderator_b", "company_a", "company_b"):
        user = getattr(world, role)
        listed = {s.title for s in db.session.scalars(visible_sessions(user, world.process))}
        assert listed == {s.title for s in everything if can_view_session(user, s)}, role
        assert ("Lenkungskreis" in listed) is (role in ("admin", "steering")), role
