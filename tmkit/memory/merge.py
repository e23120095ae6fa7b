"""Combining memories: two-way merge with an explicit duplicate/conflict policy, and git's three-way merge."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import os
import tempfile
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any, TypeVar

from tmkit.atomic import atomic_write
from tmkit.errors import InputError
from tmkit.memory.dates import canonical_tmx_date
from tmkit.memory.digests import DIGEST_BYTES, digest
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


#: A memory a streamed merge reads twice: called once a pass, it opens the memory afresh (header and units).
OpenMemory = Callable[[], tuple[Header, Iterable[TranslationUnit]]]
#: Conflicts a streamed merge describes in full (their units); the rest are counted.
CONFLICTS_DESCRIBED = 20
#: Bytes of a change date a streamed merge compares (a TMX date has 16; longer odd forms by their start).
DATE_BYTES = 20
_NO_KEY = bytes(DIGEST_BYTES)


@dataclass(slots=True)
class StreamedMerge:
    """What `merge_streams` did."""

    read: int = 0
    written: int = 0
    duplicates_dropped: int = 0
    #: Sources given different translations (each settled by the policy).
    conflict_count: int = 0
    #: The first `CONFLICTS_DESCRIBED` conflicts, in the order of the output, with their units.
    conflicts: list[Conflict] = field(default_factory=list)
    #: Units marked `x-tmkit-conflict` in each memory, in the order given.
    conflict_units: list[int] = field(default_factory=list)


class _Plan:
    """What a merge keeps and in which order, worked out from each unit's digests and date (pass one)."""

    def __init__(self, has_source: bytearray, sources: bytearray, translations: bytearray, dates: bytearray) -> None:
        import numpy as np

        self.total = len(has_source)
        digests = f"S{DIGEST_BYTES}"
        has = np.frombuffer(has_source, dtype=np.uint8)
        every_unit_keyed = bool(has.all())
        keyed = np.arange(self.total) if every_unit_keyed else np.flatnonzero(has)

        def of_keyed(values: Any) -> Any:
            # Most memories give every unit a source: then the pass-one buffers are sorted as they are, not copied.
            return values if every_unit_keyed else values[keyed]

        date = np.frombuffer(dates, dtype=f"S{DATE_BYTES}")
        # Same source and translations: one run, in which the unit kept is the newest, the first of equals.
        order = np.lexsort(
            (
                -keyed,
                of_keyed(date),
                of_keyed(np.frombuffer(translations, dtype=digests)),
                of_keyed(np.frombuffer(sources, dtype=digests)),
            )
        )
        if not every_unit_keyed:
            order = keyed[order]
        sorted_source = np.frombuffer(sources, dtype=digests)[order]
        sorted_translation = np.frombuffer(translations, dtype=digests)[order]
        new_run = np.ones(len(order), dtype=bool)
        new_run[1:] = (sorted_source[1:] != sorted_source[:-1]) | (sorted_translation[1:] != sorted_translation[:-1])
        del sorted_translation
        run_starts = np.flatnonzero(new_run)
        self.duplicates = len(order) - len(run_starts)
        chosen = order[np.r_[run_starts[1:], len(order)] - 1] if len(order) else order
        first_seen = np.minimum.reduceat(order, run_starts) if len(order) else order
        run_source = sorted_source[run_starts]
        del order, sorted_source, new_run
        # Runs of one source are one group: a conflict when it has more than one.
        new_group = np.ones(len(run_starts), dtype=bool)
        new_group[1:] = run_source[1:] != run_source[:-1]
        group_starts = np.flatnonzero(new_group)
        group_of_run = np.cumsum(new_group) - 1
        group_first = np.minimum.reduceat(first_seen, group_starts) if len(group_starts) else first_seen
        group_size = np.diff(np.r_[group_starts, len(run_starts)])
        self.conflicts = int(np.count_nonzero(group_size > 1))
        #: Per run: its group's first occurrence, its own, the unit kept, whether its group is a conflict.
        self.run_group_first = group_first[group_of_run]
        self.run_first_seen = first_seen
        self.run_chosen = chosen
        self.run_group = group_of_run
        self.group_starts, self.group_size = group_starts, group_size
        self.run_date = date[chosen]
        self.unkeyed = np.flatnonzero(np.frombuffer(has_source, dtype=np.uint8) == 0)

    def order(self, policy: ConflictPolicy) -> Any:
        """The units kept, by position, in the order they are written."""
        import numpy as np

        keep = np.ones(len(self.run_chosen), dtype=bool)
        conflicted = self.group_size[self.run_group] > 1
        if policy is ConflictPolicy.FIRST:
            keep = self.run_first_seen == self.run_group_first
        elif policy is ConflictPolicy.LAST:
            last = np.maximum.reduceat(self.run_first_seen, self.group_starts) if len(self.group_starts) else keep
            keep = self.run_first_seen == last[self.run_group]
        elif policy is ConflictPolicy.NEWEST:
            # In each group the newest kept unit, the first of equals: last by (date, earlier first).
            by = np.lexsort((-self.run_first_seen, self.run_date, self.run_group))
            ends = np.r_[np.flatnonzero(np.diff(self.run_group[by])), len(by) - 1] if len(by) else by
            keep = np.zeros(len(self.run_chosen), dtype=bool)
            keep[by[ends]] = True
        keep |= ~conflicted
        primary = np.concatenate((self.run_group_first[keep], self.unkeyed))
        secondary = np.concatenate((self.run_first_seen[keep], self.unkeyed))
        positions = np.concatenate((self.run_chosen[keep], self.unkeyed))
        return positions[np.lexsort((secondary, primary))]

    def described_conflicts(self, limit: int) -> tuple[dict[int, int], list[list[int]]]:
        """The first ``limit`` conflicts in output order: each candidate's position -> conflict, and the candidates."""
        import numpy as np

        conflicted_runs = np.flatnonzero(self.group_size[self.run_group] > 1)
        by = conflicted_runs[np.lexsort((self.run_first_seen[conflicted_runs], self.run_group_first[conflicted_runs]))]
        groups: list[list[int]] = []
        last_group = -1
        for run in by.tolist():
            group = int(self.run_group[run])
            if group != last_group:
                if len(groups) == limit:
                    break
                groups.append([])
                last_group = group
            groups[-1].append(int(self.run_chosen[run]))
        where = {position: n for n, candidates in enumerate(groups) for position in candidates}
        return where, groups


