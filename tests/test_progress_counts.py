"""The status bar's counts kept one edited row at a time agree with a count over every row."""

from __future__ import annotations

from pathlib import Path

from tmkit.jobs.journal import ConflictState
from tmkit.jobs.progress import ProgressCounts
from tmkit.jobs.workfile import RowFilter, WorkFile


def test_counts_follow_each_edit_as_a_full_count_does(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    counts = ProgressCounts(document)
    assert counts.counts() == document.progress()
    edits = [
        (24, lambda: document.set_target(24, "")),  # emptied: new
        (24, lambda: document.confirm(24, "A translation.")),
        (3, lambda: document.reject(3)),
        (5, lambda: document.approve(5)),
        (0, lambda: document.set_target(0, "")),
    ]
    for row, edit in edits:
        before = counts.counts()
        edit()
        counts.row_changed(row)
        assert counts.counts() == document.progress()
        assert counts.counts() != before  # each edit moved the row to another group
    change = document.undo()
    assert change is not None
    counts.row_changed(change.row)
    assert counts.counts() == document.progress()
    assert counts.counts()[RowFilter.REJECTED][0] == 1


def test_rows_replaced_are_counted_again(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    counts = ProgressCounts(document)
    other = WorkFile(work / "article.tmx")
    other.set_target(2, "Theirs")
    other.save()
    document.set_target(2, "Ours")
    document.merge_with_disk()  # a conflict: the unit kept twice, the rows rebuilt
    counts.row_changed(2)
    assert counts.counts() == document.progress()
    conflict = next(row for row, r in enumerate(document.rows) if r.in_conflict)
    document.resolve_conflict(conflict, ConflictState.THEIRS)
    counts.recount()
    assert counts.counts() == document.progress()
