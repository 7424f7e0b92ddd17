"""Recording implementation progress, and the roll-ups the dashboards and the plan read (aggregates in SQL).

Who records: the steering group and the people of a measure's responsible organisations, on measures
being implemented (`can_report`); the process's own indicators are the steering group's. Every action
below declares that right with @guarded, so the page, the API and the CLI are refused alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager

import tracker.implementation.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.audit.services import record
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.implementation.models import Indicator, IndicatorValue, Light, Milestone, ProgressUpdate
from tracker.labels import label
from tracker.measures.models import PLAN_STATUSES, Measure, MeasureStatus
from tracker.organizations.models import Organization, Person
from tracker.permissions import guarded, is_steering, represents
from tracker.processes.models import Process

TRACKED = tuple(PLAN_STATUSES)  # the plan measures the roll-ups count (completed ones included)
# Progress, milestones and indicator values are recorded while a measure is being implemented.
REPORTING = (MeasureStatus.ADOPTED, MeasureStatus.IN_PROGRESS, MeasureStatus.ON_HOLD)
PERCENT_RANGE = range(0, 101)
SUMMARY_LENGTH = 120  # of a title or name in the audit summary
MILESTONE_TITLE_LENGTH = 200
ONLY_REPORTERS = _l("Only the steering group and the responsible organisations record the implementation of a "
                    "measure.")


def can_report(user, measure: Measure | None) -> bool:
    """Steering and the responsible organisations' people record a measure's implementation."""
    if measure is None:
        return False
    return is_steering(user, measure.process) or any(represents(user, o) for o in measure.responsible_organizations)


def is_reporting(measure: Measure) -> bool:
    """Progress, milestones and values are recorded while the measure is adopted, running or paused."""
    return measure.status in REPORTING


def _require_reporting(measure: Measure) -> None:
    if not is_reporting(measure):
        raise Conflict(_("Progress is recorded on adopted measures only (this one is “%(status)s”).",
                         status=label(measure.status)), "measure")


def can_mark_milestone(user, milestone: Milestone) -> bool:
    return can_report(user, milestone.measure)


def can_keep_indicators(user, owner: Measure | Process) -> bool:
    """A measure's indicators: whoever reports on it; the process's own indicators: the steering group."""
    return can_report(user, owner) if isinstance(owner, Measure) else is_steering(user, owner)


def can_add_value(user, indicator: Indicator) -> bool:
    return can_keep_indicators(user, indicator.measure or indicator.process)


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid(message, field)
    return text


@guarded(can_report, ONLY_REPORTERS)
def report_progress(measure: Measure, *, on: date, percent: int, light: Light, note: str = "", by) -> ProgressUpdate:
    """A dated report: how far (percent), how it goes (traffic light), what happened."""
    _require_reporting(measure)
    if percent not in PERCENT_RANGE:
        raise Invalid(_("The percentage lies between 0 and 100."), "percent")
    update = ProgressUpdate(measure_id=measure.id, date=on, percent=percent, light=light, note=(note or "").strip(),
                            by_id=getattr(by, "id", None))
    db.session.add(update)
    db.session.flush()
    record("progress", measure, by=by, summary=f"{percent} % {light.value}",
           message=messages.message("implementation.progress", percent=messages.percentage(percent),
                                    light=messages.enum_value("light", light)),
           changes={"percent": percent, "light": light.value, "date": on.isoformat()})
    return update


def _owner(organization: Organization | None, person: Person | None) -> tuple[Organization | None, Person | None]:
    """A milestone's owner: an organisation and, optionally, one of its people (a person alone brings theirs)."""
    if person is not None:
        if person.anonymised_at is not None:
            raise Invalid(_("This person can no longer be named."), "owner_person_id")
        if organization is None:
            organization = person.organization
        if organization is None or person.organization_id != organization.id:
            raise Invalid(_("The person who owns a milestone belongs to its organisation."), "owner_person_id")
    return organization, person


def _owner_ids(milestone: Milestone) -> list[int | None]:
    return [milestone.owner_organization_id, milestone.owner_person_id]


