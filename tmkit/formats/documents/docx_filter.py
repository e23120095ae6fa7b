"""Word documents (DOCX): paragraphs of every text part as segments, run formatting as codes, written back in place.

lxml on the package parts rather than python-docx, tried on python-docx's own test documents:
python-docx 1.2.0 has no API for footnotes, endnotes or text boxes (comments it has since 1.2), and
setting a paragraph's text, its way to replace it, dropped all 4 hyperlinks of par-hyperlinks.docx.
Here every part is parsed once, each `w:p` becomes a paragraph of text and codes, and writing
rebuilds only the runs of translated paragraphs; every other byte of the package is copied.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from tmkit.errors import InputError
from tmkit.formats.documents.core import Code, CodeKind, Paragraph, Piece, TranslationRecord
from tmkit.formats.xml_safety import syntax_error_message
from tmkit.text.scripts import has_arabic

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
#: The namespace of the same elements in Word's "Strict Open XML Document" (ISO/IEC 29500 Strict).
STRICT_W_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: The parts that hold translatable text, in the order their segments come.
TEXT_PART_RE = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
#: Paragraph-level elements holding runs that stay in the text flow (their start and end become a code pair): a
#: tracked insertion or move here (`w:moveTo`) is text the reader sees; a deletion or move away (`w:del`,
#: `w:moveFrom`) is kept whole, as it goes once the changes are accepted.
WRAPPERS = frozenset({W + "hyperlink", W + "fldSimple", W + "smartTag", W + "ins", W + "moveTo"})
#: Elements that are spell-check or layout state only; dropped when a translated paragraph is rebuilt.
NOISE = frozenset({W + "proofErr", W + "lastRenderedPageBreak"})
#: The default complex-script language of Arabic runs when the target tag has no region.
DEFAULT_ARABIC_TAG = "ar-SA"
#: How many times its packed size a part may unpack to (past `INFLATION_GRACE_BYTES`): Word's XML packs 5-20 times,
#: a bomb of repeated bytes a thousand times. (Apache POI refuses the same ratio by default, 1:100.)
MAX_INFLATION = 100
#: Parts this size or smaller are never refused for how well they pack (a small part of one repeated element may).
INFLATION_GRACE_BYTES = 16 << 20
#: The most a package may unpack to in all: every part is held while the document is read.
MAX_PACKAGE_BYTES = 1 << 30

# Child order the schema requires (Word refuses a file whose properties are out of order).
_PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
_RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
#: Section properties in the schema's order (CT_SectPr), for its `w:bidi`.
_SECTPR_ORDER = [
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
]
_TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": True,  # a long document's part is one big tree, not one big text node
    "remove_blank_text": False,
}


@dataclass(slots=True)
class _Payload:
    """What a code stands for in the part: formatting (an `rPr` or None), a wrapper, or an element kept whole."""

    role: str  # "format", "wrap", "run" (a run child with its run's rPr) or "element"
    element: Any = None
    rpr: Any = None


@dataclass(slots=True)
class _ParagraphSource:
    part: str
    index: int  # position among the part's `w:p` in document order
    payloads: dict[int, _Payload] = field(default_factory=dict)
    base_rpr: Any = None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _rpr_key(rpr: Any) -> bytes:
    return b"" if rpr is None else etree.tostring(rpr, method="c14n")


def _parse_part(data: bytes, part: str, path: str) -> Any:
    # Word never writes a DOCTYPE; one in a part can only declare entities (a billion laughs, a file read).
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise InputError(f"{part}: declares a DOCTYPE or entities, which a Word document never has", path=path)
    try:
        return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise InputError(
            f"{part}: not well-formed XML: {syntax_error_message(exc)}", path=path, line=exc.lineno
        ) from None


def _read_package(path: str) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_PACKAGE_BYTES:
                raise InputError(
                    f"unpacks to {_mib(unpacked)} in all, more than the {_mib(MAX_PACKAGE_BYTES)} a document may",
                    path=path,
                )
            data = {info.filename: _read_part(package, info, path) for info in infos}
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not a DOCX (ZIP) package: {exc}", path=path) from None
    if "word/document.xml" not in data:
        raise InputError("not a Word document: word/document.xml is missing", path=path)
    return infos, data


def _read_part(package: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> bytes:
    """A part's bytes, or one line saying why it cannot be unpacked (zipfile raises no error of its own for these)."""
    if info.flag_bits & 0x1:
        raise InputError(f"{info.filename}: is encrypted: save the document without a password", path=path)
    # The sizes the package declares bound what is read (zipfile stops there, and a part that runs on fails its
    # checksum), so a bomb is refused before a byte of it is unpacked.
    if info.file_size > INFLATION_GRACE_BYTES and info.file_size > MAX_INFLATION * max(info.compress_size, 1):
        raise InputError(
            f"{info.filename}: unpacks to {_mib(info.file_size)} from {_mib(info.compress_size)}, over "
            f"{MAX_INFLATION} times its size, as a ZIP bomb does and a document's parts never do",
            path=path,
        )
    try:
        return package.read(info)
    except (zlib.error, EOFError, NotImplementedError) as exc:
        # Damaged compressed data, a part cut short, or a compression method zipfile does not know.
        raise InputError(f"{info.filename}: cannot be unpacked: {exc}", path=path) from None


