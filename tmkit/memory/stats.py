"""Counts that describe a memory: units, languages, statuses, words and characters per language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from tmkit.memory.langtags import lang_key
from tmkit.memory.model import Status, TranslationUnit
from tmkit.text.wordcount import count_words_and_chars

#: A memory has a handful of language tags, written the same way unit after unit: each is read once.
_lang_key = lru_cache(maxsize=256)(lang_key)


@dataclass(slots=True)
class LanguageCounts:
    segments: int = 0
    empty_segments: int = 0
    words: int = 0
    characters: int = 0


@dataclass(slots=True)
class MemoryStats:
    units: int = 0
    rejected: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})
    languages: dict[str, LanguageCounts] = field(default_factory=dict)
    units_with_markup: int = 0

    def add(self, unit: TranslationUnit) -> None:
        self.units += 1
        self.rejected += unit.rejected
        self.statuses[unit.status.value] += 1
        markup = False
        for variant in unit.variants:
            segment = variant.segment
            self.add_segment(variant.lang, segment.plain)
            markup = markup or segment.has_markup
        self.units_with_markup += markup

    def language(self, lang: str) -> LanguageCounts:
        """The counts of a language, under its comparison key (`lang_key`), made the first time."""
        key = _lang_key(lang)
        counts = self.languages.get(key)
        if counts is None:
            counts = self.languages[key] = LanguageCounts()
        return counts

    def add_segment(self, lang: str, text: str) -> None:
        """Count one segment's plain text under its language (the unit itself is counted by the caller)."""
        counts = self.language(lang)
        words, characters = count_words_and_chars(text)
        counts.segments += 1
        if characters:
            counts.words += words
            counts.characters += characters
        else:  # nothing but white space
            counts.empty_segments += 1

    def as_dict(self) -> dict[str, object]:
        return {
            "units": self.units,
            "statuses": dict(self.statuses),
            "rejected": self.rejected,
            "units_with_markup": self.units_with_markup,
            "languages": {
                lang: {
                    "segments": c.segments,
                    "empty_segments": c.empty_segments,
                    "words": c.words,
                    "characters": c.characters,
                }
                for lang, c in sorted(self.languages.items(), key=lambda kv: (-kv[1].segments, kv[0]))
            },
        }


def memory_stats(units: Iterable[TranslationUnit]) -> MemoryStats:
    """Count units as they stream by (works on files too big to hold in memory)."""
    stats = MemoryStats()
    for unit in units:
        stats.add(unit)
    return stats
