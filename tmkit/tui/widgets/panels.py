"""The read-only panels beside the editor: matches, concordance, terms, scores, and the status bar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from tmkit.matching.concordance import ConcordanceHit
from tmkit.matching.matcher import Match
from tmkit.tui.display import BidiMode, BidiText, diff_lines, one_line
from tmkit.tui.messages import MatchChosen


def _when(match: Match) -> str:
    return tmx_day(match.change_date or match.creation_date)


def tmx_day(when: str | None) -> str:
    """A TMX date (`20210302T101500Z`) as its day, `2021-03-02`."""
    when = when or ""
    return f"{when[:4]}-{when[4:6]}-{when[6:8]}" if len(when) >= 8 and when[:8].isdigit() else when


@dataclass(frozen=True, slots=True)
class _Listing:
    """What the matches panel shows: the matches of one segment (or that they are being looked up)."""

    matches: Sequence[Match] = ()
    source: str = ""
    mode: BidiMode = BidiMode.APP
    busy: bool = True
    chosen: int = 1

    def text(self, width: int, console: Console) -> Text:
        """The whole panel as one Text of lines no wider than ``width``: one text, so the mouse can select a part
        of a match (a group of renderables can only be selected whole)."""
        if self.busy:
            return Text("looking up…", style="dim")
        if not self.matches:
            return Text("no match above the threshold", style="dim")
        lines: list[Text] = []
        for number, match in enumerate(self.matches, 1):
            pick = Style(meta={"match": number})
            head = Text("▶" if number == self.chosen else " ", style="bold")
            head.append(f"{number} ", style="bold")
            head.append(f"{int(match.score)}%", style="bold green" if match.score >= 95 else "bold yellow")
            who = " ".join(x for x in (match.change_id or match.creation_id, _when(match)) if x)
            head.append(f"  {match.memory}  {match.status.value}  {who}", style="dim")
            why = match.breakdown.describe()
            if match.substitutions:
                why += "  numbers: " + ", ".join(f"{s.old}→{s.new}" for s in match.substitutions)
            for part in (
                list(head.wrap(console, width)),
                diff_lines(match.source.plain, self.source, self.mode, width, console),
                BidiText(match.target.plain, self.mode, style="bold").lines(width),
                list(Text(why, style="dim italic").wrap(console, width)),
            ):
                for line in part:
                    line.stylize(pick)  # a click anywhere on the match chooses it
                    lines.append(line)
        return Text("\n").join(lines)


class MatchesPanel(Widget):
    """The top matches of the current segment: %, diff against the current source, breakdown, provenance.

    A click on a match chooses it (what Insert and Replace use); the chosen one is marked ▶. Painted as one text
    wrapped to the panel's width, so a part of a match can be selected with the mouse (F7 inserts it).
    """

    DEFAULT_CSS = "MatchesPanel { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.listing = _Listing()

    def show(
        self, matches: Sequence[Match], source: str, mode: BidiMode, *, busy: bool = False, chosen: int = 1
    ) -> None:
        self.listing = _Listing(list(matches), source, mode, busy, chosen)
        self.refresh(layout=True)

    def render(self) -> Text:
        return self.listing.text(max(self.content_size.width, 1), self.app.console)

    def on_click(self, event: events.Click) -> None:
        number = event.style.meta.get("match") if event.style else None
        if isinstance(number, int):
            self.post_message(MatchChosen(number))


@dataclass(frozen=True, slots=True)
class ConflictVersion:
    """One side of a merge conflict as shown: its key, its name, who changed it and when, and its target."""

    key: str
    side: str
    who: str | None
    when: str | None
    #: None: that side deleted the segment.
    text: str | None


class ConflictPanel(Static):
    """A merge conflict's two versions, labelled (ours, theirs) with who changed each and when, and the keys that
    keep one; shown while the current segment's conflict is open."""

    def show(self, versions: Sequence[ConflictVersion], mode: BidiMode) -> None:
        parts: list[RenderableType] = [Text("merge conflict: keep one version, or edit the target", style="bold red")]
        for version in versions:
            head = Text(f"{version.key} ", style="bold")
            head.append(version.side, style="bold red")
            who = " ".join(x for x in (version.who, tmx_day(version.when)) if x)
            if who:
                head.append(f"  {who}", style="dim")
            parts.append(head)
            if version.text is None:
                parts.append(Text("  (deleted the segment)", style="italic"))
            else:
                parts.append(BidiText(version.text, mode))
        self.update(Group(*parts))


class ConcordancePanel(Static):
    """Stored pairs holding a phrase, the phrase highlighted on both sides."""

    def show(self, phrase: str, hits: Sequence[ConcordanceHit], mode: BidiMode) -> None:
        if not phrase:
            self.update(
                Text("F3: look up the selected words (or the word at the cursor) of the source or target", style="dim")
            )
            return
        heading = Text("“", style="bold")
        heading.append_text(one_line(phrase, mode, style="bold"))  # shaped and ordered in app mode
        heading.append(f"”: {len(hits)} found", style="bold")
        parts: list[RenderableType] = [heading]
        for hit in hits:
            for text, spans in ((hit.source, hit.source_spans), (hit.target, hit.target_spans)):
                if mode is BidiMode.APP:
                    # Highlights are lost in reordering of wrapped lines; the phrase is in the header.
                    parts.append(BidiText(text, mode))
                else:
                    shown = Text(text)
                    for a, b in spans:
                        shown.stylize("reverse", a, b)
                    parts.append(shown)
            parts.append(Text(f"  {hit.memory} {hit.status.value}", style="dim"))
        self.update(Group(*parts))


class TermsPanel(Static):
    """The terms of the current source, numbered for the term key, with their translations (`tmkit.tui.terms`)."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        #: What the panel shows, as text (for tests and screen readers of the widget tree).
        self.shown = Text()

    def show(self, text: Text) -> None:
        self.shown = text
        self.update(text)


class ScorePanel(Vertical):
    """Against a reference: the current segment's chrF/BLEU/TER, the document's, and a sparkline of segment chrF."""

    def compose(self) -> ComposeResult:
        yield Static(id="score-text")
        yield Sparkline([], id="score-spark")

    def show(self, text: Text, series: Sequence[float]) -> None:
        self.query_one("#score-text", Static).update(text)
        spark = self.query_one("#score-spark", Sparkline)
        spark.data = list(series)
        spark.display = bool(series)


class StatusBar(Static):
    """Progress by status (segments and words), the file, unsaved changes, the bidi mode."""
