"""Whole-word posting lists over normalized keys, for concordance: which entries contain a word."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_RADIX = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_MASK = 2**64 - 1
_INVERSE = pow(_RADIX, -1, 2**64)
_SPACE, _SEPARATOR = 32, 1
ENTRY_BITS = 24
_HASH_SHIFT = np.uint64(24)


def word_hash(word: str) -> int:
    """The 40-bit hash the index files a word under (a polynomial over its code points)."""
    value, power = 0, 1
    for ch in word:
        value = (value + ord(ch) * power) & _MASK
        power = (power * _RADIX) & _MASK
    return ((value * 0x9E3779B97F4A7C15) & _MASK) >> 24


def _word_hashes(keys: list[str]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Every word of every key as (40-bit hash, entry number), computed without a Python loop per word."""
    if not keys:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    text = "\x01".join(keys) + "\x01"
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(points)
    with np.errstate(over="ignore"):
        powers = np.empty(n, dtype=np.uint64)
        powers[0] = 1
        powers[1:] = np.uint64(_RADIX)
        powers = np.cumprod(powers, dtype=np.uint64)
        inverse = np.empty(n, dtype=np.uint64)
        inverse[0] = 1
        inverse[1:] = np.uint64(_INVERSE)
        inverse = np.cumprod(inverse, dtype=np.uint64)
        boundary = (points == _SPACE) | (points == _SEPARATOR)
        prefix = np.concatenate(
            ([np.uint64(0)], np.cumsum(np.where(boundary, np.uint64(0), points * powers), dtype=np.uint64))
        )
        # Words are the runs between boundaries: find where each starts and ends.
        is_char = ~boundary
        starts = np.flatnonzero(is_char & np.concatenate(([True], boundary[:-1])))
        ends = np.flatnonzero(is_char & np.concatenate((boundary[1:], [True]))) + 1
        raw = (prefix[ends] - prefix[starts]) * inverse[starts]
        hashes = (raw * np.uint64(0x9E3779B97F4A7C15)) >> _HASH_SHIFT
    entry_of_point = np.cumsum(points == _SEPARATOR) - (points == _SEPARATOR)
    return hashes, entry_of_point[starts].astype(np.int64)


@dataclass(slots=True)
class WordIndex:
    """Sorted word hashes, where each one's entries start, and the entry numbers."""

    word_hashes: npt.NDArray[np.uint64]
    word_starts: npt.NDArray[np.int64]
    word_postings: npt.NDArray[np.uint32]

    @classmethod
    def build(cls, keys: list[str]) -> WordIndex:
        hashes, entries = _word_hashes(keys)
        pairs = np.unique((hashes << np.uint64(ENTRY_BITS)) | entries.astype(np.uint64))
        postings = (pairs & np.uint64(2**ENTRY_BITS - 1)).astype(np.uint32)
        words = pairs >> np.uint64(ENTRY_BITS)
        if len(words) == 0:
            return cls(np.empty(0, np.uint64), np.zeros(1, np.int64), postings)
        boundaries = np.flatnonzero(np.concatenate(([True], words[1:] != words[:-1])))
        return cls(words[boundaries], np.append(boundaries, len(words)).astype(np.int64), postings)

    def entries(self, word: str) -> npt.NDArray[np.uint32]:
        """Entries whose key has ``word`` as a whole word (sorted)."""
        if len(self.word_hashes) == 0:
            return np.empty(0, np.uint32)
        value = np.uint64(word_hash(word))
        row = int(np.searchsorted(self.word_hashes, value))
        if row >= len(self.word_hashes) or self.word_hashes[row] != value:
            return np.empty(0, np.uint32)
        return self.word_postings[self.word_starts[row] : self.word_starts[row + 1]]

    def entries_any(self, words: list[str]) -> npt.NDArray[np.uint32]:
        """Entries holding at least one of ``words`` (sorted, without repeats)."""
        found = [self.entries(w) for w in words]
        found = [f for f in found if len(f)]
        if not found:
            return np.empty(0, np.uint32)
        return found[0] if len(found) == 1 else np.unique(np.concatenate(found))
