"""Concordance: find a word or phrase in the sources or targets of memories, insensitive to Arabic spelling noise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tmkit.defaults import CONCORDANCE_LIMIT, Side
from tmkit.formats.tmx_reader import segment_from_xml
from tmkit.matching.memory_index import Column, MemoryIndex
from tmkit.matching.word_index import WordIndex
from tmkit.memory.model import Status
from tmkit.text.normalize import Normalizer
from tmkit.text.scripts import has_arabic

#: Entries of a common word's posting lists read first, per hit wanted (more only if too few hold the phrase).
_CAP_PER_HIT = 100
_ARABIC_PREFIXES = ("و", "ف", "ب", "ك", "ل", "وب", "فب", "ول", "فل", "وك")


Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ConcordanceHit:
    """A stored pair holding the phrase, with where it stands in each text (character spans)."""

    source: str
    target: str
    source_spans: tuple[Span, ...]
    target_spans: tuple[Span, ...]
    memory: str
    entry: int
    status: Status
    tuid: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "source_spans": [list(s) for s in self.source_spans],
            "target_spans": [list(s) for s in self.target_spans],
            "memory": self.memory,
            "tuid": self.tuid,
            "status": self.status.value,
        }


def word_variants(word: str, *, arabic: bool) -> list[str]:
    """A word as it may stand in text: with the light Arabic proclitics and the article attached."""
    if not arabic:
        return [word]
    bare = word[2:] if word.startswith("ال") and len(word) > 3 else word
    forms = {word, bare, "ال" + bare, "لل" + bare}
    for prefix in _ARABIC_PREFIXES:
        forms.add(prefix + bare)
        forms.add(prefix + "ال" + bare)
        forms.add(prefix + "ل" + bare)  # و + لل…
    return sorted(forms)


def find_spans(text: str, phrase_key: str, normalizer: Normalizer) -> tuple[Span, ...]:
    """Where ``phrase_key`` (already normalized) occurs in ``text``, as spans of ``text``."""
    key, offsets = normalizer.with_offsets(text)
    spans: list[Span] = []
    start = key.find(phrase_key)
    while start != -1 and phrase_key:
        end = start + len(phrase_key)
        # The span runs up to the next kept character, so harakat and tatweel after the last
        # letter (which the key leaves out) stay inside the highlight.
        stop = offsets[end] if end < len(offsets) else len(text.rstrip())
        while stop > offsets[end - 1] + 1 and text[stop - 1].isspace():
            stop -= 1
        spans.append((offsets[start], stop))
        start = key.find(phrase_key, end)
    return tuple(spans)


def _entries_with(
    words: WordIndex, phrase_key: str, *, arabic: bool, cap: int | None = None
) -> tuple[npt.NDArray[np.uint32], bool]:
    """Entries holding every word of the phrase (in any clitic form), sorted; and whether ``cap`` cut them.

    The rarest word is read first and the others only checked against its entries, so a phrase
    with a very common word (`في`) costs little. With ``cap``, only the first ``cap`` entries of
    each posting list of the rarest word are read: enough when the first few hits are wanted.
    """
    lists = [[words.entries(form) for form in word_variants(word, arabic=arabic)] for word in set(phrase_key.split())]
    lists = [[p for p in forms if len(p)] for forms in lists]
    if not lists or any(not forms for forms in lists):
        return np.empty(0, np.uint32), False
    lists.sort(key=lambda forms: sum(len(p) for p in forms))
    rarest, *others = lists
    cut = cap is not None and any(len(p) > cap for p in rarest)
    pieces = [p[:cap] for p in rarest] if cut else rarest
    found = np.unique(np.concatenate(pieces)) if len(pieces) > 1 else np.asarray(pieces[0])
    for forms in others:
        keep = np.zeros(len(found), dtype=np.bool_)
        for posting in forms:
            where = np.searchsorted(posting, found)
            inside = where < len(posting)
            keep[inside] |= posting[where[inside]] == found[inside]
        found = found[keep]
        if len(found) == 0:
            break
    return found, cut


def concordance(
    memories: Sequence[MemoryIndex],
    phrase: str,
    *,
    side: Side = Side.AUTO,
    limit: int = CONCORDANCE_LIMIT,
) -> list[ConcordanceHit]:
    """Stored pairs whose source (or target) holds ``phrase``, in memory order, at most ``limit``.

    Both the phrase and the texts are normalized (diacritics, hamza/alef forms, digits, case,
    punctuation), every word of the phrase must stand in the text as a word (Arabic words also
    with a proclitic or the article attached: `استثمار` finds `والاستثمار`), and the phrase
    must occur in that order.
    """
    hits: list[ConcordanceHit] = []
    for memory in memories:
        source_norm = memory.normalizer
        target_norm = Normalizer(memory.target_lang)
        sides = _sides(side, phrase, memory)
        for which in sides:
            norm = source_norm if which is Side.SOURCE else target_norm
            phrase_key = norm(phrase)
            if not phrase_key:
                continue
            words = memory.source_words if which is Side.SOURCE else memory.target_words
            wanted = limit - len(hits)
            entries, cut = _entries_with(words, phrase_key, arabic=norm.arabic, cap=wanted * _CAP_PER_HIT)
            matching = _verified(memory, entries, phrase_key, norm, source_side=which is Side.SOURCE, wanted=wanted)
            if cut and len(matching) < wanted:  # the first entries held too few hits: read them all
                entries, _ = _entries_with(words, phrase_key, arabic=norm.arabic)
                matching = _verified(memory, entries, phrase_key, norm, source_side=which is Side.SOURCE, wanted=wanted)
            for entry, source, target in matching:
                hits.append(
                    ConcordanceHit(
                        source=source,
                        target=target,
                        source_spans=find_spans(source, source_norm(phrase), source_norm),
                        target_spans=find_spans(target, target_norm(phrase), target_norm),
                        memory=memory.name,
                        entry=entry,
                        status=memory.status_of(entry),
                        tuid=memory.optional(Column.TUID, entry),
                    )
                )
            if len(hits) >= limit:
                return hits
    return hits


def _verified(
    memory: MemoryIndex,
    entries: npt.NDArray[np.uint32],
    phrase_key: str,
    norm: Normalizer,
    *,
    source_side: bool,
    wanted: int,
) -> list[tuple[int, str, str]]:
    """The first ``wanted`` entries whose key really holds the phrase, with their texts."""
    out: list[tuple[int, str, str]] = []
    for entry in entries.tolist():
        if source_side and phrase_key not in memory.text(Column.SOURCE_KEY, entry):
            continue  # checked on the key in memory, before reading any text from disk
        target = segment_from_xml(memory.text(Column.TARGET_XML, entry)).plain
        if not source_side and phrase_key not in norm(target):
            continue
        out.append((entry, segment_from_xml(memory.text(Column.SOURCE_XML, entry)).plain, target))
        if len(out) >= wanted:
            break
    return out


def _sides(side: Side, phrase: str, memory: MemoryIndex) -> list[Side]:
    if side is Side.BOTH:
        return [Side.SOURCE, Side.TARGET]
    if side is not Side.AUTO:
        return [side]
    phrase_is_arabic = has_arabic(phrase)
    return [Side.SOURCE] if phrase_is_arabic == memory.normalizer.arabic else [Side.TARGET]
