"""Combining memories: two-way merge with an explicit duplicate/conflict policy, and git's three-way merge."""

from __future__ import annotations

import bisect
import contextlib
import copy
import dataclasses
import hashlib
import heapq
import io
import itertools
import os
import tempfile
from collections.abc import Callable, Container, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from tmkit.atomic import atomic_write

# Defined in tmkit.defaults, where the CLI reads them without importing this module.
from tmkit.defaults import CONFLICTS_DESCRIBED, DEFAULT_CONFLICT_POLICY, ConflictPolicy
from tmkit.errors import InputError
from tmkit.memory.dates import canonical_tmx_date
from tmkit.memory.digests import DIGEST_BYTES, RecordSort, digest
from tmkit.memory.model import DOCUMENT_PROP, Header, Memory, Prop, TranslationUnit, Variant

#: The prop that marks each version of a unit a three-way merge could not settle; its value is the side.
CONFLICT_PROP = "x-tmkit-conflict"
OURS = "ours"
THEIRS = "theirs"

_Item = TypeVar("_Item")
_Key = TypeVar("_Key", bound=Hashable)


@dataclass(slots=True)
class Conflict:
    """Units that disagree: the same source with different translations, or a 3-way clash."""

    key: str
    units: list[TranslationUnit]
    description: str
    #: Which memory each unit came from, when known: its place among the memories merged (a three-way merge's ours
    #: 0, theirs 1), so that a report can name the file of each line.
    sources: tuple[int, ...] = ()


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


#: Hex digits of the tuid a memory gives a new source (`source_tuid`): 64 bits, so that two of a million sources
#: share one with a probability of about 3 in 10^8 (and one that does is told apart by a count).
SOURCE_TUID_HEX = 16


def source_tuid(key: SourceKey) -> str:
    """The tuid of a source (its language and segment, codes and all) new to a memory: the same on every clone of a
    team's project, and another for another source, where numbering from the memory's last tuid gave two clones'
    different new units one tuid (git's merge driver, which matches units by tuid, took them for one unit added
    differently on both sides)."""
    return hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=SOURCE_TUID_HEX // 2).hexdigest()


def give_free_tuids(memory: Memory, added: Sequence[TranslationUnit]) -> None:
    """Give units about to be merged into ``memory`` tuids that do not collide: a unit whose source the memory holds
    takes that unit's tuid (the same segment saved again keeps its id), one whose source it lacks the tuid of its
    source (`source_tuid`), a unit without a source the next free number. Working files number their units from 1
    each, so a project's memory fed by several documents held units of one tuid and different sources (`tmkit
    validate --strict` refuses it), and two clones of a team's project gave their different new units one tuid."""
    by_source: dict[SourceKey, str] = {}
    used: set[str] = set()
    for unit in memory.units:
        if unit.tuid:
            used.add(unit.tuid)
            key = _source_key(unit, memory.header.srclang)
            if key is not None:
                by_source.setdefault(key, unit.tuid)
    following = max((int(tuid) for tuid in used if tuid.isdigit()), default=0) + 1
    for unit in added:
        key = _source_key(unit, memory.header.srclang)
        known = by_source.get(key) if key is not None else None
        if known is not None:
            unit.tuid = known
            continue
        if key is not None:
            tuid = source_tuid(key)
            count = 1
            while tuid in used:  # (another source's: a collision, or a tuid written by hand)
                count += 1
                tuid = f"{source_tuid(key)}-{count}"
            unit.tuid = tuid
        elif unit.tuid is None or unit.tuid in used:
            while str(following) in used:
                following += 1
            unit.tuid = str(following)
        used.add(unit.tuid)
        if key is not None:
            by_source[key] = unit.tuid


def drop_conflicts_settled_by(memory: Memory, units: Sequence[TranslationUnit]) -> int:
    """Take out of ``memory`` the versions of its merge conflicts (marked `x-tmkit-conflict`) whose source one of
    ``units`` has; how many went. For a memory the editor adds confirmed pairs to: a segment a team's sync left
    twice in it is settled in the working file, and the pair confirmed there is the one kept. Merged in beside the
    marked versions, it was taken for one of them and the other stayed marked, the memory unsettled for good.
    Matched by source, not tuid: a version of another source that shares the tuid is another segment's work, and
    stays (to be settled when that segment is saved)."""
    srclang = memory.header.srclang
    settled = {key for unit in units if (key := _source_key(unit, srclang)) is not None}
    kept = [unit for unit in memory.units if conflict_side(unit) is None or _source_key(unit, srclang) not in settled]
    dropped = len(memory.units) - len(kept)
    memory.units = kept
    return dropped


def _translation_key(unit: TranslationUnit, source_lang_key: str) -> Hashable:
    """The translations of a unit (all variants but the source), as comparable data."""
    return tuple(
        sorted(
            (v.lang.lower().replace("_", "-"), repr(v.segment.content))
            for v in unit.variants
            if v.lang.lower().replace("_", "-").split("-")[0] != source_lang_key
        )
    )


def duplicate_key(unit: TranslationUnit, srclang: str | None) -> Hashable | None:
    """What a unit and its duplicates share, as `merge_memories` tells them: the source (its language and content,
    codes and all) and every translation; None for a unit without a source, which duplicates nothing."""
    key = _source_key(unit, srclang)
    return None if key is None else (key, _translation_key(unit, key[0]))


