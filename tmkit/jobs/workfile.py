"""The translator's working document, UI-free: segments, statuses, undo, a crash journal and safe saving.

The editor (`tmkit.tui`) drives this class; everything that must never lose work lives here so
that it is tested without a screen: every change is appended to a journal beside the file and
fsynced before it counts, saving is atomic and refuses to overwrite a file that changed on disk
since it was opened (reload or a three-way merge are offered instead).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING

from tmkit.atomic import atomic_write
from tmkit.defaults import ConflictPolicy
from tmkit.errors import InputError, TmkitError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.config import QaOnConfirm
from tmkit.jobs.confirm_checks import (
    SegmentFinding,
    blocking,
    check_consistency,
    check_segment,
    review_consistency,
)
from tmkit.jobs.journal import (
    ConflictState,
    JournalRecord,
    PendingJournal,
    RecoveryReport,
    SegmentState,
    Stamps,
    UnitIdentity,
    aside_path,
    header_line,
    journal_path,
    parse_journal,
)
from tmkit.memory.confirmed import UnitsBySource, into_unit, pair_unit, stored_unit_of
from tmkit.memory.dates import now_tmx_date as now_tmx
from tmkit.memory.langtags import lang_key
from tmkit.memory.merge import (
    CONFLICT_PROP,
    conflict_side,
    drop_conflicts_settled_by,
    give_free_tuids,
    merge_memories,
    merge_three_way,
    put_in_their_order,
)
from tmkit.memory.model import (
    DOCUMENT_PROP,
    PROVENANCE_PROPS,
    Header,
    Memory,
    Prop,
    Segment,
    Status,
    TranslationUnit,
    Variant,
    pretranslated_match,
    provenance_holds,
    rejection_reason,
    set_rejection_reason,
    without_provenance,
)
from tmkit.quality.qa import consistency_keys
from tmkit.text.normalize import Normalizer
from tmkit.text.placeholders import CodePool, PlaceholderError, to_placeholders
from tmkit.text.wordcount import count_words

if TYPE_CHECKING:
    from tmkit.jobs.shared_save import SharedSave
    from tmkit.jobs.source_text import Segmentation
    from tmkit.terms.model import Termbase

#: The statuses a segment is "confirmed" at: what Ctrl+U and confirm-and-next skip.
CONFIRMED = frozenset({Status.TRANSLATED, Status.REVIEWED, Status.FINAL})


class ChangedOnDiskError(TmkitError):
    """The file was changed by someone else since it was opened: saving would overwrite their work."""


class ConfirmBlocked(TmkitError):
    """Confirming found an error-level QA problem: the segment stays as it was until it is confirmed again."""

    def __init__(self, row: int, findings: Sequence[SegmentFinding]) -> None:
        self.row = row
        self.findings = list(findings)
        first = self.findings[0]
        more = f" (+{len(self.findings) - 1} more)" if len(self.findings) > 1 else ""
        super().__init__(
            f"segment {row + 1} not confirmed: [{first.check}] {first.message}{more}; confirm again to confirm anyway"
        )


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: How a reviewer's reason for rejecting a segment is shown among its notes: rejected still, or confirmed since (for the
#: reviewer's next pass, until approved).
REJECTION_NOTE = "rejected: {reason}"
FIXED_REJECTION_NOTE = "was rejected: {reason}"


@dataclass(frozen=True, slots=True)
class Change:
    """One edit of one segment: its target text, status, rejected flag (and why) and (for a merge conflict) the
    version kept, before and after, with who changed it and when before and after."""

    row: int
    old_text: str
    new_text: str
    old_status: Status
    new_status: Status
    old_rejected: bool
    new_rejected: bool
    old_conflict: ConflictState | None = None
    new_conflict: ConflictState | None = None
    old_stamps: Stamps | None = None
    new_stamps: Stamps | None = None
    old_reason: str = ""
    new_reason: str = ""

    @property
    def before(self) -> SegmentState:
        return SegmentState(self.old_text, self.old_status, self.old_rejected, self.old_conflict, self.old_reason)

    @property
    def after(self) -> SegmentState:
        return SegmentState(self.new_text, self.new_status, self.new_rejected, self.new_conflict, self.new_reason)


@dataclass(slots=True)
class RowConflict:
    """A segment left by a merge as two units with the same identity, marked `x-tmkit-conflict` (ours, theirs):
    one row holding both versions. A version is None when that side deleted the unit."""

    ours: TranslationUnit | None
    theirs: TranslationUnit | None
    #: The language of the targets (what `Row.conflict_text` shows of each version).
    target_lang: str
    state: ConflictState = ConflictState.OPEN
    #: Each version's props as the merge marked them: put back when the choice is undone.
    marked_props: dict[ConflictState, list[Prop]] = field(default_factory=dict)

    def version(self, side: ConflictState) -> TranslationUnit | None:
        """The unit of one side (OPEN: the version the row shows while both are kept, ours when there is one)."""
        if side is ConflictState.OURS:
            return self.ours
        if side is ConflictState.THEIRS:
            return self.theirs
        return self.ours if self.ours is not None else self.theirs

    @property
    def is_open(self) -> bool:
        return self.state is ConflictState.OPEN

    @property
    def deleted(self) -> bool:
        """The side chosen deleted the unit: the segment is gone from the file."""
        return not self.is_open and self.version(self.state) is None


@dataclass(slots=True)
class Row:
    """A segment of the document: its unit and the source and target variants shown."""

    unit: TranslationUnit
    source: Variant
    target: Variant | None
    #: The target text when the file was opened or last saved (for the edit effort).
    inserted: str | None = None
    #: The target as opened: its codes stay available to the edited text's placeholders.
    original: Segment | None = None
    #: The target came from the source or a match: its placeholders take the source's codes first.
    codes_from_source: bool = False
    #: Both versions of a merge conflict (None: the segment is no conflict).
    conflict: RowConflict | None = None
    #: The unit's props as opened, when they say where its pre-translated target came from (`PROVENANCE_PROPS`),
    #: and that target: they hold while the target is that one (`WorkFile._keep_provenance`).
    props_at_open: tuple[Prop, ...] = ()
    provenance_of: Segment | None = None
    _keys: tuple[str, str] | None = field(default=None, repr=False)
    _words: int | None = field(default=None, repr=False)

    @property
    def source_words(self) -> int:
        """Words of the source (counted once: the source is not edited)."""
        if self._words is None:
            self._words = count_words(self.source_text)
        return self._words

    @property
    def pretranslated_match(self) -> float | None:
        """The match % its target was pre-translated from (`MATCH_PROP`), while the target is still that draft (the
        prop goes when the target changes): what the list shows before the segment's matches are looked up."""
        return pretranslated_match(self.unit)

    @property
    def notes(self) -> list[str]:
        """The segment's notes (a client's instruction in an XLIFF, a PO comment, a TMX note): why a reviewer rejected
        it (`REJECTION_NOTE`), the unit's, then its source's, those with text."""
        reason = rejection_reason(self.unit)
        note = REJECTION_NOTE if self.unit.rejected else FIXED_REJECTION_NOTE
        given = [note.format(reason=reason)] if reason else []
        return given + [note.text for note in (*self.unit.notes, *self.source.notes) if note.text.strip()]

    @property
    def source_text(self) -> str:
        return self.source.text

    @property
    def target_text(self) -> str:
        return self.target.text if self.target is not None else ""

    @property
    def edit_text(self) -> str:
        """The target as the translator edits it: codes as placeholders (`{1}`…`{/1}`, `{2/}`)."""
        return to_placeholders(self.target.segment) if self.target is not None else ""

    @property
    def source_edit_text(self) -> str:
        return to_placeholders(self.source.segment)

    @property
    def in_conflict(self) -> bool:
        """Whether the segment is a merge conflict still to be settled (both versions kept)."""
        return self.conflict is not None and self.conflict.is_open

    @property
    def removed(self) -> bool:
        """Whether the segment left the file: a conflict settled on the side that deleted it."""
        return self.conflict is not None and self.conflict.deleted

    def conflict_text(self, side: ConflictState) -> str | None:
        """The target of one version of a conflict, as edited (placeholders for codes); None when that side deleted
        the unit (or the segment is no conflict)."""
        if self.conflict is None:
            return None
        unit = self.conflict.version(side)
        if unit is None:
            return None
        target = unit.variant(self.conflict.target_lang, region_fallback=True)
        return to_placeholders(target.segment) if target is not None else ""

    def code_pool(self) -> CodePool:
        """The codes the edited target may use: the original target's, then the source's (or the reverse)."""
        own = [self.target.segment if self.target is not None else None, self.original]
        return CodePool([self.source.segment, *own] if self.codes_from_source else [*own, self.source.segment])

    def segment_for(self, text: str) -> Segment:
        """The target segment for an edited text; raises `PlaceholderError` rather than drop a code."""
        if "{" not in text:
            return Segment.from_text(text)
        return self.code_pool().segment(text)

    @property
    def status(self) -> Status:
        """NEW when there is no target text, whatever the unit says."""
        return Status.NEW if not self.target_text.strip() else self.unit.status

    @property
    def confirmed(self) -> bool:
        # A conflict still to settle needs the translator, whatever the status of the version shown.
        return self.status in CONFIRMED and not self.unit.rejected and not self.in_conflict


