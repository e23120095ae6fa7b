"""The index cache on disk: damaged caches are rebuilt with a notice, stale ones are never served, concurrent builds agree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching import memory_index
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import META_FILE, MemoryIndex, UnusableCache, cache_folder, open_memory
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


def _copy_of(cached: Path, into: Path) -> Path:
    """A copy of the memory and its cache folder (modification times kept)."""
    shutil.copy2(cached, into / cached.name)
    shutil.copytree(cache_folder(cached, "ar", "en"), cache_folder(into / cached.name, "ar", "en"))
    return into / cached.name


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_every_damaged_cache_file_is_rebuilt_with_a_notice_never_served(
    corruption: str, cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    cached, queries, expected = cached_memory
    names = sorted(p.name for p in cache_folder(cached, "ar", "en").iterdir())
    assert META_FILE in names and len(names) > 30
    for number, name in enumerate(names):
        case = tmp_path / str(number)
        case.mkdir()
        path = _copy_of(cached, case)
        folder = cache_folder(path, "ar", "en")
        CORRUPTIONS[corruption](folder / name)
        notices: list[str] = []
        index = open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append)
        assert _answers(index, queries) == expected, f"{corruption} {name}"
        assert len(notices) == 1 and "damaged" in notices[0] and name in notices[0], (name, notices)
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


def test_load_refuses_a_damaged_folder_and_says_which_file(
    cached_memory: tuple[Path, list[str], list[list[dict[str, object]]]], tmp_path: Path
) -> None:
    path = _copy_of(cached_memory[0], tmp_path)
    folder = cache_folder(path, "ar", "en")
    _flip_middle_byte(folder / "column.target_xml.bin")
    with pytest.raises(UnusableCache, match=r"column\.target_xml\.bin: checksum mismatch") as raised:
        MemoryIndex.load(folder, normalizer=Normalizer("ar"))
    assert raised.value.damaged


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
    _flip_middle_byte(cache_folder(path, "ar", "en") / "column.target_xml.bin")
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
    path.write_bytes(path.read_bytes() + b"\n")  # a changed memory: the cache is rebuilt and saved
    open_memory(path, source_lang="ar", target_lang="en")
    assert not any(p.exists() for p in leftovers)
    assert alive.is_dir() and unrelated.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, folder.name, alive.name, unrelated.name])


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
