"""Finding likely duplicates among ideas: German titles reduced to comparable stems, then compared."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz import process as rf_process
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
BLOCK = 256  # rows of the similarity matrix computed at a time
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
    """Pairs of open ideas that look alike, most alike first (for the consolidation page).

    The same score as `similarity` for every pair, computed for all pairs at once: the token part with
    rapidfuzz's process.cdist (C++, all cores), the "stems inside compounds" part from an index of which
    idea's text contains which stem (numpy). 1,850 ideas take well under two seconds instead of 22.
    """
    ideas = db.session.scalars(select(Measure).where(Measure.process_id == process.id,
                                                     Measure.status.in_(OPEN)).order_by(Measure.id)).all()
    words = [normalise(f"{m.title} {m.title} {m.description}") for m in ideas]
    return [(ideas[i], ideas[j], score) for i, j, score in similar_pairs(words, minimum=55, limit=limit)]


def similar_pairs(words: list[list[str]], *, minimum: float, limit: int) -> list[tuple[int, int, float]]:
    """(i, j, score) for i < j with similarity(words[i], words[j]) >= minimum, highest first."""
    if len(words) < 2:
        return []
    # token_set_ratio compares the sets of words: each word once gives the same score on shorter texts.
    texts = [" ".join(sorted(set(w))) for w in words]
    token = np.zeros((len(texts), len(texts)))
    for start in range(0, len(texts), BLOCK):  # the upper triangle only: half the comparisons
        token[start:start + BLOCK, start:] = rf_process.cdist(
            texts[start:start + BLOCK], texts[start:], scorer=fuzz.token_set_ratio, dtype=np.float64, workers=-1)
    scores = 0.5 * token + 0.5 * _inside_scores(words)
    empty = np.array([not w for w in words])
    scores[empty, :] = 0.0
    scores[:, empty] = 0.0
    first, second = np.nonzero(np.triu(scores >= minimum, k=1))
    rounded = np.round(scores[first, second], 1)
    order = np.argsort(-rounded, kind="stable")[:limit]
    return [(int(first[k]), int(second[k]), float(rounded[k])) for k in order]


def _inside_scores(words: list[list[str]]) -> np.ndarray:
    """[a, b] = the larger of: the share of a's stem letters (stems of 4+ letters) found inside b's joined
    text, and the same for b in a; 0–100, as in `similarity`."""
    count = len(words)
    joined = ["".join(w) for w in words]
    text = "\x00".join(joined)
    starts = np.cumsum([0] + [len(j) + 1 for j in joined[:-1]])
    lengths = np.array([max(1, sum(len(w) for w in ws)) for ws in words], dtype=np.float64)
    owners: dict[str, dict[int, int]] = {}  # stem -> {idea: letters of that stem in its words}
    for index, ws in enumerate(words):
        for word in ws:
            if len(word) >= 4:
                owners.setdefault(word, {}).setdefault(index, 0)
                owners[word][index] += len(word)
    found = np.zeros((count, count))
    for stem, weights in owners.items():
        containing, position = set(), text.find(stem)
        while position != -1:
            containing.add(int(np.searchsorted(starts, position, side="right")) - 1)
            position = text.find(stem, position + 1)
        rows = np.fromiter(weights, dtype=np.int64)
        found[np.ix_(rows, np.fromiter(containing, dtype=np.int64))] += np.fromiter(
            weights.values(), dtype=np.float64)[:, None]
    shares = 100.0 * found / lengths[:, None]
    return np.maximum(shares, shares.T)
