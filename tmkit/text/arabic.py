"""Where an Arabic word's article ends: one home for the rule, for every part of tmkit that sets the article aside.

The match % sets it aside to compare words (`tmkit.matching.match_percent`), and term recognition
to find a term of two letters after it (`tmkit.terms.recognize`: `بالدم` holds the term `دم`). The
rule is written for normalized keys (harakat gone, alef forms folded); `hamza_on_article_alef` reads
the word as written, where the key has lost what tells `ألحق` (he attached) from `الحق` (the right).
"""

from __future__ import annotations

import re
import unicodedata

from tmkit.text.scripts import HARAKAT_CLASS, TATWEEL

#: Letters a word must keep when its article (and what precedes it) is set aside (`الاب` → `اب`, `الف` stays whole).
MIN_ARTICLE_STEM = 2
#: Words that begin like the article but are whole words whose rest would read as another word
#: (`الان` now is not ال + `ان` that; `الله` is not ال + `له`), as normalized keys write them.
ARTICLE_LOOKALIKES = frozenset({"الان", "الله", "الذي", "التي", "اليس", "الست", "الهم", "اللهم"})
_ARTICLE = "ال"
#: The article with the clitics that may precede it, longest first (لل is ل + ال, its alef dropped).
ARTICLE_PREFIXES = ("وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
#: Word beginnings that look like a clitic and the article but are a root's letters (normalized keys).
RADICAL_INITIAL = ("والد", "والي", "بالغ", "بالي", "فالح", "المان", "الماس", "الهام", "الياف", "البان")


def article_stem(word: str, *, stem_known: bool = False) -> str:
    """A normalized word without its article and the clitics before it (`وبالدم` → `دم`), else the word itself.

    At least `MIN_ARTICLE_STEM` letters stay, and `ARTICLE_LOOKALIKES` stay whole, after clitics too
    (`والآن` is و + `الآن`, and now, not و + ال + `آن`; `بالله` is not ب + ال + `له`). So do words
    beginning as one of `RADICAL_INITIAL`, unless ``stem_known``: that guard is for a guess at where a
    word begins (`والده` his father is not و + ال + `ده`). Where what is left is only looked up among
    words known to be whole, a termbase's, it is exact, and `والدم`, `باليد` and `فالحل` hold `دم`, `يد`, `حل`.
    """
    if not word.startswith(ARTICLE_PREFIXES):
        return word
    if not stem_known and word.startswith(RADICAL_INITIAL):
        return word
    for prefix in ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_ARTICLE_STEM:
            stem = word[len(prefix) :]
            return word if _ARTICLE + stem in ARTICLE_LOOKALIKES else stem
    return word


# What the normalizer drops from inside a word (harakat, tatweel, joiners and bidi marks), so that
# `أُلحق` is read as its letters; removed after NFC, which first puts a hamza typed as a mark (ا + U+0654)
# on its alef (أ) rather than let it go with the harakat.
_INSIDE_WORD_MARKS_RE = re.compile(f"[{HARAKAT_CLASS}{TATWEEL}\u200c-\u200f]")
# A conjunction or preposition or two, then an alef with hamza or madda followed by lam.
_HAMZA_ALEF_LAM_RE = re.compile("[وفبكل]{0,2}[أإآ]ل")


def hamza_on_article_alef(written: str) -> bool:
    """Whether a word as written has a hamza or madda on the alef where its article would stand.

    The article's alef never carries one, so `ألحق` (he attached), `آلام` (pains), `إليك` (to you)
    and `وآلاف` (and thousands) have no article, though their keys (`الحق`, `الام`, `اليك`, `والاف`)
    read like the article before two or three letters. A text that leaves the hamza out (`الحق` for
    `ألحق`) cannot be told apart this way.
    """
    letters = _INSIDE_WORD_MARKS_RE.sub("", unicodedata.normalize("NFC", written))
    return _HAMZA_ALEF_LAM_RE.match(letters) is not None
