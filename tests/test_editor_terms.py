"""Terms and spelling in the editor, driven through Textual's Pilot: the terms panel, term insertion (the term key then
a digit) into English and Arabic targets, adding a term, forbidden terms flagged as typed, term checks on confirm,
misspellings marked and replaced from suggestions."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from textual.widgets.text_area import Selection

from tests.helpers import SAMPLES, make_app, run_async, settle, target
from tmkit.jobs.config import QaOnConfirm
from tmkit.quality.spelling import HUNSPELL_COMMAND, find_dictionary
from tmkit.terms.files import load_termbase
from tmkit.terms.model import Concept, Term, Termbase, TermStatus
from tmkit.tui.app import EditorApp
from tmkit.tui.display import BidiMode
from tmkit.tui.terms import AddTermScreen, SuggestionsScreen, numbered_terms, terms_text
from tmkit.tui.widgets.bidi_editor import FORBIDDEN_MARK, MISSPELLED_MARK

# Editing sessions through Pilot, a few seconds each.
pytestmark = pytest.mark.slow

#: Segment 25 of the sample article (row 24), the first unconfirmed one: "… direct shipping lines between Syrian and
#: Russian ports …", with four concepts of samples/terms.tbx in its source.
FIRST_ROW = 24
FIRST_ROW_TERMS = ["maritime shipping", "ports", "freight costs", "volume of trade"]

needs_en_spelling = pytest.mark.skipif(
    shutil.which(HUNSPELL_COMMAND) is None or find_dictionary("en") is None,
    reason="hunspell and Debian's hunspell-en-us are not installed (.ci/run installs them)",
)


def _app(work: Path, **options: Any) -> EditorApp:
    shutil.copy2(SAMPLES / "terms.tbx", work / "terms.tbx")
    return make_app(work, terms=[work / "terms.tbx"], **options)


async def _until(app: EditorApp, pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Wait for ``condition`` (the target is checked once the typing pauses); the bound only catches a hang."""
    for _ in range(1500):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition never held")


def _marks(app: EditorApp) -> list[tuple[int, int, str]]:
    return target(app).marks_on(0)  # type: ignore[attr-defined, no-any-return]


def _kept_notices(app: EditorApp) -> list[str]:
    """Every notice the app shows from now on, those gone from the screen since too."""
    notices: list[str] = []
    shown = app.notify

    def keep(message: str, **kwargs: Any) -> None:
        notices.append(message)
        shown(message, **kwargs)

    app.notify = keep  # type: ignore[method-assign]
    return notices


def _panel(app: EditorApp) -> str:
    return app.editor_screen.terms_panel.shown.plain


@run_async
async def test_the_terms_panel_lists_the_sources_terms_with_translations_and_forbidden_ones(work: Path) -> None:
    app = _app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        row, shown = app.editor_screen.shown_terms
        assert row == FIRST_ROW
        assert [line.preferred for line in shown] == FIRST_ROW_TERMS
        panel = _panel(app)
        assert "1 " in panel and "→ maritime shipping · maritime transport · shipping" in panel
        assert "Ctrl+G then 1…4" in str(app.query_one("#terms-box").border_title)
        app.editor_screen.go_to(0)  # "President al-Assad …": its concept forbids "President Assad"
        await settle(app, pilot)
        assert "→ President al-Assad · ✗ President Assad" in _panel(app)


@run_async
async def test_ctrl_g_then_a_digit_inserts_the_terms_translation_at_the_cursor(work: Path) -> None:
    app = _app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"cut ", "ctrl+g", "3", *" and ", "alt+g", "4")
        await settle(app, pilot)
        assert target(app).text == "cut freight costs and volume of trade"
        # A key other than a digit after the term key does what it always does: here it is typed.
        await pilot.press("ctrl+g", "x")
        await settle(app, pilot)
        assert target(app).text.endswith("tradex")
        # No term 9 in this source: nothing is typed, the translator is told.
        await pilot.press("ctrl+g", "9")
        await settle(app, pilot)
        assert target(app).text.endswith("tradex")