def _mib(size: int) -> str:
    """A size as people read it: MiB, or KiB below one."""
    return f"{size / (1 << 20):,.1f} MiB" if size >= 1 << 20 else f"{size / 1024:,.1f} KiB"


class _Extractor:
    """Turns one `w:p` into pieces, numbering codes and keeping what each stands for."""

    def __init__(self, source: _ParagraphSource) -> None:
        self.source = source
        self.pieces: list[Piece] = []
        self.items: list[tuple[str, Any, Any]] = []

    def _code(self, kind: CodeKind, ident: int, native: str) -> None:
        self.pieces.append(Code(kind, ident, native))

    def _new_ident(self, payload: _Payload) -> int:
        ident = len(self.source.payloads) + 1
        self.source.payloads[ident] = payload
        return ident

    def collect(self, container: Any) -> None:
        """Flatten a paragraph (or wrapper) into items: ("text", rPr, str), ("run", rPr, child), wrappers, elements."""
        for child in container:
            tag = child.tag
            if tag == W + "pPr" or tag in NOISE:
                continue
            if tag == W + "r":
                rpr = child.find(W + "rPr")
                for part in child:
                    ptag = part.tag
                    if ptag == W + "rPr" or ptag in NOISE:
                        continue
                    if ptag == W + "t":
                        if part.text:
                            self.items.append(("text", rpr, part.text))
                    else:
                        self.items.append(("run", rpr, part))
            elif tag in WRAPPERS:
                self.items.append(("open", None, child))
                self.collect(child)
                self.items.append(("close", None, child))
            elif tag == W + "sdt" and child.find(W + "sdtContent") is not None:
                # An inline content control (a title, a date picker): its text flows in the sentence.
                self.items.append(("open", None, child))
                self.collect(child.find(W + "sdtContent"))
                self.items.append(("close", None, child))
            else:
                self.items.append(("element", None, child))

    def _outside_wrappers(self) -> list[tuple[str, Any, Any]]:
        depth = 0
        out = []
        for item in self.items:
            depth += 1 if item[0] == "open" else -1 if item[0] == "close" else 0
            if depth == 0:
                out.append(item)
        return out

    def pieces_of(self, paragraph: Any) -> list[Piece]:
        self.collect(paragraph)
        weights: dict[bytes, int] = {}
        rprs: dict[bytes, Any] = {}
        depth = 0
        outside = any(kind == "text" for kind, _, _ in self._outside_wrappers())
        for kind, rpr, value in self.items:
            depth += 1 if kind == "open" else -1 if kind == "close" else 0
            # Text inside links has the link's style: the paragraph's own is that of the text outside them.
            if kind == "text" and (depth == 0 or not outside):
                key = _rpr_key(rpr)
                weights[key] = weights.get(key, 0) + len(value)
                rprs.setdefault(key, rpr)
        # The formatting of most of the text is the paragraph's own: text in it needs no code.
        base = max(weights, key=lambda k: weights[k]) if weights else b""
        self.source.base_rpr = rprs.get(base)
        span: tuple[bytes, int] | None = None  # the formatting span open now (its key and code number)
        wrappers: list[int] = []

        def close_span() -> None:
            nonlocal span
            if span is not None:
                self._code(CodeKind.CLOSE, span[1], "</run>")
                span = None

        for kind, rpr, value in self.items:
            if kind in ("text", "run"):
                key = _rpr_key(rpr)
                if span is not None and span[0] != key:
                    close_span()
                if kind == "text":
                    if span is None and key != base:
                        ident = self._new_ident(_Payload("format", rpr=rpr))
                        names = " ".join(_local(c.tag) for c in (rpr if rpr is not None else ()))
                        self._code(CodeKind.OPEN, ident, f"<run {names}>")
                        span = (key, ident)
                    self.pieces.append(value)
                else:
                    ident = self._new_ident(_Payload("run", element=value, rpr=rpr))
                    self._code(CodeKind.ALONE, ident, "<" + _local(value.tag) + "/>")
            elif kind == "open":
                close_span()
                ident = self._new_ident(_Payload("wrap", element=value))
                wrappers.append(ident)
                self._code(CodeKind.OPEN, ident, "<" + _local(value.tag) + ">")
            elif kind == "close":
                close_span()
                ident = wrappers.pop()
                self._code(CodeKind.CLOSE, ident, "</" + _local(value.tag) + ">")
            else:
                close_span()
                ident = self._new_ident(_Payload("element", element=value))
                self._code(CodeKind.ALONE, ident, "<" + _local(value.tag) + "/>")
        close_span()
        return self._fold_wrapper_formatting(self.pieces)

    def _fold_wrapper_formatting(self, pieces: list[Piece]) -> list[Piece]:
        """A wrapper whose whole text has one formatting (a link in the Hyperlink style) is one code pair, not two."""
        out = list(pieces)
        index = 0
        while index + 3 < len(out):
            first, second = out[index], out[index + 1]
            payloads = self.source.payloads
            if (
                isinstance(first, Code)
                and isinstance(second, Code)
                and first.kind is CodeKind.OPEN
                and second.kind is CodeKind.OPEN
                and payloads[first.ident].role == "wrap"
                and payloads[second.ident].role == "format"
            ):
                end = next(
                    (i for i, p in enumerate(out) if i > index + 1 and isinstance(p, Code) and p.ident == first.ident),
                    -1,
                )
                inner = out[index + 2 : end - 1] if end > 0 else []
                if (
                    end > 0
                    and out[end - 1] == Code(CodeKind.CLOSE, second.ident, "</run>")
                    and not any(isinstance(p, Code) and p.ident == second.ident for p in inner)
                ):
                    payloads[first.ident].rpr = payloads[second.ident].rpr
                    del payloads[second.ident]
                    del out[end - 1]
                    del out[index + 1]
            index += 1
        return out


