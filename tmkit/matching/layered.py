"""A memory's index with deltas stacked on it: superseded entries hidden, each layer's live ones numbered in turn."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from tmkit.matching.candidate_index import CANDIDATE_LIMIT, CandidateIndex, best_estimated, estimated_together

IntArray = npt.NDArray[np.int64]
_NONE: IntArray = np.empty(0, dtype=np.int64)
#: Main indexes whose entries' units are kept sorted for `EntryUnits.of` (one per memory a process follows).
_UNITS_KEPT = 4


class Strings(Protocol):
    """What lookups ask of a column of strings (`StringColumn`, `FileStringColumn`, `LayeredColumn`)."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> str: ...

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]: ...

    @property
    def holds_nothing(self) -> bool: ...


class Words(Protocol):
    """What concordance asks of a word index (`WordIndex`, `LayeredWords`)."""

    def entries(self, word: str, *, prefix: bool = False) -> npt.NDArray[np.uint32]: ...


class EntryUnits:
    """Each entry's unit number in one layer, sorted: the entries of given units are found by binary search."""

    __slots__ = ("order", "units")
    _kept: dict[int, tuple[npt.NDArray[Any], EntryUnits]] = {}  # noqa: RUF012 (a cache shared by the class)
    _keeping = threading.Lock()  # a follower's thread and an editor's workers stack layers at once

    def __init__(self, units: npt.NDArray[np.integer[Any]] | Sequence[int]) -> None:
        numbers = np.asarray(units, dtype=np.int64)
        # As an index is built, a unit's entries are consecutive and in unit order: no permutation is needed.
        if _nondecreasing(numbers):
            self.order: IntArray | None = None
            self.units: IntArray = numbers
        else:
            self.order = np.argsort(numbers, kind="stable").astype(np.int64)
            self.units = numbers[self.order]

    @classmethod
    def of(cls, units: npt.NDArray[Any]) -> EntryUnits:
        """Those of a main index's array, made once per array (the check that it is sorted reads every entry)."""
        with cls._keeping:
            kept = cls._kept.get(id(units))
            if kept is not None and kept[0] is units:
                return kept[1]
        made = cls(units)
        with cls._keeping:
            if len(cls._kept) >= _UNITS_KEPT:
                cls._kept.pop(next(iter(cls._kept)))
            cls._kept[id(units)] = (units, made)  # the array is held, so its id is not another's while kept
        return made

    def entries(self, numbers: npt.NDArray[np.integer[Any]] | Sequence[int]) -> IntArray:
        """The entries of the units numbered ``numbers``, sorted."""
        wanted = np.unique(np.asarray(numbers, dtype=np.int64))
        if not len(wanted) or not len(self.units):
            return _NONE
        first = np.searchsorted(self.units, wanted, side="left")
        counts = np.searchsorted(self.units, wanted, side="right") - first
        run_starts = np.cumsum(counts) - counts
        found: IntArray = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(first - run_starts, counts)
        if self.order is None:
            return found
        ordered: IntArray = np.sort(self.order[found])
        return ordered


