"""Renderers: the plan's data structure to Markdown, CSV, HTML, PDF (WeasyPrint) and DOCX (python-docx).

Every renderer takes the same data and two facts about the version: whether it carries the
draft mark, and the chart images (a dict of chart key to PNG bytes; empty means "show tables").
One module per format; the wording they share lives in tracker.plan.texts.
"""

from tracker.plan.render.csv import to_csv
from tracker.plan.render.docx import to_docx
from tracker.plan.render.html import html_context, to_html
from tracker.plan.render.markdown import to_markdown
from tracker.plan.render.pdf import to_pdf

__all__ = ["html_context", "to_csv", "to_docx", "to_html", "to_markdown", "to_pdf"]
