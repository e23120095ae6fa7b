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


# The languages ISO 639 names, for telling a header naming a language from a word that looks like a code (`foo`,
# `bar`, `src`): ISO 639-1's two-letter codes, with the withdrawn ones tools still write (`iw`, `in`, `ji`, `jw`,
# `mo`, `sh`), and ISO 639-2's three-letter codes (both its terminology and bibliographic forms), less its local-use
# range and its codes for no language (`mis`, `mul`, `und`, `zxx`). ISO 639-3's other Arabic varieties are taken by
# `is_arabic_language`. (Words split, not list literals: as a list the formatter gives each code a line.)
_ISO_639_1 = frozenset(
    (  # noqa: SIM905
        "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee "
        "el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik in io "
        "is it iu iw ja ji jv jw ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk "
        "ml mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc "
        "sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve "
        "vi vo wa wo xh yi yo za zh zu "
    ).split()
)
_ISO_639_2 = frozenset(
    (  # noqa: SIM905
        "aar abk ace ach ada ady afa afh afr ain aka akk alb ale alg alt amh ang anp apa ara arc arg arm arn arp art "
        "arw asm ast ath aus ava ave awa aym aze bad bai bak bal bam ban baq bas bat bej bel bem ben ber bho bih bik "
        "bin bis bla bnt bod bos bra bre btk bua bug bul bur byn cad cai car cat cau ceb cel ces cha chb che chg chi "
        "chk chm chn cho chp chr chu chv chy cmc cnr cop cor cos cpe cpf cpp cre crh crp csb cus cym cze dak dan dar "
        "day del den deu dgr din div doi dra dsb dua dum dut dyu dzo efi egy eka ell elx eng enm epo est eus ewe ewo "
        "fan fao fas fat fij fil fin fiu fon fra fre frm fro frr frs fry ful fur gaa gay gba gem geo ger gez gil gla "
        "gle glg glv gmh goh gon gor got grb grc gre grn gsw guj gwi hai hat hau haw heb her hil him hin hit hmn hmo "
        "hrv hsb hun hup hye iba ibo ice ido iii ijo iku ile ilo ina inc ind ine inh ipk ira iro isl ita jav jbo jpn "
        "jpr jrb kaa kab kac kal kam kan kar kas kat kau kaw kaz kbd kha khi khm kho kik kin kir kmb kok kom kon kor "
        "kos kpe krc krl kro kru kua kum kur kut lad lah lam lao lat lav lez lim lin lit lol loz ltz lua lub lug lui "
        "lun luo lus mac mad mag mah mai mak mal man mao map mar mas may mdf mdr men mga mic min mkd mkh mlg mlt mnc "
        "mni mno moh mon mos mri msa mun mus mwl mwr mya myn myv nah nai nap nau nav nbl nde ndo nds nep new nia nic "
        "niu nld nno nob nog non nor nqo nso nub nwc nya nym nyn nyo nzi oci oji ori orm osa oss ota oto paa pag pal "
        "pam pan pap pau peo per phi phn pli pol pon por pra pro pus que raj rap rar roa roh rom ron rum run rup rus "
        "sad sag sah sai sal sam san sas sat scn sco sel sem sga sgn shn sid sin sio sit sla slk slo slv sma sme smi "
        "smj smn smo sms sna snd snk sog som son sot spa sqi srd srn srp srr ssa ssw suk sun sus sux swa swe syc syr "
        "tah tai tam tat tel tem ter tet tgk tgl tha tib tig tir tiv tkl tlh tli tmh tog ton tpi tsi tsn tso tuk tum "
        "tup tur tut tvl twi tyv udm uga uig ukr umb urd uzb vai ven vie vol vot wak wal war was wel wen wln wol xal "
        "xho yao yap yid yor ypk zap zbl zen zgh zha zho znd zul zun zza "
    ).split()
)


def is_known_language(raw: str) -> bool:
    """Whether a tag's language (its primary subtag) is one ISO 639 names: `ar`, `en-US`, `ar_SA`, `ara`, `fil`, an
    Arabic variety (`arz`); not `foo` or `x-mine`, which have a tag's syntax and name no language."""
    primary = primary_subtag(raw)
    if len(primary) == 2:
        return primary in _ISO_639_1
    return len(primary) == 3 and (primary in _ISO_639_2 or is_arabic_language(primary))


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
#: ISO 639-2 codes (terminology and bibliographic forms) of the languages above, and Standard Arabic's ISO 639-3 code,
#: with the two-letter code BCP 47 asks for in their place: termbases and spreadsheets name columns `ara`, `eng`.
_TWO_LETTER_CODES = {
    "ara": "ar",
    "arb": "ar",
    "eng": "en",
    "fra": "fr",
    "fre": "fr",
    "deu": "de",
    "ger": "de",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "rus": "ru",
    "zho": "zh",
    "chi": "zh",
    "jpn": "ja",
    "kor": "ko",
    "tur": "tr",
    "fas": "fa",
    "per": "fa",
    "urd": "ur",
    "heb": "he",
    "nld": "nl",
    "dut": "nl",
    "hin": "hi",
    "ind": "id",
    "msa": "ms",
    "may": "ms",
}


def two_letter_tag(raw: str) -> str:
    """A tag whose language has a two-letter code, written with it (`ara` → `ar`, `eng-GB` → `en-GB`, `arb` → `ar`),
    as BCP 47 asks and as a job names its languages; any other tag as it is."""
    primary, separator, rest = raw.strip().replace("_", "-").partition("-")
    two = _TWO_LETTER_CODES.get(primary.lower())
    return raw if two is None else two + separator + rest


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
