"""The editor's terminology and spelling: the termbases it loaded, the terms panel, and the add-term and suggestion
dialogs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Input, OptionList, Static

from tmkit.quality.spelling import Misspelling
from tmkit.terms.files import load_termbases, save_termbase
from tmkit.terms.model import Concept, Term, Termbase, TermStatus, distinct_texts
from tmkit.terms.recognize import TermHit
from tmkit.tui.display import BidiMode, one_line
from tmkit.tui.screens import Dialog
from tmkit.tui.textual_adapter import PaintedField
from tmkit.tui.widgets.button_row import ButtonRow


@dataclass(slots=True)
class LoadedTerms:
    """The termbases of `--terms`: each as read (the first takes added terms) and all of them as one for recognition."""

    files: list[tuple[Path, Termbase]]
    #: Every termbase's concepts (the first file's own object when there is one file).
    merged: Termbase
    notes: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, paths: Sequence[Path], *, source_lang: str, target_lang: str) -> LoadedTerms:
        """Read the termbases (raises `TmkitError`/`OSError` with the file named) and build both recognizers.

        The notes say what was left out and which termbase has no term in the pair's languages: the panel of one
        holding Arabic and French stayed empty for an English target without a word of why."""
        read = load_termbases(paths, source_lang=source_lang, target_lang=target_lang)
        terms = cls([(Path(name), termbase) for name, termbase in read.files], read.merged, read.notes + read.gaps)
        terms.prepare(source_lang=source_lang, target_lang=target_lang)
        return terms

    def prepare(self, *, source_lang: str, target_lang: str) -> None:
        """Build the recognizers the editor uses (source terms, target terms): ~1.2 s for 50,000 terms, in a worker."""
        self.merged.recognizer(source_lang, target_lang)
        self.merged.recognizer(target_lang, source_lang)

    def words(self, lang: str) -> list[str]:
        """Every ``lang`` term that is not to be avoided: words spelling never flags."""
        return [t.text for c in self.merged for t in c.terms_in(lang) if not t.avoid]

    def add(self, source: Term, target: Term) -> tuple[Path, list[str]]:
        """Add a concept with the two terms to the first termbase, written atomically, and to the merged one.

        Returns the file written and what its format could not hold. Raises `OSError`/`TmkitError` when the file
        cannot be written (then nothing is added).
        """
        path, first = self.files[0]
        concept = Concept(first.new_id(), [source, target])
        first.add(concept)
        try:
            dropped = save_termbase(path, first, source_lang=source.lang, target_lang=target.lang)
        except BaseException:
            first.concepts.remove(concept)
            first.changed()
            raise
        if self.merged is not first:
            self.merged.add(Concept(concept.id, list(concept.terms)))
        return path, dropped


@dataclass(frozen=True, slots=True)
class ShownTerm:
    """A numbered line of the terms panel: a concept found in the source, with its translations."""

    number: int
    hit: TermHit

    @property
    def preferred(self) -> str | None:
        """What the term key inserts: the first translation that is not to be avoided."""
        usable = [t for t in self.hit.translations if not t.avoid]
        return usable[0].text if usable else None


def numbered_terms(hits: Sequence[TermHit], limit: int) -> list[ShownTerm]:
    """One line per concept in the order it first stands in the source, numbered from 1 (at most ``limit``)."""
    seen: set[int] = set()
    shown: list[ShownTerm] = []
    for hit in hits:
        if id(hit.concept) in seen:
            continue
        seen.add(id(hit.concept))
        shown.append(ShownTerm(len(shown) + 1, hit))
        if len(shown) == limit:
            break
    return shown


def _order(term: Term) -> int:
    """Preferred first, then admitted, then the terms to avoid."""
    return 2 if term.avoid else 0 if term.effective_status is TermStatus.PREFERRED else 1


def terms_text(
    shown: Sequence[ShownTerm],
    forbidden: Sequence[TermHit],
    mode: BidiMode,
    *,
    target_lang: str,
) -> Text:
    """The terms panel: the forbidden terms typed in the target, then `1 source term → preferred · admitted ·
    ✗ forbidden` for each concept of the source."""
    out = Text()
    for hit in forbidden:
        usable = [t.text for t in hit.concept.translations(target_lang)]
        out.append("✗ ", style="bold red")
        out.append_text(one_line(hit.text, mode, style="bold red"))
        out.append(f" in the target is {hit.status.value}", style="red")
        if usable:
            out.append(f": use {' or '.join(usable[:3])}", style="red")
        out.append("\n")
    if not shown:
        out.append("no term of the termbases in this source", style="dim")
        return out
    for line in shown:
        out.append(f"{line.number} ", style="bold")
        out.append_text(one_line(line.hit.text, mode, style="strike red" if line.hit.forbidden else ""))
        out.append(" → ")
        targets = distinct_texts(sorted(line.hit.concept.terms_in(target_lang), key=_order))
        for index, term in enumerate(targets):
            if index:
                out.append(" · ", style="dim")
            if term.avoid:
                out.append("✗ ", style="red")
                out.append_text(one_line(term.text, mode, style="strike red"))
            else:
                style = "bold" if term.text == line.preferred else ""
                out.append_text(one_line(term.text, mode, style=style))
        if not targets:
            out.append("(no translation)", style="dim")
        out.append("\n")
    out.rstrip()
    return out


@dataclass(frozen=True, slots=True)
class NewTerm:
    """What the add-term dialog returns: the source and target term as the translator left them."""

    source: str
    target: str


class AddTermScreen(Dialog[NewTerm | None]):
    """Add a term pair to the first termbase: the selected (or cursor's) words of the source and the target, editable;
    Enter in the target field adds it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS: ClassVar[str | None] = "#term-source"

    def __init__(
        self,
        source: str,
        target: str,
        *,
        termbase: str,
        source_lang: str,
        target_lang: str,
        mode: Callable[[], BidiMode] = lambda: BidiMode.APP,
    ) -> None:
        super().__init__()
        self.source = source
        self.target = target
        self.termbase = termbase
        self.langs = (source_lang, target_lang)
        self.mode = mode  # the editor's bidi mode: the fields show Arabic as the target does

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Add a term to {self.termbase}", id="question")
            yield Static(f"source term ({self.langs[0]})", classes="hint")
            yield PaintedField(self.source, id="term-source", mode=self.mode)
            yield Static(f"target term ({self.langs[1]})", classes="hint")
            yield PaintedField(self.target, id="term-target", mode=self.mode)
            with ButtonRow(id="buttons"):
                yield Button("Add", id="add", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "term-source":
            self.query_one("#term-target", Input).focus()
        else:
            self._answer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add":
            self._answer()
        else:
            self.dismiss(None)

    def _answer(self) -> None:
        source = " ".join(self.query_one("#term-source", Input).value.split())
        target = " ".join(self.query_one("#term-target", Input).value.split())
        if not source or not target:
            self.notify("give both the source and the target term", severity="warning")
            return
        self.dismiss(NewTerm(source, target))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SuggestionsScreen(Dialog[str | None]):
    """Hunspell's suggestions for a misspelled word: Enter replaces the word with the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS: ClassVar[str | None] = "#suggestions"

    def __init__(self, word: Misspelling) -> None:
        super().__init__()
        self.word = word

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"{self.word.word!r} is not in the dictionary. Replace it with:", id="question")
            yield OptionList(*self.word.suggestions, id="suggestions")
            yield Static("Enter replaces · Esc keeps the word", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.word.suggestions[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
