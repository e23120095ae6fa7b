"""One memory made searchable in one direction: its entries in compact columns, their indexes, and the cache on disk."""

from __future__ import annotations

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
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from tmkit.errors import InputError
from tmkit.formats.tmx_reader import TmxReader
from tmkit.formats.tmx_writer import segment_to_xml
from tmkit.matching.candidate_index import CandidateIndex
from tmkit.matching.columns import FileStringColumn, StringColumn
from tmkit.matching.word_index import WordIndex
from tmkit.memory.langtags import lang_key
from tmkit.memory.model import Status, TranslationUnit, Variant
from tmkit.text.normalize import Normalizer

#: Bump when the cached index layout, the way entries are made or the way keys are encoded changes.
#: 7: every file's size and CRC-32 in the metadata, the metadata's own checksum, the whole memory hashed.
INDEX_FORMAT = "tmkit-index-7"
#: What every cache folder's format is called, whatever its version: another version is out of date, not damaged.
_INDEX_FORMAT_FAMILY = "tmkit-index-"
#: The cache folder's description of itself: format, fingerprint of the memory, files and their checksums.
META_FILE = "meta.json"
_META_CHECKSUM = "checksum"
#: Bytes read at a time when hashing a memory or checking a cache file.
HASH_BUFFER_BYTES = 1 << 20
#: Enough of a ``.npy`` file for its header (np.save writes 1-D arrays with a header of 128 bytes).
_NPY_HEADER_BYTES = 4096
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


def _saved_name(part: _Saved, *names: str) -> str:
    """The name a saved array is filed under: ``status``, ``column.tuid.starts``…"""
    return ".".join((part.value, *names))


