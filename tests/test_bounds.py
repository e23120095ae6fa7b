"""Pathological lengths are bounded: TMX text no reader would take is refused at write time, fuzzy matching
and scoring refuse segments past their documented maximum, and an error's hint is true."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli, tmx_doc
from tmkit.errors import InputError, ParameterError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import MAX_TEXT_NODE_BYTES, TextTooLongError, write_tmx
from tmkit.jobs.pretranslate import match_segments
from tmkit.jobs.workfile import WorkFile
from tmkit.matching.match_percent import MAX_MATCH_CHARS
from tmkit.matching.matcher import Matcher, SegmentTooLongError
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Header, Memory, Segment, TranslationUnit, Variant
from tmkit.quality.scoring import MAX_SEGMENT_CHARS, MAX_TER_SEGMENT_CHARS, ScoringError, score_corpus, segment_score

MEMORY = SAMPLES / "news-memory.tmx"


def pair(source: str, target: str = "x", tuid: str | None = None) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(source)), Variant("en", Segment.from_text(target))], tuid=tuid
    )


# -- TMX text longer than readers accept -----------------------------------------------------------


def test_longest_text_a_reader_accepts_is_written_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "edge.tmx"
    text = "ب" * (MAX_TEXT_NODE_BYTES // 2)  # two bytes a letter: exactly the limit
    write_tmx(path, Memory(Header(), [pair(text)]))
    assert load_tmx(path).units[0].variants[0].text == text


def test_text_past_the_limit_is_refused_naming_the_unit_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    path.write_text("old", encoding="utf-8")
    units = [pair("قصير"), pair("ب" * (MAX_TEXT_NODE_BYTES // 2) + "!", tuid="big")]
    with pytest.raises(TextTooLongError) as caught:
        write_tmx(path, Memory(Header(), units))
    message = str(caught.value)
    assert message.startswith(f"{path}: unit 2 (tuid big): a text of 10,000,001 bytes")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["m.tmx"]


def test_convert_refuses_a_line_no_reader_could_read_back(tmp_path: Path) -> None:
    (tmp_path / "a.ar.txt").write_text("سطر\n" + "ب" * (MAX_TEXT_NODE_BYTES // 2 + 1) + "\n", encoding="utf-8")
    (tmp_path / "a.en.txt").write_text("line\nlong\n", encoding="utf-8")
    output = tmp_path / "a.tmx"
    result = run_cli("convert", tmp_path / "a.ar.txt", tmp_path / "a.en.txt", "-o", output)
    assert result.code == 2
    assert result.stderr.count("\n") == 1 and "unit 2" in result.stderr and "bytes" in result.stderr
    assert not output.exists()


# -- fuzzy matching --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_matcher() -> Matcher:
    units = load_tmx(MEMORY).units
    return Matcher([MemoryIndex.build(units, source_lang="ar", target_lang="en", name="news")])


def test_query_past_the_maximum_is_refused(sample_matcher: Matcher) -> None:
    assert isinstance(sample_matcher.match("ب" * MAX_MATCH_CHARS), list)  # at the maximum: looked up, not refused
    with pytest.raises(SegmentTooLongError) as caught:
        sample_matcher.match("ب" * (MAX_MATCH_CHARS + 1))
    assert f"up to {MAX_MATCH_CHARS:,} characters" in str(caught.value)
    assert isinstance(caught.value, InputError)


def test_match_command_says_the_query_is_too_long(tmp_path: Path) -> None:
    memory = tmp_path / "m.tmx"
    memory.write_bytes(MEMORY.read_bytes())
    result = run_cli("match", memory, "كلمة " * (MAX_MATCH_CHARS // 5 + 1))
    assert result.code == 2
    assert result.stderr.count("\n") == 1 and f"up to {MAX_MATCH_CHARS:,} characters" in result.stderr


def test_a_too_long_line_of_a_match_file_is_named_by_its_line(tmp_path: Path) -> None:
    memory = tmp_path / "m.tmx"
    memory.write_bytes(MEMORY.read_bytes())
    queries = tmp_path / "queries.txt"
    queries.write_text("شكرا\n" + "كلمة " * (MAX_MATCH_CHARS // 5 + 1) + "\n", encoding="utf-8")
    result = run_cli("match", memory, "--file", queries)
    assert result.code == 2
    assert result.stderr.startswith(f"tmkit: error: {queries}:2: a segment of ") and result.stderr.count("\n") == 1


def test_stored_segments_past_the_maximum_are_skipped_and_counted() -> None:
    sentences = [unit.variants[0].text for unit in load_tmx(MEMORY).units]
    long_text = " ".join(sentences * 20)[: MAX_MATCH_CHARS * 2]
    query = long_text[:MAX_MATCH_CHARS]
    units = [pair(long_text, "the long one", tuid="long"), pair(query[:-50], "nearly the query", tuid="near")]
    matcher = Matcher([MemoryIndex.build(units, source_lang="ar", target_lang="en", name="m")])
    found = matcher.match(query, score_cutoff=1)
    assert [m.tuid for m in found] == ["near"]
    assert matcher.long_segments_skipped == 1


def test_pretranslation_goes_on_past_a_segment_too_long_to_match(sample_matcher: Matcher) -> None:
    sentence = load_tmx(MEMORY).units[0].variants[0].text
    results = match_segments(["ب" * (MAX_MATCH_CHARS + 1), sentence], sample_matcher)
    assert results[0].best is None and results[0].band == "no match"
    assert results[1].best is not None and results[1].best.score >= 100


# -- scoring ---------------------------------------------------------------------------------------


def test_ter_refuses_a_segment_past_its_maximum_naming_it() -> None:
    long = "word " * (MAX_TER_SEGMENT_CHARS // 5 + 1)
    with pytest.raises(ScoringError) as caught:
        score_corpus(["a short one", long], [["a short one", long]], metrics=["chrf", "ter"])
    assert str(caught.value).startswith("segment 2: the hypothesis has")
    assert "TER" in str(caught.value)
    assert (caught.value.role, caught.value.stream, caught.value.segment) == ("hypothesis", 0, 2)
    # chrF and BLEU, linear in the length, still score it.
    score = score_corpus(["a short one", long], [["a short one", long]], metrics=["chrf", "bleu"])
    assert score["chrf"].score == pytest.approx(100.0)


def test_segment_score_and_the_command_refuse_an_overlong_segment(tmp_path: Path) -> None:
    with pytest.raises(ScoringError):
        segment_score("x", ["y" * (MAX_SEGMENT_CHARS + 1)])
    (tmp_path / "ref.txt").write_text("one\n" + "a " * (MAX_SEGMENT_CHARS // 2 + 1) + "\n", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("one\ntwo\n", encoding="utf-8")
    result = run_cli("score", "--ref", tmp_path / "ref.txt", "--hyp", tmp_path / "hyp.txt")
    assert result.code == 2
    # Named by file and line, as the command read it (it said "segment 2", which file left to guess).
    assert f"tmkit: error: {tmp_path / 'ref.txt'}:2: the reference has" in result.stderr
    assert result.stderr.count("\n") == 1


# -- the --repair hint -----------------------------------------------------------------------------


def _unit_with(reference: str) -> str:
    return tmx_doc(f'<tu><tuv xml:lang="ar"><seg>a{reference}b</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>\n')


@pytest.mark.parametrize("reference", ["&#xD800;", "&#xDFFF;", "&#xFFFE;"])
def test_no_repair_hint_where_repair_does_not_help(tmp_path: Path, reference: str) -> None:
    path = tmp_path / "m.tmx"
    path.write_text(_unit_with(reference), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_tmx(path)
    assert not isinstance(caught.value, ParameterError)
    assert "removes such characters" not in str(caught.value)
    result = run_cli("stats", path)
    assert result.code == 2 and "--repair" not in result.stderr
    # And what the hint would have promised really does not happen:
    assert run_cli("stats", "--repair", path).code == 2


def test_repair_hint_where_repair_helps(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    path.write_text(_unit_with("&#x1;"), encoding="utf-8")
    result = run_cli("stats", path)
    assert result.code == 2 and "--repair removes such characters" in result.stderr
    assert run_cli("stats", "--repair", path).code == 0


@pytest.mark.parametrize("command", [["qa"], ["score", "--hyp-prop", "x-mt"]])
def test_a_command_without_repair_names_the_one_that_has_it(tmp_path: Path, command: list[str]) -> None:
    """A CI trial: qa and score read a TMX as convert does but take no --repair, and their error said "--repair
    removes such characters"; they name convert's, which does, and the file it writes is read."""
    path = tmp_path / "m.tmx"
    path.write_text(_unit_with("&#x1;"), encoding="utf-8")
    result = run_cli(*command, path)
    assert result.code == 2
    assert "(an XML-illegal control character; tmkit convert FILE -o REPAIRED.tmx --repair removes" in result.stderr
    assert run_cli("convert", path, "-o", tmp_path / "fixed.tmx", "--repair").code == 0
    assert run_cli("stats", tmp_path / "fixed.tmx").code == 0


