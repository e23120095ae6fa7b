"""Short lookups with many keys to weigh: the two steps that scale with them, each against the way it replaced.

A short query's words find every stored key that could reach the cutoff; in a big memory one common word
finds thousands (`CandidateIndex._worded_candidates`). Two steps are done per key found, and each has two ways
in the code, chosen by how many keys there are:

* the letters' bound (`shared_char_bound`): from `_BYTE_BY_BYTE_ROWS` keys, each byte's share is added up
  byte by byte; the baseline is the one gather of 8 numbers a key summed along rows, used below that;
* the keys' lengths (`CandidateIndex._lengths_at`): from `GATHERED_LENGTHS` keys, cut from where each length
  starts; the baseline is reading each key's length, used below that.

Part one times the bound alone on random packed keys (3,000 and 30,000, least of 200 calls). Part two looks up
the short queries of the 100k and 1M query sets (`bench/match.py` makes the memories and their caches) in each
memory given, with both steps as now and with both as before, in one process, the two taking turns query by
query; CPU time per query, least of ``--runs``; the answers must be the same.

    python bench/short_lookups.py --sizes 100000,1000000
    python bench/short_lookups.py --sizes 10000000      # after bench/match.py --sizes 10000000 --copies-of 1000000
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
import timeit
from pathlib import Path

import numpy as np

from tmkit.matching import candidate_index
from tmkit.matching.candidate_index import char_bucket_counts, shared_char_bound
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import open_memory

DATA = Path(__file__).resolve().parent / ".data"
CUTOFF = 70.0
LIMIT = 5
#: The thresholds as in the code, and as the baseline (never reached: the other way always).
NOW = {"_BYTE_BY_BYTE_ROWS": candidate_index._BYTE_BY_BYTE_ROWS, "GATHERED_LENGTHS": candidate_index.GATHERED_LENGTHS}
BEFORE = {"_BYTE_BY_BYTE_ROWS": sys.maxsize, "GATHERED_LENGTHS": sys.maxsize}


def use(thresholds: dict[str, int]) -> None:
    for name, value in thresholds.items():
        setattr(candidate_index, name, value)


def bound_alone() -> None:
    print(f"{'letters bound':<16}{'keys':>8}{'byte by byte µs':>17}{'one gather µs':>15}{'ratio':>8}  same")
    query = char_bucket_counts("في الأطفال والمدارس")
    for keys in (3_000, 30_000):
        packed = np.random.default_rng(keys).integers(0, 2**64, size=keys, dtype=np.uint64)
        timed = {}
        for label, thresholds in (("now", NOW), ("before", BEFORE)):
            use(thresholds)
            call = functools.partial(shared_char_bound, query, packed)
            timed[label] = min(timeit.repeat(call, number=200, repeat=5)) / 200
            timed[label + " bound"] = shared_char_bound(query, packed).tolist()
        use(NOW)
        same = "yes" if timed["now bound"] == timed["before bound"] else "NO"
        now, before = timed["now"] * 1e6, timed["before"] * 1e6
        print(f"{'':<16}{keys:>8,}{now:>17.1f}{before:>15.1f}{before / now:>7.2f}×  {same}")


def memory_file(size: int) -> Path:
    return DATA / ("match-10000000-copies-of-1000000.tmx" if size == 10_000_000 else f"match-{size}.tmx")


def lookups(sizes: list[int], runs: int) -> None:
    queries = [
        query
        for source in ("match-1000000.queries.json", "match-100000.queries.json")
        if (DATA / source).exists()
        for query, kind in json.loads((DATA / source).read_text(encoding="utf-8"))
        if kind == "short"
    ]
    if not queries:
        sys.exit("bench/short_lookups.py: no query sets in bench/.data: run bench/match.py first")
    print(f"\n{len(queries)} short queries, CPU ms, least of {runs}, the two ways taking turns query by query")
    print(f"{'memory':<28}{'now sum/p95':>16}{'before sum/p95':>18}{'sum ratio':>11}  same answers")
    for size in sizes:
        path = memory_file(size)
        if not path.exists():
            print(f"{size:>12,}: {path.name} not found (bench/match.py makes it)")
            continue
        index = open_memory(path, source_lang="ar", target_lang="en")
        for query in queries:  # caches of the process warmed for both alike
            Matcher([index]).match(query, score_cutoff=CUTOFF, limit=LIMIT)
        best = {"now": [float("inf")] * len(queries), "before": [float("inf")] * len(queries)}
        answers: dict[str, list[list[tuple[float, int]]]] = {"now": [], "before": []}
        for run in range(runs):
            for number, query in enumerate(queries):
                order = (("now", NOW), ("before", BEFORE))
                for label, thresholds in order if (number + run) % 2 == 0 else order[::-1]:
                    use(thresholds)
                    started = time.process_time()
                    found = Matcher([index]).match(query, score_cutoff=CUTOFF, limit=LIMIT)
                    spent = (time.process_time() - started) * 1000
                    best[label][number] = min(best[label][number], spent)
                    if run == 0:
                        answers[label].append([(m.score, m.entry) for m in found])
        use(NOW)
        row = {}
        for label, times in best.items():
            ordered = sorted(times)
            row[label] = (sum(ordered), ordered[round(0.95 * (len(ordered) - 1))])
        same = "yes" if answers["now"] == answers["before"] else "NO"
        print(
            f"{f'synthetic {size:,}':<28}{row['now'][0]:>9.1f}/{row['now'][1]:<6.2f}"
            f"{row['before'][0]:>11.1f}/{row['before'][1]:<6.2f}{row['before'][0] / row['now'][0]:>10.2f}×  {same}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="memories of bench/match.py, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="lookups timed per query and way (the least is kept)")
    args = parser.parse_args()
    bound_alone()
    lookups([int(size) for size in args.sizes.split(",")], args.runs)


if __name__ == "__main__":
    main()