def change_date(unit: TranslationUnit) -> str:
    """When a unit was last changed, as its TMX dates say (the latest of its and its variants' change or creation
    dates; "" for none): what NEWEST compares, and which of two duplicates is kept."""
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
    source_of: dict[int, int] = {}  # which memory each unit came from, by the unit's id
    for number, memory in enumerate(memories):
        for unit in memory.units:
            source_of[id(unit)] = number
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
                if change_date(unit) > change_date(kept):
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
            sources = tuple(source_of[id(unit)] for unit in candidates)
            description = f"{len(candidates)} different translations of {text!r}"
            result.conflicts.append(Conflict(text, candidates, description, sources))
            if policy is ConflictPolicy.FIRST:
                candidates = candidates[:1]
            elif policy is ConflictPolicy.LAST:
                candidates = candidates[-1:]
            elif policy is ConflictPolicy.NEWEST:
                newest = max(change_date(u) for u in candidates)
                candidates = [next(u for u in candidates if change_date(u) == newest)]
        result.memory.units.extend(candidates)
    if policy is ConflictPolicy.FAIL and result.conflicts:
        result.memory.units = []
    return result


#: A memory a streamed merge reads twice: called once a pass, it opens the memory afresh (header and units).
OpenMemory = Callable[[], tuple[Header, Iterable[TranslationUnit]]]
#: Units a described conflict lists at most (its description still counts them all): one source given a
#: million translations must not be held whole to be described.
CONFLICT_UNITS_DESCRIBED = 1000
#: Bytes of a change date a streamed merge compares (a TMX date has 16; longer odd forms by their start).
DATE_BYTES = 20
#: Units that wait for their turn (their place in the temporary file) held in a dict before they are
#: sorted into a run on disk: some 6 MB.
WAITING_HELD = 1 << 15
#: Entries read from each run of waiting units at a time.
_WAITING_BLOCK = 128
_LAST_POSITION = (1 << 64) - 1
#: A unit with a source, as the first sort has it: source digest, translations digest, change date,
#: and its place inverted (so that of equal dates the first comes last, where the kept unit is taken).
_UNIT_RECORD = 2 * DIGEST_BYTES + DATE_BYTES + 8
#: A run of units with one source and the same translations: source digest, the run's first place,
#: the change date and place of the unit kept.
_RUN_RECORD = DIGEST_BYTES + 8 + DATE_BYTES + 8
#: A unit to write: its group's first place, its run's first place (which order the output), its place.
_KEPT_RECORD = 24
#: A unit to write by place: its place and its rank in the output.
_RANK_RECORD = 16


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


def _fields(block: Any, width: int) -> Any:
    """The records of a sorted block as a (records, bytes) array of uint8, to slice fields from."""
    import numpy as np

    return np.frombuffer(block.tobytes(), dtype=np.uint8).reshape(-1, width)


def _date_bytes(unit: TranslationUnit) -> bytes:
    """A unit's change date as the `DATE_BYTES` a streamed merge's records hold (cut, or padded with NULs)."""
    return change_date(unit).encode("utf-8", "surrogatepass")[:DATE_BYTES].ljust(DATE_BYTES, b"\0")


def _column(fields: Any, start: int, width: int) -> list[bytes]:
    """The ``width`` bytes at ``start`` of each record, as numpy's bytes, which drop trailing NULs: digests
    end in another byte, and dates padded with NULs compare the same without them."""
    import numpy as np

    return list(np.ascontiguousarray(fields[:, start : start + width]).view(f"S{width}").ravel().tolist())


def _numbers(fields: Any, start: int) -> Any:
    """The big-endian 8-byte numbers at ``start`` of each record."""
    import numpy as np

    return np.ascontiguousarray(fields[:, start : start + 8]).view(">u8").ravel().astype(np.int64)


def _runs_of(units: RecordSort, runs: RecordSort) -> int:
    """Reduce the sorted units to runs (same source and translations) into ``runs``; how many runs.

    In a run the unit kept is the newest, the first of equals (the last record: dates ascend, places
    descend), and the run takes the place of its first unit. A run that goes on past the end of a
    block is carried into the next.
    """
    import numpy as np

    count = 0
    carried: tuple[bytes, int, bytes, int] | None = None  # source and translations, first place, date, place kept
    for block in units.sorted_blocks():
        fields = _fields(block, _UNIT_RECORD)
        keys = np.ascontiguousarray(fields[:, : 2 * DIGEST_BYTES]).view(f"V{2 * DIGEST_BYTES}").ravel()
        places = _LAST_POSITION - np.ascontiguousarray(fields[:, -8:]).view(">u8").ravel()
        places = places.astype(np.int64)
        starts = np.ones(len(keys), dtype=bool)
        starts[1:] = keys[1:] != keys[:-1]
        if carried is not None and keys[0].tobytes() == carried[0]:
            starts[0] = False
        # Pieces: the runs met in this block, the first perhaps the end of the carried one.
        piece_starts = np.flatnonzero(starts) if starts[0] else np.r_[0, np.flatnonzero(starts)]
        piece_ends = np.r_[piece_starts[1:], len(keys)] - 1
        firsts = np.minimum.reduceat(places, piece_starts)
        if not starts[0]:
            assert carried is not None
            last = int(piece_ends[0])
            carried = (
                carried[0],
                min(carried[1], int(firsts[0])),
                fields[last, 2 * DIGEST_BYTES : -8].tobytes(),
                int(places[last]),
            )
            if len(piece_starts) == 1:
                continue
            piece_starts, piece_ends, firsts = piece_starts[1:], piece_ends[1:], firsts[1:]
        if carried is not None:
            runs.add(_run_record(*carried))
            count += 1
        complete = piece_ends[:-1]
        if len(complete):
            records = np.empty((len(complete), _RUN_RECORD), dtype=np.uint8)
            records[:, :DIGEST_BYTES] = fields[complete, :DIGEST_BYTES]
            records[:, DIGEST_BYTES : DIGEST_BYTES + 8] = firsts[:-1].astype(">u8").view(np.uint8).reshape(-1, 8)
            records[:, DIGEST_BYTES + 8 : -8] = fields[complete, 2 * DIGEST_BYTES : -8]
            records[:, -8:] = places[complete].astype(">u8").view(np.uint8).reshape(-1, 8)
            runs.add_many(records.tobytes())
            count += len(complete)
        last = int(piece_ends[-1])
        carried = (
            fields[last, : 2 * DIGEST_BYTES].tobytes(),
            int(firsts[-1]),
            fields[last, 2 * DIGEST_BYTES : -8].tobytes(),
            int(places[last]),
        )
    if carried is not None:
        runs.add(_run_record(*carried))
        count += 1
    return count


