"""The editor application: lays out the widgets, runs slow work in workers, and turns keys into document edits."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static, TextArea
from textual.worker import get_current_worker

from tmkit.errors import TmkitError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.config import QaOnConfirm
from tmkit.jobs.confirm_checks import SegmentFinding
from tmkit.jobs.journal import ConflictState, PendingJournal
from tmkit.jobs.reference import align_reference
from tmkit.jobs.workfile import ChangedOnDiskError, ConfirmBlocked, RowFilter, WorkFile, edit_effort
from tmkit.matching.concordance import ConcordanceHit, concordance
from tmkit.matching.matcher import Match, Matcher, too_long_to_match
from tmkit.matching.memory_index import MemoryIndex, open_memory
from tmkit.memory.langtags import primary_subtag
from tmkit.memory.model import Status
from tmkit.quality.defaults import Severity
from tmkit.quality.scoring import score_corpus, segment_score
from tmkit.text.placeholders import PlaceholderError, strip_placeholders, to_placeholders
from tmkit.tui import keys
from tmkit.tui.display import VTE_EXPLICIT, VTE_IMPLICIT, BidiMode, VisualHighlighter, detect_mode, is_vte, one_line
from tmkit.tui.keymap import Keymap, keymap_path, load_keymap, preset_keymap
from tmkit.tui.messages import (
    DocumentSaved,
    MatchChosen,
    MatchesShown,
    MatchInserted,
    SegmentApproved,
    SegmentChosen,
    SegmentConfirmed,
    SegmentRejected,
)
from tmkit.tui.screens import ChangedOnDiskScreen, HelpScreen, QaScreen, QuitScreen, RecoveryScreen, SaveAsScreen
from tmkit.tui.textual_adapter import SearchInput, alt_digits_as_keys, set_bindings, write_to_terminal
from tmkit.tui.widgets.bidi_editor import BidiTextArea
from tmkit.tui.widgets.panels import (
    ConcordancePanel,
    ConflictPanel,
    ConflictVersion,
    MatchesPanel,
    ScorePanel,
    StatusBar,
)
from tmkit.tui.widgets.segment_list import SegmentList, header_line

FILTERS: tuple[RowFilter, ...] = tuple(RowFilter)
#: The editor's own actions (and the palette's): none acts while a dialog is open, only the dialog's keys do.
EDITOR_ACTIONS = frozenset({c.action.split("(")[0] for c in keys.COMMANDS} | {"back_to_target"})
#: Actions that read or change the target: they wait until the target has taken every key typed before them
#: (a burst `abc` + Ctrl+S reached the app's binding before the target had the letters: they were saved later).
AFTER_TYPING = frozenset(
    {
        "confirm_next",
        "approve",
        "reject",
        "next_segment",
        "previous_segment",
        "next_unconfirmed",
        "use_match",
        "insert_match",
        "replace_match",
        "copy_source",
        "concordance",
        "qa_findings",
        "cycle_filter",
        "undo",
        "redo",
        "save",
        "save_as",
        "toggle_bidi",
        "quit",
    }
)
#: Escape: back to the target from the search box, the list, the source or a panel (not a command of the keymap).
BACK_TO_TARGET = (Binding("escape", "back_to_target", "Back", tooltip="Back to the target"),)
#: Widgets that take no typing: a printable key pressed while one has the focus goes to the target instead.
NOT_TYPED_INTO = ("#segments", "#matches-box", "#concordance-box", "#source")
#: Screen widths (columns) from which the segment list stands beside the editor, and heights (rows) from which
#: the concordance and scores stand below the matches; smaller screens show them in turns.
WIDE_FROM = 120
TALL_FROM = 28
#: Target languages written right to left (the target editor's paragraph direction).
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
#: Matches shown per segment (Alt+1…5 use them).
MATCHES_SHOWN = keys.MATCH_KEYS
#: Segments after the current one whose matches are prefetched.
PREFETCH = 3
#: Seconds of quiet typing after which the target is committed to the document (and its journal).
COMMIT_DELAY = 0.6
#: Seconds the indexing worker waits at most for the first screen to be painted.
FIRST_PAINT_WAIT = 2.0
#: Seconds of quiet typing after which the segment's score is worked out again (it follows the typing).
SCORE_DELAY = 0.3


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
    #: A shipped keymap preset (`--keymap`): default, omegat or memoq; None: the keymap file's, else default.
    keymap: str | None = None
    #: The keymap file; None: `keys.toml` in the config folder named by ``env`` (none read without ``env``).
    keymap_file: Path | None = None
    #: The translator's id, written as changeid/creationid (`tmkit.jobs.config.resolve_user`).
    user: str | None = None
    #: What confirming does with QA's findings (the config file's `qa_on_confirm`; off for tests that build options).
    qa_on_confirm: QaOnConfirm = QaOnConfirm.OFF


class EditorApp(App[None]):
    """Translate a TMX file segment by segment with matches, concordance and scores."""

    CSS_PATH = Path(__file__).with_name("editor.tcss")
    TITLE = "tmkit edit"
    #: tmkit's own keys; a keymap (preset or file) replaces them by command id at start.
    BINDINGS: ClassVar[list[BindingType]] = [*preset_keymap().bindings(), *BACK_TO_TARGET]
    COMMAND_PALETTE_BINDING = "f12"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_FROM, "-wide")]  # noqa: RUF012 (Textual's own declaration)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL_FROM, "-tall")]  # noqa: RUF012
    #: The target has the keys from the start: typed before the file is read, they went into the search box.
    AUTO_FOCUS = "#target"

    def __init__(self, options: EditorOptions) -> None:
        super().__init__()
        self.options = options
        alt_digits_as_keys()
        keymap_file = options.keymap_file or (keymap_path(options.env) if options.env else None)
        # A keymap that cannot be used stops the start with one line naming file and line (InputError).
        self.keymap: Keymap = load_keymap(keymap_file, preset=options.keymap)
        # The app's own bindings, in the keymap's order (the footer shows them in this order).
        set_bindings(self, [*self.keymap.bindings(), *BACK_TO_TARGET])
        mode = options.bidi if options.bidi is not BidiMode.AUTO else detect_mode(options.env or None)
        self.mode: BidiMode = mode
        self.document: WorkFile | None = None
        self.current: int | None = None
        self.filter_index = 0
        self.query_text = ""
        self.matcher = Matcher()
        #: Matches by row, prefetched or looked up, for the current `matcher` (emptied when it changes).
        self.matches: dict[int, list[Match]] = {}
        #: Whether the memories are open: until then a segment's matches are "looking up…", never "no match".
        self.memories_ready = False
        #: The match Insert and Replace use (1-based): match 1 on each segment, or the one clicked or chosen.
        self.chosen_match = 1
        self._score_timer: Timer | None = None
        #: The document's score and its per-segment chrF, worked out again only after a segment changed.
        self._document_score: tuple[Text, list[float]] = (Text(), [])
        self._document_stale = True
        #: The row a matching worker is working on (its result will show itself).
        self._matching: int | None = None
        self.inserted: dict[int, str] = {}
        self.references: list[str | None] = []
        self.loaded_editor_text = ""
        #: Typed targets whose placeholders do not map to codes, by row (not in the document).
        self.unmapped: dict[int, str] = {}
        #: QA's findings left on segments confirmed (or approved) with them, by row: warnings, or errors confirmed
        #: anyway; the status bar counts them and Alt+Q lists them.
        self.qa_left: dict[int, list[SegmentFinding]] = {}
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
                search = SearchInput(
                    placeholder=f"search source and target ({self.keymap.label('search')})",
                    id="search",
                    highlighter=VisualHighlighter(lambda: self.mode),
                )
                search.cursor_blink = self.options.cursor_blink
                yield search
                yield Static(id="filter-label")
                yield Static(header_line(), id="list-header")
                yield SegmentList(id="segments")
            with Vertical(id="right"):
                # Read-only, with a cursor and a selection: F3 looks up a source term from here.
                source = BidiTextArea(
                    id="source", classes="panel", soft_wrap=True, read_only=True, tab_behavior="focus"
                )
                source.cursor_blink = False
                yield source
                target = BidiTextArea(id="target", classes="panel", soft_wrap=True, tab_behavior="focus")
                # Set before mounting: Textual caches a line drawn mid-blink under the same key as one drawn unblinking.
                target.cursor_blink = self.options.cursor_blink
                yield target
                with VerticalScroll(id="conflict-box", classes="panel"):
                    yield ConflictPanel(id="conflict")
                with VerticalScroll(id="matches-box", classes="panel"):
                    yield MatchesPanel(id="matches")
                with VerticalScroll(id="concordance-box", classes="panel"):
                    yield ConcordancePanel(id="concordance")
                yield ScorePanel(id="scores", classes="panel")
        yield StatusBar(id="status")
        yield Footer(show_command_palette=False, compact=True)

    @property
    def editor(self) -> BidiTextArea:
        """The target editor (kept, not queried: it is needed on every keystroke)."""
        assert self._editor is not None
        return self._editor

    def _find(self, selector: Any, expect: Any = None) -> Any:
        """A widget of the editor's own screen, even while a dialog is on top of it."""
        base = self.screen_stack[0] if self.screen_stack else self.screen
        return base.query_one(selector, expect)

    @property
    def source_view(self) -> BidiTextArea:
        return self._find("#source", BidiTextArea)  # type: ignore[no-any-return]

    def get_key_display(self, binding: Binding) -> str:
        # One naming style in the footer, the help and the palette (F2, Ctrl+S, Alt+1): the command's first key.
        return self.keymap.label(binding.id) if binding.id else keys.key_label(binding.key.split(",")[0])

    def on_mount(self) -> None:
        self._size_classes()
        self._editor = self._find("#target", BidiTextArea)
        self._editor.set_bidi(self.mode, rtl=primary_subtag(self.options.target_lang) in RTL_LANGUAGES)
        self.source_view.set_bidi(self.mode, rtl=primary_subtag(self.options.source_lang) in RTL_LANGUAGES)
        for scroller in self.query(VerticalScroll):
            # A click there shows or chooses; the keyboard stays with the target.
            scroller.FOCUS_ON_CLICK = False  # type: ignore[misc]
        self._find("#source").border_title = "source"
        self._find("#target").border_title = "target"
        self._find("#matches-box").border_title = "matches"
        self._find("#conflict-box").border_title = "merge conflict"
        self._find("#concordance-box").border_title = "concordance (F3)"
        self._find("#scores").border_title = "score"
        self._find("#status", StatusBar).update("opening " + str(self.options.path) + "…")
        self._find(ConcordancePanel).show("", [], self.mode)
        self._switch_vte(explicit=True)
        if self.options.greeting:
            self.notify(self.options.greeting, timeout=8)
        self.load_document()

    def _size_classes(self) -> None:
        """Give the screen its size classes (`-narrow`/`-wide`, `-short`/`-tall`) now, from the terminal's size.

        Textual sets them when the screen takes its first Resize from its own queue; on a loaded machine the document
        was shown before that, in neither layout (at 80x24 the list beside the editor, the conflict's keys cut off).
        The Resize then sets the same classes.
        """
        width, height = self.size
        base = self.screen_stack[0]
        for breakpoints, size in ((self.HORIZONTAL_BREAKPOINTS, width), (self.VERTICAL_BREAKPOINTS, height)):
            reached = [name for start, name in sorted(breakpoints) if size >= start]
            for _, name in breakpoints:
                base.set_class(bool(reached) and name == reached[-1], name)

    def _switch_vte(self, *, explicit: bool) -> None:
        """In app mode on VTE, stop the terminal's own reordering (it would reverse our visual order)."""
        env = self.options.env or None
        if not is_vte(env):
            return
        if explicit and self.mode is BidiMode.APP and not self._vte_switched:
            self._vte_switched = write_to_terminal(self, VTE_EXPLICIT)
        elif not explicit and self._vte_switched:
            write_to_terminal(self, VTE_IMPLICIT)
            self._vte_switched = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The editor's keys are priority bindings (the target editor would take some): without this, Ctrl+S
        # under the recovery dialog saved and dropped the journal the dialog asks about.
        if action in EDITOR_ACTIONS and isinstance(self.screen, ModalScreen):
            return False
        if action == "back_to_target":
            # In the footer ("Esc Back") whenever the keys are elsewhere than the target.
            return self._editor is not None and self.focused is not self._editor
        return True

    async def run_action(self, action: Any, default_namespace: Any = None, namespaces: Any = None) -> bool:
        name = action.split("(")[0] if isinstance(action, str) else ""
        if (
            name in AFTER_TYPING
            and default_namespace in (None, self)
            and self._editor is not None
            and not isinstance(self.screen, ModalScreen)
        ):
            # Queued behind the keys the target has still to take: Ctrl+S after a burst saves the burst.
            self.editor.call_later(self._run_after_typing, action)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    async def _run_after_typing(self, action: str) -> None:
        await super().run_action(action)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event.is_printable and not event.is_forwarded:
            focused = self.focused
            if (
                self._editor is not None
                and focused is not None
                and focused.screen is self.screen_stack[0]
                and self.screen is self.screen_stack[0]
                and any(focused.id == selector[1:] for selector in NOT_TYPED_INTO)
                and not self._is_bound(event.key)
            ):
                # Typing after a click in the list or the matches is for the target, not lost.
                self.screen.set_focus(self.editor)
        await super().on_event(event)

    def _is_bound(self, key: str) -> bool:
        return any(key in k for k in self.keymap.keys.values())

    def action_back_to_target(self) -> None:
        """Escape: back to the target from the search box, the list, the source or a panel."""
        self.screen.remove_class("-list")
        self.screen.set_focus(self.editor)

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
            if self.document is not None:
                # The translator chose to drop the edits: the next start must not offer them back.
                self.document.discard_journal()
            self._leave()

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
            document = WorkFile(
                o.path,
                source_lang=o.source_lang,
                target_lang=o.target_lang,
                user=o.user,
                qa_on_confirm=o.qa_on_confirm,
            )
            # Read here, off the screen's thread: a damaged journal is set aside, never a hang or a traceback.
            pending = document.pending_journal()
            self.call_from_thread(self._document_loaded, document, pending)
            # Indexing holds the GIL for seconds: let the first screen be painted before it starts.
            self._first_paint.wait(FIRST_PAINT_WAIT)
            indexes = [
                open_memory(p, source_lang=o.source_lang, target_lang=o.target_lang, on_notice=self._cache_notice)
                for p in o.memories
            ]
            own = MemoryIndex.build(
                document.memory.units, source_lang=o.source_lang, target_lang=o.target_lang, name=o.path.name
            )
            references: list[str | None] = []
            if o.reference is not None:
                references = align_reference(
                    document.rows, load_tmx(o.reference), source_lang=o.source_lang, target_lang=o.target_lang
                )
        except (TmkitError, OSError) as exc:
            # A file that cannot be read ends the editor with tmkit's one-line error and exit code 2.
            self.call_from_thread(self._load_failed, str(exc))
            return
        self.call_from_thread(self._memories_loaded, indexes, own, references)

    def _cache_notice(self, line: str) -> None:
        """A memory's cached index was found damaged and is rebuilt (at load, or later from a lookup's worker).

        `notify` posts a message, so any thread may call this.
        """
        self.notify(line, severity="warning", timeout=10, markup=False)

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
        self.memories_ready = True
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
        label = Text(f"filter: {wanted} · {len(rows)} of {len(self.document)}", style="dim")
        if self.query_text:
            # Shaped and in visual order in app mode, as everywhere Arabic is shown.
            label.append(" · “", style="dim")
            label.append_text(one_line(self.query_text, self.mode, style="dim"))
            label.append("”", style="dim")
        self._find("#filter-label", Static).update(label)
        self.update_status()

    @on(SegmentChosen)
    def _chosen(self, event: SegmentChosen) -> None:
        if event.row != self.current:
            self.go_to(event.row)
        if event.opened:
            self.action_back_to_target()

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
        self.chosen_match = 1
        r = self.document.rows[row]
        self.source_view.load_text(r.source_edit_text)
        editor = self.editor
        self.loaded_editor_text = r.edit_text
        # A target whose placeholders did not map is shown as typed, for the translator to fix.
        editor.load_text(self.unmapped.get(row, r.edit_text))
        self._show_title(row)
        self._show_conflict(row)
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
            if not self.memories_ready:
                return  # the memories' arrival looks the current segment up
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
        self._find(MatchesPanel).show(found, self.document.rows[row].source_text, self.mode, chosen=self.chosen_match)
        self.post_message(MatchesShown(row, len(found)))

    @on(MatchChosen)
    def _match_clicked(self, event: MatchChosen) -> None:
        self._choose_match(event.number)

    def _choose_match(self, number: int) -> None:
        row = self.current
        found = self.matches.get(row, []) if row is not None else []
        if not found:
            return
        self.chosen_match = min(max(number, 1), len(found))
        assert row is not None
        self._show_matches(row)

    # -- committing edits ------------------------------------------------------------------------

    @on(TextArea.Changed, "#target")
    def _target_changed(self, event: TextArea.Changed) -> None:
        if self._commit_timer is not None:
            self._commit_timer.stop()
        self._commit_timer = self.set_timer(COMMIT_DELAY, self._while_open(self._commit_editor))
        # The score follows the typing once it pauses (per keystroke it would cost more than the echo).
        if self._score_timer is not None:
            self._score_timer.stop()
        self._score_timer = self.set_timer(SCORE_DELAY, self._while_open(lambda: self.update_scores(document=False)))

    def _while_open(self, callback: Callable[[], None]) -> Callable[[], None]:
        """The callback, skipped once the editor's screen is gone (a timer can fire while the app shuts down)."""

        def run() -> None:
            if self.screen_stack:
                callback()

        return run

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
            self.update_scores()  # the document's score follows each committed edit

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
        self._document_stale = True
        self._find(SegmentList).update_segment(row)
        if row == self.current:
            self._show_title(row)
        self.update_status()

    def _show_title(self, row: int) -> None:
        assert self.document is not None
        r = self.document.rows[row]
        rejected = " · rejected" if r.unit.rejected else ""
        conflict = (
            f" · CONFLICT: {self.keymap.label('keep_ours')} ours, {self.keymap.label('keep_theirs')} theirs"
            if r.in_conflict
            else ""
        )
        position = f"{row + 1} of {len(self.document)}"  # where one is, also when the list is not shown
        self._find("#target").border_title = f"target · {position} · {r.status.value}{rejected}{conflict}"

    def _show_conflict(self, row: int) -> None:
        """While the segment's merge conflict is open, both versions in a panel above (small screens: in place of)
        the matches, for the translator to keep one (the target shows ours until then)."""
        assert self.document is not None
        r = self.document.rows[row]
        base = self.screen_stack[0]
        base.set_class(r.in_conflict, "-conflict")
        if not r.in_conflict or r.conflict is None:
            return
        versions = []
        for side in (ConflictState.OURS, ConflictState.THEIRS):
            unit = r.conflict.version(side)
            versions.append(
                ConflictVersion(
                    key=self.keymap.label(f"keep_{side.value}"),
                    side=side.value,
                    who=None if unit is None else unit.change_id or unit.creation_id,
                    when=None if unit is None else unit.change_date or unit.creation_date,
                    text=r.conflict_text(side),
                )
            )
        self._find(ConflictPanel).show(versions, self.mode)

    def action_keep_ours(self) -> None:
        self._settle_conflict(ConflictState.OURS)

    def action_keep_theirs(self) -> None:
        self._settle_conflict(ConflictState.THEIRS)

    def _settle_conflict(self, side: ConflictState) -> None:
        row = self._current_row()
        if row is None or self.document is None:
            return
        if not self.document.rows[row].in_conflict:
            self.notify("this segment is not a merge conflict", severity="warning")
            return
        self._commit_editor()  # typed text settles it on ours, edited; the pick then decides
        self.document.resolve_conflict(row, side)
        self.matches.pop(row, None)
        self._row_changed(row)
        removed = self.document.rows[row].removed
        self.notify(f"segment {row + 1}: {'deleted, as' if removed else 'kept'} {side.value}")
        if removed:
            self._fill_list(self.current)
        self.go_to(row, force=True, commit=False)

    # -- actions ---------------------------------------------------------------------------------

    def _current_row(self) -> int | None:
        return self.current if self.document is not None else None

    def _qa_warned(self, row: int) -> None:
        """QA's findings on the segment just confirmed (warnings, or errors confirmed anyway): said at once, kept for
        the status bar's count and the list (Alt+Q)."""
        if self.document is None:
            return
        findings = list(self.document.qa_findings)
        if findings:
            self.qa_left[row] = findings
            lines = [finding.describe() for finding in findings]
            self.notify("\n".join(lines), title="QA", severity="warning", timeout=8)
        else:
            self.qa_left.pop(row, None)

    def action_qa_findings(self) -> None:
        """Alt+Q: QA's findings on the current segment as typed, then those left on confirmed segments."""
        row = self._current_row()
        if row is None or self.document is None:
            return
        current = Text(f"segment {row + 1} (as typed)\n", style="bold")
        try:
            findings = self.document.check(row, self._editor_text())
        except PlaceholderError as error:
            current.append(f"  {error}\n", style="red")
        else:
            for finding in findings:
                current.append(f"  {finding.describe()}\n", style=_finding_style(finding))
            if not findings:
                current.append("  no finding\n", style="dim")
        left = Text(f"left on confirmed segments: {self._qa_count()}\n", style="bold")
        for other in sorted(self.qa_left):
            for finding in self.qa_left[other]:
                left.append(f"  {other + 1}: ", style="bold")
                left.append(f"{finding.describe()}\n", style=_finding_style(finding))
        self.push_screen(QaScreen(current, left))

    def _qa_count(self) -> int:
        return sum(len(findings) for findings in self.qa_left.values())

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
        except ConfirmBlocked as blocked:
            self.notify(str(blocked), severity="error", timeout=10)  # QA found an error: a second confirm confirms
            return
        self._placeholders_fixed(row)
        self._qa_warned(row)
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
        except ConfirmBlocked as blocked:
            self.notify(str(blocked), severity="error", timeout=10)  # QA found an error: a second approve approves
            return
        self._placeholders_fixed(row)
        self._qa_warned(row)
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

    def _match(self, number: int) -> Match | None:
        row = self._current_row()
        found = self.matches.get(row, []) if row is not None else []
        if number > len(found):
            self.notify(f"no match {number}" if found else "no match for this segment", severity="warning")
            return None
        return found[number - 1]

    def action_use_match(self, number: int) -> None:
        """Alt+N: the target becomes match N (as Ctrl+N in memoQ and Trados)."""
        match = self._match(number)
        if match is None or self.current is None:
            return
        self.chosen_match = number
        self._replace_target(to_placeholders(match.target))
        self.post_message(MatchInserted(self.current, number))

    def action_replace_match(self) -> None:
        self.action_use_match(self.chosen_match)

    def action_insert_match(self) -> None:
        """Insert the chosen match at the cursor (over the selection): only the part selected in it, if any."""
        match = self._match(self.chosen_match)
        if match is None or self.current is None:
            return
        whole = to_placeholders(match.target)
        part = self._selected_part_of(match.target.plain)
        editor = self.editor
        start, end = sorted(editor.selection)
        self.document.rows[self.current].codes_from_source = True  # type: ignore[union-attr]
        editor.replace(part if part is not None else whole, start, end)
        self._commit_editor()
        self.screen.set_focus(editor)
        self.post_message(MatchInserted(self.current, self.chosen_match))

    def _selected_part_of(self, target: str) -> str | None:
        """The text selected with the mouse in the matches panel, as it stands in ``target`` (logical order)."""
        try:
            selected = self.screen_stack[0].get_selected_text()
        except Exception:  # noqa: BLE001 (no selection support: the whole match)
            return None
        if not selected or not selected.strip():
            return None
        return logical_part(selected, target)

    def action_next_match(self) -> None:
        self._choose_match(self.chosen_match + 1)

    def action_previous_match(self) -> None:
        self._choose_match(self.chosen_match - 1)

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
        self.screen.set_focus(editor)

    def action_concordance(self) -> None:
        """F3: the selection, else the word at the cursor, of the source or the target (whichever has the keys)."""
        focused = self.focused
        if focused is not None and focused.id == "search":
            phrase = self._find("#search", Input).value.strip()
        else:
            area = self.source_view if focused is self.source_view else self.editor
            phrase = area.selected_text.strip() or word_at_cursor(area)
            if not phrase and area is self.editor:
                # Nothing under the target's cursor: the source's selection or word.
                phrase = self.source_view.selected_text.strip() or word_at_cursor(self.source_view)
        phrase = " ".join(strip_placeholders(phrase).split())  # the source's codes ({1}…{/1}) are not words
        if not phrase:
            self.notify("select words in the source or the target, or put the cursor on one (Tab: to the source)")
            return
        self.screen_stack[0].add_class("-concordance")
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
        base = self.screen_stack[0]
        base.add_class("-list")  # on a small screen the list (and its search box) take the editor's place
        # At once, not after the queued keys (`focus()` waits its turn): what is typed after F5 is the search.
        base.set_focus(self._find("#search", Input))

    def action_toggle_list(self) -> None:
        base = self.screen_stack[0]
        base.toggle_class("-list")
        if base.has_class("-list") and base.has_class("-narrow"):
            base.set_focus(self._find(SegmentList))
        else:
            base.set_focus(self.editor)

    def action_toggle_panel(self) -> None:
        self.screen_stack[0].toggle_class("-concordance")

    @on(Input.Submitted, "#search")
    def _searched(self, event: Input.Submitted) -> None:
        # The list shows the hits and the first becomes the current segment; the keys stay in the search box,
        # as in OmegaT's and memoQ's search fields, to refine it (Esc returns to the target, ↓ to the list).
        self.query_text = event.value
        self._fill_list(self.current)
        segments = self._find(SegmentList)
        if segments.rows_shown:
            self.go_to(segments.rows_shown[0])

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
        return self.keymap.label("save_as")

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
        self.push_screen(HelpScreen(self.keymap))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for command in keys.COMMANDS:
            if command.id in ("command_palette", "quit"):
                continue  # the palette is open; Quit is Textual's own entry
            label = self.keymap.label(command.id)
            title = command.tooltip.split(" (")[0].split(":")[0]
            yield SystemCommand(
                f"{title} ({label})" if label else title,
                command.tooltip,
                lambda action=command.action: self.call_later(self.run_action, action),
            )
        for n in range(1, MATCHES_SHOWN + 1):
            yield SystemCommand(
                f"Insert match {n} at the cursor",
                f"Insert match {n}'s translation where the cursor is in the target",
                lambda n=n: self.call_later(self._insert_match_number, n),
            )

    def _insert_match_number(self, number: int) -> None:
        if self._match(number) is not None:
            self.chosen_match = number
            self.action_insert_match()

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
        if self.qa_left:
            parts.append(f"QA {self._qa_count()} ({self.keymap.label('qa_findings')}) ", style="bold yellow")
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

    def update_scores(self, *, document: bool = True) -> None:
        """The current segment's score as typed (effort, or chrF/BLEU/TER against the reference); ``document``: the
        document's too, when a segment changed since it was last worked out."""
        row = self.current
        if self.document is None or row is None:
            return
        text = strip_placeholders(self._editor_text())
        if not self.references:
            inserted = self.inserted.get(row, self.loaded_editor_text)
            effort = edit_effort(strip_placeholders(inserted), text)
            line = Text(f"edit effort {effort:.0f}%", style="bold")
            line.append("  characters changed against the inserted suggestion", style="dim")
            self._find(ScorePanel).show(line, [])
            self.editor.border_subtitle = f"effort {effort:.0f}%"
            return
        corpus = document and self._document_stale
        self._document_stale = self._document_stale and not corpus
        self.compute_scores(row, text, corpus)

    @work(thread=True, exclusive=True, group="scores", exit_on_error=False, description="scoring")
    def compute_scores(self, row: int, text: str, corpus: bool) -> None:
        assert self.document is not None
        lang = self.options.target_lang
        reference = self.references[row] if row < len(self.references) else None
        line = Text()
        subtitle = "no reference"
        if reference:
            scores = [segment_score(text, [reference], metric=m, target_lang=lang) for m in ("chrf", "bleu", "ter")]
            line.append("segment  chrF {:.1f}  BLEU {:.1f}  TER {:.1f}\n".format(*scores), style="bold")
            subtitle = f"chrF {scores[0]:.1f}"
        else:
            line.append("segment  no reference for this segment\n", style="dim")
        if corpus:
            self._document_score = self._score_document(lang)
        document_line, series = self._document_score
        line.append_text(document_line)
        self.call_from_thread(self._scores_found, row, line, series, subtitle)

    def _score_document(self, lang: str) -> tuple[Text, list[float]]:
        assert self.document is not None
        pairs = [
            (r.target_text, ref)
            for r, ref in zip(self.document.rows, self.references, strict=False)
            if ref is not None and r.target_text.strip()
        ]
        if not pairs:
            return Text(), []
        corpus = score_corpus(
            [h for h, _ in pairs], [[ref for _, ref in pairs]], metrics=("chrf", "bleu", "ter"), target_lang=lang
        )
        line = Text(
            f"document chrF {corpus['chrf'].score:.1f}  BLEU {corpus['bleu'].score:.1f}  "
            f"TER {corpus['ter'].score:.1f}  ({len(pairs)} segments)"
        )
        return line, list(corpus["chrf"].segment_scores)

    def _scores_found(self, row: int, line: Text, series: list[float], subtitle: str) -> None:
        self._find(ScorePanel).show(line, series)
        if row == self.current:
            self.editor.border_subtitle = subtitle


def _finding_style(finding: SegmentFinding) -> str:
    return "bold red" if finding.severity is Severity.ERROR else "yellow"


def word_at_cursor(area: TextArea) -> str:
    """The word the cursor of ``area`` is in or just after, without the punctuation around it."""
    row, column = area.cursor_location
    line = area.document.get_line(row)
    start = column
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    end = column
    while end < len(line) and not line[end].isspace():
        end += 1
    return line[start:end].strip(".,;:!?()\"'«»،؛؟“”")


def logical_part(selected: str, text: str) -> str | None:
    """Where ``selected`` (copied off the screen: shaped, and reversed on an RTL line) stands in ``text``."""
    import unicodedata

    flat = " ".join(unicodedata.normalize("NFKC", selected).split())
    for candidate in (flat, flat[::-1]):
        if candidate and candidate in text:
            return candidate
    return None
