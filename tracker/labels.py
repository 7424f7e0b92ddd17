"""Translatable labels for every enum value shown in the UI, in one place."""

from __future__ import annotations

import enum

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from tracker.accounts.models import Role
from tracker.measures.models import Horizon, MeasureStatus
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
