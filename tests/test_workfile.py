"""The working file's segment filters and progress counts: what the editor's list and status bar show."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tmkit.jobs.workfile import RowFilter, WorkFile
from tmkit.memory.model import Status


def test_each_filter_keeps_its_rows_and_all_keeps_every_row(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    document.apply(3, rejected=True)
    statuses = [row.status for row in document.rows]
    assert document.filtered() == document.filtered(RowFilter.ALL) == list(range(len(document)))
    assert document.filtered(RowFilter.REJECTED) == [3]
    for status in Status:
        assert document.filtered(RowFilter(status.value)) == [i for i, s in enumerate(statuses) if s is status]
    # Every row is under exactly one status filter.
    assert sorted(i for s in Status for i in document.filtered(RowFilter(s.value))) == list(range(len(document)))


def test_a_filter_and_a_search_both_apply(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    status = document.rows[0].status
    word = document.rows[0].source_text.split()[0]
    both = document.filtered(RowFilter(status.value), word)
    assert 0 in both
    assert set(both) == set(document.filtered(RowFilter(status.value))) & set(document.filtered(query=word))


def test_progress_counts_segments_and_words_per_status_and_rejected(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    document.apply(0, rejected=True)
    progress = document.progress()
    assert list(progress) == [*(RowFilter(s.value) for s in Status), RowFilter.REJECTED]  # workflow order
    by_status = Counter(row.status for row in document.rows)
    assert {key: segments for key, (segments, _) in progress.items()} == {
        **{RowFilter(s.value): by_status[s] for s in Status},
        RowFilter.REJECTED: 1,
    }
    assert progress[RowFilter.REJECTED][1] == document.rows[0].source_words
    assert sum(words for key, (_, words) in progress.items() if key is not RowFilter.REJECTED) == sum(
        row.source_words for row in document.rows
    )
