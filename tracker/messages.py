"""Texts the system writes into records (history notes, transition reasons, audit summaries).

They are stored as a message key with parameters ({"key": ..., "params": {...}}), not as text in the
language of whoever was acting, and shown in the reader's language. Features register their keys
(with lazy_gettext msgids, so they land in the feature's catalogue) from their labels.py.

Parameters are plain JSON values; a parameter given as {"decimal": "12.5"}, {"percent": "40"} or
{"date": "2026-05-01"} is formatted in the reader's way, {"enum": "measure_status", "value": "adopted"} as a label, and
{"fields": ["starts_on"], "object_type": "process"} as the fields' names (tracker.labels.register_fields).
A message whose wording depends on a count is registered with plural_message().
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_date, format_decimal, get_translations

from tracker.i18n import percent

_MESSAGES: dict[str, object] = {}
_ENUMS: dict[str, type] = {}


class PluralMessage:
    """A message with a singular and a plural wording, chosen by the count in the parameter `count`."""

    def __init__(self, singular: str, plural: str, count: str = "num") -> None:
        self.singular, self.plural, self.count = singular, plural, count

    def text(self, params: dict[str, Any]) -> str:
        value = params.get(self.count)
        number = Decimal(str(value.get("decimal", 0) if isinstance(value, dict) else value))
        return get_translations().ungettext(self.singular, self.plural, int(number))


def plural_message(singular: str, plural: str, count: str = "num") -> PluralMessage:
    """For register_messages: the wording follows the count (translations_cli extracts both like ngettext)."""
    return PluralMessage(singular, plural, count)


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


def percentage(value: Decimal | float | int) -> dict[str, str]:
    """A percentage given as 0–100: "40 %" in German, "40%" in English."""
    return {"percent": str(value)}


def day(value: date) -> dict[str, str]:
    return {"date": value.isoformat()}


def enum_value(name: str, value: Any) -> dict[str, str]:
    return {"enum": name, "value": getattr(value, "value", value)}


def field_names(object_type: str, names) -> dict[str, Any]:
    """Field names of an object type, shown as their labels in the reader's language, in the given order."""
    return {"fields": list(names), "object_type": object_type}


def status_change(enum_name: str, old: Any, new: Any) -> dict[str, Any]:
    """"old → new" of a status, both as labels; no old status (a first step) shows as "—"."""
    return message("audit.status", old=enum_value(enum_name, old) if old is not None else "—",
                   new=enum_value(enum_name, new))


def _param(value: Any) -> Any:
    if isinstance(value, dict):
        try:
            if "decimal" in value:
                return format_decimal(Decimal(str(value["decimal"])))
            if "percent" in value:
                return percent(float(Decimal(str(value["percent"]))))
            if "date" in value:
                return format_date(date.fromisoformat(value["date"]), "long")
            if "enum" in value:
                from tracker.labels import label  # labels imports the features' models
                enum_class = _ENUMS.get(value["enum"])
                return label(enum_class(value["value"])) if enum_class is not None else str(value["value"])
            if "fields" in value:
                from tracker.labels import field_label
                return ", ".join(field_label(value.get("object_type", ""), name) for name in value["fields"])
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
    stored_params = stored.get("params") or {}
    params = {name: _param(value) for name, value in stored_params.items()}
    try:
        if isinstance(text, PluralMessage):
            text = text.text(stored_params)
        return str(text) % params if params else str(text)
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return fallback
