"""A working file carried over to a new version of its document: translations kept where the source did not change."""

from __future__ import annotations

import copy
import glob
import os
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz.distance import Indel

from tmkit.atomic import atomic_write
from tmkit.errors import InputError
from tmkit.formats.documents.po_filter import CONTEXT_NOTE
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.journal import journal_path, stamped_path
from tmkit.jobs.project import CONFIRMED_STATUSES
from tmkit.jobs.source_text import (
    CONTEXT_PROP,
    DOCUMENT_ORIGIN,
    Segmentation,
    SourceDocument,
    header_of,
    made_from,
    record_document,
)
from tmkit.memory.langtags import ALL_LANGUAGES, lang_key, primary_subtag
from tmkit.memory.merge import CONFLICT_PROP, same_apart_from_dates
from tmkit.memory.model import (
    ORIGIN_PROP,
    Inline,
    Memory,
    Segment,
    Status,
    TranslationUnit,
    Variant,
    pretranslated_match,
)
from tmkit.wording import plural

if TYPE_CHECKING:
    from tmkit.matching.memory_index import MemoryIndex
    from tmkit.text.segmentation import SrxRules

#: What a command that finds a working file made from another version of its document says to do.
UPDATE_HINT = (
    "tmkit pretranslate PROJECT --update (or DOCUMENT -o WORKING.tmx --update) carries its translations over to it"
)

#: The attributes that number a code within its segment (`i` pairs `bpt` and `ept`, `x` names the code).
_CODE_NUMBERS = frozenset({"i", "x"})
#: A placeholder in `Segment.placeholder_text` (`{1}`, `{/1}`, `{2/}`), its number between its marks.
_NUMBERED = re.compile(r"\{(/?)[^{}/\s]+(/?)\}")


def same_source(a: str, b: str) -> bool:
    """Whether a unit's source and a document's segment are one text (white space aside): how a working file is known
    to be made from a version of its document, by `tmkit finish` and by an update."""
    return " ".join(a.split()) == " ".join(b.split())


def first_difference(
    work: Memory,
    segments: Sequence[Segment],
    source_lang: str,
    target_lang: str,
    *,
    contexts: Sequence[str | None] | None = None,
    codes: bool = True,
) -> int | None:
    """The first segment (from 1) where the working file ``work`` and the document's ``segments`` (in order) part:
    in their text (`same_source`), their ``contexts`` when given (`segment_contexts`: a PO msgctxt), or with ``codes``
    in their inline codes or where they stand (the formatting). None where it was made from this version. A unit
    without a source text parts there too."""
    for number, (unit, segment) in enumerate(zip(work.units, segments, strict=False), 1):
        source, _targets = unit.pair(source_lang, target_lang)
        if source is None or not same_source(source.segment.plain, segment.plain):
            return number
        if contexts is not None and unit_context(unit) != contexts[number - 1]:
            return number
        if codes and not _same_formatting(source.segment, segment):
            return number
    if len(work.units) != len(segments):
        return min(len(work.units), len(segments)) + 1
    return None


def where_changed(
    work: Memory, document: SourceDocument, *, source_lang: str, target_lang: str, rules: SrxRules | None = None
) -> int | None:
    """Where a working file ``work`` and its ``document`` as it is now part (`first_difference`, contexts and codes
    too): None where it was made from this version, and where it holds merge conflicts not settled (no version of its
    document until the translator keeps one side of each: the editor shows them)."""
    if unsettled_conflicts(work):
        return None
    segments = document.segments(lang=source_lang, rules=rules)
    contexts = segment_contexts(document, lang=source_lang, rules=rules)
    return first_difference(work, segments, source_lang, target_lang, contexts=contexts)


