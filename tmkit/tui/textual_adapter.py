"""The one place the editor reaches into Textual's private parts (written against Textual 8.2; pyproject bounds it <9).

Alt+digit: xterm, VTE, Konsole, tmux, Windows Terminal and macOS Terminal (with "Use Option as Meta")
send ESC then the digit. Textual 8's input parser maps ESC+1…ESC+0 to `¡ ™ £ ¢ ∞ § ¶ • ª º`
(what WezTerm's Option+digit would type on a US Mac), so Alt+1 typed `¡` into the target. Here
those sequences become the keys `alt+1`…`alt+0` again. Alt+letters need nothing: an unknown
ESC-prefixed character already arrives as `alt+letter`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from rich.style import Style
from rich.text import Text
from textual import _ansi_sequences, events
from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.notifications import Notification, Notify, SeverityLevel
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.widgets.text_area import TextAreaTheme

from tmkit.text.bidi import VisualLine, needs_bidi, visual_line
from tmkit.tui.display import BidiMode, VisualHighlighter
from tmkit.tui.widgets.text_field import TextField

_DIGITS = "1234567890"


@dataclass(frozen=True, slots=True)
class _KeyName:
    """What the parser reads from a sequence mapped to keys: an object with the key's name as ``value``."""

    value: str


def alt_digits_as_keys() -> None:
    """Make ESC+digit the key `alt+digit` in Textual's input parser (idempotent)."""
    table = _ansi_sequences.ANSI_SEQUENCES_KEYS
    for digit in _DIGITS:
        table[f"\x1b{digit}"] = (_KeyName(f"alt+{digit}"),)  # type: ignore[index]


def set_bindings(node: DOMNode, bindings: Sequence[Binding]) -> None:
    """Give one app (or widget) instance its own bindings, in order: the user's keymap, not the class's BINDINGS.

    Textual's own `App.set_keymap` re-applies the keymap to every binding map on each key press and
    shuffles the footer's order; the keymap here is fixed for the session.
    """
    mine = BindingsMap(bindings)
    actions = {b.action for b in bindings}
    # Textual's own (Ctrl+C: "how to quit") stay unless the keymap took their key or their action.
    kept = [b for _, b in node._bindings if b.action not in actions and b.key not in mine.key_to_bindings]
    node._bindings = BindingsMap([*bindings, *kept])


def withdrawable_notice(
    app: App[Any], message: str, *, severity: SeverityLevel, timeout: float, markup: bool = True
) -> Notification:
    """Show a notification and return it, so that `withdraw_notice` can take it down before its time (Textual's
    `notify` gives no handle; its `clear_notifications` takes every other notice down with it)."""
    notification = Notification(message, "", severity, timeout, markup=markup)
    app.post_message(Notify(notification))
    return notification


def withdraw_notice(app: App[Any], notification: Notification) -> None:
    """Take a notification of `withdrawable_notice` down, if it is up, or as soon as it is.

    Done through the app's queue, after the message that puts it up: a key pressed before that message was handled
    (F2 twice in quick succession, the second confirming what the first refused) withdrew a notice not up yet, which
    then stayed up its whole time, saying the segment confirmed was not."""

    def withdraw() -> None:
        if notification in app._notifications:
            app._unnotify(notification)

    app.call_next(withdraw)


class QueriesFromScreen:
    """An App whose own queries (`app.query_one("#target")`) search the screen `query_screen` names.

    Textual's App searches its first (default) screen; the editor's comes after the loading screen, in a mode of its
    own. A plain mixin for an App: the override of Textual's private `_get_dom_base` stays here.
    """

    def query_screen(self) -> DOMNode | None:
        """The screen the App's queries search (None: Textual's default screen)."""
        return None

    def _get_dom_base(self) -> DOMNode:
        return self.query_screen() or cast(App[Any], super())._get_dom_base()


def write_to_terminal(app: App[Any], data: str) -> bool:
    """Write control bytes straight to the terminal (VTE's bidi switch); False when there is none (headless)."""
    driver = app._driver
    if driver is None:
        return False
    driver.write(data)
    return True


