"""XLIFF 1.2 and 2.x reading and writing: bilingual units, tmkit statuses and TMX inline codes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, BinaryIO

from lxml import etree

from tmkit.atomic import atomic_write
from tmkit.defaults import DEFAULT_XLIFF_VERSION, XLIFF_VERSIONS
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import _syntax_error_details, segment_from_xml
from tmkit.formats.tmx_writer import segment_to_xml
from tmkit.formats.xml_safety import ILLEGAL_CHAR_RE, SAFE_XML_OPTIONS
from tmkit.memory.model import (
    Content,
    Header,
    Inline,
    Memory,
    Note,
    Prop,
    Segment,
    Status,
    TranslationUnit,
    Variant,
    normalize_content,
)

XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
MDA_META = f"{{{MDA_NS}}}meta"
TMKIT_NS = "urn:tmkit"
#: The status under a rejection (XLIFF has no place for both), as an extension attribute.
STATUS_ATTR = f"{{{TMKIT_NS}}}status"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: A 2.x code's content as TMX inline markup, when it has sub-flows that 2.x's flat data cannot hold.
CODE_MARKUP_ATTR_NAME = "tmkit:code"
CODE_MARKUP_ATTR = f"{{{TMKIT_NS}}}code"
#: Marks a rejected unit: a 1.2 note, a 2.x subState.
REJECTED_MARK = "tmkit:rejected"
DRAFT_SUBSTATE = "tmkit:draft"
#: TU props carrying the match % and origin a pre-translation took.
MATCH_PROP = "x-tmkit-match"
ORIGIN_PROP = "x-tmkit-origin"

# -- statuses ---------------------------------------------------------------------------------

_TO_12 = {
    Status.NEW: "new",
    Status.DRAFT: "needs-review-translation",
    Status.TRANSLATED: "translated",
    Status.REVIEWED: "signed-off",
    Status.FINAL: "final",
}
_FROM_12 = {
    "new": Status.NEW,
    "needs-translation": Status.NEW,
    "needs-l10n": Status.DRAFT,
    "needs-adaptation": Status.DRAFT,
    "needs-review-translation": Status.DRAFT,
    "needs-review-l10n": Status.DRAFT,
    "needs-review-adaptation": Status.DRAFT,
    "translated": Status.TRANSLATED,
    "signed-off": Status.REVIEWED,
    "final": Status.FINAL,
}
_TO_2 = {
    Status.NEW: "initial",
    Status.DRAFT: "initial",
    Status.TRANSLATED: "translated",
    Status.REVIEWED: "reviewed",
    Status.FINAL: "final",
}
_FROM_2 = {"translated": Status.TRANSLATED, "reviewed": Status.REVIEWED, "final": Status.FINAL}


def status_to_xliff12(status: Status, *, rejected: bool = False) -> tuple[str, bool]:
    """The 1.2 `state` and `approved` flag for a tmkit status (a rejected unit needs review)."""
    if rejected:
        return "needs-review-translation", False
    return _TO_12[status], status in (Status.REVIEWED, Status.FINAL)


def status_from_xliff12(state: str | None, *, approved: bool, has_target: bool) -> tuple[Status, str | None]:
    """The tmkit status of a 1.2 state, and the state itself when tmkit does not know it."""
    if state is None:
        if not has_target:
            return Status.NEW, None
        return (Status.REVIEWED if approved else Status.TRANSLATED), None
    known = _FROM_12.get(state)
    if known is None:
        return Status.DRAFT, state
    if known is Status.NEW and has_target:
        return Status.DRAFT, None
    return known, None


def status_to_xliff2(status: Status, *, rejected: bool = False) -> tuple[str, str | None]:
    """The 2.x `state` and `subState` for a tmkit status."""
    if rejected:
        return "translated", REJECTED_MARK
    return _TO_2[status], DRAFT_SUBSTATE if status is Status.DRAFT else None


def status_from_xliff2(state: str | None, sub_state: str | None, *, has_target: bool) -> tuple[Status, bool]:
    """The tmkit status and rejected flag of a 2.x state and subState."""
    if sub_state == REJECTED_MARK:
        return Status.TRANSLATED, True
    if state in _FROM_2:
        return _FROM_2[state], False
    if sub_state == DRAFT_SUBSTATE or has_target:
        return Status.DRAFT, False
    return Status.NEW, False


# -- writing ----------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return ILLEGAL_CHAR_RE.sub("", text)


def _append_text(elem: Any, text: str) -> None:
    text = _clean(text)
    if not text:
        return
    if len(elem):
        elem[-1].tail = (elem[-1].tail or "") + text
    else:
        elem.text = (elem.text or "") + text


def _flat(content: tuple[Content, ...]) -> str:
    return "".join(part if isinstance(part, str) else _flat(part.content) for part in content)


_POS_12 = {"begin": "open", "end": "close"}
_POS_TMX = {"open": "begin", "close": "end"}


def _inline_12(parent: Any, parts: tuple[Content, ...], ns: str, counter: list[int]) -> None:
    """TMX inline content as XLIFF 1.2 inline elements (bpt/ept/ph/it keep their names; hi → mrk)."""
    for part in parts:
        if isinstance(part, str):
            _append_text(parent, part)
            continue
        attrs = dict(part.attrs)
        if part.tag in ("bpt", "ept", "ph", "it", "ut"):
            tag = "ph" if part.tag == "ut" else part.tag
            child = etree.SubElement(parent, f"{{{ns}}}{tag}")
            key = attrs.pop("i", None) or attrs.pop("x", None)
            if key is None:
                counter[0] += 1
                key = f"g{counter[0]}"
                child.set(f"{{{TMKIT_NS}}}id", "generated")
            elif part.tag in ("bpt", "ept") and "x" in attrs:
                child.set(f"{{{TMKIT_NS}}}x", attrs.pop("x"))
            elif part.tag in ("ph", "it") and "i" in attrs:
                child.set(f"{{{TMKIT_NS}}}i", attrs.pop("i"))
            child.set("id", key)
            if part.tag == "ut":
                child.set(f"{{{TMKIT_NS}}}tag", "ut")
            if "pos" in attrs:
                child.set("pos", _POS_12.get(attrs.pop("pos"), "open"))
            if "type" in attrs:
                child.set("ctype", attrs.pop("type"))
            for key_, value in attrs.items():
                if ":" not in key_ and "{" not in key_:
                    child.set(f"{{{TMKIT_NS}}}{key_}", value)
            _inline_12(child, part.content, ns, counter)
        elif part.tag == "sub":
            child = etree.SubElement(parent, f"{{{ns}}}sub")
            # TMX's type and datatype of a sub-flow are kept, in their order, as tmkit attributes.
            for key_, value in attrs.items():
                if ":" not in key_ and "{" not in key_:
                    child.set(f"{{{TMKIT_NS}}}{key_}", value)
            _inline_12(child, part.content, ns, counter)
        else:  # hi and foreign wrappers: translatable text in a marker
            child = etree.SubElement(parent, f"{{{ns}}}mrk", mtype=attrs.get("type") or "x-tmkit-hi")
            _inline_12(child, part.content, ns, counter)


def _inline_2(parent: Any, parts: tuple[Content, ...], data: dict[str, str], counter: list[int]) -> None:
    """TMX inline content as XLIFF 2 sc/ec/ph (native codes go to originalData)."""
    ns = XLIFF2_NS
    for part in parts:
        if isinstance(part, str):
            _append_text(parent, part)
            continue
        if not part.is_code:
            if part.tag == "sub":  # a sub-flow outside a code (not valid TMX): its text at least is kept
                _inline_2(parent, part.content, data, counter)
                continue
            child = etree.SubElement(parent, f"{{{ns}}}mrk", id=f"m{len(data) + counter[0] + 1}")
            counter[0] += 1
            child.set("type", "tmkit:hi")
            _inline_2(child, part.content, data, counter)
            continue
        native = _clean(_flat(part.content))
        data_id = f"d{len(data) + 1}"
        data[data_id] = native
        key = part.get("i") or part.get("x")
        if key is None:
            counter[0] += 1
            key = f"g{counter[0]}"
        if part.tag == "bpt":
            child = etree.SubElement(parent, f"{{{ns}}}sc", id=key, dataRef=data_id)
        elif part.tag == "ept":
            child = etree.SubElement(parent, f"{{{ns}}}ec", startRef=key, dataRef=data_id)
        elif part.tag == "it":
            tag = "ec" if part.get("pos") == "end" else "sc"
            child = etree.SubElement(parent, f"{{{ns}}}{tag}", id=key, isolated="yes", dataRef=data_id)
        else:
            child = etree.SubElement(parent, f"{{{ns}}}ph", id=key, dataRef=data_id)
        if part.get("type"):
            child.set("type", "fmt" if part.get("type") in ("bold", "italic", "ulined") else "other")
            child.set("subType", f"tmkit:{part.get('type')}")
        if any(isinstance(inner, Inline) for inner in part.content):
            # XLIFF 2 data is flat text, so a code's sub-flows (translatable text inside it) would be
            # lost: the code's TMX markup goes in an extension attribute for tmkit to read back.
            child.set(CODE_MARKUP_ATTR, segment_to_xml(Segment(part.content)))


def _unit_id(unit: TranslationUnit, number: int) -> str:
    return unit.tuid or str(number)


def _props_of(unit: TranslationUnit) -> list[Prop]:
    return [p for p in unit.props if not p.type.startswith("x-tmkit-status") and p.type != "x-tmkit-rejected"]


def build_xliff12(memory: Memory, *, source_lang: str, target_lang: str, original: str = "tmkit") -> Any:
    ns = XLIFF12_NS
    root = etree.Element(f"{{{ns}}}xliff", nsmap={None: ns, "tmkit": TMKIT_NS}, version="1.2")
    file_el = etree.SubElement(
        root,
        f"{{{ns}}}file",
        original=original,
        datatype="plaintext",
        **{"source-language": source_lang, "target-language": target_lang},
    )
    body = etree.SubElement(file_el, f"{{{ns}}}body")
    counter = [0]
    for number, unit in enumerate(memory.units, 1):
        src = unit.variant(source_lang, region_fallback=True)
        tgt = unit.variant(target_lang, region_fallback=True)
        tu = etree.SubElement(body, f"{{{ns}}}trans-unit", id=_unit_id(unit, number))
        source = etree.SubElement(tu, f"{{{ns}}}source")
        _inline_12(source, src.segment.content if src else (), ns, counter)
        state, approved = status_to_xliff12(unit.status, rejected=unit.rejected)
        if unit.status_label and not unit.rejected:
            state = unit.status_label
        if approved:
            tu.set("approved", "yes")
        if tgt is not None and unit.status is not Status.NEW:
            target = etree.SubElement(tu, f"{{{ns}}}target", state=state)
            _inline_12(target, tgt.segment.content, ns, counter)
            origin = unit_prop(unit, ORIGIN_PROP)
            if unit.status is Status.DRAFT and origin:
                match = unit_prop(unit, MATCH_PROP)
                exact = match is not None and match.replace(".", "", 1).isdigit() and float(match) >= 100
                target.set("state-qualifier", "exact-match" if exact else "leveraged-tm")
        props = _props_of(unit)
        if props:
            group = etree.SubElement(tu, f"{{{ns}}}prop-group", name="tmkit")
            for prop in props:
                etree.SubElement(group, f"{{{ns}}}prop", **{"prop-type": prop.type}).text = _clean(prop.value)
        if unit.rejected:
            tu.set(STATUS_ATTR, unit.status.value)
            etree.SubElement(tu, f"{{{ns}}}note", **{"from": "tmkit"}).text = REJECTED_MARK
        for note in unit.notes:
            etree.SubElement(tu, f"{{{ns}}}note").text = _clean(note.text)
    return root


def build_xliff2(
    memory: Memory, *, source_lang: str, target_lang: str, version: str = "2.1", original: str = "tmkit"
) -> Any:
    ns = XLIFF2_NS
    root = etree.Element(
        f"{{{ns}}}xliff",
        nsmap={None: ns, "mda": MDA_NS, "tmkit": TMKIT_NS},
        version=version,
        srcLang=source_lang,
        trgLang=target_lang,
    )
    file_el = etree.SubElement(root, f"{{{ns}}}file", id="f1", original=original)
    for number, unit in enumerate(memory.units, 1):
        src = unit.variant(source_lang, region_fallback=True)
        tgt = unit.variant(target_lang, region_fallback=True)
        unit_el = etree.Element(f"{{{ns}}}unit", id=_unit_id(unit, number))
        if unit.rejected:
            unit_el.set(STATUS_ATTR, unit.status.value)
        props = _props_of(unit)
        if props:
            meta = etree.SubElement(unit_el, f"{{{MDA_NS}}}metadata")
            group = etree.SubElement(meta, f"{{{MDA_NS}}}metaGroup", category="tmkit")
            for prop in props:
                etree.SubElement(group, f"{{{MDA_NS}}}meta", type=prop.type).text = _clean(prop.value)
        if unit.notes:
            notes = etree.SubElement(unit_el, f"{{{ns}}}notes")
            for note in unit.notes:
                etree.SubElement(notes, f"{{{ns}}}note").text = _clean(note.text)
        data: dict[str, str] = {}
        original_data = etree.SubElement(unit_el, f"{{{ns}}}originalData")
        segment = etree.SubElement(unit_el, f"{{{ns}}}segment")
        state, sub_state = status_to_xliff2(unit.status, rejected=unit.rejected)
        segment.set("state", state)
        if sub_state:
            segment.set("subState", sub_state)
        counter = [0]
        source = etree.SubElement(segment, f"{{{ns}}}source")
        _inline_2(source, src.segment.content if src else (), data, counter)
        if tgt is not None and unit.status is not Status.NEW:
            target = etree.SubElement(segment, f"{{{ns}}}target")
            _inline_2(target, tgt.segment.content, data, counter)
        if data:
            for data_id, native in data.items():
                etree.SubElement(original_data, f"{{{ns}}}data", id=data_id).text = native
        else:
            unit_el.remove(original_data)
        file_el.append(unit_el)
    return root


def write_xliff(
    path: str | os.PathLike[str],
    memory: Memory,
    *,
    source_lang: str,
    target_lang: str,
    version: str = DEFAULT_XLIFF_VERSION,
) -> int:
    """Write ``memory``'s ``source_lang``→``target_lang`` pairs as XLIFF (atomically); returns units written."""
    if version not in XLIFF_VERSIONS:
        raise InputError(f"XLIFF version {version!r} is not one of {', '.join(XLIFF_VERSIONS)}")
    if version == "1.2":
        root = build_xliff12(memory, source_lang=source_lang, target_lang=target_lang)
    else:
        root = build_xliff2(memory, source_lang=source_lang, target_lang=target_lang, version=version)
    with atomic_write(path, binary=True) as handle:
        handle.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False))
        handle.write(b"\n")
    return len(memory.units)


