"""Where TMX is parsed: a streaming, hardened reader of TMX 1.1–1.4b into the tmkit data model."""

from __future__ import annotations

import contextlib
import gc
import gzip
import heapq
import io
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from tmkit.errors import InputError, ParameterError
from tmkit.formats.xml_safety import (
    ENTITY_SEARCH_BYTES,
    SAFE_XML_OPTIONS,
    IllegalCharRepairStream,
    entity_declaration_line,
    syntax_error_message,
)
from tmkit.memory.dates import canonical_tmx_date
from tmkit.memory.digests import RepeatedHashes
from tmkit.memory.langtags import ALL_LANGUAGES, lang_matches
from tmkit.memory.model import (
    REJECTED_PROP,
    STATUS_PROP,
    Content,
    Header,
    Inline,
    Memory,
    Note,
    Prop,
    RawElement,
    Segment,
    Status,
    TranslationUnit,
    Variant,
    normalize_content,
)

TMX_NAMESPACE = "http://www.lisa.org/tmx14"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
KNOWN_VERSIONS = frozenset({"1.1", "1.2", "1.3", "1.4", "1.4a", "1.4b"})
_STATUS_VALUES = {s.value: s for s in Status}
#: Tuids held in memory (a hash and a line, 16 bytes each: 4 MB) before they are sorted into a run on
#: disk, so that repeated tuids are found at any size in bounded memory.
TUID_SPILL_UNITS = 1 << 18
_TRUE_VALUES = frozenset({"1", "true", "yes"})

#: Attributes the model holds in named fields; every other attribute goes to ``extra_attrs``.
_UNIT_FIELDS = {
    "tuid": "tuid",
    "srclang": "srclang",
    "creationdate": "creation_date",
    "creationid": "creation_id",
    "changedate": "change_date",
    "changeid": "change_id",
    "usagecount": "usage_count",
    "lastusagedate": "last_usage_date",
}
_DATE_FIELDS = frozenset({"creationdate", "changedate", "lastusagedate"})
_VARIANT_FIELDS = {k: v for k, v in _UNIT_FIELDS.items() if k not in ("tuid", "srclang")}
_HEADER_FIELDS = {
    "srclang": "srclang",
    "adminlang": "adminlang",
    "segtype": "segtype",
    "datatype": "datatype",
    "o-tmf": "o_tmf",
    "creationtool": "creationtool",
    "creationtoolversion": "creationtoolversion",
    "creationdate": "creation_date",
    "creationid": "creation_id",
    "changedate": "change_date",
    "changeid": "change_id",
}

ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class ReadIssue:
    """Something in the file worth a word: an anomaly kept, a unit skipped, a character removed."""

    line: int | None
    code: str  # e.g. "missing-source", "duplicate-tuid", "skipped-unit"
    message: str

    def format(self, path: str) -> str:
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.message} [{self.code}]"


class _UnitError(Exception):
    """A unit the reader cannot turn into the model; fatal unless invalid units are skipped."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class _CountingStream(io.RawIOBase):
    """Passes bytes through and tells a progress callback how many have gone by."""

    def __init__(self, raw: BinaryIO, total: int | None, callback: ProgressCallback) -> None:
        super().__init__()
        self._raw, self._total, self._callback, self._done = raw, total, callback, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self._done += size
        self._callback(self._done, self._total)
        return size


_CHAR_VALUE_RE = re.compile(r"invalid (?:xml)?Char value (\d+)")
_SURROGATES = range(0xD800, 0xE000)


def _char_value(message: str) -> int | None:
    """The code point libxml2's "invalid xmlChar value N" names, if it names one."""
    found = _CHAR_VALUE_RE.search(message)
    return int(found.group(1)) if found else None


def _repair_removes(message: str) -> bool:
    """Whether ``repair`` removes the character the message names, asked of the repair pass itself so
    that the hint offering it stays true whatever the pass learns to remove."""
    value = _char_value(message)
    if value is None:
        return True  # a raw control character, which the pass always removes
    # libxml2 says "xmlChar value" of a character reference, "Char value" of a character as such.
    written = f"&#{value};" if "xmlChar" in message else chr(value)
    repairer = IllegalCharRepairStream(io.BytesIO(f"<a>{written}</a>".encode("utf-8", "surrogatepass")))
    repairer.read()
    return repairer.removed_count > 0


