"""Names and defaults of scoring and QA, light enough for the command line to show before sacrebleu loads."""

from __future__ import annotations

from enum import StrEnum

#: Metric keys tmkit knows, in display order.
METRIC_KEYS = ("chrf", "chrf++", "bleu", "ter")
#: chrF leads: character n-grams are robust to Arabic clitics and spelling variants; BLEU follows.
DEFAULT_METRICS = ("chrf", "bleu")
DEFAULT_PRIMARY = "chrf"
#: Bootstrap resamples for confidence intervals and the paired test (sacrebleu's default).
DEFAULT_BOOTSTRAP_SAMPLES = 1000
#: Significance level of the paired test.
DEFAULT_ALPHA = 0.05
#: BLEU tokenizers that work offline with sacrebleu's base install (spm/flores download a model).
OFFLINE_TOKENIZERS = ("13a", "intl", "char", "none", "zh")
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
    """How the files of a test set are paired: by id when every file has ids (`auto`), by id, or by position."""

    AUTO = "auto"
    ID = "id"
    POSITION = "position"


class Severity(StrEnum):
    """How bad a QA finding is: errors fail a run by default, warnings only when asked."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


#: Severity that fails a QA run unless told otherwise.
DEFAULT_FAIL_ON = Severity.ERROR
