"""The command line as users run it: help, version, stats, convert, exit codes and error lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli, run_cli_process
from tmkit import __version__
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.model import Header, Inline, Memory, Segment, Status, TranslationUnit, Variant, normalize_content

SUBCOMMANDS = ["validate", "stats", "convert", "merge", "merge-driver"]


def test_version() -> None:
    # A process of its own, once: `python -m tmkit` starts and exits as a user sees it.
    result = run_cli_process("--version")
    assert result.code == 0 and result.stdout.strip() == f"tmkit {__version__}"


def _every_command() -> list[str]:
    """Every command and subcommand of the parser, as typed (``term convert``), found by walking its subparsers."""
    import argparse

    from tmkit.cli import build_parser

    found: list[str] = []

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:  # argparse has no public way to list subparsers
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append(f"{prefix}{name}")
                    walk(sub, f"{prefix}{name} ")

    walk(build_parser(), "")
    return found


def test_the_commands_walked_include_the_documented_ones() -> None:
    assert set(SUBCOMMANDS) <= set(_every_command()) and len(_every_command()) > len(SUBCOMMANDS)


@pytest.mark.parametrize("command", _every_command())
def test_every_subcommand_has_help(command: str) -> None:
    result = run_cli(*command.split(), "--help")
    assert result.code == 0
    assert f"usage: tmkit {command}" in result.stdout
    # A description is printed as written: "%%" meant for argparse's help strings showed as "%%" (pretranslate).
    assert "%%" not in result.stdout


def test_no_command_and_bad_option_are_usage_errors() -> None:
    assert run_cli().code == 2
    result = run_cli("stats", "--nope", "x.tmx")
    assert result.code == 2 and "unrecognized arguments" in result.stderr
    # One line, usage block left to --help (it buried the error in CI logs).
    for command in (["stats", "--nope", "x.tmx"], ["convert", "a.tmx"], ["export", "a.tmx", "--min-status", "bogus"]):
        result = run_cli(*command)
        assert result.code == 2 and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"tmkit {command[0]}: error: ") and "--help shows the usage" in result.stderr
    nested = run_cli("term", "remove", "t.tbx", "x", "--bogus")  # blamed on the action, not on the group
    assert nested.code == 2 and nested.stderr.startswith("tmkit term remove: error: unrecognized arguments: --bogus")
    assert "(tmkit term remove --help shows the usage)" in nested.stderr


def test_stats_on_the_sample_memory() -> None:
    result = run_cli("stats", "--json", str(SAMPLES / "news-memory.tmx"))
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    memory = load_tmx(SAMPLES / "news-memory.tmx")
    assert data["units"] == len(memory) >= 300
    assert sum(data["statuses"].values()) == data["units"]
    assert data["languages"]["ar"]["segments"] == data["languages"]["en"]["segments"] == len(memory)
    # Word counts agree with a direct count over the texts.
    assert data["languages"]["en"]["words"] == sum(len(tu.variant("en").text.split()) for tu in memory)  # type: ignore[union-attr]
    text = run_cli("stats", str(SAMPLES / "news-memory.tmx")).stdout
    assert "units:" in text and "ar " in text


def memory_with_markup() -> Memory:
    bold = [Inline("bpt", (("i", "1"),), ("<b>",)), Inline("ept", (("i", "1"),), ("</b>",))]
    units = [
        TranslationUnit(
            [
                Variant("ar", Segment(normalize_content(["قال\tإن ", bold[0], "النمو", bold[1], " بلغ ٣٫٥٪"]))),
                Variant("en", Segment(normalize_content(["He said ", bold[0], "growth", bold[1], " reached 3.5%"]))),
            ],
            tuid="g1",
            status=Status.REVIEWED,
        ),
        TranslationUnit(
            [
                Variant("ar", Segment.from_text('سطر\nثان و"اقتباس" و\\')),
                Variant("en", Segment.from_text("two\nlines")),
            ],
            tuid="g2",
            status=Status.DRAFT,
        ),
        TranslationUnit([Variant("en", Segment.from_text("no Arabic"))], tuid="g3"),
    ]
    return Memory(Header(srclang="ar"), units)


@pytest.mark.parametrize("suffix", ["tsv", "csv"])
def test_tmx_table_tmx_round_trip(tmp_path: Path, suffix: str) -> None:
    write_tmx(tmp_path / "in.tmx", memory_with_markup())
    table = tmp_path / f"out.{suffix}"
    result = run_cli("convert", str(tmp_path / "in.tmx"), "-o", str(table))
    assert result.code == 0, result.stderr
    assert "wrote 2 rows" in result.stderr  # the unit without Arabic has no row
    back = tmp_path / "back.tmx"
    assert run_cli("convert", str(table), "-o", str(back)).code == 0
    units = load_tmx(back).units
    assert [(u.tuid, u.status) for u in units] == [("g1", Status.REVIEWED), ("g2", Status.DRAFT)]
    assert units[0].variant("ar").text == "قال\tإن النمو بلغ ٣٫٥٪"  # type: ignore[union-attr]
    assert units[1].variant("ar").text == 'سطر\nثان و"اقتباس" و\\'  # type: ignore[union-attr]


def test_table_with_placeholders(tmp_path: Path) -> None:
    write_tmx(tmp_path / "in.tmx", memory_with_markup())
    plain = run_cli("convert", str(tmp_path / "in.tmx"), "-o", str(tmp_path / "plain.tsv"))
    # Codes dropped from a table were dropped silently: the rows that lost some are counted, the way to keep them said.
    assert plain.code == 0 and "warning: 1 row written without the inline codes of their segments" in plain.stderr
    result = run_cli("convert", str(tmp_path / "in.tmx"), "-o", str(tmp_path / "out.tsv"), "--placeholders")
    assert result.code == 0 and "without the inline codes" not in result.stderr
    lines = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "tuid\tar\ten\tstatus"
    assert lines[1] == "g1\tقال\\tإن {1}النمو{/1} بلغ ٣٫٥٪\tHe said {1}growth{/1} reached 3.5%\treviewed"


def test_headerless_tsv_and_bad_rows(tmp_path: Path) -> None:
    (tmp_path / "a.tsv").write_text("مرحبا\tHello\nشكرا\tThanks\tfinal\n\n", encoding="utf-8")
    assert run_cli("convert", str(tmp_path / "a.tsv"), "-o", str(tmp_path / "a.tmx")).code == 0
    units = load_tmx(tmp_path / "a.tmx").units
    assert [(u.variant("ar").text, u.status) for u in units] == [("مرحبا", Status.TRANSLATED), ("شكرا", Status.FINAL)]  # type: ignore[union-attr]
    (tmp_path / "b.tsv").write_text("مرحبا\tHello\nonly one column\n", encoding="utf-8")
    result = run_cli("convert", str(tmp_path / "b.tsv"), "-o", str(tmp_path / "b.tmx"))
    assert result.code == 2 and "b.tsv:2:" in result.stderr
    assert not (tmp_path / "b.tmx").exists()  # nothing half-written
    (tmp_path / "c.tsv").write_text("مرحبا\tHello\tdone\n", encoding="utf-8")
    result = run_cli("convert", str(tmp_path / "c.tsv"), "-o", str(tmp_path / "c.tmx"))
    assert result.code == 2 and "c.tsv:1:" in result.stderr and "unknown status" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        (
            "extra.tsv",
            "tuid\tar\ten\tstatus\n1\tمرحبا\tHello\ttranslated\n2\tشكرا\tThanks\ttranslated\tmore words\n",
            "extra.tsv:3: 5 columns where its header names 4",
        ),
        (
            "four.tsv",
            "مرحبا\tHello\ttranslated\tmore words\n",
            "four.tsv:1: 4 columns where a table without a header row has 3: source, target and an optional status",
        ),
        (
            "quotes.csv",
            'tuid,ar,en,status\n1,مرحبا,Hello,translated\n2,"شكرا "yes" ok,Thanks,translated\n',
            "quotes.csv:3: malformed CSV",
        ),
        (
            "unclosed.csv",
            'tuid,ar,en,status\n1,مرحبا,Hello,translated\n2,"شكرا,Thanks,translated\n3,نعم,Yes,translated\n',
            "(a quoted cell from line 3 is never closed)",
        ),
        (
            "french.tsv",
            "tuid\tfr\tde\tstatus\n1\tbonjour\thallo\ttranslated\n",
            "french.tsv:1: the header names tuid, fr, de, status: no column for ar (source) or en (target)",
        ),
    ],
    ids=["extra column", "extra column, no header", "stray quote", "unclosed quote", "other languages"],
)
def test_a_table_that_does_not_read_cleanly_is_refused_at_its_line(
    tmp_path: Path, name: str, content: str, said: str
) -> None:
    """Found trying tables as a new user: these were read (a cell dropped, quotes joined into the text, a header taken
    for data) or refused at the wrong line."""
    (tmp_path / name).write_text(content, encoding="utf-8")
    result = run_cli("convert", str(tmp_path / name), "-o", str(tmp_path / "out.tmx"))
    assert result.code == 2 and said in result.stderr, result.stderr
    assert not (tmp_path / "out.tmx").exists()


def test_empty_trailing_cells_are_not_extra_columns(tmp_path: Path) -> None:
    # Spreadsheets write them: a row of three cells and two empty ones, a header of four and two empty names.
    (tmp_path / "a.tsv").write_text("مرحبا\tHello\ttranslated\t\t\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("tuid,ar,en,status,,\n1,شكرا,Thanks,final,,\n", encoding="utf-8")
    for name in ("a.tsv", "b.csv"):
        result = run_cli("convert", str(tmp_path / name), "-o", str(tmp_path / f"{name}.tmx"))
        assert result.code == 0, result.stderr
    assert [u.status for u in load_tmx(tmp_path / "a.tsv.tmx").units] == [Status.TRANSLATED]
    assert [(u.tuid, u.status) for u in load_tmx(tmp_path / "b.csv.tmx").units] == [("1", Status.FINAL)]


def test_line_aligned_text_to_tmx(tmp_path: Path) -> None:
    result = run_cli(
        "convert", str(SAMPLES / "article.ar.txt"), str(SAMPLES / "article.en.txt"), "-o", str(tmp_path / "p.tmx")
    )
    assert result.code == 0, result.stderr
    memory = load_tmx(tmp_path / "p.tmx")
    paragraphs = [p for p in (SAMPLES / "article.ar.txt").read_text(encoding="utf-8").split("\n") if p.strip()]
    assert [u.variant("ar").text for u in memory] == paragraphs  # type: ignore[union-attr]
    (tmp_path / "short.en").write_text("one line\n", encoding="utf-8")
    result = run_cli(
        "convert", str(SAMPLES / "article.ar.txt"), str(tmp_path / "short.en"), "-o", str(tmp_path / "x.tmx")
    )
    assert result.code == 2 and "not line-aligned" in result.stderr


@pytest.mark.parametrize(
    ("order", "flags", "pair", "warning"),
    [
        (("en", "ar"), [], ("en", "ar"), ""),  # no longer labelled ar -> en whatever the files held
        (("ar", "en"), [], ("ar", "en"), ""),
        (("en", "ar"), ["--src", "en"], ("en", "ar"), ""),
        (("ar", "en"), ["--tgt", "en-GB"], ("ar", "en-GB"), ""),
        (
            ("en", "ar"),
            ["--src", "ar", "--tgt", "en"],
            ("ar", "en"),
            "its text is in Latin script, but it is labelled ar",
        ),
    ],
)
def test_line_aligned_text_is_labelled_by_its_script(
    tmp_path: Path, order: tuple[str, str], flags: list[str], pair: tuple[str, str], warning: str
) -> None:
    """Each file's language is what its letters say unless given; a label its letters contradict is kept, with a
    warning naming the file."""
    inputs = [str(SAMPLES / f"article.{lang}.txt") for lang in order]
    result = run_cli("convert", *inputs, *flags, "-o", str(tmp_path / "p.tmx"))
    assert result.code == 0, result.stderr
    memory = load_tmx(tmp_path / "p.tmx")
    assert [v.lang for v in memory.units[0].variants] == list(pair)
    assert f"({pair[0]} → {pair[1]})" in result.stderr
    assert (warning in result.stderr) if warning else "warning" not in result.stderr


def test_labels_that_follow_from_a_given_one_or_a_file_without_letters_are_checked(tmp_path: Path) -> None:
    """A first file of digits only took ar and made the Arabic second file en; `--src ar` on English text made the
    Arabic file en without a word about it."""
    (tmp_path / "nums.txt").write_text("123\n456\n", encoding="utf-8")
    (tmp_path / "arabic.txt").write_text("مرحبا\nشكرا\n", encoding="utf-8")
    result = run_cli("convert", tmp_path / "nums.txt", tmp_path / "arabic.txt", "-o", tmp_path / "o.tmx")
    assert result.code == 0, result.stderr
    assert [v.lang for v in load_tmx(tmp_path / "o.tmx").units[0].variants] == ["en", "ar"]
    given = run_cli(
        "convert", SAMPLES / "article.en.txt", SAMPLES / "article.ar.txt", "--src", "ar", "-o", tmp_path / "p.tmx"
    )
    assert given.code == 0, given.stderr
    assert "article.en.txt: its text is in Latin script, but it is labelled ar" in given.stderr
    assert "article.ar.txt: its text is in Arabic script, but it is labelled en" in given.stderr


def test_a_language_and_a_region_of_it_are_not_a_pair(tmp_path: Path) -> None:
    result = run_cli(
        "convert", SAMPLES / "article.ar.txt", SAMPLES / "article.en.txt", "--tgt", "ar-SA", "-o", tmp_path / "p.tmx"
    )
    assert result.code == 2 and "--src ar and --tgt ar-SA are the same language" in result.stderr
    assert not (tmp_path / "p.tmx").exists()
    regions = run_cli(
        "convert", _regional_memory(tmp_path / "r.tmx"), "-o", tmp_path / "r.tsv", "--src", "en-US", "--tgt", "en-GB"
    )
    assert regions.code == 0, regions.stderr  # two regions of one language are a pair


def test_an_empty_input_converts_with_a_warning(tmp_path: Path) -> None:
    # An empty export upstream became an empty memory with exit 0 and nothing in the log but "wrote 0 units".
    for name, content in (("e.tsv", "source\ttarget\n"), ("z.csv", "")):
        (tmp_path / name).write_text(content, encoding="utf-8")
        result = run_cli("convert", tmp_path / name, "-o", tmp_path / f"{name}.tmx", "--src", "ar", "--tgt", "en")
        assert result.code == 0 and (tmp_path / f"{name}.tmx").is_file()
        assert (
            f"tmkit: warning: {tmp_path / name}: no unit converted, {tmp_path / name}.tmx holds none" in result.stderr
        )


def test_a_memory_of_two_regions_converts_to_its_other_region_by_default(tmp_path: Path) -> None:
    # An en-US memory of en-GB translations defaulted to Arabic: every translation dropped, exit 0, no word said.
    units = [
        TranslationUnit([Variant("en-US", Segment.from_text(us)), Variant("en-GB", Segment.from_text(gb))])
        for us, gb in (("color", "colour"), ("center", "centre"))
    ]
    write_tmx(tmp_path / "usgb.tmx", header=Header(srclang="en-US"), units=units)
    table = run_cli("convert", tmp_path / "usgb.tmx", "-o", tmp_path / "usgb.tsv")
    assert table.code == 0, table.stderr
    assert (tmp_path / "usgb.tsv").read_text(encoding="utf-8").splitlines() == [
        "tuid\ten-US\ten-GB\tstatus",
        "\tcolor\tcolour\ttranslated",
        "\tcenter\tcentre\ttranslated",
    ]
    xliff = run_cli("convert", tmp_path / "usgb.tmx", "-o", tmp_path / "usgb.xlf")
    assert xliff.code == 0 and "(en-US → en-GB)" in xliff.stderr
    back = run_cli("convert", tmp_path / "usgb.xlf", "-o", tmp_path / "back.tmx")
    assert back.code == 0, back.stderr
    assert [u.variant("en-GB").segment.plain for u in load_tmx(tmp_path / "back.tmx")] == ["colour", "centre"]  # type: ignore[union-attr]


def test_two_text_files_in_one_script_need_their_languages_named(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_bytes((SAMPLES / "article.en.txt").read_bytes())
    result = run_cli("convert", str(SAMPLES / "article.en.txt"), str(tmp_path / "b.txt"), "-o", str(tmp_path / "p.tmx"))
    assert result.code == 2
    assert result.stderr.count("\n") == 1 and "both in Latin script: name their languages with --src and --tgt" in (
        result.stderr
    )
    assert not (tmp_path / "p.tmx").exists()
    named = run_cli(
        "convert",
        str(SAMPLES / "article.en.txt"),
        str(tmp_path / "b.txt"),
        "--src",
        "en",
        "--tgt",
        "fr",
        "-o",
        str(tmp_path / "p.tmx"),
    )
    assert named.code == 0, named.stderr
    assert [v.lang for v in load_tmx(tmp_path / "p.tmx").units[0].variants] == ["en", "fr"]


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        (["convert", str(SAMPLES / "article.ar.txt"), str(SAMPLES / "article.en.txt"), "-o", "p.tmx"], "--src"),
        (["align", str(SAMPLES / "article.ar.txt"), str(SAMPLES / "article.en.txt"), "-o", "p.tmx"], "--tgt"),
        (["term", "add", "t.tbx", "اللجنة", "committee"], "--src"),
        (["segment", str(SAMPLES / "article.ar.txt")], "--lang"),
    ],
)
def test_a_language_option_that_is_not_a_tag_is_refused(tmp_path: Path, command: list[str], flag: str) -> None:
    # convert and align wrote xml:lang="e n" into a TMX that tmkit validate then rejected, exit 0.
    result = run_cli(*command, flag, "e n", cwd=tmp_path)
    assert result.code == 2, result.stderr
    assert result.stderr.strip() == f"tmkit: error: {flag} must be a language tag such as ar or en-GB, not 'e n'"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        ["segment", "doc.txt", "-o", "doc.txt"],
        ["pretranslate", "doc.txt", "--tm", "m.tmx", "-o", "m.tmx"],
        ["align", "doc.txt", "en.txt", "--tm", "m.tmx", "-o", "m.tmx"],
        ["export", "m.tmx", "-o", "./m.tmx"],
        ["score", "--ref", "en.txt", "--hyp", "doc.txt", "--report", "json:doc.txt"],
        ["score", "--ref", "en.txt", "--hyp", "doc.txt", "--report", "markdown:./en.txt"],
        ["qa", "doc.txt", "en.txt", "--report", "junit:en.txt"],
        ["qa", "m.tmx", "--report", "github:m.tmx"],
        ["term", "convert", "t.tbx", "-o", "t.tbx"],
        ["term", "export", "t.tbx", "-o", "./t.tbx", "--src", "ar", "--tgt", "en"],
        ["term", "extract", "m.tmx", "-o", "m.tmx"],
    ],
)
def test_an_output_that_is_an_input_is_refused(tmp_path: Path, command: list[str]) -> None:
    # Each replaced its input: segment wrote the sentences over the document, pretranslate the job over
    # the memory it matched against, export the memory less its drafts over itself; score and qa their report
    # over the references or the system output (a test set lost in CI), term export a termbase less its other
    # languages over itself.
    (tmp_path / "doc.txt").write_bytes((SAMPLES / "article.ar.txt").read_bytes())
    (tmp_path / "t.tbx").write_bytes((SAMPLES / "terms.tbx").read_bytes())
    (tmp_path / "en.txt").write_bytes((SAMPLES / "article.en.txt").read_bytes())
    (tmp_path / "m.tmx").write_bytes((SAMPLES / "earlier-visits.tmx").read_bytes())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = run_cli(*command, cwd=tmp_path)
    assert result.code == 2, result.stderr
    assert "the output would overwrite the input" in result.stderr and result.stderr.count("\n") == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_convert_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    write_tmx(tmp_path / "m.tmx", memory_with_markup())
    result = run_cli("convert", str(tmp_path / "m.tmx"), "-o", str(tmp_path / "m.tmx"))
    assert result.code == 2 and "overwrite" in result.stderr


@pytest.mark.parametrize(
    ("inputs", "link"),
    [(["m.tmx"], "m.tsv"), (["doc.txt", "en.txt"], "out.tmx")],
)
def test_convert_refuses_an_output_that_is_a_link_to_its_input(tmp_path: Path, inputs: list[str], link: str) -> None:
    # It compared the names, not the files they lead to: `-o m.tsv`, a link to m.tmx, wrote the table over the
    # memory (and a TMX over the Arabic document), the input lost.
    (tmp_path / "m.tmx").write_bytes((SAMPLES / "earlier-visits.tmx").read_bytes())
    (tmp_path / "doc.txt").write_bytes((SAMPLES / "article.ar.txt").read_bytes())
    (tmp_path / "en.txt").write_bytes((SAMPLES / "article.en.txt").read_bytes())
    (tmp_path / link).symlink_to(inputs[0])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = run_cli("convert", *inputs, "-o", link, cwd=tmp_path)
    assert result.code == 2
    assert (
        result.stderr == f"tmkit: error: {link}: the output would overwrite the input {inputs[0]}: name another file\n"
    )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_not_utf8_table(tmp_path: Path) -> None:
    (tmp_path / "w.tsv").write_bytes("مرحبا\tHello\n".encode("cp1256"))
    result = run_cli("convert", str(tmp_path / "w.tsv"), "-o", str(tmp_path / "w.tmx"))
    assert result.code == 2 and "UTF-8" in result.stderr and "Traceback" not in result.stderr


# -- options after positional arguments (issue 10) ----------------------------------------------

#: For each subcommand: arguments with an option after a positional, the option's attribute and value
#: once parsed, and the positional attribute with what it must hold.
OPTION_AFTER_POSITIONAL: dict[str, tuple[list[str], str, object, str, object]] = {
    "validate": (["a.tmx", "b.tmx", "--strict"], "strict", True, "files", ["a.tmx", "b.tmx"]),
    "stats": (["a.tmx", "--json"], "json", True, "file", "a.tmx"),
    "convert": (["a.tmx", "--src", "en", "-o", "b.tsv"], "src", "en", "inputs", ["a.tmx"]),
    "merge": (["a.tmx", "b.tmx", "--policy", "first", "-o", "m.tmx"], "policy", "first", "files", ["a.tmx", "b.tmx"]),
    "match": (["m.tmx", "--src", "en", "--tgt", "ar", "a segment"], "tgt", "ar", "args", ["m.tmx", "a segment"]),
    "concord": (["m.tmx", "--limit", "3", "phrase"], "limit", 3, "args", ["m.tmx", "phrase"]),
    "score": (["h.tmx", "--src", "ar"], "src", "ar", "input", "h.tmx"),
    "qa": (["a.tmx", "--fail-on", "warning", "b.tmx"], "fail_on", "warning", "inputs", ["a.tmx", "b.tmx"]),
    "edit": (["doc.txt", "--tm", "m.tmx"], "tm", ["m.tmx"], "file", "doc.txt"),
    "finish": (["doc.docx", "-o", "out.docx"], "output", "out.docx", "document", "doc.docx"),
    "init": (["proj", "--src", "en", "--tgt", "ar"], "src", "en", "project", "proj"),
    "segment": (["doc.txt", "--lang", "en"], "lang", "en", "file", "doc.txt"),
    "align": (["a.txt", "--src", "en", "b.txt", "-o", "o.tmx"], "src", "en", "target", "b.txt"),
    "export": (["a.tmx", "--src", "ar", "b.tmx", "-o", "o.tmx"], "src", "ar", "memories", ["a.tmx", "b.tmx"]),
    "analyze": (["doc.txt", "--tm", "m.tmx"], "tm", ["m.tmx"], "document", "doc.txt"),
    "pretranslate": (["doc.txt", "--tm", "m.tmx", "-o", "o.tmx"], "tm", ["m.tmx"], "document", "doc.txt"),
}


def _subcommands_with_options() -> set[str]:
    import argparse

    from tmkit.cli import build_parser

    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return {
        name
        for name, parser in commands.choices.items()
        if any(action.option_strings and not isinstance(action, argparse._HelpAction) for action in parser._actions)
    }


def test_every_subcommand_with_options_is_checked_for_options_after_positionals() -> None:
    assert set(OPTION_AFTER_POSITIONAL) == _subcommands_with_options()


@pytest.mark.parametrize("command", sorted(OPTION_AFTER_POSITIONAL))
def test_options_are_accepted_after_positional_arguments(command: str) -> None:
    from tmkit.cli import build_parser

    argv, option, value, positional, positionals = OPTION_AFTER_POSITIONAL[command]
    args = build_parser().parse_args([command, *argv])
    assert getattr(args, option) == value
    assert getattr(args, positional) == positionals


ENGLISH_QUERY = "Al-Khalil and Borisov discuss preparations for the meetings of the 12th session"


def test_match_with_the_direction_after_the_memory(tmp_path: Path) -> None:
    # Issue 10: this exact order failed with "unrecognized arguments".
    result = run_cli(
        "match", SAMPLES / "earlier-visits.tmx", "--src", "en", "--tgt", "ar", ENGLISH_QUERY, "--json", "--no-cache"
    )
    assert result.code == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["source_lang"], found["target_lang"]) == ("en", "ar")
    assert found["results"][0]["matches"], "the English sentence of the memory is found"


def test_match_guesses_an_english_segment_is_english() -> None:
    # The memory's source is Arabic; an English query looked up as Arabic found nothing and said only "no match".
    result = run_cli("match", SAMPLES / "earlier-visits.tmx", ENGLISH_QUERY, "--json", "--no-cache")
    assert result.code == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["source_lang"], found["target_lang"]) == ("en", "ar")
    assert found["results"][0]["matches"][0]["target"].startswith("الخليل وبوريسوف")


def test_match_says_why_a_segment_in_the_other_script_found_nothing() -> None:
    result = run_cli("match", SAMPLES / "earlier-visits.tmx", "--src", "ar", ENGLISH_QUERY, "--no-cache")
    assert result.code == 0, result.stderr
    assert "no match" in result.stdout
    assert "written in Latin script but --src is ar" in result.stderr


# -- convert: the target is the TMX's other language; what a conversion drops is said (issue 10) --


def _english_source_memory(path: Path) -> Path:
    units = [
        TranslationUnit([Variant("en", Segment.from_text("Hello")), Variant("ar", Segment.from_text("مرحبا"))]),
        TranslationUnit(
            [
                Variant("en", Segment.from_text("Good")),
                Variant("ar", Segment.from_text("جيد")),
                Variant("fr", Segment.from_text("bon")),
            ]
        ),
    ]
    write_tmx(path, header=Header(srclang="en"), units=units)
    return path


@pytest.mark.parametrize("suffix", [".tsv", ".xlf"])
def test_convert_an_english_source_tmx_to_its_arabic(tmp_path: Path, suffix: str) -> None:
    source = _english_source_memory(tmp_path / "en.tmx")
    out = tmp_path / f"out{suffix}"
    result = run_cli("convert", source, "-o", out)
    assert result.code == 0, result.stderr
    written = out.read_text(encoding="utf-8")
    assert "مرحبا" in written and "جيد" in written  # it wrote en → en, the Arabic dropped
    assert "(en → ar)" in result.stderr
    assert "fr (1) are not" in result.stderr  # the French variant is dropped, and said to be


def test_convert_refuses_a_pair_of_one_language(tmp_path: Path) -> None:
    source = _english_source_memory(tmp_path / "en.tmx")
    result = run_cli("convert", source, "-o", tmp_path / "out.tsv", "--tgt", "EN")
    assert result.code == 2 and "same language" in result.stderr
    assert not (tmp_path / "out.tsv").exists()


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".xlf"])
def test_convert_refuses_a_language_that_is_no_tag_where_the_output_names_it(tmp_path: Path, suffix: str) -> None:
    """A variant's `xml:lang="e n"` became an XLIFF's target-language (exit 0), a file the schema and CAT tools
    refuse; a TMX output keeps it as the input had it, and --tgt chooses another pair."""
    source = tmp_path / "odd.tmx"
    units = [TranslationUnit([Variant("ar", Segment.from_text("مرحبا")), Variant("e n", Segment.from_text("Hello"))])]
    write_tmx(source, header=Header(srclang="ar"), units=units)
    out = tmp_path / f"out{suffix}"
    result = run_cli("convert", source, "-o", out)
    assert result.code == 2 and not out.exists()
    assert result.stderr == f"tmkit: error: {source}: 'e n' is not a language tag: name the language with --tgt\n"
    assert run_cli("convert", source, "-o", tmp_path / "same.tmx").code == 0
    assert [v.lang for v in load_tmx(tmp_path / "same.tmx").units[0].variants] == ["ar", "e n"]
    assert run_cli("convert", source, "-o", out, "--tgt", "en").code == 0 and out.exists()


def _regional_memory(path: Path) -> Path:
    units = [
        TranslationUnit([Variant("en-US", Segment.from_text("color")), Variant("ar", Segment.from_text("لون"))]),
        TranslationUnit(
            [
                Variant("ar", Segment.from_text("سيارة")),
                Variant("en", Segment.from_text("car")),
                Variant("en", Segment.from_text("automobile")),
            ]
        ),
    ]
    write_tmx(path, header=Header(srclang="en-US"), units=units)
    return path


def test_convert_to_xliff_never_offers_a_variant_as_its_own_translation(tmp_path: Path) -> None:
    from tmkit.formats.xliff import read_xliff

    source = _regional_memory(tmp_path / "r.tmx")
    result = run_cli("convert", source, "-o", tmp_path / "r.xlf", "--src", "en-US", "--tgt", "en-GB")
    assert result.code == 0, result.stderr
    memory, _, _ = read_xliff(tmp_path / "r.xlf")
    # Neither unit has en-GB: before, the first was marked translated with its own en-US text.
    assert [unit.status for unit in memory] == [Status.NEW, Status.NEW]
    assert "1 units without a en-US variant are written with an empty source" in result.stderr
    result = run_cli("convert", source, "-o", tmp_path / "r.tsv", "--src", "en-US", "--tgt", "en-GB")
    assert result.code == 0, result.stderr
    assert (tmp_path / "r.tsv").read_text(encoding="utf-8").splitlines()[1:] == ["\tcolor\t\ttranslated"]
    assert "1 units without a en-US variant are not written" in result.stderr


def test_convert_keeps_or_names_a_second_translation(tmp_path: Path) -> None:
    source = _regional_memory(tmp_path / "r.tmx")
    result = run_cli("convert", source, "-o", tmp_path / "r.tsv", "--src", "ar", "--tgt", "en")
    assert result.code == 0, result.stderr
    rows = (tmp_path / "r.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert [row.split("\t")[1:3] for row in rows] == [["لون", "color"], ["سيارة", "car"], ["سيارة", "automobile"]]
    result = run_cli("convert", source, "-o", tmp_path / "r.xlf", "--src", "ar", "--tgt", "en")
    assert result.code == 0, result.stderr
    assert "1 units have more than one en translation: only the first" in result.stderr


@pytest.mark.parametrize("table", ["r.tsv", "r.csv"])
def test_a_regional_memory_keeps_its_regions_through_a_table(tmp_path: Path, table: str) -> None:
    """ar-SA / en-GB went to a table headed ar-SA, en-gb and came back as ar / en: the header's tags are the
    languages of its columns (written in BCP 47's case), so the round trip keeps them."""
    memory = tmp_path / "sa.tmx"
    units = [
        TranslationUnit([Variant("ar-SA", Segment.from_text("مرحبا")), Variant("en-GB", Segment.from_text("Hello"))]),
        TranslationUnit([Variant("ar-SA", Segment.from_text("لون")), Variant("en-GB", Segment.from_text("colour"))]),
    ]
    write_tmx(memory, header=Header(srclang="ar-SA"), units=units)
    there = run_cli("convert", memory, "-o", tmp_path / table)
    assert there.code == 0, there.stderr
    assert "(ar-SA → en-GB)" in there.stderr
    back = run_cli("convert", tmp_path / table, "-o", tmp_path / "back.tmx")
    assert back.code == 0, back.stderr
    returned = load_tmx(tmp_path / "back.tmx")
    assert returned.header.srclang == "ar-SA"
    assert [[(v.lang, v.text) for v in unit.variants] for unit in returned.units] == [
        [(v.lang, v.text) for v in unit.variants] for unit in units
    ]


@pytest.mark.parametrize("table", ["two.tsv", "two.csv"])
def test_a_unit_with_two_translations_comes_back_as_one_from_a_table(tmp_path: Path, table: str) -> None:
    """Its two rows (same tuid and source) came back as two units with one tuid; rows of other units that happen to
    share a source, and a unit without a tuid, stay apart."""
    units = [
        TranslationUnit(
            [
                Variant("ar", Segment.from_text("سيارة")),
                Variant("en", Segment.from_text("car")),
                Variant("en", Segment.from_text("automobile")),
            ],
            tuid="c1",
        ),
        TranslationUnit(
            [Variant("ar", Segment.from_text("سيارة")), Variant("en", Segment.from_text("a car"))], tuid="c2"
        ),
        TranslationUnit([Variant("ar", Segment.from_text("لون")), Variant("en", Segment.from_text("colour"))]),
        TranslationUnit([Variant("ar", Segment.from_text("لون")), Variant("en", Segment.from_text("color"))]),
    ]
    write_tmx(tmp_path / "two.tmx", header=Header(srclang="ar"), units=units)
    assert run_cli("convert", tmp_path / "two.tmx", "-o", tmp_path / table).code == 0
    back = run_cli("convert", tmp_path / table, "-o", tmp_path / "back.tmx")
    assert back.code == 0, back.stderr
    returned = load_tmx(tmp_path / "back.tmx").units
    assert [(u.tuid, [v.text for v in u.variants]) for u in returned] == [
        ("c1", ["سيارة", "car", "automobile"]),
        ("c2", ["سيارة", "a car"]),
        (None, ["لون", "colour"]),
        (None, ["لون", "color"]),
    ]


def test_a_table_to_xliff_says_a_units_second_translation_is_left_out(tmp_path: Path) -> None:
    """A unit's two rows read as one unit; XLIFF holds one translation a unit: the second went without a word."""
    (tmp_path / "two.csv").write_text(
        "tuid,ar,en,status\n1,نعم,Yes,translated\n1,نعم,Yeah,translated\n", encoding="utf-8"
    )
    result = run_cli("convert", tmp_path / "two.csv", "-o", tmp_path / "two.xlf")
    assert result.code == 0, result.stderr
    assert "1 units have more than one en translation: only the first" in result.stderr


@pytest.mark.parametrize("version", ["1.2", "2.0", "2.1"])
def test_a_tmx_through_xliff_and_back_invents_no_tuid(tmp_path: Path, version: str) -> None:
    """XLIFF needs an id on every unit: a unit without a tuid came back from the round trip with its made-up id as
    a tuid (`1`), so merging it back into its memory found another unit."""
    units = [
        TranslationUnit([Variant("ar", Segment.from_text("مرحبا")), Variant("en", Segment.from_text("Hello"))]),
        TranslationUnit(
            [Variant("ar", Segment.from_text("شكرا")), Variant("en", Segment.from_text("Thanks"))], tuid="t2"
        ),
    ]
    write_tmx(tmp_path / "m.tmx", header=Header(srclang="ar"), units=units)
    assert run_cli("convert", tmp_path / "m.tmx", "-o", tmp_path / "m.xlf", "--xliff-version", version).code == 0
    back = run_cli("convert", tmp_path / "m.xlf", "-o", tmp_path / "back.tmx")
    assert back.code == 0, back.stderr
    assert [u.tuid for u in load_tmx(tmp_path / "back.tmx").units] == [None, "t2"]


def test_a_first_row_with_one_column_name_is_data_and_a_regional_header_is_read(tmp_path: Path) -> None:
    # An interface-string table may begin with the word Status: one name is not a header (it was refused as one).
    (tmp_path / "ui.csv").write_text("Status,الحالة\nCancel,إلغاء\n", encoding="utf-8")
    result = run_cli("convert", str(tmp_path / "ui.csv"), "-o", str(tmp_path / "ui.tmx"), "--src", "en", "--tgt", "ar")
    assert result.code == 0, result.stderr
    assert [u.variant("en").text for u in load_tmx(tmp_path / "ui.tmx").units] == ["Status", "Cancel"]  # type: ignore[union-attr]
    # A header naming a region of the language asked for (as tmkit writes a regional memory's table) is its column.
    (tmp_path / "sa.tsv").write_text("tuid\tar-SA\ten\tstatus\nx1\tمرحبا\tHello\tfinal\n", encoding="utf-8")
    result = run_cli("convert", str(tmp_path / "sa.tsv"), "-o", str(tmp_path / "sa.tmx"), "--src", "ar")
    assert result.code == 0, result.stderr
    [unit] = load_tmx(tmp_path / "sa.tmx").units  # labelled as the header says: the region kept
    assert (unit.tuid, unit.variant("ar-SA").text, unit.status) == ("x1", "مرحبا", Status.FINAL)  # type: ignore[union-attr]


def test_a_table_is_labelled_by_its_header_else_by_its_columns_scripts(tmp_path: Path) -> None:
    """A translator's trial: an English→Arabic table without a header (or with `source, target`) was converted as
    Arabic→English, the English labelled ar and the Arabic en, and validate and match took it without a word."""
    rows = "Hello world.\tمرحبا بالعالم.\nThank you.\tشكرا لك.\n"
    for name, content in (
        ("plain.tsv", rows),
        ("named.tsv", "source\ttarget\n" + rows),
        ("coded.tsv", "en\tar\n" + rows),
    ):
        (tmp_path / name).write_text(content, encoding="utf-8")
        result = run_cli("convert", str(tmp_path / name), "-o", str(tmp_path / "out.tmx"))
        assert result.code == 0 and "warning" not in result.stderr, (name, result.stderr)
        memory = load_tmx(tmp_path / "out.tmx")
        assert memory.header.srclang == "en", name
        first = memory.units[0]
        assert (first.variant("en").text, first.variant("ar").text) == ("Hello world.", "مرحبا بالعالم."), name  # type: ignore[union-attr]
    # Blank lines before the header: the header is still no sample of the columns' letters (`target` outweighed
    # a short Arabic cell, and the table was refused as Latin on both sides).
    (tmp_path / "blank.tsv").write_text("\n\nsource\ttarget\nHello.\tمرحبا.\n", encoding="utf-8")
    result = run_cli("convert", str(tmp_path / "blank.tsv"), "-o", str(tmp_path / "blank.tmx"))
    assert result.code == 0, result.stderr
    assert load_tmx(tmp_path / "blank.tmx").header.srclang == "en"
    # Labels the letters contradict are kept (they were asked for) and named; one script on both sides is refused.
    result = run_cli("convert", str(tmp_path / "plain.tsv"), "-o", str(tmp_path / "labelled.tmx"), "--src", "ar")
    assert result.code == 0
    assert "plain.tsv (its source column): its text is in Latin script, but it is labelled ar" in result.stderr
    (tmp_path / "latin.tsv").write_text("Hello.\tBonjour.\n", encoding="utf-8")
    result = run_cli("convert", str(tmp_path / "latin.tsv"), "-o", str(tmp_path / "latin.tmx"))
    assert result.code == 2 and "its source and target columns are both in Latin script" in result.stderr
    assert not (tmp_path / "latin.tmx").exists()
