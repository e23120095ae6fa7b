"""Team projects over git: two clones of a local bare repository edit one working TMX and sync through it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tmkit.cli import build_parser
from tmkit.cli.edit_command import options_from_args
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.team_sync import TeamSyncError, redact_credentials, sync_interval_from_config, sync_team
from tmkit.jobs.workfile import WorkFile

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

JOB = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="tmx" adminlang="en"
    srclang="ar" datatype="plaintext"/>
  <body>
    <tu tuid="1"><tuv xml:lang="ar"><seg>وصل الوزير إلى لندن.</seg></tuv></tu>
    <tu tuid="2"><tuv xml:lang="ar"><seg>عقد مؤتمرا صحفيا.</seg></tuv></tu>
    <tu tuid="3"><tuv xml:lang="ar"><seg>غادر مساء الثلاثاء.</seg></tuv></tu>
  </body>
</tmx>
"""


def git(folder: Path, *arguments: str) -> str:
    done = subprocess.run(["git", *arguments], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A bare repository holding `job.tmx`, and two clones of it (alice's and bob's), each with its git identity."""
    remote = tmp_path / "team.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    clones = []
    for name in ("alice", "bob"):
        clone = tmp_path / name
        git(tmp_path, "clone", "--quiet", str(remote), str(clone))
        git(clone, "config", "user.name", f"{name} (git)")
        git(clone, "config", "user.email", f"{name}@example.org")
        git(clone, "checkout", "--quiet", "-B", "main")
        clones.append(clone)
    (clones[0] / "job.tmx").write_text(JOB, encoding="utf-8")
    git(clones[0], "add", "job.tmx")
    git(clones[0], "commit", "--quiet", "-m", "the job")
    git(clones[0], "push", "--quiet", "origin", "main")
    git(clones[1], "pull", "--quiet", "origin", "main")
    return remote, clones[0], clones[1]


def confirm(folder: Path, row: int, text: str, *, user: str) -> None:
    """What the editor does: confirm a segment in the working TMX as ``user`` and save."""
    work = WorkFile(folder / "job.tmx", user=user)
    work.confirm(row, text)
    work.save()
    work.close_journal()


def targets(path: Path) -> dict[str | None, str | None]:
    return {
        unit.tuid: (variant.text if (variant := unit.variant("en")) is not None else None)
        for unit in load_tmx(path).units
    }


def test_two_clones_end_with_both_edits(team: tuple[Path, Path, Path]) -> None:
    _, alice, bob = team
    confirm(alice, 0, "The minister arrived in London.", user="alice")
    confirm(bob, 2, "He left on Tuesday evening.", user="bob")

    first = sync_team([alice / "job.tmx"], author="alice")
    assert first.committed and first.pushed and first.changes == []
    second = sync_team([bob / "job.tmx"], author="bob")
    assert second.committed and second.pushed
    assert second.by_author() == {"alice": 1}
    assert "1 from alice" in second.summary()
    third = sync_team([alice / "job.tmx"], author="alice")
    assert third.by_author() == {"bob": 1}

    assert (alice / "job.tmx").read_bytes() == (bob / "job.tmx").read_bytes()
    assert targets(alice / "job.tmx") == {
        "1": "The minister arrived in London.",
        "2": None,
        "3": "He left on Tuesday evening.",
    }
    # The commits carry the translator's name, not git's.
    authors = git(alice, "log", "--format=%an", "--no-merges").splitlines()
    assert authors.count("alice") == 1 and authors.count("bob") == 1
    assert git(alice, "status", "--porcelain") == ""


def test_a_clashing_edit_becomes_a_conflict_row(team: tuple[Path, Path, Path]) -> None:
    _, alice, bob = team
    confirm(alice, 1, "He held a press conference.", user="alice")
    confirm(bob, 1, "He gave a news conference.", user="bob")
    sync_team([alice / "job.tmx"], author="alice")

    report = sync_team([bob / "job.tmx"], author="bob")

    assert report.conflicts == 1 and report.pushed
    work = WorkFile(bob / "job.tmx")
    assert len(work.conflicts()) == 1
    row = work.rows[work.conflicts()[0]]
    assert row.in_conflict
    # Both translations are there to choose from, nothing lost; the clone is not left mid-merge.
    texts = (bob / "job.tmx").read_text(encoding="utf-8")
    assert "He held a press conference." in texts and "He gave a news conference." in texts
    assert git(bob, "status", "--porcelain") == ""
    # Alice's next sync brings the marked units to her too.
    sync_team([alice / "job.tmx"], author="alice")
    assert (alice / "job.tmx").read_bytes() == (bob / "job.tmx").read_bytes()


def test_a_push_to_a_vanished_remote_is_one_clear_line_and_nothing_is_lost(
    team: tuple[Path, Path, Path],
) -> None:
    remote, alice, _ = team
    confirm(alice, 0, "The minister arrived in London.", user="alice")
    saved = (alice / "job.tmx").read_bytes()
    shutil.rmtree(remote)

    with pytest.raises(TeamSyncError) as caught:
        sync_team([alice / "job.tmx"], author="alice")

    message = str(caught.value)
    assert "\n" not in message and "cannot fetch from origin" in message and "committed here" in message
    assert (alice / "job.tmx").read_bytes() == saved
    assert "The minister arrived in London." in git(alice, "show", "HEAD:job.tmx")
    # The remote back (as a new empty repository), the next sync pushes the commit kept here.
    git(alice.parent, "init", "--quiet", "--bare", "-b", "main", str(remote))
    assert sync_team([alice / "job.tmx"], author="alice").pushed
    assert "The minister arrived in London." in git(remote, "show", "main:job.tmx")


def test_a_rejected_push_is_a_clear_line(team: tuple[Path, Path, Path]) -> None:
    remote, alice, _ = team
    confirm(alice, 0, "The minister arrived in London.", user="alice")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'the branch is protected' >&2\nexit 1\n")
    hook.chmod(0o755)

    with pytest.raises(TeamSyncError, match=r"cannot push to origin: .*the next sync pushes them"):
        sync_team([alice / "job.tmx"], author="alice")
    assert "The minister arrived in London." in git(alice, "show", "HEAD:job.tmx")


def test_a_folder_outside_git_is_refused(tmp_path: Path) -> None:
    (tmp_path / "job.tmx").write_text(JOB, encoding="utf-8")
    with pytest.raises(TeamSyncError, match="is not in a git repository"):
        sync_team([tmp_path / "job.tmx"], author="alice")


def test_credentials_in_a_remote_url_are_never_shown() -> None:
    line = "unable to access 'https://sara:s3cret@git.example.org/team.git/': Could not resolve host"
    assert "s3cret" not in redact_credentials(line)
    assert "https://***@git.example.org/team.git/" in redact_credentials(line)


def test_the_sync_timer_comes_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    assert sync_interval_from_config(config) is None  # no file: no timer
    config.write_text('user = "sara"\nteam_sync_interval = 300\n', encoding="utf-8")
    assert sync_interval_from_config(config) == 300.0
    config.write_text("team_sync_interval = 0\n", encoding="utf-8")
    assert sync_interval_from_config(config) is None
    config.write_text('user = "sara"\nteam_sync_interval = "often"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        sync_interval_from_config(config)
    assert str(caught.value).startswith(f"{config}:2: team_sync_interval must be a number of seconds")


def test_the_editor_takes_the_sync_timer_from_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tmkit").mkdir()
    (tmp_path / "tmkit" / "config.toml").write_text("team_sync_interval = 120\n", encoding="utf-8")
    (tmp_path / "job.tmx").write_text(JOB, encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    args = build_parser().parse_args(["edit", str(tmp_path / "job.tmx")])
    assert options_from_args(args).team_sync_interval == 120.0
