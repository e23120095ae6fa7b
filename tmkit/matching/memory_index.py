"""One memory made searchable in one direction: its entries in compact columns, their indexes, and the cache on disk."""

from __future__ import annotations

import concurrent.futures
import contextlib
import glob
import hashlib
import io
import json
import mmap
import os
import shutil
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from tmkit.errors import InputError, TmkitError
from tmkit.formats.tmx_reader import TmxReader
from tmkit.formats.tmx_writer import segment_to_xml
from tmkit.matching.candidate_index import BUILD_CHUNK_ENTRIES, MAX_CHUNK_ENTRIES, CandidateIndex
from tmkit.matching.columns import (
    CHECK_BLOCK_BYTES,
    NPY_HEADER_BYTES,
    BlockFile,
    BlockWriter,
    DamagedFileError,
    FileArray,
    FileChecks,
    FileStringColumn,
    StringColumn,
    StringColumnBuilder,
    block_checksums,
    npy_header,
    npy_header_bytes,
)
from tmkit.matching.heap import release_free_memory
from tmkit.matching.layered import (
    EntryUnits,
    LayeredCandidates,
    LayeredColumn,
    LayeredValues,
    LayeredWords,
    Layers,
    layered_parts,
)
from tmkit.matching.spill import (
    MERGE_RANGE_POSTINGS,
    BuildSpill,
    PagedStringColumn,
    WholeCheckedWriter,
    mapped_array,
)
from tmkit.matching.word_index import WordIndex, WordIndexBuilder
from tmkit.memory.langtags import lang_key
from tmkit.memory.model import Status, TranslationUnit, Variant
from tmkit.text.normalize import Normalizer

#: Bump when the cached index layout, the way entries are made or the way keys are encoded changes.
#: 7: every file's size and CRC-32 in the metadata, the metadata's own checksum, the whole memory hashed.
#: 8: files read by parts checked per 4 KiB block as read (CRC-32s in side files), the memory hashed with SHA-256.
#: 9: concordance words filed by every clitic reading in a sorted vocabulary (prefix search), not by hash.
#: 10: each entry's unit number and where each unit's bytes lie in the memory, for updates by a delta.
#: 11: short keys' words and near-equal forms filed as terms (`CandidateIndex`), for short lookups.
#: 12: the fewest words of the keys of each length (`CandidateIndex.fewest_words`), for short lookups.
#: 13: the words of keys up to `candidate_index.WORDED_KEY` filed as terms, not only the short keys'.
#: 14: each such key's words marked, a bit a word, in one 64-bit word (`CandidateIndex.term_marks`).
#: 15: near-equal forms without any form mark (`match_percent.FORM_MARKS`): punctuation marks are form, not wording.
INDEX_FORMAT = "tmkit-index-16"
#: What every cache folder's format is called, whatever its version: another version is out of date, not damaged.
_INDEX_FORMAT_FAMILY = "tmkit-index-"
#: The cache folder's description of itself: format, fingerprint of the memory, files and their checksums.
META_FILE = "meta.json"
_META_CHECKSUM = "checksum"
#: Bytes read at a time when hashing a memory or checking a cache file.
HASH_BUFFER_BYTES = 1 << 20
#: Bytes hashed per read when fingerprinting a memory. Large, because the hash runs beside the load:
#: each chunk takes the GIL back twice (after the read and after the hash), and each time waits on
#: the loading thread's Python for up to a switch interval (1M pairs: 470 ms with 1 MiB, 358 with 64).
FINGERPRINT_CHUNK_BYTES = 64 << 20
#: The hash that identifies a memory's content: the fastest of hashlib's secure ones here (SHA-NI
#: through OpenSSL, about 2 GB/s against BLAKE2b's 1.3), and a collision is out of reach.
FINGERPRINT_HASH = "sha256"
#: How the side file holding a file's block checksums is named (``column.tuid.bin`` -> ``column.tuid.bin.crc32``).
_BLOCK_CHECKSUMS_SUFFIX = ".crc32"
#: A build's staging folder or a replaced cache left behind by a killed process is removed by the next
#: save once its process has gone, or after this long whatever it looks like (a build takes minutes).
STALE_LEFTOVER_SECONDS = 24 * 3600
_STAGING = "staging"
_REPLACED = "replaced"
#: Props naming a unit's neighbouring source segments, which then win over its neighbours in the file.
CONTEXT_PREV_PROPS = ("x-context-prev", "prev")
CONTEXT_NEXT_PROPS = ("x-context-next", "next")
_Result = TypeVar("_Result")
_STATUS_CODES = {status: number for number, status in enumerate(Status)}
_STATUSES = list(Status)


class Column(StrEnum):
    """The strings an index keeps for every entry; the values name the columns' files in the cache."""

    SOURCE_KEY = "source_key"  # the normalized source text, which lookups compare
    SOURCE_XML = "source_xml"  # the source and target segments as TMX markup
    TARGET_XML = "target_xml"
    TUID = "tuid"  # the provenance shown with a match ("" when the unit has none)
    CREATION_ID = "creation_id"
    CREATION_DATE = "creation_date"
    CHANGE_ID = "change_id"
    CHANGE_DATE = "change_date"


class _Saved(StrEnum):
    """The parts of a cached index, as the first word of their files' names (``candidates.gram_hashes.npy``)."""

    STATUS = "status"
    CONTEXT_PREV = "context_prev"
    CONTEXT_NEXT = "context_next"
    CANDIDATES = "candidates"
    COLUMN = "column"
    SOURCE_WORDS = "source_words"
    TARGET_WORDS = "target_words"
    UNIT_OF_ENTRY = "unit_of_entry"
    LAYER = "layer"  # what an update by a delta needs of the memory file (`tmkit.matching.memory_delta`)


def _saved_name(part: _Saved, *names: str) -> str:
    """The name a saved array is filed under: ``status``, ``column.tuid.starts``…"""
    return ".".join((part.value, *names))


#: String columns kept in memory; the others are read from their files entry by entry.
_HOT_COLUMNS = frozenset({Column.SOURCE_KEY})
#: Columns of normalized keys, stored one byte per Arabic letter.
_COMPACT_COLUMNS = frozenset({Column.SOURCE_KEY})
#: Arrays every lookup touches, by name prefix: mapped into memory and checked whole at load, so no
#: lookup waits on the disk. So are the word lists of concordance, which are small and
#: binary-searched. The rest (where the cold columns' strings start, the concordance postings) is
#: read entry by entry, each read checked block by block, and nothing of it is read at load.
_WHOLE_ARRAYS = (
    _saved_name(_Saved.STATUS),
    _saved_name(_Saved.CONTEXT_PREV),
    _saved_name(_Saved.CONTEXT_NEXT),
    _saved_name(_Saved.UNIT_OF_ENTRY),
    _saved_name(_Saved.LAYER, ""),
    _saved_name(_Saved.CANDIDATES, ""),
    *(_saved_name(_Saved.COLUMN, column, "") for column in sorted(_HOT_COLUMNS)),
    *(
        _saved_name(part, name)
        for part in (_Saved.SOURCE_WORDS, _Saved.TARGET_WORDS)
        for name in WordIndex.LOADED_WHOLE
    ),
)


def context_hash(key: str | None) -> int:
    """A 63-bit fingerprint of a normalized neighbouring segment (0 when there is none)."""
    if key is None:
        return 0
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little") >> 1 or 1


class UnusableCache(ValueError):
    """A cached index that cannot be used: ``damaged`` when its files are corrupt or missing, else out of date."""

    def __init__(self, reason: str, *, damaged: bool) -> None:
        super().__init__(reason)
        self.damaged = damaged


@dataclass(frozen=True, slots=True)
class FileCheck:
    """How a cache file is checked: its size, and the CRC-32 of all of it or the side file of its block CRC-32s."""

    size: int
    crc32: int | None = None  # checked whole at load
    block_checksums: str | None = None  # checked block by block as read: the file listing their CRC-32s


@dataclass(frozen=True, slots=True)
class CacheMeta:
    """The checked metadata of a cache folder."""

    name: str
    source_lang: str
    target_lang: str
    fingerprint: dict[str, object]
    arrays: list[str]
    files: dict[str, FileCheck]
    unit_count: int = 0
    layer: dict[str, object] = field(default_factory=dict)


