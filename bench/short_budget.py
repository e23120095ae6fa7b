"""Short lookups with a postings budget: what making them flat in the memory's size would cost in recall.

Issue 13 asks short queries (1-3 words) to cost the same at any memory size, and lookups at ten million units to
keep a recall@5 of at least 0.99. What a short lookup weighs is the keys its words find
(`CandidateIndex._worded_candidates`): their postings grow with the memory, and an exact lookup must weigh every key
that could reach the cutoff. A lookup made flat reads a fixed number of postings, whatever the size, and so leaves
keys out. This bench tries the most likely rule of that kind: past ``BUDGET`` postings, only the keys whose lengths
are nearest the query's are read (their characters can reach the highest C, 200·min(m, n)/(m + n)), as many
lengths as the budget holds; the keys equal to the query but for form are always found (they are looked up apart).

For each memory and budget it looks up the 60 short queries of the bench's query set (`bench/match.py` makes the
memories and caches) with `Matcher.match` (cutoff 70, limit 5) as the code does (exact) and with the budget, in one
process, the two taking turns query by query (CPU time, least of ``--runs``), and gives the budget's recall@5
against the exact answers (ties count) and the queries whose best match it lost.

    python bench/short_budget.py --sizes 100000,10000000 --budgets 4096,16384,32768
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from tmkit.matching import candidate_index
from tmkit.matching.candidate_index import CandidateIndex
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import open_memory

sys.path.insert(0, str(Path(__file__).resolve().parent))
from match import recall  # (bench/match.py's recall@5, ties counting)

DATA = Path(__file__).resolve().parent / ".data"
CUTOFF = 70.0
LIMIT = 5
FILES = {
    100_000: ("match-100000.tmx", "match-100000.queries.json"),
    1_000_000: ("match-1000000.tmx", "match-1000000.queries.json"),
    10_000_000: ("match-10000000-copies-of-1000000.tmx", "match-1000000.queries.json"),
}


@contextmanager
def budgeted(budget: int) -> Iterator[None]:
    """Short lookups read at most ``budget`` postings of their words' lists, from the lengths nearest the query's."""
    exact_count: Callable[..., Any] = candidate_index.count_postings
    exact_worded = CandidateIndex._worded_candidates
    asked: dict[str, Any] = {}

    def worded(self: CandidateIndex, key: str, *args: Any) -> Any:
        asked["index"], asked["length"] = self, len(key)
        try:
            return exact_worded(self, key, *args)
        finally:
            asked.clear()

    def count(read: list[np.ndarray], first: int, last: int, **options: Any) -> Any:
        if asked and sum(map(len, read)) > budget:
            read = nearest_lengths(asked["index"], asked["length"], read, first, last, budget)
        return exact_count(read, first, last, **options)

    candidate_index.count_postings = count
    CandidateIndex._worded_candidates = worded  # type: ignore[method-assign]
    try:
        yield
    finally:
        candidate_index.count_postings = exact_count
        CandidateIndex._worded_candidates = exact_worded  # type: ignore[method-assign]


def nearest_lengths(
    index: CandidateIndex, length: int, read: list[np.ndarray], first: int, last: int, budget: int
) -> list[np.ndarray]:
    """The postings of ``read`` (internal positions, keys in length order) of the lengths nearest ``length``, as many
    lengths, from the highest C they allow down, as ``budget`` postings hold (one at least)."""
    lengths = np.arange(int(index.key_lengths[first]), int(index.key_lengths[last - 1]) + 1)
    edges = index.length_starts[lengths[0] : lengths[-1] + 2]
    per_length = sum(np.diff(np.searchsorted(piece, edges)) for piece in read)
    reach = 200.0 * np.minimum(length, lengths) / (length + lengths)
    order = np.argsort(-reach, kind="stable")
    fits = np.cumsum(np.asarray(per_length)[order]) <= budget
    fits[0] = True
    kept = lengths[order[fits]]
    low = max(first, int(index.length_starts[kept.min()]))
    high = min(last, int(index.length_starts[kept.max() + 1]))
    pieces = [piece[np.searchsorted(piece, low) : np.searchsorted(piece, high)] for piece in read]
    return [piece for piece in pieces if len(piece)] or [np.empty(0, dtype=np.uint32)]


def timed(matcher: Matcher, query: str, runs: int) -> tuple[float, list[float]]:
    best, scores = float("inf"), []
    for _ in range(runs):
        started = time.process_time()
        found = matcher.match(query, score_cutoff=CUTOFF, limit=LIMIT)
        best = min(best, time.process_time() - started)
        scores = [match.score for match in found]
    return best * 1000, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,10000000")
    parser.add_argument("--budgets", default="4096,16384,32768", help="postings a short lookup reads at most")
    parser.add_argument("--runs", type=int, default=3, help="lookups timed per query and way (the least is kept)")
    args = parser.parse_args()
    print(f"{'memory':<12}{'budget':>8}{'exact sum/p95 ms':>18}{'budget sum/p95 ms':>19}{'recall@5':>10}  best lost")
    for size in (int(s) for s in args.sizes.split(",")):
        tmx, queries_name = (DATA / name for name in FILES[size])
        if not tmx.exists():
            sys.exit(f"bench/short_budget.py: {tmx} not found (bench/match.py makes it)")
        queries = [q for q, kind in json.loads(queries_name.read_text(encoding="utf-8")) if kind == "short"]
        matcher = Matcher([open_memory(tmx, source_lang="ar", target_lang="en")])
        for budget in (int(b) for b in args.budgets.split(",")):
            exact_ms, exact_scores, budget_ms, budget_scores = [], [], [], []
            for query in queries:
                ms, scores = timed(matcher, query, args.runs)
                exact_ms.append(ms)
                exact_scores.append(scores)
                with budgeted(budget):
                    ms, scores = timed(matcher, query, args.runs)
                budget_ms.append(ms)
                budget_scores.append(scores)
            lost = sum(
                bool(truth) and (not found or found[0] < truth[0] - 1e-9)
                for found, truth in zip(budget_scores, exact_scores, strict=True)
            )
            print(
                f"{size:<12,}{budget:>8,}{sum(exact_ms):>11.1f}/{np.percentile(exact_ms, 95):<6.2f}"
                f"{sum(budget_ms):>12.1f}/{np.percentile(budget_ms, 95):<6.2f}"
                f"{recall(budget_scores, exact_scores):>10.3f}  {lost} of {len(queries)}"
            )


if __name__ == "__main__":
    main()
