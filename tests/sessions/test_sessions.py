"""Scheduling, editing and cancelling sessions; minutes with revisions and conflicts; action items; ideas; feeds."""

from datetime import date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.measures.models import Measure, MeasureStatus
from tracker.sessions import ical, queries
from tracker.sessions.models import ActionItem, MinutesRevision, MinutesStatus, Session, SessionKind, SessionStatus


def _new(client, process_id, **overrides):
    data = {"hub_id": 0, "kind": "workshop", "title": "Workshop 2", "starts_at": "2018-11-14T16:30",
            "ends_at": "2018-11-14T19:00", "location": "Rathaus", "agenda": "1. Start"}
    data.update(overrides)
    return client.post(f"/processes/{process_id}/sessions/new", data=data)


class TestScheduling:
    def test_moderator_schedules_a_numbered_workshop_in_their_hub(self, client, world, login):
        login(world.moderator_a)
        response = _new(client, world.process.id, hub_id=world.hub_a.id)
        assert response.status_code == 302
        created = db.session.scalar(select(Session).where(Session.title == "Workshop 2"))
        assert (created.hub_id, created.kind, created.number, created.status) == \
            (world.hub_a.id, SessionKind.WORKSHOP, 2, SessionStatus.PLANNED)
        assert created.duration_minutes == 150

    def test_moderator_cannot_schedule_for_another_hub(self, client, world, login):
        login(world.moderator_a)
        response = _new(client, world.process.id, hub_id=world.hub_b.id)
        assert response.status_code == 400
        assert db.session.scalar(select(Session).where(Session.title == "Workshop 2")) is None

    def test_only_steering_schedules_process_wide_events(self, client, world, login):
        login(world.moderator_a)
        assert _new(client, world.process.id, hub_id=0, kind="plenary").status_code == 400
        client.post("/logout")
        login(world.steering)
        assert _new(client, world.process.id, hub_id=0, kind="plenary", title="Plenum").status_code == 302
        plenary = db.session.scalar(select(Session).where(Session.title == "Plenum"))
        assert plenary.hub_id is None and plenary.number is None

    def test_end_before_start_is_refused_and_input_kept(self, client, world, login):
        login(world.moderator_a)
        response = _new(client, world.process.id, hub_id=world.hub_a.id, ends_at="2018-11-14T15:00",
                        title="Verdrehte Zeiten")
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Das Ende muss nach dem Beginn liegen" in page and "Verdrehte Zeiten" in page

    def test_overlap_and_outside_period_warn_before_saving(self, client, world, login):
        login(world.moderator_a)
        clash = _new(client, world.process.id, hub_id=world.hub_a.id, starts_at="2018-10-17T17:00",
                     ends_at="2018-10-17T18:00", title="Überschneidung")
        assert clash.status_code == 400 and "überschneidet sich" in clash.get_data(as_text=True)
        assert db.session.scalar(select(Session).where(Session.title == "Überschneidung")) is None
        confirmed = _new(client, world.process.id, hub_id=world.hub_a.id, starts_at="2018-10-17T17:00",
                         ends_at="2018-10-17T18:00", title="Überschneidung", confirm_warnings="y")
        assert confirmed.status_code == 302
        outside = _new(client, world.process.id, hub_id=world.hub_a.id, starts_at="2025-01-01T10:00",
                       ends_at="2025-01-01T12:00", title="Viel später")
        assert "außerhalb des Prozesszeitraums" in outside.get_data(as_text=True)


@pytest.mark.parametrize(("starts_on", "ends_on"), [(date(1, 1, 1), date(9999, 12, 31)),
                                                     (date(9999, 12, 1), date(9999, 12, 31))])
def test_year_view_of_a_process_with_extreme_stored_dates_is_shown(client, world, login, starts_on, ends_on):
    """Probe 5d: dates stored before the service refused them never make the year view a server error."""
    process = factories.process(starts_on=starts_on, ends_on=ends_on)
    login(world.admin)
    response = client.get(f"/processes/{process.id}/sessions")
    assert response.status_code == 200
    assert len(queries.months_of(process)) <= 361


