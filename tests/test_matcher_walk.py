"""The candidate walk: keys equal to the query but for form or spelling are found when only keys close in characters are looked at."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from tests.helpers import CORPORA
from tmkit.matching import matcher
from tmkit.matching.match_percent import prepare
from tmkit.matching.matcher import ExhaustiveMatcher, Matcher, _near_equal
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Segment, TranslationUnit, Variant

_LETTERS = "ابتسملنوهيةىئؤء"
_VARIANTS = {"ي": "ى", "ى": "ي", "ه": "ة", "ة": "ه", "ء": "ئ", "ئ": "ؤ", "ؤ": "ء"}
#: A punctuation mark as the query and a key may space it.
_MARKS = st.sampled_from(["،", "؟", ":"])
_SPACING = st.sampled_from(["{}", " {}", "{} ", " {} "])


def _memory() -> MemoryIndex:
    unit = TranslationUnit([Variant("ar", Segment.from_text("كتاب")), Variant("en", Segment.from_text("book"))])
    return MemoryIndex.build([unit], source_lang="ar", target_lang="en", name="tm")


def _joined(words: list[str], marks: list[str], spacing: list[str], stop: str) -> str:
    text = words[0]
    for word, mark, space in zip(words[1:], marks, spacing, strict=False):
        text += space.format(mark) + ("" if space.endswith(" ") else " ") + word
    return text + stop


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.text(alphabet=_LETTERS, min_size=2, max_size=7), min_size=2, max_size=6),
    marks=st.lists(_MARKS, min_size=5, max_size=5),
    query_spacing=st.lists(_SPACING, min_size=5, max_size=5),
    key_spacing=st.lists(_SPACING, min_size=5, max_size=5),
    stops=st.tuples(st.sampled_from(["", ".", " ."]), st.sampled_from(["", ".", " ."])),
    varied=st.floats(min_value=0.0, max_value=1.0),
)
def test_keys_equal_but_for_form_or_spelling_are_found_with_the_character_prefilter(
    words: list[str],
    marks: list[str],
    query_spacing: list[str],
    key_spacing: list[str],
    stops: tuple[str, str],
    varied: float,
) -> None:
    """Every foldable letter up to all of them a spelling variant, punctuation spaced otherwise, a final stop
    added or dropped: the key is found near-equal whether or not the character similarity is given."""
    memory = _memory()
    query = prepare(_joined(words, marks, query_spacing, stops[0]), memory.normalizer)
    chosen = max(1, round(varied * sum(c in _VARIANTS for word in words for c in word)))
    key_words, changed = [], 0
    for word in words:
        letters = []
        for letter in word:
            vary = letter in _VARIANTS and changed < chosen
            letters.append(_VARIANTS[letter] if vary else letter)
            changed += vary
        key_words.append("".join(letters))
    stored = prepare(_joined(key_words, marks, key_spacing, stops[1]), memory.normalizer).key
    keys = [stored, "كتاب مفتوح", query.key[::-1]]
    chars = process.cdist([query.key], keys, scorer=fuzz.ratio, dtype=np.float32)[0]
    without = _near_equal(memory, query, keys, numbers_masked=None)
    assert 0 in without  # built equal but for form and spelling
    assert _near_equal(memory, query, keys, numbers_masked=None, chars=chars) == without


@pytest.fixture(scope="module")
def madar() -> tuple[MemoryIndex, list[str]]:
    """The MADAR travel phrasebook (short, repetitive real Arabic) as a memory, every 20th pair held out as a query."""
    arabic = (CORPORA / "madar-travel-dev.ar").read_text(encoding="utf-8").splitlines()
    english = (CORPORA / "madar-travel-dev.en").read_text(encoding="utf-8").splitlines()
    units = [
        TranslationUnit([Variant("ar", Segment.from_text(a)), Variant("en", Segment.from_text(e))])
        for i, (a, e) in enumerate(zip(arabic, english, strict=True))
        if i % 20 and a.strip() and e.strip()
    ]
    queries = [a for i, a in enumerate(arabic) if i % 20 == 0 and a.strip()]
    return MemoryIndex.build(units, source_lang="ar", target_lang="en", name="madar"), queries


@pytest.mark.slow
@pytest.mark.skipif(not (CORPORA / "madar-travel-dev.ar").exists(), reason="../shared/corpora is absent")
@pytest.mark.parametrize("budget", [matcher.WORD_LIFTED_BUDGET, 64])
def test_lookups_in_a_real_phrasebook_offer_what_the_formula_on_every_entry_offers(
    madar: tuple[MemoryIndex, list[str]], budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held-out MADAR sentences (mostly short): the best five scores as `ExhaustiveMatcher` finds them, whether a
    short query's window is within the budget or past it (then counted for the cutoff alone), near-equal keys
    found through the character prefilter."""
    memory, queries = madar
    monkeypatch.setattr(matcher, "WORD_LIFTED_BUDGET", budget)
    indexed, exhaustive = Matcher([memory]), ExhaustiveMatcher([memory])
    offered = 0
    for query in queries:
        expected = [m.score for m in exhaustive.match(query, limit=5)]
        assert [m.score for m in indexed.match(query, limit=5)] == expected, query
        offered += len(expected)
    assert offered > 50  # 74 scores of 70 or more among the held-out sentences
