"""Trados Studio's SDLXLIFF: its segments' confirmation levels read as statuses, and a translated file written back
with Trados's levels and origins, for the agency's Trados to read."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from lxml import etree

from tests.helpers import SAMPLES, run_cli, tmx_doc
from tmkit.formats.documents import open_document
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.formats.xliff import SDL_NS, read_xliff
from tmkit.jobs.finish import translation_record
from tmkit.jobs.workfile import WorkFile, prepare_job
from tmkit.memory.model import (
    MATCH_PROP,
    ORIGIN_PROP,
    PRETRANSLATION_MATCH_PROP,
    Prop,
    Segment,
    Status,
    TranslationUnit,
    Variant,
)

#: tests/data/xliff/README.md names where each file comes from (the travel guide is this team's).
DATA = Path(__file__).parent / "data" / "xliff"
GUIDE = DATA / "tmkit-travel-guide.ar-en.sdlxliff"
TRADOS = DATA / "vistatec-okapi-TS09-12-Test01.sdlxliff"
SEG = f"{{{SDL_NS}}}seg"


def _header(path: Path) -> bytes:
    """The file's `<header>` (Trados's file, tag and context definitions), canonical: what must come back as it was."""
    header = etree.parse(str(path)).find(
        "{urn:oasis:names:tc:xliff:document:1.2}file/{urn:oasis:names:tc:xliff:document:1.2}header"
    )
    return etree.tostring(header, method="c14n")


def _segs(path: Path) -> dict[str, etree._Element]:
    return {seg.get("id"): seg for seg in etree.parse(str(path)).iter(SEG)}


def test_each_confirmation_level_is_a_status() -> None:
    """Trados writes no target state: each segment's level is its `sdl:seg`'s `conf` (by its `mid`); none, or a
    target without text, is not translated."""
    memory, source_lang, target_lang = read_xliff(GUIDE)
    assert (source_lang, target_lang) == ("ar-SA", "en-US")
    segmented = {u.tuid: (u.status, u.rejected) for u in memory.units if u.tuid and "_s" in u.tuid}
    assert segmented == {
        "a0e1f7c2-0002_s1": (Status.TRANSLATED, False),  # Translated
        "a0e1f7c2-0003_s2": (Status.NEW, False),  # no level, the target holds only the source's code
        "a0e1f7c2-0004_s3": (Status.FINAL, False),  # ApprovedSignOff
        "a0e1f7c2-0005_s4": (Status.DRAFT, True),  # RejectedTranslation
        "a0e1f7c2-0006_s5": (Status.NEW, False),
        "a0e1f7c2-0006_s6": (Status.NEW, False),
    }


def test_a_file_trados_wrote_is_read_with_its_levels() -> None:
    memory, _, target_lang = read_xliff(TRADOS)
    assert target_lang == "de"
    translated = [u for u in memory.units if u.status is not Status.NEW and u.variant("en").text]  # type: ignore[union-attr]
    assert [(u.variant("en").text, u.variant("de").text, u.status) for u in translated] == [  # type: ignore[union-attr]
        ("Getting Started", "Erste Schritte", Status.TRANSLATED)
    ]


def test_a_job_from_an_sdlxliff_leaves_locked_segments_out_and_says_what_was_rejected(tmp_path: Path) -> None:
    job_file = tmp_path / GUIDE.name
    shutil.copy2(GUIDE, job_file)
    document = open_document(job_file)
    # The locked segment (Trados's "ApprovedSignOff", locked by the agency) is not offered.
    assert "الأسعار تشمل الضرائب." not in [
        "".join(x for x in p.pieces if isinstance(x, str)) for p in document.paragraphs
    ]
    job = prepare_job(job_file, [], target_lang="en")
    rows = WorkFile(job.path).rows
    assert [(r.status, r.unit.rejected) for r in rows] == [
        (Status.TRANSLATED, False),
        (Status.NEW, False),
        (Status.DRAFT, True),  # rejected in Trados: back to the translator, and flagged
        (Status.NEW, False),
        (Status.NEW, False),
    ]


def test_a_translated_sdlxliff_is_written_back_with_trados_levels_and_origins(tmp_path: Path) -> None:
    """What the agency's Trados reads back: each segment's level (`conf`) from its status, a translation written anew
    the translator's (`origin="interactive"`, where it came from before in `sdl:prev-origin`), the segment's own
    values, the locked segment and the file's header as they were."""
    job_file = tmp_path / GUIDE.name
    shutil.copy2(GUIDE, job_file)
    work = WorkFile(prepare_job(job_file, [], target_lang="en").path)
    work.approve(0)  # the 100% match, approved as it is
    work.confirm(1, "Book your room {1}two weeks{/1} before you travel.")
    work.confirm(2, "The booking can be cancelled free of charge.")  # the rejected machine translation, redone
    work.confirm(3, "Breakfast is from seven.")
    work.save()
    out = tmp_path / "guide.en.sdlxliff"
    result = run_cli("finish", job_file, "-o", out)
    assert result.code == 0, result.stderr
    assert "4 of 5 segment(s) translated" in result.stderr

    segs = _segs(out)
    approved = segs["1"]
    assert (approved.get("conf"), approved.get("origin"), approved.get("percent")) == (
        "ApprovedTranslation",
        "tm",
        "100",
    )
    assert [v.get("key") for v in approved] == ["SDL:OriginalTranslationHash", "created_by"]  # not edited: as it was
    typed = segs["2"]
    assert dict(typed.attrib) == {"id": "2", "conf": "Translated", "origin": "interactive"} and len(typed) == 0
    redone = segs["4"]
    assert (redone.get("conf"), redone.get("origin")) == ("Translated", "interactive")
    (previous,) = redone
    assert previous.tag == f"{{{SDL_NS}}}prev-origin" and dict(previous.attrib) == {"origin": "mt"}
    assert dict(segs["3"].attrib) == dict(_segs(GUIDE)["3"].attrib)  # locked: untouched
    assert segs["5"].get("conf") == "Translated" and segs["6"].get("conf") is None  # not translated: no level
    # The translation, its code as the source's, in the target's segment marker; no target state for Trados.
    x12 = "{urn:oasis:names:tc:xliff:document:1.2}"
    unit = next(u for u in etree.parse(str(out)).iter(f"{x12}trans-unit") if u.get("id") == "a0e1f7c2-0003")
    target = unit.find(f"{x12}target")
    assert target.get("state") is None
    assert etree.tostring(target[0], encoding="unicode", with_tail=False).endswith(
        '>Book your room <g id="2">two weeks</g> before you travel.</mrk>'
    )
    assert _header(out) == _header(GUIDE)
    # Read back: the statuses the translator left.
    statuses = {u.tuid: u.status for u in read_xliff(out)[0].units if u.tuid and "_s" in u.tuid}
    assert statuses == {
        "a0e1f7c2-0002_s1": Status.REVIEWED,
        "a0e1f7c2-0003_s2": Status.TRANSLATED,
        "a0e1f7c2-0004_s3": Status.FINAL,
        "a0e1f7c2-0005_s4": Status.TRANSLATED,
        "a0e1f7c2-0006_s5": Status.TRANSLATED,
        "a0e1f7c2-0006_s6": Status.NEW,
    }


