"""The index cache on disk: damaged caches are rebuilt with a notice, stale ones are never served, concurrent builds agree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_cli
from tmkit.errors import InputError
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching import memory_index
from tmkit.matching.columns import CHECK_BLOCK_BYTES, DamagedFileError
from tmkit.matching.concordance import concordance
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import META_FILE, Column, MemoryIndex, UnusableCache, cache_folder, open_memory
from tmkit.matching.word_index import WordIndex
from tmkit.memory.model import Header, Memory, Prop, Segment, Status, TranslationUnit, Variant
from tmkit.text.normalize import Normalizer

_WORDS = (
    "الحكومة",
    "الجديدة",
    "أعلنت",
    "اليوم",
    "عن",
    "خطة",
    "لدعم",
    "المزارعين",
    "في",
    "المناطق",
    "الريفية",
    "والمدن",
)


def _pair_unit(number: int, *, filler: str = "") -> TranslationUnit:
    """A unit whose source and target both carry its number, so a match from the wrong entry shows."""
    words = [_WORDS[(number + i) % len(_WORDS)] for i in range(6 + number % 5)]
    unit = TranslationUnit(
        [
            Variant("ar", Segment.from_text(f"{' '.join(words)} رقم {number}")),
            Variant("en", Segment.from_text(f"Government plan number {number}{filler}")),
        ],
        status=(Status.TRANSLATED, Status.REVIEWED, Status.DRAFT)[number % 3],
        tuid=f"u{number}",
    )
    unit.creation_id, unit.change_date = f"translator{number % 4}", f"2024010{number % 9 + 1}T120000Z"
    if number % 7 == 0:
        unit.props = [Prop("x-context-prev", "سياق سابق")]
    return unit


def _memory(path: Path, count: int, *, filler: str = "") -> Path:
    write_tmx(path, Memory(Header(srclang="ar"), [_pair_unit(n, filler=filler) for n in range(count)]))
    return path


def _answers(index: MemoryIndex, queries: list[str]) -> list[list[dict[str, object]]]:
    matcher = Matcher([index])
    return [[match.as_dict() for match in matcher.match(query, score_cutoff=50)] for query in queries]


def _everything(index: MemoryIndex) -> dict[str, list[object]]:
    """Every string of every column and every concordance posting list: all a lookup could ever read."""
    found: dict[str, list[object]] = {
        column.value: [index.text(column, e) for e in range(len(index))] for column in Column
    }
    for side, words in (("source", index.source_words), ("target", index.target_words)):
        assert isinstance(words, WordIndex), "a built or loaded index, no delta"
        starts = words.word_starts
        found[side] = [list(words.word_postings[starts[row] : starts[row + 1]]) for row in range(len(starts) - 1)]
    return found


def _queries() -> list[str]:
    exact = [_pair_unit(n).variants[0].text for n in (0, 7, 13, 29)]
    return [
        *exact,
        "الحكومة الجديدة أعلنت خطة لدعم المزارعين",
        _pair_unit(13).variants[0].text.replace("رقم 13", "رقم 31"),
    ]


def _flip_middle_byte(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01
    file.write_bytes(bytes(data))


def _truncate_to_zero(file: Path) -> None:
    file.write_bytes(b"")


def _truncate_by_half(file: Path) -> None:
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2])


def _delete(file: Path) -> None:
    file.unlink()


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "flip a byte in the middle": _flip_middle_byte,
    "truncate to zero": _truncate_to_zero,
    "truncate by half": _truncate_by_half,
    "delete": _delete,
}


@pytest.fixture(scope="module")
def cached_memory(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[list[dict[str, object]]]]:
    """A memory with its cache built, the queries asked of it and the answers of a fresh build."""
    folder = tmp_path_factory.mktemp("cached")
    path = _memory(folder / "tm.tmx", 60)
    queries = _queries()
    expected = _answers(open_memory(path, source_lang="ar", target_lang="en", cache=False), queries)
    assert all(expected), "every query should find something"
    open_memory(path, source_lang="ar", target_lang="en")
    return path, queries, expected


@pytest.fixture(scope="module")
def fresh_everything(cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]]) -> dict[str, list[object]]:
    return _everything(open_memory(cached_memory[0], source_lang="ar", target_lang="en", cache=False))


def _checked_by_blocks(folder: Path) -> set[str]:
    """The cache files read by parts, each read checked block by block (the others are checked whole at load)."""
    files = json.loads((folder / META_FILE).read_bytes())["files"]
    return {name for name, entry in files.items() if "block_checksums" in entry}


def _copy_of(cached: Path, into: Path) -> Path:
    """A copy of the memory and its cache folder (modification times kept)."""
    shutil.copy2(cached, into / cached.name)
    shutil.copytree(cache_folder(cached, "ar", "en"), cache_folder(into / cached.name, "ar", "en"))
    return into / cached.name


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_every_damaged_cache_file_is_rebuilt_with_a_notice_never_served(
    corruption: str,
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]],
    fresh_everything: dict[str, list[object]],
    tmp_path: Path,
) -> None:
    cached, queries, expected = cached_memory
    names = sorted(p.name for p in cache_folder(cached, "ar", "en").iterdir())
    by_blocks = _checked_by_blocks(cache_folder(cached, "ar", "en"))
    assert META_FILE in names and len(names) > 40 and len(by_blocks) == 16
    for number, name in enumerate(names):
        case = tmp_path / str(number)
        case.mkdir()
        path = _copy_of(cached, case)
        folder = cache_folder(path, "ar", "en")
        CORRUPTIONS[corruption](folder / name)
        notices: list[str] = []
        index = open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append)
        if name not in by_blocks or corruption != "flip a byte in the middle":
            # Checked whole at load, or of the wrong size: found before any lookup.
            assert len(notices) == 1 and "damaged" in notices[0] and name in notices[0], (name, notices)
        assert _answers(index, queries) == expected, f"{corruption} {name}"
        # Whatever a lookup could read is right: a damaged block is found when read, never served.
        assert _everything(index) == fresh_everything, f"{corruption} {name}"
        assert len(notices) <= 1 and all("damaged" in notice and name in notice for notice in notices), (name, notices)
        # The rebuilt cache is sound: served again without a notice, answering alike.
        again: list[str] = []
        assert (
            _answers(open_memory(path, source_lang="ar", target_lang="en", on_notice=again.append), queries) == expected
        )
        assert again == []


def _resealed(meta: dict[str, object]) -> dict[str, object]:
    """Metadata altered and given a checksum that fits it, as a bug rather than a bit flip would leave it."""
    body = {key: value for key, value in meta.items() if key != "checksum"}
    return {**body, "checksum": memory_index._meta_checksum(body)}


def _garbage_metadata(sound: bytes) -> dict[str, bytes]:
    meta = json.loads(sound)
    fewer_files = {**meta, "files": {k: v for k, v in meta["files"].items() if k != "column.target_xml.bin"}}
    wrong_types = {**meta, "files": {k: "big" for k in meta["files"]}}
    escaping = {**meta, "files": {**meta["files"], "../tm.tmx": {"size": 1, "crc32": 1}}}
    return {
        "broken JSON": b"{broken",
        "a list": b"[]",
        "an empty object": b"{}",
        "not UTF-8": b'{"format": "\xff\xfe"}',
        "a changed value under the old checksum": sound.replace(b'"source_lang": "ar"', b'"source_lang": "en"'),
        "a file left out of the list": json.dumps(_resealed(fewer_files)).encode(),
        "fields of the wrong type": json.dumps(_resealed(wrong_types)).encode(),
        "a file outside the folder": json.dumps(_resealed(escaping)).encode(),
    }


def test_garbage_metadata_is_rebuilt_with_a_notice(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    cached, queries, expected = cached_memory
    sound = (cache_folder(cached, "ar", "en") / META_FILE).read_bytes()
    for number, (what, garbage) in enumerate(_garbage_metadata(sound).items()):
        assert garbage != sound
        case = tmp_path / str(number)
        case.mkdir()
        path = _copy_of(cached, case)
        (cache_folder(path, "ar", "en") / META_FILE).write_bytes(garbage)
        notices: list[str] = []
        index = open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append)
        assert _answers(index, queries) == expected, what
        assert len(notices) == 1 and META_FILE in notices[0], (what, notices)


def _flip_byte_of_entry(folder: Path, column: Column, entry: int) -> None:
    """Flip a byte in the middle of one entry's string in a column kept on disk (its length kept)."""
    starts = np.load(folder / f"column.{column}.starts.npy")
    data = bytearray((folder / f"column.{column}.bin").read_bytes())
    data[(int(starts[entry]) + int(starts[entry + 1])) // 2] ^= 0x01
    (folder / f"column.{column}.bin").write_bytes(bytes(data))


def test_load_refuses_a_damaged_folder_and_says_which_file(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    path = _copy_of(cached_memory[0], tmp_path)
    folder = cache_folder(path, "ar", "en")
    _flip_middle_byte(folder / "candidates.gram_postings.npy")
    with pytest.raises(UnusableCache, match=r"candidates\.gram_postings\.npy: checksum mismatch") as raised:
        MemoryIndex.load(folder, normalizer=Normalizer("ar"))
    assert raised.value.damaged


def test_a_damaged_string_raises_when_read_and_nothing_else_does(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    path = _copy_of(cached_memory[0], tmp_path)
    folder = cache_folder(path, "ar", "en")
    _flip_byte_of_entry(folder, Column.TARGET_XML, 0)
    index, _fingerprint = MemoryIndex.load(folder, normalizer=Normalizer("ar"))  # nothing of it read at load
    assert "رقم 0" in index.text(Column.SOURCE_XML, 0) and index.text(Column.TUID, 0) == "u0"  # other files
    with pytest.raises(DamagedFileError, match=r"column\.target_xml\.bin: checksum mismatch in block 0"):
        index.text(Column.TARGET_XML, 0)


def test_a_block_no_lookup_reads_costs_nothing_until_it_is_read_then_is_rebuilt(tmp_path: Path) -> None:
    path = _memory(tmp_path / "tm.tmx", 200, filler=" and the ministry will report on it every month" * 4)
    expected = open_memory(path, source_lang="ar", target_lang="en", cache=False)
    open_memory(path, source_lang="ar", target_lang="en")
    folder = cache_folder(path, "ar", "en")
    starts = np.load(folder / "column.target_xml.starts.npy")
    assert starts[160] // CHECK_BLOCK_BYTES > starts[2] // CHECK_BLOCK_BYTES  # entries 2 and 160 in other blocks
    _flip_byte_of_entry(folder, Column.TARGET_XML, 160)  # a block the query below does not read
    meta_inode = (folder / META_FILE).stat().st_ino
    notices: list[str] = []
    index = open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append)
    query = _pair_unit(2).variants[0].text
    assert Matcher([index]).match(query)[0].target.plain.startswith("Government plan number 2 ")
    assert notices == [] and (folder / META_FILE).stat().st_ino == meta_inode  # loaded without reading the block
    assert index.text(Column.TARGET_XML, 160) == expected.text(Column.TARGET_XML, 160)
    assert len(notices) == 1 and "column.target_xml.bin: checksum mismatch in block" in notices[0], notices
    assert (folder / META_FILE).stat().st_ino != meta_inode  # rebuilt and saved
    assert _everything(index) == _everything(expected) and len(notices) == 1
    again: list[str] = []
    assert _everything(open_memory(path, source_lang="ar", target_lang="en", on_notice=again.append)) == _everything(
        expected
    )
    assert again == []


def test_damaged_concordance_postings_are_found_when_read(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    cached, _queries_asked, _expected = cached_memory
    path = _copy_of(cached, tmp_path)
    fresh = concordance([open_memory(path, source_lang="ar", target_lang="en", cache=False)], "المزارعين")
    folder = cache_folder(path, "ar", "en")
    data = bytearray((folder / "source_words.word_postings.npy").read_bytes())
    data[-3] ^= 0x10  # an entry number in the last posting list
    (folder / "source_words.word_postings.npy").write_bytes(bytes(data))
    notices: list[str] = []
    index = open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append)
    for phrase in ("المزارعين", *_WORDS):
        assert concordance([index], phrase) == concordance(
            [open_memory(path, source_lang="ar", target_lang="en", cache=False)], phrase
        )
    assert fresh and len(notices) == 1 and "source_words.word_postings.npy" in notices[0], notices


def test_a_damaged_read_after_the_memory_changed_is_refused_not_misnumbered(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    path = _copy_of(cached_memory[0], tmp_path)
    _flip_byte_of_entry(cache_folder(path, "ar", "en"), Column.TARGET_XML, 0)
    index = open_memory(path, source_lang="ar", target_lang="en")
    _memory(path, 61)  # another unit: the entry numbers a lookup holds may now name other entries
    with pytest.raises(InputError, match="changed on disk while in use"):
        index.text(Column.TARGET_XML, 0)


def test_a_cache_replaced_by_another_process_while_loading_is_not_called_damaged(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _copy_of(cached_memory[0], tmp_path)
    folder = cache_folder(path, "ar", "en")
    # The memory edited in place, same length: the cache on disk is stale, and another process is rebuilding it.
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Government plan number 13<", b"Government PLAN number 13<"))
    assert path.read_bytes() != data
    real_read_cache_meta = memory_index.read_cache_meta
    replaced: list[int] = []

    def read_then_replaced(folder_read: Path, *, normalizer: Normalizer) -> memory_index.CacheMeta:
        meta = real_read_cache_meta(folder_read, normalizer=normalizer)
        if not replaced:  # the other process's save lands between this reader's metadata and its files
            rebuilt = MemoryIndex.build(memory_index.TmxReader(path), source_lang="ar", target_lang="en")
            rebuilt.save(folder, fingerprint=memory_index.file_fingerprint(path))
            replaced.append(1)
        return meta

    monkeypatch.setattr(memory_index, "read_cache_meta", read_then_replaced)
    notices: list[str] = []
    index = open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append)
    assert replaced and notices == []
    query = _pair_unit(13).variants[0].text
    assert Matcher([index]).match(query)[0].target.plain.startswith("Government PLAN number 13")


def test_a_cache_of_another_version_is_rebuilt_without_a_notice(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    cached, queries, expected = cached_memory
    path = _copy_of(cached, tmp_path)
    meta_file = cache_folder(path, "ar", "en") / META_FILE
    meta_file.write_text(json.dumps({"format": "tmkit-index-6", "arrays": []}), encoding="utf-8")
    notices: list[str] = []
    assert (
        _answers(open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append), queries) == expected
    )
    assert notices == []
    assert json.loads(meta_file.read_text(encoding="utf-8"))["format"] == memory_index.INDEX_FORMAT


def test_the_cli_says_so_in_one_line_and_answers_as_a_fresh_build(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    cached, queries, _expected = cached_memory
    path = _copy_of(cached, tmp_path)
    fresh = run_cli("match", "--no-cache", "--json", path, queries[1])
    _flip_byte_of_entry(cache_folder(path, "ar", "en"), Column.TARGET_XML, 7)  # the target this query finds
    damaged = run_cli("match", "--json", path, queries[1])
    assert (damaged.code, damaged.stdout) == (0, fresh.stdout)
    assert damaged.stderr.count("\n") == 1 and "damaged" in damaged.stderr and "column.target_xml.bin" in damaged.stderr
    assert run_cli("match", "--json", path, queries[1]).stderr == ""


def _edit_in_the_middle(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (same length) and give the file its old modification time back (`touch -r`)."""
    assert len(old) == len(new)
    before = path.stat()
    data = path.read_bytes()
    at = data.index(old)
    assert 1 << 20 < at < len(data) - (1 << 20), "the edit must be more than 1 MB from either end"
    path.write_bytes(data[:at] + new + data[at + len(old) :])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


@pytest.mark.parametrize("how", ["touch -r", "cp -p"])
def test_a_mid_file_edit_keeping_size_and_mtime_is_seen(how: str, tmp_path: Path) -> None:
    filler = " " + "and the ministry will report on it every month " * 12
    path = _memory(tmp_path / "big.tmx", 2400, filler=filler)
    assert path.stat().st_size > 2 << 20
    query = _pair_unit(1200).variants[0].text
    first = open_memory(path, source_lang="ar", target_lang="en")
    assert Matcher([first]).match(query)[0].target.plain.startswith("Government plan number 1200 ")
    old, new = b"Government plan number 1200 ", b"Government PLAN number 1200 "
    if how == "touch -r":
        _edit_in_the_middle(path, old, new)
    else:
        edited = tmp_path / "edited" / path.name
        edited.parent.mkdir()
        shutil.copy2(path, edited)
        _edit_in_the_middle(edited, old, new)
        os.utime(edited, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
        shutil.copy2(edited, path)  # cp -p: content and modification time together
    again = open_memory(path, source_lang="ar", target_lang="en")
    assert Matcher([again]).match(query)[0].target.plain.startswith("Government PLAN number 1200 ")


def test_a_touched_memory_keeps_its_cache(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    path = _copy_of(cached_memory[0], tmp_path)
    meta_file = cache_folder(path, "ar", "en") / META_FILE
    saved = meta_file.stat().st_ino
    os.utime(path, ns=(1, 1))  # a checkout or a `touch`: same content, so the same index
    open_memory(path, source_lang="ar", target_lang="en")
    assert meta_file.stat().st_ino == saved


def test_a_save_removes_what_killed_saves_left_and_nothing_else(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    path = _copy_of(cached_memory[0], tmp_path)
    folder = cache_folder(path, "ar", "en")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead_pid = int(dead.stdout)
    leftovers = [tmp_path / f".{folder.name}.{kind}-{dead_pid}.x1y2" for kind in ("staging", "replaced")]
    alive = tmp_path / f".{folder.name}.staging-{os.getpid()}.a1b2"  # a save under way in a running process
    unrelated = tmp_path / f".{folder.name}.notes"
    for made in (*leftovers, alive, unrelated):
        made.mkdir()
        (made / "column.source_xml.bin").write_bytes(b"x" * 100)
    path.write_bytes(path.read_bytes() + b"\n")  # a changed memory: the cache is updated by a delta, saved beside it
    open_memory(path, source_lang="ar", target_lang="en")
    assert not any(p.exists() for p in leftovers)
    assert alive.is_dir() and unrelated.is_dir()
    delta = f"{folder.name}-delta"
    expected = [path.name, folder.name, delta, alive.name, unrelated.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)


_BUILD_AND_MATCH = """
import json, sys
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import open_memory
index = open_memory(sys.argv[1], source_lang="ar", target_lang="en", on_notice=lambda line: print(line, file=sys.stderr))
print(json.dumps([[m.as_dict() for m in Matcher([index]).match(q, score_cutoff=50)] for q in sys.argv[2:]]))
"""


@pytest.mark.slow
def test_two_processes_building_at_once_both_answer_right(tmp_path: Path) -> None:
    path = _memory(tmp_path / "tm.tmx", 3000)
    queries = _queries()
    expected = json.loads(
        json.dumps(_answers(open_memory(path, source_lang="ar", target_lang="en", cache=False), queries))
    )
    for _round in range(2):
        shutil.rmtree(cache_folder(path, "ar", "en"), ignore_errors=True)
        command = [sys.executable, "-c", _BUILD_AND_MATCH, str(path), *queries]
        builders = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
        ]
        for builder in builders:
            out, err = builder.communicate(timeout=120)
            assert builder.returncode == 0, err
            assert json.loads(out) == expected
            assert "damaged" not in err
        notices: list[str] = []
        index = open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append)
        assert _answers(index, queries) == expected and notices == []
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, cache_folder(path, "ar", "en").name])
