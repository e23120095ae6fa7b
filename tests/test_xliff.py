"""XLIFF 1.2 and 2.x: status mapping both ways, inline codes, round trips, hostile and broken files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import SAMPLES, run_cli
from tests.xliff_schemas import schema_problems
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import load_tmx, segment_from_xml
from tmkit.formats.xliff import (
    XliffReader,
    read_xliff,
    status_from_xliff2,
    status_from_xliff12,
    status_to_xliff2,
    status_to_xliff12,
    write_xliff,
)
from tmkit.memory.model import (
    REJECTION_REASON_PROP,
    Header,
    Inline,
    Memory,
    Prop,
    Segment,
    Status,
    TranslationUnit,
    Variant,
    rejection_reason,
    set_rejection_reason,
)

STATUS_12 = [
    (Status.NEW, False, "new", False),
    (Status.DRAFT, False, "needs-review-translation", False),
    (Status.TRANSLATED, False, "translated", False),
    (Status.REVIEWED, False, "signed-off", True),
    (Status.FINAL, False, "final", True),
    (Status.TRANSLATED, True, "needs-review-translation", False),
]


@pytest.mark.parametrize(("status", "rejected", "state", "approved"), STATUS_12)
def test_status_table_xliff12(status: Status, rejected: bool, state: str, approved: bool) -> None:
    assert status_to_xliff12(status, rejected=rejected) == (state, approved)
    if not rejected:
        assert status_from_xliff12(state, approved=approved, has_target=status is not Status.NEW)[0] is status


def test_xliff12_import_of_other_states() -> None:
    assert status_from_xliff12(None, approved=True, has_target=True) == (Status.REVIEWED, None)
    assert status_from_xliff12("needs-l10n", approved=False, has_target=True) == (Status.DRAFT, None)
    assert status_from_xliff12("x-checked", approved=False, has_target=True) == (Status.DRAFT, "x-checked")
    assert status_from_xliff12("new", approved=False, has_target=True) == (Status.DRAFT, None)


@pytest.mark.parametrize(
    ("status", "rejected", "state", "sub"),
    [
        (Status.NEW, False, "initial", None),
        (Status.DRAFT, False, "initial", "tmkit:draft"),
        (Status.TRANSLATED, False, "translated", None),
        (Status.REVIEWED, False, "reviewed", None),
        (Status.FINAL, False, "final", None),
        (Status.TRANSLATED, True, "translated", "tmkit:rejected"),
        (Status.DRAFT, True, "initial", "tmkit:rejected"),
    ],
)
def test_status_table_xliff2(status: Status, rejected: bool, state: str, sub: str | None) -> None:
    assert status_to_xliff2(status, rejected=rejected) == (state, sub)
    assert status_from_xliff2(state, sub, has_target=status is not Status.NEW) == (status, rejected)


def _unit(source: Segment, target: Segment, status: Status, rejected: bool, number: int) -> TranslationUnit:
    unit = TranslationUnit([Variant("ar", source), Variant("en", target)], tuid=f"u{number}")
    unit.status = status
    unit.rejected = rejected
    unit.props = [Prop("x-tmkit-match", "97"), Prop("x-tmkit-origin", "news.tmx")]
    return unit


_text = st.text(alphabet="ابت ثج abc<&>\"'", min_size=1, max_size=8)


@st.composite
def segments(draw: st.DrawFn) -> Segment:
    parts: list[str | Inline] = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["text", "pair", "ph", "it"]))
        native = draw(st.sampled_from(["<b>", "{1}", "&amp;", ""]))
        code = (native,) if native else ()
        if kind == "text":
            parts.append(draw(_text))
        elif kind == "pair":
            parts += [Inline("bpt", (("i", str(i + 1)),), code), draw(_text), Inline("ept", (("i", str(i + 1)),), code)]
        elif kind == "ph":
            parts.append(Inline("ph", (("x", str(i + 10)),), code))
        else:
            parts.append(Inline("it", (("x", str(i + 20)), ("pos", "end")), code))
    merged: list[str | Inline] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return Segment(tuple(merged))


@pytest.mark.parametrize("version", ["1.2", "2.0", "2.1"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pairs=st.lists(
        st.tuples(segments(), segments(), st.sampled_from(list(Status)[1:]), st.booleans()), min_size=1, max_size=4
    )
)
def test_round_trip_keeps_text_codes_status_and_props(tmp_path: Path, version: str, pairs: list) -> None:  # type: ignore[type-arg]
    units = [_unit(s, t, status, rejected, n) for n, (s, t, status, rejected) in enumerate(pairs)]
    path = tmp_path / f"rt{version}.xlf"
    write_xliff(path, Memory(Header(), units), source_lang="ar", target_lang="en", version=version)
    memory, source_lang, target_lang = read_xliff(path)
    assert (source_lang, target_lang) == ("ar", "en")
    assert len(memory.units) == len(units)
    for before, after in zip(units, memory.units, strict=True):
        assert after.tuid == before.tuid
        assert after.variant("ar").segment == before.variant("ar").segment  # type: ignore[union-attr]
        assert after.variant("en").segment == before.variant("en").segment  # type: ignore[union-attr]
        assert after.rejected == before.rejected
        assert after.status is before.status
        assert [(p.type, p.value) for p in after.props] == [("x-tmkit-match", "97"), ("x-tmkit-origin", "news.tmx")]


@pytest.mark.parametrize("version", ["1.2", "2.1"])
def test_a_rejections_reason_round_trips_and_a_cat_tool_shows_it(tmp_path: Path, version: str) -> None:
    """A reviewer's reason for rejecting a unit comes back as it was, once; it is in a note too (1.2: the rejection's;
    2.x: one of its own), which CAT tools show as a comment (the reviewer trial: over 2.x it was hidden)."""
    unit = _unit(Segment.from_text("نص"), Segment.from_text("Text."), Status.DRAFT, True, 1)
    set_rejection_reason(unit, "Wrong date")
    path = tmp_path / f"r{version}.xlf"
    write_xliff(path, Memory(Header(), [unit]), source_lang="ar", target_lang="en", version=version)
    written = path.read_text(encoding="utf-8")
    if version == "1.2":
        assert '<note from="tmkit">tmkit:rejected draft — Wrong date</note>' in written
    else:  # (the subState and the meta are for tmkit; a CAT tool shows notes)
        assert '<note category="tmkit:rejected">rejected: Wrong date</note>' in written
    assert schema_problems(path) == []
    (back,) = read_xliff(path)[0].units
    assert back.rejected and back.status is Status.DRAFT and rejection_reason(back) == "Wrong date"
    assert [p.value for p in back.props if p.type == REJECTION_REASON_PROP] == ["Wrong date"]
    assert back.notes == []


def test_the_sample_memory_round_trips_through_both_versions(tmp_path: Path) -> None:
    memory = load_tmx(SAMPLES / "article.tmx")
    for version in ("1.2", "2.1"):
        path = tmp_path / f"a{version}.xlf"
        write_xliff(path, memory, source_lang="ar", target_lang="en", version=version)
        back, _, _ = read_xliff(path)
        assert [u.variant("en").segment for u in back.units] == [u.variant("en").segment for u in memory.units]  # type: ignore[union-attr]
        assert [u.status for u in back.units] == [u.status for u in memory.units]


@pytest.mark.parametrize(
    ("state", "approved", "status"), [("translated", False, Status.TRANSLATED), ("signed-off", True, Status.REVIEWED)]
)
def test_a_rejected_unit_a_cat_tool_confirmed_comes_back_confirmed(
    tmp_path: Path, state: str, approved: bool, status: Status
) -> None:
    """A reviewer's trial: a rejected segment, converted to XLIFF 1.2 for a translator in memoQ or Trados, was fixed
    and confirmed there (its target's state "translated", tmkit's rejection note kept as the comment it is); converted
    back, it was a rejected draft again with the reviewer's old reason, the translator's confirmation lost. A state
    the CAT tool changed from the one tmkit wrote for the rejection ends it; the reason stays for the reviewer's next
    pass while the segment is only confirmed (as in the editor), and goes once it is approved."""
    unit = _unit(Segment.from_text("نص"), Segment.from_text("Text."), Status.DRAFT, True, 1)
    set_rejection_reason(unit, "Wrong date")
    path = tmp_path / "r.xlf"
    write_xliff(path, Memory(Header(), [unit]), source_lang="ar", target_lang="en", version="1.2")
    written = path.read_text(encoding="utf-8")
    target = re.compile(r'<target state="needs-review-translation"[^>]*>Text\.</target>')
    assert target.search(written)
    confirmed = target.sub(f'<target state="{state}">Fixed text.</target>', written)
    if approved:
        confirmed = confirmed.replace("<trans-unit ", '<trans-unit approved="yes" ')
    path.write_text(confirmed, encoding="utf-8")
    (back,) = read_xliff(path)[0].units
    assert back.status is status and not back.rejected
    assert back.prop_value(REJECTION_REASON_PROP) == (None if approved else "Wrong date")
    assert back.variant("en").segment.plain == "Fixed text."  # type: ignore[union-attr]
    # Edited but left in the state tmkit wrote (not confirmed yet): still rejected, with its reason.
    path.write_text(target.sub('<target state="needs-review-translation">Fixed.</target>', written), encoding="utf-8")
    (back,) = read_xliff(path)[0].units
    assert back.rejected and back.status is Status.DRAFT and rejection_reason(back) == "Wrong date"


def test_foreign_xliff12_codes_g_x_and_new_unit(tmp_path: Path) -> None:
    path = tmp_path / "f.xlf"
    path.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" '
        'target-language="ar" datatype="plaintext" original="x"><body>'
        '<trans-unit id="1"><source>Click <g id="1">here</g><x id="2"/></source></trans-unit>'
        '<trans-unit id="2" approved="yes"><source>Yes</source><target>نعم</target></trans-unit>'
        "</body></file></xliff>",
        encoding="utf-8",
    )
    memory, source_lang, target_lang = read_xliff(path)
    assert (source_lang, target_lang) == ("en", "ar")
    first, second = memory.units
    assert first.status is Status.NEW and first.variant("ar") is None
    assert [p.tag for p in first.variant("en").segment.content if isinstance(p, Inline)] == ["bpt", "ept", "ph"]  # type: ignore[union-attr]
    assert first.variant("en").segment.plain == "Click here"  # type: ignore[union-attr]
    assert second.status is Status.REVIEWED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b'<xliff version="1.2">\n<file source-language="en">\n<body></file>', r"f.xlf:3:\d+: not well-formed XML"),
        (b"<tmx/>", "not <xliff>"),
        (
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff version="1.2"><file source-language="en">'
            b'<body><trans-unit id="1"><source>&e;</source></trans-unit></body></file></xliff>',
            "entity",
        ),
        (b'<xliff version="1.2"><file><body/></file></xliff>', "no source-language"),
        (b'<xliff version="2.1" srcLang="en"><file id="f"><unit id="u"/></file></xliff>', "without <segment>"),
    ],
)
def test_broken_and_hostile_files_are_one_line_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "f.xlf"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_xliff(path)


_NOT_READ = "is not supported: tmkit reads XLIFF 1.0, 1.1, 1.2, 2.0 and 2.1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Read as 1.2, this one said "<file> has no source-language".
        (b'<xliff version="3.0" srcLang="en">\n<file id="f"/></xliff>', f"f.xlf:1: XLIFF version 3.0 {_NOT_READ}"),
        (
            b'<xliff version="3.0" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n<file source-language="en"/></xliff>',
            f"f.xlf:1: XLIFF version 3.0 {_NOT_READ}",
        ),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.2" srcLang="en"><file id="f"/></xliff>',
            f"f.xlf:1: XLIFF version 2.2 \\(namespace urn:oasis:names:tc:xliff:document:2.2\\) {_NOT_READ}",
        ),
        (
            b'<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en"/></xliff>',
            "f.xlf:1: version 2.0 with the namespace of XLIFF 1.2 .*: the two must agree",
        ),
    ],
)
def test_a_version_tmkit_does_not_read_is_named_with_those_it_reads(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "f.xlf"
    path.write_bytes(data)
    with pytest.raises(InputError, match=f"/{message}$"):
        read_xliff(path)
    result = run_cli("convert", str(path), "-o", str(tmp_path / "f.tmx"))
    assert (result.code, result.stderr.count("\n")) == (2, 1), result.stderr
    assert not (tmp_path / "f.tmx").exists()


def test_xliff_11_is_read_as_12(tmp_path: Path) -> None:
    path = tmp_path / "f.xlf"
    path.write_text(FOREIGN_12.replace("1.2", "1.1"), encoding="utf-8")
    assert [u.tuid for u in read_xliff(path)[0].units] == ["1", "2"]


_REPEATED_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
  <file original="a.txt" datatype="plaintext" source-language="ar" target-language="en">
    <body>
      <trans-unit id="1"><source>مرحبا</source><target state="translated">Hello</target></trans-unit>
      <trans-unit id="2"><source>نعم</source><target state="translated">Yes</target></trans-unit>
      <trans-unit id="1"><source>شكرا</source><target state="translated">Thanks</target></trans-unit>
    </body>
  </file>
</xliff>
"""
_REPEATED_2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" trgLang="en">
  <file id="f1">
    <unit id="u1"><segment><source>مرحبا</source></segment></unit>
    <group id="g1">
      <unit id="u1"><segment><source>شكرا</source></segment></unit>
    </group>
  </file>
  <file id="f2"><unit id="u1"><segment><source>نعم</source></segment></unit></file>
