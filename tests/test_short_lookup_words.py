"""Short lookups through the words of short keys: every key the matcher's bound lets reach the cutoff is offered,
matches are those of the formula run on every entry, and the terms survive save, load, damage and deltas."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from tests.helpers import CORPORA
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching import candidate_index, memory_index
from tmkit.matching.candidate_index import (
    GATHERED_LENGTHS,
    SHORT_KEY,
    WORDED_KEY,
    CandidateIndex,
    char_bucket_counts,
    packed_char_buckets,
    shared_char_bound,
)
from tmkit.matching.match_percent import CHAR_WEIGHT, WORD_WEIGHT, clitic_blind_words, formal_key, squeezed_key
from tmkit.matching.matcher import WORD_LIFT, ExhaustiveMatcher, Matcher, minimum_char_similarity
from tmkit.matching.memory_index import META_FILE, MemoryIndex, UnusableCache, cache_folder, open_memory
from tmkit.memory.model import Header, Segment, TranslationUnit, Variant
from tmkit.text.normalize import SPELLING_FOLDS, Normalizer
from tmkit.text.numbers import mask_numbers

_STEMS = ["كتاب", "مدينة", "وزارة", "مشفى", "طريق", "سيارة", "مدرسة", "جامعة", "في", "من", "على", "عن", "الى"]
_PROCLITICS = ["", "", "", "و", "ب", "ال", "وال", "بال", "ف", "لل"]
_VARIANTS = {"ة": "ه", "ى": "ي", "ي": "ى", "ه": "ة"}
_TERM_FILES = (
    "candidates.term_hashes.npy",
    "candidates.term_starts.npy",
    "candidates.term_postings.npy",
    "candidates.term_word_counts.npy",
    "candidates.term_marks.npy",
)


def _word(rng: random.Random) -> str:
    """A word with or without proclitics, now and then a letter changed or a spelling variant."""
    word = rng.choice(_PROCLITICS) + rng.choice(_STEMS)
    roll = rng.random()
    if roll < 0.15:
        at = rng.randrange(len(word))
        word = word[:at] + rng.choice("بتسملن") + word[at + 1 :]
    elif roll < 0.3:
        word = "".join(_VARIANTS.get(letter, letter) for letter in word)
    return word


def _key(rng: random.Random) -> str:
    """A short key: one to five words (repeats included), sometimes a number, a final stop or a spaced comma."""
    words = [_word(rng) for _ in range(rng.randrange(1, 6))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words) + 1), str(rng.choice([3, 12, 2024, 2025])))
    if rng.random() < 0.2:
        words.append(words[0])  # a word twice: shared words are counted as multisets
    text = " ".join(words)
    if rng.random() < 0.2:
        text = text.replace(" ", " ، ", 1)
    return text + rng.choice(["", "", "."])


def _near_forms(key: str) -> set[str]:
    """What makes keys equal but for form, spelling or numbers (they score 95+ whatever their words)."""
    return {"=" + formal_key(key.translate(SPELLING_FOLDS)), "#" + mask_numbers(key)}


def _read_lists(reading: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted whole (as in a small memory), or narrowed to each list's lengths and searched (as at 100k), first
    cutting the keys found by marks and letters (as at 1M)."""
    monkeypatch.setattr(candidate_index, "WORDED_WHOLE_POSTINGS", 1 << 30 if reading == "lists-whole" else 0)
    monkeypatch.setattr(candidate_index, "CUT_FIRST_KEYS", 0 if reading == "narrowed-cut-first" else 1 << 30)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("reading", ["lists-whole", "lists-narrowed", "narrowed-cut-first"])
