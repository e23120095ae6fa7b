"""A memory file's cached index updated by a delta: the units that changed found by block checksums, indexed apart."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import mmap
import os
import re
import shutil
import tempfile
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tmkit.errors import InputError
from tmkit.formats.tmx_reader import TmxReader
from tmkit.matching.columns import CHECK_BLOCK_BYTES, DamagedFileError, FileArray, StringColumn, block_checksums
from tmkit.matching.memory_index import (
    FINGERPRINT_HASH,
    Column,
    MemoryIndex,
    UnusableCache,
    _remove_stale_leftovers,
    file_fingerprint,
    read_cache_meta,
)
from tmkit.matching.word_index import WordIndex
from tmkit.memory.model import TranslationUnit
from tmkit.text.normalize import Normalizer

#: How the delta's folder is named: the main index's folder with this after it.
DELTA_SUFFIX = "-delta"
#: A delta is folded into the main index (a full build) when it would hold more units than this and
#: than `COMPACT_FRACTION` of the memory: lookups in a 10,000-unit delta cost about what they cost
#: in the main index, while each update indexes the whole delta again.
COMPACT_MIN_UNITS = 20_000
COMPACT_FRACTION = 0.1
#: Bytes per checksum when finding what changed: a change costs the units in the blocks it touches.
DIFF_BLOCK_BYTES = CHECK_BLOCK_BYTES
#: Where units begin and end in a TMX file's bytes (``<tuv`` is not ``<tu``).
_UNIT_START = re.compile(rb"<tu[\s>]")
_UNIT_END = re.compile(rb"</tu\s*>")
#: Bytes of a memory file read at a time to find its layout.
LAYOUT_CHUNK_BYTES = 4 << 20
#: What the end of a chunk may hold of a unit's start or end or of `_OPAQUE_MARKUP` cut off by the next chunk.
_MARKER_PREFIX = re.compile(rb"<(?:t|tu|/|/t|/tu\s*|!|!-|!\[|!\[C|!\[CD|!\[CDA|!\[CDAT|!\[CDATA)?")
#: Markup a scan of bytes cannot see through (a ``<tu`` inside a comment or CDATA is no unit): a
#: memory holding any after its first unit is always rebuilt whole.
_OPAQUE_MARKUP = (b"<!--", b"<![CDATA[", b"<?")
#: The names of the layer arrays (`MemoryIndex.layer`). A main index keeps where each of its units
#: lies in its file (SPANS) and the file's block checksums (HEAD); a delta keeps its file's units as
#: runs over the main index's (RUNS, see `_Units`) with the spans of its own units (DELTA_SPANS), so
#: that saving and loading it costs what the change does, not an array of every unit. (Indexes saved
#: before kept checksums of blocks counted from the end, ``tail_crcs``, and deltas ``unit_spans`` and
#: ``unit_origin`` for every unit: no longer read; such a delta is made again.)
SPANS, HEAD, RUNS, DELTA_SPANS = "unit_spans", "head_crcs", "unit_runs", "delta_spans"
#: The columns of RUNS.
_POSITION, _MAIN_FIRST, _COUNT, _SHIFT = range(4)
IntArray = npt.NDArray[np.int64]
#: Blocks checksummed at a time while looking for the end a changed file shares with the old one:
#: an append shares one block or none, an edit in the middle half the file.
_SUFFIX_FIRST_BLOCKS = 16


@dataclass(frozen=True, slots=True)
class FileLayout:
    """What the diff of a memory file needs: its size and hash, its block checksums, where its units lie."""

    fingerprint: dict[str, object]
    head: npt.NDArray[np.uint32]  # CRC-32 of every block from the start (the last may be short)
    spans: npt.NDArray[np.int64] | None  # (units, 2) byte start and end of each unit; None when they cannot be found
    prolog_crc32: int | None = None  # of the bytes before the first unit, when the units were found

    @property
    def size(self) -> int:
        size = self.fingerprint["size"]
        if not isinstance(size, int):
            raise TypeError("a fingerprint's size is a number")
        return size


def delta_folder(main_folder: Path) -> Path:
    return main_folder.with_name(main_folder.name + DELTA_SUFFIX)


def _mapped(file: Path) -> tuple[mmap.mmap | bytes, int]:
    """The file's bytes as of now (a map of the file opened, so a file put in its place later does not change them)."""
    with open(file, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            return b"", 0
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ), size


