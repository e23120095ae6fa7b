"""The data model of a translation memory: units, language variants, segments with inline markup, statuses."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

from tmkit.memory.langtags import ALL_LANGUAGES, LanguageFit, lang_key, lang_matches, language_fit

#: Python frames a deeply nested segment may need: inline elements nest as deep as libxml2 reads (256 levels, past
#: which the readers refuse the file), and the model's generated reprs (merge digests units by them) and its walks
#: take a few frames a level. At the default limit of 1,000 a segment of 250 levels of <hi>, which validate accepts,
#: made merge, export and the merge driver an internal error (RecursionError).
NESTING_FRAMES = 10_000
if sys.getrecursionlimit() < NESTING_FRAMES:
    sys.setrecursionlimit(NESTING_FRAMES)

#: TMX has no segment status; tmkit carries it in these TU-level props.
STATUS_PROP = "x-tmkit-status"
REJECTED_PROP = "x-tmkit-rejected"
#: Why a reviewer rejected the unit, for the translator (memoQ's and Trados's rejection comment): kept while the unit
#: is rejected and once the translator confirms it again, for the reviewer's next pass; a reviewer's approval settles it
#: (`rejection_reason`, `set_rejection_reason`).
REJECTION_REASON_PROP = "x-tmkit-rejection-reason"
#: Where a pre-translated target came from: the match % and the memory entry (or `repetition:N`, `document`). They
#: describe that draft only: once the target is changed, they no longer hold, and the working file drops them.
MATCH_PROP = "x-tmkit-match"
ORIGIN_PROP = "x-tmkit-origin"
PROVENANCE_PROPS = frozenset({MATCH_PROP, ORIGIN_PROP})
#: The target a segment was pre-translated with (a match's text, plain), kept when the target is changed: what a
#: reviewer compares the translation with (the editor's Alt+V) and post-editing effort is measured against.
PRETRANSLATION_PROP = "x-tmkit-pretranslation"
#: The match that pre-translation was, kept when the target is changed (`MATCH_PROP` is not): its % and where it came
#: from, as `87 memory.tmx#12` (`pretranslation_match`). A document that records it (a Trados return) gives an edited
#: match as the segment's previous origin.
PRETRANSLATION_MATCH_PROP = "x-tmkit-pretranslation-match"
#: A unit not to be translated (XLIFF `translate="no"`, which TMX has no attribute for), with the value `no`. XLIFF
#: gets it back as the attribute; `qa` and `score` leave such units out (`not_to_translate`).
TRANSLATE_PROP = "x-tmkit-translate"
#: The header prop of a working file that records the document version its units were cut from
#: (`tmkit.jobs.source_text.document_fingerprint`); a merge of two files that record different ones drops it.
DOCUMENT_PROP = "x-tmkit-document"

#: Tags of inline elements that stand for native codes (formatting, placeholders) in TMX 1.4b.
CODE_TAGS = frozenset({"bpt", "ept", "it", "ph", "ut"})
#: All inline elements TMX 1.4b allows inside `<seg>` (and `sub` inside codes).
INLINE_TAGS = CODE_TAGS | {"hi", "sub"}


class Status(StrEnum):
    """Where a segment stands in the translation workflow, in order of progress."""

    NEW = "new"
    DRAFT = "draft"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    FINAL = "final"

    @property
    def rank(self) -> int:
        """Position in the workflow: NEW is 0, FINAL is 4."""
        return _STATUS_ORDER.index(self)


_STATUS_ORDER = list(Status)


@dataclass(frozen=True, slots=True)
class Prop:
    """A `<prop>`: a typed piece of tool data; the same type may repeat, so props are kept in a list."""

    type: str
    value: str
    lang: str | None = None
    extra_attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    """A `<note>`: free text a person wrote about a header, unit or variant."""

    text: str
    lang: str | None = None
    extra_attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Inline:
    """An inline element inside a segment (`bpt`, `ept`, `it`, `ph`, `hi`, `ut`, `sub`, or foreign markup).

    ``content`` holds text and nested elements in document order: for codes it is the escaped
    native code (with any `sub` flows), for `hi` the highlighted translatable text.
    """

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    content: tuple[Content, ...] = ()

    def get(self, name: str, default: str | None = None) -> str | None:
        """The value of attribute ``name``."""
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    @property
    def is_code(self) -> bool:
        """Whether this element stands for a native code rather than translatable text."""
        return self.tag in CODE_TAGS


Content: TypeAlias = str | Inline


def _plain(content: tuple[Content, ...], out: list[str], placeholders: bool, counter: list[int]) -> None:
    for part in content:
        if isinstance(part, str):
            out.append(part)
        elif part.tag == "hi" or part.tag not in INLINE_TAGS:
            # Highlights and unknown wrappers mark up translatable text: keep what they hold.
            _plain(part.content, out, placeholders, counter)
        elif part.tag == "sub":
            continue  # a sub-flow is a separate text, not part of this sentence
        elif placeholders:
            counter[0] += 1
            out.append(code_placeholder(part, counter[0]))


def code_placeholder(code: Inline, number: int) -> str:
    """The placeholder of a segment's ``number``-th code (counted from 1): the one numbering tmkit shows.

    The code's own `i` (paired codes) or `x` names it when it has one, else its number: `{1}` opens
    (`bpt`, an `it` that begins), `{/1}` closes (`ept`, an `it` with `pos="end"`), `{2/}` stands alone.
    """
    ident = code.get("i") or code.get("x") or str(number)
    if code.tag == "bpt" or (code.tag == "it" and code.get("pos") != "end"):
        return "{" + ident + "}"
    if code.tag in ("ept", "it"):
        return "{/" + ident + "}"
    return "{" + ident + "/}"


def _iter_codes(content: tuple[Content, ...]) -> Iterator[Inline]:
    for part in content:
        if isinstance(part, Inline):
            if part.is_code:
                yield part
            elif part.tag != "sub":
                yield from _iter_codes(part.content)


def normalize_content(parts: list[Content] | tuple[Content, ...]) -> tuple[Content, ...]:
    """Join adjacent text runs and drop empty ones, so equal segments compare equal."""
    out: list[Content] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + part
                continue
        out.append(part)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Segment:
    """The content of a `<seg>`: text and inline markup, whitespace exactly as written."""

    content: tuple[Content, ...] = ()

    @classmethod
    def from_text(cls, text: str) -> Segment:
        """A segment of plain text without markup."""
        return cls((text,) if text else ())

    @property
    def plain(self) -> str:
        """The translatable text with every code removed (what a reader sees)."""
        if len(self.content) == 1 and isinstance(self.content[0], str):
            return self.content[0]
        out: list[str] = []
        _plain(self.content, out, False, [0])
        return "".join(out)

    def placeholder_text(self) -> str:
        """The text with each code as a placeholder: `{1}` opens, `{/1}` closes, `{2/}` stands alone."""
        out: list[str] = []
        _plain(self.content, out, True, [0])
        return "".join(out)

    @property
    def has_markup(self) -> bool:
        """Whether the segment holds any inline element."""
        return any(isinstance(part, Inline) for part in self.content)

    def codes(self) -> list[Inline]:
        """The native-code elements in order, including those inside highlights."""
        return list(_iter_codes(self.content))

    @property
    def is_empty(self) -> bool:
        """Whether the segment has no text other than white space."""
        return not self.plain.strip()


@dataclass(slots=True)
class Variant:
    """A `<tuv>`: the segment in one language, with its own props, notes and dates."""

    lang: str
    segment: Segment = field(default_factory=Segment)
    props: list[Prop] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    creation_date: str | None = None
    creation_id: str | None = None
    change_date: str | None = None
    change_id: str | None = None
    usage_count: str | None = None
    last_usage_date: str | None = None
    #: Every other attribute (standard ones such as `o-encoding` and foreign ones) in file order.
    extra_attrs: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The plain text of the segment."""
        return self.segment.plain


