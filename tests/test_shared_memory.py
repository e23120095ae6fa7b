"""The shared memory on PostgreSQL: schema and migrations, lossless import and export, versioned writes, live updates."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.helpers import SAMPLES, run_cli
from tests.postgres_fixtures import with_database
from tests.test_tmx_roundtrip import memories, units
from tmkit.defaults import ConflictPolicy
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import dumps_tmx, write_tmx
from tmkit.memory.merge import CONFLICT_PROP
from tmkit.memory.model import Inline, Memory, Note, Segment, Status, TranslationUnit, Variant
from tmkit.shared.codec import unit_from_json, unit_to_json
from tmkit.shared.urls import redacted

# -- without a server ---------------------------------------------------------------------------


@settings(max_examples=100)
@given(unit=units())
def test_a_unit_survives_its_json_row(unit: TranslationUnit) -> None:
    assert unit_from_json(unit_to_json(unit)) == unit


def test_a_password_in_a_url_is_never_shown() -> None:
    assert redacted("postgresql://ann:s3cret@db.example:5432/tm") == "postgresql://ann:***@db.example:5432/tm"
    assert redacted("postgresql://ann@/tm?host=/run&password=s3cret") == "postgresql://ann@/tm?host=/run&password=***"
    assert redacted("postgresql:///tm") == "postgresql:///tm"
    # As libpq reads a URI: `#` and `?` are a password's own characters, and the credentials end at the first `@`
    # (a team lead's trial: `Ab#12` was printed by every command and written into a working file's origin props).
    assert redacted("postgresql://secr:Ab#12@127.0.0.1:54330/tm") == "postgresql://secr:***@127.0.0.1:54330/tm"
    assert redacted("postgres://ann:pa?ss@db/tm") == "postgres://ann:***@db/tm"
    assert redacted("postgresql://ann:p%2312@db/tm") == "postgresql://ann:***@db/tm"
    assert redacted("postgresql://ann@db/tm?PassWord=s3cret&x=1") == "postgresql://ann@db/tm?PassWord=***&x=1"
    # An @ left in a password: libpq takes only its start, and the rest of it is hidden too.
    assert redacted("postgresql://ann:Zz@9/q?x@db/tm") == "postgresql://ann:***@db/tm"
    assert redacted("postgresql://ann@db:5432/tm?sslmode=require") == "postgresql://ann@db:5432/tm?sslmode=require"
    # A `/` in a password, an `@` in a parameter (a reviewer's second look: `se/cret` was shown whole, and host and
    # database were lost from a URL with application_name=a@b).
    assert redacted("postgresql://ann:se/cret@127.0.0.1:1/tm") == "postgresql://ann:***@127.0.0.1:1/tm"
    assert (
        redacted("postgresql://ann:pw@db/tm?application_name=a@b") == "postgresql://ann:***@db/tm?application_name=a@b"
    )


@pytest.mark.parametrize("password", ["s3cret", "Ab#12", "a?b&c", "p%2312", "se/cret", "Zz@9/q?x"])
def test_commands_never_show_a_password_whatever_its_characters(tmp_path: Path, password: str) -> None:
    url = f"postgresql://ann:{password}@/tm?host={tmp_path}&port=1"
    for command in (["db", "init", url], ["match", url, "نص"], ["stats", url]):
        result = run_cli(*command)
        assert result.code == 2, command
        shown = result.stdout + result.stderr
        assert password not in shown and "#12" not in shown and "s3cret" not in shown, (command, shown)


def test_a_server_that_does_not_answer_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://ann:s3cret@/tm?host={tmp_path}&port=1"
    result = run_cli("db", "init", url)
    assert result.code == 2
    assert "s3cret" not in result.stderr
    assert result.stderr.startswith(f"tmkit: error: postgresql://ann:***@/tm?host={tmp_path}&port=1: cannot connect")
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_refuses_a_path_that_is_not_a_url(tmp_path: Path) -> None:
    result = run_cli("db", "export", str(tmp_path / "m.tmx"), "-o", str(tmp_path / "out.tmx"))
    assert result.code == 2
    assert "not a database URL" in result.stderr


# -- against the server -------------------------------------------------------------------------


def _init(url: str) -> None:
    result = run_cli("db", "init", url)
    assert result.code == 0, result.stderr


@pytest.mark.postgres
def test_init_creates_a_versioned_schema_once(postgres_url: str) -> None:
    import psycopg

    from tmkit.shared.schema import MIGRATIONS, SCHEMA_VERSION

    first = run_cli("db", "init", postgres_url)
    again = run_cli("db", "init", postgres_url)
    every = ", ".join(str(m.version) for m in MIGRATIONS)
    assert first.code == 0 and f"at version {SCHEMA_VERSION} (applied {every})" in first.stderr
    assert again.code == 0 and f"already at version {SCHEMA_VERSION}" in again.stderr
    with psycopg.connect(postgres_url) as conn:
        versions = conn.execute("SELECT version FROM tmkit.migrations ORDER BY version").fetchall()
        assert versions == [(m.version,) for m in MIGRATIONS]
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'").fetchone() == ("pg_trgm",)
        index = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'segments_grams'").fetchone()
        assert index is not None and "gin__int_ops" in index[0]


@pytest.mark.postgres
def test_init_refuses_a_database_that_gives_arabic_no_trigrams(postgres_url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE DATABASE tmkit_c_locale TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C' LC_COLLATE 'C'")
        try:
            result = run_cli("db", "init", with_database(postgres_url, "tmkit_c_locale"))
        finally:
            conn.execute("DROP DATABASE tmkit_c_locale WITH (FORCE)")
    assert result.code == 2
    assert "LC_CTYPE is C" in result.stderr and "Arabic" in result.stderr


@pytest.mark.postgres
def test_init_with_roles_grants_reading_and_writing(postgres_url: str) -> None:
    import psycopg

    assert run_cli("db", "init", "--roles", postgres_url).code == 0
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute(
            "SELECT grantee, privilege_type FROM information_schema.role_table_grants "
            "WHERE table_schema = 'tmkit' AND table_name = 'units' AND grantee LIKE 'tmkit_%'"
        ).fetchall()
    assert {p for g, p in rows if g == "tmkit_reader"} == {"SELECT"}
    assert {p for g, p in rows if g == "tmkit_writer"} == {"SELECT", "INSERT", "UPDATE", "DELETE"}


@pytest.mark.postgres
def test_a_memory_not_initialised_is_one_line(postgres_url: str, tmp_path: Path) -> None:
    result = run_cli("db", "export", postgres_url, "-o", str(tmp_path / "out.tmx"))
    assert result.code == 2
    assert "run 'tmkit db init" in result.stderr
    assert not (tmp_path / "out.tmx").exists()


@pytest.mark.postgres
def test_import_then_export_gives_the_same_tmx(postgres_url: str, tmp_path: Path) -> None:
    _init(postgres_url)
    result = run_cli(
        "db", "import", postgres_url, str(SAMPLES / "news-memory.tmx"), str(SAMPLES / "earlier-visits.tmx")
    )
    assert result.code == 0, result.stderr
    assert "364 units imported" in result.stderr and "54 units imported" in result.stderr
    out = tmp_path / "out.tmx"
    assert run_cli("db", "export", postgres_url, "-o", str(out)).code == 0
    first, second = load_tmx(SAMPLES / "news-memory.tmx"), load_tmx(SAMPLES / "earlier-visits.tmx")
    exported = load_tmx(out)
    assert exported.header == first.header  # the first file's header is the memory's
    assert exported.units == first.units + second.units


@pytest.mark.postgres
def test_a_file_imported_again_adds_no_pair_twice(postgres_url: str, tmp_path: Path) -> None:
    """A team lead imports the team's TMX again (after a few more units went into it): every unit was doubled."""
    _init(postgres_url)
    news = load_tmx(SAMPLES / "news-memory.tmx")
    assert run_cli("db", "import", postgres_url, str(SAMPLES / "news-memory.tmx")).code == 0
    grown = tmp_path / "news-grown.tmx"
    extra = _unit("وصل الوفد إلى المطار", "The delegation arrived at the airport")
    write_tmx(grown, Memory(news.header, [*news.units, extra]))
    again = run_cli("db", "import", postgres_url, str(grown))
    assert again.code == 0, again.stderr
    assert (
        f"{grown}: 1 unit imported" in again.stderr
        and f"{len(news.units)} units held already (not added again)" in again.stderr
    )
    out = tmp_path / "out.tmx"
    assert run_cli("db", "export", postgres_url, "-o", str(out)).code == 0
    assert load_tmx(out).units == [*news.units, extra]


