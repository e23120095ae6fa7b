"""Clitic guard on real text: which words the match % no longer cuts, and what adding a clitic costs, before and after.

Reads the MADAR and FLORES Arabic sides (``../shared/corpora`` by default). For every word of the
normalized keys it compares the old unguarded stripping (kept here as `unguarded`, the rule before
issue 10) with `key_words`' guarded one, counting words kept whole that were cut before, with the
commonest examples. Then, for sentences of the corpora, it adds a clitic (و before a word, ال
before an article-less word) or vocalises / bare-alefs the sentence, and reports the mean word
similarity and match % against the original, old and new, and the share of variants still at 99.
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections import Counter
from pathlib import Path

from tmkit.matching.match_percent import key_words, match_percent, paired_stems
from tmkit.text.normalize import Normalizer

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
FILES = ("madar-travel-dev.ar", "flores-dev.ar", "flores-devtest.ar")
HARAKAT = "\u064e\u064f\u0650\u0652"


def unguarded(word: str) -> str:
    """The stripping before issue 10: any و ف, then ب ك ل, then ال, while more than 3 letters remain."""
    if len(word) > 3 and word[0] in "وف":
        word = word[1:]
    if len(word) > 3 and word[0] in "بكل":
        if word.startswith("لل"):
            return word[2:]
        word = word[1:]
    if len(word) > 3 and word.startswith("ال"):
        word = word[2:]
    return word


def words_of(key: str) -> list[str]:
    return [w for w in (w.strip("\"'.,;:!?()[]{}-") for w in key.split()) if w]


def old_word_similarity(query: str, stored: str) -> float:
    from rapidfuzz.distance import Levenshtein

    a, b = [unguarded(w) for w in words_of(query)], [unguarded(w) for w in words_of(stored)]
    return 100.0 * float(Levenshtein.normalized_similarity(a, b)) if a or b else 100.0


def new_word_similarity(query: str, stored: str) -> float:
    from rapidfuzz.distance import Levenshtein

    a, b = paired_stems(key_words(query, arabic=True), key_words(stored, arabic=True))
    return 100.0 * float(Levenshtein.normalized_similarity(a, b)) if a or b else 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--sentences", type=int, default=2000, help="sentences per variant kind")
    args = parser.parse_args()
    norm = Normalizer("ar")
    lines = [line for name in FILES for line in (args.corpora / name).read_text(encoding="utf-8").split("\n") if line]
    keys = [norm(line) for line in lines]
    tokens: Counter[str] = Counter(w for key in keys for w in words_of(key))
    cut_before = {w for w in tokens if unguarded(w) != w}
    kept_whole = {w for w in cut_before if key_words(w, arabic=True) == (w,)}
    still_cut = cut_before - kept_whole
    total = sum(tokens.values())
    print(f"{len(lines):,} lines, {total:,} words ({len(tokens):,} distinct)")
    print(
        f"cut before: {sum(tokens[w] for w in cut_before):,} words ({len(cut_before):,} distinct); "
        f"now kept whole unless the other segment has the bare word: {sum(tokens[w] for w in kept_whole):,} "
        f"({len(kept_whole):,} distinct); still cut (article): {sum(tokens[w] for w in still_cut):,}"
    )
    print(
        "commonest kept whole:",
        " ".join(f"{w}({tokens[w]})" for w in sorted(kept_whole, key=lambda w: -tokens[w])[:25]),
    )
    print(
        "commonest still cut: ",
        " ".join(f"{w}→{key_words(w, arabic=True)[0]}" for w in sorted(still_cut, key=lambda w: -tokens[w])[:15]),
    )

    # Words the corpora hold both bare and with a clitic: does the comparison read them as one word?
    print(f"\n{'word pairs in the corpora':<44}{'pairs':>7}{'one word before':>17}{'now':>7}")
    for label, clitics in (
        ("bare and with ال (كتاب/الكتاب)", ("ال",)),
        ("bare and with و ف ب ك ل (فندق/بفندق)", tuple("وفبكل")),
    ):
        pairs = [(c + w, w) for w in tokens for c in clitics if c + w in tokens and not w.startswith("ال")]
        before = sum(unguarded(a) == unguarded(b) for a, b in pairs)
        now = sum(len(set(paired_stems(key_words(a, arabic=True), key_words(b, arabic=True)))) == 1 for a, b in pairs)
        print(f"{label:<44}{len(pairs):>7}{before / len(pairs):>17.1%}{now / len(pairs):>7.1%}")

    rng = random.Random(10)
    sample = rng.sample([line for line in lines if 3 <= len(line.split()) <= 40], args.sentences)
    w_old, w_new, p_new = [], [], []
    for line in sample:  # a conjunction added before one word of the sentence
        words = line.split()
        choices = [i for i, w in enumerate(words) if w.isalpha() and not w.startswith("و")]
        if not choices:
            continue
        i = rng.choice(choices)
        variant = " ".join([*words[:i], "و" + words[i], *words[i + 1 :]])
        w_old.append(old_word_similarity(norm(variant), norm(line)))
        w_new.append(new_word_similarity(norm(variant), norm(line)))
        p_new.append(match_percent(variant, line).score)
    print(
        f"\nو added before a word ({len(w_new)} sentences): mean W {statistics.mean(w_old):.1f} before, "
        f"{statistics.mean(w_new):.1f} now; mean match % now {statistics.mean(p_new):.1f}"
    )
    vocalised = [
        "".join(c + (rng.choice(HARAKAT) if "ء" <= c <= "ي" and rng.random() < 0.6 else "") for c in s) for s in sample
    ]
    bare = [s.replace("أ", "ا").replace("إ", "ا") for s in sample]
    print("\nvariants that must stay at 99 (one kind of formal difference):")
    for kind, variants in (("vocalised", vocalised), ("bare alef", bare)):
        scores = [match_percent(v, s).score for v, s in zip(variants, sample, strict=True) if v != s]
        print(f"{kind:<14} {sum(s == 99.0 for s in scores)}/{len(scores)} at 99")


if __name__ == "__main__":
    main()
