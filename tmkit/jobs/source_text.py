"""Documents to translate: plain text read and segmented as before, and every other format through its filter."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from tmkit.errors import InputError
from tmkit.formats.documents import Document, ExtractedDocument, extract
from tmkit.formats.documents.core import Paragraph, Piece, plain_text, segment_paragraph, to_segment
from tmkit.formats.text_files import read_text
from tmkit.memory.langtags import primary_subtag
from tmkit.memory.model import (
    DOCUMENT_PROP,
    ORIGIN_PROP,
    PRETRANSLATION_MATCH_PROP,
    PRETRANSLATION_PROP,
    Header,
    Memory,
    Note,
    Prop,
    Segment,
    Status,
    Variant,
    set_rejection_reason,
    without_provenance,
)
from tmkit.text.segmentation import SrxRules, split_sentences

#: The origin prop of a target a document already held (a PO msgstr), rather than a memory's match.
DOCUMENT_ORIGIN = "document"
#: The header prop a working TMX records how its document was cut in (`Segmentation.recorded`, JSON): `tmkit finish`,
#: the editor's finish key and `pretranslate --update` cut the document the same way, whatever options they are given.
SEGMENTATION_PROP = "x-tmkit-segmentation"
#: How a working file is cut anew by other rules than it records, keeping what still matches.
RESEGMENT_HINT = (
    "cut it anew with pretranslate --update --resegment (translations of segments cut otherwise come back as drafts)"
)
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
    """A document to translate in any format tmkit reads (plain text, DOCX, HTML, Markdown, PO, XLIFF), read once."""

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

    def declared_languages(self) -> tuple[str | None, str | None]:
        """The source and target languages the document says it is for (an XLIFF file's), None where it says none:
        a job made from it takes them before any guess."""
        source, target = getattr(self.document, "declared_languages", (None, None))
        return (primary_subtag(source) if source else None), (primary_subtag(target) if target else None)

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
            variant = Variant(target_lang, existing_segment(pieces, lang=target_lang), creation_date=unit.creation_date)
            unit.variants[1:] = [variant]
            # The document's own translation is what the job begins with, in place of a match.
            dropped = (PRETRANSLATION_PROP, PRETRANSLATION_MATCH_PROP)
            unit.props = [p for p in without_provenance(unit.props) if p.type not in dropped]
            unit.props += [Prop(ORIGIN_PROP, DOCUMENT_ORIGIN), Prop(PRETRANSLATION_PROP, variant.segment.plain)]
            unit.set_status(Status(status))
            unit.rejected = paragraph.rejected
            if paragraph.rejection_reason:
                set_rejection_reason(unit, paragraph.rejection_reason)
    return memory


def existing_segment(pieces: list[Piece], *, lang: str) -> Segment:
    """The segment of a translation a document holds for a whole paragraph, cut as its source is: white space at its
    ends and codes around all of it are the paragraph's, which `tmkit finish` puts back around the segment (kept in
    it, a PO msgstr's final line break came out twice, and an XLIFF target's codes did, or were lost as plain text)."""
    _layout, segments = segment_paragraph(Paragraph(pieces, whole=True), lang=lang, rules=None, first_segment=0)
    return to_segment(segments[0] if segments else pieces)


@dataclass(frozen=True, slots=True)
class Segmentation:
    """How a document is cut into segments: tmkit's SRX rules, extended by the rules of ``srx`` (or, with ``srx_only``,
    replaced by them), single line breaks read as spaces with ``join_lines`` (hard-wrapped text).

    A working file made with one segmentation can be finished or updated only with the same: with another, every
    segment boundary moves, and the file is taken for a working file of another version of the document."""

    srx: Path | None = None
    srx_only: bool = False
    join_lines: bool = False
    #: The SHA-256 of the SRX file's bytes, line ends made LF (worked out from ``srx`` when not given).
    srx_sha256: str | None = None

    def __post_init__(self) -> None:
        if self.srx_only and self.srx is None:
            raise InputError("--srx-only needs --srx RULES.srx")

    def rules(self) -> SrxRules:
        """The SRX rules that cut the document's paragraphs into sentences."""
        from tmkit.text.segmentation import default_rules, load_srx

        if self.srx is None:
            return default_rules()
        user = load_srx(self.srx)
        return user if self.srx_only else default_rules().extended_by(user)

    def read(self, document: str | os.PathLike[str]) -> SourceDocument:
        """The document read as this segmentation reads it (`read_source_document`)."""
        return read_source_document(document, join_lines=self.join_lines)

    def digest(self) -> str | None:
        """The SRX file's SHA-256 (None: tmkit's rules alone)."""
        if self.srx is None:
            return None
        if self.srx_sha256 is not None:
            return self.srx_sha256
        try:
            # Line ends as an XML parser reads them (git's autocrlf on Windows rewrites them; the rules are the same).
            data = self.srx.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            return hashlib.sha256(data).hexdigest()
        except OSError as exc:
            raise InputError(f"cannot read the SRX rules: {exc.strerror or exc}", path=self.srx) from None

    def same_as(self, other: Segmentation) -> bool:
        """Whether the two cut every document alike: the same options, and SRX files of the same bytes."""
        return (self.srx_only, self.join_lines, self.digest()) == (other.srx_only, other.join_lines, other.digest())

    def options(self) -> str:
        """The options that ask for it, as `tmkit pretranslate` and `tmkit finish` take them ("" for none)."""
        flags = [f"--srx {self.srx}"] if self.srx is not None else []
        flags += ["--srx-only"] * self.srx_only + ["--join-lines"] * self.join_lines
        return " ".join(flags)

    def described(self) -> str:
        return self.options() or "tmkit's own rules (no --srx, no --join-lines)"

    def recorded(self, work_path: str | os.PathLike[str]) -> Prop:
        """The header prop that records it in the working file at ``work_path`` (an SRX file named from the working
        file's folder, so a project moved or cloned elsewhere still finds it, and its SHA-256)."""
        value: dict[str, object] = {"join_lines": self.join_lines}
        if self.srx is not None:
            value.update(srx=_named_from(self.srx, work_path), srx_only=self.srx_only, srx_sha256=self.digest())
        return Prop(SEGMENTATION_PROP, json.dumps(value, ensure_ascii=False, sort_keys=True))

    def record_in(self, memory: Memory, work_path: str | os.PathLike[str]) -> None:
        """Record it in the header of ``memory``, the working file to be written at ``work_path`` (`recorded`)."""
        props = [prop for prop in memory.header.props if prop.type != SEGMENTATION_PROP]
        memory.header.props = [*props, self.recorded(work_path)]

    @classmethod
    def recorded_in(cls, header: Header, work_path: str | os.PathLike[str]) -> Segmentation | None:
        """The segmentation a working file (its ``header``) records, its SRX file found from the working file's
        folder, as recorded (not read: `for_file` checks it); None for a file made before tmkit recorded it."""
        value = next((prop.value for prop in header.props if prop.type == SEGMENTATION_PROP), None)
        if value is None:
            return None
        try:
            fields = json.loads(value)
            if not isinstance(fields, dict):
                raise TypeError
            srx, digest = fields.get("srx"), fields.get("srx_sha256")
            join_lines, srx_only = fields.get("join_lines", False), fields.get("srx_only", False)
            if not (isinstance(join_lines, bool) and isinstance(srx_only, bool)):
                raise TypeError
            if srx is None and (digest is not None or srx_only):
                raise TypeError
            if srx is not None and not (isinstance(srx, str) and srx and isinstance(digest, str) and digest):
                raise TypeError
        except (ValueError, TypeError, RecursionError):
            raise InputError(
                f"its header's {SEGMENTATION_PROP} prop is not tmkit's record of how the document was cut: "
                f"{value[:80]!r}",
                path=work_path,
            ) from None
        if srx is None:
            return cls(join_lines=join_lines)
        rules = Path(os.path.normpath(Path(os.path.abspath(work_path)).parent / srx))
        return cls(rules, srx_only=srx_only, join_lines=join_lines, srx_sha256=digest)

    @classmethod
    def for_file(
        cls,
        header: Header,
        work_path: str | os.PathLike[str],
        given: Segmentation | None = None,
        *,
        remedy: str | None = None,
    ) -> Segmentation:
        """How to cut a working file's document: as the file (its ``header``) records, by its SRX rules as they were
        (options ``given`` must be the same, and are used: rules of the same bytes elsewhere will do); else as
        ``given`` (a file made before tmkit recorded it), else by tmkit's own rules. Other options are refused in one
        line ending in ``remedy`` (by default: leave them out), and so are recorded rules moved or changed since."""
        made = cls.recorded_in(header, work_path)
        if made is None:
            return given or cls()
        if given is not None:
            if given.same_as(made):
                return given
            if (
                given.srx is not None
                and made.srx is not None
                and os.path.abspath(given.srx) == os.path.abspath(made.srx)
                and (given.srx_only, given.join_lines) == (made.srx_only, made.join_lines)
            ):  # (the same options and file: the file's rules changed, not what was asked)
                raise InputError(
                    f"was made with the SRX rules {_named_from(made.srx, work_path)} as they were then; they changed "
                    f"since, and would cut the document otherwise: put them back as they were, or {RESEGMENT_HINT}",
                    path=work_path,
                )
            remedy = remedy or "leave the options out to cut the document as the file was cut"
            raise InputError(
                f"was made with {made.described()}, not {given.described()}: {remedy} (or {RESEGMENT_HINT})",
                path=work_path,
            )
        if made.srx is None:
            return made
        named = _named_from(made.srx, work_path)
        if not made.srx.is_file():
            raise InputError(
                f"was made with the SRX rules {named} (from its folder), which are not there now: put them back, or "
                "name them where they are with --srx",
                path=work_path,
            )
        read = Segmentation(made.srx, srx_only=made.srx_only, join_lines=made.join_lines)
        if read.digest() != made.srx_sha256:
            raise InputError(
                f"was made with the SRX rules {named} as they were then; they changed since, and would cut the "
                "document otherwise: put them back as they were (or name a copy of them with --srx), or "
                + RESEGMENT_HINT,
                path=work_path,
            )
        return made

    @staticmethod
    def moved(memory: Memory, old_path: str | os.PathLike[str], new_path: str | os.PathLike[str]) -> None:
        """A working file saved under another name: its record names its SRX rules from the new file's folder."""
        try:
            made = Segmentation.recorded_in(memory.header, old_path)
        except InputError:
            return  # (not tmkit's record: kept as it is, and refused where it is read)
        if made is not None and made.srx is not None:
            made.record_in(memory, new_path)


