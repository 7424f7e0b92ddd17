"""API endpoints over measures: the same workflow and services as the web pages."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.api.core import PAGE_QUERY, ApiError, endpoint, get_or_404, get_referenced, paginated, require_api
from tracker.api.schemas import (
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    MergeIn,
    ProgressIn,
    ProgressOut,
    TransitionIn,
    TransitionOut,
)
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub
from tracker.measures import services, workflow
from tracker.measures.models import PLAN_STATUSES, Measure
from tracker.organizations.models import Organization
from tracker.permissions import can_view_measure, can_view_process, is_steering
from tracker.processes.models import Process
from tracker.sessions.models import Session


def measure_json(measure: Measure) -> dict:
    return MeasureOut(
        id=measure.id, process_id=measure.process_id, title=measure.title, description=measure.description,
        approach=measure.approach, expected_effect=measure.expected_effect, hub_id=measure.hub_id,
        session_id=measure.session_id, proposer_organization_id=measure.proposer_organization_id,
        primary_goal_id=measure.primary_goal_id, goal_ids=[g.id for g in measure.goals], horizon=measure.horizon,
        cost_estimate=measure.cost_estimate,
        responsible_organization_ids=[o.id for o in measure.responsible_organizations],
        is_focus_project=measure.is_focus_project, status=measure.status, merged_into_id=measure.merged_into_id,
        merged_from_ids=[m.id for m in measure.merged_from], supporter_ids=[o.id for o in measure.supporters],
        version=measure.version,
        history=[TransitionOut(from_status=t.from_status, to_status=t.to_status, reason=t.reason, by_id=t.by_id,
                               at=t.at) for t in measure.transitions],
    ).model_dump(mode="json")


def _workflow_error(error: workflow.WorkflowError) -> ApiError:
    code = {409: "illegal_transition", 403: "forbidden", 400: "validation_error"}[error.status]
    return ApiError(error.status, code, str(error), error.fields)


def _many(model, ids: list[int], field: str, process_id: int | None = None) -> list:
    if not ids:
        return []
    found = list(db.session.scalars(select(model).where(model.id.in_(ids))))
    if len(found) != len(set(ids)) or (process_id and any(getattr(o, "process_id", process_id) != process_id
                                                          for o in found)):
        raise ApiError(400, "validation_error", f"Unknown ids in {field}.", {field: "unknown ids"})
    return found


def _goal(goal_id: int | None, process: Process) -> int | None:
    if goal_id is None:
        return None
    goal = get_referenced(GuidingGoal, goal_id, "primary_goal_id", "Guiding goal")
    if goal.process_id != process.id:
        raise ApiError(400, "validation_error", "The guiding goal belongs to another process.",
                       {"primary_goal_id": "other process"})
    return goal.id


MEASURE_QUERY = PAGE_QUERY | {
    "hub_id": {"schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}},
    "status": {"schema": {"type": "string"}}, "goal_id": {"schema": {"type": "integer", "minimum": 1,
                                                                     "maximum": 2147483647}},
    "horizon": {"schema": {"type": "string"}}, "focus": {"schema": {"type": "string", "enum": ["0", "1"]}},
    "q": {"schema": {"type": "string", "maxLength": 200}},
    "sort": {"schema": {"type": "string", "enum": ["number", "title", "status", "hub", "newest", "supporters"]}},
}


@endpoint("/processes/{process_id}/measures", "GET", "List measures (filters as on the web list)",
          response=MeasureOut, query=MEASURE_QUERY, errors=(403,), tag="measures")
def list_measures(process_id: int):
    from tracker.measures.views import filtered

    process = get_or_404(Process, process_id, "Process")
    require_api(can_view_process(current_user, process))
    args = request.args.to_dict()
    for api_name, web_name in (("hub_id", "hub"), ("goal_id", "goal")):
        if api_name in args:
            args[web_name] = args.pop(api_name)
    statement, _query = filtered(process, args)
    statement = statement.options(selectinload(Measure.goals), selectinload(Measure.responsible_organizations),
                                  selectinload(Measure.merged_from), selectinload(Measure.supporters),
                                  selectinload(Measure.transitions))
    return paginated(statement, measure_json)


@endpoint("/processes/{process_id}/measures", "POST", "Propose a measure (status idea)", body=MeasureIn,
          response=MeasureOut, errors=(403,), tag="measures", status=201)
def create_measure(process_id: int, data: MeasureIn):
    process = get_or_404(Process, process_id, "Process")
    hub = get_referenced(Hub, data.hub_id, "hub_id", "Hub") if data.hub_id else None
    if hub is not None and hub.process_id != process.id:
        raise ApiError(400, "validation_error", "The hub belongs to another process.", {"hub_id": "other process"})
    require_api(services.can_propose(current_user, hub) if hub else is_steering(current_user, process),
                "You may propose measures only in your organisation's hub.")
    if data.is_focus_project and not is_steering(current_user, process):
        raise ApiError(403, "forbidden", "Only the steering group marks focus projects.")
    session = get_referenced(Session, data.session_id, "session_id", "Session") if data.session_id else None
    if session is not None and session.process_id != process.id:
        raise ApiError(400, "validation_error", "The session belongs to another process.",
                       {"session_id": "other process"})
    proposer = (get_referenced(Organization, data.proposer_organization_id, "proposer_organization_id",
                               "Organisation") if data.proposer_organization_id else current_user.organization)
    measure = workflow.create_measure(
        process, by=current_user, title=data.title, description=data.description, approach=data.approach,
        expected_effect=data.expected_effect, hub_id=hub.id if hub else None, session_id=data.session_id,
        proposer_organization_id=proposer.id if proposer else None, proposer_person_id=current_user.person.id,
        primary_goal_id=_goal(data.primary_goal_id, process), horizon=data.horizon,
        cost_estimate=data.cost_estimate, is_focus_project=data.is_focus_project,
        goals=_many(GuidingGoal, data.goal_ids, "goal_ids", process.id),
        responsible_organizations=_many(Organization, data.responsible_organization_ids,
                                        "responsible_organization_ids"))
    db.session.commit()
    return measure_json(measure)


@endpoint("/measures/{measure_id}", "GET", "A measure with its history", response=MeasureOut, errors=(403,),
          tag="measures")
def get_measure(measure_id: int):
    measure = get_or_404(Measure, measure_id, "Measure")
    require_api(can_view_measure(current_user, measure))
    return measure_json(measure)


@endpoint("/measures/{measure_id}", "PATCH", "Change a measure (send the version you read)", body=MeasurePatch,
          response=MeasureOut, errors=(403, 409), tag="measures")
def patch_measure(measure_id: int, data: MeasurePatch):
    measure = get_or_404(Measure, measure_id, "Measure")
    require_api(services.can_edit(current_user, measure), "You may not edit this measure.")
    given = data.model_dump(exclude_unset=True)
    related = {}
    if "goal_ids" in given:
        related["goals"] = _many(GuidingGoal, given.pop("goal_ids") or [], "goal_ids", measure.process_id)
    if "responsible_organization_ids" in given:
        related["responsible"] = _many(Organization, given.pop("responsible_organization_ids") or [],
                                       "responsible_organization_ids")
    if "primary_goal_id" in given:
        given["primary_goal_id"] = _goal(given["primary_goal_id"], measure.process)
    version = given.pop("version")
    focus = given.pop("is_focus_project", None)
    for name in ("title", "description", "approach", "expected_effect"):  # texts cannot be null, only empty
        if name in given and given[name] is None:
            given.pop(name)
    try:
        services.update(measure, by=current_user, expected_version=version, is_focus_project=focus, **related,
                        **given)
    except services.StaleMeasure:
        raise ApiError(409, "stale_version", f"The measure changed in the meantime; its version is now "
                                             f"{measure.version}. Read it again and retry.",
                       {"version": f"current is {measure.version}"}) from None
    except workflow.WorkflowError as error:
        db.session.rollback()
        raise _workflow_error(error) from None
    db.session.commit()
    return measure_json(measure)


@endpoint("/measures/{measure_id}/transition", "POST", "Move a measure to another status", body=TransitionIn,
          response=MeasureOut, errors=(403, 409), tag="measures")
def transition_measure(measure_id: int, data: TransitionIn):
    measure = get_or_404(Measure, measure_id, "Measure")
    require_api(can_view_measure(current_user, measure))
    try:
        workflow.transition(measure, data.to, by=current_user, reason=data.reason)
    except workflow.WorkflowError as error:
        db.session.rollback()
        raise _workflow_error(error) from None
    db.session.commit()
    return measure_json(measure)


@endpoint("/measures/merge", "POST", "Merge ideas into an existing or a new measure", body=MergeIn,
          response=MeasureOut, errors=(403, 409), tag="measures")
def merge_measures(data: MergeIn):
    sources = _many(Measure, data.source_ids, "source_ids")
    process_ids = {s.process_id for s in sources}
    if len(process_ids) != 1:
        raise ApiError(400, "validation_error", "All sources must belong to one process.", {"source_ids": "mixed"})
    require_api(can_view_process(current_user, sources[0].process))
    try:
        if data.target is not None:
            target = services.merge_into_new(sources, by=current_user, title=data.target.title,
                                             description=data.target.description)
        else:
            target = get_referenced(Measure, data.target_id, "target_id", "Measure")
            services.merge(sources, target, by=current_user)
    except workflow.WorkflowError as error:
        db.session.rollback()
        raise _workflow_error(error) from None
    db.session.commit()
    return measure_json(target)


@endpoint("/measures/{measure_id}/unmerge", "POST", "Undo the merge of this source measure", response=MeasureOut,
          errors=(403, 409), tag="measures")
def unmerge_measure(measure_id: int):
    measure = get_or_404(Measure, measure_id, "Measure")
    require_api(can_view_measure(current_user, measure))
    try:
        services.unmerge(measure, by=current_user)
    except workflow.WorkflowError as error:
        db.session.rollback()
        raise _workflow_error(error) from None
    db.session.commit()
    return measure_json(measure)


@endpoint("/measures/{measure_id}/progress", "POST", "Report progress of an adopted measure", body=ProgressIn,
          response=ProgressOut, errors=(403, 409), tag="measures", status=201)
def report_progress(measure_id: int, data: ProgressIn):
    from tracker.implementation import services as implementation

    measure = get_or_404(Measure, measure_id, "Measure")
    require_api(can_view_measure(current_user, measure))
    if measure.status not in PLAN_STATUSES:
        raise ApiError(409, "conflict", "Progress is reported on adopted measures only.")
    require_api(implementation.can_report(current_user, measure),
                "Only the steering group and the responsible organisations report progress.")
    update = implementation.report_progress(measure, on=data.date, percent=data.percent, light=data.light,
                                            note=data.note, by=current_user)
    db.session.commit()
    return ProgressOut(id=update.id, measure_id=measure.id, date=update.date, percent=update.percent,
                       light=update.light, note=update.note).model_dump(mode="json")
