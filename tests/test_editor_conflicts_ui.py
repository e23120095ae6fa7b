"""The editor's keys and panels for the core's conflicts and QA: a conflict is marked in the list and shows both
versions, Alt+T keeps theirs; a confirm that QA finds wrong (a changed number) needs a second confirm; QA's
warnings are counted in the status bar and listed by Alt+Q."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.widget import Widget

from tests.helpers import make_app, run_async, settle, target
from tests.test_workfile_conflicts import CHANGED, _marked, _merged
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.config import QaOnConfirm
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant
from tmkit.quality.qa import QaPair
from tmkit.tui.screens import QaScreen, RecoveryScreen, RejectScreen
from tmkit.tui.widgets.panels import ConflictPanel, StatusBar
from tmkit.tui.widgets.segment_list import SegmentList


@run_async
async def test_alt_t_keeps_their_version_and_the_file_saves_valid(work: Path) -> None:
    path = _merged(work / "article.tmx")
    app = make_app(work, ask_recovery=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.document is not None and len(app.document) == 30
        app.editor_screen.go_to(CHANGED)
        await pilot.pause()
        assert "CONFLICT" in str(app.query_one("#target").border_title)
        await pilot.press("alt+t")
        await pilot.pause()
        assert target(app).text == "Their translation."
        await pilot.press("ctrl+s")
        await pilot.pause()
    units = load_tmx(path).units
    assert len(units) == 30 and _marked(path) == 0
    kept = units[CHANGED].variant("en")
    assert kept is not None and kept.text == "Their translation."


@run_async
async def test_a_changed_number_needs_a_second_confirm(work: Path) -> None:
    app = make_app(work, ask_recovery=False, qa_on_confirm=QaOnConfirm.ERROR)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        document = app.document
        assert document is not None
        row = next(i for i, r in enumerate(document.rows) if "2021" in r.target_text)
        app.editor_screen.go_to(row)
        await pilot.pause()
        wrong = document.rows[row].edit_text.replace("2021", "2012")
        target(app).load_text(wrong)
        await pilot.press("f2")
        await pilot.pause()
        # Stopped: not confirmed with that text (the pause may commit it as a draft), the translator still on it.
        r = document.rows[row]
        assert (
            app.editor_screen.current == row
            and target(app).text == wrong
            and not (r.confirmed and r.edit_text == wrong)
        )
        await pilot.press("f2")
        await pilot.pause()
        assert (
            document.rows[row].edit_text == wrong and document.rows[row].confirmed and app.editor_screen.current != row
        )


def _painted(widget: Widget) -> str:
    """What a widget paints, line by line."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(strip.text for strip in strips)


@pytest.mark.parametrize("size", [(160, 45), (80, 24)])
@run_async
async def test_a_conflict_is_marked_in_the_list_and_both_versions_are_shown(work: Path, size: tuple[int, int]) -> None:
    """A conflict was only notified for a few seconds: now it is marked C in the list and, while current and open,
    both versions stand in a panel (small screens: in the matches' place), labelled with their keys."""
    _merged(work / "article.tmx")
    app = make_app(work, ask_recovery=False)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        segments = app.query_one(SegmentList)
        assert re.match(rf"\s*{CHANGED + 1} C ", segments._line(CHANGED).plain)
        assert not re.match(rf"\s*{CHANGED} C ", segments._line(CHANGED - 1).plain)
        box = app.query_one("#conflict-box")
        app.editor_screen.go_to(0)
        await pilot.pause()
        assert not box.display  # no conflict on the first segment
        app.editor_screen.go_to(CHANGED)
        await pilot.pause()
        assert box.display and box.region.height > 4
        shown = _painted(app.query_one(ConflictPanel))
        assert "Alt+O ours" in shown and "Our translation." in shown
        assert "Alt+T theirs" in shown and "Their translation." in shown
        await pilot.press("alt+t")
        await pilot.pause()
        assert not box.display  # settled: the panel gives its place back
        assert re.match(rf"\s*{CHANGED + 1} [^C] ", segments._line(CHANGED).plain)


@run_async
async def test_qa_warnings_are_counted_in_the_status_bar_and_listed_by_alt_q(work: Path) -> None:
    """Warnings were a toast for 8 seconds: now the status bar counts them and Alt+Q lists them (scrollable)."""
    app = make_app(work, ask_recovery=False, qa_on_confirm=QaOnConfirm.ERROR)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        document = app.document
        assert document is not None
        row = app.editor_screen.current
        assert row is not None
        target(app).load_text("A  doubled space")  # a warning (double-space), not an error
        await pilot.press("f2")
        await pilot.pause()
        assert (
            document.rows[row].confirmed and app.editor_screen.current != row
        )  # a warning does not stop the confirmation
        status = _painted(app.query_one(StatusBar))
        assert "QA 1 (Alt+Q)" in status
        await pilot.press("alt+q")
        await pilot.pause()
        assert isinstance(app.screen, QaScreen)
        # The findings left on segments, each a choice that leads to its segment.
        ((at, line),) = app.screen.left
        assert at == row and line.text.strip().startswith(f"{row + 1}: warning [double-space]")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, QaScreen)


