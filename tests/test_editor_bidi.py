"""The Arabic target editor in app mode: logical buffer, visual line, cursor through the map (Pilot)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import run_async, settle
from tmkit.formats.tmx_reader import load_tmx
from tmkit.tui.app import EditorApp, EditorOptions
from tmkit.tui.display import BidiMode
from tmkit.tui.editor_line import editor_line
from tmkit.tui.widgets.bidi_editor import BidiTextArea

# Editing sessions through Textual's Pilot: `-m "not slow"` leaves them out.
pytestmark = pytest.mark.slow


def english_to_arabic(work: Path, mode: BidiMode = BidiMode.APP) -> EditorApp:
    return EditorApp(
        EditorOptions(
            path=work / "article.tmx",
            memories=[work / "news-memory.tmx"],
            source_lang="en",
            target_lang="ar",
            bidi=mode,
            ask_recovery=False,
        )
    )


@run_async
async def test_arabic_typed_in_app_mode_is_saved_logical_and_painted_visual(work: Path) -> None:
    app = english_to_arabic(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        editor = app.query_one("#target", BidiTextArea)
        row = app.editor_screen.current
        assert row is not None
        editor.load_text("")
        await pilot.press(*"سلام (1)")
        await pilot.pause()
        assert editor.text == "سلام (1)"  # the buffer is logical
        width = editor.scrollable_content_region.width
        expected = editor_line("سلام (1)", rtl=True, width=width)
        shown = editor.visual_row(0)
        assert shown is not None
        cells, cursor = shown
        assert cells.rstrip() == " " * expected.offset + "(1) \ufee1\ufefc\ufeb3"  # shaped, reordered, right-aligned
        assert cursor == expected.end_cell  # the cursor after the last character: left of the line
        # What is painted is the visual line, and the cursor cell is the mapped one.
        painted = editor.render_line(0)
        assert painted.text.rstrip().endswith("(1) \ufee1\ufefc\ufeb3")
        assert app.cursor_position.x == editor.content_region.x + cursor
        await pilot.press("home")  # logical start: the rightmost cell of an RTL line
        assert editor.cursor_location == (0, 0)
        assert editor.visual_row(0) == (cells, expected.cursor_cell(0))
        await pilot.press("left", "left")  # visual moves: ← goes on in reading order, over the lam-alef
        assert editor.cursor_location == (0, 3)
        await pilot.press("right")
        assert editor.cursor_location == (0, 1)
        await pilot.press("end", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("ي", "ا")
        assert editor.text == "سلامًا"[:4] + "يا"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = load_tmx(work / "article.tmx")
    variant = saved.units[row].variant("ar")
    assert variant is not None and variant.text == "سلاميا"  # logical order, unshaped


@run_async
async def test_terminal_mode_paints_the_target_as_stored(work: Path) -> None:
    app = english_to_arabic(work, BidiMode.TERMINAL)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        editor = app.query_one("#target", BidiTextArea)
        row = app.editor_screen.current
        editor.load_text("")
        await pilot.press(*"سلام")
        await pilot.pause()
        assert editor.visual_row(0) is None
        assert editor.render_line(0).text.startswith("سلام")
        await pilot.press("f9")  # app → … cycles: terminal → off → app
        await pilot.press("f9")
        await pilot.pause()
        assert app.editor_screen.mode is BidiMode.APP
        assert app.editor_screen.current == row  # the list refilled for the new mode does not move to its first row
        shown = editor.visual_row(0)
        assert shown is not None and shown[0].rstrip().endswith("\ufee1\ufefc\ufeb3")


@run_async
async def test_keys_typed_before_the_file_is_shown_go_into_the_target(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in tmux: a burst typed while the file was still being read went into the search box."""
    import threading

    from textual.widgets import Input

    from tmkit.jobs.workfile import WorkFile

    # The text before typing, read from a copy: the editor may commit the early letters into its own document
    # (the pause after typing) before the test looks.
    untouched = work / "untouched"
    untouched.mkdir()
    shutil.copy2(work / "article.tmx", untouched / "article.tmx")
    before = WorkFile(untouched / "article.tmx")
    slow_init = WorkFile.__init__
    typed = threading.Event()

    def slow(self: WorkFile, *args: object, **kwargs: object) -> None:
        typed.wait(5)  # a big file: the screen is up, the document not yet
        slow_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(WorkFile, "__init__", slow)
    app = EditorApp(EditorOptions(path=work / "article.tmx", memories=[work / "news-memory.tmx"], bidi=BidiMode.APP))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press(*"early ")
        assert app.document is None
        typed.set()
        await settle(app, pilot)
        assert app.query_one("#search", Input).value == ""
        assert app.document is not None
        original = before.rows[app.editor_screen.current].edit_text
        # Where the cursor is on every move to a segment: at the end of its text.
        assert app.editor_screen.target_view.text == original + "early "


