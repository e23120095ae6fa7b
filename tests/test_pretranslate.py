"""Match analysis and pre-translation: bands, repetitions, props, job files, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.formats.xliff import read_xliff
from tmkit.jobs.pretranslate import analyze, band_of, match_segments, pretranslate
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import open_memory
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (101.0, "context 101%"),
        (100.0, "100%"),
        (99.5, "95-99%"),
        (95.0, "95-99%"),
        (94.0, "85-94%"),
        (85.0, "85-94%"),
        (84.0, "75-84%"),
        (75.0, "75-84%"),
        (74.0, "50-74%"),
        (50.0, "50-74%"),
        (None, "no match"),
    ],
)
def test_band_edges(score: float | None, band: str) -> None:
    assert band_of(score) == band


@pytest.fixture
def memory_path(tmp_path: Path) -> Path:
    units = []
    for n, (ar, en) in enumerate(
        [
            ("استقبل الرئيس الوفد الروسي في دمشق.", "The president received the Russian delegation in Damascus."),
            (
                "وتناول اللقاء العلاقات الثنائية بين البلدين.",
                "The meeting dealt with bilateral relations between the two countries.",
            ),
        ]
    ):
        unit = TranslationUnit(
            [Variant("ar", Segment.from_text(ar)), Variant("en", Segment.from_text(en))], tuid=f"t{n}"
        )
        units.append(unit)
    path = tmp_path / "mem.tmx"
    write_tmx(path, Memory(Header(srclang="ar"), units))
    return path


DOC = [
    "استقبل الرئيس الوفد الروسي في دمشق.",
    "جملة جديدة تماما لا توجد في الذاكرة.",
    "وتناول اللقاء العلاقات الثنائية بين البلدين.",
    "جملة جديدة تماما لا توجد في الذاكرة.",
]


def test_analysis_and_pretranslation(memory_path: Path) -> None:
    matcher = Matcher([open_memory(memory_path, source_lang="ar", target_lang="en", cache=False)])
    results = match_segments(DOC, matcher)
    assert [r.band for r in results] == ["100%", "no match", "100%", "repetitions"]
    assert results[3].repeats == 1
    rows = {r.band: r for r in analyze(results)}
    assert rows["100%"].segments == 2 and rows["100%"].source_words == 6 + 6
    assert rows["100%"].target_words == 8 + 10
    assert rows["repetitions"].segments == 1 and rows["no match"].segments == 1
    job = pretranslate(results, source_lang="ar", target_lang="en")
    assert [u.status for u in job.units] == [Status.DRAFT, Status.NEW, Status.DRAFT, Status.NEW]
    first = job.units[0]
    assert first.variant("en").text == "The president received the Russian delegation in Damascus."  # type: ignore[union-attr]
    assert [(p.type, p.value) for p in first.props] == [
        ("x-tmkit-match", "100"),
        ("x-tmkit-origin", "mem.tmx#t0"),
        ("x-tmkit-pretranslation", "The president received the Russian delegation in Damascus."),
        ("x-tmkit-pretranslation-match", "100 mem.tmx#t0"),
    ]


def test_repetition_takes_the_first_translation(memory_path: Path) -> None:
    matcher = Matcher([open_memory(memory_path, source_lang="ar", target_lang="en", cache=False)])
    doc = ["استقبل الرئيس الوفد الروسي في دمشق!", "كلام آخر.", "استقبل الرئيس الوفد الروسي في دمشق!"]
    results = match_segments(doc, matcher)
    assert results[0].band != "no match" and results[2].band == "repetitions"
    job = pretranslate(results, source_lang="ar", target_lang="en", threshold=50)
    assert job.units[2].variant("en").text == job.units[0].variant("en").text  # type: ignore[union-attr]
    assert dict((p.type, p.value) for p in job.units[2].props)["x-tmkit-origin"] == "repetition:1"


def test_commands_on_the_sample(tmp_path: Path) -> None:
    result = run_cli(
        "analyze", str(SAMPLES / "article.ar.txt"), "--tm", str(SAMPLES / "article.tmx"), "--json", "--no-cache"
    )
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"]["segments"] == 30
    assert sum(b["segments"] for b in data["bands"] if b["band"] in ("context 101%", "100%")) >= 25
    for name in ("job.tmx", "job.xlf"):
        out = tmp_path / name
        result = run_cli(
            "pretranslate",
            str(SAMPLES / "article.ar.txt"),
            "--tm",
            str(SAMPLES / "article.tmx"),
            "-o",
            str(out),
            "--no-cache",
        )
        assert result.code == 0, result.stderr
        units = load_tmx(out).units if name.endswith(".tmx") else read_xliff(out)[0].units
        assert len(units) == 30 and sum(u.status is Status.DRAFT for u in units) >= 25
    reference = load_tmx(SAMPLES / "article.tmx")
    assert units[5].variant("en").text == reference.units[5].variant("en").text  # type: ignore[union-attr]


def test_commands_reject_bad_input(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_bytes("نص".encode("cp1256"))
    result = run_cli("analyze", str(doc), "--tm", str(SAMPLES / "article.tmx"))
    assert result.code == 2 and "doc.txt:1: not UTF-8" in result.stderr
    result = run_cli(
        "pretranslate",
        str(SAMPLES / "article.ar.txt"),
        "--tm",
        str(tmp_path / "missing.tmx"),
        "-o",
        str(tmp_path / "j.tmx"),
    )
    assert result.code == 2 and "missing.tmx" in result.stderr and "Traceback" not in result.stderr
    result = run_cli(
        "pretranslate",
        str(SAMPLES / "article.ar.txt"),
        "--tm",
        str(SAMPLES / "article.tmx"),
        "-o",
        str(tmp_path / "j.doc"),
    )
    assert result.code == 2 and "j.doc" in result.stderr


def test_repeated_tm_options_each_add_a_memory(tmp_path: Path) -> None:
    """`--tm A --tm B` kept only B (argparse's nargs="+" replaces): the README says to repeat --tm for more memories."""
    document = SAMPLES / "article.ar.txt"
    memories = (SAMPLES / "earlier-visits.tmx", SAMPLES / "news-memory.tmx")
    listed = run_cli("pretranslate", document, "-o", tmp_path / "listed.tmx", "--tm", *memories)
    repeated = run_cli(
        "pretranslate", document, "-o", tmp_path / "repeated.tmx", "--tm", memories[0], "--tm", memories[1]
    )
    assert listed.code == repeated.code == 0, repeated.stderr
    assert listed.stderr.replace("listed", "repeated") == repeated.stderr
    alone = run_cli("pretranslate", document, "-o", tmp_path / "alone.tmx", "--tm", memories[1])
    assert alone.stderr.replace("alone", "repeated") != repeated.stderr  # (the first memory adds drafts)
    analyzed = run_cli("analyze", document, "--tm", memories[0], "--tm", memories[1])
    assert analyzed.code == 0 and analyzed.stdout == run_cli("analyze", document, "--tm", *memories).stdout


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [("pretranslate", "--threshold", "150"), ("pretranslate", "--threshold", "-1"), ("match", "--min", "101.5")],
)
def test_a_match_percent_past_0_to_101_is_refused(tmp_path: Path, command: str, option: str, value: str) -> None:
    """`--threshold 150` was taken, and nothing was pre-translated, not even exact matches, with no word of why."""
    if command == "pretranslate":
        args = [
            "pretranslate",
            SAMPLES / "article.ar.txt",
            "--tm",
            SAMPLES / "news-memory.tmx",
            "-o",
            tmp_path / "x.tmx",
        ]
    else:
        args = ["match", SAMPLES / "news-memory.tmx", "نعم"]
    refused = run_cli(*args, option, value)
    assert refused.code == 2 and refused.stderr.count("\n") == 1
    assert f"{option} is a match %, from 0 to 101 (in-context matches score 101)" in refused.stderr
    assert not (tmp_path / "x.tmx").exists()


