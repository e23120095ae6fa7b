"""A key whose length puts it exactly on the edge of a query's length window is still looked up."""

from __future__ import annotations

import pytest

from tmkit.matching.matcher import ExhaustiveMatcher, Matcher
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Segment, TranslationUnit, Variant


@pytest.mark.parametrize(
    ("query", "stored", "cutoff"), [("وبمن", "من", 80.0), ("ولفي", "في", 80.0), ("فبعن", "عن", 80.0)]
)
def test_a_key_at_the_edge_of_the_length_window_is_found(query: str, stored: str, cutoff: float) -> None:
    """The stored key has the query's words (W 100: the query's proclitics are set aside) and the most C its length
    allows (2·n/(m + n)), so it scores exactly the cutoff: the window's edge, worked out in floats, fell a hair past
    its length and left it out. (Punctuation marks, which made such keys once, are form now: they score 99.)"""
    texts = [stored, *(f"نص آخر رقم {number}" for number in range(30))]
    units = [
        TranslationUnit([Variant("ar", Segment.from_text(text)), Variant("en", Segment.from_text(f"t {number}"))])
        for number, text in enumerate(texts)
    ]
    memory = MemoryIndex.build(units, source_lang="ar", target_lang="en", name="tm")
    expected = [(m.score, m.target.plain) for m in ExhaustiveMatcher([memory]).match(query, score_cutoff=cutoff)]
    assert expected == [(cutoff, "t 0")]
    assert [(m.score, m.target.plain) for m in Matcher([memory]).match(query, score_cutoff=cutoff)] == expected
