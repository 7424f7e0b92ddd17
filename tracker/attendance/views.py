"""Attendance pages: roll call, invitations, walk-ins, sign-in sheet, figures, import and export."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

import tracker.attendance.labels  # noqa: F401  (registers the labels of ImportStatus)
from tracker import messages
from tracker.arguments import object_id
from tracker.attendance import exports, import_jobs, imports, services
from tracker.attendance.forms import ConfirmForm, ImportForm, WalkInForm
from tracker.attendance.models import ImportBatch, ImportStatus
from tracker.errors import Conflict, Invalid, NotAllowed, NotFound
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.labels import label
from tracker.organizations.models import OrganizationType
from tracker.permissions import can_manage_hub, find, is_internal, load
from tracker.processes.models import Process
from tracker.sessions.models import Attendance, AttendanceStatus, Session
from tracker.sessions.queries import hubs_in_order, visible_sessions
from tracker.spreadsheets import CSV_TYPE

bp = Blueprint("attendance", __name__)


def _session(session_id: int) -> Session:
    """The route's session, for whoever may keep its attendance (404, then 403)."""
    return load(Session, session_id, services.can_keep_attendance)


def _internal(user, hub: Hub) -> bool:
    return is_internal(user, hub.process)


def _roll_call_page(session: Session, walk_in: WalkInForm | None = None, status: int = 200):
    attendances = exports.attendance_rows(session)
    counts = services.status_counts([session.id])[session.id]
    return render_template(
        "attendance/roll_call.html",
        session=session,
        attendances=attendances,
        counts=counts,
        # what the roll call has recorded so far: everyone marked attended, excused or absent
        recorded=sum(counts.get(status, 0) for status in services.ROLL_CALL_STATUSES),
        totals=services.session_totals(session),
        roll_call_statuses=list(services.ROLL_CALL_STATUSES),
        other_statuses=[s for s in AttendanceStatus if s not in services.ROLL_CALL_STATUSES],
        walk_in=walk_in or WalkInForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
    ), status


# --- roll call ----------------------------------------------------------------------------------

@bp.get("/sessions/<int:session_id>/roll-call")
@login_required
def roll_call(session_id: int):
    """One screen for the room: everyone with big status buttons, a filter and the walk-in form."""
    session = _session(session_id)
    return _roll_call_page(session)


@bp.post("/sessions/<int:session_id>/roll-call")
@login_required
def save_roll_call(session_id: int):
    """The roll call without JavaScript: every row's status in one submit."""
    session = load(Session, session_id, services.set_statuses.allowed)
    statuses = {}
    for key, value in request.form.items():
        status = services.parse_status(value)
        attendance_id = object_id(key.removeprefix("status-")) if key.startswith("status-") else None
        if attendance_id is not None and status is not None:
            statuses[attendance_id] = status
    changed = services.set_statuses(session, statuses, by=current_user)
    db.session.commit()
    flash(_("Roll call saved: %(count)d changes.", count=changed), "success")
    return redirect(url_for(".roll_call", session_id=session.id))


@bp.post("/sessions/<int:session_id>/attendance/<int:attendance_id>")
@login_required
def set_status(session_id: int, attendance_id: int):
    """One person's status; answers JSON to fetch() (each click saves) and redirects a plain form."""
    session = _session(session_id)
    attendance = find(Attendance, attendance_id)
    if attendance is None or attendance.session_id != session.id:
        raise NotFound()
    payload = request.get_json(silent=True) if request.is_json else request.form
    status = services.parse_status((payload or {}).get("status") if isinstance(payload, dict) else None)
    if status is None:
        if request.is_json:
            return jsonify(error=_("Unknown status.")), 400
        raise Invalid(_("Unknown status."), "status")
    services.set_status(attendance, status, by=current_user)
    db.session.commit()
    if request.is_json:
        counts = services.status_counts([session.id])[session.id]
        totals = services.session_totals(session)
        return jsonify(
            id=attendance.id, status=attendance.status.value, label=label(attendance.status),
            counts={status.value: counts.get(status, 0) for status in AttendanceStatus},
            recorded=sum(counts.get(status, 0) for status in services.ROLL_CALL_STATUSES),
            working_hours=totals.working_hours,
        )
    return redirect(url_for(".roll_call", session_id=session.id) + f"#attendance-{attendance.id}")


