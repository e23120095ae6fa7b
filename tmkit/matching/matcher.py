"""Fuzzy lookup across memories: the best prior translations for a new segment, with their match %."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from tmkit.errors import InputError
from tmkit.formats.tmx_reader import segment_from_xml
from tmkit.matching.match_percent import (
    CHAR_WEIGHT,
    FUZZY_CAP,
    MATCH_LIMIT,
    MATCH_THRESHOLD,
    MAX_MATCH_CHARS,
    UNCONFIRMED_PENALTY,
    UNCONFIRMED_STATUSES,
    WORD_WEIGHT,
    Breakdown,
    MatchScore,
    PreparedText,
    key_words,
    loose_normalizer,
    prepare,
    score_match,
    word_similarity,
)
from tmkit.matching.memory_index import Column, MemoryIndex, context_hash
from tmkit.memory.model import Segment, Status
from tmkit.text.normalize import Normalizer
from tmkit.text.numbers import NUMBER_RE, Substitution, mask_numbers

#: At least this many of the best candidates by character similarity get the full match percentage.
RESCORE_DEPTH = 20

#: How much of a too long segment an error message quotes, to say which one it was.
_QUOTED_CHARS = 40


class SegmentTooLongError(InputError):
    """A segment longer than `MAX_MATCH_CHARS`, which fuzzy matching does not take."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        opening = " ".join(text[:_QUOTED_CHARS].split())
        super().__init__(
            f"a segment of {self.length:,} characters ({opening!r}…): fuzzy matching takes segments of up to "
            f"{MAX_MATCH_CHARS:,} characters (split the text into sentences, e.g. with 'tmkit segment')"
        )


@dataclass(frozen=True, slots=True)
class Match:
    """A suggestion from a memory: the stored pair, its match %, why, and where it came from."""

    score: float
    source: Segment
    target: Segment  # numbers already substituted when ``substitutions`` is not empty
    breakdown: Breakdown
    memory: str
    entry: int
    status: Status
    tuid: str | None = None
    creation_id: str | None = None
    creation_date: str | None = None
    change_id: str | None = None
    change_date: str | None = None
    substitutions: tuple[Substitution, ...] = ()
    stored_target: Segment | None = None  # the target as stored, when numbers were substituted

    def as_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 2),
            "source": self.source.plain,
            "target": self.target.plain,
            "memory": self.memory,
            "tuid": self.tuid,
            "status": self.status.value,
            "creation_id": self.creation_id,
            "creation_date": self.creation_date,
            "change_id": self.change_id,
            "change_date": self.change_date,
            "substitutions": [{"old": s.old, "new": s.new} for s in self.substitutions],
            "breakdown": {
                "char_similarity": round(self.breakdown.char_similarity, 2),
                "word_similarity": round(self.breakdown.word_similarity, 2),
                "base": round(self.breakdown.base, 2),
                "penalties": [{"reason": p.reason, "points": round(p.points, 2)} for p in self.breakdown.penalties],
                "in_context": self.breakdown.in_context,
                "normalization": self.breakdown.normalization,
            },
        }


def minimum_char_similarity(score_cutoff: float) -> float:
    """The character similarity a stored key needs so that its match % can reach ``score_cutoff``.

    Retrieval works on characters; a candidate is looked at when its character similarity
    alone reaches the cutoff (exactly for short segments, by estimate for long ones, see
    `tmkit.matching.candidate_index`). Entries that reach a cutoff only through word similarity
    (every word kept but many clitics changed) can be missed.
    """
    return max(0.0, min(score_cutoff, 100.0))