def _run_record(key: bytes, first: int, date: bytes, kept: int) -> bytes:
    """A `_RUN_RECORD` from a run's source and translations digests, first place, date and place kept."""
    return key[:DIGEST_BYTES] + first.to_bytes(8, "big") + date + kept.to_bytes(8, "big")


def _kept_record(group_first: int, first: int, place: int) -> bytes:
    return group_first.to_bytes(8, "big") + first.to_bytes(8, "big") + place.to_bytes(8, "big")


class _Groups:
    """Settles each source's runs (sorted by source, then by first place) by the policy, a group at a time.

    The units kept go to ``kept`` by their place in the output; the first `CONFLICTS_DESCRIBED`
    conflicts in output order keep the places of their units (at most `CONFLICT_UNITS_DESCRIBED` each).
    """

    def __init__(self, policy: ConflictPolicy, kept: RecordSort) -> None:
        self.policy, self.kept = policy, kept
        # FAIL keeps all too: it writes only if there is no conflict.
        self._keeps_all = policy is ConflictPolicy.KEEP_ALL or policy is ConflictPolicy.FAIL
        self.conflicts = 0
        #: The conflicts described so far, as a heap on their first place negated (the latest on top).
        self.described: list[tuple[int, int, list[int]]] = []
        self._source: bytes | None = None
        self._group_first = self._runs = 0
        self._candidate: tuple[int, int] | None = None  # first place and place kept, for LAST and NEWEST
        self._candidate_date = b""
        self._places: list[int] | None = None

    def run(self, source: bytes, first: int, date: bytes, place: int) -> None:
        if source != self._source:
            self.finish()
            self._source, self._group_first, self._runs, self._candidate = source, first, 0, None
            full = len(self.described) == CONFLICTS_DESCRIBED
            # A group is described only if it comes before the latest described so far.
            self._places = [] if not full or first < -self.described[0][0] else None
        self._runs += 1
        policy = self.policy
        if self._keeps_all or (policy is ConflictPolicy.FIRST and self._runs == 1):
            self.kept.add(_kept_record(self._group_first, first, place))
        elif policy is ConflictPolicy.LAST:
            self._candidate = (first, place)
        elif policy is ConflictPolicy.NEWEST and (self._candidate is None or date > self._candidate_date):
            # The newest, the first of equals (runs come by first place).
            self._candidate, self._candidate_date = (first, place), date
        if self._places is not None and len(self._places) < CONFLICT_UNITS_DESCRIBED:
            self._places.append(place)

    def finish(self) -> None:
        """Close the group in hand."""
        if self._source is None:
            return
        if self._candidate is not None:
            self.kept.add(_kept_record(self._group_first, *self._candidate))
        if self._runs > 1:
            self.conflicts += 1
            if self._places is not None:
                entry = (-self._group_first, self._runs, self._places)
                if len(self.described) < CONFLICTS_DESCRIBED:
                    heapq.heappush(self.described, entry)
                else:
                    heapq.heapreplace(self.described, entry)
        self._source = None


