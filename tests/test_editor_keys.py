"""The editor's keys: the keymap file and its presets, the bytes terminals send, clicks, the list, the palette."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual._xterm_parser import XTermParser
from textual.events import Key
from textual.geometry import Region
from textual.widget import Widget

from tests.helpers import make_app, run_async, run_cli, settle, target
from tmkit.errors import InputError
from tmkit.tui.keymap import keymap_path, load_keymap, preset_keymap
from tmkit.tui.keys import COMMANDS, PRESETS, key_label
from tmkit.tui.textual_adapter import alt_digits_as_keys
from tmkit.tui.widgets.segment_list import SegmentList

MATCH_1 = "The two sides exchanged views on issues of mutual interest."


def shown(widget: Widget) -> list[str]:
    """The lines a widget paints, as text (what the translator sees in it)."""
    region = Region(0, 0, widget.outer_size.width, widget.outer_size.height)
    return [strip.text for strip in widget.render_lines(region)]


def _keys_from_bytes(data: str) -> list[str]:
    """What Textual's input parser makes of the bytes a terminal sends."""
    parser = XTermParser()
    events = [*parser.feed(data), *parser.feed("")]
    return [e.key for e in events if isinstance(e, Key)]


def test_esc_digit_is_alt_digit_not_a_macos_symbol() -> None:
    alt_digits_as_keys()
    assert _keys_from_bytes("\x1b1\x1b5x") == ["alt+1", "alt+5", "x"]
    # The other keys the editor relies on arrive as such (F-keys as xterm/VTE send them, Alt+letter as ESC+letter).
    assert _keys_from_bytes("\x1bOQ\x1b[15~\x1b[1;3B") == ["f2", "f5", "alt+down"]


def test_every_preset_binds_every_command_once_and_labels_are_one_style() -> None:
    for name in PRESETS:
        keymap = preset_keymap(name)
        assert set(keymap.keys) == {c.id for c in COMMANDS}
        keys = [k for ks in keymap.keys.values() for k in ks]
        assert len(keys) == len(set(keys)), name
    assert [key_label(k) for k in ("f6", "f8", "ctrl+s", "alt+1", "alt+down", "shift+f2")] == [
        "F6",
        "F8",
        "Ctrl+S",
        "Alt+1",
        "Alt+↓",
        "Shift+F2",
    ]
    assert preset_keymap("omegat").label("replace_match") == "Ctrl+R"
    assert preset_keymap("memoq").label("confirm_next") == "Ctrl+Enter"


def test_keymap_file_sets_preset_and_keys(tmp_path: Path) -> None:
    file = tmp_path / "keys.toml"
    file.write_text('preset = "omegat"\n[keys]\nconfirm_next = "f2, ctrl+t"\nsave = ["ctrl+s", "alt+9"]\n')
    keymap = load_keymap(file)
    assert keymap.preset == "omegat" and keymap.keys["confirm_next"] == ("f2", "ctrl+t")
    assert keymap.keys["save"] == ("ctrl+s", "alt+9") and keymap.keys["next_segment"][0] == "ctrl+n"
    # --keymap wins over the file's preset; the file's own keys still apply.
    assert load_keymap(file, preset="memoq").keys["concordance"][0] == "ctrl+k"
    assert load_keymap(file, preset="memoq").keys["save"] == ("ctrl+s", "alt+9")
    assert keymap_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "tmkit" / "keys.toml"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ('preset = "omegat"\n[keys]\nconfirm = "f2"\n', 3, "unknown command 'confirm' (did you mean confirm_next?)"),
        ('[keys]\nsave = "ctrl+s"\nquit = "ctlr+q"\n', 3, "'ctlr' is not a modifier"),
        ('[keys]\n\nsave = "f22x"\n', 3, "no key is called 'f22x'"),
        ('[keys]\nsave = "f2"\n', 2, "F2 is given to both confirm_next and save"),
        ('preset = "trados"\n', 1, "preset must be one of default, omegat, memoq"),
        ("[keys]\nsave = 5\n", 2, "give keys as a string"),
        ('[keys\nsave = "f2"\n', 1, "not TOML"),
    ],
)
def test_a_bad_keymap_is_one_line_naming_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    file = tmp_path / "keys.toml"
    file.write_text(text)
    with pytest.raises(InputError) as caught:
        load_keymap(file)
    message = str(caught.value)
    assert message.startswith(f"{file}:{line}: ") and problem in message and "\n" not in message


