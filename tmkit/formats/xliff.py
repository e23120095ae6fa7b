"""XLIFF 1.2 and 2.x reading and writing: bilingual units, tmkit statuses and TMX inline codes."""

from __future__ import annotations

import copy
import heapq
import itertools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import quote, unquote

from lxml import etree

from tmkit.atomic import atomic_write
from tmkit.defaults import DEFAULT_XLIFF_VERSION, XLIFF_VERSIONS
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import (
    _HEADER_FIELDS,
    _STATUS_VALUES,
    _UNIT_FIELDS,
    _VARIANT_FIELDS,
    _raw_element,
    _syntax_error_details,
    segment_from_xml,
)
from tmkit.formats.tmx_writer import segment_to_xml
from tmkit.formats.xml_safety import ENTITY_SEARCH_BYTES, ILLEGAL_CHAR_RE, SAFE_XML_OPTIONS, entity_declaration_line
from tmkit.memory.digests import (
    DIGEST_BYTES,
    DigestSet,
    RecordSort,
    RepeatedHashes,
    digest,
    repeat_places,
    sorted_numbers,
)
from tmkit.memory.langtags import other_language, same_language
from tmkit.memory.model import (
    MATCH_PROP,
    ORIGIN_PROP,
    PROVENANCE_PROPS,
    REJECTION_REASON_PROP,
    TRANSLATE_PROP,
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
    not_to_translate,
    provenance_holds,
    rejection_reason,
    without_provenance,
)

XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
#: The start of every XLIFF namespace; the version follows it.
XLIFF_NS_PREFIX = "urn:oasis:names:tc:xliff:document:"
#: The versions tmkit reads. 1.0 and 1.1 have the elements of 1.2 that tmkit reads, 2.1 the core of 2.0; 2.2 has a
#: namespace of its own and is not read (nor is any later version, whatever it changes).
READ_VERSIONS_1 = ("1.0", "1.1", "1.2")
READ_VERSIONS_2 = ("2.0", "2.1")
#: The XLIFF namespaces tmkit reads and the versions that use each (1.0 had none).
_NAMESPACE_VERSIONS = {
    f"{XLIFF_NS_PREFIX}1.1": READ_VERSIONS_1,
    XLIFF12_NS: READ_VERSIONS_1,
    XLIFF2_NS: READ_VERSIONS_2,
}
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
MDA_META = f"{{{MDA_NS}}}meta"
TMKIT_NS = "urn:tmkit"
#: The status under a rejection (XLIFF has no place for both), as an extension attribute.
STATUS_ATTR = f"{{{TMKIT_NS}}}status"
#: A 2.x unit's tuid when it is not an NMTOKEN (which a 2.x unit id must be).
TUID_ATTR = f"{{{TMKIT_NS}}}tuid"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: A 2.x code's content as TMX inline markup, when it has sub-flows that 2.x's flat data cannot hold.
CODE_MARKUP_ATTR_NAME = "tmkit:code"
CODE_MARKUP_ATTR = f"{{{TMKIT_NS}}}code"
#: Marks a rejected unit: a 1.2 note, a 2.x subState.
REJECTED_MARK = "tmkit:rejected"
DRAFT_SUBSTATE = "tmkit:draft"

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


#: An SDLXLIFF's file-name suffix.
SDLXLIFF_SUFFIX = ".sdlxliff"
#: SDL Trados Studio's namespace in an SDLXLIFF, whose `sdl:seg-defs/sdl:seg` (by the segment's `mid`) carries each
#: segment's confirmation level (`conf`), where it came from (`origin`) and whether it is `locked`.
SDL_NS = "http://sdl.com/FileTypes/SdlXliff/1.0"
#: The `mrk` types of Trados's tracked changes in a segment (a reviewer's with track changes on): text deleted, which
#: is no longer the translation, and text added, which is (read as if the changes were accepted).
SDL_DELETED_MTYPE = "x-sdl-deleted"
SDL_ADDED_MTYPE = "x-sdl-added"
#: Trados's confirmation levels as tmkit statuses, rejected or not ("Unspecified": as if none).
_FROM_SDL = {
    "Draft": (Status.DRAFT, False),
    "Translated": (Status.TRANSLATED, False),
    "RejectedTranslation": (Status.DRAFT, True),
    "ApprovedTranslation": (Status.REVIEWED, False),
    "RejectedSignOff": (Status.DRAFT, True),
    "ApprovedSignOff": (Status.FINAL, False),
}
_TO_SDL = {
    Status.DRAFT: "Draft",
    Status.TRANSLATED: "Translated",
    Status.REVIEWED: "ApprovedTranslation",
    Status.FINAL: "ApprovedSignOff",
}


def refuse_sdl_segments_without_id(element: Any, path: str | os.PathLike[str]) -> None:
    """Stop at an `sdl:seg` without its `id` under ``element`` (a trans-unit, or a whole file): Trados names each
    segment's level by the segment's `mid`, and such a one describes no segment that can be told. Read as none, a
    segment Trados rejected came out translated, and a translation written back had a second `sdl:seg`."""
    for seg in element.iter(f"{{{SDL_NS}}}seg"):
        if not seg.get("id"):
            raise InputError(
                "an sdl:seg without its id: Trados names each segment's confirmation level by the segment's mid, "
                "so which segment this one describes cannot be told",
                path=path,
                line=seg.sourceline,
            )


def sdl_segment(unit: Any, mid: str | None) -> Any:
    """A trans-unit's `sdl:seg` for the segment of ``mid`` in an SDLXLIFF, or None (another file, or none made)."""
    if mid is None:
        return None
    return next((seg for seg in unit.iter(f"{{{SDL_NS}}}seg") if seg.get("id") == mid), None)


def status_from_sdl(conf: str | None, *, has_text: bool) -> tuple[Status, bool]:
    """The tmkit status and rejected flag of a segment's Trados confirmation level. A target without text is no
    translation, whatever the level (Trados copies a source's tags into its targets); one with text and no level
    (none, "Unspecified": Trados's "Not Translated") is a draft."""
    if not has_text:
        return Status.NEW, False
    return _FROM_SDL.get(conf or "", (Status.DRAFT, False))


def status_to_sdl(status: Status, *, rejected: bool = False) -> str | None:
    """The Trados confirmation level of a tmkit status (None: not translated, no level)."""
    if rejected:
        return "RejectedTranslation"
    return _TO_SDL.get(status)


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
    """The 2.x `state` and `subState` for a tmkit status; rejected, the state says how far it had come (a draft sent
    back is `initial`: a tool that does not know the subState still reads it as not translated)."""
    if rejected:
        return _TO_2[status], REJECTED_MARK
    return _TO_2[status], DRAFT_SUBSTATE if status is Status.DRAFT else None


def status_from_xliff2(state: str | None, sub_state: str | None, *, has_target: bool) -> tuple[Status, bool]:
    """The tmkit status and rejected flag of a 2.x state and subState."""
    if sub_state == REJECTED_MARK:
        return _FROM_2.get(state or "", Status.DRAFT), True
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
#: 1.2 says `open` or `close`; some tools write TMX's `begin` and `end` (OmegaT's XLIFF filter tests hold `<it
#: pos="end">`), which were read as the default, `begin`: a closing code turned into an opening one.
_POS_TMX = {"open": "begin", "close": "end", "begin": "begin", "end": "end"}
_ASSOC_12 = {"p": "preceding", "f": "following", "b": "both"}
_ASSOC_TMX = {value: key for key, value in _ASSOC_12.items()}


# XLIFF 1.2 strict allows no attribute outside its own on any element (its wildcards want a schema
# for the namespace), so everything TMX has that 1.2 names otherwise is put in 1.2's own terms:
# the codes' `type` in `ctype` (or `mtype`), a `ut` as a `ph` with its own ctype, ids tmkit made up
# with a prefix, a bpt's `x` in its `id` (its `i` is the `rid`).
_DELIMITER_CTYPES = frozenset({"bold", "italic", "underlined", "link"})
_PLACEHOLDER_CTYPES = frozenset({"image", "pb", "lb"})
#: 1.2's marker types a `hi` of that type is written as; not `seg` (`SEGMENT_MTYPE`): a segment marker is no
#: formatting, and a hi of that type is written under tmkit's own.
_MTYPES = frozenset(
    [
        "abbrev",
        "abbreviated-form",
        "abbreviation",
        "acronym",
        "appellation",
        "collocation",
        "common-name",
        "datetime",
        "equation",
        "expanded-form",
        "formula",
        "head-term",
        "initialism",
        "international-scientific-term",
        "internationalism",
        "logical-expression",
        "materials-management-unit",
        "name",
        "near-synonym",
        "part-number",
        "phrase",
        "phraseological-unit",
        "protected",
        "romanized-form",
        "set-phrase",
        "short-form",
        "sku",
        "standard-text",
        "symbol",
        "synonym",
        "synonymous-phrase",
        "term",
        "transcribed-form",
        "transliterated-form",
        "truncated-term",
        "variant",
    ]
)
_DATATYPES = frozenset(
    [
        "asp",
        "c",
        "cdf",
        "cfm",
        "cpp",
        "csharp",
        "cstring",
        "csv",
        "database",
        "documentfooter",
        "documentheader",
        "filedialog",
        "form",
        "html",
        "htmlbody",
        "ini",
        "interleaf",
        "javaclass",
        "javapropertyresourcebundle",
        "javalistresourcebundle",
        "javascript",
        "jscript",
        "layout",
        "lisp",
        "margin",
        "menufile",
        "messagefile",
        "mif",
        "mimetype",
        "mo",
        "msglib",
        "pagefooter",
        "pageheader",
        "parameters",
        "pascal",
        "php",
        "plaintext",
        "po",
        "report",
        "resources",
        "resx",
        "rtf",
        "sgml",
        "sgmldtd",
        "svg",
        "vbscript",
        "warning",
        "winres",
        "xhtml",
        "xml",
        "xmldtd",
        "xsl",
        "xul",
    ]
)
_STATES_12 = frozenset(_FROM_12)
#: 1.2 states of a target that holds no translation yet.
UNTRANSLATED_STATES_12 = frozenset({"new", "needs-translation"})
#: 1.2's name for a TMX code type where the two differ.
_TMX_TO_12_TYPE = {"ulined": "underlined"}
_12_TO_TMX_TYPE = {value: key for key, value in _TMX_TO_12_TYPE.items()}
#: A TMX value 1.2 has no name for, kept as an `x-` extension value (the value percent-encoded).
TYPE_EXTENSION = "x-tmkit-type-"
DATATYPE_EXTENSION = "x-tmkit-datatype-"
#: The ctype of a `ph` that was a TMX `ut`, and the mtype of a `hi` without a type.
UT_CTYPE = "x-tmkit-ut"
HI_MTYPE = "x-tmkit-hi"
#: The mtype of a 1.2 segment marker (`<mrk mtype="seg" mid="…">` in `<seg-source>` and `<target>`, as Trados and
#: Okapi write them): a sentence boundary, never formatting. Each segment is a unit of its own when read; a TMX `hi`
#: of this type is written under tmkit's own mtype (`MARKER_MTYPE_PREFIX`), so that it is not taken for one.
SEGMENT_MTYPE = "seg"
#: What joins a segmented trans-unit's id and a segment's `mid` into the segment's tuid: Okapi's TMX writer names
#: segment units `ID_sMID` too, and `#N` already means a repeated id in tmkit's 1.2 (`_N` in 2.x, where `#` is not
#: in an NMTOKEN; `_s` is in neither repeat form).
SEGMENT_ID_SEPARATOR = "_s"
#: The mtype of a marker for any other element (its name, then its attributes as a query): `x-tmkit-el:hi?x=3`.
MARKER_MTYPE_PREFIX = "x-tmkit-el:"
#: Ids tmkit makes up for codes without one (TMX ph/it/ut need no `x`), numbered per source and target
#: so that the n-th such code has the same id in both.
AUTO_ID_PREFIX = "tmkit-auto-"
#: A 1.2 context holding a tmkit prop has this context-type, followed by the prop's type (percent-encoded).
PROP_CONTEXT_PREFIX = "x-tmkit-prop:"
#: The context of a 1.2 unit whose id was made up (the memory's unit has no tuid): read back, it has none again.
NO_TUID_CONTEXT = "x-tmkit-no-tuid"
#: What TMX holds that XLIFF has no place of its own for (the attributes of a `<tu>` and of its `<tuv>`s, a variant's
#: props and notes, the `<header>`'s attributes, props, notes and `<ude>`s) goes in the channel tmkit carries props
#: in, one entry a value, keyed `tu:NAME`, `source:NAME` / `target:NAME` (a variant's attribute; `xml:lang` when its
#: tag is not the file's), `source-prop:TYPE`, `source-note` (`source-note:LANG`), and `header:NAME`,
#: `header-prop:TYPE`, `header-note`, `header-ude` for the header: a 1.2 context `x-tmkit-KEY` (in the unit's
#: context-group; the header's in a `<tool>` of the file's `<header>`, whose strict schema takes no context-group
#: of its own), a 2.x `mda:meta` of type KEY in a metaGroup of the category below (the header's in the `<file>`'s).
#: Read back, TMX → XLIFF → TMX gives the units and header as they were.
RECORD_CONTEXT_PREFIX = "x-tmkit-"
RECORD_CATEGORY = "tmkit:tmx"
HEADER_CATEGORY = "tmkit:tmx-header"
HEADER_TOOL_ID = "tmkit-tmx-header"
_RECORD_KEY_RE = re.compile(
    r"(?:tu|source|target|source-prop|target-prop|header|header-prop):.|(?:source|target|header)-note(?::|\Z)|header-ude\Z"
)
#: The `<tu>` attributes a record holds: all that the model names but the tuid, which is the unit's id.
_RECORDED_UNIT_FIELDS = {name: field for name, field in _UNIT_FIELDS.items() if name != "tuid"}
#: The target a unit's `PROVENANCE_PROPS` describe, as TMX markup: a 1.2 context of this type, a 2.x meta of this
#: type in a metaGroup of the category below. Read back, the props hold while the target is still this one (a CAT
#: tool's edit, unlike the editor's, leaves them in place), by the editor's rule (`provenance_holds`).
PRETRANSLATED_TARGET = "x-tmkit-pretranslated-target"
PRETRANSLATED_CATEGORY = "tmkit:pretranslated"
_EXTENSION_RE = re.compile(r"x-\S+\Z")
_NMTOKEN_RE = re.compile(r"[\w.:-]+\Z")


