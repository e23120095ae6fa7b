"""The editor in a real terminal: tmux types the bytes a terminal sends, the saved TMX and the screen are checked."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.terminal import Terminal, tmux_available
from tmkit.formats.tmx_reader import load_tmx
from tmkit.memory.model import Status

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed (Debian: apt-get install tmux)"),
]

#: The sizes translators use: a laptop's full screen, and the smallest terminal a CAT tool must work in.
SIZES = [(160, 45), (80, 24)]


def _editor(work: Path, width: int, height: int, *extra: str) -> Terminal:
    command = [sys.executable, "-m", "tmkit", "edit", "article.ar.txt", "--ref", "article.tmx", *extra]
    return Terminal(command, width=width, height=height, cwd=work)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_translate_confirm_save_and_quit(work: Path, width: int, height: int) -> None:
    english = "President al-Assad receives the Russian Deputy Prime Minister."
    with _editor(work, width, height) as terminal:
        terminal.wait_for("of 30")
        terminal.type(english)
        terminal.wait_for("Prime Minister.")  # on one line at either width
        terminal.keys("F2")  # confirm, and go on to the next unconfirmed segment
        terminal.wait_for("target · 2 of 30")
        terminal.type("دمشق")  # Arabic typed into an English target stays as typed
        terminal.wait_for("draft 1")  # the typed text is in the document (a draft)
        terminal.keys("C-s")
        terminal.wait_for(lambda screen: "unsaved" not in screen)
        terminal.keys("C-q")
        terminal.wait_for("[exited 0]")
    memory = load_tmx(work / "article.ar.tmx")
    first, second = memory.units[0], memory.units[1]
    assert first.variant("en") is not None and first.variant("en").text == english  # type: ignore[union-attr]
    assert first.status is Status.TRANSLATED
    assert second.variant("en") is not None and "دمشق" in second.variant("en").text  # type: ignore[union-attr]
    assert second.status is not Status.TRANSLATED  # typed but not confirmed
