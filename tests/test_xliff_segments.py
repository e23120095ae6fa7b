"""Segmented XLIFF (1.2 `<seg-source>` and `<mrk mtype="seg" mid>`, as Trados and Okapi write it; 2.x units of several
`<segment>`s): a unit a segment, sentence with sentence, for convert, qa and score alike; a segment marker is never
formatting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.helpers import run_cli
from tests.xliff_schemas import schema_problems
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import load_tmx, segment_from_xml
from tmkit.formats.xliff import XliffReader, read_xliff, write_xliff
from tmkit.memory.model import Header, Inline, Memory, Segment, Status, TranslationUnit, Variant

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
    '<file original="a.txt" source-language="ar" target-language="en" datatype="plaintext"><body>\n'
)
TAIL = "</body></file></xliff>\n"

#: The trial's file: one trans-unit, two sentences, both translated.
SEGMENTED = (
    HEAD + '<trans-unit id="1"><source>وصل الوفد. غادر الوفد.</source>\n'
    '<seg-source><mrk mtype="seg" mid="1">وصل الوفد.</mrk> <mrk mtype="seg" mid="2">غادر الوفد.</mrk></seg-source>\n'
    '<target state="translated"><mrk mtype="seg" mid="1">The delegation arrived.</mrk> '
    '<mrk mtype="seg" mid="2">The delegation left.</mrk></target>\n'
    "</trans-unit>" + TAIL
)


def _write(folder: Path, text: str, name: str = "seg.xlf") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _pairs(units: list[TranslationUnit]) -> list[tuple[str | None, str, str | None, Status]]:
    out = []
    for unit in units:
        target = unit.variant("en")
        out.append((unit.tuid, unit.variant("ar").text, target.text if target else None, unit.status))  # type: ignore[union-attr]
    return out


def test_a_segmented_trans_unit_is_a_unit_a_segment_paired_by_mid(tmp_path: Path) -> None:
    memory, _, _ = read_xliff(_write(tmp_path, SEGMENTED))
    assert _pairs(memory.units) == [
        ("1_s1", "وصل الوفد.", "The delegation arrived.", Status.TRANSLATED),
        ("1_s2", "غادر الوفد.", "The delegation left.", Status.TRANSLATED),
    ]
    assert all(not v.segment.has_markup for u in memory.units for v in u.variants)


def test_convert_to_tmx_writes_sentence_pairs_and_no_segment_marker_as_formatting(tmp_path: Path) -> None:
    """The target was `<hi type="seg">…</hi> <hi type="seg">…</hi>` beside a plain source, and back in XLIFF
    `<mrk mtype="seg">` without mid and without `<seg-source>`."""
    xlf = _write(tmp_path, SEGMENTED)
    tmx, back = tmp_path / "seg.tmx", tmp_path / "back.xlf"
    done = run_cli("convert", xlf, "-o", tmx)
    assert done.code == 0, done.stderr
    text = tmx.read_text(encoding="utf-8")
    assert "<hi" not in text
    assert "<seg>The delegation arrived.</seg>" in text and "<seg>وصل الوفد.</seg>" in text
    assert [u.tuid for u in load_tmx(tmx).units] == ["1_s1", "1_s2"]
    done = run_cli("convert", tmx, "-o", back)
    assert done.code == 0, done.stderr
    assert schema_problems(back) == []
    assert "mrk" not in back.read_text(encoding="utf-8")
    assert _pairs(read_xliff(back)[0].units) == _pairs(read_xliff(xlf)[0].units)


def test_a_segment_the_target_lacks_or_leaves_empty_is_untranslated(tmp_path: Path) -> None:
    text = (
        HEAD + '<trans-unit id="7"><source>أ. ب. ج.</source><seg-source><mrk mtype="seg" mid="a">أ.</mrk> '
        '<mrk mtype="seg" mid="b">ب.</mrk> <mrk mtype="seg" mid="c">ج.</mrk></seg-source>\n'
        '<target state="translated"><mrk mtype="seg" mid="a">A.</mrk> <mrk mtype="seg" mid="c"/></target>'
        '</trans-unit>\n<trans-unit id="8"><source>د.</source><seg-source><mrk mtype="seg" mid="1">د.</mrk>'
        "</seg-source></trans-unit>" + TAIL
    )
    units = list(XliffReader(_write(tmp_path, text)))
    assert _pairs(units) == [
        ("7_sa", "أ.", "A.", Status.TRANSLATED),
        ("7_sb", "ب.", None, Status.NEW),
        ("7_sc", "ج.", None, Status.NEW),
        ("8_s1", "د.", None, Status.NEW),
    ]


def test_a_new_target_holding_the_source_copied_is_untranslated_segment_by_segment(tmp_path: Path) -> None:
    text = SEGMENTED.replace('state="translated"', 'state="new"').replace("The delegation arrived.", "وصل الوفد.")
    units = list(XliffReader(_write(tmp_path, text)))
    assert _pairs(units) == [
        ("1_s1", "وصل الوفد.", None, Status.NEW),
        ("1_s2", "غادر الوفد.", "The delegation left.", Status.DRAFT),
    ]


def test_a_target_translated_whole_stays_one_unit(tmp_path: Path) -> None:
    """Its sentences cannot be told apart: the trans-unit is read as it would be without `<seg-source>`."""
    text = SEGMENTED.replace(
        '<mrk mtype="seg" mid="1">The delegation arrived.</mrk> <mrk mtype="seg" mid="2">The delegation left.</mrk>',
        "The delegation arrived and left.",
    )
    assert _pairs(list(XliffReader(_write(tmp_path, text)))) == [
        ("1", "وصل الوفد. غادر الوفد.", "The delegation arrived and left.", Status.TRANSLATED)
    ]


def test_codes_pair_within_their_segment_and_a_wrapping_code_is_said_to_be_left_out(tmp_path: Path) -> None:
    """Trados wraps a paragraph's segments in its formatting (`<g>` around the markers)."""
    text = (
        HEAD + '<trans-unit id="p"><source><g id="1">أ <g id="2">ب</g>. ج.</g></source>\n'
        '<seg-source><g id="1"><mrk mtype="seg" mid="1">أ <g id="2">ب</g>.</mrk> <mrk mtype="seg" mid="2">ج.</mrk>'
        "</g></seg-source>\n"
        '<target state="translated"><g id="1"><mrk mtype="seg" mid="1">A <g id="2">B</g>.</mrk> '
        '<mrk mtype="seg" mid="2">C.</mrk></g></target></trans-unit>' + TAIL
    )
    xlf = _write(tmp_path, text)
    reader = XliffReader(xlf)
    units = list(reader)
    assert [u.tuid for u in units] == ["p_s1", "p_s2"]
    first_source, first_target = units[0].variant("ar").segment, units[0].variant("en").segment  # type: ignore[union-attr]
    assert first_source == segment_from_xml('أ <bpt i="2"/>ب<ept i="2"/>.')
    assert first_target == segment_from_xml('A <bpt i="2"/>B<ept i="2"/>.')
    assert reader.outside_segments == 1
    done = run_cli("convert", xlf, "-o", tmp_path / "p.tmx")
    assert done.code == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "1 segmented unit held text or codes outside" in warnings[0]
    # White space between segments is layout, not content: nothing to say.
    assert (
        run_cli("convert", _write(tmp_path, SEGMENTED, "plain.xlf"), "-o", tmp_path / "s.tmx").stderr.count("warning")
        == 0
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ('<mrk mtype="seg" mid="3">C.</mrk>', 'target <mrk mtype="seg" mid="3"> has no segment of that mid'),
        ('<mrk mtype="seg" mid="1">A.</mrk><mrk mtype="seg" mid="1">B.</mrk>', 'mid="1"> twice in the target'),
    ],
)
def test_a_target_segment_without_its_source_segment_is_a_one_line_error(
    tmp_path: Path, target: str, message: str
) -> None:
    text = (
        HEAD + '<trans-unit id="1"><source>أ. ب.</source><seg-source><mrk mtype="seg" mid="1">أ.</mrk> '
        f'<mrk mtype="seg" mid="2">ب.</mrk></seg-source>\n<target state="translated">{target}</target>'
        "</trans-unit>" + TAIL
    )
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        list(XliffReader(path))
    assert message in str(caught.value) and caught.value.line == 5
    done = run_cli("qa", path)
    assert done.code == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_segment_marker_outside_a_segmented_unit_is_text_and_a_seg_highlight_is_not_written_as_one(
    tmp_path: Path,
) -> None:
    """What tmkit wrote from the bug's TMX: `<mrk mtype="seg">` in a target without `<seg-source>`."""
    text = (
        HEAD + '<trans-unit id="1"><source>وصل الوفد.</source><target state="translated">'
        '<mrk mtype="seg">The delegation arrived.</mrk></target></trans-unit>' + TAIL
    )
    unit = read_xliff(_write(tmp_path, text))[0].units[0]
    assert unit.variant("en").segment == Segment.from_text("The delegation arrived.")  # type: ignore[union-attr]
    # A TMX highlight of type seg is formatting of tmkit's own: kept, under a marker no tool reads as a segment.
    seg = Segment(("A ", Inline("hi", (("type", "seg"),), ("b",)), " c"))
    memory = Memory(Header(), [TranslationUnit([Variant("ar", seg), Variant("en", seg)], tuid="h")])
    path = tmp_path / "hi.xlf"
    write_xliff(path, memory, source_lang="ar", target_lang="en", version="1.2")
    assert 'mtype="seg"' not in path.read_text(encoding="utf-8")
    assert schema_problems(path) == []
    assert read_xliff(path)[0].units[0].variant("en").segment == seg  # type: ignore[union-attr]


