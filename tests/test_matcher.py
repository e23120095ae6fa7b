"""Lookups across memories: alternatives, exclusions, context, penalties, directions, the index cache."""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from tests.helpers import SAMPLES
from tmkit.formats.tmx_reader import load_tmx, segment_from_xml
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching import candidate_index, memory_index
from tmkit.matching.candidate_index import CANDIDATE_LIMIT, SHORT_KEY, CandidateIndex
from tmkit.matching.match_percent import match_percent
from tmkit.matching.matcher import ExhaustiveMatcher, Matcher
from tmkit.matching.memory_index import Column, MemoryIndex, cache_folder, open_memory
from tmkit.memory.model import Header, Memory, Prop, Segment, Status, TranslationUnit, Variant


def unit(
    ar: str, en: str, *, status: Status = Status.TRANSLATED, rejected: bool = False, tuid: str | None = None
) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(ar)), Variant("en", Segment.from_text(en))],
        status=status,
        rejected=rejected,
        tuid=tuid,
    )


def index_of(*units: TranslationUnit, name: str = "tm", source: str = "ar", target: str = "en") -> MemoryIndex:
    return MemoryIndex.build(list(units), source_lang=source, target_lang=target, name=name)


def test_alternatives_kept_duplicates_merged_empty_and_rejected_never_offered() -> None:
    index = index_of(
        unit("شكرا جزيلا", "Thank you very much"),
        unit("شكرا جزيلا", "Many thanks"),
        unit("شكرا جزيلا", "Many thanks"),  # the same pair again
        unit("شكرا جزيلا", ""),  # empty target
        unit("شكرا جزيلا", "Thanks a lot", rejected=True),
    )
    targets = sorted(m.target.plain for m in Matcher([index]).match("شكرا جزيلا"))
    assert targets == ["Many thanks", "Thank you very much"]


def test_vocalised_and_hamza_variants_are_found() -> None:
    index = index_of(unit("أكد الرئيس أهمية تعزيز التعاون الاقتصادي", "The president stressed economic cooperation"))
    matcher = Matcher([index])
    vocalised = matcher.match("أَكَّدَ الرَّئِيسُ أَهَمِّيَّةَ تَعْزِيزِ التَّعَاوُنِ الاقْتِصَادِيِّ")
    assert [m.score for m in vocalised] == [99.0]
    bare = matcher.match("اكد الرئيس اهمية تعزيز التعاون الاقتصادي")
    assert [m.score for m in bare] == [99.0]
    teh = matcher.match("أكد الرئيس أهمية تعزيز التعاون الاقتصادى")  # ى for ي
    assert [m.score for m in teh] == [97.0]


def test_changed_number_is_substituted_in_the_target() -> None:
    index = index_of(unit("وصل إلى دمشق 3 وفود عام 2021", "3 delegations arrived in Damascus in 2021"))
    [match] = Matcher([index]).match("وصل إلى دمشق ٥ وفود عام ٢٠٢٢")
    assert match.score == 99.0
    assert match.target.plain == "5 delegations arrived in Damascus in 2022"
    assert match.stored_target is not None and match.stored_target.plain.startswith("3 ")


def test_ranking_cutoff_limit_and_order() -> None:
    index = index_of(
        unit("أكد الجانبان على تعزيز العلاقات الثنائية", "a"),
        unit("وأكد الجانبان على تعزيز العلاقات الثنائية", "b"),
        unit("أكد الجانبان على توسيع العلاقات الثنائية", "c"),
        unit("بحث الجانبان التعاون في مجال الطاقة", "d"),
    )
    matcher = Matcher([index])
    found = matcher.match("أكد الجانبان على تعزيز العلاقات الثنائية")
    assert [m.target.plain for m in found] == ["a", "b", "c"]
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert len(matcher.match("أكد الجانبان على تعزيز العلاقات الثنائية", limit=1)) == 1
    assert all(m.score >= 95 for m in matcher.match("أكد الجانبان على تعزيز العلاقات الثنائية", score_cutoff=95))


def test_unconfirmed_rank_below_confirmed_of_the_same_text() -> None:
    index = index_of(unit("نعم", "Yes (draft)", status=Status.DRAFT), unit("نعم", "Yes", status=Status.FINAL))
    found = Matcher([index]).match("نعم")
    assert [(m.target.plain, m.score) for m in found] == [("Yes", 100.0), ("Yes (draft)", 95.0)]


