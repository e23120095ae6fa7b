"""What duplicate detection over a streamed memory remembers of each unit: a short digest, kept in sorted runs."""

from __future__ import annotations

import hashlib
import os
import tempfile
from array import array
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

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


#: Records a `RecordSort` holds before it sorts them into a run on disk: 2^18 of 52 bytes (a merge's) is 13 MB.
SPILL_RECORDS = 1 << 18
#: Records read from each run at a time while the runs are merged.
MERGE_BLOCK = 1 << 13
#: Runs merged at once; past this many, runs are first merged into longer ones, so the memory the
#: merge takes (runs × `MERGE_BLOCK` records) stays bounded at any size.
MERGE_FAN_IN = 64


class RecordSort:
    """An external sort of fixed-width byte records, compared by their bytes, in bounded memory.

    Records gather in memory; every `SPILL_RECORDS` they are sorted into a run written to an
    unnamed temporary file (in ``folder``, else the system's), which the system removes when it
    is closed or the process ends, however it ends. `sorted_blocks` merges the runs. Use it as a
    context manager (or call `close`) so the file goes as soon as it is done with.
    """

    def __init__(self, width: int, *, folder: str | None = None, spill_records: int | None = None) -> None:
        self.width = width
        self._dtype = f"S{width}"
        self._folder = folder
        self._spill_bytes = (spill_records or SPILL_RECORDS) * width
        self._pending = bytearray()
        self._file: IO[bytes] | None = None
        #: Each run on disk: its first record's index in the file and its length in records.
        self._runs: list[tuple[int, int]] = []
        self._size = 0

    def __enter__(self) -> RecordSort:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self._size

    @property
    def spilled(self) -> bool:
        """Whether any run went to disk."""
        return bool(self._runs)

    def close(self) -> None:
        """Remove the temporary file (closing it is enough: it has no name)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._runs = []
        self._pending = bytearray()

    def add(self, record: bytes) -> None:
        """Add one record of exactly ``width`` bytes."""
        self._pending += record
        self._size += 1
        if len(self._pending) >= self._spill_bytes:
            self._spill()

    def add_many(self, records: bytes | bytearray | memoryview) -> None:
        """Add records given as their bytes, one after another (a multiple of ``width``)."""
        view = memoryview(records).cast("B")
        for start in range(0, len(view), self._spill_bytes):
            part = view[start : start + self._spill_bytes]
            self._pending += part
            self._size += len(part) // self.width
            if len(self._pending) >= self._spill_bytes:
                self._spill()

    def _spill(self) -> None:
        import numpy as np

        run = np.frombuffer(self._pending, dtype=self._dtype).copy()
        self._pending = bytearray()
        run.sort()
        if self._file is None:
            self._file = self._temporary()
        self._file.seek(0, os.SEEK_END)
        self._runs.append((self._file.tell() // self.width, len(run)))
        self._file.write(run.tobytes())

    def sorted_blocks(self) -> Iterator[np.ndarray[Any, Any]]:
        """Every record added, in order, as arrays of ``S{width}`` (blocks of any length, none empty).

        Once: the records are handed over, not kept.
        """
        import numpy as np

        if not self._runs:
            whole = np.frombuffer(self._pending, dtype=self._dtype).copy()
            self._pending = bytearray()  # one copy of the records at a time
            whole.sort()
            # In blocks as a merge gives them, so that what a reader makes of each block stays small.
            for start in range(0, len(whole), MERGE_BLOCK):
                yield whole[start : start + MERGE_BLOCK]
            return
        if self._pending:
            self._spill()
        while len(self._runs) > MERGE_FAN_IN:
            self._merge_runs_once()
        assert self._file is not None
        yield from _merged(self._file, self._runs, self._dtype, self.width)

    def _temporary(self) -> IO[bytes]:
        """A new unnamed temporary file (closed by `close`): in ``folder``, or the system's when it cannot be
        written there, so that a folder that cannot be written is reported by the write that needs it."""
        try:
            return tempfile.TemporaryFile(dir=self._folder, prefix=".tmkit-sort-")
        except OSError:
            if self._folder is None:
                raise
            return tempfile.TemporaryFile(prefix=".tmkit-sort-")

    def _merge_runs_once(self) -> None:
        """Merge the runs `MERGE_FAN_IN` at a time into a new file of fewer, longer runs."""
        assert self._file is not None
        merged_file = self._temporary()
        try:
            merged_runs: list[tuple[int, int]] = []
            for start in range(0, len(self._runs), MERGE_FAN_IN):
                group = self._runs[start : start + MERGE_FAN_IN]
                first = merged_file.tell() // self.width
                for block in _merged(self._file, group, self._dtype, self.width):
                    merged_file.write(block.tobytes())
                merged_runs.append((first, sum(length for _, length in group)))
        except BaseException:
            merged_file.close()
            raise
        self._file.close()
        self._file, self._runs = merged_file, merged_runs


class _RunCursor:
    """Reads one sorted run of a file a block at a time."""

    def __init__(self, file: IO[bytes], first: int, length: int, dtype: str, width: int) -> None:
        self._file, self._next, self._left, self._dtype, self._width = file, first, length, dtype, width
        self.block: np.ndarray[Any, Any] | None = None
        self.refill()

    def refill(self) -> None:
        import numpy as np

        if self._left == 0:
            self.block = None
            return
        count = min(self._left, MERGE_BLOCK)
        self._file.seek(self._next * self._width)
        self.block = np.frombuffer(self._file.read(count * self._width), dtype=self._dtype)
        self._next += count
        self._left -= count


def _merged(file: IO[bytes], runs: list[tuple[int, int]], dtype: str, width: int) -> Iterator[np.ndarray[Any, Any]]:
    """The records of sorted ``runs`` in order: each round takes from every run what is no greater
    than the smallest of their blocks' last records (so at least one block is used up) and sorts that."""
    import numpy as np

    cursors = [_RunCursor(file, first, length, dtype, width) for first, length in runs if length]
    while cursors:
        lasts = np.sort(np.concatenate([c.block[-1:] for c in cursors if c.block is not None]))
        bound = lasts[:1]
        parts = []
        for cursor in cursors:
            block = cursor.block
            assert block is not None
            taken = int(block.searchsorted(bound, side="right")[0])
            parts.append(block[:taken])
            if taken == len(block):
                cursor.refill()
            else:
                cursor.block = block[taken:]
        cursors = [c for c in cursors if c.block is not None]
        out = np.concatenate(parts) if len(parts) > 1 else parts[0].copy()
        out.sort()
        yield out


