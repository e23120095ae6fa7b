"""Which termbase format a file is in, and reading and writing any of them with one call."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tmkit.errors import InputError
from tmkit.terms.model import Termbase

#: The languages an OmegaT glossary is taken to hold when the caller names none (the project's pair).
DEFAULT_SOURCE_LANG = "ar"
DEFAULT_TARGET_LANG = "en"
#: Lines named after the first where a termbase has more entries of one kind left out.
NOTE_LINES_SHOWN = 3


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
    """A line per kind of entry left out, at its first line, with how many more and where (`NOTE_LINES_SHOWN` of
    them). A line per entry made hundreds of warnings of a TBX-Basic file's transaction groups, and in the editor as
    many notices over the screen, hiding the one line that said something else was left out."""
    by_kind: dict[str, list[int]] = {}
    for line, what in skipped:
        by_kind.setdefault(what, []).append(line)
    notes = []
    for what, lines in by_kind.items():
        note = f"{path}:{lines[0]}: left out {what}"
        if len(lines) > 1:
            more = ", ".join(str(line) for line in lines[1 : 1 + NOTE_LINES_SHOWN])
            ellipsis = ", …" if len(lines) > 1 + NOTE_LINES_SHOWN else ""
            note += f", and {len(lines) - 1} more so (lines {more}{ellipsis})"
        notes.append(note)
    return notes


@dataclass(slots=True)
class LoadedSet:
    """Termbases read for one language pair: each file's as read, all of them as one, and what to tell the user."""

    files: list[tuple[str, Termbase]]
    #: Every termbase's concepts (concept ids made unique); the first file's own object when there is one file.
    merged: Termbase
    #: Entries left out (`file:line: left out …`).
    notes: list[str] = field(default_factory=list)
    #: A line for each file with no term in the pair's source or target language (`language_gap`).
    gaps: list[str] = field(default_factory=list)


def load_termbases(
    paths: Sequence[str | os.PathLike[str]],
    *,
    source_lang: str = DEFAULT_SOURCE_LANG,
    target_lang: str = DEFAULT_TARGET_LANG,
) -> LoadedSet:
    """The termbases a job uses for ``source_lang`` into ``target_lang`` (`qa --terms`, the editor's `--terms`)."""
    read = LoadedSet([], Termbase())
    for path in paths:
        loaded = load_termbase(path, source_lang=source_lang, target_lang=target_lang)
        read.files.append((os.fspath(path), loaded.termbase))
        read.notes += loaded.notes
        gap = language_gap(path, loaded.termbase, source_lang=source_lang, target_lang=target_lang)
        if gap is not None:
            read.gaps.append(gap)
    if len(read.files) == 1:
        read.merged = read.files[0][1]
    else:
        for _, termbase in read.files:
            read.merged.extend(termbase)
    return read


def language_gap(path: str | os.PathLike[str], termbase: Termbase, *, source_lang: str, target_lang: str) -> str | None:
    """A line saying that the termbase has no term in the pair's source or target language and what that leaves
    out; None when it has both. Without it a termbase of other languages (Arabic and French for an Arabic-English
    job) was used without a word: lookups found nothing and the term checks reported "ok"."""
    missing = termbase.without_terms_in([source_lang, target_lang])
    if not missing:
        return None
    held = termbase.languages()
    has = f"its terms are in {', '.join(held)}" if held else "it has no terms"
    if missing == [source_lang]:
        effect = f"none of its terms can be found in the {source_lang} source"
    elif missing == [target_lang]:
        effect = f"it gives no {target_lang} translation and no {target_lang} term to avoid"
    else:
        effect = f"none of it applies to {source_lang} into {target_lang}"
    return f"{os.fspath(path)}: no {' or '.join(missing)} terms ({has}): {effect}"


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