@dataclass(slots=True)
class TranslationUnit:
    """A `<tu>`: one sentence (or other segment) in several languages, with its status."""

    variants: list[Variant] = field(default_factory=list)
    tuid: str | None = None
    status: Status = Status.TRANSLATED
    rejected: bool = False
    #: A status value another tool wrote that tmkit does not know (e.g. `x-signed-off`); written
    #: back unchanged while ``status`` stays DRAFT, the status tmkit reads it as.
    status_label: str | None = None
    srclang: str | None = None
    props: list[Prop] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    creation_date: str | None = None
    creation_id: str | None = None
    change_date: str | None = None
    change_id: str | None = None
    usage_count: str | None = None
    last_usage_date: str | None = None
    extra_attrs: dict[str, str] = field(default_factory=dict)
    #: Line of the `<tu>` start tag in the file it was read from (not part of equality).
    line: int | None = field(default=None, compare=False)

    def variants_in(self, lang: str, *, region_fallback: bool = False) -> list[Variant]:
        """Every variant in language ``lang`` (a TU may hold two of one language), best fit first.

        With ``region_fallback`` the exact tag comes first (`ES_BO` for `es-bo`), then the bare
        language or region (`es`), then other regions (`es-ES`), each group in file order.
        """
        if not region_fallback:
            return [v for v in self.variants if lang_matches(v.lang, lang)]
        fits = [(language_fit(v.lang, lang), v) for v in self.variants]
        ranked = sorted((pair for pair in fits if pair[0] is not LanguageFit.OTHER), key=lambda pair: -pair[0])
        return [v for _, v in ranked]

    def variant(self, lang: str, *, region_fallback: bool = False) -> Variant | None:
        """The first variant in language ``lang``, the exact tag preferred over a regional fallback."""
        for v in self.variants:  # the exact tag first, without ranking: the common case, and a hot path
            if lang_matches(v.lang, lang):
                return v
        if not region_fallback:
            return None
        found = self.variants_in(lang, region_fallback=True)
        return found[0] if found else None

    def pair(self, source: str, target: str, *, region_fallback: bool = True) -> tuple[Variant | None, list[Variant]]:
        """The source variant and every target variant (best fit first) for the pair ``source`` → ``target``.

        A variant is never its own translation: with `en-US` → `en-GB` on a unit holding only `en-US`
        the region fallback would otherwise pair the `en-US` text with itself. So a variant is taken
        for a side only when its tag fits that side better than the other (`language_fit`): for
        `ar` → `en` any Arabic and any English variant, for `en-US` → `en-GB` only those two tags.
        """
        # A variant serves one side only if it fits that side better than the other: `en-US` is no
        # `en-GB` translation, and with `en-US` → `en-GB` a bare `en` (or `en-AU`) fits both alike.
        # One pass, as this runs for every unit a conversion writes.
        src: Variant | None = None
        src_fit = LanguageFit.OTHER
        ranked: list[tuple[LanguageFit, Variant]] = []
        for v in self.variants:
            as_source, as_target = language_fit(v.lang, source), language_fit(v.lang, target)
            if as_source > as_target and as_source > src_fit and (region_fallback or as_source is LanguageFit.EXACT):
                src, src_fit = v, as_source
            elif as_target > as_source and (region_fallback or as_target is LanguageFit.EXACT):
                ranked.append((as_target, v))
        ranked.sort(key=lambda pair: -pair[0])  # stable: equal fits stay in file order
        targets = [v for _, v in ranked]
        return src, targets

    def source_lang(self, header_srclang: str | None) -> str | None:
        """The source language that applies to this unit: its own `srclang`, else the header's."""
        lang = self.srclang or header_srclang
        return None if lang is None or lang == ALL_LANGUAGES else lang

    def prop_value(self, prop_type: str) -> str | None:
        """The value of the unit's first prop of type ``prop_type`` (None: it has none)."""
        for prop in self.props:
            if prop.type == prop_type:
                return prop.value
        return None

    def set_status(self, status: Status) -> None:
        """Move the unit to ``status``, forgetting any foreign status label."""
        self.status = status
        self.status_label = None

    def languages(self) -> list[str]:
        """Comparison keys of the languages present, in order, without repeats."""
        return list(dict.fromkeys(lang_key(v.lang) for v in self.variants))


