"""XLIFF that other tools accept: every file tmkit writes is valid against the OASIS schemas, and what others write reads right."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.helpers import SAMPLES, pretranslated_sample_job, run_cli
from tests.xliff_schemas import XLIFF2_NS, XLIFF12_NS, schema_problems
from tmkit.formats.tmx_reader import load_tmx, segment_from_xml
from tmkit.formats.xliff import XliffReader, read_xliff, write_xliff
from tmkit.memory.model import Header, Inline, Memory, Note, Prop, Segment, Status, TranslationUnit, Variant

VERSIONS = ["1.2", "2.0", "2.1"]
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

#: TMX inline markup of every kind tmkit keeps, with the attributes 1.2 and 2.x have no plain place for.
CODE_SHAPES = [
    '<bpt i="1" type="ulined">&lt;u&gt;</bpt>under<ept i="1">&lt;/u&gt;</ept> <ph x="2" type="index" assoc="p">i</ph>',
    '<it x="3" pos="begin" type="x-odd">&lt;i&gt;</it>tail <bpt i="2" x="9" type="link">&lt;a&gt;</bpt>z<ept i="2">&lt;/a&gt;</ept>',
    'A <hi type="bold" x="3">b</hi> c <hi>plain</hi> <hi type="term">t</hi>',
    'A <ut>&lt;x&gt;</ut> b <ut x="4">&lt;y/&gt;</ut> <ut>&lt;z/&gt;</ut>',
    'A <ut>&lt;a t="<sub>tip</sub>"&gt;</ut> <it pos="end">&lt;a alt="<sub type="alt" datatype="html">alt</sub>"&gt;</it>',
    "A <hi>b <sub>a sub-flow outside a code</sub></hi>",
    '<bpt i="1">&lt;b&gt;</bpt>A<ept i="1">&lt;/b&gt;</ept> <ph x="1">&lt;br/&gt;</ph>',
]


def _unit(tuid: str, source: Segment, target: Segment | None, status: Status = Status.TRANSLATED) -> TranslationUnit:
    variants = [Variant("ar", source)] + ([Variant("en", target)] if target is not None else [])
    unit = TranslationUnit(variants, tuid=tuid)
    unit.status = status
    return unit


def _everything() -> Memory:
    """Codes of every shape, props and notes with spaces, a rejected unit, an untranslated one, an odd tuid."""
    units = [_unit(f"c{n}", segment_from_xml(xml), segment_from_xml(xml)) for n, xml in enumerate(CODE_SHAPES)]
    units[0].props = [Prop("client name", "ACME Ltd"), Prop("x-tmkit-match", "97")]
    units[0].notes = [Note("check the term", lang="en")]
    units[1].rejected = True
    units.append(_unit("odd id #1", Segment.from_text("  مسافتان  هنا "), Segment.from_text("  two  spaces ")))
    units.append(_unit("new", Segment.from_text("لم يترجم"), None, Status.NEW))
    units.append(_unit("draft", Segment.from_text("مسودة"), Segment.from_text("draft"), Status.DRAFT))
    # A tuid the memory repeats (kept and reported by the TMX reader), and a unit without one whose number is taken.
    units.append(_unit("draft", Segment.from_text("مسودة أخرى"), Segment.from_text("another draft")))
    units.append(_unit("12", Segment.from_text("اثنا عشر"), Segment.from_text("twelve")))
    units.append(_unit("", Segment.from_text("بلا"), None, Status.NEW))
    return Memory(Header(), units)


@pytest.mark.parametrize("version", VERSIONS)
def test_what_tmkit_writes_is_valid_against_the_oasis_schema_and_reads_back(tmp_path: Path, version: str) -> None:
    memory = _everything()
    path = tmp_path / "all.xlf"
    write_xliff(path, memory, source_lang="ar", target_lang="en", version=version)
    assert schema_problems(path) == []
    back, _, _ = read_xliff(path)
    for before, after in zip(memory.units, back.units, strict=True):
        assert after.tuid == (before.tuid or None)  # a unit without a tuid is given an id, and comes back without
        assert after.variant("ar").segment == before.variant("ar").segment  # type: ignore[union-attr]
        assert (after.variant("en") is None) == (before.variant("en") is None)
        if before.variant("en") is not None:
            assert after.variant("en").segment == before.variant("en").segment  # type: ignore[union-attr]
        assert (after.status, after.rejected) == (before.status, before.rejected)
        assert [(p.type, p.value) for p in after.props] == [(p.type, p.value) for p in before.props]
        assert [n.text for n in after.notes] == [n.text for n in before.notes]


def test_xliff12_has_no_attribute_or_element_outside_xliff(tmp_path: Path) -> None:
    """1.2 strict takes no foreign attribute (its wildcards want a schema for them) and no prop-group."""
    path = tmp_path / "all.xlf"
    write_xliff(path, _everything(), source_lang="ar", target_lang="en", version="1.2")
    root = etree.parse(str(path)).getroot()
    namespaces = {etree.QName(name).namespace for elem in root.iter() for name in elem.attrib}
    assert namespaces <= {None, "http://www.w3.org/XML/1998/namespace"}
    assert {etree.QName(elem).namespace for elem in root.iter()} == {XLIFF12_NS}
    assert root.find(f".//{{{XLIFF12_NS}}}prop-group") is None


_text = st.text(alphabet="ابت ثج ab<&>\"' ", min_size=1, max_size=6)


@st.composite
def _marked_up(draw: st.DrawFn) -> Segment:
    parts: list[str | Inline] = []
    for n in range(1, draw(st.integers(0, 4)) + 1):
        kind = draw(st.sampled_from(["text", "pair", "ph", "it", "ut", "hi"]))
        code = (draw(st.sampled_from(["<b>", "{1}", "&"])),)
        kind_type = draw(st.sampled_from([(), (("type", "bold"),), (("type", "x y"),)]))
        if kind == "text":
            parts.append(draw(_text))
        elif kind == "pair":
            parts += [
                Inline("bpt", (("i", str(n)), *kind_type), code),
                draw(_text),
                Inline("ept", (("i", str(n)),), code),
            ]
        elif kind == "ph":
            parts.append(Inline("ph", (("x", str(n)), *kind_type) if draw(st.booleans()) else kind_type, code))
        elif kind == "it":
            parts.append(Inline("it", (("pos", draw(st.sampled_from(["begin", "end"]))),), code))
        elif kind == "ut":
            parts.append(Inline("ut", (), code))
        else:
            parts.append(Inline("hi", kind_type, (draw(_text),)))
    merged: list[str | Inline] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return Segment(tuple(merged))


@pytest.mark.parametrize("version", VERSIONS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(_marked_up(), _marked_up()), min_size=1, max_size=3))
def test_random_markup_is_schema_valid_and_round_trips(
    tmp_path: Path, version: str, pairs: list[tuple[Segment, Segment]]
) -> None:
    memory = Memory(Header(), [_unit(str(n), source, target) for n, (source, target) in enumerate(pairs)])
    path = tmp_path / f"r{version}.xlf"
    write_xliff(path, memory, source_lang="ar", target_lang="en", version=version)
    assert schema_problems(path) == []
    back, _, _ = read_xliff(path)
    assert [(u.variant("ar").segment, u.variant("en").segment) for u in back.units] == pairs  # type: ignore[union-attr]


def test_pretranslated_jobs_are_schema_valid_in_every_version(tmp_path: Path) -> None:
    for version in VERSIONS:
        job = tmp_path / f"job{version}.xlf"
        done = run_cli(
            "pretranslate", str(SAMPLES / "article.ar.txt"), "--tm", str(SAMPLES / "earlier-visits.tmx"),
            "-o", str(job), "--xliff-version", version,
        )  # fmt: skip
        assert done.code == 0, done.stderr
        assert schema_problems(job) == []
        units = read_xliff(job)[0].units
        drafts = [u for u in units if u.status is Status.DRAFT]
        assert drafts and all(
            {p.type for p in u.props}
            == {"x-tmkit-match", "x-tmkit-origin", "x-tmkit-pretranslation", "x-tmkit-pretranslation-match"}
            for u in drafts
        )


def _edited_in_a_cat_tool(job: Path, version: str, edits: dict[str, str | None]) -> None:
    """What a CAT tool does to tmkit's job: each unit named gets the text given as its target (None: kept as it
    is), marked translated."""
    tree = etree.parse(str(job))
    ns = XLIFF12_NS if version == "1.2" else XLIFF2_NS
    for unit in tree.getroot().iter(f"{{{ns}}}trans-unit", f"{{{ns}}}unit"):
        if unit.get("id") not in edits:
            continue
        target = unit.find(f".//{{{ns}}}target")
        if edits[unit.get("id")] is not None:
            target.text = edits[unit.get("id")]
        if version == "1.2":
            target.set("state", "translated")
        else:
            segment = unit.find(f"{{{ns}}}segment")
            segment.set("state", "translated")
            del segment.attrib["subState"]
    tree.write(str(job), xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("version", VERSIONS)
def test_a_target_a_cat_tool_changed_loses_the_props_of_its_match(tmp_path: Path, version: str) -> None:
    """They kept saying 94% from ref.tmx#1 of a translation the translator had rewritten."""
    job = pretranslated_sample_job(tmp_path, version=version)
    before = {u.tuid: u for u in read_xliff(job)[0].units}
    assert all(before[tuid].prop_value("x-tmkit-match") for tuid in ("1", "3", "4"))
    edited = (before["3"].variant("en").text).replace("Belarusian", "Russian")  # type: ignore[union-attr]
    _edited_in_a_cat_tool(job, version, {"3": edited, "4": None})
    assert schema_problems(job) == []
    converted = run_cli("convert", str(job), "-o", str(tmp_path / "job.tmx"))
    assert converted.code == 0, converted.stderr
    after = {u.tuid: u for u in load_tmx(tmp_path / "job.tmx").units}
    assert after["3"].variant("en").text == edited and after["3"].status is Status.TRANSLATED  # type: ignore[union-attr]
    # The same rule as the editor's: another target, no match of its own; what it was pre-translated with stays.
    assert [(p.type, p.value) for p in after["3"].props] == [
        ("x-tmkit-pretranslation", before["3"].prop_value("x-tmkit-pretranslation")),
        ("x-tmkit-pretranslation-match", before["3"].prop_value("x-tmkit-pretranslation-match")),
    ]
    assert after["4"].status is Status.TRANSLATED  # confirmed as it was: still the match's
    assert [(p.type, p.value) for p in after["4"].props] == [(p.type, p.value) for p in before["4"].props]
    assert [(p.type, p.value) for p in after["1"].props] == [(p.type, p.value) for p in before["1"].props]


