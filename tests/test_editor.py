"""The editor driven headless through Textual's Pilot: edit, confirm, approve, save, recover, changed-on-disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.binding import Binding
from textual.widgets import Input

from tests.helpers import make_app, run_async, run_cli, run_cli_process, settle, target
from tests.test_journal import fill_the_disk
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.journal import journal_path
from tmkit.jobs.project import Project, ProjectFile, open_project
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.model import Status
from tmkit.tui.app import EditorApp, EditorOptions
from tmkit.tui.display import BidiMode
from tmkit.tui.editor_screen import EditorScreen, _changed_span_end
from tmkit.tui.messages import MatchesShown, SegmentApproved, SegmentConfirmed
from tmkit.tui.screens import ChangedOnDiskScreen, QuitScreen, RecoveryScreen, SaveAsScreen
from tmkit.tui.widgets.panels import MatchesPanel, StatusBar

# Whole editing sessions through Textual's Pilot, a few seconds each: `-m "not slow"` leaves them out.
pytestmark = pytest.mark.slow


@run_async
async def test_edit_confirm_approve_and_save_write_the_tmx(work: Path) -> None:
    messages: list[object] = []
    app = make_app(work)
    async with app.run_test(size=(160, 45), message_hook=messages.append) as pilot:
        await settle(app, pilot)
        assert app.document is not None
        first = app.editor_screen.current
        assert first == 24  # the first unconfirmed (draft) segment of the sample
        target(app).load_text("")
        await pilot.press(*"Direct shipping lines matter.")
        await pilot.press("f2")  # confirm → next unconfirmed
        await settle(app, pilot)
        assert app.editor_screen.current == 26
        await pilot.press("alt+a")  # approve the draft segment 27 as it stands
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert any(isinstance(m, SegmentConfirmed) and m.row == 24 for m in messages)
    assert any(isinstance(m, SegmentApproved) and m.row == 26 for m in messages)
    saved = load_tmx(work / "article.tmx")
    assert saved.units[24].variant("en") is not None
    assert saved.units[24].variant("en").text == "Direct shipping lines matter."  # type: ignore[union-attr]
    assert saved.units[24].status is Status.TRANSLATED
    assert saved.units[26].status is Status.REVIEWED
    assert saved.units[0].status is Status.FINAL  # untouched units stay as they were
    assert not journal_path(work / "article.tmx").exists()  # a save starts a fresh journal


@run_async
async def test_insert_match_reject_and_undo(work: Path) -> None:
    messages: list[object] = []
    app = make_app(work)
    async with app.run_test(size=(160, 45), message_hook=messages.append) as pilot:
        await settle(app, pilot)
        app.editor_screen.go_to(13)  # the segment with two 77% matches in the news memory
        await settle(app, pilot)
        assert any(isinstance(m, MatchesShown) and m.row == 13 and m.count == 2 for m in messages)
        await pilot.press("alt+2")
        await settle(app, pilot)
        assert target(app).text == "The two sides exchanged viewpoints on matters of common concern."
        assert app.document is not None
        assert app.document.rows[13].status is Status.DRAFT  # an inserted match is unconfirmed
        await pilot.press("alt+x")  # asked why first: Enter rejects without a reason
        await settle(app, pilot)
        assert not app.document.rows[13].unit.rejected
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.document.rows[13].unit.rejected
        await pilot.press("ctrl+z")  # document undo: the rejection goes
        assert not app.document.rows[13].unit.rejected
        await pilot.press("ctrl+z")  # and then the insertion
        assert app.document.rows[13].status is Status.TRANSLATED
        assert app.document.rows[13].target_text.startswith("The two sides exchanged views")


@run_async
async def test_journal_survives_a_crash_and_is_offered_back(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"Unsaved words")
        await pilot.press("f2")
        await settle(app, pilot)
        # no save: the test leaving the app is the crash (the journal is all that holds the edit)
    assert journal_path(work / "article.tmx").exists()
    assert load_tmx(work / "article.tmx").units[24].variant("en").text != "Unsaved words"  # type: ignore[union-attr]

    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RecoveryScreen)
        await pilot.click("#recover")
        await settle(app, pilot)
        assert app.document is not None
        assert app.document.rows[24].target_text == "Unsaved words"
        assert app.document.rows[24].status is Status.TRANSLATED
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert load_tmx(work / "article.tmx").units[24].variant("en").text == "Unsaved words"  # type: ignore[union-attr]


@run_async
async def test_changed_on_disk_is_not_overwritten_and_merges(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"Ours")
        await pilot.press("f2")
        await settle(app, pilot)
        # Someone else changes another unit of the file meanwhile.
        other = WorkFile(work / "article.tmx")
        other.set_target(2, "Theirs")
        other.save()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ChangedOnDiskScreen)
        await pilot.press("ctrl+s")  # the editor's keys do nothing under a dialog: no second dialog
        await settle(app, pilot)
        assert len(app.screen_stack) == 2
        assert load_tmx(work / "article.tmx").units[24].variant("en").text != "Ours"  # type: ignore[union-attr]
        await pilot.press("enter")  # Merge, the default button
        await settle(app, pilot)
    saved = load_tmx(work / "article.tmx")
    assert saved.units[24].variant("en").text == "Ours"  # type: ignore[union-attr]
    assert saved.units[2].variant("en").text == "Theirs"  # type: ignore[union-attr]


@run_async
async def test_search_ignores_harakat_and_hamza_and_filter_cycles(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await pilot.press(*"الاسد")  # written without hamza; the text has الأسد
        await pilot.press("enter")
        await settle(app, pilot)
        shown = app.query_one("#segments").rows_shown  # type: ignore[attr-defined]
        assert shown and 0 in shown and 2 not in shown
        app.editor_screen.query_text = ""
        await pilot.press("f6", "f6")  # all → new → draft
        shown = app.query_one("#segments").rows_shown  # type: ignore[attr-defined]
        assert shown == [24, 26, 27]
        # The reviewer trial: the current segment (0, the search's hit) stayed though the list no longer showed it,
        # and Alt+Down went on from there; it becomes the next segment the filter shows.
        assert app.editor_screen.current == 24
        await pilot.press("f6")  # draft → translated: from the draft 24, the next translated segment, not the first
        await settle(app, pilot)
        shown = app.query_one("#segments").rows_shown  # type: ignore[attr-defined]
        after = [row for row in shown if row > 24]
        assert shown[0] < 24 and app.editor_screen.current == after[0]
        await pilot.press("alt+down")
        await settle(app, pilot)
        assert app.editor_screen.current == after[1]


@run_async
async def test_save_to_writes_confirmed_pairs_to_a_memory(work: Path) -> None:
    app = make_app(work, save_to=work / "out.tmx")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")  # confirm the draft as it stands
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    memory = load_tmx(work / "out.tmx")
    assert len(memory) == 28  # 27 confirmed in the sample + the one just confirmed
    assert all(unit.status is not Status.DRAFT for unit in memory)


def _project_app(project: Project, file: ProjectFile) -> EditorApp:
    """The editor on a project's document as `tmkit edit PROJECT DOCUMENT` opens it (its working file made first)."""
    memories = project.memories()
    job = project.prepare(file, memories=memories)
    return EditorApp(
        EditorOptions(path=job.path, memories=memories, save_to=project.save_to(), bidi=BidiMode.APP, user="tester")
    )


