"""A memory's index with a small delta on top: the main index's superseded entries hidden, the delta's after them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from tmkit.matching.candidate_index import CANDIDATE_LIMIT, CandidateIndex

IntArray = npt.NDArray[np.int64]


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

    ``live`` are the main entries in use, ``rank`` numbers each main entry among them (where it is alive).
    """

    __slots__ = ("alive", "live", "offset", "rank")

    def __init__(self, alive: npt.NDArray[np.bool_]) -> None:
        self.alive = alive
        self.live = np.flatnonzero(alive).astype(np.int64)
        self.rank = np.cumsum(alive, dtype=np.int64) - 1
        self.offset = len(self.live)

    def from_main(self, entries: npt.NDArray[np.integer[Any]]) -> IntArray:
        """Main entry numbers (sorted or not) as this numbering has them; those not alive left out."""
        kept: IntArray = self.rank[entries[self.alive[entries]]]
        return kept


class LayeredColumn:
    """The main column's strings of live entries, then the delta's: entry ``offset + i`` is the delta's entry ``i``."""

    __slots__ = ("delta", "layers", "main")

    def __init__(self, main: Strings, delta: Strings, layers: Layers) -> None:
        self.main, self.delta, self.layers = main, delta, layers

    def __len__(self) -> int:
        return self.layers.offset + len(self.delta)

    def __getitem__(self, index: int) -> str:
        offset = self.layers.offset
        return self.main[int(self.layers.live[index])] if index < offset else self.delta[index - offset]

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        """The strings of many entries, each layer's read in one call (as a lookup reads its candidates' keys)."""
        wanted = np.asarray(indexes, dtype=np.int64)
        offset, live = self.layers.offset, self.layers.live
        in_delta = wanted >= offset
        if not in_delta.any():
            return self.main.take(live[wanted])
        if in_delta.all():
            return self.delta.take(wanted - offset)
        strings: list[str] = [""] * len(wanted)
        for positions, strings_taken in (
            (np.flatnonzero(~in_delta), self.main.take(live[wanted[~in_delta]])),
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
    ) -> tuple[IntArray, list[str]]:
        """As `CandidateIndex.candidates_with_keys`, per layer: the keys given are those of the first entries."""
        options: dict[str, Any] = {"min_similarity": min_similarity, "limit": limit}
        if budget is not None:
            options |= {"budget": budget, "fallback_similarity": fallback_similarity}
        main_entries, main_keys = self.main.candidates_with_keys(key, **options)
        keep = self.layers.alive[main_entries]
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


def alive_entries(
    unit_of_entry: npt.NDArray[np.uint32], dead_units: Sequence[int] | npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Which entries of an index stay in use when the units numbered ``dead_units`` are gone (changed or deleted)."""
    unit_count = int(unit_of_entry.max()) + 1 if len(unit_of_entry) else 0
    dead = np.zeros(unit_count + 1, dtype=np.bool_)
    numbers = np.asarray(dead_units, dtype=np.int64)
    numbers = numbers[(numbers >= 0) & (numbers < unit_count)]
    dead[numbers] = True
    return ~dead[unit_of_entry]


__all__ = ["LayeredCandidates", "LayeredColumn", "LayeredWords", "Layers", "Strings", "Words", "alive_entries"]
