"""Test sets for scoring and QA: hypotheses, references and sources read from text, TSV or TMX, then paired up."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from tmkit.errors import InputError
from tmkit.formats.tabular import unescape_tsv
from tmkit.formats.tmx_reader import TmxReader
from tmkit.memory.langtags import ALL_LANGUAGES, DEFAULT_SOURCE_LANG, DEFAULT_TARGET_LANG, lang_key, lang_matches
from tmkit.memory.model import Segment, TranslationUnit

TMX_SUFFIXES = (".tmx", ".tmx.gz")
TSV_SUFFIXES = (".tsv", ".tab")
XLIFF_SUFFIXES = (".xlf", ".xliff", ".sdlxliff", ".mqxliff", ".xlz")
#: How many missing ids or unaligned lines an error message names before it says "and N more".
MAX_NAMED = 5

_ID_NAMES = frozenset({"id", "tuid", "segid", "seg_id", "segment"})
_SOURCE_NAMES = frozenset({"source", "src"})
_REFERENCE_RE = re.compile(r"^(?:reference|ref|target|tgt|translation)[\s_-]*\d*$")
_HYPOTHESIS_NAMES = frozenset({"hypothesis", "hyp", "mt", "system", "output", "candidate"})
_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f]")


@dataclass(frozen=True, slots=True)
class Text:
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
    hypothesis: Text | None
    references: tuple[Text | None, ...]
    source: Text | None = None

    @property
    def target(self) -> Text | None:
        """What QA checks: the hypothesis when there is one, else the (first) reference."""
        if self.hypothesis is not None:
            return self.hypothesis
        return self.references[0] if self.references else None


@dataclass(frozen=True, slots=True)
class EvalSet:
    """Segments paired across files, with how they were paired and in which languages."""

    items: tuple[EvalItem, ...]
    #: `line` (text files), `row` (one TSV), `unit` (one TMX), `tuid`/`id` (by key), `position`.
    alignment: str
    source_lang: str
    target_lang: str
    hypothesis_path: str | None
    reference_paths: tuple[str, ...]
    source_path: str | None = None
    #: Ids left out because one side had nothing for them (``complete(skip_missing=True)``).
    skipped: tuple[str, ...] = ()

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

    def complete(self, *, skip_missing: bool = False) -> EvalSet:
        """The set with a hypothesis and every reference for each item, else an error naming what is missing."""
        missing = [item for item in self.items if item.hypothesis is None or any(r is None for r in item.references)]
        if not missing:
            return self
        if skip_missing:
            kept = tuple(item for item in self.items if item not in missing)
            if not kept:
                raise InputError("no segment has both a hypothesis and its references")
            return replace(self, items=kept, skipped=self.skipped + tuple(item.id for item in missing))
        no_hyp = [item.id for item in missing if item.hypothesis is None]
        no_ref = [item.id for item in missing if any(r is None for r in item.references)]
        parts = []
        if no_hyp:
            parts.append(f"no hypothesis in {self.hypothesis_path} for {_named(no_hyp, self.alignment)}")
        if no_ref:
            parts.append(f"no reference for {_named(no_ref, self.alignment)}")
        raise InputError("; ".join(parts) + " (--skip-missing leaves them out)")


def _named(ids: Sequence[str], alignment: str) -> str:
    label = {"line": "line", "position": "segment", "row": "row"}.get(alignment, "id")
    label += "s" if len(ids) > 1 else ""
    shown = ", ".join(ids[:MAX_NAMED])
    more = f" and {len(ids) - MAX_NAMED} more" if len(ids) > MAX_NAMED else ""
    return f"{label} {shown}{more}"


# -- streams: what one file holds ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str | None
    text: Text | None
    source: Text | None = None
    #: Where the entry is, for messages when it has no text.
    line: int | None = None


@dataclass(frozen=True, slots=True)
class _Stream:
    path: str
    kind: str  # text, tsv, tmx
    entries: tuple[_Entry, ...]

    @property
    def keyed(self) -> bool:
        return self.kind != "text" and all(e.key is not None for e in self.entries)


def file_kind(path: str) -> str:
    """`tmx`, `tsv` or `text` from the file name; XLIFF is refused until tmkit reads it (issue 6)."""
    lower = path.lower()
    if lower.endswith(XLIFF_SUFFIXES):
        raise InputError("XLIFF is not supported yet (planned in issue 6); convert it to TMX or TSV", path=path)
    if lower.endswith(TMX_SUFFIXES):
        return "tmx"
    if lower.endswith(TSV_SUFFIXES):
        return "tsv"
    return "text"


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", path=path) from None
    except UnicodeDecodeError as exc:
        with open(path, "rb") as raw:
            line = raw.read(exc.start).count(b"\n") + 1
        raise InputError(f"not UTF-8 text ({exc.reason})", path=path, line=line) from None


def _lines(path: str) -> list[str]:
    """Lines split at LF only, as sacrebleu reads them (U+2028 and friends stay inside a line)."""
    text = _read_text(path)
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_text_stream(path: str) -> _Stream:
    lines = _lines(path)
    if not lines:
        raise InputError("empty file: no segments", path=path)
    return _Stream(path, "text", tuple(_Entry(None, Text(t, path, n), None, n) for n, t in enumerate(lines, 1)))


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
    rows = [(n, line.split("\t")) for n, line in enumerate(_lines(path), 1) if line.strip()]
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
        source = Text(values[columns["source"][0]], path, line) if columns["source"] else None
        for stream, index in zip(refs, columns["reference"], strict=True):
            stream.append(_Entry(key, Text(values[index], path, line), source, line))
        if columns["hypothesis"]:
            hyps.append(_Entry(key, Text(values[columns["hypothesis"][0]], path, line), source, line))
    ref_streams = [_Stream(path, "tsv", tuple(s)) for s in refs]
    return ref_streams, (_Stream(path, "tsv", tuple(hyps)) if columns["hypothesis"] else None)


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
class _TmxRead:
    targets: _Stream
    props: _Stream | None
    source_lang: str
    target_lang: str


def read_tmx_streams(
    path: str,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    hypothesis_prop: str | None = None,
) -> _TmxRead:
    """The target variants of a TMX (and the ``hypothesis_prop`` values), keyed by tuid."""
    reader = TmxReader(path)
    units = list(reader)
    if not units:
        raise InputError("no translation units", path=path)
    header_src = reader.header.srclang if reader.header else ""
    src = source_lang or (header_src if header_src and header_src != ALL_LANGUAGES else DEFAULT_SOURCE_LANG)
    tgt = target_lang or _only_other_language(units, src, path)
    targets, props = [], []
    for unit in units:
        source_variant = unit.variant(src, region_fallback=True)
        source = (
            Text(source_variant.segment.plain, path, unit.line, source_variant.segment)
            if source_variant is not None
            else None
        )
        variant = unit.variant(tgt, region_fallback=True)
        text = Text(variant.segment.plain, path, unit.line, variant.segment) if variant is not None else None
        targets.append(_Entry(unit.tuid, text, source, unit.line))
        if hypothesis_prop is not None:
            value = _prop_value(unit, hypothesis_prop, tgt)
            props.append(
                _Entry(unit.tuid, Text(value, path, unit.line) if value is not None else None, source, unit.line)
            )
    _check_unique_keys(targets, path, "tuid")
    prop_stream = _Stream(path, "tmx", tuple(props)) if hypothesis_prop is not None else None
    if prop_stream is not None and all(e.text is None for e in prop_stream.entries):
        raise InputError(f"no unit has a prop of type {hypothesis_prop!r} for {tgt}", path=path)
    return _TmxRead(_Stream(path, "tmx", tuple(targets)), prop_stream, src, tgt)


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
        listed = ", ".join(sorted(counts))
        raise InputError(f"several target languages ({listed}): choose one with --tgt", path=path)
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


# -- language guessing --------------------------------------------------------------------------


def guess_language(texts: Iterable[str], *, default: str) -> str:
    """`ar` when Arabic letters outnumber Latin ones in the first thousand texts, `en` when Latin ones do."""
    arabic = latin = 0
    for count, text in enumerate(texts):
        if count >= 1000:
            break
        arabic += len(_ARABIC_RE.findall(text))
        latin += len(_LATIN_RE.findall(text))
    if arabic == latin:
        return default
    return "ar" if arabic > latin else "en"


def _stream_texts(stream: _Stream) -> Iterable[str]:
    return (e.text.text for e in stream.entries if e.text is not None)


def _source_texts(stream: _Stream) -> Iterable[str]:
    return (e.source.text for e in stream.entries if e.source is not None)


# -- pairing ------------------------------------------------------------------------------------


def _align_by_position(anchor: _Stream, other: _Stream) -> list[_Entry]:
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
    by_key = {e.key: e for e in other.entries}
    anchor_keys = {e.key for e in anchor.entries}
    extra = [e.key for e in other.entries if e.key not in anchor_keys and e.key is not None]
    if extra:
        shown = ", ".join(extra[:MAX_NAMED]) + (f" and {len(extra) - MAX_NAMED} more" if len(extra) > MAX_NAMED else "")
        raise InputError(f"ids in {other.path} but not in {anchor.path}: {shown}")
    return [by_key.get(e.key) for e in anchor.entries]


def load_eval_set(
    *,
    input_path: str | None = None,
    references: Sequence[str] = (),
    hypothesis: str | None = None,
    hypothesis_prop: str | None = None,
    sources: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    align: str = "auto",
) -> EvalSet:
    """Read a test set and pair its segments.

    ``input_path`` is a TSV test set (id, source, reference, hypothesis), a TMX whose target
    variants are references, or a text file of references; ``references`` adds reference files;
    ``hypothesis`` is the system output (text, TSV or TMX; a TMX gives its target variants) unless
    ``hypothesis_prop`` names a prop of the input TMX that holds it (e.g. `x-mt`). ``sources`` is
    an optional text file of source segments.

    Files are paired by key (tuid, TSV id) when every file has keys and ``align`` is `auto` or
    `id`, else by position (line N with line N, unit N, row N). Differing counts, duplicate keys
    and keys one file has and the reference file lacks are refused with `InputError`; keys the
    reference has and another file lacks leave that side None (see `EvalSet.complete`).
    """
    if align not in ("auto", "id", "position"):
        raise InputError(f"unknown alignment {align!r} (auto, id or position)")
    ref_streams: list[_Stream] = []
    hyp_stream: _Stream | None = None
    src_lang, tgt_lang = source_lang, target_lang
    paths = ([input_path] if input_path else []) + list(references)
    if not paths:
        raise InputError("no reference given: pass a TSV or TMX test set, or --ref FILE")
    if hypothesis_prop is not None and (input_path is None or file_kind(input_path) != "tmx"):
        raise InputError("--hyp-prop reads the hypothesis from a prop of the input TMX: give a .tmx input")
    for index, path in enumerate(paths):
        kind = file_kind(path)
        if kind == "tmx":
            read = read_tmx_streams(
                path,
                source_lang=src_lang,
                target_lang=tgt_lang,
                hypothesis_prop=hypothesis_prop if index == 0 and path == input_path else None,
            )
            src_lang, tgt_lang = read.source_lang, read.target_lang
            ref_streams.append(read.targets)
            if read.props is not None:
                hyp_stream = read.props
        elif kind == "tsv":
            tsv_refs, tsv_hyp = read_tsv_streams(path, source_lang=src_lang, target_lang=tgt_lang)
            ref_streams.extend(tsv_refs)
            if tsv_hyp is not None:
                if path != input_path:
                    raise InputError("a TSV given with --ref must not have a hypothesis column", path=path)
                hyp_stream = tsv_hyp
        else:
            ref_streams.append(read_text_stream(path))
    if hypothesis is not None:
        if hyp_stream is not None:
            raise InputError(f"{hyp_stream.path} already holds the hypothesis; do not give --hyp as well")
        kind = file_kind(hypothesis)
        if kind == "tmx":
            hyp_stream = read_tmx_streams(hypothesis, source_lang=src_lang, target_lang=tgt_lang).targets
        elif kind == "tsv":
            tsv_refs, tsv_hyp = read_tsv_streams(hypothesis, source_lang=src_lang, target_lang=tgt_lang)
            if tsv_hyp is None:
                raise InputError("a TSV given as hypothesis needs a hypothesis column", path=hypothesis)
            hyp_stream = tsv_hyp
        else:
            hyp_stream = read_text_stream(hypothesis)
    source_stream = read_text_stream(sources) if sources is not None else None

    anchor = ref_streams[0]
    others = [s for s in [*ref_streams[1:], hyp_stream, source_stream] if s is not None]
    # Streams read from one file (a TSV's columns, a TMX and its props) are paired row by row.
    foreign = [s for s in others if s.path != anchor.path]
    keyed = anchor.keyed and all(s.keyed for s in foreign)
    if align == "id" and not keyed:
        unkeyed = next(s.path for s in [anchor, *foreign] if not s.keyed)
        raise InputError("cannot pair by id: it has no id (or a unit without tuid)", path=unkeyed)
    by_key = keyed and align != "position" and bool(foreign)

    def aligned(stream: _Stream | None) -> list[_Entry | None] | None:
        if stream is None:
            return None
        if stream.path == anchor.path:
            return list(stream.entries)
        if by_key:
            _check_unique_keys(stream.entries, stream.path, "id")
            return _align_by_key(anchor, stream)
        return list(_align_by_position(anchor, stream))

    ref_columns = [aligned(s) for s in ref_streams]
    hyp_column = aligned(hyp_stream)
    src_column = aligned(source_stream)
    if tgt_lang is None:
        tgt_lang = guess_language(_stream_texts(anchor), default=DEFAULT_TARGET_LANG)
    if src_lang is None:
        texts = _stream_texts(source_stream) if source_stream else _source_texts(anchor)
        src_lang = guess_language(texts, default="ar" if lang_key(tgt_lang).startswith("en") else "en")

    items = []
    for row, entry in enumerate(anchor.entries):
        refs: list[Text | None] = []
        for column in ref_columns:
            assert column is not None
            other = column[row]
            refs.append(other.text if other is not None else None)
        hyp_entry = hyp_column[row] if hyp_column is not None else None
        src_entry = src_column[row] if src_column is not None else None
        source = src_entry.text if src_entry is not None else entry.source
        if source is None and hyp_entry is not None:
            source = hyp_entry.source
        key = entry.key if entry.key is not None else str(entry.line if entry.line is not None else row + 1)
        items.append(EvalItem(key, hyp_entry.text if hyp_entry is not None else None, tuple(refs), source))

    if anchor.kind == "text" and not foreign:
        alignment = "line"
    elif not foreign:
        alignment = "row" if anchor.kind == "tsv" else "unit"
    elif by_key:
        alignment = "tuid" if all(s.kind == "tmx" for s in [anchor, *foreign]) else "id"
    elif all(s.kind == "text" for s in [anchor, *foreign]):
        alignment = "line"
    else:
        alignment = "position"
    return EvalSet(
        items=tuple(items),
        alignment=alignment,
        source_lang=src_lang,
        target_lang=tgt_lang,
        hypothesis_path=hyp_stream.path if hyp_stream is not None else None,
        reference_paths=tuple(s.path for s in ref_streams),
        source_path=sources,
    )


def read_system_output(path: str, evalset: EvalSet, *, align: str = "auto") -> dict[str, str]:
    """Another system's output for the segments of ``evalset`` (as loaded, before any were skipped), by item id.

    A TMX (target variants) or TSV (hypothesis column) pairs by id unless ``align`` is `position`;
    a text file pairs line N with segment N. Counts that differ and ids it lacks are refused.
    """
    kind = file_kind(path)
    if kind == "tmx":
        stream = read_tmx_streams(path, source_lang=evalset.source_lang, target_lang=evalset.target_lang).targets
    elif kind == "tsv":
        _, hyp_stream = read_tsv_streams(path, source_lang=evalset.source_lang, target_lang=evalset.target_lang)
        if hyp_stream is None:
            raise InputError("a TSV given as a system output needs a hypothesis column", path=path)
        stream = hyp_stream
    else:
        stream = read_text_stream(path)
    if stream.keyed and align != "position":
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
        raise InputError(f"no output for {_named(missing, 'id')}", path=path)
    return texts
