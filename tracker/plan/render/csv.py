"""CSV of the plan's measures: one row per plan measure, stable column names for spreadsheets."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = ("ref", "id", "title", "guiding_goal", "status", "is_focus_project", "horizon", "responsible",
           "hub", "session", "session_date", "description", "approach", "expected_effect", "cost_estimate",
           "progress_percent", "progress_light", "update")
FORMULA_STARTS = "=+-@\t\r"  # a cell starting with one of these is a formula to a spreadsheet


def to_csv(doc: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for chapter in doc["chapters"]:
        for m in chapter["measures"]:
            writer.writerow(_row(chapter, m))
    return buffer.getvalue()


def _row(chapter: dict[str, Any], m: dict[str, Any]) -> list[Any]:
    progress = m.get("progress") or {}
    return [
        m["ref"], m["id"], _safe(m["title"]), chapter["number"] or "", m["status"],
        "yes" if m["is_focus_project"] else "no", m["horizon"] or "", _safe("; ".join(m["responsible"])),
        _safe(m["hub"] or ""), _safe(m["session"]["title"] if m["session"] else ""),
        m["session"]["date"] if m["session"] else "", _safe(m["description"]),
        _safe(m["approach"]), _safe(m["expected_effect"]), _safe(m["cost_estimate"]),
        "" if progress.get("percent") is None else progress["percent"], progress.get("light") or "",
        m.get("update") or "",
    ]


def _safe(value: str) -> str:
    """No formula injection when the CSV is opened in a spreadsheet."""
    return "'" + value if value and value[0] in FORMULA_STARTS else value
