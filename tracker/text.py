"""Text that users typed, made safe for every place it can end up.

Titles and names travel into mail headers, DOCX and XLSX files (XML 1.0 forbids most control
characters), CSV cells opened in spreadsheets, and PDFs. Inputs drop control characters when they
are saved; every writer passes text through the function of its medium here as well, so data
stored before (or frozen into a plan version) still exports.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, and the non-characters XML refuses.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_AND_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
# Characters that are invisible but make two equal-looking names differ.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Lone surrogates cannot be encoded as UTF-8 at all.
_SURROGATE = re.compile("[\ud800-\udfff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def without_control(text: str | None, *, multiline: bool = True) -> str:
    """The text without control characters; tab and newline stay in long texts (multiline)."""
    if not text:
        return ""
    text = _SURROGATE.sub("\ufffd", str(text))
    if multiline:
        return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL_AND_BREAKS.sub(" ", text)


def single_line(text: str | None) -> str:
    """One line for a title, a name or a mail header: no control characters, spacing collapsed."""
    return " ".join(without_control(text, multiline=False).split())


def clean_name(text: str | None) -> str:
    """A name as it is stored and compared: NFKC, no invisible characters, one line."""
    return single_line(_INVISIBLE.sub("", unicodedata.normalize("NFKC", text or "")))


def xml_safe(text: str | None) -> str:
    """Text for XML based documents (DOCX, XLSX): only characters XML 1.0 allows."""
    return without_control(text, multiline=True)


def spreadsheet_cell(value):
    """A cell value for CSV and XLSX: text cannot start a formula, and carries no forbidden characters."""
    if not isinstance(value, str):
        return value
    value = xml_safe(value)
    return "'" + value if value.startswith(FORMULA_START) else value
