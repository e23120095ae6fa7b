"""Document commands: `segment` (and the document side of translation work)."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tmkit.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add_reader_options,
    check_match_percent,
    make_reader,
    print_json,
    refuse_overwriting_inputs,
    report_reader,
    warn,
)
from tmkit.defaults import (
    CONFIDENCE_THRESHOLD,
    DEFAULT_DATE_FIELD,
    DEFAULT_LEVEL,
    DEFAULT_XLIFF_VERSION,
    EXPORT_MIN_STATUS,
    PRETRANSLATE_THRESHOLD,
    TMX_LEVELS,
    XLIFF_VERSIONS,
    DateField,
)
from tmkit.errors import InputError
from tmkit.memory.model import Status
from tmkit.wording import plural

if TYPE_CHECKING:
    from tmkit.jobs.pretranslate import SegmentMatch
    from tmkit.jobs.source_text import Segmentation, SourceDocument
    from tmkit.text.segmentation import SrxRules

# Segmentation (regex, lxml for SRX), matching (numpy, rapidfuzz) and the writers are imported by the
# handlers when they run, so that the parser and --help start fast (tests/test_startup.py).


def register(commands: Any) -> None:
    p = commands.add_parser(
        "segment",
        help="split a text document into sentences (Arabic or English, SRX rules)",
        description="Split a UTF-8 text document into sentences: one sentence a line, a blank line "
        "between paragraphs. Paragraphs are separated by blank lines; a line break ends a sentence "
        "(headlines, list items) unless --join-lines.",
    )
    p.add_argument("file", help="the document: UTF-8 text, or .docx, .html, .md, .po, .xlf or .sdlxliff")
    p.add_argument("--lang", help="language of the document (default: guessed from the script)")
    p.add_argument("--srx", metavar="RULES.srx", help="SRX 2.0 rules tried before tmkit's own")
    p.add_argument("--srx-only", action="store_true", help="use only the --srx rules, not tmkit's")
    p.add_argument("--join-lines", action="store_true", help="single line breaks are spaces (hard-wrapped text)")
    p.add_argument("--json", action="store_true", help="paragraphs of sentences as JSON")
    p.add_argument("-o", "--output", help="write here instead of standard output")
    p.set_defaults(handler=cmd_segment)

    p = commands.add_parser(
        "align",
        help="align a document and its translation sentence by sentence into a TMX memory",
        description="Segment both documents and link their sentences (1-1, 1-2, 2-1, 2-2, 1-0, 0-1) by length "
        "(Gale-Church, the ratio fitted to the two documents, the same either way round), anchors (numbers in "
        "either digit system, Latin names and acronyms, quotes, question marks) and, with --tm, a word list "
        "learned from your memory; paragraph by paragraph when both have as many. Links below the confidence "
        "threshold are draft. Documents that do not look like translations of each other are written all "
        "draft, with a warning, and exit 1.",
    )
    p.add_argument("source", help="source document: UTF-8 text, DOCX, HTML, Markdown, PO or XLIFF")
    p.add_argument("target", help="target document (its translation), in any of those formats")
    p.add_argument("-o", "--output", required=True, help="TMX memory to write")
    p.add_argument("--src", help="source language (default: guessed)")
    p.add_argument("--tgt", help="target language (default: guessed)")
    p.add_argument(
        "--threshold",
        type=float,
        default=CONFIDENCE_THRESHOLD,
        help=f"links less sure than this are draft (default {CONFIDENCE_THRESHOLD})",
    )
    p.add_argument("--keep-unpaired", action="store_true", help="also write sentences left without a partner")
    p.add_argument(
        "--segmented",
        action="store_true",
        help="the documents are already segmented: one sentence a line, a blank line between paragraphs",
    )
    p.add_argument("--srx", metavar="RULES.srx", help="SRX 2.0 rules tried before tmkit's own")
    p.add_argument("--srx-only", action="store_true", help="use only the --srx rules, not tmkit's")
    p.add_argument(
        "--tm",
        action="append",
        default=[],
        metavar="MEMORY.tmx",
        help="a memory of the same language pair (repeatable): its length ratio and a word list learned "
        "from it guide the alignment",
    )
    p.set_defaults(handler=cmd_align)

    p = commands.add_parser(
        "export",
        help="write a TMX for CAT tools from memories, filtered by status, dates and language pair",
        description="Join memories into one TMX 1.4 for a CAT tool (OmegaT, Trados, memoQ): units at the "
        "minimum status or beyond (rejected ones never), optionally changed or created within a date "
        "range and reduced to one language pair; level 2 keeps inline codes, level 1 writes plain text. "
        "Exact repeats are written once. A memory holding units left marked x-tmkit-conflict by a merge is "
        "refused unless --skip-conflicts.",
    )
    p.add_argument("memories", nargs="+", metavar="MEMORY", help="TMX memories to export from")
    p.add_argument("-o", "--output", required=True, help="TMX file to write")
    p.add_argument(
        "--min-status",
        choices=[s.value for s in Status],
        default=EXPORT_MIN_STATUS,
        help=f"leave out units less advanced than this (default {EXPORT_MIN_STATUS})",
    )
    p.add_argument("--since", metavar="DATE", help="only units dated on or after DATE (YYYY-MM-DD or TMX date)")
    p.add_argument("--until", metavar="DATE", help="only units dated on or before DATE (a bare day is included)")
    p.add_argument(
        "--date",
        choices=[d.value for d in DateField],
        default=DEFAULT_DATE_FIELD.value,
        help="which date --since/--until test: the last change (else the creation) or the creation "
        f"(default {DEFAULT_DATE_FIELD.value})",
    )
    p.add_argument("--src", help="source language of the pair to keep (regional variants match: ar takes ar-SA)")
    p.add_argument("--tgt", help="target language of the pair to keep")
    p.add_argument(
        "--level",
        type=int,
        choices=TMX_LEVELS,
        default=DEFAULT_LEVEL,
        help=f"TMX level: 1 plain text (codes stripped), 2 inline codes kept (default {DEFAULT_LEVEL})",
    )
    p.add_argument(
        "--skip-conflicts",
        action="store_true",
        help="leave out both versions of each unit still marked x-tmkit-conflict by a merge (without it, "
        "a memory holding such units is refused)",
    )
    add_reader_options(p)
    p.set_defaults(handler=cmd_export)

    for name in ("analyze", "pretranslate"):
        if name == "analyze":
            p = commands.add_parser(
                "analyze",
                help="match analysis of a document against memories (bands, segments, words)",
                description="Segment a document and count segments and words per match band: repetitions, "
                "context 101%, 100%, 95-99%, 85-94%, 75-84%, 50-74%, no match.",
            )
            p.add_argument("--json", action="store_true", help="print the analysis as JSON")
            p.add_argument(
                "--post-edit",
                action="store_true",
                help="analyse a finished job instead (the document's working TMX, or a working TMX): its confirmed "
                "segments per band of how much of their pre-translation the translation kept (no --tm)",
            )
            p.set_defaults(handler=cmd_analyze)
        else:
            p = commands.add_parser(
                "pretranslate",
                help="fill a document's segments with their best memory matches (as draft) into TMX or XLIFF",
                description="Segment a document and fill each segment with its best match at the threshold "
                "or above, as draft, recording the match % and its origin; repetitions take the first "
                "occurrence's translation. The output format follows the name: .tmx, .xlf or .xliff. Given a "
                "project folder, each document not started yet gets its working file in work/, as the editor "
                "would make it (those started are left as they are).",
            )
            p.add_argument(
                "-o",
                "--output",
                help="job file to write: .tmx, .xlf or .xliff (not for a project: each document's goes to work/)",
            )
            p.add_argument(
                "--threshold",
                type=float,
                default=PRETRANSLATE_THRESHOLD,
                help=f"lowest match %% inserted (default {PRETRANSLATE_THRESHOLD:g})",
            )
            p.add_argument("--xliff-version", choices=XLIFF_VERSIONS, default=DEFAULT_XLIFF_VERSION)
            p.add_argument(
                "--update",
                action="store_true",
                help="the document changed since its working TMX (-o, or a project's in work/) was made: keep the "
                "translations of the segments that did not change, pre-translate the others, and keep the previous "
                "file beside it",
            )
            p.add_argument(
                "--resegment",
                action="store_true",
                help="with --update: cut the document by the --srx/--join-lines given now (a project's: its config's), "
                "not as the working file records; translations of segments cut otherwise come back as drafts",
            )
            p.set_defaults(handler=cmd_pretranslate)
        p.add_argument("document", help="the document: UTF-8 text, or .docx, .html, .md, .po, .xlf or .sdlxliff")
        p.add_argument(
            "--tm",
            nargs="+",
            action="extend",  # (`--tm A --tm B` is both: as appended, the last alone was kept)
            # (a project has its memories in tm/)
            metavar="MEMORY",
            help="TMX memories to match against (for a project: besides tm/ and its config's)",
        )
        p.add_argument("--lang", help="document language (default: guessed from the script)")
        p.add_argument("--to", help="target language (default: en for an Arabic document, else ar)")
        p.add_argument("--srx", metavar="RULES.srx", help="SRX 2.0 rules tried before tmkit's own")
        p.add_argument("--srx-only", action="store_true", help="use only the --srx rules")
        p.add_argument("--join-lines", action="store_true", help="single line breaks are spaces")
        p.add_argument("--no-cache", action="store_true", help="do not read or write index caches")


def segmentation_from_args(args: argparse.Namespace) -> Segmentation | None:
    """The segmentation --srx, --srx-only and --join-lines ask for (None: none of them given)."""
    from tmkit.jobs.source_text import Segmentation

    srx, srx_only = getattr(args, "srx", None), getattr(args, "srx_only", False)
    join_lines = getattr(args, "join_lines", False)
    if not (srx or srx_only or join_lines):
        return None
    return Segmentation(Path(srx) if srx else None, srx_only=srx_only, join_lines=join_lines)


def rules_from_args(args: argparse.Namespace) -> SrxRules:
    """tmkit's rules, extended or replaced by the user's --srx file."""
    from tmkit.jobs.source_text import Segmentation

    return (segmentation_from_args(args) or Segmentation()).rules()


def cmd_segment(args: argparse.Namespace) -> int:
    from tmkit.atomic import write_text_atomic
    from tmkit.jobs.source_text import document_paragraphs, is_plain_text, read_source_document, read_text_document
    from tmkit.text.scripts import guess_language
    from tmkit.text.segmentation import split_sentences

    refuse_overwriting_inputs(args.output, [args.file])
    rules = rules_from_args(args)
    if is_plain_text(args.file):
        text = read_text_document(args.file)
        lang = args.lang or guess_language(text)
        paragraphs = split_sentences(text, lang=lang, rules=rules, join_lines=args.join_lines)
    else:  # DOCX, HTML, Markdown, PO, XLIFF: each paragraph's segments, formatting as {1}…{/1} placeholders
        document = read_source_document(args.file)
        lang = args.lang or document.declared_languages()[0] or guess_language(document.text())
        paragraphs = document_paragraphs(document, lang=lang, rules=rules)
    if args.json:
        import json

        out = json.dumps({"lang": lang, "paragraphs": paragraphs}, ensure_ascii=False, indent=2) + "\n"
    else:
        out = "\n\n".join("\n".join(paragraph) for paragraph in paragraphs) + "\n"
    if args.output:
        write_text_atomic(args.output, out)
    elif args.json:
        print_json({"lang": lang, "paragraphs": paragraphs})
    else:
        sys.stdout.write(out)
    return EXIT_OK


def _match_document(
    args: argparse.Namespace,
) -> tuple[list[SegmentMatch], str, str, SourceDocument, SrxRules]:
    from tmkit.jobs.pretranslate import match_segments
    from tmkit.jobs.source_text import read_source_document
    from tmkit.matching.matcher import Matcher
    from tmkit.matching.memory_index import open_memory
    from tmkit.text.scripts import guess_language

    rules = rules_from_args(args)
    document = read_source_document(args.document, join_lines=args.join_lines)
    # An XLIFF names its languages (an SDLXLIFF from English into German): they come before any guess, as for the
    # editor's job and `finish`, which refused a job made into the guessed language.
    declared_source, declared_target = document.declared_languages()
    lang = args.lang or declared_source or guess_language(document.text())
    target = args.to or declared_target or ("en" if lang.lower().startswith("ar") else "ar")
    segments = document.segments(lang=lang, rules=rules)
    memories = [
        open_memory(path, source_lang=lang, target_lang=target, cache=not args.no_cache, on_notice=warn)
        for path in args.tm
    ]
    return match_segments(segments, Matcher(memories)), lang, target, document, rules


def cmd_analyze(args: argparse.Namespace) -> int:
    from tmkit.jobs.pretranslate import analyze
    from tmkit.text.wordcount import count_words

    if args.post_edit:
        return _post_edit_analysis(args)
    if os.path.isdir(args.document):  # a project: each document against the project's memories, and the total
        from tmkit.cli.project_commands import run_project_analyze

        return run_project_analyze(args)
    if not args.tm:
        raise InputError("name the memories to match against: --tm MEMORY")
    results, lang, target, document, _rules = _match_document(args)
    rows = analyze(results)
    # Segments Trados locked are not offered, nor matched: named apart (Trados's analysis has a "Locked" row), so
    # that the total is not taken for the whole file's.
    locked: list[str] = getattr(document.document, "locked_segments", [])
    locked_words = sum(count_words(text) for text in locked)
    if args.json:
        print_json(
            {
                "document": args.document,
                "source_lang": lang,
                "target_lang": target,
                "memories": args.tm,
                "bands": [
                    {
                        "band": r.band,
                        "segments": r.segments,
                        "source_words": r.source_words,
                        "target_words": r.target_words,
                    }
                    for r in rows
                ],
                "total": {
                    "segments": sum(r.segments for r in rows),
                    "source_words": sum(r.source_words for r in rows),
                },
                "locked": {"segments": len(locked), "source_words": locked_words},
            }
        )
        return EXIT_OK
    print(f"{args.document}: {lang} → {target}, against {', '.join(args.tm)}")
    print(f"{'band':<14}{'segments':>10}{'words ' + lang:>12}{'words ' + target:>12}{'% words':>9}")
    total_words = sum(r.source_words for r in rows) or 1
    for r in rows:
        share = 100 * r.source_words / total_words
        print(f"{r.band:<14}{r.segments:>10,}{r.source_words:>12,}{r.target_words:>12,}{share:>8.1f}%")
    print(f"{'total':<14}{sum(r.segments for r in rows):>10,}{sum(r.source_words for r in rows):>12,}")
    if locked:
        print(f"not counted: {len(locked):,} segment(s) locked in Trados ({locked_words:,} words {lang})")
    return EXIT_OK


def _post_edit_analysis(args: argparse.Namespace) -> int:
    """`analyze --post-edit`: a job's confirmed segments by how much of their pre-translation they kept."""
    from tmkit.formats.kinds import FileFormat, format_of
    from tmkit.jobs.project import enclosing_project_file
    from tmkit.jobs.workfile import job_path

    if args.tm:
        raise InputError("--post-edit reads what the job was pre-translated with from the job: no --tm")
    given = args.document
    if os.path.isdir(given):  # a project: each document's job in work/, and the project's total
        return _project_post_edit_analysis(args)
    work = Path(given) if format_of(given) is FileFormat.TMX else job_path(given)
    in_project = enclosing_project_file(given) if not work.is_file() else None
    if in_project is not None:  # (a project's document: its job is in the project's work/, not beside it)
        work = in_project.work
    if not work.is_file():
        raise InputError(f"no working file {work} (tmkit edit or pretranslate makes it)", path=given)
    source_lang, target_lang, bands, unconfirmed = _kept_in(work)
    if args.json:
        print_json(
            {"job": os.fspath(work), "source_lang": source_lang, "target_lang": target_lang}
            | _kept_json(bands, unconfirmed)
        )
        return EXIT_OK
    print(f"{work}: {source_lang} → {target_lang}, confirmed segments by the share of their pre-translation kept")
    _print_kept(bands, unconfirmed, source_lang)
    return EXIT_OK


