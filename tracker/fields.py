"""Checks of typed one-line fields that several services share (names, titles, places)."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.errors import Invalid
from tracker.text import clean_name


def one_line(value: str | None, field: str, max_length: int, required: str | None = None) -> str | None:
    """The value as one clean line (NFKC, no invisible or control characters), None when empty; Invalid for
    `field` when it is required (with that message) or longer than `max_length`."""
    value = clean_name(value)
    if not value:
        if required:
            raise Invalid(required, field)
        return None
    if len(value) > max_length:
        raise Invalid(_("At most %(n)d characters.", n=max_length), field)
    return value
