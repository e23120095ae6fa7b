"""The translated document: a working TMX's targets put back into the document it was made from."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tmkit.atomic import atomic_write
from tmkit.errors import InputError
from tmkit.formats.documents import DocumentFormat, document_format
from tmkit.formats.documents.core import Placement, TranslationRecord
from tmkit.jobs.pretranslate import REPETITION_ORIGIN
from tmkit.jobs.source_text import Segmentation, SourceDocument, read_source_document
from tmkit.jobs.update import UPDATE_HINT, refuse_unsettled_conflicts, same_source, segment_contexts, unit_context
from tmkit.memory.langtags import lang_key, primary_subtag
from tmkit.memory.model import (
    ORIGIN_PROP,
    Memory,
    Segment,
    Status,
    TranslationUnit,
    pretranslated_match,
    pretranslation_match,
    rejection_reason,
)
from tmkit.text.segmentation import SrxRules

#: How many unfinished segments a `require_all` refusal names before "and N more".
NAMED_UNFINISHED = 5


@dataclass(slots=True)
class FinishReport:
    """What went into the translated document."""

    segments: int = 0
    translated: int = 0
    #: Of the translated: pre-translated or edited but not confirmed (`draft`).
    drafts: int = 0
    #: Their numbers (from 1).
    draft_segments: list[int] = field(default_factory=list)
    #: Numbers (from 1) of segments written in the source language, having no translation.
    untranslated: list[int] = field(default_factory=list)
    #: Of those: translations a reviewer rejected (never written into a document).
    rejected: int = 0
    #: Numbers (from 1) of the translations a reviewer rejected written into an XLIFF, marked rejected (counted apart
    #: from the translated: they go back to the translator).
    rejected_segments: list[int] = field(default_factory=list)
    placement: Placement = field(default_factory=Placement)
    #: What became of the untranslated segments (an XLIFF file gets no target for them: its tool fills them).
    untranslated_as: str = "kept in the source language"

    def describe(self, target: str | os.PathLike[str], *, leave_out: str = "--confirmed-only") -> str:
        """One line for the translator (``leave_out``: what leaves the drafts out where the line is read)."""
        line = f"wrote {os.fspath(target)}: {self.translated} of {self.segments} segment(s) translated"
        if self.drafts:
            # Named, with the way to leave them out: a translator delivered a pre-translation never reviewed.
            named = ", ".join(str(n) for n in self.draft_segments[:NAMED_UNFINISHED])
            more = f" and {self.drafts - NAMED_UNFINISHED} more" if self.drafts > NAMED_UNFINISHED else ""
            line += f" ({self.drafts} unconfirmed draft(s) written: segment {named}{more}; {leave_out} leaves them out)"
        if self.rejected_segments:
            rejected = self.rejected_segments
            named = ", ".join(str(n) for n in rejected[:NAMED_UNFINISHED])
            named += f" and {len(rejected) - NAMED_UNFINISHED} more" if len(rejected) > NAMED_UNFINISHED else ""
            line += f", {len(rejected)} rejected by the reviewer, written marked so for the translator: segment {named}"
        if self.untranslated:
            line += f", {len(self.untranslated)} {self.untranslated_as}"
            if self.rejected:
                line += f" ({self.rejected} rejected)"
        return line

    def code_notices(self) -> list[str]:
        """Warnings about formatting a translation left out or lacked."""
        out = []
        if self.placement.dropped:
            out.append(f"{self.placement.dropped} inline code(s) of the translations had no place and were left out")
        if self.placement.lost_pairs:
            # (A hyperlink vanished from a DOCX without a word: `tmkit qa` says tag-missing, finish said nothing.)
            out.append(
                f"{self.placement.lost_pairs} paired code(s) of the sources (links, bold, italics) missing from their "
                "translations: their text went in without them (tmkit qa lists them as tag-missing)"
            )
        if self.placement.appended:
            out.append(
                f"{self.placement.appended} standalone code(s) missing from their translations (footnote "
                "references, images) were put at the end of their segments"
            )
        return out


class UnfinishedError(InputError):
    """`require_all` and a segment without a confirmed translation: no document is written."""


def _target(unit: TranslationUnit, source_lang: str, target_lang: str, *, rejected_too: bool) -> Segment | None:
    """The unit's translation to write; a rejected one only ``rejected_too`` (into an XLIFF, marked rejected: its
    tool shows the translator what the reviewer rejected, as Trados and memoQ keep a rejected segment's text)."""
    if unit.rejected and not rejected_too:
        return None
    _src, targets = unit.pair(source_lang, target_lang)
    for variant in targets:
        if not variant.segment.is_empty:
            return variant.segment
    return None


def target_language(memory: Memory, source_lang: str) -> str:
    """The job's target language: the most frequent language other than the source."""
    for lang in memory.languages():
        if lang != lang_key(source_lang):
            return next(v.lang for unit in memory.units for v in unit.variants if lang_key(v.lang) == lang)
    return "en" if source_lang.lower().startswith("ar") else "ar"


