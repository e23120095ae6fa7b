"""A shared memory's index cached on this machine and brought up to date by the units changed since it was saved."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from tmkit.errors import InputError
from tmkit.matching.columns import DamagedFileError
from tmkit.matching.memory_delta import (
    COMPACT_FRACTION,
    COMPACT_MIN_UNITS,
    delta_folder,
    load_delta,
    remove_delta,
)
from tmkit.matching.memory_index import (
    META_FILE,
    MemoryIndex,
    UnusableCache,
    _identity,
    delta_entry_units,
    read_cache_meta,
)
from tmkit.memory.langtags import lang_key
from tmkit.memory.model import TranslationUnit
from tmkit.shared.codec import unit_from_json
from tmkit.shared.schema import SCHEMA
from tmkit.shared.store import EXPORT_FETCH_ROWS, SharedMemory
from tmkit.shared.urls import database_errors, redacted
from tmkit.text.normalize import Normalizer

if TYPE_CHECKING:
    import psycopg

#: What a mirror's metadata says it is: a cache of another layout is rebuilt, not read.
MIRROR_FORMAT = "tmkit-mirror-1"
#: Unit rows fetched per round trip, streamed for a build or asked for by id.
FETCH_ROWS = EXPORT_FETCH_ROWS
#: The change number of a unit number whose unit is gone (deleted in the database).
DELETED = -1
#: Arrays saved with the main index (`MemoryIndex.layer`): each unit number's database id and change number.
UNIT_IDS, UNIT_SEQS = "unit_ids", "unit_seqs"
#: Arrays saved with the delta: the ids of the units numbered after the main's, and the unit numbers changed
#: since the main was built with their change numbers now (`DELETED` when gone).
ADDED_IDS, CHANGED_UNITS, CHANGED_SEQS = "added_ids", "changed_units", "changed_seqs"
#: A layer of units changed since is merged with the layer under it once it indexes at least this share as
#: many units: each unit is then indexed again about log2(changes / batch) times in all, and the layers over
#: the main index stay about as many (a layer costs a lookup one more small candidate search).
MERGE_SHARE = 1.0
#: ...and however small they are, no more layers than this over the main index.
MAX_LAYERS = 8


def mirror_root() -> Path:
    """Where mirrors are kept: `$XDG_CACHE_HOME/tmkit/shared`, else `~/.cache/tmkit/shared`."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "tmkit" / "shared"


def mirror_folder(memory_id: str, source_lang: str, target_lang: str) -> Path:
    """The cache folder of one memory in one direction: named by the memory's id, never by its URL (host, password)."""
    return mirror_root() / f"{memory_id}-{lang_key(source_lang)}-{lang_key(target_lang)}"


@dataclass(frozen=True, slots=True)
class _Server:
    """What the database says of itself, read first in the snapshot every change is then read from."""

    memory_id: str
    generation: int
    system: str  # the cluster's system identifier: a copy restored elsewhere is another memory's history
    database: int
    xmin: int  # the oldest transaction still open: every change not yet seen is by it or a later one
    xmax: int

    def cached_name(self) -> str:
        """The name a cache is saved under: the memory's id, never its URL (its host, a password in it)."""
        return f"shared memory {self.memory_id}"

    def identity(self) -> dict[str, object]:
        return {
            "format": MIRROR_FORMAT,
            "memory": self.memory_id,
            "generation": self.generation,
            "system": self.system,
            "database": self.database,
        }

    def fingerprint(self) -> dict[str, object]:
        """What a cache saved now records: which memory, and from which transaction on its changes are not in it."""
        return {**self.identity(), "xmin": self.xmin}


def _read_server(conn: psycopg.Connection[tuple[Any, ...]]) -> _Server:
    import psycopg

    row = conn.execute(
        f"SELECT m.id::text, m.generation, pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text, d.oid::bigint "
        f"FROM {SCHEMA}.memory AS m, pg_current_snapshot() AS s, pg_database AS d "
        "WHERE d.datname = current_database()"
    ).fetchone()
    if row is None:
        raise InputError(f"{SCHEMA}.memory is empty: the memory has lost its identity (run 'tmkit db init' again)")
    system = ""
    with contextlib.suppress(psycopg.Error), conn.transaction():  # a savepoint: a refusal leaves the snapshot usable
        found = conn.execute("SELECT system_identifier::text FROM pg_control_system()").fetchone()
        system = str(found[0]) if found else ""
    return _Server(str(row[0]), int(row[1]), system, int(row[4]), int(row[2]), int(row[3]))


