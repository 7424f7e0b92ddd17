"""Texts the system writes into records (history notes, transition reasons, audit summaries).

They are stored as a message key with parameters ({"key": ..., "params": {...}}), not as text in the
language of whoever was acting, and shown in the reader's language. Features register their keys
(with lazy_gettext msgids, so they land in the feature's catalogue) from their labels.py.

Parameters are plain JSON values; a parameter given as {"decimal": "12.5"} or {"date": "2026-05-01"}
is formatted in the reader's way, {"status": "adopted", "enum": "measure_status"} as a label.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_date, format_decimal

_MESSAGES: dict[str, object] = {}
_ENUMS: dict[str, type] = {}


def register_messages(messages: dict[str, object]) -> None:
    _MESSAGES.update(messages)


def register_enum(name: str, enum_class: type) -> None:
    """An enum whose values may appear as parameters ({"enum": name, "value": ...}), shown as labels."""
    _ENUMS[name] = enum_class


def message(key: str, **params: Any) -> dict[str, Any]:
    """A message to store; `key` must be registered by the time it is shown."""
    return {"key": key, "params": params}


def decimal(value: Decimal | float | int) -> dict[str, str]:
    return {"decimal": str(value)}


def day(value: date) -> dict[str, str]:
    return {"date": value.isoformat()}


def enum_value(name: str, value: Any) -> dict[str, str]:
    return {"enum": name, "value": getattr(value, "value", value)}


def _param(value: Any) -> Any:
    if isinstance(value, dict):
        try:
            if "decimal" in value:
                return format_decimal(Decimal(str(value["decimal"])))
            if "date" in value:
                return format_date(date.fromisoformat(value["date"]), "long")
            if "enum" in value:
                from tracker.labels import label  # labels imports the features' models
                enum_class = _ENUMS.get(value["enum"])
                return label(enum_class(value["value"])) if enum_class is not None else str(value["value"])
        except (InvalidOperation, ValueError, TypeError):
            pass
        return ""
    return value


def render(stored: dict[str, Any] | None, fallback: str = "") -> str:
    """The stored message in the current language; the stored text when there is none (or it is unknown)."""
    if not isinstance(stored, dict):
        return fallback
    text = _MESSAGES.get(stored.get("key", ""))
    if text is None:
        return fallback
    params = {name: _param(value) for name, value in (stored.get("params") or {}).items()}
    try:
        return str(text) % params if params else str(text)
    except (KeyError, TypeError, ValueError):
        return fallback
