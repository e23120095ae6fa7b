"""A translation memory shared in PostgreSQL: import and export, fuzzy lookups, versioned writes and live updates."""

from __future__ import annotations

import copy
import hashlib
import itertools
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from tmkit.defaults import CONFLICTS_DESCRIBED, DEFAULT_CONFLICT_POLICY, ConflictPolicy
from tmkit.errors import InputError, TmkitError
from tmkit.matching.match_percent import (
    EXACT,
    MATCH_LIMIT,
    MATCH_THRESHOLD,
    Breakdown,
    MatchScore,
    PreparedText,
    prepare,
    score_match,
)
from tmkit.matching.matcher import Match, SegmentTooLongError, too_long_to_match

# The file index's own rules for a unit's context, so that a database memory gives the same 101%.
from tmkit.matching.memory_index import CONTEXT_NEXT_PROPS, CONTEXT_PREV_PROPS, _LanguagePicker, context_hash
from tmkit.memory.confirmed import holds_source, into_unit
from tmkit.memory.langtags import ALL_LANGUAGES, lang_key, primary_subtag
from tmkit.memory.merge import CONFLICT_PROP, Conflict, change_date, duplicate_key
from tmkit.memory.model import Header, Prop, Segment, Status, TranslationUnit, Variant
from tmkit.shared.codec import header_from_json, header_to_json, unit_from_json, unit_to_json
from tmkit.shared.grams import GramArray, array_literal, count_grams, inner_word_grams, key_grams, key_grams_many
from tmkit.shared.schema import NOTIFY_CHANNEL, SCHEMA, require_current
from tmkit.shared.shortlist import CandidateKey, CandidateWalk
from tmkit.shared.urls import connect, database_errors, redacted
from tmkit.text.normalize import Normalizer

if TYPE_CHECKING:
    import psycopg

    from tmkit.formats.tmx_reader import ReadIssue
    from tmkit.matching.memory_index import MemoryIndex

#: Units sent to the server per COPY round (ids reserved for them at once).
IMPORT_BATCH_UNITS = 5000
#: Rows fetched at a time when a memory is read out of the database.
EXPORT_FETCH_ROWS = 2000
#: Most candidates the trigram index hands to tmkit's scoring per lookup, most similar first.
CANDIDATE_LIMIT = 200
#: The ``expected_version`` of a unit a writer looked for and did not find (stored versions start at 1).
NOT_STORED = 0
#: Segments a lookup may read through its trigrams' postings besides those of its guaranteed words (below).
GRAM_BUDGET = 4000
#: Words of a lookup whose rarest inner trigram is read whatever the budget, the rarest words: every segment holding
#: one of them is read, so every segment missing at most one of the query's words is. Two, because a match at the
#: cutoff of a query of two or three words may share one word: with one, recall@5 against the file index at
#: 1,000,000 units was 0.88 (short queries 0.74), with two 0.998 (short 0.991), with three no higher (one-off run on
#: the bench's memory, 300 queries).
GUARANTEED_WORDS = 2
#: The lookup's share of memory for the bitmap of the segments it reads: at PostgreSQL's default (4 MB) the bitmap
#: of a short query of common words (~100,000 segments at 1M units) turned lossy and every row of half its pages was
#: rechecked (a one-off run: 0.96-1.19 s against 0.69-0.79 s with this).
LOOKUP_WORK_MEM = "64MB"
#: The units holding a segment of this normalized key and language (through the key's hash index, migration 5).
UNITS_BY_KEY_SQL = f"SELECT unit_id FROM {SCHEMA}.segments WHERE key = %s AND language = %s ORDER BY unit_id"


def _batches(units: Iterable[TranslationUnit], size: int) -> Iterator[list[TranslationUnit]]:
    """The units in lists of ``size`` (the last shorter)."""
    iterator = iter(units)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _held_key(unit: TranslationUnit, srclang: str | None) -> Hashable | None:
    """What a unit and the units an import takes it to be held by share: its `duplicate_key`, or for a unit without
    a source (a header's srclang `*all*` and none of its own, as `tmkit export` writes for memories of several source
    languages) every variant, codes and all; None for a unit without variants. Without a source `duplicate_key` is
    None, and such a unit was imported again on every import of its file."""
    key = duplicate_key(unit, srclang)
    if key is not None or not unit.variants:
        return key
    return (ALL_LANGUAGES, tuple(sorted((lang_key(v.lang), repr(v.segment.content)) for v in unit.variants)))


def _held_source(key: Hashable) -> Hashable | None:
    """The source part of a `_held_key` (None for a unit without a source, which conflicts with nothing)."""
    if not isinstance(key, tuple) or key[0] == ALL_LANGUAGES:
        return None
    source: Hashable = key[0]
    return source


@dataclass(frozen=True)
class Imported:
    """What `SharedMemory.import_units` did with a file's units: added, left out as held already (``updated``: of
    those, how many held units the file's later-changed copy replaced), or settled by the conflict policy against
    the memory's other translations of their sources (``replaced``: the memory's units the file's translations
    replaced; ``left_out``: the file's units the memory's translations kept out). With `ConflictPolicy.FAIL` and
    conflicts, nothing is imported: ``conflicts`` describes the first of them, ``conflict_count`` counts them."""

    added: int
    held: int
    updated: int = 0
    replaced: int = 0
    left_out: int = 0
    conflicts: tuple[Conflict, ...] = ()
    conflict_count: int = 0


class _ImportRefused(Exception):
    """Raised inside an import's transaction to roll it back: `ConflictPolicy.FAIL` met a conflict."""


@dataclass
class _Settling:
    """What an import has settled so far against the units the memory held before it (`SharedMemory._settle`)."""

    policy: ConflictPolicy
    held: int = 0
    updated: int = 0
    left_out: int = 0
    #: Held units whose source the file gave other translations that win (LAST, NEWEST): deleted at the end, but
    #: for those the file holds too (``kept``), so that a later unit of the file can still find them held.
    outdone: set[int] = field(default_factory=set)
    kept: set[int] = field(default_factory=set)
    conflicts: list[Conflict] = field(default_factory=list)
    conflict_count: int = 0


class StaleUnitError(TmkitError):
    """A write that named a version of a unit another writer has since replaced: nothing was overwritten.

    ``ours`` is the unit as this writer meant to store it, ``theirs`` the one stored now (with its
    ``version``, who wrote it and when); `conflict_units` gives the two as the editor shows a merge
    conflict (marked ``x-tmkit-conflict`` ours and theirs).
    """

    def __init__(self, unit_id: int, *, expected: int, stored: StoredUnit | None, ours: TranslationUnit) -> None:
        self.unit_id = unit_id
        self.expected = expected
        self.stored = stored
        self.ours = ours
        if stored is None:
            message = f"unit {unit_id} was deleted by another writer since version {expected} was read"
        elif expected == NOT_STORED:
            message = (
                f"unit {unit_id} was added by {stored.changed_by} (version {stored.version}) after this writer found "
                "no unit for the pair: not overwritten"
            )
        else:
            message = (
                f"unit {unit_id} was changed by {stored.changed_by} (version {stored.version}) since version "
                f"{expected} was read: not overwritten"
            )
        super().__init__(message)

    def conflict_units(self) -> tuple[TranslationUnit, TranslationUnit | None]:
        """Ours and theirs, each a copy marked as a side of a merge conflict (theirs None when it was deleted)."""
        ours = copy.deepcopy(self.ours)
        ours.props.insert(0, Prop(CONFLICT_PROP, "ours"))
        if self.stored is None:
            return ours, None
        theirs = copy.deepcopy(self.stored.unit)
        theirs.props.insert(0, Prop(CONFLICT_PROP, "theirs"))
        return ours, theirs


