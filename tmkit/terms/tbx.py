"""TBX termbases in and out: TBX-Basic / TBX v2 (`martif`) and TBX v3 (`tbx`, DCA style; DCT read too).

Read with the hardened parser settings of `tmkit.formats.xml_safety` (no entities, DTD or network);
a bad document is one `InputError` naming the file and line. Written atomically, deterministically.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from tmkit.atomic import atomic_write
from tmkit.errors import InputError
from tmkit.memory.langtags import two_letter_tag
from tmkit.terms.model import Concept, Extra, Term, Termbase, TermStatus

#: TBX v3's namespace (ISO 30042:2019).
TBX3_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: The dialect tmkit writes (its data categories are TBX-Basic's).
TBX_DIALECT = "TBX-Basic"

STATUS_VALUES = {
    TermStatus.PREFERRED: "preferredTerm-admn-sts",
    TermStatus.ADMITTED: "admittedTerm-admn-sts",
    TermStatus.FORBIDDEN: "deprecatedTerm-admn-sts",
    TermStatus.SUPERSEDED: "supersededTerm-admn-sts",
}
_STATUS_BY_VALUE = {value.lower(): status for status, value in STATUS_VALUES.items()} | {
    "preferred": TermStatus.PREFERRED,
    "admitted": TermStatus.ADMITTED,
    "deprecated": TermStatus.FORBIDDEN,
    "forbidden": TermStatus.FORBIDDEN,
    "superseded": TermStatus.SUPERSEDED,
}
_CREATED = ("origination", "creation")
_MODIFIED = ("modification",)


@dataclass(slots=True)
class TbxRead:
    """A termbase read from TBX, the TBX version, and what of the file tmkit could not keep (line, what)."""

    termbase: Termbase
    version: int
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _local(elem: Any) -> str:
    return etree.QName(elem).localname if isinstance(elem.tag, str) else ""


def _text(elem: Any) -> str:
    return "".join(elem.itertext())


def _parse_date(raw: str, path: str, line: int | None) -> datetime:
    try:
        return datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InputError(
            f"bad date {raw.strip()!r} (TBX dates are ISO 8601: 2024-05-01)", path=path, line=line
        ) from None


def _format_date(value: datetime) -> str:
    if value.tzinfo is None and (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return value.date().isoformat()
    return value.isoformat()


def parse_tbx(data: bytes, *, path: str = "<tbx>") -> TbxRead:
    """Read TBX v2 or v3 from bytes (see `read_tbx`)."""
    from tmkit.formats.xml_safety import (
        ENTITY_SEARCH_BYTES,
        SAFE_XML_OPTIONS,
        entity_declaration_line,
        syntax_error_message,
    )

    parser = etree.XMLParser(**SAFE_XML_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        message = syntax_error_message(exc)
        if message.startswith("Entity") and "not defined" in message:
            message += " (entities are not allowed in a termbase)"
        raise InputError(message, path=path, line=line or None) from None
    except ValueError as exc:
        raise InputError(f"cannot read: {exc}", path=path) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and list(dtd.entities()):
        line = entity_declaration_line(data[:ENTITY_SEARCH_BYTES])
        raise InputError("the document declares entities; refused for safety", path=path, line=line)
    name = _local(root)
    if name not in ("martif", "tbx"):
        raise InputError(f"not a TBX document: the root element is <{name}>, not <martif> or <tbx>", path=path, line=1)
    version = 2 if name == "martif" else 3
    read = TbxRead(Termbase(lang=root.get(XML_LANG)), version)
    texts: list[str] = []
    for child in root:
        if _local(child) in ("martifHeader", "tbxHeader"):
            texts += [_text(p) for p in child.iter() if _local(p) == "p" and _parent_local(p) == "sourceDesc"]
    # An empty description is written as one empty <p/> (TBX requires one): both read as none.
    read.termbase.description = "\n".join(texts) or None
    entry_name = "termEntry" if version == 2 else "conceptEntry"
    for entry in root.iter():
        if _local(entry) == entry_name:
            read.termbase.concepts.append(_read_concept(entry, read, path))
    read.termbase.changed()
    return read


def _parent_local(elem: Any) -> str:
    parent = elem.getparent()
    return _local(parent) if parent is not None else ""


def _category(elem: Any) -> tuple[str, str, str] | None:
    """(element, type, value) of a data category, DCA (`<descrip type="definition">`) or DCT (`<definition>`)."""
    name = _local(elem)
    if name in ("descrip", "termNote", "admin", "ref", "xref"):
        return name, elem.get("type") or "", _text(elem)
    if len(elem) == 0 and name not in ("term", "note", "transacGrp", "langSet", "langSec", "tig", "termSec"):
        return name, name, _text(elem)  # DCT style: the element names the category
    return None


def _read_dates(group: Any, path: str) -> tuple[str, datetime | None]:
    kind, when = "", None
    for part in group:
        if _local(part) == "transac":
            kind = _text(part).strip()
        elif _local(part) == "date":
            when = _parse_date(_text(part), path, part.sourceline)
    return kind, when


def _read_concept(entry: Any, read: TbxRead, path: str) -> Concept:
    concept = Concept(entry.get("id") or "")
    extras: list[Extra] = []
    for child in entry:
        name = _local(child)
        if name in ("langSet", "langSec"):
            _read_language(child, concept, read, path)
        elif name == "note":
            concept.note = _joined_note(concept.note, _text(child))
        elif name == "descripGrp":
            for part in child:
                _concept_category(part, concept, extras, read)
        elif name:
            _concept_category(child, concept, extras, read)
    concept.extras = tuple(extras)
    if not concept.id:
        concept.id = f"line{entry.sourceline}"
    return concept


def _concept_category(child: Any, concept: Concept, extras: list[Extra], read: TbxRead) -> None:
    category = _category(child)
    if category is None:
        read.skipped.append((child.sourceline, f"<{_local(child)}> in a concept"))
    elif category[1] == "subjectField":
        concept.subject = category[2]
    elif category[1] == "definition":
        concept.definition = category[2]
    else:
        extras.append(Extra(*category))


def _read_language(lang_set: Any, concept: Concept, read: TbxRead, path: str) -> None:
    lang = lang_set.get(XML_LANG) or lang_set.get("lang")
    if not lang:
        raise InputError(f"<{_local(lang_set)}> without xml:lang", path=path, line=lang_set.sourceline)
    lang = two_letter_tag(lang)  # `ara`, as some tools write it, is the job's `ar`
    # A language's definition is TBX-Basic's `descripGrp` (the definition with its source) as often as a bare
    # `descrip`: read in either (the group's other parts are named as left out).
    children = list(lang_set)
    for child in children:
        name = _local(child)
        if name == "descripGrp":
            children.extend(child)
        elif name in ("tig", "termSec"):
            term = _read_term(child, lang, read, path)
            if term is not None:
                concept.terms.append(term)
        elif name == "ntig":  # TBX v2's nested form: ntig/termGrp/term with its termNotes
            group = next((g for g in child if _local(g) == "termGrp"), None)
            if group is not None:
                term = _read_term(group, lang, read, path, outer=child)
                if term is not None:
                    concept.terms.append(term)
        elif name:
            category = _category(child)
            if category is not None and category[1] == "definition":
                concept.language_definitions[lang] = category[2]
            else:
                read.skipped.append((child.sourceline, f"<{_local(child)}> in a language section"))


def _read_term(group: Any, lang: str, read: TbxRead, path: str, outer: Any = None) -> Term | None:
    fields: dict[str, Any] = {}
    extras: list[Extra] = []
    parts = list(group) + ([p for p in outer if p is not group] if outer is not None else [])
    for part in parts:
        name = _local(part)
        if name == "term":
            fields["text"] = _text(part)
        elif name == "note":
            fields["note"] = _joined_note(fields.get("note"), _text(part))
        elif name == "transacGrp":
            kind, when = _read_dates(part, path)
            if kind in _CREATED:
                fields["created"] = when
            elif kind in _MODIFIED:
                fields["modified"] = when
            else:
                read.skipped.append((part.sourceline, f"transaction {kind!r}"))
        elif name == "descripGrp":
            parts.extend(part)
        elif name:
            category = _category(part)
            if category is None:
                read.skipped.append((part.sourceline, f"<{name}> in a term"))
                continue
            kind = category[1]
            if kind == "administrativeStatus" and category[2].strip().lower() in _STATUS_BY_VALUE:
                fields["status"] = _STATUS_BY_VALUE[category[2].strip().lower()]
            elif kind == "partOfSpeech":
                fields["part_of_speech"] = category[2]
            elif kind == "definition":
                fields["definition"] = category[2]
            elif kind == "source":
                fields["source"] = category[2]
            else:
                extras.append(Extra(*category))
    if not fields.get("text"):
        read.skipped.append((group.sourceline, "a term without text"))
        return None
    return Term(lang=lang, extras=tuple(extras), **fields)


def _joined_note(held: str | None, note: str) -> str:
    """A term's or concept's notes as one: TBX allows several `<note>`s, and the model one note (the next used to
    replace the one before it, so a converted termbase kept only the last)."""
    return note if held is None else f"{held}\n{note}"


def read_tbx(path: str | os.PathLike[str]) -> TbxRead:
    """Read a TBX file, v2 (`martif`) or v3 (`tbx`), whichever it is."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=os.fspath(path)) from None
    return parse_tbx(data, path=os.fspath(path))


