"""TSV and CSV translation tables: read into units, write from units (one row per unit)."""

from __future__ import annotations

import csv
import itertools
import os
import re
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from tmkit.atomic import atomic_write
from tmkit.errors import InputError
from tmkit.formats.aligned_text import AlignedLanguages, languages_by_script
from tmkit.formats.kinds import FileFormat, format_of
from tmkit.formats.text_files import iter_lines
from tmkit.memory.langtags import (
    DEFAULT_SOURCE_LANG,
    canonical_tag,
    is_arabic_language,
    is_language_code,
    lang_key,
    lang_matches,
    other_language,
)
from tmkit.memory.model import Note, Segment, Status, TranslationUnit, Variant
from tmkit.text.scripts import guess_language

_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TSV_UNESCAPE_RE = re.compile(r"\\(.)")
_TSV_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_ID_NAMES = {"tuid", "id"}
_SOURCE_NAMES = {"source", "src"}
_TARGET_NAMES = {"target", "tgt", "translation"}
_STATUSES = {s.value: s for s in Status}


def table_dialect(path: str | os.PathLike[str]) -> str:
    """`csv` for .csv files, `tsv` for anything else."""
    return "csv" if format_of(path) is FileFormat.CSV else "tsv"


def escape_tsv(value: str) -> str:
    """A TSV cell: backslash, TAB, LF and CR written as `\\\\`, `\\t`, `\\n`, `\\r`."""
    return "".join(_TSV_ESCAPES.get(ch, ch) for ch in value) if any(c in value for c in _TSV_ESCAPES) else value


def unescape_tsv(value: str) -> str:
    """Undo `escape_tsv`; an unknown escape is kept as written."""
    if "\\" not in value:
        return value
    return _TSV_UNESCAPE_RE.sub(lambda m: _TSV_UNESCAPES.get(m.group(1), m.group(0)), value)


@dataclass(frozen=True, slots=True)
class _Columns:
    tuid: int | None
    source: int
    target: int
    status: int | None
    note: int | None
    has_header: bool
    #: How many cells a row may have (more, not empty, are refused: a column out of place would be lost).
    width: int


#: The columns of a table without a header row.
_HEADERLESS = "source, target and an optional status"


#: What else a header row may name (beside the source and target columns).
_OTHER_NAMES = _ID_NAMES | {"status", "note", "comment"}


def _columns(first: list[str], source_lang: str, target_lang: str, path: str) -> _Columns:
    names = [cell.strip().lower() for cell in first]

    def find(options: set[str]) -> int | None:
        return next((i for i, n in enumerate(names) if n in options), None)

    def side(options: set[str], lang: str, taken: int | None) -> int | None:
        # By its name, else by its language (a region of it too: `ar-SA` for ar, as tmkit writes a regional memory).
        found = find(options)
        if found is None:
            found = next(
                (
                    i
                    for i, n in enumerate(names)
                    if i != taken and is_language_code(n) and lang_matches(n, lang, region_fallback=True)
                ),
                None,
            )
        return found

    source = side(_SOURCE_NAMES, source_lang, None)
    target = side(_TARGET_NAMES, target_lang, source)
    if source is not None and target is not None:
        columns = (find(_ID_NAMES), source, target, find({"status"}), find({"note", "comment"}))
        return _Columns(*columns, has_header=True, width=len(first))
    named = sum(n in _OTHER_NAMES | _SOURCE_NAMES | _TARGET_NAMES or is_language_code(n) for n in names)
    if named >= 2:
        # A header, but not for these languages: read as data, its names were taken for text and a status. (One name
        # alone is data: a table of interface strings may begin `Status,الحالة`.)
        missing = " or ".join(
            f"{lang_key(lang)} ({role})"
            for lang, role, found in ((source_lang, "source", source), (target_lang, "target", target))
            if found is None
        )
        raise InputError(
            f"the header names {', '.join(cell.strip() for cell in first)}: no column for {missing} (a header names "
            "tuid or id, source or src or the source language, target or tgt or the target language, status, note; "
            "--src and --tgt give the languages)",
            path=path,
            line=1,
        )
    return _Columns(None, 0, 1, 2, None, has_header=False, width=3)


#: Rows a table's columns are read for their script (`table_languages`): what they say is held against the labels.
SCRIPT_SAMPLE_ROWS = 200


