"""One-line text fields (the search box, the dialogs' fields): Ctrl+A selects all, as it does in the target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

from tmkit.tui.display import BidiMode, VisualHighlighter

#: Textual's Input takes Ctrl+A to the start of the line (Emacs); a translator who pressed it to replace a search or
#: a term, as in the target, typed in front of the old text instead.
SELECT_ALL = Binding("ctrl+a", "select_all", "Select all", show=False)


class TextField(Input):
    """A one-line field whose Ctrl+A selects its whole text, and whose Arabic is shown shaped and in visual order in
    the editor's ``app`` mode (``mode``: the mode now), as the search box's is; the value stays logical."""

    BINDINGS: ClassVar[list[BindingType]] = [SELECT_ALL]

    def __init__(self, value: str | None = None, *, mode: Callable[[], BidiMode] | None = None, **kwargs: Any) -> None:
        if mode is not None:
            kwargs.setdefault("highlighter", VisualHighlighter(mode))
        super().__init__(value, **kwargs)
