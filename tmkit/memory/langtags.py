"""Language tags: compare `AR-SA`, `ar_SA` and `ar-sa` as one language while keeping the raw code."""

from __future__ import annotations

import functools
import re
from enum import IntEnum

# BCP 47 in the simple form TMX files use: a 2-3 letter (or 4-8 for registered) primary subtag,
# then alphanumeric subtags of 1-8 characters. `x-` private tags and `i-` grandfathered ones too.
_TAG_RE = re.compile(r"^(?:[A-Za-z]{2,8}|[xXiI])(?:[-_][A-Za-z0-9]{1,8})*$")

ALL_LANGUAGES = "*all*"
#: The language pair tmkit works in unless told otherwise.
DEFAULT_SOURCE_LANG = "ar"
DEFAULT_TARGET_LANG = "en"


@functools.lru_cache(maxsize=4096)  # a memory has few distinct tags, and this runs for every variant read
def lang_key(raw: str) -> str:
    """Comparison key of a language code: lower case, `_` read as `-`, surrounding space dropped."""
    return raw.strip().replace("_", "-").lower()


def canonical_tag(raw: str) -> str:
    """A tag in the case BCP 47 recommends: `ar-SA`, `en-GB`, `zh-Hant-TW`, `es-419` (`en-gb` and `AR_sa` read alike,
    and tools that compare tags case-sensitively see them as written)."""
    parts = lang_key(raw).split("-")
    private = False
    for at, part in enumerate(parts[1:], start=1):
        private = private or len(part) == 1  # an extension or private use (`u-ca-gregory`, `x-…`): kept as it is
        if not private and part.isalpha() and len(part) in (2, 4):
            parts[at] = part.upper() if len(part) == 2 else part.title()  # a region, a script
    return "-".join(parts)


def primary_subtag(raw: str) -> str:
    """The language part of a tag: `ar` for `AR-SA`."""
    return lang_key(raw).split("-", 1)[0]


@functools.lru_cache(maxsize=256)
def is_arabic_language(raw: str) -> bool:
    """Whether a language tag names Arabic or one of its varieties (`ar`, `ar-SA`, `AR_eg`, `arb`, `arz`…).

    Kept for the few tags a process meets: every normalizer asks it at every key it makes."""
    primary = primary_subtag(raw)
    # ISO 639-3 codes of Arabic varieties start with "ar"; these three are other languages.
    return primary == "ar" or (len(primary) == 3 and primary.startswith("ar") and primary not in ("arn", "arp", "arw"))


def lang_matches(raw: str, wanted: str, *, region_fallback: bool = False) -> bool:
    """Whether a variant tagged `raw` is in language `wanted`.

    Exact on the comparison key by default. With ``region_fallback`` a bare `wanted`
    (such as `ar`) also matches any regional variant (`ar-SA`, `AR_EG`), and a regional
    `wanted` matches the bare language, as OmegaT's lookup does.
    """
    fit = language_fit(raw, wanted)  # (remembered: this runs for every variant a conversion or a lookup looks at)
    return fit is LanguageFit.EXACT or (region_fallback and fit is not LanguageFit.OTHER)


class LanguageFit(IntEnum):
    """How well a variant's tag fits the language wanted, best last: a higher fit is preferred."""

    OTHER = 0
    #: Another region of the language (`en-AU` for `en-GB`).
    SIBLING_REGION = 1
    #: The bare language for a region or a region for the bare language (`en` for `en-GB`, `en-GB` for `en`).
    BROADER_OR_NARROWER = 2
    EXACT = 3


@functools.lru_cache(maxsize=4096)  # a memory has few distinct tags, and this runs per variant of every unit
def language_fit(raw: str, wanted: str) -> LanguageFit:
    """How the tag ``raw`` fits ``wanted``: exact, bare language against a region, another region, or other."""
    key, want = lang_key(raw), lang_key(wanted)
    if key == want:
        return LanguageFit.EXACT
    primary, wanted_primary = primary_subtag(key), primary_subtag(want)
    if primary != wanted_primary:
        return LanguageFit.OTHER
    if key == primary or want == wanted_primary:
        return LanguageFit.BROADER_OR_NARROWER
    return LanguageFit.SIBLING_REGION


