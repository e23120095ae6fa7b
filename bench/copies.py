"""A pair stored many times: the lookup of its source against scoring every entry, copies 50 to 5,000.

Merged memories hold the same short pair hundreds or thousands of times ("Cancel", a greeting, a heading).
The matcher looks such a memory up deeper until the copies hide no other translation (`Matcher.match`);
this measures what that costs. The other units are the MADAR travel sentences (``../shared/corpora``),
Arabic to English; one of their short sentences is stored N more times (each copy with its own unit id
and date) beside one other translation of it. For each N the lookup of that sentence (limit 5,
cutoff 70) is timed in CPU (least of ``--runs``) with `Matcher` and with `ExhaustiveMatcher` (every entry
scored), in the same run, and the pairs they show are compared.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tmkit.matching.matcher import ExhaustiveMatcher, Matcher
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Segment, Status, TranslationUnit, Variant

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
COPIES = (0, 50, 500, 5000)
LIMIT = 5
CUTOFF = 70.0


def pair(ar: str, en: str, *, tuid: str | None = None, date: str | None = None) -> TranslationUnit:
    unit = TranslationUnit([Variant("ar", Segment.from_text(ar)), Variant("en", Segment.from_text(en))], tuid=tuid)
    unit.status = Status.TRANSLATED
    unit.change_date = date
    return unit


def cpu_ms(matcher: Matcher, query: str, runs: int) -> tuple[float, list[tuple[str, str]]]:
    best, shown = float("inf"), []
    for _ in range(runs):
        started = time.process_time()
        found = matcher.match(query, score_cutoff=CUTOFF, limit=LIMIT)
        best = min(best, (time.process_time() - started) * 1000)
        shown = sorted((m.source.plain, m.target.plain) for m in found)
    return best, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--runs", type=int, default=3, help="lookups timed per memory (the least is kept)")
    args = parser.parse_args()
    ar_file, en_file = args.corpora / "madar-travel-dev.ar", args.corpora / "madar-travel-dev.en"
    if not ar_file.exists():
        sys.exit(f"bench/copies.py: {ar_file} not found (the MADAR corpus, see ../shared/corpora/README)")
    sources, targets = (path.read_text(encoding="utf-8").splitlines() for path in (ar_file, en_file))
    lines = list(zip(sources, targets, strict=True))
    others = [pair(ar, en, tuid=f"madar-{n}") for n, (ar, en) in enumerate(lines) if ar.strip() and en.strip()]
    query, translation = next((ar, en) for ar, en in lines if 2 <= len(ar.split()) <= 3)
    print(f"{len(others):,} MADAR units; the pair stored many times: {query} → {translation}")
    print(f"{'copies':>7}{'tmkit ms':>10}{'every entry ms':>16}{'ratio':>8}  same pairs shown")
    for copies in COPIES:
        stored = [
            pair(query, translation, tuid=f"copy-{n}", date=f"2025{n % 12 + 1:02d}01T000000Z") for n in range(copies)
        ]
        stored.append(pair(query, translation + " (another translation)"))
        memory = MemoryIndex.build([*others, *stored], source_lang="ar", target_lang="en", name="merged")
        fast, shown = cpu_ms(Matcher([memory]), query, args.runs)
        slow, expected = cpu_ms(ExhaustiveMatcher([memory]), query, 1)
        print(f"{copies:>7,}{fast:>10.1f}{slow:>16.1f}{slow / fast:>7.0f}×  {'yes' if shown == expected else 'NO'}")


if __name__ == "__main__":
    main()
