"""Sentence alignment benchmark: link F1 and confidence AUC of tmkit against the `galechurch` package on real documents."""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tmkit.formats.tmx_reader import load_tmx  # noqa: E402
from tmkit.text import alignment  # noqa: E402
from tmkit.text.alignment import AlignedPair, align_paragraphs, looks_unrelated  # noqa: E402
from tmkit.text.segmentation import split_sentences  # noqa: E402

DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
GOLD2 = ROOT / "tests" / "data" / "alignment" / "article2.gold.tsv"
#: FLORES documents are excerpts of 1–10 lines; consecutive ones of a split are joined into
#: articles of this many lines at least (news articles run 10–30 sentences).
ARTICLE_MIN_LINES = 10
ARTICLE_MAX_LINES = 30
#: Share of positions merged with the next sentence, or dropped, in the perturbed documents.
MERGE_SHARE = 0.15
DROP_SHARE = 0.10
PERTURBATIONS = ("clean", "merged", "dropped", "mixed")
DIRECTIONS = ("ar-en", "en-ar")
SEED = 20261128

#: A link as the sets of gold line numbers on each side.
Link = tuple[frozenset[int], frozenset[int]]


@dataclass
class Document:
    """Two sides (lists of sentences), each sentence carrying the gold line numbers it holds."""

    source: list[str]
    target: list[str]
    source_ids: list[frozenset[int]]
    target_ids: list[frozenset[int]]

    def gold(self) -> set[Link]:
        by_line_source = {i: k for k, ids in enumerate(self.source_ids) for i in ids}
        by_line_target = {i: k for k, ids in enumerate(self.target_ids) for i in ids}
        # Lines are 1-1 in the corpus; a merged sentence makes its lines one group with their partners.
        links: list[tuple[set[int], set[int]]] = []
        seen: set[int] = set()
        for line in sorted(set(by_line_source) & set(by_line_target)):
            if line in seen:
                continue
            src_sentences, tgt_sentences = {by_line_source[line]}, {by_line_target[line]}
            grown = True
            while grown:
                lines = {i for k in src_sentences for i in self.source_ids[k]} | {
                    i for k in tgt_sentences for i in self.target_ids[k]
                }
                new_src = {by_line_source[i] for i in lines if i in by_line_source}
                new_tgt = {by_line_target[i] for i in lines if i in by_line_target}
                grown = new_src != src_sentences or new_tgt != tgt_sentences
                src_sentences, tgt_sentences = new_src, new_tgt
            seen |= lines
            links.append((src_sentences, tgt_sentences))
        return {(frozenset(s), frozenset(t)) for s, t in links}


def read_flores(corpora: Path, split: str) -> list[list[tuple[str, str]]]:
    """The split's documents as lists of (Arabic, English) lines, as corpora/README.md says."""

    def lines(suffix: str) -> list[str]:
        return (corpora / f"flores-{split}.{suffix}").read_text(encoding="utf-8").split("\n")[:-1]

    rows = zip(lines("docs"), lines("ar"), lines("en"), strict=True)
    return [[(ar, en) for _, ar, en in group] for _, group in itertools.groupby(rows, key=lambda row: row[0])]


def build_articles(documents: list[list[tuple[str, str]]], rng: random.Random) -> list[list[tuple[str, str]]]:
    """Consecutive documents joined into articles of ARTICLE_MIN_LINES–ARTICLE_MAX_LINES lines."""
    articles: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    goal = rng.randint(ARTICLE_MIN_LINES, ARTICLE_MAX_LINES)
    for document in documents:
        if current and len(current) + len(document) > ARTICLE_MAX_LINES:
            articles.append(current)
            current, goal = [], rng.randint(ARTICLE_MIN_LINES, ARTICLE_MAX_LINES)
        current = current + document
        if len(current) >= goal:
            articles.append(current)
            current, goal = [], rng.randint(ARTICLE_MIN_LINES, ARTICLE_MAX_LINES)
    if current:
        articles.append(current)
    return articles


def _merge(side: list[str], ids: list[frozenset[int]], rng: random.Random, share: float) -> None:
    count = max(1, round(share * len(side)))
    for _ in range(count):
        if len(side) < 2:
            return
        k = rng.randrange(len(side) - 1)
        if len(ids[k]) > 1 or len(ids[k + 1]) > 1:
            continue
        side[k : k + 2] = [side[k] + " " + side[k + 1]]
        ids[k : k + 2] = [ids[k] | ids[k + 1]]


