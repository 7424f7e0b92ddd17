"""API endpoints over measures: the same services as the web pages.

Each endpoint declares the object it works on and the right it needs (404, then 403, before the
body is read); rights on objects the body names, and field rights, are the services' (403).
"""

from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.api.core import PAGE_QUERY, endpoint, paginated, referenced, referenced_all
from tracker.api.schemas import (
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    MergeIn,
    MilestoneIn,
    MilestoneOut,
    MilestoneOwnerIn,
    ProgressIn,
    ProgressOut,
    TransitionIn,
    TransitionOut,
)
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub
from tracker.implementation import services as implementation
from tracker.implementation.models import Milestone
from tracker.measures import queries, services, workflow
from tracker.measures.models import Measure
from tracker.messages import render as render_message
from tracker.organizations.models import Organization, Person
from tracker.permissions import can_view_measure, can_view_process
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
        history=[TransitionOut(from_status=t.from_status, to_status=t.to_status,
                               reason=render_message(t.reason_message, t.reason), by_id=t.by_id, at=t.at)
                 for t in measure.transitions],
    ).model_dump(mode="json")


MEASURE_QUERY = PAGE_QUERY | {
    "hub_id": {"schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}},
    "status": {"schema": {"type": "string"}}, "goal_id": {"schema": {"type": "integer", "minimum": 1,
                                                                     "maximum": 2147483647}},
    "horizon": {"schema": {"type": "string"}}, "focus": {"schema": {"type": "string", "enum": ["0", "1"]}},
    "q": {"schema": {"type": "string", "maxLength": 200}},
    "sort": {"schema": {"type": "string", "enum": ["number", "title", "status", "hub", "newest", "supporters"]}},
}


# The API's filter names and the web list's
FILTER_NAMES = {"hub_id": "hub", "goal_id": "goal"}


@endpoint("/processes/{process_id}/measures", "GET", "List measures (filters as on the web list)",
          load=(Process, "process_id"), check=can_view_process, response=MeasureOut, query=MEASURE_QUERY,
          tag="measures")
def list_measures(process: Process):
    args = {FILTER_NAMES.get(name, name): value for name, value in request.args.items()}
    statement, _query = queries.filtered(process, args)
    statement = statement.options(selectinload(Measure.goals), selectinload(Measure.responsible_organizations),
                                  selectinload(Measure.merged_from), selectinload(Measure.supporters),
                                  selectinload(Measure.transitions))
    return paginated(statement, measure_json)


@endpoint("/processes/{process_id}/measures", "POST", "Propose a measure (status idea)",
          load=(Process, "process_id"), check=services.propose, body=MeasureIn, response=MeasureOut,
          tag="measures", status=201)
def create_measure(process: Process, data: MeasureIn):
    measure = services.propose(
        process, by=current_user, title=data.title, description=data.description, approach=data.approach,
        expected_effect=data.expected_effect, hub=referenced(Hub, data.hub_id, "hub_id"),
        session=referenced(Session, data.session_id, "session_id"),
        proposer_organization=referenced(Organization, data.proposer_organization_id, "proposer_organization_id",
                                         "Organisation"),
        primary_goal=referenced(GuidingGoal, data.primary_goal_id, "primary_goal_id", "Guiding goal"),
        goals=referenced_all(GuidingGoal, data.goal_ids, "goal_ids"), horizon=data.horizon,
        cost_estimate=data.cost_estimate,
        responsible=referenced_all(Organization, data.responsible_organization_ids, "responsible_organization_ids"),
        is_focus_project=data.is_focus_project)
    db.session.commit()
    return measure_json(measure)


@endpoint("/measures/{measure_id}", "GET", "A measure with its history", load=(Measure, "measure_id"),
          check=can_view_measure, response=MeasureOut, tag="measures")
def get_measure(measure: Measure):
    return measure_json(measure)


@endpoint("/measures/{measure_id}", "PATCH", "Change a measure (send the version you read)",
          load=(Measure, "measure_id"), check=services.update, body=MeasurePatch, response=MeasureOut,
          errors=(409,), tag="measures")
def patch_measure(measure: Measure, data: MeasurePatch):
    given = data.model_fields_set
    changes: dict = {name: getattr(data, name) for name in ("title", "description", "approach", "expected_effect")
                     if name in given and getattr(data, name) is not None}  # texts cannot be null, only empty
    if "primary_goal_id" in given:
        changes["primary_goal"] = referenced(GuidingGoal, data.primary_goal_id, "primary_goal_id", "Guiding goal")
    if "goal_ids" in given:
        changes["goals"] = referenced_all(GuidingGoal, data.goal_ids, "goal_ids")
    if "responsible_organization_ids" in given:
        changes["responsible"] = referenced_all(Organization, data.responsible_organization_ids,
                                                "responsible_organization_ids")
    for name in ("horizon", "cost_estimate", "is_focus_project"):
        if name in given:
            changes[name] = getattr(data, name)
    if "hub_id" in given:
        changes["hub"] = referenced(Hub, data.hub_id, "hub_id")
    services.update(measure, by=current_user, expected_version=data.version, **changes)
    db.session.commit()
    return measure_json(measure)


@endpoint("/measures/{measure_id}/transition", "POST", "Move a measure to another status",
          load=(Measure, "measure_id"), check=workflow.transition, body=TransitionIn, response=MeasureOut,
          errors=(409,), tag="measures")
def transition_measure(measure: Measure, data: TransitionIn):
    workflow.transition(measure, data.to, by=current_user, reason=data.reason,
                        primary_goal=referenced(GuidingGoal, data.primary_goal_id, "primary_goal_id", "Guiding goal"))
    db.session.commit()
    return measure_json(measure)


@endpoint("/measures/merge", "POST", "Merge ideas into an existing or a new measure (the steering group across "
          "hubs, a moderator within their hub)", check=services.can_consolidate_anywhere, body=MergeIn,
          response=MeasureOut, errors=(409,), tag="measures")
def merge_measures(data: MergeIn):
    sources = referenced_all(Measure, data.source_ids, "source_ids")
    if data.target is not None:
        target = services.merge_into_new(sources[0].process, sources, by=current_user, title=data.target.title,
                                         description=data.target.description,
                                         hub=referenced(Hub, data.target.hub_id, "target.hub_id"))
    else:
        target = referenced(Measure, data.target_id, "target_id", "Measure")
        services.merge(target, sources, by=current_user)
    db.session.commit()
    return measure_json(target)


@endpoint("/measures/{measure_id}/unmerge", "POST", "Undo the merge of this source measure",
          load=(Measure, "measure_id"), check=services.unmerge, response=MeasureOut, errors=(409,), tag="measures")
def unmerge_measure(measure: Measure):
    services.unmerge(measure, by=current_user)
    db.session.commit()
    return measure_json(measure)


@endpoint("/measures/{measure_id}/progress", "POST", "Report progress of an adopted measure (steering and the "
          "responsible organisations)", load=(Measure, "measure_id"), check=implementation.can_report,
          body=ProgressIn, response=ProgressOut, errors=(409,), tag="measures", status=201)
def report_progress(measure: Measure, data: ProgressIn):
    update = implementation.report_progress(measure, on=data.date, percent=data.percent, light=data.light,
                                            note=data.note, by=current_user)
    db.session.commit()
    return ProgressOut(id=update.id, measure_id=measure.id, date=update.date, percent=update.percent,
                       light=update.light, note=update.note).model_dump(mode="json")


def milestone_json(milestone: Milestone) -> dict:
    return MilestoneOut(id=milestone.id, measure_id=milestone.measure_id, title=milestone.title,
                        due_on=milestone.due_on, done=milestone.done, done_on=milestone.done_on,
                        owner_organization_id=milestone.owner_organization_id,
                        owner_person_id=milestone.owner_person_id).model_dump(mode="json")


@endpoint("/measures/{measure_id}/milestones", "GET", "The milestones of a measure, by due date",
          load=(Measure, "measure_id"), check=can_view_measure, response=MilestoneOut, query=PAGE_QUERY,
          tag="measures")
def list_milestones(measure: Measure):
    return paginated(select(Milestone).where(Milestone.measure_id == measure.id)
                     .order_by(Milestone.due_on, Milestone.id), milestone_json)


@endpoint("/measures/{measure_id}/milestones", "POST", "Add a milestone to an adopted measure, with its owner "
          "(steering and the responsible organisations)", load=(Measure, "measure_id"),
          check=implementation.add_milestone, body=MilestoneIn, response=MilestoneOut, errors=(409,),
          tag="measures", status=201)
def add_milestone(measure: Measure, data: MilestoneIn):
    milestone = implementation.add_milestone(
        measure, title=data.title, due_on=data.due_on, by=current_user,
        owner_organization=referenced(Organization, data.owner_organization_id, "owner_organization_id"),
        owner_person=referenced(Person, data.owner_person_id, "owner_person_id"))
    db.session.commit()
    return milestone_json(milestone)


@endpoint("/milestones/{milestone_id}/owner", "PUT", "Name who sees to a milestone: an organisation and one of "
          "its people (steering and the responsible organisations)", load=(Milestone, "milestone_id"),
          check=implementation.set_milestone_owner, body=MilestoneOwnerIn, response=MilestoneOut, errors=(409,),
          tag="measures")
def set_milestone_owner(milestone: Milestone, data: MilestoneOwnerIn):
    implementation.set_milestone_owner(
        milestone, by=current_user,
        organization=referenced(Organization, data.owner_organization_id, "owner_organization_id"),
        person=referenced(Person, data.owner_person_id, "owner_person_id"))
    db.session.commit()
    return milestone_json(milestone)
