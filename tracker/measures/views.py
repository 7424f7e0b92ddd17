"""Measures: the list (filters, search, sort, export), proposing and editing, the workflow, comments,
supporters, consolidation (merge, unmerge, lineage) and duplicate suggestions.

Each view loads its object and checks the right of its action first (`load`), then reads the form,
then calls the service; refusals the service raises propagate to the error pages.
"""

from __future__ import annotations

import hashlib
from datetime import date

from flask import Blueprint, Response, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from tracker import caching
from tracker.arguments import object_id, object_ids
from tracker.errors import Conflict, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub
from tracker.implementation import services as implementation
from tracker.implementation.views import measure_tracking
from tracker.labels import choices, label
from tracker.measures import duplicates as similar
from tracker.measures import exports, queries, services, workflow
from tracker.measures.forms import CommentForm, MeasureForm, MergeForm, TransitionForm
from tracker.measures.models import PLAN_STATUSES, Horizon, Measure, MeasureStatus
from tracker.organizations.models import Organization
from tracker.pagination import PageNumbers, listing_page, page_size, requested_page
from tracker.permissions import (
    can_view_measure,
    can_view_process,
    can_view_session,
    find,
    find_with,
    is_internal,
    is_steering,
    load,
)
from tracker.processes.models import Process
from tracker.sessions.models import Session
from tracker.urls import local_path

bp = Blueprint("measures", __name__)
# The measure page's own rights (steering, moderator, proposer, responsible, supporter, session) read these.
PAGE_LOADS = (joinedload(Measure.process), joinedload(Measure.hub),
              joinedload(Measure.session).load_only(Session.kind, Session.process_id, Session.hub_id),
              joinedload(Measure.proposer_organization), selectinload(Measure.responsible_organizations))
MAX_CACHED_PAGE = 20  # later pages of a list are rendered afresh: the cache holds no key per page number


@bp.get("/processes/<int:process_id>/measures")
@login_required
def index(process_id: int):
    process = load(Process, process_id, can_view_process)
    args, number = queries.normalised(request.args), requested_page()
    may_merge = services.merge_into_new.allowed(current_user, process)
    steering = may_merge and is_steering(current_user, process)  # the merge form offers the hub of a new measure

    def build() -> dict:
        statement, query = queries.filtered(process, args)
        page = listing_page(statement.options(selectinload(Measure.hub), selectinload(Measure.proposer_organization)),
                            number)
        hubs = queries.hubs_of(process)
        return {
            "total": page.total,
            "filters": str(get_template_attribute("measures/_list.html", "filters")(
                hubs, queries.goals_of(process), args, query, choices(MeasureStatus), choices(Horizon), page.total)),
            "table": str(get_template_attribute("measures/_list.html", "table")(
                process, page.items, hubs, may_merge, steering, MergeForm(formdata=None) if may_merge else None)),
        }

    # The key holds the validated filters only (the search text by its digest) and the first pages only.
    vary = (may_merge, steering, *(f"{name}={args[name]}" for name in sorted(args) if name != "q"),
            hashlib.sha256(args.get("q", "").encode()).hexdigest()[:16], number)
    listing = caching.cached(
        "html:measure-list", build, process_id=process.id, areas=(caching.MEASURES, caching.PEOPLE),
        visibility=caching.INTERNAL if may_merge else caching.MEMBERS, vary=vary,
    ) if number <= MAX_CACHED_PAGE else build()
    return render_template("measures/index.html", process=process, args=request.args,
                           page=PageNumbers(number, page_size(), listing["total"]),
                           listing_filters=Markup(listing["filters"]),  # noqa: S704 - our own rendered template
                           listing_table=Markup(listing["table"]),  # noqa: S704 - our own rendered template
                           may_merge=may_merge, may_propose=services.propose.allowed(current_user, process))


