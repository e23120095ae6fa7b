"""The editor's keys for the core's conflicts and QA: Alt+T keeps their version of a merge conflict, a confirm that
QA finds wrong (a changed number) needs a second confirm."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import make_app, run_async, settle, target
from tests.test_workfile_conflicts import CHANGED, _marked, _merged
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.config import QaOnConfirm


@run_async
async def test_alt_t_keeps_their_version_and_the_file_saves_valid(work: Path) -> None:
    path = _merged(work / "article.tmx")
    app = make_app(work, ask_recovery=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.document is not None and len(app.document) == 30
        app.go_to(CHANGED)
        await pilot.pause()
        assert "CONFLICT" in str(app.query_one("#target").border_title)
        await pilot.press("alt+t")
        await pilot.pause()
        assert target(app).text == "Their translation."
        await pilot.press("ctrl+s")
        await pilot.pause()
    units = load_tmx(path).units
    assert len(units) == 30 and _marked(path) == 0
    kept = units[CHANGED].variant("en")
    assert kept is not None and kept.text == "Their translation."


@run_async
async def test_a_changed_number_needs_a_second_confirm(work: Path) -> None:
    app = make_app(work, ask_recovery=False, qa_on_confirm=QaOnConfirm.ERROR)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        document = app.document
        assert document is not None
        row = next(i for i, r in enumerate(document.rows) if "2021" in r.target_text)
        app.go_to(row)
        await pilot.pause()
        wrong = document.rows[row].edit_text.replace("2021", "2012")
        target(app).load_text(wrong)
        await pilot.press("f2")
        await pilot.pause()
        # Stopped: not confirmed with that text (the pause may commit it as a draft), the translator still on it.
        r = document.rows[row]
        assert app.current == row and target(app).text == wrong and not (r.confirmed and r.edit_text == wrong)
        await pilot.press("f2")
        await pilot.pause()
        assert document.rows[row].edit_text == wrong and document.rows[row].confirmed and app.current != row
