"""The finish key: the editor saves and writes the translated document beside its source, through `tmkit finish`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton

from tests.helpers import SAMPLES, run_async, settle, target
from tmkit.cli import build_parser
from tmkit.cli.edit_command import options_from_args
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.finish import default_output
from tmkit.jobs.source_text import read_source_document
from tmkit.memory.model import Status
from tmkit.tui.app import EditorApp
from tmkit.tui.finishing import FinishScreen, guess_document
from tmkit.tui.keymap import preset_keymap

TRANSLATION = "Typed in the editor and confirmed."


def test_the_translated_document_is_named_after_its_source_and_language(tmp_path: Path) -> None:
    assert default_output(tmp_path / "article.docx", "en") == tmp_path / "article.en.docx"
    # The source's language tag stays: samples/article.en.txt (the reference) is never the default target.
    assert default_output(tmp_path / "article.ar.txt", "en-GB") == tmp_path / "article.ar.en.txt"
    assert default_output(tmp_path / "notes", "ar") == tmp_path / "notes.ar.txt"
    # A working TMX opened by itself finds its document by the name `tmkit edit` gave it.
    (tmp_path / "report.docx").write_bytes(b"")
    (tmp_path / "article.ar.txt").write_text("نص\n", encoding="utf-8")
    assert guess_document(tmp_path / "report.docx.tmx") == tmp_path / "report.docx"
    assert guess_document(tmp_path / "article.ar.tmx") == tmp_path / "article.ar.txt"
    assert guess_document(tmp_path / "article.tmx") is None  # a memory beside article.docx is not its job


def test_the_finish_key_is_in_every_keymap_and_arrives_from_every_terminal() -> None:
    assert preset_keymap().keys["finish"][0] == "alt+d"  # ESC d
    assert preset_keymap("omegat").label("finish") == "Ctrl+D"  # OmegaT's Create Translated Documents
    assert preset_keymap("memoq").label("finish") == "Alt+D"


def _options(work: Path, document: str) -> EditorApp:
    shutil.copy2(SAMPLES / document, work / document)
    shutil.copy2(SAMPLES / "earlier-visits.tmx", work / "earlier-visits.tmx")
    args = build_parser().parse_args(["edit", str(work / document), "--tm", str(work / "earlier-visits.tmx")])
    options = options_from_args(args)
    options.ask_recovery = False
    return EditorApp(options)


async def _finish_dialog(app: EditorApp, pilot: Pilot[None]) -> FinishScreen:
    await pilot.press("alt+d")
    await settle(app, pilot)
    assert isinstance(app.screen, FinishScreen)
    return app.screen


def _docx_text(path: Path) -> str:
    return read_source_document(path).text()


@pytest.mark.slow
@run_async
async def test_alt_d_saves_and_writes_the_docx_beside_its_source(work: Path) -> None:
    app = _options(work, "article.docx")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        row = app.editor_screen.current
        source = app.editor_screen.document.rows[row].source_text
        target(app).load_text("")
        await pilot.press(*TRANSLATION)  # typed, then the key at once: the typing goes in first
        await pilot.press("f2")
        dialog = await _finish_dialog(app, pilot)
        output = dialog.query_one("#finish-output", Input)
        assert output.value == str(work / "article.en.docx")
        assert dialog.query_one("#finish-document", Input).value == str(work / "article.docx")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, FinishScreen)
        shown = [n.message for n in app._notifications]
        assert any(f"wrote {work / 'article.en.docx'}" in m and "segment(s) translated" in m for m in shown), shown
        assert not app.editor_screen.document.dirty
    written = _docx_text(work / "article.en.docx")
    assert TRANSLATION in written and source not in written
    saved = load_tmx(work / "article.docx.tmx").units[row]
    assert saved.status is Status.TRANSLATED and TRANSLATION in saved.variant("en").text  # type: ignore[union-attr]


@pytest.mark.slow
@run_async
async def test_confirmed_only_keeps_the_drafts_source_and_a_changed_path_is_used(work: Path) -> None:
    app = _options(work, "article.docx")
    async with app.run_test(size=(80, 24)) as pilot:  # the dialog fits the smallest screen
        await settle(app, pilot)
        rows = app.editor_screen.document.rows
        draft = next(r for r in rows if r.unit.status is Status.DRAFT)
        draft_target = draft.target_text
        assert draft_target
        dialog = await _finish_dialog(app, pilot)
        dialog.query_one("#finish-output", Input).value = str(work / "out" / "mine.docx")
        (work / "out").mkdir()
        dialog.query_one("#confirmed-only", RadioButton).value = True
        box = dialog.query_one("#finish-dialog").region
        assert box.x >= 0 and box.right <= 80 and dialog.query_one("#write").region.bottom <= 24
        await pilot.click("#write")
        await settle(app, pilot)
    written = _docx_text(work / "out" / "mine.docx")
    assert draft_target not in written and draft.source_text in written
    assert not (work / "article.en.docx").exists()


@pytest.mark.slow
@run_async
async def test_a_target_that_cannot_be_written_is_one_line_and_the_work_is_kept(work: Path) -> None:
    app = _options(work, "article.docx")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*TRANSLATION)
        dialog = await _finish_dialog(app, pilot)
        dialog.query_one("#finish-output", Input).value = str(work / "article.en.html")  # DOCX in, HTML out
        await pilot.press("enter")
        await settle(app, pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "not written" in errors[0] and "name it .docx" in errors[0], errors
        assert "\n" not in errors[0] and "Traceback" not in errors[0]
        assert app.screen is app.editor_screen  # the editor goes on
    assert not (work / "article.en.html").exists()
    assert any(
        TRANSLATION in (u.variant("en").text if u.variant("en") else "")
        for u in load_tmx(work / "article.docx.tmx").units
    )


@pytest.mark.slow
@run_async
async def test_a_working_tmx_without_its_document_asks_for_it(work: Path) -> None:
    shutil.copy2(SAMPLES / "article.ar.txt", work / "elsewhere.txt")
    app = EditorApp(options_from_args(build_parser().parse_args(["edit", str(work / "article.tmx")])))
    app.options.ask_recovery = False
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        dialog = await _finish_dialog(app, pilot)
        assert dialog.query_one("#finish-document", Input).value == ""
        await pilot.press("enter")  # nothing named: the dialog stays and says so
        await settle(app, pilot)
        assert isinstance(app.screen, FinishScreen)
        dialog.query_one("#finish-document", Input).value = str(work / "elsewhere.txt")
        await settle(app, pilot)
        assert dialog.query_one("#finish-output", Input).value == str(work / "elsewhere.en.txt")
        dialog.query_one("#finish-output", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
    written = (work / "elsewhere.en.txt").read_text(encoding="utf-8")
    assert "President al-Assad" in written  # the sample TMX's translations, in the text's lines


@pytest.mark.parametrize(
    ("document", "kept_as"),
    [("article.docx", "left in the source language"), ("brochure.xlf", "written marked rejected")],
)
@run_async
async def test_the_finish_dialog_counts_a_rejected_draft_apart(work: Path, document: str, kept_as: str) -> None:
    """The dialog counted a rejected draft among the drafts (19), the result among the segments kept in the source
    language (18 drafts): both now say it apart, as what it is, a translation not written into the document; into an
    XLIFF, written marked rejected, for the agency's tool."""
    app = _options(work, document)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        document = app.editor_screen.document
        if not any(row.status is Status.DRAFT for row in document.rows):  # (the brochure has no match: one typed)
            app.editor_screen.go_to(0)
            await settle(app, pilot)
            await pilot.press(*"Visit")
            await settle(app, pilot)
            app.editor_screen.go_to(1)
            await settle(app, pilot)
        drafts = sum(row.status is Status.DRAFT and not row.unit.rejected for row in document.rows)
        app.editor_screen.go_to(next(i for i, row in enumerate(document.rows) if row.status is Status.DRAFT))
        await settle(app, pilot)
        app.editor_screen.action_reject()  # as its key does (the reviewer's): asked why, Enter rejects
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert document.rows[app.editor_screen.current].unit.rejected
        dialog = await _finish_dialog(app, pilot)
        assert f"{drafts - 1} draft(s), 1 rejected ({kept_as})," in dialog.summary, dialog.summary
        await pilot.press("escape")