class Layers:
    """How a layered index numbers its entries: each layer's live entries in order, the main index's first.

    Kept as each layer's gone entries (changed or deleted units', and their neighbours'), not as
    arrays over every entry: stacking a layer over a million entries allocates nothing of that size,
    and a lookup maps its few hundred candidates by binary search. A layer stacked on costs the
    entries it supersedes: its units' entries are found in each layer below by their units.
    """

    __slots__ = ("_gone_before", "_starts", "counts", "dead", "starts", "units")

    def __init__(self, counts: Sequence[int], dead: Sequence[IntArray], units: Sequence[EntryUnits | None]) -> None:
        self.counts = tuple(counts)
        self.dead = tuple(dead)  # sorted, once each
        self.units = tuple(units)  # None: a layer nothing can be stacked on (its entries' units are not known)
        live = [count - len(gone) for count, gone in zip(self.counts, self.dead, strict=True)]
        self.starts: IntArray = np.concatenate(([0], np.cumsum(live))).astype(np.int64)
        self._starts = self.starts.tolist()
        # The number the k-th gone entry of a layer would have among its live ones: one at or past it is one more.
        self._gone_before = tuple(gone - np.arange(len(gone), dtype=np.int64) for gone in self.dead)

    @classmethod
    def over(cls, count: int, units: EntryUnits | None) -> Layers:
        """One layer, all alive: a main index before anything is stacked on it."""
        return cls([count], [_NONE], [units])

    def __len__(self) -> int:
        return int(self._starts[-1])

    def stacked(
        self, count: int, units: EntryUnits | None, superseded: npt.NDArray[np.int64] | Sequence[int]
    ) -> Layers:
        """These layers with one of ``count`` entries on top, the entries of the units ``superseded`` gone below."""
        dead: list[IntArray] = []
        for gone, of in zip(self.dead, self.units, strict=True):
            if of is None:
                raise ValueError("a layer whose entries' units are not known has nothing stacked on it")
            dead.append(_joined(gone, of.entries(superseded)))
        return Layers([*self.counts, count], [*dead, _NONE], [*self.units, units])

    def alive(self, layer: int, entries: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.bool_]:
        """Which of these entries of a layer are in use."""
        wanted = np.asarray(entries, dtype=np.int64)
        dead = self.dead[layer]
        if not len(dead):
            return np.ones(len(wanted), dtype=np.bool_)
        at = np.minimum(np.searchsorted(dead, wanted), len(dead) - 1)
        alive: npt.NDArray[np.bool_] = dead[at] != wanted
        return alive

    def from_layer(self, layer: int, entries: npt.NDArray[np.integer[Any]]) -> IntArray:
        """A layer's entry numbers (sorted or not) as this numbering has them; those not alive left out."""
        wanted = np.asarray(entries, dtype=np.int64)
        dead = self.dead[layer]
        if len(dead):
            wanted = wanted[self.alive(layer, wanted)]
            wanted = wanted - np.searchsorted(dead, wanted)
        numbered: IntArray = wanted + self._starts[layer]
        return numbered

    def to_layer(self, layer: int, numbers: npt.NDArray[np.integer[Any]]) -> IntArray:
        """The entries in ``layer`` of numbers that fall in it."""
        wanted: IntArray = np.asarray(numbers, dtype=np.int64) - self._starts[layer]
        gone = self._gone_before[layer]
        if not len(gone):
            return wanted
        local: IntArray = wanted + np.searchsorted(gone, wanted, side="right")
        return local

    def layer_of(self, numbers: npt.NDArray[np.integer[Any]]) -> IntArray:
        """The layer each number falls in."""
        layer: IntArray = np.searchsorted(self.starts, np.asarray(numbers, dtype=np.int64), side="right") - 1
        return layer

    def locate(self, number: int) -> tuple[int, int]:
        """The layer and entry of one number (as `status_of` asks, one candidate at a time)."""
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError(f"entry {number} of {len(self)}")
        layer = bisect.bisect_right(self._starts, number) - 1
        local = number - self._starts[layer]
        gone = self._gone_before[layer]
        if len(gone) and local >= gone[0]:
            local += int(np.searchsorted(gone, local, side="right"))
        return layer, local

    def split(self, numbers: npt.NDArray[np.int64]) -> list[tuple[int, IntArray, IntArray]]:
        """Numbers grouped by layer: (layer, their positions in ``numbers``, their entries there) for each layer met."""
        if len(self.counts) == 1 or not len(numbers):
            return [(0, np.arange(len(numbers), dtype=np.int64), self.to_layer(0, numbers))]
        layers = self.layer_of(numbers)
        groups = []
        for layer in np.unique(layers).tolist():
            positions = np.flatnonzero(layers == layer).astype(np.int64)
            groups.append((layer, positions, self.to_layer(layer, numbers[positions])))
        return groups


def _joined(gone: IntArray, more: IntArray) -> IntArray:
    """Two sorted sets of entries as one, sorted (the new ones put in place, not the whole sorted again)."""
    if not len(more):
        return gone
    if len(gone):
        at = np.minimum(np.searchsorted(gone, more), len(gone) - 1)
        more = more[gone[at] != more]
    return np.insert(gone, np.searchsorted(gone, more), more)


