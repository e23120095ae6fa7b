"""Where TMX is written: valid, deterministic TMX 1.4b in UTF-8, saved atomically."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from tmkit.atomic import atomic_write
from tmkit.errors import InputError
from tmkit.formats.xml_safety import ILLEGAL_CHAR_CLASS, ILLEGAL_CHAR_RE
from tmkit.memory.model import (
    REJECTED_PROP,
    STATUS_PROP,
    Content,
    Header,
    Memory,
    Note,
    Prop,
    RawElement,
    Segment,
    Status,
    TranslationUnit,
    Variant,
)

XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)
# Whether a text or an attribute value needs anything done to it (an escape, or a character left out): most need
# nothing, and one search says so where `str.translate` looked up each character of an Arabic text in its table.
_TEXT_ATTENTION_RE = re.compile(f"[{''.join(re.escape(chr(c)) for c in _TEXT_ESCAPES)}{ILLEGAL_CHAR_CLASS}]")
_ATTR_ATTENTION_RE = re.compile(f"[{''.join(re.escape(chr(c)) for c in _ATTR_ESCAPES)}{ILLEGAL_CHAR_CLASS}]")

#: The longest text (or attribute value) a TMX reader accepts in one piece, in UTF-8 bytes once its
#: references are resolved: libxml2's limit without XML_PARSE_HUGE ("Text node too long"), which tmkit's
#: own reader keeps (and other libxml2-based tools with it). A file with more would not open, so it is refused.
MAX_TEXT_NODE_BYTES = 10_000_000

#: UTF-8 takes at most this many bytes a character: text shorter than the limit by this factor is within it.
_MAX_UTF8_BYTES_PER_CHAR = 4


class TextTooLongError(InputError):
    """A text a TMX file cannot carry: longer than `MAX_TEXT_NODE_BYTES`."""


@dataclass(slots=True)
class WriteReport:
    """What a write did: units written and XML-illegal characters it had to drop."""

    units: int = 0
    illegal_chars_removed: int = 0


class _Escaper:
    """Escapes text for XML and drops (and counts) characters XML 1.0 cannot carry.

    With ``max_bytes``, a text longer than that in UTF-8 raises `TextTooLongError`.
    """

    __slots__ = ("max_bytes", "removed")

    def __init__(self, *, max_bytes: int | None = None) -> None:
        self.removed = 0
        self.max_bytes = max_bytes

    def _check_size(self, value: str) -> None:
        if self.max_bytes is not None and len(value) * _MAX_UTF8_BYTES_PER_CHAR > self.max_bytes:
            size = len(value.encode("utf-8", "surrogatepass"))
            if size > self.max_bytes:
                raise TextTooLongError(
                    f"a text of {size:,} bytes, over the {self.max_bytes:,} a TMX reader accepts in one piece"
                )

    def _legal(self, value: str) -> str:
        if ILLEGAL_CHAR_RE.search(value):
            value, count = ILLEGAL_CHAR_RE.subn("", value)
            self.removed += count
        return value

    def text(self, value: str) -> str:
        self._check_size(value)
        if _TEXT_ATTENTION_RE.search(value) is None:
            return value
        return self._legal(value).translate(_TEXT_ESCAPES)

    def attr(self, value: str) -> str:
        self._check_size(value)
        if _ATTR_ATTENTION_RE.search(value) is None:
            return value
        return self._legal(value).translate(_ATTR_ESCAPES)


class _NameScope:
    """Spells Clark-notation attribute names (`{uri}local`) with prefixes declared on the element."""

    def __init__(self) -> None:
        self.declarations: list[tuple[str, str]] = []

    def name(self, key: str) -> str:
        if not key.startswith("{"):
            return key
        uri, local = key[1:].split("}", 1)
        if uri == XML_NAMESPACE:
            return f"xml:{local}"
        for prefix, known in self.declarations:
            if known == uri:
                return f"{prefix}:{local}"
        prefix = f"ns{len(self.declarations)}"
        self.declarations.append((prefix, uri))
        return f"{prefix}:{local}"


class _MarkupWriter:
    """Writes attributes and segment content as escaped XML text."""

    def __init__(self, *, max_text_bytes: int | None = None) -> None:
        self._esc = _Escaper(max_bytes=max_text_bytes)

    def _attrs(self, pairs: Iterable[tuple[str, str | None]], scope: _NameScope | None = None) -> str:
        """The attributes written out; ``scope`` holds the prefixes the element's own name declared, if any."""
        esc = self._esc
        out: list[str] = []
        for key, value in pairs:
            if value is None:
                continue
            name = key
            if key.startswith("{"):
                scope = scope or _NameScope()  # only for names in Clark notation, which few attributes have
                name = scope.name(key)
            out.append(f' {name}="{esc.attr(value)}"')
        if scope is not None:
            out.extend(f' xmlns:{prefix}="{esc.attr(uri)}"' for prefix, uri in scope.declarations)
        return "".join(out)

    def _content(self, parts: Iterable[Content]) -> str:
        out: list[str] = []
        esc = self._esc
        for part in parts:
            if isinstance(part, str):
                out.append(esc.text(part))
            else:
                tag, scope = part.tag, None
                if tag.startswith("{"):
                    # Foreign markup in a namespace is read in Clark notation (`{uri}local`), which is no XML name:
                    # its prefix is declared on the element, one scope with its attributes so that no prefix repeats.
                    scope = _NameScope()
                    tag = scope.name(tag)
                attrs = self._attrs(part.attrs, scope)
                if part.content:
                    out.append(f"<{tag}{attrs}>{self._content(part.content)}</{tag}>")
                else:
                    out.append(f"<{tag}{attrs}/>")
        return "".join(out)

    def _segment(self, segment: Segment) -> str:
        content = segment.content
        if len(content) == 1 and isinstance(content[0], str):
            return self._esc.text(content[0])
        return self._content(content)