@pytest.mark.postgres
def test_an_import_keeps_its_own_duplicates_and_adds_what_differs_from_the_held(postgres_url: str) -> None:
    """Held means the same source and translations, codes and all: another translation of a held source, or the
    source with a code, is a pair of its own; a file's own duplicates all go in (the export gives the file back)."""
    from tmkit.shared.store import Imported, SharedMemory

    _init(postgres_url)
    held = _unit("شكرا لكم", "Thank you")
    coded = TranslationUnit(
        [
            Variant("ar", Segment(("شكرا ", Inline("ph", (("x", "1"),), ("<br/>",)), "لكم"))),
            Variant("en", Segment.from_text("Thank you")),
        ]
    )
    with SharedMemory(postgres_url) as memory:
        assert memory.import_units([held, held]) == Imported(2, 0)
        again = [_unit("شكرا لكم", "Thank you"), _unit("شكرا لكم", "Thanks"), coded, _unit("مرحبا", "Hello")]
        assert memory.import_units(again) == Imported(3, 1)
        translations = [(unit.variants[0].segment, unit.variants[1].text) for unit in memory.units()]
    assert translations == [
        (held.variants[0].segment, "Thank you"),
        (held.variants[0].segment, "Thank you"),
        (held.variants[0].segment, "Thanks"),
        (coded.variants[0].segment, "Thank you"),
        (Segment.from_text("مرحبا"), "Hello"),
    ]


