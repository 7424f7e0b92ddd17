"""The process overview for participants, setting its phase, and its four eyes (approvals a plan version needs)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.errors import Invalid
from tracker.extensions import db
from tracker.labels import label
from tracker.permissions import can_view_process, load
from tracker.processes import queries, services
from tracker.processes.forms import ApprovalsNeededForm, PhaseForm
from tracker.processes.models import Phase, Process
from tracker.sessions.models import Session, SessionStatus
from tracker.sessions.queries import visible_sessions

bp = Blueprint("processes", __name__, url_prefix="/processes")
NEXT_SESSIONS = 5


@bp.get("/<int:process_id>")
@login_required
def overview(process_id: int):
    process = load(Process, process_id, can_view_process)
    now = datetime.now()
    next_sessions = list(db.session.scalars(  # only what this user may see (no steering meetings for others)
        visible_sessions(current_user, process).where(Session.status == SessionStatus.PLANNED,
                                                      Session.starts_at >= now).limit(NEXT_SESSIONS)
    ))
    return render_template(
        "processes/overview.html",
        process=process,
        figures=services.figures(process),
        timeline=services.phase_timeline(process),
        hubs=queries.hubs_with_leads(process),
        members=queries.members_by_hub(process),
        session_counts=queries.session_counts_by_hub(process),
        measure_counts=queries.measure_counts_by_hub(process),
        next_sessions=next_sessions,
        phase_form=PhaseForm(phase=process.phase.value) if services.set_phase.allowed(current_user, process) else None,
        approvals_form=ApprovalsNeededForm(approvals_needed=process.approvals_needed)
        if services.set_approvals_needed.allowed(current_user, process) else None,
    )


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