</xliff>
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_REPEATED_12, 'f.xlf:7: <trans-unit id="1"> repeats the id of the one at line 5: ids must be unique within a'),
        (_REPEATED_2, 'f.xlf:6: <unit id="u1"> repeats the id of the one at line 4: ids must be unique within a'),
    ],
    ids=["1.2", "2.0"],
)
def test_a_unit_id_repeated_in_a_file_is_an_error_at_the_second_one(tmp_path: Path, text: str, message: str) -> None:
    """It was read silently: two units of one tuid, which tmkit's merges and matches key on."""
    path = tmp_path / "f.xlf"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"/{message} <file>$"):
        read_xliff(path)
    for command in (["convert", str(path), "-o", str(tmp_path / "f.tmx")], ["qa", str(path)]):
        result = run_cli(*command)
        assert (result.code, result.stderr.count("\n")) == (2, 1), result.stderr
        assert message in result.stderr
    assert not (tmp_path / "f.tmx").exists()
    if text is _REPEATED_2:  # the same id in another <file> is another unit's
        path.write_text(
            text.replace('<unit id="u1"><segment><source>شكرا', '<unit id="u2"><segment><source>شكرا'), encoding="utf-8"
        )
        assert [u.tuid for u in read_xliff(path)[0].units] == ["u1", "u2", "f2/u1"]


