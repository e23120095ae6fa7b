"""Documents in and out (text, DOCX, HTML, Markdown, PO, XLIFF): segments with inline codes, and the translated file."""

from __future__ import annotations

import importlib
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from tmkit.errors import InputError
from tmkit.formats.documents.core import (
    Layout,
    Paragraph,
    Piece,
    Placement,
    TranslationRecord,
    assemble,
    from_segment,
    map_text,
    plain_text,
    pseudo_translate,
    segment_paragraph,
    to_segment,
)
from tmkit.memory.model import Segment
from tmkit.text.segmentation import SrxRules


class DocumentFormat(StrEnum):
    """A document format tmkit translates; the value names its filter module."""

    TEXT = "text"
    DOCX = "docx"
    HTML = "html"
    MARKDOWN = "markdown"
    PO = "po"
    XLIFF = "xliff"


#: File-name suffixes of each format (plain text is every other name).
DOCUMENT_SUFFIXES: dict[DocumentFormat, tuple[str, ...]] = {
    DocumentFormat.DOCX: (".docx",),
    DocumentFormat.HTML: (".html", ".htm", ".xhtml"),
    DocumentFormat.MARKDOWN: (".md", ".markdown"),
    DocumentFormat.PO: (".po", ".pot"),
    DocumentFormat.XLIFF: (".xlf", ".xliff", ".sdlxliff"),
}


def document_format(path: str | os.PathLike[str]) -> DocumentFormat:
    """The format a document's name says, case-insensitively; any other name is plain text."""
    lower = os.fspath(path).lower()
    for document_kind, suffixes in DOCUMENT_SUFFIXES.items():
        if lower.endswith(suffixes):
            return document_kind
    return DocumentFormat.TEXT


class Document(Protocol):
    """A document read by a filter: its paragraphs, and the document written with other paragraph contents."""

    paragraphs: list[Paragraph]

    def render(
        self,
        contents: Sequence[list[Piece]],
        *,
        target_lang: str,
        statuses: Sequence[str | None] | None = None,
        records: Sequence[TranslationRecord | None] | None = None,
    ) -> bytes:
        """The document's bytes with paragraph ``n``'s pieces replaced by ``contents[n]``, set for ``target_lang``.

        ``statuses`` (per paragraph: the lowest status of its segments, None untranslated) and ``records`` (per
        paragraph: a rejection, the match kept) matter only where the format records them (a PO entry's fuzzy
        flag, an SDLXLIFF segment's level and origin).
        """
        ...


def open_document(path: str | os.PathLike[str], *, join_lines: bool = False) -> Document:
    """The document at ``path`` read by the filter its name says (filters are imported only when used)."""
    kind = document_format(path)
    module = importlib.import_module(f"tmkit.formats.documents.{kind.value}_filter")
    read: Callable[..., Document] = module.read_document
    if not Path(path).is_file():
        raise InputError("no such file" if not Path(path).exists() else "not a file", path=path)
    document = read(path, join_lines=join_lines) if kind is DocumentFormat.TEXT else read(path)
    if not any(plain_text(p.pieces).strip() for p in document.paragraphs):
        locked = len(getattr(document, "locked_segments", ()))
        why = f": its {locked} segment(s) with text are locked in Trados" if locked else ""
        raise InputError(f"the document has no text to translate{why}", path=os.fspath(path))
    return document


