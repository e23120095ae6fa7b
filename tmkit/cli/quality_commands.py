"""Quality commands: `score` (sacrebleu metrics with CI gates) and `qa` (pre-delivery checks), with CI reports."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tmkit.cli.common import EXIT_CHECK_FAILED, EXIT_OK, refuse_overwriting_inputs, warn
from tmkit.errors import InputError
from tmkit.quality.defaults import (
    DEFAULT_ALPHA,
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_CHRF_BETA,
    DEFAULT_CHRF_CHAR_ORDER,
    DEFAULT_CHRF_WORD_ORDER,
    DEFAULT_FAIL_ON,
    DEFAULT_MAX_NGRAM_ORDER,
    DEFAULT_METRICS,
    DEFAULT_SMOOTH_METHOD,
    DEFAULT_WORST,
    METRIC_KEYS,
    NORMALIZATIONS,
    OFFLINE_TOKENIZERS,
    REPORT_KINDS,
    SMOOTH_METHODS,
    SMOOTH_VALUE_DEFAULTS,
    MetricOptions,
    PairBy,
    ReportKind,
    Severity,
)
from tmkit.wording import plural

if TYPE_CHECKING:
    from tmkit.quality.reports import ReportSpec

SCORE_EXAMPLES = """\
examples:
  tmkit score samples/article.tmx --hyp samples/article.mt.en.txt
  tmkit score --ref ref.txt --ref ref2.txt --hyp mt.txt --min chrf=55 --max ter=60
  tmkit score testset.tsv --baseline last.json --max-drop chrf=1 --report junit:score.xml
  tmkit score memory.tmx --hyp-prop x-mt --normalize ar --ci
  tmkit score --ref ref.txt --hyp new.txt --compare old.txt --fail-if-worse
  tmkit score --ref ref.txt --hyp mt.txt --metrics bleu,chrf,ter --smooth-method floor --chrf-beta 3 --ter-normalized

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
            "(--ref, --hyp); a TSV test set with the columns id, source, reference, hypothesis; or TMX or XLIFF, "
            "where the references are the targets and the hypothesis is another file's (paired by tuid or unit id) "
            "or a prop of the TMX (--hyp-prop)."
        ),
        epilog=SCORE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "input",
        nargs="?",
        metavar="INPUT",
        help="a TSV test set, a TMX or XLIFF whose targets are references, or a reference text file",
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
        "--normalize",
        choices=("none", *NORMALIZATIONS),
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
    _add_metric_options(p)
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
        default=DEFAULT_WORST,
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
            "Run QA checks on the translations of a TMX, an XLIFF, a TSV test set, or line-aligned SOURCE and "
            "TARGET text files; with --hyp or --hyp-prop, on a system's output instead of the TMX targets. Each "
            "finding names its check id, severity, unit and line. Numbers are compared by value: 3 = ٣, "
            "3,000 = ٣٬٠٠٠, 3.5 = ٣٫٥, 150 ألف = 150,000."
        ),
        epilog=QA_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "inputs", nargs="*", metavar="INPUT", help="a TMX, XLIFF or TSV file; or two text files: SOURCE TARGET"
    )
    _add_input_options(p, score=False)
    p.add_argument("--select", action="append", metavar="IDS", help="run only these checks (ids or patterns: tag-*)")
    p.add_argument("--ignore", action="append", metavar="IDS", help="skip these checks")
    p.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        default=DEFAULT_FAIL_ON.value,
        help="the severity that fails the run (default: %(default)s)",
    )
    p.add_argument(
        "--terms",
        action="append",
        default=[],
        metavar="TERMBASE",
        help="a termbase (TBX, CSV/TSV, OmegaT glossary) for the term-missing and term-forbidden checks (repeatable)",
    )
    p.add_argument(
        "--tm",
        action="append",
        default=[],
        metavar="MEMORY",
        help="a TMX memory whose target-side words the spelling check accepts (repeatable)",
    )
    p.add_argument("--list-checks", action="store_true", help="list the checks with their ids and severities")
    _add_report_options(p)
    p.set_defaults(handler=cmd_qa)


