"""What a TMX memory holds beyond its pairs (the attributes of its units and variants, variant props and notes, the
header) goes through XLIFF and back: TMX → XLIFF → TMX gives the memory as it was, and what XLIFF cannot carry is
named in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import run_cli
from tests.xliff_schemas import schema_problems
from tmkit.formats.tmx_reader import load_tmx, segment_from_xml
from tmkit.formats.xliff import XliffReader, read_xliff, write_xliff
from tmkit.memory.model import Header, Memory, Note, Prop, RawElement, Status, TranslationUnit, Variant

VERSIONS = ["1.2", "2.0", "2.1"]

#: A Trados Studio export: the header's creationid and recognizer props, a unit's dates, ids and usage, a per-unit
#: srclang, an x-Context prop, a note, codes, a variant's own dates, and a third language.
TRADOS_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
<header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8 Format" datatype="xml"
 segtype="sentence" adminlang="en-US" srclang="ar-SA" creationdate="20210301T101010Z" creationid="ACME\\jdoe">
<prop type="x-Recognizers">RecognizeAll</prop>
<prop type="x-TMName">news</prop>
</header>
<body>
<tu creationdate="20210302T101010Z" creationid="ACME\\jdoe" changedate="20210405T111111Z" changeid="ACME\\asmith"
 usagecount="3" lastusagedate="20210501T121212Z" srclang="ar-SA">
<prop type="x-Context">1234, 5678</prop>
<note>checked</note>
<tuv xml:lang="ar-SA"><seg>وصل <bpt i="1" type="bold">&lt;b&gt;</bpt>الوفد<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
<tuv xml:lang="en-US" creationdate="20210302T101010Z" creationid="ACME\\jdoe"><seg>The <bpt i="1" type="bold">&lt;b&gt;\
</bpt>delegation<ept i="1">&lt;/b&gt;</ept> arrived.</seg></tuv>
<tuv xml:lang="fr-FR"><seg>La délégation est arrivée.</seg></tuv>
</tu>
</body>
</tmx>
"""


@pytest.mark.parametrize("version", VERSIONS)
def test_a_trados_memory_goes_through_xliff_and_back_with_its_unit_and_header_metadata(
    tmp_path: Path, version: str
) -> None:
    """The unit's dates, ids, usage and srclang and the header's props and creationid were lost without a word."""
    tmx = tmp_path / "trados.tmx"
    tmx.write_text(TRADOS_TMX, encoding="utf-8")
    xlf, back, direct = tmp_path / "x.xlf", tmp_path / "back.tmx", tmp_path / "direct.tmx"
    done = run_cli("convert", tmx, "-o", xlf, "--xliff-version", version)
    assert done.code == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "variants in fr-fr (1) are not" in warnings[0]  # the one thing left out
    assert schema_problems(xlf) == []
    assert run_cli("convert", xlf, "-o", back).code == 0
    assert run_cli("convert", tmx, "-o", direct).code == 0
    expected = load_tmx(direct)
    for unit in expected.units:
        unit.variants = [v for v in unit.variants if v.lang != "fr-FR"]
    got = load_tmx(back)
    assert got.header == expected.header
    assert got.units == expected.units
    assert back.read_text(encoding="utf-8") == direct.read_text(encoding="utf-8").replace(
        '      <tuv xml:lang="fr-FR">\n        <seg>La délégation est arrivée.</seg>\n      </tuv>\n', ""
    )


def test_what_xliff_cannot_carry_is_named_in_one_line(tmp_path: Path) -> None:
    tmx = tmp_path / "lang.tmx"
    tmx.write_text(
        TRADOS_TMX.replace('<prop type="x-Context">', '<prop type="x-Context" xml:lang="en">').replace(
            '<prop type="x-TMName">', '<prop type="x-TMName" o-encoding="base64">'
        ),
        encoding="utf-8",
    )
    done = run_cli("convert", tmx, "-o", tmp_path / "x.xlf", "--tgt", "en-US")
    assert done.code == 0, done.stderr
    line = [w for w in done.stderr.splitlines() if "props or notes" in w]
    assert line == [
        "tmkit: warning: props or notes of 1 units and of the header have attributes XLIFF has no place for "
        "(a prop's xml:lang, o-encoding…): written without them"
    ]


def test_a_note_keeps_its_language_in_xliff_2(tmp_path: Path) -> None:
    unit = TranslationUnit([Variant("ar", segment_from_xml("أ")), Variant("en", segment_from_xml("a"))], tuid="1")
    unit.notes = [Note("ملاحظة", lang="ar"), Note("plain")]
    path = tmp_path / "n.xlf"
    write_xliff(path, Memory(Header(), [unit]), source_lang="ar", target_lang="en", version="2.0")
    assert schema_problems(path) == []
    assert read_xliff(path)[0].units[0].notes == unit.notes