def merge_streams(
    memories: Sequence[OpenMemory],
    path: str | os.PathLike[str],
    *,
    policy: ConflictPolicy = DEFAULT_CONFLICT_POLICY,
) -> StreamedMerge:
    """`merge_memories` of memories too large to hold, written to ``path`` as TMX (atomically).

    The same units in the same order as `merge_memories` (and so the same bytes from `write_tmx`),
    in two passes over each memory, in bounded memory at any size: the first pass records a digest
    of each unit's source and translations, its change date and its place (52 bytes), and external
    sorts (`RecordSort`, runs in temporary files beside ``path``) work out which units are kept and
    in which order; the second pass writes them. A unit that comes before its turn (a source met
    again later pulls the later unit up to its first place) waits in a temporary file beside
    ``path``, not in memory. With `ConflictPolicy.FAIL` and a conflict nothing is written. A memory
    that reads differently the second time raises `InputError`.
    """
    import numpy as np

    if not memories:
        raise ValueError("merge needs at least one memory")
    folder = os.path.dirname(os.path.realpath(os.fspath(path))) or "."
    summary = StreamedMerge()
    with contextlib.ExitStack() as sorts:
        units = sorts.enter_context(RecordSort(_UNIT_RECORD, folder=folder))
        kept = sorts.enter_context(RecordSort(_KEPT_RECORD, folder=folder))
        header: Header | None = None
        per_memory: list[int] = []
        position = 0
        for opener in memories:
            memory_header, memory_units = opener()
            header = header or copy.deepcopy(memory_header)
            count = marked = 0
            for unit in memory_units:
                key = _source_key(unit, memory_header.srclang)
                if key is None:  # kept as it is, in its place
                    kept.add(_kept_record(position, position, position))
                else:
                    units.add(
                        digest(key)
                        + digest(_translation_key(unit, key[0]))
                        + _date_bytes(unit)
                        + (_LAST_POSITION - position).to_bytes(8, "big")
                    )
                marked += conflict_side(unit) is not None
                count += 1
                position += 1
            per_memory.append(count)
            summary.conflict_units.append(marked)
        assert header is not None
        summary.read = position
        with RecordSort(_RUN_RECORD, folder=folder) as runs:
            summary.duplicates_dropped = len(units) - _runs_of(units, runs)
            units.close()
            groups = _Groups(policy, kept)
            for block in runs.sorted_blocks():
                fields = _fields(block, _RUN_RECORD)
                sources = _column(fields, 0, DIGEST_BYTES)
                firsts = _numbers(fields, DIGEST_BYTES).tolist()
                dates = _column(fields, DIGEST_BYTES + 8, DATE_BYTES)
                places = _numbers(fields, _RUN_RECORD - 8).tolist()
                for run in zip(sources, firsts, dates, places, strict=True):
                    groups.run(*run)
            groups.finish()
        summary.conflict_count = groups.conflicts
        writing = not (policy is ConflictPolicy.FAIL and summary.conflict_count)
        # The conflicts described, in output order, and for each unit of theirs: which conflict, which candidate.
        candidates = [places for _, _, places in sorted(groups.described, reverse=True)]
        sizes = [size for _, size, _ in sorted(groups.described, reverse=True)]
        described = {place: (n, i) for n, places in enumerate(candidates) for i, place in enumerate(places)}
        ranks = sorts.enter_context(RecordSort(_RANK_RECORD, folder=folder))
        total = 0
        if writing:
            for block in kept.sorted_blocks():
                places = _numbers(_fields(block, _KEPT_RECORD), 16)
                records = np.empty((len(places), 2), dtype=">u8")
                records[:, 0] = places
                records[:, 1] = np.arange(total, total + len(places)) * _MARK_SPAN
                ranks.add_many(records.tobytes())
                total += len(places)
        kept.close()
        conflict_units: list[list[tuple[TranslationUnit, str, int] | None]] = [[None] * len(c) for c in candidates]
        ends = list(itertools.accumulate(per_memory))  # the places past each memory's units

        def watch(at: int, unit: TranslationUnit, memory_header: Header) -> None:
            conflict, candidate = described[at]
            key = _source_key(unit, memory_header.srclang)
            conflict_units[conflict][candidate] = (unit, key[0] if key else "", bisect.bisect_right(ends, at))

        _write_by_rank(
            memories,
            per_memory,
            _ranks_by_place(ranks),
            path,
            header=header if writing else None,
            total=total,
            folder=folder,
            watched=described,
            watch=watch,
        )
    summary.written = total
    for units_of_conflict, size in zip(conflict_units, sizes, strict=True):
        found = [pair for pair in units_of_conflict if pair is not None]
        source = found[0][0].variant(found[0][1], region_fallback=True) if found else None
        text = source.text if source else ""
        summary.conflicts.append(
            Conflict(
                text,
                [unit for unit, _, _ in found],
                f"{size} different translations of {text!r}",
                tuple(memory for _, _, memory in found),
            )
        )
    return summary


def _ranks_by_place(ranks: RecordSort) -> Iterator[tuple[int, int]]:
    """Each unit to write, by place: its place, and its rank times `_MARK_SPAN` plus its `_MARKS` index."""
    for block in ranks.sorted_blocks():
        fields = _fields(block, _RANK_RECORD)
        yield from zip(_numbers(fields, 0).tolist(), _numbers(fields, 8).tolist(), strict=True)


#: How a unit is written, by the low bits of its rank record: as it is, or marked as our or their version.
_MARKS = (None, OURS, THEIRS)
#: A rank record holds the rank times this, plus the mark.
_MARK_SPAN = 4


def _write_by_rank(
    memories: Sequence[OpenMemory],
    per_memory: Sequence[int],
    ranked: Iterator[tuple[int, int]],
    path: str | os.PathLike[str],
    *,
    header: Header | None,
    total: int,
    folder: str,
    watched: Container[int],
    watch: Callable[[int, TranslationUnit, Header], None],
) -> None:
    """Pass two of a streamed merge: read the memories again and write the units ``ranked`` gives in rank order.

    ``ranked`` gives (place, rank × `_MARK_SPAN` + mark) by place, places counted across the memories in
    order; ``header`` None writes nothing (the pass only watches). Units at a place in ``watched``
    go to ``watch``. A unit read before its turn waits in a temporary file in ``folder``. A memory
    that reads differently from the first pass (``per_memory`` units each) raises `InputError`.
    """
    from tmkit.formats.tmx_writer import TextTooLongError, TmxWriter

    scratch = io.StringIO()  # one unit's TMX at a time
    serializer = TmxWriter(scratch, header or Header())
    try:
        with contextlib.ExitStack() as stack:
            out = stack.enter_context(atomic_write(path)) if header is not None else None
            writer = TmxWriter(out, header) if out is not None and header is not None else None
            waiting = stack.enter_context(_WaitingUnits(folder)) if out is not None else None
            next_place, next_ranked = next(ranked, (-1, -1))
            next_rank = position = 0
            for opener, expected in zip(memories, per_memory, strict=True):
                memory_header, memory_units = opener()
                count = 0
                for unit in memory_units:
                    count += 1
                    at, position = position, position + 1
                    if count > expected:
                        break
                    if at in watched:
                        watch(at, unit, memory_header)
                    if at != next_place:
                        continue
                    unit_rank, mark = divmod(next_ranked, _MARK_SPAN)
                    next_place, next_ranked = next(ranked, (-1, -1))
                    if out is None or waiting is None:
                        continue
                    scratch.seek(0)
                    scratch.truncate()
                    side = _MARKS[mark]
                    serializer.write(unit if side is None else _mark(unit, side))
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