@dataclass(slots=True)
class Mirror:
    """A shared memory's index numbered as the memory is (unit ids ascending, new units after), and what it needs
    to be brought up to date: each number's id and change number, and the numbers changed since its main index."""

    main: MemoryIndex
    main_ids: npt.NDArray[np.int64]
    main_seqs: npt.NDArray[np.int64]
    added_ids: list[int] = field(default_factory=list)
    #: Unit numbers changed, added or deleted since the main index was built, with their change numbers now.
    changed: dict[int, int] = field(default_factory=dict)
    index: MemoryIndex | None = None
    #: The delta under `index`, as built (what is saved).
    delta: MemoryIndex | None = None
    #: Units read for the delta (the changed ones and their neighbours): a delta built again reads these, not all.
    held: dict[int, TranslationUnit | None] = field(default_factory=dict)
    #: The layers over the main index, oldest first: each the index as it stands with that layer on top, and the
    #: unit numbers that layer indexes (`index` is the last one's; the first is `delta`'s).
    layers: list[_Layer] = field(default_factory=list)
    _added_numbers: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._added_numbers = {unit_id: len(self.main_ids) + n for n, unit_id in enumerate(self.added_ids)}

    @property
    def unit_count(self) -> int:
        return len(self.main_ids) + len(self.added_ids)

    @property
    def current(self) -> MemoryIndex:
        return self.index if self.index is not None else self.main

    def number_of(self, unit_id: int) -> int | None:
        """The unit number of a database id, None when the mirror has never seen it."""
        at = int(np.searchsorted(self.main_ids, unit_id))
        if at < len(self.main_ids) and int(self.main_ids[at]) == unit_id:
            return at
        return self._added_numbers.get(unit_id)

    def id_of(self, number: int) -> int:
        main = len(self.main_ids)
        return int(self.main_ids[number]) if number < main else self.added_ids[number - main]

    def seq_of(self, number: int) -> int:
        if number in self.changed:
            return self.changed[number]
        return int(self.main_seqs[number]) if number < len(self.main_ids) else DELETED

    def largest_id(self) -> int:
        if self.added_ids:
            return self.added_ids[-1]
        return int(self.main_ids[-1]) if len(self.main_ids) else 0

    def append(self, unit_id: int) -> int:
        """Number a unit the mirror has not seen after the others."""
        number = self.unit_count
        self.added_ids.append(unit_id)
        self._added_numbers[unit_id] = number
        return number

    def delta_due(self, *, adding: int = 0) -> bool:
        """Whether the changes (and ``adding`` more) have outgrown a delta (memory_delta's thresholds): a build is then
        cheaper."""
        return len(self.changed) + adding > max(COMPACT_MIN_UNITS, COMPACT_FRACTION * len(self.main_ids))

    def wanted(self) -> list[int]:
        """The numbers the delta indexes again: the changed units and their neighbours (whose context changed)."""
        return sorted({n + step for n in self.changed for step in (-1, 0, 1)} - {-1})

    def needed(self) -> list[int]:
        """The numbers whose units a delta build reads: the wanted ones and one more on each side."""
        return self.around(self.wanted())

    def fetch(self, conn: psycopg.Connection[tuple[Any, ...]], numbers: Iterable[int]) -> None:
        """Read the units numbered ``numbers`` that are not held yet from the database, in batches, by id."""
        missing = [n for n in numbers if n not in self.held]
        for number in missing:
            self.held[number] = None  # deleted, unless read below
        by_id = {self.id_of(n): n for n in missing if self.seq_of(n) != DELETED}
        for unit_id, unit in _units_by_id(conn, list(by_id)):
            self.held[by_id[unit_id]] = unit

    def rebuild_delta(self) -> MemoryIndex:
        """The main index with a delta of the changed units (read from `held`): `index`, and the delta to save."""
        wanted = self.wanted()
        delta = self.main.build_delta(wanted, unit_at=self.held.get)
        layered = self._stacked(self.main, delta, wanted)
        layered.delta_units = tuple(n for n in wanted if self.held.get(n) is not None or n < len(self.main_ids))
        self.index, self.delta = layered, delta
        self.layers = [_Layer(layered, frozenset(wanted))]
        # Only what the next delta build reads is kept: the held units stay as many as the delta's.
        keep = set(self.needed())
        self.held = {n: unit for n, unit in self.held.items() if n in keep}
        return delta

    def _stacked(self, below: MemoryIndex, layer: MemoryIndex, numbers: list[int]) -> MemoryIndex:
        """``below`` with ``layer`` (built of the units ``numbers`` as `held` has them) on top."""
        units = delta_entry_units(layer, numbers, exists=lambda n: self.held.get(n) is not None)
        layered = below.with_layer(layer, superseded=np.array(numbers, dtype=np.int64), layer_units=units)
        layered.penalty = self.main.penalty
        return layered

    def _deleted(self, number: int) -> bool:
        return number < self.unit_count and self.seq_of(number) == DELETED

    def batch_wanted(self, numbers: Iterable[int]) -> list[int]:
        """The units a layer of the changed units ``numbers`` indexes again: them and their neighbours, reaching
        over deleted units to the nearest ones there are (a deleted unit's neighbours are each other's context),
        so that no unit outside is read as context in place of a deleted one."""
        wanted = {n + step for n in numbers for step in (-1, 0, 1)} - {-1}
        todo = list(wanted)
        while todo:
            number = todo.pop()
            for side in (number - 1, number + 1):
                if side >= 0 and side not in wanted and (self._deleted(number) or self._deleted(side)):
                    wanted.add(side)
                    todo.append(side)
        return sorted(wanted)

    def around(self, numbers: Iterable[int]) -> list[int]:
        """The units a build of ``numbers`` reads: them and one more on each side."""
        # Bounded by comparison, not by a set of every unit number (a million of them: 40 ms a batch at 1M).
        return sorted(n for n in {n + step for n in numbers for step in (-1, 0, 1)} if 0 <= n < self.unit_count)

    def stack_batch(self, wanted: list[int]) -> MemoryIndex:
        """`index` with a layer of the units ``wanted`` (`batch_wanted`, read into `held`) on top: it costs the
        batch, not every unit changed since the main index. Layers are merged as they grow (`MERGE_SHARE`)."""
        below = self.layers[-1].index if self.layers else self.main
        layer = self.main.build_delta(wanted, unit_at=self.held.get)
        self.layers.append(_Layer(self._stacked(below, layer, wanted), frozenset(wanted)))
        while len(self.layers) > 1 and (
            len(self.layers) > MAX_LAYERS or len(self.layers[-1].units) >= MERGE_SHARE * len(self.layers[-2].units)
        ):
            top, under = self.layers.pop(), self.layers.pop()
            if not self.layers:
                self.rebuild_delta()  # all of them: the one delta over the main index, as an open makes it
                break
            merged = sorted(top.units | under.units)
            layer = self.main.build_delta(merged, unit_at=self.held.get)
            self.layers.append(_Layer(self._stacked(self.layers[-1].index, layer, merged), frozenset(merged)))
        self.index = self.layers[-1].index
        return self.index