@bp.post("/sessions/<int:session_id>/invite")
@login_required
def invite(session_id: int):
    session = load(Session, session_id, services.invite_all.allowed)
    ConfirmForm().validate_on_submit()  # CSRF is checked globally; the form has no fields
    count = services.invite_all(session, by=current_user)
    db.session.commit()
    if count:
        flash(_("%(count)d people invited.", count=count), "success")
    else:
        flash(_("Everyone is already invited."), "info")
    return redirect(url_for(".roll_call", session_id=session.id))


@bp.post("/sessions/<int:session_id>/walk-in")
@login_required
def walk_in(session_id: int):
    session = load(Session, session_id, services.add_walk_in.allowed)
    form = WalkInForm()
    if not form.validate_on_submit():
        return _roll_call_page(session, walk_in=form, status=400)
    try:
        attendance = services.add_walk_in(
            session, name=form.name.data.strip(), email=form.email.data, organization=form.organization,
            new_organization=form.new_organization.data,
            new_organization_type=OrganizationType(form.new_organization_type.data), by=current_user,
        )
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        field = getattr(form, problem.field, None) if problem.field else None
        (field if field is not None else form.name).errors = [str(problem)]
        return _roll_call_page(session, walk_in=form, status=problem.status)
    db.session.commit()
    flash(_("%(name)s is marked as attended.", name=attendance.person.name), "success")
    return redirect(url_for(".roll_call", session_id=session.id) + f"#attendance-{attendance.id}")


# --- sign-in sheet and exports --------------------------------------------------------------------

def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/sessions/<int:session_id>/sign-in-sheet.pdf")
@login_required
def sign_in_sheet(session_id: int):
    session = _session(session_id)
    response = _download(exports.sign_in_sheet_pdf(session), "application/pdf",
                         f"sign-in-sheet-{session.id}.pdf")
    response.headers["Content-Disposition"] = f'inline; filename="sign-in-sheet-{session.id}.pdf"'
    return response


def _table_response(table: exports.Table, fmt: str, stem: str) -> Response:
    if fmt == "csv":
        return _download(exports.to_csv(table), CSV_TYPE, f"{stem}.csv")
    return _download(exports.to_xlsx(table), exports.XLSX_TYPE, f"{stem}.xlsx")


@bp.get("/sessions/<int:session_id>/attendance.<any(csv, xlsx):fmt>")
@login_required
def export_session(session_id: int, fmt: str):
    session = _session(session_id)
    return _table_response(exports.session_attendance_table(session), fmt,
                           f"attendance-{session.starts_at:%Y-%m-%d}-{session.id}")


@bp.get("/processes/<int:process_id>/sessions.<any(csv, xlsx):fmt>")
@login_required
def export_process(process_id: int, fmt: str):
    process = load(Process, process_id, is_internal)
    sessions = list(db.session.scalars(visible_sessions(current_user, process).options(selectinload(Session.hub))))
    return _table_response(exports.process_sessions_table(process, sessions), fmt,
                           f"sessions-{process.id}-{date.today():%Y-%m-%d}")


# --- figures ------------------------------------------------------------------------------------

def _sessions_with_figures(process: Process, hub: Hub | None):
    """The sessions the user may see (never a steering meeting unless steering), with their figures."""
    query = visible_sessions(current_user, process).options(selectinload(Session.hub))
    if hub is not None:
        query = query.where(Session.hub_id == hub.id)
    sessions = list(db.session.scalars(query))
    return sessions, services.status_counts([s.id for s in sessions]), services.totals_by(process, "session")


@bp.get("/processes/<int:process_id>/attendance")
@login_required
def process_figures(process_id: int):
    """Attendees and working hours per session, per hub and for the whole process."""
    process = load(Process, process_id, is_internal)
    sessions, counts, per_session = _sessions_with_figures(process, None)
    hubs = hubs_in_order(process)
    return render_template(
        "attendance/figures.html", process=process, hub=None, hubs=hubs, sessions=sessions, counts=counts,
        per_session=per_session, per_hub=services.totals_by(process, "hub"), total=services.totals(process),
        empty=services.Totals(),
    )


