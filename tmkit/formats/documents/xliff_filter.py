"""XLIFF files from other tools as documents: each translatable segment in, its target written back into the file.

An agency's XLIFF (1.2 or 2.x) is translated where it is: every unit not marked `translate="no"` (on itself, a
`<group>` or a 2.x `<file>`) gives its segments (a 1.2 `seg-source`'s `mrk mtype="seg"`, a 2.x `<segment>`, else
the whole `<source>`, cut into sentences), inline elements become codes the translation keeps, and a target the
file holds is the segment's existing translation with its state. The translated file is the same file with the
targets written (and their `state`); every element, attribute and text it did not change is written back as it was
read (by lxml: quotes and empty-element forms are lxml's), for the tool that reads it back.

An SDLXLIFF (Trados Studio's) is such a 1.2 file whose segments' statuses are Trados's confirmation levels, in its
`sdl:seg-defs`: they are read from there and written there (a segment `locked` in Trados is left out), and its
targets get no `state`.
"""

from __future__ import annotations

import copy
import math
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from tmkit.errors import InputError
from tmkit.formats.documents.core import (
    Code,
    CodeKind,
    Paragraph,
    Piece,
    TranslationRecord,
    normalize_pieces,
    plain_text,
)
from tmkit.formats.xliff import (
    REJECTED_MARK,
    SDL_ADDED_MTYPE,
    SDL_DELETED_MTYPE,
    SDL_NS,
    UNTRANSLATED_STATES_12,
    XliffNames,
    is_rejection_note,
    reason_in_notes,
    refuse_sdl_segments_without_id,
    rejection_note_2,
    rejection_note_12,
    rejection_of_12,
    sdl_segment,
    status_from_sdl,
    status_from_xliff2,
    status_from_xliff12,
    status_to_sdl,
    status_to_xliff2,
    status_to_xliff12,
    unit_notes,
    unsupported_version,
)
from tmkit.formats.xml_safety import SAFE_XML_OPTIONS
from tmkit.memory.langtags import primary_subtag
from tmkit.memory.model import Status

#: tmkit's safe reading (no entities, DTD or network), keeping what a file written back must keep: comments,
#: processing instructions and CDATA sections (written back as escaped text, CDATA changed the bytes of sources and
#: units tmkit did not touch), and a big job's tree.
_PARSER_OPTIONS: dict[str, Any] = {
    **SAFE_XML_OPTIONS,
    "huge_tree": True,
    "remove_comments": False,
    "remove_pis": False,
    "strip_cdata": False,
}
#: Inline elements whose content is translatable text between an opening and a closing code.
_CONTAINERS = frozenset({"g", "mrk", "pc"})
#: Inline elements that open a span closed by another element (1.2 `bx`/`bpt`, 2.x `sc`/`sm`), and those that close it.
_OPENING = frozenset({"bx", "bpt", "sc", "sm"})
_CLOSING = frozenset({"ex", "ept", "ec", "em"})
#: Attributes that name an inline element among its segment's (what a target's codes are matched to the source's by).
_NAMING = ("id", "rid", "mid", "startRef", "i")
#: How far each status has come, to give a 1.2 trans-unit of several segments the state of its least advanced one.
_RANK = {status.value: status.rank for status in Status}


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _locked(unit: Any) -> bool:
    """Whether a unit is marked not to be translated: `translate` on itself or the nearest element around it."""
    for element in (unit, *unit.iterancestors()):
        value = element.get("translate")
        if value is not None:
            return str(value).strip().lower() == "no"
    return False


@dataclass(slots=True)
class _Place:
    """Where one segment of the file is: its source element, the unit it belongs to, and how its target is found."""

    unit: Any
    source: Any
    #: 1.2 `mrk mtype="seg"`: its `mid` (the target's marker of the same `mid` holds the translation).
    mid: str | None = None
    #: A 2.x `<segment>` (state and target are its own).
    segment: Any = None
    #: Locked in Trados (`sdl:seg locked="true"`: a context match the agency keeps): not the translator's to change.
    locked: bool = False

    def target(self, names: XliffNames) -> Any:
        """The element holding this segment's translation now, if the file has one."""
        if self.segment is not None:
            return self.segment.find(names.q("target"))
        target = self.unit.find(names.q("target"))
        if target is None or self.mid is None:
            return target
        return next(
            (m for m in target.iter(names.q("mrk")) if m.get("mtype") == "seg" and m.get("mid") == self.mid), None
        )


