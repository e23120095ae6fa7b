"""Modal screens: the key help, a segment's notes and changes, a rejection's reason, crash recovery, a file changed
on disk, quitting with unsaved edits, and save as."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from tmkit.jobs.journal import PendingJournal
from tmkit.tui.display import BidiMode
from tmkit.tui.keymap import Keymap, keymap_path
from tmkit.tui.keys import COMMANDS
from tmkit.tui.textual_adapter import PaintedField, set_bindings
from tmkit.tui.widgets.button_row import ButtonRow
from tmkit.tui.widgets.text_field import TextField

#: How the cursor moves in the target editor (the help screen says it; bidi_editor does it).
CURSOR_RULE = (
    "Target editor, bidi app mode: ←/→ move one cell left/right on screen (visual order, as in CAT tools "
    "on an RTL line: ← goes forward in Arabic); Home/End go to the start/end of the line in reading order; "
    "Backspace deletes the character before the cursor in reading order, Delete the one under it. "
    "The text is stored, copied and saved in logical order."
)
#: How a dialog is answered from the keyboard (the help screen says it; `ButtonRow` does it).
DIALOG_RULE = "Dialogs: ←/→ (or Tab) move between the buttons, Enter presses the one shown reversed, Esc cancels."


class Dialog(ModalScreen[ScreenResultType]):
    """A modal dialog of the editor. The notices up when it opens are taken down: they lie over its middle (at 80x24
    the warnings of a few F2s covered the right half of the QA findings), and what they said is there to be read
    again (the QA findings, the status bar)."""

    def on_mount(self) -> None:
        self.app.clear_notifications()


class HelpScreen(Dialog[None]):
    """Every command and its keys, from the keymap the footer and the palette use; it scrolls (↑↓, PgUp/PgDn)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close")]
    AUTO_FOCUS: ClassVar[str | None] = "#help-body"

    def __init__(self, keymap: Keymap) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        table = Table(title=f"tmkit edit: keys ({self.keymap.preset} keymap)", expand=True)
        table.add_column("command", no_wrap=True)
        table.add_column("keys")
        table.add_column("what it does", ratio=1)
        for command in COMMANDS:
            name = Text(command.description)
            name.append(f"\n{command.id}", style="dim")  # its name in keys.toml
            table.add_row(name, self.keymap.labels(command.id), command.tooltip)
        where = f"Keys from {self.keymap.path}. " if self.keymap.path else ""
        with Vertical(id="dialog"):
            with VerticalScroll(id="help-body"):
                yield Static(table)
                yield Static(CURSOR_RULE, classes="hint")
                yield Static(DIALOG_RULE, classes="hint")
                yield Static(
                    f'{where}Change them in {keymap_path(os.environ)} (preset = "omegat" or "memoq", '
                    'then [keys] command = "keys"), or start with --keymap omegat|memoq.',
                    classes="hint",
                    markup=False,
                )
            yield Static(
                f"↑↓ PgUp PgDn scroll · Esc closes · {self.keymap.label('command_palette')} opens the command palette",
                classes="hint",
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class QaScreen(Dialog[int | None]):
    """QA's findings, scrollable: the current segment's as typed, then the warnings left on the segments confirmed with
    them, each of which ↑↓ choose and Enter goes to (its document row is the dialog's answer; None: closed). A
    reviewer read the list and then had to find each segment by hand."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close")]
    AUTO_FOCUS: ClassVar[str | None] = "#qa-body"

    def __init__(self, current: list[RenderableType], left: list[tuple[int, RenderableType]]) -> None:
        super().__init__()
        self.current = current
        self.left = left

    def compose(self) -> ComposeResult:
        options: list[Option] = [Option(line, disabled=True) for line in self.current]
        options += [Option(line, id=f"finding-{number}") for number, (_row, line) in enumerate(self.left)]
        with Vertical(id="dialog"):
            yield Static(Text("QA findings", style="bold"))
            yield OptionList(*options, id="qa-body")
            hint = "↑↓ choose · Enter goes to its segment · " if self.left else ""
            yield Static(f"{hint}Esc closes", classes="hint")

    def on_mount(self) -> None:
        body = self.query_one("#qa-body", OptionList)
        if self.left:
            body.highlighted = len(self.current)  # the first finding left on a segment

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self.left[int(event.option.id.removeprefix("finding-"))][0])

    async def action_dismiss(self, result: int | None = None) -> None:
        self.dismiss(result)


class NotesScreen(Dialog[None]):
    """A segment's notes in full (the agency's instructions), scrollable (↑↓, PgUp/PgDn): the border under the source
    has room for their beginning only, and the end of a long note could be read nowhere. Each note is given already
    laid out (Arabic shaped and in display order, as the editor shows it)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,enter", "dismiss", "Close")]
    AUTO_FOCUS: ClassVar[str | None] = "#notes-body"

    def __init__(self, title: str, notes: list[RenderableType], *, close_keys: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.title_line = title
        self.notes = notes
        if close_keys:
            # The key that opened it closes it too (under a dialog the editor's keys are out of the key chain).
            set_bindings(self, [*self.BINDINGS, Binding(",".join(close_keys), "dismiss", "Close", show=False)])  # type: ignore[list-item]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.title_line, style="bold"), markup=False)
            with VerticalScroll(id="notes-body"):
                for number, note in enumerate(self.notes, start=1):
                    if len(self.notes) > 1:
                        yield Static(Text(f"note {number} of {len(self.notes)}", style="dim"), classes="note-head")
                    yield Static(note, classes="note")
            yield Static("↑↓ PgUp PgDn scroll · Esc closes", classes="hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class RejectScreen(Dialog[str | None]):
    """Reject a segment, saying why for the translator (a reviewer's comment, as memoQ and Trados take one): Enter
    rejects with the reason typed (none: without one), Esc leaves the segment as it was. A segment rejected before
    opens with its reason, the cursor after it (Ctrl+A selects it, to type another)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS: ClassVar[str | None] = "#reject-reason"

    def __init__(self, title: str, reason: str = "", *, mode: Callable[[], BidiMode]) -> None:
        super().__init__()
        self.title_line = title
        self.reason = reason
        self.mode = mode  # the editor's bidi mode: an Arabic reason is shown as the target shows Arabic

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.title_line, style="bold"), markup=False, id="question")
            yield Static("Why, for the translator (optional):", classes="hint")
            # Not selected on opening: a letter typed at once (a reviewer adding to the reason) would replace it all.
            yield PaintedField(self.reason, id="reject-reason", mode=self.mode, select_on_focus=False)
            with ButtonRow(id="buttons"):
                yield Button("Reject", id="reject", variant="error")
                yield Button("Cancel", id="cancel")
            yield Static("Enter rejects · Esc cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.query_one("#reject-reason", Input).value if event.button.id == "reject" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChangesScreen(NotesScreen):
    """What was changed in a segment's target against its pre-translation (the match it began as), word by word, for a
    reviewer checking a colleague's post-editing: removed words `[-struck-]`, added ones `{+underlined+}`."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.title_line, style="bold"), markup=False)
            with VerticalScroll(id="notes-body"):
                for part in self.notes:
                    yield Static(part)
            yield Static("[-removed-] {+added+} · ↑↓ PgUp PgDn scroll · Esc closes", classes="hint", markup=False)


#: The class of a dialog's default button: it has the focus when the dialog opens, so Enter presses it.
DEFAULT_BUTTON = "default"


class _Choice(Dialog[str]):
    """A question with buttons; the answer is the pressed button's id (Enter presses the focused one)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    # Without it the app's own AUTO_FOCUS (the target, not on this screen) leaves nothing focused: Enter did nothing.
    AUTO_FOCUS: ClassVar[str | None] = f"Button.{DEFAULT_BUTTON}"
    question = ""
    choices: tuple[tuple[str, str], ...] = ()
    #: The id of the button Enter presses when the dialog opens.
    default = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question")
            with ButtonRow(id="buttons"):
                for ident, label in self.choices:
                    yield Button(label, id=ident, classes=DEFAULT_BUTTON if ident == self.default else "")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_cancel(self) -> None:
        self.dismiss("cancel")


class RecoveryScreen(Dialog[bool]):
    """After a crash: the journal holds edits that were never saved (Enter recovers them)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "keep", "Decide later")]
    AUTO_FOCUS: ClassVar[str | None] = "#recover"

    def __init__(self, pending: PendingJournal, file_name: str) -> None:
        super().__init__()
        self.pending = pending
        self.file_name = file_name

    @property
    def question(self) -> str:
        pending = self.pending
        text = f"The last session ended without saving {len(pending)} edit(s), kept in {pending.path.name}."
        if pending.base_matches:
            text += "\nRecover them?"
        else:
            text += (
                f"\n{self.file_name} changed on disk since then. Recover merges them into the file as it is now, "
                "each into its own segment (found by its id and source text): a segment changed on both sides "
                "is kept twice and marked, an edit whose segment is gone is set aside and named."
            )
        if pending.notice:
            text += f"\n{pending.notice}"
        return text

    def compose(self) -> ComposeResult:
        label = "Recover" if self.pending.base_matches else "Recover and merge"
        with Vertical(id="dialog"):
            yield Static(self.question, id="question")
            with ButtonRow(id="buttons"):
                yield Button(label, id="recover", variant="primary")
                yield Button("Discard", id="discard", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "recover")

    def action_keep(self) -> None:
        self.dismiss(True)  # nothing is thrown away without being asked: Esc recovers