class CacheStaging:
    """A cache folder being filled while its index is built, then renamed into place by `MemoryIndex.save`.

    Everything a build would hold in proportion to the memory goes into it as it is made: the texts
    read by parts and the source keys (their checksums worked out as written), each chunk's postings
    (into unnamed files, merged from there into the cache's files a token range at a time), the
    per-entry arrays. The index reads them back from here: what a lookup reads whole mapped, as
    the cache's loader maps it, the rest by checked reads. The files written are listed with their
    metadata entries, which `MemoryIndex.save` writes as it would for arrays it wrote itself.
    """

    __slots__ = ("_entries", "_sinks", "_staged_arrays", "merge_range_postings", "path")

    def __init__(self, path: Path, *, merge_range_postings: int = MERGE_RANGE_POSTINGS) -> None:
        self.path = path
        self.merge_range_postings = merge_range_postings
        self._entries: dict[str, dict[str, dict[str, object]]] = {}  # by file: its entry and its side file's
        self._staged_arrays: dict[str, FileArray | npt.NDArray[Any]] = {}
        self._sinks: dict[Column, tuple[WholeCheckedWriter, WholeCheckedWriter]] = {}

    @classmethod
    def beside(cls, target: Path, *, merge_range_postings: int = MERGE_RANGE_POSTINGS) -> CacheStaging:
        """A new, empty staging folder beside the cache folder ``target`` (named so leftovers can be told)."""
        folder = Path(tempfile.mkdtemp(prefix=_leftover_prefix(target, _STAGING), dir=target.parent))
        return cls(folder, merge_range_postings=merge_range_postings)

    def remove(self) -> None:
        """Remove the folder (files still open stay readable until closed)."""
        shutil.rmtree(self.path, ignore_errors=True)

    def holds(self, name: str) -> bool:
        return name in self._entries

    def entries(self, name: str) -> dict[str, dict[str, object]]:
        """The metadata entries of a file written here and of its side file of block checksums."""
        return self._entries[name]

    def staged_array(self, name: str) -> FileArray | npt.NDArray[Any]:
        return self._staged_arrays[name]

    def staged(self, name: str, array: object) -> bool:
        """Whether ``array`` is the one read back from the file ``name`` written here (so it need not be written)."""
        return self._staged_arrays.get(name) is array

    def _record(self, name: str, checks: FileChecks) -> None:
        size, checksums = checks
        side = f"{name}{_BLOCK_CHECKSUMS_SUFFIX}"
        self._entries[name] = {
            name: {"size": size, "block_checksums": side},
            **_write_checked(self.path, side, checksums.astype("<u4").tobytes(), by_blocks=False),
        }

    def _whole_file(self, name: str, dtype: np.dtype[Any]) -> WholeCheckedWriter:
        return WholeCheckedWriter(self.path / name, dtype)

    def _finish_whole(self, writer: WholeCheckedWriter) -> npt.NDArray[Any]:
        """Close a file checked whole, record it, and give its array mapped as the loader maps it."""
        size, crc = writer.finish()
        name = writer.path.name
        self._entries[name] = {name: {"size": size, "crc32": crc}}
        array, _map = mapped_array(writer.path)
        self._staged_arrays[name] = array
        return array

    def column_builder(self, column: Column) -> StringColumnBuilder:
        """A builder that writes a column's texts and starts here as they come."""
        starts = self.path / f"{_saved_name(_Saved.COLUMN, column, 'starts')}.npy"
        if column in _HOT_COLUMNS:  # saved as arrays checked whole, mapped by a lookup
            sinks = (
                self._whole_file(f"{_saved_name(_Saved.COLUMN, column, 'blob')}.npy", np.dtype(np.uint8)),
                self._whole_file(starts.name, np.dtype(np.int64)),
            )
            self._sinks[column] = sinks
            return StringColumnBuilder(compact=column in _COMPACT_COLUMNS, sinks=sinks)
        texts = self.path / _saved_name(_Saved.COLUMN, column, "bin")
        return StringColumnBuilder(spill_to=(str(texts), str(starts)))

    def finish_column(self, column: Column, builder: StringColumnBuilder) -> FileStringColumn | StringColumn:
        if column in self._sinks:
            blob_file, starts_file = self._sinks.pop(column)
            blob = self._finish_whole(blob_file)
            return StringColumn(blob, self._finish_whole(starts_file), compact=builder.compact)
        strings, text_checks, starts_checks = builder.finish_in_files()
        self._record(_saved_name(_Saved.COLUMN, column, "bin"), text_checks)
        starts_name = f"{_saved_name(_Saved.COLUMN, column, 'starts')}.npy"
        self._record(starts_name, starts_checks)
        if not isinstance(strings.starts, FileArray):
            raise TypeError("a column written to files reads its starts from its file")
        self._staged_arrays[starts_name] = strings.starts
        return strings

    def paged_column(self, column: Column) -> PagedStringColumn:
        """A hot column written here, mapped again for one pass over it that gives its pages back as it goes."""
        blob, blob_map = mapped_array(self.path / f"{_saved_name(_Saved.COLUMN, column, 'blob')}.npy", shared=True)
        starts, starts_map = mapped_array(
            self.path / f"{_saved_name(_Saved.COLUMN, column, 'starts')}.npy", shared=True
        )
        return PagedStringColumn(blob, starts, [blob_map, starts_map], compact=column in _COMPACT_COLUMNS)

    def stage_array(
        self, name: str, dtype: np.dtype[Any], pieces: Iterable[npt.NDArray[Any]]
    ) -> FileArray | npt.NDArray[Any]:
        """The array saved as ``name`` written here from its consecutive pieces, as `MemoryIndex.save` would
        write it, and read back from here: mapped if a lookup reads it whole, else by checked reads."""
        file = f"{name}.npy"
        if name.startswith(_WHOLE_ARRAYS):
            return self.stage_whole(name, dtype, pieces)
        blocks = BlockWriter(str(self.path / file), header_bytes=npy_header_bytes(dtype))
        count = 0
        for piece in pieces:
            blocks.write(np.ascontiguousarray(piece, dtype=dtype).tobytes())
            count += len(piece)
        checks = blocks.finish(header=npy_header(dtype, count))
        self._record(file, checks)
        array = FileArray(BlockFile(str(self.path / file), checksums=checks[1], size=checks[0]), dtype=dtype)
        self._staged_arrays[file] = array
        return array

    def stage_whole(self, name: str, dtype: np.dtype[Any], pieces: Iterable[npt.NDArray[Any]]) -> npt.NDArray[Any]:
        """`stage_array` for an array a lookup reads whole: checked whole, mapped."""
        if not name.startswith(_WHOLE_ARRAYS):
            raise ValueError(f"{name} is read by parts")
        writer = self._whole_file(f"{name}.npy", dtype)
        for piece in pieces:
            writer.write(piece)
        return self._finish_whole(writer)

    def spill(self, part: _Saved) -> BuildSpill:
        """Where a structure's build puts its runs, and saves its arrays here under ``part``'s names."""

        def save_array(name: str, dtype: np.dtype[Any], pieces: Iterable[npt.NDArray[Any]]) -> Any:
            return self.stage_array(_saved_name(part, name), dtype, pieces)

        return BuildSpill(self.path, save_array, range_postings=self.merge_range_postings)


