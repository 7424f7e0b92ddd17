"""Accounts: passwords, login, and the administrators' rules for creating and editing logins.

Web views (login, profile, user administration) and the CLI call these; `create_user`,
`update_user` and `create_set_password_link` are the administrators' (the CLI acts as SYSTEM).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

import tracker.accounts.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.accounts import logins, throttle
from tracker.accounts.models import Role, User
from tracker.accounts.signals import password_reset_requested, set_password_link_created
from tracker.audit.services import changed_fields, record
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.hubs.services import set_moderated_hubs
from tracker.model_types import utcnow
from tracker.organizations.models import Organization, Person
from tracker.organizations.names import clean_name
from tracker.organizations.services import create_person
from tracker.permissions import guarded, is_admin
from tracker.urls import public_url

SET_PASSWORD_MAX_AGE = 7 * 24 * 3600
ONLY_ADMINS = _l("Only administrators manage accounts.")


def can_manage_accounts(user, _account: User | None = None) -> bool:
    return is_admin(user)


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
        raise Invalid(problem, "password")
    user.password_hash = hash_password(password)
    logins.end_all(user)


def check_password(user: User | None, password: str, *, active_only: bool = False) -> bool:
    """Whether the password is the user's: always exactly one Argon2 verification, for unknown,
    deactivated and password-less accounts alike, so the time taken reveals nothing about the account."""
    hasher = _hasher()
    usable = (user is not None and bool(user.password_hash)
              and (user.is_active or not active_only))
    try:
        hasher.verify(user.password_hash if usable else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    if not usable:
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


def authenticate(email: str, password: str, *, address: str | None = None) -> User | None:
    """The active user with this email and password, else None (and the failure is audited).

    Raises TooManyAttempts while the account or the address has failed too often lately; the count
    lives in the database, so every server process sees the same.
    """
    email = normalise_email(email)
    throttle.check(email, address)
    user = user_by_email(email)
    if check_password(user, password, active_only=True):
        user.last_login_at = utcnow()
        return user
    record("login_failed", object_type="user", object_id=user.id if user else None, summary=email[:120])
    db.session.commit()
    return None


def create_user(*, by, name: str, email: str, role: Role, password: str | None = None,
                organization: Organization | None = None, function: str | None = None, is_active: bool = True,
                moderated_hubs: Iterable[Hub] = ()) -> User:
    """Create a login (administrators; the CLI as SYSTEM) for a new or a known person without one.

    Without a password the account waits for a set-password link.
    """
    if not can_manage_accounts(by):
        raise NotAllowed(ONLY_ADMINS)
    email = normalise_email(email)
    if not email:
        raise Invalid(_("A login needs an email."), "email")
    person = db.session.scalar(select(Person).where(Person.email == email))
    if person is not None and person.user is not None:
        raise Conflict(_("There is already an account for %(email)s.", email=email), "email")
    if person is None:
        person = create_person(by=by, name=name, email=email, organization=organization, function=function)
    user = User(person=person, role=role, session_token=secrets.token_hex(16), is_active_account=bool(is_active))
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    record("create", user, by=by, summary=f"{email} ({role.value})",
           message=messages.message("accounts.user_created", email=email, role=messages.enum_value("role", role)))
    set_moderated_hubs(user, moderated_hubs if role == Role.MODERATOR else (), by=by)
    return user


@guarded(can_manage_accounts, ONLY_ADMINS)
def update_user(user: User, *, by, name: str, email: str, function: str | None, organization: Organization | None,
                role: Role, is_active: bool, moderated_hubs: Iterable[Hub] = ()) -> None:
    """Change a login and its person. Emails stay unique; nobody takes away their own administrator
    rights or deactivates themselves; only moderators moderate hubs (others lose theirs)."""
    person = user.person
    email = normalise_email(email)
    name = clean_name(name)
    if not name:
        raise Invalid(_("Please give the person's name."), "name")
    if not email:
        raise Invalid(_("A login needs an email."), "email")
    if db.session.scalar(select(Person.id).where(Person.email == email, Person.id != person.id)) is not None:
        raise Conflict(_("Another person already uses this email."), "email")
    if user.id is not None and user.id == getattr(by, "id", None):
        if role != Role.ADMIN:
            raise Invalid(_("You cannot take away your own administrator rights."), "role")
        if not is_active:
            raise Invalid(_("You cannot deactivate your own account."), "is_active")
    person.name, person.email = name, email
    person.function = (function or "").strip() or None
    person.organization = organization
    person.organization_id = organization.id if organization is not None else None
    user.role = role
    user.is_active_account = bool(is_active)
    changes = changed_fields(user) | changed_fields(person)
    if changes:
        record("update", user, by=by, changes=changes, summary=f"{email}: {', '.join(changes)}",
               message=messages.message("accounts.user_changed", email=email,
                                        fields=messages.field_names("user", changes)))
    set_moderated_hubs(user, moderated_hubs if role == Role.MODERATOR else (), by=by)


@guarded(can_manage_accounts, ONLY_ADMINS)
def create_set_password_link(user: User, *, by) -> str:
    """A link with which the user sets a new password (valid for a week, until the password changes)."""
    link = public_url("accounts.set_password", token=set_password_token(user))
    record("set_password_link", user, by=by)
    set_password_link_created.send(user, link=link, by=by)
    return link


def request_password_reset(email: str) -> None:
    """"Forgot password": mail an active account a set-password link that works for a few hours and once.

    Anyone may ask, for any address, and learns nothing from it: unknown, deactivated and active
    accounts go through the same steps (token, audit entry, signal; the mail side composes the mail
    for every address and keeps it only for an active account). Rate limits are the caller's.
    """
    email = normalise_email(email)[:254]
    user = user_by_email(email) if email else None
    usable = user is not None and user.is_active
    link = public_url("accounts.set_password", token=_reset_token(user if usable else None))
    record("password_reset_requested", object_type="user", object_id=user.id if usable else None,
           summary=email[:120])
    password_reset_requested.send(user if usable else None, email=email, link=link)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="set-password")


def set_password_token(user: User) -> str:
    """A link token valid for a week and only until the password changes (bound to session_token)."""
    return _serializer().dumps({"user": user.id, "token": user.session_token})


def _reset_token(user: User | None) -> str:
    """A set-password token for "forgot password": it expires after PASSWORD_RESET_MAX_AGE (a stand-in
    for an address without an account, made with the same effort and matching no user)."""
    if user is None:
        return _serializer().dumps({"user": 0, "token": secrets.token_hex(16), "reset": 1})
    return _serializer().dumps({"user": user.id, "token": user.session_token, "reset": 1})


def user_for_set_password_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=SET_PASSWORD_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    if data.get("reset"):
        try:
            _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
        except (SignatureExpired, BadSignature):
            return None
    user = db.session.get(User, data.get("user"))
    if user is None or user.session_token != data.get("token"):
        return None
    return user
