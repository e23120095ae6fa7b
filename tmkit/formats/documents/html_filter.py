"""HTML documents: block elements as paragraphs, inline elements as codes, `alt`/`title` as segments of their own."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from tmkit.errors import InputError
from tmkit.formats.documents.core import Code, CodeKind, Paragraph, Piece, TranslationRecord, plain_text

#: Elements whose content is never translated (program text, styles, preformatted code).
SKIPPED = frozenset({"script", "style", "template", "pre", "noscript", "svg", "math"})
#: Inline elements whose text is translated inside its sentence; their tags become a code pair.
INLINE = frozenset(
    "a abbr b bdi bdo button cite del dfn em font i ins label mark q s small span strong sub sup time u".split()  # noqa: SIM905
)
#: Inline elements kept whole as one standalone code (no text, or text that is code or data).
ATOMIC = frozenset(
    "br img wbr input code kbd samp var select textarea object embed iframe".split()  # noqa: SIM905
)
#: Atomic elements whose children still hold text to translate (a list's options).
ATOMIC_WITH_TEXT = frozenset({"select"})
#: Attributes whose values are text a reader sees.
TEXT_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
#: The `<meta>` elements whose content readers see, by their `name` (or `property`, as Open Graph writes it): a search
#: result's description and keywords, and the title, description and image text of a link's preview card.
TEXT_METAS = frozenset(
    {
        "description",
        "keywords",
        "og:title",
        "og:description",
        "og:image:alt",
        "twitter:title",
        "twitter:description",
        "twitter:image:alt",
    }
)
#: No network; a huge page is still one document, so lxml's tree-size limit is lifted.
_PARSER: dict[str, Any] = dict(no_network=True, remove_comments=False, remove_pis=False, huge_tree=True)


def _tag(element: Any) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _untranslatable(element: Any) -> bool:
    return _tag(element) in SKIPPED or (element.get("translate") or "").lower() == "no"


@dataclass(slots=True)
class _Source:
    element: Any
    attribute: str | None = None
    payloads: dict[int, Any] = field(default_factory=dict)


class _Flow:
    """A block element's own text and inline markup as pieces; nested blocks and skipped elements as codes."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.pieces: list[Piece] = []

    def _ident(self, element: Any) -> int:
        ident = len(self.source.payloads) + 1
        self.source.payloads[ident] = element
        return ident

    def walk(self, element: Any) -> None:
        if element.text:
            self.pieces.append(element.text)
        for child in element:
            tag = _tag(child)
            if tag in INLINE and not _untranslatable(child):
                ident = self._ident(child)
                self.pieces.append(Code(CodeKind.OPEN, ident, f"<{tag}>"))
                self.walk(child)
                self.pieces.append(Code(CodeKind.CLOSE, ident, f"</{tag}>"))
            else:
                # A nested block (a paragraph of its own), a skipped or atomic element, a comment.
                name = tag or "!--"
                self.pieces.append(Code(CodeKind.ALONE, self._ident(child), f"<{name}/>"))
            if child.tail:
                self.pieces.append(child.tail)


def _blocks(root: Any) -> Iterator[Any]:
    """Elements whose own flow is a paragraph, in document order, skipping untranslatable subtrees."""
    stack = [root]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str) or _untranslatable(element):
            continue
        tag = _tag(element)
        if tag not in INLINE and tag not in ATOMIC:
            yield element
        if tag not in ATOMIC or tag in ATOMIC_WITH_TEXT:  # code, kbd, samp, var and the rest stay whole
            stack.extend(reversed(list(element)))


def _attribute_holders(element: Any) -> Iterator[Any]:
    """The element and its inline descendants (attributes of nested blocks are theirs to give)."""
    yield element
    for child in element:
        if isinstance(child.tag, str) and not _untranslatable(child):
            tag = _tag(child)
            if tag in INLINE or tag in ATOMIC:
                yield from _attribute_holders(child)


_DOCTYPE_RE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<!doctype", re.IGNORECASE | re.DOTALL)
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._-]+)""", re.IGNORECASE)


def _encoding(data: bytes) -> str:
    """The page's encoding: its BOM, else its `<meta charset>`, else UTF-8 (libxml2 would guess Latin-1)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    found = _CHARSET_RE.search(data[:4096])
    if found:
        name = found.group(1).decode("ascii")
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
    return "utf-8"