class _WaitingUnits:
    """Units written before their turn, kept in a temporary file until it comes.

    Where each one is (its rank, offset and length) is held in a dict up to `WAITING_HELD`
    entries, then sorted by rank into a run in a second temporary file; the ranks written go up
    one at a time, so each run is read forwards, a block at a time, from a heap of their heads.
    """

    def __init__(self, folder: str) -> None:
        self._folder = folder
        self._file: IO[bytes] | None = None
        self._index: IO[bytes] | None = None
        self._held: dict[int, tuple[int, int]] = {}
        self._runs: list[_WaitingRun] = []
        self._heads: list[tuple[int, int]] = []  # (rank, run) of each run's next entry

    def __enter__(self) -> _WaitingUnits:
        return self

    def __exit__(self, *_exc: object) -> None:
        for file in (self._file, self._index):
            if file is not None:
                file.close()

    def _temporary(self) -> IO[bytes]:
        # Closed by __exit__; beside the output, on its disk, not in a /tmp that may be memory.
        return tempfile.TemporaryFile(dir=self._folder, prefix=".tmkit-merge-")

    def hold(self, rank: int, text: str) -> None:
        if self._file is None:
            self._file = self._temporary()
        data = text.encode("utf-8", "surrogatepass")
        self._file.seek(0, os.SEEK_END)
        self._held[rank] = (self._file.tell(), len(data))
        self._file.write(data)
        if len(self._held) >= WAITING_HELD:
            self._spill()

    def _spill(self) -> None:
        import numpy as np

        if self._index is None:
            self._index = self._temporary()
        entries = np.array(sorted((r, o, n) for r, (o, n) in self._held.items()), dtype=">u8")
        self._held = {}
        self._index.seek(0, os.SEEK_END)
        run = _WaitingRun(self._index, self._index.tell(), len(entries))
        self._index.write(entries.tobytes())
        self._runs.append(run)
        heapq.heappush(self._heads, (run.head(), len(self._runs) - 1))

    def _write(self, out: IO[str], offset: int, length: int) -> None:
        assert self._file is not None
        self._file.seek(offset)
        out.write(self._file.read(length).decode("utf-8", "surrogatepass"))

    def write_ready(self, out: IO[str], rank: int) -> int:
        """Write the waiting units from ``rank`` on whose turn has come; the next rank still to write."""
        while True:
            held = self._held.pop(rank, None)
            if held is not None:
                self._write(out, *held)
            elif self._heads and self._heads[0][0] == rank:
                run = self._runs[self._heads[0][1]]
                self._write(out, *run.take())
                if run.left:
                    heapq.heapreplace(self._heads, (run.head(), self._heads[0][1]))
                else:
                    heapq.heappop(self._heads)
            else:
                return rank
            rank += 1


class _WaitingRun:
    """One run of waiting units' entries (rank, offset, length) sorted by rank, read forwards."""

    def __init__(self, file: IO[bytes], start: int, length: int) -> None:
        self._file, self._next, self.left = file, start, length
        self._block: list[list[int]] = []

    def head(self) -> int:
        if not self._block:
            import numpy as np

            count = min(self.left, _WAITING_BLOCK)
            self._file.seek(self._next)
            data = self._file.read(count * 24)
            self._next += len(data)
            self._block = np.frombuffer(data, dtype=">u8").reshape(-1, 3)[::-1].tolist()
        return self._block[-1][0]

    def take(self) -> tuple[int, int]:
        """The offset and length of the head entry, which is removed."""
        self.head()
        _, offset, length = self._block.pop()
        self.left -= 1
        return offset, length


def _identity_keys(memory: Memory) -> list[tuple[Hashable, int]]:
    """A key for each unit that says which unit it is across versions of one file.

    The tuid when the unit has one, else its source text; the nth unit with the same key is
    told apart from the others by n.
    """
    seen: dict[Hashable, int] = {}
    keys: list[tuple[Hashable, int]] = []
    for unit in memory.units:
        base = _identity(unit, memory.header.srclang)
        n = seen.get(base, 0)
        seen[base] = n + 1
        keys.append((base, n))
    return keys


def _identity(unit: TranslationUnit, srclang: str | None) -> Hashable:
    """Which unit this is across versions of one file: its tuid, else its source, else its variants."""
    if unit.tuid:
        return ("tuid", unit.tuid)
    source = _source_key(unit, srclang)
    return ("source", source) if source is not None else ("unit", repr(unit.variants))


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


def same_apart_from_dates(a: TranslationUnit, b: TranslationUnit) -> bool:
    """Whether two units say the same (text, status, props, notes) and differ at most in who/when/usage.

    Two branches that make the same translation (or both add the unit, as two runs of `align`
    on one document do) differ only there: that is one change, not a conflict.
    """
    return _undated(a) == _undated(b)


def _newest(a: TranslationUnit, b: TranslationUnit) -> TranslationUnit:
    return b if change_date(b) > change_date(a) else a


