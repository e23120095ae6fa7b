"""The translator's working document, UI-free: segments, statuses, undo, a crash journal and safe saving.

The editor (`tmkit.tui`) drives this class; everything that must never lose work lives here so
that it is tested without a screen: every change is appended to a journal beside the file and
fsynced before it counts, saving is atomic and refuses to overwrite a file that changed on disk
since it was opened (reload or a three-way merge are offered instead).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from rapidfuzz.distance import Levenshtein

from tmkit.errors import TmkitError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.dates import now_tmx_date as now_tmx
from tmkit.memory.langtags import lang_key
from tmkit.memory.merge import ConflictPolicy, merge_memories, merge_three_way
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant
from tmkit.text.normalize import Normalizer
from tmkit.text.placeholders import CodePool, PlaceholderError, to_placeholders
from tmkit.text.wordcount import count_words

JOURNAL_FORMAT = "tmkit-journal-1"
#: The statuses a segment is "confirmed" at: what Ctrl+U and confirm-and-next skip.
CONFIRMED = frozenset({Status.TRANSLATED, Status.REVIEWED, Status.FINAL})


class ChangedOnDiskError(TmkitError):
    """The file was changed by someone else since it was opened: saving would overwrite their work."""


def journal_path(path: Path) -> Path:
    """Where the journal of ``path`` lives: a hidden file beside it."""
    return path.parent / f".{path.name}.tmkit-journal"


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Change:
    """One edit of one segment: its target text, status and rejected flag before and after."""

    row: int
    old_text: str
    new_text: str
    old_status: Status
    new_status: Status
    old_rejected: bool
    new_rejected: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "text": self.new_text,
            "status": self.new_status.value,
            "rejected": self.new_rejected,
        }


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
    _keys: tuple[str, str] | None = field(default=None, repr=False)
    _words: int | None = field(default=None, repr=False)

    @property
    def source_words(self) -> int:
        """Words of the source (counted once: the source is not edited)."""
        if self._words is None:
            self._words = count_words(self.source_text)
        return self._words

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
        return self.status in CONFIRMED and not self.unit.rejected


class RowFilter(StrEnum):
    """Which segments the list shows: all, those at one status, or those a reviewer rejected."""

    ALL = "all"
    NEW = Status.NEW.value
    DRAFT = Status.DRAFT.value
    TRANSLATED = Status.TRANSLATED.value
    REVIEWED = Status.REVIEWED.value
    FINAL = Status.FINAL.value
    REJECTED = "rejected"

    def keeps(self, row: Row) -> bool:
        """Whether a row passes this filter."""
        if self is RowFilter.ALL:
            return True
        if self is RowFilter.REJECTED:
            return row.unit.rejected
        return row.status.value == self.value


class WorkFile:
    """A working TMX open for translation from ``source_lang`` into ``target_lang``: what the editor edits."""

    def __init__(self, path: str | os.PathLike[str], *, source_lang: str = "ar", target_lang: str = "en") -> None:
        self.path = Path(path)
        self.source_lang = source_lang
        self.target_lang = target_lang
        self._base_bytes = self.path.read_bytes()
        self.memory = load_tmx(self.path)
        self.rows = self._rows(self.memory)
        self.undo_stack: list[Change] = []
        self.redo_stack: list[Change] = []
        self.dirty = False
        self._journal: IO[str] | None = None
        self._search_norms = (
            Normalizer(source_lang, fold_hamza=True, fold_yeh=True),
            Normalizer(target_lang, fold_hamza=True, fold_yeh=True),
        )

    def _rows(self, memory: Memory) -> list[Row]:
        rows = []
        for unit in memory.units:
            source = unit.variant(self.source_lang, region_fallback=True)
            if source is None:
                continue  # a unit without the source language is not ours to translate
            target = unit.variant(self.target_lang, region_fallback=True)
            original = target.segment if target is not None else None
            rows.append(Row(unit, source, target, target.text if target is not None else None, original))
        return rows

    def __len__(self) -> int:
        return len(self.rows)

    # -- editing ---------------------------------------------------------------------------------

    def apply(
        self, row: int, *, text: str | None = None, status: Status | None = None, rejected: bool | None = None
    ) -> Change | None:
        """Change a segment's target text, status or rejected flag; journalled and undoable.

        ``text`` is the edited text with placeholders for the codes (`Row.edit_text`); placeholders
        that do not map back to codes raise `PlaceholderError` and change nothing.
        """
        r = self.rows[row]
        old_text = r.edit_text
        new_text = old_text if text is None else text
        new_status = r.unit.status if status is None else status
        new_rejected = r.unit.rejected if rejected is None else rejected
        if (new_text, new_status, new_rejected) == (old_text, r.unit.status, r.unit.rejected):
            return None
        if new_text != old_text:
            r.segment_for(new_text)  # raises before anything is journalled
        change = Change(row, old_text, new_text, r.unit.status, new_status, r.unit.rejected, new_rejected)
        self._journal_write(change.as_json())
        self._set(change.row, change.new_text, change.new_status, change.new_rejected)
        self.undo_stack.append(change)
        self.redo_stack.clear()
        return change

    def set_target(self, row: int, text: str) -> Change | None:
        """New target text: the segment becomes a draft until it is confirmed."""
        r = self.rows[row]
        if text == r.edit_text:
            return None
        # Changed text is unconfirmed again until the translator confirms it (as in Trados and memoQ).
        return self.apply(row, text=text, status=Status.DRAFT)

    def confirm(self, row: int, text: str | None = None) -> Change | None:
        """The translator confirms the segment: translated (an approved segment stays approved)."""
        r = self.rows[row]
        current = text if text is not None else r.edit_text
        if not current.strip():
            return None
        status = r.unit.status if r.unit.status.rank >= Status.TRANSLATED.rank else Status.TRANSLATED
        return self.apply(row, text=current, status=status, rejected=False)

    def approve(self, row: int, text: str | None = None) -> Change | None:
        """The reviewer approves the segment: reviewed."""
        current = text if text is not None else self.rows[row].edit_text
        if not current.strip():
            return None
        return self.apply(row, text=current, status=Status.REVIEWED, rejected=False)

    def reject(self, row: int) -> Change | None:
        """The reviewer rejects the translation: flagged, and back to draft for the translator."""
        return self.apply(row, status=Status.DRAFT, rejected=True)

    def undo(self) -> Change | None:
        if not self.undo_stack:
            return None
        change = self.undo_stack.pop()
        self._journal_write(
            {
                "row": change.row,
                "text": change.old_text,
                "status": change.old_status.value,
                "rejected": change.old_rejected,
            }
        )
        self._set(change.row, change.old_text, change.old_status, change.old_rejected)
        self.redo_stack.append(change)
        return change

    def redo(self) -> Change | None:
        if not self.redo_stack:
            return None
        change = self.redo_stack.pop()
        self._journal_write(change.as_json())
        self._set(change.row, change.new_text, change.new_status, change.new_rejected)
        self.undo_stack.append(change)
        return change

    def _set(self, row: int, text: str, status: Status, rejected: bool) -> None:
        r = self.rows[row]
        if r.target is None:
            r.target = Variant(self.target_lang)
            r.unit.variants.append(r.target)
        if text != r.edit_text:
            # Placeholders become the original codes again (checked by `apply` before journalling).
            r.target.segment = r.segment_for(text)
            r.target.change_date = now_tmx()
        r.unit.set_status(status)
        r.unit.rejected = rejected
        r.unit.change_date = now_tmx()
        r._keys = None
        self.dirty = True

    # -- navigation and filters ------------------------------------------------------------------

    def next_unconfirmed(self, after: int) -> int | None:
        """The first unconfirmed segment after ``after``, wrapping round; None when all are confirmed."""
        n = len(self.rows)
        for step in range(1, n + 1):
            i = (after + step) % n
            if not self.rows[i].confirmed:
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
            words = r.source_words
            status = RowFilter(r.status.value)
            for key in (status, RowFilter.REJECTED) if r.unit.rejected else (status,):
                segs, total = counts[key]
                counts[key] = (segs + 1, total + words)
        return counts

    # -- the journal -----------------------------------------------------------------------------

    @property
    def journal_file(self) -> Path:
        return journal_path(self.path)

    def _journal_write(self, record: dict[str, Any]) -> None:
        if self._journal is None:
            fresh = not self.journal_file.exists()
            self._journal = open(self.journal_file, "a", encoding="utf-8")  # noqa: SIM115 (kept open for appends)
            if fresh:
                head = {"format": JOURNAL_FORMAT, "file": self.path.name, "base": fingerprint(self._base_bytes)}
                self._journal.write(json.dumps(head, ensure_ascii=False) + "\n")
        self._journal.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._journal.flush()
        # fsync each edit: a crash right after a keystroke must not lose it.
        os.fsync(self._journal.fileno())

    def pending_journal(self) -> list[dict[str, Any]]:
        """The edits a previous session journalled but never saved (empty when there are none)."""
        return list(_read_journal(self.journal_file))

    def recover(self) -> int:
        """Replay the journal's edits on the document; returns how many segments changed."""
        changed: set[int] = set()
        records = self.pending_journal()
        for record in records:
            row = record.get("row")
            if not isinstance(row, int) or not 0 <= row < len(self.rows):
                continue
            try:
                change = self.apply(
                    row, text=str(record["text"]), status=Status(record["status"]), rejected=bool(record["rejected"])
                )
            except PlaceholderError:
                continue  # never journalled by tmkit: apply checks first
            if change:
                changed.add(row)
        return len(changed)

    def discard_journal(self) -> None:
        self.close_journal()
        self.journal_file.unlink(missing_ok=True)

    def close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    # -- saving ----------------------------------------------------------------------------------

    def changed_on_disk(self) -> bool:
        try:
            return fingerprint(self.path.read_bytes()) != fingerprint(self._base_bytes)
        except FileNotFoundError:
            return False  # deleted: saving brings it back, nothing of anyone's is overwritten

    def save(self, *, force: bool = False) -> None:
        """Write the TMX atomically, then start a fresh journal; refuses if the file changed on disk."""
        if not force and self.changed_on_disk():
            raise ChangedOnDiskError(f"{self.path} changed on disk since it was opened")
        write_tmx(self.path, self.memory)
        self._base_bytes = self.path.read_bytes()
        for r in self.rows:
            r.inserted = r.target_text
        self.discard_journal()
        self.dirty = False

    def reload(self) -> None:
        """Take the version on disk and drop the unsaved edits (the journal goes too)."""
        self.discard_journal()
        self.__init__(self.path, source_lang=self.source_lang, target_lang=self.target_lang)  # type: ignore[misc]

    def merge_with_disk(self) -> int:
        """Three-way merge of our edits with the version on disk (the file as opened is the base).

        Units changed on one side take that change; units changed on both sides are kept twice,
        marked as conflicts for a person to settle. The merged memory becomes the document,
        still unsaved. Returns the number of conflicts.
        """
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            base_file = Path(folder) / "base.tmx"
            base_file.write_bytes(self._base_bytes)
            base = load_tmx(base_file)
        disk_bytes = self.path.read_bytes()
        theirs = load_tmx(self.path)
        result = merge_three_way(base, self.memory, theirs)
        self.memory = result.memory
        self.rows = self._rows(self.memory)
        self._base_bytes = disk_bytes
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.dirty = True
        return len(result.conflicts)

    def export_confirmed(self, memory_path: str | os.PathLike[str]) -> int:
        """Add the confirmed and approved pairs to a memory file (created if missing); returns how many."""
        target = Path(memory_path)
        units = []
        for r in self.rows:
            if not r.confirmed or r.target is None:
                continue
            unit = TranslationUnit(
                variants=[copy.deepcopy(r.source), copy.deepcopy(r.target)],
                tuid=r.unit.tuid,
                status=r.unit.status,
                srclang=r.source.lang,
                creation_date=r.unit.creation_date or now_tmx(),
                creation_id=r.unit.creation_id,
                change_date=r.unit.change_date,
                change_id=r.unit.change_id,
            )
            units.append(unit)
        existing = load_tmx(target) if target.exists() else Memory(Header(srclang=lang_key(self.source_lang)), [])
        # The newest translation of a source wins: the translator just confirmed it.
        merged = merge_memories([existing, Memory(existing.header, units)], policy=ConflictPolicy.LAST)
        write_tmx(target, merged.memory)
        return len(units)


