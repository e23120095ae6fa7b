"""Sentence alignment: link types, anchors, confidence and drafts, the sample article, `tmkit align`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.memory.model import Status
from tmkit.text.alignment import align_paragraphs, align_sentences, pairs_to_memory
from tmkit.text.segmentation import split_sentences


def test_one_to_two_and_omission_links() -> None:
    ar = [
        "وصل الوفد إلى دمشق يوم 5 أيار وعقد اجتماعا مطولا مع وزير الخارجية استمر ثلاث ساعات.",
        "وقال إن المحادثات كانت بناءة.",
    ]
    en = [
        "The delegation arrived in Damascus on 5 May.",
        "It held a long meeting with the foreign minister that lasted three hours.",
        "He said the talks were constructive.",
    ]
    pairs = align_sentences(ar, en)
    assert [(len(p.source), len(p.target)) for p in pairs] == [(1, 2), (1, 1)]


def test_numbers_in_either_digit_system_anchor_a_link() -> None:
    ar = ["بلغ عدد الزوار ٣٥٠ ألفا.", "وشارك ٢٢ بلدا في المعرض هذا العام."]
    en = ["Visitors numbered 350 thousand.", "22 countries took part in the fair this year."]
    pairs = align_sentences(ar, en)
    assert [(p.source, p.target) for p in pairs] == list(zip([(a,) for a in ar], [(e,) for e in en], strict=True))
    assert all(p.confidence >= 0.5 for p in pairs)


def test_sample_article_matches_its_gold_alignment() -> None:
    ar = split_sentences((SAMPLES / "article.ar.txt").read_text(encoding="utf-8"), lang="ar")
    en = split_sentences((SAMPLES / "article.en.txt").read_text(encoding="utf-8"), lang="en")
    pairs = align_paragraphs(ar, en)
    gold = load_tmx(SAMPLES / "article.tmx")
    got = [(" ".join(p.source), " ".join(p.target)) for p in pairs]
    want = [(u.variant("ar").text, u.variant("en").text) for u in gold.units]  # type: ignore[union-attr]
    assert sum(g in want for g in got) / len(want) >= 0.95


def test_low_confidence_links_are_drafts() -> None:
    pairs = align_sentences(
        ["جملة قصيرة."], ["A much much longer English sentence that cannot be its translation at all, surely."]
    )
    memory = pairs_to_memory(pairs, source_lang="ar", target_lang="en", keep_unpaired=True)
    assert memory.units and all(u.status is Status.DRAFT for u in memory.units)


def test_align_command(tmp_path: Path) -> None:
    out = tmp_path / "mem.tmx"
    result = run_cli("align", str(SAMPLES / "article.ar.txt"), str(SAMPLES / "article.en.txt"), "-o", str(out))
    assert result.code == 0, result.stderr
    memory = load_tmx(out)
    assert len(memory.units) == 30
    assert memory.units[1].variant("en").text.startswith("Damascus – President Bashar al-Assad")  # type: ignore[union-attr]
    result = run_cli("align", str(SAMPLES / "article.ar.txt"), str(SAMPLES / "article.ar.txt"), "-o", str(out))
    assert result.code == 2 and "both documents look ar" in result.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = run_cli("align", str(SAMPLES / "article.ar.txt"), str(empty), "-o", str(out))
    assert result.code == 2 and "empty.txt: the document is empty" in result.stderr


def test_numbers_with_arabic_scale_words_are_anchors() -> None:
    from tmkit.text.alignment import _anchor_score

    assert _anchor_score("بلغ عدد الزوار ٢٠٠ ألف زائر.", "Visitors reached 200,000.") == 1
    assert _anchor_score("بلغت الاستثمارات 3 مليارات دولار.", "Investments reached 3 billion dollars.") == 1
    assert _anchor_score("بلغت الاستثمارات 3 مليارات دولار.", "Investments reached 3 million dollars.") < 0


@pytest.mark.parametrize("change", ["split third paragraph", "last paragraph left out"])
def test_paragraph_boundaries_hold_when_paragraph_counts_differ(change: str) -> None:
    from tests.helpers import SAMPLES
    from tmkit.formats.tmx_reader import load_tmx
    from tmkit.text.alignment import align_paragraphs
    from tmkit.text.segmentation import split_sentences

    arabic = split_sentences((SAMPLES / "article.ar.txt").read_text(encoding="utf-8"), lang="ar")
    english = split_sentences((SAMPLES / "article.en.txt").read_text(encoding="utf-8"), lang="en")
    if change == "split third paragraph":
        english = [*english[:2], english[2][:1], english[2][1:], *english[3:]]
        left_out: set[str] = set()
    else:
        english = english[:-1]
        left_out = set(arabic[-1])
    assert len(english) != len(arabic)
    pairs = align_paragraphs(arabic, english)
    gold = {(u.variant("ar").text, u.variant("en").text) for u in load_tmx(SAMPLES / "article.tmx")}  # type: ignore[union-attr]
    linked = [p for p in pairs if p.source and p.target]
    assert all((" ".join(p.source), " ".join(p.target)) in gold for p in linked)
    assert {s for p in pairs if not p.target for s in p.source} == left_out
    assert sum(len(p.source) for p in linked) == sum(len(p) for p in arabic) - len(left_out)
