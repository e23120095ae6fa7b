"""`tmkit edit`: open the translator's editor (the Textual UI is imported only when this command runs)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tmkit.cli.common import EXIT_OK, EXIT_USAGE, error, warn
from tmkit.errors import InputError
from tmkit.memory.langtags import DEFAULT_SOURCE_LANG, DEFAULT_TARGET_LANG

if TYPE_CHECKING:
    from tmkit.tui.options import EditorOptions

BIDI_MODES = ("auto", "app", "terminal", "off")


def register(commands: Any) -> None:
    p = commands.add_parser(
        "edit",
        help="translate a TMX file in the terminal: matches, concordance, scores",
        description="Open FILE.tmx in the translator's editor: confirm, approve and reject segments, insert "
        "matches from the memories, look words up, score against a reference. A document (DOCX, HTML, Markdown, PO, "
        "XLIFF or plain text) is first segmented into a working TMX beside it (report.docx → report.docx.tmx, "
        "article.txt → article.tmx, or --output), pre-filled with the memories' matches as draft; if that file "
        "exists it is opened instead. Alt+D writes the translated document. Press F1 in the editor for the keys.",
    )
    p.add_argument(
        "file",
        help="the TMX file to translate (its targets are edited), or a document: .docx, .html, .md, .po, .xlf, "
        ".sdlxliff or text; or a project folder (tmkit init)",
    )
    p.add_argument(
        "project_file",
        nargs="?",
        metavar="DOCUMENT",
        help="in a project: the document to open (its path under source/ or its number); without it, a list to pick",
    )
    p.add_argument(
        "--tm", action="append", default=[], metavar="MEMORY.tmx", help="a memory to take matches from (repeatable)"
    )
    p.add_argument("--ref", metavar="REFERENCE.tmx", help="reference translations: score the targets against them")
    p.add_argument(
        "--src", help=f"source language (default: {DEFAULT_SOURCE_LANG}; a text document's is guessed from its script)"
    )
    p.add_argument(
        "--tgt", help=f"target language (default: {DEFAULT_TARGET_LANG}, or ar for an English text document)"
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="WORK.tmx",
        help="for a document: the working TMX to write and edit (default: beside it, report.docx.tmx)",
    )
    p.add_argument("--srx", metavar="RULES.srx", help="for a document: SRX 2.0 rules tried before tmkit's own")
    p.add_argument("--srx-only", action="store_true", help="for a document: use only the --srx rules")
    p.add_argument(
        "--join-lines", action="store_true", help="for a document: single line breaks are spaces (hard-wrapped text)"
    )
    p.add_argument(
        "--bidi",
        choices=BIDI_MODES,
        default="auto",
        help="how Arabic is shown: app = tmkit reorders and shapes, terminal = the terminal does, off = logical "
        "order; auto picks from the terminal (default)",
    )
    p.add_argument(
        "--save-to", metavar="MEMORY.tmx", help="on save, also add confirmed and approved pairs to this memory"
    )
    p.add_argument(
        "--user",
        metavar="ID",
        help="the translator's id, written as changeid/creationid with UTC dates on every edited unit (default: "
        "`user` in $XDG_CONFIG_HOME/tmkit/config.toml, else git's user.name, else the login name)",
    )
    p.add_argument(
        "--terms",
        action="append",
        default=[],
        metavar="TERMBASE",
        help="a termbase (TBX, CSV/TSV, OmegaT glossary; repeatable): terms shown and inserted by number, checked "
        "on confirm, never flagged by spelling; terms added in the editor go into the first",
    )
    p.add_argument(
        "--no-spelling",
        action="store_true",
        help="do not mark misspelled words in the target (spelling is off anyway without a Hunspell dictionary)",
    )
    p.add_argument(
        "--keymap",
        choices=("default", "omegat", "memoq"),
        help="keys close to OmegaT's or memoQ/Trados's (default: `preset` in $XDG_CONFIG_HOME/tmkit/keys.toml, "
        "else tmkit's own); keys.toml's [keys] change single commands",
    )
    p.set_defaults(handler=run_edit)


def run_edit(args: argparse.Namespace) -> int:
    if Path(args.file).is_dir():  # a project: its documents listed, one opened with the project's memories
        from tmkit.cli.project_commands import run_project_edit

        return run_project_edit(args)
    if args.project_file is not None:
        raise InputError("a second file is for a project folder: tmkit edit PROJECT DOCUMENT", path=args.project_file)
    from tmkit.tui.app import EditorApp

    app = EditorApp(options_from_args(args))
    app.run()
    if app.load_error is not None:
        error(app.load_error)
        return EXIT_USAGE
    return app.return_code or EXIT_OK


def options_from_args(args: argparse.Namespace) -> EditorOptions:
    """The editor's options; a text document is segmented and pre-translated into its working TMX first."""
    from tmkit.cli.document_commands import segmentation_from_args
    from tmkit.jobs.config import load_config, resolve_user
    from tmkit.jobs.workfile import prepare_job
    from tmkit.tui.display import BidiMode
    from tmkit.tui.options import EditorOptions

    path = Path(args.file)
    if not path.is_file():
        raise InputError("no such file" if not path.exists() else "not a file", path=path)
    from tmkit.shared.urls import is_database_url

    for memory in [*args.tm, *([args.ref] if args.ref else []), *args.terms]:
        shared = memory in args.tm and is_database_url(memory)  # a postgresql:// memory is checked on opening
        if not shared and not Path(memory).is_file():
            raise InputError("no such file", path=memory)
    source_lang = args.src or DEFAULT_SOURCE_LANG
    target_lang = args.tgt or DEFAULT_TARGET_LANG
    # A config file that cannot be used stops here with one line naming file and line.
    from tmkit.jobs.team_sync import sync_interval_from_config

    config = load_config(env=dict(os.environ))
    user = resolve_user(args.user, config)
    greeting = None
    changed = False  # (a job made from another version of its document: the greeting warns)
    document = None
    if path.suffix.lower() != ".tmx":
        document = path
        if args.output is not None and Path(args.output).suffix.lower() != ".tmx":
            raise InputError("name the working file .tmx", path=args.output)
        job = prepare_job(
            path,
            args.tm,
            source_lang=args.src,
            target_lang=args.tgt,
            output=args.output,
            user=user,
            on_notice=warn,
            segmentation=segmentation_from_args(args),
        )
        # (The command it names takes the memories this one was given: new segments get their matches.)
        memories = "".join(f" --tm {shlex.quote(m)}" for m in args.tm)
        greeting = job.describe(
            path,
            update=f"tmkit pretranslate {shlex.quote(str(path))} -o {shlex.quote(str(job.path))} --update{memories}",
        )
        print(greeting, file=sys.stderr)
        path, source_lang, target_lang = job.path, job.source_lang, job.target_lang
        changed = job.changed_from is not None
    elif args.output is not None:
        raise InputError("--output is for documents: a TMX file is edited in place", path=args.output)
    elif segmentation_from_args(args) is not None:
        raise InputError("--srx, --srx-only and --join-lines are for documents: a TMX file is cut already", path=path)
    return EditorOptions(
        path=path,
        memories=[m if is_database_url(m) else Path(m) for m in args.tm],
        reference=Path(args.ref) if args.ref else None,
        source_lang=source_lang,
        target_lang=target_lang,
        bidi=BidiMode(args.bidi),
        save_to=(args.save_to if is_database_url(args.save_to) else Path(args.save_to)) if args.save_to else None,
        env=dict(os.environ),
        greeting=greeting,
        greeting_warns=changed,
        user=user,
        qa_on_confirm=config.qa_on_confirm,
        keymap=args.keymap,
        terms=[Path(t) for t in args.terms],
        spelling=not args.no_spelling,
        team_sync_interval=sync_interval_from_config(env=dict(os.environ)),
        document=document,
    )
