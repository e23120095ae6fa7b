"""Names and defaults of scoring and QA, light enough for the command line to show before sacrebleu loads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tmkit.errors import ParameterError

#: Metric keys tmkit knows, in display order.
METRIC_KEYS = ("chrf", "chrf++", "bleu", "ter")
#: chrF leads: character n-grams are robust to Arabic clitics and spelling variants; BLEU follows.
DEFAULT_METRICS = ("chrf", "bleu")
DEFAULT_PRIMARY = "chrf"
#: Bootstrap resamples for confidence intervals and the paired test (sacrebleu's default).
DEFAULT_BOOTSTRAP_SAMPLES = 1000
#: Significance level of the paired test.
DEFAULT_ALPHA = 0.05
#: BLEU tokenizers that need no download: sacrebleu's base install has the first five; `ja-mecab`
#: and `ko-mecab` need its `ja`/`ko` extras (MeCab with a dictionary in the wheel). `spm`,
#: `flores101`, `flores200` and `spBLEU-1K` fetch a SentencePiece model, so they are not offered.
OFFLINE_TOKENIZERS = ("13a", "intl", "char", "none", "zh", "ja-mecab", "ko-mecab")
#: The pip extra each optional tokenizer needs.
TOKENIZER_EXTRAS = {"ja-mecab": "sacrebleu[ja]", "ko-mecab": "sacrebleu[ko]"}

# sacrebleu's metric options, with sacrebleu 2.x's defaults (its BLEU.SMOOTH_DEFAULTS, MAX_NGRAM_ORDER,
# CHRF.CHAR_ORDER/WORD_ORDER/BETA and TER's keywords); the names are its command line's.
#: BLEU's smoothing methods (`--smooth-method`): exponential decay, floor, add-k, none.
SMOOTH_METHODS = ("exp", "floor", "add-k", "none")
DEFAULT_SMOOTH_METHOD = "exp"
#: The smoothing value a method takes when `--smooth-value` is not given; the others take none.
SMOOTH_VALUE_DEFAULTS = {"floor": 0.1, "add-k": 1.0}
#: BLEU's largest n-gram order.
DEFAULT_MAX_NGRAM_ORDER = 4
#: chrF's character and word n-gram orders and its beta (recall weighs beta times precision).
DEFAULT_CHRF_CHAR_ORDER = 6
DEFAULT_CHRF_WORD_ORDER = 0
DEFAULT_CHRF_BETA = 2
#: The word order of the `chrf++` metric: chrF++ is chrF with word unigrams and bigrams.
CHRF_PLUS_WORD_ORDER = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricOptions:
    """sacrebleu's options of each metric, named as sacrebleu's command line names them, its defaults unless set.

    BLEU: ``smooth_method`` (one of `SMOOTH_METHODS`), ``smooth_value`` (floor and add-k only;
    None takes `SMOOTH_VALUE_DEFAULTS`), ``lowercase``, ``max_ngram_order``, ``effective_order``
    (of the corpus score: segment BLEU always uses it). chrF: ``chrf_char_order``,
    ``chrf_word_order`` (of the `chrf` metric; `chrf++` is word order 2), ``chrf_beta``,
    ``chrf_whitespace``, ``chrf_lowercase``, ``chrf_eps_smoothing`` apply to `chrf` and `chrf++`.
    TER: ``ter_case_sensitive``, ``ter_normalized``, ``ter_no_punct``, ``ter_asian_support``.
    A value sacrebleu cannot use raises `ParameterError` naming the option.
    """

    smooth_method: str = DEFAULT_SMOOTH_METHOD
    smooth_value: float | None = None
    lowercase: bool = False
    max_ngram_order: int = DEFAULT_MAX_NGRAM_ORDER
    effective_order: bool = False
    chrf_char_order: int = DEFAULT_CHRF_CHAR_ORDER
    chrf_word_order: int = DEFAULT_CHRF_WORD_ORDER
    chrf_beta: int = DEFAULT_CHRF_BETA
    chrf_whitespace: bool = False
    chrf_lowercase: bool = False
    chrf_eps_smoothing: bool = False
    ter_case_sensitive: bool = False
    ter_normalized: bool = False
    ter_no_punct: bool = False
    ter_asian_support: bool = False

    def __post_init__(self) -> None:
        if self.smooth_method not in SMOOTH_METHODS:
            raise ParameterError(
                "unknown {smooth_method} {value!r} (one of {choices})",
                values={"value": self.smooth_method, "choices": ", ".join(SMOOTH_METHODS)},
            )
        if self.smooth_value is not None:
            # sacrebleu ignores a value the method does not use: refused, so no option is silently lost.
            if self.smooth_method not in SMOOTH_VALUE_DEFAULTS:
                raise ParameterError(
                    "{smooth_value} applies to the floor and add-k smoothing methods, not to {method}",
                    values={"method": self.smooth_method},
                )
            if not self.smooth_value >= 0:  # also refuses NaN
                raise ParameterError("{smooth_value} must be 0 or more")
        _check_at_least(self.max_ngram_order, "max_ngram_order", 1)
        _check_at_least(self.chrf_char_order, "chrf_char_order", 0)
        _check_at_least(self.chrf_word_order, "chrf_word_order", 0)
        _check_at_least(self.chrf_beta, "chrf_beta", 0)
        if self.chrf_char_order + self.chrf_word_order == 0:
            raise ParameterError("{chrf_char_order} and {chrf_word_order} are both 0: chrF would count nothing")

    @property
    def effective_smooth_value(self) -> float | None:
        """The smoothing value BLEU uses: the one given, else the method's default (None for exp and none)."""
        if self.smooth_value is not None:
            return self.smooth_value
        return SMOOTH_VALUE_DEFAULTS.get(self.smooth_method)


def _check_at_least(value: int, parameter: str, least: int) -> None:
    # bool is an int: True as an n-gram order is a caller's mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ParameterError(f"{{{parameter}}} must be a whole number of at least {least}")


#: sacrebleu's defaults for every metric.
DEFAULT_METRIC_OPTIONS = MetricOptions()
#: tmkit's normalizers that scoring may apply to hypotheses and references alike.
NORMALIZATIONS = ("ar", "en")
#: Segments a score report lists as the worst by default.
DEFAULT_WORST = 5


class ReportKind(StrEnum):
    """A report's shape: for a terminal, for machines, for CI test views, for GitHub Actions."""

    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"  # workflow-command annotations
    MARKDOWN = "markdown"  # a job summary


#: Report kinds, for `--format KIND` (stdout) and `--report KIND:PATH` (a file).
REPORT_KINDS = tuple(kind.value for kind in ReportKind)


class PairBy(StrEnum):
    """How the files of a test set are paired: by id when every file has ids (`auto`), by id, by position, or by
    the source text of each segment (files segmented or numbered otherwise: a job and a reference converted from
    line-aligned text)."""

    AUTO = "auto"
    ID = "id"
    POSITION = "position"
    SOURCE = "source"


class Severity(StrEnum):
    """How bad a QA finding is: errors fail a run by default, warnings only when asked."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


#: Severity that fails a QA run unless told otherwise.
DEFAULT_FAIL_ON = Severity.ERROR
