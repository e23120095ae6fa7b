"""`SharedMemory.confirm_all`: a save's pairs written in one transaction, each at the version its writer read; a
stale pair is not written and does not stop the others; each unit written is announced as a single write is."""

from __future__ import annotations

import threading
import time

import pytest

from tests.helpers import run_cli
from tmkit.memory.model import Segment, Status, TranslationUnit, Variant
from tmkit.shared.schema import NOTIFY_CHANNEL, SCHEMA
from tmkit.shared.store import NOT_STORED, PAIR_LOCK_BUCKETS, SharedMemory, StaleUnitError, StoredUnit, UnitListener

pytestmark = pytest.mark.postgres

#: Seconds the announcements may take to arrive (a hang fails the test; they come at commit).
ANNOUNCED_WITHIN = 10


def _pair(tuid: str, source: str, target: str) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(source)), Variant("en", Segment.from_text(target))],
        tuid=tuid,
        status=Status.TRANSLATED,
    )


def test_a_batch_writes_each_pair_at_its_version_in_one_transaction(postgres_url: str) -> None:
    assert run_cli("db", "init", postgres_url).code == 0
    with SharedMemory(postgres_url) as memory, SharedMemory(postgres_url) as other:
        changed = memory.add(_pair("1", "وصل الوزير إلى لندن.", "The minister arrived."))
        kept = memory.add(_pair("2", "عقد مؤتمرا صحفيا.", "He held a press conference."))
        # Another writer changes the first after it was read, and adds a pair this writer found absent.
        other.update(changed.id, _pair("1", "وصل الوزير إلى لندن.", "The minister reached London."), expected_version=1)
        added_since = other.add(_pair("4", "غادر مساء الثلاثاء.", "He left on Tuesday evening."))
        with UnitListener(postgres_url) as listener:
            results = memory.confirm_all(
                [
                    (_pair("1", "وصل الوزير إلى لندن.", "The minister arrived in London."), (changed.id, 1)),
                    (_pair("2", "عقد مؤتمرا صحفيا.", "He gave a news conference."), (kept.id, 1)),
                    (
                        _pair("3", "بحث الجانبان سبل التعاون.", "The two sides discussed cooperation."),
                        (NOT_STORED, NOT_STORED),
                    ),
                    (_pair("4", "غادر مساء الثلاثاء.", "He left on Tuesday."), (NOT_STORED, NOT_STORED)),
                ]
            )
            stale_changed, written, new, stale_added = results
            assert isinstance(stale_changed, StaleUnitError) and stale_changed.stored is not None
            assert stale_changed.stored.version == 2
            assert isinstance(stale_added, StaleUnitError) and stale_added.stored is not None
            assert stale_added.stored.id == added_since.id
            assert "after this writer found no unit" in str(stale_added) and "version 0" not in str(stale_added)
            assert isinstance(written, StoredUnit) and (written.id, written.version) == (kept.id, 2)
            assert isinstance(new, StoredUnit) and new.version == 1
            # Each unit written announced as `add`/`update` do (id,version), in the order written.
            notices = list(listener.conn.notifies(timeout=ANNOUNCED_WITHIN, stop_after=2))
            assert [(n.channel, n.payload) for n in notices] == [
                (NOTIFY_CHANNEL, f"{kept.id},2"),
                (NOTIFY_CHANNEL, f"{new.id},1"),
            ]
        # One transaction for both writes; the stale pairs left as the other writer stored them.
        transactions = memory.conn.execute(
            f"SELECT count(DISTINCT change_xid) FROM {SCHEMA}.units WHERE id = ANY(%s)", [[kept.id, new.id]]
        ).fetchone()
        assert transactions == (1,)
        stored = {s.unit.tuid: s for s in memory.stored_units()}
        assert stored["1"].version == 2 and stored["1"].unit.variants[1].text == "The minister reached London."
        assert stored["4"].unit.variants[1].text == "He left on Tuesday evening."
        assert stored["2"].unit.variants[1].text == "He gave a news conference."
        # Their segments were written: found by source, and matched by a lookup of the new text.
        found = memory.find_all([_pair("3", "بحث الجانبان سبل التعاون.", ""), _pair("9", "عقد مؤتمرا صحفيا.", "")])
        assert [f.id if f is not None else None for f in found] == [new.id, kept.id]
        [match] = memory.match("عقد مؤتمرا صحفيا.", source_lang="ar", target_lang="en", limit=1)
        assert match.target.plain == "He gave a news conference."


