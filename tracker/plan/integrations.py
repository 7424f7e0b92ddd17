"""Adapters to features built alongside the plan: used when present, harmless when not."""

from __future__ import annotations

import importlib
import logging
from typing import Any

log = logging.getLogger(__name__)


def _optional(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def latest_progress(measure_ids: list[int]) -> dict[int, dict[str, Any]]:
    """{measure id: {"percent", "light", "date", "note"}} from implementation tracking, if it exists."""
    function = _optional("tracker.implementation.services", "latest_progress")
    if function is None or not measure_ids:
        return {}
    try:
        result = function(measure_ids)
    except Exception:
        log.exception("latest_progress failed")
        return {}
    plain = {}
    for measure_id, update in (result or {}).items():
        if update is None:
            continue
        if isinstance(update, dict):
            plain[measure_id] = update
            continue
        when = getattr(update, "date", None) or getattr(update, "reported_on", None) or getattr(update, "at", None)
        light = getattr(update, "light", None)
        plain[measure_id] = {
            "percent": getattr(update, "percent", None),
            "light": getattr(light, "value", light),
            "date": when.isoformat()[:10] if when else None,
            "note": getattr(update, "note", "") or "",
        }
    return plain


def progress_by_goal(process) -> dict[int | None, dict[str, Any]]:
    """{goal id: roll-up} from implementation tracking (the dashboards' definition), if it exists."""
    function = _optional("tracker.implementation.services", "progress_by_goal")
    if function is None:
        return {}
    try:
        rollups = function(process)
    except Exception:
        log.exception("progress_by_goal failed")
        return {}
    return {key: {"measures": r.measures, "percent": r.percent, "green": r.green, "yellow": r.yellow, "red": r.red,
                  "unreported": r.unreported} for key, r in rollups.items()}


def milestones(measure_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """{measure id: [{"title", "due_on", "done", "done_on"}]} in one query, if milestones exist."""
    model = _optional("tracker.implementation.models", "Milestone")
    if model is None or not measure_ids:
        return {}
    from sqlalchemy import select

    from tracker.extensions import db

    result: dict[int, list[dict[str, Any]]] = {}
    for milestone in db.session.scalars(select(model).where(model.measure_id.in_(measure_ids))
                                        .order_by(model.measure_id, model.due_on, model.id)):
        result.setdefault(milestone.measure_id, []).append({
            "title": milestone.title, "due_on": milestone.due_on.isoformat() if milestone.due_on else None,
            "done": bool(milestone.done), "done_on": milestone.done_on.isoformat() if milestone.done_on else None})
    return result


def light_label(value: str | None) -> str:
    """The traffic light's label (implementation tracking registers it), or the value itself."""
    if not value:
        return ""
    light = _optional("tracker.implementation.models", "Light")
    if light is None:
        return value
    from tracker.labels import label

    try:
        return label(light(value))
    except ValueError:
        return value


def chart_renderer():
    """The charts feature's batch image renderer, render_images(figures, formats), or None."""
    for module in ("tracker.charts.render", "tracker.charts.services", "tracker.charts.images", "tracker.charts"):
        function = _optional(module, "render_images")
        if function is not None:
            return function
    return None
