"""The plan's rules: drafts and free texts, freezing versions, review, approval, exports, comparison, updates."""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit.services import record
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.measures.models import PLAN_STATUSES, Measure, MeasureTransition
from tracker.model_types import utcnow
from tracker.plan import charts, generator, render
from tracker.plan.models import DRAFT_STATUSES, PlanStatus, PlanVersion, PlanVersionFile, ReviewComment
from tracker.processes.models import Phase, Process

FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}
# Exports worth keeping with a frozen version (the others are quick to make).
CACHED_FORMATS = {"pdf", "docx"}


class PlanError(Exception):
    """A step the plan's rules do not allow; the message says why."""


class StaleVersion(Exception):
    def __init__(self, current: str):
        super().__init__("stale version")
        self.current = current


# --- the live draft and its free texts ------------------------------------------------------------

def draft(process: Process, kind: str = generator.PLAN) -> dict[str, Any]:
    """The document generated now from the records (not frozen)."""
    return generator.build(process, kind)


def save_text(obj: Process | GuidingGoal, field_name: str, text: str, *, expected_version: int, by) -> None:
    """Save one free text (foreword, introduction, objective); a stale version is a conflict."""
    if field_name not in {"foreword", "introduction", "objective"} or not hasattr(obj, field_name):
        raise PlanError(field_name)
    current = getattr(obj, field_name) or ""
    if obj.version != expected_version:
        raise StaleVersion(current)
    if current == text:
        return
    record("update", obj, by=by, summary=f"plan text {field_name}", changes={field_name: [current, text]})
    setattr(obj, field_name, text)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(obj)
        raise StaleVersion(getattr(obj, field_name) or "") from None


# --- versions -------------------------------------------------------------------------------------

def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def freeze(process: Process, label: str, *, by, kind: str = generator.PLAN) -> PlanVersion:
    """Freeze the generated document into a new version (status draft) and render its charts once."""
    label = label.strip()
    if not label:
        raise PlanError("label")
    content = generator.build(process, kind, label=label)
    number = (db.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.process_id == process.id))
              or 0) + 1
    version = PlanVersion(process=process, number=number, label=label, status=PlanStatus.DRAFT, content=content,
                          content_hash=content_hash(content), created_by=by if _is_user(by) else None)
    db.session.add(version)
    db.session.flush()
    with force_locale(_export_locale()):
        images = charts.render(content["charts"])
    for key, data in images.items():
        db.session.add(PlanVersionFile(plan_version_id=version.id, name=f"chart-{key}.png", media_type="image/png",
                                       data=data))
    record("create", version, by=by, summary=f"plan version “{label}”")
    return version


def _is_user(by) -> bool:
    return by is not None and getattr(by, "is_authenticated", False)


def _set_status(version: PlanVersion, to: PlanStatus, *, by, **fields) -> None:
    record("transition", version, by=by, summary=f"{version.status.value} → {to.value}",
           changes={"status": [version.status.value, to.value]})
    version.status = to
    for name, value in fields.items():
        setattr(version, name, value)


def submit(version: PlanVersion, *, by) -> None:
    if version.status != PlanStatus.DRAFT:
        raise PlanError("only a draft can be submitted for review")
    _set_status(version, PlanStatus.IN_REVIEW, by=by, submitted_at=utcnow())


def approve(version: PlanVersion, *, by) -> None:
    """Approve a version under review; the previously approved version of the process is superseded."""
    if version.status != PlanStatus.IN_REVIEW:
        raise PlanError("only a version under review can be approved")
    for previous in db.session.scalars(select(PlanVersion).where(
            PlanVersion.process_id == version.process_id, PlanVersion.status == PlanStatus.APPROVED,
            PlanVersion.id != version.id)):
        _set_status(previous, PlanStatus.SUPERSEDED, by=by, superseded_at=utcnow())
    _set_status(version, PlanStatus.APPROVED, by=by, approved_by=by if _is_user(by) else None,
                approved_at=utcnow())
    if version.process.phase.position < Phase.IMPLEMENTATION.position:
        version.process.phase = Phase.IMPLEMENTATION


def approved_version(process: Process) -> PlanVersion | None:
    return db.session.scalar(select(PlanVersion).where(PlanVersion.process_id == process.id,
                                                       PlanVersion.status == PlanStatus.APPROVED))


def versions(process: Process) -> list[PlanVersion]:
    return list(db.session.scalars(select(PlanVersion).where(PlanVersion.process_id == process.id)
                                   .order_by(PlanVersion.number.desc())))


def chart_images(version: PlanVersion) -> dict[str, bytes]:
    rows = db.session.execute(select(PlanVersionFile.name, PlanVersionFile.data).where(
        PlanVersionFile.plan_version_id == version.id, PlanVersionFile.name.like("chart-%")))
    return {name.removeprefix("chart-").removesuffix(".png"): data for name, data in rows}


