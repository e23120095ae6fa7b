"""The editor's memories grow while it is open: a confirmed segment is a match for the next segments at once, a
`--save-to` memory also open as `--tm` offers what was saved, and another process sees it on its next lookup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.helpers import run_async, run_cli_process, settle, target, tmx_doc
from tests.test_team_sync import confirm, team
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.team_sync import sync_team
from tmkit.matching.matcher import Matcher
from tmkit.tui.app import EditorApp, EditorOptions
from tmkit.tui.display import BidiMode

# Whole editing sessions through Textual's Pilot, a few seconds each: `-m "not slow"` leaves them out.
pytestmark = pytest.mark.slow

__all__ = ["team"]  # the fixture, imported for these tests

#: The segment confirmed, and a later one whose source differs from it by one word.
CONFIRMED_ROW, CLOSE_ROW = 1, 3
CLOSE_SOURCE = "عقد الوزير مؤتمرا صحفيا في مقر السفارة البريطانية."
TRANSLATION = "The minister held a press conference at the embassy."

JOB = tmx_doc(
    '<tu tuid="1"><tuv xml:lang="ar"><seg>وصل الوزير إلى لندن صباح الاثنين.</seg></tuv></tu>\n'
    '<tu tuid="2"><tuv xml:lang="ar"><seg>عقد الوزير مؤتمرا صحفيا في مقر السفارة.</seg></tuv></tu>\n'
    '<tu tuid="3"><tuv xml:lang="ar"><seg>غادر مساء الثلاثاء.</seg></tuv></tu>\n'
    f'<tu tuid="4"><tuv xml:lang="ar"><seg>{CLOSE_SOURCE}</seg></tuv></tu>\n'
)
#: A memory with nothing close to the job's segments.
MEMORY = tmx_doc(
    '<tu tuid="m1"><tuv xml:lang="ar"><seg>ارتفعت أسعار النفط اليوم.</seg></tuv>'
    '<tuv xml:lang="en"><seg>Oil prices rose today.</seg></tuv></tu>\n'
)


def editor(folder: Path, **options: object) -> EditorApp:
    (folder / "job.tmx").write_text(JOB, encoding="utf-8")
    return EditorApp(EditorOptions(path=folder / "job.tmx", bidi=BidiMode.OFF, ask_recovery=False, **options))  # type: ignore[arg-type]


async def confirm_in_editor(app: EditorApp, pilot: Pilot[None], row: int, text: str) -> None:
    app.editor_screen.go_to(row)
    await pilot.pause()
    target(app).load_text(text)
    await pilot.press("f2")
    await settle(app, pilot)


def offered(app: EditorApp, row: int, text: str, *, memory: str) -> bool:
    return any(m.target.plain == text and m.memory == memory for m in app.editor_screen.matches.get(row, []))


def matched_elsewhere(memory: Path, segment: str) -> list[str]:
    """The translations a separate `tmkit match` process offers for ``segment``."""
    done = run_cli_process("match", memory, segment, "--json", "--min", "50")
    assert done.code == 0, done.stderr
    return [match["target"] for found in json.loads(done.stdout)["results"] for match in found["matches"]]


@run_async
async def test_a_confirmed_segment_is_a_match_for_the_next_ones_at_once(tmp_path: Path) -> None:
    app = editor(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.editor_screen.go_to(CLOSE_ROW)
        await settle(app, pilot)
        assert not offered(app, CLOSE_ROW, TRANSLATION, memory="job.tmx")  # nothing like it translated yet

        await confirm_in_editor(app, pilot, CONFIRMED_ROW, TRANSLATION)
        app.editor_screen.go_to(CLOSE_ROW)
        await settle(app, pilot)
        [match] = [m for m in app.editor_screen.matches[CLOSE_ROW] if m.target.plain == TRANSLATION]
        assert match.memory == "job.tmx" and 75 <= match.score < 100
        # Unsaved: the match came from the editor's index of its own file, not from a file written.
        assert app.document is not None and app.document.dirty

        # Confirmed again with another translation: the new one replaces the old one in the matches.
        await confirm_in_editor(app, pilot, CONFIRMED_ROW, "The minister gave a press conference at the embassy.")
        app.editor_screen.go_to(CLOSE_ROW)
        await settle(app, pilot)
        targets = [m.target.plain for m in app.editor_screen.matches[CLOSE_ROW]]
        assert "The minister gave a press conference at the embassy." in targets and TRANSLATION not in targets


@run_async
async def test_a_save_to_memory_open_as_tm_offers_the_saved_pair_and_another_process_sees_it(tmp_path: Path) -> None:
    memory = tmp_path / "mine.tmx"
    memory.write_text(MEMORY, encoding="utf-8")
    write_tmx(memory, load_tmx(memory))  # as tmkit writes it: a save then appends to it, the header unchanged
    # Another process looks up first: the memory's index is built and cached, without the pair.
    assert TRANSLATION not in matched_elsewhere(memory, CLOSE_SOURCE)
    app = editor(tmp_path, memories=[memory], save_to=memory)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await confirm_in_editor(app, pilot, CONFIRMED_ROW, TRANSLATION)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        app.editor_screen.go_to(CLOSE_ROW)
        await settle(app, pilot)
        # (The working file holds the same pair: one copy stands for both, the one whose unit id sorts first.)
        assert offered(app, CLOSE_ROW, TRANSLATION, memory="mine.tmx") or offered(
            app, CLOSE_ROW, TRANSLATION, memory="job.tmx"
        )
        # The memory's index took the save by a delta over its cached index, not a rebuild, and offers the pair.
        reopened = app.editor_screen.matcher.memories[0]
        assert reopened.name == "mine.tmx" and reopened.base is not None
        found = Matcher([reopened]).match(CLOSE_SOURCE, score_cutoff=50)
        assert TRANSLATION in [match.target.plain for match in found]
        # Another process, while the editor is still open, sees the saved pair on its next lookup.
        assert TRANSLATION in matched_elsewhere(memory, CLOSE_SOURCE)


@run_async
async def test_a_team_sync_refreshes_the_index_of_the_editors_own_file(team: tuple[Path, Path, Path]) -> None:
    _, alice, bob = team
    confirm(bob, 2, "He left on Tuesday evening.", user="bob")
    sync_team([bob / "job.tmx"], author="bob")
    app = EditorApp(EditorOptions(path=alice / "job.tmx", user="alice", bidi=BidiMode.OFF, ask_recovery=False))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("alt+u")
        await settle(app, pilot)
        assert app.document is not None and app.document.rows[2].target_text == "He left on Tuesday evening."
        # The editor's index of its own file holds Bob's unit: the next segments like it are offered it.
        own = app.editor_screen.matcher.memories[-1]
        found = Matcher([own]).match("غادر مساء يوم الثلاثاء.")
        assert [m.target.plain for m in found] == ["He left on Tuesday evening."]