@dataclass(frozen=True, slots=True)
class _Layer:
    """One layer over a mirror's main index: the index with it on top, and the unit numbers it indexes."""

    index: MemoryIndex
    units: frozenset[int]


def _units_by_id(conn: psycopg.Connection[tuple[Any, ...]], ids: list[int]) -> Iterator[tuple[int, TranslationUnit]]:
    for at in range(0, len(ids), FETCH_ROWS):
        rows = conn.execute(
            f"SELECT id, body FROM {SCHEMA}.units WHERE id = ANY(%s::bigint[])", [ids[at : at + FETCH_ROWS]]
        ).fetchall()
        for unit_id, body in rows:
            yield int(unit_id), unit_from_json(body)


@contextlib.contextmanager
def _snapshot(conn: psycopg.Connection[tuple[Any, ...]]) -> Iterator[None]:
    """One read-only transaction that sees the memory as of its first statement, whatever commits meanwhile."""
    import psycopg

    isolation, read_only = conn.isolation_level, conn.read_only
    conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
    try:
        with conn.transaction():
            yield
    finally:
        conn.isolation_level, conn.read_only = isolation, read_only


def open_mirror(
    url: str,
    *,
    source_lang: str,
    target_lang: str,
    penalty: float = 0.0,
    normalizer: Normalizer | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    rebuild: bool = False,
) -> MemoryIndex:
    """A shared memory's index from this machine's cache, brought up to date by the units changed since.

    The cache (`mirror_folder`, filed under the memory's id) is the index a file memory saves, with
    each unit number's database id and change number. Opening reads only the units written or
    deleted since (by transaction id, see migration 3) and indexes them with their neighbours as a
    delta, saved beside it; past memory_delta's thresholds, or for a cache that is damaged (told to
    ``on_notice``), of another memory's history or missing, the memory is streamed and built anew.
    Scores, entries and texts are those of an index built afresh from the memory.
    """
    with SharedMemory(url) as memory, database_errors(url, doing="cannot read the memory"):
        mirror = sync_mirror(
            memory,
            source_lang=source_lang,
            target_lang=target_lang,
            normalizer=normalizer,
            on_progress=on_progress,
            on_notice=on_notice,
            rebuild=rebuild,
        )
    index = mirror.current
    index.penalty = penalty
    return index


