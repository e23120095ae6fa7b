"""The editor in a team project over git: Alt+U saves, commits, pulls the team's units into the screen and pushes;
a clash becomes a conflict row; a sync that cannot reach the remote says so in the status bar, the work kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.helpers import run_async, settle, target
from tests.test_team_sync import confirm, git, targets, team
from tmkit.jobs.team_sync import sync_team
from tmkit.tui.app import EditorApp, EditorOptions
from tmkit.tui.display import BidiMode
from tmkit.tui.widgets.panels import StatusBar

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
__all__ = ["team"]  # the fixture, imported for these tests


def editor(folder: Path, user: str) -> EditorApp:
    return EditorApp(EditorOptions(path=folder / "job.tmx", user=user, bidi=BidiMode.OFF, ask_recovery=False))


async def type_and_sync(app: EditorApp, pilot: Pilot[None], row: int, text: str) -> None:
    app.editor_screen.go_to(row)
    await pilot.pause()
    target(app).load_text(text)
    await pilot.press("alt+u")
    await settle(app, pilot)


def status_line(app: EditorApp) -> str:
    return str(app.query_one(StatusBar).render())


@run_async
async def test_alt_u_brings_the_teams_units_in_and_pushes_ours(team: tuple[Path, Path, Path]) -> None:
    remote, alice, bob = team
    confirm(bob, 2, "He left on Tuesday evening.", user="bob")
    sync_team([bob / "job.tmx"], author="bob")
    app = editor(alice, "alice")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await type_and_sync(app, pilot, 0, "The minister arrived in London.")
        document = app.document
        assert document is not None
        # Bob's unit is on screen without a restart, Alice's edit still there, nothing unsaved.
        assert document.rows[2].target_text == "He left on Tuesday evening."
        assert document.rows[0].target_text == "The minister arrived in London."
        assert not document.dirty
        assert "synced: 1 from bob" in status_line(app)
    assert "The minister arrived in London." in git(remote, "show", "main:job.tmx")
    assert targets(alice / "job.tmx")["3"] == "He left on Tuesday evening."


@run_async
async def test_a_clash_with_the_team_becomes_a_conflict_row(team: tuple[Path, Path, Path]) -> None:
    _, alice, bob = team
    confirm(bob, 1, "He gave a news conference.", user="bob")
    sync_team([bob / "job.tmx"], author="bob")
    app = editor(alice, "alice")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await type_and_sync(app, pilot, 1, "He held a press conference.")
        document = app.document
        assert document is not None
        assert len(document.conflicts()) == 1 and document.rows[document.conflicts()[0]].in_conflict
        assert "1 conflict to settle" in status_line(app)
        # Settled as the editor settles any merge conflict, then synced again: the team gets the settlement.
        app.editor_screen.go_to(document.conflicts()[0])
        await pilot.pause()
        await pilot.press("alt+t")
        await pilot.press("alt+u")
        await settle(app, pilot)
        assert document.conflicts() == []
    sync_team([bob / "job.tmx"], author="bob")
    assert targets(bob / "job.tmx")["2"] == "He gave a news conference."
    assert "x-tmkit-conflict" not in (bob / "job.tmx").read_text(encoding="utf-8")


@run_async
async def test_a_sync_without_its_remote_says_so_and_keeps_the_work(team: tuple[Path, Path, Path]) -> None:
    remote, alice, _ = team
    shutil.rmtree(remote)
    app = editor(alice, "alice")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await type_and_sync(app, pilot, 0, "The minister arrived in London.")
        assert "team sync failed: cannot fetch from origin" in status_line(app)
        document = app.document
        assert document is not None and document.rows[0].target_text == "The minister arrived in London."
    assert targets(alice / "job.tmx")["1"] == "The minister arrived in London."
    assert "The minister arrived in London." in git(alice, "show", "HEAD:job.tmx")


@run_async
async def test_a_sync_with_nothing_unsaved_only_brings_the_teams_units(team: tuple[Path, Path, Path]) -> None:
    _, alice, bob = team
    confirm(bob, 2, "He left on Tuesday evening.", user="bob")
    sync_team([bob / "job.tmx"], author="bob")
    app = editor(alice, "alice")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("alt+u")
        await settle(app, pilot)
        document = app.document
        assert document is not None and document.rows[2].target_text == "He left on Tuesday evening."
        assert "synced: 1 from bob; nothing to push" in status_line(app)
    # No commit of Alice's: she changed nothing.
    assert git(alice, "log", "-1", "--format=%an").strip() == "bob"
