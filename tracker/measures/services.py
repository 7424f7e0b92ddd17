"""Every write on measures: proposing, editing, the focus flag, merging and unmerging, comments, support.

Each action is one function guarded by the right it needs on its first argument (`@guarded`);
inside, it checks the rights on the objects named in its input (hub, proposing organisation,
session, responsible and partner organisations, source measures), validates, writes, records the
audit event and sends its signal. Web pages, the API, the session room (ideas captured in a
workshop) and the CLI call these; none re-implements a rule. The status steps are the table in
tracker.measures.workflow; its `transition` is the one service for them (re-exported here).
Refusals are those of tracker.errors only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import tracker.measures.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.audit.services import changed_fields, record
from tracker.errors import IllegalTransition, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.hubs.queries import is_member
from tracker.measures import queries
from tracker.measures.models import Horizon, Measure, MeasureComment, MeasureStatus
from tracker.measures.signals import measure_changed, measure_created, measure_unmerged, measures_merged
from tracker.measures.workflow import MERGEABLE, record_step, transition
from tracker.model_types import utcnow
from tracker.permissions import (
    can_manage_hub,
    can_view_measure,
    can_view_session,
    guarded,
    is_steering,
    is_steering_anywhere,
    moderates,
    represents,
)
from tracker.sessions.models import SessionKind

if TYPE_CHECKING:
    from tracker.goals.models import GuidingGoal
    from tracker.hubs.models import Hub
    from tracker.organizations.models import Organization
    from tracker.processes.models import Process
    from tracker.sessions.models import Session

__all__ = ["KEEP", "add_comment", "can_edit", "can_merge", "can_propose", "merge", "merge_into_new", "propose",
           "set_focus", "toggle_support", "transition", "unmerge", "update"]

MAX_TITLE = 200
MAX_COST = 200

ONLY_OWN_HUB = _l("You may propose measures only in your organisation's hub.")
ONLY_STEERING_FOCUS = _l("Only the steering group marks focus projects.")
ONLY_ASSIGNERS = _l("Only the steering group and the hub's moderators name responsible and partner organisations.")
ONLY_STEERING_HUB = _l("Only the steering group chooses the hub of a measure that has none.")
MERGE_REFUSAL = _l("Moderators merge ideas of their own hub only; the steering group merges across hubs.")


class _Keep:
    """The value of an update argument that leaves the field as it is (None would clear it)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


# Who may ---------------------------------------------------------------------------------------------

def can_propose(user, hub: Hub | None) -> bool:
    """In this hub: company representatives of its member organisations; its moderators and the steering group."""
    if hub is None or not getattr(user, "is_authenticated", False):
        return False
    return can_manage_hub(user, hub) or is_member(getattr(user, "organization", None), hub)


def can_propose_in(user, process: Process) -> bool:
    """Somewhere in the process: the steering group (also without a hub), others in a hub where they may."""
    return is_steering(user, process) or any(can_propose(user, hub) for hub in queries.hubs_of(process))


def can_propose_without_hub(user, process: Process) -> bool:
    """An idea for the whole process rather than one hub: the steering group's."""
    return is_steering(user, process)


def can_edit(user, measure: Measure) -> bool:
    """Steering edits all; moderators their hub's measures; the proposing organisation its own idea."""
    if is_steering(user, measure.process) or moderates(user, measure.hub):
        return True
    return measure.status == MeasureStatus.IDEA and represents(user, measure.proposer_organization)


def can_give_hub(user, measure: Measure) -> bool:
    """A measure without a hub (merged across hubs, say) is given one by the steering group."""
    return measure.hub_id is None and is_steering(user, measure.process)


def can_assign_organizations(user, process: Process, hub: Hub | None) -> bool:
    """Responsible and partner organisations: the steering group and the hub's moderators, never a company."""
    return is_steering(user, process) or moderates(user, hub)


def can_mark_focus(user, process: Process) -> bool:
    """The focus-project flag is the steering group's decision."""
    return is_steering(user, process)


def can_mark_focus_on(user, measure: Measure) -> bool:
    return can_mark_focus(user, measure.process)


