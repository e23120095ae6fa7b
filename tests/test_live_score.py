"""The editor's scores without a screen: each row's reference found (tuid, source, position), one segment scored as
typed, and the document's score kept equal to `score_corpus` one segment at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.live_score import LiveScore
from tmkit.jobs.reference import align_reference
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.model import Header, Memory, Segment, TranslationUnit, Variant
from tmkit.quality.scoring import score_corpus, segment_score


def _reference(units: list[tuple[str | None, str, str]]) -> Memory:
    return Memory(
        Header(),
        [
            TranslationUnit([Variant("ar", Segment.from_text(a)), Variant("en", Segment.from_text(e))], tuid=t)
            for t, a, e in units
        ],
    )


def test_rows_find_their_reference_by_tuid_then_by_source(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    rows = document.rows
    reference = _reference(
        [
            (rows[2].unit.tuid, "another source", "By tuid."),
            (None, "  " + rows[4].source_text.replace(" ", "\n"), "By source, white space aside."),
        ]
    )
    found = align_reference(rows, reference, source_lang="ar", target_lang="en")
    assert len(found) == len(rows)
    assert (found[2], found[4]) == ("By tuid.", "By source, white space aside.")
    assert [i for i, text in enumerate(found) if text is not None] == [2, 4]


def test_a_tuid_naming_another_sentence_gives_way_to_the_rows_own_source(work: Path) -> None:
    """A reviewer's trial: the reference made by `tmkit convert` from line-aligned text (tuids 1, 2, 3…) and the working
    file segmented from the document (tuids 1, 2, 3… too), where one line was split in two: every later segment took
    the reference of another sentence by its tuid, and the document's chrF read 36.7 where it was 95.6."""
    rows = WorkFile(work / "article.tmx").rows
    # The reference's units numbered one ahead of the rows' from row 2 on, as after a split line.
    reference = _reference(
        [(rows[i].unit.tuid, rows[i].source_text, f"Reference {i}.") for i in range(2)]
        + [(rows[i - 1].unit.tuid, rows[i].source_text, f"Reference {i}.") for i in range(3, 6)]
    )
    found = align_reference(rows, reference, source_lang="ar", target_lang="en")
    assert found[:6] == ["Reference 0.", "Reference 1.", None, "Reference 3.", "Reference 4.", "Reference 5."]


def test_rows_take_the_reference_by_position_only_when_nothing_is_shared(work: Path) -> None:
    rows = WorkFile(work / "article.tmx").rows
    reference = _reference([(None, f"unrelated {i}", f"Reference {i}.") for i in range(3)])
    found = align_reference(rows, reference, source_lang="ar", target_lang="en")
    assert found[:4] == ["Reference 0.", "Reference 1.", "Reference 2.", None]


def _scored(work: Path) -> tuple[WorkFile, list[str | None]]:
    document = WorkFile(work / "article.tmx")
    references = align_reference(document.rows, load_tmx(work / "article.tmx"), source_lang="ar", target_lang="en")
    # A reference that differs a little from each target, and one row without a reference.
    references = [None if i == 3 else (ref or "") + " indeed" for i, ref in enumerate(references)]
    return document, references


def _corpus(document: WorkFile, references: list[str | None]) -> dict[str, float]:
    pairs = [
        (r.target_text, ref)
        for r, ref in zip(document.rows, references, strict=True)
        if ref is not None and r.target_text.strip()
    ]
    corpus = score_corpus(
        [h for h, _ in pairs], [[ref for _, ref in pairs]], metrics=("chrf", "bleu", "ter"), target_lang="en"
    )
    return {key: corpus[key].score for key in ("chrf", "bleu", "ter")}


def test_the_document_score_is_the_corpus_score_after_each_edit(work: Path) -> None:
    document, references = _scored(work)
    live = LiveScore.from_document(document, references)
    score = live.document_score()
    assert score is not None and score.segments == len(document) - 1
    assert score.scores == pytest.approx(_corpus(document, references), abs=1e-9)

    for row, text in ((5, "Something else entirely."), (0, ""), (5, document.rows[7].target_text)):
        document.set_target(row, text)
        live.set_segment(row, document.rows[row].target_text)
        current = live.document_score()
        assert current is not None
        assert current.scores == pytest.approx(_corpus(document, references), abs=1e-9)
    assert current.segments == len(document) - 2  # the emptied row is left out


def test_a_segment_is_scored_as_typed_without_changing_the_document_score(work: Path) -> None:
    document, references = _scored(work)
    live = LiveScore.from_document(document, references)
    before = live.document_score()
    typed = "A draft the translator is typing"
    scores = live.score_segment(6, typed)
    reference = references[6]
    assert scores is not None and reference is not None
    for metric in ("chrf", "bleu", "ter"):
        assert scores[metric] == pytest.approx(segment_score(typed, [reference], metric=metric, target_lang="en"))
    assert live.document_score() == before
    assert live.score_segment(3, typed) is None  # no reference
    assert live.score_segment(6, "  ") is None  # nothing typed yet
