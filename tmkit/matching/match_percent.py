"""Where a match % is computed: tmkit's CAT-style match percentage, defined here and nowhere else.

The match percentage of a stored segment S for a new segment N (both in the source language):

1. **Keys.** Both plain texts (inline codes removed) go through the language's normalizer
   (`tmkit.text.normalize`, version recorded with every match): harakat, tatweel, bidi marks, alef
   forms, digit systems, punctuation variants, case and spacing no longer differ.
2. **Character similarity** C = 100 × (1 − indel(kN, kS) / (|kN| + |kS|)), the share of
   characters the two keys have in common (rapidfuzz's ``fuzz.ratio``).
3. **Word similarity** W = 100 × (1 − lev(wN, wS) / max(|wN|, |wS|)) over the sequences of
   words of the keys, each Arabic word stripped of its light clitics (و ف, ب ك ل, ال), so that
   ``والكتاب`` and ``الكتاب`` count as the same word; punctuation is not a word.
4. **Base** B = 0.6 × C + 0.4 × W. A clitic change costs a little (C drops, W does not), a
   changed word costs a lot (both drop). Any difference in wording caps the score at **94**:
   95–99 are kept for matches worded like the new segment. B = 100 when the keys are equal, and
   also when they differ only in Arabic spelling variants (``ى``/``ي``, ``ة``/``ه``, ``ؤ``/``ئ``/``ء``),
   which then cost a penalty of their own.
5. **Penalties**, each shown in the breakdown, are subtracted from B:

   | penalty | points |
   |---|---|
   | same key, but diacritics, letter forms (hamza/alef), digits (٣/3), punctuation (؟/?), | 1 per kind |
   | case, spacing, presentation forms or invisible characters (bidi marks, tatweel) differ | |
   | spelling variants only (``ى``/``ي``, ``ة``/``ه``, hamza carriers), which can change meaning (على/علي) | 3 |
   | (the two rows above together) | at most 5, so such matches score 95–99 |
   | inline codes differ (missing, extra or of another kind) | 1 per code, at most 10 |
   | numbers differ and were substituted in the target | the score is 99 (100 − 1) |
   | the stored translation is unconfirmed (status `new` or `draft`) | 5 |
   | the memory carries a penalty | as configured |

6. **100** means the same text and codes from a confirmed translation; **101** is such a match
   whose previous and next source segments also equal the new segment's (in-context match).
   Scores never go below 0.
7. **Length.** Segments of more than `MAX_MATCH_CHARS` characters are not fuzzy matched: the cost
   of comparing two texts grows with the product of their lengths (a lookup of 10,000 characters
   against a stored segment as long takes about 0.1 s, of 50,000 over a second, of a million
   minutes). CAT tools match sentences; a longer text is a document to segment first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from tmkit.defaults import MATCH_LIMIT, MATCH_THRESHOLD
from tmkit.memory.langtags import is_arabic_language
from tmkit.memory.model import Segment, Status
from tmkit.text.normalize import Normalizer, Step
from tmkit.text.numbers import Substitution, mask_numbers, substitute_numbers

#: The longest segment (in characters) fuzzy matching compares; see point 7 above.
MAX_MATCH_CHARS = 10_000

CHAR_WEIGHT = 0.6
WORD_WEIGHT = 0.4
EXACT = 100.0
IN_CONTEXT = 101.0
FORMAL_PENALTY = 1.0
SPELLING_VARIANT_PENALTY = 3.0
FORMAL_PENALTY_CAP = 5.0
#: The highest score of a match whose wording differs from the new segment.
FUZZY_CAP = 94.0
TAG_PENALTY = 1.0
TAG_PENALTY_CAP = 10.0
NUMBER_SUBSTITUTION_PENALTY = 1.0
UNCONFIRMED_PENALTY = 5.0
UNCONFIRMED_STATUSES = frozenset({Status.NEW, Status.DRAFT})

#: Kinds of formal difference, as the normalizer steps that remove them, with the words shown.
FORMAL_KINDS: dict[Step, str] = {
    Step.DIACRITICS: "diacritics differ",
    Step.LETTERS: "letter forms differ (hamza/alef)",
    Step.COMPATIBILITY: "presentation forms differ",
    Step.DIGITS: "digit system differs",
    Step.PUNCTUATION: "punctuation differs",
    Step.CASE: "case differs",
    Step.WHITESPACE: "spacing differs",
    Step.INVISIBLE: "invisible characters differ (bidi marks, tatweel)",
}
SPELLING_VARIANTS = "spelling variants (ى/ي, ة/ه, ؤ/ئ/ء)"
#: Shown when texts with equal keys differ in a way that no one step explains.
OTHER_FORMAL_DIFFERENCES = "other formal differences"

_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ك", "ل")


def strip_clitics(word: str) -> str:
    """An Arabic word without its light proclitics: `وبالكتاب` → `كتاب`, `للطلاب` → `طلاب`."""
    if len(word) > 3 and word[0] in _CONJUNCTIONS:
        word = word[1:]
    if len(word) > 3 and word[0] in _PREPOSITIONS:
        if word[0] == "ل" and word.startswith("لل") and len(word) > 3:
            return word[2:]  # لل = ل + ال
        word = word[1:]
    if len(word) > 3 and word.startswith("ال"):
        word = word[2:]
    return word


def key_words(key: str, *, arabic: bool) -> tuple[str, ...]:
    """The words of a normalized key, clitics stripped for Arabic, punctuation left out."""
    words = [w.strip("\"'.,;:!?()[]{}-") for w in key.split()]
    words = [w for w in words if w]
    if arabic:
        return tuple(strip_clitics(w) for w in words)
    return tuple(words)


def code_signature(segment: Segment) -> Counter[str]:
    """The inline codes of a segment as a multiset of their kinds (`bpt:bold`, `ph:image`…)."""
    return Counter(f"{code.tag}:{code.get('type') or ''}" for code in segment.codes())


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A segment made ready for scoring: its plain text, key, words and codes."""

    segment: Segment
    plain: str
    key: str
    words: tuple[str, ...]
    codes: Counter[str]


