"""Lookup commands: `match` (fuzzy matches with %, breakdown and diff) and `concord` (phrase search)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from tmkit import __version__
from tmkit.cli.common import EXIT_OK, EXIT_USAGE, error, print_json
from tmkit.errors import InputError
from tmkit.formats.kinds import FileFormat, format_of
from tmkit.matching.concordance import CONCORDANCE_LIMIT, ConcordanceHit, Side, concordance
from tmkit.matching.match_percent import MATCH_LIMIT, MATCH_THRESHOLD
from tmkit.matching.matcher import Match, Matcher
from tmkit.matching.memory_index import MemoryIndex, open_memory
from tmkit.memory.langtags import DEFAULT_SOURCE_LANG, DEFAULT_TARGET_LANG
from tmkit.tui.display import diff_text


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
    p.add_argument("--file", metavar="FILE", help="look up every line of this UTF-8 text file instead")
    p.add_argument(
        "--min", type=float, default=MATCH_THRESHOLD, help=f"lowest match %% shown (default {MATCH_THRESHOLD:g})"
    )
    p.add_argument("--limit", type=int, default=MATCH_LIMIT, help=f"matches per segment (default {MATCH_LIMIT})")
    add_direction_options(p)
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
        description="Concordance search: stored pairs whose source or target holds a word or phrase. "
        "Arabic is matched without regard to diacritics, hamza/alef forms, tatweel and digit systems, "
        "and a word is found with its proclitics (و ف ب ك ل) and article attached.",
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
    add_direction_options(p)
    p.add_argument("--json", action="store_true", help="print the hits as JSON")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="highlight the hits")
    p.add_argument("--no-cache", action="store_true", help="do not read or write index caches")
    p.set_defaults(handler=cmd_concord)


def add_direction_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--src",
        default=DEFAULT_SOURCE_LANG,
        metavar="LANG",
        help=f"language of the segment (default {DEFAULT_SOURCE_LANG})",
    )
    parser.add_argument(
        "--tgt",
        default=DEFAULT_TARGET_LANG,
        metavar="LANG",
        help=f"language of the suggestions (default {DEFAULT_TARGET_LANG})",
    )


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
    penalties = penalties or {}
    unknown = set(penalties) - {os.path.abspath(p) for p in paths}
    if unknown:
        raise InputError(f"--penalty names a memory not given: {sorted(unknown)[0]}")
    return [
        open_memory(
            path,
            source_lang=args.src,
            target_lang=args.tgt,
            penalty=penalties.get(os.path.abspath(path), 0.0),
            cache=not args.no_cache,
        )
        for path in paths
    ]


def _console(choice: str) -> Console:
    if choice == "always":
        return Console(force_terminal=True, highlight=False, soft_wrap=True)
    if choice == "never":
        return Console(no_color=True, highlight=False, soft_wrap=True, force_terminal=False)
    return Console(highlight=False, soft_wrap=True)


def _print_match(console: Console, number: int, match: Match, query: str) -> None:
    color = console.is_terminal and not console.no_color
    when = match.change_date or match.creation_date
    when_text = f"{when[:4]}-{when[4:6]}-{when[6:8]}" if when and len(when) >= 8 and when[:8].isdigit() else when
    who = " ".join(x for x in (match.change_id or match.creation_id, when_text) if x)
    score = f"{int(match.score)}%"  # rounded down: 99.6 must not read as an exact 100
    head = Text(f"{number}. ")
    head.append(score, style="bold green" if match.score >= 95 else "bold yellow" if match.score >= 85 else "bold")
    head.append(f"  {match.memory}" + (f"  tuid {match.tuid}" if match.tuid else "") + f"  {match.status.value}")
    if who:
        head.append(f"  {who}")
    console.print(head)
    console.print(Text("   source: ").append(diff_text(match.source.plain, query, color=color)))
    console.print(Text("   target: ").append(match.target.plain))
    if match.substitutions:
        changed = ", ".join(f"{s.old} → {s.new}" for s in match.substitutions)
        stored = match.stored_target.plain if match.stored_target else ""
        console.print(Text(f"   numbers substituted: {changed} (stored: {stored})"))
    console.print(Text(f"   why:    {match.breakdown.describe()} = {match.score:.2f}"))


def cmd_match(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    memories, query = _split_memories(args.args, has_query=args.file is None, what="segment")
    if args.file is not None:
        try:
            queries = Path(args.file).read_text(encoding="utf-8-sig").splitlines()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=args.file) from None
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", path=args.file) from None
    else:
        assert query is not None
        queries = [query]
    matcher = Matcher(_open(memories, args, _penalties(args.penalty)))
    results = [(q, matcher.match(q, score_cutoff=args.min, limit=args.limit) if q.strip() else []) for q in queries]
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
    console = _console(args.color)
    for number, (q, found) in enumerate(results, start=1):
        if len(results) > 1:
            console.print(Text(f"## {number}: {q}", style="bold"))
        if not found:
            console.print(Text(f"no match at {args.min:g}% or above"))
        for rank, match in enumerate(found, start=1):
            _print_match(console, rank, match, q)
        if len(results) > 1:
            console.print()
    return EXIT_OK


def _highlighted(text: str, spans: tuple[tuple[int, int], ...], *, color: bool) -> Text:
    out, last = Text(), 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(text[start:end] if color else f"[{text[start:end]}]", style="bold reverse" if color else "")
        last = end
    out.append(text[last:])
    return out


def cmd_concord(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    memories, phrase = _split_memories(args.args, has_query=True, what="phrase")
    assert phrase is not None
    if not phrase.strip():
        error("the phrase is empty")
        return EXIT_USAGE
    hits = concordance(_open(memories, args), phrase, side=Side(args.side), limit=args.limit)
    if args.json:
        print_json({"tmkit": __version__, "phrase": phrase, "hits": [h.as_dict() for h in hits]})
        return EXIT_OK
    console = _console(args.color)
    color = console.is_terminal and not console.no_color
    if not hits:
        console.print(Text(f"no stored segment holds {phrase!r}"))
    for number, hit in enumerate(hits, start=1):
        _print_hit(console, number, hit, color=color)
    return EXIT_OK


def _print_hit(console: Console, number: int, hit: ConcordanceHit, *, color: bool) -> None:
    console.print(
        Text(f"{number}. {hit.memory}" + (f"  tuid {hit.tuid}" if hit.tuid else "") + f"  {hit.status.value}")
    )
    console.print(Text("   ").append(_highlighted(hit.source, hit.source_spans, color=color)))
    console.print(Text("   ").append(_highlighted(hit.target, hit.target_spans, color=color)))


__all__ = ["diff_text", "register"]