def where_changed_since(
    work_path: str | os.PathLike[str],
    document: str | os.PathLike[str],
    *,
    source_lang: str,
    target_lang: str,
    given: Segmentation | None = None,
    remedy: str | None = None,
    work: Memory | None = None,
) -> int | None:
    """Where the working file at ``work_path`` (``work``, when read already) and ``document`` as it is now part
    (`where_changed`), the document cut as the file records (`Segmentation.for_file`: ``given`` options must be the
    same, else one line ending in ``remedy``). While the document is the version the file records it was made from
    (`made_from`), nothing is read past the file's header, cut or compared."""
    header = work.header if work is not None else header_of(work_path)
    if header is None:  # (not readable as TMX: the whole read says where and why)
        work = load_tmx(work_path)
        header = work.header
    cutting = Segmentation.for_file(header, work_path, given, remedy=remedy)
    if made_from(header, document):
        return None
    work = work if work is not None else load_tmx(work_path)
    return where_changed(
        work, cutting.read(document), source_lang=source_lang, target_lang=target_lang, rules=cutting.rules()
    )


def segment_contexts(document: SourceDocument, *, lang: str, rules: SrxRules | None = None) -> list[str | None]:
    """Each segment's context in its document (its paragraph's: a PO msgctxt), None for most."""
    cut = document.extract(lang=lang, rules=rules)
    return [document.document.paragraphs[paragraph].context or None for paragraph in cut.paragraph_of]


def unit_context(unit: TranslationUnit) -> str | None:
    """A unit's segment's context (`CONTEXT_PROP`, empty for a message without one); in a working file made before
    units kept it, the msgctxt its first note gives (`context: menu`: the PO filter notes it first)."""
    stated = unit.prop_value(CONTEXT_PROP)
    if stated is not None:
        return stated or None
    if unit.notes and unit.notes[0].text.startswith(CONTEXT_NOTE):
        return unit.notes[0].text[len(CONTEXT_NOTE) :]
    return None


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
    #: Of those, the ones found at another place in the document (moved).
    moved: int = 0
    #: Of the others (new, changed, or not translated yet), those pre-translated as draft from the memories (the
    #: earlier versions of the working file among them).
    filled: int = 0
    #: Of the others, those the document itself translates (a PO msgstr).
    from_document: int = 0
    #: Of the others, those left without a translation.
    empty: int = 0
    #: Units of the previous version whose source is no longer in the document.
    dropped: int = 0
    #: Of those, the ones a translator had confirmed (kept in the backup, and offered as matches by later updates).
    dropped_confirmed: int = 0
    #: Translations kept whose source's formatting (inline codes) changed: drafts again, to place the codes.
    recoded: int = 0

    def describe(self) -> str:
        """One line for the translator."""
        if not self.changed:
            return f"{self.path}: made from this version of its document already, left as it is"
        kept = plural(self.kept, "translation") + " kept" + (f" ({self.moved:,} moved)" if self.moved else "")
        parts = [kept, f"{plural(self.filled, 'segment')} pre-translated as draft"]
        if self.from_document:
            parts.append(f"{self.from_document:,} translated by the document")
        parts.append(f"{self.empty:,} untranslated")
        dropped = f"{plural(self.dropped, 'segment')} of the previous version dropped"
        if self.dropped_confirmed:
            dropped += f" ({self.dropped_confirmed:,} confirmed)"
        parts.append(dropped)
        if self.recoded:
            parts.append(f"{plural(self.recoded, 'kept translation')} made draft again (formatting changed)")
        return f"{self.path}: {', '.join(parts)}; the previous version is {self.backup}"


