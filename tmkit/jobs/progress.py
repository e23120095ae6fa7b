"""Segments and source words per status of a working file, kept up to date one edited row at a time."""

from __future__ import annotations

from tmkit.jobs.workfile import Row, RowFilter, WorkFile
from tmkit.memory.model import Status

#: The counted groups in workflow order (every status, then rejected), as `WorkFile.progress` gives them.
GROUPS: tuple[RowFilter, ...] = (*(RowFilter(s.value) for s in Status), RowFilter.REJECTED)


def _contribution(row: Row) -> tuple[tuple[RowFilter, ...], int]:
    """The groups ``row`` is counted in and its source words (a segment settled out of the file counts nowhere)."""
    if row.removed:
        return (), 0
    status = RowFilter(row.status.value)
    return ((status, RowFilter.REJECTED) if row.unit.rejected else (status,)), row.source_words


class ProgressCounts:
    """`WorkFile.progress()` without going over every row after each edit: `row_changed` costs O(1).

    Counted in full once, and again only when the rows themselves change (recovery, a merge, a reload, a conflict
    settled by deleting or adding a unit), which `row_changed` notices from the row list.
    """

    def __init__(self, document: WorkFile) -> None:
        self.document = document
        self._segments: dict[RowFilter, int] = {}
        self._words: dict[RowFilter, int] = {}
        #: Each row's part in the counts, as last counted.
        self._counted: list[tuple[tuple[RowFilter, ...], int]] = []
        self._rows: list[Row] = []
        self._length = 0
        self.recount()

    def recount(self) -> None:
        """Count every row again (after the rows themselves changed)."""
        self._segments = dict.fromkeys(GROUPS, 0)
        self._words = dict.fromkeys(GROUPS, 0)
        self._rows = self.document.rows
        self._length = len(self._rows)
        self._counted = [_contribution(r) for r in self._rows]
        for groups, words in self._counted:
            self._add(groups, words, 1)

    def _add(self, groups: tuple[RowFilter, ...], words: int, sign: int) -> None:
        for group in groups:
            self._segments[group] += sign
            self._words[group] += sign * words

    def row_changed(self, row: int) -> None:
        """``row``'s status (or rejection) may have changed: move its part between the groups."""
        if self.document.rows is not self._rows or len(self._rows) != self._length:
            self.recount()
            return
        old = self._counted[row]
        new = _contribution(self._rows[row])
        if new != old:
            self._add(*old, -1)
            self._add(*new, 1)
            self._counted[row] = new

    def counts(self) -> dict[RowFilter, tuple[int, int]]:
        """Segments and source words per group, in workflow order (as `WorkFile.progress`)."""
        if self.document.rows is not self._rows or len(self._rows) != self._length:
            self.recount()
        return {group: (self._segments[group], self._words[group]) for group in GROUPS}