def test_a_kept_match_goes_back_as_trados_match_and_a_rejection_as_trados_rejection(tmp_path: Path) -> None:
    """A match tmkit pre-translated with and the translator kept goes back as Trados records a match (`origin="tm"`,
    its percent, the memory's name), not as typed; a repetition kept as propagated (`auto-propagated`); a segment the
    reviewer rejected as "RejectedTranslation"; an edited match as the translator's, the match its previous origin."""
    memory = tmp_path / "agency-memory.tmx"
    pairs = [
        ("احجز غرفتك قبل أسبوعين من السفر", "Book your room two weeks before travelling."),
        ("يمكن إلغاء الحجز مجانا دائما.", "The booking can always be cancelled free of charge."),
        ("الإفطار من السابعة.", "Breakfast is from seven."),
        ("العشاء حتى العاشرة مساء.", "Dinner is until ten in the evening."),
    ]
    memory.write_text(
        tmx_doc(
            "".join(
                f'<tu tuid="m{n}"><tuv xml:lang="ar"><seg>{ar}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg></tuv></tu>'
                for n, (ar, en) in enumerate(pairs)
            )
        ),
        encoding="utf-8",
    )
    job_file = tmp_path / GUIDE.name
    shutil.copy2(GUIDE, job_file)
    work = WorkFile(prepare_job(job_file, [memory], target_lang="en").path)
    matched = {row.source_text: row.pretranslated_match for row in work.rows}
    breakfast, dinner = matched["الإفطار من السابعة."], matched["العشاء حتى العاشرة."]
    assert breakfast is not None and breakfast >= 95 and dinner is not None and dinner < 95
    work.confirm(1)  # the fuzzy match of segment 2 (its code added by the pre-translation), kept as it was
    work.reject(0, reason="not the guide's title")  # Trados's translated match, rejected by the reviewer
    work.confirm(3)  # the near-exact match, kept
    work.confirm(4, "Dinner is served until ten.")  # the fuzzy match, edited
    work.save()
    out = tmp_path / "guide.en.sdlxliff"
    result = run_cli("finish", job_file, "-o", out)
    assert result.code == 0, result.stderr

    segs = _segs(out)
    kept = segs["2"]
    assert dict(kept.attrib) == {
        "id": "2",
        "conf": "Translated",
        "origin": "tm",
        "percent": str(math.floor(matched["احجز غرفتك قبل أسبوعين من السفر."] or 0)),
        "origin-system": "agency-memory",  # (as Trados names a memory: without its file's suffix)
    }
    rejected = segs["1"]
    assert (rejected.get("conf"), rejected.get("origin"), rejected.get("percent")) == (
        "RejectedTranslation",
        "tm",
        "100",
    )
    assert dict(segs["4"].attrib) == dict(_segs(GUIDE)["4"].attrib)  # rejected in Trados, left so: as it was
    assert (segs["5"].get("origin"), segs["5"].get("percent")) == ("tm", str(math.floor(breakfast)))
    edited = segs["6"]
    assert (edited.get("origin"), edited.get("percent")) == ("interactive", None)
    # The match tmkit pre-translated it with is where it came from, as Trados records an edited match.
    (previous,) = edited
    assert previous.tag == f"{{{SDL_NS}}}prev-origin"
    assert dict(previous.attrib) == {
        "origin": "tm",
        "percent": str(math.floor(dinner)),
        "origin-system": "agency-memory",
    }
    assert "2 rejected by the reviewer, written marked so for the translator: segment 1, 3" in result.stderr
    # Leaving drafts out leaves the review's rejection in; delivering only what is finished refuses it.
    only = tmp_path / "only-confirmed.sdlxliff"
    assert run_cli("finish", job_file, "-o", only, "--confirmed-only").code == 0
    assert _segs(only)["1"].get("conf") == "RejectedTranslation"
    refused = run_cli("finish", job_file, "-o", tmp_path / "all.sdlxliff", "--require-all")
    assert refused.code == 1 and not (tmp_path / "all.sdlxliff").exists()
    assert "(segment 1, 3; 2 of them rejected): nothing written" in refused.stderr
    assert statuses_and_rejections(out) == {
        "a0e1f7c2-0002_s1": (Status.DRAFT, True),
        "a0e1f7c2-0003_s2": (Status.TRANSLATED, False),
        "a0e1f7c2-0005_s4": (Status.DRAFT, True),
        "a0e1f7c2-0006_s5": (Status.TRANSLATED, False),
        "a0e1f7c2-0006_s6": (Status.TRANSLATED, False),
    }


