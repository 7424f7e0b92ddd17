"""Who may do what.

Predicates take the acting user and the object, never only the route, so changing an id in a
URL gains nothing. A service function declares the predicate of its action once with
`@guarded(predicate)`; the same declaration checks the right when the service runs (web, API,
CLI or importer) and, through `action.allowed`, lets a view or an API endpoint check it right
after loading the object and before reading any input (`load(Model, id, action.allowed)`).
Steering rights are asked per process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tracker.accounts.models import Role
from tracker.arguments import MAX_ID
from tracker.errors import NotAllowed, NotFound
from tracker.extensions import db
from tracker.hubs.queries import current_hub_id_of
from tracker.sessions.models import SessionKind

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.hubs.models import Hub
    from tracker.measures.models import Measure
    from tracker.organizations.models import Organization, Person
    from tracker.processes.models import Process
    from tracker.sessions.models import Session


class SystemActor:
    """Who acts in a command run on the server (CLI, scheduled job): the installation itself.

    It holds every right of an administrator; the audit trail records it without a user.
    """

    id = None
    is_authenticated = True
    is_active = True
    is_anonymous = False
    role = Role.ADMIN
    person = None
    organization = None
    moderated_hubs: list = []
    steering_processes: list = []
    name = "system"

    def __repr__(self) -> str:
        return "<SystemActor>"


SYSTEM = SystemActor()



def require(allowed: bool) -> None:
    """Stop with 403 (or send an anonymous visitor to the login) unless allowed."""
    if not allowed:
        abort(403 if current_user.is_authenticated else 401)


M = TypeVar("M")


def find(model: type[M], object_id: int | None, options: Sequence = ()) -> M | None:
    """The object with this id, or None (also for ids no row can have); `options` load its relations along."""
    if object_id is None or not 0 < object_id <= MAX_ID:
        return None
    return db.session.get(model, object_id, options=options)


def find_with(model: type[M], object_id: int | None, *options) -> M | None:
    """`find` with loader options (the relationships a page reads, loaded with the object)."""
    if object_id is None or not 0 < object_id <= MAX_ID:
        return None
    return db.session.get(model, object_id, options=options)


def load(model: type[M], object_id: int, check: Callable[[Any, M], bool] | None = None, *,
         message: str | None = None, options: Sequence = ()) -> M:
    """The route's object (NotFound, 404) on which the current user has the right `check` (NotAllowed, 403).

    Views and API endpoints call it first, before they read a form or a body. `options` (e.g. joinedload) load
    what the check and the page read of the object in the same query.
    """
    obj = find(model, object_id, options)
    if obj is None:
        raise NotFound(_l("This page does not exist.") if message is None else message)
    if check is not None and not check(current_user, obj):
        raise NotAllowed(_l("You do not have permission to do this."))
    return obj


F = TypeVar("F", bound=Callable[..., Any])


def guarded(check: Callable[[Any, Any], bool], message: str | None = None) -> Callable[[F], F]:
    """Declare the right an action needs on its first argument; the service refuses without it.

    The decorated function gets `.allowed(user, obj)` (the predicate) for views and endpoints that
    check before they parse input, and `.message` for their answer.
    """
    refusal = message or _l("You do not have permission to do this.")

    def decorate(function: F) -> F:
        @wraps(function)
        def wrapper(obj, *args, by, **kwargs):
            if not check(by, obj):
                raise NotAllowed(refusal)
            return function(obj, *args, by=by, **kwargs)

        wrapper.allowed = check  # type: ignore[attr-defined]
        wrapper.message = refusal  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _user(user) -> User | None:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def is_admin(user) -> bool:
    return _user(user) is not None and user.role == Role.ADMIN


def steering_processes(user) -> list[Process]:
    """The processes whose steering group the user belongs to (a membership counts while the role is steering)."""
    if _user(user) is None or user.role != Role.STEERING:
        return []
    return list(getattr(user, "steering_processes", ()))


def is_steering(user, process: Process) -> bool:
    """Admins, and the members of this process's steering group: read everything of the process, decide
    on its measures and its plan. A steering member of another process is nobody special here."""
    if _user(user) is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return process is not None and any(p.id == process.id for p in steering_processes(user))


def is_steering_anywhere(user) -> bool:
    """Admins and members of any process's steering group (for what belongs to no process, e.g. organisations)."""
    return _user(user) is not None and (user.role == Role.ADMIN or bool(steering_processes(user)))


def moderates(user, hub: Hub | None) -> bool:
    """A moderator of exactly this hub (admins and steering are not moderators by role)."""
    if hub is None or _user(user) is None or user.role != Role.MODERATOR:
        return False
    return any(h.id == hub.id for h in user.moderated_hubs)


def moderates_in(user, process: Process) -> bool:
    """A moderator of one of this process's hubs."""
    return (_user(user) is not None and user.role == Role.MODERATOR
            and any(h.process_id == process.id for h in user.moderated_hubs))


def can_manage_hub(user, hub: Hub | None) -> bool:
    """Run a hub's workshops: its moderators, steering and admins."""
    return hub is not None and (is_steering(user, hub.process) or moderates(user, hub))


def current_hub_id(user, process: Process) -> int | None:
    """The hub a company representative's organisation belongs to in this process."""
    if _user(user) is None or user.organization is None:
        return None
    return current_hub_id_of(user.organization, process)


def is_internal(user, process: Process) -> bool:
    """Partners who see the whole process: its steering group, admins and the moderators of its hubs."""
    return is_steering(user, process) or moderates_in(user, process)


def can_view_process(user, process: Process) -> bool:
    """Every logged-in participant sees the process overview; the public sees the landing page."""
    return _user(user) is not None


def can_set_phase(user, process: Process) -> bool:
    return is_steering(user, process)


def can_view_session(user, session: Session) -> bool:
    """Steering meetings: the steering group and admins only. Other sessions: partners see every one;
    companies see process-wide events and their own hub's sessions.

    `tracker.sessions.queries.visible_sessions` says the same in SQL for lists and feeds.
    """
    if session.kind == SessionKind.STEERING:
        return is_steering(user, session.process)
    if is_internal(user, session.process):
        return True
    if _user(user) is None:
        return False
    return session.hub_id is None or session.hub_id == current_hub_id(user, session.process)


def can_view_hub_sessions(user, hub: Hub) -> bool:
    """The sessions of a hub (hub workshops, never steering meetings): what `can_view_session` says of each."""
    if is_internal(user, hub.process):
        return True
    return _user(user) is not None and current_hub_id(user, hub.process) == hub.id


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
        and user.person is not None
        and user.person.organization_id == organization.id
    )


def can_view_people_of(user, organization: Organization) -> bool:
    """Names of an organisation's people: partners, and the organisation's own representatives."""
    return is_internal_anywhere(user) or represents(user, organization)


def can_edit_organization(user, organization: Organization) -> bool:
    """Partners of the steering group and admins edit any organisation; a representative their own."""
    return is_steering_anywhere(user) or (represents(user, organization) and user.role == Role.COMPANY)


def is_internal_anywhere(user) -> bool:
    """Admins, steering members and moderators of some process (organisations and people belong to none)."""
    return is_steering_anywhere(user) or (
        _user(user) is not None and user.role == Role.MODERATOR and bool(user.moderated_hubs))


def can_view_person(user, person: Person) -> bool:
    if _user(user) is None:
        return False
    if (user.person is not None and user.person.id == person.id) or is_internal_anywhere(user):
        return True
    return represents(user, person.organization)
