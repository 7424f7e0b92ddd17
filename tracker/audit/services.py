"""Writing the audit trail. Call record() in the same transaction as the change itself."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from flask import has_request_context, request
from sqlalchemy import inspect

from tracker.audit.models import AuditEvent
from tracker.extensions import db


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "id") and hasattr(value, "__tablename__"):
        return value.id
    return value


def changed_fields(obj) -> dict[str, list[Any]]:
    """{field: [old, new]} for the pending column changes of a loaded object."""
    changes = {}
    state = inspect(obj)
    for attribute in state.mapper.column_attrs:
        history = state.attrs[attribute.key].history
        if history.has_changes() and attribute.key not in {"version", "updated_at"}:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attribute.key] = [_plain(old), _plain(new)]
    return changes


def record(action: str, obj=None, *, by=None, summary: str = "", changes: dict | None = None,
           object_type: str | None = None, object_id: int | None = None,
           message: dict | None = None) -> AuditEvent:
    """Add an audit event to the current transaction; `message` (tracker.messages.message) is the summary
    as the reader will see it, `summary` stays searchable text."""
    event = AuditEvent(
        action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else ""),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        user_id=getattr(by, "id", None) if by is not None and getattr(by, "is_authenticated", False) else None,
        summary=summary[:300],
        summary_message=message,
        changes={key: _plain(value) for key, value in (changes or {}).items()},
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
