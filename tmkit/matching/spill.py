"""A build's bulk kept on disk: posting runs spilled as made and merged back by token ranges, arrays as files."""

from __future__ import annotations

import contextlib
import functools
import io
import mmap
import os
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from tmkit.matching.candidate_index import PostingRun, sorted_unique
from tmkit.matching.columns import NPY_HEADER_BYTES, StringColumn, npy_header, npy_header_bytes

#: Postings a merge from disk puts together at a time (four bytes each): its memory whatever the index's size.
MERGE_RANGE_POSTINGS = 8 << 20
#: Distinct tokens of the runs gathered before they are reduced to the distinct ones (eight bytes each).
TOKEN_UNION_BATCH = 4 << 20
#: Bytes of a mapped column a build may have touched before it gives those pages back (see `PagedStringColumn`).
MAPPED_PAGES_BUDGET = 128 << 20
#: Bytes one key read may bring into the process: Linux maps the pages around a faulting page too
#: (``fault_around_bytes``, 64 KiB), once for the key's start and once or twice for its bytes. So a
#: take of 16,384 keys all over a 3M-entry column (250 MB) had all of it mapped.
_BYTES_PER_KEY_READ = 128 << 10
_DONT_NEED: int | None = getattr(mmap, "MADV_DONTNEED", None)

IntArray = npt.NDArray[np.int64]


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of two byte strings one after the other, from the CRC-32 of each and the second's length.

    zlib's ``crc32_combine`` (which Python's zlib module does not offer): a file whose header is
    written last can still be checked whole without reading it again. The first CRC has the second's
    length of zero bytes appended, a power of two at a time, by operators worked out once a process
    (`_zero_bytes_operator`): squared anew for each call, they took ~1.4 ms of pure Python a file, and a
    build into the cache checks some 32 files so: half of a small memory's first open (`bench/small_build.py`).
    """
    if second_length <= 0:
        return first
    crc, power = first, 0
    while second_length:
        if second_length & 1:
            crc = _times(_zero_bytes_operator(power), crc)
        second_length >>= 1
        power += 1
    return crc ^ second


def _times(matrix: tuple[int, ...], vector: int) -> int:
    """A 32x32 matrix over GF(2) (its columns as bits) times a 32-bit vector."""
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _squared(matrix: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(_times(matrix, matrix[n]) for n in range(32))


@functools.cache
def _zero_bytes_operator(power: int) -> tuple[int, ...]:
    """The operator that appends 2**power zero bytes to a CRC-32."""
    if power == 0:
        one_bit = (0xEDB88320, *(1 << n for n in range(31)))  # appends one zero bit
        return _squared(_squared(_squared(one_bit)))
    return _squared(_zero_bytes_operator(power - 1))


class WholeCheckedWriter:
    """A 1-D ``.npy`` file written by appending arrays, its CRC-32 worked out as they go by (checked whole at load).

    The header, which says the length, is reserved at the start and written by `finish`; its
    CRC-32 is then combined with the body's, so nothing written is read again.
    """

    __slots__ = ("_body_crc", "_handle", "count", "dtype", "path")

    def __init__(self, path: Path, dtype: np.dtype[Any]) -> None:
        self.path = path
        self.dtype = np.dtype(dtype)
        self.count = 0
        self._body_crc = 0
        self._handle: BinaryIO = open(path, "xb")  # noqa: SIM115 (closed by finish, or when the staging folder goes)
        self._handle.write(bytes(npy_header_bytes(self.dtype)))

    def write(self, values: npt.NDArray[Any] | bytes) -> None:
        """Append values of the file's dtype (or their bytes)."""
        data = np.frombuffer(values, dtype=self.dtype) if isinstance(values, bytes) else values
        data = np.ascontiguousarray(data, dtype=self.dtype)
        with data.data.cast("B") as view:
            self._handle.write(view)
            self._body_crc = zlib.crc32(view, self._body_crc)
        self.count += len(data)

    def finish(self) -> tuple[int, int]:
        """Close the file with its header in place; its size and CRC-32."""
        header = npy_header(self.dtype, self.count)
        body_bytes = self.count * self.dtype.itemsize
        try:
            self._handle.seek(0)
            self._handle.write(header)
            self._handle.flush()
            size = os.fstat(self._handle.fileno()).st_size
        finally:
            self._handle.close()
        if size != len(header) + body_bytes:
            raise OSError(f"{self.path.name}: {size} bytes written of {len(header) + body_bytes}")
        return size, crc32_combine(zlib.crc32(header), self._body_crc, body_bytes)