def unit_prop(unit: TranslationUnit, prop_type: str) -> str | None:
    """The value of the unit's first prop of type ``prop_type``."""
    for prop in unit.props:
        if prop.type == prop_type:
            return prop.value
    return None


# -- reading ----------------------------------------------------------------------------------


def _local(elem: Any) -> str:
    tag: str = elem.tag  # "{namespace}name" or "name"
    return tag[tag.find("}") + 1 :]


def _content_12(elem: Any, path: str) -> list[Content]:
    parts: list[Content] = []
    if elem.text:
        parts.append(elem.text)
    for child in elem:
        if not isinstance(child.tag, str):
            if isinstance(child, etree._Entity):
                raise InputError(f"entity reference &{child.name}; is not allowed", path=path, line=child.sourceline)
            continue
        tag = _local(child)
        inner = tuple(_content_12(child, path))
        attrs: list[tuple[str, str]] = []
        generated = child.get(f"{{{TMKIT_NS}}}id") == "generated"
        tmx_tag = child.get(f"{{{TMKIT_NS}}}tag") or tag
        key = child.get("id") or child.get("rid")
        if tag in ("bpt", "ept"):
            attrs.append(("i", child.get("rid") or key or "1"))
        elif tag in ("ph", "it", "x") and key and not generated:
            attrs.append(("x", key))
        if tag in ("g", "bx", "ex", "x"):
            # Codes without native data: paired g as bpt/ept around its text, the others as codes.
            ident = key or "1"
            if tag == "g":
                parts.append(Inline("bpt", (("i", ident),)))
                parts.extend(inner)
                parts.append(Inline("ept", (("i", ident),)))
            elif tag == "bx":
                parts.append(Inline("bpt", (("i", child.get("rid") or ident),)))
            elif tag == "ex":
                parts.append(Inline("ept", (("i", child.get("rid") or ident),)))
            else:
                parts.append(Inline("ph", (("x", ident),)))
        elif tag in ("bpt", "ept", "ph", "it", "sub"):
            if child.get("pos"):
                attrs.append(("pos", _POS_TMX.get(child.get("pos"), "begin")))
            if child.get("ctype"):
                attrs.append(("type", child.get("ctype")))
            for name, value in child.attrib.items():
                qname = etree.QName(name)
                if qname.namespace == TMKIT_NS and qname.localname not in ("id", "tag"):
                    attrs.append((qname.localname, value))
            if tag != "sub":  # a sub-flow's attributes come back in the order they were written
                order = {"i": 0, "x": 1, "pos": 2, "type": 3}
                attrs.sort(key=lambda kv: order.get(kv[0], 9))
            parts.append(Inline(tmx_tag, tuple(attrs), normalize_content(inner)))
        elif tag == "mrk":
            mtype = child.get("mtype")
            hi_attrs = () if mtype in (None, "x-tmkit-hi") else (("type", mtype),)
            parts.append(Inline("hi", hi_attrs, normalize_content(inner)))
        else:
            parts.extend(inner)
        if child.tail:
            parts.append(child.tail)
    return parts


