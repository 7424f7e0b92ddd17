"""Failed logins, counted per account and per address in the database every server process shares.

The web form's per-address limit of Flask-Limiter (in Redis when REDIS_URL is set) guards against
floods; this count makes the limit exact across workers even without Redis, and also protects one
account against guesses from many addresses.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from limits import parse
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.errors import AppError
from tracker.extensions import db
from tracker.model_types import utcnow


class TooManyAttempts(AppError):
    status = 429
    code = "too_many_requests"

    def __init__(self, retry_after: int):
        super().__init__("too many failed logins")
        self.retry_after = retry_after


def _failures(since, **match) -> int:
    statement = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login_failed",
                                                                   AuditEvent.at >= since)
    for column, value in match.items():
        statement = statement.where(getattr(AuditEvent, column) == value)
    return db.session.scalar(statement) or 0


def check(email: str, address: str | None) -> None:
    """Raise TooManyAttempts when the account or the address reached its limit of failed logins."""
    config = current_app.config
    if not config["RATELIMIT_ENABLED"]:
        return
    limits = [(config["LOGIN_FAILURES_PER_ACCOUNT"], {"summary": email[:120]})]
    if address:
        limits.append((config["LOGIN_FAILURES_PER_ADDRESS"], {"ip_address": address}))
    for text, match in limits:
        limit = parse(text)
        window = timedelta(seconds=limit.get_expiry())
        if _failures(utcnow() - window, **match) >= limit.amount:
            raise TooManyAttempts(int(window.total_seconds()))
