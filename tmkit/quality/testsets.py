"""Test sets for scoring and QA: hypotheses, references and sources read from text, TSV, TMX or XLIFF, then paired."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from tmkit.errors import InputError, ParameterError
from tmkit.formats.kinds import FileFormat, format_of
from tmkit.formats.tabular import unescape_tsv
from tmkit.formats.text_files import iter_lines, read_lines
from tmkit.formats.tmx_reader import TmxReader
from tmkit.formats.xliff import XliffReader
from tmkit.memory.langtags import ALL_LANGUAGES, DEFAULT_SOURCE_LANG, DEFAULT_TARGET_LANG, lang_key, lang_matches
from tmkit.memory.model import Segment, TranslationUnit, not_to_translate
from tmkit.quality.defaults import PairBy
from tmkit.text.scripts import guess_language
from tmkit.wording import first_few

#: How many missing ids or unaligned lines an error message names before it says "and N more".
MAX_NAMED = 5
#: Formats whose units carry both languages and an id: a file of them is a whole test set by itself.
BILINGUAL_FORMATS = frozenset({FileFormat.TMX, FileFormat.XLIFF})

_ID_NAMES = frozenset({"id", "tuid", "segid", "seg_id", "segment"})
_SOURCE_NAMES = frozenset({"source", "src"})
_REFERENCE_RE = re.compile(r"^(?:reference|ref|target|tgt|translation)[\s_-]*\d*$")
_HYPOTHESIS_NAMES = frozenset({"hypothesis", "hyp", "mt", "system", "output", "candidate"})
#: The C0 control characters no segment of a test set holds: all but TAB, LF and CR (line breaks, never inside a
#: line), VT and FF (a manual line break and a page break in text copied from Word or a PDF: white space to every
#: tokenizer), and NUL (which the reader refuses as binary data). ESC among them starts a terminal colour code, whose
#: digits (`ESC[31m`) the number checks read as numbers of the translation.
_CONTROL_RE = re.compile(r"[\x01-\x08\x0e-\x1f]")
#: How to strip terminal colour (and other CSI) codes from a file, for the message that finds one.
_STRIP_COLOURS = r"sed 's/\x1b\[[0-9;]*[A-Za-z]//g'"


class Alignment(StrEnum):
    """How the segments of a test set were paired; the value is what reports and signatures record."""

    LINE = "line"  # text files, line N with line N
    ROW = "row"  # one TSV, within each row
    UNIT = "unit"  # one TMX or XLIFF, within each unit
    TUID = "tuid"  # TMX files, by tuid
    ID = "id"  # files with ids (TSV, XLIFF, TMX among them), by id
    POSITION = "position"  # files of different kinds, segment N with segment N
    SOURCE = "source"  # files with source texts, by them (the nth of a repeated source with the nth)


@dataclass(frozen=True, slots=True)
class LocatedText:
    """A segment's text and where it was read: file, line, and inline markup when the file has it."""

    text: str
    path: str
    line: int | None
    segment: Segment | None = None


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One segment of a test set: its id, the system's output, the references and the source.

    A field is None when that side has nothing for this id (a unit without a target variant,
    an id present in one file only).
    """

    id: str
    hypothesis: LocatedText | None
    references: tuple[LocatedText | None, ...]
    source: LocatedText | None = None
    #: Where the hypothesis file holds this id without a translation (a unit without a target): an empty
    #: translation to QA, where an id the file lacks is no pair at all.
    untranslated_at: LocatedText | None = None
    #: False for a unit marked not to be translated (XLIFF `translate="no"`) in the references or the hypothesis.
    translate: bool = True

    @property
    def target(self) -> LocatedText | None:
        """What QA checks: the hypothesis when there is one, else the (first) reference."""
        if self.hypothesis is not None:
            return self.hypothesis
        return self.references[0] if self.references else None


@dataclass(frozen=True, slots=True)
class EvalSet:
    """Segments paired across files, with how they were paired and in which languages."""

    items: tuple[EvalItem, ...]
    alignment: Alignment
    source_lang: str
    target_lang: str
    hypothesis_path: str | None
    reference_paths: tuple[str, ...]
    source_path: str | None = None
    #: Ids left out because one side had nothing for them (``complete(skip_missing=True)``).
    skipped: tuple[str, ...] = ()
    #: Ids left out because their unit is not to be translated (``translatable``).
    not_to_translate: tuple[str, ...] = ()
    #: False when the source language was given by no file, option or text (text files and no sources): then
    #: `source_lang` is only tmkit's pair's other language, which no score depends on.
    source_known: bool = True

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_hypothesis(self) -> bool:
        return self.hypothesis_path is not None

    def hypotheses(self) -> list[str]:
        return [item.hypothesis.text if item.hypothesis else "" for item in self.items]

    def reference_streams(self) -> list[list[str]]:
        """The references as sacrebleu wants them: one list per reference, each as long as the hypotheses."""
        streams = []
        for index in range(len(self.reference_paths)):
            texts = []
            for item in self.items:
                ref = item.references[index]
                texts.append(ref.text if ref is not None else "")
            streams.append(texts)
        return streams

    def translatable(self) -> EvalSet:
        """The set without the units marked not to be translated (XLIFF `translate="no"`): their target is their
        source by design (or nothing), so neither a check nor a score says anything of a translation. Taken before
        `complete`, as such a unit lacks a translation as a matter of course; after any pairing by position."""
        left = tuple(item.id for item in self.items if not item.translate)
        if not left:
            return self
        kept = tuple(item for item in self.items if item.translate)
        if not kept:
            raise InputError(f'every unit ({len(left):,}) is marked translate="no": nothing to check or score')
        return replace(self, items=kept, not_to_translate=self.not_to_translate + left)

    def complete(self, *, skip_missing: bool = False, references: bool = True) -> EvalSet:
        """The set with a hypothesis and every reference for each item, else an error naming what is missing.

        Without ``references`` (QA, which checks the hypotheses against their sources) only an id the hypothesis
        lacks is missing: a unit it holds without a translation is an empty one."""
        missing = [
            item
            for item in self.items
            if (item.hypothesis is None and (references or item.untranslated_at is None))
            or (references and any(r is None for r in item.references))
        ]
        if not missing:
            return self
        if skip_missing:
            kept = tuple(item for item in self.items if item not in missing)
            if not kept:
                raise InputError("no segment has both a hypothesis and its references")
            return replace(self, items=kept, skipped=self.skipped + tuple(item.id for item in missing))
        no_hyp = [item.id for item in missing if item.hypothesis is None]
        no_ref = [item.id for item in missing if references and any(r is None for r in item.references)]
        parts = []
        if no_hyp:
            parts.append(f"no hypothesis in {self.hypothesis_path} for {_named(no_hyp, self.alignment)}")
        if no_ref:
            parts.append(f"no reference for {_named(no_ref, self.alignment)}")
        raise ParameterError("{missing} ({skip_missing} leaves them out)", values={"missing": "; ".join(parts)})


def _named(ids: Sequence[str], alignment: str) -> str:
    label = {"line": "line", "position": "segment", "row": "row"}.get(alignment, "id")
    label += "s" if len(ids) > 1 else ""
    return f"{label} {first_few(list(ids), MAX_NAMED)}"


# -- streams: what one file holds ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str | None
    text: LocatedText | None
    source: LocatedText | None = None
    #: Where the entry is, for messages when it has no text.
    line: int | None = None
    #: False for a unit marked not to be translated.
    translate: bool = True


@dataclass(frozen=True, slots=True)
class _Stream:
    path: str
    file_format: FileFormat
    entries: tuple[_Entry, ...]

    @property
    def keyed(self) -> bool:
        return self.file_format is not FileFormat.TEXT and all(e.key is not None for e in self.entries)


def read_text_stream(path: str) -> _Stream:
    """The lines of a text file, one segment a line (lines end at LF, CRLF or CR; U+2028 and the like stay inside).

    A file without a line of text (empty, or every line blank) is refused: it holds no segment to score or check; so
    is a control character (see `_refuse_control_characters`).
    """
    lines = read_lines(path)
    if not lines:
        raise InputError("empty file: no segments", path=path)
    if not any(line.strip() for line in lines):
        # A step that wrote only line breaks (an MT run that failed quietly) scored 0 and, without a gate, passed. A
        # blank line among others is a segment left untranslated, and stays.
        raise InputError("no text: every line is blank", path=path)
    for number, line in enumerate(lines, 1):
        _refuse_control_characters(line, path, number)
    entries = tuple(_Entry(None, LocatedText(t, path, n), None, n) for n, t in enumerate(lines, 1))
    return _Stream(path, FileFormat.TEXT, entries)


def _refuse_control_characters(text: str, path: str, line: int) -> None:
    """An `InputError` naming the file, line and column of the first control character ``text`` holds (see
    `_CONTROL_RE`): a terminal colour code in an MT output captured from a coloured log was scored, and its digits
    reported by the number checks as numbers the source lacks."""
    found = _CONTROL_RE.search(text)
    if found is None:
        return
    char, column = found.group(), found.start() + 1
    if char == "\x1b" and text.startswith("[", found.end()):
        what, hint = " (a terminal colour code?)", f"strip the codes, e.g. {_STRIP_COLOURS}"
    else:
        what, hint = "", "not text; remove it"
    raise InputError(f"control character U+{ord(char):04X}{what} at column {column}: {hint}", path=path, line=line)


def _tsv_columns(header: list[str], source_lang: str | None, target_lang: str | None) -> dict[str, list[int]] | None:
    names = [cell.strip().lower() for cell in header]
    columns: dict[str, list[int]] = {"id": [], "source": [], "reference": [], "hypothesis": []}
    src_code = lang_key(source_lang) if source_lang else None
    tgt_code = lang_key(target_lang) if target_lang else None
    for index, name in enumerate(names):
        if name in _ID_NAMES:
            columns["id"].append(index)
        elif name in _SOURCE_NAMES or (src_code and name == src_code):
            columns["source"].append(index)
        elif name in _HYPOTHESIS_NAMES:
            columns["hypothesis"].append(index)
        elif _REFERENCE_RE.match(name) or (tgt_code and name == tgt_code):
            columns["reference"].append(index)
    if not columns["reference"] or not (columns["hypothesis"] or columns["source"] or columns["id"]):
        return None
    return columns


def read_tsv_streams(
    path: str, *, source_lang: str | None = None, target_lang: str | None = None
) -> tuple[list[_Stream], _Stream | None]:
    """Reference streams and the hypothesis stream (None without that column) of a TSV test set.

    Without a header row the columns are id, source, reference, hypothesis; a header naming its
    columns (`id`, `source`, `reference`/`ref`/`target` — several allowed — and `hypothesis`/
    `mt`) may order them freely. Cells use tmkit's TSV escapes (`\\t`, `\\n`, `\\\\`).
    """
    rows: list[tuple[int, list[str]]] = []
    for number, text in enumerate(iter_lines(path), 1):
        if text.strip():
            _refuse_control_characters(text, path, number)  # (TAB, the separator, is none)
            rows.append((number, text.split("\t")))
    if not rows:
        raise InputError("empty file: no segments", path=path)
    columns = _tsv_columns(rows[0][1], source_lang, target_lang)
    if columns is None:
        columns = {"id": [0], "source": [1], "reference": [2], "hypothesis": [3]}
        least, most = 4, 4
        expected = "4 TAB-separated columns (id, source, reference, hypothesis)"
    else:
        least = max(i for cols in columns.values() for i in cols) + 1
        most = len(rows[0][1])
        expected = f"{most} TAB-separated columns, as in the header"
        rows = rows[1:]
        if not rows:
            raise InputError("only a header row: no segments", path=path)
    if len(columns["id"]) > 1 or len(columns["source"]) > 1 or len(columns["hypothesis"]) > 1:
        raise InputError("the header names the id, source or hypothesis column twice", path=path, line=1)
    seen: dict[str, int] = {}
    refs: list[list[_Entry]] = [[] for _ in columns["reference"]]
    hyps: list[_Entry] = []
    for line, cells in rows:
        if not least <= len(cells) <= most:
            raise InputError(f"expected {expected}, found {len(cells)}", path=path, line=line)
        values = [unescape_tsv(c) for c in cells]
        key = values[columns["id"][0]].strip() if columns["id"] else str(line)
        if not key:
            raise InputError("empty id", path=path, line=line)
        if key in seen:
            raise InputError(f"id {key!r} used before, on line {seen[key]}", path=path, line=line)
        seen[key] = line
        source = LocatedText(values[columns["source"][0]], path, line) if columns["source"] else None
        for stream, index in zip(refs, columns["reference"], strict=True):
            stream.append(_Entry(key, LocatedText(values[index], path, line), source, line))
        if columns["hypothesis"]:
            hyps.append(_Entry(key, LocatedText(values[columns["hypothesis"][0]], path, line), source, line))
    ref_streams = [_Stream(path, FileFormat.TSV, tuple(s)) for s in refs]
    return ref_streams, (_Stream(path, FileFormat.TSV, tuple(hyps)) if columns["hypothesis"] else None)


def _prop_value(unit: TranslationUnit, prop_type: str, target_lang: str) -> str | None:
    variant = unit.variant(target_lang, region_fallback=True)
    if variant is not None:
        for prop in variant.props:
            if prop.type == prop_type:
                return prop.value
    for prop in unit.props:
        if prop.type == prop_type and (prop.lang is None or lang_matches(prop.lang, target_lang, region_fallback=True)):
            return prop.value
    return None


@dataclass(frozen=True, slots=True)
class _UnitsRead:
    """What a TMX or XLIFF gives: its target variants, the hypothesis prop's values, and the languages."""

    targets: _Stream
    props: _Stream | None
    source_lang: str
    target_lang: str