def mapped_array(path: Path, *, shared: bool = False) -> tuple[npt.NDArray[Any], mmap.mmap]:
    """A ``.npy`` file's 1-D array mapped as the cache's loader maps it (private, copy on write), and its map.

    ``shared``: read-only and shared instead, so its pages can be given back with ``madvise`` and
    read again from the file.
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if shared:
            mapped = mmap.mmap(handle.fileno(), size, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ)
        else:
            mapped = mmap.mmap(handle.fileno(), size, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    data = np.frombuffer(mapped, dtype=np.uint8)
    header = io.BytesIO(data[:NPY_HEADER_BYTES].tobytes())
    if np.lib.format.read_magic(header) != (1, 0):
        raise ValueError(f"{path.name}: not a version 1.0 .npy file")
    shape, _fortran_order, dtype = np.lib.format.read_array_header_1_0(header)
    body = header.tell()
    return data[body : body + int(shape[0]) * dtype.itemsize].view(dtype), mapped


class PagedStringColumn(StringColumn):
    """A column over mapped (shared) arrays that gives their pages back as a build reads it.

    Read in length order, a build's key reads land all over the file, and every page touched stays
    in the process (mapped pages count in its size) until given back: a column larger than
    `MAPPED_PAGES_BUDGET` is read a part of a `take` at a time, each part as many keys as can map
    that much, and the maps are told after each part that their pages are not needed (they are
    read again from the page cache when next touched). A column within the budget is read as any.
    """

    __slots__ = ("_mapped_bytes", "_maps")

    def __init__(
        self, blob: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], maps: list[mmap.mmap], *, compact: bool
    ) -> None:
        super().__init__(blob, starts, compact=compact)
        self._maps = maps
        self._mapped_bytes = sum(len(m) for m in maps)

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        if self._mapped_bytes <= MAPPED_PAGES_BUDGET or _DONT_NEED is None:
            return super().take(indexes)
        part = max(MAPPED_PAGES_BUDGET // _BYTES_PER_KEY_READ, 1)
        strings: list[str] = []
        for at in range(0, len(indexes), part):
            strings += super().take(indexes[at : at + part])
            self.give_back()
        return strings

    def give_back(self) -> None:
        """Drop the pages touched so far from the process (they stay in the file system's cache); where the
        system has no ``madvise``, they stay, and the build is as large as the column."""
        if _DONT_NEED is not None:
            for mapped in self._maps:
                mapped.madvise(_DONT_NEED)

    def close(self) -> None:
        """Give back the pages and unmap the files (a map still read through another array goes when it does)."""
        self.give_back()
        self.blob = np.empty(0, dtype=np.uint8)
        self.starts = np.zeros(1, dtype=np.int64)
        for mapped in self._maps:
            with contextlib.suppress(BufferError):
                mapped.close()
        self._maps = []


@dataclass(frozen=True, slots=True)
class _RunPlace:
    """Where a spilled run lies in its file."""

    first: int
    tokens_at: int
    token_count: int
    counts_at: int
    offsets_at: int
    offset_count: int
    offset_dtype: np.dtype[Any]


def _read_array(fd: int, at: int, dtype: np.dtype[Any], count: int) -> npt.NDArray[Any]:
    """``count`` items of ``dtype`` read from byte ``at`` of a file (explicit reads: nothing mapped)."""
    array = np.empty(count, dtype=dtype)
    view = array.data.cast("B")
    done = 0
    while done < len(view):
        read = os.preadv(fd, [view[done:]], at + done)
        if read <= 0:
            raise OSError(f"a spilled run ends early ({done} of {len(view)} bytes at {at})")
        done += read
    return array


class RunSpill:
    """The `PostingRun` of every chunk of a build written to an unnamed file as it is made, then merged from it.

    A run takes its bytes (two or four a posting, twelve a distinct token) on disk, not in memory;
    `merge` gives exactly what `merge_runs` gives, the postings a token range at a time.
    """

    __slots__ = ("_file", "_places", "_written")

    def __init__(self, folder: Path) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (closed by close; unnamed, so it goes with the process)
        self._places: list[_RunPlace] = []
        self._written = 0

    def __len__(self) -> int:
        return len(self._places)

    def _append(self, array: npt.NDArray[Any]) -> int:
        at = self._written
        with np.ascontiguousarray(array).data.cast("B") as view:
            self._file.write(view)
            self._written += len(view)
        return at

    def append(self, run: PostingRun) -> None:
        """Write a run (runs must be added in entry order, as `merge_runs` takes them): a list's `append`."""
        tokens_at = self._append(run.tokens)
        counts_at = self._append(run.counts)
        offsets_at = self._append(run.offsets)
        self._places.append(
            _RunPlace(run.first, tokens_at, len(run.tokens), counts_at, offsets_at, len(run.offsets), run.offsets.dtype)
        )

    def close(self) -> None:
        self._file.close()
        self._places = []

    def _tokens(self, place: _RunPlace, start: int = 0, stop: int | None = None) -> npt.NDArray[np.uint64]:
        stop = place.token_count if stop is None else stop
        return _read_array(self._file.fileno(), place.tokens_at + 8 * start, np.dtype(np.uint64), stop - start)

    def _counts(self, place: _RunPlace, start: int = 0, stop: int | None = None) -> npt.NDArray[np.uint32]:
        stop = place.token_count if stop is None else stop
        return _read_array(self._file.fileno(), place.counts_at + 4 * start, np.dtype(np.uint32), stop - start)

    def merge(
        self, *, token_count: int | None = None, range_postings: int = MERGE_RANGE_POSTINGS
    ) -> tuple[npt.NDArray[np.uint64], IntArray, Iterator[npt.NDArray[np.uint32]]]:
        """What `merge_runs` returns for the runs spilled, the postings as consecutive pieces of at most
        ``range_postings`` (or one token's, when it has more), each made as the iterator is read.

        Every run is sorted by token, so a range of tokens is one slice of each run, read from the file
        when its range is made: the merge holds a range's postings and a few numbers a run and range.
        """
        self._file.flush()
        fd = self._file.fileno()
        places = self._places
        tokens = np.arange(token_count, dtype=np.uint64) if token_count is not None else self._distinct_tokens()

        def rows_of(run_tokens: npt.NDArray[np.uint64]) -> IntArray:
            if token_count is not None:
                return run_tokens.astype(np.int64)
            return np.searchsorted(tokens, run_tokens).astype(np.int64)

        totals = np.zeros(len(tokens), dtype=np.int64)
        for place in places:
            totals[rows_of(self._tokens(place))] += self._counts(place)
        starts = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum(totals, out=starts[1:])
        del totals
        bounds = _range_bounds(starts, range_postings)
        # For each run, where each range begins among its tokens and among its postings.
        token_cuts = np.empty((len(places), len(bounds)), dtype=np.int64)
        offset_cuts = np.empty((len(places), len(bounds)), dtype=np.int64)
        for number, place in enumerate(places):
            cuts = np.searchsorted(rows_of(self._tokens(place)), bounds)
            token_cuts[number] = cuts
            ends = np.zeros(place.token_count + 1, dtype=np.int64)
            np.cumsum(self._counts(place), out=ends[1:])
            offset_cuts[number] = ends[cuts]

        def pieces() -> Iterator[npt.NDArray[np.uint32]]:
            for at in range(len(bounds) - 1):
                low, high = int(bounds[at]), int(bounds[at + 1])
                base = int(starts[low])
                postings = np.empty(int(starts[high]) - base, dtype=np.uint32)
                cursor = starts[low:high] - base
                for number, place in enumerate(places):
                    token_from, token_to = int(token_cuts[number, at]), int(token_cuts[number, at + 1])
                    if token_to == token_from:
                        continue
                    rows = rows_of(self._tokens(place, token_from, token_to)) - low
                    counts = self._counts(place, token_from, token_to).astype(np.int64)
                    offset_from, offset_to = int(offset_cuts[number, at]), int(offset_cuts[number, at + 1])
                    offsets = _read_array(
                        fd,
                        place.offsets_at + place.offset_dtype.itemsize * offset_from,
                        place.offset_dtype,
                        offset_to - offset_from,
                    )
                    # As `merge_runs`: posting i goes to its token's cursor plus its rank among that token's in the run.
                    within = np.arange(len(offsets), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
                    postings[np.repeat(cursor[rows], counts) + within] = offsets.astype(np.uint32) + np.uint32(
                        place.first
                    )
                    cursor[rows] += counts
                yield postings

        return tokens, starts, pieces()

    def _distinct_tokens(self) -> npt.NDArray[np.uint64]:
        """Every token of the runs, each once, sorted: gathered in batches, each batch reduced as it fills."""
        distinct = np.empty(0, dtype=np.uint64)
        batch: list[npt.NDArray[np.uint64]] = []
        gathered = 0
        for place in self._places:
            batch.append(self._tokens(place))
            gathered += place.token_count
            if gathered >= TOKEN_UNION_BATCH:
                distinct = sorted_unique(np.concatenate([distinct, *batch]))
                batch, gathered = [], 0
        return sorted_unique(np.concatenate([distinct, *batch]))


def _range_bounds(starts: IntArray, range_postings: int) -> IntArray:
    """Token rows that cut the postings into consecutive ranges of at most ``range_postings`` each
    (a token with more is a range of its own): 0, …, the token count."""
    token_count = len(starts) - 1
    bounds = [0]
    while bounds[-1] < token_count:
        low = bounds[-1]
        # The last token whose postings end within the budget, and at least one token.
        high = int(np.searchsorted(starts, starts[low] + range_postings, side="right")) - 1
        bounds.append(min(max(high, low + 1), token_count))
    return np.array(bounds, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class BuildSpill:
    """Where a build puts what it would otherwise hold: runs in unnamed files of ``folder``, and its
    finished arrays saved by ``save_array(name, dtype, pieces)`` (the array's name in its structure,
    its dtype, its values in consecutive pieces), which gives the array back read from where it went."""

    folder: Path
    save_array: Callable[[str, np.dtype[Any], Iterable[npt.NDArray[Any]]], Any]
    range_postings: int = MERGE_RANGE_POSTINGS

    def runs(self) -> RunSpill:
        return RunSpill(self.folder)

    def merged(
        self, name: str, runs: RunSpill, *, token_count: int | None = None
    ) -> tuple[npt.NDArray[np.uint64], IntArray, Any]:
        """The runs merged (see `RunSpill.merge`), their postings saved as ``name``; the spill file closed."""
        try:
            tokens, starts, pieces = runs.merge(token_count=token_count, range_postings=self.range_postings)
            postings = self.save_array(name, np.dtype(np.uint32), pieces)
        finally:
            runs.close()
        return tokens, starts, postings
