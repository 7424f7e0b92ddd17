"""The process overview for participants (with the set-up checklist for its steering group), creating and
editing a process in the browser, setting its phase, and its four eyes (approvals a plan version needs)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from tracker import caching
from tracker.accounts.models import User
from tracker.errors import Conflict, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.labels import label
from tracker.organizations.models import Organization
from tracker.permissions import can_view_process, find, load
from tracker.processes import queries, services
from tracker.processes.forms import ApprovalsNeededForm, PhaseForm, ProcessForm, SteeringForm, phase_field
from tracker.processes.models import Phase, Process
from tracker.sessions.models import Session, SessionStatus
from tracker.sessions.queries import visible_sessions

bp = Blueprint("processes", __name__, url_prefix="/processes")
NEXT_SESSIONS = 5


@bp.app_template_global()
def process_lineage(process: Process) -> queries.Lineage:
    """The predecessor and the successors of a process (plan updates), for the pages that link them."""
    return queries.lineage(process)


@bp.get("/<int:process_id>")
@login_required
def overview(process_id: int):
    process = load(Process, process_id, can_view_process)
    now = datetime.now()
    next_sessions = list(db.session.scalars(  # only what this user may see (no steering meetings for others)
        visible_sessions(current_user, process).where(Session.status == SessionStatus.PLANNED,
                                                      Session.starts_at >= now).limit(NEXT_SESSIONS)
    ))
    editable = services.update_process.allowed(current_user, process)
    # Everyone who may see the process sees the same figures, phases and hubs: rendered once per data generation.
    shared = {"process_id": process.id, "areas": (caching.MEASURES, caching.SESSIONS, caching.PEOPLE),
              "visibility": caching.MEMBERS}
    steps = caching.cached("setup-steps", lambda: queries.setup_steps(process), **{
        **shared, "visibility": caching.INTERNAL}) if editable else []
    return render_template(
        "processes/overview.html",
        process=process,
        editable=editable,
        setup_steps=steps if not all(step.done for step in steps) else [],
        phase_section=caching.fragment("process-phase", lambda: render_template(
            "processes/_phase.html", process=process, timeline=services.phase_timeline(process),
            phase_dates=services.phase_dates(process)), **shared),
        key_figures=caching.fragment("process-figures", lambda: render_template(
            "processes/_key_figures.html", figures=services.figures(process)), **shared),
        hub_table=caching.fragment("process-hubs", lambda: render_template(
            "processes/_hub_table.html", hubs=queries.hubs_with_leads(process),
            members=queries.members_by_hub(process), session_counts=queries.session_counts_by_hub(process),
            measure_counts=queries.measure_counts_by_hub(process)), **shared),
        next_sessions=next_sessions,
        lineage=queries.lineage(process),  # not cached: it shows other processes (their names change there)
        carried=queries.carried_over(process),
        phase_form=PhaseForm(phase=process.phase.value) if services.set_phase.allowed(current_user, process) else None,
        approvals_form=ApprovalsNeededForm(approvals_needed=process.approvals_needed)
        if services.set_approvals_needed.allowed(current_user, process) else None,
    )


@bp.post("/choose")
@login_required
def choose():
    """The process switcher: remember which process the user works in (a preference of this browser session,
    nothing else changes). Only a process the user holds a role in (administrators: any) is kept."""
    chosen = find(Process, request.form.get("process_id", type=int))
    if chosen is None:
        flash(_("Please choose one of your processes."), "error")
        return redirect(url_for("charts.start")), 400
    if queries.chosen_process(current_user, chosen.id) != chosen:
        raise NotAllowed(_("You hold no role in this process."))
    session["process_id"] = chosen.id
    return redirect(url_for(".overview", process_id=chosen.id))


@bp.post("/<int:process_id>/phase")
@login_required
def set_phase(process_id: int):
    process = load(Process, process_id, services.set_phase.allowed)
    form = PhaseForm()
    if form.validate_on_submit():
        services.set_phase(process, Phase(form.phase.data), by=current_user)
        db.session.commit()
        flash(_("The process is now in the phase “%(phase)s”.", phase=label(process.phase)), "success")
    else:
        flash(_("Please choose one of the phases."), "error")
    return redirect(url_for(".overview", process_id=process.id))


# Set-up -----------------------------------------------------------------------------------------------

def _form(process: Process | None, formdata=None) -> ProcessForm:
    if process is None:
        form = ProcessForm(formdata=formdata, plan_language=current_app.config["BABEL_DEFAULT_LOCALE"])
    else:
        form = ProcessForm(formdata=formdata, obj=process, partner_ids=[o.id for o in process.partners],
                           version=process.version)
        if formdata is None:  # a process without its own language writes in the installation's
            form.plan_language.data = process.plan_language or current_app.config["BABEL_DEFAULT_LOCALE"]
            for dated in process.phase_dates:
                form[phase_field(dated.phase, "starts_on")].data = dated.starts_on
                form[phase_field(dated.phase, "ends_on")].data = dated.ends_on
    form.partner_ids.choices = [SelectChoice(o.id, o.name) for o in db.session.scalars(
        select(Organization).order_by(Organization.name))]
    return form


def _fields(form: ProcessForm) -> dict:
    partners = list(db.session.scalars(select(Organization).where(Organization.id.in_(form.partner_ids.data or []))
                                       .order_by(Organization.name)))
    return {"name": form.name.data, "city": form.city.data, "starts_on": form.starts_on.data,
            "ends_on": form.ends_on.data, "contact_name": form.contact_name.data,
            "contact_email": form.contact_email.data, "purpose": form.purpose.data or "",
            "foreword": form.foreword.data or "", "plan_language": form.plan_language.data, "partners": partners,
            "phases": [(phase, form[phase_field(phase, "starts_on")].data, form[phase_field(phase, "ends_on")].data)
                       for phase in Phase if form[phase_field(phase, "starts_on")].data is not None
                       or form[phase_field(phase, "ends_on")].data is not None]}


def _refused(form: ProcessForm, problem: Invalid | Conflict) -> int:
    """The service's refusal at its field (the input stays in the form); the page's status."""
    db.session.rollback()
    field = {"partners": "partner_ids", "phases": phase_field(Phase.PREPARATION, "starts_on")}.get(
        problem.field, problem.field)
    if field and field.startswith("phase_") and field not in form:  # a phase's period: at its first day
        field = f"{field}_starts_on"
    getattr(form, field if field in form else "name").errors.append(str(problem))
    return problem.status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """An administrator starts a process; its set-up continues on its page (the checklist)."""
    if not services.can_create_processes(current_user):
        raise NotAllowed(services.ONLY_ADMINS)
    form = _form(None, request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                process = services.create_process(by=current_user, **_fields(form))
            except (Invalid, Conflict) as problem:
                status = _refused(form, problem)
            else:
                db.session.commit()
                flash(_("The process is created. The checklist shows what its set-up still needs."), "success")
                return redirect(url_for(".overview", process_id=process.id))
    return render_template("processes/form.html", form=form, process=None, phases=list(Phase),
                           phase_field=phase_field), status


@bp.route("/<int:process_id>/edit", methods=["GET", "POST"])
@login_required
def edit(process_id: int):
    """The steering group edits the set-up: name, city, period, contact, partners, texts, plan language."""
    process = load(Process, process_id, services.update_process.allowed)
    form = _form(process, request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                services.update_process(process, by=current_user, expected_version=form.version.data,
                                        **_fields(form))
            except StaleVersion:
                db.session.rollback()
                process = db.session.get(Process, process_id)
                form.version.data = process.version  # saving again now replaces what the other person saved
                return render_template("processes/form.html", form=form, process=process, conflict=True,
                                       phases=list(Phase), phase_field=phase_field), 409
            except (Invalid, Conflict) as problem:
                status = _refused(form, problem)
            else:
                db.session.commit()
                flash(_("The process is saved."), "success")
                return redirect(url_for(".overview", process_id=process.id))
    return render_template("processes/form.html", form=form, process=process, phases=list(Phase),
                           phase_field=phase_field), status


@bp.post("/<int:process_id>/approvals-needed")
@login_required
def set_approvals_needed(process_id: int):
    """Four eyes: how many steering members other than the submitter approve a plan version."""
    process = load(Process, process_id, services.set_approvals_needed.allowed)
    form = ApprovalsNeededForm()
    if not form.validate_on_submit():
        flash(_("Please choose how many approvals a plan version needs."), "error")
        return redirect(url_for(".overview", process_id=process.id)), 400
    try:
        services.set_approvals_needed(process, form.approvals_needed.data, by=current_user)
    except Invalid as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".overview", process_id=process.id)), 400
    db.session.commit()
    flash(_("A plan version now needs %(count)d approvals.", count=process.approvals_needed), "success")
    return redirect(url_for(".overview", process_id=process.id))


@bp.route("/<int:process_id>/steering", methods=["GET", "POST"])
@login_required
def steering(process_id: int):
    """The process's steering group: administrators and its members choose who belongs to it."""
    process = load(Process, process_id, services.set_steering_members.allowed)
    candidates = {user.id: user for user in services.steering_candidates()}
    candidates.update({user.id: user for user in process.steering_members})  # a member stays removable
    form = SteeringForm(formdata=request.form if request.method == "POST" else None,
                        user_ids=[user.id for user in process.steering_members])
    form.user_ids.choices = [SelectChoice(user.id, f"{user.name} ({user.email})") for user in candidates.values()]
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            members = list(db.session.scalars(select(User).where(User.id.in_(form.user_ids.data or []))))
            try:
                services.set_steering_members(process, members, by=current_user)
            except Invalid as problem:
                db.session.rollback()
                form.user_ids.errors.append(str(problem))
            else:
                db.session.commit()
                flash(_("The steering group is saved."), "success")
                return redirect(url_for(".overview", process_id=process.id))
    return render_template("processes/steering.html", form=form, process=process), status