def _illegal_char_kind(message: str) -> str:
    value = _char_value(message)
    if value in _SURROGATES:
        return (
            "a reference to a UTF-16 surrogate, which XML forbids: a pair such as &#xD83D;&#xDE00; "
            "must be written as the one character it stands for, &#x1F600;"
        )
    if value is not None and value >= 0xFFFE:
        return "a reference to a non-character, which XML forbids: remove it"
    return "a character XML forbids"


class TmxReader:
    """Reads units from a TMX file one at a time, in bounded memory.

    Iterate over the reader for `TranslationUnit`s; ``header`` is filled in before the first one.
    ``issues`` lists the anomalies met (a TU without its source variant, two variants of one
    language, empty segments, duplicate tuids, odd dates), ``skipped`` the units left out with
    ``skip_invalid``. Malformed XML and, unless ``skip_invalid``, invalid units raise `InputError`
    naming file, line and column. ``repair`` removes XML-illegal control characters first and
    records each one in ``issues``.
    """

    MAX_ISSUES = 1000

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        skip_invalid: bool = False,
        repair: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.skip_invalid = skip_invalid
        self.repair = repair
        self.on_progress = on_progress
        self.header: Header | None = None
        self.version: str | None = None
        self.issues: list[ReadIssue] = []
        self.issue_counts: Counter[str] = Counter()
        self.skipped: list[ReadIssue] = []
        self.units_read = 0
        self._ns = ""
        self._tags = _tag_names("")
        # Hashes and lines of tuids, checked for repeats at the end: 16 bytes a unit instead of a
        # set of strings, and past TUID_SPILL_UNITS sorted into runs on disk, so memory stays bounded.
        self._tuids = RepeatedHashes(held=TUID_SPILL_UNITS)
        #: The language notes of a unit, by its source language and its variants' languages (`_language_notes_of`).
        self._language_checks: dict[tuple[str | None, ...], tuple[tuple[str, str], ...]] = {}

    # -- reporting --------------------------------------------------------------------------

    def _note(self, line: int | None, code: str, message: str) -> None:
        self.issue_counts[code] += 1
        if len(self.issues) < self.MAX_ISSUES:
            self.issues.append(ReadIssue(line, code, message))

    def _error(self, message: str, line: int | None = None, column: int | None = None) -> InputError:
        return InputError(message, path=self.path, line=line, column=column)

    # -- opening ----------------------------------------------------------------------------

    def _open(self) -> tuple[BinaryIO, list[BinaryIO]]:
        try:
            raw: BinaryIO = open(self.path, "rb")  # noqa: SIM115 - closed by the caller
        except FileNotFoundError:
            raise self._error("no such file") from None
        except IsADirectoryError:
            raise self._error("is a directory, not a TMX file") from None
        except OSError as exc:
            raise self._error(f"cannot open: {exc.strerror}") from None
        opened: list[BinaryIO] = [raw]
        stream: BinaryIO = raw
        if self.on_progress is not None:
            total = os.fstat(raw.fileno()).st_size
            stream = io.BufferedReader(_CountingStream(raw, total, self.on_progress))
            opened.append(stream)
        if self.path.endswith(".gz"):
            stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
            opened.append(stream)
        if self.repair:
            self._repairer = IllegalCharRepairStream(stream)
            stream = io.BufferedReader(self._repairer)
            opened.append(stream)
        return stream, opened

    # -- iteration --------------------------------------------------------------------------

    def __iter__(self) -> Iterator[TranslationUnit]:
        stream, opened = self._open()
        try:
            yield from self._parse(stream)
        except etree.XMLSyntaxError as exc:
            line, column, message = _syntax_error_details(exc)
            if "invalid Char value" in message or "invalid xmlChar value" in message:
                if self.repair or not _repair_removes(message):
                    # Repair cannot help (it ran already, or it keeps such characters): no hint that it would.
                    raise self._error(
                        f"{message} ({_illegal_char_kind(message)})", line or None, column or None
                    ) from None
                raise ParameterError(
                    "{detail} (an XML-illegal control character; {repair} removes such characters)",
                    values={"detail": message},
                    path=self.path,
                    line=line or None,
                    column=column or None,
                ) from None
            if "not defined" in message and message.startswith("Entity"):
                message += " (TMX allows only &amp; &lt; &gt; &apos; &quot;)"
            if message in ("no element found", "Document is empty"):
                message = "empty document: no TMX content"
            raise self._error(message, line or None, column or None) from None
        except (gzip.BadGzipFile, EOFError, UnicodeDecodeError, LookupError, OSError) as exc:
            raise self._error(f"cannot read: {exc}") from None
        finally:
            self._tuids.close()
            for f in reversed(opened):
                f.close()
            if self.repair and hasattr(self, "_repairer"):
                for removed in self._repairer.removed:
                    self._note(removed.line, "illegal-char", f"removed XML-illegal character {removed.describe()}")
                extra = self._repairer.removed_count - len(self._repairer.removed)
                if extra > 0:
                    self.issue_counts["illegal-char"] += extra

    def _parse(self, stream: BinaryIO) -> Iterator[TranslationUnit]:
        tags = ("header", "tu", f"{{{TMX_NAMESPACE}}}header", f"{{{TMX_NAMESPACE}}}tu")
        etree.clear_error_log()  # the log is per thread: keep only this document's errors in it
        context = etree.iterparse(stream, events=("end",), tag=tags, **SAFE_XML_OPTIONS)
        first = True
        for _event, elem in context:
            if first:
                self._check_document(elem)
                first = False
            tag = elem.tag
            if tag == self._tags["tu"]:
                if self.header is None:
                    if not self.skip_invalid:
                        raise self._error("no <header> before the first <tu>", elem.sourceline)
                    self._note(elem.sourceline, "missing-header", "no <header> before the first <tu>")
                    self.header = Header(srclang=ALL_LANGUAGES, creationtool="", o_tmf="")
                try:
                    unit = self._parse_unit(elem)
                except _UnitError as exc:
                    if not self.skip_invalid:
                        raise self._error(str(exc), exc.line) from None
                    self.skipped.append(ReadIssue(exc.line, "skipped-unit", f"skipped unit: {exc}"))
                    unit = None
                # Free what has been read so memory stays bounded on huge files.
                elem.clear(keep_tail=False)
                parent = elem.getparent()
                if parent is not None:
                    while elem.getprevious() is not None:
                        del parent[0]
                if unit is not None:
                    self.units_read += 1
                    yield unit
            elif tag == self._tags["header"]:
                if self.header is not None:
                    raise self._error("more than one <header>", elem.sourceline)
                self.header = self._parse_header(elem)
        self._finish_document(context.root, empty=first)

    def _finish_document(self, root: Any, *, empty: bool) -> None:
        """The checks made once the whole file is read (shared with the counting pass of `tmkit stats`)."""
        self._report_repeated_tuids()
        if empty:
            if root is None:
                raise self._error("empty document: no TMX content")
            self._check_document(root)
        if self.header is None:
            raise self._error("no <header>: not a complete TMX document", getattr(root, "sourceline", None))

    def _remember_tuid(self, tuid: str, line: int | None) -> None:
        """Keep what finds a repeat of ``tuid`` at the end (shared with the counting pass of `tmkit stats`)."""
        self._tuids.add(hash(tuid), line or 0)

    def _report_repeated_tuids(self) -> None:
        try:
            # Only the notes that fit are kept (the rest are counted), so only the first of them by line are held.
            room = max(0, self.MAX_ISSUES - len(self.issues))
            repeats = _Counted(self._tuids.repeats())
            kept = heapq.nsmallest(room, repeats)
        finally:
            self._tuids.close()
        for line, first in kept:
            self._note(line, "duplicate-tuid", f"same tuid as the unit at line {first} (legal in TMX; kept)")
        if repeats.count > len(kept):  # a count of 0 would still be reported, as "0 duplicate-tuid"
            self.issue_counts["duplicate-tuid"] += repeats.count - len(kept)

    def _entity_line(self) -> int:
        """The line of the document's first entity declaration (read again from its start: the DTD is there)."""
        try:
            opener = gzip.open if self.path.endswith(".gz") else open
            with opener(self.path, "rb") as head:
                return entity_declaration_line(head.read(ENTITY_SEARCH_BYTES))
        except OSError:
            return 1

    def _check_document(self, elem: Any) -> None:
        tree = elem.getroottree()
        dtd = tree.docinfo.internalDTD
        if dtd is not None and list(dtd.entities()):
            raise self._error(
                "the document declares entities, which TMX does not allow; refused for safety", self._entity_line()
            )
        root = tree.getroot()
        tag = root.tag if isinstance(root.tag, str) else ""
        if tag == f"{{{TMX_NAMESPACE}}}tmx":
            self._ns = f"{{{TMX_NAMESPACE}}}"
            self._tags = _tag_names(self._ns)
        elif tag != "tmx":
            raise self._error(
                f"not a TMX document: the root element is <{etree.QName(tag).localname}>", root.sourceline
            )
        self.version = root.get("version")
        if self.version is None:
            self._note(root.sourceline, "no-version", "<tmx> has no version attribute; read as TMX 1.4")
        elif self.version not in KNOWN_VERSIONS:
            self._note(root.sourceline, "unknown-version", f"unknown TMX version {self.version!r}; read as TMX 1.4")

    # -- elements ---------------------------------------------------------------------------

    def _local(self, tag: Any) -> str | None:
        if not isinstance(tag, str):
            return None
        if self._ns and tag.startswith(self._ns):
            return tag[len(self._ns) :]
        return tag

    def _date(self, raw: str, line: int | None, name: str) -> str:
        canonical = canonical_tmx_date(raw)
        if canonical is None:
            self._note(line, "bad-date", f"{name}={raw!r} is not an ISO 8601 date; kept as written")
            return raw
        return canonical

    def _attributes(
        self, elem: Any, target: object, fields: dict[str, str], extra: dict[str, str], skip: tuple[str, ...] = ()
    ) -> None:
        """Attributes into the model's named fields (dates made canonical), the rest kept in order in ``extra``."""
        for key, value in elem.items():
            name = fields.get(key)
            if name is None:
                if key not in skip:
                    extra[key] = value
            elif key in _DATE_FIELDS:
                setattr(target, name, self._date(value, elem.sourceline, key))
            else:
                setattr(target, name, value)

    def _parse_header(self, elem: Any) -> Header:
        header = Header(srclang="", adminlang="", segtype="", datatype="", o_tmf="", creationtool="")
        line = elem.sourceline
        self._attributes(elem, header, _HEADER_FIELDS, header.extra_attrs)
        for key in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
            if elem.get(key) is None:
                self._note(line, "header-attribute", f"<header> lacks the required attribute {key}")
        for child in elem:
            local = self._local(child.tag)
            if local == "prop":
                header.props.append(self._prop(child))
            elif local == "note":
                header.notes.append(self._note_element(child))
            elif local == "ude":
                header.udes.append(_raw_element(child))
            elif local is not None:
                self._note(child.sourceline, "unknown-element", f"<{local}> in <header> ignored")
        return header

    def _prop(self, elem: Any) -> Prop:
        attrib = elem.attrib
        ptype = attrib.get("type")
        if ptype is None:
            raise _UnitError("<prop> without a type attribute", elem.sourceline)
        if len(attrib) == 1 and len(elem) == 0:  # the usual <prop type="…">text</prop>
            return Prop(ptype, elem.text or "")
        lang, extra = _lang_and_extra(elem, ("type",))
        return Prop(ptype, _flat_text(elem), lang, extra)

    def _note_element(self, elem: Any) -> Note:
        lang, extra = _lang_and_extra(elem, ())
        return Note(_flat_text(elem), lang, extra)

    def _parse_unit(self, elem: Any) -> TranslationUnit:
        line = elem.sourceline
        unit = TranslationUnit(line=line)
        self._attributes(elem, unit, _UNIT_FIELDS, unit.extra_attrs)
        status_raw: str | None = None
        tags = self._tags
        for child in elem[:]:  # a slice: an element's iterator costs more to make than the list
            tag = child.tag
            if tag == tags["tuv"]:
                unit.variants.append(self._parse_variant(child))
            elif tag == tags["prop"]:
                prop = self._prop(child)
                if prop.type == STATUS_PROP and status_raw is None:
                    status_raw = prop.value
                elif prop.type == REJECTED_PROP and not unit.rejected:
                    unit.rejected = prop.value.strip().lower() in _TRUE_VALUES
                else:
                    unit.props.append(prop)
            elif tag == tags["note"]:
                unit.notes.append(self._note_element(child))
            elif isinstance(tag, str):
                raise _UnitError(f"unexpected <{self._local(tag)}> in <tu>", child.sourceline)
        if not unit.variants:
            raise _UnitError("<tu> without any <tuv>", line)
        self._set_status(unit, status_raw)
        self._check_unit(unit)
        return unit

    def _set_status(self, unit: TranslationUnit, raw: str | None) -> None:
        if raw is None:
            # A unit a tool stored without a status is a confirmed translation, if it has two texts.
            texts = sum(1 for v in unit.variants if v.segment.content)
            unit.status = Status.TRANSLATED if texts >= 2 else Status.NEW
            return
        status = _STATUS_VALUES.get(raw.strip().lower())
        if status is None:
            unit.status, unit.status_label = Status.DRAFT, raw
            self._note(unit.line, "foreign-status", f"status {raw!r} is not tmkit's; read as draft and kept")
        else:
            unit.status = status

    def _check_unit(self, unit: TranslationUnit) -> None:
        line = unit.line
        if unit.tuid is not None:
            self._remember_tuid(unit.tuid, line)
        assert self.header is not None
        variants = unit.variants
        source = unit.source_lang(self.header.srclang or None)
        for code, message in self._language_notes_of(source, [v.lang for v in variants]):
            self._note(line, code, message)
        for v in variants:
            if not v.segment.content:
                self._note(line, "empty-segment", f"empty segment in {v.lang}")

    def _language_notes_of(self, source: str | None, langs: list[str]) -> tuple[tuple[str, str], ...]:
        """The notes a unit's languages get (`_language_notes`), worked out once per combination met."""
        key = (source, *langs)
        found = self._language_checks.get(key)
        if found is None:
            found = _language_notes(source, langs)
            if len(self._language_checks) < _LANGUAGE_CHECKS_KEPT:
                self._language_checks[key] = found
        return found

    def _parse_variant(self, elem: Any) -> Variant:
        line = elem.sourceline
        lang = elem.get(XML_LANG)
        if lang is None:
            lang = elem.get("lang")  # TMX 1.1/1.2
            if lang is None:
                raise _UnitError("<tuv> without xml:lang", line)
        variant = Variant(lang)
        segs = 0
        attrib = elem.attrib
        if len(attrib) > 1:  # most variants have their language and nothing else
            self._attributes(elem, variant, _VARIANT_FIELDS, variant.extra_attrs, skip=(XML_LANG, "lang"))
            if XML_LANG in attrib and "lang" in attrib:
                variant.extra_attrs["lang"] = attrib["lang"]
        tags = self._tags
        for child in elem[:]:
            tag = child.tag
            if tag == tags["seg"]:
                segs += 1
                if segs > 1:
                    raise _UnitError("<tuv> with more than one <seg>", child.sourceline)
                variant.segment = self._segment(child)
            elif tag == tags["prop"]:
                variant.props.append(self._prop(child))
            elif tag == tags["note"]:
                variant.notes.append(self._note_element(child))
            elif isinstance(tag, str):
                raise _UnitError(f"unexpected <{self._local(tag)}> in <tuv>", child.sourceline)
        if segs == 0:
            raise _UnitError(f"<tuv xml:lang={lang!r}> without <seg>", line)
        return variant

    def _segment(self, seg: Any) -> Segment:
        try:
            return _read_segment(seg, self._ns)
        except ValueError as exc:
            raise _UnitError(str(exc), seg.sourceline) from None