def carried_over(
    old_keys: Sequence[str],
    new_keys: Sequence[str],
    *,
    old_texts: Sequence[str] | None = None,
    new_texts: Sequence[str] | None = None,
    preference: Sequence[int] | None = None,
) -> tuple[dict[int, int], set[int]]:
    """Which unit of the previous version (its index) each segment of the new one keeps (its index → the unit's), and
    which of those segments were moved. Keys name a segment whole (`segment_key`: text, formatting, context); texts,
    when given, without its formatting.

    First a longest common subsequence of the two lists of keys, so the most segments keep their units in order (a
    sentence repeated in the document keeps the translation of its own place); RapidFuzz's bit-parallel Indel
    alignment finds one exactly (`difflib` does not: it keeps 2 of `a a a` in `a x a a`). Then each segment left
    takes the best ranked unit left of the same key: a sentence moved elsewhere keeps its unit too (moved). Of the units
    of one key, the segments keeping one take the ones ``preference`` ranks highest (a confirmed translation of a
    sentence now written once rather than the rejected one of its other place). Last, each segment still left takes
    a unit left of the same text, the best ranked: its formatting changed.
    """
    old = [" ".join(key.split()) for key in old_keys]
    new = [" ".join(key.split()) for key in new_keys]
    kept: dict[int, int] = {}
    for block in Indel.editops(old, new).as_matching_blocks():
        for offset in range(block.size):
            kept[block.b + offset] = block.a + offset
    moved = _pair_left(old, new, kept, preference)
    if preference is not None:
        _prefer(old, kept, preference)
    if old_texts is not None and new_texts is not None:
        texts = [" ".join(t.split()) for t in old_texts], [" ".join(t.split()) for t in new_texts]
        _pair_left(*texts, kept, preference)
    return kept, moved


def _pair_left(
    old: Sequence[str], new: Sequence[str], kept: dict[int, int], preference: Sequence[int] | None = None
) -> set[int]:
    """Pair each segment ``kept`` has no unit for with a unit left of the same key: the one ``preference`` ranks
    highest, the first of those; which segments were paired."""
    taken = set(kept.values())
    left: dict[str, list[int]] = defaultdict(list)
    for number in range(len(old)):
        if number not in taken:
            left[old[number]].append(number)
    for units in left.values():  # popped from the end: the best, and of the best the first, come last
        units.sort(key=lambda unit: ((preference[unit] if preference is not None else 0), -unit))
    paired: set[int] = set()
    for number, key in enumerate(new):
        if number not in kept and left.get(key):
            kept[number] = left[key].pop()
            paired.add(number)
    return paired


