"""DOCX of the plan (python-docx): a title page, a table of contents, then one writer per section kind.

Set up for print in the plan's language: A4 pages, every style in the document's language (de-DE or
en-GB, so Word checks the spelling of the right language and hyphenates it), page numbers in the
footer, tables in a built-in table style whose header row repeats on every page. The generator writes
the table of contents itself (see _contents_entries), so it lists the chapters without any update.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from flask_babel import get_locale

from tracker.plan import texts
from tracker.plan.render import tables
from tracker.plan.texts import document_title, t

FONT = "Liberation Sans"
FONT_SIZE = Pt(10.5)
TABLE_FONT_SIZE = Pt(9)
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)  # A4
MARGINS = {"top_margin": Mm(25), "bottom_margin": Mm(22), "left_margin": Mm(25), "right_margin": Mm(20),
           "header_distance": Mm(10), "footer_distance": Mm(10)}
TEXT_WIDTH = PAGE_WIDTH - MARGINS["left_margin"] - MARGINS["right_margin"]
CHART_WIDTH = Cm(16)
PAGE_FIELD = "PAGE"
LANGUAGES = {"de": "de-DE", "en": "en-GB"}
TABLE_STYLE = "Light List Accent 1"
TABLE_TEXT = "Table Text"  # the paragraph style of table cells: smaller, no space after
TOC_LEVEL_1 = ("TOC1", "toc 1")  # Word's built-in style of contents entries (styleId, name)
BOOKMARK = "_Toc{:04d}"  # Word's own prefix for headings the contents refers to


@dataclass
class Writer:
    """The Word document being written, the plan's data, its chart images and the chapters written so far."""

    word: Any
    doc: dict[str, Any]
    images: dict[str, bytes]
    chapters: list[tuple[str, str]] = field(default_factory=list)  # (title, bookmark) of each level-1 heading

    def heading(self, text: str, level: int) -> None:
        paragraph = self.word.add_heading(text, level=level)
        if level == 1:
            bookmark = BOOKMARK.format(len(self.chapters) + 1)
            _bookmark(paragraph, bookmark, len(self.chapters) + 1)
            self.chapters.append((text, bookmark))

    def paragraph(self, text: str = "", style: str | None = None):
        return self.word.add_paragraph(text, style=style)

    def paragraphs(self, markdown_text: str) -> None:
        for para in _plain(markdown_text):
            self.word.add_paragraph(para)

    def bullets(self, items) -> None:
        for item in items:
            self.word.add_paragraph(item, style="List Bullet")

    def page_break(self):
        paragraph = self.word.add_paragraph()
        paragraph.add_run().add_break(WD_BREAK.PAGE)
        return paragraph

    def table(self, columns: list[str], rows: list[list[Any]], *, label_column: bool = False) -> None:
        """A table in the document's table style: its header row repeats on every page it runs over, the
        columns are as wide as their words need, and an empty paragraph follows it."""
        texts_ = [[str(c) for c in columns], *[[str(v) for v in row] for row in rows]]
        grid = self.word.add_table(rows=len(texts_), cols=len(columns))
        grid.style = self.word.styles[TABLE_STYLE]
        grid.autofit = False
        look = grid._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstColumn"), "1" if label_column else "0")
            look.set(qn("w:val"), "04A0" if label_column else "0420")
        style_id = self.word.styles[TABLE_TEXT].style_id  # set as XML: python-docx looks a style up each time
        widths = column_widths(texts_, TEXT_WIDTH)
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
        for row, values in zip(grid.rows, texts_, strict=True):
            for cell, value, width in zip(row.cells, values, widths, strict=True):
                cell.width = width
                paragraph = cell.paragraphs[0]
                paragraph._p.style = style_id
                paragraph.add_run(value)
        header = grid.rows[0]._tr.get_or_add_trPr()
        header.append(OxmlElement("w:tblHeader"))  # repeats on every page the table runs over
        self.word.add_paragraph()