@dataclass(slots=True)
class MemoryIndex:
    """The entries of one memory for one language direction, ready for fuzzy lookup and concordance.

    An entry is a (source variant, target variant) pair of a unit that is not rejected and whose
    target is not empty; a unit with two target variants gives two entries (alternatives).
    """

    name: str
    source_lang: str
    target_lang: str
    normalizer: Normalizer
    columns: dict[Column, StringColumn | FileStringColumn | LayeredColumn]
    status: npt.NDArray[np.uint8] | LayeredValues
    context_prev: npt.NDArray[np.uint64] | LayeredValues
    context_next: npt.NDArray[np.uint64] | LayeredValues
    candidates: CandidateIndex | LayeredCandidates
    source_words: WordIndex | LayeredWords
    target_words: WordIndex | LayeredWords
    penalty: float = 0.0
    #: The number, in the units indexed, of each entry's unit (units without the source language count too).
    unit_of_entry: npt.NDArray[np.uint32] | LayeredValues = field(default_factory=lambda: np.empty(0, dtype=np.uint32))
    #: How many units were indexed, entries or not.
    unit_count: int = 0
    #: Set by `open_memory`: the memory has units, but none holds both languages (it can never give a match).
    pair_missing: bool = False
    #: Saved with the index and loaded with it: what updating it by a delta needs (`tmkit.matching.memory_delta`).
    layer: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
    layer_meta: dict[str, object] = field(default_factory=dict)
    #: For an index with a delta on top: the main index, and the unit numbers the delta holds (the main's numbering).
    base: MemoryIndex | None = None
    delta_units: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.status)

    def status_of(self, entry: int) -> Status:
        return _STATUSES[int(self.status[entry])]

    def text(self, column: Column, entry: int) -> str:
        return self.columns[column][entry]

    def optional(self, column: Column, entry: int) -> str | None:
        """An entry's value in a column whose empty string means "none" (provenance)."""
        strings = self.columns[column]
        if strings.holds_nothing:  # a field no unit has (many memories carry no dates or ids): nothing to read
            return None
        return strings[entry] or None

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        units: Iterable[TranslationUnit],
        *,
        source_lang: str,
        target_lang: str,
        name: str = "memory",
        normalizer: Normalizer | None = None,
        target_normalizer: Normalizer | None = None,
        context_only: frozenset[int] = frozenset(),
        breaks_after: frozenset[int] = frozenset(),
        chunk_entries: int = BUILD_CHUNK_ENTRIES,
        staging: CacheStaging | None = None,
    ) -> MemoryIndex:
        """Index units (a `Memory` or a streaming `TmxReader`) for lookups from ``source_lang``.

        For a delta, units are given with their neighbours: the units numbered in ``context_only``
        are read for their neighbours' context and give no entries, and a unit numbered in
        ``breaks_after`` is no neighbour of the unit after it (the stream skips units there).
        Units are read and packed ``chunk_entries`` entries at a time; any chunk size gives the same index.
        With ``staging`` (an index built to be saved), whatever grows with the memory is written into
        that folder as it is made and read back from it (`CacheStaging`): the texts, the keys, the
        postings (each chunk's spilled, then merged from disk), the per-entry arrays. The build then
        holds, in proportion to the memory, 9 bytes an entry and 8 a unit while reading (status, unit
        number and key length; each unit's context hash), 12 an entry while the candidate index is
        built (the length order, the lengths in it, each key's gram count), and the short keys as
        strings, which a lookup needs (a loaded index holds them too).
        """
        if not 0 < chunk_entries <= MAX_CHUNK_ENTRIES:
            raise ValueError(f"chunk_entries must be 1 … {MAX_CHUNK_ENTRIES:,}")
        source_norm = normalizer or Normalizer(source_lang)
        target_norm = target_normalizer or Normalizer(target_lang)
        # Entries are gathered a chunk at a time, then packed (strings into their columns' bytes,
        # keys into the word indexes' postings, numbers into arrays) and the chunk's objects
        # dropped: at 1M entries, holding every string to the end took 1 GB before any index.
        columns: dict[Column, list[str]] = {column: [] for column in Column}
        builders = {
            column: staging.column_builder(column)
            if staging is not None
            else StringColumnBuilder(compact=column in _COMPACT_COLUMNS)
            for column in Column
        }
        keys, source_xml, target_xml = (
            columns[Column.SOURCE_KEY],
            columns[Column.SOURCE_XML],
            columns[Column.TARGET_XML],
        )
        tuids, creation_ids = columns[Column.TUID], columns[Column.CREATION_ID]
        creation_dates, change_ids, change_dates = (
            columns[Column.CREATION_DATE],
            columns[Column.CHANGE_ID],
            columns[Column.CHANGE_DATE],
        )
        target_keys: list[str] = []
        statuses: list[int] = []
        unit_of_entry: list[int] = []
        source_words = WordIndexBuilder(spill=staging.spill(_Saved.SOURCE_WORDS) if staging is not None else None)
        target_words = WordIndexBuilder(spill=staging.spill(_Saved.TARGET_WORDS) if staging is not None else None)
        packed: dict[str, list[npt.NDArray[Any]]] = {"status": [], "unit": [], "length": []}
        # Each unit's source key as its context fingerprint (0 for none): what a neighbour's entry stores.
        unit_hashes: list[npt.NDArray[np.uint64]] = []
        chunk_hashes: list[int] = []
        explicit_context = _ExplicitContexts()

        def pack_entries() -> None:
            source_words.add(keys)
            target_words.add(target_keys)
            packed["length"].append(np.fromiter(map(len, keys), dtype=np.int32, count=len(keys)))
            packed["status"].append(np.array(statuses, dtype=np.uint8))
            packed["unit"].append(np.array(unit_of_entry, dtype=np.uint32))
            for column, values in columns.items():
                builders[column].extend(values)
                values.clear()
            target_keys.clear()
            statuses.clear()
            unit_of_entry.clear()

        wanted_source = _LanguagePicker(source_lang)
        wanted_target = _LanguagePicker(target_lang)
        unit_number = -1
        for unit_number, unit in enumerate(units):  # the number after the loop counts the units
            if len(chunk_hashes) == chunk_entries:
                unit_hashes.append(np.array(chunk_hashes, dtype=np.uint64))
                chunk_hashes.clear()
            source = wanted_source.first(unit)
            if source is None:
                chunk_hashes.append(0)
                continue
            key = source_norm(source.text)
            chunk_hashes.append(context_hash(key))
            if unit.props:
                prev = next(_prop_values(unit, CONTEXT_PREV_PROPS), None)
                following = next(_prop_values(unit, CONTEXT_NEXT_PROPS), None)
                if prev is not None or following is not None:
                    explicit_context.add(
                        unit_number,
                        context_hash(source_norm(prev) if prev is not None else None),
                        context_hash(source_norm(following) if following is not None else None),
                    )
            if unit.rejected or unit_number in context_only:
                continue
            source_markup = None
            for target in wanted_target.all(unit):
                if target is source or target.segment.is_empty:
                    continue
                if source_markup is None:
                    source_markup = segment_to_xml(source.segment)
                keys.append(key)
                statuses.append(_STATUS_CODES[unit.status])
                unit_of_entry.append(unit_number)
                source_xml.append(source_markup)
                target_xml.append(segment_to_xml(target.segment))
                target_keys.append(target_norm(target.text))
                tuids.append(unit.tuid or "")
                creation_ids.append(target.creation_id or unit.creation_id or "")
                creation_dates.append(target.creation_date or unit.creation_date or "")
                change_ids.append(target.change_id or unit.change_id or "")
                change_dates.append(target.change_date or unit.change_date or "")
                if len(keys) == chunk_entries:
                    pack_entries()
        pack_entries()
        unit_hashes.append(np.array(chunk_hashes, dtype=np.uint64))
        explicit_context.pack()
        built: dict[Column, StringColumn | FileStringColumn | LayeredColumn] = {
            column: staging.finish_column(column, builder)
            if (builder.spilled or builder.sunk) and staging
            else builder.finish()
            for column, builder in builders.items()
        }
        # The word indexes finished first: that lets go of their dictionaries of every distinct word
        # and piece (big in a real memory's vocabulary) before the candidate index is built.
        source_index, target_index = source_words.finish(), target_words.finish()
        key_column = built[Column.SOURCE_KEY]
        if not isinstance(key_column, StringColumn):
            raise TypeError("the source keys are kept in memory")
        if staging is None:
            key_lengths = np.concatenate(packed.pop("length"))
            entry_units = np.concatenate(packed["unit"])
            prev_hashes, next_hashes = _neighbour_hashes(
                entry_units, np.concatenate(unit_hashes), explicit_context, breaks_after
            )
            status = np.concatenate(packed["status"])
            candidates = CandidateIndex.build(key_column, key_lengths=key_lengths, chunk_entries=chunk_entries)
            del key_lengths
        else:
            # Each per-entry array written here a slice at a time and read back mapped, as a load maps it.
            all_hashes = np.concatenate(unit_hashes)
            unit_hashes.clear()

            def neighbours(side: int) -> Iterator[npt.NDArray[np.uint64]]:
                for entries in packed["unit"]:
                    yield _neighbour_hashes(entries, all_hashes, explicit_context, breaks_after)[side]

            prev_hashes = staging.stage_whole(_saved_name(_Saved.CONTEXT_PREV), np.dtype(np.uint64), neighbours(0))
            next_hashes = staging.stage_whole(_saved_name(_Saved.CONTEXT_NEXT), np.dtype(np.uint64), neighbours(1))
            del all_hashes
            status = staging.stage_whole(_saved_name(_Saved.STATUS), np.dtype(np.uint8), packed.pop("status"))
            entry_units = staging.stage_whole(
                _saved_name(_Saved.UNIT_OF_ENTRY), np.dtype(np.uint32), packed.pop("unit")
            )
            # The keys read in length order from a map of their own, whose pages are given back as it goes.
            paged_keys = staging.paged_column(Column.SOURCE_KEY)
            try:
                candidates = CandidateIndex.build(
                    paged_keys,
                    key_lengths=np.concatenate(packed.pop("length")),  # held by the build alone, which lets go of it
                    chunk_entries=chunk_entries,
                    spill=staging.spill(_Saved.CANDIDATES),
                    lookup_keys=key_column,
                )
            finally:
                paged_keys.close()
        return cls(
            name=name,
            source_lang=source_lang,
            target_lang=target_lang,
            normalizer=source_norm,
            columns=built,
            status=status,
            context_prev=prev_hashes,
            context_next=next_hashes,
            candidates=candidates,
            source_words=source_index,
            target_words=target_index,
            unit_of_entry=entry_units,
            unit_count=unit_number + 1,
        )

    # -- updates by a delta ---------------------------------------------------------------------

    def with_delta(self, delta: MemoryIndex, *, dead_units: npt.NDArray[np.int64] | Sequence[int]) -> MemoryIndex:
        """This index with ``delta`` on top, as one: the entries of the units numbered ``dead_units`` gone
        (changed or deleted), the others numbered in order, then the delta's. Lookups see no difference
        from an index built afresh but for entry numbers (and a lookup's candidates, found per layer).
        A delta laid on an index that has one replaces it; nothing can be stacked on this one (`with_layer`)."""
        main = self.base if self.base is not None else self
        return main.with_layer(delta, superseded=dead_units, layer_units=None)

    def with_layer(
        self,
        layer: MemoryIndex,
        *,
        superseded: npt.NDArray[np.int64] | Sequence[int],
        layer_units: npt.NDArray[np.int64] | None,
    ) -> MemoryIndex:
        """This index (the main one or layered) with one more layer on top: the entries of the units numbered
        ``superseded`` (the main's numbering: those ``layer`` indexes again) gone from every layer below.

        ``layer_units`` is the unit number of each of ``layer``'s entries (`delta_entry_units`), so that a layer
        can be stacked on it in turn; None when nothing will be. It costs the entries superseded, not the
        size of the index: each layer's arrays are read through the numbering, never copied.
        """
        main = self.base if self.base is not None else self
        if not isinstance(main.candidates, CandidateIndex) or not isinstance(layer.candidates, CandidateIndex):
            raise TypeError("a delta goes over a built or loaded index, itself built")
        if isinstance(self.candidates, LayeredCandidates):
            below = self.candidates.layers
        elif isinstance(main.unit_of_entry, LayeredValues):
            raise TypeError("a main index is no layered one")
        else:
            below = Layers.over(len(main), EntryUnits.of(main.unit_of_entry))
        layers = below.stacked(len(layer), None if layer_units is None else EntryUnits(layer_units), superseded)

        def values(name: str) -> LayeredValues:
            return LayeredValues((*layered_parts(getattr(self, name)), *layered_parts(getattr(layer, name))), layers)

        return MemoryIndex(
            name=main.name,
            source_lang=main.source_lang,
            target_lang=main.target_lang,
            normalizer=main.normalizer,
            columns={
                column: LayeredColumn.on(self.columns[column], layer.columns[column], layers) for column in Column
            },
            status=values("status"),
            context_prev=values("context_prev"),
            context_next=values("context_next"),
            candidates=LayeredCandidates.on(self.candidates, layer.candidates, layers),
            source_words=LayeredWords.on(self.source_words, layer.source_words, layers),
            target_words=LayeredWords.on(self.target_words, layer.target_words, layers),
            penalty=main.penalty,
            unit_of_entry=values("unit_of_entry"),
            unit_count=main.unit_count,
            layer=layer.layer,
            layer_meta=layer.layer_meta,
            base=main,
        )

    def with_units(self, numbers: Iterable[int], *, unit_at: Callable[[int], TranslationUnit | None]) -> MemoryIndex:
        """This index once the units numbered ``numbers`` changed, were added (numbers from `unit_count` on) or
        were deleted, without rebuilding it: ``unit_at(n)`` is unit ``n`` as it is now (None when there is none).

        What the editor calls when a segment is confirmed (its own document's index, numbered by row),
        so the next segments match it at once. Repeated calls keep one delta over the first index.
        """
        main = self.base if self.base is not None else self
        changed = set(self.delta_units) | set(numbers)
        # A unit's neighbours are its context: they are indexed again with it.
        wanted = sorted({n + step for n in changed for step in (-1, 0, 1)} - {-1})
        delta = main.build_delta(wanted, unit_at=unit_at)
        dead = np.array([n for n in wanted if n < main.unit_count], dtype=np.int64)
        layered = main.with_delta(delta, dead_units=dead)
        # The changed units only: their neighbours are widened again from them next time, not from themselves.
        layered.delta_units = tuple(sorted(n for n in changed if unit_at(n) is not None or n < main.unit_count))
        return layered

    def build_delta(self, numbers: Sequence[int], *, unit_at: Callable[[int], TranslationUnit | None]) -> MemoryIndex:
        """An index of the units numbered ``numbers`` (sorted), read with their neighbours for context."""
        stream, context_only, breaks_after = _delta_stream(numbers, unit_at)
        return MemoryIndex.build(
            [unit for _number, unit in stream],
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            name=self.name,
            normalizer=self.normalizer,
            context_only=frozenset(context_only),
            breaks_after=frozenset(breaks_after),
        )

    # -- the cache on disk ----------------------------------------------------------------------

    def save(
        self, folder: str | os.PathLike[str], *, fingerprint: dict[str, object], staging: CacheStaging | None = None
    ) -> None:
        """Write the index into ``folder`` as one step (a staging folder renamed into place).

        The metadata records the size of every file, and the CRC-32 of the arrays read whole or
        the CRC-32s of every 4 KiB block of the files read by parts (in side files), and a checksum
        of itself, so that `load` and every read after it can tell a damaged cache from a sound one.
        ``staging`` is the folder the index was built into (``MemoryIndex.build(staging=…)``): the
        files written there as it was built are kept as they are, and the rest written beside them.
        """
        target = Path(folder)
        _remove_stale_leftovers(target)
        if staging is None:
            staging = CacheStaging.beside(target)
        try:
            arrays: dict[str, npt.NDArray[np.generic] | FileArray] = {
                _saved_name(_Saved.STATUS): np.asarray(self.status),
                _saved_name(_Saved.CONTEXT_PREV): np.asarray(self.context_prev),
                _saved_name(_Saved.CONTEXT_NEXT): np.asarray(self.context_next),
                _saved_name(_Saved.UNIT_OF_ENTRY): np.asarray(self.unit_of_entry),
                **_prefixed(_Saved.LAYER, self.layer),
            }
            if not (
                isinstance(self.candidates, CandidateIndex)
                and isinstance(self.source_words, WordIndex)
                and isinstance(self.target_words, WordIndex)
            ):
                raise ValueError("only a freshly built index can be saved")
            arrays |= {
                **_prefixed(_Saved.CANDIDATES, self.candidates.arrays()),
                **_prefixed(_Saved.SOURCE_WORDS, self.source_words.arrays()),
                **_prefixed(_Saved.TARGET_WORDS, self.target_words.arrays()),
            }
            # The files in the order the metadata has always listed them (its bytes stay the same).
            files: dict[str, dict[str, object]] = {}
            for column, strings in self.columns.items():
                starts_name = _saved_name(_Saved.COLUMN, column, "starts")
                if isinstance(strings, StringColumn):
                    arrays[starts_name] = strings.starts
                    if column in _HOT_COLUMNS:
                        arrays[_saved_name(_Saved.COLUMN, column, "blob")] = strings.blob
                    else:
                        name = _saved_name(_Saved.COLUMN, column, "bin")
                        files |= _write_checked(staging.path, name, strings.blob.tobytes(), by_blocks=True)
                elif column not in _HOT_COLUMNS and staging.holds(_saved_name(_Saved.COLUMN, column, "bin")):
                    arrays[starts_name] = staging.staged_array(f"{starts_name}.npy")
                    files |= staging.entries(_saved_name(_Saved.COLUMN, column, "bin"))
                else:
                    raise ValueError("only a freshly built index can be saved")
            for name, array in arrays.items():
                if isinstance(array, FileArray) or staging.staged(f"{name}.npy", array):
                    files |= staging.entries(f"{name}.npy")
                elif staging.holds(f"{name}.npy"):  # written over, its file would pull the map under its array
                    raise ValueError(f"{name} was built into the staging folder and replaced since")
                else:
                    by_blocks = not name.startswith(_WHOLE_ARRAYS)
                    files |= _write_checked(staging.path, f"{name}.npy", array, by_blocks=by_blocks)
            body = {
                "format": INDEX_FORMAT,
                "name": self.name,
                "source_lang": self.source_lang,
                "target_lang": self.target_lang,
                "normalizer": self.normalizer.signature,
                "fingerprint": fingerprint,
                "arrays": sorted(arrays),
                "files": files,
                "unit_count": self.unit_count,
                "layer": self.layer_meta,
            }
            meta = {**body, _META_CHECKSUM: _meta_checksum(body)}
            text = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
            _write_checked(staging.path, META_FILE, text, by_blocks=False)
            os.chmod(staging.path, 0o777 & ~_umask())
            _replace_folder(staging.path, target)
        except BaseException:
            staging.remove()
            raise

    @classmethod
    def load(cls, folder: str | os.PathLike[str], *, normalizer: Normalizer) -> tuple[MemoryIndex, dict[str, object]]:
        """Open a saved index, checked against the checksums written with it.

        What every lookup reads (the candidate index, the source keys, statuses, contexts) is
        mapped into memory and checked whole before it is used; the rest (texts, provenance, concordance
        postings) stays on disk, and each read of it is checked block by block: a damaged block
        raises `DamagedFileError` when it is read, never gives wrong text. Raises `UnusableCache`
        when the folder is damaged, incomplete or made by another version.
        """
        meta = read_cache_meta(folder, normalizer=normalizer)
        return cls._load_checked(Path(folder), meta, normalizer=normalizer), meta.fingerprint

    @classmethod
    def _load_checked(
        cls,
        path: Path,
        meta: CacheMeta,
        *,
        normalizer: Normalizer,
        rebuilt: Callable[[DamagedFileError], MemoryIndex] | None = None,
    ) -> MemoryIndex:
        """The index in a folder whose metadata is sound: what is read whole is checked now, the rest as it is read.

        ``rebuilt`` gives the index built afresh when a read finds a damaged block; the columns
        and postings then serve from it. Without it, such a read raises `DamagedFileError`.
        """
        try:
            whole = _mapped_checked_arrays(
                {
                    name: check
                    for name, check in meta.files.items()
                    if check.crc32 is not None and name.removesuffix(".npy") in meta.arrays
                },
                path,
            )
            side_files = {check.block_checksums for check in meta.files.values() if check.block_checksums}

            def checks_of(name: str) -> tuple[npt.NDArray[np.uint32], int]:
                """A file's block checksums (from its side file, checked whole) and its size."""
                check = meta.files[name]
                if check.block_checksums is None:
                    raise ValueError(f"{name} is listed without its block checksums")
                side = _read_checked_bytes(path / check.block_checksums, meta.files[check.block_checksums])
                return np.frombuffer(side, dtype="<u4").astype(np.uint32), check.size

            def block_file(name: str) -> BlockFile:
                checksums, size = checks_of(name)
                return BlockFile(str(path / name), checksums=checksums, size=size)

            if not side_files <= meta.files.keys():
                raise ValueError("a side file of block checksums is not listed")

            def rebuilt_column(column: Column) -> Callable[[DamagedFileError], StringColumn | FileStringColumn] | None:
                if rebuilt is None:
                    return None
                make = rebuilt
                return lambda problem: _in_memory(make(problem).columns[column])

            def rebuilt_postings(
                part: _Saved,
            ) -> Callable[[DamagedFileError], npt.NDArray[np.generic] | FileArray] | None:
                if rebuilt is None:
                    return None
                make = rebuilt

                def postings(problem: DamagedFileError) -> npt.NDArray[np.generic] | FileArray:
                    index = make(problem)
                    words = index.source_words if part is _Saved.SOURCE_WORDS else index.target_words
                    if not isinstance(words, WordIndex):
                        raise TypeError("a rebuilt index has no delta")
                    return words.word_postings

                return postings

            columns: dict[Column, StringColumn | FileStringColumn | LayeredColumn] = {}
            for column in Column:
                starts_name = _saved_name(_Saved.COLUMN, column, "starts")
                if column in _HOT_COLUMNS:
                    blob = whole[f"{_saved_name(_Saved.COLUMN, column, 'blob')}.npy"]
                    starts_array = whole[f"{starts_name}.npy"]
                    columns[column] = StringColumn(blob, starts_array, compact=column in _COMPACT_COLUMNS)
                else:
                    # The starts raise when damaged: the column catches it and serves from the rebuilt one.
                    starts = FileArray(block_file(f"{starts_name}.npy"), dtype=np.dtype(np.int64))
                    texts_name = _saved_name(_Saved.COLUMN, column, "bin")
                    checksums, size = checks_of(texts_name)
                    columns[column] = FileStringColumn(
                        str(path / texts_name),
                        starts,
                        checksums=checksums,
                        size=size,
                        on_damage=rebuilt_column(column),
                    )
            arrays: dict[str, Any] = {name.removesuffix(".npy"): array for name, array in whole.items()}
            for part in (_Saved.SOURCE_WORDS, _Saved.TARGET_WORDS):
                name = _saved_name(part, "word_postings")
                arrays[name] = FileArray(
                    block_file(f"{name}.npy"),
                    dtype=np.dtype(np.uint32),
                    on_damage=rebuilt_postings(part),
                )
            missing = set(meta.arrays) - arrays.keys() - {_saved_name(_Saved.COLUMN, c, "starts") for c in Column}
            if missing:
                raise KeyError(sorted(missing)[0])
            source_keys = columns[Column.SOURCE_KEY]
            candidates = CandidateIndex.from_arrays(
                _unprefixed(_Saved.CANDIDATES, arrays),
                # The short keys decoded in bulk from the column in memory (one by one they cost 0.4 s at 1M).
                source_keys if isinstance(source_keys, StringColumn) else _LazyColumnKeys(source_keys),
            )
            index = cls(
                name=meta.name,
                source_lang=meta.source_lang,
                target_lang=meta.target_lang,
                normalizer=normalizer,
                columns=columns,
                status=arrays[_saved_name(_Saved.STATUS)],
                context_prev=arrays[_saved_name(_Saved.CONTEXT_PREV)],
                context_next=arrays[_saved_name(_Saved.CONTEXT_NEXT)],
                candidates=candidates,
                source_words=WordIndex.from_arrays(_unprefixed(_Saved.SOURCE_WORDS, arrays)),
                target_words=WordIndex.from_arrays(_unprefixed(_Saved.TARGET_WORDS, arrays)),
                unit_of_entry=arrays[_saved_name(_Saved.UNIT_OF_ENTRY)],
                unit_count=meta.unit_count,
                layer=_unprefixed(_Saved.LAYER, arrays),
                layer_meta=meta.layer,
            )
            lengths = {len(strings) for strings in columns.values()} | {len(index.unit_of_entry)}
            if lengths != {len(index)}:
                raise ValueError("columns of different lengths")
            if len(index) and int(index.unit_of_entry.max()) >= index.unit_count:
                raise ValueError("an entry's unit is past the last unit")
            return index
        except UnusableCache:
            raise
        except DamagedFileError as problem:
            raise UnusableCache(str(problem), damaged=True) from None
        except OSError as exc:  # a file missing, or the folder replaced or removed while being read
            name = f"{Path(exc.filename).name}: " if exc.filename else ""
            raise UnusableCache(f"{name}cannot read: {exc.strerror or exc}", damaged=True) from None
        except (KeyError, ValueError) as exc:  # files that passed their checksums but do not fit together
            raise UnusableCache(f"inconsistent files ({exc})", damaged=True) from None


