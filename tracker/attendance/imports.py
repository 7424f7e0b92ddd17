"""Importing participants and organisations from CSV or XLSX, all or nothing.

1. read_upload() checks size and type (by content, not only the file name) and returns the raw rows;
2. start_session_import() / start_hub_import() validate them and keep them server-side in an
   ImportBatch (the preview);
3. confirm_import() validates the stored rows again against the database as it is now and imports
   every row in the caller's transaction, or nothing when any row is invalid. A session's rows go
   through `attendance.services.record`, the same guarded service as the roll call and the API.
   A list beyond IMPORT_SYNC_ROWS rows is not imported in the request: `import_jobs` queues it and its
   job runs confirm_import the same way, in a transaction of its own.

Only whoever may keep a session's attendance (or manage a hub) may start and confirm an import,
and only the uploader sees or confirms their batch.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import PurePath

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

import tracker.attendance.labels  # noqa: F401  (registers the messages written here)
from tracker import messages
from tracker.attendance import services as attendance
from tracker.attendance.models import ImportBatch, ImportStatus
from tracker.attendance.services import can_keep_attendance, normalise_email
from tracker.audit.services import record
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.hubs.services import add_delegate, current_membership, join_hub
from tracker.labels import label
from tracker.model_types import utcnow
from tracker.organizations.models import Organization, OrganizationType, Person, name_key
from tracker.organizations.services import find_or_create_organization, find_or_create_person
from tracker.permissions import can_manage_hub, guarded
from tracker.sessions.models import AttendanceStatus, Session
from tracker.text import single_line

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_ROWS = 2000
STALE_AFTER = timedelta(days=1)
MAX_XLSX_UNPACKED = 30 * 1024 * 1024  # guards against zip bombs
FIELDS = ("name", "email", "organization", "organization_type", "function", "status")

# Column headings understood, compared case- and space-insensitively (English and German).
HEADINGS = {
    "name": "name", "full name": "name", "teilnehmer": "name", "teilnehmerin": "name", "person": "name",
    "email": "email", "e-mail": "email", "mail": "email", "e-mail-adresse": "email",
    "organisation": "organization", "organization": "organization", "organisation name": "organization",
    "unternehmen": "organization", "firma": "organization", "institution": "organization",
    "organisation type": "organization_type", "organization type": "organization_type", "type": "organization_type",
    "typ": "organization_type", "organisationstyp": "organization_type", "art": "organization_type",
    "function": "function", "funktion": "function", "position": "function", "role": "function",
    "status": "status", "teilnahme": "status", "attendance": "status",
}


ORGANISERS_ONLY = _l("Only the hub's moderators or the steering group import lists here.")


def can_confirm(user, batch: ImportBatch) -> bool:
    """The uploader, while they may still keep the attendance of its session or manage its hub."""
    if getattr(user, "id", None) is None or batch.created_by_id != user.id:
        return False
    return can_keep_attendance(user, batch.session) if batch.session is not None else can_manage_hub(user, batch.hub)


def _refused(message: str) -> Invalid:
    """The file itself cannot be read (size, type, no name column); the message says why."""
    return Invalid(message, "file")


def max_bytes() -> int:
    return current_app.config.get("ATTENDANCE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


# --- reading ------------------------------------------------------------------------------------

def read_upload(filename: str, data: bytes) -> list[dict]:
    """Raw rows [{"line": n, field: text, ...}] of an uploaded CSV or XLSX file; Invalid (field file)."""
    limit = max_bytes()
    if len(data) > limit:
        raise _refused(_("The file is too large (at most %(size)d KB).", size=limit // 1024))
    if not data.strip():
        raise _refused(_("The file is empty."))
    extension = PurePath(filename or "").suffix.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if extension == ".xlsx":
        if not is_zip:
            raise _refused(_("The file is called .xlsx but is not an Excel workbook."))
        table = _xlsx_rows(data)
    elif extension in (".csv", ".txt"):
        if is_zip or b"\x00" in data:
            raise _refused(_("The file is called .csv but does not contain text."))
        table = _csv_rows(data)
    else:
        raise _refused(_("Please upload a CSV or XLSX file."))
    return _rows_from_table(table)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
        if "xl/workbook.xml" not in names or unpacked > MAX_XLSX_UNPACKED:
            raise ValueError("not a workbook")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl errors all mean the same to the user
        raise _refused(_("The file is called .xlsx but is not an Excel workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        table = []
        for values in sheet.iter_rows(values_only=True):
            table.append(["" if v is None else str(v).strip() for v in values])
            if len(table) > DEFAULT_MAX_ROWS + 1:
                break
        return table
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 fails only on a handful of bytes
        raise _refused(_("The file is called .csv but does not contain text."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _rows_from_table(table: list[list[str]]) -> list[dict]:
    lines = [(number, row) for number, row in enumerate(table, start=1) if any(cell for cell in row)]
    if not lines:
        raise _refused(_("The file is empty."))
    _header_line, header = lines[0]
    columns = {}
    for index, heading in enumerate(header):
        field = HEADINGS.get(" ".join(heading.casefold().replace("_", " ").split()))
        if field and field not in columns:
            columns[field] = index
    if "name" not in columns:
        raise _refused(_("The first row must name the columns; a column “Name” is required."))
    body = lines[1:]
    if len(body) > DEFAULT_MAX_ROWS:
        raise _refused(_("The file has too many rows (at most %(rows)d).", rows=DEFAULT_MAX_ROWS))
    if not body:
        raise _refused(_("The file has no rows below the column names."))
    rows = []
    for number, row in body:
        values = {field: (row[index] if index < len(row) else "") for field, index in columns.items()}
        rows.append({"line": number, **{field: values.get(field, "") for field in FIELDS}})
    return rows


# --- validating ---------------------------------------------------------------------------------

def _enum_aliases(enum_class) -> dict[str, object]:
    """Values and their German and English labels, case-insensitive."""
    aliases = {}
    for member in enum_class:
        aliases[member.value.casefold()] = member
        aliases[member.value.replace("_", " ").casefold()] = member
        for locale in ("de", "en"):
            with force_locale(locale):
                aliases[label(member).casefold()] = member
    return aliases


def validate_rows(rows: list[dict], *, session: Session | None = None, hub: Hub | None = None) -> list[dict]:
    """Each row with its "errors" (messages) and what it will do ("new_person", "new_organization")."""
    types = _enum_aliases(OrganizationType)
    statuses = _enum_aliases(AttendanceStatus)
    process = session.process if session is not None else hub.process
    seen_emails: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    result = []
    for raw in rows:
        row = {field: single_line(str(raw.get(field) or "")) for field in FIELDS}  # no control characters
        row["line"] = raw["line"]
        errors = []
        if not row["name"]:
            errors.append(_("Name is missing."))
        elif len(row["name"]) > 200:
            errors.append(_("Name is too long."))
        email = None
        try:
            email = normalise_email(row["email"])
        except Invalid:
            errors.append(_("“%(email)s” is not a valid email address.", email=row["email"]))
        if row["organization"] and len(row["organization"]) > 200:
            errors.append(_("Organisation name is too long."))
        if len(row["function"]) > 200:
            errors.append(_("Function is too long."))
        if row["organization_type"] and row["organization_type"].casefold() not in types:
            errors.append(_("Unknown organisation type “%(type)s”.", type=row["organization_type"]))
        if row["status"]:
            if session is None:
                errors.append(_("A status can only be imported for a session."))
            elif row["status"].casefold() not in statuses:
                errors.append(_("Unknown status “%(status)s”.", status=row["status"]))
        if hub is not None and not row["organization"]:
            errors.append(_("Members of a hub need an organisation."))

        if email:
            if email in seen_emails:
                errors.append(_("Same email as line %(line)d.", line=seen_emails[email]))
            else:
                seen_emails[email] = row["line"]
        key = (" ".join(row["name"].casefold().split()), name_key(row["organization"]))
        if row["name"] and not email:
            if key in seen_names:
                errors.append(_("Same person as line %(line)d.", line=seen_names[key]))
            else:
                seen_names[key] = row["line"]

        person = db.session.scalar(select(Person).where(Person.email == email)) if email else None
        organization = None
        if row["organization"]:
            organization = db.session.scalar(
                select(Organization).where(Organization.name_key == name_key(row["organization"]))
            )
        if hub is not None and organization is not None:
            membership = current_membership(organization, process)
            if membership is not None and membership.hub_id != hub.id:
                errors.append(_("%(organization)s already works in the hub “%(hub)s”.",
                                organization=organization.name, hub=membership.hub.name))
        row["new_person"] = person is None
        row["new_organization"] = bool(row["organization"]) and organization is None
        row["errors"] = errors
        result.append(row)
    return result


# --- the batch ---------------------------------------------------------------------------------

def _start(filename: str, data: bytes, *, session: Session | None, hub: Hub | None, by) -> ImportBatch:
    rows = validate_rows(read_upload(filename, data), session=session, hub=hub)
    # Previews nobody confirmed within a day are dropped; confirmed batches stay as a record.
    db.session.execute(delete(ImportBatch).where(ImportBatch.status == ImportStatus.PENDING,
                                                 ImportBatch.created_at < utcnow() - STALE_AFTER))
    batch = ImportBatch(session=session, hub=hub, filename=PurePath(filename or "").name[:255], rows=rows,
                        created_by_id=by.id)
    db.session.add(batch)
    db.session.flush()
    return batch


@guarded(can_keep_attendance, ORGANISERS_ONLY)
def start_session_import(session: Session, filename: str, data: bytes, *, by) -> ImportBatch:
    """Read and validate a participant list for a session and keep its rows for the preview."""
    return _start(filename, data, session=session, hub=None, by=by)


@guarded(can_manage_hub, ORGANISERS_ONLY)
def start_hub_import(hub: Hub, filename: str, data: bytes, *, by) -> ImportBatch:
    """Read and validate a member list for a hub and keep its rows for the preview."""
    return _start(filename, data, session=None, hub=hub, by=by)


@guarded(can_confirm, ORGANISERS_ONLY)
def confirm_import(batch: ImportBatch, *, by, progress: Callable[[int, int, str], None] | None = None) -> int:
    """Import every row of the batch in the current transaction, or none.

    The rows are validated again, because the database may have changed since the preview;
    any invalid row refuses the whole batch (Invalid), a batch imported already is a Conflict.
    Any error while importing propagates, and the caller's rollback leaves nothing behind.
    `progress(done, total, label)` hears of each row (the import job's progress bar).
    Returns the number of rows imported.
    """
    if batch.status != ImportStatus.PENDING:
        raise Conflict(_("This file has already been imported."))
    rows = validate_rows(batch.rows, session=batch.session, hub=batch.hub)
    if any(row["errors"] for row in rows):
        batch.rows = rows
        raise Invalid(_("Nothing was imported: %(count)d rows have errors.",
                        count=sum(1 for row in rows if row["errors"])), "file")
    types = _enum_aliases(OrganizationType)
    statuses = _enum_aliases(AttendanceStatus)
    entries = []
    for done, row in enumerate(rows):
        if progress is not None:
            progress(done, len(rows), "rows")
        organization = None
        if row["organization"]:
            organization, _created = find_or_create_organization(
                row["organization"], type=types.get(row["organization_type"].casefold()) or OrganizationType.COMPANY,
                by=by)
        person, _created = find_or_create_person(row["name"], normalise_email(row["email"]), organization,
                                                 function=row["function"], by=by)
        if batch.session is not None:
            entries.append((person, statuses.get(row["status"].casefold())))
        else:
            # validate_rows refused organisations of another hub, so joining cannot conflict here
            add_delegate(join_hub(organization, batch.hub, by=by), person, by=by)  # people of that organisation only
    if batch.session is not None:
        attendance.record(batch.session, entries, by=by)
    batch.status = ImportStatus.IMPORTED
    batch.imported_at = utcnow()
    batch.error = None
    batch.rows = rows
    record("import", batch, by=by, summary=f"{len(rows)} rows from {batch.filename}",
           message=messages.message("attendance.imported_rows", num=messages.decimal(len(rows)), file=batch.filename),
           changes={"session_id": batch.session_id, "hub_id": batch.hub_id})
    return len(rows)
