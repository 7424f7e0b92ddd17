"""Accounts: passwords, creation, login; shared by web views and the CLI."""

from __future__ import annotations

import contextlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from tracker.accounts.models import Role, User
from tracker.audit.services import record
from tracker.extensions import db
from tracker.model_types import utcnow
from tracker.organizations.models import Organization, Person

SET_PASSWORD_MAX_AGE = 7 * 24 * 3600


class AccountError(ValueError):
    """A rule about accounts was broken; the message is shown to the user."""


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["PASSWORD_TIME_COST"], memory_cost=config["PASSWORD_MEMORY_COST"])


def password_problem(password: str) -> str | None:
    """Why a password is not acceptable, or None."""
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        return _("The password must have at least %(n)d characters.", n=current_app.config["PASSWORD_MIN_LENGTH"])
    if password.isdigit() or password.isalpha():
        return _("The password must mix letters with digits or other characters.")
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def set_password(user: User, password: str) -> None:
    """Set a new password and log the user out of every other session."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_hex(16)


def check_password(user: User | None, password: str) -> bool:
    """Constant-ish time whether or not the user exists, so timing does not reveal emails."""
    hasher = _hasher()
    if user is None or not user.password_hash:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(), password + "x")
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


_DUMMY: dict[tuple[int, int], str] = {}


def _dummy_hash() -> str:
    key = (current_app.config["PASSWORD_TIME_COST"], current_app.config["PASSWORD_MEMORY_COST"])
    if key not in _DUMMY:
        _DUMMY[key] = _hasher().hash(secrets.token_hex(8))
    return _DUMMY[key]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).join(User.person).where(Person.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (and the failure is audited)."""
    user = user_by_email(email)
    if user is not None and user.is_active and check_password(user, password):
        user.last_login_at = utcnow()
        return user
    if user is None:
        check_password(None, password)
    record("login_failed", object_type="user", object_id=user.id if user else None,
           summary=normalise_email(email)[:120])
    db.session.commit()
    return None


def create_user(*, name: str, email: str, role: Role, password: str | None = None,
                organization: Organization | None = None, function: str | None = None, by=None) -> User:
    """Create a person with a login. Without a password the account waits for a set-password link."""
    email = normalise_email(email)
    person = db.session.scalar(select(Person).where(Person.email == email))
    if person is not None and person.user is not None:
        raise AccountError(_("There is already an account for %(email)s.", email=email))
    if person is None:
        person = Person(name=name, email=email, organization=organization, function=function)
        db.session.add(person)
    user = User(person=person, role=role, session_token=secrets.token_hex(16))
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    record("create", user, by=by, summary=f"{email} ({role.value})")
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="set-password")


def set_password_token(user: User) -> str:
    """A link token valid for a week and only until the password changes (bound to session_token)."""
    return _serializer().dumps({"user": user.id, "token": user.session_token})


def user_for_set_password_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=SET_PASSWORD_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("user"))
    if user is None or user.session_token != data.get("token"):
        return None
    return user