def _in_memory(column: StringColumn | FileStringColumn | LayeredColumn) -> StringColumn | FileStringColumn:
    """A rebuilt index's column (in memory, or in the files it was built into), which has no delta."""
    if isinstance(column, LayeredColumn):
        raise TypeError("a rebuilt index has no delta")
    return column


def _prefixed(part: _Saved, arrays: dict[str, npt.NDArray[np.generic]]) -> dict[str, npt.NDArray[np.generic]]:
    """A structure's arrays under the names they are saved as (``candidates.gram_hashes``)."""
    return {_saved_name(part, name): array for name, array in arrays.items()}


def _unprefixed(part: _Saved, arrays: dict[str, Any]) -> dict[str, Any]:
    """The saved arrays of one structure, by their names in it (``gram_hashes``)."""
    prefix = _saved_name(part, "")
    return {name.removeprefix(prefix): array for name, array in arrays.items() if name.startswith(prefix)}


class _LazyColumnKeys(Sequence[str]):
    """A string column seen as a sequence, so only the keys asked for are decoded."""

    def __init__(self, column: StringColumn | FileStringColumn | LayeredColumn) -> None:
        self._column = column

    def __len__(self) -> int:
        return len(self._column)

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._column[index]


class _LanguageFit(IntEnum):
    """How a variant's language tag fits the language wanted."""

    OTHER = 0
    SAME_LANGUAGE = 1  # another region or script of the language
    EXACT = 2


