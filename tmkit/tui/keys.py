"""Every command of the editor and its keys, declared once: the footer, the F1 help and the palette read this list.

Keys are Textual's names (`f2`, `ctrl+s`, `alt+1`). Each command has a key every terminal delivers
(F-keys, Alt+letter or digit: ESC then the key, Ctrl+letters the terminal does not keep) and, where
translators have one, the CAT-tool chord they know (Ctrl+Enter, Ctrl+digit), which only some
terminals send. A keymap (`tmkit.tui.keymap`) can give any command other keys.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How many matches have a key of their own (Alt+1…5).
MATCH_KEYS = 5
#: How many terms of the terms panel have a number (the term key, then 1…9).
TERM_KEYS = 9


@dataclass(frozen=True, slots=True)
class Command:
    """One thing the editor does: its keymap name (`id`), the Textual action it runs, and how it is described."""

    id: str
    action: str
    description: str
    tooltip: str
    #: Shown in the footer (the footer has room for a few at 80 columns).
    footer: bool = False


def _c(id: str, description: str, tooltip: str, *, action: str | None = None, footer: bool = False) -> Command:
    return Command(id, action or id, description, tooltip, footer)


COMMANDS: tuple[Command, ...] = (
    _c("confirm_next", "Confirm", "Confirm the translation and go to the next unconfirmed segment", footer=True),
    _c("approve", "Approve", "Approve the translation as reviewer (reviewed) and go on"),
    _c("reject", "Reject", "Reject the translation, saying why (flag it and send it back to draft)"),
    _c("keep_ours", "Keep ours", "Settle a merge conflict on our version (editing it settles it too)"),
    _c("keep_theirs", "Keep theirs", "Settle a merge conflict on their version"),
    _c(
        "qa_findings",
        "QA",
        "List QA's findings: the current segment's as typed, then the warnings left on confirmed segments",
    ),
    _c(
        "notes",
        "Notes",
        "Read the segment's notes in full (the agency's instructions; under the source they are cut to its width)",
    ),
    _c(
        "changes",
        "Changes",
        "Show what was changed in the target against its pre-translation, word by word (a reviewer's track changes)",
    ),
    _c("next_segment", "Next", "Go to the next segment"),
    _c("previous_segment", "Prev", "Go to the previous segment"),
    _c("next_unconfirmed", "Unconfirmed", "Go to the next unconfirmed segment"),
    *(
        _c(
            f"use_match_{n}",
            f"Match {n}" if n > 1 else "Match",
            f"Replace the target with match {n}",
            action=f"use_match({n})",
            footer=n == 1,
        )
        for n in range(1, MATCH_KEYS + 1)
    ),
    _c(
        "insert_match",
        "Insert match",
        "Insert the chosen match at the cursor: only the part selected in it with the mouse, if any",
    ),
    _c("replace_match", "Replace", "Replace the target with the chosen match (click a match to choose it)"),
    _c("next_match", "Next match", "Choose the next match (what Insert and Replace use)"),
    _c("previous_match", "Prev match", "Choose the previous match"),
    _c("copy_source", "Source", "Copy the source into the target"),
    _c(
        "concordance",
        "Concord",
        "Look up the selected words, or the word at the cursor, in the source or the target",
    ),
    _c(
        "insert_term",
        "Term",
        f"Insert a term's preferred translation at the cursor: this key, then the term's number 1…{TERM_KEYS} "
        "in the terms panel",
    ),
    _c("add_term", "Add term", "Add a term from the selected source and target words to the first termbase"),
    _c("spelling", "Spelling", "Suggestions for the misspelled word at the cursor: choose one to replace it"),
    _c("toggle_panel", "Panel", "Matches or concordance first (on small screens they take turns)"),
    _c("toggle_list", "List", "Show or hide the segment list (on small screens it takes the editor's place)"),
    _c("cycle_filter", "Filter", "Show only segments of the next status (all, new, draft, …, rejected)"),
    _c("search", "Search", "Search source and target (ignores harakat, hamza); Esc returns", footer=True),
    _c("undo", "Undo", "Undo the last edit"),
    _c("redo", "Redo", "Redo the edit undone"),
    _c("save", "Save", "Save the file (atomically); with --save-to, also the memory", footer=True),
    _c("save_as", "Save as", "Save the file under another name (another disk, when this one is full), go on there"),
    _c(
        "team_sync",
        "Sync with team",
        "Sync with the team over git: save, commit, pull the team's changes (merged unit by unit), push",
    ),
    _c(
        "finish",
        "Finish",
        "Write the translated document beside its source (the working file is saved first): name it, choose what "
        "drafts and untranslated segments become",
    ),
    _c("toggle_bidi", "Bidi", "Switch the Arabic display: app, terminal, off"),
    _c("help", "Help", "Show every key", footer=True),
    _c("command_palette", "Palette", "Open the command palette (every command by name)"),
    _c("quit", "Quit", "Quit (asks to save unsaved edits)", footer=True),
)

COMMAND_IDS = frozenset(c.id for c in COMMANDS)

#: tmkit's own keys: for each command, one key every terminal delivers first (the one shown), then CAT chords.
DEFAULT_KEYS: dict[str, tuple[str, ...]] = {
    "confirm_next": ("f2", "ctrl+j", "ctrl+enter"),
    "approve": ("alt+a", "shift+f2"),
    "reject": ("alt+x",),
    "keep_ours": ("alt+o",),
    "keep_theirs": ("alt+t",),
    # ESC q in every terminal (F11 is taken for full screen by GNOME Terminal and Windows Terminal).
    "qa_findings": ("alt+q",),
    # ESC n in every terminal (Ctrl+N is OmegaT's next segment).
    "notes": ("alt+n",),
    # ESC v (view changes) in every terminal.
    "changes": ("alt+v",),
    "next_segment": ("alt+down", "ctrl+n"),
    "previous_segment": ("alt+up", "ctrl+p"),
    "next_unconfirmed": ("f8", "ctrl+u"),
    **{f"use_match_{n}": (f"alt+{n}", f"ctrl+{n}") for n in range(1, MATCH_KEYS + 1)},
    "insert_match": ("f7", "alt+i"),
    "replace_match": ("ctrl+r", "alt+r"),
    "next_match": ("alt+pagedown", "ctrl+down"),
    "previous_match": ("alt+pageup", "ctrl+up"),
    "copy_source": ("f4", "alt+s", "ctrl+insert"),
    "concordance": ("f3", "ctrl+k"),
    # Ctrl+G (glossary) is one byte in every terminal, and Alt+G is ESC g; the term's digit follows, so Alt+digit
    # stays the matches'.
    "insert_term": ("ctrl+g", "alt+g"),
    "add_term": ("alt+e",),
    "spelling": ("alt+c",),
    "toggle_panel": ("alt+m",),
    "toggle_list": ("alt+l",),
    "cycle_filter": ("f6",),
    "search": ("f5", "ctrl+f"),
    "undo": ("ctrl+z", "alt+z"),
    "redo": ("ctrl+y", "alt+y"),
    "save": ("ctrl+s",),
    "save_as": ("alt+w", "ctrl+shift+s"),
    # ESC u (update from the team) in every terminal.
    "team_sync": ("alt+u",),
    # ESC d in every terminal (F10 opens GNOME Terminal's menu); OmegaT's Ctrl+D (Create Translated Documents) is
    # the target editor's delete-right, so only its preset takes it.
    "finish": ("alt+d",),
    "toggle_bidi": ("f9",),
    "help": ("f1",),
    "command_palette": ("f12",),
    "quit": ("ctrl+q",),
}

#: Shipped presets: what each changes from tmkit's keys.
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "default": {},
    # OmegaT: Ctrl+N/P move, Ctrl+U next untranslated, Ctrl+R replaces with the match, Ctrl+I inserts it (a
    # terminal sends Ctrl+I as Tab, so Alt+I stands in), Ctrl+F searches, Ctrl+Shift+R would copy the source.
    "omegat": {
        "next_segment": ("ctrl+n", "alt+down"),
        "previous_segment": ("ctrl+p", "alt+up"),
        "next_unconfirmed": ("ctrl+u", "f8"),
        "replace_match": ("ctrl+r",),
        "insert_match": ("alt+i", "f7"),
        "search": ("ctrl+f", "f5"),
        "copy_source": ("alt+s", "f4", "ctrl+insert"),
        "finish": ("ctrl+d", "alt+d"),
    },
    # memoQ and Trados: Ctrl+Enter confirms, Ctrl+digit takes a hit, Ctrl+Up/Down choose one, Ctrl+K (memoQ) and
    # F3 (Trados) look up, Ctrl+Insert copies the source; the keys every terminal sends stay as alternatives.
    "memoq": {
        "confirm_next": ("ctrl+enter", "ctrl+j", "f2"),
        "next_match": ("ctrl+down", "alt+pagedown"),
        "previous_match": ("ctrl+up", "alt+pageup"),
        "concordance": ("ctrl+k", "f3"),
        "copy_source": ("ctrl+insert", "f4", "alt+s"),
        # memoQ adds a term with Ctrl+E (Textual's TextArea would move to the line's end).
        "add_term": ("ctrl+e", "alt+e"),
        "next_segment": ("alt+down", "ctrl+n"),
        "previous_segment": ("alt+up", "ctrl+p"),
        **{f"use_match_{n}": (f"ctrl+{n}", f"alt+{n}") for n in range(1, MATCH_KEYS + 1)},
    },
}

_KEY_NAMES = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "insert": "Ins",
    "delete": "Del",
    "escape": "Esc",
}


def key_label(key: str) -> str:
    """One naming style for every key shown: `F2`, `Ctrl+S`, `Alt+1`, `Alt+↓`, `Shift+F2`."""
    *modifiers, name = key.split("+")
    if len(name) == 1 or (name[0] == "f" and name[1:].isdigit()):
        shown = name.upper()
    else:
        shown = _KEY_NAMES.get(name, name.replace("_", " ").capitalize())
    return "+".join([*(m.capitalize() for m in modifiers), shown])


def command(id: str) -> Command:
    return next(c for c in COMMANDS if c.id == id)
