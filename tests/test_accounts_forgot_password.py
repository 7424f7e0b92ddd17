"""Forgot password (issue 17, item 5): a link by mail, the same answer for every address, rate-limited."""

import re
import time

from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from tests import factories
from tracker.accounts import services
from tracker.accounts.models import Role
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.mail.models import OutboxMail

NEW_PASSWORD = "Neues-Passwort-789"


def _ask(client, email, address="192.0.2.1"):
    return client.post("/forgot-password", data={"email": email}, environ_base={"REMOTE_ADDR": address})


def _mails() -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def _link(mail: OutboxMail) -> str:
    return re.search(r"https?://[^/\s]+(/set-password/\S+)", mail.body_text).group(1)


def test_the_login_page_links_to_the_form(client, world):
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot-password"' in login_page and "Passwort vergessen?" in login_page
    form = client.get("/forgot-password")
    assert form.status_code == 200 and 'name="email"' in form.get_data(as_text=True)


def test_known_unknown_and_deactivated_addresses_get_the_same_answer(client, world):
    deactivated = factories.user(Role.COMPANY, organization=world.org_a)
    deactivated.is_active_account = False
    db.session.commit()
    answers = [_ask(client, email) for email in (world.company_a.email, "niemand@example.org", deactivated.email)]
    assert {a.status_code for a in answers} == {200}
    # Word for word the same page; only the CSRF token of the language switch carries a timestamp.
    texts = {re.sub(r'name="csrf_token" value="[^"]*"', "", a.get_data(as_text=True)) for a in answers}
    assert len(texts) == 1
    assert "Falls zu dieser E-Mail ein aktives Konto gehört" in texts.pop()

    # Only the active account gets a mail; each request is in the audit log.
    mails = _mails()
    assert [m.to_address for m in mails] == [world.company_a.email]
    assert "/set-password/" in mails[0].body_text and "2 Stunden" in mails[0].body_text
    requests = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "password_reset_requested")
                                  .order_by(AuditEvent.id)).all()
    assert [e.summary for e in requests] == [world.company_a.email, "niemand@example.org", deactivated.email]
    assert [e.object_id for e in requests] == [world.company_a.id, None, None]


def test_the_mailed_link_sets_the_password_once(client, world):
    _ask(client, world.company_a.email.upper())
    link = _link(_mails()[0])
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD}
                       ).status_code == 401
    assert client.post("/login", data={"email": world.company_a.email, "password": NEW_PASSWORD}).status_code == 302
    assert client.get(link).status_code == 400  # used once, it is spent


def test_the_link_expires_after_two_hours(client, world, monkeypatch):
    three_hours_ago = int(time.time()) - 3 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: three_hours_ago)
    _ask(client, world.company_a.email)
    invitation = services.set_password_token(world.company_a)  # an admin's link of the same age
    monkeypatch.undo()
    assert client.get(_link(_mails()[0])).status_code == 400
    assert client.get(f"/set-password/{invitation}").status_code == 200  # admins' links keep their week


def test_requests_are_limited_per_email_and_per_address(make_app, world):
    per_email = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PASSWORD_RESET_EMAIL="2 per hour").test_client()
    codes = [_ask(per_email, world.company_a.email, address=f"192.0.2.{n}").status_code for n in range(1, 3)]
    sent = _mails()
    assert codes == [200, 200] and {m.to_address for m in sent} == {world.company_a.email}
    assert 1 <= len(sent) <= 2  # the same link asked twice within one second goes out once
    assert _ask(per_email, world.company_a.email, address="192.0.2.3").status_code == 429  # from a third address
    assert len(_mails()) == len(sent)  # the email's limit holds and a refused request sends nothing

    per_address = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PASSWORD_RESET="2 per hour").test_client()
    codes = [_ask(per_address, f"jemand{n}@example.org", address="198.51.100.7").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "password_reset_requested")) == 4  # refused requests do nothing
