"""XLIFF written by other tools (Angular, Okapi, Matecat, the OASIS test files), kept byte for byte in tests/data/xliff:
read, converted to TMX and back, checked and scored as their users would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.xliff_schemas import schema_problems
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.xliff import XliffReader, read_xliff
from tmkit.memory.model import Content, Inline, TranslationUnit

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


# -- a code whose other half is in another segment, or nowhere -----------------------------------------------------

#: Shaped like Matecat's calibre.docx.xliff (tu4, 91 KB, too big to keep): the DOCX filter's `<bx/>` closes in the
#: next sentence, so the segmenter put the pair's two halves in two segments.
SPLIT_PAIR = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="calibre.docx" source-language="en" target-language="ar" datatype="x-docx"><body>
<trans-unit id="tu4" xml:space="preserve">
<source>Click <bx id="2"/>Convert. <ex id="2"/>Set the format.</source>
<seg-source><mrk mid="0" mtype="seg">Click <bx id="2"/>Convert.</mrk> <mrk mid="1" mtype="seg"><ex id="2"/>Set the format.</mrk></seg-source>
<target><mrk mid="0" mtype="seg">انقر <bx id="2"/>تحويل.</mrk> <mrk mid="1" mtype="seg"><ex id="2"/>اضبط التنسيق.</mrk></target>
</trans-unit>
</body></file></xliff>
"""


def _valid_through_tmx_and_back(source: Path, tmp_path: Path) -> list[TranslationUnit]:
    """Convert ``source`` to TMX (which `tmkit validate` must pass) and back to 1.2 and 2.0 (valid against the
    OASIS schemas); the TMX's units."""
    tmx = tmp_path / "out.tmx"
    assert run_cli("convert", source, "-o", tmx).code == 0
    checked = run_cli("validate", tmx)
    assert checked.code == 0, checked.stdout + checked.stderr
    for version in ("1.2", "2.0"):
        back = tmp_path / f"back-{version}.xlf"
        assert run_cli("convert", tmx, "-o", back, "--xliff-version", version).code == 0
        assert schema_problems(back) == []
    return load_tmx(tmx).units


def test_a_pair_split_between_two_segments_is_two_isolated_codes(tmp_path: Path) -> None:
    """Each segment is a unit of its own: its half of the pair was a `<bpt>` without its `<ept>` (and the next an
    `<ept>` without its `<bpt>`), a TMX `tmkit validate` refused and a 1.2 file the schema refuses."""
    source = tmp_path / "split.xlf"
    source.write_text(SPLIT_PAIR, encoding="utf-8")
    units = _valid_through_tmx_and_back(source, tmp_path)
    assert [u.tuid for u in units] == ["tu4_s0", "tu4_s1"]
    for unit, pos in zip(units, ("begin", "end"), strict=True):
        for variant in unit.variants:
            codes = [p for p in variant.segment.content if isinstance(p, Inline)]
            assert [(c.tag, c.get("pos")) for c in codes] == [("it", pos)]


def test_a_lone_end_code_is_an_isolated_code(tmp_path: Path) -> None:
    """As Matecat's test file file-with-not-empty-target-tag-with-some-mrk-and-html-with-alt-trans.xliff has it: an
    `<ex>` in a target with no `<bx>` before it."""
    source = tmp_path / "lone.xlf"
    source.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="o" source-language="en" '
        'target-language="ar" datatype="plaintext"><body><trans-unit id="2"><source><mrk id="1">PPC</mrk></source>'
        '<target><mrk id="1">أ</mrk><mrk id="2">ب<ex id="1"/></mrk></target></trans-unit></body></file></xliff>',
        encoding="utf-8",
    )
    units = _valid_through_tmx_and_back(source, tmp_path)
    target = units[0].variants[1].segment
    isolated = [p for p in _all_inlines(target.content) if p.tag in ("bpt", "ept", "it")]
    assert [(p.tag, p.get("pos")) for p in isolated] == [("it", "end")]


