"""What is remembered per unit is sorted on disk past a fixed size (issue 13): the same findings as in memory."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import run_cli, tmx_doc
from tmkit.errors import InputError
from tmkit.formats import tmx_reader
from tmkit.formats.tmx_counts import TmxCounter
from tmkit.formats.tmx_reader import TmxReader
from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory import digests, merge
from tmkit.memory.digests import RecordSort
from tmkit.memory.merge import ConflictPolicy, OpenMemory, merge_memories, merge_streams
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant


@contextlib.contextmanager
def spilling_early(records: int = 3) -> Iterator[None]:
    """Runs of ``records`` records, merged a few at a time from small blocks: every path of the sort on small inputs."""
    saved = (
        digests.SPILL_RECORDS,
        digests.MERGE_BLOCK,
        digests.MERGE_FAN_IN,
        tmx_reader.TUID_SPILL_UNITS,
        merge.WAITING_HELD,
        merge._WAITING_BLOCK,
    )
    digests.SPILL_RECORDS, digests.MERGE_BLOCK, digests.MERGE_FAN_IN = records, 2, 3
    tmx_reader.TUID_SPILL_UNITS = merge.WAITING_HELD = records
    merge._WAITING_BLOCK = 2
    try:
        yield
    finally:
        (
            digests.SPILL_RECORDS,
            digests.MERGE_BLOCK,
            digests.MERGE_FAN_IN,
            tmx_reader.TUID_SPILL_UNITS,
            merge.WAITING_HELD,
            merge._WAITING_BLOCK,
        ) = saved


def _open_sort_files(folder: Path | str) -> list[str]:
    """The temporary files in ``folder`` (unnamed, or named by tmkit) this process still has open."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            # Unnamed temporary files show as FOLDER/#INODE (deleted).
            if target.startswith(f"{folder}/#") or target.startswith(f"{folder}/.tmkit-"):
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


def test_a_spilled_memory_without_repeated_tuids_reports_none(tmp_path: Path) -> None:
    """Once the tuids spilled, a memory repeating none was reported with "0 duplicate-tuid" (every command at 10M)."""
    path = _memory_with_tuids(list(range(12)), tmp_path)
    with spilling_early(3):
        reader = TmxReader(path)
        list(reader)
    assert "duplicate-tuid" not in reader.issue_counts and not reader.issues


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
    before = _open_sort_files(tempfile.gettempdir())
    with spilling_early(4):
        reader = TmxReader(path)
        with pytest.raises(InputError):
            list(reader)
    assert _open_sort_files(tempfile.gettempdir()) == before


# -- merge: which units are kept, and in which order, worked out by external sorts -------------------

_SOURCES = ["نعم", "لا", "شكرا", "مرحبا"]
_TARGETS = ["yes", "no", "thanks"]
_DATES = [None, "20200101T000000Z", "20240101T000000Z"]


@st.composite
def _merge_units(draw: st.DrawFn) -> TranslationUnit:
    """Units that often repeat one another: few sources, translations and dates (None: no Arabic, no source)."""
    source = draw(st.sampled_from([None, *_SOURCES]))
    target = Variant("en", Segment.from_text(draw(st.sampled_from(_TARGETS))))
    variants = [target] if source is None else [Variant("ar", Segment.from_text(source)), target]
    return TranslationUnit(variants, change_date=draw(st.sampled_from(_DATES)), status=Status.TRANSLATED)


def _opener(memory: Memory) -> OpenMemory:
    return lambda: (memory.header, iter(memory.units))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    units=st.lists(st.lists(_merge_units(), max_size=14), min_size=1, max_size=3),
    policy=st.sampled_from(list(ConflictPolicy)),
    spill=st.integers(min_value=1, max_value=4),
    described=st.integers(min_value=1, max_value=3),
)
def test_a_spilled_merge_writes_and_reports_what_the_whole_memories_gave(
    units: list[list[TranslationUnit]], policy: ConflictPolicy, spill: int, described: int, tmp_path: Path
) -> None:
    memories = [Memory(Header(srclang="ar"), listed) for listed in units]
    whole = merge_memories(memories, policy=policy)
    streamed, expected = tmp_path / "streamed.tmx", tmp_path / "whole.tmx"
    streamed.unlink(missing_ok=True)
    saved = merge.CONFLICTS_DESCRIBED, merge.CONFLICT_UNITS_DESCRIBED
    merge.CONFLICTS_DESCRIBED = merge.CONFLICT_UNITS_DESCRIBED = described
    try:
        with spilling_early(spill):
            summary = merge_streams([_opener(m) for m in memories], streamed, policy=policy)
    finally:
        merge.CONFLICTS_DESCRIBED, merge.CONFLICT_UNITS_DESCRIBED = saved
    assert summary.conflict_count == len(whole.conflicts)
    assert summary.duplicates_dropped == whole.duplicates_dropped
    assert [(c.description, c.units) for c in summary.conflicts] == [
        (c.description, c.units[:described]) for c in whole.conflicts[:described]
    ]
    if policy is ConflictPolicy.FAIL and whole.conflicts:
        assert not streamed.exists()
        return
    write_tmx(expected, whole.memory)
    assert streamed.read_bytes() == expected.read_bytes()
    assert _open_sort_files(tmp_path) == []