def test_a_repetition_kept_goes_back_as_propagated(tmp_path: Path) -> None:
    """A segment repeated in the file takes its first occurrence's translation; kept, Trados reads it as its own
    AutoPropagation gives one (`auto-propagated`), its first occurrence as the match it is."""
    memory = tmp_path / "agency-memory.tmx"
    memory.write_text(
        tmx_doc(
            '<tu><tuv xml:lang="ar"><seg>الإفطار من السابعة صباحا.</seg></tuv>'
            '<tuv xml:lang="en"><seg>Breakfast is from seven in the morning.</seg></tuv></tu>'
        ),
        encoding="utf-8",
    )
    job_file = tmp_path / GUIDE.name
    job_file.write_bytes(GUIDE.read_bytes().replace("العشاء حتى العاشرة.".encode(), "الإفطار من السابعة.".encode()))
    work = WorkFile(prepare_job(job_file, [memory], target_lang="en").path)
    fuzzy = work.rows[3].pretranslated_match
    assert fuzzy is not None and fuzzy < 100
    work.confirm(3)
    work.confirm(4)
    work.save()
    out = tmp_path / "guide.en.sdlxliff"
    assert run_cli("finish", job_file, "-o", out).code == 0
    segs = _segs(out)
    assert (segs["5"].get("origin"), segs["5"].get("percent"), segs["6"].get("origin")) == (
        "tm",
        str(math.floor(fuzzy)),
        "auto-propagated",
    )
    assert segs["6"].get("percent") is None and segs["6"].get("conf") == "Translated"
    # The first occurrence edited, the repetition kept: no longer propagated from it, it is the memory's match.
    work.confirm(3, "Breakfast is served from seven.")
    work.save()
    assert run_cli("finish", job_file, "-o", out).code == 0
    segs = _segs(out)
    assert segs["5"].get("origin") == "interactive"
    assert (segs["6"].get("origin"), segs["6"].get("percent"), segs["6"].get("origin-system")) == (
        "tm",
        str(math.floor(fuzzy)),
        "agency-memory",
    )


