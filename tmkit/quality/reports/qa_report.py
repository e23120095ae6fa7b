"""The reports of `tmkit qa`: findings as compiler-style lines, JSON, JUnit XML, GitHub annotations, Markdown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tmkit import __version__
from tmkit.quality.defaults import DEFAULT_FAIL_ON, Severity
from tmkit.quality.qa import Check, Finding, QaResult
from tmkit.quality.reports import GITHUB_ANNOTATION_LIMIT, GITHUB_SUMMARY_LIMIT, Renderers
from tmkit.quality.reports.github import Annotation, fit_markdown, markdown_cell, render_annotations
from tmkit.quality.reports.junit import TestCase, render_junit
from tmkit.quality.runs import QaOutcome
from tmkit.wording import plural

#: Findings a JUnit failure lists before it says how many more there are.
JUNIT_FINDINGS_PER_CASE = 200


@dataclass(frozen=True, slots=True)
class QaRun:
    """A QA run: the result, what was checked, and the severity that fails it."""

    result: QaResult
    target_path: str | None
    source_path: str | None = None
    fail_on: Severity = DEFAULT_FAIL_ON
    elapsed: float = 0.0
    inputs: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, outcome: QaOutcome) -> QaRun:
        """The report of a QA job."""
        return cls(
            result=outcome.result,
            target_path=outcome.target_path,
            source_path=outcome.source_path,
            fail_on=outcome.fail_on,
            elapsed=outcome.elapsed,
            inputs=outcome.inputs,
        )

    @property
    def passed(self) -> bool:
        return self.result.passed(self.fail_on)


def summary_lines(run: QaRun) -> list[str]:
    """`qa: 30 units · 2 errors · 1 warning` and `checks: 14/15 ok; failing: number-mismatch (2 errors)`."""
    result = run.result
    errors, warnings = result.count(severity=Severity.ERROR), result.count(severity=Severity.WARNING)
    first = f"qa: {plural(result.n_pairs, 'unit')} · {plural(errors, 'error')} · {plural(warnings, 'warning')}"
    failing = result.failing_checks(run.fail_on)
    second = f"checks: {len(result.checks) - len(failing)}/{len(result.checks)} ok"
    if failing:
        second += "; failing: " + ", ".join(f"{c.id} ({plural(result.count(c.id), 'finding')})" for c in failing)
    return [first, second]


def render_text(run: QaRun) -> str:
    lines = [finding.format() for finding in run.result.findings]
    if lines:
        lines.append("")
    lines += summary_lines(run)
    return "\n".join(lines) + "\n"


def _finding_record(finding: Finding) -> dict[str, Any]:
    return {
        "check": finding.check,
        "severity": finding.severity.value,
        "id": finding.id,
        "file": finding.path,
        "line": finding.line,
        "message": finding.message,
    }


def build_json(run: QaRun) -> dict[str, Any]:
    result = run.result
    counts = Counter(f.check for f in result.findings)
    failing = {c.id for c in result.failing_checks(run.fail_on)}
    return {
        "tool": "tmkit",
        "command": "qa",
        "version": __version__,
        "inputs": list(run.inputs),
        "target": run.target_path,
        "source_lang": result.source_lang,
        "target_lang": result.target_lang,
        "units": result.n_pairs,
        "fail_on": run.fail_on.value,
        "checks": [
            {
                "id": c.id,
                "severity": c.severity.value,
                "description": c.description,
                "findings": counts.get(c.id, 0),
                "passed": c.id not in failing,
            }
            for c in result.checks
        ],
        "counts": {
            "error": result.count(severity=Severity.ERROR),
            "warning": result.count(severity=Severity.WARNING),
        },
        "findings": [_finding_record(f) for f in result.findings],
        "passed": run.passed,
    }


def _case(run: QaRun, check: Check, failing: bool) -> TestCase:
    findings = [f for f in run.result.findings if f.check == check.id]
    listed = "\n".join(f.format() for f in findings[:JUNIT_FINDINGS_PER_CASE])
    if len(findings) > JUNIT_FINDINGS_PER_CASE:
        listed += f"\n… and {len(findings) - JUNIT_FINDINGS_PER_CASE} more"
    name = f"{check.id}: {check.description}"
    if failing:
        message = f"{plural(len(findings), 'finding')} of {check.id} ({check.severity.value})"
        return TestCase(name, "tmkit.qa", failure=message, details=listed, failure_type="qa-check")
    return TestCase(name, "tmkit.qa", output=listed)


def render_junit_report(run: QaRun) -> str:
    """One test case per check run; a check fails when it has a finding at or above the fail-on severity."""
    failing = {c.id for c in run.result.failing_checks(run.fail_on)}
    cases = [_case(run, check, check.id in failing) for check in run.result.checks]
    suite = f"tmkit qa {run.target_path or ''}".strip()
    return render_junit(suite, cases, time=run.elapsed, output="\n".join(summary_lines(run)))


def build_annotations(run: QaRun) -> list[Annotation]:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning"}
    return [
        Annotation(level[f.severity], f.message, title=f"tmkit qa: {f.check} (unit {f.id})", file=f.path, line=f.line)
        for f in run.result.findings
    ]


def render_github(run: QaRun, *, limit: int = GITHUB_ANNOTATION_LIMIT) -> str:
    return render_annotations(build_annotations(run), limit=limit)


def _markdown(run: QaRun, rows: int | None) -> str:
    result = run.result
    first, second = summary_lines(run)
    mark = "✅" if run.passed else "❌"
    out = [f"### {mark} tmkit qa — {markdown_cell(second, limit=500)}", "", markdown_cell(first, limit=500), ""]
    failing = {c.id for c in result.failing_checks(run.fail_on)}
    out += ["| check | severity | findings | result |", "|---|---|---:|---|"]
    for check in result.checks:
        status = "❌ failing" if check.id in failing else ("⚠️ findings" if result.count(check.id) else "✅ ok")
        out.append(f"| `{check.id}` | {check.severity.value} | {result.count(check.id)} | {status} |")
    findings = result.findings if rows is None else result.findings[:rows]
    if result.findings:
        out += ["", f"<details><summary>{plural(len(result.findings), 'finding')}</summary>", ""]
        out += ["| where | unit | check | message |", "|---|---|---|---|"]
        for f in findings:
            where = f"{f.path}:{f.line}" if f.line is not None else (f.path or "")
            out.append(
                f"| {markdown_cell(where)} | {markdown_cell(f.id)} | {f.severity.value} `{f.check}` | "
                f"{markdown_cell(f.message, limit=300)} |"
            )
        if len(findings) < len(result.findings):
            out.append(
                f"\n… {len(result.findings) - len(findings)} more left out to stay under GitHub's 1 MiB summary limit"
            )
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def render_markdown(run: QaRun, *, limit: int = GITHUB_SUMMARY_LIMIT) -> str:
    return fit_markdown(lambda rows: _markdown(run, rows), len(run.result.findings), limit)


RENDERERS: Renderers[QaRun] = Renderers(
    text=render_text,
    json=build_json,
    junit=render_junit_report,
    github=render_github,
    markdown=lambda run, limit: render_markdown(run, limit=limit),
)
render = RENDERERS.render
