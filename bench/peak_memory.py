"""Peak memory of every command that reads or writes a whole memory, against an lxml read of the same file.

Each command runs as a real `tmkit` process on a synthetic memory of N units (`bench/synthetic.py`,
the memory `bench/match.py` makes, reused when it is there) and is charged the peak resident set
size of its own program (``VmHWM`` of /proc/self/status as it exits: ``ru_maxrss`` would also count
the pages of this process that the fork copied before the exec), its CPU time (user + system, from
``os.wait4`` of that one child) and its wall time. The baseline, in the same run, reads the file with ``lxml.etree.iterparse`` clearing each
unit as it goes: near-constant memory, as little as a streaming reader of TMX can hold. The goal
(issue 13): every memory command peaks under 300 MB at any size, so the peak must not grow with N.

Commands that build a match index (`analyze`, `pretranslate`) are listed apart with ``--index``:
their peak is the index build's, which is another part of issue 13.

    python bench/peak_memory.py --sizes 100000
    nohup python bench/peak_memory.py --sizes 1000000 > /tmp/peak.log 2>&1 &
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"
#: Issue 13's goal for a memory command's peak resident set, at any size.
PEAK_GOAL_MB = 300

_LXML_READ = """
import sys
from lxml import etree
units = characters = 0
for _event, element in etree.iterparse(sys.argv[1], tag="tu", resolve_entities=False, no_network=True):
    units += 1
    for seg in element.iter("seg"):
        characters += len(seg.text or "")
    element.clear(keep_tail=True)
    while element.getprevious() is not None:  # what iterparse keeps of the finished siblings
        del element.getparent()[0]
print(units, characters)
"""


#: Runs a module (``-m NAME``) or code (``-c CODE``) with the rest of the arguments, and writes the
#: peak resident set of this program (not of the process it was forked from) on stderr as it exits.
PEAK_WRAPPER = """
import atexit, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    sys.stderr.write(f"\\nPEAK-KB {kb}\\n")
atexit.register(_peak)
how, what = sys.argv[1], sys.argv[2]
sys.argv = [what, *sys.argv[3:]]
if how == "-m":
    runpy.run_module(what, run_name="__main__", alter_sys=True)
else:
    exec(compile(what, "<bench>", "exec"), {"__name__": "__main__"})
"""


def peak_command(how: str, what: str, *args: str) -> list[str]:
    """A command running module or code ``what`` (``how`` is ``-m`` or ``-c``) that reports its own peak."""
    return [sys.executable, "-c", PEAK_WRAPPER, how, what, *args]


def reported_peak_mb(stderr: bytes) -> float:
    """The peak `PEAK_WRAPPER` wrote, in MB."""
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.startswith("PEAK-KB ")]
    return int(lines[-1].split()[1]) / 1024


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    peak_mb: float
    cpu_s: float
    wall_s: float
    exit_code: int


def run(name: str, command: list[str]) -> Run:
    """Run ``command`` as one child and take its own peak RSS and CPU time from ``wait4``."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    stderr = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode not in (0, 1):  # 1 is a check that failed (a merge-driver conflict): still a run
        sys.stderr.write(stderr.decode("utf-8", "replace"))
        raise SystemExit(f"{name}: exit {child.returncode}")
    return Run(name, reported_peak_mb(stderr), usage.ru_utime + usage.ru_stime, wall, child.returncode)


