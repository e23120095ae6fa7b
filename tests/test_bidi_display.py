"""The Arabic display transformation: shaping and visual order against hand-checked golden strings.

The goldens follow fribidi's `--nopad` output (UAX #9 with bracket pairs and mirroring) and the
Unicode presentation forms; each was checked by hand character by character.
"""

from __future__ import annotations

import pytest
from bidi import get_display

from tmkit.text.bidi import needs_bidi, shape, visual_line
from tmkit.tui.editor_line import editor_line

SHAPING = [
    ("بيت", "\ufe91\ufef4\ufe96"),  # initial beh, medial yeh, final teh
    ("سلام", "\ufeb3\ufefc\ufee1"),  # lam-alef ligature (final) after seen; meem after alef is isolated
    ("لا", "\ufefb"),  # mandatory lam-alef ligature, isolated
    ("سلا", "\ufeb3\ufefc"),  # lam-alef after a joining letter: final form
    ("دار", "\ufea9\ufe8d\ufead"),  # right-joining letters never join forward
    ("بِسْم", "\ufe91\u0650\ufeb4\u0652\ufee2"),  # harakat are transparent to joining
    ("ء", "\ufe80"),
    ("English", "English"),
]


@pytest.mark.parametrize(("logical", "shaped"), SHAPING)
def test_shaping(logical: str, shaped: str) -> None:
    assert shape(logical) == shaped


ORDER = [
    ("مرحبا", "ابحرم"),
    # Digits stay left to right inside Arabic.
    ("عام 2021 في دمشق", "قشمد يف 2021 ماع"),
    # Brackets are paired (N0) and mirrored (L4): python-bidi's Rust path does not mirror.
    ("(مرحبا)", "(ابحرم)"),
    ("اضغط Enter (3 مرات)", "(تارم 3) Enter طغضا"),
    # Latin inside Arabic keeps its own order; an LTR paragraph keeps Arabic runs reversed in place.
    ("President الأسد said", "President دسألا said"),
    # Harakat stay after their letter (the terminal draws them on the cell before).
    ("بِسْمِ", "مِسْبِ"),
    # Trailing white space goes to the paragraph level (L1): at the left end of an RTL line.
    ("سلام  ", "  مالس"),
    ("٣ أيام", "مايأ ٣"),
]


@pytest.mark.parametrize(("logical", "visual"), ORDER)
def test_visual_order(logical: str, visual: str) -> None:
    assert visual_line(logical, shaping=False).text == visual


def test_agrees_with_python_bidi_where_no_mirroring_is_involved() -> None:
    for logical in ("مرحبا بالعالم", "عام 2021 في دمشق", "President الأسد said", "نسبة 45% من الصادرات"):
        assert visual_line(logical, shaping=False).text == get_display(logical)


def test_shaped_and_reordered_line_keeps_a_map_to_logical_indices() -> None:
    line = visual_line("بيت 12")
    assert line.text == "12 \ufe96\ufef4\ufe91"
    assert line.v2l == (4, 5, 3, 2, 1, 0)
    assert line.l2v(0) == 5  # the first letter is painted at the right end
    assert line.l2v(6) == 0  # the end of an RTL line is its left edge


def test_lam_alef_paints_one_cell_for_two_characters() -> None:
    line = visual_line("لا")
    assert line.text == "\ufefb"
    assert line.v2l == (0,)
    assert line.l2v(1) == 0


def test_only_rtl_text_is_transformed() -> None:
    assert not needs_bidi("plain English (with brackets) 12")
    assert needs_bidi("كلمة")


# -- the editor's line: cursor cells and visual arrow moves (tmkit edit, app mode) ------------------


def test_editor_line_rtl_is_right_aligned_with_the_end_cell_left_of_it() -> None:
    line = editor_line("سلام", rtl=True, width=10)
    assert line.visual.text == "\ufee1\ufefc\ufeb3"  # meem, lam-alef, seen: three cells
    assert line.offset == 7
    # The cursor sits on the character at its logical index; after the last one, left of the line.
    assert [line.cursor_cell(i) for i in range(5)] == [9, 8, 8, 7, 6]
    assert line.end_cell == 6


def test_editor_line_moves_one_cell_on_screen_and_skips_the_merged_alef() -> None:
    line = editor_line("سلام", rtl=True, width=10)
    assert line.step(0, -1) == 1  # ← on an RTL line goes forward in reading order
    assert line.step(1, -1) == 3  # lam and alef share a cell: the alef is no cursor stop
    assert line.step(3, -1) == 4  # on to the end of the line
    assert line.step(4, -1) is None  # the edge: the editor goes on to the next line
    assert line.step(0, 1) is None
    assert line.step(4, 1) == 3


def test_editor_line_mixed_ltr_paragraph_and_clicks() -> None:
    line = editor_line("abc بِسم", rtl=False, width=20)
    assert line.visual.text == "abc \ufee2\ufeb4\ufe91\u0650"
    assert line.offset == 0
    # The Arabic word is reversed in place; the kasra shares its beh's cell and is no stop.
    assert [line.cursor_cell(i) for i in range(9)] == [0, 1, 2, 3, 6, 6, 5, 4, 7]
    assert line.logical_at(4) == 7 and line.logical_at(6) == 4 and line.logical_at(50) == 8
    assert line.step(3, 1) == 7 and line.step(7, 1) == 6 and line.step(4, 1) == 8


def test_editor_line_with_brackets_and_digits_keeps_logical_indices() -> None:
    line = editor_line("سلام (1)", rtl=True, width=12)
    assert line.visual.text == "(1) \ufee1\ufefc\ufeb3"
    # Every logical index but the merged alef maps to a distinct cell, and back.
    for logical in (0, 1, 3, 4, 5, 6, 7, 8):
        assert line.logical_at(line.cursor_cell(logical)) == logical


def test_a_list_cell_is_clipped_to_its_cells_harakat_taking_none() -> None:
    """A translator's trial: rows of the segment list whose target had harakat ended a cell short of the column's
    edge for each mark (clipped by characters)."""
    from rich.cells import cell_len

    from tmkit.tui.display import clip as _clip

    plain, marked = "سيارة جديدة وكبيرة جدا في الشارع.", "سيّارةٌ جديدةٌ وكبيرةٌ جدًّا في الشارعِ."
    for text in (plain, marked, "The delegation arrived in Damascus this morning."):
        clipped = _clip(text, 16)
        assert cell_len(clipped) == 16 and clipped.endswith("…"), text
    assert _clip(marked, 16).replace("…", "") == marked[: len(_clip(marked, 16)) - 1]  # the text's own start
    assert _clip(marked, 100) == marked
