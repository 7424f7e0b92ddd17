"""Read models for process pages: a few grouped queries, never one query per row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub, HubMembership, hub_moderator
from tracker.measures.models import PLAN_STATUSES, Measure, MeasureStatus
from tracker.organizations.models import Organization
from tracker.permissions import steering_processes
from tracker.processes.models import Process, process_partner
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionKind, SessionStatus


def newest_process() -> Process | None:
    return db.session.scalar(select(Process).order_by(Process.starts_on.desc(), Process.id.desc()).limit(1))


def roles_by_process(user) -> list[tuple[Process, list[Role]]]:
    """The processes a user holds a role in, newest first, each with the roles held there: administrators
    every process; steering group members theirs; moderators those of their hubs; company representatives
    those where their organisation belongs to a hub. (Asked on every page: it loads only the processes it
    does not hold yet — a steering member's come with the login.)"""
    found: dict[int, list[Role]] = defaultdict(list)
    known: dict[int, Process] = {}
    if user.role == Role.ADMIN:
        for process in db.session.scalars(select(Process)):
            known[process.id] = process
            found[process.id].append(Role.ADMIN)
    for process in steering_processes(user):
        known[process.id] = process
        found[process.id].append(Role.STEERING)
    if user.role == Role.MODERATOR:
        for process_id in sorted({hub.process_id for hub in user.moderated_hubs}):
            found[process_id].append(Role.MODERATOR)
    organization = getattr(user, "organization", None)
    if organization is not None and user.role == Role.COMPANY:
        for process_id in db.session.scalars(select(HubMembership.process_id).where(
                HubMembership.organization_id == organization.id, HubMembership.left_at.is_(None))):
            found[process_id].append(Role.COMPANY)
    missing = [process_id for process_id in found if process_id not in known]
    if missing:
        known.update((p.id, p) for p in db.session.scalars(select(Process).where(Process.id.in_(missing))))
    processes = sorted((known[process_id] for process_id in found if process_id in known),
                       key=lambda p: (p.starts_on, p.id), reverse=True)
    return [(process, found[process.id]) for process in processes]


def chosen_process(user, chosen_id: int | None,
                   roles: list[tuple[Process, list[Role]]] | None = None) -> Process | None:
    """The process a user works in: the one they chose with the switcher if they hold a role in it (administrators:
    any), else the newest one they hold a role in; for someone with no role yet (a new company representative
    choosing a hub) the newest process. `roles`: roles_by_process(user) if the caller has it already."""
    if chosen_id is not None and user.role == Role.ADMIN:
        chosen = db.session.get(Process, chosen_id)
        if chosen is not None:
            return chosen
    mine = [process for process, _roles in (roles_by_process(user) if roles is None else roles)]
    for process in mine:
        if process.id == chosen_id:
            return process
    return mine[0] if mine else newest_process()
@dataclass
class Lineage:
    """A process's place among plan updates: the process whose plan it updates, and the updates of its own."""

    predecessor: Process | None
    successors: list[Process]

    def __bool__(self) -> bool:
        return self.predecessor is not None or bool(self.successors)


def lineage(process: Process) -> Lineage:
    """The predecessor (parent_id) and the successors of a process, in one query."""
    related = db.session.scalars(select(Process).where(
        (Process.id == process.parent_id) | (Process.parent_id == process.id))
        .order_by(Process.starts_on, Process.id)).all()
    return Lineage(next((p for p in related if p.id == process.parent_id), None),
                   [p for p in related if p.parent_id == process.id])


def carried_over(process: Process) -> list[tuple[Measure, Measure]]:
    """The measures an update carried over, each with its original in the predecessor, by the original's id."""
    if process.parent_id is None:
        return []
    origin = aliased(Measure)
    return [(copy, original) for copy, original in db.session.execute(
        select(Measure, origin).join(origin, origin.id == Measure.origin_measure_id)
        .where(Measure.process_id == process.id, origin.process_id == process.parent_id)
        .order_by(origin.id))]


# What became of the ideas, by where each stands now (the columns add up to the ideas of a hub).
FATES = {
    "adopted": PLAN_STATUSES,
    "open": frozenset({MeasureStatus.IDEA, MeasureStatus.IN_REVIEW, MeasureStatus.PROPOSAL,
                       MeasureStatus.PRIORITISED}),
    "merged": frozenset({MeasureStatus.MERGED}),
    "rejected": frozenset({MeasureStatus.REJECTED}),
    "withdrawn": frozenset({MeasureStatus.WITHDRAWN}),
}


@dataclass
class IdeaFates:
    hub: Hub | None  # None: ideas raised outside the hubs (plenary, prioritisation)
    ideas: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def idea_fates_by_hub(process: Process) -> list[IdeaFates]:
    """Per hub (in hub order; ideas without a hub last): how many ideas, and where they stand now. Counts only."""
    hubs = {hub.id: hub for hub in db.session.scalars(select(Hub).where(Hub.process_id == process.id)
                                                      .order_by(Hub.position, Hub.id))}
    rows: dict[int | None, IdeaFates] = {hub_id: IdeaFates(hub) for hub_id, hub in hubs.items()}
    for hub_id, status, count in db.session.execute(
            select(Measure.hub_id, Measure.status, func.count()).where(Measure.process_id == process.id)
            .group_by(Measure.hub_id, Measure.status)):
        row = rows.setdefault(hub_id if hub_id in hubs else None, IdeaFates(None))
        row.ideas += count
        fate = next(name for name, statuses in FATES.items() if status in statuses)
        row.counts[fate] = row.counts.get(fate, 0) + count
    return [rows[key] for key in [*hubs, None] if key in rows]


def hubs_with_leads(process: Process) -> list[Hub]:
    return list(db.session.scalars(
        select(Hub).where(Hub.process_id == process.id).order_by(Hub.position)
        .options(selectinload(Hub.lead_organizations))
    ))


def members_by_hub(process: Process) -> dict[int, list]:
    """Per hub, its current member organisations as light rows (id, name), by name."""
    rows = db.session.execute(
        select(HubMembership.hub_id, Organization.id, Organization.name)
        .join(Organization, Organization.id == HubMembership.organization_id)
        .where(HubMembership.process_id == process.id, HubMembership.left_at.is_(None))
        .order_by(Organization.name)
    )
    result: dict[int, list] = defaultdict(list)
    for row in rows:
        result[row.hub_id].append(row)
    return result


def session_counts_by_hub(process: Process) -> dict[int | None, dict[SessionStatus, int]]:
    result: dict[int | None, dict[SessionStatus, int]] = defaultdict(dict)
    for hub_id, status, count in db.session.execute(
        select(Session.hub_id, Session.status, func.count())
        .where(Session.process_id == process.id).group_by(Session.hub_id, Session.status)
    ):
        result[hub_id][status] = count
    return result


def measure_counts_by_hub(process: Process) -> dict[int | None, int]:
    return dict(db.session.execute(
        select(Measure.hub_id, func.count()).where(Measure.process_id == process.id).group_by(Measure.hub_id)
    ).all())


def public_events(process: Process) -> list[Session]:
    """Process-wide events the public may see (kickoff, plenaries, prioritisation), in date order."""
    return list(db.session.scalars(
        select(Session).where(
            Session.process_id == process.id, Session.hub_id.is_(None),
            Session.kind.in_([SessionKind.KICKOFF, SessionKind.PLENARY, SessionKind.PRIORITISATION]),
        ).order_by(Session.starts_at)
    ))


def attendance_counts(session_ids: list[int]) -> dict[int, int]:
    """Attendees per session, for a list of sessions in one query."""
    if not session_ids:
        return {}
    return dict(db.session.execute(
        select(Attendance.session_id, func.count())
        .where(Attendance.session_id.in_(session_ids), Attendance.status == AttendanceStatus.ATTENDED)
        .group_by(Attendance.session_id)
    ).all())


@dataclass
class SetupStep:
    """One item of a process's set-up checklist: done or not, and the page where it is done."""

    key: str
    done: bool
    endpoint: str
    args: dict = field(default_factory=dict)
    count: int = 0
    missing: int = 0


def setup_steps(process: Process) -> list[SetupStep]:
    """What a process needs before its kickoff, as far as the data tell: steering partners, hubs each with a
    moderator, guiding goals, a kickoff event that is not cancelled, and the public registration (which
    offers the hubs, so it is open once there is one). A handful of counts, one query each."""
    partners = db.session.scalar(select(func.count()).select_from(process_partner)
                                 .where(process_partner.c.process_id == process.id)) or 0
    hubs = db.session.execute(
        select(Hub.id, func.count(hub_moderator.c.user_id))
        .outerjoin(hub_moderator, hub_moderator.c.hub_id == Hub.id)
        .where(Hub.process_id == process.id).group_by(Hub.id, Hub.position).order_by(Hub.position, Hub.id)).all()
    without_moderator = [hub_id for hub_id, moderators in hubs if not moderators]
    goals = db.session.scalar(select(func.count()).select_from(GuidingGoal)
                              .where(GuidingGoal.process_id == process.id)) or 0
    kickoff = db.session.scalar(select(Session.id).where(
        Session.process_id == process.id, Session.kind == SessionKind.KICKOFF,
        Session.status != SessionStatus.CANCELLED).limit(1))
    process_args = {"process_id": process.id}
    return [
        SetupStep("partners", partners > 0, "processes.edit", process_args, count=partners),
        SetupStep("hubs", bool(hubs) and not without_moderator,
                  "hubs.edit" if without_moderator else "hubs.new",
                  {"hub_id": without_moderator[0]} if without_moderator else process_args,
                  count=len(hubs), missing=len(without_moderator)),
        SetupStep("goals", goals > 0, "goals.index", process_args, count=goals),
        SetupStep("kickoff", kickoff is not None, "sessions.show" if kickoff else "sessions.new",
                  {"session_id": kickoff} if kickoff else process_args),
        SetupStep("registration", bool(hubs), "registration.register", process_args),
    ]
