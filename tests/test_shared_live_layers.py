"""A shared memory's live index applies each batch of the team's units as a layer of its own (tmkit.shared.live):
batch after batch it answers as the memory exported and opened anew, and no batch indexes again what the cache's
delta already holds."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.helpers import SAMPLES, run_cli
from tests.test_shared_mirror import _assert_same_as_fresh, _init_with, _mirror, _queries, _unit
from tmkit.memory.model import Segment, Variant

pytestmark = pytest.mark.postgres

#: The source a unit next to a deleted one is given: the context of the unit on the deleted one's other side.
NEW_SOURCE = "وافق المجلس على الميزانية الجديدة بعد نقاش طويل."


def test_batches_applied_one_after_another_answer_as_a_fresh_build_each_costing_its_own_units(
    postgres_url: str,
) -> None:
    from tmkit.shared.live import LiveIndex
    from tmkit.shared.store import SharedMemory, StoredUnit

    _init_with(postgres_url)
    _mirror(postgres_url)  # the cache the editor starts from
    with SharedMemory(postgres_url) as other:
        stored = list(other.stored_units())
    # Changes made before the editor opens: the delta over the cache that the live index starts from, with a
    # deleted unit in it (the units either side of it are each other's context from then on).
    with SharedMemory(postgres_url) as other, psycopg.connect(postgres_url, autocommit=True) as by_hand:
        for changed in stored[20:140:4]:
            _confirm(other, changed, "Changed before the editor opened.")
        by_hand.execute("DELETE FROM tmkit.units WHERE id = %s", [stored[200].id])
    queries = _queries()

    def confirm(other: SharedMemory, *units: StoredUnit, text: str, source: str | None = None) -> None:
        for unit in units:
            now = other.get(unit.id)
            assert now is not None
            if source is not None:
                now.unit.variants[0] = Variant("ar", Segment.from_text(source))
            _confirm(other, now, text)

    with LiveIndex(postgres_url, source_lang="ar", target_lang="en") as live, SharedMemory(postgres_url) as other:
        opened = live.mirror.layers[0]
        assert len(opened.units) == 93  # the 30 changed units and their neighbours, the deleted one and its
        added = other.add(_unit("افتتح الوزير معرضا جديدا للكتاب في العاصمة.", "The minister opened a book fair."))
        _followed(live, 1)
        batches: list[tuple[StoredUnit, ...]] = [
            (stored[201],),  # next to the deleted unit
            (stored[199],),  # on its other side
            (stored[50],),
            (stored[50],),  # confirmed again: its old version must be gone at once
            (added,),  # the new unit confirmed again
            (stored[0], stored[-1]),
        ]
        for number, batch in enumerate(batches, start=1):
            # The first batch's unit gets a new source too: the unit before the deleted one has it as its context.
            confirm(other, *batch, text=f"Confirmed in batch {number}.", source=NEW_SOURCE if number == 1 else None)
            if number == 1:
                before_deleted = [unit.unit.variants[0].text for unit in stored[198:200]]
                queries.append((before_deleted[1], before_deleted[0], NEW_SOURCE))
            _followed(live, len(batch))
            _assert_same_as_fresh(postgres_url, live.index, queries)
            # The cache's delta is not indexed again: each batch is a layer of its own units and their neighbours,
            # merged with the layers of other batches only.
            layers = live.mirror.layers
            assert layers[0] is opened and len(layers) >= 2
            assert all(len(layer.units) <= 3 * 8 for layer in layers[1:])
        assert [m.target.plain for m in _lookup(live, stored[50])][:1] == ["Confirmed in batch 4."]


def _confirm(memory: object, stored: object, text: str) -> None:
    from tmkit.shared.store import SharedMemory, StoredUnit

    assert isinstance(memory, SharedMemory) and isinstance(stored, StoredUnit)
    stored.unit.variants[1] = Variant("en", Segment.from_text(text))
    memory.update(stored.id, stored.unit, expected_version=stored.version)


def _followed(live: object, count: int) -> None:
    from tmkit.shared.live import LiveIndex

    assert isinstance(live, LiveIndex)
    applied: list[object] = []
    for _ in range(40):
        applied += live.follow(timeout=0.25)
        if len(applied) >= count:
            return
    raise AssertionError(f"{len(applied)} of {count} units applied")


def _lookup(live: object, stored: object) -> list[object]:
    from tmkit.matching.matcher import Match, Matcher
    from tmkit.shared.live import LiveIndex
    from tmkit.shared.store import StoredUnit

    assert isinstance(live, LiveIndex) and isinstance(stored, StoredUnit)
    found: list[Match] = Matcher([live.index]).match(stored.unit.variants[0].text)
    return list(found)


def test_a_batch_merged_with_a_cached_delta_opened_unchanged_keeps_the_units_changed_before(
    postgres_url: str,
) -> None:
    from tmkit.shared.live import LiveIndex
    from tmkit.shared.store import SharedMemory

    _init_with(postgres_url)
    _mirror(postgres_url)
    with SharedMemory(postgres_url) as other:
        stored = list(other.stored_units())
        _confirm(other, stored[10], "Changed before the editor opened.")
    _mirror(postgres_url)  # the delta saved: the live index opens it with nothing changed since
    with LiveIndex(postgres_url, source_lang="ar", target_lang="en") as live, SharedMemory(postgres_url) as other:
        assert len(live.mirror.layers) == 1 and len(live.mirror.layers[0].units) == 3
        now = other.get(stored[40].id)
        assert now is not None
        # A batch as large as the cached delta merges with it: the two are indexed again as one delta.
        _confirm(other, now, "Confirmed while the editor was open.")
        _followed(live, 1)
        assert len(live.mirror.layers) == 1 and len(live.mirror.layers[0].units) == 6
        _assert_same_as_fresh(postgres_url, live.index, _queries())
        assert [m.target.plain for m in _lookup(live, stored[10])][:1] == ["Changed before the editor opened."]


def test_an_import_that_replaces_translations_is_followed_as_it_commits(postgres_url: str, tmp_path: Path) -> None:
    """A team lead imports a vendor's memory with `--policy last` while translators have the memory open: the
    memory's units of those sources are deleted and the vendor's added, and an editor following the memory went on
    offering the deleted translations (deletions were not announced, nor were an import's units) until reopened."""
    from tmkit.formats.tmx_reader import load_tmx
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.model import Memory
    from tmkit.shared.live import LiveIndex

    _init_with(postgres_url)
    _mirror(postgres_url)  # the cache the editor starts from
    held = load_tmx(SAMPLES / "news-memory.tmx").units
    replaced = [held[4], held[9]]
    vendor = tmp_path / "vendor.tmx"
    write_tmx(
        vendor, Memory(units=[_unit(u.variants[0].text, f"Vendor's version {n}.") for n, u in enumerate(replaced)])
    )
    queries = _queries() + [(u.variants[0].text, None, None) for u in replaced]
    with LiveIndex(postgres_url, source_lang="ar", target_lang="en") as live:
        before = {u.variants[1].text for u in replaced}
        assert before <= {m.target.plain for u in replaced for m in _matches(live, u.variants[0].text)}
        done = run_cli("db", "import", postgres_url, str(vendor), "--policy", "last")
        assert done.code == 0 and "units of other translations replaced" in done.stderr, done.stderr
        for _ in range(40):
            live.follow(timeout=0.25)
            offered = {m.target.plain for u in replaced for m in _matches(live, u.variants[0].text)}
            if not offered & before and len(offered) == 2:
                break
        assert offered == {"Vendor's version 0.", "Vendor's version 1."}, offered
        _assert_same_as_fresh(postgres_url, live.index, queries)


def _matches(live: object, text: str) -> list[object]:
    from tmkit.matching.matcher import Matcher
    from tmkit.shared.live import LiveIndex

    assert isinstance(live, LiveIndex)
    return list(Matcher([live.index]).match(text, score_cutoff=95))


def test_a_burst_past_a_deltas_worth_brings_the_cache_up_to_date_without_reading_each_unit(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import announces every unit it adds: a million of them were read and held by each editor following the
    memory before it found the delta outgrown. Past a delta's worth, the follower brings its cache up to date from
    what is committed instead, as on opening, and takes the import's later announcements as done."""
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.model import Memory
    from tmkit.shared import mirror
    from tmkit.shared.live import LiveIndex

    _init_with(postgres_url)
    _mirror(postgres_url)
    added = tmp_path / "added.tmx"
    write_tmx(
        added, Memory(units=[_unit(f"وصل الوفد رقم {n} إلى المطار.", f"Delegation {n} arrived.") for n in range(30)])
    )
    with LiveIndex(postgres_url, source_lang="ar", target_lang="en") as live:
        monkeypatch.setattr(mirror, "COMPACT_MIN_UNITS", 10)  # (a delta's worth: 10 units here)
        monkeypatch.setattr(mirror, "COMPACT_FRACTION", 0.0)
        read: list[int] = []
        reading = live._read
        monkeypatch.setattr(live, "_read", lambda ids: read.extend(ids) or reading(ids))
        assert run_cli("db", "import", postgres_url, str(added)).code == 0
        for _ in range(40):
            live.follow(timeout=0.25)
            if live.updated:
                break
        assert live.updated and read == []  # brought up to date, no announced unit read one by one
        live.follow(timeout=0.5)
        assert not live.updated and read == []  # the import's announcements taken as done
        _assert_same_as_fresh(postgres_url, live.index, [*_queries(), ("وصل الوفد رقم 7 إلى المطار.", None, None)])