def _hashing(view: memoryview) -> Callable[[], str]:
    """Start hashing ``view`` on another thread; the function returned waits for the hex digest.

    The hash releases the GIL (the block checksums, of 4 KiB each, do not), so what the caller does
    meanwhile costs no wall time on a second core, and on a loaded machine the two threads get two
    shares of it.
    """
    digests: list[str] = []
    failures: list[Exception] = []

    def run() -> None:
        try:
            digests.append(hashlib.new(FINGERPRINT_HASH, view).hexdigest())
        except Exception as exc:  # noqa: BLE001 (raised again in the caller's thread)
            failures.append(exc)

    thread = threading.Thread(target=run, name="tmkit-memory-hash", daemon=True)
    thread.start()

    def digest() -> str:
        thread.join()
        if failures:
            raise failures[0]
        return digests[0]

    return digest


def _unit_spans(data: mmap.mmap | bytes, start: int, end: int) -> npt.NDArray[np.int64] | None:
    """Where the units between ``start`` and ``end`` lie; None when bytes cannot tell (see `_OPAQUE_MARKUP`)."""
    first = _UNIT_START.search(data, start, end)
    if first is None:
        return np.empty((0, 2), dtype=np.int64)
    if any(data.find(marker, first.start(), end) >= 0 for marker in _OPAQUE_MARKUP):
        return None
    starts = np.fromiter((m.start() for m in _UNIT_START.finditer(data, start, end)), dtype=np.int64)
    ends = np.fromiter((m.end() for m in _UNIT_END.finditer(data, start, end)), dtype=np.int64)
    return _checked_spans(starts, ends)


def file_layout(file: Path, *, chunk_bytes: int = LAYOUT_CHUNK_BYTES) -> FileLayout:
    """The layout of a memory file as it is now, read once ``chunk_bytes`` at a time: hash, checksums and units
    all of the same bytes, and no more of them held at once (a map of the whole file made the process as
    large as the file: 435 MB more at 1M units)."""
    if chunk_bytes <= 0 or chunk_bytes % DIFF_BLOCK_BYTES:
        raise ValueError(f"chunk_bytes must be a positive multiple of {DIFF_BLOCK_BYTES}")
    digest = hashlib.new(FINGERPRINT_HASH)
    head: list[npt.NDArray[np.uint32]] = []
    starts: list[npt.NDArray[np.int64]] = []
    ends: list[npt.NDArray[np.int64]] = []
    size = 0
    first_unit: int | None = None
    opaque = False
    carry = b""  # the end of the last chunk that may begin a marker finished in the next
    with open(file, "rb", buffering=0) as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
            head.append(block_checksums(chunk, block_bytes=DIFF_BLOCK_BYTES))
            at = size - len(carry)  # where the bytes scanned begin in the file
            size += len(chunk)
            data = carry + chunk
            del chunk
            # Every marker begins with "<" and holds no other, so one that begins before the last "<"
            # ends before it: only what follows the last "<" may be the start of one cut off here.
            last = data.rfind(b"<")
            cut = last if last >= 0 and _MARKER_PREFIX.fullmatch(data, last) else len(data)
            found_starts = [m.start() for m in _UNIT_START.finditer(data, 0, cut)]
            if first_unit is None and found_starts:
                first_unit = at + found_starts[0]
            if first_unit is not None and not opaque:
                scan_from = max(first_unit - at, 0)
                opaque = any(data.find(marker, scan_from, cut) >= 0 for marker in _OPAQUE_MARKUP)
            starts.append(np.array(found_starts, dtype=np.int64) + at)
            ends.append(np.fromiter((m.end() for m in _UNIT_END.finditer(data, 0, cut)), dtype=np.int64) + at)
            carry = data[cut:]
        prolog = None
        spans: npt.NDArray[np.int64] | None = np.empty((0, 2), dtype=np.int64)
        if first_unit is not None:
            # Each list let go of once joined: the lists, their joins and the spans held 48 bytes a unit at once
            # (480 MB at 10M units), now at most 32.
            unit_starts = np.concatenate(starts)
            starts.clear()
            unit_ends = np.concatenate(ends)
            ends.clear()
            spans = None if opaque else _checked_spans(unit_starts, unit_ends)
            del unit_starts, unit_ends
            if spans is not None:
                prolog = _crc32_of_range(handle.fileno(), 0, first_unit)
    checksums = np.concatenate(head) if head else np.empty(0, dtype=np.uint32)
    return FileLayout({"size": size, FINGERPRINT_HASH: digest.hexdigest()}, checksums, spans, prolog)


