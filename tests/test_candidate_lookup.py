"""Candidate lookups count what they read: the same candidates whether postings are counted by sorting or over the window."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from tmkit.matching import candidate_index
from tmkit.matching.candidate_index import SHORT_KEY, CandidateIndex, count_postings


@settings(max_examples=200, deadline=None)
@given(
    lists=st.lists(st.sets(st.integers(min_value=0, max_value=199), max_size=60), min_size=1, max_size=8),
    first=st.integers(min_value=0, max_value=100),
    at_least=st.integers(min_value=1, max_value=4),
    spread=st.sampled_from([1, 10_000]),
    byte_window=st.sampled_from([0, 1 << 20]),
    wide_ratio=st.sampled_from([10**9, candidate_index.WIDE_SPARSE_COUNT_RATIO]),
)
def test_counting_by_sorting_or_over_the_window_agrees_with_counting_by_hand(
    lists: list[set[int]], first: int, at_least: int, spread: int, byte_window: int, wide_ratio: int
) -> None:
    """Every way of counting (a window far larger than the postings read is counted by sorting; others in
    bytes list by list, the entries noted as they are counted enough or the window scanned, or all lists at
    once when the window is small). A wide window never sorted (``wide_ratio`` 10**9) is counted in bytes even
    where the postings are few, so entries are noted as they get there."""
    last = first + 200 * spread
    pieces = [np.array(sorted(first + value * spread for value in chosen), dtype=np.uint32) for chosen in lists]
    for piece in pieces:
        piece.setflags(write=False)  # slices of postings a loaded cache maps read-only
    kept = candidate_index.BYTE_COUNT_WINDOW, candidate_index.WIDE_SPARSE_COUNT_RATIO
    # Not monkeypatch: hypothesis runs this many times.
    candidate_index.BYTE_COUNT_WINDOW, candidate_index.WIDE_SPARSE_COUNT_RATIO = byte_window, wide_ratio
    try:
        hit, counts = count_postings(pieces, first, last, at_least=at_least)
    finally:
        candidate_index.BYTE_COUNT_WINDOW, candidate_index.WIDE_SPARSE_COUNT_RATIO = kept
    by_hand = Counter(value for piece in pieces for value in piece.tolist())
    expected = sorted((value - first, count) for value, count in by_hand.items() if count >= at_least)
    assert list(zip(hit.tolist(), counts.tolist(), strict=True)) == expected


def _memory(rng: random.Random, size: int) -> list[str]:
    words = [f"{rng.choice('ابتثجحخدذرزسشصضطظعغفقكلمنهوي')}{rng.choice('ابتسملنوي')}{i % 97}" for i in range(400)]
    return [" ".join(rng.choices(words, k=rng.randrange(1, 16))) for _ in range(size)]


@pytest.mark.parametrize("seed", [1, 2])
def test_candidates_are_the_same_however_the_postings_are_counted(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Short and long keys, windows wide and narrow: counting by sorting changes no candidate, no key, no order."""
    rng = random.Random(seed)
    keys = _memory(rng, 6000)
    index = CandidateIndex.build(keys)
    queries = [keys[rng.randrange(len(keys))] for _ in range(60)] + _memory(rng, 60)
    answers = {}
    # By sorting, over the window in 1 or 8 bytes; the lists cut one by one or all at once.
    # With the sparse ratio 8 and wide windows never sorted, a wide window's few postings are noted as counted.
    for ratio, byte_window, at_once in (
        (0, 0, 0),
        (10**9, 0, 0),
        (8, 0, 0),
        (10**9, 10**9, 0),
        (0, 0, 10**9),
        (10**9, 10**9, 10**9),
    ):
        monkeypatch.setattr(candidate_index, "SPARSE_COUNT_RATIO", ratio)
        monkeypatch.setattr(candidate_index, "WIDE_SPARSE_COUNT_RATIO", 10**9 if ratio == 8 else ratio)
        monkeypatch.setattr(candidate_index, "BYTE_COUNT_WINDOW", byte_window)
        monkeypatch.setattr(candidate_index, "CUT_AT_ONCE_POSTINGS", at_once)
        answers[ratio, byte_window, at_once] = [
            (entries.tolist(), found)
            for query in queries
            for similarity in (50.0, 70.0)
            for entries, found in [
                index.candidates_with_keys(query, min_similarity=similarity, budget=200, fallback_similarity=70.0)
            ]
        ]
    assert len(set(map(repr, answers.values()))) == 1
    assert any(len(query) > SHORT_KEY for query in queries) and any(len(query) <= SHORT_KEY for query in queries)


