"""Request and response bodies of the API (pydantic), also the source of the OpenAPI schemas."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    RootModel,
    StringConstraints,
    model_validator,
)

from tracker.implementation.models import Light
from tracker.measures.models import Horizon, MeasureStatus
from tracker.organizations.models import OrganizationType, SizeClass
from tracker.processes.models import APPROVALS_NEEDED_DEFAULT, APPROVALS_NEEDED_RANGE, Phase
from tracker.sessions.models import AttendanceStatus, SessionKind, SessionStatus
from tracker.text import single_line, without_control

# Every string is bounded and loses its control characters before it is checked (issue 16, finding 4):
# names and titles are one line with single spaces, long texts keep newlines and tabs. NUL is one of
# them (PostgreSQL refuses it), and so are lone surrogates (no database stores them).
OneLine = BeforeValidator(lambda value: single_line(value) if isinstance(value, str) else value)
Lines = BeforeValidator(lambda value: without_control(value) if isinstance(value, str) else value)


def line(max_length: int, min_length: int = 0):
    """A one-line string of at most max_length characters after cleaning."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length), OneLine]


def lines(max_length: int, min_length: int = 0):
    """A text of several lines of at most max_length characters after cleaning."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length), Lines]


Name = line(200, min_length=1)
ShortText = line(200)
LongText = lines(50_000)
City = line(120, min_length=1)
ShortName = line(40, min_length=1)
SectionKey = line(100, min_length=1)
CriterionName = line(100, min_length=1)
Criterion = line(100)
CommentText = lines(20_000, min_length=1)
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]

BERLIN = ZoneInfo("Europe/Berlin")
# Dates and times the API accepts lie between these years (probe finding 5c): far enough from
# datetime's own limits that converting any offset to local time cannot overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def _within_years(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


# Stored timestamps are naive UTC; the API states the zone (RFC 3339 date-time).
UtcTimestamp = Annotated[datetime, AfterValidator(lambda v: v if v.tzinfo else v.replace(tzinfo=UTC))]
# Event times are stored as naive local times of the city; the API gives them with their offset,
# and accepts any offset (converted to local time) or a naive local time.
LocalTime = Annotated[datetime, AfterValidator(lambda v: v if v.tzinfo else v.replace(tzinfo=BERLIN))]
# What a request body may give: a date, or a local time, within the years above.
Day = Annotated[date, AfterValidator(_within_years)]
LocalTimeIn = Annotated[datetime, AfterValidator(_within_years),
                        AfterValidator(lambda v: v if v.tzinfo else v.replace(tzinfo=BERLIN))]


def to_local_naive(value: datetime) -> datetime:
    """An API date-time as the naive local time the database stores."""
    return value.astimezone(BERLIN).replace(tzinfo=None) if value.tzinfo else value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


PlanLanguage = Literal["de", "en"]


class PhaseDates(Strict):
    """When a phase of the process runs (both days included); phases lie within the process's period, in the
    order of the phases, without overlapping."""

    phase: Phase
    starts_on: Day
    ends_on: Day


class ProcessIn(Strict):
    name: Name
    city: City
    starts_on: Day
    ends_on: Day
    phase: Phase = Phase.PREPARATION
    purpose: LongText = ""
    foreword: LongText = ""
    contact_name: ShortText | None = None
    contact_email: EmailStr | None = None
    plan_language: PlanLanguage | None = None
    partner_ids: list[Id] = Field(default_factory=list, max_length=100)
    phases: list[PhaseDates] = Field(default_factory=list, max_length=len(Phase))
    approvals_needed: int = Field(APPROVALS_NEEDED_DEFAULT, ge=APPROVALS_NEEDED_RANGE[0], le=APPROVALS_NEEDED_RANGE[1],
                                  description="Four eyes: approvals of steering members other than the submitter")


class ProcessPatch(Strict):
    """Only the fields given change; `version` must be the one last read (409 when stale)."""

    version: Annotated[int, Field(ge=1, le=2_147_483_647)]
    name: Name | None = None
    city: City | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    purpose: LongText | None = None
    foreword: LongText | None = None
    contact_name: ShortText | None = None
    contact_email: EmailStr | None = None
    plan_language: PlanLanguage | None = None
    partner_ids: list[Id] | None = Field(default=None, max_length=100)
    phases: list[PhaseDates] | None = Field(default=None, max_length=len(Phase),
                                            description="All dated phases (replaces them; [] removes every date)")


class PhaseDatesOut(Out):
    phase: Phase
    starts_on: date
    ends_on: date


class ProcessOut(Out):
    id: int
    name: str
    city: str
    starts_on: date
    ends_on: date
    phase: Phase
    purpose: str
    foreword: str
    contact_name: str | None
    contact_email: str | None
    plan_language: str | None
    partner_ids: list[int]
    phases: list[PhaseDatesOut]
    parent_id: int | None
    version: int
    approvals_needed: int


class SteeringIn(Strict):
    """The whole steering group of a process: logins with the role "steering"."""

    user_ids: list[Id] = Field(max_length=100)


class SteeringOut(Out):
    process_id: int
    user_ids: list[int]


class HubIn(Strict):
    name: Name
    short_name: ShortName
    lead_organization_ids: list[Id] = Field(default_factory=list, max_length=50)
    moderator_ids: list[Id] = Field(default_factory=list, max_length=50)
    colour: Colour = "#3b6ea5"
    description: LongText = ""
    position: Annotated[int, Field(ge=0, le=1000)] | None = None


class HubOut(Out):
    id: int
    process_id: int
    name: str
    short_name: str
    colour: str
    description: str
    position: int
    lead_organization_ids: list[int]
    moderator_ids: list[int]
    version: int


class OrganizationIn(Strict):
    name: Name
    type: OrganizationType = OrganizationType.COMPANY
    sector: ShortText | None = None
    size_class: SizeClass | None = None
    consents_to_be_named: bool = False


class OrganizationOut(Out):
    id: int
    name: str
    type: OrganizationType
    sector: str | None
    size_class: SizeClass | None
    consents_to_be_named: bool
    version: int


class PersonIn(Strict):
    name: Name
    email: EmailStr | None = None
    organization_id: Id | None = None
    function: ShortText | None = None


class PersonOut(Out):
    id: int
    name: str
    email: str | None
    organization_id: int | None
    function: str | None


class MemberIn(Strict):
    organization_id: Id
    delegate_ids: list[Id] = Field(default_factory=list, max_length=100)


class MoveIn(Strict):
    hub_id: Id


class MembershipOut(Out):
    id: int
    process_id: int
    hub_id: int
    organization_id: int
    joined_at: UtcTimestamp
    left_at: UtcTimestamp | None
    delegate_ids: list[int]


class GoalIn(Strict):
    number: Annotated[int, Field(ge=1, le=1000)] | None = None
    title: Name
    introduction: LongText = ""
    objective: LongText = ""


class GoalOut(Out):
    id: int
    process_id: int
    number: int
    title: str
    introduction: str
    objective: str
    version: int


class StatsOut(BaseModel):
    """Counts of a process; `ideas` counts every measure ever raised, whatever its status now."""

    organizations: int
    people: int
    sessions: int
    working_hours: float
    ideas: int
    in_review: int
    proposals: int
    prioritised: int
    adopted: int
    in_progress: int
    completed: int
    merged: int
    rejected: int
    withdrawn: int
    on_hold: int
    focus_projects: int


class TokenOut(BaseModel):
    token: str


# Sessions and attendance -----------------------------------------------------------------------

class SessionIn(Strict):
    kind: SessionKind
    hub_id: Id | None = None
    title: Name
    starts_at: LocalTimeIn
    ends_at: LocalTimeIn
    location: ShortText = ""
    agenda: LongText = ""


class SessionPatch(Strict):
    """Only the fields given change; `version` must be the one last read (409 when stale)."""

    version: Annotated[int, Field(ge=1, le=2_147_483_647)]
    title: Name | None = None
    starts_at: LocalTimeIn | None = None
    ends_at: LocalTimeIn | None = None
    location: ShortText | None = None
    agenda: LongText | None = None
    decisions: LongText | None = None
    status: SessionStatus | None = None


class SessionOut(BaseModel):
    id: int
    process_id: int
    hub_id: int | None
    kind: SessionKind
    number: int | None
    status: SessionStatus
    title: str
    starts_at: LocalTime
    ends_at: LocalTime
    location: str
    agenda: str
    minutes_status: str
    version: int
    attendees: int
    working_hours: float


class MailPreferencesIn(Strict):
    """{kind of mail: on or off}; kinds not named stay as they are."""

    preferences: dict[Annotated[str, Field(max_length=40)], bool] = Field(max_length=20)


class MailPreferencesOut(BaseModel):
    preferences: dict[str, bool]


class ApproveIn(Strict):
    """Optional: the reason to approve although review comments are still open."""

    override_reason: LongText | None = None


class YearSessionOut(BaseModel):
    """A session in the year view: title, date and hub for everyone; `details` says whether the caller may open
    it (GET /sessions/{id})."""

    id: int
    hub_id: int | None
    kind: SessionKind
    status: SessionStatus
    title: str
    starts_at: LocalTime
    ends_at: LocalTime
    details: bool


class AttendanceEntry(Strict):
    person_id: Id
    status: AttendanceStatus


class AttendanceList(RootModel[list[AttendanceEntry]]):
    """A list of {person_id, status}; each listed person's status is set, others keep theirs."""

    root: Annotated[list[AttendanceEntry], Field(max_length=5000)]


