"""Concordance benchmark: recall and precision of `tmkit concord` against an exhaustive scan on MADAR, and its speed."""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tmkit.defaults import CONCORDANCE_LIMIT, Side  # noqa: E402
from tmkit.matching.concordance import Query, concordance  # noqa: E402
from tmkit.matching.memory_index import Column, MemoryIndex  # noqa: E402
from tmkit.matching.word_index import key_word_forms  # noqa: E402
from tmkit.memory.model import Segment, TranslationUnit, Variant  # noqa: E402
from tmkit.text.normalize import Normalizer  # noqa: E402

_Result = TypeVar("_Result")
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "madar-travel-dev"
#: MADAR puts a space before punctuation (`هل تقومون بعمل تعديلات ؟`); standard typography does not.
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,!?:;؟،؛])")
#: The issue's own cases, searched whatever the sample.
ISSUE_QUERIES = {
    "ar": ["فندق", "الفندق", "بالفندق", "والفندق", "أن", "غرفه", "هنا", "التذكرة"],
    "en": ["room", "ticket", "here", "hotel"],
}
#: Proclitic forms the definition before this change expanded a query word into (its `word_variants`).
_OLD_PREFIXES = ("و", "ف", "ب", "ك", "ل", "وب", "فب", "ول", "فل", "وك")


@dataclass
class Tally:
    """Hits counted over a set of queries: by the reference, by the tool, and by both."""

    reference: int = 0
    found: int = 0
    both: int = 0
    queries: int = 0
    queries_missing: int = 0

    def add(self, reference: set[int], found: set[int]) -> None:
        self.reference += len(reference)
        self.found += len(found)
        self.both += len(reference & found)
        self.queries += 1
        self.queries_missing += not reference <= found

    @property
    def recall(self) -> float:
        return self.both / self.reference if self.reference else 1.0

    @property
    def precision(self) -> float:
        return self.both / self.found if self.found else 1.0


def pairs_of(corpus: Path, *, standard: bool) -> list[tuple[str, str]]:
    arabic = corpus.with_suffix(".ar").read_text(encoding="utf-8").splitlines()
    english = corpus.with_suffix(".en").read_text(encoding="utf-8").splitlines()
    if standard:
        arabic = [_SPACE_BEFORE_PUNCTUATION.sub(r"\1", line) for line in arabic]
    return [(a.strip(), e.strip()) for a, e in zip(arabic, english, strict=True) if a.strip() and e.strip()]


def build(pairs: list[tuple[str, str]]) -> MemoryIndex:
    units = [
        TranslationUnit([Variant("ar", Segment.from_text(a)), Variant("en", Segment.from_text(e))]) for a, e in pairs
    ]
    return MemoryIndex.build(units, source_lang="ar", target_lang="en", name="madar")


def sample_queries(pairs: list[tuple[str, str]], lang: str, count: int, rng: random.Random) -> dict[str, list[str]]:
    """Words and phrases as a translator would select them in a text: surface words, clitics and all."""
    texts = [a if lang == "ar" else e for a, e in pairs]
    kinds: dict[str, list[str]] = {"word": [], "phrase": [], "prefix": []}
    while min(len(found) for found in kinds.values()) < count:
        words = [w.strip(".,!?:;؟،؛\"'()") for w in rng.choice(texts).split()]
        words = [w for w in words if w]
        if not words:
            continue
        start = rng.randrange(len(words))
        kinds["word"].append(words[start])
        if start + 1 < len(words):
            kinds["phrase"].append(" ".join(words[start : start + rng.choice((2, 3))]))
        if len(words[start]) >= 4:
            kinds["prefix"].append(words[start][: rng.randint(3, len(words[start]) - 1)])
    return {kind: found[:count] + (ISSUE_QUERIES[lang] if kind == "word" else []) for kind, found in kinds.items()}


