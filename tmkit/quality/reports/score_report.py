"""The reports of `tmkit score`: a terminal table, JSON, JUnit XML, GitHub annotations and a Markdown summary."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass, field
from typing import Any

import sacrebleu

from tmkit import __version__
from tmkit.quality.defaults import DEFAULT_WORST
from tmkit.quality.gates import Baseline, GateResult, all_passed, gate_line
from tmkit.quality.reports import GITHUB_ANNOTATION_LIMIT, GITHUB_SUMMARY_LIMIT, Renderers
from tmkit.quality.reports.charts import distribution, sparkline, trimmed_histogram_lines
from tmkit.quality.reports.github import (
    Annotation,
    fit_markdown,
    markdown_cell,
    markdown_code,
    render_annotations,
)
from tmkit.quality.reports.junit import TestCase, render_junit
from tmkit.quality.runs import ScoreOutcome
from tmkit.quality.scoring import Comparison, CorpusScore, MetricScore
from tmkit.quality.testsets import EvalItem, EvalSet
from tmkit.wording import plural


@dataclass(frozen=True, slots=True)
class ScoreRun:
    """Everything one `tmkit score` run found, ready to be reported in any format."""

    scores: CorpusScore
    evalset: EvalSet
    gates: tuple[GateResult, ...] = ()
    worst: int = DEFAULT_WORST
    baseline: Baseline | None = None
    comparison: Comparison | None = None
    compared_path: str | None = None
    all_segments: bool = False
    elapsed: float = 0.0
    warnings: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, outcome: ScoreOutcome, *, worst: int = DEFAULT_WORST, all_segments: bool = False) -> ScoreRun:
        """The report of a scoring job, listing its ``worst`` segments (and every one with ``all_segments``)."""
        return cls(
            scores=outcome.scores,
            evalset=outcome.evalset,
            gates=outcome.gates,
            worst=worst,
            baseline=outcome.baseline,
            comparison=outcome.comparison,
            compared_path=outcome.compared_with,
            all_segments=all_segments,
            elapsed=outcome.elapsed,
            warnings=outcome.warnings,
        )

    @property
    def passed(self) -> bool:
        return all_passed(self.gates)

    def worst_indices(self, metric: str | None = None) -> list[int]:
        """Indices of the worst segments by ``metric`` (a key of the scores; the primary metric by default), lowest
        first (highest first for TER). A segment with the best score there is (100, TER 0) is none of the worst: in
        a test set of three, "worst segment 2 of 3" was put on a perfect translation."""
        scored = self.scores.primary_metric if metric is None else self.scores[metric]
        sign = 1 if scored.higher_is_better else -1
        best = 100.0 if scored.higher_is_better else 0.0
        order = sorted(
            (i for i, score in enumerate(scored.segment_scores) if score != best),
            key=lambda i: (sign * scored.segment_scores[i], i),
        )
        return order[: max(0, self.worst)]


def _where(item: EvalItem) -> str:
    hyp = item.hypothesis
    if hyp is None:
        return item.id
    place = f"{hyp.path}:{hyp.line}" if hyp.line is not None else hyp.path
    return place if item.id == str(hyp.line) else f"{place} ({item.id})"


def _ci_text(metric: MetricScore) -> str:
    if metric.ci is None:
        return ""
    return f"μ = {metric.ci.mean:.2f} ± {metric.ci.half_width:.2f} [{metric.ci.low:.2f}, {metric.ci.high:.2f}]"


def _describe_inputs(run: ScoreRun) -> str:
    es = run.evalset
    refs = len(es.reference_paths)
    parts = [
        plural(run.scores.n_segments, "segment"),
        plural(refs, "reference"),
        f"{es.source_lang} → {es.target_lang}" if es.source_known else f"into {es.target_lang}",
    ]
    return " · ".join(parts)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


#: Lines of one segment's text in the terminal report; longer texts end with "…".
MAX_WRAPPED_LINES = 4


def _wrapped(label: str, text: str, width: int) -> list[str]:
    """A segment's text wrapped under its label, so the whole of a bad translation can be read."""
    lines = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(lines) > MAX_WRAPPED_LINES:
        lines = lines[:MAX_WRAPPED_LINES]
        lines[-1] = _clip(lines[-1] + " …", width)
    return [f"    {label if i == 0 else '':<3}  {line}" for i, line in enumerate(lines)]


# -- text -------------------------------------------------------------------------------------


