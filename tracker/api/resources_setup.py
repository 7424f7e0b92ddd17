"""API endpoints for the rest of a process's set-up (issue 17, item 1): editing hubs (with their moderators),
guiding goals and organisations (type, consent to be named), and moderator accounts — the same services,
rights and checks as the set-up pages. Each endpoint loads its object (404) and checks the right (403)
before it reads the body; edits send the version they read (409 when someone saved in between)."""

from __future__ import annotations

from typing import Annotated, Literal

from flask_login import current_user
from pydantic import BaseModel, EmailStr, Field

from tracker.accounts import services as accounts
from tracker.accounts.models import Role, User
from tracker.api.core import endpoint, referenced, referenced_all
from tracker.api.resources import dump, hub_json
from tracker.api.schemas import (
    Colour,
    GoalOut,
    HubOut,
    Id,
    LongText,
    Name,
    OrganizationOut,
    ShortName,
    ShortText,
    Strict,
    line,
)
from tracker.extensions import db
from tracker.goals import services as goals
from tracker.goals.models import GuidingGoal
from tracker.hubs import services as hubs
from tracker.hubs.models import Hub
from tracker.organizations import services as directory
from tracker.organizations.models import Organization, OrganizationType, SizeClass

Version = Annotated[int, Field(ge=1, le=2_147_483_647)]


class HubPatch(Strict):
    """Only the fields given change; `version` must be the one last read."""

    version: Version
    name: Name | None = None
    short_name: ShortName | None = None
    colour: Colour | None = None
    description: LongText | None = None
    position: Annotated[int, Field(ge=0, le=1000)] | None = None
    lead_organization_ids: list[Id] | None = Field(default=None, max_length=50)
    moderator_ids: list[Id] | None = Field(default=None, max_length=50)


@endpoint("/hubs/{hub_id}", "PATCH", "Change a hub: name, colour, description, place, lead organisations and "
          "moderators (steering; send the version you read)", load=(Hub, "hub_id"), check=hubs.update_hub,
          body=HubPatch, response=HubOut, errors=(409,), tag="hubs")
def patch_hub(hub: Hub, data: HubPatch):
    given = data.model_fields_set
    leads = referenced_all(Organization, data.lead_organization_ids, "lead_organization_ids") \
        if "lead_organization_ids" in given else list(hub.lead_organizations)
    moderators = referenced_all(User, data.moderator_ids, "moderator_ids") \
        if "moderator_ids" in given else list(hub.moderators)
    hubs.update_hub(hub, by=current_user, expected_version=data.version,
                    name=data.name if data.name is not None else hub.name,
                    short_name=data.short_name if data.short_name is not None else hub.short_name,
                    colour=data.colour or hub.colour,
                    description=data.description if data.description is not None else hub.description,
                    position=data.position, lead_organizations=leads, moderators=moderators)
    db.session.commit()
    return hub_json(hub)


class GoalPatch(Strict):
    version: Version
    title: Name | None = None
    introduction: LongText | None = None
    objective: LongText | None = None


@endpoint("/goals/{goal_id}", "PATCH", "Change a guiding goal (steering; send the version you read)",
          load=(GuidingGoal, "goal_id"), check=goals.update, body=GoalPatch, response=GoalOut, errors=(409,),
          tag="goals")
def patch_goal(goal: GuidingGoal, data: GoalPatch):
    fields = {name: getattr(data, name) for name in data.model_fields_set - {"version"}
              if getattr(data, name) is not None}
    goals.update(goal, by=current_user, expected_version=data.version, **fields)
    db.session.commit()
    return dump(GoalOut, goal)


class MoveIn(Strict):
    direction: Literal[-1, 1]


@endpoint("/goals/{goal_id}/move", "POST", "Swap a guiding goal with the one before (-1) or after (1) it (steering)",
          load=(GuidingGoal, "goal_id"), check=goals.move, body=MoveIn, response=GoalOut, tag="goals")
def move_goal(goal: GuidingGoal, data: MoveIn):
    goals.move(goal, data.direction, by=current_user)
    db.session.commit()
    return dump(GoalOut, goal)


class OrganizationPatch(Strict):
    """Only the fields given change; `version` must be the one last read. `consents_to_be_named` is the
    organisation's recorded consent to be named in the published plan (the plan respects it)."""

    version: Version
    name: Name | None = None
    type: OrganizationType | None = None
    sector: ShortText | None = None
    size_class: SizeClass | None = None
    website: line(255) | None = None
    consents_to_be_named: bool | None = None


@endpoint("/organizations/{organization_id}", "PATCH", "Change an organisation: name, type, sector, size, website "
          "and its consent to be named (steering, or its own representatives; send the version you read)",
          load=(Organization, "organization_id"), check=directory.update_organization, body=OrganizationPatch,
          response=OrganizationOut, errors=(409,), tag="organizations")
def patch_organization(organization: Organization, data: OrganizationPatch):
    given = data.model_fields_set

    def value(name: str):
        return getattr(data, name) if name in given else getattr(organization, name)

    directory.update_organization(
        organization, by=current_user, expected_version=data.version, name=data.name or organization.name,
        type=data.type or organization.type, sector=value("sector"), size_class=value("size_class"),
        website=value("website"),
        consents_to_be_named=organization.consents_to_be_named if data.consents_to_be_named is None
        else data.consents_to_be_named)
    db.session.commit()
    return dump(OrganizationOut, organization)


class UserIn(Strict):
    """A login for a new or a known person (matched by email); without a password it waits for a set-password
    link (POST /users/{id}/set-password-link)."""

    name: Name
    email: EmailStr
    role: Role
    function: ShortText | None = None
    organization_id: Id | None = None
    moderated_hub_ids: list[Id] = Field(default_factory=list, max_length=50)


class UserOut(BaseModel):
    id: int
    person_id: int
    name: str
    email: str
    role: Role
    organization_id: int | None
    moderated_hub_ids: list[int]


class LinkOut(BaseModel):
    link: str


def user_json(user: User) -> dict:
    return UserOut(id=user.id, person_id=user.person_id, name=user.name, email=user.email, role=user.role,
                   organization_id=user.person.organization_id,
                   moderated_hub_ids=sorted(h.id for h in user.moderated_hubs)).model_dump(mode="json")


@endpoint("/users", "POST", "Create an account, e.g. a hub's moderator (administrators)",
          check=accounts.can_manage_accounts, body=UserIn, response=UserOut, errors=(409,), tag="users", status=201)
def create_user(data: UserIn):
    user = accounts.create_user(
        by=current_user, name=data.name, email=str(data.email), role=data.role, function=data.function,
        organization=referenced(Organization, data.organization_id, "organization_id", "Organisation"),
        moderated_hubs=referenced_all(Hub, data.moderated_hub_ids, "moderated_hub_ids"))
    db.session.commit()
    return user_json(user)


@endpoint("/users/{user_id}/set-password-link", "POST", "Mail the user a link to set their password (valid for a "
          "week) and return it (administrators)", load=(User, "user_id"), check=accounts.create_set_password_link,
          response=LinkOut, tag="users", status=201)
def set_password_link(user: User):
    link = accounts.create_set_password_link(user, by=current_user)
    db.session.commit()
    return {"link": link}
