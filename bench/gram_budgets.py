"""The long lookups' posting budgets (`SAMPLED_POSTINGS_PER_ENTRY`, `RESOLVING_POSTINGS_PER_ENTRY`): cost and answers.

One process opens a memory `bench/match.py` made (its cache built), then looks up the same queries under each
setting in turn, twice (the second pass timed, CPU), and compares each setting's top five scores, query by query,
with those of the reference setting measured in the same run (a generous budget: the most postings read). A
setting "keeps" a query when its scores are the reference's; "loses" it when any is lower.

    python bench/gram_budgets.py                                  # 10M copies of 1M, the bench's 300 queries
    python bench/gram_budgets.py --seed 11 --count 200            # other queries, made from the 1M memory's pairs
    python bench/gram_budgets.py --queries other.queries.json     # any [[text, kind], ...] file
    python bench/gram_budgets.py --settings 0.03/0.1,0.02/0.1 --reference 0.3/0.5
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from tmkit.matching import candidate_index
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import open_memory

DATA = Path(__file__).resolve().parent / ".data"
CUTOFF = 70.0
LIMIT = 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(matcher: Matcher, queries: list[str], setting: tuple[float, float]) -> tuple[list[float], list[list[float]]]:
    """CPU ms of each lookup (the second of two passes) and its top scores, under ``setting`` (per entry, resolving)."""
    kept = candidate_index.SAMPLED_POSTINGS_PER_ENTRY, candidate_index.RESOLVING_POSTINGS_PER_ENTRY
    candidate_index.SAMPLED_POSTINGS_PER_ENTRY, candidate_index.RESOLVING_POSTINGS_PER_ENTRY = setting
    try:
        for _warm in range(2):
            cpu, scores = [], []
            for query in queries:
                started = time.process_time()
                found = matcher.match(query, score_cutoff=CUTOFF, limit=LIMIT)
                cpu.append((time.process_time() - started) * 1000)
                scores.append([round(match.score, 2) for match in found])
    finally:
        candidate_index.SAMPLED_POSTINGS_PER_ENTRY, candidate_index.RESOLVING_POSTINGS_PER_ENTRY = kept
    return cpu, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", default=str(DATA / "match-10000000-copies-of-1000000.tmx"))
    parser.add_argument("--queries", default=str(DATA / "match-1000000.queries.json"))
    parser.add_argument("--settings", default="0.1/0.25,0.05/0.25,0.03/0.1,0.02/0.1", help="per entry/resolving, ...")
    parser.add_argument("--reference", default="0.3/0.5")
    parser.add_argument("--seed", type=int, help="make --count other queries with this seed (`synthetic.queries`)")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--base", type=int, default=1_000_000, help="the memory --seed's queries are made from")
    args = parser.parse_args()

    def setting(text: str) -> tuple[float, float]:
        per_entry, resolving = text.split("/")
        return float(per_entry), float(resolving)

    if args.seed is not None:
        from synthetic import memory_pairs
        from synthetic import queries as make_queries

        queries = [query.text for query in make_queries(memory_pairs(args.base), args.count, seed=args.seed)]
        args.queries = f"synthetic.queries(seed={args.seed})"
    else:
        queries = [text for text, _kind in json.loads(Path(args.queries).read_text(encoding="utf-8"))]
    matcher = Matcher([open_memory(args.memory, source_lang="ar", target_lang="en")])
    print(f"# {args.memory}, {len(queries)} queries from {args.queries}; reference {args.reference}")
    _cpu, reference = run(matcher, queries, setting(args.reference))
    default = (candidate_index.SAMPLED_POSTINGS_PER_ENTRY, candidate_index.RESOLVING_POSTINGS_PER_ENTRY)
    print(f"{'per entry / resolving':<24}{'CPU p50 / p95 ms':>18}{'kept':>8}{'lost':>6}")
    for text in [args.reference, *args.settings.split(",")]:
        cpu, scores = run(matcher, queries, setting(text))
        lost = sum(1 for mine, best in zip(scores, reference, strict=True) if mine < best)
        kept = sum(1 for mine, best in zip(scores, reference, strict=True) if mine == best)
        mark = " (the code's)" if setting(text) == default else ""
        print(f"{text + mark:<24}{percentile(cpu, 0.5):>9.2f} / {percentile(cpu, 0.95):<6.2f}{kept:>8}{lost:>6}")


if __name__ == "__main__":
    main()
