"""The one place the editor reaches into Textual's private parts (checked against Textual 8.x; bounded in pyproject).

Alt+digit: xterm, VTE, Konsole, tmux, Windows Terminal and macOS Terminal (with "Use Option as Meta")
send ESC then the digit. Textual 8's input parser maps ESC+1…ESC+0 to `¡ ™ £ ¢ ∞ § ¶ • ª º`
(what WezTerm's Option+digit would type on a US Mac), so Alt+1 typed `¡` into the target. Here
those sequences become the keys `alt+1`…`alt+0` again. Alt+letters need nothing: an unknown
ESC-prefixed character already arrives as `alt+letter`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import _ansi_sequences
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

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
