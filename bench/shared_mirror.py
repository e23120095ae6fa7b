"""Open time of a shared memory's index: built from the database, from this machine's cache, and from the cache
brought up to date by changes others made, beside the same memory exported to TMX and opened from its cached index.

Also the import with and without the row trigger that numbers every change (migration 3). Wall and CPU
time of this process (the server's CPU is not in it). Run through the throwaway server:
`.ci/postgres python bench/shared_mirror.py --units 100000`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/synthetic.py, bench/shared_memory.py

from shared_memory import _units, with_database
from synthetic import memory_pairs

from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.model import Memory, Segment, Variant

#: Runs of each cached open; the median is shown.
RUNS = 3


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of ``work()``, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def median_of(work: Callable[[], Any]) -> tuple[float, float]:
    runs = [timed(work)[:2] for _ in range(RUNS)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def new_database(server: str) -> str:
    import psycopg

    name = f"tmkit_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--url", default=os.environ.get("TMKIT_TEST_POSTGRES"))
    args = parser.parse_args()
    if not args.url:
        sys.exit("no server: run through .ci/postgres or give --url")
    import psycopg

    from tmkit.matching.memory_index import open_memory
    from tmkit.shared.mirror import open_mirror
    from tmkit.shared.schema import migrate
    from tmkit.shared.store import SharedMemory, open_shared_index

    work = Path(tempfile.mkdtemp(prefix="tmkit-bench-mirror-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    units = _units(memory_pairs(args.units))
    rows: list[tuple[str, float, float]] = []
    names = [new_database(args.url) for _ in range(2)]
    url, untriggered = (with_database(args.url, name) for name in names)
    try:
        for target in (url, untriggered):
            with psycopg.connect(target, autocommit=True) as conn:
                migrate(conn)
                if target == untriggered:  # the same import without the row trigger, for its cost
                    conn.execute("ALTER TABLE tmkit.units DISABLE TRIGGER units_numbered")
                    conn.execute("ALTER TABLE tmkit.units ALTER change_seq SET DEFAULT 0")
                    conn.execute("ALTER TABLE tmkit.units ALTER change_xid SET DEFAULT '0'")
            with SharedMemory(target) as memory:
                wall, cpu, _ = timed(partial(memory.import_units, units))
            label = "import, row trigger" if target == url else "import, no row trigger"
            rows.append((f"{label} ({args.units:,} units)", wall, cpu))
        tmx = work / "memory.tmx"
        write_tmx(tmx, Memory(units=units))
        rows.append(
            (
                "database, in memory (cache=False)",
                *timed(lambda: open_shared_index(url, cache=False, source_lang="ar", target_lang="en"))[:2],
            )
        )
        rows.append(
            (
                "database, first open (build + save)",
                *timed(lambda: open_mirror(url, source_lang="ar", target_lang="en"))[:2],
            )
        )
        rows.append(("database, cached", *median_of(lambda: open_mirror(url, source_lang="ar", target_lang="en"))))
        rng = random.Random(5)
        with SharedMemory(url) as other:
            chosen = set(rng.sample(range(1, args.units + 1), args.changes * 4 // 5))
            for stored in other.stored_units():
                if stored.id in chosen:
                    stored.unit.variants[1] = Variant("en", Segment.from_text(f"Changed {stored.id}."))
                    other.update(stored.id, stored.unit, expected_version=stored.version)
            for unit in rng.sample(units, args.changes - len(chosen)):
                other.add(unit)
        rows.append(
            (
                f"database, cached + {args.changes:,} changes",
                *timed(lambda: open_mirror(url, source_lang="ar", target_lang="en"))[:2],
            )
        )
        rows.append(
            (
                "database, cached with its delta",
                *median_of(lambda: open_mirror(url, source_lang="ar", target_lang="en")),
            )
        )
        rows.append(
            (
                "TMX file, first open (build + save)",
                *timed(lambda: open_memory(tmx, source_lang="ar", target_lang="en"))[:2],
            )
        )
        rows.append(("TMX file, cached", *median_of(lambda: open_memory(tmx, source_lang="ar", target_lang="en"))))
    finally:
        with psycopg.connect(args.url, autocommit=True) as admin:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(f"{'':48} {'wall s':>8} {'CPU s':>8}")
    for label, wall, cpu in rows:
        print(f"{label:48} {wall:8.2f} {cpu:8.2f}")
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
