"""Fuzzy lookup across memories: the best prior translations for a new segment, with their match %."""

from __future__ import annotations

import functools
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from tmkit.errors import InputError
from tmkit.formats.tmx_reader import segment_from_xml
from tmkit.matching.candidate_index import SHORT_KEY
from tmkit.matching.match_percent import (
    CHAR_WEIGHT,
    EXACT,
    FUZZY_CAP,
    MATCH_LIMIT,
    MATCH_THRESHOLD,
    MAX_MATCH_CHARS,
    UNCONFIRMED_PENALTY,
    UNCONFIRMED_STATUSES,
    WORD_WEIGHT,
    Breakdown,
    FormalTwins,
    MatchScore,
    PreparedText,
    clitic_blind_words,
    formal_key,
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

#: The score a short query's lookup first looks up at when it has stored copies, to raise its cutoff.
PROBE_CUTOFF = 90.0

#: Points of character similarity C that a stored key's words can add towards the cutoff: the base is
#: 0.6 × C + 0.4 × W, so W at 100 is worth C at 66.7, and a key sharing s of the more numerous
#: words of the two (s/max of them) has W ≤ 100 × s/max over words without their proclitics. A
#: short query then looks only at keys sharing its words (and at those equal to it but for form,
#: spelling or numbers): at a cutoff of 70 a key sharing no word would need C ≥ 116.7.
WORD_LIFT = EXACT * WORD_WEIGHT / CHAR_WEIGHT
#: Short keys of the query's length window past which a lookup keeps to the cutoff rather than the
#: formula's bound on characters, where words cannot be relied on (a cutoff of 60 or less, a query
#: without words): a short query in a million entries has a window of ~135,000 keys, ~79,000 of
#: them within the bound, and scoring those took 150 ms; 100,000 entries have a window of ~13,500
#: (`CandidateIndex.candidates_with_keys`).
WORD_LIFTED_BUDGET = 16_384

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
                "clitics": list(self.breakdown.clitics),
                "numbers_masked": self.breakdown.numbers_masked,
            },
        }


