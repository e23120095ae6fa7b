"""An agency's XLIFF translated where it is: its segments in, their targets written back into the same file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from tests.helpers import SAMPLES, run_cli
from tests.xliff_schemas import schema_problems
from tmkit.formats.documents import open_document
from tmkit.formats.documents.core import Code, CodeKind
from tmkit.formats.documents.xliff_filter import _Codes, _nested
from tmkit.formats.tmx_reader import load_tmx, segment_from_xml
from tmkit.formats.tmx_writer import write_tmx
from tmkit.formats.xliff import read_xliff
from tmkit.jobs.workfile import WorkFile, prepare_job
from tmkit.memory.model import Segment, Status, Variant, rejection_reason

#: XLIFF files other tools wrote (tests/data/xliff/README.md names each one's repository and licence).
XLIFF_DATA = Path(__file__).parent / "data" / "xliff"
X12 = "{urn:oasis:names:tc:xliff:document:1.2}"
X2 = "{urn:oasis:names:tc:xliff:document:2.0}"

#: A 2.x job: a code pair over data, an ignorable between segments, a final translation, a unit not to translate.
JOB_2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="ar">
  <file id="f1">
    <unit id="u1">
      <originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data></originalData>
      <segment><source>Visit the <pc id="1" dataRefStart="d1" dataRefEnd="d2">old city</pc>.</source></segment>
      <ignorable><source> </source></ignorable>
      <segment state="final"><source>Thank you.</source><target>شكرا.</target></segment>
    </unit>
    <unit id="u2" translate="no"><segment><source>SKU-9</source></segment></unit>
  </file>
</xliff>
"""


def _units_by_id(path: Path, tag: str) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    return {unit.get("id"): unit for unit in root.iter(tag)}


def _translate(work: Path, translations: dict[int, tuple[str, Status]], *, lang: str = "ar") -> None:
    """What a translator does in the editor: targets typed (TMX inline markup allowed) and their statuses, saved."""
    memory = load_tmx(work)
    for number, (xml, status) in translations.items():
        unit = memory.units[number]
        unit.variants[1:] = [Variant(lang, segment_from_xml(xml))]
        unit.status = status
    write_tmx(work, memory)


def test_the_segments_of_an_agency_xliff_are_its_translatable_ones_with_what_it_holds(tmp_path: Path) -> None:
    """translate="no" units are no segments; a cut unit's markers and a translated unit stay whole; a source that is a
    paragraph is cut into sentences; a target the file holds is the segment's translation with its state."""
    job = tmp_path / "brochure.xlf"
    shutil.copy2(SAMPLES / "brochure.xlf", job)
    work = tmp_path / "work.tmx"
    result = run_cli("pretranslate", str(job), "--tm", str(SAMPLES / "news-memory.tmx"), "-o", str(work))
    assert result.code == 0, result.stderr
    units = load_tmx(work).units
    sources = [unit.variants[0].segment.plain for unit in units]
    assert sources == [
        "Welcome to the National Museum of Damascus.",
        "The museum opens at 9 a.m.",
        "Tickets cost  pounds for adults.",
        "Open daily.",
        "Closed on Fridays.",
        "Guided tours in Arabic and English start every hour.",
    ]
    assert "NMD-2021-06" not in " ".join(sources)
    assert [code.tag for code in units[0].variants[0].segment.codes()] == ["bpt", "ept"]
    held = {n: (u.variants[1].segment.plain if len(u.variants) > 1 else None, u.status) for n, u in enumerate(units)}
    assert held[2] == ("سعر تذكرة الكبار  ليرة.", Status.TRANSLATED)
    assert [code.tag for code in units[2].variants[1].segment.codes()] == ["ph"]  # its placeholder, as the source's
    assert held[3] == ("مفتوح يوميا.", Status.TRANSLATED)
    assert held[4][0] is None  # an empty marker is no translation
    assert [note.text for note in units[2].notes] == ["The price is filled in by the museum: keep the placeholder."]


