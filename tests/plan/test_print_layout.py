"""The plan's documents as a city prints them: A4, in the plan's language, a contents page that lists the
chapters, whole table headers, charts as images beside their tables (issue 19, item 5).

The 1× benchmark plan's DOCX is converted by LibreOffice (installed by .ci/system-packages) and the
converted PDF read back: the DOCX must show its chapters without a program updating anything.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask_babel import force_locale

from tests import factories
from tests.plan.helpers import pdf_toc
from tracker.charts.export import browser_path
from tracker.extensions import db
from tracker.permissions import SYSTEM
from tracker.plan import exports, texts, versions
from tracker.plan.render import tables
from tracker.processes.models import Process

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A4_POINTS = (595, 842)
A4_EMU = (7560310, 10692130)  # 210 × 297 mm, give or take a rounding


def _freeze(process, label="Masterplan"):
    version = versions.freeze(process, label, by=SYSTEM)
    db.session.commit()
    return version


def _benchmark_process() -> Process:
    from benchmarks.generate import generate

    [process_id] = generate(1)
    return db.session.get(Process, process_id)


def _section_titles(doc) -> list[str]:
    with force_locale(texts.document_locale(doc)):
        return [texts.section_title(doc, section) for section in doc["sections"]]


# --- the plan's language --------------------------------------------------------------------------

def test_a_frozen_version_keeps_its_language_whoever_downloads_it(client, login, world, plan):
    world.process.plan_language = "en"
    version = _freeze(world.process)
    world.process.plan_language = "de"  # changed after freezing: the version still reads as frozen
    db.session.commit()
    login(world.steering)
    url = f"/plan/versions/{version.id}?format=md"
    german_reader = client.get(url, headers={"Accept-Language": "de"}).data
    english_reader = client.get(url, headers={"Accept-Language": "en"}).data
    assert german_reader == english_reader
    assert "Guiding goal 1: Oberhausen ist innovativ" in german_reader.decode() and b"Leitziel" not in german_reader
    draft = client.get(f"/processes/{world.process.id}/plan?format=md", headers={"Accept-Language": "en"})
    assert "Leitziel 1: Oberhausen ist innovativ" in draft.get_data(as_text=True)


def test_the_printable_page_is_in_the_plans_language_for_hyphenation(client, login, world, plan):
    world.process.plan_language = "en"
    db.session.commit()
    login(world.steering)
    page = client.get(f"/processes/{world.process.id}/plan?format=html",
                      headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Guiding goal 1:" in page


def test_the_process_wide_row_of_the_hub_chart_is_named(client, login, world, plan):
    kickoff = factories.session(world.process, None, title="Auftaktveranstaltung")
    factories.attendance(kickoff, world.company_a.person)
    db.session.commit()
    login(world.steering)
    text = client.get(f"/processes/{world.process.id}/plan?format=md").get_data(as_text=True)
    assert "| Prozessweit |" in text and "| — |" not in text


# --- DOCX -------------------------------------------------------------------------------------------

def _docx_styles(document) -> tuple[list[str | None], str | None]:
    """(the language of every style, the default language) in the styles part."""
    styles = document.styles.element
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    languages = [style.find(f"{W}rPr/{W}lang").get(f"{W}val") if style.find(f"{W}rPr/{W}lang") is not None
                 else None for style in styles.findall(f"{W}style") if style.get(f"{W}type") != "numbering"]
    return languages, default.get(f"{W}val") if default is not None else None


@pytest.mark.slow
@pytest.mark.parametrize(("language", "tag", "contents"), [("de", "de-DE", "Inhalt"), ("en", "en-GB", "Contents")])
def test_docx_is_a4_in_the_plans_language_with_contents_page_numbers_and_styled_tables(
        world, plan, language, tag, contents):
    from docx import Document

    world.process.plan_language = language
    version = _freeze(world.process)
    document = Document(io.BytesIO(exports.export_version(version, "docx")))
    for section in document.sections:
        assert abs(section.page_width - A4_EMU[0]) < 2000 and abs(section.page_height - A4_EMU[1]) < 2000
        assert section.left_margin > 0 and section.top_margin > 0
        assert "PAGE" in section.footer._element.xml  # a page number field
    languages, default = _docx_styles(document)
    assert default == tag and set(languages) == {tag}
    settings = document.settings.element
    assert settings.find(f"{W}updateFields").get(f"{W}val") == "true"
    assert settings.find(f"{W}themeFontLang").get(f"{W}val") == tag
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("TOC Heading", contents) in paragraphs
    entries = [text.rstrip("\t") for style, text in paragraphs if style == "toc 1"]  # title, tab, page
    assert entries == _section_titles(version.content)
    assert all("PAGEREF _Toc" in p._p.xml for p in document.paragraphs if p.style.name == "toc 1")
    assert len(document.tables) > 5
    for table in document.tables:
        assert table.style.name == "Light List Accent 1"
        assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None  # the header row repeats


def test_docx_columns_are_at_least_as_wide_as_their_header_words():
    from docx.shared import Mm

    from tracker.plan.render.docx import column_widths

    cells = [["Hub", "Veranstaltungen", "Teilnahmen", "Arbeitsstunden", "Ideen"],
             *[[f"Hub {n}", "12", "403", "1.007,5", "30"] for n in range(5)]]
    widths = column_widths(cells, Mm(165))
    assert sum(widths) <= Mm(165)
    # "Veranstaltungen" in 9 pt bold needs about 30 mm with the cell's padding; a number column less.
    assert widths[1] > Mm(29) and widths[3] > Mm(27)
    assert widths == column_widths(cells, Mm(165))  # the same data, the same widths


# --- the 1× benchmark plan ------------------------------------------------------------------------

def _libreoffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.skip("LibreOffice is missing (make install adds libreoffice-writer-nogui)")
    return path


def _to_pdf(soffice: str, docx: bytes, folder: Path) -> bytes:
    source = folder / "plan.docx"
    source.write_bytes(docx)
    profile = folder / "profile"  # a profile of its own: another LibreOffice may be running
    command = [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", "pdf", "--outdir", str(folder), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)  # noqa: S603 - fixed argv, no shell
    return (folder / "plan.pdf").read_bytes()


@pytest.mark.slow
def test_benchmark_docx_converts_in_libreoffice_and_its_contents_page_lists_every_chapter(app, tmp_path):
    from pypdf import PdfReader

    soffice = _libreoffice()
    with app.test_request_context():
        version = _freeze(_benchmark_process())
        docx = exports.export_version(version, "docx")
    converted = _to_pdf(soffice, docx, tmp_path)
    reader = PdfReader(io.BytesIO(converted))
    assert all(_is_a4(page) for page in reader.pages)
    pages = [page.extract_text() or "" for page in reader.pages]
    toc = pdf_toc(pages)
    titles = _section_titles(version.content)
    assert [title for title, _page in toc] == titles
    for title, number in toc:  # the page numbers LibreOffice filled in lead to the chapters
        assert title in [line.strip() for line in pages[number - 1].splitlines()], (title, number)


def _is_a4(page) -> bool:
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    return abs(width - A4_POINTS[0]) < 1.5 and abs(height - A4_POINTS[1]) < 1.5


def _header_words(doc) -> set[str]:
    """The words of the PDF's table headers: charts' tables, the hubs, the annexes, the focus projects."""
    with force_locale(texts.document_locale(doc)):
        labels = [label for chart in doc["charts"] for label in tables.chart_table(chart)[0]]
        labels += [texts.t("Hub"), texts.t("leads")]
        for part in doc["annex"]:
            labels += tables.annex_sessions_table(part)[0] + tables.annex_ideas_table(part)[0]
        labels += tables.focus_table(doc)[0]
    return {word for label in labels for word in re.findall(r"\w+", label)}


@pytest.mark.slow
def test_benchmark_pdf_is_a4_with_whole_headers_phases_as_a_list_and_every_chart_beside_its_table(app):
    from pypdf import PdfReader

    if browser_path() is None:
        pytest.skip("no browser for chart images")
    app.config["PLAN_CHART_IMAGES"] = True
    with app.test_request_context():
        version = _freeze(_benchmark_process())
        data = exports.export_version(version, "pdf")
    doc = version.content
    reader = PdfReader(io.BytesIO(data))
    assert all(_is_a4(page) for page in reader.pages)
    assert reader.trailer["/Root"]["/Lang"] == "de"  # hyphenated as German
    pages, lowest = _text_and_lowest_line(reader)
    text = "\n".join(pages)

    # Every chart the plan lists is an image of its own.
    pictures = _images(reader)
    assert doc["charts"] and len({hashlib.sha256(p.get_data()).hexdigest() for p in pictures}) >= len(doc["charts"])
    # Sharp in print: at the text width (6.6 in) 200 dpi or more.
    assert all(picture["/Width"] >= 1300 for picture in pictures)

    # No table header is broken inside a word ("Veranstaltu ngen", with or without a hyphen).
    words = _header_words(doc)
    tokens = set(re.findall(r"\w+", text))
    for word in words:
        assert word in tokens, word
        for cut in range(2, len(word) - 1):
            assert not re.search(rf"\b{re.escape(word[:cut])}-?\s+{re.escape(word[cut:])}\b", text), word

    # The phases are a list: each on a line of its own.
    lines = {line.strip() for line in text.splitlines()}
    with force_locale("de"):
        phases = [texts.phase(step["phase"]) for step in doc["process"]["timeline"]]
    assert all(phase in lines for phase in phases), phases

    # A chart shares its page with its table: the caption and the table's headers on one page.
    with force_locale("de"):
        for chart in doc["charts"]:
            caption = texts.t(chart["title"])
            page = next(p for p in pages if caption in p.splitlines() or f"\n{caption}\n" in p)
            for label in tables.chart_table(chart)[0]:
                assert all(word in re.findall(r"\w+", page) for word in re.findall(r"\w+", label)), (caption, label)

    # No forced page breaks: the body's pages are filled (before, every chapter and annex part began a page
    # of its own, and a dozen pages of the 1× plan ended in their upper half).
    middle = float(reader.pages[0].mediabox.height) / 2
    half_empty = [number for number, y in enumerate(lowest[2:-1], start=3) if y is None or y > middle]
    assert len(half_empty) <= 3, half_empty


def _images(reader) -> list:
    """The PDF's image objects, each once (WeasyPrint shares them between pages; pypdf's page.images
    would decode every one again on every page)."""
    found: dict = {}

    def walk(resources) -> None:
        xobjects = (resources or {}).get("/XObject")
        for ref in (xobjects.get_object() if xobjects else {}).values():
            obj = ref.get_object()
            key = getattr(ref, "idnum", id(obj))
            if key not in found:
                found[key] = obj if obj.get("/Subtype") == "/Image" else None
                if obj.get("/Subtype") == "/Form":
                    walk(obj.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return [obj for obj in found.values() if obj is not None]


def _text_and_lowest_line(reader) -> tuple[list[str], list[float | None]]:
    """Each page's text, and the height of its lowest line of text (not the footer, not the draft mark)."""
    pages, lowest = [], []
    for page in reader.pages:
        heights: list[float] = []
        footer = float(page.mediabox.height) * 0.06

        def visit(text, cm, tm, _font, _size, heights=heights, footer=footer):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and text.strip() != "ENTWURF" and y > footer:
                heights.append(y)

        pages.append(page.extract_text(visitor_text=visit) or "")
        lowest.append(min(heights) if heights else None)
    return pages, lowest