def version_file(version: PlanVersion, name: str) -> PlanVersionFile | None:
    return db.session.scalar(select(PlanVersionFile).where(PlanVersionFile.plan_version_id == version.id,
                                                           PlanVersionFile.name == name))


# --- exports --------------------------------------------------------------------------------------

def _export_locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "de")


def render_document(doc: dict[str, Any], fmt: str, *, marked: bool, images: dict[str, bytes]) -> bytes:
    """One format of a document, in the installation's language whatever the reader's UI language."""
    with force_locale(_export_locale()):
        if fmt == "md":
            return render.to_markdown(doc, marked=marked).encode()
        if fmt == "csv":
            return ("\ufeff" + render.to_csv(doc)).encode()
        if fmt == "html":
            return render.to_html(doc, marked=marked, images=images).encode()
        if fmt == "pdf":
            return render.to_pdf(doc, marked=marked, images=images)
        if fmt == "docx":
            return render.to_docx(doc, marked=marked, images=images)
    raise PlanError(f"unknown format {fmt}")


def export_draft(process: Process, fmt: str, kind: str = generator.PLAN) -> bytes:
    doc = generator.build(process, kind)
    images = draft_chart_images(process, doc["charts"]) if fmt in ("pdf", "docx", "html") else {}
    return render_document(doc, fmt, marked=kind == generator.PLAN, images=images)


def draft_chart_images(process: Process, chart_data: list[dict[str, Any]]) -> dict[str, bytes]:
    """Chart images for the live draft: a recent version's kept images when its chart data are the
    same (no browser start), else rendered now."""
    for version in db.session.scalars(select(PlanVersion).where(PlanVersion.process_id == process.id)
                                      .order_by(PlanVersion.number.desc()).limit(3)):
        if version.content.get("charts") == chart_data:
            kept = chart_images(version)
            if kept:
                return kept
    with force_locale(_export_locale()):
        return charts.render(chart_data)


def kept_export(version: PlanVersion, fmt: str) -> bytes | None:
    """The export kept with the version for its current status, if already rendered."""
    kept = version_file(version, f"export-{version.status.value}.{fmt}")
    return kept.data if kept is not None else None


def export_version(version: PlanVersion, fmt: str) -> bytes:
    """A version's export; PDF and DOCX are rendered once per status and kept with the version."""
    marked = version.status in DRAFT_STATUSES
    name = f"export-{version.status.value}.{fmt}"
    if fmt in CACHED_FORMATS:
        kept = version_file(version, name)
        if kept is not None:
            return kept.data
    data = render_document(version.content, fmt, marked=marked, images=chart_images(version))
    if fmt in CACHED_FORMATS:
        db.session.add(PlanVersionFile(plan_version_id=version.id, name=name, media_type=FORMATS[fmt][0], data=data))
        db.session.commit()
    return data


def filename(doc: dict[str, Any], fmt: str, label: str = "") -> str:
    base = "-".join(x for x in (doc["title"]["process"], label or ("zwischenbericht" if doc["kind"] == "interim"
                                                                     else "entwurf")) if x)
    safe = "".join(c if c.isalnum() else "-" for c in base.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe}.{FORMATS[fmt][1]}"


# --- review comments ------------------------------------------------------------------------------

def add_comment(version: PlanVersion, section_key: str, text: str, *, by, measure_id: int | None = None,
                parent: ReviewComment | None = None) -> ReviewComment:
    if version.status != PlanStatus.IN_REVIEW:
        raise PlanError("comments are taken while a version is under review")
    keys = {s["key"] for s in version.content.get("sections", [])}
    if parent is not None:
        if parent.plan_version_id != version.id:
            raise PlanError("parent")
        section_key, measure_id = parent.section_key, parent.measure_id
    if section_key not in keys:
        raise PlanError("section")
    if measure_id is not None and measure_id not in generator.all_measures(version.content):
        raise PlanError("measure")
    if not text.strip():
        raise PlanError("text")
    comment = ReviewComment(plan_version=version, section_key=section_key, measure_id=measure_id,
                            parent_id=parent.id if parent else None, author=by, text=text.strip())
    db.session.add(comment)
    db.session.flush()
    record("create", comment, by=by, summary=f"review comment on {section_key}")
    return comment


def resolve_comment(comment: ReviewComment, *, by, resolved: bool = True) -> None:
    root = comment if comment.parent_id is None else comment.parent
    root.resolved = resolved
    root.resolved_by = by if resolved else None
    root.resolved_at = utcnow() if resolved else None
    record("update", root, by=by, summary="resolved" if resolved else "reopened")


def open_comment_counts(version: PlanVersion) -> dict[str, int]:
    """Open (unresolved) comment threads per section, one query."""
    return dict(db.session.execute(
        select(ReviewComment.section_key, func.count())
        .where(ReviewComment.plan_version_id == version.id, ReviewComment.parent_id.is_(None),
               ReviewComment.resolved.is_(False))
        .group_by(ReviewComment.section_key)
    ).all())


