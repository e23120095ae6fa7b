"""Scores while the translator types: one segment against its reference, and the document's score kept current.

The editor calls `LiveScore.score_segment` (debounced) as the target changes, and
`LiveScore.set_segment` when an edit is committed; `LiveScore.document_score` is then the corpus
score of every translated segment with a reference, as `tmkit score` computes it, without
rescoring the document: sacrebleu's corpus scores (chrF, BLEU, TER) are computed from the sum of
per-segment statistics, so a changed segment takes its old statistics out of the sums and puts
its new ones in.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tmkit.jobs.workfile import WorkFile
from tmkit.quality.scoring import MAX_SEGMENT_CHARS, MAX_TER_SEGMENT_CHARS, _make_metric, tokenizer_for

#: What the editor shows, in this order: chrF leads (robust to Arabic clitics), BLEU and TER follow.
LIVE_METRICS = ("chrf", "bleu", "ter")


@dataclass(frozen=True, slots=True)
class DocumentScore:
    """The corpus score of the segments scored so far: per metric, with how many segments it covers and each
    segment's score of the first metric in row order (for a sparkline)."""

    scores: dict[str, float]
    segments: int
    series: tuple[float, ...]


@dataclass(slots=True)
class _Scored:
    text: str
    stats: dict[str, list[Any]]
    scores: dict[str, float]


class LiveScore:
    """Scores of a document's targets against its references (``references[row]``, None where a row has none).

    Safe to call from a worker thread and the screen's thread alike (one lock). Texts are plain
    targets, without placeholders (`Row.target_text`, or `strip_placeholders` of the edited text).
    A segment longer than scoring's bounds is left out (as if untranslated).
    """

    def __init__(
        self, references: Sequence[str | None], *, target_lang: str, metrics: Sequence[str] = LIVE_METRICS
    ) -> None:
        self.references = list(references)
        self.metrics = tuple(metrics)
        tokenize = tokenizer_for(target_lang)
        # Corpus statistics are the same with or without effective order; a sentence's BLEU needs it.
        self._corpus = {key: _make_metric(key, tokenize) for key in self.metrics}
        self._sentence = {
            key: _make_metric(key, tokenize, segments=True) if key == "bleu" else self._corpus[key]
            for key in self.metrics
        }
        self._rows: dict[int, _Scored] = {}
        self._totals: dict[str, list[Any]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_document(cls, document: WorkFile, references: Sequence[str | None]) -> LiveScore:
        """A live score of every target of ``document`` (scores each segment once: run it off the screen's thread)."""
        live = cls(references, target_lang=document.target_lang)
        for row, r in enumerate(document.rows):
            live.set_segment(row, r.target_text if not r.removed else "")
        return live

    def reference(self, row: int) -> str | None:
        return self.references[row] if 0 <= row < len(self.references) else None

    def score_segment(self, row: int, text: str) -> dict[str, float] | None:
        """The segment's scores (sentence level, 0–100) for ``text`` as it stands; None when the row has no reference
        or the text is empty. Changes nothing: the document score follows `set_segment`."""
        scored = self._score(row, text)
        return dict(scored.scores) if scored is not None else None

    def set_segment(self, row: int, text: str) -> None:
        """The row's target is now ``text``: the document score takes it in place of the one before."""
        with self._lock:
            current = self._rows.get(row)
            if current is not None and current.text == text:
                return
        scored = self._score(row, text)
        with self._lock:
            old = self._rows.pop(row, None)
            if old is not None:
                self._add(old.stats, -1)
            if scored is not None:
                self._rows[row] = scored
                self._add(scored.stats, 1)

    def document_score(self) -> DocumentScore | None:
        """The corpus score of the segments translated and with a reference; None while there are none."""
        with self._lock:
            if not self._rows:
                return None
            scores = {
                key: float(self._corpus[key]._compute_score_from_stats(list(self._totals[key])).score)
                for key in self.metrics
            }
            first = self.metrics[0]
            series = tuple(self._rows[row].scores[first] for row in sorted(self._rows))
            return DocumentScore(scores, len(self._rows), series)

    def _score(self, row: int, text: str) -> _Scored | None:
        reference = self.reference(row)
        if reference is None or not text.strip() or len(text) > MAX_SEGMENT_CHARS:
            return None
        if "ter" in self.metrics and max(len(text), len(reference)) > MAX_TER_SEGMENT_CHARS:
            return None  # TER is quadratic: beyond its bound a keystroke would take seconds
        stats: dict[str, list[Any]] = {}
        scores: dict[str, float] = {}
        for key in self.metrics:
            metric = self._corpus[key]
            # One segment's statistics, as sacrebleu's corpus_score extracts them for each segment.
            (segment_stats,) = metric._extract_corpus_statistics([text], [[reference]])
            stats[key] = list(segment_stats)
            scores[key] = float(self._sentence[key]._compute_score_from_stats(list(segment_stats)).score)
        return _Scored(text, stats, scores)

    def _add(self, stats: dict[str, list[Any]], sign: int) -> None:
        for key, values in stats.items():
            total = self._totals.setdefault(key, [0] * len(values))
            for i, value in enumerate(values):
                total[i] += sign * value
