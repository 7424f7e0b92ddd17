"""The audit trail as people read it: actions, objects, field names and values in the reader's language,
with links to the objects (names and links come from the features' labels.py, see tracker.labels)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import url_for
from werkzeug.routing import BuildError

from tracker.audit.models import AuditEvent
from tracker.labels import ACTIONS, OBJECTS, field_label, field_value, object_label, readable_code
from tracker.messages import render

# Summaries the system wrote as "old → new" before they were stored as messages.
STATUS_SUMMARY = re.compile(r"^(?P<old>[a-z_—]+) → (?P<new>[a-z_]+)$")


@dataclass
class ReadableEvent:
    event: AuditEvent
    action: str
    object: str
    url: str | None
    summary: str
    changes: list[tuple[str, str, str | None]] = field(default_factory=list)  # (field, before, after or None)


def _url(object_type: str, object_id: int | None) -> str | None:
    found = OBJECTS.get(object_type)
    if object_id is None or found is None or found[1] is None:
        return None
    try:
        return url_for(found[1], **{found[2]: object_id})
    except BuildError:
        return None


def _summary(event: AuditEvent) -> str:
    if event.summary_message:
        return render(event.summary_message, event.summary)
    match = STATUS_SUMMARY.match(event.summary or "")
    if match and "status" in (event.changes or {}):
        old = match["old"]
        return f"{field_value(event.object_type, 'status', old) if old != '—' else '—'} → " \
               f"{field_value(event.object_type, 'status', match['new'])}"
    return event.summary


def readable(event: AuditEvent) -> ReadableEvent:
    changes = []
    for name, change in sorted((event.changes or {}).items()):
        if isinstance(change, list) and len(change) == 2:
            changes.append((field_label(event.object_type, name), field_value(event.object_type, name, change[0]),
                            field_value(event.object_type, name, change[1])))
        else:
            changes.append((field_label(event.object_type, name), field_value(event.object_type, name, change), None))
    action = ACTIONS.get(event.action)
    return ReadableEvent(event=event, action=str(action) if action is not None else readable_code(event.action),
                         object=object_label(event.object_type), url=_url(event.object_type, event.object_id),
                         summary=_summary(event), changes=changes)
