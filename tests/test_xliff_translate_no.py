"""`translate="no"` on an XLIFF unit (or a group or file around it): kept through TMX as a prop and written back, and
such units are neither checked by `qa` nor scored by `score`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from tests.helpers import run_cli
from tests.xliff_schemas import schema_problems
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.xliff import XliffReader, read_xliff, write_xliff
from tmkit.memory.model import TRANSLATE_PROP, Header, Memory, Prop, Segment, TranslationUnit, Variant

XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a.txt" source-language="ar" target-language="en" datatype="plaintext"><body>
<trans-unit id="1" translate="no"><source>ACME-3000</source><target state="new">ACME-3000</target></trans-unit>
<trans-unit id="2"><source>وصل 3 مندوبين.</source><target state="translated">3 delegates arrived.</target></trans-unit>
<group id="g" translate="no">
 <trans-unit id="3"><source>&lt;b&gt;</source></trans-unit>
 <trans-unit id="4" translate="yes"><source>غادر الوفد.</source><target state="translated">The delegation left.</target>
 </trans-unit>
</group>
</body></file></xliff>
"""
XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" trgLang="en">
 <file id="f1">
  <unit id="1" translate="no"><segment><source>ACME-3000</source></segment></unit>
  <unit id="2"><segment state="translated"><source>وصل 3 مندوبين.</source><target>3 delegates arrived.</target></segment>
  </unit>
  <group id="g" translate="no"><unit id="3"><segment><source>&lt;b&gt;</source></segment></unit>
   <unit id="4" translate="yes"><segment state="translated"><source>غادر الوفد.</source>
    <target>The delegation left.</target></segment></unit></group>
 </file>
 <file id="f2" translate="no"><unit id="5"><segment><source>X</source></segment></unit></file>
</xliff>
"""


def _marked(units: list[TranslationUnit]) -> list[str | None]:
    return [u.tuid for u in units if u.prop_value(TRANSLATE_PROP) == "no"]


@pytest.mark.parametrize(
    ("text", "expected"), [(XLIFF12, ["1", "3"]), (XLIFF2, ["1", "3", "f2/5"])], ids=["1.2", "2.0"]
)
def test_translate_no_is_read_from_the_unit_or_the_group_or_file_around_it(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = tmp_path / "t.xlf"
    path.write_text(text, encoding="utf-8")
    assert _marked(list(XliffReader(path))) == expected


@pytest.mark.parametrize("version", ["1.2", "2.0", "2.1"])
def test_translate_no_survives_xliff_to_tmx_to_xliff(tmp_path: Path, version: str) -> None:
    """It was dropped without a word: the unit came back to be translated."""
    source = tmp_path / "t.xlf"
    source.write_text(XLIFF12, encoding="utf-8")
    tmx, back = tmp_path / "t.tmx", tmp_path / "back.xlf"
    assert run_cli("convert", source, "-o", tmx).code == 0
    assert _marked(load_tmx(tmx).units) == ["1", "3"]
    done = run_cli("convert", tmx, "-o", back, "--xliff-version", version)
    assert done.code == 0, done.stderr
    assert schema_problems(back) == []
    root = etree.parse(str(back)).getroot()
    units = [e for e in root.iter() if etree.QName(e).localname in ("trans-unit", "unit")]
    assert [u.get("id") for u in units if u.get("translate") == "no"] == ["1", "3"]
    assert "x-tmkit-translate" not in back.read_text(encoding="utf-8")  # an attribute, not a prop as well
    assert _marked(read_xliff(back)[0].units) == ["1", "3"]


def test_a_prop_other_than_no_stays_a_prop(tmp_path: Path) -> None:
    unit = TranslationUnit([Variant("ar", Segment.from_text("أ")), Variant("en", Segment.from_text("a"))], tuid="1")
    unit.props = [Prop(TRANSLATE_PROP, "yes")]
    path = tmp_path / "y.xlf"
    write_xliff(path, Memory(Header(), [unit]), source_lang="ar", target_lang="en", version="1.2")
    assert 'translate="no"' not in path.read_text(encoding="utf-8")
    assert read_xliff(path)[0].units[0].props == [Prop(TRANSLATE_PROP, "yes")]


@pytest.mark.parametrize("text", [XLIFF12, XLIFF2], ids=["1.2", "2.0"])
def test_qa_leaves_out_units_not_to_translate_and_says_so(tmp_path: Path, text: str) -> None:
    """A locked unit's empty target was an error (`empty-target`)."""
    path = tmp_path / "t.xlf"
    path.write_text(text, encoding="utf-8")
    done = run_cli("qa", path, "--ignore", "spelling", "--format", "json")
    assert done.code == 0, done.stdout
    report = json.loads(done.stdout)
    assert report["findings"] == []
    locked = 3 if text is XLIFF2 else 2
    assert f'{locked} units marked translate="no" not checked' in done.stderr


def test_score_leaves_out_units_not_to_translate(tmp_path: Path) -> None:
    """A locked unit has no translation to compare: with it, the score stopped (no reference for id 1)."""
    path = tmp_path / "t.xlf"
    path.write_text(XLIFF12, encoding="utf-8")
    hyp = tmp_path / "hyp.xlf"
    hyp.write_text(XLIFF12.replace("3 delegates arrived.", "Three delegates arrived."), encoding="utf-8")
    done = run_cli("score", path, "--hyp", hyp, "--format", "json")
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["n_segments"] == 2
    assert '2 units marked translate="no" not scored' in done.stderr
