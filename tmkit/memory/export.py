"""Export for CAT tools: memories filtered by status, date and language pair into TMX level 1 or 2."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Defined in tmkit.defaults, where the CLI reads them without importing this module.
from tmkit.defaults import DEFAULT_DATE_FIELD, DEFAULT_LEVEL, EXPORT_MIN_STATUS, TMX_LEVELS, DateField
from tmkit.errors import InputError, ParameterError
from tmkit.memory.dates import parse_tmx_date
from tmkit.memory.digests import DIGEST_BYTES, DigestSet, RecordSort, digest, repeat_places, sorted_numbers
from tmkit.memory.langtags import ALL_LANGUAGES, lang_key, same_language
from tmkit.memory.merge import conflict_side, count_conflict_units
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant

#: Units less advanced than this are left out; rejected units are never exported.
DEFAULT_MIN_STATUS = Status(EXPORT_MIN_STATUS)
#: What a survey records of a unit that passes the filters: a digest of its identity and its place among them.
_SURVEY_RECORD = DIGEST_BYTES + 8
#: The place of a repeat.
_PLACE_RECORD = 8


@dataclass(slots=True)
class ExportResult:
    """The memory to write and why units were left out."""

    memory: Memory
    read: int = 0
    below_status: int = 0
    rejected: int = 0
    outside_dates: int = 0
    #: Units without two languages (or without both of the pair asked for) with text.
    missing_language: int = 0
    duplicates: int = 0
    #: Versions of units left marked by a merge conflict (left out with ``skip_conflicts``).
    conflicts: int = 0
    #: Segments whose inline codes level 1 removed.
    codes_stripped: int = 0

    @property
    def exported(self) -> int:
        return len(self.memory.units)


def parse_date_bound(raw: str, *, parameter: str, end: bool = False) -> datetime:
    """A date range bound: `2021-06-22`, `20210622`, or a full TMX/ISO date and time.

    ``parameter`` (`since`, `until`) names the bound in errors. A bare day given as an ``end``
    bound covers that whole day.
    """
    value = parse_tmx_date(raw)
    if value is None:
        template = "{" + parameter + "}: {raw} is not a date (use YYYY-MM-DD or YYYYMMDDThhmmssZ)"
        raise ParameterError(template, values={"raw": repr(raw)})
    digits = raw.strip().replace("-", "")
    if end and len(digits) == 8:
        value += timedelta(days=1) - timedelta(microseconds=1)
    return value


def _dates(unit: TranslationUnit, attr: str) -> list[datetime]:
    raws = [getattr(unit, attr), *(getattr(v, attr) for v in unit.variants)]
    parsed = [parse_tmx_date(raw) for raw in raws if raw]
    return [d for d in parsed if d is not None]


def unit_date(unit: TranslationUnit, which: DateField = DEFAULT_DATE_FIELD) -> datetime | None:
    """The date of ``unit`` that a date range is checked against, or None when it records none."""
    if which is DateField.CHANGED:
        changed = _dates(unit, "change_date")
        if changed:
            return max(changed)
    created = _dates(unit, "creation_date")
    return min(created) if created else None


def _without_codes(variant: Variant) -> Variant:
    """``variant`` with its inline codes left out (a new variant; itself when it holds none)."""
    if not variant.segment.has_markup:
        return variant
    return dataclasses.replace(variant, segment=Segment.from_text(variant.segment.plain))


def _pair_variants(unit: TranslationUnit, source: str, target: str) -> list[Variant] | None:
    """The source variant and every target variant with text: a unit's second translation is kept too."""
    src, targets = unit.pair(source, target, region_fallback=True)
    targets = [v for v in targets if not v.segment.is_empty]
    if src is None or src.segment.is_empty or not targets:
        return None
    return [src, *targets]


def _identity(variants: Sequence[Variant]) -> Hashable:
    """What makes an exported unit a repeat of another: its variants' languages and segments, as exported."""
    return tuple((lang_key(v.lang), v.segment) for v in variants)


