"""Logins and their roles."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow

if TYPE_CHECKING:
    from tracker.hubs.models import Hub
    from tracker.organizations.models import Organization, Person
    from tracker.processes.models import Process


class Role(enum.StrEnum):
    """The kind of login. An administrator may do anything in every process; a steering partner decides only in
    the processes whose steering group they belong to (Process.steering_members), a moderator only in their hubs
    (Hub.moderators): without such a membership the role decides nothing (tracker.permissions)."""

    ADMIN = "admin"
    STEERING = "steering"
    MODERATOR = "moderator"
    COMPANY = "company"


class User(UserMixin, db.Model):
    """A login, always linked to a person; the person's email is the login name."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"), default=Role.COMPANY)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Changing it logs the user out everywhere: it is part of the Flask-Login id.
    session_token: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="user", lazy="joined")
    moderated_hubs: Mapped[list[Hub]] = relationship(
        secondary="hub_moderator", back_populates="moderators", order_by="Hub.position"
    )
    steering_processes: Mapped[list[Process]] = relationship(
        secondary="process_steering", back_populates="steering_members", order_by="Process.id"
    )

    # The login this request runs under (set by the login and by the user loader); not a column.
    current_login = None  # a Login
    _login_key = None

    def get_id(self) -> str:
        """What the session and the remember-me cookie carry: the user and the key of one login."""
        if self._login_key is None:
            raise RuntimeError("log in through tracker.accounts.logins.start(), which records the login")
        return f"{self.id}:{self._login_key}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def email(self) -> str:
        return self.person.email

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def organization(self) -> Organization | None:
        return self.person.organization

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class Login(db.Model):
    """One device's login. The session and remember-me cookies name it; logging out deletes it, so a
    copied cookie stops working. It is valid only while the user's session_token is the one it was
    made under, so rotating that token ("log out everywhere", a new password) ends every login."""

    __tablename__ = "login"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the key in the cookie
    session_token: Mapped[str] = mapped_column(String(64))
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