def _kept_in(work: Path) -> tuple[str, str, list[Any], int]:
    """A job's languages, its post-edit bands and how many of its segments are not confirmed."""
    from tmkit.formats.tmx_reader import load_tmx
    from tmkit.jobs.finish import target_language
    from tmkit.jobs.post_edit import post_edit_analysis

    job = load_tmx(work)
    source_lang = job.header.srclang
    target_lang = target_language(job, source_lang)
    bands, unconfirmed = post_edit_analysis(job.units, source_lang=source_lang, target_lang=target_lang)
    return source_lang, target_lang, bands, unconfirmed


def _kept_json(bands: list[Any], unconfirmed: int) -> dict[str, Any]:
    return {
        "bands": [
            {"band": b.band, "segments": b.segments, "source_words": b.source_words, "mean_kept": b.kept} for b in bands
        ],
        "total": {"segments": sum(b.segments for b in bands), "source_words": sum(b.source_words for b in bands)},
        "not_confirmed": unconfirmed,
    }


def _print_kept(bands: list[Any], unconfirmed: int, source_lang: str) -> None:
    print(f"{'kept':<20}{'segments':>10}{'words ' + source_lang:>12}{'% words':>9}{'mean kept':>11}")
    total_words = sum(b.source_words for b in bands) or 1
    for b in bands:
        mean = f"{b.kept:.1f}%" if b.kept is not None else ""
        share = 100 * b.source_words / total_words
        print(f"{b.band:<20}{b.segments:>10,}{b.source_words:>12,}{share:>8.1f}%{mean:>11}")
    print(f"{'total':<20}{sum(b.segments for b in bands):>10,}{sum(b.source_words for b in bands):>12,}")
    if unconfirmed:
        print(f"not counted: {unconfirmed:,} segment(s) not confirmed yet (new, draft or rejected)")


