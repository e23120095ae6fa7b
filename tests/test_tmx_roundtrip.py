"""TMX read → write → read loses nothing, and writing is deterministic and DTD-valid."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tmkit import __version__
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import dumps_tmx, write_tmx
from tmkit.memory.dates import format_tmx_date
from tmkit.memory.model import (
    REJECTED_PROP,
    STATUS_PROP,
    Content,
    Header,
    Inline,
    Memory,
    Note,
    Prop,
    RawElement,
    Segment,
    Status,
    TranslationUnit,
    Variant,
    normalize_content,
)

# Arabic letters, harakat (U+064B-U+0652), tatweel, Arabic-Indic digits, Latin, XML specials,
# bidi marks, a full-width space, an astral-plane emoji, and all the white space XML keeps.
ARABIC = "ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآةىئؤ" + "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652" + "\u0640"
ALPHABET = ARABIC + "٠١٢٣٤٥٦٧٨٩" + "abcXYZ019" + "<>&\"'؟،;." + "\u200f\u200e\u3000" + "\U0001f600" + " \t\n\r"
text = st.text(alphabet=ALPHABET, max_size=40)
word = st.text(alphabet=ARABIC + "abcxyz", min_size=1, max_size=8)
attr_value = st.text(alphabet=ALPHABET, max_size=12)
lang = st.sampled_from(["ar", "AR-SA", "ar_EG", "en", "en-US", "EN-GB", "fr"])
dates = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)).map(
    format_tmx_date
)
optional = st.one_of(st.none(), word)


def _inline(children: st.SearchStrategy[Content]) -> st.SearchStrategy[Inline]:
    code_attrs = st.lists(
        st.tuples(st.sampled_from(["i", "x", "type", "pos", "assoc", "{urn:example}kind"]), attr_value),
        max_size=3,
        unique_by=lambda kv: kv[0],
    ).map(tuple)
    sub = st.builds(
        lambda parts: Inline("sub", (), normalize_content(parts)),
        st.lists(st.one_of(text, children), max_size=2),
    )
    code = st.builds(
        lambda tag, attrs, parts: Inline(tag, attrs, normalize_content(parts)),
        st.sampled_from(["bpt", "ept", "it", "ph", "ut"]),
        code_attrs,
        st.lists(st.one_of(text, sub), max_size=2),
    )
    hi = st.builds(
        lambda attrs, parts: Inline("hi", attrs, normalize_content(parts)),
        code_attrs,
        st.lists(st.one_of(text, children), max_size=3),
    )
    return st.one_of(code, hi)


content_item: st.SearchStrategy[Content] = st.recursive(text, _inline, max_leaves=6)
segments = st.lists(content_item, max_size=5).map(lambda parts: Segment(normalize_content(parts)))
props = st.lists(
    st.builds(
        Prop,
        st.text(alphabet="xabcTMN-:_. ", min_size=1, max_size=12).filter(
            lambda t: t not in (STATUS_PROP, REJECTED_PROP)
        ),
        text,
        st.one_of(st.none(), lang),
        st.lists(st.tuples(st.just("o-encoding"), word), max_size=1).map(tuple),
    ),
    max_size=3,
)
notes = st.lists(st.builds(Note, text, st.one_of(st.none(), lang)), max_size=2)
extra_attrs = st.dictionaries(
    st.sampled_from(
        [
            "o-encoding",
            "datatype",
            "o-tmf",
            "creationtool",
            "{urn:example}flag",
            "{http://www.w3.org/XML/1998/namespace}space",
        ]
    ),
    attr_value,
    max_size=2,
)
variants = st.builds(
    Variant,
    lang=lang,
    segment=segments,
    props=props,
    notes=notes,
    creation_date=st.one_of(st.none(), dates),
    creation_id=optional,
    change_date=st.one_of(st.none(), dates),
    change_id=optional,
    usage_count=st.one_of(st.none(), st.integers(0, 999).map(str)),
    last_usage_date=st.one_of(st.none(), dates),
    extra_attrs=extra_attrs,
)


@st.composite
def units(draw: st.DrawFn) -> TranslationUnit:
    status = draw(st.sampled_from(list(Status)))
    label = draw(st.one_of(st.none(), st.text(alphabet="abcdef-", max_size=8).map(lambda t: "x-" + t)))
    return TranslationUnit(
        variants=draw(st.lists(variants, min_size=1, max_size=3)),
        tuid=draw(optional),
        status=status,
        rejected=draw(st.booleans()),
        status_label=label if status is Status.DRAFT else None,
        srclang=draw(st.one_of(st.none(), lang)),
        props=draw(props),
        notes=draw(notes),
        creation_date=draw(st.one_of(st.none(), dates)),
        creation_id=draw(optional),
        change_date=draw(st.one_of(st.none(), dates)),
        change_id=draw(optional),
        usage_count=draw(st.one_of(st.none(), st.integers(0, 99).map(str))),
        last_usage_date=draw(st.one_of(st.none(), dates)),
        extra_attrs=draw(extra_attrs),
    )


headers = st.builds(
    Header,
    srclang=st.sampled_from(["ar", "en", "*all*", "AR-SA"]),
    adminlang=st.sampled_from(["en", "en-US", "ar"]),
    segtype=st.sampled_from(["sentence", "paragraph", "block", "phrase"]),
    datatype=st.sampled_from(["plaintext", "html", "unknown"]),
    o_tmf=word,
    creationtool=st.just("tmkit"),
    creationtoolversion=st.just(__version__),
    creation_date=st.one_of(st.none(), dates),
    props=props,
    notes=notes,
    udes=st.lists(
        st.builds(
            lambda name, code: RawElement(
                "ude",
                (("name", name), ("base", "Macintosh")),
                (RawElement("map", (("unicode", "#xF8FF"), ("code", code))),),
            ),
            word,
            st.just("#xF0"),
        ),
        max_size=1,
    ),
)
memories = st.builds(Memory, headers, st.lists(units(), max_size=6))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(memory=memories)
def test_read_write_read_is_lossless(memory: Memory, tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    write_tmx(path, memory)
    again = load_tmx(path)
    assert again.header == memory.header
    assert again.units == memory.units
    # Writing what was read gives the same bytes: output is deterministic.
    assert dumps_tmx(again) == path.read_text(encoding="utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(memory=memories)
def test_written_file_is_well_formed_utf8(memory: Memory, tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    write_tmx(path, memory)
    raw = path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">')
    assert not raw.startswith(b"\xef\xbb\xbf")
    etree.fromstring(raw)  # parses


def _dtd_valid_unit(text_ar: str, text_en: str) -> TranslationUnit:
    bold = (Inline("bpt", (("i", "1"), ("type", "bold")), ("<b>",)), Inline("ept", (("i", "1"),), ("</b>",)))
    return TranslationUnit(
        [
            Variant(
                "ar", Segment(normalize_content([text_ar, bold[0], "مهم", bold[1]])), creation_date="20210622T090000Z"
            ),
            Variant(
                "en",
                Segment(
                    normalize_content([text_en, bold[0], "important", bold[1], Inline("ph", (("x", "2"),), ("<br/>",))])
                ),
            ),
        ],
        tuid="1",
        props=[Prop("x-origin", "test")],
        notes=[Note("checked", "en")],
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text_ar=text, text_en=text)
def test_written_file_validates_against_the_reference_dtd(
    text_ar: str, text_en: str, tmp_path: Path, tmx_dtd: Path
) -> None:
    memory = Memory(Header(srclang="ar", props=[Prop("x-TMName", "news")]), [_dtd_valid_unit(text_ar, text_en)])
    path = tmp_path / "m.tmx"
    write_tmx(path, memory)
    dtd = etree.DTD(str(tmx_dtd))
    tree = etree.parse(str(path))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()


def test_illegal_characters_are_dropped_and_counted(tmp_path: Path) -> None:
    memory = Memory(
        Header(),
        [
            TranslationUnit(
                [Variant("ar", Segment.from_text("نص\x0bمع\x01رموز")), Variant("en", Segment.from_text("ok"))]
            )
        ],
    )
    report = write_tmx(tmp_path / "m.tmx", memory)
    assert report.illegal_chars_removed == 2
    assert load_tmx(tmp_path / "m.tmx").units[0].variants[0].text == "نصمعرموز"


@settings(max_examples=200, deadline=None)
@given(segment=segments)
def test_segment_markup_round_trip(segment: Segment) -> None:
    from tmkit.formats.tmx_reader import segment_from_xml
    from tmkit.formats.tmx_writer import segment_to_xml

    assert segment_from_xml(segment_to_xml(segment)) == segment


def test_every_character_is_escaped_or_dropped_as_the_tables_say() -> None:
    """The writer leaves a text as it is when one search finds nothing to escape or drop in it: for every code point of
    the Basic Multilingual Plane (where every escaped or illegal character is) and two beyond, after a letter, text and
    attribute values come out as escaping and dropping characters one by one gives."""
    from tmkit.formats import tmx_writer
    from tmkit.formats.xml_safety import ILLEGAL_CHAR_RE

    def by_hand(value: str, table: dict[int, str]) -> str:
        return ILLEGAL_CHAR_RE.sub("", value).translate(table)

    escaper = tmx_writer._Escaper()
    text_wrong = [
        p
        for p in (*range(0x10000), 0x1F600, 0x10FFFF)
        if escaper.text(f"ب{chr(p)}") != by_hand(f"ب{chr(p)}", tmx_writer._TEXT_ESCAPES)
    ]
    attr_wrong = [
        p
        for p in (*range(0x10000), 0x1F600, 0x10FFFF)
        if escaper.attr(f"ب{chr(p)}") != by_hand(f"ب{chr(p)}", tmx_writer._ATTR_ESCAPES)
    ]
    assert text_wrong == [] and attr_wrong == []
