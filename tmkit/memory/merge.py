"""Combining memories: two-way merge with an explicit duplicate/conflict policy, and git's three-way merge."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from tmkit.memory.dates import canonical_tmx_date
from tmkit.memory.model import Header, Memory, Prop, TranslationUnit, Variant

#: The prop that marks each version of a unit a three-way merge could not settle; its value is the side.
CONFLICT_PROP = "x-tmkit-conflict"
OURS = "ours"
THEIRS = "theirs"

_Item = TypeVar("_Item")
_Key = TypeVar("_Key", bound=Hashable)


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
    #: Header attributes, props or `ude`s changed differently on both sides (ours kept), one line each.
    header_conflicts: list[str] = field(default_factory=list)


def conflict_side(unit: TranslationUnit) -> str | None:
    """The side (`ours`, `theirs`) of an unsettled merge conflict this unit is a version of, else None."""
    for prop in unit.props:
        if prop.type == CONFLICT_PROP:
            return prop.value
    return None


def count_conflict_units(memory: Memory) -> int:
    """How many units of ``memory`` are versions of an unsettled merge conflict (marked `x-tmkit-conflict`)."""
    return sum(conflict_side(unit) is not None for unit in memory.units)


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


def _undated_variant(variant: Variant) -> Variant:
    return dataclasses.replace(
        variant,
        creation_date=None,
        creation_id=None,
        change_date=None,
        change_id=None,
        usage_count=None,
        last_usage_date=None,
    )


def _undated(unit: TranslationUnit) -> TranslationUnit:
    return dataclasses.replace(
        unit,
        variants=[_undated_variant(v) for v in unit.variants],
        creation_date=None,
        creation_id=None,
        change_date=None,
        change_id=None,
        usage_count=None,
        last_usage_date=None,
    )


def _same_apart_from_dates(a: TranslationUnit, b: TranslationUnit) -> bool:
    """Whether two units say the same (text, status, props, notes) and differ at most in who/when/usage.

    Two branches that make the same translation (or both add the unit, as two runs of `align`
    on one document do) differ only there: that is one change, not a conflict.
    """
    return _undated(a) == _undated(b)


def _newest(a: TranslationUnit, b: TranslationUnit) -> TranslationUnit:
    return b if _change_date(b) > _change_date(a) else a


def merge_three_way(base: Memory | None, ours: Memory, theirs: Memory) -> MergeResult:
    """Merge two versions of a memory that share an ancestor, unit by unit (git's merge driver).

    A unit changed on one side only takes that change (a deletion included); the same change
    on both sides is taken once (the most recently dated copy when only dates differ). A unit
    changed differently on both sides is a conflict: both versions are kept, marked with a
    `x-tmkit-conflict` prop (`ours` / `theirs`) for a person to settle. Order: our units as they
    stand, then units only they added, in their order.

    ``base`` None means the two versions have no ancestor (both branches added the file; git
    passes an empty base): every unit is an addition, units both added alike are kept once and a
    unit both added with different translations is a conflict. The header is merged three-way
    too (`merge_headers`).
    """
    ancestor = base if base is not None else Memory(ours.header, [])
    base_map = dict(zip(_identity_keys(ancestor), ancestor.units, strict=True))
    ours_keys = _identity_keys(ours)
    theirs_map = dict(zip(_identity_keys(theirs), theirs.units, strict=True))
    ours_set = set(ours_keys)
    header, header_conflicts = merge_headers(base.header if base is not None else None, ours.header, theirs.header)
    result = MergeResult(Memory(header, []), header_conflicts=header_conflicts)
    out = result.memory.units

    def settle(key: tuple[Hashable, int], a: TranslationUnit | None) -> None:
        b = base_map.get(key)
        t = theirs_map.get(key)
        if a == t or t == b:
            chosen = a
        elif a == b:
            chosen = t
        elif a is not None and t is not None and _same_apart_from_dates(a, t):
            chosen = _newest(a, t)
        else:
            both = [u for u in (a, t) if u is not None]
            label = _describe(both[0])
            if len(both) == 1:
                what = "changed on one side and deleted on the other"
            elif b is None:
                what = "added differently on both sides"
            else:
                what = "changed on both sides"
            result.conflicts.append(Conflict(label, both, f"{label} {what}"))
            if a is not None:
                out.append(_mark(a, OURS))
            if t is not None:
                out.append(_mark(t, THEIRS))
            return
        if chosen is not None:
            out.append(chosen)

    for key, unit in zip(ours_keys, ours.units, strict=True):
        settle(key, unit)
    for key in theirs_map:
        if key not in ours_set:
            settle(key, None)
    return result


#: Header attributes merged three-way; a change on both sides that differs keeps ours and is reported.
MERGED_HEADER_ATTRIBUTES = ("srclang", "adminlang", "segtype", "datatype", "o_tmf")


def _three_way(base: _Item | None, ours: _Item | None, theirs: _Item | None) -> tuple[_Item | None, bool]:
    """The merged value and whether both sides changed it differently (then ours is the value)."""
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    return ours, True


def _merge_keyed(
    base: Sequence[_Item], ours: Sequence[_Item], theirs: Sequence[_Item], key: Callable[[_Item], _Key]
) -> tuple[list[_Item], list[tuple[_Key, _Item | None, _Item | None]]]:
    """Three-way merge of a list of items that `key` identifies (the nth of one key told apart by n).

    Returns the merged items (ours in order, then those only they added) and, for each item both
    sides changed differently, its key with our and their version (ours is what was kept).
    """

    def keyed(items: Sequence[_Item]) -> dict[tuple[_Key, int], _Item]:
        seen: dict[_Key, int] = {}
        out: dict[tuple[_Key, int], _Item] = {}
        for item in items:
            k = key(item)
            out[(k, seen.get(k, 0))] = item
            seen[k] = seen.get(k, 0) + 1
        return out

    base_map, ours_map, theirs_map = keyed(base), keyed(ours), keyed(theirs)
    merged: list[_Item] = []
    clashes: list[tuple[_Key, _Item | None, _Item | None]] = []
    for k in [*ours_map, *(k for k in theirs_map if k not in ours_map)]:
        a, t = ours_map.get(k), theirs_map.get(k)
        value, clash = _three_way(base_map.get(k), a, t)
        if clash:
            clashes.append((k[0], a, t))
        if value is not None:
            merged.append(value)
    return merged, clashes


def _date_order(raw: str | None) -> str:
    """A TMX date as a string that sorts in time order (odd forms canonicalised; none sorts first)."""
    return (canonical_tmx_date(raw) or raw) if raw else ""


def merge_headers(base: Header | None, ours: Header, theirs: Header) -> tuple[Header, list[str]]:
    """Three-way merge of a TMX header, with a line for each change both sides made differently.

    Attributes (`srclang`, `adminlang`, `segtype`, `datatype`, `o-tmf`, and unknown ones), props
    (by type and language), `ude`s (by name) and notes changed on one side only take that change;
    changed differently on both sides, ours is kept and a line says what theirs was. Dates are not
    conflicts: the creation date is the earlier of the two, the change date the later (each with
    its id). The creating tool is ours (tmkit names itself when it writes). ``base`` None: no
    common ancestor, so every difference is a change on both sides.
    """
    merged = copy.deepcopy(ours)
    clashes: list[str] = []

    def clash(name: str, a: object, t: object) -> None:
        clashes.append(f"header {name} changed on both sides: kept ours {a!r}, theirs was {t!r}")

    for name in MERGED_HEADER_ATTRIBUTES:
        a, t = getattr(ours, name), getattr(theirs, name)
        value, both = _three_way(getattr(base, name) if base is not None else None, a, t)
        setattr(merged, name, value)
        if both:
            clash(name.replace("_", "-"), a, t)
    base_attrs = base.extra_attrs if base is not None else {}
    for attr in sorted(set(ours.extra_attrs) | set(theirs.extra_attrs)):
        a_attr, t_attr = ours.extra_attrs.get(attr), theirs.extra_attrs.get(attr)
        value_attr, both = _three_way(base_attrs.get(attr), a_attr, t_attr)
        if value_attr is None:
            merged.extra_attrs.pop(attr, None)
        else:
            merged.extra_attrs[attr] = value_attr
        if both:
            clash(attr, a_attr, t_attr)
    if theirs.creation_date and (
        not ours.creation_date or _date_order(theirs.creation_date) < _date_order(ours.creation_date)
    ):
        merged.creation_date, merged.creation_id = theirs.creation_date, theirs.creation_id
    if _date_order(theirs.change_date) > _date_order(ours.change_date):
        merged.change_date, merged.change_id = theirs.change_date, theirs.change_id
    ancestor = base if base is not None else Header()  # no props, udes or notes
    merged.props, prop_clashes = _merge_keyed(ancestor.props, ours.props, theirs.props, lambda p: (p.type, p.lang))
    for (prop_type, _), a_prop, t_prop in prop_clashes:
        clash(f"prop {prop_type}", a_prop.value if a_prop else None, t_prop.value if t_prop else None)
    merged.udes, ude_clashes = _merge_keyed(ancestor.udes, ours.udes, theirs.udes, lambda u: dict(u.attrs).get("name"))
    for ude_name, _, _ in ude_clashes:
        clashes.append(f"header ude {ude_name!r} changed on both sides: kept ours")
    merged.notes, _ = _merge_keyed(ancestor.notes, ours.notes, theirs.notes, lambda n: n)
    return merged, clashes
