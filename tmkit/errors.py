"""Errors tmkit raises for bad input, each able to say where in which file it went wrong."""

from __future__ import annotations

import os
import string
from collections.abc import Mapping


class TmkitError(Exception):
    """Base of every error tmkit reports to a user as one line (never as a traceback)."""


class InputError(TmkitError):
    """An input file (or argument) that tmkit cannot use, located by file, line and column."""

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


class ParameterError(InputError):
    """An argument a library call cannot use, naming its parameters so that each front end names them its way.

    The message is a template whose ``{name}`` fields are parameter names (`{max_drop} needs
    {baseline}`); other values come in ``values`` and never inside the template, so braces in user
    text stay as they are. `str()` names the parameters as the library does; the command line
    calls `spelled` with its flags (`--max-drop needs --baseline`).
    """

    def __init__(
        self,
        template: str,
        *,
        values: Mapping[str, object] | None = None,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.template = template
        self.values = dict(values or {})
        fields = (name for _, name, _, _ in string.Formatter().parse(template) if name)
        #: The parameters the message names, in order of first mention.
        self.parameters = tuple(dict.fromkeys(name for name in fields if name not in self.values))
        super().__init__(self.spelled({}), path=path, line=line, column=column)

    def spelled(self, names: Mapping[str, str]) -> str:
        """The message with each parameter named as ``names`` says; a parameter it lacks keeps its own name."""
        return self.template.format(**self.values, **{name: names.get(name, name) for name in self.parameters})
