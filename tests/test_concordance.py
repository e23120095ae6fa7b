"""Concordance: whole words found whatever the punctuation, clitics, diacritics and spelling variants, with whole-word spans."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching import Side
from tmkit.matching.concordance import Query, concordance, find_spans
from tmkit.matching.memory_index import MemoryIndex, open_memory
from tmkit.matching.word_index import WordIndex, filed_under, key_tokens, looked_up_under, word_forms
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant
from tmkit.text.normalize import Normalizer


def units(pairs: list[tuple[str, str]]) -> list[TranslationUnit]:
    return [
        TranslationUnit([Variant("ar", Segment.from_text(a)), Variant("en", Segment.from_text(e))]) for a, e in pairs
    ]


def index() -> MemoryIndex:
    pairs = [
        ("وأكد أهمية الاستثمار في قطاع الطاقة", "He stressed the importance of investment in the energy sector"),
        ("بحث الجانبان فرص الاستثمارِ المشترك", "The two sides discussed joint investment opportunities"),
        ("وقّع الطرفان اتفاقية لإعادة الإعمار", "The two parties signed a reconstruction agreement"),
        ("افتتح الوزير محطة كهرباء جديدة", "The minister opened a new power station"),
        ("ناقش المجلس قانون الاستثمار", ""),  # empty target: not an entry
    ]
    return MemoryIndex.build(units(pairs), source_lang="ar", target_lang="en", name="tm")


#: Travel sentences in standard typography (no space before `. ؟ ،`), entry by entry.
TRAVEL = [
    ("هل يوجد فندق قريب من هنا؟", "Is there a hotel near here?"),  # 0
    ("أريد غرفة في الفندق.", "I want a room in the hotel."),  # 1
    ("سأدفع بالفندق، شكراً.", "I'll pay at the hotel, thanks."),  # 2
    ("والفندق بعيد عن المحطة.", "And the hotel is far from the station."),  # 3
    ("كان الجو جميلاً الآن.", "The weather was nice now."),  # 4
    ("أعتقد أن التذكرة هنا.", "I think this is the ticket."),  # 5
    ("كم سعر الغرفة لليلة؟", "How much is the room?"),  # 6
    ("هل لديكم غرف شاغرة؟", "Do you have any rooms available?"),  # 7
    ("ذهبت إلى المطار مبكراً", "I went to the airport early"),  # 8
    ("دفعت 2,500 دينار للفندق", "I paid 2,500 dinars to the hotel"),  # 9
    ("دفعت 500 دينار", "I paid 500 dinars"),  # 10
]


def travel() -> MemoryIndex:
    return MemoryIndex.build(units(TRAVEL), source_lang="ar", target_lang="en", name="travel")


#: The issue's cases: (phrase, options, the entries found). Each row failed before (a word touching
#: punctuation was never found; the query's clitics were kept; `أن` matched inside `كان`, `الآن`;
#: `غرفه` found nothing; `500` was found inside `2,500`).
GOLDEN: list[tuple[str, dict[str, bool], list[int]]] = [
    ("هنا", {}, [0, 5]),  # هنا؟ and هنا. are words
    ("room", {}, [1, 6]),  # room? (rooms is another word)
    ("ticket", {}, [5]),  # ticket.
    ("hotel", {}, [0, 1, 2, 3, 9]),  # hotel? hotel. hotel,
    ("فندق", {}, [0, 1, 2, 3, 9]),
    ("الفندق", {}, [0, 1, 2, 3, 9]),
    ("بالفندق", {}, [0, 1, 2, 3, 9]),
    ("والفندق", {}, [0, 1, 2, 3, 9]),
    ("للفندق", {}, [0, 1, 2, 3, 9]),
    ("أن", {}, [5]),  # not كان, not الآن
    ("الآن", {}, [4]),
    ("غرفه", {}, [1, 6]),  # ة written as ه; غرف is another word
    ("الى", {}, [8]),  # إلى: hamza form and ى/ي
    ("500", {}, [10]),  # not inside 2,500
    ("2,500", {}, [9]),
    ("فندق قريب", {}, [0]),
    ("قريب فندق", {}, []),  # order matters
    ("room", {"prefix": True}, [1, 6, 7]),
    ("غرف", {"prefix": True}, [1, 6, 7]),
    ("بالفند", {"prefix": True}, [0, 1, 2, 3, 9]),
    ("the hot", {"prefix": True}, [1, 2, 3, 9]),
]


@pytest.mark.parametrize(("phrase", "options", "entries"), GOLDEN, ids=[f"{p}{'*' if o else ''}" for p, o, _ in GOLDEN])
def test_golden_table(phrase: str, options: dict[str, bool], entries: list[int]) -> None:
    hits = concordance([travel()], phrase, limit=100, **options)
    assert [h.entry for h in hits] == entries


#: Two-letter stems: found with و ف ب ل before them, never through ك or the article, and two words
#: that only share a two-letter reading (`بعد` after, `وعد` promise) are not one word.
SHORT = [
    ("سأعود بعد الغداء", "I'll be back after lunch"),  # 0
    ("وعد بالمساعدة", "He promised to help"),  # 1
    ("لأن الطريق مغلق", "Because the road is closed"),  # 2
    ("وفي المساء نعود", "And in the evening we return"),  # 3
    ("كان هنا في الصباح", "He was here in the morning"),  # 4
]


@pytest.mark.parametrize(
    ("phrase", "entries"), [("بعد", [0]), ("وعد", [1]), ("أن", [2]), ("في", [3, 4]), ("وفي", [3, 4]), ("ان", [2])]
)
def test_short_stems(phrase: str, entries: list[int]) -> None:
    memory = MemoryIndex.build(units(SHORT), source_lang="ar", target_lang="en")
    assert [h.entry for h in concordance([memory], phrase)] == entries


#: (phrase, entry, the texts highlighted in the side searched): whole words, clitics and harakat included.
HIGHLIGHTS = [
    ("فندق", 2, ["بالفندق"]),
    ("فندق", 9, ["للفندق"]),
    ("هنا", 0, ["هنا"]),
    ("hotel", 2, ["hotel"]),
    ("room", 6, ["room"]),
    ("غرفه", 6, ["الغرفة"]),
    ("كان الجو", 4, ["كان الجو"]),
    ("بالفند", 1, ["الفندق"]),
]


@pytest.mark.parametrize(("phrase", "entry", "shown"), HIGHLIGHTS)
def test_highlights_cover_whole_words(phrase: str, entry: int, shown: list[str]) -> None:
    hit = next(h for h in concordance([travel()], phrase, limit=100, prefix=phrase == "بالفند") if h.entry == entry)
    arabic = phrase[0] > "\u0600"
    text, spans = (hit.source, hit.source_spans) if arabic else (hit.target, hit.target_spans)
    assert [text[a:b] for a, b in spans] == shown


def test_arabic_word_with_clitics_and_diacritics() -> None:
    hits = concordance([index()], "استثمار")
    assert [h.source for h in hits] == [
        "وأكد أهمية الاستثمار في قطاع الطاقة",
        "بحث الجانبان فرص الاستثمارِ المشترك",
    ]
    second = hits[1]
    start, end = second.source_spans[0]
    assert second.source[start:end] == "الاستثمارِ"  # the whole word, with its kasra
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


def test_both_sides_give_an_entry_once() -> None:
    memory = MemoryIndex.build(units([("وصل 300 زائر", "300 visitors came")]), source_lang="ar", target_lang="en")
    hits = concordance([memory], "300", side=Side.BOTH)
    assert [h.entry for h in hits] == [0]
    assert hits[0].source_spans == ((4, 7),) and hits[0].target_spans == ((0, 3),)


def test_phrase_order_matters_and_limit() -> None:
    assert concordance([index()], "المشترك الاستثمار") == []
    assert len(concordance([index()], "الجانبان", limit=1)) == 1


def test_word_forms_and_tokens() -> None:
    assert set(word_forms("وبالكتاب")) >= {"وبالكتاب", "بالكتاب", "الكتاب", "كتاب"}
    assert "فندق" in word_forms("للفندق")
    assert word_forms("كان") == ("كان",)  # ك + ان would leave a two-letter stem
    assert filed_under("بعد") == ("بعد", "\x01عد")  # a short stem is filed marked
    assert looked_up_under("عد") == {"عد", "\x01عد"} and looked_up_under("بعد") == {"بعد", "عد"}
    assert "في" in word_forms("وفي")
    assert word_forms("energy") == ("energy",)
    words = [sorted(t.forms)[0] for t in key_tokens("hotel's check-in: 2,500 £ 10.30. هنا?")]
    assert words == ["hotel", "s", "check", "in", "2,500", "10.30", "هنا"]


def test_spans_of_a_phrase() -> None:
    norm = Normalizer("ar")
    text = "قالَ: إنّ الاستثمارَ مُهمٌّ، والاستثمار ضروري"
    spans = find_spans(text, Query.parse("الاستثمار", norm), norm)
    assert [text[a:b] for a, b in spans] == ["الاستثمارَ", "والاستثمار"]


def test_word_index_rows_and_prefixes() -> None:
    words = WordIndex.build(["room rooms", "roomy", "rob", "في الفندق"])
    assert words.entries("room").tolist() == [0]
    assert words.entries("room", prefix=True).tolist() == [0, 1]
    assert words.entries("ro", prefix=True).tolist() == [0, 1, 2]
    assert words.entries("فندق").tolist() == [3] and words.entries("فند").tolist() == []
    assert words.entries("zzz", prefix=True).tolist() == []
    empty = WordIndex.build([])
    assert len(empty) == 0 and empty.entries("x").tolist() == []


def test_cached_index_finds_what_a_fresh_one_finds(tmp_path: Path) -> None:
    path = tmp_path / "travel.tmx"
    write_tmx(path, Memory(Header(srclang="ar"), units(TRAVEL)))
    fresh = open_memory(path, source_lang="ar", target_lang="en", cache=True)  # builds and saves
    cached = open_memory(path, source_lang="ar", target_lang="en", cache=True)  # loads
    assert cached.source_words.word_postings is not fresh.source_words.word_postings
    for phrase, options, entries in GOLDEN:
        assert [h.entry for h in concordance([cached], phrase, limit=100, **options)] == entries, phrase


def test_cli_prefix_option(tmp_path: Path) -> None:
    path = tmp_path / "travel.tmx"
    write_tmx(path, Memory(Header(srclang="ar"), units(TRAVEL)))
    whole = run_cli("concord", path, "room", "--json", "--no-cache")
    begun = run_cli("concord", path, "room", "--prefix", "--json", "--no-cache")
    assert whole.code == 0 and begun.code == 0, whole.stderr + begun.stderr
    assert [h["target"] for h in json.loads(whole.stdout)["hits"]] == [TRAVEL[1][1], TRAVEL[6][1]]
    found = json.loads(begun.stdout)
    assert found["prefix"] is True
    assert [h["target"] for h in found["hits"]] == [TRAVEL[1][1], TRAVEL[6][1], TRAVEL[7][1]]
    assert found["hits"][2]["target_spans"] == [[16, 21]]  # "rooms", the whole word


def test_common_words_give_the_first_hits_in_memory_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # The package exports the function `concordance`, which hides the module of that name.
    concordance_module = importlib.import_module("tmkit.matching.concordance")
    # "الميناء" (the rarer word) first stands in ten entries without the phrase "في الميناء", then
    # 280 entries have only the common word, and the phrase comes in the last ten.
    pairs = [(f"زار الوفد الميناء رقم {i}", f"The delegation visited port {i}") for i in range(10)]
    pairs += [(f"وصل الوفد في يوم {i}", f"The delegation arrived on day {i}") for i in range(280)]
    pairs += [(f"رست السفينة في الميناء رقم {i}", f"The ship docked in port {i}") for i in range(10)]
    memory = MemoryIndex.build(units(pairs), source_lang="ar", target_lang="en")
    monkeypatch.setattr(concordance_module, "_CAP_PER_HIT", 1)  # read too few entries first: the fallback must run
    hits = concordance([memory], "في الميناء", limit=3)
    assert [h.entry for h in hits] == [290, 291, 292]
    everything = concordance([memory], "في", limit=400)
    assert [h.entry for h in everything] == list(range(10, 300))


def test_every_text_holds_its_own_words_and_phrases() -> None:
    # The quick regular expression checked before a key's words are read must never turn away a key
    # that holds the phrase: every text is found by each of its words, pairs of words and prefixes.
    norm = Normalizer("ar")
    for text, _ in [*TRAVEL, *SHORT, ("وللمسافرين بالقطار، والحقائب؟", "")]:
        key = norm(text)
        words = text.split()
        readings = [form for word in key_tokens(key) for form in word.forms if not form.startswith("\x01")]
        # Its words, every reading of them (`فندق` for `بالفندق`), and pairs of words.
        asked = [*words, *readings, *(" ".join(words[i : i + 2]) for i in range(len(words) - 1))]
        for phrase in asked:
            assert Query.parse(phrase, norm).found_in(key), phrase
        for word in words:
            if len(word) > 3:
                assert Query.parse(word[:3], norm, prefix=True).found_in(key), word[:3]


def test_index_files_each_word_as_key_tokens_reads_it() -> None:
    # The index is built in bulk; a query's words are read one text at a time: both must agree.
    norm = Normalizer("ar")
    keys = [norm(text) for pair in [*TRAVEL, *SHORT] for text in pair]
    keys += ["x\x00y", "", "a_b 2,500. c\u00a0d", "للفندق؟والفندق"]
    words = WordIndex.build(keys)
    expected: dict[str, set[int]] = {}
    for entry, key in enumerate(keys):
        for token in key_tokens(key):
            for form in token.forms:
                expected.setdefault(form, set()).add(entry)
    filed = {words.word(row): set(words.entries(words.word(row)).tolist()) for row in range(len(words))}
    assert filed == expected
