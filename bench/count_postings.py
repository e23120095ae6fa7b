"""Counting the postings a lookup read (`count_postings`), as now and as before, on the calls real lookups make.

A long lookup counts how many of the posting lists it read hold each entry of its length window. Before, it
sorted what it read where the window held more than 8 entries a posting, and otherwise added list by list into a
byte an entry, then scanned the whole window for the entries counted enough. Now, in windows of more than
`BYTE_COUNT_WINDOW` entries, it sorts only below a sixteenth (`WIDE_SPARSE_COUNT_RATIO`), and where entries need
two lists or more, up to an eighth, it notes each as its count reaches that, sorting those noted instead of
scanning the window. The way before is the same function with `WIDE_SPARSE_COUNT_RATIO` set to
`SPARSE_COUNT_RATIO`: wide windows then sort below an eighth, and scan above it.

Part one looks up every query of the memory's query set (`bench/match.py` makes the memories, their caches and
the queries) and records each call; then times each call both ways, in turns, least of ``--runs`` (wall clock in
one process, nothing else running in it), and checks the answers are the same; the sums are printed by the way
the code now takes. Part two looks up the queries with the counting as now and as before, taking turns query by
query, CPU time per query, least of ``--runs``, and prints p50/p95 of each and their ratio.

    python bench/count_postings.py --sizes 1000000
    python bench/count_postings.py --sizes 10000000   # after bench/match.py --sizes 10000000 --copies-of 1000000
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from tmkit.matching import candidate_index
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import open_memory

DATA = Path(__file__).resolve().parent / ".data"
CUTOFF = 70.0
LIMIT = 5
Counted = tuple[np.ndarray, np.ndarray]
COUNT_NOW = candidate_index.count_postings


def count_before(pieces: list[np.ndarray], first: int, last: int, *, at_least: int = 1) -> Counted:
    """`count_postings` as it was before (c. d23d019): wide windows sorted below an eighth, as narrow ones are, and
    the window scanned above it (with the two ratios equal, none takes the way that notes entries)."""
    wide_ratio = candidate_index.WIDE_SPARSE_COUNT_RATIO
    candidate_index.WIDE_SPARSE_COUNT_RATIO = candidate_index.SPARSE_COUNT_RATIO
    try:
        return COUNT_NOW(pieces, first, last, at_least=at_least)
    finally:
        candidate_index.WIDE_SPARSE_COUNT_RATIO = wide_ratio


def way_now(pieces: list[np.ndarray], first: int, last: int, at_least: int) -> str:
    """Which way the code now counts this call."""
    total, window = sum(len(piece) for piece in pieces), last - first
    if window <= candidate_index.BYTE_COUNT_WINDOW:
        return "sorted" if total * candidate_index.SPARSE_COUNT_RATIO < window else "8 bytes, all lists"
    if total * candidate_index.WIDE_SPARSE_COUNT_RATIO < window:
        return "sorted"
    if at_least > 1 and total * candidate_index.SPARSE_COUNT_RATIO < window:
        return "byte, noted on reaching"
    return "byte, window scanned"


def memory_of(size: int) -> tuple[Path, Path]:
    tmx = DATA / f"match-{size}.tmx"
    if not tmx.exists():
        tmx = DATA / f"match-{size}-copies-of-1000000.tmx"
        return tmx, DATA / "match-1000000.queries.json"
    return tmx, DATA / f"match-{size}.queries.json"


def recorded_calls(matcher: Matcher, queries: list[str]) -> list[tuple[list[np.ndarray], int, int, int]]:
    calls: list[tuple[list[np.ndarray], int, int, int]] = []

    def recording(pieces: list[np.ndarray], first: int, last: int, *, at_least: int = 1) -> Counted:
        calls.append(([np.array(piece) for piece in pieces], first, last, at_least))
        return COUNT_NOW(pieces, first, last, at_least=at_least)

    candidate_index.count_postings = recording  # type: ignore[assignment]
    try:
        for query in queries:
            matcher.match(query, score_cutoff=CUTOFF, limit=LIMIT)
    finally:
        candidate_index.count_postings = COUNT_NOW
    return calls


def time_calls(calls: list[tuple[list[np.ndarray], int, int, int]], runs: int) -> None:
    sums: dict[str, list[float]] = {}
    differ = 0
    for pieces, first, last, at_least in calls:
        best = {"now": float("inf"), "before": float("inf")}
        answers: dict[str, Counted] = {}
        for run in range(runs):
            order = (("now", COUNT_NOW), ("before", count_before))
            for label, count in order if run % 2 == 0 else order[::-1]:
                started = time.perf_counter()
                answers[label] = count(pieces, first, last, at_least=at_least)
                best[label] = min(best[label], time.perf_counter() - started)
        now, before = answers["now"], answers["before"]
        differ += not (np.array_equal(now[0], before[0]) and np.array_equal(now[1], before[1]))
        row = sums.setdefault(way_now(pieces, first, last, at_least), [0, 0.0, 0.0])
        row[0] += 1
        row[1] += best["now"] * 1000
        row[2] += best["before"] * 1000
    print(f"  {'way now':<26}{'calls':>6}{'now ms':>10}{'before ms':>11}{'ratio':>8}")
    for way, (calls_of, now_ms, before_ms) in sorted(sums.items()):
        print(f"  {way:<26}{calls_of:>6}{now_ms:>10.1f}{before_ms:>11.1f}{before_ms / max(now_ms, 1e-9):>7.2f}×")
    now_ms, before_ms = sum(row[1] for row in sums.values()), sum(row[2] for row in sums.values())
    print(f"  {'all':<26}{len(calls):>6}{now_ms:>10.1f}{before_ms:>11.1f}{before_ms / now_ms:>7.2f}×")
    print(f"  answers differ in {differ} of {len(calls)} calls")


def time_lookups(matcher: Matcher, queries: list[str], runs: int) -> dict[str, Any]:
    cpu = {"now": [float("inf")] * len(queries), "before": [float("inf")] * len(queries)}
    ways = (("now", COUNT_NOW), ("before", count_before))
    for run in range(runs):
        for number, query in enumerate(queries):
            for label, count in ways if (number + run) % 2 == 0 else ways[::-1]:
                candidate_index.count_postings = count  # type: ignore[assignment]
                started = time.process_time()
                matcher.match(query, score_cutoff=CUTOFF, limit=LIMIT)
                cpu[label][number] = min(cpu[label][number], (time.process_time() - started) * 1000)
    candidate_index.count_postings = COUNT_NOW
    return {label: (float(np.percentile(times, 50)), float(np.percentile(times, 95))) for label, times in cpu.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000", help="memories to use, as made by bench/match.py")
    parser.add_argument(
        "--runs", type=int, default=3, help="each call and lookup timed this many times, the least kept"
    )
    args = parser.parse_args()
    for size in (int(value) for value in args.sizes.split(",")):
        tmx, query_file = memory_of(size)
        if not tmx.exists() or not query_file.exists():
            print(f"{tmx.name}: missing; make it with bench/match.py first")
            continue
        queries = [query for query, _kind in json.loads(query_file.read_text(encoding="utf-8"))]
        matcher = Matcher([open_memory(tmx, source_lang="ar", target_lang="en")])
        print(f"{tmx.name}, {len(queries)} queries")
        time_calls(recorded_calls(matcher, queries), args.runs)
        times = time_lookups(matcher, queries, args.runs)
        (now50, now95), (before50, before95) = times["now"], times["before"]
        print(
            f"  lookups, CPU ms, least of {args.runs}: now p50/p95 {now50:.2f}/{now95:.2f}, "
            f"before {before50:.2f}/{before95:.2f}; p95 before / now {before95 / now95:.2f}×"
        )


if __name__ == "__main__":
    main()
