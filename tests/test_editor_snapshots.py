"""Snapshots of the editor's main screen with Arabic and English (pytest-textual-snapshot; review before updating)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES
from tmkit.tui.app import EditorApp, EditorOptions
from tmkit.tui.display import BidiMode

pytest.importorskip("pytest_textual_snapshot")


def _app(tmp_path: Path, mode: BidiMode) -> EditorApp:
    # Dates written on save and journal files depend on the moment: the snapshots only open and look.
    for name in ("article.tmx", "news-memory.tmx"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    return EditorApp(EditorOptions(path=tmp_path / "article.tmx", memories=[tmp_path / "news-memory.tmx"], bidi=mode))


async def _at_segment_14(pilot: Any) -> None:
    app = pilot.app
    for _ in range(500):
        await pilot.pause(0.02)
        if app.document is not None and all(w.is_finished for w in app.workers):
            break
    app.go_to(13)
    for _ in range(500):
        await pilot.pause(0.02)
        if all(w.is_finished for w in app.workers):
            break
    app.query_one("#target").cursor_blink = False


@pytest.mark.parametrize("mode", [BidiMode.APP, BidiMode.TERMINAL])
def test_main_screen(snap_compare: Any, tmp_path: Path, mode: BidiMode) -> None:
    assert snap_compare(_app(tmp_path, mode), terminal_size=(160, 45), run_before=_at_segment_14)
