"""A radio button whose state shows in its shape, not only its colour: `▐●▌` when chosen, `▐ ▌` when not."""

from __future__ import annotations

from textual.widgets import RadioButton


class ChoiceButton(RadioButton):
    """A `RadioButton` that draws its dot only when it is on.

    Textual draws `▐●▌` for both states, the chosen one told by colour alone: in the finish dialog a translator
    could not tell which choice was set (a monochrome terminal, colour blindness, a theme with close colours).
    """

    @property  # (a class attribute in Textual, read at each render)
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "
