"""Benchmark of a shared memory on PostgreSQL against the file index on the same memory, in one run.

Import time and database size; lookup p50/p95 for one client and for several client processes while
others confirm units, back to back and at a pace (``--pace`` lookups a second per client), three ways:
in the database (`SharedMemory.match`, candidates picked by the server), in the machine's index of the
shared memory as the editor keeps it (`tmkit.shared.live.LiveIndex`: the cached index of
`tmkit.shared.mirror`, following the writers' units between lookups), and in the file index of the
same memory exported to TMX (the baseline), all under the same load (the same writers writing
meanwhile); write throughput; units lost or duplicated after the run (counted); recall@5 of the
database's and the machine index's lookups against the file index's.
Lookup times are wall clock from when a lookup was due (a paced client that falls behind counts its
wait) and CPU time of the client process beside. Needs a PostgreSQL server the user may create
databases on: run it through the throwaway one, `.ci/postgres python bench/shared_memory.py`, or
give `--url`. With ``--keep DIR`` the memory, its database and the indexes are kept in between runs on the
same server (several runs in one `.ci/postgres bash -c '…'`), so a second run skips generating, importing and
building (the first 1M run takes some ten minutes before its first lookup).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/synthetic.py

from synthetic import Pair, memory_pairs
from synthetic import queries as make_queries

from tmkit.atomic import write_text_atomic
from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.model import Header, Note, Segment, Status, TranslationUnit, Variant

#: Lookups a second per client in the paced phases: a translator's editor asks for the segment in hand and
#: prefetches the next few (a lookup every few seconds each), a pre-translation or analysis run asks in
#: bursts; 4 a second from each of 8 clients (32 a second) is far more than 8 people at work offer.
DEFAULT_PACE = 4.0
#: Writes a second per writer in the paced phases: a translator confirms a segment every half minute or so;
#: 5 a second from each of 2 writers is the confirmations of some 300 people.
DEFAULT_WRITE_PACE = 5.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def with_database(url: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def _units(pairs: list[Pair]) -> list[TranslationUnit]:
    return [
        TranslationUnit(
            [Variant("ar", Segment.from_text(p.ar)), Variant("en", Segment.from_text(p.en))],
            tuid=f"u{i}",
            status=Status.DRAFT if i % 9 == 0 else Status.TRANSLATED,
        )
        for i, p in enumerate(pairs)
    ]


# -- workers (separate processes) ---------------------------------------------------------------


def _ready(go: Any, out: Any, seconds: float) -> float:
    """Say this process is ready, wait until all are, and give the time to stop at."""
    out.put(("ready",))
    go.wait()
    return time.time() + seconds


def _timed_lookups(
    lookup: Any,
    queries: list[str],
    seconds: float,
    pace: float,
    go: Any,
    out: Any,
    *,
    applies: list[float] | None = None,
) -> None:
    """Runs ``lookup`` over the queries for ``seconds``: back to back (``pace`` 0) or ``pace`` a second, each
    timed from when it was due; reports wall and CPU times (and ``applies``, the follower's CPU a batch, as
    it stands when the lookups end)."""
    rng = random.Random(os.getpid())
    position = rng.randrange(len(queries))
    times: list[float] = []
    cpu: list[float] = []
    stop_at = _ready(go, out, seconds)
    due = time.perf_counter() + (rng.random() / pace if pace else 0.0)  # clients out of step with each other
    while time.time() < stop_at:
        if pace:
            time.sleep(max(0.0, due - time.perf_counter()))
        started = time.perf_counter() if not pace else due
        cpu_started = time.process_time()
        lookup(queries[position % len(queries)])
        cpu.append(time.process_time() - cpu_started)
        times.append(time.perf_counter() - started)
        position += 1
        due += 1 / pace if pace else 0.0  # open loop: a client that falls behind stays behind, and counts it
    out.put(("lookups", times, cpu, list(applies or [])))


def db_lookups(url: str, queries: list[str], seconds: float, pace: float, go: Any, out: Any) -> None:
    from tmkit.shared.store import SharedMemory

    with SharedMemory(url) as memory:
        _timed_lookups(
            lambda query: memory.match(query, source_lang="ar", target_lang="en"), queries, seconds, pace, go, out
        )


def live_lookups(url: str, queries: list[str], seconds: float, pace: float, go: Any, out: Any) -> None:
    """Lookups in the machine's index of the shared memory, as the editor does them: a thread follows the team's
    units (`LiveIndex.follow`) and each lookup goes to the index as it stands (its CPU time counts the follower's)."""
    import threading

    from tmkit.matching.matcher import Matcher
    from tmkit.shared.live import LiveIndex

    live = LiveIndex(url, source_lang="ar", target_lang="en")
    stop = threading.Event()
    applies: list[float] = []  # the follower thread's CPU for each batch it applied (reading it included)

    def follow() -> None:
        while not stop.is_set():
            started = time.thread_time()
            if live.follow():
                applies.append(time.thread_time() - started)

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    state: dict[str, Any] = {"index": live.index, "matcher": Matcher([live.index])}

    def lookup(query: str) -> None:
        index = live.index
        if index is not state["index"]:
            state["index"], state["matcher"] = index, Matcher([index])
        state["matcher"].match(query)

    try:
        _timed_lookups(lookup, queries, seconds, pace, go, out, applies=applies)
    finally:
        stop.set()
        follower.join()
        live.close()


def file_lookups(tmx: str, queries: list[str], seconds: float, pace: float, go: Any, out: Any) -> None:
    from tmkit.matching.matcher import Matcher
    from tmkit.matching.memory_index import open_memory

    matcher = Matcher([open_memory(tmx, source_lang="ar", target_lang="en")])
    _timed_lookups(matcher.match, queries, seconds, pace, go, out)


def db_writer(url: str, run: str, writer: int, seconds: float, pace: float, go: Any, out: Any) -> None:
    """Confirms units as an editor does: read one, add a note naming this write, write it back at the version read
    (again on a conflict); every third write is a new unit; back to back (``pace`` 0) or ``pace`` writes a second.
    Reports every write that succeeded."""
    from tmkit.shared.store import SharedMemory, StaleUnitError

    rng = random.Random(writer)
    confirmed: list[tuple[int, str]] = []
    added: list[str] = []
    conflicts = 0
    with SharedMemory(url) as memory:
        count = 0
        ids = [row[0] for row in memory.conn.execute("SELECT id FROM tmkit.units ORDER BY id LIMIT 2000").fetchall()]
        stop_at = _ready(go, out, seconds)
        due = time.perf_counter()
        while time.time() < stop_at:
            if pace:
                time.sleep(max(0.0, due - time.perf_counter()))
                due += 1 / pace
            count += 1
            if count % 3 == 0:
                tuid = f"new-{run}-{writer}-{count}"
                memory.add(
                    TranslationUnit(
                        [
                            Variant("ar", Segment.from_text(f"جملة جديدة رقم {count} من المحرر {writer}")),
                            Variant("en", Segment.from_text(f"New sentence {count} from editor {writer}")),
                        ],
                        tuid=tuid,
                    )
                )
                added.append(tuid)
                continue
            unit_id = rng.choice(ids)  # a small hot set: the two writers meet often
            mark = f"w{run}-{writer}-{count}"
            while True:
                stored = memory.get(unit_id)
                assert stored is not None
                unit = stored.unit
                unit.notes = [*unit.notes, Note(mark)]
                unit.set_status(Status.REVIEWED)
                try:
                    memory.update(unit_id, unit, expected_version=stored.version)
                    break
                except StaleUnitError:
                    conflicts += 1
            confirmed.append((unit_id, mark))
    out.put(("writes", confirmed, added, conflicts))


def run_processes(targets: list[tuple[Any, tuple[Any, ...]]]) -> list[Any]:
    context = mp.get_context("spawn")
    out = context.Queue()
    go = context.Event()
    processes = [context.Process(target=target, args=(*args, go, out)) for target, args in targets]
    for process in processes:
        process.start()
    for _ in processes:
        assert out.get()[0] == "ready"
    go.set()
    results = [out.get() for _ in processes]
    for process in processes:
        process.join()
    return results


# -- the run ------------------------------------------------------------------------------------

#: What `--keep` records in its folder: the database's name, the memory's size and the queries.
STATE_FILE = "state.json"


def _kept(folder: Path | None, units: int, admin: Any) -> dict[str, Any] | None:
    """What an earlier run kept in ``folder`` for a memory of ``units`` units, if its database is still there."""
    if folder is None or not (folder / STATE_FILE).is_file():
        return None
    state: dict[str, Any] = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    there = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [state["database"]]).fetchone()
    return state if there and state["units"] == units and (folder / "memory.tmx").is_file() else None