def _places(root: Any, names: XliffNames) -> Iterator[_Place]:
    """Every segment to translate, in document order: not one locked in Trados, nor one of codes alone (Trados leaves
    an image or a link between paragraphs a unit of its own: there is no text to translate in it, and its target is
    the source's copy)."""
    for place in _all_places(root, names):
        if not place.locked and _has_text(place.source):
            yield place


def _has_text(source: Any) -> bool:
    return bool(plain_text(_pieces(source, _Codes(), source=True, data={})).strip())


def _all_places(root: Any, names: XliffNames) -> Iterator[_Place]:
    """Every segment of the units not marked `translate="no"`, in document order."""
    if names.is_2:
        for unit in root.iter(names.q("unit")):
            if _locked(unit):
                continue
            for segment in unit.iter(names.q("segment")):
                source = segment.find(names.q("source"))
                if source is not None:
                    yield _Place(unit, source, segment=segment)
        return
    for unit in root.iter(names.q("trans-unit")):
        if _locked(unit):
            continue
        cut = unit.find(names.q("seg-source"))
        markers = [] if cut is None else [m for m in cut.iter(names.q("mrk")) if m.get("mtype") == "seg"]
        if markers:
            for marker in markers:
                mid = marker.get("mid", "")
                sdl = sdl_segment(unit, mid)
                yield _Place(unit, marker, mid=mid, locked=sdl is not None and sdl.get("locked") == "true")
            continue
        source = unit.find(names.q("source"))
        if source is not None:
            yield _Place(unit, source)


def _locked_segments(root: Any, names: XliffNames) -> list[str]:
    """The text of each segment Trados locked, codes left out (those of text: `_places` leaves out the others too)."""
    return [
        plain_text(_pieces(place.source, _Codes(), source=True, data={}))
        for place in _all_places(root, names)
        if place.locked and _has_text(place.source)
    ]


@dataclass(slots=True)
class _Codes:
    """A segment's inline elements by code: the source's, and how a target's are matched to them."""

    elements: dict[tuple[CodeKind, int], Any] = field(default_factory=dict)
    by_name: dict[tuple[str, tuple[str | None, ...]], tuple[CodeKind, int]] = field(default_factory=dict)
    count: int = 0


def _name(element: Any) -> tuple[str, tuple[str | None, ...]]:
    return _local(element), tuple(element.get(attribute) for attribute in _NAMING)


def _shown(element: Any, data: dict[str, str], *, end: bool = False) -> str:
    """What a translator sees of a code: the native code it carries (`<b>`, a 1.2 `bpt`'s content, a 2.x code's
    `originalData`), else the element as a tag."""
    local = _local(element)
    native = "".join(element.itertext()) if local not in _CONTAINERS else ""
    reference = element.get("dataRefEnd" if end else "dataRefStart") or element.get("dataRef")
    if reference is not None and data.get(reference, "").strip():
        return data[reference]
    if native.strip():
        return native
    if end:
        return f"</{local}>"
    attributes = "".join(f' {etree.QName(k).localname}="{v}"' for k, v in element.attrib.items())
    return f"<{local}{attributes}>" if local in _CONTAINERS else f"<{local}{attributes}/>"


def _pieces(element: Any, codes: _Codes, *, source: bool, data: dict[str, str]) -> list[Piece]:
    """The text and codes of a source (numbering its codes into ``codes``) or of a target (matched to them); ``data``
    is a 2.x unit's `originalData`, by id."""
    pieces: list[Piece] = []
    opened: dict[str, int] = {}  # a span's key (its `rid`, `id`) → its code, for the element that closes it

    def code(kind: CodeKind, child: Any, key: str | None = None) -> Code:
        if source:
            if kind is CodeKind.CLOSE and (key is None or key not in opened):
                kind = CodeKind.ALONE  # a span's end without its start in the segment: stands alone
            if kind is CodeKind.CLOSE and key is not None:
                ident = opened.pop(key)
            else:
                codes.count += 1
                ident = codes.count
                if kind is CodeKind.OPEN and key is not None:
                    opened[key] = ident
            codes.elements[(kind, ident)] = child
            codes.by_name[_name(child)] = (kind, ident)
            return Code(kind, ident, _shown(child, data))
        found = codes.by_name.get(_name(child))
        if found is None:  # a code the source lacks: a number of its own, which writing back leaves out
            codes.count += 1
            found = (CodeKind.ALONE, codes.count)
        return Code(found[0], found[1], _shown(child, data))

    def walk(parent: Any) -> None:
        if parent.text:
            pieces.append(parent.text)
        for child in parent:
            local = _local(child)
            if local == "mrk" and child.get("mtype") in (SDL_DELETED_MTYPE, SDL_ADDED_MTYPE):
                # Trados's tracked changes, read as accepted: a deletion is no longer the text, an insertion is.
                if child.get("mtype") == SDL_ADDED_MTYPE:
                    walk(child)
                if child.tail:
                    pieces.append(child.tail)
                continue
            if local in _CONTAINERS and isinstance(child.tag, str):
                opening = code(CodeKind.OPEN, child)
                pieces.append(opening)
                walk(child)
                pieces.append(Code(CodeKind.CLOSE, opening.ident, _shown(child, data, end=True)))
                if source:
                    codes.elements[(CodeKind.CLOSE, opening.ident)] = child
            elif local in _OPENING:
                pieces.append(code(CodeKind.OPEN, child, child.get("rid") or child.get("id")))
            elif local in _CLOSING:
                pieces.append(code(CodeKind.CLOSE, child, child.get("rid") or child.get("startRef") or child.get("id")))
            elif isinstance(child.tag, str):
                pieces.append(code(CodeKind.ALONE, child))
            if child.tail:
                pieces.append(child.tail)

    walk(element)
    return normalize_pieces(pieces)