@run_async
async def test_the_keymap_file_changes_the_keys_footer_and_help(work: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "tmkit").mkdir(parents=True)
    (config / "tmkit" / "keys.toml").write_text('preset = "memoq"\n[keys]\nsave = "alt+9"\n')
    app = make_app(work, env={"XDG_CONFIG_HOME": str(config)})
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        target(app).load_text("")
        await pilot.press(*"Saved with Alt+9", "alt+9")
        await settle(app, pilot)
        assert app.document is not None and not app.document.dirty
        footer = " ".join(str(w.render()) for w in app.query("FooterKey"))
        assert "Alt+9" in footer and "Ctrl+S" not in footer and "Ctrl+Enter" in footer
        await pilot.press("ctrl+s")  # no longer Save: the target's own key (nothing), not the old binding
        await pilot.press("f1")
        await settle(app, pilot)
        help_text = " ".join(line for w in app.screen.query("Static") for line in shown(w))
        assert "memoq keymap" in help_text and "Alt+9" in help_text


@run_async
async def test_a_click_chooses_a_match_and_insert_and_replace_use_it(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.editor_screen.go_to(13)
        await settle(app, pilot)
        panel = app.query_one("#matches")
        assert app.editor_screen.chosen_match == 1
        second = next(y for y, line in enumerate(shown(panel)) if line.startswith(" 2 77%"))
        await pilot.click("#matches", offset=(10, second + 1))  # on match 2's translation
        await settle(app, pilot)
        assert app.editor_screen.chosen_match == 2 and any(line.startswith("▶2 77%") for line in shown(panel))
        assert app.focused is target(app)  # the click chose; the keyboard stays with the target
        await pilot.press(*"xyz")
        assert target(app).text.endswith("xyz")  # at the end of the target, where a move puts the cursor
        await pilot.press("ctrl+r")  # replace with the chosen match
        await settle(app, pilot)
        assert target(app).text == "The two sides exchanged viewpoints on matters of common concern."
        target(app).load_text("Before: ")
        target(app).move_cursor((0, 8))
        await pilot.press("ctrl+down")  # back to... the last match stays the last
        await pilot.press("ctrl+up")  # match 1
        await pilot.press("f7")  # insert at the cursor
        await settle(app, pilot)
        assert target(app).text == "Before: " + MATCH_1


@run_async
async def test_palette_lists_insert_match_n(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
    assert [f"Insert match {n} at the cursor" for n in range(1, 6)] == [
        t for t in titles if t.startswith("Insert match ")
    ]
    assert "Replace the target with match 2 (Alt+2)" in titles


@run_async
async def test_after_a_click_in_the_list_typing_reaches_the_target_and_enter_opens(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        segments = app.query_one("#segments", SegmentList)
        await pilot.click("#segments", offset=(8, 2))  # the third row: segment 3
        await settle(app, pilot)
        assert app.editor_screen.current == 2
        await pilot.press(*"abc")
        assert target(app).text.endswith("abc")  # not lost in the list (at the end, where a move puts the cursor)
        segments.focus()  # Tab or Alt+L: the list has the keys
        await pilot.pause()
        await pilot.press("down", "down")
        await settle(app, pilot)
        assert app.editor_screen.current == 4 and app.focused is segments  # the arrows open each segment they pass
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.editor_screen.current == 4 and app.focused is target(app)  # Enter: on to translating it
        await pilot.press("a")
        assert target(app).text.endswith("a")


@run_async
async def test_f3_looks_up_the_word_at_the_source_cursor(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        app.editor_screen.go_to(0)
        await settle(app, pilot)
        source = app.editor_screen.source_view
        source.focus()
        await pilot.pause()
        source.move_cursor((0, 2))  # in the first word, الرئيس
        await pilot.press("f3")
        await settle(app, pilot)
        heading = shown(app.query_one("#concordance"))[0]
        assert "found" in heading and "ﺲﻴﺋﺮﻟﺍ" in heading  # shaped, in visual order (app mode)
        source.select_all()  # a selection: the whole sentence, found in the file's own memory
        await pilot.press("f3")
        await settle(app, pilot)
        heading = " ".join(shown(app.query_one("#concordance"))[:3])
        assert "”: 1 found" in heading and "{" not in heading  # the source's codes are not looked up


@run_async
async def test_looking_up_until_the_memories_are_open_never_no_match(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a 10,000-segment file "no match above the threshold" showed for 3 s before 99% matches came."""
    import threading

    from tmkit.tui import editor_screen as app_module

    opened = threading.Event()
    real_open = app_module.open_memory

    def slow_open(*args: Any, **kwargs: Any) -> Any:
        opened.wait(10)  # a big memory being read
        return real_open(*args, **kwargs)

    monkeypatch.setattr(app_module, "open_memory", slow_open)
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        for _ in range(500):
            await pilot.pause(0.02)
            if app.document is not None:
                break
        await pilot.pause(0.2)
        assert shown(app.query_one("#matches"))[0].startswith("looking up…")
        opened.set()
        await settle(app, pilot)
        assert not shown(app.query_one("#matches"))[0].startswith("looking up")  # the lookup's result now


@run_async
async def test_the_segment_score_follows_the_typing(work: Path) -> None:
    app = make_app(work, reference=work / "article.tmx")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        before = str(target(app).border_subtitle)
        assert before.startswith("chrF ")
        target(app).load_text("")
        await pilot.press(*"The importance")
        # Worked out again once the typing pauses (a timer, then a worker): waited for, not for a fixed pause the
        # timer may outlast on a loaded machine. The bound only catches a hang.
        for _ in range(1500):
            if str(target(app).border_subtitle) != before:
                break
            await pilot.pause(0.02)
        after = str(target(app).border_subtitle)
        assert after.startswith("chrF ") and after != before


def test_tmkit_edit_refuses_a_bad_keymap_in_one_line(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "config" / "tmkit" / "keys.toml"
    keys.parent.mkdir(parents=True)
    keys.write_text('[keys]\nconfirm_next = "f2"\nsaev = "ctrl+s"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    result = run_cli("edit", work / "article.tmx", "--keymap", "omegat")
    assert result.code == 2
    assert result.stderr.strip() == f"tmkit: error: {keys}:3: unknown command 'saev' (did you mean save?)"


def test_keymap_option_reaches_the_editor(work: Path) -> None:
    from tmkit.cli import build_parser
    from tmkit.cli.edit_command import options_from_args

    args = build_parser().parse_args(["edit", str(work / "article.tmx"), "--keymap", "memoq"])
    assert make_app(work, keymap=options_from_args(args).keymap).keymap.label("confirm_next") == "Ctrl+Enter"


@run_async
async def test_arabic_in_the_search_box_and_filter_line_is_shaped_in_visual_order(work: Path) -> None:
    app = make_app(work)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5", *"الأسد", "enter")
        await settle(app, pilot)
        box = " ".join(shown(app.query_one("#search")))
        label = " ".join(shown(app.query_one("#filter-label")))
        for line in (box, label):
            assert "ﺪﺳﻷﺍ" in line and "الأسد" not in line  # presentation forms, last letter first
