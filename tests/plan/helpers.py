"""Reading exports back for assertions."""

from __future__ import annotations

import io
import re


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_toc(pages: list[str]) -> list[tuple[str, int]]:
    """(title, page) pairs read from the table of contents page."""
    toc_page = next(text for text in pages if "Inhalt" in text.splitlines()[:3] or "\nInhalt\n" in text)
    entries = []
    for line in toc_page.splitlines():
        match = re.match(r"^(.+?)\s*\.{3,}\s*(\d+)$", line.strip())
        if match:
            entries.append((match.group(1).strip(), int(match.group(2))))
    return entries


def docx_paragraphs(data: bytes):
    from docx import Document

    document = Document(io.BytesIO(data))
    return document, [(p.style.name, p.text) for p in document.paragraphs]


def markdown_sections(text: str) -> dict[str, str]:
    """Level-2 sections of a Markdown export: {heading: body}."""
    sections: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = ""
        elif current is not None:
            sections[current] += line + "\n"
    return sections