def segment_to_xml(segment: Segment) -> str:
    """The inner markup of a `<seg>` for a segment (XML-illegal characters dropped)."""
    return _MarkupWriter()._segment(segment)


class TmxWriter(_MarkupWriter):
    """Streams units into TMX text on an open file; use `write_tmx` to write a file atomically."""

    def __init__(self, out: IO[str], header: Header, *, max_text_bytes: int = MAX_TEXT_NODE_BYTES) -> None:
        from tmkit import __version__

        super().__init__(max_text_bytes=max_text_bytes)
        self._out = out
        self.report = WriteReport()
        self._version = __version__
        try:
            self._write_header(header)
        except TextTooLongError as exc:
            raise TextTooLongError(f"the header: {exc.message}") from None

    def _prop(self, prop: Prop, indent: str) -> str:
        attrs = self._attrs([("type", prop.type), ("xml:lang", prop.lang), *prop.extra_attrs])
        return f"{indent}<prop{attrs}>{self._esc.text(prop.value)}</prop>\n"

    def _note(self, note: Note, indent: str) -> str:
        attrs = self._attrs([("xml:lang", note.lang), *note.extra_attrs])
        return f"{indent}<note{attrs}>{self._esc.text(note.text)}</note>\n"

    def _raw(self, elem: RawElement, indent: str) -> str:
        attrs = self._attrs(elem.attrs)
        if not elem.children:
            return f"{indent}<{elem.tag}{attrs}/>\n"
        inner = "".join(self._raw(child, indent + "  ") for child in elem.children)
        return f"{indent}<{elem.tag}{attrs}>\n{inner}{indent}</{elem.tag}>\n"

    # -- document ---------------------------------------------------------------------------

    def _write_header(self, header: Header) -> None:
        attrs = self._attrs(
            [
                ("creationtool", "tmkit"),
                ("creationtoolversion", self._version),
                ("segtype", header.segtype or "sentence"),
                ("o-tmf", header.o_tmf or "tmkit"),
                ("adminlang", header.adminlang or "en"),
                ("srclang", header.srclang or "*all*"),
                ("datatype", header.datatype or "plaintext"),
                ("creationdate", header.creation_date),
                ("creationid", header.creation_id),
                ("changedate", header.change_date),
                ("changeid", header.change_id),
                *header.extra_attrs.items(),
            ]
        )
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n']
        body = [self._note(n, "    ") for n in header.notes]
        body += [self._prop(p, "    ") for p in header.props]
        body += [self._raw(u, "    ") for u in header.udes]
        if body:
            parts.append(f"  <header{attrs}>\n{''.join(body)}  </header>\n")
        else:
            parts.append(f"  <header{attrs}/>\n")
        parts.append("  <body>\n")
        self._out.write("".join(parts))

    def _variant(self, v: Variant) -> str:
        attrs = self._attrs(
            [
                ("xml:lang", v.lang),
                ("creationdate", v.creation_date),
                ("creationid", v.creation_id),
                ("changedate", v.change_date),
                ("changeid", v.change_id),
                ("usagecount", v.usage_count),
                ("lastusagedate", v.last_usage_date),
                *v.extra_attrs.items(),
            ]
        )
        inner = [self._note(n, "        ") for n in v.notes]
        inner += [self._prop(p, "        ") for p in v.props]
        return f"      <tuv{attrs}>\n{''.join(inner)}        <seg>{self._segment(v.segment)}</seg>\n      </tuv>\n"

    def write(self, unit: TranslationUnit) -> None:
        """Append one unit; a text in it too long for any TMX reader raises `TextTooLongError` naming the unit."""
        try:
            self._write_unit(unit)
        except TextTooLongError as exc:
            tuid = f" (tuid {unit.tuid})" if unit.tuid else ""
            raise TextTooLongError(f"unit {self.report.units + 1:,}{tuid}: {exc.message}") from None
        self.report.units += 1

    def _write_unit(self, unit: TranslationUnit) -> None:
        attrs = self._attrs(
            [
                ("tuid", unit.tuid),
                ("srclang", unit.srclang),
                ("creationdate", unit.creation_date),
                ("creationid", unit.creation_id),
                ("changedate", unit.change_date),
                ("changeid", unit.change_id),
                ("usagecount", unit.usage_count),
                ("lastusagedate", unit.last_usage_date),
                *unit.extra_attrs.items(),
            ]
        )
        status = unit.status_label if (unit.status_label and unit.status is Status.DRAFT) else unit.status.value
        parts = [f"    <tu{attrs}>\n"]
        parts += [self._note(n, "      ") for n in unit.notes]
        parts.append(f'      <prop type="{STATUS_PROP}">{self._esc.text(status)}</prop>\n')
        if unit.rejected:
            parts.append(f'      <prop type="{REJECTED_PROP}">1</prop>\n')
        parts += [self._prop(p, "      ") for p in unit.props]
        parts += [self._variant(v) for v in unit.variants]
        parts.append("    </tu>\n")
        self._out.write("".join(parts))

    def close(self) -> WriteReport:
        """Finish the document and say what was written."""
        self._out.write("  </body>\n</tmx>\n")
        self.report.illegal_chars_removed = self._esc.removed
        return self.report


