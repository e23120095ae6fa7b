"""The bundled samples hang together: the aligned memory is the article, the memory is big enough."""

from __future__ import annotations

import re

from tests.helpers import SAMPLES
from tmkit.formats.tmx_reader import read_tmx
from tmkit.memory.model import Status


def sentences_of(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_article_memory_is_the_article_sentence_by_sentence() -> None:
    memory, reader = read_tmx(SAMPLES / "article.tmx")
    assert not reader.issues
    assert 25 <= len(memory) <= 35
    for lang in ("ar", "en"):
        joined = " ".join(tu.variant(lang).text for tu in memory)  # type: ignore[union-attr]
        article = (SAMPLES / f"article.{lang}.txt").read_text(encoding="utf-8")
        assert sentences_of(joined) == sentences_of(article)
    statuses = {tu.status for tu in memory}
    assert {Status.DRAFT, Status.TRANSLATED, Status.REVIEWED, Status.FINAL} <= statuses


def test_news_memory_has_near_duplicates_and_alternatives() -> None:
    memory, reader = read_tmx(SAMPLES / "news-memory.tmx")
    assert not reader.issues
    assert len(memory) >= 300
    sources = [tu.variant("ar").text for tu in memory]  # type: ignore[union-attr]
    assert len(set(sources)) < len(sources)  # some sources carry two translations
    assert any(re.search("[٠-٩]", s) for s in sources)  # Arabic-Indic digits occur
    # A fully vocalised sentence: harakat on most of its letters.
    assert any(len(re.findall("[\u064b-\u0652]", s)) > 0.6 * len(re.findall("[\u0621-\u064a]", s)) for s in sources)
