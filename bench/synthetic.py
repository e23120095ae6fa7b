"""Deterministic synthetic Arabic–English memories and queries for benchmarks, built from the samples' vocabulary."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tmkit.formats.tmx_reader import load_tmx

SAMPLE_MEMORY = Path(__file__).resolve().parents[1] / "samples" / "news-memory.tmx"
HARAKAT = "\u064e\u064f\u0650\u0652\u0651\u064b"
NAMES_AR = [
    "دمشق",
    "موسكو",
    "طهران",
    "بكين",
    "القاهرة",
    "بغداد",
    "عمان",
    "الجزائر",
    "تونس",
    "بيروت",
    "الرياض",
    "كراكاس",
]
NAMES_EN = [
    "Damascus",
    "Moscow",
    "Tehran",
    "Beijing",
    "Cairo",
    "Baghdad",
    "Amman",
    "Algiers",
    "Tunis",
    "Beirut",
    "Riyadh",
    "Caracas",
]
_WORD_RE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Pair:
    ar: str
    en: str


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    kind: str  # exact, word, number, name, clitic, diacritics, alef, novel, short


class Vocabulary:
    """Word frequencies and sentence lengths of the bundled sample memory."""

    def __init__(self) -> None:
        memory = load_tmx(SAMPLE_MEMORY)
        ar_words: Counter[str] = Counter()
        en_words: Counter[str] = Counter()
        self.lengths: list[int] = []
        for _unit, ar, en in memory.pairs("ar", "en"):
            words = _WORD_RE.findall(ar.text)
            ar_words.update(w for w in words if not any(c.isdigit() for c in w))
            en_words.update(w for w in _WORD_RE.findall(en.text) if not any(c.isdigit() for c in w))
            self.lengths.append(len(words))
        self.ar, self.ar_weights = list(ar_words), list(ar_words.values())
        self.en, self.en_weights = list(en_words), list(en_words.values())


def _vocalise(words: list[str], rng: random.Random) -> list[str]:
    return ["".join(c + (rng.choice(HARAKAT) if c.isalpha() and rng.random() < 0.7 else "") for c in w) for w in words]


def _mutate(ar: str, en: str, kind: str, vocab: Vocabulary, rng: random.Random) -> tuple[str, str]:
    words, en_words = ar.split(), en.split()
    if not words:
        return ar, en
    i = rng.randrange(len(words))
    if kind == "word":
        words[i] = rng.choices(vocab.ar, vocab.ar_weights)[0]
    elif kind == "number":
        number = str(rng.randrange(2, 5000))
        words.insert(i, number)
        en_words.insert(min(i, len(en_words)), number)
    elif kind == "name":
        k = rng.randrange(len(NAMES_AR))
        words.insert(i, NAMES_AR[k])
        en_words.insert(min(i, len(en_words)), NAMES_EN[k])
    elif kind == "clitic":
        words[i] = words[i][1:] if words[i].startswith("و") and len(words[i]) > 3 else "و" + words[i]
    elif kind == "diacritics":
        words = _vocalise(words, rng)
    elif kind == "alef":
        words = [w.replace("ا", "أ", 1) if rng.random() < 0.3 else w for w in words]
    return " ".join(words), " ".join(en_words)


MUTATIONS = ("word", "number", "name", "clitic", "diacritics", "alef")


def _sentence(vocab: Vocabulary, rng: random.Random, *, short: bool = False) -> Pair:
    length = rng.randrange(2, 6) if short else rng.choice(vocab.lengths)
    ar = rng.choices(vocab.ar, vocab.ar_weights, k=length)
    en = rng.choices(vocab.en, vocab.en_weights, k=max(2, int(length * 1.3)))
    if not short and rng.random() < 0.3:
        number = str(rng.randrange(1, 3000))
        ar.insert(rng.randrange(len(ar)), number)
        en.insert(rng.randrange(len(en)), number)
    return Pair(" ".join(ar), " ".join(en) + ".")


def memory_pairs(size: int, *, seed: int = 20210622) -> list[Pair]:
    """``size`` pairs: about 10% short segments, about 30% near-duplicates of an earlier pair."""
    vocab, rng = Vocabulary(), random.Random(seed)
    pairs: list[Pair] = []
    for _ in range(size):
        if pairs and rng.random() < 0.3:
            base = pairs[rng.randrange(len(pairs))]
            ar, en = _mutate(base.ar, base.en, rng.choice(MUTATIONS), vocab, rng)
            pairs.append(Pair(ar, en))
        else:
            pairs.append(_sentence(vocab, rng, short=rng.random() < 0.1))
    return pairs


def queries(pairs: list[Pair], count: int, *, seed: int = 7) -> list[Query]:
    """New segments to look up: copies, near-duplicates of each kind, novel sentences, short ones."""
    vocab, rng = Vocabulary(), random.Random(seed)
    out: list[Query] = []
    for n in range(count):
        roll = n % 10
        base = pairs[rng.randrange(len(pairs))]
        if roll == 0:
            out.append(Query(base.ar, "exact"))
        elif roll <= 5:
            kind = MUTATIONS[n % len(MUTATIONS)]
            out.append(Query(_mutate(base.ar, base.en, kind, vocab, rng)[0], kind))
        elif roll <= 7:
            out.append(Query(_sentence(vocab, rng).ar, "novel"))
        else:
            short = [p for p in (pairs[rng.randrange(len(pairs))] for _ in range(200)) if len(p.ar.split()) <= 5]
            text = rng.choice(short).ar if short and rng.random() < 0.5 else _sentence(vocab, rng, short=True).ar
            out.append(Query(_mutate(text, "", "word", vocab, rng)[0] if rng.random() < 0.5 else text, "short"))
    return out
