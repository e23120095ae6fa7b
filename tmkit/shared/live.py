"""A shared memory's index kept current while an editor runs: units others confirm are added as they are announced."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from tmkit.matching.memory_index import MemoryIndex
from tmkit.shared.codec import unit_from_json
from tmkit.shared.mirror import DELETED, Mirror, sync_mirror
from tmkit.shared.schema import SCHEMA
from tmkit.shared.store import SharedMemory, StoredUnit, UnitListener
from tmkit.shared.urls import database_errors
from tmkit.text.normalize import Normalizer

#: Seconds one `LiveIndex.follow` call waits for announcements: how long a stop request may wait for its answer
#: when none comes (one that comes adds its gathering, `MAX_GATHER` at most, and applying the batch).
FOLLOW_WAIT = 0.25
#: Seconds a batch is gathered at least once a unit arrived (the rest of a save's burst comes in it). A batch
#: is indexed as a layer of its own, its units and their neighbours, and now and then merged with the layers
#: of earlier batches (`Mirror.stack_batch`): at 1,000,000 units with 1,445 changed since the cache was saved,
#: batches of 4 confirmations cost the follower 6.6 ms of CPU at the median, 45 ms at p95 (a merge), 10 ms on
#: average (each rebuilt the whole delta before: 208 ms). Gathering keeps the layers, and so the merges and
#: what a lookup pays for them, few: the follower applies a few batches a second, not one a write.
MIN_GATHER = 0.4
#: ...and for this many times as long as the last batch took to apply, when that is longer: a batch that
#: merged layers (at most once as many units as the layers under it) costs more; the follower then takes at
#: most about a quarter of a core.
APPLY_DUTY = 3.0
#: ...but never longer than this, so a unit the team confirms is offered within a second.
MAX_GATHER = 0.75


class LiveIndex:
    """A `MemoryIndex` of a shared memory that follows the units written to it (LISTEN/NOTIFY).

    It starts from this machine's cache of the memory brought up to date (`tmkit.shared.mirror`).
    Listening starts before that, so a unit written meanwhile is announced and applied after it
    (reading it again is harmless). The index is numbered in the memory's order (its unit ids
    ascending), a unit confirmed again replaces its old version in place, and a new one is added at
    the end: the same entries and percentages as the memory exported and opened anew. Each batch is a
    layer of its own over the index as it stands, merged with the others as they grow (`Mirror.stack_batch`).
    No unit is held but the changed ones and their neighbours, which the layers over the cached index
    are made of (the neighbours are read from the database by id when they are first needed). Use as a
    context manager (or call `close`), from one thread.
    """

    def __init__(
        self,
        url: str,
        *,
        source_lang: str,
        target_lang: str,
        penalty: float = 0.0,
        normalizer: Normalizer | None = None,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.url = url
        self._last_apply = 0.0  # seconds the last batch took to apply (see APPLY_DUTY)
        self.source_lang, self.target_lang, self.normalizer = source_lang, target_lang, normalizer
        self.on_notice = on_notice  # told when the cache was found damaged and is rebuilt
        self.listener = self._open_listener(url)
        try:
            # Its own connection reads units by id for a delta's context, on the thread that follows.
            with database_errors(url, doing="cannot read the memory"):
                self.memory = SharedMemory(url)
                self.mirror: Mirror = self._synced()
        except BaseException:
            self.listener.close()
            if hasattr(self, "memory"):
                self.memory.close()
            raise
        self.index: MemoryIndex = self.mirror.current
        self.index.penalty = penalty
        #: Whether the last `follow` changed `index` (units written or deleted, or the cache brought up to date).
        self.updated = False

    def _synced(self) -> Mirror:
        mirror = sync_mirror(
            self.memory,
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            normalizer=self.normalizer,
            on_notice=self.on_notice,
        )
        # A cached delta opened with nothing changed since holds none of its units, and a batch's layer merged
        # down into it rebuilds the whole delta from `held` (`Mirror.stack_batch`): a unit not held would be
        # read as deleted, and the units changed before the editor opened would vanish from its matches.
        mirror.fetch(self.memory.conn, mirror.needed())
        return mirror

    @staticmethod
    def _open_listener(url: str) -> UnitListener:
        with database_errors(url, doing="cannot listen for the team's units"):
            return UnitListener(url)

    def __enter__(self) -> LiveIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.listener.close()
        self.memory.close()

    def reconnect(self) -> None:
        """Open both connections anew after losing them (a server restarted) and catch up on what was missed.

        Announcements sent while no connection listened are lost for good, so the index is not patched
        from them: as when the editor opens, listening starts first and the cache is then brought up to
        date by every unit written since it was saved (`sync_mirror`), the batches applied meanwhile
        included. Raises `TmkitError` while the server cannot be reached; the old connections are closed
        either way, and a failed attempt may simply be made again.
        """
        self.close()
        listener = self._open_listener(self.url)
        try:
            with database_errors(self.url, doing="cannot read the memory"):
                memory = SharedMemory(self.url)
                try:
                    self.listener, self.memory = listener, memory
                    mirror = self._synced()
                except BaseException:
                    memory.close()
                    raise
        except BaseException:
            listener.close()
            raise
        penalty = self.index.penalty
        self.mirror = mirror
        self.index = mirror.current
        self.index.penalty = penalty

    def follow(self, *, timeout: float = FOLLOW_WAIT) -> list[StoredUnit]:
        """Wait up to ``timeout`` seconds for units written by others and apply them to `index`; those applied.

        Returns once a batch has gathered (`MIN_GATHER` to `MAX_GATHER` seconds after its first unit arrived), so a
        confirmed unit is in the index within a second of its commit.
        """
        self.updated = False
        with database_errors(self.url, doing="lost the connection that follows the team's units"):
            announced = self._announced(timeout=timeout, stop_after=1)
            if not announced:
                return []
            # The rest of a burst waits in the connection: gathered now, it comes as one batch.
            gather = min(MAX_GATHER, max(MIN_GATHER, APPLY_DUTY * self._last_apply))
            announced |= self._announced(timeout=gather, stop_after=None)
            if self.mirror.delta_due(adding=len(announced)):
                # A burst past what a delta is worth (a big import announces every unit it adds): the cache brought up
                # to date from what is committed, as on opening, not every announced unit read and held first. What
                # came before it is in the cache: its announcements are passed over.
                for _notice in self.listener.conn.notifies(timeout=0):
                    pass
                started = time.perf_counter()
                self._resync()
                self._last_apply = time.perf_counter() - started
                self.updated = True
                return []
            arrived = self._read(sorted(announced))
        # Announced and not there: deleted (an import's --policy last or newest), and no match any more.
        gone = sorted(announced - {stored.id for stored in arrived})
        if arrived or gone:
            started = time.perf_counter()
            self.apply(arrived, gone=gone)
            self._last_apply = time.perf_counter() - started
            self.updated = True
        return arrived

    def _announced(self, *, timeout: float, stop_after: int | None) -> set[int]:
        """The ids announced within ``timeout`` seconds (all of those that came in one packet with the first)."""
        own = self.memory.conn.info.backend_pid
        return {
            int(notice.payload.partition(",")[0])
            for notice in self.listener.conn.notifies(timeout=timeout, stop_after=stop_after)
            if notice.pid != own
        }

    def _read(self, ids: list[int]) -> list[StoredUnit]:
        """The units announced, as they are now (a unit deleted since is left out)."""
        rows = self.memory.conn.execute(
            f"SELECT id, version, changed_by, changed_at::text, body FROM {SCHEMA}.units WHERE id = ANY(%s::bigint[]) "
            "ORDER BY id",
            [ids],
        ).fetchall()
        return [StoredUnit(int(r[0]), int(r[1]), unit_from_json(r[4]), r[2], r[3]) for r in rows]

    def apply(self, arrived: Sequence[StoredUnit], *, gone: Sequence[int] = ()) -> None:
        """Put units read from the memory into the index: in place of their old version, or at the end; and take
        out the units of the ids ``gone`` (deleted).

        The batch is indexed as a layer of its own on the index as it stands (`Mirror.stack_batch`): the
        cost is the batch's units and their neighbours', not every unit changed since the cache was saved.
        """
        mirror = self.mirror
        numbers: list[int] = []
        for stored in arrived:
            number = mirror.number_of(stored.id)
            if number is None:
                number = mirror.append(stored.id)
            # Its change number is not announced: the mirror is not saved from here, so none is needed.
            mirror.changed.setdefault(number, 0)
            mirror.held[number] = stored.unit
            numbers.append(number)
        for unit_id in gone:
            number = mirror.number_of(unit_id)
            if number is None or mirror.seq_of(number) == DELETED:
                continue  # never seen here, or known gone
            mirror.changed[number] = DELETED
            mirror.held[number] = None  # (a layer indexes it as deleted; its neighbours are each other's context)
            numbers.append(number)
        if not numbers:
            return
        if mirror.delta_due():
            # Past what a delta is worth: the cache is brought up to date and becomes the index again.
            self._resync()
            return
        penalty = self.index.penalty
        with database_errors(self.url, doing="cannot read the memory"):
            wanted = mirror.batch_wanted(numbers)
            mirror.fetch(self.memory.conn, mirror.around(wanted))
            mirror.stack_batch(wanted)
        self.index = mirror.current
        self.index.penalty = penalty

    def _resync(self) -> None:
        """The cache brought up to date with what is committed (`sync_mirror`), and made the index again."""
        penalty = self.index.penalty
        with database_errors(self.url, doing="cannot read the memory"):
            self.mirror = self._synced()
        self.index = self.mirror.current
        self.index.penalty = penalty