@guarded(can_report, ONLY_REPORTERS)
def add_milestone(measure: Measure, *, title: str, due_on: date | None, owner_organization: Organization | None = None,
                  owner_person: Person | None = None, by) -> Milestone:
    """A milestone of a measure being implemented, with the organisation (and person) who sees to it."""
    _require_reporting(measure)
    title = _required(title, "title", _("Please name the milestone."))
    if len(title) > MILESTONE_TITLE_LENGTH:
        raise Invalid(_("At most %(n)d characters.", n=MILESTONE_TITLE_LENGTH), "title")
    organization, person = _owner(owner_organization, owner_person)
    milestone = Milestone(measure_id=measure.id, title=title, due_on=due_on,
                          owner_organization_id=organization.id if organization else None,
                          owner_person_id=person.id if person else None)
    db.session.add(milestone)
    db.session.flush()
    record("create", milestone, by=by, summary=title[:SUMMARY_LENGTH],
           changes={"owner": _owner_ids(milestone)} if organization else None)
    return milestone


@guarded(can_mark_milestone, ONLY_REPORTERS)
def set_milestone_owner(milestone: Milestone, *, organization: Organization | None, person: Person | None,
                        by) -> None:
    """Who sees to the milestone (both empty: nobody yet); the person belongs to the organisation."""
    _require_reporting(milestone.measure)
    organization, person = _owner(organization, person)
    before = _owner_ids(milestone)
    after = [organization.id if organization else None, person.id if person else None]
    if before == after:
        return
    milestone.owner_organization_id, milestone.owner_person_id = after
    milestone.owner_organization, milestone.owner_person = organization, person
    owner = organization.name if organization else "—"
    record("update", milestone, by=by, summary=f"owner → {owner}"[:300],
           message=messages.message("implementation.milestone_owner", owner=owner),
           changes={"owner": [before, after]})


@guarded(can_mark_milestone, ONLY_REPORTERS)
def set_milestone_done(milestone: Milestone, done: bool, *, on: date, by) -> None:
    _require_reporting(milestone.measure)
    milestone.done = done
    milestone.done_on = on if done else None
    record("update", milestone, by=by, changes={"done": done})


@guarded(can_keep_indicators, ONLY_REPORTERS)
def add_indicator(owner: Measure | Process, *, name: str, unit: str = "", baseline: Decimal | None = None,
                  target: Decimal | None = None, by) -> Indicator:
    """An indicator of a measure, or of the whole process (owner is then the process)."""
    name = _required(name, "name", _("Please name the indicator."))
    measure = owner if isinstance(owner, Measure) else None
    if measure is not None:
        _require_reporting(measure)
    indicator = Indicator(process_id=owner.process_id if measure else owner.id,
                          measure_id=measure.id if measure else None, name=name, unit=(unit or "").strip(),
                          baseline=baseline, target=target)
    db.session.add(indicator)
    db.session.flush()
    record("create", indicator, by=by, summary=name[:SUMMARY_LENGTH])
    return indicator


@guarded(can_add_value, ONLY_REPORTERS)
def add_value(indicator: Indicator, *, on: date, value: Decimal, note: str = "", by) -> IndicatorValue:
    if indicator.measure is not None:
        _require_reporting(indicator.measure)
    entry = IndicatorValue(indicator_id=indicator.id, date=on, value=value, note=(note or "").strip())
    db.session.add(entry)
    db.session.flush()
    record("create", entry, by=by, summary=f"{indicator.name}: {value}",
           message=messages.message("implementation.indicator_value", indicator=indicator.name,
                                    value=messages.decimal(value)))
    return entry


# Roll-ups --------------------------------------------------------------------------------------------

def latest_progress_subquery():
    """Each measure's newest progress update (latest date, then latest id), as a subquery."""
    ranked = select(ProgressUpdate.id, func.row_number().over(
        partition_by=ProgressUpdate.measure_id,
        order_by=(ProgressUpdate.date.desc(), ProgressUpdate.id.desc())).label("rank")).subquery()
    return (select(ProgressUpdate).join(ranked, and_(ranked.c.id == ProgressUpdate.id, ranked.c.rank == 1))
            .subquery())


def latest_progress(measure_ids: list[int]) -> dict[int, ProgressUpdate]:
    """{measure id: its newest progress update} for the given measures, in one query."""
    if not measure_ids:
        return {}
    latest = latest_progress_subquery()
    rows = db.session.execute(select(ProgressUpdate).join(latest, latest.c.id == ProgressUpdate.id)
                              .where(ProgressUpdate.measure_id.in_(measure_ids))).scalars()
    return {update.measure_id: update for update in rows}


def milestones_of(measure_ids: list[int]) -> dict[int, list[Milestone]]:
    """{measure id: its milestones by due date} for the given measures, in one query."""
    result: dict[int, list[Milestone]] = {}
    if not measure_ids:
        return result
    for milestone in db.session.scalars(select(Milestone).where(Milestone.measure_id.in_(measure_ids))
                                        .order_by(Milestone.measure_id, Milestone.due_on, Milestone.id)):
        result.setdefault(milestone.measure_id, []).append(milestone)
    return result