@run_async
async def test_notifications_show_arabic_shaped_and_in_display_order(work: Path) -> None:
    """A QA finding quoting the source was shown in a toast unjoined and in logical order, unlike every panel."""
    from tmkit.tui.display import one_line

    app = EditorApp(EditorOptions(path=work / "article.tmx", memories=[], bidi=BidiMode.APP))
    message = "number-mismatch: 1944 not in 'الرئيس الأسد'\nsecond line"
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.editor_screen.notify(message, severity="warning")
        await pilot.pause()
        shown = [n.message for n in app._notifications][-1]
    assert shown == one_line("number-mismatch: 1944 not in 'الرئيس الأسد'", BidiMode.APP).plain + "\nsecond line"
    assert "الرئيس" not in shown  # shaped: presentation forms, not the stored letters


@pytest.mark.parametrize("width", [40, 66, 80])
@run_async
async def test_a_mark_on_the_first_letter_of_a_right_to_left_line_is_drawn(width: int) -> None:
    """Seen by a translator: `عُقدت` lost its damma in the source panel (the list showed it). A right-aligned line
    ends at the panel's edge, and the space drawn after it crossed the edge: cut there, it took the mark with it."""
    from textual.app import App, ComposeResult

    text = "عُقدت الدورة الـ 12 للجنة في دمشق عام 2019."

    class OneArea(App[None]):
        def compose(self) -> ComposeResult:
            yield BidiTextArea(text, soft_wrap=True, read_only=True)

    app = OneArea()
    async with app.run_test(size=(width, 6)) as pilot:
        area = app.query_one(BidiTextArea)
        area.set_bidi(BidiMode.APP, rtl=True)
        await pilot.pause()
        first = area.paint_row(0)
        assert first is not None
        drawn = "".join(segment.text for segment in first)
        assert drawn.rstrip().endswith("\ufecb\u064f")  # ع initial, then its damma: the first letter, at the right
        assert first.cell_length == area.scrollable_content_region.width - area.gutter_width


@run_async
async def test_the_cursor_is_painted_on_the_letter_it_stands_before_when_marks_come_earlier(work: Path) -> None:
    """A translator's trial: on `ابتداءً من الآن.` Home lit the beh, not the alef, and ← ← the dal: styles went by
    cell where the row's text goes by character, and the tanween (no cell of its own) put them one off."""
    app = english_to_arabic(work)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        editor = app.query_one("#target", BidiTextArea)
        editor.cursor_blink = False
        theme = editor.painting_theme
        assert theme is not None and theme.cursor_style is not None
        lit_colour = theme.cursor_style.bgcolor

        def lit() -> str:
            strip = editor.render_line(0)
            return "".join(s.text for s in strip if s.style is not None and s.style.bgcolor == lit_colour)

        editor.load_text("ابتداءً من الآن.")
        await pilot.press("home")
        await pilot.pause()
        assert editor.cursor_location == (0, 0) and lit() == "\ufe8d"  # the first alef, at the right
        await pilot.press("left", "left")
        await pilot.pause()
        assert editor.cursor_location == (0, 2) and lit() == "\ufe98"  # the teh, where typing goes in
        await pilot.press("left", "left", "left")  # on the hamza with its tanween: the two are lit
        await pilot.pause()
        assert editor.cursor_location == (0, 5) and lit() == "\ufe80\u064b"
        await pilot.press("left", "left", "left", "left", "left")
        await pilot.pause()
        assert editor.cursor_location == (0, 11) and lit() == "\ufe8d"  # the alef of الآن, the mark passed
        await pilot.press("end")
        await pilot.pause()
        assert lit() == " "  # after the full stop: the cell left of the line
