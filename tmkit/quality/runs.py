"""Whole scoring and QA jobs: read a test set, score or check it, apply the gates, and return what a report shows."""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tmkit.errors import InputError, ParameterError, TmkitError
from tmkit.formats.kinds import FileFormat, format_of
from tmkit.quality.defaults import (
    DEFAULT_ALPHA,
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_FAIL_ON,
    DEFAULT_METRIC_OPTIONS,
    DEFAULT_METRICS,
    NORMALIZATIONS,
    MetricOptions,
    PairBy,
    Severity,
)
from tmkit.quality.gates import (
    Baseline,
    Gate,
    GateKind,
    GateResult,
    all_passed,
    check_baseline,
    evaluate_gates,
    load_baseline,
    parse_gates,
)
from tmkit.quality.qa import QaPair, QaResult, check_pairs, select_checks
from tmkit.quality.scoring import Comparison, CorpusScore, ScoringError, compare_systems, metric_key, score_corpus
from tmkit.quality.testsets import EvalSet, load_eval_set, read_system_output
from tmkit.text.normalize import Normalizer

# -- score ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreOutcome:
    """What a scoring job found: the test set as scored, the scores, each gate's verdict, and the comparison."""

    evalset: EvalSet
    scores: CorpusScore
    gates: tuple[GateResult, ...]
    baseline: Baseline | None = None
    comparison: Comparison | None = None
    #: The other system's output the comparison read.
    compared_with: str | None = None
    #: Differences from the baseline worth telling (it was computed with another sacrebleu version).
    warnings: tuple[str, ...] = ()
    elapsed: float = 0.0

    @property
    def passed(self) -> bool:
        """Whether every gate is met: the job's verdict."""
        return all_passed(self.gates)


@dataclass(frozen=True, slots=True)
class _ScoreOptions:
    metrics: list[str]
    primary: str
    gates: list[Gate]
    normalizer: Normalizer | None


def _check_at_least(value: int, parameter: str, least: int) -> None:
    if value < least:
        raise ParameterError(f"{{{parameter}}} must be at least {least}")


def _score_options(
    *,
    metrics: Sequence[str],
    primary: str | None,
    minimum: Sequence[str],
    maximum: Sequence[str],
    max_drop: Sequence[str],
    baseline: str | None,
    compare_with: str | None,
    fail_if_worse: bool,
    confidence: int,
    samples: int,
    alpha: float,
    normalize: str | None,
) -> _ScoreOptions:
    """The options checked and parsed before any file is read, so that a typo fails at once."""
    gates = parse_gates(minimum=minimum, maximum=maximum, max_drop=max_drop)
    keys = [metric_key(m) for m in metrics if m.strip()]
    if not keys:
        raise ParameterError("{metrics}: name at least one metric")
    primary_key = metric_key(primary) if primary else keys[0]
    if max_drop and not baseline:
        raise ParameterError("{max_drop} compares with a baseline: give {baseline} (an earlier score report)")
    if fail_if_worse and not compare_with:
        raise ParameterError("{fail_if_worse} needs {compare_with} (another system's output)")
    if confidence:
        _check_at_least(confidence, "confidence", 2)
    _check_at_least(samples, "samples", 2)
    if not 0 < alpha < 1:
        raise ParameterError("{alpha} must be between 0 and 1")
    if normalize is not None and normalize not in NORMALIZATIONS:
        raise ParameterError(
            "unknown {normalize} {value!r} (one of {choices})",
            values={"value": normalize, "choices": ", ".join(NORMALIZATIONS)},
        )
    if fail_if_worse:
        gates += [Gate(GateKind.NOT_WORSE, key) for key in keys]
    return _ScoreOptions(keys, primary_key, gates, Normalizer(normalize) if normalize else None)