def _located(unit: TranslationUnit, lang: str, path: str) -> LocatedText | None:
    variant = unit.variant(lang, region_fallback=True)
    return LocatedText(variant.segment.plain, path, unit.line, variant.segment) if variant is not None else None


def _unit_streams(
    units: Iterable[TranslationUnit],
    path: str,
    file_format: FileFormat,
    *,
    source_lang: str,
    target_lang: str,
    hypothesis_prop: str | None,
) -> _UnitsRead:
    """The target variants of bilingual units (and the ``hypothesis_prop`` values), keyed by unit id."""
    targets, props = [], []
    for unit in units:
        source = _located(unit, source_lang, path)
        translate = not not_to_translate(unit)
        targets.append(_Entry(unit.tuid, _located(unit, target_lang, path), source, unit.line, translate))
        if hypothesis_prop is not None:
            value = _prop_value(unit, hypothesis_prop, target_lang)
            text = LocatedText(value, path, unit.line) if value is not None else None
            props.append(_Entry(unit.tuid, text, source, unit.line, translate))
    _check_unique_keys(targets, path, "tuid" if file_format is FileFormat.TMX else "id")
    prop_stream = _Stream(path, file_format, tuple(props)) if hypothesis_prop is not None else None
    if prop_stream is not None and all(e.text is None for e in prop_stream.entries):
        raise InputError(f"no unit has a prop of type {hypothesis_prop!r} for {target_lang}", path=path)
    return _UnitsRead(_Stream(path, file_format, tuple(targets)), prop_stream, source_lang, target_lang)


