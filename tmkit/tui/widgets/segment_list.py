"""The list of segments: number, status, source, target and best match %, one row each."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.widgets import DataTable

from tmkit.jobs.workfile import WorkFile
from tmkit.tui.display import BidiMode, one_line
from tmkit.tui.messages import SegmentChosen

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
#: Rows drawn before the first screen (after the current row), then per batch while idle: small
#: batches (a few ms each) so a key pressed meanwhile waits for one batch at most.
FIRST_BATCH = 100
LATER_BATCH = 40
SOURCE_WIDTH = 32
TARGET_WIDTH = 24
#: Room for `101` (a context match) and `100`: the column showed one digit (`7` for 77).
PERCENT_WIDTH = 3


class SegmentList(DataTable[Text]):
    """Rows are keyed by the document row number so filters never lose track of a segment.

    A click opens the segment and leaves the keyboard with the target; in the list (Alt+L, Tab) the arrows
    open each segment they pass and Enter goes to its target.
    """

    FOCUS_ON_CLICK = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.document: WorkFile | None = None
        self.mode = BidiMode.APP
        self.best: dict[int, float] = {}
        self.rows_shown: list[int] = []
        #: Rows the app moved the cursor to: their highlight events are not the translator's choice.
        self._moved_to: set[int] = set()
        self._generation = 0

    def on_mount(self) -> None:
        self.add_column("#", key="n", width=4)
        self.add_column("st", key="st", width=2)
        # The best match's % before the texts: at the right it was cut off in a narrow list (`7` for 77).
        self.add_column("%", key="best", width=PERCENT_WIDTH)
        self.add_column("source", key="source", width=SOURCE_WIDTH)
        self.add_column("target", key="target", width=TARGET_WIDTH)

    def _cells(self, row: int) -> list[Text]:
        assert self.document is not None
        r = self.document.rows[row]
        status = r.status.value
        mark = Text("✗", style="bold red") if r.unit.rejected else Text(STATUS_MARK[status], style=STATUS_STYLE[status])
        best = self.best.get(row)
        return [
            Text(str(row + 1), style="dim"),
            mark,
            Text("" if best is None else f"{int(best)}", style="green" if (best or 0) >= 95 else "", justify="right"),
            one_line(_clip(r.source_text, SOURCE_WIDTH), self.mode),
            one_line(_clip(r.target_text, TARGET_WIDTH), self.mode),
        ]

    def show_rows(self, rows: list[int], current: int | None) -> None:
        """Fill the table with these document rows, the cursor on ``current`` if it is among them.

        The rows up to the current one and a screenful after it come at once; the rest follow in
        batches between key presses, so a 10,000-segment file shows its first screen at once.
        """
        self.rows_shown = rows
        self._generation += 1
        self.clear()
        at = rows.index(current) if current is not None and current in rows else 0
        self._add_batch(rows, 0, at + FIRST_BATCH, self._generation)
        if current is not None and current in rows:
            self._moved_to.add(current)
            self.move_cursor(row=at, animate=False)

    def _add_batch(self, rows: list[int], start: int, end: int, generation: int) -> None:
        if generation != self._generation:
            return  # the filter changed meanwhile: this list is gone
        for i in rows[start:end]:
            self.add_row(*self._cells(i), key=str(i))
        if end < len(rows):
            self.set_timer(0.01, lambda: self._add_batch(rows, end, end + LATER_BATCH, generation))

    def update_segment(self, row: int) -> None:
        key = str(row)
        if key not in self.rows:  # not shown, or not added yet (it will be drawn from the document)
            return
        for column, value in zip(("n", "st", "best", "source", "target"), self._cells(row), strict=True):
            self.update_cell(key, column, value)

    def select(self, row: int) -> None:
        if str(row) in self.rows and self.cursor_row != self.get_row_index(str(row)):
            self._moved_to.add(row)
            self.move_cursor(row=self.get_row_index(str(row)), animate=False)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is None:
            return
        row = int(event.row_key.value)
        if event.cursor_row != self.cursor_row:
            return  # stale: posted before the app moved the cursor on (e.g. row 0 while the list refills)
        if row in self._moved_to:
            self._moved_to.discard(row)
            return
        self.post_message(SegmentChosen(row))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(SegmentChosen(int(event.row_key.value), opened=True))


def _clip(text: str, width: int) -> str:
    """The start of the text in logical order (so an RTL cell shows its beginning at the right)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