def sorted_numbers(records: RecordSort) -> Iterator[tuple[int, ...]]:
    """The records of ``records`` in order, each read as big-endian 8-byte numbers (its width a multiple of 8).

    Once, like `RecordSort.sorted_blocks`: for a second pass that walks the numbers beside its input.
    """
    import numpy as np

    per_record = records.width // 8
    for block in records.sorted_blocks():
        numbers = np.frombuffer(block.tobytes(), dtype=">u8").reshape(-1, per_record)
        yield from map(tuple, numbers.tolist())


def repeat_places(keyed: RecordSort, key_width: int) -> Iterator[tuple[Any, Any, Any]]:
    """Each block of ``keyed`` (records of a key and a big-endian 8-byte place, sorted) as its places, the rank of
    each record among those of its key (1 for the first place of a key, 2 for the next …), and its keys.

    Ranks carry on from one block to the next, so a key's records may span blocks.
    """
    import numpy as np

    width = keyed.width
    carried_key: bytes | None = None
    carried_rank = 0
    for block in keyed.sorted_blocks():
        fields = np.frombuffer(block.tobytes(), dtype=np.uint8).reshape(-1, width)
        keys = np.ascontiguousarray(fields[:, :key_width]).view(f"V{key_width}").ravel()
        places = np.ascontiguousarray(fields[:, width - 8 :]).view(">u8").ravel()
        starts = np.ones(len(keys), dtype=bool)
        starts[1:] = keys[1:] != keys[:-1]
        index = np.arange(len(keys))
        group_start = np.maximum.accumulate(np.where(starts, index, 0))
        ranks = index - group_start + 1
        if carried_key is not None and keys[0].tobytes() == carried_key:
            # The first key of this block went on from the last block: its ranks go on from there.
            first_group = group_start == 0
            ranks[first_group] += carried_rank
        carried_key, carried_rank = keys[-1].tobytes(), int(ranks[-1])
        yield places, ranks, keys