def render_text(run: ScoreRun, *, width: int | None = None) -> str:
    """The terminal report: scores, signatures, the per-segment distribution, the worst segments, gates."""
    columns = width or shutil.get_terminal_size((100, 24)).columns
    es, scores = run.evalset, run.scores
    out = [f"tmkit score: {_describe_inputs(run)}"]
    out.append(f"  hypothesis  {es.hypothesis_path}")
    for path in es.reference_paths:
        out.append(f"  reference   {path}")
    pairing = {"line": "line by line", "row": "row by row", "unit": "within each unit", "position": "by position"}
    out.append(f"  paired      {pairing.get(es.alignment, 'by ' + es.alignment)}")
    if es.skipped:
        out.append(f"  skipped     {len(es.skipped)} without hypothesis or reference: {', '.join(es.skipped[:5])}")
    out.append("")
    name_width = max(len(m.name) for m in scores)
    for metric in scores:
        line = f"  {metric.name:<{name_width}}  {metric.score:6.2f}"
        if metric.ci is not None:
            line += f"  ({_ci_text(metric)})"
        if metric.verbose:
            line += f"  {metric.verbose}"
        out.append(line)
    out.append("")
    out.append("signatures:")
    for metric in scores:
        out.append(f"  {metric.name:<{name_width}}  {metric.signature}")
        if metric.segment_signature != metric.signature:
            out.append(f"  {'':<{name_width}}  per segment: {metric.segment_signature}")
    primary = scores.primary_metric
    dist = distribution(primary.segment_scores)
    out.append("")
    out.append(
        f"{primary.name} per segment  [{sparkline(dist.counts)}]  0→100   min {dist.minimum:.1f} · median "
        f"{dist.median:.1f} · mean {dist.mean:.1f} · max {dist.maximum:.1f}"
    )
    # Empty bins below the lowest score and above the highest say nothing; the sparkline keeps 0–100.
    out.extend("  " + line for line in trimmed_histogram_lines(dist.counts))
    worst = run.worst_indices()
    if worst:
        out.append("")
        out.append(f"worst {plural(len(worst), 'segment')} by {primary.name}:")
        text_width = max(20, columns - 10)
        for index in worst:
            item = es.items[index]
            values = "  ".join(f"{m.name} {m.segment_scores[index]:.1f}" for m in scores)
            out.append(f"  {_where(item)}  {values}")
            if item.source is not None:
                out += _wrapped("src", item.source.text, text_width)
            out += _wrapped("hyp", item.hypothesis.text if item.hypothesis else "", text_width)
            for ref in item.references:
                out += _wrapped("ref", ref.text if ref else "", text_width)
    if run.comparison is not None:
        out.append("")
        out.append(
            f"compared with {run.compared_path} (paired bootstrap, {run.comparison.samples} resamples, "
            f"seed {run.comparison.seed}):"
        )
        for test in run.comparison.results:
            out.append(
                f"  {test.name:<{name_width}}  {test.score:6.2f} vs {test.baseline_score:6.2f}  "
                f"Δ {test.delta:+.2f}  p = {test.p_value:.4f}  {test.verdict}"
            )
    if run.baseline is not None:
        out.append("")
        out.append(f"baseline {run.baseline.path}:")
        for metric in scores:
            old = run.baseline.scores.get(metric.key)
            if old is not None:
                out.append(
                    f"  {metric.name:<{name_width}}  {metric.score:6.2f}  was {old:6.2f}  Δ {metric.score - old:+.2f}"
                )
    out.append("")
    out.append(gate_line(run.gates))
    return "\n".join(out) + "\n"


# -- JSON -------------------------------------------------------------------------------------


def _segment_record(run: ScoreRun, index: int, rank: int | None = None) -> dict[str, Any]:
    item = run.evalset.items[index]
    record: dict[str, Any] = {}
    if rank is not None:
        record["rank"] = rank
    record["id"] = item.id
    record["file"] = item.hypothesis.path if item.hypothesis else None
    record["line"] = item.hypothesis.line if item.hypothesis else None
    record["scores"] = {m.name: m.segment_scores[index] for m in run.scores}
    record["hypothesis"] = item.hypothesis.text if item.hypothesis else None
    record["references"] = [r.text if r else None for r in item.references]
    record["source"] = item.source.text if item.source else None
    return record


