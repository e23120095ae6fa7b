"""Fault bench: the index-cache corruption sweep and kill -9 during writes, each printed as survived/total.

(a) Cache corruption: a memory of a few thousand pairs is indexed by `tmkit match`; then every file
of its cache folder is damaged in turn (a byte flipped in the middle, truncated to zero, truncated by
half, deleted) and the metadata replaced by garbage, and `tmkit match --json` is run again. A case
survives when the command exits 0 with exactly the matches of a fresh build (`--no-cache`), says so
in at most one line, and the next run is served from a sound cache again. Texts, provenance and
concordance postings are checked block by block as they are read, not at load, so damage where the
queries read nothing is served unnoticed: for those cases every string of every column and every
posting list is then read in a child process, and must equal a fresh build's (a damaged block found
then is rebuilt with one line).

(b) Kill during write: `tmkit convert`, `tmkit merge`, `tmkit export` and the editor's save
(`WorkFile.save` in a child process) are started on inputs that take about a second, and killed with
SIGKILL at a random moment. A run survives when the output is the old file byte for byte, or the
complete new one (a valid TMX with the right number of units). Temporary files left in the folder
(`.NAME.tmkit-tmp-*`, or `.*.tmp` as older versions named them) are counted, never removed by the bench, so a cleanup by the next write shows.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tmkit.atomic import STALE_TEMP_MIN_AGE_SECONDS, TEMP_MARKER

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench's own modules (synthetic)

KILLS = 30
CACHE_UNITS = 3000
CACHE_QUERIES = 20
WRITE_UNITS = 30_000
OLD_UNITS = 5  # the output already there before each killed run: small, so old and new never look alike
EDIT_MARK = "edited by bench/faults.py"
KILLED_COMMANDS = ("convert", "merge", "export", "workfile")  # workfile: the editor's save


def tmkit_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "tmkit", *args]


def write_memory(path: Path, count: int, *, offset: int = 0) -> None:
    from synthetic import memory_pairs

    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.model import Header, Segment, Status, TranslationUnit, Variant

    units = (
        TranslationUnit(
            [Variant("ar", Segment.from_text(p.ar)), Variant("en", Segment.from_text(p.en))],
            tuid=f"u{offset + n}",
            status=Status.TRANSLATED,
        )
        for n, p in enumerate(memory_pairs(count, seed=20210622 + offset))
    )
    write_tmx(path, header=Header(srclang="ar"), units=units)


# -- (a) the cache-corruption sweep -----------------------------------------------------------------


def _flip_middle_byte(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01
    file.write_bytes(bytes(data))


def _truncate_to_zero(file: Path) -> None:
    file.write_bytes(b"")


def _truncate_by_half(file: Path) -> None:
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2])


def _delete(file: Path) -> None:
    file.unlink()


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "flip": _flip_middle_byte,
    "zero": _truncate_to_zero,
    "half": _truncate_by_half,
    "delete": _delete,
}
GARBAGE_METADATA = {
    "broken JSON": b"{broken",
    "a JSON list": b"[]",
    "an empty object": b"{}",
    "not UTF-8": b'{"format": "\xff\xfe"}',
    "random bytes": bytes(random.Random(5).randrange(256) for _ in range(700)),
}


def _damage_file(cache: Path, *, name: str, corrupt: Callable[[Path], None]) -> None:
    corrupt(cache / name)


def _replace_file(cache: Path, *, name: str, content: bytes) -> None:
    (cache / name).write_bytes(content)


READ_EVERYTHING = """
import json, sys
from tmkit.matching.memory_index import Column, open_memory
index = open_memory(
    sys.argv[1], source_lang="ar", target_lang="en", cache=sys.argv[2] == "cache",
    on_notice=lambda line: print(line, file=sys.stderr),
)
found = {column.value: [index.text(column, e) for e in range(len(index))] for column in Column}
for side, words in (("source", index.source_words), ("target", index.target_words)):
    starts = words.word_starts
    found[side] = [words.word_postings[starts[r] : starts[r + 1]].tolist() for r in range(len(starts) - 1)]
