"""CSV of the plan's measures: one row per plan measure, in the document's language.

Headers, statuses, horizons, traffic lights and update marks are written as the document names them
(never as stored codes); the file follows the app's one CSV convention (tracker.spreadsheets).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from tracker.plan.texts import horizon, light, status, t
from tracker.spreadsheets import csv_file

COLUMNS = (_l("No."), _l("ID"), _l("Title"), _l("Guiding goal"), _l("Status"), _l("Focus project"),
           _l("Horizon"), _l("Responsible"), _l("Hub"), _l("Session"), _l("Session date"), _l("What we do"),
           _l("How we do it"), _l("Expected effect"), _l("Cost estimate"), _l("Progress (%)"),
           _l("Traffic light"), _l("Update"))


def to_csv(doc: dict[str, Any]) -> bytes:
    rows = [_row(chapter, m) for chapter in doc["chapters"] for m in chapter["measures"]]
    return csv_file(COLUMNS, rows)


def _row(chapter: dict[str, Any], m: dict[str, Any]) -> list[Any]:
    progress = m.get("progress") or {}
    return [
        m["ref"], m["id"], m["title"], chapter["number"] or "", status(m["status"]),
        bool(m["is_focus_project"]), horizon(m["horizon"]), "; ".join(m["responsible"]),
        m["hub"] or "", m["session"]["title"] if m["session"] else "",
        m["session"]["date"] if m["session"] else "", m["description"],
        m["approach"], m["expected_effect"], m["cost_estimate"],
        progress.get("percent"), light(progress["light"]) if progress.get("light") else "",
        t("update_" + m["update"]) if m.get("update") else "",
    ]