def _project_post_edit_analysis(args: argparse.Namespace) -> int:
    """`analyze PROJECT --post-edit`: each started document's post-edit bands, and the project's (as a project's match
    analysis has them). It said "no working file PROJECT.tmx": the jobs are in work/."""
    from tmkit.formats.tmx_reader import load_tmx
    from tmkit.jobs.post_edit import post_edit_analysis
    from tmkit.jobs.project import open_project

    project = open_project(args.document)
    files = project.files()
    if not files:
        raise InputError("no documents to translate in source/: copy them there first", path=project.root)
    source_lang, target_lang = project.source_lang, project.target_lang
    jobs = [(file, load_tmx(file.work).units) for file in files if file.work.is_file()]
    not_started = [file.name for file in files if not file.work.is_file()]
    per_file = [
        (file, post_edit_analysis(units, source_lang=source_lang, target_lang=target_lang)) for file, units in jobs
    ]
    # The project's bands are those of all its segments at once (the mean kept is a segment's, not a document's).
    total, unconfirmed = post_edit_analysis(
        (unit for _file, units in jobs for unit in units), source_lang=source_lang, target_lang=target_lang
    )
    if args.json:
        print_json(
            {
                "project": os.fspath(project.root),
                "source_lang": source_lang,
                "target_lang": target_lang,
                "files": [
                    {"document": file.name, "job": os.fspath(file.work)} | _kept_json(bands, u)
                    for file, (bands, u) in per_file
                ],
                "total": _kept_json(total, unconfirmed),
                "not_started": not_started,
            }
        )
        return EXIT_OK
    print(
        f"{project.root}: {source_lang} → {target_lang}, confirmed segments by the share of their pre-translation kept"
    )
    for file, (bands, u) in per_file:
        print()
        print(file.name)
        _print_kept(bands, u, source_lang)
    print()
    print("project total")
    _print_kept(total, unconfirmed, source_lang)
    if not_started:
        print(f"not started (no working file in work/): {', '.join(not_started)}")
    return EXIT_OK


