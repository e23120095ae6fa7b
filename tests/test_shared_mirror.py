"""A shared memory's index cached on this machine (tmkit.shared.mirror): brought up to date by others' changes,
rebuilt when damaged, shared by processes opening at once, filed per memory and never under a URL."""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli
from tests.postgres_fixtures import with_database
from tmkit.formats.tmx_reader import load_tmx
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Segment, Status, TranslationUnit, Variant

pytestmark = pytest.mark.postgres

#: What a lookup gives that the mirror must give exactly as a fresh build: score, texts, status, tuid.
Result = tuple[float, str, str, str, str | None]


def _init_with(url: str, memory: Path = SAMPLES / "news-memory.tmx") -> None:
    assert run_cli("db", "init", url).code == 0
    imported = run_cli("db", "import", url, str(memory))
    assert imported.code == 0, imported.stderr


def _queries() -> list[tuple[str, str | None, str | None]]:
    """Every source of the sample memory with its neighbours (101% matches where they are still the neighbours),
    and each once more with a word changed (fuzzy matches)."""
    units = load_tmx(SAMPLES / "news-memory.tmx").units
    sources = [unit.variants[0].text for unit in units]
    found: list[tuple[str, str | None, str | None]] = []
    for number, text in enumerate(sources):
        if number % 3:
            continue  # a third of them, spread over the memory: the tests stay quick
        before = sources[number - 1] if number else None
        after = sources[number + 1] if number + 1 < len(sources) else None
        found.append((text, before, after))
        words = text.split()
        found.append((" ".join([*words[:-1], "اليوم"]), None, None))
    return found


def _lookups(index: MemoryIndex, queries: list[tuple[str, str | None, str | None]]) -> list[list[Result]]:
    matcher = Matcher([index])
    return [
        [
            (m.score, m.source.plain, m.target.plain, m.status.value, m.tuid)
            for m in matcher.match(text, previous=before, following=after)
        ]
        for text, before, after in queries
    ]


def _fresh(url: str) -> MemoryIndex:
    from tmkit.shared.store import open_shared_index

    return open_shared_index(url, source_lang="ar", target_lang="en", cache=False)


def _mirror(url: str, notices: list[str] | None = None) -> MemoryIndex:
    from tmkit.shared.mirror import open_mirror

    return open_mirror(url, source_lang="ar", target_lang="en", on_notice=None if notices is None else notices.append)


def _assert_same_as_fresh(url: str, index: MemoryIndex, queries: list[tuple[str, str | None, str | None]]) -> None:
    fresh = _fresh(url)
    assert len(index) == len(fresh)
    assert _lookups(index, queries) == _lookups(fresh, queries)


def _unit(arabic: str, english: str, *, tuid: str | None = None) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(arabic)), Variant("en", Segment.from_text(english))],
        status=Status.TRANSLATED,
        tuid=tuid,
    )


def _folders(url: str) -> tuple[Path, Path]:
    """The mirror's main folder and its delta's."""
    import psycopg

    from tmkit.matching.memory_delta import delta_folder
    from tmkit.shared.mirror import mirror_folder

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT id::text FROM tmkit.memory").fetchone()
    assert row is not None
    folder = mirror_folder(row[0], "ar", "en")
    return folder, delta_folder(folder)


