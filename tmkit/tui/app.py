"""The editor application: reads the configuration and keymap, shows the loading screen, then the editor's screen
with the loaded document, and asks what becomes of a crashed session's journal."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from tmkit.jobs.journal import PendingJournal
from tmkit.jobs.workfile import WorkFile
from tmkit.matching.matcher import Matcher
from tmkit.tui import keys
from tmkit.tui.display import BidiMode, detect_mode
from tmkit.tui.editor_screen import BACK_KEY, MATCHES_SHOWN, TERM_DIGITS, TERMS_SHOWN, EditorScreen
from tmkit.tui.keymap import Keymap, keymap_path, load_keymap
from tmkit.tui.loading import LoadingScreen
from tmkit.tui.messages import DocumentFailed, DocumentLoaded
from tmkit.tui.options import EditorOptions
from tmkit.tui.screens import RecoveryScreen
from tmkit.tui.textual_adapter import QueriesFromScreen, alt_digits_as_keys, set_bindings

__all__ = ["EditorApp", "EditorOptions"]

#: Commands the App itself runs, whatever screen is up: quitting (the editor's screen asks about unsaved edits
#: first; the loading screen just stops) and the command palette.
APP_COMMANDS = frozenset({"quit", "command_palette"})
#: The keys that move the focus on the editor's screen (both text areas pass Tab on: `tab_behavior="focus"`).
FOCUS_KEYS = frozenset({"tab", "shift+tab"})
#: The app mode whose screen stack holds the editor's screen once the document is loaded.
EDITOR_MODE = "editor"
#: Actions that read or change the target: they wait until the target has taken every key typed before them
#: (a burst `abc` + Ctrl+S reached the binding before the target had the letters: they were saved later).
AFTER_TYPING = frozenset(
    {
        "confirm_next",
        "approve",
        "reject",
        "next_segment",
        "previous_segment",
        "next_unconfirmed",
        "use_match",
        "insert_match",
        "replace_match",
        "copy_source",
        "concordance",
        "add_term",
        "spelling",
        "qa_findings",
        "changes",
        "cycle_filter",
        "undo",
        "redo",
        "save",
        "save_as",
        "team_sync",
        "finish",
        "toggle_bidi",
        "quit",
    }
)


#: How long a greeting that warns (a working file of another version of its document) stays up: read, not glimpsed.
GREETING_WARNING_S = 120.0


class EditorApp(QueriesFromScreen, App[None]):
    """Translate a TMX file segment by segment with matches, concordance and scores."""

    CSS_PATH = Path(__file__).with_name("editor.tcss")
    TITLE = "tmkit edit"
    BINDINGS: ClassVar[list[BindingType]] = []
    COMMAND_PALETTE_BINDING = "f12"

    def __init__(self, options: EditorOptions) -> None:
        super().__init__()
        self.options = options
        alt_digits_as_keys()
        keymap_file = options.keymap_file or (keymap_path(options.env) if options.env else None)
        # A keymap that cannot be used stops the start with one line naming file and line (InputError).
        self.keymap: Keymap = load_keymap(keymap_file, preset=options.keymap)
        # The editor's screen binds every command; the App only those it runs on any screen (they replace Textual's
        # Ctrl+Q and Ctrl+P, which the keymap may give to other commands).
        set_bindings(self, [b for b in self.keymap.bindings() if b.id in APP_COMMANDS])
        self.mode: BidiMode = options.bidi if options.bidi is not BidiMode.AUTO else detect_mode(options.env or None)
        #: Why the file (or a memory, or the reference) could not be opened; the editor then exits with code 2.
        self.load_error: str | None = None
        #: Whether this app froze the objects alive once its editor was up (`gc.freeze`), to give back as it ends.
        self._froze = False
        #: A previous session's unsaved edits, until the translator says what becomes of them.
        self.pending: PendingJournal | None = None
        #: The first screen: "opening…" while the file is read.
        self.loading = LoadingScreen(options)

    def get_default_screen(self) -> Screen[Any]:
        return self.loading

    def _editor_if_loaded(self) -> EditorScreen | None:
        """The editor's screen once it shows the document (mounted), else None."""
        return next((s for s in self.screen_stack if isinstance(s, EditorScreen) and s.shown), None)

    def query_screen(self) -> EditorScreen | None:
        # `app.query_one("#target")` finds the editor's widgets once it is up (as before the screens were split).
        return self._editor_if_loaded()

    @property
    def editor_screen(self) -> EditorScreen:
        """The editor's screen (under any dialog on top of it); only once the document is loaded."""
        screen = self._editor_if_loaded()
        if screen is None:
            raise LookupError("the document is not loaded yet")
        return screen

    @property
    def document(self) -> WorkFile | None:
        """The working file, None until it is loaded."""
        screen = self._editor_if_loaded()
        return screen.document if screen is not None else None

    def get_key_display(self, binding: Binding) -> str:
        # One naming style in the footer, the help and the palette (F2, Ctrl+S, Alt+1): the command's first key.
        return self.keymap.label(binding.id) if binding.id else keys.key_label(binding.key.split(",")[0])

    # -- loading and recovery --------------------------------------------------------------------

    @on(DocumentLoaded)
    async def _document_loaded(self, event: DocumentLoaded) -> None:
        editor = EditorScreen(
            event.document,
            Matcher(),
            options=self.options,
            keymap=self.keymap,
            mode=self.mode,
            early_text="".join(self.loading.typed),
        )
        # A mode of its own: the editor's screen is the bottom of its stack (dialogs go on top of it), and the
        # loading screen, done, stays behind in the default mode.
        self.add_mode(EDITOR_MODE, lambda: editor)
        await self.switch_mode(EDITOR_MODE)  # mounted: the dialogs below go on top of a whole editor
        # The job read and the editor made live as long as the session: out of the cycle collector's full passes,
        # which took ~100 ms over a 10,000-segment job, a hitch in the typing every few dozen keys
        # (`python bench/editor.py --terminal --words`). Given back to it as the app ends (`on_unmount`). (The garbage
        # of the loading frozen with them, ~2,000 objects, is not worth a full pass here, before the first paint.)
        gc.freeze()
        self._froze = True
        if self.options.greeting:
            if self.options.greeting_warns:  # (8 s went by before a translator looked up from the keyboard)
                self.notify(self.options.greeting, severity="warning", timeout=GREETING_WARNING_S)
            else:
                self.notify(self.options.greeting, timeout=8)
        pending = event.pending
        if pending is not None and pending.notice:
            self.notify(pending.notice, severity="warning", timeout=12)
        if pending and self.options.ask_recovery:
            self.pending = pending
            self.push_screen(RecoveryScreen(pending, event.document.path.name), self._recovery_answered)

    def on_unmount(self) -> None:
        if self._froze:
            gc.unfreeze()  # a process that goes on (a test's) collects the session's objects again

    def _recovery_answered(self, recover: bool | None) -> None:
        pending, self.pending = self.pending, None
        editor = self._editor_if_loaded()
        if editor is not None:
            editor.recover(pending, recover=bool(recover))

    @on(DocumentFailed)
    def _document_failed(self, event: DocumentFailed) -> None:
        self.load_error = event.reason
        self.exit(return_code=2)  # tmkit's exit code for unreadable input

    # -- keys ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Ctrl+Q under a dialog (the recovery question, say) is the dialog's business: the App's binding is off.
        return not (action in APP_COMMANDS and isinstance(self.screen, ModalScreen))

    async def action_quit(self) -> None:
        editor = self._editor_if_loaded()
        if editor is None:
            self.exit()  # still loading: nothing to save
        elif self.screen is editor:
            await editor.action_quit()

    async def run_action(self, action: Any, default_namespace: Any = None, namespaces: Any = None) -> bool:
        name = action.split("(")[0] if isinstance(action, str) else ""
        editor = self.screen
        if (
            name in AFTER_TYPING
            and isinstance(editor, EditorScreen)
            and default_namespace in (None, self, editor)
            and editor.is_mounted
        ):
            # Queued behind the keys the target has still to take: Ctrl+S after a burst saves the burst.
            editor.target_view.call_later(self._run_after_typing, action, default_namespace)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    async def _run_after_typing(self, action: str, namespace: Any) -> None:
        await super().run_action(action, namespace)

    async def on_event(self, event: events.Event) -> None:
        editor = self.screen_stack[-1] if self.screen_stack else None  # none yet while the app starts
        if isinstance(event, events.Key) and not event.is_forwarded and isinstance(editor, EditorScreen):
            if editor.term_key_armed:
                # The key after the term key: a digit inserts that term, in its turn after the keys typed before it;
                # Esc just disarms; any other key does what it does.
                editor.term_key_armed = False
                number = TERM_DIGITS.get(event.key)
                if number is not None:
                    editor.target_view.call_later(editor.insert_term_number, number)
                    return
                if event.key == "escape":
                    return
            if event.key == BACK_KEY and editor.shown and editor.back_key_is_back():
                # In the order the keys came, like Tab: the letters typed right after Escape are the target's.
                editor.back_to_target_in_order()
                return
            if event.key in FOCUS_KEYS and editor.shown:
                # Moved here, in the order the keys came: Textual moves the focus only once Tab has gone down to the
                # focused widget and back up, and the letters typed right after it had already gone elsewhere.
                editor.focus_next() if event.key == "tab" else editor.focus_previous()
                return
            if event.is_printable and editor.shown and editor.typing_goes_to_target(event.key):
                # Typing after a click in the list or the matches is for the target, not lost.
                editor.focus_target_in_order()
        elif isinstance(event, events.Key) and editor is self.loading and event.character and event.is_printable:
            # Typed before the file is shown: kept here, in the App's order, so that the letters that came before
            # DocumentLoaded are all in the target and those after it follow them.
            self.loading.typed.append(event.character)
            return
        await super().on_event(event)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        editor = self._editor_if_loaded()
        if editor is None:
            return
        for command in keys.COMMANDS:
            if command.id in ("command_palette", "quit"):
                continue  # the palette is open; Quit is Textual's own entry
            label = self.keymap.label(command.id)
            title = command.tooltip.split(" (")[0].split(":")[0]
            yield SystemCommand(
                f"{title} ({label})" if label else title,
                command.tooltip,
                lambda action=command.action: self.call_later(self.run_action, action, editor),
            )
        for n in range(1, MATCHES_SHOWN + 1):
            yield SystemCommand(
                f"Insert match {n} at the cursor",
                f"Insert match {n}'s translation where the cursor is in the target",
                lambda n=n: self.call_later(editor.insert_match_number, n),
            )
        if editor.options.terms:
            for n in range(1, TERMS_SHOWN + 1):
                yield SystemCommand(
                    f"Insert term {n} at the cursor",
                    f"Insert the preferred translation of term {n} of the terms panel where the cursor is",
                    lambda n=n: self.call_later(editor.insert_term_number, n),
                )
