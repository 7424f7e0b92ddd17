"""API endpoints over registrations: the public request (no token, the same answer whatever the email, as the
form) and the administrators' side (lists by status and event with counts, approve, reject, invite a
further delegate). The same services as the web pages decide; each endpoint loads its object (404) and
checks the right (403) before it reads the body."""

from __future__ import annotations

from typing import Literal

from flask import current_app, request
from flask_login import current_user
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.api.core import PAGE_QUERY, endpoint, paginated, referenced
from tracker.api.schemas import Id, LocalTime, Name, Out, ShortText, Strict, UtcTimestamp, line, lines
from tracker.arguments import object_id
from tracker.errors import Invalid
from tracker.extensions import db, limiter
from tracker.hubs.models import Hub
from tracker.organizations.models import Organization, OrganizationType
from tracker.permissions import MAX_ID
from tracker.processes.models import Process
from tracker.registration import services
from tracker.registration.models import RegistrationDelegate, RegistrationRequest, RequestStatus


class DelegateIn(Strict):
    name: Name
    email: EmailStr
    function: ShortText | None = None


class RegistrationIn(Strict):
    """The public form as JSON: the registrant, the organisation as typed, the hub, the consents, and
    further delegates for the process's kickoff."""

    name: Name
    email: EmailStr
    function: ShortText | None = None
    organization_name: Name
    organization_type: OrganizationType = OrganizationType.COMPANY
    organization_sector: line(120) | None = None
    hub_id: Id
    consent_contact: bool
    consent_named: bool = False
    delegates: list[DelegateIn] = Field(default_factory=list, max_length=services.MAX_DELEGATES)
    consent_delegates: bool = False
    language: Literal["de", "en"] | None = None


class ReceivedOut(BaseModel):
    status: Literal["received"]


class DelegateOut(BaseModel):
    id: int
    name: str | None
    email: str | None
    function: str | None
    person_id: int | None
    has_account: bool


class RegistrationOut(Out):
    id: int
    process_id: int
    hub_id: int
    event_id: int | None
    status: RequestStatus
    name: str | None
    email: str | None
    function: str | None
    organization_name: str
    organization_type: OrganizationType
    organization_sector: str | None
    consent_contact: bool
    consent_named: bool
    consent_delegates: bool
    delegates: list[DelegateOut]
    created_at: UtcTimestamp
    decided_at: UtcTimestamp | None
    rejection_reason: str | None
    organization_id: int | None
    person_id: int | None
    user_id: int | None


class EventCountsOut(BaseModel):
    event_id: int | None
    title: str | None
    starts_at: LocalTime | None
    open: int
    approved: int
    rejected: int
    people: int


class EventCountsList(BaseModel):
    items: list[EventCountsOut]


class ApproveIn(Strict):
    """Exactly one of `organization_id` (a known organisation) and `create_new` (the organisation as typed)."""

    organization_id: Id | None = None
    create_new: bool = False
    consents_to_be_named: bool = False
    keep_current_hub: bool = False


class RejectIn(Strict):
    reason: lines(services.MAX_REASON, min_length=1)


def registration_json(registration: RegistrationRequest) -> dict:
    delegates = [DelegateOut(id=d.id, name=d.person.name if d.person else d.name,
                             email=d.person.email if d.person else d.email,
                             function=d.person.function if d.person else d.function, person_id=d.person_id,
                             has_account=bool(d.person and d.person.user))
                 for d in registration.delegates]
    return RegistrationOut(
        id=registration.id, process_id=registration.process_id, hub_id=registration.hub_id,
        event_id=registration.session_id, status=registration.status, name=registration.name,
        email=registration.email, function=registration.function,
        organization_name=registration.organization_name, organization_type=registration.organization_type,
        organization_sector=registration.organization_sector, consent_contact=registration.consent_contact,
        consent_named=registration.consent_named, consent_delegates=registration.consent_delegates,
        delegates=delegates, created_at=registration.created_at, decided_at=registration.decided_at,
        rejection_reason=registration.rejection_reason, organization_id=registration.organization_id,
        person_id=registration.person_id, user_id=registration.user_id).model_dump(mode="json")


def _registration_limit() -> str:
    return current_app.config.get("RATELIMIT_REGISTRATION", "10 per hour")


@endpoint("/processes/{process_id}/registrations", "POST", "Register for the process's kickoff (no token; the "
          "answer is the same whatever the email; nothing but the request is written until an administrator "
          "approves it)", load=(Process, "process_id"), body=RegistrationIn, response=ReceivedOut, auth=False,
          tag="registrations", status=202)