def test_finish_writes_the_targets_into_the_agency_xliff_and_leaves_the_rest_as_it_was(tmp_path: Path) -> None:
    job = tmp_path / "brochure.xlf"
    shutil.copy2(SAMPLES / "brochure.xlf", job)
    work = tmp_path / "brochure.xlf.tmx"
    assert run_cli("pretranslate", str(job), "--tm", str(SAMPLES / "news-memory.tmx"), "-o", str(work)).code == 0
    _translate(
        work,
        {
            0: (
                'مرحبا بكم في <bpt i="1">&lt;g&gt;</bpt>المتحف الوطني<ept i="1">&lt;/g&gt;</ept> بدمشق.',
                Status.TRANSLATED,
            ),
            1: ("يفتح المتحف أبوابه في التاسعة صباحا.", Status.DRAFT),
            4: ("مغلق أيام الجمعة.", Status.REVIEWED),
        },
    )
    out = tmp_path / "brochure.ar.xlf"
    result = run_cli("finish", str(job), "-o", str(out))
    assert result.code == 0, result.stderr
    assert schema_problems(out) == []
    before, after = _units_by_id(job, f"{X12}trans-unit"), _units_by_id(out, f"{X12}trans-unit")
    first = after["1"].find(f"{X12}target")
    assert first is not None
    assert etree.tostring(first, encoding="unicode", with_tail=False).split(">", 1)[1] == (
        'مرحبا بكم في <g id="1" ctype="bold">المتحف الوطني</g> بدمشق. يفتح المتحف أبوابه في التاسعة صباحا.</target>'
    )
    assert first.get("state") == "needs-review-translation"  # a draft among its segments: the unit is one
    # Not to translate, and translated as the file had it: as they were, byte for byte.
    for ident in ("2", "3"):
        assert etree.tostring(after[ident]) == etree.tostring(before[ident]), ident
    cut = after["4"].find(f"{X12}target")
    assert cut is not None and cut.get("state") == "translated"  # the least advanced of its segments
    assert [(m.get("mid"), m.text) for m in cut] == [("1", "مفتوح يوميا."), ("2", "مغلق أيام الجمعة.")]
    assert after["5"].find(f"{X12}target") is None  # untranslated: no target made up
    assert "5 of 6 segment(s) translated" in result.stdout + result.stderr
    assert "1 left without a target" in result.stdout + result.stderr


