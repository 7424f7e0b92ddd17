"""Issue 16, finding 7: steering-group meetings are for the steering group (and admins) only."""

from datetime import datetime

import pytest
from icalendar import Calendar

from tests import factories
from tracker.extensions import db
from tracker.sessions import ical
from tracker.sessions.models import SessionKind, SessionStatus

SECRET = "Lenkungskreis vertraulich"


@pytest.fixture
def meeting(world):
    """A planned steering meeting in the future, so every list of upcoming sessions would show it."""
    meeting = factories.session(world.process, None, kind=SessionKind.STEERING, title=SECRET,
                                status=SessionStatus.PLANNED, starts_at=datetime(2030, 3, 4, 10),
                                agenda="Haushalt 2031", decisions="Budget vertraulich")
    db.session.commit()
    return meeting


def _feed_titles(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [str(event["summary"]) for event in Calendar.from_ical(response.data).walk("VEVENT")]


def _what_they_see(client, world, user, meeting, bearer) -> dict[str, bool]:
    """Whether the meeting shows, per place: pages, API list and detail, every calendar feed."""
    process_id = world.process.id
    headers = bearer(user)
    token = ical.feed_token(user)
    api_list = client.get(f"/api/v1/processes/{process_id}/sessions", headers=headers)
    assert api_list.status_code == 200
    return {
        "session page": client.get(f"/sessions/{meeting.id}").status_code == 200,
        "year view": SECRET in client.get(f"/processes/{process_id}/sessions").get_data(as_text=True),
        "start page": SECRET in client.get("/start").get_data(as_text=True),
        "process overview": SECRET in client.get(f"/processes/{process_id}").get_data(as_text=True),
        "hub page": SECRET in client.get(f"/hubs/{world.hub_a.id}").get_data(as_text=True),
        "API list": SECRET in [item["title"] for item in api_list.json["items"]],
        "API detail": client.get(f"/api/v1/sessions/{meeting.id}", headers=headers).status_code == 200,
        "process feed": SECRET in _feed_titles(client, f"/processes/{process_id}/calendar/{token}.ics"),
        "hub feed": SECRET in _feed_titles(client, f"/hubs/{world.hub_a.id}/calendar/{token}.ics"),
        "public feed": SECRET in _feed_titles(client, f"/processes/{process_id}/calendar.ics"),
    }


def test_steering_meetings_are_hidden_from_companies_and_moderators(client, world, login, bearer, meeting):
    for role in ("company_a", "moderator_a", "moderator_b"):
        user = getattr(world, role)
        login(user)
        seen = _what_they_see(client, world, user, meeting, bearer)
        client.post("/logout")
        assert not any(seen.values()), f"{role} sees the steering meeting in: {[k for k, v in seen.items() if v]}"

    for role in ("steering", "admin"):
        user = getattr(world, role)
        login(user)
        seen = _what_they_see(client, world, user, meeting, bearer)
        client.post("/logout")
        assert seen == {"session page": True, "year view": True, "start page": True, "process overview": True,
                        "hub page": False,
                        "API list": True, "API detail": True, "process feed": True, "hub feed": False,
                        "public feed": False}, role


def test_steering_meetings_leave_no_trace_in_ideas_charts_or_the_plan(client, world, login, meeting):
    """Probe 3: a held steering meeting's title showed on the measure page of an idea raised there, in the
    attendance chart and its data, and in the plan's sessions annex (published on the public plan)."""
    meeting.status = SessionStatus.HELD
    factories.attendance(meeting, world.steering.person)
    idea = factories.measure(world.process, world.hub_a, title="Idee aus dem Lenkungskreis", session=meeting,
                             proposer_organization=world.org_a)
    db.session.commit()
    login(world.company_a)
    assert SECRET not in client.get(f"/measures/{idea.id}").get_data(as_text=True)
    assert SECRET not in client.get(f"/measures/{idea.id}/lineage").get_data(as_text=True)
    client.post("/logout")
    login(world.moderator_a)
    for url in (f"/processes/{world.process.id}/charts/attendance.csv", f"/processes/{world.process.id}/dashboard",
                f"/processes/{world.process.id}/plan", f"/processes/{world.process.id}/plan?format=md"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.get_data(as_text=True), url
    client.post("/logout")
    login(world.steering)
    assert SECRET in client.get(f"/measures/{idea.id}").get_data(as_text=True)  # the steering group sees it