def _original_data(place: _Place, names: XliffNames) -> dict[str, str]:
    """A 2.x unit's `originalData` (the native codes its inline elements point to), by id."""
    if not names.is_2:
        return {}
    return {d.get("id", ""): "".join(d.itertext()) for d in place.unit.iter(names.q("data"))}


def _status_of(place: _Place, names: XliffNames) -> tuple[Status, bool]:
    """The status of a segment's translation, which has text, as the file states it, and whether it was rejected."""
    if names.is_2:
        holder = place.segment
        status, rejected = status_from_xliff2(holder.get("state"), holder.get("subState"), has_target=True)
        return (Status.DRAFT if rejected else status), rejected  # (back to the translator, as tmkit rejects)
    sdl = sdl_segment(place.unit, place.mid)
    if sdl is not None:  # an SDLXLIFF: Trados's confirmation level, not the target's state (Trados writes none)
        return status_from_sdl(sdl.get("conf"), has_text=True)
    if rejection_of_12(place.unit, names):  # (tmkit's rejection note: a reviewer's, back to the translator)
        return Status.DRAFT, True
    holder = place.unit.find(names.q("target"))
    state = holder.get("state") if holder is not None else None
    if state in UNTRANSLATED_STATES_12:  # (whatever the target holds)
        return Status.NEW, False
    return status_from_xliff12(state, approved=place.unit.get("approved") == "yes", has_target=True)[0], False


def _parse(data: bytes, path: str) -> tuple[Any, XliffNames]:
    head = data[:4096]
    refused = "declares a DOCTYPE or entities, which tmkit does not read in XLIFF"
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data:
        raise InputError(refused, path=path)
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed XML: {exc.msg}", path=path, line=exc.lineno) from None
    # The bytes looked for above are UTF-8's: a UTF-16 file's DOCTYPE is found parsed (its entities are not
    # expanded, and a reference to one was dropped from its segment's text).
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InputError(refused, path=path)
    if _local(root) != "xliff":
        raise InputError(f"the root element is <{_local(root)}>, not <xliff>", path=path, line=root.sourceline)
    namespace = etree.QName(root).namespace or ""
    unsupported = unsupported_version(namespace, root.get("version", ""))
    if unsupported is not None:
        raise InputError(unsupported, path=path, line=root.sourceline)
    return root, XliffNames(namespace)


