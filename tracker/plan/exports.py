"""The plan's files: the live draft and frozen versions in every format, and their file names.

PDF and DOCX of a version are rendered once per status and kept with it in the database, so any
app server answers with the same bytes; the other formats are quick to make each time.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError, OperationalError

from tracker.charts import documents as charts
from tracker.database import write_transaction
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.plan import generator, render
from tracker.plan.models import DRAFT_STATUSES, PlanVersion, PlanVersionFile
from tracker.plan.texts import document_locale
from tracker.plan.versions import chart_images, version_file, versions
from tracker.processes.models import Process
from tracker.text import without_control_in

log = logging.getLogger(__name__)
FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}
# Exports worth keeping with a frozen version (the others are quick to make).
CACHED_FORMATS = frozenset({"pdf", "docx"})
# Formats that show the charts (as images when there are any).
IMAGE_FORMATS = frozenset({"pdf", "docx", "html"})
# Recent versions whose kept chart images the live draft may reuse.
REUSED_VERSIONS = 3
EXPORT_FILE = "export-{status}.{fmt}"


def media_type(fmt: str) -> str:
    return FORMATS[fmt][0]


def render_document(doc: dict[str, Any], fmt: str, *, marked: bool, images: dict[str, bytes]) -> bytes:
    """One format of a document, in its language (see document_locale) whatever the reader's UI language.

    Control characters (which DOCX cannot hold) and lone surrogates (which UTF-8 cannot) are left out of
    the rendered copy, so text stored or frozen before inputs were cleaned still exports; the document
    itself (a frozen version's content) stays as it is.
    """
    if fmt not in FORMATS:
        raise Invalid(f"Unknown format {fmt}.", "format")
    doc = without_control_in(doc)
    with force_locale(document_locale(doc)):
        if fmt == "md":
            return render.to_markdown(doc, marked=marked).encode()
        if fmt == "csv":
            return render.to_csv(doc)
        if fmt == "html":
            return render.to_html(doc, marked=marked, images=images).encode()
        if fmt == "pdf":
            return render.to_pdf(doc, marked=marked, images=images)
        return render.to_docx(doc, marked=marked, images=images)


def export_draft(process: Process, fmt: str, kind: str = generator.PLAN) -> bytes:
    """The live draft (or the interim report) as it would read if frozen now."""
    doc = generator.build(process, kind)
    images = draft_chart_images(process, doc["charts"]) if fmt in IMAGE_FORMATS else {}
    return render_document(doc, fmt, marked=kind == generator.PLAN, images=images)


def draft_chart_images(process: Process, chart_data: list[dict[str, Any]]) -> dict[str, bytes]:
    """Chart images for the live draft: a recent version's kept images when its chart data are the
    same (no browser start), else rendered now."""
    for version in versions(process, limit=REUSED_VERSIONS):
        if version.content.get("charts") == chart_data:
            kept = chart_images(version)
            if kept:
                return kept
    return charts.render(chart_data, document_locale(process))


def _export_name(version: PlanVersion, fmt: str) -> str:
    return EXPORT_FILE.format(status=version.status.value, fmt=fmt)


def kept_export(version: PlanVersion, fmt: str) -> bytes | None:
    """The export kept with the version for its current status, if already rendered."""
    kept = version_file(version, _export_name(version, fmt))
    return kept.data if kept is not None else None


def export_version(version: PlanVersion, fmt: str, progress=None) -> bytes:
    """A version's export; PDF and DOCX are rendered once per status and kept with the version.

    `progress(done, total, label)` hears of each step (the export job's progress bar)."""
    progress = progress or (lambda *_args: None)
    if fmt in CACHED_FORMATS:
        kept = kept_export(version, fmt)
        if kept is not None:
            return kept
    images = chart_images(version)
    progress(1, 4, "charts")
    data = render_document(version.content, fmt, marked=version.status in DRAFT_STATUSES, images=images)
    progress(3, 4, "rendered")
    if fmt in CACHED_FORMATS:
        _keep(PlanVersionFile(plan_version_id=version.id, name=_export_name(version, fmt),
                              media_type=media_type(fmt), data=data))
    return data


def _keep(file: PlanVersionFile) -> None:
    """Keep a rendered export in a short write transaction of its own, after the reading one ended
    (a GET's read transaction must not become a write: issue 16, finding 9).

    Whoever kept the same file first wins; when the file cannot be kept (another request kept it, or
    the database stays busy), the next reader renders it again: an export never fails for it.
    """
    try:
        with write_transaction(db.session):
            db.session.add(file)
    except IntegrityError:
        pass  # kept by another request meanwhile
    except OperationalError:
        log.warning("plan export %s of version %s not kept", file.name, file.plan_version_id, exc_info=True)


def filename(doc: dict[str, Any], fmt: str, label: str = "") -> str:
    """A file name from the process name and the version's label (or what the document is)."""
    label = label or ("zwischenbericht" if doc["kind"] == generator.INTERIM else "entwurf")
    base = "-".join(x for x in (doc["title"]["process"], label) if x)
    safe = "".join(c if c.isalnum() else "-" for c in base.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe}.{FORMATS[fmt][1]}"