def test_the_mirror_follows_units_others_add_change_and_delete_as_a_fresh_build_would(postgres_url: str) -> None:
    import psycopg

    from tmkit.shared.store import SharedMemory

    _init_with(postgres_url)
    queries = _queries()
    first = _mirror(postgres_url)
    _assert_same_as_fresh(postgres_url, first, queries)
    main, delta = _folders(postgres_url)
    built = (main / "meta.json").stat().st_ino
    assert not delta.exists()

    with SharedMemory(postgres_url) as other, psycopg.connect(postgres_url, autocommit=True) as by_hand:
        stored = list(other.stored_units())
        # A unit changed through tmkit, one changed and one deleted by hand-written SQL (neighbours of each
        # other, so contexts change too), one added through tmkit and one by hand.
        changed = stored[10]
        changed.unit.variants[1] = Variant("en", Segment.from_text("A translation changed by another editor."))
        other.update(changed.id, changed.unit, expected_version=changed.version)
        by_hand.execute(
            "UPDATE tmkit.units SET body = %s WHERE id = %s", [_body_with_target(stored[20]), stored[20].id]
        )
        by_hand.execute("DELETE FROM tmkit.units WHERE id = %s", [stored[21].id])
        other.add(_unit("افتتح الوزير معرضا جديدا للكتاب في العاصمة.", "The minister opened a new book fair."))
        by_hand.execute(
            "INSERT INTO tmkit.units (tuid, status, rejected, body) SELECT 'by-hand', status, rejected, body "
            "FROM tmkit.units WHERE id = %s",
            [stored[30].id],
        )

    second = _mirror(postgres_url)
    _assert_same_as_fresh(postgres_url, second, queries)
    # Brought up to date by a delta beside the cached index, which was not built again.
    assert delta.is_dir() and (main / "meta.json").stat().st_ino == built
    assert any(
        m.target.plain == "A translation changed by another editor."
        for m in Matcher([second]).match(stored[10].unit.variants[0].text)
    )

    # More changes on top: the delta grows, still as a fresh build, and a cached open with none changes nothing.
    with psycopg.connect(postgres_url, autocommit=True) as by_hand:
        by_hand.execute("DELETE FROM tmkit.units WHERE id IN (%s, %s)", [stored[11].id, stored[0].id])
    _assert_same_as_fresh(postgres_url, _mirror(postgres_url), queries)
    before = (delta / "meta.json").stat().st_ino
    _assert_same_as_fresh(postgres_url, _mirror(postgres_url), queries)
    assert (delta / "meta.json").stat().st_ino == before and (main / "meta.json").stat().st_ino == built


def _body_with_target(stored: object) -> str:
    from tmkit.shared.codec import unit_to_json
    from tmkit.shared.store import StoredUnit

    assert isinstance(stored, StoredUnit)
    stored.unit.variants[1] = Variant("en", Segment.from_text("Changed by hand in SQL."))
    return unit_to_json(stored.unit)


