"""Working hours = attendees × duration, per session, hub and process, from one definition."""

from datetime import datetime, timedelta

import pytest

from tests import factories
from tracker.attendance.services import session_totals, totals, totals_by
from tracker.extensions import db
from tracker.processes.services import figures
from tracker.sessions.models import AttendanceStatus, SessionStatus


def _session(world, hub, hours, status=SessionStatus.HELD, **fields):
    starts = datetime(2018, 11, 5, 17, 0)
    return factories.session(world.process, hub, starts_at=starts, ends_at=starts + timedelta(hours=hours),
                             status=status, **fields)


def _attend(session, n, status=AttendanceStatus.ATTENDED):
    for _ in range(n):
        factories.attendance(session, factories.person(), status)


@pytest.fixture
def year(world):
    """Hub A: 3 attended × 2.5 h (+1 excused); hub B: 2 × 2 h; kickoff: 4 × 1.5 h; a cancelled one."""
    workshop = _session(world, world.hub_a, 2.5, title="Workshop A2")
    _attend(workshop, 3)
    _attend(workshop, 1, AttendanceStatus.EXCUSED)
    _attend(workshop, 1, AttendanceStatus.INVITED)
    _attend(world.session_b, 2)  # the world's hub B session lasts 2 h
    kickoff = _session(world, None, 1.5, title="Auftakt")
    _attend(kickoff, 4)
    cancelled = _session(world, world.hub_a, 3, status=SessionStatus.CANCELLED, title="Abgesagt")
    _attend(cancelled, 5)
    db.session.commit()
    return workshop, kickoff, cancelled


def test_three_attendees_for_two_and_a_half_hours_are_seven_and_a_half_working_hours(year):
    workshop, _kickoff, _cancelled = year
    result = session_totals(workshop)
    assert (result.attendees, result.working_hours) == (3, 7.5)


def test_cancelled_sessions_do_not_count(year):
    _workshop, _kickoff, cancelled = year
    assert session_totals(cancelled).working_hours == 0


def test_per_hub_and_per_process(world, year):
    per_hub = totals_by(world.process, "hub")
    assert per_hub[world.hub_a.id].working_hours == 7.5
    assert per_hub[world.hub_b.id].working_hours == 4.0
    assert per_hub[None].working_hours == 6.0  # process-wide events
    whole = totals(world.process)
    assert (whole.attendees, whole.people, whole.working_hours) == (9, 9, 17.5)
    assert totals(world.process, hub_id=world.hub_a.id).working_hours == 7.5


def test_the_process_overview_uses_the_same_definition(world, year):
    assert figures(world.process).working_hours == totals(world.process).working_hours == 17.5
    assert figures(world.process).people == totals(world.process).people


def test_a_person_at_two_sessions_is_two_attendees_but_one_person(world):
    person = factories.person()
    factories.attendance(world.session_a, person)
    factories.attendance(world.session_b, person)
    db.session.commit()
    whole = totals(world.process)
    assert (whole.attendees, whole.people, whole.working_hours) == (2, 1, 4.0)


def test_figures_page_shows_hours_per_session_hub_and_process(client, world, login, year):
    login(world.moderator_a)
    page = client.get(f"/processes/{world.process.id}/attendance")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-figure="working-hours">17,5<' in html
    assert "7,5" in html and "Workshop A2" in html and "Abgesagt" in html
    hub_page = client.get(f"/hubs/{world.hub_a.id}/attendance").get_data(as_text=True)
    assert 'data-figure="working-hours">7,5<' in hub_page and "Workshop B1" not in hub_page


def test_company_representatives_do_not_see_the_figures_page(client, world, login):
    login(world.company_a)
    assert client.get(f"/processes/{world.process.id}/attendance").status_code == 403
    assert client.get(f"/hubs/{world.hub_a.id}/attendance").status_code == 403
