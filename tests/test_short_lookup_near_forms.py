"""A short query's longer keys that equal it but for spaces around punctuation are offered, whatever their words."""

from __future__ import annotations

import pytest

from tmkit.matching.candidate_index import SHORT_KEY
from tmkit.matching.matcher import ExhaustiveMatcher, Matcher
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Segment, TranslationUnit, Variant

#: One word (its parts joined by Arabic commas) under `SHORT_KEY`; spaced, seven words over it.
_JOINED = "كتاب،مدينة،سيارة،مدرسة،جامعة،طريق،وزارة"
_SPACED = "كتاب ، مدينة ، سيارة ، مدرسة ، جامعة ، طريق ، وزارة"


def _unit(source: str, target: str) -> TranslationUnit:
    return TranslationUnit([Variant("ar", Segment.from_text(source)), Variant("en", Segment.from_text(target))])


@pytest.mark.parametrize(("query", "stored"), [(_JOINED, _SPACED), (_JOINED, _SPACED + " .")])
def test_a_longer_key_equal_but_for_spacing_is_found_for_a_short_query(query: str, stored: str) -> None:
    """The twin scores 99 (spacing differs), though sharing no word with the query: the lengths only its
    words would rule out must still be read (they were not, and the Matcher returned nothing)."""
    filler = [_unit(f"جملة رقم {number} عن شيء آخر تماما", f"filler {number}") for number in range(50)]
    memory = MemoryIndex.build([_unit(stored, "the twin"), *filler], source_lang="ar", target_lang="en", name="tm")
    assert len(memory.normalizer(query)) <= SHORT_KEY < len(memory.normalizer(stored))
    for cutoff in (70.0, 90.0):
        expected = [(m.score, m.target.plain) for m in ExhaustiveMatcher([memory]).match(query, score_cutoff=cutoff)]
        assert expected and expected[0][1] == "the twin"
        assert [(m.score, m.target.plain) for m in Matcher([memory]).match(query, score_cutoff=cutoff)] == expected
