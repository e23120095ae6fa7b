"""The translated document from the editor: the dialog that names it and the run its worker makes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, RadioSet, Static

from tmkit.formats.documents import DocumentFormat, document_format
from tmkit.jobs.finish import PLAIN_SUFFIX, default_output
from tmkit.tui.screens import Dialog
from tmkit.tui.widgets.button_row import ButtonRow
from tmkit.tui.widgets.choice_button import ChoiceButton
from tmkit.tui.widgets.text_field import TextField


@dataclass(frozen=True, slots=True)
class FinishRequest:
    """What the translator chose in the dialog: the source document, the file to write, and what drafts become."""

    document: Path
    output: Path
    #: Unconfirmed drafts keep their source text too (`tmkit finish --confirmed-only`).
    confirmed_only: bool


@dataclass
class DocumentFinished(Message):
    """The finish key's run ended: the document written (``ok``) or not, and the lines shown about it."""

    path: str
    report: str
    ok: bool


def guess_document(work_path: Path) -> Path | None:
    """The document a working TMX was made from when it lies beside it under the name `tmkit edit` gives its working
    file (`report.docx.tmx` → `report.docx`, `article.ar.tmx` → `article.ar.txt`); None when there is none."""
    from tmkit.jobs.workfile import job_path

    inner = work_path.with_suffix("")
    for candidate in (inner, inner.with_name(inner.name + PLAIN_SUFFIX)):
        if candidate.suffix and candidate.is_file() and job_path(candidate) == work_path:
            return candidate
    return None


def write_translated_document(request: FinishRequest, work_path: Path) -> list[str]:
    """Write ``request.output`` from the saved working TMX (`tmkit.jobs.finish`): the lines that say what went in.

    Raises `TmkitError` or `OSError` for a document or a target that cannot be used; nothing is written then.
    """
    from tmkit.formats.tmx_reader import load_tmx
    from tmkit.jobs.finish import finish_document

    report = finish_document(
        request.document,
        load_tmx(work_path),
        request.output,
        work_path=work_path,
        confirmed_only=request.confirmed_only,
    )
    return [report.describe(request.output, leave_out="“Confirmed only” in the finish dialog"), *report.code_notices()]


class FinishScreen(Dialog[FinishRequest | None]):
    """Name the translated document (and its source, when the working file does not say it) and choose what
    untranslated and unconfirmed segments become; Enter writes it."""

    # Its own dialog id: the editor's `#dialog` is 90 columns wide, and cut this one's text at 80.
    DEFAULT_CSS = """
    FinishScreen { align: center middle; }
    #finish-dialog {
        width: 100%;
        max-width: 90;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    FinishScreen RadioSet { width: 100%; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS: ClassVar[str | None] = "#finish-output"

    def __init__(self, document: Path | None, *, target_lang: str, summary: str) -> None:
        super().__init__()
        self.document = document
        self.target_lang = target_lang
        self.output = default_output(document, target_lang) if document is not None else None
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="finish-dialog"):
            yield Static(
                f"Write the translated document (the working file is saved first). {self.summary}", id="question"
            )
            yield Static("source document", classes="hint")
            yield TextField(str(self.document or ""), id="finish-document", placeholder="the document you translate")
            yield Static("translated document (an existing file is replaced)", classes="hint")
            yield TextField(str(self.output or ""), id="finish-output")
            # An XLIFF file gets no target for what is not translated (its tool fills them); a document keeps its text.
            xliff = self.document is not None and document_format(self.document) is DocumentFormat.XLIFF
            kept, too = (
                ("get no target", "get none either") if xliff else ("keep their source", "keep their source too")
            )
            with RadioSet(id="finish-choice"):
                yield ChoiceButton(f"Untranslated segments {kept}; drafts go in", value=True, id="keep-source")
                yield ChoiceButton(f"Confirmed only: unconfirmed drafts {too}", id="confirmed-only")
            with ButtonRow(id="buttons"):
                yield Button("Write", id="write", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "finish-document" and event.value.strip():
            # The target follows a source typed here, until the translator names the target themselves.
            output = self.query_one("#finish-output", Input)
            if not output.value.strip() or output.value == str(self.output or ""):
                self.output = default_output(Path(event.value.strip()).expanduser(), self.target_lang)
                output.value = str(self.output)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._answer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "write":
            self._answer()
        else:
            self.dismiss(None)

    def _answer(self) -> None:
        document = self.query_one("#finish-document", Input).value.strip()
        output = self.query_one("#finish-output", Input).value.strip()
        if not document or not output:
            self.notify("name the source document and the translated document", severity="warning")
            return
        confirmed_only = self.query_one("#confirmed-only", ChoiceButton).value
        self.dismiss(FinishRequest(Path(document).expanduser(), Path(output).expanduser(), confirmed_only))

    def action_cancel(self) -> None:
        self.dismiss(None)