def table_languages(
    path: str | os.PathLike[str], *, source_lang: str | None = None, target_lang: str | None = None
) -> AlignedLanguages:
    """The languages a table's rows are in, and what its columns' scripts say against them.

    Those given; else those its header names in its first two language columns, in their order (a table is written
    source first); else what the source and target columns' letters say, as for two text files (`languages_by_script`:
    an English→Arabic table without a header was labelled Arabic→English, every check passing); else tmkit's pair.
    Where the header names a column by a regional tag of the language (`ar-SA` for ar, as tmkit writes a regional
    memory's table), that tag, so that a memory converted to a table and back keeps its regions."""
    name = os.fspath(path)
    with closing(_rows_of(name)) as rows:  # (read once: the first row and the sample of the columns' letters)
        head = [row for _line, row in itertools.islice(rows, SCRIPT_SAMPLE_ROWS + 1) if any(c.strip() for c in row)]
    first = head[0] if head else None
    if first is None:
        source = source_lang or DEFAULT_SOURCE_LANG
        return AlignedLanguages(source, target_lang or other_language(source))
    if source_lang is None and target_lang is None:
        other_names = _OTHER_NAMES | _SOURCE_NAMES | _TARGET_NAMES
        named = [c.strip() for c in first if c.strip().lower() not in other_names and is_language_code(c.strip())]
        # (A pair of tmkit's: a header of two other languages is refused below, naming the languages it lacks.)
        if len(named) >= 2 and is_arabic_language(named[0]) != is_arabic_language(named[1]):
            source_lang, target_lang = canonical_tag(named[0]), canonical_tag(named[1])
    # The columns' letters, against the labels given or named (a header's too: `ar` over English is named).
    given_source = source_lang or DEFAULT_SOURCE_LANG
    columns = _columns(first, given_source, target_lang or other_language(given_source), name)
    # (A short row is refused when the rows are read; the header, after blank lines too, is no sample.)
    sample = [row for row in head[int(columns.has_header) :] if max(columns.source, columns.target) < len(row)]
    samples = ([row[columns.source] for row in sample], [row[columns.target] for row in sample])
    languages = languages_by_script(
        (guess_language(samples[0], default=""), guess_language(samples[1], default="")),
        (f"{name} (its source column)", f"{name} (its target column)"),
        source_lang=source_lang,
        target_lang=target_lang,
        both=f"{name}: its source and target columns are both",
    )
    columns = _columns(first, languages.source_lang, languages.target_lang, name)
    if not columns.has_header:
        return languages
    found = []
    for column, lang in ((columns.source, languages.source_lang), (columns.target, languages.target_lang)):
        cell = first[column].strip()
        regional = is_language_code(cell) and lang_matches(cell, lang, region_fallback=True)
        found.append(canonical_tag(cell) if regional and len(lang_key(cell)) > len(lang_key(lang)) else lang)
    return AlignedLanguages(found[0], found[1], languages.mismatches)


def _rows_of(name: str) -> Generator[tuple[int, list[str]], None, None]:
    """A table's rows as cells, each with the line it ends on (TSV unescaped, CSV unquoted); CSV quoting that is not
    RFC 4180's is an `InputError` naming its line."""
    dialect = table_dialect(name)
    # The one text reader: encodings, BOMs and line breaks as every command reads them. CSV gets
    # its lines with their breaks, so that it can find the breaks inside quoted cells itself.
    lines = iter_lines(name, keep_ends=dialect == "csv")
    with closing(lines):
        if dialect == "tsv":
            for number, line in enumerate(lines, start=1):
                yield number, [unescape_tsv(c) for c in line.split("\t")]
            return
        yield from csv_rows(lines, name)


def csv_rows(lines: Iterable[str], path: str, *, delimiter: str = ",") -> Generator[tuple[int, list[str]], None, None]:
    """The rows of CSV text given a line at a time with its break, each with the line it ends on.

    Quoting that is not RFC 4180's is an `InputError` naming its line: read leniently, a quote left open takes the
    rest of the file into one cell, and a file that was never a table reads as one. Every CSV reader of tmkit (the
    translation tables here, the termbase tables) goes through this one.
    """
    reader = csv.reader(lines, strict=True, delimiter=delimiter)
    read_to = 0  # the line the last row read ended on: a row that fails began on the next
    try:
        for row in reader:
            read_to = reader.line_num
            yield read_to, row
    except csv.Error as exc:
        message = f"malformed {'CSV' if delimiter == ',' else 'TSV'}: {exc}"
        if "unexpected end of data" in str(exc):
            message += f" (a quoted cell from line {read_to + 1} is never closed)"
        raise InputError(message, path=path, line=reader.line_num) from None