def untranslated(unit: TranslationUnit, srclang: str | None) -> bool:
    """Whether a unit holds nothing a person wrote but its source: no target text, no note (a segment not started).

    Two clones that each made a project's working file add its units on both sides; where one translated a segment
    and the other had not touched it, there is one change, not two: the translation. A note, or any target text,
    is someone's work, and such a unit is never taken for blank."""
    source = unit.source_lang(srclang)
    if source is None or unit.notes:
        return False
    source_key = source.lower().replace("_", "-").split("-")[0]
    for variant in unit.variants:
        if variant.notes:
            return False
        other = variant.lang.lower().replace("_", "-").split("-")[0] != source_key
        # (Codes are work too: the translation of a segment that is only a footnote reference is that code.)
        if other and (variant.text.strip() or variant.segment.has_markup):
            return False
    return True


def merge_three_way(base: Memory | None, ours: Memory, theirs: Memory) -> MergeResult:
    """Merge two versions of a memory that share an ancestor, unit by unit (git's merge driver).

    A unit changed on one side only takes that change (a deletion included); the same change
    on both sides is taken once (the most recently dated copy when only dates differ). A unit
    changed differently on both sides is a conflict: both versions are kept, marked with a
    `x-tmkit-conflict` prop (`ours` / `theirs`) for a person to settle. Order: our units as they
    stand, then units only they added, in their order.

    ``base`` None means the two versions have no ancestor (both branches added the file; git
    passes an empty base): every unit is an addition, units both added alike are kept once and a
    unit both added with different translations is a conflict. A unit both added (absent from
    the base) that one side left untranslated (`untranslated`) and the other translated takes the
    translation: only one side changed what the segment says. The header is merged three-way
    too (`merge_headers`).
    """
    ancestor = base if base is not None else Memory(ours.header, [])
    base_map = dict(zip(_identity_keys(ancestor), ancestor.units, strict=True))
    ours_keys = _identity_keys(ours)
    theirs_map = dict(zip(_identity_keys(theirs), theirs.units, strict=True))
    ours_set = set(ours_keys)
    ours_srclang, theirs_srclang = ours.header.srclang, theirs.header.srclang
    header, header_conflicts = merge_headers(base.header if base is not None else None, ours.header, theirs.header)
    result = MergeResult(Memory(header, []), header_conflicts=header_conflicts)
    out = result.memory.units

    def one_translated(a: TranslationUnit, t: TranslationUnit) -> bool:
        return untranslated(a, ours_srclang) != untranslated(t, theirs_srclang)

    def settle(key: tuple[Hashable, int], a: TranslationUnit | None) -> None:
        b = base_map.get(key)
        t = theirs_map.get(key)
        if a == t or t == b:
            chosen = a
        elif a == b:
            chosen = t
        elif a is not None and t is not None and same_apart_from_dates(a, t):
            chosen = _newest(a, t)
        elif b is None and a is not None and t is not None and one_translated(a, t):
            chosen = a if untranslated(t, theirs_srclang) else t  # both added it, one translated it
        else:
            both = [u for u in (a, t) if u is not None]
            label = _describe(both[0])
            if len(both) == 1:
                what = "changed on one side and deleted on the other"
            elif b is None:
                what = "added differently on both sides"
            else:
                what = "changed on both sides"
            sides = tuple(side for side, unit in enumerate((a, t)) if unit is not None)
            result.conflicts.append(Conflict(label, both, f"{label} {what}", sides))
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


def put_in_their_order(merged: Memory, theirs: Memory) -> None:
    """Put the units of a three-way merge (`merge_three_way`) in the order ``theirs`` has them, each unit they do not
    hold (a unit only ours has) right after the unit it follows in the merge, and a conflict's second copy right after
    its first.

    For an editor merging with a working file changed on disk: a file carried over to a new version of its document
    (`tmkit pretranslate --update`) has its units in the document's new order, with new segments in place, where
    the merge's own order (ours, then theirs' additions at the end) is the old version's."""
    where = dict(zip(_identity_keys(theirs), itertools.count(), strict=False))
    seen: dict[Hashable, int] = {}
    order: list[tuple[int, int, int]] = []
    last, previous = -1, None
    for number, unit in enumerate(merged.units):
        identity = _identity(unit, merged.header.srclang)
        if conflict_side(unit) == THEIRS and previous is not None and previous == (identity, OURS):
            # (Numbered as a unit of its own, theirs of a repeated source would go to the next of its repeats.)
            order.append((last, 1, number))
            previous = None
            continue
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        at = where.get((identity, occurrence))
        if at is not None:
            last = at
        order.append((last, 0 if at is not None else 1, number))
        previous = (identity, conflict_side(unit))
    merged.units = [merged.units[number] for _at, _after, number in sorted(order)]


#: Fields of a unit and of a variant that say who changed it and when (a change of them alone is no conflict).
_DATED_FIELDS = ("creation_date", "creation_id", "change_date", "change_id", "usage_count", "last_usage_date")


def _undated_form(variant: Variant) -> tuple[object, ...]:
    return (variant.lang, variant.segment, variant.props, variant.notes, sorted(variant.extra_attrs.items()))


def _unit_digests(unit: TranslationUnit) -> bytes:
    """A unit's digest with its dates, then without: equal for units that are equal (`==`, so not their line), and
    for units equal apart from dates. The one with dates digests the one without and the dates of the unit and its
    variants, so the unit's texts are written out (`repr`, the most of a merge driver's digests) once, not twice."""
    undated = digest(
        (
            [_undated_form(variant) for variant in unit.variants],
            unit.tuid,
            unit.status,
            unit.rejected,
            unit.status_label,
            unit.srclang,
            unit.props,
            unit.notes,
            sorted(unit.extra_attrs.items()),  # a dict is equal whatever the order of its keys; its repr is not
        )
    )
    dates = (
        tuple(getattr(unit, name) for name in _DATED_FIELDS),
        [tuple(getattr(variant, name) for name in _DATED_FIELDS) for variant in unit.variants],
    )
    return digest((undated, dates)) + undated