class ChangedOnDiskScreen(_Choice):
    """The working file changed on disk since it was opened: merge, reload or overwrite. ``updated``: it was carried
    over to a new version of its document (`tmkit pretranslate --update`), and the choices say what that means."""

    def __init__(self, path: Path, *, updated: bool = False) -> None:
        super().__init__()
        if updated:
            self.question = (
                f"{path.name} was carried over to a new version of its document (pretranslate --update) since you "
                "opened it.\nMerge: put your unsaved edits into the new version (a segment the client took out that "
                "you edited is kept twice, marked, for you to settle). Reload: take the new version and drop your "
                "unsaved edits. Overwrite: keep yours and undo the update (finish then says the document changed)."
            )
        else:
            self.question = (
                f"{path.name} changed on disk since you opened it. Saving now would overwrite those changes.\n"
                "Merge: keep both sides' edits (conflicts are kept twice and marked). Reload: take the file on "
                "disk and drop your unsaved edits. Overwrite: keep only yours."
            )
        self.choices = (("merge", "Merge"), ("reload", "Reload"), ("overwrite", "Overwrite"), ("cancel", "Cancel"))
        self.default = "merge"


class QuitScreen(_Choice):
    """Quitting with unsaved edits; when some are not in the journal (a full disk), it says quitting loses them."""

    def __init__(self, *, unsafe: int = 0) -> None:
        super().__init__()
        if unsafe:
            self.question = (
                f"There are unsaved edits, and {unsafe} of them are not in the journal (the disk is full): "
                "quitting without saving loses them. Save as another file first?"
            )
            self.choices = (("save_as", "Save as…"), ("quit", "Quit and lose them"), ("cancel", "Cancel"))
            self.default = "save_as"
        else:
            self.question = (
                "There are unsaved edits. Quit without saving drops them (nothing is offered back next time)."
            )
            self.choices = (("save", "Save and quit"), ("quit", "Quit without saving"), ("cancel", "Cancel"))
            self.default = "save"


class SaveAsScreen(Dialog[Path | None]):
    """Save the working file under another name (another disk) and go on editing there; Enter saves."""

    DEFAULT_CSS = "SaveAsScreen { align: center middle; }"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS: ClassVar[str | None] = "#save-as-path"

    def __init__(self, suggestion: Path, why: str = "") -> None:
        super().__init__()
        self.suggestion = suggestion
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static((self.why + "\n" if self.why else "") + "Save the working file as:", id="question")
            yield TextField(str(self.suggestion), id="save-as-path")
            yield Static("A new file (an existing one is never overwritten); editing goes on there.", classes="hint")
            with ButtonRow(id="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._answer(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._answer(self.query_one("#save-as-path", Input).value)
        else:
            self.dismiss(None)

    def _answer(self, value: str) -> None:
        self.dismiss(Path(value.strip()).expanduser() if value.strip() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