# -- any metadata, both versions --------------------------------------------------------------------------------

_value = st.text(alphabet="ab ٣ج&<>\"'\n", min_size=1, max_size=6).filter(lambda v: v.strip() == v and v != "")
_date = st.sampled_from(["20210302T101010Z", "20001231T235959Z", "2010-02-23T04:43:27"])
_extra_names = st.sampled_from(["o-encoding", "datatype", "creationtool", "segtype", "x-vendor", "{urn:x}mark"])


@st.composite
def _attributes(draw: st.DrawFn, holder: object, *, unit: bool) -> None:
    for field, values in [
        ("creation_date", _date),
        ("creation_id", _value),
        ("change_date", _date),
        ("change_id", _value),
        ("usage_count", st.sampled_from(["0", "12", "n/a"])),
        ("last_usage_date", _date),
        *([("srclang", st.sampled_from(["ar", "ar-SA", "*all*"]))] if unit else []),
    ]:
        if draw(st.booleans()):
            setattr(holder, field, draw(values))
    extra = holder.extra_attrs  # type: ignore[attr-defined]
    for name in draw(st.lists(_extra_names, max_size=2, unique=True)):
        extra[name] = draw(_value)


_props = st.lists(st.builds(Prop, st.sampled_from(["x-a", "x-Context", "client name", "Txt::Doc. No."]), _value))
_notes = st.lists(st.builds(Note, _value, st.sampled_from([None, "en", "ar-SA"])), max_size=2)


@st.composite
def _variant(draw: st.DrawFn, langs: list[str]) -> Variant:
    variant = Variant(
        draw(st.sampled_from(langs)), segment_from_xml(draw(_value).replace("&", "&amp;").replace("<", "&lt;"))
    )
    draw(_attributes(variant, unit=False))
    variant.props = draw(_props)
    variant.notes = draw(_notes)
    return variant


@st.composite
def _unit(draw: st.DrawFn, number: int) -> TranslationUnit:
    source = draw(_variant(["ar", "ar-SA", "AR-eg"]))
    target = draw(_variant(["en", "en-US", "en-gb"]))
    unit = TranslationUnit([source, target], tuid=draw(st.sampled_from([f"u{number}", None])))
    unit.status = draw(st.sampled_from([Status.DRAFT, Status.TRANSLATED, Status.REVIEWED, Status.FINAL]))
    draw(_attributes(unit, unit=True))
    unit.props = draw(_props)
    unit.notes = draw(_notes)
    return unit


@st.composite
def _memory(draw: st.DrawFn) -> Memory:
    header = Header(srclang=draw(st.sampled_from(["ar", "ar-SA", "*all*"])))
    header.adminlang = draw(st.sampled_from(["en", "en-US", "fr"]))
    header.segtype = draw(st.sampled_from(["sentence", "paragraph"]))
    header.o_tmf = draw(st.sampled_from(["tmkit", "SDL TM8 Format"]))
    header.datatype = draw(st.sampled_from(["plaintext", "xml"]))
    header.creationtool = draw(st.sampled_from(["tmkit", "OmegaT"]))
    header.creationtoolversion = draw(st.sampled_from(["", "3.6"]))
    for field in ("creation_date", "change_date"):
        if draw(st.booleans()):
            setattr(header, field, draw(_date))
    for field in ("creation_id", "change_id"):
        if draw(st.booleans()):
            setattr(header, field, draw(_value))
    for name in draw(st.lists(st.sampled_from(["o-encoding", "x-vendor", "{urn:x}mark"]), max_size=2, unique=True)):
        header.extra_attrs[name] = draw(_value)  # (its other attributes have fields of their own)
    header.props = draw(_props)
    header.notes = draw(_notes)
    if draw(st.booleans()):
        header.udes = [
            RawElement(
                "ude",
                (("name", "MacRoman"), ("base", "Macintosh")),
                (RawElement("map", (("unicode", "#xF8FF"), ("code", "#xF0"))),),
            )
        ]
    units = [draw(_unit(number)) for number in range(draw(st.integers(1, 3)))]
    return Memory(header, units)


@pytest.mark.parametrize("version", VERSIONS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(memory=_memory())
def test_any_unit_and_header_metadata_round_trips_through_xliff(tmp_path: Path, version: str, memory: Memory) -> None:
    path = tmp_path / f"m{version}.xlf"
    write_xliff(path, memory, source_lang="ar", target_lang="en", version=version)
    assert schema_problems(path) == []
    back, _, _ = read_xliff(path)
    assert back.header == memory.header
    assert back.units == memory.units
    # The streaming reader gives the header from the start of the file, as a conversion needs it.
    assert XliffReader(path).header() == memory.header
