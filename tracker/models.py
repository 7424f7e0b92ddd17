"""Imports every feature's models so that the metadata (and Alembic) sees the whole schema."""

from tracker.accounts.models import Role, User  # noqa: F401
from tracker.api.models import ApiToken  # noqa: F401
from tracker.attendance.models import ImportBatch  # noqa: F401
from tracker.audit.models import AuditEvent  # noqa: F401
from tracker.caching.models import DataGeneration  # noqa: F401
from tracker.goals.models import GuidingGoal  # noqa: F401
from tracker.hubs.models import Hub, HubMembership  # noqa: F401
from tracker.implementation.models import Indicator, IndicatorValue, Milestone, ProgressUpdate  # noqa: F401
from tracker.mail.models import MailPreference, OutboxMail  # noqa: F401
from tracker.measures.models import Measure, MeasureComment, MeasureStatus, MeasureTransition  # noqa: F401
from tracker.organizations.models import Consent, Organization, Person  # noqa: F401
from tracker.plan.models import PlanVersion, PlanVersionFile, ReviewComment  # noqa: F401
from tracker.prioritisation.models import (  # noqa: F401
    Ballot,
    BallotEntry,
    Criterion,
    PrioritisationRound,
    RoundResult,
    RoundTally,
    TallyEntry,
)
from tracker.processes.models import Process  # noqa: F401
from tracker.registration.models import RegistrationRequest  # noqa: F401
from tracker.room.models import Room, RoomCard, RoomToken  # noqa: F401
from tracker.sessions.models import ActionItem, Attendance, MinutesRevision, Session  # noqa: F401