@run_async
async def test_qa_findings_of_the_segments_recovered_are_counted_and_listed(work: Path) -> None:
    """A translator's trial: after a crash, the recovered segments' QA warnings were neither counted in the status bar
    nor listed by Alt+Q (the confirmed segments were checked as the file was before recovery)."""
    crashed = WorkFile(work / "article.tmx")
    crashed.confirm(24, "A  doubled space")
    crashed.close_journal()  # (ended without saving: the edit is only in the journal)
    app = make_app(work, qa_on_confirm=QaOnConfirm.ERROR)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RecoveryScreen)
        await pilot.press("enter")  # Recover
        await settle(app, pilot)
        screen = app.editor_screen
        for _ in range(100):  # (the confirmed segments are reviewed by a worker)
            if 24 in screen.qa_left:
                break
            await pilot.pause(0.05)
        assert "double-space" in [finding.check for finding in screen.qa_left.get(24, [])]
        assert f"QA {sum(map(len, screen.qa_left.values()))} (Alt+Q)" in _painted(app.query_one(StatusBar))


@run_async
async def test_a_reopened_jobs_review_compares_a_segment_only_with_those_it_shares_a_text_with(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reviewer's trial: reopening a job of 8,000 confirmed segments, the editor took a core for nearly three
    minutes before the status bar's QA count appeared (each segment's consistency was checked against every other
    segment, where `tmkit qa` took five seconds for the file). The review finds what tmkit qa finds, group by group
    (each pair was also counted on both of its segments: QA 6 where tmkit qa reported 3)."""
    from tmkit.jobs import confirm_checks

    units = [
        TranslationUnit(
            [
                Variant("ar", Segment.from_text(f"الجملة رقم {number}.")),
                Variant("en", Segment.from_text(f"Line {number}.")),
            ],
            tuid=str(number),
            status=Status.TRANSLATED,
        )
        for number in range(1, 301)
    ]
    units[-1].variants = [
        Variant("ar", Segment.from_text("الجملة رقم 1.")),
        Variant("en", Segment.from_text("Line 1, again.")),
    ]
    write_tmx(work / "article.tmx", Memory(Header(srclang="ar"), units))
    compared: list[str] = []
    real = confirm_checks.inconsistent_with

    def counted(pair: QaPair, *args: Any, **kwargs: Any) -> Any:
        compared.append(pair.source)  # a segment compared with all the others
        return real(pair, *args, **kwargs)

    monkeypatch.setattr(confirm_checks, "inconsistent_with", counted)
    app = make_app(work, qa_on_confirm=QaOnConfirm.ERROR, ask_recovery=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.editor_screen
        for _ in range(200):  # (the confirmed segments are reviewed by a worker)
            if screen.qa_left:
                break
            await pilot.pause(0.05)
        left = {row: [finding.check for finding in findings] for row, findings in screen.qa_left.items()}
        assert left == {299: ["inconsistent-target"]}  # (the first of the tie is the usual one, as in tmkit qa)
    assert compared == []  # none compared with all the others (300 segments, 89,700 pairs before)


@run_async
async def test_alt_x_asks_for_no_reason_on_a_conflict_or_an_empty_target(work: Path) -> None:
    """The reviewer trial: Alt+X on a merge conflict kept ours and dropped theirs without a word, and on a segment
    without a translation made an empty rejected draft (`tmkit validate --strict`: an empty segment). Both now say
    why not, and leave the segment as it was."""
    _merged(work / "article.tmx")
    app = make_app(work, ask_recovery=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        document = app.document
        assert document is not None
        app.editor_screen.go_to(CHANGED)
        await pilot.pause()
        await pilot.press("alt+x")
        await settle(app, pilot)
        assert not isinstance(app.screen, RejectScreen)
        assert document.rows[CHANGED].in_conflict and not document.rows[CHANGED].unit.rejected
        assert any("settle the merge conflict first" in n.message for n in app._notifications)
        empty = 0
        app.editor_screen.go_to(empty)
        await pilot.pause()
        target(app).load_text("")  # the translation deleted
        await pilot.press("alt+x")
        await settle(app, pilot)
        assert not isinstance(app.screen, RejectScreen) and not document.rows[empty].unit.rejected
        assert any("nothing to reject" in n.message for n in app._notifications)
