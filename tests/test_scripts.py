"""Writing systems: one Arabic range for every part of tmkit, and one language guess."""

from __future__ import annotations

import pytest

from tests.helpers import CORPORA
from tmkit.memory.langtags import is_arabic_language
from tmkit.text.scripts import guess_language, has_arabic, is_arabic_char


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("كتاب", True),
        ("\ufefb", True),  # lam-alef ligature, Presentation Forms-B
        ("\ufdf2", True),  # Allah ligature, Presentation Forms-A
        ("\u08a0", True),  # Extended-A
        ("\u0870", True),  # Extended-B
        ("\ufeffbook", False),  # a byte order mark is not Arabic
        ("book", False),
        ("", False),
    ],
)
def test_has_arabic(text: str, expected: bool) -> None:
    assert has_arabic(text) is expected
    assert any(is_arabic_char(c) for c in text) is expected


@pytest.mark.parametrize(
    ("texts", "default", "expected"),
    [
        ("مرحبا بكم في الفندق", "en", "ar"),
        ("Welcome to the hotel", "ar", "en"),
        ("الغرفة 305 في Hilton", "en", "ar"),
        ("Room ٣٠٥ — ، ؟", "ar", "en"),  # Arabic digits and punctuation are not letters
        ("٣٠٥ ١٢", "ar", "ar"),  # no letters at all: the default
        ("٣٠٥ ١٢", "en", "en"),
        (["Hotel", "فندق كبير جدا"], "en", "ar"),  # several texts are counted together
        ("", "ar", "ar"),
    ],
)
def test_guess_language(texts: str | list[str], default: str, expected: str) -> None:
    assert guess_language(texts, default=default) == expected


def test_guess_language_reads_a_bounded_sample() -> None:
    # Latin first, then far more Arabic than the sample reaches: the sample decides.
    assert guess_language(["a" * 30_000, "ب" * 100_000]) == "en"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("ar", True), ("AR_eg", True), ("ar-SA", True), ("arz", True), ("arb", True), ("arn", False), ("en", False)],
)
def test_is_arabic_language(tag: str, expected: bool) -> None:
    assert is_arabic_language(tag) is expected


@pytest.mark.parametrize(
    ("name", "lang"),
    [("flores-dev.ar", "ar"), ("flores-dev.en", "en"), ("madar-travel-dev.ar", "ar"), ("madar-travel-dev.en", "en")],
)
def test_every_line_of_real_text_is_guessed_right(name: str, lang: str) -> None:
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared/corpora)")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wrong = [line for line in lines if guess_language(line, default="?") != lang]
    assert len(lines) > 900 and wrong == []