@pytest.mark.postgres
def test_a_file_without_a_source_language_imported_again_adds_no_unit_twice(postgres_url: str, tmp_path: Path) -> None:
    """A header saying srclang="*all*" (as `tmkit export` writes for memories of several source languages) gives its
    units no source: each was imported again on every import of the file. Such a unit is held when a stored one
    has the same variants, codes and all; one that differs in any of them still goes in."""
    _init(postgres_url)
    news = load_tmx(SAMPLES / "news-memory.tmx")
    news.header.srclang = "*all*"
    multi = tmp_path / "multi.tmx"
    write_tmx(multi, news)
    assert run_cli("db", "import", postgres_url, str(multi)).code == 0
    changed = load_tmx(multi)
    changed.units[0].variants[-1].segment = Segment.from_text(changed.units[0].variants[-1].text + " (revised)")
    write_tmx(multi, changed)
    again = run_cli("db", "import", postgres_url, str(multi))
    assert again.code == 0, again.stderr
    assert f"{multi}: 1 unit imported" in again.stderr, again.stderr
    assert f"{len(news.units) - 1} units held already (not added again)" in again.stderr
    out = tmp_path / "out.tmx"
    assert run_cli("db", "export", postgres_url, "-o", str(out)).code == 0
    assert load_tmx(out).units == [*news.units, changed.units[0]]


def _dated(arabic: str, english: str, date: str, *, status: Status = Status.TRANSLATED) -> TranslationUnit:
    variants = [Variant("ar", Segment.from_text(arabic)), Variant("en", Segment.from_text(english))]
    return TranslationUnit(variants, status=status, change_date=date)


def _pairs(memory_url: str, tmp_path: Path) -> list[tuple[str, str]]:
    out = tmp_path / "exported.tmx"
    assert run_cli("db", "export", memory_url, "-o", str(out)).code == 0
    return [(unit.variants[0].text, unit.variants[1].text) for unit in load_tmx(out).units]