def _script_mismatch(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> list[str]:
    """A warning when the hypotheses are in one script and the references in the other: a source given as --hyp (or
    the sides swapped) scores near 0 without a word otherwise, and a gate then fails for the wrong reason."""
    from tmkit.text.scripts import SCRIPT_NAMES, guess_language

    hypothesis = guess_language(hypotheses, default="")
    reference = guess_language(references[0], default="") if references else ""
    if hypothesis and reference and hypothesis != reference:
        return [
            f"the hypotheses are in {SCRIPT_NAMES[hypothesis]} script and the references in {SCRIPT_NAMES[reference]}: "
            "is --hyp the source, or are the sides swapped?"
        ]
    return []


def run_score(
    *,
    input_path: str | None = None,
    references: Sequence[str] = (),
    hypothesis: str | None = None,
    hypothesis_prop: str | None = None,
    sources: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    align: PairBy | str = PairBy.AUTO,
    skip_missing: bool = False,
    metrics: Sequence[str] = DEFAULT_METRICS,
    primary: str | None = None,
    tokenize: str | None = None,
    normalize: str | None = None,
    confidence: int = 0,
    minimum: Sequence[str] = (),
    maximum: Sequence[str] = (),
    max_drop: Sequence[str] = (),
    baseline: str | None = None,
    compare_with: str | None = None,
    samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    alpha: float = DEFAULT_ALPHA,
    fail_if_worse: bool = False,
    options: MetricOptions = DEFAULT_METRIC_OPTIONS,
) -> ScoreOutcome:
    """Score a system's output against references and decide the gates.

    The test set is read as `load_eval_set` reads it (``input_path``, ``references``,
    ``hypothesis``, ``hypothesis_prop``, ``sources``, languages, ``align``); ``skip_missing``
    leaves out segments without hypothesis or reference instead of failing. ``metrics`` are
    scored (``primary`` ranks segments; default the first) with BLEU's ``tokenize``, after
    tmkit's ``normalize`` (`ar` or `en`) when given, with ``confidence`` bootstrap resamples for
    intervals (0: none), and sacrebleu's metric ``options`` (see `MetricOptions`). Gates:
    ``minimum``, ``maximum`` and ``max_drop`` specs (`chrf=55`), the
    drop measured from the ``baseline`` report; ``compare_with`` names another system's output
    for sacrebleu's paired bootstrap test (``samples``, ``alpha``), and ``fail_if_worse`` makes
    "not significantly worse" a gate. Bad options and inputs raise `InputError` (a
    `ParameterError` naming the parameter when it is the option's fault) before any scoring.
    """
    started = time.perf_counter()
    parsed = _score_options(
        metrics=metrics,
        primary=primary,
        minimum=minimum,
        maximum=maximum,
        max_drop=max_drop,
        baseline=baseline,
        compare_with=compare_with,
        fail_if_worse=fail_if_worse,
        confidence=confidence,
        samples=samples,
        alpha=alpha,
        normalize=normalize,
    )
    evalset, other = _read_scored_set(
        input_path=input_path,
        references=references,
        hypothesis=hypothesis,
        hypothesis_prop=hypothesis_prop,
        sources=sources,
        source_lang=source_lang,
        target_lang=target_lang,
        align=align,
        skip_missing=skip_missing,
        compare_with=compare_with,
    )
    stored = load_baseline(baseline) if baseline else None
    wanted = list(dict.fromkeys([parsed.primary, *parsed.metrics, *(g.metric for g in parsed.gates)]))
    hypotheses, reference_streams = evalset.hypotheses(), evalset.reference_streams()
    _refuse_blank_side(hypotheses, "hypothesis", evalset.hypothesis_path or input_path)
    for path, stream in zip(evalset.reference_paths, reference_streams, strict=False):
        _refuse_blank_side(stream, "reference", path)
    scored_files = [*evalset.reference_paths, *(p for p in (evalset.hypothesis_path,) if p)]
    stripped_bom = _any_text_file_with_bom(scored_files)
    try:
        scores = score_corpus(
            hypotheses,
            reference_streams,
            metrics=wanted,
            primary=parsed.primary,
            target_lang=evalset.target_lang,
            tokenize=tokenize,
            normalizer=parsed.normalizer,
            confidence=confidence,
            alignment=evalset.alignment,
            options=options,
            stripped_bom=stripped_bom,
        )
    except ScoringError as exc:
        raise _located(exc, evalset) from None
    warnings: list[str] = _script_mismatch(hypotheses, reference_streams)
    if stored is not None:
        warnings += check_baseline(stored, scores, [g.metric for g in parsed.gates if g.kind is GateKind.MAX_DROP])
    comparison = None
    if other is not None:
        try:
            comparison = compare_systems(
                hypotheses,
                [other[item.id] for item in evalset.items],
                reference_streams,
                metrics=parsed.metrics,
                target_lang=evalset.target_lang,
                tokenize=tokenize,
                normalizer=parsed.normalizer,
                samples=samples,
                alpha=alpha,
                alignment=evalset.alignment,
                options=options,
                stripped_bom=stripped_bom or _any_text_file_with_bom([compare_with] if compare_with else []),
            )
        except ScoringError as exc:
            if exc.role != "baseline" or compare_with is None:
                raise
            # The output compared (sacrebleu's baseline) is read by id or position, without lines: named by its file.
            raise InputError(str(exc).replace("the baseline has", "this output has", 1), path=compare_with) from None
    verdicts = evaluate_gates(
        parsed.gates, scores, baseline=stored, comparison=comparison, compared_with=compare_with or ""
    )
    return ScoreOutcome(
        evalset=evalset,
        scores=scores,
        gates=verdicts,
        baseline=stored,
        comparison=comparison,
        compared_with=compare_with,
        warnings=tuple(warnings),
        elapsed=time.perf_counter() - started,
    )


def _refuse_blank_side(texts: list[str], side: str, path: str | None) -> None:
    """A side with no text in any segment scores 0.00 and, without a gate, passes: an MT step that wrote empty targets
    (a TSV's empty column, a TMX's empty segments) is refused as a blank text file is."""
    if texts and not any(text.strip() for text in texts):
        raise InputError(f"no text: every {side} of the {len(texts):,} segment(s) scored is empty", path=path)


def _read_scored_set(
    *,
    input_path: str | None,
    references: Sequence[str],
    hypothesis: str | None,
    hypothesis_prop: str | None,
    sources: str | None,
    source_lang: str | None,
    target_lang: str | None,
    align: PairBy | str,
    skip_missing: bool,
    compare_with: str | None,
) -> tuple[EvalSet, dict[str, str] | None]:
    """The test set to score, complete, and the other system's output by segment id when there is one."""
    if input_path is None and not references:
        raise ParameterError(
            "nothing to score: give a TSV, TMX or XLIFF test set as {input_path}, or {references} and {hypothesis}"
        )
    if hypothesis is None and hypothesis_prop is None and not _holds_hypothesis(input_path):
        raise ParameterError("no hypothesis: give {hypothesis} (or {hypothesis_prop} for a TMX)")
    loaded = load_eval_set(
        input_path=input_path,
        references=references,
        hypothesis=hypothesis,
        hypothesis_prop=hypothesis_prop,
        sources=sources,
        source_lang=source_lang,
        target_lang=target_lang,
        align=align,
    )
    if not loaded.has_hypothesis:
        raise ParameterError("{path} has no hypothesis column: give {hypothesis}", values={"path": input_path})
    # The other system is read now, so that its errors come before minutes of scoring.
    other = read_system_output(compare_with, loaded, align=align) if compare_with else None
    return loaded.translatable().complete(skip_missing=skip_missing), other


def _any_text_file_with_bom(paths: Iterable[str]) -> bool:
    """Whether a plain text file among ``paths`` starts with a UTF-8 byte order mark.

    tmkit's reader drops the mark; sacrebleu's command line reads it as U+FEFF glued to the first
    segment, so the first segment's score differs: the signature says so (`tmkit-bom:stripped`).
    TSV, TMX and XLIFF are left out: sacrebleu does not read them.
    """
    for path in paths:
        if format_of(path) is not FileFormat.TEXT:
            continue
        try:
            with open(path, "rb") as handle:
                if handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8:
                    return True
        except OSError:
            continue  # read a moment ago; a file gone since is not this check's to report
    return False


def _holds_hypothesis(input_path: str | None) -> bool:
    # A TSV test set may carry its hypothesis column; whether it does is known once it is read.
    return input_path is not None and format_of(input_path) is FileFormat.TSV


# -- qa ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QaOutcome:
    """What a QA job found: the findings, the files checked, and the severity that fails the job."""

    result: QaResult
    #: The file whose translations were checked (the hypothesis, else the targets).
    target_path: str | None
    source_path: str | None
    fail_on: Severity
    #: Every file the job read, in the order given.
    inputs: tuple[str, ...]
    elapsed: float = 0.0
    #: Ids left out for want of a hypothesis (``skip_missing``).
    skipped: tuple[str, ...] = ()
    #: Ids left out as not to be translated (XLIFF `translate="no"`).
    not_to_translate: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """Whether no finding is at or above ``fail_on``: the job's verdict."""
        return self.result.passed(self.fail_on)


def run_qa(
    *,
    input_path: str | None = None,
    source_path: str | None = None,
    target_path: str | None = None,
    hypothesis: str | None = None,
    hypothesis_prop: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    align: PairBy | str = PairBy.AUTO,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    fail_on: Severity | str = DEFAULT_FAIL_ON,
    terms: Sequence[str] = (),
    memories: Sequence[str] = (),
    skip_missing: bool = False,
    on_notice: Callable[[str], None] | None = None,
) -> QaOutcome:
    """Run the QA checks over the translations of a test set.

    The test set is ``input_path`` (a TMX, XLIFF or TSV with sources), or a text file of sources
    ``source_path`` with its translations ``target_path`` line by line; ``hypothesis`` (a file)
    or ``hypothesis_prop`` (a prop of the input TMX) checks a system's output instead of the
    targets. ``select`` and ``ignore`` choose the checks (ids or patterns, see `select_checks`);
    findings at ``fail_on`` or worse fail the job. ``terms`` are termbase files (TBX, CSV/TSV, OmegaT
    glossaries) for the `term-missing` and `term-forbidden` checks; a term check they give nothing to check (no term
    in the target language, or in the source for `term-missing`) is left out and ``on_notice`` told, or, the only
    checks asked for, an `InputError`. The `spelling` check allows the
    termbase's words and those of the target side of ``memories`` (TMX); without a dictionary it is
    left out and ``on_notice`` is told so once. With a hypothesis, an id it lacks is refused as `score` refuses it
    (``skip_missing`` leaves such ids out, and the outcome names them): the reference is not checked in its place.
    """
    started = time.perf_counter()
    checks = select_checks(select, ignore)
    if not terms:  # the term checks have nothing to check without a termbase: they are not run (nor counted)
        without_terms = tuple(c for c in checks if c.id not in ("term-missing", "term-forbidden"))
        if checks and not without_terms:
            raise ParameterError("the term checks need a termbase: give {terms}")
        checks = without_terms
    if not checks:
        raise ParameterError("{select}/{ignore} leave no check to run")
    severity = _severity(fail_on)
    inputs = _qa_inputs(input_path, source_path, target_path, hypothesis, hypothesis_prop)
    evalset = load_eval_set(
        input_path=input_path,
        references=[target_path] if target_path else [],
        sources=source_path,
        hypothesis=hypothesis,
        hypothesis_prop=hypothesis_prop,
        source_lang=source_lang,
        target_lang=target_lang,
        align=align,
    ).translatable()
    if evalset.has_hypothesis:
        evalset = evalset.complete(skip_missing=skip_missing, references=False)
    if all(item.source is None for item in evalset.items):
        raise ParameterError(
            "no source text to check the translations against: give a TMX, an XLIFF or a TSV with a source "
            "column, or text files as {source_path} and {target_path}",
            path=inputs[0],
        )
    termbase = None
    if terms:
        from tmkit.terms.checks import idle_term_checks
        from tmkit.terms.files import load_termbases

        read = load_termbases(list(terms), source_lang=evalset.source_lang, target_lang=evalset.target_lang)
        termbase = read.merged
        notices = list(read.notes)  # entries left out
        # A term check that can find nothing with these termbases is left out, as without a termbase, and said so,
        # not counted as passed; asked for alone, it is an error, as it is without --terms.
        idle = idle_term_checks(termbase, source_lang=evalset.source_lang, target_lang=evalset.target_lang)
        if idle:
            missing = " or ".join(termbase.without_terms_in([evalset.source_lang, evalset.target_lang]))
            held = ", ".join(termbase.languages()) or "none"
            where = (
                f"{terms[0]}: no {missing} terms (its terms are in {held})"
                if len(terms) == 1
                else f"no {missing} terms in {', '.join(terms)} (their terms are in {held})"
            )
            if checks and all(c.id in idle for c in checks):
                raise InputError(f"{where}: {' and '.join(c.id for c in checks)} would check nothing")
            notices.append(f"{where}: {' and '.join(idle)} not run")
            checks = tuple(c for c in checks if c.id not in idle)
        else:
            notices += read.gaps  # a file of other languages beside one that serves: its own line
        for notice in notices:
            if on_notice is not None:
                on_notice(notice)
    spelling = None
    if any(c.id == "spelling" for c in checks):
        from tmkit.quality.spelling import spell_checker_for

        allowed = [t.text for c in termbase or () for t in c.terms_in(evalset.target_lang) if not t.avoid]
        spelling = spell_checker_for(evalset.target_lang, memories=memories, allowed=allowed, on_notice=on_notice)
        if not spelling.enabled:  # off, not failed: run the other checks (or none, if it was the only one)
            checks = tuple(c for c in checks if c.id != "spelling") or checks
    try:
        result = check_pairs(
            qa_pairs(evalset),
            source_lang=evalset.source_lang,
            target_lang=evalset.target_lang,
            checks=checks,
            terms=termbase,
            spelling=spelling,
        )
    finally:
        if spelling is not None:
            spelling.close()
    return QaOutcome(
        result=result,
        target_path=evalset.hypothesis_path or (evalset.reference_paths[0] if evalset.reference_paths else None),
        source_path=evalset.source_path,
        fail_on=severity,
        inputs=inputs + tuple(p for p in (hypothesis,) if p),
        elapsed=time.perf_counter() - started,
        skipped=evalset.skipped,
        not_to_translate=evalset.not_to_translate,
    )


def _severity(fail_on: Severity | str) -> Severity:
    try:
        return Severity(fail_on)
    except ValueError:
        raise ParameterError(
            "unknown {fail_on} {value!r} (one of {choices})",
            values={"value": str(fail_on), "choices": ", ".join(s.value for s in Severity)},
        ) from None


def _qa_inputs(
    input_path: str | None,
    source_path: str | None,
    target_path: str | None,
    hypothesis: str | None,
    hypothesis_prop: str | None,
) -> tuple[str, ...]:
    """The files given, once they are known to make one test set."""
    if input_path is not None:
        if source_path is not None or target_path is not None:
            raise ParameterError("give {input_path}, or {source_path} and {target_path}, not both")
        return (input_path,)
    if source_path is None or target_path is None:
        raise ParameterError(
            "nothing to check: give a TMX, XLIFF or TSV file as {input_path}, or text files as {source_path} "
            "and {target_path}"
        )
    if hypothesis or hypothesis_prop:
        raise ParameterError(
            "with {source_path} and {target_path} files, {hypothesis} and {hypothesis_prop} have nothing to add"
        )
    return (source_path, target_path)


def qa_pairs(evalset: EvalSet) -> list[QaPair]:
    """What QA checks in each segment: its source and its target (the hypothesis, else the reference)."""
    pairs = []
    for item in evalset.items:
        # With a hypothesis, only it is checked: never a reference in place of a translation it lacks.
        source = item.source
        target = item.hypothesis if evalset.has_hypothesis else item.target
        where = target or (item.untranslated_at if evalset.has_hypothesis else None) or source
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
    return pairs


def _located(error: ScoringError, evalset: EvalSet) -> TmkitError:
    """A segment too long to score, named by the file and line it was read from (the library counts segments)."""
    if error.segment is None or not 0 < error.segment <= len(evalset.items):
        return error
    item = evalset.items[error.segment - 1]
    read = (
        item.hypothesis
        if error.role == "hypothesis"
        else item.references[error.stream]
        if error.role == "reference" and error.stream < len(item.references)
        else None
    )
    if read is None:
        return error
    return InputError(str(error).split(": ", 1)[1], path=read.path, line=read.line)
