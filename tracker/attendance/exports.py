"""Attendance and session lists as CSV and XLSX, and the sign-in sheet as PDF.

CSV follows the app's one convention for the UI's language (tracker.spreadsheets.csv_file). Every
cell goes through tracker.text.spreadsheet_cell, the one sanitiser of every CSV and XLSX the app
writes: a name can never become a formula, and no control character breaks the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.attendance.services import status_counts, totals_by
from tracker.extensions import db
from tracker.labels import label
from tracker.organizations.models import Organization, Person
from tracker.processes.models import Process
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionStatus
from tracker.spreadsheets import csv_file
from tracker.text import spreadsheet_cell, without_control

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]


def to_csv(table: Table) -> bytes:
    return csv_file(table.header, table.rows)


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]
    sheet.append([spreadsheet_cell(h) for h in table.header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([spreadsheet_cell(cell) for cell in row])
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max((len(str(cell.value or "")) for cell in column), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 50)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attendance_rows(session: Session, statuses: tuple[AttendanceStatus, ...] | None = None) -> list[Attendance]:
    query = (
        select(Attendance).join(Person, Person.id == Attendance.person_id)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Attendance.session_id == session.id).order_by(Person.name, Person.id)
    )
    if statuses:
        query = query.where(Attendance.status.in_(statuses))
    return list(db.session.scalars(query))


def session_attendance_table(session: Session) -> Table:
    rows = []
    for attendance in attendance_rows(session):
        person = attendance.person
        organization = person.organization
        rows.append([person.name, organization.name if organization else "",
                     label(organization.type) if organization else "", person.email or "",
                     label(attendance.status)])
    return Table(
        title=_("Attendance"),
        header=[_("Name"), _("Organisation"), _("Organisation type"), _("Email"), _("Status")],
        rows=rows,
    )


def process_sessions_table(process: Process, sessions: list[Session]) -> Table:
    """One row per session (those the reader may see) with its attendance by status and working hours."""
    counts = status_counts([s.id for s in sessions])
    hours = totals_by(process, "session")
    rows = []
    for session in sessions:
        per_status = counts.get(session.id, {})
        totals = hours.get(session.id)
        rows.append([
            session.starts_at.strftime("%Y-%m-%d"), session.starts_at.strftime("%H:%M"),
            session.hub.name if session.hub else "", label(session.kind), session.number or "",
            session.title, label(session.status),
            *[per_status.get(status, 0) for status in AttendanceStatus],
            float(round(session.duration_minutes / 60, 2)),
            float(totals.working_hours) if totals and session.status != SessionStatus.CANCELLED else 0.0,
        ])
    return Table(
        title=_("Sessions"),
        header=[_("Date"), _("Start"), _("Hub"), _("Kind"), _("Number"), _("Title"), _("Status"),
                *[label(status) for status in AttendanceStatus], _("Duration (hours)"), _("Working hours")],
        rows=rows,
    )


def sign_in_sheet_pdf(session: Session) -> bytes:
    """A printable list of everyone expected or present — invited, registered, and, once the roll call has
    begun, attended and absent (who may still come) — with an empty signature column; not who sent apologies."""
    from weasyprint import HTML

    attendances = attendance_rows(session, (AttendanceStatus.INVITED, AttendanceStatus.REGISTERED,
                                            AttendanceStatus.ATTENDED, AttendanceStatus.ABSENT))
    html = without_control(render_template("attendance/sign_in_sheet.html", session=session,
                                           attendances=attendances, blank_rows=range(8)))
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def _no_fetching(url, *args, **kwargs):
    """The sheet needs nothing from outside; never let the renderer fetch a URL."""
    raise ValueError(f"refusing to fetch {url}")