print(json.dumps(found))
"""


def read_everything(memory: Path, *, cache: bool) -> subprocess.CompletedProcess[str]:
    """Every string and posting list the index holds, read in a child process (as JSON on stdout)."""
    argv = [sys.executable, "-c", READ_EVERYTHING, str(memory), "cache" if cache else "no-cache"]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def cache_sweep(folder: Path, units: int) -> tuple[int, int]:
    from synthetic import memory_pairs, queries

    from tmkit.matching.memory_index import META_FILE, cache_folder

    memory = folder / "memory.tmx"
    write_memory(memory, units)
    query_file = folder / "queries.txt"
    query_file.write_text(
        "\n".join(q.text for q in queries(memory_pairs(units), CACHE_QUERIES)) + "\n", encoding="utf-8"
    )
    match = tmkit_argv("match", "--json", "--file", str(query_file), str(memory))
    fresh = subprocess.run([*match, "--no-cache"], capture_output=True, text=True, check=True).stdout
    everything = read_everything(memory, cache=False).stdout
    subprocess.run(match, capture_output=True, check=True)  # builds the cache
    cache = cache_folder(memory, "ar", "en")
    pristine = folder / "pristine-cache"
    shutil.copytree(cache, pristine)

    cases: list[tuple[str, Callable[[Path], None]]] = []
    for name in sorted(p.name for p in pristine.iterdir()):
        for kind, corrupt in CORRUPTIONS.items():
            cases.append((f"{kind} {name}", functools.partial(_damage_file, name=name, corrupt=corrupt)))
    for what, garbage in GARBAGE_METADATA.items():
        cases.append((f"metadata: {what}", functools.partial(_replace_file, name=META_FILE, content=garbage)))

    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    for label, damage in cases:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(pristine, cache)
        damage(cache)
        first = subprocess.run(match, capture_output=True, text=True, check=False)
        second = subprocess.run(match, capture_output=True, text=True, check=False)
        notices = first.stderr.splitlines()
        if first.returncode != 0 or first.stdout != fresh:
            outcome = f"wrong output or exit {first.returncode}"
        elif len(notices) > 1:
            outcome = "more than one line on stderr"
        elif second.returncode != 0 or second.stdout != fresh or second.stderr:
            outcome = "the next run was not served from a sound cache"
        elif notices:
            outcome = "rebuilt with a notice"
        else:
            every = read_everything(memory, cache=True)
            if every.returncode != 0 or every.stdout != everything:
                outcome = f"WRONG when everything is read (exit {every.returncode})"
            elif len(every.stderr.splitlines()) > 1:
                outcome = "more than one line on stderr when everything is read"
            elif every.stderr:
                outcome = "served unchanged; found and rebuilt with a notice when read"
            else:
                outcome = "served unchanged (damage in no byte any read uses)"
        outcomes[outcome] += 1
        if outcome.startswith(("wrong", "WRONG", "more", "the next")):
            failures.append(f"{label}: {outcome}: {first.stderr.strip()[:200]}")
    survived = sum(count for outcome, count in outcomes.items() if outcome.startswith(("rebuilt", "served")))
    print(
        f"cache corruption ({units:,} pairs, {len(list(pristine.iterdir()))} cache files): {survived}/{len(cases)} survived"
    )
    for outcome, count in outcomes.most_common():
        print(f"  {count:4}  {outcome}")
    for failure in failures[:20]:
        print(f"  FAILED {failure}")
    return survived, len(cases)


# -- (b) kill -9 during writes ----------------------------------------------------------------------

WORKFILE_SAVE = f"""
import sys
from tmkit.jobs.workfile import WorkFile
document = WorkFile(sys.argv[1])
document.confirm(0, {EDIT_MARK!r})
print("ready", flush=True)
document.save()
"""


@dataclass
class WriteCase:
    name: str
    argv: list[str]
    output: Path
    old: bytes  # the output as it is before each run
    waits_for_ready: bool = False  # the child prints "ready" when the timed part (the save) begins
    new_units: int = 0
    duration: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)


def unit_count(path: Path) -> int:
    from tmkit.formats.tmx_reader import TmxReader

    return sum(1 for _ in TmxReader(path))


def temporary_files(folder: Path) -> list[Path]:
    """Temporary files of interrupted writes: tmkit's own (`.NAME.tmkit-tmp-PID-RANDOM`) and the older `.NAME.*.tmp`."""
    return [
        p for p in folder.iterdir() if p.name.startswith(".") and (TEMP_MARKER in p.name or p.name.endswith(".tmp"))
    ]


