"""Every key of the editor, declared once: the footer, the help screen and the command palette read this list.

Each action has the CAT-tool chord translators know and an alternative every terminal can send
(legacy terminals cannot send Ctrl+Enter or Ctrl+digit: Ctrl+Enter arrives as Enter or Ctrl+J,
Ctrl+digit as the digit; Alt+digit and F-keys always arrive).
"""

from __future__ import annotations

from textual.binding import Binding


def _b(
    key: str, action: str, description: str, tooltip: str, *, show: bool = True, display: str | None = None
) -> Binding:
    # priority: the target TextArea binds Ctrl+U, Ctrl+K, F6 and Ctrl+Z itself; the editor's meaning wins.
    return Binding(key, action, description, show=show, key_display=display, priority=True, tooltip=tooltip, id=action)


BINDINGS: list[Binding] = [
    _b(
        "ctrl+enter,ctrl+j,f2",
        "confirm_next",
        "Confirm",
        "Confirm the translation and go to the next unconfirmed segment",
        display="F2",
    ),
    _b(
        "shift+f2,alt+a",
        "approve",
        "Approve",
        "Approve the translation as reviewer (reviewed) and go on",
        display="Alt+A",
    ),
    _b("alt+x", "reject", "Reject", "Reject the translation (flag it and send it back to draft)", display="Alt+X"),
    _b("ctrl+n,alt+down", "next_segment", "Next", "Go to the next segment", display="Alt+↓"),
    _b("ctrl+p,alt+up", "previous_segment", "Prev", "Go to the previous segment", display="Alt+↑"),
    _b("ctrl+u,f8", "next_unconfirmed", "Unconfirmed", "Go to the next unconfirmed segment", display="F8"),
    *[
        _b(f"ctrl+{n},alt+{n}", f"insert_match({n})", f"Match {n}", f"Replace the target with match {n}", show=False)
        for n in range(1, 6)
    ],
    _b("ctrl+insert,f4,alt+s", "copy_source", "Source", "Copy the source into the target", display="F4"),
    _b(
        "ctrl+k,f3",
        "concordance",
        "Concord",
        "Look up the selected words (or the word at the cursor)",
        display="F3",
    ),
    _b("f6", "cycle_filter", "Filter", "Show only segments of the next status (all, new, draft, …, rejected)"),
    _b(
        "ctrl+f,f5",
        "search",
        "Search",
        "Search source and target (ignores harakat, hamza)",
        display="F5",
    ),
    _b("ctrl+z,alt+z", "undo", "Undo", "Undo the last edit", show=False),
    _b("ctrl+y,alt+y", "redo", "Redo", "Redo the edit undone", show=False),
    _b("ctrl+s", "save", "Save", "Save the file (atomically); with --save-to, also the memory"),
    _b(
        "ctrl+shift+s,alt+w",
        "save_as",
        "Save as",
        "Save the file under another name (another disk, when this one is full) and go on editing there",
        show=False,
        display="Alt+W",
    ),
    _b("f9", "toggle_bidi", "Bidi", "Switch the Arabic display: app, terminal, off"),
    _b("f1", "help", "Help", "Show every key"),
    _b("ctrl+q", "quit", "Quit", "Quit (asks to save unsaved edits)"),
]

#: The keys of the command palette (Ctrl+P is OmegaT's previous segment, so the palette moves).
COMMAND_PALETTE_KEY = "f12"


def first_key(binding: Binding) -> str:
    return binding.key.split(",")[0]
