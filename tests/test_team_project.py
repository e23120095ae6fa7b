"""A `tmkit init` project shared over git, as a team works it: two clones of a bare origin, each translator's
editor with the project's memory (`tm/project.tmx`), synced with Alt+U."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.helpers import REPO, run_async, run_cli, settle, target, tmx_doc
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


def confirm_in_working_file(
    folder: Path, confirmed: dict[int, str], *, user: str, document: str = "doc1.ar.txt"
) -> list[Path]:
    """What the editor does on a save in a project, without its screen: confirm rows of a document's working file
    (doc1's; made now, as on first opening) and add the confirmed pairs to the project's memory; the files to sync."""
    project = open_project(folder)
    job = project.prepare(project.file(document), user=user)
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


def test_two_translators_adding_different_documents_segments_to_the_memory_is_no_conflict(
    project_team: tuple[Path, Path, Path],
) -> None:
    """Ann translated doc2's first segment, Omar doc3's: each clone's memory gave its new unit the first free tuid,
    the same one, and git's merge driver took the two for one unit added differently on both sides, a conflict
    neither had made (the sync said "1 conflict to settle"; `export` refused the memory). A unit a memory lacks gets
    a tuid of its source (its language and text): different sources, different tuids, on any clone."""
    _, ann, omar = project_team
    ann_files = confirm_in_working_file(
        ann, {0: "The exhibition opened this morning."}, user="ann", document="doc2.ar.txt"
    )
    omar_files = confirm_in_working_file(omar, {0: "Heavy rain fell on the city."}, user="omar", document="doc3.ar.txt")
    sync_team(ann_files, author="ann")
    report = sync_team(omar_files, author="omar")
    assert report.conflicts == 0, report.summary()
    memory = omar_files[1]
    assert memory_targets(memory) == {
        "افتتح المعرض صباح اليوم.": [("The exhibition opened this morning.", None)],
        "هطلت أمطار غزيرة على المدينة.": [("Heavy rain fell on the city.", None)],
    }
    assert run_cli("validate", memory, "--strict").code == 0
    # The same source confirmed on both clones is one unit on both: a second translation of it is a real conflict.
    tuids = {unit.variants[0].text: unit.tuid for unit in load_tmx(memory).units}
    again = confirm_in_working_file(ann, {0: "The fair opened this morning."}, user="ann", document="doc2.ar.txt")
    assert {unit.variants[0].text: unit.tuid for unit in load_tmx(again[1]).units}["افتتح المعرض صباح اليوم."] == (
        tuids["افتتح المعرض صباح اليوم."]
    )


@run_async
async def test_settling_in_the_editor_leaves_the_project_memory_the_version_kept(
    project_team: tuple[Path, Path, Path],
) -> None:
    """Alt+O settled the working file's conflict, but the project memory's own pair (from the same sync) was merged
    with the pair confirmed: the kept version went and the other stayed marked, pushed; `validate` and `export`
    refused the memory, and the document said omar's translation where the memory said ann's."""
    remote, ann, omar = project_team
    ann_app, omar_app = project_editor(ann, "ann"), project_editor(omar, "omar")
    async with ann_app.run_test(size=(160, 45)) as pilot:
        await settle(ann_app, pilot)
        await confirm_row(ann_app, pilot, 0, "The minister arrived in London.")
        await confirm_row(ann_app, pilot, 1, "He held a press conference.")
        await sync(ann_app, pilot)
    async with omar_app.run_test(size=(160, 45)) as pilot:
        await settle(omar_app, pilot)
        await confirm_row(omar_app, pilot, 1, "He gave a news conference.")
        await confirm_row(omar_app, pilot, 2, "He left on Tuesday evening.")
        await sync(omar_app, pilot)
        document = omar_app.document
        assert document is not None and document.conflicts() == [1], status_line(omar_app)
        omar_app.editor_screen.go_to(1)
        await pilot.pause()
        await pilot.press("alt+o")  # his own
        await pilot.pause()
        assert document.conflicts() == []
        await sync(omar_app, pilot)
        assert "conflict" not in status_line(omar_app)
    memory = omar / "tm" / "project.tmx"
    kept = {
        "وصل الوزير إلى لندن.": [("The minister arrived in London.", None)],
        "عقد مؤتمرا صحفيا.": [("He gave a news conference.", None)],
        "غادر مساء الثلاثاء.": [("He left on Tuesday evening.", None)],
    }
    assert memory_targets(memory) == kept
    # What was pushed is that, and the team's tools take it.
    assert git(omar, "status", "--porcelain") == ""
    assert git(omar, "rev-parse", "HEAD") == git(remote, "rev-parse", "main")
    assert run_cli("validate", memory, "--strict").code == 0
    exported = run_cli("export", memory, "-o", omar.parent / "out.tmx")
    assert exported.code == 0, exported.stderr
    # Ann's next sync brings her the settled memory and document, no conflict left to settle anywhere.
    ann_app = project_editor(ann, "ann")
    async with ann_app.run_test(size=(160, 45)) as pilot:
        await settle(ann_app, pilot)
        await sync(ann_app, pilot)
        document = ann_app.document
        assert document is not None and document.conflicts() == []
        assert document.rows[1].target_text == "He gave a news conference."
        assert "conflict" not in status_line(ann_app)
    assert memory_targets(ann / "tm" / "project.tmx") == kept


def test_a_pair_confirmed_replaces_only_the_conflict_versions_of_its_own_source(tmp_path: Path) -> None:
    """A marked version of another source that shares the tuid (each clone numbered the memory on its own) is another
    segment's work: it stays, for that segment's save to settle."""
    memory = tmp_path / "project.tmx"
    memory.write_text(
        tmx_doc(
            '<tu tuid="2"><prop type="x-tmkit-conflict">ours</prop><tuv xml:lang="ar"><seg>عقد مؤتمرا صحفيا.</seg></tuv>'
            '<tuv xml:lang="en"><seg>He gave a news conference.</seg></tuv></tu>'
            '<tu tuid="2"><prop type="x-tmkit-conflict">theirs</prop><tuv xml:lang="ar"><seg>عقد مؤتمرا صحفيا.</seg>'
            '</tuv><tuv xml:lang="en"><seg>He held a press conference.</seg></tuv></tu>'
            '<tu tuid="2"><prop type="x-tmkit-conflict">theirs</prop><tuv xml:lang="ar"><seg>افتتح المعرض صباح اليوم.'
            '</seg></tuv><tuv xml:lang="en"><seg>The fair opened this morning.</seg></tuv></tu>'
        ),
        encoding="utf-8",
    )
    work = tmp_path / "doc1.tmx"
    work.write_text(
        tmx_doc('<tu tuid="1"><tuv xml:lang="ar"><seg>عقد مؤتمرا صحفيا.</seg></tuv></tu>'), encoding="utf-8"
    )
    document = WorkFile(work, source_lang="ar", target_lang="en")
    document.confirm(0, "He gave a news conference.")  # ours, as Alt+O keeps it
    assert document.export_confirmed(memory) == 1
    assert memory_targets(memory) == {
        "عقد مؤتمرا صحفيا.": [("He gave a news conference.", None)],
        "افتتح المعرض صباح اليوم.": [("The fair opened this morning.", "theirs")],
    }


def readme_gitignore() -> str:
    """The `.gitignore` the README gives for a team's project."""
    section = (REPO / "README.md").read_text(encoding="utf-8").split("**What stays out of git.**", 1)[1]
    return section.split("```gitignore\n", 1)[1].split("```", 1)[0]


@run_async
async def test_the_readmes_gitignore_leaves_a_clone_clean_after_editor_sessions(
    project_team: tuple[Path, Path, Path],
) -> None:
    """The README's advice named the index folder only: its delta (`….tmkit-index-delta/`, made when a session opens a
    memory changed since its index was built) showed as untracked in every team clone."""
    _, ann, _ = project_team
    clone = ann.parent
    (clone / ".gitignore").write_text(readme_gitignore(), encoding="utf-8")
    git(clone, "add", ".gitignore")
    git(clone, "commit", "--quiet", "-m", "ignore tmkit's caches")
    for row, text in ((0, "The minister arrived in London."), (1, "He held a press conference.")):
        app = project_editor(ann, "ann")  # each session opens the memory the one before added to
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(app, pilot)
            await confirm_row(app, pilot, row, text)
            await sync(app, pilot)
    caches = [path.name for path in ann.rglob(".*") if "tmkit-" in path.name]
    assert any(name.endswith(".tmkit-index-delta") for name in caches), caches
    assert git(clone, "status", "--porcelain", "--untracked-files=all") == ""