#: The memory held: two sources, each translated once, a year apart.
_HELD = [_dated("شكرا لكم", "Thank you", "20200101T000000Z"), _dated("مرحبا", "Hello", "20240101T000000Z")]
#: The file: each source translated otherwise (one changed after the memory's, one before), and a new source.
_FILE = [
    _dated("شكرا لكم", "Thanks", "20230101T000000Z"),
    _dated("مرحبا", "Hi", "20210101T000000Z"),
    _dated("صباح الخير", "Good morning", "20220101T000000Z"),
]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("policy", "said", "pairs"),
    [
        (
            "keep-all",
            "3 units imported into {name}",
            [
                ("شكرا لكم", "Thank you"),
                ("مرحبا", "Hello"),
                ("شكرا لكم", "Thanks"),
                ("مرحبا", "Hi"),
                ("صباح الخير", "Good morning"),
            ],
        ),
        (
            "first",
            "1 unit imported into {name}, 2 units left out: {name} keeps its own translations of their sources (--policy first)",
            [("شكرا لكم", "Thank you"), ("مرحبا", "Hello"), ("صباح الخير", "Good morning")],
        ),
        (
            "last",
            "3 units imported into {name}, 2 units of other translations replaced by the file's (--policy last)",
            [("شكرا لكم", "Thanks"), ("مرحبا", "Hi"), ("صباح الخير", "Good morning")],
        ),
        (
            "newest",
            "2 units imported into {name}, 1 unit of other translations replaced by the file's (--policy newest), "
            "1 unit left out: {name} keeps its own later-changed translations of their sources (--policy newest)",
            [("مرحبا", "Hello"), ("شكرا لكم", "Thanks"), ("صباح الخير", "Good morning")],
        ),
    ],
)
def test_the_policy_settles_a_files_other_translations_of_held_sources(
    postgres_url: str, tmp_path: Path, policy: str, said: str, pairs: list[tuple[str, str]]
) -> None:
    """A team lead imports a vendor's TMX into the team's memory: every other translation of a held source went in
    beside the memory's, with no way to take the vendor's instead (Trados's "overwrite" and "keep most recent") or
    to keep the memory's. `--policy` settles them as `tmkit merge` does, the memory first and the file last."""
    from tmkit.shared.store import SharedMemory

    _init(postgres_url)
    held, vendor = tmp_path / "held.tmx", tmp_path / "vendor.tmx"
    write_tmx(held, Memory(units=_HELD))
    write_tmx(vendor, Memory(units=_FILE))
    assert run_cli("db", "import", postgres_url, str(held)).code == 0
    assert run_cli("match", postgres_url, "شكرا لكم").code == 0  # this machine's index of the memory, cached
    result = run_cli("db", "import", postgres_url, str(vendor), "--policy", policy)
    assert result.code == 0, result.stderr
    with SharedMemory(postgres_url) as memory:
        name = memory.name
    assert result.stderr == f"{vendor}: {said.format(name=name)}\n"
    assert _pairs(postgres_url, tmp_path) == pairs
    # The cached index follows: a translation replaced is no match any more.
    found = run_cli("match", postgres_url, "شكرا لكم", "--json")
    assert found.code == 0, found.stderr
    offered = {match["target"] for match in json.loads(found.stdout)["results"][0]["matches"]}
    assert offered == {english for arabic, english in pairs if arabic == "شكرا لكم"}


@pytest.mark.postgres
def test_fail_imports_nothing_and_names_each_conflict(postgres_url: str, tmp_path: Path) -> None:
    _init(postgres_url)
    held, vendor, later = tmp_path / "held.tmx", tmp_path / "vendor.tmx", tmp_path / "later.tmx"
    write_tmx(held, Memory(units=_HELD))
    write_tmx(vendor, Memory(units=_FILE))
    write_tmx(later, Memory(units=[_unit("إلى اللقاء", "Goodbye")]))
    assert run_cli("db", "import", postgres_url, str(held)).code == 0
    result = run_cli("db", "import", postgres_url, str(vendor), str(later), "--policy", "fail")
    assert result.code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("tmkit: conflict: 2 different translations of 'شكرا لكم' (") and f"{vendor}:" in lines[0]
    assert lines[1].startswith("tmkit: conflict: 2 different translations of 'مرحبا' (")
    assert lines[2].startswith(f"tmkit: error: {vendor}: 2 translations of sources ")
    assert lines[2].endswith(
        " holds other translations of; nothing imported from it (choose another --policy), nor from " + str(later)
    )
    assert _pairs(postgres_url, tmp_path) == [("شكرا لكم", "Thank you"), ("مرحبا", "Hello")]