def _named_from(path: Path, work_path: str | os.PathLike[str]) -> str:
    """``path`` as named from the folder of the working file at ``work_path`` (the whole path on another drive).
    Not resolved: a link keeps the name the user gave it."""
    folder = Path(os.path.abspath(work_path)).parent
    try:
        return Path(os.path.relpath(os.path.abspath(path), folder)).as_posix()
    except ValueError:  # another drive (Windows)
        return os.path.abspath(path)


def document_fingerprint(document: str | os.PathLike[str]) -> str | None:
    """What a working file records of the document it was made from: the SHA-256 of its bytes, the format its name
    says (the filter that reads it), and a digest of tmkit's code and rules that cut documents (`_cutting_code`:
    another tmkit may cut the same bytes otherwise). None for a document or code that cannot be read."""
    from tmkit.formats.documents import document_format

    code = _cutting_code()
    digest = hashlib.sha256()
    try:
        with open(document, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    if code is None:
        return None
    return f"sha256:{digest.hexdigest()} format:{document_format(document).value} cut:{code}"


@functools.cache
def _cutting_code() -> str | None:
    """A digest of the files that decide how tmkit cuts a document into segments: the document filters, the
    segmenter and its SRX rules (its version number alone would not do: it stays while they change)."""
    import tmkit

    package = Path(tmkit.__file__).parent
    files = sorted(
        [
            *(package / "formats" / "documents").glob("*.py"),
            *(package / "data").glob("*.srx"),
            package / "text" / "segmentation.py",
            package / "jobs" / "source_text.py",
            package / "formats" / "text_files.py",
        ]
    )
    digest = hashlib.sha256()
    try:
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()[:16]


def record_document(memory: Memory, document: str | os.PathLike[str]) -> None:
    """Record in ``memory``'s header the document its units were cut from, as it is now (`document_fingerprint`)."""
    props = [prop for prop in memory.header.props if prop.type != DOCUMENT_PROP]
    fingerprint = document_fingerprint(document)
    memory.header.props = props + ([Prop(DOCUMENT_PROP, fingerprint)] if fingerprint is not None else [])


def made_from(header: Header, document: str | os.PathLike[str]) -> bool:
    """Whether a working file whose header is ``header`` records that it was made from ``document`` as it is now (by
    this tmkit, cut as it records): then nothing has changed since, and the document need not be cut to tell."""
    recorded = next((prop.value for prop in header.props if prop.type == DOCUMENT_PROP), None)
    has_cut = any(prop.type == SEGMENTATION_PROP for prop in header.props)
    return recorded is not None and has_cut and recorded == document_fingerprint(document)


def header_of(path: str | os.PathLike[str]) -> Header | None:
    """A TMX file's header, read without its units (None: a file whose header cannot be read)."""
    from tmkit.errors import TmkitError
    from tmkit.formats.tmx_reader import TmxReader

    reader = TmxReader(path)
    units = iter(reader)
    try:
        next(units, None)
    except TmkitError:
        return None
    finally:
        close = getattr(units, "close", None)
        if close is not None:
            close()
    return reader.header
