"""The translator's keymap: a shipped preset, changed by `keys.toml` in the user's config folder.

    # $XDG_CONFIG_HOME/tmkit/keys.toml (else ~/.config/tmkit/keys.toml)
    preset = "omegat"            # default, omegat or memoq
    [keys]
    confirm_next = "f2, ctrl+j"  # or a list: ["f2", "ctrl+j"]
    use_match_1 = "alt+1"

A file that cannot be used is refused with one line naming the file, the line and the problem.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.binding import Binding
from textual.keys import Keys

from tmkit.errors import InputError
from tmkit.tui.keys import COMMAND_IDS, COMMANDS, DEFAULT_KEYS, PRESETS, key_label

KEYMAP_FILE_NAME = "keys.toml"
DEFAULT_PRESET = "default"
_MODIFIERS = frozenset({"ctrl", "alt", "shift", "super", "meta", "hyper"})
_NAMED_KEYS = frozenset(k.value.split("+")[-1] for k in Keys if not k.value.startswith("<")) | {
    "slash",
    "minus",
    "plus",
    "at",
    "comma",
    "full_stop",
    "semicolon",
    "apostrophe",
}
_TOML_WHERE = re.compile(r"\(at line (\d+), column \d+\)$")


def keymap_path(env: Mapping[str, str]) -> Path:
    """`$XDG_CONFIG_HOME/tmkit/keys.toml`, else `~/.config/tmkit/keys.toml` (a relative XDG value is ignored)."""
    base = env.get("XDG_CONFIG_HOME", "")
    home = env.get("HOME") or str(Path.home())
    root = Path(base) if base and os.path.isabs(base) else Path(home) / ".config"
    return root / "tmkit" / KEYMAP_FILE_NAME


@dataclass(frozen=True, slots=True)
class Keymap:
    """The keys of every command (command id → keys, the first one shown) and where they came from."""

    keys: Mapping[str, tuple[str, ...]]
    preset: str = DEFAULT_PRESET
    path: Path | None = None

    def bindings(self) -> list[Binding]:
        """Textual bindings, priority (the target editor binds Ctrl+Z, Ctrl+K, F6 itself; the editor's meaning wins)."""
        return [
            Binding(
                ",".join(self.keys[c.id]),
                c.action,
                c.description,
                show=c.footer,
                priority=True,
                tooltip=c.tooltip,
                id=c.id,
            )
            for c in COMMANDS
            if self.keys.get(c.id)
        ]

    def label(self, id: str) -> str:
        """The key shown for a command (its first), in the one naming style; empty when it has none."""
        keys = self.keys.get(id, ())
        return key_label(keys[0]) if keys else ""

    def labels(self, id: str) -> str:
        return "  ".join(key_label(k) for k in self.keys.get(id, ()))


def preset_keymap(preset: str = DEFAULT_PRESET) -> Keymap:
    if preset not in PRESETS:
        raise InputError(f"no keymap preset {preset!r}; there are {', '.join(PRESETS)}")
    return Keymap({**DEFAULT_KEYS, **PRESETS[preset]}, preset)


def load_keymap(path: Path | None, *, preset: str | None = None) -> Keymap:
    """The preset (``preset``, else the file's `preset`, else tmkit's own), with the file's `[keys]` on top.

    A missing file gives the preset as it is.
    """
    if path is None or not path.exists():
        return preset_keymap(preset or DEFAULT_PRESET)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the keymap: {error.strerror or error}", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError("the keymap is not UTF-8", path=path, line=data[: error.start].count(b"\n") + 1) from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = _TOML_WHERE.search(str(error))
        problem = _TOML_WHERE.sub("", str(error)).strip()
        raise InputError(f"not TOML: {problem}", path=path, line=int(where.group(1)) if where else None) from None

    def fail(message: str, key: str, *, table: str | None = None) -> InputError:
        return InputError(message, path=path, line=_line_of(text, key, table=table))

    unknown = set(values) - {"preset", "keys"}
    if unknown:
        name = sorted(unknown)[0]
        raise fail(f"unknown setting {name!r} (a keymap has preset and [keys])", name)
    chosen = values.get("preset", DEFAULT_PRESET)
    if not isinstance(chosen, str) or chosen not in PRESETS:
        raise fail(f"preset must be one of {', '.join(PRESETS)}, not {chosen!r}", "preset")
    keys: dict[str, tuple[str, ...]] = {**DEFAULT_KEYS, **PRESETS[preset or chosen]}
    table = values.get("keys", {})
    if not isinstance(table, dict):
        raise fail('keys must be a table: [keys] then one command = "keys" a line', "keys")
    for name, value in table.items():
        if name not in COMMAND_IDS:
            near = difflib.get_close_matches(name, sorted(COMMAND_IDS), n=1)
            hint = f" (did you mean {near[0]}?)" if near else " (F1 in the editor lists the commands)"
            raise fail(f"unknown command {name!r}{hint}", name, table="keys")
        given = _keys_of(value)
        if given is None:
            raise fail(f'{name}: give keys as a string ("f2, ctrl+j") or a list of strings', name, table="keys")
        if not given:
            raise fail(f"{name}: no key given", name, table="keys")
        for key in given:
            wrong = key_problem(key)
            if wrong:
                raise fail(f"{name}: {wrong}", name, table="keys")
        keys[name] = given
    owners: dict[str, str] = {}
    for command in COMMANDS:
        for key in keys.get(command.id, ()):
            if key in owners:
                # Name the line the user wrote: the command they set, or the other one.
                line_key = command.id if command.id in table else owners[key]
                raise fail(f"{key_label(key)} is given to both {owners[key]} and {command.id}", line_key, table="keys")
            owners[key] = command.id
    return Keymap(keys, preset or chosen, path)


def _keys_of(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = value
    else:
        return None
    return tuple(p.strip().lower() for p in parts if p.strip())


def key_problem(key: str) -> str | None:
    """Why ``key`` is not a key Textual can bind (None when it is)."""
    *modifiers, name = key.split("+")
    bad = [m for m in modifiers if m not in _MODIFIERS]
    if bad:
        return f"{key!r}: {bad[0]!r} is not a modifier (ctrl, alt, shift)"
    if not name:
        return f"{key!r} names no key"
    if len(name) == 1 or name in _NAMED_KEYS:
        return None
    try:
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return f"{key!r}: no key is called {name!r} (f1…f12, up, pagedown, enter, a letter, a digit…)"
    return None


def _line_of(text: str, key: str, *, table: str | None = None) -> int | None:
    """The line ``key`` is set on (inside ``[table]`` when given): TOML's parser does not say where a value stands."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    header = re.compile(r"^\s*\[([^\]]+)\]")
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        found = header.match(line)
        if found:
            current = found.group(1).strip()
            continue
        if current == table and pattern.match(line):
            return number
    return None
