"""Reading the TMX files real tools write: versions, encodings, languages, anomalies, inline markup."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest

from tests.helpers import TMX_HEAD, tmx_doc
from tmkit.formats.tmx_reader import TmxReader, load_tmx, read_tmx
from tmkit.memory.model import Inline, Status

TU_AR_EN = '<tu tuid="1"><tuv xml:lang="ar"><seg>مرحبا</seg></tuv><tuv xml:lang="en"><seg>Hello</seg></tuv></tu>\n'


def write(tmp_path: Path, text: str, name: str = "m.tmx", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_tmx_11_lang_attribute_and_upper_case_codes(tmp_path: Path) -> None:
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx11.dtd">\n<tmx version="1.1">\n'
        '<header creationtool="OmegaT" creationtoolversion="3.6" segtype="sentence" o-tmf="OmegaT TMX" '
        'adminlang="EN-US" srclang="AR" datatype="plaintext"/>\n<body>\n'
        '<tu><tuv lang="AR"><seg>شكرا</seg></tuv><tuv lang="EN-US"><seg>Thanks</seg></tuv></tu>\n'
        "</body>\n</tmx>\n"
    )
    memory, reader = read_tmx(write(tmp_path, doc))
    unit = memory.units[0]
    assert [v.lang for v in unit.variants] == ["AR", "EN-US"]  # raw codes kept for writing back
    assert unit.variant("ar") is not None and unit.variant("ar").text == "شكرا"  # type: ignore[union-attr]
    assert unit.variant("en") is None
    assert unit.variant("en", region_fallback=True).text == "Thanks"  # type: ignore[union-attr]
    assert reader.version == "1.1"
    assert not reader.issues


def test_srclang_all_and_unit_override(tmp_path: Path) -> None:
    head = TMX_HEAD.replace('srclang="ar"', 'srclang="*all*"')
    body = (
        '<tu srclang="en"><tuv xml:lang="en"><seg>Hi</seg></tuv><tuv xml:lang="ar"><seg>أهلا</seg></tuv></tu>\n'
        '<tu><tuv xml:lang="ar"><seg>نعم</seg></tuv><tuv xml:lang="en"><seg>Yes</seg></tuv></tu>\n'
    )
    memory, reader = read_tmx(write(tmp_path, tmx_doc(body, head)))
    assert memory.units[0].source_lang(memory.header.srclang) == "en"
    assert memory.units[1].source_lang(memory.header.srclang) is None  # any variant may be source
    assert "missing-source" not in reader.issue_counts


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
def test_encodings_with_and_without_bom(tmp_path: Path, encoding: str, bom: bytes) -> None:
    declared = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    doc = tmx_doc(TU_AR_EN).replace('encoding="UTF-8"', f'encoding="{declared}"')
    path = tmp_path / "m.tmx"
    path.write_bytes(bom + doc.encode(encoding))
    memory = load_tmx(path)
    assert memory.units[0].variant("ar").text == "مرحبا"  # type: ignore[union-attr]


def test_utf8_bytes_declaring_utf16_is_one_clear_error(tmp_path: Path) -> None:
    doc = tmx_doc(TU_AR_EN).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    with pytest.raises(Exception) as info:
        load_tmx(write(tmp_path, doc))
    assert "m.tmx:" in str(info.value)


def test_gzip_input(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx.gz"
    path.write_bytes(gzip.compress(tmx_doc(TU_AR_EN).encode()))
    assert load_tmx(path).units[0].variant("en").text == "Hello"  # type: ignore[union-attr]


def test_comments_and_processing_instructions_anywhere(tmp_path: Path) -> None:
    body = (
        "<!-- Default translations -->\n"
        '<tu><!-- c --><tuv xml:lang="ar"><!-- c --><seg>أ<!-- inside -->ب<?pi x?>ج</seg></tuv>'
        '<tuv xml:lang="en"><seg>abc</seg></tuv></tu>\n<!-- Alternative translations -->\n'
    )
    memory = load_tmx(write(tmp_path, tmx_doc(body) + "<!-- after the root -->\n"))
    assert memory.units[0].variant("ar").text == "أبج"  # type: ignore[union-attr]


def test_cdata_is_read_as_text(tmp_path: Path) -> None:
    body = (
        '<tu><tuv xml:lang="ar"><seg><![CDATA[<b>نص</b> & رمز]]></seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>'
    )
    assert load_tmx(write(tmp_path, tmx_doc(body))).units[0].variant("ar").text == "<b>نص</b> & رمز"  # type: ignore[union-attr]


def test_whitespace_inside_seg_is_kept_exactly(tmp_path: Path) -> None:
    body = (
        '<tu><tuv xml:lang="ar"><seg>  أ\tب\n\n ج&#13;\u3000 </seg></tuv><tuv xml:lang="en"><seg> x </seg></tuv></tu>'
    )
    unit = load_tmx(write(tmp_path, tmx_doc(body))).units[0]
    assert unit.variant("ar").text == "  أ\tب\n\n ج\r\u3000 "  # type: ignore[union-attr]
    assert unit.variant("en").text == " x "  # type: ignore[union-attr]


def test_inline_markup_kept_structurally_with_plain_and_placeholder_views(tmp_path: Path) -> None:
    body = (
        '<tu><tuv xml:lang="en"><seg>Click <bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>Save'
        '<ept i="1">&lt;/b&gt;</ept> <ph x="2" type="image">&lt;img alt="<sub>Save icon</sub>"/&gt;</ph>'
        '<it pos="end" x="3">&lt;/a&gt;</it> <hi type="term">now</hi></seg></tuv>'
        '<tuv xml:lang="ar"><seg>انقر</seg></tuv></tu>'
    )
    segment = load_tmx(write(tmp_path, tmx_doc(body))).units[0].variants[0].segment
    assert segment.plain == "Click Save  now"
    assert segment.placeholder_text() == "Click {1}Save{/1} {2/}{/3} now"
    codes = segment.codes()
    assert [c.tag for c in codes] == ["bpt", "ept", "ph", "it"]
    assert codes[0].attrs == (("i", "1"), ("x", "1"), ("type", "bold"))
    assert codes[0].content == ("<b>",)
    assert isinstance(codes[2].content[1], Inline) and codes[2].content[1].tag == "sub"


def test_astral_characters_count_as_one(tmp_path: Path) -> None:
    body = (
        '<tu><tuv xml:lang="ar"><seg>\U0001f600 مرحبا</seg></tuv><tuv xml:lang="en"><seg>\U0001f600 hi</seg></tuv></tu>'
    )
    text = load_tmx(write(tmp_path, tmx_doc(body))).units[0].variant("ar").text  # type: ignore[union-attr]
    assert len(text) == 7 and text[0] == "\U0001f600"


def test_anomalies_are_kept_and_reported_with_lines(tmp_path: Path) -> None:
    body = (
        '<tu tuid="7"><tuv xml:lang="en"><seg>only English</seg></tuv></tu>\n'  # line 5
        '<tu tuid="7"><tuv xml:lang="ar"><seg>أ</seg></tuv><tuv xml:lang="ar-SA"><seg>ب</seg></tuv>'
        '<tuv xml:lang="en"><seg/></tuv></tu>\n'  # line 6
    )
    memory, reader = read_tmx(write(tmp_path, tmx_doc(body)))
    assert len(memory.units) == 2
    found = {(i.line, i.code) for i in reader.issues}
    assert (5, "missing-source") in found
    assert (5, "single-variant") in found
    assert (6, "duplicate-tuid") in found
    assert (6, "empty-segment") in found
    assert (6, "repeated-language") not in found  # ar and ar-SA are different tags
    assert len(memory.units[1].variants_in("ar", region_fallback=True)) == 2


def test_two_variants_of_one_language_are_both_kept(tmp_path: Path) -> None:
    body = '<tu><tuv xml:lang="ar"><seg>أ</seg></tuv><tuv xml:lang="AR"><seg>ب</seg></tuv><tuv xml:lang="en"><seg>a</seg></tuv></tu>'
    memory, reader = read_tmx(write(tmp_path, tmx_doc(body)))
    assert [v.text for v in memory.units[0].variants_in("ar")] == ["أ", "ب"]
    assert reader.issue_counts["repeated-language"] == 1


def test_header_ude_map_props_and_notes(tmp_path: Path) -> None:
    head = TMX_HEAD.replace(
        "/>\n<body>",
        '>\n<note>made by hand</note><prop type="x-Recognizers">RecognizeAll</prop>'
        '<ude name="MacRoman" base="Macintosh"><map unicode="#xF8FF" code="#xF0" ent="Apple_logo" subst="[Apple]"/></ude>'
        "</header>\n<body>",
    )
    memory = load_tmx(write(tmp_path, tmx_doc(TU_AR_EN, head)))
    header = memory.header
    assert header.notes[0].text == "made by hand"
    assert header.props[0].type == "x-Recognizers"
    assert header.udes[0].tag == "ude" and header.udes[0].children[0].attrs[1] == ("code", "#xF0")


def test_status_props(tmp_path: Path) -> None:
    def unit(props: str, target: str = "x") -> str:
        return f'<tu>{props}<tuv xml:lang="ar"><seg>أ</seg></tuv><tuv xml:lang="en"><seg>{target}</seg></tuv></tu>\n'

    body = (
        unit('<prop type="x-tmkit-status">reviewed</prop><prop type="x-tmkit-rejected">1</prop>')
        + unit('<prop type="x-tmkit-status">x-signed-by-client</prop>')
        + unit("")
        + unit("", target="")
    )
    memory, reader = read_tmx(write(tmp_path, tmx_doc(body)))
    first, foreign, plain, empty = memory.units
    assert (first.status, first.rejected, first.props) == (Status.REVIEWED, True, [])
    assert (foreign.status, foreign.status_label) == (Status.DRAFT, "x-signed-by-client")
    assert plain.status is Status.TRANSLATED  # a unit a CAT tool stored is a confirmed translation
    assert empty.status is Status.NEW
    assert reader.issue_counts["foreign-status"] == 1


def test_dates_are_normalised_and_odd_ones_kept(tmp_path: Path) -> None:
    body = (
        '<tu creationdate="2010-02-23T04:43:27" changedate="yesterday">'
        '<tuv xml:lang="ar" creationdate="20200101T000000Z"><seg>أ</seg></tuv><tuv xml:lang="en"><seg>a</seg></tuv></tu>'
    )
    memory, reader = read_tmx(write(tmp_path, tmx_doc(body)))
    unit = memory.units[0]
    assert unit.creation_date == "20100223T044327Z"
    assert unit.change_date == "yesterday"
    assert unit.variants[0].creation_date == "20200101T000000Z"
    assert reader.issue_counts["bad-date"] == 1


def test_namespaced_tmx(tmp_path: Path) -> None:
    doc = tmx_doc(TU_AR_EN).replace('<tmx version="1.4">', '<tmx xmlns="http://www.lisa.org/tmx14" version="1.4">')
    assert load_tmx(write(tmp_path, doc)).units[0].variant("en").text == "Hello"  # type: ignore[union-attr]


def test_reader_streams_and_frees_units(tmp_path: Path) -> None:
    body = "".join(
        f'<tu tuid="{i}"><tuv xml:lang="ar"><seg>جملة {i}</seg></tuv><tuv xml:lang="en"><seg>sentence {i}</seg></tuv></tu>\n'
        for i in range(2000)
    )
    reader = TmxReader(write(tmp_path, tmx_doc(body)))
    seen = 0
    for unit in reader:
        seen += 1
        assert unit.tuid == str(seen - 1)
    assert seen == reader.units_read == 2000
