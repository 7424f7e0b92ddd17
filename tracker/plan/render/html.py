"""HTML of the plan: the page in the app, the printable document, and the source of the PDF."""

from __future__ import annotations

import base64
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import get_locale
from markupsafe import Markup

from tracker.charts.documents import figures as chart_figures
from tracker.plan import texts
from tracker.plan.render import tables
from tracker.plan.texts import document_locale, document_title, t
from tracker.text import without_control_in

TEMPLATE = "plan/print.html"
STYLESHEET = "css/plan-print.css"
# The PDF's tables have a fixed layout (WeasyPrint's automatic layout measures every cell's text twice
# before laying it out: most of the time of a large plan's PDF). Their columns are sized here, by the
# DOCX's rule: each column at least as wide as its longest word (a header never breaks inside a word).
# The unit is a point; the text width is A4 less the page margins (42 mm) and the body's padding.
TEXT_WIDTH_PT = (210 - 42) / 25.4 * 72 - 2 * 10.5
CHAR_PT = 7.6  # a character of DejaVu Sans Bold at 8.5 pt, generously (5.3 on average; "Maßnahme" 6.6)
PADDING_PT = 12  # 5 pt either side and the borders
WIDE_COLUMNS = 6  # more columns: the table's font is 7.5 pt, not 8.5 (plan-table--wide)


def _shortened(text: str, longest: int = 12) -> str:
    return " ".join(word[:longest] for word in text.split())


def colgroup(table: tables.Table) -> Markup:
    """The columns of a PDF table with fixed layout: percentages of the text width."""
    from tracker.plan.render.docx import column_widths

    header, rows = table
    # A header's words must fit; a cell's may break (hyphenated or wrapped), so its long words count less.
    cells = [[str(c) for c in header], *[[_shortened(str(c)) for c in row] for row in rows]]
    char = CHAR_PT * (7.5 / 8.5 if len(header) > WIDE_COLUMNS else 1)
    widths = column_widths(cells, int(TEXT_WIDTH_PT * 100), char=int(char * 100), padding=PADDING_PT * 100)
    total = sum(widths) or 1
    return Markup("<colgroup>{}</colgroup>").format(
        Markup("").join(Markup('<col style="width: {:.2f}%">').format(100 * w / total) for w in widths))


def html_context(doc: dict[str, Any], *, marked: bool, images: dict[str, bytes] | None = None,
                 image_urls: dict[str, str] | None = None, comment_counts: dict[str, int] | None = None,
                 review: dict | None = None, interactive: bool = False) -> dict:
    """What the document templates need; images without a URL are inlined as data URLs. With
    `interactive` (pages in the app) the charts are drawn in the browser from their numbers.

    The page shows the document without control characters, as every export does (tracker/text.py).
    """
    doc = without_control_in(doc)
    urls = dict(image_urls or {})
    for key, data in (images or {}).items():
        urls.setdefault(key, "data:image/png;base64," + base64.b64encode(data).decode())
    figures = chart_figures(doc.get("charts", []), document_locale(doc)) if interactive else {}
    return {"doc": doc, "marked": marked, "chart_urls": urls, "chart_figures": figures, "tx": texts, "t": t,
            "comment_counts": comment_counts or {}, "doc_title": document_title(doc), "review": review,
            "tables": tables, "colgroup": colgroup}


def render_page(**context) -> str:
    """The print template, with or without a request (exports also run from the CLI or a job)."""
    css_href = None
    if not context.get("pdf"):
        css_href = url_for("static", filename=STYLESHEET) if has_request_context() else None
    # The document's language, not the reader's: it decides the PDF's hyphenation.
    doc_lang = texts.document_locale(context["doc"]) if context.get("doc") else str(get_locale() or "de")
    return current_app.jinja_env.get_template(TEMPLATE).render(css_href=css_href, doc_lang=doc_lang, **context)


def to_html(doc: dict[str, Any], *, marked: bool, images: dict[str, bytes] | None = None) -> str:
    """A complete HTML document (printable; also the PDF's source)."""
    return render_page(pdf=False, **html_context(doc, marked=marked, images=images))
