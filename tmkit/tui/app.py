"""The editor application: lays out the widgets, runs slow work in workers, and turns keys into document edits."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static, TextArea
from textual.worker import get_current_worker

from tmkit.errors import TmkitError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.journal import PendingJournal
from tmkit.jobs.workfile import ChangedOnDiskError, RowFilter, WorkFile, edit_effort
from tmkit.matching.concordance import ConcordanceHit, concordance
from tmkit.matching.matcher import Match, Matcher, too_long_to_match
from tmkit.matching.memory_index import MemoryIndex, open_memory
from tmkit.memory.langtags import primary_subtag
from tmkit.memory.model import Memory, Status
from tmkit.quality.scoring import score_corpus, segment_score
from tmkit.text.placeholders import PlaceholderError, strip_placeholders, to_placeholders
from tmkit.tui import keys
from tmkit.tui.display import VTE_EXPLICIT, VTE_IMPLICIT, BidiMode, BidiText, detect_mode, is_vte
from tmkit.tui.messages import (
    DocumentSaved,
    MatchesShown,
    MatchInserted,
    SegmentApproved,
    SegmentChosen,
    SegmentConfirmed,
    SegmentRejected,
)
from tmkit.tui.screens import ChangedOnDiskScreen, HelpScreen, QuitScreen, RecoveryScreen, SaveAsScreen
from tmkit.tui.widgets.bidi_editor import BidiTextArea
from tmkit.tui.widgets.panels import ConcordancePanel, MatchesPanel, ScorePanel, StatusBar
from tmkit.tui.widgets.segment_list import SegmentList

FILTERS: tuple[RowFilter, ...] = tuple(RowFilter)
#: The editor's own actions (and the palette's): none acts while a dialog is open, only the dialog's keys do.
EDITOR_ACTIONS = frozenset({b.action.split("(")[0] for b in keys.BINDINGS} | {"command_palette"})
#: Target languages written right to left (the target editor's paragraph direction).
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
#: Matches shown per segment (Ctrl+1…5 insert them).
MATCHES_SHOWN = 5
#: Segments after the current one whose matches are prefetched.
PREFETCH = 3
#: Seconds of quiet typing after which the target is committed to the document (and its journal).
COMMIT_DELAY = 0.6
#: Seconds the indexing worker waits at most for the first screen to be painted.
FIRST_PAINT_WAIT = 2.0


@dataclass
class EditorOptions:
    path: Path
    memories: Sequence[Path] = ()
    reference: Path | None = None
    source_lang: str = "ar"
    target_lang: str = "en"
    bidi: BidiMode = BidiMode.AUTO
    save_to: Path | None = None
    #: Offer to recover a journal found at start (tests and the bench may answer themselves).
    ask_recovery: bool = True
    env: dict[str, str] = field(default_factory=dict)
    #: A line to show once the editor is up (e.g. how a text document became the working TMX).
    greeting: str | None = None
    #: Off for snapshots: a cursor caught in the off half of its blink paints a different screen.
    cursor_blink: bool = True


class EditorApp(App[None]):
    """Translate a TMX file segment by segment with matches, concordance and scores."""

    CSS_PATH = Path(__file__).with_name("editor.tcss")
    TITLE = "tmkit edit"
    BINDINGS: ClassVar[list[BindingType]] = list(keys.BINDINGS)
    COMMAND_PALETTE_BINDING = keys.COMMAND_PALETTE_KEY
    #: The target has the keys from the start: typed before the file is read, they went into the search box.
    AUTO_FOCUS = "#target"

    def __init__(self, options: EditorOptions) -> None:
        super().__init__()
        self.options = options
        mode = options.bidi if options.bidi is not BidiMode.AUTO else detect_mode(options.env or None)
        self.mode: BidiMode = mode
        self.document: WorkFile | None = None
        self.current: int | None = None
        self.filter_index = 0
        self.query_text = ""
        self.matcher = Matcher()
        #: Matches by row, prefetched or looked up, for the current `matcher` (emptied when it changes).
        self.matches: dict[int, list[Match]] = {}
        #: The row a matching worker is working on (its result will show itself).
        self._matching: int | None = None
        self.inserted: dict[int, str] = {}
        self.references: list[str | None] = []
        self.loaded_editor_text = ""
        #: Typed targets whose placeholders do not map to codes, by row (not in the document).
        self.unmapped: dict[int, str] = {}
        #: A message the status bar shows until it is settled (e.g. placeholders to fix).
        self.status_note = ""
        self._commit_timer: Timer | None = None
        self._vte_switched = False
        self._editor: BidiTextArea | None = None
        #: Set once the first screen with the document is painted (the indexing worker waits for it).
        self._first_paint = threading.Event()
        #: Why the file (or a memory, or the reference) could not be opened; the editor then exits.
        self.load_error: str | None = None
        #: A previous session's unsaved edits, until the translator says what becomes of them.
        self.pending: PendingJournal | None = None

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="left"):
                search = Input(placeholder="search source and target (F5)", id="search")
                search.cursor_blink = self.options.cursor_blink
                yield search
                yield Static(id="filter-label")
                yield SegmentList(id="segments")
            with Vertical(id="right"):
                yield Static(id="source", classes="panel")
                target = BidiTextArea(id="target", classes="panel", soft_wrap=True, tab_behavior="focus")
                # Set before mounting: Textual caches a line drawn mid-blink under the same key as one drawn unblinking.
                target.cursor_blink = self.options.cursor_blink
                yield target
                with VerticalScroll(id="matches-box", classes="panel"):
                    yield MatchesPanel(id="matches")
                with VerticalScroll(id="concordance-box", classes="panel"):
                    yield ConcordancePanel(id="concordance")
                yield ScorePanel(id="scores", classes="panel")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def editor(self) -> BidiTextArea:
        """The target editor (kept, not queried: it is needed on every keystroke)."""
        assert self._editor is not None
        return self._editor

    def _find(self, selector: Any, expect: Any = None) -> Any:
        """A widget of the editor's own screen, even while a dialog is on top of it."""
        base = self.screen_stack[0] if self.screen_stack else self.screen
        return base.query_one(selector, expect)

    def on_mount(self) -> None:
        self._editor = self._find(BidiTextArea)
        self._editor.set_bidi(self.mode, rtl=primary_subtag(self.options.target_lang) in RTL_LANGUAGES)
        self._find("#source").border_title = "source"
        self._find("#target").border_title = "target"
        self._find("#matches-box").border_title = "matches"
        self._find("#concordance-box").border_title = "concordance (F3)"
        self._find("#scores").border_title = "score"
        self._find("#status", StatusBar).update("opening " + str(self.options.path) + "…")
        self._find(ConcordancePanel).show("", [], self.mode)
        self._switch_vte(explicit=True)
        if self.options.greeting:
            self.notify(self.options.greeting, timeout=8)
        self.load_document()

    def _switch_vte(self, *, explicit: bool) -> None:
        """In app mode on VTE, stop the terminal's own reordering (it would reverse our visual order)."""
        env = self.options.env or None
        if not is_vte(env) or self._driver is None:
            return
        if explicit and self.mode is BidiMode.APP and not self._vte_switched:
            self._driver.write(VTE_EXPLICIT)
            self._vte_switched = True
        elif not explicit and self._vte_switched:
            self._driver.write(VTE_IMPLICIT)
            self._vte_switched = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The editor's keys are priority bindings (the target editor would take some): without this, Ctrl+S
        # under the recovery dialog saved and dropped the journal the dialog asks about.
        return not (action in EDITOR_ACTIONS and isinstance(self.screen, ModalScreen))

    async def action_quit(self) -> None:
        self._commit_editor()
        if self.document is not None and self.document.dirty:
            self.push_screen(QuitScreen(unsafe=self.document.unsafe_edits), self._quit_answered)
            return
        self._leave()

    def _quit_answered(self, answer: str | None) -> None:
        if answer == "save":
            if self._save():
                self._leave()
        elif answer == "save_as":
            self.action_save_as()
        elif answer == "quit":
            self._leave()  # the journal keeps the edits: the next start offers them back

    def _leave(self, *, return_code: int = 0) -> None:
        self._switch_vte(explicit=False)
        if self.document is not None:
            self.document.close_journal()
        self.exit(return_code=return_code)

    # -- loading (workers) -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="reading the file")
    def load_document(self) -> None:
        o = self.options
        try:
            document = WorkFile(o.path, source_lang=o.source_lang, target_lang=o.target_lang)
            # Read here, off the screen's thread: a damaged journal is set aside, never a hang or a traceback.
            pending = document.pending_journal()
            self.call_from_thread(self._document_loaded, document, pending)
            # Indexing holds the GIL for seconds: let the first screen be painted before it starts.
            self._first_paint.wait(FIRST_PAINT_WAIT)
            indexes = [open_memory(p, source_lang=o.source_lang, target_lang=o.target_lang) for p in o.memories]
            own = MemoryIndex.build(
                document.memory.units, source_lang=o.source_lang, target_lang=o.target_lang, name=o.path.name
            )
            references: list[str | None] = []
            if o.reference is not None:
                references = _align_reference(document, load_tmx(o.reference), o.source_lang, o.target_lang)
        except (TmkitError, OSError) as exc:
            # A file that cannot be read ends the editor with tmkit's one-line error and exit code 2.
            self.call_from_thread(self._load_failed, str(exc))
            return
        self.call_from_thread(self._memories_loaded, indexes, own, references)

    def _load_failed(self, message: str) -> None:
        self.load_error = message
        self._leave(return_code=2)  # tmkit's exit code for unreadable input

    def _document_loaded(self, document: WorkFile, pending: PendingJournal | None = None) -> None:
        # Typed before the file was shown (the target editor has the focus from the start): kept, not dropped.
        early = self.editor.text if self.document is None and not self._first_paint.is_set() else ""
        self.document = document
        self.pending = pending
        self._fill_list(0)
        first = document.next_unconfirmed(-1)
        self.go_to(first if first is not None else 0)
        if early:
            self.editor.insert(early, (0, 0))
        self.editor.focus()
        self.call_after_refresh(self._first_paint.set)
        if pending is not None and pending.notice:
            self.notify(pending.notice, severity="warning", timeout=12)
        if pending and self.options.ask_recovery:
            self.push_screen(RecoveryScreen(pending, document.path.name), self._recovery_answered)

    def _recovery_answered(self, recover: bool | None) -> None:
        assert self.document is not None
        pending, self.pending = self.pending, None
        if recover:
            report = self.document.recover(pending)
            self.notify(report.describe(), severity="warning" if report.unplaced or report.conflicts else "information")
            if report.conflicts:
                self.matches.clear()  # rows moved: units kept twice
            self._fill_list(self.current)
            if self.current is not None:
                # The editor still shows the text before recovery.
                self.go_to(min(self.current, len(self.document) - 1), force=True, commit=False)
        else:
            self.document.discard_pending()
            self.notify("unsaved edits discarded")
        self.update_status()

    def _memories_loaded(self, indexes: list[MemoryIndex], own: MemoryIndex, references: list[str | None]) -> None:
        self.matcher = Matcher([*indexes, own])
        self.references = references
        self.matches.clear()
        if self.current is not None:
            self.lookup(self.current)
        self.update_scores()

    # -- the list and the current segment --------------------------------------------------------

    def _fill_list(self, current: int | None) -> None:
        assert self.document is not None
        segments = self._find(SegmentList)
        segments.document = self.document
        segments.mode = self.mode
        wanted = FILTERS[self.filter_index]
        rows = self.document.filtered(wanted, self.query_text)
        segments.show_rows(rows, current)
        label = f"filter: {wanted} · {len(rows)} of {len(self.document)}"
        if self.query_text:
            label += f" · “{self.query_text}”"
        self._find("#filter-label", Static).update(Text(label, style="dim"))
        self.update_status()

    @on(SegmentChosen)
    def _chosen(self, event: SegmentChosen) -> None:
        if event.row != self.current:
            self.go_to(event.row)

    def go_to(self, row: int, *, force: bool = False, commit: bool = True) -> None:
        """Make ``row`` the current segment: commit the one left, show the new one, look up its matches."""
        assert self.document is not None
        if row == self.current and not force:
            return
        if commit:
            self._commit_editor()
        elif self._commit_timer is not None:
            self._commit_timer.stop()
        self.current = row
        r = self.document.rows[row]
        self._find("#source", Static).update(BidiText(r.source_edit_text, self.mode))
        editor = self.editor
        self.loaded_editor_text = r.edit_text
        # A target whose placeholders did not map is shown as typed, for the translator to fix.
        editor.load_text(self.unmapped.get(row, r.edit_text))
        self._show_title(row)
        self._find(SegmentList).select(row)
        self.lookup(row)
        self.update_scores()

    def lookup(self, row: int) -> None:
        """Show the row's matches (from the cache when prefetched), and prefetch the segments likely next."""
        if row in self.matches:
            self._show_matches(row)
            wanted = []
        else:
            self._find(MatchesPanel).show([], "", self.mode, busy=True)
            wanted = [row] if row != self._matching else []  # one in flight shows itself when done
        wanted += [r for r in self._likely_next(row) if r not in self.matches and r != self._matching]
        if wanted:
            self.find_matches(wanted, self.matcher)

    def _likely_next(self, row: int) -> list[int]:
        """The segments the translator probably moves to next: the following ones listed, the next unconfirmed."""
        assert self.document is not None
        shown = self._find(SegmentList).rows_shown
        at = shown.index(row) if row in shown else -1
        following = shown[at + 1 : at + 1 + PREFETCH] if at >= 0 else list(range(row + 1, row + 1 + PREFETCH))
        unconfirmed = self.document.next_unconfirmed(row)
        if unconfirmed is not None and unconfirmed not in following:
            following.append(unconfirmed)
        return [r for r in following if 0 <= r < len(self.document)]

    @work(thread=True, exclusive=True, group="matches", exit_on_error=False, description="matching")
    def find_matches(self, rows: list[int], matcher: Matcher) -> None:
        """Matches of ``rows`` in order, each cached and shown as it comes; a newer lookup cancels the rest."""
        worker = get_current_worker()
        for row in rows:
            if worker.is_cancelled or matcher is not self.matcher:
                return
            if row in self.matches:
                continue
            self._matching = row
            try:
                found = self._match_row(row, matcher)
            finally:
                if self._matching == row:
                    self._matching = None
            self.call_from_thread(self._matches_found, row, found, matcher)

    def _match_row(self, row: int, matcher: Matcher) -> list[Match]:
        assert self.document is not None
        rows = self.document.rows
        source = rows[row].source.segment
        previous = rows[row - 1].source.segment if row > 0 else None
        following = rows[row + 1].source.segment if row + 1 < len(rows) else None
        if too_long_to_match(source):
            return []  # beyond fuzzy matching's bound: no suggestions, rather than an error in the worker
        found = matcher.match(source, limit=MATCHES_SHOWN + 1, previous=previous, following=following)
        # The file's own entry for this very segment is not a suggestion for it.
        own = (rows[row].source_text, rows[row].target_text)
        found = [m for m in found if (m.source.plain, m.target.plain) != own or m.memory != self.options.path.name]
        return found[:MATCHES_SHOWN]

    def _matches_found(self, row: int, found: list[Match], matcher: Matcher) -> None:
        if matcher is not self.matcher:
            return  # looked up in memories since replaced: the cache was emptied, a newer lookup is on its way
        self.matches[row] = found
        segments = self._find(SegmentList)
        if found:
            segments.best[row] = found[0].score
            segments.update_segment(row)
        if row == self.current:
            self._show_matches(row)

    def _show_matches(self, row: int) -> None:
        assert self.document is not None
        found = self.matches.get(row, [])
        self._find(MatchesPanel).show(found, self.document.rows[row].source_text, self.mode)
        self.post_message(MatchesShown(row, len(found)))

    # -- committing edits ------------------------------------------------------------------------

    @on(TextArea.Changed, "#target")
    def _target_changed(self, event: TextArea.Changed) -> None:
        if self._commit_timer is not None:
            self._commit_timer.stop()
        self._commit_timer = self.set_timer(COMMIT_DELAY, self._commit_editor)
        self.update_scores(quick=True)

    def _editor_text(self) -> str:
        return self.editor.text

    def _commit_editor(self) -> None:
        """Move what is typed into the document (journalled); called on pause, move, confirm and save."""
        if self._commit_timer is not None:
            self._commit_timer.stop()
            self._commit_timer = None
        if self.document is None or self.current is None:
            return
        row = self.current
        text = self._editor_text()
        if text == self.document.rows[row].edit_text:
            self._placeholders_fixed(row)
            return
        try:
            changed = self.document.set_target(row, text)
        except PlaceholderError as error:
            self._placeholders_broken(row, text, error)
            return
        self._placeholders_fixed(row)
        if changed:
            self._row_changed(row)

    def _placeholders_broken(self, row: int, text: str, error: PlaceholderError) -> None:
        """The typed target would lose codes: keep the codes as they were, the segment unconfirmed, and say so."""
        assert self.document is not None
        self.unmapped[row] = text
        if self.document.rows[row].confirmed:
            self.document.apply(row, status=Status.DRAFT)
        self.status_note = f"segment {row + 1}: {error} (codes kept as they were; fix the placeholders)"
        self._row_changed(row)

    def _placeholders_fixed(self, row: int) -> None:
        if self.unmapped.pop(row, None) is not None:
            self.status_note = ""
            self.update_status()

    def _row_changed(self, row: int) -> None:
        self._find(SegmentList).update_segment(row)
        if row == self.current:
            self._show_title(row)
        self.update_status()

    def _show_title(self, row: int) -> None:
        assert self.document is not None
        r = self.document.rows[row]
        rejected = " · rejected" if r.unit.rejected else ""
        self._find("#target").border_title = f"target · {row + 1} · {r.status.value}{rejected}"

    # -- actions ---------------------------------------------------------------------------------

    def _current_row(self) -> int | None:
        return self.current if self.document is not None else None

    def action_confirm_next(self) -> None:
        row = self._current_row()
        if row is None or self.document is None:
            return
        try:
            confirmed = self.document.confirm(row, self._editor_text())
        except PlaceholderError as error:
            self._placeholders_broken(row, self._editor_text(), error)
            self.notify(self.status_note, severity="error")
            return
        self._placeholders_fixed(row)
        if confirmed is None and not self.document.rows[row].confirmed:
            self.notify("nothing to confirm: the target is empty", severity="warning")
            return
        self.loaded_editor_text = self.document.rows[row].edit_text
        self._row_changed(row)
        self.post_message(SegmentConfirmed(row))
        following = self.document.next_unconfirmed(row)
        if following is None:
            self.notify("every segment is confirmed")
        else:
            self.go_to(following)

    def action_approve(self) -> None:
        row = self._current_row()
        if row is None or self.document is None:
            return
        try:
            self.document.approve(row, self._editor_text())
        except PlaceholderError as error:
            self._placeholders_broken(row, self._editor_text(), error)
            self.notify(self.status_note, severity="error")
            return
        self._placeholders_fixed(row)
        self._row_changed(row)
        self.post_message(SegmentApproved(row))
        if row + 1 < len(self.document):
            self.go_to(row + 1)

    def action_reject(self) -> None:
        row = self._current_row()
        if row is None or self.document is None:
            return
        self._commit_editor()
        self.document.reject(row)
        self._row_changed(row)
        self.post_message(SegmentRejected(row))
        self.go_to(row, force=True)

    def action_next_segment(self) -> None:
        self._step(1)

    def action_previous_segment(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        segments = self._find(SegmentList)
        if self.current is None or not segments.rows_shown:
            return
        shown = segments.rows_shown
        position = shown.index(self.current) if self.current in shown else -1
        target = min(max(position + delta, 0), len(shown) - 1)
        self.go_to(shown[target])

    def action_next_unconfirmed(self) -> None:
        row = self._current_row()
        if row is None or self.document is None:
            return
        self._commit_editor()
        following = self.document.next_unconfirmed(row)
        if following is None:
            self.notify("every segment is confirmed")
        else:
            self.go_to(following)

    def action_insert_match(self, number: int) -> None:
        row = self._current_row()
        if row is None:
            return
        found = self.matches.get(row, [])
        if number > len(found):
            self.notify(f"no match {number}", severity="warning")
            return
        self._replace_target(to_placeholders(found[number - 1].target))
        self.post_message(MatchInserted(row, number))

    def action_copy_source(self) -> None:
        row = self._current_row()
        if row is None or self.document is None:
            return
        self._replace_target(self.document.rows[row].source_edit_text)

    def _replace_target(self, text: str) -> None:
        assert self.current is not None and self.document is not None
        # The inserted text's placeholders are the source's codes (a match's are renumbered alike).
        self.document.rows[self.current].codes_from_source = True
        editor = self.editor
        # Through the editor's own edit, so Ctrl+Z in the editor takes the insertion back.
        editor.replace(text, editor.document.start, editor.document.end)
        self.inserted[self.current] = text
        self._commit_editor()
        editor.focus()

    def action_concordance(self) -> None:
        editor = self.editor
        phrase = editor.selected_text.strip()
        if not phrase and self.focused is not None and self.focused.id == "search":
            phrase = self._find("#search", Input).value
        if not phrase:
            row, column = editor.cursor_location
            line = editor.document.get_line(row)
            start = column
            while start > 0 and not line[start - 1].isspace():
                start -= 1
            end = column
            while end < len(line) and not line[end].isspace():
                end += 1
            phrase = line[start:end].strip(".,;:!?()\"'«»،؛؟")
        if not phrase:
            self.notify("select words in the target, or put the cursor on one")
            return
        self.look_up_phrase(phrase)

    @work(thread=True, exclusive=True, group="concordance", exit_on_error=False, description="concordance")
    def look_up_phrase(self, phrase: str) -> None:
        hits = concordance(self.matcher.memories, phrase, limit=20)
        self.call_from_thread(self._concordance_found, phrase, hits)

    def _concordance_found(self, phrase: str, hits: list[ConcordanceHit]) -> None:
        self._find(ConcordancePanel).show(phrase, hits, self.mode)

    def action_cycle_filter(self) -> None:
        if self.document is None:
            return
        self._commit_editor()
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self._fill_list(self.current)

    def action_search(self) -> None:
        self._find("#search", Input).focus()

    @on(Input.Submitted, "#search")
    def _searched(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self._fill_list(self.current)
        segments = self._find(SegmentList)
        if segments.rows_shown:
            self.go_to(segments.rows_shown[0])
        self.editor.focus()

    def action_undo(self) -> None:
        editor = self.editor
        if self.document is None:
            return
        if self.current is not None and editor.text != self.document.rows[self.current].edit_text:
            editor.undo()  # uncommitted typing first: the editor's own history
            return
        self._commit_editor()
        change = self.document.undo()
        if change is not None:
            self._row_changed(change.row)
            self.go_to(change.row, force=True, commit=False)  # the editor shows the text restored, not typed

    def action_redo(self) -> None:
        editor = self.editor
        if self.document is None:
            return
        if editor.history.redo_stack and self.current is not None:
            editor.redo()
            return
        self._commit_editor()
        change = self.document.redo()
        if change is not None:
            self._row_changed(change.row)
            self.go_to(change.row, force=True, commit=False)  # the editor shows the text restored, not typed

    def action_save(self) -> None:
        self._save()

    def _save(self, *, force: bool = False) -> bool:
        if self.document is None:
            return False
        self._commit_editor()
        try:
            self.document.save(force=force)
        except ChangedOnDiskError:
            self.push_screen(ChangedOnDiskScreen(self.document.path), self._disk_answered)
            return False
        except (OSError, TmkitError) as error:
            self._not_saved(error)
            return False
        self._saved(f"saved {self.document.path.name}")
        return True

    def _not_saved(self, error: OSError | TmkitError) -> None:
        """A save that failed (a full disk): the edits stay, and the translator is told where else to put them."""
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        self.notify(
            f"not saved: {reason}. Your edits are kept; free some space, or save as another file "
            f"({self._save_as_key()}).",
            severity="error",
            timeout=15,
        )
        self.update_status()

    def _save_as_key(self) -> str:
        binding = next(b for b in keys.BINDINGS if b.action == "save_as")
        return binding.key_display or keys.first_key(binding)

    def _saved(self, message: str) -> None:
        assert self.document is not None
        if self.unmapped:
            rows = ", ".join(str(row + 1) for row in sorted(self.unmapped))
            message += f"; segment(s) {rows} saved as before their edit: their placeholders do not map to codes"
        if self.options.save_to is not None:
            try:
                count = self.document.export_confirmed(self.options.save_to)
            except (OSError, TmkitError) as error:
                message += f"; {self.options.save_to.name} not written ({error})"
            else:
                message += f"; {count} confirmed pair(s) in {self.options.save_to.name}"
        self.notify(message)
        self.update_status()
        self.post_message(DocumentSaved(str(self.document.path)))

    def action_save_as(self) -> None:
        if self.document is None:
            return
        self._commit_editor()
        why = f"The journal cannot be written ({self.document.journal_error})." if self.document.journal_error else ""
        suggestion = Path.home() / self.document.path.name
        self.push_screen(SaveAsScreen(suggestion, why), self._save_as_answered)

    def _save_as_answered(self, path: Path | None) -> None:
        if path is None or self.document is None:
            return
        try:
            self.document.save_as(path)
        except (OSError, TmkitError) as error:
            self._not_saved(error)
            return
        self._saved(f"saved as {path}; editing goes on there")

    def _disk_answered(self, answer: str | None) -> None:
        assert self.document is not None
        try:
            self._settle_with_disk(answer)
        except (OSError, TmkitError) as error:
            self.notify(f"{self.document.path}: {error}", severity="error", timeout=15)

    def _settle_with_disk(self, answer: str | None) -> None:
        assert self.document is not None
        if answer == "reload":
            self.document.reload()
            self.matches.clear()
            self.current = None
            self._document_loaded(self.document)
            self.notify("reloaded from disk; your unsaved edits were dropped")
        elif answer == "merge":
            conflicts = self.document.merge_with_disk()
            self.matches.clear()
            self._fill_list(self.current)
            self.go_to(min(self.current or 0, len(self.document) - 1), force=True, commit=False)
            note = f"; {conflicts} conflict(s) kept twice, marked x-tmkit-conflict" if conflicts else ""
            self.notify("merged with the version on disk" + note)
            self._save()
        elif answer == "overwrite":
            self._save(force=True)

    def action_toggle_bidi(self) -> None:
        order = [BidiMode.APP, BidiMode.TERMINAL, BidiMode.OFF]
        self.mode = order[(order.index(self.mode) + 1) % len(order)] if self.mode in order else BidiMode.APP
        self._switch_vte(explicit=self.mode is BidiMode.APP)
        self.editor.set_bidi(self.mode, rtl=self.editor.rtl)
        self.notify(f"Arabic display: {self.mode.value}")
        if self.document is not None:
            self._fill_list(self.current)
            if self.current is not None:
                self.go_to(self.current, force=True)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(keys.BINDINGS))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in keys.BINDINGS:
            if binding.action.startswith("insert_match") or binding.action == "quit":
                continue
            name = binding.action
            yield SystemCommand(
                f"{binding.description} ({keys.first_key(binding)})",
                binding.tooltip,
                lambda name=name: self.run_action(name),
            )

    # -- status bar and scores -------------------------------------------------------------------

    def update_status(self) -> None:
        if self.document is None:
            return
        counts = self.document.progress()
        total_words = sum(words for key, (_, words) in counts.items() if key is not RowFilter.REJECTED) or 1
        parts = Text()
        for key, (segs, words) in counts.items():
            if segs:
                parts.append(f"{key} {segs} ({100 * words // total_words}% words)  ")
        parts.append(f"│ {self.document.path.name} ", style="bold")
        if self.document.dirty:
            parts.append("● unsaved ", style="bold yellow")
        parts.append(f"│ bidi {self.mode.value}", style="dim")
        if self.document.journal_error:
            parts.append(
                f"\n{self.document.journal_error}: {self.document.unsafe_edits} edit(s) only in memory, not yet safe; "
                f"free some space, or save as another file ({self._save_as_key()})",
                style="bold red",
            )
        if self.status_note:
            parts.append(f"\n{self.status_note}", style="bold red")
        self._find(StatusBar).update(parts)

    def update_scores(self, *, quick: bool = False) -> None:
        row = self.current
        if self.document is None or row is None:
            return
        if not self.references:
            inserted = self.inserted.get(row, self.loaded_editor_text)
            effort = edit_effort(strip_placeholders(inserted), strip_placeholders(self._editor_text()))
            text = Text(f"edit effort {effort:.0f}%", style="bold")
            text.append("  characters changed against the inserted suggestion", style="dim")
            self._find(ScorePanel).show(text, [])
            return
        if quick:
            return  # per keystroke only the effort is cheap enough; scores follow the commit
        self.compute_scores(row, strip_placeholders(self._editor_text()))

    @work(thread=True, exclusive=True, group="scores", exit_on_error=False, description="scoring")
    def compute_scores(self, row: int, text: str) -> None:
        assert self.document is not None
        lang = self.options.target_lang
        reference = self.references[row] if row < len(self.references) else None
        line = Text()
        if reference:
            scores = [segment_score(text, [reference], metric=m, target_lang=lang) for m in ("chrf", "bleu", "ter")]
            line.append("segment  chrF {:.1f}  BLEU {:.1f}  TER {:.1f}\n".format(*scores), style="bold")
        else:
            line.append("segment  no reference for this segment\n", style="dim")
        pairs = [
            (r.target_text, ref)
            for r, ref in zip(self.document.rows, self.references, strict=False)
            if ref is not None and r.target_text.strip()
        ]
        series: list[float] = []
        if pairs:
            corpus = score_corpus(
                [h for h, _ in pairs], [[ref for _, ref in pairs]], metrics=("chrf", "bleu", "ter"), target_lang=lang
            )
            line.append(
                f"document chrF {corpus['chrf'].score:.1f}  BLEU {corpus['bleu'].score:.1f}  "
                f"TER {corpus['ter'].score:.1f}  ({len(pairs)} segments)"
            )
            series = list(corpus["chrf"].segment_scores)
        self.call_from_thread(self._find(ScorePanel).show, line, series)


def _align_reference(document: WorkFile, reference: Memory, source_lang: str, target_lang: str) -> list[str | None]:
    """The reference translation of each row: by tuid, else by the same source text, else by position.

    Position is used only when the reference has no tuids and no source text in common (a
    reference made for the file in the same order); a working TMX made from a text document
    numbers its units afresh, so its rows find their reference by source text.
    """
    by_tuid: dict[str, str] = {}
    by_source: dict[str, str] = {}
    in_order: list[str] = []
    for unit in reference.units:
        variant = unit.variant(target_lang, region_fallback=True)
        text = variant.text if variant is not None else ""
        in_order.append(text)
        if unit.tuid:
            by_tuid[unit.tuid] = text
        source = unit.variant(source_lang, region_fallback=True)
        if source is not None and text:
            by_source.setdefault(" ".join(source.text.split()), text)
    keys = [" ".join(row.source_text.split()) for row in document.rows]
    positional = not by_tuid and not any(key in by_source for key in keys)
    out: list[str | None] = []
    for i, row in enumerate(document.rows):
        if row.unit.tuid and row.unit.tuid in by_tuid:
            out.append(by_tuid[row.unit.tuid])
        elif keys[i] in by_source:
            out.append(by_source[keys[i]])
        elif positional and i < len(in_order):
            out.append(in_order[i])
        else:
            out.append(None)
    return out