def test_props_of_a_target_not_recorded_are_left_as_they_are(tmp_path: Path) -> None:
    """An XLIFF that does not record the target its props describe (an older tmkit's, another tool's) cannot tell
    whether it changed: nothing is guessed."""
    job = tmp_path / "job.xlf"
    job.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="ar" '
        'target-language="en" datatype="plaintext" original="x"><body><trans-unit id="1"><source>درس في ستانفورد</source>'
        '<target state="translated">He studied at Harvard</target><context-group purpose="information">'
        '<context context-type="x-tmkit-prop:x-tmkit-match">94</context></context-group></trans-unit></body></file></xliff>',
        encoding="utf-8",
    )
    (unit,) = read_xliff(job)[0].units
    assert [(p.type, p.value) for p in unit.props] == [("x-tmkit-match", "94")]


def test_untranslated_units_get_a_target_holding_the_source_marked_new(tmp_path: Path) -> None:
    """OmegaT translates <target>: a unit without one is not offered at all."""
    path = tmp_path / "job.xlf"
    write_xliff(path, _everything(), source_lang="ar", target_lang="en", version="1.2")
    root = etree.parse(str(path)).getroot()
    units = root.findall(f".//{{{XLIFF12_NS}}}trans-unit")
    assert all(tu.find(f"{{{XLIFF12_NS}}}target") is not None for tu in units)
    (new,) = [tu for tu in units if tu.get("id") == "new"]
    target = new.find(f"{{{XLIFF12_NS}}}target")
    assert target.get("state") == "new" and target.text == "لم يترجم"
    back = {u.tuid: u for u in read_xliff(path)[0].units}
    assert back["new"].status is Status.NEW and back["new"].variant("en") is None
    # Once a tool has put a translation there (still marked new), it is a draft translation.
    target.text = "not translated"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    back = {u.tuid: u for u in read_xliff(path)[0].units}
    assert back["new"].status is Status.DRAFT and back["new"].variant("en").text == "not translated"  # type: ignore[union-attr]


