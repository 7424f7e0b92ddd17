"""PDF of the plan: the print HTML laid out by WeasyPrint with the print stylesheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

from tracker.plan.render.html import STYLESHEET, html_context, render_page

CSS_PATH = Path(__file__).resolve().parents[3] / "static" / STYLESHEET


def to_pdf(doc: dict[str, Any], *, marked: bool, images: dict[str, bytes] | None = None) -> bytes:
    from weasyprint import CSS, HTML  # heavy; loaded only when a PDF is made

    html = render_page(pdf=True, **html_context(doc, marked=marked, images=images))
    base = current_app.static_folder or "."
    return HTML(string=html, base_url=base).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH))])