def run_case(case: WriteCase, kill_after: float | None) -> tuple[bool, float]:
    """Run the case's command, killed ``kill_after`` seconds into its timed part (None: to the end)."""
    case.output.write_bytes(case.old)
    journal = case.output.with_name(f".{case.output.name}.tmkit-journal")
    journal.unlink(missing_ok=True)
    child = subprocess.Popen(case.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if case.waits_for_ready:
        assert child.stdout is not None
        child.stdout.readline()
    started = time.perf_counter()
    killed = False
    if kill_after is None:
        child.wait()
    else:
        try:
            child.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait()
            killed = True
    elapsed = time.perf_counter() - started
    _out, err = child.communicate()
    if kill_after is None and child.returncode != 0:
        sys.exit(f"bench/faults.py: {' '.join(case.argv)} failed: {err.decode()[-400:]}")
    return killed, elapsed


def judge(case: WriteCase) -> str:
    data = case.output.read_bytes() if case.output.exists() else None
    if data is None:
        return "BROKEN: output missing"
    if data == case.old:
        return "old file intact"
    try:
        count = unit_count(case.output)
    except Exception as exc:  # noqa: BLE001 (any failure to read it is the finding)
        return f"BROKEN: unreadable ({str(exc)[:80]})"
    if count != case.new_units:
        return f"BROKEN: {count} units, expected {case.new_units}"
    if case.waits_for_ready and EDIT_MARK.encode() not in data:
        return "BROKEN: new file without the edit"
    return "new file complete"


def kill_experiment(
    folder: Path, units: int, kills: int, rng: random.Random, commands: set[str]
) -> list[tuple[str, int, int]]:
    memory = folder / "memory.tmx"
    write_memory(memory, units)
    cases: list[WriteCase] = []

    def prepared(name: str) -> Path:
        """The command's own folder (so its temporary files are counted apart) with an old output in it."""
        own = folder / name
        own.mkdir()
        write_memory(own / "old.tmx", OLD_UNITS, offset=7_000_000)
        return own

    own = prepared("convert")
    subprocess.run(tmkit_argv("convert", str(memory), "-o", str(own / "input.tsv")), check=True, capture_output=True)
    cases.append(
        WriteCase(
            "tmkit convert TSV → TMX",
            tmkit_argv("convert", str(own / "input.tsv"), "-o", str(own / "out.tmx")),
            own / "out.tmx",
            (own / "old.tmx").read_bytes(),
        )
    )
    own = prepared("merge")
    write_memory(own / "a.tmx", units // 2)
    write_memory(own / "b.tmx", units - units // 2, offset=1_000_000)
    cases.append(
        WriteCase(
            "tmkit merge",
            tmkit_argv("merge", str(own / "a.tmx"), str(own / "b.tmx"), "-o", str(own / "out.tmx")),
            own / "out.tmx",
            (own / "old.tmx").read_bytes(),
        )
    )
    own = prepared("export")
    cases.append(
        WriteCase(
            "tmkit export",
            tmkit_argv("export", str(memory), "-o", str(own / "out.tmx")),
            own / "out.tmx",
            (own / "old.tmx").read_bytes(),
        )
    )
    own = prepared("workfile")
    shutil.copy2(memory, own / "work.tmx")
    cases.append(
        WriteCase(
            "editor save (WorkFile.save)",
            [sys.executable, "-c", WORKFILE_SAVE, str(own / "work.tmx")],
            own / "work.tmx",
            memory.read_bytes(),
            waits_for_ready=True,
        )
    )

    results = []
    for case in (c for c in cases if c.output.parent.name in commands):
        _killed, case.duration = run_case(case, None)
        case.new_units = unit_count(case.output)
        for leftover in temporary_files(case.output.parent):  # none are expected from a clean run
            print(f"  note: a clean run of {case.name} left {leftover.name}")
        killed_runs = 0
        for _ in range(kills):
            # A random moment in the command's run: its start-up, its reading, its writing or just after.
            killed, _elapsed = run_case(case, rng.uniform(0.0, case.duration * 1.05))
            killed_runs += killed
            case.outcomes[judge(case)] += 1
        survived = case.outcomes["old file intact"] + case.outcomes["new file complete"]
        left = temporary_files(case.output.parent)
        left_mb = sum(p.stat().st_size for p in left) / 1e6
        # Leftovers are removed by a later write only once they are STALE_TEMP_MIN_AGE_SECONDS old (their
        # writer may live on another machine): age them that much, as a later working day would, and write once more.
        for leftover in left:
            aged = time.time() - STALE_TEMP_MIN_AGE_SECONDS - 1
            os.utime(leftover, (aged, aged))
        run_case(case, None)
        after = len(temporary_files(case.output.parent))
        print(
            f"{case.name:<30} {survived}/{kills} survived  ({case.new_units:,} units, run {case.duration:.2f} s, "
            f"{killed_runs} killed before the end; temporary files left {len(left)} ({left_mb:.0f} MB), "
            f"{after} after one more write once they are {STALE_TEMP_MIN_AGE_SECONDS:.0f} s old)"
        )
        for outcome, count in case.outcomes.most_common():
            print(f"  {count:4}  {outcome}")
        results.append((case.name, survived, kills))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=KILLS, help="kills per command")
    parser.add_argument("--cache-units", type=int, default=CACHE_UNITS, help="pairs in the memory of the cache sweep")
    parser.add_argument("--write-units", type=int, default=WRITE_UNITS, help="units written by each killed command")
    parser.add_argument("--seed", type=int, default=15, help="seed for the moments of the kills")
    parser.add_argument("--only", choices=("cache", "kill"), help="run one of the two experiments")
    parser.add_argument(
        "--commands", default=",".join(KILLED_COMMANDS), help=f"commands killed, of {','.join(KILLED_COMMANDS)}"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tmkit-faults-") as scratch:
        root = Path(scratch)
        if args.only != "kill":
            (root / "cache").mkdir()
            cache_sweep(root / "cache", args.cache_units)
        if args.only != "cache":
            (root / "kill").mkdir()
            commands = set(args.commands.split(","))
            if not commands <= set(KILLED_COMMANDS):
                parser.error(f"--commands: choose from {','.join(KILLED_COMMANDS)}")
            kill_experiment(root / "kill", args.write_units, args.kills, random.Random(args.seed), commands)


if __name__ == "__main__":
    main()