class XliffDocument:
    """An XLIFF file: a paragraph a segment to translate, each with the translation the file holds, if any."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self._data = data
        self.paragraphs: list[Paragraph] = []
        #: The translation each paragraph had in the file (pieces, status), to leave untouched what was not changed.
        self._had: list[tuple[list[Piece], str] | None] = []
        root, names = _parse(data, path)
        refuse_sdl_segments_without_id(root, path)
        #: The source text of each segment locked in Trados (not offered: an analysis names them apart, as Trados's).
        self.locked_segments = _locked_segments(root, names)
        #: The languages the file is for (its first `<file>`'s, a 2.x root's), which a job made from it takes.
        self.declared_languages = _declared_languages(root, names)
        for place in _places(root, names):
            codes = _Codes()
            original = _original_data(place, names)
            pieces = _pieces(place.source, codes, source=True, data=original)
            target = place.target(names)
            existing = None
            held = [] if target is None else _pieces(target, codes, source=False, data=original)
            # A target without text is no translation whatever its state says: WorldServer fills targets with the
            # source's placeholders only, and a cut unit's `state` covers its empty markers too.
            status, rejected = _status_of(place, names) if plain_text(held).strip() else (Status.NEW, False)
            # A copy of the source not yet translated (as Okapi and tmkit fill a job's targets) is no translation.
            if status is not Status.NEW and (held != pieces or status.rank >= Status.TRANSLATED.rank):
                existing = (held, status.value)
            notes = tuple(n for note in unit_notes(place.unit, names) if (n := " ".join(note.text.split())))
            # A segment the tool cut (a `mrk`, a 2.x `<segment>`) stays one, as does a `<source>` translated already
            # (its translation is the whole unit's); another 1.2 `<source>` is cut into sentences.
            whole = place.mid is not None or place.segment is not None or existing is not None
            rejected = rejected and bool(existing)
            holder = place.unit.find(names.notes) if names.is_2 else place.unit
            reason = reason_in_notes(holder.iterchildren(names.note)) if rejected and holder is not None else ""
            self.paragraphs.append(
                Paragraph(
                    pieces, whole=whole, notes=notes, existing=existing, rejected=rejected, rejection_reason=reason
                )
            )
            self._had.append(existing)

    def render(
        self,
        contents: Sequence[list[Piece]],
        *,
        target_lang: str,
        statuses: Sequence[str | None] | None = None,
        records: Sequence[TranslationRecord | None] | None = None,
    ) -> bytes:
        """The file with each translated segment's target written and its state set (a rejection too, as the
        version says it: `needs-review-translation`, 2.x's subState, Trados's "RejectedTranslation"); the rest as
        it was. In an SDLXLIFF a segment is the match it was pre-translated with, when ``records`` say it still is."""
        declared = self.declared_languages[1]
        if declared and primary_subtag(declared) != primary_subtag(target_lang):
            raise InputError(
                f"the file is for translation into {declared}, and its working file into {target_lang}", path=self.path
            )
        root, names = _parse(self._data, self.path)
        places = list(_places(root, names))
        sdl = SDL_NS in root.nsmap.values()  # Trados's: each segment's level in its `sdl:seg`, no target state
        if statuses is None:
            statuses = [
                None if c == p.pieces else Status.TRANSLATED.value
                for c, p in zip(contents, self.paragraphs, strict=True)
            ]
        unit_statuses: dict[int, list[str]] = {}  # 1.2: each trans-unit's segments' statuses
        reasons: dict[int, list[str]] = {}  # the units with a segment rejected: the reviewer's reasons
        held_outside: dict[int, Counter[tuple[str, tuple[str | None, ...]]]] = {}  # 1.2: codes a target holds apart
        changed: set[int] = set()  # 1.2: the trans-units with a target written
        filled: dict[int, Any] = {}  # 2.x: the units with a target written
        if records is None:
            records = [None] * len(places)
        for number, (place, pieces, given, had, record) in enumerate(
            zip(places, contents, statuses, self._had, records, strict=True)
        ):
            rejected = record is not None and record.rejected
            # Some sentences of a 1.2 source translated, not all: written, the rest in the source language and the
            # unit new (left out, the sentences translated were lost without a word).
            partly = given is None and pieces != self.paragraphs[number].pieces
            status = Status.NEW.value if partly else given
            unit_statuses.setdefault(id(place.unit), []).append(status or Status.NEW.value)  # (one left: new)
            if status is not None and rejected and record is not None:
                reasons.setdefault(id(place.unit), []).append(record.reason)
            if status is None or (
                had is not None and had == (pieces, status) and rejected == self.paragraphs[number].rejected
            ):
                continue  # not translated, or translated as the file had it: left as it was
            codes = _Codes()
            _pieces(place.source, codes, source=True, data={})
            nested = _nested(pieces, codes)
            if place.mid is not None:
                if id(place.unit) not in held_outside:
                    held_outside[id(place.unit)] = _codes_held_outside_segments(place.unit, names)
                nested = _without_codes_held_outside(nested, codes, held_outside[id(place.unit)])
            _fill(_target_of(place, names), nested, codes)
            if names.is_2:
                filled[id(place.unit)] = place.unit
                state, sub_state = status_to_xliff2(Status(status), rejected=rejected)
                place.segment.set("state", state)
                _set_or_remove(place.segment, "subState", sub_state)
            elif sdl:
                _confirm_in_sdl(place, Status(status), edited=had is None or had[0] != pieces, record=record)
            else:
                changed.add(id(place.unit))
        for unit in filled.values():
            _drop_unstarted_ends(unit, names)
            _mark_rejection(unit, names, reasons.get(id(unit)))
        for place in places:  # 1.2: a trans-unit's state is its least advanced segment's
            if id(place.unit) not in changed:
                continue
            changed.discard(id(place.unit))
            least = min(unit_statuses[id(place.unit)], key=_RANK.__getitem__)
            # (A unit with a sentence still untranslated is new, whatever was rejected in it; tmkit's note still says
            # which was rejected and why.)
            state, approved = status_to_xliff12(
                Status(least), rejected=id(place.unit) in reasons and least != Status.NEW.value
            )
            noted = Status.DRAFT if least == Status.NEW.value else Status(least)  # (what was rejected: a draft)
            _mark_rejection(place.unit, names, reasons.get(id(place.unit)), status=noted)
            target = place.unit.find(names.q("target"))
            target.set("state", state)
            _set_or_remove(target, "state-qualifier", None)  # (how it was leveraged: no longer so)
            _set_or_remove(place.unit, "approved", "yes" if approved else None)
        root_attributes = dict(root.attrib)
        _set_target_language(root, names, target_lang)
        windows = _windows_line_ends(self._data)
        around = _around_root(self._data, root)
        if around is None:  # (another encoding than UTF-8: the whole file written anew, in UTF-8)
            encoding = root.getroottree().docinfo.encoding or "UTF-8"
            opening = self._data[:64].decode(encoding, errors="replace")  # (a UTF-16 file's bytes are not ASCII's)
            declaration = opening.lstrip("\ufeff \t\r\n").startswith("<?xml")
            document: bytes = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=declaration)
            # A byte order mark for one (UTF-16 has it), as Trados writes its files: a Windows tool that found one
            # reads the file as Unicode.
            document = (
                b"\xef\xbb\xbf" if opening.startswith("\ufeff") or self._data[:2] in _UTF16_BOMS else b""
            ) + document
            return _crlf(document) if windows else document
        # What comes before the root (the declaration, comments), its start tag unless changed, and what follows it
        # are the file's own bytes: lxml writes a declaration of its own, the namespaces first, no line breaks
        # between the root and the comments around it, and no final line break.
        prolog, start_tag, epilog = around
        body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
        body = _crlf(body) if windows else body
        if dict(root.attrib) == root_attributes:
            body = start_tag + body[body.index(b">") + 1 :]
        return prolog + body + epilog


def _codes_held_outside_segments(unit: Any, names: XliffNames) -> Counter[tuple[str, tuple[str | None, ...]]]:
    """The standalone codes (`x`, `ph`, `bx`…) a cut trans-unit's `<target>` holds outside its segment markers that
    its `<seg-source>` holds inside one: Trados moves a code that starts or ends a segment out of the target's
    marker (`<target><x id="ph8"/><mrk mid="7"/></target>`), and a translation that put it in again had it twice.
    Nothing for a target without segment markers (its content is replaced whole)."""
    target, cut = unit.find(names.q("target")), unit.find(names.q("seg-source"))
    if target is None or cut is None or not any(_is_segment_marker(m) for m in target.iter(names.q("mrk"))):
        return Counter()

    def outside(root: Any) -> Counter[tuple[str, tuple[str | None, ...]]]:
        found: Counter[tuple[str, tuple[str | None, ...]]] = Counter()

        def walk(parent: Any) -> None:
            for child in parent:
                if not isinstance(child.tag, str) or _is_segment_marker(child):
                    continue
                if _local(child) not in _CONTAINERS:
                    found[_name(child)] += 1
                walk(child)

        walk(root)
        return found

    return outside(target) - outside(cut)


def _without_codes_held_outside(
    pieces: list[Piece], codes: _Codes, held: Counter[tuple[str, tuple[str | None, ...]]]
) -> list[Piece]:
    """``pieces`` without the standalone codes the target holds outside its segments already (each taken once)."""
    out: list[Piece] = []
    for piece in pieces:
        element = codes.elements.get((piece.kind, piece.ident)) if isinstance(piece, Code) else None
        if element is not None and _local(element) not in _CONTAINERS and held[_name(element)] > 0:
            held[_name(element)] -= 1
            continue
        out.append(piece)
    return out


#: The attributes of an `sdl:seg` that say where its translation came from (and how well it matched).
_SDL_ORIGIN = ("origin", "origin-system", "percent", "struct-match", "text-match")
#: The key of an `sdl:seg`'s value that belongs to where its translation came from (the hash of that match).
_SDL_ORIGIN_VALUE = "SDL:OriginalTranslationHash"


def _mark_rejection(unit: Any, names: XliffNames, reasons: list[str] | None, *, status: Status = Status.DRAFT) -> None:
    """tmkit's rejection note in a unit written, as its export writes one (`rejection_note_12`, naming the 1.2 unit's
    ``status``; 2.x's with a reason only: its subState says the rest): there when the reviewer rejected a segment of
    it (``reasons``, "" for none given), replacing one it had; gone when none is rejected."""
    holder = unit.find(names.notes) if names.is_2 else unit
    if holder is not None:
        for note in [n for n in holder.iterchildren(names.note) if is_rejection_note(n)]:
            holder.remove(note)
    said = "; ".join(dict.fromkeys(reason for reason in reasons or () if reason))
    if names.is_2:
        if reasons is not None and said:
            if holder is None:
                # (A unit's `<notes>` comes after the elements of other namespaces, before its data and segments.)
                holder = etree.Element(names.notes)
                _insert_laid_out(unit, next((n for n, c in enumerate(unit) if _in_xliff(c, names)), len(unit)), holder)
            note = etree.Element(names.note, category=REJECTED_MARK)
            note.text = rejection_note_2(said)
            holder.insert(0, note)
        elif holder is not None and len(holder) == 0:
            unit.remove(holder)
        return
    if reasons is not None:
        note = etree.Element(names.note, {"from": "tmkit"})
        note.text = rejection_note_12(status, said)
        # (After the trans-unit's own elements, before those of other namespaces, as the schema orders them.)
        last = max((n for n, child in enumerate(unit) if _in_xliff(child, names)), default=-1)
        _insert_laid_out(unit, last + 1, note)


def _insert_laid_out(parent: Any, index: int, element: Any) -> None:
    """``element`` put at ``index`` among ``parent``'s children on a line of its own, indented as they are, where
    they are laid out so (white space between them), not run onto the line of the one before."""
    before = parent[index - 1] if index > 0 else None
    gap = (before.tail if before is not None else parent.text) or ""
    parent.insert(index, element)
    if not gap.strip() and "\n" in gap:
        # (The gap before the element that follows, its indentation; after the last child, the one between siblings.)
        sibling_gap = parent[index - 2].tail if index > 1 else parent.text
        element.tail = gap
        if before is not None:
            before.tail = sibling_gap if sibling_gap and not sibling_gap.strip() else gap


def _in_xliff(element: Any, names: XliffNames) -> bool:
    """Whether an element (not a comment) is of the XLIFF namespace."""
    return isinstance(element.tag, str) and (etree.QName(element).namespace or "") == names.ns


def _confirm_in_sdl(place: _Place, status: Status, *, edited: bool, record: TranslationRecord | None) -> None:
    """A segment's Trados confirmation level set to ``status`` in its `sdl:seg` (made where the unit has none), or to
    "RejectedTranslation"; a translation written anew is the translator's (`origin="interactive"`), or the match it
    was pre-translated with when kept as it was (`tm` with its percent, `auto-propagated` for a repetition), where it
    came from before kept in an `sdl:prev-origin` (the file's, else the match tmkit pre-translated it with), as Trados
    keeps it when a segment's translation is replaced."""
    unit = place.unit
    seg = sdl_segment(unit, place.mid)
    if seg is None:
        defs = unit.find(f"{{{SDL_NS}}}seg-defs")
        if defs is None:
            defs = etree.SubElement(unit, f"{{{SDL_NS}}}seg-defs")
        seg = etree.SubElement(defs, f"{{{SDL_NS}}}seg", {"id": place.mid or ""})
    _set_or_remove(seg, "conf", status_to_sdl(status, rejected=record is not None and record.rejected))
    kept = record.match if record is not None else None
    if not edited or (seg.get("origin") == "interactive" and kept is None):
        return
    # What described the translation replaced goes with it: its origin, the origins before it (nested as Trados nests
    # them) and the hash of the match it was; the segment's own values (who made and changed it, when) stay.
    moved = [
        child
        for child in seg
        if child.tag == f"{{{SDL_NS}}}prev-origin" or str(child.get("key", "")).startswith(_SDL_ORIGIN_VALUE)
    ]
    if any(seg.get(name) is not None for name in _SDL_ORIGIN) or moved:
        previous = etree.Element(f"{{{SDL_NS}}}prev-origin")
        for name in _SDL_ORIGIN:
            if seg.get(name) is not None:
                previous.set(name, seg.attrib.pop(name))
        previous.extend(moved)
        seg.insert(0, previous)
    elif record is not None and kept is None and record.previous_match is not None:
        # Pre-translated by tmkit (the file had no origin) and edited since: the match it was, as Trados records one.
        previous = etree.Element(f"{{{SDL_NS}}}prev-origin")
        _set_sdl_match(previous, record, record.previous_match)
        seg.insert(0, previous)
    if record is not None and kept is not None:
        _set_sdl_match(seg, record, kept)
    else:
        seg.set("origin", "interactive")


#: Trados's `text-match` for a match in the same context (tmkit's 101%, Trados's "CM").
_SDL_CONTEXT_MATCH = "SourceAndTarget"


def _set_sdl_match(seg: Any, record: TranslationRecord, match: float) -> None:
    """An `sdl:seg` described as the match its translation is: a repetition's is propagated from the first occurrence
    (`auto-propagated`, as Trados's AutoPropagation), another a memory's (`tm`, its percent, 100 at most, and its
    memory's name as `origin-system`; in context, `text-match`)."""
    if record.repetition:
        seg.set("origin", "auto-propagated")
        return
    seg.set("origin", "tm")
    # (Cut, not rounded, as match bands are: 84.6 is in 75-84, in tmkit's analysis and in Trados's.)
    seg.set("percent", str(min(math.floor(match), 100)))
    if record.memory:
        seg.set("origin-system", record.memory)
    if match > 100:
        seg.set("text-match", _SDL_CONTEXT_MATCH)


#: UTF-16's byte order marks (little and big endian).
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _windows_line_ends(data: bytes) -> bool:
    """Whether most line ends of a file are CR LF."""
    return data.count(b"\r\n") * 2 > data.count(b"\n")


def _crlf(document: bytes) -> bytes:
    """A UTF-8 document's line ends as CR LF: XML reads each as LF, and a Windows file's lines would all come back
    changed. (A line break in a text is one to XML either way; UTF-8 has no 0x0A byte but the line feed.)"""
    return document.replace(b"\n", b"\r\n")


#: What may come before and after an XLIFF file's root: a UTF-8 byte order mark, the XML declaration, comments,
#: processing instructions and white space (a DOCTYPE is refused).
_MISC = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_START_TAG = re.compile(rb"<([^\s/>]+)(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*>")


def _around_root(data: bytes, root: Any) -> tuple[bytes, bytes, bytes] | None:
    """A UTF-8 file's bytes before its root, the root's start tag, and the bytes after the root's end; None for a file
    in another encoding, or one whose layout is not found so (then it is written anew)."""
    encoding = (root.getroottree().docinfo.encoding or "UTF-8").upper().replace("_", "-")
    if encoding not in ("UTF-8", "UTF8"):
        return None
    prolog = _MISC.match(data)
    start = _START_TAG.match(data, prolog.end()) if prolog is not None else None
    name = f"{root.prefix}:{etree.QName(root).localname}" if root.prefix else etree.QName(root).localname
    if prolog is None or start is None or start.group(1) != name.encode("utf-8"):
        return None
    end = data.rfind(b"</" + start.group(1))
    close = data.find(b">", end) + 1 if end > start.end() else 0
    epilog = _MISC.fullmatch(data, close) if close else None
    if epilog is None:
        return None
    return data[: prolog.end()], start.group(0), data[close:]


def _drop_unstarted_ends(unit: Any, names: XliffNames) -> None:
    """A 2.x unit's targets without the `ec`/`em` whose `sc`/`sm` none of them holds before it, their text kept.

    A pair may span a unit's segments; a translation without its start keeps its end (a code alone in its segment
    is put back where a translation lacks it), and an end pointing to no start is invalid XLIFF 2."""
    started: set[tuple[str, str | None]] = set()
    unstarted: list[Any] = []
    for target in unit.iter(names.q("target")):
        for element in target.iter(names.q("sc"), names.q("sm"), names.q("ec"), names.q("em")):
            local = _local(element)
            if local in _OPENING:
                started.add((local, element.get("id")))
            elif (
                element.get("startRef") is not None
                and ({"ec": "sc", "em": "sm"}[local], element.get("startRef")) not in started
            ):
                unstarted.append(element)
    for element in unstarted:
        parent, before = element.getparent(), element.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + (element.tail or "")
        else:
            parent.text = (parent.text or "") + (element.tail or "")
        parent.remove(element)


def _declared_languages(root: Any, names: XliffNames) -> tuple[str | None, str | None]:
    """The source and target languages the file names (its first `<file>`'s in 1.2), None where it names none."""
    if names.is_2:
        return root.get("srcLang") or None, root.get("trgLang") or None
    file = root.find(names.q("file"))
    if file is None:
        return None, None
    return file.get("source-language") or None, file.get("target-language") or None


def _set_or_remove(element: Any, name: str, value: str | None) -> None:
    if value is not None:
        element.set(name, value)
    elif name in element.attrib:
        del element.attrib[name]


def _set_target_language(root: Any, names: XliffNames, target_lang: str) -> None:
    """The target language where the file has none (a 2.x `trgLang`, a 1.2 `<file target-language>`)."""
    if names.is_2:
        if not root.get("trgLang"):
            root.set("trgLang", target_lang)
        return
    for file in root.iter(names.q("file")):
        if not file.get("target-language"):
            file.set("target-language", target_lang)


def _target_of(place: _Place, names: XliffNames) -> Any:
    """The element a segment's translation goes into, made where the file has none yet.

    A 1.2 trans-unit without a `<target>` gets one after its `<source>`; a cut one (`seg-source`) gets a copy of its
    `seg-source` with every marker emptied, so the text between segments and each `mid` are the source's. So does a
    cut one whose `<target>` has no markers (a copy of the `<source>` as some tools fill targets, an empty one): the
    translations went after the source's text, which stayed in the target."""
    found = place.target(names)
    if found is not None:
        return found
    if place.segment is not None:
        return _placed_after(place.source, etree.Element(names.q("target")))
    holder = place.unit.find(names.q("target"))
    cut = place.unit.find(names.q("seg-source"))
    if holder is None and (place.mid is None or cut is None):
        return _placed_after(place.unit.find(names.q("source")), etree.Element(names.q("target")))
    if cut is not None and (holder is None or not any(_is_segment_marker(m) for m in holder.iter(names.q("mrk")))):
        made = copy.deepcopy(cut)
        for marker in made.iter(names.q("mrk")):
            if _is_segment_marker(marker):
                _empty(marker)
        if holder is None:
            made.tag = names.q("target")
            holder = _placed_after(cut, made)
        else:  # its content replaced, its attributes (`state`, `xml:lang`) kept
            _empty(holder)
            holder.text = made.text
            holder.extend(list(made))
        found = place.target(names)
        if found is not None:
            return found
    marker = etree.SubElement(holder, names.q("mrk"), {"mtype": "seg", "mid": place.mid or ""})
    return marker


def _is_segment_marker(element: Any) -> bool:
    return bool(element.get("mtype") == "seg")


def _placed_after(sibling: Any, element: Any) -> Any:
    """``element`` put right after ``sibling``, on a line of its own at its indent when the file is indented."""
    parent = sibling.getparent()
    indent = parent.text if parent.text is not None and not parent.text.strip() else None
    element.tail = sibling.tail
    if indent is not None:
        sibling.tail = indent
    sibling.addnext(element)
    return element


def _empty(element: Any) -> None:
    element.text = None
    for child in list(element):
        element.remove(child)


def _nested(pieces: Sequence[Piece], codes: _Codes) -> list[Piece]:
    """The pieces without the container codes (`g`, `pc`, `mrk`) XML cannot hold as placed: a half without its other
    half, and of two spans that cross, the one closed out of turn (their text stays, without the span)."""
    out = list(pieces)
    while True:
        stack: list[int] = []
        broken: set[int] = set()
        closed: set[int] = set()
        for piece in out:
            if not isinstance(piece, Code) or not _container(piece, codes):
                continue
            if piece.kind is CodeKind.OPEN:
                stack.append(piece.ident)
            elif stack and stack[-1] == piece.ident:
                stack.pop()
                closed.add(piece.ident)
            else:
                broken.add(piece.ident)
        broken |= set(stack)
        if not broken:
            return out
        out = [p for p in out if not (isinstance(p, Code) and _container(p, codes) and p.ident in broken)]


def _container(code: Code, codes: _Codes) -> bool:
    element = codes.elements.get((CodeKind.OPEN, code.ident))
    return element is not None and _local(element) in _CONTAINERS and code.kind is not CodeKind.ALONE


def _fill(target: Any, pieces: Sequence[Piece], codes: _Codes) -> None:
    """``target``'s content replaced by ``pieces``: text as text, each code as a copy of its source element (a
    container's start as an element of its own, holding what follows up to its end)."""
    _empty(target)
    stack = [target]

    def add_text(text: str) -> None:
        parent = stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    for piece in pieces:
        if isinstance(piece, str):
            add_text(piece)
            continue
        element = codes.elements.get((piece.kind, piece.ident))
        if element is None:
            continue
        if _container(piece, codes):
            if piece.kind is CodeKind.OPEN:
                opened = etree.SubElement(stack[-1], element.tag, dict(element.attrib))
                stack.append(opened)
            else:
                stack.pop()
            continue
        placed = copy.deepcopy(element)
        placed.tail = None
        stack[-1].append(placed)


def read_document(path: str | os.PathLike[str]) -> XliffDocument:
    """Read an XLIFF 1.2 or 2.x file as a document to translate."""
    given = os.fspath(path)
    try:
        with open(given, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=given) from None
    return XliffDocument(given, data)
