"""What views read from query strings and form keys: numbers (only ASCII digits, within the range of an id)
and search texts (one line, no control characters).

`"²".isdigit()` is true and `int("²")` raises; an id beyond 32 bits, or a NUL in a text, makes PostgreSQL
raise instead of answering. Whatever a visitor puts into a URL or a form key is read through these, so no
input yields a server error (issue 16, finding 21; tests/test_no_server_error.py requests every page with
hostile values).
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.text import single_line

MAX_ID = 2_147_483_647  # the largest value of an integer column (PostgreSQL's int4)


def whole_number(raw: str | None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """The number written in ASCII digits (an optional leading minus when `low` < 0), or None when the text
    is anything else or outside low..high."""
    text = (raw or "").strip()
    digits = text[1:] if text.startswith("-") and low < 0 else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 12:
        return None
    number = int(text)
    return number if low <= number <= high else None


def object_id(raw: str | None) -> int | None:
    """An id a row can have (1..MAX_ID), or None."""
    return whole_number(raw, low=1)


def search_text(raw: str | None, limit: int = 200) -> str:
    """A search or filter text from a query string: one line without control characters (a NUL makes
    PostgreSQL refuse the statement), at most `limit` characters."""
    return single_line(raw)[:limit]


def object_ids(values: Iterable[str]) -> list[int]:
    """The valid ids among the values, in their order, without repeats (others are ignored)."""
    found: dict[int, None] = {}
    for value in values:
        number = object_id(value)
        if number is not None:
            found.setdefault(number)
    return list(found)
