"""`tmkit export`: status, date and language-pair filters, TMX level 1 and 2, DTD validity, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli, tmx_doc
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import load_tmx, read_tmx
from tmkit.formats.tmx_validate import validate_tmx
from tmkit.memory.export import DEFAULT_MIN_STATUS, DateField, export_memories, parse_date_bound
from tmkit.memory.model import Memory, Status

UNITS = """
<tu tuid="new" creationdate="20210101T000000Z"><prop type="x-tmkit-status">new</prop>
  <tuv xml:lang="ar"><seg>جديد</seg></tuv><tuv xml:lang="en"><seg>new</seg></tuv></tu>
<tu tuid="draft" creationdate="20210101T000000Z"><prop type="x-tmkit-status">draft</prop>
  <tuv xml:lang="ar"><seg>مسودة</seg></tuv><tuv xml:lang="en"><seg>draft</seg></tuv></tu>
<tu tuid="translated" creationdate="20210301T000000Z"><prop type="x-tmkit-status">translated</prop>
  <tuv xml:lang="ar-SA"><seg>مترجم</seg></tuv><tuv xml:lang="en-GB"><seg>translated</seg></tuv>
  <tuv xml:lang="fr"><seg>traduit</seg></tuv></tu>
<tu tuid="reviewed" creationdate="20210101T000000Z" changedate="20210615T120000Z"><prop type="x-tmkit-status">reviewed</prop>
  <tuv xml:lang="ar"><seg>مراجع <bpt i="1" type="bold">&lt;b&gt;</bpt>بخط<ept i="1">&lt;/b&gt;</ept></seg></tuv>
  <tuv xml:lang="en"><seg>reviewed <bpt i="1" type="bold">&lt;b&gt;</bpt>bold<ept i="1">&lt;/b&gt;</ept><ph x="2">&lt;br/&gt;</ph></seg></tuv></tu>
<tu tuid="final-rejected" creationdate="20210101T000000Z"><prop type="x-tmkit-status">final</prop>
  <prop type="x-tmkit-rejected">1</prop>
  <tuv xml:lang="ar"><seg>مرفوض</seg></tuv><tuv xml:lang="en"><seg>rejected</seg></tuv></tu>
<tu tuid="final-fr" changedate="20211231T235959Z"><prop type="x-tmkit-status">final</prop>
  <tuv xml:lang="ar"><seg>فرنسي</seg></tuv><tuv xml:lang="fr"><seg>français</seg></tuv></tu>
<tu tuid="undated"><prop type="x-tmkit-status">final</prop>
  <tuv xml:lang="ar"><seg>بلا تاريخ</seg></tuv><tuv xml:lang="en"><seg>undated</seg></tuv></tu>
<tu tuid="lonely"><prop type="x-tmkit-status">final</prop>
  <tuv xml:lang="ar"><seg>وحيد</seg></tuv><tuv xml:lang="en"><seg/></tuv></tu>
