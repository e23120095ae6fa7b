"""A save into a shared memory that meets another translator's newer version of a pair: a conflict row (ours beside
theirs, who and when), as a git team sync's conflict is, and settling it writes the version kept on top of theirs."""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import pytest
from textual.widget import Widget

from tests.helpers import InApp, run_async, run_cli, target
from tests.test_editor_conflicts_ui import _painted
from tests.test_editor_shared import editor, until
from tests.test_team_sync import JOB
from tmkit.jobs.journal import ConflictState
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.model import Status
from tmkit.tui.app import EditorApp

pytestmark = pytest.mark.postgres

ROW = 1
THEIRS = "He held a press conference."
OURS = "He gave a news conference."


def _stored(url: str) -> dict[str, tuple[int, str, str | None]]:
    """The shared memory's units by tuid: version, English text, who changed it."""
    from tmkit.shared.store import SharedMemory

    with SharedMemory(url) as memory:
        return {
            s.unit.tuid or "": (s.version, s.unit.variants[1].text, s.unit.change_id) for s in memory.stored_units()
        }


def _two_work_files(url: str, tmp_path: Path) -> tuple[WorkFile, WorkFile]:
    """Ann's and Ben's copies of one job, each having read the shared memory as an editor does when it opens."""
    assert run_cli("db", "init", url).code == 0
    documents = []
    for name in ("ann", "ben"):
        path = tmp_path / f"{name}.tmx"
        path.write_text(JOB, encoding="utf-8")
        document = WorkFile(path, user=name)
        document.shared_save(url).read(document)
        documents.append(document)
    return documents[0], documents[1]


def test_a_pair_changed_by_another_writer_since_it_was_read_becomes_a_conflict_row(
    postgres_url: str, tmp_path: Path
) -> None:
    ann, ben = _two_work_files(postgres_url, tmp_path)
    ben.confirm(ROW, THEIRS)
    ben.save()
    assert ben.shared_save(postgres_url).save(ben).written == 1
    ann.confirm(ROW, OURS)
    ann.confirm(0, "The minister arrived in London.")
    ann.save()
    report = ann.shared_save(postgres_url).save(ann)
    # Ben's translation stands; Ann's other segment is written; hers of the same segment is not lost but kept.
    assert report.written == 1 and report.conflicts == [ROW]
    assert _stored(postgres_url)["2"] == (1, THEIRS, "ben")
    row = ann.rows[ROW]
    assert row.in_conflict and not row.confirmed
    assert (row.conflict_text(ConflictState.OURS), row.conflict_text(ConflictState.THEIRS)) == (OURS, THEIRS)
    theirs = row.conflict.version(ConflictState.THEIRS) if row.conflict else None
    assert theirs is not None and theirs.change_id == "ben" and theirs.change_date
    # Both versions are in the working file on disk, as a team sync leaves a conflict: a crash loses neither.
    assert not ann.dirty
    reopened = WorkFile(ann.path, user="ann")
    assert reopened.rows[ROW].in_conflict
    assert reopened.rows[ROW].conflict_text(ConflictState.THEIRS) == THEIRS
    # While it is open, saving again writes nothing for it.
    assert ann.shared_save(postgres_url).save(ann).written == 0
    assert _stored(postgres_url)["2"] == (1, THEIRS, "ben")
    # Kept ours: written on top of Ben's version.
    ann.resolve_conflict(ROW, ConflictState.OURS)
    ann.save()
    report = ann.shared_save(postgres_url).save(ann)
    assert report.written == 1 and not report.conflicts
    assert _stored(postgres_url)["2"] == (2, OURS, "ann")


