"""`tmkit score` and `tmkit qa` as a CI uses them: inputs, gates, exit codes, and every report format."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tests.helpers import SAMPLES, run_cli, run_cli_process
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.formats.xliff import write_xliff
from tmkit.memory.model import Header, Memory, Prop, Segment, TranslationUnit, Variant
from tmkit.quality.qa import CHECKS, QaPair, check_pairs, select_checks
from tmkit.quality.reports import GITHUB_ANNOTATION_LIMIT, GITHUB_SUMMARY_LIMIT, qa_report, score_report
from tmkit.quality.reports.github import Annotation, render_annotations
from tmkit.quality.scoring import score_corpus
from tmkit.quality.testsets import load_eval_set

TMX = str(SAMPLES / "article.tmx")
MT = str(SAMPLES / "article.mt.en.txt")
REF = str(SAMPLES / "article.ref.en.txt")
ANNOTATION_RE = re.compile(r"^::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::.+$")


def runner_commands(log: str) -> list[str]:
    """The workflow commands GitHub's runner takes from a step's log (actions/runner ActionCommandManager): a line
    starting with `::` after its leading spaces, or holding the legacy `##[` anywhere; none between
    `::stop-commands::TOKEN` and `::TOKEN::`, which are not counted."""
    commands: list[str] = []
    stopped: str | None = None
    for line in log.splitlines():
        text = line.lstrip()
        v2 = text.startswith("::") and text.find("::", 2) > 0
        if not v2 and "##[" not in line:
            continue
        name = text[2 : text.find("::", 2)].split(" ")[0] if v2 else line.split("##[", 1)[1].split("]")[0]
        if stopped is not None:
            if name == stopped:
                stopped = None
        elif name == "stop-commands":
            stopped = text[text.find("::", 2) + 2 :]
        else:
            commands.append(text)
    return commands


@pytest.fixture(autouse=True)
def _outside_github(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run the same inside and outside GitHub Actions."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("SACREBLEU_SEED", raising=False)


def assert_usage_error(code: int, err: str, *needles: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tmkit: error: "), err
    for needle in needles:
        assert needle in lines[0]


# -- samples ------------------------------------------------------------------------------------


def test_sample_reference_and_hypothesis_follow_the_article_units() -> None:
    memory = load_tmx(TMX)
    english = [unit.variant("en").text for unit in memory]  # type: ignore[union-attr]
    assert Path(REF).read_text(encoding="utf-8").splitlines() == english
    hypothesis = Path(MT).read_text(encoding="utf-8").splitlines()
    assert len(hypothesis) == len(english)
    assert all(h.strip() for h in hypothesis)
    assert sum(h != e for h, e in zip(hypothesis, english, strict=True)) == len(english)  # every line is MT


def test_score_on_the_samples_reads_well() -> None:
    code, out, err = run_cli("score", TMX, "--hyp", MT)
    assert code == 0, err
    assert out.startswith("tmkit score: 30 segments · 1 reference · ar → en\n")
    assert "  paired      by position\n" in out
    assert re.search(r"^  chrF2  +\d+\.\d\d$", out, re.M)
    assert "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:" in out
    assert "|tmkit-norm:none|tmkit-align:position" in out
    assert re.search(r"^chrF2 per segment  \[[·▁▂▃▄▅▆▇█]{10}\]", out, re.M)
    assert "worst 5 segments by chrF2:\n  " + MT + ":7 (a7)" in out  # the missing clause ranks worst
    assert out.endswith("\ngates: none set\n")


def test_a_test_set_of_one_segment_is_counted_in_the_singular(tmp_path: Path) -> None:
    ref, hyp = tmp_path / "ref.en", tmp_path / "hyp.en"
    ref.write_text("The talks ended.\n", encoding="utf-8")
    hyp.write_text("Talks were over.\n", encoding="utf-8")
    code, out, _ = run_cli("score", "--ref", str(ref), "--hyp", str(hyp), "--worst", "1")
    assert code == 0
    assert out.startswith("tmkit score: 1 segment · 1 reference · ")  # was "1 segments"
    assert "\nworst 1 segment by chrF2:\n" in out
    code, out, _ = run_cli("score", "--ref", str(ref), "--hyp", str(hyp), "--worst", "1", "--format", "markdown")
    assert "<summary>Worst 1 segment by chrF2</summary>" in out  # was "Worst 1 segments"


def test_cli_scores_equal_the_sacrebleu_cli_on_the_same_files() -> None:
    sacre = subprocess.run(
        [sys.executable, "-m", "sacrebleu", REF, "-i", MT, "-m", "bleu", "chrf", "ter", "-f", "json", "-w", "4"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    expected = {entry["name"]: entry for entry in json.loads(sacre.stdout)}
    ours = run_cli_process("score", "--ref", REF, "--hyp", MT, "--metrics", "chrf,bleu,ter", "--format", "json")
    assert ours.code == 0, ours.stderr
    metrics = json.loads(ours.stdout)["metrics"]
    assert {m["name"] for m in metrics} == set(expected)
    for metric in metrics:
        assert round(metric["score"], 4) == expected[metric["name"]]["score"]
        assert metric["sacrebleu_signature"] == expected[metric["name"]]["signature"]


# -- inputs -------------------------------------------------------------------------------------


def _tsv(path: Path, rows: list[tuple[str, str, str, str]], header: bool = True) -> Path:
    lines = ["id\tsource\treference\thypothesis"] if header else []
    lines += ["\t".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _article_rows() -> list[tuple[str, str, str, str]]:
    memory = load_tmx(TMX)
    mt = Path(MT).read_text(encoding="utf-8").splitlines()
    return [
        (unit.tuid or "", src.text, tgt.text, hyp)
        for (unit, src, tgt), hyp in zip(memory.pairs("ar", "en"), mt, strict=True)
    ]


def _score_json(*args: str) -> dict[str, object]:
    code, out, err = run_cli("score", *args, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def test_every_input_shape_gives_the_same_scores(tmp_path: Path) -> None:
    rows = _article_rows()
    with_header = _tsv(tmp_path / "set.tsv", rows)
    without_header = _tsv(tmp_path / "plain.tsv", rows, header=False)
    memory = load_tmx(TMX)
    for (_, _, tgt), row in zip(memory.pairs("ar", "en"), rows, strict=True):
        tgt.props.append(Prop("x-mt", row[3]))
    write_tmx(tmp_path / "with-mt.tmx", memory)
    shuffled = load_tmx(TMX)
    for (_, _, tgt), row in zip(shuffled.pairs("ar", "en"), rows, strict=True):
        tgt.segment = Segment.from_text(row[3])
    shuffled.units.reverse()  # paired by tuid, not by order
    write_tmx(tmp_path / "mt.tmx", shuffled)
    runs = {
        "text": _score_json("--ref", REF, "--hyp", MT),
        "tmx+text": _score_json(TMX, "--hyp", MT),
        "tsv": _score_json(str(with_header)),
        "tsv-no-header": _score_json(str(without_header)),
        "tmx-prop": _score_json(str(tmp_path / "with-mt.tmx"), "--hyp-prop", "x-mt"),
        "tmx+tmx": _score_json("--ref", TMX, "--hyp", str(tmp_path / "mt.tmx")),
    }
    alignments = {name: data["inputs"]["alignment"] for name, data in runs.items()}  # type: ignore[index]
    assert alignments == {
        "text": "line",
        "tmx+text": "position",
        "tsv": "row",
        "tsv-no-header": "row",
        "tmx-prop": "unit",
        "tmx+tmx": "tuid",
    }
    scores = {name: [m["score"] for m in data["metrics"]] for name, data in runs.items()}  # type: ignore[attr-defined]
    assert len({tuple(s) for s in scores.values()}) == 1


def _mt_xliff(path: Path, *, version: str, reverse: bool = False) -> Path:
    """The article as XLIFF whose targets are the MT lines, unit ids the TMX's tuids."""
    memory = load_tmx(TMX)
    for (_, _, tgt), row in zip(memory.pairs("ar", "en"), _article_rows(), strict=True):
        tgt.segment = Segment.from_text(row[3])
    if reverse:
        memory.units.reverse()  # paired by unit id, not by order
    write_xliff(path, memory, source_lang="ar", target_lang="en", version=version)
    return path


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_xliff_is_scored_like_tmx(version: str, tmp_path: Path) -> None:
    expected = _score_json("--ref", REF, "--hyp", MT)
    as_hypothesis = _score_json(
        "--ref", TMX, "--hyp", str(_mt_xliff(tmp_path / "mt.xlf", version=version, reverse=True))
    )
    as_input = _score_json(str(_mt_xliff(tmp_path / "set.xlf", version=version)), "--hyp", MT)
    assert as_hypothesis["inputs"]["alignment"] == "id"  # type: ignore[index]
    assert as_input["inputs"]["alignment"] == "position"  # type: ignore[index]
    assert as_input["inputs"]["source_lang"] == "ar" and as_input["inputs"]["target_lang"] == "en"  # type: ignore[index]
    scores = [[m["score"] for m in data["metrics"]] for data in (expected, as_hypothesis, as_input)]  # type: ignore[attr-defined]
    assert scores[0] == scores[1] != [100.0, 100.0]
    assert scores[2] == pytest.approx([100.0, 100.0])  # the MT scored against itself


