"""tmkit.text.arabic: where a word's article ends (golden tables), read alike by the match % and term recognition."""

from __future__ import annotations

import pytest

from tmkit.text.arabic import article_stem, hamza_on_article_alef

# (normalized key, what is left without the article and the clitics before it)
ARTICLE_STEMS = [
    ("الدم", "دم"),
    ("والدم", "والدم"),  # a guess would read a father (والد) in it
    ("بالدم", "دم"),
    ("وبالدم", "دم"),
    ("كالدم", "دم"),
    ("للدم", "دم"),  # ل + ال, the article's alef dropped
    ("وللدم", "دم"),
    ("بالكتاب", "كتاب"),
    ("الف", "الف"),  # a thousand: one letter would be left
    ("الان", "الان"),  # now (الآن), not ال + أن
    ("الله", "الله"),
    ("التي", "التي"),
    ("والان", "والان"),  # and now: و + الآن, not و + ال + أن
    ("فالان", "فالان"),
    ("بالله", "بالله"),
    ("والله", "والله"),
    ("والتي", "والتي"),
    ("للذي", "للذي"),  # ل + الذي
    ("واللهم", "واللهم"),
    ("والد", "والد"),  # a father, not و + ال + د
    ("المانيا", "المانيا"),  # Germany
    ("دمشق", "دمشق"),
]


@pytest.mark.parametrize(("key", "stem"), ARTICLE_STEMS, ids=[row[0] for row in ARTICLE_STEMS])
def test_article_stem(key: str, stem: str) -> None:
    assert article_stem(key) == stem


# (normalized key, its stem when only looked up among known words, a termbase's)
KNOWN_STEMS = [
    ("والدم", "دم"),  # and the blood: guessing, والد is a father
    ("باليد", "يد"),  # by hand: guessing, بالي is worn
    ("فالحل", "حل"),
    ("والين", "ين"),
    ("الان", "الان"),  # the lookalikes stay whole, after clitics too
    ("والان", "والان"),
    ("الله", "الله"),
    ("بالله", "بالله"),
    ("الف", "الف"),
]


@pytest.mark.parametrize(("key", "stem"), KNOWN_STEMS, ids=[row[0] for row in KNOWN_STEMS])
def test_article_stem_of_a_known_word(key: str, stem: str) -> None:
    assert article_stem(key, stem_known=True) == stem


# (a word as written, whether an alef with hamza or madda stands where its article would)
HAMZA_ALEFS = [
    ("ألحق", True),  # he attached: its key الحق reads as ال + حق (the right)
    ("أُلحق", True),  # harakat between the letters
    ("وألحق", True),
    ("آلام", True),  # pains, not ال + أم (mother)
    ("إليك", True),
    ("لآلاف", True),
    ("ا\u0654لحق", True),  # the hamza typed as a mark after a bare alef
    ("الحق", False),
    ("بالحق", False),
    ("الآن", False),  # the madda is on the second alef: the article's stands bare
    ("الأم", False),
    ("أمل", False),  # no lam after the alef
]


@pytest.mark.parametrize(("written", "expected"), HAMZA_ALEFS, ids=[row[0] for row in HAMZA_ALEFS])
def test_hamza_on_article_alef(written: str, expected: bool) -> None:
    assert hamza_on_article_alef(written) is expected
