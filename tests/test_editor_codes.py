"""The editor keeps inline codes: placeholders in the target editor, mapped back on commit, or refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import make_app, run_async, settle, target
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_validate import validate_tmx
from tmkit.memory.model import Status
from tmkit.tui.widgets.panels import StatusBar

# Editing sessions through Textual's Pilot: `-m "not slow"` leaves them out.
pytestmark = pytest.mark.slow

HEADLINE = "{1}President al-Assad receives Russian Deputy Prime Minister Yury Borisov{/1}"


@run_async
async def test_edited_target_keeps_its_codes(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.editor_screen.go_to(0)  # the bold headline
        await settle(app, pilot)
        assert target(app).text.startswith("{1}President al-Assad receives") and target(app).text.endswith("{/1}")
        target(app).load_text("")
        await pilot.press(*HEADLINE)
        await pilot.press("alt+a")  # approve
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    seg = load_tmx(work / "article.tmx").units[0].variant("en").segment  # type: ignore[union-attr]
    assert [c.tag for c in seg.codes()] == ["bpt", "ept"] and seg.codes()[0].content == ("<b>",)
    assert seg.plain == "President al-Assad receives Russian Deputy Prime Minister Yury Borisov"
    assert [p for p in validate_tmx(work / "article.tmx") if p.severity.value == "error"] == []


@run_async
async def test_unmappable_placeholders_stay_unconfirmed_and_codes_are_kept(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.editor_screen.go_to(0)
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"{1}Assad receives Borisov")  # the closing {/1} is gone
        await pilot.press("f2")
        await settle(app, pilot)
        assert app.editor_screen.current == 0  # not confirmed: still here
        assert app.document is not None
        assert app.document.rows[0].status is Status.DRAFT and not app.document.rows[0].confirmed
        note = str(app.query_one(StatusBar).render())
        assert "draft" in str(app.query_one("#target").border_title)
        assert "segment 1" in note and "{/1}" in note
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert target(app).text == "{1}Assad receives Borisov"  # the typing is not thrown away
        target(app).load_text("{1}Assad receives Borisov{/1}")  # fixed: the note goes
        await pilot.press("f2")
        await settle(app, pilot)
        assert app.editor_screen.status_note == "" and app.document.rows[0].confirmed
    saved = load_tmx(work / "article.tmx").units[0]
    seg = saved.variant("en").segment  # type: ignore[union-attr]
    # Saved while broken: the previous text with both codes, unconfirmed.
    assert [c.tag for c in seg.codes()] == ["bpt", "ept"] and seg.plain.startswith("President al-Assad")
    assert saved.status is Status.DRAFT
    assert [p for p in validate_tmx(work / "article.tmx") if p.severity.value == "error"] == []