class _LanguagePicker:
    """Finds a unit's variants in one language fast: exact tag first, then the same language in any region."""

    def __init__(self, lang: str) -> None:
        self.key = lang_key(lang)
        self.primary = self.key.split("-", 1)[0]
        self._cache: dict[str, _LanguageFit] = {}  # by the tag as written

    def _fit(self, raw: str) -> _LanguageFit:
        fit = self._cache.get(raw)
        if fit is None:
            key = lang_key(raw)
            if key == self.key:
                fit = _LanguageFit.EXACT
            elif key.split("-", 1)[0] == self.primary:
                fit = _LanguageFit.SAME_LANGUAGE
            else:
                fit = _LanguageFit.OTHER
            self._cache[raw] = fit
        return fit

    def first(self, unit: TranslationUnit) -> Variant | None:
        fallback = None
        for variant in unit.variants:
            fit = self._fit(variant.lang)
            if fit is _LanguageFit.EXACT:
                return variant
            if fit is _LanguageFit.SAME_LANGUAGE and fallback is None:
                fallback = variant
        return fallback

    def all(self, unit: TranslationUnit) -> list[Variant]:
        return [v for v in unit.variants if self._fit(v.lang) is not _LanguageFit.OTHER]


def _read_checked_bytes(path: Path, check: FileCheck) -> memoryview:
    """A small cache file read whole, its bytes checked against the size and CRC-32 it was written with.

    Checked from the very read that gives them, so the bytes used are the bytes checked.
    """
    data = np.empty(check.size, dtype=np.uint8)  # not zero-filled: every byte is read into it
    view = data.data
    done = 0
    try:
        with open(path, "rb", buffering=0) as handle:
            actual_size = os.fstat(handle.fileno()).st_size
            if actual_size != check.size:
                raise UnusableCache(f"{path.name}: {actual_size} bytes, written with {check.size}", damaged=True)
            while done < check.size and (read := handle.readinto(view[done:])):
                done += read
    except OSError as exc:
        raise UnusableCache(f"{path.name}: {exc.strerror or exc}", damaged=True) from None
    if done != check.size or zlib.crc32(view) != check.crc32:
        raise UnusableCache(f"{path.name}: checksum mismatch", damaged=True)
    return view


#: Threads that check the arrays a load maps whole: `zlib.crc32` lets go of the GIL, so on two cores
#: the checks of a 10M-unit index (2 GB) take half the time.
LOAD_CHECK_THREADS = 2


def _mapped_checked_arrays(files: dict[str, FileCheck], folder: Path) -> dict[str, Any]:
    """The arrays read whole by a load, mapped and checked (largest first, over `LOAD_CHECK_THREADS` threads)."""
    names = sorted(files, key=lambda name: files[name].size, reverse=True)
    if sum(check.size for check in files.values()) < _THREADED_CHECK_BYTES:
        return {name: _mapped_checked_array(folder / name, files[name]) for name in names}
    with concurrent.futures.ThreadPoolExecutor(LOAD_CHECK_THREADS, thread_name_prefix="tmkit-check") as pool:
        arrays = pool.map(lambda name: _mapped_checked_array(folder / name, files[name]), names)
        return dict(zip(names, arrays, strict=True))


#: Below this many bytes, threads cost more than they save.
_THREADED_CHECK_BYTES = 16 << 20


def _mapped_checked_array(path: Path, check: FileCheck) -> Any:
    """A saved array mapped into memory and checked whole (typed Any: its dtype is whatever was saved).

    Mapped, not read: read into fresh memory, the 2 GB a 10M-unit index keeps for lookups cost a
    copy and a page fault per 4 KiB at every load; mapped, the pages are the file system's cache's
    (shared by every process that loads the index) and checking them is the only pass. The map is
    private and writable (copy on write), so the array behaves as one read would. tmkit never
    writes a cache file in place (a cache is replaced by renaming folders, which leaves a mapped
    file whole), so the bytes checked are the bytes used.
    """
    try:
        with open(path, "rb") as handle:
            actual_size = os.fstat(handle.fileno()).st_size
            if actual_size != check.size or actual_size == 0:
                raise UnusableCache(f"{path.name}: {actual_size} bytes, written with {check.size}", damaged=True)
            mapped = mmap.mmap(
                handle.fileno(), actual_size, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE
            )
    except OSError as exc:
        raise UnusableCache(f"{path.name}: {exc.strerror or exc}", damaged=True) from None
    if zlib.crc32(mapped) != check.crc32:
        raise UnusableCache(f"{path.name}: checksum mismatch", damaged=True)
    data = np.frombuffer(mapped, dtype=np.uint8)
    header = io.BytesIO(data[:NPY_HEADER_BYTES].tobytes())
    version = np.lib.format.read_magic(header)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran_order, dtype = read_header(header)
    if dtype.hasobject:
        raise UnusableCache(f"{path.name}: holds Python objects", damaged=True)
    count = int(np.prod(shape, dtype=np.int64))
    body = data[header.tell() : header.tell() + count * dtype.itemsize]
    if len(body) != count * dtype.itemsize:
        raise ValueError(f"{path.name}: shorter than its header says")
    # np.save pads the header to a multiple of 64 bytes, so the data is aligned for any dtype.
    return body.view(dtype).reshape(shape, order="F" if fortran_order else "C")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _prop_values(unit: TranslationUnit, types: tuple[str, ...]) -> Iterator[str]:
    return (p.value for p in unit.props if p.type in types)


class _ExplicitContexts:
    """The fingerprints of the context props of the units that have them, by unit number, packed into arrays
    a chunk at a time: 24 bytes a unit with props (a dictionary took some 180), found by binary search."""

    __slots__ = ("_parts", "_pending", "following", "prev", "units")

    def __init__(self) -> None:
        self._pending: list[tuple[int, int, int]] = []
        self._parts: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]] = []
        self.units = np.empty(0, dtype=np.int64)  # ascending: units are added in order
        self.prev = np.empty(0, dtype=np.uint64)
        self.following = np.empty(0, dtype=np.uint64)

    def add(self, unit: int, prev: int, following: int) -> None:
        self._pending.append((unit, prev, following))
        if len(self._pending) >= BUILD_CHUNK_ENTRIES:
            self._pack_pending()

    def _pack_pending(self) -> None:
        if self._pending:
            units, prev, following = zip(*self._pending, strict=True)
            self._parts.append(
                (np.array(units, dtype=np.int64), np.array(prev, dtype=np.uint64), np.array(following, dtype=np.uint64))
            )
            self._pending.clear()

    def pack(self) -> None:
        """Gather every unit added into the arrays (once all are added, before they are read)."""
        self._pack_pending()
        if self._parts:
            parts = [(self.units, self.prev, self.following), *self._parts]
            self._parts = []
            self.units, self.prev, self.following = (np.concatenate(column) for column in zip(*parts, strict=True))


