"""`tmkit edit DOCUMENT.txt`: a text document becomes a pre-translated working TMX that the editor opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_async, run_cli, settle, target
from tmkit.cli import build_parser
from tmkit.cli.edit_command import options_from_args
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_validate import validate_tmx
from tmkit.jobs.pretranslate import MATCH_PROP, ORIGIN_PROP
from tmkit.jobs.workfile import job_path, prepare_job
from tmkit.memory.model import Status
from tmkit.tui.app import EditorApp


def test_prepare_job_segments_and_pretranslates_beside_the_document(work: Path) -> None:
    job = prepare_job(work / "article.ar.txt", [work / "article.tmx"])
    assert job.path == work / "article.ar.tmx" == job_path(work / "article.ar.txt")
    assert job.created and (job.source_lang, job.target_lang) == ("ar", "en")
    memory = load_tmx(job.path)
    assert len(memory) == job.segments == 30
    drafts = [u for u in memory.units if u.status is Status.DRAFT]
    assert len(drafts) == job.drafts == 30  # every sentence is in the reference memory: 100% matches
    props = {p.type: p.value for p in drafts[0].props}
    assert float(props[MATCH_PROP]) >= 95 and props[ORIGIN_PROP].startswith("article.tmx")
    # A second start opens the translator's work instead of overwriting it.
    job.path.write_bytes(job.path.read_bytes().replace(b"draft", b"translated"))
    again = prepare_job(work / "article.ar.txt", [work / "article.tmx"])
    assert not again.created and "opened the existing" in again.describe(work / "article.ar.txt")
    assert b"draft" not in job.path.read_bytes()


def test_bad_document_is_one_line_and_exit_2(work: Path) -> None:
    (work / "bad.txt").write_bytes(b"\xff\xfe\x00\x00\x81 broken")
    bad = work / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    result = run_cli("edit", bad, "--tm", work / "news-memory.tmx")
    assert result.code == 2
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "latin1.txt" in err and "UTF-8" in err
    assert not (work / "latin1.tmx").exists()
    assert run_cli("edit", work / "article.ar.txt", "-o", work / "job.xlf").code == 2


@pytest.mark.slow
@run_async
async def test_edit_a_text_document_confirm_and_save(work: Path) -> None:
    args = build_parser().parse_args(
        [
            "edit",
            str(work / "article.ar.txt"),
            "--tm",
            str(work / "news-memory.tmx"),
            "--ref",
            str(work / "article.tmx"),
            "--bidi",
            "app",
        ]
    )
    options = options_from_args(args)
    options.ask_recovery = False
    assert options.path == work / "article.ar.tmx" and options.greeting
    pre = load_tmx(options.path)
    first_new = next(i for i, u in enumerate(pre.units) if u.status is Status.NEW)
    app = EditorApp(options)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.editor_screen.current == first_new  # the first unconfirmed segment
        assert app.editor_screen.references[first_new]  # the reference found by source text, not by tuid
        target(app).load_text("")
        await pilot.press(*"Translated here.")
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = load_tmx(work / "article.ar.tmx")
    unit = saved.units[first_new]
    assert unit.variant("en").text == "Translated here."  # type: ignore[union-attr]
    assert unit.status is Status.TRANSLATED
    assert [u.variant("ar").text for u in saved.units] == [u.variant("ar").text for u in pre.units]  # type: ignore[union-attr]
    assert [p for p in validate_tmx(work / "article.ar.tmx") if p.severity.value == "error"] == []
