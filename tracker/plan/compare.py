"""Comparing two versions: measures added, removed and changed; the text changes per section."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale

from tracker.plan import generator
from tracker.plan.models import PlanVersion
from tracker.plan.render.markdown import markdown_text
from tracker.plan.texts import document_locale, section_title
from tracker.text import without_control_in

# Fields written in Markdown: the comparison shows them rendered.
MARKDOWN_FIELDS = frozenset({"description", "approach", "expected_effect"})
COMPARED_FIELDS = ("ref", "title", "description", "approach", "expected_effect", "status", "horizon",
                   "cost_estimate", "responsible", "is_focus_project", "goal_number", "hub")


@dataclass
class SectionDiff:
    key: str
    title: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, left line, right line)

    @property
    def changed(self) -> bool:
        return any(tag != "equal" for tag, _l, _r in self.rows)


@dataclass
class Comparison:
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[tuple[dict[str, Any], dict[str, Any], list[tuple[str, Any, Any]]]]
    sections: list[SectionDiff]


def compare(old: PlanVersion, new: PlanVersion) -> Comparison:
    """What changed between two versions, as the page shows it (without control characters)."""
    old_content, new_content = without_control_in(old.content), without_control_in(new.content)
    a, b = generator.all_measures(old_content), generator.all_measures(new_content)
    # A measure carried into an update process counts as the same measure as its origin.
    origin = {m["origin_measure_id"]: mid for mid, m in b.items() if m.get("origin_measure_id") in a}
    matched = {mid: origin.get(mid, mid if mid in b else None) for mid in a}
    added = [m for mid, m in b.items() if mid not in set(matched.values())]
    removed = [m for mid, m in a.items() if matched[mid] is None]
    changed = []
    for mid, other in matched.items():
        if other is None:
            continue
        differences = [(f, a[mid].get(f), b[other].get(f)) for f in COMPARED_FIELDS if a[mid].get(f) != b[other].get(f)]
        if differences:
            changed.append((a[mid], b[other], differences))
    with force_locale(document_locale(new_content)):
        sections = _section_diffs(old_content, new_content)
    return Comparison(added=added, removed=removed, changed=changed, sections=sections)


def _section_text(doc: dict[str, Any], section: dict[str, Any]) -> list[str]:
    """A section's text as lines, from the Markdown renderer (one definition of the text); the page escapes it."""
    lines = markdown_text(dict(doc, sections=[section]), marked=False).splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("## ")), 0)
    return lines[start:]


def _section_diffs(old: dict[str, Any], new: dict[str, Any]) -> list[SectionDiff]:
    """Line by line per section: the new version's sections in order, then those it no longer has."""
    old_sections = {s["key"]: s for s in old["sections"]}
    new_sections = {s["key"]: s for s in new["sections"]}
    keys = list(new_sections) + [k for k in old_sections if k not in new_sections]
    diffs = []
    for key in keys:
        left = _section_text(old, old_sections[key]) if key in old_sections else []
        right = _section_text(new, new_sections[key]) if key in new_sections else []
        title = section_title(new, new_sections[key]) if key in new_sections else section_title(old, old_sections[key])
        diff = SectionDiff(key=key, title=title)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
            if tag == "equal":
                diff.rows += [("equal", line, line) for line in left[i1:i2]]
                continue
            old_lines, new_lines = left[i1:i2], right[j1:j2]
            for k in range(max(len(old_lines), len(new_lines))):
                diff.rows.append((tag, old_lines[k] if k < len(old_lines) else "",
                                  new_lines[k] if k < len(new_lines) else ""))
        diffs.append(diff)
    return diffs
