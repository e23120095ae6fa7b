"""Which termbase format a file is in, and reading and writing any of them with one call."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum

from tmkit.errors import InputError
from tmkit.terms.model import Termbase

#: The languages an OmegaT glossary is taken to hold when the caller names none (the project's pair).
DEFAULT_SOURCE_LANG = "ar"
DEFAULT_TARGET_LANG = "en"


class TermFormat(StrEnum):
    """A termbase file format; the value is what `--format` takes."""

    TBX = "tbx"  # TBX v2 (martif, TBX-Basic) on writing; v2 or v3 on reading
    TBX3 = "tbx3"
    OMEGAT = "omegat"
    CSV = "csv"
    TSV = "tsv"


SUFFIXES: dict[TermFormat, tuple[str, ...]] = {
    TermFormat.TBX: (".tbx", ".xml"),
    TermFormat.CSV: (".csv",),
    TermFormat.TSV: (".tsv",),
    TermFormat.OMEGAT: (".txt", ".utf8", ".tab"),
}


def term_format_of(path: str | os.PathLike[str], given: TermFormat | str | None = None) -> TermFormat:
    """The format ``given``, else the one the file name says (`.tbx`, `.csv`, `.tsv`, `.txt`/`.utf8`/`.tab`)."""
    if given:
        try:
            return TermFormat(given)
        except ValueError:
            raise InputError(
                f"unknown termbase format {given!r} (formats: {', '.join(f.value for f in TermFormat)})"
            ) from None
    lower = os.fspath(path).lower()
    for term_format, suffixes in SUFFIXES.items():
        if lower.endswith(suffixes):
            return term_format
    if os.path.isdir(path):
        raise InputError("is a folder, not a termbase file", path=os.fspath(path))
    raise InputError(
        "cannot tell the termbase format from the name: use .tbx, .csv, .tsv, or .txt/.utf8/.tab for an OmegaT "
        "glossary (or give the format)",
        path=os.fspath(path),
    )


@dataclass(slots=True)
class Loaded:
    """A termbase read from a file, with the notes on what could not be kept (`file:line: what`)."""

    termbase: Termbase
    format: TermFormat
    notes: list[str] = field(default_factory=list)


def load_termbase(
    path: str | os.PathLike[str],
    *,
    file_format: TermFormat | str | None = None,
    source_lang: str = DEFAULT_SOURCE_LANG,
    target_lang: str = DEFAULT_TARGET_LANG,
) -> Loaded:
    """Read a termbase in any format (``source_lang``/``target_lang`` only name an OmegaT glossary's languages)."""
    from tmkit.terms import tables, tbx

    kind = term_format_of(path, file_format)
    name = os.fspath(path)
    if kind in (TermFormat.TBX, TermFormat.TBX3):
        read = tbx.read_tbx(path)
        return Loaded(
            read.termbase, TermFormat.TBX3 if read.version == 3 else TermFormat.TBX, _notes(name, read.skipped)
        )
    if kind is TermFormat.OMEGAT:
        table = tables.read_glossary(path, source_lang=source_lang, target_lang=target_lang)
    else:
        table = tables.read_table(path, delimiter="\t" if kind is TermFormat.TSV else ",")
    return Loaded(table.termbase, kind, _notes(name, table.skipped))


def _notes(path: str, skipped: list[tuple[int, str]]) -> list[str]:
    return [f"{path}:{line}: left out {what}" for line, what in skipped]


def load_termbases(
    paths: list[str], *, source_lang: str = DEFAULT_SOURCE_LANG, target_lang: str = DEFAULT_TARGET_LANG
) -> Termbase:
    """Several termbases read into one (concept ids made unique)."""
    if len(paths) == 1:
        return load_termbase(paths[0], source_lang=source_lang, target_lang=target_lang).termbase
    merged = Termbase()
    for path in paths:
        merged.extend(load_termbase(path, source_lang=source_lang, target_lang=target_lang).termbase)
    return merged


def save_termbase(
    path: str | os.PathLike[str],
    termbase: Termbase,
    *,
    file_format: TermFormat | str | None = None,
    source_lang: str = DEFAULT_SOURCE_LANG,
    target_lang: str = DEFAULT_TARGET_LANG,
) -> list[str]:
    """Write a termbase atomically in the format asked or named by the file; returns what the format could not hold."""
    from tmkit.terms import tables, tbx

    kind = term_format_of(path, file_format)
    if kind in (TermFormat.TBX, TermFormat.TBX3):
        tbx.write_tbx(path, termbase, version=3 if kind is TermFormat.TBX3 else 2)
        return []
    if kind is TermFormat.OMEGAT:
        report = tables.write_glossary(path, termbase, source_lang=source_lang, target_lang=target_lang)
    else:
        report = tables.write_table(path, termbase, delimiter="\t" if kind is TermFormat.TSV else ",")
    return [f"concept {concept}: left out {what}" for concept, what in report.dropped]