@bp.get("/processes/<int:process_id>/measures.<any(csv, xlsx):fmt>")
@login_required
def export(process_id: int, fmt: str):
    process = load(Process, process_id, can_view_process)
    statement, _query = queries.filtered(process, request.args)
    measures = db.session.scalars(statement.options(
        selectinload(Measure.hub), selectinload(Measure.primary_goal), selectinload(Measure.proposer_organization),
        selectinload(Measure.responsible_organizations), selectinload(Measure.supporters))).all()
    content, content_type = exports.measures_table(measures, fmt)
    return Response(content, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="massnahmen.{fmt}"'})


# One measure -------------------------------------------------------------------------------------

@bp.get("/measures/<int:measure_id>")
@login_required
def show(measure_id: int):
    # What the rights and the buttons read, in three queries (held here: the identity map holds it weakly).
    preloaded = find_with(Measure, measure_id, *PAGE_LOADS)  # noqa: F841
    measure = load(Measure, measure_id, can_view_measure)
    internal = is_internal(current_user, measure.process)
    next_steps = workflow.allowed_next(measure, current_user)
    # Adopting asks for the primary guiding goal on the spot when the measure has none yet.
    goals = queries.goals_of(measure.process) if workflow.goal_needed(measure, next_steps) else []
    may_see_session = measure.session_id is not None and can_view_session(current_user, measure.session)
    return render_template(
        "measures/show.html", measure=measure, parts=_cached_parts(measure, internal, may_see_session),
        next_steps=next_steps, blocked=workflow.blocked_steps(measure, next_steps, goals_to_choose=bool(goals)),
        goal_needed=workflow.goal_needed(measure, next_steps) if goals else set(), goals=goals,
        needs_reason={to for (source, to), rule in workflow.TRANSITIONS.items()
                      if source == measure.status and workflow.Need.REASON in rule.needs},
        can_edit=services.update.allowed(current_user, measure),
        may_focus=services.set_focus.allowed(current_user, measure),
        may_support=services.toggle_support.allowed(current_user, measure),
        can_unmerge=measure.status == MeasureStatus.MERGED and measure.merged_into is not None
        and services.unmerge.allowed(current_user, measure),
        comment_form=CommentForm(), transition_form=TransitionForm(),
        supports=queries.supports(measure, current_user.organization),
        destination=queries.destination_chain(measure),
        carried_into=queries.carried_into(measure),  # other processes' measures: not under this one's generations
    )


def _cached_parts(measure: Measure, internal: bool, may_see_session: bool) -> dict[str, Markup]:
    """What everyone with the same rights sees of a measure (its text, facts, similar ideas for the
    internal roles, implementation, prioritisation results, comments and history), rendered once per generation
    of the measures, people and sessions (the session it was raised in). The implementation's forms (for those
    who may report) are stored without their CSRF token and get the reader's own; their dates default to today."""
    in_plan = measure.status in PLAN_STATUSES
    may_report = in_plan and implementation.can_report(current_user, measure) and implementation.is_reporting(measure)

    def build() -> dict[str, str]:
        def part(name: str, *args) -> str:
            return str(get_template_attribute("measures/_show.html", name)(*args))
        similar_ = similar.similar_measures(measure) if internal and measure.status in similar.OPEN else []
        return {
            "grid": part("grid", measure, queries.proposers_with_sources(measure), similar_, may_see_session),
            "implementation": caching.without_token(render_template(
                "implementation/_measure_section.html", measure=measure,
                tracking=measure_tracking(measure, current_user))) if in_plan else "",
            "rankings": part("rankings", measure),
            "comments": part("comments", measure, queries.comments_with_origin(measure)),
            "history": part("history", measure),
        }
    parts = caching.cached("html:measure-page", build, process_id=measure.process_id,
                           areas=(caching.MEASURES, caching.PEOPLE, caching.SESSIONS),
                           visibility=caching.INTERNAL if internal else caching.MEMBERS,
                           vary=(measure.id, internal, may_see_session, may_report,
                                 date.today() if may_report else ""))
    return {name: caching.with_token(html) for name, html in parts.items()}


@bp.post("/measures/<int:measure_id>/transition")
@login_required
def transition(measure_id: int):
    measure = load(Measure, measure_id, workflow.transition.allowed)
    form = TransitionForm()
    try:
        to = MeasureStatus(form.to.data or "")
    except ValueError:
        raise Invalid(_("Choose the next step."), "to") from None
    try:
        workflow.transition(measure, to, by=current_user, reason=form.reason.data,
                            primary_goal=find(GuidingGoal, object_id(request.form.get("primary_goal_id"))))
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".show", measure_id=measure.id)), 303
    db.session.commit()
    flash(_("The measure is now “%(status)s”.", status=label(to)), "success")
    return redirect(url_for(".show", measure_id=measure.id))


def _refuse_if_sent(name: str, message, harmless: tuple[str, ...] = ("", "0")) -> None:
    """A field the user may not set is not on their form; a request that sends it anyway (other than with a
    harmless value) is refused, not silently ignored, as the API refuses it (a company naming responsible
    organisations, say)."""
    if any(value.strip() not in harmless for value in request.form.getlist(name)):
        raise NotAllowed(message)