def test_a_merge_broken_after_a_spill_writes_nothing_and_leaves_no_file_open(tmp_path: Path) -> None:
    good = Memory(Header(srclang="ar"), [_pair(n) for n in range(40)])

    def broken() -> tuple[Header, Iterator[TranslationUnit]]:
        def units() -> Iterator[TranslationUnit]:
            yield from good.units
            raise InputError("broken near its end", path="b.tmx", line=99)

        return good.header, units()

    with spilling_early(4), pytest.raises(InputError):
        merge_streams([_opener(good), broken], tmp_path / "m.tmx")
    assert _open_sort_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _pair(n: int) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(f"جملة {n}")), Variant("en", Segment.from_text(f"sentence {n}"))],
        status=Status.TRANSLATED,
    )


# -- the merge driver: three versions lined up by identity through external sorts ----------------------


@st.composite
def _three_way_units(draw: st.DrawFn) -> TranslationUnit:
    """Units that often share a tuid or a source, and differ in translation, status or dates alone."""
    unit = draw(_merge_units())
    unit.tuid = draw(st.sampled_from([None, None, "1", "2"]))
    unit.status = draw(st.sampled_from([Status.TRANSLATED, Status.DRAFT]))
    return unit


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    base=st.none() | st.lists(_three_way_units(), max_size=10),
    ours=st.lists(_three_way_units(), max_size=10),
    theirs=st.lists(_three_way_units(), max_size=10),
    spill=st.integers(min_value=1, max_value=4),
    described=st.integers(min_value=1, max_value=3),
)
def test_a_spilled_three_way_merge_writes_and_reports_what_the_whole_memories_gave(
    base: list[TranslationUnit] | None,
    ours: list[TranslationUnit],
    theirs: list[TranslationUnit],
    spill: int,
    described: int,
    tmp_path: Path,
) -> None:
    header = Header(srclang="ar")
    memories = [None if base is None else Memory(header, base), Memory(header, ours), Memory(header, theirs)]
    whole = merge.merge_three_way(memories[0], memories[1], memories[2])  # type: ignore[arg-type]
    streamed, expected = tmp_path / "streamed.tmx", tmp_path / "whole.tmx"
    saved = merge.CONFLICTS_DESCRIBED
    merge.CONFLICTS_DESCRIBED = described
    try:
        with spilling_early(spill):
            openers = [None if m is None else _opener(m) for m in memories]
            summary = merge.merge_three_way_streams(openers[0], openers[1], openers[2], streamed)  # type: ignore[arg-type]
    finally:
        merge.CONFLICTS_DESCRIBED = saved
    write_tmx(expected, whole.memory)
    assert streamed.read_bytes() == expected.read_bytes()
    assert summary.written == len(whole.memory.units)
    assert summary.conflict_count == len(whole.conflicts)
    assert summary.header_conflicts == whole.header_conflicts
    assert [(c.description, c.units) for c in summary.conflicts] == [
        (c.description, c.units) for c in whole.conflicts[:described]
    ]
    assert _open_sort_files(tmp_path) == []


def test_a_merge_into_a_folder_that_does_not_exist_is_one_line_after_a_spill(tmp_path: Path) -> None:
    memory = tmp_path / "m.tmx"
    write_tmx(memory, Memory(Header(srclang="ar"), [_pair(n) for n in range(40)]))
    output = tmp_path / "missing" / "out.tmx"
    with spilling_early(4):
        result = run_cli("merge", memory, memory, "-o", output)
        driven = run_cli("merge-driver", memory, output, memory)
    assert result.code == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "out.tmx" in result.stderr
    assert driven.code == 2 and "out.tmx" in driven.stderr
    assert not output.parent.exists()