@pytest.mark.parametrize("version", VERSIONS)
def test_segments_are_in_the_scope_of_xml_space_preserve(tmp_path: Path, version: str) -> None:
    path = tmp_path / "s.xlf"
    write_xliff(path, _everything(), source_lang="ar", target_lang="en", version=version)
    root = etree.parse(str(path)).getroot()
    ns = XLIFF12_NS if version == "1.2" else XLIFF2_NS
    texts = root.findall(f".//{{{ns}}}source") + root.findall(f".//{{{ns}}}target")
    assert texts
    for elem in texts:
        scope = next((e.get(XML_SPACE) for e in elem.iterancestors() if e.get(XML_SPACE)), None)
        assert (elem.get(XML_SPACE) or scope) == "preserve"


def test_xliff2_code_ids_are_the_same_in_source_and_target(tmp_path: Path) -> None:
    """ut (no x) and codes whose i and x collide got different ids in source and target, or one id twice."""
    path = tmp_path / "ids.xlf"
    write_xliff(path, _everything(), source_lang="ar", target_lang="en", version="2.1")
    root = etree.parse(str(path)).getroot()
    for unit in root.iter(f"{{{XLIFF2_NS}}}unit"):
        source, target = unit.find(f".//{{{XLIFF2_NS}}}source"), unit.find(f".//{{{XLIFF2_NS}}}target")
        if target is None:
            continue
        ids = [[e.get("id") or e.get("startRef") for e in side.iter() if e is not side] for side in (source, target)]
        assert ids[0] == ids[1]
        assert len(set(i for i in ids[0] if i)) == len([e for e in source.iter() if e.get("id")])


