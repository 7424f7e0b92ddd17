"""Sessions: schedule, edit, cancel; minutes with revisions; action items; ideas; year view; calendar feeds."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from tracker.extensions import db
from tracker.hubs.models import Hub, HubMembership
from tracker.markdown import render_markdown
from tracker.measures.models import Measure
from tracker.organizations.models import Organization, Person
from tracker.permissions import (
    can_edit_session,
    can_manage_hub,
    can_read_draft_minutes,
    can_view_process,
    can_view_session,
    current_hub_id,
    is_internal,
    is_steering,
    require,
)
from tracker.processes.models import Process
from tracker.sessions import ical, services
from tracker.sessions.forms import ActionItemForm, IdeaForm, MinutesForm, SessionForm
from tracker.sessions.models import (
    ActionItem,
    Attendance,
    AttendanceStatus,
    MinutesRevision,
    MinutesStatus,
    Session,
    SessionKind,
    SessionStatus,
)

bp = Blueprint("sessions", __name__)

PUBLIC_KINDS = (SessionKind.KICKOFF, SessionKind.PLENARY, SessionKind.PRIORITISATION)


# Viewing --------------------------------------------------------------------------------------

@bp.get("/sessions/<int:session_id>")
@login_required
def show(session_id: int):
    session = db.get_or_404(Session, session_id)
    require(can_view_session(current_user, session))
    can_edit = can_edit_session(current_user, session)
    attendances = list(db.session.scalars(
        select(Attendance).join(Person).where(Attendance.session_id == session.id).order_by(Person.name)
    ))
    counts = Counter(a.status for a in attendances)
    ideas = list(db.session.scalars(select(Measure).where(Measure.session_id == session.id).order_by(Measure.id)))
    items = list(db.session.scalars(select(ActionItem).where(ActionItem.session_id == session.id)
                                    .order_by(ActionItem.done, ActionItem.due_on, ActionItem.id)))
    return render_template(
        "sessions/show.html",
        session=session,
        attendances=attendances if can_edit else [],
        counts=counts,
        working_hours=counts.get(AttendanceStatus.ATTENDED, 0) * session.duration_hours,
        ideas=ideas,
        action_items=items,
        show_minutes=session.minutes_status == MinutesStatus.APPROVED or can_read_draft_minutes(current_user, session),
        can_edit=can_edit,
        action_form=_action_item_form(session) if can_edit else None,
        idea_form=_idea_form(session) if can_edit else None,
        warnings=services.warnings_for(session.process, session.hub_id, session.starts_at, session.ends_at,
                                       session.id) if can_edit and session.status != SessionStatus.CANCELLED else [],
    )


@bp.get("/processes/<int:process_id>/sessions")
@login_required
def year(process_id: int):
    """All sessions of the process by hub and month, and as a list."""
    process = db.get_or_404(Process, process_id)
    require(can_view_process(current_user, process))
    sessions = list(db.session.scalars(select(Session).where(Session.process_id == process.id)
                                       .order_by(Session.starts_at)))
    if not is_internal(current_user, process):
        own_hub = current_hub_id(current_user, process)
        sessions = [s for s in sessions if s.hub_id is None or s.hub_id == own_hub]
    hubs = list(db.session.scalars(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position)))
    months = []
    cursor = datetime(process.starts_on.year, process.starts_on.month, 1)
    while cursor.date() <= process.ends_on:
        months.append(cursor)
        cursor = datetime(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    grid: dict[tuple[int | None, tuple[int, int]], list[Session]] = defaultdict(list)
    for session in sessions:
        grid[(session.hub_id, (session.starts_at.year, session.starts_at.month))].append(session)
    may_create = any(can_manage_hub(current_user, hub) for hub in hubs) or is_steering(current_user, process)
    return render_template("sessions/year.html", process=process, sessions=sessions, hubs=hubs, months=months,
                           grid=grid, may_create=may_create, feed_token=ical.feed_token(current_user))


# Scheduling and editing -----------------------------------------------------------------------

def _hub_choices(process: Process) -> list[SelectChoice]:
    """The hubs the user may schedule for; 0 stands for a process-wide event (steering only)."""
    hubs = db.session.scalars(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position))
    options = [SelectChoice(0, _("Process-wide event (no hub)"))] if is_steering(current_user, process) else []
    return options + [SelectChoice(hub.id, hub.name) for hub in hubs if can_manage_hub(current_user, hub)]


def _form_fields(form: SessionForm) -> dict:
    return dict(kind=SessionKind(form.kind.data), title=form.title.data.strip(), starts_at=form.starts_at.data,
                ends_at=form.ends_at.data, location=(form.location.data or "").strip(),
                agenda=form.agenda.data or "", decisions=form.decisions.data or "")


def _warn_or_save(form: SessionForm, warnings: list[str]) -> bool:
    """Warnings stop the first save; ticking “save anyway” lets the second one through."""
    if warnings and not form.confirm_warnings.data:
        form.confirm_warnings.errors = list(warnings)
        return False
    return True


@bp.route("/processes/<int:process_id>/sessions/new", methods=["GET", "POST"])
@login_required
def new(process_id: int):
    process = db.get_or_404(Process, process_id)
    form = SessionForm(hub_id=request.args.get("hub", type=int))
    form.hub_id.choices = _hub_choices(process)
    require(bool(form.hub_id.choices))
    if form.validate_on_submit():
        hub = db.session.get(Hub, form.hub_id.data) if form.hub_id.data else None
        require(can_manage_hub(current_user, hub) if hub else is_steering(current_user, process))
        fields = _form_fields(form)
        fields.pop("decisions")
        if hub is not None:
            fields["kind"] = SessionKind.WORKSHOP
        elif fields["kind"] == SessionKind.WORKSHOP:
            form.kind.errors = [_("A hub workshop belongs to a hub; choose a hub or another kind.")]
            return render_template("sessions/form.html", form=form, process=process, session=None), 400
        try:
            if fields["ends_at"] <= fields["starts_at"]:
                raise services.SessionProblem(_("The end must be after the start."), "ends_at")
            warnings = services.warnings_for(process, hub.id if hub else None, fields["starts_at"], fields["ends_at"])
            if _warn_or_save(form, warnings):
                session = services.schedule(process, by=current_user, hub=hub, **fields)
                db.session.commit()
                flash(_("The session is scheduled."), "success")
                return redirect(url_for(".show", session_id=session.id))
        except services.SessionProblem as problem:
            getattr(form, problem.field or "title").errors = [str(problem)]
    return render_template("sessions/form.html", form=form, process=process, session=None), \
        400 if request.method == "POST" else 200


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int):
    session = db.get_or_404(Session, session_id)
    require(can_edit_session(current_user, session))
    form = SessionForm(obj=session, version=session.version, hub_id=session.hub_id or 0,
                       kind=session.kind.value)
    form.hub_id.choices = [SelectChoice(session.hub_id or 0, session.hub.name if session.hub else
                                        _("Process-wide event (no hub)"))]
    if form.validate_on_submit():
        fields = _form_fields(form)
        if session.hub_id is not None:
            fields["kind"] = SessionKind.WORKSHOP
        elif fields["kind"] == SessionKind.WORKSHOP:
            fields["kind"] = session.kind
        try:
            expected = int(form.version.data or 0)
            if expected != session.version:
                raise services.StaleVersion(session)
            if fields["ends_at"] <= fields["starts_at"]:
                raise services.SessionProblem(_("The end must be after the start."), "ends_at")
            warnings = services.warnings_for(session.process, session.hub_id, fields["starts_at"], fields["ends_at"],
                                             session.id)
            if _warn_or_save(form, warnings):
                services.update(session, by=current_user, expected_version=expected, **fields)
                db.session.commit()
                flash(_("The session is saved."), "success")
                return redirect(url_for(".show", session_id=session.id))
        except services.StaleVersion:
            db.session.rollback()
            return render_template("sessions/conflict.html", session=session, form=form), 409
        except services.SessionProblem as problem:
            getattr(form, problem.field or "title").errors = [str(problem)]
    return render_template("sessions/form.html", form=form, process=session.process, session=session), \
        400 if request.method == "POST" else 200


@bp.post("/sessions/<int:session_id>/status")
@login_required
def set_status(session_id: int):
    """Mark a session held, cancel it, or plan it again; cancelled sessions stay visible."""
    session = db.get_or_404(Session, session_id)
    require(can_edit_session(current_user, session))
    try:
        status = SessionStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    services.set_status(session, status, by=current_user)
    db.session.commit()
    flash(_("The session is now “%(status)s”.", status=_label(status)), "success")
    return redirect(url_for(".show", session_id=session.id))


def _label(value) -> str:
    from tracker.labels import label

    return label(value)


# Minutes ----------------------------------------------------------------------------------------

@bp.route("/sessions/<int:session_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(session_id: int):
    session = db.get_or_404(Session, session_id)
    require(can_edit_session(current_user, session))
    form = MinutesForm(text=session.minutes, version=session.version)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.text.data)
        else:
            try:
                services.save_minutes(session, form.text.data or "", expected_version=form.version.data,
                                      by=current_user)
            except services.StaleVersion:
                db.session.rollback()
                return render_template("sessions/minutes_conflict.html", session=session,
                                       theirs=session.minutes, mine=form.text.data or "",
                                       form=MinutesForm(text=form.text.data, version=session.version)), 409
            db.session.commit()
            flash(_("The minutes are saved."), "success")
            return redirect(url_for(".show", session_id=session.id))
    return render_template("sessions/minutes.html", session=session, form=form, preview=preview), \
        400 if form.errors else 200


@bp.post("/sessions/<int:session_id>/minutes/approve")
@login_required
def approve_minutes(session_id: int):
    session = db.get_or_404(Session, session_id)
    require(can_edit_session(current_user, session))
    try:
        services.approve_minutes(session, by=current_user)
    except services.SessionProblem as problem:
        flash(str(problem), "error")
        return redirect(url_for(".show", session_id=session.id))
    db.session.commit()
    flash(_("The minutes are approved and visible to the hub's members."), "success")
    return redirect(url_for(".show", session_id=session.id))


@bp.get("/sessions/<int:session_id>/minutes/revisions")
@login_required
def revisions(session_id: int):
    session = db.get_or_404(Session, session_id)
    require(can_read_draft_minutes(current_user, session))
    all_revisions = services.revisions(session)
    by_number = {r.number: r for r in all_revisions}
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    diff = None
    if a in by_number and b in by_number:
        diff = services.compare(by_number[a].text, by_number[b].text)
    return render_template("sessions/revisions.html", session=session, revisions=all_revisions, diff=diff,
                           a=by_number.get(a), b=by_number.get(b))


# Action items and ideas ---------------------------------------------------------------------------

def _people_choices(session: Session) -> list[SelectChoice]:
    """Who can own an action item: the session's participants and the hub's delegates."""
    people = {a.person for a in session.attendances if a.person.anonymised_at is None}
    if session.hub_id:
        people |= set(db.session.scalars(select(Person).join(HubMembership.delegates).where(
            HubMembership.hub_id == session.hub_id, HubMembership.left_at.is_(None))))
    return [SelectChoice(0, _("— nobody yet —"))] + [SelectChoice(p.id, p.name)
                                                     for p in sorted(people, key=lambda p: p.name)]


def _action_item_form(session: Session, formdata=None) -> ActionItemForm:
    form = ActionItemForm(formdata=formdata, prefix="item")
    form.owner_id.choices = _people_choices(session)
    return form


def _idea_form(session: Session, formdata=None) -> IdeaForm:
    form = IdeaForm(formdata=formdata, prefix="idea")
    organizations = db.session.scalars(
        select(Organization).join(HubMembership, HubMembership.organization_id == Organization.id)
        .where(HubMembership.hub_id == session.hub_id, HubMembership.left_at.is_(None)).order_by(Organization.name)
    ) if session.hub_id else []
    form.organization_id.choices = [SelectChoice(0, _("— the hub as a whole —"))] + [
        SelectChoice(o.id, o.name) for o in organizations]
    return form


@bp.post("/sessions/<int:session_id>/action-items")
@login_required
def add_action_item(session_id: int):
    session = db.get_or_404(Session, session_id)
    require(can_edit_session(current_user, session))
    form = _action_item_form(session, request.form)
    if form.validate():
        services.add_action_item(session, text=form.text.data.strip(),
                                 owner=db.session.get(Person, form.owner_id.data) if form.owner_id.data else None,
                                 due_on=form.due_on.data, by=current_user)
        db.session.commit()
        flash(_("The action item is added."), "success")
    else:
        flash(_("The action item could not be added: %(errors)s",
                errors=" ".join(e for errors in form.errors.values() for e in errors)), "error")
    return redirect(url_for(".show", session_id=session.id) + "#action-items")


@bp.post("/action-items/<int:item_id>/done")
@login_required
def toggle_action_item(item_id: int):
    item = db.get_or_404(ActionItem, item_id)
    owner = item.owner_id is not None and item.owner_id == current_user.person.id
    require(owner or can_edit_session(current_user, item.session))
    services.set_action_item_done(item, request.form.get("done") == "1", by=current_user)
    db.session.commit()
    return redirect(request.form.get("next") if request.form.get("next", "").startswith("/")
                    and not request.form.get("next", "").startswith("//")
                    else url_for(".show", session_id=item.session_id))


@bp.get("/my/action-items")
@login_required
def my_action_items():
    return render_template("sessions/my_action_items.html",
                           items=services.open_action_items_of(current_user.person))


@bp.post("/sessions/<int:session_id>/ideas")
@login_required
def capture_idea(session_id: int):
    session = db.get_or_404(Session, session_id)
    require(can_edit_session(current_user, session))
    form = _idea_form(session, request.form)
    if form.validate():
        organization = db.session.get(Organization, form.organization_id.data) if form.organization_id.data else None
        services.capture_idea(session, title=form.title.data.strip(), description=form.description.data or "",
                              organization=organization, by=current_user)
        db.session.commit()
        flash(_("The idea is recorded."), "success")
    else:
        flash(_("The idea could not be recorded: %(errors)s",
                errors=" ".join(e for errors in form.errors.values() for e in errors)), "error")
    return redirect(url_for(".show", session_id=session.id) + "#ideas")


# Calendar feeds ------------------------------------------------------------------------------------

def _ics(sessions: list[Session], name: str) -> Response:
    body = ical.calendar(sessions, name, request.host.split(":")[0],
                         lambda s: url_for(".show", session_id=s.id, _external=True))
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=calendar.ics"})


@bp.get("/processes/<int:process_id>/calendar.ics")
def public_feed(process_id: int):
    """The public events of a process (kickoff, plenaries); no login, nothing personal."""
    process = db.get_or_404(Process, process_id)
    sessions = db.session.scalars(select(Session).where(
        Session.process_id == process.id, Session.hub_id.is_(None), Session.kind.in_(PUBLIC_KINDS)
    ).order_by(Session.starts_at)).all()
    return _ics(list(sessions), process.name)


@bp.get("/processes/<int:process_id>/calendar/<token>.ics")
def process_feed(process_id: int, token: str):
    """Every session of the process the token's owner may see."""
    process = db.get_or_404(Process, process_id)
    user = ical.user_for_feed_token(token)
    if user is None:
        abort(404)
    sessions = db.session.scalars(select(Session).where(Session.process_id == process.id)
                                  .order_by(Session.starts_at)).all()
    return _ics([s for s in sessions if can_view_session(user, s)], process.name)


@bp.get("/hubs/<int:hub_id>/calendar/<token>.ics")
def hub_feed(hub_id: int, token: str):
    hub = db.get_or_404(Hub, hub_id)
    user = ical.user_for_feed_token(token)
    if user is None:
        abort(404)
    sessions = db.session.scalars(select(Session).where(Session.hub_id == hub.id).order_by(Session.starts_at)).all()
    return _ics([s for s in sessions if can_view_session(user, s)], f"{hub.process.name}: {hub.name}")


__all__ = ["MinutesRevision", "bp"]
