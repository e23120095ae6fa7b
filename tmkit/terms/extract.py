"""Candidate term pairs from a memory: frequent word n-grams of each side, paired by co-occurrence in aligned units.

Each side's units are cut into words as recognition cuts them (normalized; Arabic words without
their proclitics and article), and every n-gram of one to `MAX_NGRAM` words that neither starts nor
ends with a function word or a number is counted once per unit. N-grams found in at least
``min_count`` units are paired with the n-gram of the other side they share the most units with,
scored by Dice's coefficient (2 × together / (source count + target count)). An n-gram that never
occurs outside one longer n-gram of the list is left out for that longer one.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tmkit.terms.recognize import (
    MIN_ARABIC_STEM,
    Word,
    arabic_normalizer,
    normalizer_for,
    split_words,
)
from tmkit.text.scripts import TATWEEL

#: The longest n-gram proposed, in words.
MAX_NGRAM = 4
#: Units an n-gram must occur in (and a pair share) to be proposed.
MIN_COUNT = 3
#: The least Dice coefficient of a proposed pair.
MIN_DICE = 0.3
#: Candidates proposed at most.
EXTRACT_LIMIT = 200
#: N-grams of each side considered for pairing (the most frequent): bounds the pairing's cost.
PAIRING_POOL = 3000
#: Letters that may stand before an Arabic word as a conjunction or preposition (و ف, ب ك ل), as recognition reads.
_PROCLITICS = "وفبكل"
_POSSESSIVES = ("'s", "’s")

_ENGLISH_FUNCTION_WORDS = (
    "a an the of to in on at by for from with and or but as is are was were be been has have had it its this that "
    "these those which who whom whose their his her our your my he she they we you i not no also than then into "
    "over under between about after before during while will would can could should may might must do does did "
    "said says up out so such there here all any each other more most some if when where how what why whether "
    "always already usually sometimes often never ever either neither without within near many much now very just "
    "only even because since until although though however both including against several same according"
)
_ARABIC_FUNCTION_WORDS = (
    "في من على إلى الى عن مع أن ان إن الذي التي الذين هذا هذه ذلك تلك كان كانت قد لا لم لن ما هو هي هم بين عند "
    "كل بعد قبل خلال حول او أو ثم حتى كما التي وقد فقد وفي ومن وعلى الى ايضا أيضا به بها له لها منذ غير "
    "إذا اذا عندما لكن حيث بينما لأن لان إما اما دون بدون الآن الان فقط جدا جداً مثل كيف لماذا متى أين اين هناك هنا "
    "بعض جميع معظم ليس سوف دائما دائماً أحيانا أحياناً غالبا غالباً عادة عادةً العديد بالفعل بالقرب بما ضد عدة نفس "
    "وفقا وفقاً وفقًا"
)
# Compared with the words' normalized keys, so normalized as they are (إلى → الي).
_FUNCTION_WORDS = frozenset(_ENGLISH_FUNCTION_WORDS.split()) | frozenset(
    arabic_normalizer()(word) for word in _ARABIC_FUNCTION_WORDS.split()
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposed term pair: the two n-grams as most often written, and how often they occur and co-occur."""

    source: str
    target: str
    source_count: int
    target_count: int
    together: int

    @property
    def dice(self) -> float:
        return 2 * self.together / (self.source_count + self.target_count)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "source_count": self.source_count,
            "target_count": self.target_count,
            "together": self.together,
            "dice": round(self.dice, 3),
        }


def _ngrams(
    words: list[Word],
    text: str,
    canonical: list[str],
    surfaces: dict[tuple[str, ...], Counter[tuple[bool, str]]],
    max_n: int,
    words_seen: set[str],
) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for start in range(len(words)):
        if _weak(words[start].key):
            continue
        for size in range(1, max_n + 1):
            end = start + size
            if end > len(words):
                break
            if _weak(words[end - 1].key):
                continue
            gram = tuple(canonical[start:end])
            found.add(gram)
            surface = _surface(text, words[start], words[end - 1], gram, words_seen)
            # A unit's first word is capitalized as a sentence's (`Scientists`, `Drivers`): a form the n-gram has
            # inside a sentence is shown rather than it (`_shown`), where it has one.
            surfaces[gram][(start > 0 or not surface[:1].isupper(), surface)] += 1
    return found


def _shown(forms: Counter[tuple[bool, str]]) -> str:
    """The form an n-gram is proposed in: its most frequent but for a unit's capitalized first word, else that."""
    inside = Counter({surface: n for (within, surface), n in forms.items() if within})
    if inside:
        return inside.most_common(1)[0][0]
    return Counter({surface: n for (_within, surface), n in forms.items()}).most_common(1)[0][0]


