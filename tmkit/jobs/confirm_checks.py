"""The segment-level checks of `tmkit qa` on one segment being confirmed, with their severities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tmkit.memory.model import Segment
from tmkit.quality.defaults import Severity
from tmkit.quality.qa import CHECKS, Check, check_pair

if TYPE_CHECKING:
    from tmkit.terms.model import Termbase


@dataclass(frozen=True, slots=True)
class SegmentFinding:
    """One problem QA finds in a segment: which check, how bad, and what (as `tmkit qa` words it)."""

    check: str
    severity: Severity
    message: str

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


def blocking(findings: Sequence[SegmentFinding]) -> list[SegmentFinding]:
    """The findings that stop a confirmation: error level."""
    return [finding for finding in findings if finding.severity is Severity.ERROR]