def _prefer(old: Sequence[str], kept: dict[int, int], preference: Sequence[int]) -> None:
    """Give the segments of each key the units of that key ``preference`` ranks highest (ties: the ones they have),
    in the order of the units."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for number, key in enumerate(old):
        by_key[key].append(number)
    holders: dict[str, list[int]] = defaultdict(list)
    for segment, unit in kept.items():
        holders[old[unit]].append(segment)
    for key, segments in holders.items():
        units = by_key[key]
        if len(units) == len(segments):
            continue
        held = set(kept[segment] for segment in segments)
        best = sorted(units, key=lambda unit: (-preference[unit], unit not in held, unit))[: len(segments)]
        for segment, unit in zip(sorted(segments), sorted(best), strict=True):
            kept[segment] = unit


def update_job(
    document: str | os.PathLike[str],
    work_path: str | os.PathLike[str],
    memories: Sequence[str | os.PathLike[str]],
    *,
    source_lang: str,
    target_lang: str,
    threshold: float | None = None,
    user: str | None = None,
    segmentation: Segmentation | None = None,
    on_notice: Callable[[str], None] | None = None,
    cache: bool = True,
    remedy: str | None = None,
    resegment: bool = False,
) -> JobUpdate:
    """Carry the working file ``work_path`` over to the document as it is now, when it was made from another version
    (its text or its formatting: `first_difference`).

    Each translated segment found unchanged (in order, or moved) keeps its unit whole: tuid, translation, status,
    notes, match % and origin. The others are pre-translated as a new job is (`prepare_job`), from ``memories`` and
    from what translators confirmed in the earlier versions of the working file (this one and the copies earlier
    updates kept), so an edited sentence gets its old translation as a fuzzy draft, and a sentence taken out and put
    back its own. So are the translations the translator never touched: a pre-translated draft (a better match may
    have come) and the document's own (a new PO msgstr). The previous file is kept beside the new one
    (`NAME.before-STAMP.tmx`: a TMX still, so a CAT tool or `tmkit edit` opens it), both written atomically. A kept
    translation whose source's codes changed is a draft again (its formatting has to be placed), but codes only
    renumbered are renumbered in it too.

    Refused: a file with edits not saved yet (its journal: the editor replays it onto the file it was made on), one
    with merge conflicts not settled, and one without a translation in ``target_lang`` while it holds others (a wrong
    target language would leave every translation behind). The document is cut as the file records it was cut
    (`Segmentation.for_file`: ``segmentation``, when given, must be the same), or, in a file made before tmkit recorded
    it, by ``segmentation`` (tmkit's own rules by default); the new file records it. ``remedy`` ends the refusal of
    another segmentation than the file's; with ``resegment`` the document is cut by ``segmentation`` (tmkit's own rules
    by default) whatever the file records: segments cut as before keep their units, the others are pre-translated (a
    confirmed translation of a segment now cut otherwise comes back as a fuzzy draft, from the previous version).
    """
    from tmkit.defaults import PRETRANSLATE_THRESHOLD
    from tmkit.jobs.pretranslate import match_segments, pretranslate
    from tmkit.jobs.source_text import with_document_sources
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
    _refuse_unsettled(old, path, source_lang=source_lang, target_lang=target_lang)
    # (``resegment``: cut by the rules asked for now, whatever the file records; what they cut otherwise is matched.)
    cutting = (
        (segmentation or Segmentation())
        if resegment
        else Segmentation.for_file(old.header, path, segmentation, remedy=remedy)
    )
    rules = cutting.rules()
    document_read = cutting.read(document)
    if where_changed(old, document_read, source_lang=source_lang, target_lang=target_lang, rules=rules) is None:
        return JobUpdate(path)
    segments = document_read.segments(lang=source_lang, rules=rules)  # (cut once: the document keeps its cut)
    contexts = segment_contexts(document_read, lang=source_lang, rules=rules)
    old_sources = [(unit.pair(source_lang, target_lang)[0] or Variant("", Segment())).segment for unit in old.units]
    old_contexts = [unit_context(unit) for unit in old.units]
    kept, moved = carried_over(
        [segment_key(segment, context) for segment, context in zip(old_sources, old_contexts, strict=True)],
        [segment_key(segment, context) for segment, context in zip(segments, contexts, strict=True)],
        old_texts=[segment_key(Segment.from_text(s.plain), c) for s, c in zip(old_sources, old_contexts, strict=True)],
        new_texts=[segment_key(Segment.from_text(s.plain), c) for s, c in zip(segments, contexts, strict=True)],
        preference=[_worth(unit, source_lang, target_lang) for unit in old.units],
    )
    opened = [
        open_memory(m, source_lang=source_lang, target_lang=target_lang, on_notice=on_notice, cache=cache)
        for m in memories
    ]
    earlier = sorted(_earlier_versions(path))
    backup = _backup_path(path)
    with atomic_write(backup, binary=True) as handle:
        handle.write(path.read_bytes())
    try:
        versions = [(p, load_tmx(p)) for p in earlier]
        opened += [
            _confirmed_index(version, memory, source_lang=source_lang, target_lang=target_lang)
            for version, memory in [(backup, old), *versions]
        ]
        fresh = pretranslate(
            match_segments(segments, Matcher(opened)),
            source_lang=source_lang,
            target_lang=target_lang,
            threshold=PRETRANSLATE_THRESHOLD if threshold is None else threshold,
            user=user,
        )
        fresh = with_document_sources(fresh, document_read, lang=source_lang, target_lang=target_lang, rules=rules)
        carried, recoded = _carry_kept(old, fresh, kept, source_lang=source_lang, target_lang=target_lang)
        _number_new_units(fresh, set(kept), taken=[old, *(memory for _path, memory in versions)])
        fresh.header = old.header
        cutting.record_in(fresh, path)
        record_document(fresh, document)
        write_tmx(path, fresh)
    except BaseException:
        backup.unlink(missing_ok=True)  # the working file is as it was: its copy is not needed
        raise
    dropped = [old.units[number] for number in sorted(set(range(len(old.units))) - set(kept.values()))]
    others = [unit for number, unit in enumerate(fresh.units) if number not in carried]
    translated = [unit for unit in others if _has_translation(unit, source_lang, target_lang)]
    by_document = [unit for unit in translated if unit.prop_value(ORIGIN_PROP) == DOCUMENT_ORIGIN]
    return JobUpdate(
        path,
        changed=True,
        backup=backup,
        kept=len(carried),
        moved=len(moved & carried),
        filled=len(translated) - len(by_document),
        from_document=len(by_document),
        empty=len(others) - len(translated),
        dropped=len(dropped),
        dropped_confirmed=sum(1 for unit in dropped if unit.status in CONFIRMED_STATUSES),
        recoded=recoded,
    )


def unsettled_conflicts(work: Memory) -> list[TranslationUnit]:
    """The units of merge conflicts not settled in a working file (two units of one segment, marked ours and theirs):
    such a file is no version of its document until the translator keeps one of each."""
    return [unit for unit in work.units if any(prop.type == CONFLICT_PROP for prop in unit.props)]


def refuse_unsettled_conflicts(work: Memory, path: str | os.PathLike[str], *, then: str = "") -> None:
    """One line naming the working file at ``path`` when it holds merge conflicts not settled, and what to do (and
    ``then``): finish, an update and the project's pretranslate refuse such a file alike."""
    conflicts = unsettled_conflicts(work)
    if conflicts:
        raise InputError(
            f"holds merge conflicts not settled ({plural(len(conflicts), 'unit')}): settle them in tmkit edit "
            f"(Alt+O ours, Alt+T theirs) and save{then}",
            path=path,
            line=conflicts[0].line,
        )