def test_repeated_ids_are_found_once_the_ids_go_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ids are remembered in bounded memory: past a few, sorted in runs on disk (made tiny here)."""
    from tmkit.formats import xliff

    monkeypatch.setattr(xliff, "_IDS_HELD", 8)
    units = [TranslationUnit([Variant("ar", Segment.from_text(f"نص {n}"))], tuid=str(n)) for n in range(1000)]
    memory = Memory(Header(), units)
    path = tmp_path / "many.xlf"
    write_xliff(path, memory, source_lang="ar", target_lang="en", version="1.2")
    assert len(read_xliff(path)[0].units) == 1000
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    unit_lines = [n for n, line in enumerate(lines, 1) if "<trans-unit " in line]
    # Unit 900 and then unit 700 take the id of unit 10: the error names the first of them in the file, 700.
    for repeat in (900, 700):
        lines[unit_lines[repeat] - 1] = lines[unit_lines[repeat] - 1].replace(f'id="{repeat}"', 'id="10"')
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match=f":{unit_lines[700]}: .* the one at line {unit_lines[10]}:"):
        read_xliff(path)


def test_ids_of_one_hash_are_told_apart_by_reading_them_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only hashes of the ids are held: units whose hashes are alike are not taken for repeats unless their ids are."""
    from tmkit.formats import xliff

    monkeypatch.setattr(xliff, "hash", lambda _key: 7, raising=False)  # every id of one hash
    path = tmp_path / "f.xlf"
    path.write_text(_REPEATED_12.replace('<trans-unit id="1"><source>شكرا', '<trans-unit id="3"><source>شكرا'), "utf-8")
    assert [u.tuid for u in read_xliff(path)[0].units] == ["1", "2", "3"]
    path.write_text(_REPEATED_12.replace('<trans-unit id="1"><source>شكرا', '<trans-unit id="2"><source>شكرا'), "utf-8")
    with pytest.raises(InputError, match=r'f\.xlf:7: <trans-unit id="2"> repeats the id of the one at line 6:'):
        read_xliff(path)


