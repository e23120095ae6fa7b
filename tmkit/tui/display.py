"""How Arabic is painted: the bidi display mode and rich renderables that reorder per displayed line."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.highlighter import Highlighter
from rich.segment import Segment as RichSegment
from rich.style import Style
from rich.text import Text

from tmkit.text.bidi import base_is_rtl, needs_bidi, visual_line
from tmkit.text.textdiff import Change, word_diff

#: Sent to VTE (GNOME Terminal and friends) to switch its own reordering off (explicit mode) and on.
VTE_EXPLICIT = "\x1b[8l"
VTE_IMPLICIT = "\x1b[8h"


class BidiMode(StrEnum):
    AUTO = "auto"  # decided from the terminal
    APP = "app"  # tmkit reorders and shapes each line; the terminal must not
    TERMINAL = "terminal"  # the terminal reorders; tmkit sends logical order
    OFF = "off"  # logical order, no shaping (for debugging and screen readers)


#: Terminals that always reorder themselves, whatever the application asks.
_REORDERING_TERMINALS = ("KONSOLE_VERSION", "MLTERM")


def detect_mode(env: Mapping[str, str] | None = None) -> BidiMode:
    """The mode ``auto`` stands for in this environment."""
    env = os.environ if env is None else env
    if any(name in env for name in _REORDERING_TERMINALS) or env.get("TERM_PROGRAM") == "Apple_Terminal":
        return BidiMode.TERMINAL
    return BidiMode.APP  # VTE can be switched to explicit mode; the rest do no bidi at all


def is_vte(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    try:
        return int(env.get("VTE_VERSION", "0")) >= 5800
    except ValueError:
        return False


def wrap_logical(text: str, width: int) -> list[str]:
    """Break logical text into lines of at most ``width`` cells, at spaces where possible."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
            while cell_len(line) > width > 0:
                cut = width
                while cell_len(line[:cut]) > width:
                    cut -= 1
                lines.append(line[: max(cut, 1)])
                line = line[max(cut, 1) :]
        lines.append(line)
    return lines


def clip(text: str, width: int) -> str:
    """The start of the text in logical order (so an RTL cell shows its beginning at the right), ``width`` cells at
    most: counted in cells, not characters, as a fatha or shadda takes none (a row with harakat ended a cell short of
    the column's edge for each)."""
    flat = " ".join(text.split())
    if cell_len(flat) <= width:
        return flat
    used = 0
    for end, char in enumerate(flat):
        used += cell_len(char)
        if used > width - 1:  # (room for the ellipsis)
            return flat[:end] + "…"
    return flat


def one_line(text: str, mode: BidiMode, *, style: str | Style = "") -> Text:
    """A single displayed line (e.g. a table cell) in the mode's order."""
    flat = " ".join(text.split())
    if mode is BidiMode.APP and needs_bidi(flat):
        return Text(visual_line(flat).text, style=style)
    return Text(flat, style=style)


class BidiText:
    """Logical text wrapped to the width it is given, each line reordered and shaped in ``app`` mode."""

    def __init__(self, text: str, mode: BidiMode, *, style: str | Style = "", rtl: bool | None = None) -> None:
        self.text = text
        self.mode = mode
        self.style = style
        self.rtl = base_is_rtl(text) if rtl is None else rtl

    def lines(self, width: int) -> list[Text]:
        out = []
        for line in wrap_logical(self.text, max(width, 1)):
            if self.mode is BidiMode.APP and needs_bidi(line):
                shown = Text(visual_line(line, rtl=self.rtl).text, style=self.style)
            else:
                shown = Text(line, style=self.style)
            if self.rtl and self.mode is BidiMode.APP:
                shown.pad_left(max(width - shown.cell_len, 0))  # RTL paragraphs start at the right
            out.append(shown)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RichSegment | Text]:
        yield from self.lines(options.max_width)


#: How the word diff of a match's source is styled on a colour terminal.
_DIFF_STYLES = {Change.SAME: "", Change.REMOVED: "strike red", Change.ADDED: "underline green"}


def diff_text(stored: str, new: str, *, color: bool) -> Text:
    """The stored source with what the new segment changes, as ``[-removed-]{+added+}`` (the wdiff convention).

    The markers are always there, colour or not: they keep a removed and an added word apart, so
    numbers never read as one (`[-15-]{+22+}`, not `1522`) and Arabic words never join into one
    another. With colour, removed words are also struck through in red and added ones underlined
    in green.
    """
    text = Text()
    for piece in word_diff(stored, new):
        if piece.change is Change.REMOVED:
            text.append(f"[-{piece.text}-]", style=_DIFF_STYLES[piece.change] if color else "")
        elif piece.change is Change.ADDED:
            text.append(f"{{+{piece.text}+}}", style=_DIFF_STYLES[piece.change] if color else "")
        else:
            text.append(piece.text)
    return text


def diff_lines(stored: str, new: str, mode: BidiMode, width: int, console: Console) -> list[Text]:
    """The word diff of ``stored`` against ``new`` (`diff_text`, coloured) wrapped to ``width``; in app mode each
    line is reordered and shaped with its styles, so that the colours stay on their words."""
    diff = diff_text(stored, new, color=True)
    if mode is not BidiMode.APP:
        return list(diff.wrap(console, width))
    out: list[Text] = []
    plain = diff.plain
    rtl = base_is_rtl(plain)  # (an English target with an Arabic name in it reads from the left)
    start = 0
    for line in wrap_logical(plain, width):
        offset = plain.find(line, start)
        offset = start if offset < 0 else offset
        piece = diff[offset : offset + len(line)]
        start = offset + len(line)
        if not needs_bidi(line):
            out.append(piece)
            continue
        shown = visual_line(line, rtl=rtl)
        styled = Text()
        for glyph, index in zip(shown.text, shown.v2l, strict=True):
            styled.append(glyph, style=piece.get_style_at_offset(console, index))
        if rtl:
            styled.pad_left(max(width - styled.cell_len, 0))
        out.append(styled)
    return out


class DiffText:
    """`diff_lines` as a renderable: wrapped to the width it is given."""

    def __init__(self, stored: str, new: str, mode: BidiMode) -> None:
        self.stored, self.new, self.mode = stored, new, mode

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RichSegment | Text]:
        yield from diff_lines(self.stored, self.new, self.mode, options.max_width, console)


class VisualHighlighter(Highlighter):
    """For a one-line Input: its text shaped and in visual order in ``app`` mode (the value stays logical).

    Input draws what its highlighter returns; the search box and the add-term fields show Arabic readable (their cursor
    painted where its letter is: `textual_adapter.PaintedInput`).
    """

    def __init__(self, mode: Callable[[], BidiMode]) -> None:
        self.mode = mode

    def __call__(self, text: str | Text) -> Text:
        plain = text.plain if isinstance(text, Text) else text
        if self.mode() is BidiMode.APP and needs_bidi(plain):
            return Text(visual_line(plain).text, no_wrap=True, overflow="ignore", end="")
        return text.copy() if isinstance(text, Text) else Text(text, no_wrap=True, overflow="ignore", end="")

    def highlight(self, text: Text) -> None:
        """Not used: `__call__` returns the visual line itself."""
