"""Combining memories: two-way merge with an explicit duplicate/conflict policy, and git's three-way merge."""

from __future__ import annotations

import copy
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tmkit.memory.model import Memory, Prop, TranslationUnit

CONFLICT_PROP = "x-tmkit-conflict"


class ConflictPolicy(StrEnum):
    """What to do when two memories give the same source different translations."""

    KEEP_ALL = "keep-all"  # keep every translation as an alternative (nothing is lost)
    FIRST = "first"  # keep the one from the memory named first
    LAST = "last"  # keep the one from the memory named last
    NEWEST = "newest"  # keep the one changed most recently (then the first)
    FAIL = "fail"  # refuse to merge and list the conflicts


DEFAULT_CONFLICT_POLICY = ConflictPolicy.KEEP_ALL


@dataclass(slots=True)
class Conflict:
    """Units that disagree: the same source with different translations, or a 3-way clash."""

    key: str
    units: list[TranslationUnit]
    description: str


@dataclass(slots=True)
class MergeResult:
    memory: Memory
    duplicates_dropped: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


#: A unit's source: its language (primary subtag) and its segment content.
SourceKey = tuple[str, Hashable]


def _source_key(unit: TranslationUnit, srclang: str | None) -> SourceKey | None:
    lang = unit.source_lang(srclang)
    if lang is None:
        return None
    variant = unit.variant(lang, region_fallback=True)
    if variant is None:
        return None
    return (lang.lower().split("-")[0], variant.segment.content)


def _translation_key(unit: TranslationUnit, source_lang_key: str) -> Hashable:
    """The translations of a unit (all variants but the source), as comparable data."""
    return tuple(
        sorted(
            (v.lang.lower().replace("_", "-"), repr(v.segment.content))
            for v in unit.variants
            if v.lang.lower().replace("_", "-").split("-")[0] != source_lang_key
        )
    )


def _change_date(unit: TranslationUnit) -> str:
    dates = [unit.change_date or unit.creation_date or ""]
    dates += [v.change_date or v.creation_date or "" for v in unit.variants]
    return max(dates)


def merge_memories(memories: Sequence[Memory], *, policy: ConflictPolicy = DEFAULT_CONFLICT_POLICY) -> MergeResult:
    """Merge memories in order into one, with the first memory's header.

    Units with the same source and the same translations are duplicates: one is kept (the most
    recently changed). Units with the same source and different translations are conflicts,
    settled by ``policy``; with FAIL nothing is merged and the conflicts are returned.
    Units without a source variant are kept as they are.
    """
    if not memories:
        raise ValueError("merge needs at least one memory")
    header = copy.deepcopy(memories[0].header)
    # Per source: translations seen, in order, each with its unit.
    groups: dict[SourceKey, dict[Hashable, TranslationUnit]] = {}
    order: list[SourceKey | TranslationUnit] = []
    dropped = 0
    for memory in memories:
        for unit in memory.units:
            key = _source_key(unit, memory.header.srclang)
            if key is None:
                order.append(unit)
                continue
            translations = groups.get(key)
            if translations is None:
                translations = groups[key] = {}
                order.append(key)
            tkey = _translation_key(unit, key[0])
            kept = translations.get(tkey)
            if kept is None:
                translations[tkey] = unit
            else:
                dropped += 1
                if _change_date(unit) > _change_date(kept):
                    translations[tkey] = unit
    result = MergeResult(Memory(header, []), duplicates_dropped=dropped)
    for item in order:
        if isinstance(item, TranslationUnit):
            result.memory.units.append(item)
            continue
        candidates = list(groups[item].values())
        if len(candidates) > 1:
            source = candidates[0].variant(item[0], region_fallback=True)
            text = source.text if source else ""
            result.conflicts.append(Conflict(text, candidates, f"{len(candidates)} different translations of {text!r}"))
            if policy is ConflictPolicy.FIRST:
                candidates = candidates[:1]
            elif policy is ConflictPolicy.LAST:
                candidates = candidates[-1:]
            elif policy is ConflictPolicy.NEWEST:
                newest = max(_change_date(u) for u in candidates)
                candidates = [next(u for u in candidates if _change_date(u) == newest)]
        result.memory.units.extend(candidates)
    if policy is ConflictPolicy.FAIL and result.conflicts:
        result.memory.units = []
    return result


def _identity_keys(memory: Memory) -> list[tuple[Hashable, int]]:
    """A key for each unit that says which unit it is across versions of one file.

    The tuid when the unit has one, else its source text; the nth unit with the same key is
    told apart from the others by n.
    """
    seen: dict[Hashable, int] = {}
    keys: list[tuple[Hashable, int]] = []
    for unit in memory.units:
        base: Hashable
        if unit.tuid:
            base = ("tuid", unit.tuid)
        else:
            source = _source_key(unit, memory.header.srclang)
            base = ("source", source) if source is not None else ("unit", repr(unit.variants))
        n = seen.get(base, 0)
        seen[base] = n + 1
        keys.append((base, n))
    return keys


def _describe(unit: TranslationUnit) -> str:
    if unit.tuid:
        return f"tuid {unit.tuid}"
    text = unit.variants[0].text if unit.variants else ""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _mark(unit: TranslationUnit, side: str) -> TranslationUnit:
    marked = copy.deepcopy(unit)
    marked.props.insert(0, Prop(CONFLICT_PROP, side))
    return marked


def merge_three_way(base: Memory, ours: Memory, theirs: Memory) -> MergeResult:
    """Merge two versions of a memory that share an ancestor, unit by unit (git's merge driver).

    A unit changed on one side only takes that change (a deletion included); the same change
    on both sides is taken once. A unit changed differently on both sides is a conflict: both
    versions are kept, marked with a `x-tmkit-conflict` prop (`ours` / `theirs`) for a person
    to settle. Order: our units as they stand, then units only they added, in their order.
    """
    base_map = dict(zip(_identity_keys(base), base.units, strict=True))
    ours_keys = _identity_keys(ours)
    theirs_map = dict(zip(_identity_keys(theirs), theirs.units, strict=True))
    ours_set = set(ours_keys)
    result = MergeResult(Memory(copy.deepcopy(ours.header), []))
    out = result.memory.units

    def settle(key: tuple[Hashable, int], a: TranslationUnit | None) -> None:
        b = base_map.get(key)
        t = theirs_map.get(key)
        if a == t or t == b:
            chosen = a
        elif a == b:
            chosen = t
        else:
            both = [u for u in (a, t) if u is not None]
            label = _describe(both[0])
            what = "changed on both sides" if len(both) == 2 else "changed on one side and deleted on the other"
            result.conflicts.append(Conflict(label, both, f"{label} {what}"))
            if a is not None:
                out.append(_mark(a, "ours"))
            if t is not None:
                out.append(_mark(t, "theirs"))
            return
        if chosen is not None:
            out.append(chosen)

    for key, unit in zip(ours_keys, ours.units, strict=True):
        settle(key, unit)
    for key in theirs_map:
        if key not in ours_set:
            settle(key, None)
    return result
