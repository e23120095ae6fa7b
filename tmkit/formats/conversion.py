"""A memory converted as a stream: its header first, the language pair a table or XLIFF holds, what that leaves out."""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from tmkit.memory.langtags import canonical_tag, lang_key, lang_matches, other_language, primary_subtag, same_language
from tmkit.memory.model import Header, Note, Prop, TranslationUnit


class UnitSource(Protocol):
    """A reader of units whose header is known once the first unit is read (`TmxReader`, a database's)."""

    header: Header | None

    def __iter__(self) -> Iterator[TranslationUnit]: ...


def header_and_units(reader: UnitSource) -> tuple[Header, Iterator[TranslationUnit]]:
    """The header of ``reader`` and its units, still to be read: a writer can start before the body is read.

    The first unit is read to get there (the header precedes it), then handed back first.
    """
    units = iter(reader)
    first = next(units, None)
    if reader.header is None:  # a reader fills it in before its first unit, or at the end of an empty memory
        raise ValueError("the reader gave no header")
    return reader.header, units if first is None else itertools.chain((first,), units)


def tmx_languages(
    path: str | os.PathLike[str],
    *,
    skip_invalid: bool = False,
    repair: bool = False,
    on_unit: Callable[[str | None], None] | None = None,
) -> dict[str, int]:
    """Variants per language (comparison key) of a TMX file, most frequent first: `Memory.languages` of it.

    A counting pass (`TmxCounter`, no unit objects), so that a conversion can choose its target
    language without holding the memory; it reads the units that the reader with the same
    options would give (``on_unit`` is called with the tuid of each, in order: `TuidSpill.add`).
    """
    from tmkit.formats.tmx_counts import TmxCounter

    counter = TmxCounter(path, skip_invalid=skip_invalid, repair=repair, on_unit=on_unit)
    stats = counter.count()
    counts = ((key, counts.segments) for key, counts in stats.languages.items())
    return dict(sorted(counts, key=lambda item: (-item[1], item[0])))


class TuidSpill:
    """The tuids of a memory's units in order (None for a unit without one), kept in an unnamed temporary file beside
    the output (bounded memory at any size) until read back, as a first pass hands them to XLIFF's id plan."""

    _NONE = 0xFFFFFFFF  # the length that says "no tuid"

    def __init__(self, *, folder: str | None = None) -> None:
        # Each tuid as its length (4 bytes) and its UTF-8; `_NONE` for none.
        try:
            self._file = tempfile.TemporaryFile(dir=folder, buffering=1 << 16)  # noqa: SIM115 (closed by close)
        except OSError:
            if folder is None:
                raise
            # A folder that cannot be written is the output's to report, naming it (this named a temporary file
            # no one asked for): the system's temporary folder holds the tuids meanwhile.
            self._file = tempfile.TemporaryFile(buffering=1 << 16)  # noqa: SIM115 (closed by close)

    def add(self, tuid: str | None) -> None:
        if tuid is None:
            self._file.write(self._NONE.to_bytes(4, "big"))
        else:
            data = tuid.encode("utf-8", "surrogatepass")
            self._file.write(len(data).to_bytes(4, "big") + data)

    def __iter__(self) -> Iterator[str | None]:
        """The tuids added, from the first (one reading at a time; nothing may be added after)."""
        self._file.seek(0)
        while head := self._file.read(4):
            size = int.from_bytes(head, "big")
            yield None if size == self._NONE else self._file.read(size).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> TuidSpill:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def default_target_language(languages: dict[str, int], source_lang: str) -> str:
    """The target a conversion of a memory with ``languages`` (variants per language) defaults to.

    The memory's most frequent language other than the source's (an English-source memory converts
    to its Arabic, not to English again), else its most frequent other region of the source's language (an
    en-US memory of en-GB translations converts to en-GB: it had defaulted to Arabic, and every translation was
    dropped), else tmkit's other language (`other_language`).
    """
    source_primary = primary_subtag(source_lang)
    by_count = sorted(languages, key=lambda key: -languages[key])  # stable: ties keep file order
    for lang in by_count:
        if primary_subtag(lang) != source_primary:
            return canonical_tag(lang)  # (counted by comparison key: `en-gb` is written en-GB)
    for lang in by_count:
        if not same_language(source_lang, lang):
            return canonical_tag(lang)
    return other_language(source_lang)


