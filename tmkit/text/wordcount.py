"""Word and character counts for Arabic and English text, the way CAT tools count them."""

from __future__ import annotations

import re

#: A word from its first letter or digit to the white space after it (``[^\W_]`` is `str.isalnum`):
#: one match per white-space-separated token that holds a letter or digit, found by the regular
#: expression engine rather than a Python loop over characters (3–4× faster on a memory's segments).
_WORD_FROM_FIRST_ALNUM = re.compile(r"[^\W_]\S*")


def count_words(text: str) -> int:
    """Words separated by white space that hold at least one letter or digit.

    Harakat, tatweel and punctuation stay inside their word and do not split it; a free-standing
    punctuation mark (`؟` after a space, as some corpora write it) is not a word.
    """
    return len(_WORD_FROM_FIRST_ALNUM.findall(text))


def count_chars(text: str) -> int:
    """Characters (code points) other than white space (`str.split` splits at just what `str.isspace` calls one)."""
    return sum(map(len, text.split()))