@run_async
async def test_the_project_memorys_100_the_target_came_from_is_shown_once_the_segment_is_confirmed(
    tmp_path: Path,
) -> None:
    """A translator confirmed a sentence in one document of a project (the save put it in tm/project.tmx), and the
    next document had it pre-translated from there; once confirmed there too, its matches said "no match above the
    threshold". The working file's own entry (101%: in its context) stood for the pair, which the project memory
    holds too, and was then dropped as no suggestion for itself: the project memory's 100% went with it."""
    root = tmp_path / "proj"
    assert run_cli("init", root, "--src", "ar", "--tgt", "en").code == 0
    arrived = "وصل الوفد إلى دمشق صباح اليوم."
    (root / "source" / "first.txt").write_text(f"{arrived}\n\nعقد الوزير اجتماعا مع السفير.\n", encoding="utf-8")
    (root / "source" / "second.txt").write_text(
        f"افتتح الرئيس المعرض الدولي.\n\n{arrived}\n\nتم توقيع اتفاقية جديدة.\n", encoding="utf-8"
    )
    english = "The delegation arrived in Damascus this morning."
    project = open_project(root)
    first, second = project.files()

    app = _project_app(project, first)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.editor_screen.current == 0
        await pilot.press(*english, "f2", "ctrl+s")
        await settle(app, pilot)
    assert [unit.variant("en").text for unit in load_tmx(root / "tm" / "project.tmx").units] == [english]  # type: ignore[union-attr]

    app = _project_app(project, second)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.editor_screen
        document = app.document
        assert document is not None and [row.status for row in document.rows][1] is Status.DRAFT  # pre-translated
        screen.go_to(1)
        await settle(app, pilot)
        assert [(m.memory, m.score) for m in screen.matches[1]] == [("project.tmx", 100.0)]  # the draft's origin
        await pilot.press("f2")  # confirmed as it stands
        await settle(app, pilot)
        screen.go_to(1)
        await settle(app, pilot)
        assert document.rows[1].status is Status.TRANSLATED
        assert [(m.memory, m.score, m.target.plain) for m in screen.matches[1]] == [("project.tmx", 100.0, english)]
        shown = app.query_one(MatchesPanel).listing.text(80, app.console).plain
        assert "100%  project.tmx" in shown and "no match" not in shown


