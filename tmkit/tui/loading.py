"""The screen shown while the working file is read: it says so, reads it in a worker, and posts `DocumentLoaded`."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tmkit.errors import TmkitError
from tmkit.jobs.workfile import WorkFile
from tmkit.tui.messages import DocumentFailed, DocumentLoaded
from tmkit.tui.options import EditorOptions


class LoadingScreen(Screen[None]):
    """Says "opening FILE…" while a worker reads the working file and its journal. The App keeps the letters typed
    meanwhile in `typed`, in the order they came, for the target (the editor has the keys from the start)."""

    CSS_PATH = "loading.tcss"
    AUTO_FOCUS: ClassVar[str | None] = None

    def __init__(self, options: EditorOptions) -> None:
        super().__init__()
        self.options = options
        #: The letters typed before the document is shown, in order.
        self.typed: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(f"opening {self.options.path}…", id="opening")

    def on_mount(self) -> None:
        self.load_document()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="reading the file")
    def load_document(self) -> None:
        o = self.options
        try:
            document = WorkFile(
                o.path, source_lang=o.source_lang, target_lang=o.target_lang, user=o.user, qa_on_confirm=o.qa_on_confirm
            )
            # Read here, off the screen's thread: a damaged journal is set aside, never a hang or a traceback.
            pending = document.pending_journal()
            document.prepare_journal()  # (or the first word typed waits for it: ~70 ms in a 10,000-segment job)
        except (TmkitError, OSError) as exc:
            # A file that cannot be read ends the editor with tmkit's one-line error and exit code 2.
            self.app.call_from_thread(self.post_message, DocumentFailed(str(exc)))
            return
        self.post_message(DocumentLoaded(document, pending))  # posting is thread-safe