XLIFF2_ORDERED = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="ar">
 <file id="f1"><notes><note>file note</note></notes>
  <group id="g1"><notes><note>group note</note></notes>
   <unit id="1"><notes><note>unit note</note></notes>
    <segment state="translated"><source>First. </source><target order="3">الأولى.</target></segment>
    <ignorable><source> </source></ignorable>
    <segment state="translated"><source>Second.</source><target order="1">الثانية. </target></segment></unit>
   <unit id="2"><segment state="translated"><source>Third.</source><target>الثالثة.</target></segment></unit>
  </group>
  <unit id="3"><segment><source>Outside.</source></segment></unit>
 </file>
 <file id="f2"><unit id="1"><segment><source>Other file.</source></segment></unit></file>
</xliff>
"""


def test_xliff2_targets_follow_their_order_attribute(tmp_path: Path) -> None:
    path = tmp_path / "o.xlf"
    path.write_text(XLIFF2_ORDERED, encoding="utf-8")
    first = read_xliff(path)[0].units[0]
    assert first.variant("en").text == "First.  Second."  # type: ignore[union-attr]
    assert first.variant("ar").text == "الثانية.  الأولى."  # type: ignore[union-attr]


def test_file_and_group_notes_are_kept_on_every_unit_they_apply_to(tmp_path: Path) -> None:
    path = tmp_path / "n.xlf"
    path.write_text(XLIFF2_ORDERED, encoding="utf-8")
    units = list(XliffReader(path))  # streaming: the notes are read with the second and later units too
    assert [[n.text for n in u.notes] for u in units] == [
        ["file note", "group note", "unit note"],
        ["file note", "group note"],
        ["file note"],
        [],
    ]
    path12 = tmp_path / "n12.xlf"
    path12.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" '
        'target-language="ar" datatype="plaintext" original="a"><header><note>file note</note></header><body>'
        '<group id="g"><note>group note</note><trans-unit id="1"><source>a</source><note>own</note></trans-unit>'
        '<trans-unit id="2"><source>b</source></trans-unit></group><trans-unit id="3"><source>c</source>'
        "</trans-unit></body></file></xliff>",
        encoding="utf-8",
    )
    assert [[n.text for n in u.notes] for u in XliffReader(path12)] == [
        ["file note", "group note", "own"],
        ["file note", "group note"],
        ["file note"],
    ]


def test_unit_ids_of_a_second_file_are_qualified_by_it_so_none_collide(tmp_path: Path) -> None:
    path = tmp_path / "f.xlf"
    path.write_text(XLIFF2_ORDERED, encoding="utf-8")
    assert [u.tuid for u in read_xliff(path)[0].units] == ["1", "2", "3", "f2/1"]
    tmx = tmp_path / "f.tmx"
    assert run_cli("convert", str(path), "-o", str(tmx)).code == 0
    done = run_cli("validate", str(tmx))
    assert done.code == 0 and "tuid" not in done.stdout, done.stdout + done.stderr


TRADOS_12 = """<?xml version="1.0" encoding="utf-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="a.docx" source-language="en-US" target-language="ar-SA" datatype="x-sdlfilterframework2">
  <body>
   <trans-unit id="u1"><source>Press <g id="1">Save</g> or <g id="1">Cancel</g>, then <g id="2">OK</g>.</source>
    <target state="translated">اضغط <g id="1">حفظ</g> أو <g id="1">إلغاء</g> ثم <g id="2">موافق</g>.</target></trans-unit>
  </body>
 </file>
