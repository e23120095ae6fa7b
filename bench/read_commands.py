"""Commands that read a whole memory (`tmkit stats`, `tmkit validate`) against a plain lxml read of the same file.

Each is run as a command in a fresh process, once a round for several rounds, and charged the CPU time
(user + system) of its process, the least of its runs: CPU time, not wall time, so that other work on the
machine weighs less, and in rounds, so that a machine that changes pace weighs on every command alike.
`--also CHECKOUT` runs another checkout's commands in the same rounds (the code before a change). The baseline reads the file with ``lxml.etree.iterparse`` and touches every segment's
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


#: `tmkit COMMAND FILE` run from another checkout: the installed tmkit's import hook (an editable install) set aside.
_FROM_CHECKOUT = """
import runpy, sys
sys.meta_path[:] = [finder for finder in sys.meta_path if "editable" not in repr(finder)]
checkout, command, file = sys.argv[1:]
sys.path.insert(0, checkout)
sys.argv = ["tmkit", command, file]
runpy.run_module("tmkit", run_name="__main__")
"""


def cpu_seconds(command: list[str]) -> float:
    """The CPU time (user + system) a command's process took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def least_of_rounds(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Each command's least CPU time over ``runs`` rounds, each round running every command once in turn: a machine
    that slows down or speeds up during the bench weighs on all of them alike, not on the ones run then."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(cpu_seconds(command))
    return {name: min(found) for name, found in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=DATA / "match-100000.tmx", help="the memory (made by match.py)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command; the least CPU time counts")
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        metavar="CHECKOUT",
        help="another checkout of tmkit (`git worktree add /tmp/old COMMIT`) whose stats and validate run in the same run",
    )
    args = parser.parse_args()
    if not args.file.exists():
        raise SystemExit(f"{args.file}: not there (python bench/match.py --sizes 100000 makes it)")
    tmkit = [sys.executable, "-m", "tmkit"]
    file = str(args.file)
    commands = {
        "lxml iterparse": [sys.executable, "-c", _LXML_READ, file],
        "tmkit stats": [*tmkit, "stats", file],
        "tmkit validate": [*tmkit, "validate", file],
    }
    for checkout in args.also:
        for command in ("stats", "validate"):
            commands[f"{checkout} {command}"] = [
                sys.executable,
                "-c",
                _FROM_CHECKOUT,
                str(checkout.resolve()),
                command,
                file,
            ]
    if shutil.which("xmllint"):
        commands["xmllint --stream"] = ["xmllint", "--stream", "--noout", file]
    rows = least_of_rounds(commands, args.runs)
    base = rows["lxml iterparse"]
    size_mb = os.path.getsize(file) / 2**20
    print(f"{args.file.name} ({size_mb:.0f} MB), least CPU time of {args.runs} rounds (each command once a round)")
    for name, seconds in rows.items():
        print(f"{name:<24}{seconds:>8.2f} s{seconds / base:>8.2f}×")
    for name, goal in (("tmkit stats", STATS_GOAL), ("tmkit validate", VALIDATE_GOAL)):
        ratio = rows[name] / base
        print(f"{'PASS' if ratio <= goal else 'FAIL'}  {name} within {goal}× of the lxml read ({ratio:.2f}×)")


if __name__ == "__main__":
    main()
