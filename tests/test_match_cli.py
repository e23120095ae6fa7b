"""`tmkit match` and `tmkit concord` on the samples, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import CLI_ENV, SAMPLES, run_cli
from tmkit.formats.tmx_reader import load_tmx


@pytest.fixture
def memory(indexed_samples: Path) -> str:
    """The sample news memory, its index built once for the session (a copy: nothing is written in samples/)."""
    return str(indexed_samples / "news-memory.tmx")


def test_match_json_for_a_stored_segment(memory: str) -> None:
    unit = load_tmx(memory).units[10]
    source = unit.variant("ar").text  # type: ignore[union-attr]
    result = run_cli("match", memory, source, "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["normalization"] == "ar-v1"
    best = data["results"][0]["matches"][0]
    assert best["score"] == 100.0 and best["source"] == source
    assert best["target"] == unit.variant("en").text  # type: ignore[union-attr]
    assert best["breakdown"]["penalties"] == []


def test_match_text_output_shows_diff_and_breakdown(memory: str) -> None:
    source = load_tmx(memory).units[3].variant("ar").text  # type: ignore[union-attr]
    words = source.split()
    words[-2] = "كلمة"
    result = run_cli("match", memory, " ".join(words), "--limit", "1", "--color", "never")
    assert result.code == 0, result.stderr
    assert "{+كلمة+}" in result.stdout and "[-" in result.stdout
    assert "why:" in result.stdout and "base" in result.stdout


def test_match_file_of_segments(memory: str, tmp_path: Path) -> None:
    segments = tmp_path / "new.txt"
    segments.write_text("شكرا\n\nوأكد الجانبان أهمية التعاون\n", encoding="utf-8")
    result = run_cli("match", memory, "--file", str(segments), "--json", "--min", "50")
    assert result.code == 0, result.stderr
    assert [r["segment"] for r in json.loads(result.stdout)["results"]] == ["شكرا", "", "وأكد الجانبان أهمية التعاون"]


def test_match_errors_are_one_line(memory: str, tmp_path: Path) -> None:
    for args, fragment in [
        ((memory,), "give one or more memories"),
        ((str(tmp_path / "missing.tmx"), "نص"), "no such file"),
        ((memory, memory), "is a memory"),
        ((memory, "نص", "--limit", "0"), "--limit"),
        ((memory, "نص", "--min", "150"), "--min is a match %, from 0 to 101"),  # accepted, and nothing ever shown
        ((memory, "نص", "--min", "-5"), "--min is a match %"),
        ((memory, "  "), "the segment to look up is empty"),  # it said "no match" and exited 0
        ((memory, "نص", "--penalty", "other.tmx=5"), "--penalty"),
        ((memory, "--file", str(tmp_path / "none.txt")), "none.txt: no such file"),
    ]:
        result = run_cli("match", *args)
        assert result.code == 2, (args, result.stderr)
        assert fragment in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_match_on_a_malformed_memory(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx version='1.4'><header/><body><tu>", encoding="utf-8")
    result = run_cli("match", str(bad), "نص")
    assert result.code == 2 and "bad.tmx:1:" in result.stderr


def test_concord(memory: str) -> None:
    result = run_cli("concord", memory, "اعادة الاعمار", "--json")
    assert result.code == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert hits and all("إعمار" in h["source"] for h in hits)  # with the article or without
    for hit in hits:
        start, end = hit["source_spans"][0]
        assert "إعادة" in hit["source"][start:end]  # whole words: a proclitic (لإعادة) is highlighted too
    text = run_cli("concord", memory, "reconstruction", "--color", "never", "--limit", "2")
    assert text.code == 0 and text.stdout.count("[reconstruction]") + text.stdout.count("[Reconstruction]") >= 2


def test_a_memory_without_the_pair_is_named_not_passed_over(memory: str, tmp_path: Path) -> None:
    # A pipeline pointed at a memory of other languages got "no match", "0 pre-translated" and exit 0, not a word
    # that the memory could never match.
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.model import Header, Segment, TranslationUnit, Variant

    other = tmp_path / "en-fr.tmx"
    units = [TranslationUnit([Variant("en", Segment.from_text("colour")), Variant("fr", Segment.from_text("couleur"))])]
    write_tmx(other, header=Header(srclang="en"), units=units)
    notice = f"{other}: none of its one unit holds both ar and en, so it gives no matches"
    alone = run_cli("match", str(other), "مرحبا بكم", "--src", "ar", "--tgt", "en")
    assert alone.code == 2 and alone.stdout == ""
    assert alone.stderr.splitlines() == [
        f"tmkit: warning: {notice} (tmkit stats names its languages)",
        "tmkit: error: no unit of the memories holds both ar and en",
    ]
    source = load_tmx(memory).units[10].variant("ar").text  # type: ignore[union-attr]
    beside = run_cli("match", str(other), memory, source, "--src", "ar", "--tgt", "en", "--json")
    assert beside.code == 0 and notice in beside.stderr
    assert json.loads(beside.stdout)["results"][0]["matches"][0]["score"] == 100.0
    (tmp_path / "d.txt").write_text(source + "\n", encoding="utf-8")
    job = run_cli("pretranslate", str(tmp_path / "d.txt"), "--tm", str(other), "-o", str(tmp_path / "job.tmx"))
    assert job.code == 0 and notice in job.stderr and (tmp_path / "job.tmx").is_file()
    compact = run_cli("index", "compact", str(other), "--src", "ar", "--tgt", "en")
    assert compact.code == 0 and notice in compact.stderr and "0 entries" in compact.stdout
    # A memory of the pair whose translations are all empty (an untranslated job as --tm) gives no entries either,
    # but holds the pair: no notice, no error.
    job = tmp_path / "untranslated.tmx"
    units = [TranslationUnit([Variant("ar", Segment.from_text("مرحبا بكم")), Variant("en", Segment.from_text(""))])]
    write_tmx(job, header=Header(srclang="ar"), units=units)
    empty = run_cli("match", str(job), "مرحبا بكم", "--src", "ar", "--tgt", "en")
    assert empty.code == 0 and empty.stderr == "" and "no match at 70% or above" in empty.stdout


@pytest.mark.parametrize(
    "command",
    [
        ("match", SAMPLES / "news-memory.tmx", "--file", SAMPLES / "article.ar.txt"),
        ("concord", SAMPLES / "news-memory.tmx", "في"),
        ("stats", SAMPLES / "news-memory.tmx"),  # a command that prints without rich: the same answer
    ],
)
def test_output_to_a_reader_gone_away_is_no_failure(command: tuple[str | Path, ...]) -> None:
    # `tmkit match … | head -1`: rich's console exited 1, tmkit's code for a failed check, where every other
    # command's output exits 0. The pipe's reader is closed before tmkit writes, so that the first write fails.
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tmkit", *map(str, command)],
            stdout=writer,
            stderr=subprocess.PIPE,
            env={**os.environ, **CLI_ENV},
            timeout=120,
            check=False,
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr.decode()) == (0, "")
