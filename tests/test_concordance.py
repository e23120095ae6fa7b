"""Concordance: phrases found whatever the diacritics, hamza forms and clitics, with correct spans."""

from __future__ import annotations

from tmkit.matching.concordance import Side, concordance, find_spans, word_variants
from tmkit.matching.memory_index import MemoryIndex
from tmkit.model import Segment, Status, TranslationUnit, Variant
from tmkit.normalize import Normalizer


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
