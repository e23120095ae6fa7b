"""Which format a file is in, from its name: the one table of file-name suffixes tmkit reads and writes."""

from __future__ import annotations

import os
from enum import StrEnum


class FileFormat(StrEnum):
    """A file format tmkit reads or writes; the value is the name messages and `--json` use."""

    TMX = "tmx"
    XLIFF = "xliff"
    TSV = "tsv"
    CSV = "csv"
    TEXT = "text"


# Longest suffix first where one ends another (`.tmx.gz` before `.gz` would matter if `.gz` were listed).
SUFFIXES: dict[FileFormat, tuple[str, ...]] = {
    FileFormat.TMX: (".tmx", ".tmx.gz"),
    # (An SDLXLIFF, Trados Studio's, is XLIFF 1.2 with its statuses in its own namespace: read, never written.)
    FileFormat.XLIFF: (".xlf", ".xliff", ".sdlxliff"),
    FileFormat.TSV: (".tsv", ".tab"),
    FileFormat.CSV: (".csv",),
}

TABLE_FORMATS = frozenset({FileFormat.TSV, FileFormat.CSV})


def format_of(path: str | os.PathLike[str]) -> FileFormat:
    """The format a file name says, case-insensitively; any other name is plain text (one segment a line)."""
    lower = os.fspath(path).lower()
    for file_format, suffixes in SUFFIXES.items():
        if lower.endswith(suffixes):
            return file_format
    return FileFormat.TEXT


def suffix_list(file_format: FileFormat) -> str:
    """The suffixes of a format as a message shows them: `.xlf or .xliff`."""
    names = SUFFIXES[file_format]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