def statuses_and_rejections(path: Path) -> dict[str, tuple[Status, bool]]:
    """Each segment's status and rejection as read back, but for the locked one."""
    units = read_xliff(path)[0].units
    return {u.tuid: (u.status, u.rejected) for u in units if u.tuid and "_s" in u.tuid and u.tuid[-1] != "3"}


def test_a_match_trados_put_in_is_kept_as_the_previous_origin_of_a_pseudo_translation(tmp_path: Path) -> None:
    job_file = tmp_path / TRADOS.name
    shutil.copy2(TRADOS, job_file)
    out = tmp_path / "pseudo.sdlxliff"
    result = run_cli("finish", job_file, "--pseudo", "-o", out)
    assert result.code == 0, result.stderr
    segs = _segs(out)
    assert len(segs) == len(_segs(TRADOS)) == 19
    first = segs["1"]
    assert (first.get("conf"), first.get("origin")) == ("Draft", "interactive")
    (previous,) = first
    assert dict(previous.attrib) == {
        "origin": "tm",
        "origin-system": "English-German",
        "percent": "100",
        "text-match": "SourceAndTarget",
    }
    assert [(v.get("key"), v.text) for v in previous] == [("SDL:OriginalTranslationHash", "1688049973")]
    assert all(seg.get("conf") == "Draft" for seg in segs.values())
    assert _header(out) == _header(TRADOS)
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"  # (its byte order mark too)


