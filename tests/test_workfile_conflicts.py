"""Merge conflicts in the working file: one row holding both versions, settled by picking one or editing, after which
the file has unique tuids and no conflict mark and passes `tmkit validate --strict` and `tmkit qa`."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.journal import ConflictState
from tmkit.jobs.workfile import RowFilter, WorkFile
from tmkit.memory.merge import CONFLICT_PROP, merge_three_way
from tmkit.memory.model import Memory, Segment

OURS, THEIRS, OPEN = ConflictState.OURS, ConflictState.THEIRS, ConflictState.OPEN
#: The unit both branches changed (the sample's sixth).
CHANGED = 5


def _merged(path: Path, *, theirs_deletes: bool = False) -> Path:
    """What `git merge` with tmkit's driver leaves when both branches changed one unit (or one deleted it)."""
    base = load_tmx(path)
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    _set_target(ours, CHANGED, "Our translation.")
    if theirs_deletes:
        del theirs.units[CHANGED]
    else:
        _set_target(theirs, CHANGED, "Their translation.")
    result = merge_three_way(base, ours, theirs)
    assert len(result.conflicts) == 1
    write_tmx(path, result.memory)
    return path


def _set_target(memory: Memory, index: int, text: str) -> None:
    target = memory.units[index].variant("en")
    assert target is not None
    target.segment = Segment.from_text(text)


def _tuids(path: Path) -> list[str | None]:
    return [unit.tuid for unit in load_tmx(path).units]


def _marked(path: Path) -> int:
    return sum(any(p.type == CONFLICT_PROP for p in unit.props) for unit in load_tmx(path).units)


def test_a_conflict_is_one_row_holding_both_versions(work: Path) -> None:
    path = _merged(work / "article.tmx")
    assert len(load_tmx(path).units) == 31  # the file holds both versions
    document = WorkFile(path)
    assert len(document) == 30  # one row per sentence
    assert document.conflicts() == [CHANGED]
    row = document.rows[CHANGED]
    assert row.in_conflict and not row.confirmed  # it needs the translator: F8 stops there
    assert (row.conflict_text(OURS), row.conflict_text(THEIRS)) == ("Our translation.", "Their translation.")
    assert document.filtered(RowFilter.CONFLICT) == [CHANGED]
    assert document.next_unconfirmed(CHANGED - 1) == CHANGED


@pytest.mark.parametrize(("side", "kept"), [(OURS, "Our translation."), (THEIRS, "Their translation.")])
def test_picking_a_version_leaves_unique_tuids_and_a_valid_file(work: Path, side: ConflictState, kept: str) -> None:
    path = _merged(work / "article.tmx")
    document = WorkFile(path)
    document.resolve_conflict(CHANGED, side)
    assert document.conflicts() == [] and document.rows[CHANGED].target_text == kept
    document.save()

    tuids = _tuids(path)
    assert len(tuids) == 30 and len(set(tuids)) == 30 and _marked(path) == 0
    target = load_tmx(path).units[CHANGED].variant("en")
    assert target is not None and target.text == kept
    assert run_cli("validate", "--strict", path).code == 0
    qa = run_cli("qa", path)
    assert qa.code in (0, 1) and "appears twice" not in qa.stderr  # checked, not refused


def test_editing_a_conflict_settles_it_with_the_edited_text(work: Path) -> None:
    path = _merged(work / "article.tmx")
    document = WorkFile(path, user="rana.h")
    document.set_target(CHANGED, "Our translation, reworded.")
    assert not document.rows[CHANGED].in_conflict
    document.save()
    units = load_tmx(path).units
    assert len(units) == 30 and _marked(path) == 0
    target = units[CHANGED].variant("en")
    assert target is not None and target.text == "Our translation, reworded." and units[CHANGED].change_id == "rana.h"
    assert run_cli("validate", "--strict", path).code == 0


def test_settling_is_undone_and_redone_like_any_edit(work: Path) -> None:
    path = _merged(work / "article.tmx")
    original = path.read_bytes()
    document = WorkFile(path)
    document.resolve_conflict(CHANGED, THEIRS)
    document.set_target(CHANGED, "Their translation, edited.")
    document.undo()
    document.undo()
    assert document.conflicts() == [CHANGED]
    document.save()
    assert path.read_bytes() == original  # both versions back, marked, byte for byte
    document.redo()
    assert document.rows[CHANGED].target_text == "Their translation." and not document.rows[CHANGED].in_conflict


def test_saving_with_the_conflict_open_keeps_both_marked_versions(work: Path) -> None:
    path = _merged(work / "article.tmx")
    original = path.read_bytes()
    document = WorkFile(path)
    document.confirm(0, "An edit elsewhere.")
    document.save()
    assert _marked(path) == 2 and len(load_tmx(path).units) == 31
    before = work / "before.tmx"
    before.write_bytes(original)
    assert load_tmx(path).units[CHANGED : CHANGED + 2] == load_tmx(before).units[CHANGED : CHANGED + 2]


def test_a_settled_conflict_is_recovered_from_the_journal(work: Path) -> None:
    path = _merged(work / "article.tmx")
    crashed = WorkFile(path)
    crashed.resolve_conflict(CHANGED, THEIRS)
    crashed.close_journal()

    document = WorkFile(path)
    report = document.recover()
    assert report.changed == 1 and document.conflicts() == []
    document.save()
    assert _marked(path) == 0 and len(set(_tuids(path))) == 30
    target = load_tmx(path).units[CHANGED].variant("en")
    assert target is not None and target.text == "Their translation."


def test_a_conflict_with_a_deletion_is_settled_by_keeping_or_deleting(work: Path) -> None:
    path = _merged(work / "article.tmx", theirs_deletes=True)
    document = WorkFile(path)
    row = document.rows[CHANGED]
    assert row.in_conflict and row.conflict_text(THEIRS) is None  # they deleted it
    document.resolve_conflict(CHANGED, THEIRS)
    assert row.removed and CHANGED not in document.filtered()
    document.save()
    assert len(load_tmx(path).units) == 29 and _marked(path) == 0
    assert run_cli("validate", "--strict", path).code == 0
    document.undo()
    document.resolve_conflict(CHANGED, OURS)
    document.save()
    units = load_tmx(path).units
    assert len(units) == 30 and _marked(path) == 0
    target = units[CHANGED].variant("en")
    assert target is not None and target.text == "Our translation."