def test_in_context_match_is_101() -> None:
    index = index_of(unit("الفقرة الأولى", "First"), unit("الفقرة الثانية", "Second"), unit("الفقرة الثالثة", "Third"))
    matcher = Matcher([index])
    [in_context] = matcher.match("الفقرة الثانية", previous="الفقرة الأولى", following="الفقرة الثالثة", limit=1)
    assert in_context.score == 101.0 and in_context.breakdown.in_context
    [plain] = matcher.match("الفقرة الثانية", previous="شيء آخر", following="الفقرة الثالثة", limit=1)
    assert plain.score == 100.0


def test_context_props_override_neighbours() -> None:
    explicit = unit("جملة", "Sentence")
    explicit.props += [Prop("x-context-prev", "قبل"), Prop("x-context-next", "بعد")]
    matcher = Matcher([index_of(unit("أخرى", "other"), explicit)])
    assert matcher.match("جملة", previous="قبل", following="بعد")[0].score == 101.0


def test_several_memories_with_a_penalty() -> None:
    main = index_of(unit("مرحبا بكم", "Welcome"), name="main")
    other = index_of(unit("مرحبا بكم", "You are welcome"), name="other")
    other.penalty = 10
    found = Matcher([main, other]).match("مرحبا بكم")
    assert [(m.memory, m.score) for m in found] == [("main", 100.0), ("other", 90.0)]


def test_english_to_arabic_from_the_same_memory() -> None:
    memory = load_tmx(SAMPLES / "news-memory.tmx")
    index = MemoryIndex.build(memory.units, source_lang="en", target_lang="ar")
    english = memory.units[3].variant("en").text  # type: ignore[union-attr]
    [best, *_] = Matcher([index]).match(english.upper())
    assert best.score == 99.0  # case only
    assert best.target.plain == memory.units[3].variant("ar").text  # type: ignore[union-attr]


def test_matcher_refuses_mixed_directions() -> None:
    with pytest.raises(ValueError):
        Matcher([index_of(unit("أ", "a")), index_of(unit("أ", "a"), source="en", target="ar")])


short_keys = st.lists(st.text(alphabet="ابتسملنوي هـ", min_size=1, max_size=20), min_size=1, max_size=60)


@settings(max_examples=80, deadline=None)
@given(
    keys=short_keys,
    query=st.text(alphabet="ابتسملنوي هـ", min_size=1, max_size=20),
    cutoff=st.sampled_from([50.0, 70.0, 85.0]),
)
def test_short_lookups_are_exact(keys: list[str], query: str, cutoff: float) -> None:
    """For short keys the index misses nothing: every key reaching the cutoff is a candidate."""
    index = CandidateIndex.build(keys)
    if not index.exact_for(len(query), cutoff):
        return
    candidates = set(index.candidates(query, min_similarity=cutoff).tolist())
    expected = {i for i, key in enumerate(keys) if fuzz.ratio(query, key) >= cutoff}
    assert expected <= candidates


def test_long_lookups_find_near_duplicates_among_many() -> None:
    rng = random.Random(3)
    words = [f"كلمة{i}" for i in range(3000)]
    keys = [" ".join(rng.choices(words, k=rng.randrange(8, 20))) for _ in range(20000)]
    index = CandidateIndex.build(keys)
    for target in rng.sample(range(len(keys)), 40):
        tokens = keys[target].split()
        tokens[rng.randrange(len(tokens))] = rng.choice(words)  # change one word
        query = " ".join(tokens)
        assert len(query) > SHORT_KEY
        assert target in set(index.candidates(query, min_similarity=70).tolist())


def _sampled_grams(key: str) -> set[int]:
    """The grams of a long key that the index files (its 5-grams in a fixed share of the gram space)."""
    hashed = candidate_index._long_gram_hashes(candidate_index._codepoints(f"\x02{key}\x03"))
    return set((hashed[hashed < candidate_index._SAMPLE_LIMIT] >> candidate_index._HASH_SHIFT).tolist())


def test_entries_tied_at_the_candidate_cut_are_all_kept() -> None:
    # 300 copies of a sentence and the query itself, one letter apart where no filed gram sees it:
    # all 301 estimate alike, more than the 128 candidates kept, and the cut left out the exact match.
    copy = "وصل الوفد الرسمي الى المطار صباح اليوم في زيارة تستغرق ثلاثة ايام"
    query = next(
        twin
        for position in range(len(copy))
        for letter in "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
        if _sampled_grams(twin := copy[:position] + letter + copy[position + 1 :]) == _sampled_grams(copy)
        and twin != copy
    )
    assert len(query) > SHORT_KEY and CANDIDATE_LIMIT < 301
    index = index_of(*(unit(copy, f"copy {i}") for i in range(300)), unit(query, "the one"))
    [best] = Matcher([index]).match(query, limit=1)
    assert best.target.plain == "the one" and best.score == 100.0
    assert [m.score for m in Matcher([index]).match(query, limit=5)] == [
        m.score for m in ExhaustiveMatcher([index]).match(query, limit=5)
    ]


def test_an_estimate_from_few_grams_offers_more_candidates() -> None:
    # The query's key has two filed grams; its near-duplicate (one letter changed) shares one of
    # them, 200 unlike entries share both and file few others, so all 200 estimate higher: the
    # near-duplicate was 201st, past the 128 candidates kept, and lost.
    # (A word whose repeats file two grams, the first of which the twin's changed letter takes away.)
    stem, query, twin = next(
        (stem, query, twin)
        for stem in ("".join(letters) for letters in itertools.product("تخقنمك", repeat=3))
        if (query := " ".join([stem] * 15)) != (twin := "ب" + query[1:])
        and len(_sampled_grams(query)) == 2
        and len(_sampled_grams(twin) & _sampled_grams(query)) == 1
    )
    filed = _sampled_grams(query)
    unlike = [
        text
        for word in ("".join(letters) for letters in itertools.product("سشصضطظعغ", repeat=3))
        for repeats in range(10, 30)
        if filed <= _sampled_grams(text := f"{stem} {stem} {' '.join([word] * repeats)} {stem} {stem}")
        and len(_sampled_grams(text)) <= 3
    ][:200]
    assert len(unlike) == 200 > CANDIDATE_LIMIT
    index = index_of(*(unit(text, f"unlike {i}") for i, text in enumerate(unlike)), unit(twin, "the one"))
    [best] = Matcher([index]).match(query, limit=1)
    assert best.target.plain == "the one" and best.score == 94.0
    assert [m.score for m in Matcher([index]).match(query, limit=5)] == [
        m.score for m in ExhaustiveMatcher([index]).match(query, limit=5)
    ]


def tmx_file(tmp_path: Path, *units: TranslationUnit) -> Path:
    path = tmp_path / "tm.tmx"
    write_tmx(path, Memory(Header(srclang="ar"), list(units)))
    return path


def test_index_cache_is_reused_and_invalidated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmx_file(tmp_path, unit("صباح الخير", "Good morning"))
    first = open_memory(path, source_lang="ar", target_lang="en")
    folder = cache_folder(path, "ar", "en")
    assert folder.is_dir() and len(first) == 1
    builds = []
    real_build = memory_index.MemoryIndex.build.__func__  # type: ignore[attr-defined]

    def counting_build(cls: type[MemoryIndex], /, *args: object, **kwargs: object) -> MemoryIndex:
        builds.append(1)
        return real_build(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(memory_index.MemoryIndex, "build", classmethod(counting_build))
    again = open_memory(path, source_lang="ar", target_lang="en")
    assert builds == [] and Matcher([again]).match("صباح الخير")[0].target.plain == "Good morning"
    tmx_file(tmp_path, unit("صباح الخير", "Good morning"), unit("مساء الخير", "Good evening"))
    os.utime(path, ns=(1, 1))  # the change must be seen even if the clock did not move
    changed = open_memory(path, source_lang="ar", target_lang="en")
    assert builds == [1] and len(changed) == 2
    (folder / "meta.json").write_text("{broken", encoding="utf-8")
    assert len(open_memory(path, source_lang="ar", target_lang="en")) == 2  # a broken cache is rebuilt
    assert builds == [1, 1]


def test_unwritable_cache_location_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmx_file(tmp_path, unit("صباح الخير", "Good morning"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(memory_index.MemoryIndex, "save", refuse)
    assert len(open_memory(path, source_lang="ar", target_lang="en")) == 1
    assert not cache_folder(path, "ar", "en").exists()


def test_saved_and_loaded_index_answer_alike(tmp_path: Path) -> None:
    memory = load_tmx(SAMPLES / "news-memory.tmx")
    path = tmp_path / "m.tmx"
    write_tmx(path, memory)
    built = open_memory(path, source_lang="ar", target_lang="en")
    loaded = open_memory(path, source_lang="ar", target_lang="en")
    for unit_ in memory.units[:30]:
        query = unit_.variant("ar").text  # type: ignore[union-attr]
        assert [m.as_dict() for m in Matcher([built]).match(query)] == [
            m.as_dict() for m in Matcher([loaded]).match(query)
        ]


def test_a_cache_of_another_format_is_rebuilt_not_misread(tmp_path: Path) -> None:
    path = tmx_file(tmp_path, unit("صباح الخير", "Good morning"))
    open_memory(path, source_lang="ar", target_lang="en")
    meta_file = cache_folder(path, "ar", "en") / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["format"] = "tmkit-index-5"  # written before keys starting with U+0001 were stored losslessly
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    again = open_memory(path, source_lang="ar", target_lang="en")
    assert Matcher([again]).match("صباح الخير")[0].target.plain == "Good morning"
    assert json.loads(meta_file.read_text(encoding="utf-8"))["format"] == memory_index.INDEX_FORMAT


def test_saved_index_keeps_every_column_of_every_entry(tmp_path: Path) -> None:
    units = [
        unit("\x01مرحبا بكم", "Welcome", tuid="t1"),  # a key starting with U+0001 (the compact form's mark)
        unit("أهلا وسهلا", "Hello and welcome"),
    ]
    units[0].creation_id, units[0].change_date = "ahmad", "20240102T030405Z"
    built = index_of(*units)
    built.save(tmp_path / "index", fingerprint={})
    loaded, _fingerprint = MemoryIndex.load(tmp_path / "index", normalizer=built.normalizer)
    assert built.columns[Column.SOURCE_KEY][0].startswith("\x01")
    for column in Column:
        assert [loaded.text(column, e) for e in range(len(built))] == [built.text(column, e) for e in range(len(built))]
    assert loaded.optional(Column.TUID, 1) is None and loaded.optional(Column.CREATION_ID, 0) == "ahmad"


# -- recall against the formula run on every entry (issue 10) ------------------------------------------


def test_a_match_its_words_lift_over_the_cutoff_is_found() -> None:
    # `هل` against `وبهل`: chars 66.7, words 100 (the proclitics set aside), so 80; retrieval asked for chars ≥ 70 and
    # offered nothing. (`هل ؟` made the case once: a punctuation mark is form now, and scores 99.)
    index = index_of(unit("وبهل", "Is it?"), unit("هذا", "This"))
    [match] = Matcher([index]).match("هل", score_cutoff=70)
    assert match.target.plain == "Is it?" and match.score == pytest.approx(80.0)


def test_candidates_tied_on_characters_are_all_weighed() -> None:
    # Many drafts as similar by characters as one confirmed entry, stored first: only the first 20
    # by characters were rescored, so the confirmed one (5 points above its draft twins) was lost.
    query = "وصل الوفد الرسمي الى المطار صباح اليوم"
    drafts = [
        unit(query.replace("اليوم", f"يوم {'ابتثجحخدذرزسشصضطظعغفقكلمنهوي'[i]}"), f"d{i}", status=Status.DRAFT)
        for i in range(28)
    ]
    confirmed = unit(query.replace("اليوم", "يوم ب"), "confirmed", status=Status.TRANSLATED)
    matcher = Matcher([index_of(*drafts, confirmed)])
    [best] = matcher.match(query, limit=1)
    assert best.target.plain == "confirmed"
    assert [m.score for m in matcher.match(query, limit=5)] == [
        m.score for m in ExhaustiveMatcher(matcher.memories).match(query, limit=5)
    ]


def test_the_exhaustive_reference_is_the_formula_on_every_entry() -> None:
    # What recall is measured against must itself miss nothing: here, every pair scored by hand.
    rng = random.Random(11)
    words = ["كتاب", "الكتاب", "بالكتاب", "بنزين", "البنزين", "فندق", "والفندق", "في", "هل", "؟", "جديد", "3", "15"]
    pairs = [(" ".join(rng.choices(words, k=rng.randrange(1, 5))), f"t{i}") for i in range(300)]
    reference = ExhaustiveMatcher([index_of(*(unit(a, e) for a, e in pairs))])
    offered = 0
    for _ in range(40):
        query = " ".join(rng.choices(words, k=rng.randrange(1, 5)))
        every = sorted(
            (s for s in (match_percent(query, a, target=e).score for a, e in pairs) if s >= 70), reverse=True
        )
        found = [m.score for m in reference.match(query, limit=len(pairs))]
        assert found == pytest.approx(every)
        offered += len(found)
    assert offered > 100


@settings(max_examples=60, deadline=None)
@given(
    stored=st.lists(
        st.lists(
            st.sampled_from(
                ["كتاب", "الكتاب", "بكتاب", "وكتاب", "بنزين", "البنزين", "فندق", "هل", "؟", ".", "جديد", "7", "12"]
            ),
            min_size=1,
            max_size=5,
        ),
        min_size=1,
        max_size=40,
    ),
    query=st.lists(
        st.sampled_from(["كتاب", "الكتاب", "بنزين", "فندق", "هل", "؟", "جديد", "7", "25"]), min_size=1, max_size=5
    ),
    drafts=st.integers(min_value=0, max_value=3),
)
def test_lookups_offer_what_the_formula_run_on_every_entry_offers(
    stored: list[list[str]], query: list[str], drafts: int
) -> None:
    units = [
        unit(" ".join(words), f"t{i}", status=Status.DRAFT if i % 4 < drafts else Status.TRANSLATED)
        for i, words in enumerate(stored)
    ]
    index = index_of(*units)
    text = " ".join(query)
    found = [m.score for m in Matcher([index]).match(text, limit=5)]
    expected = [m.score for m in ExhaustiveMatcher([index]).match(text, limit=5)]
    assert found == expected


def test_clitics_set_aside_are_in_the_json_breakdown() -> None:
    index = index_of(unit("اشتريت بنزين اليوم", "I bought petrol today"))
    [match] = Matcher([index]).match("اشتريت البنزين اليوم")
    breakdown = match.as_dict()["breakdown"]
    assert isinstance(breakdown, dict) and breakdown["clitics"] == ["ال+بنزين"]
    assert match.breakdown.word_similarity == 100.0


def test_among_matches_tied_past_the_limit_status_and_date_choose_not_the_candidates_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Twelve stored pairs score the same for a query, more than twice the limit: the matches returned are those
    `match` ranks first among them (reviewed, then newest), whatever order the candidate index gives them in (a
    memory's layers give them in another order than one index built afresh)."""
    source = "أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين"
    units = []
    for n in range(12):
        unit = TranslationUnit(
            [Variant("ar", Segment.from_text(source + " الصغار")), Variant("en", Segment.from_text(f"Plan {n}"))],
            status=Status.REVIEWED if n in (3, 9) else Status.TRANSLATED,
            tuid=f"t{n}",
        )
        unit.change_date = f"202401{n + 10:02d}T120000Z"
        units.append(unit)
    index = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    found = [m.target.plain for m in Matcher([index]).match(source, limit=2)]
    assert found == ["Plan 9", "Plan 3"]  # reviewed first, newest first
    retrieve = Matcher._retrieve
    for seed in range(5):
        order = random.Random(seed).sample(range(12), 12)

        def shuffled(self, memory, query, min_char, cutoff, order=order):  # type: ignore[no-untyped-def]
            entries, keys = retrieve(self, memory, query, min_char, cutoff)
            at = [order.index(n) for n in range(len(entries))] if len(entries) == 12 else list(range(len(entries)))
            return entries[at], [keys[n] for n in at]

        monkeypatch.setattr(Matcher, "_retrieve", shuffled)
        assert [m.target.plain for m in Matcher([index]).match(source, limit=2)] == found
        assert [m.target.plain for m in Matcher([index]).match(source, limit=5)][:2] == found


def test_copies_of_one_source_keep_their_own_status_translation_and_substituted_numbers() -> None:
    """Scores worked out once for copies of one stored segment are told apart by what they depend on: a draft
    copy is penalized where a reviewed one is not, and copies differing from the query only in numbers each get
    their own translation with the number substituted."""
    index = index_of(
        unit("زار الوفد المدينة عام 2023", "The delegation visited the city in 2023"),
        unit("زار الوفد المدينة عام 2023", "In 2023 the delegation visited the city"),
        unit("زار الوفد المدينة", "The delegation visited the city", status=Status.DRAFT),
        unit("زار الوفد المدينة", "The delegation toured the city", status=Status.REVIEWED),
    )
    matcher = Matcher([index])
    numbered = {m.target.plain for m in matcher.match("زار الوفد المدينة عام 2024", limit=5, score_cutoff=90)}
    assert numbered == {"The delegation visited the city in 2024", "In 2024 the delegation visited the city"}
    plain = {m.target.plain: (m.score, m.status) for m in matcher.match("زار الوفد المدينة", limit=5)}
    draft, reviewed = plain["The delegation visited the city"], plain["The delegation toured the city"]
    assert (draft[1], reviewed[1]) == (Status.DRAFT, Status.REVIEWED) and draft[0] < reviewed[0] == 100.0


@pytest.mark.parametrize("copies", [3, 5, 12, 25])
def test_a_pair_stored_many_times_hides_no_other_translation(copies: int) -> None:
    """A pair stored more often than the depth a memory is looked up to (twice the limit) filled it, and `match`
    showed it once: its other translations, and the pairs below it, were lost. Every limit shows as many distinct
    pairs as there are, in the order of the formula on every entry, from one memory or two."""
    source = "التعاون في"
    units = [unit(source, "cooperation in") for _ in range(copies)]
    units += [unit(source, "collaboration in"), unit(source + " الزراعة", "cooperation in farming")]
    units += [unit(source, "cooperation in", status=Status.DRAFT) for _ in range(copies)]
    units += [unit("التعاون", "cooperation"), unit("في التعاون في", "in cooperation in")]
    rng = random.Random(copies)
    rng.shuffle(units)
    one = index_of(*units)
    two = (index_of(*units[::2], name="a"), index_of(*units[1::2], name="b"))
    for memories in ([one], list(two)):
        for limit in range(1, 7):
            shown = Matcher(memories).match(source, score_cutoff=60, limit=limit)
            expected = ExhaustiveMatcher(memories).match(source, score_cutoff=60, limit=limit)
            assert [(m.score, m.target.plain) for m in shown] == [(m.score, m.target.plain) for m in expected]
            pairs = {(m.source.plain, m.target.plain) for m in shown}
            assert len(pairs) == len(shown) == min(limit, 5), (limit, [m.target.plain for m in shown])
            if limit >= 2:
                assert "collaboration in" in {m.target.plain for m in shown}


def test_a_memory_looked_up_deeper_retrieves_and_reads_each_copy_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deeper lookups for a pair stored many times walk what the first one retrieved and read: 400 copies at a
    limit of 5 took six lookups, each retrieving and reading every copy's unit id and translation again."""
    source = "التعاون في"
    units = [unit(source, "cooperation in", tuid=f"c{n}") for n in range(400)]
    units += [unit(source, "collaboration in"), unit(source + " الزراعة", "cooperation in farming")]
    random.Random(4).shuffle(units)
    memory = index_of(*units)
    retrieved: list[float] = []
    read: list[tuple[Column, int]] = []
    retrieve, optional = Matcher._retrieve, type(memory).optional

    def counted_retrieve(self: Matcher, *args: Any) -> Any:
        retrieved.append(args[2])
        return retrieve(self, *args)

    def counted_optional(self: MemoryIndex, column: Column, entry: int) -> str | None:
        read.append((column, entry))
        return optional(self, column, entry)

    monkeypatch.setattr(Matcher, "_retrieve", counted_retrieve)
    monkeypatch.setattr(type(memory), "optional", counted_optional)
    shown = Matcher([memory]).match(source, score_cutoff=60, limit=5)
    assert {m.target.plain for m in shown} == {"cooperation in", "collaboration in", "cooperation in farming"}
    assert len(retrieved) == len(set(retrieved))  # once a character bound (a probe's at 90, the cutoff's)
    tuids = [entry for column, entry in read if column is Column.TUID]
    assert len(tuids) > 400 and len(tuids) <= 2 * len(set(tuids))  # ranked once, made a match once


def test_tied_copies_cut_at_the_depth_leave_the_translation_ties_are_broken_for() -> None:
    """Three entries of one source, status and date score alike: a limit of 1 looks two deep. Ties are broken by
    the translation's text, so `a` is shown; the cut at the depth must keep it, not the two copies of a translation
    whose markup sorts first (`<ph …>` before `a`) though its text (`z`) sorts after."""
    coded = segment_from_xml('<ph x="1">{1}</ph>z')
    units = [TranslationUnit([Variant("ar", Segment.from_text("التعاون في")), Variant("en", coded)]) for _ in range(2)]
    units.append(unit("التعاون في", "a"))
    for order in (units, units[::-1]):
        shown = Matcher([index_of(*order)]).match("التعاون في", limit=1)
        assert [m.target.plain for m in shown] == ["a"]
        assert {m.target.plain for m in Matcher([index_of(*order)]).match("التعاون في", limit=2)} == {"a", "z"}


def test_copies_filling_one_memory_s_depth_do_not_give_another_memory_their_place() -> None:
    """Four copies of one pair fill the first memory's depth at a limit of 2, its other translation below them, tied
    with the second memory's: the tie-break puts `b` before `c`, as scoring every entry shows."""
    source = "التعاون في"
    first = index_of(*[unit(source, "a") for _ in range(4)], unit(source, "b"), name="first")
    second = index_of(unit(source, "c"), name="second")
    for memories in ([first, second], [second, first]):
        assert [m.target.plain for m in Matcher(memories).match(source, limit=2)] == ["a", "b"]


def test_ties_at_the_depth_are_cut_by_the_translation_shown_numbers_substituted() -> None:
    """Two copies of `in 2019` and one `in 3 2019`, looked up with 5000: shown as `in 5000` and `in 3 5000`, tied,
    and the tie-break's order is that of the texts shown (`in 3 5000` first), not of the stored ones."""
    stored, query = "التعاون في 2019", "التعاون في 5000"
    units = [unit(stored, "in 2019"), unit(stored, "in 2019"), unit(stored, "in 3 2019")]
    for order in (units, units[::-1]):
        shown = Matcher([index_of(*order)]).match(query, limit=1)
        assert [(m.score, m.target.plain) for m in shown] == [(99.0, "in 3 5000")]


def test_the_copy_standing_for_a_pair_is_the_one_ties_are_broken_for_whatever_the_order_stored() -> None:
    """Copies of `a` equal on every rank, one with a unit id: the one without (first in the tie-break) stands for the
    pair, so `a` and `b` are shown at a limit of 2 in either order stored (the copy with the id, found first, put
    `a` after `c`)."""
    source = "التعاون في"
    units = [unit(source, "a", tuid="t2"), unit(source, "a"), unit(source, "b"), unit(source, "c")]
    for order in (units, units[::-1]):
        shown = Matcher([index_of(*order)]).match(source, limit=2)
        assert [(m.target.plain, m.tuid) for m in shown] == [("a", None), ("b", None)]


def test_an_excluded_copy_ranking_first_leaves_the_pair_to_another_memorys_copy() -> None:
    """The editor's working file holds a segment's own pair, 101% in its context, and the project memory the same
    pair at 100%: excluded from the working file, the pair is still offered, from the project memory (it was merged
    into the excluded copy first, and the translator was told "no match"). The working file's other pairs, and the
    excluded pair's copies in other memories, stay; a name shared by two memories does not exclude from both."""
    before, source, after = "الفقرة الأولى", "الفقرة الثانية", "الفقرة الثالثة"
    project = index_of(unit(source, "Second"), unit(source, "The second"), name="doc.tmx")
    own = index_of(unit(before, "1st"), unit(source, "Second"), unit(after, "3rd"), unit(source, "2nd"), name="doc.tmx")
    matcher = Matcher([project, own])
    found = matcher.match(source, previous=before, following=after, score_cutoff=100)
    assert (found[0].score, found[0].target.plain) == (101.0, "Second")  # the working file's copy stands for the pair
    excluded = (own, source, "Second")
    shown = matcher.match(source, previous=before, following=after, score_cutoff=100, exclude=excluded)
    assert sorted((m.target.plain, m.score, m.breakdown.in_context) for m in shown) == [
        ("2nd", 100.0, False),
        ("Second", 100.0, False),  # the project memory's
        ("The second", 100.0, False),
    ]
    assert [m.target.plain for m in Matcher([own]).match(source, score_cutoff=100, exclude=excluded)] == ["2nd"]