def test_convert_tmx_to_xliff_and_back(tmp_path: Path) -> None:
    xlf = tmp_path / "a.xlf"
    result = run_cli("convert", str(SAMPLES / "article.tmx"), "-o", str(xlf), "--tgt", "en")
    assert result.code == 0, result.stderr
    tmx = tmp_path / "back.tmx"
    result = run_cli("convert", str(xlf), "-o", str(tmx))
    assert result.code == 0, result.stderr
    back = load_tmx(tmx)
    original = load_tmx(SAMPLES / "article.tmx")
    assert [u.variant("en").text for u in back.units] == [u.variant("en").text for u in original.units]  # type: ignore[union-attr]
    bad = tmp_path / "bad.xliff"
    bad.write_bytes(b"<xliff")
    result = run_cli("convert", str(bad), "-o", str(tmp_path / "x.tmx"))
    assert result.code == 2 and "bad.xliff:1" in result.stderr and "Traceback" not in result.stderr


# -- streaming --------------------------------------------------------------------------------

FOREIGN_12 = (
    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" '
    'target-language="ar" datatype="plaintext" original="x"><body>'
    '<trans-unit id="1"><source>Click <g id="1">here</g><x id="2"/></source></trans-unit>'
    '<trans-unit id="2" approved="yes"><source>Yes</source><target>نعم</target></trans-unit>'
    "</body></file></xliff>"
)
# What a streaming reader can get wrong: units in (nested) groups and in a second <file>, a skeleton
# and a header before them, alternative translations and an extension element named like a unit
# inside a unit, notes and props, several lines.
STRUCTURED_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:ext="urn:example">
 <file source-language="ar" target-language="en" datatype="plaintext" original="a.txt">
  <header><skl><internal-file>c2tlbGV0b24=</internal-file></skl><note>about the job</note></header>
  <body>
   <trans-unit id="t1"><source>مرحبا</source><target state="translated">Hello</target>
    <alt-trans><source>مرحبا بك</source><target>Welcome</target></alt-trans></trans-unit>
   <group id="g1">
    <trans-unit id="t2"><source>كتاب <ph id="1">&lt;br/&gt;</ph></source><target state="x-checked">book <ph id="1">&lt;br/&gt;</ph></target>
     <ext:unit>not a unit</ext:unit><note>check the term</note></trans-unit>
    <group id="g2">
     <trans-unit id="t3" approved="yes"><source>قلم</source><target>pen</target>
      <prop-group name="tmkit"><prop prop-type="x-domain">school</prop></prop-group></trans-unit>
    </group>
    <trans-unit id="t4"><source>بيت</source></trans-unit>
   </group>
  </body>
 </file>
 <file source-language="ar" target-language="en" datatype="plaintext" original="b.txt">
  <body><trans-unit id="t5"><source>شمس</source><target state="final">sun</target></trans-unit></body>
 </file>