def sync_mirror(
    memory: SharedMemory,
    *,
    source_lang: str,
    target_lang: str,
    normalizer: Normalizer | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    rebuild: bool = False,
    save: bool = True,
) -> Mirror:
    """`open_mirror` on an open memory, giving the `Mirror` (what `LiveIndex` goes on updating)."""
    norm = normalizer or Normalizer(source_lang)
    conn = memory.conn
    with _snapshot(conn):
        server = _read_server(conn)
        folder = mirror_folder(server.memory_id, source_lang, target_lang)
        loaded = None if rebuild else _load(folder, server, norm, name=memory.name, url=memory.url, on_notice=on_notice)
        if loaded is not None:
            mirror, since = loaded
            outcome = _bring_up_to_date(conn, mirror, since)
            if outcome is not _Outcome.BUILD:
                if outcome is _Outcome.DELTA and save:
                    _save_delta(mirror, folder, server)
                return mirror
        built = _build(conn, server, source_lang, target_lang, norm, name=server.cached_name(), on_progress=on_progress)
    if save:
        _save_main(built, folder)
    built.main.name = memory.name
    return built


def _load(
    folder: Path, server: _Server, norm: Normalizer, *, name: str, url: str, on_notice: Callable[[str], None] | None
) -> tuple[Mirror, int] | None:
    """The cached mirror if it is sound and of this memory's history, with the transaction its changes are read from."""
    if not os.path.lexists(folder):
        return None
    for last_try in (False, True):
        before = _identity(folder / META_FILE)
        try:
            return _load_main(folder, server, norm, name=name)
        except UnusableCache as problem:
            if not problem.damaged:
                return None
            if not last_try and _identity(folder / META_FILE) != before:
                continue  # replaced by another process while it was read: the new one may well be sound
            if on_notice is not None:
                on_notice(f"{redacted(url)}: its cached index is damaged ({problem}); rebuilding it")
            return None
    return None


