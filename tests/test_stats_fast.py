"""`tmkit stats`'s counting pass (`TmxCounter`) gives exactly what reading every unit into the model gives."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers import SAMPLES, run_cli
from tmkit.errors import TmkitError
from tmkit.formats import tmx_counts
from tmkit.formats.tmx_counts import TmxCounter
from tmkit.formats.tmx_reader import TmxReader
from tmkit.memory.stats import memory_stats
from tmkit.text.wordcount import count_chars, count_words, count_words_and_chars


def _by_reader(path: Path, *, skip_invalid: bool) -> tuple[Any, ...]:
    """What `tmkit stats` said before the counting pass: every unit read into the model and counted."""
    reader = TmxReader(path, skip_invalid=skip_invalid)
    try:
        stats = memory_stats(reader)
    except TmkitError as exc:
        return ("error", str(exc))
    return _outcome(stats.as_dict(), reader)


def _by_counter(path: Path, *, skip_invalid: bool) -> tuple[Any, ...]:
    counter = TmxCounter(path, skip_invalid=skip_invalid)
    try:
        stats = counter.count()
    except TmkitError as exc:
        return ("error", str(exc))
    return _outcome(stats.as_dict(), counter)


def _outcome(stats: dict[str, object], reader: TmxReader) -> tuple[Any, ...]:
    header = reader.header
    return (
        json.dumps(stats, sort_keys=True),
        reader.issues,
        sorted(reader.issue_counts.items()),
        reader.skipped,
        reader.units_read,
        header.srclang if header else None,
    )


# -- random TMX: ordinary units and every oddity the reader notes, skips or refuses -----------------

_TEXT_PIECES = st.sampled_from(
    ["مَرْحَبًا", "بالفندق", "hotel", "9", "٣", " ", "  ", "\t", "\n", "\u00a0", "-", "؟", "«", ".", "_", "&amp;", "&lt;"]
)
_TEXTS = st.lists(_TEXT_PIECES, max_size=8).map("".join)
_SEGMENTS = st.one_of(
    _TEXTS.map(lambda text: f"<seg>{text}</seg>"),
    _TEXTS.map(lambda text: f'<seg>{text}<bpt i="1">&lt;b&gt;</bpt>x<ept i="1">&lt;/b&gt;</ept></seg>'),
    st.just('<seg><ph x="1"/></seg>'),
    st.just("<seg/>"),
)
_DATES = st.sampled_from(["20260101T120000Z", "2026-01-01T12:00:00Z", "yesterday", "20261399T000000Z"])
_LANGS = st.sampled_from(['xml:lang="ar"', 'xml:lang="en"', 'xml:lang="EN_us"', 'xml:lang="en-GB"', 'lang="en"', ""])


@st.composite
def _variant(draw: st.DrawFn) -> str:
    attrs = draw(_LANGS)
    if draw(st.booleans()):
        attrs += f' changedate="{draw(_DATES)}"'
    children = draw(st.lists(_SEGMENTS, min_size=0, max_size=2)) if draw(st.integers(0, 9)) == 0 else [draw(_SEGMENTS)]
    extras = draw(
        st.lists(
            st.sampled_from(
                ['<prop type="x-a">v</prop>', "<prop>no type</prop>", "<note>n</note>", "<note>a<b/></note>", "<odd/>"]
            ),
            max_size=1,
        )
    )
    return f"<tuv {attrs}>{''.join(extras + children)}</tuv>\n"  # a line each, so lines in notes tell them apart


@st.composite
def _unit(draw: st.DrawFn) -> str:
    attrs = ""
    if draw(st.booleans()):
        attrs += f' tuid="{draw(st.sampled_from(["1", "2", "x"]))}"'
    if draw(st.integers(0, 3)) == 0:
        attrs += f' srclang="{draw(st.sampled_from(["ar", "en", "en-US", "*all*", ""]))}"'
    if draw(st.booleans()):
        attrs += f' creationdate="{draw(_DATES)}"'
    children = [draw(_variant()) for _ in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        status = draw(st.sampled_from(["translated", " Reviewed ", "draft", "checked", ""]))
        children.insert(0, f'<prop type="x-tmkit-status">{status}</prop>')
    if draw(st.integers(0, 3)) == 0:
        children.insert(0, f'<prop type="x-tmkit-rejected">{draw(st.sampled_from(["true", "no", " 1"]))}</prop>')
    extras = [
        '<prop type="x-tmkit-status" xml:lang="en">final</prop>',
        '<prop type="t">a<b/>c</prop>',
        "<note>n</note>",
        "<note>a<b>c</b></note>",
        "<prop>no type</prop>",
        "<odd/>",
    ]
    children += draw(st.lists(st.sampled_from(extras), max_size=1))
    return f"<tu{attrs}>{''.join(draw(st.permutations(children)))}</tu>"


_HEADERS = st.sampled_from(
    [
        '<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" '
        'srclang="ar" datatype="plaintext"/>',
        '<header creationtool="t" srclang="*all*"/>',
        '<header creationtool="t" srclang="en-US" changedate="soon"><prop type="p">v</prop></header>',
        "",
    ]
)


@st.composite
def _document(draw: st.DrawFn) -> str:
    namespace = draw(st.sampled_from(["", ' xmlns="http://www.lisa.org/tmx14"']))
    version = draw(st.sampled_from([' version="1.4"', ' version="9"', ""]))
    units = "\n".join(draw(st.lists(_unit(), max_size=6)))
    document = f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx{version}{namespace}>\n{draw(_HEADERS)}\n<body>\n{units}\n</body>\n</tmx>\n'
    if draw(st.integers(0, 9)) == 0:  # malformed XML somewhere
        cut = draw(st.integers(0, len(document)))
        document = document[:cut] + draw(st.sampled_from(["<", "&nope;", "</tu>", "\x01"])) + document[cut:]
    return document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_document(), skip_invalid=st.booleans(), batch=st.sampled_from([1, 2, 1024]))
@example(  # segments empty, of white space alone and of text, in one batch and in several
    document='<tmx version="1.4"><header creationtool="t" srclang="ar"/><body>\n'
    + "".join(
        f'<tu><tuv xml:lang="ar"><seg>{ar}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg></tuv></tu>\n'
        for ar, en in [(" ", "a b"), ("", "\t\n"), ("نص", " "), ("\u00a0", ""), ("نص آخر", "more text")]
    )
    + "</body></tmx>",
    skip_invalid=False,
    batch=1024,
).via("white space alone is an empty segment")
@example(
    document='<tmx version="1.4"><header creationtool="t" srclang="ar"/><body>\n'
    '<tu><tuv xml:lang="ar"><seg> </seg></tuv><tuv xml:lang="en"><seg>a</seg></tuv></tu>\n</body></tmx>',
    skip_invalid=False,
    batch=2,
).via("white space alone is an empty segment")
@example(  # a unit the reader reads between ordinary ones, with a language of its own
    document='<tmx version="1.4"><header creationtool="t" srclang="ar"/><body>\n'
    '<tu><tuv xml:lang="ar"><seg>نص</seg></tuv><tuv xml:lang="en"><seg>text</seg></tuv></tu>\n'
    '<tu><note>a<b/></note><tuv xml:lang="ar"><seg>نص</seg></tuv><tuv xml:lang="fr"><seg>texte</seg></tuv></tu>\n'
    '<tu><tuv xml:lang="de"><seg>Text</seg></tuv><tuv xml:lang="en"><seg>text</seg></tuv></tu>\n</body></tmx>',
    skip_invalid=False,
    batch=1024,
).via("a unit out of the ordinary among counted ones")
def test_counting_pass_gives_what_the_reader_gives(
    tmp_path: Path, document: str, skip_invalid: bool, batch: int
) -> None:
    """Whatever the file, and however many units are freed and their segments counted together."""
    path = tmp_path / "random.tmx"
    path.write_text(document, encoding="utf-8")
    kept = tmx_counts._UNITS_FREED_TOGETHER
    tmx_counts._UNITS_FREED_TOGETHER = batch  # not monkeypatch: hypothesis runs this many times
    try:
        counted = _by_counter(path, skip_invalid=skip_invalid)
    finally:
        tmx_counts._UNITS_FREED_TOGETHER = kept
    assert counted == _by_reader(path, skip_invalid=skip_invalid)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.tmx")), ids=lambda p: p.name)
def test_counting_pass_on_the_samples(path: Path) -> None:
    assert _by_counter(path, skip_invalid=False) == _by_reader(path, skip_invalid=False)


def test_counting_pass_reads_a_memory_of_many_units_in_bounded_batches(tmp_path: Path) -> None:
    # More units than are freed together, with repeated tuids past the first batch.
    units = "".join(
        f'<tu tuid="{i % 1500}"><tuv xml:lang="ar"><seg>نص {i}</seg></tuv><tuv xml:lang="en"><seg>text {i}.</seg></tuv></tu>\n'
        for i in range(2500)
    )
    path = tmp_path / "many.tmx"
    path.write_text(
        '<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
        f'adminlang="en" srclang="ar" datatype="plaintext"/><body>\n{units}</body></tmx>',
        encoding="utf-8",
    )
    counted = _by_counter(path, skip_invalid=False)
    assert counted == _by_reader(path, skip_invalid=False)
    assert ("duplicate-tuid", 1000) in counted[2]


# -- the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.tmx")), ids=lambda p: p.name)
def test_stats_command_reports_the_readers_counts(path: Path) -> None:
    result = run_cli("stats", "--json", path)
    assert result.code == 0, result.stderr
    reader = TmxReader(path)
    expected = memory_stats(reader).as_dict()
    data = json.loads(result.stdout)
    assert {key: data[key] for key in expected} == expected


def test_stats_command_gives_one_line_for_malformed_xml(tmp_path: Path) -> None:
    path = tmp_path / "broken.tmx"
    units = '<tu><tuv xml:lang="ar"><seg>نص</seg></tuv><tuv xml:lang="en"><seg>text</seg></tuv></tu>\n' * 3
    path.write_text(
        '<tmx version="1.4">\n<header creationtool="t" srclang="ar"/>\n<body>\n'
        f'{units}<tu><tuv xml:lang="ar"><seg>a</tuv></tu>\n</body></tmx>\n',
        encoding="utf-8",
    )
    result = run_cli("stats", path)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert f"{path}:7:" in result.stderr
    assert "Traceback" not in result.stderr


def test_stats_command_names_the_invalid_unit_and_skips_it_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "invalid.tmx"
    path.write_text(
        '<tmx version="1.4">\n<header creationtool="t" srclang="ar"/>\n<body>\n'
        '<tu><tuv xml:lang="ar"><seg>نص</seg></tuv><tuv xml:lang="en"><seg>a text</seg></tuv></tu>\n'
        "<tu><tuv><seg>no language</seg></tuv></tu>\n</body></tmx>\n",
        encoding="utf-8",
    )
    refused = run_cli("stats", path)
    assert refused.code == 2
    assert refused.stderr.strip().endswith(f"{path}:5: <tuv> without xml:lang")
    skipped = run_cli("stats", "--skip-invalid", "--json", path)
    assert skipped.code == 0
    assert json.loads(skipped.stdout)["languages"]["en"]["words"] == 2
    assert "skipped unit: <tuv> without xml:lang" in skipped.stderr


# -- the counts of one segment ---------------------------------------------------------------------

_PIECES = st.sampled_from(
    [*"ab Z9٣ـ_-.,؟!«»\t\n\r\u00a0\u2009\u3000\u200b\u200f\u0085\u1680\x1c\x1f\x0b\x00", "مَرْحَبًا", "\u064b", "a_", "_a"]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(_PIECES, st.text(max_size=5), st.text(alphabet=st.characters(max_codepoint=127))), max_size=30
    ).map("".join)
)
@example("مرحبا _ و _- \u00a0_")  # tokens of underscores and punctuation beyond ASCII text
@example("a _ b\x1c_\x1fc")
@example(" « مرحبا » يا - صديقي ")  # single spaces and nothing unprintable: the tokens are counted, not made
@example("« مرحبا\u200f» - ")  # a right-to-left mark is not printable: the tokens are made
@example(" ")
@example("... !!")
def test_words_and_chars_at_once_follow_their_definitions(text: str) -> None:
    words = sum(1 for token in text.split() if any(ch.isalnum() for ch in token))
    characters = sum(1 for ch in text if not ch.isspace())
    assert count_words_and_chars(text) == (words, characters)
    assert (count_words(text), count_chars(text)) == (words, characters)


def test_the_only_printable_white_space_is_the_space() -> None:
    # What lets `count_words_and_chars` count the tokens of printable text by its spaces alone.
    printable_spaces = [ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace() and ch.isprintable()]
    assert printable_spaces == [" "]


def test_a_unit_inside_a_unit_as_units_are_freed_is_skipped_as_the_reader_skips_it(tmp_path: Path) -> None:
    # The 1,024th unit inside another (malformed): freeing it took it out of the outer one, which then looked whole.
    from tests.test_export_xliff_bounded import _memory_with_a_unit_in_a_unit

    _memory_with_a_unit_in_a_unit(tmp_path / "m.tmx", 1023)
    counted = _by_counter(tmp_path / "m.tmx", skip_invalid=True)
    assert counted == _by_reader(tmp_path / "m.tmx", skip_invalid=True)
    assert counted[4] == 1025  # units read: the outer one skipped
