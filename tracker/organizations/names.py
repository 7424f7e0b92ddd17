"""How names are cleaned before they are stored or compared (issue 16, finding 22).

"Müller GmbH" typed with a composed ü, with a decomposed u + ◌̈, or with a zero-width space in it
is one name: every name goes through `clean_name` (tracker/text.py, shared with every other text the
app keeps), and `name_key` (what uniqueness is checked on) is built on it.
"""

from __future__ import annotations

import unicodedata

from tracker.text import INVISIBLE, clean_name

__all__ = ["INVISIBLE", "clean_name", "name_key"]


def name_key(name: str | None) -> str:
    """The form in which two names count as the same: cleaned, case ignored."""
    return unicodedata.normalize("NFKC", clean_name(name).casefold())