@bp.get("/hubs/<int:hub_id>/attendance")
@login_required
def hub_figures(hub_id: int):
    hub = load(Hub, hub_id, _internal)
    sessions, counts, per_session = _sessions_with_figures(hub.process, hub)
    return render_template(
        "attendance/figures.html", process=hub.process, hub=hub, hubs=[], sessions=sessions, counts=counts,
        per_session=per_session, per_hub={}, total=services.totals(hub.process, hub_id=hub.id),
        empty=services.Totals(), can_manage=can_manage_hub(current_user, hub),
    )


# --- import -------------------------------------------------------------------------------------

def _import_page(form: ImportForm, *, session: Session | None = None, hub: Hub | None = None, status: int = 200):
    return render_template("attendance/import.html", max_kb=imports.max_bytes() // 1024, form=form,
                           session=session, hub=hub), status


def _upload(form: ImportForm, start, target: Session | Hub, **page):
    """Keep the uploaded file's rows for the preview, or show why the file cannot be read."""
    if not form.validate_on_submit():
        return _import_page(form, status=400, **page)
    upload = form.file.data
    data = upload.stream.read(imports.max_bytes() + 1)
    try:
        batch = start(target, upload.filename or "", data, by=current_user)
    except Invalid as refused:
        db.session.rollback()
        form.file.errors.append(str(refused))
        return _import_page(form, status=400, **page)
    db.session.commit()
    return redirect(url_for(".preview_import", batch_id=batch.id))


@bp.route("/sessions/<int:session_id>/import", methods=["GET", "POST"])
@login_required
def import_for_session(session_id: int):
    session = load(Session, session_id, imports.start_session_import.allowed)
    form = ImportForm()
    if request.method == "GET":
        return _import_page(form, session=session)
    return _upload(form, imports.start_session_import, session, session=session)


@bp.route("/hubs/<int:hub_id>/import", methods=["GET", "POST"])
@login_required
def import_for_hub(hub_id: int):
    hub = load(Hub, hub_id, imports.start_hub_import.allowed)
    form = ImportForm()
    if request.method == "GET":
        return _import_page(form, hub=hub)
    return _upload(form, imports.start_hub_import, hub, hub=hub)


def _own_batch(batch_id: int) -> ImportBatch:
    """A batch exists only for who uploaded it (404 for anyone else), and only while they may still
    keep the attendance of its session or manage its hub (403)."""
    batch = find(ImportBatch, batch_id)
    if batch is None or batch.created_by_id != current_user.id:
        raise NotFound()
    if not imports.confirm_import.allowed(current_user, batch):
        raise NotAllowed(imports.confirm_import.message)
    return batch


def _back_to(batch: ImportBatch) -> str:
    if batch.session is not None:
        return url_for(".roll_call", session_id=batch.session_id)
    return url_for(".hub_figures", hub_id=batch.hub_id)


def _batch_page(batch: ImportBatch, form: ConfirmForm, status: int = 200):
    """The preview; while a job imports the batch, its progress; afterwards what became of it."""
    job = import_jobs.status(batch) if batch.status == ImportStatus.QUEUED else None
    return render_template("attendance/preview.html", batch=batch, form=form, back=_back_to(batch), job=job,
                           error=messages.render(batch.error)), status


@bp.get("/imports/<int:batch_id>")
@login_required
def preview_import(batch_id: int):
    return _batch_page(_own_batch(batch_id), ConfirmForm())


@bp.get("/imports/<int:batch_id>/status")
@login_required
def import_status(batch_id: int):
    """Whether the job importing a large batch is done (polled by static/js/poll.js)."""
    return jsonify(import_jobs.status(_own_batch(batch_id)))


@bp.post("/imports/<int:batch_id>/confirm")
@login_required
def confirm_import(batch_id: int):
    """Import a small batch now; a large one is queued and its page shows the progress."""
    batch = _own_batch(batch_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        raise Invalid(_("The form has expired. Please try again."))
    background = import_jobs.needs_background(batch)
    try:
        if background:
            import_jobs.queue_import(batch, by=current_user)
        else:
            count = imports.confirm_import(batch, by=current_user)
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        if batch.status == ImportStatus.PENDING:
            # keep the freshly found errors for the preview, nothing else
            batch.rows = imports.validate_rows(batch.rows, session=batch.session, hub=batch.hub)
            db.session.commit()
        flash(str(problem), "error")
        return _batch_page(batch, form, problem.status)
    db.session.commit()
    if background:
        return redirect(url_for(".preview_import", batch_id=batch.id))
    flash(_("%(count)d rows imported.", count=count), "success")
    return redirect(_back_to(batch))
