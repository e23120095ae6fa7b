"""A database lookup reads every segment holding one of its rarest words, whatever the gram budget leaves out."""

from __future__ import annotations

import pytest

from tests.helpers import run_cli
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Segment, TranslationUnit, Variant

pytestmark = pytest.mark.postgres


def _pair(arabic: str, english: str) -> TranslationUnit:
    return TranslationUnit([Variant("ar", Segment.from_text(arabic)), Variant("en", Segment.from_text(english))])


def test_a_match_without_the_query_s_rarest_word_is_found_past_the_gram_budget(postgres_url: str) -> None:
    """The query adds a number no segment holds; every other word of it is in more segments than the budget.

    Picking grams by the budget alone read the number's grams only (they cost nothing), so the stored
    sentence (the query less its number, 84%) was never read and the lookup found nothing.
    """
    from tmkit.shared.store import GRAM_BUDGET, SharedMemory

    stored = "وزير الخارجية زار موسكو"
    query = "وزير الخارجية زار 4821 موسكو"
    # Each holds every word of the stored sentence, and a tail of its own that keeps it far below the cutoff.
    tail = "ثم عاد بعد ذلك إلى العاصمة في مساء اليوم نفسه مع الوفد المرافق رقم"
    filler = [_pair(f"{stored} {tail} {n}", f"Filler {n}") for n in range(GRAM_BUDGET + 1)]
    match = _pair(stored, "The foreign minister visited Moscow")
    units = [*filler, match]
    assert run_cli("db", "init", postgres_url).code == 0
    with SharedMemory(postgres_url) as memory:
        memory.import_units(units)
        found = memory.match(query, source_lang="ar", target_lang="en")
    expected = Matcher([MemoryIndex.build(units, source_lang="ar", target_lang="en")]).match(query)
    assert expected and expected[0].source.plain == stored and expected[0].score >= 70
    assert [(m.source.plain, m.target.plain, round(m.score, 2)) for m in found] == [
        (m.source.plain, m.target.plain, round(m.score, 2)) for m in expected
    ]


def test_the_two_rarest_distinct_words_are_read_whatever_they_hold() -> None:
    """A repeated word is one word: the second word read is another, however many segments hold it."""
    from tmkit.shared.store import GUARANTEED_WORDS, _rarest

    assert GUARANTEED_WORDS == 2
    counts = {1: 10, 2: 20, 3: 50_000, 4: 60_000, 5: 90_000, 6: 95_000}
    # Words: [1, 2] twice (the rarest), then [3, 4], then [5, 6]; a budget that the rarest word alone fits.
    assert _rarest([[1, 2], [3, 4], [2, 1], [5, 6]], counts, 100) == [1, 3]
    # Within the budget (the guaranteed words' postings counted in it), each word's rarest gram, then its second.
    assert _rarest([[1, 2], [3, 4], [2, 1], [5, 6]], counts, 200_000) == [1, 3, 5, 2]  # 4 would pass the budget