def test_short_lookups_miss_no_key_reaching_the_similarity_in_a_memory_of_many_short_keys() -> None:
    """The short path counts only entries sharing enough characters for the window's shortest key: none that
    reaches the similarity is left out (each count one lower than it needs would lose some)."""
    rng = random.Random(5)
    keys = _memory(rng, 5000)
    short = [key for key in keys if len(key) <= 20]
    index = CandidateIndex.build(short)
    for query in rng.sample(short, 40):
        for similarity in (50.0, 70.0):
            found = set(index.candidates(query, min_similarity=similarity).tolist())
            expected = {i for i, key in enumerate(short) if fuzz.ratio(query, key) >= similarity}
            assert expected <= found


def test_a_window_of_more_short_keys_than_the_budget_keeps_to_the_fallback_similarity() -> None:
    """Past ``budget`` short keys in the window, every key reaching the fallback similarity and no key outside
    that similarity's window; within the budget, every key reaching the lower similarity."""
    query = "ابتث"
    keys = ["qwer"] * 100 + ["اب", "بت", "تث", "ابتث", "ابتثج", "ابتثجحخ"]
    index = CandidateIndex.build(keys)
    low, high = candidate_index.length_window(len(query), 70.0)
    kept, _keys = index.candidates_with_keys(query, min_similarity=50.0, budget=50, fallback_similarity=70.0)
    assert {i for i, key in enumerate(keys) if fuzz.ratio(query, key) >= 70} <= set(kept.tolist())
    assert all(low <= len(keys[i]) <= high for i in kept.tolist())
    wide, _keys = index.candidates_with_keys(query, min_similarity=50.0, budget=1000, fallback_similarity=70.0)
    assert {i for i, key in enumerate(keys) if fuzz.ratio(query, key) >= 50} <= set(wide.tolist())


