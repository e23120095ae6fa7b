"""How fast the editor is: first screen of a 10,000-segment file with a 100,000-pair memory, and matches on moving on.

Drives the real app headless through Textual's Pilot. The first screen counts from starting the
app to the segment list and the current segment drawn; the memory index is opened in a worker
(built and cached beside the memory the first time, read from the cache afterwards). Then it
moves to the next segment N times and times each until its matches are on screen.

    python bench/editor.py [--segments 10000] [--memory 100000] [--moves 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

DATA = Path(__file__).parent / ".data"


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
        segments = app.query_one("#segments")
        while app.document is None or not segments.row_count:  # type: ignore[attr-defined]
            await asyncio.sleep(0.002)
        first_screen = time.perf_counter() - started  # list and current segment in the DOM
        while not app._first_paint.is_set():  # set after the refresh that painted them
            await asyncio.sleep(0.002)
        painted = time.perf_counter() - started
        while app.matcher.memories == [] or app.current not in app.matches:
            await asyncio.sleep(0.002)
        first_matches = time.perf_counter() - started
        times: list[float] = []
        for _ in range(moves):
            before = app.current
            assert before is not None
            shown.pop(before + 1, None)
            pressed = time.perf_counter()
            await pilot.press("alt+down")
            while before + 1 not in shown:
                await asyncio.sleep(0.001)
            times.append(shown[before + 1] - pressed)
        app.exit()
    return {"first_screen": first_screen, "painted": painted, "first_matches": first_matches, "moves": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--memory", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=30)
    args = parser.parse_args()
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
