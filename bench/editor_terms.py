"""Terms in the editor: the cost of `--terms` per segment and at start, and a keystroke's echo with and without it.

Termbases: `samples/terms.tbx` (57 concepts) and one of 50,000 Arabic terms made as `bench/terms.py`
makes its speed termbase (one to four words of the sample memories, plus the sample's concepts),
written once as TBX to bench/.data. Headless: reading a termbase and building both of the editor's
recognizers (`tmkit.tui.terms.LoadedTerms.load`, done in a worker), and what the editor's worker
does for each segment of the sample article (recognize the source, number its concepts), CPU ms.
`--terminal`: `tmkit edit article.ar.txt --terms …` in tmux at 160x45, the time until the terms
panel is on screen, and a typed letter's echo in the target (median / p95 / max) without `--terms`,
with the sample termbase and with the 50,000 terms: first as soon as the first screen is up (while
the termbase is still being read), then once the terms panel is shown.

    python bench/editor_terms.py [--terms 50000] [--rounds 20] [--terminal] [--keys 30]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from terms import SEED, _vocabulary  # noqa: E402

from tmkit.formats.tmx_reader import load_tmx  # noqa: E402
from tmkit.terms.files import load_termbase, save_termbase  # noqa: E402
from tmkit.terms.model import Concept, Term, Termbase  # noqa: E402
from tmkit.tui.editor_screen import TERMS_SHOWN  # noqa: E402
from tmkit.tui.terms import LoadedTerms, numbered_terms  # noqa: E402

SAMPLES = ROOT / "samples"
DATA = ROOT / "bench" / ".data"
DEFAULT_TERMS = 50_000
DEFAULT_ROUNDS = 20


def big_termbase(size: int) -> Path:
    """The sample termbase plus synthetic Arabic→English terms up to ``size``, as TBX (made once)."""
    path = DATA / f"editor-terms-{size}.tbx"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    rng = random.Random(SEED)
    sample = load_termbase(SAMPLES / "terms.tbx").termbase
    big = Termbase(concepts=[Concept(c.id, list(c.terms)) for c in sample])
    vocabulary = _vocabulary("ar")
    for number in range(size - len(sample)):
        words = rng.choices(vocabulary, k=rng.choice((1, 2, 2, 3, 3, 4)))
        big.concepts.append(Concept(f"s{number}", [Term(" ".join(words), "ar"), Term(f"t{number}", "en")]))
    save_termbase(path, big)
    return path


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.3f}  p95 {p95:.3f}  max {ordered[-1]:.3f} ms"


def headless(paths: list[Path], rounds: int) -> None:
    sources = [ar.text for _, ar, _ in load_tmx(SAMPLES / "article.tmx").pairs("ar", "en")]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; CPU time (thread)")
    for path in paths:
        started = time.thread_time()
        terms = LoadedTerms.load([path], source_lang="ar", target_lang="en")
        load = time.thread_time() - started
        recognizer = terms.merged.recognizer("ar", "en")
        times: list[float] = []
        shown = 0
        for _ in range(rounds):
            for source in sources:
                started = time.thread_time()
                lines = numbered_terms(recognizer.recognize(source, overlapping=False), TERMS_SHOWN)
                times.append((time.thread_time() - started) * 1000)
                shown += len(lines)
        print(
            f"{path.name}: {len(terms.merged):,} concepts; read + both recognizers {load:.2f} s; "
            f"per segment {_ms(times)} ({shown / len(times):.1f} terms shown a segment, "
            f"{len(sources)} segments x {rounds})"
        )


def _poll(terminal: object, wanted: str, deadline_s: float = 120.0) -> float:
    end = time.perf_counter() + deadline_s
    while time.perf_counter() < end:
        if wanted in terminal.screen():  # type: ignore[attr-defined]
            return time.perf_counter()
    raise TimeoutError(f"never shown: {wanted!r}")


def in_terminal(paths: list[Path | None], keys: int) -> None:
    from tests.terminal import Terminal

    for path in paths:
        with tempfile.TemporaryDirectory(prefix="tmkit-bench-") as folder:
            work = Path(folder)
            for name in ("article.ar.txt", "article.tmx"):
                shutil.copy(SAMPLES / name, work / name)
            extra = ["--terms", str(path)] if path is not None else []
            command = [sys.executable, "-m", "tmkit", "edit", "article.ar.txt", "--ref", "article.tmx", *extra]
            started = time.perf_counter()
            with Terminal(command, width=160, height=45, cwd=work) as terminal:
                first = _poll(terminal, "target · 1 of 30") - started
                typed = ""

                def echo_times() -> list[float]:
                    nonlocal typed
                    times = []
                    for letter in ("qwertyuiopasdfghjklzxcvbnm" * 4)[:keys]:
                        typed += letter
                        pressed = time.perf_counter()
                        terminal.type(letter)
                        times.append((_poll(terminal, typed) - pressed) * 1000)
                    return times

                loading = echo_times()
                panel = (_poll(terminal, "→ President al-Assad") - started) if path is not None else None
                typed += " "
                terminal.type(" ")
                after = echo_times()
                terminal.keys("C-q")
                _poll(terminal, "Quit without saving")
                terminal.keys("Tab", "Enter")
            name = path.name if path is not None else "no --terms"
            shown = f"; terms panel at {panel:.2f} s" if panel is not None else ""
            print(f"tmux 160x45, {name}: first screen {first:.2f} s{shown}")
            print(f"    echo while the termbase is read: {_ms(loading)} ({keys} keys)")
            print(f"    echo after:                      {_ms(after)} ({keys} keys)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=DEFAULT_TERMS, help="terms in the big termbase")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="passes over the article (headless)")
    parser.add_argument("--terminal", action="store_true", help="also measure in tmux, as a translator sees it")
    parser.add_argument("--keys", type=int, default=30, help="letters typed one at a time (--terminal)")
    args = parser.parse_args()
    paths = [SAMPLES / "terms.tbx", big_termbase(args.terms)]
    headless(paths, args.rounds)
    if args.terminal:
        in_terminal([None, *paths], args.keys)


if __name__ == "__main__":
    main()