class AttendanceOut(BaseModel):
    session_id: int
    attendance: list[AttendanceEntry]
    attendees: int
    working_hours: float


# The plan -----------------------------------------------------------------------------------------

class VersionIn(Strict):
    label: Name


class ApprovalOut(BaseModel):
    user_id: int
    name: str
    approved_at: UtcTimestamp


class VersionOut(BaseModel):
    id: int
    process_id: int
    label: str
    status: str
    created_at: UtcTimestamp
    approved_at: UtcTimestamp | None
    content_hash: str
    # Four eyes, for readers of the review (steering, admins, moderators); absent on the public plan.
    approvals_needed: int | None = None
    approvals: list[ApprovalOut] | None = None


class CommentIn(Strict):
    section: SectionKey
    measure_id: Id | None = None
    text: CommentText
    resolved: bool = False


class CommentOut(BaseModel):
    id: int
    version_id: int
    section: str
    measure_id: int | None
    text: str
    resolved: bool
    author_id: int | None
    created_at: UtcTimestamp


# Measures ------------------------------------------------------------------------------------------

class MeasureIn(Strict):
    title: Name
    description: LongText = ""
    approach: LongText = ""
    expected_effect: LongText = ""
    hub_id: Id | None = None
    session_id: Id | None = None
    proposer_organization_id: Id | None = None
    primary_goal_id: Id | None = None
    goal_ids: list[Id] = Field(default_factory=list, max_length=50)
    horizon: Horizon | None = None
    cost_estimate: ShortText | None = None
    responsible_organization_ids: list[Id] = Field(default_factory=list, max_length=50)
    is_focus_project: bool = False


