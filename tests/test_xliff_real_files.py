"""XLIFF written by other tools (Angular, Okapi, Matecat, the OASIS test files), kept byte for byte in tests/data/xliff:
read, converted to TMX and back, checked and scored as their users would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.xliff import XliffReader

REAL = Path(__file__).resolve().parent / "data" / "xliff"


def _real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is absent (see tests/data/xliff/README.md)")
    return path


# -- a file that names no target language -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source_lang"),
    [("locize-example_angular12.xliff", "en-US"), ("oasis-sourceOnly.xlf", "en")],
)
def test_a_file_without_a_target_language_is_translated_into_the_other_language_of_the_pair(
    name: str, source_lang: str
) -> None:
    """`ng extract-i18n` writes no target-language; a 2.x file of sources only has no trgLang. Taken as English, an
    English source was refused by convert as "--src en and --tgt en" (options never given), and qa and score read
    the source as its own translation."""
    assert XliffReader(_real(name)).languages() == (source_lang, "ar")


def test_an_arabic_file_without_a_target_language_is_translated_into_english(tmp_path: Path) -> None:
    path = tmp_path / "ar.xlf"
    path.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar"><file id="f">'
        '<unit id="1"><segment><source>مرحبا</source></segment></unit></file></xliff>',
        encoding="utf-8",
    )
    assert XliffReader(path).languages() == ("ar", "en")


def test_an_angular_extraction_converts_and_is_checked_as_untranslated(tmp_path: Path) -> None:
    source = _real("locize-example_angular12.xliff")
    tmx = tmp_path / "messages.tmx"
    result = run_cli("convert", source, "-o", tmx)
    assert result.code == 0, result.stderr
    units = load_tmx(tmx).units
    assert [u.tuid for u in units] == ["27515543696334242", "224564336508490126"]
    assert all([v.lang for v in u.variants] == ["en-US"] for u in units)
    checked = run_cli("qa", source)
    assert "same-as-source" not in checked.stdout + checked.stderr
    assert "empty-target" in checked.stdout + checked.stderr