def _checked_spans(starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> npt.NDArray[np.int64] | None:
    """Units from where they start and end, or None when those do not pair up one after the other."""
    if len(starts) != len(ends) or np.any(ends <= starts) or np.any(starts[1:] < ends[:-1]):
        return None
    return np.stack((starts, ends), axis=1)


def _crc32_of_range(fd: int, start: int, stop: int) -> int:
    crc = 0
    while start < stop and (data := os.pread(fd, min(stop - start, LAYOUT_CHUNK_BYTES), start)):
        crc = zlib.crc32(data, crc)
        start += len(data)
    return crc


def attach_layout(index: MemoryIndex, file: Path, *, fingerprint: dict[str, object]) -> None:
    """Give a freshly built index what its updates need, if the file is still the one built and its units are found."""
    with contextlib.suppress(OSError):
        layout = file_layout(file)
        if layout.fingerprint == fingerprint and layout.spans is not None and len(layout.spans) == index.unit_count:
            index.layer = {SPANS: layout.spans, HEAD: layout.head}
            index.layer_meta = {"fingerprint": fingerprint, "prolog_crc32": layout.prolog_crc32}


def _common_blocks(old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32]) -> int:
    """How many leading blocks two checksum lists share."""
    count = min(len(old), len(new))
    differ = np.flatnonzero(old[:count] != new[:count])
    return int(differ[0]) if len(differ) else count


