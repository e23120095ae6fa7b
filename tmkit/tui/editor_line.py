"""Where the editor's cursor is drawn on a reordered Arabic line, and where the arrow keys take it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from tmkit.text.bidi import VisualLine, visual_line


@dataclass(frozen=True, slots=True)
class EditorLine:
    """One wrapped line of an editor in ``app`` mode: its visual form laid into ``width`` cells.

    An RTL line is right-aligned; the cell just left of it is where the cursor shows when it is
    after the last character (the end of the line in reading order). An LTR line starts at cell 0
    and its end cell is just right of it. The cursor at logical index ``i`` is drawn on the cell of
    the character at ``i`` (the one Delete removes and typing goes in front of).
    """

    visual: VisualLine
    #: Logical characters in the line (the cursor can also be at ``length``: after the last one).
    length: int
    #: The cell where the visual text starts.
    offset: int
    #: The start cell of each visual glyph, relative to ``offset`` (a mark shares its letter's).
    cells: tuple[int, ...]
    #: Cells the visual text takes.
    used: int

    @property
    def end_cell(self) -> int:
        """The cell of the cursor after the last character."""
        if self.visual.rtl:
            return self.offset - 1
        return self.offset + self.used

    def cursor_cell(self, logical: int) -> int:
        """The cell the cursor at logical index ``logical`` is drawn on."""
        if logical >= self.length or not self.cells:
            return self.end_cell
        return self.offset + self.cells[self.visual.l2v(max(logical, 0))]

    def chars_of_cell(self, cell: int) -> tuple[int, int]:
        """The characters (start, end) of the painted row (``offset`` spaces, the visual text, a space after it) that
        cell ``cell`` shows: a letter with the marks on it. Cells and characters part at the first zero-width mark
        (a fatha or shadda takes no cell), so styling a cell's character index lit the letter beside it."""
        if cell < self.offset:
            return cell, cell + 1
        glyphs = len(self.visual.text)
        first = next((p for p in range(glyphs) if self.offset + self.cells[p] == cell), None)
        if first is None:  # the end cell right of an LTR line (or past it)
            at = self.offset + glyphs + (cell - self.offset - self.used)
            return at, at + 1
        last = first + 1
        while last < glyphs and self.cells[last] == self.cells[first]:
            last += 1  # the marks drawn on it
        return self.offset + first, self.offset + last

    def logical_at(self, cell: int) -> int:
        """The logical cursor index a click (or a move) on ``cell`` stands for."""
        stops = self._stops()
        if cell <= stops[0][0]:
            return stops[0][1]
        if cell >= stops[-1][0]:
            return stops[-1][1]
        best = stops[0]
        for stop in stops:
            if stop[0] <= cell:
                best = stop
        return best[1]

    def step(self, logical: int, direction: int) -> int | None:
        """The logical index one cell to the left (``direction`` -1) or right (+1) on screen; None at the edge."""
        stops = self._stops()
        here = self.cursor_cell(logical)
        cells = [cell for cell, _ in stops]
        at = cells.index(here) if here in cells else min(range(len(cells)), key=lambda i: abs(cells[i] - here))
        there = at + direction
        if not 0 <= there < len(stops):
            return None
        return stops[there][1]

    def _stops(self) -> list[tuple[int, int]]:
        """(cell, logical index) of every cursor stop, left to right: one per glyph cell and the end."""
        seen: dict[int, int] = {}
        for position, index in enumerate(self.visual.v2l):
            cell = self.offset + self.cells[position]
            if cell not in seen or index < seen[cell]:
                seen[cell] = index  # a mark shares its letter's cell: the stop is the letter
        seen[self.end_cell] = self.length
        return sorted(seen.items())


def editor_line(text: str, *, rtl: bool, width: int) -> EditorLine:
    """``text`` (one wrapped line, logical order) as an editor in ``app`` mode draws it in ``width`` cells."""
    visual = visual_line(text, rtl=rtl)
    cells: list[int] = []
    position = 0
    for glyph in visual.text:
        glyph_width = cell_len(glyph)
        cells.append(position if glyph_width or not cells else cells[-1])
        position += glyph_width
    offset = max(width - position, 1) if rtl else 0
    return EditorLine(visual, len(text), offset, tuple(cells), position)
