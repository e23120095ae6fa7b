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
from dataclasses import dataclass
from pathlib import Path

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
#: Markup a scan of bytes cannot see through (a ``<tu`` inside a comment or CDATA is no unit): a
#: memory holding any after its first unit is always rebuilt whole.
_OPAQUE_MARKUP = (b"<!--", b"<![CDATA[", b"<?")
#: The names of the layer arrays (`MemoryIndex.layer`).
SPANS, ORIGIN, HEAD, TAIL = "unit_spans", "unit_origin", "head_crcs", "tail_crcs"


@dataclass(frozen=True, slots=True)
class FileLayout:
    """What the diff of a memory file needs: its size and hash, block checksums from both ends, where its units lie."""

    fingerprint: dict[str, object]
    head: npt.NDArray[np.uint32]  # CRC-32 of every block from the start (the last may be short)
    tail: npt.NDArray[np.uint32]  # CRC-32 of every block counted from the end (the first may be short)
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


def _layout_of(data: mmap.mmap | bytes, size: int, *, scan: bool) -> FileLayout:
    view = memoryview(data)
    # The hash releases the GIL (the block checksums, of 4 KiB each, do not): on another core it costs no wall time.
    digests: list[str] = []
    hashing = threading.Thread(target=lambda: digests.append(hashlib.new(FINGERPRINT_HASH, view).hexdigest()))
    hashing.start()
    short = size % DIFF_BLOCK_BYTES
    tail = block_checksums(view[short:], block_bytes=DIFF_BLOCK_BYTES)
    if short:
        tail = np.concatenate((np.array([zlib.crc32(view[:short])], dtype=np.uint32), tail))
    head = block_checksums(view, block_bytes=DIFF_BLOCK_BYTES)
    spans = _unit_spans(data, 0, size) if scan else None
    prolog = zlib.crc32(view[: int(spans[0, 0])]) if spans is not None and len(spans) else None
    hashing.join()
    view.release()
    return FileLayout({"size": size, FINGERPRINT_HASH: digests[0]}, head, tail, spans, prolog)


def _unit_spans(data: mmap.mmap | bytes, start: int, end: int) -> npt.NDArray[np.int64] | None:
    """Where the units between ``start`` and ``end`` lie; None when bytes cannot tell (see `_OPAQUE_MARKUP`)."""
    first = _UNIT_START.search(data, start, end)
    if first is None:
        return np.empty((0, 2), dtype=np.int64)
    if any(data.find(marker, first.start(), end) >= 0 for marker in _OPAQUE_MARKUP):
        return None
    starts = np.fromiter((m.start() for m in _UNIT_START.finditer(data, start, end)), dtype=np.int64)
    ends = np.fromiter((m.end() for m in _UNIT_END.finditer(data, start, end)), dtype=np.int64)
    if len(starts) != len(ends) or np.any(ends <= starts) or np.any(starts[1:] < ends[:-1]):
        return None
    return np.stack((starts, ends), axis=1)


def file_layout(file: Path) -> FileLayout:
    """The layout of a memory file as it is now (read once: hash, checksums and units all of the same bytes)."""
    data, size = _mapped(file)
    try:
        return _layout_of(data, size, scan=True)
    finally:
        if isinstance(data, mmap.mmap):
            data.close()


def attach_layout(index: MemoryIndex, file: Path, *, fingerprint: dict[str, object]) -> None:
    """Give a freshly built index what its updates need, if the file is still the one built and its units are found."""
    with contextlib.suppress(OSError):
        layout = file_layout(file)
        if layout.fingerprint == fingerprint and layout.spans is not None and len(layout.spans) == index.unit_count:
            index.layer = {SPANS: layout.spans, HEAD: layout.head, TAIL: layout.tail}
            index.layer_meta = {"fingerprint": fingerprint, "prolog_crc32": layout.prolog_crc32}


def _common_blocks(old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32]) -> int:
    """How many leading blocks two checksum lists share."""
    count = min(len(old), len(new))
    differ = np.flatnonzero(old[:count] != new[:count])
    return int(differ[0]) if len(differ) else count


def _whole_tail_blocks(tail: npt.NDArray[np.uint32], size: int) -> npt.NDArray[np.uint32]:
    """The checksums of the whole blocks counted from the end, the last block first."""
    whole = tail[1:] if size % DIFF_BLOCK_BYTES else tail
    return whole[::-1]


@dataclass(frozen=True, slots=True)
class _State:
    """The units of the memory as a cached index last saw it: their spans, and which main unit each is (-1: delta)."""

    size: int
    head: npt.NDArray[np.uint32]
    tail: npt.NDArray[np.uint32]
    spans: npt.NDArray[np.int64]
    origin: npt.NDArray[np.int64]


