"""Logins kept on the server: each device's login is a row the cookies refer to.

Flask-Login keeps `"<user id>:<login key>"` in the session and, with "stay logged in", in the
remember-me cookie. The key is random; the database keeps only its hash. Logging out deletes the
row, so neither a copied session cookie nor the remember-me cookie works afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_login import login_user
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from tracker.accounts.models import Login, User
from tracker.extensions import db
from tracker.model_types import utcnow

DEFAULT_REMEMBER = timedelta(days=365)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _lifetime() -> timedelta:
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", DEFAULT_REMEMBER)
    return duration if isinstance(duration, timedelta) else timedelta(seconds=int(duration))


def start(user: User, *, remember: bool = False) -> Login:
    """Record a new login of this device and log the user in with it (Flask-Login)."""
    key = secrets.token_urlsafe(32)
    login = Login(user_id=user.id, key_hash=_hash(key), session_token=user.session_token, remember=remember)
    db.session.add(login)
    # Logins older than any cookie could be are of no use to anybody.
    db.session.execute(delete(Login).where(Login.user_id == user.id, Login.created_at < utcnow() - _lifetime()))
    db.session.flush()
    user.current_login, user._login_key = login, key
    login_user(user, remember=remember)
    return login


def user_for(cookie_id: str) -> User | None:
    """The active user of a still valid login named by a cookie, or None."""
    identifier, _, key = (cookie_id or "").partition(":")
    if not identifier.isascii() or not identifier.isdigit() or not key:
        return None
    # One query for the login, its user with their person and (for the permission checks of every page)
    # the steering groups they belong to.
    login = db.session.scalars(
        select(Login).where(Login.key_hash == _hash(key), Login.user_id == int(identifier))
        .options(joinedload(Login.user).joinedload(User.steering_processes))).unique().one_or_none()
    if login is None:
        return None
    user = login.user
    if not user.is_active or login.session_token != user.session_token:
        return None
    user.current_login, user._login_key = login, key
    return user


def end(user: User) -> None:
    """This device's login ends (the caller also clears the Flask session)."""
    if user.current_login is not None:
        db.session.delete(user.current_login)
        user.current_login = None


def end_all(user: User) -> None:
    """Every login of the user ends, on every device (and every set-password link and feed link
    bound to the session token)."""
    user.session_token = secrets.token_hex(16)
    user.current_login = None
    if user.id is not None:  # a user being created has no logins yet
        db.session.execute(delete(Login).where(Login.user_id == user.id))