def _load_main(folder: Path, server: _Server, norm: Normalizer, *, name: str) -> tuple[Mirror, int] | None:
    """`_load` once: raises `UnusableCache` when the main index is damaged (a damaged delta is made again)."""
    meta = read_cache_meta(folder, normalizer=norm)
    fingerprint = meta.fingerprint
    if {k: fingerprint.get(k) for k in server.identity()} != server.identity():
        return None  # another memory's history (truncated, restored elsewhere): built anew
    since = fingerprint.get("xmin")
    if not isinstance(since, int) or since > server.xmax:
        return None  # a transaction the server has not reached: a cache of another cluster's history
    main = MemoryIndex._load_checked(folder, meta, normalizer=norm, rebuilt=_damaged_later(folder, name))
    ids, seqs = main.layer.get(UNIT_IDS), main.layer.get(UNIT_SEQS)
    if ids is None or seqs is None or len(ids) != main.unit_count or len(seqs) != main.unit_count:
        raise UnusableCache("the unit ids are missing or of the wrong length", damaged=True)
    main.name = name
    mirror = Mirror(main, ids.astype(np.int64), seqs.astype(np.int64))
    delta_dir = delta_folder(folder)
    saved = load_delta(delta_dir, main, normalizer=norm) if os.path.lexists(delta_dir) else None
    if saved is None:
        return mirror, since
    delta, delta_fingerprint = saved
    delta_since = delta_fingerprint.get("xmin")
    layer = delta.layer
    if (
        {k: delta_fingerprint.get(k) for k in server.identity()} != server.identity()
        or not isinstance(delta_since, int)
        or delta_since > server.xmax
        or any(part not in layer for part in (ADDED_IDS, CHANGED_UNITS, CHANGED_SEQS))
    ):
        return mirror, since  # the changes since the main index are read again, which makes the delta anew
    for unit_id in layer[ADDED_IDS].tolist():
        mirror.append(int(unit_id))
    mirror.changed = dict(zip(layer[CHANGED_UNITS].tolist(), layer[CHANGED_SEQS].tolist(), strict=True))
    wanted = mirror.wanted()
    try:
        units = delta_entry_units(delta, wanted, exists=lambda n: n < mirror.unit_count and mirror.seq_of(n) != DELETED)
    except IndexError:
        return Mirror(main, mirror.main_ids, mirror.main_seqs), since  # not the delta of these changes: made anew
    mirror.index = main.with_layer(delta, superseded=np.array(wanted, dtype=np.int64), layer_units=units)
    mirror.index.delta_units = tuple(n for n in wanted if mirror.seq_of(n) != DELETED or n < len(mirror.main_ids))
    mirror.layers = [_Layer(mirror.index, frozenset(wanted))]
    return mirror, delta_since


def _damaged_later(folder: Path, name: str) -> Callable[[DamagedFileError], MemoryIndex]:
    """What a lookup that finds a block of the cache damaged after loading does: removes the cache and says so.

    The lookup's entry numbers belong to the cache as loaded, which the memory may no longer be: the
    next run builds the index anew.
    """

    def rebuilt(problem: DamagedFileError) -> MemoryIndex:
        shutil.rmtree(folder, ignore_errors=True)
        remove_delta(folder)
        raise InputError(f"its cached index is damaged ({problem}); removed: run again to rebuild it", path=name)

    return rebuilt


class _Outcome(Enum):
    """What bringing a mirror up to date came to."""

    CURRENT = "nothing changed"
    DELTA = "a delta of the changes"
    BUILD = "a build is due"


def _bring_up_to_date(conn: psycopg.Connection[tuple[Any, ...]], mirror: Mirror, since: int) -> _Outcome:
    """Apply the units written and deleted by transactions from ``since`` on, as a delta over the main index.

    A unit whose change number is the one the mirror has was seen already (a transaction still open
    at the last update may have written others). New units are numbered after the others unless
    one's id is below an id the mirror has: the memory is then built anew, which keeps its order
    (ids ascending) and so every unit's context. So it is when the changes outgrow a delta.
    """
    since_text = str(since)
    rows = conn.execute(
        f"SELECT id, change_seq FROM {SCHEMA}.units WHERE change_xid >= %s::text::xid8", [since_text]
    ).fetchall()
    current = {int(unit_id): int(seq) for unit_id, seq in rows}
    gone = {
        int(unit_id)
        for (unit_id,) in conn.execute(
            f"SELECT DISTINCT id FROM {SCHEMA}.deleted_units WHERE change_xid >= %s::text::xid8", [since_text]
        ).fetchall()
    } - current.keys()
    if gone:
        # A deleted id may have been written again since: whether it is there now settles it.
        back = conn.execute(
            f"SELECT id, change_seq FROM {SCHEMA}.units WHERE id = ANY(%s::bigint[])", [sorted(gone)]
        ).fetchall()
        current |= {int(unit_id): int(seq) for unit_id, seq in back}
    changed = False
    largest = mirror.largest_id()
    for unit_id in sorted(current.keys() | gone):
        seq = current.get(unit_id, DELETED)
        number = mirror.number_of(unit_id)
        if number is None:
            if seq == DELETED:
                continue  # written and deleted since: never seen, nothing to undo
            if unit_id < largest:
                return _Outcome.BUILD
            number = mirror.append(unit_id)
        elif mirror.seq_of(number) == seq:
            continue
        mirror.changed[number] = seq
        mirror.held.pop(number, None)
        changed = True
    if not changed:
        return _Outcome.CURRENT
    if mirror.delta_due():
        return _Outcome.BUILD
    mirror.fetch(conn, mirror.needed())
    mirror.rebuild_delta()
    return _Outcome.DELTA


