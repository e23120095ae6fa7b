"""Quality commands: `score` (sacrebleu metrics with CI gates) and `qa` (pre-delivery checks), with CI reports."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any

from tmkit.cli.common import EXIT_CHECK_FAILED, EXIT_OK, warn
from tmkit.errors import InputError
from tmkit.quality.gates import Gate, GateKind, check_baseline, evaluate_gates, load_baseline, parse_gates
from tmkit.quality.qa import CHECKS, DEFAULT_FAIL_ON, QaPair, Severity, run_qa, select_checks
from tmkit.quality.reports import (
    GITHUB_SUMMARY_LIMIT,
    REPORT_KINDS,
    ReportSpec,
    append_summary,
    parse_report_specs,
    qa_report,
    score_report,
    summary_room,
    write_report,
)
from tmkit.quality.scoring import (
    DEFAULT_ALPHA,
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_METRICS,
    METRIC_KEYS,
    OFFLINE_TOKENIZERS,
    compare_systems,
    metric_key,
    score_corpus,
)
from tmkit.quality.testsets import EvalSet, file_kind, load_eval_set, read_system_output
from tmkit.text.normalize import Normalizer

SCORE_EXAMPLES = """\
examples:
  tmkit score samples/article.tmx --hyp samples/article.mt.en.txt
  tmkit score --ref ref.txt --ref ref2.txt --hyp mt.txt --min chrf=55 --max ter=60
  tmkit score testset.tsv --baseline last.json --max-drop chrf=1 --report junit:score.xml
  tmkit score memory.tmx --hyp-prop x-mt --normalize ar --ci
  tmkit score --ref ref.txt --hyp new.txt --compare old.txt --fail-if-worse

exit codes: 0 every gate met, 1 a gate not met, 2 usage or input error, 3 internal error
"""

QA_EXAMPLES = """\
examples:
  tmkit qa samples/article.tmx
  tmkit qa samples/article.tmx --hyp samples/article.mt.en.txt
  tmkit qa source.ar.txt target.en.txt --ignore tag-order,tatweel
  tmkit qa memory.tmx --select 'number-*' --report junit:qa.xml --report github:-

