"""The termbase model: concepts holding terms per language, each with status, part of speech, notes and dates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from tmkit.memory.langtags import lang_key, lang_matches

if TYPE_CHECKING:
    from tmkit.terms.recognize import TermRecognizer


class TermStatus(StrEnum):
    """How a term may be used (TBX `administrativeStatus`); an unset status reads as admitted."""

    PREFERRED = "preferred"
    ADMITTED = "admitted"
    FORBIDDEN = "forbidden"  # TBX deprecatedTerm
    SUPERSEDED = "superseded"  # TBX supersededTerm: replaced by a newer term, to be avoided too

    @property
    def avoid(self) -> bool:
        """Whether a translator must not use the term."""
        return self in (TermStatus.FORBIDDEN, TermStatus.SUPERSEDED)


@dataclass(frozen=True, slots=True)
class Extra:
    """A data category tmkit has no field for, kept as written so that nothing read is lost on writing.

    ``element`` is the TBX element (`descrip`, `termNote`, `admin`), ``type`` its type attribute.
    """

    element: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a concept in one language."""

    text: str
    lang: str
    status: TermStatus | None = None
    part_of_speech: str | None = None
    note: str | None = None
    definition: str | None = None
    source: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    extras: tuple[Extra, ...] = ()

    @property
    def effective_status(self) -> TermStatus:
        """The status that governs use: an unset status is admitted."""
        return self.status or TermStatus.ADMITTED

    @property
    def avoid(self) -> bool:
        return self.effective_status.avoid


def distinct_texts(terms: Iterable[Term]) -> list[Term]:
    """The first term of each text, in order: a concept that holds one term under two tags of a language (`police` in
    `en` and in `en-US`, from two termbases or an older `term add`) names it once, not "use 'police' or 'police'"."""
    seen: set[str] = set()
    kept: list[Term] = []
    for term in terms:
        if term.text not in seen:
            seen.add(term.text)
            kept.append(term)
    return kept


@dataclass(slots=True)
class Concept:
    """One concept: its terms in every language, with what is said of the concept as a whole."""

    id: str
    terms: list[Term] = field(default_factory=list)
    subject: str | None = None
    definition: str | None = None
    note: str | None = None
    #: Definitions given for one language of the concept (TBX `langSet`-level `descrip`), by language tag.
    language_definitions: dict[str, str] = field(default_factory=dict)
    extras: tuple[Extra, ...] = ()

    def terms_in(self, lang: str) -> list[Term]:
        """The concept's terms in ``lang`` (`ar` takes `ar-SA`), in their order."""
        return [t for t in self.terms if lang_matches(t.lang, lang, region_fallback=True)]

    def translations(self, lang: str) -> list[Term]:
        """The terms of ``lang`` a translator may use, preferred first, each text once."""
        usable = [t for t in self.terms_in(lang) if not t.avoid]
        return distinct_texts(sorted(usable, key=lambda t: t.effective_status is not TermStatus.PREFERRED))

    def languages(self) -> list[str]:
        return list(dict.fromkeys(t.lang for t in self.terms))

    def tag_for(self, lang: str) -> str:
        """The tag a new ``lang`` term of this concept goes under: the concept's own spelling of ``lang`` (`ar_SA`
        for `ar-SA`); for a bare language (`en`) the concept's one regional tag of it (`en-US`), as `terms_in` takes
        `ar-SA` for `ar`; else ``lang``. Added as `en` beside `en-US: police`, `police` was a second term."""
        held = list(dict.fromkeys(t.lang for t in self.terms_in(lang)))
        same = [tag for tag in held if lang_key(tag) == lang_key(lang)]
        if same:
            return same[0]
        if "-" not in lang_key(lang) and len(held) == 1:
            return held[0]
        return lang  # a region asked for is kept; two regions (en-US, en-GB) leave none to choose for `en`

    def merge_term(self, term: Term, *, set_status: bool = True) -> Term | None:
        """Put ``term`` into the concept: when the concept holds its text in its language already (under any tag of
        it, `en-US` for `en`), that term stays the one, its status set to ``term``'s if ``set_status``; else ``term``
        goes in under `tag_for` its language, after the concept's other terms of that tag. Returns the term added or
        changed, None when the concept already had it so. (The caller tells the termbase it `changed`.)"""
        for at, held in enumerate(self.terms):
            if held.text == term.text and lang_matches(held.lang, term.lang, region_fallback=True):
                if not set_status or held.status is term.status:
                    return None
                self.terms[at] = replace(held, status=term.status)
                return self.terms[at]
        added = replace(term, lang=self.tag_for(term.lang))
        same_tag = [at for at, held in enumerate(self.terms) if held.lang == added.lang]
        self.terms.insert(same_tag[-1] + 1 if same_tag else len(self.terms), added)
        return added

    def content(self) -> tuple[object, ...]:
        """What the concept says, without its id: two concepts with the same content are one concept twice."""
        definitions = tuple(sorted(self.language_definitions.items()))
        return (tuple(self.terms), self.subject, self.definition, self.note, definitions, self.extras)


