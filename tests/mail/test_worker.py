"""The mail worker survives whatever a user typed and whatever one mail does (issue 16, finding 3)."""

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.mail import services
from tracker.mail import views as mail_views
from tracker.mail.models import MailKind, MailStatus, OutboxMail
from tracker.measures.models import MeasureStatus
from tracker.measures.workflow import transition


def _mail(n: int, subject: str, to: str | None = None) -> OutboxMail:
    mail = OutboxMail(kind=MailKind.MEASURE_STATUS, dedup_key=f"worker-test-{n}", to_address=to or f"p{n}@example.org",
                      subject=subject, body_text="Hallo", body_html="<p>Hallo</p>")
    db.session.add(mail)
    return mail


def test_one_bad_title_does_not_stop_the_mail_worker(app, world, smtp):
    """A newline in a measure title reached the subject and stopped the worker with 32 mails queued."""
    world.measure_a.title = "Azubi-Speeddating\nBcc: alle@example.org"
    world.measure_a.proposer_person = world.company_a.person
    transition(world.measure_a, MeasureStatus.IN_REVIEW, by=world.moderator_a)
    _mail(1, "Gespeichert vor der Korrektur\r\nX-Injected: 1")  # stored by an older version
    _mail(2, "Ganz normal")
    db.session.commit()
    counts = services.send_due()
    assert counts == {"sent": 3, "retry": 0, "failed": 0}
    subjects = sorted(message["Subject"] for _to, message in smtp.messages)
    assert all("\n" not in s and "\r" not in s for s in subjects)
    assert "Gespeichert vor der Korrektur X-Injected: 1" in subjects
    assert not any(message["X-Injected"] or message["Bcc"] for _to, message in smtp.messages)
    assert all(rcpt != ["alle@example.org"] for rcpt, _message in smtp.messages)


def test_a_mail_that_cannot_be_built_fails_alone_with_its_error(app, world, smtp, monkeypatch):
    bad, good = _mail(1, "Kaputt"), _mail(2, "Gut")
    db.session.commit()
    build = services._message

    def fails_for_the_bad_one(mail):
        if mail.id == bad.id:
            raise ValueError("cannot build this one")
        return build(mail)

    monkeypatch.setattr(services, "_message", fails_for_the_bad_one)
    assert services.send_due() == {"sent": 1, "retry": 0, "failed": 1}
    db.session.refresh(bad)
    db.session.refresh(good)
    assert (bad.status, good.status) == (MailStatus.FAILED, MailStatus.SENT)
    assert "cannot build this one" in bad.last_error and bad.claim_token is None
    assert services.send_due() == {"sent": 0, "retry": 0, "failed": 0}  # it never comes back by itself


def test_the_loop_never_dies(app, world, smtp, monkeypatch):
    """An error in one round (here: the database) is logged; the worker sends in the next round."""
    _mail(1, "Nach dem Fehler")
    db.session.commit()
    rounds = []
    send_due = services.send_due

    def flaky():
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("database went away")
        return send_due()

    class Stop(Exception):
        pass

    def sleep(_seconds):
        if len(rounds) >= 2:
            raise Stop

    monkeypatch.setattr(services, "send_due", flaky)
    monkeypatch.setattr(mail_views.clock, "sleep", sleep)
    result = app.test_cli_runner().invoke(mail_views.send_mail_command, ["--loop", "--interval", "0"])
    assert isinstance(result.exception, Stop), result.output
    assert len(rounds) == 2 and "sent 1" in result.output
    assert db.session.scalar(select(OutboxMail.status)) == MailStatus.SENT


@pytest.mark.parametrize("subject", ["Zeile\nZeile", "Steuer\x01zeichen", "Tab\there", "\u2028Trenner"])
def test_queued_subjects_are_one_line(app, world, subject):
    world.measure_a.title = subject
    world.measure_a.proposer_person = world.company_a.person
    transition(world.measure_a, MeasureStatus.IN_REVIEW, by=world.moderator_a)
    db.session.commit()
    stored = db.session.scalar(select(OutboxMail.subject))
    assert stored and stored == " ".join(stored.split()) and "\x01" not in stored
