"""Concordance: find a word or phrase, as whole words, in the sources or targets of memories."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from tmkit.defaults import CONCORDANCE_LIMIT, Side
from tmkit.formats.tmx_reader import segment_from_xml
from tmkit.matching.layered import LayeredWords
from tmkit.matching.memory_index import Column, MemoryIndex
from tmkit.matching.word_index import (
    SHORT_STEM_MARK,
    WordIndex,
    fold_spelling,
    key_tokens,
    key_word_forms,
    query_words,
)
from tmkit.memory.model import Status
from tmkit.text.normalize import Normalizer
from tmkit.text.scripts import has_arabic

#: Entries of a common word's posting lists read first, per hit wanted (more only if too few hold the phrase).
_CAP_PER_HIT = 100


Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ConcordanceHit:
    """A stored pair holding the phrase, with where it stands in each text (character spans of whole words)."""

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


@dataclass(frozen=True, slots=True)
class Query:
    """A phrase read as stored texts are read: for each word, what it looks for (`looked_up_under`).

    A text word is the query word when what it is `filed_under` includes one of those (`بالفندق`
    and `الفندق` share `فندق`); with ``prefix``, when one of them begins with one (`room` finds
    `rooms`).
    """

    words: tuple[frozenset[str], ...]
    prefix: bool = False
    #: A quick test every text holding the phrase passes (and a few others): checked before reading the words.
    sketch: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, phrase: str, normalizer: Normalizer, *, prefix: bool = False) -> Query:
        words = tuple(query_words(normalizer(phrase), prefix=prefix))
        return cls(words, prefix, _sketch(words, prefix=prefix) if words else None)

    def word_matches(self, wanted: frozenset[str], forms: frozenset[str]) -> bool:
        """Whether a text word filed under ``forms`` is the query word that looks for ``wanted``."""
        if not self.prefix:
            return not wanted.isdisjoint(forms)
        return any(form.startswith(start) for form in forms for start in wanted)

    def occurrences(self, words: Sequence[frozenset[str]], *, first_only: bool = False) -> list[tuple[int, int]]:
        """Where the phrase stands among a text's words (what each is filed under): (first, last) word numbers."""
        size = len(self.words)
        if not size or len(words) < size:
            return []
        head, *rest = self.words
        last_start = len(words) - size
        # Where the first word stands, found in one pass (the hot loop of every check), then the rest checked there.
        if self.prefix:
            starts = [at for at, forms in enumerate(words) if at <= last_start and self.word_matches(head, forms)]
        else:
            starts = [at for at, forms in enumerate(words) if at <= last_start and not head.isdisjoint(forms)]
        found: list[tuple[int, int]] = []
        free = 0  # occurrences do not overlap
        for at in starts:
            if at >= free and all(self.word_matches(wanted, words[at + 1 + i]) for i, wanted in enumerate(rest)):
                found.append((at, at + size - 1))
                if first_only:
                    break
                free = at + size
        return found

    def found_in(self, key: str) -> bool:
        folded = fold_spelling(key)
        if self.sketch is not None and not self.sketch.search(folded):
            return False
        return bool(self.occurrences(key_word_forms(folded), first_only=True))

    def entries(
        self, words: WordIndex | LayeredWords, *, cap: int | None = None
    ) -> tuple[npt.NDArray[np.uint32], bool]:
        """Entries holding every word of the phrase (in any order), sorted; and whether ``cap`` cut them.

        The rarest word is read first and the others only checked against its entries, so a phrase
        with a very common word (`في`) costs little. With ``cap``, only the first ``cap`` entries of
        each posting list of the rarest word are read: enough when the first few hits are wanted.
        """
        lists = [
            [p for form in sorted(forms) for p in _posting_lists(words, form, prefix=self.prefix)]
            for forms in set(self.words)
        ]
        lists = [[p for p in postings if len(p)] for postings in lists]
        if not lists or any(not postings for postings in lists):
            return np.empty(0, np.uint32), False
        lists.sort(key=lambda postings: sum(len(p) for p in postings))
        rarest, *others = lists
        cut = cap is not None and any(len(p) > cap for p in rarest)
        pieces = [p[:cap] for p in rarest] if cut else rarest
        found = np.unique(np.concatenate(pieces)) if len(pieces) > 1 else np.asarray(pieces[0])
        for postings in others:
            keep = np.zeros(len(found), dtype=np.bool_)
            for posting in postings:
                where = np.searchsorted(posting, found)
                inside = where < len(posting)
                keep[inside] |= posting[where[inside]] == found[inside]
            found = found[keep]
            if len(found) == 0:
                break
        return found, cut


class _Entries(Protocol):
    """A word index as concordance asks it: the entries of a word (or of the words beginning with it)."""

    def entries(self, word: str, *, prefix: bool = False) -> npt.NDArray[np.uint32]: ...


def _posting_lists(words: WordIndex | _Entries, form: str, *, prefix: bool) -> list[npt.NDArray[np.uint32]]:
    """The sorted entry lists whose union holds ``form``: one per word filed under it, so no union is made
    of a common word's lists (`في` at 1M entries) only to be checked against or cut short."""
    if isinstance(words, WordIndex):
        return words.posting_lists(form, prefix=prefix)
    return [words.entries(form, prefix=prefix)]


