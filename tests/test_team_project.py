"""A `tmkit init` project shared over git, as a team works it: two clones of a bare origin, each translator's
editor with the project's memory (`tm/project.tmx`), synced with Alt+U."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.helpers import REPO, settle, target
from tests.test_team_sync import git
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.project import init_project, open_project
from tmkit.jobs.team_sync import sync_team
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.merge import conflict_side
from tmkit.tui.app import EditorApp, EditorOptions
from tmkit.tui.display import BidiMode
from tmkit.tui.widgets.panels import StatusBar

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

DOCUMENTS = {
    "doc1.ar.txt": "وصل الوزير إلى لندن.\n\nعقد مؤتمرا صحفيا.\n\nغادر مساء الثلاثاء.\n",
    "doc2.ar.txt": "افتتح المعرض صباح اليوم.\n",
    "doc3.ar.txt": "هطلت أمطار غزيرة على المدينة.\n",
}


@pytest.fixture
def project_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """A bare origin holding a fresh `tmkit init` project with three documents, and ann's and omar's clones."""
    # The merge driver git runs is `python -m tmkit`: this checkout's, not whichever tmkit is installed.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    remote = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    seed = tmp_path / "seed"
    git(tmp_path, "init", "--quiet", "-b", "main", str(seed))
    init_project(seed / "proj", source_lang="ar", target_lang="en")
    for name, text in DOCUMENTS.items():
        (seed / "proj" / "source" / name).write_text(text, encoding="utf-8")
    git(seed, "add", ".")
    git(seed, "-c", "user.name=lead", "-c", "user.email=lead@example.org", "commit", "--quiet", "-m", "the project")
    git(seed, "push", "--quiet", str(remote), "main")
    clones = []
    for name in ("ann", "omar"):
        clone = tmp_path / name
        git(tmp_path, "clone", "--quiet", str(remote), str(clone))
        git(clone, "config", "user.name", f"{name} (git)")
        git(clone, "config", "user.email", f"{name}@example.org")
        clones.append(clone / "proj")
    return remote, clones[0], clones[1]


def project_editor(folder: Path, user: str) -> EditorApp:
    """What `tmkit edit PROJECT doc1.ar.txt --user USER` opens: the working file (made now), the project's memory."""
    project = open_project(folder)
    job = project.prepare(project.file("doc1.ar.txt"), memories=project.memories(), user=user)
    return EditorApp(
        EditorOptions(
            path=job.path,
            memories=project.memories(),
            source_lang=project.source_lang,
            target_lang=project.target_lang,
            save_to=project.save_to(),
            user=user,
            bidi=BidiMode.OFF,
            ask_recovery=False,
        )
    )


async def confirm_row(app: EditorApp, pilot: Pilot[None], row: int, text: str) -> None:
    app.editor_screen.go_to(row)
    await pilot.pause()
    target(app).load_text(text)
    await pilot.press("ctrl+enter")
    await pilot.pause()


async def sync(app: EditorApp, pilot: Pilot[None]) -> None:
    await pilot.press("alt+u")
    await settle(app, pilot)


def status_line(app: EditorApp) -> str:
    return str(app.query_one(StatusBar).render())


def memory_targets(path: Path) -> dict[str, list[tuple[str | None, str | None]]]:
    """Each source sentence of a memory: its English versions with their conflict marks."""
    found: dict[str, list[tuple[str | None, str | None]]] = {}
    for unit in load_tmx(path).units:
        english = unit.variant("en")
        found.setdefault(unit.variants[0].text, []).append(
            (english.text if english is not None else None, conflict_side(unit))
        )
    return found


def confirm_in_working_file(folder: Path, confirmed: dict[int, str], *, user: str) -> list[Path]:
    """What the editor does on a save in a project, without its screen: confirm rows of doc1's working file (made now,
    as on first opening) and add the confirmed pairs to the project's memory; the files to sync."""
    project = open_project(folder)
    job = project.prepare(project.file("doc1.ar.txt"), user=user)
    memory = project.save_to()
    assert memory is not None
    work = WorkFile(job.path, user=user, source_lang="ar", target_lang="en")
    for row, text in confirmed.items():
        work.confirm(row, text)
    work.save()
    work.close_journal()
    work.export_confirmed(memory)
    return [job.path, memory]


def test_a_fresh_clone_adds_confirmed_pairs_to_the_project_memory(project_team: tuple[Path, Path, Path]) -> None:
    # git keeps no empty folder: a clone of a new project has no tm/, where the project's memory goes.
    _, ann, _ = project_team
    assert not (ann / "tm").exists()
    _, memory = confirm_in_working_file(ann, {0: "The minister arrived in London."}, user="ann")
    assert memory_targets(memory) == {"وصل الوزير إلى لندن.": [("The minister arrived in London.", None)]}


def test_the_first_sync_takes_what_only_one_translator_translated(project_team: tuple[Path, Path, Path]) -> None:
    """Both clones made doc1's working file on first opening (git merges two additions, no common ancestor): a segment
    only one translated takes that translation; only the segment both translated differently is a conflict."""
    _, ann, omar = project_team
    ann_files = confirm_in_working_file(
        ann, {0: "The minister arrived in London.", 1: "He held a press conference."}, user="ann"
    )
    omar_files = confirm_in_working_file(
        omar, {1: "He gave a news conference.", 2: "He left on Tuesday evening."}, user="omar"
    )
    sync_team(ann_files, author="ann")

    report = sync_team(omar_files, author="omar")

    # One conflict in the working file, one in the memory: the segment both translated.
    assert report.conflicts == 2, report.summary()
    work = WorkFile(omar_files[0])
    assert work.conflicts() == [1]
    assert [row.target_text for row in work.rows] == [
        "The minister arrived in London.",
        "He gave a news conference.",
        "He left on Tuesday evening.",
    ]
    assert [row.confirmed for row in work.rows] == [True, False, True]
    assert memory_targets(omar_files[1]) == {
        "وصل الوزير إلى لندن.": [("The minister arrived in London.", None)],
        "عقد مؤتمرا صحفيا.": [("He gave a news conference.", "ours"), ("He held a press conference.", "theirs")],
        "غادر مساء الثلاثاء.": [("He left on Tuesday evening.", None)],
    }
