"""XLIFF 1.2 and 2.x: status mapping both ways, inline codes, round trips, hostile and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import SAMPLES, run_cli
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.xliff import (
    read_xliff,
    status_from_xliff2,
    status_from_xliff12,
    status_to_xliff2,
    status_to_xliff12,
    write_xliff,
)
from tmkit.memory.model import Header, Inline, Memory, Prop, Segment, Status, TranslationUnit, Variant

STATUS_12 = [
    (Status.NEW, False, "new", False),
    (Status.DRAFT, False, "needs-review-translation", False),
    (Status.TRANSLATED, False, "translated", False),
    (Status.REVIEWED, False, "signed-off", True),
    (Status.FINAL, False, "final", True),
    (Status.TRANSLATED, True, "needs-review-translation", False),
]


@pytest.mark.parametrize(("status", "rejected", "state", "approved"), STATUS_12)
def test_status_table_xliff12(status: Status, rejected: bool, state: str, approved: bool) -> None:
    assert status_to_xliff12(status, rejected=rejected) == (state, approved)
    if not rejected:
        assert status_from_xliff12(state, approved=approved, has_target=status is not Status.NEW)[0] is status


def test_xliff12_import_of_other_states() -> None:
    assert status_from_xliff12(None, approved=True, has_target=True) == (Status.REVIEWED, None)
    assert status_from_xliff12("needs-l10n", approved=False, has_target=True) == (Status.DRAFT, None)
    assert status_from_xliff12("x-checked", approved=False, has_target=True) == (Status.DRAFT, "x-checked")
    assert status_from_xliff12("new", approved=False, has_target=True) == (Status.DRAFT, None)


@pytest.mark.parametrize(
    ("status", "rejected", "state", "sub"),
    [
        (Status.NEW, False, "initial", None),
        (Status.DRAFT, False, "initial", "tmkit:draft"),
        (Status.TRANSLATED, False, "translated", None),
        (Status.REVIEWED, False, "reviewed", None),
        (Status.FINAL, False, "final", None),
        (Status.TRANSLATED, True, "translated", "tmkit:rejected"),
    ],
)
def test_status_table_xliff2(status: Status, rejected: bool, state: str, sub: str | None) -> None:
    assert status_to_xliff2(status, rejected=rejected) == (state, sub)
    assert status_from_xliff2(state, sub, has_target=status is not Status.NEW) == (status, rejected)


def _unit(source: Segment, target: Segment, status: Status, rejected: bool, number: int) -> TranslationUnit:
    unit = TranslationUnit([Variant("ar", source), Variant("en", target)], tuid=f"u{number}")
    unit.status = status
    unit.rejected = rejected
    unit.props = [Prop("x-tmkit-match", "97"), Prop("x-tmkit-origin", "news.tmx")]
    return unit


_text = st.text(alphabet="ابت ثج abc<&>\"'", min_size=1, max_size=8)


@st.composite
def segments(draw: st.DrawFn) -> Segment:
    parts: list[str | Inline] = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["text", "pair", "ph", "it"]))
        native = draw(st.sampled_from(["<b>", "{1}", "&amp;", ""]))
        code = (native,) if native else ()
        if kind == "text":
            parts.append(draw(_text))
        elif kind == "pair":
            parts += [Inline("bpt", (("i", str(i + 1)),), code), draw(_text), Inline("ept", (("i", str(i + 1)),), code)]
        elif kind == "ph":
            parts.append(Inline("ph", (("x", str(i + 10)),), code))
        else:
            parts.append(Inline("it", (("x", str(i + 20)), ("pos", "end")), code))
    merged: list[str | Inline] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return Segment(tuple(merged))


@pytest.mark.parametrize("version", ["1.2", "2.0", "2.1"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pairs=st.lists(
        st.tuples(segments(), segments(), st.sampled_from(list(Status)[1:]), st.booleans()), min_size=1, max_size=4
    )
)
def test_round_trip_keeps_text_codes_status_and_props(tmp_path: Path, version: str, pairs: list) -> None:  # type: ignore[type-arg]
    units = [_unit(s, t, status, rejected, n) for n, (s, t, status, rejected) in enumerate(pairs)]
    path = tmp_path / f"rt{version}.xlf"
    write_xliff(path, Memory(Header(), units), source_lang="ar", target_lang="en", version=version)
    memory, source_lang, target_lang = read_xliff(path)
    assert (source_lang, target_lang) == ("ar", "en")
    assert len(memory.units) == len(units)
    for before, after in zip(units, memory.units, strict=True):
        assert after.tuid == before.tuid
        assert after.variant("ar").segment == before.variant("ar").segment  # type: ignore[union-attr]
        assert after.variant("en").segment == before.variant("en").segment  # type: ignore[union-attr]
        assert after.rejected == before.rejected
        assert after.status is before.status
        assert [(p.type, p.value) for p in after.props] == [("x-tmkit-match", "97"), ("x-tmkit-origin", "news.tmx")]


def test_the_sample_memory_round_trips_through_both_versions(tmp_path: Path) -> None:
    memory = load_tmx(SAMPLES / "article.tmx")
    for version in ("1.2", "2.1"):
        path = tmp_path / f"a{version}.xlf"
        write_xliff(path, memory, source_lang="ar", target_lang="en", version=version)
        back, _, _ = read_xliff(path)
        assert [u.variant("en").segment for u in back.units] == [u.variant("en").segment for u in memory.units]  # type: ignore[union-attr]
        assert [u.status for u in back.units] == [u.status for u in memory.units]


def test_foreign_xliff12_codes_g_x_and_new_unit(tmp_path: Path) -> None:
    path = tmp_path / "f.xlf"
    path.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" '
        'target-language="ar" datatype="plaintext" original="x"><body>'
        '<trans-unit id="1"><source>Click <g id="1">here</g><x id="2"/></source></trans-unit>'
        '<trans-unit id="2" approved="yes"><source>Yes</source><target>نعم</target></trans-unit>'
        "</body></file></xliff>",
        encoding="utf-8",
    )
    memory, source_lang, target_lang = read_xliff(path)
    assert (source_lang, target_lang) == ("en", "ar")
    first, second = memory.units
    assert first.status is Status.NEW and first.variant("ar") is None
    assert [p.tag for p in first.variant("en").segment.content if isinstance(p, Inline)] == ["bpt", "ept", "ph"]  # type: ignore[union-attr]
    assert first.variant("en").segment.plain == "Click here"  # type: ignore[union-attr]
    assert second.status is Status.REVIEWED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b'<xliff version="1.2">\n<file>\n<body></file>', "f.xlf:3: not well-formed XML"),
        (b"<tmx/>", "not <xliff>"),
        (
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff version="1.2"><file source-language="en">'
            b'<body><trans-unit id="1"><source>&e;</source></trans-unit></body></file></xliff>',
            "entity",
        ),
        (b'<xliff version="1.2"><file><body/></file></xliff>', "no source-language"),
        (b'<xliff version="2.1" srcLang="en"><file id="f"><unit id="u"/></file></xliff>', "without <segment>"),
    ],
)
def test_broken_and_hostile_files_are_one_line_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "f.xlf"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_xliff(path)


def test_convert_tmx_to_xliff_and_back(tmp_path: Path) -> None:
    xlf = tmp_path / "a.xlf"
    result = run_cli("convert", str(SAMPLES / "article.tmx"), "-o", str(xlf), "--tgt", "en")
    assert result.code == 0, result.stderr
    tmx = tmp_path / "back.tmx"
    result = run_cli("convert", str(xlf), "-o", str(tmx))
    assert result.code == 0, result.stderr
    back = load_tmx(tmx)
    original = load_tmx(SAMPLES / "article.tmx")
    assert [u.variant("en").text for u in back.units] == [u.variant("en").text for u in original.units]  # type: ignore[union-attr]
    bad = tmp_path / "bad.xliff"
    bad.write_bytes(b"<xliff")
    result = run_cli("convert", str(bad), "-o", str(tmp_path / "x.tmx"))
    assert result.code == 2 and "bad.xliff:1" in result.stderr and "Traceback" not in result.stderr
