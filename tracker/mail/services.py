"""Composing mails into the outbox, signed links in them, and sending them (at most once per event).

queue() only adds to the database session: the caller's commit makes the mail and the change that
caused it happen together, or neither.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.mail.models import OPT_IN, MailKind, MailPreference, MailStatus, OutboxMail
from tracker.model_types import utcnow
from tracker.organizations.models import Person
from tracker.permissions import guarded, is_admin
from tracker.sessions.models import Attendance
from tracker.text import single_line
from tracker.urls import public_url

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
CLAIM_TIMEOUT = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 … minutes between tries."""
    return timedelta(minutes=2 ** max(0, attempts - 1))


# Preferences ----------------------------------------------------------------------------------------

def wants(person: Person, kind: MailKind) -> bool:
    if kind == MailKind.ACCOUNT:
        return True
    preference = db.session.scalar(select(MailPreference).where(MailPreference.person_id == person.id,
                                                                MailPreference.kind == kind))
    if preference is None:
        return kind not in OPT_IN
    return preference.enabled


def set_preference(person: Person, kind: MailKind, enabled: bool) -> None:
    preference = db.session.scalar(select(MailPreference).where(MailPreference.person_id == person.id,
                                                                MailPreference.kind == kind))
    if preference is None:
        db.session.add(MailPreference(person_id=person.id, kind=kind, enabled=enabled))
    else:
        preference.enabled = enabled


# Signed links ----------------------------------------------------------------------------------------

def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def unsubscribe_token(person: Person, kind: MailKind) -> str:
    return _serializer("unsubscribe").dumps({"person": person.id, "kind": kind.value})


def read_unsubscribe_token(token: str) -> tuple[Person, MailKind] | None:
    try:
        data = _serializer("unsubscribe").loads(token)
        person = db.session.get(Person, int(data["person"]))
        return (person, MailKind(data["kind"])) if person is not None else None
    except (BadSignature, KeyError, ValueError, TypeError):
        return None


def answer_token(attendance) -> str:
    """Lets the invitee register or excuse themselves without a password, until the session ends."""
    return _serializer("answer").dumps({"attendance": attendance.id, "until": attendance.session.ends_at.isoformat()})


def read_answer_token(token: str, now: datetime):
    try:
        data = _serializer("answer").loads(token)
        until = datetime.fromisoformat(data["until"])
        attendance = db.session.get(Attendance, int(data["attendance"]))
    except (BadSignature, KeyError, ValueError, TypeError):
        return None, "invalid"
    if attendance is None:
        return None, "invalid"
    if now > until or now > attendance.session.ends_at:
        return attendance, "expired"
    return attendance, "ok"


# Composing ----------------------------------------------------------------------------------------------

def language_of(person: Person) -> str:
    user = person.user
    languages = current_app.config["LANGUAGES"]
    return user.locale if user is not None and user.locale in languages else current_app.config[
        "BABEL_DEFAULT_LOCALE"]


def queue(kind: MailKind, person: Person, *, template: str, dedup_key: str, ics: bytes | None = None,
          discard: bool = False, language: str | None = None, **context) -> OutboxMail | None:
    """Add a mail to the outbox, in the person's language; nothing when they opted out, have no email,
    or the same event was queued before. With `discard` the mail is composed all the same and then
    dropped: a stand-in that costs what a real one costs (see `events.password_reset`). `language`
    (one of LANGUAGES) is for someone who has no account yet but chose one, e.g. on the public form."""
    if not has_request_context():  # commands and jobs: templates render in a request of the public address
        with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
            return queue(kind, person, template=template, dedup_key=dedup_key, ics=ics, discard=discard,
                         language=language, **context)
    if not person.email or person.anonymised_at is not None or not wants(person, kind):
        return None
    if db.session.scalar(select(OutboxMail.id).where(OutboxMail.dedup_key == dedup_key)) is not None:
        return None
    if language not in current_app.config["LANGUAGES"] or person.user is not None:
        language = language_of(person)
    with force_locale(language):
        unsubscribe = None if kind == MailKind.ACCOUNT else public_url(
            "mail.unsubscribe", token=unsubscribe_token(person, kind))
        context = dict(context, person=person, unsubscribe=unsubscribe, kind=kind)
        subject = single_line(render_template(f"mail/{template}.subject.txt", **context))
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    mail = OutboxMail(kind=kind, dedup_key=dedup_key[:200], person_id=person.id, to_address=person.email,
                      language=language, subject=subject[:300], body_text=text, body_html=html, ics=ics)
    if discard:
        return None
    db.session.add(mail)
    return mail