def column_widths(cells: list[list[str]], total: int, *, char: int = Pt(9 * 0.6), padding: int = Pt(12)) -> list[int]:
    """Widths (in the unit of `total`; EMU here) that keep each column's longest word on one line where
    the page allows (a header broken mid-word reads badly), sharing the rest by how much text the column
    holds. `char` is an average character of the table font, bold; `padding` a cell's on both sides.
    The PDF's fixed table layout uses the same rule (tracker/plan/render/html.py)."""
    count = len(cells[0])
    least = [max(len(word) for row in cells for word in (row[i].split() or [""])) * char + padding
             for i in range(count)]
    mean = [sum(len(row[i]) for row in cells) / len(cells) for i in range(count)]
    if sum(least) >= total:
        return [int(total * x / sum(least)) for x in least]
    weights = [max(m, 1.0) for m in mean]
    widths = [total * w / sum(weights) for w in weights]
    fixed: set[int] = set()
    while True:  # a column narrower than its longest word gets that width; the others share the rest
        short = [i for i in range(count) if i not in fixed and widths[i] < least[i]]
        if not short:
            break
        fixed.update(short)
        free = sum(weights[i] for i in range(count) if i not in fixed)
        if not free:  # cannot happen while the words fit the page (checked above); rounding aside
            return [int(total * x / sum(least)) for x in least]
        rest = total - sum(least[i] for i in fixed)
        widths = [least[i] if i in fixed else rest * weights[i] / free for i in range(count)]
    return [int(w) for w in widths]


def to_docx(doc: dict[str, Any], *, marked: bool, images: dict[str, bytes] | None = None) -> bytes:
    writer = Writer(_document(doc, marked), doc, images or {})
    _title_page(writer, marked)
    contents_end = _contents(writer)
    for section in doc["sections"]:
        SECTION_WRITERS[section["kind"]](writer, section)
    _contents_entries(writer, contents_end)
    _language(writer.word, LANGUAGES.get(str(get_locale() or "de"), "de-DE"))
    buffer = io.BytesIO()
    writer.word.save(buffer)
    return buffer.getvalue()


def _document(doc: dict[str, Any], marked: bool):
    """An empty A4 Word document with the plan's font and styles, the draft mark in the header and
    page numbers in the footer."""
    word = Document()
    word.core_properties.title = doc["title"]["process"]
    style = word.styles["Normal"]
    style.font.name = FONT
    style.font.size = FONT_SIZE
    _styles(word)
    for section in word.sections:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for name, value in MARGINS.items():
            setattr(section, name, value)
        section.header.paragraphs[0].text = " · ".join(
            x for x in (t("draft_mark") if marked else "", doc["title"]["process"], doc["title"]["label"]) if x)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_field(footer, PAGE_FIELD)
    return word


def _styles(word) -> None:
    """The styles the plan adds to python-docx's template: table cells and contents entries."""
    cell = word.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = word.styles["Normal"]
    cell.font.size = TABLE_FONT_SIZE
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    style_id, name = TOC_LEVEL_1
    entry = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    entry.element.styleId = style_id
    entry.base_style = word.styles["Normal"]
    entry.paragraph_format.space_after = Pt(4)
    entry.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _language(word, language: str) -> None:
    """The document's language on the defaults and on every style (Word checks spelling and hyphenates
    by it), automatic hyphenation on, and fields updated when the file is opened."""
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    _set_language(properties, language)
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) != "numbering":  # numbering styles hold no run properties
            _set_language(style.get_or_add_rPr(), language)
    word.core_properties.language = language
    settings = word.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), language)
    proof_state = settings.find(qn("w:proofState"))  # the template's "spelling checked": not in this language
    if proof_state is not None:
        settings.remove(proof_state)
    _setting(settings, "w:autoHyphenation", after="w:defaultTabStop")
    _setting(settings, "w:updateFields", before="w:compat")
    if language.startswith("de"):
        for name, value in (("w:decimalSymbol", ","), ("w:listSeparator", ";")):
            element = settings.find(qn(name))
            if element is not None:
                element.set(qn("w:val"), value)