def read_tmx_streams(
    path: str,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    hypothesis_prop: str | None = None,
) -> _UnitsRead:
    """The target variants of a TMX (and the ``hypothesis_prop`` values), keyed by tuid.

    The source language is ``source_lang``, else the header's, else Arabic; the target language is
    ``target_lang``, else the one other language of the units.
    """
    reader = TmxReader(path)
    units = list(reader)
    if not units:
        raise InputError("no translation units", path=path)
    header_src = reader.header.srclang if reader.header else ""
    src = source_lang or (header_src if header_src and header_src != ALL_LANGUAGES else DEFAULT_SOURCE_LANG)
    tgt = target_lang or _only_other_language(units, src, path)
    return _unit_streams(units, path, FileFormat.TMX, source_lang=src, target_lang=tgt, hypothesis_prop=hypothesis_prop)


def read_xliff_streams(
    path: str,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    hypothesis_prop: str | None = None,
) -> _UnitsRead:
    """The targets of an XLIFF 1.2 or 2.x (and the ``hypothesis_prop`` values), keyed by unit id.

    The languages are ``source_lang`` and ``target_lang``, else the file's own.
    """
    reader = XliffReader(path)
    file_src, file_tgt = reader.languages()
    units = iter(reader)  # streamed: only the texts are kept, not the document
    first = next(units, None)
    if first is None:
        raise InputError("no translation units", path=path)
    return _unit_streams(
        itertools.chain((first,), units),
        path,
        FileFormat.XLIFF,
        source_lang=source_lang or file_src,
        target_lang=target_lang or file_tgt,
        hypothesis_prop=hypothesis_prop,
    )


