"""Renderers: the plan's data structure to Markdown, CSV, HTML, PDF (WeasyPrint) and DOCX (python-docx).

Every renderer takes the same data and two facts about the version: whether it carries the
draft mark, and the chart images (a dict of chart key to PNG bytes; empty means "show tables").
"""

from __future__ import annotations

import base64
import csv
import io
import re
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import get_locale

from tracker.plan import texts
from tracker.plan.texts import t

CSS_PATH = Path(__file__).resolve().parents[2] / "static" / "css" / "plan-print.css"


def _heading_title(doc: dict[str, Any]) -> str:
    return t("interim") if doc["kind"] == "interim" else t("plan")


# --- Markdown -------------------------------------------------------------------------------------

def _md_escape_cell(value: str) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_table(columns: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(_md_escape_cell(c) for c in columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_escape_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def to_markdown(doc: dict[str, Any], *, marked: bool) -> str:
    out: list[str] = []
    add = out.append
    title = doc["title"]
    if marked:
        add(f"**{t('draft_mark')}**")
        add("")
    add(f"# {title['process']}")
    add("")
    add(f"{_heading_title(doc)} · {title['city']}" + (f" · {title['label']}" if title["label"] else ""))
    add("")
    add(texts.day(title["date"]))
    add("")
    if title.get("parent_process_id"):
        add(f"*{t('update_of')}*")
        add("")
    for section in doc["sections"]:
        kind = section["kind"]
        if kind == "foreword":
            add(f"## {t('foreword')}")
            add("")
            add(doc["foreword"].strip())
            add("")
        elif kind == "process":
            _md_process(doc, add)
        elif kind == "chapter":
            chapter = next(c for c in doc["chapters"] if c["key"] == section["key"])
            _md_chapter(chapter, add)
        elif kind == "focus":
            add(f"## {t('focus_projects')}")
            add("")
            if not doc["focus_projects"]:
                add(t("no_focus_projects"))
                add("")
            else:
                out.extend(_md_table([t("measure"), t("title"), t("guiding_goal"), t("responsible"), t("horizon")],
                                     [[f["ref"], f["title"], f["goal_number"] or "—", ", ".join(f["responsible"]),
                                       texts.horizon(f["horizon"])] for f in doc["focus_projects"]]))
        elif kind == "annex":
            part = next(a for a in doc["annex"] if a["key"] == section["key"])
            _md_annex(part, add, out)
        elif kind == "organizations":
            add(f"## {t('organizations')}")
            add("")
            add(t("organizations_note"))
            add("")
            for name in doc["organizations"]:
                add(f"- {name}")
            add("")
    return "\n".join(out).rstrip() + "\n"


def _md_process(doc, add) -> None:
    p = doc["process"]
    add(f"## {t('process')}")
    add("")
    add(f"### {t('timeline')}")
    add("")
    for step in p["timeline"]:
        marker = "**" if step["state"] == "current" else ""
        add(f"- {marker}{texts.phase(step['phase'])}{marker}")
    add("")
    add(f"### {t('figures')}")
    add("")
    for name, value in texts.figure_rows(doc):
        add(f"- {name}: {value}")
    add("")
    if p["partners"]:
        add(f"### {t('partners')}")
        add("")
        for name in p["partners"]:
            add(f"- {name}")
        add("")
    add(f"### {t('hubs')}")
    add("")
    for hub in p["hubs"]:
        leads = f" ({t('leads')}: {', '.join(hub['leads'])})" if hub["leads"] else ""
        add(f"- {hub['name']}{leads}")
    add("")
    add(f"### {t('charts')}")
    add("")
    for chart in doc["charts"]:
        add(f"#### {t(chart['title'])}")
        add("")
        _md_chart(chart, add)


def _md_chart(chart, add) -> None:
    for line in _md_table([t(c) for c in chart["columns"]],
                          [[texts.chart_cell(v) for v in row] for row in chart["rows"]]):
        add(line)


def _md_chapter(chapter, add) -> None:
    add(f"## {texts.chapter_title(chapter)}")
    add("")
    if chapter["introduction"].strip():
        add(chapter["introduction"].strip())
        add("")
    if chapter["number"] is not None:
        add(f"### {t('objective')}")
        add("")
        add(chapter["objective"].strip())
        add("")
    add(f"### {t('what')}")
    add("")
    if not chapter["measures"]:
        add(t("no_measures"))
        add("")
    for m in chapter["measures"]:
        focus = f" ({t('focus_project')})" if m["is_focus_project"] else ""
        add(f"- {m['ref']} {m['title']}{focus}")
    add("")
    add(f"### {t('how')}")
    add("")
    for m in chapter["measures"]:
        focus = f" — {t('focus_project')}" if m["is_focus_project"] else ""
        add(f"#### {m['ref']} {m['title']}{focus}")
        add("")
        if m.get("update"):
            add(f"*{t('update_' + m['update'])}*")
            add("")
        if m["description"].strip():
            add(m["description"].strip())
            add("")
        if m["approach"].strip():
            add(m["approach"].strip())
            add("")
        add(f"- {t('responsible')}: {', '.join(m['responsible']) or '—'}")
        add(f"- {t('horizon')}: {texts.horizon(m['horizon']) or '—'}")
        add(f"- {t('origin')}: {texts.origin(m) or '—'}")
        if m["expected_effect"].strip():
            add(f"- {t('expected_effect')}: {m['expected_effect'].strip()}")
        if m["cost_estimate"]:
            add(f"- {t('cost_estimate')}: {m['cost_estimate']}")
        add(f"- {t('status')}: {texts.progress_line(m)}")
        if m.get("milestones"):
            add(f"- {t('milestones')}: {'; '.join(texts.milestone_line(x) for x in m['milestones'])}")
        add("")
    add(f"### {t('progress')}")
    add("")
    add(texts.chapter_progress(chapter))
    add("")


def _md_annex(part, add, out) -> None:
    add(f"## {texts.annex_title(part)}")
    add("")
    add(f"### {t('sessions')}")
    add("")
    out.extend(_md_table([t("date"), t("title"), t("attended")],
                         [[texts.day(s["date"], "medium"), s["title"], s["attended"]] for s in part["sessions"]]))
    add(f"### {t('ideas')}")
    add("")
    out.extend(_md_table([t("idea"), t("title"), t("fate")],
                         [[i["ref"], i["title"], texts.fate(i)] for i in part["ideas"]]))


# --- CSV ------------------------------------------------------------------------------------------

CSV_COLUMNS = ("ref", "id", "title", "guiding_goal", "status", "is_focus_project", "horizon", "responsible",
               "hub", "session", "session_date", "description", "approach", "expected_effect", "cost_estimate",
               "progress_percent", "progress_light", "update")


def to_csv(doc: dict[str, Any]) -> str:
    """One row per plan measure; stable column names for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for chapter in doc["chapters"]:
        for m in chapter["measures"]:
            progress = m.get("progress") or {}
            writer.writerow([
                m["ref"], m["id"], _csv_safe(m["title"]), chapter["number"] or "", m["status"],
                "yes" if m["is_focus_project"] else "no", m["horizon"] or "", _csv_safe("; ".join(m["responsible"])),
                _csv_safe(m["hub"] or ""), _csv_safe(m["session"]["title"] if m["session"] else ""),
                m["session"]["date"] if m["session"] else "", _csv_safe(m["description"]),
                _csv_safe(m["approach"]), _csv_safe(m["expected_effect"]), _csv_safe(m["cost_estimate"]),
                "" if progress.get("percent") is None else progress["percent"], progress.get("light") or "",
                m.get("update") or "",
            ])
    return buffer.getvalue()


def _csv_safe(value: str) -> str:
    """No formula injection when the CSV is opened in a spreadsheet."""
    return "'" + value if value and value[0] in "=+-@\t\r" else value


# --- HTML (in the app, printable, and the source of the PDF) ---------------------------------------

def html_context(doc: dict[str, Any], *, marked: bool, images: dict[str, bytes] | None = None,
                 image_urls: dict[str, str] | None = None, comment_counts: dict[str, int] | None = None,
                 review: dict | None = None) -> dict:
    urls = dict(image_urls or {})
    for key, data in (images or {}).items():
        urls.setdefault(key, "data:image/png;base64," + base64.b64encode(data).decode())
    return {"doc": doc, "marked": marked, "chart_urls": urls, "tx": texts, "t": t,
            "comment_counts": comment_counts or {}, "doc_title": _heading_title(doc), "review": review}


def _render(**context) -> str:
    """The print template, with or without a request (exports also run from the CLI or a job)."""
    css_href = None
    if not context.get("pdf"):
        css_href = url_for("static", filename="css/plan-print.css") if has_request_context() else None
    return current_app.jinja_env.get_template("plan/print.html").render(
        css_href=css_href, doc_lang=str(get_locale() or "de"), **context)


def to_html(doc: dict[str, Any], *, marked: bool, images: dict[str, bytes] | None = None) -> str:
    """A complete HTML document (printable; also the PDF's source)."""
    return _render(pdf=False, **html_context(doc, marked=marked, images=images))


# --- PDF ------------------------------------------------------------------------------------------

def to_pdf(doc: dict[str, Any], *, marked: bool, images: dict[str, bytes] | None = None) -> bytes:
    from weasyprint import CSS, HTML

    html = _render(pdf=True, **html_context(doc, marked=marked, images=images))
    base = current_app.static_folder or "."
    return HTML(string=html, base_url=base).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH))])


