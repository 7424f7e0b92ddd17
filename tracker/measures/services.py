"""Rules about measures beyond single status steps: editing, merging with lineage, comments,
supporters, and finding likely duplicates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from rapidfuzz import fuzz
from sqlalchemy import select

from tracker.audit.services import changed_fields, record
from tracker.extensions import db
from tracker.measures.models import Measure, MeasureComment, MeasureStatus
from tracker.measures.workflow import (
    MERGEABLE,
    IllegalTransition,
    MissingRequirement,
    NotAllowed,
    _record,
    create_measure,
)
from tracker.permissions import is_steering, moderates, represents

EDITABLE = ("title", "description", "approach", "expected_effect", "horizon", "cost_estimate", "primary_goal_id",
            "responsible_person_id")
OPEN = (MeasureStatus.IDEA, MeasureStatus.IN_REVIEW)


class StaleMeasure(Exception):
    def __init__(self, current: Measure):
        super().__init__("stale")
        self.current = current


# Who may ---------------------------------------------------------------------------------------

def can_edit(user, measure: Measure) -> bool:
    """Steering edits all; moderators their hub's measures; the proposing organisation its own idea."""
    if is_steering(user, measure.process) or moderates(user, measure.hub):
        return True
    return measure.status == MeasureStatus.IDEA and represents(user, measure.proposer_organization)


def can_merge(user, sources: list[Measure], target: Measure | None) -> bool:
    """Steering merges across hubs; a moderator only ideas of their own hub (and into their hub)."""
    if not sources:
        return False
    if is_steering(user, sources[0].process):
        return True
    hubs = {m.hub for m in sources} | ({target.hub} if target is not None else set())
    return len(hubs) == 1 and moderates(user, next(iter(hubs)))


def can_propose(user, hub) -> bool:
    """Company representatives propose in their organisation's hub; partners in the hubs they run."""
    from tracker.hubs.services import current_membership
    from tracker.permissions import can_manage_hub

    if hub is None or not getattr(user, "is_authenticated", False):
        return False
    if can_manage_hub(user, hub):
        return True
    membership = current_membership(user.organization, hub.process) if user.organization else None
    return membership is not None and membership.hub_id == hub.id


# Editing -----------------------------------------------------------------------------------------

def update(measure: Measure, *, by, expected_version: int, goals=None, responsible=None, partners=None,
           is_focus_project: bool | None = None, **fields) -> None:
    """Change a measure; the focus-project flag only by steering; StaleMeasure when someone saved first."""
    if expected_version != measure.version:
        raise StaleMeasure(measure)
    if is_focus_project is not None and is_focus_project != measure.is_focus_project:
        if not is_steering(by, measure.process):
            raise NotAllowed(_("Only the steering group marks focus projects."))
        measure.is_focus_project = is_focus_project
    for name, value in fields.items():
        if name in EDITABLE:
            setattr(measure, name, value)
    if goals is not None:
        measure.goals = goals
    if responsible is not None:
        measure.responsible_organizations = responsible
    if partners is not None:
        measure.partner_organizations = partners
    changes = changed_fields(measure)
    if changes:
        record("update", measure, by=by, changes=changes, summary=measure.title[:120])


def set_focus(measure: Measure, flag: bool, *, by) -> None:
    if not is_steering(by, measure.process):
        raise NotAllowed(_("Only the steering group marks focus projects."))
    if measure.is_focus_project != flag:
        measure.is_focus_project = flag
        record("update", measure, by=by, changes={"is_focus_project": [not flag, flag]})


# Merging -----------------------------------------------------------------------------------------