def minimum_char_similarity(score_cutoff: float) -> float:
    """The character similarity C a stored key needs so that its fuzzy match % can reach ``score_cutoff``.

    The base is 0.6 × C + 0.4 × W and W is at most 100, so C ≥ (cutoff − 40) / 0.6: 50 at a
    cutoff of 70. (A two-letter query can score 80 against a key it shares half its
    characters with; requiring C ≥ 70 hid such matches.) Keys equal but for their form,
    spelling variants or numbers score 95–99 whatever their C; they are near-equal, and so
    above this bound, except in segments of a character or two, or numbers of many digits.
    """
    return max(0.0, min((score_cutoff - WORD_WEIGHT * EXACT) / CHAR_WEIGHT, 100.0))


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
        exclude: tuple[MemoryIndex, str, str] | None = None,
    ) -> list[Match]:
        """The best ``limit`` matches scoring at least ``score_cutoff``, best first.

        ``previous`` and ``following`` are the new segment's neighbours in its document; when
        both equal a stored unit's neighbours, an exact match scores 101. The same source with
        different translations gives several matches (alternatives); empty and rejected
        translations are never offered; a pair stored twice is offered once.

        ``exclude`` (a memory of this matcher, a source and a target as plain text): that pair is
        not offered from that memory, but its copies in the others are (the editor's working file,
        whose own entry for the segment is no suggestion for it, but the project memory's is).

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
        # Twice the limit from each memory: `match` drops pairs that several memories hold, which may leave fewer.
        depths = [limit * 2] * len(self.memories)
        memos = [_ScoreMemo() for _memory in self.memories]  # kept when a memory is looked up deeper
        placed = [
            self._match_in(memory, query, score_cutoff, depth, context, memo)
            for memory, depth, memo in zip(self.memories, depths, memos, strict=True)
        ]
        made: dict[tuple[int, int], Match] = {}  # each entry made a match once, however deep its memory is looked up
        while True:
            unique, ranks = _shown(
                sorted(itertools.chain.from_iterable(placed), key=_Placed.rank), limit, made, exclude=exclude
            )
            # A memory's depth filled by copies of one pair (a pair stored ten times, at a limit of 5) may hide other
            # translations below it that outrank what is shown: that memory is looked up again, twice as deep.
            deeper = [
                number
                for number, found in enumerate(placed)
                if len(found) >= depths[number]
                and _may_hide(found, ranks, limit, alone=len(self.memories) == 1, memo=memos[number])
            ]
            if not deeper:
                break
            for number in deeper:
                depths[number] *= 2
                placed[number] = self._match_in(
                    self.memories[number], query, score_cutoff, depths[number], context, memos[number]
                )
        if len(unique) > limit:
            # Matches equal on every rank straddle the limit: the unit id and the texts choose which are shown,
            # not the order the memories' indexes found them in (a memory with layers finds them in another).
            tied = [number for number, rank in enumerate(ranks) if rank == ranks[limit]]
            ordered = sorted((unique[number] for number in tied), key=_tie_break)
            for number, match in zip(tied, ordered, strict=True):
                unique[number] = match
        return unique[:limit]

    def _match_in(
        self,
        memory: MemoryIndex,
        query: PreparedText,
        score_cutoff: float,
        depth: int,
        context: tuple[int, int] | None,
        memo: _ScoreMemo,
    ) -> list[_Placed]:
        """The best matches in one memory, in rank order: retrieve candidates, shortlist them by their keys, and
        score the shortlist in full from the stored texts (into ``memo``, the lookup's for this memory).

        A short query with stored copies is first looked up at `PROBE_CUTOFF`: a short segment recurs in a big memory
        (50 copies of `التعاون في` at 1M), and the keys sharing a word or two with it, which a lookup at a cutoff of 70
        must weigh, grow with the memory. When that finds ``depth`` matches, nothing scoring less can place, and they
        are the answer; else the lookup is made at the cutoff asked for (reusing the entries scored)."""
        if score_cutoff < PROBE_CUTOFF and self._worth_probing(memory, query, depth):
            placed = self._placed(memory, query, PROBE_CUTOFF, depth, context, memo, asked=score_cutoff)
            if len(placed) >= depth:
                return placed
        return self._placed(memory, query, score_cutoff, depth, context, memo, asked=score_cutoff)

    def _worth_probing(self, memory: MemoryIndex, query: PreparedText, depth: int) -> bool:
        """Whether a lookup is first made at `PROBE_CUTOFF`: a short query that stored keys equal but for form fill
        half the ``depth`` with, as their postings count them (superseded and twice-filed ones too). With fewer the
        probe seldom finds enough and its lookup is lost: in the bench's memories of 100k and 1M, short queries with
        1-3 such copies reached the depth in 0 of 26 probes, with 9 and 12 in 2 of 2."""
        if len(query.key) > SHORT_KEY:
            return False
        return 2 * memory.candidates.near_equal_count(query.key) >= depth

    def _placed(
        self,
        memory: MemoryIndex,
        query: PreparedText,
        score_cutoff: float,
        depth: int,
        context: tuple[int, int] | None,
        memo: _ScoreMemo,
        *,
        asked: float,
    ) -> list[_Placed]:
        """The ``depth`` best matches scoring at least ``score_cutoff``, in rank order (those tied at the depth put
        in order by `_ties_ranked`), looked up as a lookup at the cutoff ``asked`` would find them: where a short
        query's window holds too many keys, the lookup keeps those with C ≥ ``asked`` (see `_retrieve`), and a
        probe at 90 keeping only C ≥ 90 would miss keys of C 83-90 that score 90+ (two keys of punctuation alone,
        W 100)."""
        min_char = minimum_char_similarity(score_cutoff + memory.penalty)
        # A memory looked up again deeper, within one lookup, retrieves what it retrieved (the cutoff asked is the
        # same: the character bound alone tells a probe's retrieval from the cutoff's).
        retrieved = memo.retrieved.get(min_char)
        if retrieved is None:
            entries, keys = self._retrieve(memory, query, min_char, min(asked + memory.penalty, 100.0))
            if keys and max(map(len, keys)) > MAX_MATCH_CHARS:
                matchable = [position for position, key in enumerate(keys) if len(key) <= MAX_MATCH_CHARS]
                self.long_segments_skipped += len(keys) - len(matchable)
                entries, keys = entries[matchable], [keys[position] for position in matchable]
            retrieved = memo.retrieved[min_char] = (entries, keys)
        entries, keys = retrieved
        if len(entries) == 0:
            return []
        scored = self._best_scored(
            memory,
            query,
            entries,
            keys,
            numbers_masked=mask_numbers(query.key) if NUMBER_RE.search(query.key) else None,
            context=context,
            min_char=min_char,
            score_cutoff=score_cutoff,
            depth=depth,
            memo=memo,
        )
        passing = sorted(
            (candidate for candidate in scored if candidate.result.score >= score_cutoff), key=_Scored.order
        )
        if len(passing) > depth and passing[depth].order() == passing[depth - 1].order():
            passing = _ties_ranked(memory, passing, depth, memo)
        placed = [_Placed(memory, candidate, memo.newest_of(memory, candidate.entry)) for candidate in passing[:depth]]
        placed.sort(key=_Placed.rank)
        return placed

    def _retrieve(
        self, memory: MemoryIndex, query: PreparedText, min_char: float, cutoff: float
    ) -> tuple[npt.NDArray[np.int64], list[str]]:
        """Phase 1: the entries the candidate index offers for the query's key, with their keys."""
        # Where thousands of short keys reach the formula's bound but not the cutoff (short queries
        # in a million entries) and words cannot narrow them, scoring them all costs far more than the
        # lookup: keep those at the cutoff.
        entries, known_keys = memory.candidates.candidates_with_keys(
            query.key,
            min_similarity=min_char,
            budget=WORD_LIFTED_BUDGET,
            fallback_similarity=max(min_char, cutoff),
            word_lift=WORD_LIFT,
        )
        if len(known_keys) < len(entries):
            known_keys = known_keys + memory.columns[Column.SOURCE_KEY].take(entries[len(known_keys) :])
        return entries, known_keys

    def _best_scored(
        self,
        memory: MemoryIndex,
        query: PreparedText,
        entries: npt.NDArray[np.int64],
        keys: list[str],
        *,
        numbers_masked: str | None,
        context: tuple[int, int] | None,
        min_char: float,
        score_cutoff: float,
        depth: int,
        memo: _ScoreMemo | None = None,
    ) -> list[_Scored]:
        """Phases 2 and 3: the ``depth`` best candidates by the full match %, and no other scored in full.

        Candidates whose key may score 95+ whatever its characters (equal but for form,
        spelling or numbers) are scored in full. The others are taken in order of an upper
        bound of their score, 0.6 × C + 0.4 × W over words with every proclitic removed
        (`clitic_blind_words`, computed for all at once), capped at 94; each is given a
        provisional score from the keys (the full one but for inline codes, never below it),
        and scored in full (which reads the stored texts) only while that can still place it
        among the best; the walk stops when the bound falls below the ``depth``-th best full
        score. So candidates tied on characters are all weighed (a confirmed entry is not lost
        behind its draft twin), and none that only its words lift to the cutoff is left out.
        """
        memo = _ScoreMemo() if memo is None else memo
        shortlist = memo.shortlists.get(min_char)
        if shortlist is None:  # (a memory looked up again deeper walks the same shortlist further)
            shortlist = memo.shortlists[min_char] = _shortlist(memory, query, keys, numbers_masked, min_char)
        chars, always, walk = shortlist
        scored = [
            _score(memory, query, int(entries[position]), numbers_masked=numbers_masked, context=context, memo=memo)
            for position in sorted(always)
        ]
        best = [candidate.result.score for candidate in scored]  # a min-heap of the `depth` best full scores
        heapq.heapify(best)
        while len(best) > depth:
            heapq.heappop(best)
        arabic = memory.normalizer.arabic
        for position, bound in walk:
            floor = best[0] if len(best) >= depth else score_cutoff
            if bound < floor - 1e-4:
                break  # sorted by the bound: no later candidate can place
            if position in always:
                continue
            key = keys[position]
            base = CHAR_WEIGHT * float(chars[position]) + WORD_WEIGHT * word_similarity(
                query.words, key_words(key, arabic=arabic), arabic=arabic
            )
            status = memory.status_of(int(entries[position]))
            unconfirmed = UNCONFIRMED_PENALTY if status in UNCONFIRMED_STATUSES else 0.0
            provisional = min(base, FUZZY_CAP) - unconfirmed - memory.penalty
            if provisional < floor - 1e-4:
                continue
            candidate = _score(
                memory, query, int(entries[position]), numbers_masked=numbers_masked, context=context, memo=memo
            )
            scored.append(candidate)
            heapq.heappush(best, candidate.result.score)
            if len(best) > depth:
                heapq.heappop(best)
        return scored


def _shortlist(
    memory: MemoryIndex, query: PreparedText, keys: list[str], numbers_masked: str | None, min_char: float
) -> tuple[npt.NDArray[np.float32], set[int], list[tuple[int, float]]]:
    """Phase 2's reading of the keys (`Matcher._best_scored`): each key's C, the positions always scored in full
    (equal but for form, spelling or numbers), and the others that reach ``min_char`` with their bound, best first."""
    chars = process.cdist([query.key], keys, scorer=fuzz.ratio, dtype=np.float32)[0]
    always = _near_equal(memory, query, keys, numbers_masked=numbers_masked, chars=chars)
    arabic = memory.normalizer.arabic
    reachable = np.flatnonzero(chars >= min_char - 1e-4)
    blind = clitic_blind_words([keys[position] for position in reachable.tolist()], arabic=arabic)
    query_blind = clitic_blind_words([query.key], arabic=arabic)[0]
    if query_blind:
        words = 100.0 * process.cdist([query_blind], blind, scorer=Levenshtein.normalized_similarity)[0]
    else:
        words = np.full(len(blind), EXACT)  # no words: W may be 100 (see `word_similarity`)
    upper = np.minimum(CHAR_WEIGHT * chars[reachable] + WORD_WEIGHT * words, FUZZY_CAP) - memory.penalty
    by_bound = np.argsort(-upper, kind="stable")
    return chars, always, list(zip(reachable[by_bound].tolist(), upper[by_bound].tolist(), strict=True))


class ExhaustiveMatcher(Matcher):
    """The match percentage applied to every stored entry: the reference `Matcher`'s recall is measured against.

    Slow by design (a pass over every key per lookup; `bench/match.py` and the tests use it).
    Entries are left out only where the formula itself rules them out: character similarity
    below `minimum_char_similarity` and not equal to the query but for form, spelling or numbers,
    or a score from the key (the full score but for inline codes, never below it) under the
    cutoff. No ordering, depth or early stop: every other entry is scored in full.
    """

    def __init__(self, memories: Sequence[MemoryIndex] = ()) -> None:
        self._keys: dict[int, list[str]] = {}
        self._near: dict[
            int, dict[str, list[int]]
        ] = {}  # a memory's keys filed by their masked, formal and loose forms
        super().__init__(memories)

    def _worth_probing(self, memory: MemoryIndex, query: PreparedText, depth: int) -> bool:
        return False  # every entry is weighed at the cutoff asked for

    def _retrieve(
        self, memory: MemoryIndex, query: PreparedText, min_char: float, cutoff: float
    ) -> tuple[npt.NDArray[np.int64], list[str]]:
        keys = self._keys.get(id(memory))
        if keys is None:
            keys = self._keys[id(memory)] = memory.columns[Column.SOURCE_KEY].take(np.arange(len(memory)))
            filed: dict[str, list[int]] = {}
            for position, key in enumerate(keys):
                for form in _near_forms(memory, key):
                    filed.setdefault(form, []).append(position)
            self._near[id(memory)] = filed
        return np.arange(len(keys), dtype=np.int64), keys

    def _best_scored(
        self,
        memory: MemoryIndex,
        query: PreparedText,
        entries: npt.NDArray[np.int64],
        keys: list[str],
        *,
        numbers_masked: str | None,
        context: tuple[int, int] | None,
        min_char: float,
        score_cutoff: float,
        depth: int,
        memo: _ScoreMemo | None = None,
    ) -> list[_Scored]:
        chars = process.cdist([query.key], keys, scorer=fuzz.ratio, dtype=np.float32)[0]
        filed = self._near[id(memory)]
        chosen: set[int] = set()
        for form in _near_forms(memory, query.key):
            if not form.startswith("#") or numbers_masked is not None:
                chosen.update(filed.get(form, ()))
        arabic = memory.normalizer.arabic
        for position in np.flatnonzero(chars >= min_char - 1e-4).tolist():
            # The full score of every entry whose score from its key (never below the full one) reaches the cutoff.
            base = CHAR_WEIGHT * float(chars[position]) + WORD_WEIGHT * word_similarity(
                query.words, key_words(keys[position], arabic=arabic), arabic=arabic
            )
            if min(base, FUZZY_CAP) - memory.penalty >= score_cutoff - 1e-4:
                chosen.add(position)
        return [
            _score(memory, query, int(entries[position]), numbers_masked=numbers_masked, context=context)
            for position in sorted(chosen)
        ]


def _near_forms(memory: MemoryIndex, key: str) -> set[str]:
    """What a key is filed under for `ExhaustiveMatcher`: equal forms may score 95+ (see `_near_equal`)."""
    forms = {"=" + formal_key(key)}
    if memory.normalizer.arabic:
        forms.add("=" + formal_key(loose_normalizer(memory.normalizer)(key)))
    if NUMBER_RE.search(key):
        forms.add("#" + mask_numbers(key))
    return forms


@dataclass(frozen=True, slots=True)
class _Scored:
    """A stored entry scored in full, on its way to becoming a `Match`."""

    entry: int
    stored: PreparedText
    status: Status
    result: MatchScore
    target: Segment | None  # the stored target, when it was read to substitute numbers
    # Worked out once: a lookup sorts its scored entries by it, again at each depth (5,000 copies of one pair).
    order_key: tuple[float, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order_key", (-self.result.score, -_base(self.result.breakdown)))

    def order(self) -> tuple[float, float]:
        """Best first: the score, then the similarity before the fuzzy cap."""
        return self.order_key


def _near_equal(
    memory: MemoryIndex,
    query: PreparedText,
    keys: list[str],
    *,
    numbers_masked: str | None,
    chars: npt.NDArray[np.float32] | None = None,
) -> set[int]:
    """Positions of the keys that may score 95+ whatever their characters: equal to the query's but for
    form (punctuation marks and the spaces around them), Arabic spelling variants (`FormalTwins`), or numbers.

    ``chars``, the keys' character similarity to the query when the caller has it, spares looking
    at keys too unlike the query to be equal to it but for form or spelling.
    """
    near: set[int] = set()
    if numbers_masked is not None:
        # The longest stretch of the query without numbers must be in such a key: a cheap test first.
        stretch = max(numbers_masked.split("#"), key=len)
        near.update(i for i, key in enumerate(keys) if stretch in key and mask_numbers(key) == numbers_masked)
    twins = FormalTwins(query.key, fold=memory.normalizer.arabic)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    close = np.flatnonzero(lengths >= len(twins.squeezed))
    if chars is not None and len(close):
        # A twin shares the query's squeezed characters: the keys less similar need no look (in C, before the test).
        close = close[chars[close] >= 200.0 * twins.same / (len(query.key) + lengths[close]) - 1e-3]
    near.update(position for position in close.tolist() if twins(keys[position]))
    return near


class _ScoreMemo:
    """Full scores already worked out in one lookup: by entry, and by what they depend on (the stored source's
    markup, the stored translation's when only numbers differ, the status and whether the context is the same).
    A memory holds many copies of a short segment (at 1M a two-word query met 50), and each was parsed and scored
    anew; a lookup made at two cutoffs scores the same entries twice."""

    __slots__ = ("by_entry", "by_text", "newest", "retrieved", "shortlists", "shown_targets", "ties", "translations")

    def __init__(self) -> None:
        self.by_entry: dict[int, _Scored] = {}
        self.by_text: dict[tuple[str, str | None, Status, bool], tuple[PreparedText, MatchScore, Segment | None]] = {}
        # What ranks an entry among its ties (`_ties_ranked`), read once a lookup: a memory looked up deeper and
        # deeper for a pair stored 5,000 times ranked every copy again at each depth (the lookup took ~470 ms).
        self.newest: dict[int, str] = {}
        # A lookup's retrieval and shortlist by its character bound (`_placed`, `_best_scored`).
        self.retrieved: dict[float, tuple[npt.NDArray[np.int64], list[str]]] = {}
        self.shortlists: dict[float, tuple[npt.NDArray[np.float32], set[int], list[tuple[int, float]]]] = {}
        self.ties: dict[int, tuple[int, str, str, str]] = {}
        self.translations: dict[int, tuple[str, str]] = {}
        self.shown_targets: dict[int, str] = {}

    def shown_target(self, memory: MemoryIndex, scored: _Scored) -> str:
        """The translation a scored entry shows, as text (`_shown_target`), read once a lookup."""
        found = self.shown_targets.get(scored.entry)
        if found is None:
            found = self.shown_targets[scored.entry] = _shown_target(memory, scored).plain
        return found

    def newest_of(self, memory: MemoryIndex, entry: int) -> str:
        found = self.newest.get(entry)
        if found is None:
            found = self.newest[entry] = _newest(memory, entry)
        return found


def _score(
    memory: MemoryIndex,
    query: PreparedText,
    entry: int,
    *,
    numbers_masked: str | None,
    context: tuple[int, int] | None,
    memo: _ScoreMemo | None = None,
) -> _Scored:
    """Phase 3: one entry's full match percentage, from its stored texts (``memo``: those of this lookup so far)."""
    done = memo.by_entry.get(entry) if memo is not None else None
    if done is not None:
        return done
    norm = memory.normalizer
    source_xml = memory.text(Column.SOURCE_XML, entry)
    status = memory.status_of(entry)
    same_context = context is not None and (int(memory.context_prev[entry]), int(memory.context_next[entry])) == context
    stored: PreparedText | None = None
    target_xml: str | None = None
    if numbers_masked is not None or memo is None:
        stored = prepare(segment_from_xml(source_xml), norm)
        if numbers_masked is not None and mask_numbers(stored.key) == numbers_masked:
            target_xml = memory.text(Column.TARGET_XML, entry)
    known = memo.by_text.get((source_xml, target_xml, status, same_context)) if memo is not None else None
    if memo is not None and known is not None:
        copied = memo.by_entry[entry] = _Scored(entry, known[0], status, known[1], known[2])
        return copied
    if stored is None:
        stored = prepare(segment_from_xml(source_xml), norm)
    target = segment_from_xml(target_xml) if target_xml is not None else None
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
    scored = _Scored(entry, stored, status, result, target)
    if memo is not None:
        memo.by_text[source_xml, target_xml, status, same_context] = (stored, result, target)
        memo.by_entry[entry] = scored
    return scored


def _ties_ranked(memory: MemoryIndex, passing: list[_Scored], depth: int, memo: _ScoreMemo) -> list[_Scored]:
    """``passing`` (by score and similarity) with the entries tied with the ``depth``-th put in `_Placed.rank`'s order
    (status, newest date), then by unit id and source, and where those too are equal across the cut, by the
    stored translation (read for those entries only): which of them make the cut is then the matches' own, not
    the order in which the candidate index gave them (a memory's layers give them in another order than one
    index). Matches that `_Placed.rank` finds equal keep the order they were found in, as a shared memory's do."""
    edge = passing[depth - 1].order()
    start, end = depth - 1, depth
    while start > 0 and passing[start - 1].order() == edge:
        start -= 1
    while end < len(passing) and passing[end].order() == edge:
        end += 1

    def rank(scored: _Scored) -> tuple[int, str, str, str]:
        key = memo.ties.get(scored.entry)
        if key is None:
            tuid = memory.optional(Column.TUID, scored.entry)
            newest = _invert(memo.newest_of(memory, scored.entry))
            key = memo.ties[scored.entry] = (-scored.status.rank, newest, tuid or "", scored.stored.segment.plain)
        return key

    ranked = sorted(((rank(scored), scored) for scored in passing[start:end]), key=lambda pair: pair[0])
    cut = depth - start
    if ranked[cut - 1][0] == ranked[cut][0]:  # one source, one status and date, no unit id: the translations decide
        same = [number for number, (key, _scored) in enumerate(ranked) if key == ranked[cut][0]]

        def translation(pair: tuple[tuple[int, str, str, str], _Scored]) -> tuple[str, str]:
            # The text shown first (numbers substituted), as `match` breaks ties (`_tie_break`): what is cut here
            # never outranks what is kept.
            scored = pair[1]
            key = memo.translations.get(scored.entry)
            if key is None:
                stored = memory.text(Column.TARGET_XML, scored.entry)
                key = memo.translations[scored.entry] = (memo.shown_target(memory, scored), stored)
            return key

        group = sorted((ranked[number] for number in same), key=translation)
        for number, pair in zip(same, group, strict=True):
            ranked[number] = pair
    return [*passing[:start], *(scored for _key, scored in ranked), *passing[end:]]


@dataclass(frozen=True, slots=True)
class _Placed:
    """A scored entry of one memory among a lookup's best, with what ranks it: made a `Match` only if shown."""

    memory: MemoryIndex
    scored: _Scored
    newest: str  # the entry's change date, else its creation date, else ""
    rank_key: tuple[float, float, int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        score, base = self.scored.order_key
        object.__setattr__(self, "rank_key", (score, base, -self.scored.status.rank, _invert(self.newest)))

    def rank(self) -> tuple[float, float, int, str]:
        """Best first: score, then the similarity before the fuzzy cap, workflow status, newest change."""
        return self.rank_key


def _shown(
    found: list[_Placed],
    limit: int,
    made: dict[tuple[int, int], Match] | None = None,
    *,
    exclude: tuple[MemoryIndex, str, str] | None = None,
) -> tuple[list[Match], list[tuple[float, float, int, str]]]:
    """The distinct pairs of ``found`` (in rank order) as matches, up to ``limit`` and every one of the last one's
    rank, with their ranks: made (their translation and provenance read) only as far as the limit needs, and kept
    in ``made`` by memory and entry. The ``exclude`` pair's copies in its memory are passed over (`Matcher.match`)."""
    made = {} if made is None else made
    unique: list[Match] = []
    ranks: list[tuple[float, float, int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for placed in found:
        rank = placed.rank()
        if len(unique) >= limit and rank != ranks[limit - 1]:
            break
        made_as = (id(placed.memory), placed.scored.entry)
        match = made.get(made_as)
        if match is None:
            match = made[made_as] = _as_match(placed.memory, placed.scored)
        identity = (match.source.plain, match.target.plain)
        if exclude is not None and placed.memory is exclude[0] and identity == exclude[1:]:
            # Left out before copies of a pair are merged: where the excluded copy ranks first (the working file's
            # own entry, 101% in its context), a copy in another memory still stands for the pair.
            continue
        shown = seen.get(identity)
        if shown is None:
            seen[identity] = len(unique)
            unique.append(match)
            ranks.append(rank)
        elif ranks[shown] == rank and _tie_break(match) < _tie_break(unique[shown]):
            # Copies equal on every rank: the one the tie-break puts first stands for the pair, whichever was found
            # first (a copy's unit id decides whether its pair makes the limit).
            unique[shown] = match
    return unique, ranks


def _may_hide(
    found: list[_Placed], ranks: list[tuple[float, float, int, str]], limit: int, *, alone: bool, memo: _ScoreMemo
) -> bool:
    """Whether a memory whose lookup filled its depth with ``found`` may hold, below it, a pair that belongs among
    the ``limit`` shown (of ``ranks``): only when ``found`` holds one pair twice (else its distinct pairs alone
    fill the limit, and what it hides ranks below them) and fewer than ``limit`` are shown or its last ranks above
    the last shown, or ties with it when the memory is not ``alone``. (What it hides ranks no higher than its last;
    tied with the last shown, it was cut after those kept by `_ties_ranked` in the order `match` breaks ties by, so
    it would not be shown before them; but where the kept are copies of one pair, another memory's tied match takes
    the place it would have.)"""
    if len(ranks) >= limit and (
        found[-1].rank() > ranks[limit - 1] or (alone and found[-1].rank() == ranks[limit - 1])
    ):
        return False
    by_source: dict[str, list[_Placed]] = {}
    for placed in found:
        by_source.setdefault(placed.scored.stored.segment.plain, []).append(placed)
    for copies in by_source.values():  # a pair stored twice has one source: only those groups' translations are read
        if len(copies) > 1:
            targets = [memo.shown_target(placed.memory, placed.scored) for placed in copies]
            if len(set(targets)) < len(targets):
                return True
    return False


def _newest(memory: MemoryIndex, entry: int) -> str:
    return memory.optional(Column.CHANGE_DATE, entry) or memory.optional(Column.CREATION_DATE, entry) or ""


def _stored_target(memory: MemoryIndex, scored: _Scored) -> Segment:
    """A scored entry's stored translation (read now unless it was read to substitute numbers)."""
    return scored.target or segment_from_xml(memory.text(Column.TARGET_XML, scored.entry))


def _shown_target(memory: MemoryIndex, scored: _Scored) -> Segment:
    """The translation a match shows: with the query's numbers substituted, else as stored."""
    return scored.result.target or _stored_target(memory, scored)


def _as_match(memory: MemoryIndex, scored: _Scored) -> Match:
    """Phase 4: a scored entry as the suggestion shown, with its target and provenance."""
    entry, result = scored.entry, scored.result
    stored_target = _stored_target(memory, scored)
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


def too_long_to_match(segment: Segment | str) -> bool:
    """Whether `Matcher.match` refuses ``segment`` as longer than `MAX_MATCH_CHARS`."""
    return len(_plain(segment)) > MAX_MATCH_CHARS


def _plain(segment: Segment | str) -> str:
    return segment if isinstance(segment, str) else segment.plain


def _base(breakdown: Breakdown) -> float:
    return CHAR_WEIGHT * breakdown.char_similarity + WORD_WEIGHT * breakdown.word_similarity


def _tie_break(match: Match) -> tuple[str, str, str]:
    """Among matches `_Placed.rank` finds equal: the unit id, the source, the translation (as `_ties_ranked` orders)."""
    return (match.tuid or "", match.source.plain, match.target.plain)


@functools.lru_cache(maxsize=4096)
def _invert(text: str) -> str:
    # Sorting ascending on the inverted characters puts the newest date first.
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


__all__ = ["MAX_MATCH_CHARS", "ExhaustiveMatcher", "Match", "Matcher", "SegmentTooLongError", "too_long_to_match"]