def test_tmkit_makes_no_sdlxliff_of_its_own(tmp_path: Path) -> None:
    result = run_cli("convert", SAMPLES / "article.tmx", "-o", tmp_path / "article.sdlxliff")
    assert result.code == 2
    assert "tmkit writes XLIFF (.xlf, .xliff), not a new SDLXLIFF" in result.stderr
    assert not (tmp_path / "article.sdlxliff").exists()


@pytest.mark.parametrize(
    "path", [GUIDE, TRADOS, DATA / "vistatec-okapi-simpleTest15984.sdlxliff"], ids=lambda p: p.name
)
def test_sdlxliff_files_convert_to_tmx(path: Path, tmp_path: Path) -> None:
    result = run_cli("convert", path, "-o", tmp_path / "out.tmx")
    assert result.code == 0, result.stderr
    assert "wrote " in result.stderr


def test_analyze_and_pretranslate_take_the_languages_the_file_is_for(tmp_path: Path) -> None:
    """A PM's trial: `tmkit analyze` of Trados's English-to-German file said "en → ar", and `tmkit pretranslate` made
    an English-to-Arabic job of it, the file's German translation stored as Arabic, which `finish` then refused ("the
    file is for translation into de, and its working file into ar"). Both take the file's languages, as the editor's
    job does."""
    job_file = tmp_path / "ts.sdlxliff"
    shutil.copy2(TRADOS, job_file)
    (tmp_path / "en-de.tmx").write_text(
        tmx_doc(
            '<tu tuid="1"><tuv xml:lang="en"><seg>Connecting and turning on power</seg></tuv>'
            '<tuv xml:lang="de"><seg>Stromversorgung anschließen und einschalten</seg></tuv></tu>'
        ),
        encoding="utf-8",
    )
    analysis = run_cli("analyze", job_file, "--tm", tmp_path / "en-de.tmx", "--json")
    assert analysis.code == 0, analysis.stderr
    assert '"target_lang": "de"' in analysis.stdout
    work = tmp_path / "ts.sdlxliff.tmx"
    made = run_cli("pretranslate", job_file, "--tm", tmp_path / "en-de.tmx", "-o", work)
    assert made.code == 0, made.stderr
    languages = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in etree.parse(str(work)).iter("tuv")}
    assert languages == {"en", "de"}
    finished = run_cli("finish", job_file, "-o", tmp_path / "ts.de.sdlxliff")
    assert finished.code == 0, finished.stderr


def test_a_code_trados_moved_out_of_the_target_segment_is_not_written_twice(tmp_path: Path) -> None:
    """A PM's trial: Trados keeps a code that starts a segment out of the target's marker
    (`<target><x id="ph8"/><mrk mid="7"/></target>`, its seg-source has it inside); the translated file had it in the
    marker as well, two `x id="ph8"` in the target: the placeholder twice in the document Trados makes."""
    job_file = tmp_path / "ts.sdlxliff"
    shutil.copy2(TRADOS, job_file)
    out = tmp_path / "ts.de.sdlxliff"
    result = run_cli("finish", job_file, "--pseudo", "-o", out)
    assert result.code == 0, result.stderr
    x12 = "{urn:oasis:names:tc:xliff:document:1.2}"
    unit = next(
        u
        for u in etree.parse(str(out)).iter(f"{x12}trans-unit")
        if u.get("id") == "39ea2034-d742-4e74-a5c1-884c1e908393"
    )
    target = unit.find(f"{x12}target")
    assert [x.get("id") for x in target.iter(f"{x12}x")] == ["ph8"]  # once, where Trados put it
    (marker,) = target.iter(f"{x12}mrk")
    assert "".join(marker.itertext()).startswith("⟦Állów éñóúgh")
    # Every other unit's codes are in the target as many times as in its seg-source.
    for unit in etree.parse(str(out)).iter(f"{x12}trans-unit"):
        cut, target = unit.find(f"{x12}seg-source"), unit.find(f"{x12}target")
        if cut is not None and target is not None:
            assert sorted(x.get("id") for x in target.iter(f"{x12}x")) == sorted(
                x.get("id") for x in cut.iter(f"{x12}x")
            )