class LayeredValues:
    """One value an entry (status, context, unit) of a layered index, read through its numbering from each layer's
    array: nothing of the main index's size is copied when a layer is stacked on."""

    __slots__ = ("dtype", "layers", "parts")

    def __init__(self, parts: Sequence[npt.NDArray[Any]], layers: Layers) -> None:
        self.parts, self.layers = tuple(parts), layers
        self.dtype = np.result_type(*parts)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, number: int) -> Any:
        layer, entry = self.layers.locate(int(number))
        return self.parts[layer][entry]

    def __array__(self, dtype: npt.DTypeLike | None = None, copy: bool | None = None) -> npt.NDArray[Any]:
        """Every entry's value in order (a copy of the size of the index: for tests and tools, not lookups)."""
        pieces = [
            np.delete(np.asarray(part), dead) if len(dead) else np.asarray(part)
            for part, dead in zip(self.parts, self.layers.dead, strict=True)
        ]
        whole: npt.NDArray[Any] = np.concatenate(pieces).astype(self.dtype if dtype is None else dtype, copy=False)
        return whole

    def max(self) -> Any:
        """The largest value, as an array's (what a check of a loaded index asks)."""
        return np.asarray(self).max()


def layered_parts(values: npt.NDArray[Any] | LayeredValues) -> tuple[npt.NDArray[Any], ...]:
    """Each layer's array behind a layered index's values (the one array of an index with no layers)."""
    return values.parts if isinstance(values, LayeredValues) else (values,)


class LayeredColumn:
    """Each layer's strings of live entries in turn: a column of a layered index."""

    __slots__ = ("layers", "parts")

    def __init__(self, parts: Sequence[Strings], layers: Layers) -> None:
        self.parts, self.layers = tuple(parts), layers

    @classmethod
    def on(cls, below: Strings, top: Strings, layers: Layers) -> LayeredColumn:
        """``below`` (a layered column or one layer's) with ``top`` stacked on it."""
        parts = below.parts if isinstance(below, LayeredColumn) else (below,)
        return cls((*parts, top), layers)

    def __len__(self) -> int:
        return len(self.layers)

    @property
    def holds_nothing(self) -> bool:
        return all(part.holds_nothing for part in self.parts)

    def __getitem__(self, index: int) -> str:
        layer, entry = self.layers.locate(index)
        return self.parts[layer][entry]

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        """The strings of many entries, each layer's read in one call (as a lookup reads its candidates' keys)."""
        wanted = np.asarray(indexes, dtype=np.int64)
        if len(self.parts) > 1 and len(wanted):
            layers = self.layers.layer_of(wanted)
            if _nondecreasing(layers):
                # A lookup's candidates come layer by layer (`LayeredCandidates`): each layer's strings are one run,
                # joined as lists rather than put in place one by one.
                ends = np.searchsorted(layers, np.arange(len(self.parts)), side="right").tolist()
                joined: list[str] = []
                low = 0
                for layer, high in enumerate(ends):
                    if high > low:
                        joined += self.parts[layer].take(self.layers.to_layer(layer, wanted[low:high]))
                    low = high
                return joined
        groups = self.layers.split(wanted)
        if len(groups) == 1:
            layer, _positions, entries = groups[0]
            return self.parts[layer].take(entries)
        strings: list[str] = [""] * len(wanted)
        for layer, positions, entries in groups:
            for position, string in zip(positions.tolist(), self.parts[layer].take(entries), strict=True):
                strings[position] = string
        return strings