def _extension_value(value: str, allowed: frozenset[str], prefix: str, renamed: dict[str, str] | None = None) -> str:
    """``value`` as a valid 1.2 enumerated value that reads back as ``value`` (``renamed``: TMX → 1.2 names)."""
    renamed = renamed or {}
    candidate = renamed.get(value, value)
    back = {v: k for k, v in renamed.items()}.get(candidate, candidate)
    if (candidate in allowed or _EXTENSION_RE.match(candidate)) and not candidate.startswith(prefix) and back == value:
        return candidate
    return prefix + quote(value, safe="")


def _tmx_value(value: str, prefix: str, from_12: dict[str, str]) -> str:
    if value.startswith(prefix):
        return unquote(value[len(prefix) :])
    return from_12.get(value, value)


def _ctype(tmx_type: str, allowed: frozenset[str]) -> str:
    return _extension_value(tmx_type, allowed, TYPE_EXTENSION, _TMX_TO_12_TYPE)


def _type_of_ctype(ctype: str) -> str:
    return _tmx_value(ctype, TYPE_EXTENSION, _12_TO_TMX_TYPE)


def _auto_id(counter: list[int]) -> str:
    counter[0] += 1
    return f"{AUTO_ID_PREFIX}{counter[0]}"


def _inline_12(parent: Any, parts: tuple[Content, ...], ns: str, counter: list[int], *, in_code: bool = False) -> None:
    """TMX inline content as XLIFF 1.2 inline elements (bpt/ept/ph/it keep their names; ut → ph, hi → mrk)."""
    for part in parts:
        if isinstance(part, str):
            _append_text(parent, part)
            continue
        tmx_type = part.get("type")
        if part.tag in ("bpt", "ept", "ph", "it", "ut"):
            child = etree.SubElement(parent, f"{{{ns}}}{'ph' if part.tag == 'ut' else part.tag}")
            i, x = part.get("i"), part.get("x")
            if part.tag in ("bpt", "ept"):
                # The pair is linked by rid (TMX's i); a bpt's TMX x, if any, is its id.
                child.set("id", f"x{x}" if x is not None and part.tag == "bpt" else (i or _auto_id(counter)))
                if i is not None:
                    child.set("rid", i)
            else:
                child.set("id", x if x is not None else _auto_id(counter))
            if part.tag == "it":
                child.set("pos", _POS_12.get(part.get("pos") or "begin", "open"))
            if part.tag == "ph" and part.get("assoc") in _ASSOC_12:
                child.set("assoc", _ASSOC_12[part.get("assoc") or ""])
            if part.tag == "ut":
                child.set("ctype", UT_CTYPE)
            elif tmx_type and part.tag != "ept":
                child.set("ctype", _ctype(tmx_type, _PLACEHOLDER_CTYPES if part.tag == "ph" else _DELIMITER_CTYPES))
            _inline_12(child, part.content, ns, counter, in_code=True)
        elif part.tag == "sub" and in_code:
            child = etree.SubElement(parent, f"{{{ns}}}sub")
            datatype = part.get("datatype")
            if datatype:
                child.set("datatype", _extension_value(datatype, _DATATYPES, DATATYPE_EXTENSION))
            if tmx_type:
                child.set("ctype", _ctype(tmx_type, _DELIMITER_CTYPES))
            _inline_12(child, part.content, ns, counter, in_code=True)
        else:  # hi, a sub-flow outside a code and foreign wrappers: translatable text in a marker
            child = etree.SubElement(parent, f"{{{ns}}}mrk", mtype=_mtype(part))
            _inline_12(child, part.content, ns, counter, in_code=in_code)


def _mtype(part: Inline) -> str:
    """The 1.2 mtype of a marker standing for ``part``: a hi's type when 1.2 knows it, else tmkit's own."""
    if part.tag == "hi" and not part.attrs:
        return HI_MTYPE
    if part.tag == "hi" and len(part.attrs) == 1 and part.get("type") in _MTYPES:
        return part.get("type") or HI_MTYPE
    # The element and its attributes, in their order, percent-encoded in an x- value.
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in part.attrs)
    return f"{MARKER_MTYPE_PREFIX}{quote(part.tag, safe='')}" + (f"?{query}" if query else "")


