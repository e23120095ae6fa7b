"""XLIFF as tmkit writes it: a structural element a line, so that a unit's line names it (`tmkit qa`'s findings and
their annotations), and not a character of any source or target changed for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.helpers import pretranslated_sample_job, run_cli
from tests.xliff_schemas import XLIFF2_NS, XLIFF12_NS, schema_problems
from tmkit.formats.xliff import read_xliff, write_xliff
from tmkit.memory.model import Content, Header, Inline, Memory, Prop, Segment, Status, TranslationUnit, Variant

VERSIONS = ["1.2", "2.0", "2.1"]


def _unit_lines(path: Path) -> dict[str, int]:
    """The line each unit of a file tmkit wrote starts on, by id."""
    root = etree.parse(str(path)).getroot()
    ns = XLIFF12_NS if etree.QName(root).namespace == XLIFF12_NS else XLIFF2_NS
    tag = "trans-unit" if ns == XLIFF12_NS else "unit"
    return {unit.get("id"): unit.sourceline for unit in root.iter(f"{{{ns}}}{tag}")}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_qa_finding_on_a_pretranslated_job_names_the_line_of_its_unit(tmp_path: Path, version: str) -> None:
    """The whole document was one line: every finding (and GitHub annotation) pointed at line 2."""
    job = pretranslated_sample_job(tmp_path, version=version)
    checked = run_cli("qa", str(job), "--ignore", "spelling", "--format", "json")
    assert checked.code == 1, checked.stderr
    findings = json.loads(checked.stdout)["findings"]
    lines = _unit_lines(job)
    assert len(set(lines.values())) == len(lines)  # each unit on a line of its own
    assert {f["id"] for f in findings} >= {"2", "5"}  # a wrong number, an empty target
    assert [(f["id"], f["line"]) for f in findings] == [(f["id"], lines[f["id"]]) for f in findings]


# -- what the layout must not touch ---------------------------------------------------------------------

#: Text with white space where a layout would add or lose some: alone, leading, trailing, line ends and tabs.
_TEXT = st.sampled_from([" ", "  ", "\n", "\t", " \n  ", "\r\n", "نص", " نص ", "text ", " a  b", "&<>\"'", "x\ny"])


def _code(number: int, kind: str, inner: str) -> list[Content]:
    """An inline code of ``kind``; a pair and a marker hold ``inner``."""
    if kind == "pair":
        return [Inline("bpt", (("i", str(number)),), ("<b>",)), inner, Inline("ept", (("i", str(number)),), ("</b>",))]
    if kind == "hi":
        return [Inline("hi", (), (inner,))]
    return [Inline("ph", (("x", str(number)),), ("<br/>",))]


@st.composite
def _spaced(draw: st.DrawFn) -> Segment:
    """A segment of white space and codes: often starting with a code, sometimes white space alone."""
    parts: list[Content] = []
    if draw(st.booleans()):  # a code first: no text before the first child element
        parts += _code(1, draw(st.sampled_from(["pair", "hi", "ph"])), draw(_TEXT))
    for number in range(2, draw(st.integers(1, 4)) + 2):
        if draw(st.booleans()):
            parts.append(draw(_TEXT))
        else:
            parts += _code(number, draw(st.sampled_from(["pair", "hi", "ph"])), draw(_TEXT))
    merged: list[Content] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return Segment(tuple(merged)) if merged else Segment((" ",))


@pytest.mark.parametrize("version", VERSIONS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(_spaced(), _spaced()), min_size=1, max_size=4))
def test_every_source_and_target_reads_back_exactly_as_written(
    tmp_path: Path, version: str, pairs: list[tuple[Segment, Segment]]
) -> None:
    units = []
    for number, (source, target) in enumerate(pairs, 1):
        unit = TranslationUnit([Variant("ar", source), Variant("en", target)], tuid=str(number))
        unit.status = Status.TRANSLATED
        # Props of a match describe its target, recorded with them: read back as the same, the props stay.
        unit.props = [Prop("x-tmkit-match", "90"), Prop("x-tmkit-origin", "tm.tmx#1")]
        units.append(unit)
    path = tmp_path / f"spaced{version}.xlf"
    write_xliff(path, Memory(Header(), units), source_lang="ar", target_lang="en", version=version)
    back, _, _ = read_xliff(path)
    assert [(u.variant("ar").segment, u.variant("en").segment) for u in back.units] == pairs  # type: ignore[union-attr]
    assert [u.props for u in back.units] == [u.props for u in units]
    assert len(set(_unit_lines(path).values())) == len(pairs)
    assert schema_problems(path) == []
