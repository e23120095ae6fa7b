"""Export for CAT tools: memories filtered by status, date and language pair into TMX level 1 or 2."""

from __future__ import annotations

import copy
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tmkit.errors import ParameterError
from tmkit.memory.dates import parse_tmx_date
from tmkit.memory.langtags import ALL_LANGUAGES, lang_key, lang_matches
from tmkit.memory.merge import conflict_side, count_conflict_units
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant


class DateField(StrEnum):
    """Which date of a unit `since`/`until` look at."""

    #: The last change (unit or any variant), or the creation date when nothing records a change.
    CHANGED = "changed"
    #: The creation date (unit, else the earliest variant).
    CREATED = "created"


#: Units less advanced than this are left out; rejected units are never exported.
DEFAULT_MIN_STATUS = Status.TRANSLATED
#: TMX level 2 keeps inline codes; level 1 is plain text.
DEFAULT_LEVEL = 2
TMX_LEVELS = (1, 2)
DEFAULT_DATE_FIELD = DateField.CHANGED


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


def _strip_codes(variant: Variant) -> bool:
    if not variant.segment.has_markup:
        return False
    variant.segment = Segment.from_text(variant.segment.plain)
    return True


def _pair_variants(unit: TranslationUnit, source: str, target: str) -> list[Variant] | None:
    """The source variant and every target variant with text: a unit's second translation is kept too."""
    src, targets = unit.pair(source, target, region_fallback=True)
    targets = [v for v in targets if not v.segment.is_empty]
    if src is None or src.segment.is_empty or not targets:
        return None
    return [src, *targets]


def _identity(unit: TranslationUnit) -> Hashable:
    return tuple((lang_key(v.lang), v.segment) for v in unit.variants)


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
    text; level 2 keeps inline codes. The input memories are not changed.

    A memory holding units left marked `x-tmkit-conflict` by a three-way merge is refused (a
    `ParameterError`): a CAT tool would offer both versions as equally good translations and the
    unsettled choice would be made without anyone knowing. With ``skip_conflicts`` both versions
    of such a unit are left out, as an unconfirmed translation is.
    """
    if level not in TMX_LEVELS:
        raise ParameterError("{level} must be 1 or 2, not {value}", values={"value": level})
    if (source_lang is None) != (target_lang is None):
        raise ParameterError("give both {source_lang} and {target_lang} for a language pair, or neither")
    if source_lang is not None and target_lang is not None and lang_matches(source_lang, target_lang):
        raise ParameterError("{source_lang} and {target_lang} are both {lang}", values={"lang": source_lang})
    if since is not None and until is not None and since > until:
        raise ParameterError("{since} is later than {until}: no unit could be exported")
    if not skip_conflicts:
        for position, memory in enumerate(memories, start=1):
            count = count_conflict_units(memory)
            if count:
                raise ParameterError(
                    "memory {position} holds {count} units marked x-tmkit-conflict (unsettled merge "
                    "conflicts): settle them or pass {skip_conflicts}",
                    values={"position": position, "count": count},
                )
    header = _export_header(memories, source_lang=source_lang, level=level)
    result = ExportResult(Memory(header, []))
    seen: set[Hashable] = set()
    for memory in memories:
        for original in memory.units:
            result.read += 1
            if conflict_side(original) is not None:
                result.conflicts += 1
                continue
            if original.rejected:
                result.rejected += 1
                continue
            if original.status.rank < min_status.rank:
                result.below_status += 1
                continue
            if since is not None or until is not None:
                when = unit_date(original, date_field)
                if when is None or (since is not None and when < since) or (until is not None and when > until):
                    result.outside_dates += 1
                    continue
            if source_lang is not None and target_lang is not None:
                variants = _pair_variants(original, source_lang, target_lang)
            else:
                variants = [v for v in original.variants if not v.segment.is_empty]
                if len({lang_key(v.lang) for v in variants}) < 2:
                    variants = None
            if variants is None:
                result.missing_language += 1
                continue
            unit = copy.copy(original)
            unit.variants = [copy.copy(v) for v in variants]
            if source_lang is not None:
                unit.srclang = variants[0].lang if unit.srclang else None
            stripped = sum(_strip_codes(v) for v in unit.variants) if level == 1 else 0
            identity = _identity(unit)
            if identity in seen:
                result.duplicates += 1
                continue
            seen.add(identity)
            result.codes_stripped += stripped
            result.memory.units.append(unit)
    return result


def _export_header(memories: Sequence[Memory], *, source_lang: str | None, level: int) -> Header:
    first = memories[0].header if memories else Header()
    if source_lang is not None:
        srclang = source_lang
    else:
        declared = {lang_key(m.header.srclang or ALL_LANGUAGES) for m in memories}
        srclang = first.srclang if len(declared) == 1 and first.srclang else ALL_LANGUAGES
    return Header(
        srclang=srclang,
        adminlang=first.adminlang or "en",
        segtype=first.segtype or "sentence",
        datatype="plaintext" if level == 1 else (first.datatype or "plaintext"),
        o_tmf="tmkit",
    )