def build_json(run: ScoreRun) -> dict[str, Any]:
    """The JSON report; its `metrics` entries have sacrebleu's `name`/`score`/`signature`, so it can be a baseline."""
    es, scores = run.evalset, run.scores
    metrics = []
    for metric in scores:
        dist = distribution(metric.segment_scores)
        entry: dict[str, Any] = {
            "name": metric.name,
            "key": metric.key,
            "score": metric.score,
            "signature": metric.signature,
            "sacrebleu_signature": metric.sacrebleu_signature,
            "segment_signature": metric.segment_signature,
            "higher_is_better": metric.higher_is_better,
            "verbose_score": metric.verbose or None,
            "ci": None,
            "segments": {
                "min": dist.minimum,
                "median": dist.median,
                "mean": dist.mean,
                "max": dist.maximum,
                "histogram": list(dist.counts),
            },
        }
        if metric.ci is not None:
            entry["ci"] = {
                "samples": metric.ci.samples,
                "seed": metric.ci.seed,
                "mean": metric.ci.mean,
                "low": metric.ci.low,
                "high": metric.ci.high,
                "half_width": metric.ci.half_width,
            }
        metrics.append(entry)
    data: dict[str, Any] = {
        "tool": "tmkit",
        "command": "score",
        "version": __version__,
        "sacrebleu": sacrebleu.__version__,
        "inputs": {
            "hypothesis": es.hypothesis_path,
            "references": list(es.reference_paths),
            "sources": es.source_path,
            "alignment": es.alignment,
            "source_lang": es.source_lang,
            "target_lang": es.target_lang,
        },
        "n_segments": scores.n_segments,
        "n_references": scores.n_references,
        "skipped": list(es.skipped),
        "primary": scores.primary_metric.name,
        "tokenize": scores.tokenize,
        "normalization": scores.normalization,
        "metrics": metrics,
        "gates": [
            {
                "name": r.gate.label,
                "kind": r.gate.kind.value,
                "metric": r.gate.name,
                "threshold": r.gate.threshold,
                "value": r.value,
                "baseline": r.baseline,
                "passed": r.passed,
                "message": r.message,
            }
            for r in run.gates
        ],
        "baseline": None,
        "comparison": None,
        "worst": [_segment_record(run, index, rank) for rank, index in enumerate(run.worst_indices(), start=1)],
        "passed": run.passed,
    }
    if run.baseline is not None:
        data["baseline"] = {
            "path": run.baseline.path,
            "scores": {m.name: run.baseline.scores[m.key] for m in scores if m.key in run.baseline.scores},
            "delta": {m.name: m.score - run.baseline.scores[m.key] for m in scores if m.key in run.baseline.scores},
        }
    if run.comparison is not None:
        data["comparison"] = {
            "against": run.compared_path,
            "test": "paired bootstrap",
            "samples": run.comparison.samples,
            "seed": run.comparison.seed,
            "results": [
                {
                    "name": t.name,
                    "score": t.score,
                    "baseline_score": t.baseline_score,
                    "delta": t.delta,
                    "p_value": t.p_value,
                    "alpha": t.alpha,
                    "significant": t.significant,
                    "verdict": t.verdict,
                    "mean": t.mean,
                    "ci": t.ci,
                    "baseline_mean": t.baseline_mean,
                    "baseline_ci": t.baseline_ci,
                    "signature": t.signature,
                }
                for t in run.comparison.results
            ],
        }
    if run.all_segments:
        data["segments"] = [_segment_record(run, index) for index in range(len(es.items))]
    return data


# -- JUnit ------------------------------------------------------------------------------------


def render_junit_report(run: ScoreRun) -> str:
    """One test case per gate; the scores and their signatures as suite properties and output. A failed gate lists
    the worst segments by its own metric (a TER gate's by TER)."""
    cases = []
    for result in run.gates:
        metric = run.scores[result.gate.metric]
        output = f"{result.message}\n{metric.name}|{metric.signature}"
        if result.passed:
            cases.append(TestCase(result.gate.label, "tmkit.score", output=output))
        else:
            worst = "\n".join(
                f"{_where(run.evalset.items[i])}: {metric.name} {metric.segment_scores[i]:.1f}"
                for i in run.worst_indices(result.gate.metric)
            )
            details = f"{result.message}\n\nsignature: {metric.signature}"
            if worst:
                details += f"\n\nworst segments:\n{worst}"
            cases.append(TestCase(result.gate.label, "tmkit.score", failure=result.message, details=details))
    properties = {m.name: f"{m.score:.4f}" for m in run.scores}
    properties.update({f"{m.name} signature": m.signature for m in run.scores})
    summary = "\n".join(f"{m.name} = {m.score:.2f}  {m.signature}" for m in run.scores) + "\n" + gate_line(run.gates)
    suite = f"tmkit score {run.evalset.hypothesis_path}"
    return render_junit(suite, cases, time=run.elapsed, properties=properties, output=summary)


# -- GitHub -----------------------------------------------------------------------------------