def test_long_lookups_read_the_rarest_grams_within_the_budgets_and_still_find_near_duplicates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long query reads no more postings than the budgets allow (the rarest grams first), and its
    near-duplicates, short keys and long ones alike, are still among the candidates."""
    rng = random.Random(5)
    words = [f"{rng.choice('ابتثجحخدذرزسشصضطظعغفقكلمنهوي')}{rng.choice('ابتسملنوي')}{i}" for i in range(2000)]
    keys = [" ".join(rng.choices(words, k=rng.randrange(6, 20))) for _ in range(20_000)]
    index = CandidateIndex.build(keys)
    counted: list[int] = []
    count_every = candidate_index.count_postings

    def count_and_note(
        pieces: list[np.ndarray], first: int, last: int, *, at_least: int = 1
    ) -> tuple[np.ndarray, np.ndarray]:
        counted.append(sum(map(len, pieces)))
        return count_every(pieces, first, last, at_least=at_least)

    monkeypatch.setattr(candidate_index, "count_postings", count_and_note)
    targets = [i for i in rng.sample(range(len(keys)), 400) if len(keys[i]) > SHORT_KEY + 10][:60]
    reads: dict[int, list[int]] = {}
    monkeypatch.setattr(candidate_index, "SAMPLED_POSTINGS_PER_ENTRY", 0.0)  # the budgets alone
    monkeypatch.setattr(candidate_index, "RESOLVING_POSTINGS_PER_ENTRY", 0.0)
    for budget in (10**9, 2_000):
        for name in ("SAMPLED_POSTINGS_BUDGET", "RESOLVING_POSTINGS_CAP", "UNSAMPLED_POSTINGS_BUDGET"):
            monkeypatch.setattr(candidate_index, name, budget)
        pick = random.Random(budget)
        reads[budget] = []
        for target in targets:
            tokens = keys[target].split()
            tokens[pick.randrange(len(tokens))] = pick.choice(words)  # one word changed
            counted.clear()
            found = index.candidates(" ".join(tokens), min_similarity=50.0)
            assert target in set(found.tolist()), (budget, keys[target])
            reads[budget].append(max(counted))  # a count may be made again, of the same postings, for more hits
    assert max(reads[2_000]) <= 2 * 2_000 < min(reads[10**9])  # the budgets held, and they were needed


@pytest.mark.parametrize(
    ("sizes", "sampled", "expected"),
    [
        # Sampled grams rarest first within their budget (300,000 here): six of 10k, not the one of 400k.
        ([10_000, 10_000, 400_000, 10_000, 10_000, 10_000, 10_000], [True] * 7, [0, 1, 3, 4, 5, 6]),
        # At least four sampled ones while within the cap (800,000), past the budget: 200k x 4.
        ([200_000] * 5, [True] * 5, [0, 1, 2, 3]),
        # ...but not past the cap: only the rarest, the one always read.
        ([900_000, 950_000, 2_000_000], [True] * 3, [0]),
        # Grams only short entries have, within their own budget (100,000), whatever the sampled ones read.
        ([60_000, 50, 40_000, 70_000, 30_000], [True, False, False, False, False], [0, 1, 2, 4]),
        # No gram within any budget: the rarest of all.
        ([500_000, 400_000], [False, False], [1]),
        # Grams with no postings in the window are never read, and never take the place of the one always read.
        ([0, 0, 900_000, 950_000], [True] * 4, [2]),
        ([0, 0, 0, 50_000, 60_000], [True] * 5, [3, 4]),
        ([0, 0], [True, False], []),
    ],
)
def test_grams_to_read(
    sizes: list[int], sampled: list[bool], expected: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, budget in (
        ("SAMPLED_POSTINGS_BUDGET", 300_000),
        ("SAMPLED_POSTINGS_PER_ENTRY", 0.25),
        ("RESOLVING_SAMPLED_GRAMS", 4),
        ("RESOLVING_POSTINGS_CAP", 800_000),
        ("UNSAMPLED_POSTINGS_BUDGET", 100_000),
    ):
        monkeypatch.setattr(candidate_index, name, budget)
    read = candidate_index.grams_to_read(
        np.array(sizes, dtype=np.int64), np.array(sampled, dtype=np.bool_), window=1_000
    )
    assert read.tolist() == expected


def test_the_sampled_grams_budget_grows_with_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """300,000 postings, or a quarter of one for each entry of the window: at 10M the same grams hold ten times
    the postings they hold at 1M, and a budget fixed at what 1M needs read too few of them."""
    monkeypatch.setattr(candidate_index, "SAMPLED_POSTINGS_BUDGET", 300_000)
    monkeypatch.setattr(candidate_index, "SAMPLED_POSTINGS_PER_ENTRY", 0.25)
    sizes, sampled = np.full(8, 300_000, dtype=np.int64), np.ones(8, dtype=np.bool_)
    assert candidate_index.grams_to_read(sizes, sampled, window=1_000_000).tolist() == [0, 1]  # 300,000; 2 to resolve
    assert candidate_index.grams_to_read(sizes, sampled, window=8_000_000).tolist() == [0, 1, 2, 3, 4, 5]  # 2M


@pytest.mark.parametrize("seed", [21, 23])
def test_a_query_whose_sampled_grams_are_all_common_still_finds_every_near_copy(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When even the rarest sampled gram's list fills the budget, more are read (up to the cap): estimated from
    one gram, every entry holding it ties, and at 10M an exact copy's near-copies were lost among them."""
    rng = random.Random(seed)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    words = [f"{rng.choice(letters)}{rng.choice(letters)}{rng.choice('ابتسملنوي')}" for _ in range(150)]
    keys = [" ".join(rng.choices(words, k=rng.randrange(12, 20))) for _ in range(12_000)]
    query = keys[0]
    names = ["دمشق", "موسكو", "طهران", "بكين", "القاهرة", "بغداد", "عمان", "تونس", "بيروت"]
    copies = list(range(len(keys), len(keys) + len(names)))
    keys += [f"{name} {query}" for name in names]
    index = CandidateIndex.build(keys)
    # Scaled down from 10M: a budget below any sampled gram's list, and fewer ties kept than share one gram.
    monkeypatch.setattr(candidate_index, "SAMPLED_POSTINGS_BUDGET", 300)
    monkeypatch.setattr(candidate_index, "SAMPLED_POSTINGS_PER_ENTRY", 0.0)
    monkeypatch.setattr(candidate_index, "TIED_CANDIDATE_LIMIT", 130)
    assert {0, *copies} <= set(index.candidates(query, min_similarity=50.0).tolist())


