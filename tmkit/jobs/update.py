"""A working file carried over to a new version of its document: translations kept where the source did not change."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz.distance import Indel

from tmkit.atomic import atomic_write
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.journal import journal_path
from tmkit.jobs.project import CONFIRMED_STATUSES
from tmkit.memory.model import Memory, Status, TranslationUnit
from tmkit.wording import plural

if TYPE_CHECKING:
    from tmkit.text.segmentation import SrxRules

#: How the previous working file kept beside the new one is stamped: `article.ar.tmx` →
#: `article.ar.before-20261130T124500.tmx` (a TMX still, so a CAT tool or `tmkit edit` opens it).
BACKUP_STAMP = "%Y%m%dT%H%M%S"

#: What a command that finds a working file made from another version of its document says to do.
UPDATE_HINT = (
    "tmkit pretranslate PROJECT --update (or DOCUMENT -o WORKING.tmx --update) carries its translations over to it"
)


def same_source(a: str, b: str) -> bool:
    """Whether a unit's source and a document's segment are one text (white space aside): how a working file is known
    to be made from a version of its document, by `tmkit finish` and by an update."""
    return " ".join(a.split()) == " ".join(b.split())


def first_difference(work: Memory, segments: Sequence[str], source_lang: str, target_lang: str) -> int | None:
    """The first segment (from 1) where the working file ``work`` and the document's ``segments`` (plain text, in
    order) part, None where it was made from this version. A unit without a source text parts there too."""
    for number, (unit, segment) in enumerate(zip(work.units, segments, strict=False), 1):
        source = _source_text(unit, source_lang, target_lang)
        if source is None or not same_source(source, segment):
            return number
    if len(work.units) != len(segments):
        return min(len(work.units), len(segments)) + 1
    return None


def _source_text(unit: TranslationUnit, source_lang: str, target_lang: str) -> str | None:
    variant, _targets = unit.pair(source_lang, target_lang)
    return variant.segment.plain if variant is not None else None


@dataclass(frozen=True, slots=True)
class JobUpdate:
    """What updating a working file did: nothing (it was made from this version), or the new file and its counts."""

    path: Path
    #: Whether the file was rewritten (False: it was made from this version of the document already).
    changed: bool = False
    #: The previous working file, kept beside it.
    backup: Path | None = None
    #: Translated segments found unchanged, whose unit (translation, status, notes, match % and origin) was kept.
    kept: int = 0
    #: Of the others (new, changed, or not translated yet), those pre-translated as draft from the memories (the
    #: previous working file among them).
    filled: int = 0
    #: Of the others, those left without a translation.
    empty: int = 0
    #: Units of the previous version whose source is no longer in the document.
    dropped: int = 0
    #: Of those, the ones a translator had confirmed (their translations are in the backup, and in the project's memory
    #: when the editor saved them there).
    dropped_confirmed: int = 0
    #: Translations kept whose source's formatting (inline codes) changed: drafts again, to place the codes.
    recoded: int = 0

    def describe(self) -> str:
        """One line for the translator."""
        if not self.changed:
            return f"{self.path}: made from this version of its document already, left as it is"
        dropped = f"{plural(self.dropped, 'segment')} of the previous version dropped"
        if self.dropped_confirmed:
            dropped += f" ({self.dropped_confirmed:,} confirmed)"
        recoded = (
            f"; {plural(self.recoded, 'kept translation')} made draft, its formatting changed" if self.recoded else ""
        )
        return (
            f"{self.path}: {plural(self.kept, 'translation')} kept, {plural(self.filled, 'segment')} pre-translated "
            f"as draft, {self.empty:,} untranslated, {dropped}{recoded}; the previous version is {self.backup}"
        )


def carried_over(old_sources: Sequence[str], new_sources: Sequence[str]) -> dict[int, int]:
    """Which unit of the previous version (its index) each segment of the new one keeps (its index → the unit's): a
    longest common subsequence of the two lists of texts, so the most segments keep their units, each in order (a
    sentence repeated in the document keeps the translation of its own place; one moved elsewhere is matched, not
    kept). RapidFuzz's bit-parallel Indel alignment finds one exactly (`difflib` does not: it keeps 2 of `a a a` in
    `a x a a`), 5,000 segments against 5,000 in ~6 ms."""
    old = [" ".join(text.split()) for text in old_sources]
    new = [" ".join(text.split()) for text in new_sources]
    kept: dict[int, int] = {}
    for block in Indel.editops(old, new).as_matching_blocks():
        for offset in range(block.size):
            kept[block.b + offset] = block.a + offset
    return kept


def update_job(
    document: str | os.PathLike[str],
    work_path: str | os.PathLike[str],
    memories: Sequence[str | os.PathLike[str]],
    *,
    source_lang: str,
    target_lang: str,
    threshold: float | None = None,
    user: str | None = None,
    rules: SrxRules | None = None,
    on_notice: Callable[[str], None] | None = None,
    cache: bool = True,
    join_lines: bool = False,
) -> JobUpdate:
    """Carry the working file ``work_path`` over to the document as it is now, when it was made from another version.

    Each translated segment found unchanged, in order, keeps its unit whole: translation, status, notes, match % and
    origin. The others are pre-translated as a new job is (`prepare_job`), from ``memories`` and from the previous
    working file, so an edited sentence gets its old translation as a fuzzy match. The previous file is kept beside
    the new one (`BACKUP_STAMP`), and both are written atomically. A kept segment whose inline codes changed keeps its
    translation as a draft: its formatting has to be placed again. A file with edits not saved yet (its
    journal) is refused: the editor replays a journal onto the file it was made on. ``rules`` and ``join_lines`` must
    be those the file was made with, as for `tmkit finish`.
    """
    from tmkit.defaults import PRETRANSLATE_THRESHOLD
    from tmkit.jobs.pretranslate import match_segments, pretranslate
    from tmkit.jobs.source_text import read_source_document, with_document_sources
    from tmkit.matching.matcher import Matcher
    from tmkit.matching.memory_index import open_memory

    path = Path(work_path)
    journal = journal_path(path)
    if journal.exists():
        raise InputError(
            f"has edits not saved yet (in {journal.name}): open it with tmkit edit, save, and update it then",
            path=path,
        )
    old = load_tmx(path)
    document_read = read_source_document(document, join_lines=join_lines)
    segments = document_read.segments(lang=source_lang, rules=rules)
    plain = [segment.plain for segment in segments]
    if first_difference(old, plain, source_lang, target_lang) is None:
        return JobUpdate(path)
    old_sources = [_source_text(unit, source_lang, target_lang) or "" for unit in old.units]
    kept = carried_over(old_sources, plain)
    opened = [
        open_memory(m, source_lang=source_lang, target_lang=target_lang, on_notice=on_notice, cache=cache)
        for m in memories
    ]
    backup = _backup_path(path)
    with atomic_write(backup, binary=True) as handle:
        handle.write(path.read_bytes())
    try:
        # The previous version as a memory too, never cached (its index would outlive it beside the working files).
        opened.append(open_memory(backup, source_lang=source_lang, target_lang=target_lang, cache=False))
        results = match_segments(plain, Matcher(opened))
        fresh = pretranslate(
            results,
            source_lang=source_lang,
            target_lang=target_lang,
            threshold=PRETRANSLATE_THRESHOLD if threshold is None else threshold,
            user=user,
        )
        fresh = with_document_sources(fresh, document_read, lang=source_lang, target_lang=target_lang, rules=rules)
        carried, recoded = _carry_kept(old, fresh, kept, source_lang=source_lang, target_lang=target_lang)
        fresh.header = old.header
        write_tmx(path, fresh)
    except BaseException:
        backup.unlink(missing_ok=True)  # the working file is as it was: its copy is not needed
        raise
    dropped = [old.units[number] for number in sorted(set(range(len(old.units))) - set(kept.values()))]
    others = [unit for number, unit in enumerate(fresh.units) if number not in carried]
    return JobUpdate(
        path,
        changed=True,
        backup=backup,
        kept=len(carried),
        filled=sum(1 for unit in others if unit.status is Status.DRAFT),
        empty=sum(1 for unit in others if unit.status is not Status.DRAFT),
        dropped=len(dropped),
        dropped_confirmed=sum(1 for unit in dropped if unit.status in CONFIRMED_STATUSES),
        recoded=recoded,
    )


def _carry_kept(
    old: Memory, fresh: Memory, kept: dict[int, int], *, source_lang: str, target_lang: str
) -> tuple[set[int], int]:
    """Put the translated units of ``old`` that ``kept`` keeps in ``fresh`` (the new version, pre-translated), with
    the new source segments (their codes): which segments took one, and how many of those are drafts again because
    their formatting changed."""
    carried: set[int] = set()
    recoded = 0
    for number, previous in kept.items():
        unit = copy.deepcopy(old.units[previous])
        source_variant, targets = unit.pair(source_lang, target_lang)
        assert source_variant is not None  # (kept: its source text equals the segment's)
        made = fresh.units[number]
        if not any(variant.segment.plain.strip() for variant in targets):
            # Not translated yet: pre-translated as the others are (the memories may hold it now), its notes kept.
            made.notes.extend(note for note in unit.notes if note not in made.notes)
            continue
        if source_variant.segment != made.variants[0].segment:
            # The same text, its formatting changed (codes added, removed or other): the translation's codes named
            # the old formatting, so it is a draft again, for the translator to place them (the QA check on
            # confirming compares the codes).
            source_variant.segment = made.variants[0].segment
            unit.set_status(Status.DRAFT)
            recoded += 1
        unit.tuid = made.tuid
        fresh.units[number] = unit
        carried.add(number)
    return carried, recoded


def _backup_path(path: Path) -> Path:
    """A free name beside ``path`` for its previous version, stamped with the time."""
    stem = path.name.removesuffix(".tmx") + f".before-{datetime.now().strftime(BACKUP_STAMP)}"
    candidate = path.with_name(stem + ".tmx")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}-{number}.tmx")
        number += 1
    return candidate