def _set_language(properties, language: str) -> None:
    element = properties.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        properties.insert_element_before(element, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    element.set(qn("w:val"), language)


def _setting(settings, name: str, *, after: str | None = None, before: str | None = None) -> None:
    """Switch a setting on, in its place in settings.xml (Word refuses elements out of order)."""
    element = settings.find(qn(name))
    if element is None:
        element = OxmlElement(name)
        anchor = settings.find(qn(after or before))
        if anchor is None:
            settings.append(element)
        elif after:
            anchor.addnext(element)
        else:
            anchor.addprevious(element)
    element.set(qn("w:val"), "true")


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


def _contents(w: Writer):
    """The contents heading; its entries follow once the chapters are written (_contents_entries)."""
    w.paragraph(t("contents"), style="TOC Heading")
    return w.page_break()


def _contents_entries(w: Writer, end) -> None:
    """One entry per chapter, each a link to the chapter's heading with a page reference (PAGEREF field).

    Written by the generator rather than as a TOC field's result: LibreOffice shows a TOC field's entries
    as they were saved (without page numbers, as none were known), but computes a page reference itself,
    and Word updates page references on opening (w:updateFields).
    """
    style = w.word.styles[TOC_LEVEL_1[1]]
    for title, bookmark in w.chapters:
        paragraph = end.insert_paragraph_before(style=style)
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), bookmark)
        link.set(qn("w:history"), "1")
        link.append(_run(text=title))
        link.append(_run(tab=True))
        _field_start(link, f" PAGEREF {bookmark} \\h ")
        link.append(_run(field="end"))
        paragraph._p.append(link)


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
    w.table([t("figures"), ""], texts.figure_rows(w.doc), label_column=True)
    if p["partners"]:
        w.heading(t("partners"), 2)
        w.bullets(p["partners"])
    w.heading(t("hubs"), 2)
    w.table([t("Hub"), t("leads")], [[h["name"], ", ".join(h["leads"])] for h in p["hubs"]])
    w.heading(t("charts"), 2)
    for chart in w.doc["charts"]:
        w.heading(t(chart["title"]), 3)
        if chart["key"] in w.images:
            picture = w.paragraph()
            picture.paragraph_format.keep_with_next = True  # the chart stays with its table
            picture.add_run().add_picture(io.BytesIO(w.images[chart["key"]]), width=CHART_WIDTH)
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
    w.table([t("measure"), m["ref"]], [list(fact) for fact in tables.measure_facts(m)], label_column=True)


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
    """A Word field (the page number) that the reading program fills in."""
    _field_start(paragraph._p, instruction)
    paragraph._p.append(_run(field="end"))


def _field_start(parent, instruction: str) -> None:
    """The start of a field: its code, then the separator after which its shown result follows."""
    parent.append(_run(field="begin"))
    parent.append(_run(code=instruction))
    parent.append(_run(field="separate"))


def _run(*, text: str | None = None, tab: bool = False, field: str | None = None, code: str | None = None):
    """A w:r holding text, a tab, a field character or a field code."""
    run = OxmlElement("w:r")
    if text is not None:
        element = OxmlElement("w:t")
        element.set(qn("xml:space"), "preserve")
        element.text = text
    elif tab:
        element = OxmlElement("w:tab")
    elif field is not None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), field)
    else:
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = code
    run.append(element)
    return run


def _bookmark(paragraph, name: str, number: int) -> None:
    """A bookmark around a heading's text (the contents entries refer to it)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    runs = paragraph._p.findall(qn("w:r"))
    if runs:
        runs[0].addprevious(start)
        runs[-1].addnext(end)
    else:
        paragraph._p.append(start)
        paragraph._p.append(end)
