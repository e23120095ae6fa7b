"""The versions a shared save read, marked in the working file's units, are never lost to a quit: they wait for a save
while the document has unsaved edits, even when those edits are undone."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import SAMPLES
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.shared_save import BASE_PROP, SharedSave, _Read
from tmkit.jobs.workfile import WorkFile


def test_marks_put_in_while_edits_are_unsaved_keep_the_document_unsaved(tmp_path: Path) -> None:
    path = tmp_path / "job.tmx"
    shutil.copy(SAMPLES / "article.tmx", path)
    document = WorkFile(path)
    document.set_target(0, "typed while the versions were read")
    shared = SharedSave("postgresql://never-connected")  # `persist` reads no database: it marks what was read
    shared._memory_id = "m1"
    row = document.rows[3]
    shared._read[(row.unit.tuid or "", row.source.text)] = _Read(42, 7, "-")
    assert shared.persist(document) is None  # not written over the unsaved edit
    assert any(p.type == BASE_PROP for p in document.rows[3].unit.props)
    document.undo()  # the edit undone: the rows are as saved, the marks are not on disk
    assert document.dirty  # so quitting asks to save, and the marks are not dropped
    document.save()
    assert any(p.type == BASE_PROP for p in load_tmx(path).units[3].props)
    assert not document.dirty