# --- DOCX -----------------------------------------------------------------------------------------

def _plain(markdown_text: str) -> list[str]:
    """Paragraphs of a Markdown text without its markup (DOCX gets plain paragraphs)."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markdown_text.strip()):
        text = re.sub(r"[*_`#>]+", "", block).strip()
        text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
        if text:
            paragraphs.append(" ".join(text.split()))
    return paragraphs


def to_docx(doc: dict[str, Any], *, marked: bool, images: dict[str, bytes] | None = None) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    images = images or {}
    word = Document()
    word.core_properties.title = doc["title"]["process"]
    style = word.styles["Normal"]
    style.font.name = "Liberation Sans"
    style.font.size = Pt(10.5)
    section = word.sections[0]
    header = section.header.paragraphs[0]
    header.text = " · ".join(x for x in (t("draft_mark") if marked else "", doc["title"]["process"],
                                         doc["title"]["label"]) if x)
    footer = section.footer.paragraphs[0]
    _add_field(footer, "PAGE", OxmlElement, qn)

    title = doc["title"]
    if marked:
        word.add_paragraph(t("draft_mark"))
    word.add_paragraph(title["process"], style="Title")
    word.add_paragraph(f"{_heading_title(doc)} · {title['city']}")
    if title["label"]:
        word.add_paragraph(title["label"])
    word.add_paragraph(texts.day(title["date"]))
    if title.get("parent_process_id"):
        word.add_paragraph(t("update_of"))
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    word.add_paragraph(t("contents"), style="TOC Heading" if "TOC Heading" in [s.name for s in word.styles]
                       else "Heading 1")
    _add_field(word.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u', OxmlElement, qn)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(columns, rows):
        grid = word.add_table(rows=1, cols=len(columns))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, columns, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)
        word.add_paragraph()

    def paragraphs(text):
        for para in _plain(text):
            word.add_paragraph(para)

    for s in doc["sections"]:
        kind = s["kind"]
        if kind == "foreword":
            word.add_heading(t("foreword"), level=1)
            paragraphs(doc["foreword"])
        elif kind == "process":
            p = doc["process"]
            word.add_heading(t("process"), level=1)
            word.add_heading(t("timeline"), level=2)
            for step in p["timeline"]:
                item = word.add_paragraph(texts.phase(step["phase"]), style="List Number")
                if step["state"] == "current":
                    item.runs[0].bold = True
            word.add_heading(t("figures"), level=2)
            table([t("figures"), ""], texts.figure_rows(doc))
            if p["partners"]:
                word.add_heading(t("partners"), level=2)
                for name in p["partners"]:
                    word.add_paragraph(name, style="List Bullet")
            word.add_heading(t("hubs"), level=2)
            table([t("Hub"), t("leads")], [[h["name"], ", ".join(h["leads"])] for h in p["hubs"]])
            word.add_heading(t("charts"), level=2)
            for chart in doc["charts"]:
                word.add_heading(t(chart["title"]), level=3)
                if chart["key"] in images:
                    word.add_picture(io.BytesIO(images[chart["key"]]), width=Cm(15))
                else:
                    word.add_paragraph(t("chart_table_note"))
                table([t(c) for c in chart["columns"]], [[texts.chart_cell(v) for v in r] for r in chart["rows"]])
        elif kind == "chapter":
            chapter = next(c for c in doc["chapters"] if c["key"] == s["key"])
            word.add_heading(texts.chapter_title(chapter), level=1)
            paragraphs(chapter["introduction"])
            if chapter["number"] is not None:
                word.add_heading(t("objective"), level=2)
                paragraphs(chapter["objective"])
            word.add_heading(t("what"), level=2)
            if not chapter["measures"]:
                word.add_paragraph(t("no_measures"))
            for m in chapter["measures"]:
                focus = f" ({t('focus_project')})" if m["is_focus_project"] else ""
                word.add_paragraph(f"{m['ref']} {m['title']}{focus}", style="List Bullet")
            word.add_heading(t("how"), level=2)
            for m in chapter["measures"]:
                focus = f" — {t('focus_project')}" if m["is_focus_project"] else ""
                word.add_heading(f"{m['ref']} {m['title']}{focus}", level=3)
                if m.get("update"):
                    word.add_paragraph(t("update_" + m["update"])).runs[0].italic = True
                paragraphs(m["description"])
                paragraphs(m["approach"])
                rows = [[t("responsible"), ", ".join(m["responsible"]) or "—"],
                        [t("horizon"), texts.horizon(m["horizon"]) or "—"],
                        [t("origin"), texts.origin(m) or "—"]]
                if m["expected_effect"].strip():
                    rows.append([t("expected_effect"), m["expected_effect"].strip()])
                if m["cost_estimate"]:
                    rows.append([t("cost_estimate"), m["cost_estimate"]])
                rows.append([t("status"), texts.progress_line(m)])
                if m.get("milestones"):
                    rows.append([t("milestones"), "; ".join(texts.milestone_line(x) for x in m["milestones"])])
                table([t("measure"), m["ref"]], rows)
            word.add_heading(t("progress"), level=2)
            word.add_paragraph(texts.chapter_progress(chapter))
        elif kind == "focus":
            word.add_heading(t("focus_projects"), level=1)
            if doc["focus_projects"]:
                table([t("measure"), t("title"), t("guiding_goal"), t("responsible"), t("horizon")],
                      [[f["ref"], f["title"], f["goal_number"] or "—", ", ".join(f["responsible"]),
                        texts.horizon(f["horizon"])] for f in doc["focus_projects"]])
            else:
                word.add_paragraph(t("no_focus_projects"))
        elif kind == "annex":
            part = next(a for a in doc["annex"] if a["key"] == s["key"])
            word.add_heading(texts.annex_title(part), level=1)
            word.add_heading(t("sessions"), level=2)
            table([t("date"), t("title"), t("attended")],
                  [[texts.day(x["date"], "medium"), x["title"], x["attended"]] for x in part["sessions"]])
            word.add_heading(t("ideas"), level=2)
            table([t("idea"), t("title"), t("fate")], [[i["ref"], i["title"], texts.fate(i)] for i in part["ideas"]])
        elif kind == "organizations":
            word.add_heading(t("organizations"), level=1)
            word.add_paragraph(t("organizations_note"))
            for name in doc["organizations"]:
                word.add_paragraph(name, style="List Bullet")

    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _add_field(paragraph, instruction: str, OxmlElement, qn) -> None:
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