#: What a working file not named by its path is called in messages.
UNNAMED_WORK = "the working file"


def finish_document(
    document: str | os.PathLike[str],
    work: Memory,
    output: str | os.PathLike[str],
    *,
    work_path: str | os.PathLike[str] = UNNAMED_WORK,
    rules: SrxRules | None = None,
    require_all: bool = False,
    confirmed_only: bool = False,
    source: SourceDocument | None = None,
    update_hint: str | None = None,
) -> FinishReport:
    """Write ``output``, the document with the working TMX's translations in place, atomically.

    The working file's units are the document's segments in order (as `tmkit edit` and
    `tmkit pretranslate` made them, segmented by the same ``rules``; without ``rules`` and ``source``, the document
    is cut as the file records it was cut, `Segmentation.for_file`); a unit whose source no longer matches its
    segment stops the run naming both, as the document changed since. A segment without a translation keeps its
    source text, and so does an unconfirmed draft (a fuzzy match pretranslate put in) with ``confirmed_only``; with
    ``require_all`` any segment not translated or still a draft stops the run (`UnfinishedError`) (nothing written).
    A file of another version is refused naming the command that carries it over: ``update_hint``, else
    `tmkit pretranslate DOCUMENT -o WORK --update` for this document and working file.
    """
    _check_output(document, output)
    # (The command that carries the file over: a project's is the caller's to name; a document's is this one.)
    hint = update_hint or (
        UPDATE_HINT
        if work_path == UNNAMED_WORK
        else f"tmkit pretranslate {os.fspath(document)} -o {os.fspath(work_path)} --update carries it over"
    )
    source_lang = work.header.srclang
    target_lang = target_language(work, source_lang)
    if rules is None and source is None:
        cutting = Segmentation.for_file(work.header, work_path)
        rules, source = cutting.rules(), cutting.read(document)
    source = source or read_source_document(document)
    cut = source.extract(lang=source_lang, rules=rules)
    segments = cut.segments
    units = work.units
    refuse_unsettled_conflicts(work, work_path)  # (two units of one segment: not a working file of another version)
    if len(units) != len(segments):
        raise InputError(
            f"has {len(units)} segment(s) and {os.fspath(document)} has {len(segments)}: it was made from "
            "another version of the document (or with other --srx rules or --join-lines); " + hint,
            path=work_path,
        )
    report = FinishReport(segments=len(segments))
    bilingual = document_format(document) is DocumentFormat.XLIFF
    if bilingual:
        report.untranslated_as = "left without a target"
    translations: list[Segment | None] = []
    statuses: list[str | None] = []
    records: list[TranslationRecord | None] = []
    unconfirmed: list[int] = []
    contexts = segment_contexts(source, lang=source_lang, rules=rules)
    for number, (unit, segment) in enumerate(zip(units, segments, strict=True), 1):
        src, _targets = unit.pair(source_lang, target_lang)
        if src is None or not same_source(src.segment.plain, segment.plain):
            raise InputError(
                f"segment {number} is {segment.plain[:60]!r} in {os.fspath(document)} but "
                f"{(src.segment.plain if src else '')[:60]!r} here: it was made from another version of the document; "
                + hint,
                path=work_path,
                line=unit.line,
            )
        if unit_context(unit) != contexts[number - 1]:
            # (Two messages of one text, in two contexts: moved, the translation of one would go to the other.)
            raise InputError(
                f"segment {number} is {segment.plain[:60]!r} in the context {contexts[number - 1]!r} in "
                f"{os.fspath(document)} but in {unit_context(unit)!r} here: it was made from another version of the "
                "document; " + hint,
                path=work_path,
                line=unit.line,
            )
        target = _target(unit, source_lang, target_lang, rejected_too=bilingual)
        # (A rejection goes back into an XLIFF whatever is left out: it is the review's result, not a draft.)
        if confirmed_only and unit.status in (Status.NEW, Status.DRAFT) and not (bilingual and unit.rejected):
            target = None
        translations.append(target)
        records.append(None if target is None else translation_record(unit, propagated=_propagated(unit, translations)))
        if target is None:
            report.untranslated.append(number)
            report.rejected += unit.rejected
            statuses.append(None)
            unconfirmed.append(number)
            continue
        statuses.append(unit.status.value)
        if unit.rejected:
            report.rejected_segments.append(number)
            unconfirmed.append(number)
            continue
        report.translated += 1
        if unit.status is Status.DRAFT or unit.status is Status.NEW:
            report.drafts += 1
            report.draft_segments.append(number)
            unconfirmed.append(number)
    if require_all and unconfirmed:
        named = ", ".join(str(n) for n in unconfirmed[:NAMED_UNFINISHED])
        more = f" and {len(unconfirmed) - NAMED_UNFINISHED} more" if len(unconfirmed) > NAMED_UNFINISHED else ""
        rejected = sum(units[number - 1].rejected for number in unconfirmed)
        of_them = f"; {rejected} of them rejected" if rejected else ""
        raise UnfinishedError(
            f"{len(unconfirmed)} segment(s) not translated or not confirmed (segment {named}{more}{of_them}): "
            "nothing written",
            path=work_path,
        )
    data = cut.render(
        translations, target_lang=target_lang, statuses=statuses, records=records, placement=report.placement
    )
    with atomic_write(output, binary=True) as handle:
        handle.write(data)
    return report