@dataclass(slots=True)
class ExtractedDocument:
    """A document cut into segments: each paragraph's layout, and the segments in document order."""

    document: Document
    layouts: list[Layout] = field(default_factory=list)
    #: Each segment's pieces, codes numbered per paragraph.
    pieces: list[list[Piece]] = field(default_factory=list)
    #: The paragraph each segment comes from (index into ``document.paragraphs``).
    paragraph_of: list[int] = field(default_factory=list)

    @property
    def segments(self) -> list[Segment]:
        """The segments as TMX segments, formatting as inline codes."""
        return [to_segment(p) for p in self.pieces]

    def text(self) -> str:
        """The document's text, a paragraph a line (to guess its language)."""
        return "\n".join(plain_text(p.pieces) for p in self.document.paragraphs)

    def render(
        self,
        translations: Sequence[Segment | None],
        *,
        target_lang: str,
        statuses: Sequence[str | None] | None = None,
        records: Sequence[TranslationRecord | None] | None = None,
        placement: Placement | None = None,
    ) -> bytes:
        """The translated document: segment ``n`` replaced by ``translations[n]`` (None keeps the source).

        ``statuses`` are the segments' status names (`draft`, `translated`…), for formats that record them;
        without them a segment with a translation counts as `translated`. ``records`` say what else such formats
        keep of each segment's translation: a paragraph is rejected when one of its segments is, and is the match
        its segment was pre-translated with only when it is that one segment.
        """
        if len(translations) != len(self.pieces):
            raise ValueError(f"{len(translations)} translations for {len(self.pieces)} segments")
        filled = [
            pieces if target is None else from_segment(target, pieces, placement)
            for target, pieces in zip(translations, self.pieces, strict=True)
        ]
        contents = [assemble(layout, filled) for layout in self.layouts]
        if statuses is None:
            statuses = [None if target is None else "translated" for target in translations]
        paragraph_statuses: list[str | None] = [None] * len(self.layouts)
        if statuses:
            seen: set[int] = set()
            for segment, status in enumerate(statuses):
                paragraph = self.paragraph_of[segment]
                # A paragraph is as far as its least advanced segment (an untranslated one: None).
                if paragraph not in seen or _rank(status) < _rank(paragraph_statuses[paragraph]):
                    paragraph_statuses[paragraph] = status
                seen.add(paragraph)
        return self.document.render(
            contents, target_lang=target_lang, statuses=paragraph_statuses, records=self._paragraph_records(records)
        )

    def _paragraph_records(self, records: Sequence[TranslationRecord | None] | None) -> list[TranslationRecord | None]:
        """Each paragraph's record from its segments' (see `render`)."""
        if records is None:
            return [None] * len(self.layouts)
        segments = Counter(self.paragraph_of)
        paragraph_records: list[TranslationRecord | None] = [None] * len(self.layouts)
        for segment, record in enumerate(records):
            if record is None:
                continue
            paragraph = self.paragraph_of[segment]
            if segments[paragraph] == 1:
                paragraph_records[paragraph] = record
            elif record.rejected:
                # Several sentences of one unit rejected: each reason said, once.
                earlier = paragraph_records[paragraph]
                reasons = [r for r in (earlier.reason if earlier else "", record.reason) if r]
                said = "; ".join(dict.fromkeys(reasons))
                paragraph_records[paragraph] = TranslationRecord(rejected=True, reason=said)
        return paragraph_records

    def render_pseudo(self, *, target_lang: str) -> bytes:
        """The document with every segment pseudo-translated (codes in place), to test a file's round trip."""
        filled = [map_text(pieces, pseudo_translate) for pieces in self.pieces]
        contents = [assemble(layout, filled) for layout in self.layouts]
        with_segments = set(self.paragraph_of)
        statuses = ["draft" if number in with_segments else None for number in range(len(self.layouts))]
        return self.document.render(contents, target_lang=target_lang, statuses=statuses)


_STATUS_ORDER = ("new", "draft", "translated", "reviewed", "final")


def _rank(status: str | None) -> int:
    return _STATUS_ORDER.index(status) + 1 if status in _STATUS_ORDER else 0


def extract(document: Document, *, lang: str, rules: SrxRules | None = None) -> ExtractedDocument:
    """The segments of ``document`` in language ``lang``, cut by SRX ``rules`` (tmkit's own by default)."""
    out = ExtractedDocument(document)
    for number, paragraph in enumerate(document.paragraphs):
        layout, segments = segment_paragraph(paragraph, lang=lang, rules=rules, first_segment=len(out.pieces))
        out.layouts.append(layout)
        out.pieces.extend(segments)
        out.paragraph_of.extend([number] * len(segments))
    return out
