"""Term recognition in a segment: every termbase term found word by word, Arabic with clitics, English with plurals.

A text and the terms are cut into words the same way and each word normalized (`ar-v1` with the
yeh and hamza folds for Arabic, `en-v1` for English). A text word then stands for a
few *candidate forms*, and a term matches where each of its words is a candidate form of the
text word in its place:

- Arabic: the word itself and the word without its proclitics — a conjunction (و ف), then a
  preposition (ب ك ل), then the article (ال), or لل (ل + ال) — each left with at least
  `MIN_ARABIC_STEM` letters, or with two where the article was among them (`الدم`, `للدم` and
  `بالدم` hold the term `دم`; see `short_article_stem`); and, for stems of at least
  `MIN_ARABIC_SUFFIX_STEM` letters, without a dual or sound plural ending (ان ين ون ات, with ة
  restored: لجنتين → لجنة, حكومات → حكومة). A term word is indexed with and without its own
  article, so `باللجنة` finds `لجنة` and `اللجنة`. A final ه is
  read as ة (as web texts often write it) only after the article: `الدوره` is `الدورة`, but
  `بدوره` ("in his turn", ب + دور + ه) is not `دورة`. A term word is also indexed in the other
  cases of its sound masculine plural or dual ending (see `other_case_forms`), so the term
  `المتظاهرون` finds `المتظاهرين`; not the singular `المتظاهر`: a plural term stands for the plural.
- English: the word case-folded, without a possessive `'s`, and with a plural ending folded
  (`-ies` → `-y`, `-es`, `-s`, never `-ss`), each left with at least `MIN_ENGLISH_STEM` letters.

Words are whole words: a term never matches inside a longer word, and the words of a multi-word
term must follow each other with nothing but spaces, hyphens or slashes between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tmkit.memory.langtags import is_arabic_language, lang_matches
from tmkit.terms.model import Concept, Term, TermStatus
from tmkit.text.arabic import article_stem, hamza_on_article_alef
from tmkit.text.normalize import Normalizer

if TYPE_CHECKING:
    from tmkit.terms.model import Termbase

#: Letters a stripped Arabic word keeps at least: fewer would let clitic letters eat the root.
MIN_ARABIC_STEM = 3
#: Letters an Arabic stem keeps at least when a dual or plural ending is folded (لبنان is not لبن).
MIN_ARABIC_SUFFIX_STEM = 4
#: Letters an English word keeps at least when a plural or possessive ending is folded.
MIN_ENGLISH_STEM = 3

#: A word: letters and digits with the marks, tatweel and invisible joiners that may stand inside it,
#: and an English possessive.
_WORD_RE = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c-\u200f]+(?:['’][sS](?![\w]))?")
#: What may separate the words of one multi-word term in a text (no sentence punctuation).
_JOINERS = " \t\u00a0\u202f-‐‑–—/\u200e\u200f\u061c"

_ARABIC_LETTER_RE = re.compile("[\u0620-\u064a\u066e-\u06d3]")
_CONJUNCTIONS = "وف"
_PREPOSITIONS = "بكل"
_ARTICLE = "ال"
_ARABIC_ENDINGS = ("ان", "ين", "ون", "ات")
#: Each case ending of the sound masculine plural (ون nominative, ين accusative and genitive) and of the dual
#: (ان, ين) with the endings of the other cases. ين is the plural's and the dual's alike, so it stands for both
#: nominatives. The feminine plural's ات is one ending in every case; ـو and ـي before a pronoun are not read.
_CASE_ENDINGS = {"ون": ("ين",), "ان": ("ين",), "ين": ("ون", "ان")}


def arabic_normalizer() -> Normalizer:
    """The normalizer Arabic terms and texts are compared with."""
    return Normalizer("ar", fold_yeh=True, fold_hamza=True)


def normalizer_for(lang: str) -> Normalizer:
    return arabic_normalizer() if is_arabic_language(lang) else Normalizer(lang)


def arabic_forms(word: str, *, written: str | None = None, short_stem: bool = True) -> list[str]:
    """A normalized Arabic word and the forms it may stand for without its proclitics and ending.

    ``written`` is the word as the text writes it, whose hamza the key has lost; with ``short_stem`` the
    forms hold the two letters after an article (see `short_article_stem`).
    """
    forms = [word]
    after_conjunction = [word]
    if word[:1] in _CONJUNCTIONS and len(word) - 1 >= MIN_ARABIC_STEM:
        after_conjunction.append(word[1:])
    after_preposition = list(after_conjunction)
    for base in after_conjunction:
        if base[:1] in _PREPOSITIONS and len(base) - 1 >= MIN_ARABIC_STEM:
            after_preposition.append(base[1:])
        if base.startswith("لل") and len(base) - 2 >= MIN_ARABIC_STEM:
            after_preposition.append(base[2:])
            if base.endswith("ه"):  # لل holds the article, so a final ه is ة: للجنه is ل + اللجنة
                after_preposition += [base[1:-1] + "ة", base[2:-1] + "ة"]
    for base in after_preposition:
        forms.append(base)
        if base.startswith(_ARTICLE) and len(base) - 2 >= MIN_ARABIC_STEM:
            forms.append(base[2:])
            if base.endswith("ه"):  # with the article a final ه cannot be the pronoun: it is ة
                forms += [base[:-1] + "ة", base[2:-1] + "ة"]
    if short_stem and (short := short_article_stem(word, written)):
        forms.append(short)
    for base in list(forms):
        for ending in _ARABIC_ENDINGS:
            stem = base[: -len(ending)]
            if base.endswith(ending) and len(stem) >= MIN_ARABIC_SUFFIX_STEM:
                forms.append(stem)
                if stem.endswith("ت"):
                    forms.append(stem[:-1] + "ة")  # لجنتين → لجنة
                elif ending == "ات":
                    forms.append(stem + "ة")  # حكومات → حكومة
    return list(dict.fromkeys(forms))


def english_forms(word: str) -> list[str]:
    """A normalized English word and the forms it may stand for without a possessive or plural ending."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    forms = [word]
    if word.endswith("ies") and len(word) - 2 >= MIN_ENGLISH_STEM:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) - 2 >= MIN_ENGLISH_STEM:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) - 1 >= MIN_ENGLISH_STEM:
        forms.append(word[:-1])
    return forms