def _sketch(words: Sequence[frozenset[str]], *, prefix: bool) -> re.Pattern[str]:
    """A regular expression every (folded) key holding the phrase matches: each word any of its stems with any
    proclitics before it, the words apart by anything but letters and digits. Looser than the words' rules
    (it lets through `كان` for `أن`), never stricter, so it only saves reading the words of most keys."""
    pieces = []
    for forms in words:
        stems = sorted({form.removeprefix(SHORT_STEM_MARK) for form in forms}, key=len, reverse=True)
        end = r"[^\W_]*" if prefix else r"(?![^\W_])"
        pieces.append(r"(?<![^\W_])[وف]?[بكل]?(?:ال|ل)?(?:" + "|".join(map(re.escape, stems)) + ")" + end)
    return re.compile(r"[\W_]+".join(pieces))


def find_spans(text: str, query: Query, normalizer: Normalizer) -> tuple[Span, ...]:
    """Where ``query`` stands in ``text``, as spans of ``text`` that begin and end on word boundaries.

    A span covers whole words, clitics included (`بالفندق` for `فندق`), and the harakat and tatweel
    after its last letter (which the key leaves out), but no punctuation or space around it.
    """
    key, offsets = normalizer.with_offsets(text)
    tokens = key_tokens(key)
    spans: list[Span] = []
    for first, last in query.occurrences([token.forms for token in tokens]):
        end = tokens[last].end
        stop = offsets[end] if end < len(offsets) else len(text)
        while stop > offsets[end - 1] + 1 and text[stop - 1].isspace():
            stop -= 1
        spans.append((offsets[tokens[first].start], stop))
    return tuple(spans)


def concordance(
    memories: Sequence[MemoryIndex],
    phrase: str,
    *,
    side: Side = Side.AUTO,
    limit: int = CONCORDANCE_LIMIT,
    prefix: bool = False,
) -> list[ConcordanceHit]:
    """Stored pairs whose source (or target) holds ``phrase``, in memory order, at most ``limit``.

    The phrase and the texts are normalized alike (diacritics, hamza/alef forms, digits, case,
    punctuation) and read into words alike (`key_tokens`): punctuation is never part of a word,
    `ة`/`ه` and `ى`/`ي` are one letter, and an Arabic word is found with or without its
    proclitics and article (`فندق`, `الفندق`, `بالفندق` find one another). Every word of the phrase
    must be a whole word of the text (`أن` does not find `كان`), or with ``prefix`` the beginning
    of one, and the words must stand together in that order.
    """
    hits: list[ConcordanceHit] = []
    for memory in memories:
        source_norm = memory.normalizer
        target_norm = Normalizer(memory.target_lang)
        source_query = Query.parse(phrase, source_norm, prefix=prefix)
        target_query = Query.parse(phrase, target_norm, prefix=prefix)
        already: set[int] = set()
        for which in _sides(side, phrase, memory):
            source_side = which is Side.SOURCE
            query = source_query if source_side else target_query
            if not query.words:
                continue
            words = memory.source_words if source_side else memory.target_words
            wanted = limit - len(hits)
            entries, cut = query.entries(words, cap=wanted * _CAP_PER_HIT)
            matching = _verified(memory, entries, query, target_norm, source_side=source_side, wanted=wanted)
            if cut and len(matching) < wanted:  # the first entries held too few hits: read them all
                entries, _ = query.entries(words)
                matching = _verified(memory, entries, query, target_norm, source_side=source_side, wanted=wanted)
            # A hit's other text is searched for spans only if its index says it may hold the phrase.
            other_query, other_words = (
                (target_query, memory.target_words) if source_side else (source_query, memory.source_words)
            )
            other_may_hold = (
                set(other_query.entries(other_words)[0].tolist()) if matching and other_query.words else set()
            )
            for entry, source, target in matching:
                if entry in already:  # found on both sides
                    continue
                already.add(entry)
                hits.append(
                    ConcordanceHit(
                        source=source,
                        target=target,
                        source_spans=find_spans(source, source_query, source_norm)
                        if source_side or entry in other_may_hold
                        else (),
                        target_spans=find_spans(target, target_query, target_norm)
                        if not source_side or entry in other_may_hold
                        else (),
                        memory=memory.name,
                        entry=entry,
                        status=memory.status_of(entry),
                        tuid=memory.optional(Column.TUID, entry),
                    )
                )
            if len(hits) >= limit:
                return hits[:limit]
    return hits


def _verified(
    memory: MemoryIndex,
    entries: npt.NDArray[np.uint32],
    query: Query,
    target_norm: Normalizer,
    *,
    source_side: bool,
    wanted: int,
) -> list[tuple[int, str, str]]:
    """The first ``wanted`` entries whose key holds the phrase (its words together, in order), with their texts."""
    out: list[tuple[int, str, str]] = []
    for entry in entries.tolist():
        if source_side and not query.found_in(memory.text(Column.SOURCE_KEY, entry)):
            continue  # checked on the key in memory, before reading any text from disk
        target = segment_from_xml(memory.text(Column.TARGET_XML, entry)).plain
        if not source_side and not query.found_in(target_norm(target)):
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