@run_async
async def test_an_arabic_target_takes_the_arabic_term_at_the_cursor(work: Path) -> None:
    app = _app(work, source_lang="en", target_lang="ar")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.editor_screen
        screen.go_to(FIRST_ROW)
        await settle(app, pilot)
        _, shown = screen.shown_terms
        assert [line.preferred for line in shown] == ["النقل البحري", "الموانئ", "تكاليف الشحن", "حجم التبادل التجاري"]
        target(app).load_text("خفض  وزيادة")
        target(app).move_cursor((0, 4))  # between the two spaces
        await pilot.press("ctrl+g", "3")
        await settle(app, pilot)
        assert target(app).text == "خفض تكاليف الشحن وزيادة"


@run_async
async def test_a_term_added_from_the_selected_words_is_written_to_the_termbase(work: Path) -> None:
    app = _app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.editor_screen
        source = screen.source_view
        start = source.text.index("خطوط")
        source.selection = Selection((0, start), (0, start + len("خطوط")))
        target(app).load_text("direct shipping lines")
        target(app).move_cursor((0, len("direct shipping lines")))  # the word at the cursor: "lines"
        await pilot.press("alt+e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AddTermScreen)
        assert dialog.query_one("#term-source", Input).value == "خطوط"
        assert dialog.query_one("#term-target", Input).value == "lines"
        dialog.query_one("#term-target", Input).value = "shipping lines"
        await pilot.press("enter", "enter")  # to the target field, then add
        await settle(app, pilot)
        assert not isinstance(app.screen, AddTermScreen)
        written = load_termbase(work / "terms.tbx").termbase
        added = [c for c in written if any(t.text == "shipping lines" for t in c.terms)]
        assert len(added) == 1 and len(written) == 58
        assert {(t.lang, t.text, t.status) for t in added[0].terms} == {
            ("ar", "خطوط", TermStatus.PREFERRED),
            ("en", "shipping lines", TermStatus.PREFERRED),
        }
        # Recognized at once in the source (as a word of "خطوط الشحن"), numbered in the panel.
        assert any(line.preferred == "shipping lines" for line in screen.shown_terms[1])


@run_async
async def test_a_forbidden_term_typed_in_the_target_is_flagged(work: Path) -> None:
    app = _app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"Borisov met Yuri Borisov")
        text = "Borisov met Yuri Borisov"
        flagged = (text.index("Yuri"), len(text), FORBIDDEN_MARK)
        await _until(app, pilot, lambda: bool(_marks(app)))
        assert _marks(app) == [flagged]  # the first Borisov alone is no term to avoid
        assert "✗ Yuri Borisov in the target is forbidden: use Yury Borisov" in _panel(app)
        await pilot.press("backspace")  # the flag goes with the text it was found in
        assert _marks(app) == []
        await pilot.press("v")  # back as it was: flagged again once the typing pauses
        await _until(app, pilot, lambda: bool(_marks(app)))
        assert _marks(app) == [flagged]


@run_async
async def test_confirming_runs_the_term_checks(work: Path) -> None:
    app = _app(work, qa_on_confirm=QaOnConfirm.ERROR)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.editor_screen
        assert app.document is not None and app.document.terms is not None
        # A forbidden term is an error: the first F2 stops, the second confirms.
        target(app).load_text(
            "The importance of direct maritime shipping lines between Syrian and Russian siege ports."
        )
        await pilot.press("f2")
        await settle(app, pilot)
        assert screen.current == FIRST_ROW and not app.document.rows[FIRST_ROW].confirmed
        await pilot.press("f2")
        await settle(app, pilot)
        assert app.document.rows[FIRST_ROW].confirmed
        left = [finding.check for finding in screen.qa_left[FIRST_ROW]]
        # Errors confirmed anyway are kept with the warnings: siege is forbidden, freight costs and trade missing.
        assert left.count("term-forbidden") == 1
        assert left.count("term-missing") == 2


