"""The bundled samples hang together: the aligned memory is the article, the memory is big enough."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

from tests.helpers import REPO, SAMPLES
from tmkit.defaults import PRETRANSLATE_THRESHOLD
from tmkit.formats.tmx_reader import read_tmx
from tmkit.jobs.pretranslate import match_segments
from tmkit.jobs.source_text import read_source_document
from tmkit.matching.match_percent import EXACT
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import open_memory
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


# -- the README's first command ----------------------------------------------------------------------

#: The fewest of the article's segments each kind of match must hold, so that moving through the first few
#: segments of the README's first command shows exact, near-exact and fuzzy matches and something left to translate.
MIN_SEGMENTS_PER_KIND = 3


def readme_first_command() -> tuple[Path, list[Path]]:
    """The sample article the README's first command opens (text, DOCX or HTML) and its memories (`--tm A.tmx …`)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"tmkit edit (samples/article\.(?:ar\.txt|docx|html)) .*", readme)
    assert command, "the README's first command no longer opens the sample article"
    memories = re.findall(r"--tm (\S+)", command.group())
    assert memories, "the README's first command opens the article without a memory"
    return REPO / command.group(1), [REPO / name for name in memories]


def kind_of_match(score: float | None) -> str:
    """What a newcomer sees in the % column: bands as CAT tools name them, down to what pre-translation fills."""
    if score is None or score < PRETRANSLATE_THRESHOLD:
        return "left to translate"
    if score >= EXACT:
        return "exact"
    if score >= 95.0:
        return "95-99"
    if score >= 85.0:
        return "85-94"
    return "70-84"


def test_readme_first_command_shows_every_kind_of_match(tmp_path: Path) -> None:
    # The memory is copied: building its index writes a cache folder beside it, which belongs in no checkout.
    memories = []
    document, paths = readme_first_command()
    for path in paths:
        shutil.copy2(path, tmp_path / path.name)
        memories.append(open_memory(tmp_path / path.name, source_lang="ar", target_lang="en"))
    segments = [segment.plain for segment in read_source_document(document).segments(lang="ar")]
    results = match_segments(segments, Matcher(memories))
    kinds = Counter(kind_of_match(result.best.score if result.best else None) for result in results)
    for kind in ("exact", "95-99", "85-94", "70-84", "left to translate"):
        assert kinds[kind] >= MIN_SEGMENTS_PER_KIND, (kind, kinds)
    # Earlier jobs as they really recur: a sentence in the same context (101%), and one where only a number
    # differs, its translation taking the new number.
    assert any(result.band == "context 101%" for result in results)
    assert any(result.best is not None and result.best.substitutions for result in results)


def test_earlier_visits_memory_is_a_working_memory() -> None:
    memory, reader = read_tmx(SAMPLES / "earlier-visits.tmx")
    assert not reader.issues
    tuids = [tu.tuid for tu in memory]
    assert all(tuids) and len(set(tuids)) == len(tuids)
    assert all(tu.creation_id and tu.creation_date for tu in memory)
    statuses = Counter(tu.status for tu in memory)
    confirmed = statuses[Status.TRANSLATED] + statuses[Status.REVIEWED]
    assert 0 < statuses[Status.DRAFT] < confirmed / 5  # mostly confirmed work, a few drafts
