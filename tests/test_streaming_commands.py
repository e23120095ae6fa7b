"""convert, merge and export stream (issue 13): the bytes the whole-memory writers give, in bounded memory."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.helpers import SAMPLES, run_cli, tmx_doc
from tests.test_tmx_roundtrip import memories
from tmkit.defaults import DEFAULT_XLIFF_VERSION
from tmkit.errors import InputError
from tmkit.formats.conversion import default_target_language
from tmkit.formats.tabular import iter_table, write_table
from tmkit.formats.tmx_reader import TmxReader, load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.formats.xliff import XliffReader, build_xliff2, build_xliff12
from tmkit.memory.digests import RECENT_LIMIT, DigestSet, digest
from tmkit.memory.export import export_memories
from tmkit.memory.langtags import ALL_LANGUAGES, DEFAULT_SOURCE_LANG
from tmkit.memory.merge import ConflictPolicy, merge_memories
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant

SAMPLE_MEMORIES = sorted(SAMPLES.glob("*.tmx"))
#: Output kinds: a ".21.xlf" is written with --xliff-version 2.1, an ".xlf" in the default version.
OUTPUTS = ("tmx", "tsv", "csv", "xlf", "21.xlf")
_HEADER_DATE_RE = re.compile(rb'(<header[^>]*?) creationdate="[^"]*"')


def _whole_memory_conversion(source: Path, output: Path) -> None:
    """What `tmkit convert SOURCE -o OUTPUT` wrote when it read the whole memory first."""
    memory = load_tmx(source)
    if output.suffix == ".tmx":
        write_tmx(output, memory)
        return
    srclang = memory.header.srclang
    source_lang = srclang if srclang and srclang != ALL_LANGUAGES else DEFAULT_SOURCE_LANG
    target_lang = default_target_language(memory.languages(), source_lang)
    if output.suffix == ".xlf":
        version = "2.1" if output.name.endswith(".21.xlf") else DEFAULT_XLIFF_VERSION
        if version == "1.2":
            root = build_xliff12(memory, source_lang=source_lang, target_lang=target_lang)
        else:
            root = build_xliff2(memory, source_lang=source_lang, target_lang=target_lang, version=version)
        output.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n")
    else:
        write_table(output, memory.units, source_lang=source_lang, target_lang=target_lang)


def _same_conversion(source: Path, folder: Path, kind: str) -> None:
    streamed, whole = folder / f"streamed.{kind}", folder / f"whole.{kind}"
    version = ["--xliff-version", "2.1"] if kind == "21.xlf" else []
    try:
        _whole_memory_conversion(source, whole)
    except InputError:  # what the whole memory could not be written as, the stream refuses too
        assert run_cli("convert", source, "-o", streamed, *version).code == 2
        assert not streamed.exists()
        return
    result = run_cli("convert", source, "-o", streamed, *version)
    assert result.code == 0, result.stderr
    assert streamed.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("kind", OUTPUTS)
@pytest.mark.parametrize("sample", SAMPLE_MEMORIES, ids=lambda p: p.name)
def test_convert_writes_what_the_whole_memory_gave(sample: Path, kind: str, tmp_path: Path) -> None:
    _same_conversion(sample, tmp_path, kind)


@pytest.mark.parametrize("kind", ["tsv", "csv", "xlf"])
def test_converting_back_to_tmx_writes_what_the_whole_memory_gave(kind: str, tmp_path: Path) -> None:
    table = tmp_path / f"news.{kind}"
    assert run_cli("convert", SAMPLES / "news-memory.tmx", "-o", table).code == 0
    result = run_cli("convert", table, "-o", tmp_path / "back.tmx")
    assert result.code == 0, result.stderr
    if kind == "xlf":
        reader = XliffReader(table)
        header, units = reader.header(), list(reader)  # (the memory's header, which the XLIFF carries)
    else:
        header, units = Header(srclang="ar"), list(iter_table(table, source_lang="ar", target_lang="en"))
    write_tmx(tmp_path / "whole.tmx", Memory(header, units))
    # A table has no header: each conversion dates the one it makes.
    streamed = _HEADER_DATE_RE.sub(rb"\1", (tmp_path / "back.tmx").read_bytes())
    assert streamed == _HEADER_DATE_RE.sub(rb"\1", (tmp_path / "whole.tmx").read_bytes())


def _merged_whole(paths: list[Path], policy: ConflictPolicy, output: Path) -> bool:
    """Write what `tmkit merge` wrote when it held the memories; whether there was anything to write."""
    result = merge_memories([load_tmx(p) for p in paths], policy=policy)
    if policy is ConflictPolicy.FAIL and result.conflicts:
        return False
    write_tmx(output, result.memory)
    return True


def _same_merge(paths: list[Path], policy: ConflictPolicy, folder: Path) -> None:
    streamed, whole = folder / "streamed.tmx", folder / "whole.tmx"
    streamed.unlink(missing_ok=True)
    written = _merged_whole(paths, policy, whole)
    result = run_cli("merge", *paths, "--policy", policy.value, "-o", streamed)
    assert result.code == (0 if written else 1), result.stderr
    if written:
        assert streamed.read_bytes() == whole.read_bytes()
    else:
        assert not streamed.exists()
        assert "nothing written" in result.stderr


@pytest.mark.parametrize("policy", list(ConflictPolicy))
def test_merge_writes_what_the_whole_memories_gave(policy: ConflictPolicy, tmp_path: Path) -> None:
    # The article again after the news: its repeats and its conflicting translations come before their turn.
    paths = [
        SAMPLES / "article.tmx",
        SAMPLES / "news-memory.tmx",
        SAMPLES / "earlier-visits.tmx",
        SAMPLES / "article.tmx",
    ]
    _same_merge(paths, policy, tmp_path)


def _pair(ar: str, en: str, *, date: str | None = None) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(ar)), Variant("en", Segment.from_text(en))],
        change_date=date,
        status=Status.TRANSLATED,
    )


def test_merge_writes_a_later_translation_beside_the_first(tmp_path: Path) -> None:
    """The second memory's unit is written second, so everything the first memory held after it waited."""
    first = [_pair(f"جملة {n}", f"sentence {n}") for n in range(50)]
    second = [_pair("جملة 0", "another sentence 0"), _pair("جملة 49", "sentence 49", date="20250101T000000Z")]
    write_tmx(tmp_path / "a.tmx", Memory(Header(srclang="ar"), first))
    write_tmx(tmp_path / "b.tmx", Memory(Header(srclang="ar"), second))
    result = run_cli("merge", tmp_path / "a.tmx", tmp_path / "b.tmx", "-o", tmp_path / "m.tmx")
    assert result.code == 0, result.stderr
    merged = load_tmx(tmp_path / "m.tmx").units
    assert [u.variants[1].text for u in merged[:3]] == ["sentence 0", "another sentence 0", "sentence 1"]
    assert merged[-1].change_date == "20250101T000000Z"  # the newer duplicate is the one kept
    assert len(merged) == 51
    _same_merge([tmp_path / "a.tmx", tmp_path / "b.tmx"], ConflictPolicy.KEEP_ALL, tmp_path)