def test_surrogate_reference_error_says_what_to_write_instead(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    path.write_text(_unit_with("&#xD83D;&#xDE00;"), encoding="utf-8")
    with pytest.raises(InputError, match="a reference to a UTF-16 surrogate"):
        load_tmx(path)


# -- the editor's save through a link --------------------------------------------------------------


def test_editor_save_writes_through_a_link(tmp_path: Path) -> None:
    real = tmp_path / "store" / "article.tmx"
    real.parent.mkdir()
    real.write_bytes((SAMPLES / "article.tmx").read_bytes())
    link = tmp_path / "article.tmx"
    link.symlink_to(real)
    work = WorkFile(link)
    work.confirm(0, "Edited through a link.")
    work.save()
    work.close_journal()
    assert link.is_symlink()
    assert load_tmx(real).units[0].variants[1].text == "Edited through a link."


def test_an_overlong_segment_of_the_output_compared_is_named_by_its_file(tmp_path: Path) -> None:
    # It said "segment 2: the baseline has …": which file, and what a baseline was, were left to guess.
    long = "word " * (MAX_TER_SEGMENT_CHARS // 5 + 1)
    (tmp_path / "ref.txt").write_text("one\ntwo\n", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("one\ntwo\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text(f"one\n{long}\n", encoding="utf-8")
    result = run_cli(
        "score", "--ref", tmp_path / "ref.txt", "--hyp", tmp_path / "hyp.txt", "--compare", tmp_path / "other.txt",
        "--metrics", "chrf,ter",
    )  # fmt: skip
    assert result.code == 2
    assert f"tmkit: error: {tmp_path / 'other.txt'}: segment 2: this output has" in result.stderr