def _refuse_unsettled(old: Memory, path: Path, *, source_lang: str, target_lang: str) -> None:
    """Refuse a working file an update would do wrong by: merge conflicts not settled (two units of one segment, which
    an update would take for two segments and keep one of), another source language than ``source_lang`` (its
    header's), or no translation in ``target_lang`` among others."""
    refuse_unsettled_conflicts(old, path, then=", then update it")
    stated = old.header.srclang
    if stated and stated != ALL_LANGUAGES and primary_subtag(stated) != primary_subtag(source_lang):
        raise InputError(f"its source language is {stated} (its header), not {source_lang}", path=path)
    wanted, source = lang_key(target_lang), lang_key(source_lang)
    held = {lang_key(v.lang) for unit in old.units for v in unit.variants if v.segment.plain.strip()} - {source}
    if held and not any(primary_subtag(lang) == primary_subtag(wanted) for lang in held):
        raise InputError(
            f"holds no {target_lang} translation (it holds {', '.join(sorted(held))}): the target language is one "
            "of those",
            path=path,
        )


def segment_key(segment: Segment, context: str | None) -> str:
    """What names a segment when units are matched to a new version's: its text with its codes where they stand (each
    code by kind and native code, not by its number), and its context, after a character no text holds."""
    placeholders = _NUMBERED.sub(lambda found: found.group(1) + "#" + found.group(2), segment.placeholder_text())
    shapes = "".join(repr(_code_shape(code)) for code in segment.codes())
    return f"{placeholders}\x00{shapes}" + (f"\x00{context}" if context is not None else "")


#: How a unit is worth keeping, when a document holds its text fewer times than before: confirmed by rank, a
#: translator's draft, an untouched one, none, rejected.
_STATUS_WORTH = {Status.FINAL: 5, Status.REVIEWED: 4, Status.TRANSLATED: 3, Status.DRAFT: 2, Status.NEW: 0}


def _worth(unit: TranslationUnit, source_lang: str, target_lang: str) -> int:
    if unit.rejected:
        return -1
    if not _has_translation(unit, source_lang, target_lang):
        return 0
    worth = _STATUS_WORTH.get(unit.status, 0)
    return worth - 1 if worth == 2 and pretranslated_match(unit) is not None else worth