class BindingsInTypingOrder:
    """A widget that types text runs its own key bindings (End, Home, arrows, Backspace) in typing order.

    Textual runs a focused widget's bindings only once the key has bubbled back to the App through every
    container's message queue, while the letters typed after it go straight to the widget: on a loaded
    machine `End` then ` Syria` put ` دمش` before the text and the rest after it. Run here, a bound key takes
    its turn in the widget's own queue, between the keys typed before and after it.

    A plain mixin, not a Widget: as a Widget base it would hide its partner's COMPONENT_CLASSES.
    """

    async def on_key(self, event: events.Key) -> None:
        widget = cast(Widget, self)
        if event.is_printable:
            return  # the widget inserts it
        for binding in widget._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await widget.app.run_action(binding.action, widget):
                event.stop()  # done: bubbling up would run it a second time
                return


class _PaintedValue(Text):
    """The search box's text as painted (shaped, in visual order), taking the cursor and the selection that Input puts
    at logical indexes to the cells where those characters are painted: at the logical index they fell on the mirrored
    letter, and the next key edited another place than the cursor showed."""

    def __init__(self, line: VisualLine) -> None:
        super().__init__(line.text, no_wrap=True, overflow="ignore", end="")
        self.line = line
        self.logical_length = max(line.v2l, default=-1) + 1
        # An RTL line's end is its left edge: a cell is kept there for the cursor after its last letter, always (padded
        # only while the cursor showed, the text moved with each blink).
        self.shifted = 1 if line.rtl else 0
        if line.rtl:
            super().pad_left(1)

    def cell(self, logical: int) -> int:
        """The cell painting the character at ``logical`` (the end: past the line in reading direction)."""
        if logical >= self.logical_length and self.line.rtl:
            return 0
        return self.line.l2v(logical) + self.shifted

    def pad_right(self, count: int, character: str = " ") -> None:
        if not self.line.rtl:  # (an RTL line has its cell for the cursor at its end already, on the left)
            super().pad_right(count, character)

    def stylize(self, style: str | Style, start: int = 0, end: int | None = None) -> None:
        for cell in self._cells(start, end):
            super().stylize(style, cell, cell + 1)

    def stylize_before(self, style: str | Style, start: int = 0, end: int | None = None) -> None:
        for cell in self._cells(start, end):
            super().stylize_before(style, cell, cell + 1)

    def _cells(self, start: int, end: int | None) -> list[int]:
        stop = self.logical_length if end is None else end
        return sorted({self.cell(logical) for logical in range(start, stop)})


class PaintedInput(Input):
    """An Input whose text, shown in visual order by its `VisualHighlighter` in app mode, has its cursor and selection
    painted where their letters are (Textual puts them by logical index: on the mirrored letter)."""

    def _painted(self) -> _PaintedValue | None:
        """The value as painted where the highlighter shows it in visual order (app mode, Arabic in it), else None."""
        highlighter = self.highlighter
        if isinstance(highlighter, VisualHighlighter) and highlighter.mode() is BidiMode.APP and needs_bidi(self.value):
            return _PaintedValue(visual_line(self.value))
        return None

    @property
    def _value(self) -> Text:
        # Textual's own property (what render_line stylizes with the cursor and the selection): in visual order, the
        # cursor and the selection are put where their letters are painted.
        painted = self._painted()
        return painted if painted is not None else super()._value

    def render_line(self, y: int) -> Strip:
        if self.has_focus:
            # The terminal's own cursor where this one is, now that the layout is done: Input placed it when the focus
            # came, before a dialog opening with it had its place on screen (it stayed where the target's was).
            self.app.cursor_position = self.cursor_screen_offset
        return super().render_line(y)

    @property
    def _cursor_offset(self) -> int:
        # Textual's own property (the cell of the cursor: the terminal's cursor, for input methods and screen readers,
        # and the scrolling), taken to where the letter is painted.
        painted = self._painted()
        if painted is None:
            return int(super()._cursor_offset)
        if self.cursor_at_end and not painted.line.rtl:
            return len(painted.line.text)
        return painted.cell(self.cursor_position)


class PaintedField(PaintedInput, TextField):
    """A dialog's one-line field whose Arabic is shown shaped and in visual order in app mode (``mode``: the editor's
    mode now), its cursor on the letter it edits."""

    def __init__(self, value: str | None = None, *, mode: Callable[[], BidiMode], **kwargs: Any) -> None:
        super().__init__(value, highlighter=VisualHighlighter(mode), **kwargs)