def test_a_document_segment_with_codes_the_memory_lacks_is_not_an_exact_match(tmp_path: Path) -> None:
    # Matched by its plain text, a DOCX sentence holding a footnote reference and a link was a 101% in-context match
    # of the memory's sentence without them: pre-translated as exact, its link and footnote went missing.
    job = tmp_path / "article.tmx"
    code, _out, err = run_cli(
        "pretranslate", str(SAMPLES / "article.docx"), "--tm", str(SAMPLES / "earlier-visits.tmx"), "-o", str(job)
    )
    assert code == 0, err
    unit = next(u for u in load_tmx(job).units if "التحضيرات الجارية لعقد الدورة" in u.variants[0].segment.plain)
    assert len(unit.variants[0].segment.codes()) == 3  # a footnote reference, a link's start and end
    assert unit.prop_value("x-tmkit-match") == "97"  # 100, less a point for each code the stored sentence lacks
    code, out, _err = run_cli("analyze", str(SAMPLES / "article.docx"), "--tm", str(SAMPLES / "earlier-visits.tmx"))
    assert code == 0
    assert [line.split()[:3] for line in out.splitlines() if line.startswith(("context", "95-99"))] == [
        ["context", "101%", "0"],
        ["95-99%", "7", "146"],
    ]


def test_a_match_with_the_segments_own_codes_is_pretranslated_with_them(tmp_path: Path) -> None:
    # A reviewer's second look: the job's source was made from the plain text, so a 100% match holding the same link
    # and bold had its codes cut off (the target of a plain source takes the match's text only), and qa flagged both.
    (tmp_path / "doc.html").write_text(
        '<html lang="en"><body><p>Click <a href="x.html">here</a> to continue.</p><p>Read <b>this</b> now.</p>'
        "</body></html>",
        encoding="utf-8",
    )
    pairs = [
        ('Click <bpt i="1">&lt;a&gt;</bpt>here<ept i="1">&lt;/a&gt;</ept> to continue.',
         'انقر <bpt i="1">&lt;a&gt;</bpt>هنا<ept i="1">&lt;/a&gt;</ept> للمتابعة.'),
        ('Read <bpt i="1">&lt;b&gt;</bpt>this<ept i="1">&lt;/b&gt;</ept> now.',
         'اقرأ <bpt i="1">&lt;b&gt;</bpt>هذا<ept i="1">&lt;/b&gt;</ept> الآن.'),
    ]  # fmt: skip
    units = "".join(
        f'<tu tuid="{n}"><prop type="x-tmkit-status">translated</prop><tuv xml:lang="en"><seg>{en}</seg></tuv>'
        f'<tuv xml:lang="ar"><seg>{ar}</seg></tuv></tu>'
        for n, (en, ar) in enumerate(pairs, start=1)
    )
    (tmp_path / "coded.tmx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
        f'segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>{units}</body></tmx>',
        encoding="utf-8",
    )
    job = tmp_path / "job.tmx"
    code, _out, err = run_cli(
        "pretranslate", str(tmp_path / "doc.html"), "--tm", str(tmp_path / "coded.tmx"), "--to", "ar", "-o", str(job)
    )
    assert code == 0, err
    units = load_tmx(job).units
    assert [u.prop_value("x-tmkit-match") for u in units] == ["100", "100"]
    assert [len(u.variant("ar").segment.codes()) for u in units] == [2, 2]  # type: ignore[union-attr]
    code, out, _err = run_cli("qa", str(job), "--select", "tag-*")
    assert code == 0, out