@pytest.mark.parametrize(
    "options",
    [[], ["--min-status", "new"], ["--level", "1", "--src", "ar", "--tgt", "en"], ["--since", "2021-06-01"]],
    ids=["default", "new", "level-1-pair", "since"],
)
def test_export_writes_what_the_whole_memories_gave(options: list[str], tmp_path: Path) -> None:
    paths = [SAMPLES / "news-memory.tmx", SAMPLES / "earlier-visits.tmx", SAMPLES / "news-memory.tmx"]
    result = run_cli("export", *paths, *options, "-o", tmp_path / "streamed.tmx")
    assert result.code == 0, result.stderr
    parsed = {"--min-status": "min_status", "--level": "level", "--src": "source_lang", "--tgt": "target_lang"}
    kwargs: dict[str, object] = {}
    for flag, value in zip(options[::2], options[1::2], strict=True):
        if flag == "--since":
            from tmkit.memory.export import parse_date_bound

            kwargs["since"] = parse_date_bound(value, parameter="since")
        else:
            name = parsed[flag]
            kwargs[name] = Status(value) if name == "min_status" else int(value) if name == "level" else value
    expected = export_memories([load_tmx(p) for p in paths], **kwargs)  # type: ignore[arg-type]
    write_tmx(tmp_path / "whole.tmx", expected.memory)
    assert (tmp_path / "streamed.tmx").read_bytes() == (tmp_path / "whole.tmx").read_bytes()
    assert f"exported {expected.exported:,} of {expected.read:,} units" in result.stderr


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=memories, second=memories, policy=st.sampled_from(list(ConflictPolicy)))
def test_streamed_commands_write_what_the_whole_memories_gave(
    first: Memory, second: Memory, policy: ConflictPolicy, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.tmx", tmp_path / "b.tmx"
    write_tmx(a, first)
    write_tmx(b, second)
    for kind in OUTPUTS:
        _same_conversion(a, tmp_path, kind)
    _same_merge([a, b, a], policy, tmp_path)
    exported = run_cli("export", a, b, "--min-status", "new", "--skip-conflicts", "-o", tmp_path / "e.tmx")
    assert exported.code == 0, exported.stderr
    whole = export_memories([load_tmx(a), load_tmx(b)], min_status=Status.NEW, skip_conflicts=True)
    write_tmx(tmp_path / "whole.tmx", whole.memory)
    assert (tmp_path / "e.tmx").read_bytes() == (tmp_path / "whole.tmx").read_bytes()


# -- bad input: one line, nothing written ------------------------------------------------------------


def _broken_at_the_end(path: Path, units: int = 300) -> None:
    body = "".join(
        f'<tu><tuv xml:lang="ar"><seg>جملة {n}</seg></tuv><tuv xml:lang="en"><seg>sentence {n}</seg></tuv></tu>\n'
        for n in range(units)
    )
    path.write_text(tmx_doc(body + '<tu><tuv xml:lang="ar"><seg>unclosed</tuv></tu>\n'), encoding="utf-8")


@pytest.mark.parametrize("kind", ["tmx", "tsv", "xlf"])
def test_convert_of_a_memory_broken_near_its_end_writes_nothing(kind: str, tmp_path: Path) -> None:
    _broken_at_the_end(tmp_path / "broken.tmx")
    (tmp_path / f"out.{kind}").write_text("the old file\n", encoding="utf-8")
    result = run_cli("convert", tmp_path / "broken.tmx", "-o", tmp_path / f"out.{kind}")
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "broken.tmx:" in result.stderr
    assert (tmp_path / f"out.{kind}").read_text(encoding="utf-8") == "the old file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.tmx", f"out.{kind}"]