# -- writing ------------------------------------------------------------------------------------


def dumps_tbx(termbase: Termbase, *, version: int = 2) -> bytes:
    """The termbase as a TBX document, v2 (`martif`, TBX-Basic) or v3 (`tbx`, DCA style)."""
    ns = f"{{{TBX3_NAMESPACE}}}" if version == 3 else ""

    def sub(parent: Any, name: str, text: str | None = None, **attrs: str) -> Any:
        elem = etree.SubElement(parent, ns + name, attrs)
        if text is not None:
            try:
                elem.text = text
            except ValueError:
                raise InputError(f"cannot write TBX: {text[:40]!r} holds a character XML cannot hold") from None
        return elem

    if version == 3:
        root = etree.Element(ns + "tbx", nsmap={None: TBX3_NAMESPACE}, type=TBX_DIALECT, style="dca")
    else:
        root = etree.Element("martif", type=TBX_DIALECT)
    if termbase.lang:
        root.set(XML_LANG, termbase.lang)
    header = sub(root, "martifHeader" if version == 2 else "tbxHeader")
    source_desc = sub(sub(header, "fileDesc"), "sourceDesc")
    for line in (termbase.description or "").split("\n"):
        sub(source_desc, "p", line or None)
    body = sub(sub(root, "text"), "body")
    for concept in termbase.concepts:
        entry = sub(body, "termEntry" if version == 2 else "conceptEntry", id=concept.id)
        if concept.subject is not None:
            sub(entry, "descrip", concept.subject, type="subjectField")
        if concept.definition is not None:
            sub(entry, "descrip", concept.definition, type="definition")
        for extra in concept.extras:
            _write_extra(sub, entry, extra)
        if concept.note is not None:
            sub(entry, "note", concept.note)
        languages = list(dict.fromkeys([*(t.lang for t in concept.terms), *concept.language_definitions]))
        for lang in languages:
            lang_set = sub(entry, "langSet" if version == 2 else "langSec")
            lang_set.set(XML_LANG, lang)
            if lang in concept.language_definitions:
                sub(lang_set, "descrip", concept.language_definitions[lang], type="definition")
            for term in (t for t in concept.terms if t.lang == lang):
                _write_term(sub, sub(lang_set, "tig" if version == 2 else "termSec"), term)
    try:
        body_bytes = bytes(etree.tostring(root, encoding="UTF-8", pretty_print=True))
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body_bytes.rstrip(b"\n") + b"\n"
    except ValueError as exc:
        raise InputError(f"cannot write TBX: {exc}") from None