def test_qa_and_score_read_a_segmented_xliff_a_segment_at_a_time(tmp_path: Path) -> None:
    job = (
        HEAD + '<trans-unit id="1"><source>وصل 3 مندوبين. غادر الوفد.</source>\n'
        '<seg-source><mrk mtype="seg" mid="1">وصل 3 مندوبين.</mrk> <mrk mtype="seg" mid="2">غادر الوفد.</mrk>'
        "</seg-source>\n"
        '<target state="translated"><mrk mtype="seg" mid="1">4 delegates arrived.</mrk>\n'
        '<mrk mtype="seg" mid="2">The delegation left.</mrk></target></trans-unit>' + TAIL
    )
    path = _write(tmp_path, job)
    checked = run_cli("qa", path, "--ignore", "spelling", "--format", "json")
    findings = json.loads(checked.stdout)["findings"]
    assert [(f["id"], f["check"], f["line"]) for f in findings] == [("1_s1", "number-mismatch", 6)]
    hyp = _write(tmp_path, job.replace("The delegation left.", "The delegation departed."), "hyp.xlf")
    scored = run_cli("score", path, "--hyp", hyp, "--format", "json")
    assert scored.code == 0, scored.stderr
    report = json.loads(scored.stdout)
    assert (report["n_segments"], report["inputs"]["alignment"]) == (2, "id")
    assert [s["id"] for s in report["worst"]][:1] == ["1_s2"]  # the sentence that differs, alone


