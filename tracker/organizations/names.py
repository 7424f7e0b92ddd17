"""How names are cleaned before they are stored or compared (issue 16, finding 22).

"Müller GmbH" typed with a composed ü, with a decomposed u + ◌̈, or with a zero-width space in it
is one name: every name goes through `clean_name`, and `name_key` (what uniqueness is checked on)
is built on it.
"""

from __future__ import annotations

import unicodedata

# Characters that take no room on screen but make two names differ: zero-width space, non-joiner and
# joiner, word joiner, BOM / zero-width no-break space, soft hyphen, Mongolian vowel separator, the
# invisible mathematical operators, and the bidirectional marks and embeddings.
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u3164\ufeff\uffa0"
)

CONTROL = frozenset({"Cc", "Cf"})  # control and format characters (newline and tab become spaces)


def clean_name(text: str | None) -> str:
    """The name as it is kept: NFKC, without invisible or control characters, single spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    kept = "".join(
        " " if character.isspace() else character
        for character in text
        if character not in INVISIBLE and (character.isspace() or unicodedata.category(character) not in CONTROL)
    )
    return " ".join(kept.split())


def name_key(name: str | None) -> str:
    """The form in which two names count as the same: cleaned, case ignored."""
    return unicodedata.normalize("NFKC", clean_name(name).casefold())