def short_article_stem(word: str, written: str | None = None) -> str | None:
    """The two letters a normalized Arabic word holds after its article (`الدم`, `وللدم`, `بالدم` → `دم`), if so.

    Shorter than the `MIN_ARABIC_STEM` the other proclitics must leave, because ال + two letters is a
    safe reading only where the two letters are a term's word: the form is looked up among the
    termbase's words, never taken for a word of its own (so `والدم` and `باليد` are read too, though
    free text would take them for `والد` father and `بالي` worn). A lone proclitic before two letters stays
    unread (`برد` cold, `ورد` roses, `فرد` individual, `وطن` homeland are words, not ب + `رد` …), and
    so does a word ``written`` with hamza on the article's alef (`ألحق` he attached, `آلام` pains).
    """
    stem = article_stem(word, stem_known=True)
    if stem == word or len(stem) >= MIN_ARABIC_STEM or (written is not None and hamza_on_article_alef(written)):
        return None
    return stem


def other_case_forms(word: str) -> list[str]:
    """A normalized Arabic word without its article in the other cases of its sound plural or dual ending.

    `متظاهرون` → `متظاهرين`, `جانبان` → `جانبين`, `مهندسين` → `مهندسون` and `مهندسان`. Nothing for a stem of
    fewer than `MIN_ARABIC_SUFFIX_STEM` letters, as when an ending is folded: there the two letters are as
    often the root's, and the other case is another word (`كمين` ambush / `كمون` cumin, `أمان` safety /
    `أمين` trustee, `حصان` horse / `حصين` fortified), so `عشرون` and `الآخرون` do not find `عشرين`, `الآخرين`.
    """
    if len(word) - 2 < MIN_ARABIC_SUFFIX_STEM:
        return []
    return [word[:-2] + other for other in _CASE_ENDINGS.get(word[-2:], ())]