def _read_journal(path: Path) -> Iterator[dict[str, Any]]:
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
    except FileNotFoundError:
        return
    with handle:
        for number, line in enumerate(handle):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by the crash: everything before it is whole
            if number == 0 and isinstance(record, dict) and record.get("format") == JOURNAL_FORMAT:
                continue
            if isinstance(record, dict) and {"row", "text", "status", "rejected"} <= record.keys():
                yield record


def edit_effort(inserted: str, current: str) -> float:
    """How much of the inserted text the translator changed: character edit distance in % of the longer."""
    longest = max(len(inserted), len(current))
    if not longest:
        return 0.0
    return 100.0 * Levenshtein.distance(inserted, current) / longest


@dataclass(frozen=True, slots=True)
class Job:
    """The working TMX of a text document: where it is, whether it was just made, and its languages."""

    path: Path
    created: bool
    source_lang: str
    target_lang: str
    segments: int = 0
    drafts: int = 0

    def describe(self, document: str | os.PathLike[str]) -> str:
        """One line for the translator: what was made, or that an existing job was opened."""
        if self.created:
            return (
                f"segmented {Path(document).name} into {self.segments} segment(s), {self.drafts} pre-translated "
                f"as draft, in {self.path}"
            )
        return f"opened the existing {self.path} (delete it to start again from {Path(document).name})"