def merge(sources: list[Measure], target: Measure, *, by) -> None:
    """Consolidate ideas into a target: sources become merged (linked, nothing deleted), supporters carry over."""
    if not can_merge(by, sources, target):
        raise NotAllowed(_("Moderators merge ideas of their own hub only; the steering group merges across hubs."))
    for source in sources:
        if source.id == target.id:
            raise MissingRequirement(_("A measure cannot be merged into itself."), {"source_ids": "contains target"})
        if source.status not in MERGEABLE:
            raise IllegalTransition(_("“%(title)s” can no longer be merged: only ideas and ideas in review can.",
                                      title=source.title), {"source_ids": f"{source.id} not mergeable"})
        if source.process_id != target.process_id:
            raise MissingRequirement(_("Measures of different processes cannot be merged."),
                                     {"target_id": "other process"})
    chain = target
    while chain is not None:  # refuse cycles: a source must not be where the target went
        if chain.id in {s.id for s in sources}:
            raise IllegalTransition(_("This merge would make a circle."), {"target_id": "circular"})
        chain = chain.merged_into
    for source in sources:
        before = source.status
        source.status_before_merge = before
        source.status = MeasureStatus.MERGED
        source.merged_into = target
        for organization in source.supporters:
            if organization not in target.supporters:
                target.supporters.append(organization)
        _record(source, before, MeasureStatus.MERGED, by=by, action="merge",
                reason=_("Merged into “%(title)s”", title=target.title))


def merge_into_new(sources: list[Measure], *, by, title: str, description: str = "") -> Measure:
    if not sources:
        raise MissingRequirement(_("Choose at least one idea."), {"source_ids": "empty"})
    if not can_merge(by, sources, None):
        raise NotAllowed(_("Moderators merge ideas of their own hub only; the steering group merges across hubs."))
    hubs = {m.hub_id for m in sources}
    target = create_measure(sources[0].process, by=by, title=title, description=description,
                            hub_id=hubs.pop() if len(hubs) == 1 else None)
    merge(sources, target, by=by)
    return target


def unmerge(source: Measure, *, by) -> None:
    """Undo a merge: the source gets its former status back and the link goes; the history keeps both steps."""
    if source.status != MeasureStatus.MERGED or source.merged_into is None:
        raise IllegalTransition(_("This measure is not merged."), {"measure": "not merged"})
    if not can_merge(by, [source], source.merged_into):
        raise NotAllowed(_("Only who may merge these measures may undo the merge."))
    target = source.merged_into
    restored = source.status_before_merge or MeasureStatus.IDEA
    source.status = restored
    source.merged_into = None
    source.status_before_merge = None
    _record(source, MeasureStatus.MERGED, restored, by=by, action="unmerge",
            reason=_("Merge into “%(title)s” undone", title=target.title))


@dataclass
class Lineage:
    measure: Measure
    sources: list[Lineage] = field(default_factory=list)


def sources_tree(measure: Measure, depth: int = 0) -> Lineage:
    """What a measure was consolidated from, and what those were consolidated from."""
    if depth > 20:  # merges cannot form circles, but never loop forever on bad data
        return Lineage(measure)
    return Lineage(measure, [sources_tree(source, depth + 1) for source in measure.merged_from])


def destination_chain(measure: Measure) -> list[Measure]:
    """Where a merged measure went, step by step, to the measure that carries it on."""
    chain, current = [], measure.merged_into
    while current is not None and len(chain) < 20:
        chain.append(current)
        current = current.merged_into
    return chain


def all_source_ids(measure: Measure) -> list[int]:
    ids, stack = [], list(measure.merged_from)
    while stack:
        source = stack.pop()
        ids.append(source.id)
        stack.extend(source.merged_from)
    return ids


# Comments and supporters ----------------------------------------------------------------------------

def add_comment(measure: Measure, text: str, *, by) -> MeasureComment:
    text = text.strip()
    if not text:
        raise MissingRequirement(_("The comment is empty."), {"text": "empty"})
    comment = MeasureComment(measure_id=measure.id, author_id=by.id, text=text)
    db.session.add(comment)
    db.session.flush()
    record("create", comment, by=by, summary=f"comment on measure {measure.id}")
    return comment


def comments_with_origin(measure: Measure) -> list[MeasureComment]:
    """The measure's own comments and those of everything merged into it, oldest first."""
    ids = [measure.id, *all_source_ids(measure)]
    return list(db.session.scalars(select(MeasureComment).where(MeasureComment.measure_id.in_(ids))
                                   .order_by(MeasureComment.created_at, MeasureComment.id)))


