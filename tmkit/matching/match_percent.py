"""Where a match % is computed: tmkit's CAT-style match percentage, defined here and nowhere else.

The match percentage of a stored segment S for a new segment N (both in the source language):

1. **Keys.** Both plain texts (inline codes removed) go through the language's normalizer
   (`tmkit.text.normalize`, version recorded with every match): harakat, tatweel, bidi marks, alef
   forms, digit systems, punctuation variants, case and spacing no longer differ.
2. **Character similarity** C = 100 × (1 − indel(kN, kS) / (|kN| + |kS|)), the share of
   characters the two keys have in common (rapidfuzz's ``fuzz.ratio``).
3. **Word similarity** W = 100 × (1 − lev(wN, wS) / max(|wN|, |wS|)) over the sequences of
   words of the keys, each Arabic word without its light clitics, so that ``والكتاب`` and
   ``الكتاب`` count as the same word; punctuation is not a word. Clitics are set aside with a
   guard, because the same letters begin many words (``بنزين``, ``كتاب``, ``فندق``, ``وزير``):
   the article with what may precede it (ال, وال فال, بال كال, لل, وبال…) only when at least
   `MIN_ARTICLE_STEM` letters remain, the word does not begin as one of `RADICAL_INITIAL` (``والد``,
   ``بالغ``…) and is not one of `ARTICLE_LOOKALIKES` (``الآن``, ``الله``), by the rule of
   `tmkit.text.arabic.article_stem`, which term recognition reads the article by too;
   a lone و ف ب ك ل (or و/ف then ب ك ل) only when what remains is a word of either segment
   (``بكتاب`` beside ``الكتاب``, never ``كتاب`` beside ``تاب``). The breakdown names the clitics
   set aside that one segment has and the other lacks.
4. **Base** B = 0.6 × C + 0.4 × W. A clitic change costs a little (C drops, W does not), a
   changed word costs a lot (both drop). Any difference in wording caps the score at **94**:
   95–99 are kept for matches worded like the new segment. B = 100 when the keys are equal, and
   also when they differ only in Arabic spelling variants (``ى``/``ي``, ``ة``/``ه``, ``ؤ``/``ئ``/``ء``),
   in their punctuation marks (sentence and clause marks, quotes, brackets and dashes: `FORM_MARKS`)
   added, removed or changed (``«نعم»`` / ``نعم``, ``Yes!`` / ``Yes.``), in the spaces around them
   (``تعديلات ؟`` / ``تعديلات؟``, ``a , b`` / ``a, b``) or in a final full stop, each of which then
   costs a penalty of its own. A mark between two digits (``3.5``, ``1,000``), or a minus sign or a
   decimal point before one (``(-5)``, ``.5``), is part of a number, and wording; ``%`` and other
   symbols are wording too, and so is a dash whose removal would join two words (``e-mail`` /
   ``email``). When the keys differ only in their numbers and the numbers are substituted, C and W
   are taken with the numbers masked (both 100), so that the breakdown adds up.
5. **Penalties**, each shown in the breakdown, are subtracted from B:

   | penalty | points |
   |---|---|
   | same key, but diacritics, letter forms (hamza/alef), digits (٣/3), punctuation (؟/?), | 1 per kind |
   | case, spacing, presentation forms or invisible characters (bidi marks, tatweel) differ, | |
   | or spaces around punctuation, punctuation marks added, removed or changed, | |
   | or a final full stop missing or extra | |
   | spelling variants only (``ى``/``ي``, ``ة``/``ه``, hamza carriers), which can change meaning (على/علي) | 3 |
   | (the two rows above together) | at most 5, so such matches score 95–99 |
   | inline codes differ (missing, extra or of another kind) | 1 per code, at most 10 |
   | numbers differ and were substituted in the target | the score is 99 (100 − 1) |
   | a substituted number of another counted-noun class (Arabic 1, 2, 3–10, 11–99, 100+; | 5 more, |
   | English 1 or more): ``5 دقائق`` cannot become ``25 دقائق``, the noun must change | a fuzzy % (94) |
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

import functools
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from tmkit.defaults import MATCH_LIMIT, MATCH_THRESHOLD
from tmkit.memory.langtags import is_arabic_language
from tmkit.memory.model import Segment, Status
from tmkit.text.arabic import article_stem
from tmkit.text.normalize import SPELLING_FOLDS, Normalizer, Step
from tmkit.text.numbers import Substitution, counted_noun_class, mask_numbers, number_value, substitute_numbers
from tmkit.text.scripts import HARAKAT_CLASS, TATWEEL, has_arabic

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
#: A substituted number whose counted noun must change form: with the substitution, 100 − 1 − 5 = 94.
NUMBER_AGREEMENT_PENALTY = 5.0
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
PUNCTUATION_SPACING = "spacing around punctuation differs"
PUNCTUATION_MARKS = "punctuation marks differ"
FINAL_STOP = "final full stop missing or extra"

_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ك", "ل")
#: The shortest word a lone proclitic may leave (`بك` is not ب + ك).
_MIN_BARE_STEM = 2


def strip_clitics(word: str, lexicon: frozenset[str] | set[str] = frozenset()) -> str:
    """An Arabic word (a normalized key's) without its light proclitics, guarded (see point 3).

    `وبالكتاب` → `كتاب`, `للطلاب` → `طلاب`, `بنزين` and `كتاب` stay whole; `بكتاب` → `كتاب` only
    when ``lexicon`` (the stems of the words being compared) holds `كتاب`.
    """
    stem = article_stem(word)
    if stem != word or not lexicon:
        return stem
    return _bare_stem(word, lexicon)


def _bare_stem(word: str, lexicon: frozenset[str] | set[str]) -> str:
    """``word`` without a lone proclitic (و ف ب ك ل, or و/ف then ب ك ل) when what remains is in ``lexicon``."""
    if len(word) > _MIN_BARE_STEM and word[0] in _CONJUNCTIONS + _PREPOSITIONS and word[1:] in lexicon:
        return word[1:]
    if len(word) > _MIN_BARE_STEM + 1 and word[0] in _CONJUNCTIONS and word[1] in _PREPOSITIONS and word[2:] in lexicon:
        return word[2:]
    return word


#: Keys whose words are kept: the same stored keys are candidates of lookup after lookup.
KEY_WORDS_CACHE = 65_536


@functools.lru_cache(maxsize=KEY_WORDS_CACHE)
def key_words(key: str, *, arabic: bool) -> tuple[str, ...]:
    """The words of a normalized key, punctuation left out; Arabic words without their article (guarded).

    A lone proclitic is set aside only against another segment's words (`word_similarity`).
    """
    words = [w.strip("\"'.,;:!?()[]{}-") for w in key.split()]
    words = [w for w in words if w]
    if arabic:
        return tuple(article_stem(w) for w in words)
    return tuple(words)


_EDGE_PUNCTUATION = "\"'.,;:!?()[]{}-"
# Every run of proclitic letters and articles a word begins with, however the guards would read it.
_ANY_PROCLITICS_RE = re.compile(r"(?:[وفبكل]|ال)*(?=.)", re.DOTALL)


def clitic_blind_words(keys: list[str], *, arabic: bool) -> list[list[str]]:
    """The words of many keys at once with every leading run of proclitic letters removed (a bound, not a reading).

    Any two words the guarded reading (`key_words`, `paired_stems`) makes equal are equal here,
    so W over these words is never below W: an upper bound of the match % computed for
    thousands of candidates at once. A word is stripped of its edge punctuation (a word of nothing
    else is none) and, in Arabic, of its proclitics (a word of nothing else keeps its last), and
    marked with a NUL where they were; each distinct word is read once a call (a memory's words
    recur: two regular expressions over the whole text took four times as long).
    """
    blind: dict[str, str] = {}
    found: list[list[str]] = []
    for key in keys:
        words = []
        for word in key.split():
            bare = blind.get(word)
            if bare is None:
                bare = word.strip(_EDGE_PUNCTUATION)
                if bare and arabic:
                    bare = "\x00" + _ANY_PROCLITICS_RE.sub("", bare, count=1)  # the run the word begins with
                blind[word] = bare
            if bare:
                words.append(bare)
        found.append(words)
    return found


def paired_stems(
    query_words: tuple[str, ...], stored_words: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Both segments' Arabic words (from `key_words`) with lone proclitics set aside against the words of both."""
    lexicon = set(query_words) | set(stored_words)
    return (
        tuple(_bare_stem(w, lexicon) for w in query_words),
        tuple(_bare_stem(w, lexicon) for w in stored_words),
    )


#: Pairs of keys (and keys) whose comparison's parts are kept: a lookup compares one query with many candidates,
#: among them copies of one segment differing only in form (the same keys).
PAIR_CACHE = 4096


@functools.lru_cache(maxsize=PAIR_CACHE)
def clitics_set_aside(query_key: str, stored_key: str) -> tuple[str, ...]:
    """The clitics the comparison set aside that one segment has and the other lacks, as `و+اكل`."""
    query_surface = [w.strip("\"'.,;:!?()[]{}-") for w in query_key.split()]
    stored_surface = [w.strip("\"'.,;:!?()[]{}-") for w in stored_key.split()]
    query_words = tuple(article_stem(w) for w in query_surface if w)
    stored_words = tuple(article_stem(w) for w in stored_surface if w)
    lexicon = set(query_words) | set(stored_words)
    shown: list[str] = []
    for surface, other in ((query_surface, set(stored_surface)), (stored_surface, set(query_surface))):
        for word in surface:
            if not word or word in other:  # a word both have sets nothing aside (most words of a close match)
                continue
            stem = strip_clitics(word, lexicon)
            label = f"{word[: len(word) - len(stem)]}+{stem}"
            if stem != word and label not in shown:
                shown.append(label)
    return tuple(shown)


# Punctuation for the formal comparison: anything but letters, digits, marks and spaces.
_SPACED_PUNCTUATION_RE = re.compile(rf"\s*([^\w\s{HARAKAT_CLASS}{TATWEEL}])\s*")


def _tight(key: str) -> str:
    """The key without spaces around its punctuation."""
    return _SPACED_PUNCTUATION_RE.sub(r"\1", key)


def _without_final_stop(key: str) -> str:
    return key[:-1].rstrip() if key.endswith(".") else key


#: Punctuation marks that are form, not wording (point 4): sentence and clause marks, quotes, brackets and dashes,
#: as keys hold them and as texts hold them before the normalizer unifies their variants (`Step.PUNCTUATION`). The
#: marks stripped from a word's edges before words are compared (`key_words`) are among them.
FORM_MARKS = _EDGE_PUNCTUATION + "…؟،؛«»“”„‘’‚–—‐‑−۔"
_MARK_CLASS = re.escape(FORM_MARKS)
# A mark between two digits (3.5, 1,000, 10:30), a minus sign before one or before its decimal point (-5, (-5),
# x=-5, -.5) and a decimal point before one (.5), neither after a letter or digit, are parts of numbers: wording.
# Every other form mark is matched in group 1.
_FORM_MARK_RE = re.compile(
    rf"(?<=\d)[{_MARK_CLASS}](?=\d)|(?<![^\W_])[-−](?=[.,]?\d)|(?<![^\W_])[.,](?=\d)|([{_MARK_CLASS}])"
)
# What stands for a form mark while a formal key is made: XML cannot hold it, so no text holds it.
_MARK = "\x00"
# Runs of form marks with the spaces around them: at either end of a key they go, within it they are one space.
_EDGE_MARKS_RE = re.compile(rf"^\s*{_MARK}[\s{_MARK}]*|\s*{_MARK}[\s{_MARK}]*$")
_INNER_MARKS_RE = re.compile(rf"\s*{_MARK}[\s{_MARK}]*")
# What a key's squeezed form never holds: its spaces and form marks (those of numbers aside).
_SPACES_AND_MARKS = str.maketrans("", "", " " + FORM_MARKS)


def _marked(match: re.Match[str]) -> str:
    return match.group(0) if match.group(1) is None else _MARK


@functools.lru_cache(maxsize=PAIR_CACHE)
def formal_key(key: str) -> str:
    """A key without what only the breakdown names: its form marks (`FORM_MARKS`, not those of a number) and the
    spaces around them, and the spaces around other punctuation, so that keys worded alike are equal whatever their
    punctuation. (Other spaces are kept: a doubled space is another kind of formal difference.) A key of marks alone
    (`-----`, `...`) keeps them, but for the spaces around them and a final full stop: they are what it says."""
    marked = _FORM_MARK_RE.sub(_marked, key)
    if _MARK not in marked:
        return _tight(key)
    worded = _tight(_INNER_MARKS_RE.sub(" ", _EDGE_MARKS_RE.sub("", marked)))
    return worded if worded else _tight(_without_final_stop(key))


def squeezed_key(key: str, *, fold: bool = True) -> str:
    """A key's formal key without spaces, Arabic spelling variants folded (unless not ``fold``): equal for every key
    equal to it but for form or spelling (the folds are letter for letter), and what a lookup files such keys by."""
    if fold:
        for letter, folded in SPELLING_FOLDS.items():  # str.replace, far faster than translate with a table
            key = key.replace(chr(letter), folded)
    if len(key.translate(_SPACES_AND_MARKS)) == len(key) - key.count(" "):
        return key.replace(" ", "")  # no form mark: the formal key differs only in spaces (as a build meets most keys)
    return formal_key(key).replace(" ", "")


def squeezed_length_bounds(key: str) -> tuple[int, int]:
    """The shortest and longest ``key``'s `squeezed_key` can be, without making it: it keeps the key's letters and
    digits, and at most its form marks too (those of numbers)."""
    return len(key.translate(_SPACES_AND_MARKS)), len(key) - key.count(" ")


class FormalTwins:
    """Whether a key equals ``query_key`` but for form (punctuation marks and the spaces around them) or, with
    ``fold``, Arabic spelling variants: what scores 95-99 whatever its characters (numbers aside). The matcher's and
    the shared memory's shortlists ask it; cheap tests first (lengths, then the squeezed key), the formal keys last."""

    __slots__ = ("fold", "query_key", "same", "squeezed", "wanted")

    def __init__(self, query_key: str, *, fold: bool) -> None:
        self.query_key, self.fold = query_key, fold
        self.squeezed = squeezed_key(query_key, fold=fold)
        self.wanted = {formal_key(query_key)}
        if fold:
            self.wanted.add(formal_key(query_key.translate(SPELLING_FOLDS)))
        #: Characters a twin shares with the query in order: the squeezed key's, but where a spelling variant
        #: differs (a letter the folds touch). A twin n long has C ≥ 200 · same / (len(query) + n).
        self.same = len(self.squeezed) - (sum(c in _FOLDED_LETTERS for c in query_key) if fold else 0)

    def __call__(self, key: str) -> bool:
        shortest, longest = squeezed_length_bounds(key)
        if not shortest <= len(self.squeezed) <= longest or squeezed_key(key, fold=self.fold) != self.squeezed:
            return False
        return (
            key == self.query_key
            or formal_key(key) in self.wanted
            or (self.fold and formal_key(key.translate(SPELLING_FOLDS)) in self.wanted)
        )


#: Letters a spelling fold replaces or puts in their place: a key equal but for spelling differs from the query there.
_FOLDED_LETTERS = frozenset(chr(letter) for letter in SPELLING_FOLDS) | frozenset(
    str(folded) for folded in SPELLING_FOLDS.values()
)


def _form_marks(key: str) -> list[str]:
    """The form marks `formal_key` leaves out of a key, in order."""
    return [m.group(1) for m in _FORM_MARK_RE.finditer(key) if m.group(1) is not None]


def _marks_apart(first: str, second: str) -> int:
    """How many form marks one text has that the other lacks, both ways (a changed mark counts twice)."""
    ours, theirs = Counter(_form_marks(first)), Counter(_form_marks(second))
    return sum(((ours - theirs) + (theirs - ours)).values())


def _punctuation_kinds(query_key: str, stored_key: str) -> list[str]:
    """Which punctuation-level differences separate keys whose `formal_key`s are equal: the same marks with other
    spaces around them; a final full stop missing or extra (and perhaps those spaces); or other marks."""
    ours, theirs = _form_marks(query_key), _form_marks(stored_key)
    if ours == theirs:
        return [PUNCTUATION_SPACING] if query_key != stored_key else []
    if query_key.rstrip().endswith("."):
        ours = ours[:-1]
    if stored_key.rstrip().endswith("."):
        theirs = theirs[:-1]
    if ours != theirs:
        return [PUNCTUATION_MARKS]
    spacing = _without_final_stop(query_key) != _without_final_stop(stored_key)
    return [PUNCTUATION_SPACING, FINAL_STOP] if spacing else [FINAL_STOP]


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
    #: The clitics set aside in the word comparison that one segment has and the other lacks (`و+اكل`).
    clitics: tuple[str, ...] = ()
    #: Whether C and W were taken with the numbers masked (the numbers were substituted).
    numbers_masked: bool = False

    def describe(self) -> str:
        """One line such as `base 100.0 (chars 100.0, words 100.0) − diacritics differ 1 = 99`."""
        details = f"chars {self.char_similarity:.1f}, words {self.word_similarity:.1f}"
        if self.numbers_masked:
            details += ", numbers masked"
        if self.clitics:
            details += f"; clitics set aside: {', '.join(self.clitics)}"
        text = f"base {self.base:.1f} ({details})"
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


@functools.lru_cache(maxsize=1024)
def _spelling_blind(normalizer: Normalizer, plain: str) -> str:
    """A text's formal key with the Arabic spelling folds on: kept, as a lookup compares the same query (and
    stored copies of one segment) with many candidates."""
    return formal_key(loose_normalizer(normalizer)(plain))


def _formal_kinds(query: str, stored: str, normalizer: Normalizer) -> list[Step]:
    """Which kinds of formal difference separate two texts whose formal keys are equal (each one a step explains):
    those whose step, left out, leaves the formal keys unequal, or more form marks apart (`؟` against `?`, which
    the formal keys leave out)."""
    apart = _marks_apart(normalizer(query), normalizer(stored))
    kinds = []
    for kind in FORMAL_KINDS:
        ours, theirs = normalizer.apply(query, skip=frozenset({kind})), normalizer.apply(stored, skip=frozenset({kind}))
        if formal_key(ours) != formal_key(theirs) or _marks_apart(ours, theirs) > apart:
            kinds.append(kind)
    return kinds


def char_similarity(query_key: str, stored_key: str) -> float:
    return float(fuzz.ratio(query_key, stored_key))


@functools.lru_cache(maxsize=PAIR_CACHE)
def word_similarity(query_words: tuple[str, ...], stored_words: tuple[str, ...], *, arabic: bool = False) -> float:
    """W of point 3 over `key_words`; for Arabic, lone proclitics are first set aside (`paired_stems`)."""
    if not query_words and not stored_words:
        return 100.0
    if arabic:
        query_words, stored_words = paired_stems(query_words, stored_words)
    return 100.0 * float(Levenshtein.normalized_similarity(query_words, stored_words))


def agreement_changes(substitutions: tuple[Substitution, ...], target: Segment) -> list[str]:
    """The substituted numbers whose counted noun changes form in the target's language (`5→25: 3–10 → 11–99`)."""
    arabic = has_arabic(target.plain)
    changes = []
    for substitution in substitutions:
        old = counted_noun_class(number_value(substitution.old), arabic=arabic)
        new = counted_noun_class(number_value(substitution.new), arabic=arabic)
        if old != new:
            changes.append(f"{substitution.old}→{substitution.new}: {old} → {new}")
    return changes


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
    clitics: tuple[str, ...] = ()
    numbers_masked = False
    same_key = query.key == stored.key
    formal_only = same_key or formal_key(query.key) == formal_key(stored.key)
    spelling_only = False
    if not formal_only and normalizer.arabic:
        spelling_only = _spelling_blind(normalizer, query.plain) == _spelling_blind(normalizer, stored.plain)
    if formal_only or spelling_only:
        char = word = base = EXACT
        if query.plain != stored.plain:
            used = loose_normalizer(normalizer) if spelling_only else normalizer
            reasons = [FORMAL_KINDS[k] for k in _formal_kinds(query.plain, stored.plain, used)]
            reasons += _punctuation_kinds(used(query.plain), used(stored.plain))
            if spelling_only:
                points = FORMAL_PENALTY * len(reasons) + SPELLING_VARIANT_PENALTY
                reasons.append(SPELLING_VARIANTS)
            else:
                reasons = reasons or [OTHER_FORMAL_DIFFERENCES]
                points = FORMAL_PENALTY * len(reasons)
            penalties.append(Penalty("; ".join(reasons), min(points, FORMAL_PENALTY_CAP)))
    else:
        char = char_similarity(query.key, stored.key)
        word = word_similarity(query.words, stored.words, arabic=normalizer.arabic)
        if normalizer.arabic:
            clitics = clitics_set_aside(query.key, stored.key)
        base = CHAR_WEIGHT * char + WORD_WEIGHT * word
        if base > FUZZY_CAP:
            penalties.append(Penalty("wording differs (fuzzy matches stop at 94)", base - FUZZY_CAP))
        if target is not None and mask_numbers(query.key) == mask_numbers(stored.key):
            result = substitute_numbers(query.plain, stored.plain, target)
            if result is not None:
                adapted, substitutions = result
                # The keys are equal with the numbers masked: that is the similarity shown.
                char = word = base = EXACT
                numbers_masked, clitics = True, ()
                penalties.clear()
                changed = ", ".join(f"{s.old}→{s.new}" for s in substitutions)
                penalties.append(Penalty(f"numbers substituted ({changed})", NUMBER_SUBSTITUTION_PENALTY))
                agreement = agreement_changes(substitutions, target)
                if agreement:
                    penalties.append(
                        Penalty(f"the counted noun must change form ({'; '.join(agreement)})", NUMBER_AGREEMENT_PENALTY)
                    )
    tag_difference = (
        sum(((query.codes - stored.codes) + (stored.codes - query.codes)).values())
        if query.codes or stored.codes
        else 0  # (most segments hold no code: four Counters made for nothing cost more than the rest of this line)
    )
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
    breakdown = Breakdown(char, word, base, tuple(penalties), in_context, normalizer.signature, clitics, numbers_masked)
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