class LayeredCandidates:
    """Candidates from each layer's index (its live entries only), numbered as the layered index numbers them."""

    __slots__ = ("_gone", "layers", "parts")

    def __init__(self, parts: Sequence[CandidateIndex], layers: Layers) -> None:
        self.parts, self.layers = tuple(parts), layers
        self._gone: list[IntArray | None] = [None] * len(self.parts)

    def gone_positions(self, layer: int) -> IntArray:
        """A layer's superseded entries as its candidate index's internal positions (ascending), found once."""
        found = self._gone[layer]
        if found is None:
            dead = self.layers.dead[layer]
            order = self.parts[layer].length_order
            found = np.flatnonzero(np.isin(order, dead)) if len(dead) else _NONE
            self._gone[layer] = found  # the same answer whichever thread finds it first
        return found

    @classmethod
    def on(cls, below: CandidateIndex | LayeredCandidates, top: CandidateIndex, layers: Layers) -> LayeredCandidates:
        parts = below.parts if isinstance(below, LayeredCandidates) else (below,)
        return cls((*parts, top), layers)

    def near_equal_count(self, key: str) -> int:
        """As `CandidateIndex.near_equal_count`, over every layer (superseded entries counted too)."""
        return sum(index.near_equal_count(key) for index in self.parts)

    def candidates_with_keys(
        self,
        key: str,
        *,
        min_similarity: float,
        limit: int = CANDIDATE_LIMIT,
        budget: int | None = None,
        fallback_similarity: float | None = None,
        word_lift: float | None = None,
    ) -> tuple[IntArray, list[str]]:
        """As `CandidateIndex.candidates_with_keys`, over every layer: each layer's entries found exactly (keys given),
        then the best ``limit`` of all layers' entries found by estimate, with every one tied with the last of them.

        Merged by estimate as one index would cut them, not ``limit`` from each layer: at 1M a lookup with an
        11,000-unit delta rescored ~107 of the delta's entries a lookup, mostly far from the query. A layer's
        best are kept whatever their number (a session's edits are often where a query's near matches are).
        """
        plans = [
            index.lookup_plan(
                key,
                min_similarity=min_similarity,
                budget=budget,
                fallback_similarity=fallback_similarity,
                word_lift=word_lift,
            )
            for index in self.parts
        ]
        exact: list[IntArray] = []
        keys: list[str] = []
        for layer, plan in enumerate(plans):
            if len(plan.exact):
                alive = self.layers.alive(layer, plan.exact)
                exact.append(self.layers.from_layer(layer, plan.exact))
                keys += (
                    plan.keys if alive.all() else [k for k, kept in zip(plan.keys, alive.tolist(), strict=True) if kept]
                )
        # The longer keys by estimate, as one index holding every layer's would find them: the same grams read in
        # each layer (those a compacted index would read), scaled alike, and the best `limit` of all kept.
        held = [
            (layer, index.grams_in_window(key, plan.ranges, stacked=layer > 0))
            for layer, (index, plan) in enumerate(zip(self.parts, plans, strict=True))
            if plan.ranges
        ]
        # Superseded entries are estimated below every live one: they take none of the best places.
        parts = [(layer, replace(grams, gone=self.gone_positions(layer))) for layer, grams in held if grams is not None]
        numbers: list[IntArray] = []
        estimates: list[npt.NDArray[np.float64]] = []
        if parts:
            found, limit = estimated_together([grams for _layer, grams in parts], key, limit)
            for (layer, grams), (settled, estimated) in zip(parts, found, strict=True):
                live = estimated >= 0.0
                positions, estimate = settled[live], estimated[live]
                # The best of all are among each layer's best (and thousands may be settled at 1M).
                kept = best_estimated(estimate, limit) if len(positions) > limit else slice(None)
                entries = grams.index.length_order[positions[kept]].astype(np.int64)
                numbers.append(self.layers.from_layer(layer, entries))
                estimates.append(estimate[kept])
        everyone = np.concatenate((_NONE, *numbers))
        if len(everyone) > limit:
            everyone = everyone[best_estimated(np.concatenate(estimates), limit)]
        # In the layered numbering's order, layer by layer, as `LayeredColumn.take` reads their keys in one run a layer.
        everyone.sort()
        return np.concatenate((*exact, everyone)), keys


class LayeredWords:
    """Concordance postings of each layer's live entries, numbered as the layered index numbers them."""

    __slots__ = ("layers", "parts")

    def __init__(self, parts: Sequence[Words], layers: Layers) -> None:
        self.parts, self.layers = tuple(parts), layers

    @classmethod
    def on(cls, below: Words, top: Words, layers: Layers) -> LayeredWords:
        parts = below.parts if isinstance(below, LayeredWords) else (below,)
        return cls((*parts, top), layers)

    def entries(self, word: str, *, prefix: bool = False) -> npt.NDArray[np.uint32]:
        found = [
            self.layers.from_layer(layer, words.entries(word, prefix=prefix)) for layer, words in enumerate(self.parts)
        ]
        return np.concatenate(found).astype(np.uint32)


def _nondecreasing(values: npt.NDArray[Any]) -> bool:
    return bool(len(values) < 2 or np.all(values[1:] >= values[:-1]))


__all__ = [
    "EntryUnits",
    "LayeredCandidates",
    "LayeredColumn",
    "LayeredValues",
    "LayeredWords",
    "Layers",
    "Strings",
    "Words",
    "layered_parts",
]