def job_path(document: str | os.PathLike[str]) -> Path:
    """The working TMX beside a text document: `article.ar.txt` → `article.ar.tmx`."""
    return Path(document).with_suffix(".tmx")


def prepare_job(
    document: str | os.PathLike[str],
    memories: Sequence[str | os.PathLike[str]],
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    output: str | os.PathLike[str] | None = None,
    threshold: float | None = None,
) -> Job:
    """Segment a plain-text document into a working TMX pre-filled from ``memories``; an existing one is kept.

    The source language is guessed from the script unless given; the target is English for an
    Arabic document, else Arabic. Matches at ``threshold`` or above become `draft` targets with
    their match % and origin (see `tmkit.jobs.pretranslate`). The file is written atomically.
    """
    from tmkit.defaults import PRETRANSLATE_THRESHOLD
    from tmkit.jobs.pretranslate import match_segments, pretranslate
    from tmkit.jobs.source_text import read_text_document, segment_document
    from tmkit.matching.matcher import Matcher
    from tmkit.matching.memory_index import open_memory
    from tmkit.text.scripts import guess_language

    text = read_text_document(document)
    source = source_lang or guess_language(text)
    target = target_lang or ("en" if source.lower().startswith("ar") else "ar")
    path = Path(output) if output is not None else job_path(document)
    if path.exists():
        return Job(path, False, source, target)
    segments = [s.text for s in segment_document(text, lang=source)]
    matcher = Matcher([open_memory(m, source_lang=source, target_lang=target) for m in memories])
    results = match_segments(segments, matcher)
    memory = pretranslate(
        results,
        source_lang=source,
        target_lang=target,
        threshold=PRETRANSLATE_THRESHOLD if threshold is None else threshold,
    )
    write_tmx(path, memory)
    drafts = sum(1 for u in memory.units if u.status is Status.DRAFT)
    return Job(path, True, source, target, len(memory.units), drafts)
