"""Two editors on one PostgreSQL memory: a segment one translator confirms and saves is offered as a match in the
other's editor while it runs, without a restart (LISTEN/NOTIFY followed in a worker, fed to its matcher)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from textual.pilot import Pilot

from tests.helpers import SAMPLES, InApp, run_async, run_cli, target
from tests.postgres_fixtures import PrivateServer
from tests.test_team_sync import JOB
from tmkit.memory.model import Segment, TranslationUnit, Variant
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


def _unit(source: str, translation: str) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(source)), Variant("en", Segment.from_text(translation))], tuid="t"
    )


@pytest.mark.postgres
@run_async
async def test_after_the_server_restarts_the_editor_follows_the_team_again(
    private_postgres: PrivateServer, tmp_path: Path
) -> None:
    # (A server of its own: stopping the one every worker's tests use broke theirs.)
    postgres_url, postgres_server = private_postgres.url, private_postgres.control

    import psycopg

    from tmkit.shared.store import SharedMemory

    assert run_cli("db", "init", postgres_url).code == 0
    assert run_cli("db", "import", postgres_url, SAMPLES / "news-memory.tmx").code == 0
    ann = editor(tmp_path / "ann", postgres_url)
    async with ann.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: ann.document is not None and ann.editor_screen.memories_ready)
        screen = ann.editor_screen
        [follower] = [w for w in ann.workers if w.group == "team-units"]
        assert ann.document is not None
        source = ann.document.rows[ROW].source.text
        postgres_server.stop()
        try:
            # Down: the status bar says so, and the editor goes on looking up in the index as it stands.
            await until(pilot, lambda: bool(screen._unfollowed))
            assert "following off" in str(screen.status_bar.render())
            screen.go_to(ROW)
            await until(pilot, lambda: ROW in screen.matches)
        finally:
            postgres_server.start()
        await until(pilot, lambda: not screen._unfollowed, state=lambda: str(follower.state))
        assert "following off" not in str(screen.status_bar.render())
        with SharedMemory(postgres_url) as other:
            other.add(_unit(source, CONFIRMED))
        await until(pilot, lambda: offered(ann, ROW, CONFIRMED))

        # What the team wrote while the editor could not listen is caught up when it is back: the database refuses
        # the editor's connections until the unit is written, so its announcement reaches none of the editor's.
        database = urlsplit(postgres_url).path.lstrip("/")
        again = "He spoke to the press."
        # (A database may not refuse connections from a session in it: the server's own database does it.)
        with (
            SharedMemory(postgres_url) as other,
            psycopg.connect(private_postgres.server_url, autocommit=True) as admin,
        ):
            admin.execute(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false")
            try:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                    [database, other.conn.info.backend_pid],
                )
                await until(pilot, lambda: bool(screen._unfollowed))
                other.confirm(_unit(source, again))
                assert not offered(ann, ROW, again)
            finally:
                admin.execute(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true")
        await until(pilot, lambda: not screen._unfollowed and offered(ann, ROW, again))
        assert not offered(ann, ROW, CONFIRMED)  # the unit's new version took the old one's place
        assert follower.is_running and ann.is_running
