"""`tmkit merge` at a terminal: a progress bar for each of its two passes over each memory, and the same result."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest

from tests.helpers import SAMPLES
from tmkit.cli import common


def _run_at_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run `tmkit ARGS` in this process with stderr on a pseudo-terminal; the exit code and all it drew."""
    from tmkit.cli import main

    controller, terminal = os.openpty()
    drawn = bytearray()

    def drain() -> None:  # a terminal's reader: without one, a full pty buffer would block the command
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                return
            if not chunk:
                return
            drawn.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    stderr = os.fdopen(terminal, "w", encoding="utf-8", buffering=1)
    try:
        with contextlib.redirect_stderr(stderr):
            code = main(args)
    finally:
        stderr.close()
        reader.join(timeout=10)
        os.close(controller)
    return code, drawn.decode("utf-8", errors="replace")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_merge_shows_each_pass_over_each_memory_and_writes_the_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "PROGRESS_MIN_BYTES", 0)  # the samples are small: every file gets its bar
    monkeypatch.setenv("COLUMNS", "120")
    first, second = SAMPLES / "earlier-visits.tmx", SAMPLES / "article.tmx"
    output = tmp_path / "merged.tmx"
    code, drawn = _run_at_a_terminal(["merge", str(first), str(second), "-o", str(output)])
    assert code == 0, drawn
    for path in (first, second):
        assert f"reading {path.name} (1 of 2)" in drawn
        assert f"writing {path.name} (2 of 2)" in drawn
    assert "merged " in drawn
    quiet = tmp_path / "quiet.tmx"
    assert main_quietly(["merge", str(first), str(second), "-o", str(quiet)]) == 0
    assert output.read_bytes() == quiet.read_bytes()


def main_quietly(args: list[str]) -> int:
    """`tmkit ARGS` with stderr not a terminal (no bars)."""
    from tmkit.cli import main

    with open(os.devnull, "w", encoding="utf-8") as devnull, contextlib.redirect_stderr(devnull):
        return main(args)