#: String columns kept in memory; the others are read from their files entry by entry.
_HOT_COLUMNS = frozenset({Column.SOURCE_KEY})
#: Columns of normalized keys, stored one byte per Arabic letter.
_COMPACT_COLUMNS = frozenset({Column.SOURCE_KEY})
#: Arrays every lookup touches, by name prefix: loaded into memory rather than mapped, so no lookup waits on the disk.
_HOT_ARRAYS = (
    _saved_name(_Saved.STATUS),
    _saved_name(_Saved.CONTEXT_PREV),
    _saved_name(_Saved.CONTEXT_NEXT),
    _saved_name(_Saved.CANDIDATES, ""),
    *(_saved_name(_Saved.COLUMN, column, "") for column in sorted(_HOT_COLUMNS)),
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
class CacheMeta:
    """The checked metadata of a cache folder."""

    name: str
    source_lang: str
    target_lang: str
    fingerprint: dict[str, object]
    arrays: list[str]
    files: dict[str, tuple[int, int]]  # file name -> (size in bytes, CRC-32)


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
    columns: dict[Column, StringColumn | FileStringColumn]
    status: npt.NDArray[np.uint8]
    context_prev: npt.NDArray[np.uint64]
    context_next: npt.NDArray[np.uint64]
    candidates: CandidateIndex
    source_words: WordIndex
    target_words: WordIndex
    penalty: float = 0.0

    def __len__(self) -> int:
        return len(self.status)

    def status_of(self, entry: int) -> Status:
        return _STATUSES[int(self.status[entry])]

    def text(self, column: Column, entry: int) -> str:
        return self.columns[column][entry]

    def optional(self, column: Column, entry: int) -> str | None:
        """An entry's value in a column whose empty string means "none" (provenance)."""
        return self.columns[column][entry] or None

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
    ) -> MemoryIndex:
        """Index units (a `Memory` or a streaming `TmxReader`) for lookups from ``source_lang``."""
        source_norm = normalizer or Normalizer(source_lang)
        target_norm = target_normalizer or Normalizer(target_lang)
        columns: dict[Column, list[str]] = {column: [] for column in Column}
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
        unit_keys: list[str | None] = []  # the source key of every unit, for context
        explicit_context: dict[int, tuple[str | None, str | None]] = {}
        wanted_source = _LanguagePicker(source_lang)
        wanted_target = _LanguagePicker(target_lang)
        for unit_number, unit in enumerate(units):
            source = wanted_source.first(unit)
            if source is None:
                unit_keys.append(None)
                continue
            key = source_norm(source.text)
            unit_keys.append(key)
            if unit.props:
                prev = next(_prop_values(unit, CONTEXT_PREV_PROPS), None)
                following = next(_prop_values(unit, CONTEXT_NEXT_PROPS), None)
                if prev is not None or following is not None:
                    explicit_context[unit_number] = (
                        source_norm(prev) if prev is not None else None,
                        source_norm(following) if following is not None else None,
                    )
            if unit.rejected:
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
        prev_hashes, next_hashes = _context_hashes(unit_of_entry, unit_keys, explicit_context)
        return cls(
            name=name,
            source_lang=source_lang,
            target_lang=target_lang,
            normalizer=source_norm,
            columns={
                column: StringColumn.from_strings(values, compact=column in _COMPACT_COLUMNS)
                for column, values in columns.items()
            },
            status=np.array(statuses, dtype=np.uint8),
            context_prev=prev_hashes,
            context_next=next_hashes,
            candidates=CandidateIndex.build(keys),
            source_words=WordIndex.build(keys),
            target_words=WordIndex.build(target_keys),
        )

    # -- the cache on disk ----------------------------------------------------------------------

    def save(self, folder: str | os.PathLike[str], *, fingerprint: dict[str, object]) -> None:
        """Write the index into ``folder`` as one step (a staging folder renamed into place).

        The metadata records the size and CRC-32 of every file and a checksum of itself, so that
        `load` can tell a damaged cache from a sound one.
        """
        target = Path(folder)
        _remove_stale_leftovers(target)
        staging = Path(tempfile.mkdtemp(prefix=_leftover_prefix(target, _STAGING), dir=target.parent))
        try:
            arrays: dict[str, npt.NDArray[np.generic]] = {
                _saved_name(_Saved.STATUS): self.status,
                _saved_name(_Saved.CONTEXT_PREV): self.context_prev,
                _saved_name(_Saved.CONTEXT_NEXT): self.context_next,
                **_prefixed(_Saved.CANDIDATES, self.candidates.arrays()),
                **_prefixed(_Saved.SOURCE_WORDS, self.source_words.arrays()),
                **_prefixed(_Saved.TARGET_WORDS, self.target_words.arrays()),
            }
            files: dict[str, dict[str, int]] = {}
            for column, strings in self.columns.items():
                if not isinstance(strings, StringColumn):
                    raise ValueError("only a freshly built index can be saved")
                arrays[_saved_name(_Saved.COLUMN, column, "starts")] = strings.starts
                if column in _HOT_COLUMNS:
                    arrays[_saved_name(_Saved.COLUMN, column, "blob")] = strings.blob
                else:
                    name = _saved_name(_Saved.COLUMN, column, "bin")
                    files[name] = _write_checked(staging / name, strings.blob.tobytes())
            for name, array in arrays.items():
                files[f"{name}.npy"] = _write_checked(staging / f"{name}.npy", array)
            body = {
                "format": INDEX_FORMAT,
                "name": self.name,
                "source_lang": self.source_lang,
                "target_lang": self.target_lang,
                "normalizer": self.normalizer.signature,
                "fingerprint": fingerprint,
                "arrays": sorted(arrays),
                "files": files,
            }
            meta = {**body, _META_CHECKSUM: _meta_checksum(body)}
            text = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
            _write_checked(staging / META_FILE, text)
            os.chmod(staging, 0o777 & ~_umask())
            _replace_folder(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    @classmethod
    def load(cls, folder: str | os.PathLike[str], *, normalizer: Normalizer) -> tuple[MemoryIndex, dict[str, object]]:
        """Open a saved index after checking every file against the checksums written with it.

        What every lookup reads (the candidate index, the source keys, statuses, contexts) is
        loaded into memory; the rest (texts, provenance, concordance lists) is memory-mapped and
        read from disk only where a result or a concordance search needs it. Raises
        `UnusableCache` when the folder is damaged, incomplete or made by another version.
        """
        meta = read_cache_meta(folder, normalizer=normalizer)
        return cls._load_checked(Path(folder), meta, normalizer=normalizer), meta.fingerprint

    @classmethod
    def _load_checked(cls, path: Path, meta: CacheMeta, *, normalizer: Normalizer) -> MemoryIndex:
        """The index in a folder whose metadata is sound: its files are verified, then read."""
        hot = {name for name in meta.arrays if name.startswith(_HOT_ARRAYS)}
        _verify_files(path, {file: check for file, check in meta.files.items() if file.removesuffix(".npy") not in hot})
        try:
            arrays = {
                name: _read_checked_array(path / f"{name}.npy", *meta.files[f"{name}.npy"])
                if name in hot
                else _mapped_array(path / f"{name}.npy")
                for name in meta.arrays
            }
            columns: dict[Column, StringColumn | FileStringColumn] = {}
            for column in Column:
                starts = arrays[_saved_name(_Saved.COLUMN, column, "starts")]
                if column in _HOT_COLUMNS:
                    blob = arrays[_saved_name(_Saved.COLUMN, column, "blob")]
                    columns[column] = StringColumn(blob, starts, compact=column in _COMPACT_COLUMNS)
                else:
                    columns[column] = FileStringColumn(str(path / _saved_name(_Saved.COLUMN, column, "bin")), starts)
            candidates = CandidateIndex.from_arrays(
                _unprefixed(_Saved.CANDIDATES, arrays), _LazyColumnKeys(columns[Column.SOURCE_KEY])
            )
            return cls(
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
            )
        except UnusableCache:
            raise
        except OSError as exc:  # the folder was replaced or removed while being read
            raise UnusableCache(f"cannot read: {exc.strerror or exc}", damaged=True) from None
        except (KeyError, ValueError) as exc:  # files that passed their checksums but do not fit together
            raise UnusableCache(f"inconsistent files ({exc})", damaged=True) from None


def _prefixed(part: _Saved, arrays: dict[str, npt.NDArray[np.generic]]) -> dict[str, npt.NDArray[np.generic]]:
    """A structure's arrays under the names they are saved as (``candidates.gram_hashes``)."""
    return {_saved_name(part, name): array for name, array in arrays.items()}


def _unprefixed(part: _Saved, arrays: dict[str, Any]) -> dict[str, Any]:
    """The saved arrays of one structure, by their names in it (``gram_hashes``)."""
    prefix = _saved_name(part, "")
    return {name.removeprefix(prefix): array for name, array in arrays.items() if name.startswith(prefix)}


class _LazyColumnKeys(Sequence[str]):
    """A string column seen as a sequence, so only the keys asked for are decoded."""

    def __init__(self, column: StringColumn | FileStringColumn) -> None:
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


def _mapped_array(path: Path) -> Any:
    """A saved array memory-mapped (typed Any: its dtype is whatever was saved)."""
    array = np.load(path, mmap_mode="r")
    # Lookups read a few scattered entries: tell the kernel not to read (and map) ahead of them.
    raw = getattr(array, "_mmap", None)
    if raw is not None and hasattr(mmap, "MADV_RANDOM"):
        with contextlib.suppress(OSError):
            raw.madvise(mmap.MADV_RANDOM)
    return array


def _read_checked_array(path: Path, size: int, crc: int) -> Any:
    """A saved array read into memory, its bytes checked against the size and CRC-32 it was written with.

    Checked and parsed from one read, so the bytes used are the bytes checked.
    """
    data = np.empty(size, dtype=np.uint8)  # not zero-filled: every byte is read into it
    view = data.data
    done = 0
    try:
        with open(path, "rb", buffering=0) as handle:
            actual_size = os.fstat(handle.fileno()).st_size
            if actual_size != size:
                raise UnusableCache(f"{path.name}: {actual_size} bytes, written with {size}", damaged=True)
            while done < size and (read := handle.readinto(view[done:])):
                done += read
    except OSError as exc:
        raise UnusableCache(f"{path.name}: {exc.strerror or exc}", damaged=True) from None
    if done != size or zlib.crc32(view) != crc:
        raise UnusableCache(f"{path.name}: checksum mismatch", damaged=True)
    header = io.BytesIO(view[:_NPY_HEADER_BYTES].tobytes())
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


def _context_hashes(
    unit_of_entry: list[int],
    unit_keys: list[str | None],
    explicit: dict[int, tuple[str | None, str | None]],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """For each entry, fingerprints of the source segments before and after its unit.

    Context props (`x-context-prev`/`x-context-next`, OmegaT's `prev`/`next`) win; otherwise the
    neighbouring units in the file are the context, as in a memory aligned from a document.
    """
    prev = np.zeros(len(unit_of_entry), dtype=np.uint64)
    following = np.zeros(len(unit_of_entry), dtype=np.uint64)
    last = len(unit_keys) - 1
    for entry, unit in enumerate(unit_of_entry):
        if unit in explicit:
            before, after = explicit[unit]
        else:
            before = unit_keys[unit - 1] if unit > 0 else None
            after = unit_keys[unit + 1] if unit < last else None
        prev[entry] = context_hash(before)
        following[entry] = context_hash(after)
    return prev, following


def file_fingerprint(path: Path) -> dict[str, object]:
    """What identifies a memory file's content: its size and a BLAKE2b hash of all of it.

    Not the modification time: `cp -p`, `touch -r` or a restored backup keep it while the content
    changes, and a memory served from the index of its old content gives matches it no longer holds.
    """
    digest = hashlib.blake2b(digest_size=16)
    size = 0
    buffer = bytearray(HASH_BUFFER_BYTES)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while read := handle.readinto(buffer):
            digest.update(view[:read])
            size += read
    return {"size": size, "blake2b": digest.hexdigest()}


def _crc32_of(handle: io.RawIOBase | io.BufferedIOBase, buffer: bytearray) -> int:
    view = memoryview(buffer)
    crc = 0
    while read := handle.readinto(buffer):
        crc = zlib.crc32(view[:read], crc)
    return crc


def _write_checked(path: Path, content: bytes | npt.NDArray[np.generic]) -> dict[str, int]:
    """Write a cache file (bytes, or an array as ``.npy``) and give its size and CRC-32 as they are on disk.

    Not fsynced: whatever a power cut leaves half-written fails its checksum at the next load and
    is rebuilt, so a cache needs no durability of its own (and a million-entry index saves seconds sooner).
    """
    with open(path, "w+b") as handle:
        if isinstance(content, bytes):
            handle.write(content)
        else:
            np.save(handle, content)
        handle.flush()
        handle.seek(0)
        # Read back rather than checksum the arrays in memory: np.save adds a header, and what counts is the file.
        return {"size": os.fstat(handle.fileno()).st_size, "crc32": _crc32_of(handle, bytearray(HASH_BUFFER_BYTES))}


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
        files = {name: (int(entry["size"]), int(entry["crc32"])) for name, entry in meta["files"].items()}
        parsed = CacheMeta(
            name=str(meta["name"]),
            source_lang=str(meta["source_lang"]),
            target_lang=str(meta["target_lang"]),
            fingerprint=dict(meta["fingerprint"]),
            arrays=[str(name) for name in meta["arrays"]],
            files=files,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UnusableCache(f"{META_FILE}: fields missing or of the wrong type", damaged=True) from None
    cold_columns = {_saved_name(_Saved.COLUMN, column, "bin") for column in Column if column not in _HOT_COLUMNS}
    wanted = {f"{name}.npy" for name in parsed.arrays} | cold_columns
    if not wanted <= files.keys() or any(Path(name).name != name or name.startswith(".") for name in files):
        raise UnusableCache(f"{META_FILE}: the list of files is wrong", damaged=True)
    return parsed


def _verify_files(folder: Path, files: dict[str, tuple[int, int]]) -> None:
    """Check that every cache file has the size and CRC-32 recorded when it was written."""
    buffer = bytearray(HASH_BUFFER_BYTES)
    for name, (size, crc) in files.items():
        try:
            with open(folder / name, "rb", buffering=0) as handle:
                actual_size = os.fstat(handle.fileno()).st_size
                if actual_size != size:
                    raise UnusableCache(f"{name}: {actual_size} bytes, written with {size}", damaged=True)
                if _crc32_of(handle, buffer) != crc:
                    raise UnusableCache(f"{name}: checksum mismatch", damaged=True)
        except OSError as exc:
            raise UnusableCache(f"{name}: {exc.strerror or exc}", damaged=True) from None


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
    return path.parent / f".{path.name}.{lang_key(source_lang)}-{lang_key(target_lang)}.tmkit-index"


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
) -> MemoryIndex:
    """A memory file ready for lookups: from its cached index if that is current and sound, else built and cached.

    The cache is a hidden folder beside the file, used only when the file's content hash is the
    one it was built from (a changed size alone is enough to know it is not) and every cache file
    passes its checksum. A damaged cache is rebuilt, and ``on_notice`` is told in one line; an
    out-of-date one is rebuilt silently. When the folder cannot be written (a read-only
    location), the index is used without being cached.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError("no such file" if not file.exists() else "not a file", path=file)
    norm = normalizer or Normalizer(source_lang)
    folder = cache_folder(file, source_lang, target_lang)
    fingerprint: dict[str, object] | None = None
    if cache and os.path.lexists(folder):
        try:
            meta = read_cache_meta(folder, normalizer=norm)
            if meta.fingerprint.get("size") == _size_of(file):
                # Hash the memory while the cache is checked and read: both release the GIL, so on two
                # cores the hash costs no wall time. A loaded index whose fingerprint differs is dropped.
                hashing = _in_background(_fingerprint_or_input_error, file)
                try:
                    index = MemoryIndex._load_checked(folder, meta, normalizer=norm)
                finally:
                    fingerprint = hashing()
                if meta.fingerprint == fingerprint:
                    index.penalty = penalty
                    index.name = file.name
                    return index
        except UnusableCache as problem:
            if problem.damaged and on_notice is not None:
                on_notice(f"{file}: its cached index is damaged ({problem}); rebuilding it")
    if fingerprint is None:
        fingerprint = _fingerprint_or_input_error(file)
    reader = TmxReader(file, skip_invalid=skip_invalid, on_progress=on_progress)
    index = MemoryIndex.build(reader, source_lang=source_lang, target_lang=target_lang, name=file.name, normalizer=norm)
    index.penalty = penalty
    if cache:
        with contextlib.suppress(OSError):
            index.save(folder, fingerprint=fingerprint)
    return index


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
