"""Invitations, updates, reminders and digests: what arrives at a real SMTP server, and what never does."""

from datetime import date, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from tests import factories
from tests.mail.conftest import free_port
from tracker.attendance.services import invite_all
from tracker.extensions import db
from tracker.mail import events, services
from tracker.mail.models import MailKind, MailStatus, OutboxMail
from tracker.model_types import utcnow
from tracker.plan import versions
from tracker.plan.models import PlanVersion
from tracker.sessions import ical
from tracker.sessions import services as sessions
from tracker.sessions.models import ActionItem, Attendance, AttendanceStatus, SessionStatus


def _ics(message) -> Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def _planned(world):
    session = world.session_a
    session.status = SessionStatus.PLANNED
    session.starts_at, session.ends_at = datetime(2030, 5, 6, 16, 30), datetime(2030, 5, 6, 18, 30)
    world.process.ends_on = date(2031, 1, 1)
    db.session.commit()
    return session


def test_invitation_arrives_in_the_invitees_language_with_a_calendar_entry(app, world, smtp):
    session = _planned(world)
    world.company_b.locale = "en"
    factories.membership(factories.organization(), world.hub_a, delegates=[world.company_b.person])
    db.session.commit()
    invite_all(session, by=world.moderator_a)
    db.session.commit()
    assert services.send_due()["sent"] == 2
    by_recipient = {tuple(rcpt): message for rcpt, message in smtp.messages}
    german = by_recipient[(world.company_a.email,)]
    english = by_recipient[(world.company_b.email,)]
    assert german["Subject"].startswith("Einladung: Workshop A1")
    assert english["Subject"].startswith("Invitation: Workshop A1")
    event = _ics(german).walk("VEVENT")[0]
    assert str(event["uid"]) == ical.uid(session) == f"session-{session.id}@localhost"  # SERVER_NAME in tests
    assert "/answer/" in german.get_body(("plain",)).get_content()


def test_reschedule_sends_an_update_with_the_same_uid_and_a_higher_sequence(app, world, smtp):
    session = _planned(world)
    invite_all(session, by=world.moderator_a)
    db.session.commit()
    services.send_due()
    first = _ics(smtp.messages[0][1]).walk("VEVENT")[0]
    sessions.update(session, by=world.moderator_a, expected_version=session.version,
                    starts_at=datetime(2030, 5, 7, 16, 30), ends_at=datetime(2030, 5, 7, 18, 30))
    db.session.commit()
    services.send_due()
    update = _ics(smtp.messages[1][1]).walk("VEVENT")[0]
    assert str(update["uid"]) == str(first["uid"]) and update["sequence"] > first["sequence"]
    assert update.decoded("dtstart").replace(tzinfo=None) == datetime(2030, 5, 7, 16, 30)
    sessions.set_status(session, SessionStatus.CANCELLED, by=world.moderator_a)
    db.session.commit()
    services.send_due()
    cancel = _ics(smtp.messages[2][1])
    assert str(cancel["method"]) == "CANCEL" and str(cancel.walk("VEVENT")[0]["uid"]) == str(first["uid"])


def test_outbox_survives_a_refused_connection_and_sends_once_later(app, world, smtp):
    session = _planned(world)
    invite_all(session, by=world.moderator_a)
    db.session.commit()
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    now = utcnow()
    assert services.send_due(now)["retry"] == 1
    mail = db.session.scalar(select(OutboxMail))
    assert (mail.status, mail.attempts) == (MailStatus.QUEUED, 1) and "Connection" in mail.last_error
    assert services.send_due(now)["sent"] == 0  # back-off: not due yet
    app.config["MAIL_PORT"] = working_port
    assert services.send_due(now + timedelta(minutes=5))["sent"] == 1
    assert services.send_due(now + timedelta(minutes=10))["sent"] == 0
    assert len(smtp.messages) == 1


def test_no_duplicates_for_the_same_event_or_a_second_worker(app, world, smtp):
    session = _planned(world)
    invite_all(session, by=world.moderator_a)
    attendance = db.session.scalar(select(Attendance))
    events.invitations(session, [attendance])  # the same event once more
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 1
    mail = db.session.scalar(select(OutboxMail))
    assert services._claim(mail.id, utcnow()) is not None  # a first worker took it and died
    assert services.send_due()["sent"] == 0  # the second worker leaves it alone
    assert services.send_due(utcnow() + timedelta(minutes=11))["sent"] == 1  # after the claim timeout
    assert len(smtp.messages) == 1