def prepare(segment: Segment | str, normalizer: Normalizer) -> PreparedText:
    seg = Segment.from_text(segment) if isinstance(segment, str) else segment
    plain = seg.plain
    key = normalizer(plain)
    return PreparedText(seg, plain, key, key_words(key, arabic=normalizer.arabic), code_signature(seg))


@dataclass(frozen=True, slots=True)
class Penalty:
    """A deduction from the base similarity, with the reason shown to the translator."""

    reason: str
    points: float


def _points(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True, slots=True)
class Breakdown:
    """How a match percentage came about."""

    char_similarity: float
    word_similarity: float
    base: float
    penalties: tuple[Penalty, ...] = ()
    in_context: bool = False
    normalization: str = ""

    def describe(self) -> str:
        """One line such as `base 100.0 (chars 100.0, words 100.0) − diacritics differ 1 = 99`."""
        text = f"base {self.base:.1f} (chars {self.char_similarity:.1f}, words {self.word_similarity:.1f})"
        for penalty in self.penalties:
            text += f" − {penalty.reason} {_points(penalty.points)}"
        if self.in_context:
            text += " + same context"
        return text


@dataclass(frozen=True, slots=True)
class MatchScore:
    """A match percentage with its breakdown, and the target adapted to the query if numbers changed."""

    score: float
    breakdown: Breakdown
    target: Segment | None = None
    substitutions: tuple[Substitution, ...] = ()


def loose_normalizer(normalizer: Normalizer) -> Normalizer:
    """The normalizer with the optional Arabic spelling folds switched on."""
    return Normalizer(
        normalizer.lang,
        fold_yeh=True,
        fold_teh_marbuta=True,
        fold_hamza=True,
        unify_punctuation=normalizer.unify_punctuation,
        casefold=normalizer.casefold,
    )


def _formal_kinds(query: str, stored: str, normalizer: Normalizer) -> list[Step]:
    """Which kinds of formal difference separate two texts whose keys are equal (each one a step explains)."""
    return [
        kind
        for kind in FORMAL_KINDS
        if normalizer.apply(query, skip=frozenset({kind})) != normalizer.apply(stored, skip=frozenset({kind}))
    ]


def char_similarity(query_key: str, stored_key: str) -> float:
    return float(fuzz.ratio(query_key, stored_key))


def word_similarity(query_words: tuple[str, ...], stored_words: tuple[str, ...]) -> float:
    if not query_words and not stored_words:
        return 100.0
    return 100.0 * float(Levenshtein.normalized_similarity(query_words, stored_words))


