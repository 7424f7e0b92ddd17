"""Markdown of the plan; also the one definition of a section's text that versions are compared by.

What users typed is of two kinds (probe finding 9). Markdown fields — the foreword, a guiding goal's
introduction and objective, a measure's description and approach — keep their formatting
(`markdown_source` defuses raw HTML and script links). Everything else — names, titles, labels, the
facts under a measure, table cells — is plain text, escaped so that it shows as typed and never becomes
a link, an image, a heading or a list (`markdown_escape`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.markdown import markdown_escape, markdown_source
from tracker.plan import texts
from tracker.plan.render import tables
from tracker.plan.texts import document_title, t

Lines = list[str]


@dataclass(frozen=True)
class Text:
    """How the writers put text into the document: `plain` for plain text, `markdown` for Markdown fields."""

    plain: Callable[[str], str]
    markdown: Callable[[str], str]


EXPORT = Text(plain=markdown_escape, markdown=markdown_source)  # a file another program renders
AS_TYPED = Text(plain=str, markdown=str)  # for pages that escape the text themselves


def to_markdown(doc: dict[str, Any], *, marked: bool) -> str:
    """The document as a Markdown file: what users typed keeps its formatting where it is Markdown, shows
    as typed where it is plain text, and brings no raw HTML or script link."""
    return _document(doc, marked, EXPORT)


def markdown_text(doc: dict[str, Any], *, marked: bool) -> str:
    """The document's text as typed, in Markdown layout: for pages that escape it themselves (the comparison)."""
    return _document(doc, marked, AS_TYPED)


def _document(doc: dict[str, Any], marked: bool, text: Text) -> str:
    out: Lines = []
    _title(out, doc, marked, text)
    for section in doc["sections"]:
        SECTION_WRITERS[section["kind"]](out, doc, section, text)
    return "\n".join(out).rstrip() + "\n"


def _escape_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(out: Lines, text: Text, columns: list[str], rows: list[list[Any]]) -> None:
    def cell(value: Any) -> str:
        return _escape_cell(text.plain(str(value)))

    out.append("| " + " | ".join(cell(c) for c in columns) + " |")
    out.append("|" + "---|" * len(columns))
    out.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    out.append("")


def _block(out: Lines, *lines: str) -> None:
    """Lines followed by an empty line."""
    out.extend(lines)
    out.append("")


def _heading(out: Lines, level: int, title: str, text: Text) -> None:
    _block(out, f"{'#' * level} {text.plain(title)}")


def _items(out: Lines, entries: list[str], text: Text) -> None:
    """A bulleted list of plain-text entries."""
    _block(out, *(f"- {text.plain(entry)}" for entry in entries))


def _title(out: Lines, doc: dict[str, Any], marked: bool, text: Text) -> None:
    title = doc["title"]
    if marked:
        _block(out, f"**{text.plain(t('draft_mark'))}**")
    _heading(out, 1, title["process"], text)
    _block(out, text.plain(f"{document_title(doc)} · {title['city']}" + (f" · {title['label']}" if title["label"]
                                                                          else "")))
    _block(out, text.plain(texts.day(title["date"])))
    if title.get("parent_process_id"):
        _block(out, f"*{text.plain(t('update_of'))}*")


def _foreword(out: Lines, doc: dict[str, Any], _section: dict[str, Any], text: Text) -> None:
    _heading(out, 2, t("foreword"), text)
    _block(out, text.markdown(doc["foreword"].strip()))


def _process(out: Lines, doc: dict[str, Any], _section: dict[str, Any], text: Text) -> None:
    p = doc["process"]
    _heading(out, 2, t("process"), text)
    _heading(out, 3, t("timeline"), text)
    for step in p["timeline"]:
        marker = "**" if step["state"] == "current" else ""
        out.append(f"- {marker}{text.plain(texts.phase_step(step))}{marker}")
    out.append("")
    _heading(out, 3, t("figures"), text)
    _items(out, [f"{name}: {value}" for name, value in texts.figure_rows(doc)], text)
    if p["partners"]:
        _heading(out, 3, t("partners"), text)
        _items(out, p["partners"], text)
    _heading(out, 3, t("hubs"), text)
    _items(out, [tables.hub_line(hub) for hub in p["hubs"]], text)
    _heading(out, 3, t("charts"), text)
    for chart in doc["charts"]:
        _heading(out, 4, t(chart["title"]), text)
        _table(out, text, *tables.chart_table(chart))


def _chapter(out: Lines, doc: dict[str, Any], section: dict[str, Any], text: Text) -> None:
    chapter = next(c for c in doc["chapters"] if c["key"] == section["key"])
    _heading(out, 2, texts.chapter_title(chapter), text)
    if chapter["introduction"].strip():
        _block(out, text.markdown(chapter["introduction"].strip()))
    if chapter["number"] is not None:
        _heading(out, 3, t("objective"), text)
        _block(out, text.markdown(chapter["objective"].strip()))
    _heading(out, 3, t("what"), text)
    if not chapter["measures"]:
        _block(out, text.plain(t("no_measures")))
    _items(out, [tables.measure_list_item(m) for m in chapter["measures"]], text)
    _heading(out, 3, t("how"), text)
    for m in chapter["measures"]:
        _measure(out, m, text)
    _heading(out, 3, t("progress"), text)
    _block(out, text.plain(texts.chapter_progress(chapter)))


def _measure(out: Lines, m: dict[str, Any], text: Text) -> None:
    _heading(out, 4, tables.measure_heading(m), text)
    if m.get("update"):
        _block(out, f"*{text.plain(t('update_' + m['update']))}*")
    for field in (m["description"], m["approach"]):
        if field.strip():
            _block(out, text.markdown(field.strip()))
    _items(out, [f"{name}: {value}" for name, value in tables.measure_facts(m)], text)


def _focus(out: Lines, doc: dict[str, Any], _section: dict[str, Any], text: Text) -> None:
    _heading(out, 2, t("focus_projects"), text)
    if not doc["focus_projects"]:
        _block(out, text.plain(t("no_focus_projects")))
        return
    _table(out, text, *tables.focus_table(doc))


def _annex(out: Lines, doc: dict[str, Any], section: dict[str, Any], text: Text) -> None:
    part = next(a for a in doc["annex"] if a["key"] == section["key"])
    _heading(out, 2, texts.annex_title(part), text)
    _heading(out, 3, t("sessions"), text)
    _table(out, text, *tables.annex_sessions_table(part))
    _heading(out, 3, t("ideas"), text)
    _table(out, text, *tables.annex_ideas_table(part))


def _organizations(out: Lines, doc: dict[str, Any], _section: dict[str, Any], text: Text) -> None:
    _heading(out, 2, t("organizations"), text)
    _block(out, text.plain(t("organizations_note")))
    _items(out, doc["organizations"], text)


SECTION_WRITERS: dict[str, Callable[[Lines, dict[str, Any], dict[str, Any], Text], None]] = {
    "foreword": _foreword,
    "process": _process,
    "chapter": _chapter,
    "focus": _focus,
    "annex": _annex,
    "organizations": _organizations,
}
