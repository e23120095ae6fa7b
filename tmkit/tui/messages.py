"""Messages the editor's widgets and actions post: facts, named in the past tense."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tmkit.jobs.journal import PendingJournal
from tmkit.jobs.workfile import WorkFile


@dataclass
class MatchChosen(Message):
    """The translator clicked a match: Insert and Replace now use it."""

    number: int


@dataclass
class SegmentConfirmed(Message):
    row: int


@dataclass
class SegmentApproved(Message):
    row: int


@dataclass
class SegmentRejected(Message):
    row: int


@dataclass
class MatchInserted(Message):
    row: int
    number: int


@dataclass
class DocumentSaved(Message):
    path: str


@dataclass
class MatchesShown(Message):
    """The matches of a segment are on screen (the bench waits for this)."""

    row: int
    count: int


@dataclass
class DocumentLoaded(Message):
    """The working file was read (with a crashed session's journal, if one was found)."""

    document: WorkFile
    pending: PendingJournal | None


@dataclass
class DocumentFailed(Message):
    """The working file could not be read: the one line that says why."""

    reason: str
