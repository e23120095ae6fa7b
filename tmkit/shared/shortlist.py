"""A database lookup's candidates taken best bound first, their stored units read only while they can still place."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from tmkit.matching.match_percent import (
    CHAR_WEIGHT,
    EXACT,
    FUZZY_CAP,
    IN_CONTEXT,
    UNCONFIRMED_PENALTY,
    UNCONFIRMED_STATUSES,
    WORD_WEIGHT,
    FormalTwins,
    PreparedText,
    clitic_blind_words,
    key_words,
    word_similarity,
)
from tmkit.matching.matcher import minimum_char_similarity
from tmkit.memory.model import Status
from tmkit.text.numbers import NUMBER_RE, mask_numbers

#: Stored units read in one round trip while the walk goes on (besides those that may score 95+, read first).
READ_BATCH = 8
#: Scores closer than this are equal (the bound and the formula round alike).
_SLACK = 1e-4

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CandidateKey:
    """A segment the trigram index offered: its unit, its normalized key, the unit's status (no body yet)."""

    unit_id: int
    key: str
    status: Status
    rejected: bool


@dataclass(slots=True)
class _Ranked:
    unit_id: int
    keys: list[str]
    unconfirmed: float
    bound: float
    always: bool


class CandidateWalk(Generic[T]):
    """The units a lookup scores in full, best upper bound first, as `Matcher` walks a file index's candidates.

    The bound of a unit is 0.6 × C + 0.4 × W over its keys with every proclitic removed
    (`clitic_blind_words`, never below the formula's W), capped at 94, less the unconfirmed
    penalty its status column already says; a unit whose key may score 95+ whatever its characters
    (equal but for form, spelling or numbers) is read first. Before a unit is read its provisional
    score (the same with the formula's own W: the full score but for inline codes, never below it)
    must reach the ``depth``-th best full score so far (from ``scores``), else the cutoff; the walk
    stops when the bound falls below it. A unit whose candidate key cannot reach the cutoff's
    character similarity (`minimum_char_similarity`) is never read. ``read`` fetches stored units
    by id, `READ_BATCH` at a time.
    """

    def __init__(
        self,
        query: PreparedText,
        candidates: Iterable[CandidateKey],
        *,
        arabic: bool,
        score_cutoff: float,
        depth: int,
        read: Callable[[list[int]], dict[int, T]],
    ) -> None:
        self.query = query
        self.arabic = arabic
        self.score_cutoff = score_cutoff
        self.depth = depth
        self._read = read
        #: Units read from the database by this walk (what the bound saved is the rest).
        self.units_read = 0
        self._order = self._rank(list(candidates))

    def _rank(self, candidates: list[CandidateKey]) -> list[_Ranked]:
        by_unit: dict[int, _Ranked] = {}
        for candidate in candidates:
            if candidate.rejected:
                continue  # never offered: not worth reading
            ranked = by_unit.get(candidate.unit_id)
            if ranked is None:
                unconfirmed = UNCONFIRMED_PENALTY if candidate.status in UNCONFIRMED_STATUSES else 0.0
                by_unit[candidate.unit_id] = _Ranked(candidate.unit_id, [candidate.key], unconfirmed, 0.0, False)
            else:
                ranked.keys.append(candidate.key)
        units = list(by_unit.values())
        if not units:
            return []
        keys = [key for unit in units for key in unit.keys]
        query_key = self.query.key
        chars = process.cdist([query_key], keys, scorer=fuzz.ratio, dtype=np.float32)[0]
        blind = clitic_blind_words(keys, arabic=self.arabic)
        query_blind = clitic_blind_words([query_key], arabic=self.arabic)[0]
        if query_blind:
            words = 100.0 * process.cdist([query_blind], blind, scorer=Levenshtein.normalized_similarity)[0]
        else:
            words = np.full(len(blind), EXACT)
        bounds = np.minimum(CHAR_WEIGHT * chars + WORD_WEIGHT * words, FUZZY_CAP)
        min_char = minimum_char_similarity(self.score_cutoff)
        near = _NearEqual(query_key, arabic=self.arabic)
        kept: list[_Ranked] = []
        position = 0
        for unit in units:
            span = range(position, position + len(unit.keys))
            position += len(unit.keys)
            unit.always = any(near(keys[at]) for at in span)
            reachable = [at for at in span if chars[at] >= min_char - _SLACK]
            if unit.always:
                unit.bound = IN_CONTEXT
            elif reachable:
                unit.bound = max(float(bounds[at]) for at in reachable) - unit.unconfirmed
            else:
                continue  # no key of it reaches the character similarity the cutoff needs
            kept.append(unit)
        kept.sort(key=lambda unit: (not unit.always, -unit.bound, unit.unit_id))
        return kept

    def _provisional(self, unit: _Ranked) -> float:
        """The full score but for inline codes (never below it): the formula's base from the keys."""
        best = 0.0
        for key in unit.keys:
            base = CHAR_WEIGHT * float(fuzz.ratio(self.query.key, key)) + WORD_WEIGHT * word_similarity(
                self.query.words, key_words(key, arabic=self.arabic), arabic=self.arabic
            )
            best = max(best, base)
        return min(best, FUZZY_CAP) - unit.unconfirmed

    def units(self, scores: Callable[[], Iterable[float]]) -> Iterator[T]:
        """The units worth scoring in full, in walk order; ``scores`` gives the full scores found so far."""
        read: dict[int, T] = {}
        for number, unit in enumerate(self._order):
            if not unit.always:
                best = heapq.nlargest(self.depth, scores())
                floor = max(best[-1], self.score_cutoff) if len(best) >= self.depth else self.score_cutoff
                if unit.bound < floor - _SLACK:
                    return  # ordered by the bound: no later unit can place
                if self._provisional(unit) < floor - _SLACK:
                    continue
            if unit.unit_id not in read:
                ahead = [u.unit_id for u in self._order[number:] if u.always or u.unit_id == unit.unit_id]
                ahead += [u.unit_id for u in self._order[number:] if not u.always][:READ_BATCH]
                wanted = sorted({unit_id for unit_id in ahead if unit_id not in read})
                read.update(self._read(wanted))
                self.units_read += len(wanted)
            stored = read.get(unit.unit_id)
            if stored is not None:  # None: deleted since its key was read
                yield stored


class _NearEqual:
    """Whether a key may score 95+ whatever its characters: equal to the query's but for form (punctuation
    marks and the spaces around them), Arabic spelling variants, or numbers (as `Matcher` decides it).

    Cheap tests first, as `Matcher` does: one equal but for numbers holds the query's longest stretch without
    numbers; form and spelling are `FormalTwins`'.
    """

    def __init__(self, query_key: str, *, arabic: bool) -> None:
        self.masked = mask_numbers(query_key) if NUMBER_RE.search(query_key) else None
        self.stretch = max(self.masked.split("#"), key=len) if self.masked is not None else ""
        self.twins = FormalTwins(query_key, fold=arabic)

    def __call__(self, key: str) -> bool:
        if self.masked is not None and self.stretch in key and mask_numbers(key) == self.masked:
            return True
        return self.twins(key)


__all__ = ["READ_BATCH", "CandidateKey", "CandidateWalk"]