def _read_units(
    path: str, *, source_lang: str | None, target_lang: str | None, hypothesis_prop: str | None = None
) -> _UnitsRead:
    read = read_tmx_streams if format_of(path) is FileFormat.TMX else read_xliff_streams
    return read(path, source_lang=source_lang, target_lang=target_lang, hypothesis_prop=hypothesis_prop)


def _only_other_language(units: Iterable[TranslationUnit], source: str, path: str) -> str:
    counts: dict[str, int] = {}
    for unit in units:
        for variant in unit.variants:
            key = lang_key(variant.lang)
            if not lang_matches(key, source, region_fallback=True):
                counts[key] = counts.get(key, 0) + 1
    if not counts:
        raise InputError(f"no language other than the source ({source}) to score or check", path=path)
    if len(counts) > 1:
        raise ParameterError(
            "several target languages ({listed}): choose one with {target_lang}",
            values={"listed": ", ".join(sorted(counts))},
            path=path,
        )
    return next(iter(counts))


def _check_unique_keys(entries: Sequence[_Entry], path: str, label: str) -> None:
    seen: dict[str, int | None] = {}
    for entry in entries:
        if entry.key is None:
            continue
        if entry.key in seen:
            first = seen[entry.key]
            where = f", first on line {first}" if first else ""
            raise InputError(
                f"{label} {entry.key!r} appears twice{where}: cannot pair by it", path=path, line=entry.line
            )
        seen[entry.key] = entry.line


