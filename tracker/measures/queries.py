"""Reading measures (no rules, no writes): the filtered list shared by the web list, its exports and
the API, and the look-ups the measure forms need."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select

from tracker.arguments import object_id, search_text
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub, HubMembership
from tracker.measures.models import Horizon, Measure, MeasureComment, MeasureStatus, measure_goal, measure_supporter
from tracker.organizations.models import Organization
from tracker.processes.models import Process

MAX_QUERY = 200

SORTS = {
    "number": (Measure.id,),
    "title": (func.lower(Measure.title), Measure.id),
    "status": (Measure.status, Measure.id),
    "hub": (Measure.hub_id, Measure.id),
    "newest": (Measure.created_at.desc(), Measure.id.desc()),
}


def filtered(process: Process, args: Mapping[str, str]) -> tuple:
    """The list's statement from the filters (hub, status, horizon, goal, focus, q, sort) and the search text.

    `args` uses the web list's names (`hub`, `goal`); the API maps its `hub_id`/`goal_id` onto them.
    """
    statement = select(Measure).where(Measure.process_id == process.id)
    hub_id, goal_id = object_id(args.get("hub")), object_id(args.get("goal"))
    if hub_id is not None:
        statement = statement.where(Measure.hub_id == hub_id)
    if args.get("status") in {s.value for s in MeasureStatus}:
        statement = statement.where(Measure.status == MeasureStatus(args["status"]))
    if args.get("horizon") in {h.value for h in Horizon}:
        statement = statement.where(Measure.horizon == Horizon(args["horizon"]))
    if goal_id is not None:
        secondary = select(measure_goal.c.measure_id).where(measure_goal.c.goal_id == goal_id)
        statement = statement.where(or_(Measure.primary_goal_id == goal_id, Measure.id.in_(secondary)))
    if args.get("focus") == "1":
        statement = statement.where(Measure.is_focus_project.is_(True))
    query = search_text(args.get("q"), MAX_QUERY)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(Measure.title).like(pattern),
                                        func.lower(Measure.description).like(pattern),
                                        func.lower(Measure.approach).like(pattern)))
    sort = args.get("sort", "number")
    if sort == "supporters":
        supporters = (select(func.count()).where(measure_supporter.c.measure_id == Measure.id)
                      .correlate(Measure).scalar_subquery())
        statement = statement.order_by(supporters.desc(), Measure.id)
    else:
        statement = statement.order_by(*SORTS.get(sort, SORTS["number"]))
    return statement, query


def normalised(args: Mapping[str, str]) -> dict[str, str]:
    """The list's filters each in its one valid spelling, the invalid ones left out: `filtered` gives the
    same rows for these as for the raw arguments, and a cache key made of them has one entry per list,
    not one per spelling of a query string."""
    found: dict[str, str] = {}
    for name in ("hub", "goal"):
        number = object_id(args.get(name))
        if number is not None:
            found[name] = str(number)
    if args.get("status") in {s.value for s in MeasureStatus}:
        found["status"] = args["status"]
    if args.get("horizon") in {h.value for h in Horizon}:
        found["horizon"] = args["horizon"]
    if args.get("focus") == "1":
        found["focus"] = "1"
    query = search_text(args.get("q"), MAX_QUERY)
    if query:
        found["q"] = query
    sort = args.get("sort")
    found["sort"] = sort if sort in SORTS or sort == "supporters" else "number"
    return found


def supports(measure: Measure, organization: Organization | None) -> bool:
    """The organisation backs the measure (without loading every supporter)."""
    if organization is None:
        return False
    return bool(db.session.scalar(select(exists().where(measure_supporter.c.measure_id == measure.id,
                                                        measure_supporter.c.organization_id == organization.id))))


def hubs_of(process: Process) -> list[Hub]:
    return list(db.session.scalars(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position)))


def goals_of(process: Process) -> list[GuidingGoal]:
    return list(db.session.scalars(select(GuidingGoal).where(GuidingGoal.process_id == process.id)
                                   .order_by(GuidingGoal.number)))


def organizations() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


def member_organizations(hubs: Iterable[Hub]) -> list[Organization]:
    """The organisations currently working in any of these hubs, by name."""
    ids = [hub.id for hub in hubs]
    if not ids:
        return []
    return list(db.session.scalars(
        select(Organization).join(HubMembership, HubMembership.organization_id == Organization.id)
        .where(HubMembership.hub_id.in_(ids), HubMembership.left_at.is_(None))
        .order_by(Organization.name).distinct()))


def by_ids(model, ids: Iterable[int] | None) -> list:
    """The objects with these ids (unknown ids are left out: form choices have already limited them)."""
    wanted = [i for i in dict.fromkeys(ids or [])]
    if not wanted:
        return []
    found = {o.id: o for o in db.session.scalars(select(model).where(model.id.in_(wanted)))}
    return [found[i] for i in wanted if i in found]


# Lineage ------------------------------------------------------------------------------------------

@dataclass
class Lineage:
    measure: Measure
    sources: list[Lineage] = field(default_factory=list)


def sources_tree(measure: Measure, depth: int = 0) -> Lineage:
    """What a measure was consolidated from, and what those were consolidated from."""
    if depth > 20:  # merges cannot form circles, but never loop forever on bad data
        return Lineage(measure)
    return Lineage(measure, [sources_tree(source, depth + 1) for source in measure.merged_from])


def destination_chain(measure: Measure) -> list[Measure]:
    """Where a merged measure went, step by step, to the measure that carries it on."""
    chain, current = [], measure.merged_into
    while current is not None and len(chain) < 20:
        chain.append(current)
        current = current.merged_into
    return chain


def carried_into(measure: Measure) -> list[Measure]:
    """The measures of later plan updates that carry this one on (origin_measure_id), oldest first."""
    return list(db.session.scalars(select(Measure).where(Measure.origin_measure_id == measure.id)
                                   .order_by(Measure.id)))


def all_source_ids(measure: Measure) -> list[int]:
    ids, stack = [], list(measure.merged_from)
    while stack:
        source = stack.pop()
        ids.append(source.id)
        stack.extend(source.merged_from)
    return ids


def proposers_with_sources(measure: Measure) -> list[Organization]:
    """Who proposed the measure and every idea merged into it (a merge keeps its sources' proposers)."""
    found: dict[int, Organization] = {}
    stack, seen = [measure], set()
    while stack and len(seen) < 500:
        current = stack.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        if current.proposer_organization is not None:
            found.setdefault(current.proposer_organization.id, current.proposer_organization)
        stack.extend(current.merged_from)
    return sorted(found.values(), key=lambda o: o.name.casefold())


def comments_with_origin(measure: Measure) -> list[MeasureComment]:
    """The measure's own comments and those of everything merged into it, oldest first."""
    ids = [measure.id, *all_source_ids(measure)]
    return list(db.session.scalars(select(MeasureComment).where(MeasureComment.measure_id.in_(ids))
                                   .order_by(MeasureComment.created_at, MeasureComment.id)))