#: Language combinations whose notes a reader keeps (a memory's units repeat a few; a file of many keeps the first).
_LANGUAGE_CHECKS_KEPT = 256


def _language_notes(source: str | None, langs: list[str]) -> tuple[tuple[str, str], ...]:
    """The notes a unit's languages get, in order: two variants of one tag (compared case-blind, ``_`` as ``-``),
    a single variant, and no variant in the source language (a region matching its bare language, as OmegaT does)."""
    notes: list[tuple[str, str]] = []
    keys = [lang.lower().replace("_", "-") for lang in langs]
    if len(keys) > 1 and len(set(keys)) != len(keys):
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        notes.append(("repeated-language", f"two variants in {', '.join(repeated)} (both kept)"))
    if len(langs) == 1:
        notes.append(("single-variant", f"only one variant ({langs[0]}): no translation pair"))
    if source == ALL_LANGUAGES:
        source = None
    if (
        source is not None
        and source.lower() not in keys
        and not any(lang_matches(k, source, region_fallback=True) for k in keys)
    ):
        notes.append(("missing-source", f"no variant in the source language {source}"))
    return tuple(notes)


class _Counted:
    """Passes the pairs of an iterator through and counts them."""

    def __init__(self, pairs: Iterator[tuple[int, int]]) -> None:
        self._pairs, self.count = pairs, 0

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for pair in self._pairs:
            self.count += 1
            yield pair