@pytest.mark.postgres
def test_a_held_unit_the_file_changed_later_is_replaced_by_its_copy(postgres_url: str, tmp_path: Path) -> None:
    """A held unit's copy in the file, reviewed since (its status, a note, a later date), was left out as held and
    the memory kept the old status for good. As `tmkit merge` keeps the later-changed of two duplicates, the import
    writes the file's copy over it (a new version); an earlier copy, or `--policy first`, leaves the memory's."""
    from tmkit.shared.store import Imported, SharedMemory

    _init(postgres_url)
    old = _dated("شكرا لكم", "Thank you", "20200101T000000Z", status=Status.DRAFT)
    reviewed = _dated("شكرا لكم", "Thank you", "20250101T000000Z", status=Status.REVIEWED)
    reviewed.notes.append(Note("checked by the reviewer"))
    earlier = _dated("شكرا لكم", "Thank you", "20190101T000000Z", status=Status.FINAL)
    with SharedMemory(postgres_url) as memory:
        assert memory.import_units([old]) == Imported(1, 0)
        (stored,) = memory.stored_units()
        assert memory.import_units([reviewed], policy=ConflictPolicy.FIRST) == Imported(0, 1)
        assert memory.import_units([earlier]) == Imported(0, 1)
        assert [unit.status for unit in memory.units()] == [Status.DRAFT]
        assert memory.import_units([reviewed]) == Imported(0, 1, updated=1)
        (now,) = memory.stored_units()
    assert now.id == stored.id and now.version == stored.version + 1
    assert now.unit.status is Status.REVIEWED and [n.text for n in now.unit.notes] == ["checked by the reviewer"]
    again = run_cli("db", "import", postgres_url, str(_written(tmp_path, [reviewed])))
    assert "1 unit held already (not added again)" in again.stderr and "updated" not in again.stderr


def _written(folder: Path, units: list[TranslationUnit]) -> Path:
    path = folder / "file.tmx"
    write_tmx(path, Memory(units=units))
    return path


@pytest.mark.postgres
def test_last_keeps_a_held_translation_the_file_holds_too(postgres_url: str, tmp_path: Path) -> None:
    """The file gives a held source two translations, one of them the memory's: that unit is held (not deleted and
    added again), the file's other translation added, and the memory's third translation, which the file has not,
    replaced."""
    from tmkit.shared.store import Imported, SharedMemory

    _init(postgres_url)
    with SharedMemory(postgres_url) as memory:
        memory.import_units([_unit("شكرا لكم", "Thank you"), _unit("شكرا لكم", "Thanks a lot")])
        kept = next(memory.stored_units())
        file = [_unit("شكرا لكم", "Thanks"), _unit("شكرا لكم", "Thank you")]
        assert memory.import_units(file, policy=ConflictPolicy.LAST) == Imported(1, 1, replaced=1)
        after = list(memory.stored_units())
    assert [(u.id, u.unit.variants[1].text) for u in after] == [(kept.id, "Thank you"), (after[1].id, "Thanks")]
    assert after[1].id > kept.id


@pytest.mark.postgres
@pytest.mark.slow
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(memory=memories)
def test_tmx_to_database_to_tmx_is_lossless(memory: Memory, postgres_url: str, tmp_path: Path) -> None:
    import psycopg

    from tmkit.shared.schema import migrate
    from tmkit.shared.store import Imported, SharedMemory

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        migrate(conn)
        conn.execute("TRUNCATE tmkit.units, tmkit.segments, tmkit.header")  # one database for every example
    source = tmp_path / "in.tmx"
    write_tmx(source, memory)
    read = load_tmx(source)
    with SharedMemory(postgres_url) as shared:
        assert shared.import_units(read.units, header=read.header) == Imported(len(memory.units), 0)
        again = Memory(shared.header(), list(shared.units()))
    assert again.header == memory.header
    assert again.units == memory.units
    assert dumps_tmx(again) == source.read_text(encoding="utf-8")


# -- concurrent writes --------------------------------------------------------------------------


def _unit(arabic: str, english: str, *, status: Status = Status.TRANSLATED) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(arabic)), Variant("en", Segment.from_text(english))], status=status
    )


