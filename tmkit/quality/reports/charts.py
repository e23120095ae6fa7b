"""Score distributions for terminals and Markdown: histograms, sparklines and summary statistics."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
EMPTY_BIN = "·"
#: Ten bins of ten points: 0–10 … 90–100 (100 itself, and any TER above 100, in the last).
BINS = 10
BAR_WIDTH = 30


@dataclass(frozen=True, slots=True)
class Distribution:
    """How per-segment scores spread: bin counts over 0–100 and the usual statistics."""

    counts: tuple[int, ...]
    minimum: float
    median: float
    mean: float
    maximum: float

    @property
    def total(self) -> int:
        return sum(self.counts)


def distribution(scores: Sequence[float]) -> Distribution:
    counts = [0] * BINS
    for score in scores:
        counts[min(BINS - 1, max(0, int(score // (100 / BINS))))] += 1
    if not scores:
        return Distribution(tuple(counts), 0.0, 0.0, 0.0, 0.0)
    return Distribution(tuple(counts), min(scores), statistics.median(scores), statistics.fmean(scores), max(scores))


def bin_label(index: int) -> str:
    width = 100 // BINS
    return f"{index * width:>3}–{(index + 1) * width:<3}"


def sparkline(counts: Sequence[int]) -> str:
    """One character per bin, its height the bin's share of the largest; a dot for an empty bin."""
    top = max(counts, default=0)
    if top == 0:
        return EMPTY_BIN * len(counts)
    blocks = []
    for count in counts:
        if count == 0:
            blocks.append(EMPTY_BIN)
        else:
            blocks.append(SPARK_BLOCKS[min(len(SPARK_BLOCKS) - 1, round((len(SPARK_BLOCKS) - 1) * count / top))])
    return "".join(blocks)


def histogram_lines(counts: Sequence[int], *, width: int = BAR_WIDTH) -> list[str]:
    """One line per bin: range, bar and count; a bin that holds anything gets at least a sliver."""
    top = max(counts, default=0) or 1
    lines = []
    for index, count in enumerate(counts):
        cells = count * width / top
        full = int(cells)
        bar = "█" * full + ("▏" if count and full == 0 else "")
        lines.append(f"{bin_label(index)} {bar:<{width}} {count}")
    return lines


def trimmed_histogram_lines(counts: Sequence[int], *, width: int = BAR_WIDTH) -> list[str]:
    """`histogram_lines` without the empty bins below the lowest and above the highest score."""
    filled = [i for i, count in enumerate(counts) if count]
    if not filled:
        return []
    return histogram_lines(counts, width=width)[filled[0] : filled[-1] + 1]