def same_language(source_lang: str, target_lang: str) -> bool:
    """Whether a pair would translate a language into itself: the same tag, or a language and a region of it (`ar`
    and `ar-SA`); two regions of one language (`en-US` and `en-GB`) are a pair (localization)."""
    return lang_matches(source_lang, target_lang) or any(
        lang_matches(regional, bare, region_fallback=True)
        for regional, bare in ((source_lang, target_lang), (target_lang, source_lang))
        if "-" not in lang_key(bare)
    )


def other_language(lang: str) -> str:
    """The other language of tmkit's pair: `en` for Arabic (any variety), `ar` for anything else."""
    return DEFAULT_TARGET_LANG if is_arabic_language(lang) else DEFAULT_SOURCE_LANG


def is_valid_tag(raw: str) -> bool:
    """Whether `raw` has the syntax of a BCP 47 language tag (underscores tolerated)."""
    return bool(_TAG_RE.match(raw.strip())) and raw == raw.strip()


_LANGUAGE_CODE_RE = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*", re.IGNORECASE)


def is_language_code(raw: str) -> bool:
    """Whether `raw` reads as a language code a file names a column or a variant with: a 2- or 3-letter language
    and optional subtags (`ar`, `ar-SA`, `en_GB`). Stricter than `is_valid_tag`, which takes any word of 5-8
    letters (`Cancel`, `Status`) for a tag: a table's first row of words is data, not a header."""
    return _LANGUAGE_CODE_RE.fullmatch(raw) is not None


# Column headers of glossaries exported from spreadsheets and CAT tools name languages in English,
# often with a region ("Arabic (Saudi Arabia)", "English (United States)"): the languages and regions
# such files use for this pair and its neighbours.
_LANGUAGE_NAMES = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "russian": "ru",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "turkish": "tr",
    "persian": "fa",
    "farsi": "fa",
    "urdu": "ur",
    "hebrew": "he",
    "dutch": "nl",
    "hindi": "hi",
    "indonesian": "id",
    "malay": "ms",
}
_REGION_NAMES = {
    "algeria": "DZ",
    "bahrain": "BH",
    "egypt": "EG",
    "iraq": "IQ",
    "jordan": "JO",
    "kuwait": "KW",
    "lebanon": "LB",
    "libya": "LY",
    "morocco": "MA",
    "oman": "OM",
    "qatar": "QA",
    "saudi arabia": "SA",
    "sudan": "SD",
    "syria": "SY",
    "tunisia": "TN",
    "u.a.e.": "AE",
    "uae": "AE",
    "united arab emirates": "AE",
    "yemen": "YE",
    "australia": "AU",
    "canada": "CA",
    "india": "IN",
    "ireland": "IE",
    "new zealand": "NZ",
    "south africa": "ZA",
    "uk": "GB",
    "u.k.": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "united states": "US",
    "france": "FR",
    "germany": "DE",
    "spain": "ES",
    "mexico": "MX",
    "brazil": "BR",
    "portugal": "PT",
}
_NAMED_LANGUAGE_RE = re.compile(r"^\s*([A-Za-z]+)\s*(?:\(\s*([A-Za-z. ]+?)\s*\))?\s*$")


def tag_of_language_name(name: str) -> str | None:
    """The tag an English language name stands for (`Arabic` → `ar`, `Arabic (Saudi Arabia)` → `ar-SA`); None
    for a name this table does not hold (a region it does not know leaves the language alone: `ar`)."""
    found = _NAMED_LANGUAGE_RE.match(name)
    if not found:
        return None
    language = _LANGUAGE_NAMES.get(found.group(1).lower())
    if language is None:
        return None
    region = _REGION_NAMES.get((found.group(2) or "").lower())
    return f"{language}-{region}" if region else language