def test_qa_checks_an_xliff(tmp_path: Path) -> None:
    xliff = _mt_xliff(tmp_path / "mt.xlf", version="1.2")
    code, out, _ = run_cli("qa", str(xliff), "--select", "number-*")
    assert code == 1
    found = [line for line in out.splitlines() if "[number-mismatch]" in line]
    first = found[0]
    assert len(found) == 2 and first.startswith(f"{xliff}:") and first.endswith("(unit a2)")
    assert "1 number of the source not in the target: 22" in first
    assert out.splitlines()[-1] == "checks: 1/2 ok; failing: number-mismatch (2 findings)"
    code, out, _ = run_cli("qa", str(xliff), "--hyp", MT, "--select", "number-*")
    assert code == 1 and f"{MT}:2: error: [number-mismatch]" in out  # the hypothesis is checked, not the targets


def test_an_untranslated_file_fails_qa_at_its_default_level(tmp_path: Path) -> None:
    # Every target the source copied gave 2,228 warnings and exit 0 on the MADAR phrasebook: a CI gate passed it.
    arabic = SAMPLES / "article.ar.txt"
    code, out, _ = run_cli("qa", str(arabic), str(arabic), "--src", "ar", "--tgt", "en")
    lines = [line for line in out.splitlines() if line.strip()]
    copied = sum(1 for line in arabic.read_text(encoding="utf-8").splitlines() if line.strip())
    assert code == 1
    assert sum("error: [untranslated]" in line for line in lines) == copied
    assert not any("[same-as-source]" in line for line in lines)
    english = SAMPLES / "article.en.txt"
    code, out, _ = run_cli("qa", str(english), str(english), "--src", "en", "--tgt", "ar", "--select", "untranslated")
    assert code == 1 and "an English sentence of" in out


def test_a_hypothesis_in_the_other_script_is_named(tmp_path: Path) -> None:
    # The Arabic source given as --hyp against English references scored 0.41 chrF without a word.
    source = tmp_path / "source.ar.txt"
    source.write_text("".join(u.variant("ar").text + "\n" for u in load_tmx(TMX).units), encoding="utf-8")  # type: ignore[union-attr]
    result = run_cli("score", "--ref", str(SAMPLES / "article.ref.en.txt"), "--hyp", str(source))
    assert result.code == 0
    assert (
        "tmkit: warning: the hypotheses are in Arabic script and the references in Latin: is --hyp the source, or "
        "are the sides swapped?"
    ) in result.stderr
    same = run_cli("score", "--ref", str(SAMPLES / "article.ref.en.txt"), "--hyp", MT)
    assert same.code == 0 and "warning" not in same.stderr


def test_several_references() -> None:
    data = _score_json("--ref", REF, "--ref", MT, "--hyp", MT)
    assert data["n_references"] == 2
    assert data["metrics"][0]["score"] == 100.0  # type: ignore[index]
    assert data["metrics"][0]["signature"].startswith("nrefs:2|")  # type: ignore[index]


def test_normalize_and_tokenizer_options_reach_the_signature(tmp_path: Path) -> None:
    ref = tmp_path / "ref.ar.txt"
    hyp = tmp_path / "hyp.ar.txt"
    ref.write_text("ذهب الولد الى المدرسة؟\n", encoding="utf-8")
    hyp.write_text("ذهبَ الولدُ إلى المدرسة?\n", encoding="utf-8")
    plain = _score_json("--ref", str(ref), "--hyp", str(hyp))
    normalized = _score_json("--ref", str(ref), "--hyp", str(hyp), "--normalize", "ar", "--tokenize", "13a")
    assert plain["inputs"]["target_lang"] == "ar"  # type: ignore[index]
    assert "tok:intl" in plain["metrics"][1]["signature"]  # type: ignore[index]
    assert "tok:13a" in normalized["metrics"][1]["signature"]  # type: ignore[index]
    assert "tmkit-norm:ar-v1" in normalized["metrics"][0]["signature"]  # type: ignore[index]
    assert normalized["metrics"][0]["score"] == 100.0  # type: ignore[index]
    assert plain["metrics"][0]["score"] < 100.0  # type: ignore[index]


