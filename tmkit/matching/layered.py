"""A memory's index with a small delta on top: the main index's superseded entries hidden, the delta's after them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from tmkit.matching.candidate_index import CANDIDATE_LIMIT, CandidateIndex

IntArray = npt.NDArray[np.int64]
#: Gone entries up to which `Layers.stacked` copies the runs between them one slice at a time (past
#: it, one pass through a mask of every main entry is cheaper than as many Python-level copies).
_RUNS_COPIED_ONE_BY_ONE = 256


class Strings(Protocol):
    """What lookups ask of a column of strings (`StringColumn`, `FileStringColumn`, `LayeredColumn`)."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> str: ...

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]: ...


class Words(Protocol):
    """What concordance asks of a word index (`WordIndex`, `LayeredWords`)."""

    def entries(self, word: str, *, prefix: bool = False) -> npt.NDArray[np.uint32]: ...


class Layers:
    """How a layered index numbers its entries: the main index's live entries first (in their order), then the delta's.

    Kept as the main entries that are gone (changed or deleted units'; few for a small delta), not
    as arrays over every main entry: laying a delta over a million entries then allocates nothing
    of that size, and each lookup maps its few hundred candidates by binary search.
    """

    __slots__ = ("_gone_before", "dead", "main_count", "offset")

    def __init__(self, dead: npt.NDArray[np.integer[Any]], main_count: int) -> None:
        self.dead: IntArray = np.unique(np.asarray(dead, dtype=np.int64))  # sorted, once each
        self.main_count = main_count
        self.offset = main_count - len(self.dead)
        # The number the k-th gone entry would have among the live ones: a live number at or past it is one more.
        self._gone_before: IntArray = self.dead - np.arange(len(self.dead), dtype=np.int64)

    def alive(self, entries: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.bool_]:
        """Which of these main entries are in use."""
        wanted = np.asarray(entries, dtype=np.int64)
        if not len(self.dead):
            return np.ones(len(wanted), dtype=np.bool_)
        at = np.minimum(np.searchsorted(self.dead, wanted), len(self.dead) - 1)
        alive: npt.NDArray[np.bool_] = self.dead[at] != wanted
        return alive

    def from_main(self, entries: npt.NDArray[np.integer[Any]]) -> IntArray:
        """Main entry numbers (sorted or not) as this numbering has them; those not alive left out."""
        wanted = np.asarray(entries, dtype=np.int64)
        if not len(self.dead):
            return wanted
        kept = wanted[self.alive(wanted)]
        numbered: IntArray = kept - np.searchsorted(self.dead, kept)
        return numbered

    def to_main(self, numbers: npt.NDArray[np.integer[Any]]) -> IntArray:
        """The main entry numbers of live entries numbered so here (each below `offset`)."""
        wanted = np.asarray(numbers, dtype=np.int64)
        if not len(self.dead):
            return wanted
        main: IntArray = wanted + np.searchsorted(self._gone_before, wanted, side="right")
        return main

    def stacked(self, main: npt.NDArray[Any], delta: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """One value per entry of this numbering: the main array's live entries', then the delta array's.

        Allocated once and copied run by run between the gone entries (through one mask when they
        are many): a million-entry index is laid over afresh at every update.
        """
        if len(main) != self.main_count:
            raise ValueError("an array of another number of main entries")
        out = np.empty(self.offset + len(delta), dtype=np.result_type(main, delta))
        if len(self.dead) > _RUNS_COPIED_ONE_BY_ONE:
            keep = np.ones(self.main_count, dtype=np.bool_)
            keep[self.dead] = False
            np.compress(keep, main, out=out[: self.offset])
        else:
            at = previous = 0
            for gone in self.dead.tolist():
                out[at : at + gone - previous] = main[previous:gone]
                at += gone - previous
                previous = gone + 1
            out[at : self.offset] = main[previous:]
        out[self.offset :] = delta
        return out


class LayeredColumn:
    """The main column's strings of live entries, then the delta's: entry ``offset + i`` is the delta's entry ``i``."""

    __slots__ = ("delta", "layers", "main")

    def __init__(self, main: Strings, delta: Strings, layers: Layers) -> None:
        self.main, self.delta, self.layers = main, delta, layers

    def __len__(self) -> int:
        return self.layers.offset + len(self.delta)

    def __getitem__(self, index: int) -> str:
        offset = self.layers.offset
        if index >= offset:
            return self.delta[index - offset]
        return self.main[int(self.layers.to_main(np.array([index], dtype=np.int64))[0])]

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        """The strings of many entries, each layer's read in one call (as a lookup reads its candidates' keys)."""
        wanted = np.asarray(indexes, dtype=np.int64)
        offset, to_main = self.layers.offset, self.layers.to_main
        in_delta = wanted >= offset
        if not in_delta.any():
            return self.main.take(to_main(wanted))
        if in_delta.all():
            return self.delta.take(wanted - offset)
        strings: list[str] = [""] * len(wanted)
        for positions, strings_taken in (
            (np.flatnonzero(~in_delta), self.main.take(to_main(wanted[~in_delta]))),
            (np.flatnonzero(in_delta), self.delta.take(wanted[in_delta] - offset)),
        ):
            for position, string in zip(positions.tolist(), strings_taken, strict=True):
                strings[position] = string
        return strings


class LayeredCandidates:
    """Candidates from the main index (its live entries only) and from the delta (numbered after the main's)."""

    __slots__ = ("delta", "layers", "main")

    def __init__(self, main: CandidateIndex, delta: CandidateIndex, layers: Layers) -> None:
        self.main, self.delta, self.layers = main, delta, layers

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
        """As `CandidateIndex.candidates_with_keys`, per layer: the keys given are those of the first entries."""
        options: dict[str, Any] = {"min_similarity": min_similarity, "limit": limit, "word_lift": word_lift}
        if budget is not None:
            options |= {"budget": budget, "fallback_similarity": fallback_similarity}
        main_entries, main_keys = self.main.candidates_with_keys(key, **options)
        keep = self.layers.alive(main_entries)
        if not keep.all():
            main_keys = [k for k, kept in zip(main_keys, keep[: len(main_keys)].tolist(), strict=True) if kept]
        main_entries = self.layers.from_main(main_entries)
        delta_entries, delta_keys = self.delta.candidates_with_keys(key, **options)
        delta_entries = delta_entries + self.layers.offset
        # The keys given are those of the first entries: both layers' entries with known keys come first.
        known_main, known_delta = len(main_keys), len(delta_keys)
        entries = np.concatenate(
            (
                main_entries[:known_main],
                delta_entries[:known_delta],
                main_entries[known_main:],
                delta_entries[known_delta:],
            )
        )
        return entries, main_keys + delta_keys


class LayeredWords:
    """Concordance postings of the main index's live entries, then the delta's."""

    __slots__ = ("delta", "layers", "main")

    def __init__(self, main: Words, delta: Words, layers: Layers) -> None:
        self.main, self.delta, self.layers = main, delta, layers

    def entries(self, word: str, *, prefix: bool = False) -> npt.NDArray[np.uint32]:
        main = self.layers.from_main(self.main.entries(word, prefix=prefix))
        delta = self.delta.entries(word, prefix=prefix).astype(np.int64) + self.layers.offset
        return np.concatenate((main, delta)).astype(np.uint32)


def dead_entries(unit_of_entry: npt.NDArray[np.uint32], dead_units: Sequence[int] | npt.NDArray[np.int64]) -> IntArray:
    """The entries of an index that are gone when the units numbered ``dead_units`` are (changed or deleted), sorted."""
    numbers = np.unique(np.asarray(dead_units, dtype=np.int64))
    if not len(numbers) or not len(unit_of_entry):
        return np.empty(0, dtype=np.int64)
    # Entries are in unit order (a unit's entries are consecutive): each dead unit's are one slice.
    units = np.asarray(unit_of_entry)
    if _nondecreasing(units):  # as built: each unit's entries in one run, so no array over every entry is made
        first = np.searchsorted(units, numbers, side="left")
        counts = np.searchsorted(units, numbers, side="right") - first
        run_starts = np.cumsum(counts) - counts
        entries: IntArray = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(first - run_starts, counts)
        return entries
    dead = np.zeros(int(units.max()) + 2, dtype=np.bool_)
    dead[numbers[(numbers >= 0) & (numbers < len(dead) - 1)]] = True
    return np.flatnonzero(dead[units]).astype(np.int64)


def _nondecreasing(values: npt.NDArray[Any]) -> bool:
    return bool(len(values) < 2 or np.all(values[1:] >= values[:-1]))


__all__ = ["LayeredCandidates", "LayeredColumn", "LayeredWords", "Layers", "Strings", "Words", "dead_entries"]
