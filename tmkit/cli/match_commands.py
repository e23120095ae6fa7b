"""Lookup commands: `match` (fuzzy matches with %, breakdown and diff) and `concord` (phrase search)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tmkit import __version__
from tmkit.cli.common import EXIT_OK, EXIT_USAGE, check_match_percent, error, print_json, warn
from tmkit.defaults import CONCORDANCE_LIMIT, MATCH_LIMIT, MATCH_THRESHOLD, Side
from tmkit.errors import InputError
from tmkit.formats.kinds import FileFormat, format_of
from tmkit.formats.text_files import read_lines
from tmkit.memory.langtags import DEFAULT_SOURCE_LANG, DEFAULT_TARGET_LANG

if TYPE_CHECKING:
    from tmkit.matching.memory_index import MemoryIndex

# The matcher (numpy, rapidfuzz) and the terminal output (rich) are imported by the handlers when they
# run, so that the parser and --help start fast (tests/test_startup.py).


def register(commands: Any) -> None:
    p = commands.add_parser(
        "match",
        help="fuzzy matches for a segment from translation memories",
        description="Look a new segment up in TMX memories and show the best prior translations with "
        "their match %, why they score what they do, and how their source differs from yours. "
        "The last argument is the segment, unless --file gives segments one per line. "
        "Indexes are cached beside each memory (hidden .tmkit-index folders) and rebuilt when it changes.",
    )
    p.add_argument("args", nargs="+", metavar="MEMORY.tmx… [SEGMENT]", help="memories, then the segment")
    p.add_argument(
        "--file", metavar="FILE", help="look up every line of this text file (UTF-8, or UTF-16 with a BOM) instead"
    )
    p.add_argument(
        "--min",
        type=float,
        default=MATCH_THRESHOLD,
        help=f"lowest match %% shown (default {MATCH_THRESHOLD:g})",
    )
    p.add_argument("--limit", type=int, default=MATCH_LIMIT, help=f"matches per segment (default {MATCH_LIMIT})")
    add_direction_options(p, guess_from_query=True)
    p.add_argument(
        "--penalty",
        action="append",
        default=[],
        metavar="MEMORY=POINTS",
        help="take POINTS off every match from that memory (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print the matches as JSON")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour the differences")
    p.add_argument("--no-cache", action="store_true", help="do not read or write index caches")
    p.set_defaults(handler=cmd_match)

    p = commands.add_parser(
        "concord",
        help="find a word or phrase in translation memories",
        description="Concordance search: stored pairs whose source or target holds a word or phrase, "
        "as whole words (punctuation is never part of a word) in that order. "
        "Arabic is matched without regard to diacritics, hamza/alef forms, tatweel, digit systems, "
        "ة/ه and ى/ي, and a word is found with or without its proclitics (و ف ب ك ل) and article: "
        "فندق, الفندق and بالفندق find one another.",
    )
    p.add_argument("args", nargs="+", metavar="MEMORY.tmx… PHRASE", help="memories, then the phrase")
    p.add_argument(
        "--side",
        choices=[s.value for s in Side],
        default=Side.AUTO.value,
        help="where to look (default: the side written in the phrase's script)",
    )
    p.add_argument(
        "--limit", type=int, default=CONCORDANCE_LIMIT, help=f"most hits shown (default {CONCORDANCE_LIMIT})"
    )
    p.add_argument(
        "--prefix", action="store_true", help="match the beginnings of words too (room finds rooms; غرف finds غرفة)"
    )
    add_direction_options(p)
    p.add_argument("--json", action="store_true", help="print the hits as JSON")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="highlight the hits")
    p.add_argument("--no-cache", action="store_true", help="do not read or write index caches")
    p.set_defaults(handler=cmd_concord)


def add_direction_options(parser: argparse.ArgumentParser, *, guess_from_query: bool = False) -> None:
    """`--src`/`--tgt`; with ``guess_from_query`` both default to None, settled by `resolve_direction`."""
    parser.add_argument(
        "--src",
        default=None if guess_from_query else DEFAULT_SOURCE_LANG,
        metavar="LANG",
        help="language of the segment (default: guessed from its script, ar for Arabic letters, else en)"
        if guess_from_query
        else f"language of the segment (default {DEFAULT_SOURCE_LANG})",
    )
    parser.add_argument(
        "--tgt",
        default=None if guess_from_query else DEFAULT_TARGET_LANG,
        metavar="LANG",
        help="language of the suggestions (default: en for an Arabic source, else ar)"
        if guess_from_query
        else f"language of the suggestions (default {DEFAULT_TARGET_LANG})",
    )


def resolve_direction(args: argparse.Namespace, queries: list[str]) -> bool:
    """Fill in `args.src`/`args.tgt` left unset: the source from the queries' script, the target the other language.

    An English segment looked up with the Arabic default found nothing and said only "no match";
    guessing from the script looks it up in the direction it is written in. Returns whether the
    source language was guessed (so a "no match" can say so).
    """
    from tmkit.memory.langtags import is_arabic_language, same_language
    from tmkit.text.scripts import guess_language

    guessed = args.src is None
    if guessed:
        args.src = guess_language(queries, default=DEFAULT_SOURCE_LANG)
    if args.tgt is None:
        args.tgt = DEFAULT_TARGET_LANG if is_arabic_language(args.src) else DEFAULT_SOURCE_LANG
    if same_language(args.src, args.tgt):
        raise InputError(f"--src {args.src} and --tgt {args.tgt} are the same language: give the other one")
    return guessed


def _script_mismatch(queries: list[str], source_lang: str) -> str | None:
    """Why a lookup may have found nothing: the segments are written in the other script than ``source_lang``."""
    from tmkit.memory.langtags import is_arabic_language
    from tmkit.text.scripts import SCRIPT_NAMES, guess_language

    written = guess_language(queries, default="")
    if written and is_arabic_language(written) != is_arabic_language(source_lang):
        return f"the segment is written in {SCRIPT_NAMES[written]} script but --src is {source_lang}"
    return None


def _split_memories(args: list[str], *, has_query: bool, what: str) -> tuple[list[str], str | None]:
    if not has_query:
        return args, None
    if len(args) < 2:
        raise InputError(f"give one or more memories, then the {what}")
    *memories, query = args
    if format_of(query) is FileFormat.TMX and Path(query).is_file():
        raise InputError(f"the last argument {query} is a memory: give the {what} after the memories")
    return memories, query


def _penalties(specs: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for spec in specs:
        name, _, points = spec.rpartition("=")
        try:
            out[os.path.abspath(name)] = float(points)
        except ValueError:
            raise InputError(f"--penalty {spec!r}: expected MEMORY=POINTS") from None
    return out


def _open(paths: list[str], args: argparse.Namespace, penalties: dict[str, float] | None = None) -> list[MemoryIndex]:
    from tmkit.matching.memory_index import open_memory

    penalties = penalties or {}
    unknown = set(penalties) - {os.path.abspath(p) for p in paths}
    if unknown:
        raise InputError(f"--penalty names a memory not given: {sorted(unknown)[0]}")
    indexes = [
        open_memory(
            path,
            source_lang=args.src,
            target_lang=args.tgt,
            penalty=penalties.get(os.path.abspath(path), 0.0),
            cache=not args.no_cache,
            on_notice=warn,
        )
        for path in paths
    ]
    if indexes and all(index.pair_missing for index in indexes):
        # (each memory named by its notice): nothing to look up in, which "no match" would hide
        raise InputError(f"no unit of the memories holds both {args.src} and {args.tgt}")
    return indexes


def cmd_match(args: argparse.Namespace) -> int:
    from tmkit.matching.matcher import Matcher, SegmentTooLongError

    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    check_match_percent("--min", args.min)
    memories, query = _split_memories(args.args, has_query=args.file is None, what="segment")
    if args.file is not None:
        queries = read_lines(args.file)
    else:
        assert query is not None
        if not query.strip():
            raise InputError("the segment to look up is empty")
        queries = [query]
    guessed = resolve_direction(args, queries)
    matcher = Matcher(_open(memories, args, _penalties(args.penalty)))
    results = []
    for line, q in enumerate(queries, start=1):
        try:
            results.append((q, matcher.match(q, score_cutoff=args.min, limit=args.limit) if q.strip() else []))
        except SegmentTooLongError as exc:
            if args.file is None:
                raise
            raise InputError(exc.message, path=args.file, line=line) from None
    if args.json:
        print_json(
            {
                "tmkit": __version__,
                "normalization": matcher.normalizer.signature,
                "source_lang": args.src,
                "target_lang": args.tgt,
                "min": args.min,
                "results": [{"segment": q, "matches": [m.as_dict() for m in found]} for q, found in results],
            }
        )
        return EXIT_OK
    from rich.text import Text

    from tmkit.cli.match_output import make_console, print_match

    console = make_console(args.color)
    for number, (q, found) in enumerate(results, start=1):
        if len(results) > 1:
            console.print(Text(f"## {number}: {q}", style="bold"))
        if not found:
            console.print(Text(f"no match at {args.min:g}% or above"))
            why = _script_mismatch([q], args.src)
            if why is not None:
                warn(f"{why}: was --src meant to be the other language?")
            elif guessed and len(results) == 1:
                warn(f"looked up as {args.src} → {args.tgt} (guessed from the segment's script; --src/--tgt to choose)")
        for rank, match in enumerate(found, start=1):
            print_match(console, rank, match, q)
        if len(results) > 1:
            console.print()
    return EXIT_OK


def cmd_concord(args: argparse.Namespace) -> int:
    from tmkit.matching.concordance import concordance

    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    memories, phrase = _split_memories(args.args, has_query=True, what="phrase")
    assert phrase is not None
    if not phrase.strip():
        error("the phrase is empty")
        return EXIT_USAGE
    hits = concordance(_open(memories, args), phrase, side=Side(args.side), limit=args.limit, prefix=args.prefix)
    if args.json:
        print_json({"tmkit": __version__, "phrase": phrase, "prefix": args.prefix, "hits": [h.as_dict() for h in hits]})
        return EXIT_OK
    from rich.text import Text

    from tmkit.cli.match_output import make_console, print_hit

    console = make_console(args.color)
    color = console.is_terminal and not console.no_color
    if not hits:
        console.print(Text(f"no stored segment holds {phrase!r}"))
    for number, hit in enumerate(hits, start=1):
        print_hit(console, number, hit, color=color)
    return EXIT_OK


__all__ = ["register"]
