"""Memories that grow: a changed memory's index is updated by a delta, answers as a fresh build, and survives damage."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_cli
from tests.test_index_cache import CORRUPTIONS, _answers, _pair_unit
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching import memory_delta
from tmkit.matching.concordance import concordance
from tmkit.matching.layered import LayeredCandidates
from tmkit.matching.matcher import ExhaustiveMatcher, Matcher
from tmkit.matching.memory_index import META_FILE, MemoryIndex, cache_folder, open_memory
from tmkit.memory.model import Header, Memory, Segment, TranslationUnit, Variant

_COUNT = 60


def _write(path: Path, units: list[TranslationUnit], *, header: Header | None = None) -> None:
    write_tmx(path, Memory(header or Header(srclang="ar"), units))


def _retranslated(number: int, target: str) -> TranslationUnit:
    unit = _pair_unit(number)
    unit.variants[1] = Variant("en", Segment.from_text(target))
    return unit


def _queries(units: list[TranslationUnit]) -> list[str]:
    """The sources of some units (first, middle, last) and a fuzzy variant of one."""
    picks = [units[0], units[len(units) // 2], units[-1], units[len(units) // 3]]
    texts = [unit.variants[0].text for unit in picks]
    return [*texts, texts[1].replace("رقم", "الرقم"), "الحكومة الجديدة أعلنت خطة لدعم المزارعين"]


def _concordances(index: MemoryIndex) -> list[list[tuple[str, str]]]:
    return [
        sorted((hit.source, hit.target) for hit in concordance([index], phrase, limit=1000))
        for phrase in ("المزارعين", "plan number", "رقم 1")
    ]


#: Edits a memory file may see between two lookups, each from the 60 units it was built with.
EDITS: dict[str, Callable[[list[TranslationUnit]], list[TranslationUnit]]] = {
    "append 5 units": lambda units: [*units, *(_pair_unit(n) for n in range(100, 105))],
    "new translation in the middle": lambda units: [*units[:30], _retranslated(30, "A new translation"), *units[31:]],
    "delete a unit in the middle": lambda units: [*units[:20], *units[21:]],
    "insert a unit in the middle": lambda units: [*units[:40], _pair_unit(200), *units[40:]],
    "change the first unit": lambda units: [_retranslated(0, "First, retranslated"), *units[1:]],
    "change the last unit": lambda units: [*units[:-1], _retranslated(_COUNT - 1, "Last, retranslated")],
    "delete the last unit": lambda units: units[:-1],
    "several places at once": lambda units: [
        _retranslated(0, "Changed first"),
        *units[1:10],
        *units[11:50],
        _pair_unit(300),
        *units[50:],
        _pair_unit(301),
    ],
}


def _built(path: Path) -> list[TranslationUnit]:
    units = [_pair_unit(n) for n in range(_COUNT)]
    _write(path, units)
    open_memory(path, source_lang="ar", target_lang="en")
    return units


def _meta_identity(path: Path) -> tuple[int, int]:
    found = (cache_folder(path, "ar", "en") / META_FILE).stat()
    return found.st_ino, found.st_mtime_ns


def _assert_as_fresh(path: Path, index: MemoryIndex, queries: list[str]) -> None:
    fresh = open_memory(path, source_lang="ar", target_lang="en", cache=False)
    assert len(index) == len(fresh), "entries of changed or deleted units are gone, not only hidden"
    assert _answers(index, queries) == _answers(fresh, queries)
    exhaustive = ExhaustiveMatcher([index]), ExhaustiveMatcher([fresh])
    assert [[m.as_dict() for m in matcher.match(queries[1], score_cutoff=50)] for matcher in exhaustive] == [
        [m.as_dict() for m in exhaustive[1].match(queries[1], score_cutoff=50)]
    ] * 2
    assert _concordances(index) == _concordances(fresh)


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_memory_is_updated_by_a_delta_and_answers_as_a_fresh_build(edit: str, tmp_path: Path) -> None:
    path = tmp_path / "tm.tmx"
    units = _built(path)
    main_before = _meta_identity(path)
    edited = EDITS[edit](units)
    _write(path, edited)
    index = open_memory(path, source_lang="ar", target_lang="en")
    assert isinstance(index.candidates, LayeredCandidates), "updated by a delta, not rebuilt"
    assert _meta_identity(path) == main_before, "the main index is kept as it was"
    assert memory_delta.delta_folder(cache_folder(path, "ar", "en")).is_dir()
    _assert_as_fresh(path, index, [*_queries(units), *_queries(edited)])
    # Another process (here: another open) reads the saved delta as it is and answers the same.
    delta_meta = memory_delta.delta_folder(cache_folder(path, "ar", "en")) / META_FILE
    delta_before = delta_meta.stat().st_ino, delta_meta.stat().st_mtime_ns
    again = open_memory(path, source_lang="ar", target_lang="en")
    assert isinstance(again.candidates, LayeredCandidates)
    assert (delta_meta.stat().st_ino, delta_meta.stat().st_mtime_ns) == delta_before, "read, not made again"
    _assert_as_fresh(path, again, [*_queries(units), *_queries(edited)])


def test_a_new_translation_replaces_the_old_at_once_and_a_deleted_unit_disappears(tmp_path: Path) -> None:
    path = tmp_path / "tm.tmx"
    units = _built(path)
    source_12, source_30 = units[12].variants[0].text, units[30].variants[0].text
    _write(path, [*units[:12], *units[13:30], _retranslated(30, "The translator's new text"), *units[31:]])
    matcher = Matcher([open_memory(path, source_lang="ar", target_lang="en")])
    best = matcher.match(source_30, score_cutoff=50)
    assert best[0].target.plain == "The translator's new text"
    assert all(match.target.plain != units[30].variants[1].text for match in best)
    assert all(match.tuid != "u12" for match in matcher.match(source_12, score_cutoff=50))


def test_successive_updates_keep_one_delta_over_the_first_index(tmp_path: Path) -> None:
    path = tmp_path / "tm.tmx"
    units = _built(path)
    main_before = _meta_identity(path)
    for step in range(4):
        units = [
            *units[: 5 + step],
            _retranslated(5 + step, f"Step {step}"),
            *units[6 + step :],
            _pair_unit(400 + step),
        ]
        _write(path, units)
        index = open_memory(path, source_lang="ar", target_lang="en")
        assert isinstance(index.candidates, LayeredCandidates)
        _assert_as_fresh(path, index, [*_queries(units), units[5 + step].variants[0].text])
    assert _meta_identity(path) == main_before


def _best_matches(index: MemoryIndex, query: str) -> tuple[list[float], list[tuple[float, str, str]]]:
    """The scores of a query's best 5 matches, and those of them above the 5th's score, in one order whatever the ties."""
    found = Matcher([index]).match(query, score_cutoff=50, limit=5)
    scores = [match.score for match in found]
    above = [(m.score, m.tuid or "", m.target.plain) for m in found if len(found) < 5 or m.score > scores[-1]]
    return scores, sorted(above, key=lambda m: (-m[0], m[1]))


def test_edits_far_apart_over_successive_updates_answer_as_a_fresh_build(tmp_path: Path) -> None:
    """Inserts, deletions and new translations scattered through a memory, each round a delta over the
    last: the units are then many runs of main units, each moved by its own number of bytes, between
    runs of the delta's own (a round's edits in two places make one changed stretch between them)."""
    filler = " " + "x" * 600  # units of about 1 KB: edits far apart leave whole unchanged blocks between them
    rng = random.Random(13)
    path = tmp_path / "tm.tmx"
    units = [_pair_unit(n, filler=filler) for n in range(300)]
    _write(path, units)
    open_memory(path, source_lang="ar", target_lang="en")
    main_before = _meta_identity(path)
    new_number = 1000
    for round_number in range(8):
        touched = []
        for _ in range(1 + round_number % 2):
            at = rng.randrange(len(units))
            kind = rng.choice(("insert", "delete", "retranslate"))
            if kind == "insert":
                units.insert(at, _pair_unit(new_number, filler=filler))
                new_number += 1
            elif kind == "delete":
                del units[at]
            else:
                units[at] = _pair_unit(int(str(units[at].tuid).removeprefix("u")), filler=filler)
                units[at].variants[1] = Variant("en", Segment.from_text(f"Round {round_number} text{filler}"))
            touched.append(units[min(at, len(units) - 1)].variants[0].text)
        _write(path, units)
        index = open_memory(path, source_lang="ar", target_lang="en")
        assert isinstance(index.candidates, LayeredCandidates), "updated by a delta, not rebuilt"
        fresh = open_memory(path, source_lang="ar", target_lang="en", cache=False)
        assert len(index) == len(fresh)
        # Every unit's words recur every 60 units (only its number differs), so matches tie by the
        # dozen, and which of them make the best 5 depends on entry numbers: the scores are compared,
        # and the matches above the last score, in any order among equals.
        for query in [*_queries(units), *touched]:
            found = [_best_matches(memory, query) for memory in (index, fresh)]
            assert found[0] == found[1], query
        assert _concordances(index) == _concordances(fresh)
    assert _meta_identity(path) == main_before, "every round a delta over the first main index"
    runs = np.load(memory_delta.delta_folder(cache_folder(path, "ar", "en")) / "layer.unit_runs.npy")
    assert len(runs) > 6, "the edits left the memory's units in many runs"


def test_a_changed_header_is_a_full_build(tmp_path: Path) -> None:
    path = tmp_path / "tm.tmx"
    units = _built(path)
    main_before = _meta_identity(path)
    _write(path, [*units, _pair_unit(500)], header=Header(srclang="ar", creation_id="another.translator"))
    index = open_memory(path, source_lang="ar", target_lang="en")
    assert not isinstance(index.candidates, LayeredCandidates)
    assert _meta_identity(path) != main_before
    _assert_as_fresh(path, index, _queries(units))


def test_a_delta_grown_past_its_limit_is_folded_into_a_new_main_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory_delta, "COMPACT_MIN_UNITS", 20)
    monkeypatch.setattr(memory_delta, "COMPACT_FRACTION", 0.0)
    path = tmp_path / "tm.tmx"
    units = _built(path)
    _write(path, [*units, _pair_unit(600)])
    assert isinstance(open_memory(path, source_lang="ar", target_lang="en").candidates, LayeredCandidates)
    grown = [*units, *(_pair_unit(n) for n in range(600, 630))]
    _write(path, grown)
    index = open_memory(path, source_lang="ar", target_lang="en")
    assert not isinstance(index.candidates, LayeredCandidates)
    assert not memory_delta.delta_folder(cache_folder(path, "ar", "en")).exists()
    _assert_as_fresh(path, index, _queries(grown))


@pytest.mark.parametrize(
    "corruption",
    [
        pytest.param(name, marks=pytest.mark.slow) if name == "flip a byte in the middle" else name
        for name in CORRUPTIONS
    ],
)
def test_a_damaged_delta_is_never_served_and_is_made_again(corruption: str, tmp_path: Path) -> None:
    path = tmp_path / "tm.tmx"
    units = _built(path)
    edited = EDITS["several places at once"](units)
    _write(path, edited)
    open_memory(path, source_lang="ar", target_lang="en")
    folder = memory_delta.delta_folder(cache_folder(path, "ar", "en"))
    sound = tmp_path / "sound"
    shutil.copytree(folder, sound)
    queries = _queries(edited)
    expected = _answers(open_memory(path, source_lang="ar", target_lang="en", cache=False), queries)
    names = sorted(os.listdir(sound))
    if corruption != "flip a byte in the middle":
        # Every file of a delta is read and checked alike (whole, at load): one of each kind is enough here.
        kinds = (META_FILE, "status.npy", "column.tuid.bin", "column.tuid.bin.crc32", "layer.unit_runs.npy")
        names = [name for name in kinds if name in names]
        assert len(names) == len(kinds)
    for name in names:
        if corruption == "delete" and name == META_FILE:
            continue  # no metadata is simply no delta, below
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(sound, folder)
        CORRUPTIONS[corruption](folder / name)
        assert _answers(open_memory(path, source_lang="ar", target_lang="en"), queries) == expected, name
    shutil.rmtree(folder)
    _assert_as_fresh(path, open_memory(path, source_lang="ar", target_lang="en"), _queries(edited))


def test_an_editor_confirmation_is_a_match_for_the_next_segment_at_once() -> None:
    """The editor's own document index, updated by `MemoryIndex.with_units` when a segment is confirmed."""
    units = [_pair_unit(n) for n in range(20)]
    blank = [TranslationUnit([unit.variants[0]], tuid=unit.tuid) for unit in units]
    own = MemoryIndex.build(blank, source_lang="ar", target_lang="en")
    query = units[7].variants[0].text
    assert Matcher([own]).match(query) == []
    document = list(blank)
    for row in (7, 8, 19):
        document[row] = units[row]
        own = own.with_units([row], unit_at=lambda n: document[n] if 0 <= n < len(document) else None)
    fresh = MemoryIndex.build(document, source_lang="ar", target_lang="en")
    queries = [units[n].variants[0].text for n in (7, 8, 19, 3)]
    assert _answers(own, queries) == _answers(fresh, queries)
    assert Matcher([own]).match(query)[0].target.plain == units[7].variants[1].text


