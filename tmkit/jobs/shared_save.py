"""Saving a working file's confirmed pairs into a shared (PostgreSQL) memory at the versions it read; a pair
another writer changed since becomes a conflict row (ours beside theirs), as a git team sync's conflict does."""

from __future__ import annotations

import copy
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from tmkit.errors import TmkitError
from tmkit.memory.confirmed import into_unit, pair_unit
from tmkit.memory.dates import format_tmx_date
from tmkit.memory.model import Prop, Status, TranslationUnit

if TYPE_CHECKING:
    from tmkit.jobs.workfile import Row, WorkFile
    from tmkit.shared.store import SharedMemory, StoredUnit


#: The prop a working file's unit keeps, per shared memory, of the unit its translation is based on there:
#: ``MEMORY-ID UNIT-ID VERSION DIGEST`` (the memory's uuid, so that no URL is written; unit id and version 0:
#: the memory held none; the digest of the translation and status of that version, `-` for none).
BASE_PROP = "x-tmkit-shared-base"
#: Hex digits of a translation's digest kept in `BASE_PROP` (enough to tell one translation of a pair from another).
DIGEST_HEX = 16


@dataclass(frozen=True, slots=True)
class _Read:
    """A pair's unit as this working file last read or wrote it in the shared memory."""

    #: Its id and version (`tmkit.shared.store.NOT_STORED` both: the memory held no unit for the pair).
    unit_id: int
    version: int
    #: `_digest` of its target text and status then (`-`: no unit, or no target in the document's language).
    digest: str

    @property
    def where(self) -> tuple[int, int]:
        """The unit id and version a write names (`SharedMemory.confirm_all`)."""
        return (self.unit_id, self.version)

    def prop_value(self, memory_id: str) -> str:
        return f"{memory_id} {self.unit_id} {self.version} {self.digest}"

    @classmethod
    def from_props(cls, unit: TranslationUnit, memory_id: str) -> _Read | None:
        """The read a working file's unit kept of memory ``memory_id`` (None: none, or not one tmkit wrote)."""
        for prop in unit.props:
            if prop.type != BASE_PROP:
                continue
            parts = prop.value.split(" ")
            if len(parts) != 4 or parts[0] != memory_id or not (parts[1].isdigit() and parts[2].isdigit()):
                continue
            return cls(int(parts[1]), int(parts[2]), parts[3])
        return None