def cmd_pretranslate(args: argparse.Namespace) -> int:
    from tmkit.formats.kinds import FileFormat, format_of
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.formats.xliff import write_xliff
    from tmkit.jobs.pretranslate import pretranslate
    from tmkit.jobs.source_text import Segmentation, record_document, with_document_sources

    check_match_percent("--threshold", args.threshold)
    if args.resegment and not args.update:
        raise InputError("--resegment is for --update: it cuts a working file's document anew")
    if os.path.isdir(args.document):  # a project: each document's working file, as the editor makes it
        from tmkit.cli.project_commands import run_project_pretranslate

        return run_project_pretranslate(args)
    if not args.output:
        raise InputError("name the job file to write with -o (.tmx, .xlf or .xliff)")
    if args.update:
        return _update_job(args)
    if not args.tm:
        raise InputError("name the memories to match against with --tm")
    out_format = format_of(args.output)
    if out_format not in (FileFormat.TMX, FileFormat.XLIFF):
        raise InputError(f"{args.output}: name the job file .tmx, .xlf or .xliff")
    refuse_overwriting_inputs(args.output, [args.document, *args.tm])
    results, lang, target, document, rules = _match_document(args)
    memory = pretranslate(results, source_lang=lang, target_lang=target, threshold=args.threshold)
    # The document's formatting as inline codes, and what it already holds (a PO msgstr) as targets.
    memory = with_document_sources(memory, document, lang=lang, target_lang=target, rules=rules)
    if out_format is FileFormat.TMX:
        # (`finish` and `--update` then cut the document as it was cut here, without being told.)
        (segmentation_from_args(args) or Segmentation()).record_in(memory, args.output)
        record_document(memory, args.document)
        write_tmx(args.output, memory)
    else:
        write_xliff(
            args.output,
            memory,
            source_lang=lang,
            target_lang=target,
            version=args.xliff_version,
            original=os.path.basename(args.document),  # (it said "tmkit": a returned file could not be tied to it)
        )
    filled = sum(1 for u in memory.units if u.status is Status.DRAFT)
    print(
        f"wrote {len(memory.units):,} segments ({filled:,} pre-translated as draft) to {args.output}", file=sys.stderr
    )
    return EXIT_OK