def pretranslated_match(unit: TranslationUnit) -> float | None:
    """The match % a unit's target was pre-translated from (`MATCH_PROP`), while the target is still that draft (the
    working file drops the prop when the target changes); None without one, or one another tool wrote otherwise."""
    value = unit.prop_value(MATCH_PROP)
    try:
        found = float(value) if value is not None else None
    except ValueError:
        return None
    return found if found is not None and math.isfinite(found) and 0 <= found <= 101 else None


def pretranslation_match(unit: TranslationUnit) -> tuple[float, str] | None:
    """The % and the origin (`memory#tuid`) of the match the unit was pre-translated with (`PRETRANSLATION_MATCH_PROP`),
    edited since or not; None: it was not, or the prop is not tmkit's."""
    value = unit.prop_value(PRETRANSLATION_MATCH_PROP) or ""
    score, _, origin = value.partition(" ")
    try:
        found = float(score)
    except ValueError:
        return None
    return (found, origin) if math.isfinite(found) and 0 <= found <= 101 else None


def pretranslation(unit: TranslationUnit) -> str | None:
    """The target the unit was pre-translated with (`PRETRANSLATION_PROP`), or None: it was not (or not by tmkit)."""
    return unit.prop_value(PRETRANSLATION_PROP)


def provenance_holds(target: Segment | None, described: Segment | None) -> bool:
    """Whether a unit's `PROVENANCE_PROPS` still say where its target came from: they describe one draft
    (``described``, the target they came with) and hold while the target is that one, not once it is another (an
    edit, another match put in its place) or gone. The one rule for the editor and for XLIFF read back."""
    return target is not None and target == described