_END_TAGS_RE = re.compile(rb"</(?:body|html)\s*>", re.IGNORECASE)


def _trailing_content_in_body(data: bytes, encoding: str) -> bytes:
    """The page with its `</body>` and `</html>` left out when content follows them: browsers show that content, in
    the body, and libxml2 2.14 dropped it (a paragraph after `</html>` was neither translated nor written back; a
    comment there was lost too)."""
    if encoding.startswith("utf-16"):
        return data  # (not ASCII-compatible: the end tags are not these bytes)
    ends = list(_END_TAGS_RE.finditer(data))
    if not ends or not data[ends[-1].end() :].strip():
        return data
    # Only the last `</body>` and the last `</html>`: the same bytes in a script, a comment or an attribute are theirs.
    last: dict[bytes, re.Match[bytes]] = {}
    for end in ends:
        last[end.group(0).lower().split(b"/")[1][:4]] = end
    out = data
    for end in sorted(last.values(), key=lambda match: match.start(), reverse=True):
        out = out[: end.start()] + out[end.end() :]
    return out


def _parse(data: bytes, path: str) -> tuple[Any, list[_Source], list[Paragraph]]:
    encoding = _encoding(data)
    try:
        data.decode(encoding)  # libxml2 would put U+FFFD for bytes the encoding lacks: say where they are
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid {encoding} (byte 0x{data[exc.start]:02X}); say the encoding in <meta charset>",
            path=path,
            line=line,
        ) from None
    try:
        parser = lxml.html.HTMLParser(encoding=encoding, **_PARSER)
        root = lxml.html.document_fromstring(_trailing_content_in_body(data, encoding), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"not readable HTML: {exc}", path=path) from None
    sources: list[_Source] = []
    paragraphs: list[Paragraph] = []
    for block in _blocks(root):
        flow_source = _Source(block)
        flow = _Flow(flow_source)
        flow.walk(block)
        sources.append(flow_source)
        paragraphs.append(Paragraph(flow.pieces))
        for holder in _attribute_holders(block):
            names = list(TEXT_ATTRIBUTES)
            if _tag(holder) == "meta" and (holder.get("name") or holder.get("property") or "").lower() in TEXT_METAS:
                names.append("content")
            for name in names:
                value = holder.get(name)
                if value and value.strip():
                    sources.append(_Source(holder, name))
                    paragraphs.append(Paragraph([value], notes=(f"the {name} attribute of <{_tag(holder)}>",)))
    return root, sources, paragraphs


def _rebuild(source: _Source, pieces: Sequence[Piece]) -> None:
    element = source.element
    for child in list(element):
        element.remove(child)
    element.text = None
    stack: list[tuple[int, Any]] = [(0, element)]
    last: dict[int, Any] = {}  # per container: its last child, whose tail takes following text

    def add_text(text: str) -> None:
        container = stack[-1][1]
        child = last.get(id(container))
        if child is None:
            container.text = (container.text or "") + text
        else:
            child.tail = (child.tail or "") + text

    def add_child(child: Any) -> None:
        container = stack[-1][1]
        child.tail = None
        container.append(child)
        last[id(container)] = child

    for piece in pieces:
        if isinstance(piece, str):
            add_text(piece)
            continue
        original = source.payloads.get(piece.ident)
        if original is None:
            continue
        if piece.kind is CodeKind.OPEN:
            # The element itself, emptied: its attributes (a title translated as a segment of its own) stay its.
            original.text = None
            for child in list(original):
                original.remove(child)
            add_child(original)
            stack.append((piece.ident, original))
        elif piece.kind is CodeKind.CLOSE:
            if len(stack) > 1 and any(ident == piece.ident for ident, _ in stack[1:]):
                while stack[-1][0] != piece.ident:
                    stack.pop()
                stack.pop()
        else:
            add_child(original)