@dataclass(frozen=True, slots=True)
class StoredUnit:
    """A unit as the database holds it: its id, the version a write must name, who wrote it last and when."""

    id: int
    version: int
    unit: TranslationUnit
    changed_by: str = ""
    changed_at: str = ""


class SharedMemory:
    """One memory in a PostgreSQL database that `tmkit db init` prepared; a connection of its own.

    Every statement is parameterized. Use as a context manager (or call `close`).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = redacted(url)
        self.conn: psycopg.Connection[tuple[Any, ...]] = connect(url, autocommit=True)
        try:
            require_current(self.conn, self.name)
            self.conn.execute("SELECT set_config('work_mem', %s, false)", [LOOKUP_WORK_MEM])
        except BaseException:
            self.conn.close()
            raise
        self._normalizers: dict[str, Normalizer] = {}

    def __enter__(self) -> SharedMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _normalizer(self, language: str) -> Normalizer:
        norm = self._normalizers.get(language)
        if norm is None:
            norm = self._normalizers[language] = Normalizer(language)
        return norm

    def _segment_rows(self, unit_id: int, unit: TranslationUnit) -> list[tuple[int, int, str, str]]:
        """The rows of `segments` for a unit: every variant's language and normalized text."""
        rows = []
        for number, variant in enumerate(unit.variants):
            language = primary_subtag(variant.lang)
            rows.append((unit_id, number, language, self._normalizer(language)(variant.text)))
        return rows

    # -- moving memories in and out -------------------------------------------------------------

    def import_units(
        self,
        units: Iterable[TranslationUnit],
        *,
        header: Header | None = None,
        on_progress: Callable[[int], None] | None = None,
        policy: ConflictPolicy = DEFAULT_CONFLICT_POLICY,
    ) -> Imported:
        """Add units at the end of the memory with COPY, all in one transaction; what was added, held, settled.

        A unit the memory held before this import (the same source and translations, codes and all: a duplicate as
        `tmkit merge` tells one) is not added again, so a file imported twice, or two files sharing pairs, leave
        each pair once; as `tmkit merge` keeps the most recently changed of duplicates, a held unit the file's copy
        changed after (its status, notes, dates) is replaced by that copy (but with FIRST: the memory's stays).
        A unit giving a source the memory held other translations is settled by ``policy``, as `tmkit merge`
        settles a conflict with the memory first and the file last: KEEP_ALL adds it beside them, FIRST leaves it
        out, LAST adds it and deletes the memory's units of that source (those the file holds too stay), NEWEST
        does as LAST when it changed after every one of them and as FIRST otherwise, FAIL imports nothing and
        says which. What the import itself adds is all kept (a file's own duplicates come back on export).
        Each segment's trigram hashes are computed here (`tmkit.shared.grams`, a batch at a time) and
        sent in the COPY, and counted here too: the server only adds the counts in at the end.
        Into an empty memory the trigram index is dropped and built once at the end (far faster
        than keeping it up to date row by row), when the tables are this role's to change.
        ``header`` is kept when the memory has none yet.
        """
        added = 0
        settled = _Settling(policy)
        counted: list[tuple[GramArray, npt.NDArray[np.int64]]] = []
        srclang = (header if header is not None else self.header()).srclang  # (duplicates are told by the source)
        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(f"LOCK TABLE {SCHEMA}.units IN SHARE ROW EXCLUSIVE MODE")
                # Units up to this id were held before the import (ids only grow; the lock keeps other writers out).
                row = cur.execute(f"SELECT max(id) FROM {SCHEMA}.units").fetchone()
                last_held = None if row is None or row[0] is None else int(row[0])
                # Only the tables' owner (whoever ran `db init`) may drop an index; a writer role keeps it.
                empty_and_owned = cur.execute(
                    f"SELECT NOT EXISTS (SELECT FROM {SCHEMA}.units) "
                    "AND pg_has_role(current_user, tableowner, 'USAGE') "
                    "FROM pg_tables WHERE schemaname = %s AND tablename = 'segments'",
                    [SCHEMA],
                ).fetchone()
                rebuild_index = bool(empty_and_owned and empty_and_owned[0])
                if rebuild_index:
                    cur.execute(f"DROP INDEX IF EXISTS {SCHEMA}.segments_grams")
                if header is not None:
                    cur.execute(
                        f"INSERT INTO {SCHEMA}.header (body) VALUES (%s) ON CONFLICT DO NOTHING",
                        [header_to_json(header)],
                    )
                done = 0
                for batch in _batches(units, IMPORT_BATCH_UNITS):
                    new = batch if last_held is None else self._settle(cur, batch, srclang, last_held, settled)
                    if new and not (policy is ConflictPolicy.FAIL and settled.conflict_count):
                        added += self._copy_batch(cur, new, counted)
                    done += len(batch)
                    if on_progress is not None:
                        on_progress(done)
                if settled.conflict_count and policy is ConflictPolicy.FAIL:
                    raise _ImportRefused
                outdone = sorted(settled.outdone - settled.kept)
                if outdone:
                    self._delete_units(cur, outdone, counted)
                if rebuild_index:
                    cur.execute(
                        f"CREATE INDEX segments_grams ON {SCHEMA}.segments USING gin (grams {SCHEMA}.gin__int_ops)"
                    )
                grams, counts = count_grams(counted)
                self._count_grams(grams, counts)
        except _ImportRefused:
            return Imported(0, 0, conflicts=tuple(settled.conflicts), conflict_count=settled.conflict_count)
        self.conn.execute(f"ANALYZE {SCHEMA}.units")
        self.conn.execute(f"ANALYZE {SCHEMA}.segments")
        return Imported(added, settled.held, settled.updated, len(outdone), settled.left_out)

    def _settle(
        self,
        cur: psycopg.Cursor[tuple[Any, ...]],
        batch: list[TranslationUnit],
        srclang: str | None,
        last_held: int,
        settled: _Settling,
    ) -> list[TranslationUnit]:
        """The units of ``batch`` to add, against the units up to ``last_held`` (the memory before the import)
        that share a source with them: held ones left out (and those the file changed after replaced), conflicts
        settled by ``settled.policy`` (see `import_units`). The stored units sharing a normalized source key (a
        unit without a source: its first variant's) are read through the key's hash index and compared in full,
        with the file's source language."""
        keys = [_held_key(unit, srclang) for unit in batch]
        probes: set[tuple[str, str]] = set()
        for unit, key in zip(batch, keys, strict=True):
            language = unit.source_lang(srclang)
            variant = unit.variant(language, region_fallback=True) if language is not None else None
            if variant is None and key is not None:
                variant = unit.variants[0]  # (no source: a duplicate holds every variant, this one too)
            if variant is not None:
                code = primary_subtag(variant.lang)
                probes.add((self._normalizer(code)(variant.text), code))
        if not probes:
            return batch
        rows = cur.execute(
            f"SELECT u.id, u.body FROM {SCHEMA}.units u WHERE u.id IN ("
            f"SELECT s.unit_id FROM {SCHEMA}.segments s JOIN unnest(%s::text[], %s::text[]) AS p(key, language) "
            "ON s.key = p.key AND s.language = p.language WHERE s.unit_id <= %s) ORDER BY u.id",
            [[key for key, _code in probes], [code for _key, code in probes], last_held],
        ).fetchall()
        held: dict[Hashable, tuple[int, TranslationUnit]] = {}  # the first held unit of each key
        by_source: dict[Hashable, list[tuple[int, TranslationUnit]]] = {}  # the held units of each source
        for unit_id, body in rows:
            stored = unit_from_json(body)
            key = _held_key(stored, srclang)
            if key is None:
                continue
            held.setdefault(key, (int(unit_id), stored))
            source = _held_source(key)
            if source is not None:
                by_source.setdefault(source, []).append((int(unit_id), stored))
        policy = settled.policy
        new: list[TranslationUnit] = []
        newer_copies: dict[int, TranslationUnit] = {}
        for unit, key in zip(batch, keys, strict=True):
            if key is None:
                new.append(unit)
                continue
            if key in held:
                unit_id, stored = held[key]
                settled.held += 1
                settled.kept.add(unit_id)
                if policy is not ConflictPolicy.FIRST and change_date(unit) > change_date(stored):
                    newer_copies[unit_id] = unit
                    held[key] = (unit_id, unit)  # (a later copy in the file is compared with this one)
                continue
            source = _held_source(key)
            others = by_source.get(source, []) if source is not None else []
            if not others or policy is ConflictPolicy.KEEP_ALL:
                new.append(unit)
            elif policy is ConflictPolicy.FAIL:
                settled.conflict_count += 1
                if len(settled.conflicts) < CONFLICTS_DESCRIBED:
                    variant = unit.variant(unit.source_lang(srclang) or "", region_fallback=True)
                    text = variant.text if variant is not None else ""
                    units = [stored for _id, stored in others] + [unit]
                    settled.conflicts.append(
                        Conflict(
                            text,
                            units,
                            f"{len(units)} different translations of {text!r}",
                            (0,) * len(others) + (1,),
                        )
                    )
            elif policy is ConflictPolicy.LAST or (
                policy is ConflictPolicy.NEWEST and change_date(unit) > max(change_date(u) for _id, u in others)
            ):
                new.append(unit)
                settled.outdone.update(unit_id for unit_id, _stored in others)
            else:
                settled.left_out += 1
        if newer_copies:
            self._replace_held(cur, newer_copies)
            settled.updated += len(newer_copies)
        return new

    def _replace_held(self, cur: psycopg.Cursor[tuple[Any, ...]], units: dict[int, TranslationUnit]) -> None:
        """Write each of ``units`` over the held unit of its id (a new version, announced), with its segments."""
        ids = sorted(units)
        rows = cur.execute(
            f"UPDATE {SCHEMA}.units AS u SET tuid = n.tuid, status = n.status, rejected = n.rejected, body = n.body, "
            "version = u.version + 1, changed_at = now(), changed_by = current_user "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::boolean[], %s::text[]) "
            "AS n(id, tuid, status, rejected, body) WHERE u.id = n.id RETURNING u.id, u.version",
            [
                ids,
                [units[i].tuid for i in ids],
                [units[i].status.value for i in ids],
                [units[i].rejected for i in ids],
                [unit_to_json(units[i]) for i in ids],
            ],
        ).fetchall()
        replaced = _segments_deleted(cur, ids)
        self._write_all_segments([(i, units[i]) for i in ids], replaced=replaced)
        _announce_all(cur, [(int(unit_id), int(version)) for unit_id, version in sorted(rows)])

    def _delete_units(
        self,
        cur: psycopg.Cursor[tuple[Any, ...]],
        ids: list[int],
        counted: list[tuple[GramArray, npt.NDArray[np.int64]]],
    ) -> None:
        """Delete the units of ``ids`` (their segments' trigrams counted out into ``counted``), announced: caches learn
        of it from the deletions' tombstones (migration 3), a following editor from the announcement."""
        for start in range(0, len(ids), IMPORT_BATCH_UNITS):
            chunk = ids[start : start + IMPORT_BATCH_UNITS]
            gone = _segments_deleted(cur, chunk)
            cur.execute(f"DELETE FROM {SCHEMA}.units WHERE id = ANY(%s::bigint[])", [chunk])
            # Announced as writes are (an id with version 0: no such unit any more), so that an editor following
            # the memory takes the deleted translations out of its matches; caches read the tombstones.
            _announce_all(cur, [(unit_id, 0) for unit_id in chunk])
            if gone:
                distinct, counts = np.unique(np.concatenate(gone), return_counts=True)
                counted.append((distinct.astype(np.int32), -counts.astype(np.int64)))

    def _copy_batch(
        self,
        cur: psycopg.Cursor[tuple[Any, ...]],
        batch: list[TranslationUnit],
        counted: list[tuple[GramArray, npt.NDArray[np.int64]]],
    ) -> int:
        """COPY one batch of units and their segments (with their grams); the batch's gram counts go to ``counted``."""
        ids = [
            int(row[0])
            for row in cur.execute(
                f"SELECT nextval(pg_get_serial_sequence('{SCHEMA}.units', 'id')) FROM generate_series(1, %s)",
                [len(batch)],
            ).fetchall()
        ]
        with cur.copy(f"COPY {SCHEMA}.units (id, tuid, status, rejected, body) FROM STDIN") as units_copy:
            for unit_id, unit in zip(ids, batch, strict=True):
                units_copy.write_row((unit_id, unit.tuid, unit.status.value, unit.rejected, unit_to_json(unit)))
        rows = [row for unit_id, unit in zip(ids, batch, strict=True) for row in self._segment_rows(unit_id, unit)]
        grams = key_grams_many([row[3] for row in rows])
        with cur.copy(f"COPY {SCHEMA}.segments (unit_id, variant, language, key, grams) FROM STDIN") as segments_copy:
            for row, row_grams in zip(rows, grams, strict=True):
                segments_copy.write_row((*row, array_literal(row_grams)))
        if grams:
            distinct, counts = np.unique(np.concatenate(grams), return_counts=True)
            counted.append((distinct.astype(np.int32), counts.astype(np.int64)))
        # Announced at commit as `add` announces a unit: an editor following the memory matches them at once (with
        # a big import it brings its cache up to date instead, as on opening).
        _announce_all(cur, [(unit_id, 1) for unit_id in ids])
        return len(batch)

    def _count_grams(self, grams: GramArray, changes: npt.NDArray[np.int64]) -> None:
        """Add ``changes`` to the counts of ``grams``, in ascending gram order.

        The counts only rank a query's trigrams by rarity (`candidates`), so they need only be
        roughly current. Every writer takes the rows' locks in the same (gram) order, so two
        writers counting the same grams wait for each other and never deadlock.
        """
        changed = changes != 0
        if not changed.any():
            return
        self.conn.execute(
            f"INSERT INTO {SCHEMA}.gram_counts AS c (gram, segments) "
            "SELECT gram, change FROM unnest(%s::int4[], %s::int8[]) AS d(gram, change) ORDER BY gram "
            "ON CONFLICT (gram) DO UPDATE SET segments = c.segments + excluded.segments",
            [grams[changed].tolist(), changes[changed].tolist()],
            prepare=False,
        )

    def header(self) -> Header:
        """The header stored with the memory (tmkit's default when none was imported)."""
        row = self.conn.execute(f"SELECT body FROM {SCHEMA}.header").fetchone()
        return header_from_json(row[0]) if row else Header()

    def __len__(self) -> int:
        row = self.conn.execute(f"SELECT count(*) FROM {SCHEMA}.units").fetchone()
        return int(row[0]) if row else 0

    def stored_units(self) -> Iterator[StoredUnit]:
        """Every unit in the memory's order (import order, new units last), streamed from a server-side cursor."""
        with self.conn.transaction(), self.conn.cursor(name="tmkit_units_out") as cur:
            cur.itersize = EXPORT_FETCH_ROWS
            cur.execute(f"SELECT id, version, changed_by, changed_at::text, body FROM {SCHEMA}.units ORDER BY id")
            for unit_id, version, changed_by, changed_at, body in cur:
                yield StoredUnit(int(unit_id), int(version), unit_from_json(body), changed_by, changed_at)

    def units(self) -> Iterator[TranslationUnit]:
        """Every unit in the memory's order, as `stored_units` streams them."""
        for stored in self.stored_units():
            yield stored.unit

    def index(self, *, source_lang: str, target_lang: str, normalizer: Normalizer | None = None) -> MemoryIndex:
        """The whole memory as a file memory's index in memory, for the commands that take a `MemoryIndex`.

        A snapshot: the same entries and percentages as the memory exported to TMX and opened.
        """
        from tmkit.matching.memory_index import MemoryIndex

        return MemoryIndex.build(
            self.units(), source_lang=source_lang, target_lang=target_lang, name=self.name, normalizer=normalizer
        )

    # -- lookups --------------------------------------------------------------------------------

    def candidates(
        self, key: str, *, language: str, limit: int = CANDIDATE_LIMIT, budget: int = GRAM_BUDGET
    ) -> list[CandidateKey]:
        """The ``limit`` segments in ``language`` sharing the largest share of their trigrams with ``key``, among
        those holding one of the grams `_rarest` picks: their unit ids, keys and statuses, not the units.

        What is guaranteed: every segment holding all the inner trigrams (`inner_word_grams`: a word's
        trigrams, less the two holding its first letter when it has five letters or more, so that a
        one-letter proclitic added or dropped keeps them) of one of the key's `GUARANTEED_WORDS` rarest
        distinct words is read, whatever they cost; so every segment holding all but one of the key's
        distinct words is. Then more of each word's rarest trigrams are read while the segments holding
        them add up to ``budget``, as the file index leaves out its commonest grams. The segments read
        are ranked on the server by the share of trigrams they hold in common with the key (counted on
        the stored hashes through the intarray GIN index: nothing is recomputed per row), and only the
        first ``limit`` are returned, so a segment read is still left out when ``limit`` others share
        more. No guarantee in match %: no trigram bound is lossless at the cutoff (the formula lets a
        key reach 70 with C ≥ 50, and `هو في من` against `وهو وفي ومن` scores 91% at trigram
        similarity 0.2), and W counts words without any proclitic. So recall@5 against the file index
        is measured (tests/test_shared_memory_match.py, bench/shared_memory.py).
        """
        grams = key_grams(key)
        if len(grams) == 0:
            return []
        counts = dict(
            self.conn.execute(
                f"SELECT gram, segments FROM {SCHEMA}.gram_counts WHERE gram = ANY(%s::int4[])",
                [grams.tolist()],
                prepare=False,
            ).fetchall()
        )
        picked = _rarest([g.tolist() for g in inner_word_grams(key)], counts, budget)
        # Not prepared: a generic plan would not see how few rows the picked grams hold.
        rows = self.conn.execute(
            f"""
            SELECT hits.unit_id, hits.key, u.status, u.rejected
            FROM (
                SELECT unit_id, key, shared::float4 / (held + %(size)s - shared) AS near
                FROM (
                    SELECT unit_id, key, {SCHEMA}.icount(grams OPERATOR({SCHEMA}.&) %(grams)s::int4[]) AS shared,
                        {SCHEMA}.icount(grams) AS held
                    FROM {SCHEMA}.segments
                    WHERE grams OPERATOR({SCHEMA}.&&) %(picked)s::int4[] AND language = %(language)s
                ) AS sharing
                ORDER BY near DESC, unit_id
                LIMIT %(limit)s
            ) AS hits JOIN {SCHEMA}.units AS u ON u.id = hits.unit_id
            ORDER BY hits.near DESC, hits.unit_id
            """,
            {"grams": grams.tolist(), "picked": picked, "size": len(grams), "language": language, "limit": limit},
            prepare=False,
        ).fetchall()
        return [CandidateKey(int(r[0]), r[1], Status(r[2]), bool(r[3])) for r in rows]

    def _read_units(self, ids: list[int]) -> dict[int, StoredUnit]:
        """The stored units with these ids (those still there), by id."""
        rows = self.conn.execute(
            f"SELECT id, version, changed_by, changed_at::text, body FROM {SCHEMA}.units WHERE id = ANY(%s)", [ids]
        ).fetchall()
        return {int(r[0]): StoredUnit(int(r[0]), int(r[1]), unit_from_json(r[4]), r[2], r[3]) for r in rows}

    def match(
        self,
        segment: Segment | str,
        *,
        source_lang: str,
        target_lang: str,
        score_cutoff: float = MATCH_THRESHOLD,
        limit: int = MATCH_LIMIT,
        previous: Segment | str | None = None,
        following: Segment | str | None = None,
    ) -> list[Match]:
        """The best ``limit`` matches scoring at least ``score_cutoff``, best first, as `Matcher.match` scores them.

        Candidates come from the trigram index (`candidates`), and each (source, target)
        pair they hold is scored by `score_match`, the formula of file memories, on the client.
        A unit's ``entry`` in a match is its database id. ``previous`` and ``following`` are the
        segment's neighbours in its document: when both equal a stored unit's context (its context
        props, else the sources of the units before and after it in id order, as in the memory
        exported to TMX), an exact match scores 101, as in a file memory.
        """
        if limit <= 0:
            return []
        if too_long_to_match(segment):
            raise SegmentTooLongError(segment if isinstance(segment, str) else segment.plain)
        norm = self._normalizer(primary_subtag(source_lang))
        query = prepare(segment, norm)
        if not query.key:
            return []
        scored: list[tuple[StoredUnit, Variant, Variant, PreparedText, MatchScore]] = []
        walk = CandidateWalk(
            query,
            self.candidates(query.key, language=primary_subtag(source_lang)),
            arabic=norm.arabic,
            score_cutoff=score_cutoff,
            depth=2 * limit,  # as `Matcher`: pairs stored twice are offered once, which may leave fewer
            read=self._read_units,
        )
        for stored in walk.units(lambda: (result.score for *_, result in scored)):
            unit = stored.unit
            if unit.rejected:
                continue
            source, targets = unit.pair(source_lang, target_lang)
            if source is None:
                continue
            prepared = prepare(source.segment, norm)
            for target in targets:
                if target.segment.is_empty:
                    continue
                result = score_match(query, prepared, norm, target=target.segment, status=unit.status)
                scored.append((stored, source, target, prepared, result))
        if previous is not None and following is not None:
            # Only an exact match can be in context: the neighbours of those units alone are read.
            wanted = (context_hash(norm(_plain(previous))), context_hash(norm(_plain(following))))
            exact = {stored.id: stored for stored, *_, result in scored if result.score == EXACT}
            contexts = self._contexts(list(exact.values()), source_lang=source_lang, normalizer=norm)
            for number, (stored, source, target, prepared, result) in enumerate(scored):
                if result.score == EXACT and contexts.get(stored.id) == wanted:
                    in_context = score_match(
                        query, prepared, norm, target=target.segment, status=stored.unit.status, same_context=True
                    )
                    scored[number] = (stored, source, target, prepared, in_context)
        found: list[tuple[tuple[float, float, int], Match]] = []
        for stored, source, target, _, result in scored:
            if result.score < score_cutoff:
                continue
            unit = stored.unit
            match = Match(
                score=result.score,
                source=source.segment,
                target=result.target or target.segment,
                breakdown=result.breakdown,
                memory=self.name,
                entry=stored.id,
                status=unit.status,
                tuid=unit.tuid,
                creation_id=target.creation_id or unit.creation_id,
                creation_date=target.creation_date or unit.creation_date,
                change_id=target.change_id or unit.change_id,
                change_date=target.change_date or unit.change_date,
                substitutions=result.substitutions,
                stored_target=target.segment if result.substitutions else None,
            )
            found.append(((-result.score, -_base(result.breakdown), stored.id), match))
        found.sort(key=lambda pair: pair[0])
        unique: list[Match] = []
        seen: set[tuple[str, str]] = set()
        for _, match in found:
            identity = (match.source.plain, match.target.plain)
            if identity not in seen:
                seen.add(identity)
                unique.append(match)
                if len(unique) == limit:
                    break
        return unique

    def _contexts(
        self, units: Sequence[StoredUnit], *, source_lang: str, normalizer: Normalizer
    ) -> dict[int, tuple[int, int]]:
        """The context fingerprints of each unit, as a file index of the memory exported to TMX has them.

        A unit's context props (`x-context-prev`/`x-context-next`, OmegaT's `prev`/`next`) win; otherwise
        the source segments of the units before and after it in id order (the memory's order) are its
        context, read here in one statement (a neighbour without the source language is no context).
        """
        picker = _LanguagePicker(source_lang)

        def key_of(unit: TranslationUnit | None) -> str | None:
            source = picker.first(unit) if unit is not None else None
            return normalizer(source.text) if source is not None else None

        contexts: dict[int, tuple[int, int]] = {}
        by_neighbours: list[int] = []
        for stored in units:
            before = next((p.value for p in stored.unit.props if p.type in CONTEXT_PREV_PROPS), None)
            after = next((p.value for p in stored.unit.props if p.type in CONTEXT_NEXT_PROPS), None)
            if before is None and after is None:
                by_neighbours.append(stored.id)
                continue
            contexts[stored.id] = (
                context_hash(normalizer(before) if before is not None else None),
                context_hash(normalizer(after) if after is not None else None),
            )
        if by_neighbours:
            rows = self.conn.execute(
                f"""
                SELECT wanted.id, before.body, after.body
                FROM unnest(%s::bigint[]) AS wanted(id)
                LEFT JOIN LATERAL (
                    SELECT body FROM {SCHEMA}.units WHERE id < wanted.id ORDER BY id DESC LIMIT 1
                ) AS before ON true
                LEFT JOIN LATERAL (
                    SELECT body FROM {SCHEMA}.units WHERE id > wanted.id ORDER BY id LIMIT 1
                ) AS after ON true
                """,
                [by_neighbours],
            ).fetchall()
            for unit_id, before_body, after_body in rows:
                before_unit = unit_from_json(before_body) if before_body is not None else None
                after_unit = unit_from_json(after_body) if after_body is not None else None
                contexts[int(unit_id)] = (context_hash(key_of(before_unit)), context_hash(key_of(after_unit)))
        return contexts

    # -- writes ---------------------------------------------------------------------------------

    def add(self, unit: TranslationUnit) -> StoredUnit:
        """Store a new unit at the end of the memory (version 1) and announce it."""
        with self.conn.transaction():
            row = self.conn.execute(
                f"INSERT INTO {SCHEMA}.units (tuid, status, rejected, body) VALUES (%s, %s, %s, %s) "
                "RETURNING id, version, changed_by, changed_at::text",
                [unit.tuid, unit.status.value, unit.rejected, unit_to_json(unit)],
            ).fetchone()
            assert row is not None  # RETURNING of a one-row INSERT
            unit_id = int(row[0])
            self._write_segments(unit_id, unit)
            self._announce(unit_id, int(row[1]))
        return StoredUnit(unit_id, int(row[1]), unit, row[2], row[3])

    def update(self, unit_id: int, unit: TranslationUnit, *, expected_version: int) -> StoredUnit:
        """Replace unit ``unit_id`` if it is still at ``expected_version``; the stored unit with its new version.

        Raises `StaleUnitError` (carrying both versions) when another writer got there first:
        a stale write never overwrites.
        """
        with self.conn.transaction():
            row = self.conn.execute(
                f"UPDATE {SCHEMA}.units SET tuid = %s, status = %s, rejected = %s, body = %s, version = version + 1, "
                "changed_at = now(), changed_by = current_user WHERE id = %s AND version = %s "
                "RETURNING version, changed_by, changed_at::text",
                [unit.tuid, unit.status.value, unit.rejected, unit_to_json(unit), unit_id, expected_version],
            ).fetchone()
            if row is None:
                raise StaleUnitError(unit_id, expected=expected_version, stored=self.get(unit_id), ours=unit)
            old = self.conn.execute(
                f"DELETE FROM {SCHEMA}.segments WHERE unit_id = %s RETURNING grams", [unit_id]
            ).fetchall()
            self._write_segments(unit_id, unit, replaced=[np.array(row[0], dtype=np.int32) for row in old])
            self._announce(unit_id, int(row[0]))
        return StoredUnit(unit_id, int(row[0]), unit, row[1], row[2])

    def confirm(self, unit: TranslationUnit, *, expected_version: int | None = None) -> StoredUnit:
        """Store a pair an editor confirmed: its translation written into the unit `find` gives
        (`tmkit.memory.confirmed.into_unit`: the unit's tuid, creation, notes and props stay), or added as a new unit.

        ``expected_version`` is the version of that unit the writer read (`NOT_STORED`: it read none);
        when another writer has written it since, `StaleUnitError` says so and nothing is written (a
        unit deleted since is added again: nothing is lost). None: the version found now.
        """
        with self.conn.transaction():
            # Under the pair's lock, so that a writer adding the same pair at the same time waits and then finds
            # this one's unit, instead of both finding none and adding two (see `_lock_pairs`).
            self._lock_pairs([unit])
            found = self.find(unit)
            if found is None:
                return self.add(unit)
            if expected_version == NOT_STORED:
                # Another writer stored this pair's unit after this writer found none.
                raise StaleUnitError(found.id, expected=NOT_STORED, stored=found, ours=unit)
            if expected_version is not None and expected_version != found.version:
                # Stale whatever the unit holds now (versions only grow): the UPDATE below would change nothing.
                raise StaleUnitError(found.id, expected=expected_version, stored=found, ours=unit)
            try:
                return self.update(found.id, into_unit(found.unit, unit), expected_version=found.version)
            except StaleUnitError as stale:
                stale.ours = unit  # the pair as confirmed, as every other conflict carries it
                raise

    def _lock_pairs(self, units: Sequence[TranslationUnit]) -> None:
        """Take, until the transaction ends, an advisory lock on each pair's identity: its source's language and
        normalized text, the key `find` looks it up by (a tuid alone is no identity).

        Finding no unit for a pair and adding one is a check then an insert: two writers adding the same new
        pair at once would each find none (the other's row not committed yet) and add their own, neither
        seeing a conflict. Under the lock the second waits for the first to commit, and its `find` (a new
        snapshot per statement, READ COMMITTED) then sees the first's unit: a conflict, not a duplicate. The
        keys are taken in ascending order, so two writers locking several pairs never deadlock.
        """
        keys = sorted(
            {
                _pair_lock_key(primary_subtag(v.lang), self._normalizer(primary_subtag(v.lang))(v.text))
                for v in (unit.variants[0] for unit in units if unit.variants)
            }
        )
        if keys:
            # unnest of an array reads it in order: the locks are taken in the order sent. Keys are buckets (at most
            # `PAIR_LOCK_BUCKETS` locks a save): a lock a pair, the first save of a document of 15,000 new segments
            # ran out of the server's lock table ("out of shared memory": max_locks_per_transaction) and wrote nothing.
            self.conn.execute(
                "SELECT count(pg_advisory_xact_lock(%s::integer, k)) FROM unnest(%s::integer[]) AS t(k)",
                [_PAIR_LOCK_CLASS, keys],
                prepare=False,
            )

    def confirm_all(
        self, pairs: Sequence[tuple[TranslationUnit, tuple[int, int] | None]]
    ) -> list[StoredUnit | StaleUnitError]:
        """`confirm` for many pairs in one transaction (one commit, a few statements for all; a pair's translation
        written into the unit it updates, as `confirm` does): for each pair, the unit stored, or the
        `StaleUnitError` that says another writer got there first (nothing written for it; the others are
        written all the same).

        Each pair comes with the unit id and version its writer read: (`NOT_STORED`, `NOT_STORED`) when it
        found no unit (then one `find` gives now is another writer's: stale), None to write at the version
        found now. A unit read and deleted since is added again (nothing is lost). Units are locked in id
        order and the trigram counts changed once, in gram order, as `update` does: two writers never deadlock.
        Each unit written is announced as `add` and `update` announce it (``id,version``), at commit.
        """
        results: list[StoredUnit | StaleUnitError | None] = [None] * len(pairs)
        with self.conn.transaction():
            # First of all, so that what is found below is what other writers committed (see `_lock_pairs`).
            self._lock_pairs([unit for unit, _ in pairs])
            by_id = self._read_units(
                sorted({read[0] for _, read in pairs if read is not None and read[0] != NOT_STORED})
            )
            unread = [i for i, (_, read) in enumerate(pairs) if read is None or read[0] == NOT_STORED]
            updates: list[tuple[int, int, int, TranslationUnit]] = []  # (unit id, version expected, pair, unit read)
            adds: list[int] = []
            for i, found in zip(unread, self.find_all([pairs[i][0] for i in unread]), strict=True):
                unit, read = pairs[i]
                if found is None:
                    adds.append(i)
                elif read is not None:  # another writer stored the pair's unit after this writer found none
                    results[i] = StaleUnitError(found.id, expected=NOT_STORED, stored=found, ours=unit)
                else:
                    updates.append((found.id, found.version, i, found.unit))
            for i, (unit, read) in enumerate(pairs):
                if read is None or read[0] == NOT_STORED:
                    continue
                stored = by_id.get(read[0])
                if stored is None:
                    adds.append(i)  # deleted since: added again
                elif stored.version != read[1]:  # versions only grow: stale without trying
                    results[i] = StaleUnitError(stored.id, expected=read[1], stored=stored, ours=unit)
                else:
                    updates.append((stored.id, read[1], i, stored.unit))
            written: list[tuple[int, TranslationUnit]] = []
            for unit_id, expected, i, read_unit in sorted(updates, key=lambda update: update[:3]):
                # The pair's translation written into the unit as read (the version the UPDATE names): the team's
                # tuid, creation, notes and props stay.
                unit = into_unit(read_unit, pairs[i][0])
                row = self.conn.execute(
                    f"UPDATE {SCHEMA}.units SET tuid = %s, status = %s, rejected = %s, body = %s, "
                    "version = version + 1, changed_at = now(), changed_by = current_user "
                    "WHERE id = %s AND version = %s RETURNING version, changed_by, changed_at::text",
                    [unit.tuid, unit.status.value, unit.rejected, unit_to_json(unit), unit_id, expected],
                ).fetchone()
                if row is None:  # written since it was read above
                    results[i] = StaleUnitError(unit_id, expected=expected, stored=self.get(unit_id), ours=pairs[i][0])
                    continue
                results[i] = StoredUnit(unit_id, int(row[0]), unit, row[1], row[2])
                written.append((unit_id, unit))
            replaced = []
            if written:
                with self.conn.cursor() as deleting:
                    replaced = _segments_deleted(deleting, [unit_id for unit_id, _ in written])
            if adds:
                ids = [
                    int(row[0])
                    for row in self.conn.execute(
                        f"SELECT nextval(pg_get_serial_sequence('{SCHEMA}.units', 'id')) FROM generate_series(1, %s)",
                        [len(adds)],
                    ).fetchall()
                ]
                with self.conn.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO {SCHEMA}.units (id, tuid, status, rejected, body) VALUES (%s, %s, %s, %s, %s)",
                        [
                            (unit_id, unit.tuid, unit.status.value, unit.rejected, unit_to_json(unit))
                            for unit_id, unit in zip(ids, (pairs[i][0] for i in adds), strict=True)
                        ],
                    )
                stamps = {
                    int(row[0]): (int(row[1]), row[2], row[3])
                    for row in self.conn.execute(
                        f"SELECT id, version, changed_by, changed_at::text FROM {SCHEMA}.units "
                        "WHERE id = ANY(%s::bigint[])",
                        [ids],
                    ).fetchall()
                }
                for unit_id, i in zip(ids, adds, strict=True):
                    version, changed_by, changed_at = stamps[unit_id]
                    results[i] = StoredUnit(unit_id, version, pairs[i][0], changed_by, changed_at)
                    written.append((unit_id, pairs[i][0]))
            if written:
                self._write_all_segments(written, replaced=replaced)
                with self.conn.cursor() as announcing:
                    _announce_all(announcing, [(r.id, r.version) for r in results if isinstance(r, StoredUnit)])
        assert all(r is not None for r in results)  # every pair was written or found stale
        return [r for r in results if r is not None]

    def _write_all_segments(
        self, written: Sequence[tuple[int, TranslationUnit]], *, replaced: Sequence[GramArray]
    ) -> None:
        """`_write_segments` for many units: their segments in one batch, the trigram counts changed once."""
        rows = [row for unit_id, unit in written for row in self._segment_rows(unit_id, unit)]
        grams = key_grams_many([row[3] for row in rows])
        with self.conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {SCHEMA}.segments (unit_id, variant, language, key, grams) VALUES (%s, %s, %s, %s, %s)",
                [(*row, row_grams.tolist()) for row, row_grams in zip(rows, grams, strict=True)],
            )
        added = [np.ones(len(g), dtype=np.int64) for g in grams]
        removed = [np.full(len(g), -1, dtype=np.int64) for g in replaced]
        self._count_grams(*count_grams(list(zip([*grams, *replaced], [*added, *removed], strict=True))))

    def find_all(self, units: Sequence[TranslationUnit]) -> list[StoredUnit | None]:
        """`find` for many pairs in two statements: for each, the stored unit it replaces (None: none)."""
        sources = [unit.variants[0] if unit.variants else None for unit in units]
        tuids = sorted({unit.tuid for unit in units if unit.tuid})
        by_tuid: dict[str, list[StoredUnit]] = {}
        if tuids:
            for row in self.conn.execute(
                f"SELECT id, version, changed_by, changed_at::text, body, tuid FROM {SCHEMA}.units "
                "WHERE tuid = ANY(%s::text[]) ORDER BY id",
                [tuids],
            ).fetchall():
                by_tuid.setdefault(row[5], []).append(
                    StoredUnit(int(row[0]), int(row[1]), unit_from_json(row[4]), row[2], row[3])
                )
        wanted = sorted(
            {
                (self._normalizer(primary_subtag(s.lang))(s.text), primary_subtag(s.lang))
                for s in sources
                if s is not None
            }
        )
        by_key: dict[tuple[str, str], list[StoredUnit]] = {}
        if wanted:
            # A join per key (not `key = ANY(…)`): each key is looked up through the keys' hash index (migration 5).
            for row in self.conn.execute(
                f"""
                SELECT w.key, w.language, u.id, u.version, u.changed_by, u.changed_at::text, u.body
                FROM unnest(%s::text[], %s::text[]) AS w(key, language)
                JOIN LATERAL (
                    SELECT DISTINCT unit_id FROM {SCHEMA}.segments AS s WHERE s.key = w.key AND s.language = w.language
                ) AS hit ON true
                JOIN {SCHEMA}.units AS u ON u.id = hit.unit_id
                ORDER BY u.id
                """,
                [[key for key, _ in wanted], [language for _, language in wanted]],
            ).fetchall():
                by_key.setdefault((row[0], row[1]), []).append(
                    StoredUnit(int(row[2]), int(row[3]), unit_from_json(row[6]), row[4], row[5])
                )
        found: list[StoredUnit | None] = []
        for unit, source in zip(units, sources, strict=True):
            if source is None:
                found.append(None)
                continue
            language = primary_subtag(source.lang)
            candidates = [
                *by_tuid.get(unit.tuid or "", []),
                *by_key.get((self._normalizer(language)(source.text), language), []),
            ]
            found.append(next((c for c in candidates if holds_source(c.unit, source)), None))
        return found

    def find(self, unit: TranslationUnit) -> StoredUnit | None:
        """The stored unit a confirmed pair replaces: the first with its tuid and its source text, else the first
        with its source text. (A tuid alone is no identity: each working file numbers its segments from 1.)"""
        source = unit.variants[0] if unit.variants else None
        if source is None:
            return None
        if unit.tuid:
            for (unit_id,) in self.conn.execute(
                f"SELECT id FROM {SCHEMA}.units WHERE tuid = %s ORDER BY id", [unit.tuid]
            ).fetchall():
                candidate = self.get(int(unit_id))
                if candidate is not None and holds_source(candidate.unit, source):
                    return candidate
        language = primary_subtag(source.lang)
        rows = self.conn.execute(UNITS_BY_KEY_SQL, [self._normalizer(language)(source.text), language]).fetchall()
        for (unit_id,) in rows:
            candidate = self.get(int(unit_id))
            if candidate is not None and holds_source(candidate.unit, source):
                return candidate
        return None

    def get(self, unit_id: int) -> StoredUnit | None:
        row = self.conn.execute(
            f"SELECT id, version, changed_by, changed_at::text, body FROM {SCHEMA}.units WHERE id = %s", [unit_id]
        ).fetchone()
        return StoredUnit(int(row[0]), int(row[1]), unit_from_json(row[4]), row[2], row[3]) if row else None

    def _write_segments(self, unit_id: int, unit: TranslationUnit, *, replaced: Sequence[GramArray] = ()) -> None:
        """Insert a unit's segments with their trigram hashes, and count those in (``replaced``'s counted out)."""
        rows = self._segment_rows(unit_id, unit)
        grams = key_grams_many([row[3] for row in rows])
        with self.conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {SCHEMA}.segments (unit_id, variant, language, key, grams) VALUES (%s, %s, %s, %s, %s)",
                [(*row, row_grams.tolist()) for row, row_grams in zip(rows, grams, strict=True)],
            )
        added = [np.ones(len(g), dtype=np.int64) for g in grams]
        removed = [np.full(len(g), -1, dtype=np.int64) for g in replaced]
        self._count_grams(*count_grams(list(zip([*grams, *replaced], [*added, *removed], strict=True))))

    def _announce(self, unit_id: int, version: int) -> None:
        # Delivered at commit, only if the transaction commits, in commit order.
        self.conn.execute("SELECT pg_notify(%s, %s)", [NOTIFY_CHANNEL, f"{unit_id},{version}"])