def _has_translation(unit: TranslationUnit, source_lang: str, target_lang: str) -> bool:
    return any(variant.segment.plain.strip() for variant in unit.pair(source_lang, target_lang)[1])


def _replaced(unit: TranslationUnit, made: TranslationUnit, *, source_lang: str, target_lang: str) -> bool:
    """Whether a kept segment takes what the new version's pre-translation gave it (``made``) instead of its unit: when
    the unit has no translation, or one nobody confirmed, rejected or approved that ``made`` does as well as: a
    pre-translated draft (the editor drops its match % once the target is another) by a match scoring as much, the
    document's own draft (a PO fuzzy msgstr) by the document's new translation."""
    if not _has_translation(unit, source_lang, target_lang):
        return True
    if unit.rejected or unit.status is not Status.DRAFT or not _has_translation(made, source_lang, target_lang):
        return False
    if unit.prop_value(ORIGIN_PROP) == DOCUMENT_ORIGIN:
        return made.prop_value(ORIGIN_PROP) == DOCUMENT_ORIGIN
    was, now = pretranslated_match(unit), pretranslated_match(made)
    return was is not None and now is not None and now >= was


def _carry_kept(
    old: Memory, fresh: Memory, kept: dict[int, int], *, source_lang: str, target_lang: str
) -> tuple[set[int], int]:
    """Put the translated units of ``old`` that ``kept`` keeps in ``fresh`` (the new version, pre-translated), with
    the new source segments (their codes): which segments took one, and how many of those are drafts again because
    their formatting changed. Untranslated and untouched ones give way to what ``fresh`` has for them,
    as `_replaced` says; their notes, and any the document gives now, are kept either way."""
    carried: set[int] = set()
    recoded = 0
    for number, previous in kept.items():
        made = fresh.units[number]
        if _replaced(old.units[previous], made, source_lang=source_lang, target_lang=target_lang):
            made.notes.extend(note for note in old.units[previous].notes if note not in made.notes)
            made.tuid = old.units[previous].tuid  # (still this segment's unit to a merge)
            if same_apart_from_dates(old.units[previous], made):
                # Nothing new for it (no match, the same source): the unit as it was, dates too, so that a merge with
                # an editor that was open on the previous version sees no change on this side.
                fresh.units[number] = copy.deepcopy(old.units[previous])
            continue
        unit = copy.deepcopy(old.units[previous])  # (``old`` stays the previous version: the counts read it)
        unit.notes.extend(note for note in made.notes if note not in unit.notes)  # (a PO entry's new comments)
        source_variant, targets = unit.pair(source_lang, target_lang)
        assert source_variant is not None  # (kept: its source text equals the segment's)
        new_source = made.variants[0].segment
        if not _same_formatting(source_variant.segment, new_source):
            numbers = _renumbering(source_variant.segment, new_source)
            for variant in targets:
                variant.segment = _renumbered(variant.segment, numbers)
            if not _same_formatting(_renumbered(source_variant.segment, numbers), new_source):
                # Codes added, taken out, changed or moved: the translation's place the old formatting, so it is a
                # draft again, for the translator to place them (the QA check on confirming compares the codes).
                unit.set_status(Status.DRAFT)
                recoded += 1
        source_variant.segment = new_source
        fresh.units[number] = unit
        carried.add(number)
    return carried, recoded


def _code_shape(code: Inline) -> Inline:
    """A code without the attributes that number it in its segment."""
    return Inline(code.tag, tuple(pair for pair in code.attrs if pair[0] not in _CODE_NUMBERS), code.content)


def _same_formatting(a: Segment, b: Segment) -> bool:
    """Whether two segments of one text have the same codes at the same places (white space aside)."""
    return a.codes() == b.codes() and " ".join(a.placeholder_text().split()) == " ".join(b.placeholder_text().split())


