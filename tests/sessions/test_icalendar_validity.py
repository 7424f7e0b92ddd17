"""Every calendar the app writes is valid iCalendar, read by a second, independent parser (vobject):
a VTIMEZONE for every TZID used, and UIDs from the configured domain whatever address a request came through."""

from datetime import date, datetime

import pytest
import vobject

from tests import factories
from tests.mail.conftest import smtp  # noqa: F401  (a real SMTP server, as in the mail tests)
from tracker.attendance.services import invite_all
from tracker.extensions import db
from tracker.mail import services as mail
from tracker.registration import services as registration
from tracker.sessions import ical
from tracker.sessions import services as sessions
from tracker.sessions.models import SessionKind, SessionStatus


@pytest.fixture
def app_config(app_config):
    return app_config | {"ICAL_UID_DOMAIN": "kalender.example.org", "SERVER_NAME": None,
                         "TRUSTED_HOSTS": ["localhost", "127.0.0.1", "masterplan.example.org"]}


def parsed(body: bytes):
    """The calendar as vobject reads it, after checking what RFC 5545 asks of time zones."""
    raw = vobject.readOne(body.decode(), transform=False)  # the properties as written, TZID parameters kept
    zones = {str(tz.tzid.value) for tz in raw.contents.get("vtimezone", [])}
    used = {param for event in raw.contents.get("vevent", [])
            for prop in ("dtstart", "dtend") for param in event.contents[prop][0].params.get("TZID", [])}
    assert used, "the events name their zone"
    assert used <= zones, f"a VTIMEZONE for each TZID used: {used - zones} missing"
    calendar = vobject.readOne(body.decode())
    for event in calendar.contents["vevent"]:
        assert event.dtstart.value.tzinfo is not None and event.dtend.value > event.dtstart.value
        assert event.dtstamp.value.utcoffset().total_seconds() == 0
    return calendar


def uids(calendar) -> list[str]:
    return sorted(event.uid.value for event in calendar.contents["vevent"])


def _public_event(world):
    kickoff = factories.session(world.process, kind=SessionKind.KICKOFF, title="Auftakt", status=SessionStatus.PLANNED,
                                starts_at=datetime(2030, 7, 1, 16))  # summer time, far from the first event
    db.session.commit()
    return kickoff


def test_every_feed_is_valid_and_its_uids_do_not_depend_on_the_host(client, world):
    kickoff = _public_event(world)
    token = ical.feed_token(world.company_a)
    feeds = [f"/processes/{world.process.id}/calendar.ics", f"/processes/{world.process.id}/calendar/{token}.ics",
             f"/hubs/{world.hub_a.id}/calendar/{token}.ics"]
    for url in feeds:
        seen = []
        for host in ("http://localhost", "http://127.0.0.1", "https://masterplan.example.org"):
            response = client.get(url, base_url=host)
            assert response.status_code == 200 and response.mimetype == "text/calendar"
            seen.append(uids(parsed(response.data)))
        assert seen[0] == seen[1] == seen[2]
        assert all(uid.endswith("@kalender.example.org") for uid in seen[0])
    assert f"session-{kickoff.id}@kalender.example.org" in uids(parsed(client.get(feeds[0]).data))
    assert f"session-{world.session_a.id}@kalender.example.org" in uids(parsed(client.get(feeds[2]).data))


def test_every_attachment_is_valid_with_the_same_uid_as_the_feeds(client, world, smtp):  # noqa: F811
    session = world.session_a
    session.status = SessionStatus.PLANNED
    session.starts_at, session.ends_at = datetime(2030, 5, 6, 16, 30), datetime(2030, 5, 6, 18, 30)
    world.process.ends_on = date(2031, 1, 1)
    db.session.commit()
    invite_all(session, by=world.moderator_a)
    db.session.commit()
    sessions.update(session, by=world.moderator_a, expected_version=session.version,
                    starts_at=datetime(2030, 12, 6, 16, 30), ends_at=datetime(2030, 12, 6, 18, 30))
    db.session.commit()
    sessions.set_status(session, SessionStatus.CANCELLED, by=world.moderator_a)
    db.session.commit()
    mail.send_due()
    attachments = [part.get_content() for _rcpt, message in smtp.messages for part in message.iter_attachments()
                   if part.get_content_type() == "text/calendar"]
    assert len(attachments) == 3  # invitation, update, cancellation
    methods = []
    for body in attachments:
        calendar = parsed(body.encode() if isinstance(body, str) else body)
        methods.append(calendar.method.value)
        assert uids(calendar) == [f"session-{session.id}@kalender.example.org"]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]


def test_without_configuration_the_uid_domain_is_fixed_not_the_request_host(app):
    app.config.update(ICAL_UID_DOMAIN=None, SERVER_NAME=None)
    with app.test_request_context(base_url="http://evil.example.com"):
        assert ical.uid_domain() == ical.DEFAULT_UID_DOMAIN


def test_the_kickoff_registration_attachments_are_valid(client, world, smtp):  # noqa: F811
    kickoff = _public_event(world)
    request = registration.request_registration(
        world.process, hub=world.hub_a, name="Nina Neu", email="nina@neu.example", function=None,
        organization_name="Neu GmbH", consent_contact=True, consent_named=False,
        delegates=[{"name": "Olaf Ost", "email": "olaf@neu.example"}], consent_delegates=True)
    registration.approve(request, by=world.admin, create_new=True)
    db.session.commit()
    mail.send_due()
    attachments = {tuple(rcpt): part.get_content() for rcpt, message in smtp.messages
                   for part in message.iter_attachments() if part.get_content_type() == "text/calendar"}
    assert set(attachments) == {("nina@neu.example",), ("olaf@neu.example",)}
    for body in attachments.values():
        calendar = parsed(body.encode() if isinstance(body, str) else body)
        assert uids(calendar) == [f"session-{kickoff.id}@kalender.example.org"]
