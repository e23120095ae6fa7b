"""Errors tmkit raises for bad input, each able to say where in which file it went wrong."""

from __future__ import annotations

import os


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