def _marker_from_mtype(mtype: str | None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The TMX element and attributes of a 1.2 marker (an mtype tmkit did not write is a hi's type)."""
    if mtype is None or mtype == HI_MTYPE:
        return "hi", ()
    if not mtype.startswith(MARKER_MTYPE_PREFIX):
        return "hi", (("type", _tmx_value(mtype, TYPE_EXTENSION, {})),)
    tag, _, query = mtype[len(MARKER_MTYPE_PREFIX) :].partition("?")
    attrs = tuple((unquote(k), unquote(v)) for k, _, v in (item.partition("=") for item in query.split("&") if item))
    return unquote(tag), attrs


class _Ids2:
    """The ids of one XLIFF 2 source or target: a code's TMX i/x when free, else a made-up one."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.generated = 0
        #: The id each TMX pair's bpt got, for its ept's startRef.
        self.pairs: dict[str, str] = {}

    def take(self, key: str | None) -> str:
        if key is not None and _NMTOKEN_RE.match(key) and key not in self.used:
            self.used.add(key)
            return key
        while True:
            self.generated += 1
            candidate = f"{AUTO_ID_PREFIX}{self.generated}"
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate


def _inline_2(parent: Any, parts: tuple[Content, ...], data: dict[str, str], ids: _Ids2) -> None:
    """TMX inline content as XLIFF 2 sc/ec/ph (native codes go to originalData)."""
    ns = XLIFF2_NS
    for part in parts:
        if isinstance(part, str):
            _append_text(parent, part)
            continue
        if not part.is_code:
            if part.tag == "sub":
                # A sub-flow outside a code (not valid TMX, but read): kept whole as TMX markup on an
                # empty marker, so its text neither joins the sentence nor is lost.
                child = etree.SubElement(parent, f"{{{ns}}}mrk", id=ids.take(None), type="tmkit:sub")
                child.set(CODE_MARKUP_ATTR, segment_to_xml(Segment((part,))))
                continue
            child = etree.SubElement(parent, f"{{{ns}}}mrk", id=ids.take(None), type="tmkit:hi")
            for name, value in part.attrs:  # hi's own attributes (2.x has no place for them), in their order
                if _NMTOKEN_RE.match(name) and ":" not in name:
                    child.set(f"{{{TMKIT_NS}}}{name}", value)
            if part.tag != "hi":
                child.set(f"{{{TMKIT_NS}}}tag", part.tag)
            _inline_2(child, part.content, data, ids)
            continue
        native = _clean(_flat(part.content))
        data_id = f"d{len(data) + 1}"
        data[data_id] = native
        key = part.get("i") if part.tag in ("bpt", "ept") else part.get("x")
        if part.tag == "ept":
            start_ref = ids.pairs.get(key, key) if key is not None else ids.take(None)
            child = etree.SubElement(parent, f"{{{ns}}}ec", startRef=start_ref, dataRef=data_id)
            if key is not None and start_ref != key:
                child.set(f"{{{TMKIT_NS}}}i", key)
        else:
            ident = ids.take(key)
            if part.tag == "bpt":
                child = etree.SubElement(parent, f"{{{ns}}}sc", id=ident, dataRef=data_id)
                if key is not None:
                    ids.pairs[key] = ident
            elif part.tag == "it":
                tag = "ec" if part.get("pos") == "end" else "sc"
                child = etree.SubElement(parent, f"{{{ns}}}{tag}", id=ident, isolated="yes", dataRef=data_id)
            else:
                child = etree.SubElement(parent, f"{{{ns}}}ph", id=ident, dataRef=data_id)
            if key is not None and ident != key:
                child.set(f"{{{TMKIT_NS}}}{'i' if part.tag == 'bpt' else 'x'}", key)
            if part.tag == "bpt" and part.get("x") is not None:
                child.set(f"{{{TMKIT_NS}}}x", part.get("x") or "")
        if part.tag == "ut":
            child.set(f"{{{TMKIT_NS}}}tag", "ut")
        if part.get("type"):
            child.set("type", "fmt" if part.get("type") in ("bold", "italic", "ulined") else "other")
            # subType is prefix:value with no space or colon in the value: the TMX type percent-encoded.
            child.set("subType", f"tmkit:{quote(part.get('type') or '', safe='')}")
        if part.tag == "ph" and part.get("assoc"):
            child.set(f"{{{TMKIT_NS}}}assoc", part.get("assoc") or "")
        if any(isinstance(inner, Inline) for inner in part.content):
            # XLIFF 2 data is flat text, so a code's sub-flows (translatable text inside it) would be
            # lost: the code's TMX markup goes in an extension attribute for tmkit to read back.
            child.set(CODE_MARKUP_ATTR, segment_to_xml(Segment(part.content)))


def _unit_id(tuid: str | None, number: int) -> str:
    """The id a unit wants: its tuid, else its number among the units."""
    return tuid or str(number)


def _wanted_id_2(tuid: str, number: int) -> str:
    """The id a 2.x unit wants: an NMTOKEN, so a tuid that is not one is kept beside a made-up id."""
    return tuid if _NMTOKEN_RE.match(tuid) else f"u{number}"


class _UnitIds:
    """Unit ids unique in a `<file>` (1.2's schema keys them; 2.x requires it): a repeated tuid gets `#N` (2.x `_N`).

    The ids given are remembered by digest (`DigestSet`, 12 bytes an id): for units that can be read only
    once. `_PlannedIds` gives the same ids from a first pass, in bounded memory.
    """

    def __init__(self, separator: str) -> None:
        self.used = DigestSet()
        self.separator = separator

    def take(self, wanted: str) -> str:
        ident, repeat = wanted, 1
        while not self.used.add(digest(ident)):
            repeat += 1
            ident = f"{wanted}{self.separator}{repeat}"
        return ident


#: What the id plan's first sort records of each unit: a digest of the id it wants and its number.
_WANTED_RECORD = DIGEST_BYTES + 8
#: What its second sort records: a key digest, a kind (`_REPEATED` or `_CHILD`), and a root digest (or padding).
_FAMILY_RECORD = 2 * DIGEST_BYTES + 1
_REPEATED, _CHILD = b"\x00", b"\x01"
#: A repeat's number and which repeat it is (2 for the second unit wanting an id).
_RENAMED_RECORD = 16


def _parent_id(ident: str, separator: str) -> str | None:
    """The id ``ident`` would be made from as its Nth repeat (`x` for `x#3`), or None: N ≥ 2, written as `str` does."""
    parent, found, number = ident.rpartition(separator)
    if found and number.isascii() and number.isdigit() and number[0] != "0" and number != "1":
        return parent
    return None


def _root_id(ident: str, separator: str) -> str:
    """``ident`` without every repeat suffix (`x` for `x#2#3`): ids with different roots never meet."""
    while (parent := _parent_id(ident, separator)) is not None:
        ident = parent
    return ident


class _PlannedIds:
    """`_UnitIds`' ids, worked out from a first pass over the ids wanted, in bounded memory.

    `_UnitIds` gives a unit the id it wants unless taken, else the first of `x#2`, `x#3` … not
    taken. Such a made-up id `x#N` can only be taken by a unit that wants `x` or one that wants
    `x#N` itself, so ids of different roots (`_root_id`) never meet. The plan sorts (digest of the
    id wanted, number) of every unit (`RecordSort`, runs in a temporary file in ``folder``): the
    Nth unit to want an id (N ≥ 2) gets `x#N` — unless some unit wants an id `x#M` made from a
    repeated `x`, when `x#N` may be taken. A second sort of (repeated id; parent of each id wanted,
    its root) finds those roots ("tangled"); the units of a tangled root are given ids as
    `_UnitIds` does, by a `DigestSet` of theirs alone (tangles are rare: a memory whose tuids
    include `x`, `x` and `x#2`). Everything else is decided by the sorted stream of repeats read
    beside the second pass, so the memory taken does not grow with the units.
    """

    def __init__(self, wanted_ids: Iterable[str], separator: str, *, folder: str | None) -> None:
        self.separator = separator
        self._tangled_roots: set[bytes] = set()
        self._tangled_ids = _UnitIds(separator)
        self.planned = 0
        self.taken = 0
        with (
            RecordSort(_WANTED_RECORD, folder=folder) as wanted,
            RecordSort(_FAMILY_RECORD, folder=folder) as families,
        ):
            padding = bytes(DIGEST_BYTES)
            for number, ident in enumerate(wanted_ids, 1):
                wanted.add(digest(ident) + number.to_bytes(8, "big"))
                parent = _parent_id(ident, separator)
                if parent is not None:
                    families.add(digest(parent) + _CHILD + digest(_root_id(parent, separator)))
                self.planned = number
            self._renamed = RecordSort(_RENAMED_RECORD, folder=folder)
            try:
                self._plan_repeats(wanted, families, padding)
                self._find_tangles(families)
            except BaseException:
                self._renamed.close()
                raise
        self._renames = sorted_numbers(self._renamed)
        self._next_rename = self._following_rename()

    def _plan_repeats(self, wanted: RecordSort, families: RecordSort, padding: bytes) -> None:
        """Each repeat's number and rank into ``_renamed``; each id wanted more than once into ``families``."""
        import numpy as np

        for numbers, ranks, keys in repeat_places(wanted, DIGEST_BYTES):
            repeats = ranks > 1
            if not repeats.any():
                continue
            records = np.empty((int(repeats.sum()), 2), dtype=">u8")
            records[:, 0] = numbers[repeats]
            records[:, 1] = ranks[repeats]
            self._renamed.add_many(records.tobytes())
            # A key's second record marks it repeated (once, even when its records span blocks).
            for key in keys[ranks == 2].tolist():
                families.add(bytes(key) + _REPEATED + padding)

    def _find_tangles(self, families: RecordSort) -> None:
        """The roots of ids wanted whose parent is an id wanted more than once (sorted together: the repeated
        record of a key comes before its children's)."""
        import numpy as np

        carried: tuple[bytes, bool] | None = None  # the last key of the block before, and whether it is repeated
        for block in families.sorted_blocks():
            fields = np.frombuffer(block.tobytes(), dtype=np.uint8).reshape(-1, _FAMILY_RECORD)
            keys = np.ascontiguousarray(fields[:, :DIGEST_BYTES]).view(f"V{DIGEST_BYTES}").ravel()
            children = fields[:, DIGEST_BYTES] == _CHILD[0]
            starts = np.ones(len(keys), dtype=bool)
            starts[1:] = keys[1:] != keys[:-1]
            index = np.arange(len(keys))
            first_of_key = np.maximum.accumulate(np.where(starts, index, 0))
            repeated = ~children[first_of_key]
            if carried is not None and keys[0].tobytes() == carried[0]:
                repeated[first_of_key == 0] = carried[1]
            carried = (keys[-1].tobytes(), bool(repeated[-1]))
            roots = np.ascontiguousarray(fields[children & repeated, DIGEST_BYTES + 1 :])
            self._tangled_roots.update(bytes(root) for root in roots)

    def close(self) -> None:
        """Remove the plan's temporary file."""
        self._renamed.close()

    def _following_rename(self) -> tuple[int, int]:
        found = next(self._renames, None)
        return (-1, 0) if found is None else (found[0], found[1])

    def take(self, wanted: str) -> str:
        """The id of the next unit, which wants ``wanted`` (the units come in the order the plan read them)."""
        self.taken = number = self.taken + 1
        while 0 <= self._next_rename[0] < number:  # a tangled unit's (it is given its id below)
            self._next_rename = self._following_rename()
        if self._tangled_roots and digest(_root_id(wanted, self.separator)) in self._tangled_roots:
            return self._tangled_ids.take(wanted)
        if self._next_rename[0] == number:
            repeat = self._next_rename[1]
            self._next_rename = self._following_rename()
            return f"{wanted}{self.separator}{repeat}"
        return wanted


def _attribute_entries(
    prefix: str, holder: object, fields: dict[str, str], extra: dict[str, str]
) -> list[tuple[str, str]]:
    """``prefix:NAME`` entries for the TMX attributes of a unit, variant or header that have a value (the model's
    named fields, then the others in file order)."""
    entries = [(f"{prefix}:{name}", value) for name, field in fields.items() if (value := getattr(holder, field))]
    return entries + [(f"{prefix}:{name}", value) for name, value in extra.items()]


def _note_key(prefix: str, note: Note) -> str:
    return f"{prefix}-note" + (f":{note.lang}" if note.lang else "")


def _variant_entries(side: str, variant: Variant, file_lang: str) -> list[tuple[str, str]]:
    """A variant's record: its tag when not the file's language as written, its attributes, props and notes."""
    entries = [(f"{side}:xml:lang", variant.lang)] if variant.lang != file_lang else []
    entries += _attribute_entries(side, variant, _VARIANT_FIELDS, variant.extra_attrs)
    entries += [(f"{side}-prop:{p.type}", p.value) for p in variant.props]
    return entries + [(_note_key(side, n), n.text) for n in variant.notes]


def unit_record(
    unit: TranslationUnit, source: Variant | None, target: Variant | None, *, source_lang: str, target_lang: str
) -> list[tuple[str, str]]:
    """What XLIFF carries of ``unit`` in tmkit's record (see `RECORD_CONTEXT_PREFIX`): its attributes but the tuid,
    and those of its source and (written) target variant."""
    entries = _attribute_entries("tu", unit, _RECORDED_UNIT_FIELDS, unit.extra_attrs)
    if source is not None:
        entries += _variant_entries("source", source, source_lang)
    if target is not None:
        entries += _variant_entries("target", target, target_lang)
    return entries


def _raw_xml(elem: RawElement) -> str:
    built = _built(elem)
    return str(etree.tostring(built, encoding="unicode"))


def _built(elem: RawElement) -> Any:
    built = etree.Element(elem.tag)
    for name, value in elem.attrs:
        built.set(name, value)
    built.extend(_built(child) for child in elem.children)
    return built


def header_record(header: Header, *, source_lang: str) -> list[tuple[str, str]]:
    """What XLIFF carries of a memory's header in tmkit's record: what differs from the header a reader without a
    record makes (`header_from_record`: `Header(srclang=source_lang)`), its props, notes and udes."""
    entries: list[tuple[str, str]] = []
    unsaid = Header(srclang=source_lang)
    for name, field in _HEADER_FIELDS.items():
        value = getattr(header, field)
        if value and value != getattr(unsaid, field):
            entries.append((f"header:{name}", value))
    entries += [(f"header:{name}", value) for name, value in header.extra_attrs.items()]
    entries += [(f"header-prop:{p.type}", p.value) for p in header.props]
    entries += [(_note_key("header", n), n.text) for n in header.notes]
    return entries + [("header-ude", _raw_xml(u)) for u in header.udes]


def is_record_key(key: str) -> bool:
    """Whether ``key`` (a 1.2 context-type less `RECORD_CONTEXT_PREFIX`, unquoted) is one of tmkit's record."""
    return _RECORD_KEY_RE.match(key) is not None


def _set_attribute(holder: object, fields: dict[str, str], extra: dict[str, str], name: str, value: str) -> None:
    field = fields.get(name)
    if field is None:
        extra[name] = value
    else:
        setattr(holder, field, value)


def _apply_variant_entry(variant: Variant, kind: str, rest: str, value: str) -> None:
    if kind == "prop":
        variant.props.append(Prop(rest, value))
    elif kind == "note":
        variant.notes.append(Note(value, lang=rest or None))
    elif rest == "xml:lang":
        variant.lang = value
    else:
        _set_attribute(variant, _VARIANT_FIELDS, variant.extra_attrs, rest, value)


def apply_unit_record(unit: TranslationUnit, entries: list[tuple[str, str]]) -> None:
    """Give a unit read from XLIFF what its record says (`unit_record`); a target entry without a target read (a CAT
    tool emptied it) has nothing to go to."""
    for key, value in entries:
        head, _, rest = key.partition(":")
        side, _, kind = head.partition("-")
        if side == "tu":
            _set_attribute(unit, _RECORDED_UNIT_FIELDS, unit.extra_attrs, rest, value)
        elif side in ("source", "target"):
            index = 0 if side == "source" else 1
            if index < len(unit.variants):
                _apply_variant_entry(unit.variants[index], kind, rest, value)


def header_from_record(entries: list[tuple[str, str]], *, source_lang: str) -> Header:
    """The header a record describes (`header_record`); what it does not say is `Header()`'s."""
    header = Header(srclang=source_lang)
    for key, value in entries:
        head, _, rest = key.partition(":")
        if head == "header":
            _set_attribute(header, _HEADER_FIELDS, header.extra_attrs, rest, value)
        elif head == "header-prop":
            header.props.append(Prop(rest, value))
        elif head == "header-note":
            header.notes.append(Note(value, lang=rest or None))
        elif head == "header-ude":
            try:
                parsed = etree.fromstring(value, etree.XMLParser(**SAFE_XML_OPTIONS))
            except etree.XMLSyntaxError:
                continue  # (not written by tmkit: not a header's ude)
            header.udes.append(_raw_element(parsed))
    return header


def _record_12(group: Any, entries: list[tuple[str, str]]) -> None:
    """Record ``entries`` as contexts of a 1.2 context-group."""
    for key, value in entries:
        context_type = RECORD_CONTEXT_PREFIX + quote(key, safe=":")
        etree.SubElement(group, f"{{{XLIFF12_NS}}}context", **{"context-type": context_type}).text = _clean(value)


def _record_2(metadata: Any, category: str, entries: list[tuple[str, str]]) -> None:
    """Record ``entries`` as the metas of a 2.x metaGroup of ``category`` in ``metadata``."""
    group = etree.SubElement(metadata, f"{{{MDA_NS}}}metaGroup", category=category)
    for key, value in entries:
        etree.SubElement(group, f"{{{MDA_NS}}}meta", type=key).text = _clean(value)


def _props_of(unit: TranslationUnit) -> list[Prop]:
    """The unit's props that XLIFF carries as props: not those it has attributes for (status, `translate="no"`)."""
    locked = not_to_translate(unit)
    return [
        p
        for p in unit.props
        if not p.type.startswith("x-tmkit-status")
        and p.type != "x-tmkit-rejected"
        and not (locked and p.type == TRANSLATE_PROP)
    ]


def _translate_attribute(unit_el: Any, unit: TranslationUnit) -> None:
    """`translate="no"` on a unit's element when the unit is marked so (the attribute of both versions)."""
    if not_to_translate(unit):
        unit_el.set("translate", "no")


def _marked_not_to_translate(unit_el: Any, stop_tag: str) -> bool:
    """Whether a unit's element says `translate="no"`, or else the nearest `<group>` (or 2.x `<file>`) around it that
    says either: the attribute is inherited (2.x says so; 1.2 groups it the same way)."""
    for elem in itertools.chain((unit_el,), unit_el.iterancestors()):
        value = elem.get("translate")
        if value is not None:
            return bool(value.strip() == "no")
        if elem.tag == stop_tag:
            break
    return False


def _with_translate_prop(props: list[Prop], marked: bool) -> list[Prop]:
    """A unit's props read back, `TRANSLATE_PROP` first when its element (or a group) says `translate="no"`."""
    if not marked or any(p.type == TRANSLATE_PROP for p in props):
        return props
    return [Prop(TRANSLATE_PROP, "no"), *props]


def _described_target(unit: TranslationUnit, target: Variant | None) -> str | None:
    """The target a unit's provenance props describe, as TMX markup, when it has them: ``target`` as written (None for
    a `new` unit's, which is no translation)."""
    if target is None or not any(p.type in PROVENANCE_PROPS for p in unit.props):
        return None
    return segment_to_xml(target.segment)


def _state_12(unit: TranslationUnit) -> tuple[str, bool]:
    state, approved = status_to_xliff12(unit.status, rejected=unit.rejected)
    label = unit.status_label
    if label and not unit.rejected and (label in _STATES_12 or _EXTENSION_RE.match(label)):
        state = label
    return state, approved


#: The `original` a written XLIFF file names (the memory has no document of its own).
DEFAULT_ORIGINAL = "tmkit"
#: A comment standing where the units go while the document around them is serialised.
_UNITS_MARKER = "tmkit-units"
#: One level of the indentation of what tmkit writes.
_INDENT = "  "
#: Elements whose content is elements alone (with no text of their own), in either version: each of their children
#: goes on a line of its own, indented. Every other element holds text (a source or target and the codes in it, a
#: note, a context, a code's data, a meta's value), where added whitespace would be read as content: those are never
#: laid out inside, and lxml's pretty_print cannot be used, as it indents before a first child when no text comes
#: before it (a target beginning with a code).
_STRUCTURAL = frozenset(
    f"{{{ns}}}{name}"
    for ns, names in (
        (XLIFF12_NS, ("xliff", "file", "header", "tool", "body", "group", "trans-unit", "context-group")),
        (XLIFF2_NS, ("xliff", "file", "group", "unit", "notes", "originalData", "segment", "ignorable")),
        (MDA_NS, ("metadata", "metaGroup")),
    )
    for name in names
)


def _lay_out(elem: Any, depth: int) -> None:
    """Put each child of ``elem`` (a `_STRUCTURAL` element ``depth`` levels down) on a line of its own, indented,
    and lay out the structural ones among them the same way: each unit, and so each finding `tmkit qa` reports on
    one, gets its own line number. Only the text before a structural element's first child and the tails of its
    children are set: whitespace there is not content (those elements hold no text)."""
    inner = "\n" + _INDENT * (depth + 1)
    elem.text = inner if len(elem) else None
    for child in elem:
        child.tail = inner
        if child.tag in _STRUCTURAL:
            _lay_out(child, depth + 1)
    if len(elem):
        elem[-1].tail = "\n" + _INDENT * depth


def build_xliff12(memory: Memory, *, source_lang: str, target_lang: str, original: str = DEFAULT_ORIGINAL) -> Any:
    """An XLIFF 1.2 document (valid against the OASIS strict schema) of the memory's pairs."""
    root, body = _skeleton_12(
        source_lang=source_lang,
        target_lang=target_lang,
        original=original,
        header=header_record(memory.header, source_lang=source_lang),
    )
    unit_ids = _UnitIds("#")
    for number, unit in enumerate(memory.units, 1):
        _trans_unit_12(body, unit, number, unit_ids, source_lang=source_lang, target_lang=target_lang)
    _lay_out(root, 0)
    return root


def _skeleton_12(
    *, source_lang: str, target_lang: str, original: str, header: list[tuple[str, str]]
) -> tuple[Any, Any]:
    """An XLIFF 1.2 document without units, and the element its units go into; ``header``, the memory's header
    record (`header_record`), in a `<tool>` of the file's `<header>` when it says anything."""
    ns = XLIFF12_NS
    root = etree.Element(f"{{{ns}}}xliff", nsmap={None: ns}, version="1.2")
    file_el = etree.SubElement(
        root,
        f"{{{ns}}}file",
        original=original,
        datatype="plaintext",
        **{"source-language": source_lang, "target-language": target_lang},
    )
    if header:
        header_el = etree.SubElement(file_el, f"{{{ns}}}header")
        tool = etree.SubElement(header_el, f"{{{ns}}}tool", **{"tool-id": HEADER_TOOL_ID, "tool-name": "tmkit"})
        _record_12(etree.SubElement(tool, f"{{{ns}}}context-group", purpose="information"), header)
    return root, etree.SubElement(file_el, f"{{{ns}}}body")


def _trans_unit_12(
    parent: Any,
    unit: TranslationUnit,
    number: int,
    unit_ids: _UnitIds | _PlannedIds,
    *,
    source_lang: str,
    target_lang: str,
) -> Any:
    """The `<trans-unit>` of the ``number``th unit, added to ``parent`` (the `<body>`)."""
    ns = XLIFF12_NS
    src, targets = unit.pair(source_lang, target_lang)  # never a variant as its own translation
    tgt = targets[0] if targets else None
    tuid = _unit_id(unit.tuid, number)
    tu = etree.SubElement(parent, f"{{{ns}}}trans-unit", id=unit_ids.take(tuid))
    if tu.get("id") != tuid:  # a repeated tuid: the id has #N, the tuid itself is the resource name
        tu.set("resname", tuid)
    _translate_attribute(tu, unit)
    # Segments keep their spaces as written; without this a conforming reader may collapse them.
    # (On each unit: the schema gives trans-unit a default of "default", which would win over the file's.)
    tu.set(XML_SPACE, "preserve")
    source = etree.SubElement(tu, f"{{{ns}}}source")
    _inline_12(source, src.segment.content if src else (), ns, [0])
    state, approved = _state_12(unit)
    if approved:
        tu.set("approved", "yes")
    # Every unit has a target: OmegaT translates the text of <target>, and offers only the units that have
    # one, so an untranslated unit's target is a copy of its source marked new (read back as no translation).
    target = etree.SubElement(tu, f"{{{ns}}}target")
    written = tgt if unit.status is not Status.NEW else None
    if written is not None:
        target.set("state", state)
        _inline_12(target, written.segment.content, ns, [0])
        origin = unit.prop_value(ORIGIN_PROP)
        if unit.status is Status.DRAFT and origin:
            match = unit.prop_value(MATCH_PROP)
            exact = match is not None and match.replace(".", "", 1).isdigit() and float(match) >= 100
            target.set("state-qualifier", "exact-match" if exact else "leveraged-tm")
    else:
        target.set("state", "new")
        _inline_12(target, src.segment.content if src else (), ns, [0])
    props = _props_of(unit)
    described = _described_target(unit, written)
    record = unit_record(unit, src, written, source_lang=source_lang, target_lang=target_lang)
    if props or record or not unit.tuid:
        # 1.2 strict has no prop-group: the props are contexts, each typed by its prop's type. (The group
        # has no name: names are unique in a <file>.)
        group = etree.SubElement(tu, f"{{{ns}}}context-group", purpose="information")
        for prop in props:
            context_type = PROP_CONTEXT_PREFIX + quote(prop.type, safe=":")
            context = etree.SubElement(group, f"{{{ns}}}context", **{"context-type": context_type})
            context.text = _clean(prop.value)
        _record_12(group, record)
        if described is not None:
            context = etree.SubElement(group, f"{{{ns}}}context", **{"context-type": PRETRANSLATED_TARGET})
            context.text = described
        if not unit.tuid:  # the id is made up: said so, as the strict schema takes no attribute of tmkit's here
            etree.SubElement(group, f"{{{ns}}}context", **{"context-type": NO_TUID_CONTEXT})
    if unit.rejected:
        note = etree.SubElement(tu, f"{{{ns}}}note", **{"from": "tmkit"})
        # The reviewer's reason in the note too, where a CAT tool shows it (the prop's context is for tmkit to read).
        note.text = rejection_note_12(unit.status, rejection_reason(unit))
    for note in unit.notes:
        note_el = etree.SubElement(tu, f"{{{ns}}}note")
        if note.lang:
            note_el.set(XML_LANG, note.lang)
        note_el.text = _clean(note.text)
    return tu


def build_xliff2(
    memory: Memory, *, source_lang: str, target_lang: str, version: str = "2.1", original: str = DEFAULT_ORIGINAL
) -> Any:
    """An XLIFF 2.x document (valid against the OASIS core and metadata schemas) of the memory's pairs."""
    root, file_el = _skeleton_2(
        source_lang=source_lang,
        target_lang=target_lang,
        version=version,
        original=original,
        header=header_record(memory.header, source_lang=source_lang),
    )
    unit_ids = _UnitIds("_")  # an NMTOKEN: the tuid itself goes in tmkit:tuid
    for number, unit in enumerate(memory.units, 1):
        _unit_2(file_el, unit, number, unit_ids, source_lang=source_lang, target_lang=target_lang)
    _lay_out(root, 0)
    return root


def _skeleton_2(
    *, source_lang: str, target_lang: str, version: str, original: str, header: list[tuple[str, str]]
) -> tuple[Any, Any]:
    """An XLIFF 2.x document without units, and the element its units go into; ``header``, the memory's header
    record (`header_record`), in the `<file>`'s metadata when it says anything."""
    ns = XLIFF2_NS
    root = etree.Element(
        f"{{{ns}}}xliff",
        nsmap={None: ns, "mda": MDA_NS, "tmkit": TMKIT_NS},
        version=version,
        srcLang=source_lang,
        trgLang=target_lang,
    )
    file_el = etree.SubElement(root, f"{{{ns}}}file", id="f1", original=original)
    if header:
        _record_2(etree.SubElement(file_el, f"{{{MDA_NS}}}metadata"), HEADER_CATEGORY, header)
    return root, file_el


def _unit_2(
    parent: Any,
    unit: TranslationUnit,
    number: int,
    unit_ids: _UnitIds | _PlannedIds,
    *,
    source_lang: str,
    target_lang: str,
) -> Any:
    """The `<unit>` of the ``number``th unit, added to ``parent`` (the `<file>`)."""
    ns = XLIFF2_NS
    src, targets = unit.pair(source_lang, target_lang)  # never a variant as its own translation
    tgt = targets[0] if targets else None
    tuid = _unit_id(unit.tuid, number)
    unit_el = etree.Element(f"{{{ns}}}unit", id=unit_ids.take(_wanted_id_2(tuid, number)))
    if not unit.tuid:
        unit_el.set(TUID_ATTR, "")  # the id is made up: read back, the unit has no tuid, as in the memory
    elif unit_el.get("id") != tuid:
        unit_el.set(TUID_ATTR, tuid)
    _translate_attribute(unit_el, unit)
    unit_el.set(XML_SPACE, "preserve")
    if unit.rejected:
        unit_el.set(STATUS_ATTR, unit.status.value)
    props = _props_of(unit)
    written = tgt if unit.status is not Status.NEW else None
    record = unit_record(unit, src, written, source_lang=source_lang, target_lang=target_lang)
    if props or record:
        meta = etree.SubElement(unit_el, f"{{{MDA_NS}}}metadata")
        if props:
            group = etree.SubElement(meta, f"{{{MDA_NS}}}metaGroup", category="tmkit")
            for prop in props:
                etree.SubElement(group, f"{{{MDA_NS}}}meta", type=prop.type).text = _clean(prop.value)
        if record:
            _record_2(meta, RECORD_CATEGORY, record)
        described = _described_target(unit, written)
        if described is not None:  # (a group of its own: a prop may have any type)
            group = etree.SubElement(meta, f"{{{MDA_NS}}}metaGroup", category=PRETRANSLATED_CATEGORY)
            etree.SubElement(group, f"{{{MDA_NS}}}meta", type=PRETRANSLATED_TARGET).text = described
    reason = rejection_reason(unit) if unit.rejected else ""
    if unit.notes or reason:
        notes = etree.SubElement(unit_el, f"{{{ns}}}notes")
        if reason:
            # Where a CAT tool shows it (a subState and a meta are for tmkit): the reviewer's reason, as in 1.2's note.
            note_el = etree.SubElement(notes, f"{{{ns}}}note", category=REJECTED_MARK)
            note_el.text = rejection_note_2(reason)
        for note in unit.notes:
            note_el = etree.SubElement(notes, f"{{{ns}}}note")
            if note.lang:  # (2.x names no language for a note, but takes attributes of other namespaces)
                note_el.set(XML_LANG, note.lang)
            note_el.text = _clean(note.text)
    data: dict[str, str] = {}
    original_data = etree.SubElement(unit_el, f"{{{ns}}}originalData")
    segment = etree.SubElement(unit_el, f"{{{ns}}}segment")
    state, sub_state = status_to_xliff2(unit.status, rejected=unit.rejected)
    segment.set("state", state)
    if sub_state:
        segment.set("subState", sub_state)
    source = etree.SubElement(segment, f"{{{ns}}}source")
    _inline_2(source, src.segment.content if src else (), data, _Ids2())
    if tgt is not None and unit.status is not Status.NEW:
        target = etree.SubElement(segment, f"{{{ns}}}target")
        _inline_2(target, tgt.segment.content, data, _Ids2())
    if data:
        for data_id, native in data.items():
            etree.SubElement(original_data, f"{{{ns}}}data", id=data_id).text = native
    else:
        unit_el.remove(original_data)
    parent.append(unit_el)
    return unit_el


def write_xliff(
    path: str | os.PathLike[str],
    memory: Memory | None = None,
    *,
    units: Iterable[TranslationUnit] | None = None,
    tuids_for_ids: Iterable[str | None] | None = None,
    source_lang: str,
    target_lang: str,
    version: str = DEFAULT_XLIFF_VERSION,
    original: str = DEFAULT_ORIGINAL,
    header: Header | None = None,
) -> int:
    """Write the ``source_lang``→``target_lang`` pairs of ``memory`` (or of a stream of ``units``) as XLIFF, its
    `<file>` named ``original`` (the document a job was made from, so the file returned can be tied to it), with what
    the memory's ``header`` (else ``memory``'s) says that XLIFF has no place for in tmkit's record (`header_record`).

    Written atomically, a unit at a time as it comes (a streamed input is never held whole: issue 13),
    the same bytes as serialising the whole document `build_xliff12`/`build_xliff2` makes. An id must be
    unique in its file: given ``tuids_for_ids``, the tuid of each of the units in order (None for none; from a first
    reading of the file), the ids are planned from them in bounded memory (`_PlannedIds`, its sort spilling beside
    ``path``), and units that differ in number from them raise `InputError` (nothing is written);
    without, the ids given are remembered (`_UnitIds`, 12 bytes a unit). Returns the units written.
    """
    if version not in XLIFF_VERSIONS:
        raise InputError(f"XLIFF version {version!r} is not one of {', '.join(XLIFF_VERSIONS)}")
    if os.fspath(path).lower().endswith(SDLXLIFF_SUFFIX):
        # Trados reads an SDLXLIFF by the file-type and tag definitions its own writer put in: tmkit's XLIFF 1.2 is
        # none. One from Trados is translated and written back (`tmkit edit`, `tmkit finish`), never made.
        raise InputError(
            "tmkit writes XLIFF (.xlf, .xliff), not a new SDLXLIFF: translate Trados's own file with tmkit edit",
            path=path,
        )
    if memory is not None:
        units = memory.units
        header = header or memory.header
    if units is None:
        raise TypeError("write_xliff needs a memory or units")
    header_entries = header_record(header, source_lang=source_lang) if header is not None else []
    separator = "#" if version == "1.2" else "_"
    unit_ids: _UnitIds | _PlannedIds = _UnitIds(separator)
    if tuids_for_ids is not None:
        wanted = (_unit_id(tuid, number) for number, tuid in enumerate(tuids_for_ids, 1))
        if version != "1.2":
            wanted = (_wanted_id_2(tuid, number) for number, tuid in enumerate(wanted, 1))
        unit_ids = _PlannedIds(wanted, separator, folder=os.path.dirname(os.path.realpath(os.fspath(path))) or ".")
    try:
        return _write_units(
            path,
            units,
            unit_ids,
            source_lang=source_lang,
            target_lang=target_lang,
            version=version,
            original=original,
            header=header_entries,
        )
    finally:
        if isinstance(unit_ids, _PlannedIds):
            unit_ids.close()


def _write_units(
    path: str | os.PathLike[str],
    units: Iterable[TranslationUnit],
    unit_ids: _UnitIds | _PlannedIds,
    *,
    source_lang: str,
    target_lang: str,
    version: str,
    original: str,
    header: list[tuple[str, str]],
) -> int:
    """`write_xliff`'s writing pass, its ids given by ``unit_ids``, the header record ``header``."""
    if version == "1.2":
        root, container = _skeleton_12(
            source_lang=source_lang, target_lang=target_lang, original=original, header=header
        )
        add_unit = _trans_unit_12
    else:
        root, container = _skeleton_2(
            source_lang=source_lang, target_lang=target_lang, version=version, original=original, header=header
        )
        add_unit = _unit_2
    # The document around the units, split where they go, laid out as `_lay_out` lays out the whole document.
    marker = etree.Comment(_UNITS_MARKER)
    container.append(marker)
    _lay_out(root, 0)
    head, tail = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False).split(
        f"<!--{_UNITS_MARKER}-->".encode()
    )
    # What stands between two units in the whole document: a line end and the units' indentation.
    between = str(container.text).encode()
    depth = sum(1 for _ in container.iterancestors()) + 1  # the units'
    container.remove(marker)
    stream = iter(units)
    first = next(stream, None)
    if first is None:  # no units: lxml writes their parent empty (`<body/>`), as the whole tree has it
        _lay_out(root, 0)
        head, tail = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False), b""
    else:
        stream = itertools.chain((first,), stream)
    inherited = _namespace_declarations(root)
    written = 0
    with atomic_write(path, binary=True) as handle:
        handle.write(head)
        for number, unit in enumerate(stream, 1):
            element = add_unit(container, unit, number, unit_ids, source_lang=source_lang, target_lang=target_lang)
            _lay_out(element, depth)
            if number > 1:
                handle.write(between)
            xml = etree.tostring(element, encoding="UTF-8", with_tail=False)
            handle.write(_without_declarations(xml, inherited))
            container.remove(element)  # the tree stays one unit deep
            written = number
        if isinstance(unit_ids, _PlannedIds) and written != unit_ids.planned:
            raise InputError(f"read {written:,} units, {unit_ids.planned:,} a moment before: changed while written")
        handle.write(tail)
        handle.write(b"\n")
    return written


_DECLARATIONS_RE = re.compile(rb"^<[^\s/>]+((?: xmlns(?::[^\s=]+)?=\"[^\"]*\")+)")
_DECLARATION_RE = re.compile(rb' xmlns(?::[^\s=]+)?="[^"]*"')


def _namespace_declarations(root: Any) -> frozenset[bytes]:
    """The namespace declarations on ``root`` as lxml spells them, in scope for every unit."""
    return frozenset(
        (f' xmlns="{uri}"' if prefix is None else f' xmlns:{prefix}="{uri}"').encode()
        for prefix, uri in root.nsmap.items()
    )


def _without_declarations(xml: bytes, inherited: frozenset[bytes]) -> bytes:
    """A unit serialised on its own, less the declarations it inherits in the document.

    lxml repeats on an element serialised alone the in-scope declarations it uses, right after its
    name; in the whole document they are the root's, so they go (its own declarations stay).
    """
    found = _DECLARATIONS_RE.match(xml)
    if found is None:
        return xml
    kept = b"".join(d for d in _DECLARATION_RE.findall(found.group(1)) if d not in inherited)
    return xml[: found.start(1)] + kept + xml[found.end(1) :]


# -- reading ----------------------------------------------------------------------------------


def _local(elem: Any) -> str:
    tag: str = elem.tag  # "{namespace}name" or "name"
    return tag[tag.find("}") + 1 :]


class _PairNumbers:
    """TMX `i`s for 1.2 `g` pairs: one per (id, occurrence) in a unit, the same in its source and target.

    Trados repeats a `g` id within a segment (`<g id="1">` twice); each TMX pair needs its own `i`.
    """

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, int], str] = {}
        self.used: set[str] = set()
        self.seen: dict[str, int] = {}

    def start_side(self) -> None:
        """Count occurrences afresh: the source's second `g id="1"` is the target's second one."""
        self.seen = {}

    def number(self, ident: str) -> str:
        occurrence = self.seen.get(ident, 0)
        self.seen[ident] = occurrence + 1
        key = (ident, occurrence)
        if key not in self.numbers:
            number = ident if ident.isdigit() and ident not in self.used else None
            if number is None:
                candidate = 1
                while str(candidate) in self.used:
                    candidate += 1
                number = str(candidate)
            self.used.add(number)
            self.numbers[key] = number
        return self.numbers[key]