@dataclass(slots=True)
class _Parsed:
    roots: dict[str, Any]
    sources: list[_ParagraphSource]
    paragraphs: list[Paragraph]
    elements: list[Any]


def _parse(data: dict[str, bytes], path: str) -> _Parsed:
    roots: dict[str, Any] = {}
    sources: list[_ParagraphSource] = []
    paragraphs: list[Paragraph] = []
    elements: list[Any] = []
    names = sorted((n for n in data if TEXT_PART_RE.match(n)), key=lambda n: (n != "word/document.xml", n))
    for name in names:
        root = roots[name] = _parse_part(data[name], name, path)
        if etree.QName(root).namespace == STRICT_W_NS:
            # Its elements are in another namespace: none would be read, and the document would seem to have no text.
            raise InputError(
                "a Strict Open XML document, which tmkit does not read; save it as a Word Document (.docx)", path=path
            )
        for index, element in enumerate(root.iter(W + "p")):
            if next(element.iterancestors(MC + "Fallback"), None) is not None:
                continue  # a text box's copy for old readers: written from its translated twin (_mirror_fallbacks)
            source = _ParagraphSource(name, index)
            pieces = _Extractor(source).pieces_of(element)
            sources.append(source)
            paragraphs.append(Paragraph(pieces))
            elements.append(element)
    return _Parsed(roots, sources, paragraphs, elements)