def _surface(text: str, first: Word, last: Word, gram: tuple[str, ...], words_seen: set[str]) -> str:
    """The n-gram as the text writes it, less the conjunction and preposition before its first Arabic word where the
    memory has the rest as a word of its own (`والإفطار` as `الإفطار`; `فيروس` after ب, ل and و: `وفيروس` as `فيروس`;
    never `فرنسا` as `رنسا`, which follows ف alone),
    and less the possessive of its last English word. Written with them, a candidate taken into a termbase as
    proposed (`والإفطار`, `وفيروس`) was found in no text without them."""
    begin, end = first.start, last.end
    key = first.key
    while key[:1] in _PROCLITICS and len(key) - 1 >= MIN_ARABIC_STEM and key[1:] in words_seen:
        key = key[1:]
        begin += 1
        while begin < end and (unicodedata.combining(text[begin]) or text[begin] == TATWEEL):
            begin += 1  # the proclitic's harakat (وَ) go with it
    if text.endswith(_POSSESSIVES, begin, end) and not gram[-1].endswith(_POSSESSIVES):
        end -= 2
    return text[begin:end]


def _words_of_their_own(keys: list[str]) -> set[str]:
    """The words a memory has as words of their own (keys): those written alone, or after two proclitics or more
    (`فيروس` in `بفيروس`, `لفيروس`, `الفيروس`), where a word's first letter read as a proclitic would be."""
    after: defaultdict[str, set[str]] = defaultdict(set)
    for key in keys:
        for proclitic in (*_PROCLITICS, "ال"):
            if key.startswith(proclitic) and len(key) - len(proclitic) >= MIN_ARABIC_STEM:
                after[key[len(proclitic) :]].add(proclitic)
    return set(keys) | {rest for rest, proclitics in after.items() if len(proclitics) > 1}


def _weak(word: str) -> bool:
    return word in _FUNCTION_WORDS or len(word) < 2 or not any(c.isalpha() for c in word)


def _frequent(units: list[set[tuple[str, ...]]], min_count: int) -> Counter[tuple[str, ...]]:
    counts: Counter[tuple[str, ...]] = Counter(g for grams in units for g in grams)
    kept = Counter({g: n for g, n in counts.most_common(PAIRING_POOL) if n >= min_count})
    # An n-gram whose every occurrence is inside one longer kept n-gram adds nothing of its own.
    for gram in list(kept):
        for longer, n in kept.items():
            if len(longer) > len(gram) and n == kept[gram] and _inside(gram, longer):
                del kept[gram]
                break
    return kept


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def extract_candidates(
    pairs: Iterable[tuple[str, str]],
    *,
    source_lang: str,
    target_lang: str,
    min_count: int = MIN_COUNT,
    max_ngram: int = MAX_NGRAM,
    min_dice: float = MIN_DICE,
    limit: int = EXTRACT_LIMIT,
) -> list[Candidate]:
    """Candidate term pairs from aligned (source, target) texts, best first (Dice, then how often together)."""
    source_surfaces: dict[tuple[str, ...], Counter[tuple[bool, str]]] = defaultdict(Counter)
    target_surfaces: dict[tuple[str, ...], Counter[tuple[bool, str]]] = defaultdict(Counter)
    source_norm, target_norm = normalizer_for(source_lang), normalizer_for(target_lang)
    # Without the two letters after an article: here a word's reading is a guess the memory's counts confirm, and
    # two letters are confirmed by unrelated words (للاس, for Las, would count as اس, read in الأس and بالاس).
    texts = [
        (
            source,
            target,
            split_words(source, source_norm, short_stems=False),
            split_words(target, target_norm, short_stems=False),
        )
        for source, target in pairs
    ]
    # A word is counted as the one of its forms the memory has most often (ties: the shorter), so that
    # للجنة counts as لجنة (ل + لجنة), not as جنة (لل + جنة), the reading the memory never confirms.
    form_counts: Counter[str] = Counter(f for _, _, s, t in texts for w in (*s, *t) for f in w.forms)

    def canonical(words: list[Word]) -> list[str]:
        return [max(w.forms, key=lambda f: (form_counts[f], -len(f), f)) for w in words]

    words_seen = _words_of_their_own([w.key for _, _, s, t in texts for w in (*s, *t)])
    source_units: list[set[tuple[str, ...]]] = []
    target_units: list[set[tuple[str, ...]]] = []
    for source, target, source_words, target_words in texts:
        source_units.append(
            _ngrams(source_words, source, canonical(source_words), source_surfaces, max_ngram, words_seen)
        )
        target_units.append(
            _ngrams(target_words, target, canonical(target_words), target_surfaces, max_ngram, words_seen)
        )
    source_counts = _frequent(source_units, min_count)
    target_counts = _frequent(target_units, min_count)
    together: dict[tuple[str, ...], Counter[tuple[str, ...]]] = defaultdict(Counter)
    for source_grams, target_grams in zip(source_units, target_units, strict=True):
        kept_targets = [g for g in target_grams if g in target_counts]
        for gram in source_grams:
            if gram in source_counts:
                together[gram].update(kept_targets)
    found: list[Candidate] = []
    for gram, partners in together.items():
        best = max(
            partners.items(),
            key=lambda item: (2 * item[1] / (source_counts[gram] + target_counts[item[0]]), item[1], item[0]),
            default=None,
        )
        if best is None or best[1] < min_count:
            continue
        candidate = Candidate(
            _shown(source_surfaces[gram]),
            _shown(target_surfaces[best[0]]),
            source_counts[gram],
            target_counts[best[0]],
            best[1],
        )
        if candidate.dice >= min_dice:
            found.append(candidate)
    found.sort(key=lambda c: (-c.dice, -c.together, c.source))
    return found[:limit]
