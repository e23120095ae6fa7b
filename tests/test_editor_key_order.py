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