"""


@pytest.fixture
def memory_file(tmp_path: Path) -> Path:
    path = tmp_path / "memory.tmx"
    path.write_text(tmx_doc(UNITS), encoding="utf-8")
    return path


@pytest.fixture
def memory(memory_file: Path) -> Memory:
    return load_tmx(memory_file)


def _ids(memory: Memory) -> list[str | None]:
    return [u.tuid for u in memory.units]


def test_default_exports_translated_and_beyond_never_rejected(memory: Memory) -> None:
    result = export_memories([memory])
    assert DEFAULT_MIN_STATUS is Status.TRANSLATED
    assert _ids(result.memory) == ["translated", "reviewed", "final-fr", "undated"]
    assert (result.below_status, result.rejected, result.missing_language) == (2, 1, 1)
    assert result.read == 8 and result.exported == 4


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.NEW, ["new", "draft", "translated", "reviewed", "final-fr", "undated"]),
        (Status.REVIEWED, ["reviewed", "final-fr", "undated"]),
        (Status.FINAL, ["final-fr", "undated"]),
    ],
)
def test_minimum_status(memory: Memory, status: Status, expected: list[str]) -> None:
    assert _ids(export_memories([memory], min_status=status).memory) == expected


def test_date_range_on_change_date_falls_back_to_creation(memory: Memory) -> None:
    since = parse_date_bound("2021-03-01", parameter="since")
    until = parse_date_bound("2021-06-15", parameter="until", end=True)
    result = export_memories([memory], since=since, until=until)
    # `reviewed` was created in January but changed in June; `undated` has no date and is left out.
    assert _ids(result.memory) == ["translated", "reviewed"]
    assert result.outside_dates == 3  # `final-fr` (December), `undated`, `lonely`


def test_date_range_on_creation_date(memory: Memory) -> None:
    result = export_memories(
        [memory], until=parse_date_bound("20210131", parameter="until", end=True), date_field=DateField.CREATED
    )
    assert _ids(result.memory) == ["reviewed"]


def test_until_a_bare_day_includes_that_whole_day(memory: Memory) -> None:
    result = export_memories(
        [memory],
        since=parse_date_bound("2021-12-31", parameter="since"),
        until=parse_date_bound("2021-12-31", parameter="until", end=True),
    )
    assert _ids(result.memory) == ["final-fr"]


def test_language_pair_keeps_two_variants_with_region_fallback(memory: Memory) -> None:
    result = export_memories([memory], source_lang="ar", target_lang="en")
    assert _ids(result.memory) == ["translated", "reviewed", "undated"]
    assert [v.lang for v in result.memory.units[0].variants] == ["ar-SA", "en-GB"]  # French dropped
    assert result.memory.header.srclang == "ar"
    assert result.missing_language == 2  # `final-fr` has no English, `lonely` an empty one
    assert len(memory.units[2].variants) == 3  # the input is not changed


def test_a_pair_no_unit_holds_is_named_not_exported_empty(memory: Memory) -> None:
    """A pair held only by units the filters leave out exports nothing, as asked; a pair no unit holds at all (with
    text on both sides) is a mistake, named with the languages there are."""
    assert export_memories([memory], source_lang="fr", target_lang="en", min_status=Status.FINAL).memory.units == []
    with pytest.raises(
        InputError, match=r"no unit holds both fr and de \(the memories hold ar, ar-SA, en, en-GB, fr\)"
    ):
        export_memories([memory], source_lang="fr", target_lang="de")


def test_level_1_strips_inline_codes_level_2_keeps_them(memory: Memory) -> None:
    level2 = export_memories([memory])
    reviewed2 = level2.memory.units[1]
    assert reviewed2.variants[1].segment.has_markup
    level1 = export_memories([memory], level=1)
    reviewed1 = level1.memory.units[1]
    assert [v.segment.content for v in reviewed1.variants] == [("مراجع بخط",), ("reviewed bold",)]
    assert level1.codes_stripped == 2
    assert level1.memory.header.datatype == "plaintext"
    assert memory.units[3].variants[1].segment.has_markup  # the input is not changed


def test_several_memories_repeats_written_once(memory: Memory) -> None:
    result = export_memories([memory, memory])
    assert _ids(result.memory) == ["translated", "reviewed", "final-fr", "undated"]
    assert result.duplicates == 4 and result.read == 16


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source_lang": "ar"}, "both source_lang and target_lang"),
        ({"source_lang": "ar", "target_lang": "AR"}, "both ar"),
        ({"level": 3}, "level must be 1 or 2"),
    ],
)
def test_bad_options(memory: Memory, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        export_memories([memory], **kwargs)  # type: ignore[arg-type]


def test_bad_dates() -> None:
    with pytest.raises(InputError, match="since: 'June' is not a date"):
        parse_date_bound("June", parameter="since")
    with pytest.raises(InputError, match="since is later than until"):
        export_memories(
            [Memory()],
            since=parse_date_bound("2022-01-01", parameter="since"),
            until=parse_date_bound("2021-01-01", parameter="until"),
        )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--since", "June"], "--since: 'June' is not a date (use YYYY-MM-DD or YYYYMMDDThhmmssZ)"),
        (
            ["--since", "2022-01-01", "--until", "2021-01-01"],
            "--since is later than --until: no unit could be exported",
        ),
        (["--src", "ar"], "give both --src and --tgt for a language pair, or neither"),
    ],
)
def test_cli_names_its_flags_where_the_library_names_parameters(
    tmp_path: Path, options: list[str], message: str
) -> None:
    done = run_cli("export", str(SAMPLES / "article.tmx"), "-o", str(tmp_path / "out.tmx"), *options)
    assert done.code == 2
    assert done.stderr.strip().splitlines() == [f"tmkit: error: {message}"]
    assert not (tmp_path / "out.tmx").exists()


@pytest.mark.parametrize("level", ["1", "2"])
def test_cli_export_of_the_sample_is_dtd_valid(tmp_path: Path, tmx_dtd: Path, level: str) -> None:
    out = tmp_path / "export.tmx"
    done = run_cli(
        "export", str(SAMPLES / "article.tmx"), "-o", str(out), "--level", level, "--src", "ar", "--tgt", "en"
    )
    assert done.code == 0, done.stderr
    assert "exported 27 of 30 units" in done.stderr and "3 below translated" in done.stderr
    assert validate_tmx(out, dtd=tmx_dtd) == []
    exported, _ = read_tmx(out)
    assert len(exported) == 27
    assert any(u.variants[0].segment.has_markup for u in exported) is (level == "2")


def test_cli_filters(memory_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.tmx"
    done = run_cli(
        "export", str(memory_file), str(memory_file), "-o", str(out), "--min-status", "new",
        "--since", "2021-01-01", "--until", "2021-06-30", "--src", "ar", "--tgt", "en", "--level", "1",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    assert _ids(load_tmx(out)) == ["new", "draft", "translated", "reviewed"]
    assert "2 rejected" in done.stderr and "4 repeats" in done.stderr and "stripped from 2 segments" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "--since: 'yesterday' is not a date"),
        (["--src", "ar"], "give both --src and --tgt"),
        (["--src", "de", "--tgt", "en"], "no unit holds both de and en (the memories hold ar, ar-SA, en, en-GB, fr)"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(memory_file: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out.tmx"
    done = run_cli("export", str(memory_file), "-o", str(out), *args)
    assert done.code == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_cli_broken_memory_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text(tmx_doc('<tu><tuv xml:lang="ar"><seg>x</seg></tuv>\n</body>'), encoding="utf-8")
    out = tmp_path / "out.tmx"
    done = run_cli("export", str(bad), "-o", str(out))
    assert done.code == 2
    assert str(bad) in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


CONFLICTED_UNITS = """
<tu tuid="settled"><tuv xml:lang="ar"><seg>نعم</seg></tuv><tuv xml:lang="en"><seg>yes</seg></tuv></tu>
<tu tuid="c"><prop type="x-tmkit-conflict">ours</prop>
  <tuv xml:lang="ar"><seg>لا</seg></tuv><tuv xml:lang="en"><seg>no</seg></tuv></tu>