def side_keys(memory: MemoryIndex, lang: str) -> list[str]:
    """Every entry's key on the side searched, as concordance compares it."""
    if lang == "ar":
        return [memory.text(Column.SOURCE_KEY, entry) for entry in range(len(memory))]
    from tmkit.formats.tmx_reader import segment_from_xml

    norm = Normalizer("en")
    return [norm(segment_from_xml(memory.text(Column.TARGET_XML, entry)).plain) for entry in range(len(memory))]


def exhaustive(tokens: list[list[frozenset[str]]], query: Query) -> set[int]:
    """The reference: every entry whose words hold the phrase, found by reading every entry."""
    return {entry for entry, words in enumerate(tokens) if query.occurrences(words)}


def old_definition(keys: list[str], phrase_key: str, *, arabic: bool) -> set[int]:
    """What concordance found before this change: every query word among the key's space-separated
    words (Arabic with the proclitic and article forms of `word_variants`), and the phrase as a substring."""
    wanted = []
    for word in set(phrase_key.split()):
        if not arabic:
            wanted.append({word})
            continue
        bare = word[2:] if word.startswith("ال") and len(word) > 3 else word
        forms = {word, bare, "ال" + bare, "لل" + bare}
        for prefix in _OLD_PREFIXES:
            forms |= {prefix + bare, prefix + "ال" + bare, prefix + "ل" + bare}
        wanted.append(forms)
    found = set()
    for entry, key in enumerate(keys):
        words = set(key.split())
        if all(words & forms for forms in wanted) and phrase_key in key:
            found.add(entry)
    return found


def timed(run: Callable[..., _Result], *args: Any, **options: Any) -> tuple[_Result, float]:
    """What ``run`` returned, and how many milliseconds it took."""
    start = time.perf_counter()
    result = run(*args, **options)
    return result, (time.perf_counter() - start) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(memory: MemoryIndex, queries: dict[str, list[str]], lang: str) -> dict[str, object]:
    norm = memory.normalizer if lang == "ar" else Normalizer("en")
    side = Side.SOURCE if lang == "ar" else Side.TARGET
    keys = side_keys(memory, lang)
    tokens = [key_word_forms(key) for key in keys]
    everything = len(memory)
    rows: dict[str, object] = {}
    times_default: list[float] = []
    times_all: list[float] = []
    times_scan: list[float] = []
    issue_counts: dict[str, dict[str, int]] = {}
    for kind, phrases in queries.items():
        prefix = kind == "prefix"
        tool, old = Tally(), Tally()
        for phrase in phrases:
            query = Query.parse(phrase, norm, prefix=prefix)
            start = time.perf_counter()
            reference = exhaustive(tokens, query)
            times_scan.append((time.perf_counter() - start) * 1000)
            hits, took = timed(concordance, [memory], phrase, side=side, limit=everything, prefix=prefix)
            found = {h.entry for h in hits}
            tool.add(reference, found)
            times_all.append(took)
            times_default.append(timed(concordance, [memory], phrase, side=side, prefix=prefix)[1])
            if not prefix:
                before = old_definition(keys, norm(phrase), arabic=lang == "ar")
                old.add(reference, before)
                if kind == "word" and phrase in ISSUE_QUERIES[lang]:
                    issue_counts[phrase] = {"reference": len(reference), "tmkit": len(found), "before": len(before)}
        rows[kind] = {
            "queries": tool.queries,
            "reference_hits": tool.reference,
            "recall": round(tool.recall, 4),
            "precision": round(tool.precision, 4),
            "queries_with_a_miss": tool.queries_missing,
            **(
                {}
                if prefix
                else {
                    "before_recall": round(old.recall, 4),
                    "before_precision": round(old.precision, 4),
                    "before_queries_with_a_miss": old.queries_missing,
                }
            ),
        }
    rows["issue_words"] = issue_counts
    rows["ms"] = {
        f"limit {CONCORDANCE_LIMIT} p50/p95": [
            round(statistics.median(times_default), 2),
            round(percentile(times_default, 0.95), 2),
        ],
        "all hits p50/p95": [round(statistics.median(times_all), 2), round(percentile(times_all, 0.95), 2)],
        "exhaustive scan p50/p95": [round(statistics.median(times_scan), 2), round(percentile(times_scan, 0.95), 2)],
    }
    return rows