def _add_metric_options(p: argparse.ArgumentParser) -> None:
    """sacrebleu's metric options, with its flag names (and short forms) and defaults."""
    bleu = p.add_argument_group("BLEU (sacrebleu's options and defaults)")
    bleu.add_argument(
        "--tokenize",
        "-tok",
        choices=OFFLINE_TOKENIZERS,
        help="tokenizer (default: intl for an Arabic target, 13a otherwise; ja-mecab and ko-mecab need "
        "sacrebleu[ja] or sacrebleu[ko])",
    )
    bleu.add_argument(
        "--smooth-method",
        "-s",
        choices=SMOOTH_METHODS,
        default=DEFAULT_SMOOTH_METHOD,
        help="smoothing: exponential decay, floor (increment zero counts), add-k, or none (default: %(default)s)",
    )
    defaults = ", ".join(f"{method} {value:g}" for method, value in SMOOTH_VALUE_DEFAULTS.items())
    bleu.add_argument(
        "--smooth-value",
        "-sv",
        type=float,
        metavar="X",
        help=f"the value of floor and add-k smoothing (default: {defaults})",
    )
    bleu.add_argument("--lowercase", "-lc", action="store_true", help="case-insensitive BLEU")
    bleu.add_argument(
        "--max-ngram-order",
        type=int,
        default=DEFAULT_MAX_NGRAM_ORDER,
        metavar="N",
        help="the largest n-gram order (default: %(default)s)",
    )
    bleu.add_argument(
        "--effective-order",
        action="store_true",
        help="leave out n-gram orders without matches in the corpus score (segment BLEU always does)",
    )
    chrf = p.add_argument_group("chrF and chrF++ (sacrebleu's options and defaults)")
    chrf.add_argument(
        "--chrf-char-order",
        "-cc",
        type=int,
        default=DEFAULT_CHRF_CHAR_ORDER,
        metavar="N",
        help="character n-gram order (default: %(default)s)",
    )
    chrf.add_argument(
        "--chrf-word-order",
        "-cw",
        type=int,
        default=DEFAULT_CHRF_WORD_ORDER,
        metavar="N",
        help="word n-gram order of chrf (default: %(default)s; chrf++ is always 2)",
    )
    chrf.add_argument(
        "--chrf-beta",
        type=int,
        default=DEFAULT_CHRF_BETA,
        metavar="N",
        help="weight of recall against precision (default: %(default)s)",
    )
    chrf.add_argument("--chrf-whitespace", action="store_true", help="keep whitespace in character n-grams")
    chrf.add_argument("--chrf-lowercase", action="store_true", help="case-insensitive chrF")
    chrf.add_argument(
        "--chrf-eps-smoothing",
        action="store_true",
        help="epsilon smoothing (as chrF++.py, NLTK and Moses) instead of effective order",
    )
    ter = p.add_argument_group("TER (sacrebleu's options and defaults: TERCOM's)")
    ter.add_argument("--ter-case-sensitive", action="store_true", help="case-sensitive TER")
    ter.add_argument(
        "--ter-asian-support",
        action="store_true",
        help="split CJK characters (with --ter-normalized or --ter-no-punct)",
    )
    ter.add_argument("--ter-no-punct", action="store_true", help="remove punctuation")
    ter.add_argument("--ter-normalized", action="store_true", help="basic normalization and tokenization")


def _metric_options(args: argparse.Namespace) -> MetricOptions:
    return MetricOptions(
        smooth_method=args.smooth_method,
        smooth_value=args.smooth_value,
        lowercase=args.lowercase,
        max_ngram_order=args.max_ngram_order,
        effective_order=args.effective_order,
        chrf_char_order=args.chrf_char_order,
        chrf_word_order=args.chrf_word_order,
        chrf_beta=args.chrf_beta,
        chrf_whitespace=args.chrf_whitespace,
        chrf_lowercase=args.chrf_lowercase,
        chrf_eps_smoothing=args.chrf_eps_smoothing,
        ter_case_sensitive=args.ter_case_sensitive,
        ter_normalized=args.ter_normalized,
        ter_no_punct=args.ter_no_punct,
        ter_asian_support=args.ter_asian_support,
    )


