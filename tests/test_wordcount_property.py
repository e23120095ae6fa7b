"""Word and character counts agree with their definitions on any text (the fast forms are no approximation)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tmkit.text.wordcount import count_chars, count_words

#: Letters, digits, harakat, tatweel, punctuation, underscores and every kind of white space, mixed.
_PIECES = st.sampled_from(
    [*"ab Z9٣ـ_-.,؟!«»\t\n\r\u00a0\u2009\u3000\u200b\u200f\u0085\u1680\x1c", "مَرْحَبًا", "\u064b", "\U0001f600", "٫٪"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=30).map("".join))
def test_counts_follow_their_definitions(text: str) -> None:
    assert count_words(text) == sum(1 for token in text.split() if any(ch.isalnum() for ch in token))
    assert count_chars(text) == sum(1 for ch in text if not ch.isspace())