_ATTR_ORDER = {"i": 0, "x": 1, "pos": 2, "type": 3, "assoc": 4}


def _code_attrs_12(child: Any, tag: str) -> tuple[str, list[tuple[str, str]]]:
    """The TMX tag and attributes of a 1.2 bpt/ept/ph/it, as tmkit writes them and as other tools do."""
    ident, rid = child.get("id"), child.get("rid")
    legacy_generated = child.get(f"{{{TMKIT_NS}}}id") == "generated"  # files of tmkit before 1.2 strict
    tmx_tag = child.get(f"{{{TMKIT_NS}}}tag") or tag
    ctype = child.get("ctype")
    attrs: dict[str, str] = {}
    if tag in ("bpt", "ept"):
        attrs["i"] = rid or ident or "1"
        if tag == "bpt" and rid and ident and ident != rid and ident.startswith("x"):
            attrs["x"] = ident[1:]
    elif ident and not legacy_generated and not ident.startswith(AUTO_ID_PREFIX):
        attrs["x"] = ident
    if tag == "it":
        attrs["pos"] = _POS_TMX.get(child.get("pos") or "open", "begin")
    if ctype == UT_CTYPE and tag == "ph":
        tmx_tag = "ut"
    elif ctype and tag != "ept":
        attrs["type"] = _type_of_ctype(ctype)
    if tag == "ph" and child.get("assoc"):
        attrs["assoc"] = _ASSOC_TMX.get(child.get("assoc"), child.get("assoc"))
    for name, value in child.attrib.items():
        qname = etree.QName(name)
        if qname.namespace == TMKIT_NS and qname.localname not in ("id", "tag"):
            attrs[qname.localname] = value
    return tmx_tag, sorted(attrs.items(), key=lambda kv: _ATTR_ORDER.get(kv[0], 9))


