"""Registering company representatives: the public files a request, an administrator decides on it.

- `request_registration` (the public form, anonymous) stores one `RegistrationRequest` and
  changes no other record: no organisation, person, membership, delegate, consent or login.
  Which known organisation the typed name means is not the registrant's call (issue 16, finding 1).
  It answers the same whatever the email (probe finding 7): for the email of an account or of a
  request that waits it stores nothing, and only the owner of an account learns of it, by mail.
- `approve` (administrators) writes, through each feature's own service and as the approving
  administrator: the organisation (matched to a known one, or created new — its consent to be
  named only when the administrator confirms it for a new one), the person, the login, the hub
  membership (or the organisation's current one, when the administrator keeps it), the person as a
  delegate, the person's consents, and the set-password link (whose signal mails it).
- `reject` (administrators) marks the request rejected and blanks the person's data in it.

Kickoff (issue 17, item 4): a request is for the process's kickoff event (`kickoff_of`) and may name
further delegates besides the registrant. Filing it sends the registrant a "received" mail (signal
`registration_received`). Approving it also writes each further delegate as a person of the organisation
(without an account) and a delegate of its membership, registers everyone for the kickoff (attendance
"registered", signal `registration_approved`: each gets the event's .ics), and only the registrant gets
the set-password mail. `invite_delegate` later gives a further delegate an account (set-password mail).

See tracker/registration/models.py for what a decided request keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

import tracker.registration.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.accounts.models import Role, User
from tracker.accounts.services import create_set_password_link, create_user
from tracker.attendance.services import record as record_attendance
from tracker.audit.services import record
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.fields import one_line
from tracker.hubs.models import Hub, HubMembership
from tracker.hubs.queries import current_membership
from tracker.hubs.services import add_delegate, join_hub
from tracker.model_types import utcnow
from tracker.organizations.models import ConsentPurpose, Organization, OrganizationType, Person
from tracker.organizations.names import name_key
from tracker.organizations.services import (
    add_consent,
    create_organization,
    find_or_create_person,
    normalise_email,
    organization_named,
    person_with_email,
)
from tracker.permissions import guarded, is_admin
from tracker.processes.models import Process
from tracker.registration.models import RegistrationDelegate, RegistrationRequest, RequestStatus
from tracker.registration.signals import account_holder_registered, registration_approved, registration_received
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionKind, SessionStatus

# The version of the consent texts shown on the form; a changed text gets a new version.
CONSENT_VERSION = "2018-09"
MAX_SUGGESTIONS = 8
MAX_REASON = 2000
MAX_DELEGATES = 10  # further delegates one registration names (besides the registrant)

ONLY_ADMINS = _l("Only administrators decide on registrations.")


# Who may ------------------------------------------------------------------------------------------

def can_decide(user, _request: RegistrationRequest | None = None) -> bool:
    """Administrators approve and reject registrations (and see the requests)."""
    return is_admin(user)


# Reading ------------------------------------------------------------------------------------------

def open_requests() -> list[RegistrationRequest]:
    """Requests waiting for a decision, oldest first."""
    return list(db.session.scalars(select(RegistrationRequest).where(
        RegistrationRequest.status == RequestStatus.PENDING).order_by(RegistrationRequest.created_at,
                                                                      RegistrationRequest.id)))


def decided_requests(limit: int = 200) -> list[RegistrationRequest]:
    """Approved and rejected requests, the latest decision first."""
    return list(db.session.scalars(select(RegistrationRequest).where(
        RegistrationRequest.status != RequestStatus.PENDING).order_by(RegistrationRequest.decided_at.desc(),
                                                                      RegistrationRequest.id.desc()).limit(limit)))


def kickoff_of(process: Process) -> Session | None:
    """The event the public registration is for: the process's kickoff that is not cancelled (the earliest)."""
    return db.session.scalar(select(Session).where(
        Session.process_id == process.id, Session.hub_id.is_(None), Session.kind == SessionKind.KICKOFF,
        Session.status != SessionStatus.CANCELLED).order_by(Session.starts_at, Session.id).limit(1))


STATUS_FILTERS = {"open": RequestStatus.PENDING, "approved": RequestStatus.APPROVED,
                  "rejected": RequestStatus.REJECTED}