def rejection_reason(unit: TranslationUnit) -> str:
    """Why a reviewer rejected the unit last (`REJECTION_REASON_PROP`), rejected still or confirmed since and not yet
    approved; "" when no reason is pending."""
    value = unit.prop_value(REJECTION_REASON_PROP)
    return value.strip() if value else ""


def set_rejection_reason(unit: TranslationUnit, reason: str) -> None:
    """Give the unit ``reason`` as why it was rejected ("": none; the prop goes)."""
    props = [p for p in unit.props if p.type != REJECTION_REASON_PROP]
    unit.props = [*props, Prop(REJECTION_REASON_PROP, reason)] if reason.strip() else props


def not_to_translate(unit: TranslationUnit) -> bool:
    """Whether the unit is marked not to be translated (`TRANSLATE_PROP` is `no`)."""
    value = unit.prop_value(TRANSLATE_PROP)
    return value is not None and value.strip().lower() == "no"


def without_provenance(props: list[Prop]) -> list[Prop]:
    """``props`` less the `PROVENANCE_PROPS`, for a target they no longer describe."""
    return [p for p in props if p.type not in PROVENANCE_PROPS]


@dataclass(frozen=True, slots=True)
class RawElement:
    """An element kept only to be written back, such as `<ude>` and its `<map>` children."""

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    children: tuple[RawElement, ...] = ()


@dataclass(slots=True)
class Header:
    """The `<header>` of a TMX document."""

    srclang: str = "ar"
    adminlang: str = "en"
    segtype: str = "sentence"
    datatype: str = "plaintext"
    o_tmf: str = "tmkit"
    #: The tool that wrote the file read; when tmkit writes, it names itself instead.
    creationtool: str = "tmkit"
    creationtoolversion: str = ""
    creation_date: str | None = None
    creation_id: str | None = None
    change_date: str | None = None
    change_id: str | None = None
    props: list[Prop] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    udes: list[RawElement] = field(default_factory=list)
    extra_attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Memory:
    """A translation memory: a header and its units in file order."""

    header: Header = field(default_factory=Header)
    units: list[TranslationUnit] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.units)

    def __iter__(self) -> Iterator[TranslationUnit]:
        return iter(self.units)

    def languages(self) -> dict[str, int]:
        """Variants per language (comparison key), most frequent first."""
        counts: dict[str, int] = {}
        for tu in self.units:
            for v in tu.variants:
                key = lang_key(v.lang)
                counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def pairs(
        self, source: str, target: str, *, region_fallback: bool = True
    ) -> Iterator[tuple[TranslationUnit, Variant, Variant]]:
        """Units holding both languages, with their source and target variants (see `TranslationUnit.pair`).

        A unit with two translations (two target variants) gives one pair for each, the best-fitting
        tag first, so no translation is lost; a variant is never paired with itself.
        """
        for tu in self.units:
            src, targets = tu.pair(source, target, region_fallback=region_fallback)
            if src is not None:
                for tgt in targets:
                    yield tu, src, tgt
