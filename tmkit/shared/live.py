"""A shared memory's index kept current while an editor runs: units others confirm are added as they are announced."""

from __future__ import annotations

from collections.abc import Sequence

from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import TranslationUnit
from tmkit.shared.store import SharedMemory, StoredUnit, UnitListener
from tmkit.shared.urls import database_errors, redacted
from tmkit.text.normalize import Normalizer

#: Seconds one `LiveIndex.follow` call waits for announcements: how long a stop request may wait for its answer.
FOLLOW_WAIT = 0.25
#: Seconds more to gather the rest of a burst once a unit arrived (one save confirms many, each its own commit).
BURST_WAIT = 0.05


class LiveIndex:
    """A `MemoryIndex` of a shared memory that follows the units written to it (LISTEN/NOTIFY).

    Listening starts before the memory is read, so a unit written during the read is announced and
    applied after it (reading it again is harmless). The index is numbered in the memory's order
    (its unit ids ascending), a unit confirmed again replaces its old version in place, and a new one
    is added at the end: the same entries and percentages as the memory exported and opened anew.
    Use as a context manager (or call `close`), from one thread.
    """

    def __init__(
        self,
        url: str,
        *,
        source_lang: str,
        target_lang: str,
        penalty: float = 0.0,
        normalizer: Normalizer | None = None,
    ) -> None:
        self.url = url
        self.listener = self._open_listener(url)
        try:
            with SharedMemory(url) as memory, database_errors(url, doing="cannot read the memory"):
                stored = list(memory.stored_units())
        except BaseException:
            self.listener.close()
            raise
        #: The index number of each unit id, and the units by number (what `MemoryIndex.with_units` reads).
        self._numbers = {s.id: number for number, s in enumerate(stored)}
        self._units: list[TranslationUnit] = [s.unit for s in stored]
        self.index = MemoryIndex.build(
            self._units, source_lang=source_lang, target_lang=target_lang, name=redacted(url), normalizer=normalizer
        )
        self.index.penalty = penalty

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

    def follow(self, *, timeout: float = FOLLOW_WAIT) -> list[StoredUnit]:
        """Wait up to ``timeout`` seconds for units written by others and apply them to `index`; those applied.

        Returns as soon as a batch arrives, so a confirmed unit is in the index a moment after its commit.
        """
        with database_errors(self.url, doing="lost the connection that follows the team's units"):
            changes = self.listener.changes(timeout=timeout)
            first = next(changes, None)
            # The rest of the announcements wait in the connection: gathered now, they come as one batch.
            arrived = [] if first is None else [first, *self.listener.changes(timeout=BURST_WAIT)]
        if arrived:
            self.apply(arrived)
        return arrived

    def apply(self, arrived: Sequence[StoredUnit]) -> None:
        """Put units read from the memory into the index: in place of their old version, or at the end."""
        numbers = []
        for stored in arrived:
            number = self._numbers.get(stored.id)
            if number is None:
                number = self._numbers[stored.id] = len(self._units)
                self._units.append(stored.unit)
            else:
                self._units[number] = stored.unit
            numbers.append(number)
        penalty = self.index.penalty
        self.index = self.index.with_units(numbers, unit_at=self._unit_at)
        self.index.penalty = penalty

    def _unit_at(self, number: int) -> TranslationUnit | None:
        return self._units[number] if 0 <= number < len(self._units) else None
