"""Concordance: phrases found whatever the diacritics, hamza forms and clitics, with correct spans."""

from __future__ import annotations

import importlib

import pytest

from tmkit.matching import Side
from tmkit.matching.concordance import concordance, find_spans, word_variants
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Segment, Status, TranslationUnit, Variant
from tmkit.text.normalize import Normalizer


def index() -> MemoryIndex:
    pairs = [
        ("وأكد أهمية الاستثمار في قطاع الطاقة", "He stressed the importance of investment in the energy sector"),
        ("بحث الجانبان فرص الاستثمارِ المشترك", "The two sides discussed joint investment opportunities"),
        ("وقّع الطرفان اتفاقية لإعادة الإعمار", "The two parties signed a reconstruction agreement"),
        ("افتتح الوزير محطة كهرباء جديدة", "The minister opened a new power station"),
        ("ناقش المجلس قانون الاستثمار", ""),  # empty target: not an entry
    ]
    units = [
        TranslationUnit([Variant("ar", Segment.from_text(a)), Variant("en", Segment.from_text(e))]) for a, e in pairs
    ]
    return MemoryIndex.build(units, source_lang="ar", target_lang="en", name="tm")


def test_arabic_word_with_clitics_and_diacritics() -> None:
    hits = concordance([index()], "استثمار")
    assert [h.source for h in hits] == [
        "وأكد أهمية الاستثمار في قطاع الطاقة",
        "بحث الجانبان فرص الاستثمارِ المشترك",
    ]
    second = hits[1]
    start, end = second.source_spans[0]
    assert second.source[start:end] == "استثمارِ"  # the hit keeps its kasra in the original text
    assert second.status is Status.TRANSLATED


def test_phrase_with_hamza_form_and_prefix() -> None:
    hits = concordance([index()], "اعادة الاعمار")  # bare alefs, no ل
    assert [h.tuid for h in hits] == [None]
    assert "لإعادة الإعمار" in hits[0].source


def test_target_side_and_auto_side() -> None:
    hits = concordance([index()], "Investment")
    assert len(hits) == 2 and all("investment" in h.target for h in hits)
    start, end = hits[0].target_spans[0]
    assert hits[0].target[start:end] == "investment"
    assert concordance([index()], "investment", side=Side.SOURCE) == []


def test_phrase_order_matters_and_limit() -> None:
    assert concordance([index()], "المشترك الاستثمار") == []
    assert len(concordance([index()], "الجانبان", limit=1)) == 1


def test_word_variants_and_spans() -> None:
    assert {"والاستثمار", "بالاستثمار", "للاستثمار", "الاستثمار", "استثمار"} <= set(
        word_variants("الاستثمار", arabic=True)
    )
    assert word_variants("energy", arabic=False) == ["energy"]
    norm = Normalizer("ar")
    text = "قالَ: إنّ الاستثمارَ مُهمٌّ، والاستثمار ضروري"
    spans = find_spans(text, norm("الاستثمار"), norm)
    assert [text[a:b] for a, b in spans] == ["الاستثمارَ", "الاستثمار"]


def test_common_words_give_the_first_hits_in_memory_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # The package exports the function `concordance`, which hides the module of that name.
    concordance_module = importlib.import_module("tmkit.matching.concordance")
    # "الميناء" (the rarer word) first stands in ten entries without the phrase "في الميناء", then
    # 280 entries have only the common word, and the phrase comes in the last ten.
    pairs = [(f"زار الوفد الميناء رقم {i}", f"The delegation visited port {i}") for i in range(10)]
    pairs += [(f"وصل الوفد في يوم {i}", f"The delegation arrived on day {i}") for i in range(280)]
    pairs += [(f"رست السفينة في الميناء رقم {i}", f"The ship docked in port {i}") for i in range(10)]
    units = [
        TranslationUnit([Variant("ar", Segment.from_text(a)), Variant("en", Segment.from_text(e))]) for a, e in pairs
    ]
    memory = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    monkeypatch.setattr(concordance_module, "_CAP_PER_HIT", 1)  # read too few entries first: the fallback must run
    hits = concordance([memory], "في الميناء", limit=3)
    assert [h.entry for h in hits] == [290, 291, 292]
    everything = concordance([memory], "في", limit=400)
    assert [h.entry for h in everything] == list(range(10, 300))
