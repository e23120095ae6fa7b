"""How `tmkit match` and `tmkit concord` show their results on a terminal (rich), imported when they print."""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from tmkit.tui.display import diff_text

if TYPE_CHECKING:
    from tmkit.matching.concordance import ConcordanceHit
    from tmkit.matching.matcher import Match


class _Console(Console):
    """rich's console, with a reader that went away (`| head -1`) left to `run_handler` as every command's is."""

    def on_broken_pipe(self) -> None:
        # rich's own exits 1, tmkit's code for a failed check: `match … | head -1` failed a script with pipefail.
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def make_console(choice: str) -> Console:
    if choice == "always":
        return _Console(force_terminal=True, highlight=False, soft_wrap=True)
    if choice == "never":
        return _Console(no_color=True, highlight=False, soft_wrap=True, force_terminal=False)
    return _Console(highlight=False, soft_wrap=True)


def print_match(console: Console, number: int, match: Match, query: str) -> None:
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


def highlighted(text: str, spans: tuple[tuple[int, int], ...], *, color: bool) -> Text:
    out, last = Text(), 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(text[start:end] if color else f"[{text[start:end]}]", style="bold reverse" if color else "")
        last = end
    out.append(text[last:])
    return out


def print_hit(console: Console, number: int, hit: ConcordanceHit, *, color: bool) -> None:
    console.print(
        Text(f"{number}. {hit.memory}" + (f"  tuid {hit.tuid}" if hit.tuid else "") + f"  {hit.status.value}")
    )
    console.print(Text("   ").append(highlighted(hit.source, hit.source_spans, color=color)))
    console.print(Text("   ").append(highlighted(hit.target, hit.target_spans, color=color)))