<tu tuid="c"><prop type="x-tmkit-conflict">theirs</prop>
  <tuv xml:lang="ar"><seg>لا</seg></tuv><tuv xml:lang="en"><seg>No way</seg></tuv></tu>
"""


def test_unsettled_merge_conflicts_are_refused_or_left_out(tmp_path: Path) -> None:
    path = tmp_path / "conflicted.tmx"
    path.write_text(tmx_doc(CONFLICTED_UNITS), encoding="utf-8")
    memory = load_tmx(path)
    with pytest.raises(InputError, match="memory 1 holds 2 units marked x-tmkit-conflict"):
        export_memories([memory])
    result = export_memories([memory], skip_conflicts=True)
    assert _ids(result.memory) == ["settled"] and result.conflicts == 2


def test_cli_refuses_unsettled_merge_conflicts_unless_skipped(memory_file: Path, tmp_path: Path) -> None:
    conflicted = tmp_path / "conflicted.tmx"
    conflicted.write_text(tmx_doc(CONFLICTED_UNITS), encoding="utf-8")
    out = tmp_path / "out.tmx"
    done = run_cli("export", memory_file, conflicted, "-o", out)
    assert done.code == 2
    errors = [line for line in done.stderr.splitlines() if "error" in line]  # the reader's warnings aside
    assert errors == [
        f"tmkit: error: {conflicted}: 2 units are versions of unsettled merge conflicts (x-tmkit-conflict); "
        "settle them (tmkit validate lists them) or pass --skip-conflicts to leave them out"
    ]
    assert not out.exists()
    done = run_cli("export", memory_file, conflicted, "-o", out, "--skip-conflicts")
    assert done.code == 0, done.stderr
    assert "2 in unsettled merge conflicts" in done.stderr
    assert "c" not in _ids(load_tmx(out)) and "settled" in _ids(load_tmx(out))


# -- region fallback never pairs a variant with itself (issue 10) --------------------------------

REGIONS = """
<tu tuid="us-only"><tuv xml:lang="en-US"><seg>color</seg></tuv><tuv xml:lang="ar"><seg>لون</seg></tuv></tu>
<tu tuid="us-gb"><tuv xml:lang="en-US"><seg>elevator</seg></tuv><tuv xml:lang="en-GB"><seg>lift</seg></tuv></tu>
<tu tuid="spanish"><tuv xml:lang="en"><seg>car</seg></tuv><tuv xml:lang="es-ES"><seg>coche</seg></tuv>
  <tuv xml:lang="es"><seg>auto</seg></tuv><tuv xml:lang="ES_BO"><seg>movilidad</seg></tuv></tu>
