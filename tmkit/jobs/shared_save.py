"""Saving a working file's confirmed pairs into a shared (PostgreSQL) memory at the versions it read; a pair
another writer changed since becomes a conflict row (ours beside theirs), as a git team sync's conflict does."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from tmkit.errors import TmkitError
from tmkit.memory.dates import format_tmx_date
from tmkit.memory.model import Status, TranslationUnit

if TYPE_CHECKING:
    from tmkit.jobs.workfile import Row, WorkFile
    from tmkit.shared.store import SharedMemory, StoredUnit


@dataclass(frozen=True, slots=True)
class _Read:
    """A pair's unit as this editor last read or wrote it in the shared memory."""

    #: Its version (`tmkit.shared.store.NOT_STORED`: the memory held no unit for the pair).
    version: int
    #: Its target text and status then (None: no unit, or no target in the document's language).
    text: str | None
    status: Status | None


@dataclass(slots=True)
class SharedSaveReport:
    """What one save into a shared memory did."""

    #: Pairs written (added, or a new version of their unit).
    written: int = 0
    #: Confirmed pairs the memory already held as they are (nothing to write).
    unchanged: int = 0
    #: Rows another writer had given a different translation since this editor read it: now conflict rows, ours
    #: and theirs, nothing written for them.
    conflicts: list[int] = field(default_factory=list)
    #: Why the working file could not be saved again with those conflict rows (None: saved, or nothing to save).
    not_saved: str | None = None

    def describe(self, name: str) -> str:
        """One line for the editor: `3 confirmed pair(s) in NAME; 1 changed by someone else since: a conflict …`."""
        line = f"{self.written} confirmed pair(s) in {name}"
        if self.conflicts:
            rows = ", ".join(str(row + 1) for row in self.conflicts)
            line += (
                f"; segment(s) {rows} changed in {name} by someone else since you read them: kept as conflicts, "
                "both versions, to settle"
            )
        if self.not_saved is not None:
            line += f" (the working file is not saved with them: {self.not_saved})"
        return line


class SharedSave:
    """What one working file knows of one shared memory it saves into: the version of each pair's unit it read.

    `read` records them when the editor opens (else a pair's first save reads its version then);
    `save` writes each confirmed pair changed since at that version. A write another writer got in
    before is no overwrite: the pair becomes a conflict row in the working file (`WorkFile.keep_conflicts`),
    and the next save writes the version kept on top of the one stored now (theirs kept: nothing to write).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        #: By pair identity (`_identity`): the unit as last read or written.
        self._read: dict[tuple[str, str], _Read] = {}

    def read(self, document: WorkFile) -> int:
        """Record the version the memory holds now of every segment's unit (not those this editor wrote since);
        how many segments have a unit there."""
        from tmkit.shared.store import NOT_STORED, SharedMemory
        from tmkit.shared.urls import database_errors

        rows = list(document.rows)  # a snapshot: the editor may go on editing meanwhile
        found: dict[tuple[str, str], _Read] = {}
        with SharedMemory(self.url) as memory, database_errors(self.url, doing="cannot read the memory"):
            for r in rows:
                stored = memory.find(_pair_unit(r))
                text, status = _target_of(stored, document) if stored is not None else (None, None)
                found[_identity(r)] = _Read(stored.version if stored is not None else NOT_STORED, text, status)
        for key, read in found.items():
            self._read.setdefault(key, read)  # a save since then knows better
        return sum(1 for read in found.values() if read.version != NOT_STORED)

    def save(self, document: WorkFile) -> SharedSaveReport:
        """Write the confirmed pairs changed since they were read, each at the version read; keep those another
        writer changed meanwhile as conflict rows, and save the working file with them when it was saved."""
        from tmkit.shared.store import SharedMemory, StaleUnitError
        from tmkit.shared.urls import database_errors

        report = SharedSaveReport()
        stale: list[tuple[Row, StoredUnit]] = []
        with SharedMemory(self.url) as memory, database_errors(self.url, doing="cannot store the confirmed pairs"):
            for r in document.rows:
                if not r.confirmed or r.target is None or r.removed:
                    continue
                key = _identity(r)
                text, status = r.target.text, r.unit.status
                known = self._read.get(key)
                if known is not None and (known.text, known.status) == (text, status):
                    report.unchanged += 1
                    continue
                unit = _pair_unit(r)
                try:
                    stored = memory.confirm(unit, expected_version=known.version if known is not None else None)
                except StaleUnitError as error:
                    theirs = error.stored
                    assert theirs is not None  # a unit deleted since is added again, not stale
                    if not self._same_translation(memory, key, unit, theirs, document):
                        stale.append((r, theirs))
                    elif self._read[key].version == theirs.version:
                        report.unchanged += 1  # theirs holds ours already, at our status or beyond
                    else:
                        report.written += 1
                    continue
                self._read[key] = _Read(stored.version, text, status)
                report.written += 1
        if stale:
            was_saved = not document.dirty
            document.keep_conflicts([(r.unit, _their_version(r, theirs, document)) for r, theirs in stale])
            conflicts = {id(r.unit) for r, _ in stale}
            report.conflicts = [i for i, r in enumerate(document.rows) if r.in_conflict and id(r.unit) in conflicts]
            if was_saved:
                # On disk as a team sync's conflicts are: a crash or a quit now loses neither version.
                try:
                    document.save()
                except (OSError, TmkitError) as error:
                    report.not_saved = str(error)
        return report

    def _same_translation(
        self, memory: SharedMemory, key: tuple[str, str], unit: TranslationUnit, theirs: StoredUnit, document: WorkFile
    ) -> bool:
        """Whether a stale write is no conflict: the other writer stored our translation too. Then ours is written
        over theirs when its status is higher (reviewed over translated), else theirs stands as it is. The version
        either way is recorded as read; a conflict's too, so that the version kept is written on top of it."""
        from tmkit.shared.store import StaleUnitError

        their_text, their_status = _target_of(theirs, document)
        self._read[key] = _Read(theirs.version, their_text, their_status)
        ours = unit.variant(document.target_lang, region_fallback=True)
        if ours is None or their_text != ours.text or their_status is None:
            return False
        if their_status.rank < unit.status.rank:
            try:
                written = memory.update(theirs.id, unit, expected_version=theirs.version)
            except StaleUnitError:
                self._read.pop(key, None)  # changed yet again: the next save reads it anew
                return False
            self._read[key] = _Read(written.version, ours.text, unit.status)
        return True