def test_keeping_theirs_leaves_their_version_as_it_is(postgres_url: str, tmp_path: Path) -> None:
    ann, ben = _two_work_files(postgres_url, tmp_path)
    ben.confirm(ROW, THEIRS)
    ben.shared_save(postgres_url).save(ben)
    ann.confirm(ROW, OURS)
    assert ann.shared_save(postgres_url).save(ann).conflicts == [ROW]
    # Ann's edit was not saved yet: the save into the memory writes the working file with the conflict all the
    # same, so that a crash now loses neither version.
    assert not ann.dirty and not ann.journal_file.exists()
    on_disk = WorkFile(ann.path, user="ann").rows[ROW]
    assert on_disk.in_conflict
    assert (on_disk.conflict_text(ConflictState.OURS), on_disk.conflict_text(ConflictState.THEIRS)) == (OURS, THEIRS)
    ann.resolve_conflict(ROW, ConflictState.THEIRS)
    assert ann.rows[ROW].target_text == THEIRS and ann.rows[ROW].confirmed
    report = ann.shared_save(postgres_url).save(ann)
    assert (report.written, report.unchanged, report.conflicts) == (0, 1, [])
    assert _stored(postgres_url)["2"] == (1, THEIRS, "ben")


def test_the_same_translation_from_both_is_no_conflict_and_the_higher_status_wins(
    postgres_url: str, tmp_path: Path
) -> None:
    ann, ben = _two_work_files(postgres_url, tmp_path)
    ben.confirm(ROW, THEIRS)
    ben.shared_save(postgres_url).save(ben)
    ann.approve(ROW, THEIRS)
    report = ann.shared_save(postgres_url).save(ann)
    assert (report.written, report.conflicts) == (1, [])
    from tmkit.shared.store import SharedMemory

    with SharedMemory(postgres_url) as memory:
        [stored] = list(memory.stored_units())
    assert (stored.version, stored.unit.status, stored.unit.variants[1].text) == (2, Status.REVIEWED, THEIRS)
    # Ben saves again without changing it: his older status does not overwrite Ann's approval.
    assert ben.shared_save(postgres_url).save(ben).written == 0
    assert _stored(postgres_url)["2"][0] == 2


def test_a_pair_not_changed_since_its_last_save_leaves_a_newer_version_alone(postgres_url: str, tmp_path: Path) -> None:
    """Every save goes over all confirmed segments: one Ann saved before Ben changed it is not written again."""
    ann, _ = _two_work_files(postgres_url, tmp_path)
    ann.confirm(ROW, OURS)
    ann.shared_save(postgres_url).save(ann)
    # Ben opens his editor after that: it reads Ann's version.
    (tmp_path / "ben-later.tmx").write_text(JOB, encoding="utf-8")
    ben = WorkFile(tmp_path / "ben-later.tmx", user="ben")
    ben.shared_save(postgres_url).read(ben)
    ben.confirm(ROW, THEIRS)
    assert ben.shared_save(postgres_url).save(ben).written == 1
    ann.confirm(0, "The minister arrived in London.")
    report = ann.shared_save(postgres_url).save(ann)
    assert (report.written, report.conflicts) == (1, [])
    assert _stored(postgres_url)["2"] == (2, THEIRS, "ben")


def _panel_state(app: EditorApp, panel: Widget) -> str:
    """What stands between the conflict panel and the screen, for a failure's message."""
    screen = app.editor_screen
    document = app.document
    box = screen.query_one("#conflict-box", Widget)
    return (
        f"screens {[type(s).__name__ for s in app.screen_stack]}, classes {sorted(screen.classes)}, "
        f"current {screen.current}, in conflict {document is not None and document.rows[ROW].in_conflict}, "
        f"panel size {panel.size}, its box {box.size} (display {box.styles.display}), "
        f"workers {[(w.description, w.state.name) for w in app.workers]}, painted {_painted(panel)!r}, "
        f"return code {app.return_code}"
    )


