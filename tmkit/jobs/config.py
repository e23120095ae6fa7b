"""The translator's settings from the config file: who they are (`changeid`/`creationid`), how confirming checks."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from tmkit.errors import InputError

#: The config file's name inside the user's config folder (`$XDG_CONFIG_HOME/tmkit/`, else `~/.config/tmkit/`).
CONFIG_FILE_NAME = "config.toml"
#: Seconds `git config user.name` may take before the identity falls back to the login name.
GIT_TIMEOUT = 2.0
#: Who wrote an edit when nothing else names the translator.
UNKNOWN_USER = "tmkit"


class QaOnConfirm(StrEnum):
    """What the QA checks do when a segment is confirmed: stop it on an error (until confirmed again), only
    report (warn), or not run (off)."""

    ERROR = "error"
    WARN = "warn"
    OFF = "off"


DEFAULT_QA_ON_CONFIRM = QaOnConfirm.ERROR


@dataclass(frozen=True, slots=True)
class EditorConfig:
    """The settings read from the config file (None or the default where it says nothing)."""

    user: str | None = None
    qa_on_confirm: QaOnConfirm = DEFAULT_QA_ON_CONFIRM
    #: The file they were read from (None: there is none).
    path: Path | None = None


def config_dir(env: dict[str, str] | None = None) -> Path:
    """The user's tmkit config folder: `$XDG_CONFIG_HOME/tmkit`, else `~/.config/tmkit`."""
    environ = os.environ if env is None else env
    base = environ.get("XDG_CONFIG_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".config"
    return root / "tmkit"


def config_path(env: dict[str, str] | None = None) -> Path:
    return config_dir(env) / CONFIG_FILE_NAME


_TOML_WHERE = re.compile(r"\(at line (\d+), column \d+\)$")


def load_config(path: str | os.PathLike[str] | None = None, *, env: dict[str, str] | None = None) -> EditorConfig:
    """Read the config file (``path``, else `config_path`); a missing file gives the defaults.

    A file that is not TOML, or a known key with a wrong value, raises `InputError` naming the file
    and line. Keys tmkit does not know are left for the parts of tmkit that read them (the keymap).
    """
    file = Path(path) if path is not None else config_path(env)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        return EditorConfig()
    except OSError as error:
        raise InputError(f"cannot read the config file: {error.strerror or error}", path=file) from None
    try:
        values = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError("the config file is not UTF-8", path=file, line=data[: error.start].count(b"\n") + 1) from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = _TOML_WHERE.search(message)
        raise InputError(
            f"not TOML: {_TOML_WHERE.sub('', message).strip()}", path=file, line=int(where.group(1)) if where else None
        ) from None
    text = data.decode("utf-8")
    user = _string(values, "user", file, text)
    qa = _string(values, "qa_on_confirm", file, text)
    if qa is not None and qa not in {m.value for m in QaOnConfirm}:
        choices = ", ".join(repr(m.value) for m in QaOnConfirm)
        where_set = _line_of(text, "qa_on_confirm")
        raise InputError(f"qa_on_confirm must be one of {choices}, not {qa!r}", path=file, line=where_set)
    return EditorConfig(
        user=(user.strip() or None) if user is not None else None,
        qa_on_confirm=QaOnConfirm(qa) if qa is not None else DEFAULT_QA_ON_CONFIRM,
        path=file,
    )


def _string(values: dict[str, Any], key: str, file: Path, text: str) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key} must be a string in quotes", path=file, line=_line_of(text, key))
    return value


def _line_of(text: str, key: str) -> int | None:
    """The line a top-level key is set on (TOML's parser does not say where a valid value stands)."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def git_user_name(*, timeout: float = GIT_TIMEOUT) -> str | None:
    """`git config user.name`, when git is installed and answers within ``timeout`` seconds; else None."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(
            [git, "config", "user.name"],
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    name = done.stdout.decode("utf-8", "replace").strip()
    return name if done.returncode == 0 and name else None


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return UNKNOWN_USER  # no login name (a container without a passwd entry)


def resolve_user(explicit: str | None, config: EditorConfig) -> str:
    """The translator's id: ``explicit`` (`--user`), else the config file's `user`, else git's user.name, else the
    login name."""
    for candidate in (explicit, config.user):
        if candidate is not None and candidate.strip():
            return candidate.strip()
    return git_user_name() or login_name()