def merge_streams(
    memories: Sequence[OpenMemory],
    path: str | os.PathLike[str],
    *,
    policy: ConflictPolicy = DEFAULT_CONFLICT_POLICY,
) -> StreamedMerge:
    """`merge_memories` of memories too large to hold, written to ``path`` as TMX (atomically).

    The same units in the same order as `merge_memories` (and so the same bytes from `write_tmx`),
    in two passes over each memory: the first keeps a digest of each unit's source and
    translations and its change date (about 50 bytes a unit, with numpy's sorting), the second
    writes the units kept. A unit that comes before its turn (a source met again later pulls the
    later unit up to its first place) waits in a temporary file beside ``path``, not in memory.
    With `ConflictPolicy.FAIL` and a conflict nothing is written. A memory that reads differently
    the second time raises `InputError`.
    """
    import numpy as np

    from tmkit.formats.tmx_writer import TextTooLongError, TmxWriter

    if not memories:
        raise ValueError("merge needs at least one memory")
    summary = StreamedMerge()
    has_source, sources, translations, dates = bytearray(), bytearray(), bytearray(), bytearray()
    header: Header | None = None
    per_memory: list[int] = []
    for opener in memories:
        memory_header, units = opener()
        header = header or copy.deepcopy(memory_header)
        count = marked = 0
        for unit in units:
            key = _source_key(unit, memory_header.srclang)
            if key is None:
                has_source.append(0)
                sources += _NO_KEY
                translations += _NO_KEY
            else:
                has_source.append(1)
                sources += digest(key)
                translations += digest(_translation_key(unit, key[0]))
            dates += _change_date(unit).encode("utf-8", "surrogatepass")[:DATE_BYTES].ljust(DATE_BYTES, b"\0")
            marked += conflict_side(unit) is not None
            count += 1
        per_memory.append(count)
        summary.conflict_units.append(marked)
    assert header is not None
    plan = _Plan(has_source, sources, translations, dates)
    del has_source, sources, translations, dates
    summary.read, summary.duplicates_dropped, summary.conflict_count = plan.total, plan.duplicates, plan.conflicts
    sequence = plan.order(policy)
    rank = np.full(plan.total, -1, dtype=np.int64)
    rank[sequence] = np.arange(len(sequence))
    described, candidates = plan.described_conflicts(CONFLICTS_DESCRIBED)
    del plan, sequence
    # The units of each conflict described, with the language of their source.
    conflict_units: list[list[tuple[TranslationUnit, str] | None]] = [[None] * len(c) for c in candidates]
    writing = not (policy is ConflictPolicy.FAIL and summary.conflict_count)
    total = int(np.count_nonzero(rank >= 0)) if writing else 0
    scratch = io.StringIO()  # one unit's TMX at a time
    serializer = TmxWriter(scratch, header)
    try:
        with contextlib.ExitStack() as stack:
            out = stack.enter_context(atomic_write(path)) if writing else None
            writer = TmxWriter(out, header) if out is not None else None
            waiting = stack.enter_context(_WaitingUnits(path, total)) if writing else None
            next_rank = position = 0
            for opener, expected in zip(memories, per_memory, strict=True):
                memory_header, units = opener()
                count = 0
                for unit in units:
                    count += 1
                    at, position = position, position + 1
                    if count > expected:
                        break
                    conflict = described.get(at)
                    if conflict is not None:
                        key = _source_key(unit, memory_header.srclang)
                        conflict_units[conflict][candidates[conflict].index(at)] = (unit, key[0] if key else "")
                    unit_rank = int(rank[at])
                    if out is None or waiting is None or unit_rank < 0:
                        continue
                    scratch.seek(0)
                    scratch.truncate()
                    serializer.write(unit)
                    if unit_rank == next_rank:
                        out.write(scratch.getvalue())
                        next_rank = waiting.write_ready(out, next_rank + 1)
                    else:
                        waiting.hold(unit_rank, scratch.getvalue())
                if count != expected:
                    raise InputError(f"read {count:,} units, {expected:,} a moment before: changed while merged")
            if writer is not None:
                if next_rank != total:
                    raise InputError("a memory changed while merged")
                writer.close()
    except TextTooLongError as exc:
        raise TextTooLongError(f"{exc.message}; nothing written", path=path) from None
    summary.written = total
    for units_of_conflict in conflict_units:
        found = [pair for pair in units_of_conflict if pair is not None]
        source = found[0][0].variant(found[0][1], region_fallback=True) if found else None
        text = source.text if source else ""
        kept = [unit for unit, _ in found]
        summary.conflicts.append(Conflict(text, kept, f"{len(kept)} different translations of {text!r}"))
    return summary