def _content_12(elem: Any, path: str, pairs: _PairNumbers) -> list[Content]:
    parts: list[Content] = []
    if elem.text:
        parts.append(elem.text)
    for child in elem:
        if not isinstance(child.tag, str):
            if isinstance(child, etree._Entity):
                raise InputError(f"entity reference &{child.name}; is not allowed", path=path, line=child.sourceline)
            continue
        tag = _local(child)
        inner = tuple(_content_12(child, path, pairs))
        ident = child.get("id") or "1"
        # The kind of code a g, bx or x stands for (bold, a line break) is TMX's type; an ept has none.
        kind = (("type", _type_of_ctype(child.get("ctype"))),) if child.get("ctype") else ()
        if tag == "g":  # a paired code without native data: bpt/ept around its text
            number = pairs.number(ident)
            parts.append(Inline("bpt", (("i", number), *kind)))
            parts.extend(inner)
            parts.append(Inline("ept", (("i", number),)))
        elif tag == "bx":
            parts.append(Inline("bpt", (("i", child.get("rid") or ident), *kind)))
        elif tag == "ex":
            parts.append(Inline("ept", (("i", child.get("rid") or ident),)))
        elif tag == "x":
            parts.append(Inline("ph", (("x", ident), *kind)))
        elif tag in ("bpt", "ept", "ph", "it"):
            tmx_tag, attrs = _code_attrs_12(child, tag)
            if tmx_tag == "bpt":
                pairs.used.add(dict(attrs)["i"])
            parts.append(Inline(tmx_tag, tuple(attrs), normalize_content(inner)))
        elif tag == "sub":
            sub_attrs: list[tuple[str, str]] = []
            if child.get("ctype"):
                sub_attrs.append(("type", _type_of_ctype(child.get("ctype"))))
            if child.get("datatype"):
                sub_attrs.append(("datatype", _tmx_value(child.get("datatype"), DATATYPE_EXTENSION, {})))
            for name, value in child.attrib.items():  # tmkit's files before 1.2 strict
                qname = etree.QName(name)
                if qname.namespace == TMKIT_NS:
                    sub_attrs.append((qname.localname, value))
            parts.append(Inline("sub", tuple(sub_attrs), normalize_content(inner)))
        elif tag == "mrk" and child.get("mtype") == SDL_DELETED_MTYPE:
            pass  # (Trados's tracked deletion: not the translation, as Trados shows it with the changes accepted)
        elif tag == "mrk" and child.get("mtype") == SDL_ADDED_MTYPE:
            parts.extend(inner)  # (Trados's tracked insertion: the translation's own text and codes)
        elif tag == "mrk" and child.get("mtype") == SEGMENT_MTYPE:
            # A segment boundary where the unit is not read a segment at a time (a target segmented where its source
            # is not, a file of an older tmkit): its sentence is text of the unit, not a highlight.
            parts.extend(inner)
        elif tag == "mrk":
            marker_tag, marker_attrs = _marker_from_mtype(child.get("mtype"))
            parts.append(Inline(marker_tag, marker_attrs, normalize_content(inner)))
        else:
            parts.extend(inner)
        if child.tail:
            parts.append(child.tail)
    return parts


def _tmkit_attr(elem: Any, name: str) -> str | None:
    value: str | None = elem.get(f"{{{TMKIT_NS}}}{name}")
    return value


