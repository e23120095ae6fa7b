"""Start-up benchmark: whole `tmkit` processes (help, match, segment, SRX rules) timed against `python -c pass`.

Every case is a fresh process, run --repeat times; the cases take turns with the bare-Python
baseline in each round, so a machine that gets busier part-way hits all of them alike. The table
gives the median wall time, its difference from bare Python, their ratio and the goal.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / ".data"
ONE_PAGE = REPO / "samples" / "article.ar.txt"
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
OMEGAT_RULES = "org/omegat/core/segmentation/defaultRules.srx"
MEMORY_SIZE = 100_000
QUERY = "قال المتحدث إن الاجتماع سيعقد في دمشق يوم الخميس"

#: Goals of issue 14: (limit in ms, measured as "over python" or "total").
HELP_GOAL = (150.0, "over python")
MATCH_GOAL = (400.0, "total")
SEGMENT_GOAL = (300.0, "total")


@dataclass
class Case:
    label: str
    argv: list[str]
    goal: tuple[float, str] | None = None
    env: dict[str, str] = field(default_factory=dict)
    fresh_cache: bool = False  # a new, empty cache folder for every run (the cost before caching)
    times: list[float] = field(default_factory=list)


def tmkit_argv(*args: str) -> list[str]:
    """The installed `tmkit` script run by this interpreter (what a user's shell runs)."""
    script = Path(sys.executable).with_name("tmkit")
    if not script.exists():
        found = shutil.which("tmkit")
        if found is None:
            sys.exit("bench/startup.py: no `tmkit` command; install tmkit (pip install -e .) first")
        script = Path(found)
    return [sys.executable, str(script), *args]


def run_once(case: Case, cache_home: Path) -> float:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), **case.env}
    # An installed tmkit runs from compiled bytecode (pip compiles it); let the untimed first run write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    done = subprocess.run(case.argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench/startup.py: {' '.join(case.argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


# -- inputs ---------------------------------------------------------------------------------------


def memory_file() -> Path:
    from match import synthetic_files  # bench/match.py makes (and keeps) its synthetic memories

    tmx, _ = synthetic_files(MEMORY_SIZE, 20)
    return tmx


def omegat_rules(folder: Path) -> Path | None:
    """OmegaT's default segmentation rules, from Debian's package (apt-get install omegat), if installed."""
    if not OMEGAT_JAR.is_file():
        return None
    try:
        with zipfile.ZipFile(OMEGAT_JAR) as jar:
            data = jar.read(OMEGAT_RULES)
    except (KeyError, zipfile.BadZipFile):
        return None
    path = folder / "omegat-defaultRules.srx"
    path.write_bytes(data)
    return path


def large_rules(folder: Path, *, languages: int = 60, rules_per_language: int = 50) -> Path:
    """A synthetic SRX file the size of OmegaT's current segmentation.srx (~360 KB): many languages,
    each with its own abbreviation exceptions, so that no two patterns are alike (no regex cache hit)."""
    sets, maps = [], []
    for number in range(languages):
        name = f"Lang{number:02d}"
        rules = [
            f'<rule break="no"><beforebreak>\\b(?:[Aa]bbr{number}x{k}|[Cc]ap{number}x{k}\\p{{Lu}})\\.</beforebreak>'
            f"<afterbreak>\\s+\\p{{Ll}}</afterbreak></rule>"
            for k in range(rules_per_language)
        ]
        rules.append(
            '<rule break="yes"><beforebreak>[\\.\\?!]+</beforebreak><afterbreak>\\s+\\p{Lu}</afterbreak></rule>'
        )
        sets.append(f'<languagerule languagerulename="{name}">\n' + "\n".join(rules) + "\n</languagerule>")
        maps.append(f'<languagemap languagepattern="x{number:02d}.*" languagerulename="{name}"/>')
    maps.append('<languagemap languagepattern="en.*" languagerulename="Lang00"/>')
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<srx xmlns="http://www.lisa.org/srx20" version="2.0">\n'
        '<header cascade="yes"/>\n<body><languagerules>\n'
        + "\n".join(sets)
        + "\n</languagerules><maprules>\n"
        + "\n".join(maps)
        + "\n</maprules></body></srx>\n"
    )
    path = folder / "large.srx"
    path.write_text(text, encoding="utf-8")
    return path