class HtmlDocument:
    """An HTML page read with lxml.html (no network; character references are text, never entities)."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self._data = data
        self.paragraphs = _parse(data, path)[2]

    def render(
        self,
        contents: Sequence[list[Piece]],
        *,
        target_lang: str,
        statuses: Sequence[str | None] | None = None,
        records: Sequence[TranslationRecord | None] | None = None,
    ) -> bytes:
        """The page with translations in place; `dir`/`lang` on the root and on translated elements that had them."""
        root, sources, paragraphs = _parse(self._data, self.path)
        rtl = target_lang.lower().startswith("ar")
        kept_as_source: list[Any] = []
        translated: list[Any] = []
        for number, (source, paragraph, pieces) in enumerate(zip(sources, paragraphs, contents, strict=True)):
            if pieces == paragraph.pieces and (statuses is None or statuses[number] is None):
                # Not translated: left as it was (a translation equal to its source still sets lang and dir).
                if source.attribute is None and plain_text(pieces).strip():
                    kept_as_source.append(source.element)
                continue
            if source.attribute is not None:
                source.element.set(source.attribute, plain_text(pieces))
                continue
            _rebuild(source, pieces)
            translated.append(source.element)
        # What each paragraph left in the source language said before the page became the target's, attribute by
        # attribute (the nearest element that sets it says it): it keeps that, or an Arabic paragraph of an English
        # page would be read as English and laid out left to right.
        before = [{name: _in_effect(element, name) for name in _DIRECTION_ATTRIBUTES} for element in kept_as_source]
        _set_direction(root, rtl=rtl, target_lang=target_lang)
        # An element between the root and the paragraphs that says its own lang or dir (a <body dir="rtl">, a <div
        # lang="ar">) holding translations only becomes the target's too; one that also holds untranslated ones stays.
        holds_translated = {id(a) for element in translated for a in element.iterancestors()}
        holds_source = {id(a) for element in kept_as_source for a in element.iterancestors()}
        for element in root.iterdescendants():
            if (
                id(element) in holds_translated
                and id(element) not in holds_source
                and (element.get("dir") is not None or element.get("lang") is not None)
            ):
                _set_direction(element, rtl=rtl, target_lang=target_lang)
        for element, was in zip(kept_as_source, before, strict=True):
            for name, value in was.items():
                if _in_effect(element, name) != value:
                    element.set(name, value)
        wanted = {"lang": target_lang, "dir": "rtl" if rtl else "ltr"}
        for element in translated:
            # Its own lang or dir, or one of the source's in effect (inside a paragraph or a block kept as it was).
            if element.get("dir") is not None or element.get("lang") is not None:
                _set_direction(element, rtl=rtl, target_lang=target_lang)
            for name, value in wanted.items():
                if _in_effect(element, name) != value:
                    element.set(name, value)
        # The page is written in UTF-8 (Arabic and English alike): a declared legacy charset would now lie.
        has_charset = any(meta.get("charset") is not None for meta in root.iter("meta"))
        for meta in list(root.iter("meta")):
            if meta.get("charset") is not None:
                meta.set("charset", "utf-8")
            elif (meta.get("http-equiv") or "").lower() == "content-type":
                # libxml2 never writes this element back: the page would go out undeclared, and a browser falling
                # back to a legacy charset garbles it. `<meta charset>` says the same and is written.
                if has_charset:
                    meta.drop_tree()  # (its tail kept)
                    continue
                meta.attrib.clear()
                meta.set("charset", "utf-8")
                has_charset = True
        # The root, not the tree: libxml2 gives a page without a DOCTYPE an HTML 4.0 one, never written back.
        text: str = lxml.html.tostring(root, encoding="unicode", method="html")
        if _DOCTYPE_RE.match(self._data):
            text = root.getroottree().docinfo.doctype + "\n" + text
        return text.encode("utf-8")


#: The attributes a paragraph's language and direction come from, each inherited on its own.
_DIRECTION_ATTRIBUTES = ("lang", "dir")


def _in_effect(element: Any, name: str) -> str:
    """The ``lang`` or ``dir`` in effect on ``element``: its own, else its nearest ancestor's; else none (`""`) and
    left to right."""
    for holder in (element, *element.iterancestors()):
        value = holder.get(name)
        if value is not None:
            return str(value).strip().lower() if name == "dir" else str(value)
    return "ltr" if name == "dir" else ""


def _set_direction(element: Any, *, rtl: bool, target_lang: str) -> None:
    element.set("lang", target_lang)
    if rtl:
        element.set("dir", "rtl")
    elif element.get("dir") == "rtl":
        del element.attrib["dir"]


def read_document(path: str | os.PathLike[str]) -> HtmlDocument:
    """Read an HTML file (its encoding from its BOM or `<meta charset>`, else UTF-8)."""
    given = os.fspath(path)
    with open(given, "rb") as handle:
        data = handle.read()
    return HtmlDocument(given, data)