class SearchInput(BindingsInTypingOrder, PaintedInput, TextField):
    """The search box: an Input whose editing keys keep their place among the letters typed around them, and whose
    Enter runs ``on_submit`` with the text in that same turn.

    Textual's Enter posts `Input.Submitted`, which reaches the screen only after bubbling up through the containers,
    while the letters typed after Enter and Esc go straight to the target: they could be there before the search
    had opened its first hit, and be committed to the segment left.
    """

    def __init__(self, *, on_submit: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_submit = on_submit

    async def action_submit(self) -> None:
        self._on_submit(self.value)


class PaintedTextArea(BindingsInTypingOrder, TextArea):
    """A TextArea whose subclass may paint some rows itself: `paint_row` returns the row's Strip, or None for Textual's.

    Its own key bindings run in its own message queue, in the order the keys were typed (`BindingsInTypingOrder`).

    TextArea has no public hook for painting a row; its `_render_line`, its wrapped document's line table, its
    theme and its cursor-blink state are private, and are read here only.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        #: Marks by document line (start column, end column, name), valid while `text` is `_marked_text`.
        self._marks: dict[int, list[tuple[int, int, str]]] = {}
        self._marked_text: str | None = None
        super().__init__(*args, **kwargs)

    def paint_row(self, y: int) -> Strip | None:
        """The strip for row ``y`` of the widget (not of the document), or None to let Textual paint it."""
        return None

    def _render_line(self, y: int) -> Strip:
        if y == 0 and self.has_focus:
            # The terminal's own cursor where this one is, now that the layout is done: TextArea placed it when the
            # focus came, before it had its place on screen, and input methods and screen readers follow it.
            self.app.cursor_position = self.cursor_screen_offset
        return self.paint_row(y) or super()._render_line(y)

    def wrapped_row(self, y: int) -> tuple[int, int] | None:
        """(document line, wrapped section) that row ``y`` of the wrapped document shows, or None past its end."""
        wrapped = self.wrapped_document
        return wrapped._offset_to_line_info[y] if 0 <= y < wrapped.height else None

    @property
    def painting_theme(self) -> TextAreaTheme | None:
        """The theme rows are painted with."""
        return self._theme

    @property
    def cursor_in_view(self) -> bool:
        """Whether the cursor is drawn at all (focused, not read-only without selection)."""
        return self._has_cursor

    @property
    def cursor_blink_on(self) -> bool:
        """Whether the cursor is in the visible half of its blink."""
        return self._draw_cursor

    def forget_painted_rows(self) -> None:
        """Drop the rows Textual cached (the painting rules changed)."""
        self._line_cache.clear()

    # -- marks: words styled over the text (a forbidden term, a misspelled word) -----------------------------

    #: The style of each mark name.
    MARK_STYLES: ClassVar[dict[str, Style]] = {}

    def set_marks(self, marks: Sequence[tuple[int, int, str]]) -> None:
        """Style the spans (``start``, ``end`` offsets into `text`, a `MARK_STYLES` name) until the text changes."""
        text = self.text
        by_line: dict[int, list[tuple[int, int, str]]] = {}
        line_starts = [0]
        for line in text.split("\n")[:-1]:
            line_starts.append(line_starts[-1] + len(line) + 1)
        for start, end, name in marks:
            row = bisect.bisect_right(line_starts, start) - 1
            column = start - line_starts[row]
            by_line.setdefault(row, []).append((column, column + (end - start), name))
        self._marks = by_line
        self._marked_text = text
        self._build_highlight_map()
        self.refresh()

    def marks_on(self, row: int) -> list[tuple[int, int, str]]:
        """The marks of document line ``row`` as (start column, end column, name); none once the text changed."""
        if self._marked_text != self.text:
            return []
        return self._marks.get(row, [])

    def _build_highlight_map(self) -> None:
        # Textual rebuilds its highlights (none without a language) after each edit; the marks join them as long as
        # the text is the one they were found in, in Textual's units (UTF-8 byte offsets) and its theme's names.
        super()._build_highlight_map()
        if self._marked_text is None or self._marked_text != self.text:
            return
        theme = self._theme
        for row, marks in self._marks.items():
            line = self.document.get_line(row)
            for start, end, name in marks:
                if theme is not None and name in self.MARK_STYLES:
                    theme.syntax_styles.setdefault(f"tmkit-{name}", self.MARK_STYLES[name])
                to_bytes = len(line[:start].encode()), len(line[:end].encode())
                self._highlights[row].append((*to_bytes, f"tmkit-{name}"))
