"""The checks of `tmkit qa` on one segment being confirmed, with their severities: its own, and its consistency with
the segments confirmed before it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tmkit.memory.model import Segment
from tmkit.quality.defaults import Severity
from tmkit.quality.qa import (
    CHECKS,
    Check,
    QaPair,
    check_pair,
    consistency_message,
    inconsistent_groups,
    inconsistent_with,
)

if TYPE_CHECKING:
    from tmkit.terms.model import Termbase


@dataclass(frozen=True, slots=True)
class SegmentFinding:
    """One problem QA finds in a segment: which check, how bad, and what (as `tmkit qa` words it); for a consistency
    check, the other segment (its row) it compares the segment with: the finding holds while that one is unchanged."""

    check: str
    severity: Severity
    message: str
    other: int | None = None

    def describe(self) -> str:
        """One line for a status bar: `error [number-mismatch] 1 number of the source …`."""
        return f"{self.severity.value} [{self.check}] {self.message}"


def check_segment(
    source: str,
    target: str,
    *,
    source_lang: str = "ar",
    target_lang: str = "en",
    source_segment: Segment | None = None,
    target_segment: Segment | None = None,
    checks: Sequence[Check] = CHECKS,
    terms: Termbase | None = None,
) -> list[SegmentFinding]:
    """The findings of `tmkit qa`'s per-segment checks (numbers by value, tags, untranslated text, end punctuation,
    bidi controls, …) for one translation, errors first; the checks that compare a whole file (consistency) do not
    apply to one segment. With a termbase as ``terms`` (the editor's `--terms`), term-missing and term-forbidden
    run too."""
    severity = {check.id: check.severity for check in checks}
    found = [
        SegmentFinding(check, severity[check], message)
        for check, message in check_pair(
            source,
            target,
            source_lang=source_lang,
            target_lang=target_lang,
            checks=checks,
            source_segment=source_segment,
            target_segment=target_segment,
            terms=terms,
        )
    ]
    return sorted(found, key=lambda finding: -finding.severity.rank)


def check_consistency(
    source: str,
    target: str,
    confirmed: Iterable[tuple[int, tuple[str, str]]],
    *,
    texts: Callable[[int], tuple[str, str]],
    source_lang: str = "ar",
    target_lang: str = "en",
    checks: Sequence[Check] = CHECKS,
) -> list[SegmentFinding]:
    """`tmkit qa`'s consistency checks for one translation against the segments confirmed before it (their row
    numbers, with `tmkit.quality.qa.consistency_keys`): the same source translated otherwise, the same translation
    for another source, each found once, naming the first such segment (``texts``: a row's source and target)."""
    severity = {check.id: check.severity for check in checks}
    found = []
    for check, row in inconsistent_with(
        QaPair("", source, target), confirmed, source_lang=source_lang, target_lang=target_lang
    ):
        if check in severity:
            other = QaPair(str(row + 1), *texts(row))
            message = consistency_message(check, QaPair("", source, target), other, f"segment {row + 1}")
            found.append(SegmentFinding(check, severity[check], message, other=row))
    return found


def review_consistency(
    confirmed: Sequence[tuple[int, tuple[str, str]]],
    *,
    texts: Callable[[int], tuple[str, str]],
    checks: Sequence[Check] = CHECKS,
) -> dict[int, list[SegmentFinding]]:
    """`tmkit qa`'s consistency findings over a job's confirmed segments (their rows, with their consistency keys), by
    row: in each group of one source (one translation), the segments that differ from its most usual translation
    (source), naming the first of the usual ones, as `tmkit qa` counts them (each pair counted on both of its segments,
    a reopened job's status bar said QA 6 where tmkit qa found 3)."""
    severity = {check.id: check.severity for check in checks}
    found: dict[int, list[SegmentFinding]] = {}
    for row, check, first in inconsistent_groups(confirmed, set(severity)):
        pair, other = QaPair(str(row + 1), *texts(row)), QaPair(str(first + 1), *texts(first))
        message = consistency_message(check, pair, other, f"segment {first + 1}")
        found.setdefault(row, []).append(SegmentFinding(check, severity[check], message, other=first))
    return found


def blocking(findings: Sequence[SegmentFinding]) -> list[SegmentFinding]:
    """The findings that stop a confirmation: error level."""
    return [finding for finding in findings if finding.severity is Severity.ERROR]