def _neighbour_hashes(
    entry_units: npt.NDArray[np.uint32],
    unit_hashes: npt.NDArray[np.uint64],
    explicit: _ExplicitContexts,
    breaks_after: frozenset[int] = frozenset(),
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """For each entry, fingerprints of the source segments before and after its unit.

    Context props (`x-context-prev`/`x-context-next`, OmegaT's `prev`/`next`; ``explicit``, by
    unit, as fingerprints) win; otherwise the neighbouring units in the file are the context, as in
    a memory aligned from a document (``unit_hashes``: every unit's source key's `context_hash`).
    Costs the entries given, not the units with props: a build for the cache asks a chunk at a time.
    """
    units = entry_units.astype(np.int64)
    prev = np.zeros(len(units), dtype=np.uint64)
    following = np.zeros(len(units), dtype=np.uint64)
    breaks = np.fromiter(breaks_after, dtype=np.int64, count=len(breaks_after))
    has_prev = (units > 0) & ~np.isin(units - 1, breaks)
    prev[has_prev] = unit_hashes[units[has_prev] - 1]
    has_next = (units < len(unit_hashes) - 1) & ~np.isin(units, breaks)
    following[has_next] = unit_hashes[units[has_next] + 1]
    if len(explicit.units) and len(units):
        # Only the units with props between this slice's first and last unit are searched.
        low, high = np.searchsorted(explicit.units, (units.min(), units.max() + 1))
        numbers = explicit.units[low:high]
        if len(numbers):
            at = np.minimum(np.searchsorted(numbers, units), len(numbers) - 1)
            found = numbers[at] == units
            prev[found] = explicit.prev[low:high][at[found]]
            following[found] = explicit.following[low:high][at[found]]
    return prev, following


_Unit = TypeVar("_Unit")


def _delta_stream(
    numbers: Sequence[int], unit_at: Callable[[int], _Unit | None]
) -> tuple[list[tuple[int, _Unit]], set[int], set[int]]:
    """What `MemoryIndex.build_delta` indexes: the units numbered ``numbers`` (sorted) with each run's neighbours,
    as (number, unit) in order, the positions of the neighbours read for context only, and the positions
    after which the stream skips units."""
    stream: list[tuple[int, _Unit]] = []
    context_only: set[int] = set()
    breaks_after: set[int] = set()
    wanted = set(numbers)
    for number in numbers:
        unit = unit_at(number)
        if number - 1 not in wanted and number > 0 and (before := unit_at(number - 1)) is not None:
            context_only.add(len(stream))
            stream.append((number - 1, before))
        if unit is not None:
            stream.append((number, unit))
        if number + 1 not in wanted and stream:
            if (after := unit_at(number + 1)) is not None:
                context_only.add(len(stream))
                stream.append((number + 1, after))
            breaks_after.add(len(stream) - 1)
    return stream, context_only, breaks_after


def delta_entry_units(
    delta: MemoryIndex, numbers: Sequence[int], *, exists: Callable[[int], bool]
) -> npt.NDArray[np.int64]:
    """The unit number (the main index's numbering) of each entry of a delta built of ``numbers`` by `build_delta`
    while the units ``exists`` says there were: what `MemoryIndex.with_layer` needs to stack on it."""
    stream, _context_only, _breaks = _delta_stream(numbers, lambda n: True if exists(n) else None)
    numbered = np.array([number for number, _unit in stream], dtype=np.int64)
    units: npt.NDArray[np.int64] = numbered[np.asarray(delta.unit_of_entry, dtype=np.int64)]
    return units


def file_fingerprint(path: Path) -> dict[str, object]:
    """What identifies a memory file's content: its size and a SHA-256 hash of all of it.

    Not the modification time: `cp -p`, `touch -r` or a restored backup keep it while the content
    changes, and a memory served from the index of its old content gives matches it no longer holds.
    """
    return _hashed_with_signature(path)[0]


def _hashed_with_signature(path: Path) -> tuple[dict[str, object], StatSignature | None]:
    """The file's fingerprint, and its stat signature if that can vouch for this content later (else None).

    None when the file changed while it was hashed, or when it is racy: changed so shortly before
    the hash began that a change after it could leave every field of the signature as it was.
    """
    digest = hashlib.new(FINGERPRINT_HASH)
    size = 0
    began = time.time_ns()
    with open(path, "rb", buffering=0) as handle:
        before = os.fstat(handle.fileno())
        # Not zero-filled (a bytearray would be): every byte used is read into it first.
        buffer = np.empty(max(1, min(before.st_size, FINGERPRINT_CHUNK_BYTES)), dtype=np.uint8)
        view = buffer.data
        while read := handle.readinto(view):
            digest.update(view[:read])
            size += read
        after = os.fstat(handle.fileno())
    fingerprint: dict[str, object] = {"size": size, FINGERPRINT_HASH: digest.hexdigest()}
    signature = StatSignature.of(before)
    if signature != StatSignature.of(after) or signature.size != size or signature.racy(began):
        return fingerprint, None
    return fingerprint, signature


#: The extended attribute of a cache's metadata file that remembers a memory file's stat signature
#: and the fingerprint the file had with it, so a memory that has not changed is not read whole to
#: know it (4.4 GB at 10M units: about 2 s of hashing at every load).
SIGNATURE_XATTR = "user.tmkit.memory-signature"
#: How close to the moment a hash began a file's change must be for its signature to be racy,
#: on file systems with sub-second timestamps: file times come from a clock that may lag the
#: system's by a scheduler tick (at most 10 ms), so a change made after the hash began can still
#: be stamped slightly before it.
RACY_FINE_NS = 100_000_000
#: The same on file systems whose timestamps are whole seconds (FAT keeps two-second ones).
RACY_COARSE_NS = 3_000_000_000


@dataclass(frozen=True, slots=True)
class StatSignature:
    """What `stat` says of a file that changes whenever its content is written (git's "stat data").

    A write changes the modification and status-change times (``ctime``, which no program can set
    back, unlike the modification time that `touch -r` and `cp -p` restore); a file put in its
    place by a rename (as every atomic write does) has another inode.
    """

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, found: os.stat_result) -> StatSignature:
        return cls(found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)

    def racy(self, hash_began_ns: int) -> bool:
        """Whether the file changed too near the time its hash began for this signature to tell a later change.

        A change after the hash began stamps the file with that time (less the clock's lag), so it
        shows in the signature unless the times recorded were already that late.
        """
        coarse = self.mtime_ns % 1_000_000_000 == 0 and self.ctime_ns % 1_000_000_000 == 0
        margin = RACY_COARSE_NS if coarse else RACY_FINE_NS
        return max(self.mtime_ns, self.ctime_ns) >= hash_began_ns - margin

    def as_list(self) -> list[int]:
        return [self.size, self.mtime_ns, self.ctime_ns, self.inode, self.device]


class MemoryFingerprint:
    """The fingerprint of one memory file as it stands, read whole only when its cache cannot vouch for it.

    The cache's metadata file remembers (in `SIGNATURE_XATTR`) the stat signature a memory had when
    it was last hashed, if that signature was not racy, and the fingerprint it had then: a file whose
    signature is still that one has that content, and is not read. Where extended attributes cannot
    be kept (another file system, a read-only cache), every load hashes the memory, as before.
    """

    __slots__ = ("file", "folder", "hashed", "signature")

    def __init__(self, file: Path, folder: Path) -> None:
        self.file = file
        self.folder = folder
        self.signature: StatSignature | None = None  # of the file when it was last hashed here, if not racy
        self.hashed: dict[str, object] | None = None

    def current(self) -> dict[str, object]:
        """The file's fingerprint now: the one remembered for its signature, else hashed (and remembered)."""
        try:
            # Of the file opened, not of its path: opening makes a network file system (NFS's close-to-open
            # rule) ask the server, where a path's stat may be answered from attributes cached for up to a minute.
            with self.file.open("rb") as opened:
                signature = StatSignature.of(os.fstat(opened.fileno()))
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=self.file) from None
        remembered = _remembered_fingerprint(self.folder / META_FILE, signature)
        if remembered is not None:
            self.hashed, self.signature = remembered, signature  # as true as when it was hashed
            return remembered
        try:
            self.hashed, self.signature = _hashed_with_signature(self.file)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=self.file) from None
        self.remember()
        return self.hashed

    def remember(self) -> None:
        """Remember the last hash's signature and fingerprint in the cache folder's metadata, where it can be kept.

        True of the file whenever it is written down: a later change gives the file another signature.
        """
        if self.signature is None or self.hashed is None:
            return
        body = {"signature": self.signature.as_list(), "fingerprint": self.hashed}
        value = json.dumps({**body, _META_CHECKSUM: _meta_checksum(body)}, sort_keys=True).encode("utf-8")
        with contextlib.suppress(OSError, AttributeError):  # no such file yet, read-only, or no xattrs here
            os.setxattr(self.folder / META_FILE, SIGNATURE_XATTR, value, follow_symlinks=False)


def _remembered_fingerprint(meta_file: Path, signature: StatSignature) -> dict[str, object] | None:
    """The fingerprint a cache's metadata remembers for a memory with this signature; None when it remembers none."""
    try:
        remembered = json.loads(os.getxattr(meta_file, SIGNATURE_XATTR, follow_symlinks=False))
    # None, unreadable, or garbage (then it is hashed anew); JSON nested too deep raises RecursionError.
    except (OSError, AttributeError, ValueError, RecursionError):
        return None
    if not isinstance(remembered, dict):
        return None
    body = {key: value for key, value in remembered.items() if key != _META_CHECKSUM}
    if remembered.get(_META_CHECKSUM) != _meta_checksum(body) or body.get("signature") != signature.as_list():
        return None
    fingerprint = body.get("fingerprint")
    if not isinstance(fingerprint, dict) or fingerprint.get("size") != signature.size:
        return None
    return fingerprint


