"""API endpoints over processes, hubs, organisations, people, memberships, goals and figures.

The same services as the web pages do the work (tracker/hubs/services.py, processes/services.py);
this module only translates JSON to calls and answers back.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import func, select

from tracker.api.core import PAGE_QUERY, ApiError, endpoint, get_or_404, get_referenced, paginated, require_api
from tracker.api.schemas import (
    GoalIn,
    GoalOut,
    HubIn,
    HubOut,
    MemberIn,
    MembershipOut,
    MoveIn,
    OrganizationIn,
    OrganizationOut,
    PersonIn,
    PersonOut,
    ProcessIn,
    ProcessOut,
    StatsOut,
)
from tracker.audit.services import record
from tracker.extensions import db
from tracker.goals import services as goals
from tracker.goals.models import GuidingGoal
from tracker.hubs import services as hubs
from tracker.hubs.models import Hub, HubMembership
from tracker.measures.models import MeasureStatus
from tracker.organizations.models import Organization, Person, name_key
from tracker.permissions import (
    can_manage_hub,
    can_view_people_of,
    can_view_process,
    is_admin,
    is_internal_anywhere,
    is_steering,
    represents,
)
from tracker.processes import services as processes
from tracker.processes.models import Process


def dump(schema, obj, **extra) -> dict:
    return schema.model_validate(obj).model_dump(mode="json") | extra


def hub_json(hub: Hub) -> dict:
    return HubOut.model_validate({**_columns(hub), "lead_organization_ids": [o.id for o in hub.lead_organizations]}) \
        .model_dump(mode="json")


def membership_json(membership: HubMembership) -> dict:
    return MembershipOut.model_validate({**_columns(membership),
                                         "delegate_ids": [p.id for p in membership.delegates]}).model_dump(mode="json")


def _columns(obj) -> dict:
    return {column.key: getattr(obj, column.key) for column in obj.__mapper__.column_attrs}


def _organizations(ids: list[int]) -> list[Organization]:
    found = list(db.session.scalars(select(Organization).where(Organization.id.in_(ids)))) if ids else []
    missing = sorted(set(ids) - {o.id for o in found})
    if missing:
        raise ApiError(400, "validation_error", "Unknown organisations.",
                       {"lead_organization_ids": f"unknown ids: {missing}"})
    return found


# Processes -----------------------------------------------------------------------------------

@endpoint("/processes", "GET", "List processes", response=ProcessOut, query=PAGE_QUERY, tag="processes")
def list_processes():
    return paginated(select(Process).order_by(Process.id), lambda p: dump(ProcessOut, p))


@endpoint("/processes", "POST", "Create a process (admins)", body=ProcessIn, response=ProcessOut,
          errors=(400, 403), tag="processes", status=201)
def create_process(data: ProcessIn):
    require_api(is_admin(current_user), "Only administrators create processes.")
    process = Process(**data.model_dump())
    db.session.add(process)
    db.session.flush()
    record("create", process, by=current_user, summary=process.name)
    db.session.commit()
    return dump(ProcessOut, process)


@endpoint("/processes/{process_id}/stats", "GET", "Key figures of a process", response=StatsOut,
          errors=(403, 404), tag="processes")
def process_stats(process_id: int):
    process = get_or_404(Process, process_id, "Process")
    require_api(can_view_process(current_user, process))
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
          errors=(403, 404), tag="hubs")
def list_hubs(process_id: int):
    process = get_or_404(Process, process_id, "Process")
    require_api(can_view_process(current_user, process))
    return paginated(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position, Hub.id), hub_json)


@endpoint("/processes/{process_id}/hubs", "POST", "Create a hub (steering)", body=HubIn, response=HubOut,
          errors=(400, 403, 404, 409), tag="hubs", status=201)
def create_hub(process_id: int, data: HubIn):
    process = get_or_404(Process, process_id, "Process")
    require_api(is_steering(current_user, process), "Only the steering group creates hubs.")
    if db.session.scalar(select(Hub.id).where(Hub.process_id == process.id, Hub.name == data.name)):
        raise ApiError(409, "conflict", f"The process already has a hub named {data.name!r}.", {"name": "taken"})
    position = (db.session.scalar(select(func.max(Hub.position)).where(Hub.process_id == process.id)) or 0) + 1
    hub = Hub(process=process, name=data.name, short_name=data.short_name, colour=data.colour,
              description=data.description, position=position,
              lead_organizations=_organizations(data.lead_organization_ids))
    db.session.add(hub)
    db.session.flush()
    record("create", hub, by=current_user, summary=hub.name)
    db.session.commit()
    return hub_json(hub)


@endpoint("/hubs/{hub_id}/members", "POST", "Add an organisation to a hub", body=MemberIn, response=MembershipOut,
          errors=(400, 403, 404, 409), tag="hubs", status=201)
def add_member(hub_id: int, data: MemberIn):
    hub = get_or_404(Hub, hub_id, "Hub")
    organization = get_referenced(Organization, data.organization_id, "organization_id", "Organisation")
    require_api(can_manage_hub(current_user, hub) or represents(current_user, organization),
                "Only the hub's moderators, the steering group or the organisation itself may do this.")
    delegates = list(db.session.scalars(select(Person).where(Person.id.in_(data.delegate_ids)))) \
        if data.delegate_ids else []
    if len(delegates) != len(set(data.delegate_ids)):
        raise ApiError(400, "validation_error", "Unknown people.", {"delegate_ids": "unknown ids"})
    try:
        membership = hubs.join_hub(organization, hub, by=current_user)
    except hubs.MembershipConflict as conflict:
        raise ApiError(409, "conflict", str(conflict), {"organization_id": "already in another hub"}) from None
    for person in delegates:
        if person not in membership.delegates:
            membership.delegates.append(person)
    db.session.commit()
    return membership_json(membership)


@endpoint("/organizations/{organization_id}/hub", "POST", "Move an organisation to another hub of the same process",
          body=MoveIn, response=MembershipOut, errors=(400, 403, 404), tag="hubs", status=201)
def move_organization(organization_id: int, data: MoveIn):
    organization = get_or_404(Organization, organization_id, "Organisation")
    hub = get_referenced(Hub, data.hub_id, "hub_id", "Hub")
    require_api(is_steering(current_user, hub.process) or represents(current_user, organization),
                "Only the steering group or the organisation itself moves it.")
    membership = hubs.move_to_hub(organization, hub, by=current_user)
    db.session.commit()
    return membership_json(membership)


# Organisations and people --------------------------------------------------------------------

@endpoint("/organizations", "GET", "List organisations", response=OrganizationOut, query=PAGE_QUERY,
          tag="organizations")
def list_organizations():
    return paginated(select(Organization).order_by(Organization.id), lambda o: dump(OrganizationOut, o))


@endpoint("/organizations", "POST", "Create an organisation", body=OrganizationIn, response=OrganizationOut,
          errors=(400, 403, 409), tag="organizations", status=201)
def create_organization(data: OrganizationIn):
    require_api(is_internal_anywhere(current_user), "Only partners (steering, moderators) create organisations.")
    if db.session.scalar(select(Organization.id).where(Organization.name_key == name_key(data.name))):
        raise ApiError(409, "conflict", f"An organisation named {data.name!r} exists already.", {"name": "taken"})
    organization = Organization(**data.model_dump())
    db.session.add(organization)
    db.session.flush()
    record("create", organization, by=current_user, summary=organization.name)
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


@endpoint("/people", "POST", "Create a person", body=PersonIn, response=PersonOut, errors=(400, 403, 409),
          tag="people", status=201)
def create_person(data: PersonIn):
    organization = (get_referenced(Organization, data.organization_id, "organization_id", "Organisation")
                    if data.organization_id else None)
    require_api(is_internal_anywhere(current_user) or represents(current_user, organization),
                "Only partners, or representatives of the organisation, add people.")
    email = data.email.lower() if data.email else None
    if email and db.session.scalar(select(Person.id).where(Person.email == email)):
        raise ApiError(409, "conflict", f"A person with the email {email} exists already.", {"email": "taken"})
    person = Person(name=data.name, email=email, organization=organization, function=data.function)
    db.session.add(person)
    db.session.flush()
    record("create", person, by=current_user, summary=f"person {person.id}")
    db.session.commit()
    return person_json(person)


# Guiding goals -------------------------------------------------------------------------------

@endpoint("/processes/{process_id}/goals", "GET", "List the guiding goals of a process", response=GoalOut,
          query=PAGE_QUERY, errors=(403, 404), tag="goals")
def list_goals(process_id: int):
    process = get_or_404(Process, process_id, "Process")
    require_api(can_view_process(current_user, process))
    return paginated(select(GuidingGoal).where(GuidingGoal.process_id == process.id).order_by(GuidingGoal.number),
                     lambda goal: dump(GoalOut, goal))


@endpoint("/processes/{process_id}/goals", "POST", "Create a guiding goal (steering); without a number it is "
          "numbered after the last one", load=(Process, "process_id"), check=goals.create, body=GoalIn,
          response=GoalOut, errors=(409,), tag="goals", status=201)
def create_goal(process: Process, data: GoalIn):
    goal = goals.create(process, by=current_user, **data.model_dump())
    db.session.commit()
    return dump(GoalOut, goal)

