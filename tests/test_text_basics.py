"""Language tags, TMX dates and word counts: small tables of inputs and the answers they must give."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmkit.memory.dates import canonical_tmx_date, format_tmx_date, parse_tmx_date
from tmkit.memory.langtags import (
    canonical_tag,
    is_known_language,
    is_valid_tag,
    lang_key,
    lang_matches,
    same_language,
)
from tmkit.text.wordcount import count_chars, count_words


@pytest.mark.parametrize(
    ("raw", "wanted", "fallback", "expected"),
    [
        ("AR-SA", "ar-sa", False, True),
        ("ar_SA", "AR-SA", False, True),
        ("ar-SA", "ar", False, False),
        ("ar-SA", "ar", True, True),
        ("ar", "ar-EG", True, True),
        ("arz", "ar", True, False),  # Egyptian Arabic's own code is another language
        ("EN-US", "en", True, True),
        ("en", "ar", True, False),
    ],
)
def test_lang_matches(raw: str, wanted: str, fallback: bool, expected: bool) -> None:
    assert lang_matches(raw, wanted, region_fallback=fallback) is expected


_TAGS = st.sampled_from(["ar", "AR", " ar ", "ar-SA", "ar_sa", "ar-EG", "arz", "en", "en-GB", "EN_us", "en-gb-x-a", ""])


@given(_TAGS, _TAGS, st.booleans())
def test_lang_matches_follows_its_definition(raw: str, wanted: str, fallback: bool) -> None:
    # The same comparison key; or, with the fallback, the same language (the part before the first `-`).
    key, want = lang_key(raw), lang_key(wanted)
    expected = key == want or (fallback and key.split("-")[0] == want.split("-")[0])
    assert lang_matches(raw, wanted, region_fallback=fallback) is expected


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("ar", True),
        ("AR-SA", True),
        ("ar_EG", True),
        ("zh-Hant-TW", True),
        ("x-klingon", True),
        ("", False),
        ("arabic language", False),
        ("ar-", False),
        (" ar", False),
        ("a", False),
    ],
)
def test_tag_syntax(raw: str, valid: bool) -> None:
    assert is_valid_tag(raw) is valid


@pytest.mark.parametrize(
    ("raw", "known"),
    [
        ("ar", True),
        ("EN-us", True),
        ("ar_SA", True),
        ("zh-Hant-TW", True),
        ("ara", True),  # ISO 639-2
        ("fre", True),  # its bibliographic form
        ("fil", True),  # a language without a two-letter code
        ("arz", True),  # an Arabic variety ISO 639-2 does not list
        ("iw", True),  # withdrawn, and still written by Java
        ("foo", False),
        ("bar", False),
        ("src", False),
        ("und", False),  # "undetermined": no language
        ("qaa", False),  # local use
        ("x-klingon", False),
        ("english", False),  # a name, not a code (tag_of_language_name reads names)
    ],
)
def test_a_known_language_is_one_iso_639_names(raw: str, known: bool) -> None:
    """A termbase header `foo,bar` (a table without its header row) was read as languages foo and bar."""
    assert is_known_language(raw) is known


def test_lang_key() -> None:
    assert lang_key(" AR_sa ") == "ar-sa"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("20020125T210600Z", "20020125T210600Z"),
        ("2010-02-23T04:43:27", "20100223T044327Z"),
        ("2010-02-23T04:43:27Z", "20100223T044327Z"),
        ("2010-02-23T06:43:27+02:00", "20100223T044327Z"),
        ("2010-02-23T04:43:27.123Z", "20100223T044327Z"),
        ("2010-02-23", "20100223T000000Z"),
        ("20100223T0443Z", "20100223T044300Z"),
        ("2010-13-01", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_dates(raw: str, canonical: str | None) -> None:
    assert canonical_tmx_date(raw) == canonical


def test_date_round_trip() -> None:
    when = datetime(2021, 6, 22, 9, 30, 5, tzinfo=UTC)
    assert parse_tmx_date(format_tmx_date(when)) == when


@pytest.mark.parametrize(
    ("text", "words", "chars"),
    [
        ("هل تقومون بعمل تعديلات ؟", 4, 20),  # a free-standing ؟ is not a word
        ("مَرْحَبًا بِكُمْ", 2, 15),  # harakat do not split words; each is a code point
        ("وقال: «الاقتصاد ينمو بنسبة ٣٫٥٪»", 5, 28),
        ("Do you do alterations?", 4, 19),
        ("  \t\n", 0, 0),
        ("\U0001f600 ok", 1, 3),
    ],
)
def test_counts(text: str, words: int, chars: int) -> None:
    assert count_words(text) == words
    assert count_chars(text) == chars


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("en-gb", "en-GB"),
        ("AR_sa", "ar-SA"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("ar", "ar"),
        ("en-GB-x-abcd-ab", "en-GB-x-abcd-ab"),  # private use kept as it is (lower case, as compared)
        ("en-us-u-ca-gregory", "en-US-u-ca-gregory"),  # so are extensions
        ("en-t-ja", "en-t-ja"),
    ],
)
def test_canonical_tag(raw: str, canonical: str) -> None:
    assert canonical_tag(raw) == canonical


@pytest.mark.parametrize(
    ("source", "target", "same"),
    [("ar", "ar", True), ("ar", "AR_sa", True), ("ar-SA", "ar", True), ("en-US", "en-GB", False), ("ar", "en", False)],
)
def test_same_language(source: str, target: str, same: bool) -> None:
    """One rule for convert, export and match: a language and a region of it are no pair; two regions are one."""
    assert same_language(source, target) is same