@pytest.mark.postgres
def test_a_write_on_a_stale_version_is_a_conflict_not_an_overwrite(postgres_url: str) -> None:
    from tmkit.shared.store import SharedMemory, StaleUnitError

    _init(postgres_url)
    with SharedMemory(postgres_url) as ann, SharedMemory(postgres_url) as ben:
        stored = ann.add(_unit("وصل الرئيس إلى القاهرة", "The president arrived in Cairo", status=Status.DRAFT))
        read_by_ann = ann.get(stored.id)
        read_by_ben = ben.get(stored.id)
        assert read_by_ann is not None and read_by_ben is not None
        ben_unit = _unit("وصل الرئيس إلى القاهرة", "The president reached Cairo")
        ben.update(stored.id, ben_unit, expected_version=read_by_ben.version)
        ann_unit = _unit("وصل الرئيس إلى القاهرة", "The President arrived in Cairo")
        with pytest.raises(StaleUnitError) as raised:
            ann.update(stored.id, ann_unit, expected_version=read_by_ann.version)
        now = ann.get(stored.id)
    assert now is not None and now.version == 2
    assert now.unit.variants[1].text == "The president reached Cairo"  # ben's write stands
    conflict = raised.value
    assert conflict.stored is not None and conflict.stored.version == 2
    ours, theirs = conflict.conflict_units()
    assert theirs is not None
    assert (ours.props[0].type, ours.props[0].value) == (CONFLICT_PROP, "ours")
    assert (theirs.props[0].type, theirs.props[0].value) == (CONFLICT_PROP, "theirs")
    assert ours.variants[1].text == "The President arrived in Cairo"
    assert theirs.variants[1].text == "The president reached Cairo"


@pytest.mark.postgres
def test_two_writers_racing_on_one_unit_lose_nothing(postgres_url: str) -> None:
    """Each of two connections confirms its own text 30 times, re-reading on a conflict: every write lands once."""
    from tmkit.shared.store import SharedMemory, StaleUnitError

    _init(postgres_url)
    with SharedMemory(postgres_url) as setup:
        unit_id = setup.add(_unit("نص", "text 0")).id
    conflicts = [0, 0]

    def writer(number: int) -> None:
        with SharedMemory(postgres_url) as memory:
            for round_ in range(30):
                while True:
                    current = memory.get(unit_id)
                    assert current is not None
                    unit = current.unit
                    unit.notes = [*unit.notes, Note(f"writer {number} round {round_}")]
                    try:
                        memory.update(unit_id, unit, expected_version=current.version)
                        break
                    except StaleUnitError:
                        conflicts[number] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with SharedMemory(postgres_url) as memory:
        final = memory.get(unit_id)
    assert final is not None and final.version == 61
    written = [note.text for note in final.unit.notes]
    assert sorted(written) == sorted(f"writer {n} round {r}" for n in (0, 1) for r in range(30))


# -- live updates -------------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_unit_confirmed_in_one_connection_reaches_a_listener_within_a_second(postgres_url: str) -> None:
    from tmkit.shared.store import SharedMemory, UnitListener

    _init(postgres_url)
    with SharedMemory(postgres_url) as editor, UnitListener(postgres_url, own=editor) as listener:
        mine = editor.add(_unit("هذا من عندي", "This is mine"))
        with SharedMemory(postgres_url) as other:
            theirs = other.add(_unit("وصل الوفد إلى الرياض", "The delegation arrived in Riyadh"))
            seen = next(listener.changes(timeout=1.0), None)  # the bound: offered within 1 s
        assert seen is not None, "nothing announced within 1 s"
        assert seen.id == theirs.id != mine.id  # its own write is not news to the editor
        assert seen.unit.variants[1].text == "The delegation arrived in Riyadh"
        # …and the editor's next lookup offers it.
        matches = editor.match("وصل الوفد إلى الرياض", source_lang="ar", target_lang="en")
        assert matches and matches[0].target.plain == "The delegation arrived in Riyadh"