@pytest.mark.parametrize(
    "command",
    [["convert", "-o", "out.tmx"], ["analyze", "--tm", "memory.tmx"], ["finish", "--pseudo", "-o", "x.sdlxliff"]],
)
def test_an_sdl_seg_without_its_id_stops_with_its_line(tmp_path: Path, command: list[str]) -> None:
    """A PM's trial: an `sdl:seg` without its `id` was read as no level at all (Trados's RejectedTranslation segment
    came out translated), and `finish` added a second `sdl:seg` beside it. Which segment it describes cannot be told:
    every command stops in one line naming it."""
    text = GUIDE.read_text(encoding="utf-8").replace(
        '<sdl:seg id="4" conf="RejectedTranslation"', '<sdl:seg conf="RejectedTranslation"'
    )
    job_file = tmp_path / "guide.sdlxliff"
    job_file.write_text(text, encoding="utf-8")
    shutil.copy2(SAMPLES / "news-memory.tmx", tmp_path / "memory.tmx")
    name, *rest = command
    result = run_cli(name, job_file, *rest, cwd=tmp_path)
    assert result.code == 2, result.stderr
    assert f"{job_file}:6: an sdl:seg without its id" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_a_utf16_file_comes_back_in_utf8_with_its_declaration_and_a_byte_order_mark(tmp_path: Path, codec: str) -> None:
    """A PM's trial: a UTF-16 SDLXLIFF came back from `finish` in UTF-8 without its XML declaration and without a byte
    order mark (the declaration was looked for in the bytes as UTF-8). It is written in UTF-8 as before, now as
    Trados writes its own files: the declaration, saying UTF-8, after a byte order mark."""
    text = GUIDE.read_text(encoding="utf-8").replace('encoding="utf-8"', 'encoding="utf-16"')
    job_file = tmp_path / "guide.sdlxliff"
    job_file.write_bytes((b"\xfe\xff" if codec == "utf-16-be" else b"") + text.encode(codec))
    out = tmp_path / "guide.en.sdlxliff"
    result = run_cli("finish", job_file, "--pseudo", "-o", out)
    assert result.code == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?>"), data[:80]
    assert etree.parse(str(out)).docinfo.encoding == "UTF-8"
    assert _header(out) == _header(job_file)


def test_an_analysis_names_the_segments_trados_locked(tmp_path: Path) -> None:
    """A PM's trial: `tmkit analyze` of an SDLXLIFF left its locked segments out without a word (Trados's own
    analysis has a "Locked" row), so its total was taken for the file's; a file of locked segments only was "the
    document has no text to translate". Both now say how many are locked."""
    memory = tmp_path / "memory.tmx"
    shutil.copy2(SAMPLES / "news-memory.tmx", memory)
    result = run_cli("analyze", GUIDE, "--tm", memory)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "not counted: 1 segment(s) locked in Trados (3 words ar)"
    data = json.loads(run_cli("analyze", GUIDE, "--tm", memory, "--json").stdout)
    assert data["locked"] == {"segments": 1, "source_words": 3} and data["total"]["segments"] == 5
    text = GUIDE.read_text(encoding="utf-8")
    for seg in ('<sdl:seg id="1"', '<sdl:seg id="2"', '<sdl:seg id="4"', '<sdl:seg id="5"', '<sdl:seg id="6"'):
        text = text.replace(seg, seg + ' locked="true"')
    locked_only = tmp_path / "locked.sdlxliff"
    locked_only.write_text(text, encoding="utf-8")
    result = run_cli("analyze", locked_only, "--tm", memory)
    assert result.code == 2
    assert "no text to translate: its 6 segment(s) with text are locked in Trados" in result.stderr