def _update_job(args: argparse.Namespace) -> int:
    """`tmkit pretranslate DOCUMENT -o WORK.tmx --update`: the working TMX carried over to the document as it is now
    (`update_job`), in the languages it holds unless --lang and --to say otherwise."""
    from tmkit.formats.kinds import FileFormat, format_of
    from tmkit.formats.tmx_reader import load_tmx
    from tmkit.jobs.finish import target_language
    from tmkit.jobs.update import update_job
    from tmkit.memory.langtags import ALL_LANGUAGES

    if format_of(args.output) is not FileFormat.TMX or not os.path.isfile(args.output):
        raise InputError("--update carries a working TMX over: name an existing .tmx with -o", path=args.output)
    refuse_overwriting_inputs(args.output, [args.document, *(args.tm or ())])
    work = load_tmx(args.output)
    lang = args.lang or (work.header.srclang if work.header.srclang not in ("", ALL_LANGUAGES) else None)
    if lang is None:
        raise InputError("its header names no source language: give --lang", path=args.output)
    target = args.to or target_language(work, lang)
    done = update_job(
        args.document,
        args.output,
        args.tm or [],
        source_lang=lang,
        target_lang=target,
        threshold=args.threshold,
        segmentation=segmentation_from_args(args),
        on_notice=warn,
        cache=not args.no_cache,
        resegment=args.resegment,
    )
    print(done.describe(), file=sys.stderr)
    return EXIT_OK


