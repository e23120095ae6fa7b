"""The Arabic and English normalizer: a golden table of inputs and keys, and its invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from tmkit.text.normalize import Normalizer, normalize

GOLDEN = [
    # (text, lang, options, key)
    ("ذهبَ الولدُ إلى المدرسةِ", "ar", {}, "ذهب الولد الى المدرسة"),
    ("أإآٱ", "ar", {}, "اااا"),
    ("الســـــلام", "ar", {}, "السلام"),  # tatweel
    ("\u200fمرحبا\u200e \u202bنص\u202c", "ar", {}, "مرحبا نص"),  # bidi controls
    ("ﻻ ﺑﺄﺱ", "ar", {}, "لا باس"),  # presentation forms
    ("عام ٢٠٢١ و۱۴۰۰", "ar", {}, "عام 2021 و1400"),
    ("٣٫٥ و٣٬٠٠٠", "ar", {}, "3.5 و3,000"),
    ("هل أنت بخير؟ نعم، شكرا؛", "ar", {}, "هل انت بخير? نعم, شكرا;"),
    ("«اتفاق» – جديد", "ar", {}, '"اتفاق" - جديد'),
    ("مستشفى المدينة", "ar", {}, "مستشفى المدينة"),  # no yeh / teh folding by default
    ("مستشفى المدينة", "ar", {"fold_yeh": True, "fold_teh_marbuta": True}, "مستشفي المدينه"),
    ("مسؤول بريئة", "ar", {"fold_hamza": True}, "مسءول بريءة"),
    ("فارسی کتاب", "ar", {}, "فارسي كتاب"),
    ("  نص \t\n  آخر  ", "ar", {}, "نص اخر"),
    ("The “Quick” Brown—Fox’s", "en", {}, 'the "quick" brown-fox\'s'),
    ("CO2  Levels", "en", {}, "co2 levels"),
]


@pytest.mark.parametrize(("text", "lang", "options", "key"), GOLDEN)
def test_golden(text: str, lang: str, options: dict[str, bool], key: str) -> None:
    assert normalize(text, lang, **options) == key


def test_signatures() -> None:
    assert Normalizer("ar").signature == "ar-v1"
    assert Normalizer("AR-SA", fold_yeh=True, fold_teh_marbuta=True).signature == "ar-v1+yeh+teh"
    assert Normalizer("en").signature == "en-v1"
    assert Normalizer("en", unify_punctuation=False).signature == "en-v1+keep-punct"


def test_vocalised_copy_matches_after_normalization() -> None:
    bare = "ذهب الولد الى المدرسة في الساعة 3"
    vocalised = "ذَهَبَ الوَلَدُ إلى المَدْرَسَةِ في السّاعَةِ ٣"
    assert fuzz.ratio(bare, vocalised) < 80
    assert normalize(vocalised) == normalize(bare)


arabic_text = st.text(
    alphabet="ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآةى" + "\u064b\u064e\u064f\u0650\u0651\u0652\u0640" + "٠١٢ ،؟\u200f",
    max_size=30,
)


@given(arabic_text)
def test_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(arabic_text)
def test_removes_what_it_promises(text: str) -> None:
    key = normalize(text)
    assert not any(ch in key for ch in "\u064b\u064e\u064f\u0650\u0651\u0652\u0640\u200fأإآ٠١٢،؟")
    assert "  " not in key and key == key.strip()
