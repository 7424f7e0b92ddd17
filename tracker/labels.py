"""Translatable labels for every enum value shown in the UI, in one place."""

from __future__ import annotations

import enum

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from tracker.accounts.models import Role
from tracker.measures.models import Horizon, MeasureStatus
from tracker.messages import register_messages
from tracker.organizations.models import OrganizationType, SizeClass
from tracker.processes.models import Phase
from tracker.sessions.models import AttendanceStatus, MinutesStatus, SessionKind, SessionStatus

# A list, not a dict: equal StrEnum values of different enums must not overwrite each other.
_LABELS: list[tuple[enum.Enum, object]] = [
    (Role.ADMIN, _l("Administrator")),
    (Role.STEERING, _l("Steering group member")),
    (Role.MODERATOR, _l("Hub moderator")),
    (Role.COMPANY, _l("Company representative")),
    (Phase.PREPARATION, _l("Preparation")),
    (Phase.KICKOFF, _l("Kickoff")),
    (Phase.WORKSHOPS, _l("Workshops")),
    (Phase.CONSOLIDATION, _l("Consolidation")),
    (Phase.PRIORITISATION, _l("Prioritisation")),
    (Phase.ADOPTION, _l("Adoption")),
    (Phase.IMPLEMENTATION, _l("Implementation")),
    (Phase.UPDATE, _l("Update")),
    (OrganizationType.COMPANY, _l("Company")),
    (OrganizationType.CHAMBER, _l("Chamber")),
    (OrganizationType.EMPLOYERS_ASSOCIATION, _l("Employers' association")),
    (OrganizationType.CRAFTS, _l("Crafts")),
    (OrganizationType.UNION, _l("Trade union")),
    (OrganizationType.AGENCY, _l("Agency")),
    (OrganizationType.RESEARCH, _l("Research")),
    (OrganizationType.ADMINISTRATION, _l("Administration")),
    (OrganizationType.OTHER, _l("Other")),
    (SizeClass.MICRO, _l("Micro (fewer than 10 employees)")),
    (SizeClass.SMALL, _l("Small (10 to 49 employees)")),
    (SizeClass.MEDIUM, _l("Medium (50 to 249 employees)")),
    (SizeClass.LARGE, _l("Large (250 employees or more)")),
    (SessionKind.KICKOFF, _l("Kickoff")),
    (SessionKind.WORKSHOP, _l("Hub workshop")),
    (SessionKind.PLENARY, _l("Plenary")),
    (SessionKind.PRIORITISATION, _l("Prioritisation workshop")),
    (SessionKind.STEERING, _l("Steering meeting")),
    (SessionStatus.PLANNED, _l("Planned")),
    (SessionStatus.HELD, _l("Held")),
    (SessionStatus.CANCELLED, _l("Cancelled")),
    (MinutesStatus.DRAFT, _l("Draft")),
    (MinutesStatus.APPROVED, _l("Approved")),
    (AttendanceStatus.INVITED, _l("Invited")),
    (AttendanceStatus.REGISTERED, _l("Registered")),
    (AttendanceStatus.ATTENDED, _l("Attended")),
    (AttendanceStatus.EXCUSED, _l("Excused")),
    (AttendanceStatus.ABSENT, _l("Absent")),
    (MeasureStatus.IDEA, _l("Idea")),
    (MeasureStatus.IN_REVIEW, _l("In review")),
    (MeasureStatus.PROPOSAL, _l("Proposal")),
    (MeasureStatus.PRIORITISED, _l("Prioritised")),
    (MeasureStatus.ADOPTED, _l("Adopted")),
    (MeasureStatus.IN_PROGRESS, _l("In progress")),
    (MeasureStatus.COMPLETED, _l("Completed")),
    (MeasureStatus.MERGED, _l("Merged")),
    (MeasureStatus.REJECTED, _l("Rejected")),
    (MeasureStatus.WITHDRAWN, _l("Withdrawn")),
    (MeasureStatus.ON_HOLD, _l("On hold")),
    (Horizon.SHORT, _l("Short term (up to 1 year)")),
    (Horizon.MEDIUM, _l("Medium term (1 to 3 years)")),
    (Horizon.LONG, _l("Long term (more than 3 years)")),
]


# Keyed by (enum class, value): Phase.KICKOFF and SessionKind.KICKOFF are equal as plain keys.
LABELS = {(type(member), member.value): text for member, text in _LABELS}


def register_labels(pairs: list[tuple[enum.Enum, object]]) -> None:
    """Features add the labels of their own enums (from tracker/<feature>/labels.py), so the
    message ids land in the feature's own catalogue."""
    LABELS.update({(type(member), member.value): text for member, text in pairs})