class TestEditing:
    def test_moderator_of_another_hub_cannot_edit_or_cancel(self, client, world, login):
        login(world.moderator_a)
        session = world.session_b
        assert client.get(f"/sessions/{session.id}/edit").status_code == 403
        assert client.post(f"/sessions/{session.id}/status", data={"status": "cancelled"}).status_code == 403
        db.session.refresh(session)
        assert session.status == SessionStatus.HELD

    def test_reschedule_and_cancel_keep_the_session_visible(self, client, world, login):
        login(world.moderator_a)
        session = world.session_a
        response = client.post(f"/sessions/{session.id}/edit", data={
            "hub_id": world.hub_a.id, "kind": "workshop", "title": "Workshop A1 (verschoben)",
            "starts_at": "2018-10-24T16:30", "ends_at": "2018-10-24T18:30", "version": session.version})
        assert response.status_code == 302
        client.post(f"/sessions/{session.id}/status", data={"status": "cancelled"})
        db.session.refresh(session)
        assert session.starts_at == datetime(2018, 10, 24, 16, 30) and session.status == SessionStatus.CANCELLED
        page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
        assert "Abgesagt" in page and "verschoben" in page

    def test_stale_session_edit_is_a_conflict(self, client, world, login):
        login(world.moderator_a)
        session = world.session_a
        form = {"hub_id": world.hub_a.id, "kind": "workshop", "starts_at": "2018-10-17T16:30",
                "ends_at": "2018-10-17T18:30", "version": session.version}
        assert client.post(f"/sessions/{session.id}/edit", data={**form, "title": "Erste"}).status_code == 302
        second = client.post(f"/sessions/{session.id}/edit", data={**form, "title": "Zweite"})
        assert second.status_code == 409 and "Zweite" in second.get_data(as_text=True)
        db.session.refresh(session)
        assert session.title == "Erste"


class TestMinutes:
    def test_second_saver_gets_a_conflict_with_both_texts(self, app, client, world, login, make_app):
        login(world.moderator_a)
        version = world.session_a.version
        first = client.post(f"/sessions/{world.session_a.id}/minutes",
                            data={"text": "Mona schreibt", "version": version, "save": "1"})
        assert first.status_code == 302
        second = client.post(f"/sessions/{world.session_a.id}/minutes",
                             data={"text": "Steffen schreibt", "version": version, "save": "1"})
        page = second.get_data(as_text=True)
        assert second.status_code == 409 and "Mona schreibt" in page and "Steffen schreibt" in page
        db.session.refresh(world.session_a)
        assert world.session_a.minutes == "Mona schreibt"

    def test_every_save_is_a_revision_and_two_can_be_compared(self, client, world, login):
        login(world.moderator_a)
        for text in ("Zeile eins", "Zeile eins\nZeile zwei"):
            db.session.refresh(world.session_a)
            client.post(f"/sessions/{world.session_a.id}/minutes",
                        data={"text": text, "version": world.session_a.version, "save": "1"})
        revisions = db.session.scalars(select(MinutesRevision).order_by(MinutesRevision.number)).all()
        assert [r.number for r in revisions] == [1, 2] and revisions[0].author_id == world.moderator_a.id
        page = client.get(f"/sessions/{world.session_a.id}/minutes/revisions?a=1&b=2").get_data(as_text=True)
        assert 'class="diff-added">+ Zeile zwei' in page

    def test_preview_renders_without_saving(self, client, world, login):
        login(world.moderator_a)
        response = client.post(f"/sessions/{world.session_a.id}/minutes",
                               data={"text": "**fett**", "version": world.session_a.version, "preview": "1"})
        assert "<strong>fett</strong>" in response.get_data(as_text=True)
        db.session.refresh(world.session_a)
        assert world.session_a.minutes == "Geheimer Entwurf A"

    @pytest.mark.parametrize("role,allowed", [("moderator_a", True), ("steering", True), ("moderator_b", False),
                                              ("company_a", False)])
    def test_who_approves_minutes(self, client, world, login, role, allowed):
        login(getattr(world, role))
        response = client.post(f"/sessions/{world.session_a.id}/minutes/approve")
        db.session.refresh(world.session_a)
        assert (world.session_a.minutes_status == MinutesStatus.APPROVED) is allowed
        assert response.status_code == (302 if allowed else 403)

    def test_a_script_in_the_agenda_never_reaches_the_page(self, client, world, login):
        world.session_a.agenda = "<script>alert('x')</script>\n\n**Punkt 1**"
        db.session.commit()
        login(world.company_a)
        page = client.get(f"/sessions/{world.session_a.id}").get_data(as_text=True)
        assert "<script>alert" not in page and "<strong>Punkt 1</strong>" in page