def test_a_unit_deleted_since_it_was_read_is_added_again(postgres_url: str) -> None:
    assert run_cli("db", "init", postgres_url).code == 0
    with SharedMemory(postgres_url) as memory:
        gone = memory.add(_pair("1", "وصل الوزير إلى لندن.", "The minister arrived."))
        memory.conn.execute(f"DELETE FROM {SCHEMA}.units WHERE id = %s", [gone.id])
        [result] = memory.confirm_all([(_pair("1", "وصل الوزير إلى لندن.", "The minister arrived."), (gone.id, 1))])
        assert isinstance(result, StoredUnit) and result.id != gone.id and result.version == 1
        assert [s.id for s in memory.stored_units()] == [result.id]


def _waiting_on_a_lock(watcher: SharedMemory, pid: int) -> bool:
    """Whether backend ``pid`` is waiting for a lock another transaction holds (the server says so). Any lock: without
    the pair's lock, omar's save still waits, at the trigram counts ann's add changed, after finding no unit."""
    row = watcher.conn.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid]).fetchone()
    return row is not None and row[0] > 0


@pytest.mark.parametrize("how", ["confirm_all", "confirm"])
def test_two_writers_adding_one_new_pair_at_once_make_one_unit_and_a_conflict(postgres_url: str, how: str) -> None:
    """Both found no unit for the pair; ann's add is still uncommitted when omar saves. Omar must wait for it and
    find ann's unit (a conflict), not add a second unit beside it: checked by holding ann's transaction open
    until the server shows omar's save waiting, so the interleaving is the same on every run."""
    source = "بحث الجانبان سبل التعاون."
    assert run_cli("db", "init", postgres_url).code == 0
    with SharedMemory(postgres_url) as ann, SharedMemory(postgres_url) as omar, SharedMemory(postgres_url) as watcher:
        outcome: list[StoredUnit | StaleUnitError] = []
        failures: list[BaseException] = []

        def omar_saves() -> None:
            ours = _pair("3", source, "The two sides discussed ways of cooperating.")
            try:
                if how == "confirm_all":
                    outcome.extend(omar.confirm_all([(ours, (NOT_STORED, NOT_STORED))]))
                else:
                    outcome.append(omar.confirm(ours, expected_version=NOT_STORED))
            except StaleUnitError as stale:
                outcome.append(stale)
            except Exception as error:  # noqa: BLE001  (reported by the main thread, which asserts there is none)
                failures.append(error)

        omar_pid = omar.conn.info.backend_pid
        with ann.conn.transaction():  # ann's save, not committed yet
            [written] = ann.confirm_all([(_pair("3", source, "The two sides discussed cooperation."), (0, 0))])
            assert isinstance(written, StoredUnit)
            thread = threading.Thread(target=omar_saves)
            thread.start()
            # Until omar's save waits for ann's (fixed) or has finished without waiting (the race).
            deadline = time.monotonic() + 30
            while thread.is_alive() and not _waiting_on_a_lock(watcher, omar_pid):
                assert time.monotonic() < deadline, "omar's save neither waited nor finished"
                time.sleep(0.01)
        thread.join(timeout=30)
        assert not thread.is_alive() and not failures
        [result] = outcome
        assert isinstance(result, StaleUnitError) and result.stored is not None
        assert result.stored.id == written.id and result.expected == NOT_STORED
        stored = list(ann.stored_units())
        assert [s.unit.variants[1].text for s in stored] == ["The two sides discussed cooperation."]


def test_a_save_takes_a_bounded_number_of_locks_however_many_pairs_it_writes(postgres_url: str) -> None:
    """A reviewer's second look: a lock a pair, the first save of a long document into a shared memory ran out of the
    server's lock table ("out of shared memory", max_locks_per_transaction: 15,000 pairs on a server of 60
    connections) and wrote nothing. Pairs share `PAIR_LOCK_BUCKETS` locks."""
    assert run_cli("db", "init", postgres_url).code == 0
    pairs = [_pair(str(n), f"جملة جديدة رقم {n}.", f"New sentence {n}.") for n in range(3000)]
    with SharedMemory(postgres_url) as memory:
        with memory.conn.transaction():
            memory._lock_pairs(pairs)
            held = memory.conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            ).fetchone()
        assert held is not None and 0 < held[0] <= PAIR_LOCK_BUCKETS
        results = memory.confirm_all([(pair, (NOT_STORED, NOT_STORED)) for pair in pairs])
        assert all(isinstance(result, StoredUnit) for result in results)
