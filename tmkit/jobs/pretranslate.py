"""Match analysis and pre-translation of a segmented document against translation memories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tmkit.defaults import PRETRANSLATE_THRESHOLD
from tmkit.matching.match_percent import EXACT, IN_CONTEXT
from tmkit.matching.matcher import Match, Matcher, too_long_to_match
from tmkit.memory.dates import now_tmx_date
from tmkit.memory.model import (
    MATCH_PROP,
    ORIGIN_PROP,
    PRETRANSLATION_MATCH_PROP,
    PRETRANSLATION_PROP,
    Header,
    Memory,
    Prop,
    Segment,
    Status,
    TranslationUnit,
    Variant,
)
from tmkit.text.wordcount import count_words

#: The bands of a match analysis, in the order CAT tools print them: (name, lowest score, highest).
BANDS: tuple[tuple[str, float, float], ...] = (
    ("repetitions", -1.0, -1.0),
    ("context 101%", IN_CONTEXT, IN_CONTEXT),
    ("100%", EXACT, EXACT),
    ("95-99%", 95.0, 99.99),
    ("85-94%", 85.0, 94.99),
    ("75-84%", 75.0, 84.99),
    ("50-74%", 50.0, 74.99),
    ("no match", 0.0, 49.99),
)
#: The lowest score an analysis looks for (the bottom of its lowest fuzzy band).
ANALYSIS_CUTOFF = 50.0
REPETITION_ORIGIN = "repetition"


@dataclass(frozen=True, slots=True)
class SegmentMatch:
    """One document segment: its band, its best match (if any) and the earlier segment it repeats."""

    index: int
    text: str
    band: str
    words: int
    best: Match | None = None
    repeats: int | None = None
    #: The segment with its inline codes, when it was given so (a document's): the job's source, so that a match
    #: holding the same codes is pre-translated with them.
    segment: Segment | None = None


@dataclass(frozen=True, slots=True)
class BandCount:
    """Segments and words (of the document and of the matched translations) in one band."""

    band: str
    segments: int
    source_words: int
    target_words: int


def band_of(score: float | None) -> str:
    """The analysis band of a match score (None: no match)."""
    if score is None:
        return "no match"
    for name, low, high in BANDS[1:]:
        if low <= score <= high or (name == "95-99%" and 95.0 <= score < EXACT):
            return name
    return "no match"


def match_segments(
    segments: Sequence[Segment | str], matcher: Matcher, *, score_cutoff: float = ANALYSIS_CUTOFF
) -> list[SegmentMatch]:
    """The best match of each segment (with its neighbours as context), and repetitions marked.

    A document's segments are given with their inline codes (its formatting, links, footnotes): a stored segment
    without them is not the same segment, and scores as the match % says (a point a code), not 100 or 101.
    A segment whose text appeared earlier in the document is a repetition unless its own match is
    100% or in context; it repeats the first occurrence.
    """
    first_seen: dict[str, int] = {}
    out: list[SegmentMatch] = []
    for index, segment in enumerate(segments):
        text = segment.plain if isinstance(segment, Segment) else segment
        previous = segments[index - 1] if index > 0 else None
        following = segments[index + 1] if index + 1 < len(segments) else None
        # A segment beyond fuzzy matching's bound gets no match, like one the memories lack.
        matches = (
            []
            if too_long_to_match(text)
            else matcher.match(segment, score_cutoff=score_cutoff, limit=1, previous=previous, following=following)
        )
        best = matches[0] if matches else None
        band = band_of(best.score if best else None)
        key = " ".join(text.split())
        repeats = first_seen.get(key)
        if repeats is None:
            first_seen[key] = index
        elif band not in ("context 101%", "100%"):
            band = "repetitions"
        else:
            repeats = None
        coded = segment if isinstance(segment, Segment) else None
        out.append(SegmentMatch(index, text, band, count_words(text), best, repeats, coded))
    return out


def analyze(results: Sequence[SegmentMatch]) -> list[BandCount]:
    """Segments and words per band, every band present (zeros included), in `BANDS` order."""
    counts = {name: [0, 0, 0] for name, _, _ in BANDS}
    for result in results:
        row = counts[result.band]
        row[0] += 1
        row[1] += result.words
        if result.best is not None and result.band != "no match":
            row[2] += count_words(result.best.target.plain)
    return [BandCount(name, *counts[name]) for name, _, _ in BANDS]


def pretranslate(
    results: Sequence[SegmentMatch],
    *,
    source_lang: str,
    target_lang: str,
    threshold: float = PRETRANSLATE_THRESHOLD,
    user: str | None = None,
) -> Memory:
    """A job memory: every segment in order, filled as `draft` from its best match at ``threshold`` or more.

    Each filled unit records the match % and where it came from (memory and tuid) as props, and the text it was
    filled with (`PRETRANSLATION_PROP`, kept when the target is changed);
    a repetition takes the translation given to its first occurrence. Unfilled units hold only
    the source and are `new`. Units and targets are created now, by ``user`` (`creationid`) when given.
    """
    date = now_tmx_date()
    units: list[TranslationUnit] = []
    for result in results:
        given = result.segment if result.segment is not None else Segment.from_text(result.text)
        unit = TranslationUnit([Variant(source_lang, given)], tuid=str(result.index + 1))
        unit.creation_date, unit.creation_id = date, user
        source = results[result.repeats] if result.repeats is not None else result
        best = source.best
        if best is not None and best.score >= threshold:
            # A plain-text segment takes the match's text without its codes: codes the source does not have
            # could not go back into the document, and `tmkit qa` would flag each one.
            target = best.target if unit.variants[0].segment.has_markup else Segment.from_text(best.target.plain)
            unit.variants.append(Variant(target_lang, target, creation_date=date, creation_id=user))
            unit.status = Status.DRAFT
            origin = best.memory + (f"#{best.tuid}" if best.tuid else "")
            unit.props = [
                Prop(MATCH_PROP, f"{best.score:g}"),
                Prop(ORIGIN_PROP, origin if result.repeats is None else f"{REPETITION_ORIGIN}:{result.repeats + 1}"),
                Prop(PRETRANSLATION_PROP, target.plain),
                Prop(PRETRANSLATION_MATCH_PROP, f"{best.score:g} {origin}"),
            ]
        else:
            unit.status = Status.NEW
        units.append(unit)
    return Memory(Header(srclang=source_lang, creation_date=date, creation_id=user), units)