def translation_record(unit: TranslationUnit, *, propagated: bool = True) -> TranslationRecord | None:
    """What a document that records it keeps of a unit's translation beyond its status: a reviewer's rejection and
    why; the match it still is (the pre-translation's % holds while the target is that draft), a memory's, named by
    its file, or a repetition's (only while ``propagated``: the first occurrence's translation is still its own); and
    the match it was pre-translated with when it has been changed since. None: none of these."""
    match = pretranslated_match(unit)
    origin = unit.prop_value(ORIGIN_PROP) or ""
    repeated = origin.split(":", 1)[0] == REPETITION_ORIGIN
    earlier = pretranslation_match(unit)
    previous = earlier[0] if earlier is not None and match is None else None
    if match is None and previous is None and not unit.rejected:
        return None
    # The memory the match came from (a repetition's: its first occurrence's; a job made before tmkit kept it,
    # the origin's).
    memory = _memory_name(earlier[1]) if earlier is not None else None
    if memory is None and not repeated and origin:
        memory = _memory_name(origin)
    return TranslationRecord(
        rejected=unit.rejected,
        reason=rejection_reason(unit) if unit.rejected else "",
        match=match,
        memory=memory,
        repetition=repeated and (propagated or match is None),
        previous_match=previous,
    )


def _propagated(unit: TranslationUnit, translations: Sequence[Segment | None]) -> bool:
    """Whether a repetition's translation is still its first occurrence's (among ``translations``, the segments' up
    to this one): a repetition kept while the first was edited is no longer propagated from it."""
    origin = unit.prop_value(ORIGIN_PROP) or ""
    kind, _, number = origin.partition(":")
    if kind != REPETITION_ORIGIN or not number.isdigit() or not 0 < int(number) < len(translations):
        return True
    first, this = translations[int(number) - 1], translations[-1]
    return first is not None and this is not None and first.plain == this.plain


def _memory_name(origin: str) -> str | None:
    """A memory's name, as a CAT tool names its memories, from a match's origin: the file's name without its suffix
    (`guide-memory.tmx#12` → `guide-memory`; the origin is the memory, then `#` and the unit's tuid when it has one)."""
    return Path(origin.rsplit("#", 1)[0]).stem or None


def pseudo_document(
    document: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    source_lang: str,
    target_lang: str,
    rules: SrxRules | None = None,
    source: SourceDocument | None = None,
) -> int:
    """Write ``output``, the document with every segment pseudo-translated; the number of segments."""
    _check_output(document, output)
    source = source or read_source_document(document)
    cut = source.extract(lang=source_lang, rules=rules)
    data = cut.render_pseudo(target_lang=target_lang)
    with atomic_write(output, binary=True) as handle:
        handle.write(data)
    return len(cut.pieces)


def _check_output(document: str | os.PathLike[str], output: str | os.PathLike[str]) -> None:
    if Path(output).exists() and Path(output).resolve() == Path(document).resolve():
        raise InputError("the translated document would overwrite its source: name another file", path=output)
    given, wanted = document_format(output), document_format(document)
    if given is not wanted:
        suffix = Path(document).suffix or ".txt"
        what = "plain text" if wanted is DocumentFormat.TEXT else wanted.value.upper()
        raise InputError(f"the translation of {what} is {what} too: name it {suffix}", path=output)


#: The suffix a document without one is read as (plain text), and the translated document keeps.
PLAIN_SUFFIX = ".txt"


def default_output(document: Path, target_lang: str) -> Path:
    """The translated document beside its source, the target language before the suffix: `article.docx` →
    `article.en.docx`, `article.ar.txt` → `article.ar.en.txt` (never over the source, nor a sample's other file).
    The editor's finish dialog offers it, and `tmkit finish DOCUMENT` writes it when not told where."""
    suffix = document.suffix or PLAIN_SUFFIX
    stem = document.name[: -len(document.suffix)] if document.suffix else document.name
    return document.with_name(f"{stem}.{primary_subtag(target_lang)}{suffix}")


def default_work_path(document: str | os.PathLike[str]) -> Path:
    """The working TMX `tmkit edit` makes beside a document (`report.docx` → `report.docx.tmx`)."""
    from tmkit.jobs.workfile import job_path

    return job_path(document)
