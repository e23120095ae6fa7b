"""What is remembered per unit is sorted on disk past a fixed size (issue 13): the same findings as in memory."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import tmx_doc
from tmkit.errors import InputError
from tmkit.formats import tmx_reader
from tmkit.formats.tmx_counts import TmxCounter
from tmkit.formats.tmx_reader import TmxReader
from tmkit.memory import digests
from tmkit.memory.digests import RecordSort


@contextlib.contextmanager
def spilling_early(records: int = 3) -> Iterator[None]:
    """Runs of ``records`` records, merged a few at a time from small blocks: every path of the sort on small inputs."""
    saved = (digests.SPILL_RECORDS, digests.MERGE_BLOCK, digests.MERGE_FAN_IN, tmx_reader.TUID_SPILL_UNITS)
    digests.SPILL_RECORDS, digests.MERGE_BLOCK, digests.MERGE_FAN_IN = records, 2, 3
    tmx_reader.TUID_SPILL_UNITS = records
    try:
        yield
    finally:
        digests.SPILL_RECORDS, digests.MERGE_BLOCK, digests.MERGE_FAN_IN, tmx_reader.TUID_SPILL_UNITS = saved


def _open_sort_files() -> list[str]:
    """The temporary files of an external sort this process still has open."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if ".tmkit-sort-" in target or (target.startswith("/tmp/#") and "(deleted)" in target):
                found.append(target)
    return found


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.binary(min_size=5, max_size=5), max_size=80),
    st.integers(min_value=1, max_value=9),
)
def test_records_come_out_sorted_however_they_were_spilled(records: list[bytes], spill: int) -> None:
    with spilling_early(spill), RecordSort(5) as sort:
        half = len(records) // 2
        sort.add_many(b"".join(records[:half]))
        for record in records[half:]:
            sort.add(record)
        assert len(sort) == len(records)
        assert sort.spilled == (len(records) >= spill)
        out = b"".join(block.tobytes() for block in sort.sorted_blocks())
    assert out == b"".join(sorted(records))


def _memory_with_tuids(tuids: list[int], folder: Path) -> Path:
    body = "".join(
        f'<tu tuid="t{tuid}"><tuv xml:lang="ar"><seg>ج {n}</seg></tuv><tuv xml:lang="en"><seg>s {n}</seg></tuv></tu>\n'
        for n, tuid in enumerate(tuids)
    )
    path = folder / "m.tmx"
    path.write_text(tmx_doc(body), encoding="utf-8")
    return path


def _findings(reader: TmxReader) -> tuple[list[tuple[int | None, str, str]], int]:
    return [(i.line, i.code, i.message) for i in reader.issues], reader.issue_counts["duplicate-tuid"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tuids=st.lists(st.integers(min_value=0, max_value=6), max_size=40), spill=st.integers(min_value=1, max_value=5))
def test_repeated_tuids_are_found_alike_in_memory_and_spilled(tuids: list[int], spill: int, tmp_path: Path) -> None:
    path = _memory_with_tuids(tuids, tmp_path)
    held = TmxReader(path)
    list(held)
    with spilling_early(spill):
        spilled = TmxReader(path)
        list(spilled)
        counted = TmxCounter(path)
        counted.count()
    assert _findings(spilled) == _findings(held)
    assert _findings(counted) == _findings(held)
    # Each unit after the first of its tuid is one repeat, noted against the first one's line.
    assert held.issue_counts["duplicate-tuid"] == len(tuids) - len(set(tuids))


def test_repeats_past_the_notes_kept_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TmxReader, "MAX_ISSUES", 5)
    path = _memory_with_tuids([1, 2, 1, 2, 1, 3, 3, 3, 2, 1, 4, 4], tmp_path)
    with spilling_early(2):
        reader = TmxReader(path)
        list(reader)
    assert reader.issue_counts["duplicate-tuid"] == 8
    # The first five repeats by line, each against its tuid's first unit (lines 5, 6, 10 and 15 hold the firsts).
    assert [(i.line, i.message.split("line ")[1].split(" ")[0]) for i in reader.issues] == [
        (7, "5"),
        (8, "6"),
        (9, "5"),
        (11, "10"),
        (12, "10"),
    ]


def test_a_memory_broken_after_a_spill_leaves_no_sort_file_open(tmp_path: Path) -> None:
    path = _memory_with_tuids(list(range(30)), tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</body>", "<tu></body>"), encoding="utf-8")
    before = _open_sort_files()
    with spilling_early(4):
        reader = TmxReader(path)
        with pytest.raises(InputError):
            list(reader)
    assert _open_sort_files() == before