def synthetic_speed(size: int) -> dict[str, object]:
    """On a synthetic memory of ``size`` pairs (bench/synthetic.py): the word index's build, and lookups of
    two-word phrases as bench/match.py times them (from its queries) and of single words, at the default limit."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import memory_pairs
    from synthetic import queries as synthetic_queries

    from tmkit.matching.word_index import WordIndex

    pairs = memory_pairs(size)
    memory = build([(pair.ar, pair.en) for pair in pairs])
    keys = [memory.text(Column.SOURCE_KEY, entry) for entry in range(len(memory))]
    build_ms = timed(WordIndex.build, keys)[1]
    found = synthetic_queries(pairs, 200)
    phrases = [" ".join(q.text.split()[1:3]) for q in found[:100]]
    words = [q.text.split()[0] for q in found[100:200]]
    out: dict[str, object] = {"entries": len(memory), "word index build s": round(build_ms / 1000, 2)}
    for kind, asked in (("phrase", phrases), ("word", words)):
        times = [timed(concordance, [memory], phrase)[1] for phrase in asked]
        out[f"{kind} p50/p95 ms"] = [round(statistics.median(times), 2), round(percentile(times, 0.95), 2)]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="line-aligned PATH.ar and PATH.en")
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind and language")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--sizes", default="", help="also time synthetic memories of these sizes (comma-separated)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.corpus.with_suffix(".ar").is_file():
        print(f"no corpus at {args.corpus}.ar", file=sys.stderr)
        return 2
    results: dict[str, object] = {}
    for typography in ("as given", "standard"):
        pairs = pairs_of(args.corpus, standard=typography == "standard")
        start = time.perf_counter()
        memory = build(pairs)
        build_seconds = time.perf_counter() - start
        for lang in ("ar", "en"):
            if lang == "en" and typography == "standard":
                continue  # MADAR's English is already in standard typography
            queries = sample_queries(pairs, lang, args.queries, random.Random(args.seed))
            name = f"{args.corpus.name} {lang} ({typography})"
            results[name] = {
                "entries": len(memory),
                "build s": round(build_seconds, 2),
                **measure(memory, queries, lang),
            }
    speeds = {int(size): synthetic_speed(int(size)) for size in args.sizes.split(",") if size.strip()}
    if args.json:
        print(json.dumps({"corpus": results, "synthetic": speeds}, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{'memory, side searched':<38}{'kind':<8}{'queries':>8}{'hits':>8}{'recall':>8}{'prec.':>8}"
        f"{'missed':>8}   {'before: recall':>14}{'prec.':>8}{'missed':>8}"
    )
    for name, row in results.items():
        assert isinstance(row, dict)
        for kind in ("word", "phrase", "prefix"):
            r = row[kind]
            before = (
                f"{r['before_recall']:>14.3f}{r['before_precision']:>8.3f}{r['before_queries_with_a_miss']:>8}"
                if "before_recall" in r
                else f"{'-':>14}{'-':>8}{'-':>8}"
            )
            print(
                f"{name:<38}{kind:<8}{r['queries']:>8}{r['reference_hits']:>8}{r['recall']:>8.3f}"
                f"{r['precision']:>8.3f}{r['queries_with_a_miss']:>8}   {before}"
            )
    print()
    for name, row in results.items():
        assert isinstance(row, dict)
        counts = ", ".join(f"{w} {c['tmkit']} (before {c['before']})" for w, c in row["issue_words"].items())
        print(f"{name}: entries found (reference = tmkit): {counts}")
    print()
    for name, row in results.items():
        assert isinstance(row, dict)
        times = "; ".join(f"{k} {v[0]}/{v[1]} ms" for k, v in row["ms"].items())
        print(f"{name}: {row['entries']} entries, index built in {row['build s']} s; {times}")
    for size, speed in speeds.items():
        print(f"synthetic {size:,}: " + "; ".join(f"{k} {v}" for k, v in speed.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
