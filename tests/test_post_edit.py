"""Post-edit analysis: a job's confirmed segments by how much of their pre-translation the translator kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.post_edit import NOT_PRETRANSLATED, edit_effort, kept_band, post_edit_analysis
from tmkit.memory.model import PRETRANSLATION_PROP, Header, Memory, Prop, Segment, Status, TranslationUnit, Variant

PRE = "The two sides exchanged views on issues of mutual interest."


def _unit(source: str, target: str, status: Status, before: str | None, *, rejected: bool = False) -> TranslationUnit:
    unit = TranslationUnit(
        [Variant("ar", Segment.from_text(source)), Variant("en", Segment.from_text(target))], status=status
    )
    unit.rejected = rejected
    if before is not None:
        unit.props = [Prop(PRETRANSLATION_PROP, before)]
    return unit


def _job() -> Memory:
    return Memory(
        Header(srclang="ar"),
        [
            _unit("تبادل الجانبان وجهات النظر.", PRE, Status.TRANSLATED, PRE),  # kept whole
            _unit("تبادل الجانبان الآراء.", PRE.replace("views", "opinions"), Status.REVIEWED, PRE),  # one word
            _unit("وصل الوفد أمس.", "The delegation arrived yesterday.", Status.FINAL, PRE),  # rewritten
            _unit("شكرا.", "Thank you.", Status.TRANSLATED, None),  # no pre-translation
            _unit("مسودة.", PRE, Status.DRAFT, PRE),  # not confirmed
            _unit("مرفوضة.", PRE, Status.DRAFT, PRE, rejected=True),  # rejected
        ],
    )


@pytest.mark.parametrize(
    ("kept", "band"),
    [
        (100.0, "100%"),
        (99.9, "95-99%"),
        (95.0, "95-99%"),
        (94.99, "85-94%"),
        (85.0, "85-94%"),
        (75.0, "75-84%"),
        (74.9, "50-74%"),
        (50.0, "50-74%"),
        (49.9, "under 50%"),
        (0.0, "under 50%"),
        (None, NOT_PRETRANSLATED),
    ],
)
def test_band_edges(kept: float | None, band: str) -> None:
    assert kept_band(kept) == band


def test_each_confirmed_segment_is_counted_in_the_band_of_what_it_kept() -> None:
    bands, unconfirmed = post_edit_analysis(_job().units, source_lang="ar", target_lang="en")
    table = {b.band: (b.segments, b.source_words, None if b.kept is None else round(b.kept, 1)) for b in bands}
    one_word = round(100 - edit_effort(PRE, PRE.replace("views", "opinions")), 1)
    rewritten = round(100 - edit_effort(PRE, "The delegation arrived yesterday."), 1)
    assert 85 <= one_word < 95 and rewritten < 50
    assert table == {
        "100%": (1, 4, 100.0),
        "95-99%": (0, 0, None),
        "85-94%": (1, 3, one_word),
        "75-84%": (0, 0, None),
        "50-74%": (0, 0, None),
        "under 50%": (1, 3, rewritten),
        NOT_PRETRANSLATED: (1, 1, None),
    }
    assert unconfirmed == 2  # the draft and the rejected one


def test_the_command_reads_the_job_beside_a_document_and_prints_json(tmp_path: Path) -> None:
    (tmp_path / "doc.ar.txt").write_text("نص.\n", encoding="utf-8")
    write_tmx(tmp_path / "doc.ar.tmx", _job())
    result = run_cli("analyze", tmp_path / "doc.ar.txt", "--post-edit")
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("doc.ar.tmx: ar → en, confirmed segments by the share of their pre-translation kept")
    assert lines[2].split() == ["100%", "1", "4", "36.4%", "100.0%"]
    assert lines[-1] == "not counted: 2 segment(s) not confirmed yet (new, draft or rejected)"
    data = json.loads(run_cli("analyze", tmp_path / "doc.ar.tmx", "--post-edit", "--json").stdout)
    assert [(b["band"], b["segments"]) for b in data["bands"]][-1] == (NOT_PRETRANSLATED, 1)
    assert data["not_confirmed"] == 2
    # The confirmed segments' total, as `analyze --json` has it (a billing script summed the bands itself).
    assert data["total"] == {"segments": 4, "source_words": 11}


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    result = run_cli("analyze", tmp_path / "none.ar.txt", "--post-edit")
    assert result.code == 2 and "no working file" in result.stderr and len(result.stderr.splitlines()) == 1
    write_tmx(tmp_path / "job.tmx", _job())
    result = run_cli("analyze", tmp_path / "job.tmx", "--post-edit", "--tm", tmp_path / "job.tmx")
    assert result.code == 2 and "no --tm" in result.stderr


def test_a_project_has_each_started_document_and_its_total(tmp_path: Path) -> None:
    """A PM's trial: `tmkit analyze PROJECT --post-edit` said "no working file PROJECT.tmx", while `analyze PROJECT`
    works on the project: the jobs are in work/. Each started document now has its table, the project its total, and
    the documents not started are named."""
    project = tmp_path / "proj"
    assert run_cli("init", project, "--src", "ar", "--tgt", "en").code == 0
    for name in ("a.ar.txt", "b.ar.txt", "c.ar.txt"):
        (project / "source" / name).write_text("نص.\n", encoding="utf-8")
    write_tmx(project / "work" / "a.ar.tmx", _job())
    write_tmx(project / "work" / "b.ar.tmx", _job())
    result = run_cli("analyze", project, "--post-edit")
    assert result.code == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0].endswith("proj: ar → en, confirmed segments by the share of their pre-translation kept")
    total = out[out.index("project total") + 2]
    assert total.split() == ["100%", "2", "8", "36.4%", "100.0%"]
    assert out[-1] == "not started (no working file in work/): c.ar.txt"
    data = json.loads(run_cli("analyze", project, "--post-edit", "--json").stdout)
    assert [f["document"] for f in data["files"]] == ["a.ar.txt", "b.ar.txt"]
    assert data["total"]["not_confirmed"] == 4 and data["not_started"] == ["c.ar.txt"]
    one_word = next(b for b in data["total"]["bands"] if b["band"] == "85-94%")
    assert (one_word["segments"], one_word["source_words"]) == (2, 6)


def test_a_projects_document_is_analyzed_from_its_job_in_work(tmp_path: Path) -> None:
    """`tmkit analyze PROJECT/source/DOC --post-edit` looked beside the document for its job ("no working file"),
    where a project keeps it in work/."""
    project = tmp_path / "proj"
    assert run_cli("init", project, "--src", "ar", "--tgt", "en").code == 0
    document = project / "source" / "a.ar.txt"
    document.write_text("نص.\n", encoding="utf-8")
    write_tmx(project / "work" / "a.ar.tmx", _job())
    result = run_cli("analyze", document, "--post-edit", "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert Path(data["job"]) == (project / "work" / "a.ar.tmx").resolve()
    direct = json.loads(run_cli("analyze", project / "work" / "a.ar.tmx", "--post-edit", "--json").stdout)
    assert data["bands"] == direct["bands"] and data["total"]["segments"] > 0
    (project / "work" / "a.ar.tmx").unlink()
    missing = run_cli("analyze", document, "--post-edit")
    assert missing.code != 0 and "work/a.ar.tmx" in missing.stderr


def test_a_document_linked_into_a_projects_source_is_found_there(tmp_path: Path) -> None:
    """A document kept elsewhere and linked into source/: its job is the project's, not looked for where the link
    leads."""
    project = tmp_path / "proj"
    assert run_cli("init", project, "--src", "ar", "--tgt", "en").code == 0
    elsewhere = tmp_path / "shared" / "a.ar.txt"
    elsewhere.parent.mkdir()
    elsewhere.write_text("نص.\n", encoding="utf-8")
    (project / "source" / "a.ar.txt").symlink_to(elsewhere)
    write_tmx(project / "work" / "a.ar.tmx", _job())
    result = run_cli("analyze", project / "source" / "a.ar.txt", "--post-edit", "--json")
    assert result.code == 0, result.stderr
    assert Path(json.loads(result.stdout)["job"]).parts[-2:] == ("work", "a.ar.tmx")


def test_a_loop_of_links_is_no_working_file_not_an_internal_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    result = run_cli("analyze", tmp_path / "a.txt", "--post-edit")
    assert result.code == 2 and "no working file" in result.stderr and "internal error" not in result.stderr
