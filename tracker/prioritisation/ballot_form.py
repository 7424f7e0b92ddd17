"""Reading a ballot from a posted form: fields "m<measure>" (dots) or "m<measure>-<criterion>" (scores)."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.arguments import object_id, whole_number
from tracker.errors import Invalid
from tracker.prioritisation.models import Method


def ballot_values(form, method: Method, *, low: int, high: int = 1000) -> dict:
    """{measure id: dots} or {(measure id, criterion id): score}; blank fields are left out."""
    values = {}
    for key, raw in form.items():
        if not key.startswith("m") or not raw.strip():
            continue
        parts = [object_id(part) for part in key[1:].split("-")]
        number = whole_number(raw, low=low, high=high)
        if None in parts or number is None:
            raise Invalid(_("Please enter whole numbers."), "votes")
        if method == Method.DOTS and len(parts) == 1:
            values[parts[0]] = number
        elif method == Method.SCORING and len(parts) == 2:
            values[(parts[0], parts[1])] = number
    return values
