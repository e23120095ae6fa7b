"""One-line text fields (the search box, the dialogs' fields): Ctrl+A selects all, as it does in the target."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

#: Textual's Input takes Ctrl+A to the start of the line (Emacs); a translator who pressed it to replace a search or
#: a term, as in the target, typed in front of the old text instead.
SELECT_ALL = Binding("ctrl+a", "select_all", "Select all", show=False)


class TextField(Input):
    """A one-line field whose Ctrl+A selects its whole text.

    Its text stays in logical order: Input places the cursor by logical position, so a field shown in visual order
    (as the search box is) would edit the mirror of the letter under the cursor.
    """

    BINDINGS: ClassVar[list[BindingType]] = [SELECT_ALL]