class TestActionItemsAndIdeas:
    def test_action_item_shows_in_my_open_items_until_done(self, client, world, login):
        login(world.moderator_a)
        client.post(f"/sessions/{world.session_a.id}/action-items",
                    data={"item-text": "Flächenliste schicken", "item-owner_id": world.company_a.person.id,
                          "item-due_on": "2018-11-01"})
        item = db.session.scalar(select(ActionItem))
        assert item.owner_id == world.company_a.person.id
        client.post("/logout")
        login(world.company_a)
        assert "Flächenliste schicken" in client.get("/my/action-items").get_data(as_text=True)
        client.post(f"/action-items/{item.id}/done", data={"done": "1"})
        assert "Flächenliste schicken" not in client.get("/my/action-items").get_data(as_text=True)

    def test_others_cannot_tick_off_an_item(self, client, world, login):
        item = ActionItem(session=world.session_a, text="X", owner=world.company_a.person)
        db.session.add(item)
        db.session.commit()
        login(world.company_b)
        assert client.post(f"/action-items/{item.id}/done", data={"done": "1"}).status_code == 403
        db.session.refresh(item)
        assert not item.done

    def test_idea_from_the_room_keeps_its_origin(self, client, world, login):
        login(world.moderator_a)
        client.post(f"/sessions/{world.session_a.id}/ideas",
                    data={"idea-title": "Azubi-Tag", "idea-description": "", "idea-organization_id": world.org_a.id})
        idea = db.session.scalar(select(Measure).where(Measure.title == "Azubi-Tag"))
        assert (idea.status, idea.hub_id, idea.session_id, idea.proposer_organization_id) == \
            (MeasureStatus.IDEA, world.hub_a.id, world.session_a.id, world.org_a.id)
        assert idea.transitions[0].to_status == MeasureStatus.IDEA

    def test_moderator_of_another_hub_cannot_add_ideas(self, client, world, login):
        login(world.moderator_b)
        response = client.post(f"/sessions/{world.session_a.id}/ideas", data={"idea-title": "Fremd"})
        assert response.status_code == 403
        assert db.session.scalar(select(Measure).where(Measure.title == "Fremd")) is None


class TestCalendarFeeds:
    def test_hub_feed_parses_back_with_stable_uids(self, client, world):
        token = ical.feed_token(world.company_a)
        first = Calendar.from_ical(client.get(f"/hubs/{world.hub_a.id}/calendar/{token}.ics").data)
        [event] = first.walk("VEVENT")
        uid = str(event["uid"])
        assert str(event["summary"]) == "Workshop A1"
        world.session_a.starts_at = datetime(2018, 10, 18, 16, 30)
        world.session_a.ends_at = datetime(2018, 10, 18, 18, 30)
        world.session_a.status = SessionStatus.CANCELLED
        db.session.commit()
        second = Calendar.from_ical(client.get(f"/hubs/{world.hub_a.id}/calendar/{token}.ics").data)
        [moved] = second.walk("VEVENT")
        assert str(moved["uid"]) == uid and str(moved["status"]) == "CANCELLED"
        assert moved["sequence"] > event["sequence"]
        assert moved.decoded("dtstart").replace(tzinfo=None) == datetime(2018, 10, 18, 16, 30)

    def test_feed_needs_a_valid_token_and_a_password_change_revokes_it(self, client, world):
        token = ical.feed_token(world.company_a)
        assert client.get(f"/hubs/{world.hub_a.id}/calendar/{token[:-3]}abc.ics").status_code == 404
        world.company_a.session_token = "new"
        db.session.commit()
        assert client.get(f"/hubs/{world.hub_a.id}/calendar/{token}.ics").status_code == 404

    def test_company_feed_leaves_out_other_hubs(self, client, world):
        token = ical.feed_token(world.company_a)
        calendar = Calendar.from_ical(client.get(f"/processes/{world.process.id}/calendar/{token}.ics").data)
        assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Workshop A1"]

    def test_public_feed_lists_only_public_events(self, client, world):
        db.session.add(Session(process=world.process, kind=SessionKind.STEERING, title="Lenkungskreis intern",
                               starts_at=datetime(2018, 9, 5, 10), ends_at=datetime(2018, 9, 5, 12)))
        db.session.add(Session(process=world.process, kind=SessionKind.KICKOFF, title="Auftakt",
                               starts_at=datetime(2018, 9, 26, 16), ends_at=datetime(2018, 9, 26, 18)))
        db.session.commit()
        calendar = Calendar.from_ical(client.get(f"/processes/{world.process.id}/calendar.ics").data)
        assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Auftakt"]


def test_year_view_shows_sessions_per_hub(client, world, login):
    login(world.steering)
    page = client.get(f"/processes/{world.process.id}/sessions").get_data(as_text=True)
    assert "Workshop A1" in page and "Workshop B1" in page
    client.post("/logout")
    login(world.company_a)
    page = client.get(f"/processes/{world.process.id}/sessions").get_data(as_text=True)
    # issue 18: every hub's sessions by title, date and hub; only the own hub's open
    assert "Workshop A1" in page and "Workshop B1" in page
    assert f'href="/sessions/{world.session_b.id}"' not in page