#: Bytes of a record of `repeated_values`: a hash, a place and a value.
HASH_RECORD_BYTES = 24


def hash_records(hashes: Any, places: Any, values: Any) -> bytes:
    """Records for `repeated_values`: each of ``hashes`` (Python's, signed 64-bit) with its place and value (arrays of
    one length, or numbers for all). The sign bit is flipped, so that the big-endian bytes sort as the hashes do."""
    import numpy as np

    signed = np.asarray(hashes, dtype=np.int64)
    records = np.empty((len(signed), 3), dtype=">u8")
    records[:, 0] = signed.view(np.uint64) ^ np.uint64(1 << 63)
    records[:, 1] = places
    records[:, 2] = values
    return records.tobytes()


def repeated_values(records: RecordSort) -> Iterator[tuple[int, int]]:
    """For each record of ``records`` (`hash_records`: a hash, a place, a value) whose hash an earlier record has: its
    value and the value of the first record of that hash (a repeated tuid's line and the line of the unit it
    repeats, say).

    The records come sorted by hash, then by place, so a repeat follows the record it repeats; the first of a run of
    one hash is carried from one block to the next.
    """
    import numpy as np

    carried_hash: int | None = None
    carried_first = 0
    for block in records.sorted_blocks():
        fields = np.frombuffer(block.tobytes(), dtype=">u8").reshape(-1, 3)
        hashes, values = fields[:, 0], fields[:, 2].astype(np.int64)
        starts = np.ones(len(hashes), dtype=bool)
        starts[1:] = hashes[1:] != hashes[:-1]
        if carried_hash is not None and int(hashes[0]) == carried_hash:
            starts[0] = False
        start_at = np.maximum.accumulate(np.where(starts, np.arange(len(hashes)), -1))
        first = np.where(start_at >= 0, values[np.maximum(start_at, 0)], carried_first)
        repeats = np.flatnonzero(~starts)
        yield from zip(values[repeats].tolist(), first[repeats].tolist(), strict=True)
        carried_hash, carried_first = int(hashes[-1]), int(first[-1])


class RepeatedHashes:
    """Finds, in bounded memory, the values (a unit's line, its place) whose hash an earlier one of them has: a TMX's
    repeated tuids, an XLIFF `<file>`'s repeated unit ids. Each hash and value is held, past ``held`` of them sorted
    into runs on disk (a `RecordSort` of `hash_records`), and looked at once all are added (`repeats`).
    Use it as a context manager, or `close` it."""

    def __init__(self, *, held: int, spill_records: int | None = None) -> None:
        self._held = held
        self._spill_records = spill_records
        self._hashes = array("q")
        self._values = array("q")
        self._sort: RecordSort | None = None
        self._sorted = 0

    def __enter__(self) -> RepeatedHashes:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def add(self, key_hash: int, value: int) -> None:
        """Hold ``value`` under ``key_hash`` (Python's, signed 64-bit), after those added before it."""
        self._hashes.append(key_hash)
        self._values.append(value)
        if len(self._hashes) >= self._held:
            self._spill()

    def _spill(self) -> None:
        import numpy as np  # here, not at the top: 70 ms to import, which most small files do without

        if self._sort is None:
            self._sort = RecordSort(HASH_RECORD_BYTES, spill_records=self._spill_records)
        count = len(self._hashes)
        places = np.arange(self._sorted, self._sorted + count, dtype=np.uint64)
        hashes, values = np.frombuffer(self._hashes, dtype=np.int64), np.frombuffer(self._values, dtype=np.int64)
        self._sort.add_many(hash_records(hashes, places, values))
        self._sorted += count
        self._hashes, self._values = array("q"), array("q")

    def repeats(self) -> Iterator[tuple[int, int]]:
        """Each value whose hash an earlier one has, with that earlier one's (`repeated_values`); none when no hash
        repeats, which a set of the hashes tells without numpy when they were never spilled (most files)."""
        if self._sort is None and len(set(self._hashes)) == len(self._hashes):
            return iter(())
        self._spill()
        assert self._sort is not None
        return repeated_values(self._sort)

    def close(self) -> None:
        if self._sort is not None:
            self._sort.close()
            self._sort = None