def score_match(
    query: PreparedText,
    stored: PreparedText,
    normalizer: Normalizer,
    *,
    target: Segment | None = None,
    status: Status = Status.TRANSLATED,
    memory_penalty: float = 0.0,
    memory_name: str = "",
    same_context: bool = False,
) -> MatchScore:
    """The match percentage of ``stored`` for ``query``, as the module docstring defines it.

    With ``target`` (the stored translation), a difference only in numbers is repaired by
    substituting them in the target, which the result carries.
    """
    penalties: list[Penalty] = []
    adapted: Segment | None = None
    substitutions: tuple[Substitution, ...] = ()
    same_key = query.key == stored.key
    spelling_only = False
    if not same_key and normalizer.arabic:
        loose = loose_normalizer(normalizer)
        spelling_only = loose(query.plain) == loose(stored.plain)
    if same_key or spelling_only:
        char = word = base = EXACT
        if query.plain != stored.plain:
            if spelling_only:
                kinds = _formal_kinds(query.plain, stored.plain, loose)
                points = FORMAL_PENALTY * len(kinds) + SPELLING_VARIANT_PENALTY
                reasons = [FORMAL_KINDS[k] for k in kinds] + [SPELLING_VARIANTS]
            else:
                kinds = _formal_kinds(query.plain, stored.plain, normalizer)
                reasons = [FORMAL_KINDS[k] for k in kinds] or [OTHER_FORMAL_DIFFERENCES]
                points = FORMAL_PENALTY * len(reasons)
            penalties.append(Penalty("; ".join(reasons), min(points, FORMAL_PENALTY_CAP)))
    else:
        char = char_similarity(query.key, stored.key)
        word = word_similarity(query.words, stored.words)
        base = CHAR_WEIGHT * char + WORD_WEIGHT * word
        if base > FUZZY_CAP:
            penalties.append(Penalty("wording differs (fuzzy matches stop at 94)", base - FUZZY_CAP))
        if target is not None and mask_numbers(query.key) == mask_numbers(stored.key):
            result = substitute_numbers(query.plain, stored.plain, target)
            if result is not None:
                adapted, substitutions = result
                base = EXACT
                penalties.clear()
                changed = ", ".join(f"{s.old}→{s.new}" for s in substitutions)
                penalties.append(Penalty(f"numbers substituted ({changed})", NUMBER_SUBSTITUTION_PENALTY))
    tag_difference = sum(((query.codes - stored.codes) + (stored.codes - query.codes)).values())
    if tag_difference:
        penalties.append(
            Penalty(f"{tag_difference} inline code(s) differ", min(TAG_PENALTY * tag_difference, TAG_PENALTY_CAP))
        )
    if status in UNCONFIRMED_STATUSES:
        penalties.append(Penalty(f"unconfirmed translation ({status.value})", UNCONFIRMED_PENALTY))
    if memory_penalty:
        penalties.append(Penalty(f"memory penalty{f' ({memory_name})' if memory_name else ''}", memory_penalty))
    score = max(0.0, base - sum(p.points for p in penalties))
    in_context = score == EXACT and same_context
    if in_context:
        score = IN_CONTEXT
    breakdown = Breakdown(char, word, base, tuple(penalties), in_context, normalizer.signature)
    return MatchScore(score, breakdown, adapted, substitutions)


def match_percent(
    query: Segment | str,
    stored: Segment | str,
    *,
    lang: str = "ar",
    normalizer: Normalizer | None = None,
    target: Segment | str | None = None,
    status: Status = Status.TRANSLATED,
    memory_penalty: float = 0.0,
    same_context: bool = False,
) -> MatchScore:
    """The match percentage of one stored source for one new segment (see the module docstring)."""
    norm = normalizer or Normalizer(lang)
    tgt = Segment.from_text(target) if isinstance(target, str) else target
    return score_match(
        prepare(query, norm),
        prepare(stored, norm),
        norm,
        target=tgt,
        status=status,
        memory_penalty=memory_penalty,
        same_context=same_context,
    )


__all__ = [
    "MATCH_LIMIT",
    "MATCH_THRESHOLD",
    "Breakdown",
    "MatchScore",
    "Penalty",
    "PreparedText",
    "is_arabic_language",
    "match_percent",
    "prepare",
    "score_match",
    "strip_clitics",
]