def export_memories(
    memories: Sequence[Memory],
    *,
    min_status: Status = DEFAULT_MIN_STATUS,
    since: datetime | None = None,
    until: datetime | None = None,
    date_field: DateField = DEFAULT_DATE_FIELD,
    source_lang: str | None = None,
    target_lang: str | None = None,
    level: int = DEFAULT_LEVEL,
    skip_conflicts: bool = False,
) -> ExportResult:
    """The units of ``memories`` (in order) that a CAT tool should get, as one memory.

    Kept: units at ``min_status`` or beyond, never rejected ones; with ``since``/``until``, units
    whose ``date_field`` date lies in the range (both ends included; a unit without that date is
    left out); with a language pair, only its source variant and every target variant (region
    fallback: `ar` takes `ar-SA`, the exact tag preferred; a variant is never its own translation),
    units lacking either dropped. Units need two languages with text. Exact repeats (same languages
    and segments) are written once, the first kept. Level 1 replaces every segment by its plain
    text; level 2 keeps inline codes. The input memories are not changed. A pair no unit holds is an
    `InputError` naming the languages they hold (a mistaken pair, not an empty export).

    A memory holding units left marked `x-tmkit-conflict` by a three-way merge is refused (a
    `ParameterError`): a CAT tool would offer both versions as equally good translations and the
    unsettled choice would be made without anyone knowing. With ``skip_conflicts`` both versions
    of such a unit are left out, as an unconfirmed translation is. `MemoryExport` does the same a
    unit at a time, for memories that are streamed.
    """
    export = MemoryExport(
        min_status=min_status,
        since=since,
        until=until,
        date_field=date_field,
        source_lang=source_lang,
        target_lang=target_lang,
        level=level,
        skip_conflicts=skip_conflicts,
    )
    if not skip_conflicts:
        for position, memory in enumerate(memories, start=1):
            count = count_conflict_units(memory)
            if count:
                raise conflicts_error(position, count)
    result = export.result
    result.memory.header = export.header([m.header for m in memories])
    for memory in memories:
        for original in memory.units:
            unit = export.take(original)
            if unit is not None:
                result.memory.units.append(unit)
    export.check_pair_held()
    return result


def conflicts_error(position: int, count: int) -> ParameterError:
    """The refusal of memory number ``position`` (from 1), which holds ``count`` units marked by a merge conflict."""
    return ParameterError(
        "memory {position} holds {count} units marked x-tmkit-conflict (unsettled merge "
        "conflicts): settle them or pass {skip_conflicts}",
        values={"position": position, "count": count},
    )