class UnitListener:
    """Units written by others as they are committed, through LISTEN/NOTIFY on a connection of its own.

    Listening starts when the listener is made: writes committed before that are not reported.
    The writes of ``own`` (the editor's own connection) are left out: they are not news to it.
    """

    def __init__(self, url: str, *, own: SharedMemory | None = None) -> None:
        self.url = url
        self.conn: psycopg.Connection[tuple[Any, ...]] = connect(url, autocommit=True)  # LISTEN needs autocommit
        self._own_pid = own.conn.info.backend_pid if own is not None else None
        self.conn.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def __enter__(self) -> UnitListener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def changes(self, *, timeout: float) -> Iterator[StoredUnit]:
        """The units others wrote, each read at the version announced or later, for up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            announced: list[int] = []
            for notice in self.conn.notifies(timeout=left, stop_after=1):
                if notice.pid == self._own_pid:
                    continue
                announced.append(int(notice.payload.partition(",")[0]))
            for unit_id in announced:
                row = self.conn.execute(
                    f"SELECT id, version, changed_by, changed_at::text, body FROM {SCHEMA}.units WHERE id = %s",
                    [unit_id],
                ).fetchone()
                if row is not None:
                    yield StoredUnit(int(row[0]), int(row[1]), unit_from_json(row[4]), row[2], row[3])


def _segments_deleted(cur: psycopg.Cursor[tuple[Any, ...]], unit_ids: Sequence[int]) -> list[GramArray]:
    """Delete the segments of ``unit_ids``; the trigrams of each, to be counted out."""
    return [
        np.array(row[0], dtype=np.int32)
        for row in cur.execute(
            f"DELETE FROM {SCHEMA}.segments WHERE unit_id = ANY(%s::bigint[]) RETURNING grams", [list(unit_ids)]
        ).fetchall()
    ]


def _announce_all(cur: psycopg.Cursor[tuple[Any, ...]], written: Sequence[tuple[int, int]]) -> None:
    """Announce units written (id, version; 0: deleted), in this order, at commit (`UnitListener`)."""
    if written:
        cur.execute(
            "SELECT pg_notify(%s, payload) FROM unnest(%s::text[]) WITH ORDINALITY AS n(payload, at) ORDER BY at",
            [NOTIFY_CHANNEL, [f"{unit_id},{version}" for unit_id, version in written]],
        )


def _rarest(word_grams: list[list[int]], counts: dict[int, int], budget: int) -> list[int]:
    """The grams whose postings a lookup reads: the rarest gram of each of the `GUARANTEED_WORDS` rarest distinct
    words, whatever they hold; then each word's rarest gram, rarest words first, then each word's second rarest,
    and so on, as long as the segments they hold, the guaranteed words' included, add up to ``budget``.

    A word's rarity is that of its rarest gram. Spread over the words so that a match differing from the query
    in its rarest word (a name, a number) is still found through another word it shares: the rarest grams
    overall would all come from that one word.
    """
    words: dict[tuple[int, ...], list[int]] = {}
    for grams in word_grams:
        if grams:
            ranked_grams = sorted(set(grams), key=lambda gram: (counts.get(gram, 0), gram))
            words.setdefault(tuple(ranked_grams), ranked_grams)  # a word repeated is one word
    ranked = sorted(words.values(), key=lambda grams: (counts.get(grams[0], 0), grams[0]))
    picked: list[int] = []
    seen: set[int] = set()
    running = 0
    for grams in ranked[:GUARANTEED_WORDS]:
        if grams[0] not in seen:
            seen.add(grams[0])
            picked.append(grams[0])
            running += counts.get(grams[0], 0)
    ordered: list[int] = []
    for rank in range(max(map(len, ranked), default=0)):
        ordered += sorted((grams[rank] for grams in ranked if rank < len(grams)), key=lambda g: (counts.get(g, 0), g))
    for gram in ordered:
        if gram in seen:
            continue
        held = counts.get(gram, 0)
        if running + held > budget:
            continue  # a later, rarer gram may still fit
        seen.add(gram)
        picked.append(gram)
        running += held
    return picked


def _base(breakdown: Breakdown) -> float:
    return breakdown.base


#: What every tmkit pair lock's key starts with, so that other advisory locks in the database (the schema's own, an
#: application's beside tmkit) are unlikely to share a key with one.
_PAIR_LOCK_DOMAIN = b"tmkit pair\0"


#: How many advisory locks pairs are spread over (`SharedMemory._lock_pairs`): a save takes at most this many, however
#: many pairs it writes; two saves whose pairs share a bucket only wait for each other, for a transaction's time.
PAIR_LOCK_BUCKETS = 256
#: The first key of the two-key advisory locks of pairs: tmkit's, so that no other use of advisory locks on the
#: server meets them.
_PAIR_LOCK_CLASS = int.from_bytes(hashlib.blake2b(_PAIR_LOCK_DOMAIN, digest_size=4).digest(), "big", signed=True)


def _pair_lock_key(language: str, key: str) -> int:
    """The advisory lock bucket of a pair (`SharedMemory._lock_pairs`): a digest of its source's language and
    normalized text, modulo `PAIR_LOCK_BUCKETS`. Computed here, not by the server, so that it is the same on every
    server version."""
    digest = hashlib.blake2b(_PAIR_LOCK_DOMAIN + f"{language}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % PAIR_LOCK_BUCKETS


def _plain(segment: Segment | str) -> str:
    return segment if isinstance(segment, str) else segment.plain


def open_shared_index(
    url: str,
    *,
    source_lang: str,
    target_lang: str,
    penalty: float = 0.0,
    normalizer: Normalizer | None = None,
    cache: bool = True,
    on_progress: Callable[[int, int | None], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    rebuild: bool = False,
) -> MemoryIndex:
    """A shared memory's units as a `MemoryIndex` (what `open_memory` returns for a ``postgresql://`` URL).

    From this machine's cache of it brought up to date by the units changed since (`tmkit.shared.mirror`);
    without ``cache``, every unit is read and indexed in memory.
    """
    if cache:
        from tmkit.shared.mirror import open_mirror

        return open_mirror(
            url,
            source_lang=source_lang,
            target_lang=target_lang,
            penalty=penalty,
            normalizer=normalizer,
            on_progress=on_progress,
            on_notice=on_notice,
            rebuild=rebuild,
        )
    with SharedMemory(url) as memory, database_errors(url, doing="cannot read the memory"):
        index = memory.index(source_lang=source_lang, target_lang=target_lang, normalizer=normalizer)
    index.penalty = penalty
    return index


__all__ = [
    "CANDIDATE_LIMIT",
    "GRAM_BUDGET",
    "GUARANTEED_WORDS",
    "LOOKUP_WORK_MEM",
    "NOT_STORED",
    "SharedMemory",
    "SharedMemoryReader",
    "StaleUnitError",
    "StoredUnit",
    "UnitListener",
    "open_shared_index",
]


class SharedMemoryReader:
    """A shared memory read like a TMX file (`TmxReader`'s interface), for the commands that stream a memory.

    Those commands print the name they were given, so a URL carrying a password is refused here:
    libpq finds the password in ``PGPASSWORD`` or ``~/.pgpass`` instead.
    """

    def __init__(self, url: str) -> None:
        from tmkit.shared.urls import has_password

        if has_password(url):
            raise InputError(
                "this command prints the memory's name: give the password in PGPASSWORD or ~/.pgpass, not in the URL",
                path=redacted(url),
            )
        self.url = url
        self.path = url
        self.header: Header | None = None
        #: What a file reader reports (units skipped, issues found): a database holds none.
        self.skipped: list[ReadIssue] = []
        self.issue_counts: dict[str, int] = {}

    def __iter__(self) -> Iterator[TranslationUnit]:
        with SharedMemory(self.url) as memory, database_errors(self.url, doing="cannot read the memory"):
            self.header = memory.header()
            yield from memory.units()
