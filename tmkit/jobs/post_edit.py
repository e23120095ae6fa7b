"""Post-edit analysis: how much of each segment's pre-translation the translator kept, in match bands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tmkit.memory.model import Status, TranslationUnit, pretranslation
from tmkit.text.wordcount import count_words

#: The bands of a post-edit analysis, by the share of the pre-translation kept (100 − `edit_effort`), in the order
#: and with the edges of a match analysis, as CAT tools bill post-editing ("post-translation analysis" in memoQ,
#: "post-edit" in Trados): (name, lowest kept %, highest); then the segments translated without a pre-translation.
KEPT_BANDS: tuple[tuple[str, float, float], ...] = (
    ("100%", 100.0, 100.0),
    ("95-99%", 95.0, 99.999),
    ("85-94%", 85.0, 94.999),
    ("75-84%", 75.0, 84.999),
    ("50-74%", 50.0, 74.999),
    ("under 50%", 0.0, 49.999),
)
NOT_PRETRANSLATED = "not pre-translated"


def edit_effort(inserted: str, current: str) -> float:
    """How much of the inserted text the translator changed: character edit distance in % of the longer."""
    longest = max(len(inserted), len(current))
    if not longest:
        return 0.0
    return 100.0 * Levenshtein.distance(inserted, current) / longest


@dataclass(frozen=True, slots=True)
class KeptBand:
    """The confirmed segments of one band, their source words, and the mean share of their pre-translations kept."""

    band: str
    segments: int
    source_words: int
    kept: float | None


def kept_band(kept: float | None) -> str:
    """The band of a share kept (None: the segment had no pre-translation)."""
    if kept is None:
        return NOT_PRETRANSLATED
    return next(name for name, low, _high in KEPT_BANDS if kept >= low)


def post_edit_analysis(
    units: Iterable[TranslationUnit], *, source_lang: str, target_lang: str
) -> tuple[list[KeptBand], int]:
    """Confirmed segments (translated, reviewed, final, not rejected) per band of how much of their pre-translation
    (`PRETRANSLATION_PROP`: a match, or what the document held) is in their translation, every band present; and how
    many segments are not confirmed yet (left out)."""
    rows: dict[str, list[float]] = {name: [0, 0, 0.0] for name, _, _ in (*KEPT_BANDS, (NOT_PRETRANSLATED, 0, 0))}
    unconfirmed = 0
    for unit in units:
        source = unit.variant(source_lang, region_fallback=True)
        target = unit.variant(target_lang, region_fallback=True)
        if source is None:
            continue
        confirmed = unit.status.rank >= Status.TRANSLATED.rank and not unit.rejected
        if target is None or not confirmed or not target.text.strip():
            unconfirmed += 1
            continue
        before = pretranslation(unit)
        kept = None if before is None else 100.0 - edit_effort(before, target.segment.plain)
        row = rows[kept_band(kept)]
        row[0] += 1
        row[1] += count_words(source.segment.plain)
        row[2] += kept or 0.0
    bands = [
        KeptBand(name, int(count), int(words), (total / count if count and name != NOT_PRETRANSLATED else None))
        for name, (count, words, total) in rows.items()
    ]
    return bands, unconfirmed