class MemoryExport:
    """`export_memories` a unit at a time: ``take`` each unit of the memories in order, write what it returns.

    Repeats are written once, the first kept. With memories that can be read twice (files, a
    database), ``survey`` each unit first, then `settle`, then ``take`` each unit again in the same
    order: the survey records a digest and the place of each unit that passes the filters (20
    bytes) in an external sort (`RecordSort`, runs in a temporary file in ``folder``), which finds
    the places of the repeats, so memories of any size stream through in bounded memory. Without a
    survey (a one-shot stream), ``take`` remembers a digest of each unit exported (`DigestSet`, 12
    bytes a unit). Units marked by a merge conflict raise `ParameterError` unless
    ``skip_conflicts``; a caller that must refuse before writing anything counts them first
    (`count_conflict_units`), or writes atomically.
    """

    def __init__(
        self,
        *,
        min_status: Status = DEFAULT_MIN_STATUS,
        since: datetime | None = None,
        until: datetime | None = None,
        date_field: DateField = DEFAULT_DATE_FIELD,
        source_lang: str | None = None,
        target_lang: str | None = None,
        level: int = DEFAULT_LEVEL,
        skip_conflicts: bool = False,
        folder: str | None = None,
    ) -> None:
        if level not in TMX_LEVELS:
            raise ParameterError("{level} must be 1 or 2, not {value}", values={"value": level})
        if (source_lang is None) != (target_lang is None):
            raise ParameterError("give both {source_lang} and {target_lang} for a language pair, or neither")
        if source_lang is not None and target_lang is not None and same_language(source_lang, target_lang):
            raise ParameterError("{source_lang} and {target_lang} are both {lang}", values={"lang": source_lang})
        if since is not None and until is not None and since > until:
            raise ParameterError("{since} is later than {until}: no unit could be exported")
        self.min_status, self.since, self.until, self.date_field = min_status, since, until, date_field
        self.source_lang, self.target_lang, self.level = source_lang, target_lang, level
        self.skip_conflicts = skip_conflicts
        #: The counts so far (its memory stays empty: the units are the caller's to write).
        self.result = ExportResult(Memory(Header(), []))
        self.exported = 0
        self._seen = DigestSet()
        self._folder = folder
        #: The survey's (digest, place) of each unit that passed the filters, until `settle`.
        self._surveyed: RecordSort | None = None
        self._candidates_surveyed = 0
        #: After `settle`: the places of the repeats, in order, and the next one.
        self._repeats: RecordSort | None = None
        self._repeat_places: Iterator[tuple[int, ...]] | None = None
        self._next_repeat = -1
        self._candidates_taken = 0
        #: Whether a unit read so far holds the language pair asked for (any status or date), and else the languages
        #: the units hold: a pair no unit holds is a mistake to name, not an empty export (`check_pair_held`).
        self._pair_held = source_lang is None
        self._languages: set[str] = set()

    def header(self, headers: Sequence[Header]) -> Header:
        """The header of the export of memories with these ``headers``."""
        return _export_header(headers, source_lang=self.source_lang, level=self.level)

    def survey(self, original: TranslationUnit) -> None:
        """Pass one: note ``original`` if it passes the filters (nothing is counted; `take` counts in pass two)."""
        if self._repeat_places is not None:
            raise RuntimeError("survey after settle")
        self._note_pair(original)
        candidate = self._candidate(original, ExportResult(Memory(Header(), [])))
        if candidate is None:
            return
        if self._surveyed is None:
            self._surveyed = RecordSort(_SURVEY_RECORD, folder=self._folder)
        self._surveyed.add(digest(_identity(self._exported(candidate))) + self._candidates_surveyed.to_bytes(8, "big"))
        self._candidates_surveyed += 1

    def settle(self) -> None:
        """End pass one: find the places of the repeats (every unit with an earlier one of the same identity)."""
        import numpy as np

        repeats = RecordSort(_PLACE_RECORD, folder=self._folder)
        if self._surveyed is not None:
            with self._surveyed as surveyed:
                for places, ranks, _ in repeat_places(surveyed, DIGEST_BYTES):
                    repeated = places[ranks > 1]
                    if len(repeated):
                        repeats.add_many(np.ascontiguousarray(repeated, dtype=">u8").tobytes())
            self._surveyed = None
        self._repeats = repeats
        self._repeat_places = sorted_numbers(repeats)
        self._next_repeat = self._following_repeat()

    def close(self) -> None:
        """Remove the temporary files of a survey (done by itself when the second pass is complete)."""
        for sort in (self._surveyed, self._repeats):
            if sort is not None:
                sort.close()
        self._surveyed = self._repeats = None

    def check_second_pass(self) -> None:
        """After pass two: an `InputError` if it met other units than pass one (the memories changed meanwhile)."""
        if self._repeat_places is None:
            return
        taken, surveyed = self._candidates_taken, self._candidates_surveyed
        self.close()
        if taken != surveyed:
            raise InputError(
                f"{taken:,} units to export, {surveyed:,} a moment before: a memory changed while exported"
            )

    def _following_repeat(self) -> int:
        assert self._repeat_places is not None
        place = next(self._repeat_places, None)
        return -1 if place is None else place[0]

    def _is_repeat(self, variants: list[Variant]) -> bool:
        """Whether the unit of these ``variants`` (one that passed the filters) repeats one exported before."""
        if self._repeat_places is None:
            return not self._seen.add(digest(_identity(variants)))
        place = self._candidates_taken
        self._candidates_taken += 1
        if place != self._next_repeat:
            return False
        self._next_repeat = self._following_repeat()
        return True

    def take(self, original: TranslationUnit) -> TranslationUnit | None:
        """The unit to export for ``original``, or None, counted why: a new unit, the original not changed. Its
        variants are the original's own, but for those level 1 made anew without their codes."""
        result = self.result
        result.read += 1
        if self._repeat_places is None:
            self._note_pair(original)
        chosen = self._candidate(original, result)
        if chosen is None:
            return None
        variants = self._exported(chosen)
        if self._is_repeat(variants):
            result.duplicates += 1
            return None
        if self.level == 1:
            result.codes_stripped += sum(v.segment.has_markup for v in chosen)
        self.exported += 1
        unit = copy.copy(original)
        unit.variants = variants
        if self.source_lang is not None:
            unit.srclang = variants[0].lang if unit.srclang else None
        return unit

    def check_pair_held(self) -> None:
        """An `InputError` if a language pair was asked for and no unit read (in `survey`, else in `take`) holds it
        with text on both sides, naming the languages the units hold."""
        if self._pair_held:
            return
        held = ", ".join(sorted(self._languages)[:8]) + (", …" if len(self._languages) > 8 else "")
        raise InputError(
            f"no unit holds both {self.source_lang} and {self.target_lang}"
            + (f" (the memories hold {held}); --src and --tgt name the pair to export" if held else "")
        )

    def _note_pair(self, original: TranslationUnit) -> None:
        if self._pair_held:
            return
        assert self.source_lang is not None and self.target_lang is not None
        if _pair_variants(original, self.source_lang, self.target_lang) is not None:
            self._pair_held = True
        else:
            self._languages.update(v.lang for v in original.variants if not v.segment.is_empty)

    def _exported(self, variants: list[Variant]) -> list[Variant]:
        """``variants`` as exported: at level 1 without their codes (new variants where they held some)."""
        return [_without_codes(v) for v in variants] if self.level == 1 else variants

    def _candidate(self, original: TranslationUnit, result: ExportResult) -> list[Variant] | None:
        """The variants of ``original`` to export (before `_exported`), unless a filter leaves it out (counted in
        ``result``); repeats are not looked for here. Nothing is copied: the survey only reads them."""
        if conflict_side(original) is not None:
            if not self.skip_conflicts:
                raise ParameterError(
                    "a unit marked x-tmkit-conflict (an unsettled merge conflict): settle it or pass {skip_conflicts}",
                    line=original.line,
                )
            result.conflicts += 1
            return None
        if original.rejected:
            result.rejected += 1
            return None
        if original.status.rank < self.min_status.rank:
            result.below_status += 1
            return None
        since, until = self.since, self.until
        if since is not None or until is not None:
            when = unit_date(original, self.date_field)
            if when is None or (since is not None and when < since) or (until is not None and when > until):
                result.outside_dates += 1
                return None
        source_lang, target_lang = self.source_lang, self.target_lang
        if source_lang is not None and target_lang is not None:
            variants = _pair_variants(original, source_lang, target_lang)
        else:
            variants = [v for v in original.variants if not v.segment.is_empty]
            if len({lang_key(v.lang) for v in variants}) < 2:
                variants = None
        if variants is None:
            result.missing_language += 1
            return None
        return variants


def _export_header(headers: Sequence[Header], *, source_lang: str | None, level: int) -> Header:
    first = headers[0] if headers else Header()
    if source_lang is not None:
        srclang = source_lang
    else:
        declared = {lang_key(h.srclang or ALL_LANGUAGES) for h in headers}
        srclang = first.srclang if len(declared) == 1 and first.srclang else ALL_LANGUAGES
    return Header(
        srclang=srclang,
        adminlang=first.adminlang or "en",
        segtype=first.segtype or "sentence",
        datatype="plaintext" if level == 1 else (first.datatype or "plaintext"),
        o_tmf="tmkit",
    )