def _drop(side: list[str], ids: list[frozenset[int]], rng: random.Random, share: float) -> None:
    count = max(1, round(share * len(side)))
    for _ in range(count):
        if len(side) < 2:
            return
        k = rng.randrange(len(side))
        del side[k], ids[k]


def perturb(lines: list[tuple[str, str]], kind: str, direction: str, rng: random.Random) -> Document:
    """The article in one direction with one kind of perturbation (merges and drops on either side)."""
    first, second = (0, 1) if direction == "ar-en" else (1, 0)
    source = [pair[first] for pair in lines]
    target = [pair[second] for pair in lines]
    source_ids = [frozenset([i]) for i in range(len(lines))]
    target_ids = [frozenset([i]) for i in range(len(lines))]
    if kind in ("merged", "mixed"):
        for side, ids in ((source, source_ids), (target, target_ids)):
            _merge(side, ids, rng, MERGE_SHARE / 2)
    if kind in ("dropped", "mixed"):
        for side, ids in ((source, source_ids), (target, target_ids)):
            _drop(side, ids, rng, DROP_SHARE / 2)
    return Document(source, target, source_ids, target_ids)


# -- the systems ------------------------------------------------------------------------------------

Aligner = Callable[[Document, str], list[tuple[Link, float]]]


def _links_of(document: Document, pairs: Sequence[tuple[range, range, float]]) -> list[tuple[Link, float]]:
    out: list[tuple[Link, float]] = []
    for src, tgt, confidence in pairs:
        if len(src) and len(tgt):
            out.append(
                (
                    (frozenset(range(src.start, src.stop)), frozenset(range(tgt.start, tgt.stop))),
                    confidence,
                )
            )
    return out


def tmkit_aligner(document: Document, direction: str) -> list[tuple[Link, float]]:
    source_lang, target_lang = direction.split("-")
    # One paragraph: the documents as the CLI aligns them with --segmented (model fitted, refitted).
    pairs = align_paragraphs([document.source], [document.target], source_lang=source_lang, target_lang=target_lang)
    return _links_of(document, _ranges(pairs))


def word_list_aligner(memory_pairs: list[tuple[str, str]]) -> Aligner:
    """tmkit with a word list learned once from a memory of (Arabic, English) pairs, as `--tm` does."""
    lexicons = {
        "ar-en": alignment.learn_lexicon(memory_pairs),
        "en-ar": alignment.learn_lexicon([(en, ar) for ar, en in memory_pairs]),
    }

    def aligner(document: Document, direction: str) -> list[tuple[Link, float]]:
        source_lang, target_lang = direction.split("-")
        model = alignment.estimate_model(
            document.source, document.target, source_lang=source_lang, target_lang=target_lang
        )
        model = dataclasses.replace(model, lexicon=lexicons[direction])
        return _links_of(document, _ranges(align_paragraphs([document.source], [document.target], model=model)))

    return aligner


def read_memory(corpora: Path, split: str) -> list[tuple[str, str]]:
    """A memory for the word list: the other FLORES split and the MADAR travel sentences (never the evaluated split)."""
    pairs = [pair for document in read_flores(corpora, split) for pair in document]
    ar = (corpora / "madar-travel-dev.ar").read_text(encoding="utf-8").split("\n")[:-1]
    en = (corpora / "madar-travel-dev.en").read_text(encoding="utf-8").split("\n")[:-1]
    return pairs + list(zip(ar, en, strict=True))


def _ranges(pairs: Sequence[AlignedPair]) -> list[tuple[range, range, float]]:
    out, i, j = [], 0, 0
    for p in pairs:
        out.append((range(i, i + len(p.source)), range(j, j + len(p.target)), p.confidence))
        i, j = i + len(p.source), j + len(p.target)
    return out


def galechurch_aligner(document: Document, direction: str) -> list[tuple[Link, float]]:
    import galechurch

    del direction  # the package's defaults: c = 1, s² = 6.8, Gale & Church's bead costs
    block = galechurch.align(document.source, document.target)
    return _links_of(
        document, [(range(b.source_start, b.source_end), range(b.target_start, b.target_end), 1.0) for b in block.beads]
    )


# -- scores -----------------------------------------------------------------------------------------


def roc_auc(scored: Sequence[tuple[float, bool]]) -> float | None:
    """Probability that a right link is ranked above a wrong one (ties count half)."""
    right = [s for s, ok in scored if ok]
    wrong = [s for s, ok in scored if not ok]
    if not right or not wrong:
        return None
    ordered = sorted(scored, key=lambda item: item[0])
    rank_sum = 0.0
    k = 0
    while k < len(ordered):
        end = k
        while end < len(ordered) and ordered[end][0] == ordered[k][0]:
            end += 1
        average_rank = (k + 1 + end) / 2
        rank_sum += average_rank * sum(1 for _, ok in ordered[k:end] if ok)
        k = end
    return (rank_sum - len(right) * (len(right) + 1) / 2) / (len(right) * len(wrong))


