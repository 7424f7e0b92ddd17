"""Measures: the list (filters, search, sort, export), proposing and editing, the workflow, comments,
supporters, consolidation (merge, unmerge, lineage) and duplicate suggestions."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub
from tracker.implementation.views import measure_tracking
from tracker.labels import choices, label
from tracker.measures import exports, services, workflow
from tracker.measures.forms import CommentForm, MeasureForm, MergeForm, TransitionForm
from tracker.measures.models import PLAN_STATUSES, Horizon, Measure, MeasureStatus, measure_goal, measure_supporter
from tracker.organizations.models import Organization, OrganizationType
from tracker.permissions import can_view_measure, can_view_process, is_internal, is_steering, require
from tracker.processes.models import Process

bp = Blueprint("measures", __name__)

SORTS = {
    "number": (Measure.id,),
    "title": (func.lower(Measure.title), Measure.id),
    "status": (Measure.status, Measure.id),
    "hub": (Measure.hub_id, Measure.id),
    "newest": (Measure.created_at.desc(), Measure.id.desc()),
}


def filtered(process: Process, args) -> tuple:
    """The list's query from the URL's filters; shared by the page and the exports."""
    statement = select(Measure).where(Measure.process_id == process.id)
    if args.get("hub", "").isdigit():
        statement = statement.where(Measure.hub_id == int(args["hub"]))
    if args.get("status") in {s.value for s in MeasureStatus}:
        statement = statement.where(Measure.status == MeasureStatus(args["status"]))
    if args.get("horizon") in {h.value for h in Horizon}:
        statement = statement.where(Measure.horizon == Horizon(args["horizon"]))
    if args.get("goal", "").isdigit():
        goal_id = int(args["goal"])
        secondary = select(measure_goal.c.measure_id).where(measure_goal.c.goal_id == goal_id)
        statement = statement.where(or_(Measure.primary_goal_id == goal_id, Measure.id.in_(secondary)))
    if args.get("focus") == "1":
        statement = statement.where(Measure.is_focus_project.is_(True))
    query = args.get("q", "").strip()[:200]
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


@bp.get("/processes/<int:process_id>/measures")
@login_required
def index(process_id: int):
    process = db.get_or_404(Process, process_id)
    require(can_view_process(current_user, process))
    statement, query = filtered(process, request.args)
    statement = statement.options(selectinload(Measure.hub), selectinload(Measure.proposer_organization),
                                  selectinload(Measure.primary_goal))
    page = db.paginate(statement, per_page=50, error_out=False)
    hubs = list(db.session.scalars(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position)))
    goals = list(db.session.scalars(select(GuidingGoal).where(GuidingGoal.process_id == process.id)
                                    .order_by(GuidingGoal.number)))
    may_merge = is_steering(current_user, process) or bool(current_user.moderated_hubs)
    proposable = [hub for hub in hubs if services.can_propose(current_user, hub)]
    return render_template("measures/index.html", process=process, page=page, hubs=hubs, goals=goals,
                           args=request.args, query=query, statuses=choices(MeasureStatus), horizons=choices(Horizon),
                           may_merge=may_merge, merge_form=MergeForm() if may_merge else None,
                           proposable=proposable)


@bp.get("/processes/<int:process_id>/measures.<any(csv, xlsx):fmt>")
@login_required
def export(process_id: int, fmt: str):
    process = db.get_or_404(Process, process_id)
    require(can_view_process(current_user, process))
    statement, _query = filtered(process, request.args)
    measures = db.session.scalars(statement.options(
        selectinload(Measure.hub), selectinload(Measure.primary_goal), selectinload(Measure.proposer_organization),
        selectinload(Measure.responsible_organizations), selectinload(Measure.supporters))).all()
    content, mimetype = exports.measures_table(measures, fmt)
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="massnahmen.{fmt}"'})


# One measure -------------------------------------------------------------------------------------

@bp.get("/measures/<int:measure_id>")
@login_required
def show(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    require(can_view_measure(current_user, measure))
    internal = is_internal(current_user, measure.process)
    return render_template(
        "measures/show.html", measure=measure,
        next_steps=workflow.allowed_next(measure, current_user),
        needs_reason={to for (source, to), rule in workflow.TRANSITIONS.items()
                      if source == measure.status and workflow.Need.REASON in rule.needs},
        can_edit=services.can_edit(current_user, measure),
        can_unmerge=measure.status == MeasureStatus.MERGED and measure.merged_into is not None
        and services.can_merge(current_user, [measure], measure.merged_into),
        comments=services.comments_with_origin(measure), comment_form=CommentForm(),
        transition_form=TransitionForm(),
        supports=current_user.organization is not None and current_user.organization in measure.supporters,
        similar=services.similar_measures(measure) if internal and measure.status in services.OPEN else [],
        destination=services.destination_chain(measure),
        tracking=measure_tracking(measure, current_user) if measure.status in PLAN_STATUSES else None,
    )


@bp.post("/measures/<int:measure_id>/transition")
@login_required
def transition(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    require(can_view_measure(current_user, measure))
    form = TransitionForm()
    try:
        to = MeasureStatus(form.to.data or "")
    except ValueError:
        abort(400)
    try:
        workflow.transition(measure, to, by=current_user, reason=form.reason.data)
    except workflow.NotAllowed:
        abort(403)
    except workflow.WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".show", measure_id=measure.id)), 303
    db.session.commit()
    flash(_("The measure is now “%(status)s”.", status=label(to)), "success")
    return redirect(url_for(".show", measure_id=measure.id))


def _organization_choices() -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in db.session.scalars(select(Organization).order_by(Organization.name))]


def _fill(form: MeasureForm, process: Process, hubs: list[Hub]) -> None:
    form.hub_id.choices = [SelectChoice(h.id, h.name) for h in hubs]
    goals = db.session.scalars(select(GuidingGoal).where(GuidingGoal.process_id == process.id)
                               .order_by(GuidingGoal.number)).all()
    form.primary_goal_id.choices = [SelectChoice(0, _("— none yet —"))] + [
        SelectChoice(g.id, f"{g.number}. {g.title}") for g in goals]
    form.goal_ids.choices = [SelectChoice(g.id, f"{g.number}. {g.title}") for g in goals]
    form.horizon.choices = [SelectChoice("", _("— open —")), *choices(Horizon)]
    organizations = _organization_choices()
    form.responsible_organization_ids.choices = organizations
    form.partner_organization_ids.choices = organizations


def _fields(form: MeasureForm) -> dict:
    return dict(title=form.title.data.strip(), description=form.description.data or "",
                approach=form.approach.data or "", expected_effect=form.expected_effect.data or "",
                primary_goal_id=form.primary_goal_id.data or None,
                horizon=Horizon(form.horizon.data) if form.horizon.data else None,
                cost_estimate=(form.cost_estimate.data or "").strip() or None)


def _related(form: MeasureForm) -> dict:
    def pick(model, ids):
        return list(db.session.scalars(select(model).where(model.id.in_(ids or [])))) if ids else []

    return dict(goals=pick(GuidingGoal, form.goal_ids.data),
                responsible=pick(Organization, form.responsible_organization_ids.data),
                partners=pick(Organization, form.partner_organization_ids.data))


@bp.route("/processes/<int:process_id>/measures/new", methods=["GET", "POST"])
@login_required
def new(process_id: int):
    """Propose a measure in a hub the user works in (companies: their organisation's hub)."""
    process = db.get_or_404(Process, process_id)
    hubs = [hub for hub in db.session.scalars(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position))
            if services.can_propose(current_user, hub)]
    require(bool(hubs))
    form = MeasureForm(hub_id=request.args.get("hub", type=int))
    _fill(form, process, hubs)
    if form.validate_on_submit():
        related = _related(form)
        measure = workflow.create_measure(
            process, by=current_user, hub_id=form.hub_id.data, proposer_organization_id=current_user.organization.id
            if current_user.organization else None, proposer_person_id=current_user.person.id,
            goals=related["goals"], responsible_organizations=related["responsible"],
            partner_organizations=related["partners"], **_fields(form))
        if form.is_focus_project.data and is_steering(current_user, process):
            measure.is_focus_project = True
        db.session.commit()
        flash(_("Your proposal is saved as an idea. The hub's moderators will review it."), "success")
        return redirect(url_for(".show", measure_id=measure.id))
    return render_template("measures/form.html", form=form, process=process, measure=None,
                           may_flag=is_steering(current_user, process)), 400 if form.errors else 200


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@login_required
def edit(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    require(services.can_edit(current_user, measure))
    form = MeasureForm(obj=measure, version=measure.version, hub_id=measure.hub_id,
                       primary_goal_id=measure.primary_goal_id or 0,
                       horizon=measure.horizon.value if measure.horizon else "",
                       goal_ids=[g.id for g in measure.goals],
                       responsible_organization_ids=[o.id for o in measure.responsible_organizations],
                       partner_organization_ids=[o.id for o in measure.partner_organizations])
    hubs = [measure.hub] if measure.hub else []
    _fill(form, measure.process, hubs)
    if not hubs:
        form.hub_id.choices = [SelectChoice(0, _("— no hub —"))]
        form.hub_id.data = form.hub_id.data or 0
    may_flag = is_steering(current_user, measure.process)
    if form.validate_on_submit():
        try:
            services.update(measure, by=current_user, expected_version=int(form.version.data or 0),
                            is_focus_project=form.is_focus_project.data if may_flag else None,
                            **_related(form), **_fields(form))
        except services.StaleMeasure:
            db.session.rollback()
            return render_template("measures/conflict.html", measure=measure, form=form), 409
        db.session.commit()
        flash(_("The measure is saved."), "success")
        return redirect(url_for(".show", measure_id=measure.id))
    return render_template("measures/form.html", form=form, process=measure.process, measure=measure,
                           may_flag=may_flag), 400 if form.errors else 200


@bp.post("/measures/<int:measure_id>/focus")
@login_required
def focus(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    require(is_steering(current_user, measure.process))
    services.set_focus(measure, request.form.get("flag") == "1", by=current_user)
    db.session.commit()
    return redirect(url_for(".show", measure_id=measure.id))


@bp.post("/measures/<int:measure_id>/comments")
@login_required
def comment(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    require(can_view_measure(current_user, measure))
    form = CommentForm()
    if form.validate_on_submit():
        services.add_comment(measure, form.text.data, by=current_user)
        db.session.commit()
        flash(_("Your comment is added."), "success")
    else:
        flash(_("The comment is empty or too long."), "error")
    return redirect(url_for(".show", measure_id=measure.id) + "#comments")


@bp.post("/measures/<int:measure_id>/support")
@login_required
def support(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    require(can_view_measure(current_user, measure) and current_user.organization is not None)
    supports = services.toggle_support(measure, by=current_user)
    db.session.commit()
    flash(_("Your organisation supports this measure.") if supports else
          _("Your organisation no longer supports this measure."), "success")
    return redirect(url_for(".show", measure_id=measure.id))


# Consolidation -----------------------------------------------------------------------------------

@bp.post("/processes/<int:process_id>/measures/merge")
@login_required
def merge(process_id: int):
    process = db.get_or_404(Process, process_id)
    require(can_view_process(current_user, process))
    ids = [int(i) for i in request.form.getlist("source_ids") if i.isdigit()]
    sources = list(db.session.scalars(select(Measure).where(Measure.id.in_(ids), Measure.process_id == process.id)))
    form = MergeForm()
    back = request.form.get("next", "")
    back = back if back.startswith("/") and not back.startswith("//") else url_for(".index", process_id=process.id)
    if not sources:
        flash(_("Tick the ideas you want to merge."), "error")
        return redirect(back)
    target = None
    try:
        if (form.new_title.data or "").strip():
            target = services.merge_into_new(sources, by=current_user, title=form.new_title.data.strip(),
                                             description=form.new_description.data or "")
        else:
            target = db.session.get(Measure, form.target_id.data or 0)
            if target is None or target.process_id != process.id:
                flash(_("Choose the measure to merge into, or give a title for a new one."), "error")
                return redirect(back)
            services.merge([s for s in sources if s.id != target.id], target, by=current_user)
    except workflow.NotAllowed:
        db.session.rollback()
        abort(403)
    except workflow.WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Merged into “%(title)s”.", title=target.title), "success")
    return redirect(url_for(".show", measure_id=target.id))


@bp.post("/measures/<int:measure_id>/unmerge")
@login_required
def unmerge(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    require(can_view_measure(current_user, measure))
    try:
        services.unmerge(measure, by=current_user)
    except workflow.NotAllowed:
        abort(403)
    except workflow.WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for(".show", measure_id=measure.id))
    db.session.commit()
    flash(_("The merge is undone."), "success")
    return redirect(url_for(".show", measure_id=measure.id))


@bp.get("/measures/<int:measure_id>/lineage")
@login_required
def lineage(measure_id: int):
    measure = db.get_or_404(Measure, measure_id)
    require(can_view_measure(current_user, measure))
    return render_template("measures/lineage.html", measure=measure, tree=services.sources_tree(measure),
                           destination=services.destination_chain(measure))


@bp.get("/processes/<int:process_id>/measures/duplicates")
@login_required
def duplicates(process_id: int):
    process = db.get_or_404(Process, process_id)
    require(is_internal(current_user, process))
    return render_template("measures/duplicates.html", process=process,
                           pairs=services.duplicate_candidates(process))


__all__ = ["OrganizationType", "bp"]
