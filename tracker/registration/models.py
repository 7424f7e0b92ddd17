"""A registration is a request: what someone typed into the public form, waiting for an administrator.

Nothing of it touches the directory (organisations, people, memberships, logins) until an
administrator approves it; then `tracker.registration.services.approve` writes those through their
own services and the request keeps only what it was matched to.

Personal data: a pending request holds the registrant's name, email and function. A decided
request does not: on rejection they are blanked (nothing of the person stays behind), on approval
too, because from then on they live in the person the request points to (`person_id`), where
correction, export and anonymisation find them. The organisation as typed, the hub, the consents
given and the decision (who, when, why) stay, so the decided list can say what happened.

A registration is for the process's kickoff event (`event`) as the invitation asks: besides the
registrant (the representative, its first delegate) it may name further delegates
(`RegistrationDelegate`), whose name, email and function are personal data kept and blanked the same way.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.model_types import enum_type, utcnow
from tracker.organizations.models import OrganizationType

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.hubs.models import Hub, HubMembership
    from tracker.organizations.models import Organization, Person
    from tracker.processes.models import Process
    from tracker.sessions.models import Session


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class RegistrationRequest(db.Model):
    """Someone asks to take part in a process for an organisation, in a hub."""

    __tablename__ = "registration_request"
    # One open request per email and process; decided requests have no email any more (NULLs differ).
    __table_args__ = (UniqueConstraint("process_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"))  # the hub asked for
    # The event registered for: the process's kickoff when the request was filed (None: there was none).
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id", ondelete="SET NULL"), index=True)

    # The person, as typed (blanked once decided, see the module's docstring).
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))  # stored lower-cased
    function: Mapped[str | None] = mapped_column(String(200))

    # The organisation, as typed: matching it to a known one is the administrator's decision.
    organization_name: Mapped[str] = mapped_column(String(200))
    organization_type: Mapped[OrganizationType] = mapped_column(
        enum_type(OrganizationType, "organization_type"), default=OrganizationType.COMPANY)
    organization_sector: Mapped[str | None] = mapped_column(String(120))

    # The consents given on the form, and the version of the texts shown.
    consent_contact: Mapped[bool] = mapped_column(default=False)
    consent_named: Mapped[bool] = mapped_column(default=False)
    # The registrant confirms that the further delegates agreed to be registered and contacted.
    consent_delegates: Mapped[bool] = mapped_column(default=False, server_default=false())
    consent_text_version: Mapped[str] = mapped_column(String(40))

    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus, "registration_status"),
                                                  default=RequestStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)

    # What an approval matched it to, or created for it.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    created_organization: Mapped[bool] = mapped_column(default=False)
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("hub_membership.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    process: Mapped[Process] = relationship()
    hub: Mapped[Hub] = relationship()
    event: Mapped[Session | None] = relationship()
    delegates: Mapped[list[RegistrationDelegate]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RegistrationDelegate.position")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    organization: Mapped[Organization | None] = relationship()
    membership: Mapped[HubMembership | None] = relationship()
    person: Mapped[Person | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    def __repr__(self) -> str:
        return f"<RegistrationRequest {self.id} {self.status}>"


class RegistrationDelegate(db.Model):
    """A further person the registrant names for the kickoff (the registrant is the first delegate).

    As typed while the request waits; once decided the typed data is blanked and, on approval,
    `person` is who it became (a person without an account, until an administrator invites them).
    """

    __tablename__ = "registration_delegate"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("registration_request.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))  # stored lower-cased
    function: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)

    request: Mapped[RegistrationRequest] = relationship(back_populates="delegates")
    person: Mapped[Person | None] = relationship()