def _mismatched_inputs(tmp: Path) -> dict[str, tuple[list[str], tuple[str, ...]]]:
    short = tmp / "short.txt"
    short.write_text("\n".join(Path(MT).read_text(encoding="utf-8").splitlines()[:28]) + "\n", encoding="utf-8")
    empty = tmp / "empty.txt"
    empty.write_text("", encoding="utf-8")
    blank = tmp / "blank.txt"  # an MT step that wrote a line break (and some spaces) per segment, and no text
    blank.write_text("\n \n\t\n\u00a0\n" + "\n" * 26, encoding="utf-8")
    partial = load_tmx(TMX)
    partial.units = [u for u in partial.units if u.tuid not in ("a3", "a17")]
    write_tmx(tmp / "partial.tmx", partial)
    extra = load_tmx(TMX)
    extra.units[0].tuid = "z9"
    write_tmx(tmp / "extra.tmx", extra)
    duplicate = _tsv(tmp / "dup.tsv", [("1", "a", "b", "c"), ("1", "d", "e", "f")])
    narrow = _tsv(tmp / "narrow.tsv", [("1", "a", "b", "c")], header=False)
    (narrow).write_text("1\ta\tb\n", encoding="utf-8")
    latin1 = tmp / "latin1.txt"
    latin1.write_bytes("café\n".encode("latin-1"))
    broken_xliff = tmp / "mt.xlf"
    broken_xliff.write_text('<xliff version="1.2"><file', encoding="utf-8")
    return {
        "line count": (["--ref", REF, "--hyp", str(short)], ("30 segments", "28 in", "article.ref.en.txt:29 onwards")),
        "units vs lines": ([TMX, "--hyp", str(short)], ("article.tmx:260 onwards",)),
        "ids missing": (["--ref", TMX, "--hyp", str(tmp / "partial.tmx")], ("no hypothesis", "ids a3, a17")),
        "ids extra": (["--ref", str(tmp / "partial.tmx"), "--hyp", TMX], ("ids in", "but not in", "a3, a17")),
        "id unknown": (["--ref", TMX, "--hyp", str(tmp / "extra.tmx")], ("z9",)),
        "duplicate id": ([str(duplicate)], ("dup.tsv:3", "id '1' used before, on line 2")),
        "narrow tsv": ([str(narrow)], ("narrow.tsv:1", "expected 4 TAB-separated columns", "found 3")),
        "empty": (["--ref", str(empty), "--hyp", MT], ("empty.txt", "empty file")),
        "blank hypothesis": (["--ref", REF, "--hyp", str(blank)], ("blank.txt: no text: every line is blank",)),
        "blank reference": (["--ref", str(blank), "--hyp", MT], ("blank.txt: no text: every line is blank",)),
        "blank tmx hypothesis": ([TMX, "--hyp", str(blank)], ("blank.txt: no text: every line is blank",)),
        "missing file": (["--ref", str(tmp / "nope.txt"), "--hyp", MT], ("nope.txt: no such file",)),
        "not utf-8": (["--ref", str(latin1), "--hyp", MT], ("latin1.txt:1", "not UTF-8")),
        "xliff not xml": ([TMX, "--hyp", str(broken_xliff)], ("mt.xlf:1", "not well-formed XML")),
        "no hypothesis": ([TMX], ("no hypothesis",)),
        "nothing": ([], ("nothing to score",)),
        "bad gate": ([TMX, "--hyp", MT, "--min", "chrf"], ("cannot read the gate 'chrf'",)),
        "unknown metric": ([TMX, "--hyp", MT, "--metrics", "meteor"], ("unknown metric 'meteor'",)),
        "drop without baseline": ([TMX, "--hyp", MT, "--max-drop", "chrf=1"], ("--baseline",)),
        "worse without compare": ([TMX, "--hyp", MT, "--fail-if-worse"], ("--compare",)),
        "bad report": ([TMX, "--hyp", MT, "--report", "pdf:x.pdf"], ("unknown kind 'pdf'",)),
        "report folder": ([TMX, "--hyp", MT, "--report", f"json:{tmp}/no/such/s.json"], ("no such folder",)),
        "prop on text": (["--ref", REF, "--hyp-prop", "x-mt"], ("--hyp-prop", ".tmx input")),
        "prop absent": ([TMX, "--hyp-prop", "x-mt"], ("no unit has a prop of type 'x-mt'",)),
    }


BAD_INPUTS = [
    "line count",
    "units vs lines",
    "ids missing",
    "ids extra",
    "id unknown",
    "duplicate id",
    "narrow tsv",
    "empty",
    "blank hypothesis",
    "blank reference",
    "blank tmx hypothesis",
    "missing file",
    "not utf-8",
    "xliff not xml",
    "no hypothesis",
    "nothing",
    "bad gate",
    "unknown metric",
    "drop without baseline",
    "worse without compare",
    "bad report",
    "report folder",
    "prop on text",
    "prop absent",
]


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    cases = _mismatched_inputs(tmp_path)
    assert set(cases) == set(BAD_INPUTS)
    args, needles = cases[case]
    code, out, err = run_cli("score", *args)
    assert out == ""
    assert_usage_error(code, err, *needles)


def test_a_blank_line_among_others_is_an_untranslated_segment_and_a_blank_file_is_refused(tmp_path: Path) -> None:
    # Only a file without a line of text is refused; a line left blank among others is scored (0) or checked.
    lines = Path(MT).read_text(encoding="utf-8").splitlines()
    gap = tmp_path / "gap.txt"
    gap.write_text("\n".join(["", *lines[1:-1], "  "]) + "\n", encoding="utf-8")
    code, out, err = run_cli("score", "--ref", REF, "--hyp", str(gap))
    assert code == 0 and "tmkit score: 30 segments" in out and err == ""
    blank = tmp_path / "blank.en.txt"
    blank.write_text("\n" * 13, encoding="utf-8")
    code, out, err = run_cli("qa", str(SAMPLES / "article.ar.txt"), str(blank))
    assert out == ""
    assert_usage_error(code, err, "blank.en.txt: no text: every line is blank")
    code, out, err = run_cli("qa", str(blank), str(SAMPLES / "article.en.txt"))
    assert_usage_error(code, err, "blank.en.txt: no text: every line is blank")
    other = tmp_path / "other.txt"
    other.write_text("\n" * len(lines), encoding="utf-8")
    code, out, err = run_cli("score", TMX, "--hyp", MT, "--compare", str(other))
    assert_usage_error(code, err, "other.txt: no text: every line is blank")


def test_a_test_set_whose_every_hypothesis_or_reference_is_empty_is_refused(tmp_path: Path) -> None:
    """An MT step that wrote an empty column (TSV) or empty targets (TMX) scored 0.00 and, without a gate, passed: it
    is refused as a blank text file is, naming the file; one empty hypothesis among others is scored."""
    rows = ["id\tsource\treference\thypothesis", "1\tنص\tText.\t", "2\tنص آخر\tOther text.\t"]
    empty = tmp_path / "empty.tsv"
    empty.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run_cli("score", str(empty))
    assert out == ""
    assert_usage_error(code, err, "empty.tsv: no text: every hypothesis of the 2 segment(s) scored is empty")
    one = tmp_path / "one.tsv"
    one.write_text("\n".join([*rows[:2], rows[2] + "Other."]) + "\n", encoding="utf-8")
    code, out, err = run_cli("score", str(one))
    assert code == 0 and "tmkit score: 2 segments" in out, (out, err)
    job = tmp_path / "job.tmx"
    memory = load_tmx(TMX)
    for unit in memory.units:
        for variant in unit.variants:
            if variant.lang.startswith("en"):
                variant.segment = Segment.from_text("")
    write_tmx(job, memory)
    code, out, err = run_cli("score", str(job), "--hyp", MT)
    assert_usage_error(code, err, "job.tmx: no text: every reference of the 30 segment(s) scored is empty")


#: What a colour code in an MT output is refused with: where, which character, and how to strip the codes.
COLOUR_CODE = "control character U+001B (a terminal colour code?) at column 1: strip the codes, e.g. sed "


