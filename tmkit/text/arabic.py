"""Where an Arabic word's article ends: one home for the rule, for every part of tmkit that sets the article aside.

The match % sets it aside to compare words (`tmkit.matching.match_percent`). The rule is written for
normalized keys (harakat gone, alef forms folded).
"""

from __future__ import annotations

#: Letters a word must keep when its article (and what precedes it) is set aside (`الاب` → `اب`, `الف` stays whole).
MIN_ARTICLE_STEM = 2
#: Words that begin like the article but are whole words whose rest would read as another word
#: (`الان` now is not ال + `ان` that; `الله` is not ال + `له`), as normalized keys write them.
ARTICLE_LOOKALIKES = frozenset({"الان", "الله", "الذي", "التي", "اليس", "الست", "الهم", "اللهم"})
#: The article with the clitics that may precede it, longest first (لل is ل + ال, its alef dropped).
ARTICLE_PREFIXES = ("وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
#: Word beginnings that look like a clitic and the article but are a root's letters (normalized keys).
RADICAL_INITIAL = ("والد", "والي", "بالغ", "بالي", "فالح", "المان", "الماس", "الهام", "الياف", "البان")


def article_stem(word: str) -> str:
    """A normalized word without its article and the clitics before it (`وبالدم` → `دم`), else the word itself.

    At least `MIN_ARTICLE_STEM` letters stay, and `ARTICLE_LOOKALIKES` and words beginning as one of
    `RADICAL_INITIAL` stay whole.
    """
    if not word.startswith(ARTICLE_PREFIXES) or word.startswith(RADICAL_INITIAL) or word in ARTICLE_LOOKALIKES:
        return word
    for prefix in ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_ARTICLE_STEM:
            return word[len(prefix) :]
    return word