def test_repeated_confirmations_keep_the_delta_to_the_changed_units_and_their_neighbours() -> None:
    """A long editing session confirms many segments one by one: each update indexes again the units changed so
    far and their neighbours, never neighbours of neighbours (else the delta grows by two units a call)."""
    units = [_pair_unit(n) for n in range(60)]
    own = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    document = list(units)
    for _ in range(10):
        document[30] = _retranslated(30, "the same segment confirmed again")
        own = own.with_units([30], unit_at=lambda n: document[n] if 0 <= n < len(document) else None)
    assert own.delta_units == (30,)
    assert len(own) == len(MemoryIndex.build(document, source_lang="ar", target_lang="en"))
    fresh = MemoryIndex.build(document, source_lang="ar", target_lang="en")
    queries = [document[n].variants[0].text for n in (29, 30, 31, 5)]
    assert _answers(own, queries) == _answers(fresh, queries)


def test_two_processes_updating_at_once_both_answer_right(tmp_path: Path) -> None:
    path = tmp_path / "tm.tmx"
    units = _built(path)
    edited = EDITS["several places at once"](units)
    _write(path, edited)
    queries = _queries(edited)
    script = (
        "import json, sys\n"
        "from tests.test_index_cache import _answers\n"
        "from tmkit.matching.memory_index import open_memory\n"
        f"index = open_memory({str(path)!r}, source_lang='ar', target_lang='en')\n"
        f"print(json.dumps(_answers(index, {queries!r})))\n"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=Path(__file__).parent.parent)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    fresh = _answers(open_memory(path, source_lang="ar", target_lang="en", cache=False), queries)
    assert [json.loads(output) for output in outputs] == [fresh, fresh]
    _assert_as_fresh(path, open_memory(path, source_lang="ar", target_lang="en"), queries)