class MeasurePatch(Strict):
    """Only the fields given change; `version` must be the one last read (409 when stale)."""

    version: Annotated[int, Field(ge=1, le=2_147_483_647)]
    title: Name | None = None
    description: LongText | None = None
    approach: LongText | None = None
    expected_effect: LongText | None = None
    primary_goal_id: Id | None = None
    goal_ids: list[Id] | None = Field(default=None, max_length=50)
    horizon: Horizon | None = None
    cost_estimate: ShortText | None = None
    responsible_organization_ids: list[Id] | None = Field(default=None, max_length=50)
    is_focus_project: bool | None = None
    hub_id: Id | None = None  # only for a measure without a hub (steering)


class TransitionOut(BaseModel):
    from_status: MeasureStatus | None
    to_status: MeasureStatus
    reason: str
    by_id: int | None
    at: UtcTimestamp


class MeasureOut(BaseModel):
    id: int
    process_id: int
    title: str
    description: str
    approach: str
    expected_effect: str
    hub_id: int | None
    session_id: int | None
    proposer_organization_id: int | None
    primary_goal_id: int | None
    goal_ids: list[int]
    horizon: Horizon | None
    cost_estimate: str | None
    responsible_organization_ids: list[int]
    is_focus_project: bool
    status: MeasureStatus
    merged_into_id: int | None
    merged_from_ids: list[int]
    supporter_ids: list[int]
    version: int
    history: list[TransitionOut]


class TransitionIn(Strict):
    """`primary_goal_id`: the guiding goal adopting needs, given on the spot when the measure has none."""

    to: MeasureStatus
    reason: LongText | None = None
    primary_goal_id: Id | None = None


class MergeTarget(Strict):
    """A new measure; it keeps the ideas' hub when they share one, else the hub the steering group names."""

    title: Name
    description: LongText = ""
    hub_id: Id | None = None


class MergeIn(Strict):
    source_ids: list[Id] = Field(min_length=1, max_length=200)
    target_id: Id | None = None
    target: MergeTarget | None = None

    @model_validator(mode="after")
    def _one_target(self):
        if (self.target_id is None) == (self.target is None):
            raise ValueError("give either target_id or target")
        return self


class ProgressIn(Strict):
    date: Day
    percent: Annotated[int, Field(ge=0, le=100)]
    light: Light
    note: LongText = ""