def _code_key(child: Any, name: str, ident: str | None) -> list[tuple[str, str]]:
    """A 2.x code's TMX i or x: the one tmkit kept beside a changed id, else the id unless tmkit made it up."""
    kept = _tmkit_attr(child, name)
    if kept is not None:
        return [(name, kept)]
    if ident is None or ident.startswith(AUTO_ID_PREFIX):
        return []
    return [(name, ident)]


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
        type_attr: list[tuple[str, str]] = []
        sub_type = child.get("subType") or ""
        if sub_type.startswith("tmkit:"):
            type_attr = [("type", unquote(sub_type[len("tmkit:") :]))]
        code_content: tuple[Content, ...] = (native,) if native else ()
        markup = child.get(CODE_MARKUP_ATTR)
        if markup is not None:
            code_content = _code_markup(markup, path, child.sourceline)
        ident = child.get("id")
        if tag == "ph":
            attrs = [*_code_key(child, "x", ident), *type_attr]
            if _tmkit_attr(child, "assoc"):
                attrs.append(("assoc", _tmkit_attr(child, "assoc") or ""))
            if _tmkit_attr(child, "tag") == "ut":
                parts.append(Inline("ut", tuple(attrs), code_content))
            else:
                parts.append(Inline("ph", tuple(attrs), code_content))
        elif tag in ("sc", "ec") and child.get("isolated") == "yes":
            pos = ("pos", "begin" if tag == "sc" else "end")
            parts.append(Inline("it", (*_code_key(child, "x", ident), pos, *type_attr), code_content))
        elif tag == "sc":
            extra = [("x", _tmkit_attr(child, "x") or "")] if _tmkit_attr(child, "x") is not None else []
            parts.append(Inline("bpt", (*_code_key(child, "i", ident), *extra, *type_attr), code_content))
        elif tag == "ec":
            key = _tmkit_attr(child, "i") or child.get("startRef") or ident or "1"
            parts.append(Inline("ept", (("i", key),), code_content))
        elif tag == "pc":
            ident = ident or "1"
            start = data.get(child.get("dataRefStart") or "", "")
            end = data.get(child.get("dataRefEnd") or "", "")
            parts.append(Inline("bpt", (("i", ident),), (start,) if start else ()))
            parts.extend(_content_2(child, data, path))
            parts.append(Inline("ept", (("i", ident),), (end,) if end else ()))
        elif tag == "mrk" and child.get("type") == "tmkit:sub" and markup is not None:
            parts.extend(code_content)  # a sub-flow tmkit kept whole on an empty marker
        elif tag == "mrk":
            inner = normalize_content(_content_2(child, data, path))
            hi_attrs = [
                (etree.QName(name).localname, value)
                for name, value in child.attrib.items()
                if etree.QName(name).namespace == TMKIT_NS and etree.QName(name).localname not in ("tag", "code")
            ]
            parts.append(Inline(_tmkit_attr(child, "tag") or "hi", tuple(hi_attrs), inner))
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


def _paired_codes(parts: Iterable[Content]) -> Iterator[Inline]:
    """The bpt and ept of ``parts`` in document order, in markers too (not in a code's own content)."""
    for part in parts:
        if isinstance(part, Inline) and part.tag in ("bpt", "ept"):
            yield part
        elif isinstance(part, Inline) and not part.is_code:
            yield from _paired_codes(part.content)


def _isolating(parts: list[Content]) -> list[Content]:
    """``parts`` with each bpt lacking its ept, or ept lacking its bpt, made the TMX `it` it is.

    A 1.2 pair (`bx`/`ex`, `bpt`/`ept`) may open in one segment and close in the next (Matecat's DOCX files), and a
    segment is a unit of its own: its half alone is an isolated code, else TMX and XLIFF 1.2 refuse the unit.
    """
    codes = list(_paired_codes(parts))
    unpaired: set[int] = set()
    open_at: dict[str | None, list[int]] = {}
    for number, code in enumerate(codes):
        if code.tag == "bpt":
            open_at.setdefault(code.get("i"), []).append(number)
        elif open_at.get(code.get("i")):
            open_at[code.get("i")].pop()
        else:
            unpaired.add(number)
    unpaired.update(number for numbers in open_at.values() for number in numbers)
    if not unpaired:
        return parts
    counter = itertools.count()

    def rebuilt(part: Content) -> Content:
        if isinstance(part, Inline) and part.tag in ("bpt", "ept"):
            if next(counter) not in unpaired:
                return part
            kept = [(k, v) for k, v in part.attrs if k == "type"]
            ident = part.get("x") or part.get("i") or "1"
            pos = "begin" if part.tag == "bpt" else "end"
            return Inline("it", (("x", ident), ("pos", pos), *kept), part.content)
        if isinstance(part, Inline) and not part.is_code:
            return Inline(part.tag, part.attrs, tuple(rebuilt(p) for p in part.content))
        return part

    return [rebuilt(part) for part in parts]


def unsupported_version(namespace: str, version: str) -> str | None:
    """Why the version of the document (its `version`, its namespace) is not one tmkit reads, if it is not.

    Said first: a document of another version read as 1.2 or 2.x fails on whatever that version changed (a
    `<file>` without source-language), which hides the cause.
    """
    readable = f"tmkit reads XLIFF {', '.join(READ_VERSIONS_1 + READ_VERSIONS_2[:-1])} and {READ_VERSIONS_2[-1]}"
    if version and version not in READ_VERSIONS_1 + READ_VERSIONS_2:
        return f"XLIFF version {version} is not supported: {readable}"
    named = namespace[len(XLIFF_NS_PREFIX) :] if namespace.startswith(XLIFF_NS_PREFIX) else None
    if named is not None and namespace not in _NAMESPACE_VERSIONS:
        return f"XLIFF version {named} (namespace {namespace}) is not supported: {readable}"
    if version and version not in _NAMESPACE_VERSIONS.get(namespace, (version,)):
        return f"version {version} with the namespace of XLIFF {named} ({namespace}): the two must agree"
    return None


class XliffReader:
    """Reads the units of an XLIFF 1.2 or 2.x file one at a time, in bounded memory.

    `languages` reads only the start of the file: the source and target language of the first
    `<file>` (1.2) or of `<xliff>` (2.x), known before any unit; a file that names no target (an Angular
    extraction, sources only) translates into the other language of tmkit's pair, never its source's.
    Iterating yields the units as `TranslationUnit`s, each element freed once read; every iteration reads
    the file afresh.
    Malformed XML, a DTD declaring entities, a root other than `<xliff>` and units tmkit cannot read
    raise `InputError` naming file, line and column.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self.version: str | None = None
        self.source_lang: str | None = None
        self.target_lang: str | None = None
        self.units_read = 0
        #: Segmented units (read a unit a segment) with text or codes outside their segments, which no unit
        #: holds: known once the units are read, for a conversion to say so.
        self.outside_segments = 0
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

    def _entity_line(self) -> int:
        """The line of the document's first entity declaration (read again from its start: the DTD is there)."""
        try:
            with open(self.path, "rb") as head:
                return entity_declaration_line(head.read(ENTITY_SEARCH_BYTES))
        except OSError:
            return 1

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

    def header(self) -> Header:
        """The memory header tmkit recorded in the first `<file>` (`header_record`: what a TMX header held that XLIFF
        has no place for), else a header of the file's source language; read from the start of the file, up to its
        first unit."""
        source_lang, _ = self.languages()
        with self._open() as handle:
            try:
                entries = self._header_entries(handle)
            except (etree.XMLSyntaxError, UnicodeDecodeError, LookupError, OSError) as exc:
                raise self._reading_error(exc) from None
        return header_from_record(entries, source_lang=source_lang)

    def _header_entries(self, handle: BinaryIO) -> list[tuple[str, str]]:
        """The header record of the first `<file>`: 1.2 in tmkit's `<tool>` of its `<header>`, 2.x in a metaGroup of
        its own metadata; both come before any unit, where reading stops."""
        etree.clear_error_log()
        names = XliffNames(self._namespace or "")
        stops = {names.unit, names.trans_unit, names.group, names.q("body")}
        context = etree.iterparse(handle, events=("start", "end"), **SAFE_XML_OPTIONS)
        for event, elem in context:
            if event == "start":
                if elem.tag in stops:
                    break
            elif elem.tag == names.q("tool") and elem.get("tool-id") == HEADER_TOOL_ID:
                found = []
                for context_el in elem.iter(names.context):
                    key = unquote((context_el.get("context-type") or "")[len(RECORD_CONTEXT_PREFIX) :])
                    if is_record_key(key):
                        found.append((key, context_el.text or ""))
                return found
            elif elem.tag == f"{{{MDA_NS}}}metaGroup" and elem.get("category") == HEADER_CATEGORY:
                metadata = elem.getparent()
                if metadata is not None and metadata.getparent() is not None and metadata.getparent().tag == names.file:
                    return [
                        (m.get("type") or "", m.text or "")
                        for m in elem.iter(MDA_META)
                        if is_record_key(m.get("type") or "")
                    ]
            elif elem.tag == names.file:
                break
        return []

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
                    raise self._error(
                        "an entity declaration (XLIFF needs none): refused for safety", self._entity_line()
                    )
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
                    self.source_lang = source_lang
                    self.target_lang = elem.get("target-language") or other_language(source_lang)
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
        unsupported = self._unsupported_version()
        if unsupported is not None:
            return self._error(unsupported, root.sourceline)
        if not self._is_2:
            return None
        source_lang = root.get("srcLang")
        if not source_lang:
            return self._error("<xliff> has no srcLang", root.sourceline)
        self.source_lang, self.target_lang = source_lang, root.get("trgLang") or other_language(source_lang)
        return None

    def _unsupported_version(self) -> str | None:
        return unsupported_version(self._namespace or "", self.version or "")

    @property
    def _is_2(self) -> bool:
        return self._namespace == XLIFF2_NS or (self.version or "").startswith("2")

    def __iter__(self) -> Iterator[TranslationUnit]:
        source_lang, target_lang = self.languages()
        read_units = _read_units_2 if self._is_2 else _read_units_12
        names = XliffNames(self._namespace or "")
        unit_tag = names.unit if self._is_2 else names.trans_unit
        self.units_read = 0
        self.outside_segments = 0
        # Each unit's (file, id) hash and place, to find an id repeated in its <file> once the file is read.
        ids = RepeatedHashes(held=_IDS_HELD, spill_records=_IDS_HELD)
        with self._open() as handle, ids:
            etree.clear_error_log()
            context = etree.iterparse(handle, events=("end",), tag=unit_tag, **SAFE_XML_OPTIONS)
            try:
                checked_file = 0
                for place, (elem, file_el, file_number) in enumerate(_placed_units(context, names.file)):
                    if file_number != checked_file and file_el is not None and not self._is_2:
                        checked_file = file_number
                        self._check_file_languages(file_el)
                    units, outside = read_units(elem, names, source_lang, target_lang, self.path)
                    self.outside_segments += outside
                    ident = elem.get("id")
                    if ident is not None:
                        ids.add(hash((file_number, ident)), place)
                    # Unit ids are unique only within their <file>: those of a second and later file are
                    # qualified by it (remembering no ids keeps the memory bounded).
                    if file_el is not None and file_number > 1:
                        for unit in units:
                            if unit.tuid is not None:
                                unit.tuid = f"{_file_key(file_el)}/{unit.tuid}"
                    _free(elem)
                    for unit in units:  # (the units of one trans-unit: one a segment at most)
                        self.units_read += 1
                        yield unit
            except (etree.XMLSyntaxError, UnicodeDecodeError, LookupError, OSError) as exc:
                raise self._reading_error(exc) from None
            # The first units (by place, at most `_CANDIDATES`) whose hash an earlier unit has, each with the place
            # of the first unit of its hash.
            candidates = heapq.nsmallest(_CANDIDATES, ids.repeats())
        if candidates:
            error = self._repeated_id_error(candidates, unit_tag=unit_tag, file_tag=names.file)
            if error is not None:
                raise error

    def _check_file_languages(self, file_el: Any) -> None:
        """Refuse a 1.2 `<file>` of units in another language pair than the one read (the first `<file>`'s): its
        units would be stored under languages that are not theirs (a French translation as Arabic)."""
        assert self.source_lang is not None and self.target_lang is not None
        source_lang = file_el.get("source-language") or self.source_lang
        target_lang = file_el.get("target-language") or self.target_lang
        if not (same_language(source_lang, self.source_lang) and same_language(target_lang, self.target_lang)):
            raise self._error(
                f'<file original="{file_el.get("original") or ""}"> is {source_lang} → {target_lang}, the first '
                f"<file> {self.source_lang} → {self.target_lang}: tmkit reads one language pair a file",
                file_el.sourceline,
            )

    def _repeated_id_error(
        self, candidates: list[tuple[int, int]], *, unit_tag: str, file_tag: str
    ) -> InputError | None:
        """The error for the first unit of ``candidates`` that repeats an id of its `<file>`, or None when none does.

        Each candidate is a unit's place (0 for the first) and the place of the first unit of its (file, id) hash
        (`RepeatedHashes.repeats`). The first reading kept no id: the file is read again up to the last of them,
        the ids of each candidate's hash kept from its first unit on, so two ids of one hash are told apart.
        """
        repeats = {place for place, _ in candidates}
        firsts = {first for _, first in candidates}
        last = max(repeats)
        hashes: set[int] = set()
        lines: dict[tuple[int, str], int] = {}  # the line of the first unit of each (file, id) of those hashes
        with self._open() as handle:
            etree.clear_error_log()
            context = etree.iterparse(handle, events=("end",), tag=unit_tag, **SAFE_XML_OPTIONS)
            try:
                for place, (elem, _file_el, file_number) in enumerate(_placed_units(context, file_tag)):
                    ident = elem.get("id")
                    key = (file_number, ident or "")
                    if ident is not None and place in firsts:
                        hashes.add(hash(key))
                    if ident is not None and hash(key) in hashes:
                        if place in repeats and key in lines:
                            return self._error(
                                f'<{_local(elem)} id="{ident}"> repeats the id of the one at line {lines[key]}: '
                                "ids must be unique within a <file>",
                                elem.sourceline,
                            )
                        lines.setdefault(key, elem.sourceline or 0)
                    _free(elem)
                    if place >= last:
                        break
            except (etree.XMLSyntaxError, UnicodeDecodeError, LookupError, OSError) as exc:
                raise self._reading_error(exc) from None
        return None