def _identity_digest(unit: TranslationUnit, srclang: str | None) -> bytes:
    """The digest of what `_identity_keys` says a unit is, before the count that tells repeats apart."""
    return digest(_identity(unit, srclang))


#: A unit of one side of a three-way merge: identity digest, place, digests of it with and without dates, change date,
#: and a byte saying whether it is `untranslated`.
_SIDE_RECORD = DIGEST_BYTES + 8 + 2 * DIGEST_BYTES + DATE_BYTES + 1
#: A unit of the three-way merge's output: the place it is written at (ours first, by place, then theirs
#: only, by place; then which of a conflict's two versions), and the unit's place with its mark.
_PLACED_RECORD = 1 + 8 + 1 + 8 + 1


@dataclass(slots=True)
class _SideUnit:
    place: int
    dated: bytes
    undated: bytes
    date: bytes
    blank: bool


def _side_units(records: RecordSort) -> Iterator[tuple[bytes, int, _SideUnit]]:
    """Each unit of one side by identity: its identity digest, its count among units of that digest, and the unit."""
    last: bytes | None = None
    count = 0
    dated_at = DIGEST_BYTES + 8
    for block in records.sorted_blocks():
        fields = _fields(block, _SIDE_RECORD)
        for identity, place, dated, undated, date, blank in zip(
            _column(fields, 0, DIGEST_BYTES),
            _numbers(fields, DIGEST_BYTES).tolist(),
            _column(fields, dated_at, DIGEST_BYTES),
            _column(fields, dated_at + DIGEST_BYTES, DIGEST_BYTES),
            _column(fields, dated_at + 2 * DIGEST_BYTES, DATE_BYTES),
            fields[:, -1].tolist(),
            strict=True,
        ):
            count = count + 1 if identity == last else 0
            last = identity
            yield identity, count, _SideUnit(place, dated, undated, date, bool(blank))