def _content_2(elem: Any, data: dict[str, str], path: str) -> list[Content]:
    parts: list[Content] = []
    if elem.text:
        parts.append(elem.text)
    for child in elem:
        if not isinstance(child.tag, str):
            if isinstance(child, etree._Entity):
                raise InputError(f"entity reference &{child.name}; is not allowed", path=path, line=child.sourceline)
            continue
        tag = _local(child)
        native = data.get(child.get("dataRef") or "", "")
        type_attr: tuple[tuple[str, str], ...] = ()
        sub_type = child.get("subType") or ""
        if sub_type.startswith("tmkit:"):
            type_attr = (("type", sub_type[len("tmkit:") :]),)
        code_content: tuple[Content, ...] = (native,) if native else ()
        markup = child.get(CODE_MARKUP_ATTR)
        if markup is not None:
            code_content = _code_markup(markup, path, child.sourceline)
        if tag == "ph":
            parts.append(Inline("ph", (("x", child.get("id") or "1"), *type_attr), code_content))
        elif tag == "sc":
            if child.get("isolated") == "yes":
                parts.append(Inline("it", (("x", child.get("id") or "1"), ("pos", "begin"), *type_attr), code_content))
            else:
                parts.append(Inline("bpt", (("i", child.get("id") or "1"), *type_attr), code_content))
        elif tag == "ec":
            if child.get("isolated") == "yes":
                parts.append(Inline("it", (("x", child.get("id") or "1"), ("pos", "end"), *type_attr), code_content))
            else:
                parts.append(Inline("ept", (("i", child.get("startRef") or child.get("id") or "1"),), code_content))
        elif tag == "pc":
            ident = child.get("id") or "1"
            start = data.get(child.get("dataRefStart") or "", "")
            end = data.get(child.get("dataRefEnd") or "", "")
            parts.append(Inline("bpt", (("i", ident),), (start,) if start else ()))
            parts.extend(_content_2(child, data, path))
            parts.append(Inline("ept", (("i", ident),), (end,) if end else ()))
        elif tag == "mrk":
            inner = normalize_content(_content_2(child, data, path))
            parts.append(Inline("hi", (), inner))
        else:
            parts.extend(_content_2(child, data, path))
        if child.tail:
            parts.append(child.tail)
    return parts