def _placed_units(context: Any, file_tag: str) -> Iterator[tuple[Any, Any, int]]:
    """Each unit element of an iterparse ``context``, with its `<file>` (None outside one) and the number of that
    file among those read (1 for the first)."""
    file_el: Any = None
    last_parent: Any = None
    number = 0
    for _event, elem in context:
        parent = elem.getparent()
        if parent is not last_parent:  # a unit's file is its parent's whenever the parent is too
            last_parent = parent
            found = next(elem.iterancestors(file_tag), None)
            # Held in file_el: lxml gives this same object for the element while it is held.
            if found is not file_el or number == 0:
                file_el, number = found, number + 1
        yield elem, file_el, number


#: Ids a reading holds (a hash and a place, 16 bytes each: 1 MB) before they are sorted into a run on disk,
#: and the records its sort holds before writing them: a quarter of `RecordSort`'s default, with which converting a
#: 300,000-unit XLIFF to TMX peaked at 67 MB, not 47 (28 without the check).
_IDS_HELD = 1 << 16
#: The repeats of a hash (first in the file first) a reading reads the file again for: unless
#: as many pairs of ids before the first true repeat share a 64-bit hash, it is among them.
_CANDIDATES = 64


def _file_key(file_el: Any) -> str:
    """The name of a `<file>`: its id (2.x), else its `original` (1.2), else its line."""
    return str(file_el.get("id") or file_el.get("original") or f"file@{file_el.sourceline}")


#: Elements kept when the units before them are freed: the notes of files and groups, read with each unit.
_KEPT_LOCAL_NAMES = frozenset({"notes", "note", "header"})


def _free(elem: Any) -> None:
    """Drop a unit just read and all before it but file and group notes, so memory stays bounded.

    Notes come before the units of their file or group, so freeing stops at the first one kept.
    """
    elem.clear(keep_tail=False)
    node = elem
    while (parent := node.getparent()) is not None:
        while (previous := node.getprevious()) is not None:
            if isinstance(previous.tag, str) and _local(previous) in _KEPT_LOCAL_NAMES:
                if _local(previous) == "header" and len(previous):  # a 1.2 header's skeleton can be large
                    for child in list(previous):
                        if not (isinstance(child.tag, str) and _local(child) == "note"):
                            previous.remove(child)
                break
            parent.remove(previous)
        node = parent


class XliffNames:
    """The qualified element names of one document's namespace, computed once per file."""

    __slots__ = (
        "context",
        "context_group",
        "data",
        "file",
        "group",
        "header",
        "ignorable",
        "mrk",
        "note",
        "notes",
        "notes_cache",
        "ns",
        "prop_group",
        "seg_source",
        "segment",
        "source",
        "target",
        "trans_unit",
        "unit",
    )

    def __init__(self, ns: str) -> None:
        self.ns = ns
        self.unit, self.trans_unit = self.q("unit"), self.q("trans-unit")
        self.segment, self.ignorable = self.q("segment"), self.q("ignorable")
        self.source, self.target = self.q("source"), self.q("target")
        self.seg_source, self.mrk = self.q("seg-source"), self.q("mrk")
        self.note, self.data = self.q("note"), self.q("data")
        self.context_group, self.context, self.prop_group = (
            self.q("context-group"),
            self.q("context"),
            self.q("prop-group"),
        )
        self.file, self.group, self.header, self.notes = (
            self.q("file"),
            self.q("group"),
            self.q("header"),
            self.q("notes"),
        )
        #: The parent of the last unit read and the notes around it: the units of one group share them.
        self.notes_cache: tuple[Any, tuple[Note, ...]] = (None, ())

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}" if self.ns else name

    @property
    def is_2(self) -> bool:
        return self.ns == XLIFF2_NS


def unit_notes(unit_el: Any, names: XliffNames) -> list[Note]:
    """A unit's notes as tmkit reads them: those of the `<file>` (a 1.2 header's) and `<group>`s around it, outermost
    first, then its own (not tmkit's rejection mark), wherever they sit in it (a 2.x `<notes>`, a 1.2 unit)."""
    found = unit_el.iter(names.note) if names.is_2 else unit_el.iterchildren(names.note)  # (not alt-trans notes)
    own = [
        _note(n)
        for n in found
        if not is_rejection_note(n)  # (2.x: the reviewer's reason, which a meta carries)
    ]
    return _inherited_notes(unit_el, names) + own


def read_xliff(path: str | os.PathLike[str]) -> tuple[Memory, str, str]:
    """Read a whole XLIFF 1.2 or 2.x file: a memory of its units, its source and its target language.

    Callers that only go through the units once iterate an `XliffReader` instead.
    """
    reader = XliffReader(path)
    source_lang, target_lang = reader.languages()
    units = list(reader)
    return Memory(reader.header(), units), source_lang, target_lang


def _props_12(tu: Any, names: XliffNames) -> tuple[list[Prop], str | None, list[tuple[str, str]]]:
    """A 1.2 unit's props, the target its provenance props describe (`PRETRANSLATED_TARGET`) if recorded, and tmkit's
    record of what TMX had (`unit_record`)."""
    out: list[Prop] = []
    described: str | None = None
    record: list[tuple[str, str]] = []
    for group in tu.iterchildren(names.context_group, names.prop_group):
        if group.tag == names.prop_group:  # XLIFF 1.2 transitional (and tmkit's files before strict)
            out.extend(Prop(p.get("prop-type") or "x-unknown", p.text or "") for p in group if isinstance(p.tag, str))
            continue
        for context in group.iterchildren(names.context):
            context_type = context.get("context-type") or ""
            if context_type.startswith(PROP_CONTEXT_PREFIX):
                out.append(Prop(unquote(context_type[len(PROP_CONTEXT_PREFIX) :]), context.text or ""))
            elif context_type == PRETRANSLATED_TARGET:
                described = context.text or ""
            elif context_type.startswith(RECORD_CONTEXT_PREFIX):
                key = unquote(context_type[len(RECORD_CONTEXT_PREFIX) :])
                if is_record_key(key):
                    record.append((key, context.text or ""))
    return out, described, record


def _recorded_target(described: str | None) -> tuple[bool, Segment | None]:
    """Whether a unit's record names the target its provenance props describe (``described``, TMX markup), and that
    target: None where the record cannot be read, which describes none (it is tmkit's note to itself: refusing the
    file for it made a job a CAT tool had touched unreadable). Read once a unit, for all of its segments."""
    if described is None:
        return False, None
    try:
        return True, segment_from_xml(described)
    except (etree.XMLSyntaxError, ValueError):
        return True, None


def _holding_provenance(props: list[Prop], target: Segment | None, recorded: tuple[bool, Segment | None]) -> list[Prop]:
    """A unit's props read back, less the provenance props when its target is no longer the one they describe
    (`_recorded_target`; not recorded: nothing to compare, and the props are left as they are)."""
    was_recorded, described = recorded
    if not was_recorded:
        return props
    return props if described is not None and provenance_holds(target, described) else without_provenance(props)


def _underlying(elem: Any, default: Status) -> Status:
    try:
        return Status(elem.get(STATUS_ATTR, default.value))
    except ValueError:
        return default


def _note(elem: Any) -> Note:
    return Note(elem.text or "", lang=elem.get(XML_LANG))


def _inherited_notes(unit_el: Any, names: XliffNames) -> list[Note]:
    """The notes of the `<file>`s and `<group>`s around a unit, outermost first."""
    parent = unit_el.getparent()
    if parent is not None and parent is names.notes_cache[0]:  # lxml gives the same object while it is held
        return list(names.notes_cache[1])
    found: list[Note] = []
    for ancestor in unit_el.iterancestors(names.file, names.group):
        holder = ancestor.find(names.notes) if names.ns == XLIFF2_NS else ancestor
        if names.ns != XLIFF2_NS and ancestor.tag == names.file:
            holder = ancestor.find(names.header)
        if holder is not None:
            found[:0] = [_note(n) for n in holder.iterchildren(names.note)]
    names.notes_cache = (parent, tuple(found))
    return found


def rejection_note_12(status: Status, reason: str) -> str:
    """The text of tmkit's rejection note in a 1.2 unit (`<note from="tmkit">`): the mark, the status rejected (read
    back by `rejection_of_12`), and the reviewer's reason, where a CAT tool shows it."""
    return f"{REJECTED_MARK} {status.value}" + (f" — {_clean(reason)}" if reason else "")


def rejection_note_2(reason: str) -> str:
    """The text of a 2.x unit's `<note category="tmkit:rejected">`: the reviewer's reason, where a CAT tool shows it."""
    return f"rejected: {_clean(reason)}"


def is_rejection_note(note: Any) -> bool:
    """Whether a `<note>` element is tmkit's rejection note (1.2's mark, 2.x's reason)."""
    return (note.get("from") == "tmkit" and (note.text or "").startswith(REJECTED_MARK)) or note.get(
        "category"
    ) == REJECTED_MARK


#: What separates the status from the reviewer's reason in a 1.2 rejection note, and begins a 2.x one's text.
_REASON_AFTER_12 = " — "
_REASON_PREFIX_2 = "rejected: "


def reason_in_notes(notes: Iterable[Any]) -> str:
    """The reviewer's reason tmkit's rejection note gives (`rejection_note_12`, `rejection_note_2`), "" for none: what
    a file rejected by `tmkit finish` (which writes no props) says of why."""
    for note in notes:
        if not is_rejection_note(note):
            continue
        text = note.text or ""
        if note.get("category") == REJECTED_MARK:
            return text.removeprefix(_REASON_PREFIX_2).strip()
        if _REASON_AFTER_12 in text:
            return text.split(_REASON_AFTER_12, 1)[1].strip()
    return ""


def _with_reason(props: list[Prop], notes: Iterable[Any]) -> list[Prop]:
    """``props`` with the reason of a rejection note when they have none (a file `tmkit finish` wrote)."""
    if any(prop.type == REJECTION_REASON_PROP for prop in props):
        return props
    reason = reason_in_notes(notes)
    return [*props, Prop(REJECTION_REASON_PROP, reason)] if reason else props


def rejection_of_12(unit_el: Any, names: XliffNames) -> bool:
    """Whether a 1.2 trans-unit is rejected: it holds tmkit's rejection note, not answered since (`_answered_12`)."""
    target = unit_el.find(names.target)
    state = target.get("state") if target is not None else None
    return _rejection(list(unit_el.iterchildren(names.note)))[0] and not _answered_12(state)


def _answered_12(state: str | None) -> bool:
    """Whether a 1.2 target's state says a rejection tmkit wrote is over: confirmed in a CAT tool since (its
    "needs-review-translation" made "translated", "signed-off", "final"; the note kept, as tools keep comments)."""
    return _FROM_12.get(state or "", Status.NEW).rank >= Status.TRANSLATED.rank


def _rejection(notes: list[Any]) -> tuple[bool, str | None]:
    """Whether tmkit's rejection note is among a 1.2 unit's notes, and the status it names."""
    for note in notes:
        words = (note.text or "").split()
        if note.get("from") == "tmkit" and words and words[0] == REJECTED_MARK:
            return True, words[1] if len(words) > 1 else None
    return False, None


@dataclass(frozen=True, slots=True)
class _Piece:
    """What one unit read from a 1.2 trans-unit holds: the whole trans-unit's, or one segment's (``key``, its `mid`)."""

    key: str | None
    source: list[Content]
    #: None: no target (a segment the target lacks, or a trans-unit without `<target>`).
    target: list[Content] | None
    line: int | None


def _segment_markers(elem: Any, mrk_tag: str) -> list[Any]:
    """The `<mrk mtype="seg">` of a seg-source or target in document order, wherever they sit (Trados puts them
    inside a `<g>` that spans a paragraph), the outermost only."""
    found: list[Any] = []
    for child in elem:
        if child.tag == mrk_tag and child.get("mtype") == SEGMENT_MTYPE:
            found.append(child)
        elif isinstance(child.tag, str):
            found.extend(_segment_markers(child, mrk_tag))
    return found


def _outside_segments(elem: Any, mrk_tag: str) -> bool:
    """Whether a segmented seg-source or target holds text or a code outside its segment markers (white space
    between them is only layout): that content belongs to no sentence pair, and is not in the units read."""
    if elem.text and elem.text.strip():
        return True
    for child in elem:
        if isinstance(child.tag, str) and not (child.tag == mrk_tag and child.get("mtype") == SEGMENT_MTYPE):
            return True  # a code, or a code around segments
        if child.tail and child.tail.strip():
            return True
    return False