def _write_checked(
    folder: Path, name: str, content: bytes | npt.NDArray[np.generic], *, by_blocks: bool
) -> dict[str, dict[str, object]]:
    """Write a cache file (bytes, or an array as ``.npy``); give the metadata's entries for it.

    ``by_blocks``: the CRC-32 of every block goes into a side file (``NAME.crc32``, itself checked
    whole), for a file that is read by parts; else the CRC-32 of the whole file. Not fsynced:
    whatever a power cut leaves half-written fails its checksum and is rebuilt, so a cache needs no
    durability of its own (and a million-entry index saves seconds sooner).
    """
    with open(folder / name, "w+b") as handle:
        if isinstance(content, bytes):
            handle.write(content)
        else:
            np.save(handle, content)
        handle.flush()
        handle.seek(0)
        size = os.fstat(handle.fileno()).st_size
        # Read back rather than checksum the data in memory: np.save adds a header, and what counts is the file.
        if not by_blocks:
            return {name: {"size": size, "crc32": _crc32_of(handle, bytearray(HASH_BUFFER_BYTES))}}
        checksums = _block_checksums_of(handle)
    side = f"{name}{_BLOCK_CHECKSUMS_SUFFIX}"
    return {
        name: {"size": size, "block_checksums": side},
        **_write_checked(folder, side, checksums.astype("<u4").tobytes(), by_blocks=False),
    }


def _crc32_of(handle: io.RawIOBase | io.BufferedIOBase, buffer: bytearray) -> int:
    view = memoryview(buffer)
    crc = 0
    while read := handle.readinto(buffer):
        crc = zlib.crc32(view[:read], crc)
    return crc


def _block_checksums_of(handle: io.RawIOBase | io.BufferedIOBase) -> npt.NDArray[np.uint32]:
    buffer = bytearray(HASH_BUFFER_BYTES - HASH_BUFFER_BYTES % CHECK_BLOCK_BYTES)
    view = memoryview(buffer)
    pieces = []
    while read := handle.readinto(buffer):
        pieces.append(block_checksums(view[:read]))
    return np.concatenate(pieces) if pieces else np.empty(0, dtype=np.uint32)


def _meta_checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.blake2b(canonical, digest_size=16).hexdigest()


