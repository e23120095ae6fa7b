"""Commands that read a whole memory (`tmkit stats`, `tmkit validate`) against a plain lxml read of the same file.

Each is run as a command in a fresh process, several times, and charged the CPU time (user + system)
of its process, the least of its runs: CPU time, not wall time, so that other work on the machine
weighs less. The baseline reads the file with ``lxml.etree.iterparse`` and touches every segment's
text, as little as any reader of TMX can do; ``xmllint --stream`` too when it is installed. The
goals (issue 13): stats within 1.5× and validate within 3× of the lxml read.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"
STATS_GOAL = 1.5
VALIDATE_GOAL = 3.0

_LXML_READ = """
import sys
from lxml import etree
segments = characters = 0
for _event, element in etree.iterparse(sys.argv[1], tag="seg", resolve_entities=False, no_network=True):
    segments += 1
    characters += len(element.text or "")
    element.clear(keep_tail=True)
print(segments, characters)
"""


def cpu_seconds(command: list[str]) -> float:
    """The CPU time (user + system) a command's process took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def least(command: list[str], runs: int) -> float:
    return min(cpu_seconds(command) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=DATA / "match-100000.tmx", help="the memory (made by match.py)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command; the least CPU time counts")
    args = parser.parse_args()
    if not args.file.exists():
        raise SystemExit(f"{args.file}: not there (python bench/match.py --sizes 100000 makes it)")
    tmkit = [sys.executable, "-m", "tmkit"]
    file = str(args.file)
    rows = {
        "lxml iterparse": least([sys.executable, "-c", _LXML_READ, file], args.runs),
        "tmkit stats": least([*tmkit, "stats", file], args.runs),
        "tmkit validate": least([*tmkit, "validate", file], args.runs),
    }
    if shutil.which("xmllint"):
        rows["xmllint --stream"] = least(["xmllint", "--stream", "--noout", file], args.runs)
    base = rows["lxml iterparse"]
    size_mb = os.path.getsize(file) / 2**20
    print(f"{args.file.name} ({size_mb:.0f} MB), least CPU time of {args.runs} runs")
    for name, seconds in rows.items():
        print(f"{name:<20}{seconds:>8.2f} s{seconds / base:>8.2f}×")
    for name, goal in (("tmkit stats", STATS_GOAL), ("tmkit validate", VALIDATE_GOAL)):
        ratio = rows[name] / base
        print(f"{'PASS' if ratio <= goal else 'FAIL'}  {name} within {goal}× of the lxml read ({ratio:.2f}×)")


if __name__ == "__main__":
    main()