def test_a_terminal_colour_code_in_a_text_input_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    # An MT output captured from a coloured log: QA reported the code's 31 and 0 as numbers the source lacks.
    lines = Path(MT).read_text(encoding="utf-8").splitlines()
    coloured = tmp_path / "mt.txt"
    coloured.write_text("\n".join([*lines[:11], f"\x1b[31m{lines[11]}\x1b[0m", *lines[12:]]) + "\n", encoding="utf-8")
    for args in (
        ("score", TMX, "--hyp", str(coloured)),
        ("score", "--ref", REF, "--hyp", str(coloured), "--min", "chrf=10"),
        ("score", "--ref", str(coloured), "--hyp", MT),
        ("qa", TMX, "--hyp", str(coloured), "--select", "number-*"),
    ):
        code, out, err = run_cli(*args)
        assert out == ""
        assert_usage_error(code, err, f"{coloured}:12: {COLOUR_CODE}")
    rows = _article_rows()
    rows[3] = (*rows[3][:3], f"\x1b[1;32m{rows[3][3]}")
    code, out, err = run_cli("qa", str(_tsv(tmp_path / "set.tsv", rows)))
    assert_usage_error(code, err, "set.tsv:5: control character U+001B (a terminal colour code?) at column ")
    ar, en = tmp_path / "ar.txt", tmp_path / "en.txt"
    ar.write_text("اجتمع الرئيس بالوفد.\nوقع الجانبان ٣ اتفاقيات.\n", encoding="utf-8")
    en.write_text("The President met the delegation.\nThe two sides signed 3\x07 agreements.\n", encoding="utf-8")
    code, out, err = run_cli("qa", str(ar), str(en))
    assert_usage_error(code, err, f"{en}:2: control character U+0007 at column 23: not text; remove it")
    code, out, err = run_cli("score", "--ref", str(en), "--hyp", str(en), "--sources", str(ar))
    assert_usage_error(code, err, f"{en}:2: control character U+0007")
    # A TMX or XLIFF cannot hold one: XML 1.0 forbids them, and the parser refuses the file (raw or as a reference).
    tmx = Path(TMX).read_text(encoding="utf-8")
    for written in ("\x1b[31m", "&#x1B;[31m"):
        (tmp_path / "esc.tmx").write_text(tmx.replace("<seg>", f"<seg>{written}", 1), encoding="utf-8")
        code, out, err = run_cli("score", str(tmp_path / "esc.tmx"), "--hyp", MT)
        assert_usage_error(code, err, "esc.tmx:", "Char value 27")


def test_tabs_bidi_marks_nbsp_page_and_line_breaks_and_crlf_stay_legitimate_text(tmp_path: Path) -> None:
    # Only the C0 controls that are never text are refused: TAB, VT (Word's manual line break), FF (a PDF's page
    # break), LRM, RLM, ALM and NBSP are read as before, and a Windows file's CRLF ends its lines.
    ar, en = tmp_path / "ar.txt", tmp_path / "en.txt"
    ar.write_bytes(
        "اجتمع الرئيس\tبالوفد.\r\nوقع الجانبان ٣\u00a0اتفاقيات\u200f.\r\nقال\u061c: «نعم»\x0bثم غادر.\x0c\r\n".encode()
    )
    en.write_bytes(
        "The President\tmet the delegation.\r\nThe two sides signed 3\u00a0agreements.\r\n"
        "He said \u200eyes\u200e.\x0bThen he left.\x0c\r\n".encode()
    )
    code, out, err = run_cli("qa", str(ar), str(en), "--select", "number-*", "--format", "json")
    assert code == 0 and err == "", err
    assert json.loads(out)["units"] == 3
    code, out, err = run_cli("score", "--ref", str(en), "--hyp", str(en), "--sources", str(ar), "--format", "json")
    assert code == 0 and err == "", err
    assert json.loads(out)["metrics"][0]["score"] == 100.0


def test_skip_missing_leaves_out_ids_with_a_warning(tmp_path: Path) -> None:
    partial = load_tmx(TMX)
    partial.units = [u for u in partial.units if u.tuid != "a3"]
    write_tmx(tmp_path / "partial.tmx", partial)
    code, out, err = run_cli("score", "--ref", TMX, "--hyp", str(tmp_path / "partial.tmx"), "--skip-missing")
    assert code == 0
    assert "left out 1 segment without hypothesis or reference" in err
    assert "tmkit score: 29 segments" in out


def test_internal_error_is_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("tmkit.quality.runs.score_corpus", broken)
    code, _, err = run_cli("score", TMX, "--hyp", MT)
    assert code == 3
    assert err.strip() == "tmkit: error: internal error: RuntimeError: boom (set TMKIT_DEBUG=1 for a traceback)"


def test_subprocess_exit_codes_as_a_ci_sees_them() -> None:
    assert run_cli_process("score", TMX, "--hyp", MT, "--min", "chrf=50").code == 0
    assert run_cli_process("score", TMX, "--hyp", MT, "--min", "chrf=99").code == 1
    bad = run_cli_process("score", TMX, "--hyp", MT, "--min", "chrf")
    assert bad.code == 2 and "Traceback" not in bad.stderr


# -- gates --------------------------------------------------------------------------------------


def test_min_and_max_gates() -> None:
    code, out, _ = run_cli("score", TMX, "--hyp", MT, "--min", "chrf=70", "--min", "bleu=40", "--max", "ter=50")
    assert code == 0
    assert out.endswith("\ngates: 3/3 ok\n")
    code, out, _ = run_cli("score", TMX, "--hyp", MT, "--min", "chrf=80", "--max", "ter=20")
    assert code == 1
    last = out.strip().splitlines()[-1]
    assert last.startswith("gates: 0/2 ok; not met: chrF2 = ") and "< 80 (minimum)" in last and "> 20 (maximum)" in last
    assert not re.search(r"\d+ (passed|failed)", out)


def test_a_gate_names_the_metric_as_it_was_scored() -> None:
    # chrF with beta 3 is chrF3: a gate that said chrF2 would name a score nobody computed.
    code, out, _ = run_cli("score", TMX, "--hyp", MT, "--chrf-beta", "3", "--min", "chrf=99")
    assert code == 1
    last = out.strip().splitlines()[-1]
    assert last.startswith("gates: 0/1 ok; not met: chrF3 = ") and "chrF2" not in last