def test_a_2x_job_gets_its_segments_targets_and_states(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    job.write_text(JOB_2, encoding="utf-8")
    work = tmp_path / "job.xlf.tmx"
    assert run_cli("pretranslate", str(job), "--tm", str(SAMPLES / "news-memory.tmx"), "-o", str(work)).code == 0
    units = load_tmx(work).units
    assert [u.variants[0].segment.plain for u in units] == ["Visit the old city.", "Thank you."]
    # The codes carry the native markup the unit's originalData holds, as a translator or another tool sees it.
    assert [code.content for code in units[0].variants[0].segment.codes()] == [("<b>",), ("</b>",)]
    assert units[1].status is Status.FINAL and units[1].variants[1].segment == Segment.from_text("شكرا.")
    _translate(
        work, {0: ('زوروا <bpt i="1">&lt;pc&gt;</bpt>المدينة القديمة<ept i="1">&lt;/pc&gt;</ept>.', Status.TRANSLATED)}
    )
    out = tmp_path / "job.ar.xlf"
    assert run_cli("finish", str(job), "-o", str(out)).code == 0
    assert schema_problems(out) == []
    segments = list(etree.parse(str(out)).getroot().iter(f"{X2}segment"))
    target = segments[0].find(f"{X2}target")
    assert target is not None and segments[0].get("state") == "translated"
    pc = target.find(f"{X2}pc")
    assert pc is not None and (pc.get("dataRefStart"), pc.text, pc.tail) == ("d1", "المدينة القديمة", ".")
    assert segments[1].get("state") == "final" and segments[1].find(f"{X2}target").text == "شكرا."  # type: ignore[union-attr]
    before, after = _units_by_id(job, f"{X2}unit"), _units_by_id(out, f"{X2}unit")
    assert etree.tostring(after["u2"]) == etree.tostring(before["u2"])


JOB_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
  <file original="guide.txt" source-language="en" target-language="ar" datatype="plaintext">
    <body>
      <trans-unit id="t1"><source>Keep your ticket.</source></trans-unit>
      <trans-unit id="t2"><source>The bus leaves at noon.</source></trans-unit>
    </body>
  </file>
</xliff>
"""


@pytest.mark.parametrize(
    ("content", "rejected_as"),
    [(JOB_12, ("needs-review-translation", None)), (JOB_2, ("initial", "tmkit:rejected"))],
    ids=["1.2", "2.0"],
)
def test_a_segment_the_reviewer_rejected_goes_back_rejected(
    tmp_path: Path, content: str, rejected_as: tuple[str, str | None]
) -> None:
    """The reviewer's rejection reaches the file as its version says one (1.2's `needs-review-translation`, 2.x's
    subState, which reads back as rejected), its translation with it; a segment beside it keeps its own state."""
    job = tmp_path / "job.xlf"
    job.write_text(content, encoding="utf-8")
    prepared = prepare_job(job, [], target_lang="ar")
    work = WorkFile(prepared.path, source_lang=prepared.source_lang, target_lang=prepared.target_lang)
    if content is JOB_12:
        work.confirm(0, "احتفظ بتذكرتك.")
    work.apply(1, text="شكرا جزيلا لكم.", status=Status.TRANSLATED)
    work.reject(1, reason="too formal")
    work.save()
    out = tmp_path / "job.ar.xlf"
    result = run_cli("finish", str(job), "-o", str(out))
    assert result.code == 0, result.stderr
    assert schema_problems(out) == []
    root = etree.parse(str(out)).getroot()
    if rejected_as[1] is None:
        targets = [unit.find(f"{X12}target") for unit in root.iter(f"{X12}trans-unit")]
        assert [t.get("state") for t in targets if t is not None] == ["translated", rejected_as[0]]
        # A draft needs review too: tmkit's note tells the rejected one, with the reason, where a CAT tool shows it.
        notes = [note.text for note in root.iter(f"{X12}note")]
        assert notes == ["tmkit:rejected draft — too formal"]
        # Confirmed in another CAT tool since (its state translated, tmkit's note kept as tools keep comments): the
        # rejection is over, for a job made from the file as for `convert`.
        answered = tmp_path / "answered.xlf"
        answered.write_bytes(out.read_bytes().replace(b'state="needs-review-translation"', b'state="translated"'))
        assert [p.rejected for p in open_document(answered).paragraphs] == [False, False]
        assert not any(unit.rejected for unit in read_xliff(answered)[0].units)
    else:
        segment = list(root.iter(f"{X2}segment"))[1]
        assert (segment.get("state"), segment.get("subState")) == rejected_as
        assert [note.text for note in root.iter(f"{X2}note")] == ["rejected: too formal"]
    assert [paragraph.rejected for paragraph in open_document(out).paragraphs] == [False, True]
    # The file sent back and opened as a job: the translator reads why (and `convert` keeps it).
    returned = tmp_path / "returned.xlf"
    returned.write_bytes(out.read_bytes())
    job_back = prepare_job(returned, [], target_lang="ar")
    rows = WorkFile(job_back.path, source_lang=job_back.source_lang, target_lang=job_back.target_lang).rows
    assert [(row.unit.rejected, row.notes[:1]) for row in rows][1] == (True, ["rejected: too formal"])
    assert [rejection_reason(unit) for unit in read_xliff(out)[0].units if unit.rejected] == ["too formal"]
    # Confirmed once the translator has done it again: the rejection and its note are gone from the file.
    work = WorkFile(prepared.path, source_lang=prepared.source_lang, target_lang=prepared.target_lang)
    work.confirm(1, "شكرا لكم.")
    work.save()
    assert run_cli("finish", str(job), "-o", str(out)).code == 0
    assert schema_problems(out) == []
    again = etree.parse(str(out)).getroot()
    assert not list(again.iter(f"{X12}note", f"{X2}note"))
    assert [paragraph.rejected for paragraph in open_document(out).paragraphs] == [False, False]


def test_a_job_whose_targets_are_copies_of_their_sources_is_untranslated(tmp_path: Path) -> None:
    """tmkit's own XLIFF job (and Okapi's) fills each target with its source, state "new": no translation, where it
    was read as 29 drafts holding the Arabic; the one pre-translated segment stays the draft it is."""
    job = tmp_path / "job.xlf"
    made = run_cli("pretranslate", SAMPLES / "article.ar.txt", "--tm", SAMPLES / "news-memory.tmx", "-o", job)
    assert made.code == 0, made.stderr
    work = tmp_path / "job.xlf.tmx"
    assert run_cli("pretranslate", job, "--tm", SAMPLES / "earlier-visits.tmx", "-o", work).code == 0
    units = load_tmx(work).units
    assert len(units) == 30
    assert not [u for u in units if len(u.variants) > 1 and u.variants[1].text == u.variants[0].text]
    in_job = [(u.variants[0].text, u.variants[1].text) for u in read_xliff(job)[0].units if u.status is Status.DRAFT]
    assert len(in_job) == 1
    assert in_job[0] in [(u.variants[0].text, u.variants[1].text) for u in units if u.status is Status.DRAFT]


def test_spans_a_translation_crosses_or_halves_are_left_out_and_their_text_kept() -> None:
    """XML cannot hold `<g1><g2></g1></g2>`: the span closed out of turn goes, its text stays; a lone half goes too."""
    codes = _Codes()
    for ident in (1, 2, 3):
        element = etree.Element(f"{X12}g", id=str(ident))
        codes.elements[(CodeKind.OPEN, ident)] = codes.elements[(CodeKind.CLOSE, ident)] = element
    o1, c1, o2, c2, o3 = (
        Code(CodeKind.OPEN, 1),
        Code(CodeKind.CLOSE, 1),
        Code(CodeKind.OPEN, 2),
        Code(CodeKind.CLOSE, 2),
        Code(CodeKind.OPEN, 3),
    )
    assert _nested(["a", o1, "b", o2, "c", c1, "d", c2, "e"], codes) == ["a", "b", o2, "c", "d", c2, "e"]
    assert _nested([o1, "a", c1, o3, "b"], codes) == [o1, "a", c1, "b"]
    assert _nested([o1, o2, "x", c2, c1], codes) == [o1, o2, "x", c2, c1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('<!DOCTYPE xliff [<!ENTITY e "x">]><xliff version="1.2"/>', "declares a DOCTYPE or entities"),
        ("<xliff version='1.2'><file><body><trans-unit id='1'><source>a</source>", "not well-formed XML"),
        ("<tmx version='1.4'><body/></tmx>", "the root element is <tmx>, not <xliff>"),
        (
            '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="3.0"/>',
            "XLIFF version 3.0 is not supported: tmkit reads XLIFF 1.0",
        ),
    ],
)
def test_a_file_that_is_no_xliff_is_one_line(tmp_path: Path, content: str, message: str) -> None:
    job = tmp_path / "bad.xlf"
    job.write_text(content, encoding="utf-8")
    result = run_cli("segment", str(job))
    assert result.code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(job) in lines[0] and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_an_xliff_whose_every_unit_is_locked_has_nothing_to_translate(tmp_path: Path) -> None:
    job = tmp_path / "locked.xlf"
    job.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file source-language="en" '
        'datatype="plaintext" original="x"><body><group translate="no"><trans-unit id="1"><source>Keep</source>'
        "</trans-unit></group></body></file></xliff>",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match="no text to translate"):
        open_document(job)


def test_a_target_without_text_is_no_translation_whatever_its_state(tmp_path: Path) -> None:
    """WorldServer fills a target with the source's placeholders only (Okapi's test1_es.xlf), and a cut unit's state
    covers its empty markers too: neither is a translation. Both came in as `translated` segments with no text."""
    job = tmp_path / "job.xlf"
    job.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file source-language="en" '
        'target-language="ar" datatype="html" original="page.htm"><body>'
        '<trans-unit id="1"><source><ph id="1">&lt;a&gt;</ph>Home<ph id="2">&lt;/a&gt;</ph></source>'
        '<target><ph id="1">&lt;a&gt;</ph><ph id="2">&lt;/a&gt;</ph></target></trans-unit>'
        '<trans-unit id="2"><source>Open daily. Closed on Fridays.</source><seg-source><mrk mtype="seg" mid="1">Open '
        'daily.</mrk> <mrk mtype="seg" mid="2">Closed on Fridays.</mrk></seg-source><target state="translated"><mrk '
        'mtype="seg" mid="1">مفتوح يوميا.</mrk> <mrk mtype="seg" mid="2"/></target></trans-unit>'
        "</body></file></xliff>",
        encoding="utf-8",
    )
    work = tmp_path / "job.xlf.tmx"
    assert run_cli("pretranslate", str(job), "--tm", str(SAMPLES / "news-memory.tmx"), "-o", str(work)).code == 0
    units = load_tmx(work).units
    assert [(u.variants[0].segment.plain, u.status, len(u.variants)) for u in units] == [
        ("Home", Status.NEW, 1),
        ("Open daily.", Status.TRANSLATED, 2),
        ("Closed on Fridays.", Status.NEW, 1),
    ]


def test_a_cut_units_target_without_markers_is_made_again_from_its_seg_source(tmp_path: Path) -> None:
    """A tool that copies the source into the target (state new) leaves a cut unit's target without `mrk` markers;
    an empty `<target/>` has none either. The translations were appended after the English text, and without the
    space between the segments."""
    job = tmp_path / "job.xlf"
    cut = (
        "<source>Open daily. Closed on Fridays.</source><seg-source><mrk mtype='seg' mid='1'>Open daily.</mrk> "
        "<mrk mtype='seg' mid='2'>Closed on Fridays.</mrk></seg-source>"
    )
    job.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file source-language="en" '
        'target-language="ar" datatype="plaintext" original="x"><body>'
        f'<trans-unit id="1">{cut}<target state="new">Open daily. Closed on Fridays.</target></trans-unit>'
        f'<trans-unit id="2">{cut}<target/></trans-unit>'
        "</body></file></xliff>",
        encoding="utf-8",
    )
    work = tmp_path / "job.xlf.tmx"
    assert run_cli("pretranslate", str(job), "--tm", str(SAMPLES / "news-memory.tmx"), "-o", str(work)).code == 0
    _translate(work, {n: (("مفتوح يوميا.", "مغلق أيام الجمعة.")[n % 2], Status.TRANSLATED) for n in range(4)})
    out = tmp_path / "job.ar.xlf"
    assert run_cli("finish", str(job), "-o", str(out)).code == 0
    assert schema_problems(out) == []
    for unit in _units_by_id(out, f"{X12}trans-unit").values():
        target = unit.find(f"{X12}target")
        assert target is not None
        assert etree.tostring(target, encoding="unicode", with_tail=False).split(">", 1)[1] == (
            '<mrk mtype="seg" mid="1">مفتوح يوميا.</mrk> <mrk mtype="seg" mid="2">مغلق أيام الجمعة.</mrk></target>'
        )


def _windows_job(tmp_path: Path) -> Path:
    """A 1.2 job with Windows line ends, as Okapi on Windows and the OASIS test files write them."""
    job = tmp_path / "job.xlf"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">',
        '  <file source-language="en" target-language="ar" datatype="plaintext" original="x">',
        "    <body>",
        '      <trans-unit id="1">',
        "        <source>Open daily.</source>",
        "      </trans-unit>",
        '      <trans-unit id="2" translate="no">',
        "        <source>SKU-9</source>",
        "      </trans-unit>",
        "    </body>",
        "  </file>",
        "</xliff>",
        "",
    ]
    job.write_bytes("\r\n".join(lines).encode("utf-8"))
    work = tmp_path / "job.xlf.tmx"
    assert run_cli("pretranslate", str(job), "--tm", str(SAMPLES / "news-memory.tmx"), "-o", str(work)).code == 0
    _translate(work, {0: ("مفتوح يوميا.", Status.TRANSLATED)})
    return job


def test_finish_keeps_the_line_ends_of_a_windows_xliff(tmp_path: Path) -> None:
    """XML reads a line end as LF, and the file was written with LF: every line of the agency's file came back
    changed, the units tmkit did not touch too."""
    job = _windows_job(tmp_path)
    out = tmp_path / "job.ar.xlf"
    assert run_cli("finish", str(job), "-o", str(out)).code == 0
    data = out.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 10
    assert b'\r\n      <trans-unit id="2" translate="no">\r\n        <source>SKU-9</source>\r\n' in data
    assert '<target state="translated">مفتوح يوميا.</target>\r\n'.encode() in data
    assert schema_problems(out) == []


def test_finish_keeps_what_comes_before_and_after_the_root_as_it_was(tmp_path: Path) -> None:
    """The declaration, a comment before the root, the root's start tag and the final line break are the file's: lxml
    wrote its own declaration, the root's namespace before its version, the comment on the root's line and no final
    line break, in samples/brochure.xlf."""
    job = tmp_path / "brochure.xlf"
    shutil.copy2(SAMPLES / "brochure.xlf", job)
    work = tmp_path / "brochure.xlf.tmx"
    assert run_cli("pretranslate", str(job), "--tm", str(SAMPLES / "news-memory.tmx"), "-o", str(work)).code == 0
    _translate(work, {5: ("الجولات بالعربية والإنجليزية كل ساعة.", Status.TRANSLATED)})
    out = tmp_path / "brochure.ar.xlf"
    assert run_cli("finish", str(job), "-o", str(out)).code == 0
    before, after = job.read_bytes(), out.read_bytes()
    head = before[: before.index(b"<file")]
    assert head.count(b"\n") == 3 and after.startswith(head)
    assert after.endswith(b"</xliff>\n")
    # A Windows file's too, with its line ends.
    windows = _windows_job(tmp_path)
    assert run_cli("finish", str(windows), "-o", str(out)).code == 0
    before, after = windows.read_bytes(), out.read_bytes()
    assert after.startswith(before[: before.index(b"<file")]) and after.endswith(b"</xliff>\r\n")


def test_cdata_sections_the_file_holds_stay_as_they_are(tmp_path: Path) -> None:
    """An OASIS test file: only its segment's start tag and target change. Its CDATA sections were written as escaped
    text, in the source and in an ignorable tmkit had nothing to do with."""
    job = tmp_path / "withCDataSections.xlf"
    shutil.copy2(XLIFF_DATA / "withCDataSections.xlf", job)
    out = tmp_path / "withCDataSections.ar.xlf"
    assert run_cli("finish", str(job), "--pseudo", "-o", str(out)).code == 0
    assert schema_problems(out) == []
    before, after = job.read_bytes().splitlines(), out.read_bytes().splitlines()
    assert len(before) == len(after)
    changed = [(b.strip(), a.strip()) for b, a in zip(before, after, strict=True) if b != a]
    assert [b for b, _ in changed] == [b'<segment id="s1">', b"<target>target<![CDATA[ & and < etc.]]></target>"]
    assert changed[1][1].startswith(b"<target>") and b"&amp; \xc3\xa1\xc3\xb1d &lt;" in changed[1][1]


def test_a_doctype_in_a_utf16_file_is_refused_too(tmp_path: Path) -> None:
    """The DOCTYPE was looked for in the file's bytes as UTF-8: a UTF-16 file (as Windows tools write) got past it,
    and its entity reference was dropped from the segment without a word."""
    job = tmp_path / "job.xlf"
    job.write_bytes(
        (
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE xliff [<!ENTITY museum "National Museum">]>'
            '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file source-language="en" '
            'datatype="plaintext" original="x"><body><trans-unit id="1"><source>The &museum; opens at 9.</source>'
            "</trans-unit></body></file></xliff>"
        ).encode("utf-16")
    )
    result = run_cli("segment", str(job))
    assert result.code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(job) in lines[0] and "declares a DOCTYPE or entities" in lines[0], result.stderr


def test_a_2x_span_end_whose_start_the_translation_dropped_goes_too(tmp_path: Path) -> None:
    """A 2.x code pair may span a unit's segments: `sc` in one, `ec` in the next. A translation without the `sc` kept
    the `ec` (a code standing alone in its segment is put back where the translation lacks it), and the target's
    `ec startRef` pointed to no `sc`: invalid XLIFF 2 the schema does not see."""
    job = tmp_path / "job.xlf"
    job.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="ar"><file id="f1">'
        '<unit id="u1"><originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data></originalData>'
        '<segment><source>Start <sc id="1" dataRef="d1"/>bold here.</source></segment> '
        '<segment><source>Still bold<ec startRef="1" dataRef="d2"/> then not.</source></segment></unit>'
        "</file></xliff>",
        encoding="utf-8",
    )
    work = tmp_path / "job.xlf.tmx"
    assert run_cli("pretranslate", str(job), "--tm", str(SAMPLES / "news-memory.tmx"), "-o", str(work)).code == 0
    _translate(work, {0: ("ابدأ هنا.", Status.TRANSLATED), 1: ('ما زال <ph x="1"/> ثم لا.', Status.TRANSLATED)})
    out = tmp_path / "job.ar.xlf"
    assert run_cli("finish", str(job), "-o", str(out)).code == 0
    assert schema_problems(out) == []
    targets = [
        etree.tostring(t, encoding="unicode", with_tail=False) for t in etree.parse(str(out)).iter(f"{X2}target")
    ]
    assert [t.split(">", 1)[1] for t in targets] == ["ابدأ هنا.</target>", "ما زال  ثم لا.</target>"]


REAL_FILES = sorted(
    p for p in (Path(__file__).parent / "data" / "xliff").iterdir() if ".xl" in p.suffix or ".sdl" in p.suffix
)


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_xliff_files_go_through_as_documents(path: Path, tmp_path: Path) -> None:
    """Other tools' files (tests/data/xliff): every translatable segment gets a target, and the file written is no
    less valid than the one read (some carry their tools' own extensions, which the strict schema refuses)."""
    job = tmp_path / path.name
    shutil.copy2(path, job)
    out = tmp_path / f"pseudo-{path.name}"
    result = run_cli("finish", job, "--pseudo", "-o", out)
    assert result.code == 0, result.stderr
    assert len(schema_problems(out)) <= len(schema_problems(path))
    document = open_document(out)
    assert document.paragraphs and all(p.existing is not None for p in document.paragraphs), path.name
    assert all(
        "⟦" in "".join(x for x in p.existing[0] if isinstance(x, str)) for p in document.paragraphs if p.existing
    )


def _one_unit(tmp_path: Path, source: str, *, target_lang: str = "ar") -> Path:
    job = tmp_path / "job.xlf"
    job.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file source-language="en-US" '
        f'target-language="{target_lang}" datatype="plaintext" original="x"><body><trans-unit id="1">'
        f"<source>{source}</source></trans-unit></body></file></xliff>",
        encoding="utf-8",
    )
    return job