class RowFilter(StrEnum):
    """Which segments the list shows: all, those at one status, or those a reviewer rejected."""

    ALL = "all"
    NEW = Status.NEW.value
    DRAFT = Status.DRAFT.value
    TRANSLATED = Status.TRANSLATED.value
    REVIEWED = Status.REVIEWED.value
    FINAL = Status.FINAL.value
    REJECTED = "rejected"
    CONFLICT = "conflict"

    def keeps(self, row: Row) -> bool:
        """Whether a row passes this filter (a segment settled out of the file passes none)."""
        if row.removed:
            return False
        if self is RowFilter.ALL:
            return True
        if self is RowFilter.REJECTED:
            return row.unit.rejected
        if self is RowFilter.CONFLICT:
            return row.in_conflict
        return row.status.value == self.value


class WorkFile:
    """A working TMX open for translation from ``source_lang`` into ``target_lang``: what the editor edits."""

    #: The termbase QA's term checks use on confirm (the editor's `--terms`, set once loaded); None: no term checks.
    #: A class default, not set in `__init__`, so that `reload` keeps it.
    terms: Termbase | None = None
    #: What the document knows of the shared (postgresql://) memories it saves into, by URL (`shared_save`).
    #: Not set in `__init__`, so that `reload` keeps the versions read.
    _shared_saves: dict[str, SharedSave] | None = None

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        source_lang: str = "ar",
        target_lang: str = "en",
        user: str | None = None,
        qa_on_confirm: QaOnConfirm = QaOnConfirm.OFF,
    ) -> None:
        self.path = Path(path)
        self.source_lang = source_lang
        self.target_lang = target_lang
        #: The translator's id, written as `changeid` (and `creationid` on new targets) with every edit.
        self.user = user
        #: What confirming does with the QA checks' findings (see `confirm`); off for a pipeline unless asked, the
        #: editor passes the config file's `qa_on_confirm` (default: error).
        self.qa_on_confirm = qa_on_confirm
        #: What the QA checks found in the last segment confirmed or approved (warnings, for the status bar).
        self.qa_findings: list[SegmentFinding] = []
        #: The row and text a QA error stopped: confirming them again confirms.
        self._qa_stopped: tuple[int, str] | None = None
        self._base_bytes = self.path.read_bytes()
        self.memory = load_tmx(self.path)
        self.rows = self._rows(self.memory)
        if not self.rows:
            raise InputError(_nothing_to_translate(self.memory, source_lang), path=self.path)
        self.undo_stack: list[Change] = []
        self.redo_stack: list[Change] = []
        #: Each row changed since the document was opened or saved, as it was then (its state and stamps): a row
        #: edited back to that state (undone, or retyped) is as saved, and keeps its stamps.
        self._as_saved: dict[int, tuple[SegmentState, Stamps]] = {}
        #: The rows that differ from it now, and whether anything else does (a merge, a conflict kept twice).
        self._unsaved_rows: set[int] = set()
        self._unsaved_other = False
        self._journal: IO[bytes] | None = None
        #: This session's journal records since the journal began (or the last save), in order: what a
        #: rewrite of the journal writes after its header (or after the journal found and appended to).
        self._session_records: list[JournalRecord] = []
        #: How many of the last session records are not yet safely on disk (the disk was full, say).
        self._unwritten = 0
        #: The lines of a journal this session found at its first write and appended to (None: it began one).
        self._journal_prefix: bytes | None = None
        self._journal_started = False
        #: The journal on disk must be written again as a whole (a write failed, or recovery superseded it).
        self._journal_rewrite = False
        #: Recovery applies its edits first and writes the new journal once.
        self._journal_held = False
        #: Why the last journal write failed (None when every edit is on disk).
        self.journal_error: str | None = None
        self._identity_rows: list[Row] | None = None
        self._identities: list[UnitIdentity] = []
        self._rows_by_identity: dict[tuple[str, str], list[int]] = {}
        #: A row's target when its consistency keys were computed, and those keys (`_confirmed_keys`).
        self._consistency_keys: dict[int, tuple[str, tuple[str, str] | None]] = {}
        self._search_norms = (
            Normalizer(source_lang, fold_hamza=True, fold_yeh=True),
            Normalizer(target_lang, fold_hamza=True, fold_yeh=True),
        )

    def _rows(self, memory: Memory) -> list[Row]:
        rows = []
        units = memory.units
        index = 0
        while index < len(units):
            unit = units[index]
            index += 1
            side = conflict_side(unit)
            conflict = None
            if side is not None:
                # A merge writes the two versions of a conflict one after the other, ours first.
                partner = units[index] if index < len(units) else None
                if side == "ours" and partner is not None and self._same_unit(unit, partner):
                    conflict = RowConflict(unit, partner, self.target_lang)
                    index += 1
                elif side == "theirs":
                    conflict = RowConflict(None, unit, self.target_lang)  # ours deleted it
                else:
                    conflict = RowConflict(unit, None, self.target_lang)  # theirs deleted it
                conflict.marked_props = {
                    s: list(u.props)
                    for s in (ConflictState.OURS, ConflictState.THEIRS)
                    if (u := conflict.version(s)) is not None
                }
            source, target = self._sides(unit)
            if source is None:
                continue  # a unit without the source language is not ours to translate
            original = target.segment if target is not None else None
            inserted = target.text if target is not None else None
            row = Row(unit, source, target, inserted, original, conflict=conflict)
            if conflict is None and any(p.type in PROVENANCE_PROPS for p in unit.props):
                row.props_at_open, row.provenance_of = tuple(unit.props), original
            rows.append(row)
        return rows

    def _same_unit(self, ours: TranslationUnit, theirs: TranslationUnit) -> bool:
        """Whether a unit marked theirs is the other version of the unit marked ours before it."""
        if conflict_side(theirs) != "theirs":
            return False
        if ours.tuid or theirs.tuid:
            return ours.tuid == theirs.tuid
        a = ours.variant(self.source_lang, region_fallback=True)
        b = theirs.variant(self.source_lang, region_fallback=True)
        return a is not None and b is not None and a.text == b.text

    def __len__(self) -> int:
        return len(self.rows)

    # -- editing ---------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """Whether the document differs from the file as opened or last saved: edits undone or typed back to the
        text saved leave it as it was (the translator was asked to save an unchanged file)."""
        return bool(self._unsaved_rows) or self._unsaved_other

    @dirty.setter
    def dirty(self, value: bool) -> None:
        # Either way what is known of each row goes: saved, or the rows were made anew (a merge with the disk).
        self._as_saved.clear()
        self._unsaved_rows.clear()
        self._unsaved_other = value

    def keep_unsaved(self) -> None:
        """Something the rows do not show was changed (marks the shared memory put in the units' props): the document
        is unsaved until the next save, whatever is undone."""
        self._unsaved_other = True

    def _note_saved_state(self, row: int, before: SegmentState, stamps: Stamps) -> None:
        """Keep how ``row`` was when saved (its state before its first change since)."""
        self._as_saved.setdefault(row, (before, stamps))

    def _stamps(self, row: int) -> Stamps:
        r = self.rows[row]
        return _stamps_of(r.unit, r.target)

    def _compare_with_saved(self, row: int) -> None:
        """Count ``row`` unsaved unless it is as saved again, and drop the journal once nothing is (its records now
        add up to nothing: a recovery would offer back edits that change nothing), unless it holds an earlier
        session's edits too, not yet recovered or discarded (those stay until the translator answers)."""
        if self._as_saved.get(row) == (self.state(row), self._stamps(row)):
            self._unsaved_rows.discard(row)
            if not self.dirty and self._journal_prefix is None:
                self.discard_journal()
        else:
            self._unsaved_rows.add(row)

    def state(self, row: int) -> SegmentState:
        """The segment as it stands: target (placeholders for codes), status, rejected flag, conflict state, why it
        was rejected."""
        r = self.rows[row]
        return SegmentState(
            r.edit_text,
            r.unit.status,
            r.unit.rejected,
            r.conflict.state if r.conflict is not None else None,
            rejection_reason(r.unit),
        )

    def apply(
        self,
        row: int,
        *,
        text: str | None = None,
        status: Status | None = None,
        rejected: bool | None = None,
        reason: str | None = None,
        conflict: ConflictState | None = None,
        stamps: Stamps | None = None,
        journal_now: bool = True,
    ) -> Change | None:
        """Change a segment's target text, status or rejected flag (``reason``: why it is rejected), or settle its merge
        conflict; journalled and undoable (``journal_now=False``: its record waits for the next flush, as
        `set_target` says). A reason stays until a reviewer approves the segment (`REJECTION_REASON_PROP`).

        ``text`` is the edited text with placeholders for the codes (`Row.edit_text`); placeholders
        that do not map back to codes raise `PlaceholderError` and change nothing. ``conflict``
        keeps one version of a merge conflict as it is (`ConflictState.OPEN` keeps both again);
        any other edit of a conflict still open settles it on the version shown, edited. The unit
        and its target are stamped with `user` and the time (``stamps``: as a journal recorded them).
        """
        r = self.rows[row]
        before = self.state(row)
        old_stamps = _stamps_of(r.unit, r.target)
        settle_to = before.conflict
        if r.conflict is not None:
            if conflict is not None:
                settle_to = conflict
            elif r.conflict.is_open and (text, status, rejected, reason) != (None, None, None, None):
                settle_to = ConflictState.OURS if r.conflict.ours is not None else ConflictState.THEIRS
        # The segment once settled, before this edit's own changes: a pick keeps that version as it is.
        kept = r.conflict.version(settle_to) if r.conflict is not None and settle_to is not None else r.unit
        base_unit = kept if kept is not None else r.unit
        base_target = base_unit.variant(self.target_lang, region_fallback=True) if kept is not r.unit else r.target
        base_text = to_placeholders(base_target.segment) if base_target is not None else ""
        new_text = base_text if text is None else text
        new_status = base_unit.status if status is None else status
        new_rejected = base_unit.rejected if rejected is None else rejected
        # The reason stays with a rejection, and once the translator confirms the segment, for the reviewer's next pass
        # (it was lost at F2: the reviewer could not check what had been asked); a reviewer's approval settles it.
        kept_reason = rejection_reason(base_unit) if reason is None else " ".join(reason.split())
        settled = not new_rejected and new_status.rank >= Status.REVIEWED.rank
        new_reason = "" if settled else kept_reason
        after = SegmentState(new_text, new_status, new_rejected, settle_to, new_reason)
        if after == before:
            return None
        if new_text != base_text:
            (r if base_unit is r.unit else self._row_for(base_unit, r)).segment_for(new_text)  # raises first
        edited = after.edited != (base_text, base_unit.status, base_unit.rejected, rejection_reason(base_unit))
        saved = self._as_saved.get(row)
        if stamps is None and saved is not None and saved[0] == after:
            stamps = saved[1]  # back to the segment as saved: who and when as saved too (nothing was changed)
        if stamps is None:
            stamps = self._new_stamps(base_target) if edited else _stamps_of(base_unit, base_target)
        change = Change(
            row,
            before.text,
            new_text,
            before.status,
            new_status,
            before.rejected,
            new_rejected,
            before.conflict,
            settle_to,
            old_stamps,
            stamps,
            before.reason,
            new_reason,
        )
        # Journalled first; a journal that cannot be written (a full disk) does not stop the edit, which
        # stays in memory until a save (`journal_error` says so).
        self._journal_write(self._record(row, change.after, change.before, stamps), now=journal_now)
        self._note_saved_state(row, before, old_stamps)
        self._set(change.row, change.after, stamps)
        self.undo_stack.append(change)
        self.redo_stack.clear()
        self._compare_with_saved(row)
        return change

    def _sides(self, unit: TranslationUnit) -> tuple[Variant | None, Variant | None]:
        """The unit's source variant and its best target variant, never one variant for both (with
        `en-US` → `en-GB` a unit holding only `en-US` has no target yet: editing it must not overwrite the source)."""
        source, targets = unit.pair(self.source_lang, self.target_lang)
        return source, targets[0] if targets else None

    def _row_for(self, unit: TranslationUnit, like: Row) -> Row:
        """A row for another version of ``like``'s conflict (to map placeholders to that version's codes)."""
        found, target = self._sides(unit)
        source = found or like.source
        return Row(unit, source, target, None, target.segment if target is not None else None)

    def _new_stamps(self, target: Variant | None) -> Stamps:
        """Who and when for an edit made now: `user` and the UTC time; a target made now is created by them too."""
        date = now_tmx()
        if target is not None:
            created_by, created_at = target.creation_id, target.creation_date
        else:
            created_by, created_at = self.user, date
        return Stamps(self.user, date, created_by, created_at, self.user, date)

    def resolve_conflict(self, row: int, side: ConflictState) -> Change | None:
        """Settle a merge conflict on one version as it is (OURS, THEIRS; OPEN keeps both again): the file then
        holds that version once, unmarked, or none when that side deleted the unit. Journalled and undoable."""
        if self.rows[row].conflict is None:
            return None
        return self.apply(row, conflict=side)

    def conflicts(self) -> list[int]:
        """The rows whose merge conflict is still to settle."""
        return [i for i, r in enumerate(self.rows) if r.in_conflict]

    def set_target(self, row: int, text: str, *, journal_now: bool = True) -> Change | None:
        """New target text: the segment becomes a draft until it is confirmed.

        ``journal_now=False`` leaves its journal record for the next edit journalled now or `flush_journal` (the
        editor's commit of each word typed, whose fsync would slow the key: the pause after it writes it)."""
        r = self.rows[row]
        if text == r.edit_text:
            return None
        saved = self._as_saved.get(row)
        if saved is not None and saved[0].text == text and saved[0].conflict is None and r.conflict is None:
            # Typed back to the text saved (deleted what was typed, Ctrl+Z in the target): the segment as saved,
            # status and stamps too, as an undo would leave it.
            return self.apply(
                row,
                text=text,
                status=saved[0].status,
                rejected=saved[0].rejected,
                reason=saved[0].reason,
                journal_now=journal_now,
            )
        # Changed text is unconfirmed again until the translator confirms it (as in Trados and memoQ).
        return self.apply(row, text=text, status=Status.DRAFT, journal_now=journal_now)

    def confirm(self, row: int, text: str | None = None) -> Change | None:
        """The translator confirms the segment: translated (an approved segment stays approved).

        The QA checks of `tmkit qa` run first (`qa_on_confirm`): an error-level finding raises
        `ConfirmBlocked` and changes nothing, unless the same text of the same row is confirmed
        again; warnings are left in `qa_findings`.
        """
        r = self.rows[row]
        current = text if text is not None else r.edit_text
        if not current.strip():
            return None
        self._check_before_confirming(row, current)
        status = r.unit.status if r.unit.status.rank >= Status.TRANSLATED.rank else Status.TRANSLATED
        return self.apply(row, text=current, status=status, rejected=False)

    def approve(self, row: int, text: str | None = None) -> Change | None:
        """The reviewer approves the segment: reviewed (checked as `confirm` checks)."""
        current = text if text is not None else self.rows[row].edit_text
        if not current.strip():
            return None
        self._check_before_confirming(row, current)
        return self.apply(row, text=current, status=Status.REVIEWED, rejected=False)

    def check(self, row: int, text: str | None = None, *, consistency: bool = True) -> list[SegmentFinding]:
        """The QA findings of a row's target (``text``: as edited, placeholders for codes): its own, errors first, then
        its consistency with the other segments confirmed (as `tmkit qa` finds it over the whole file; not with
        ``consistency=False``, for a caller that has them from `consistency_findings`)."""
        r = self.rows[row]
        current = text if text is not None else r.edit_text
        target = r.segment_for(current)  # raises PlaceholderError as an edit would
        own = check_segment(
            r.source_text,
            target.plain,
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            source_segment=r.source.segment,
            target_segment=target,
            terms=self.terms,
        )
        if not consistency:
            return own
        return own + check_consistency(
            r.source_text,
            target.plain,
            self._confirmed_keys(row),
            texts=self._texts,
            source_lang=self.source_lang,
            target_lang=self.target_lang,
        )

    def _texts(self, row: int) -> tuple[str, str]:
        return self.rows[row].source_text, self.rows[row].target_text

    def consistency_findings(self) -> dict[int, list[SegmentFinding]]:
        """The consistency findings of the confirmed segments, by row, as `tmkit qa` finds them over the file (each
        group of one source or one translation at once, its odd ones out named: `review_consistency`): the editor's
        review of a reopened job. (`check` compares one segment with all the others, for F2.)"""
        return review_consistency(list(self._confirmed_keys(-1)), texts=self._texts)

    def _confirmed_keys(self, row: int) -> Iterator[tuple[int, tuple[str, str]]]:
        """The other confirmed rows with the keys the consistency checks compare, each computed once for a target
        (normalizing every row's texts on each F2 would cost a big job's translator a pause)."""
        for number, other in enumerate(self.rows):
            if number == row or not other.confirmed:
                continue
            target = other.target_text
            cached = self._consistency_keys.get(number)
            if cached is None or cached[0] != target:
                cached = (target, consistency_keys(other.source_text, target, self.source_lang, self.target_lang))
                self._consistency_keys[number] = cached
            if cached[1] is not None:
                yield number, cached[1]

    def _check_before_confirming(self, row: int, text: str) -> None:
        stopped, self._qa_stopped = self._qa_stopped, None
        self.qa_findings = []
        if self.qa_on_confirm is QaOnConfirm.OFF:
            return
        findings = self.check(row, text)
        self.qa_findings = findings
        errors = blocking(findings)
        if errors and self.qa_on_confirm is QaOnConfirm.ERROR and stopped != (row, text):
            self._qa_stopped = (row, text)
            raise ConfirmBlocked(row, errors)

    def reject(self, row: int, *, reason: str = "") -> Change | None:
        """The reviewer rejects the translation: flagged, and back to draft for the translator, with ``reason`` as why
        ("": none; a segment rejected again takes the new reason, or none)."""
        return self.apply(row, status=Status.DRAFT, rejected=True, reason=reason)

    def undo(self) -> Change | None:
        """Take the last edit back: the segment as it was, with who and when as they were."""
        if not self.undo_stack:
            return None
        change = self.undo_stack.pop()
        self._journal_write(self._record(change.row, change.before, change.after, change.old_stamps))
        self._note_saved_state(change.row, self.state(change.row), self._stamps(change.row))
        self._set(change.row, change.before, change.old_stamps)
        self.redo_stack.append(change)
        self._compare_with_saved(change.row)
        return change

    def redo(self) -> Change | None:
        if not self.redo_stack:
            return None
        change = self.redo_stack.pop()
        self._journal_write(self._record(change.row, change.after, change.before, change.new_stamps))
        self._note_saved_state(change.row, self.state(change.row), self._stamps(change.row))
        self._set(change.row, change.after, change.new_stamps)
        self.undo_stack.append(change)
        self._compare_with_saved(change.row)
        return change

    def _set(self, row: int, state: SegmentState, stamps: Stamps | None) -> None:
        r = self.rows[row]
        if r.conflict is not None and state.conflict is not None:
            self._settle(r, state.conflict)
        r._keys = None
        if r.removed:
            return
        changed = state.edited != (r.edit_text, r.unit.status, r.unit.rejected, rejection_reason(r.unit))
        if r.target is None and changed:
            r.target = Variant(self.target_lang)
            r.unit.variants.append(r.target)
        if r.target is not None and state.text != r.edit_text:
            # Placeholders become the original codes again (checked by `apply` before journalling).
            r.target.segment = r.segment_for(state.text)
        if changed:
            r.unit.set_status(state.status)  # (a version kept as it is keeps a status label of another tool)
            r.unit.rejected = state.rejected
            set_rejection_reason(r.unit, state.reason)
        self._keep_provenance(r)
        if stamps is None:  # a journal of a tmkit that did not record who and when
            stamps = self._new_stamps(r.target)
        _put_stamps(r.unit, r.target, stamps)

    @staticmethod
    def _keep_provenance(r: Row) -> None:
        """Keep the props saying where a pre-translated target came from while it is that target, and drop them once
        it is another (a match inserted in its place, an edit): a translation confirmed from match 2 was saved as
        match 1's, at match 1's %. A target back to the one opened (undone, retyped) has them back, where they were.
        Worked out from the target alone, so a journal's replay and an undo leave them as the edit did."""
        if not r.props_at_open or r.conflict is not None:
            return
        others = without_provenance(r.unit.props)
        if provenance_holds(r.target.segment if r.target is not None else None, r.provenance_of):
            opened_others = without_provenance(list(r.props_at_open))
            restored = [p for p in r.props_at_open if p.type in PROVENANCE_PROPS]
            r.unit.props = list(r.props_at_open) if others == opened_others else others + restored
        else:
            r.unit.props = others

    def _settle(self, r: Row, side: ConflictState) -> None:
        """Put the units of a conflict in the file as ``side`` says: both marked (OPEN), or one unmarked, or none."""
        conflict = r.conflict
        assert conflict is not None
        if conflict.state is side:
            return
        versions = [u for u in (conflict.ours, conflict.theirs) if u is not None]
        units = self.memory.units
        present = [i for i, unit in enumerate(units) if any(unit is v for v in versions)]
        at = present[0] if present else self._insertion_point(r)
        for i in reversed(present):
            del units[i]
        if side is ConflictState.OPEN:
            for s in (ConflictState.OURS, ConflictState.THEIRS):
                unit = conflict.version(s)
                if unit is not None:
                    unit.props = list(conflict.marked_props.get(s, unit.props))
            units[at:at] = versions
        else:
            kept = conflict.version(side)
            if kept is not None:
                kept.props = [p for p in kept.props if p.type != CONFLICT_PROP]
                units.insert(at, kept)
        conflict.state = side
        shown = conflict.version(side) or conflict.version(ConflictState.OPEN)
        assert shown is not None
        if shown is not r.unit:
            r.unit = shown
            found, r.target = self._sides(shown)
            r.source = found or r.source
            r.original = r.target.segment if r.target is not None else None
            r._words = None

    def _insertion_point(self, r: Row) -> int:
        """Where a segment settled out of the file goes back: after the unit of the nearest row before it in it."""
        units = self.memory.units
        for previous in reversed(self.rows[: self.rows.index(r)]):
            if previous.removed:
                continue
            for i, unit in enumerate(units):
                if unit is previous.unit:
                    return i + 1
        return 0

    # -- navigation and filters ------------------------------------------------------------------

    def next_unconfirmed(self, after: int) -> int | None:
        """The first unconfirmed segment after ``after``, wrapping round; None when all are confirmed."""
        n = len(self.rows)
        for step in range(1, n + 1):
            i = (after + step) % n
            if not self.rows[i].confirmed and not self.rows[i].removed:
                return i
        return None

    def matches_search(self, row: int, query: str) -> bool:
        """Whether ``query`` stands in the source or target, ignoring harakat, hamza forms and case."""
        r = self.rows[row]
        if r._keys is None:
            r._keys = (self._search_norms[0](r.source_text), self._search_norms[1](r.target_text))
        return any(norm(query) in key for norm, key in zip(self._search_norms, r._keys, strict=True))

    def filtered(self, row_filter: RowFilter = RowFilter.ALL, query: str = "") -> list[int]:
        """Rows that pass ``row_filter`` and whose text holds ``query``."""
        out = []
        for i, r in enumerate(self.rows):
            if not row_filter.keeps(r):
                continue
            if query.strip() and not self.matches_search(i, query):
                continue
            out.append(i)
        return out

    def progress(self) -> dict[RowFilter, tuple[int, int]]:
        """Segments and source words per status (and rejected), in workflow order."""
        counts: dict[RowFilter, tuple[int, int]] = {RowFilter(s.value): (0, 0) for s in Status}
        counts[RowFilter.REJECTED] = (0, 0)
        for r in self.rows:
            if r.removed:
                continue
            words = r.source_words
            status = RowFilter(r.status.value)
            for key in (status, RowFilter.REJECTED) if r.unit.rejected else (status,):
                segs, total = counts[key]
                counts[key] = (segs + 1, total + words)
        return counts

    # -- identity of units ---------------------------------------------------------------------------

    def prepare_journal(self) -> None:
        """Work out now how the journal names each unit (`identity`), which its first record would otherwise do."""
        self._index_identities()

    def identity(self, row: int) -> UnitIdentity:
        """Which unit ``row`` is, in a way that survives units added or removed elsewhere in the file."""
        self._index_identities()
        return self._identities[row]

    def _index_identities(self) -> None:
        if self._identity_rows is self.rows:
            return
        identities: list[UnitIdentity] = []
        by_key: dict[tuple[str, str], list[int]] = {}
        for i, r in enumerate(self.rows):
            plain = UnitIdentity(r.unit.tuid or None, r.source_text)
            rows = by_key.setdefault(plain.key, [])
            identities.append(UnitIdentity(plain.tuid, plain.source, len(rows)))
            rows.append(i)
        self._identities, self._rows_by_identity, self._identity_rows = identities, by_key, self.rows

    def _locate(self, record: JournalRecord, *, base_matches: bool) -> int | None:
        """The row a journal record's edit belongs to, or None when its unit is not in the file (any more)."""
        self._index_identities()
        wanted = record.identity
        if base_matches and record.row < len(self.rows):
            # The very file the edit was made on: the row is the unit (checked, when the record can say).
            if wanted is None:
                return record.row
            found = self._identities[record.row]
            if (found.tuid, found.source) == (wanted.tuid, wanted.source):
                return record.row
        if wanted is None:
            return None  # an old journal's record names a row only: in a changed file that row may be anyone's
        rows = self._rows_by_identity.get(wanted.key, [])
        if wanted.nth >= len(rows):
            return None
        row = rows[wanted.nth]
        # The same tuid with another source is not the text that was translated.
        return row if self.rows[row].source_text == wanted.source else None

    # -- the journal -----------------------------------------------------------------------------

    @property
    def journal_file(self) -> Path:
        return journal_path(self.path)

    @property
    def unsafe_edits(self) -> int:
        """Edits only in memory: their journal write failed (the disk is full) and no save has followed."""
        return self._unwritten

    def _record(self, row: int, state: SegmentState, was: SegmentState, stamps: Stamps | None) -> JournalRecord:
        return JournalRecord(row, state, self.identity(row), was, stamps)

    def _journal_write(self, record: JournalRecord, *, now: bool = True) -> None:
        self._session_records.append(record)
        self._unwritten += 1
        if now and not self._journal_held:
            self.flush_journal()

    def flush_journal(self) -> None:
        """Put the records not yet on disk there (fsynced); on failure keep them for the next try, and say why."""
        if not self._unwritten and not self._journal_rewrite:
            return
        try:
            if self._journal_rewrite or (self._journal_started and not self.journal_file.exists()):
                self._write_whole_journal()
            else:
                self._append_to_journal(self._session_records[len(self._session_records) - self._unwritten :])
        except (OSError, TmkitError) as error:
            # A failed append may have left half a line: the next try writes the whole journal afresh.
            self.close_journal()
            self._journal_rewrite = True
            self.journal_error = _write_failure(error)
            return
        self._unwritten = 0
        self._journal_rewrite = False
        self.journal_error = None

    def _append_to_journal(self, records: Sequence[JournalRecord]) -> None:
        if self._journal is None:
            if not self._journal_started:
                self._journal_started = True
                found = _read_if_file(self.journal_file) or b""
                if found:
                    # A journal this session did not begin (nobody was asked about it yet): kept, ours follows.
                    self._journal_prefix = found if found.endswith(b"\n") else found + b"\n"
                    if not found.endswith(b"\n"):
                        # A line cut by a crash stays one damaged line, not the start of our first record.
                        self._write_whole_journal()
                        return
            self._journal = open(self.journal_file, "ab")  # noqa: SIM115 (kept open for appends)
            if self._journal.tell() == 0:
                self._journal.write(header_line(self.path.name, fingerprint(self._base_bytes)))
        self._write_records(records)

    def _write_records(self, records: Sequence[JournalRecord]) -> None:
        assert self._journal is not None
        self._journal.write(b"".join(record.as_line() for record in records))
        self._journal.flush()
        # fsync each edit: a crash right after a keystroke must not lose it.
        os.fsync(self._journal.fileno())

    def _write_whole_journal(self) -> None:
        """Write the journal atomically: the journal found (or a header), then every record of this session."""
        self.close_journal()
        records = self._session_records
        if self._journal_prefix is None and not records:
            self.journal_file.unlink(missing_ok=True)
            return
        head = self._journal_prefix or header_line(self.path.name, fingerprint(self._base_bytes))
        with atomic_write(self.journal_file, binary=True) as handle:
            handle.write(head + b"".join(record.as_line() for record in records))

    def pending_journal(self) -> PendingJournal:
        """The edits a previous session journalled but never saved (empty when there are none).

        Damaged lines (cut by a crash, not UTF-8, not tmkit's) are skipped and counted; a damaged
        journal is copied aside byte for byte (`.NAME.tmkit-journal.damaged-<time>`) and the journal
        keeps its whole records, so that nothing is read twice and nothing is lost.
        """
        data = _read_if_file(self.journal_file)
        if data is None:
            return PendingJournal(self.journal_file, [], True)
        parsed = parse_journal(data)
        pending = PendingJournal(
            self.journal_file,
            parsed.records,
            base_matches=parsed.base is not None and parsed.base == fingerprint(self._base_bytes),
            damaged=parsed.damaged,
        )
        if parsed.damaged and not self._journal_started:
            aside = aside_path(self.journal_file, "damaged")
            try:
                with atomic_write(aside, binary=True) as handle:
                    handle.write(data)
                header = parsed.header or header_line(self.path.name, None)
                with atomic_write(self.journal_file, binary=True) as handle:
                    handle.write(header + b"".join(parsed.lines))
            except (OSError, TmkitError) as error:
                pending.set_aside_error = _write_failure(error)
            else:
                pending.set_aside = aside
        return pending

    def recover(self, pending: PendingJournal | None = None) -> RecoveryReport:
        """Apply a previous session's unsaved edits (`pending_journal`) to the document, each to its own unit.

        On the file the edits were made on, a record's row is its unit. When the file changed since
        (a `git pull`), each edit finds its unit by tuid and source text, and it is a three-way merge
        per unit: the journal's first "was" of a unit is the base, its last state ours, the file
        theirs. A unit only we changed takes our edit; one changed on both sides is kept twice and
        marked `x-tmkit-conflict` (ours, theirs), as the changed-on-disk merge does. Edits whose unit
        is gone (or whose source changed) are never put elsewhere: they are written beside the
        journal (`.NAME.tmkit-journal.unplaced-<time>`) and counted in the report. The journal then
        holds this session's edits on the file as it is now.
        """
        if pending is None:
            pending = self.pending_journal()
        report = RecoveryReport(unplaced=[])
        assert report.unplaced is not None
        first_was: dict[int, SegmentState | None] = {}
        last: dict[int, SegmentState] = {}
        last_stamps: dict[int, Stamps | None] = {}
        for record in pending.records:
            row = self._locate(record, base_matches=pending.base_matches)
            if row is None:
                report.unplaced.append(record)
                continue
            first_was.setdefault(row, record.was)
            last[row] = record.state
            last_stamps[row] = record.stamps
        conflicts: list[tuple[TranslationUnit, TranslationUnit]] = []
        self._journal_held = True
        try:
            for row, state in last.items():
                r = self.rows[row]
                now = self.state(row)
                # A conflict the file no longer has (settled on disk since): the edit applies to the unit as it is.
                wanted = state.conflict if r.conflict is not None else None
                if now == dataclasses.replace(state, conflict=wanted or now.conflict):
                    continue
                was = first_was[row]
                if was is not None:
                    was = dataclasses.replace(was, conflict=now.conflict)
                theirs = copy.deepcopy(r.unit) if not pending.base_matches and was is not None and now != was else None
                try:
                    self.apply(
                        row,
                        text=state.text,
                        status=state.status,
                        rejected=state.rejected,
                        reason=state.reason,
                        conflict=wanted,
                        stamps=last_stamps[row],
                    )
                except PlaceholderError:
                    # Codes this unit does not have (its codes changed on disk): set aside, not forced in.
                    report.unplaced.extend(
                        rec for rec in pending.records if self._locate(rec, base_matches=pending.base_matches) == row
                    )
                    continue
                report.changed += 1
                if theirs is not None:
                    conflicts.append((r.unit, theirs))
        finally:
            self._journal_held = False
        self._keep_conflicts(conflicts)
        report.conflicts = len(conflicts)
        if report.unplaced:
            try:
                report.unplaced_file = self._write_unplaced(report.unplaced)
            except (OSError, TmkitError) as error:
                # The old journal stays as it was (this session's edits follow it): nothing is dropped.
                report.unplaced_error = _write_failure(error)
                self.flush_journal()
                return report
        self._journal_prefix = None  # superseded: placed edits are this session's now, the others set aside
        self._journal_started = True
        self._journal_rewrite = True
        self.flush_journal()
        return report

    def keep_conflicts(self, conflicts: Sequence[tuple[TranslationUnit, TranslationUnit]]) -> None:
        """Units of the document (ours) another writer changed too (theirs): both kept, as conflict rows to settle.

        Not journalled (theirs is no edit of the translator's): the caller saves the document right after, as
        `SharedSave.save` does, so that a crash loses neither version.
        """
        self._keep_conflicts(conflicts)

    def _keep_conflicts(self, conflicts: Sequence[tuple[TranslationUnit, TranslationUnit]]) -> None:
        """Units changed on both sides: ours marked, theirs (as on disk) after it, marked too."""
        if not conflicts:
            return
        for ours, theirs in conflicts:
            ours.props.insert(0, Prop(CONFLICT_PROP, "ours"))
            theirs.props.insert(0, Prop(CONFLICT_PROP, "theirs"))
            at = next(i for i, unit in enumerate(self.memory.units) if unit is ours)
            self.memory.units.insert(at + 1, theirs)
        self.rows = self._rows(self.memory)
        # Undo steps name rows, and the rows moved.
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.dirty = True

    def _write_unplaced(self, records: Sequence[JournalRecord]) -> Path:
        aside = aside_path(self.journal_file, "unplaced")
        with atomic_write(aside, binary=True) as handle:
            handle.write(header_line(self.path.name, None) + b"".join(record.as_line() for record in records))
        return aside

    def discard_pending(self) -> None:
        """The translator drops a previous session's unsaved edits; this session's own stay journalled."""
        self._journal_prefix = None
        self._journal_started = True
        self._journal_rewrite = True
        self.flush_journal()

    def discard_journal(self) -> None:
        """The journal is done with (the file was saved, or reloaded): gone, and the next edit begins a new one."""
        self.close_journal()
        self.journal_file.unlink(missing_ok=True)
        self._session_records = []
        self._unwritten = 0
        self._journal_prefix = None
        self._journal_started = False
        self._journal_rewrite = False
        self.journal_error = None

    def close_journal(self) -> None:
        if self._journal is not None:
            # Its records are in `_session_records`: a failed close is retried as a rewrite.
            with contextlib.suppress(OSError):
                self._journal.close()
            self._journal = None

    # -- saving ----------------------------------------------------------------------------------

    def changed_on_disk(self) -> bool:
        try:
            return fingerprint(self.path.read_bytes()) != fingerprint(self._base_bytes)
        except FileNotFoundError:
            return False  # deleted: saving brings it back, nothing of anyone's is overwritten

    def save(self, *, force: bool = False) -> None:
        """Write the TMX atomically, then start a fresh journal; refuses if the file changed on disk.

        A failed write (a full disk) raises and changes nothing: the edits stay in memory and in the journal.
        """
        if not force and self.changed_on_disk():
            raise ChangedOnDiskError(f"{self.path} changed on disk since it was opened")
        write_tmx(self.path, self.memory)
        self._saved(self.path.read_bytes())

    def save_as(self, path: str | os.PathLike[str]) -> None:
        """Write the document to another file (the disk of this one is full, say) and go on editing that one.

        Refuses a file that exists, or one with a journal of its own beside it: neither is overwritten.
        The journal of the file left behind goes: its edits are in the new file.
        """
        target = Path(path).expanduser()
        if target.exists():
            raise TmkitError(f"{target} exists: choose a new file name")
        if journal_path(target).exists():
            raise TmkitError(f"{journal_path(target)} holds unsaved edits of another session: choose another name")
        from tmkit.jobs.source_text import Segmentation

        Segmentation.moved(self.memory, self.path, target)  # (its SRX rules named from the new folder)
        write_tmx(target, self.memory)
        written = target.read_bytes()
        self.discard_journal()
        self.path = target
        self._saved(written)

    def _saved(self, written: bytes) -> None:
        self._base_bytes = written
        for r in self.rows:
            r.inserted = r.target_text
        self.discard_journal()
        self.dirty = False

    def reload(self) -> None:
        """Take the version on disk and drop the unsaved edits (the journal goes too). A version on disk that cannot
        be read (malformed, or with nothing left to translate) raises, and leaves this one as it was, journal too."""
        fresh = WorkFile(
            self.path,
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            user=self.user,
            qa_on_confirm=self.qa_on_confirm,
        )
        self.discard_journal()
        self.__dict__.update(fresh.__dict__)

    def disk_is_another_version(self) -> bool:
        """Whether the file on disk records another version of the document than the one opened (`pretranslate
        --update` carried it over since): its record of the document differs from the one this document holds."""
        from tmkit.jobs.source_text import header_of

        header = header_of(self.path)
        if header is None:
            return False
        on_disk = [prop.value for prop in header.props if prop.type == DOCUMENT_PROP]
        opened = [prop.value for prop in self.memory.header.props if prop.type == DOCUMENT_PROP]
        return bool(on_disk) and on_disk != opened

    def merge_with_disk(self) -> int:
        """Three-way merge of our edits with the version on disk (the file as opened is the base).

        Units changed on one side take that change; units changed on both sides are kept twice,
        marked as conflicts for a person to settle. The units are in the order of the version on disk
        (`put_in_their_order`: one carried over to a new version of its document has that version's order,
        its new segments in place). The merged memory becomes the document, still unsaved. Returns the
        number of conflicts.
        """
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            base_file = Path(folder) / "base.tmx"
            base_file.write_bytes(self._base_bytes)
            base = load_tmx(base_file)
        disk_bytes = self.path.read_bytes()
        theirs = load_tmx(self.path)
        result = merge_three_way(base, self.memory, theirs)
        put_in_their_order(result.memory, theirs)
        self.memory = result.memory
        self.rows = self._rows(self.memory)
        self._base_bytes = disk_bytes
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.dirty = True
        return len(result.conflicts)

    def row_of_segment(self, row: Row) -> int:
        """Where the segment of ``row`` (a row of this document before its rows were made again: a merge with the
        disk may reorder them) is now: the row of its unit's tuid, else of its source text; 0 if it is gone."""
        for number, candidate in enumerate(self.rows):
            if row.unit.tuid and candidate.unit.tuid == row.unit.tuid:
                return number
        for number, candidate in enumerate(self.rows):
            if not row.unit.tuid and candidate.source_text == row.source_text:
                return number
        return 0

    def shared_save(self, url: str) -> SharedSave:
        """What this document knows of the shared memory at ``url`` (the versions read), to save into it."""
        from tmkit.jobs.shared_save import SharedSave

        if self._shared_saves is None:
            self._shared_saves = {}
        found = self._shared_saves.get(url)
        if found is None:
            found = self._shared_saves[url] = SharedSave(url)
        return found

    def export_confirmed(self, memory_path: str | os.PathLike[str]) -> int:
        """Add the confirmed and approved pairs to a memory file (created if missing); returns how many.

        Into a shared memory (a postgresql:// URL) see `SharedSave.save`: pairs another writer changed since
        they were read become conflict rows, and the document is saved with them and the versions written.
        """
        from tmkit.shared.urls import is_database_url

        if is_database_url(memory_path):  # a memory shared in PostgreSQL: each pair written at the version read
            return self.shared_save(os.fspath(memory_path)).save(self).written
        target = Path(memory_path)
        existing = load_tmx(target) if target.exists() else Memory(Header(srclang=lang_key(self.source_lang)), [])
        pairs = [
            pair_unit(r.source, r.target, r.unit)
            for r in self.rows
            if r.confirmed and r.target is not None and not r.removed
        ]
        # A segment a team's sync left twice in the memory, marked, is settled by the pair confirmed here: its marked
        # versions go first, or the pair would be merged into one of them, mark and all. (A segment still in conflict
        # here is not confirmed, so not among the pairs: its versions stay marked.)
        drop_conflicts_settled_by(existing, pairs)
        units: list[TranslationUnit] = []
        added: list[TranslationUnit] = []
        held = UnitsBySource(existing.units)
        for pair in pairs:
            # The rule a shared memory's save follows (tmkit.memory.confirmed): the memory's unit for the pair gets
            # its translation, and keeps its tuid, creation, notes and props; a pair it lacks is added.
            stored = stored_unit_of(pair, held)
            if stored is None:
                added.append(pair)
                units.append(pair)
            else:
                units.append(into_unit(stored, pair))
        give_free_tuids(existing, added)  # (each document numbers its units from 1)
        # The newest translation of a source wins: the translator just confirmed it.
        merged = merge_memories([existing, Memory(existing.header, units)], policy=ConflictPolicy.LAST)
        write_tmx(target, merged.memory)
        return len(units)


def _stamps_of(unit: TranslationUnit, target: Variant | None) -> Stamps:
    return Stamps(
        unit.change_id,
        unit.change_date,
        target.creation_id if target is not None else None,
        target.creation_date if target is not None else None,
        target.change_id if target is not None else None,
        target.change_date if target is not None else None,
    )


def _put_stamps(unit: TranslationUnit, target: Variant | None, stamps: Stamps) -> None:
    unit.change_id, unit.change_date = stamps.unit_change_id, stamps.unit_change_date
    if target is not None:
        target.creation_id, target.creation_date = stamps.target_creation_id, stamps.target_creation_date
        target.change_id, target.change_date = stamps.target_change_id, stamps.target_change_date


def _read_if_file(path: Path) -> bytes | None:
    """The bytes of a regular file; None when there is none (a device or a pipe would never end)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _write_failure(error: OSError | TmkitError) -> str:
    """Why a write failed, in a few words for the status bar."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "the disk is full"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)


@dataclass(frozen=True, slots=True)
class Job:
    """The working TMX of a text document: where it is, whether it was just made, and its languages."""

    path: Path
    created: bool
    source_lang: str
    target_lang: str
    segments: int = 0
    drafts: int = 0
    #: For a job that existed: the first segment where it and the document as it is now part (None: made from it).
    changed_from: int | None = None

    def describe(self, document: str | os.PathLike[str], *, update: str | None = None) -> str:
        """One line for the translator: what was made, or that an existing job was opened (and made from another
        version of the document, when it was, with the command that carries it over: ``update``, else
        `tmkit pretranslate DOCUMENT -o JOB --update`)."""
        if self.created:
            return (
                f"segmented {Path(document).name} into {self.segments} segment(s), {self.drafts} pre-translated "
                f"as draft, in {self.path}"
            )
        if self.changed_from is not None:
            return (
                f"opened the existing {self.path}, made from another version of {Path(document).name} (they part at "
                f"segment {self.changed_from}): "
                + (update or f"tmkit pretranslate {document} -o {self.path} --update")
                + " carries its translations over"
            )
        return f"opened the existing {self.path} (delete it to start again from {Path(document).name})"


def job_path(document: str | os.PathLike[str]) -> Path:
    """The working TMX beside a document: `article.ar.txt` → `article.ar.tmx`, `report.docx` → `report.docx.tmx`.

    Other formats keep their suffix in the name, so a report's DOCX and HTML, or a memory named like
    the document (`samples/article.tmx` beside `samples/article.docx`), never share one file.
    """
    from tmkit.jobs.source_text import is_plain_text

    path = Path(document)
    return path.with_suffix(".tmx") if is_plain_text(path) else path.with_name(path.name + ".tmx")


def prepare_job(
    document: str | os.PathLike[str],
    memories: Sequence[str | os.PathLike[str]],
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    output: str | os.PathLike[str] | None = None,
    threshold: float | None = None,
    user: str | None = None,
    on_notice: Callable[[str], None] | None = None,
    segmentation: Segmentation | None = None,
) -> Job:
    """Segment a plain-text document into a working TMX pre-filled from ``memories``; an existing one is kept.

    The source language is guessed from the script unless given; the target is English for an
    Arabic document, else Arabic. Matches at ``threshold`` or above become `draft` targets with
    their match % and origin (see `tmkit.jobs.pretranslate`); ``user`` is written as the units' `creationid`.
    The file is written atomically. ``on_notice`` is told in one line when a memory's cached index
    was damaged and is rebuilt. ``segmentation`` cuts it into segments (tmkit's own rules by default), and the file
    records it, so `tmkit finish`, the editor's finish key and `pretranslate --update` cut the document the same way.
    """
    from tmkit.defaults import PRETRANSLATE_THRESHOLD
    from tmkit.jobs.pretranslate import match_segments, pretranslate
    from tmkit.jobs.source_text import Segmentation, record_document, with_document_sources
    from tmkit.matching.matcher import Matcher
    from tmkit.matching.memory_index import open_memory
    from tmkit.text.scripts import guess_language

    path = Path(output) if output is not None else job_path(document)
    if path.exists():
        return _existing_job(path, document, source_lang=source_lang, target_lang=target_lang, given=segmentation)
    cutting = segmentation or Segmentation()
    rules = cutting.rules()
    document_read = cutting.read(document)  # plain text, DOCX, HTML, Markdown, PO or XLIFF by its name
    declared_source, declared_target = document_read.declared_languages()
    source = source_lang or declared_source or guess_language(document_read.text())
    target = target_lang or declared_target or _other_language(source)
    segments = document_read.segments(lang=source, rules=rules)
    matcher = Matcher([open_memory(m, source_lang=source, target_lang=target, on_notice=on_notice) for m in memories])
    results = match_segments(segments, matcher)
    memory = pretranslate(
        results,
        source_lang=source,
        target_lang=target,
        threshold=PRETRANSLATE_THRESHOLD if threshold is None else threshold,
        user=user,
    )
    memory = with_document_sources(memory, document_read, lang=source, rules=rules)  # the formatting, as codes
    cutting.record_in(memory, path)
    record_document(memory, document)
    write_tmx(path, memory)
    drafts = sum(1 for u in memory.units if u.status is Status.DRAFT)
    return Job(path, True, source, target, len(memory.units), drafts)


def _existing_job(
    path: Path,
    document: str | os.PathLike[str],
    *,
    source_lang: str | None,
    target_lang: str | None,
    given: Segmentation | None,
) -> Job:
    """A working file that exists, kept as it is: its languages (its header's source language, else guessed from the
    document's script) and where it and the document as it is now part. Options ``given`` other than those it
    records are one line; anything else wrong with it is the editor's to say when it opens the file."""
    from tmkit.jobs.source_text import Segmentation, header_of
    from tmkit.jobs.update import where_changed_since
    from tmkit.memory.langtags import ALL_LANGUAGES
    from tmkit.text.scripts import guess_language

    header = header_of(path)
    if header is not None and given is not None:
        Segmentation.for_file(header, path, given)  # (options other than those the job was cut with)
    recorded = header.srclang if header is not None and header.srclang not in ("", ALL_LANGUAGES) else None
    source = source_lang or recorded or guess_language((given or Segmentation()).read(document).text())
    target = target_lang or _other_language(source)
    try:
        changed_from = where_changed_since(path, document, source_lang=source, target_lang=target, given=given)
    except TmkitError:
        changed_from = None
    return Job(path, False, source, target, changed_from=changed_from)


def _other_language(source: str) -> str:
    """The target of a job whose target is not given: English for Arabic, else Arabic."""
    return "en" if source.lower().startswith("ar") else "ar"


def _nothing_to_translate(memory: Memory, source_lang: str) -> str:
    """Why a working file gives the editor no segment: no unit at all, or none with the source language."""
    if not memory.units:
        return "no units: nothing to translate"
    held = sorted({lang_key(variant.lang) for unit in memory.units for variant in unit.variants})
    return (
        f"no unit has a text in {source_lang} to translate (the file holds {', '.join(held)}); "
        "--src and --tgt name the languages"
    )
