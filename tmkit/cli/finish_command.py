"""`tmkit finish`: the translated document from its working TMX (or a pseudo-translation to test the round trip)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tmkit.cli.common import EXIT_CHECK_FAILED, EXIT_OK, error, warn
from tmkit.errors import InputError


def register(commands: Any) -> None:
    p = commands.add_parser(
        "finish",
        help="write the translated document (DOCX, HTML, Markdown, PO, XLIFF, text) from its working TMX",
        description="Put the working TMX's translations into DOCUMENT and write it as TARGET, formatting, "
        "links, footnotes and tables in place; an Arabic target is set right to left (DOCX paragraphs, runs and "
        "tables; HTML dir/lang), an English one left to right. Segments without a translation keep their source "
        "text (or fail with --require-all). --pseudo writes a pseudo-translation without a working file, to test "
        "a document's round trip before translation starts.",
    )
    p.add_argument(
        "document",
        help="the source document (.docx, .html, .md, .po, .xlf, .sdlxliff or plain text), or a project folder: all "
        "its targets",
    )
    p.add_argument(
        "--work",
        metavar="WORK.tmx",
        help="the working TMX (default: the one tmkit edit makes beside it, report.docx → report.docx.tmx)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="TARGET",
        help="the translated document to write (default: beside the source, the target language before its suffix: "
        "report.docx -> report.en.docx; not for a project)",
    )
    p.add_argument(
        "--require-all",
        action="store_true",
        help="fail (exit 1, nothing written) unless every segment is translated and confirmed",
    )
    p.add_argument(
        "--confirmed-only",
        action="store_true",
        help="unconfirmed drafts (matches pretranslate put in) keep their source text too",
    )
    p.add_argument("--pseudo", action="store_true", help="write a pseudo-translation (no working TMX needed)")
    p.add_argument("--src", help="with --pseudo: the document's language (default: guessed from its script)")
    p.add_argument("--tgt", help="with --pseudo: the target language (default: en for Arabic, else ar)")
    p.add_argument("--srx", metavar="RULES.srx", help="the SRX rules the working file was segmented with")
    p.add_argument("--srx-only", action="store_true", help="use only the --srx rules")
    p.add_argument(
        "--join-lines",
        action="store_true",
        help="single line breaks were spaces when the working file was made (pretranslate --join-lines)",
    )
    p.set_defaults(handler=run_finish)


def run_finish(args: argparse.Namespace) -> int:
    from tmkit.cli.document_commands import segmentation_from_args
    from tmkit.jobs.finish import (
        UnfinishedError,
        default_output,
        default_work_path,
        finish_document,
        pseudo_document,
        target_language,
    )
    from tmkit.jobs.source_text import Segmentation
    from tmkit.text.scripts import guess_language

    if Path(args.document).is_dir():  # a project: every document's target into its target/ folder
        from tmkit.cli.project_commands import run_project_finish

        return run_project_finish(args)
    given = segmentation_from_args(args)
    asked = given or Segmentation()
    source = asked.read(args.document)
    if args.pseudo:
        if args.work:
            raise InputError("--pseudo needs no working file: leave out --work")
        declared_source, declared_target = source.declared_languages()
        source_lang = args.src or declared_source or guess_language(source.text())
        target_lang = args.tgt or declared_target or ("en" if source_lang.lower().startswith("ar") else "ar")
        output = args.output or default_output(Path(args.document), target_lang)
        count = pseudo_document(
            args.document,
            output,
            source_lang=source_lang,
            target_lang=target_lang,
            rules=asked.rules(),
            source=source,
        )
        print(
            f"wrote {output}: {count} segment(s) pseudo-translated ({source_lang} → {target_lang})",
            file=sys.stderr,
        )
        return EXIT_OK
    from tmkit.formats.tmx_reader import load_tmx

    work_path = Path(args.work) if args.work else default_work_path(args.document)
    if not work_path.is_file():
        raise InputError(
            "no working file: make it with 'tmkit edit' or 'tmkit pretranslate', or name it with --work",
            path=work_path,
        )
    work = load_tmx(work_path)
    output = args.output or default_output(Path(args.document), target_language(work, work.header.srclang))
    # As the working file records the document was cut (the options given, if any, must say the same).
    cutting = Segmentation.for_file(work.header, work_path, given)
    if cutting.join_lines != asked.join_lines:
        source = cutting.read(args.document)
    try:
        report = finish_document(
            args.document,
            work,
            output,
            work_path=work_path,
            rules=cutting.rules(),
            require_all=args.require_all,
            confirmed_only=args.confirmed_only,
            source=source,
        )
    except UnfinishedError as exc:
        error(str(exc))
        return EXIT_CHECK_FAILED
    for notice in report.code_notices():
        warn(notice)
    print(report.describe(output), file=sys.stderr)
    return EXIT_OK