@pytest.mark.parametrize("command", ["merge", "export"])
def test_merge_and_export_of_a_memory_broken_near_its_end_write_nothing(command: str, tmp_path: Path) -> None:
    _broken_at_the_end(tmp_path / "broken.tmx")
    result = run_cli(command, SAMPLES / "article.tmx", tmp_path / "broken.tmx", "-o", tmp_path / "out.tmx")
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "broken.tmx:" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.tmx"]


def test_export_refuses_a_conflict_met_late_and_writes_nothing(tmp_path: Path) -> None:
    units = [_pair(f"جملة {n}", f"sentence {n}") for n in range(200)]
    from tmkit.memory.model import Prop

    for unit, side in ((units[150], "ours"), (units[151], "theirs")):
        unit.props.append(Prop("x-tmkit-conflict", side))
    write_tmx(tmp_path / "m.tmx", Memory(Header(srclang="ar"), units))
    result = run_cli("export", tmp_path / "m.tmx", "-o", tmp_path / "out.tmx")
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"tmkit: error: {tmp_path / 'm.tmx'}: 2 units are versions of unsettled merge conflicts (x-tmkit-conflict); "
        "settle them (tmkit validate lists them) or pass --skip-conflicts to leave them out"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.tmx"]


# -- what is kept from unit to unit ----------------------------------------------------------------


def test_digest_set_finds_every_member_across_its_runs() -> None:
    members = DigestSet()
    count = RECENT_LIMIT * 3 + 17  # several sorted runs and a set of recent ones
    assert all(members.add(digest(("unit", n))) for n in range(count))
    assert len(members) == count
    assert not any(members.add(digest(("unit", n))) for n in range(0, count, 97))
    assert digest(("unit", count)) not in members
    assert len(members) == count


# -- bounded memory: a larger memory does not raise the peak by what its units would take -------------

