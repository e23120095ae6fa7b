"""A real terminal for end-to-end tests: tmux runs a command, `send-keys` types the bytes a terminal sends.

Pilot presses keys past Textual's input parser, so it cannot see what a terminal really delivers
(Alt+1 arrives as ESC then `1`). Here every key goes through tmux, a real terminal emulator, and the
screen is read back with `capture-pane`. Each terminal has its own tmux server (its own socket), so
tests in parallel workers never meet.
"""

from __future__ import annotations

import builtins
import os
import re
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

#: How long a test waits for the screen to show what it expects before it fails (a deadline, not a
#: measurement: a loaded CI machine may need many seconds to start Python and paint).
SCREEN_DEADLINE_S = 30.0
_POLL_S = 0.05


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


class ScreenTimeout(AssertionError):
    """The screen never showed what the test waited for; the message holds the last screen."""


class Terminal:
    """One tmux window of ``width``×``height`` cells running ``command`` in ``cwd``."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        width: int,
        height: int,
        cwd: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.width, self.height = width, height
        self.socket = cwd / f".tmux-{uuid.uuid4().hex[:8]}"
        environment = {
            **os.environ,
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            **(env or {}),
        }
        environment.pop("TMUX", None)
        # Set by another test in the same worker (or by pytest's own terminal), they would override the pane's size:
        # a 160x45 pane painted as 80x24.
        environment.pop("COLUMNS", None)
        environment.pop("LINES", None)
        self._env = environment
        # `exec` so that the command is the pane's process; `; sleep` keeps the pane (and its last
        # screen) readable after the command ends, until the test closes the terminal.
        shell = f"cd {shlex.quote(str(cwd))} && {shlex.join(command)}; echo '[exited '$?']'; sleep 600"
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            str(width),
            "-y",
            str(height),
            shell,
        )
        self._tmux("set-option", "-g", "escape-time", "0")

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-u", "-S", str(self.socket), *args],
            env=self._env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args[:2])} failed: {done.stderr.strip()}")
        return done.stdout

    # -- typing ---------------------------------------------------------------------------------

    def keys(self, *names: str) -> None:
        """Press keys by tmux's names (`F2`, `C-s`, `M-1`, `Enter`, `Escape`): tmux sends their real bytes."""
        self._tmux("send-keys", "-t", "main", *names)

    def type(self, text: str) -> None:
        """Type text literally (any script), as a keyboard or an input method would."""
        self._tmux("send-keys", "-t", "main", "-l", text)

    def raw(self, data: bytes) -> None:
        """Send exact bytes (e.g. ESC `1`, what most terminals send for Alt+1), as hex so nothing reinterprets them."""
        self._tmux("send-keys", "-t", "main", "-H", *(f"{byte:02x}" for byte in data))

    def drag(self, row: int, start: int, end: int) -> None:
        """Drag the mouse with the left button over cells ``start``…``end`` of screen row ``row`` (0-based), sending
        the SGR mouse reports (press, motion with the button held, release) a terminal sends to an app that asked
        for them."""
        y = row + 1  # the reports count from 1
        self.raw(f"\x1b[<0;{start + 1};{y}M".encode())
        self.raw(f"\x1b[<32;{end + 1};{y}M".encode())
        self.raw(f"\x1b[<0;{end + 1};{y}m".encode())

    # -- reading --------------------------------------------------------------------------------

    def screen(self, *, styled: bool = False) -> str:
        """The visible screen as text, one line per row; ``styled``: with the SGR sequences of its colours and text
        styles (what shows which button has the focus)."""
        return self._tmux("capture-pane", "-p", *(("-e",) if styled else ()), "-t", "main")

    def wait_for(
        self, wanted: str | Callable[[str], bool], *, deadline_s: float = SCREEN_DEADLINE_S, styled: bool = False
    ) -> str:
        """The first screen that shows ``wanted`` (a text, or a test on the whole screen, styled if asked)."""
        check = (lambda screen: wanted in screen) if isinstance(wanted, str) else wanted
        end = time.monotonic() + deadline_s
        screen = self.screen(styled=styled)
        while not check(screen):
            if time.monotonic() > end:
                raise ScreenTimeout(f"the screen never showed {wanted!r}; last screen:\n{screen}")
            time.sleep(_POLL_S)
            screen = self.screen(styled=styled)
        return screen

    def cursor(self) -> tuple[int, int]:
        """Where the terminal's own cursor is (column, row, from 0): where input methods and screen readers look."""
        x, y = self._tmux("display-message", "-p", "-t", "main", "#{cursor_x},#{cursor_y}").strip().split(",")
        return int(x), int(y)

    def resize(self, width: int, height: int) -> None:
        """Resize the window, as a translator's terminal window is."""
        self._tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    def wait_for_focus(self, label: str, *, deadline_s: float = SCREEN_DEADLINE_S) -> str:
        """The first screen where the button ``label`` has the focus: Textual draws it bold and reversed."""
        focused = re.compile(r"\x1b\[1;7m(?:\x1b\[[0-9;]*m)* " + re.escape(label) + " ")
        return self.wait_for(lambda screen: focused.search(screen) is not None, deadline_s=deadline_s, styled=True)

    def wait_until_gone(self, text: str, *, deadline_s: float = SCREEN_DEADLINE_S) -> str:
        return self.wait_for(lambda screen: text not in screen, deadline_s=deadline_s)

    # -- lifetime -------------------------------------------------------------------------------

    def close(self) -> None:
        subprocess.run(["tmux", "-S", str(self.socket), "kill-server"], env=self._env, capture_output=True, check=False)
        self.socket.unlink(missing_ok=True)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self, kind: builtins.type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
