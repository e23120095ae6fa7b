"""What duplicate detection over a streamed memory remembers of each unit: a short digest, kept in sorted runs."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

#: Bytes of a digest: 88 bits of BLAKE2b and an end byte. Two of ten million distinct units share one
#: with a probability of about 1 in 6×10^12 (n²/2^89), and 10 million digests take 120 MB.
DIGEST_BYTES = 12
#: numpy's fixed-width bytes drop trailing NULs, so every digest ends in a byte that is not one.
_END = b"\x01"
#: Digests kept in a Python set before they go into a sorted run (fast to add, 100 bytes each): 1.6 MB.
#: (1M adds: 3.5 s CPU with this, 2.8 s with 4 times as many, which hold 6.5 MB.)
RECENT_LIMIT = 1 << 14


def digest(value: object) -> bytes:
    """The digest of a value by its `repr` (equal values of tmkit's model have equal reprs)."""
    text = repr(value).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=DIGEST_BYTES - 1).digest() + _END


class DigestSet:
    """A set of digests in about `DIGEST_BYTES` per member: the recent ones in a set, the rest in sorted arrays.

    The arrays are merged in tiers (a run at most half the size of the one before it), so there
    are about log2(n / `RECENT_LIMIT`) of them and a lookup costs one binary search in each.
    """

    def __init__(self) -> None:
        self._recent: set[bytes] = set()
        self._runs: list[np.ndarray[Any, Any]] = []
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __contains__(self, member: bytes) -> bool:
        if member in self._recent:
            return True
        for run in self._runs:
            at = int(run.searchsorted(member))
            if at < len(run) and run[at] == member:
                return True
        return False

    def add(self, member: bytes) -> bool:
        """Add ``member`` (a `digest`); whether it was new."""
        if member in self:
            return False
        self._recent.add(member)
        self._size += 1
        if len(self._recent) >= RECENT_LIMIT:
            self._flush()
        return True

    def _flush(self) -> None:
        import numpy as np

        self._runs.append(np.array(sorted(self._recent), dtype=f"S{DIGEST_BYTES}"))
        self._recent.clear()
        while len(self._runs) > 1 and len(self._runs[-2]) <= 2 * len(self._runs[-1]):
            last = self._runs.pop()
            merged = np.concatenate((self._runs.pop(), last))
            del last
            merged.sort()
            self._runs.append(merged)
