"""Test helpers: the sample paths, minimal TMX documents, the one way to call the CLI, and the editor's Pilot steps."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import io
import os
import subprocess
import sys
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

# The CLI and the editor are imported where they are used: a module broken there fails its own tests,
# not the collection of the whole suite.
if TYPE_CHECKING:
    from textual.pilot import Pilot
    from textual.widgets import TextArea

    from tmkit.tui.app import EditorApp

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"
TMX_DTD = SHARED / "tmx" / "tmx14.dtd"
CORPORA = SHARED / "corpora"

TMX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
    '<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" '
    'srclang="ar" datatype="plaintext"/>\n<body>\n'
)
TMX_TAIL = "</body>\n</tmx>\n"


def tmx_doc(body: str, head: str = TMX_HEAD) -> str:
    """A minimal TMX document around the given `<tu>` elements."""
    return head + body + TMX_TAIL


# -- the command line ------------------------------------------------------------------------------

#: What the CLI sees of its terminal in tests, in and out of process: output not a terminal, 80 columns wide
#: (rich otherwise asks the terminal that runs pytest, and wraps differently on each machine).
CLI_ENV = {"COLUMNS": "80", "LINES": "25"}


class CliResult(NamedTuple):
    """A finished `tmkit` command: its exit code and what it wrote."""

    code: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_cli(*args: str | os.PathLike[str], cwd: Path | None = None) -> CliResult:
    """Run `tmkit ARGS` in this process (``tmkit.cli.main``), its stdout and stderr captured.

    Exits the parser takes (usage errors, ``--help``, ``--version``) become the exit code, as in a shell.
    An exception that escapes ``main`` is a defect and fails the test with its traceback.
    """
    from tmkit.cli import main

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    with (
        _environment(CLI_ENV),
        contextlib.chdir(cwd or Path.cwd()),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        try:
            code = main([os.fspath(arg) for arg in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return CliResult(code, _text_of(stdout), _text_of(stderr))


def _text_of(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


def run_cli_process(*args: str | os.PathLike[str], cwd: Path | None = None, timeout: float = 120) -> CliResult:
    """Run `python -m tmkit ARGS` as a separate process: only where a real process matters
    (start-up, the entry point, a program that calls tmkit, a process killed midway)."""
    done = subprocess.run(
        [sys.executable, "-m", "tmkit", *(os.fspath(arg) for arg in args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env={**os.environ, **CLI_ENV},
        timeout=timeout,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


# -- the editor, driven headless through Textual's Pilot --------------------------------------------


def run_async(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test on its own event loop (no asyncio plugin needed)."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return wrapper


def make_app(work: Path, **options: Any) -> EditorApp:
    """The editor on ``work``'s copy of the sample article, the sample news memory beside it, in app bidi mode."""
    from tmkit.tui.app import EditorApp, EditorOptions
    from tmkit.tui.display import BidiMode

    return EditorApp(
        EditorOptions(
            path=work / "article.tmx", memories=[work / "news-memory.tmx"], **{"bidi": BidiMode.APP, **options}
        )
    )


async def settle(app: EditorApp, pilot: Pilot[None]) -> None:
    """Wait until the workers (loading, matching, scoring) are done; exclusive ones may have been cancelled.

    The bound only catches a hang: a loaded machine may take many times the usual second.
    """
    for _ in range(3000):
        await pilot.pause(0.02)
        if app.document is not None and all(w.is_finished for w in app.workers):
            return
    raise AssertionError("workers did not finish")


T = TypeVar("T")


#: Seconds an app may take to run a test's callback before the test calls it dead (a loaded machine is slow).
APP_ANSWER_SECONDS = 30.0


class InApp:
    """Steps for one of two apps a test runs at once, each made in that app's own context.

    `App.run_test` makes its app the active app of the test's own steps, so with two open, the one entered last
    is what `self.app` means in every step, also in those meant for the other. A call on the other's screen then
    registered its workers and style updates with the wrong app, and `Pilot.pause` (which lays out the active
    app's screen) paused the other screen's update timer without laying it out: a panel shown by a class change
    stayed unpainted for good (seen once in CI, and in 1 of ~60 runs in the full suite). The context is taken
    from a callback the app itself runs.
    """

    def __init__(self, pilot: Pilot[None], context: contextvars.Context) -> None:
        self.pilot = pilot
        self.context = context

    @classmethod
    async def of(cls, pilot: Pilot[None]) -> InApp:
        taken: asyncio.Future[contextvars.Context] = asyncio.get_running_loop().create_future()
        pilot.app.call_later(lambda: taken.set_result(contextvars.copy_context()))
        # An app that died never runs it: the test fails instead of hanging.
        return cls(pilot, await asyncio.wait_for(taken, timeout=APP_ANSWER_SECONDS))

    async def _step(self, step: Coroutine[Any, Any, T]) -> T:
        return await asyncio.create_task(step, context=self.context.copy())

    async def pause(self, delay: float | None = None) -> None:
        await self._step(self.pilot.pause(delay))

    async def press(self, *keys: str) -> None:
        await self._step(self.pilot.press(*keys))

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` run now, in the app's context."""
        return self.context.copy().run(function, *args)


def target(app: EditorApp) -> TextArea:
    """The target editor of the app."""
    from textual.widgets import TextArea

    return app.query_one("#target", TextArea)


def pretranslated_sample_job(folder: Path, *, version: str | None = None) -> Path:
    """The sample article pre-translated from the sample memory into an XLIFF job in ``folder`` (of ``version``, else
    tmkit's default), as a translator's CAT tool would receive it."""
    job = folder / "job.xlf"
    made = run_cli(
        "pretranslate", str(SAMPLES / "article.ar.txt"), "--tm", str(SAMPLES / "earlier-visits.tmx"), "-o", str(job),
        *(("--xliff-version", version) if version else ()),
    )  # fmt: skip
    assert made.code == 0, made.stderr
    return job