_translated: dict[tuple, str] = {}


def label(value) -> str:
    """The UI label of an enum value in the current language; unknown values show as they are.

    Translated once per language and value: list pages show hundreds of status badges.
    """
    if value is None:
        return ""
    key = (type(value), getattr(value, "value", value))
    text = LABELS.get(key)
    if text is None:
        return str(value)
    cache_key = (str(get_locale()), *key)
    cached = _translated.get(cache_key)
    if cached is None:
        cached = _translated[cache_key] = str(text)
    return cached


def choices(enum_class: type[enum.Enum]) -> list[SelectChoice]:
    """Options for a select field, in the enum's order."""
    return [SelectChoice(member.value, LABELS.get((enum_class, member.value), member.value)) for member in enum_class]


# Records people can read (the audit log, version comparisons) --------------------------------------------------
# Features register the names of their objects and fields from their labels.py; what is not registered shows
# its code made readable ("cost_estimate" → "cost estimate").

OBJECTS: dict[str, tuple[object, str | None, str | None]] = {}  # object_type: (label, endpoint, id argument)
FIELDS: dict[tuple[str, str], object] = {}  # (object_type or "", field): label
FIELD_ENUMS: dict[tuple[str, str], type[enum.Enum]] = {}  # (object_type or "", field): the enum of its values
ACTIONS: dict[str, object] = {}


def register_object(object_type: str, text, endpoint: str | None = None, argument: str | None = None) -> None:
    OBJECTS[object_type] = (text, endpoint, argument)


def register_fields(object_type: str, fields: dict[str, object], enums: dict[str, type[enum.Enum]] | None = None):
    """Field names of an object type ("" for every type), and the enums their values come from."""
    FIELDS.update({(object_type, name): text for name, text in fields.items()})
    FIELD_ENUMS.update({(object_type, name): enum_class for name, enum_class in (enums or {}).items()})


def register_actions(actions: dict[str, object]) -> None:
    ACTIONS.update(actions)


def readable_code(code: str) -> str:
    return (code or "").replace("_", " ")


def action_label(action: str) -> str:
    found = ACTIONS.get(action)
    return str(found) if found is not None else readable_code(action)


def object_label(object_type: str) -> str:
    found = OBJECTS.get(object_type)
    return str(found[0]) if found else readable_code(object_type)


def field_label(object_type: str, name: str) -> str:
    text = FIELDS.get((object_type, name)) or FIELDS.get(("", name))
    return str(text) if text is not None else readable_code(name)


def field_value(object_type: str, name: str, value) -> str:
    """A recorded value as the reader reads it: labels for statuses and the like, yes/no, lists joined."""
    from flask_babel import gettext as _
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(field_value(object_type, name, v) for v in value) or "—"
    enum_class = FIELD_ENUMS.get((object_type, name)) or FIELD_ENUMS.get(("", name))
    if enum_class is not None:
        try:
            return label(enum_class(value))
        except ValueError:
            pass
    return str(value)


register_actions({
    "create": _l("created"), "update": _l("changed"), "transition": _l("status changed"), "merge": _l("merged"),
    "unmerge": _l("merge undone"), "login_failed": _l("failed login"), "approve": _l("approved"),
    "close": _l("closed"), "vote": _l("voted"), "anonymise": _l("anonymised"), "progress": _l("progress reported"),
    "revoke": _l("revoked"), "import": _l("imported"), "consent": _l("consent recorded"),
})
register_fields("", {"status": _l("Status"), "title": _l("Title"), "name": _l("Name"), "reason": _l("Reason"),
                     "description": _l("Description")})
register_messages({"audit.status": _l("%(old)s → %(new)s"),
                   "audit.comment_on_measure": _l("comment on measure %(id)s")})
register_object("process", _l("Process"), "processes.overview", "process_id")
register_object("user", _l("User"), "admin.edit_user", "user_id")
register_object("session", _l("Session"), "sessions.show", "session_id")
register_object("hub", _l("Hub"), "hubs.show", "hub_id")
register_object("organization", _l("Organisation"), "organizations.show", "organization_id")
register_object("guiding_goal", _l("Guiding goal"), "goals.show", "goal_id")
register_object("person", _l("Person"))
register_object("attendance", _l("Attendance"))
register_fields("session", {"starts_at": _l("Starts"), "ends_at": _l("Ends"), "location": _l("Location"),
                            "kind": _l("Kind")}, {"status": SessionStatus, "kind": SessionKind})
register_fields("attendance", {}, {"status": AttendanceStatus})
register_fields("process", {"phase": _l("Phase")}, {"phase": Phase})
register_fields("user", {"role": _l("Role")}, {"role": Role})