def _marker_keys(markers: list[Any], side: str, path: str) -> list[str]:
    """The key of each segment marker: its `mid` (1.2 leaves it optional: else its place, from 1)."""
    keys: list[str] = []
    for number, marker in enumerate(markers, 1):
        key = marker.get("mid") or str(number)
        if key in keys:
            raise InputError(
                f'<mrk mtype="seg" mid="{key}"> twice in the {side}: a segment\'s mid must be unique in its unit',
                path=path,
                line=marker.sourceline,
            )
        keys.append(key)
    return keys


def _pieces_12(
    tu: Any, source: Any, target: Any, names: XliffNames, state: str | None, path: str
) -> tuple[list[_Piece], bool]:
    """The units a 1.2 trans-unit holds, and whether text or codes lie outside its segments (left out).

    A trans-unit segmented by a CAT tool (`<seg-source>`, else a `<source>`, with `<mrk mtype="seg">`) gives one
    unit per source segment, its target the target's segment of the same `mid` (none: an untranslated segment), as a
    memory holds sentence pairs. Any other is one unit, as is one whose target holds a translation not cut into
    segments (it cannot be paired segment by segment)."""
    seg_source = tu.find(names.seg_source)
    segmented = seg_source if seg_source is not None else source
    source_markers = _segment_markers(segmented, names.mrk)
    target_markers = _segment_markers(target, names.mrk) if target is not None else []
    if source_markers and target is not None and not target_markers:
        whole = _segment(_content_12(target, path, _PairNumbers()))
        copied = whole in (Segment(), _segment(_content_12(source, path, _PairNumbers())))
        if not (copied and state in UNTRANSLATED_STATES_12) and whole != Segment():
            source_markers = []  # a translation of the whole trans-unit: it stays whole
    if not source_markers:
        pairs = _PairNumbers()
        source_parts = _content_12(source, path, pairs)
        pairs.start_side()
        target_parts = _content_12(target, path, pairs) if target is not None else None
        return [_Piece(None, source_parts, target_parts, tu.sourceline)], False
    source_keys = _marker_keys(source_markers, "seg-source", path)
    target_keys = _marker_keys(target_markers, "target", path)
    by_key = dict(zip(target_keys, target_markers, strict=True))
    for key, marker in by_key.items():
        if key not in source_keys:
            raise InputError(
                f'target <mrk mtype="seg" mid="{key}"> has no segment of that mid in the source',
                path=path,
                line=marker.sourceline,
            )
    pieces: list[_Piece] = []
    for key, marker in zip(source_keys, source_markers, strict=True):
        pairs = _PairNumbers()  # a segment's codes pair with those of its own translation
        source_parts = _content_12(marker, path, pairs)
        translated = by_key.get(key)
        pairs.start_side()
        target_parts = _content_12(translated, path, pairs) if translated is not None else None
        line = (translated if translated is not None else marker).sourceline
        pieces.append(_Piece(key, source_parts, target_parts, line))
    outside = _outside_segments(segmented, names.mrk) or (bool(target_markers) and _outside_segments(target, names.mrk))
    return pieces, outside


def _read_units_12(
    tu: Any, names: XliffNames, source_lang: str, target_lang: str, path: str
) -> tuple[list[TranslationUnit], bool]:
    """The units of a 1.2 trans-unit (one a segment when a CAT tool segmented it: `_pieces_12`), and whether it had
    content outside its segments, left out."""
    source = tu.find(names.source)
    if source is None:
        raise InputError("<trans-unit> without <source>", path=path, line=tu.sourceline)
    target = tu.find(names.target)
    state = target.get("state") if target is not None else None
    pieces, outside = _pieces_12(tu, source, target, names, state, path)
    notes = tu.findall(names.note)
    rejected, underlying = _rejection(notes)
    reason_notes = notes if rejected else []
    answered = rejected and _answered_12(state)  # (the rejection and its reason are over)
    rejected = rejected and not answered
    # (A rejected unit's status: the one its note names, else the unit's own attribute.)
    rejected_status = _STATUS_VALUES.get(underlying or "") or _underlying(tu, Status.DRAFT)
    tuid, resname = tu.get("id"), tu.get("resname")
    if resname and tuid and tuid.startswith(f"{resname}#") and tuid[len(resname) + 1 :].isdigit():
        tuid = resname  # a tuid the memory repeats, written with #N to keep ids unique
    if any(
        context.get("context-type") == NO_TUID_CONTEXT
        for group in tu.iterchildren(names.context_group)
        for context in group.iterchildren(names.context)
    ):
        tuid = None  # a unit without a tuid, given an id to be XLIFF
    props, described, record = _props_12(tu, names)
    props = _with_reason(props, reason_notes)
    if answered and _FROM_12.get(state or "", Status.NEW).rank >= Status.REVIEWED.rank:
        # (Confirmed by the translator, the reason stays for the reviewer's next pass, as in the editor; approved, it
        # is settled.)
        props = [prop for prop in props if prop.type != REJECTION_REASON_PROP]
    recorded = _recorded_target(described)
    props = _with_translate_prop(props, _marked_not_to_translate(tu, names.file))
    all_notes = unit_notes(tu, names)
    units: list[TranslationUnit] = []
    for piece in pieces:
        variants = [Variant(source_lang, _segment(_isolating(piece.source)))]
        if piece.target is not None:
            translation = Variant(target_lang, _segment(_isolating(piece.target)))
            # A new unit's target that is empty or the source copied is a place to translate into, not a translation.
            untranslated = state in UNTRANSLATED_STATES_12 and translation.segment in (Segment(), variants[0].segment)
            # A segment's empty marker is how a CAT tool leaves that segment untranslated, whatever the unit's state.
            if not untranslated and not (piece.key is not None and translation.segment == Segment()):
                variants.append(translation)
        has_target = len(variants) > 1 and bool(variants[1].segment.plain.strip() or variants[1].segment.has_markup)
        status, label = status_from_xliff12(state, approved=tu.get("approved") == "yes", has_target=has_target)
        if piece.key is not None and len(variants) == 1:
            status, label = Status.NEW, None  # the unit's state is its translated segments'
        # An SDLXLIFF says each segment's status in its `sdl:seg` (Trados writes no target state).
        refuse_sdl_segments_without_id(tu, path)
        sdl = sdl_segment(tu, piece.key)
        text = len(variants) > 1 and bool(variants[1].segment.plain.strip())
        by_sdl = status_from_sdl(sdl.get("conf"), has_text=text) if sdl is not None else None
        unit_tuid = tuid if piece.key is None or tuid is None else f"{tuid}{SEGMENT_ID_SEPARATOR}{piece.key}"
        unit = TranslationUnit(variants=variants, tuid=unit_tuid, line=piece.line)
        if by_sdl is not None and not rejected:
            (unit.status, unit.rejected), label = by_sdl, None
        elif rejected:
            unit.status = rejected_status
        else:
            unit.status = status
        unit.rejected = unit.rejected or rejected
        unit.status_label = None if rejected else label
        translated = variants[1].segment if len(variants) > 1 else None
        unit.props = _holding_provenance(list(props), translated, recorded)
        unit.notes = list(all_notes)
        apply_unit_record(unit, record)
        units.append(unit)
    return units, outside


def _read_units_2(
    unit_el: Any, names: XliffNames, source_lang: str, target_lang: str, path: str
) -> tuple[list[TranslationUnit], bool]:
    """The units of a 2.x `<unit>`, and whether text or codes lie between its segments (in an `<ignorable>` that is
    not only white space: left out).

    A unit of several `<segment>`s (as a CAT tool cut it into sentences) gives one unit per segment, as a 1.2
    trans-unit segmented with `<mrk mtype="seg">` does and as a memory holds sentence pairs: its tuid the unit's id
    and the segment's (`ID_sSEGMENT`, the segment's number where it has no id), its status the segment's state.
    A unit of one segment is one unit, and so is a unit whose targets are reordered (`order`): its translation is
    not cut where its source is, and its segments are joined, in their target order."""
    whole = _read_unit_2(unit_el, names, source_lang, target_lang, path)
    segments = [child for child in unit_el if child.tag == names.segment]
    if len(segments) < 2 or any(
        target.get("order") is not None
        for segment in unit_el
        if segment.tag in (names.segment, names.ignorable) and (target := segment.find(names.target)) is not None
    ):
        return [whole], False
    data = {elem.get("id"): "".join(elem.itertext()) for elem in unit_el.iter(names.data)}
    outside = any(
        "".join(source.itertext()).strip() or len(source)
        for ignorable in unit_el.iterchildren(names.ignorable)
        if (source := ignorable.find(names.source)) is not None
    )
    units = []
    for number, segment in enumerate(segments, 1):
        variants = [Variant(source_lang, _segment(_isolating(_content_2(segment.find(names.source), data, path))))]
        target = segment.find(names.target)
        if target is not None:
            variants.append(Variant(target_lang, _segment(_isolating(_content_2(target, data, path)))))
        status, rejected = status_from_xliff2(
            segment.get("state"), segment.get("subState"), has_target=target is not None
        )
        unit = copy.deepcopy(whole)
        unit.variants, unit.line = variants, segment.sourceline
        unit.status = _underlying(unit_el, status) if rejected else status
        unit.rejected = rejected
        if whole.tuid is not None:
            unit.tuid = f"{whole.tuid}{SEGMENT_ID_SEPARATOR}{segment.get('id') or number}"
        units.append(unit)
    return units, bool(outside)


def _read_unit_2(unit_el: Any, names: XliffNames, source_lang: str, target_lang: str, path: str) -> TranslationUnit:
    data: dict[str, str] = {}
    props: list[Prop] = []
    notes: list[Note] = []
    described: str | None = None
    record: list[tuple[str, str]] = []
    # One walk for the code data, metadata and notes, wherever they sit in the unit.
    for elem in unit_el.iter(names.data, MDA_META, names.note):
        if elem.tag == names.data:
            data[elem.get("id")] = "".join(elem.itertext())
        elif elem.tag == names.note:
            if elem.get("category") != REJECTED_MARK:  # (the reviewer's reason, which a meta carries)
                notes.append(_note(elem))
        elif elem.get("type") == PRETRANSLATED_TARGET and elem.getparent().get("category") == PRETRANSLATED_CATEGORY:
            described = elem.text or ""
        elif elem.getparent().get("category") == RECORD_CATEGORY and is_record_key(elem.get("type") or ""):
            record.append((elem.get("type"), elem.text or ""))
        else:
            props.append(Prop(elem.get("type") or "x-unknown", elem.text or ""))
    if unit_el.find(names.segment) is None:
        raise InputError("<unit> without <segment>", path=path, line=unit_el.sourceline)
    source_parts: list[Content] = []
    targets: list[tuple[list[Content], str | None]] = []
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
            targets.append((_content_2(target, data, path), target.get("order")))
        elif not is_segment:  # an ignorable's text (white space between segments) is in both languages
            targets.append((_content_2(source, data, path), None))
        else:
            targets.append(([], None))
        if is_segment:
            states.append((child.get("state"), child.get("subState")))
    target_parts = [part for content in _in_target_order(targets) for part in content]
    # A unit of several segments takes its least advanced segment's status.
    decided = [status_from_xliff2(s, sub, has_target=has_target) for s, sub in states]
    status, rejected = min(decided, key=lambda d: d[0].rank)
    rejected = any(r for _, r in decided)
    variants = [Variant(source_lang, _segment(source_parts))]
    if has_target:
        variants.append(Variant(target_lang, _segment(target_parts)))
    written = unit_el.get(TUID_ATTR)  # "": a unit without a tuid, given an id to be XLIFF
    tuid = unit_el.get("id") if written is None else written or None
    unit = TranslationUnit(variants=variants, tuid=tuid, line=unit_el.sourceline)
    unit.status = _underlying(unit_el, status) if rejected else status
    unit.rejected = rejected
    target_segment = variants[1].segment if has_target else None
    if rejected:
        props = _with_reason(props, unit_el.iter(names.note))
    props = _with_translate_prop(props, _marked_not_to_translate(unit_el, names.file))
    unit.props = _holding_provenance(props, target_segment, _recorded_target(described))
    unit.notes = _inherited_notes(unit_el, names) + notes
    apply_unit_record(unit, record)
    return unit


def _in_target_order(targets: list[tuple[list[Content], str | None]]) -> list[list[Content]]:
    """The targets of a unit's segments and ignorables placed by their `order` (1-based), the rest where they stand."""
    slots: list[list[Content] | None] = [None] * len(targets)
    unplaced: list[tuple[int, list[Content]]] = []
    for index, (content, order) in enumerate(targets):
        position = int(order) - 1 if order is not None and order.isdigit() and 0 < int(order) <= len(targets) else None
        if position is not None and slots[position] is None:
            slots[position] = content
        else:
            unplaced.append((index, content))
    for index, content in unplaced:  # in their own place when free, else in the first free one
        position = index if slots[index] is None else slots.index(None)
        slots[position] = content
    return [slot or [] for slot in slots]
