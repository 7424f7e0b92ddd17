"""Who may do what. Every view loads its object, then asks one of these, then acts.

Predicates take the object, never only the route, so changing an id in a URL gains nothing.
Steering rights are asked per process, so they can later be scoped to single processes
without touching a call site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user

from tracker.accounts.models import Role

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.hubs.models import Hub
    from tracker.measures.models import Measure
    from tracker.organizations.models import Organization, Person
    from tracker.processes.models import Process
    from tracker.sessions.models import Session


def require(allowed: bool) -> None:
    """Stop with 403 (or send an anonymous visitor to the login) unless allowed."""
    if not allowed:
        abort(403 if current_user.is_authenticated else 401)


def _user(user) -> User | None:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def is_admin(user) -> bool:
    return _user(user) is not None and user.role == Role.ADMIN


def is_steering(user, process: Process | None = None) -> bool:
    """Admins and steering group members: read everything, decide on measures and the plan."""
    return _user(user) is not None and user.role in (Role.ADMIN, Role.STEERING)


def moderates(user, hub: Hub | None) -> bool:
    """A moderator of exactly this hub (admins and steering are not moderators by role)."""
    if hub is None or _user(user) is None or user.role != Role.MODERATOR:
        return False
    return any(h.id == hub.id for h in user.moderated_hubs)


def can_manage_hub(user, hub: Hub | None) -> bool:
    """Run a hub's workshops: its moderators, steering and admins."""
    return hub is not None and (is_steering(user, hub.process) or moderates(user, hub))


def current_hub_id(user, process: Process) -> int | None:
    """The hub a company representative's organisation belongs to in this process."""
    from tracker.hubs.services import current_membership

    if _user(user) is None or user.organization is None:
        return None
    membership = current_membership(user.organization, process)
    return membership.hub_id if membership else None


def is_internal(user, process: Process) -> bool:
    """Partners who see the whole process: steering, admins and any moderator."""
    return is_steering(user, process) or (_user(user) is not None and user.role == Role.MODERATOR)


def can_view_process(user, process: Process) -> bool:
    """Every logged-in participant sees the process overview; the public sees the landing page."""
    return _user(user) is not None


def can_set_phase(user, process: Process) -> bool:
    return is_steering(user, process)


def can_view_session(user, session: Session) -> bool:
    """Partners see every session; companies see process-wide events and their own hub's sessions."""
    if is_internal(user, session.process):
        return True
    if _user(user) is None:
        return False
    return session.hub_id is None or session.hub_id == current_hub_id(user, session.process)


def can_edit_session(user, session: Session) -> bool:
    if session.hub_id is None:
        return is_steering(user, session.process)
    return can_manage_hub(user, session.hub)


def can_read_draft_minutes(user, session: Session) -> bool:
    return can_edit_session(user, session)


def can_view_measure(user, measure: Measure) -> bool:
    return can_view_process(user, measure.process)


def represents(user, organization: Organization | None) -> bool:
    """The user acts for this organisation (company representatives and partners alike)."""
    return (
        organization is not None
        and _user(user) is not None
        and user.person.organization_id == organization.id
    )


def can_view_people_of(user, organization: Organization) -> bool:
    """Names of an organisation's people: partners, and the organisation's own representatives."""
    return is_internal_anywhere(user) or represents(user, organization)


def can_edit_organization(user, organization: Organization) -> bool:
    """Partners of the steering group and admins edit any organisation; a representative their own."""
    return is_steering(user) or (represents(user, organization) and user.role == Role.COMPANY)


def is_internal_anywhere(user) -> bool:
    return _user(user) is not None and user.role in (Role.ADMIN, Role.STEERING, Role.MODERATOR)


def can_view_person(user, person: Person) -> bool:
    if _user(user) is None:
        return False
    if user.person.id == person.id or is_internal_anywhere(user):
        return True
    return represents(user, person.organization)
