"""Numbers in segments: find them in either digit system, compare by value, substitute them in targets."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tmkit.memory.model import Content, Segment
from tmkit.text.normalize import Normalizer
from tmkit.text.scripts import has_arabic

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


# -- values with scale words and spelled-out numbers (QA and alignment) ----------------------------------

_D = "0-9\u0660-\u0669\u06f0-\u06f9"
# A number: digits of any of the three systems, thousands grouped by `,` `٬` or a narrow/no-break
# space (only in groups of three, so "1,2" stays two numbers), then an optional `.`/`٫` decimal part.
_VALUE_NUMBER_RE = re.compile(
    rf"(?<![{_D}])(?:[{_D}]{{1,3}}(?:[,\u066c\u00a0\u202f][{_D}]{{3}})+(?![{_D}])|[{_D}]+)(?:[.\u066b][{_D}]+)?"
)
_DECIMAL_TO_ASCII = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}, "\u066b": "."}
)
_GROUPING = str.maketrans("", "", ",\u066c\u00a0\u202f")


def decimal_value(token: str) -> Decimal:
    """The value of a number as written: `٣٬٠٠٠` → 3000, `٣٫٥` → 3.5, `3,000` → 3000."""
    return Decimal(token.translate(_DECIMAL_TO_ASCII).translate(_GROUPING))


# A scale word after a number multiplies it: "١٥٠ ألف" = 150,000, "1.2 million" = 1,200,000.
_SCALES = {
    "ألف": 1000,
    "الف": 1000,
    "آلاف": 1000,
    "الاف": 1000,
    "ألفا": 1000,
    "thousand": 1000,
    "مليون": 10**6,
    "ملايين": 10**6,
    "million": 10**6,
    "مليار": 10**9,
    "مليارات": 10**9,
    "بليون": 10**9,
    "billion": 10**9,
}
_SCALE_AFTER_RE = re.compile(
    r"[\s\u00a0]*(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")[\u064b-\u065f]*(?!\w)", re.IGNORECASE
)
# "مليون و200 ألف": a bare scale word, then "و" and a number, adds up (1,200,000).
_SCALE_BEFORE_RE = re.compile(r"(مليون|مليار)[\u064b-\u065f]*\s+و\s*$")


def extract_numbers(text: str) -> list[tuple[str, Decimal]]:
    """The numbers in a text with their values: Western, Arabic-Indic and Persian digits, scale words.

    `٣٬٠٠٠`, `3,000`, `3000` and `٣ آلاف` are all 3000; `٣٫٥` is 3.5; `1.2 million` and
    `مليون و200 ألف` are 1200000.
    """
    found = []
    for match in _VALUE_NUMBER_RE.finditer(text):
        token = match.group()
        try:
            value = decimal_value(token)
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            continue
        scale = _SCALE_AFTER_RE.match(text, match.end())
        if scale is not None:
            value *= _SCALES[scale.group(1).lower()]
            token = text[match.start() : scale.end()].strip()
            before = _SCALE_BEFORE_RE.search(text, max(0, match.start() - 16), match.start())
            if before is not None:
                value += _SCALES[before.group(1)]
                token = text[before.start() : scale.end()]
        found.append((token, value.normalize()))
    return found


def _words(text: str) -> list[str]:
    return text.split()


# Numbers written as words excuse a digit on the other side: "الدورة الثالثة عشرة" ↔ "13th session".
# Arabic forms are given after tmkit's normalization (no harakat, bare alef), without "ال".
_AR_UNITS = {
    1: "واحد واحدة اول اولى حادي حادية احد احدى",
    2: "اثنان اثنين اثنتان اثنتين ثاني ثانية اثنا اثنتا اثني اثنتي",
    3: "ثلاث ثلاثة ثالث ثالثة",
    4: "اربع اربعة رابع رابعة",
    5: "خمس خمسة خامس خامسة",
    6: "ست ستة سادس سادسة",
    7: "سبع سبعة سابع سابعة",
    8: "ثمان ثماني ثمانية ثامن ثامنة",
    9: "تسع تسعة تاسع تاسعة",
    10: "عشر عشرة عاشر عاشرة",
}
_AR_TENS = {
    20: "عشرون عشرين",
    30: "ثلاثون ثلاثين",
    40: "اربعون اربعين",
    50: "خمسون خمسين",
    60: "ستون ستين",
    70: "سبعون سبعين",
    80: "ثمانون ثمانين",
    90: "تسعون تسعين",
    100: "مئة مائة",
    200: "مئتان مئتين مائتان مائتين",
    1000: "الف",
    2000: "الفان الفين",
    10**6: "مليون",
    10**9: "مليار",
}
_AR_WORDS = {w: v for table in (_AR_UNITS, _AR_TENS) for v, words in table.items() for w in words.split()}
_EN_UNITS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
)
_EN_ORDINALS = _words(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
)
_EN_TENS = _words("twenty thirty forty fifty sixty seventy eighty ninety")
_EN_WORDS: dict[str, int] = {
    **{w: i for i, w in enumerate(_EN_UNITS)},
    **{w: i for i, w in enumerate(_EN_ORDINALS)},
    **{w: 20 + 10 * i for i, w in enumerate(_EN_TENS)},
    **{w[:-1] + "ieth": 20 + 10 * i for i, w in enumerate(_EN_TENS)},
    "hundred": 100,
    "hundredth": 100,
    "thousand": 1000,
    "thousandth": 1000,
    "million": 10**6,
    "billion": 10**9,
}
_AR_WORD_RE = re.compile(r"\w+")
_AR_NORMALIZER = Normalizer("ar")


def _arabic_word_value(word: str) -> int | None:
    for candidate in (word, word[1:] if word[:1] in "وفبل" else ""):
        if not candidate:
            continue
        bare = candidate[2:] if candidate.startswith("ال") else candidate
        if bare.startswith("ل") and candidate.startswith("لل"):
            bare = candidate[2:]
        if bare in _AR_WORDS:
            return _AR_WORDS[bare]
    return None


def spelled_numbers(text: str) -> set[int]:
    """Numbers written as words (Arabic or English, cardinal or ordinal, up to compounds like 25th)."""
    values: set[int] = set()
    if has_arabic(text):
        words = _AR_WORD_RE.findall(_AR_NORMALIZER(text))
        previous: int | None = None
        for word in words:
            value = _arabic_word_value(word)
            if value is None:
                previous = None
                continue
            values.add(value)
            if value == 10 and previous is not None and previous < 10:
                values.add(10 + previous)  # الثالثة عشرة, ستة عشر
            if previous is not None and previous < 10 and 20 <= value <= 90 and word.startswith("و"):
                values.add(previous + value)  # خمسة وعشرون
            previous = value
    lowered = text.lower()
    words = list(re.finditer(r"[a-z]+", lowered))
    for match in words:
        if match.group() in _EN_WORDS:
            values.add(_EN_WORDS[match.group()])
    for first, second in itertools.pairwise(words):
        # twenty-five, twenty fifth
        tens, unit = _EN_WORDS.get(first.group()), _EN_WORDS.get(second.group())
        joined_by = lowered[first.end() : second.start()]
        if tens is not None and unit is not None and joined_by in ("-", " ") and 20 <= tens <= 90 and 0 < unit < 10:
            values.add(tens + unit)
    return values