def _insert_ordered(parent: Any, name: str, order: Sequence[str]) -> Any:
    """The child ``w:name`` of ``parent``, created where the schema's order puts it if missing."""
    found = parent.find(W + name)
    if found is not None:
        return found
    element = etree.Element(W + name)
    rank = order.index(name)
    for position, child in enumerate(parent):
        local = _local(child.tag)
        if local in order and order.index(local) > rank:
            parent.insert(position, element)
            return element
    parent.append(element)
    return element


def _remove(parent: Any, name: str) -> None:
    for child in parent.findall(W + name):
        parent.remove(child)


def _text_run(text: str, rpr: Any) -> Any:
    run = etree.Element(W + "r")
    if rpr is not None:
        run.append(_copy(rpr))
    # A translator's tab or line break is Word's `w:tab`/`w:br`, not a character in `w:t`.
    for index, chunk in enumerate(re.split(r"(\t|\n)", text)):
        if index % 2:
            etree.SubElement(run, W + ("tab" if chunk == "\t" else "br"))
        elif chunk:
            t = etree.SubElement(run, W + "t")
            t.text = chunk
            if chunk != chunk.strip():
                t.set(XML_SPACE, "preserve")
    return run


def _copy(element: Any) -> Any:
    from copy import deepcopy

    return deepcopy(element)


def _rebuild(paragraph: Any, source: _ParagraphSource, pieces: Sequence[Piece]) -> list[Any]:
    """Replace the paragraph's content by ``pieces``; the runs made (to set their direction)."""
    ppr = paragraph.find(W + "pPr")
    for child in list(paragraph):
        if child is not ppr:
            paragraph.remove(child)
    runs: list[Any] = []
    stack: list[tuple[int, _Payload, Any]] = []  # open codes: number, payload, element made for a wrapper

    def container() -> Any:
        for _, payload, made in reversed(stack):
            if payload.role == "wrap":
                return made
        return paragraph

    def current_rpr() -> Any:
        for _, payload, _made in reversed(stack):
            if payload.role == "format" or (payload.role == "wrap" and payload.rpr is not None):
                return payload.rpr
        return source.base_rpr

    for piece in pieces:
        if isinstance(piece, str):
            if piece:
                run = _text_run(piece, current_rpr())
                container().append(run)
                runs.append(run)
            continue
        payload = source.payloads.get(piece.ident)
        if payload is None:
            continue
        if piece.kind is CodeKind.OPEN:
            made = None
            if payload.role == "wrap" and payload.element.tag == W + "sdt":
                control = etree.SubElement(container(), W + "sdt", attrib=dict(payload.element.attrib))
                for part in payload.element:
                    if part.tag != W + "sdtContent":
                        control.append(_copy(part))  # its properties; the content is the translation's
                made = etree.SubElement(control, W + "sdtContent")
            elif payload.role == "wrap":
                made = etree.SubElement(container(), payload.element.tag, attrib=dict(payload.element.attrib))
            stack.append((piece.ident, payload, made))
        elif piece.kind is CodeKind.CLOSE:
            stack[:] = [entry for entry in stack if entry[0] != piece.ident]
        elif payload.role == "run":
            run = etree.SubElement(container(), W + "r")
            if payload.rpr is not None:
                run.append(_copy(payload.rpr))
            run.append(payload.element)
            runs.append(run)
        else:
            container().append(payload.element)
    return runs


def _on(element: Any) -> bool | None:
    """An on/off property's value (`<w:bidi/>` on, `w:val` 0, false or off off); None when it is not there."""
    return None if element is None else element.get(W + "val") not in ("0", "false", "off")