@dataclass
class Tally:
    gold: int = 0
    found: int = 0
    right: int = 0

    def add(self, gold: set[Link], found: list[tuple[Link, float]]) -> list[tuple[float, bool]]:
        self.gold += len(gold)
        self.found += len(found)
        marks = [(confidence, link in gold) for link, confidence in found]
        self.right += sum(ok for _, ok in marks)
        return marks

    def f1(self) -> float:
        p = self.right / self.found if self.found else 0.0
        r = self.right / self.gold if self.gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(articles: list[list[tuple[str, str]]], systems: dict[str, Aligner]) -> dict[str, object]:
    """F1 per system, direction and perturbation; tmkit's AUC; unrelated pairs caught; seconds."""
    rows: dict[str, object] = {}
    all_marks: list[tuple[float, bool]] = []
    for direction in DIRECTIONS:
        for kind in PERTURBATIONS:
            rng = random.Random(f"{SEED}-{kind}-{direction}")
            documents = [perturb(a, kind, direction, rng) for a in articles]
            row: dict[str, object] = {"documents": len(documents), "gold": sum(len(d.gold()) for d in documents)}
            for name, aligner in systems.items():
                tally, marks = Tally(), []
                started = time.perf_counter()
                for document in documents:
                    marks += tally.add(document.gold(), aligner(document, direction))
                row[f"{name}_f1"] = round(tally.f1(), 4)
                row[f"{name}_s"] = round(time.perf_counter() - started, 2)
                if name.startswith("tmkit"):
                    auc = roc_auc(marks)
                    row[f"{name}_auc"] = None if auc is None else round(auc, 4)
                    row[f"{name}_wrong"] = sum(1 for _, ok in marks if not ok)
                if name == "tmkit":
                    all_marks += marks
            rows[f"{direction} {kind}"] = row
    overall = roc_auc(all_marks)
    rows["tmkit_auc_all"] = None if overall is None else round(overall, 4)
    return rows


def unrelated_check(articles: list[list[tuple[str, str]]]) -> dict[str, int]:
    """Each article against the next one's translation (refused is right), and against its own (refused is wrong)."""
    caught = wrongly = 0
    for direction in DIRECTIONS:
        first, second = (0, 1) if direction == "ar-en" else (1, 0)
        source_lang, target_lang = direction.split("-")
        for k, article in enumerate(articles):
            other = articles[(k + 1) % len(articles)]
            source = [pair[first] for pair in article]
            for target_lines, related in ((other, False), (article, True)):
                target = [pair[second] for pair in target_lines]
                model = alignment.estimate_model(source, target, source_lang=source_lang, target_lang=target_lang)
                refused = looks_unrelated(source, target, model=model)
                caught += refused and not related
                wrongly += refused and related
    return {"pairs": len(articles) * len(DIRECTIONS), "unrelated_refused": caught, "related_refused": wrongly}


# -- the written articles ---------------------------------------------------------------------------


def _key(sentences: tuple[str, ...] | list[str]) -> str:
    return " ".join(" ".join(sentences).split())


def written_articles() -> dict[str, tuple[str, str, set[tuple[str, str]]]]:
    """The bundled sample article (gold: samples/article.tmx) and article2 (tests/data/alignment)."""
    memory = load_tmx(ROOT / "samples" / "article.tmx")
    gold = {(_key([u.variant("ar").text]), _key([u.variant("en").text])) for u in memory.units}  # type: ignore[union-attr]
    cases = {
        "article": (
            (ROOT / "samples" / "article.ar.txt").read_text(encoding="utf-8"),
            (ROOT / "samples" / "article.en.txt").read_text(encoding="utf-8"),
            gold,
        )
    }
    gold2: set[tuple[str, str]] = set()
    ar_paragraphs: list[str] = []
    en_paragraphs: list[str] = []
    for block in GOLD2.read_text(encoding="utf-8").strip().split("\n\n"):
        ar_side, en_side = [], []
        for line in block.split("\n"):
            ar, en = line.split("\t")
            if ar and en:
                gold2.add((_key([ar]), _key([en])))
            ar_side += [ar] if ar else []
            en_side += [en] if en else []
        ar_paragraphs.append(" ".join(ar_side))
        en_paragraphs.append(" ".join(en_side))
    cases["article2"] = ("\n\n".join(ar_paragraphs), "\n\n".join(en_paragraphs), gold2)
    return cases