_sentence = st.text(alphabet="ابت ثج abc<&>", min_size=1, max_size=6).map(lambda t: t.strip() or "x")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    trans_units=st.lists(
        st.lists(st.tuples(_sentence, st.one_of(st.none(), _sentence)), min_size=1, max_size=4),
        min_size=1,
        max_size=3,
    )
)
def test_any_segmented_file_reads_as_its_sentence_pairs_and_round_trips_through_tmx(
    tmp_path: Path, trans_units: list[list[tuple[str, str | None]]]
) -> None:
    """Segments of any text, some untranslated (no target marker): each is a unit; through TMX and back to XLIFF the
    pairs, ids and statuses are the same."""
    body = []
    expected = []
    for number, sentences in enumerate(trans_units, 1):
        tu = etree.Element("trans-unit", id=f"t{number}")  # (built with lxml, so that the text is escaped)
        etree.SubElement(tu, "source").text = " ".join(s for s, _ in sentences)
        seg_source = etree.SubElement(tu, "seg-source")
        target = etree.SubElement(tu, "target", state="translated")
        for mid, (source, translation) in enumerate(sentences, 1):
            etree.SubElement(seg_source, "mrk", mtype="seg", mid=str(mid)).text = source
            seg_source[-1].tail = " "
            if translation is not None:
                etree.SubElement(target, "mrk", mtype="seg", mid=str(mid)).text = translation
            status = Status.TRANSLATED if translation is not None else Status.NEW
            expected.append((f"t{number}_s{mid}", source, translation, status))
        if not len(target):
            tu.remove(target)
        body.append(etree.tostring(tu, encoding="unicode"))
    xlf = _write(tmp_path, HEAD.replace(' xmlns="urn:oasis:names:tc:xliff:document:1.2"', "") + "".join(body) + TAIL)
    assert _pairs(list(XliffReader(xlf))) == expected
    tmx, back = tmp_path / "rt.tmx", tmp_path / "rt.xlf"
    assert run_cli("convert", xlf, "-o", tmx).code == 0
    assert run_cli("convert", tmx, "-o", back).code == 0
    assert _pairs(list(XliffReader(back))) == expected