def requests_where(status: RequestStatus, event_id: int | None = None, limit: int = 500) -> list[RegistrationRequest]:
    """Requests of one status (for one event, when given): open ones oldest first, decided ones latest first."""
    statement = select(RegistrationRequest).where(RegistrationRequest.status == status)
    if event_id is not None:
        statement = statement.where(RegistrationRequest.session_id == event_id)
    if status == RequestStatus.PENDING:
        statement = statement.order_by(RegistrationRequest.created_at, RegistrationRequest.id)
    else:
        statement = statement.order_by(RegistrationRequest.decided_at.desc(), RegistrationRequest.id.desc())
    return list(db.session.scalars(statement.limit(limit)))


@dataclass
class EventCounts:
    """Registrations of one event (None: requests filed while a process had no kickoff)."""

    event: Session | None
    open: int = 0
    approved: int = 0
    rejected: int = 0
    people: int = 0  # registrants and further delegates of the approved requests


def counts_by_event() -> list[EventCounts]:
    """Per event, its requests by status and the people the approved ones registered; two grouped queries."""
    result: dict[int | None, EventCounts] = {}
    for session_id, status, count in db.session.execute(select(
            RegistrationRequest.session_id, RegistrationRequest.status, func.count())
            .group_by(RegistrationRequest.session_id, RegistrationRequest.status)):
        row = result.setdefault(session_id, EventCounts(event=None))
        setattr(row, {RequestStatus.PENDING: "open", RequestStatus.APPROVED: "approved",
                      RequestStatus.REJECTED: "rejected"}[status], count)
        if status == RequestStatus.APPROVED:
            row.people += count
    for session_id, count in db.session.execute(select(RegistrationRequest.session_id, func.count())
                                                .join(RegistrationDelegate)
                                                .where(RegistrationRequest.status == RequestStatus.APPROVED)
                                                .group_by(RegistrationRequest.session_id)):
        result[session_id].people += count
    events = {s.id: s for s in db.session.scalars(select(Session).where(
        Session.id.in_([i for i in result if i is not None])))}
    for session_id, row in result.items():
        row.event = events.get(session_id)
    return sorted(result.values(), key=lambda r: (r.event is None, r.event.starts_at if r.event else 0,
                                                  r.event.id if r.event else 0))


def pending_request(process: Process, email: str) -> RegistrationRequest | None:
    return db.session.scalar(select(RegistrationRequest).where(
        RegistrationRequest.process_id == process.id, RegistrationRequest.email == normalise_email(email),
        RegistrationRequest.status == RequestStatus.PENDING))


def likely_match(request: RegistrationRequest) -> Organization | None:
    """The organisation the request most likely means: that of a known person with its email, else the
    one with the same name key (any spelling), else None."""
    known = person_with_email(request.email) if request.email else None
    if known is not None and known.organization is not None:
        return known.organization
    return organization_named(request.organization_name)


def suggestions(request: RegistrationRequest) -> list[Organization]:
    """Known organisations the request may mean: the likely match, the one with the same name key, then
    those whose key contains the typed one or is contained in it (keys shorter than four characters,
    such as "ag", would be contained in everything and are left out)."""
    key = name_key(request.organization_name)
    first = list(dict.fromkeys(o for o in (likely_match(request), organization_named(request.organization_name))
                               if o is not None))
    similar = [literal(key).contains(Organization.name_key) & (func.length(Organization.name_key) >= 4)]
    if len(key) >= 3:
        similar.append(Organization.name_key.contains(key, autoescape=True))
    others = db.session.scalars(select(Organization).where(
        Organization.id.not_in([o.id for o in first]), or_(*similar))
        .order_by(Organization.name).limit(MAX_SUGGESTIONS - len(first)))
    return first + list(others)


def hub_conflict(request: RegistrationRequest, organization: Organization | None) -> str | None:
    """Why approving with this organisation cannot put it into the hub asked for, or None.

    An organisation works in one hub per process; a registrant does not move it.
    """
    current = current_membership(organization, request.process)
    if current is None or current.hub_id == request.hub_id:
        return None
    return _("%(organization)s already works in the hub “%(hub)s” of this process; the registration asks for "
             "“%(requested)s”. To approve it, keep the organisation in “%(hub)s”: the person becomes its delegate "
             "there. Moving an organisation to another hub is done on the hub's page.",
             organization=organization.name, hub=current.hub.name, requested=request.hub.name)


