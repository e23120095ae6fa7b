"""`tmkit edit PROJECT` in a real terminal: the numbered list of documents, one picked, the editor on its working TMX."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli
from tests.terminal import Terminal, tmux_available
from tmkit.formats.tmx_reader import load_tmx
from tmkit.memory.model import Status

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed (Debian: apt-get install tmux)"),
]


def test_pick_a_document_from_the_list_translate_it_and_save(tmp_path: Path) -> None:
    assert run_cli("init", tmp_path / "proj").code == 0
    shutil.copy(SAMPLES / "article.html", tmp_path / "proj" / "source")
    (tmp_path / "proj" / "source" / "news").mkdir()
    shutil.copy(SAMPLES / "article.ar.txt", tmp_path / "proj" / "source" / "news")
    shutil.copy(SAMPLES / "earlier-visits.tmx", tmp_path / "proj" / "tm")
    command = [sys.executable, "-m", "tmkit", "edit", "proj"]
    drafted = "accompanying delegation"
    with Terminal(command, width=160, height=45, cwd=tmp_path) as terminal:
        terminal.wait_for("open which document?")
        screen = terminal.screen()
        assert (
            "1    new" in screen
            and "article.html" in screen
            and "2    new" in screen
            and "news/article.ar.txt" in screen
        )
        terminal.type("7")
        terminal.keys("Enter")
        terminal.wait_for("7: no such document")  # asked again, the list kept
        terminal.type("2")
        terminal.keys("Enter")
        terminal.wait_for("of 30")  # the editor, on the text's 30 segments
        terminal.wait_for(drafted)  # the headline pre-translated from the project's tm/, as a draft
        terminal.keys("F2")  # confirmed as it is
        terminal.wait_for("target · 2 of 30")
        terminal.keys("C-s")
        terminal.wait_for(lambda screen: "unsaved" not in screen)
        terminal.keys("C-q")
        terminal.wait_for("[exited 0]")
    work = load_tmx(tmp_path / "proj" / "work" / "news" / "article.ar.tmx")
    first = work.units[0].variant("en")
    assert work.units[0].status is Status.TRANSLATED and first is not None and drafted in first.text
    assert any(u.status is Status.DRAFT for u in work.units)  # the others pre-translated, left as drafts
    # The confirmed pair went into the project memory (tm/project.tmx), so every other document gets it as a match.
    saved = load_tmx(tmp_path / "proj" / "tm" / "project.tmx")
    assert [u.variant("en").text for u in saved.units] == [first.text]  # type: ignore[union-attr]
    assert not (tmp_path / "proj" / "work" / "article.html.tmx").exists()