class _StyleDirection:
    """Whether a paragraph's styles set it right to left (`w:bidi`) and a run's set it (`w:rtl`): through `w:basedOn`,
    the default paragraph style and the document defaults, as Word reads them."""

    def __init__(self, data: bytes | None, path: str) -> None:
        self._styles: dict[str, Any] = {}
        self._default_paragraph: str | None = None
        self._defaults: Any = None
        if data is None:
            return
        root = _parse_part(data, "word/styles.xml", path)
        self._defaults = root.find(W + "docDefaults")
        for style in root.iter(W + "style"):
            ident = style.get(W + "styleId")
            if ident is not None:
                self._styles[ident] = style
                if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true", "on"):
                    self._default_paragraph = ident

    def _along(self, ident: str | None, where: str) -> bool | None:
        seen: set[str] = set()
        while ident is not None and ident not in seen and ident in self._styles:
            seen.add(ident)
            value = _on(self._styles[ident].find(where))
            if value is not None:
                return value
            based = self._styles[ident].find(W + "basedOn")
            ident = None if based is None else based.get(W + "val")
        return None

    def _default(self, where: str) -> bool:
        return bool(self._defaults is not None and _on(self._defaults.find(where)))

    def _paragraph_style(self, ppr: Any) -> str | None:
        style = ppr.find(W + "pStyle") if ppr is not None else None
        return self._default_paragraph if style is None else style.get(W + "val")

    def paragraph_bidi(self, ppr: Any) -> bool:
        value = self._along(self._paragraph_style(ppr), f"{W}pPr/{W}bidi")
        return self._default(f"{W}pPrDefault/{W}pPr/{W}bidi") if value is None else value

    def run_rtl(self, rpr: Any, ppr: Any) -> bool:
        style = rpr.find(W + "rStyle") if rpr is not None else None
        value = None if style is None else self._along(style.get(W + "val"), f"{W}rPr/{W}rtl")
        if value is None:
            value = self._along(self._paragraph_style(ppr), f"{W}rPr/{W}rtl")
        return self._default(f"{W}rPrDefault/{W}rPr/{W}rtl") if value is None else value


def _set_direction(paragraph: Any, runs: Sequence[Any], *, rtl: bool, lang_tag: str, styles: _StyleDirection) -> None:
    """Paragraph direction, run direction and complex-script properties for the target.

    Alignment mirrors with the direction by itself: in a `w:bidi` paragraph `w:jc` left and right
    name the start and the end (LibreOffice 7.4 shows `left` at the right margin, as Word does), so
    a left-aligned English paragraph becomes a right-aligned Arabic one with its `w:jc` unchanged.
    A left-to-right paragraph or run whose style says right to left (an Arabic template's Normal style)
    says `w:val="0"` itself, or it would take its style's direction.
    """
    ppr = paragraph.find(W + "pPr")
    own = _on(ppr.find(W + "bidi")) if ppr is not None else None
    if not rtl and own is not False and styles.paragraph_bidi(ppr):
        if ppr is None:
            ppr = etree.Element(W + "pPr")
            paragraph.insert(0, ppr)
        bidi = _insert_ordered(ppr, "bidi", _PPR_ORDER)
        bidi.attrib.clear()
        bidi.set(W + "val", "0")
    elif rtl != bool(own):
        if ppr is None:
            ppr = etree.Element(W + "pPr")
            paragraph.insert(0, ppr)
        if rtl:
            _insert_ordered(ppr, "bidi", _PPR_ORDER).attrib.clear()
        else:
            _remove(ppr, "bidi")
    for run in runs:
        text = "".join(t.text or "" for t in run.iter(W + "t"))
        rpr = run.find(W + "rPr")
        if rtl and has_arabic(text):
            if rpr is None:
                rpr = etree.Element(W + "rPr")
                run.insert(0, rpr)
            _insert_ordered(rpr, "rtl", _RPR_ORDER)
            lang = _insert_ordered(rpr, "lang", _RPR_ORDER)
            lang.set(W + "bidi", lang_tag)
            # Arabic is set in the complex-script size, bold and italic: copy the Latin ones over.
            for latin, complex_script in (("sz", "szCs"), ("b", "bCs"), ("i", "iCs")):
                given = rpr.find(W + latin)
                if given is not None and rpr.find(W + complex_script) is None:
                    made = _insert_ordered(rpr, complex_script, _RPR_ORDER)
                    for key, value in given.attrib.items():
                        made.set(key, value)
        elif not rtl:
            if rpr is not None:
                _remove(rpr, "rtl")
                lang = rpr.find(W + "lang")
                if lang is not None and lang.get(W + "bidi"):
                    del lang.attrib[W + "bidi"]
                    if not lang.attrib:
                        rpr.remove(lang)
            if styles.run_rtl(rpr, ppr):
                if rpr is None:
                    rpr = etree.Element(W + "rPr")
                    run.insert(0, rpr)
                _insert_ordered(rpr, "rtl", _RPR_ORDER).set(W + "val", "0")


