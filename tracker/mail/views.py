"""Answering an invitation without a password, unsubscribing, mail preferences, the admin's outbox."""

from __future__ import annotations

import time as clock

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

import tracker.mail.labels  # noqa: F401  (registers the mail kind and status labels)
from tracker.attendance import services as attendance_services
from tracker.extensions import db
from tracker.labels import label
from tracker.mail import events, services
from tracker.mail.models import MailKind, MailStatus, OutboxMail
from tracker.model_types import utcnow
from tracker.pagination import listing_page
from tracker.permissions import is_admin, load, require
from tracker.sessions.models import AttendanceStatus

bp = Blueprint("mail", __name__)
ANSWERS = {"registered": AttendanceStatus.REGISTERED, "excused": AttendanceStatus.EXCUSED}


@bp.route("/answer/<token>/<any(registered, excused):answer>", methods=["GET", "POST"])
def answer(token: str, answer: str):
    """One click from the invitation: confirm on a page (a GET never changes anything), then save."""
    from datetime import datetime

    attendance, state = services.read_answer_token(token, datetime.now())
    if state != "ok":
        return render_template("mail/answer_invalid.html", expired=state == "expired"), 400 if state == \
            "invalid" else 410
    if request.method == "POST":
        attendance_services.answer_invitation(attendance, ANSWERS[answer])
        db.session.commit()
        return render_template("mail/answer_done.html", attendance=attendance, answer=ANSWERS[answer])
    return render_template("mail/answer.html", attendance=attendance, answer=ANSWERS[answer])


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render_template("mail/answer_invalid.html", expired=False), 400
    person, kind = found
    if request.method == "POST":
        services.set_preference(person, kind, False)
        db.session.commit()
        return render_template("mail/unsubscribed.html", kind=kind, done=True)
    return render_template("mail/unsubscribed.html", kind=kind, done=False)


OPTIONAL = [kind for kind in MailKind if kind != MailKind.ACCOUNT]


@bp.route("/profile/mail", methods=["GET", "POST"])
@login_required
def preferences():
    person = current_user.person
    if request.method == "POST":
        for kind in OPTIONAL:
            services.set_preference(person, kind, request.form.get(kind.value) == "1")
        db.session.commit()
        flash(_("Your mail settings are saved."), "success")
        return redirect(url_for(".preferences"))
    return render_template("mail/preferences.html", kinds=[(k, services.wants(person, k)) for k in OPTIONAL])


@bp.get("/admin/outbox")
@login_required
def outbox():
    require(is_admin(current_user))
    status = request.args.get("status")
    statement = select(OutboxMail).order_by(OutboxMail.id.desc())
    if status in {s.value for s in MailStatus}:
        statement = statement.where(OutboxMail.status == MailStatus(status))
    page = listing_page(statement)
    return render_template("mail/outbox.html", page=page, status=status, statuses=list(MailStatus),
                           configured=bool(current_app.config.get("MAIL_SERVER")))


@bp.get("/admin/outbox/<int:mail_id>")
@login_required
def show_mail(mail_id: int):
    return render_template("mail/mail.html", mail=load(OutboxMail, mail_id, lambda user, _mail: is_admin(user)))


@bp.post("/admin/outbox/<int:mail_id>/retry")
@login_required
def retry(mail_id: int):
    services.retry(load(OutboxMail, mail_id, services.retry.allowed), by=current_user)
    db.session.commit()
    flash(_("The mail is queued again."), "success")
    return redirect(url_for(".outbox"))


def _request_context():
    app = current_app._get_current_object()
    return app.test_request_context(base_url=app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running and send every --interval seconds.")
@click.option("--interval", default=30, show_default=True)
@with_appcontext
def send_mail_command(loop: bool, interval: int) -> None:
    """Send the mails in the outbox that are due (run it from a timer, or with --loop as a worker).

    With --loop, nothing that goes wrong in one round (a mail, the database, the server) ends the worker.
    """
    while True:
        try:
            counts = services.send_due()
        except Exception:
            if not loop:
                raise
            current_app.logger.exception("sending mail failed; trying again in %s s", interval)
            db.session.rollback()
        else:
            click.echo(f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}")
        finally:
            db.session.remove()
        if not loop:
            return
        clock.sleep(interval)


@click.command("queue-reminders")
@with_appcontext
def queue_reminders_command() -> None:
    """Queue tomorrow's reminders (run daily; running twice queues nothing new)."""
    with _request_context():
        count = events.reminders(utcnow().date())
        db.session.commit()
    click.echo(f"queued {count} reminders")


@click.command("queue-digests")
@with_appcontext
def queue_digests_command() -> None:
    """Queue this week's digests of open action items (run weekly; once per week and person)."""
    with _request_context():
        count = events.digests(utcnow().date())
        db.session.commit()
    click.echo(f"queued {count} digests")


__all__ = ["bp", "label"]