def _renumbering(old: Segment, new: Segment) -> dict[str, str]:
    """How the codes of ``old`` are numbered in ``new``: the codes the two have alike (tag, attributes and native code
    but their numbers), matched in order, each old number → its new one (a sentence after one whose formatting
    changed, in one paragraph, has its codes numbered otherwise); an old code ``new`` lacks gets a number ``new``
    does not use, so a translation's placeholder never names another code."""
    before, after = old.codes(), new.codes()
    numbers: dict[str, str] = {}
    shapes = [repr(_code_shape(code)) for code in before], [repr(_code_shape(code)) for code in after]
    for block in Indel.editops(*shapes).as_matching_blocks():
        for offset in range(block.size):
            was, now = before[block.a + offset], after[block.b + offset]
            for name in _CODE_NUMBERS:
                if was.get(name) is not None and now.get(name) is not None:
                    numbers.setdefault(was.get(name) or "", now.get(name) or "")
    used = {code.get(name) for code in after for name in _CODE_NUMBERS} - {None}
    spare = max((int(number) for number in used if number and number.isdigit()), default=0) + 1
    for code in before:
        for name in _CODE_NUMBERS:
            number = code.get(name)
            if number is not None and number not in numbers:
                while str(spare) in used:
                    spare += 1
                numbers[number] = str(spare)
                used.add(str(spare))
    return numbers


def _renumbered(segment: Segment, numbers: dict[str, str]) -> Segment:
    """``segment`` with its codes' `i` and `x` numbered as ``numbers`` says (all at once: 1 → 2 and 2 → 3 at once)."""

    def part(content: str | Inline) -> str | Inline:
        if isinstance(content, str):
            return content
        attrs = tuple((k, numbers.get(v, v) if k in _CODE_NUMBERS else v) for k, v in content.attrs)
        return Inline(content.tag, attrs, tuple(part(inner) for inner in content.content))

    return Segment(tuple(part(content) for content in segment.content))


def _number_new_units(fresh: Memory, kept: set[int], *, taken: Sequence[Memory]) -> None:
    """The segments that kept a unit keep its tuid (a git merge and the editor's merge with the disk pair units by
    them); the others are numbered after the highest number any version (``taken``) gave, so none takes the tuid of a
    unit kept or dropped (a teammate's copy may still hold that one)."""
    used = {unit.tuid for number, unit in enumerate(fresh.units) if number in kept and unit.tuid}
    used |= {unit.tuid for memory in taken for unit in memory.units if unit.tuid}
    numbers = [int(tuid) for tuid in used if re.fullmatch(r"\d+", tuid)]
    following = max(numbers, default=0) + 1
    for number, unit in enumerate(fresh.units):
        if number in kept and unit.tuid:
            continue
        while str(following) in used:
            following += 1
        unit.tuid = str(following)
        following += 1


def _confirmed_index(path: Path, memory: Memory, *, source_lang: str, target_lang: str) -> MemoryIndex:
    """What translators confirmed in an earlier version of a working file, as a memory named by ``path``: its drafts
    are left out (a pre-translation matched again would pass for the earlier version's, at a score it never had)."""
    from tmkit.matching.memory_index import MemoryIndex

    confirmed = [unit for unit in memory.units if unit.status in CONFIRMED_STATUSES and not unit.rejected]
    return MemoryIndex.build(confirmed, source_lang=source_lang, target_lang=target_lang, name=path.name)


def _earlier_versions(path: Path) -> list[Path]:
    """The copies earlier updates kept of the working file ``path`` (`_backup_path`)."""
    return [p for p in path.parent.glob(f"{glob.escape(_stem(path))}.before-*.tmx") if p.is_file()]


def _stem(path: Path) -> str:
    return path.name[: -len(".tmx")] if path.name.lower().endswith(".tmx") else path.name


def _backup_path(path: Path) -> Path:
    """A free name beside ``path`` for its previous version, stamped with the time."""
    return stamped_path(path, f"{_stem(path)}.before-", ".tmx")
