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


class LayeredColumn:
    """The main column's strings, then the delta's: entry ``offset + i`` is the delta's entry ``i``."""

    __slots__ = ("delta", "main", "offset")

    def __init__(self, main: Strings, delta: Strings) -> None:
        self.main, self.delta, self.offset = main, delta, len(main)

    def __len__(self) -> int:
        return self.offset + len(self.delta)

    def __getitem__(self, index: int) -> str:
        return self.main[index] if index < self.offset else self.delta[index - self.offset]

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        """The strings of many entries, each layer's read in one call (as a lookup reads its candidates' keys)."""
        wanted = np.asarray(indexes, dtype=np.int64)
        in_delta = wanted >= self.offset
        if not in_delta.any():
            return self.main.take(wanted)
        if in_delta.all():
            return self.delta.take(wanted - self.offset)
        strings: list[str] = [""] * len(wanted)
        for positions, strings_taken in (
            (np.flatnonzero(~in_delta), self.main.take(wanted[~in_delta])),
            (np.flatnonzero(in_delta), self.delta.take(wanted[in_delta] - self.offset)),
        ):
            for position, string in zip(positions.tolist(), strings_taken, strict=True):
                strings[position] = string
        return strings


class LayeredCandidates:
    """Candidates from the main index (its live entries only) and from the delta (numbered after the main's)."""

    __slots__ = ("alive", "delta", "main", "offset")

    def __init__(self, main: CandidateIndex, delta: CandidateIndex, *, alive: npt.NDArray[np.bool_]) -> None:
        self.main, self.delta, self.alive, self.offset = main, delta, alive, len(alive)

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
        keep = self.alive[main_entries]
        if not keep.all():
            main_keys = [k for k, kept in zip(main_keys, keep[: len(main_keys)].tolist(), strict=True) if kept]
            main_entries = main_entries[keep]
        delta_entries, delta_keys = self.delta.candidates_with_keys(key, **options)
        delta_entries = delta_entries + self.offset
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

    __slots__ = ("alive", "delta", "main", "offset")

    def __init__(self, main: Words, delta: Words, *, alive: npt.NDArray[np.bool_]) -> None:
        self.main, self.delta, self.alive, self.offset = main, delta, alive, len(alive)

    def entries(self, word: str, *, prefix: bool = False) -> npt.NDArray[np.uint32]:
        main = self.main.entries(word, prefix=prefix)
        main = main[self.alive[main]]
        delta = self.delta.entries(word, prefix=prefix).astype(np.uint32) + np.uint32(self.offset)
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


__all__ = ["LayeredCandidates", "LayeredColumn", "LayeredWords", "Strings", "Words", "alive_entries"]