def _code_markup(markup: str, path: str, line: int | None) -> tuple[Content, ...]:
    """The content of a code kept as TMX markup (with its sub-flows) in `tmkit:code`."""
    try:
        return segment_from_xml(markup).content
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(f"unreadable {CODE_MARKUP_ATTR_NAME} attribute: {exc}", path=path, line=line) from None


def _segment(parts: list[Content]) -> Segment:
    return Segment(normalize_content(parts))


class XliffReader:
    """Reads the units of an XLIFF 1.2 or 2.x file one at a time, in bounded memory.

    `languages` reads only the start of the file: the source and target language of the first
    `<file>` (1.2) or of `<xliff>` (2.x), known before any unit. Iterating yields the units as
    `TranslationUnit`s, each element freed once read; every iteration reads the file afresh.
    Malformed XML, a DTD declaring entities, a root other than `<xliff>` and units tmkit cannot read
    raise `InputError` naming file, line and column.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self.version: str | None = None
        self.source_lang: str | None = None
        self.target_lang: str | None = None
        self.units_read = 0
        self._namespace: str | None = None

    def _error(self, message: str, line: int | None = None, column: int | None = None) -> InputError:
        return InputError(message, path=self.path, line=line, column=column)

    def _open(self) -> BinaryIO:
        try:
            return open(self.path, "rb")
        except FileNotFoundError:
            raise self._error("no such file") from None
        except IsADirectoryError:
            raise self._error("is a directory, not an XLIFF file") from None
        except OSError as exc:
            raise self._error(f"cannot read: {exc.strerror}") from None

    def _reading_error(self, exc: Exception) -> InputError:
        """The one-line error for a failure of the parser or of the file under it."""
        if not isinstance(exc, etree.XMLSyntaxError):
            return self._error(f"cannot read: {exc}")
        line, column, message = _syntax_error_details(exc)
        if message in ("Document is empty", "no element found"):
            return self._error("the file is empty: no XLIFF content")
        if message.startswith("Entity") and "not defined" in message:
            message += " (XLIFF allows only &amp; &lt; &gt; &apos; &quot;)"
        return self._error(f"not well-formed XML: {message}", line, column)

    def _q(self, name: str) -> str:
        return f"{{{self._namespace}}}{name}" if self._namespace else name

    def languages(self) -> tuple[str, str]:
        """The source and target language, read from the start of the file (before any unit)."""
        if self.source_lang is None or self.target_lang is None:
            with self._open() as handle:
                try:
                    self._read_start(handle)
                except (etree.XMLSyntaxError, UnicodeDecodeError, LookupError, OSError) as exc:
                    raise self._reading_error(exc) from None
        assert self.source_lang is not None and self.target_lang is not None
        return self.source_lang, self.target_lang

    def _read_start(self, handle: BinaryIO) -> None:
        """The root, the languages and the safety check, from as little of the file as holds them."""
        etree.clear_error_log()  # the log is per thread: keep only this document's errors in it
        context = etree.iterparse(handle, events=("start", "end"), **SAFE_XML_OPTIONS)
        root: Any = None
        # A problem with a start tag is raised at the next event: libxml2 reports the start of a tag
        # cut off by the end of the file before it reports the truncation, the real problem.
        problem: InputError | None = None
        for event, elem in context:
            if problem is not None:
                raise problem
            if root is None:
                root = elem
                dtd = elem.getroottree().docinfo.internalDTD
                if dtd is not None and list(dtd.entities()):
                    raise self._error("an entity declaration (XLIFF needs none): refused for safety", 1)
                problem = self._check_root(root)
                if problem is None and self._is_2:
                    return
                continue
            if elem is root:  # the end of <xliff>, and no <file> in it
                break
            if elem.getparent() is not root:
                continue
            if event == "start" and elem.tag == self._q("file"):
                source_lang = elem.get("source-language")
                if source_lang:
                    self.source_lang, self.target_lang = source_lang, elem.get("target-language") or "en"
                    return
                problem = self._error("<file> has no source-language", elem.sourceline)
            elif event == "end":  # something other than <file> in <xliff>: free it and look on
                elem.clear(keep_tail=False)
                del root[0]
        if problem is not None:
            raise problem
        if root is None:
            raise self._error("the file is empty: no XLIFF content")
        raise self._error("no <file> element", root.sourceline)

    def _check_root(self, root: Any) -> InputError | None:
        """Take the namespace, version and (2.x) languages from `<xliff>`; what is wrong with it, if anything."""
        if _local(root) != "xliff":
            return self._error(f"the root element is <{_local(root)}>, not <xliff>", root.sourceline)
        self._namespace = etree.QName(root).namespace or ""
        self.version = root.get("version", "")
        if not self._is_2:
            return None
        source_lang = root.get("srcLang")
        if not source_lang:
            return self._error("<xliff> has no srcLang", root.sourceline)
        self.source_lang, self.target_lang = source_lang, root.get("trgLang") or "en"
        return None

    @property
    def _is_2(self) -> bool:
        return self._namespace == XLIFF2_NS or (self.version or "").startswith("2")

    def __iter__(self) -> Iterator[TranslationUnit]:
        source_lang, target_lang = self.languages()
        read_unit = _read_unit_2 if self._is_2 else _read_unit_12
        names = _Names(self._namespace or "")
        unit_tag = names.unit if self._is_2 else names.trans_unit
        self.units_read = 0
        with self._open() as handle:
            etree.clear_error_log()
            context = etree.iterparse(handle, events=("end",), tag=unit_tag, **SAFE_XML_OPTIONS)
            try:
                for _event, elem in context:
                    unit = read_unit(elem, names, source_lang, target_lang, self.path)
                    _free(elem)
                    self.units_read += 1
                    yield unit
            except (etree.XMLSyntaxError, UnicodeDecodeError, LookupError, OSError) as exc:
                raise self._reading_error(exc) from None


def _free(elem: Any) -> None:
    """Drop a unit just read, and everything before it in the document, so memory stays bounded."""
    elem.clear(keep_tail=False)
    node = elem
    while (parent := node.getparent()) is not None:
        while node.getprevious() is not None:
            del parent[0]
        node = parent


class _Names:
    """The qualified element names of one document's namespace, computed once per file."""

    __slots__ = ("data", "ignorable", "note", "ns", "segment", "source", "target", "trans_unit", "unit")

    def __init__(self, ns: str) -> None:
        self.ns = ns
        self.unit, self.trans_unit = self.q("unit"), self.q("trans-unit")
        self.segment, self.ignorable = self.q("segment"), self.q("ignorable")
        self.source, self.target = self.q("source"), self.q("target")
        self.note, self.data = self.q("note"), self.q("data")

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}" if self.ns else name


