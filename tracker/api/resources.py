"""API endpoints over processes, hubs, organisations, people, memberships, goals and figures.

The same services as the web pages do the work (hubs, organizations, processes, goals); each endpoint
declares the object it works on and the right it needs there, and only translates JSON to calls and back.
Rights on objects named in the body (the organisation a member is, the hub an organisation moves to,
the organisation a new person belongs to) are checked by the service right after loading them (403).
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import User
from tracker.api.core import PAGE_QUERY, endpoint, paginated, referenced, referenced_all
from tracker.api.schemas import (
    GoalIn,
    GoalOut,
    HubIn,
    HubOut,
    MailPreferencesIn,
    MailPreferencesOut,
    MemberIn,
    MembershipOut,
    MoveIn,
    OrganizationIn,
    OrganizationOut,
    PersonIn,
    PersonOut,
    ProcessIn,
    ProcessOut,
    ProcessPatch,
    StatsOut,
    SteeringIn,
    SteeringOut,
)
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.goals import services as goals
from tracker.goals.models import GuidingGoal
from tracker.hubs import services as hubs
from tracker.hubs.models import Hub, HubMembership
from tracker.mail import services as mail
from tracker.mail.models import MailKind
from tracker.measures.models import MeasureStatus
from tracker.organizations import services as directory
from tracker.organizations.models import Organization, Person
from tracker.permissions import can_manage_hub, can_view_people_of, can_view_process, is_internal, is_internal_anywhere
from tracker.processes import services as processes
from tracker.processes.models import Process


def dump(schema, obj, **extra) -> dict:
    return schema.model_validate(obj).model_dump(mode="json") | extra


def hub_json(hub: Hub) -> dict:
    return HubOut.model_validate({**_columns(hub), "lead_organization_ids": [o.id for o in hub.lead_organizations],
                                  "moderator_ids": [u.id for u in hub.moderators]}).model_dump(mode="json")


def membership_json(membership: HubMembership) -> dict:
    return MembershipOut.model_validate({**_columns(membership),
                                         "delegate_ids": [p.id for p in membership.delegates]}).model_dump(mode="json")


def _columns(obj) -> dict:
    return {column.key: getattr(obj, column.key) for column in obj.__mapper__.column_attrs}


# Processes -----------------------------------------------------------------------------------

def process_json(process: Process) -> dict:
    return ProcessOut.model_validate({
        **_columns(process), "partner_ids": [o.id for o in process.partners],
        "phases": [{"phase": p.phase, "starts_on": p.starts_on, "ends_on": p.ends_on}
                   for p in sorted(process.phase_dates, key=lambda p: p.phase.position)]}).model_dump(mode="json")


@endpoint("/processes", "GET", "List processes", response=ProcessOut, query=PAGE_QUERY, tag="processes")
def list_processes():
    return paginated(select(Process).order_by(Process.id).options(selectinload(Process.partners),
                                                                  selectinload(Process.phase_dates)), process_json)


@endpoint("/processes", "POST", "Create a process (admins)", check=processes.can_create_processes, body=ProcessIn,
          response=ProcessOut, tag="processes", status=201)
def create_process(data: ProcessIn):
    fields = data.model_dump(exclude={"partner_ids"})
    partners = referenced_all(Organization, data.partner_ids, "partner_ids")
    process = processes.create_process(by=current_user, partners=partners, **fields)
    db.session.commit()
    return process_json(process)


@endpoint("/processes/{process_id}", "GET", "A process", load=(Process, "process_id"), check=can_view_process,
          response=ProcessOut, tag="processes")
def get_process(process: Process):
    return process_json(process)


@endpoint("/processes/{process_id}", "PATCH", "Change the set-up of a process (steering; send the version you read)",
          load=(Process, "process_id"), check=processes.update_process, body=ProcessPatch, response=ProcessOut,
          errors=(409,), tag="processes")
def patch_process(process: Process, data: ProcessPatch):
    given = data.model_fields_set - {"version", "partner_ids"}
    changes = {name: getattr(data, name) for name in given}
    for name in ("name", "city", "starts_on", "ends_on", "purpose", "foreword", "phases"):
        if name in changes and changes[name] is None:
            raise Invalid(f"{name} cannot be null.", name)
    if "partner_ids" in data.model_fields_set:
        changes["partners"] = referenced_all(Organization, data.partner_ids, "partner_ids")
    if changes.get("phases") is not None:
        changes["phases"] = [p.model_dump() for p in changes["phases"]]
    processes.update_process(process, by=current_user, expected_version=data.version, **changes)
    db.session.commit()
    return process_json(process)


def steering_json(process: Process) -> dict:
    return SteeringOut(process_id=process.id, user_ids=[u.id for u in process.steering_members]).model_dump(mode="json")


@endpoint("/processes/{process_id}/steering", "GET", "The steering group of a process (its partners: steering, "
          "moderators, admins)", load=(Process, "process_id"), check=is_internal, response=SteeringOut,
          tag="processes")
def get_steering(process: Process):
    return steering_json(process)


@endpoint("/processes/{process_id}/steering", "PUT", "Set the steering group of a process (admins and its steering "
          "group; logins with the role steering)", load=(Process, "process_id"), check=processes.set_steering_members,
          body=SteeringIn, response=SteeringOut, tag="processes")
def put_steering(process: Process, data: SteeringIn):
    processes.set_steering_members(process, referenced_all(User, data.user_ids, "user_ids"), by=current_user)
    db.session.commit()
    return steering_json(process)


@endpoint("/processes/{process_id}/stats", "GET", "Key figures of a process", response=StatsOut,
          load=(Process, "process_id"), check=can_view_process, tag="processes")
def process_stats(process: Process):
    figures = processes.figures(process)
    count = figures.by_status.get
    return StatsOut(
        organizations=figures.organizations, people=figures.people, sessions=figures.sessions,
        working_hours=figures.working_hours, ideas=figures.ideas, in_review=count(MeasureStatus.IN_REVIEW, 0),
        proposals=count(MeasureStatus.PROPOSAL, 0), prioritised=count(MeasureStatus.PRIORITISED, 0),
        adopted=count(MeasureStatus.ADOPTED, 0), in_progress=count(MeasureStatus.IN_PROGRESS, 0),
        completed=count(MeasureStatus.COMPLETED, 0), merged=count(MeasureStatus.MERGED, 0),
        rejected=count(MeasureStatus.REJECTED, 0), withdrawn=count(MeasureStatus.WITHDRAWN, 0),
        on_hold=count(MeasureStatus.ON_HOLD, 0), focus_projects=figures.focus_projects,
    ).model_dump(mode="json")


# Hubs and memberships ------------------------------------------------------------------------

@endpoint("/processes/{process_id}/hubs", "GET", "List the hubs of a process", response=HubOut, query=PAGE_QUERY,
          load=(Process, "process_id"), check=can_view_process, tag="hubs")
def list_hubs(process: Process):
    return paginated(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position, Hub.id)
                     .options(selectinload(Hub.lead_organizations), selectinload(Hub.moderators)), hub_json)


@endpoint("/processes/{process_id}/hubs", "POST", "Create a hub (steering); without a position it comes after the "
          "last hub", load=(Process, "process_id"), check=hubs.create_hub, body=HubIn, response=HubOut,
          errors=(409,), tag="hubs", status=201)
def create_hub(process: Process, data: HubIn):
    hub = hubs.create_hub(
        process, by=current_user, name=data.name, short_name=data.short_name, colour=data.colour,
        description=data.description, position=data.position,
        lead_organizations=referenced_all(Organization, data.lead_organization_ids, "lead_organization_ids"),
        moderators=referenced_all(User, data.moderator_ids, "moderator_ids"))
    db.session.commit()
    return hub_json(hub)


@endpoint("/hubs/{hub_id}/members", "POST", "Add an organisation to a hub (its moderators and the steering group; "
          "a company chooses its hub with POST /organizations/{id}/hub), with delegates of that organisation",
          load=(Hub, "hub_id"), check=can_manage_hub, body=MemberIn, response=MembershipOut, errors=(409,),
          tag="hubs", status=201)
def add_member(hub: Hub, data: MemberIn):
    organization = referenced(Organization, data.organization_id, "organization_id", "Organisation")
    delegates = referenced_all(Person, data.delegate_ids, "delegate_ids")
    membership = hubs.join_hub(organization, hub, by=current_user)
    for person in delegates:
        hubs.add_delegate(membership, person, by=current_user)
    db.session.commit()
    return membership_json(membership)


@endpoint("/organizations/{organization_id}/hub", "POST", "Move an organisation to another hub of the same "
          "process (its company representatives and the steering group)", load=(Organization, "organization_id"),
          check=hubs.can_move_organization, body=MoveIn,
          response=MembershipOut, tag="hubs", status=201)
def move_organization(organization: Organization, data: MoveIn):
    hub = referenced(Hub, data.hub_id, "hub_id", "Hub")
    membership = hubs.move_to_hub(organization, hub, by=current_user)
    db.session.commit()
    return membership_json(membership)


# Organisations and people --------------------------------------------------------------------

@endpoint("/organizations", "GET", "List organisations", response=OrganizationOut, query=PAGE_QUERY,
          tag="organizations")
def list_organizations():
    return paginated(select(Organization).order_by(Organization.id), lambda o: dump(OrganizationOut, o))


@endpoint("/organizations", "POST", "Create an organisation (partners); a name that exists in any spelling is a "
          "conflict", check=directory.can_create_organizations, body=OrganizationIn, response=OrganizationOut,
          errors=(409,), tag="organizations", status=201)
def create_organization(data: OrganizationIn):
    organization = directory.create_organization(by=current_user, **data.model_dump())
    db.session.commit()
    return dump(OrganizationOut, organization)


def person_json(person: Person) -> dict:
    data = dump(PersonOut, person)
    if not can_view_people_of(current_user, person.organization) if person.organization else \
            not is_internal_anywhere(current_user):
        data["email"] = None  # contact data only for partners and the person's own organisation
    return data


@endpoint("/people", "GET", "List people (partners see all; others their own organisation)", response=PersonOut,
          query=PAGE_QUERY, tag="people")
def list_people():
    statement = select(Person).where(Person.anonymised_at.is_(None)).order_by(Person.id)
    if not is_internal_anywhere(current_user):
        statement = statement.where(Person.organization_id == current_user.person.organization_id)
    return paginated(statement, person_json)


@endpoint("/people", "POST", "Create a person (partners; a company representative for their own organisation)",
          check=directory.can_add_people, body=PersonIn, response=PersonOut, errors=(409,), tag="people", status=201)
def create_person(data: PersonIn):
    organization = referenced(Organization, data.organization_id, "organization_id", "Organisation")
    person = directory.create_person(by=current_user, name=data.name, email=data.email, organization=organization,
                                     function=data.function)
    db.session.commit()
    return person_json(person)


# Guiding goals -------------------------------------------------------------------------------

@endpoint("/processes/{process_id}/goals", "GET", "List the guiding goals of a process", response=GoalOut,
          query=PAGE_QUERY, load=(Process, "process_id"), check=can_view_process, tag="goals")
def list_goals(process: Process):
    return paginated(select(GuidingGoal).where(GuidingGoal.process_id == process.id).order_by(GuidingGoal.number),
                     lambda goal: dump(GoalOut, goal))


@endpoint("/processes/{process_id}/goals", "POST", "Create a guiding goal (steering); without a number it is "
          "numbered after the last one", load=(Process, "process_id"), check=goals.create, body=GoalIn,
          response=GoalOut, errors=(409,), tag="goals", status=201)
def create_goal(process: Process, data: GoalIn):
    goal = goals.create(process, by=current_user, **data.model_dump())
    db.session.commit()
    return dump(GoalOut, goal)



# The caller's mail settings ------------------------------------------------------------------------------

OPTIONAL_MAIL = [kind for kind in MailKind if kind != MailKind.ACCOUNT]  # account mails are always sent


def can_have_mail_settings(user) -> bool:
    """Every account holder keeps their own mail settings (the system actor has none)."""
    return getattr(user, "person", None) is not None

def _mail_preferences(person) -> dict:
    return {"preferences": {kind.value: mail.wants(person, kind) for kind in OPTIONAL_MAIL}}


@endpoint("/me/mail-preferences", "GET", "The caller's mail settings: each kind of mail and whether it is sent "
          "(news of measures one's organisation supports is off until switched on)", check=can_have_mail_settings,
          response=MailPreferencesOut, tag="mail")
def my_mail_preferences():
    return _mail_preferences(current_user.person)


@endpoint("/me/mail-preferences", "PUT", "Switch kinds of mail on or off, as the profile's mail settings do",
          check=can_have_mail_settings, body=MailPreferencesIn, response=MailPreferencesOut, tag="mail")
def set_my_mail_preferences(data: MailPreferencesIn):
    known = {kind.value: kind for kind in OPTIONAL_MAIL}
    unknown = sorted(set(data.preferences) - set(known))
    if unknown:
        raise Invalid(f"Unknown kinds of mail: {unknown}.", "preferences")
    for name, enabled in data.preferences.items():
        mail.set_preference(current_user.person, known[name], enabled)
    db.session.commit()
    return _mail_preferences(current_user.person)