def _segmented_paragraphs(text: str) -> list[list[str]]:
    """One sentence a line, paragraphs between blank lines (`--segmented`)."""
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def cmd_align(args: argparse.Namespace) -> int:
    from tmkit.formats.tmx_reader import load_tmx
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.text.alignment import align_paragraphs, estimate_model, looks_unrelated, pairs_to_memory
    from tmkit.text.scripts import guess_language
    from tmkit.text.segmentation import split_sentences

    if args.segmented and (args.srx or args.srx_only):
        raise InputError("--segmented input is not segmented again; leave out --srx")
    if not 0 <= args.threshold <= 1:
        # A link's confidence runs from 0 to 1: past either end (or nan) every link, or none, was draft, unsaid.
        raise InputError(f"--threshold is a confidence, from 0 to 1, not {args.threshold:g}")
    refuse_overwriting_inputs(args.output, [args.source, args.target, *args.tm])
    rules = None if args.segmented else rules_from_args(args)
    source_text = _aligned_text(args.source)
    target_text = _aligned_text(args.target)
    source_lang = args.src or guess_language(source_text)
    target_lang = args.tgt or guess_language(target_text)
    if source_lang == target_lang:
        raise InputError(f"{args.target}: both documents look {source_lang}; give --src and --tgt if that is right")
    if args.segmented:
        source_paragraphs = _segmented_paragraphs(source_text)
        target_paragraphs = _segmented_paragraphs(target_text)
    else:
        source_paragraphs = split_sentences(source_text, lang=source_lang, rules=rules)
        target_paragraphs = split_sentences(target_text, lang=target_lang, rules=rules)
    memory_pairs: list[tuple[str, str]] = []
    for path in args.tm:
        memory_pairs += [
            (s.text, t.text) for _, s, t in load_tmx(path).pairs(source_lang, target_lang) if s.text and t.text
        ]
    if args.tm and not memory_pairs:
        warn(f"{', '.join(args.tm)}: no {source_lang}-{target_lang} pairs to learn from; aligning without them")
    source_sentences = [s for p in source_paragraphs for s in p]
    target_sentences = [t for p in target_paragraphs for t in p]
    model = estimate_model(
        source_sentences, target_sentences, source_lang=source_lang, target_lang=target_lang, memory_pairs=memory_pairs
    )
    pairs = align_paragraphs(source_paragraphs, target_paragraphs, model=model)
    unrelated = looks_unrelated(source_sentences, target_sentences, model=model)
    memory = pairs_to_memory(
        pairs,
        source_lang=source_lang,
        target_lang=target_lang,
        # Nothing is confirmed when the documents do not look like translations of each other.
        threshold=math.inf if unrelated else args.threshold,
        keep_unpaired=args.keep_unpaired,
    )
    write_tmx(args.output, memory)
    drafts = sum(1 for u in memory.units if u.status is Status.DRAFT)
    unpaired = sum(1 for p in pairs if not (p.source and p.target))
    print(
        f"wrote {len(memory.units):,} units to {args.output} ({drafts:,} draft for review, "
        f"{unpaired:,} sentences without a partner)",
        file=sys.stderr,
    )
    if unrelated:
        warn(
            f"{args.target}: does not look like a translation of {args.source} (its sentences fit no better "
            "in their order than shuffled); every unit is draft"
        )
        return EXIT_CHECK_FAILED
    return EXIT_OK


