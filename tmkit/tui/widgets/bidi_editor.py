"""The target editor: a TextArea whose buffer stays logical and whose lines are painted in visual order in ``app`` mode.

Everything the app reads or writes (``text``, ``load_text``, ``replace``, undo, the selection,
the journal and the saved TMX) is logical order, unshaped. Only painting and the cursor change:
each wrapped line is shaped and reordered through `tmkit.text.bidi.editor_line` (RTL lines
right-aligned), the cursor is drawn on the visual cell of the logical cursor, and Left/Right move
one cell left/right on screen (visual movement, as in CAT tools and word processors on an RTL
line); Home/End, Up/Down, Backspace and Delete keep their logical meaning. In the other modes it is
a plain TextArea.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import MouseEvent
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets.text_area import Edit, EditResult, Location

from tmkit.text.bidi import needs_bidi
from tmkit.tui.display import BidiMode
from tmkit.tui.editor_line import EditorLine, editor_line
from tmkit.tui.textual_adapter import PaintedTextArea

#: Mark names (`set_marks`): a forbidden term typed in the target, a word the spell checker does not know.
FORBIDDEN_MARK = "forbidden"
MISSPELLED_MARK = "misspelled"


class BidiTextArea(PaintedTextArea):
    """A TextArea that paints RTL lines itself in ``app`` mode (see the module docstring)."""

    # The segment's text keys of CAT tools and word processors: Ctrl+A is Textual's line start (Emacs), where a
    # translator selects the whole target to type over it (a paste went in front of the old text); Ctrl+Home and
    # Ctrl+End went nowhere, and End ends a wrapped line, not the text.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+a", "select_all", "Select all", show=False),
        Binding("ctrl+home", "cursor_text_start", "Start of the text", show=False),
        Binding("ctrl+end", "cursor_text_end", "End of the text", show=False),
        Binding("ctrl+shift+home", "cursor_text_start(True)", "Select to the start", show=False),
        Binding("ctrl+shift+end", "cursor_text_end(True)", "Select to the end", show=False),
    ]

    # Underlined, as word processors mark words: red for a forbidden term, yellow for a misspelling.
    MARK_STYLES: ClassVar[dict[str, Style]] = {
        FORBIDDEN_MARK: Style(color="red", bold=True, underline=True),
        MISSPELLED_MARK: Style(color="yellow", underline=True),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.bidi_mode = BidiMode.OFF
        #: The paragraph direction of the target language (fixed, not guessed per line).
        self.rtl = False
        #: Called as white space is typed right after a word, before it goes in (the text then ends with the word): the
        #: editor commits there, so that each word typed is an undo step of its own.
        self.on_word_ended: Callable[[], None] | None = None

    def edit(self, edit: Edit) -> EditResult:
        if self._ends_a_word(edit):
            # Each word its own undo step, here and in the document: a batch of Textual's history took back up to 100
            # characters of typing at once (all typed within 2 s of each other).
            if self.on_word_ended is not None:
                self.on_word_ended()
            self.history.checkpoint()
        return super().edit(edit)

    def _ends_a_word(self, edit: Edit) -> bool:
        """Whether ``edit`` types one white space character, with nothing selected, at the end of a word (after a
        character that is not white space, before one that is or the line's end: not inside a word, where the text
        before it would be a word glued to the next, `EgyptRussia`)."""
        if len(edit.text) != 1 or not edit.text.isspace() or edit.from_location != edit.to_location:
            return False
        row, column = edit.from_location
        line = self.document.get_line(row)
        return column > 0 and not line[column - 1].isspace() and (column == len(line) or line[column].isspace())

    def action_cursor_text_start(self, select: bool = False) -> None:
        self.move_cursor((0, 0), select=select)

    def action_cursor_text_end(self, select: bool = False) -> None:
        self.move_cursor(self.document.end, select=select)

    def set_bidi(self, mode: BidiMode, *, rtl: bool) -> None:
        """Paint in ``mode``; ``rtl`` for an Arabic (or other RTL) target."""
        if (mode, rtl) != (self.bidi_mode, self.rtl):
            self.bidi_mode = mode
            self.rtl = rtl
            self.forget_painted_rows()
            self.refresh()

    # -- the visual line of a wrapped row --------------------------------------------------------

    def _section(self, line_index: int, section_offset: int) -> tuple[int, int]:
        """(start, end) logical columns of one wrapped section of a document line."""
        line_length = len(self.document.get_line(line_index))
        offsets = list(self.wrapped_document.get_offsets(line_index))
        starts = [0, *offsets]
        ends = [*offsets, line_length]
        return starts[section_offset], ends[section_offset]

    def _visual(self, line_index: int, section_offset: int) -> tuple[EditorLine, int, int] | None:
        """The section's editor line and its logical bounds, or None when it is painted as it is."""
        if self.bidi_mode is not BidiMode.APP or not self.soft_wrap:
            return None
        start, end = self._section(line_index, section_offset)
        text = self.document.get_line(line_index)[start:end]
        if not self.rtl and not needs_bidi(text):
            return None
        width = self.scrollable_content_region.width - self.gutter_width
        return editor_line(text, rtl=self.rtl, width=width), start, end

    def _cursor_section(self) -> tuple[EditorLine, int, int] | None:
        row = self.cursor_location[0]
        _, y = self.wrapped_document.location_to_offset(self.cursor_location)
        info = self.wrapped_row(y)
        if info is None or info[0] != row:
            return None
        return self._visual(row, info[1])

    def visual_row(self, y: int) -> tuple[str, int | None] | None:
        """What row ``y`` of the document (wrapped) shows in ``app`` mode: its cells, and the cursor's cell if there.

        None when the row is painted as it is stored (no RTL text, or not ``app`` mode).
        """
        info = self.wrapped_row(y)
        if info is None:
            return None
        line_index, section_offset = info
        found = self._visual(line_index, section_offset)
        if found is None:
            return None
        line, start, end = found
        cells = " " * line.offset + line.visual.text
        row, column = self.cursor_location
        last = section_offset == len(self.wrapped_document.get_offsets(line_index))
        on_row = row == line_index and (start <= column < end or (column == end and last))
        return cells, (line.cursor_cell(column - start) if on_row else None)

    def paint_row(self, y: int) -> Strip | None:
        y_offset = y + self.scroll_offset.y
        wrapped = self.wrapped_document
        info = self.wrapped_row(y_offset)
        found = self._visual(*info) if info is not None else None
        if info is None or found is None:
            return None
        line_index, section_offset = info
        line, start, end = found
        theme = self.painting_theme
        base_style = theme.base_style if theme and theme.base_style is not None else self.rich_style
        # An LTR line's end cell (the cursor after its last character) is right of it. An RTL line is right-aligned and
        # its end cell is left of it: a space after it would cross the edge, and the crop there took the mark on its
        # last cell with it (the damma of عُقدت's first letter, drawn at the right edge).
        trailing = "" if line.visual.rtl else " "
        text = Text(" " * line.offset + line.visual.text + trailing, end="", no_wrap=True)
        v2l = line.visual.v2l
        selection = self.selection
        cursor_row, cursor_column = selection.end
        has_cursor_row = self.cursor_in_view and cursor_row == line_index
        cursor_line_style = theme.cursor_line_style if theme and self.highlight_cursor_line else None
        if has_cursor_row and cursor_line_style:
            text.stylize(cursor_line_style)
        # Styles go by character, not cell: the row's text holds the offset's spaces, then a character a glyph (a mark
        # among them, taking no cell).
        marks = self.marks_on(line_index)
        for position, index in enumerate(v2l) if marks else ():
            for low, high, name in marks:
                if low <= start + index < high:
                    at = line.offset + position
                    text.stylize(self.MARK_STYLES[name], at, at + 1)
        top, bottom = sorted(selection)
        if selection.start != selection.end and top[0] <= line_index <= bottom[0] and theme and theme.selection_style:
            low = top[1] if top[0] == line_index else 0
            high = bottom[1] if bottom[0] == line_index else end + 1
            for position, index in enumerate(v2l):
                if low <= start + index < high:
                    at = line.offset + position
                    text.stylize(theme.selection_style, at, at + 1)
        last = section_offset == len(wrapped.get_offsets(line_index))
        on_section = start <= cursor_column < end or (cursor_column == end and last)
        if cursor_row == line_index and on_section and self.cursor_blink_on and theme and theme.cursor_style:
            text.stylize(theme.cursor_style, *line.chars_of_cell(line.cursor_cell(cursor_column - start)))
        target_width = self.scrollable_content_region.width - self.gutter_width
        strip = Strip(text.render(self.app.console), cell_length=text.cell_len)
        line_style = cursor_line_style if has_cursor_row else (theme.base_style if theme else None)
        strip = strip.crop(0, target_width).extend_cell_length(target_width, line_style)
        return strip.apply_style(base_style)

    # -- the cursor ------------------------------------------------------------------------------

    @property
    def cursor_screen_offset(self) -> Offset:
        offset = super().cursor_screen_offset
        found = self._cursor_section()
        if found is None:
            return offset
        line, start, _ = found
        region_x = self.content_region.x
        return Offset(region_x + self.gutter_width + line.cursor_cell(self.cursor_location[1] - start), offset.y)

    def get_target_document_location(self, event: MouseEvent) -> Location:
        location = super().get_target_document_location(event)
        scroll_y = self.scroll_offset.y
        y = event.y + scroll_y - self.gutter.top
        info = self.wrapped_row(y)
        found = self._visual(*info) if info is not None else None
        if info is None or found is None:
            return location
        line, start, _ = found
        return (info[0], start + line.logical_at(event.x - self.gutter_width - self.gutter.left))

    def _visual_move(self, direction: int, select: bool) -> bool:
        """Move one cell left (-1) or right (+1) on screen; False when the line is not painted visually."""
        found = self._cursor_section()
        if found is None:
            return False
        line, start, _ = found
        row, column = self.cursor_location
        there = line.step(column - start, direction)
        if there is None:
            # Past the line's edge: on to the neighbouring line in reading order.
            forward = (direction < 0) == line.visual.rtl
            if forward:
                super().action_cursor_right(select)
            else:
                super().action_cursor_left(select)
            return True
        self.move_cursor((row, start + there), select=select)
        return True

    def action_cursor_left(self, select: bool = False) -> None:
        if not self._visual_move(-1, select):
            super().action_cursor_left(select)

    def action_cursor_right(self, select: bool = False) -> None:
        if not self._visual_move(1, select):
            super().action_cursor_right(select)
