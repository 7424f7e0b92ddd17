"""Markdown of the plan; also the one definition of a section's text that versions are compared by."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.markdown import markdown_source
from tracker.plan import texts
from tracker.plan.render import tables
from tracker.plan.texts import document_title, t

Lines = list[str]


def to_markdown(doc: dict[str, Any], *, marked: bool) -> str:
    """The document as a Markdown file; what users typed keeps its formatting but no raw HTML or script link."""
    return markdown_source(markdown_text(doc, marked=marked))


def markdown_text(doc: dict[str, Any], *, marked: bool) -> str:
    """The document's text as typed, in Markdown layout: for pages that escape it themselves (the comparison)."""
    out: Lines = []
    _title(out, doc, marked)
    for section in doc["sections"]:
        SECTION_WRITERS[section["kind"]](out, doc, section)
    return "\n".join(out).rstrip() + "\n"


def _escape_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(out: Lines, columns: list[str], rows: list[list[Any]]) -> None:
    out.append("| " + " | ".join(_escape_cell(c) for c in columns) + " |")
    out.append("|" + "---|" * len(columns))
    out.extend("| " + " | ".join(_escape_cell(c) for c in row) + " |" for row in rows)
    out.append("")


def _block(out: Lines, *lines: str) -> None:
    """Lines followed by an empty line."""
    out.extend(lines)
    out.append("")


def _title(out: Lines, doc: dict[str, Any], marked: bool) -> None:
    title = doc["title"]
    if marked:
        _block(out, f"**{t('draft_mark')}**")
    _block(out, f"# {title['process']}")
    _block(out, f"{document_title(doc)} · {title['city']}" + (f" · {title['label']}" if title["label"] else ""))
    _block(out, texts.day(title["date"]))
    if title.get("parent_process_id"):
        _block(out, f"*{t('update_of')}*")


def _foreword(out: Lines, doc: dict[str, Any], _section: dict[str, Any]) -> None:
    _block(out, f"## {t('foreword')}")
    _block(out, doc["foreword"].strip())


def _process(out: Lines, doc: dict[str, Any], _section: dict[str, Any]) -> None:
    p = doc["process"]
    _block(out, f"## {t('process')}")
    _block(out, f"### {t('timeline')}")
    for step in p["timeline"]:
        marker = "**" if step["state"] == "current" else ""
        out.append(f"- {marker}{texts.phase(step['phase'])}{marker}")
    out.append("")
    _block(out, f"### {t('figures')}")
    _block(out, *(f"- {name}: {value}" for name, value in texts.figure_rows(doc)))
    if p["partners"]:
        _block(out, f"### {t('partners')}")
        _block(out, *(f"- {name}" for name in p["partners"]))
    _block(out, f"### {t('hubs')}")
    _block(out, *(f"- {tables.hub_line(hub)}" for hub in p["hubs"]))
    _block(out, f"### {t('charts')}")
    for chart in doc["charts"]:
        _block(out, f"#### {t(chart['title'])}")
        _table(out, *tables.chart_table(chart))


def _chapter(out: Lines, doc: dict[str, Any], section: dict[str, Any]) -> None:
    chapter = next(c for c in doc["chapters"] if c["key"] == section["key"])
    _block(out, f"## {texts.chapter_title(chapter)}")
    if chapter["introduction"].strip():
        _block(out, chapter["introduction"].strip())
    if chapter["number"] is not None:
        _block(out, f"### {t('objective')}")
        _block(out, chapter["objective"].strip())
    _block(out, f"### {t('what')}")
    if not chapter["measures"]:
        _block(out, t("no_measures"))
    _block(out, *(f"- {tables.measure_list_item(m)}" for m in chapter["measures"]))
    _block(out, f"### {t('how')}")
    for m in chapter["measures"]:
        _measure(out, m)
    _block(out, f"### {t('progress')}")
    _block(out, texts.chapter_progress(chapter))


def _measure(out: Lines, m: dict[str, Any]) -> None:
    _block(out, f"#### {tables.measure_heading(m)}")
    if m.get("update"):
        _block(out, f"*{t('update_' + m['update'])}*")
    for text in (m["description"], m["approach"]):
        if text.strip():
            _block(out, text.strip())
    _block(out, *(f"- {name}: {value}" for name, value in tables.measure_facts(m)))


def _focus(out: Lines, doc: dict[str, Any], _section: dict[str, Any]) -> None:
    _block(out, f"## {t('focus_projects')}")
    if not doc["focus_projects"]:
        _block(out, t("no_focus_projects"))
        return
    _table(out, *tables.focus_table(doc))


def _annex(out: Lines, doc: dict[str, Any], section: dict[str, Any]) -> None:
    part = next(a for a in doc["annex"] if a["key"] == section["key"])
    _block(out, f"## {texts.annex_title(part)}")
    _block(out, f"### {t('sessions')}")
    _table(out, *tables.annex_sessions_table(part))
    _block(out, f"### {t('ideas')}")
    _table(out, *tables.annex_ideas_table(part))


def _organizations(out: Lines, doc: dict[str, Any], _section: dict[str, Any]) -> None:
    _block(out, f"## {t('organizations')}")
    _block(out, t("organizations_note"))
    _block(out, *(f"- {name}" for name in doc["organizations"]))


SECTION_WRITERS: dict[str, Callable[[Lines, dict[str, Any], dict[str, Any]], None]] = {
    "foreword": _foreword,
    "process": _process,
    "chapter": _chapter,
    "focus": _focus,
    "annex": _annex,
    "organizations": _organizations,
}