def _write_extra(sub: Any, parent: Any, extra: Extra) -> None:
    if extra.element in ("descrip", "termNote", "admin", "ref", "xref"):
        sub(parent, extra.element, extra.value, type=extra.type)
    else:
        sub(parent, "descrip", extra.value, type=extra.type)


def _write_term(sub: Any, parent: Any, term: Term) -> None:
    sub(parent, "term", term.text)
    if term.part_of_speech is not None:
        sub(parent, "termNote", term.part_of_speech, type="partOfSpeech")
    if term.status is not None:
        sub(parent, "termNote", STATUS_VALUES[term.status], type="administrativeStatus")
    if term.definition is not None:
        sub(parent, "descrip", term.definition, type="definition")
    if term.source is not None:
        sub(parent, "admin", term.source, type="source")
    for extra in term.extras:
        _write_extra(sub, parent, extra)
    for kind, when in (("origination", term.created), ("modification", term.modified)):
        if when is not None:
            group = sub(parent, "transacGrp")
            sub(group, "transac", kind, type="transactionType")
            sub(group, "date", _format_date(when))
    if term.note is not None:
        sub(parent, "note", term.note)


def write_tbx(path: str | os.PathLike[str], termbase: Termbase, *, version: int = 2) -> None:
    """Write the termbase as TBX atomically (see `dumps_tbx`)."""
    data = dumps_tbx(termbase, version=version)
    with atomic_write(path, binary=True) as handle:
        handle.write(data)