def email_conflict(request: RegistrationRequest, organization: Organization | None) -> str | None:
    """Why the request's email cannot become a login of this organisation (it has a login by now, or it
    is the email of a person of another organisation), or None."""
    person = person_with_email(request.email) if request.email else None
    if person is None:
        return None
    if person.user is not None:
        return _("%(email)s has an account by now. Reject this registration, or edit that account.",
                 email=person.email)
    if person.organization is not None and (organization is None or person.organization_id != organization.id):
        return _("%(email)s is the email of a known person of %(organization)s. Match the registration to that "
                 "organisation, or reject it.", email=person.email, organization=person.organization.name)
    return None


# The public form ----------------------------------------------------------------------------------

def request_registration(process: Process, *, hub: Hub | None, name: str, email: str, function: str | None,
                         organization_name: str, organization_type: OrganizationType = OrganizationType.COMPANY,
                         organization_sector: str | None = None, consent_contact: bool,
                         consent_named: bool, delegates: list[dict] | tuple = (), consent_delegates: bool = False,
                         language: str | None = None) -> RegistrationRequest | None:
    """File a registration from the public form. It writes the request and nothing else.

    It is for the process's kickoff (if there is one); `delegates` are further people ({name, email,
    function}; rows left empty are ignored), for whom the registrant confirms `consent_delegates`.
    The registrant gets a "received" mail (in `language`, the form's).
    The email of an account, or of a request of this process that waits, gives None and writes nothing:
    the form must not tell the public which addresses are known. The account's owner gets a mail.
    """
    if hub is None or hub.process_id != process.id:
        raise Invalid(_("Please choose a hub of this process."), "hub_id")
    name = one_line(name, "name", 200, _("Please give your name."))
    email = normalise_email(email)
    if not email or "@" not in email or len(email) > 254:
        raise Invalid(_("Please give your email address."), "email")
    function = one_line(function, "function", 200)
    organization_name = one_line(organization_name, "organization_name", 200,
                              _("Please give the name of your organisation."))
    organization_sector = one_line(organization_sector, "organization_sector", 120)
    if not consent_contact:
        raise Invalid(_("Without this consent we cannot register you."), "consent_contact")
    others = checked_delegates(delegates, email)
    if others and not consent_delegates:
        raise Invalid(_("Please confirm that the people you name agreed to be registered."), "consent_delegates")
    known = person_with_email(email)
    if known is not None and known.user is not None:
        account_holder_registered.send(process, person=known)
        return None
    if pending_request(process, email) is not None:
        return None
    request = RegistrationRequest(
        process_id=process.id, hub_id=hub.id, name=name, email=email, function=function,
        organization_name=organization_name, organization_type=OrganizationType(organization_type),
        organization_sector=organization_sector, consent_contact=True, consent_named=bool(consent_named),
        consent_text_version=CONSENT_VERSION, status=RequestStatus.PENDING,
        consent_delegates=bool(others and consent_delegates), event=kickoff_of(process),
        delegates=[RegistrationDelegate(position=i, **row) for i, row in enumerate(others, start=1)])
    try:
        with db.session.begin_nested():  # a double submit in parallel: one request, one clear answer
            db.session.add(request)
    except IntegrityError:  # the same email filed in parallel: that request waits, as above
        return None
    record("request_registration", request, by=None, summary=f"registration {request.id} → {hub.short_name}",
           message=messages.message("registration.requested", id=request.id, hub=hub.short_name),
           changes={"session_id": request.session_id, "delegates": len(others)})
    registration_received.send(process, request=request, language=language)
    return request


def checked_delegates(rows, registrant_email: str) -> list[dict]:
    """The further delegates as {name, email, function}, rows left empty dropped. A refusal names the row's
    field as the form does (`delegates-<row>-email`); an email twice (or the registrant's) is refused."""
    result, seen = [], {registrant_email}
    rows = list(rows or [])
    for index, row in enumerate(rows):
        row = row or {}
        if not any((row.get(key) or "").strip() for key in ("name", "email", "function")):
            continue
        prefix = f"delegates-{index}-"
        name = one_line(row.get("name"), prefix + "name", 200, _("Please give the delegate's name."))
        email = normalise_email(row.get("email"))
        if not email or "@" not in email.strip("@") or len(email) > 254 or " " in email:
            raise Invalid(_("Please give the delegate's email address."), prefix + "email")
        if email in seen:
            raise Invalid(_("Each delegate needs an email address of their own."), prefix + "email")
        seen.add(email)
        result.append({"name": name, "email": email, "function": one_line(row.get("function"), prefix + "function",
                                                                          200)})
    if len(result) > MAX_DELEGATES:
        raise Invalid(_("At most %(n)d further delegates per registration.", n=MAX_DELEGATES), "delegates")
    return result


