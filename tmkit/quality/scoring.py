"""Corpus and per-segment chrF, chrF++, BLEU and TER through sacrebleu, with signatures, intervals and paired tests."""

from __future__ import annotations

import logging
import os
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sacrebleu.metrics.base import Metric
from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF
from sacrebleu.metrics.ter import TER

from tmkit.errors import TmkitError
from tmkit.memory.langtags import DEFAULT_TARGET_LANG, is_arabic_language
from tmkit.quality.defaults import (
    CHRF_PLUS_WORD_ORDER,
    DEFAULT_ALPHA,
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_METRIC_OPTIONS,
    DEFAULT_METRICS,
    DEFAULT_PRIMARY,
    METRIC_KEYS,
    OFFLINE_TOKENIZERS,
    TOKENIZER_EXTRAS,
    MetricOptions,
)
from tmkit.text.normalize import Normalizer

# The numbers are sacrebleu's own: every metric object is sacrebleu's, and the corpus score comes
# from the sufficient statistics its corpus_score sums. They are extracted once and serve the
# corpus score, every segment's score (what sentence_score gives, without tokenizing twice),
# bootstrap intervals and the paired test, computed as sacrebleu computes them; the tests compare
# each with sacrebleu's public API. The signature gets what tmkit did before sacrebleu saw the
# text: the normalization (tmkit-norm:ar-v1) and how segments were paired (tmkit-align:tuid), and
# the two options sacrebleu's own signature leaves out: BLEU's largest n-gram order (tmkit-ngram:4)
# and chrF's beta (tmkit-beta:2; sacrebleu says it only in the name, chrF2). When tmkit read a text
# file that starts with a UTF-8 byte order mark it says so (tmkit-bom:stripped): tmkit drops the mark,
# sacrebleu's command line keeps it as U+FEFF at the start of the first segment, so that segment's
# score (and a little the corpus score) differs from what sacrebleu's command line prints.

#: sacrebleu's default seed, used unless SACREBLEU_SEED says otherwise (as sacrebleu does).
DEFAULT_SEED = "12345"
_SACRE_LOG = logging.getLogger("sacrebleu")
#: Segments whose statistics are extracted at once (bounds the memory of sacrebleu's reference cache).
STATISTICS_BLOCK = 5_000
#: The longest segment (in characters, hypothesis or reference) a metric scores. TER's search for
#: shifts grows with the square of the length (sacrebleu 2.x, measured: 1,500 characters 0.1 s,
#: 6,000 0.9 s, 12,000 2.4 s, 25,000 5.7 s a segment), chrF and BLEU linearly (25,000 characters
#: 0.3 s and 0.15 s); past these a single segment would hold a run for minutes, so it is refused.
MAX_SEGMENT_CHARS = 1_000_000
MAX_TER_SEGMENT_CHARS = 10_000
#: Whether a larger score is better, per metric key.
HIGHER_IS_BETTER = {"chrf": True, "chrf++": True, "bleu": True, "ter": False}
#: The names sacrebleu gives the metrics (with default parameters).
METRIC_NAMES = {"chrf": "chrF2", "chrf++": "chrF2++", "bleu": "BLEU", "ter": "TER"}

_ALIASES = {
    "chrf": "chrf",
    "chrf2": "chrf",
    "chrf++": "chrf++",
    "chrf2++": "chrf++",
    "chrfpp": "chrf++",
    "chrf+": "chrf++",
    "bleu": "bleu",
    "ter": "ter",
}


class ScoringError(TmkitError, ValueError):
    """Scoring was asked something impossible: unknown metric, misaligned streams, no segments, a segment too long.

    For a segment too long, ``role`` (`hypothesis`, `reference`, `baseline`), ``stream`` (which of that role's streams,
    from 0) and ``segment`` (from 1) say which, so that a caller that read them from files can name file and line.
    """

    role: str | None = None
    stream: int = 0
    segment: int | None = None


def metric_key(name: str) -> str:
    """The key of a metric from any usual spelling: `chrF2` → `chrf`, `chrF2++` → `chrf++`, `BLEU` → `bleu`."""
    key = _ALIASES.get(name.strip().lower())
    if key is None:
        raise ScoringError(f"unknown metric {name!r} (one of {', '.join(METRIC_KEYS)})")
    return key


