"""DOCX of the plan (python-docx): a title page, a contents field, then one writer per section kind."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from tracker.plan import texts
from tracker.plan.render import tables
from tracker.plan.texts import document_title, t

FONT = "Liberation Sans"
FONT_SIZE = Pt(10.5)
CHART_WIDTH = Cm(15)
CONTENTS_FIELD = 'TOC \\o "1-3" \\h \\z \\u'  # headings of levels 1–3, as links
PAGE_FIELD = "PAGE"


@dataclass
class Writer:
    """The Word document being written, the plan's data and its chart images."""

    word: Any
    doc: dict[str, Any]
    images: dict[str, bytes]

    def heading(self, text: str, level: int) -> None:
        self.word.add_heading(text, level=level)

    def paragraph(self, text: str = "", style: str | None = None):
        return self.word.add_paragraph(text, style=style)

    def paragraphs(self, markdown_text: str) -> None:
        for para in _plain(markdown_text):
            self.word.add_paragraph(para)

    def bullets(self, items) -> None:
        for item in items:
            self.word.add_paragraph(item, style="List Bullet")

    def page_break(self) -> None:
        self.word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, columns: list[str], rows: list[list[Any]]) -> None:
        """A grid with a bold header row, and an empty paragraph after it."""
        grid = self.word.add_table(rows=1, cols=len(columns))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, columns, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = str(value)
        self.word.add_paragraph()


def to_docx(doc: dict[str, Any], *, marked: bool, images: dict[str, bytes] | None = None) -> bytes:
    writer = Writer(_document(doc, marked), doc, images or {})
    _title_page(writer, marked)
    _contents(writer)
    for section in doc["sections"]:
        SECTION_WRITERS[section["kind"]](writer, section)
    buffer = io.BytesIO()
    writer.word.save(buffer)
    return buffer.getvalue()


def _document(doc: dict[str, Any], marked: bool):
    """An empty Word document with the plan's font, the draft mark in the header and page numbers."""
    word = Document()
    word.core_properties.title = doc["title"]["process"]
    style = word.styles["Normal"]
    style.font.name = FONT
    style.font.size = FONT_SIZE
    section = word.sections[0]
    section.header.paragraphs[0].text = " · ".join(
        x for x in (t("draft_mark") if marked else "", doc["title"]["process"], doc["title"]["label"]) if x)
    _add_field(section.footer.paragraphs[0], PAGE_FIELD)
    return word


def _title_page(w: Writer, marked: bool) -> None:
    title = w.doc["title"]
    if marked:
        w.paragraph(t("draft_mark"))
    w.paragraph(title["process"], style="Title")
    w.paragraph(f"{document_title(w.doc)} · {title['city']}")
    if title["label"]:
        w.paragraph(title["label"])
    w.paragraph(texts.day(title["date"]))
    if title.get("parent_process_id"):
        w.paragraph(t("update_of"))
    w.page_break()


def _contents(w: Writer) -> None:
    """A table-of-contents field that Word fills in when it opens the file."""
    has_toc_style = "TOC Heading" in [s.name for s in w.word.styles]
    w.paragraph(t("contents"), style="TOC Heading" if has_toc_style else "Heading 1")
    _add_field(w.paragraph(), CONTENTS_FIELD)
    w.page_break()


def _foreword(w: Writer, _section: dict[str, Any]) -> None:
    w.heading(t("foreword"), 1)
    w.paragraphs(w.doc["foreword"])


def _process(w: Writer, _section: dict[str, Any]) -> None:
    p = w.doc["process"]
    w.heading(t("process"), 1)
    w.heading(t("timeline"), 2)
    for step in p["timeline"]:
        item = w.paragraph(texts.phase_step(step), style="List Number")
        if step["state"] == "current":
            item.runs[0].bold = True
    w.heading(t("figures"), 2)
    w.table([t("figures"), ""], texts.figure_rows(w.doc))
    if p["partners"]:
        w.heading(t("partners"), 2)
        w.bullets(p["partners"])
    w.heading(t("hubs"), 2)
    w.table([t("Hub"), t("leads")], [[h["name"], ", ".join(h["leads"])] for h in p["hubs"]])
    w.heading(t("charts"), 2)
    for chart in w.doc["charts"]:
        w.heading(t(chart["title"]), 3)
        if chart["key"] in w.images:
            w.word.add_picture(io.BytesIO(w.images[chart["key"]]), width=CHART_WIDTH)
        else:
            w.paragraph(t("chart_table_note"))
        w.table(*tables.chart_table(chart))


def _chapter(w: Writer, section: dict[str, Any]) -> None:
    chapter = next(c for c in w.doc["chapters"] if c["key"] == section["key"])
    w.heading(texts.chapter_title(chapter), 1)
    w.paragraphs(chapter["introduction"])
    if chapter["number"] is not None:
        w.heading(t("objective"), 2)
        w.paragraphs(chapter["objective"])
    w.heading(t("what"), 2)
    if not chapter["measures"]:
        w.paragraph(t("no_measures"))
    w.bullets(tables.measure_list_item(m) for m in chapter["measures"])
    w.heading(t("how"), 2)
    for m in chapter["measures"]:
        _measure(w, m)
    w.heading(t("progress"), 2)
    w.paragraph(texts.chapter_progress(chapter))


def _measure(w: Writer, m: dict[str, Any]) -> None:
    w.heading(tables.measure_heading(m), 3)
    if m.get("update"):
        w.paragraph(t("update_" + m["update"])).runs[0].italic = True
    w.paragraphs(m["description"])
    w.paragraphs(m["approach"])
    w.table([t("measure"), m["ref"]], [list(fact) for fact in tables.measure_facts(m)])


def _focus(w: Writer, _section: dict[str, Any]) -> None:
    w.heading(t("focus_projects"), 1)
    if w.doc["focus_projects"]:
        w.table(*tables.focus_table(w.doc))
    else:
        w.paragraph(t("no_focus_projects"))


def _annex(w: Writer, section: dict[str, Any]) -> None:
    part = next(a for a in w.doc["annex"] if a["key"] == section["key"])
    w.heading(texts.annex_title(part), 1)
    w.heading(t("sessions"), 2)
    w.table(*tables.annex_sessions_table(part))
    w.heading(t("ideas"), 2)
    w.table(*tables.annex_ideas_table(part))


def _organizations(w: Writer, _section: dict[str, Any]) -> None:
    w.heading(t("organizations"), 1)
    w.paragraph(t("organizations_note"))
    w.bullets(w.doc["organizations"])


SECTION_WRITERS: dict[str, Callable[[Writer, dict[str, Any]], None]] = {
    "foreword": _foreword,
    "process": _process,
    "chapter": _chapter,
    "focus": _focus,
    "annex": _annex,
    "organizations": _organizations,
}


def _plain(markdown_text: str) -> list[str]:
    """Paragraphs of a Markdown text without its markup (DOCX gets plain paragraphs)."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markdown_text.strip()):
        text = re.sub(r"[*_`#>]+", "", block).strip()
        text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
        if text:
            paragraphs.append(" ".join(text.split()))
    return paragraphs


def _add_field(paragraph, instruction: str) -> None:
    """A Word field (page number, table of contents) that Word fills in when it opens the file."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, end):
        run._r.append(element)
