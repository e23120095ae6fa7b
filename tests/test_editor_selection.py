"""A part of a match selected with the mouse in the matches panel is what F7 inserts (English and Arabic), and keys
typed right after Tab land where the focus went."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from textual.events import Key
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from tests.helpers import make_app, run_async, settle, target
from tmkit.tui.app import EditorApp
from tmkit.tui.display import BidiMode

#: The segment with two 77% matches in the news memory (Arabic source, English matches).
SEGMENT = 13


def shown(widget: Widget) -> list[str]:
    """The lines a widget paints, as text (what the translator sees in it)."""
    region = Region(0, 0, widget.outer_size.width, widget.outer_size.height)
    return [strip.text for strip in widget.render_lines(region)]


async def _drag(pilot: Pilot[None], widget: Widget, y: int, start: int, end: int) -> None:
    """Select cells ``start``…``end`` of line ``y`` of ``widget`` with the mouse, as a translator drags over them."""
    await pilot.mouse_down(widget, offset=(start, y))
    await pilot.hover(widget, offset=(end, y))
    await pilot.mouse_up(widget, offset=(end, y))
    await pilot.pause()


async def _at_segment(app: EditorApp, pilot: Pilot[None]) -> Widget:
    await settle(app, pilot)
    app.editor_screen.go_to(SEGMENT)
    await settle(app, pilot)
    return app.editor_screen.matches_panel


@run_async
async def test_f7_inserts_the_part_of_an_english_match_selected_with_the_mouse(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        panel = await _at_segment(app, pilot)
        match = app.editor_screen.matches[SEGMENT][0].target.plain
        lines = shown(panel)
        y = next(i for i, line in enumerate(lines) if match[:30] in line)
        x = lines[y].index("sides exchanged")
        target(app).load_text("Both ")
        target(app).move_cursor((0, 5))
        await _drag(pilot, panel, y, x, x + len("sides exchanged"))
        assert app.focused is target(app)  # the drag chose words; the keys stay with the target
        await pilot.press("f7")
        await settle(app, pilot)
        assert target(app).text == "Both sides exchanged"  # the part, not the whole match
        await pilot.click(target(app))  # a click elsewhere ends the selection
        target(app).load_text("")
        await pilot.press("f7")
        await settle(app, pilot)
        assert target(app).text == match  # nothing selected: the whole match


@run_async
async def test_f7_inserts_the_part_of_an_arabic_match_selected_on_screen_in_logical_order(work: Path) -> None:
    """An Arabic match is shown shaped and right to left (app mode): what the mouse selects is presentation forms in
    visual order, and what goes into the target is the same words as stored."""
    app = make_app(work, source_lang="en", target_lang="ar", bidi=BidiMode.APP)
    async with app.run_test(size=(160, 45)) as pilot:
        panel = await _at_segment(app, pilot)
        found = app.editor_screen.matches[SEGMENT]
        assert found, "the English segment has Arabic matches"
        match = found[0].target.plain
        lines = shown(panel)
        words = match.split()
        # The line showing the match: its words shaped (NFKC undoes the shaping), right to left.
        y = next(i for i, line in enumerate(lines) if words[1][::-1] in unicodedata.normalize("NFKC", line))
        line = lines[y]
        visual = line.rstrip()
        # Two whole words in the middle of the line, as the eye sees them: cells between the 2nd and 4th spaces.
        spaces = [i for i, c in enumerate(visual) if c == " " and i > len(visual) - len(visual.lstrip()) + 1]
        start, end = spaces[1] + 1, spaces[3]
        selected_on_screen = visual[start:end]
        expected = unicodedata.normalize("NFKC", selected_on_screen)[::-1]  # logical order, unshaped
        assert expected in match and len(expected.split()) == 2
        target(app).load_text("")
        await _drag(pilot, panel, y, start, end)
        await pilot.press("f7")
        await settle(app, pilot)
        assert target(app).text == expected


@run_async
async def test_keys_typed_right_after_tab_land_where_the_focus_went(work: Path) -> None:
    """Tab in the target moves on to a panel that takes no typing, so the letters after it stay in the target; from
    the segment list, Shift+Tab goes back to the search box, and the letters typed after it in the same burst are
    the search (they reached the App before the focus had moved, and were sent to the target)."""
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        editor = target(app)
        editor.load_text("")
        for key in ["tab", "a", "b"]:
            app.post_message(Key(key, key if len(key) == 1 else None))
        await settle(app, pilot)
        assert editor.text == "ab"
        assert app.focused is editor  # the letters brought the keys back to the target
        app.editor_screen.set_focus(app.editor_screen.segment_list)
        await pilot.pause()
        for key in ["shift+tab", "x", "y"]:
            app.post_message(Key(key, key if len(key) == 1 else None))
        await settle(app, pilot)
        search = app.query_one("#search", Input)
        assert search.value == "xy" and app.focused is search
        assert editor.text == "ab"
