"""The editor's layout classes are the terminal size's from the start, not only once the screen takes a Resize."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import make_app, run_async, settle

SIZE_CLASSES = {"-narrow", "-wide", "-short", "-tall"}


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [(80, 24, {"-narrow", "-short"}), (160, 45, {"-wide", "-tall"}), (100, 30, {"-narrow", "-tall"})],
)
@run_async
async def test_the_editor_screen_has_the_size_classes_from_the_start(
    work: Path, width: int, height: int, expected: set[str]
) -> None:
    """On a loaded machine the document was shown before the screen's first Resize: at 80x24 in neither layout.

    The editor's screen comes up after the loading screen, with no Resize of its own: it sets them on mount."""
    app = make_app(work)
    async with app.run_test(size=(width, height)) as pilot:
        await settle(app, pilot)
        screen = app.editor_screen
        assert set(screen.classes) & SIZE_CLASSES == expected
        await pilot.resize_terminal(170, 50)  # and Textual's Resize keeps them up to date
        await settle(app, pilot)
        assert set(screen.classes) & SIZE_CLASSES == {"-wide", "-tall"}


@run_async
async def test_a_dialog_fits_an_80_column_terminal(work: Path) -> None:
    """The dialogs were 90 columns wide: at 80x24 the quit dialog lost its right border and the end of its text."""
    from tmkit.tui.screens import ChangedOnDiskScreen, QuitScreen

    app = make_app(work)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for screen in (QuitScreen(), ChangedOnDiskScreen(work / "article.tmx")):
            app.push_screen(screen)
            await settle(app, pilot)
            dialog = app.screen.query_one("#dialog").region
            assert dialog.x >= 0 and dialog.right <= 80, dialog
            app.pop_screen()
            await settle(app, pilot)