</xliff>
"""
STRUCTURED_2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" xmlns:mda="urn:oasis:names:tc:xliff:metadata:2.0"
 version="2.0" srcLang="en" trgLang="ar">
 <file id="f1"><skeleton href="a.skl"/><notes><note>file note</note></notes>
  <unit id="u1"><notes><note>unit note</note></notes>
   <originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data></originalData>
   <segment state="translated"><source>A <pc id="1" dataRefStart="d1" dataRefEnd="d2">bold</pc> word.</source>
    <target>كلمة <pc id="1" dataRefStart="d1" dataRefEnd="d2">عريضة</pc>.</target></segment>
   <ignorable><source> </source></ignorable>
   <segment state="reviewed"><source>Two.</source><target>اثنان.</target></segment></unit>
  <group id="g1"><group id="g2">
   <unit id="u2"><segment><source>Only <mrk id="m1" type="term">source</mrk></source></segment></unit>
  </group>
   <unit id="u3"><mda:metadata><mda:metaGroup category="tmkit"><mda:meta type="x-domain">news</mda:meta></mda:metaGroup></mda:metadata>
    <segment state="final"><source>Three</source><target>ثلاثة</target></segment></unit>
  </group>
 </file>
 <file id="f2"><unit id="u4"><segment state="initial"><source>Four</source><target>أربعة</target></segment></unit></file>
</xliff>
"""


