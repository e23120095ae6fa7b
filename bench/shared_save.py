"""Time of an editor's saves into a shared (PostgreSQL) memory: a first save of many new pairs, then a save of each
pair changed, with the read of the versions at open before them.

Wall and CPU time of this process (the server's CPU is not in it), the load average beside them, and the
units stored counted afterwards. Run through the throwaway server:
`.ci/postgres python bench/shared_save.py --pairs 1000`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/synthetic.py, bench/shared_memory.py

from shared_memory import with_database
from shared_mirror import new_database
from synthetic import memory_pairs

from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant

#: Pairs in the working file when --pairs is not given.
DEFAULT_PAIRS = 1000


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of ``work()``, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=DEFAULT_PAIRS)
    args = parser.parse_args()
    server = os.environ.get("TMKIT_TEST_POSTGRES")
    if not server:
        sys.exit("no server: run as `.ci/postgres python bench/shared_save.py`")
    url = with_database(server, new_database(server))
    from tmkit.cli import main as cli_main

    assert cli_main(["db", "init", url]) == 0
    pairs = memory_pairs(args.pairs)
    units = [
        TranslationUnit(
            [Variant("ar", Segment.from_text(p.ar)), Variant("en", Segment.from_text(p.en))],
            tuid=str(i + 1),
            status=Status.TRANSLATED,
        )
        for i, p in enumerate(pairs)
    ]
    from tmkit.jobs.workfile import WorkFile
    from tmkit.shared.store import SharedMemory

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "job.tmx"
        write_tmx(path, Memory(Header(srclang="ar"), units))
        document = WorkFile(path, user="bench")
        shared = document.shared_save(url)
        rows = [("read at open", lambda: shared.read(document))]
        rows.append(("first save (new pairs)", lambda: shared.save(document).written))

        def change_all() -> None:
            """The translator confirms every pair anew and saves the working file (not timed: the editor's part)."""
            for i in range(len(document)):
                document.confirm(i, document.rows[i].edit_text + " (edited)")
            document.save()

        rows.append(("save of every pair changed", lambda: shared.save(document).written))
        print(f"{args.pairs} pairs, load average {os.getloadavg()[0]:.1f}")
        print(f"{'step':<28} {'wall s':>8} {'CPU s':>8} {'written':>8}")
        for name, work in rows:
            if name.startswith("save of every"):
                change_all()
            wall, cpu, result = timed(work)
            print(f"{name:<28} {wall:8.2f} {cpu:8.2f} {result!s:>8}")
        with SharedMemory(url) as memory:
            stored = list(memory.stored_units())
        versions = sorted({s.version for s in stored})
        print(f"units stored: {len(stored)} (versions {versions}), load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