def _save_delta(mirror: Mirror, folder: Path, server: _Server) -> None:
    """Save the delta over the main index (the main is left as it is), unless a build is due anyway."""
    delta = mirror.delta
    if delta is None:
        return
    numbers = sorted(mirror.changed)
    delta.layer = {
        ADDED_IDS: np.array(mirror.added_ids, dtype=np.int64),
        CHANGED_UNITS: np.array(numbers, dtype=np.int64),
        CHANGED_SEQS: np.array([mirror.changed[n] for n in numbers], dtype=np.int64),
    }
    delta.layer_meta = {"base": mirror.main.layer_meta.get("fingerprint")}
    delta.name = server.cached_name()
    with contextlib.suppress(OSError):  # a cache that cannot be written: the index is used as it is
        delta.save(delta_folder(folder), fingerprint=server.fingerprint())


def _build(
    conn: psycopg.Connection[tuple[Any, ...]],
    server: _Server,
    source_lang: str,
    target_lang: str,
    norm: Normalizer,
    *,
    name: str,
    on_progress: Callable[[int, int | None], None] | None,
) -> Mirror:
    """The whole memory streamed from the database (in the snapshot open) and indexed: a mirror with no changes."""
    ids: list[int] = []
    seqs: list[int] = []

    def units() -> Iterator[TranslationUnit]:
        with conn.cursor(name="tmkit_mirror_build") as cur:
            cur.itersize = FETCH_ROWS
            cur.execute(f"SELECT id, change_seq, body FROM {SCHEMA}.units ORDER BY id")
            for unit_id, seq, body in cur:
                ids.append(int(unit_id))
                seqs.append(int(seq))
                yield unit_from_json(body)
                if on_progress is not None and len(ids) % FETCH_ROWS == 0:
                    on_progress(len(ids), None)

    main = MemoryIndex.build(units(), source_lang=source_lang, target_lang=target_lang, name=name, normalizer=norm)
    if on_progress is not None:
        on_progress(len(ids), len(ids))
    main.layer = {UNIT_IDS: np.array(ids, dtype=np.int64), UNIT_SEQS: np.array(seqs, dtype=np.int64)}
    # A build of its own: another process's delta over another build from the same snapshot is not this one's.
    main.layer_meta = {"fingerprint": {**server.fingerprint(), "build": os.urandom(8).hex()}}
    return Mirror(main, main.layer[UNIT_IDS], main.layer[UNIT_SEQS])


def _save_main(mirror: Mirror, folder: Path) -> None:
    """Save a mirror just built in place of the cache (staged, then renamed: a reader sees the old or the new)."""
    fingerprint = mirror.main.layer_meta.get("fingerprint")
    if not isinstance(fingerprint, dict):
        return
    with contextlib.suppress(OSError):  # a cache that cannot be written: the index is used as it is
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the memory's texts: the user's alone
        mirror.main.save(folder, fingerprint=fingerprint)
        remove_delta(folder)  # it described the main index before (its base no longer fits, but it is dead weight)


__all__ = ["MIRROR_FORMAT", "Mirror", "mirror_folder", "mirror_root", "open_mirror", "sync_mirror"]