def term_word_keys(word: str, *, written: str | None = None) -> frozenset[str]:
    """The forms a normalized term word is indexed under: for Arabic, with and without its article, in each case.

    ``written`` is the word as the term writes it (see `short_article_stem`).
    """
    if not _arabic_word(word):
        return frozenset({word[:-2] if word.endswith(("'s", "’s")) else word})
    keys = {word}
    if word.startswith(_ARTICLE) and len(word) - 2 >= MIN_ARABIC_STEM:
        keys.add(word[2:])
    if word.startswith("لل") and len(word) - 2 >= MIN_ARABIC_STEM:
        keys.add(word[2:])
    if short := short_article_stem(word, written):
        keys.add(short)
    # A plural or dual term in the case the sentence asks for is the term: term-missing must not send a
    # translator to write المتظاهرون after a preposition, and a forbidden plural is forbidden in every case.
    for key in list(keys):
        article = _ARTICLE if key.startswith(_ARTICLE) and key[2:] in keys else ""
        keys.update(article + other for other in other_case_forms(key[len(article) :]))
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a text: where it stands, its normalized form and the forms it may stand for."""

    start: int
    end: int
    key: str
    forms: frozenset[str]


def _arabic_word(key: str) -> bool:
    return _ARABIC_LETTER_RE.search(key) is not None


def split_words(text: str, normalizer: Normalizer, *, short_stems: bool = True) -> list[Word]:
    """The words of ``text`` with their spans and candidate forms (Arabic or English rules by the word's script).

    ``short_stems=False`` leaves out the two letters after an Arabic article, a reading safe only against a
    termbase's words (`short_article_stem`), for a caller that reads the text's words for their own sake.
    """
    words: list[Word] = []
    for match in _WORD_RE.finditer(text):
        key = normalizer(match.group())
        if not key:
            continue
        if _arabic_word(key):
            forms = arabic_forms(key, written=match.group(), short_stem=short_stems)
        else:
            forms = english_forms(key)
        words.append(Word(match.start(), match.end(), key, frozenset(forms)))
    return words


@dataclass(frozen=True, slots=True)
class TermHit:
    """A term found in a text: where (``start``–``end``, whole words), which term and concept, and its translations."""

    start: int
    end: int
    text: str
    term: Term
    concept: Concept
    translations: tuple[Term, ...]
    #: Whether every word stood as the term has it (`exact`) or with clitics, harakat or endings (`variant`).
    exact: bool

    @property
    def status(self) -> TermStatus:
        return self.term.effective_status

    @property
    def forbidden(self) -> bool:
        """Whether the term found is one to avoid (forbidden or superseded)."""
        return self.term.avoid

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "term": self.term.text,
            "lang": self.term.lang,
            "status": self.status.value,
            "concept": self.concept.id,
            "exact": self.exact,
            "translations": [
                {"text": t.text, "lang": t.lang, "status": t.effective_status.value} for t in self.translations
            ],
        }


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[frozenset[str], ...]
    keys: tuple[str, ...]
    term: Term
    concept: Concept
    translations: tuple[Term, ...]


class TermRecognizer:
    """Finds the ``source_lang`` terms of a termbase in texts; built once per termbase (see `Termbase.recognizer`).

    Terms are indexed by the forms of their first word, and multi-word terms by their first two
    words, so a text word leads only to the terms that can start there, however common the word.
    """

    def __init__(self, termbase: Termbase | Iterable[Concept], *, source_lang: str, target_lang: str | None = None):
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.normalizer = normalizer_for(source_lang)
        self._size = 0
        self._single: dict[str, list[_Entry]] = {}
        self._multi: dict[str, dict[str, list[_Entry]]] = {}
        concepts = termbase.concepts if hasattr(termbase, "concepts") else list(termbase)
        for concept in concepts:
            translations = tuple(concept.translations(target_lang)) if target_lang else ()
            for term in concept.terms:
                if lang_matches(term.lang, source_lang, region_fallback=True):
                    self._add(term, concept, translations)

    @property
    def signature(self) -> str:
        """The normalization terms and texts are compared under (`ar-v1+yeh+hamza`)."""
        return self.normalizer.signature

    def __len__(self) -> int:
        """How many terms the recognizer looks for."""
        return self._size

    def _add(self, term: Term, concept: Concept, translations: tuple[Term, ...]) -> None:
        written = [(self.normalizer(m.group()), m.group()) for m in _WORD_RE.finditer(term.text)]
        written = [(key, surface) for key, surface in written if key]
        if not written:
            return
        keys = tuple(key for key, _ in written)
        words = tuple(term_word_keys(key, written=surface) for key, surface in written)
        entry = _Entry(words, keys, term, concept, translations)
        self._size += 1
        for first in words[0]:
            if len(words) == 1:
                self._single.setdefault(first, []).append(entry)
                continue
            following = self._multi.setdefault(first, {})
            for second in words[1]:
                following.setdefault(second, []).append(entry)

    def _candidates(self, words: list[Word], index: int) -> Iterator[_Entry]:
        """The terms that may start at word ``index``: single words equal to it, longer terms by two words."""
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else None
        seen: set[int] = set()
        for form in word.forms:
            for entry in self._single.get(form, ()):
                if id(entry) not in seen:
                    seen.add(id(entry))
                    yield entry
            nested = self._multi.get(form) if following is not None else None
            if not nested or following is None:
                continue
            for second in following.forms:
                for entry in nested.get(second, ()):
                    if id(entry) not in seen:
                        seen.add(id(entry))
                        yield entry

    def recognize(self, text: str, *, overlapping: bool = True) -> list[TermHit]:
        """Every term in ``text``, by position (longer first at one position).

        With ``overlapping=False`` only the leftmost longest hits are kept, so a term inside a longer
        term found at the same place (`Commission` in `Joint Commission`) is left out.
        """
        words = split_words(text, self.normalizer)
        hits: list[TermHit] = []
        for index, word in enumerate(words):
            for entry in self._candidates(words, index):
                last = index + len(entry.words) - 1
                if last >= len(words) or not self._follows(text, words, index, entry):
                    continue
                exact = all(words[index + k].key == key for k, key in enumerate(entry.keys))
                start, end = word.start, words[last].end
                hits.append(TermHit(start, end, text[start:end], entry.term, entry.concept, entry.translations, exact))
        hits.sort(key=lambda h: (h.start, -(h.end - h.start), not h.exact))
        if overlapping:
            return hits
        kept: list[TermHit] = []
        reach = -1
        for hit in hits:
            if hit.start >= reach:
                kept.append(hit)
                reach = hit.end
        return kept

    @staticmethod
    def _follows(text: str, words: list[Word], index: int, entry: _Entry) -> bool:
        for offset in range(1, len(entry.words)):
            previous, word = words[index + offset - 1], words[index + offset]
            if not (word.forms & entry.words[offset]):
                return False
            if text[previous.end : word.start].strip(_JOINERS):
                return False
        return True