def test_a_long_query_of_common_words_finds_its_twin_that_shares_only_common_grams() -> None:
    """Grams in many entries are read too (within the budget): a query of common words with a number put
    before it shares nothing else with its twin, and leaving out grams in over 8% of the entries lost it."""
    rng = random.Random(11)
    common = ["الجانبان", "الوزير", "التعاون", "والكهرباء", "خلال", "الفنية.", "السوري", "وفدا", "منح", "في"]
    keys = [" ".join(rng.choices(common, k=rng.randrange(8, 14))) for _ in range(16_000)]
    twin = len(keys)
    keys.append(" ".join(rng.choices(common, k=13)))
    query = "3430 " + keys[twin]
    assert len(query) > SHORT_KEY
    index = CandidateIndex.build(keys)
    grams = index.gram_starts[1:] - index.gram_starts[:-1]
    assert (grams > 0.08 * len(keys)).sum() > 20  # most of the query's grams are that common
    assert twin in set(index.candidates(query, min_similarity=50.0).tolist())


def test_searching_postings_does_not_convert_them() -> None:
    """Positions are searched for in the postings' own dtype: numpy given Python ints (int64) converts the
    whole uint32 list first, which made each search of a common word's or gram's list cost its length."""
    import tracemalloc

    postings = np.arange(0, 8_000_000, 4, dtype=np.uint32)  # 2M postings, 8 MB
    tracemalloc.start()
    try:
        low, high = candidate_index._searched(postings, (1_000, 4_000_000)).tolist()
        at = candidate_index._searched(postings, np.array([8, 12, 7_999_996], dtype=np.int64))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (low, high, at.tolist()) == (250, 1_000_000, [2, 3, 1_999_999])
    assert peak < 1 << 20  # numpy's own conversion would take 16 MB