# Deciding -----------------------------------------------------------------------------------------

@dataclass
class Approval:
    request: RegistrationRequest
    organization: Organization
    created_organization: bool
    membership: HubMembership
    person: Person
    user: User
    link: str
    delegates: list[Person]  # further delegates (people without accounts, unless they had one)
    attendances: list[Attendance]  # everyone registered for the event (none without an event)


def _claim(request: RegistrationRequest, status: RequestStatus, by) -> None:
    """Mark a pending request decided; a request someone else decided in the meantime is a conflict."""
    decided_at = utcnow()
    claimed = db.session.execute(
        update(RegistrationRequest)
        .where(RegistrationRequest.id == request.id, RegistrationRequest.status == RequestStatus.PENDING)
        .values(status=status, decided_at=decided_at, decided_by_id=getattr(by, "id", None))
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.refresh(request)
        raise Conflict(_("This registration has been decided already."))
    request.status, request.decided_at, request.decided_by_id = status, decided_at, getattr(by, "id", None)


def _still_pending(request: RegistrationRequest) -> None:
    if not request.is_pending:
        raise Conflict(_("This registration has been decided already."))


def _forget_the_person(request: RegistrationRequest) -> None:
    """A decided request keeps no personal data (see the models' docstring)."""
    request.name = request.email = request.function = None
    for delegate in request.delegates:
        delegate.name = delegate.email = delegate.function = None


def delegate_conflict(request: RegistrationRequest, organization: Organization | None) -> str | None:
    """Why a further delegate's email cannot become a person of this organisation, or None: it is the email
    of a person of another organisation, or of an account without an organisation (an administrator's)."""
    for delegate in request.delegates:
        person = person_with_email(delegate.email) if delegate.email else None
        if person is None:
            continue
        if person.organization_id is None and person.user is not None:
            return _("%(email)s (a delegate) is the email of an account without organisation. Reject this "
                     "registration, or edit that account.", email=person.email)
        if person.organization is not None and (organization is None or person.organization_id != organization.id):
            return _("%(email)s (a delegate) is the email of a known person of %(organization)s. Match the "
                     "registration to that organisation, or reject it.", email=person.email,
                     organization=person.organization.name)
    return None


@guarded(can_decide, ONLY_ADMINS)
def approve(request: RegistrationRequest, *, by, organization: Organization | None = None, create_new: bool = False,
            consents_to_be_named: bool = False, keep_current_hub: bool = False) -> Approval:
    """Turn a pending request into organisation, person, login, membership, delegate and consents.

    `organization` is the known organisation the administrator matched it to; `create_new` creates the
    organisation as typed instead (with its consent to be named only if `consents_to_be_named`: the
    administrator confirms it; a known organisation's consent is never changed by a registration).
    An organisation that already works in another hub stays there only if `keep_current_hub`.
    """
    _still_pending(request)
    if (organization is None) == (not create_new):
        raise Invalid(_("Match the registration to a known organisation, or create a new one."), "organization_id")
    if create_new:
        same = organization_named(request.organization_name)
        if same is not None:
            raise Conflict(_("There is already an organisation named “%(name)s”. Match the registration to it.",
                             name=same.name), "organization_id")
    problem = email_conflict(request, organization) or delegate_conflict(request, organization)
    if problem:
        raise Conflict(problem, "organization_id")
    problem = hub_conflict(request, organization)
    if problem and not keep_current_hub:
        raise Conflict(problem, "keep_current_hub")

    _claim(request, RequestStatus.APPROVED, by)
    if create_new:
        organization = create_organization(by=by, name=request.organization_name, type=request.organization_type,
                                           sector=request.organization_sector,
                                           consents_to_be_named=consents_to_be_named)
    person, _created = find_or_create_person(request.name, request.email, organization, function=request.function,
                                             by=by)
    user = create_user(by=by, name=person.name, email=person.email, role=Role.COMPANY, organization=organization)
    membership = current_membership(organization, request.process) or join_hub(organization, request.hub, by=by)
    add_delegate(membership, person, by=by)
    add_consent(person, ConsentPurpose.CONTACT, by=by, text_version=request.consent_text_version,
                given_at=request.created_at)
    if request.consent_named:
        add_consent(person, ConsentPurpose.NAMED_IN_PLAN, by=by, text_version=request.consent_text_version,
                    given_at=request.created_at)
    others = []
    for delegate in request.delegates:
        other, created = find_or_create_person(delegate.name, delegate.email, organization,
                                                function=delegate.function, by=by)
        add_delegate(membership, other, by=by)
        if request.consent_delegates and created:  # the registrant confirmed it for them
            add_consent(other, ConsentPurpose.CONTACT, by=by, text_version=request.consent_text_version,
                        given_at=request.created_at)
        delegate.person = other
        others.append(other)
    attendances = _register_for_event(request.event, [person, *others], by=by)
    link = create_set_password_link(user, by=by)

    request.organization, request.created_organization = organization, bool(create_new)
    request.membership, request.person, request.user = membership, person, user
    _forget_the_person(request)
    record("approve_registration", request, by=by,
           summary=f"registration {request.id} → {organization.name} ({membership.hub.short_name})",
           message=messages.message("registration.approved", id=request.id, organization=organization.name,
                                    hub=membership.hub.short_name),
           changes={"organization_id": organization.id, "created_organization": bool(create_new),
                    "membership_id": membership.id, "person_id": person.id, "user_id": user.id})
    registration_approved.send(request, attendances=attendances, by=by)
    return Approval(request=request, organization=organization, created_organization=bool(create_new),
                    membership=membership, person=person, user=user, link=link, delegates=others,
                    attendances=attendances)


def _register_for_event(event: Session | None, people: list[Person], *, by) -> list[Attendance]:
    """Everyone's attendance of the event, "registered" (an earlier answer is overwritten: they registered
    now). A cancelled event registers nobody."""
    if event is None or event.status == SessionStatus.CANCELLED:
        return []
    people = list({p.id: p for p in people}.values())
    record_attendance(event, [(p, AttendanceStatus.REGISTERED) for p in people], by=by)
    return list(db.session.scalars(select(Attendance).where(
        Attendance.session_id == event.id, Attendance.person_id.in_([p.id for p in people]))
        .order_by(Attendance.person_id)))


@guarded(can_decide, ONLY_ADMINS)
def reject(request: RegistrationRequest, *, by, reason: str) -> None:
    """Refuse a pending request: nothing is written but the decision, and the person's data in it is blanked."""
    _still_pending(request)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Please give a reason."), "reason")
    if len(reason) > MAX_REASON:
        raise Invalid(_("At most %(n)d characters.", n=MAX_REASON), "reason")
    _claim(request, RequestStatus.REJECTED, by)
    request.rejection_reason = reason
    _forget_the_person(request)
    record("reject_registration", request, by=by, summary=f"registration {request.id}",
           message=messages.message("registration.request", id=request.id))


# Accounts for further delegates -------------------------------------------------------------------

def can_invite(user, delegate: RegistrationDelegate) -> bool:
    return can_decide(user, delegate.request)


def invitable(delegate: RegistrationDelegate) -> bool:
    """A further delegate of an approved request who is a person with an email and no account yet."""
    person = delegate.person
    return (delegate.request.status == RequestStatus.APPROVED and person is not None and bool(person.email)
            and person.user is None and person.anonymised_at is None)


@guarded(can_invite, ONLY_ADMINS)
def invite_delegate(delegate: RegistrationDelegate, *, by) -> User:
    """Give a further delegate an account (company representative of their organisation) and mail them the
    link to set its password, through the same services as an approval."""
    if not invitable(delegate):
        raise Conflict(_("This delegate cannot be invited: the registration is not approved, or the person has "
                         "an account already (or no email)."))
    person = delegate.person
    user = create_user(by=by, name=person.name, email=person.email, role=Role.COMPANY,
                       organization=person.organization)
    create_set_password_link(user, by=by)
    record("invite_delegate", delegate.request, by=by, summary=f"registration {delegate.request_id}: person "
           f"{person.id} invited", changes={"person_id": person.id, "user_id": user.id},
           message=messages.message("registration.delegate_invited", id=delegate.request_id, person=person.id))
    return user