</xliff>
"""


def test_repeated_g_ids_become_distinct_pairs_that_validate(tmp_path: Path) -> None:
    path = tmp_path / "trados.xlf"
    path.write_text(TRADOS_12, encoding="utf-8")
    (unit,) = read_xliff(path)[0].units
    pairs = [[c.get("i") for c in v.segment.codes() if c.tag == "bpt"] for v in unit.variants]
    assert pairs[0] == pairs[1] and len(set(pairs[0])) == 3
    assert unit.variant("ar-SA").segment.placeholder_text() == "اضغط {1}حفظ{/1} أو {2}إلغاء{/2} ثم {3}موافق{/3}."  # type: ignore[union-attr]
    tmx = tmp_path / "trados.tmx"
    assert run_cli("convert", str(path), "-o", str(tmx)).code == 0
    done = run_cli("validate", "--strict", str(tmx))
    assert done.code == 0, done.stdout + done.stderr


def test_pretranslating_plain_text_takes_the_match_without_its_codes(tmp_path: Path) -> None:
    memory = tmp_path / "codes.tmx"
    memory.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
        'segtype="sentence" o-tmf="t" adminlang="en" srclang="ar" datatype="plaintext"/><body>'
        '<tu tuid="1"><tuv xml:lang="ar"><seg>زار الرئيس دمشق اليوم.</seg></tuv><tuv xml:lang="en"><seg>'
        '<bpt i="1">&lt;b&gt;</bpt>The president<ept i="1">&lt;/b&gt;</ept> visited Damascus today.</seg></tuv></tu>'
        "</body></tmx>\n",
        encoding="utf-8",
    )
    document = tmp_path / "doc.ar.txt"
    document.write_text("زار الرئيس دمشق اليوم.\n", encoding="utf-8")
    job = tmp_path / "job.xlf"
    done = run_cli("pretranslate", str(document), "--tm", str(memory), "-o", str(job))
    assert done.code == 0, done.stderr
    (unit,) = read_xliff(job)[0].units
    assert unit.variant("en").segment == Segment.from_text("The president visited Damascus today.")  # type: ignore[union-attr]
    qa = run_cli("qa", str(job))
    assert "tag-" not in qa.stdout, qa.stdout


def test_convert_writes_xliff2(tmp_path: Path) -> None:
    out = tmp_path / "a.xlf"
    done = run_cli("convert", str(SAMPLES / "article.tmx"), "-o", str(out), "--tgt", "en", "--xliff-version", "2.1")
    assert done.code == 0, done.stderr
    root = etree.parse(str(out)).getroot()
    assert (etree.QName(root).namespace, root.get("version")) == (XLIFF2_NS, "2.1")
    assert schema_problems(out) == []
    original = load_tmx(SAMPLES / "article.tmx")
    back = read_xliff(out)[0]
    assert [u.variant("en").segment for u in back.units] == [u.variant("en").segment for u in original.units]  # type: ignore[union-attr]


@pytest.mark.parametrize(("written", "read"), [("open", "begin"), ("close", "end"), ("begin", "begin"), ("end", "end")])
def test_an_isolated_codes_position_is_kept_as_either_standard_spells_it(
    tmp_path: Path, written: str, read: str
) -> None:
    # 1.2 spells it open/close; OmegaT's XLIFF filter tests write TMX's begin/end, and `end` was read as `begin`.
    path = tmp_path / "it.xlf"
    path.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="x" datatype="plaintext"'
        ' source-language="en" target-language="ar"><body><trans-unit id="1"><source>bold<it id="1" pos="'
        + written
        + '">&lt;/b&gt;</it> text</source></trans-unit></body></file></xliff>',
        encoding="utf-8",
    )
    (unit,) = read_xliff(path)[0].units
    (code,) = unit.variants[0].segment.codes()
    assert (code.tag, code.get("pos")) == ("it", read)
    back = tmp_path / "back.xlf"
    write_xliff(back, read_xliff(path)[0], source_lang="en", target_lang="ar")
    assert f'pos="{_POS_OF[read]}"' in back.read_text(encoding="utf-8")


_POS_OF = {"begin": "open", "end": "close"}


def test_a_pretranslated_job_names_its_document_as_the_files_original(tmp_path: Path) -> None:
    # Every job said original="tmkit": a file returned by a translator could not be tied to its document.
    for version in ("1.2", "2.1"):
        job = tmp_path / f"job-{version}.xlf"
        result = run_cli(
            "pretranslate",
            str(SAMPLES / "article.html"),
            "--tm",
            str(SAMPLES / "news-memory.tmx"),
            "-o",
            str(job),
            "--xliff-version",
            version,
        )
        assert result.code == 0, result.stderr
        files = etree.parse(str(job)).getroot().findall("{*}file")
        assert [f.get("original") for f in files] == ["article.html"]


def test_an_unreadable_record_of_the_pretranslated_target_drops_the_props_and_the_file_is_read(
    tmp_path: Path,
) -> None:
    """A reviewer's second look: a record that is not TMX markup (`Stanford <b University`, as a tool may leave it)
    made convert, qa and --skip-invalid refuse the whole file. It is tmkit's note to itself: it describes no
    target, so the props of the match go, and the rest is read."""
    job = pretranslated_sample_job(tmp_path)
    tree = etree.parse(str(job))
    records = [
        c for c in tree.iter(f"{{{XLIFF12_NS}}}context") if c.get("context-type") == "x-tmkit-pretranslated-target"
    ]
    assert records
    records[0].text = "Stanford <b University"
    damaged = records[0].getparent().getparent()
    tree.write(str(job), xml_declaration=True, encoding="UTF-8")
    units = {u.tuid: u for u in read_xliff(job)[0].units}
    assert units[damaged.get("id")].prop_value("x-tmkit-match") is None
    assert sum(u.prop_value("x-tmkit-match") is not None for u in units.values()) > 0  # the others' stand
    result = run_cli("convert", str(job), "-o", str(tmp_path / "job.tmx"))
    assert result.code == 0, result.stderr