def _whole_tree_units(path: Path) -> list[TranslationUnit]:
    """The units as read from the whole document in memory: the same unit readers, nothing freed."""
    from lxml import etree

    from tmkit.formats import xliff
    from tmkit.formats.xml_safety import SAFE_XML_OPTIONS

    root = etree.parse(str(path), etree.XMLParser(**SAFE_XML_OPTIONS)).getroot()
    names = xliff.XliffNames(etree.QName(root).namespace or "")
    read: Callable[..., tuple[list[TranslationUnit], bool]]
    if root.get("version", "").startswith("2"):
        source_lang, target_lang = root.get("srcLang"), root.get("trgLang") or "en"
        read, tag = xliff._read_units_2, names.unit
    else:
        first_file = root.find(names.q("file"))
        source_lang, target_lang = first_file.get("source-language"), first_file.get("target-language") or "en"
        read, tag = xliff._read_units_12, names.trans_unit
    units = []
    first_file = root.find(names.q("file"))
    for elem in root.iter(tag):
        file_el = next(elem.iterancestors(names.q("file")))
        for unit in read(elem, names, source_lang, target_lang, str(path))[0]:
            if file_el is not first_file:  # the units of a second and later <file> are named by it
                unit.tuid = f"{xliff._file_key(file_el)}/{unit.tuid}"
            units.append(unit)
    return units


def _test_documents(folder: Path) -> list[Path]:
    """Every XLIFF document these tests read, written to ``folder``."""
    paths = []
    for name, text in {"foreign12": FOREIGN_12, "structured12": STRUCTURED_12, "structured2": STRUCTURED_2}.items():
        paths.append(folder / f"{name}.xlf")
        paths[-1].write_text(text, encoding="utf-8")
        # The same without a namespace (older tools write 1.2 so).
        paths.append(folder / f"{name}-no-ns.xlf")
        paths[-1].write_text(re.sub(r' xmlns="[^"]+"', "", text), encoding="utf-8")
    memory = load_tmx(SAMPLES / "article.tmx")
    for version in ("1.2", "2.0", "2.1"):
        paths.append(folder / f"article{version}.xlf")
        write_xliff(paths[-1], memory, source_lang="ar", target_lang="en", version=version)
        paths.append(folder / f"sub-flows{version}.xlf")
        write_xliff(paths[-1], _sub_flow_memory(), source_lang="ar", target_lang="en", version=version)
    return paths