def test_a_source_translated_in_part_is_written_with_the_unit_new(tmp_path: Path) -> None:
    """One of a source's two sentences translated: the target holds it and the other sentence as it was, state new.
    The unit was left without a target, and the sentence translated lost without a word."""
    job = _one_unit(tmp_path, "Open daily. Closed on Fridays.")
    work = tmp_path / "job.xlf.tmx"
    assert run_cli("pretranslate", job, "--tm", SAMPLES / "news-memory.tmx", "-o", work).code == 0
    _translate(work, {0: ("مفتوح يوميا.", Status.TRANSLATED)})
    out = tmp_path / "out.xlf"
    assert run_cli("finish", job, "-o", out).code == 0
    target = etree.parse(str(out)).getroot().find(f".//{X12}target")
    assert target is not None and (target.text, target.get("state")) == ("مفتوح يوميا. Closed on Fridays.", "new")


def test_a_job_takes_the_languages_the_file_is_for(tmp_path: Path) -> None:
    """An English→French file makes an English→French job, not the English→Arabic one the script would guess; a
    working file for another target is refused when the file is written, in one line."""
    job = _one_unit(tmp_path, "Welcome.", target_lang="fr-FR")
    work = tmp_path / "job.xlf.tmx"
    assert run_cli("pretranslate", job, "--tm", SAMPLES / "news-memory.tmx", "-o", work).code == 0
    assert [v.lang for v in load_tmx(work).units[0].variants] == ["en"]
    assert load_tmx(work).header.srclang == "en"
    _translate(work, {0: ("Bienvenue.", Status.TRANSLATED)}, lang="fr")
    out = tmp_path / "out.xlf"
    assert run_cli("finish", job, "-o", out).code == 0
    assert etree.parse(str(out)).getroot().find(f".//{X12}target").text == "Bienvenue."  # type: ignore[union-attr]
    other = tmp_path / "other.tmx"
    assert run_cli("pretranslate", job, "--tm", SAMPLES / "news-memory.tmx", "--to", "ar", "-o", other).code == 0
    refused = run_cli("finish", job, "--work", other, "-o", tmp_path / "ar.xlf")
    assert (
        refused.code == 2 and "the file is for translation into fr-FR, and its working file into ar" in refused.stderr
    )
    assert not (tmp_path / "ar.xlf").exists()


def test_a_groups_notes_are_for_every_unit_in_it(tmp_path: Path) -> None:
    """An agency's notes around a unit (a 1.2 header's and group's, a 2.x file's and group's) reach its segments, as
    `convert` reads them: outermost first, then the unit's own. They were not read at all."""
    job = tmp_path / "job.xlf"
    job.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file source-language="en" '
        'target-language="ar" datatype="plaintext" original="x"><header><note>For the whole job.</note></header><body>'
        '<group id="g"><note>Follow the client glossary.</note><trans-unit id="1"><source>Fever.</source>'
        "<note>A symptom.</note></trans-unit></group></body></file></xliff>",
        encoding="utf-8",
    )
    assert open_document(job).paragraphs[0].notes == ("For the whole job.", "Follow the client glossary.", "A symptom.")
    job.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="ar"><file id="f">'
        '<notes><note>Medical leaflet.</note></notes><group id="g"><notes><note>Dosage section.</note></notes>'
        '<unit id="u"><notes><note>Keep units.</note></notes><segment><source>Take 5 ml.</source></segment></unit>'
        "</group></file></xliff>",
        encoding="utf-8",
    )
    assert open_document(job).paragraphs[0].notes == ("Medical leaflet.", "Dosage section.", "Keep units.")