def can_merge(user, sources: list[Measure], target: Measure | None) -> bool:
    """Steering merges across hubs; a moderator only ideas of their own hub (and into their hub)."""
    if not sources:
        return False
    if is_steering(user, sources[0].process):
        return True
    hubs = {m.hub for m in sources} | ({target.hub} if target is not None else set())
    return len(hubs) == 1 and moderates(user, next(iter(hubs)))


def can_consolidate(user, process: Process) -> bool:
    """Merge ideas somewhere in the process: the steering group and the moderators of its hubs."""
    return is_steering(user, process) or any(hub.process_id == process.id
                                             for hub in getattr(user, "moderated_hubs", None) or [])


def can_consolidate_anywhere(user) -> bool:
    """Merge ideas at all (which ones is checked on the sources): the steering group and hub moderators, so
    the API refuses everyone else before it reads which ideas they name."""
    return is_steering_anywhere(user) or bool(getattr(user, "moderated_hubs", None))


def can_merge_into(user, target: Measure) -> bool:
    return is_steering(user, target.process) or moderates(user, target.hub)


def can_unmerge(user, measure: Measure) -> bool:
    """Who may merge the measure with the one it went into may undo that."""
    return can_merge(user, [measure], measure.merged_into)


def can_support(user, measure: Measure) -> bool:
    """People of an organisation who see the measure back it in their organisation's name."""
    return can_view_measure(user, measure) and getattr(user, "organization", None) is not None


def nameable_proposers(user, process: Process, hubs: Iterable[Hub]) -> list[Organization] | None:
    """The organisations this user may name as proposer of an idea in one of these hubs, for a form's choices;
    None when there is no choice (a company representative always proposes for their own organisation)."""
    if is_steering(user, process):
        return queries.organizations()
    moderated = [hub for hub in hubs if moderates(user, hub)]
    return queries.member_organizations(moderated) if moderated else None


# The rules on what a proposal or an edit names ---------------------------------------------------------

def _proposer(by, process: Process, hub: Hub | None, named: Organization | None) -> Organization | None:
    """Company representatives propose for their own organisation; the hub's moderators name one of its
    member organisations or none (the hub as a whole); the steering group any organisation."""
    if is_steering(by, process):
        return named
    if moderates(by, hub):
        if named is None or is_member(named, hub):
            return named
        raise NotAllowed(_("Name a member organisation of the hub as proposer, or none for the hub as a whole."))
    own = getattr(by, "organization", None)
    if named is not None and (own is None or named.id != own.id):
        raise NotAllowed(_("You propose for your own organisation only."))
    return own


def _origin_session(by, process: Process, hub: Hub | None, session: Session | None) -> Session | None:
    """A new idea comes from a session of its own hub or from a session of the whole process
    (kickoff, plenary, prioritisation; a steering meeting only for the steering group)."""
    if session is None:
        return None
    if session.process_id != process.id:
        raise Invalid(_("The session belongs to another process."), "session_id")
    if not can_view_session(by, session):
        raise NotAllowed(_("You may not link an idea to this session."))
    if session.hub_id is not None:
        fits = hub is not None and session.hub_id == hub.id
    else:
        fits = session.kind != SessionKind.STEERING or is_steering(by, process)
    if not fits:
        raise Invalid(_("An idea can come from a session of its own hub or from a session of the whole process."),
                      "session_id")
    return session


def _focus_change(by, process: Process, wanted: bool | None, current: bool) -> bool:
    """Whether the focus flag changes; only the steering group changes it (NotAllowed for anyone else)."""
    if wanted is None or bool(wanted) == bool(current):
        return False
    if not can_mark_focus(by, process):
        raise NotAllowed(ONLY_STEERING_FOCUS)
    return True


def _goals_in(process: Process, primary_goal: GuidingGoal | None, goals: Iterable[GuidingGoal] | None) -> None:
    if primary_goal is not None and primary_goal.process_id != process.id:
        raise Invalid(_("The guiding goal belongs to another process."), "primary_goal_id")
    if goals is not None and any(goal.process_id != process.id for goal in goals):
        raise Invalid(_("The guiding goal belongs to another process."), "goal_ids")