def test_a_memory_emptied_by_truncate_and_filled_again_is_built_anew(postgres_url: str) -> None:
    """TRUNCATE fires no row trigger, so no tombstone says the old units are gone: the memory's generation does."""
    import psycopg

    _init_with(postgres_url)
    _mirror(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as by_hand:
        by_hand.execute("TRUNCATE tmkit.units CASCADE")
    imported = run_cli("db", "import", postgres_url, str(SAMPLES / "earlier-visits.tmx"))
    assert imported.code == 0, imported.stderr
    refilled = _mirror(postgres_url)
    _assert_same_as_fresh(postgres_url, refilled, _queries())
    assert len(refilled) == len(_fresh(postgres_url)) < 100


def test_a_change_committed_late_with_an_earlier_number_is_not_missed(postgres_url: str) -> None:
    """A transaction numbers its change when it writes, not when it commits: one still open when the mirror
    was brought up to date commits a number below what the mirror has seen, and must still reach it."""
    import psycopg

    from tmkit.shared.store import SharedMemory

    _init_with(postgres_url)
    queries = _queries()
    _mirror(postgres_url)
    with SharedMemory(postgres_url) as other:
        stored = list(other.stored_units())
        slow = psycopg.connect(postgres_url)  # not autocommit: its transaction stays open
        try:
            slow.execute("UPDATE tmkit.units SET body = %s WHERE id = %s", [_body_with_target(stored[5]), stored[5].id])
            quick = stored[40]
            quick.unit.variants[1] = Variant("en", Segment.from_text("Committed while the other was open."))
            other.update(quick.id, quick.unit, expected_version=quick.version)
            _assert_same_as_fresh(postgres_url, _mirror(postgres_url), queries)  # sees the quick one only
            slow.commit()
        finally:
            slow.close()
    late = _mirror(postgres_url)
    _assert_same_as_fresh(postgres_url, late, queries)
    assert any(
        m.target.plain == "Changed by hand in SQL." for m in Matcher([late]).match(stored[5].unit.variants[0].text)
    )


@pytest.mark.parametrize("damage", ["flipped", "truncated", "meta"])
def test_a_damaged_cache_is_rebuilt_with_a_notice(postgres_url: str, damage: str) -> None:
    _init_with(postgres_url)
    queries = _queries()
    _mirror(postgres_url)
    main, _ = _folders(postgres_url)
    if damage == "meta":
        victim = main / "meta.json"
        victim.write_bytes(victim.read_bytes().replace(b'"unit_count"', b'"unit_kount"'))
    else:
        victim = main / "layer.unit_ids.npy"  # which database unit each number is
        data = bytearray(victim.read_bytes())
        if damage == "flipped":
            data[-3] ^= 0x01
        else:
            del data[len(data) // 2 :]
        victim.write_bytes(bytes(data))
    notices: list[str] = []
    index = _mirror(postgres_url, notices)
    assert len(notices) == 1 and "cached index is damaged" in notices[0] and "rebuilding" in notices[0]
    _assert_same_as_fresh(postgres_url, index, queries)
    again: list[str] = []
    _assert_same_as_fresh(postgres_url, _mirror(postgres_url, again), queries)
    assert again == []  # the rebuilt cache is sound


def test_a_block_found_damaged_by_a_lookup_is_one_line_and_the_next_open_builds_anew(postgres_url: str) -> None:
    """The texts are read entry by entry, each read checked: a damaged block fails the lookup with one line
    (its entry numbers belong to the cache as loaded), and the cache is gone for the next open to build."""
    from tmkit.errors import InputError

    _init_with(postgres_url)
    queries = _queries()
    _mirror(postgres_url)
    main, _ = _folders(postgres_url)
    victim = main / "column.target_xml.bin"  # the first unit's translation, which the first query finds
    data = bytearray(victim.read_bytes())
    data[10] ^= 0x01
    victim.write_bytes(bytes(data))
    notices: list[str] = []
    index = _mirror(postgres_url, notices)
    assert notices == []  # read by parts: not checked whole at load
    with pytest.raises(InputError, match=r"cached index is damaged .*run again"):
        _lookups(index, queries)
    assert not main.exists()
    _assert_same_as_fresh(postgres_url, _mirror(postgres_url, notices), queries)
    assert notices == []


def _open_and_look_up(url: str, cache_home: str) -> list[list[Result]]:
    """In a process of its own: open the mirror (with the test's cache folder) and look every query up."""
    import os

    os.environ["XDG_CACHE_HOME"] = cache_home
    return _lookups(_mirror(url), _queries())


@pytest.mark.slow
def test_two_processes_opening_at_once_both_get_the_memory(postgres_url: str) -> None:
    import os

    from tmkit.shared.store import SharedMemory

    _init_with(postgres_url)
    queries = _queries()
    cache_home = os.environ["XDG_CACHE_HOME"]
    context = multiprocessing.get_context("spawn")

    def both() -> list[list[list[Result]]]:
        with ProcessPoolExecutor(2, mp_context=context) as pool:
            runs = [pool.submit(_open_and_look_up, postgres_url, cache_home) for _ in range(2)]
            return [run.result(timeout=120) for run in runs]

    expected = _lookups(_fresh(postgres_url), queries)
    assert both() == [expected, expected]  # both build, both save: the last rename wins whole
    with SharedMemory(postgres_url) as other:
        other.add(_unit("افتتح الوزير معرضا جديدا للكتاب في العاصمة.", "The minister opened a new book fair."))
        first = next(other.stored_units())
        first.unit.variants[1] = Variant("en", Segment.from_text("Changed before both opened."))
        other.update(first.id, first.unit, expected_version=first.version)
    expected = _lookups(_fresh(postgres_url), queries)
    assert both() == [expected, expected]  # both make and save the delta
    notices: list[str] = []
    _assert_same_as_fresh(postgres_url, _mirror(postgres_url, notices), queries)
    assert notices == []


@pytest.fixture
def second_database(postgres_url: str) -> Iterator[str]:
    """Another new database on the same server as ``postgres_url``, dropped after the test."""
    import psycopg

    name = f"tmkit_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    try:
        yield with_database(postgres_url, name)
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_two_databases_holding_the_same_memory_never_share_a_cache(postgres_url: str, second_database: str) -> None:
    from tmkit.shared.store import SharedMemory

    for url in (postgres_url, second_database):
        _init_with(url)
    queries = _queries()
    _mirror(postgres_url)
    _mirror(second_database)
    assert _folders(postgres_url)[0] != _folders(second_database)[0]
    with SharedMemory(second_database) as other:
        first = next(other.stored_units())
        first.unit.variants[1] = Variant("en", Segment.from_text("Only in the second database."))
        other.update(first.id, first.unit, expected_version=first.version)
    _assert_same_as_fresh(second_database, _mirror(second_database), queries)
    untouched = _mirror(postgres_url)
    _assert_same_as_fresh(postgres_url, untouched, queries)
    assert all("Only in" not in m.target.plain for m in Matcher([untouched]).match(first.unit.variants[0].text))


def test_a_password_in_the_url_is_in_no_cache_path_or_file(postgres_url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    _init_with(postgres_url)
    parts = urlsplit(postgres_url)
    secret = "s3cret-Pa55word"
    # The test server trusts its socket, so the password is accepted and not needed.
    with_password = urlunsplit(
        (parts.scheme, f"{parts.username}:{secret}@{parts.hostname or ''}", parts.path, parts.query, "")
    )
    index = _mirror(with_password)
    assert secret not in index.name
    main, delta = _folders(postgres_url)
    host = dict(item.split("=", 1) for item in parts.query.split("&"))["host"]
    from tmkit.shared.store import SharedMemory

    with SharedMemory(postgres_url) as other:
        other.add(_unit("افتتح الوزير معرضا جديدا للكتاب في العاصمة.", "The minister opened a new book fair."))
    _mirror(with_password)
    files = [path for folder in (main, delta) for path in folder.rglob("*") if path.is_file()]
    assert files and any(path.parent == delta for path in files)
    for path in [main, delta, *files]:
        assert secret not in str(path) and host not in str(path)
    for path in files:
        content = path.read_bytes()
        assert secret.encode() not in content and host.encode() not in content, path.name


def test_the_live_index_starts_from_the_mirror_and_holds_only_the_changed_units(postgres_url: str) -> None:
    from tmkit.shared.live import LiveIndex
    from tmkit.shared.store import SharedMemory

    _init_with(postgres_url)
    queries = _queries()
    _mirror(postgres_url)  # the cache the editor then starts from
    main, _ = _folders(postgres_url)
    built = (main / "meta.json").stat().st_ino
    with LiveIndex(postgres_url, source_lang="ar", target_lang="en") as live, SharedMemory(postgres_url) as other:
        assert (main / "meta.json").stat().st_ino == built
        stored = list(other.stored_units())
        changed = stored[100]
        changed.unit.variants[1] = Variant("en", Segment.from_text("Confirmed again by a colleague."))
        other.update(changed.id, changed.unit, expected_version=changed.version)
        other.add(_unit("افتتح الوزير معرضا جديدا للكتاب في العاصمة.", "The minister opened a new book fair."))
        applied: list[object] = []
        for _ in range(40):
            applied += live.follow(timeout=0.25)
            if len(applied) == 2:
                break
        assert len(applied) == 2
        _assert_same_as_fresh(postgres_url, live.index, queries)
        # The changed unit, the new one and their neighbours: not the memory's 364 units.
        assert 0 < len(live.mirror.held) <= 8
