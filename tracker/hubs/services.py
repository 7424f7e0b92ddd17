"""Hubs and the organisations that work in them.

The steering group defines a process's hubs (`create_hub`, `update_hub`) and their moderators
(`assign_moderators`, also behind `set_moderated_hubs` of the user administration and the CLI).
Memberships: one hub per organisation per process, a move closes the old row so the history stays
(`join_hub`, `move_to_hub`); a membership's delegates are people of that organisation
(`add_delegate`, `remove_delegate`). The hub's moderators and the steering group act for any
organisation, a company representative for their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

import tracker.hubs.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.accounts.models import Role, User
from tracker.audit.services import changed_fields, record
from tracker.errors import Conflict, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.hubs.models import Hub, HubMembership
from tracker.hubs.queries import current_membership, membership_history
from tracker.model_types import utcnow
from tracker.organizations.models import Organization, Person
from tracker.organizations.names import clean_name, name_key
from tracker.permissions import can_manage_hub, guarded, is_admin, is_steering, is_steering_anywhere, represents
from tracker.privacy.rules import refuse_anonymised
from tracker.processes.models import Process

__all__ = [
    "acts_for", "add_delegate", "assign_moderators", "can_choose_hub", "can_move_organization",
    "create_hub", "current_membership", "join_hub", "may_place", "membership_history", "move_to_hub",
    "remove_delegate", "set_moderated_hubs", "update_hub",
]

ONLY_STEERING = _l("Only the steering group defines hubs and their moderators.")
NOT_YOURS = _l("Only the hub's moderators, the steering group or the organisation itself may do this.")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_POSITION = 1000


# Who may ------------------------------------------------------------------------------------------

def can_define_hubs(user, process: Process) -> bool:
    return is_steering(user, process)


def can_edit_hub(user, hub: Hub) -> bool:
    return is_steering(user, hub.process)


def acts_for(user, organization: Organization | None) -> bool:
    """A company representative acting for their own organisation."""
    return represents(user, organization) and user.role == Role.COMPANY


def may_place(user, organization: Organization, hub: Hub) -> bool:
    """Who puts an organisation into a hub: its moderators and steering any, a company representative its own."""
    return can_manage_hub(user, hub) or acts_for(user, organization)


def can_move_organization(user, organization: Organization) -> bool:
    """Who moves an organisation to another hub: its own company representatives and the steering group
    (a hub's moderators add organisations to their hub, but do not take them out of another one). Which
    process's steering group may is checked on the hubs (move_to_hub)."""
    return is_steering_anywhere(user) or acts_for(user, organization)


def can_choose_hub(user, process: Process) -> bool:
    """The page where one chooses the hub of one's own organisation: company representatives (partners
    are no hub members) and administrators."""
    organization = getattr(user, "organization", None)
    return organization is not None and (acts_for(user, organization) or is_admin(user))


def can_manage_delegates(user, membership: HubMembership) -> bool:
    return may_place(user, membership.organization, membership.hub)


# Hubs ---------------------------------------------------------------------------------------------

def _name(process: Process, name: str, hub: Hub | None = None) -> str:
    name = clean_name(name)
    if not name:
        raise Invalid(_("Please give the hub a name."), "name")
    if len(name) > 200:
        raise Invalid(_("At most %(n)d characters.", n=200), "name")
    others = db.session.scalars(select(Hub.name).where(Hub.process_id == process.id,
                                                       Hub.id != (hub.id if hub is not None else 0)))
    if name_key(name) in {name_key(other) for other in others}:
        raise Conflict(_("The process already has a hub with this name."), "name")
    return name


def _short_name(short_name: str) -> str:
    short_name = clean_name(short_name)
    if not short_name:
        raise Invalid(_("Please give the hub a short name."), "short_name")
    if len(short_name) > 40:
        raise Invalid(_("At most %(n)d characters.", n=40), "short_name")
    return short_name


def _colour(colour: str) -> str:
    if not COLOUR.match(colour or ""):
        raise Invalid(_("A colour like #1f5f99."), "colour")
    return colour


def _position(process: Process, position: int | None) -> int:
    """The position given, or the place after the last hub of the process."""
    if position is None:
        return (db.session.scalar(select(func.max(Hub.position)).where(Hub.process_id == process.id)) or 0) + 1
    if not 0 <= position <= MAX_POSITION:
        raise Invalid(_("The position lies between 0 and %(n)d.", n=MAX_POSITION), "position")
    return position


@guarded(can_define_hubs, ONLY_STEERING)
def create_hub(process: Process, *, by, name: str, short_name: str, colour: str = "#3b6ea5", description: str = "",
               lead_organizations: Iterable[Organization] = (), moderators: Iterable[User] = (),
               position: int | None = None) -> Hub:
    """A new hub of the process, placed where given or after the last one."""
    with db.session.no_autoflush:
        hub = Hub(process_id=process.id, name=_name(process, name), short_name=_short_name(short_name),
                  colour=_colour(colour), description=description or "", position=_position(process, position),
                  lead_organizations=list(lead_organizations))
    db.session.add(hub)
    db.session.flush()
    record("create", hub, by=by, summary=hub.name)
    assign_moderators(hub, moderators, by=by)
    return hub


@guarded(can_edit_hub, ONLY_STEERING)
def update_hub(hub: Hub, *, by, expected_version: int, name: str, short_name: str, colour: str, description: str,
               lead_organizations: Iterable[Organization], moderators: Iterable[User],
               position: int | None = None) -> None:
    """Save a hub read at `expected_version`; without a position it keeps its place."""
    if expected_version != hub.version:
        raise StaleVersion(hub, version=hub.version)
    with db.session.no_autoflush:
        values = dict(name=_name(hub.process, name, hub), short_name=_short_name(short_name), colour=_colour(colour),
                      description=description or "",
                      position=hub.position if position is None else _position(hub.process, position))
    for field, value in values.items():
        setattr(hub, field, value)
    leads_before = [o.id for o in hub.lead_organizations]
    hub.lead_organizations = list(lead_organizations)
    changes = changed_fields(hub)
    if leads_before != [o.id for o in hub.lead_organizations]:
        changes["lead_organization_ids"] = [leads_before, [o.id for o in hub.lead_organizations]]
    if changes:
        record("update", hub, by=by, changes=changes, summary=hub.name)
    assign_moderators(hub, moderators, by=by)


@guarded(can_edit_hub, ONLY_STEERING)
def assign_moderators(hub: Hub, users: Iterable[User], *, by) -> None:
    """Make exactly these users the hub's moderators; only users with the moderator role qualify."""
    users = list(dict.fromkeys(users))
    wrong = [user for user in users if user.role != Role.MODERATOR]
    if wrong:
        raise Invalid(_("Only users with the moderator role moderate hubs: %(names)s.",
                        names=", ".join(user.name for user in wrong)), "moderator_ids")
    before = sorted(user.id for user in hub.moderators)
    after = sorted(user.id for user in users)
    if before == after:
        return
    hub.moderators = users
    record("assign_moderators", hub, by=by, changes={"moderator_ids": [before, after]}, summary=hub.name)


def set_moderated_hubs(user: User, hubs: Iterable[Hub], *, by) -> None:
    """Make the user a moderator of exactly these hubs, hub by hub through `assign_moderators`."""
    wanted = {hub.id: hub for hub in hubs}
    current = {hub.id: hub for hub in user.moderated_hubs}
    for hub_id in sorted(wanted.keys() ^ current.keys()):
        hub = wanted.get(hub_id) or current[hub_id]
        others = [moderator for moderator in hub.moderators if moderator.id != user.id]
        try:
            assign_moderators(hub, others + ([user] if hub_id in wanted else []), by=by)
        except Invalid as problem:
            raise Invalid(problem.message, "hub_ids") from None


# Memberships --------------------------------------------------------------------------------------

def _may_place(by, organization: Organization, hub: Hub) -> None:
    if not may_place(by, organization, hub):
        raise NotAllowed(NOT_YOURS)


def join_hub(organization: Organization, hub: Hub, *, by) -> HubMembership:
    """Make the organisation a member of the hub; refused if it already chose another hub."""
    _may_place(by, organization, hub)
    existing = current_membership(organization, hub.process)
    if existing is not None:
        if existing.hub_id == hub.id:
            return existing
        raise Conflict(
            _("%(organization)s already works in the hub “%(hub)s” of this process. "
              "Move it instead of adding it twice.", organization=organization.name, hub=existing.hub.name),
            "organization_id")
    membership = HubMembership(process_id=hub.process_id, hub=hub, organization=organization,
                               created_by_id=getattr(by, "id", None))
    db.session.add(membership)
    db.session.flush()
    record("join_hub", membership, by=by, summary=f"{organization.name} → {hub.short_name}",
           changes={"organization_id": organization.id, "hub_id": hub.id})
    return membership


@guarded(can_move_organization, NOT_YOURS)
def move_to_hub(organization: Organization, hub: Hub, *, by) -> HubMembership:
    """Close the current membership and open one in the new hub; the old row stays as history.

    Whoever moves it must be allowed to place the organisation in the new hub and to take it out
    of the old one.
    """
    _may_place(by, organization, hub)
    existing = current_membership(organization, hub.process)
    if existing is not None and existing.hub_id == hub.id:
        return existing
    if existing is not None:
        _may_place(by, organization, existing.hub)
    delegates = list(existing.delegates) if existing else []
    if existing is not None:
        existing.left_at = utcnow()
        db.session.flush()
    membership = HubMembership(process_id=hub.process_id, hub=hub, organization=organization,
                               created_by_id=getattr(by, "id", None), delegates=delegates)
    db.session.add(membership)
    db.session.flush()
    record("move_hub", membership, by=by, summary=f"{organization.name} → {hub.short_name}",
           changes={"hub_id": [existing.hub_id if existing else None, hub.id]})
    return membership


@guarded(can_manage_delegates, NOT_YOURS)
def add_delegate(membership: HubMembership, person: Person, *, by) -> None:
    """Add a delegate, who must be a person of the membership's organisation (they get the hub's invitations)."""
    refuse_anonymised(person, "delegate_ids")
    if person.organization_id != membership.organization_id:
        raise Invalid(_("%(person)s is not a person of %(organization)s; only its own people can be its delegates.",
                        person=person.name, organization=membership.organization.name), "delegate_ids")
    if person not in membership.delegates:
        membership.delegates.append(person)
        record("update", membership, by=by, summary=f"delegate {person.id} added",
               message=messages.message("hubs.delegate_added", person=person.id),
               changes={"delegate_added": person.id})


@guarded(can_manage_delegates, NOT_YOURS)
def remove_delegate(membership: HubMembership, person: Person, *, by) -> None:
    if person in membership.delegates:
        membership.delegates.remove(person)
        record("update", membership, by=by, summary=f"delegate {person.id} removed",
               message=messages.message("hubs.delegate_removed", person=person.id),
               changes={"delegate_removed": person.id})