def test_the_streaming_reader_gives_exactly_the_units_of_the_whole_document(tmp_path: Path) -> None:
    for path in _test_documents(tmp_path):
        expected = _whole_tree_units(path)
        reader = XliffReader(path)
        streamed = list(reader)
        assert streamed == expected, path.name
        assert [u.line for u in streamed] == [u.line for u in expected], path.name
        assert reader.units_read == len(expected) > 0
        assert list(reader) == expected, "a second iteration reads the file again"
    structured = XliffReader(tmp_path / "structured12.xlf")
    assert structured.languages() == ("ar", "en")
    assert [u.tuid for u in structured] == ["t1", "t2", "t3", "t4", "b.txt/t5"]
    assert [u.tuid for u in XliffReader(tmp_path / "structured2-no-ns.xlf")] == [
        "u1_s1",
        "u1_s2",
        "u2",
        "u3",
        "f2/u4",
    ]  # (u1's two segments, a unit each)


def test_languages_are_known_from_the_start_of_the_file(tmp_path: Path) -> None:
    # A unit that cannot be read comes after the languages: they are known without reaching it.
    path = tmp_path / "late.xlf"
    path.write_text(
        '<xliff version="1.2"><file source-language="en-GB" target-language="ar-EG"><body>'
        + "<trans-unit id='1'><target>no source</target></trans-unit></body></file></xliff>",
        encoding="utf-8",
    )
    reader = XliffReader(path)
    assert reader.languages() == ("en-GB", "ar-EG")
    with pytest.raises(InputError, match=r"late.xlf:1: <trans-unit> without <source>"):
        list(reader)


def _sub_flow_memory() -> Memory:
    """Codes with sub-flows: a link's title and an image's alt text, one with a code of its own."""
    segment = segment_from_xml(
        'Click <bpt i="1">&lt;a title="<sub>Go &amp; <ph x="5">{x}</ph> there</sub>"&gt;</bpt>here'
        '<ept i="1">&lt;/a&gt;</ept> <ph x="2">&lt;img alt="<sub type="alt" datatype="html">صورة</sub>"/&gt;</ph>'
    )
    unit = TranslationUnit([Variant("ar", segment), Variant("en", segment)], tuid="s1")
    return Memory(Header(), [unit])


@pytest.mark.parametrize("version", ["1.2", "2.0", "2.1"])
def test_sub_flows_inside_codes_survive_a_round_trip(tmp_path: Path, version: str) -> None:
    memory = _sub_flow_memory()
    path = tmp_path / "sub.xlf"
    write_xliff(path, memory, source_lang="ar", target_lang="en", version=version)
    (back,) = read_xliff(path)[0].units
    assert back.variant("ar").segment == memory.units[0].variants[0].segment  # type: ignore[union-attr]
    assert back.variant("en").segment == memory.units[0].variants[1].segment  # type: ignore[union-attr]
    if version != "1.2":  # other tools see each code whole in originalData, its sub-flow text included
        assert 'title="Go &amp; {x} there"' in path.read_text(encoding="utf-8")


def _billion_laughs() -> bytes:
    entities = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return (
        f'<?xml version="1.0"?><!DOCTYPE xliff [{entities}]>'
        '<xliff version="1.2"><file source-language="en"><body><trans-unit id="1"><source>&l9;</source>'
        "</trans-unit></body></file></xliff>"
    ).encode()