def tokenizer_for(target_lang: str) -> str:
    """BLEU's tokenizer for a target language: `intl` for Arabic (it splits `؟` and `،`), else `13a`."""
    return "intl" if is_arabic_language(target_lang) else "13a"


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfidenceInterval:
    """A 95% bootstrap interval as sacrebleu estimates it (the 2.5th and 97.5th resample percentiles)."""

    samples: int
    seed: str
    mean: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        """What sacrebleu prints after `±`."""
        return 0.5 * (self.high - self.low)


@dataclass(frozen=True, slots=True)
class MetricScore:
    """One metric over a corpus: the score, its signature, and every segment's score."""

    key: str
    name: str
    score: float
    #: sacrebleu's signature followed by tmkit's additions (normalization, alignment).
    signature: str
    sacrebleu_signature: str
    #: Score of each segment, in input order (for BLEU with effective order, as sentence BLEU must be).
    segment_scores: tuple[float, ...]
    #: The signature of the segment scores when it differs from the corpus one (BLEU: `eff:yes`).
    segment_signature: str
    higher_is_better: bool
    ci: ConfidenceInterval | None = None
    #: sacrebleu's extra detail (BLEU's n-gram precisions and brevity penalty).
    verbose: str = ""


@dataclass(frozen=True, slots=True)
class CorpusScore:
    """All metrics of one system over one test set."""

    metrics: tuple[MetricScore, ...]
    n_segments: int
    n_references: int
    target_lang: str
    tokenize: str
    normalization: str
    alignment: str
    primary: str

    def __getitem__(self, key: str) -> MetricScore:
        wanted = metric_key(key)
        for metric in self.metrics:
            if metric.key == wanted:
                return metric
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and any(m.key == _ALIASES.get(key.lower()) for m in self.metrics)

    def __iter__(self) -> Iterator[MetricScore]:
        return iter(self.metrics)

    @property
    def primary_metric(self) -> MetricScore:
        return self[self.primary]


@dataclass(frozen=True, slots=True)
class PairedResult:
    """The paired bootstrap test of one metric: this system against a baseline system."""

    key: str
    name: str
    score: float
    baseline_score: float
    #: Probability of a difference this large by chance (sacrebleu's paired bootstrap p-value).
    p_value: float
    alpha: float
    #: Bootstrap mean and 95% half-width of this system's score, and of the baseline's.
    mean: float
    ci: float
    baseline_mean: float
    baseline_ci: float
    higher_is_better: bool
    signature: str

    @property
    def delta(self) -> float:
        return self.score - self.baseline_score

    @property
    def significant(self) -> bool:
        """p below alpha for a real difference (sacrebleu gives identical systems p = 1/(samples+1))."""
        return self.delta != 0 and self.p_value < self.alpha

    @property
    def better(self) -> bool:
        """Whether this system is better than the baseline (ties are not)."""
        return self.delta > 0 if self.higher_is_better else self.delta < 0

    @property
    def verdict(self) -> str:
        if not self.significant:
            return "no significant difference"
        return "significantly better" if self.better else "significantly worse"


@dataclass(frozen=True, slots=True)
class Comparison:
    """The paired bootstrap test of every metric."""

    results: tuple[PairedResult, ...]
    samples: int
    seed: str

    def __getitem__(self, key: str) -> PairedResult:
        wanted = metric_key(key)
        for result in self.results:
            if result.key == wanted:
                return result
        raise KeyError(key)


# -- sacrebleu plumbing -------------------------------------------------------------------------


