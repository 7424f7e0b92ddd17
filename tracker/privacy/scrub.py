"""The safety net of anonymisation: replace what is left of a person's name and contact in any text.

`anonymise` first cleans every place it knows by name (the person, their account, the audit trail
about them, their mails, the import rows that listed them). Afterwards this module looks through
every text, string and JSON column of every table (and the calendar attachments of mails) for the
words it is given and replaces each occurrence, so a place added later, or a name quoted in someone
else's text, does not keep them.

Left out on purpose:
- `person` and `organization`: other people may bear the same name, and an organisation's name is
  the organisation's (its unique key is derived from it);
- `plan_version` and `plan_version_file`: a frozen version never changes (its hash proves it), and
  the plan generator puts no person into it;
- hashes, tokens and keys (password and token hashes, session and claim tokens, dedup keys).

SQLite's lower() folds only A–Z, so every word is searched as written, in lower, upper and title
case, each lowered as either engine lowers; the replacement itself is case-insensitive.
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Iterable
from typing import Any

from markupsafe import escape
from sqlalchemy import JSON, Enum, Integer, LargeBinary, String, Table, Text, and_, cast, func, or_, select, update

from tracker.extensions import db

SKIPPED_TABLES = frozenset({"person", "organization", "plan_version", "plan_version_file"})
# Binary columns that hold UTF-8 text (and may quote a session's agenda).
TEXT_BLOBS = frozenset({("outbox_mail", "ics")})
# Shorter words would hit ordinary text.
MIN_LENGTH = 4
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def usable(words: Iterable[str | None], *, min_length: int = MIN_LENGTH) -> list[str]:
    """The distinct, long enough words, longest first (so a longer form wins over a part of it)."""
    seen = {" ".join(w.split()) for w in words if w and len(" ".join(w.split())) >= min_length}
    return sorted(seen, key=lambda w: (-len(w), w))


def name_forms(name: str) -> set[str]:
    """The ways a person's name is written in lists and minutes: as given, and with the surname first
    ("Heike Wagner" also as "Wagner, Heike", "Wagner,Heike" and "Wagner Heike"); a name stored surname
    first ("Wagner, Heike") also as "Heike Wagner". The surname is the last word (probe finding 10)."""
    name = " ".join(name.split())
    surname, comma, given = (part.strip() for part in name.partition(","))
    if comma:
        return {name, f"{given} {surname}"} if given and surname else {name}
    words = name.split(" ")
    if len(words) < 2:
        return {name}
    given, surname = " ".join(words[:-1]), words[-1]
    return {name, f"{surname}, {given}", f"{surname},{given}", f"{surname} {given}"}


def pattern(words: list[str]) -> re.Pattern[str]:
    """Any of the words, or its HTML-escaped form, not inside a longer word; case-insensitive.
    No words: a pattern that matches nothing."""
    if not words:
        return re.compile(r"(?!)")
    forms = {re.escape(form) for word in words for form in _escaped(word)}
    alternatives = "|".join(sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def replace_in(value: Any, found: re.Pattern[str], replacement: str) -> Any:
    """The value with every occurrence replaced: text, or JSON (every string inside it)."""
    if isinstance(value, str):
        return found.sub(lambda _match: replacement, value)
    if isinstance(value, list):
        return [replace_in(item, found, replacement) for item in value]
    if isinstance(value, dict):
        return {key: replace_in(item, found, replacement) for key, item in value.items()}
    return value


def _escaped(word: str) -> set[str]:
    """The word as plain text and as the templates (Jinja) and Python escape it in HTML."""
    return {word, str(escape(word)), html.escape(word)}


def lowered(text: str) -> set[str]:
    """The text as the database's lower() gives it: every letter (PostgreSQL), or only A–Z (SQLite)."""
    return {text.lower(), text.translate(_ASCII_LOWER)}


def written(word: str) -> set[str]:
    """The ways a word is typed: as given, lower, upper and title case."""
    return {word, word.lower(), word.upper(), word.title()}


def spellings(word: str) -> set[str]:
    """Search strings for `lower(column) LIKE`: every way of writing the word, as stored in text,
    in HTML and in JSON, lowered as either engine lowers."""
    result = set()
    for form in written(word):
        for stored in (*_escaped(form), json.dumps(form)[1:-1]):
            result |= lowered(stored)
    return result


def _secret_or_key(column) -> bool:
    """Hashes, tokens and lookup keys: never text about anyone, and changing one would break it."""
    return column.name.endswith(("_hash", "_token", "_key")) or column.name == "prefix"


def _kind(table: Table, column) -> str | None:
    if column.primary_key or isinstance(column.type, Enum) or _secret_or_key(column):
        return None
    if isinstance(column.type, JSON):
        return "json"
    if isinstance(column.type, (String, Text)):
        return "text"
    if isinstance(column.type, LargeBinary) and (table.name, column.name) in TEXT_BLOBS:
        return "blob"
    return None


def _searchable(column, kind: str):
    if kind == "text":
        return func.lower(column)
    if kind == "blob" and db.engine.dialect.name == "postgresql":
        return func.lower(func.convert_from(column, "UTF8"))
    return func.lower(cast(column, Text))


def _fitting(value: Any, column) -> Any:
    length = getattr(column.type, "length", None)
    return value[:length] if isinstance(value, str) and length else value


def replace_everywhere(words: Iterable[str | None], replacement: str) -> dict[str, int]:
    """Replace the words in every searched column of every table; {"table.column": rows changed}.

    Rows with a version counter get a new version, so an editor who still has the old text open
    meets a conflict instead of writing the name back.
    """
    words = usable(words)
    if not words:
        return {}
    found = pattern(words)
    searched = sorted({s for word in words for s in spellings(word)})
    changed: dict[str, int] = {}
    for table in db.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES or not table.primary_key.columns:
            continue
        keys = list(table.primary_key.columns)
        version = table.c.get("version")
        if version is not None and not isinstance(version.type, Integer):
            version = None
        for column in table.columns:
            kind = _kind(table, column)
            if kind is None:
                continue
            searchable = _searchable(column, kind)
            rows = db.session.execute(select(*keys, column).where(
                or_(*[searchable.contains(s, autoescape=True) for s in searched]))).all()
            count = 0
            for *key, value in rows:
                if kind == "blob":
                    text = value.decode("utf-8", "replace")
                    new = replace_in(text, found, replacement)
                    new = new.encode("utf-8") if new != text else value
                else:
                    new = _fitting(replace_in(value, found, replacement), column)
                if new == value:
                    continue
                values = {column.name: new}
                if version is not None:
                    values[version.name] = version + 1
                db.session.execute(update(table).where(and_(*[k == v for k, v in zip(keys, key, strict=True)]))
                                   .values(values))
                count += 1
            if count:
                changed[f"{table.name}.{column.name}"] = count
    return changed