def _new_memory(args: Any, url: str, tmx: Path, admin: Any, name: str, rows: list[tuple[str, str, str]]) -> list[str]:
    """Generate the memory, write it to ``tmx`` and import it into the database: the queries."""
    import psycopg

    from tmkit.shared.schema import migrate
    from tmkit.shared.store import SharedMemory

    started = time.perf_counter()
    pairs = memory_pairs(args.units)
    units = _units(pairs)
    queries = [q.text for q in make_queries(pairs, args.queries)]
    write_tmx(tmx, header=Header(srclang="ar"), units=units)
    print(f"# generated {args.units:,} units in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
    started, cpu_started = time.perf_counter(), time.process_time()
    with SharedMemory(url) as memory:
        memory.import_units(units)
    import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    size_row = admin.execute("SELECT pg_database_size(%s)", [name]).fetchone()
    size = size_row[0] if size_row else 0
    rows.append(
        (
            "import (COPY, index built after)",
            f"{import_s:.1f} s ({args.units / import_s:,.0f} units/s)",
            f"client CPU {import_cpu:.1f} s",
        )
    )
    rows.append(("database size", f"{size / 2**20:,.0f} MiB", f"TMX file {tmx.stat().st_size / 2**20:,.0f} MiB"))
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000, help="units in the memory (the issue's figure: 1000000)")
    parser.add_argument("--queries", type=int, default=300, help="distinct lookups")
    parser.add_argument("--clients", type=int, default=8, help="client processes doing lookups at once")
    parser.add_argument("--writers", type=int, default=2, help="processes confirming units meanwhile")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each concurrent phase")
    parser.add_argument(
        "--pace",
        type=float,
        default=DEFAULT_PACE,
        help="lookups a second each client offers in the paced phases (0: back to back only)",
    )
    parser.add_argument(
        "--write-pace",
        type=float,
        default=DEFAULT_WRITE_PACE,
        help="writes a second each writer makes in the paced phases (the back-to-back phases write back to back too)",
    )
    parser.add_argument(
        "--ways",
        default="database,machine,file",
        help="which lookups the concurrent phases run (database, machine, file; comma-separated)",
    )
    parser.add_argument("--url", default=os.environ.get("TMKIT_TEST_POSTGRES"), help="a server to create a database on")
    parser.add_argument(
        "--keep",
        type=Path,
        help="a folder to keep the memory, its database and the indexes in between runs on the same server: "
        "a run that finds them there (of as many units) starts from them",
    )
    args = parser.parse_args()
    if not args.url:
        sys.exit("give --url, or run through .ci/postgres (it sets TMKIT_TEST_POSTGRES)")

    import psycopg

    from tmkit.matching.matcher import Matcher
    from tmkit.matching.memory_index import open_memory
    from tmkit.shared.store import SharedMemory

    rows: list[tuple[str, str, str]] = []
    admin = psycopg.connect(args.url, autocommit=True)
    kept = _kept(args.keep, args.units, admin)
    name = kept["database"] if kept else f"tmkit_bench_{uuid.uuid4().hex[:8]}"
    if not kept:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
        )
    url = with_database(args.url, name)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="tmkit-bench-shared-"))
    # The machine's index of the shared memory is cached under the bench's folder (the clients inherit it), not ~/.cache.
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
    tmx = folder / "memory.tmx"
    try:
        if kept:
            queries = kept["queries"]
            from tmkit.shared.schema import migrate

            with psycopg.connect(url, autocommit=True) as conn:
                migrated = migrate(
                    conn
                )  # a database kept by an older tmkit is brought up to its schema, as db init does
            if migrated:
                print(f"# kept database migrated: {', '.join(str(m.version) for m in migrated)}", file=sys.stderr)
            rows.append(("memory, database and indexes", f"kept from an earlier run in {folder}", ""))
        else:
            queries = _new_memory(args, url, tmx, admin, name, rows)

        started = time.perf_counter()
        index = open_memory(tmx, source_lang="ar", target_lang="en")
        rows.append(
            (f"file index {'open' if kept else 'build'} (baseline)", f"{time.perf_counter() - started:.1f} s", "")
        )
        matcher = Matcher([index])

        # The machine's index of the shared memory, built once and cached (what the first open on a machine does).
        from tmkit.shared.live import LiveIndex

        started, cpu_started = time.perf_counter(), time.process_time()
        LiveIndex(url, source_lang="ar", target_lang="en").close()  # timed for its open: the lookups use the next
        rows.append(
            (
                "machine's index of the database: "
                + ("open (cached, the last run's writes)" if kept else "first open (build + cache)"),
                f"{time.perf_counter() - started:.1f} s",
                f"CPU {time.process_time() - cpu_started:.1f} s",
            )
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        with LiveIndex(url, source_lang="ar", target_lang="en") as live:
            live_matcher = Matcher([live.index])
            changed = len(live.mirror.changed)
        rows.append(
            (
                "machine's index of the database: cached open",
                f"{time.perf_counter() - started:.2f} s",
                f"CPU {time.process_time() - cpu_started:.2f} s; {changed:,} units changed since the cache was built",
            )
        )

        # One client: the same queries in both, and recall@5 of the database against the file index.
        db_times, file_times, db_cpu, file_cpu, live_times, live_cpu = [], [], [], [], [], []
        wanted = found = live_found = 0
        with SharedMemory(url) as memory:
            for query in queries:
                started, cpu_started = time.perf_counter(), time.process_time()
                got = memory.match(query, source_lang="ar", target_lang="en")
                db_times.append(time.perf_counter() - started)
                db_cpu.append(time.process_time() - cpu_started)
                started, cpu_started = time.perf_counter(), time.process_time()
                want = matcher.match(query)
                file_times.append(time.perf_counter() - started)
                file_cpu.append(time.process_time() - cpu_started)
                started, cpu_started = time.perf_counter(), time.process_time()
                live_got = live_matcher.match(query)
                live_times.append(time.perf_counter() - started)
                live_cpu.append(time.process_time() - cpu_started)
                want_set = {(m.source.plain, m.target.plain, round(m.score, 2)) for m in want}
                wanted += len(want_set)
                found += len(want_set & {(m.source.plain, m.target.plain, round(m.score, 2)) for m in got})
                live_found += len(want_set & {(m.source.plain, m.target.plain, round(m.score, 2)) for m in live_got})

        def ms(values: list[float]) -> str:
            return f"p50 {1000 * statistics.median(values):.1f} ms, p95 {1000 * percentile(values, 0.95):.1f} ms"

        rows.append(("lookup, 1 client: database", ms(db_times), f"{len(queries)} queries; client CPU {ms(db_cpu)}"))
        rows.append(("lookup, 1 client: machine's index", ms(live_times), f"same queries; CPU {ms(live_cpu)}"))
        rows.append(("lookup, 1 client: file index", ms(file_times), f"same queries; CPU {ms(file_cpu)}"))
        rows.append(("recall@5 database vs file index", f"{found / max(wanted, 1):.4f}", f"{wanted} matches"))
        rows.append(
            ("recall@5 machine's index vs file index", f"{live_found / max(wanted, 1):.4f}", f"{wanted} matches")
        )

        before = len(SharedMemory(url))
        run = uuid.uuid4().hex[:6]  # this run's marks and new units' tuids: a kept memory has an earlier run's too
        confirmed: list[tuple[int, str]] = []
        added: list[str] = []
        conflicts = 0
        paces = [0.0] + ([args.pace] if args.pace else [])
        # The same load for both: the writers confirm into the database while the file index is looked up too.
        phase = 0
        loads = [os.getloadavg()[0]]
        ways = {
            "database": ("database", db_lookups, url),
            "machine": ("machine's index", live_lookups, url),
            "file": ("file index", file_lookups, str(tmx)),
        }
        chosen = [ways[way.strip()] for way in args.ways.split(",") if way.strip()]
        for what, lookup, memory_arg in chosen:
            for pace in paces:
                phase += 1  # each phase's writers are new writers: their marks and tuids never repeat
                write_pace = args.write_pace if pace else 0.0
                phase_writers = [
                    (db_writer, (url, run, 100 * phase + n, args.seconds, write_pace)) for n in range(args.writers)
                ]
                results = run_processes(
                    [(lookup, (memory_arg, queries, args.seconds, pace)) for _ in range(args.clients)] + phase_writers
                )
                lookups = [t for r in results if r[0] == "lookups" for t in r[1]]
                cpu = [t for r in results if r[0] == "lookups" for t in r[2]]
                applied = [t for r in results if r[0] == "lookups" for t in r[3]]
                writes = [r for r in results if r[0] == "writes"]
                written = sum(len(r[1]) + len(r[2]) for r in writes)
                confirmed += [c for r in writes for c in r[1]]
                added += [a for r in writes for a in r[2]]
                conflicts += sum(r[3] for r in writes)
                offered = f"{pace:g}/s each" if pace else "back to back"
                writing = f"{write_pace:g}/s each" if write_pace else "back to back"
                rows.append(
                    (
                        f"lookup, {args.clients} clients ({offered}) + {args.writers} writers ({writing}): {what}",
                        ms(lookups),
                        f"{len(lookups) / args.seconds:,.0f} lookups/s; CPU {ms(cpu)}; "
                        f"{written / args.seconds:,.0f} writes/s"
                        + (f"; follower CPU a batch {ms(applied)} ({len(applied)} batches)" if applied else ""),
                    )
                )
                loads.append(os.getloadavg()[0])
        rows.append(
            (
                "writes, all phases",
                f"{(len(confirmed) + len(added)) / (args.seconds * len(chosen) * len(paces)):,.0f} writes/s",
                f"{len(confirmed):,} confirmations, {len(added):,} new units, {conflicts:,} stale-version retries",
            )
        )
        # Lost or duplicated: every confirmation's note once in its unit, every new unit once, nothing else new.
        with SharedMemory(url) as memory:
            notes: dict[str, int] = {}
            touched = sorted({unit_id for unit_id, _ in confirmed})
            for unit_id in touched:
                stored = memory.get(unit_id)
                assert stored is not None
                for note in stored.unit.notes:
                    notes[note.text] = notes.get(note.text, 0) + 1
            tuids = [
                row[0]
                for row in memory.conn.execute(
                    "SELECT tuid FROM tmkit.units WHERE tuid LIKE %s", [f"new-{run}-%"]
                ).fetchall()
            ]
            after = len(memory)
        lost = sum(1 for _, mark in confirmed if notes.get(mark, 0) == 0) + len(set(added) - set(tuids))
        duplicated = sum(max(0, count - 1) for count in notes.values()) + (len(tuids) - len(set(tuids)))
        unexpected = after - before - len(added)
        rows.append(
            ("lost / duplicated units after the run", f"{lost} / {duplicated}", f"{unexpected} unexpected rows")
        )
        if args.keep:
            # Atomic: a run stopped while writing it must not leave a half file the next run cannot read.
            write_text_atomic(
                args.keep / STATE_FILE, json.dumps({"database": name, "units": args.units, "queries": queries})
            )
    finally:
        if not args.keep:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            shutil.rmtree(folder, ignore_errors=True)
        admin.close()

    print(
        f"\n{args.units:,} units, {os.cpu_count()} cores, {args.clients} lookup clients, {args.writers} writers; "
        f"load average (1 min) {', '.join(f'{load:.1f}' for load in loads)} before and after each phase\n"
    )
    print("| what | figure | note |\n|---|---|---|")
    for what, figure, remark in rows:
        print(f"| {what} | {figure} | {remark} |")


if __name__ == "__main__":
    main()
