"""How fast the editor is: first screen of a 10,000-segment file with a 100,000-pair memory, matches on moving on,
and a keystroke's echo.

`--terminal` (the figures that count) runs `tmkit edit` in tmux at 160x45 and polls `capture-pane`
until the change is on the screen a translator sees: the first screen (the current segment's title),
the next segment with its matches (Alt+Down, until its title is up and "looking up…" is gone), and
a typed letter's echo in the target. The same run measures a 30-segment document with the same
memory as the baseline. Without `--terminal` it drives the app headless through Textual's Pilot and
stops at an internal message, before anything is painted.

    python bench/editor.py --terminal [--segments 10000] [--memory 100000] [--moves 30] [--keys 30]
    python bench/editor.py [--segments 10000] [--memory 100000] [--moves 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

DATA = Path(__file__).parent / ".data"
#: Letters of each word typed with --words.
WORD_LETTERS = 5


def files(segments: int, memory: int) -> tuple[Path, Path]:
    from synthetic import memory_pairs

    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.model import Header, Segment, Status, TranslationUnit, Variant

    DATA.mkdir(exist_ok=True)
    memory_file, document = DATA / f"editor-memory-{memory}.tmx", DATA / f"editor-doc-{segments}.tmx"
    if not memory_file.exists():
        pairs = memory_pairs(memory)
        units = (
            TranslationUnit(
                [Variant("ar", Segment.from_text(p.ar)), Variant("en", Segment.from_text(p.en))], tuid=str(i)
            )
            for i, p in enumerate(pairs)
        )
        write_tmx(memory_file, header=Header(srclang="ar"), units=units)
    if not document.exists():
        # Another seed: sentences of the same news language, many near-duplicates of memory entries.
        pairs = memory_pairs(segments, seed=99)
        units = (
            TranslationUnit([Variant("ar", Segment.from_text(p.ar))], tuid=f"d{i}", status=Status.NEW)
            for i, p in enumerate(pairs)
        )
        write_tmx(document, header=Header(srclang="ar"), units=units)
    return document, memory_file


async def measure(document: Path, memory: Path, moves: int) -> dict[str, float | list[float]]:
    from tmkit.tui.app import EditorApp, EditorOptions
    from tmkit.tui.display import BidiMode
    from tmkit.tui.messages import MatchesShown

    shown: dict[int, float] = {}

    def hook(message: object) -> None:
        if isinstance(message, MatchesShown):
            shown.setdefault(message.row, time.perf_counter())

    started = time.perf_counter()
    app = EditorApp(EditorOptions(path=document, memories=[memory], bidi=BidiMode.APP, ask_recovery=False))
    async with app.run_test(size=(160, 45), message_hook=hook) as pilot:
        while app.document is None or not app.editor_screen.segment_list.row_count:
            await asyncio.sleep(0.002)
        editor = app.editor_screen
        first_screen = time.perf_counter() - started  # list and current segment in the DOM
        while not editor.first_paint.is_set():  # set after the refresh that painted them
            await asyncio.sleep(0.002)
        painted = time.perf_counter() - started
        while editor.matcher.memories == [] or editor.current not in editor.matches:
            await asyncio.sleep(0.002)
        first_matches = time.perf_counter() - started
        times: list[float] = []
        for _ in range(moves):
            before = editor.current
            shown.pop(before + 1, None)
            pressed = time.perf_counter()
            await pilot.press("alt+down")
            while before + 1 not in shown:
                await asyncio.sleep(0.001)
            times.append(shown[before + 1] - pressed)
        app.exit()
    return {"first_screen": first_screen, "painted": painted, "first_matches": first_matches, "moves": times}


#: The baseline document of the terminal run: the editor's fixed costs, with the same memory.
BASELINE_SEGMENTS = 30


def _poll(terminal: Any, wanted: Callable[[str], bool], deadline_s: float = 120.0) -> float:
    """The moment the screen first shows ``wanted`` (capture-pane as fast as tmux answers, a few ms each)."""
    end = time.perf_counter() + deadline_s
    while time.perf_counter() < end:
        if wanted(terminal.screen()):
            return time.perf_counter()
    raise TimeoutError(f"the screen never showed what was waited for; last screen:\n{terminal.screen()}")


def _matches_shown(screen: str) -> bool:
    """The matches panel shows the lookup's result: matches (the chosen one marked ▶) or "no match"."""
    return ("▶1" in screen or "no match above" in screen) and "looking up" not in screen


def _moved_to(title: str, screen: str) -> bool:
    return title in screen and _matches_shown(screen)


def _shows(text: str, screen: str) -> bool:
    return text in screen


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )


def measure_terminal(document: Path, memory: Path, moves: int, keys: int, *, words: bool = False) -> dict[str, Any]:
    """First screen, next segment with its matches, and a letter's echo, as tmux shows them (160x45); with ``words``
    the letters make words of five, and a word's first letter is typed with the space before it (the editor commits
    the word before as that space is typed)."""
    import shutil
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent.parent))
    from tests.terminal import Terminal

    with tempfile.TemporaryDirectory(prefix="tmkit-bench-") as folder:
        work = Path(folder)
        shutil.copy(document, work / "doc.tmx")
        command = [sys.executable, "-m", "tmkit", "edit", "doc.tmx", "--tm", str(memory), "--bidi", "app"]
        started = time.perf_counter()
        with Terminal(command, width=160, height=45, cwd=work) as terminal:
            total = f"of {len(load_count(document)):,}".replace(",", "")
            first = _poll(terminal, lambda screen: f"target · 1 {total}" in screen) - started
            matches = _poll(terminal, _matches_shown) - started
            move_times: list[float] = []
            for number in range(2, moves + 2):
                title = f"target · {number} {total}"
                pressed = time.perf_counter()
                terminal.keys("M-Down")
                move_times.append(_poll(terminal, partial(_moved_to, title)) - pressed)
            echoes: list[float] = []
            typed = ""
            for number, letter in enumerate(("qwertyuiopasdfghjklzxcvbnm" * 4)[:keys]):
                keyed = " " + letter if words and number and number % WORD_LETTERS == 0 else letter
                typed += keyed
                pressed = time.perf_counter()
                terminal.type(keyed)
                echoes.append(_poll(terminal, partial(_shows, typed)) - pressed)
            terminal.keys("C-q")
            _poll(terminal, lambda screen: "Quit without saving" in screen)
            terminal.keys("Tab", "Enter")  # quit without saving (the copy is thrown away anyway)
    return {"first_screen": first, "first_matches": matches, "moves": move_times, "echoes": echoes}


def load_count(document: Path) -> list[None]:
    """One entry per unit of the document (to know the "of N" its titles show)."""
    from tmkit.formats.tmx_reader import load_tmx

    return [None] * len(load_tmx(document))


def confirmed_copy(document: Path, memory: Path) -> Path:
    """The document with every segment translated (the memory's targets, in order) and confirmed: a reopened job,
    whose confirmed segments the editor checks in a worker while the translator types."""
    from tmkit.formats.tmx_reader import TmxReader, load_tmx
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.model import Segment, Status, Variant

    confirmed = document.with_name(document.stem + "-confirmed.tmx")
    if not confirmed.exists():
        job = load_tmx(document)
        targets = (unit.variant("en") for unit in TmxReader(memory))
        for unit, target in zip(job.units, targets, strict=False):
            unit.variants.append(Variant("en", Segment.from_text(target.text if target else "")))
            unit.set_status(Status.TRANSLATED)
        write_tmx(confirmed, job)
    return confirmed


def terminal_main(args: argparse.Namespace) -> None:
    for segments in (args.segments, BASELINE_SEGMENTS):
        document, memory = files(segments, args.memory)
        documents = (
            [document, confirmed_copy(document, memory)]
            if args.confirmed and segments > BASELINE_SEGMENTS
            else [document]
        )
        for document in documents:
            _measure_and_print(document, memory, segments, args)


def _measure_and_print(document: Path, memory: Path, segments: int, args: argparse.Namespace) -> None:
    result = measure_terminal(document, memory, min(args.moves, segments - 1), args.keys, words=args.words)
    print(
        f"tmux 160x45  {segments:,} segments{' (all confirmed)' if 'confirmed' in document.name else ''}, "
        f"{args.memory:,}-pair memory:  "
        f"first screen {result['first_screen'] * 1000:.0f} ms · first matches {result['first_matches'] * 1000:.0f} ms"
    )
    print(f"    next segment with its matches: {_percentiles(result['moves'])} ({len(result['moves'])} moves)")
    keys = f"{len(result['echoes'])} keys{', in words of ' + str(WORD_LETTERS) if args.words else ''}"
    print(f"    keystroke echo:                {_percentiles(result['echoes'])} ({keys})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--memory", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--keys", type=int, default=30, help="letters typed, one at a time (--terminal)")
    parser.add_argument("--terminal", action="store_true", help="measure in tmux, as a translator sees it")
    parser.add_argument(
        "--words", action="store_true", help=f"type words of {WORD_LETTERS} letters, not one word (--terminal)"
    )
    parser.add_argument(
        "--confirmed",
        action="store_true",
        help="also the document with every segment confirmed (--terminal: QA checks them in a worker at start)",
    )
    args = parser.parse_args()
    if args.confirmed and not args.terminal:
        parser.error("--confirmed is measured in a terminal: add --terminal")
    if args.terminal:
        terminal_main(args)
        return
    document, memory = files(args.segments, args.memory)
    for run in ("cold index" if not any(DATA.glob(f".{memory.name}.*")) else "warm index", "warm index"):
        result = asyncio.run(measure(document, memory, args.moves))
        moves = sorted(result["moves"])  # type: ignore[arg-type]
        print(
            f"{run:10}  {args.segments:,} segments, {args.memory:,}-pair memory:  "
            f"first screen {result['first_screen'] * 1000:.0f} ms (painted {result['painted'] * 1000:.0f} ms) · first matches {result['first_matches'] * 1000:.0f} ms · "
            f"next segment → matches median {statistics.median(moves) * 1000:.1f} ms, "
            f"p90 {moves[int(0.9 * (len(moves) - 1))] * 1000:.1f} ms, max {moves[-1] * 1000:.1f} ms ({len(moves)} moves)"
        )


if __name__ == "__main__":
    main()
