"""What a pair a translator confirmed becomes in a memory: one rule for memory files and shared (PostgreSQL) memories.

A confirmed pair either updates the unit the memory already holds for it (`stored_unit_of` finds it, `into_unit`
writes the translation into it) or is added as a unit of its own (`pair_unit`). Updating a translation is not
replacing the team's unit: its tuid, creation, notes, props, counts and language tags are the team's, and only the
translation, status and change stamps are the translator's.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from tmkit.memory.dates import now_tmx_date
from tmkit.memory.langtags import primary_subtag
from tmkit.memory.model import TranslationUnit, Variant


def pair_unit(source: Variant, target: Variant | None, working: TranslationUnit) -> TranslationUnit:
    """The unit a confirmed pair is stored as when the memory holds none for it: its source and target, the working
    unit's tuid, status and stamps (creation now when the working unit has none), nothing else of the working file."""
    variants = [copy.deepcopy(source)]
    if target is not None:
        variants.append(copy.deepcopy(target))
    return TranslationUnit(
        variants=variants,
        tuid=working.tuid,
        status=working.status,
        rejected=working.rejected,
        status_label=working.status_label,
        srclang=source.lang,
        creation_date=working.creation_date or now_tmx_date(),
        creation_id=working.creation_id,
        change_date=working.change_date,
        change_id=working.change_id,
    )


def holds_source(unit: TranslationUnit, source: Variant) -> bool:
    """Whether ``unit`` holds ``source`` in its language, codes and all (the pair's unit, whatever else it holds).

    Codes count, as the merge's key counts them: `Click here` and `Click <a>here</a>` are two segments. Compared by
    plain text, the coded pair's translation went into the plain unit (its target then held codes its source
    lacked), or into one version of a conflict marked on the coded source, mark and all."""
    language = primary_subtag(source.lang)
    return any(
        v.segment.content == source.segment.content and primary_subtag(v.lang) == language for v in unit.variants
    )


class UnitsBySource:
    """The units of a memory by each source they hold (language, content): `stored_unit_of` finds a pair's among
    them in one lookup. Made once a save: a search of every unit for each pair cost 40 s a save of 2,000 confirmed
    segments into a memory of 20,000."""

    def __init__(self, units: Iterable[TranslationUnit]) -> None:
        self._by_source: dict[tuple[str, tuple[object, ...]], list[TranslationUnit]] = {}
        for unit in units:
            for key in {(primary_subtag(v.lang), v.segment.content) for v in unit.variants}:
                self._by_source.setdefault(key, []).append(unit)

    def holding(self, source: Variant) -> list[TranslationUnit]:
        """The units holding ``source`` (`holds_source`), in memory order."""
        return self._by_source.get((primary_subtag(source.lang), source.segment.content), [])


def stored_unit_of(pair: TranslationUnit, units: UnitsBySource) -> TranslationUnit | None:
    """The unit of ``units`` a confirmed pair updates: the first with the pair's tuid and source, else the first with
    its source (a tuid alone is no identity: each working file numbers its segments from 1). The same rule
    `tmkit.shared.store.SharedMemory.find` applies in the database."""
    if not pair.variants:
        return None
    holding = units.holding(pair.variants[0])
    return next((unit for unit in holding if pair.tuid and unit.tuid == pair.tuid), holding[0] if holding else None)


def into_unit(stored: TranslationUnit, pair: TranslationUnit) -> TranslationUnit:
    """``stored`` (a copy) with the translation of ``pair`` (a `pair_unit`) written into it.

    Kept from ``stored``: tuid, creation who and when, notes, props, usage count and other attributes, every
    variant but the target's text, and the target variant's language tag (``en-US`` stays so for a pair confirmed
    as ``en``), props and notes. From ``pair``: the target's text, the status, and who changed it when (the
    translator; now when the pair does not say).
    """
    unit = copy.deepcopy(stored)
    target = pair.variants[1] if len(pair.variants) > 1 else None
    if target is not None:
        source_language = primary_subtag(pair.variants[0].lang)
        language = primary_subtag(target.lang)
        kept = next(
            (
                v
                for v in unit.variants
                if primary_subtag(v.lang) == language and primary_subtag(v.lang) != source_language
            ),
            None,
        )
        if kept is None:
            unit.variants.append(copy.deepcopy(target))
        else:
            kept.segment = copy.deepcopy(target.segment)
            kept.creation_id = kept.creation_id or target.creation_id
            kept.creation_date = kept.creation_date or target.creation_date
            kept.change_id = target.change_id or pair.change_id or kept.change_id
            kept.change_date = target.change_date or pair.change_date or now_tmx_date()
    unit.status = pair.status
    unit.rejected = pair.rejected
    unit.status_label = pair.status_label
    unit.change_id = pair.change_id or unit.change_id
    unit.change_date = pair.change_date or now_tmx_date()
    return unit