def test_help_palette_and_footer_share_one_declaration() -> None:
    from tmkit.tui import keys
    from tmkit.tui.keymap import preset_keymap

    ids = [c.id for c in keys.COMMANDS]
    assert len(ids) == len(set(ids)) and set(ids) == set(keys.DEFAULT_KEYS)
    assert all(c.description and c.tooltip for c in keys.COMMANDS)
    bound = {b.id for b in EditorScreen.BINDINGS if isinstance(b, Binding) and b.id}
    assert bound == set(ids)
    confirm = preset_keymap().keys["confirm_next"]
    assert {"ctrl+enter", "ctrl+j", "f2"} <= set(confirm)


@run_async
async def test_matches_are_prefetched_cached_and_dropped_when_the_memories_change(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.editor_screen.go_to(10)
        await settle(app, pilot)
        # The next segments' matches are ready before the translator gets there.
        assert {10, 11, 12, 13} <= set(app.editor_screen.matches)
        cached = app.editor_screen.matches[11]
        app.editor_screen.go_to(11)
        assert app.editor_screen.matches[11] is cached  # shown from the cache, not looked up again
        app.editor_screen.memories_loaded([], app.editor_screen.matcher.memories[-1], app.editor_screen.references)  # type: ignore[arg-type]  # memories replaced
        assert 12 not in app.editor_screen.matches  # stale matches are gone
        await settle(app, pilot)
        assert 11 in app.editor_screen.matches and app.editor_screen.matches[11] is not cached


@run_async
async def test_unreadable_file_ends_the_editor_with_the_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tmx"
    broken.write_text('<tmx version="1.4"><header/><body>\n<tu>', encoding="utf-8")
    app = EditorApp(EditorOptions(path=broken, memories=[], bidi=BidiMode.OFF))
    async with app.run_test() as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if app.load_error is not None:
                break
    assert app.load_error is not None and app.load_error.startswith(f"{broken}:2:")
    assert app.return_code == 2


def test_unreadable_file_from_the_command_line(tmp_path: Path) -> None:
    # A process of its own: the command starts a real terminal app before it finds the file unreadable.
    broken = tmp_path / "broken.tmx"
    broken.write_text('<tmx version="1.4"><header/><body>\n<tu>', encoding="utf-8")
    result = run_cli_process("edit", str(broken))
    assert result.code == 2
    assert f"tmkit: error: {broken}:2:" in result.stderr and "Traceback" not in result.stderr


def _crashed_session(work: Path, text: str) -> bytes:
    """A session confirmed ``text`` in segment 25 and ended without saving; returns the file as it is."""
    document = WorkFile(work / "article.tmx")
    document.confirm(24, text)
    document.close_journal()
    return (work / "article.tmx").read_bytes()


@run_async
async def test_recovery_dialog_takes_only_its_own_keys_and_enter_recovers(work: Path) -> None:
    on_disk = _crashed_session(work, "Unsaved words")
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RecoveryScreen)
        await pilot.press("ctrl+s", "ctrl+q", "f2", "f1")
        await settle(app, pilot)
        # Ctrl+S saved the file as it was and deleted the journal: the crashed session's edits were gone.
        assert isinstance(app.screen, RecoveryScreen) and len(app.screen_stack) == 2
        assert (work / "article.tmx").read_bytes() == on_disk
        assert journal_path(work / "article.tmx").exists()
        await pilot.press("enter")  # Recover has the focus
        await settle(app, pilot)
        assert not isinstance(app.screen, RecoveryScreen)
        assert app.document is not None and app.document.rows[24].target_text == "Unsaved words"


@run_async
async def test_recovery_dialog_enter_presses_the_button_tab_moved_to(work: Path) -> None:
    _crashed_session(work, "Unsaved words")
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RecoveryScreen)
        await pilot.press("tab", "enter")  # Discard
        await settle(app, pilot)
        assert not isinstance(app.screen, RecoveryScreen)
        assert app.document is not None and app.document.rows[24].target_text != "Unsaved words"
    assert not journal_path(work / "article.tmx").exists()