def test_every_short_key_the_bound_lets_reach_the_cutoff_is_a_candidate(
    seed: int, reading: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By brute force over every key: each one whose 0.6 × C + 0.4 × W over words without proclitics (the
    matcher's bound) reaches the cutoff, and each one equal but for form, spelling or numbers, is offered."""
    _read_lists(reading, monkeypatch)
    rng = random.Random(seed)
    keys = [_key(rng) for _ in range(2000)]
    index = CandidateIndex.build(keys)
    blind = clitic_blind_words(keys, arabic=True)
    forms = [_near_forms(key) for key in keys]
    queries = [rng.choice(keys) for _ in range(25)] + [_key(rng) for _ in range(25)] + ["في في", "مدينه", "2024"]
    offered = needed = 0
    for query in queries:
        chars = process.cdist([query], keys, scorer=fuzz.ratio)[0]
        query_words = clitic_blind_words([query], arabic=True)[0]
        words = 100 * process.cdist([query_words], blind, scorer=Levenshtein.normalized_similarity)[0]
        near = {entry for entry, key_forms in enumerate(forms) if key_forms & _near_forms(query)}
        for cutoff in (70.0, 64.0, 85.0):
            min_char = minimum_char_similarity(cutoff)
            found = set(index.candidates(query, min_similarity=min_char, word_lift=WORD_LIFT).tolist())
            reach = (chars >= min_char - 1e-4) & (CHAR_WEIGHT * chars + WORD_WEIGHT * words >= cutoff - 1e-4)
            expected = near | set(np.flatnonzero(reach).tolist())
            assert expected <= found, (query, cutoff, [keys[i] for i in sorted(expected - found)])
            offered += len(found)
            needed += len(expected)
    # Not every key of the window: most of those sharing a word cannot reach the cutoff.
    assert needed <= offered < 3 * needed


@pytest.mark.parametrize("seed", [6, 7])
@pytest.mark.parametrize("reading", ["lists-whole", "lists-narrowed", "narrowed-cut-first"])
def test_every_longer_key_a_short_query_can_match_is_found_by_its_words_whatever_the_limit(
    seed: int, reading: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys past `SHORT_KEY` up to `WORDED_KEY` long are found by their words as the short ones are: by brute force,
    each one the bound lets reach the cutoff is offered, with a limit of one candidate by estimate (which the
    estimate of grams would cut to the one it ranks best)."""
    _read_lists(reading, monkeypatch)
    rng = random.Random(seed)
    keys = [_key(rng) for _ in range(800)]
    queries: list[str] = []
    while len(queries) < 40:  # five to eight words, as long as a short key gets
        query = " ".join(_word(rng) for _ in range(rng.randrange(5, 9)))
        if 30 <= len(query) <= SHORT_KEY:
            queries.append(query)
    for query in queries[:30]:  # the query with a word or a few more, or one of its words changed and more added
        for extra in (1, 1, 2, 3, 5):
            words = query.split()
            if rng.random() < 0.5:
                words[rng.randrange(len(words))] = _word(rng)
            for _ in range(extra):
                words.insert(rng.randrange(len(words) + 1), _word(rng))
            keys.append(" ".join(words))
    keys += [" ".join(_word(rng) for _ in range(rng.randrange(6, 30))) for _ in range(600)]
    index = CandidateIndex.build(keys)
    blind = clitic_blind_words(keys, arabic=True)
    longer = [entry for entry, key in enumerate(keys) if SHORT_KEY < len(key) <= WORDED_KEY]
    reaching = 0
    for query in queries:
        chars = process.cdist([query], [keys[entry] for entry in longer], scorer=fuzz.ratio)[0]
        query_words = clitic_blind_words([query], arabic=True)[0]
        words = (
            100 * process.cdist([query_words], [blind[e] for e in longer], scorer=Levenshtein.normalized_similarity)[0]
        )
        for cutoff in (70.0, 80.0):
            min_char = minimum_char_similarity(cutoff)
            found = set(index.candidates(query, min_similarity=min_char, word_lift=WORD_LIFT, limit=1).tolist())
            reach = (chars >= min_char - 1e-4) & (CHAR_WEIGHT * chars + WORD_WEIGHT * words >= cutoff - 1e-4)
            expected = {longer[position] for position in np.flatnonzero(reach).tolist()}
            assert expected <= found, (query, cutoff, [keys[entry] for entry in sorted(expected - found)])
            reaching += len(expected)
    assert reaching > 50


def test_longer_keys_equal_to_a_short_query_but_for_form_are_found() -> None:
    """Spaced punctuation, a spelling variant, or a longer number can take a key equal to a short query past
    `SHORT_KEY`: its near-equal forms are filed, so it is found (it scores 95+ whatever its words)."""
    query = "مدينة،كتاب،وزارة،طريق،سيارة،مدرسة،جامعة،مشفى"
    assert len(query) <= SHORT_KEY
    spaced = query.replace("،", " ، ")
    varied = spaced.replace("ة", "ه")
    numbered = "وزارة النقل في المدينة الكبيرة عام 2024"
    longer_number = numbered.replace("2024", "2024202420242024")
    rng = random.Random(8)
    filler = [" ".join(_word(rng) for _ in range(rng.randrange(2, 20))) for _ in range(300)]
    keys = [*filler, spaced, varied, longer_number]
    assert all(len(key) > SHORT_KEY for key in (spaced, varied, longer_number))
    index = CandidateIndex.build(keys)
    for text, expected in ((query, {len(filler), len(filler) + 1}), (numbered, {len(filler) + 2})):
        found = set(index.candidates(text, min_similarity=minimum_char_similarity(70.0), word_lift=WORD_LIFT).tolist())
        assert expected <= found, text


def test_a_key_equal_but_for_form_is_found_when_no_key_has_a_length_in_the_window() -> None:
    """`نعم.` scores 99 for `نعم` whatever its length: it is found at a cutoff of 95 even where no key of the index
    (or of a memory's delta, whose few units are often all of other lengths) has a length the query's window holds."""
    assert CandidateIndex.build(["to."]).candidates(
        "to", min_similarity=minimum_char_similarity(95.0), word_lift=WORD_LIFT
    ).tolist() == [0]
    keys = ["باب", "كتاب كبير", "مدينة"]
    main = MemoryIndex.build(_units(keys), source_lang="ar", target_lang="en", name="tm")
    added = TranslationUnit([Variant("ar", Segment.from_text("نعم.")), Variant("en", Segment.from_text("Yes."))])
    layered = main.with_units([len(keys)], unit_at=lambda n: added if n == len(keys) else None)
    found = Matcher([layered]).match("نعم", score_cutoff=95.0)
    assert [(m.score, m.target.plain) for m in found] == [(99.0, "Yes.")]
    assert [m.score for m in ExhaustiveMatcher([layered]).match("نعم", score_cutoff=95.0)] == [99.0]


def test_keys_found_only_through_their_near_equal_forms() -> None:
    """A one-word query whose spelling variant shares no word with it, and a number against another number."""
    keys = ["مدينه", "مدينة الكبيرة", "2025", "كتاب", "سيارة في", "عام 2024"]
    index = CandidateIndex.build(keys)
    assert squeezed_key("مدينة .") == squeezed_key("مدينه")
    for query, expected in (("مدينة", 0), ("2024", 2), ("عام 1999", 5)):
        found = index.candidates(query, min_similarity=minimum_char_similarity(70.0), word_lift=WORD_LIFT).tolist()
        assert expected in found, query


def test_words_are_counted_as_multisets() -> None:
    """`في في` shares two words with `في في` and one with `في`: a key is ruled in or out by how many it shares."""
    keys = ["في في", "في", "من في"]
    index = CandidateIndex.build(keys)
    found = set(index.candidates("في في", min_similarity=minimum_char_similarity(90.0), word_lift=WORD_LIFT).tolist())
    # At 90, `في` (C 67, one word of two) cannot reach; `في في` can. Counting words as a set would drop it.
    assert found == {0}


def _units(keys: list[str]) -> list[TranslationUnit]:
    return [
        TranslationUnit([Variant("ar", Segment.from_text(key)), Variant("en", Segment.from_text(f"pair {n}"))])
        for n, key in enumerate(keys)
    ]


@pytest.mark.parametrize("seed", [4, 5])
@pytest.mark.parametrize("reading", ["lists-whole", "lists-narrowed", "narrowed-cut-first"])
def test_short_queries_get_the_formula_s_best_five_from_a_random_memory(
    seed: int, reading: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Matcher` against `ExhaustiveMatcher` (the formula on every entry) at cutoffs where words decide and at 60,
    where they cannot and the characters' bound serves."""
    _read_lists(reading, monkeypatch)
    rng = random.Random(seed)
    keys = [_key(rng) for _ in range(2500)]
    memory = MemoryIndex.build(_units(keys), source_lang="ar", target_lang="en", name="tm")
    indexed, exhaustive = Matcher([memory]), ExhaustiveMatcher([memory])
    queries = [rng.choice(keys) for _ in range(25)] + [_key(rng) for _ in range(25)]
    offered = 0
    for query in queries:
        for cutoff in (70.0, 60.0):
            expected = [m.score for m in exhaustive.match(query, score_cutoff=cutoff, limit=5)]
            assert [m.score for m in indexed.match(query, score_cutoff=cutoff, limit=5)] == expected, (query, cutoff)
            offered += len(expected)
    assert offered > 200


@pytest.fixture(scope="module")
def madar_english() -> tuple[MemoryIndex, list[str]]:
    """The MADAR phrasebook looked up from English (words without Arabic proclitics), every 20th pair held out."""
    arabic = (CORPORA / "madar-travel-dev.ar").read_text(encoding="utf-8").splitlines()
    english = (CORPORA / "madar-travel-dev.en").read_text(encoding="utf-8").splitlines()
    units = [
        TranslationUnit([Variant("en", Segment.from_text(e)), Variant("ar", Segment.from_text(a))])
        for i, (a, e) in enumerate(zip(arabic, english, strict=True))
        if i % 20 and a.strip() and e.strip()
    ]
    queries = [e for i, e in enumerate(english) if i % 20 == 0 and e.strip()]
    return MemoryIndex.build(units, source_lang="en", target_lang="ar", name="madar"), queries


@pytest.mark.skipif(not (CORPORA / "madar-travel-dev.en").exists(), reason="../shared/corpora is absent")
def test_short_english_queries_in_a_real_phrasebook_get_what_the_formula_on_every_entry_offers(
    madar_english: tuple[MemoryIndex, list[str]],
) -> None:
    memory, queries = madar_english
    short = [query for query in queries if len(memory.normalizer(query)) <= SHORT_KEY][:150]
    indexed, exhaustive = Matcher([memory]), ExhaustiveMatcher([memory])
    offered = 0
    for query in short:
        expected = [m.score for m in exhaustive.match(query, limit=5)]
        assert [m.score for m in indexed.match(query, limit=5)] == expected, query
        offered += len(expected)
    assert len(short) > 100 and offered > 50


def _saved_memory(tmp_path: Path) -> tuple[Path, list[str]]:
    rng = random.Random(9)
    keys = [_key(rng) for _ in range(400)]
    path = tmp_path / "tm.tmx"
    write_tmx(path, header=Header(srclang="ar"), units=_units(keys))
    open_memory(path, source_lang="ar", target_lang="en")
    return path, keys[:30]


def _answers(index: MemoryIndex, queries: list[str]) -> list[list[tuple[float, str]]]:
    return [[(m.score, m.target.plain) for m in Matcher([index]).match(query)] for query in queries]


def test_the_terms_survive_save_and_load(tmp_path: Path) -> None:
    path, queries = _saved_memory(tmp_path)
    folder = cache_folder(path, "ar", "en")
    loaded, _fingerprint = MemoryIndex.load(folder, normalizer=Normalizer("ar"))
    built = MemoryIndex.build(_units_of(path), source_lang="ar", target_lang="en", name=path.name)
    assert isinstance(loaded.candidates, CandidateIndex) and isinstance(built.candidates, CandidateIndex)
    for name in ("term_hashes", "term_starts", "term_postings", "term_word_counts"):
        assert np.array_equal(getattr(loaded.candidates, name), getattr(built.candidates, name)), name
    assert len(loaded.candidates.term_postings) > 400
    assert _answers(loaded, queries) == _answers(built, queries)


def _units_of(path: Path) -> list[TranslationUnit]:
    from tmkit.formats.tmx_reader import load_tmx

    return list(load_tmx(path).units)


@pytest.mark.parametrize("name", _TERM_FILES)
def test_a_damaged_term_file_is_detected_and_rebuilt(name: str, tmp_path: Path) -> None:
    path, queries = _saved_memory(tmp_path)
    expected = _answers(open_memory(path, source_lang="ar", target_lang="en"), queries)
    file = cache_folder(path, "ar", "en") / name
    data = bytearray(file.read_bytes())
    data[len(data) - 1] ^= 0x01  # the last byte: an array's data, past its header
    file.write_bytes(bytes(data))
    with pytest.raises(UnusableCache, match=rf"{name}: checksum mismatch") as raised:
        MemoryIndex.load(cache_folder(path, "ar", "en"), normalizer=Normalizer("ar"))
    assert raised.value.damaged
    notices: list[str] = []
    index = open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append)
    assert len(notices) == 1 and "damaged" in notices[0] and name in notices[0]
    assert _answers(index, queries) == expected


def test_a_cache_made_before_the_terms_is_rebuilt_with_them(tmp_path: Path) -> None:
    """A sound cache of the previous format (the same files but the terms, its metadata sealed as it was made)
    is out of date: rebuilt without a notice, with its terms, answering as a fresh build."""
    path, queries = _saved_memory(tmp_path)
    folder = cache_folder(path, "ar", "en")
    expected = _answers(open_memory(path, source_lang="ar", target_lang="en"), queries)
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    body = {key: value for key, value in meta.items() if key != "checksum"}
    body["format"] = "tmkit-index-10"
    body["arrays"] = [name for name in body["arrays"] if not name.startswith("candidates.term_")]
    body["files"] = {name: check for name, check in body["files"].items() if name not in _TERM_FILES}
    for name in _TERM_FILES:
        (folder / name).unlink()
    (folder / META_FILE).write_text(
        json.dumps({**body, "checksum": memory_index._meta_checksum(body)}), encoding="utf-8"
    )
    notices: list[str] = []
    assert (
        _answers(open_memory(path, source_lang="ar", target_lang="en", on_notice=notices.append), queries) == expected
    )
    assert notices == []
    assert json.loads((folder / META_FILE).read_text(encoding="utf-8"))["format"] == memory_index.INDEX_FORMAT
    assert all((folder / name).exists() for name in _TERM_FILES)


def test_a_short_unit_added_by_a_delta_is_found_by_its_words() -> None:
    """The delta's own terms: a confirmed short segment matches the next short query at once, and a changed
    unit's old words no longer lead to it."""
    rng = random.Random(11)
    keys = [_key(rng) for _ in range(300)]
    units = _units(keys)
    main = MemoryIndex.build(units, source_lang="ar", target_lang="en", name="tm")
    added = TranslationUnit([Variant("ar", Segment.from_text("وزارة النقل")), Variant("en", Segment.from_text("new"))])
    changed = TranslationUnit([Variant("ar", Segment.from_text("طريق سريع")), Variant("en", Segment.from_text("road"))])
    current = [*units[:5], changed, *units[6:], added]
    layered = main.with_units([5, len(units)], unit_at=lambda n: current[n] if n < len(current) else None)
    found = Matcher([layered]).match("بوزارة النقل", limit=5)
    assert [(m.source.plain, m.target.plain) for m in found[:1]] == [("وزارة النقل", "new")]
    exhaustive = ExhaustiveMatcher([layered])
    for query in ("طريق سريع", keys[5], "وزارة النقل", *keys[:20]):
        assert [m.score for m in Matcher([layered]).match(query)] == [m.score for m in exhaustive.match(query)], query
    assert all(m.target.plain != "pair 5" for m in Matcher([layered]).match(keys[5], score_cutoff=95))


def test_longer_keys_of_a_short_query_are_ruled_out_only_by_their_lengths_words() -> None:
    """Keys past `SHORT_KEY` in a short query's window are read only at lengths where a key could still reach the
    cutoff with the fewest words of that length: every longer key whose bound reaches it is still offered (by the
    estimate, whose limit here holds them all), and lengths of many-worded keys only are not read."""
    rng = random.Random(12)
    long_words = ["المستشفيات", "والاستثمارات", "الاستراتيجية", "بالمستشفيات", "والمحافظات"]
    keys = [_key(rng) for _ in range(600)]
    for _ in range(300):  # few long words, or many short ones: the fewest words differ from length to length
        words = rng.choices(long_words, k=rng.randrange(4, 8)) if rng.random() < 0.5 else rng.choices(_STEMS, k=20)
        keys.append(" ".join(words))
    queries = [
        "المستشفيات الاستراتيجية والمحافظات بالمستشفيات",
        "المستشفيات الاستراتيجية والمحافظات",
        "في من على عن الى",
        "والاستثمارات المستشفيات",
    ]
    keys += [f"{queries[0]} {word}" for word in long_words] + [f"{queries[0]} {word} في" for word in long_words]
    index = CandidateIndex.build(keys)
    blind = clitic_blind_words(keys, arabic=True)
    longer = [entry for entry, key in enumerate(keys) if len(key) > SHORT_KEY]
    reaching = 0
    for query in queries:
        assert len(query) <= SHORT_KEY
        query_words = clitic_blind_words([query], arabic=True)[0]
        min_char = minimum_char_similarity(70.0)
        found = set(index.candidates(query, min_similarity=min_char, word_lift=WORD_LIFT, limit=10_000).tolist())
        chars = process.cdist([query], [keys[entry] for entry in longer], scorer=fuzz.ratio)[0]
        words = (
            100
            * process.cdist(
                [query_words], [blind[entry] for entry in longer], scorer=Levenshtein.normalized_similarity
            )[0]
        )
        reach = (chars >= min_char - 1e-4) & (CHAR_WEIGHT * chars + WORD_WEIGHT * words >= 70.0 - 1e-4)
        expected = {longer[position] for position in np.flatnonzero(reach).tolist()}
        assert expected <= found, (query, [keys[entry] for entry in sorted(expected - found)])
        # Twenty short words to a key: no length of those can reach, so none of them is offered.
        assert not any(len(blind[entry]) == 20 for entry in found & set(longer)), query
        reaching += len(expected)
    assert reaching > 10


_LETTERS = st.text(alphabet=st.sampled_from([*"ابتثجحخدذرزسشصضطظعغفقكلمنهوي ةىءأ", *"etaoin 0123"]), max_size=160)


@settings(max_examples=300, deadline=None)
@given(_LETTERS, st.lists(_LETTERS, min_size=1, max_size=5))
@example("الاسلام والسلام " * 4, ["السلام الاسلامي " * 5, ""])  # buckets past 15 on both sides, and an empty key
def test_the_bucket_bound_never_falls_below_the_characters_two_keys_share(query: str, keys: list[str]) -> None:
    """The bucket counts (capped at 15, a capped bucket read as the query's count) bound the characters two keys
    share as multisets, hence their C: a key the bound rules out could never reach the cutoff."""
    lengths = np.array([len(key) for key in keys], dtype=np.int32)
    bound = shared_char_bound(char_bucket_counts(query), packed_char_buckets(keys, lengths))
    for key, most in zip(keys, bound.tolist(), strict=True):
        shared = sum((Counter(query) & Counter(key)).values())
        assert most >= shared
        if query or key:
            assert 200.0 * most / (len(query) + len(key)) >= fuzz.ratio(query, key) - 1e-6


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 60), min_size=16, max_size=16),
    st.integers(256, 2_000),
    st.integers(0, 2**32 - 1),
)
@example([15] * 16, 800, 1)  # the first size added up byte by byte
@example([0] * 8 + [60] * 8, 799, 2)  # the last size looked up in one gather
def test_many_keys_bucket_bound_is_the_same_looked_up_by_byte(query: list[int], keys: int, seed: int) -> None:
    """From 256 keys the bound is looked up a byte (two buckets) at a time (from 800, added up byte by byte): it must
    equal the bound worked out bucket by bucket, whatever the nibbles (capped ones included), as for fewer keys."""
    counts = np.array(query, dtype=np.int64)
    packed = np.random.default_rng(seed).integers(0, 2**64, size=keys, dtype=np.uint64)
    by_bucket = np.concatenate([shared_char_bound(counts, packed[at : at + 100]) for at in range(0, len(packed), 100)])
    assert shared_char_bound(counts, packed).tolist() == by_bucket.tolist()


@pytest.fixture(scope="module")
def keys_of_every_length() -> CandidateIndex:
    """An index of 12,000 keys of 1 to 200 characters (some lengths held by no key)."""
    rng = np.random.default_rng(7)
    lengths = [int(n) for n in rng.integers(1, 200, size=12_000) if n % 37]
    return CandidateIndex.build(["ب" * n for n in lengths])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 12_000), st.integers(0, 2**32 - 1))
@example(GATHERED_LENGTHS - 1, 3)
@example(GATHERED_LENGTHS, 4)
def test_the_lengths_cut_from_where_each_starts_are_the_keys_lengths(
    keys_of_every_length: CandidateIndex, count: int, seed: int
) -> None:
    """Past `GATHERED_LENGTHS` keys a lookup cuts their lengths from where each length starts: they must be the lengths
    the index holds, whichever keys (ascending) are asked for, at lengths no key has too."""
    index = keys_of_every_length
    positions = np.unique(np.random.default_rng(seed).integers(0, index.size, size=count)).astype(np.int64)
    assert index._lengths_at(positions).tolist() == index.key_lengths[positions].tolist()
