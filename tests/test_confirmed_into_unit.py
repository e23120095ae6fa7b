"""A confirmed pair whose source the memory holds updates that unit, the same way into a memory file and into a
shared (PostgreSQL) memory: the team's tuid, creation, notes, props, usage count and language tags stay; only the
translation, status and who changed it when are the translator's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.model import Status, TranslationUnit

SOURCE = "وأكد الجانبان أهمية تعزيز التعاون الاقتصادي."
TEAMS = "The two sides stressed the importance of economic cooperation."
ANNS = "Both sides stressed the importance of strengthening economic cooperation."

#: The team's memory: unit madar-100 with everything a memory keeps of a unit besides its text.
MEMORY = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="tmkit" creationtoolversion="0.1.0" segtype="sentence" o-tmf="tmkit" adminlang="en"
          srclang="ar-SA" datatype="plaintext"/>
  <body>
    <tu tuid="madar-100" creationdate="20210301T090000Z" creationid="sami.k" changedate="20210302T090000Z"
        changeid="sami.k" usagecount="2">
      <note>Agreed with the client: "economic cooperation", not "economic collaboration".</note>
      <prop type="x-domain">economy</prop>
      <tuv xml:lang="ar-SA"><seg>{SOURCE}</seg></tuv>
      <tuv xml:lang="en-US"><seg>{TEAMS}</seg></tuv>
    </tu>
  </body>
</tmx>
"""

#: Ann's job: her working file numbers its segments from 1, so the pair's tuid there is "3".
JOB = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="tmkit" creationtoolversion="0.1.0" segtype="sentence" o-tmf="tmkit" adminlang="en"
          srclang="ar" datatype="plaintext"/>
  <body>
    <tu tuid="1"><tuv xml:lang="ar"><seg>اجتمع الوفدان في دمشق.</seg></tuv></tu>
    <tu tuid="2"><tuv xml:lang="ar"><seg>استمر الاجتماع ساعتين.</seg></tuv></tu>
    <tu tuid="3"><tuv xml:lang="ar"><seg>{SOURCE}</seg></tuv></tu>
  </body>
</tmx>
"""


def _confirm_as_ann(tmp_path: Path) -> WorkFile:
    path = tmp_path / "job.ar.tmx"
    path.write_text(JOB, encoding="utf-8")
    document = WorkFile(path, user="ann")
    document.confirm(2, ANNS)
    return document


def _assert_teams_unit_with_anns_translation(unit: TranslationUnit) -> None:
    assert unit.tuid == "madar-100"
    assert (unit.creation_id, unit.creation_date) == ("sami.k", "20210301T090000Z")
    assert [n.text for n in unit.notes] == [
        'Agreed with the client: "economic cooperation", not "economic collaboration".'
    ]
    assert [(p.type, p.value) for p in unit.props] == [("x-domain", "economy")]
    assert unit.usage_count == "2"
    assert [(v.lang, v.text) for v in unit.variants] == [("ar-SA", SOURCE), ("en-US", ANNS)]
    assert unit.status is Status.TRANSLATED
    assert unit.change_id == "ann" and unit.change_date is not None and unit.change_date > "20210302T090000Z"


def test_into_a_memory_file_the_pair_updates_the_teams_unit(tmp_path: Path) -> None:
    memory = tmp_path / "mem.tmx"
    memory.write_text(MEMORY, encoding="utf-8")
    assert _confirm_as_ann(tmp_path).export_confirmed(memory) == 1
    [unit] = load_tmx(memory).units
    _assert_teams_unit_with_anns_translation(unit)


@pytest.mark.postgres
def test_into_a_shared_memory_the_pair_updates_the_teams_unit(postgres_url: str, tmp_path: Path) -> None:
    from tmkit.shared.store import SharedMemory

    seed = tmp_path / "mem.tmx"
    seed.write_text(MEMORY, encoding="utf-8")
    assert run_cli("db", "init", postgres_url).code == 0
    assert run_cli("db", "import", postgres_url, str(seed)).code == 0
    document = _confirm_as_ann(tmp_path)
    report = document.shared_save(postgres_url).save(document)
    assert report.written == 1 and not report.conflicts
    with SharedMemory(postgres_url) as memory:
        [stored] = list(memory.stored_units())
        assert stored.version == 2
        _assert_teams_unit_with_anns_translation(stored.unit)
        # Found again by its tuid, as the team knows it (its row's tuid column too).
        [row] = memory.conn.execute("SELECT tuid FROM tmkit.units").fetchall()
        assert row == ("madar-100",)
    exported = tmp_path / "out.tmx"
    assert run_cli("db", "export", postgres_url, "-o", str(exported)).code == 0
    [unit] = load_tmx(exported).units
    _assert_teams_unit_with_anns_translation(unit)


def test_a_pair_with_codes_is_not_written_into_the_unit_of_its_plain_text(tmp_path: Path) -> None:
    """A reviewer's second look: the pair's unit was found by plain text, so the translation of `انقر <a>هنا</a>`
    went into the memory's unit of the plain sentence: its target held codes its source lacked (qa: tag-extra), and
    the coded pair was stored nowhere. Codes count, as the merge's key counts them: it is a unit of its own."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
        'segtype="sentence" o-tmf="t" adminlang="en" srclang="ar" datatype="plaintext"/><body>'
    )
    (tmp_path / "mem.tmx").write_text(
        head + '<tu tuid="m1"><prop type="x-domain">d</prop><tuv xml:lang="ar"><seg>انقر هنا للمتابعة.</seg></tuv>'
        '<tuv xml:lang="en"><seg>Click here to continue.</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    (tmp_path / "job.ar.tmx").write_text(
        head + '<tu tuid="1"><tuv xml:lang="ar"><seg>انقر <bpt i="1">&lt;a&gt;</bpt>هنا<ept i="1">&lt;/a&gt;</ept> '
        "للمتابعة.</seg></tuv></tu></body></tmx>",
        encoding="utf-8",
    )
    work = WorkFile(tmp_path / "job.ar.tmx", user="ann")
    work.confirm(0, "Click {1}here{/1} to continue.")
    assert work.export_confirmed(tmp_path / "mem.tmx") == 1
    units = {u.tuid: u for u in load_tmx(tmp_path / "mem.tmx").units}
    assert units["m1"].variant("en").text == "Click here to continue."  # type: ignore[union-attr]
    assert units["m1"].prop_value("x-domain") == "d"
    coded = [u for u in units.values() if u.tuid != "m1"]
    assert len(coded) == 1 and len(coded[0].variant("en").segment.codes()) == 2  # type: ignore[union-attr]
    result = run_cli("qa", str(tmp_path / "mem.tmx"), "--select", "tag-*")
    assert result.code == 0, result.stdout