def test_max_drop_against_a_stored_baseline(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, _ = run_cli("score", TMX, "--hyp", MT, "--report", f"json:{baseline}")
    assert code == 0
    code, out, _ = run_cli("score", TMX, "--hyp", MT, "--baseline", str(baseline), "--max-drop", "chrf=0")
    assert code == 0
    assert "gates: 1/1 ok" in out
    worse = tmp_path / "worse.txt"
    lines = Path(MT).read_text(encoding="utf-8").splitlines()
    worse.write_text("\n".join(" ".join(line.split()[: len(line.split()) // 2]) for line in lines) + "\n")
    code, out, _ = run_cli("score", TMX, "--hyp", str(worse), "--baseline", str(baseline), "--max-drop", "chrf=1")
    assert code == 1
    assert "chrF2 dropped" in out.splitlines()[-1]
    code, _, err = run_cli(
        "score", TMX, "--hyp", MT, "--normalize", "ar", "--baseline", str(baseline), "--max-drop", "chrf=1"
    )
    assert_usage_error(code, err, "computed differently", "normalization none there, ar-v1 here")


def test_compare_reports_significance_and_can_gate(tmp_path: Path) -> None:
    lines = Path(MT).read_text(encoding="utf-8").splitlines()
    worse = tmp_path / "worse.txt"
    worse.write_text("\n".join(" ".join(line.split()[:5]) for line in lines) + "\n", encoding="utf-8")
    code, out, _ = run_cli("score", TMX, "--hyp", MT, "--compare", str(worse), "--samples", "200")
    assert code == 0
    assert f"compared with {worse} (paired bootstrap, 200 resamples, seed 12345):" in out
    assert re.search(r"^  chrF2 .* significantly better$", out, re.M)
    code, out, _ = run_cli("score", TMX, "--hyp", str(worse), "--compare", MT, "--samples", "200", "--fail-if-worse")
    assert code == 1
    assert "gates: 0/2 ok; not met: chrF2" in out
    data = _score_json(TMX, "--hyp", MT, "--compare", str(worse), "--samples", "100")
    comparison = data["comparison"]
    assert comparison["test"] == "paired bootstrap"  # type: ignore[index]
    assert all(r["significant"] for r in comparison["results"])  # type: ignore[index]


def test_compare_pairs_the_other_system_like_the_test_set(tmp_path: Path) -> None:
    tsv = _tsv(tmp_path / "set.tsv", _article_rows())
    code, out, _ = run_cli("score", str(tsv), "--compare", REF, "--samples", "50")
    assert code == 0
    assert re.search(r"^  chrF2  +\d+\.\d\d vs 100\.00  Δ -\d+\.\d\d  p = 0\.0196  significantly worse$", out, re.M)
    other = load_tmx(TMX)
    other.units.reverse()  # a TMX pairs by tuid whatever its order
    write_tmx(tmp_path / "other.tmx", other)
    code, out, _ = run_cli("score", TMX, "--hyp", MT, "--compare", str(tmp_path / "other.tmx"), "--samples", "50")
    assert code == 0 and "vs 100.00" in out
    short = tmp_path / "short.txt"
    short.write_text("one line\n", encoding="utf-8")
    code, out, err = run_cli("score", TMX, "--hyp", MT, "--compare", str(short))
    assert_usage_error(code, err, "short.txt: has 1 segments but the test set has 30")


def test_confidence_intervals_on_request() -> None:
    code, out, _ = run_cli("score", TMX, "--hyp", MT, "--ci", "100")
    assert code == 0
    assert re.search(r"^  chrF2   \d+\.\d\d  \(μ = \d+\.\d\d ± \d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]\)$", out, re.M)
    assert "|bs:100|seed:12345|" in out


# -- reports ------------------------------------------------------------------------------------


def test_several_reports_from_one_run(tmp_path: Path) -> None:
    paths = {kind: tmp_path / f"score.{kind}" for kind in ("json", "junit", "github", "markdown", "text")}
    args = ["score", TMX, "--hyp", MT, "--min", "chrf=60", "--min", "bleu=60", "--max", "ter=60"]
    for kind, path in paths.items():
        args += ["--report", f"{kind}:{path}"]
    code, out, _ = run_cli(*args)
    assert code == 1
    assert paths["text"].read_text(encoding="utf-8") == out
    # Written atomically: nothing but the reports in the folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths.values())

    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["tool"] == "tmkit" and data["command"] == "score" and data["passed"] is False
    assert [g["passed"] for g in data["gates"]] == [True, False, True]
    assert [w["id"] for w in data["worst"]][:2] == ["a7", "a19"]
    assert data["worst"][0]["file"] == MT and data["worst"][0]["line"] == 7

    tree = etree.parse(str(paths["junit"]))
    suite = tree.getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == 3 == int(suite.get("tests"))
    assert suite.get("failures") == "1"
    assert [c.get("name") for c in cases] == ["chrF2 >= 60", "BLEU >= 60", "TER <= 60"]
    [failure] = [c.find("failure") for c in cases if c.find("failure") is not None]
    assert failure is not None and failure.get("message", "").startswith("BLEU = ")

    annotations = paths["github"].read_text(encoding="utf-8").splitlines()
    assert all(ANNOTATION_RE.match(line) for line in annotations)
    assert annotations[0].startswith(f"::error file={MT},title=tmkit score%3A BLEU >= 60::BLEU = ")
    assert annotations[1].startswith(f"::warning file={MT},line=7,title=chrF2 ")

    markdown = paths["markdown"].read_text(encoding="utf-8")
    assert markdown.startswith("### ❌ tmkit score — gates: 2/3 ok")
    assert "| BLEU &gt;= 60 | ❌ not met |" in markdown
    assert "<details><summary>Worst 5 segments by chrF2</summary>" in markdown


def test_a_baseline_of_the_other_direction_is_refused(tmp_path: Path) -> None:
    # CI kept a baseline per direction; given the ar→en one, an en→ar run was gated on its chrF2 (no tokenizer in
    # chrF's signature tells them apart): "chrF2 dropped 1.12 points", exit 1, or a pass it had not earned.
    english, arabic = tmp_path / "ref.en", tmp_path / "ref.ar"
    english.write_text("The delegation arrived in Damascus.\nThe talks ended.\n", encoding="utf-8")
    arabic.write_text("وصل الوفد إلى دمشق.\nانتهت المحادثات.\n", encoding="utf-8")
    baseline = tmp_path / "baseline-ar-en.json"
    code, _, _ = run_cli("score", "--ref", str(english), "--hyp", str(english), "--report", f"json:{baseline}")
    assert code == 0
    code, _, err = run_cli(
        "score", "--ref", str(arabic), "--hyp", str(arabic), "--baseline", str(baseline), "--max-drop", "chrf=1"
    )
    assert_usage_error(code, err, str(baseline), "translations into en, this run into ar")
    # The same language under another tag is the same test set's.
    code, out, _ = run_cli(
        "score", "--ref", str(english), "--hyp", str(english), "--tgt", "en-GB",
        "--baseline", str(baseline), "--max-drop", "chrf=0",
    )  # fmt: skip
    assert code == 0 and "gates: 1/1 ok" in out


def test_json_report_is_a_baseline(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run_cli("score", TMX, "--hyp", MT, "--metrics", "chrf,chrf++,bleu,ter", "--report", f"json:{report}")
    code, out, _ = run_cli(
        "score",
        TMX,
        "--hyp",
        MT,
        "--metrics",
        "chrf,chrf++,bleu,ter",
        "--baseline",
        str(report),
        *[f"--max-drop={m}=0" for m in ("chrf", "chrf++", "bleu", "ter")],
    )
    assert code == 0
    assert "gates: 4/4 ok" in out


def test_junit_has_one_testcase_per_gate_and_none_without(tmp_path: Path) -> None:
    for gates, expected in (
        ([], 0),
        (["--min", "chrf=10"], 1),
        (["--min", "chrf=10", "--min", "chrf++=10", "--max", "ter=99"], 3),
    ):
        code, out, _ = run_cli("score", TMX, "--hyp", MT, *gates, "--format", "junit")
        assert code == 0
        root = etree.fromstring(out.encode("utf-8"))
        assert root.tag == "testsuites"
        assert len(root.findall("testsuite/testcase")) == expected == int(root.get("tests"))


# The attributes Jenkins' xUnit plugin allows on <testsuites> (its JUnit schema, junit-10.xsd): it skips a report
# that has any other ("The result file ... is not valid").
TESTSUITES_ATTRIBUTES = {"name", "time", "tests", "failures", "errors"}


def test_junit_root_holds_only_the_attributes_the_junit_schema_allows() -> None:
    for command in (["score", TMX, "--hyp", MT, "--min", "chrf=99"], ["qa", TMX, "--hyp", MT, "--ignore", "spelling"]):
        code, out, _ = run_cli(*command, "--format", "junit")
        assert code == 1
        root = etree.fromstring(out.encode("utf-8"))
        assert set(root.attrib) <= TESTSUITES_ATTRIBUTES, sorted(set(root.attrib) - TESTSUITES_ATTRIBUTES)
        suite = root.find("testsuite")
        assert suite is not None and suite.get("skipped") == "0"  # allowed on a <testsuite>
        assert root.get("tests") == suite.get("tests") and root.get("failures") == suite.get("failures") == "1"


def test_github_annotations_are_capped_at_ten() -> None:
    code, out, _ = run_cli(
        "score", TMX, "--hyp", MT, "--worst", "30", "--min", "chrf=99", "--min", "bleu=99", "--format", "github"
    )
    assert code == 1
    annotations = runner_commands(out)
    assert len(annotations) == GITHUB_ANNOTATION_LIMIT == 10
    assert [a.split(" ", 1)[0] for a in annotations[:3]] == ["::error", "::error", "::warning"]
    assert all(ANNOTATION_RE.match(a) for a in annotations)
    assert "gates: 0/2 ok" in out  # the readable report comes too


def test_annotation_escaping() -> None:
    text = Annotation("warning", "50% done\nnext", title="a: b, c", file="dir/x,y.txt", line=3).render()
    assert text == "::warning file=dir/x%2Cy.txt,line=3,title=a%3A b%2C c::50%25 done%0Anext"
    many = [Annotation("notice", str(i)) for i in range(15)] + [Annotation("error", "e")]
    rendered = render_annotations(many).splitlines()
    assert len(rendered) == 10 and rendered[0] == "::error::e"


def test_annotations_name_a_file_in_the_checkout_by_its_path_in_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An annotation naming /home/runner/work/repo/repo/out/mt.txt was listed in the run but shown on no file: GitHub
    # maps only paths relative to the checkout onto the repository's files.
    checkout = tmp_path / "repo"
    (checkout / "out").mkdir(parents=True)
    hyp = checkout / "out" / "mt.txt"
    hyp.write_bytes(Path(MT).read_bytes())
    monkeypatch.setenv("GITHUB_WORKSPACE", str(checkout))
    code, out, _ = run_cli("score", TMX, "--hyp", str(hyp), "--min", "chrf=99", "--format", "github")
    assert code == 1
    commands = runner_commands(out)
    assert commands[0].startswith("::error file=out/mt.txt,title=tmkit score%3A chrF2 >= 99::")
    assert commands[1].startswith("::warning file=out/mt.txt,line=7,title=chrF2 ")
    assert str(checkout) not in "".join(commands)
    # A relative path from a step run below the checkout (`working-directory: out`), and QA's annotations.
    code, out, _ = run_cli("qa", TMX, "--hyp", "mt.txt", "--select", "number-*", "--format", "github", cwd=hyp.parent)
    assert code == 1
    assert runner_commands(out)[0].startswith("::error file=out/mt.txt,line=2,title=tmkit qa%3A number-mismatch")
    # Outside the checkout (a sibling whose name only starts like it, too), a path is named as given.
    monkeypatch.setenv("GITHUB_WORKSPACE", f"{checkout}{os.sep}")
    for path in (str(tmp_path / "elsewhere.txt"), str(tmp_path / "repo2" / "mt.txt"), "/etc/x, y.txt"):
        assert (
            Annotation("warning", "m", file=path, line=1).render()
            == f"::warning file={path.replace(',', '%2C')},line=1::m"
        )
    named = Annotation("error", "m", file=str(checkout / "a" / "b,c.txt")).render()
    assert named == "::error file=a/b%2Cc.txt::m"
    monkeypatch.delenv("GITHUB_WORKSPACE")
    assert Annotation("error", "m", file=str(hyp)).render() == f"::error file={hyp}::m"


def test_inside_github_actions_the_summary_is_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("## Earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run_cli("score", TMX, "--hyp", MT, "--min", "chrf=50")
    assert code == 0
    assert "\ngates: 1/1 ok\n" in out
    assert any(line.startswith("::warning file=") for line in out.splitlines())
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Earlier step\n### ✅ tmkit score — gates: 1/1 ok")
    code, _, _ = run_cli("qa", TMX, "--hyp", MT, "--ignore", "spelling")  # its count varies with the dictionaries
    assert code == 1
    assert "### ❌ tmkit qa — checks: 16/17 ok" in summary.read_text(encoding="utf-8")


def test_a_summarys_cells_show_segments_and_file_names_as_written() -> None:
    """A CI trial: an MT output's `**`, `[text](url)` and backticks were rendered as emphasis, a link and code in the
    job summary, and a file name with a backtick ended its code span early."""
    from tmkit.quality.reports.github import markdown_cell, markdown_code

    cell = markdown_cell("See **[the guide](http://x.example)** `now` _here_ a\\b | <i>")
    assert cell == "See \\*\\*\\[the guide\\](http://x.example)\\*\\* \\`now\\` \\_here\\_ a\\\\b \\| &lt;i&gt;"
    assert markdown_code("out/flores_dev.en") == "`out/flores_dev.en`"  # (a code span shows a backslash as one)
    assert markdown_code("a`b|c") == "``a`b\\|c``"
    assert markdown_code("`x`") == "`` `x` ``"


def test_scoring_text_files_without_sources_claims_no_source_language(tmp_path: Path) -> None:
    """English references and output with no source file read 'ar → en': the source language tmkit's pair gave, as
    if the files had said so."""
    (tmp_path / "ref.en").write_text("The delegation arrived.\nThe talks ended.\n", encoding="utf-8")
    (tmp_path / "hyp.en").write_text("The delegation came.\nThe talks ended.\n", encoding="utf-8")
    code, out, _ = run_cli("score", tmp_path / "ref.en", "--hyp", tmp_path / "hyp.en")
    assert code == 0 and out.splitlines()[0] == "tmkit score: 2 segments · 1 reference · into en", out
    code, out, _ = run_cli("score", tmp_path / "ref.en", "--hyp", tmp_path / "hyp.en", "--src", "ar")
    assert out.splitlines()[0] == "tmkit score: 2 segments · 1 reference · ar → en", out


def test_a_job_and_a_reference_numbered_otherwise_pair_by_source(tmp_path: Path) -> None:
    """A reviewer's trial: a job segmented from a document and its reference converted from line-aligned text, both
    numbered 1, 2, 3… but cut differently, stopped with 'ids … not in ref.tmx' (or paired the wrong sentences):
    `--align source` pairs each segment with the reference of its source text, the nth of a repeated one with the
    nth."""

    def memory(path: Path, pairs: list[tuple[str, str]]) -> Path:
        units = [
            TranslationUnit([Variant("ar", Segment.from_text(a)), Variant("en", Segment.from_text(e))], tuid=str(n))
            for n, (a, e) in enumerate(pairs, start=1)
        ]
        write_tmx(path, Memory(Header(srclang="ar"), units))
        return path

    reference = memory(
        tmp_path / "ref.tmx",
        [
            ("وصل الوفد.", "The delegation arrived."),
            ("نعم.", "Yes."),
            ("غادر الوفد.", "The delegation left."),
            ("نعم.", "Yes indeed."),
        ],
    )
    job = memory(
        tmp_path / "job.tmx",
        [
            ("نعم.", "Yes."),
            ("غادر الوفد.", "The delegation left."),
            ("وصل الوفد.", "The delegation arrived."),
            ("نعم.", "Yes indeed."),
        ],
    )
    code, out, err = run_cli("score", reference, "--hyp", job, "--align", "id", "--format", "json")
    by_id = [metric["score"] for metric in json.loads(out)["metrics"] if metric["name"] == "chrF2"]
    assert code == 0 and by_id[0] < 50, by_id  # by id, each sentence against another's reference
    code, out, err = run_cli("score", reference, "--hyp", job, "--align", "source", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    (chrf,) = [metric for metric in report["metrics"] if metric["name"] == "chrF2"]
    assert chrf["score"] == 100.0 and "tmkit-align:source" in chrf["signature"], chrf
    assert report["inputs"]["alignment"] == "source"
    extra = memory(tmp_path / "extra.tmx", [("وصل الوفد.", "The delegation arrived."), ("كلمة أخرى.", "Another word.")])
    code, _, err = run_cli("score", reference, "--hyp", extra, "--align", "source")
    assert code == 2 and err.count("\n") == 1 and "sources in " in err and "line " in err, err
    text = tmp_path / "hyp.txt"
    text.write_text("a\nb\nc\nd\n", encoding="utf-8")
    code, _, err = run_cli("score", reference, "--hyp", text, "--align", "source")
    assert code == 2 and "cannot pair by source" in err and err.count("\n") == 1, err


def test_markdown_summary_stays_under_the_limit() -> None:
    evalset = load_eval_set(input_path=TMX, hypothesis=MT)
    scores = score_corpus(evalset.hypotheses(), evalset.reference_streams())
    run = score_report.ScoreRun(scores=scores, evalset=evalset, worst=30)
    assert len(score_report.render_markdown(run).encode("utf-8")) < GITHUB_SUMMARY_LIMIT
    small = score_report.render_markdown(run, limit=4000)
    assert len(small.encode("utf-8")) < 4000
    assert "more left out to stay under GitHub's 1 MiB summary limit" in small
    # QA can find far more than a summary holds: 20,000 findings of 300 characters.
    pairs = [QaPair(str(i), f"{i} " + "x" * 300, f"{i + 1} " + "y" * 300, "big.tsv", i) for i in range(20_000)]
    result = check_pairs(pairs, source_lang="en", target_lang="en", checks=select_checks(["number-mismatch"]))
    summary = qa_report.render_markdown(qa_report.QaRun(result=result, target_path="big.tsv"))
    assert GITHUB_SUMMARY_LIMIT * 0.9 < len(summary.encode("utf-8")) < GITHUB_SUMMARY_LIMIT
    assert summary.rstrip().endswith("</details>")
    assert "more left out to stay under GitHub's 1 MiB summary limit" in summary


# -- qa -----------------------------------------------------------------------------------------


def test_qa_refuses_a_hypothesis_that_lacks_units_rather_than_check_the_reference_in_their_place(
    tmp_path: Path,
) -> None:
    # A system that dropped a segment passed the gate: QA checked the reference's translation of it instead.
    reference = load_tmx(TMX)
    wrong = next(u for u in reference.units if u.tuid == "a3")
    english = next(v for v in wrong.variants if v.lang.startswith("en"))
    english.segment = Segment.from_text("Nothing of the source's 999 numbers.")  # a reference QA would flag
    write_tmx(tmp_path / "ref.tmx", reference)
    hypothesis = load_tmx(TMX)
    hypothesis.units = [u for u in hypothesis.units if u.tuid != "a3"]
    write_tmx(tmp_path / "hyp.tmx", hypothesis)
    ref, hyp = str(tmp_path / "ref.tmx"), str(tmp_path / "hyp.tmx")
    code, out, err = run_cli("qa", ref, "--hyp", hyp, "--ignore", "spelling")
    assert out == ""
    assert_usage_error(code, err, f"no hypothesis in {hyp} for id a3", "--skip-missing")
    code, out, err = run_cli("qa", ref, "--hyp", hyp, "--ignore", "spelling", "--skip-missing")
    assert code == 0, out
    assert out.startswith("qa: 29 units · 0 errors")
    assert "left out 1 segment the hypothesis lacks (--skip-missing)" in err
    # A unit the hypothesis holds without a translation is an empty one: an error of its own, on its line.
    untranslated = load_tmx(TMX)
    for unit in untranslated.units:
        if unit.tuid == "a3":
            unit.variants = [v for v in unit.variants if not v.lang.startswith("en")]
    write_tmx(tmp_path / "untranslated.tmx", untranslated)
    code, out, _ = run_cli("qa", ref, "--hyp", str(tmp_path / "untranslated.tmx"), "--select", "empty-target")
    assert code == 1
    assert out.startswith(f"{tmp_path / 'untranslated.tmx'}:") and "[empty-target]" in out and "(unit a3)" in out
    # A prop holding the hypothesis: a unit without it is untranslated alike, never checked by its target.
    reference.units = [u for u in reference.units if u.tuid in ("a1", "a3")]
    for unit in reference.units:
        if unit.tuid == "a1":
            next(v for v in unit.variants if v.lang.startswith("en")).props.append(Prop("x-mt", "A translation."))
    write_tmx(tmp_path / "props.tmx", reference)
    code, out, _ = run_cli("qa", str(tmp_path / "props.tmx"), "--hyp-prop", "x-mt", "--ignore", "spelling")
    assert code == 1
    assert [line.split("[")[1].split("]")[0] for line in out.splitlines() if "(unit a3)" in line] == ["empty-target"]


def test_qa_on_the_samples() -> None:
    code, out, _ = run_cli("qa", TMX, "--ignore", "spelling")  # spelling's own tests: tests/test_spelling.py
    assert code == 0
    assert out == "qa: 30 units · 0 errors · 0 warnings\nchecks: 17/17 ok\n"
    code, out, _ = run_cli("qa", TMX, "--hyp", MT, "--ignore", "spelling")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        f"{MT}:2: error: [number-mismatch] 1 number of the source not in the target: 22; "
        "1 number in the target not in the source: 23 (compared by value: 2 numbers in the source (22, 2021), "
        "2 in the target (23, 2021), numbers in words counted) (unit a2)"
    )
    assert any("[untranslated-arabic]" in line and "(unit a15)" in line for line in lines)
    assert lines[-1] == "checks: 16/17 ok; failing: number-mismatch (2 findings)"
    code, _, _ = run_cli("qa", TMX, "--hyp", MT, "--ignore", "number-mismatch")
    assert code == 0
    code, _, _ = run_cli("qa", TMX, "--hyp", MT, "--ignore", "number-mismatch", "--fail-on", "warning")
    assert code == 1


def test_qa_on_two_text_files_and_a_tsv(tmp_path: Path) -> None:
    code, out, _ = run_cli("qa", str(SAMPLES / "article.ar.txt"), str(SAMPLES / "article.en.txt"))
    assert code == 0 and "qa: 13 units" in out
    tsv = _tsv(tmp_path / "set.tsv", _article_rows())
    code, out, _ = run_cli("qa", str(tsv), "--select", "number-*")
    assert code == 1
    assert f"{tsv}:3: error: [number-mismatch]" in out  # TSV line 3 is unit a2
    assert out.splitlines()[-1] == "checks: 1/2 ok; failing: number-mismatch (2 findings)"


def test_qa_reports(tmp_path: Path) -> None:
    junit, data, github = tmp_path / "qa.xml", tmp_path / "qa.json", tmp_path / "qa.gh"
    code, _, _ = run_cli(
        "qa",
        TMX,
        "--hyp",
        MT,
        "--ignore",
        "spelling",
        "--report",
        f"junit:{junit}",
        "--report",
        f"json:{data}",
        "--report",
        f"github:{github}",
    )
    assert code == 1
    suite = etree.parse(str(junit)).getroot().find("testsuite")
    assert suite is not None
    assert len(suite.findall("testcase")) == 17 and suite.get("failures") == "1"
    report = json.loads(data.read_text(encoding="utf-8"))
    assert report["command"] == "qa" and report["counts"] == {"error": 2, "warning": 1}
    assert [f["id"] for f in report["findings"]] == ["a2", "a4", "a15"]
    lines = github.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith(f"::error file={MT},line=2,title=tmkit qa%3A number-mismatch (unit a2)::")
    code, out, _ = run_cli("qa", TMX, "--select", "tag-*", "--format", "junit")
    assert code == 0 and len(etree.fromstring(out.encode()).findall("testsuite/testcase")) == 3


def test_qa_annotations_are_capped(tmp_path: Path) -> None:
    rows = [(str(i), f"Item {i} costs {i} pounds.", "", f"يكلف البند {i + 1} ليرة.") for i in range(25)]
    tsv = _tsv(tmp_path / "many.tsv", rows)
    code, out, _ = run_cli("qa", str(tsv), "--format", "github")
    assert code == 1
    assert len(runner_commands(out)) == 10


def test_github_runner_takes_no_command_from_the_readable_report(tmp_path: Path) -> None:
    # An MT output holding `::error ...` past the wrap width: the readable report wrapped it onto an indented line
    # of its own, which the runner read as a workflow command (an annotation on a file named by the text).
    ref, hyp = tmp_path / "ref.en", tmp_path / "hyp.en"
    lines = [f"{'word ' * n}::error file=x,line=1::INJECTED {n}" for n in range(4, 30)]  # one wraps at any width
    ref.write_text("".join(f"{line} and more\n" for line in lines) + "The end.\n")
    hyp.write_text("".join(f"{line}\n" for line in lines) + "The ##[error]legacy end.\n")
    code, out, _ = run_cli("score", "--ref", str(ref), "--hyp", str(hyp), "--format", "github", "--worst", "30")
    assert code == 0
    assert any(line.lstrip().startswith("::error file=x") for line in out.splitlines())  # wrapped as before
    commands = runner_commands(out)
    assert len(commands) == 10 and all(c.startswith(f"::warning file={hyp},line=") for c in commands), commands
    assert "gates: none set" in out
    # Also a report sent to stdout beside the annotations, and QA's readable report.
    code, out, _ = run_cli(
        "score", "--ref", str(ref), "--hyp", str(hyp), "--format", "github", "--worst", "0", "--report", "json:-"
    )
    assert '"hypothesis": "' in out or "INJECTED" in out
    assert runner_commands(out) == []
    source = tmp_path / "src.en"
    source.write_text("One.\nTwo.\nThe ##[error]legacy 3.\n")
    target = tmp_path / "tgt.en"
    target.write_text("One.\nTwo.\nThe ##[error]legacy 4.\n")
    code, out, _ = run_cli("qa", str(source), str(target), "--select", "number-*", "--format", "github")
    assert code == 1
    assert [c.split("::")[1].split(" ")[0] for c in runner_commands(out)] == ["error"]


def test_qa_usage_errors(tmp_path: Path) -> None:
    code, out, err = run_cli("qa", TMX, "--select", "tags")
    assert_usage_error(code, err, "unknown QA check 'tags'")
    code, out, err = run_cli("qa", REF)
    assert_usage_error(code, err, "no source text")
    code, out, err = run_cli("qa")
    assert_usage_error(code, err, "nothing to check")
    code, out, err = run_cli("qa", TMX, "--ignore", "*")
    assert_usage_error(code, err, "no check to run")
    code, out, _ = run_cli("qa", "--list-checks")
    assert code == 0 and len(out.splitlines()) == len(CHECKS) and out.startswith("number-mismatch  ")


def test_gate_reports_tell_the_score_from_the_threshold_and_list_worst_segments_by_the_gates_metric(
    tmp_path: Path,
) -> None:
    ref, hyp = tmp_path / "ref.en", tmp_path / "hyp.en"
    ref.write_text("The delegation arrived in Damascus.\nThe talks ended.\nThey signed two agreements.\n")
    hyp.write_text("The delegation arrived in Damascus.\nTalks were over.\nThey signed agreements two.\n")
    # A minimum a hair above the score failed as "86.47 < 86.47": both are shown until they differ.
    code, out, _ = run_cli("score", "--ref", str(ref), "--hyp", str(hyp), "--format", "json")
    chrf = next(m["score"] for m in json.loads(out)["metrics"] if m["key"] == "chrf")
    minimum = float(f"{chrf:.4f}") + 0.00005
    code, out, _ = run_cli("score", "--ref", str(ref), "--hyp", str(hyp), "--min", f"chrf={minimum}")
    assert code == 1
    failed = next(line for line in out.splitlines() if "(minimum)" in line)
    shown, limit = re.findall(r"= (\S+) < (\S+) \(minimum\)", failed)[0]
    assert shown != limit and float(shown) == pytest.approx(chrf, abs=1e-5) and float(limit) == minimum
    # A failed TER gate lists the worst segments by TER, and a perfect segment (line 1) is none of the worst.
    code, out, _ = run_cli(
        "score", "--ref", str(ref), "--hyp", str(hyp), "--metrics", "chrf,ter", "--max", "ter=10", "--format", "junit"
    )
    assert code == 1
    failure = etree.fromstring(out.encode()).find(".//testcase/failure")
    assert failure is not None
    worst = (failure.text or "").split("worst segments:\n")[1].splitlines()
    assert [line.split(": ")[1].split()[0] for line in worst] == ["TER", "TER"]
    assert not any(line.startswith(f"{hyp}:1") for line in worst)
    code, out, _ = run_cli("score", "--ref", str(ref), "--hyp", str(hyp), "--format", "github")
    assert "worst segment 3 of 3" not in out and "worst segment 2 of 3" in out
