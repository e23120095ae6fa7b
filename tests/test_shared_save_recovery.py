"""A shared save survives a crash: the unit and version each pair is based on are kept in the working file, so
that edits recovered from the journal after a kill are written at that version, and a change someone else made
in between becomes a conflict row instead of being overwritten."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.test_team_sync import JOB
from tmkit.jobs.journal import ConflictState
from tmkit.jobs.shared_save import BASE_PROP
from tmkit.jobs.workfile import WorkFile

pytestmark = pytest.mark.postgres

ROW = 1
OURS = "He gave a news conference."
THEIRS = "He held a press conference."
EARLIER = "He held a news conference."

#: Ann's editor as a process of its own: opens the job, reads the shared memory's versions as the editor does when
#: it opens, confirms a segment (journalled, not saved), says so and waits to be killed.
ANN_EDITS = textwrap.dedent(
    """
    import sys, time
    from tmkit.jobs.workfile import WorkFile

    path, url, row, text = sys.argv[1:5]
    document = WorkFile(path, user="ann")
    document.shared_save(url).read(document)
    document.confirm(int(row), text)
    print("edited", flush=True)
    time.sleep(60)
    """
)


def _stored(url: str) -> dict[str, tuple[int, str, str | None]]:
    """The shared memory's units by tuid: version, English text, who changed it."""
    from tmkit.shared.store import SharedMemory

    with SharedMemory(url) as memory:
        return {
            s.unit.tuid or "": (s.version, s.unit.variants[1].text, s.unit.change_id) for s in memory.stored_units()
        }


def _ben_saves(url: str, folder: Path, text: str) -> None:
    """Ben, in an editor of his own opened now, confirms ROW as ``text`` and saves into the shared memory."""
    path = folder / "ben.tmx"
    if not path.exists():
        path.write_text(JOB, encoding="utf-8")
    ben = WorkFile(path, user="ben")
    ben.shared_save(url).read(ben)
    ben.confirm(ROW, text)
    ben.save()
    report = ben.shared_save(url).save(ben)
    assert report.written == 1 and not report.conflicts


def _ann_edits_and_is_killed(url: str, path: Path) -> None:
    """Ann's editor process confirms OURS in ROW and is killed (SIGKILL) before it saves."""
    ann = subprocess.Popen(
        [sys.executable, "-c", ANN_EDITS, str(path), url, str(ROW), OURS],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert ann.stdout is not None and ann.stdout.readline().strip() == "edited"
    finally:
        os.kill(ann.pid, signal.SIGKILL)
        ann.wait()
    assert ann.returncode == -signal.SIGKILL


@pytest.mark.parametrize("stored_before", [True, False], ids=["unit-stored-before", "no-unit-before"])
def test_edits_recovered_after_a_kill_are_written_at_the_version_read_before_it(
    postgres_url: str, tmp_path: Path, stored_before: bool
) -> None:
    assert run_cli("db", "init", postgres_url).code == 0
    if stored_before:
        _ben_saves(postgres_url, tmp_path, EARLIER)
    path = tmp_path / "ann.tmx"
    path.write_text(JOB, encoding="utf-8")
    _ann_edits_and_is_killed(postgres_url, path)
    # The base Ann's editor read is in her working file (valid TMX), her edit only in the journal.
    assert BASE_PROP in path.read_text(encoding="utf-8")
    assert run_cli("validate", path).code == 0
    # Meanwhile Ben changes the segment (or adds it).
    _ben_saves(postgres_url, tmp_path, THEIRS)
    stored = _stored(postgres_url)["2"]
    assert stored[1:] == (THEIRS, "ben")
    # Ann starts her editor again: her edit is recovered, the versions read, and she saves.
    ann = WorkFile(path, user="ann")
    pending = ann.pending_journal()
    assert len(pending) == 1
    assert ann.recover(pending).changed == 1
    ann.shared_save(postgres_url).read(ann)
    ann.save()
    report = ann.shared_save(postgres_url).save(ann)
    # Ben's version stands, Ann's is not lost: a conflict row, on disk.
    assert report.conflicts == [ROW] and report.written == 0 and report.not_saved is None
    assert _stored(postgres_url)["2"] == stored
    reopened = WorkFile(path, user="ann")
    row = reopened.rows[ROW]
    assert row.in_conflict
    assert (row.conflict_text(ConflictState.OURS), row.conflict_text(ConflictState.THEIRS)) == (OURS, THEIRS)
    assert run_cli("validate", path).code == 0
    # Keeping hers writes it on top of Ben's.
    reopened.resolve_conflict(ROW, ConflictState.OURS)
    reopened.save()
    report = reopened.shared_save(postgres_url).save(reopened)
    assert report.written == 1 and not report.conflicts
    assert _stored(postgres_url)["2"] == (stored[0] + 1, OURS, "ann")


def test_a_pair_saved_in_an_earlier_session_is_not_written_over_a_newer_version(
    postgres_url: str, tmp_path: Path
) -> None:
    """The next session knows which version a pair was written at: one saved before Ben changed it is not written
    again (in that session the memory's newer version looked like an edit of hers)."""
    assert run_cli("db", "init", postgres_url).code == 0
    path = tmp_path / "ann.tmx"
    path.write_text(JOB, encoding="utf-8")
    ann = WorkFile(path, user="ann")
    ann.shared_save(postgres_url).read(ann)
    ann.confirm(ROW, OURS)
    ann.save()
    assert ann.shared_save(postgres_url).save(ann).written == 1
    _ben_saves(postgres_url, tmp_path, THEIRS)
    stored = _stored(postgres_url)["2"]
    assert stored == (2, THEIRS, "ben")
    again = WorkFile(path, user="ann")
    again.shared_save(postgres_url).read(again)
    again.confirm(0, "The minister arrived in London.")
    again.save()
    report = again.shared_save(postgres_url).save(again)
    assert (report.written, report.unchanged, report.conflicts) == (1, 1, [])
    assert _stored(postgres_url)["2"] == stored


def test_a_save_with_an_earlier_sessions_journal_not_yet_recovered_leaves_it(postgres_url: str, tmp_path: Path) -> None:
    """Writing the working file would drop a killed session's journal before anyone chose to recover it."""
    assert run_cli("db", "init", postgres_url).code == 0
    path = tmp_path / "ann.tmx"
    path.write_text(JOB, encoding="utf-8")
    first = WorkFile(path, user="ann")
    first.confirm(0, "The minister arrived in London.")
    first.save()
    _ann_edits_and_is_killed(postgres_url, path)
    journal = first.journal_file.read_bytes()
    ann = WorkFile(path, user="ann")  # the journal is neither recovered nor discarded yet
    report = ann.shared_save(postgres_url).save(ann)
    assert report.written == 1 and report.not_saved is not None and "earlier session" in report.not_saved
    assert ann.journal_file.read_bytes() == journal
    assert len(WorkFile(path, user="ann").pending_journal()) == 1