# Sending --------------------------------------------------------------------------------------------------

def _message(mail: OutboxMail) -> EmailMessage:
    """The mail as sent; headers are built from one-line text whatever was stored."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = single_line(mail.subject)
    message["From"] = formataddr(("Masterplan Tracker", config["MAIL_DEFAULT_SENDER"]))
    message["To"] = single_line(mail.to_address)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{mail.id}")
    message["Content-Language"] = mail.language
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    if mail.ics:
        method = b"CANCEL" if b"METHOD:CANCEL" in mail.ics else b"REQUEST"
        message.add_attachment(mail.ics, maintype="text", subtype="calendar", filename="einladung.ics",
                               params={"method": method.decode()})
    # Headers fold only beyond RFC 5322's hard limit: Python's folding of encoded words (3.11) drops the space
    # at the fold, so a long German subject would arrive as "GemeinsameMaßnahme".
    message.policy = message.policy.clone(max_line_length=998)
    return message


def _smtp():
    config = current_app.config
    if config.get("MAIL_USE_SSL"):
        client = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
        if config.get("MAIL_USE_TLS"):
            client.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return client


def _claim(mail_id: int, now: datetime) -> str | None:
    """Take one due mail for this worker; another worker running at the same time gets nothing."""
    token = secrets.token_hex(16)
    claimed = db.session.execute(update(OutboxMail).where(
        OutboxMail.id == mail_id, OutboxMail.status == MailStatus.QUEUED, OutboxMail.next_attempt_at <= now,
    ).values(status=MailStatus.SENDING, claim_token=token, claimed_at=now)).rowcount
    db.session.commit()
    return token if claimed == 1 else None


def release_stale_claims(now: datetime) -> int:
    """A worker that died while sending left its mails 'sending': they go back to the queue."""
    released = db.session.execute(update(OutboxMail).where(
        OutboxMail.status == MailStatus.SENDING, OutboxMail.claimed_at < now - CLAIM_TIMEOUT,
    ).values(status=MailStatus.QUEUED, claim_token=None)).rowcount
    db.session.commit()
    return released


def send_due(now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send the mails that are due; failures stay queued with back-off, and fail for good after a while."""
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not current_app.config.get("MAIL_SERVER"):
        return counts  # development: mails stay in the outbox and can be read on the admin page
    release_stale_claims(now)
    due = db.session.scalars(select(OutboxMail.id).where(
        OutboxMail.status == MailStatus.QUEUED, OutboxMail.next_attempt_at <= now).order_by(OutboxMail.id)
        .limit(limit)).all()
    client = None
    try:
        for mail_id in due:
            token = _claim(mail_id, now)
            if token is None:
                continue
            mail = db.session.get(OutboxMail, mail_id)
            if mail is None:  # deleted since: its recipient was anonymised
                continue
            try:
                message = _message(mail)
            except Exception as error:  # this mail cannot be built: retrying will not help; the others go on
                log.exception("mail %s cannot be composed", mail_id)
                _give_up(mail, error)
                counts["failed"] += 1
                db.session.commit()
                continue
            try:
                if client is None:
                    client = _smtp()
                client.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                client = None
                mail.attempts += 1
                mail.last_error = _error_text(error)
                mail.claim_token = None
                if mail.attempts >= MAX_ATTEMPTS:
                    mail.status = MailStatus.FAILED
                    counts["failed"] += 1
                else:
                    mail.status = MailStatus.QUEUED
                    mail.next_attempt_at = now + backoff(mail.attempts)
                    counts["retry"] += 1
            except Exception as error:  # refused by the library for this mail alone (e.g. an unusable address)
                log.exception("mail %s cannot be sent", mail_id)
                _give_up(mail, error)
                counts["failed"] += 1
            else:
                mail.status = MailStatus.SENT
                mail.sent_at = now
                mail.attempts += 1
                counts["sent"] += 1
            try:
                db.session.commit()
            except StaleDataError:  # deleted while it was being sent (its recipient was anonymised)
                db.session.rollback()
    finally:
        if client is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()
    return counts


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _give_up(mail: OutboxMail, error: Exception) -> None:
    mail.attempts += 1
    mail.status = MailStatus.FAILED
    mail.last_error = _error_text(error)
    mail.claim_token = None


@guarded(lambda user, mail: is_admin(user))
def retry(mail: OutboxMail, *, by) -> None:
    """Queue a failed mail again (administrators, from the outbox)."""
    mail.status = MailStatus.QUEUED
    mail.next_attempt_at = utcnow()
    mail.attempts = 0


__all__ = ["_", "backoff", "queue", "send_due"]
