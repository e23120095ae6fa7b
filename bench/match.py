"""Fuzzy-match benchmark: tmkit's indexed lookup against brute-force rapidfuzz on the same memories and queries.

For each memory size it measures, each part in a fresh process: building the index from the TMX
(and caching it), loading it again from the cache, the memory the loaded index takes, lookup
latency (p50/p95) of `Matcher.match` and of a brute-force `rapidfuzz.process.extract` over every
key, and recall@5: the share of the brute-force top 5 (character similarity of normalized keys,
at least the cutoff) that tmkit's index retrieves among its own top 5.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

DATA = Path(__file__).resolve().parent / ".data"
CUTOFF = 70.0
LIMIT = 5


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# -- data -----------------------------------------------------------------------------------------


def synthetic_files(size: int, queries: int) -> tuple[Path, Path]:
    from synthetic import memory_pairs
    from synthetic import queries as make_queries

    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.model import Header, Segment, TranslationUnit, Variant

    DATA.mkdir(exist_ok=True)
    tmx, query_file = DATA / f"match-{size}.tmx", DATA / f"match-{size}.queries.json"
    if not tmx.exists() or not query_file.exists():
        started = time.perf_counter()
        pairs = memory_pairs(size)
        units = (
            TranslationUnit(
                [Variant("ar", Segment.from_text(p.ar)), Variant("en", Segment.from_text(p.en))], tuid=str(i)
            )
            for i, p in enumerate(pairs)
        )
        write_tmx(tmx, header=Header(srclang="ar"), units=units)
        wanted = make_queries(pairs, queries)
        query_file.write_text(json.dumps([[q.text, q.kind] for q in wanted], ensure_ascii=False), encoding="utf-8")
        print(f"# generated {size:,} pairs in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return tmx, query_file


def corpus_files(prefix: str, queries: int) -> tuple[Path, Path]:
    """A memory from line-aligned `PREFIX.ar`/`PREFIX.en`; every 20th pair is held out as a query."""
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.model import Header, Segment, TranslationUnit, Variant

    arabic = Path(prefix + ".ar").read_text(encoding="utf-8").splitlines()
    english = Path(prefix + ".en").read_text(encoding="utf-8").splitlines()
    DATA.mkdir(exist_ok=True)
    name = Path(prefix).name
    tmx, query_file = DATA / f"corpus-{name}.tmx", DATA / f"corpus-{name}.queries.json"
    held = set(range(0, len(arabic), 20))
    units = [
        TranslationUnit([Variant("ar", Segment.from_text(a)), Variant("en", Segment.from_text(e))], tuid=str(i))
        for i, (a, e) in enumerate(zip(arabic, english, strict=True))
        if i not in held and a.strip() and e.strip()
    ]
    write_tmx(tmx, header=Header(srclang="ar"), units=units)
    chosen = [[arabic[i], "held-out"] for i in sorted(held)][:queries]
    query_file.write_text(json.dumps(chosen, ensure_ascii=False), encoding="utf-8")
    return tmx, query_file


# -- children -------------------------------------------------------------------------------------


def child_build(tmx: Path) -> dict[str, Any]:
    from tmkit.matching.memory_index import cache_folder, open_memory

    folder = cache_folder(tmx, "ar", "en")
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    index = open_memory(tmx, source_lang="ar", target_lang="en")
    disk = sum(f.stat().st_size for f in folder.iterdir())
    return {"build_s": time.perf_counter() - started, "entries": len(index), "disk_mb": disk / 2**20}


def child_query(tmx: Path, query_file: Path) -> dict[str, Any]:
    from rapidfuzz import fuzz, process

    from tmkit.matching.matcher import Matcher
    from tmkit.matching.memory_index import Column, open_memory

    queries = [q for q, _kind in json.loads(query_file.read_text(encoding="utf-8"))]
    before = rss_mb()
    started = time.perf_counter()
    index = open_memory(tmx, source_lang="ar", target_lang="en")
    load_s = time.perf_counter() - started
    matcher = Matcher([index])
    norm = index.normalizer
    latencies, retrieved = [], []
    for query in queries:
        started = time.perf_counter()
        matcher.match(query, score_cutoff=CUTOFF, limit=LIMIT)
        latencies.append((time.perf_counter() - started) * 1000)
    from tmkit.matching.concordance import concordance

    concord_ms = []
    for query in queries[:100]:  # two-word phrases from the queries, looked up in the sources
        phrase = " ".join(query.split()[1:3])
        started = time.perf_counter()
        concordance([index], phrase)
        concord_ms.append((time.perf_counter() - started) * 1000)
    for query in queries:  # what the index retrieves, by character similarity (not timed)
        key = norm(query)
        entries = index.candidates.candidates(key, min_similarity=CUTOFF)
        keys = index.columns[Column.SOURCE_KEY].take(entries)
        best = process.extract(key, keys, scorer=fuzz.ratio, limit=LIMIT, score_cutoff=CUTOFF)
        retrieved.append([score for _k, score, _i in best])
    return {
        "load_s": load_s,
        "rss_mb": rss_mb() - before,
        "latencies_ms": latencies,
        "concord_ms": concord_ms,
        "retrieved": retrieved,
    }


def child_brute(tmx: Path, query_file: Path, count: int) -> dict[str, Any]:
    from rapidfuzz import fuzz, process

    from tmkit.matching.memory_index import Column, open_memory

    queries = [q for q, _kind in json.loads(query_file.read_text(encoding="utf-8"))][:count]
    index = open_memory(tmx, source_lang="ar", target_lang="en")
    norm = index.normalizer
    keys = index.columns[Column.SOURCE_KEY].take(list(range(len(index))))
    latencies, best = [], []
    for query in queries:
        started = time.perf_counter()
        key = norm(query)
        found = process.extract(key, keys, scorer=fuzz.ratio, limit=LIMIT, score_cutoff=CUTOFF)
        latencies.append((time.perf_counter() - started) * 1000)
        best.append([score for _k, score, _i in found])
    return {"latencies_ms": latencies, "best": best}


def run_child(*args: str) -> dict[str, Any]:
    result = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def recall(tmkit: list[list[float]], brute: list[list[float]]) -> float:
    """Share of brute-force top-5 places that tmkit fills with a key at least as similar (ties count)."""
    hits = total = 0
    for mine, theirs in zip(tmkit, brute, strict=False):
        for place, score in enumerate(theirs):
            total += 1
            hits += place < len(mine) and mine[place] >= score - 1e-9
    return hits / total if total else 1.0


def measure(label: str, tmx: Path, query_file: Path, brute_queries: int) -> dict[str, Any]:
    kinds = [kind for _q, kind in json.loads(query_file.read_text(encoding="utf-8"))]
    build = run_child("build", str(tmx))
    query = run_child("query", str(tmx), str(query_file))
    brute = run_child("brute", str(tmx), str(query_file), str(brute_queries))
    n = len(brute["best"])
    short = [i for i in range(n) if kinds[i] == "short"]
    row = {
        "memory": label,
        "entries": build["entries"],
        "build_s": build["build_s"],
        "load_s": query["load_s"],
        "disk_mb": build["disk_mb"],
        "rss_mb": query["rss_mb"],
        "tmkit_p50_ms": statistics.median(query["latencies_ms"]),
        "tmkit_p95_ms": percentile(query["latencies_ms"], 0.95),
        "brute_p50_ms": statistics.median(brute["latencies_ms"]),
        "brute_p95_ms": percentile(brute["latencies_ms"], 0.95),
        "concord_p50_ms": statistics.median(query["concord_ms"]),
        "concord_p95_ms": percentile(query["concord_ms"], 0.95),
        "recall_at_5": recall(query["retrieved"][:n], brute["best"]),
        "recall_at_5_short": recall([query["retrieved"][i] for i in short], [brute["best"][i] for i in short]),
        "queries": len(query["latencies_ms"]),
        "brute_queries": n,
    }
    row["speedup_p50"] = row["brute_p50_ms"] / row["tmkit_p50_ms"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="synthetic memory sizes, comma-separated")
    parser.add_argument("--queries", type=int, default=300, help="lookups timed per memory")
    parser.add_argument("--brute-queries", type=int, default=100, help="lookups also run by brute force (slow)")
    parser.add_argument(
        "--corpus", action="append", default=[], metavar="PREFIX", help="also a memory from PREFIX.ar/PREFIX.en"
    )
    parser.add_argument("--json", metavar="OUT", help="save the results as JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            out = child_build(Path(rest[0]))
        elif kind == "query":
            out = child_query(Path(rest[0]), Path(rest[1]))
        else:
            out = child_brute(Path(rest[0]), Path(rest[1]), int(rest[2]))
        print(json.dumps(out))
        return
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        tmx, query_file = synthetic_files(size, args.queries)
        rows.append(measure(f"synthetic {size:,}", tmx, query_file, args.brute_queries))
        print(f"# done {size:,}", file=sys.stderr)
    for prefix in args.corpus:
        tmx, query_file = corpus_files(prefix, args.queries)
        rows.append(measure(f"corpus {Path(prefix).name}", tmx, query_file, args.brute_queries))
    header = (
        f"{'memory':<26}{'entries':>10}{'build s':>9}{'load s':>8}{'disk MB':>9}{'RSS MB':>8}"
        f"{'tmkit p50/p95 ms':>18}{'brute p50/p95 ms':>18}{'speed-up':>10}{'recall@5':>10}{'short':>7}"
        f"{'concord p50/p95 ms':>20}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['memory']:<26}{r['entries']:>10,}{r['build_s']:>9.1f}{r['load_s']:>8.2f}{r['disk_mb']:>9.0f}{r['rss_mb']:>8.0f}"
            f"{r['tmkit_p50_ms']:>9.2f}/{r['tmkit_p95_ms']:<8.2f}{r['brute_p50_ms']:>9.1f}/{r['brute_p95_ms']:<8.1f}"
            f"{r['speedup_p50']:>9.0f}×{r['recall_at_5']:>10.3f}{r['recall_at_5_short']:>7.3f}"
            f"{r['concord_p50_ms']:>11.1f}/{r['concord_p95_ms']:<8.1f}"
        )
    for r in rows:
        if r["entries"] >= 900_000:
            ok = r["tmkit_p50_ms"] <= 5 and r["tmkit_p95_ms"] <= 10 and r["recall_at_5"] >= 0.99
            ok = ok and r["build_s"] <= 60 and r["rss_mb"] <= 400 and r["concord_p95_ms"] <= 50
            print(
                f"{'PASS' if ok else 'FAIL'}  {r['memory']}: p50 ≤ 5 ms, p95 ≤ 10 ms, recall@5 ≥ 0.99, build ≤ 60 s, "
                "memory after loading and 300 lookups ≤ 400 MB, concordance p95 ≤ 50 ms"
            )
        elif 90_000 <= r["entries"] <= 110_000:
            print(f"{'PASS' if r['tmkit_p95_ms'] <= 2 else 'FAIL'}  {r['memory']}: p95 ≤ 2 ms")
    if args.json:
        Path(args.json).write_text(json.dumps({"cpu_count": os.cpu_count(), "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