def _read_segment(seg: Any, ns: str = "") -> Segment:
    if len(seg) == 0:
        text = seg.text
        return Segment((text,) if text else ())
    return Segment(normalize_content(_read_content(seg, ns)))


def _read_content(elem: Any, ns: str) -> list[Content]:
    """Text and inline elements of an element, in order (never just ``.text``: that loses the rest)."""
    parts: list[Content] = []
    if elem.text:
        parts.append(elem.text)
    for child in elem:
        tag = child.tag
        if not isinstance(tag, str):
            if isinstance(child, etree._Entity):
                raise ValueError(f"entity reference &{child.name}; is not allowed in TMX")
            continue
        local = tag[len(ns) :] if ns and tag.startswith(ns) else tag
        parts.append(Inline(local, tuple(child.attrib.items()), normalize_content(_read_content(child, ns))))
        if child.tail:
            parts.append(child.tail)
    return parts


def segment_from_xml(markup: str) -> Segment:
    """A segment from the inner markup of a `<seg>` (as `segment_to_xml` writes it)."""
    if "<" not in markup:
        # Plain text, as most segments are: undo the writer's four escapes without a parser.
        if "&" in markup:
            markup = markup.replace("&lt;", "<").replace("&gt;", ">").replace("&#13;", "\r").replace("&amp;", "&")
        return Segment.from_text(markup)
    parser = etree.XMLParser(**SAFE_XML_OPTIONS)
    return _read_segment(etree.fromstring(f"<seg>{markup}</seg>", parser))


