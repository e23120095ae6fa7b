"""Keys typed in one burst reach the target in the order they were typed, bound keys (End, Backspace) included."""

from __future__ import annotations

from pathlib import Path

from textual.events import Key
from textual.widgets import Input

from tests.helpers import make_app, run_async, settle, target
from tmkit.tui.app import EditorApp


def _burst(app: EditorApp, keys: list[str]) -> None:
    """Post keys to the app at once, as the terminal driver does when one read holds them all."""
    for key in keys:
        app.post_message(Key("space" if key == " " else key, key if len(key) == 1 else None))


@run_async
async def test_end_then_letters_in_one_burst_types_the_letters_at_the_end(work: Path) -> None:
    """`End` then ` Syria` in one read: the letters reached the target before End (it bubbles up to the App first)."""
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        editor = target(app)
        editor.load_text("Damascus")  # the cursor at the start
        _burst(app, ["end", " ", "S", "y", "r", "i", "a"])
        await settle(app, pilot)
        assert editor.text == "Damascus Syria"


@run_async
async def test_backspace_and_arrows_in_a_burst_act_where_they_were_typed(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        editor = target(app)
        editor.load_text("")
        _burst(app, ["a", "b", "x", "backspace", "c", "home", "Z", "end", "left", "Y"])
        await settle(app, pilot)
        assert editor.text == "ZabYc"


@run_async
async def test_editing_keys_in_the_search_box_act_where_they_were_typed(work: Path) -> None:
    """The search box has the same ordering: its Backspace and Home bubbled up to the App behind the letters."""
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        search = app.query_one("#search", Input)
        search.focus()
        await pilot.pause()
        _burst(app, ["a", "b", "x", "backspace", "c", "home", "Z", "end", "left", "Y"])
        await settle(app, pilot)
        assert search.value == "ZabYc"


def _search_box(app: EditorApp) -> Input:
    return app.query_one("#search", Input)


@run_async
async def test_letters_typed_right_after_escape_go_to_the_target_not_the_search_box(work: Path) -> None:
    """Esc from the search box then letters, in one read: Esc's binding ran only once it had bubbled back up to the
    App, and the letters, sent on meanwhile to the search box, were a new search instead of the translation."""
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5", *"exchanged", "enter")  # the first hit, segment 14, is the current segment
        await settle(app, pilot)
        editor = target(app)
        before = editor.text
        assert app.editor_screen.current == 13 and app.focused is _search_box(app)
        _burst(app, ["escape", "B", "o", "t", "h", " "])
        await settle(app, pilot)
        assert _search_box(app).value == "exchanged"
        assert app.focused is editor and editor.text == before + "Both "  # (a move leaves the cursor at the end)


@run_async
async def test_search_enter_escape_and_letters_in_one_burst_translate_the_first_hit(work: Path) -> None:
    """F5, a search, Enter, Esc and letters in one read: the letters are in the target of the segment Enter opened,
    not in the search box (nor in the segment before it)."""
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        first = app.editor_screen.current
        first_text = target(app).text
        hit_text = app.editor_screen.document.rows[13].edit_text
        _burst(app, ["f5", *"exchanged", "enter", "escape", "B", "o", "t", "h", " "])
        await settle(app, pilot)
        assert _search_box(app).value == "exchanged"
        assert app.editor_screen.current == 13 and app.focused is target(app)
        assert target(app).text == hit_text + "Both "  # (a move leaves the cursor at the end)
        assert app.editor_screen.document.rows[first].edit_text == first_text  # the segment left is as it was


@run_async
async def test_a_letter_typed_right_after_an_arrow_in_the_list_is_the_next_segments(work: Path) -> None:
    """↓ in the list then a letter, in one read: the letter moved the keys to the target at once, ↓ then reached the
    target as a line down, and the letter was in the segment the translator had just left."""
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.editor_screen
        screen.set_focus(screen.segment_list)
        await settle(app, pilot)
        left = screen.current
        left_text = target(app).text
        following = screen.segment_list.rows_shown[screen.segment_list.rows_shown.index(left) + 1]
        following_text = screen.document.rows[following].edit_text
        _burst(app, ["down", "X"])
        await settle(app, pilot)
        assert screen.current == following and app.focused is target(app)
        assert target(app).text == following_text + "X"  # (a move leaves the cursor at the end)
        assert screen.document.rows[left].edit_text == left_text  # the segment left is as it was


@run_async
async def test_enter_in_the_list_then_letters_type_into_the_segment_opened(work: Path) -> None:
    """↓↓ and Enter in the list, then letters, in one read: the letters are the opened segment's."""
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.editor_screen
        screen.set_focus(screen.segment_list)
        await settle(app, pilot)
        shown = screen.segment_list.rows_shown
        opened = shown[shown.index(screen.current) + 2]
        opened_text = screen.document.rows[opened].edit_text
        _burst(app, ["down", "down", "enter", "O", "k"])
        await settle(app, pilot)
        assert screen.current == opened and app.focused is target(app)
        assert target(app).text == opened_text + "Ok"  # (a move leaves the cursor at the end)