# --- the PDF's tables (fixed layout, columns sized in advance) ---------------------------------------

def _cells_overflowing(pages) -> list[tuple[str, float, float]]:
    """(text, its width, its cell's width) for each line of text wider than the table cell holding it."""
    from weasyprint.formatting_structure import boxes

    found = []

    def walk(box, cell=None):
        if isinstance(box, boxes.TableCellBox):
            cell = box
        if isinstance(box, boxes.TextBox) and cell is not None and box.width > cell.width + 0.5:
            found.append((box.text, box.width, cell.width))
        for child in getattr(box, "children", ()):
            walk(child, cell)

    for page in pages:
        walk(page._page_box)
    return found


@pytest.mark.slow
def test_pdf_tables_have_fixed_columns_that_hold_their_longest_words(app, world, plan):
    """The PDF's tables are laid out with fixed columns (fast); no header or cell text may stick out of
    its column, also in a wide chart table of long German words."""
    from weasyprint import CSS, HTML

    from tracker.plan.render import pdf
    from tracker.plan.render.html import html_context, render_page

    version = _freeze(world.process)
    doc = dict(version.content)
    words = ["Veranstaltungen", "Arbeitsstunden", "Teilnahmen", "Maßnahmen", "Ideen"]
    doc["charts"] = [*doc["charts"], {"key": "wide", "title": "Breite Tabelle", "columns": ["Hub", *words],
                                      "rows": [[f"Hub {n}", *range(len(words))] for n in range(3)]}]
    with app.test_request_context(), force_locale("de"):
        html = render_page(pdf=True, **html_context(doc, marked=True, images={}))
    assert html.count("<colgroup>") >= len(doc["charts"]) + 2  # charts, hubs, annex tables
    document = HTML(string=html, base_url=".").render(stylesheets=[CSS(filename=str(pdf.CSS_PATH))])
    overflowing = _cells_overflowing(document.pages)
    assert overflowing == [], "\n".join(map(repr, overflowing))
    text = " ".join(box.text for page in document.pages for box in _text_boxes(page._page_box))
    assert all(word in text.split() for word in words)


def _text_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)