def iter_table(path: str | os.PathLike[str], *, source_lang: str, target_lang: str) -> Iterator[TranslationUnit]:
    """Read a TSV (backslash escapes) or CSV (RFC 4180 quoting) file of translations.

    A first row naming its columns (`tuid`/`id`, `source`/`src` or the source language code,
    `target`/`tgt` or the target language code, `status`, `note`) is a header; otherwise the
    columns are source, target and an optional status. Consecutive rows with the same tuid, source and status are
    one unit's translations (as `write_table` writes a unit with two). Empty rows are skipped. A row with more
    cells than that (not empty) is refused, as is CSV quoting that is not RFC 4180's, each naming
    its line: read on, a cell out of place would be lost or joined to its neighbour's text.
    """
    name = os.fspath(path)
    pending: TranslationUnit | None = None  # the last unit read, until the next row says whether it goes on
    with closing(_rows_of(name)) as rows:
        columns: _Columns | None = None
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = _columns(row, source_lang, target_lang, name)
                if columns.has_header:
                    continue
            unit = _row_unit(row, columns, source_lang, target_lang, name, line)
            if pending is not None and _another_translation(pending, unit):
                pending.variants.append(unit.variants[1])
                pending.notes += [note for note in unit.notes if note not in pending.notes]
                continue
            if pending is not None:
                yield pending
            pending = unit
    if pending is not None:
        yield pending


def _another_translation(unit: TranslationUnit, following: TranslationUnit) -> bool:
    """Whether the row after ``unit``'s is another translation of it, as `write_table` writes a unit with two: the
    same tuid (one there is), source and status, and a translation of its own."""
    return (
        bool(unit.tuid)
        and following.tuid == unit.tuid
        and following.status is unit.status
        and following.variants[0].segment == unit.variants[0].segment
        and not following.variants[1].segment.is_empty
        and all(v.segment != following.variants[1].segment for v in unit.variants[1:])
    )


def _row_unit(
    row: list[str], columns: _Columns, source_lang: str, target_lang: str, path: str, line: int
) -> TranslationUnit:
    needed = max(c for c in (columns.source, columns.target, columns.tuid) if c is not None)
    if len(row) <= needed:
        raise InputError(f"expected at least {needed + 1} columns, found {len(row)}", path=path, line=line)
    if len(row) > columns.width and any(cell.strip() for cell in row[columns.width :]):
        expected = (
            f"its header names {columns.width}"
            if columns.has_header
            else f"a table without a header row has {columns.width}: {_HEADERLESS}"
        )
        raise InputError(f"{len(row)} columns where {expected}", path=path, line=line)
    source, target = row[columns.source], row[columns.target]
    unit = TranslationUnit(
        [Variant(source_lang, Segment.from_text(source)), Variant(target_lang, Segment.from_text(target))],
        line=line,
    )
    if columns.tuid is not None and row[columns.tuid].strip():
        unit.tuid = row[columns.tuid].strip()
    has_status = columns.status is not None and len(row) > columns.status
    status_text = row[columns.status].strip().lower() if has_status and columns.status is not None else ""
    if status_text:
        status = _STATUSES.get(status_text)
        if status is None:
            choices = ", ".join(_STATUSES)
            raise InputError(f"unknown status {status_text!r} (one of {choices})", path=path, line=line)
        unit.status = status
    else:
        unit.status = Status.TRANSLATED if source.strip() and target.strip() else Status.NEW
    if columns.note is not None and len(row) > columns.note and row[columns.note].strip():
        unit.notes.append(Note(row[columns.note]))
    return unit


@dataclass(slots=True)
class TableReport:
    """What `write_table` wrote: rows, and how many of them lost inline codes (written as plain text)."""

    rows: int = 0
    rows_without_codes: int = 0


def write_table(
    path: str | os.PathLike[str] | Path,
    units: Iterable[TranslationUnit],
    *,
    source_lang: str,
    target_lang: str,
    placeholders: bool = False,
) -> TableReport:
    """Write one row per translation of each unit that has the source language: tuid, source, target, status.

    A unit with two translations (two target variants) gives two rows with the same tuid and source,
    so no translation is lost (`iter_table` reads them back as one unit); a unit without one gives a row with an
    empty target. A variant is
    never written as its own translation (`TranslationUnit.pair`). The segments are written as plain
    text (codes dropped: the report counts the rows that had some), or with `{1}`-style placeholders
    for codes.
    """
    dialect = table_dialect(path)
    report = TableReport()

    def text(v: Variant | None) -> str:
        if v is None:
            return ""
        return v.segment.placeholder_text() if placeholders else v.segment.plain

    with atomic_write(path, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n") if dialect == "csv" else None

        def write_row(cells: list[str]) -> None:
            if writer is not None:
                writer.writerow(cells)
            else:
                handle.write("\t".join(escape_tsv(c) for c in cells) + "\n")

        write_row(["tuid", canonical_tag(source_lang), canonical_tag(target_lang), "status"])
        for unit in units:  # as they come: a streamed input is never held whole
            src, targets = unit.pair(source_lang, target_lang)
            if src is None:
                continue
            translations: list[Variant | None] = [*targets] if targets else [None]
            for tgt in translations:
                write_row([unit.tuid or "", text(src), text(tgt), unit.status.value])
                report.rows += 1
                if not placeholders and (src.segment.has_markup or (tgt is not None and tgt.segment.has_markup)):
                    report.rows_without_codes += 1
    return report