def read_cache_meta(folder: str | os.PathLike[str], *, normalizer: Normalizer) -> CacheMeta:
    """A cache folder's metadata, checked against its own checksum, its format and the normalizer.

    Raises `UnusableCache`: damaged when the metadata is missing, unreadable or altered; not
    damaged when it is sound but was written by another version of tmkit or its normalizer.
    """
    try:
        meta = json.loads((Path(folder) / META_FILE).read_bytes().decode("utf-8"))
    except OSError as exc:
        raise UnusableCache(f"{META_FILE}: {exc.strerror or exc}", damaged=True) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UnusableCache(f"{META_FILE}: not JSON", damaged=True) from None
    if not isinstance(meta, dict):
        raise UnusableCache(f"{META_FILE}: not a JSON object", damaged=True)
    made_by = meta.get("format")
    if made_by != INDEX_FORMAT:
        another_version = isinstance(made_by, str) and made_by.startswith(_INDEX_FORMAT_FAMILY)
        raise UnusableCache(f"{META_FILE}: format {made_by!r}", damaged=not another_version)
    body = {key: value for key, value in meta.items() if key != _META_CHECKSUM}
    if meta.get(_META_CHECKSUM) != _meta_checksum(body):
        raise UnusableCache(f"{META_FILE}: checksum mismatch", damaged=True)
    if meta.get("normalizer") != normalizer.signature:
        raise UnusableCache("made with another normalizer", damaged=False)
    try:
        files = {name: _file_check(entry) for name, entry in meta["files"].items()}
        parsed = CacheMeta(
            name=str(meta["name"]),
            source_lang=str(meta["source_lang"]),
            target_lang=str(meta["target_lang"]),
            fingerprint=dict(meta["fingerprint"]),
            arrays=[str(name) for name in meta["arrays"]],
            files=files,
            unit_count=int(meta["unit_count"]),
            layer=dict(meta["layer"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UnusableCache(f"{META_FILE}: fields missing or of the wrong type", damaged=True) from None
    cold_columns = {_saved_name(_Saved.COLUMN, column, "bin") for column in Column if column not in _HOT_COLUMNS}
    wanted = {f"{name}.npy" for name in parsed.arrays} | cold_columns
    sides = {check.block_checksums for check in files.values() if check.block_checksums is not None}
    if (
        not wanted | sides <= files.keys()
        or any(files[side].crc32 is None for side in sides)
        or any(Path(name).name != name or name.startswith(".") for name in files)
    ):
        raise UnusableCache(f"{META_FILE}: the list of files is wrong", damaged=True)
    return parsed


def _file_check(entry: dict[str, object]) -> FileCheck:
    """A file's entry in the metadata: its size and one of its whole CRC-32 or the side file of its block CRC-32s."""
    size, crc, side = entry["size"], entry.get("crc32"), entry.get("block_checksums")
    if not isinstance(size, int) or not isinstance(crc, int | None) or not isinstance(side, str | None):
        raise TypeError("a file's entry has fields of the wrong type")
    if (crc is None) == (side is None):
        raise ValueError("a file's entry has neither or both of crc32 and block_checksums")
    return FileCheck(size=size, crc32=crc, block_checksums=side)


def _leftover_prefix(target: Path, kind: str) -> str:
    """How a save's temporary folders beside ``target`` are named: hidden, with their kind and process id."""
    return f".{target.name}.{kind}-{os.getpid()}."


def _remove_stale_leftovers(target: Path) -> None:
    """Remove the staging and replaced folders that killed saves left beside ``target``.

    One whose process is still running here is another save under way, and is left alone unless it
    is older than any build takes.
    """
    now = time.time()
    for kind in (_STAGING, _REPLACED):
        for leftover in target.parent.glob(f".{glob.escape(target.name)}.{kind}-*.*"):
            pid_text = leftover.name.removeprefix(f".{target.name}.{kind}-").split(".", 1)[0]
            if not pid_text.isdigit():
                continue
            with contextlib.suppress(OSError):
                old = now - leftover.lstat().st_mtime > STALE_LEFTOVER_SECONDS
                if old or not _process_running(int(pid_text)):
                    shutil.rmtree(leftover, ignore_errors=True)


def _process_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # running, as another user
        return True
    return True


def _replace_folder(staging: Path, target: Path) -> None:
    """Put a complete staging folder in the place of ``target``: a reader sees the old folder, none, or the new one.

    The old folder is first renamed aside (one atomic step), never deleted in place, where a reader
    could find it half gone. If another process put its own new folder there meanwhile, that one
    stays and this save gives up (an OSError, which callers treat as "not cached").
    """
    replaced: Path | None = None
    if os.path.lexists(target):
        replaced = target.parent / f"{_leftover_prefix(target, _REPLACED)}{os.urandom(4).hex()}"
        try:
            os.replace(target, replaced)
        except FileNotFoundError:  # another save moved it first
            replaced = None
    try:
        os.replace(staging, target)
    finally:
        if replaced is not None:
            if replaced.is_dir() and not replaced.is_symlink():
                shutil.rmtree(replaced, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    replaced.unlink()


def cache_folder(path: Path, source_lang: str, target_lang: str) -> Path:
    """Where the index of a memory file is kept: a hidden folder beside it."""
    return path.parent / f".{path.name}.{lang_key(source_lang)}-{lang_key(target_lang)}{_CACHE_SUFFIX}"


_CACHE_SUFFIX = ".tmkit-index"


def cached_directions(path: Path) -> list[tuple[str, str]]:
    """The language directions a memory file has a cached index for (as their metadata says), sorted."""
    found = set()
    for folder in path.parent.glob(f".{glob.escape(path.name)}.*{_CACHE_SUFFIX}"):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            meta = json.loads((folder / META_FILE).read_bytes().decode("utf-8"))
            direction = (str(meta["source_lang"]), str(meta["target_lang"]))
            if folder == cache_folder(path, *direction):
                found.add(direction)
    return sorted(found)


def open_memory(
    path: str | os.PathLike[str],
    *,
    source_lang: str,
    target_lang: str,
    penalty: float = 0.0,
    cache: bool = True,
    normalizer: Normalizer | None = None,
    skip_invalid: bool = False,
    on_progress: Callable[[int, int | None], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    rebuild: bool = False,
) -> MemoryIndex:
    """A memory file ready for lookups: from its cached index if that is current and sound, else built and cached.

    The cache is a hidden folder beside the file, used only when the file's content hash is the
    one it was built from (a changed size alone is enough to know it is not; a file whose stat
    signature is the one the cache remembers from the last hash is not read again, see
    `MemoryFingerprint`) and its files pass their checksums: at load for what is mapped whole, and
    at every read for the texts and postings read by parts. A damaged cache is rebuilt, and
    ``on_notice`` is told in one line (from the thread whose read found it, when that is after
    loading: the index then answers from the rebuilt one); an out-of-date one is rebuilt silently.
    When the folder cannot be written (a read-only location), the index is used without being cached.

    A memory changed since its index was built (units appended, changed or deleted, the header as it
    was) is served from that index with a delta on top (`tmkit.matching.memory_delta`), saved beside
    it, until the delta grows enough to be folded in by a build; ``rebuild`` builds it anew now.

    A ``postgresql://`` URL names a shared memory (`tmkit.shared`): its index is cached on this
    machine and brought up to date by the units changed since (`tmkit.shared.mirror`), and scores
    as the same units in a file would.
    """
    from tmkit.shared.urls import is_database_url

    if is_database_url(path):
        from tmkit.shared.store import open_shared_index

        return open_shared_index(
            os.fspath(path),
            source_lang=source_lang,
            target_lang=target_lang,
            penalty=penalty,
            normalizer=normalizer,
            cache=cache,
            on_progress=on_progress,
            on_notice=on_notice,
            rebuild=rebuild,
        )
    file = Path(path)
    if not file.is_file():
        raise InputError("no such file" if not file.exists() else "not a file", path=file)
    norm = normalizer or Normalizer(source_lang)
    folder = cache_folder(file, source_lang, target_lang)
    fingerprints = MemoryFingerprint(file, folder)

    def build_into(staging: CacheStaging | None) -> MemoryIndex:
        reader = TmxReader(file, skip_invalid=skip_invalid, on_progress=on_progress)
        return MemoryIndex.build(
            reader, source_lang=source_lang, target_lang=target_lang, name=file.name, normalizer=norm, staging=staging
        )

    def build(fingerprint: dict[str, object]) -> MemoryIndex:
        if not cache:
            index = build_into(None)
            index.penalty = penalty
            return index
        from tmkit.matching.memory_delta import attach_layout, remove_delta

        # Built into the cache's staging folder, so the texts and postings go to disk as they are
        # made; where it cannot be written (a read-only location, a full disk), built in memory.
        staging: CacheStaging | None = None
        with contextlib.suppress(OSError):
            _remove_stale_leftovers(folder)
            staging = CacheStaging.beside(folder)
        try:
            index = build_into(staging)
        except OSError:
            if staging is None:
                raise
            staging.remove()
            staging = None
            index = build_into(None)
        except BaseException:
            if staging is not None:
                staging.remove()
            raise
        index.penalty = penalty
        attach_layout(index, file, fingerprint=fingerprint)
        release_free_memory()
        with contextlib.suppress(OSError):
            index.save(folder, fingerprint=fingerprint, staging=staging)
            remove_delta(folder)
            if fingerprints.hashed == fingerprint:
                fingerprints.remember()  # in the new metadata, so the next load need not hash the memory
        return index

    fingerprint: dict[str, object] | None = None
    if cache and not rebuild and os.path.lexists(folder):
        loaded, fingerprint, stale = _load_cached(
            file, folder, norm, build=build, on_notice=on_notice, fingerprints=fingerprints
        )
        if loaded is None and stale is not None:
            # The memory changed since its index was built: a delta over that index, unless a build is due.
            from tmkit.matching.memory_delta import updated_index

            loaded = updated_index(stale, file, folder, fingerprint=fingerprint)
        if loaded is not None:
            loaded.penalty = penalty
            loaded.name = file.name
            return _pair_checked(loaded, file, on_notice)
    return _pair_checked(build(fingerprint if fingerprint is not None else fingerprints.current()), file, on_notice)


def _pair_checked(index: MemoryIndex, file: Path, on_notice: Callable[[str], None] | None) -> MemoryIndex:
    """``index``, marked `pair_missing` (and ``on_notice`` told) when the memory has units but none that holds both
    its languages: a pipeline pointed at a memory of other languages otherwise matched nothing, pre-translated
    nothing, and passed without a word. (Units of the pair with empty or rejected translations give no entries either:
    the file is read again, until such a unit, only for an index without entries.)"""
    if len(index) == 0 and index.unit_count > 0 and not _holds_pair(file, index.source_lang, index.target_lang):
        index.pair_missing = True
        if on_notice is not None:
            on_notice(pair_missing_notice(file, index))
    return index


def _holds_pair(file: Path, source_lang: str, target_lang: str) -> bool:
    """Whether some unit of ``file`` has a variant in each language, translated or not."""
    try:
        for unit in TmxReader(file, skip_invalid=True):
            source, targets = unit.pair(source_lang, target_lang)
            if source is not None and targets:
                return True
    except TmkitError:
        return True  # (unreadable now: not this notice's to say)
    return False


def pair_missing_notice(file: Path | str, index: MemoryIndex) -> str:
    """The line that says ``index`` (of ``file``) holds units but none of its language pair."""
    units = f"{index.unit_count:,} units" if index.unit_count != 1 else "one unit"
    return (
        f"{file}: none of its {units} holds both {index.source_lang} and {index.target_lang}, so it gives no matches"
        " (tmkit stats names its languages)"
    )


def _load_cached(
    file: Path,
    folder: Path,
    norm: Normalizer,
    *,
    build: Callable[[dict[str, object]], MemoryIndex],
    on_notice: Callable[[str], None] | None,
    fingerprints: MemoryFingerprint,
) -> tuple[MemoryIndex | None, dict[str, object] | None, MemoryIndex | None]:
    """The cached index of ``file`` if it is current and sound (else None), the file's fingerprint if it was hashed,
    and the index if it is sound but of an earlier content of the memory and can be updated by a delta.

    A load that finds the cache damaged while another process was replacing it (its metadata is
    another file afterwards) is tried once more before it counts as damaged. The memory is hashed
    only when the cache does not remember its fingerprint for the file as it stands (`MemoryFingerprint`).
    """
    fingerprint: dict[str, object] | None = None
    memory = fingerprints

    def current(_file: Path) -> dict[str, object]:
        return memory.current()

    for last_try in (False, True):
        before = _identity(folder / META_FILE)
        try:
            meta = read_cache_meta(folder, normalizer=norm)
            recovery = _Recovery(file, meta.fingerprint, build=build, on_notice=on_notice)
            if meta.fingerprint.get("size") != _size_of(file):
                if not meta.layer:
                    return None, None, None
                # A delta saved for a memory of this size is served if the memory's hash is the one it
                # was made for: hashed while the index loads, as below.
                hashing = _in_background(current, file) if _delta_of_size(file, folder) else None
                try:
                    stale = MemoryIndex._load_checked(folder, meta, normalizer=norm, rebuilt=recovery.rebuilt)
                finally:
                    fingerprint = hashing() if hashing is not None else None
                recovery.loaded = stale
                return None, fingerprint, stale
            # Hash the memory (if it must be) while the cache is checked and read: both release the GIL,
            # so on two cores the hash costs little wall time. A loaded index whose fingerprint differs is dropped.
            hashing = _in_background(current, file)
            try:
                index = MemoryIndex._load_checked(folder, meta, normalizer=norm, rebuilt=recovery.rebuilt)
            finally:
                fingerprint = hashing()
            recovery.loaded = index
            if meta.fingerprint != fingerprint:
                return None, fingerprint, index if meta.layer else None
            return index, fingerprint, None
        except UnusableCache as problem:
            if not problem.damaged:
                return None, fingerprint, None
            if not last_try and _identity(folder / META_FILE) != before:
                continue  # replaced by another process while it was read: the new one may well be sound
            if on_notice is not None:
                on_notice(_damaged_notice(file, problem))
            return None, fingerprint, None
    return None, fingerprint, None


def _delta_of_size(file: Path, folder: Path) -> bool:
    """Whether the delta saved beside a cache folder says it was made for a memory of the file's size now."""
    from tmkit.matching.memory_delta import delta_folder

    try:
        meta = json.loads((delta_folder(folder) / META_FILE).read_bytes().decode("utf-8"))
        return bool(meta["fingerprint"]["size"] == file.stat().st_size)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _damaged_notice(file: Path, problem: Exception) -> str:
    return f"{file}: its cached index is damaged ({problem}); rebuilding it"


def _identity(path: Path) -> tuple[int, ...] | None:
    """Which file a path names now, and its version: another one when a folder was put in its place."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size)


class _Recovery:
    """What a loaded index serves from once a read finds its cache damaged: the index built afresh, once.

    Entries keep their numbers only if the memory is still the one the cache was made from: a
    lookup under way holds entry numbers found in the loaded index. If the memory has changed
    since, the read fails with an `InputError` rather than give another entry's text.
    """

    def __init__(
        self,
        file: Path,
        fingerprint: dict[str, object],
        *,
        build: Callable[[dict[str, object]], MemoryIndex],
        on_notice: Callable[[str], None] | None,
    ) -> None:
        self.file = file
        self.fingerprint = fingerprint
        self.loaded: MemoryIndex | None = None
        self._build = build
        self._on_notice = on_notice
        self._lock = threading.Lock()
        self._rebuilt: MemoryIndex | None = None

    def rebuilt(self, problem: DamagedFileError) -> MemoryIndex:
        with self._lock:
            if self._rebuilt is None:
                if self._on_notice is not None:
                    self._on_notice(_damaged_notice(self.file, problem))
                fingerprint = _fingerprint_or_input_error(self.file)
                index = self._build(fingerprint)
                if fingerprint != self.fingerprint or not _same_entries(index, self.loaded):
                    raise InputError("changed on disk while in use; run again", path=self.file)
                self._rebuilt = index
            return self._rebuilt


def _same_entries(rebuilt: MemoryIndex, loaded: MemoryIndex | None) -> bool:
    """Whether an index built afresh numbers its entries as the loaded one does (what lookups hold is in memory)."""
    if loaded is None:
        return False
    old_keys, new_keys = loaded.columns[Column.SOURCE_KEY], rebuilt.columns[Column.SOURCE_KEY]
    if not isinstance(old_keys, StringColumn) or not isinstance(new_keys, StringColumn):
        return False
    return (
        np.array_equal(loaded.status, rebuilt.status)
        and np.array_equal(loaded.context_prev, rebuilt.context_prev)
        and np.array_equal(old_keys.starts, new_keys.starts)
        and np.array_equal(old_keys.blob, new_keys.blob)
    )


def _in_background(work: Callable[[Path], _Result], argument: Path) -> Callable[[], _Result]:
    """Start ``work(argument)`` on another thread; the function returned waits for its result (or raises its error)."""
    outcome: list[_Result] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work(argument))
        except Exception as exc:  # noqa: BLE001 (raised again in the caller's thread by result())
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"tmkit-{work.__name__}", daemon=True)
    thread.start()

    def result() -> _Result:
        thread.join()
        if failure:
            raise failure[0]
        return outcome[0]

    return result


def _size_of(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=file) from None


def _fingerprint_or_input_error(file: Path) -> dict[str, object]:
    try:
        return file_fingerprint(file)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=file) from None