def _stream_texts(stream: _Stream) -> Iterable[str]:
    return (e.text.text for e in stream.entries if e.text is not None)


def _source_texts(stream: _Stream) -> Iterable[str]:
    return (e.source.text for e in stream.entries if e.source is not None)


# -- reading the sides of a test set ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _References:
    """The reference streams, the hypothesis the input holds itself (a TSV column, a prop), and the languages."""

    streams: tuple[_Stream, ...]
    hypothesis: _Stream | None
    source_lang: str | None
    target_lang: str | None


def read_references(
    paths: Sequence[str],
    *,
    input_path: str | None,
    hypothesis_prop: str | None,
    source_lang: str | None,
    target_lang: str | None,
) -> _References:
    """Every reference of ``paths`` (the input first): a TMX's or XLIFF's targets, a TSV's reference columns, lines.

    The languages a bilingual file settles hold for the files after it. Only the input may hold the
    hypothesis: as its TSV column, or as the ``hypothesis_prop`` of its TMX.
    """
    streams: list[_Stream] = []
    hypothesis: _Stream | None = None
    for path in paths:
        file_format = format_of(path)
        if file_format in BILINGUAL_FORMATS:
            prop = hypothesis_prop if path == input_path else None
            read = _read_units(path, source_lang=source_lang, target_lang=target_lang, hypothesis_prop=prop)
            source_lang, target_lang = read.source_lang, read.target_lang
            streams.append(read.targets)
            hypothesis = read.props or hypothesis
        elif file_format is FileFormat.TSV:
            tsv_refs, tsv_hyp = read_tsv_streams(path, source_lang=source_lang, target_lang=target_lang)
            streams.extend(tsv_refs)
            if tsv_hyp is not None:
                if path != input_path:
                    raise ParameterError("a TSV given in {references} must not have a hypothesis column", path=path)
                hypothesis = tsv_hyp
        else:
            streams.append(read_text_stream(path))
    return _References(tuple(streams), hypothesis, source_lang, target_lang)


