"""Documents to translate: plain text read and segmented as before, and every other format through its filter."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tmkit.errors import InputError
from tmkit.formats.documents import Document, ExtractedDocument, extract
from tmkit.formats.documents.core import plain_text
from tmkit.formats.text_files import read_text
from tmkit.memory.model import ORIGIN_PROP, PROVENANCE_PROPS, Memory, Note, Prop, Segment, Status, Variant
from tmkit.text.segmentation import SrxRules, split_sentences

#: The origin prop of a target a document already held (a PO msgstr), rather than a memory's match.
DOCUMENT_ORIGIN = "document"
#: The prop a unit keeps its segment's context in (a PO msgctxt: `Open` in a menu is another message than `Open` in a
#: status line), besides the note the translator reads; empty for a message without one.
CONTEXT_PROP = "x-tmkit-context"


@dataclass(frozen=True, slots=True)
class DocumentSegment:
    """One sentence of a document, with its paragraph number (from 1) and position in it (from 1)."""

    text: str
    paragraph: int
    index: int


def read_text_document(path: str | os.PathLike[str]) -> str:
    """The text of a document as `tmkit.formats.text_files` reads every text file; an empty one is refused."""
    text = read_text(path)
    if not text.strip():
        raise InputError("the document is empty", path=os.fspath(path))
    return text


def segment_document(
    text: str, *, lang: str, rules: SrxRules | None = None, join_lines: bool = False
) -> list[DocumentSegment]:
    """The sentences of a document in order, numbered by paragraph."""
    out: list[DocumentSegment] = []
    for number, paragraph in enumerate(split_sentences(text, lang=lang, rules=rules, join_lines=join_lines), 1):
        out.extend(DocumentSegment(sentence, number, index) for index, sentence in enumerate(paragraph, 1))
    return out


@dataclass(slots=True)
class SourceDocument:
    """A document to translate in any format tmkit reads (plain text, DOCX, HTML, Markdown, PO), read once."""

    path: str
    document: Document
    _cut: dict[tuple[str, int], ExtractedDocument] = field(default_factory=dict)

    def text(self) -> str:
        """The document's text without formatting, a paragraph a line (to guess its language)."""
        return "\n".join(plain_text(p.pieces) for p in self.document.paragraphs)

    def extract(self, *, lang: str, rules: SrxRules | None = None) -> ExtractedDocument:
        """The document cut into segments in language ``lang`` (by SRX ``rules``, tmkit's own by default)."""
        key = (lang, id(rules))
        if key not in self._cut:
            self._cut[key] = extract(self.document, lang=lang, rules=rules)
        return self._cut[key]

    def segments(self, *, lang: str, rules: SrxRules | None = None) -> list[Segment]:
        """The segments in document order, formatting as inline codes."""
        return self.extract(lang=lang, rules=rules).segments


def is_plain_text(path: str | os.PathLike[str]) -> bool:
    """Whether tmkit reads ``path`` as plain text (one sentence a line at least), by its name."""
    from tmkit.formats.documents import DocumentFormat, document_format

    return document_format(path) is DocumentFormat.TEXT


def read_source_document(path: str | os.PathLike[str], *, join_lines: bool = False) -> SourceDocument:
    """The document at ``path`` read by the filter its name says; one without text to translate is refused."""
    from tmkit.formats.documents import open_document

    if is_plain_text(path):
        read_text_document(path)  # the same refusals as before: empty, undecodable
    return SourceDocument(os.fspath(path), open_document(path, join_lines=join_lines))


def document_paragraphs(source: SourceDocument, *, lang: str, rules: SrxRules | None = None) -> list[list[str]]:
    """The segments of each paragraph as text with placeholders (`tmkit segment`); paragraphs without text left out."""
    cut = source.extract(lang=lang, rules=rules)
    paragraphs: dict[int, list[str]] = {}
    for segment, paragraph in zip(cut.segments, cut.paragraph_of, strict=True):
        paragraphs.setdefault(paragraph, []).append(segment.placeholder_text())
    return list(paragraphs.values())


def with_document_sources(
    memory: Memory,
    source: SourceDocument,
    *,
    lang: str,
    target_lang: str | None = None,
    rules: SrxRules | None = None,
) -> Memory:
    """A job made from the segments' plain text, given back the document's formatting and what it already holds.

    Each unit's source takes the segment with its inline codes (so `tmkit finish` can put the
    formatting back); notes the document gives a segment (a PO entry's comments and context) become
    unit notes; a translation the document already holds (a PO msgstr) is the unit's target, with
    its status (a fuzzy entry is a draft), in place of a memory's match.
    """
    cut = source.extract(lang=lang, rules=rules)
    if len(cut.pieces) != len(memory.units):
        raise ValueError(f"{len(memory.units)} units for {len(cut.pieces)} segments")
    if target_lang is None:  # the job's: its first target, else the other of Arabic and English
        default = "en" if lang.lower().startswith("ar") else "ar"
        target_lang = next((v.lang for unit in memory.units for v in unit.variants[1:]), default)
    for unit, segment, paragraph_number in zip(memory.units, cut.segments, cut.paragraph_of, strict=True):
        unit.variants[0].segment = segment
        paragraph = source.document.paragraphs[paragraph_number]
        unit.notes.extend(Note(note) for note in paragraph.notes)
        if paragraph.context is not None:
            unit.props.append(Prop(CONTEXT_PROP, paragraph.context))
        if paragraph.existing is not None and paragraph.whole:
            pieces, status = paragraph.existing
            text = plain_text(pieces)
            variant = Variant(target_lang, Segment.from_text(text), creation_date=unit.creation_date)
            unit.variants[1:] = [variant]
            unit.props = [p for p in unit.props if p.type not in PROVENANCE_PROPS]
            unit.props.append(Prop(ORIGIN_PROP, DOCUMENT_ORIGIN))
            unit.set_status(Status(status))
    return memory