def _tag_names(ns: str) -> dict[str, str]:
    """The element names to compare tags with, namespaced or not (computed once, not per element)."""
    return {name: ns + name for name in ("tu", "header", "tuv", "prop", "note", "seg")}


def _syntax_error_details(exc: etree.XMLSyntaxError) -> tuple[int | None, int | None, str]:
    """Line, column and message of the first real error (iterparse's own summary can be vaguer)."""
    for entry in exc.error_log:
        if entry.level >= etree.ErrorLevels.ERROR:
            return entry.line or None, entry.column or None, entry.message.strip()
    line, column = exc.position
    return line or None, column or None, syntax_error_message(exc)


def _flat_text(elem: Any) -> str:
    if len(elem) == 0:
        return elem.text or ""
    for child in elem.iter():
        if isinstance(child, etree._Entity):
            raise _UnitError(f"entity reference &{child.name}; is not allowed in TMX", child.sourceline)
    return "".join(elem.itertext())


def _lang_and_extra(elem: Any, skip: tuple[str, ...]) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    lang = elem.get(XML_LANG) or elem.get("lang")
    extra = tuple((k, v) for k, v in elem.attrib.items() if k not in skip and k != XML_LANG and k != "lang")
    return lang, extra


def _raw_element(elem: Any) -> RawElement:
    children = tuple(_raw_element(c) for c in elem if isinstance(c.tag, str))
    return RawElement(etree.QName(elem.tag).localname, tuple(elem.attrib.items()), children)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off meanwhile (as it was after): a memory read whole makes some ten objects a unit
    and no cycle, and the collector's passes over them, ever more as they grow, took a third of reading 100k units."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_tmx(
    path: str | os.PathLike[str] | Path,
    *,
    skip_invalid: bool = False,
    repair: bool = False,
    on_progress: ProgressCallback | None = None,
) -> tuple[Memory, TmxReader]:
    """Read a whole TMX file into a `Memory`; the reader returned holds the issues met."""
    reader = TmxReader(path, skip_invalid=skip_invalid, repair=repair, on_progress=on_progress)
    with _collector_paused():
        units = list(reader)
    assert reader.header is not None
    return Memory(reader.header, units), reader


def load_tmx(path: str | os.PathLike[str] | Path, *, skip_invalid: bool = False, repair: bool = False) -> Memory:
    """Read a whole TMX file into a `Memory` (see `TmxReader` for the checks made)."""
    return read_tmx(path, skip_invalid=skip_invalid, repair=repair)[0]