@pytest.mark.parametrize("seed", [1, 2])
def test_estimating_only_the_entries_that_can_place_changes_no_candidate(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_sharing_most` leaves out entries sharing too few grams to place before they are estimated: the candidates,
    their order and the entries tied at the cut are those of estimating every entry counted."""
    rng = random.Random(seed)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    words = [f"{rng.choice(letters)}{rng.choice(letters)}{rng.choice('ابتسملنوي')}" for _ in range(300)]
    keys = [" ".join(rng.choices(words, k=rng.randrange(2, 20))) for _ in range(8_000)]
    index = CandidateIndex.build(keys)
    queries = [keys[rng.randrange(len(keys))] for _ in range(40)] + [
        " ".join(rng.choices(words, k=rng.randrange(10, 20))) for _ in range(40)
    ]
    queries = [query for query in queries if len(query) > SHORT_KEY]
    monkeypatch.setattr(candidate_index, "SAMPLED_POSTINGS_BUDGET", 1_500)  # few grams read: many entries tie
    monkeypatch.setattr(candidate_index, "ESTIMATED_AT_ONCE", 0)  # the search for those that can place, always
    monkeypatch.setattr(candidate_index, "SAMPLED_POSTINGS_PER_ENTRY", 0.0)
    # Two grams read: entries sharing one of them place when few share both, and are counted then.
    monkeypatch.setattr(candidate_index, "RESOLVING_SAMPLED_GRAMS", 2)
    answers = []
    for prune in (True, False):
        if not prune:
            monkeypatch.setattr(
                CandidateIndex,
                "_sharing_most",
                staticmethod(  # every hit counted and estimated
                    lambda positions, counts, _limit, estimates, _scales, complete=True: (
                        (positions, estimates(positions, counts)) if complete else None
                    )
                ),
            )
        answers.append(
            [
                index.candidates(query, min_similarity=similarity, limit=limit).tolist()
                for query in queries
                for similarity in (50.0, 70.0)
                for limit in (5, 128)
            ]
        )
    assert answers[0] == answers[1]
    assert len(queries) > 40


@settings(max_examples=200, deadline=None)
@given(
    chosen=st.sets(st.integers(min_value=0, max_value=499), min_size=1, max_size=300),
    wanted=st.sets(st.integers(min_value=0, max_value=499), max_size=300),
    first=st.integers(min_value=0, max_value=1_000),
)
def test_positions_held_by_a_posting_list_searched_or_marked(chosen: set[int], wanted: set[int], first: int) -> None:
    """`_held` answers as membership by hand, whether it searches for few positions or marks the list for many."""
    postings = np.array(sorted(first + value for value in chosen), dtype=np.uint32)
    postings.setflags(write=False)
    looked_up = np.array(sorted(first + value for value in wanted), dtype=np.int64)
    held = candidate_index._held(postings, looked_up, first, first + 500)
    assert held.tolist() == [value - first in chosen for value in looked_up.tolist()]


def test_a_gram_found_only_outside_the_window_is_not_the_one_gram_a_tight_budget_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long query of common words around a word that only a key far longer than the window holds: that word's
    grams have no posting among the keys of the window, so they came first by rarity and filled the grams read; with
    the budgets below every other gram's postings, the lookup read no posting and offered nothing."""
    rng = random.Random(1)
    common = ["الجانبان", "الوزير", "التعاون", "والكهرباء", "خلال", "الفنية", "السوري", "وفدا", "منح", "في"]
    keys = [" ".join(rng.choices(common, k=rng.randrange(12, 15))) for _ in range(3000)]  # all long
    word = next(
        word
        for word in ("قطر", "زيد", "نمر", "حبل", "ضوء", "سقف", "ثلج", "كعك", "غزل", "ذهب")
        if (
            candidate_index._long_gram_hashes(candidate_index._codepoints(f" {word} ")) < candidate_index._SAMPLE_LIMIT
        ).any()
    )  # a word whose gram between spaces (a long key's 5-gram, as in a sentence) is sampled
    # A key far longer than the window: the word's grams are in the index, none in the window.
    keys.append(" ".join(rng.choices(common, k=60)) + f" {word} " + " ".join(rng.choices(common, k=5)))
    query = " ".join(rng.choices(common, k=5)) + f" {word} " + " ".join(rng.choices(common, k=5))
    index = CandidateIndex.build(keys)
    first, last = index._window(len(query), 50.0)
    position = int(np.flatnonzero(index.length_order == len(keys) - 1)[0])
    assert not first <= position < last and first >= index.short_count  # only long keys, the word's outside
    monkeypatch.setattr(candidate_index, "SAMPLED_POSTINGS_BUDGET", 0)  # below every gram's postings
    monkeypatch.setattr(candidate_index, "SAMPLED_POSTINGS_PER_ENTRY", 0.0)
    monkeypatch.setattr(candidate_index, "RESOLVING_POSTINGS_CAP", 100)
    monkeypatch.setattr(candidate_index, "RESOLVING_POSTINGS_PER_ENTRY", 0.0)
    assert len(index.candidates(query, min_similarity=50.0)) > 0  # the rarest gram with postings is read


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=300),
    sizes=st.lists(st.integers(min_value=1, max_value=40), min_size=300, max_size=300),
    limit=st.integers(min_value=1, max_value=40),
    scale=st.sampled_from([1.0, 1.5, 3.0]),
    query_grams=st.integers(min_value=4, max_value=30),
)
def test_the_entries_left_unestimated_could_not_place(
    counts: list[int], sizes: list[int], limit: int, scale: float, query_grams: int
) -> None:
    """`_sharing_most` keeps every entry estimated as high as the limit-th best of all, with its estimate, in
    ascending order; given only the entries sharing two or more, it says None or gives the same answer."""
    positions = np.arange(len(counts), dtype=np.int64) * 3
    shared = np.array(counts, dtype=np.int64)
    entry_grams = np.array(sizes, dtype=np.int64)

    def estimates(at: np.ndarray, held: np.ndarray) -> np.ndarray:
        grams = entry_grams[at // 3]
        return 2.0 * np.minimum(held * scale, np.minimum(query_grams, grams)) / (query_grams + grams + 1e-9)

    everything = estimates(positions, shared)
    floor = np.sort(everything)[-limit] if len(everything) > limit else -1.0
    at_once = CandidateIndex._sharing_most(positions, shared, limit, estimates, [(scale, query_grams)])
    assert at_once is not None and np.array_equal(at_once[0], positions)  # few hits: all estimated
    kept_at_once = candidate_index.ESTIMATED_AT_ONCE
    candidate_index.ESTIMATED_AT_ONCE = 0  # not monkeypatch: hypothesis runs this many times
    try:
        settled = CandidateIndex._sharing_most(positions, shared, limit, estimates, [(scale, query_grams)])
        several = shared >= 2
        partial = CandidateIndex._sharing_most(
            positions[several], shared[several], limit, estimates, [(scale, query_grams)], complete=False
        )
    finally:
        candidate_index.ESTIMATED_AT_ONCE = kept_at_once
    assert settled is not None
    kept, kept_estimates = settled
    assert set(positions[everything >= floor - 1e-9].tolist()) <= set(kept.tolist())
    assert np.array_equal(kept_estimates, everything[kept // 3]) and np.all(np.diff(kept) > 0)
    if partial is not None:
        assert np.array_equal(partial[0], kept) and np.array_equal(partial[1], kept_estimates)


def test_each_words_rarest_gram_is_read_before_a_words_second() -> None:
    """Within the budget, one gram of each word first (rarest of those first), then the rest rarest first."""
    sizes = np.array([10, 20, 30, 400, 500], dtype=np.int64)
    sampled = np.ones(5, dtype=np.bool_)
    words = np.array([0, 0, 0, 1, 2], dtype=np.int64)
    # 10, 400 and 500 (one a word) are 910; then 20 fits the 950 of a budget of 950, 30 does not.
    kept = candidate_index.SAMPLED_POSTINGS_BUDGET, candidate_index.RESOLVING_SAMPLED_GRAMS
    try:
        candidate_index.SAMPLED_POSTINGS_BUDGET, candidate_index.RESOLVING_SAMPLED_GRAMS = 950, 0
        read = candidate_index.grams_to_read(sizes, sampled, words, window=1_000)
        rarest_first = candidate_index.grams_to_read(sizes, sampled, window=1_000)  # all one word
    finally:
        candidate_index.SAMPLED_POSTINGS_BUDGET, candidate_index.RESOLVING_SAMPLED_GRAMS = kept
    assert read.tolist() == [0, 1, 3, 4]
    assert rarest_first.tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("seed", [3, 4, 5, 7])
def test_a_twin_without_the_querys_rare_word_is_found_within_a_tight_budget(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query differs from its twin by one word, a rare one that a hundred unlike entries hold beside the same
    neighbours: its grams are the query's rarest, and read first they took the budget, leaving the twin (which
    holds every other gram) behind those entries. Read one a word first, the twin is found."""
    rng = random.Random(seed)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    vocabulary = ["".join(rng.choices(letters, k=rng.randrange(4, 7))) for _ in range(1000)]
    keys = [" ".join(rng.choices(vocabulary, k=rng.randrange(12, 18))) for _ in range(20_000)]
    rare = "والمستشفياتوالمدارسالحكومية"
    twin = keys[0].split()
    query = " ".join([*twin[:6], rare, *twin[7:]])
    keys += [
        " ".join([*rng.choices(vocabulary, k=5), twin[5], rare, twin[7], *rng.choices(vocabulary, k=6)])
        for _ in range(100)
    ]
    index = CandidateIndex.build(keys)
    for name, value in (
        ("SAMPLED_POSTINGS_PER_ENTRY", 0.0),
        ("RESOLVING_POSTINGS_PER_ENTRY", 0.0),
        ("RESOLVING_SAMPLED_GRAMS", 0),
        ("SAMPLED_POSTINGS_BUDGET", 1_000),  # the rare word's grams hold 100 postings, the others ~300
    ):
        monkeypatch.setattr(candidate_index, name, value)
    assert 0 in index.candidates(query, min_similarity=50.0, limit=8).tolist()


@settings(max_examples=150, deadline=None)
@given(
    lists=st.lists(st.sets(st.integers(min_value=0, max_value=299), max_size=40), min_size=1, max_size=12),
    cuts=st.sets(st.integers(min_value=0, max_value=300), min_size=2, max_size=6),
    byte_window=st.sampled_from([0, 1 << 20]),
    left_out=st.sets(st.integers(min_value=0, max_value=11)),
)
def test_cutting_all_lists_at_once_gives_each_lists_pieces(
    lists: list[set[int]], cuts: set[int], byte_window: int, left_out: set[int]
) -> None:
    """`_all_in_window` (a small index's lists cut together) gives each list's postings in the ranges as
    `_slices` gives them list by list: the same sizes; and `GramsInWindow.pieces` gives those of the grams
    chosen (all, or some left out, as when a delta reads the grams its main index reads), the same postings
    in the same order, in one piece a list where they are counted list by list."""
    postings = np.array([value for chosen in lists for value in sorted(chosen)], dtype=np.uint32)
    starts = np.concatenate(([0], np.cumsum([len(chosen) for chosen in lists]))).astype(np.int64)
    bounds = sorted(cuts)
    ranges = [(low, high) for low, high in zip(bounds[::2], bounds[1::2], strict=False) if high > low]
    if not ranges:
        return
    index = CandidateIndex.build(["مثال"])
    index.gram_postings, index.gram_starts = postings, starts
    rows = np.arange(len(lists), dtype=np.int64)
    sizes, kept = index._all_in_window(starts[rows], starts[rows + 1], ranges)
    one_by_one = [
        [piece for low, high in ranges for piece in index._slices(postings, starts, np.array([row]), low, high)]
        for row in rows.tolist()
    ]
    assert sizes.tolist() == [sum(map(len, row_pieces)) for row_pieces in one_by_one]
    # The query's grams held are numbered apart from the rows: the index holds every other one.
    bounds_of_lists = (starts[rows], starts[rows + 1])
    chosen = np.zeros(2 * len(lists) + 1, dtype=np.bool_)
    chosen[[row * 2 + 1 for row in rows.tolist() if row not in left_out]] = True
    wanted = [row_pieces for row, row_pieces in enumerate(one_by_one) if row not in left_out]
    # Cut already (a lone index), or cut when read (one stacked on another, its sizes whole lengths).
    for held in (
        candidate_index.GramsInWindow(index, ranges, rows * 2 + 1, sizes, None, kept, bounds_of_lists),
        candidate_index.GramsInWindow(
            index, ranges, rows * 2 + 1, starts[rows + 1] - starts[rows], None, None, bounds_of_lists
        ),
    ):
        kept_window = candidate_index.BYTE_COUNT_WINDOW
        candidate_index.BYTE_COUNT_WINDOW = byte_window  # not monkeypatch: hypothesis runs this many times
        try:
            pieces = held.pieces(chosen)
        finally:
            candidate_index.BYTE_COUNT_WINDOW = kept_window
        joined = [value for piece in pieces for value in piece.tolist()]
        assert joined == [value for row_pieces in wanted for piece in row_pieces for value in piece.tolist()]
        if byte_window == 0:  # counted list by list: one piece a list that has postings in the ranges
            assert len(pieces) == sum(1 for row_pieces in wanted if row_pieces)


def test_a_query_with_words_the_memory_never_holds_still_finds_its_near_matches() -> None:
    """The grams read are chosen among those the index holds: a query two of whose words no stored segment has
    (their grams absent from the index) still finds the unit it was made from, first, at its percentage."""
    from tests.test_index_cache import _pair_unit
    from tmkit.matching.matcher import Matcher
    from tmkit.matching.memory_index import MemoryIndex

    units = [_pair_unit(n) for n in range(3_000)]
    index = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    for number in (17, 450, 2_222):
        query = units[number].variants[0].text.replace(" رقم ", " مستشفى الطاقة رقم ")
        found = Matcher([index]).match(query, score_cutoff=50)
        assert found and found[0].target.plain == f"Government plan number {number}" and found[0].score > 80