#: Units of the two memories compared. 25,000 more units at 300 bytes is 7 MB, where runs vary by ~0.3 MB.
_SMALL, _LARGE = 20_000, 45_000
assert _SMALL > RECENT_LIMIT
#: Bytes the peak may grow by for each unit more read. Both sizes are past the fixed costs: the text
#: reader's 1 MB chunks, and numpy (some 15 MB), imported when a `DigestSet` first sorts its digests.
#: Holding the units in the model takes some 1,600-3,700 bytes a unit (measured before issue 13); the
#: digests and order a merge keeps about 120, an export's repeats or XLIFF's ids 20-24 (in their sorts).
_PEAK_BYTES_PER_UNIT = 300


def _memory_of(size: int, path: Path) -> Path:
    units = (
        dataclasses.replace(_pair(f"جملة رقم {n} في الذاكرة", f"sentence number {n} in the memory"), tuid=str(n))
        for n in range(size)
    )
    write_tmx(path, header=Header(srclang="ar"), units=units)
    return path


def memories_of_sizes(
    tmp_path_factory: pytest.TempPathFactory, sizes: tuple[int, int], *, tables: bool = True
) -> dict[int, dict[str, Path]]:
    """For each size: the memory and, with ``tables``, the same as a TSV table and the table's TMX (a second memory
    to merge)."""
    made: dict[int, dict[str, Path]] = {}
    for size in sizes:
        folder = tmp_path_factory.mktemp(f"memory-{size}")
        memory = _memory_of(size, folder / "m.tmx")
        # The merge driver writes over ours: a copy of the memory made before each run.
        made[size] = {"m": memory, "out": folder / "out", "ours": folder / "ours"}
        if tables:
            table = made[size]["table"] = folder / "m.tsv"
            write_table(table, TmxReader(memory), source_lang="ar", target_lang="en")
            table_tmx = made[size]["table_tmx"] = folder / "t.tmx"
            units = iter_table(table, source_lang="ar", target_lang="en")
            write_tmx(table_tmx, header=Header(srclang="ar"), units=units)
    return made


@pytest.fixture(scope="module")
def sized_memories(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, Path]]:
    return memories_of_sizes(tmp_path_factory, (_SMALL, _LARGE))


#: Runs `tmkit ARGS` and writes its peak resident set on stderr as it exits: its own (VmHWM of its
#: program), where a child's ``ru_maxrss`` would count the pages of pytest that the fork copied.
_PEAK_WRAPPER = """
import atexit, os, runpy, sys, tracemalloc
def _peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    traced = tracemalloc.get_traced_memory()[1] // 1024 if tracemalloc.is_tracing() else -1
    sys.stderr.write(f"\\nPEAK-KB {kb} TRACED-KB {traced}\\n")
atexit.register(_peak)
spill = os.environ.get("TMKIT_TEST_SPILL_RECORDS")
if spill:  # what the external sorts hold in memory, made small so that a small memory spills
    from tmkit.formats import tmx_reader
    from tmkit.memory import digests, merge
    digests.SPILL_RECORDS = tmx_reader.TUID_SPILL_UNITS = merge.WAITING_HELD = int(spill)
    digests.MERGE_BLOCK, digests.MERGE_FAN_IN = 256, 8
if os.environ.get("TMKIT_TEST_TRACE"):  # Python's own allocations, to the byte: what a sort keeps of each unit
    import tmkit.cli, tmkit.formats.conversion, tmkit.formats.xliff, tmkit.memory.export, tmkit.memory.merge
    tracemalloc.start()  # (after the imports: traced, they took seconds)
sys.argv = ["tmkit", *sys.argv[1:]]
runpy.run_module("tmkit", run_name="__main__", alter_sys=True)
"""


