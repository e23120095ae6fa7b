"""Saving confirmed pairs into a memory file (`--save-to`, a project's tm/project.tmx): what a translator's Ctrl+S
costs beside the memory's size, against the plain merge of the same pairs into the same memory as the baseline.

A save writes each confirmed pair into the unit the memory holds for its source (keeping its tuid, notes and props:
`tmkit.memory.confirmed`), found through `UnitsBySource`; the baseline merges the pairs in as units of their own
(`merge_memories`, what the save did before it kept the memory's units), without looking for them. Half the pairs
are of sources the memory holds. The memory is the FLORES dev and devtest pairs (../shared/corpora), repeated with
a number to ``--units``; the document ``--pairs`` of them. CPU time of one save, least of ``--runs``, the two ways
taking turns on fresh copies.

    python bench/save_to.py
    python bench/save_to.py --units 100000 --pairs 5000
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.merge import ConflictPolicy, merge_memories
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"


def sentences() -> list[tuple[str, str]]:
    pairs = []
    for split in ("dev", "devtest"):
        arabic = CORPORA / f"flores-{split}.ar"
        english = CORPORA / f"flores-{split}.en"
        if arabic.exists() and english.exists():
            pairs += zip(
                arabic.read_text(encoding="utf-8").splitlines(),
                english.read_text(encoding="utf-8").splitlines(),
                strict=True,
            )
    if not pairs:
        sys.exit("bench/save_to.py: no FLORES files in ../shared/corpora")
    return pairs


def unit(arabic: str, english: str | None, tuid: str, status: Status) -> TranslationUnit:
    variants = [Variant("ar", Segment.from_text(arabic))]
    if english is not None:
        variants.append(Variant("en", Segment.from_text(english)))
    return TranslationUnit(variants, tuid=tuid, status=status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000, help="units in the memory saved into")
    parser.add_argument("--pairs", type=int, default=2_000, help="confirmed segments saved")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    corpus = sentences()
    numbered = [(f"{ar} {n // len(corpus)}", en) for n, (ar, en) in enumerate(corpus * (args.units // len(corpus) + 1))]
    memory = Memory(
        Header(srclang="ar"),
        [unit(ar, en, f"m{n}", Status.TRANSLATED) for n, (ar, en) in enumerate(numbered[: args.units])],
    )
    held, new = numbered[: args.pairs // 2], [(f"{ar} new", en) for ar, en in numbered[: args.pairs - args.pairs // 2]]
    job = Memory(
        Header(srclang="ar"), [unit(ar, None, str(n + 1), Status.NEW) for n, (ar, _en) in enumerate(held + new)]
    )
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        write_tmx(base / "memory.tmx", memory)
        write_tmx(base / "job.ar.tmx", job)
        document = WorkFile(base / "job.ar.tmx", user="ann")
        for row, (_ar, en) in enumerate(held + new):
            document.confirm(row, f"{en} (ann)")
        pairs = Memory(Header(srclang="ar"), [r.unit for r in document.rows])
        best = {"save": float("inf"), "merge": float("inf")}
        for _ in range(args.runs):
            shutil.copy(base / "memory.tmx", base / "save.tmx")
            started = time.process_time()
            document.export_confirmed(base / "save.tmx")
            best["save"] = min(best["save"], time.process_time() - started)
            shutil.copy(base / "memory.tmx", base / "merge.tmx")
            started = time.process_time()
            merged = merge_memories([load_tmx(base / "merge.tmx"), pairs], policy=ConflictPolicy.LAST)
            write_tmx(base / "merge.tmx", merged.memory)
            best["merge"] = min(best["merge"], time.process_time() - started)
        saved = load_tmx(base / "save.tmx")
        kept = sum(u.tuid.startswith("m") and u.variant("en").text.endswith("(ann)") for u in saved.units)  # type: ignore[union-attr]
    print(
        f"memory {args.units:,} units, {args.pairs:,} confirmed pairs ({len(held):,} of sources it holds), CPU s, least of {args.runs}"
    )
    print(f"{'save (units kept)':<24}{best['save']:>8.2f}")
    print(f"{'plain merge (baseline)':<24}{best['merge']:>8.2f}")
    print(
        f"ratio {best['save'] / best['merge']:.2f}×; {kept:,} of the memory's units took the translation, keeping their tuids"
    )


if __name__ == "__main__":
    main()