def read_hypothesis(
    path: str, *, source_lang: str | None, target_lang: str | None, role: str = "hypothesis"
) -> _Stream:
    """A system's output: a TMX's or XLIFF's targets, a TSV's hypothesis column, or one segment a line.

    ``role`` names the file in the message for a TSV without a hypothesis column.
    """
    file_format = format_of(path)
    if file_format in BILINGUAL_FORMATS:
        return _read_units(path, source_lang=source_lang, target_lang=target_lang).targets
    if file_format is FileFormat.TSV:
        _, tsv_hyp = read_tsv_streams(path, source_lang=source_lang, target_lang=target_lang)
        if tsv_hyp is None:
            raise InputError(f"a TSV given as {role} needs a hypothesis column", path=path)
        return tsv_hyp
    return read_text_stream(path)


# -- pairing ------------------------------------------------------------------------------------


def _align_by_position(anchor: _Stream, other: _Stream) -> list[_Entry | None]:
    if len(other.entries) != len(anchor.entries):
        shorter, longer = sorted((anchor, other), key=lambda s: len(s.entries))
        first = longer.entries[len(shorter.entries)].line
        where = f"; {longer.path}:{first} onwards has no counterpart" if first is not None else ""
        raise InputError(
            f"{len(longer.entries)} segments in {longer.path} but {len(shorter.entries)} in {shorter.path}: "
            f"not aligned{where}"
        )
    return list(other.entries)


def _align_by_key(anchor: _Stream, other: _Stream) -> list[_Entry | None]:
    _check_unique_keys(other.entries, other.path, "id")
    by_key = {e.key: e for e in other.entries}
    anchor_keys = {e.key for e in anchor.entries}
    extra = [e.key for e in other.entries if e.key not in anchor_keys and e.key is not None]
    if extra:
        raise InputError(f"ids in {other.path} but not in {anchor.path}: {first_few(extra, MAX_NAMED)}")
    return [by_key.get(e.key) for e in anchor.entries]


def _source_keys(stream: _Stream) -> list[tuple[str, int]]:
    """Each entry's source text (white space folded), with its count among the entries of that source before it."""
    seen: Counter[str] = Counter()
    keys = []
    for entry in stream.entries:
        text = " ".join(entry.source.text.split()) if entry.source is not None else ""
        keys.append((text, seen[text]))
        seen[text] += 1
    return keys


def _align_by_source(anchor: _Stream, other: _Stream) -> list[_Entry | None]:
    by_source = dict(zip(_source_keys(other), other.entries, strict=True))
    anchor_keys = _source_keys(anchor)
    held = set(anchor_keys)
    extra = [(text, entry) for (text, n), entry in by_source.items() if (text, n) not in held]
    if extra:
        named = [f"line {e.line}" if e.line is not None else repr(text[:40]) for text, e in extra]
        raise InputError(f"sources in {other.path} but not in {anchor.path}: {first_few(named, MAX_NAMED)}")
    return [by_source.get(key) for key in anchor_keys]


@dataclass(frozen=True, slots=True)
class _Pairing:
    """How the other files line up with the anchor (the first reference): by key, by source or by position."""

    anchor: _Stream
    #: Streams read from files other than the anchor's.
    foreign: tuple[_Stream, ...]
    by_key: bool
    by_source: bool = False

    def column(self, stream: _Stream | None) -> list[_Entry | None] | None:
        """The entries of ``stream`` in the anchor's order; None where the stream has nothing for a key."""
        if stream is None:
            return None
        # Streams read from the anchor's own file (a TSV's columns, a TMX and its props) pair row by row.
        if stream.path == self.anchor.path:
            return list(stream.entries)
        if self.by_source:
            return _align_by_source(self.anchor, stream)
        if self.by_key:
            return _align_by_key(self.anchor, stream)
        return _align_by_position(self.anchor, stream)


