"""One text reader for every command: UTF-8 and BOM-marked UTF-16 alike, LF/CRLF/CR lines, bad bytes named by line."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import SAMPLES, run_cli
from tmkit.errors import InputError
from tmkit.formats import text_files
from tmkit.formats.text_files import iter_lines, read_lines, read_text, split_lines
from tmkit.formats.tmx_reader import load_tmx

REF = SAMPLES / "article.ref.en.txt"
MT = SAMPLES / "article.mt.en.txt"
MEMORY = SAMPLES / "news-memory.tmx"
#: Characters str.splitlines breaks at that are not line breaks in a text file.
NOT_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: The encodings every command reads: the codec and the byte order mark written before the text.
ENCODINGS = {
    "utf-8": ("utf-8", b""),
    "utf-8-bom": ("utf-8", codecs.BOM_UTF8),
    "utf-16-le-bom": ("utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16-be-bom": ("utf-16-be", codecs.BOM_UTF16_BE),
}


def encoded(path: Path, text: str, encoding: str) -> Path:
    codec, bom = ENCODINGS[encoding]
    path.write_bytes(bom + text.encode(codec))
    return path


def reference_lines(text: str) -> list[str]:
    """Lines as a person counts them, one character at a time: LF, CRLF and CR end a line."""
    lines, current, index = [], "", 0
    while index < len(text):
        char = text[index]
        if char in "\r\n":
            lines.append(current)
            current = ""
            index += 2 if text.startswith("\r\n", index) else 1
        else:
            current += char
            index += 1
    if current:
        lines.append(current)
    return lines


# -- the reader ---------------------------------------------------------------------------------

PIECES = ["a", "س", "😀", " ", "\t", "\r", "\n", "\r\n", *NOT_BREAKS]
LINE_TEXT = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=LINE_TEXT, encoding=st.sampled_from(sorted(ENCODINGS)), chunk=st.integers(min_value=1, max_value=9))
def test_lines_end_at_lf_crlf_cr_only_whatever_the_encoding_and_chunking(
    text: str, encoding: str, chunk: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = encoded(tmp_path_factory.mktemp("lines") / "f.txt", text, encoding)
    original = text_files.READ_CHUNK_BYTES
    text_files.READ_CHUNK_BYTES = chunk  # tiny chunks: CRLF and multi-byte characters cut between reads
    try:
        assert read_lines(path) == reference_lines(text) == split_lines(text)
        assert read_text(path) == text
        assert "".join(iter_lines(path, keep_ends=True)) == text
    finally:
        text_files.READ_CHUNK_BYTES = original


def test_form_feed_and_line_separator_stay_inside_their_line(tmp_path: Path) -> None:
    path = encoded(tmp_path / "f.txt", "one\x0ctwo\nthree\u2028four\x85five\r\nsix\rseven", "utf-8")
    assert read_lines(path) == ["one\x0ctwo", "three\u2028four\x85five", "six", "seven"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_refused_naming_the_line(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes("قال المتحدث\nsecond line\n".encode(encoding))
    with pytest.raises(InputError) as caught:
        read_lines(path)
    assert caught.value.path == str(path) and caught.value.line in (1, 2)
    assert "looks like UTF-16 without a byte order mark" in caught.value.message


def test_nul_in_binary_data_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"fine\nalso fine\n\x00\x01\x02\x00\x00\x00\x03\x04\x00\n")
    with pytest.raises(InputError, match="NUL character: binary data") as caught:
        read_lines(path)
    assert caught.value.line == 3


def test_undecodable_bytes_name_line_and_hint_even_many_chunks_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_files, "READ_CHUNK_BYTES", 64)
    path = tmp_path / "latin1.txt"
    path.write_bytes(("صباح الخير\r\n" * 40).encode() + "café au lait\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_lines(path)
    assert caught.value.line == 41
    assert caught.value.message.startswith("not UTF-8 text (byte 0xE9 at column 4)")
    assert "save it as UTF-8" in caught.value.message


def test_broken_utf16_after_its_bom_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "one\ntwo ".encode("utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le"))
    with pytest.raises(InputError, match="not UTF-16 text") as caught:
        read_lines(path)
    assert caught.value.line == 2


# -- every command reads UTF-8 and BOM-marked UTF-16 alike ----------------------------------------


def _score(ref: Path, hyp: Path) -> list[float]:
    result = run_cli("score", "--ref", ref, "--hyp", hyp, "--format", "json")
    assert result.code == 0, result.stderr
    return [metric["score"] for metric in json.loads(result.stdout)["metrics"]]


@pytest.mark.parametrize("encoding", ["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"])
def test_score_reads_every_encoding(tmp_path: Path, encoding: str) -> None:
    ref = encoded(tmp_path / "ref.txt", REF.read_text(encoding="utf-8"), encoding)
    hyp = encoded(tmp_path / "hyp.txt", MT.read_text(encoding="utf-8"), encoding)
    assert _score(ref, hyp) == _score(REF, MT)


@pytest.mark.parametrize("encoding", ["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"])
def test_qa_reads_every_encoding(tmp_path: Path, encoding: str) -> None:
    def findings(*inputs: Path) -> list[tuple[str, int]]:
        result = run_cli("qa", *inputs, "--format", "json")
        assert result.code in (0, 1), result.stderr
        report = json.loads(result.stdout)
        return [(check["id"], check["findings"]) for check in report["checks"]] + [("units", report["units"])]

    source = SAMPLES / "article.ar.txt"
    target = SAMPLES / "article.en.txt"
    copies = [encoded(tmp_path / p.name, p.read_text(encoding="utf-8"), encoding) for p in (source, target)]
    assert findings(*copies) == findings(source, target)


@pytest.mark.parametrize("encoding", ["utf-16-le-bom", "utf-16-be-bom"])
def test_convert_reads_utf16_text_tsv_and_csv(tmp_path: Path, encoding: str) -> None:
    source = encoded(tmp_path / "a.txt", "واحد\r\nاثنان\r\n", encoding)
    target = encoded(tmp_path / "b.txt", "one\r\ntwo\r\n", encoding)
    result = run_cli("convert", source, target, "-o", tmp_path / "text.tmx")
    assert result.code == 0, result.stderr
    pairs = [(ar.text, en.text) for _, ar, en in load_tmx(tmp_path / "text.tmx").pairs("ar", "en")]
    assert pairs == [("واحد", "one"), ("اثنان", "two")]
    tables = {
        "t.tsv": "tuid\tar\ten\n7\tواحد\tone\n",
        "t.csv": 'tuid,ar,en\n7,واحد,"one,\r\nand more"\n',
    }
    for name, text in tables.items():
        table = encoded(tmp_path / name, text, encoding)
        result = run_cli("convert", table, "-o", tmp_path / f"{name}.tmx")
        assert result.code == 0, (name, result.stderr)
        [(unit, ar, en)] = list(load_tmx(tmp_path / f"{name}.tmx").pairs("ar", "en"))
        assert (unit.tuid, ar.text) == ("7", "واحد") and en.text.startswith("one")


@pytest.mark.parametrize("encoding", ["utf-16-le-bom", "utf-16-be-bom"])
def test_match_file_and_segment_read_utf16(tmp_path: Path, encoding: str) -> None:
    queries = encoded(tmp_path / "q.txt", "شكرا\n\nوأكد الجانبان أهمية التعاون\n", encoding)
    result = run_cli("match", MEMORY, "--file", queries, "--json", "--min", "50", "--no-cache")
    assert result.code == 0, result.stderr
    assert [r["segment"] for r in json.loads(result.stdout)["results"]] == ["شكرا", "", "وأكد الجانبان أهمية التعاون"]
    document = encoded(tmp_path / "doc.txt", "قال د. أحمد: «نعم.» ثم غادر.\n", encoding)
    result = run_cli("segment", "--json", "--lang", "ar", document)
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["paragraphs"] == [["قال د. أحمد: «نعم.»", "ثم غادر."]]


# -- and refuses the rest with the line --------------------------------------------------------------


def _utf16_without_bom(path: Path) -> Path:
    path.write_bytes("The ministry said\nthe meeting is tomorrow\n".encode("utf-16-le"))
    return path


def _latin1(path: Path) -> Path:
    path.write_bytes(b"first line\nsecond line\ncaf\xe9 third\n")
    return path


@pytest.mark.parametrize(
    ("make", "where", "words"),
    [
        (_utf16_without_bom, ":1: ", "looks like UTF-16 without a byte order mark"),
        (_latin1, ":3: ", "save it as UTF-8"),
    ],
)
def test_every_command_refuses_bad_text_naming_the_line(tmp_path: Path, make: object, where: str, words: str) -> None:
    assert callable(make)
    bad = make(tmp_path / "bad.txt")
    bad_tsv = make(tmp_path / "bad.tsv")
    good = tmp_path / "good.txt"
    good.write_text("one\ntwo\nthree\n", encoding="utf-8")
    commands = {
        "score": ("score", "--ref", good, "--hyp", bad),
        "qa": ("qa", good, bad),
        "convert text": ("convert", good, bad, "-o", tmp_path / "o.tmx"),
        "convert tsv": ("convert", bad_tsv, "-o", tmp_path / "o.tmx"),
        "match --file": ("match", MEMORY, "--file", bad, "--no-cache"),
        "segment": ("segment", bad),
    }
    for name, args in commands.items():
        result = run_cli(*args)
        assert result.code == 2, (name, result.stderr)
        err = result.stderr.strip()
        assert len(err.splitlines()) == 1 and "Traceback" not in err, (name, err)
        assert where in err and words in err and "bad." in err, (name, err)
    assert not (tmp_path / "o.tmx").exists()


def test_convert_keeps_form_feed_and_line_separator_inside_their_lines(tmp_path: Path) -> None:
    source = encoded(tmp_path / "a.txt", "واحد\x0cتابع\nاثنان\nثلاثة\n", "utf-8")
    target = encoded(tmp_path / "b.txt", "one\ntwo\u2028continued\nthree\n", "utf-8")
    result = run_cli("convert", source, target, "-o", tmp_path / "o.tmx")
    assert result.code == 0, result.stderr
    pairs = [(ar.text, en.text) for _, ar, en in load_tmx(tmp_path / "o.tmx").pairs("ar", "en")]
    # The form feed is not allowed in XML and is dropped on writing; it no longer starts a unit.
    assert pairs == [("واحدتابع", "one"), ("اثنان", "two\u2028continued"), ("ثلاثة", "three")]
    result = run_cli("qa", source, target, "--format", "json")
    assert json.loads(result.stdout)["units"] == 3


def test_convert_refuses_line_counts_that_differ_giving_both(tmp_path: Path) -> None:
    source = encoded(tmp_path / "a.txt", "one\ntwo\nthree\n", "utf-8")
    target = encoded(tmp_path / "b.txt", "واحد\nاثنان\u2028ثلاثة\n", "utf-8")
    result = run_cli("convert", source, target, "-o", tmp_path / "o.tmx")
    assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "a.txt has 3 lines but" in result.stderr and "b.txt has 2" in result.stderr
    assert not (tmp_path / "o.tmx").exists()


def test_an_argument_that_is_not_utf8_is_a_usage_error() -> None:
    # Python hands undecodable argument bytes over as lone surrogates ("caf\xe9" becomes "caf\udce9").
    result = run_cli("concord", MEMORY, "caf\udce9", "--json")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "tmkit: error: argument 'caf\\xe9' is not UTF-8: give file names and text in UTF-8"