def comment_threads(version: PlanVersion) -> dict[str, list[ReviewComment]]:
    """Top-level comments per section (answers via .replies), oldest first."""
    threads: dict[str, list[ReviewComment]] = {}
    for comment in db.session.scalars(select(ReviewComment).where(
            ReviewComment.plan_version_id == version.id, ReviewComment.parent_id.is_(None))
            .order_by(ReviewComment.id)):
        threads.setdefault(comment.section_key, []).append(comment)
    return threads


# --- comparison -----------------------------------------------------------------------------------

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


def _section_text(doc: dict[str, Any], section: dict[str, Any]) -> list[str]:
    """A section's text as lines, from the Markdown renderer (one definition of the text)."""
    single = dict(doc, sections=[section])
    lines = render.to_markdown(single, marked=False).splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("## ")), 0)
    return lines[start:]


def compare(old: PlanVersion, new: PlanVersion) -> Comparison:
    a, b = generator.all_measures(old.content), generator.all_measures(new.content)
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
    sections = []
    with force_locale(_export_locale()):
        from tracker.plan.texts import section_title

        old_sections = {s["key"]: s for s in old.content["sections"]}
        keys = [s["key"] for s in new.content["sections"]] + [k for k in old_sections
                                                               if k not in {s["key"] for s in new.content["sections"]}]
        for key in keys:
            new_section = next((s for s in new.content["sections"] if s["key"] == key), None)
            left = _section_text(old.content, old_sections[key]) if key in old_sections else []
            right = _section_text(new.content, new_section) if new_section else []
            title = section_title(new.content if new_section else old.content, new_section or old_sections[key])
            diff = SectionDiff(key=key, title=title)
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
                if tag == "equal":
                    diff.rows += [("equal", line, line) for line in left[i1:i2]]
                    continue
                old_lines, new_lines = left[i1:i2], right[j1:j2]
                for k in range(max(len(old_lines), len(new_lines))):
                    diff.rows.append((tag, old_lines[k] if k < len(old_lines) else "",
                                      new_lines[k] if k < len(new_lines) else ""))
            sections.append(diff)
    return Comparison(added=added, removed=removed, changed=changed, sections=sections)


# --- interim report and plan updates --------------------------------------------------------------

def start_update(version: PlanVersion, name: str, *, by) -> Process:
    """A new process that updates an approved plan: guiding goals and plan measures carried over."""
    if version.status != PlanStatus.APPROVED:
        raise PlanError("an update starts from the approved plan")
    old = version.process
    today = date.today()
    new = Process(name=name.strip() or f"{old.name} – Update", city=old.city, starts_on=today,
                  ends_on=today + timedelta(days=365), phase=Phase.UPDATE, purpose=old.purpose,
                  foreword=old.foreword, contact_email=old.contact_email, parent_id=old.id)
    new.partners = list(old.partners)
    db.session.add(new)
    db.session.flush()
    goals = {}
    for goal in old.goals:
        goals[goal.id] = GuidingGoal(process_id=new.id, number=goal.number, title=goal.title,
                                     introduction=goal.introduction, objective=goal.objective)
        db.session.add(goals[goal.id])
    db.session.flush()
    carried = 0
    for measure in db.session.scalars(select(Measure).where(Measure.process_id == old.id,
                                                            Measure.status.in_(list(PLAN_STATUSES)))
                                      .order_by(Measure.id)):
        copy = Measure(process_id=new.id, title=measure.title, description=measure.description,
                       approach=measure.approach, expected_effect=measure.expected_effect,
                       primary_goal_id=goals[measure.primary_goal_id].id if measure.primary_goal_id in goals else None,
                       horizon=measure.horizon, cost_estimate=measure.cost_estimate,
                       is_focus_project=measure.is_focus_project, status=measure.status,
                       proposer_organization_id=measure.proposer_organization_id,
                       responsible_person_id=measure.responsible_person_id, origin_measure_id=measure.id,
                       created_by=by if _is_user(by) else None)
        copy.goals = [goals[g.id] for g in measure.goals if g.id in goals]
        copy.responsible_organizations = list(measure.responsible_organizations)
        copy.partner_organizations = list(measure.partner_organizations)
        copy.transitions.append(MeasureTransition(to_status=measure.status, by=by if _is_user(by) else None,
                                                  reason=f"carried over from measure {measure.id}"))
        db.session.add(copy)
        carried += 1
    db.session.flush()
    _carry_progress(old, new)
    record("create", new, by=by, summary=f"update of process {old.id}: {carried} measures carried over")
    return new


def _carry_progress(old: Process, new: Process) -> None:
    """Copy each measure's latest progress update when implementation tracking exists."""
    try:
        from tracker.implementation import services as implementation
    except ImportError:
        return
    carry = getattr(implementation, "carry_over_progress", None)
    if carry is not None:
        carry(old, new)