@dataclass(slots=True)
class PairSurvey:
    """What writing one language pair of a memory leaves out, so the conversion can say so."""

    source_lang: str
    target_lang: str
    #: Variants per language (comparison key) in neither language of the pair.
    other_languages: dict[str, int] = field(default_factory=dict)
    #: Units without a source variant (nothing to write for them).
    without_source: int = 0
    #: Units with two or more translations (target variants).
    several_translations: int = 0
    #: Units with a prop that has attributes (`xml:lang`, `o-encoding`…) or a note that has attributes other than
    #: `xml:lang`, in the unit or its variants written: XLIFF keeps the prop or note, not those attributes.
    attributed_props_or_notes: int = 0
    #: Whether the header has such a prop or note.
    attributed_header: bool = False

    def add(self, unit: TranslationUnit) -> None:
        """Count what writing ``unit``'s pair leaves out of it."""
        src, targets = unit.pair(self.source_lang, self.target_lang)
        if src is None:
            self.without_source += 1
        if len(targets) > 1:
            self.several_translations += 1
        written = [v for v in (src, targets[0] if targets else None) if v is not None]
        if _attributed(unit.props, unit.notes) or any(_attributed(v.props, v.notes) for v in written):
            self.attributed_props_or_notes += 1
        for variant in unit.variants:
            if not (
                lang_matches(variant.lang, self.source_lang, region_fallback=True)
                or lang_matches(variant.lang, self.target_lang, region_fallback=True)
            ):
                key = lang_key(variant.lang)
                self.other_languages[key] = self.other_languages.get(key, 0) + 1

    def add_header(self, header: Header) -> None:
        """Count what writing the memory's ``header`` leaves out of it."""
        self.attributed_header = _attributed(header.props, header.notes)

    def passing(self, units: Iterable[TranslationUnit]) -> Iterator[TranslationUnit]:
        """``units`` as they come, each counted on its way to the writer (nothing kept)."""
        for unit in units:
            self.add(unit)
            yield unit

    def notices(
        self, *, one_translation_per_unit: bool, keeps_units_without_source: bool, keeps_props: bool = False
    ) -> list[str]:
        """One line for each thing left out or changed.

        ``one_translation_per_unit``: the output keeps only a unit's first translation (XLIFF);
        ``keeps_units_without_source``: it still writes a unit lacking the source (XLIFF, with an empty source);
        ``keeps_props``: it keeps props and notes, not their attributes but a note's language (XLIFF).
        """
        out: list[str] = []
        if self.other_languages:
            listed = ", ".join(f"{lang} ({count})" for lang, count in self.other_languages.items())
            out.append(
                f"{self.source_lang} → {self.target_lang} written; variants in {listed} are not "
                "(the output holds one language pair: choose it with --src/--tgt)"
            )
        if self.without_source:
            done = "are written with an empty source" if keeps_units_without_source else "are not written"
            out.append(f"{self.without_source} units without a {self.source_lang} variant {done}")
        if self.several_translations and one_translation_per_unit:
            out.append(
                f"{self.several_translations} units have more than one {self.target_lang} translation: "
                "only the first (the best-fitting tag) is written"
            )
        if (self.attributed_props_or_notes or self.attributed_header) and keeps_props:
            whose = [f"{self.attributed_props_or_notes} units"] if self.attributed_props_or_notes else []
            whose += ["the header"] if self.attributed_header else []
            out.append(
                f"props or notes of {' and of '.join(whose)} have attributes XLIFF has no place for "
                "(a prop's xml:lang, o-encoding…): written without them"
            )
        return out


def _attributed(props: list[Prop], notes: list[Note]) -> bool:
    """Whether a prop has attributes beside its type, or a note beside its language."""
    return any(p.lang is not None or p.extra_attrs for p in props) or any(n.extra_attrs for n in notes)
