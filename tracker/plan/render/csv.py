"""CSV of the plan's measures: one row per plan measure, stable column names for spreadsheets."""

from __future__ import annotations

import csv
import io
from typing import Any

from tracker.text import spreadsheet_cell

COLUMNS = ("ref", "id", "title", "guiding_goal", "status", "is_focus_project", "horizon", "responsible",
           "hub", "session", "session_date", "description", "approach", "expected_effect", "cost_estimate",
           "progress_percent", "progress_light", "update")


def to_csv(doc: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for chapter in doc["chapters"]:
        for m in chapter["measures"]:
            writer.writerow([spreadsheet_cell(cell) for cell in _row(chapter, m)])
    return buffer.getvalue()


def _row(chapter: dict[str, Any], m: dict[str, Any]) -> list[Any]:
    progress = m.get("progress") or {}
    return [
        m["ref"], m["id"], m["title"], chapter["number"] or "", m["status"],
        "yes" if m["is_focus_project"] else "no", m["horizon"] or "", "; ".join(m["responsible"]),
        m["hub"] or "", m["session"]["title"] if m["session"] else "",
        m["session"]["date"] if m["session"] else "", m["description"],
        m["approach"], m["expected_effect"], m["cost_estimate"],
        "" if progress.get("percent") is None else progress["percent"], progress.get("light") or "",
        m.get("update") or "",
    ]
