"""Modal screens: the key help, crash recovery, a file changed on disk, and quitting with unsaved edits."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

#: How the cursor moves in the target editor (the help screen says it; bidi_editor does it).
CURSOR_RULE = (
    "Target editor, bidi app mode: ←/→ move one cell left/right on screen (visual order, as in CAT tools "
    "on an RTL line: ← goes forward in Arabic); Home/End go to the start/end of the line in reading order; "
    "Backspace deletes the character before the cursor in reading order, Delete the one under it. "
    "The text is stored, copied and saved in logical order."
)


class HelpScreen(ModalScreen[None]):
    """Every key, from the same declaration the footer and the palette use."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, bindings: Sequence[Binding]) -> None:
        super().__init__()
        self.bindings_shown = bindings

    def compose(self) -> ComposeResult:
        table = Table(title="tmkit edit: keys", expand=True)
        table.add_column("action")
        table.add_column("keys")
        table.add_column("what it does")
        for binding in self.bindings_shown:
            table.add_row(binding.description, binding.key.replace(",", "  "), binding.tooltip)
        with Vertical(id="dialog"):
            yield Static(table)
            yield Static(CURSOR_RULE, classes="hint")
            yield Static("Esc closes · F12 opens the command palette", classes="hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class _Choice(ModalScreen[str]):
    """A question with buttons; the answer is the pressed button's id."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    question = ""
    choices: tuple[tuple[str, str], ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question")
            with Horizontal(id="buttons"):
                for ident, label in self.choices:
                    yield Button(label, id=ident)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_cancel(self) -> None:
        self.dismiss("cancel")


class RecoveryScreen(ModalScreen[bool]):
    """After a crash: the journal holds edits that were never saved."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "keep", "Decide later")]

    def __init__(self, count: int, journal: Path) -> None:
        super().__init__()
        self.count = count
        self.journal = journal

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                f"The last session ended without saving {self.count} edit(s), kept in {self.journal.name}.\n"
                "Recover them?",
                id="question",
            )
            with Horizontal(id="buttons"):
                yield Button("Recover", id="recover", variant="primary")
                yield Button("Discard", id="discard", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "recover")

    def action_keep(self) -> None:
        self.dismiss(True)  # nothing is thrown away without being asked: Esc recovers


class ChangedOnDiskScreen(_Choice):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.question = (
            f"{path.name} changed on disk since you opened it. Saving now would overwrite those changes.\n"
            "Merge: keep both sides' edits (conflicts are kept twice and marked). Reload: take the file on "
            "disk and drop your unsaved edits. Overwrite: keep only yours."
        )
        self.choices = (("merge", "Merge"), ("reload", "Reload"), ("overwrite", "Overwrite"), ("cancel", "Cancel"))


class QuitScreen(_Choice):
    question = "There are unsaved edits (they are in the journal either way)."
    choices = (("save", "Save and quit"), ("quit", "Quit without saving"), ("cancel", "Cancel"))
