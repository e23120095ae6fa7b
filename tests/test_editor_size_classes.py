"""The editor's layout classes are the terminal size's from the start, not only once the screen takes its Resize."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import make_app, run_async, settle

SIZE_CLASSES = {"-narrow", "-wide", "-short", "-tall"}


@pytest.mark.parametrize(("width", "height"), [(80, 24), (160, 45), (100, 30)])
@run_async
async def test_the_app_sets_the_size_classes_textual_sets_on_resize(work: Path, width: int, height: int) -> None:
    """On a loaded machine the document was shown before the screen's first Resize: at 80x24 in neither layout."""
    app = make_app(work)
    async with app.run_test(size=(width, height)) as pilot:
        await settle(app, pilot)
        screen = app.screen_stack[0]
        textuals = set(screen.classes) & SIZE_CLASSES  # set by Textual's Resize
        assert len(textuals) == 2
        screen.remove_class(*SIZE_CLASSES)  # the screen as it is before that Resize
        app._size_classes()  # what the app does on mount
        assert set(screen.classes) & SIZE_CLASSES == textuals
