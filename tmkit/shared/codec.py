"""Units and headers as JSON text and back, field for field, so a database row holds all a TMX unit holds."""

from __future__ import annotations

import json
from typing import Any

from tmkit.memory.model import (
    Content,
    Header,
    Inline,
    Note,
    Prop,
    RawElement,
    Segment,
    Status,
    TranslationUnit,
    Variant,
)

#: Bump when the JSON layout of a unit or header changes (stored in every row's ``body``).
CODEC_VERSION = 1

_Pairs = tuple[tuple[str, str], ...]


def _pairs(raw: list[list[str]]) -> _Pairs:
    return tuple((key, value) for key, value in raw)


def _content_out(parts: tuple[Content, ...]) -> list[Any]:
    # A string stays a string; an element is an object, so the two never collide.
    return [part if isinstance(part, str) else _inline_out(part) for part in parts]


def _inline_out(inline: Inline) -> dict[str, Any]:
    return {"t": inline.tag, "a": [list(pair) for pair in inline.attrs], "c": _content_out(inline.content)}


def _content_in(raw: list[Any]) -> tuple[Content, ...]:
    return tuple(part if isinstance(part, str) else _inline_in(part) for part in raw)


def _inline_in(raw: dict[str, Any]) -> Inline:
    return Inline(raw["t"], _pairs(raw["a"]), _content_in(raw["c"]))


def _props_out(props: list[Prop]) -> list[Any]:
    return [[p.type, p.value, p.lang, [list(pair) for pair in p.extra_attrs]] for p in props]


def _props_in(raw: list[Any]) -> list[Prop]:
    return [Prop(kind, value, lang, _pairs(extra)) for kind, value, lang, extra in raw]


def _notes_out(notes: list[Note]) -> list[Any]:
    return [[n.text, n.lang, [list(pair) for pair in n.extra_attrs]] for n in notes]


def _notes_in(raw: list[Any]) -> list[Note]:
    return [Note(text, lang, _pairs(extra)) for text, lang, extra in raw]


#: The provenance fields units, variants and headers share, in the order they are stored.
_DATED = ("creation_date", "creation_id", "change_date", "change_id")
_USAGE = ("usage_count", "last_usage_date")


def _variant_out(variant: Variant) -> dict[str, Any]:
    out: dict[str, Any] = {
        "lang": variant.lang,
        "seg": _content_out(variant.segment.content),
        "props": _props_out(variant.props),
        "notes": _notes_out(variant.notes),
    }
    for name in (*_DATED, *_USAGE):
        out[name] = getattr(variant, name)
    out["extra"] = list(variant.extra_attrs.items())  # a list keeps the file's order through JSON
    return out


def _variant_in(raw: dict[str, Any]) -> Variant:
    variant = Variant(
        lang=raw["lang"],
        segment=Segment(_content_in(raw["seg"])),
        props=_props_in(raw["props"]),
        notes=_notes_in(raw["notes"]),
        extra_attrs=dict(_pairs(raw["extra"])),
    )
    for name in (*_DATED, *_USAGE):
        setattr(variant, name, raw[name])
    return variant


def unit_to_json(unit: TranslationUnit) -> str:
    """The whole unit as JSON text (its line in a file is not kept: a database row has none)."""
    out: dict[str, Any] = {
        "v": CODEC_VERSION,
        "tuid": unit.tuid,
        "status": unit.status.value,
        "rejected": unit.rejected,
        "status_label": unit.status_label,
        "srclang": unit.srclang,
        "props": _props_out(unit.props),
        "notes": _notes_out(unit.notes),
    }
    for name in (*_DATED, *_USAGE):
        out[name] = getattr(unit, name)
    out["extra"] = list(unit.extra_attrs.items())
    out["variants"] = [_variant_out(v) for v in unit.variants]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def unit_from_json(text: str) -> TranslationUnit:
    """The unit `unit_to_json` wrote."""
    raw = json.loads(text)
    if raw.get("v") != CODEC_VERSION:
        raise ValueError(f"a unit stored in layout {raw.get('v')!r}, this tmkit reads layout {CODEC_VERSION}")
    unit = TranslationUnit(
        variants=[_variant_in(v) for v in raw["variants"]],
        tuid=raw["tuid"],
        status=Status(raw["status"]),
        rejected=raw["rejected"],
        status_label=raw["status_label"],
        srclang=raw["srclang"],
        props=_props_in(raw["props"]),
        notes=_notes_in(raw["notes"]),
        extra_attrs=dict(_pairs(raw["extra"])),
    )
    for name in (*_DATED, *_USAGE):
        setattr(unit, name, raw[name])
    return unit


def _raw_out(element: RawElement) -> dict[str, Any]:
    return {"t": element.tag, "a": [list(pair) for pair in element.attrs], "c": [_raw_out(c) for c in element.children]}


def _raw_in(raw: dict[str, Any]) -> RawElement:
    return RawElement(raw["t"], _pairs(raw["a"]), tuple(_raw_in(c) for c in raw["c"]))


_HEADER_TEXT = (
    "srclang",
    "adminlang",
    "segtype",
    "datatype",
    "o_tmf",
    "creationtool",
    "creationtoolversion",
    *_DATED,
)


def header_to_json(header: Header) -> str:
    out: dict[str, Any] = {"v": CODEC_VERSION}
    for name in _HEADER_TEXT:
        out[name] = getattr(header, name)
    out["props"] = _props_out(header.props)
    out["notes"] = _notes_out(header.notes)
    out["udes"] = [_raw_out(u) for u in header.udes]
    out["extra"] = list(header.extra_attrs.items())
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def header_from_json(text: str) -> Header:
    raw = json.loads(text)
    if raw.get("v") != CODEC_VERSION:
        raise ValueError(f"a header stored in layout {raw.get('v')!r}, this tmkit reads layout {CODEC_VERSION}")
    header = Header(
        props=_props_in(raw["props"]),
        notes=_notes_in(raw["notes"]),
        udes=[_raw_in(u) for u in raw["udes"]],
        extra_attrs=dict(_pairs(raw["extra"])),
    )
    for name in _HEADER_TEXT:
        setattr(header, name, raw[name])
    return header
