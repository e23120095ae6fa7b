"""`tmkit index`: the cached indexes of memory files (fold a memory's delta into its index)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tmkit.cli.common import EXIT_OK, progress_for, warn
from tmkit.errors import InputError


def register(commands: Any) -> None:
    index = commands.add_parser(
        "index",
        help="the cached indexes of memories: compact",
        description="A memory file's index is cached beside it (.NAME.SRC-TGT.tmkit-index). When the memory "
        "changes, the index is updated by a delta beside it (…tmkit-index-delta) rather than rebuilt, and folded "
        "in by a build once the delta grows.",
    )
    sub = index.add_subparsers(dest="index_command", metavar="ACTION", parser_class=type(index))
    p = sub.add_parser(
        "compact",
        help="build a memory's index anew, folding its delta in",
        description="Build the cached index of each MEMORY anew (every language direction it has an index for, "
        "or the one --src/--tgt name), which folds in the delta its changes left.",
    )
    p.add_argument("memories", nargs="+", metavar="MEMORY", help="TMX memory files")
    p.add_argument("--src", metavar="LANG", help="the source language of the index (with --tgt)")
    p.add_argument("--tgt", metavar="LANG", help="the target language of the index (with --src)")
    p.set_defaults(handler=cmd_index_compact)
    index.set_defaults(handler=_needs_action(index))


def _needs_action(parser: argparse.ArgumentParser) -> Any:
    def handler(args: argparse.Namespace) -> int:
        parser.error("give an index action: compact")
        return 2  # parser.error exits

    return handler


def cmd_index_compact(args: argparse.Namespace) -> int:
    from tmkit.matching.memory_index import cached_directions, open_memory

    if (args.src is None) != (args.tgt is None):
        raise InputError("give both --src and --tgt, or neither")
    for name in args.memories:
        path = Path(name)
        if not path.is_file():
            raise InputError("no such file" if not path.exists() else "not a file", path=path)
        directions = [(args.src, args.tgt)] if args.src is not None else cached_directions(path)
        if not directions:
            print(f"{path}: no cached index to compact")
            continue
        for source_lang, target_lang in directions:
            with progress_for(name, f"indexing {source_lang}-{target_lang}") as on_progress:
                index = open_memory(
                    path,
                    source_lang=source_lang,
                    target_lang=target_lang,
                    rebuild=True,
                    on_progress=on_progress,
                    on_notice=warn,
                )
            print(f"{path} {source_lang}-{target_lang}: {len(index):,} entries, index built anew")
    return EXIT_OK