exit codes: 0 no finding at the --fail-on severity, 1 some, 2 usage or input error, 3 internal error
"""


def _wrap(text: str) -> str:
    # The examples after the options keep their lines, so the formatter cannot wrap; wrap here.
    return textwrap.fill(text, width=min(100, shutil.get_terminal_size((100, 24)).columns - 2))


def register(commands: Any) -> None:
    p = commands.add_parser(
        "score",
        help="score translations with chrF, BLEU and TER (sacrebleu) and gate CI on them",
        description=_wrap(
            "Score a system's translations against references with sacrebleu's chrF (primary), "
            "chrF++, BLEU and TER, corpus-level and per segment; check quality gates; write reports for CI "
            "(JSON, JUnit XML, GitHub annotations and job summary). Inputs: line-aligned text files "
            "(--ref, --hyp); a TSV test set with the columns id, source, reference, hypothesis; or TMX, where "
            "the references are the target variants and the hypothesis is another file's (paired by tuid) "
            "or a prop (--hyp-prop). XLIFF is not supported yet (issue 6)."
        ),
        epilog=SCORE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "input",
        nargs="?",
        metavar="INPUT",
        help="a TSV test set, a TMX whose target variants are references, or a reference text file",
    )
    _add_input_options(p, score=True)
    p.add_argument(
        "--metrics",
        default=",".join(DEFAULT_METRICS),
        metavar="LIST",
        help=f"metrics to compute, comma-separated, from {', '.join(METRIC_KEYS)} (default: %(default)s)",
    )
    p.add_argument("--primary", metavar="METRIC", help="the metric that ranks the worst segments (default: the first)")
    p.add_argument(
        "--tokenize",
        choices=OFFLINE_TOKENIZERS,
        help="BLEU's tokenizer (default: intl for an Arabic target, 13a otherwise)",
    )
    p.add_argument(
        "--normalize",
        choices=("none", "ar", "en"),
        default="none",
        help="apply tmkit's normalizer (ar-v1: no harakat or tatweel, one alef, Western digits, folded case "
        "and punctuation; en-v1) to hypotheses and references alike, recorded in the signature",
    )
    p.add_argument(
        "--ci",
        nargs="?",
        type=int,
        const=DEFAULT_BOOTSTRAP_SAMPLES,
        default=0,
        metavar="N",
        help=f"add 95%% bootstrap confidence intervals ({DEFAULT_BOOTSTRAP_SAMPLES} resamples, or N)",
    )
    gates = p.add_argument_group("gates (exit 1 when one is not met)")
    gates.add_argument("--min", action="append", default=[], metavar="METRIC=N", help="e.g. chrf=55, bleu=20")
    gates.add_argument("--max", action="append", default=[], metavar="METRIC=N", help="e.g. ter=60")
    gates.add_argument("--baseline", metavar="JSON", help="an earlier `tmkit score` JSON report (or sacrebleu's JSON)")
    gates.add_argument(
        "--max-drop", action="append", default=[], metavar="METRIC=N", help="largest allowed drop from --baseline"
    )
    gates.add_argument(
        "--compare", metavar="HYP", help="another system's output: paired bootstrap test of the difference"
    )
    gates.add_argument(
        "--samples",
        type=int,
        default=DEFAULT_BOOTSTRAP_SAMPLES,
        metavar="N",
        help="bootstrap resamples of --compare (default: %(default)s)",
    )
    gates.add_argument(
        "--alpha",
        type=float,
        default=DEFAULT_ALPHA,
        metavar="P",
        help="significance level of --compare (default: %(default)s)",
    )
    gates.add_argument(
        "--fail-if-worse", action="store_true", help="a gate: the system must not be significantly worse than --compare"
    )
    out = p.add_argument_group("reports")
    out.add_argument(
        "--worst",
        type=int,
        default=score_report.DEFAULT_WORST,
        metavar="N",
        help="worst segments shown (default: %(default)s)",
    )
    out.add_argument("--all-segments", action="store_true", help="put every segment's scores in the JSON report")
    _add_report_options(out)
    p.set_defaults(handler=cmd_score)

    p = commands.add_parser(
        "qa",
        help="check translations before delivery: numbers, untranslated text, punctuation, tags, bidi, consistency",
        description=_wrap(
            "Run QA checks on the translations of a TMX, a TSV test set, or line-aligned SOURCE and "
            "TARGET text files; with --hyp or --hyp-prop, on a system's output instead of the TMX targets. Each "
            "finding names its check id, severity, unit and line. Numbers are compared by value: 3 = ٣, "
            "3,000 = ٣٬٠٠٠, 3.5 = ٣٫٥, 150 ألف = 150,000."
        ),
        epilog=QA_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="a TMX or TSV file; or two text files: SOURCE TARGET")
    _add_input_options(p, score=False)
    p.add_argument("--select", action="append", metavar="IDS", help="run only these checks (ids or patterns: tag-*)")
    p.add_argument("--ignore", action="append", metavar="IDS", help="skip these checks")
    p.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        default=DEFAULT_FAIL_ON.value,
        help="the severity that fails the run (default: %(default)s)",
    )
    p.add_argument("--list-checks", action="store_true", help="list the checks with their ids and severities")
    _add_report_options(p)
    p.set_defaults(handler=cmd_qa)


def _add_input_options(p: argparse.ArgumentParser, *, score: bool) -> None:
    if score:
        p.add_argument(
            "--ref",
            action="append",
            default=[],
            metavar="FILE",
            help="a reference file (text, TSV or TMX); repeat for several references",
        )
        p.add_argument("--sources", metavar="FILE", help="a text file of source segments, shown with the worst ones")
    p.add_argument("--hyp", metavar="FILE", help="the system output: a text file, a TSV or a TMX")
    p.add_argument("--hyp-prop", metavar="TYPE", help="read the hypothesis from this prop of the input TMX (e.g. x-mt)")
    p.add_argument("--src", metavar="LANG", help="source language (default: the TMX header's, else guessed)")
    p.add_argument("--tgt", metavar="LANG", help="target language (default: the TMX's other language, else guessed)")
    p.add_argument(
        "--align",
        choices=("auto", "id", "position"),
        default="auto",
        help="pair files by tuid/id or by position (default: by id when every file has ids)",
    )
    if score:
        p.add_argument(
            "--skip-missing", action="store_true", help="leave out ids without a hypothesis or reference, not fail"
        )


def _add_report_options(p: Any) -> None:
    p.add_argument(
        "--format",
        choices=REPORT_KINDS,
        help="what stdout gets (default: text; github inside GitHub Actions: text, annotations, job summary)",
    )
    p.add_argument(
        "--report",
        action="append",
        metavar="KIND:PATH",
        help=f"also write a report ({', '.join(REPORT_KINDS)}) to PATH (- for stdout); repeat for several",
    )


# -- output -----------------------------------------------------------------------------------


def _stdout_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _emit(render: Callable[[str, int], str], stdout_format: str, reports: list[ReportSpec]) -> None:
    """Write stdout in its format, then each report; GitHub's job summary is appended, never replaced."""
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY") or None
    if stdout_format == "github":
        sys.stdout.write(render("text", GITHUB_SUMMARY_LIMIT))
        sys.stdout.write(render("github", GITHUB_SUMMARY_LIMIT))
        if step_summary:
            append_summary(step_summary, render("markdown", summary_room(step_summary)))
    else:
        sys.stdout.write(render(stdout_format, GITHUB_SUMMARY_LIMIT))
    for report in reports:
        if report.path == "-":
            sys.stdout.write(render(report.kind, GITHUB_SUMMARY_LIMIT))
        elif (
            report.kind == "markdown" and step_summary and os.path.abspath(report.path) == os.path.abspath(step_summary)
        ):
            if stdout_format != "github":  # github mode has appended it already
                append_summary(step_summary, render("markdown", summary_room(step_summary)))
        else:
            write_report(report.path, render(report.kind, GITHUB_SUMMARY_LIMIT))
    sys.stdout.flush()