@needs_en_spelling
@run_async
async def test_a_misspelled_word_is_marked_and_replaced_from_the_suggestions(work: Path) -> None:
    app = _app(work, spelling=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"ports and teh Borisov delegation")
        start = "ports and teh".index("teh")
        await _until(app, pilot, lambda: bool(_marks(app)))
        assert _marks(app) == [(start, start + 3, MISSPELLED_MARK)]
        target(app).move_cursor((0, start + 1))
        await pilot.press("alt+c")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SuggestionsScreen)
        assert dialog.query_one(OptionList).get_option_at_index(0).prompt == "the"
        await pilot.press("enter")
        await settle(app, pilot)
        assert target(app).text == "ports and the Borisov delegation"
        assert _marks(app) == []


@run_async
async def test_without_a_dictionary_spelling_says_so_once_and_stays_off(work: Path) -> None:
    app = make_app(work, spelling=True, target_lang="zz")
    async with app.run_test(size=(160, 45)) as pilot:
        notices = _kept_notices(app)
        await settle(app, pilot)
        await pilot.press(*"qwzx")
        await settle(app, pilot)
        await pilot.press("alt+c")
        await settle(app, pilot)
        assert app.editor_screen.spelling is None
        assert _marks(app) == []
    # At the start a few words, once, saying which key tells why; that key gives where it looked, what to install.
    off = [n for n in notices if n.startswith("spelling is off")]
    assert off[0] == "spelling is off: no Hunspell dictionary for 'zz' (Alt+C says why)"
    assert len(off) == 2 and off[1].startswith("spelling is off: no Hunspell dictionary for 'zz' in ")
    assert "install Debian's hunspell-zz" in off[1] and "TMKIT_HUNSPELL_PATH" in off[1]


@needs_en_spelling
@run_async
async def test_a_hunspell_that_dies_mid_session_turns_spelling_off_and_says_so(work: Path) -> None:
    """A hunspell killed while the editor is open: its marks go, a few words say so, and Alt+C says why instead
    of calling a word spelled right (it said nothing, kept the checker and its stale marks)."""
    app = _app(work, spelling=True)
    async with app.run_test(size=(160, 45)) as pilot:
        notices = _kept_notices(app)
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"ports and teh")
        start = "ports and teh".index("teh")
        await _until(app, pilot, lambda: bool(_marks(app)))
        assert _marks(app) == [(start, start + 3, MISSPELLED_MARK)]
        checker = app.editor_screen.spelling
        assert checker is not None
        for pipe in (checker._lister, checker._asker):
            if pipe is not None:
                pipe.process.kill()
                pipe.process.wait()
        await pilot.press(*" delegatoin")  # new words: hunspell is asked, and found gone
        await _until(app, pilot, lambda: app.editor_screen.spelling is None)
        await settle(app, pilot)
        assert _marks(app) == []
        target(app).move_cursor((0, start + 1))
        await pilot.press("alt+c")
        await settle(app, pilot)
        assert not isinstance(app.screen, SuggestionsScreen)
    off = [n for n in notices if n.startswith("spelling is off")]
    assert off[0] == "spelling is off: hunspell failed (Alt+C says why)"
    assert len(off) == 2 and off[1].startswith("spelling is off: hunspell failed on ")
    assert not any("spelled right" in n for n in notices)


needs_ar_spelling = pytest.mark.skipif(
    shutil.which(HUNSPELL_COMMAND) is None or find_dictionary("ar") is None,
    reason="hunspell and Debian's hunspell-ar are not installed (.ci/run installs them)",
)


@needs_ar_spelling
@run_async
async def test_an_arabic_targets_misspelling_is_marked_on_its_painted_cells(work: Path) -> None:
    app = _app(work, source_lang="en", target_lang="ar", spelling=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"الموانئ والساعه")
        start = "الموانئ و".index("و", len("الموانئ "))
        await _until(app, pilot, lambda: bool(_marks(app)))
        assert _marks(app) == [(start, start + len("والساعه"), MISSPELLED_MARK)]
        # In app mode the line is painted shaped and reordered by tmkit: the marked cells carry the mark's style.
        strip = target(app).paint_row(0)  # type: ignore[attr-defined]
        assert strip is not None
        underlined = "".join(segment.text for segment in strip if segment.style and segment.style.underline)
        assert len(underlined.strip()) == len("والساعه")
        target(app).move_cursor((0, start + 2))
        await pilot.press("alt+c")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SuggestionsScreen)
        assert "والساعة" in dialog.word.suggestions
        dialog.query_one(OptionList).highlighted = dialog.word.suggestions.index("والساعة")
        await pilot.press("enter")
        await settle(app, pilot)
        assert target(app).text == "الموانئ والساعة"