#: A 2.0 unit cut into three sentences by a CAT tool: ids on two segments, the last untranslated, a code pair opened
#: in the first segment and closed in the second, white space between them; then a unit translated in another order.
SEGMENTED_2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" trgLang="en">
 <file id="f"><unit id="p1"><notes><note>from the annual report</note></notes>
  <originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data></originalData>
  <segment id="a" state="reviewed"><source>وصل <sc id="1" dataRef="d1"/>الوفد.</source>
   <target>The <sc id="1" dataRef="d1"/>delegation arrived.</target></segment>
  <ignorable><source> </source></ignorable>
  <segment state="translated"><source>غادر<ec startRef="1" dataRef="d2"/> الوفد.</source>
   <target>The delegation<ec startRef="1" dataRef="d2"/> left.</target></segment>
  <ignorable><source> </source></ignorable>
  <segment id="c"><source>انتهت الزيارة.</source></segment></unit>
 <unit id="p2"><segment state="translated"><source>أولا. </source><target order="2">First.</target></segment>
  <segment state="translated"><source>ثانيا.</source><target order="1">Second. </target></segment></unit>
 </file>
</xliff>
"""


def test_an_xliff2_unit_of_several_segments_is_a_unit_a_segment(tmp_path: Path) -> None:
    """A 2.x unit a CAT tool cut into sentences went into a memory as one unit of three sentences, which a lookup of
    one of them matched at ~40%. Each segment is a unit of its own (as 1.2's seg-source markers are), its status its
    segment's state, its tuid the unit's and the segment's; a code pair cut by a segment's end is a code in each."""
    xlf = _write(tmp_path, SEGMENTED_2)
    reader = XliffReader(xlf)
    units = list(reader)
    assert _pairs(units) == [
        ("p1_sa", "وصل الوفد.", "The delegation arrived.", Status.REVIEWED),
        ("p1_s2", "غادر الوفد.", "The delegation left.", Status.TRANSLATED),
        ("p1_sc", "انتهت الزيارة.", None, Status.NEW),
        ("p2", "أولا. ثانيا.", "Second. First.", Status.TRANSLATED),  # reordered: not cut where its source is
    ]
    assert [[n.text for n in u.notes] for u in units[:3]] == [["from the annual report"]] * 3
    assert [u.line for u in units[:3]] == [5, 8, 11]  # (each its segment's line)
    assert units[0].variant("ar").segment == segment_from_xml('وصل <it x="1" pos="begin">&lt;b&gt;</it>الوفد.')  # type: ignore[union-attr]
    assert units[1].variant("en").segment == segment_from_xml('The delegation<it x="1" pos="end">&lt;/b&gt;</it> left.')  # type: ignore[union-attr]
    assert reader.outside_segments == 0  # white space between segments is layout
    tmx = tmp_path / "p.tmx"
    done = run_cli("convert", xlf, "-o", tmx)
    assert done.code == 0 and "warning" not in done.stderr, done.stderr
    assert [u.tuid for u in load_tmx(tmx).units] == ["p1_sa", "p1_s2", "p1_sc", "p2"]
    found = run_cli("match", tmx, "غادر الوفد.", "--json")
    best = json.loads(found.stdout)["results"][0]["matches"][0]
    assert (best["target"], best["score"]) == ("The delegation left.", 99.0)  # (99: the stored one has a code)


def test_text_between_xliff2_segments_is_said_to_be_left_out(tmp_path: Path) -> None:
    xlf = _write(tmp_path, SEGMENTED_2.replace("<ignorable><source> </source>", "<ignorable><source> (1) </source>", 1))
    done = run_cli("convert", xlf, "-o", tmp_path / "p.tmx")
    assert done.code == 0
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "1 segmented unit held text or codes outside their segments" in warnings[0]