def _positive(value: int, option: str, least: int = 1) -> None:
    if value < least:
        raise InputError(f"{option} must be at least {least}")


# -- score ------------------------------------------------------------------------------------


def _load_for_score(args: argparse.Namespace, hypothesis: str | None) -> EvalSet:
    return load_eval_set(
        input_path=args.input,
        references=args.ref,
        hypothesis=hypothesis,
        hypothesis_prop=args.hyp_prop,
        sources=args.sources,
        source_lang=args.src,
        target_lang=args.tgt,
        align=args.align,
    )


def cmd_score(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    gates: list[Gate] = parse_gates(minimum=args.min, maximum=args.max, max_drop=args.max_drop)
    reports = parse_report_specs(args.report)
    metrics = [metric_key(m) for m in args.metrics.split(",") if m.strip()]
    if not metrics:
        raise InputError("--metrics: name at least one metric")
    primary = metric_key(args.primary) if args.primary else metrics[0]
    if args.max_drop and not args.baseline:
        raise InputError("--max-drop compares with a baseline: give --baseline REPORT.json")
    if args.fail_if_worse and not args.compare:
        raise InputError("--fail-if-worse needs --compare OTHER_HYP")
    if args.ci:
        _positive(args.ci, "--ci", 2)
    _positive(args.samples, "--samples", 2)
    _positive(args.worst, "--worst", 0)
    if not 0 < args.alpha < 1:
        raise InputError("--alpha must be between 0 and 1")
    if args.input is None and not args.ref:
        raise InputError("nothing to score: give a TSV or TMX test set, or --ref FILE and --hyp FILE")
    tsv_input = bool(args.input) and file_kind(args.input) == "tsv"
    if args.hyp is None and args.hyp_prop is None and not tsv_input:
        raise InputError("no hypothesis: give --hyp FILE (or --hyp-prop TYPE for a TMX)")
    baseline = load_baseline(args.baseline) if args.baseline else None

    loaded = _load_for_score(args, args.hyp)
    if not loaded.has_hypothesis:
        raise InputError(f"{args.input} has no hypothesis column: give --hyp FILE")
    # The other system is read now, so that its errors come before minutes of scoring.
    other = read_system_output(args.compare, loaded, align=args.align) if args.compare else None
    evalset = loaded.complete(skip_missing=args.skip_missing)
    if evalset.skipped:
        warn(f"left out {len(evalset.skipped)} segments without hypothesis or reference (--skip-missing)")
    if args.fail_if_worse:
        gates += [Gate(GateKind.NOT_WORSE, key) for key in metrics]
    wanted = list(dict.fromkeys([primary, *metrics, *(g.metric for g in gates)]))
    normalizer = Normalizer(args.normalize) if args.normalize != "none" else None
    hypotheses, references = evalset.hypotheses(), evalset.reference_streams()
    scores = score_corpus(
        hypotheses,
        references,
        metrics=wanted,
        primary=primary,
        target_lang=evalset.target_lang,
        tokenize=args.tokenize,
        normalizer=normalizer,
        confidence=args.ci,
        alignment=evalset.alignment,
    )
    warnings: list[str] = []
    if baseline is not None:
        gated = [g.metric for g in gates if g.kind is GateKind.MAX_DROP]
        warnings += check_baseline(baseline, scores, gated)
    comparison = None
    if other is not None:
        comparison = compare_systems(
            hypotheses,
            [other[item.id] for item in evalset.items],
            references,
            metrics=metrics,
            target_lang=evalset.target_lang,
            tokenize=args.tokenize,
            normalizer=normalizer,
            samples=args.samples,
            alpha=args.alpha,
            alignment=evalset.alignment,
        )
    for message in warnings:
        warn(message)
    results = evaluate_gates(gates, scores, baseline=baseline, comparison=comparison, compared_with=args.compare or "")
    run = score_report.ScoreRun(
        scores=scores,
        evalset=evalset,
        gates=results,
        worst=args.worst,
        baseline=baseline,
        comparison=comparison,
        compared_path=args.compare,
        all_segments=args.all_segments,
        elapsed=time.perf_counter() - started,
        warnings=tuple(warnings),
    )
    _emit(lambda kind, room: score_report.render(run, kind, summary_limit=room), _stdout_format(args), reports)
    return EXIT_OK if run.passed else EXIT_CHECK_FAILED


# -- qa ---------------------------------------------------------------------------------------


def _list_checks() -> int:
    width = max(len(c.id) for c in CHECKS)
    for check in CHECKS:
        print(f"{check.id:<{width}}  {check.severity.value:<7}  {check.description}")
    return EXIT_OK


def cmd_qa(args: argparse.Namespace) -> int:
    if args.list_checks:
        return _list_checks()
    started = time.perf_counter()
    checks = select_checks(args.select, args.ignore)
    if not checks:
        raise InputError("--select/--ignore leave no check to run")
    reports = parse_report_specs(args.report)
    inputs: list[str] = args.inputs
    if not inputs:
        raise InputError("nothing to check: give a TMX or TSV file, or SOURCE and TARGET text files")
    if len(inputs) > 2:
        raise InputError("qa takes one TMX or TSV file, or two text files (SOURCE TARGET)")
    options: dict[str, Any] = {
        "source_lang": args.src,
        "target_lang": args.tgt,
        "align": args.align,
        "hypothesis": args.hyp,
        "hypothesis_prop": args.hyp_prop,
    }
    if len(inputs) == 2:
        if args.hyp or args.hyp_prop:
            raise InputError("with SOURCE and TARGET files, --hyp and --hyp-prop have nothing to add")
        evalset = load_eval_set(references=[inputs[1]], sources=inputs[0], **options)
    else:
        evalset = load_eval_set(input_path=inputs[0], **options)
    if all(item.source is None for item in evalset.items):
        raise InputError(
            "no source text to check the translations against: give a TMX or a TSV with a source column, "
            "or two text files (SOURCE TARGET)",
            path=inputs[0],
        )
    pairs = []
    for item in evalset.items:
        source, target = item.source, item.target
        where = target if target is not None else source
        pairs.append(
            QaPair(
                id=item.id,
                source=source.text if source is not None else "",
                target=target.text if target is not None else None,
                path=where.path if where is not None else None,
                line=where.line if where is not None else None,
                source_segment=source.segment if source is not None else None,
                target_segment=target.segment if target is not None else None,
            )
        )
    result = run_qa(pairs, source_lang=evalset.source_lang, target_lang=evalset.target_lang, checks=checks)
    target_path = evalset.hypothesis_path or (evalset.reference_paths[0] if evalset.reference_paths else None)
    run = qa_report.QaRun(
        result=result,
        target_path=target_path,
        source_path=evalset.source_path,
        fail_on=Severity(args.fail_on),
        elapsed=time.perf_counter() - started,
        inputs=tuple(inputs) + tuple(p for p in (args.hyp,) if p),
    )
    _emit(lambda kind, room: qa_report.render(run, kind, summary_limit=room), _stdout_format(args), reports)
    return EXIT_OK if run.passed else EXIT_CHECK_FAILED