def _make_metric(
    key: str, tokenize: str, options: MetricOptions = DEFAULT_METRIC_OPTIONS, *, segments: bool = False
) -> Metric:
    """sacrebleu's metric object for ``key`` with ``options``; ``segments`` makes BLEU use effective order."""
    if key in ("chrf", "chrf++"):
        return CHRF(
            char_order=options.chrf_char_order,
            word_order=CHRF_PLUS_WORD_ORDER if key == "chrf++" else options.chrf_word_order,
            beta=options.chrf_beta,
            lowercase=options.chrf_lowercase,
            whitespace=options.chrf_whitespace,
            eps_smoothing=options.chrf_eps_smoothing,
        )
    if key == "bleu":
        if tokenize not in OFFLINE_TOKENIZERS:
            raise ScoringError(
                f"unknown BLEU tokenizer {tokenize!r}: one of {', '.join(OFFLINE_TOKENIZERS)} "
                "(sacrebleu's others download a SentencePiece model)"
            )
        try:
            return BLEU(
                tokenize=tokenize,
                smooth_method=options.smooth_method,
                smooth_value=options.smooth_value,
                lowercase=options.lowercase,
                max_ngram_order=options.max_ngram_order,
                effective_order=segments or options.effective_order,
            )
        except RuntimeError:
            # sacrebleu's MeCab tokenizers raise this when their extra is not installed.
            raise ScoringError(
                f"the {tokenize} tokenizer needs MeCab: pip install '{TOKENIZER_EXTRAS[tokenize]}'"
            ) from None
    if key == "ter":
        return TER(
            normalized=options.ter_normalized,
            no_punct=options.ter_no_punct,
            asian_support=options.ter_asian_support,
            case_sensitive=options.ter_case_sensitive,
        )
    raise ScoringError(f"unknown metric {key!r}")