def build_annotations(run: ScoreRun) -> list[Annotation]:
    """An error per failed gate, then a warning per worst segment (file and line of the hypothesis)."""
    annotations = [
        Annotation("error", r.message, title=f"tmkit score: {r.gate.label}", file=run.evalset.hypothesis_path)
        for r in run.gates
        if not r.passed
    ]
    primary = run.scores.primary_metric
    total = run.scores.n_segments
    for rank, index in enumerate(run.worst_indices(), start=1):
        item = run.evalset.items[index]
        hyp = item.hypothesis
        ref = next((r for r in item.references if r is not None), None)
        message = f"hypothesis: {_clip(hyp.text if hyp else '', 300)}\nreference: {_clip(ref.text if ref else '', 300)}"
        annotations.append(
            Annotation(
                "warning",
                message,
                title=f"{primary.name} {primary.segment_scores[index]:.1f}: worst segment {rank} of {total}",
                file=hyp.path if hyp else None,
                line=hyp.line if hyp else None,
            )
        )
    return annotations


def render_github(run: ScoreRun, *, limit: int = GITHUB_ANNOTATION_LIMIT) -> str:
    return render_annotations(build_annotations(run), limit=limit)


# -- Markdown ---------------------------------------------------------------------------------


def _markdown(run: ScoreRun, rows: int | None) -> str:
    scores = run.scores
    mark = "✅" if run.passed else "❌"
    out = [f"### {mark} tmkit score — {markdown_cell(gate_line(run.gates), limit=500)}", ""]
    out.append(
        f"{markdown_cell(_describe_inputs(run))} · hypothesis {markdown_code(run.evalset.hypothesis_path or '')}"
    )
    out.append("")
    out.append("| metric | score | 95% CI | signature |")
    out.append("|---|---:|---|---|")
    for metric in scores:
        out.append(
            f"| {metric.name} | {metric.score:.2f} | {markdown_cell(_ci_text(metric))} | "
            f"{markdown_code(metric.signature, limit=400)} |"
        )
    if run.gates:
        out += ["", "| gate | result | measured |", "|---|---|---|"]
        for result in run.gates:
            out.append(
                f"| {markdown_cell(result.gate.label)} | {'✅ ok' if result.passed else '❌ not met'} | "
                f"{markdown_cell(result.message, limit=400)} |"
            )
    if run.comparison is not None:
        out += ["", f"Paired bootstrap against {markdown_code(run.compared_path or '')}:", ""]
        out += ["| metric | this | other | Δ | p | verdict |", "|---|---:|---:|---:|---:|---|"]
        for t in run.comparison.results:
            out.append(
                f"| {t.name} | {t.score:.2f} | {t.baseline_score:.2f} | {t.delta:+.2f} | {t.p_value:.4f} "
                f"| {t.verdict} |"
            )
    primary = scores.primary_metric
    dist = distribution(primary.segment_scores)
    out += ["", f"**{primary.name} per segment** `{sparkline(dist.counts)}`", "", "```text"]
    out += trimmed_histogram_lines(dist.counts)
    out += ["```"]
    worst = run.worst_indices()
    if worst:
        shown = worst if rows is None else worst[:rows]
        out += ["", f"<details><summary>Worst {plural(len(worst), 'segment')} by {primary.name}</summary>", ""]
        names = " | ".join(m.name for m in scores)
        out += [f"| where | {names} | hypothesis | reference |", "|---|" + "---:|" * len(scores.metrics) + "---|---|"]
        for index in shown:
            item = run.evalset.items[index]
            ref = next((r for r in item.references if r is not None), None)
            values = " | ".join(f"{m.segment_scores[index]:.1f}" for m in scores)
            hyp = markdown_cell(item.hypothesis.text if item.hypothesis else "")
            out.append(
                f"| {markdown_cell(_where(item))} | {values} | {hyp} | {markdown_cell(ref.text if ref else '')} |"
            )
        if len(shown) < len(worst):
            out.append(f"\n… {len(worst) - len(shown)} more left out to stay under GitHub's 1 MiB summary limit")
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def render_markdown(run: ScoreRun, *, limit: int = GITHUB_SUMMARY_LIMIT) -> str:
    """The job summary, trimmed (worst-segment rows first) to stay under ``limit`` bytes."""
    return fit_markdown(lambda rows: _markdown(run, rows), len(run.worst_indices()), limit)


RENDERERS: Renderers[ScoreRun] = Renderers(
    text=render_text,
    json=build_json,
    junit=render_junit_report,
    github=render_github,
    markdown=lambda run, limit: render_markdown(run, limit=limit),
)
render = RENDERERS.render