def _all_inlines(content: tuple[Content, ...]) -> list[Inline]:
    found: list[Inline] = []
    for part in content:
        if isinstance(part, Inline):
            found.append(part)
            found.extend(_all_inlines(part.content))
    return found


# -- the kind of a code: 1.2 ctype -----------------------------------------------------------------------------


def test_the_ctype_of_a_g_is_the_type_of_its_tmx_code_and_comes_back(tmp_path: Path) -> None:
    """Okapi's Typo3Draft.xlf has `<g id="1" ctype="bold">`: read as a bpt without a type, and written back a plain
    bpt/ept pair, the formatting it stood for was lost."""
    units = _valid_through_tmx_and_back(_real("okapi-Typo3Draft.xlf"), tmp_path)
    bold = next(u for u in units if u.tuid == "3")
    for variant in bold.variants:
        assert [(p.tag, p.get("type")) for p in variant.segment.content if isinstance(p, Inline)] == [
            ("bpt", "bold"),
            ("ept", None),
        ]
    back, _, _ = read_xliff(tmp_path / "back-1.2.xlf")
    assert [u.variants for u in back.units if u.tuid == "3"] == [bold.variants]


def test_the_ctype_of_x_and_bx_is_the_type_of_their_tmx_codes(tmp_path: Path) -> None:
    """As Passolo writes a line break (`<x ctype="lb"/>`) and Okapi an isolated start of bold."""
    path = tmp_path / "codes.xlf"
    path.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="o" source-language="en" '
        'target-language="ar" datatype="winres"><body><trans-unit id="1"><source>A<x id="1" ctype="lb"/>B '
        '<bx id="2" ctype="bold"/>C<ex id="2"/></source></trans-unit></body></file></xliff>',
        encoding="utf-8",
    )
    (unit,) = read_xliff(path)[0].units
    codes = [(p.tag, p.get("type")) for p in unit.variants[0].segment.content if isinstance(p, Inline)]
    assert codes == [("ph", "lb"), ("bpt", "bold"), ("ept", None)]


# -- several <file>s ---------------------------------------------------------------------------------------------


def test_a_file_of_another_language_pair_stops_the_command_in_one_line(tmp_path: Path) -> None:
    """Matecat's test file has two <file>s of hy-am → fr-fr without units, then one of en-us → es-es: its units were
    stored as Armenian and French. Nothing is written, and the line names the <file> and both pairs."""
    source = _real("matecat-file-with-not-empty-target-tag-with-some-mrk-and-html-with-alt-trans.xliff")
    tmx = tmp_path / "out.tmx"
    for args in (("convert", source, "-o", tmx), ("qa", source), ("score", source, "--hyp", source)):
        result = run_cli(*args)
        assert result.code == 2
        assert result.stderr.count("\n") == 1
        assert ':7: <file original=""> is en-us → es-es, the first <file> hy-am → fr-fr' in result.stderr
    assert not tmx.exists()


def test_files_of_one_pair_read_on_and_regions_of_it_too(tmp_path: Path) -> None:
    """A later <file> of another target (fr where the first is ar) is refused; one naming the same pair in another
    case or with a region of a language (`ar-SA` for `ar`), or none, is read."""

    def xliff(*targets: str | None) -> Path:
        files = "".join(
            f'<file original="f{n}" source-language="en"'
            + (f' target-language="{target}"' if target else "")
            + f' datatype="plaintext"><body><trans-unit id="1"><source>Hello</source>'
            f'<target state="translated">T{n}</target></trans-unit></body></file>'
            for n, target in enumerate(targets)
        )
        path = tmp_path / "several.xlf"
        path.write_text(f'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">{files}</xliff>')
        return path

    assert [u.tuid for u in read_xliff(xliff("ar", "AR", "ar-SA", None))[0].units] == ["1", "f1/1", "f2/1", "f3/1"]
    with pytest.raises(InputError, match='<file original="f1"> is en → fr, the first <file> en → ar'):
        read_xliff(xliff("ar", "fr"))
