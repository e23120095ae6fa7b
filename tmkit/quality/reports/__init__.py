"""Reports in the shapes CI systems read: terminal text, JSON, JUnit XML, GitHub annotations, Markdown summaries."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from tmkit.atomic import write_text_atomic
from tmkit.errors import InputError, ParameterError
from tmkit.quality.defaults import REPORT_KINDS, ReportKind

#: GitHub shows at most 10 annotations of a kind per step; tmkit emits at most this many in all.
GITHUB_ANNOTATION_LIMIT = 10
#: GitHub refuses a job summary over 1 MiB per step.
GITHUB_SUMMARY_LIMIT = 1024 * 1024


RunT = TypeVar("RunT")


@dataclass(frozen=True, slots=True)
class Renderers(Generic[RunT]):
    """How one command's run becomes each kind of report; `render` picks by kind."""

    text: Callable[[RunT], str]
    json: Callable[[RunT], dict[str, Any]]
    junit: Callable[[RunT], str]
    github: Callable[[RunT], str]
    #: The job summary, trimmed to stay under a size in bytes.
    markdown: Callable[[RunT, int], str]

    def render(self, run: RunT, kind: ReportKind | str, *, summary_limit: int = GITHUB_SUMMARY_LIMIT) -> str:
        """The report of ``kind`` as text."""
        match ReportKind(kind):
            case ReportKind.TEXT:
                return self.text(run)
            case ReportKind.JSON:
                return json.dumps(self.json(run), ensure_ascii=False, indent=2) + "\n"
            case ReportKind.JUNIT:
                return self.junit(run)
            case ReportKind.GITHUB:
                return self.github(run)
            case ReportKind.MARKDOWN:
                return self.markdown(run, summary_limit)


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """A report to write: its kind and its file (`-` for stdout)."""

    kind: ReportKind
    path: str


def parse_report_spec(spec: str) -> ReportSpec:
    """`json:score.json` → ReportSpec("json", "score.json"); the kind comes before the first colon."""
    kind, sep, path = spec.partition(":")
    kind = kind.strip().lower()
    if not sep or not path:
        raise ParameterError(
            "{reports} {spec!r}: write KIND:PATH, e.g. json:score.json ({kinds})",
            values={"spec": spec, "kinds": ", ".join(REPORT_KINDS)},
        )
    if kind not in REPORT_KINDS:
        raise ParameterError(
            "{reports} {spec!r}: unknown kind {kind!r} (one of {kinds})",
            values={"spec": spec, "kind": kind, "kinds": ", ".join(REPORT_KINDS)},
        )
    return ReportSpec(ReportKind(kind), path)


def parse_report_specs(specs: list[str] | None) -> list[ReportSpec]:
    """Every report spec (`KIND:PATH`), refusing two reports into one file; errors name the ``reports`` parameter."""
    reports = [parse_report_spec(s) for s in specs or []]
    seen: dict[str, str] = {}
    for report in reports:
        if report.path == "-":
            continue
        # Found out now, not after minutes of scoring.
        folder = Path(report.path).parent
        if str(folder) and not folder.is_dir():
            raise ParameterError(
                "{reports} {kind}:{path}: no such folder {folder}",
                values={"kind": report.kind, "path": report.path, "folder": folder},
            )
        key = os.path.abspath(report.path)
        if key in seen:
            raise ParameterError(
                "{reports}: {path} is named twice ({first} and {kind})",
                values={"path": report.path, "first": seen[key], "kind": report.kind},
            )
        seen[key] = report.kind
    return reports


def write_report(path: str, content: str) -> None:
    """Write a report file atomically; a missing folder or a read-only place is one clear error."""
    folder = Path(path).parent
    if str(folder) and not folder.is_dir():
        raise InputError("cannot write the report: no such folder", path=path)
    try:
        write_text_atomic(path, content)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}", path=path) from None


def append_summary(path: str, markdown: str) -> None:
    """Add a Markdown job summary to GitHub's ``$GITHUB_STEP_SUMMARY`` file (rewritten atomically)."""
    try:
        with open(path, encoding="utf-8") as handle:
            existing = handle.read()
    except FileNotFoundError:
        existing = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the job summary file: {exc}", path=path) from None
    separator = "\n" if existing and not existing.endswith("\n") else ""
    write_report(path, existing + separator + markdown)


def summary_room(path: str | None) -> int:
    """How many bytes a job summary may still take in ``path`` before GitHub's 1 MiB limit."""
    if not path:
        return GITHUB_SUMMARY_LIMIT
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    return max(0, GITHUB_SUMMARY_LIMIT - used - 1)