def _state_of(main: MemoryIndex, delta: MemoryIndex | None) -> _State | None:
    if delta is not None:
        layer, size = delta.layer, delta.layer_meta.get("size")
        origin = layer.get(ORIGIN)
    else:
        layer = main.layer
        built = main.layer_meta.get("fingerprint")
        size = built.get("size") if isinstance(built, dict) else None
        origin = np.arange(main.unit_count, dtype=np.int64)
    if not isinstance(size, int) or any(name not in layer for name in (SPANS, HEAD, TAIL)) or origin is None:
        return None
    spans = layer[SPANS]
    if spans.ndim != 2 or spans.shape != (len(origin), 2) or (len(origin) and int(origin.max()) >= main.unit_count):
        return None
    return _State(size, layer[HEAD], layer[TAIL], spans, origin)


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
    if state is None or len(state.origin) == 0:
        return None
    try:
        data, size = _mapped(file)
    except OSError:
        return None
    try:
        layout = _layout_of(data, size, scan=False)
        if fingerprint is not None and layout.fingerprint != fingerprint:
            return None
        made = _diffed(main, state, data, layout)
        return None if made is None else (*made, layout.fingerprint)
    finally:
        if isinstance(data, mmap.mmap):
            data.close()


def _diffed(
    main: MemoryIndex, state: _State, data: mmap.mmap | bytes, layout: FileLayout
) -> tuple[MemoryIndex, npt.NDArray[np.int64]] | None:
    old_size, new_size = state.size, layout.size
    shift = new_size - old_size
    prefix = _common_blocks(state.head, layout.head) * DIFF_BLOCK_BYTES
    suffix = _common_blocks(_whole_tail_blocks(state.tail, old_size), _whole_tail_blocks(layout.tail, new_size))
    suffix *= DIFF_BLOCK_BYTES
    prefix = min(prefix, old_size, new_size)
    suffix = min(suffix, min(old_size, new_size) - prefix)
    starts, ends = state.spans[:, 0], state.spans[:, 1]
    count = len(starts)
    changed_from = int(np.searchsorted(ends, prefix, side="right"))  # the first unit not wholly in the prefix
    changed_to = int(np.searchsorted(starts, old_size - suffix, side="left")) - 1  # the last not wholly in the suffix
    first = max(min(changed_from, count) - 1, 0)  # with its neighbour before
    if int(starts[first]) > prefix:  # the first block changed: is it the header, or only the first unit?
        prolog_end = int(starts[0])
        unchanged = main.layer_meta.get("prolog_crc32")
        if prolog_end > new_size or unchanged is None or zlib.crc32(data[:prolog_end]) != unchanged:
            return None  # the header changed: a build
        if not _UNIT_START.match(data, prolog_end):
            return None
    if changed_to + 1 < count:
        last = max(changed_to + 1, first)  # with its neighbour after, itself unchanged and in the suffix
        region_end = int(ends[last]) + shift
    else:
        last, region_end = count - 1, new_size
    region_start = int(starts[first])
    found = _unit_spans(data, region_start, region_end)
    if found is None:
        return None
    spans = np.concatenate((state.spans[:first], found.reshape(-1, 2), state.spans[last + 1 :] + shift))
    origin = np.concatenate(
        (state.origin[:first], np.full(len(found), -1, dtype=np.int64), state.origin[last + 1 :])
    ).astype(np.int64)
    in_delta = np.flatnonzero(origin < 0)
    if len(in_delta) > max(COMPACT_MIN_UNITS, COMPACT_FRACTION * main.unit_count):
        return None
    units = _read_units(data, spans, in_delta, prolog_end=int(spans[0, 0]) if len(spans) else 0)
    if units is None:
        return None
    delta = main.build_delta(in_delta.tolist(), unit_at=units.get)
    delta.layer = {SPANS: spans, ORIGIN: origin, HEAD: layout.head, TAIL: layout.tail}
    delta.layer_meta = {"size": new_size, "base": main.layer_meta.get("fingerprint")}
    live = origin[origin >= 0]
    alive = np.zeros(main.unit_count, dtype=np.bool_)
    alive[live] = True
    return delta, np.flatnonzero(~alive).astype(np.int64)


def _read_units(
    data: mmap.mmap | bytes, spans: npt.NDArray[np.int64], numbers: npt.NDArray[np.int64], *, prolog_end: int
) -> dict[int, TranslationUnit] | None:
    """The units numbered ``numbers`` and their neighbours, read from the file's bytes after its own prolog."""
    wanted = sorted({int(n) + step for n in numbers.tolist() for step in (-1, 0, 1)} & set(range(len(spans))))
    if not wanted:
        return {}
    pieces = [data[int(spans[n, 0]) : int(spans[n, 1])] for n in wanted]
    closing = b"\n</body>\n</tmx>\n"
    handle, name = tempfile.mkstemp(prefix="tmkit-delta-", suffix=".tmx")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data[:prolog_end])
            out.write(b"\n".join(pieces))
            out.write(closing)
        try:
            units = list(TmxReader(name))
        except InputError:
            return None  # the full build says what is wrong, naming the memory's own lines
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    if len(units) != len(wanted):
        return None
    return dict(zip(wanted, units, strict=True))


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
        if saved[1] == fingerprint:
            delta = saved[0]
            return main.with_delta(delta, dead_units=_dead_units(main, delta))
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


def _dead_units(main: MemoryIndex, delta: MemoryIndex) -> npt.NDArray[np.int64]:
    origin = delta.layer[ORIGIN]
    alive = np.zeros(main.unit_count, dtype=np.bool_)
    alive[origin[origin >= 0]] = True
    return np.flatnonzero(~alive).astype(np.int64)


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