TRUNCATED = FOREIGN_12.encode()[:-40]  # cut in the second unit


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"f.xlf: the file is empty"),
        (b"   \n", r"f.xlf:2:1: not well-formed XML: Start tag expected"),
        (b"just some text\n", r"f.xlf:1:1: not well-formed XML: Start tag expected"),
        (b"\x1f\x8b\x08\x00garbage", r"f.xlf:1:1: not well-formed XML"),
        (
            b'<?xml version="1.0"?>\n<tmx version="1.4"><header/><body/></tmx>',
            r"f.xlf:2: the root element is <tmx>, not <xliff>",
        ),
        (
            b'<!DOCTYPE xliff [<!ENTITY e "x">]><xliff version="1.2"><file source-language="en"/></xliff>',
            r"f.xlf:1: an entity declaration",
        ),
        (
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff version="2.0" srcLang="en"><file id="f">'
            b'<unit id="1"><segment><source>&e;</source></segment></unit></file></xliff>',
            r"f.xlf:1: an entity declaration",
        ),
        (_billion_laughs(), r"f.xlf:1: an entity declaration"),
        (
            b'<xliff version="1.2"><file source-language="en"><body><trans-unit id="1"><source>&e;</source>',
            r"f.xlf:1:\d+: not well-formed XML: Entity 'e' not defined \(XLIFF allows only",
        ),
        (TRUNCATED, r"f.xlf:1:\d+: not well-formed XML"),
        (b'<xliff version="1.2"><file', r"f.xlf:1:\d+: not well-formed XML"),
        (
            b'<xliff version="1.2"><file source-language="en"><body><trans-unit id="1"><source>\x01</source>',
            r"f.xlf:1:\d+: not well-formed XML: .*[Cc]har",
        ),
        (b'<xliff version="2.0"><file id="f"/></xliff>', r"f.xlf:1: <xliff> has no srcLang"),
        (b'<xliff version="1.2"></xliff>', r"f.xlf:1: no <file> element"),
        (
            '<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2"><file source-language="ar"><body><trans-unit id="1"><source>كتاب</source></trans-unit></body></file></xliff>'.encode(
                "cp1256"
            ),
            r"f.xlf:1:\d+: not well-formed XML",
        ),
    ],
)
def test_hostile_and_broken_input_is_one_line_error_from_the_streaming_reader(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "f.xlf"
    path.write_bytes(data)
    for read in (lambda: list(XliffReader(path)), lambda: read_xliff(path)):
        with pytest.raises(InputError, match=message) as caught:
            read()
        assert "\n" not in str(caught.value)
        assert str(caught.value).startswith(str(path))


def test_a_missing_file_or_a_folder_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nothing.xlf: no such file"):
        XliffReader(tmp_path / "nothing.xlf").languages()
    with pytest.raises(InputError, match=r"is a directory"):
        list(XliffReader(tmp_path))


def test_a_truncated_xliff_converts_to_nothing(tmp_path: Path) -> None:
    # The reader has yielded the first unit before it meets the truncation: the converted file
    # must not be written with the units before it (and no temporary file may stay behind).
    path = tmp_path / "cut.xlf"
    path.write_bytes(TRUNCATED)
    reader = iter(XliffReader(path))
    assert next(reader).tuid == "1"
    for output in ("out.tmx", "out.tsv"):
        result = run_cli("convert", str(path), "-o", str(tmp_path / output))
        assert result.code == 2, result.stderr
        assert "cut.xlf:1:" in result.stderr and "not well-formed XML" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.xlf"]


def test_convert_from_xliff_streams_the_same_units(tmp_path: Path) -> None:
    path = tmp_path / "s.xlf"
    path.write_text(STRUCTURED_12, encoding="utf-8")
    result = run_cli("convert", str(path), "-o", str(tmp_path / "s.tmx"))
    assert result.code == 0, result.stderr
    assert load_tmx(tmp_path / "s.tmx").units == read_xliff(path)[0].units
    result = run_cli("convert", str(path), "-o", str(tmp_path / "s.tsv"))
    assert result.code == 0, result.stderr
    rows = (tmp_path / "s.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "tuid\tar\ten\tstatus" and [r.split("\t")[0] for r in rows[1:]] == [
        "t1",
        "t2",
        "t3",
        "t4",
        "b.txt/t5",
    ]