def _title(title: str | None) -> str:
    """One line without control characters (a title ends up in mail subjects and spreadsheets)."""
    title = "".join(ch for ch in " ".join((title or "").split()) if unicodedata.category(ch) != "Cc")
    if not title:
        raise Invalid(_("Please give the measure a title."), "title")
    if len(title) > MAX_TITLE:
        raise Invalid(_("The title has at most %(n)d characters.", n=MAX_TITLE), "title")
    return title


def _cost(cost_estimate: str | None) -> str | None:
    cost = (cost_estimate or "").strip() or None
    if cost is not None and len(cost) > MAX_COST:
        raise Invalid(_("The cost estimate has at most %(n)d characters.", n=MAX_COST), "cost_estimate")
    return cost


def _hub_for(measure: Measure, hub: Hub | None, by) -> None:
    """A measure without a hub (a merge across hubs, an idea for the whole process) can be given one, by the
    steering group; a measure's hub is not changed otherwise."""
    if measure.hub_id is not None or hub is None:
        raise Invalid(_("Only a measure without a hub can be given one."), "hub_id")
    if not can_give_hub(by, measure):
        raise NotAllowed(ONLY_STEERING_HUB)
    if hub.process_id != measure.process_id:
        raise Invalid(_("The hub belongs to another process."), "hub_id")
    measure.hub = hub
    measure.hub_id = hub.id


def _ids(objects: Iterable[Any]) -> list[int]:
    return sorted(o.id for o in objects)


def _new_measure(process: Process, *, by, title: str, goals=(), responsible=(), partners=(), **fields) -> Measure:
    """Write a new idea with the first step of its history (the callers have checked every rule)."""
    measure = Measure(process=process, status=MeasureStatus.IDEA, title=title, created_by_id=getattr(by, "id", None),
                      **fields)
    measure.goals = list(goals)
    measure.responsible_organizations = list(responsible)
    measure.partner_organizations = list(partners)
    db.session.add(measure)
    db.session.flush()
    record_step(measure, None, MeasureStatus.IDEA, by=by, action="create")
    return measure


# Proposing and editing ----------------------------------------------------------------------------------

@guarded(can_propose_in, ONLY_OWN_HUB)
def propose(process: Process, *, by, title: str, hub: Hub | None = None, session: Session | None = None,
            proposer_organization: Organization | None = None, description: str = "", approach: str = "",
            expected_effect: str = "", primary_goal: GuidingGoal | None = None, goals: Iterable[GuidingGoal] = (),
            horizon: Horizon | None = None, cost_estimate: str | None = None,
            responsible: Iterable[Organization] = (), partners: Iterable[Organization] = (),
            is_focus_project: bool = False) -> Measure:
    """A new idea in a hub (steering also for the whole process), from the web form, the API or a session."""
    if hub is not None and hub.process_id != process.id:
        raise Invalid(_("The hub belongs to another process."), "hub_id")
    if hub is None and not can_propose_without_hub(by, process):
        raise NotAllowed(_("Ideas are proposed in a hub; only the steering group proposes for the whole process."))
    if hub is not None and not can_propose(by, hub):
        raise NotAllowed(ONLY_OWN_HUB)
    proposer = _proposer(by, process, hub, proposer_organization)
    session = _origin_session(by, process, hub, session)
    responsible, partners, goals = list(responsible or ()), list(partners or ()), list(goals or ())
    if (responsible or partners) and not can_assign_organizations(by, process, hub):
        raise NotAllowed(ONLY_ASSIGNERS)
    focus = _focus_change(by, process, is_focus_project, False)
    _goals_in(process, primary_goal, goals)
    measure = _new_measure(
        process, by=by, title=_title(title), hub=hub, session=session, proposer_organization=proposer,
        proposer_person=getattr(by, "person", None), description=description or "", approach=approach or "",
        expected_effect=expected_effect or "", primary_goal=primary_goal, goals=goals, horizon=horizon,
        cost_estimate=_cost(cost_estimate), responsible=responsible, partners=partners, is_focus_project=focus)
    measure_created.send(measure, by=by)
    return measure


