"""Text that users typed, made safe for every place it can end up.

Titles and names travel into mail headers, DOCX and XLSX files (XML 1.0 forbids most control
characters), CSV cells opened in spreadsheets, and PDFs. Inputs drop control characters when they
are saved (every form through tracker/forms.py, every API string through tracker/api/schemas.py);
every writer passes text through the function of its medium here as well, so data stored before
(or frozen into a plan version) still exports.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# C0 controls except tab and newline, DEL, C1 controls, and the non-characters XML refuses.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Lone surrogates cannot be encoded as UTF-8 at all (JSON can carry them: "\ud800").
_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters that take no room on screen but make two names differ: zero-width space, non-joiner and
# joiner, word joiner, BOM / zero-width no-break space, soft hyphen, Mongolian vowel separator, the
# invisible mathematical operators, the bidirectional marks and embeddings, and the Hangul fillers.
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u3164\ufeff\uffa0"
)
# A cell starting with one of these is a formula (or becomes one) in a spreadsheet program.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def without_control(text: str | None, *, multiline: bool = True) -> str:
    """The text without control characters; tab and newline stay in long texts (multiline),
    a carriage return becomes a newline; one-line text gets single spaces instead (see single_line)."""
    if not text:
        return ""
    text = _CONTROL.sub("", _SURROGATE.sub("\ufffd", str(text)).replace("\r\n", "\n").replace("\r", "\n"))
    return text if multiline else single_line(text)


def single_line(text: str | None) -> str:
    """One line for a title, a name or a mail header: no control characters, any spacing one space."""
    return " ".join(without_control(text).split())


def clean_name(text: str | None) -> str:
    """A name as it is stored and compared: NFKC, no invisible or format characters, one line."""
    text = unicodedata.normalize("NFKC", _SURROGATE.sub("\ufffd", text or ""))
    return single_line("".join(character for character in text if character not in INVISIBLE
                               and (character.isspace() or unicodedata.category(character) != "Cf")))


def xml_safe(text: str | None) -> str:
    """Text for XML based documents (DOCX, XLSX): only characters XML 1.0 allows."""
    return without_control(text, multiline=True)


def without_control_in(value: Any) -> Any:
    """A copy of a JSON-like structure (a plan document) with every string through without_control."""
    if isinstance(value, str):
        return without_control(value)
    if isinstance(value, dict):
        return {key: without_control_in(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_control_in(item) for item in value]
    return value


def spreadsheet_cell(value: Any) -> Any:
    """A cell value for every CSV and XLSX the app writes: text cannot start a formula (it gets a leading
    apostrophe) and carries no character the file format forbids; numbers and dates stay what they are."""
    if not isinstance(value, str):
        return value
    value = xml_safe(value)
    return "'" + value if value.startswith(FORMULA_START) else value
