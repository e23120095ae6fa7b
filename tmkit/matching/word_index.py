"""Whole-word posting lists over normalized keys, for concordance: which entries contain a word."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from tmkit.matching.candidate_index import ENTRY_BITS, sorted_unique


def word_hash(word: str) -> int:
    """The 32-bit hash a word is filed under (CRC-32 of its UTF-8).

    Two words may share a hash; that only adds candidates, which concordance checks against
    the text itself.
    """
    return zlib.crc32(word.encode("utf-8"))


@dataclass(slots=True)
class WordIndex:
    """Sorted word hashes, where each one's entries start, and the entry numbers."""

    word_hashes: npt.NDArray[np.uint64]
    word_starts: npt.NDArray[np.int64]
    word_postings: npt.NDArray[np.uint32]

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        """The arrays by field name, as the index cache saves them."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[np.generic]]) -> WordIndex:
        return cls(**{field.name: arrays[field.name] for field in fields(cls)})  # type: ignore[arg-type]

    @classmethod
    def build(cls, keys: list[str]) -> WordIndex:
        words_per_key = np.fromiter((len(k.split()) for k in keys), dtype=np.int64, count=len(keys))
        words = " ".join(keys).split()
        hashes = np.fromiter(map(zlib.crc32, (w.encode("utf-8") for w in words)), dtype=np.uint64, count=len(words))
        entries = np.repeat(np.arange(len(keys), dtype=np.uint64), words_per_key)
        pairs = sorted_unique((hashes << np.uint64(ENTRY_BITS)) | entries)
        postings = (pairs & np.uint64(2**ENTRY_BITS - 1)).astype(np.uint32)
        grouped = pairs >> np.uint64(ENTRY_BITS)
        if len(grouped) == 0:
            return cls(np.empty(0, np.uint64), np.zeros(1, np.int64), postings)
        boundaries = np.flatnonzero(np.concatenate(([True], grouped[1:] != grouped[:-1])))
        return cls(grouped[boundaries], np.append(boundaries, len(grouped)).astype(np.int64), postings)

    def entries(self, word: str) -> npt.NDArray[np.uint32]:
        """Entries whose key may have ``word`` as a whole word (sorted)."""
        if len(self.word_hashes) == 0:
            return np.empty(0, np.uint32)
        value = np.uint64(word_hash(word))
        row = int(np.searchsorted(self.word_hashes, value))
        if row >= len(self.word_hashes) or self.word_hashes[row] != value:
            return np.empty(0, np.uint32)
        return self.word_postings[self.word_starts[row] : self.word_starts[row + 1]]