def _aligned_text(path: str) -> str:
    """The text `align` segments: a plain-text file as it is; a DOCX, HTML, Markdown, PO or XLIFF document's
    paragraphs (its text, not its markup), a blank line between them."""
    from tmkit.formats.documents import DocumentFormat, document_format, open_document
    from tmkit.formats.documents.core import plain_text
    from tmkit.jobs.source_text import read_text_document

    if document_format(path) is DocumentFormat.TEXT:
        return read_text_document(path)
    paragraphs = (plain_text(p.pieces).strip() for p in open_document(path).paragraphs)
    return "\n\n".join(p for p in paragraphs if p)


def cmd_export(args: argparse.Namespace) -> int:
    from collections.abc import Iterator

    from tmkit.formats.conversion import header_and_units
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.memory.export import MemoryExport, parse_date_bound
    from tmkit.memory.merge import conflict_side
    from tmkit.memory.model import TranslationUnit

    refuse_overwriting_inputs(args.output, args.memories)
    since = parse_date_bound(args.since, parameter="since") if args.since else None
    until = parse_date_bound(args.until, end=True, parameter="until") if args.until else None
    export = MemoryExport(
        min_status=Status(args.min_status),
        since=since,
        until=until,
        date_field=DateField(args.date),
        source_lang=args.src,
        target_lang=args.tgt,
        level=args.level,
        skip_conflicts=args.skip_conflicts,
        # The survey's sort spills beside the output (issue 13), as a merge's does: /tmp may be memory.
        folder=os.path.dirname(os.path.realpath(args.output)) or ".",
    )

    def refused(path: str, unit: TranslationUnit, units: Iterator[TranslationUnit]) -> None:
        if not args.skip_conflicts and conflict_side(unit) is not None:
            # Refused whole: the rest is counted for the message, and nothing is written.
            count = 1 + sum(conflict_side(rest) is not None for rest in units)
            raise InputError(
                f"{plural(count, 'unit')} {'is a version' if count == 1 else 'are versions'} of unsettled merge "
                "conflicts (x-tmkit-conflict); "
                "settle them (tmkit validate lists them) or pass --skip-conflicts to leave them out",
                path=path,
            )

    # Two passes over the memories (issue 13: bounded at any size): the first finds the repeats, the
    # second streams the units through the filter into the writer; each header is read first.
    try:
        for path in args.memories:
            _, units = header_and_units(make_reader(path, args))
            for unit in units:
                refused(path, unit, units)
                export.survey(unit)
        export.settle()
        export.check_pair_held()  # before anything is written
        readers = [make_reader(path, args) for path in args.memories]
        opened = [header_and_units(reader) for reader in readers]

        def exported() -> Iterator[TranslationUnit]:
            for path, (_, units) in zip(args.memories, opened, strict=True):
                for unit in units:
                    refused(path, unit, units)
                    kept = export.take(unit)
                    if kept is not None:
                        yield kept
            export.check_second_pass()  # in the atomic write: a memory that changed leaves nothing

        write_tmx(args.output, header=export.header([header for header, _ in opened]), units=exported())
    finally:
        export.close()
    for reader in readers:
        report_reader(reader)
    result = export.result
    left_out = [
        (result.below_status, f"below {args.min_status}"),
        (result.rejected, "rejected"),
        (result.outside_dates, "outside the dates"),
        (result.missing_language, "without both languages"),
        (result.duplicates, "repeats"),
        (result.conflicts, "in unsettled merge conflicts"),
    ]
    why = ", ".join(f"{count:,} {reason}" for count, reason in left_out if count)
    stripped = f"; inline codes stripped from {result.codes_stripped:,} segments" if result.codes_stripped else ""
    print(
        f"exported {export.exported:,} of {result.read:,} units to {args.output} (TMX level {args.level})"
        + (f"; left out: {why}" if why else "")
        + stripped,
        file=sys.stderr,
    )
    return EXIT_OK