def test_a_process_killed_while_saving_its_delta_leaves_a_sound_cache(tmp_path: Path) -> None:
    """A real process is killed (SIGKILL) while it writes the delta; the next lookup answers right."""
    path = tmp_path / "tm.tmx"
    units = _built(path)
    edited = [*units, *(_pair_unit(n) for n in range(700, 760))]
    _write(path, edited)
    folder = memory_delta.delta_folder(cache_folder(path, "ar", "en"))
    # The child stops inside the save (after some files are written) and waits to be killed.
    script = (
        "import os, time\n"
        "from tmkit.matching import memory_index\n"
        "real = memory_index._write_checked\n"
        "count = [0]\n"
        "def stalling(*args, **kwargs):\n"
        "    count[0] += 1\n"
        "    if count[0] == 5:\n"
        "        print('writing', flush=True)\n"
        "        time.sleep(600)\n"
        "    return real(*args, **kwargs)\n"
        "memory_index._write_checked = stalling\n"
        f"memory_index.open_memory({str(path)!r}, source_lang='ar', target_lang='en')\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=Path(__file__).parent.parent, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    assert not folder.exists(), "a killed save leaves no delta in place"
    leftovers = [p for p in tmp_path.iterdir() if ".staging-" in p.name]
    assert leftovers, "the kill came while staging"
    index = open_memory(path, source_lang="ar", target_lang="en")
    assert isinstance(index.candidates, LayeredCandidates)
    _assert_as_fresh(path, index, _queries(edited))
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name], "the next save removed what the kill left"


def test_index_compact_folds_the_delta_in(tmp_path: Path) -> None:
    path = tmp_path / "tm.tmx"
    units = _built(path)
    edited = EDITS["several places at once"](units)
    _write(path, edited)
    open_memory(path, source_lang="ar", target_lang="en")
    folder = cache_folder(path, "ar", "en")
    assert memory_delta.delta_folder(folder).exists()
    result = run_cli("index", "compact", str(path))
    assert result.code == 0, result.stderr
    assert "ar-en" in result.stdout
    assert not memory_delta.delta_folder(folder).exists()
    index = open_memory(path, source_lang="ar", target_lang="en")
    assert not isinstance(index.candidates, LayeredCandidates)
    _assert_as_fresh(path, index, _queries(edited))


def test_index_compact_of_a_missing_memory_is_one_line(tmp_path: Path) -> None:
    result = run_cli("index", "compact", str(tmp_path / "none.tmx"))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "none.tmx" in result.stderr