# -- main -----------------------------------------------------------------------------------------


def build_cases(work: Path, *, srx: Path | None) -> list[Case]:
    from tmkit.cli import build_parser

    subcommands = next(a for a in build_parser()._actions if a.dest == "command")
    assert subcommands.choices is not None
    commands = sorted(subcommands.choices)
    cases = [Case("python -c pass", [sys.executable, "-c", "pass"])]
    cases.append(Case("tmkit --help", tmkit_argv("--help"), HELP_GOAL))
    cases += [Case(f"tmkit {name} --help", tmkit_argv(name, "--help"), HELP_GOAL) for name in commands]
    memory = memory_file()
    cases.append(
        Case(f"tmkit match ({MEMORY_SIZE:,} pairs, index cached)", tmkit_argv("match", str(memory), QUERY), MATCH_GOAL)
    )
    cases.append(Case("tmkit segment (one page)", tmkit_argv("segment", "--lang", "ar", str(ONE_PAGE)), SEGMENT_GOAL))
    rule_files = [(path.name, path) for path in (srx, omegat_rules(work)) if path is not None]
    rule_files.append(("synthetic large.srx", large_rules(work)))
    for name, path in rule_files:
        size = f"{path.stat().st_size / 1024:.0f} KB"
        argv = tmkit_argv("segment", "--lang", "en", "--srx", str(path), str(REPO / "samples" / "article.en.txt"))
        cases.append(Case(f"tmkit segment --srx {name} ({size}), cached", argv))
        cases.append(Case(f"tmkit segment --srx {name} ({size}), no cache", argv, fresh_cache=True))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11, help="runs of each case (the median is shown)")
    parser.add_argument("--srx", type=Path, help="also time this SRX file (e.g. OmegaT's segmentation.srx)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures as JSON")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tmkit-startup-") as tmp:
        work = Path(tmp)
        warm_cache = work / "cache"
        cases = build_cases(work, srx=args.srx)
        for case in cases:  # untimed: builds the match index and fills the SRX cache
            run_once(case, warm_cache)
        for round_number in range(args.repeat):
            for case in cases:
                home = work / f"cold-{round_number}" if case.fresh_cache else warm_cache
                case.times.append(run_once(case, home))
                if case.fresh_cache:
                    shutil.rmtree(home, ignore_errors=True)
    report(cases, args.repeat, args.json)


def report(cases: list[Case], repeat: int, json_path: Path | None) -> None:
    bare = statistics.median(cases[0].times) * 1000
    print(
        f"# {sys.executable} on {os.cpu_count()} CPUs, median of {repeat} runs; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'case':<62}{'median ms':>10}{'over python':>13}{'ratio':>7}  goal")
    rows = []
    met_all = True
    for case in cases:
        median = statistics.median(case.times) * 1000
        over = median - bare
        verdict = ""
        if case.goal is not None:
            limit, kind = case.goal
            met = (over if kind == "over python" else median) <= limit
            met_all &= met
            verdict = f"{'ok  ' if met else 'MISS'} ≤ {limit:.0f} ms {kind}"
        print(f"{case.label:<62}{median:>10.0f}{over:>+13.0f}{median / bare:>7.1f}  {verdict}")
        rows.append(
            {
                "case": case.label,
                "median_ms": median,
                "over_python_ms": over,
                "ratio": median / bare,
                "goal": case.goal,
                "runs_ms": [t * 1000 for t in case.times],
            }
        )
    print(f"# goals {'all met' if met_all else 'NOT all met'}")
    if json_path is not None:
        json_path.write_text(json.dumps({"repeat": repeat, "rows": rows, "goals_met": met_all}, indent=2) + "\n")


if __name__ == "__main__":
    main()
