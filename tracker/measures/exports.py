"""CSV and XLSX of a list of measures (what the filtered list shows, with the fields of the plan)."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from tracker.labels import label
from tracker.spreadsheets import CSV_TYPE, csv_cell, csv_file

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = (_l("No."), _l("Title"), _l("Status"), _l("Hub"), _l("Guiding goal"), _l("Horizon"),
           _l("Focus project"), _l("Proposed by"), _l("Responsible"), _l("Supporters"), _l("Cost estimate"),
           _l("What we do"), _l("How we do it"))


def _rows(measures) -> list[list]:
    return [[m.id, m.title, label(m.status), m.hub.short_name if m.hub else "",
             m.primary_goal.title if m.primary_goal else "", label(m.horizon) if m.horizon else "",
             m.is_focus_project, m.proposer_organization.name if m.proposer_organization else "",
             ", ".join(o.name for o in m.responsible_organizations), len(m.supporters), m.cost_estimate or "",
             m.description, m.approach] for m in measures]


def measures_table(measures, fmt: str) -> tuple[bytes, str]:
    """The list in the UI's language: headers, status and horizon labels, yes/no (never a stored code)."""
    if fmt == "csv":
        return csv_file(HEADERS, _rows(measures)), CSV_TYPE
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Measures")[:31]
    sheet.append([str(header) for header in HEADERS])
    for row in _rows(measures):
        sheet.append([csv_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), XLSX_TYPE