def read_xliff(path: str | os.PathLike[str]) -> tuple[Memory, str, str]:
    """Read a whole XLIFF 1.2 or 2.x file: a memory of its units, its source and its target language.

    Callers that only go through the units once iterate an `XliffReader` instead.
    """
    reader = XliffReader(path)
    source_lang, target_lang = reader.languages()
    units = list(reader)
    return Memory(Header(srclang=source_lang), units), source_lang, target_lang


def _props_12(tu: Any) -> list[Prop]:
    out: list[Prop] = []
    for group in tu:
        if isinstance(group.tag, str) and _local(group) == "prop-group":
            out.extend(Prop(p.get("prop-type") or "x-unknown", p.text or "") for p in group if isinstance(p.tag, str))
    return out


def _underlying(elem: Any, default: Status) -> Status:
    try:
        return Status(elem.get(STATUS_ATTR, default.value))
    except ValueError:
        return default


def _read_unit_12(tu: Any, names: _Names, source_lang: str, target_lang: str, path: str) -> TranslationUnit:
    source = tu.find(names.source)
    if source is None:
        raise InputError("<trans-unit> without <source>", path=path, line=tu.sourceline)
    target = tu.find(names.target)
    has_target = target is not None and bool("".join(target.itertext()).strip() or len(target))
    notes = tu.findall(names.note)
    rejected = any(n.get("from") == "tmkit" and (n.text or "") == REJECTED_MARK for n in notes)
    status, label = status_from_xliff12(
        target.get("state") if target is not None else None,
        approved=tu.get("approved") == "yes",
        has_target=has_target,
    )
    variants = [Variant(source_lang, _segment(_content_12(source, path)))]
    if target is not None:
        variants.append(Variant(target_lang, _segment(_content_12(target, path))))
    unit = TranslationUnit(variants=variants, tuid=tu.get("id"), line=tu.sourceline)
    unit.status = _underlying(tu, Status.DRAFT) if rejected else status
    unit.rejected = rejected
    unit.status_label = None if rejected else label
    unit.props = _props_12(tu)
    unit.notes = [Note(n.text or "") for n in notes if not (n.get("from") == "tmkit" and n.text == REJECTED_MARK)]
    return unit