def _same(a: _SideUnit | None, b: _SideUnit | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.dated == b.dated


@dataclass(slots=True)
class StreamedThreeWay:
    """What `merge_three_way_streams` did."""

    written: int = 0
    #: Units changed differently on both sides (both versions written, marked).
    conflict_count: int = 0
    #: The first `CONFLICTS_DESCRIBED` of them, in the order of the output, with their units.
    conflicts: list[Conflict] = field(default_factory=list)
    #: Header attributes, props or `ude`s changed differently on both sides (ours kept), one line each.
    header_conflicts: list[str] = field(default_factory=list)


def merge_three_way_streams(
    base: OpenMemory | None, ours: OpenMemory, theirs: OpenMemory, path: str | os.PathLike[str]
) -> StreamedThreeWay:
    """`merge_three_way` of memories too large to hold, written to ``path`` as TMX (atomically; it may be ours).

    The same units in the same order (and so the same bytes from `write_tmx`), in bounded memory
    at any size: a first pass over each memory records each unit's identity (tuid or source) and
    digests of it with and without its dates, external sorts (`RecordSort`, runs in temporary files
    beside ``path``) line the three versions of each unit up and settle it, and a second pass over
    ours and theirs writes the units kept in their order, a unit read before its turn waiting in a
    temporary file. ``base`` None: no common ancestor (both branches added the file).
    """
    import numpy as np

    folder = os.path.dirname(os.path.realpath(os.fspath(path))) or "."
    summary = StreamedThreeWay()
    with contextlib.ExitStack() as sorts:
        headers: list[Header | None] = []
        sides: list[RecordSort | None] = []
        counts: list[int] = []
        for opener in (base, ours, theirs):
            if opener is None:
                headers.append(None)
                sides.append(None)
                counts.append(0)
                continue
            side_header, side_units = opener()
            records = sorts.enter_context(RecordSort(_SIDE_RECORD, folder=folder))
            count = 0
            for unit in side_units:
                records.add(
                    _identity_digest(unit, side_header.srclang)
                    + count.to_bytes(8, "big")
                    + _unit_digests(unit)
                    + _date_bytes(unit)
                    + bytes((untranslated(unit, side_header.srclang),))
                )
                count += 1
            headers.append(side_header)
            sides.append(records)
            counts.append(count)
        base_header, ours_header, theirs_header = headers
        assert ours_header is not None and theirs_header is not None
        header, summary.header_conflicts = merge_headers(base_header, ours_header, theirs_header)
        ours_count = counts[1]
        placed = sorts.enter_context(RecordSort(_PLACED_RECORD, folder=folder))

        def place(after_ours: bool, at: int, second: bool, unit_place: int, mark: int) -> None:
            placed.add(
                bytes((after_ours,))
                + at.to_bytes(8, "big")
                + bytes((second,))
                + unit_place.to_bytes(8, "big")
                + bytes((mark,))
            )

        first_conflicts: list[tuple[tuple[int, int], str, int | None, int | None]] = []
        streams = [_side_units(records) if records is not None else iter(()) for records in sides]
        heads = [next(stream, None) for stream in streams]
        while heads[1] is not None or heads[2] is not None:
            identity = min((head[0], head[1]) for head in heads[1:] if head is not None)
            # The base's units no side has any more are passed by.
            while heads[0] is not None and (heads[0][0], heads[0][1]) < identity:
                heads[0] = next(streams[0], None)
            b, a, t = (head[2] if head is not None and (head[0], head[1]) == identity else None for head in heads)
            for n, version in enumerate((b, a, t)):
                if version is not None:
                    heads[n] = next(streams[n], None)
            theirs_place = None if t is None else ours_count + t.place
            after_ours, at = (False, a.place) if a is not None else (True, t.place if t is not None else 0)
            if _same(a, t) or _same(t, b):
                chosen = None if a is None else a.place
            elif _same(a, b):
                chosen = theirs_place
            elif a is not None and t is not None and a.undated == t.undated:
                chosen = theirs_place if t.date > a.date else a.place
            elif b is None and a is not None and t is not None and a.blank != t.blank:
                chosen = theirs_place if a.blank else a.place  # both added it, one translated it (`untranslated`)
            else:
                # The first conflicts in output order are described: a heap of them, the latest on top.
                order = (-after_ours, -at)
                if len(first_conflicts) < CONFLICTS_DESCRIBED or order > first_conflicts[0][0]:
                    if a is None or t is None:
                        kind = "changed on one side and deleted on the other"
                    elif b is None:
                        kind = "added differently on both sides"
                    else:
                        kind = "changed on both sides"
                    entry = (order, kind, None if a is None else a.place, theirs_place)
                    if len(first_conflicts) < CONFLICTS_DESCRIBED:
                        heapq.heappush(first_conflicts, entry)
                    else:
                        heapq.heapreplace(first_conflicts, entry)
                summary.conflict_count += 1
                if a is not None:
                    place(after_ours, at, False, a.place, _MARKS.index(OURS))
                if theirs_place is not None:
                    place(after_ours, at, True, theirs_place, _MARKS.index(THEIRS))
                continue
            if chosen is not None:
                place(after_ours, at, False, chosen, 0)
        for side in sides:
            if side is not None:
                side.close()
        ranks = sorts.enter_context(RecordSort(_RANK_RECORD, folder=folder))
        total = 0
        for block in placed.sorted_blocks():
            fields = _fields(block, _PLACED_RECORD)
            records_out = np.empty((len(fields), 2), dtype=">u8")
            records_out[:, 0] = _numbers(fields, 10)
            records_out[:, 1] = np.arange(total, total + len(fields)) * _MARK_SPAN + fields[:, -1]
            ranks.add_many(records_out.tobytes())
            total += len(fields)
        placed.close()
        kinds: list[str] = []
        described: dict[int, tuple[int, int]] = {}
        for _, kind, ours_place, theirs_place in sorted(first_conflicts, reverse=True):
            for which, at_place in enumerate((ours_place, theirs_place)):
                if at_place is not None:
                    described[at_place] = (len(kinds), which)
            kinds.append(kind)
        found: list[list[TranslationUnit | None]] = [[None, None] for _ in kinds]

        def watch(at: int, unit: TranslationUnit, _header: Header) -> None:
            conflict, version = described[at]
            found[conflict][version] = unit

        _write_by_rank(
            (ours, theirs),
            counts[1:],
            _ranks_by_place(ranks),
            path,
            header=header,
            total=total,
            folder=folder,
            watched=described,
            watch=watch,
        )
    summary.written = total
    for kind, versions in zip(kinds, found, strict=True):
        both = [unit for unit in versions if unit is not None]
        label = _describe(both[0]) if both else ""
        present = tuple(side for side, unit in enumerate(versions) if unit is not None)
        summary.conflicts.append(Conflict(label, both, f"{label} {kind}", present))
    return summary


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


def _values_of(header: Header, prop_type: str) -> list[str]:
    return [prop.value for prop in header.props if prop.type == prop_type]


def merge_headers(base: Header | None, ours: Header, theirs: Header) -> tuple[Header, list[str]]:
    """Three-way merge of a TMX header, with a line for each change both sides made differently.

    Attributes (`srclang`, `adminlang`, `segtype`, `datatype`, `o-tmf`, and unknown ones), props
    (by type and language), `ude`s (by name) and notes changed on one side only take that change;
    changed differently on both sides, ours is kept and a line says what theirs was. Dates are not
    conflicts: the creation date is the earlier of the two, the change date the later (each with
    its id). The creating tool is ours (tmkit names itself when it writes). ``base`` None: no
    common ancestor, so every difference is a change on both sides. A working file's record of its document version
    (`DOCUMENT_PROP`) is kept only where both sides hold the same.
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
    if _values_of(ours, DOCUMENT_PROP) != _values_of(theirs, DOCUMENT_PROP):
        # The units are both sides' now, of two document versions or one: which, only cutting the document tells
        # (the working file then checks it in full, not by the record of either side).
        merged.props = [prop for prop in merged.props if prop.type != DOCUMENT_PROP]
        prop_clashes = [clashed for clashed in prop_clashes if clashed[0][0] != DOCUMENT_PROP]
    for (prop_type, _), a_prop, t_prop in prop_clashes:
        clash(f"prop {prop_type}", a_prop.value if a_prop else None, t_prop.value if t_prop else None)
    merged.udes, ude_clashes = _merge_keyed(ancestor.udes, ours.udes, theirs.udes, lambda u: dict(u.attrs).get("name"))
    for ude_name, _, _ in ude_clashes:
        clashes.append(f"header ude {ude_name!r} changed on both sides: kept ours")
    merged.notes, _ = _merge_keyed(ancestor.notes, ours.notes, theirs.notes, lambda n: n)
    return merged, clashes
