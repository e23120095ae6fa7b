"""A dialog's row of buttons, whose arrow keys move between them as Tab does."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button


class ButtonRow(Horizontal):
    """Buttons side by side: ←/→ focus the one to the left or right (stopping at either end), as in the dialogs of
    desktop CAT tools; a text field or a choice focused elsewhere in the dialog keeps its own arrow keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous button", show=False),
        Binding("right", "step(1)", "Next button", show=False),
    ]

    def action_step(self, step: int) -> None:
        buttons = [button for button in self.query(Button) if button.focusable]
        focused = self.screen.focused
        if focused not in buttons:
            return
        at = min(max(buttons.index(focused) + step, 0), len(buttons) - 1)
        # At once, not after this message as `focus()` does: arrows pressed in a row each move from the one before.
        self.screen.set_focus(buttons[at])
