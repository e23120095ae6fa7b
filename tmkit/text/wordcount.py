"""Word and character counts for Arabic and English text, the way CAT tools count them."""

from __future__ import annotations


def count_words(text: str) -> int:
    """Words separated by white space that hold at least one letter or digit.

    Harakat, tatweel and punctuation stay inside their word and do not split it; a free-standing
    punctuation mark (`؟` after a space, as some corpora write it) is not a word.
    """
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def count_chars(text: str) -> int:
    """Characters (code points) other than white space."""
    return sum(1 for ch in text if not ch.isspace())