# sacrebleu's corpus_score is ``_aggregate_and_compute(_extract_corpus_statistics(...))`` and its
# sentence_score the same over one segment; the statistics of a segment do not depend on the
# others, so one extraction serves the corpus score, every segment score and the resampling.
# These two methods are sacrebleu's (stable since 2.0); the tests pin the results to its public API.
def _statistics(metric: Metric, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> list[list[Any]]:
    # sacrebleu first builds the n-gram counters of every reference, then scores the hypotheses:
    # gigabytes for a large test set (7 GB for chrF on 100k segments). A segment's statistics do
    # not depend on the others, so extracting them a block at a time gives the same numbers in
    # bounded memory.
    stats: list[list[Any]] = []
    # BLEU warns when 100 hypotheses end in a tokenized period; count over the whole corpus, warn once.
    warn = not metric._force
    metric._force = True
    try:
        for start in range(0, len(hypotheses), STATISTICS_BLOCK):
            end = start + STATISTICS_BLOCK
            stats += metric._extract_corpus_statistics(hypotheses[start:end], [r[start:end] for r in references])
    finally:
        metric._force = not warn
    if warn and sum(h.endswith(" .") for h in hypotheses) >= 100:
        _SACRE_LOG.warning("That's 100 lines that end in a tokenized period ('.')")
        _SACRE_LOG.warning("It looks like you forgot to detokenize your test data, which may hurt your score.")
    return stats


def _score_of(metric: Metric, stats: Any) -> float:
    return float(metric._compute_score_from_stats(stats).score)


def _raw_score_of(metric: Metric, stats: Any) -> Any:
    """The score as sacrebleu returns it from resampled float32 sums (often a numpy float32)."""
    return metric._compute_score_from_stats(stats).score


def _signature_of(unused: Metric, evaluated: Metric) -> str:
    """The signature of a metric object that never read the references itself (it scored their statistics)."""
    # get_signature needs the reference count, which only reading the references sets.
    unused.num_refs = evaluated.num_refs
    return str(unused.get_signature().format())


def sacrebleu_seed() -> str:
    """The seed sacrebleu resamples with: SACREBLEU_SEED, else 12345 (`none` draws from the OS)."""
    return os.environ.get("SACREBLEU_SEED", DEFAULT_SEED)


def _rng_seed(seed: str) -> int | None:
    return None if seed.lower() == "none" else int(seed)


def _index_rows(n_segments: int, samples: int, seed: int | None) -> Iterator[Any]:
    """The resampled index rows sacrebleu draws with ``rng.choice(n, size=(samples, n))``, one at a time.

    numpy's generator fills that matrix row after row, so drawing one row per call yields the
    same numbers while holding one row (sacrebleu holds all rows and all resampled statistics,
    gigabytes for a large corpus).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    for _ in range(samples):
        yield rng.choice(n_segments, size=n_segments, replace=True)


def _bootstrap(metric: Metric, stats: list[list[Any]], samples: int) -> tuple[str, list[Any]]:
    import numpy as np

    seed = sacrebleu_seed()
    array = np.array(stats, dtype="float32")  # sacrebleu's dtype: the sums must round the same way
    scores = [_raw_score_of(metric, array[row].sum(0)) for row in _index_rows(len(stats), samples, _rng_seed(seed))]
    return seed.lower(), scores


def _interval(scores: list[Any], samples: int, seed: str) -> ConfidenceInterval:
    """sacrebleu's Score.estimate_ci, keeping both ends of the interval."""
    ordered = sorted(scores)
    lower = len(ordered) // 40
    upper = len(ordered) - lower - 1
    mean = float(statistics.mean(ordered))
    return ConfidenceInterval(samples, seed, mean, float(ordered[lower]), float(ordered[upper]))


def _check_streams(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> None:
    if isinstance(hypotheses, str) or not isinstance(hypotheses, Sequence):
        raise ScoringError("hypotheses must be a sequence of strings")
    if not hypotheses:
        raise ScoringError("no segments to score")
    if isinstance(references, str) or not references or isinstance(references[0], str):
        raise ScoringError("references must be a list of reference streams, e.g. [refs] for one reference")
    for number, stream in enumerate(references, start=1):
        if len(stream) != len(hypotheses):
            raise ScoringError(
                f"reference stream {number} has {len(stream)} segments but there are {len(hypotheses)} hypotheses"
            )


def _check_lengths(keys: Sequence[str], systems: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Refuse a segment too long for one of the metrics asked for (see `MAX_TER_SEGMENT_CHARS`)."""
    limit = MAX_TER_SEGMENT_CHARS if "ter" in keys else MAX_SEGMENT_CHARS
    seen: dict[str, int] = {}
    for role, stream in systems:
        index = seen[role] = seen.get(role, -1) + 1
        for number, text in enumerate(stream, start=1):
            if len(text) > limit:
                cause = (
                    f"TER scores segments of up to {limit:,} (its work grows with the square of the length; "
                    "leave TER out to score longer ones)"
                    if limit == MAX_TER_SEGMENT_CHARS and len(text) <= MAX_SEGMENT_CHARS
                    else f"tmkit scores segments of up to {limit:,}"
                )
                error = ScoringError(
                    f"segment {number:,}: the {role} has {len(text):,} characters; {cause}: split it into sentences"
                )
                error.role, error.stream, error.segment = role, index, number
                raise error


def _normalized(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], normalizer: Normalizer | None
) -> tuple[Sequence[str], Sequence[Sequence[str]], str]:
    if normalizer is None:
        return hypotheses, references, "none"
    return [normalizer(h) for h in hypotheses], [[normalizer(r) for r in s] for s in references], normalizer.signature


def _keys(metrics: Sequence[str], primary: str | None) -> tuple[list[str], str]:
    if isinstance(metrics, str):
        metrics = [m for m in metrics.split(",") if m.strip()]
    keys = list(dict.fromkeys(metric_key(m) for m in metrics))
    if not keys:
        raise ScoringError("no metric asked for")
    main = metric_key(primary) if primary else keys[0]
    if main not in keys:
        keys.insert(0, main)
    return sorted(keys, key=METRIC_KEYS.index), main


def _tmkit_signature(normalization: str, alignment: str, stripped_bom: bool) -> str:
    bom = "|tmkit-bom:stripped" if stripped_bom else ""
    return f"tmkit-norm:{normalization}|tmkit-align:{alignment}{bom}"


def _option_fields(key: str, options: MetricOptions) -> str:
    """The options sacrebleu's signature of ``key`` leaves out, as tmkit fields ending in `|`."""
    if key == "bleu":
        return f"tmkit-ngram:{options.max_ngram_order}|"
    if key in ("chrf", "chrf++"):
        return f"tmkit-beta:{options.chrf_beta}|"
    return ""


# -- scoring ------------------------------------------------------------------------------------


def score_corpus(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    primary: str | None = None,
    target_lang: str = DEFAULT_TARGET_LANG,
    tokenize: str | None = None,
    normalizer: Normalizer | None = None,
    confidence: int = 0,
    alignment: str = "position",
    options: MetricOptions = DEFAULT_METRIC_OPTIONS,
    stripped_bom: bool = False,
) -> CorpusScore:
    """Score a system's output against one or more references, corpus-level and per segment.

    ``references`` is a list of reference streams, as in sacrebleu: ``[refs]`` for one reference,
    ``[refs_a, refs_b]`` for two, each as long as ``hypotheses``. ``metrics`` names any of
    `chrf`, `chrf++`, `bleu`, `ter`; the ``primary`` one (the first by default) orders the worst
    segments in reports. BLEU's tokenizer follows ``target_lang`` (`intl` for Arabic, `13a`
    otherwise) unless ``tokenize`` is given. A ``normalizer`` is applied to hypotheses and
    references alike and named in the signatures; ``confidence`` > 1 adds a bootstrap interval
    with that many resamples; ``alignment`` records how the segments were paired. ``options``
    holds sacrebleu's metric options (smoothing, orders, case, ...: see `MetricOptions`);
    ``stripped_bom`` says in the signatures that a byte order mark was dropped from an input file.
    """
    _check_streams(hypotheses, references)
    keys, main = _keys(metrics, primary)
    _check_lengths(keys, [("hypothesis", hypotheses), *(("reference", stream) for stream in references)])
    tokenizer = tokenize or tokenizer_for(target_lang)
    hyps, refs, normalization = _normalized(hypotheses, references, normalizer)
    tmkit_fields = _tmkit_signature(normalization, alignment, stripped_bom)
    results = []
    for key in keys:
        metric = _make_metric(key, tokenizer, options)
        extra = _option_fields(key, options) + tmkit_fields
        stats = _statistics(metric, hyps, refs)
        corpus = metric._aggregate_and_compute(stats)
        # Sentence BLEU needs effective order (sacrebleu warns otherwise): without it a short
        # segment without a 4-gram match scores 0 whatever else it gets right.
        segment_metric = (
            _make_metric(key, tokenizer, options, segments=True)
            if key == "bleu" and not options.effective_order
            else metric
        )
        segment_scores = tuple(_score_of(segment_metric, s) for s in stats)
        interval = None
        if confidence > 1:
            seed, scores = _bootstrap(metric, stats, confidence)
            interval = _interval(scores, confidence, seed)
            metric.n_bootstrap, metric.seed = confidence, seed  # what corpus_score records in the signature
        sacre = metric.get_signature().format()
        segment_sacre = sacre if segment_metric is metric else _signature_of(segment_metric, metric)
        results.append(
            MetricScore(
                key=key,
                name=corpus.name,
                score=float(corpus.score),
                signature=f"{sacre}|{extra}",
                sacrebleu_signature=sacre,
                segment_scores=segment_scores,
                segment_signature=f"{segment_sacre}|{extra}",
                higher_is_better=HIGHER_IS_BETTER[key],
                ci=interval,
                verbose=corpus._verbose,
            )
        )
    return CorpusScore(
        metrics=tuple(results),
        n_segments=len(hypotheses),
        n_references=len(references),
        target_lang=target_lang,
        tokenize=tokenizer,
        normalization=normalization,
        alignment=alignment,
        primary=main,
    )


def segment_score(
    hypothesis: str,
    references: Sequence[str],
    *,
    metric: str = DEFAULT_PRIMARY,
    target_lang: str = DEFAULT_TARGET_LANG,
    tokenize: str | None = None,
    normalizer: Normalizer | None = None,
    options: MetricOptions = DEFAULT_METRIC_OPTIONS,
) -> float:
    """The score (0–100) of one segment against its references: sacrebleu's ``sentence_score``.

    BLEU uses effective order, as sentence-level BLEU must; ``options`` as in `score_corpus`.
    """
    if isinstance(references, str):
        raise ScoringError("references must be a sequence of strings, e.g. [ref]")
    if not references:
        raise ScoringError("no reference given")
    key = metric_key(metric)
    _check_lengths([key], [("hypothesis", [hypothesis]), ("reference", references)])
    scorer = _make_metric(key, tokenize or tokenizer_for(target_lang), options, segments=True)
    if normalizer is not None:
        hypothesis, references = normalizer(hypothesis), [normalizer(r) for r in references]
    return float(scorer.sentence_score(hypothesis, list(references)).score)


def compare_systems(
    hypotheses: Sequence[str],
    baseline: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    target_lang: str = DEFAULT_TARGET_LANG,
    tokenize: str | None = None,
    normalizer: Normalizer | None = None,
    samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    alpha: float = DEFAULT_ALPHA,
    alignment: str = "position",
    options: MetricOptions = DEFAULT_METRIC_OPTIONS,
    stripped_bom: bool = False,
) -> Comparison:
    """sacrebleu's paired bootstrap test (`--paired-bs`): does ``hypotheses`` differ from ``baseline``?

    Both systems are resampled with the same segment indices; the p-value is the share of
    resamples whose centred difference exceeds the observed one. Results equal sacrebleu's
    ``PairedTest(..., test_type="bs")`` for the same seed (SACREBLEU_SEED, default 12345).
    ``options`` and ``stripped_bom`` as in `score_corpus`.
    """
    import numpy as np

    _check_streams(hypotheses, references)
    _check_streams(baseline, references)
    if samples < 2:
        raise ScoringError("the paired bootstrap test needs at least 2 resamples")
    keys, _ = _keys(metrics, None)
    _check_lengths(
        keys,
        [("hypothesis", hypotheses), ("baseline", baseline), *(("reference", stream) for stream in references)],
    )
    tokenizer = tokenize or tokenizer_for(target_lang)
    hyps, refs, normalization = _normalized(hypotheses, references, normalizer)
    base = [normalizer(b) for b in baseline] if normalizer is not None else baseline
    seed = sacrebleu_seed()
    tmkit_fields = _tmkit_signature(normalization, alignment, stripped_bom)
    tests = []
    for key in keys:
        metric = _make_metric(key, tokenizer, options)
        extra = _option_fields(key, options) + tmkit_fields
        base_stats = _statistics(metric, base, refs)
        sys_stats = _statistics(metric, hyps, refs)
        # The baseline's interval comes from single-system resampling, as in sacrebleu's PairedTest.
        _, base_resampled = _bootstrap(metric, base_stats, samples)
        signature = metric.get_signature()
        signature.update("seed", seed.lower())
        signature.update("bs", samples)
        system = metric._aggregate_and_compute(sys_stats)
        tests.append(
            _PairedRun(
                key=key,
                metric=metric,
                base_stats=np.array(base_stats, dtype="float32"),
                sys_stats=np.array(sys_stats, dtype="float32"),
                name=system.name,
                base_score=float(metric._aggregate_and_compute(base_stats).score),
                sys_score=float(system.score),
                base_interval=_np_interval(np.array(base_resampled)),
                signature=f"{signature.format()}|{extra}",
            )
        )
    # One index row serves every metric, as in sacrebleu; PairedTest turns a seed of 0 into None.
    for row in _index_rows(len(hyps), samples, _rng_seed(seed) or None):
        for test in tests:
            # Keep sacrebleu's number types: its mean of float32 scores is taken in float32.
            test.base_resamples.append(_raw_score_of(test.metric, test.base_stats[row].sum(0)))
            test.sys_resamples.append(_raw_score_of(test.metric, test.sys_stats[row].sum(0)))
    results = []
    for test in tests:
        sys_resamples = np.array(test.sys_resamples)
        diffs = np.abs(sys_resamples - np.array(test.base_resamples))
        centred = diffs - diffs.mean()
        observed = abs(test.base_score - test.sys_score)
        p_value = (np.sum(centred > observed).item() + 1) / (samples + 1)
        mean, half_width = _np_interval(sys_resamples)
        results.append(
            PairedResult(
                key=test.key,
                name=test.name,
                score=test.sys_score,
                baseline_score=test.base_score,
                p_value=float(p_value),
                alpha=alpha,
                mean=mean,
                ci=half_width,
                baseline_mean=test.base_interval[0],
                baseline_ci=test.base_interval[1],
                higher_is_better=HIGHER_IS_BETTER[test.key],
                signature=test.signature,
            )
        )
    return Comparison(tuple(results), samples, seed.lower())


@dataclass(slots=True)
class _PairedRun:
    """The working state of the paired test for one metric."""

    key: str
    metric: Metric
    #: sacrebleu's name of the metric with its options (chrF3, chrF2++).
    name: str
    base_stats: Any
    sys_stats: Any
    base_score: float
    sys_score: float
    base_interval: tuple[float, float]
    signature: str
    base_resamples: list[Any] = field(default_factory=list)
    sys_resamples: list[Any] = field(default_factory=list)


def _np_interval(scores: Any) -> tuple[float, float]:
    """sacrebleu.significance.estimate_ci: the mean and the half-width of the 95% interval."""
    import numpy as np

    ordered = np.sort(scores)
    lower = len(ordered) // 40
    upper = len(ordered) - lower - 1
    return float(ordered.mean()), float(0.5 * (ordered[upper] - ordered[lower]))
