"""Numbers in segments: find them in either digit system, compare by value, substitute them in targets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tmkit.memory.model import Content, Segment

_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
_DIGIT = "0-9٠-٩۰-۹"
#: A number: digits with optional thousands groups and a decimal part, in any digit system.
NUMBER_RE = re.compile(f"(?<![{_DIGIT}])[{_DIGIT}]+(?:[.,٫٬][{_DIGIT}]+)*(?![{_DIGIT}])")
_TO_ASCII = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(_ARABIC_INDIC)},
        **{c: str(i) for i, c in enumerate(_PERSIAN)},
        "٫": ".",
        "٬": ",",
    }
)
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class NumberToken:
    """A number as written (``text``) and its value as a canonical ASCII string (``value``)."""

    text: str
    value: str
    start: int
    end: int

    @property
    def arabic_indic(self) -> bool:
        return any(c in _ARABIC_INDIC or c in _PERSIAN for c in self.text)


def number_value(text: str) -> str:
    """The value of a written number: `٣٬٠٠٠` and `3,000` and `3000` are all `3000`; `٣٫٥` is `3.5`."""
    ascii_text = text.translate(_TO_ASCII)
    if _THOUSANDS_RE.match(ascii_text):
        return ascii_text.replace(",", "")
    if ascii_text.count(",") == 1 and "." not in ascii_text:
        return ascii_text.replace(",", ".")  # a decimal comma
    return ascii_text


def find_numbers(text: str) -> list[NumberToken]:
    return [NumberToken(m.group(), number_value(m.group()), m.start(), m.end()) for m in NUMBER_RE.finditer(text)]


def mask_numbers(text: str, mask: str = "#") -> str:
    """The text with every number replaced by ``mask``."""
    return NUMBER_RE.sub(mask, text)


def render_number(value: str, *, like: NumberToken) -> str:
    """Write ``value`` in the digit system and separators of an existing number."""
    uses_thousands = bool(_THOUSANDS_RE.match(like.text.translate(_TO_ASCII))) and "," in like.text.translate(_TO_ASCII)
    text = value
    if uses_thousands and "." not in value and len(value) > 3:
        text = f"{int(value):,}"
    if like.arabic_indic:
        persian = any(c in _PERSIAN for c in like.text)
        digits = _PERSIAN if persian else _ARABIC_INDIC
        table: dict[str, str | int | None] = {str(i): digits[i] for i in range(10)}
        table.update({".": "٫", ",": "٬"})
        text = text.translate(str.maketrans(table))
    return text


@dataclass(frozen=True, slots=True)
class Substitution:
    old: str
    new: str


def substitute_numbers(
    query: str, stored_source: str, target: Segment
) -> tuple[Segment, tuple[Substitution, ...]] | None:
    """Adapt ``target`` to a query that differs from ``stored_source`` only in its numbers.

    Each number of the stored source is paired with the query's number at the same position;
    the stored number's occurrence in the target (by value, in either digit system) is replaced
    by the query's value, written in the target's own digit system. None when the texts differ
    in more than numbers, when the numbers do not pair up, or when a number cannot be found in
    the target (spelled out, say): then no substitution is offered.
    """
    query_numbers, stored_numbers = find_numbers(query), find_numbers(stored_source)
    if len(query_numbers) != len(stored_numbers) or not query_numbers:
        return None
    mapping: dict[str, str] = {}
    for old, new in zip(stored_numbers, query_numbers, strict=True):
        if mapping.get(old.value, new.value) != new.value:
            return None  # one stored number would have to become two different ones
        mapping[old.value] = new.value
    mapping = {old: new for old, new in mapping.items() if old != new}
    if not mapping:
        return None
    parts: list[Content] = []
    changes: list[Substitution] = []
    found: set[str] = set()
    for part in target.content:
        if not isinstance(part, str):
            parts.append(part)
            continue
        out, last = [], 0
        for token in find_numbers(part):
            if token.value in mapping:
                rendered = render_number(mapping[token.value], like=token)
                out.append(part[last : token.start] + rendered)
                last = token.end
                found.add(token.value)
                changes.append(Substitution(token.text, rendered))
        out.append(part[last:])
        parts.append("".join(out))
    if found != set(mapping):
        return None
    return Segment(tuple(parts)), tuple(changes)