@dataclass
class Rollup:
    key: int | None
    measures: int
    percent: float  # average of the latest percentages; measures without a report count as 0 %
    green: int
    yellow: int
    red: int
    unreported: int


def _rollup(process: Process, group_column) -> list[Rollup]:
    latest = latest_progress_subquery()
    rows = db.session.execute(
        select(group_column, func.count(Measure.id), func.coalesce(func.sum(latest.c.percent), 0),
               *(func.sum(case((condition, 1), else_=0)) for condition in (
                   latest.c.light == Light.GREEN, latest.c.light == Light.YELLOW, latest.c.light == Light.RED,
                   latest.c.id.is_(None))))
        .select_from(Measure).outerjoin(latest, latest.c.measure_id == Measure.id)
        .where(Measure.process_id == process.id, Measure.status.in_(TRACKED))
        .group_by(group_column))
    return [Rollup(key, count, round(float(total) / count, 1) if count else 0.0, green or 0, yellow or 0, red or 0,
                   unreported or 0) for key, count, total, green, yellow, red, unreported in rows]


def progress_by_goal(process: Process) -> dict[int | None, Rollup]:
    return {r.key: r for r in _rollup(process, Measure.primary_goal_id)}


def progress_by_hub(process: Process) -> dict[int | None, Rollup]:
    return {r.key: r for r in _rollup(process, Measure.hub_id)}


def process_progress(process: Process) -> Rollup:
    rows = _rollup(process, Measure.process_id)
    return rows[0] if rows else Rollup(process.id, 0, 0.0, 0, 0, 0, 0)


def stale_days(config) -> int:
    """The configured number of days after which a measure without a new report counts as stale."""
    return int(config["STALE_PROGRESS_DAYS"])


def stale_measures(process: Process, days: int, today: date) -> list[tuple[Measure, date | None]]:
    """Plan measures whose newest update is older than `days` (or that never had one), oldest first."""
    last = (select(ProgressUpdate.measure_id, func.max(ProgressUpdate.date).label("last"))
            .group_by(ProgressUpdate.measure_id).subquery())
    cutoff = today - timedelta(days=days)
    rows = db.session.execute(
        select(Measure, last.c.last).outerjoin(last, last.c.measure_id == Measure.id)
        .where(Measure.process_id == process.id, Measure.status.in_(TRACKED),
               (last.c.last.is_(None)) | (last.c.last < cutoff))
        .order_by(last.c.last.is_(None).desc(), last.c.last, Measure.id))
    return [(measure, last_date) for measure, last_date in rows]


def overdue_milestones(process: Process, today: date) -> list[Milestone]:
    """Open milestones of the process's measures whose due date lies before today, most overdue first."""
    return list(db.session.scalars(
        select(Milestone).join(Milestone.measure).options(contains_eager(Milestone.measure))
        .where(Measure.process_id == process.id, Milestone.done.is_(False), Milestone.due_on < today)
        .order_by(Milestone.due_on)))


def indicator_series(indicator: Indicator) -> list[tuple[date, Decimal]]:
    """The indicator's values in date order, read in one query (not through the loaded relationship)."""
    return [(on, value) for on, value in db.session.execute(
        select(IndicatorValue.date, IndicatorValue.value).where(IndicatorValue.indicator_id == indicator.id)
        .order_by(IndicatorValue.date, IndicatorValue.id))]


def light_counts(process: Process) -> dict[str, int]:
    """How many plan measures stand at green, yellow and red by their latest report, and how many have none."""
    total = process_progress(process)
    return {"green": total.green, "yellow": total.yellow, "red": total.red, "unreported": total.unreported}


def carry_over_progress(old: Process, new: Process) -> None:
    """For a plan update: each carried-over measure starts with the latest report of its original."""
    pairs = db.session.execute(select(Measure.id, Measure.origin_measure_id).where(
        Measure.process_id == new.id, Measure.origin_measure_id.is_not(None))).all()
    latest = latest_progress([origin for _id, origin in pairs])
    for measure_id, origin in pairs:
        update = latest.get(origin)
        if update is not None:
            db.session.add(ProgressUpdate(measure_id=measure_id, date=update.date, percent=update.percent,
                                          light=update.light, note=update.note, by_id=update.by_id))