class ProgressOut(BaseModel):
    id: int
    measure_id: int
    date: date
    percent: int
    light: Light
    note: str


class MilestoneIn(Strict):
    title: Name
    due_on: Day | None = None
    owner_organization_id: Id | None = Field(None, description="The organisation that sees to it")
    owner_person_id: Id | None = Field(None, description="One of its people, reminded by mail before the due date")


class MilestoneOwnerIn(Strict):
    """Both empty: nobody owns the milestone (yet)."""

    owner_organization_id: Id | None = None
    owner_person_id: Id | None = None


class MilestoneOut(BaseModel):
    id: int
    measure_id: int
    title: str
    due_on: date | None
    done: bool
    done_on: date | None
    owner_organization_id: int | None
    owner_person_id: int | None


# Prioritisation -----------------------------------------------------------------------------------

class CriterionIn(Strict):
    name: CriterionName
    weight: Annotated[float, Field(gt=0, le=100)] = 1.0


class RoundIn(Strict):
    title: Name
    method: Literal["dots", "scoring"]
    measure_ids: list[Id] = Field(min_length=1, max_length=500)
    points_per_voter: Annotated[int, Field(ge=1, le=100)] | None = None
    max_points_per_measure: Annotated[int, Field(ge=1, le=100)] | None = None
    criteria: list[CriterionIn] | None = Field(default=None, max_length=10)
    session_id: Id | None = None


class RoundOut(BaseModel):
    id: int
    process_id: int
    title: str
    method: str
    status: str
    measure_ids: list[int]
    points_per_voter: int | None
    max_points_per_measure: int | None
    criteria: list[dict]
    session_id: int | None = None


class VoteEntry(Strict):
    measure_id: Id
    points: Annotated[int, Field(ge=0, le=100)] | None = None
    criterion: Criterion | None = None
    score: Annotated[int, Field(ge=1, le=5)] | None = None


class VoteIn(Strict):
    """Dots: [{measure_id, points}]; scoring: [{measure_id, criterion, score}] (criterion by name)."""

    votes: list[VoteEntry] = Field(max_length=2000)


class RankingEntry(BaseModel):
    rank: int
    measure_id: int
    score: float
    importance: float | None
    urgency: float | None
    voters: int


class RankingOut(BaseModel):
    round_id: int
    ranking: list[RankingEntry]


class PrioritiseIn(Strict):
    """Which proposals of a closed round become `prioritised`: the chosen ones, or the `top` N of the ranking."""

    measure_ids: list[Id] | None = Field(default=None, max_length=500)
    top: Annotated[int, Field(ge=1, le=500)] | None = None

    @model_validator(mode="after")
    def _one_of(self):
        if (self.measure_ids is None) == (self.top is None):
            raise ValueError("give either measure_ids or top")
        return self


class PrioritisedOut(BaseModel):
    round_id: int
    prioritised: list[int]


# Paper tallies and room mode -------------------------------------------------------------------------

class TallyEntryIn(Strict):
    """Dots: {measure_id, dots}; scoring: {measure_id, criterion, mean} (criterion by name, mean 1–5)."""

    measure_id: Id
    dots: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    criterion: Criterion | None = None
    mean: Annotated[float, Field(ge=1, le=5)] | None = None


class TallyIn(Strict):
    voters: Annotated[int, Field(ge=1, le=10_000)]
    note: ShortText = ""
    entries: list[TallyEntryIn] = Field(min_length=1, max_length=2000)


class TallyOut(BaseModel):
    id: int
    round_id: int
    voters: int
    note: str
    entered_at: datetime
    entries: list[dict]


class VotersOut(BaseModel):
    accounts: int
    room: int
    paper: int
    total: int


class ResultEntry(BaseModel):
    rank: int
    measure_id: int
    score: float
    sources: dict[str, float | None]


class ResultsOut(BaseModel):
    """Voters by source always; the ranking with each source's part once the round is closed."""

    round_id: int
    status: str
    voters: VotersOut
    ranking: list[ResultEntry]


class RoomStartIn(Strict):
    people: Annotated[int, Field(ge=1, le=1000)]


class RoomOut(BaseModel):
    session_id: int
    running: bool
    open: bool
    people: int
    phones: int
    link: str | None
    round_id: int | None


class RoomCardOut(BaseModel):
    id: int
    session_id: int
    title: str
    text: str
    name: str
    organization_name: str
    status: str
    measure_id: int | None
    created_at: datetime
