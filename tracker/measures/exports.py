"""CSV and XLSX of a list of measures (what the filtered list shows, with the fields of the plan)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from tracker.labels import label
from tracker.text import spreadsheet_cell

HEADERS = ("Nr.", "Titel", "Status", "Hub", "Leitziel", "Zeithorizont", "Fokusprojekt", "Vorgeschlagen von",
           "Verantwortlich", "Unterstützer", "Kostenschätzung", "Das machen wir", "So machen wir das")


def _rows(measures) -> list[list]:
    return [[m.id, m.title, label(m.status), m.hub.short_name if m.hub else "",
             m.primary_goal.title if m.primary_goal else "", label(m.horizon) if m.horizon else "",
             "ja" if m.is_focus_project else "", m.proposer_organization.name if m.proposer_organization else "",
             ", ".join(o.name for o in m.responsible_organizations), len(m.supporters), m.cost_estimate or "",
             m.description, m.approach] for m in measures]


def measures_table(measures, fmt: str) -> tuple[bytes, str]:
    rows = [[spreadsheet_cell(cell) for cell in row] for row in _rows(measures)]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Maßnahmen"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