@guarded(can_edit, _l("You may not edit this measure."))
def update(measure: Measure, *, by, expected_version: int, title: str | None = None, description: str | None = None,
           approach: str | None = None, expected_effect: str | None = None, primary_goal: Any = KEEP,
           goals: Iterable[GuidingGoal] | None = None, horizon: Any = KEEP, cost_estimate: Any = KEEP,
           responsible: Iterable[Organization] | None = None, partners: Iterable[Organization] | None = None,
           is_focus_project: bool | None = None, hub: Any = KEEP) -> dict:
    """Change what is given (None and KEEP leave a field); StaleVersion when someone saved since
    `expected_version` was read. Returns the changes."""
    process = measure.process
    responsible = None if responsible is None else list(responsible)
    partners = None if partners is None else list(partners)
    goals = None if goals is None else list(goals)
    organizations_change = ((responsible is not None and _ids(responsible) != _ids(measure.responsible_organizations))
                            or (partners is not None and _ids(partners) != _ids(measure.partner_organizations)))
    if organizations_change and not can_assign_organizations(by, process, measure.hub):
        raise NotAllowed(ONLY_ASSIGNERS)
    focus = _focus_change(by, process, is_focus_project, measure.is_focus_project)
    if expected_version != measure.version:
        raise StaleVersion(measure, _("The measure changed in the meantime; its version is now %(v)d. Read it again "
                                      "and retry.", v=measure.version), version=measure.version)
    _goals_in(process, None if primary_goal is KEEP else primary_goal, goals)
    if hub is not KEEP and (hub.id if hub is not None else None) != measure.hub_id:
        _hub_for(measure, hub, by)
    if title is not None:
        measure.title = _title(title)
    for name, value in (("description", description), ("approach", approach), ("expected_effect", expected_effect)):
        if value is not None:
            setattr(measure, name, value)
    if primary_goal is not KEEP:  # the column too, so that the audit sees the change before the flush
        measure.primary_goal = primary_goal
        measure.primary_goal_id = primary_goal.id if primary_goal is not None else None
    if horizon is not KEEP:
        measure.horizon = horizon
    if cost_estimate is not KEEP:
        measure.cost_estimate = _cost(cost_estimate)
    if focus:
        measure.is_focus_project = bool(is_focus_project)
    changes = changed_fields(measure)
    for name, new, attribute in (("goal_ids", goals, "goals"), ("responsible_organization_ids", responsible,
                                                               "responsible_organizations"),
                                 ("partner_organization_ids", partners, "partner_organizations")):
        if new is not None and _ids(new) != _ids(getattr(measure, attribute)):
            changes[name] = [_ids(getattr(measure, attribute)), _ids(new)]
            setattr(measure, attribute, new)
    if changes:
        measure.updated_at = utcnow()  # also a change of links only makes a new version
        record("update", measure, by=by, changes=changes, summary=measure.title[:120])
        measure_changed.send(measure, changes=changes, by=by)
    return changes


@guarded(can_mark_focus_on, ONLY_STEERING_FOCUS)
def set_focus(measure: Measure, flag: bool, *, by) -> None:
    if _focus_change(by, measure.process, flag, measure.is_focus_project):
        changes = {"is_focus_project": [measure.is_focus_project, bool(flag)]}
        measure.is_focus_project = bool(flag)
        record("update", measure, by=by, changes=changes, summary=measure.title[:120])
        measure_changed.send(measure, changes=changes, by=by)


# Merging -----------------------------------------------------------------------------------------------

def _mergeable(sources: list[Measure], process: Process, target: Measure | None = None) -> None:
    for source in sources:
        if source.process_id != process.id:
            raise Invalid(_("Measures of different processes cannot be merged."), "source_ids")
        if target is not None and source.id == target.id:
            raise Invalid(_("A measure cannot be merged into itself."), "source_ids")
        if source.status not in MERGEABLE:
            raise IllegalTransition(_("“%(title)s” can no longer be merged: only ideas and ideas in review can.",
                                      title=source.title), "source_ids")