@run_async
async def test_quit_dialog_enter_saves_and_quits(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"Saved on quit")
        await pilot.press("f2", "ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("enter")  # Save and quit
        await settle(app, pilot)
    assert load_tmx(work / "article.tmx").units[24].variant("en").text == "Saved on quit"  # type: ignore[union-attr]
    assert app.return_code == 0


@run_async
async def test_a_full_disk_is_shown_and_save_as_goes_on_elsewhere(
    work: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path_factory.mktemp("other-disk") / "article.tmx"
    on_disk = (work / "article.tmx").read_bytes()
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        fill_the_disk(monkeypatch, work)
        target(app).load_text("")
        await pilot.press(*"Typed on a full disk")
        await pilot.press("f2")  # the journal write fails: the editor goes on, and says so
        await settle(app, pilot)
        assert app.document is not None and app.document.rows[24].target_text == "Typed on a full disk"
        status = str(app.query_one(StatusBar).render())
        assert "the disk is full" in status and "not yet safe" in status
        await pilot.press("ctrl+s")  # the save fails too
        await settle(app, pilot)
        assert (work / "article.tmx").read_bytes() == on_disk and app.document.dirty
        await pilot.press("alt+w")
        await settle(app, pilot)
        assert isinstance(app.screen, SaveAsScreen)
        path_box = app.screen.query_one("#save-as-path", Input)
        path_box.value = str(elsewhere)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.document.path == elsewhere and not app.document.dirty
        assert "not yet safe" not in str(app.query_one(StatusBar).render())
    assert load_tmx(elsewhere).units[24].variant("en").text == "Typed on a full disk"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("", "no units: nothing to translate"),
        (
            '<tu><tuv xml:lang="en"><seg>Hello</seg></tuv><tuv xml:lang="fr"><seg>Bonjour</seg></tuv></tu>',
            "no unit has a text in ar to translate (the file holds en, fr); --src and --tgt name the languages",
        ),
    ],
    ids=["no units", "another language pair"],
)
def test_a_file_with_nothing_to_translate_is_one_line_not_a_traceback(tmp_path: Path, body: str, said: str) -> None:
    # A process of its own, as the user runs it: the editor opened and then failed on its first segment (IndexError).
    work = tmp_path / "nothing.tmx"
    work.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
        'segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>\n'
        f"<body>{body}</body></tmx>\n",
        encoding="utf-8",
    )
    before = work.read_bytes()
    result = run_cli_process("edit", str(work))
    assert result.code == 2, result.stderr
    assert f"tmkit: error: {work}: {said}" in result.stderr and "Traceback" not in result.stderr
    assert work.read_bytes() == before


@run_async
async def test_a_refusal_notice_goes_when_the_segment_is_confirmed_and_no_other_notice_with_it(work: Path) -> None:
    """The notice of why a segment was not confirmed goes once it is; a notice of something else (a failed save)
    stays: the first fix cleared every notice."""
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.notify("the disk is full: saved nothing", severity="error", timeout=60)
        await pilot.pause()
        before = {n.message for n in app._notifications}
        target(app).load_text("A placeholder that maps to nothing {9}")
        await pilot.press("f2")
        await settle(app, pilot)
        refusals = {n.message for n in app._notifications} - before
        assert len(refusals) == 1, refusals  # the refusal, up
        target(app).load_text("Translated in the end.")
        await pilot.press("f2")
        await settle(app, pilot)
        shown = {n.message for n in app._notifications}
        assert not refusals & shown and "the disk is full: saved nothing" in shown


@given(st.text(alphabet="ab مر\n", max_size=12), st.text(alphabet="ab مر\n", max_size=12))
def test_the_cursor_after_an_undo_ends_what_changed(before: str, after: str) -> None:
    # Where an undo or a redo leaves the cursor, by definition: past the start the texts share, the end they share
    # (as long as it can be without reaching into that start) follows the cursor.
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    shared_end = 0
    while shared_end < min(len(before), len(after)) - start and before[-1 - shared_end] == after[-1 - shared_end]:
        shared_end += 1
    assert _changed_span_end(before, after) == len(after) - shared_end


@run_async
async def test_the_edit_effort_of_a_segment_never_given_a_suggestion_says_what_it_is_counted_against(
    work: Path,
) -> None:
    """A PM's trial: in the reviewer's session a segment the translator had typed from scratch (not pre-translated, no
    match inserted) showed "edit effort 0%  characters changed against the inserted suggestion", as if a suggestion
    had been kept whole. It is counted against the target as opened, and says so."""
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.editor_screen.go_to(0)  # confirmed in the sample, never pre-translated
        await settle(app, pilot)
        shown = str(app.query_one("#score-text").render())
        assert "against the target as opened" in shown, shown
        assert "inserted suggestion" not in shown, shown