class Matcher:
    """Looks segments up in one or more memories indexed for the same language direction."""

    def __init__(self, memories: Sequence[MemoryIndex] = ()) -> None:
        self.memories: list[MemoryIndex] = []
        #: Stored segments left unscored because they are longer than `MAX_MATCH_CHARS` (once per lookup).
        self.long_segments_skipped = 0
        for memory in memories:
            self.add(memory)

    def add(self, memory: MemoryIndex) -> None:
        if self.memories and (memory.source_lang, memory.target_lang) != (
            self.memories[0].source_lang,
            self.memories[0].target_lang,
        ):
            raise ValueError("all memories of a matcher must be indexed for the same language direction")
        self.memories.append(memory)

    @property
    def normalizer(self) -> Normalizer:
        return self.memories[0].normalizer if self.memories else Normalizer()

    def match(
        self,
        segment: Segment | str,
        *,
        score_cutoff: float = MATCH_THRESHOLD,
        limit: int = MATCH_LIMIT,
        previous: Segment | str | None = None,
        following: Segment | str | None = None,
    ) -> list[Match]:
        """The best ``limit`` matches scoring at least ``score_cutoff``, best first.

        ``previous`` and ``following`` are the new segment's neighbours in its document; when
        both equal a stored unit's neighbours, an exact match scores 101. The same source with
        different translations gives several matches (alternatives); empty and rejected
        translations are never offered; a pair stored twice is offered once.

        A segment longer than `MAX_MATCH_CHARS` raises `SegmentTooLongError` (callers that want
        no match for it instead check `too_long_to_match` first); stored segments that long are
        skipped and counted in ``long_segments_skipped``.
        """
        if not self.memories or limit <= 0:
            return []
        if too_long_to_match(segment):
            raise SegmentTooLongError(_plain(segment))
        norm = self.normalizer
        query = prepare(segment, norm)
        if not query.key:
            return []
        context = None
        if previous is not None and following is not None:
            context = (
                context_hash(norm(_plain(previous))),
                context_hash(norm(_plain(following))),
            )
        found: list[Match] = []
        for memory in self.memories:
            found.extend(self._match_in(memory, query, score_cutoff, limit, context))
        found.sort(key=_rank)
        unique: list[Match] = []
        seen: set[tuple[str, str]] = set()
        for match in found:
            identity = (match.source.plain, match.target.plain)
            if identity in seen:
                continue
            seen.add(identity)
            unique.append(match)
            if len(unique) == limit:
                break
        return unique

    def _match_in(
        self,
        memory: MemoryIndex,
        query: PreparedText,
        score_cutoff: float,
        limit: int,
        context: tuple[int, int] | None,
    ) -> list[Match]:
        """The best matches in one memory: retrieve candidates, shortlist them by their keys, score the
        shortlist in full from the stored texts, and make matches of the best."""
        min_char = minimum_char_similarity(score_cutoff + memory.penalty)
        entries, keys = _retrieve(memory, query.key, min_char)
        if any(len(key) > MAX_MATCH_CHARS for key in keys):
            matchable = [position for position, key in enumerate(keys) if len(key) <= MAX_MATCH_CHARS]
            self.long_segments_skipped += len(keys) - len(matchable)
            entries, keys = entries[matchable], [keys[position] for position in matchable]
        if len(entries) == 0:
            return []
        numbers_masked = mask_numbers(query.key) if NUMBER_RE.search(query.key) else None
        shortlist = _shortlist(
            memory, query, entries, keys, numbers_masked=numbers_masked, min_char=min_char, limit=limit
        )
        scored = [
            _score(memory, query, int(entries[position]), numbers_masked=numbers_masked, context=context)
            for position in shortlist
        ]
        passing = sorted(
            (candidate for candidate in scored if candidate.result.score >= score_cutoff), key=_Scored.order
        )
        # Twice the limit: `match` drops pairs that several memories hold, which may leave fewer.
        results = [_as_match(memory, candidate) for candidate in passing[: limit * 2]]
        results.sort(key=_rank)
        return results[: limit * 2]


@dataclass(frozen=True, slots=True)
class _Scored:
    """A stored entry scored in full, on its way to becoming a `Match`."""

    entry: int
    stored: PreparedText
    status: Status
    result: MatchScore
    target: Segment | None  # the stored target, when it was read to substitute numbers

    def order(self) -> tuple[float, float]:
        """Best first: the score, then the similarity before the fuzzy cap."""
        return (-self.result.score, -_base(self.result.breakdown))