<tu tuid="two-en"><tuv xml:lang="ar"><seg>سيارة</seg></tuv><tuv xml:lang="en"><seg>car</seg></tuv>
  <tuv xml:lang="en"><seg>automobile</seg></tuv></tu>
"""


@pytest.fixture
def regions_file(tmp_path: Path) -> Path:
    path = tmp_path / "regions.tmx"
    path.write_text(tmx_doc(REGIONS), encoding="utf-8")
    return path


def test_pairs_never_pair_a_variant_with_itself(regions_file: Path) -> None:
    memory = load_tmx(regions_file)
    # `us-only` lacks en-GB: the region fallback used to offer its en-US text as its own translation.
    assert [(u.tuid, s.text, t.text) for u, s, t in memory.pairs("en-us", "en-gb")] == [("us-gb", "elevator", "lift")]
    assert [(u.tuid, s.text, t.text) for u, s, t in memory.pairs("en-gb", "en-us")] == [("us-gb", "lift", "elevator")]


def test_the_exact_region_is_preferred_and_every_translation_kept(regions_file: Path) -> None:
    memory = load_tmx(regions_file)
    spanish = [t.lang for u, _, t in memory.pairs("en", "es-bo") if u.tuid == "spanish"]
    assert spanish == ["ES_BO", "es", "es-ES"]  # exact, then the bare language, then another region
    assert [t.text for u, _, t in memory.pairs("ar", "en") if u.tuid == "two-en"] == ["car", "automobile"]


def test_export_with_a_region_pair_never_writes_a_variant_twice(regions_file: Path) -> None:
    result = export_memories([load_tmx(regions_file)], source_lang="en-us", target_lang="en-gb")
    assert _ids(result.memory) == ["us-gb"]
    assert [v.lang for v in result.memory.units[0].variants] == ["en-US", "en-GB"]
    assert result.missing_language == 3


def test_export_keeps_both_translations_of_a_unit(regions_file: Path) -> None:
    result = export_memories([load_tmx(regions_file)], source_lang="ar", target_lang="en")
    assert _ids(result.memory) == ["us-only", "two-en"]  # en-US is English for an ar → en export
    assert [v.text for v in result.memory.units[1].variants] == ["سيارة", "car", "automobile"]


def test_cli_export_region_pair(regions_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.tmx"
    result = run_cli("export", regions_file, "-o", out, "--src", "en-US", "--tgt", "en-GB")
    assert result.code == 0, result.stderr
    exported = load_tmx(out)
    assert [u.tuid for u in exported] == ["us-gb"]
    assert all(len({v.lang for v in u.variants}) == 2 for u in exported)
