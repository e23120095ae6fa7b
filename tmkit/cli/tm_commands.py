"""Memory commands: `validate`, `stats`, `convert`, `merge` and `merge-driver` (git)."""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from typing import TYPE_CHECKING, Any

from tmkit.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_reader_options,
    error,
    make_reader,
    print_conflicts,
    print_json,
    progress_for,
    refuse_overwriting_inputs,
    report_reader,
    warn,
)
from tmkit.defaults import (
    DEFAULT_CONFLICT_POLICY,
    DEFAULT_XLIFF_VERSION,
    XLIFF_VERSIONS,
    ConflictPolicy,
)
from tmkit.errors import InputError
from tmkit.memory.langtags import (
    ALL_LANGUAGES,
    DEFAULT_SOURCE_LANG,
    DEFAULT_TARGET_LANG,
    is_valid_tag,
    same_language,
)
from tmkit.wording import plural

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from tmkit.formats.tmx_reader import TmxReader
    from tmkit.memory.model import Header, TranslationUnit
    from tmkit.shared.store import SharedMemoryReader

# The readers and writers (lxml) are imported by the handlers that use them, so that the parser and
# --help start fast (tests/test_startup.py).


def register(commands: Any) -> None:
    p = commands.add_parser(
        "validate",
        help="check TMX files against TMX 1.4b",
        description="Check TMX files: well-formedness, the rules of TMX 1.4b that a DTD cannot check "
        "(bpt/ept pairing, unique i, it/pos, language tags, dates, source variant present), units left "
        "marked x-tmkit-conflict by a merge (a warning; an error with --strict), and optionally the DTD "
        "itself. Exit 0 valid, 1 problems found, 2 unreadable input.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="TMX files (.tmx or .tmx.gz)")
    p.add_argument("--dtd", metavar="PATH", help="also validate against this local copy of the TMX DTD")
    p.add_argument(
        "--strict", action="store_true", help="fail on warnings too; units left marked by a merge conflict are errors"
    )
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    p.add_argument("--repair", action="store_true", help="remove XML-illegal control characters before checking")
    p.set_defaults(handler=cmd_validate)

    p = commands.add_parser(
        "stats",
        help="count units, languages, statuses, words and characters",
        description="Describe a TMX memory (or an XLIFF or SDLXLIFF, as convert reads it): units, languages, "
        "statuses, and segments, words and characters per language. Streams the file, so any size works.",
    )
    p.add_argument("file", metavar="FILE", help="TMX file (or .xlf, .xliff, .sdlxliff)")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    add_reader_options(p)
    p.set_defaults(handler=cmd_stats)

    p = commands.add_parser(
        "convert",
        help="TMX to TSV/CSV/XLIFF and back, two line-aligned text files to TMX",
        description="Convert between TMX and tables, or pair two line-aligned text files into a TMX. "
        "The formats follow the file names: .tmx, .tsv, .csv, .xlf/.xliff (and Trados .sdlxliff, read only); "
        "two inputs are source and target "
        "text. Tables are written with a header row: tuid, the two languages, status. A header row naming "
        "the columns (tuid or id, source or src or the source language, target or tgt or the target "
        "language, status, note) is recognised in any order; without one, the columns are source, target "
        "and an optional status. TSV escapes backslash, TAB and newlines as \\\\, \\t, \\n.",
    )
    p.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="a .tmx, .tsv, .csv or .xlf file; or source and target text files"
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="OUTPUT", help="the file to write (.tmx, .tsv, .csv or .xlf)"
    )
    p.add_argument(
        "--src",
        metavar="LANG",
        help=f"source language (default: the TMX header's; for text files, what its script says; else "
        f"{DEFAULT_SOURCE_LANG})",
    )
    p.add_argument(
        "--tgt",
        metavar="LANG",
        help="target language (default: the TMX's most frequent other language; for text files, what its "
        f"script says; else {DEFAULT_TARGET_LANG}, or {DEFAULT_SOURCE_LANG} for a source not Arabic)",
    )
    p.add_argument(
        "--placeholders", action="store_true", help="in tables, write inline codes as {1} {/1} {2/} placeholders"
    )
    p.add_argument(
        "--xliff-version",
        choices=XLIFF_VERSIONS,
        default=DEFAULT_XLIFF_VERSION,
        help=f"the XLIFF version of an .xlf/.xliff output (default: {DEFAULT_XLIFF_VERSION})",
    )
    add_reader_options(p)
    p.set_defaults(handler=cmd_convert)

    p = commands.add_parser(
        "merge",
        help="combine memories with a policy for duplicates and conflicts",
        description="Merge TMX memories into one. Units with the same source and translations are "
        "duplicates (the most recently changed is kept). Units with the same source and different "
        "translations are conflicts, settled by --policy. Exit 1 if --policy fail meets a conflict.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="TMX memories, in order of precedence")
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="the merged TMX to write")
    p.add_argument(
        "--policy",
        choices=[c.value for c in ConflictPolicy],
        default=DEFAULT_CONFLICT_POLICY.value,
        help="what to keep when translations conflict: all of them as alternatives (default), the first, "
        "the last, the newest, or fail",
    )
    add_reader_options(p)
    p.set_defaults(handler=cmd_merge)

    p = commands.add_parser(
        "merge-driver",
        help="three-way merge of a .tmx file, for git",
        description="Git merge driver for TMX: merges OURS and THEIRS against their common BASE unit by "
        "unit and writes the result into OURS. A unit changed differently on both sides is kept in both "
        "versions, marked with a prop x-tmkit-conflict, and the exit code is 1 so git reports the conflict. "
        "An empty BASE (both branches added the file) merges the two additions: units added alike are kept "
        "once, a unit added with different translations is a conflict. The header is merged the same way; "
        "a header change made differently on both sides keeps ours, says so, and exits 1. Set up with:  "
        "git config merge.tmx.driver 'tmkit merge-driver %O %A %B'  and the .gitattributes line  "
        "*.tmx merge=tmx",
    )
    p.add_argument("base", metavar="BASE", help="the common ancestor (git's %%O)")
    p.add_argument("ours", metavar="OURS", help="our version, overwritten with the result (git's %%A)")
    p.add_argument("theirs", metavar="THEIRS", help="their version (git's %%B)")
    p.set_defaults(handler=cmd_merge_driver)


