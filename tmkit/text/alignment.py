"""Sentence alignment of a document and its translation: Gale–Church lengths with anchors, into TMX units."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tmkit.memory.dates import now_tmx_date
from tmkit.memory.model import Header, Memory, Prop, Segment, Status, TranslationUnit, Variant
from tmkit.text.numbers import extract_numbers

#: English characters per Arabic character, and the variance of the difference per character,
#: measured on samples/news-memory.tmx (364 pairs): 1.377 and 3.0.
AR_EN_RATIO = 1.377
AR_EN_VARIANCE = 3.0
#: Prior probabilities of link types (Gale & Church 1993, rounded).
LINK_PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 0): 0.005,
    (0, 1): 0.005,
    (2, 1): 0.045,
    (1, 2): 0.045,
}
#: Pairs whose confidence is below this are marked `draft` for review.
CONFIDENCE_THRESHOLD = 0.5
CONFIDENCE_PROP = "x-tmkit-align-confidence"
#: Cost bonus for each anchor (number, Latin name, question mark) found on both sides, and
#: penalty for each found on one side only.
ANCHOR_WEIGHT = 1.5

_LATIN_WORD_RE = re.compile(r"\b[A-Z][A-Za-z]{1,}\b|\b[A-Z]{2,}\b")


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """A link: source and target sentences (0, 1 or 2 each), and how sure the aligner is of it (0–1)."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    confidence: float


def _norm_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _length_probability(source_len: int, target_len: int, ratio: float, variance: float) -> float:
    if source_len == 0 and target_len == 0:
        return 1.0
    mean = (source_len + target_len / ratio) / 2.0
    delta = (target_len - source_len * ratio) / math.sqrt(max(mean, 1.0) * variance)
    return max(2.0 * (1.0 - _norm_cdf(abs(delta))), 1e-12)


def _anchors(text: str, *, latin_names: bool) -> set[str]:
    # By value, scale words included: `٢٠٠ ألف` is `200,000`, `3 مليارات` is `3 billion`.
    out = {f"#{value}" for _, value in extract_numbers(text)}
    if "?" in text or "؟" in text:
        out.add("?")
    if latin_names:
        out.update(word.lower() for word in _LATIN_WORD_RE.findall(text))
    return out


def _anchor_score(source: str, target: str) -> float:
    """Anchors shared minus anchors on one side only (Latin words count only when the source has any)."""
    source_anchors = _anchors(source, latin_names=True)
    latin_in_source = any(not a.startswith(("#", "?")) for a in source_anchors)
    target_anchors = _anchors(target, latin_names=latin_in_source)
    if not latin_in_source:
        source_anchors = {a for a in source_anchors if a.startswith(("#", "?"))}
    shared = len(source_anchors & target_anchors)
    missing = len(source_anchors ^ target_anchors)
    return shared - 0.5 * missing


def align_sentences(
    source: Sequence[str],
    target: Sequence[str],
    *,
    ratio: float = AR_EN_RATIO,
    variance: float = AR_EN_VARIANCE,
    anchor_weight: float = ANCHOR_WEIGHT,
) -> list[AlignedPair]:
    """The best sequence of 1-1, 1-2, 2-1, 1-0 and 0-1 links between two lists of sentences."""
    n, m = len(source), len(target)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for (di, dj), prior in LINK_PRIORS.items():
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                src = " ".join(source[i:ni])
                tgt = " ".join(target[j:nj])
                # A sentence left untranslated (1-0, 0-1) costs its prior only: measuring its
                # length against nothing would make long omissions look impossible, and the
                # aligner would rather glue an omitted paragraph to its neighbour.
                probability = _length_probability(len(src), len(tgt), ratio, variance) if di and dj else 1.0
                step = -math.log(prior) - math.log(probability)
                if di and dj:
                    step -= anchor_weight * _anchor_score(src, tgt)
                total = cost[i][j] + step
                if total < cost[ni][nj]:
                    cost[ni][nj] = total
                    back[ni][nj] = (di, dj)
    pairs: list[AlignedPair] = []
    i, j = n, m
    while i or j:
        step_back = back[i][j]
        assert step_back is not None
        di, dj = step_back
        src_sentences = tuple(source[i - di : i])
        tgt_sentences = tuple(target[j - dj : j])
        pairs.append(
            AlignedPair(src_sentences, tgt_sentences, _confidence(src_sentences, tgt_sentences, ratio, variance))
        )
        i, j = i - di, j - dj
    pairs.reverse()
    return pairs


def _confidence(source: tuple[str, ...], target: tuple[str, ...], ratio: float, variance: float) -> float:
    if not source or not target:
        return 0.0
    src, tgt = " ".join(source), " ".join(target)
    probability = _length_probability(len(src), len(tgt), ratio, variance)
    anchors = _anchor_score(src, tgt)
    confidence = probability * (1.0 if len(source) == len(target) else 0.8)
    if anchors > 0:
        confidence = 1.0 - (1.0 - confidence) * 0.5**anchors
    elif anchors < 0:
        confidence *= 0.5 ** (-anchors)
    return round(min(max(confidence, 0.0), 1.0), 3)


def align_paragraphs(
    source: Sequence[Sequence[str]], target: Sequence[Sequence[str]], **options: float
) -> list[AlignedPair]:
    """Align sentences without ever linking across a paragraph boundary.

    With as many paragraphs on both sides, paragraph N goes with paragraph N. Otherwise the
    paragraphs themselves are aligned first, by the same lengths-and-anchors programme (a
    translator may have split or joined a paragraph, or left one out), and sentences are then
    aligned inside each group of linked paragraphs.
    """
    if len(source) == len(target):
        groups = [(list(src), list(tgt)) for src, tgt in zip(source, target, strict=True)]
    else:
        links = align_sentences([" ".join(p) for p in source], [" ".join(p) for p in target], **options)
        groups, i, j = [], 0, 0
        for link in links:
            di, dj = len(link.source), len(link.target)
            groups.append(([s for p in source[i : i + di] for s in p], [s for p in target[j : j + dj] for s in p]))
            i, j = i + di, j + dj
    out: list[AlignedPair] = []
    for src_sentences, tgt_sentences in groups:
        if src_sentences and tgt_sentences:
            out.extend(align_sentences(src_sentences, tgt_sentences, **options))
        else:  # a paragraph with no counterpart: its sentences stay unpaired
            out.extend(AlignedPair((s,), (), 0.0) for s in src_sentences)
            out.extend(AlignedPair((), (t,), 0.0) for t in tgt_sentences)
    return out


def pairs_to_memory(
    pairs: Sequence[AlignedPair],
    *,
    source_lang: str,
    target_lang: str,
    threshold: float = CONFIDENCE_THRESHOLD,
    keep_unpaired: bool = False,
) -> Memory:
    """TMX units of the links (1-0 and 0-1 left out unless ``keep_unpaired``), low confidence as `draft`."""
    date = now_tmx_date()
    units: list[TranslationUnit] = []
    for pair in pairs:
        if not (pair.source and pair.target) and not keep_unpaired:
            continue
        variants = [
            Variant(lang, Segment.from_text(" ".join(side)))
            for lang, side in ((source_lang, pair.source), (target_lang, pair.target))
            if side
        ]
        unit = TranslationUnit(variants, tuid=str(len(units) + 1))
        unit.creation_date = date
        unit.status = Status.TRANSLATED if pair.confidence >= threshold else Status.DRAFT
        unit.props = [Prop(CONFIDENCE_PROP, f"{pair.confidence:.3f}")]
        units.append(unit)
    return Memory(Header(srclang=source_lang, creation_date=date), units)