def _digest(text: str | None, status: Status | None) -> str:
    """What a pair's translation is, in a few characters: changed or not since a version was read or written."""
    if text is None:
        return "-"
    stated = f"{status.value if status is not None else ''}\n{text}"
    return hashlib.sha256(stated.encode("utf-8")).hexdigest()[:DIGEST_HEX]


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
    """What one working file knows of one shared memory it saves into: the unit and version each pair is based on.

    `read` records them when the editor opens; `save` writes each confirmed pair changed since at its
    version, all in one transaction. A write another writer got in before is no overwrite: the pair
    becomes a conflict row in the working file (`WorkFile.keep_conflicts`), and the next save writes
    the version kept on top of the one stored now (theirs kept: nothing to write).

    What was read or written is kept in the working file itself, a `BASE_PROP` on each unit, so that
    it survives a crash: a session that recovers unsaved edits from the journal writes them at the
    version the crashed session read, and a change made in between becomes a conflict row. `read`
    writes the file with them while it holds no unsaved edits, `save` always (see there).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        #: By pair identity (`_identity`): the unit as last read or written.
        self._read: dict[tuple[str, str], _Read] = {}
        #: The memory's uuid (`BASE_PROP`), once read.
        self._memory_id: str | None = None
        #: Held while versions are read or written: a save waits for a read under way (the editor reads in a
        #: worker), so that it never takes a version found later than the read's for one the read would give.
        self._lock = threading.Lock()

    def read(self, document: WorkFile, *, persist: bool = True) -> int:
        """Record the unit each segment's translation is based on: the one its working file kept (`BASE_PROP`),
        else the version the memory holds now; how many segments have a unit there.

        With ``persist`` the working file keeps them (`persist`); a caller on another thread than the one
        that edits the document (the editor's worker) passes False and calls `persist` on that one.
        """
        from tmkit.shared.store import NOT_STORED, SharedMemory
        from tmkit.shared.urls import database_errors

        rows = list(document.rows)  # a snapshot: the editor may go on editing meanwhile
        with self._lock, SharedMemory(self.url) as memory, database_errors(self.url, doing="cannot read the memory"):
            self._read_rows(memory, rows, document)
            reads = [self._read.get(_identity(r)) for r in rows]
        if persist:
            self.persist(document)
        return sum(1 for read in reads if read is not None and read.unit_id != NOT_STORED)

    def _read_rows(self, memory: SharedMemory, rows: list[Row], document: WorkFile) -> None:
        """Record the base of each row not known yet: its `BASE_PROP`, else the memory's unit as it is now."""
        from tmkit.shared.schema import SCHEMA
        from tmkit.shared.store import NOT_STORED

        if self._memory_id is None:
            found = memory.conn.execute(f"SELECT id::text FROM {SCHEMA}.memory").fetchone()
            self._memory_id = str(found[0]) if found else "-"
        unknown: dict[tuple[str, str], Row] = {}
        for r in rows:
            key = _identity(r)
            if key in self._read or key in unknown:
                continue
            kept = _Read.from_props(r.unit, self._memory_id)
            if kept is not None:
                self._read[key] = kept
            else:
                unknown[key] = r
        found_units = memory.find_all([_lookup_unit(r) for r in unknown.values()])
        for key, stored in zip(unknown, found_units, strict=True):
            if stored is None:
                self._read[key] = _Read(NOT_STORED, NOT_STORED, _digest(None, None))
            else:
                self._read[key] = _Read(stored.id, stored.version, _digest(*_target_of(stored, document)))

    def persist(self, document: WorkFile) -> str | None:
        """Put the bases recorded into the working file's units (`BASE_PROP`) and write the file when it holds no
        unsaved edits (nor an earlier session's journal still to recover): why it could not be written, if so.
        With unsaved edits they go into the file with the translator's next save. On the document's thread."""
        if not self._mark(document):
            return None
        if document.dirty or document.journal_file.exists():
            document.keep_unsaved()  # the marks wait for that save: edits undone since must not make quitting drop them
            return None
        return _save_document(document)

    def _mark(self, document: WorkFile) -> bool:
        """Set each unit's `BASE_PROP` to the base recorded (both versions of a conflict row); whether any changed."""
        if self._memory_id is None:
            return False
        changed = False
        for r in document.rows:
            known = self._read.get(_identity(r))
            if known is None:
                continue
            units = [r.unit]
            if r.conflict is not None:
                units += [u for u in (r.conflict.ours, r.conflict.theirs) if u is not None and u is not r.unit]
            for unit in units:
                changed |= _set_base(unit, self._memory_id, known)
        return changed

    def save(self, document: WorkFile) -> SharedSaveReport:
        """Write the confirmed pairs changed since they were read, each at the version read, in one transaction;
        keep those another writer changed meanwhile as conflict rows.

        The working file is then written (`WorkFile.save`) whenever this recorded anything in it (a
        conflict row, a version written): a crash or a quit afterwards loses neither version of a
        conflict, and the next session writes at the versions this one wrote. Unsaved edits of the
        document go into it too, as the pairs stored are the document's; not when an earlier
        session's journal is still to be recovered or discarded (`report.not_saved` says so).
        """
        from tmkit.shared.store import SharedMemory, StaleUnitError
        from tmkit.shared.urls import database_errors

        report = SharedSaveReport()
        stale: list[tuple[Row, StoredUnit]] = []
        # A journal beside a document without unsaved edits is an earlier session's, still to be answered.
        pending_journal = not document.dirty and document.journal_file.exists()
        with (
            self._lock,  # a read under way (the editor's worker) ends first
            SharedMemory(self.url) as memory,
            database_errors(self.url, doing="cannot store the confirmed pairs"),
        ):
            rows = [r for r in document.rows if not r.removed]
            self._read_rows(memory, rows, document)  # rows no read reached yet: their versions now
            todo = [r for r in rows if r.confirmed and r.target is not None]
            while todo:
                batch, later, seen = [], [], set()
                for r in todo:
                    if self._read[_identity(r)].digest == _digest(r.target_text, r.unit.status):
                        report.unchanged += 1
                    elif r.source.text in seen:
                        later.append(r)  # the same source as a pair of this batch: written after it, knowing it
                    else:
                        seen.add(r.source.text)
                        batch.append(r)
                results = memory.confirm_all([(_pair_unit(r), self._read[_identity(r)].where) for r in batch])
                for r, result in zip(batch, results, strict=True):
                    key = _identity(r)
                    if isinstance(result, StaleUnitError):
                        theirs = result.stored
                        if theirs is None:
                            self._read.pop(key, None)  # deleted meanwhile: the next save adds it again
                        elif not self._same_translation(memory, key, _pair_unit(r), theirs, document):
                            stale.append((r, theirs))
                        elif self._read[key].version == theirs.version:
                            report.unchanged += 1  # theirs holds ours already, at our status or beyond
                        else:
                            report.written += 1
                        continue
                    self._read[key] = _Read(result.id, result.version, _digest(r.target_text, r.unit.status))
                    report.written += 1
                todo = later
        if stale:
            document.keep_conflicts([(r.unit, _their_version(r, theirs, document)) for r, theirs in stale])
            conflicts = {id(r.unit) for r, _ in stale}
            report.conflicts = [i for i, r in enumerate(document.rows) if r.in_conflict and id(r.unit) in conflicts]
        if self._mark(document) or stale:
            if pending_journal:
                report.not_saved = "the unsaved edits of an earlier session are still to be recovered or discarded"
            else:
                report.not_saved = _save_document(document)
        return report

    def _same_translation(
        self, memory: SharedMemory, key: tuple[str, str], unit: TranslationUnit, theirs: StoredUnit, document: WorkFile
    ) -> bool:
        """Whether a stale write is no conflict: the other writer stored our translation too. Then ours is written
        over theirs when its status is higher (reviewed over translated), else theirs stands as it is. The version
        either way is recorded as read; a conflict's too, so that the version kept is written on top of it."""
        from tmkit.shared.store import StaleUnitError

        their_text, their_status = _target_of(theirs, document)
        self._read[key] = _Read(theirs.id, theirs.version, _digest(their_text, their_status))
        ours = unit.variant(document.target_lang, region_fallback=True)
        if ours is None or their_text != ours.text or their_status is None:
            return False
        if their_status.rank < unit.status.rank:
            try:
                written = memory.update(theirs.id, into_unit(theirs.unit, unit), expected_version=theirs.version)
            except StaleUnitError:
                self._read.pop(key, None)  # changed yet again: the next save reads it anew
                return False
            self._read[key] = _Read(written.id, written.version, _digest(ours.text, unit.status))
        return True


def _save_document(document: WorkFile) -> str | None:
    """Write the working file; why not, in a few words, when it cannot be."""
    try:
        document.save()
    except (OSError, TmkitError) as error:
        return str(error)
    return None


def _set_base(unit: TranslationUnit, memory_id: str, read: _Read) -> bool:
    """Put ``read`` in ``unit``'s `BASE_PROP` for memory ``memory_id`` (in place of its old one); whether it changed."""
    value = read.prop_value(memory_id)
    for i, prop in enumerate(unit.props):
        if prop.type == BASE_PROP and prop.value.split(" ", 1)[0] == memory_id:
            if prop.value == value:
                return False
            unit.props[i] = Prop(BASE_PROP, value)
            return True
    unit.props.append(Prop(BASE_PROP, value))
    return True


def _identity(r: Row) -> tuple[str, str]:
    """Which pair a row is across saves and reloads: its tuid and its source text (as `SharedMemory.find` looks)."""
    return (r.unit.tuid or "", r.source.text)


def _lookup_unit(r: Row) -> TranslationUnit:
    """What `SharedMemory.find_all` looks a row's pair up by: its source and tuid."""
    return TranslationUnit(variants=[copy.deepcopy(r.source)], tuid=r.unit.tuid, srclang=r.source.lang)


def _pair_unit(r: Row) -> TranslationUnit:
    """The unit a confirmed row stores in a memory when it holds none for it (`tmkit.memory.confirmed`: the rule a
    memory file's save follows too; a unit the memory holds gets the translation written into it instead)."""
    return pair_unit(r.source, r.target, r.unit)


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
