"""Two editors on one PostgreSQL memory: a segment one translator confirms and saves is offered as a match in the
other's editor while it runs, without a restart (LISTEN/NOTIFY followed in a worker, fed to its matcher)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.helpers import SAMPLES, InApp, run_async, run_cli, target
from tests.test_team_sync import JOB
from tmkit.tui.app import EditorApp, EditorOptions
from tmkit.tui.display import BidiMode

#: Seconds a wait may take before the test calls it a hang (a loaded machine is many times slower than the goal).
HANG = 30.0
#: The segment both jobs hold, and the translation the second editor confirms.
ROW = 1
CONFIRMED = "He held a press conference."


def editor(folder: Path, url: str) -> EditorApp:
    folder.mkdir()
    (folder / "job.tmx").write_text(JOB, encoding="utf-8")
    return EditorApp(
        EditorOptions(
            path=folder / "job.tmx",
            memories=[url],
            save_to=url,
            user=folder.name,
            bidi=BidiMode.OFF,
            ask_recovery=False,
        )
    )


async def until(
    pilot: Pilot[None] | InApp, condition: Callable[[], bool], *, state: Callable[[], str] | None = None
) -> float:
    """Seconds until ``condition`` held (polling); a hang fails the test, with the ``state`` it ended in."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > HANG:
            raise AssertionError("the condition never held" + (f": {state()}" if state is not None else ""))
        await pilot.pause(0.01)
    return time.monotonic() - start


def offered(app: EditorApp, row: int, text: str) -> bool:
    return any(m.target.plain == text and m.score >= 100 for m in app.editor_screen.matches.get(row, []))


@pytest.mark.postgres
@run_async
async def test_a_segment_confirmed_in_one_editor_is_a_match_in_the_other(postgres_url: str, tmp_path: Path) -> None:
    assert run_cli("db", "init", postgres_url).code == 0
    assert run_cli("db", "import", postgres_url, SAMPLES / "news-memory.tmx").code == 0
    ann, ben = editor(tmp_path / "ann", postgres_url), editor(tmp_path / "ben", postgres_url)
    async with ann.run_test(size=(160, 45)) as ann_pilot, ben.run_test(size=(160, 45)) as ben_pilot:
        in_ann, in_ben = await InApp.of(ann_pilot), await InApp.of(ben_pilot)
        for app, steps in ((ann, in_ann), (ben, in_ben)):
            await until(steps, lambda app=app: app.document is not None and app.editor_screen.memories_ready)  # type: ignore[misc]
            steps.call(app.editor_screen.go_to, ROW)
        # Ann is on the segment and has looked it up: nothing for it yet.
        await until(in_ann, lambda: ROW in ann.editor_screen.matches)
        assert not offered(ann, ROW, CONFIRMED)

        in_ben.call(target(ben).load_text, CONFIRMED)
        await in_ben.press("f2")
        saving = time.monotonic()
        await in_ben.press("ctrl+s")
        await until(in_ann, lambda: offered(ann, ROW, CONFIRMED))
        # A figure for the report, not a timed assertion (the goal is 1 s; a loaded machine may be slower).
        print(f"\nthe match was in the other editor {(time.monotonic() - saving) * 1000:.0f} ms after Ctrl+S")
        assert ben.document is not None and not ben.document.dirty
        [match] = [m for m in ann.editor_screen.matches[ROW] if m.target.plain == CONFIRMED]
        assert match.memory == postgres_url and match.change_id == "ben"
        # Ann's own matches from the file memory and her work are untouched.
        assert ann.document is not None and not ann.document.dirty


@pytest.mark.postgres
@run_async
async def test_a_segment_confirmed_again_replaces_its_match(postgres_url: str, tmp_path: Path) -> None:
    assert run_cli("db", "init", postgres_url).code == 0
    assert run_cli("db", "import", postgres_url, SAMPLES / "news-memory.tmx").code == 0
    ann, ben = editor(tmp_path / "ann", postgres_url), editor(tmp_path / "ben", postgres_url)
    async with ann.run_test(size=(160, 45)) as ann_pilot, ben.run_test(size=(160, 45)) as ben_pilot:
        in_ann, in_ben = await InApp.of(ann_pilot), await InApp.of(ben_pilot)
        for app, steps in ((ann, in_ann), (ben, in_ben)):
            await until(steps, lambda app=app: app.document is not None and app.editor_screen.memories_ready)  # type: ignore[misc]
            steps.call(app.editor_screen.go_to, ROW)
        for text in (CONFIRMED, "He gave a press conference."):
            in_ben.call(ben.editor_screen.go_to, ROW)
            await in_ben.pause()
            in_ben.call(target(ben).load_text, text)
            await in_ben.press("f2")
            await in_ben.press("ctrl+s")
            await until(in_ann, lambda text=text: offered(ann, ROW, text))  # type: ignore[misc]
        # The unit's new version took the old one's place: the first translation is no longer offered.
        assert not offered(ann, ROW, CONFIRMED)


@pytest.mark.postgres
@run_async
async def test_a_lost_connection_stops_following_and_the_editor_goes_on(postgres_url: str, tmp_path: Path) -> None:
    import psycopg
    from textual.worker import WorkerState

    assert run_cli("db", "init", postgres_url).code == 0
    assert run_cli("db", "import", postgres_url, SAMPLES / "news-memory.tmx").code == 0
    ann = editor(tmp_path / "ann", postgres_url)
    async with ann.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: ann.document is not None and ann.editor_screen.memories_ready)
        [follower] = [w for w in ann.workers if w.group == "team-units"]
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%%' AND pid <> "
                "pg_backend_pid()"
            )
        await until(pilot, lambda: follower.is_finished)
        # Said and ended, not a crash: the editor still looks segments up in the index as it stands.
        assert follower.state is WorkerState.SUCCESS
        ann.editor_screen.go_to(ROW)
        await until(pilot, lambda: ROW in ann.editor_screen.matches)
        assert ann.is_running
