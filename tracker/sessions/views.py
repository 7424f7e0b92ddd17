"""Session pages: one session, the year's sessions, scheduling, editing and the status of a session.

Minutes, action items and ideas, and the calendar feeds register on the same blueprint from their
own modules; importing this module registers them all.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from tracker import caching
from tracker.errors import Invalid, StaleVersion
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.labels import label
from tracker.permissions import (
    can_manage_hub,
    can_read_draft_minutes,
    can_view_process,
    can_view_session,
    find,
    is_internal,
    is_steering,
    load,
)
from tracker.processes.models import Process
from tracker.sessions import action_items, feeds, ical, minutes, queries, services  # noqa: F401 (routes)
from tracker.sessions.blueprint import bp
from tracker.sessions.forms import SessionForm
from tracker.sessions.models import AttendanceStatus, MinutesStatus, Session, SessionKind, SessionStatus

__all__ = ["bp"]


# Viewing --------------------------------------------------------------------------------------

def _warnings(session: Session) -> list[str]:
    try:
        return services.warnings_for(session.process, session.hub_id, session.starts_at, session.ends_at,
                                     session.id)
    except Invalid as problem:  # stored before the rule existed: say so instead of failing
        return [str(problem)]


@bp.get("/sessions/<int:session_id>")
@login_required
def show(session_id: int):
    session = load(Session, session_id, can_view_session,
                   options=[joinedload(Session.process), joinedload(Session.hub)])
    # The viewer's rights on the session that change its cached parts: organisers (its hub's moderators, the
    # steering group) see the attendance list, draft minutes, warnings and the forms' fields.
    can_edit = services.update.allowed(current_user, session)
    show_minutes = session.minutes_status == MinutesStatus.APPROVED or can_read_draft_minutes(current_user, session)
    rights = (can_edit, show_minutes)
    page = caching.cached(
        f"html:session-{session.id}", lambda: _session_page(session, *rights),
        process_id=session.process_id, areas=(caching.SESSIONS, caching.MEASURES, caching.PEOPLE),
        visibility=caching.INTERNAL if is_internal(current_user, session.process) else caching.MEMBERS, vary=rights)
    items = page["action_items"]
    return render_template(
        "sessions/show.html",
        session=session,
        parts={name: Markup(html) for name, html in page["parts"].items()},  # noqa: S704 - our own templates
        action_items=items,
        # per viewer: an item's owner ticks it off, also on a session they do not organise
        tickable={item["id"] for item in items if services.set_action_item_done.allowed(
            current_user, SimpleNamespace(owner_id=item["owner_id"], session=session))},
        can_edit=can_edit,
    )


def _session_page(session: Session, can_edit: bool, show_minutes: bool) -> dict:
    """The rendered parts and the action items (plain data: whether the viewer may tick one off is theirs)."""
    return {
        "parts": caching.render_parts("sessions/_show_parts.html", **_session_parts(session, can_edit, show_minutes)),
        "action_items": [dict(id=item.id, text=item.text, done=item.done, owner_id=item.owner_id,
                              owner=item.owner.name if item.owner else None, due_on=item.due_on)
                         for item in queries.action_items_of(session)],
    }


def _session_parts(session: Session, can_edit: bool, show_minutes: bool) -> dict:
    """What the session page's cached parts show to a viewer with these rights (nothing of the viewer's own).
    The list of who attended is for the organisers only; everyone else sees the figures."""
    attendances = queries.attendance_rows(session)
    counts = Counter(a.status for a in attendances)
    return dict(
        session=session,
        counts=counts,
        working_hours=counts.get(AttendanceStatus.ATTENDED, 0) * session.duration_hours,
        may_see_attendance=can_edit,
        attendances=attendances if can_edit else [],
        idea_rows=queries.idea_rows(session),
        show_minutes=show_minutes,
        action_form=action_items.action_item_form(session) if can_edit else None,
        idea_form=action_items.idea_form(session) if can_edit else None,
        warning_texts=_warnings(session) if can_edit and session.status != SessionStatus.CANCELLED else [],
    )


@bp.get("/processes/<int:process_id>/sessions")
@login_required
def year(process_id: int):
    """Every hub's sessions of the process, by hub and month, and as a list; companies see the other hubs'
    sessions by title, date and hub, and open only those of their own hub and the process-wide ones."""
    process = load(Process, process_id, can_view_process)
    sessions = list(db.session.scalars(queries.year_sessions(current_user, process)
                                       .options(selectinload(Session.hub))))
    return render_template("sessions/year.html", process=process, sessions=sessions,
                           details=queries.with_details(current_user, process),
                           hubs=queries.hubs_in_order(process), months=queries.months_of(process),
                           grid=queries.by_hub_and_month(sessions),
                           may_create=services.schedule.allowed(current_user, process),
                           feed_token=ical.feed_token(current_user))


# Scheduling and editing -----------------------------------------------------------------------

def _hub_choices(process: Process) -> list[SelectChoice]:
    """The hubs the user may schedule for; 0 stands for a process-wide event (steering only)."""
    options = [SelectChoice(0, _("Process-wide event (no hub)"))] if is_steering(current_user, process) else []
    return options + [SelectChoice(hub.id, hub.name) for hub in queries.hubs_in_order(process)
                      if can_manage_hub(current_user, hub)]


def _form_fields(form: SessionForm) -> dict:
    return dict(kind=SessionKind(form.kind.data), title=form.title.data, starts_at=form.starts_at.data,
                ends_at=form.ends_at.data, location=form.location.data or "", agenda=form.agenda.data or "",
                decisions=form.decisions.data or "")


def _warn_or_save(form: SessionForm, warnings: list[str]) -> bool:
    """Warnings stop the first save; ticking “save anyway” lets the second one through."""
    if warnings and not form.confirm_warnings.data:
        form.confirm_warnings.errors = list(warnings)
        return False
    return True


def _show_problem(form: SessionForm, problem: Invalid) -> None:
    """The service's refusal on the form field it names (the title when it names none of the form's)."""
    field = getattr(form, problem.field, None) if problem.field else None
    (field if field is not None else form.title).errors = [str(problem)]


@bp.route("/processes/<int:process_id>/sessions/new", methods=["GET", "POST"])
@login_required
def new(process_id: int):
    process = load(Process, process_id, services.schedule.allowed)
    form = SessionForm(hub_id=request.args.get("hub", type=int))
    form.hub_id.choices = _hub_choices(process)
    if form.validate_on_submit():
        hub = find(Hub, form.hub_id.data) if form.hub_id.data else None
        fields = _form_fields(form)
        fields.pop("decisions")
        try:
            warnings = services.warnings_for(process, hub.id if hub else None, fields["starts_at"], fields["ends_at"])
            if _warn_or_save(form, warnings):
                session = services.schedule(process, by=current_user, hub=hub, **fields)
                db.session.commit()
                flash(_("The session is scheduled."), "success")
                return redirect(url_for(".show", session_id=session.id))
        except Invalid as problem:
            _show_problem(form, problem)
    return render_template("sessions/form.html", form=form, process=process, session=None), \
        400 if request.method == "POST" else 200


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int):
    session = load(Session, session_id, services.update.allowed)
    form = SessionForm(obj=session, version=session.version, hub_id=session.hub_id or 0, kind=session.kind.value)
    form.hub_id.choices = [SelectChoice(session.hub_id or 0, session.hub.name if session.hub else
                                        _("Process-wide event (no hub)"))]
    if form.validate_on_submit():
        fields = _form_fields(form)
        try:
            warnings = services.warnings_for(session.process, session.hub_id, fields["starts_at"], fields["ends_at"],
                                             session.id)
            if _warn_or_save(form, warnings):
                services.update(session, by=current_user, expected_version=form.version.data or 0, **fields)
                db.session.commit()
                flash(_("The session is saved."), "success")
                return redirect(url_for(".show", session_id=session.id))
        except StaleVersion:
            db.session.rollback()
            return render_template("sessions/conflict.html", session=session, form=form), 409
        except Invalid as problem:
            _show_problem(form, problem)
    return render_template("sessions/form.html", form=form, process=session.process, session=session), \
        400 if request.method == "POST" else 200


@bp.post("/sessions/<int:session_id>/status")
@login_required
def set_status(session_id: int):
    """Mark a session held, cancel it, or plan it again; cancelled sessions stay visible."""
    session = load(Session, session_id, services.set_status.allowed)
    try:
        status = SessionStatus(request.form.get("status", ""))
    except ValueError:
        raise Invalid(_("Please choose one of the statuses."), "status") from None
    services.set_status(session, status, by=current_user)
    db.session.commit()
    flash(_("The session is now “%(status)s”.", status=label(status)), "success")
    return redirect(url_for(".show", session_id=session.id))
