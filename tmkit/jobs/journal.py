"""The editor's crash journal on disk: records that say which unit they changed, and a reader that survives damage."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from tmkit.memory.model import Status

JOURNAL_FORMAT = "tmkit-journal-2"
#: Journals of tmkit before 2 name a unit by its row only: placeable only in the very file they were made on.
OLD_JOURNAL_FORMATS = frozenset({"tmkit-journal-1"})
#: How a copy kept aside is stamped: a journal's after its name (`.a.tmx.tmkit-journal.damaged-20250101T120000`), a
#: working file's before an update (`a.before-20250101T120000.tmx`, `tmkit.jobs.update`).
ASIDE_STAMP = "%Y%m%dT%H%M%S"


def journal_path(path: Path) -> Path:
    """Where the journal of ``path`` lives: a hidden file beside it."""
    return path.parent / f".{path.name}.tmkit-journal"


def aside_path(journal: Path, kind: str) -> Path:
    """A free name beside ``journal`` for a copy set aside (``kind``: damaged, unplaced), stamped with the time."""
    return stamped_path(journal, f"{journal.name}.{kind}-")


def stamped_path(beside: Path, prefix: str, suffix: str = "") -> Path:
    """A free name beside ``beside``: ``prefix``, the time (`ASIDE_STAMP`), ``-2``, ``-3``… if taken, ``suffix``."""
    stem = prefix + datetime.now().strftime(ASIDE_STAMP)
    candidate = beside.with_name(stem + suffix)
    number = 2
    while candidate.exists():
        candidate = beside.with_name(f"{stem}-{number}{suffix}")
        number += 1
    return candidate


def header_line(file_name: str, base: str | None) -> bytes:
    """The first line of a journal: its format, the file it belongs to and the fingerprint of the file it edits."""
    head = {"format": JOURNAL_FORMAT, "file": file_name, "base": base}
    return (json.dumps(head, ensure_ascii=False) + "\n").encode("utf-8")


class ConflictState(StrEnum):
    """Where a segment that is a merge conflict stands: both versions kept (open), or one chosen."""

    OPEN = "open"
    OURS = "ours"
    THEIRS = "theirs"


@dataclass(frozen=True, slots=True)
class SegmentState:
    """What a journal record says of a segment: its target (placeholders for codes), status and rejected flag, for a
    segment that is a merge conflict which version it keeps (None: the segment is no conflict), and why a reviewer
    rejected it ("": not rejected, or no reason given)."""

    text: str
    status: Status
    rejected: bool
    conflict: ConflictState | None = None
    reason: str = ""

    @property
    def edited(self) -> tuple[str, Status, bool, str]:
        """What an edit changes (all but the conflict state): two states alike in it hold the same segment."""
        return self.text, self.status, self.rejected, self.reason

    def as_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {"text": self.text, "status": self.status.value, "rejected": self.rejected}
        if self.conflict is not None:
            value["conflict"] = self.conflict.value
        if self.reason:  # (absent from the records of a tmkit without reasons, which read as none)
            value["reason"] = self.reason
        return value

    @classmethod
    def from_json(cls, value: Any) -> SegmentState:
        """The state in a parsed record; raises ValueError (or KeyError, TypeError) for anything tmkit never wrote."""
        text, status, rejected = value["text"], value["status"], value["rejected"]
        if not isinstance(text, str) or not isinstance(rejected, bool) or not isinstance(status, str):
            raise ValueError("not a segment state")
        conflict = value.get("conflict")
        if conflict is not None and not isinstance(conflict, str):
            raise ValueError("not a conflict state")
        reason = value.get("reason", "")
        if not isinstance(reason, str):
            raise ValueError("not a rejection reason")
        return cls(text, Status(status), rejected, ConflictState(conflict) if conflict is not None else None, reason)


@dataclass(frozen=True, slots=True)
class Stamps:
    """Who changed a unit and its target, and when (UTC TMX dates), as an edit leaves them: what CAT tools write as
    `changeid`/`changedate` on the unit and the target variant, and `creationid`/`creationdate` on a new target.
    Journalled with each edit, so that recovery writes who and when the edit was made, not when it was recovered."""

    unit_change_id: str | None = None
    unit_change_date: str | None = None
    target_creation_id: str | None = None
    target_creation_date: str | None = None
    target_change_id: str | None = None
    target_change_date: str | None = None

    def as_json(self) -> list[str | None]:
        return [
            self.unit_change_id,
            self.unit_change_date,
            self.target_creation_id,
            self.target_creation_date,
            self.target_change_id,
            self.target_change_date,
        ]

    @classmethod
    def from_json(cls, value: Any) -> Stamps:
        if not isinstance(value, list) or len(value) != 6 or not all(v is None or isinstance(v, str) for v in value):
            raise ValueError("not stamps")
        return cls(*value)


@dataclass(frozen=True, slots=True)
class UnitIdentity:
    """Which unit an edit was made to, across versions of the file: its tuid, its source text, and which of the
    units sharing that tuid (or, without a tuid, that source) it is, in file order."""

    tuid: str | None
    source: str
    nth: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return ("tuid", self.tuid) if self.tuid else ("source", self.source)


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """One journalled edit: the row it was made in, the unit's identity (None in old journals), its new state and,
    for the three-way check when the file changed since, the state it had before."""

    row: int
    state: SegmentState
    identity: UnitIdentity | None = None
    was: SegmentState | None = None
    #: Who and when, as the edit left the unit (None in journals before tmkit wrote them).
    stamps: Stamps | None = None

    def as_line(self) -> bytes:
        value: dict[str, Any] = {"row": self.row, **self.state.as_json()}
        if self.identity is not None:
            value.update(tuid=self.identity.tuid, source=self.identity.source, nth=self.identity.nth)
        if self.was is not None:
            value["was"] = self.was.as_json()
        if self.stamps is not None:
            value["stamps"] = self.stamps.as_json()
        return (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, value: Any) -> JournalRecord:
        """The record of a parsed line; raises ValueError (or KeyError, TypeError) for anything tmkit never wrote."""
        if not isinstance(value, dict):
            raise ValueError("not a record")
        row = value["row"]
        if not isinstance(row, int) or isinstance(row, bool) or row < 0:
            raise ValueError("no row")
        identity = None
        if "source" in value:
            tuid, source, nth = value.get("tuid"), value["source"], value.get("nth", 0)
            if not (tuid is None or isinstance(tuid, str)) or not isinstance(source, str):
                raise ValueError("bad identity")
            if not isinstance(nth, int) or isinstance(nth, bool) or nth < 0:
                raise ValueError("bad identity")
            identity = UnitIdentity(tuid, source, nth)
        was = SegmentState.from_json(value["was"]) if "was" in value else None
        stamps = Stamps.from_json(value["stamps"]) if "stamps" in value else None
        return cls(row, SegmentState.from_json(value), identity, was, stamps)


@dataclass(slots=True)
class ParsedJournal:
    """What could be read of a journal: the base fingerprint (None when the header is gone), the whole records
    with their lines as written, and how many lines were damaged (cut short, not UTF-8, not tmkit's)."""

    base: str | None
    header: bytes | None
    records: list[JournalRecord]
    lines: list[bytes]
    damaged: int


def parse_journal(data: bytes) -> ParsedJournal:
    """Read a journal's bytes line by line; a damaged line is counted and skipped, the lines around it are kept."""
    parsed = ParsedJournal(None, None, [], [], 0)
    first = True
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            value = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            parsed.damaged += 1
            first = False
            continue
        if first and isinstance(value, dict) and "format" in value:
            first = False
            form, base = value.get("format"), value.get("base")
            if (form == JOURNAL_FORMAT or form in OLD_JOURNAL_FORMATS) and (base is None or isinstance(base, str)):
                parsed.base, parsed.header = base, line + b"\n"
            else:
                parsed.damaged += 1  # a header tmkit cannot read: the base is unknown, the records may still be placed
            continue
        first = False
        try:
            record = JournalRecord.from_json(value)
        except (KeyError, TypeError, ValueError):
            parsed.damaged += 1
            continue
        parsed.records.append(record)
        parsed.lines.append(line + b"\n")
    return parsed


@dataclass(slots=True)
class PendingJournal:
    """The edits a previous session journalled and never saved, as found when the file is opened."""

    path: Path
    records: list[JournalRecord]
    #: Whether the file is still the one the edits were made on (then a record's row is its unit).
    base_matches: bool
    damaged: int = 0
    #: Where the damaged journal was set aside (a copy, byte for byte), when it was damaged.
    set_aside: Path | None = None
    #: Why the damaged journal could not be set aside (it was then left as it was).
    set_aside_error: str | None = None

    def __len__(self) -> int:
        return len(self.records)

    @property
    def notice(self) -> str | None:
        """One line about damage, for the translator; None when the journal was whole."""
        if not self.damaged:
            return None
        line = f"{self.path.name}: {self.damaged} damaged record(s) skipped, {len(self.records)} kept"
        if self.set_aside is not None:
            return f"{line}; the damaged journal is kept as {self.set_aside.name}"
        return f"{line}; could not keep a copy of the damaged journal ({self.set_aside_error})"


@dataclass(slots=True)
class RecoveryReport:
    """What recovery did: segments changed, conflicts kept twice, and the edits it could not place."""

    changed: int = 0
    conflicts: int = 0
    unplaced: list[JournalRecord] | None = None
    #: Where the unplaced edits were written (None when there were none, or they could not be written).
    unplaced_file: Path | None = None
    unplaced_error: str | None = None

    def describe(self) -> str:
        """One line for the translator."""
        line = f"recovered unsaved edits of {self.changed} segment(s)"
        if self.conflicts:
            line += f"; {self.conflicts} changed on disk too: kept twice, marked x-tmkit-conflict"
        if self.unplaced:
            where = (
                f"kept in {self.unplaced_file.name}"
                if self.unplaced_file is not None
                else f"left in the journal ({self.unplaced_error})"
            )
            line += f"; {len(self.unplaced)} edit(s) whose segment is gone or changed were not applied, {where}"
        return line