def toggle_support(measure: Measure, *, by) -> bool:
    """The user's organisation backs the measure, or stops backing it; returns whether it now supports."""
    organization = by.organization
    if organization is None:
        raise NotAllowed(_("Only people of an organisation can support measures."))
    if organization in measure.supporters:
        measure.supporters.remove(organization)
        record("update", measure, by=by, changes={"supporter_removed": organization.id})
        return False
    measure.supporters.append(organization)
    record("update", measure, by=by, changes={"supporter_added": organization.id})
    return True


# Duplicates -------------------------------------------------------------------------------------------

_STOPWORD_TEXT = (  # compared after folding, so without umlauts
    "der die das den dem des ein eine einer einem einen eines und oder fur fuer von vom zu zur zum im in am an auf "
    "aus bei mit nach uber ueber unter durch als auch mehr neue neuer neues sowie wie wir unsere unser ihre ihr "
    "ohne gegen bis the a of for and to"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
SUFFIXES = ("ungen", "innen", "ernen", "eren", "ung", "en", "er", "es", "e", "n", "s")


def _fold(text: str) -> str:
    text = text.casefold().replace("ß", "ss")
    for umlaut, plain in (("ä", "a"), ("ö", "o"), ("ü", "u")):
        text = text.replace(umlaut, plain)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _stem(word: str) -> str:
    for suffix in SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def normalise(text: str) -> list[str]:
    """Words of a German title reduced to comparable stems, without filler words."""
    return [_stem(word) for word in re.findall(r"[a-z0-9]+", _fold(text)) if word not in STOPWORDS]


def similarity(a: list[str], b: list[str]) -> float:
    """0–100: shared stems, also inside compounds ("Randzeitenbetreuung" contains "randzeit" and "betreu")."""
    if not a or not b:
        return 0.0
    joined_a, joined_b = " ".join(a), " ".join(b)
    token = fuzz.token_set_ratio(joined_a, joined_b)
    inside = 0.0
    for word_set, other in ((a, "".join(b)), (b, "".join(a))):
        hits = [w for w in word_set if len(w) >= 4 and w in other]
        inside = max(inside, 100.0 * sum(len(w) for w in hits) / max(1, sum(len(w) for w in word_set)))
    return 0.5 * token + 0.5 * inside


def similar_measures(measure: Measure, *, limit: int = 5, minimum: float = 45.0) -> list[tuple[Measure, float]]:
    """The most similar other ideas and proposals of the process, across all hubs."""
    candidates = db.session.scalars(select(Measure).where(
        Measure.process_id == measure.process_id, Measure.id != measure.id,
        Measure.status.not_in([MeasureStatus.MERGED, MeasureStatus.WITHDRAWN, MeasureStatus.REJECTED]))).all()
    mine = normalise(f"{measure.title} {measure.title} {measure.description}")
    scored = []
    for other in candidates:
        score = similarity(mine, normalise(f"{other.title} {other.title} {other.description}"))
        if score >= minimum:
            scored.append((other, round(score, 1)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].id))
    return scored[:limit]


def duplicate_candidates(process, *, limit: int = 100) -> list[tuple[Measure, Measure, float]]:
    """Pairs of open ideas that look alike, most alike first (for the consolidation page)."""
    ideas = db.session.scalars(select(Measure).where(Measure.process_id == process.id,
                                                     Measure.status.in_(OPEN)).order_by(Measure.id)).all()
    words = {m.id: normalise(f"{m.title} {m.title} {m.description}") for m in ideas}
    pairs = []
    for i, first in enumerate(ideas):
        for second in ideas[i + 1:]:
            score = similarity(words[first.id], words[second.id])
            if score >= 55:
                pairs.append((first, second, round(score, 1)))
    pairs.sort(key=lambda triple: -triple[2])
    return pairs[:limit]
