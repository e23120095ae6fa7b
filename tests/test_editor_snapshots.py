"""Snapshots of the editor's main screen with Arabic and English (pytest-textual-snapshot; review before updating)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import SAMPLES
from tmkit.tui.app import EditorApp, EditorOptions
from tmkit.tui.display import BidiMode

pytest.importorskip("pytest_textual_snapshot")


def _app(work: Path, mode: BidiMode) -> EditorApp:
    # Dates written on save and journal files depend on the moment: the snapshots only open and look.
    # The cursor does not blink: a picture taken in the off half of a blink would differ from the stored one.
    options = EditorOptions(
        path=work / "article.tmx", memories=[work / "news-memory.tmx"], bidi=mode, cursor_blink=False
    )
    return EditorApp(options)


async def _settle(pilot: Any, ready: Any) -> None:
    """Wait until ``ready()`` holds and no worker runs. The bound only catches a hang: a loaded machine may take
    many times the usual second. Waiting for the state, not for a quiet moment: results arrive from workers
    through the message queue, so "no worker running" alone can hold just before the memories arrive."""
    app = pilot.app
    for _ in range(3000):
        await pilot.pause(0.02)
        if ready() and all(w.is_finished for w in app.workers):
            return


async def _at_segment_14(pilot: Any) -> None:
    app = pilot.app
    await _settle(pilot, lambda: app.document is not None and app.editor_screen.memories_ready)
    app.editor_screen.go_to(13)
    # Segment 14's matches shown, and those of the segments prefetched after it (their % fills the list).
    await _settle(
        pilot,
        lambda: (
            app.editor_screen.current == 13
            and all(r in app.editor_screen.matches for r in [13, *app.editor_screen._likely_next(13)])
        ),
    )


@pytest.mark.parametrize("mode", [BidiMode.APP, BidiMode.TERMINAL])
def test_main_screen(snap_compare: Any, work: Path, mode: BidiMode) -> None:
    assert snap_compare(_app(work, mode), terminal_size=(160, 45), run_before=_at_segment_14)


#: The smaller screens translators work in: the list gives way to the editor, matches and concordance take turns.
@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
def test_main_screen_on_small_terminals(snap_compare: Any, work: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(work, BidiMode.APP), terminal_size=size, run_before=_at_segment_14)


async def _terms_at_segment_14(pilot: Any) -> None:
    await _at_segment_14(pilot)
    app = pilot.app
    await _settle(pilot, lambda: app.editor_screen.shown_terms[0] == 13)


#: With --terms: the terms panel below the target (two terms and its keys in the border on a short screen).
@pytest.mark.parametrize("size", [(160, 45), (80, 24)])
def test_main_screen_with_terms(snap_compare: Any, work: Path, size: tuple[int, int]) -> None:
    shutil.copy2(SAMPLES / "terms.tbx", work / "terms.tbx")
    app = _app(work, BidiMode.APP)
    app.options.terms = [work / "terms.tbx"]
    assert snap_compare(app, terminal_size=size, run_before=_terms_at_segment_14)