@run_async
async def test_the_editor_shows_a_stale_save_as_a_conflict_row_and_alt_o_writes_ours(
    postgres_url: str, tmp_path: Path
) -> None:
    from tmkit.tui.widgets.panels import ConflictPanel
    from tmkit.tui.widgets.segment_list import SegmentList

    assert run_cli("db", "init", postgres_url).code == 0
    ann, ben = editor(tmp_path / "ann", postgres_url), editor(tmp_path / "ben", postgres_url)
    async with ann.run_test(size=(160, 45)) as ann_pilot, ben.run_test(size=(160, 45)) as ben_pilot:
        in_ann, in_ben = await InApp.of(ann_pilot), await InApp.of(ben_pilot)
        for app, steps in ((ann, in_ann), (ben, in_ben)):
            await until(steps, lambda app=app: app.document is not None and app.editor_screen.memories_ready)  # type: ignore[misc]
            steps.call(app.editor_screen.go_to, ROW)
            await steps.pause()
        in_ben.call(target(ben).load_text, THEIRS)
        await in_ben.press("f2")
        await in_ben.press("ctrl+s")
        assert _stored(postgres_url)["2"][1] == THEIRS
        in_ann.call(target(ann).load_text, OURS)
        await in_ann.press("f2")
        in_ann.call(ann.editor_screen.go_to, ROW)
        await in_ann.pause()
        await in_ann.press("ctrl+s")
        await in_ann.pause()
        document = ann.document
        assert document is not None and document.rows[ROW].in_conflict
        assert _stored(postgres_url)["2"] == (1, THEIRS, "ben")
        # The row is marked C in the list, and both versions stand above the matches with who changed them.
        line = ann.query_one(SegmentList)._line(ROW).plain
        assert re.match(rf"\s*{ROW + 1} C ", line), line
        assert ann.editor_screen.current == ROW
        # The panel is shown by a class that takes effect at the next layout: wait for what it paints.
        panel = ann.query_one(ConflictPanel)
        painted = functools.partial(in_ann.call, _painted, panel)
        await until(in_ann, lambda: "Alt+O ours" in painted(), state=lambda: in_ann.call(_panel_state, ann, panel))
        shown = painted()
        assert OURS in shown
        assert "Alt+T theirs" in shown and THEIRS in shown and "ben" in shown
        await in_ann.press("alt+o")
        await in_ann.press("ctrl+s")
        await in_ann.pause()
        assert not document.rows[ROW].in_conflict and not document.dirty
        assert _stored(postgres_url)["2"] == (2, OURS, "ann")


@run_async
async def test_an_edit_recovered_after_a_crash_meets_a_change_made_meanwhile_as_a_conflict_row(
    postgres_url: str, tmp_path: Path
) -> None:
    """The editor reads the versions when it opens and keeps them in the working file: after a crash, the recovered
    edit is saved at the version read before it, so Ben's change in between is a conflict row, not overwritten."""
    from tmkit.tui.app import EditorApp
    from tmkit.tui.screens import RecoveryScreen

    assert run_cli("db", "init", postgres_url).code == 0
    ann = editor(tmp_path / "ann", postgres_url)
    async with ann.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: ann.document is not None and ann.editor_screen.memories_ready)
        ann.editor_screen.go_to(ROW)
        await pilot.pause()
        target(ann).load_text(OURS)
        await pilot.press("f2")
        await pilot.pause()
        # no save: leaving the app is the crash (the journal holds the edit, the working file the versions read)
    path = tmp_path / "ann" / "job.tmx"
    assert WorkFile(path).journal_file.exists()
    ben = WorkFile(_copy_of_job(tmp_path / "ben.tmx"), user="ben")
    ben.shared_save(postgres_url).read(ben)
    ben.confirm(ROW, THEIRS)
    assert ben.shared_save(postgres_url).save(ben).written == 1

    again = EditorApp(dataclasses.replace(ann.options, ask_recovery=True))
    async with again.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: isinstance(again.screen, RecoveryScreen))
        # The versions read while the question waits must not write the file (that would drop the journal).
        await until(pilot, lambda: again.editor_screen.memories_ready)
        assert WorkFile(path).journal_file.exists()
        await pilot.click("#recover")
        await pilot.pause()
        document = again.document
        assert document is not None and document.rows[ROW].target_text == OURS
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert document.rows[ROW].in_conflict and not document.dirty
    assert _stored(postgres_url)["2"] == (1, THEIRS, "ben")
    on_disk = WorkFile(path).rows[ROW]
    assert (on_disk.conflict_text(ConflictState.OURS), on_disk.conflict_text(ConflictState.THEIRS)) == (OURS, THEIRS)


def _copy_of_job(path: Path) -> Path:
    path.write_text(JOB, encoding="utf-8")
    return path