def pair_streams(anchor: _Stream, others: Sequence[_Stream], *, align: PairBy) -> _Pairing:
    """Pair by key when every file has keys and ``align`` is `auto` or `id`, by source text with `source`, else by
    position."""
    foreign = tuple(s for s in others if s.path != anchor.path)
    if align is PairBy.SOURCE:
        for stream in (anchor, *foreign):
            lacking = next((e for e in stream.entries if e.source is None), None)
            if lacking is not None:
                raise InputError(
                    "cannot pair by source: a segment without its source text (a text file has none)",
                    path=stream.path,
                    line=lacking.line,
                )
        return _Pairing(anchor, foreign, by_key=False, by_source=bool(foreign))
    keyed = anchor.keyed and all(s.keyed for s in foreign)
    if align is PairBy.ID and not keyed:
        unkeyed = next(s.path for s in [anchor, *foreign] if not s.keyed)
        raise InputError("cannot pair by id: it has no id (or a unit without tuid)", path=unkeyed)
    return _Pairing(anchor, foreign, by_key=keyed and align is not PairBy.POSITION and bool(foreign))


def name_alignment(pairing: _Pairing) -> Alignment:
    """What a report says about the pairing: within one file, by tuid or id, line by line, or by position."""
    anchor, foreign = pairing.anchor, pairing.foreign
    every = [anchor, *foreign]
    if not foreign:
        return {FileFormat.TEXT: Alignment.LINE, FileFormat.TSV: Alignment.ROW}.get(anchor.file_format, Alignment.UNIT)
    if pairing.by_source:
        return Alignment.SOURCE
    if pairing.by_key:
        return Alignment.TUID if all(s.file_format is FileFormat.TMX for s in every) else Alignment.ID
    if all(s.file_format is FileFormat.TEXT for s in every):
        return Alignment.LINE
    return Alignment.POSITION


def _items(
    pairing: _Pairing, references: Sequence[_Stream], hypothesis: _Stream | None, sources: _Stream | None
) -> tuple[EvalItem, ...]:
    ref_columns = [pairing.column(s) or [] for s in references]
    hyp_column = pairing.column(hypothesis)
    src_column = pairing.column(sources)
    items = []
    for row, entry in enumerate(pairing.anchor.entries):
        refs = [other.text if other is not None else None for other in (column[row] for column in ref_columns)]
        hyp_entry = hyp_column[row] if hyp_column is not None else None
        src_entry = src_column[row] if src_column is not None else None
        source = src_entry.text if src_entry is not None else entry.source
        if source is None and hyp_entry is not None:
            source = hyp_entry.source
        key = entry.key if entry.key is not None else str(entry.line if entry.line is not None else row + 1)
        untranslated = (
            LocatedText("", hypothesis.path, hyp_entry.line)
            if hypothesis is not None and hyp_entry is not None and hyp_entry.text is None
            else None
        )
        translate = entry.translate and (hyp_entry is None or hyp_entry.translate)
        hyp_text = hyp_entry.text if hyp_entry is not None else None
        items.append(EvalItem(key, hyp_text, tuple(refs), source, untranslated, translate))
    return tuple(items)


# -- the test set -------------------------------------------------------------------------------