def _add_input_options(p: argparse.ArgumentParser, *, score: bool) -> None:
    if score:
        p.add_argument(
            "--ref",
            action="append",
            default=[],
            metavar="FILE",
            help="a reference file (text, TSV, TMX or XLIFF); repeat for several references",
        )
        p.add_argument("--sources", metavar="FILE", help="a text file of source segments, shown with the worst ones")
    p.add_argument("--hyp", metavar="FILE", help="the system output: a text file, a TSV, a TMX or an XLIFF")
    p.add_argument("--hyp-prop", metavar="TYPE", help="read the hypothesis from this prop of the input TMX (e.g. x-mt)")
    p.add_argument("--src", metavar="LANG", help="source language (default: the TMX header's, else guessed)")
    p.add_argument("--tgt", metavar="LANG", help="target language (default: the TMX's other language, else guessed)")
    p.add_argument(
        "--align",
        choices=[p.value for p in PairBy],
        default=PairBy.AUTO.value,
        help="pair files by tuid/id, by position, or by each segment's source text (files segmented or numbered "
        "otherwise; default: by id when every file has ids)",
    )
    p.add_argument(
        "--skip-missing",
        action="store_true",
        help="leave out ids without a hypothesis or reference, not fail"
        if score
        else "leave out ids the hypothesis lacks, not fail",
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


def _stdout_format(args: argparse.Namespace) -> ReportKind:
    if args.format:
        return ReportKind(args.format)
    return ReportKind.GITHUB if os.environ.get("GITHUB_ACTIONS") == "true" else ReportKind.TEXT


def _refuse_reports_onto_inputs(reports: list[ReportSpec], inputs: list[str | None]) -> None:
    """A report written over a file the run reads (the references, the system output) would destroy a test set in
    CI: refused before anything is read."""
    for report in reports:
        if report.path != "-":
            refuse_overwriting_inputs(report.path, [name for name in inputs if name])


def _emit(render: Callable[[ReportKind, int], str], stdout_format: ReportKind, reports: list[ReportSpec]) -> None:
    """Write stdout in its format, then each report; GitHub's job summary is appended, never replaced."""
    from tmkit.quality.reports import GITHUB_SUMMARY_LIMIT, append_summary, summary_room, write_report
    from tmkit.quality.reports.github import without_commands

    step_summary = os.environ.get("GITHUB_STEP_SUMMARY") or None
    if stdout_format is ReportKind.GITHUB:
        # The readable report quotes segments: the runner must not take a line of theirs for a workflow command.
        sys.stdout.write(without_commands(render(ReportKind.TEXT, GITHUB_SUMMARY_LIMIT)))
        sys.stdout.write(render(ReportKind.GITHUB, GITHUB_SUMMARY_LIMIT))
        if step_summary:
            append_summary(step_summary, render(ReportKind.MARKDOWN, summary_room(step_summary)))
    else:
        sys.stdout.write(render(stdout_format, GITHUB_SUMMARY_LIMIT))
    for report in reports:
        if report.path == "-":
            content = render(report.kind, GITHUB_SUMMARY_LIMIT)
            github_log = stdout_format is ReportKind.GITHUB and report.kind is not ReportKind.GITHUB
            sys.stdout.write(without_commands(content) if github_log else content)
        elif (
            report.kind is ReportKind.MARKDOWN
            and step_summary
            and os.path.abspath(report.path) == os.path.abspath(step_summary)
        ):
            if stdout_format is not ReportKind.GITHUB:  # github mode has appended it already
                append_summary(step_summary, render(ReportKind.MARKDOWN, summary_room(step_summary)))
        else:
            write_report(report.path, render(report.kind, GITHUB_SUMMARY_LIMIT))
    sys.stdout.flush()


# -- score ------------------------------------------------------------------------------------


def cmd_score(args: argparse.Namespace) -> int:
    from tmkit.quality.reports import parse_report_specs, score_report
    from tmkit.quality.runs import run_score

    # Report paths are checked before the scoring, which may take minutes.
    reports = parse_report_specs(args.report)
    # (Not the baseline: read whole first, it may be replaced by this run's report, the ratchet some CI keeps.)
    _refuse_reports_onto_inputs(reports, [args.input, *args.ref, args.hyp, args.sources, args.compare])
    if args.worst < 0:
        raise InputError("--worst must be at least 0")
    options = _metric_options(args)
    outcome = run_score(
        input_path=args.input,
        references=args.ref,
        hypothesis=args.hyp,
        hypothesis_prop=args.hyp_prop,
        sources=args.sources,
        source_lang=args.src,
        target_lang=args.tgt,
        align=args.align,
        skip_missing=args.skip_missing,
        metrics=args.metrics.split(","),
        primary=args.primary,
        tokenize=args.tokenize,
        normalize=None if args.normalize == "none" else args.normalize,
        confidence=args.ci,
        minimum=args.min,
        maximum=args.max,
        max_drop=args.max_drop,
        baseline=args.baseline,
        compare_with=args.compare,
        samples=args.samples,
        alpha=args.alpha,
        fail_if_worse=args.fail_if_worse,
        options=options,
    )
    if outcome.evalset.skipped:
        left = plural(len(outcome.evalset.skipped), "segment")
        warn(f"left out {left} without hypothesis or reference (--skip-missing)")
    _say_not_to_translate(outcome.evalset.not_to_translate, "scored")
    for message in outcome.warnings:
        warn(message)
    run = score_report.ScoreRun.of(outcome, worst=args.worst, all_segments=args.all_segments)
    _emit(lambda kind, room: score_report.render(run, kind, summary_limit=room), _stdout_format(args), reports)
    return EXIT_OK if outcome.passed else EXIT_CHECK_FAILED


def _say_not_to_translate(ids: tuple[str, ...], done: str) -> None:
    """One line for the units left out as not to be translated, so that a count that differs from the file's is
    explained."""
    if ids:
        warn(f'{plural(len(ids), "unit")} marked translate="no" not {done}: not to be translated')


# -- qa ---------------------------------------------------------------------------------------


def _list_checks() -> int:
    from tmkit.quality.qa import CHECKS

    width = max(len(c.id) for c in CHECKS)
    for check in CHECKS:
        print(f"{check.id:<{width}}  {check.severity.value:<7}  {check.description}")
    return EXIT_OK


def cmd_qa(args: argparse.Namespace) -> int:
    if args.list_checks:
        return _list_checks()
    from tmkit.quality.reports import parse_report_specs, qa_report
    from tmkit.quality.runs import run_qa

    reports = parse_report_specs(args.report)
    inputs: list[str] = args.inputs
    _refuse_reports_onto_inputs(reports, [*inputs, args.hyp, *args.terms, *args.tm])
    if len(inputs) > 2:
        raise InputError("qa takes one TMX, XLIFF or TSV file, or two text files (SOURCE TARGET)")
    pair = len(inputs) == 2
    outcome = run_qa(
        input_path=inputs[0] if len(inputs) == 1 else None,
        source_path=inputs[0] if pair else None,
        target_path=inputs[1] if pair else None,
        hypothesis=args.hyp,
        hypothesis_prop=args.hyp_prop,
        source_lang=args.src,
        target_lang=args.tgt,
        align=args.align,
        select=args.select,
        ignore=args.ignore,
        fail_on=args.fail_on,
        terms=args.terms,
        memories=args.tm,
        skip_missing=args.skip_missing,
        on_notice=warn,
    )
    if outcome.skipped:
        warn(f"left out {plural(len(outcome.skipped), 'segment')} the hypothesis lacks (--skip-missing)")
    _say_not_to_translate(outcome.not_to_translate, "checked")
    run = qa_report.QaRun.of(outcome)
    _emit(lambda kind, room: qa_report.render(run, kind, summary_limit=room), _stdout_format(args), reports)
    return EXIT_OK if outcome.passed else EXIT_CHECK_FAILED