def _read_unit_2(unit_el: Any, names: _Names, source_lang: str, target_lang: str, path: str) -> TranslationUnit:
    data: dict[str, str] = {}
    props: list[Prop] = []
    notes: list[Note] = []
    # One walk for the code data, metadata and notes, wherever they sit in the unit.
    for elem in unit_el.iter(names.data, MDA_META, names.note):
        if elem.tag == names.data:
            data[elem.get("id")] = "".join(elem.itertext())
        elif elem.tag == names.note:
            notes.append(Note(elem.text or ""))
        else:
            props.append(Prop(elem.get("type") or "x-unknown", elem.text or ""))
    if unit_el.find(names.segment) is None:
        raise InputError("<unit> without <segment>", path=path, line=unit_el.sourceline)
    source_parts: list[Content] = []
    target_parts: list[Content] = []
    has_target = False
    states: list[tuple[str | None, str | None]] = []
    for child in unit_el:
        is_segment = child.tag == names.segment
        if not is_segment and child.tag != names.ignorable:
            continue
        source = child.find(names.source)
        if source is None:
            raise InputError(f"<{_local(child)}> without <source>", path=path, line=child.sourceline)
        source_parts.extend(_content_2(source, data, path))
        target = child.find(names.target)
        if target is not None:
            has_target = True
            target_parts.extend(_content_2(target, data, path))
        elif not is_segment:  # an ignorable's text (white space between segments) is in both languages
            target_parts.extend(_content_2(source, data, path))
        if is_segment:
            states.append((child.get("state"), child.get("subState")))
    # A unit of several segments takes its least advanced segment's status.
    decided = [status_from_xliff2(s, sub, has_target=has_target) for s, sub in states]
    status, rejected = min(decided, key=lambda d: d[0].rank)
    rejected = any(r for _, r in decided)
    variants = [Variant(source_lang, _segment(source_parts))]
    if has_target:
        variants.append(Variant(target_lang, _segment(target_parts)))
    unit = TranslationUnit(variants=variants, tuid=unit_el.get("id"), line=unit_el.sourceline)
    unit.status = _underlying(unit_el, status) if rejected else status
    unit.rejected = rejected
    unit.props = props
    unit.notes = notes
    return unit