def load_eval_set(
    *,
    input_path: str | None = None,
    references: Sequence[str] = (),
    hypothesis: str | None = None,
    hypothesis_prop: str | None = None,
    sources: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    align: PairBy | str = PairBy.AUTO,
) -> EvalSet:
    """Read a test set and pair its segments.

    ``input_path`` is a TSV test set (id, source, reference, hypothesis), a TMX or XLIFF whose
    targets are references, or a text file of references; ``references`` adds reference files;
    ``hypothesis`` is the system output (text, TSV, TMX or XLIFF; a TMX or XLIFF gives its targets)
    unless ``hypothesis_prop`` names a prop of the input TMX that holds it (e.g. `x-mt`).
    ``sources`` is an optional text file of source segments.

    Files are paired by key (tuid, unit id, TSV id) when every file has keys and ``align`` is
    `auto` or `id`, else by position (line N with line N, unit N, row N). Differing counts,
    duplicate keys and keys one file has and the reference file lacks are refused with
    `InputError`; keys the reference has and another file lacks leave that side None (see
    `EvalSet.complete`).
    """
    pair_by = _pair_by(align)
    paths = ([input_path] if input_path else []) + list(references)
    if not paths:
        raise ParameterError("no reference given: pass a TSV, TMX or XLIFF test set as {input_path}, or {references}")
    if hypothesis_prop is not None and (input_path is None or format_of(input_path) is not FileFormat.TMX):
        raise ParameterError("{hypothesis_prop} reads the hypothesis from a prop of the input TMX: give a .tmx input")
    refs = read_references(
        paths,
        input_path=input_path,
        hypothesis_prop=hypothesis_prop,
        source_lang=source_lang,
        target_lang=target_lang,
    )
    src_lang, tgt_lang = refs.source_lang, refs.target_lang
    hyp_stream = refs.hypothesis
    if hypothesis is not None:
        if hyp_stream is not None:
            raise ParameterError(
                "{path} already holds the hypothesis; do not give {hypothesis} as well",
                values={"path": hyp_stream.path},
            )
        hyp_stream = read_hypothesis(hypothesis, source_lang=src_lang, target_lang=tgt_lang)
    source_stream = read_text_stream(sources) if sources is not None else None

    anchor = refs.streams[0]
    others = [s for s in [*refs.streams[1:], hyp_stream, source_stream] if s is not None]
    pairing = pair_streams(anchor, others, align=pair_by)
    items = _items(pairing, refs.streams, hyp_stream, source_stream)
    if tgt_lang is None:
        tgt_lang = guess_language(_stream_texts(anchor), default=DEFAULT_TARGET_LANG)
    source_known = True
    if src_lang is None:
        texts = list(_stream_texts(source_stream) if source_stream else _source_texts(anchor))
        source_known = bool(texts)  # (text files without --sources: no source text to tell it by)
        src_lang = guess_language(texts, default="ar" if lang_key(tgt_lang).startswith("en") else "en")
    return EvalSet(
        items=items,
        alignment=name_alignment(pairing),
        source_lang=src_lang,
        target_lang=tgt_lang,
        hypothesis_path=hyp_stream.path if hyp_stream is not None else None,
        reference_paths=tuple(s.path for s in refs.streams),
        source_path=sources,
        source_known=source_known,
    )


def _pair_by(align: PairBy | str) -> PairBy:
    try:
        return PairBy(align)
    except ValueError:
        raise ParameterError(
            "unknown {align} {value!r} ({choices})",
            values={"value": str(align), "choices": ", ".join(p.value for p in PairBy)},
        ) from None


def read_system_output(path: str, evalset: EvalSet, *, align: PairBy | str = PairBy.AUTO) -> dict[str, str]:
    """Another system's output for the segments of ``evalset`` (as loaded, before any were skipped), by item id.

    A TMX or XLIFF (targets) or TSV (hypothesis column) pairs by id unless ``align`` is `position`;
    a text file pairs line N with segment N. Counts that differ and ids it lacks are refused.
    """
    pair_by = _pair_by(align)
    stream = read_hypothesis(
        path, source_lang=evalset.source_lang, target_lang=evalset.target_lang, role="a system output"
    )
    if stream.keyed and pair_by is not PairBy.POSITION:
        _check_unique_keys(stream.entries, path, "id")
        by_key = {e.key: e for e in stream.entries}
        outputs = {item.id: by_key[item.id] for item in evalset.items if item.id in by_key}
    else:
        if len(stream.entries) != len(evalset.items):
            raise InputError(
                f"has {len(stream.entries)} segments but the test set has {len(evalset.items)}: not aligned", path=path
            )
        outputs = {item.id: entry for item, entry in zip(evalset.items, stream.entries, strict=True)}
    texts = {key: entry.text.text for key, entry in outputs.items() if entry.text is not None}
    missing = [item.id for item in evalset.items if item.id not in texts]
    if missing:
        raise InputError(f"no output for {_named(missing, Alignment.ID)}", path=path)
    return texts