def _fill(form: MeasureForm, process: Process, hubs: list[Hub], *, whole_process: bool, may_assign: bool,
          may_focus: bool, proposers: list[Organization] | None) -> None:
    """The form's choices; the fields the user may not set are removed, so they are neither shown nor read
    (and a request that sends them is refused)."""
    form.hub_id.choices = [SelectChoice(h.id, h.name) for h in hubs]
    if whole_process:
        form.hub_id.choices.append(SelectChoice(0, _("— the whole process (no hub) —")))
    goals = queries.goals_of(process)
    form.primary_goal_id.choices = [SelectChoice(0, _("— none yet —"))] + [
        SelectChoice(g.id, f"{g.number}. {g.title}") for g in goals]
    form.goal_ids.choices = [SelectChoice(g.id, f"{g.number}. {g.title}") for g in goals]
    form.horizon.choices = [SelectChoice("", _("— open —")), *choices(Horizon)]
    if proposers is None:
        own = current_user.organization
        _refuse_if_sent("proposer_organization_id", _("You propose for your own organisation only."),
                        harmless=("", "0", str(own.id) if own else ""))
        del form.proposer_organization_id
    else:
        form.proposer_organization_id.choices = [SelectChoice(0, _("— the hub as a whole —"))] + [
            SelectChoice(o.id, o.name) for o in proposers]
    if may_assign:
        organizations = [SelectChoice(o.id, o.name) for o in queries.organizations()]
        form.responsible_organization_ids.choices = organizations
        form.partner_organization_ids.choices = organizations
    else:
        _refuse_if_sent("responsible_organization_ids", services.ONLY_ASSIGNERS)
        _refuse_if_sent("partner_organization_ids", services.ONLY_ASSIGNERS)
        del form.responsible_organization_ids
        del form.partner_organization_ids
    if not may_focus:
        _refuse_if_sent("is_focus_project", services.ONLY_STEERING_FOCUS)
        del form.is_focus_project


def _values(form: MeasureForm) -> dict:
    """What the form says, as the services take it (only the fields the form still has)."""
    values = dict(title=form.title.data or "", description=form.description.data or "",
                  approach=form.approach.data or "", expected_effect=form.expected_effect.data or "",
                  primary_goal=find(GuidingGoal, form.primary_goal_id.data or None),
                  goals=queries.by_ids(GuidingGoal, form.goal_ids.data),
                  horizon=Horizon(form.horizon.data) if form.horizon.data else None,
                  cost_estimate=form.cost_estimate.data)
    if form.responsible_organization_ids is not None:
        values["responsible"] = queries.by_ids(Organization, form.responsible_organization_ids.data)
        values["partners"] = queries.by_ids(Organization, form.partner_organization_ids.data)
    if form.is_focus_project is not None:
        values["is_focus_project"] = bool(form.is_focus_project.data)
    return values


def _form_problem(form: MeasureForm, problem: Invalid | Conflict) -> None:
    field = getattr(form, problem.field or "", None) or form.title
    field.errors = [*field.errors, str(problem)]


@bp.route("/processes/<int:process_id>/measures/new", methods=["GET", "POST"])
@login_required
def new(process_id: int):
    """Propose a measure in a hub the user works in (companies: for their organisation, in its hub)."""
    process = load(Process, process_id, services.propose.allowed)
    hubs = [hub for hub in queries.hubs_of(process) if services.can_propose(current_user, hub)]
    whole_process = services.can_propose_without_hub(current_user, process)
    form = MeasureForm(hub_id=request.args.get("hub", type=int),
                       proposer_organization_id=current_user.organization.id
                       if whole_process and current_user.organization else 0)
    may_focus = services.can_mark_focus(current_user, process)
    _fill(form, process, hubs, whole_process=whole_process, may_focus=may_focus,
          may_assign=any(services.can_assign_organizations(current_user, process, hub) for hub in hubs),
          proposers=services.nameable_proposers(current_user, process, hubs))
    if form.validate_on_submit():
        named = form.proposer_organization_id.data if form.proposer_organization_id is not None else None
        try:
            measure = services.propose(process, by=current_user, hub=find(Hub, form.hub_id.data or None),
                                       proposer_organization=find(Organization, named or None), **_values(form))
        except Invalid as problem:
            db.session.rollback()
            _form_problem(form, problem)
        else:
            db.session.commit()
            flash(_("Your proposal is saved as an idea. The hub's moderators will review it."), "success")
            return redirect(url_for(".show", measure_id=measure.id))
    return render_template("measures/form.html", form=form, process=process, measure=None), \
        400 if form.errors else 200


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@login_required
def edit(measure_id: int):
    measure = load(Measure, measure_id, services.update.allowed)
    form = MeasureForm(obj=measure, version=measure.version, hub_id=measure.hub_id or 0,
                       primary_goal_id=measure.primary_goal_id or 0,
                       horizon=measure.horizon.value if measure.horizon else "",
                       goal_ids=[g.id for g in measure.goals],
                       responsible_organization_ids=[o.id for o in measure.responsible_organizations],
                       partner_organization_ids=[o.id for o in measure.partner_organizations])
    may_give_hub = measure.hub is None and services.can_give_hub(current_user, measure)
    _fill(form, measure.process, [measure.hub] if measure.hub else
          (queries.hubs_of(measure.process) if may_give_hub else []), whole_process=measure.hub is None,
          may_assign=services.can_assign_organizations(current_user, measure.process, measure.hub),
          may_focus=services.set_focus.allowed(current_user, measure), proposers=None)
    if form.validate_on_submit():
        try:
            hub = {"hub": find(Hub, form.hub_id.data or None)} if may_give_hub else {}
            services.update(measure, by=current_user, expected_version=form.version.data, **_values(form), **hub)
        except StaleVersion:
            db.session.rollback()
            return render_template("measures/conflict.html", measure=measure, form=form), 409
        except Invalid as problem:
            db.session.rollback()
            _form_problem(form, problem)
        else:
            db.session.commit()
            flash(_("The measure is saved."), "success")
            return redirect(url_for(".show", measure_id=measure.id))
    return render_template("measures/form.html", form=form, process=measure.process, measure=measure), \
        400 if form.errors else 200


