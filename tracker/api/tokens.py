"""Creating, checking and revoking personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

import tracker.api.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.accounts.models import User
from tracker.api.models import ApiToken
from tracker.audit.services import record
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.model_types import utcnow
from tracker.permissions import guarded
from tracker.text import single_line

PREFIX = "mpt_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, *, by=None) -> str:
    """A new token for the user; the plain token is returned once and never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken(user=user, name=single_line(name)[:100] or "API", prefix=token[:12], token_hash=_hash(token))
    db.session.add(api_token)
    db.session.flush()
    record("create", api_token, by=by or user, summary=f"API token {api_token.prefix}… for user {user.id}",
           message=messages.message("api.token_created", prefix=api_token.prefix, user=user.id))
    return token


def user_for_token(token: str) -> User | None:
    """The active user a token belongs to, or None (unknown, revoked, or user deactivated)."""
    if not token.startswith(PREFIX):
        return None
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if api_token is None or not api_token.is_active or not api_token.user.is_active:
        return None
    now = utcnow()
    if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 300:
        _note_use(api_token.id, now)  # at most one write per five minutes per token
    return api_token.user


def _note_use(token_id: int, now) -> None:
    """When the token was last used: its own short write, skipped if the database stays busy (a GET
    must not fail for it)."""
    with suppress(OperationalError), write_transaction(db.session):
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def owns_token(user, api_token: ApiToken) -> bool:
    """A personal token is revoked by its owner only (closing an account revokes all of its tokens at once)."""
    return getattr(user, "id", None) is not None and user.id == api_token.user_id


@guarded(owns_token)
def revoke(api_token: ApiToken, *, by) -> None:
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()
        record("revoke", api_token, by=by, summary=f"API token {api_token.prefix}…",
               message=messages.message("api.token", prefix=api_token.prefix))