def written_scores() -> dict[str, dict[str, float]]:
    out = {}
    for name, (ar, en, gold) in written_articles().items():
        for direction in DIRECTIONS:
            ar_p, en_p = split_sentences(ar, lang="ar"), split_sentences(en, lang="en")
            if direction == "ar-en":
                pairs = align_paragraphs(ar_p, en_p, source_lang="ar", target_lang="en")
                got = {(_key(p.source), _key(p.target)) for p in pairs if p.source and p.target}
            else:
                pairs = align_paragraphs(en_p, ar_p, source_lang="en", target_lang="ar")
                got = {(_key(p.target), _key(p.source)) for p in pairs if p.source and p.target}
            right = len(got & gold)
            p, r = right / len(got), right / len(gold)
            out[f"{name} {direction}"] = {
                "gold": len(gold),
                "found": len(got),
                "right": right,
                "f1": round(2 * p * r / (p + r), 4) if right else 0.0,
            }
    return out


# -- calibration (dev only) -------------------------------------------------------------------------


def calibrate(articles: list[list[tuple[str, str]]]) -> tuple[float, ...]:
    """Print the length statistics and fit the confidence weights on these (dev) articles."""
    lengths = [(alignment.text_length(ar), alignment.text_length(en)) for a in articles for ar, en in a]
    ratio = sum(en for _, en in lengths) / sum(ar for ar, _ in lengths)
    zs = [alignment._length_z(ar, en, ratio, 1.0) for ar, en in lengths]
    variance = sum(z * z for z in zs) / len(zs)
    print(f"en/ar length ratio {ratio:.4f}, variance per unit {variance:.3f} ({len(lengths)} line pairs)")
    import numpy as np

    features: list[tuple[float, ...]] = []
    labels: list[float] = []
    for direction in DIRECTIONS:
        source_lang, target_lang = direction.split("-")
        for kind in PERTURBATIONS:
            rng = random.Random(f"{SEED}-calibrate-{kind}-{direction}")
            for article in articles:
                document = perturb(article, kind, direction, rng)
                gold = document.gold()
                for _link, row, ok in _featured_links(document, source_lang, target_lang, gold):
                    features.append(row)
                    labels.append(float(ok))
    w = _fit(np.array(features), np.array(labels))
    print(f"{len(labels)} links, {int(sum(labels))} right; CONFIDENCE_WEIGHTS = ({', '.join(f'{v:.3f}' for v in w)})")
    return tuple(float(v) for v in w)


#: Perturbation seeds of the cross-validation on dev (`cross_validate`).
CROSS_VALIDATION_SEEDS = ("calibrate", "cvA", "cvB")
#: The features the confidence weighed before margin, rival and anchors missed were added.
EARLIER_FEATURES = 9


def cross_validate(articles: list[list[tuple[str, str]]]) -> dict[str, dict[str, float | None]]:
    """AUC of the confidence fitted on half the (dev) articles and scored on the other half, both ways.

    Dropped, mixed and merged documents in both directions, each with three perturbation seeds; the
    confidence's features against the earlier ones (the first `EARLIER_FEATURES`).
    """
    import numpy as np

    rows: list[tuple[str, int, tuple[float, ...], bool]] = []
    for tag in CROSS_VALIDATION_SEEDS:
        for direction in DIRECTIONS:
            source_lang, target_lang = direction.split("-")
            for kind in ("merged", "dropped", "mixed"):
                rng = random.Random(f"{SEED}-{tag}-{kind}-{direction}")
                for number, article in enumerate(articles):
                    document = perturb(article, kind, direction, rng)
                    for _link, features, ok in _featured_links(document, source_lang, target_lang, document.gold()):
                        rows.append((f"{direction} {kind}", number, features, ok))
    out: dict[str, dict[str, float | None]] = {}
    for name, width in (("earlier", EARLIER_FEATURES), ("now", len(rows[0][2]))):
        marks: dict[str, list[tuple[float, bool]]] = {}
        for fold in (0, 1):
            train = [r for r in rows if r[1] % 2 != fold]
            weights = _fit(np.array([r[2][:width] for r in train]), np.array([float(r[3]) for r in train]))
            for row_name, number, features, ok in rows:
                if number % 2 == fold:
                    marks.setdefault(row_name, []).append((float(np.dot(weights, features[:width])), ok))
        scores = {row_name: roc_auc(found) for row_name, found in sorted(marks.items())}
        scores["all"] = roc_auc([mark for found in marks.values() for mark in found])
        out[name] = {k: None if v is None else round(v, 4) for k, v in scores.items()}
    return out