def memory_file(size: int) -> Path:
    """The synthetic memory of ``size`` units that bench/match.py makes (made here when missing)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import memory_pairs

    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.model import Header, Segment, TranslationUnit, Variant

    DATA.mkdir(exist_ok=True)
    tmx = DATA / f"match-{size}.tmx"
    if not tmx.exists():
        units = (
            TranslationUnit(
                [Variant("ar", Segment.from_text(p.ar)), Variant("en", Segment.from_text(p.en))], tuid=str(i)
            )
            for i, p in enumerate(memory_pairs(size))
        )
        write_tmx(tmx, header=Header(srclang="ar"), units=units)
    return tmx


#: Made just before a command runs (the merge driver writes over ours: a fresh copy each time).
Prepare = Callable[[], object] | None


def commands(tmx: Path, scratch: Path, *, index: bool) -> list[tuple[str, list[str], Prepare]]:
    """The memory commands, in an order where each input is made before it is read, each with what it needs made first."""
    tmkit = peak_command("-m", "tmkit")
    out = {kind: str(scratch / f"out.{kind}") for kind in ("tmx", "tsv", "csv")}
    xlf21, xlf12 = str(scratch / "out21.xlf"), str(scratch / "out12.xlf")
    back = str(scratch / "back-from-tsv.tmx")
    src = str(tmx)
    ours = str(scratch / "ours.tmx")
    rows: list[tuple[str, list[str]]] = [
        ("lxml iterparse (baseline)", peak_command("-c", _LXML_READ, src)),
        ("stats", [*tmkit, "stats", src]),
        ("validate", [*tmkit, "validate", src]),
        ("convert tmx -> tmx", [*tmkit, "convert", src, "-o", out["tmx"]]),
        ("convert tmx -> tsv", [*tmkit, "convert", src, "-o", out["tsv"]]),
        ("convert tmx -> csv", [*tmkit, "convert", src, "-o", out["csv"]]),
        ("convert tmx -> xliff 2.1", [*tmkit, "convert", src, "-o", xlf21]),
        ("convert tmx -> xliff 1.2", [*tmkit, "convert", src, "-o", xlf12, "--xliff-version", "1.2"]),
        ("convert tsv -> tmx", [*tmkit, "convert", out["tsv"], "-o", back]),
        ("convert csv -> tmx", [*tmkit, "convert", out["csv"], "-o", str(scratch / "back-from-csv.tmx")]),
        ("convert xliff 2.1 -> tmx", [*tmkit, "convert", xlf21, "-o", str(scratch / "back-from-xlf.tmx")]),
        ("merge (2 memories)", [*tmkit, "merge", src, back, "-o", str(scratch / "merged.tmx")]),
        ("export", [*tmkit, "export", src, "--min-status", "new", "-o", str(scratch / "exported.tmx")]),
        # Base and ours the memory (units with tuids), theirs its copy through TSV (units without): 3 memories read.
        ("merge-driver (3 memories)", [*tmkit, "merge-driver", src, ours, back]),
    ]
    if index:
        doc = scratch / "doc.txt"
        doc.write_text("وقعت الحكومة اتفاقية جديدة مع الشركة.\n", encoding="utf-8")
        rows.append(("analyze (index build)", [*tmkit, "analyze", str(doc), "--tm", src]))
    prepared = {"merge-driver (3 memories)": lambda: shutil.copyfile(src, ours)}
    return [(name, command, prepared.get(name)) for name, command in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000", help="memory sizes in units, comma-separated")
    parser.add_argument("--only", default="", help="run only the commands whose name holds one of these words (commas)")
    parser.add_argument("--index", action="store_true", help="also run analyze, whose peak is the index build's")
    args = parser.parse_args()
    wanted = [w for w in args.only.split(",") if w]
    load = os.getloadavg()
    print(f"# load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")
    for size in (int(s) for s in args.sizes.split(",")):
        tmx = memory_file(size)
        scratch = Path(tempfile.mkdtemp(prefix="tmkit-peak-"))
        try:
            print(f"\n{size:,} units, {tmx.name} ({tmx.stat().st_size / 2**20:.0f} MB)")
            print(f"{'command':<28}{'peak MB':>9}{'× lxml':>8}{'CPU s':>8}{'wall s':>8}  goal")
            baseline: Run | None = None
            for name, command, prepare in commands(tmx, scratch, index=args.index):
                if wanted and baseline is not None and not any(w in name for w in wanted):
                    continue
                if prepare is not None:
                    prepare()
                result = run(name, command)
                baseline = baseline or result
                verdict = "" if result is baseline else ("PASS" if result.peak_mb < PEAK_GOAL_MB else "FAIL")
                print(
                    f"{name:<28}{result.peak_mb:>9.0f}{result.peak_mb / baseline.peak_mb:>8.1f}"
                    f"{result.cpu_s:>8.1f}{result.wall_s:>8.1f}  {verdict}",
                    flush=True,
                )
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