@dataclass(eq=False, slots=True)
class Termbase:
    """Concepts in order, with a description; mutations go through methods so recognizers stay current."""

    concepts: list[Concept] = field(default_factory=list)
    #: The language the file names as its own (TBX `xml:lang` on the root), if any.
    lang: str | None = None
    description: str | None = None
    _version: int = 0
    _recognizers: dict[tuple[str, str | None, int], TermRecognizer] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Termbase):
            return NotImplemented
        return (self.concepts, self.lang, self.description) == (other.concepts, other.lang, other.description)

    __hash__ = None  # type: ignore[assignment]  # mutable: equal by content, never a dict key

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)

    def add(self, concept: Concept) -> Concept:
        """Add a concept (its id made unique if taken) and return it."""
        taken = {c.id for c in self.concepts}
        if not concept.id or concept.id in taken:
            concept.id = self.new_id()
        self.concepts.append(concept)
        self.changed()
        return concept

    def new_id(self) -> str:
        """An id no concept has: `c1`, `c2`, …"""
        taken = {c.id for c in self.concepts}
        number = len(self.concepts) + 1
        while f"c{number}" in taken:
            number += 1
        return f"c{number}"

    def extend(self, other: Termbase) -> int:
        """Add every concept of ``other`` this termbase does not hold already (the same terms, in order, and the same
        concept fields, whatever its id), ids made unique; return how many were added. Importing a termbase twice,
        or two that share concepts, would otherwise list each term twice in every lookup."""
        held = {concept.content() for concept in self.concepts}
        added = 0
        for concept in other.concepts:
            content = concept.content()
            if content in held:
                continue
            held.add(content)
            self.add(
                Concept(
                    concept.id,
                    list(concept.terms),
                    concept.subject,
                    concept.definition,
                    concept.note,
                    dict(concept.language_definitions),
                    concept.extras,
                )
            )
            added += 1
        return added

    def remove_concept(self, concept_id: str) -> Concept | None:
        """Take the concept ``concept_id`` out; None when there is none."""
        found = next((c for c in self.concepts if c.id == concept_id), None)
        if found is not None:
            self.concepts.remove(found)
            self.changed()
        return found

    def remove_term(self, text: str, lang: str | None = None) -> list[tuple[Concept, Term]]:
        """Take out every term written ``text`` (in ``lang``, `ar` taking `ar-SA`, or in any language), and the
        concepts left without a term; return what was taken out, each term with its concept."""
        removed: list[tuple[Concept, Term]] = []
        for concept in list(self.concepts):
            gone = [
                t
                for t in concept.terms
                if t.text == text and (lang is None or lang_matches(t.lang, lang, region_fallback=True))
            ]
            if not gone:
                continue
            concept.terms = [t for t in concept.terms if t not in gone]
            removed.extend((concept, t) for t in gone)
            if not concept.terms:
                self.concepts.remove(concept)
        if removed:
            self.changed()
        return removed

    def changed(self) -> None:
        """Tell the termbase its concepts changed (done by `add`; call it after editing a concept in place)."""
        self._version += 1
        self._recognizers.clear()

    def languages(self) -> list[str]:
        return list(dict.fromkeys(t.lang for c in self.concepts for t in c.terms))

    def without_terms_in(self, languages: Iterable[str]) -> list[str]:
        """The ``languages`` no concept has a term in (`ar` takes `ar-SA`, `en` takes `en-US`)."""
        return [lang for lang in languages if not any(concept.terms_in(lang) for concept in self.concepts)]

    def recognizer(self, source_lang: str, target_lang: str | None = None) -> TermRecognizer:
        """The recognizer of this termbase's ``source_lang`` terms, built once and kept until the termbase changes."""
        from tmkit.terms.recognize import TermRecognizer

        key = (source_lang, target_lang, self._version)
        found = self._recognizers.get(key)
        if found is None:
            found = TermRecognizer(self, source_lang=source_lang, target_lang=target_lang)
            self._recognizers[key] = found
        return found
