"""One memory made searchable in one direction: its entries in compact columns, their indexes, and the cache on disk."""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any

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
INDEX_FORMAT = "tmkit-index-6"
#: Props naming a unit's neighbouring source segments, which then win over its neighbours in the file.
CONTEXT_PREV_PROPS = ("x-context-prev", "prev")
CONTEXT_NEXT_PROPS = ("x-context-next", "next")
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
        """Write the index into ``folder`` atomically (a temporary folder renamed into place)."""
        target = Path(folder)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            arrays: dict[str, npt.NDArray[np.generic]] = {
                _saved_name(_Saved.STATUS): self.status,
                _saved_name(_Saved.CONTEXT_PREV): self.context_prev,
                _saved_name(_Saved.CONTEXT_NEXT): self.context_next,
                **_prefixed(_Saved.CANDIDATES, self.candidates.arrays()),
                **_prefixed(_Saved.SOURCE_WORDS, self.source_words.arrays()),
                **_prefixed(_Saved.TARGET_WORDS, self.target_words.arrays()),
            }
            for column, strings in self.columns.items():
                if not isinstance(strings, StringColumn):
                    raise ValueError("only a freshly built index can be saved")
                arrays[_saved_name(_Saved.COLUMN, column, "starts")] = strings.starts
                if column in _HOT_COLUMNS:
                    arrays[_saved_name(_Saved.COLUMN, column, "blob")] = strings.blob
                else:
                    with open(staging / _saved_name(_Saved.COLUMN, column, "bin"), "wb") as handle:
                        handle.write(strings.blob.tobytes())
                        handle.flush()
                        os.fsync(handle.fileno())
            for name, array in arrays.items():
                with open(staging / f"{name}.npy", "wb") as handle:
                    np.save(handle, array)
                    handle.flush()
                    os.fsync(handle.fileno())
            meta = {
                "format": INDEX_FORMAT,
                "name": self.name,
                "source_lang": self.source_lang,
                "target_lang": self.target_lang,
                "normalizer": self.normalizer.signature,
                "fingerprint": fingerprint,
                "arrays": sorted(arrays),
            }
            (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
            os.chmod(staging, 0o777 & ~_umask())
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    @classmethod
    def load(cls, folder: str | os.PathLike[str], *, normalizer: Normalizer) -> tuple[MemoryIndex, dict[str, object]]:
        """Open a saved index.

        What every lookup reads (the candidate index, the source keys, statuses, contexts) is
        loaded into memory; the rest (texts, provenance, concordance lists) is memory-mapped and
        read from disk only where a result or a concordance search needs it.
        """
        path = Path(folder)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != INDEX_FORMAT or meta.get("normalizer") != normalizer.signature:
            raise ValueError("index made by another version")
        arrays = {name: _load_array(path / f"{name}.npy", hot=name.startswith(_HOT_ARRAYS)) for name in meta["arrays"]}
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
        index = cls(
            name=meta["name"],
            source_lang=meta["source_lang"],
            target_lang=meta["target_lang"],
            normalizer=normalizer,
            columns=columns,
            status=arrays[_saved_name(_Saved.STATUS)],
            context_prev=arrays[_saved_name(_Saved.CONTEXT_PREV)],
            context_next=arrays[_saved_name(_Saved.CONTEXT_NEXT)],
            candidates=candidates,
            source_words=WordIndex.from_arrays(_unprefixed(_Saved.SOURCE_WORDS, arrays)),
            target_words=WordIndex.from_arrays(_unprefixed(_Saved.TARGET_WORDS, arrays)),
        )
        return index, meta["fingerprint"]


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


def _load_array(path: Path, *, hot: bool) -> Any:
    """A saved array, read into memory (hot) or memory-mapped (typed Any: its dtype is whatever was saved)."""
    if hot:
        return np.load(path)
    array = np.load(path, mmap_mode="r")
    # Lookups read a few scattered entries: tell the kernel not to read (and map) ahead of them.
    raw = getattr(array, "_mmap", None)
    if raw is not None and hasattr(mmap, "MADV_RANDOM"):
        with contextlib.suppress(OSError):
            raw.madvise(mmap.MADV_RANDOM)
    return array


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
    """What identifies a memory file's content: size, modification time and a hash of both ends."""
    stat = path.stat()
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        digest.update(handle.read(1 << 20))
        if stat.st_size > 2 << 20:
            handle.seek(-(1 << 20), os.SEEK_END)
            digest.update(handle.read())
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "blake2b_ends": digest.hexdigest()}


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
) -> MemoryIndex:
    """A memory file ready for lookups: from its cached index if that is current, else built and cached.

    The cache is a hidden folder beside the file, rebuilt when the file's size, modification
    time or content at either end changes, or when the normalizer differs. When the folder
    cannot be written (a read-only location), the index is used without being cached.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError("no such file" if not file.exists() else "not a file", path=file)
    norm = normalizer or Normalizer(source_lang)
    folder = cache_folder(file, source_lang, target_lang)
    fingerprint = file_fingerprint(file)
    if cache and folder.is_dir():
        with contextlib.suppress(OSError, ValueError, KeyError, json.JSONDecodeError):
            index, stored = MemoryIndex.load(folder, normalizer=norm)
            if stored == fingerprint:
                index.penalty = penalty
                index.name = file.name
                return index
    reader = TmxReader(file, skip_invalid=skip_invalid, on_progress=on_progress)
    index = MemoryIndex.build(reader, source_lang=source_lang, target_lang=target_lang, name=file.name, normalizer=norm)
    index.penalty = penalty
    if cache:
        with contextlib.suppress(OSError):
            index.save(folder, fingerprint=fingerprint)
    return index