class _WaitingUnits:
    """Units written before their turn, kept in a temporary file beside the output until it comes."""

    def __init__(self, path: str | os.PathLike[str], total: int) -> None:
        import numpy as np

        self._folder = os.path.dirname(os.path.realpath(os.fspath(path))) or "."
        self._offsets = np.full(total, -1, dtype=np.int64)
        self._lengths = np.zeros(total, dtype=np.int64)
        self._file: IO[bytes] | None = None

    def __enter__(self) -> _WaitingUnits:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._file is not None:
            self._file.close()

    def hold(self, rank: int, text: str) -> None:
        if self._file is None:
            # Closed by __exit__; beside the output, on its disk, not in a /tmp that may be memory.
            self._file = tempfile.TemporaryFile(dir=self._folder, prefix=".tmkit-merge-")  # noqa: SIM115
        data = text.encode("utf-8", "surrogatepass")
        self._file.seek(0, os.SEEK_END)
        self._offsets[rank] = self._file.tell()
        self._lengths[rank] = len(data)
        self._file.write(data)

    def write_ready(self, out: IO[str], rank: int) -> int:
        """Write the waiting units from ``rank`` on whose turn has come; the next rank still to write."""
        offsets = self._offsets
        while rank < len(offsets) and offsets[rank] >= 0:
            assert self._file is not None
            self._file.seek(int(offsets[rank]))
            out.write(self._file.read(int(self._lengths[rank])).decode("utf-8", "surrogatepass"))
            offsets[rank] = -1
            rank += 1
        return rank


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