# -- roles --------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_writer_role_imports_and_confirms_and_the_reader_role_only_reads(postgres_url: str) -> None:
    """After `db init --roles` (the only step that needs the right to create), a login granted tmkit_writer
    imports and confirms, and one granted tmkit_reader looks up but cannot write."""
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    from tmkit.shared.store import SharedMemory

    assert run_cli("db", "init", "--roles", postgres_url).code == 0
    suffix = uuid.uuid4().hex[:8]
    writer, reader = f"ann_{suffix}", f"ben_{suffix}"

    def as_user(user: str) -> str:
        parts = urlsplit(postgres_url)
        return urlunsplit((parts.scheme, f"{user}@{parts.netloc.rpartition('@')[2]}", parts.path, parts.query, ""))

    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {writer} LOGIN IN ROLE tmkit_writer")
        admin.execute(f"CREATE ROLE {reader} LOGIN IN ROLE tmkit_reader")
        try:
            result = run_cli("db", "import", as_user(writer), str(SAMPLES / "earlier-visits.tmx"))
            assert result.code == 0, result.stderr
            with SharedMemory(as_user(writer)) as memory:
                first = next(memory.stored_units())
                memory.update(first.id, first.unit, expected_version=first.version)
            with SharedMemory(as_user(reader)) as memory:
                assert len(memory) == 54
                assert memory.match(first.unit.variants[0].text, source_lang="ar", target_lang="en")
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    memory.add(_unit("نص", "text"))
            refused = run_cli("db", "import", as_user(reader), str(SAMPLES / "earlier-visits.tmx"))
            assert refused.code == 2
            assert refused.stderr.startswith("tmkit: error: ") and "cannot import: permission denied" in refused.stderr
        finally:
            for role in (writer, reader):
                admin.execute(f"DROP OWNED BY {role}")
                admin.execute(f"DROP ROLE {role}")


# -- editors saving into a shared memory --------------------------------------------------------


@pytest.mark.postgres
def test_two_editors_saving_into_one_shared_memory_lose_nothing(postgres_url: str, tmp_path: Path) -> None:
    """`edit --save-to postgresql://…`: each editor's confirmed pairs are stored, a pair confirmed again
    replaces its unit (a new version), and the other editor's lookups offer them."""
    from tmkit.jobs.workfile import WorkFile
    from tmkit.shared.store import SharedMemory

    _init(postgres_url)
    memory = Memory(
        units=[
            TranslationUnit(
                [Variant("ar", Segment.from_text(arabic)), Variant("en", Segment())], tuid=tuid, status=Status.NEW
            )
            for tuid, arabic in (("s1", "وصل الرئيس إلى القاهرة اليوم"), ("s2", "بحث الجانبان سبل التعاون"))
        ]
    )
    ann_file, ben_file = tmp_path / "ann.tmx", tmp_path / "ben.tmx"
    write_tmx(ann_file, memory)
    write_tmx(ben_file, memory)
    ann, ben = WorkFile(ann_file, user="ann"), WorkFile(ben_file, user="ben")
    ann.confirm(0, "The president arrived in Cairo today")
    assert ann.export_confirmed(postgres_url) == 1
    ben.confirm(1, "The two sides discussed ways of cooperation")
    assert ben.export_confirmed(postgres_url) == 1
    ann.confirm(0, "The President arrived in Cairo today")  # confirmed again: replaces its unit
    assert ann.export_confirmed(postgres_url) == 1
    with SharedMemory(postgres_url) as shared:
        stored = {s.unit.tuid: s for s in shared.stored_units()}
        [match] = shared.match("وصل الرئيس إلى القاهرة اليوم", source_lang="ar", target_lang="en", limit=1)
    assert sorted(stored) == ["s1", "s2"]
    assert stored["s1"].version == 2 and stored["s1"].unit.variants[1].text == "The President arrived in Cairo today"
    assert (
        stored["s2"].version == 1
        and stored["s2"].unit.variants[1].text == "The two sides discussed ways of cooperation"
    )
    assert match.score == 100 and match.target.plain == "The President arrived in Cairo today"


@pytest.mark.postgres
def test_the_unit_a_confirmed_pair_replaces_is_found_through_the_key_index(postgres_url: str) -> None:
    """Without an index on the key, finding the stored unit of each pair saved read every segment (about a second a
    save at 1,000,000 units): the plan must go through the keys' index, not filter the table."""
    from tmkit.shared.store import UNITS_BY_KEY_SQL, SharedMemory

    _init(postgres_url)
    with SharedMemory(postgres_url) as memory:
        stored = memory.add(_unit("وصل الرئيس إلى القاهرة", "The president arrived in Cairo"))
        assert memory.find(_unit("وصل الرئيس إلى القاهرة", "The president reached Cairo")) == stored
        # A table this small is read whole whatever the indexes: the plan it would take with no such choice.
        memory.conn.execute("SET enable_seqscan = off")
        plan = "\n".join(row[0] for row in memory.conn.execute("EXPLAIN " + UNITS_BY_KEY_SQL, ["x", "ar"]))
    assert "Index Cond: (key = " in plan, plan
