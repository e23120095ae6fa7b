"""`tmkit edit`: open the translator's editor (the Textual UI is imported only when this command runs)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from tmkit.cli.common import EXIT_OK
from tmkit.errors import InputError
from tmkit.langtags import DEFAULT_SOURCE_LANG, DEFAULT_TARGET_LANG

BIDI_MODES = ("auto", "app", "terminal", "off")


def register(commands: Any) -> None:
    p = commands.add_parser(
        "edit",
        help="translate a TMX file in the terminal: matches, concordance, scores",
        description="Open FILE.tmx in the translator's editor: confirm, approve and reject segments, insert "
        "matches from the memories, look words up, score against a reference. Press F1 in the editor for the keys.",
    )
    p.add_argument("file", help="the TMX file to translate (its targets are edited)")
    p.add_argument(
        "--tm", action="append", default=[], metavar="MEMORY.tmx", help="a memory to take matches from (repeatable)"
    )
    p.add_argument("--ref", metavar="REFERENCE.tmx", help="reference translations: score the targets against them")
    p.add_argument("--src", default=DEFAULT_SOURCE_LANG, help="source language (default: %(default)s)")
    p.add_argument("--tgt", default=DEFAULT_TARGET_LANG, help="target language (default: %(default)s)")
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
    p.set_defaults(handler=run_edit)


def run_edit(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise InputError("no such file" if not path.exists() else "not a file", path=path)
    if path.suffix.lower() != ".tmx":
        raise InputError("tmkit edit opens TMX files (plain-text documents are not supported yet)", path=path)
    for memory in [*args.tm, *([args.ref] if args.ref else [])]:
        if not Path(memory).is_file():
            raise InputError("no such file", path=memory)
    from tmkit.tui.app import EditorApp, EditorOptions
    from tmkit.tui.display import BidiMode

    options = EditorOptions(
        path=path,
        memories=[Path(m) for m in args.tm],
        reference=Path(args.ref) if args.ref else None,
        source_lang=args.src,
        target_lang=args.tgt,
        bidi=BidiMode(args.bidi),
        save_to=Path(args.save_to) if args.save_to else None,
        env=dict(os.environ),
    )
    EditorApp(options).run()
    return EXIT_OK
