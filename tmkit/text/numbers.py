"""The one number reader: digits of any system, separators, scale words, times, decades and words, by value."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from tmkit.memory.model import Content, Segment
from tmkit.text.normalize import Normalizer
from tmkit.text.scripts import has_arabic

_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
_DIGIT = "0-9٠-٩۰-۹"
#: A number: digits with optional thousands groups and a decimal part, in any digit system.
# `،` (the Arabic comma, which tmkit's normalizer makes `,`) joins digits too: `783،562`, `15،00`.
NUMBER_RE = re.compile(f"(?<![{_DIGIT}])[{_DIGIT}]+(?:[.,٫٬،][{_DIGIT}]+)*(?![{_DIGIT}])")
_TO_ASCII = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(_ARABIC_INDIC)},
        **{c: str(i) for i, c in enumerate(_PERSIAN)},
        "٫": ".",
        "٬": ",",
        "،": ",",
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


def counted_noun_class(value: str, *, arabic: bool) -> str:
    """The form a noun counted by ``value`` takes: substituting a number of another class breaks agreement.

    Arabic (`arabic`): `1`, `2`, `3–10` (plural, genitive), `11–99` (singular, accusative), `100+`
    (singular, genitive), and `0 or a fraction`: `5 دقائق` but `25 دقيقة`. English: `1` (singular)
    or `other` (plural). A value that is no single number is its own class.
    """
    try:
        number = Decimal(value)
    except ArithmeticError:
        return value
    if number != number.to_integral_value() or number == 0:
        return "0 or a fraction"
    whole = abs(int(number))
    if not arabic:
        return "1" if whole == 1 else "other"
    if whole <= 2:
        return str(whole)
    if whole <= 10:
        return "3–10"
    return "11–99" if whole <= 99 else "100+"


# -- reading numbers by value: QA, alignment (and, through `number_value`, matching) ------------------
#
# One tokenizer (`NUMBER_RE`) finds the digit runs; `_parse_digits` reads one run; `read_numbers`
# widens a run by what stands around it (a scale word, a time, a decade, a year range, a code) and
# `spelled_keys` reads numbers written in words. A reading carries *keys*, the values it may mean
# (`n:76000`, `t:5:30`, `decade:1980`, `century:19`), so two readings agree when they share a key.


class ReadingKind(StrEnum):
    """How a reading takes part in a comparison."""

    NUMBER = "number"  # digits: the other side must have it, once for each time it is written here
    CODE = "code"  # digits inside a name or code (KV62, F-16, 4x4): the other side must have it at least once


@dataclass(frozen=True, slots=True)
class NumberReading:
    """A number in a text as written (with its scale word, suffix or range), and the values it may mean.

    ``keys`` are the readings that are sure; ``doubtful`` the ones that are possible but not sure
    (`76.000` in Arabic is surely 76,000 and doubtfully 76 written to three places), ``note`` says why.
    """

    text: str
    start: int
    end: int
    keys: frozenset[str]
    value: Decimal
    kind: ReadingKind = ReadingKind.NUMBER
    doubtful: frozenset[str] = frozenset()
    note: str = ""


_DIGITS_ONLY_TO_ASCII = str.maketrans(
    {**{c: str(i) for i, c in enumerate(_ARABIC_INDIC)}, **{c: str(i) for i, c in enumerate(_PERSIAN)}}
)
_SEPARATOR_RE = re.compile("[.,\u066b\u066c\u060c]")
_GROUPING_ONLY = "\u066c"  # ٬ is never a decimal point
_POINT_ONLY = "\u066b"  # ٫ is never a thousands separator
_COMMAS = ",\u060c\u066c"
_POINTS = ".\u066b"


def _parse_digits(text: str, *, arabic: bool) -> tuple[str | None, str | None]:
    """A digit run's value as canonical ASCII (`1234.50`), and a second reading when the run is ambiguous.

    Thousands are grouped by `,` `٬` `،` (and, in Arabic text, `.`) in groups of three; `.` `٫` and a
    single comma before other than three digits are decimal points (`6,34` is 6.34: the Arabic decimal
    comma); with both kinds, the last one is the point (`1,234.5`, `1.234,5`). In Arabic text
    `76.000` is 76,000 (thousands grouped by a full stop, as many Arabic translators write) with 76.000
    as the second reading. None when the run is no single number (`1.2.3`, a version or a date).
    """
    ascii_text = text.translate(_DIGITS_ONLY_TO_ASCII)
    separators = _SEPARATOR_RE.findall(ascii_text)
    if not separators:
        return ascii_text, None
    groups = _SEPARATOR_RE.split(ascii_text)
    first, rest = groups[0], groups[1:]
    grouped = 1 <= len(first) <= 3 and all(len(g) == 3 for g in rest)
    kinds = set(separators)
    if kinds <= set(_COMMAS):
        if grouped:
            return "".join(groups), None
        if len(separators) == 1 and separators[0] != _GROUPING_ONLY:
            return f"{first}.{rest[0]}", None
        return None, None
    if kinds <= set(_POINTS):
        if len(separators) == 1:
            decimal = f"{first}.{rest[0]}"
            if separators[0] == "." and arabic and grouped:
                return "".join(groups), decimal
            return decimal, None
        if kinds == {"."} and grouped:
            return "".join(groups), None  # 1.234.567: only grouping has more than one
        return None, None
    point, grouping = separators[-1], set(separators[:-1])
    if point == _GROUPING_ONLY or (point in _POINTS and grouping & set(_POINTS)):
        return None, None
    if point in _COMMAS and (grouping & set(_COMMAS) or _POINT_ONLY in grouping):
        return None, None
    whole = groups[:-1]
    if not (1 <= len(whole[0]) <= 3 and all(len(g) == 3 for g in whole[1:])):
        return None, None
    return "".join(whole) + "." + groups[-1], None


def number_value(text: str) -> str:
    """The value of a written number: `٣٬٠٠٠` and `3,000` and `3000` are all `3000`; `٣٫٥` is `3.5`.

    Read without a language (as the matcher does): a full stop is a decimal point. A run that is no
    single number (`1.2.3`) is its digits in ASCII as written.
    """
    value, _ = _parse_digits(text, arabic=False)
    return value if value is not None else text.translate(_TO_ASCII)


def _key(value: Decimal) -> str:
    return "n:" + format(value.normalize(), "f")


# Scale words and abbreviations after a number multiply it: "١٥٠ ألف", "1.2 million", "£2.8bn".
_SCALES = {
    "ألف": 10**3,
    "الف": 10**3,
    "آلاف": 10**3,
    "الاف": 10**3,
    "ألفا": 10**3,
    "الفا": 10**3,
    "thousand": 10**3,
    "مليون": 10**6,
    "ملايين": 10**6,
    "مليونا": 10**6,
    "million": 10**6,
    "millions": 10**6,
    "مليار": 10**9,
    "مليارات": 10**9,
    "مليارا": 10**9,
    "بليون": 10**9,
    "billion": 10**9,
    "تريليون": 10**12,
    "ترليون": 10**12,
    "trillion": 10**12,
}
_HARAKAT = "\u064b-\u065f\u0670"
_SCALE_WORD_RE = re.compile(
    r"[\s\u00a0]*(?:-[\s\u00a0]*)?(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + rf")[{_HARAKAT}]*(?![\w])",
    re.IGNORECASE,
)
# bn and tn say billion and trillion after any number; m, mn and k only after a currency (£125m, $5k),
# since elsewhere they are metres and kilo-units.
_ABBREVIATIONS = {"bn": 10**9, "tn": 10**12, "m": 10**6, "mn": 10**6, "k": 10**3}
_ABBREVIATION_RE = re.compile(r"[\s\u00a0]?(bn|tn|mn|m|k)\b", re.IGNORECASE)
_CURRENCY_BEFORE_RE = re.compile(r"(?:[$£€¥₹]|\b(?:US|A|C|NZ|HK)\$|\b(?:USD|GBP|EUR|JPY|AUD|CAD)[\s\u00a0]?)$")
# "مليون و200 ألف" and "3 ملايين و500 ألف" add up: a larger scale, "و", then a smaller amount.
_AND_RE = re.compile(r"[\s\u00a0]*و[\s\u00a0]*$")
_BARE_SCALE_BEFORE_RE = re.compile(rf"(?<![\w])[وب]?(مليون|مليار|ألف|الف)[{_HARAKAT}]*[\s\u00a0]+و[\s\u00a0]*$")
# Times: 04:00, ٩:٣٠, 5.30pm, 1200 GMT. A time's key uses the 12-hour clock, so 17:30 = 5:30 مساءً.
_TIME_SUFFIX_RE = re.compile(
    r"[\s\u00a0]?(?:[ap]\.?m\b\.?|gmt\b|utc\b|hrs?\b|hours\b|h\b|صباحا|مساء|ظهرا|بتوقيت)", re.IGNORECASE
)
_AM_PM_RE = re.compile(r"[\s\u00a0]?[ap]\.?m\b\.?", re.IGNORECASE)
# Decades and centuries in English: the 1980s, the '90s, the 1800s.
_DECADE_SUFFIX_RE = re.compile(r"['’]?s(?![A-Za-z])")
_ORDINAL_SUFFIX_RE = re.compile(r"(?:st|nd|rd|th)(?![A-Za-z])", re.IGNORECASE)
_RANGE_DASH = "-\u2013\u2014/"
# Digits inside a name or code: after Latin letters (KV62, F-16), after a word and a hyphen in any
# script (إل-76, كوفيد-19), or glued to Arabic letters that are not proclitics (م16; و200 and الـ13 are
# "and 200" and "the 13th").
_CODE_BEFORE_RE = re.compile(r"(?:[A-Za-z][-\u2010]?|[^\W\d_][-\u2010])$")
_ARABIC_GLUED_RE = re.compile(r"([\u0621-\u064a\u0640]+)$")
_PROCLITICS_RE = re.compile(r"^(?:[وف]?[بلك]?(?:ال)?|لل)\u0640*$")
_LATIN_THEN_DIGIT_RE = re.compile(r"[A-Za-z][0-9]")
# Squares and cubes of units (km2, m3, sq ft) are exponents, not numbers.
_UNIT_EXPONENT_BEFORE_RE = re.compile(r"(?<![A-Za-z\u0621-\u064a])(?:km|cm|mm|m|ft|mi|in|yd|كم|سم|مم|م)$")
_CENTURY_BEFORE_RE = re.compile(rf"القرن[{_HARAKAT}]*[\s\u00a0]+(?:ال[ـ]*[\s\u00a0]*)?$")


def _time_keys(hour: int, minute: int) -> set[str]:
    keys = {f"t:{hour % 12}:{minute:02d}"}
    if minute == 0:
        keys |= {_key(Decimal(hour)), _key(Decimal(hour % 12 or 12))}
    return keys


def _decade_keys(year: int) -> set[str]:
    keys = {f"decade:?{year % 100}"}
    if year >= 100:
        keys.add(f"decade:{year}")
        if year % 100 == 0:
            keys.add(f"century:{year // 100 + 1}")  # the 1800s: the nineteenth century
    return keys


@dataclass(slots=True)
class _Draft:
    start: int
    end: int
    keys: set[str]
    value: Decimal
    kind: ReadingKind = ReadingKind.NUMBER
    doubtful: set[str] = field(default_factory=set)
    note: str = ""
    scale: int = 1
    integer: int | None = None  # the digits as a whole number, for times, ranges and decades


def read_numbers(text: str, *, arabic: bool | None = None) -> list[NumberReading]:
    """The numbers written in digits in ``text``, each with the values it may mean.

    ``arabic`` (the text's language; guessed from its script when None) decides whether a full stop
    before three digits groups thousands (`76.000`). Scale words and abbreviations multiply
    (`2.8bn`, `£125m`, `١٥٠ ألف`, `مليون و200 ألف`); times (`04:00`, `5.30pm`, `1200 GMT`), decades
    (`1980s`), abbreviated year ranges (`1950-53`) and unit exponents (`km2`) are read as such;
    digits inside codes (`KV62`, `F-16`, `4x4`) are kind CODE.
    """
    if arabic is None:
        arabic = has_arabic(text)
    tokens = list(NUMBER_RE.finditer(text))
    drafts: list[_Draft] = []
    skip_next = False
    for index, match in enumerate(tokens):
        if skip_next:
            skip_next = False
            continue
        start, end = match.start(), match.end()
        before, after = text[:start], text[end:]
        primary, alternative = _parse_digits(match.group(), arabic=arabic)
        if primary is None:
            # No single number (1.2.3, 12.05.2020): each group of digits is read alone.
            offset = start
            for part in _SEPARATOR_RE.split(match.group()):
                digits = part.translate(_DIGITS_ONLY_TO_ASCII)
                drafts.append(_Draft(offset, offset + len(part), {_key(Decimal(digits))}, Decimal(digits)))
                offset += len(part) + 1
            continue
        ascii_digits = match.group().translate(_DIGITS_ONLY_TO_ASCII)
        value = Decimal(primary)
        draft = _Draft(start, end, {_key(value), "=" + ascii_digits}, value)
        if primary.isdigit():
            draft.integer = int(primary)
        if alternative is not None:
            draft.doubtful.add(_key(Decimal(alternative)))
            draft.note = (
                f"{match.group()} reads as {int(primary):,} (a full stop grouping thousands, as Arabic "
                f"translators often write) or as {alternative} (a decimal point)"
            )
        if _UNIT_EXPONENT_BEFORE_RE.search(before) and ascii_digits in ("2", "3") and not after[:1].isalnum():
            continue  # km2, m3
        glued = _ARABIC_GLUED_RE.search(before)
        if (
            _CODE_BEFORE_RE.search(before)
            or _LATIN_THEN_DIGIT_RE.match(after)
            or (glued is not None and not _PROCLITICS_RE.match(glued.group(1)))
        ):
            draft.kind = ReadingKind.CODE
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        # A time with a colon: 04:00, ٩:٣٠.
        if (
            draft.integer is not None
            and draft.integer <= 24
            and nxt is not None
            and after[:1] == ":"
            and nxt.start() == end + 1
            and len(nxt.group()) == 2
            and nxt.group().translate(_DIGITS_ONLY_TO_ASCII).isdigit()
            and int(nxt.group().translate(_DIGITS_ONLY_TO_ASCII)) < 60
        ):
            minute = int(nxt.group().translate(_DIGITS_ONLY_TO_ASCII))
            draft.keys = _time_keys(draft.integer, minute) | {"=" + ascii_digits + ":" + f"{minute:02d}"}
            draft.end = nxt.end()
            draft.kind = ReadingKind.NUMBER
            suffix = _AM_PM_RE.match(text, draft.end)
            if suffix is not None:
                draft.end = suffix.end()
            drafts.append(draft)
            skip_next = True
            continue
        time_suffix = _TIME_SUFFIX_RE.match(after)
        if time_suffix is not None:
            if "." in primary and len(primary.split(".")[1]) == 2:  # 5.30pm, 12.00 GMT
                hour, minute = (int(p) for p in primary.split("."))
                if hour <= 24 and minute < 60:
                    draft.keys |= _time_keys(hour, minute)
            elif draft.integer is not None and len(ascii_digits) == 4 and int(ascii_digits[2:]) < 60:
                draft.keys |= _time_keys(int(ascii_digits[:2]), int(ascii_digits[2:]))  # 1200 GMT
            elif draft.integer is not None and draft.integer <= 24:
                draft.keys |= _time_keys(draft.integer, 0)  # 5pm
        # An abbreviated year range: 1950-53 is 1950 to 1953.
        previous = drafts[-1] if drafts else None
        if (
            previous is not None
            and previous.integer is not None
            and 1000 <= previous.integer <= 2999
            and text[previous.end : start] in tuple(_RANGE_DASH)
            and len(ascii_digits) == 2
            and draft.integer is not None
            and previous.integer // 100 * 100 + draft.integer > previous.integer
        ):
            draft.keys.add(_key(Decimal(previous.integer // 100 * 100 + draft.integer)))
        if _CENTURY_BEFORE_RE.search(before) and draft.integer is not None:
            draft.keys.add(f"century:{draft.integer}")  # القرن 19
        decade = _DECADE_SUFFIX_RE.match(after)
        ordinal = _ORDINAL_SUFFIX_RE.match(after)
        if decade is not None and draft.integer is not None:
            draft.end += decade.end()
            if draft.integer % 10 == 0 and draft.integer >= 10 and draft.kind is ReadingKind.NUMBER:
                draft.keys |= _decade_keys(draft.integer)
        elif ordinal is not None:
            draft.end += ordinal.end()
        else:
            scale_match = _SCALE_WORD_RE.match(text, end)
            scale = _SCALES[scale_match.group(1).lower()] if scale_match else None
            if scale_match is None:
                scale_match = _ABBREVIATION_RE.match(text, end)
                if scale_match is not None:
                    word = scale_match.group(1).lower()
                    if word in ("bn", "tn") or _CURRENCY_BEFORE_RE.search(before):
                        scale = _ABBREVIATIONS[word]
                        draft.kind = ReadingKind.NUMBER
            if scale is not None and scale_match is not None:
                draft.end = scale_match.end()
                draft.scale = scale
                draft.value *= scale
                draft.keys = {_key(Decimal(k[2:]) * scale) for k in draft.keys if k.startswith("n:")}
                draft.doubtful = {_key(Decimal(k[2:]) * scale) for k in draft.doubtful}
                draft.integer = None
        drafts.append(draft)
    _merge_compounds(text, drafts)
    return [
        NumberReading(
            text[d.start : d.end],
            d.start,
            d.end,
            frozenset(d.keys),
            d.value.normalize(),
            d.kind,
            frozenset(d.doubtful),
            d.note,
        )
        for d in drafts
    ]


def _merge_compounds(text: str, drafts: list[_Draft]) -> None:
    """Join `3 ملايين و500 ألف` into one reading, and `مليون و200 ألف` (a bare scale word first)."""
    index = 0
    while index < len(drafts):
        draft = drafts[index]
        bare = _BARE_SCALE_BEFORE_RE.search(text, 0, draft.start)
        previous = drafts[index - 1] if index else None
        if (
            previous is not None
            and previous.scale > draft.scale
            and draft.value < previous.scale
            and _AND_RE.search(text, previous.end, draft.start)
            and not text[previous.end : draft.start].strip(" \u00a0و")
        ):
            previous.value += draft.value
            previous.keys = {_key(previous.value)}
            previous.end = draft.end
            del drafts[index]
            continue
        if bare is not None and (previous is None or previous.end <= bare.start()):
            scale = _SCALES[bare.group(1)]
            if draft.scale < scale and draft.value < scale:
                draft.value += scale
                draft.keys = {_key(draft.value)}
                draft.start = bare.start(1)
        index += 1


def extract_numbers(text: str, *, arabic: bool | None = None) -> list[tuple[str, Decimal]]:
    """The numbers written in digits, as (text, value): `٣٬٠٠٠`, `3,000` and `٣ آلاف` are all 3000."""
    return [(r.text, r.value) for r in read_numbers(text, arabic=arabic)]


# -- numbers written in words ------------------------------------------------------------------------
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
    200: "مئتان مئتين مائتان مائتين مئتي مائتي",
    1000: "الف الاف الفا",
    2000: "الفان الفين الفي",
    10**6: "مليون ملايين مليونا",
    2 * 10**6: "مليونان مليونين",
    10**9: "مليار مليارات بليون مليارا",
    2 * 10**9: "ملياران مليارين",
    12: "دزينة دستة",
    2.0: "مرتين مرتان ضعف ضعفين",
}
_AR_HUNDREDS = {
    f"{stem}{hundred}": 100 * n
    for n, stem in ((3, "ثلاث"), (4, "اربع"), (5, "خمس"), (6, "ست"), (7, "سبع"), (8, "ثمان"), (9, "تسع"))
    for hundred in ("مئة", "مائة")
}
# Relational adjectives of numbers: الدفع الرباعي (4x4), سباعيات الرجبي (rugby sevens).
_AR_RELATIONAL = {
    "ثنائي": 2,
    "ثلاثي": 3,
    "رباعي": 4,
    "خماسي": 5,
    "سداسي": 6,
    "سباعي": 7,
    "ثماني": 8,
    "تساعي": 9,
    "عشاري": 10,
}
_AR_FRACTIONS = {"نصف": Decimal("0.5"), "ربع": Decimal("0.25"), "ثلث": None, "ثلثا": None, "ثلثي": None}
_AR_WORDS: dict[str, Decimal] = {
    **{w: Decimal(v) for table in (_AR_UNITS, _AR_TENS) for v, words in table.items() for w in words.split()},
    **{w: Decimal(v) for w, v in _AR_HUNDREDS.items()},
}
_AR_SCALE_WORDS = {w: v for w, v in _AR_WORDS.items() if v >= 1000 and w not in ("الفين", "الفان", "الفي")}
_AR_DECADE_RE = re.compile(r"^(?:ال)?(عشرين|ثلاثين|اربعين|خمسين|ستين|سبعين|ثمانين|تسعين)(?:يات|ات)$")
_AR_PREFIXES = ("و", "ف", "ب", "ل", "وب", "ول", "فب", "فل", "لل", "ك")
_AR_NORMALIZER = Normalizer("ar")

_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_WORDS: dict[str, Decimal] = {
    **{w: Decimal(i) for i, w in enumerate(_EN_UNITS)},
    **{w: Decimal(i) for i, w in enumerate(_EN_ORDINALS)},
    **{w: Decimal(20 + 10 * i) for i, w in enumerate(_EN_TENS)},
    **{w[:-1] + "ieth": Decimal(20 + 10 * i) for i, w in enumerate(_EN_TENS)},
    "hundred": Decimal(100),
    "hundredth": Decimal(100),
    "twice": Decimal(2),
    "double": Decimal(2),
    "thrice": Decimal(3),
    "triple": Decimal(3),
    "couple": Decimal(2),
    "half": Decimal("0.5"),
    "quarter": Decimal("0.25"),
}
_EN_MULTIPLIERS = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
_EN_DECADES = {w[:-1] + "ies": 20 + 10 * i for i, w in enumerate(_EN_TENS)}
_EN_FRACTIONS = {"third": "1/3", "thirds": "2/3"}
_EN_WORD_RE = re.compile(r"[a-z]+")


def _arabic_word_value(word: str) -> tuple[str, Decimal | None]:
    """The bare number word and its value, after the clitics و ف ب ل and the article ال."""
    for prefix in ("", *_AR_PREFIXES):
        if prefix and not word.startswith(prefix):
            continue
        candidate = word[len(prefix) :]
        bare = candidate[2:] if candidate.startswith("ال") else candidate
        if bare in _AR_WORDS:
            return bare, _AR_WORDS[bare]
    return word, None


def _arabic_spelled_keys(text: str) -> set[str]:
    keys: set[str] = set()
    words = re.findall(r"\w+", _AR_NORMALIZER(text))
    total = current = Decimal(0)
    previous: Decimal | None = None
    for position, word in enumerate(words):
        bare, value = _arabic_word_value(word)
        decade = _AR_DECADE_RE.match(word) or _AR_DECADE_RE.match(word[1:])
        if decade is not None:
            tens = int(_AR_WORDS[decade.group(1)])
            keys.add(f"decade:?{tens}")
            century = _arabic_century(words[position + 1 :])
            if century is not None:
                keys.add(f"decade:{(century - 1) * 100 + tens}")
        if word.endswith("قرن") and position + 1 < len(words):
            century = _arabic_century(words[position:])
            if century is not None:
                keys.add(f"century:{century}")
        stems = {word[len(p) :].removeprefix("ال") for p in ("", *_AR_PREFIXES) if word.startswith(p)}
        for relational, number in _AR_RELATIONAL.items():
            if any(stem.startswith(relational) for stem in stems):
                keys.add(_key(Decimal(number)))
        for fraction, amount in _AR_FRACTIONS.items():
            if word.removeprefix("و") in (fraction, fraction + "ا", "ال" + fraction):
                if amount is not None:
                    keys.add(_key(amount))
                    if word.startswith("و"):  # ساعة ونصف: one and a half; ثلاث ساعات ونصف
                        keys.add(_key(amount + 1))
                        keys.add(_key((previous or total + current or Decimal(1)) + amount))
                else:
                    keys.add("f:1/3" if fraction == "ثلث" else "f:2/3")
        if len(word) >= 5 and word.endswith(("ين", "ان")) and value is None:
            keys.add(_key(Decimal(2)))  # a dual noun carries the number two: ساعتين, هدفين
        if value is None:
            if total + current:
                keys.add(_key(total + current))
            total = current = Decimal(0)
            previous = None
            continue
        keys.add(_key(value))
        if previous is not None and value < 20 and previous < 20 and not (value == 10 and previous < 10):
            keys.add(_key(total + current))  # الحادي عشر والثاني عشر: a new number begins
            total = current = Decimal(0)
        if word in _AR_SCALE_WORDS or bare in _AR_SCALE_WORDS:
            current = (current or Decimal(1)) * value
            total += current
            current = Decimal(0)
        elif value == 10 and previous is not None and previous < 10:
            current += 10  # ثلاثة عشر, الثالثة عشرة
            keys.add(_key(previous + 10))
        else:
            current += value
        keys.add(_key(total + current))
        previous = value
    if total + current:
        keys.add(_key(total + current))
    return keys


def _arabic_century(words: list[str]) -> int | None:
    """The century named after "القرن" at the start of ``words`` (التاسع عشر, الحادي والعشرين), if any."""
    if not words or not words[0].endswith("قرن"):
        if len(words) >= 2 and words[0] in ("من", "في") and words[1].endswith("قرن"):
            words = words[1:]
        else:
            return None
    total = 0
    for word in words[1:4]:
        _, value = _arabic_word_value(word)
        if word == "الواحد" or word == "والواحد":
            value = Decimal(1)
        if value is None or value > 20:
            break
        total += int(value)
    return total or None


def _english_spelled_keys(text: str) -> set[str]:
    keys: set[str] = set()
    lowered = text.lower()
    words = list(_EN_WORD_RE.finditer(lowered))
    total = current = Decimal(0)
    in_phrase = False
    for position, match in enumerate(words):
        word = match.group()
        joined_to_previous = position > 0 and lowered[words[position - 1].end() : match.start()] in (" ", "-")
        if word in _EN_DECADES:
            keys.add(f"decade:?{_EN_DECADES[word]}")
        if word in _EN_FRACTIONS:
            keys.add("f:" + _EN_FRACTIONS[word])
        multiplier = _EN_MULTIPLIERS.get(word)
        value = _EN_WORDS.get(word)
        if word == "a" and position + 1 < len(words) and words[position + 1].group() in (*_EN_MULTIPLIERS, "couple"):
            value = Decimal(1)  # a dozen, a thousand
        if not in_phrase or not joined_to_previous or word == "a":
            if total + current and in_phrase:
                keys.add(_key(total + current))
            total = current = Decimal(0)
            in_phrase = False
        if word == "and" and in_phrase:
            following = [w.group() for w in words[position + 1 : position + 3]]
            if following == ["a", "half"]:
                keys.add(_key(total + current + Decimal("0.5")))  # one and a half
            previous_word = words[position - 1].group()
            if previous_word in _EN_MULTIPLIERS and previous_word != "dozen":
                continue  # one hundred and five
            keys.add(_key(total + current))
            total = current = Decimal(0)
            in_phrase = False
            continue
        if multiplier is not None:
            current = (current or Decimal(1)) * multiplier
            if multiplier >= 1000:
                total += current
                current = Decimal(0)
            keys.add(_key(total + current))
            in_phrase = True
            continue
        if value is None:
            if in_phrase and total + current:
                keys.add(_key(total + current))
            total = current = Decimal(0)
            in_phrase = False
            continue
        keys.add(_key(value))
        if word == "half" and in_phrase:
            keys.add(_key(total + current + value))  # one and a half
        current += value
        keys.add(_key(total + current))
        in_phrase = True
    if total + current:
        keys.add(_key(total + current))
    return keys


_VULGAR_FRACTIONS = {"½": "0.5", "¼": "0.25", "¾": "0.75", "⅓": "f:1/3", "⅔": "f:2/3"}


def spelled_keys(text: str) -> frozenset[str]:
    """The values of the numbers written in words in ``text``, Arabic or English, as reading keys.

    Cardinals, ordinals, compounds (`خمسة وعشرون`, `twenty-five`, `ثلاثة ملايين`, `four dozen`), `twice`,
    `half`, `ونصف`, fractions, duals (`ساعتين` carries 2), relational adjectives (`الرباعي`), decades
    (`الثمانينيات`, `the eighties`) and centuries (`القرن التاسع عشر`, with its decades).
    """
    keys = _english_spelled_keys(text)
    if has_arabic(text):
        keys |= _arabic_spelled_keys(text)
    for char, value in _VULGAR_FRACTIONS.items():
        if char in text:
            keys.add(value if value.startswith("f:") else _key(Decimal(value)))
    return frozenset(keys)


def spelled_numbers(text: str) -> set[int]:
    """The whole numbers written in words in ``text`` (see `spelled_keys`)."""
    out = set()
    for key in spelled_keys(text):
        if key.startswith("n:"):
            value = Decimal(key[2:])
            if value == value.to_integral_value():
                out.add(int(value))
    return out


# -- comparing the numbers of a source and its translation --------------------------------------------

_SPACE_GROUP = (" ", "\u00a0", "\u202f", "\u2009")


@dataclass(frozen=True, slots=True)
class NumberComparison:
    """What `compare_numbers` found: readings with no counterpart, and pairs that agree only doubtfully."""

    source: tuple[NumberReading, ...]
    target: tuple[NumberReading, ...]
    missing: tuple[NumberReading, ...]  # in the source, not in the target
    extra: tuple[NumberReading, ...]  # in the target, not in the source
    doubtful: tuple[tuple[NumberReading, NumberReading], ...]  # (source, target) agreeing only doubtfully


def _match(
    left: list[NumberReading], right: list[NumberReading], agree: Callable[[NumberReading, NumberReading], bool]
) -> dict[int, int]:
    """A largest one-to-one pairing of ``left`` with ``right`` where ``agree`` (augmenting paths)."""
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for j, other in enumerate(right):
            if j in seen or not agree(left[i], other):
                continue
            seen.add(j)
            if j not in owner or place(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(left)):
        place(i, set())
    return {i: j for j, i in owner.items()}


def _space_groups(text: str, readings: list[NumberReading]) -> list[tuple[list[int], str]]:
    """Runs of readings written as digits grouped by spaces (`116 123`), with the joined value's key."""
    runs: list[tuple[list[int], str]] = []
    for first in range(len(readings)):
        head = readings[first]
        digits = head.text.translate(_DIGITS_ONLY_TO_ASCII)
        if not (digits.isdigit() and 1 <= len(digits) <= 3):
            continue
        members, joined = [first], digits
        for nxt in range(first + 1, len(readings)):
            part = readings[nxt].text.translate(_DIGITS_ONLY_TO_ASCII)
            gap = text[readings[members[-1]].end : readings[nxt].start]
            if gap not in _SPACE_GROUP or not (part.isdigit() and len(part) == 3):
                break
            members.append(nxt)
            joined += part
            runs.append((list(members), _key(Decimal(joined))))
    return runs


def compare_numbers(
    source: str, target: str, *, source_arabic: bool | None = None, target_arabic: bool | None = None
) -> NumberComparison:
    """Pair the numbers of a source and its translation by value.

    Numbers in digits pair one to one on a shared key; then doubtful readings pair (noted); then
    digits grouped by spaces on one side pair with the joined number on the other (`116 123` =
    `116123`); what is left is excused when the other side writes it in words (or once anywhere,
    for digits inside codes). The rest is missing or extra.
    """
    src = read_numbers(source, arabic=source_arabic)
    tgt = read_numbers(target, arabic=target_arabic)
    src_numbers = [r for r in src if r.kind is ReadingKind.NUMBER]
    tgt_numbers = [r for r in tgt if r.kind is ReadingKind.NUMBER]
    pairs = _match(src_numbers, tgt_numbers, lambda a, b: bool(a.keys & b.keys))
    left_src = [i for i in range(len(src_numbers)) if i not in pairs]
    left_tgt = [j for j in range(len(tgt_numbers)) if j not in set(pairs.values())]
    doubtful_pairs = _match(
        [src_numbers[i] for i in left_src],
        [tgt_numbers[j] for j in left_tgt],
        lambda a, b: bool((a.keys & b.doubtful) or (a.doubtful & b.keys)),
    )
    doubtful = tuple((src_numbers[left_src[i]], tgt_numbers[left_tgt[j]]) for i, j in doubtful_pairs.items())
    used_src = {left_src[i] for i in doubtful_pairs}
    used_tgt = {left_tgt[j] for j in doubtful_pairs.values()}
    rest_src = [i for i in left_src if i not in used_src]
    rest_tgt = [j for j in left_tgt if j not in used_tgt]
    for text, readings, rest, other, other_rest in (
        (source, src_numbers, rest_src, tgt_numbers, rest_tgt),
        (target, tgt_numbers, rest_tgt, src_numbers, rest_src),
    ):
        for members, key in _space_groups(text, readings):
            if not all(m in rest for m in members):
                continue
            partner = next((j for j in other_rest if key in other[j].keys), None)
            if partner is not None:
                for m in members:
                    rest.remove(m)
                other_rest.remove(partner)
    # A number is excused by the same value written in words on the other side, or inside a name
    # there (`39C` against `جاس-٣٩`: how a model name is written is the translator's call).
    src_words = spelled_keys(source).union(*(r.keys for r in src if r.kind is ReadingKind.CODE))
    tgt_words = spelled_keys(target).union(*(r.keys for r in tgt if r.kind is ReadingKind.CODE))
    src_all = src_words.union(*(r.keys for r in src))
    tgt_all = tgt_words.union(*(r.keys for r in tgt))
    missing = [src_numbers[i] for i in rest_src if not (src_numbers[i].keys & tgt_words)]
    extra = [tgt_numbers[j] for j in rest_tgt if not (tgt_numbers[j].keys & src_words)]
    missing += [r for r in src if r.kind is ReadingKind.CODE and not (r.keys & tgt_all)]
    extra += [r for r in tgt if r.kind is ReadingKind.CODE and not (r.keys & src_all)]
    missing.sort(key=lambda r: r.start)
    extra.sort(key=lambda r: r.start)
    return NumberComparison(tuple(src), tuple(tgt), tuple(missing), tuple(extra), doubtful)