def test_answer_link_valid_expired_and_tampered(client, world):
    session = _planned(world)
    attendance = factories.attendance(session, world.company_a.person, AttendanceStatus.INVITED)
    db.session.commit()
    token = services.answer_token(attendance)
    assert client.get(f"/answer/{token}/registered").status_code == 200  # a GET changes nothing
    db.session.refresh(attendance)
    assert attendance.status == AttendanceStatus.INVITED
    assert client.post(f"/answer/{token}/registered").status_code == 200
    db.session.refresh(attendance)
    assert attendance.status == AttendanceStatus.REGISTERED
    assert client.post(f"/answer/{token[:-3]}xyz/excused").status_code == 400
    session.ends_at = datetime(2018, 1, 1, 12)
    session.starts_at = datetime(2018, 1, 1, 10)
    db.session.commit()
    expired = services.answer_token(attendance)
    assert client.post(f"/answer/{expired}/excused").status_code == 410
    db.session.refresh(attendance)
    assert attendance.status == AttendanceStatus.REGISTERED


def test_a_person_who_switched_a_kind_off_gets_none_of_it(client, world, smtp):
    session = _planned(world)
    token = services.unsubscribe_token(world.company_a.person, MailKind.INVITATION)
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    invite_all(session, by=world.moderator_a)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0
    # other kinds still arrive
    db.session.add(ActionItem(session=session, text="Liste", owner=world.company_a.person))
    db.session.commit()
    assert events.digests(date(2030, 5, 1)) == 1


def test_reminder_the_day_before_goes_to_registered_people_only(app, world):
    session = _planned(world)
    factories.attendance(session, world.company_a.person, AttendanceStatus.REGISTERED)
    factories.attendance(session, world.moderator_b.person, AttendanceStatus.EXCUSED)
    db.session.commit()
    assert events.reminders(date(2030, 5, 5)) == 1
    assert events.reminders(date(2030, 5, 5)) == 0  # a second run queues nothing new
    assert events.reminders(date(2030, 5, 4)) == 0


def test_proposer_hears_of_a_status_change(client, world, login):
    world.measure_a.proposer_person = world.company_a.person
    db.session.commit()
    login(world.moderator_a)
    client.post(f"/measures/{world.measure_a.id}/transition", data={"to": "in_review"})
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.kind == MailKind.MEASURE_STATUS))
    assert mail.to_address == world.company_a.email and "In Prüfung" in mail.subject


def test_admin_sees_the_outbox_and_retries_a_failed_mail(client, world, login):
    session = _planned(world)
    invite_all(session, by=world.moderator_a)
    mail = db.session.scalar(select(OutboxMail))
    mail.status, mail.last_error = MailStatus.FAILED, "550 mailbox unavailable"
    db.session.commit()
    login(world.admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "550 mailbox unavailable" in page
    client.post(f"/admin/outbox/{mail.id}/retry")
    db.session.refresh(mail)
    assert mail.status == MailStatus.QUEUED
    client.post("/logout")
    login(world.steering)
    assert client.get("/admin/outbox").status_code == 403


def test_reviewers_of_a_submitted_plan_version_get_a_mail_in_their_language(app, world, smtp):
    """Issue 18, four eyes: every steering member but the submitter is asked to review, with the link."""
    reviewer = factories.make_steering(world.process, organization=world.partner, name="Sina Steering-2")
    reviewer.locale = "en"
    factories.make_steering(world.process, organization=world.partner, name="Ina Inaktiv").is_active_account = False
    version = PlanVersion(process=world.process, number=1, label="Masterplan 2019\u2028Bcc: x@example.org",
                          content={}, content_hash="0" * 64)
    db.session.add(version)
    db.session.commit()
    versions.submit(version, by=world.steering)
    db.session.commit()
    assert services.send_due()["sent"] == 1
    [(recipients, message)] = smtp.messages
    assert recipients == [reviewer.email]  # not the submitter, not an inactive account, not the admin
    assert message["Subject"] == "Please review plan version “Masterplan 2019 Bcc: x@example.org”"
    assert message["Bcc"] is None
    body = message.get_body(("plain",)).get_content()
    assert "Stefan Steering submitted the plan version" in body and "2 members of the steering group" in body
    assert f"/plan/versions/{version.id}" in body
