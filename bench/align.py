"""Sentence alignment benchmark: link precision/recall of `tmkit align` on the sample article and a second one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tmkit.formats.tmx_reader import load_tmx  # noqa: E402
from tmkit.text.alignment import AlignedPair, align_paragraphs  # noqa: E402
from tmkit.text.segmentation import split_sentences  # noqa: E402

GOLD2 = ROOT / "tests" / "data" / "alignment" / "article2.gold.tsv"

Link = tuple[str, str]


def _key(sentences: tuple[str, ...] | list[str]) -> str:
    return " ".join(" ".join(sentences).split())


def sample_case() -> tuple[str, str, set[Link]]:
    """The bundled article: its two texts and the links of samples/article.tmx."""
    memory = load_tmx(ROOT / "samples" / "article.tmx")
    gold = {(_key([u.variant("ar").text]), _key([u.variant("en").text])) for u in memory.units}  # type: ignore[union-attr]
    ar = (ROOT / "samples" / "article.ar.txt").read_text(encoding="utf-8")
    en = (ROOT / "samples" / "article.en.txt").read_text(encoding="utf-8")
    return ar, en, gold


def second_case() -> tuple[str, str, set[Link]]:
    """The second article, built from its gold links (one a line: Arabic TAB English; blank line = paragraph)."""
    gold: set[Link] = set()
    ar_paragraphs: list[str] = []
    en_paragraphs: list[str] = []
    for block in GOLD2.read_text(encoding="utf-8").strip().split("\n\n"):
        ar_side, en_side = [], []
        for line in block.split("\n"):
            ar, en = line.split("\t")
            gold.add((_key([ar]), _key([en])))
            ar_side += [ar] if ar else []
            en_side += [en] if en else []
        ar_paragraphs.append(" ".join(ar_side))
        en_paragraphs.append(" ".join(en_side))
    return "\n\n".join(ar_paragraphs), "\n\n".join(en_paragraphs), gold


def run(ar: str, en: str) -> list[AlignedPair]:
    return align_paragraphs(split_sentences(ar, lang="ar"), split_sentences(en, lang="en"))


def score(pairs: list[AlignedPair], gold: set[Link]) -> dict[str, float | int]:
    got = {(_key(p.source), _key(p.target)) for p in pairs}
    right = len(got & gold)
    return {
        "gold": len(gold),
        "found": len(got),
        "correct": right,
        "precision": round(right / len(got), 4),
        "recall": round(right / len(gold), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="print the wrong links")
    args = parser.parse_args()
    results = {}
    for name, case in (("article", sample_case), ("article2", second_case)):
        ar, en, gold = case()
        pairs = run(ar, en)
        results[name] = score(pairs, gold)
        if args.show:
            for p in pairs:
                if (_key(p.source), _key(p.target)) not in gold:
                    print(f"{name}: wrong {len(p.source)}-{len(p.target)} {p.confidence}: {p.source} | {p.target}")
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'text':<10}{'gold':>6}{'found':>7}{'right':>7}{'P':>8}{'R':>8}")
    for name, r in results.items():
        print(f"{name:<10}{r['gold']:>6}{r['found']:>7}{r['correct']:>7}{r['precision']:>8.3f}{r['recall']:>8.3f}")


if __name__ == "__main__":
    main()