def _retrieve(memory: MemoryIndex, key: str, min_char: float) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Phase 1: the entries the candidate index offers for ``key``, with their keys."""
    entries, known_keys = memory.candidates.candidates_with_keys(key, min_similarity=min_char)
    if len(entries) == 0:
        return entries, []
    keys = known_keys if known_keys is not None else memory.columns[Column.SOURCE_KEY].take(entries)
    return entries, keys


def _shortlist(
    memory: MemoryIndex,
    query: PreparedText,
    entries: npt.NDArray[np.int64],
    keys: list[str],
    *,
    numbers_masked: str | None,
    min_char: float,
    limit: int,
) -> set[int]:
    """Phase 2: positions (in ``entries``) worth scoring in full, chosen from the keys alone.

    The best by characters get a provisional score, which never falls below the full one; only
    the most promising are scored in full, because that reads the stored texts (perhaps from
    disk). Keys that differ only in numbers or Arabic spelling are always scored in full, since
    the full score repairs them to 99 or more whatever their provisional score.
    """
    chosen = _best_by_characters(query.key, keys, depth=max(limit * 4, RESCORE_DEPTH), cutoff=min_char)
    always: set[int] = set()
    if numbers_masked is not None:
        always.update(i for i, key in enumerate(keys) if mask_numbers(key) == numbers_masked)
    norm = memory.normalizer
    loose = loose_normalizer(norm) if norm.arabic else None
    loose_query = loose(query.key) if loose else query.key
    provisional: list[tuple[float, int]] = []  # (provisional score, position): sorted as tuples
    for position in chosen - always:
        key = keys[position]
        if key == query.key or (loose is not None and loose(key) == loose_query):
            always.add(position)
            continue
        # The full score without what only the stored text can tell (codes): never below it.
        base = CHAR_WEIGHT * fuzz.ratio(query.key, key) + WORD_WEIGHT * word_similarity(
            query.words, key_words(key, arabic=norm.arabic)
        )
        status = memory.status_of(int(entries[position]))
        unconfirmed = UNCONFIRMED_PENALTY if status in UNCONFIRMED_STATUSES else 0.0
        provisional.append((min(base, FUZZY_CAP) - unconfirmed - memory.penalty, position))
    provisional.sort(reverse=True)
    return always | {position for _score, position in provisional[: limit * 2]}


def _score(
    memory: MemoryIndex,
    query: PreparedText,
    entry: int,
    *,
    numbers_masked: str | None,
    context: tuple[int, int] | None,
) -> _Scored:
    """Phase 3: one entry's full match percentage, from its stored texts."""
    norm = memory.normalizer
    stored = prepare(segment_from_xml(memory.text(Column.SOURCE_XML, entry)), norm)
    numbers_only = numbers_masked is not None and mask_numbers(stored.key) == numbers_masked
    target = segment_from_xml(memory.text(Column.TARGET_XML, entry)) if numbers_only else None
    status = memory.status_of(entry)
    same_context = context is not None and (int(memory.context_prev[entry]), int(memory.context_next[entry])) == context
    result = score_match(
        query,
        stored,
        norm,
        target=target,
        status=status,
        memory_penalty=memory.penalty,
        memory_name=memory.name,
        same_context=same_context,
    )
    return _Scored(entry, stored, status, result, target)


def _as_match(memory: MemoryIndex, scored: _Scored) -> Match:
    """Phase 4: a scored entry as the suggestion shown, with its target and provenance."""
    entry, result = scored.entry, scored.result
    stored_target = scored.target or segment_from_xml(memory.text(Column.TARGET_XML, entry))
    return Match(
        score=result.score,
        source=scored.stored.segment,
        target=result.target or stored_target,
        breakdown=result.breakdown,
        memory=memory.name,
        entry=entry,
        status=scored.status,
        tuid=memory.optional(Column.TUID, entry),
        creation_id=memory.optional(Column.CREATION_ID, entry),
        creation_date=memory.optional(Column.CREATION_DATE, entry),
        change_id=memory.optional(Column.CHANGE_ID, entry),
        change_date=memory.optional(Column.CHANGE_DATE, entry),
        substitutions=result.substitutions,
        stored_target=stored_target if result.substitutions else None,
    )


def _best_by_characters(query: str, keys: list[str], *, depth: int, cutoff: float) -> set[int]:
    """Positions of the ``depth`` keys most similar to ``query`` by characters, at ``cutoff`` or above."""
    if len(keys) <= 512:
        return {
            position
            for _key, _score, position in process.extract(
                query, keys, scorer=fuzz.ratio, limit=depth, score_cutoff=cutoff
            )
        }
    # Thousands of candidates (short keys): one vectorised pass, then the best of them.
    scores = process.cdist([query], keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float32)[0]
    passing = np.flatnonzero(scores >= cutoff)
    if len(passing) > depth:
        passing = passing[np.argpartition(-scores[passing], depth)[:depth]]
    return set(passing.tolist())


def too_long_to_match(segment: Segment | str) -> bool:
    """Whether `Matcher.match` refuses ``segment`` as longer than `MAX_MATCH_CHARS`."""
    return len(_plain(segment)) > MAX_MATCH_CHARS


def _plain(segment: Segment | str) -> str:
    return segment if isinstance(segment, str) else segment.plain


def _base(breakdown: Breakdown) -> float:
    return CHAR_WEIGHT * breakdown.char_similarity + WORD_WEIGHT * breakdown.word_similarity


def _rank(match: Match) -> tuple[float, float, int, str]:
    """Best first: score, then the similarity before the fuzzy cap, workflow status, newest change."""
    base = _base(match.breakdown)
    newest = match.change_date or match.creation_date or ""
    return (-match.score, -base, -match.status.rank, _invert(newest))


def _invert(text: str) -> str:
    # Sorting ascending on the inverted characters puts the newest date first.
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


__all__ = ["MAX_MATCH_CHARS", "Match", "Matcher", "SegmentTooLongError", "too_long_to_match"]
