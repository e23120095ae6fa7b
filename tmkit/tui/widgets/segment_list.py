"""The list of segments: number, status, best match %, source and target, one line each, drawn only where seen.

A DataTable held a row object per segment: filling it with 10,000 segments took seconds of batches,
each of which re-rendered the visible rows and re-summed every row's height, and a key typed meanwhile
waited behind them (70 ms per echo, 300 ms spikes). This list holds only the row numbers shown and
draws the lines on screen from the document when they are painted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tmkit.jobs.workfile import WorkFile
from tmkit.tui.display import BidiMode, clip, one_line
from tmkit.tui.textual_adapter import BindingsInTypingOrder

#: One letter per status, different in shape and not only in colour (✓ and ✔ were told apart by weight alone):
#: new, draft, translated, reviewed (R), final (F); a rejected segment shows ✗.
STATUS_MARK = {"new": "·", "draft": "d", "translated": "T", "reviewed": "R", "final": "F"}
STATUS_STYLE = {
    "new": "dim",
    "draft": "yellow",
    "translated": "green",
    "reviewed": "bold cyan",
    "final": "bold magenta",
}
#: A merge conflict still to settle, in place of the status (its two versions are shown when it is current).
CONFLICT_MARK = "C"
#: Beside the status, a segment with notes (the client's instructions: Alt+N shows them), as a CAT tool's comment icon.
NOTE_MARK = "*"
NUMBER_WIDTH = 5
#: Room for `101` (a context match) and `100`: the column showed one digit (`7` for 77).
PERCENT_WIDTH = 3
SOURCE_WIDTH = 32
#: Where the target starts: after the number, the status, the % and the source.
TARGET_COLUMN = NUMBER_WIDTH + 1 + 1 + 2 + PERCENT_WIDTH + 1 + SOURCE_WIDTH + 1
#: Lines kept drawn (a screenful or two; a line is drawn again when its segment changes).
_CACHED_LINES = 400


def header_line() -> Text:
    """The column titles, above the list (they do not scroll)."""
    return Text(
        f"{'#':>{NUMBER_WIDTH}} st {'%':>{PERCENT_WIDTH}} {'source':<{SOURCE_WIDTH}} target", style="bold", end=""
    )


class SegmentList(BindingsInTypingOrder, ScrollView, can_focus=True):
    """The rows shown (document row numbers, filtered), a cursor on one of them, and the current segment.

    A click opens the segment and leaves the keyboard with the target; in the list (Alt+L, Tab) the
    arrows open each segment they pass and Enter goes on to its target. Each calls ``on_choose`` (the row, and
    whether it was opened with Enter) in the list's own turn, between the keys typed before and after it: as a
    binding run once the key had bubbled up to the App, and a message bubbling up to the screen, ↓ then a letter
    put the letter into the segment left and the ↓ into the target (a line down).
    """

    FOCUS_ON_CLICK = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move(-1000000000)", "First", show=False),
        Binding("end", "move(1000000000)", "Last", show=False),
        Binding("enter", "open", "Open", show=False),
    ]
    DEFAULT_CSS = """
    SegmentList { background: $surface; }
    SegmentList > .segment-list--cursor { background: $primary 40%; text-style: bold; }
    SegmentList:focus > .segment-list--cursor { background: $accent 60%; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"segment-list--cursor"}

    def __init__(self, *, on_choose: Callable[[int, bool], None], id: str | None = None) -> None:
        super().__init__(id=id)
        self._on_choose = on_choose
        self.document: WorkFile | None = None
        self.mode = BidiMode.APP
        self.best: dict[int, float] = {}
        self.rows_shown: list[int] = []
        #: Where each shown row stands in `rows_shown`.
        self._position: dict[int, int] = {}
        #: The index in `rows_shown` of the highlighted row (the current segment, or where the arrows went).
        self.cursor = 0
        self._lines: dict[tuple[int, int], Strip] = {}

    # -- what is shown ---------------------------------------------------------------------------

    def show_rows(self, rows: list[int], current: int | None) -> None:
        """Show these document rows, the cursor on ``current`` if it is among them."""
        self.rows_shown = rows
        self._position = {row: index for index, row in enumerate(rows)}
        self._lines.clear()
        self.cursor = self._position.get(current, 0) if current is not None else 0
        self.virtual_size = Size(self.size.width, len(rows))
        self._scroll_to_cursor()
        self.refresh()

    def update_segment(self, row: int) -> None:
        """The row's status, text or best match changed: draw its line again."""
        self._lines.pop((row, 0), None)
        self._lines.pop((row, 1), None)
        index = self._position.get(row)
        if index is not None:
            self.refresh_line(index - self.scroll_offset.y)

    def select(self, row: int) -> None:
        """Put the cursor on ``row`` (the app moved there); nothing is posted."""
        index = self._position.get(row)
        if index is not None and index != self.cursor:
            self._set_cursor(index)

    @property
    def row_count(self) -> int:
        return len(self.rows_shown)

    # -- drawing ---------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self.rows_shown) or self.document is None:
            return Strip.blank(width, self.rich_style)
        row = self.rows_shown[index]
        on_cursor = int(index == self.cursor)
        key = (row, on_cursor)
        strip = self._lines.get(key)
        if strip is None or strip.cell_length != width:
            if len(self._lines) > _CACHED_LINES:
                self._lines.clear()
            text = self._line(row, width)
            style = self.get_component_rich_style("segment-list--cursor") if on_cursor else Style()
            segments = [Segment(s.text, style + s.style if s.style else style) for s in text.render(self.app.console)]
            strip = Strip(segments).crop_extend(0, width, style if on_cursor else None)
            self._lines[key] = strip
        return strip.apply_style(self.rich_style)

    def _line(self, row: int, width: int = TARGET_COLUMN + SOURCE_WIDTH) -> Text:
        """The row's line in a list ``width`` cells wide."""
        assert self.document is not None
        r = self.document.rows[row]
        status = r.status.value
        line = Text(no_wrap=True, end="")
        line.append(f"{row + 1:>{NUMBER_WIDTH}} ", style="dim")
        if r.in_conflict:
            line.append(CONFLICT_MARK, style="bold reverse red")  # a merge conflict to settle (Alt+O / Alt+T)
        elif r.unit.rejected:
            line.append("✗", style="bold red")
        else:
            line.append(STATUS_MARK[status], style=STATUS_STYLE[status])
        line.append(NOTE_MARK if r.notes else " ", style="bold cyan")
        best = self.best.get(row)
        if best is None:
            best = r.pretranslated_match  # until the segment's matches are looked up
        shown = "" if best is None else str(int(best))
        line.append(f" {shown:>{PERCENT_WIDTH}} ", style="green" if (best or 0) >= 95 else "")
        line.append_text(one_line(clip(r.source_text, SOURCE_WIDTH), self.mode))
        line.append(" " * max(TARGET_COLUMN - line.cell_len, 1))
        # Clipped to the cells left, not cut by the list's edge: an Arabic target shown right to left begins at its
        # right end, which the edge took (a fragment from the middle of the sentence was all a translator saw).
        room = min(width - line.cell_len, SOURCE_WIDTH)
        if room > 1:
            line.append_text(one_line(clip(r.target_text, room), self.mode))
        return line

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows_shown))
        self._lines.clear()

    # -- moving ----------------------------------------------------------------------------------

    def _set_cursor(self, index: int) -> None:
        old = self.cursor
        self.cursor = index
        for i in (old, index):
            if 0 <= i < len(self.rows_shown):
                row = self.rows_shown[i]
                self._lines.pop((row, 0), None)
                self._lines.pop((row, 1), None)
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        height = max(self.scrollable_content_region.height, 1)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _choose(self, index: int, *, opened: bool = False) -> None:
        if not self.rows_shown:
            return
        index = min(max(index, 0), len(self.rows_shown) - 1)
        self._set_cursor(index)
        self._on_choose(self.rows_shown[index], opened)

    def action_move(self, delta: int) -> None:
        self._choose(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._choose(self.cursor + direction * max(self.scrollable_content_region.height - 1, 1))

    def action_open(self) -> None:
        self._choose(self.cursor, opened=True)

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self.rows_shown):
            self._choose(index)
