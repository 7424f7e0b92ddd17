"""The one CSV convention of the app, chosen by the language the file is made in.

German: semicolons between cells and decimal commas (German Excel reads "7,5" as a number and
"7.5" as a date). English: commas and decimal points. Both: UTF-8 with a byte order mark (so
Excel reads umlauts in names right whatever its language), CRLF line ends, headers and labels in
the language, never an internal code (a status, a kind, a yes/no flag is written as its label).
Every cell goes through tracker.text.spreadsheet_cell: text can never become a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import Any

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from tracker.labels import label
from tracker.text import spreadsheet_cell

CSV_TYPE = "text/csv; charset=utf-8"
DELIMITERS = {"de": ";"}  # languages whose spreadsheets expect another separator than the comma


def csv_cell(value: Any) -> Any:
    """What a spreadsheet user reads in the cell: labels for codes, the language's decimals, safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Enum):
        return spreadsheet_cell(label(value))
    if isinstance(value, (float, Decimal)):
        return format_decimal(value, format="0.##")
    return spreadsheet_cell(str(value) if not isinstance(value, int) else value)


def csv_file(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV file in the current language's convention (see the module's docstring)."""
    delimiter = DELIMITERS.get(get_locale().language, ",")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