def _common_suffix(
    old_head: npt.NDArray[np.uint32], old_size: int, data: mmap.mmap | bytes, new_size: int, *, most: int
) -> int:
    """How many bytes at its end the new file surely shares with the old (at most ``most``), by the old file's blocks.

    The old file's blocks are checksummed again where they would lie in the new file (as far from
    its end), from the last one back, until one differs: only the end shared is read, so an append
    reads one block here, and no checksums of blocks counted from the end need be kept.
    """
    block_bytes = DIFF_BLOCK_BYTES
    shift = new_size - old_size
    # Blocks below this would begin before the new file does, or make the end shared more than `most`.
    lowest = max(-(-max(-shift, 0) // block_bytes), -(-(old_size - most) // block_bytes), 0)
    view = memoryview(data)
    shared = 0
    try:
        block, step = len(old_head) - 1, _SUFFIX_FIRST_BLOCKS
        while block >= lowest:
            numbers = np.arange(block, max(block - step, lowest - 1), -1, dtype=np.int64)
            crcs = np.fromiter(
                (
                    zlib.crc32(view[n * block_bytes + shift : min((n + 1) * block_bytes, old_size) + shift])
                    for n in numbers.tolist()
                ),
                dtype=np.uint32,
                count=len(numbers),
            )
            differ = np.flatnonzero(crcs != old_head[numbers])
            same = int(differ[0]) if len(differ) else len(numbers)
            if same:
                shared = old_size - int(numbers[same - 1]) * block_bytes
            if same < len(numbers):
                break
            block, step = block - len(numbers), step * 2
    finally:
        view.release()
    return shared


class _Units:
    """Where the units of a memory file lie, and which main unit each is, as runs over the main index's units.

    Run ``(position, main_first, count, shift)`` holds the units at ``position`` to ``position +
    count - 1``: main units from ``main_first`` on, each at its span in the main index's file moved
    by ``shift`` bytes, or, when ``main_first`` is -1, the next ``count`` of the delta's own units,
    whose spans are kept (``delta_spans``, in order). A few runs per change, whatever the size of
    the memory.
    """

    __slots__ = ("count", "delta_before", "delta_spans", "main_spans", "runs")

    def __init__(self, runs: IntArray, delta_spans: IntArray, main_spans: IntArray) -> None:
        self.runs, self.delta_spans, self.main_spans = runs, delta_spans, main_spans
        own_counts = np.where(runs[:, _MAIN_FIRST] < 0, runs[:, _COUNT], 0)
        self.delta_before: IntArray = np.cumsum(own_counts) - own_counts  # per run: own units in the runs before it
        self.count = int(runs[:, _COUNT].sum())

    @classmethod
    def checked(
        cls, runs: npt.NDArray[Any], delta_spans: npt.NDArray[Any], main_spans: npt.NDArray[Any]
    ) -> _Units | None:
        """Runs as saved, if they fit together and the main index (else None: the saved delta is not used)."""
        if runs.ndim != 2 or runs.shape[1] != 4 or delta_spans.ndim != 2 or delta_spans.shape[1] != 2:
            return None
        if main_spans.ndim != 2 or main_spans.shape[1] != 2:
            return None
        runs, delta_spans = runs.astype(np.int64, copy=False), delta_spans.astype(np.int64, copy=False)
        counts, main_first = runs[:, _COUNT], runs[:, _MAIN_FIRST]
        own = main_first < 0
        mains = runs[~own]
        if (
            np.any(counts <= 0)
            or not np.array_equal(runs[:, _POSITION], np.cumsum(counts) - counts)
            or np.any(main_first[own] != -1)
            or np.any(runs[own, _SHIFT] != 0)
            or int(counts[own].sum()) != len(delta_spans)
            or (len(mains) and int((mains[:, _MAIN_FIRST] + mains[:, _COUNT]).max()) > len(main_spans))
        ):
            return None
        return cls(runs, delta_spans, main_spans.astype(np.int64, copy=False))

    @classmethod
    def of_main(cls, main_spans: IntArray) -> _Units:
        """The units of the main index's own file."""
        runs = np.array([[0, 0, len(main_spans), 0]] if len(main_spans) else [], dtype=np.int64).reshape(-1, 4)
        return cls(runs, np.empty((0, 2), dtype=np.int64), main_spans)

    def spans_at(self, positions: npt.NDArray[np.int64] | list[int]) -> IntArray:
        """The spans of the units at these positions (each below `count`)."""
        wanted = np.asarray(positions, dtype=np.int64)
        run = np.searchsorted(self.runs[:, _POSITION], wanted, side="right") - 1
        within = wanted - self.runs[run, _POSITION]
        main_first = self.runs[run, _MAIN_FIRST]
        own = main_first < 0
        spans = np.empty((len(wanted), 2), dtype=np.int64)
        spans[~own] = self.main_spans[(main_first + within)[~own]] + self.runs[run[~own], _SHIFT][:, None]
        spans[own] = self.delta_spans[(self.delta_before[run] + within)[own]]
        return spans

    def search(self, side_of_span: int, value: int, *, side: Literal["left", "right"]) -> int:
        """``np.searchsorted(spans[:, side_of_span], value, side=side)`` over all units (0: starts, 1: ends)."""
        if not self.count:
            return 0
        positions, counts = self.runs[:, _POSITION], self.runs[:, _COUNT]
        run = int(np.searchsorted(self.spans_at(positions + counts - 1)[:, side_of_span], value, side=side))
        if run == len(self.runs):
            return self.count
        position, main_first, count, shift = (int(number) for number in self.runs[run])
        if main_first >= 0:
            values = self.main_spans[main_first : main_first + count, side_of_span]
            return position + int(np.searchsorted(values, value - shift, side=side))
        first_own = int(self.delta_before[run])
        values = self.delta_spans[first_own : first_own + count, side_of_span]
        return position + int(np.searchsorted(values, value, side=side))

    def own_positions(self) -> IntArray:
        """The positions of the delta's own units, in order."""
        own = self.runs[self.runs[:, _MAIN_FIRST] < 0]
        counts = own[:, _COUNT]
        positions: IntArray = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(
            own[:, _POSITION] - (np.cumsum(counts) - counts), counts
        )
        return positions

    def _own_before(self, position: int) -> int:
        """How many of the delta's own units lie before ``position``."""
        if position >= self.count:
            return len(self.delta_spans)
        run = int(np.searchsorted(self.runs[:, _POSITION], position, side="right")) - 1
        own = self.runs[run, _MAIN_FIRST] < 0
        return int(self.delta_before[run]) + (position - int(self.runs[run, _POSITION]) if own else 0)

    def _cut(self, start: int, stop: int) -> tuple[IntArray, IntArray]:
        """The runs and own spans of the units at positions ``start`` to ``stop - 1`` (positions left as they were)."""
        runs = self.runs.copy()
        ends = runs[:, _POSITION] + runs[:, _COUNT]
        runs = runs[(ends > start) & (runs[:, _POSITION] < stop)]
        cut_before = np.maximum(start - runs[:, _POSITION], 0)
        runs[:, _COUNT] = np.minimum(runs[:, _POSITION] + runs[:, _COUNT], stop) - runs[:, _POSITION] - cut_before
        runs[:, _POSITION] += cut_before
        runs[:, _MAIN_FIRST] = np.where(runs[:, _MAIN_FIRST] < 0, -1, runs[:, _MAIN_FIRST] + cut_before)
        return runs, self.delta_spans[self._own_before(start) : self._own_before(stop)]

    def replaced(self, first: int, last: int, found: IntArray, shift: int) -> _Units:
        """These units with those at positions ``first`` to ``last`` replaced by own units at ``found``, the
        units after them moved by ``shift`` bytes."""
        before, before_spans = self._cut(0, first)
        after, after_spans = self._cut(last + 1, self.count)
        after[:, _SHIFT] = np.where(after[:, _MAIN_FIRST] < 0, 0, after[:, _SHIFT] + shift)
        new = np.array([[0, -1, len(found), 0]] if len(found) else [], dtype=np.int64).reshape(-1, 4)
        runs = _merged(np.concatenate((before, new, after)))
        spans = np.concatenate((before_spans, found.reshape(-1, 2), after_spans + shift)).astype(np.int64)
        return _Units(runs, spans, self.main_spans)

    def dead_units(self, unit_count: int) -> IntArray:
        """The main units these units no longer hold (changed or deleted)."""
        alive = np.zeros(unit_count, dtype=np.bool_)
        for _position, main_first, count, _shift in self.runs[self.runs[:, _MAIN_FIRST] >= 0].tolist():
            alive[main_first : main_first + count] = True
        return np.flatnonzero(~alive).astype(np.int64)


def _merged(runs: IntArray) -> IntArray:
    """Runs numbered from 0 in order, those that continue one another made one."""
    if not len(runs):
        return runs
    own = runs[:, _MAIN_FIRST] < 0
    continues = np.zeros(len(runs), dtype=np.bool_)
    continues[1:] = (own[1:] & own[:-1]) | (
        ~own[1:]
        & ~own[:-1]
        & (runs[1:, _MAIN_FIRST] == runs[:-1, _MAIN_FIRST] + runs[:-1, _COUNT])
        & (runs[1:, _SHIFT] == runs[:-1, _SHIFT])
    )
    heads = np.flatnonzero(~continues)
    merged = runs[heads].copy()
    merged[:, _COUNT] = np.add.reduceat(runs[:, _COUNT], heads)
    merged[:, _POSITION] = np.cumsum(merged[:, _COUNT]) - merged[:, _COUNT]
    return merged


@dataclass(frozen=True, slots=True)
class _State:
    """The memory file as a cached index last saw it: its size, block checksums and units."""

    size: int
    head: npt.NDArray[np.uint32]
    units: _Units


def _state_of(main: MemoryIndex, delta: MemoryIndex | None) -> _State | None:
    main_spans = main.layer.get(SPANS)
    if main_spans is None or main_spans.ndim != 2 or main_spans.shape != (main.unit_count, 2):
        return None
    units: _Units | None
    if delta is not None:
        layer, size = delta.layer, delta.layer_meta.get("size")
        if RUNS not in layer or DELTA_SPANS not in layer:
            return None
        units = _Units.checked(layer[RUNS], layer[DELTA_SPANS], main_spans)
    else:
        layer = main.layer
        built = main.layer_meta.get("fingerprint")
        size = built.get("size") if isinstance(built, dict) else None
        units = _Units.of_main(main_spans.astype(np.int64, copy=False))
    head = layer.get(HEAD)
    if not isinstance(size, int) or units is None or head is None or len(head) != -(-size // DIFF_BLOCK_BYTES):
        return None
    return _State(size, head, units)


def update(
    main: MemoryIndex, previous: MemoryIndex | None, file: Path, *, fingerprint: dict[str, object] | None = None
) -> tuple[MemoryIndex, npt.NDArray[np.int64], dict[str, object]] | None:
    """The delta over ``main`` for the memory as it is now, and the main units it replaces; None if a build is due.

    With the delta comes the fingerprint of the bytes it was made from (``fingerprint``, if given,
    must be it). ``previous`` is the last delta saved over ``main`` (a smaller diff), or None. The diff: the
    blocks the old and new file share from the start and from the end bound what changed; the units
    that overlap the rest, with a neighbour on each side (their context changed), are read again
    from the new file. None when the memory's prolog changed, its units cannot be found by bytes, the
    file changed while read, or the delta would outgrow `COMPACT_MIN_UNITS`/`COMPACT_FRACTION`.
    """
    state = _state_of(main, previous) or (_state_of(main, None) if previous is not None else None)
    if state is None or state.units.count == 0:
        return None
    try:
        data, size = _mapped(file)
    except OSError:
        return None
    view = memoryview(data)
    # The file is hashed while it is diffed and its changed units indexed: the hash is waited for
    # only once the delta is made.
    digest = _hashing(view)
    try:
        head = block_checksums(view, block_bytes=DIFF_BLOCK_BYTES)
        made = _diffed(main, state, data, size, head)
    finally:
        hashed: dict[str, object] = {"size": size, FINGERPRINT_HASH: digest()}
        view.release()
        if isinstance(data, mmap.mmap):
            data.close()
    if made is None or (fingerprint is not None and hashed != fingerprint):
        return None
    return (*made, hashed)


def _diffed(
    main: MemoryIndex, state: _State, data: mmap.mmap | bytes, new_size: int, head: npt.NDArray[np.uint32]
) -> tuple[MemoryIndex, npt.NDArray[np.int64]] | None:
    """The delta for the file whose bytes are ``data`` (``head``: their block checksums), and the main units gone."""
    old_size = state.size
    shift = new_size - old_size
    prefix = _common_blocks(state.head, head) * DIFF_BLOCK_BYTES
    prefix = min(prefix, old_size, new_size)
    suffix = _common_suffix(state.head, old_size, data, new_size, most=min(old_size, new_size) - prefix)
    units = state.units
    count = units.count
    changed_from = units.search(1, prefix, side="right")  # the first unit not wholly in the prefix
    changed_to = units.search(0, old_size - suffix, side="left") - 1  # the last not wholly in the suffix
    first = max(min(changed_from, count) - 1, 0)  # with its neighbour before
    region_start = int(units.spans_at([first])[0, 0])
    if region_start > prefix:  # the first block changed: is it the header, or only the first unit?
        prolog_end = int(units.spans_at([0])[0, 0])
        unchanged = main.layer_meta.get("prolog_crc32")
        if prolog_end > new_size or unchanged is None or zlib.crc32(data[:prolog_end]) != unchanged:
            return None  # the header changed: a build
        if not _UNIT_START.match(data, prolog_end):
            return None
    if changed_to + 1 < count:
        last = max(changed_to + 1, first)  # with its neighbour after, itself unchanged and in the suffix
        region_end = int(units.spans_at([last])[0, 1]) + shift
    else:
        last, region_end = count - 1, new_size
    found = _unit_spans(data, region_start, region_end)
    if found is None:
        return None
    now = units.replaced(first, last, found, shift)
    in_delta = now.own_positions()
    if len(in_delta) > max(COMPACT_MIN_UNITS, COMPACT_FRACTION * main.unit_count):
        return None
    read = _read_units(data, now, in_delta)
    if read is None:
        return None
    delta = main.build_delta(in_delta.tolist(), unit_at=read.get)
    delta.layer = {RUNS: now.runs, DELTA_SPANS: now.delta_spans, HEAD: head}
    delta.layer_meta = {"size": new_size, "base": main.layer_meta.get("fingerprint")}
    return delta, now.dead_units(main.unit_count)


def _read_units(data: mmap.mmap | bytes, units: _Units, numbers: IntArray) -> dict[int, TranslationUnit] | None:
    """The units numbered ``numbers`` and their neighbours, read from the file's bytes after its own prolog."""
    wanted = sorted({int(n) + step for n in numbers.tolist() for step in (-1, 0, 1)} - {-1, units.count})
    if not wanted:
        return {}
    spans = units.spans_at(wanted).tolist()
    prolog_end = int(units.spans_at([0])[0, 0])
    pieces = [data[start:end] for start, end in spans]
    closing = b"\n</body>\n</tmx>\n"
    handle, name = tempfile.mkstemp(prefix="tmkit-delta-", suffix=".tmx")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data[:prolog_end])
            out.write(b"\n".join(pieces))
            out.write(closing)
        try:
            parsed = list(TmxReader(name))
        except InputError:
            return None  # the full build says what is wrong, naming the memory's own lines
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    if len(parsed) != len(wanted):
        return None
    return dict(zip(wanted, parsed, strict=True))


def load_delta(
    folder: Path, main: MemoryIndex, *, normalizer: Normalizer
) -> tuple[MemoryIndex, dict[str, object]] | None:
    """The delta saved over ``main`` and the fingerprint of the memory it describes; None when there is none that fits.

    Read whole and checked now (a delta is small), so no lookup meets a damaged block of it later.
    """
    try:
        meta = read_cache_meta(folder, normalizer=normalizer)
        if meta.layer.get("base") != main.layer_meta.get("fingerprint") or not main.layer_meta:
            return None
        delta = MemoryIndex._load_checked(folder, meta, normalizer=normalizer)
        delta.columns = {column: _in_memory(delta.columns[column]) for column in Column}
        delta.source_words = _words_in_memory(delta.source_words)
        delta.target_words = _words_in_memory(delta.target_words)
    except (UnusableCache, DamagedFileError, OSError, ValueError, TypeError):
        return None
    return delta, meta.fingerprint


def _in_memory(column: object) -> StringColumn:
    if isinstance(column, StringColumn):
        return column
    if not hasattr(column, "take") or not hasattr(column, "__len__"):
        raise TypeError("not a column")
    strings: list[str] = column.take(np.arange(len(column), dtype=np.int64))
    return StringColumn.from_strings(strings)


def _words_in_memory(words: object) -> WordIndex:
    if not isinstance(words, WordIndex):
        raise TypeError("a delta's words are a word index")
    postings = words.word_postings
    if isinstance(postings, FileArray):
        postings = np.asarray(postings[0 : len(postings)], dtype=np.uint32)
    return dataclasses.replace(words, word_postings=np.asarray(postings, dtype=np.uint32))


def updated_index(
    main: MemoryIndex, file: Path, main_folder: Path, *, fingerprint: dict[str, object] | None = None, save: bool = True
) -> MemoryIndex | None:
    """``main`` with the delta that brings it to the memory as it is now: the saved one if it fits, else one made.

    ``fingerprint`` is the memory's if the caller has it; else it is worked out only where needed
    (a saved delta of the file's size, or the bytes a new delta is made from).
    """
    folder = delta_folder(main_folder)
    saved = load_delta(folder, main, normalizer=main.normalizer) if os.path.lexists(folder) else None
    if saved is not None and saved[1].get("size") == _size_or_none(file):
        if fingerprint is None:
            with contextlib.suppress(OSError):
                fingerprint = file_fingerprint(file)
        state = _state_of(main, saved[0])
        if saved[1] == fingerprint and state is not None:
            return main.with_delta(saved[0], dead_units=state.units.dead_units(main.unit_count))
    made = update(main, saved[0] if saved is not None else None, file, fingerprint=fingerprint)
    if made is None:
        return None
    delta, dead, fingerprint = made
    if save:
        with contextlib.suppress(OSError):
            _remove_stale_leftovers(main_folder)  # the delta's own are removed by its save
            delta.save(folder, fingerprint=fingerprint)
    return main.with_delta(delta, dead_units=dead)


def _size_or_none(file: Path) -> int | None:
    try:
        return file.stat().st_size
    except OSError:
        return None


def remove_delta(main_folder: Path) -> None:
    """Drop the delta beside a main index just built (it describes the index before)."""
    shutil.rmtree(delta_folder(main_folder), ignore_errors=True)


__all__ = [
    "COMPACT_FRACTION",
    "COMPACT_MIN_UNITS",
    "FileLayout",
    "attach_layout",
    "delta_folder",
    "file_layout",
    "load_delta",
    "remove_delta",
    "update",
    "updated_index",
]
