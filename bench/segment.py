"""Sentence segmentation benchmark: boundary precision/recall of tmkit and a naive splitter on the gold set."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tmkit.text.segmentation import split_paragraph  # noqa: E402

GOLD = ROOT / "tests" / "data" / "segmentation"
NAIVE_RE = re.compile(r"(?<=[.!?؟…])\s+")


def load_gold(path: Path) -> list[list[str]]:
    """Paragraphs (blank-line separated) of gold sentences (one a line)."""
    text = path.read_text(encoding="utf-8")
    return [[s for s in block.split("\n") if s.strip()] for block in text.strip().split("\n\n")]


def boundaries(paragraph: str, sentences: list[str]) -> set[int]:
    """Offsets in ``paragraph`` where one sentence ends and the next starts (sentences found in order)."""
    out: set[int] = set()
    cursor = 0
    for sentence in sentences[:-1]:
        start = paragraph.index(sentence, cursor)
        cursor = start + len(sentence)
        out.add(cursor)
    return out


def evaluate(gold: list[list[str]], split: Callable[[str], list[str]]) -> dict[str, float | int]:
    """Boundary precision, recall and F1 inside paragraphs (paragraph breaks are given, not counted)."""
    true_positive = predicted = expected = 0
    for sentences in gold:
        paragraph = " ".join(sentences)
        want = boundaries(paragraph, sentences)
        got = boundaries(paragraph, split(paragraph))
        true_positive += len(want & got)
        predicted += len(got)
        expected += len(want)
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "boundaries": expected,
        "predicted": predicted,
        "correct": true_positive,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, dict[str, float | int]]] = {}
    for lang in ("ar", "en"):
        gold = load_gold(GOLD / f"{lang}.gold.txt")
        results[lang] = {
            "tmkit": evaluate(gold, lambda p, lang=lang: split_paragraph(p, lang=lang)),
            "naive": evaluate(gold, lambda p: [s for s in NAIVE_RE.split(p) if s]),
        }
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return
    print(f"{'lang':<5}{'splitter':<8}{'gold':>6}{'found':>7}{'right':>7}{'P':>8}{'R':>8}{'F1':>8}")
    for lang, rows in results.items():
        for name, r in rows.items():
            print(
                f"{lang:<5}{name:<8}{r['boundaries']:>6}{r['predicted']:>7}{r['correct']:>7}"
                f"{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}"
            )


if __name__ == "__main__":
    main()