def _mirror_fallbacks(root: Any) -> None:
    """Each `mc:Fallback` paragraph replaced by its `mc:Choice` twin, so old readers see the translation too.

    Word writes a text box twice (a DrawingML shape, and a VML one for readers before 2010); only
    the first is read as segments, so its translation is copied over when the two match paragraph
    for paragraph. When they do not, the fallback stays as it was.
    """
    for alternate in root.iter(MC + "AlternateContent"):
        choice, fallback = alternate.find(MC + "Choice"), alternate.find(MC + "Fallback")
        if choice is None or fallback is None:
            continue
        translated, copies = list(choice.iter(W + "p")), list(fallback.iter(W + "p"))
        if translated and len(translated) == len(copies):
            for copy, twin in zip(copies, translated, strict=True):
                parent = copy.getparent()
                if parent is not None:
                    parent.replace(copy, _copy(twin))


class DocxDocument:
    """A DOCX package: paragraphs of the body, headers, footers, footnotes, endnotes and comments."""

    def __init__(self, path: str, infos: list[zipfile.ZipInfo], data: dict[str, bytes]) -> None:
        self.path = path
        self._infos = infos
        self._data = data
        self.paragraphs = _parse(data, path).paragraphs

    def render(
        self,
        contents: Sequence[list[Piece]],
        *,
        target_lang: str,
        statuses: Sequence[str | None] | None = None,
        records: Sequence[TranslationRecord | None] | None = None,
    ) -> bytes:
        """The package with translated paragraphs rebuilt and their direction set for ``target_lang``."""
        parsed = _parse(self._data, self.path)  # a fresh tree: rendering changes it
        rtl = target_lang.lower().startswith("ar")
        lang_tag = target_lang if rtl and "-" in target_lang else DEFAULT_ARABIC_TAG
        styles = _StyleDirection(self._data.get("word/styles.xml"), self.path)
        changed: set[str] = set()
        for number, (source, paragraph, element, pieces) in enumerate(
            zip(parsed.sources, parsed.paragraphs, parsed.elements, contents, strict=True)
        ):
            if pieces == paragraph.pieces and (statuses is None or statuses[number] is None):
                continue  # not translated (or nothing to translate): the paragraph's XML stays as it is
            runs = _rebuild(element, source, pieces)
            _set_direction(element, runs, rtl=rtl, lang_tag=lang_tag, styles=styles)
            changed.add(source.part)
        for name in changed:
            _mirror_fallbacks(parsed.roots[name])
            for table_properties in parsed.roots[name].iter(W + "tblPr"):
                if rtl:
                    _insert_ordered(table_properties, "bidiVisual", _TBLPR_ORDER)
                else:
                    _remove(table_properties, "bidiVisual")
            # A section's direction lays out its columns and page numbers: an Arabic document's sections are right
            # to left (Word's "section direction"), and its English translation kept them so, its columns in
            # right-to-left order; an English one translated into Arabic became an Arabic text in a left-to-right
            # section.
            for section in parsed.roots[name].iter(W + "sectPr"):
                if rtl:
                    _insert_ordered(section, "bidi", _SECTPR_ORDER).attrib.clear()
                else:
                    _remove(section, "bidi")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as package:
            for info in self._infos:
                data = self._data[info.filename]
                if info.filename in changed:
                    data = etree.tostring(
                        parsed.roots[info.filename], xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                package.writestr(info, data, compress_type=info.compress_type)
        return out.getvalue()


def read_document(path: str | os.PathLike[str]) -> DocxDocument:
    """Read a DOCX package (parts parsed without entities, DTDs or network)."""
    given = os.fspath(path)
    infos, data = _read_package(given)
    return DocxDocument(given, infos, data)
