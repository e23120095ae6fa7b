"""Termbases as text tables: OmegaT glossaries (`source<TAB>target<TAB>comment`) and CSV/TSV with a language header.

OmegaT's glossary has no languages, statuses or ids: its languages are given by the caller, each
line is one concept, `#` lines are comments (kept as the termbase's description). Terms to avoid
cannot be told apart there, so they are left out on writing and counted.

A CSV or TSV termbase names its columns in a header row: a language tag whose language ISO 639
names (`ar`, `en-GB`, `ar_SA`; not `foo`) or an English language name (`Arabic`) for that language's
term, `LANG:FIELD` for a field of that term (`status`, `pos`, `note`, `definition`, `source`,
`created`, `modified`, `langdef` for the language's definition; LANG spelled as its column or not),
and `id`, `subject`, `definition`, `note` for the concept. A row holds at most one term per language;
rows with the same `id` make one concept (written so when a concept has several terms in a language).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from datetime import datetime

from tmkit.atomic import write_text_atomic
from tmkit.errors import InputError
from tmkit.formats.tabular import csv_rows
from tmkit.formats.text_files import read_text
from tmkit.memory.langtags import is_known_language, is_valid_tag, lang_key, tag_of_language_name, two_letter_tag
from tmkit.terms.model import Concept, Term, Termbase, TermStatus

#: Characters an OmegaT glossary field cannot hold (they end the field or the line).
_GLOSSARY_SEPARATORS = "\t\n\r"
#: A language column's name: a language tag whose language is a two- or three-letter code (not "English").
_LANGUAGE_COLUMN_RE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_TERM_FIELDS = ("status", "pos", "note", "definition", "source", "created", "modified", "langdef")
_CONCEPT_FIELDS = ("id", "subject", "definition", "note")


@dataclass(slots=True)
class TableRead:
    """A termbase read from a table, with the lines whose entries were left out (line, why)."""

    termbase: Termbase
    skipped: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class TableWrite:
    """What writing a table left out because the format cannot hold it (concept id, why)."""

    dropped: list[tuple[str, str]] = field(default_factory=list)


# -- OmegaT glossaries --------------------------------------------------------------------------


def parse_glossary(text: str, *, source_lang: str, target_lang: str, path: str = "<glossary>") -> TableRead:
    """Read an OmegaT glossary: one `source<TAB>target[<TAB>comment]` entry a line, `#` lines comments."""
    read = TableRead(Termbase(lang=source_lang))
    comments: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            comments.append(line[1:])
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
            raise InputError(
                "a glossary line needs a source term, a TAB and a target term (source<TAB>target<TAB>comment)",
                path=path,
                line=number,
            )
        comment = "\t".join(fields[2:]) if len(fields) > 2 else None
        concept = Concept(
            f"c{len(read.termbase.concepts) + 1}", [Term(fields[0], source_lang), Term(fields[1], target_lang)]
        )
        concept.note = comment
        read.termbase.concepts.append(concept)
    read.termbase.description = "\n".join(comments) if comments else None
    read.termbase.changed()
    return read


def read_glossary(path: str | os.PathLike[str], *, source_lang: str, target_lang: str) -> TableRead:
    return parse_glossary(read_text(path), source_lang=source_lang, target_lang=target_lang, path=os.fspath(path))


def dumps_glossary(termbase: Termbase, *, source_lang: str, target_lang: str) -> tuple[str, TableWrite]:
    """The termbase as an OmegaT glossary: a line for each usable source term and target term of a concept."""
    report = TableWrite()
    lines = [f"#{line}" for line in termbase.description.split("\n")] if termbase.description is not None else []
    for concept in termbase.concepts:
        sources = [t for t in concept.terms_in(source_lang) if not t.avoid]
        targets = concept.translations(target_lang)
        avoided = [t for t in concept.terms_in(target_lang) if t.avoid]
        if avoided:
            report.dropped.append(
                (concept.id, f"{len(avoided)} forbidden target term(s): the glossary cannot mark them")
            )
        if not sources or not targets:
            if concept.terms:
                report.dropped.append((concept.id, f"no {source_lang} and {target_lang} terms to pair"))
            continue
        for source in sources:
            for target in targets:
                fields = [source.text, target.text] + ([concept.note] if concept.note is not None else [])
                if any(c in f for f in fields[:2] for c in _GLOSSARY_SEPARATORS) or any(
                    c in (concept.note or "") for c in "\n\r"
                ):
                    report.dropped.append((concept.id, "a tab or line break in a term or note"))
                    continue
                if source.text.startswith("#"):
                    report.dropped.append((concept.id, "a source term starting with # (read as a comment)"))
                    continue
                lines.append("\t".join(fields))
    return "".join(line + "\n" for line in lines), report


def write_glossary(
    path: str | os.PathLike[str], termbase: Termbase, *, source_lang: str, target_lang: str
) -> TableWrite:
    text, report = dumps_glossary(termbase, source_lang=source_lang, target_lang=target_lang)
    write_text_atomic(path, text)
    return report


# -- CSV and TSV with a header --------------------------------------------------------------------


def _dialect(delimiter: str) -> dict[str, object]:
    return {"delimiter": delimiter, "quotechar": '"', "lineterminator": "\n", "quoting": csv.QUOTE_MINIMAL}


def _parse_date(raw: str, path: str, line: int) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(f"bad date {raw!r} (ISO 8601: 2024-05-01)", path=path, line=line) from None


def parse_table(text: str, *, delimiter: str = ",", path: str = "<table>") -> TableRead:
    """Read a CSV (or, with a TAB ``delimiter``, TSV) termbase whose header names the languages."""
    # Strict, as `tmkit convert` reads a table: a quote left open would swallow the rows after it into one term.
    reader = csv_rows(io.StringIO(text, newline=""), path, delimiter=delimiter)
    try:
        _, header = next(reader)
    except StopIteration:
        raise InputError(
            "empty file: a termbase table needs a header naming its languages", path=path, line=1
        ) from None
    columns: list[tuple[str, str | None]] = []  # (lang or "", field) per column
    for raw in header:
        name = raw.strip()
        lang, _, part = name.partition(":")
        if name.lower() in _CONCEPT_FIELDS:
            columns.append(("", name.lower()))
        elif (
            _LANGUAGE_COLUMN_RE.fullmatch(lang)
            and is_valid_tag(lang)
            and is_known_language(lang)
            and (not part or part.lower() in _TERM_FIELDS)
        ):
            columns.append((two_letter_tag(lang), part.lower() or None))  # (`ara` is the job's `ar`)
        elif (named := tag_of_language_name(name)) is not None:
            columns.append((named, None))  # "Arabic", "English (United States)": a spreadsheet's header
        else:
            # A code-like cell that names no language (`foo`) was taken for one: a table without a header row read
            # as terms in languages `foo` and `bar`, which no lookup or check ever asks for.
            unknown = _LANGUAGE_COLUMN_RE.fullmatch(lang) is not None and not is_known_language(lang)
            raise InputError(
                f"column {name!r} is neither a language tag (ar, en-GB) or name (Arabic, English (United States)), "
                f"LANG:FIELD ({', '.join(_TERM_FIELDS)}) nor a concept field ({', '.join(_CONCEPT_FIELDS)})"
                + (f": {lang!r} is no ISO 639 language code" if unknown else "")
                + "; the first row of a termbase table is its header",
                path=path,
                line=1,
            )
    term_columns = {lang_key(tag): tag for tag, field_name in columns if tag and field_name is None}
    for at, (tag, field_name) in enumerate(columns):
        if not tag or field_name is None:
            continue
        # A field is looked up by its language column's spelling (`ar-SA:note` for `AR_sa`); a field of a language no
        # column holds was never read, and nothing said so.
        if lang_key(tag) not in term_columns:
            raise InputError(
                f"column {header[at].strip()!r} is a field of {tag}, and no column holds {tag} terms",
                path=path,
                line=1,
            )
        columns[at] = (term_columns[lang_key(tag)], field_name)
    has_languages = bool(term_columns)
    read = TableRead(Termbase())
    by_id: dict[str, Concept] = {}
    for line, row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if not has_languages:
            raise InputError("the header names no language column (such as ar, en)", path=path, line=1)
        if len(row) > len(columns):
            raise InputError(f"{len(row)} fields where the header has {len(columns)}", path=path, line=line)
        values = dict(zip(columns, row, strict=False))
        concept_id = values.get(("", "id"), "")
        concept = by_id.get(concept_id) if concept_id else None
        if concept is None:
            concept = Concept(concept_id or f"c{len(read.termbase.concepts) + 1}")
            read.termbase.concepts.append(concept)
            if concept_id:
                by_id[concept_id] = concept
        for name in ("subject", "definition", "note"):
            if values.get(("", name)):
                setattr(concept, name, values[("", name)])
        for (lang, column_field), value in values.items():
            if not lang or column_field is not None:
                continue
            langdef = values.get((lang, "langdef"), "")
            if langdef:
                concept.language_definitions[lang] = langdef
            if not value:
                continue
            status_raw = values.get((lang, "status"), "").strip().lower()
            try:
                status = TermStatus(status_raw) if status_raw else None
            except ValueError:
                raise InputError(
                    f"status {status_raw!r} in column {lang}:status is not one of "
                    f"{', '.join(s.value for s in TermStatus)}",
                    path=path,
                    line=line,
                ) from None
            created, modified = values.get((lang, "created"), ""), values.get((lang, "modified"), "")
            concept.terms.append(
                Term(
                    value,
                    lang,
                    status=status,
                    part_of_speech=values.get((lang, "pos")) or None,
                    note=values.get((lang, "note")) or None,
                    definition=values.get((lang, "definition")) or None,
                    source=values.get((lang, "source")) or None,
                    created=_parse_date(created, path, line) if created else None,
                    modified=_parse_date(modified, path, line) if modified else None,
                )
            )
    for concept in read.termbase.concepts:  # a row holds one term per language: the terms of one language go together
        order = list(dict.fromkeys(t.lang for t in concept.terms))
        concept.terms.sort(key=lambda t: order.index(t.lang))
    read.termbase.changed()
    return read


def read_table(path: str | os.PathLike[str], *, delimiter: str = ",") -> TableRead:
    return parse_table(read_text(path), delimiter=delimiter, path=os.fspath(path))


def dumps_table(termbase: Termbase, *, delimiter: str = ",") -> tuple[str, TableWrite]:
    """The termbase as a CSV or TSV table with a header (see the module docstring)."""
    report = TableWrite()
    languages = termbase.languages()
    for concept in termbase.concepts:
        languages += [lang for lang in concept.language_definitions if lang not in languages]
    used = {
        (t.lang, name)
        for c in termbase.concepts
        for t in c.terms
        for name, value in (
            ("status", t.status),
            ("pos", t.part_of_speech),
            ("note", t.note),
            ("definition", t.definition),
            ("source", t.source),
            ("created", t.created),
            ("modified", t.modified),
        )
        if value is not None
    } | {(lang, "langdef") for c in termbase.concepts for lang in c.language_definitions}
    columns: list[tuple[str, str | None]] = [("", "id")]
    columns += [("", name) for name in ("subject", "definition", "note") if any(getattr(c, name) for c in termbase)]
    for lang in languages:
        columns.append((lang, None))
        columns += [(lang, name) for name in _TERM_FIELDS if (lang, name) in used]
    out = io.StringIO()
    writer = csv.writer(out, **_dialect(delimiter))  # type: ignore[arg-type]
    writer.writerow([f"{lang}:{name}" if lang and name else lang or name or "" for lang, name in columns])
    for concept in termbase.concepts:
        for name in ("subject", "definition", "note"):
            if getattr(concept, name) == "":
                report.dropped.append((concept.id, f"an empty {name} (an empty cell reads as none)"))
        per_lang = {lang: [t for t in concept.terms if t.lang == lang] for lang in languages}
        rows = max([1, *(len(terms) for terms in per_lang.values())])
        for row_number in range(rows):
            row: list[str] = []
            for lang, column_field in columns:
                if not lang:
                    cell = getattr(concept, column_field or "") if row_number == 0 or column_field == "id" else None
                    row.append(cell or "")
                    continue
                if column_field == "langdef":
                    row.append(concept.language_definitions.get(lang, "") if row_number == 0 else "")
                    continue
                terms = per_lang[lang]
                term = terms[row_number] if row_number < len(terms) else None
                row.append(_term_cell(term, column_field) if term is not None else "")
            writer.writerow(row)
        if any(t.extras for t in concept.terms) or concept.extras:
            report.dropped.append((concept.id, "data categories a table has no column for"))
    return out.getvalue(), report


def _term_cell(term: Term, name: str | None) -> str:
    value: object = {
        None: term.text,
        "status": term.status.value if term.status else None,
        "pos": term.part_of_speech,
        "note": term.note,
        "definition": term.definition,
        "source": term.source,
        "created": term.created.isoformat() if term.created else None,
        "modified": term.modified.isoformat() if term.modified else None,
    }[name]
    return str(value) if value is not None else ""


def write_table(path: str | os.PathLike[str], termbase: Termbase, *, delimiter: str = ",") -> TableWrite:
    text, report = dumps_table(termbase, delimiter=delimiter)
    write_text_atomic(path, text)
    return report