def _peak_mb(*args: str | os.PathLike[str], spill_records: int | None = None, traced: bool = False) -> float:
    """The peak resident set of `tmkit ARGS` run as its own process (its external sorts spilling past ``spill_records``),
    or with ``traced`` the peak of Python's own allocations in it (`tracemalloc`, started once tmkit is imported)."""
    env = dict(os.environ)
    if spill_records is not None:
        env["TMKIT_TEST_SPILL_RECORDS"] = str(spill_records)
    if traced:
        env["TMKIT_TEST_TRACE"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_WRAPPER, *(os.fspath(arg) for arg in args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: a merge driver's conflicts, still a whole run
    peak_kb, traced_kb = done.stderr.rsplit("PEAK-KB ", 1)[1].split()[0:3:2]
    return int(traced_kb if traced else peak_kb) / 1024


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "memories_read"),
    [
        (["convert", "{m}", "-o", "{out}.tmx"], 1),
        (["convert", "{m}", "-o", "{out}.tsv"], 1),
        (["convert", "{m}", "-o", "{out}.xlf"], 1),
        (["convert", "{table}", "-o", "{out}.tmx"], 1),
        (["merge", "{m}", "{table_tmx}", "-o", "{out}.tmx"], 2),
        (["export", "{m}", "-o", "{out}.tmx"], 1),
        (["merge-driver", "{m}", "{ours}", "{table_tmx}"], 3),
    ],
    ids=["tmx-tmx", "tmx-tsv", "tmx-xlf", "tsv-tmx", "merge", "export", "merge-driver"],
)
def test_a_larger_memory_does_not_raise_the_peak_by_its_units(
    command: list[str], memories_read: int, sized_memories: dict[int, dict[str, Path]]
) -> None:
    per_unit, report = _peak_growth(command, memories_read, sized_memories)
    assert per_unit <= _PEAK_BYTES_PER_UNIT, report


#: Units of the memories whose spilled sorts are measured by Python's traced allocations (`tracemalloc`): the same to
#: the byte from run to run, so small memories tell what is kept of each unit, where the resident set needed 20,000
#: and 70,000 units and the least of three runs a size (an export test took 30 s).
SPILLING_SIZES = (2_000, 6_000)
#: Sorted runs of this many records, so that both sizes spill (4 and 12 runs).
SPILL_RECORDS = 512
#: Bytes Python's traced peak may grow by for each unit more read once the sorts spill: what they keep of each unit
#: (a merge's 52-64 bytes, a tuid's 16, an export's repeats 20) goes to disk. Measured (2026-11-29): 2-14 (the
#: runs' merge buffers; the merge driver -40); with the sorts kept in memory (runs of 10^9) 120-183.
SPILLED_TRACED_BYTES_PER_UNIT = 40


@pytest.fixture(scope="module")
def spilling_memories(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, Path]]:
    return memories_of_sizes(tmp_path_factory, SPILLING_SIZES)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "memories_read"),
    # Both read memories with tuids, so the reader's sort of them spills too.
    [
        (["merge", "{m}", "{table_tmx}", "{m}", "-o", "{out}.tmx"], 3),
        (["merge-driver", "{m}", "{ours}", "{table_tmx}"], 3),
    ],
    ids=["merge", "merge-driver"],
)
def test_what_is_kept_of_each_unit_goes_to_disk_once_the_sorts_spill(
    command: list[str], memories_read: int, spilling_memories: dict[int, dict[str, Path]]
) -> None:
    per_unit, report = _peak_growth(command, memories_read, spilling_memories, spill_records=SPILL_RECORDS, traced=True)
    assert per_unit <= SPILLED_TRACED_BYTES_PER_UNIT, report


def _peak_growth(
    command: list[str],
    memories_read: int,
    sized_memories: dict[int, dict[str, Path]],
    *,
    spill_records: int | None = None,
    runs: int = 1,
    traced: bool = False,
) -> tuple[float, str]:
    """Bytes the peak of ``command`` grew by for each unit more read, from the smaller memory to the larger (of
    ``sized_memories``), and a line saying so; with ``traced``, the peak of Python's own allocations. With ``runs``,
    each size's peak is the least of that many runs: a run's resident peak varies by up to ~0.3-0.8 MB (allocator,
    collection timing), 6-15 bytes a unit between 20,000 and 70,000 units."""
    peaks = []
    smaller, larger = sorted(sized_memories)
    for size in (smaller, larger):
        paths = sized_memories[size]
        measured = []
        for _run in range(runs):
            shutil.copyfile(paths["m"], paths["ours"])
            args = (part.format(**paths) for part in command)
            measured.append(_peak_mb(*args, spill_records=spill_records, traced=traced))
        peaks.append(min(measured))
    small, large = peaks
    per_unit = (large - small) * 2**20 / ((larger - smaller) * memories_read)
    return (
        per_unit,
        f"{'traced ' if traced else ''}peak {small:.2f} MB at {smaller:,} units, {large:.2f} MB at {larger:,}: "
        f"{per_unit:.0f} bytes a unit",
    )
