"""Sentence segmentation benchmark: boundary precision/recall of tmkit, pysbd and a naive splitter.

Two sets, both languages, every splitter in the same run: tmkit's own gold set (`tests/data/segmentation`)
and the FLORES-200 documents (`flores-{dev,devtest}.{ar,en,docs}` in `--corpora`), whose line joins are
the gold boundaries. A FLORES line can hold two sentences (about 11% of English lines do), so a split
inside a line is counted apart ("inside lines") and not as an error in P; "P strict" counts it as one.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tmkit.text.segmentation import split_paragraph  # noqa: E402

GOLD = ROOT / "tests" / "data" / "segmentation"
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
FLORES_SPLITS = ("dev", "devtest")
NAIVE_RE = re.compile(r"(?<=[.!?؟…])\s+")

Splitter = Callable[[str], list[str]]
#: A paragraph as its gold sentences (or FLORES lines), joined by one space to make the text.
Paragraph = list[str]


def load_gold(path: Path) -> list[Paragraph]:
    """Paragraphs (blank-line separated) of gold sentences (one a line)."""
    text = path.read_text(encoding="utf-8")
    return [[s for s in block.split("\n") if s.strip()] for block in text.strip().split("\n\n")]


def load_flores(corpora: Path, lang: str) -> list[Paragraph]:
    """The FLORES documents of both splits in ``lang``, each as its lines (read as the corpus README says)."""
    documents: list[Paragraph] = []
    for split in FLORES_SPLITS:
        ids = (corpora / f"flores-{split}.docs").read_text(encoding="utf-8").split("\n")[:-1]
        lines = (corpora / f"flores-{split}.{lang}").read_text(encoding="utf-8").split("\n")[:-1]
        for _, group in itertools.groupby(zip(ids, lines, strict=True), key=lambda pair: pair[0]):
            documents.append([line for _, line in group])
    return documents


def _starts(paragraph: str, pieces: list[str]) -> set[int]:
    """Where each piece after the first starts (its first non-space character), the pieces found in order."""
    out: set[int] = set()
    cursor = 0
    for number, raw in enumerate(pieces):
        piece = raw.strip()
        if not piece:
            continue
        start = paragraph.index(piece, cursor)
        if number:
            out.add(start)
        cursor = start + len(piece)
    return out


def evaluate(paragraphs: list[Paragraph], split: Splitter) -> dict[str, float | int]:
    """Boundary precision and recall inside paragraphs (paragraph breaks are given, not counted).

    ``inside`` counts the splits that fall inside a gold piece: on the gold set errors, on FLORES
    often a second sentence on one line (not necessarily wrong); ``strict_precision`` counts them all
    as errors, so on FLORES it is a lower bound.
    """
    correct = predicted = expected = 0
    for pieces in paragraphs:
        paragraph = " ".join(pieces)
        want = _starts(paragraph, pieces)
        got = _starts(paragraph, split(paragraph))
        correct += len(want & got)
        predicted += len(got)
        expected += len(want)
    inside = predicted - correct
    precision = correct / predicted if predicted else 1.0
    recall = correct / expected if expected else 1.0
    return {
        "boundaries": expected,
        "predicted": predicted,
        "correct": correct,
        "inside": inside,
        "strict_precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
    }


def splitters(lang: str) -> dict[str, Splitter]:
    """tmkit, pysbd (when installed: `pip install pysbd`) and the naive splitter, for ``lang``."""
    out: dict[str, Splitter] = {"tmkit": lambda p: split_paragraph(p, lang=lang)}
    try:
        import pysbd  # type: ignore[import-untyped]
    except ImportError:
        print("pysbd is not installed: pip install pysbd to compare with it", file=sys.stderr)
    else:
        segmenter = pysbd.Segmenter(language=lang, clean=False)
        out["pysbd"] = lambda p: list(segmenter.segment(p))
    out["naive"] = lambda p: [s for s in NAIVE_RE.split(p) if s]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder of the FLORES files")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--show", type=int, default=0, metavar="N", help="print N missed and N inside-line FLORES splits of tmkit"
    )
    args = parser.parse_args()
    sets: dict[str, Callable[[str], list[Paragraph]]] = {"gold": lambda lang: load_gold(GOLD / f"{lang}.gold.txt")}
    if (args.corpora / "flores-dev.docs").is_file():
        sets["flores"] = lambda lang: load_flores(args.corpora, lang)
    else:
        print(f"{args.corpora}: no FLORES files, FLORES left out", file=sys.stderr)
    results: dict[str, dict[str, dict[str, dict[str, float | int]]]] = {}
    for name, load in sets.items():
        for lang in ("ar", "en"):
            paragraphs = load(lang)
            results.setdefault(name, {})[lang] = {
                splitter: evaluate(paragraphs, split) for splitter, split in splitters(lang).items()
            }
            if args.show and name == "flores":
                _show_missed(paragraphs, lang, args.show)
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return
    print(
        f"{'set':<8}{'lang':<5}{'splitter':<9}{'gold':>6}{'found':>7}{'right':>7}{'inside':>8}{'R':>8}{'P strict':>10}"
    )
    for name, by_lang in results.items():
        for lang, rows in by_lang.items():
            for splitter, r in rows.items():
                print(
                    f"{name:<8}{lang:<5}{splitter:<9}{r['boundaries']:>6}{r['predicted']:>7}{r['correct']:>7}"
                    f"{r['inside']:>8}{r['recall']:>8.3f}{r['strict_precision']:>10.3f}"
                )


def _show_missed(paragraphs: list[Paragraph], lang: str, limit: int) -> None:
    shown = {"missed": 0, "inside": 0}
    for pieces in paragraphs:
        paragraph = " ".join(pieces)
        want, got = _starts(paragraph, pieces), _starts(paragraph, split_paragraph(paragraph, lang=lang))
        for kind, starts in (("missed", want - got), ("inside", got - want)):
            for start in sorted(starts):
                if shown[kind] < limit:
                    context = f"{paragraph[max(0, start - 50) : start]}|{paragraph[start : start + 30]}"
                    print(f"{kind} {lang}: …{context}…", file=sys.stderr)
                    shown[kind] += 1


if __name__ == "__main__":
    main()
