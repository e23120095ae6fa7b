"""A stored segment worded like the query but punctuated otherwise is found and scored 95-99, however many marks it
adds: by the matcher, the formula run on every entry, and the shared memory's shortlist alike."""

from __future__ import annotations

import pytest

from tmkit.matching.candidate_index import SHORT_KEY
from tmkit.matching.match_percent import PUNCTUATION_MARKS
from tmkit.matching.matcher import ExhaustiveMatcher, Matcher
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Segment, TranslationUnit, Variant
from tmkit.shared.shortlist import _NearEqual

LONG = "أعلن الوزير اليوم عن خطة جديدة لدعم المزارعين في المحافظات الشمالية خلال الموسم المقبل"
#: The long segment with quotes, brackets, a dash and an exclamation mark: nine marks the query lacks.
LONG_MARKED = "أعلن «الوزير» اليوم - عن خطة (جديدة) لدعم «المزارعين» في المحافظات الشمالية خلال الموسم المقبل!"
SHORT = "نعم شكرا"
SHORT_MARKED = "«نعم»، شكرا!!"


def _unit(source: str, target: str) -> TranslationUnit:
    return TranslationUnit([Variant("ar", Segment.from_text(source)), Variant("en", Segment.from_text(target))])


def _memory(twin: str) -> MemoryIndex:
    filler = [
        _unit(f"جملة رقم {number} عن شيء آخر تماما في {LONG.split()[number % 14]}", f"f{number}")
        for number in range(80)
    ]
    return MemoryIndex.build([_unit(twin, "the twin"), *filler], source_lang="ar", target_lang="en", name="tm")


@pytest.mark.parametrize(
    ("query", "twin"), [(LONG, LONG_MARKED), (LONG_MARKED, LONG), (SHORT, SHORT_MARKED), (SHORT_MARKED, SHORT)]
)
@pytest.mark.parametrize("cutoff", [70.0, 95.0])
def test_a_twin_punctuated_otherwise_scores_99(query: str, twin: str, cutoff: float) -> None:
    """At 99, its one penalty naming the marks, found by `Matcher` as by the formula on every entry: at a cutoff of 95
    the short twin's length is outside the query's window, and only its near-equal form finds it."""
    memory = _memory(twin)
    expected = [(m.score, m.target.plain) for m in ExhaustiveMatcher([memory]).match(query, score_cutoff=cutoff)]
    assert expected[0] == (99.0, "the twin")
    found = Matcher([memory]).match(query, score_cutoff=cutoff)
    assert [(m.score, m.target.plain) for m in found] == expected
    assert [p.reason for p in found[0].breakdown.penalties] == [PUNCTUATION_MARKS]


def test_a_short_twin_is_filed_under_the_query_form() -> None:
    """The index files a short key under its form without marks or spaces: a query counts it among its near-equal
    keys (what decides a short lookup's probe), whatever marks either adds."""
    memory = _memory(SHORT_MARKED)
    assert len(memory.normalizer(SHORT_MARKED)) <= SHORT_KEY
    assert memory.candidates.near_equal_count(memory.normalizer(SHORT)) == 1
    assert memory.candidates.near_equal_count(memory.normalizer("«نعم» شكرا جزيلا")) == 0


@pytest.mark.parametrize(
    ("query", "key", "near"),
    [
        (LONG, LONG_MARKED, True),
        (SHORT, SHORT_MARKED, True),
        ("a rise of 10 %", "a rise of 10", False),
        ("send an e-mail", "send an email", False),
    ],
)
def test_the_shared_memory_shortlist_reads_form_alike(query: str, key: str, near: bool) -> None:
    """The shared memory's shortlist scores in full, first, the keys `Matcher` takes as equal but for form."""
    memory = _memory(key)
    assert _NearEqual(memory.normalizer(query), arabic=True)(memory.normalizer(key)) is near