@guarded(can_merge_into, MERGE_REFUSAL)
def merge(target: Measure, sources: Iterable[Measure], *, by) -> None:
    """Consolidate ideas into a target: sources become merged (linked, nothing deleted), supporters carry over."""
    sources = list(sources)
    if not sources:
        raise Invalid(_("Choose at least one idea."), "source_ids")
    if not can_merge(by, sources, target):
        raise NotAllowed(MERGE_REFUSAL)
    _mergeable(sources, target.process, target)
    chain = target
    while chain is not None:  # refuse cycles: a source must not be where the target went
        if chain.id in {s.id for s in sources}:
            raise IllegalTransition(_("This merge would make a circle."), "target_id")
        chain = chain.merged_into
    for source in sources:
        before = source.status
        source.status_before_merge = before
        source.status = MeasureStatus.MERGED
        source.merged_into = target
        for organization in source.supporters:
            if organization not in target.supporters:
                target.supporters.append(organization)
        record_step(source, before, MeasureStatus.MERGED, by=by, action="merge",
                    message=messages.message("measure.merged_into", title=target.title, id=target.id))
    db.session.flush()
    measures_merged.send(target, sources=sources, by=by)


@guarded(can_consolidate, MERGE_REFUSAL)
def merge_into_new(process: Process, sources: Iterable[Measure], *, by, title: str, description: str = "",
                   hub: Hub | None = None) -> Measure:
    """Consolidate ideas into a new measure: in the hub they share, or in the hub the steering group chooses
    (else for the whole process; it can be given a hub later)."""
    sources = list(sources)
    if not sources:
        raise Invalid(_("Choose at least one idea."), "source_ids")
    if not can_merge(by, sources, None):
        raise NotAllowed(MERGE_REFUSAL)
    _mergeable(sources, process)
    hubs = {source.hub for source in sources}
    shared = hubs.pop() if len(hubs) == 1 else None
    if hub is not None and (shared is None or hub.id != shared.id):
        if hub.process_id != process.id:
            raise Invalid(_("The hub belongs to another process."), "hub_id")
        if not is_steering(by, process):
            raise NotAllowed(ONLY_STEERING_HUB)
    target = _new_measure(process, by=by, title=_title(title), description=description or "",
                          hub=hub if hub is not None else shared)
    measure_created.send(target, by=by)
    merge(target, sources, by=by)
    return target


@guarded(can_unmerge, _l("Only who may merge these measures may undo the merge."))
def unmerge(source: Measure, *, by) -> None:
    """Undo a merge: the source gets its former status back and the link goes; the history keeps both steps."""
    if source.status != MeasureStatus.MERGED or source.merged_into is None:
        raise IllegalTransition(_("This measure is not merged."), "measure")
    target = source.merged_into
    restored = source.status_before_merge or MeasureStatus.IDEA
    source.status = restored
    source.merged_into = None
    source.status_before_merge = None
    record_step(source, MeasureStatus.MERGED, restored, by=by, action="unmerge",
                message=messages.message("measure.unmerged", title=target.title, id=target.id))
    db.session.flush()
    measure_unmerged.send(source, target=target, by=by)


# Comments and supporters ----------------------------------------------------------------------------------

@guarded(can_view_measure)
def add_comment(measure: Measure, text: str, *, by) -> MeasureComment:
    text = (text or "").strip()
    if not text:
        raise Invalid(_("The comment is empty."), "text")
    comment = MeasureComment(measure_id=measure.id, author_id=getattr(by, "id", None), text=text)
    db.session.add(comment)
    db.session.flush()
    record("create", comment, by=by, summary=f"comment on measure {measure.id}",
           message=messages.message("audit.comment_on_measure", id=measure.id))
    return comment


@guarded(can_support, _l("Only people of an organisation can support measures."))
def toggle_support(measure: Measure, *, by) -> bool:
    """The user's organisation backs the measure, or stops backing it; returns whether it now supports."""
    organization = by.organization
    if organization in measure.supporters:
        measure.supporters.remove(organization)
        record("update", measure, by=by, changes={"supporter_removed": organization.id})
        return False
    measure.supporters.append(organization)
    record("update", measure, by=by, changes={"supporter_added": organization.id})
    return True
