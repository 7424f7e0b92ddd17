"""Finding likely duplicates among ideas: German titles reduced to comparable stems, then compared."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz
from sqlalchemy import select

from tracker.extensions import db
from tracker.measures.models import Measure, MeasureStatus

OPEN = (MeasureStatus.IDEA, MeasureStatus.IN_REVIEW)

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
