"""First open of a small memory: its index built and cached, against the same build kept in memory, in one run.

A translator's own memory is small, and its first `tmkit match` or editor start builds its index into the cache
folder beside it (`open_memory`): arrays written to staging files, each checked whole by a CRC-32 combined from
its header's and its body's (`tmkit.matching.spill.crc32_combine`). The baseline is the same build without a cache
(``cache=False``: nothing written, nothing checked). Each round copies the memory to a new folder and runs both, in
turns; CPU time, median of the rounds after the first three.

    python bench/small_build.py
    python bench/small_build.py --memory samples/article.tmx --rounds 30
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import timeit
from pathlib import Path

from tmkit.matching import spill
from tmkit.matching.memory_index import open_memory

REPO = Path(__file__).resolve().parents[1]


def build_ms(path: Path, *, cache: bool) -> float:
    started = time.process_time()
    open_memory(path, source_lang="ar", target_lang="en", cache=cache)
    return (time.process_time() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", type=Path, default=REPO / "samples" / "earlier-visits.tmx")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    cached, in_memory = [], []
    for round_number in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / args.memory.name
            shutil.copyfile(args.memory, copy)
            first, second = (True, False) if round_number % 2 == 0 else (False, True)
            for cache in (first, second):
                (cached if cache else in_memory).append(build_ms(copy, cache=cache))
    kept = slice(3, None)
    cached_ms, memory_ms = statistics.median(cached[kept]), statistics.median(in_memory[kept])
    combine_us = min(timeit.repeat(lambda: spill.crc32_combine(1, 2, 100_000), number=200, repeat=3)) / 200 * 1e6
    print(f"{args.memory.name}: index build CPU ms, median of {args.rounds - 3} rounds")
    print(f"{'built into the cache':<28}{cached_ms:>8.1f}")
    print(f"{'built in memory (baseline)':<28}{memory_ms:>8.1f}")
    print(f"{'ratio':<28}{cached_ms / memory_ms:>7.2f}×")
    print(f"crc32_combine of a 100,000-byte body: {combine_us:.1f} µs a file")


if __name__ == "__main__":
    main()