def write_tmx(
    path: str | os.PathLike[str],
    memory: Memory | None = None,
    *,
    header: Header | None = None,
    units: Iterable[TranslationUnit] | None = None,
) -> WriteReport:
    """Write a memory (or a header and a stream of units) to ``path`` atomically as TMX 1.4b.

    Output is deterministic: the same memory gives the same bytes. The header names tmkit as
    creation tool; everything else in the model is written back as it is, notes before props
    at each level (the order the DTD asks for). A text longer than `MAX_TEXT_NODE_BYTES` (which
    no TMX reader would accept) raises `TextTooLongError` naming the unit, and ``path`` is left
    as it was: refusing at write time costs nothing, where reading the file back would double
    the time of every write.
    """
    if memory is not None:
        header, units = memory.header, memory.units
    if header is None or units is None:
        raise TypeError("write_tmx needs a memory, or a header and units")
    try:
        with atomic_write(path) as out:
            writer = TmxWriter(out, header)
            for unit in units:
                writer.write(unit)
            return writer.close()
    except TextTooLongError as exc:
        raise TextTooLongError(f"{exc.message}; nothing written", path=path) from None


def dumps_tmx(memory: Memory) -> str:
    """The TMX text of a memory, as `write_tmx` would write it."""
    import io

    buffer = io.StringIO()
    writer = TmxWriter(buffer, memory.header)
    for unit in memory.units:
        writer.write(unit)
    writer.close()
    return buffer.getvalue()