def _fit(x: Any, y: Any) -> Any:
    """Logistic regression by Newton's method, lightly regularised (numpy arrays in and out)."""
    import numpy as np

    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + 0.01 * w
        hessian = (x.T * (p * (1 - p))) @ x + 0.01 * np.eye(x.shape[1])
        w -= np.linalg.solve(hessian, gradient)
    return w


def _featured_links(
    document: Document, source_lang: str, target_lang: str, gold: set[Link]
) -> list[tuple[Link, tuple[float, ...], bool]]:
    captured: list[alignment.LinkEvidence] = []
    original = alignment._confidence

    def capture(evidence: alignment.LinkEvidence) -> float:
        captured.append(evidence)
        return original(evidence)

    alignment._confidence = capture
    try:
        pairs = align_paragraphs([document.source], [document.target], source_lang=source_lang, target_lang=target_lang)
    finally:
        alignment._confidence = original
    linked = [r for r in _ranges(pairs) if len(r[0]) and len(r[1])]
    out = []
    # A refitted model aligns twice; the last alignment's links are the ones returned.
    for (src, tgt, _), evidence in zip(linked, captured[-len(linked) :], strict=True):
        link = (frozenset(src), frozenset(tgt))
        out.append((link, alignment.confidence_features(evidence), link in gold))
    return out


# -- report -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder of the FLORES files")
    parser.add_argument("--split", default="devtest", choices=("dev", "devtest"), help="evaluate on (default devtest)")
    parser.add_argument(
        "--calibrate", action="store_true", help="print the length figures and confidence weights of dev"
    )
    parser.add_argument(
        "--word-list",
        action="store_true",
        help="also run tmkit with a word list learned from the other FLORES split and MADAR (as --tm)",
    )
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="confidence AUC fitted on half the dev articles, scored on the other half (now against earlier features)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(SEED)
    if args.calibrate:
        calibrate(build_articles(read_flores(args.corpora, "dev"), rng))
        return
    if args.cross_validate:
        for name, scores in cross_validate(build_articles(read_flores(args.corpora, "dev"), rng)).items():
            print(f"{name:<8} " + "  ".join(f"{k} {v}" for k, v in scores.items()))
        return
    articles = build_articles(read_flores(args.corpora, args.split), rng)
    systems: dict[str, Aligner] = {"tmkit": tmkit_aligner, "galechurch": galechurch_aligner}
    if args.word_list:
        other = "dev" if args.split == "devtest" else "devtest"
        systems["tmkit_tm"] = word_list_aligner(read_memory(args.corpora, other))
    results = {
        "split": args.split,
        "articles": len(articles),
        "lines": sum(len(a) for a in articles),
        "flores": evaluate(articles, systems),
        "unrelated": unrelated_check(articles),
        "written": written_scores(),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"FLORES {args.split}: {results['articles']} articles, {results['lines']} line pairs")
    with_tm = "tmkit_tm" in systems
    print(
        f"{'direction perturbation':<22}{'gold':>6}{'tmkit F1':>10}{'galechurch F1':>15}{'tmkit AUC':>11}"
        f"{'wrong':>7}{'tmkit s':>9}{'gc s':>7}" + (f"{'+tm F1':>9}{'+tm AUC':>9}" if with_tm else "")
    )
    flores = results["flores"]
    assert isinstance(flores, dict)
    for name, row in flores.items():
        if not isinstance(row, dict):
            continue
        auc = "-" if row["tmkit_auc"] is None else f"{row['tmkit_auc']:.3f}"
        extra = ""
        if with_tm:
            tm_auc = "-" if row["tmkit_tm_auc"] is None else f"{row['tmkit_tm_auc']:.3f}"
            extra = f"{row['tmkit_tm_f1']:>9.4f}{tm_auc:>9}"
        print(
            f"{name:<22}{row['gold']:>6}{row['tmkit_f1']:>10.4f}{row['galechurch_f1']:>15.4f}{auc:>11}"
            f"{row['tmkit_wrong']:>7}{row['tmkit_s']:>9.2f}{row['galechurch_s']:>7.2f}{extra}"
        )
    print(f"tmkit confidence AUC over all links: {flores['tmkit_auc_all']}")
    print(f"unrelated pairs: {results['unrelated']}")
    for name, row in results["written"].items():
        print(f"written {name}: {row}")


if __name__ == "__main__":
    main()