@bp.post("/measures/<int:measure_id>/focus")
@login_required
def focus(measure_id: int):
    measure = load(Measure, measure_id, services.set_focus.allowed)
    services.set_focus(measure, request.form.get("flag") == "1", by=current_user)
    db.session.commit()
    return redirect(url_for(".show", measure_id=measure.id))


@bp.post("/measures/<int:measure_id>/comments")
@login_required
def comment(measure_id: int):
    measure = load(Measure, measure_id, services.add_comment.allowed)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(_("The comment is empty or too long."), "error")
        return redirect(url_for(".show", measure_id=measure.id) + "#comments")
    try:
        services.add_comment(measure, form.text.data, by=current_user)
    except Invalid as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        db.session.commit()
        flash(_("Your comment is added."), "success")
    return redirect(url_for(".show", measure_id=measure.id) + "#comments")


@bp.post("/measures/<int:measure_id>/support")
@login_required
def support(measure_id: int):
    measure = load(Measure, measure_id, services.toggle_support.allowed)
    supports = services.toggle_support(measure, by=current_user)
    db.session.commit()
    flash(_("Your organisation supports this measure.") if supports else
          _("Your organisation no longer supports this measure."), "success")
    return redirect(url_for(".show", measure_id=measure.id))


# Consolidation -----------------------------------------------------------------------------------

@bp.post("/processes/<int:process_id>/measures/merge")
@login_required
def merge(process_id: int):
    process = load(Process, process_id, services.merge_into_new.allowed)
    form = MergeForm()
    ids = object_ids(request.form.getlist("source_ids"))
    sources = [m for m in queries.by_ids(Measure, sorted(ids)) if m.process_id == process.id]
    back = local_path(request.form.get("next")) or url_for(".index", process_id=process.id)
    if not sources:
        flash(_("Tick the ideas you want to merge."), "error")
        return redirect(back)
    try:
        if (form.new_title.data or "").strip():
            target = services.merge_into_new(process, sources, by=current_user, title=form.new_title.data,
                                             description=form.new_description.data or "",
                                             hub=find(Hub, object_id(request.form.get("hub_id"))))
        else:
            target = find(Measure, form.target_id.data or None)
            if target is None or target.process_id != process.id:
                flash(_("Choose the measure to merge into, or give a title for a new one."), "error")
                return redirect(back)
            services.merge(target, [s for s in sources if s.id != target.id], by=current_user)
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Merged into “%(title)s”.", title=target.title), "success")
    return redirect(url_for(".show", measure_id=target.id))


@bp.post("/measures/<int:measure_id>/unmerge")
@login_required
def unmerge(measure_id: int):
    measure = load(Measure, measure_id, services.unmerge.allowed)
    try:
        services.unmerge(measure, by=current_user)
    except Conflict as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".show", measure_id=measure.id))
    db.session.commit()
    flash(_("The merge is undone."), "success")
    return redirect(url_for(".show", measure_id=measure.id))


@bp.get("/measures/<int:measure_id>/lineage")
@login_required
def lineage(measure_id: int):
    measure = load(Measure, measure_id, can_view_measure)
    return render_template("measures/lineage.html", measure=measure, tree=queries.sources_tree(measure),
                           destination=queries.destination_chain(measure))


@bp.get("/processes/<int:process_id>/measures/duplicates")
@login_required
def duplicates(process_id: int):
    process = load(Process, process_id, is_internal)
    # Comparing every open idea with every other is the slowest read there is: once per generation of the ideas.
    found = caching.cached("duplicate-pairs", lambda: [(a.id, b.id, score) for a, b, score in
                                                       similar.duplicate_candidates(process)],
                           process_id=process.id, areas=(caching.MEASURES,), visibility=caching.INTERNAL)
    measures = {m.id: m for m in db.session.scalars(select(Measure).where(
        Measure.id.in_({i for a, b, _s in found for i in (a, b)})))}
    pairs = [(measures[a], measures[b], score) for a, b, score in found if a in measures and b in measures]
    return render_template("measures/duplicates.html", process=process, pairs=pairs)