def test_trados_tracked_changes_are_read_as_accepted(tmp_path: Path) -> None:
    """A PM's trial: a segment a reviewer corrected in Trados with track changes on
    (`<mrk mtype="x-sdl-deleted">traveller's</mrk><mrk mtype="x-sdl-added">travellers'</mrk>`) was read with both
    texts, "Welcome to the traveller'stravellers' guide.", in the editor, `convert`'s memory and `qa` (a spelling
    error). The deletion is no longer the translation and the insertion is: read as Trados shows the changes
    accepted; a segment left as it was keeps them in the file for Trados."""
    tracked = (
        '<mrk mtype="x-sdl-deleted" sdl:revid="r1">traveller\'s</mrk>'
        '<mrk mtype="x-sdl-added" sdl:revid="r2">travellers\'</mrk>'
    )
    text = GUIDE.read_text(encoding="utf-8").replace(
        "Welcome to the traveller's guide.", f"Welcome to the {tracked} guide."
    )
    assert tracked in text
    job_file = tmp_path / "guide.sdlxliff"
    job_file.write_text(text, encoding="utf-8")
    memory, _, _ = read_xliff(job_file)
    unit = next(u for u in memory.units if u.tuid == "a0e1f7c2-0002_s1")
    assert unit.variant("en-US").text == "Welcome to the travellers' guide."  # type: ignore[union-attr]
    work = WorkFile(prepare_job(job_file, [], target_lang="en").path)
    assert work.rows[0].target_text == "Welcome to the travellers' guide."
    work.confirm(3, "Breakfast is from seven.")
    work.save()
    out = tmp_path / "guide.en.sdlxliff"
    assert run_cli("finish", job_file, "-o", out).code == 0
    assert tracked in out.read_text(encoding="utf-8")  # not changed here: Trados's changes as they were


def test_stats_counts_an_sdlxliff_as_convert_reads_it() -> None:
    """The PM trial: `tmkit stats X.sdlxliff` said "not a TMX document"; it counts the units convert reads."""
    result = run_cli("stats", GUIDE)
    assert result.code == 0, result.stderr
    assert "statuses:  new 5, draft 1, translated 1, reviewed 0, final 1; rejected 1" in result.stdout
    assert "source:    ar-SA" in result.stdout


def test_a_memory_named_with_a_hash_keeps_its_name_in_the_record() -> None:
    """A match's origin is its memory, then `#` and the unit's tuid: a `#` in the memory's name had cut it there."""
    unit = TranslationUnit([Variant("ar", Segment.from_text("نص")), Variant("en", Segment.from_text("Text"))])
    unit.props = [
        Prop(MATCH_PROP, "88.6"),
        Prop(ORIGIN_PROP, "memories/TM#2.tmx#u7"),
        Prop(PRETRANSLATION_MATCH_PROP, "88.6 memories/TM#2.tmx#u7"),
    ]
    record = translation_record(unit)
    assert record is not None and (record.match, record.memory, record.repetition) == (88.6, "TM#2", False)


def test_require_all_refuses_a_unit_rejected_while_translated(tmp_path: Path) -> None:
    """A TMX may mark a translated unit rejected: --require-all let it through into an XLIFF once rejected
    translations were written there."""
    job_file = tmp_path / GUIDE.name
    shutil.copy2(GUIDE, job_file)
    work = WorkFile(prepare_job(job_file, [], target_lang="en").path)
    for row in range(len(work.rows)):
        work.apply(row, text=f"Translation {row}.", status=Status.TRANSLATED, rejected=False)
    work.save()
    memory = load_tmx(work.path)
    memory.units[0].rejected = True  # rejected, its status left translated
    write_tmx(work.path, memory)
    refused = run_cli("finish", job_file, "-o", tmp_path / "out.sdlxliff", "--require-all")
    assert refused.code == 1 and "(segment 1; 1 of them rejected)" in refused.stderr
    assert not (tmp_path / "out.sdlxliff").exists()