def test_the_term_keys_are_in_the_keymaps_help_and_palette_lists() -> None:
    from tmkit.tui.keymap import preset_keymap

    assert preset_keymap().labels("insert_term") == "Ctrl+G  Alt+G"
    assert preset_keymap().label("add_term") == "Alt+E" and preset_keymap("memoq").label("add_term") == "Ctrl+E"
    assert preset_keymap().label("spelling") == "Alt+C"


@run_async
async def test_the_palette_offers_each_term_by_number(work: Path) -> None:
    app = _app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Insert term 9 at the cursor" in titles
        assert "Add a term from the selected source and target words to the first termbase (Alt+E)" in titles
        assert "Insert a term's preferred translation at the cursor (Ctrl+G)" in titles


@run_async
async def test_a_termbase_that_cannot_be_read_ends_the_editor_with_its_line(work: Path) -> None:
    broken = work / "broken.tbx"
    broken.write_text('<?xml version="1.0"?>\n<martif type="TBX">\n<text><body><termEntry>', encoding="utf-8")
    app = make_app(work, terms=[broken])
    async with app.run_test() as pilot:
        for _ in range(1500):
            await pilot.pause(0.02)
            if app.load_error is not None:
                break
    assert app.load_error is not None and app.load_error.startswith(f"{broken}:")
    assert app.return_code == 2


@run_async
async def test_a_termbase_without_the_sessions_languages_is_said_at_the_start(work: Path) -> None:
    """The terms panel stayed empty over an Arabic-French termbase in an Arabic-English session, without a word."""
    arfr = work / "arfr.csv"
    arfr.write_text("Arabic,French\nالمطار,aéroport\n", encoding="utf-8")
    app = make_app(work, terms=[arfr])
    async with app.run_test(size=(160, 45)) as pilot:
        notices = _kept_notices(app)
        await settle(app, pilot)
        await _until(app, pilot, lambda: app.editor_screen.terms is not None)
    assert f"{arfr}: no en terms (its terms are in ar, fr): it gives no en translation and no en term to avoid" in (
        notices
    )


@run_async
async def test_a_term_that_cannot_be_written_is_not_added(work: Path) -> None:
    folder = work / "termbases"
    folder.mkdir()
    shutil.copy2(SAMPLES / "terms.tbx", folder / "terms.tbx")
    app = make_app(work, terms=[folder / "terms.tbx"])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.editor_screen
        assert screen.terms is not None
        before = len(screen.terms.merged)
        shutil.rmtree(folder)  # gone since it was read: the atomic write has nowhere to go
        await pilot.press("alt+e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AddTermScreen)
        dialog.query_one("#term-source", Input).value = "خطوط"
        dialog.query_one("#term-target", Input).value = "shipping lines"
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, AddTermScreen)
        assert len(screen.terms.merged) == before  # not added in the editor either
        assert not any(t.text == "shipping lines" for c in screen.terms.merged for t in c.terms)
        assert not folder.exists()


def test_the_panel_names_a_term_held_under_two_tags_of_the_language_once() -> None:
    """`police` in `en-US` and in `en`: the panel read "→ police · police · ✗ cops"."""
    terms = Termbase(
        concepts=[
            Concept(
                "c1",
                [
                    Term("الشرطة", "ar"),
                    Term("police", "en-US", TermStatus.PREFERRED),
                    Term("police", "en"),
                    Term("cops", "en", TermStatus.FORBIDDEN),
                ],
            )
        ]
    )
    hits = terms.recognizer("ar", "en").recognize("طلبت الشرطة من الناس العودة.")
    shown = terms_text(numbered_terms(hits, 9), [], BidiMode.OFF, target_lang="en").plain
    assert shown == "1 الشرطة → police · ✗ cops"