def _identity(r: Row) -> tuple[str, str]:
    """Which pair a row is across saves and reloads: its tuid and its source text (as `SharedMemory.find` looks)."""
    return (r.unit.tuid or "", r.source.text)


def _pair_unit(r: Row) -> TranslationUnit:
    """The unit a confirmed row stores in a memory: its source and target, tuid, status and stamps."""
    from tmkit.memory.dates import now_tmx_date

    variants = [copy.deepcopy(r.source)]
    if r.target is not None:
        variants.append(copy.deepcopy(r.target))
    return TranslationUnit(
        variants=variants,
        tuid=r.unit.tuid,
        status=r.unit.status,
        srclang=r.source.lang,
        creation_date=r.unit.creation_date or now_tmx_date(),
        creation_id=r.unit.creation_id,
        change_date=r.unit.change_date,
        change_id=r.unit.change_id,
    )


def _target_of(stored: StoredUnit, document: WorkFile) -> tuple[str | None, Status | None]:
    """A stored unit's target text in the document's pair, and its status."""
    _, targets = stored.unit.pair(document.source_lang, document.target_lang)
    return (targets[0].text if targets else None), stored.unit.status


def _their_version(r: Row, theirs: StoredUnit, document: WorkFile) -> TranslationUnit:
    """The row's unit as the other writer left it: their target, status and stamps in our working unit (its
    props and place in the document stay, so that a document is finished from it as from ours)."""
    unit = copy.deepcopy(r.unit)
    _, targets = theirs.unit.pair(document.source_lang, document.target_lang)
    their_target = copy.deepcopy(targets[0]) if targets else None
    _, our_targets = unit.pair(document.source_lang, document.target_lang)
    if our_targets:
        unit.variants = [v for v in unit.variants if v is not our_targets[0]]  # that one, not an equal one
    if their_target is not None:
        unit.variants.append(their_target)
    unit.status = theirs.unit.status
    unit.status_label = theirs.unit.status_label
    unit.rejected = theirs.unit.rejected
    # Who and when as the other editor stamped them; else as the database recorded the write.
    unit.change_id = theirs.unit.change_id or (their_target.change_id if their_target else None) or theirs.changed_by
    unit.change_date = (
        theirs.unit.change_date or (their_target.change_date if their_target else None) or _tmx_date(theirs.changed_at)
    )
    return unit


def _tmx_date(timestamp: str) -> str | None:
    """A PostgreSQL timestamptz as text (`2026-11-28 22:40:01.12+00`) as a TMX date, None when it is not one."""
    try:
        return format_tmx_date(datetime.fromisoformat(timestamp))
    except ValueError:
        return None