@limiter.limit(_registration_limit)
def request_registration(process: Process, data: RegistrationIn):
    services.request_registration(
        process, hub=referenced(Hub, data.hub_id, "hub_id", "Hub"), name=data.name, email=str(data.email),
        function=data.function, organization_name=data.organization_name, organization_type=data.organization_type,
        organization_sector=data.organization_sector, consent_contact=data.consent_contact,
        consent_named=data.consent_named, delegates=[d.model_dump(mode="json") for d in data.delegates],
        consent_delegates=data.consent_delegates, language=data.language)
    db.session.commit()
    return {"status": "received"}


REGISTRATION_QUERY = PAGE_QUERY | {
    "status": {"schema": {"type": "string", "enum": list(services.STATUS_FILTERS)}, "description": "default open"},
    "event_id": {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "description": "only this event"},
}


@endpoint("/registrations", "GET", "Registrations of one status (open by default; decided ones leave the open "
          "list), optionally of one event (administrators)", check=services.can_decide, response=RegistrationOut,
          query=REGISTRATION_QUERY, tag="registrations")
def list_registrations():
    shown = request.args.get("status", "open")
    if shown not in services.STATUS_FILTERS:
        raise Invalid("status must be one of open, approved, rejected.", "status")
    status = services.STATUS_FILTERS[shown]
    statement = select(RegistrationRequest).where(RegistrationRequest.status == status).options(
        selectinload(RegistrationRequest.delegates).selectinload(RegistrationDelegate.person))
    if "event_id" in request.args:
        event_id = object_id(request.args["event_id"])
        if event_id is None:
            raise Invalid("event_id must be a number.", "event_id")
        statement = statement.where(RegistrationRequest.session_id == event_id)
    order = (RegistrationRequest.created_at, RegistrationRequest.id) if status == RequestStatus.PENDING else (
        RegistrationRequest.decided_at.desc(), RegistrationRequest.id.desc())
    return paginated(statement.order_by(*order), registration_json)


@endpoint("/registrations/events", "GET", "Per event: open, approved and rejected registrations and the people "
          "approved ones registered (administrators)", check=services.can_decide, response=EventCountsList,
          tag="registrations")
def registration_counts():
    rows = [EventCountsOut(event_id=r.event.id if r.event else None, title=r.event.title if r.event else None,
                           starts_at=r.event.starts_at if r.event else None, open=r.open, approved=r.approved,
                           rejected=r.rejected, people=r.people).model_dump(mode="json")
            for r in services.counts_by_event()]
    return {"items": rows}


@endpoint("/registrations/{request_id}", "GET", "A registration (administrators)",
          load=(RegistrationRequest, "request_id"), check=services.can_decide, response=RegistrationOut,
          tag="registrations")
def get_registration(registration: RegistrationRequest):
    return registration_json(registration)


@endpoint("/registrations/{request_id}/approve", "POST", "Approve a registration: organisation, person, login, "
          "membership, delegates, consents, the kickoff attendance with its calendar entry, and the set-password "
          "mail to the registrant", load=(RegistrationRequest, "request_id"), check=services.approve,
          body=ApproveIn, response=RegistrationOut, errors=(409,), tag="registrations")
def approve_registration(registration: RegistrationRequest, data: ApproveIn):
    organization = referenced(Organization, data.organization_id, "organization_id", "Organisation")
    services.approve(registration, by=current_user, organization=organization, create_new=data.create_new,
                     consents_to_be_named=data.consents_to_be_named, keep_current_hub=data.keep_current_hub)
    db.session.commit()
    return registration_json(registration)


@endpoint("/registrations/{request_id}/reject", "POST", "Reject a registration (its personal data is deleted)",
          load=(RegistrationRequest, "request_id"), check=services.reject, body=RejectIn,
          response=RegistrationOut, errors=(409,), tag="registrations")
def reject_registration(registration: RegistrationRequest, data: RejectIn):
    services.reject(registration, by=current_user, reason=data.reason)
    db.session.commit()
    return registration_json(registration)


@endpoint("/registration-delegates/{delegate_id}/invite", "POST", "Give a further delegate of an approved "
          "registration an account; the set-password link is mailed (administrators)",
          load=(RegistrationDelegate, "delegate_id"), check=services.invite_delegate, response=DelegateOut,
          errors=(409,), tag="registrations", status=201)
def invite_delegate(delegate: RegistrationDelegate):
    user = services.invite_delegate(delegate, by=current_user)
    db.session.commit()
    person = user.person
    return DelegateOut(id=delegate.id, name=person.name, email=person.email, function=person.function,
                       person_id=person.id, has_account=True).model_dump(mode="json")