# -- validate --------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from tmkit.formats.tmx_validate import DEFAULT_CONFLICT_SEVERITY, Severity, validate_tmx

    exit_code = EXIT_OK
    everything: list[dict[str, object]] = []
    for path in args.files:
        try:
            with progress_for(path, f"checking {os.path.basename(path)}") as progress:
                problems = validate_tmx(
                    path,
                    dtd=args.dtd,
                    repair=args.repair,
                    conflict_severity=Severity.ERROR if args.strict else DEFAULT_CONFLICT_SEVERITY,
                    on_progress=progress,
                )
        except InputError as exc:
            if args.dtd and exc.path == os.fspath(args.dtd):
                raise
            error(str(exc))
            everything.append(
                {"path": path, "line": exc.line, "severity": "error", "code": "unreadable", "message": exc.message}
            )
            exit_code = EXIT_USAGE
            continue
        errors = sum(p.severity is Severity.ERROR for p in problems)
        warnings = len(problems) - errors
        if args.json:
            everything.extend(p.as_dict() for p in problems)
        else:
            for problem in problems:
                print(problem.format())
            verdict = "invalid" if errors else "invalid with --strict" if args.strict and warnings else "valid"
            print(f"{path}: {verdict} ({plural(errors, 'error')}, {plural(warnings, 'warning')})")
        if (errors or (args.strict and warnings)) and exit_code == EXIT_OK:
            exit_code = EXIT_CHECK_FAILED
    if args.json:
        print_json({"valid": exit_code == EXIT_OK, "problems": everything})
    return exit_code


# -- stats -----------------------------------------------------------------------------------


def cmd_stats(args: argparse.Namespace) -> int:
    from tmkit.formats.kinds import FileFormat, format_of
    from tmkit.formats.tmx_counts import TmxCounter
    from tmkit.formats.tmx_reader import TmxReader
    from tmkit.memory.stats import memory_stats

    if os.path.isdir(args.file):  # a project: each document's progress and the total
        from tmkit.cli.project_commands import run_project_stats

        return run_project_stats(args)

    srclang: str | None
    if format_of(args.file) is FileFormat.XLIFF:  # an agency's XLIFF or Trados's SDLXLIFF, counted as convert reads it
        from tmkit.formats.xliff import XliffReader

        xliff = XliffReader(args.file)
        srclang = xliff.languages()[0]
        stats = memory_stats(xliff)
    else:
        with progress_for(args.file, "reading") as progress:
            reader = make_reader(args.file, args, progress)
            if isinstance(reader, TmxReader):
                # A file is counted from lxml's elements, without a unit object each (issue 13: 2× faster).
                reader = TmxCounter(
                    args.file, skip_invalid=reader.skip_invalid, repair=reader.repair, on_progress=progress
                )
                stats = reader.count()
            else:
                stats = memory_stats(reader)
        report_reader(reader)
        srclang = reader.header.srclang if reader.header else None
    data = {"file": args.file, "srclang": srclang, **stats.as_dict()}
    if args.json:
        print_json(data)
        return EXIT_OK
    print(f"file:      {args.file}")
    print(f"source:    {data['srclang']}")
    print(f"units:     {stats.units:,}   with inline codes: {stats.units_with_markup:,}")
    statuses = ", ".join(f"{name} {count:,}" for name, count in stats.statuses.items())
    print(f"statuses:  {statuses}; rejected {stats.rejected:,}")
    print()
    print(f"{'language':<10}{'segments':>10}{'empty':>8}{'words':>12}{'characters':>13}")
    for lang, c in sorted(stats.languages.items(), key=lambda kv: (-kv[1].segments, kv[0])):
        print(f"{lang:<10}{c.segments:>10,}{c.empty_segments:>8,}{c.words:>12,}{c.characters:>13,}")
    return EXIT_OK


# -- convert ---------------------------------------------------------------------------------


def _new_header(source: str) -> Header:
    from tmkit.memory.dates import now_tmx_date
    from tmkit.memory.model import Header

    return Header(srclang=source, creation_date=now_tmx_date())


def _tuids(read_units: Callable[[], Iterable[TranslationUnit]]) -> Iterator[str | None]:
    """The tuid of each unit of a reading of the input (a first pass, for XLIFF's ids)."""
    return (unit.tuid for unit in read_units())


def cmd_convert(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from tmkit.formats.aligned_text import aligned_languages, read_aligned_text
    from tmkit.formats.conversion import (
        PairSurvey,
        TuidSpill,
        default_target_language,
        header_and_units,
        tmx_languages,
    )
    from tmkit.formats.kinds import TABLE_FORMATS, FileFormat, format_of
    from tmkit.formats.tabular import iter_table, table_languages, write_table
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.formats.xliff import XliffReader, write_xliff

    inputs: list[str] = args.inputs
    output: str = args.output
    target_lang: str | None = args.tgt
    out_kind = format_of(output)
    if out_kind is FileFormat.TEXT:
        error(f"{output}: cannot tell the output format; name it .tmx, .tsv, .csv or .xlf")
        return EXIT_USAGE
    # By the file each name leads to: an output that is a link to an input was written through, the input lost.
    refuse_overwriting_inputs(output, inputs)
    # Units go from the reader to the writer one at a time (issue 13: the memory is never held whole).
    units: Iterable[TranslationUnit]
    tmx_reader: TmxReader | SharedMemoryReader | None = None
    xliff_reader: XliffReader | None = None
    survey: PairSurvey | None = None
    # The tuid of each unit, for XLIFF's plan of the ids (issue 13: bounded at any size): a first pass over the input
    # (for a TMX the one that counts its languages), before the writing one.
    tuids_again: Callable[[], Iterable[str | None]] | None = None
    tuids: TuidSpill | None = None
    tuids_pass: Callable[[], object] | None = None  # the counting pass run only for the tuids (the target given)
    with ExitStack() as stack:
        if len(inputs) == 2:
            if out_kind is not FileFormat.TMX:
                error("two line-aligned text files convert to a .tmx output")
                return EXIT_USAGE
            languages = aligned_languages(inputs[0], inputs[1], source_lang=args.src, target_lang=target_lang)
            for mismatch in languages.mismatches:
                warn(mismatch)
            source_lang, target_lang = languages.source_lang, languages.target_lang
            units = read_aligned_text(inputs[0], inputs[1], source_lang=source_lang, target_lang=target_lang)
            header = _new_header(source_lang)
        elif len(inputs) == 1:
            in_kind = format_of(inputs[0])
            if in_kind is FileFormat.TMX:
                progress = stack.enter_context(progress_for(inputs[0], "converting"))
                tmx_reader = make_reader(inputs[0], args, progress)
                header, units = header_and_units(tmx_reader)
                header_src = header.srclang
                source_lang = args.src or (
                    header_src if header_src and header_src != ALL_LANGUAGES else DEFAULT_SOURCE_LANG
                )
                if out_kind is not FileFormat.TMX:  # a table or XLIFF holds one pair: say what it leaves out
                    # An English-source TMX converted to en → en and dropped its Arabic: the target is the
                    # memory's most frequent other language, found by a counting pass before the writing one,
                    # which also keeps the units' tuids for XLIFF's ids (beside the output; into a folder that is
                    # not there, the writer says so, as before).
                    folder = os.path.dirname(os.path.abspath(output))
                    if out_kind is FileFormat.XLIFF and os.path.isdir(folder):
                        tuids = stack.enter_context(TuidSpill(folder=folder))
                        tuids_again = functools.partial(iter, tuids)
                    count_tmx = functools.partial(
                        tmx_languages,
                        inputs[0],
                        skip_invalid=args.skip_invalid,
                        repair=args.repair,
                        on_unit=tuids.add if tuids is not None else None,
                    )
                    if target_lang is None:
                        target_lang = default_target_language(count_tmx(), source_lang)
                    elif tuids is not None:
                        tuids_pass = count_tmx  # (once the pair is known to be one: a usage error comes first)
                    survey = PairSurvey(source_lang, target_lang)
                    survey.add_header(header)
                    units = survey.passing(units)
            elif in_kind is FileFormat.XLIFF:
                xliff_reader = XliffReader(inputs[0])
                xliff_src, xliff_tgt = xliff_reader.languages()
                source_lang = args.src or xliff_src
                target_lang = args.tgt or xliff_tgt
                header, units = xliff_reader.header(), xliff_reader
                tuids_again = functools.partial(_tuids, functools.partial(XliffReader, inputs[0]))
            elif in_kind in TABLE_FORMATS:
                found = table_languages(inputs[0], source_lang=args.src, target_lang=target_lang)
                for mismatch in found.mismatches:
                    warn(mismatch)
                source_lang, target_lang = found.source_lang, found.target_lang
                units = iter_table(inputs[0], source_lang=source_lang, target_lang=target_lang)
                if out_kind is FileFormat.XLIFF:  # a unit's rows joined into one: XLIFF holds its first translation
                    survey = PairSurvey(source_lang, target_lang)
                    units = survey.passing(units)
                tuids_again = functools.partial(
                    _tuids, functools.partial(iter_table, inputs[0], source_lang=source_lang, target_lang=target_lang)
                )
                header = _new_header(source_lang)
            else:
                error(f"{inputs[0]}: a single input must be .tmx, .tsv, .csv or .xlf (two text files make a TMX)")
                return EXIT_USAGE
        else:
            error("convert takes one input file, or two line-aligned text files")
            return EXIT_USAGE
        if out_kind is not FileFormat.TMX:
            # A table's or an XLIFF's languages are its header's: one that is no tag made a file no tool reads (a TMX
            # keeps its variants' languages as they are, as it keeps the rest).
            for option, lang in (("--src", source_lang), ("--tgt", target_lang)):
                if lang is not None and not is_valid_tag(lang):
                    raise InputError(f"{lang!r} is not a language tag: name the language with {option}", path=inputs[0])
        if target_lang is not None and same_language(source_lang, target_lang):
            error(f"--src {source_lang} and --tgt {target_lang} are the same language: nothing would be translated")
            return EXIT_USAGE
        if tuids_pass is not None:
            tuids_pass()
        if out_kind is FileFormat.TMX:
            report = write_tmx(output, header=header, units=units)
            pair = f" ({source_lang} → {target_lang})" if len(inputs) == 2 else ""  # (guessed from the scripts)
            written = f"wrote {plural(report.units, 'unit')}{pair} to {output}"
            written_count = report.units
        elif target_lang is None:  # every input without a target language writes a TMX
            raise AssertionError("no target language for a table or XLIFF")
        elif out_kind is FileFormat.XLIFF:
            count = write_xliff(
                output,
                units=units,
                tuids_for_ids=tuids_again() if tuids_again is not None else None,
                source_lang=source_lang,
                target_lang=target_lang,
                version=args.xliff_version,
                # A memory's header (a TMX's, one an XLIFF recorded) goes with it; a table or text has none to keep.
                header=header if tmx_reader is not None or xliff_reader is not None else None,
            )
            written = f"wrote {plural(count, 'unit')} ({source_lang} → {target_lang}) to {output}"
            written_count = count
        else:
            table = write_table(
                output, units, source_lang=source_lang, target_lang=target_lang, placeholders=args.placeholders
            )
            written = f"wrote {plural(table.rows, 'row')} ({source_lang} → {target_lang}) to {output}"
            written_count = table.rows
            if table.rows_without_codes:
                warn(
                    f"{plural(table.rows_without_codes, 'row')} written without the inline codes of their segments "
                    "(--placeholders writes them as {1} {/1} {2/})"
                )
    # What was skipped and left out is known once the units are written; said in the order it was before.
    if tmx_reader is not None:
        report_reader(tmx_reader)
    if xliff_reader is not None and xliff_reader.outside_segments:
        warn(
            f"{plural(xliff_reader.outside_segments, 'segmented unit')} held text or codes outside their segments "
            '(1.2 <mrk mtype="seg">, 2.x <segment>): a unit is written a segment, and that content is in none'
        )
    if survey is not None:
        xliff = out_kind is FileFormat.XLIFF
        for notice in survey.notices(
            one_translation_per_unit=xliff, keeps_units_without_source=xliff, keeps_props=xliff
        ):
            warn(notice)
    if out_kind is FileFormat.TMX and report.illegal_chars_removed:
        print(f"tmkit: removed {report.illegal_chars_removed} XML-illegal characters", file=sys.stderr)
    if written_count == 0:
        # An empty export upstream converted to an empty memory, exit 0: said, for the log a pipeline keeps.
        warn(f"{' and '.join(inputs)}: no unit converted, {output} holds none")
    print(written, file=sys.stderr)
    return EXIT_OK


# -- merge -----------------------------------------------------------------------------------


def cmd_merge(args: argparse.Namespace) -> int:
    from tmkit.formats.conversion import header_and_units
    from tmkit.memory.merge import OpenMemory, merge_streams

    # Two passes over each memory (issue 13: never held whole); what the first pass's readers skipped is reported.
    first_readers: list[TmxReader | SharedMemoryReader] = []
    # One progress bar at a time (big files at a terminal): a memory's bar ends when the next memory is opened.
    bar = [contextlib.ExitStack()]
    passes = {path: 0 for path in args.files}

    def opener(path: str) -> OpenMemory:
        def open_memory() -> tuple[Header, Iterable[TranslationUnit]]:
            bar[0].close()
            bar[0] = contextlib.ExitStack()
            passes[path] += 1
            label = f"{'reading' if passes[path] == 1 else 'writing'} {os.path.basename(path)} ({passes[path]} of 2)"
            reader = make_reader(path, args, bar[0].enter_context(progress_for(path, label)))
            if len(first_readers) < len(args.files):
                first_readers.append(reader)
            return header_and_units(reader)

        return open_memory

    policy = ConflictPolicy(args.policy)
    try:
        summary = merge_streams([opener(path) for path in args.files], args.output, policy=policy)
    finally:
        bar[0].close()
    for reader in first_readers:
        report_reader(reader)
    for path, count in zip(args.files, summary.conflict_units, strict=True):
        if count:
            warn(
                f"{path}: {plural(count, 'unit')} {'is a version' if count == 1 else 'are versions'} of unsettled "
                "merge conflicts (x-tmkit-conflict); "
                "merged as they are, still marked (tmkit validate lists them)"
            )
    if policy is ConflictPolicy.FAIL and summary.conflict_count:
        print_conflicts(summary.conflicts, summary.conflict_count, args.files)
        error(f"{plural(summary.conflict_count, 'conflicting translation')}; nothing written (choose another --policy)")
        return EXIT_CHECK_FAILED
    print(
        f"merged {summary.read:,} units from {len(args.files)} memories into {summary.written:,}: "
        f"{summary.duplicates_dropped:,} duplicates dropped, {summary.conflict_count:,} conflicts ({policy.value})",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_merge_driver(args: argparse.Namespace) -> int:
    from tmkit.formats.conversion import header_and_units
    from tmkit.formats.tmx_reader import TmxReader
    from tmkit.memory.merge import OpenMemory, merge_three_way_streams

    def opener(path: str) -> OpenMemory:
        return lambda: header_and_units(TmxReader(path))

    # Git passes an empty base when both branches added the file (add/add): no common ancestor,
    # so the merge is of two additions rather than an unreadable base (which would leave ours as
    # the result and lose their units on `git add`).
    base = None if os.path.isfile(args.base) and os.path.getsize(args.base) == 0 else opener(args.base)
    # Streamed (issue 13): the three memories are read, never held, and ours is replaced atomically.
    result = merge_three_way_streams(base, opener(args.ours), opener(args.theirs), args.ours)
    for line in result.header_conflicts:
        warn(line)
    if result.conflict_count:
        print_conflicts(result.conflicts, result.conflict_count, ("ours", "theirs"))
    if result.conflict_count or result.header_conflicts:
        parts = []
        if result.conflict_count:
            parts.append(
                f"{plural(result.conflict_count, 'unit')} in conflict; both versions kept, marked x-tmkit-conflict"
            )
        if result.header_conflicts:
            parts.append(f"{len(result.header_conflicts)} header changes conflict; ours kept")
        error("; ".join(parts))
        return EXIT_CHECK_FAILED
    return EXIT_OK
