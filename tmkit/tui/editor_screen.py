"""The editor's screen: a loaded working file, its segments, matches, concordance and scores, and the keys that
edit it."""

from __future__ import annotations

import asyncio
import bisect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.notifications import Notification, SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static, TextArea
from textual.worker import Worker, get_current_worker

from tmkit.errors import TmkitError
from tmkit.formats.documents import DocumentFormat, document_format
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.config import UNKNOWN_USER, QaOnConfirm
from tmkit.jobs.confirm_checks import SegmentFinding
from tmkit.jobs.journal import ConflictState, PendingJournal
from tmkit.jobs.post_edit import edit_effort
from tmkit.jobs.progress import ProgressCounts
from tmkit.jobs.reference import align_reference
from tmkit.jobs.team_sync import SyncReport, TeamProject
from tmkit.jobs.workfile import ChangedOnDiskError, ConfirmBlocked, RowFilter, WorkFile
from tmkit.matching.concordance import ConcordanceHit, concordance
from tmkit.matching.matcher import Match, Matcher, too_long_to_match
from tmkit.matching.memory_index import MemoryIndex, open_memory
from tmkit.memory.langtags import primary_subtag
from tmkit.memory.model import Status, TranslationUnit, pretranslation, rejection_reason
from tmkit.quality.defaults import Severity
from tmkit.quality.scoring import score_corpus, segment_score
from tmkit.quality.spelling import Misspelling, SpellChecker, spell_checker_for
from tmkit.shared.urls import is_database_url
from tmkit.terms.model import Term, TermStatus
from tmkit.terms.recognize import TermHit
from tmkit.text.placeholders import PlaceholderError, strip_placeholders, to_placeholders
from tmkit.text.scripts import has_arabic
from tmkit.tui import keys
from tmkit.tui.display import (
    VTE_EXPLICIT,
    VTE_IMPLICIT,
    BidiMode,
    BidiText,
    DiffText,
    VisualHighlighter,
    clip,
    is_vte,
    one_line,
)
from tmkit.tui.finishing import (
    DocumentFinished,
    FinishRequest,
    FinishScreen,
    guess_document,
    write_translated_document,
)
from tmkit.tui.keymap import Keymap, preset_keymap
from tmkit.tui.messages import (
    DocumentFailed,
    DocumentSaved,
    MatchChosen,
    MatchesShown,
    MatchInserted,
    SegmentApproved,
    SegmentConfirmed,
    SegmentRejected,
)
from tmkit.tui.options import EditorOptions
from tmkit.tui.screens import (
    ChangedOnDiskScreen,
    ChangesScreen,
    HelpScreen,
    NotesScreen,
    QaScreen,
    QuitScreen,
    RejectScreen,
    SaveAsScreen,
)
from tmkit.tui.terms import (
    AddTermScreen,
    LoadedTerms,
    NewTerm,
    ShownTerm,
    SuggestionsScreen,
    numbered_terms,
    terms_text,
)
from tmkit.tui.textual_adapter import (
    SearchInput,
    set_bindings,
    withdraw_notice,
    withdrawable_notice,
    write_to_terminal,
)
from tmkit.tui.widgets.bidi_editor import FORBIDDEN_MARK, MISSPELLED_MARK, BidiTextArea
from tmkit.tui.widgets.panels import (
    ConcordancePanel,
    ConflictPanel,
    ConflictVersion,
    MatchesPanel,
    ScorePanel,
    StatusBar,
    TermsPanel,
    tmx_day,
)
from tmkit.tui.widgets.segment_list import SegmentList, header_line

if TYPE_CHECKING:
    from textual.widget import Widget

    from tmkit.jobs.shared_save import SharedSave
    from tmkit.shared.live import LiveIndex

FILTERS: tuple[RowFilter, ...] = tuple(RowFilter)
#: The own index is built anew, not updated by its delta, once the delta would hold more than this share of the
#: document's units: each confirm indexes the whole delta again (600 of 2,900 units: 58 ms, the build 98 ms).
OWN_DELTA_SHARE = 0.25
#: Seconds the team's follower waits before its first try to reconnect to a shared memory it lost, doubled after
#: each failed try up to the second figure: a server restarting is back within seconds, one down for long is not
#: asked a few times a second all afternoon.
FOLLOW_RETRY_FIRST = 0.5
FOLLOW_RETRY_MAX = 30.0
#: Seconds at most a pause between those tries waits before it looks whether the editor is closing.
FOLLOW_WAIT = 0.25


@dataclass(frozen=True)
class OwnPending:
    """What a worker updating the own index takes in: the rows changed, and whether the document was read again."""

    rows: frozenset[int]
    anew: bool = False


#: Escape: back to the target from the search box, the list, the source or a panel (not a command of the keymap).
#: The App takes it in the order the keys came (`back_to_target_in_order`); the binding names it in the footer.
BACK_KEY = "escape"
BACK_TO_TARGET = (Binding(BACK_KEY, "back_to_target", "Back", tooltip="Back to the target"),)
#: Widgets that take no typing: a printable key pressed while one has the focus goes to the target instead.
NOT_TYPED_INTO = frozenset({"segments", "matches-box", "concordance-box", "source"})
#: Screen widths (columns) from which the segment list stands beside the editor, and heights (rows) from which
#: the concordance and scores stand below the matches; smaller screens show them in turns.
WIDE_FROM = 120
TALL_FROM = 28
#: Target languages written right to left (the target editor's paragraph direction).
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
#: Matches shown per segment (Alt+1…5 use them).
MATCHES_SHOWN = keys.MATCH_KEYS
#: The confirmed segments of a reopened file are checked this many at a time, with a pause between (`review_confirmed`).
REVIEW_BATCH = 32
REVIEW_PAUSE_S = 0.005
#: The status bar shows this many characters of the list's search at most...
STATUS_QUERY_CHARS = 16
#: ...and these fewer where the counts would not fit beside it.
STATUS_QUERY_SHORTER = (10, 6)
#: Segments after the current one whose matches are prefetched.
PREFETCH = 3
#: Seconds a notice of why a segment was not confirmed stays up, unless the segment is confirmed first.
REFUSAL_SHOWN_S = 30.0
#: Seconds of quiet typing after which the target is committed to the document (and its journal).
COMMIT_DELAY = 0.6
#: Seconds the indexing worker waits at most for the first screen to be painted.
FIRST_PAINT_WAIT = 2.0
#: Seconds of quiet typing after which the segment's score is worked out again (it follows the typing).
SCORE_DELAY = 0.3
#: The order F9 cycles the Arabic display through.
BIDI_CYCLE = (BidiMode.APP, BidiMode.TERMINAL, BidiMode.OFF)
#: Seconds of quiet typing after which the target is checked for forbidden terms and misspellings.
TARGET_CHECK_DELAY = SCORE_DELAY
#: Terms of the source with a number in the terms panel (the term key, then 1…9).
TERMS_SHOWN = keys.TERM_KEYS
#: The digits that follow the term key.
TERM_DIGITS = {str(n): n for n in range(1, TERMS_SHOWN + 1)}


class EditorScreen(Screen[None]):
    """Translate a loaded working file segment by segment with matches, concordance and scores.

    It is given the document (never None here: the loading screen read it) and a matcher (empty until the
    memories, indexed after the first paint, replace it). The current segment, the list's filter and search, and
    the Arabic display mode are reactive: their watchers show what depends on them.
    """

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_FROM, "-wide")]  # noqa: RUF012 (Textual's own declaration)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL_FROM, "-tall")]  # noqa: RUF012
    #: tmkit's own keys; the keymap in use (preset or file) replaces them by command id for each screen.
    BINDINGS: ClassVar[list[BindingType]] = [*preset_keymap().bindings(), *BACK_TO_TARGET]
    #: The target has the keys from the start.
    AUTO_FOCUS: ClassVar[str | None] = "#target"

    #: The row of the segment being translated (set through `go_to`, which commits the one left first).
    current: var[int] = var(0, init=False, always_update=True)
    #: The status the segment list shows.
    row_filter: var[RowFilter] = var(RowFilter.ALL, init=False)
    #: The search the segment list shows the hits of ("" for none).
    query_text: var[str] = var("", init=False, always_update=True)
    #: How Arabic is displayed (F9 cycles it).
    mode: var[BidiMode] = var(BidiMode.APP, init=False)
    #: The match Insert and Replace use (1-based): match 1 on each segment, or the one clicked, chosen or used.
    chosen_match: var[int] = var(1, init=False)
    #: A problem the status bar shows until it is settled (e.g. placeholders to fix); "" for none.
    status_note: var[str] = var("", init=False)

    def __init__(
        self,
        document: WorkFile,
        matcher: Matcher,
        *,
        options: EditorOptions,
        keymap: Keymap,
        mode: BidiMode,
        early_text: str = "",
    ) -> None:
        super().__init__()
        self.document = document
        self.matcher = matcher
        self.options = options
        self.keymap = keymap
        #: What was typed while the file was being read: it goes into the first segment's target.
        self.early_text = early_text
        self.set_reactive(EditorScreen.mode, mode)
        first = document.next_unconfirmed(-1)
        self.set_reactive(EditorScreen.current, first if first is not None else 0)
        # The keymap's commands act on this screen: under a dialog they are out of the key chain, so do nothing.
        set_bindings(self, [*keymap.bindings(), *BACK_TO_TARGET])
        #: Segments and words by status, kept up to date one edited row at a time (the status bar shows them).
        self.progress = ProgressCounts(document)
        #: Matches by row, prefetched or looked up, for the current `matcher` (emptied when it changes).
        self.matches: dict[int, list[Match]] = {}
        #: Whether the memories are open: until then a segment's matches are "looking up…", never "no match".
        self.memories_ready = False
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
        self._commit_timer: Timer | None = None
        #: A row a word was committed to whose list row, title, status bar and scores wait for the pause to show it.
        self._unshown_commit: int | None = None
        self._vte_switched = False
        #: Set once the first screen with the document is painted (the indexing worker waits for it).
        self.first_paint = threading.Event()
        #: Whether the screen is mounted and shows the document (its widgets are there).
        self.shown = False
        #: The termbases of `--terms` once read (a worker reads them and builds their recognizers).
        self.terms: LoadedTerms | None = None
        #: The numbered terms of the current source (row, lines), once recognized.
        self.shown_terms: tuple[int, list[ShownTerm]] = (-1, [])
        #: The forbidden terms and misspelled words of the target as last checked, with the text checked.
        self.target_findings: tuple[str, list[TermHit], list[Misspelling]] = ("", [], [])
        #: Whether the term key was pressed: the next digit inserts that term (`EditorApp` routes it).
        self.term_key_armed = False
        #: The target's spell checker (off without a dictionary or hunspell, or without `options.spelling`).
        self.spelling: SpellChecker | None = None
        #: Why spelling is off, with where a dictionary was looked for and what to install (when it was asked for).
        self.spelling_off: str | None = None
        self._target_check_timer: Timer | None = None
        #: The shared memories (postgresql://) whose indexes follow the units the team confirms (`follow_team`).
        self.live_indexes: list[LiveIndex] = []
        #: Those of them whose connection was lost (by id): the status bar says they do not follow the team now.
        self._unfollowed: set[int] = set()
        #: The last team sync's line for the status bar ("" before the first; `tmkit.jobs.team_sync`).
        self.team_status = ""
        #: The document's units as the main part of its own index (the last memory) was built over: a confirmed
        #: segment's unit is found in it by number, and a list changed since (a reload) means a new build.
        self._own_units: list[TranslationUnit] = []
        #: Rows changed by a confirm (approve, reject, undo) whose unit the own index has not taken in yet.
        self._own_rows: set[int] = set()
        #: Whether the document was read again (reload, merge, recovery) since: the own index is to be built anew.
        self._own_anew = False
        #: The notice saying why a segment was not confirmed (`_refused`), while it is up.
        self._refusal: Notification | None = None

    # -- layout ----------------------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification with its Arabic shaped and in display order (`_as_shown`). Its text is no markup unless
        asked: a notice quotes what translators typed (QA's findings quote whole translations), and a translation with
        an editor's brackets ("[the minister]") lost them, or ("[/b]") stopped the editor with a MarkupError."""
        message, markup = self._as_shown(message, markup=markup)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _as_shown(self, message: str, *, markup: bool) -> tuple[str, bool]:
        """A notice's text with its Arabic shaped and in display order, line by line, as every panel shows it (a QA
        finding quoting the source showed its Arabic unjoined and backwards); reordered, it is no markup."""
        if self.mode is BidiMode.APP and has_arabic(message):
            return "\n".join(one_line(line, self.mode).plain for line in message.split("\n")), False
        return message, markup

    def compose(self) -> ComposeResult:
        """The one place the editor's panels are composed: the list left, the segment and its helpers right."""
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield from self.compose_list()
            with Vertical(id="right"):
                yield from self.compose_segment()
                yield from self.compose_helpers()
        yield StatusBar(id="status")
        yield Footer(show_command_palette=False, compact=True)

    def compose_list(self) -> ComposeResult:
        search = SearchInput(
            on_submit=self.search,
            placeholder=f"search source and target ({self.keymap.label('search')})",
            id="search",
            highlighter=VisualHighlighter(lambda: self.mode),
        )
        search.cursor_blink = self.options.cursor_blink
        yield search
        yield Static(id="filter-label")
        yield Static(header_line(), id="list-header")
        yield SegmentList(on_choose=self.chosen, id="segments")

    def compose_segment(self) -> ComposeResult:
        # Read-only, with a cursor and a selection: F3 looks up a source term from here.
        source = BidiTextArea(id="source", classes="panel", soft_wrap=True, read_only=True, tab_behavior="focus")
        source.cursor_blink = False
        yield source
        target = BidiTextArea(id="target", classes="panel", soft_wrap=True, tab_behavior="focus")
        # Set before mounting: Textual caches a line drawn mid-blink under the same key as one drawn unblinking.
        target.cursor_blink = self.options.cursor_blink
        target.on_word_ended = self._commit_word  # each word typed is an undo step of the document's
        yield target

    def compose_helpers(self) -> ComposeResult:
        """The panels below the target (a new panel goes here), each in a scroller a click does not focus."""
        with VerticalScroll(id="conflict-box", classes="panel"):
            yield ConflictPanel(id="conflict")
        with VerticalScroll(id="terms-box", classes="panel"):
            yield TermsPanel(id="terms")
        with VerticalScroll(id="matches-box", classes="panel"):
            yield MatchesPanel(id="matches")
        with VerticalScroll(id="concordance-box", classes="panel"):
            yield ConcordancePanel(id="concordance")
        yield ScorePanel(id="scores", classes="panel")

    # -- typed accessors for the widgets ---------------------------------------------------------

    @property
    def target_view(self) -> BidiTextArea:
        """The target editor (kept once mounted: it is needed on every keystroke)."""
        return self._target

    @property
    def source_view(self) -> BidiTextArea:
        return self.query_one("#source", BidiTextArea)

    @property
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def filter_label(self) -> Static:
        return self.query_one("#filter-label", Static)

    @property
    def segment_list(self) -> SegmentList:
        return self.query_one("#segments", SegmentList)

    @property
    def matches_panel(self) -> MatchesPanel:
        return self.query_one("#matches", MatchesPanel)

    @property
    def conflict_panel(self) -> ConflictPanel:
        return self.query_one("#conflict", ConflictPanel)

    @property
    def concordance_panel(self) -> ConcordancePanel:
        return self.query_one("#concordance", ConcordancePanel)

    @property
    def terms_panel(self) -> TermsPanel:
        return self.query_one("#terms", TermsPanel)

    @property
    def score_panel(self) -> ScorePanel:
        return self.query_one("#scores", ScorePanel)

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    def on_mount(self) -> None:
        self.size_classes()
        self._target = self.query_one("#target", BidiTextArea)
        self.target_view.set_bidi(self.mode, rtl=primary_subtag(self.options.target_lang) in RTL_LANGUAGES)
        self.source_view.set_bidi(self.mode, rtl=primary_subtag(self.options.source_lang) in RTL_LANGUAGES)
        for scroller in self.query(VerticalScroll):
            # A click there shows or chooses; the keyboard stays with the target.
            scroller.FOCUS_ON_CLICK = False  # type: ignore[misc]
        self.source_view.border_title = "source"
        self.target_view.border_title = "target"
        self.query_one("#matches-box").border_title = "matches"
        self.query_one("#conflict-box").border_title = "merge conflict"
        self.query_one("#concordance-box").border_title = "concordance (F3)"
        self.query_one("#terms-box").border_title = "terms"
        self.set_class(bool(self.options.terms), "-terms")  # the panel is there only with --terms
        self.score_panel.border_title = "score"
        self.concordance_panel.show("", [], self.mode)
        self._switch_vte(explicit=True)
        self._fill_list()
        self.watch_current(self.current)
        if self.early_text:
            # Typed before the file was shown: kept, not dropped, where the cursor is (the end, as on every move).
            self.target_view.insert(self.early_text)
        self.set_focus(self.target_view)
        self.shown = True
        self.call_after_refresh(self.first_paint.set)
        self.open_memories()
        if not self.options.terms:
            self.review_confirmed()  # (with termbases, once they are read)
        if self.options.terms:
            self.terms_panel.show(Text("reading the termbases…", style="dim"))
        if self.options.terms or self.options.spelling:
            self.open_terms()
        if self.options.team_sync_interval:
            self.set_interval(self.options.team_sync_interval, self.action_team_sync)

    def on_resize(self) -> None:
        self.update_status()  # the counts are written to fit the width
        if len(self.document):
            self.call_after_refresh(lambda: self._show_notes(self.current))  # cut to the source panel's new width

    def size_classes(self) -> None:
        """Give the screen its size classes (`-narrow`/`-wide`, `-short`/`-tall`) now, from the terminal's size.

        Textual sets them when the screen takes its first Resize from its own queue; on a loaded machine the document
        was shown before that, in neither layout (at 80x24 the list beside the editor, the conflict's keys cut off).
        The Resize then sets the same classes.
        """
        width, height = self.app.size
        for breakpoints, size in ((self.HORIZONTAL_BREAKPOINTS, width), (self.VERTICAL_BREAKPOINTS, height)):
            assert breakpoints is not None
            reached = [name for start, name in sorted(breakpoints) if size >= start]
            for _, name in breakpoints:
                self.set_class(bool(reached) and name == reached[-1], name)

    def _switch_vte(self, *, explicit: bool) -> None:
        """In app mode on VTE, stop the terminal's own reordering (it would reverse our visual order)."""
        env = self.options.env or None
        if not is_vte(env):
            return
        if explicit and self.mode is BidiMode.APP and not self._vte_switched:
            self._vte_switched = write_to_terminal(self.app, VTE_EXPLICIT)
        elif not explicit and self._vte_switched:
            write_to_terminal(self.app, VTE_IMPLICIT)
            self._vte_switched = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back_to_target":
            # In the footer ("Esc Back") whenever the keys are elsewhere than the target.
            return self.shown and self.focused is not self.target_view
        return True

    def back_key_is_back(self) -> bool:
        """Whether Escape pressed now means "back to the target": the keys are elsewhere, and no command of the
        keymap has Escape."""
        return self.check_action("back_to_target", ()) is True and not any(
            BACK_KEY in k for k in self.keymap.keys.values()
        )

    def typing_goes_to_target(self, key: str) -> bool:
        """Whether a printable ``key`` pressed now belongs in the target: the focus is on a widget that takes no
        typing (after a click in the list or the matches) and the key is no command's."""
        focused = self.focused
        return (
            focused is not None
            and focused.id in NOT_TYPED_INTO
            and not any(key in k for k in self.keymap.keys.values())
        )

    def action_back_to_target(self) -> None:
        """Escape: back to the target from the search box, the list, the source or a panel."""
        self.remove_class("-list")
        self.set_focus(self.target_view)

    def back_to_target_in_order(self) -> None:
        """Escape as the App takes it, in the order the keys came: what is typed next goes to the target, which takes
        it only once the widget left has handled every key typed before Escape.

        As a binding, Escape ran only once it had gone down to the search box and bubbled back up to the App, and
        the letters typed right after it had been sent to the search box meanwhile. Moved at once, the target could
        take them before the search box had handled an Enter typed before Escape (the search opens its first hit,
        which would have left the letters in the segment before).
        """
        left = self.focused
        self.clear_selection()  # what Escape does on its way up (Textual's `Screen._key_escape`)
        self.action_back_to_target()
        self._target_waits_for(left)

    def focus_target_in_order(self) -> None:
        """A letter typed while the list or a panel has the keys (`typing_goes_to_target`), as the App takes it: the
        target takes it once the widget left has handled the keys typed before it (↓ in the list opens a segment)."""
        left = self.focused
        self.set_focus(self.target_view)
        self._target_waits_for(left)

    def _target_waits_for(self, left: Widget | None) -> None:
        """The target takes what is sent to it from now on only once ``left`` has handled what was sent to it before
        (each widget takes its keys in its own queue, in the order they came: the order between two queues is
        the event loop's)."""
        if left is None or left is self.target_view:
            return
        handled = asyncio.Event()
        if not left.call_later(handled.set):
            return  # it takes no more messages: nothing of it to wait for
        self.target_view.call_later(handled.wait)

    async def action_quit(self) -> None:
        self._commit_editor()
        if self.document.dirty:
            self.app.push_screen(QuitScreen(unsafe=self.document.unsafe_edits), self._quit_answered)
            return
        self.leave()

    def _quit_answered(self, answer: str | None) -> None:
        if answer == "save":
            if self._save():
                self.leave()
        elif answer == "save_as":
            self.action_save_as()
        elif answer == "quit":
            # The translator chose to drop the edits: the next start must not offer them back.
            self.document.discard_journal()
            self.leave()

    def leave(self, *, return_code: int = 0) -> None:
        self._switch_vte(explicit=False)
        if self.spelling is not None:
            self.spelling.close()  # its hunspell processes
        self.document.close_journal()
        self.app.exit(return_code=return_code)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.keymap))

    def action_command_palette(self) -> None:
        self.app.action_command_palette()

    # -- the memories (a worker) -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="memories", exit_on_error=False, description="opening the memories")
    def open_memories(self) -> None:
        o = self.options
        # Indexing holds the GIL for seconds: let the first screen be painted before it starts.
        self.first_paint.wait(FIRST_PAINT_WAIT)
        try:
            # First: a save waits for this read, and a version read later may already hold someone else's change.
            self._read_shared_versions()
            indexes = [self._open_memory(p) for p in o.memories]
            self._own_units = list(self.document.memory.units)
            own = self._build_own(self._own_units)
            references: list[str | None] = []
            if o.reference is not None:
                references = align_reference(
                    self.document.rows,
                    load_tmx(o.reference),
                    source_lang=o.source_lang,
                    target_lang=o.target_lang,
                )
        except (TmkitError, OSError) as exc:
            # A memory that cannot be read ends the editor with tmkit's one-line error and exit code 2.
            self.app.call_from_thread(self._memories_failed, str(exc))
            return
        self.app.call_from_thread(self.memories_loaded, indexes, own, references)

    def _read_shared_versions(self) -> None:
        """The versions a shared --save-to memory holds now of the document's pairs (in the memories' worker), or
        those the working file kept: a save writes each pair at its version, and one someone else changed since
        becomes a conflict row. The working file keeps them (on the screen's thread: it edits the document)."""
        save_to = self.options.save_to
        if not (isinstance(save_to, str) and is_database_url(save_to)):
            return
        shared = self.document.shared_save(save_to)
        try:
            shared.read(self.document, persist=False)
        except TmkitError as error:
            # Saving still works: a save reads the versions it lacks first.
            self.notify(f"{error}; a save reads them again", severity="warning", timeout=15, markup=False)
            return
        self.app.call_from_thread(self._keep_shared_versions, shared)

    def _keep_shared_versions(self, shared: SharedSave) -> None:
        """Write the versions read into the working file while it holds no unsaved edits (else its next save does)."""
        why = shared.persist(self.document)
        if why is not None:
            self.notify(f"{self.document.path.name} not saved with the versions read: {why}", severity="warning")

    def _open_memory(self, memory: Path | str) -> MemoryIndex:
        """A memory's index (in the memories' worker); a shared one (postgresql://) follows the team's units."""
        o = self.options
        if isinstance(memory, str) and is_database_url(memory):
            from tmkit.shared.live import LiveIndex

            live = LiveIndex(memory, source_lang=o.source_lang, target_lang=o.target_lang, on_notice=self._cache_notice)
            self.live_indexes.append(live)
            return live.index
        return open_memory(memory, source_lang=o.source_lang, target_lang=o.target_lang, on_notice=self._cache_notice)

    @work(thread=True, group="team-units", exit_on_error=False, description="following the team's units")
    def follow_team(self, live: LiveIndex) -> None:
        """Feed the units the team confirms in a shared memory to the matcher, a moment after each commit.

        A lost connection (the server restarted, the network dropped) is no reason to stop for the rest of the
        session: the status bar says following is off, and the connections are opened again with a growing
        pause between tries (`FOLLOW_RETRY_FIRST` to `FOLLOW_RETRY_MAX`), catching up on what was written
        meanwhile. Lookups go on in the index as it stands all the while.
        """
        worker = get_current_worker()
        pause = FOLLOW_RETRY_FIRST
        try:
            while not worker.is_cancelled:
                before = live.index
                try:
                    live.follow()
                    if live.updated:
                        self.app.call_from_thread(self._memory_replaced, before, live.index)
                    pause = FOLLOW_RETRY_FIRST  # followed: a loss from now on starts with the first pause again
                except TmkitError as error:
                    self.app.call_from_thread(self._following_lost, live, str(error))
                    # (The pause grows on until a follow works: a connection that opens but fails at once to follow
                    # was retried every half second, catching up in full each time.)
                    next_pause = self._reconnect(live, worker, pause)
                    if next_pause is None:
                        return  # the editor is closing
                    pause = next_pause
                    self.app.call_from_thread(self._following_again, live, before)
        finally:
            live.close()

    def _reconnect(self, live: LiveIndex, worker: Worker[None], pause: float) -> float | None:
        """Try `LiveIndex.reconnect` until it works, after ``pause`` and each pause twice the last: the pause to begin
        with should following fail again at once (None: cancelled)."""
        while True:
            resume = time.monotonic() + pause
            # In short waits, so that closing the editor does not wait for a long pause to end.
            while (left := resume - time.monotonic()) > 0:
                if worker.is_cancelled:
                    return False
                time.sleep(min(left, FOLLOW_WAIT))
            if worker.is_cancelled:
                return False
            pause = min(2 * pause, FOLLOW_RETRY_MAX)
            try:
                live.reconnect()
            except TmkitError:
                continue
            return pause

    def _following_lost(self, live: LiveIndex, message: str) -> None:
        if id(live) not in self._unfollowed:
            self._unfollowed.add(id(live))
            self.notify(
                f"{message}; its matches stop following the team until it is back (trying again)",
                severity="warning",
                timeout=15,
                markup=False,
            )
        self.update_status()

    def _following_again(self, live: LiveIndex, before: MemoryIndex) -> None:
        self._unfollowed.discard(id(live))
        self.notify("following the team's units again", severity="information", markup=False)
        self._memory_replaced(before, live.index)  # caught up: what the team wrote meanwhile is matched now
        self.update_status()

    def _memory_replaced(self, before: MemoryIndex, after: MemoryIndex) -> None:
        """A memory's index took new units (the team's, a save's, a confirmed segment): the matches are looked up
        again in it. An index replaced meanwhile stays as it is."""
        if not any(memory is before for memory in self.matcher.memories):
            return
        self.matcher = Matcher([after if memory is before else memory for memory in self.matcher.memories])
        self.matches.clear()
        if self.memories_ready:
            self.lookup(self.current)

    def _build_own(self, units: list[TranslationUnit]) -> MemoryIndex:
        """The index of the document's own units (in a worker), searched as the last memory."""
        o = self.options
        return MemoryIndex.build(units, source_lang=o.source_lang, target_lang=o.target_lang, name=o.path.name)

    def _index_own(self, *rows: int, anew: bool = False) -> None:
        """Rows confirmed (approved, rejected, undone) go into the own index in a worker: the next segments match
        them at once, while the translator types on. ``anew``: the document was read again, the index is built."""
        self._own_rows.update(rows)
        self._own_anew |= anew
        if not self.memories_ready:
            return  # `memories_loaded` starts it
        units = list(self.document.memory.units)  # a snapshot: a settled conflict changes the list in place
        changed = [self.document.rows[row].unit for row in self._own_rows if row < len(self.document)]
        pending = OwnPending(frozenset(self._own_rows), anew=self._own_anew)
        self.update_own_index(self.matcher.memories[-1], units, changed, pending)

    @work(thread=True, exclusive=True, group="own-index", exit_on_error=False, description="indexing confirmed units")
    def update_own_index(
        self, own: MemoryIndex, units: list[TranslationUnit], changed: list[TranslationUnit], pending: OwnPending
    ) -> None:
        """``own`` with the ``changed`` units as they are now: by a delta over the units it was built over while the
        list is theirs, else built anew. A newer confirm cancels this one and takes its rows too."""
        worker = get_current_worker()
        built_over = self._own_units
        same_list = len(units) >= len(built_over) and all(a is b for a, b in zip(built_over, units, strict=False))
        wanted = {id(unit) for unit in changed}
        numbers = [n for n, unit in enumerate(units) if id(unit) in wanted]
        small = len(own.delta_units) + len(numbers) <= OWN_DELTA_SHARE * len(units)
        if same_list and small and not pending.anew:
            updated = own.with_units(numbers, unit_at=lambda n: units[n] if n < len(units) else None)
            new_base = None
        else:
            updated, new_base = self._build_own(units), units
        if not worker.is_cancelled:
            self.app.call_from_thread(self._own_indexed, own, updated, new_base, pending)

    def _own_indexed(
        self, own: MemoryIndex, updated: MemoryIndex, new_base: list[TranslationUnit] | None, pending: OwnPending
    ) -> None:
        if not self.matcher.memories or self.matcher.memories[-1] is not own:
            if self._own_rows or self._own_anew:
                self._index_own()  # the index changed under it (the memories reopened): again over the new one
            return
        if new_base is not None:
            self._own_units = new_base
            self._own_anew = False
        self._own_rows -= pending.rows
        self._memory_replaced(own, updated)

    def _save_to_file(self) -> list[Path]:
        """The --save-to memory when it is a file (a shared one is followed by its live index)."""
        return [self.options.save_to] if isinstance(self.options.save_to, Path) else []

    def _reopen_memories(self, *files: Path | str) -> None:
        """The --tm memories among ``files`` (just written by a save or a team sync) are opened again in a worker: a
        delta over their cached index, not a rebuild, and the matches come from them as written."""
        written = {Path(f).resolve() for f in files if not (isinstance(f, str) and is_database_url(f))}
        for position, memory in enumerate(self.options.memories):
            if not self.memories_ready or (isinstance(memory, str) and is_database_url(memory)):
                continue
            if Path(memory).resolve() in written and position < len(self.matcher.memories) - 1:
                self.reopen_memory(self.matcher.memories[position], Path(memory))

    @work(thread=True, group="reopen", exit_on_error=False, description="opening a memory written")
    def reopen_memory(self, before: MemoryIndex, memory: Path) -> None:
        try:
            after = self._open_memory(memory)
        except (TmkitError, OSError) as error:
            # The index as it stands goes on answering; the translator is told why it did not take the save.
            self.notify(f"{error}; its matches are as before the save", severity="warning", timeout=15, markup=False)
            return
        after.penalty = before.penalty
        self.app.call_from_thread(self._memory_replaced, before, after)

    def _cache_notice(self, line: str) -> None:
        """A memory's cached index was found damaged and is rebuilt (at load, or later from a lookup's worker).

        `notify` posts a message, so any thread may call this.
        """
        self.notify(line, severity="warning", timeout=10, markup=False)

    def _memories_failed(self, message: str) -> None:
        """A memory, the reference or a termbase cannot be read: the App exits with the line and code 2.

        The App exits when it handles the message, not here: exiting first lost the message, and the
        editor ended with code 2 and no word of why.
        """
        self._switch_vte(explicit=False)
        if self.spelling is not None:
            self.spelling.close()
        for live in self.live_indexes:
            live.close()  # their followers never started
        self._commit_editor()  # what was typed while they were read goes to the journal, to recover next time
        self.document.close_journal()
        self.post_message(DocumentFailed(message))

    # -- terms and spelling (workers) ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="terms", exit_on_error=False, description="reading the termbases")
    def open_terms(self) -> None:
        """Read the termbases and build their recognizers, then start the spell checker (terms and the memories'
        target side allowed); neither holds up the keys."""
        o = self.options
        self.first_paint.wait(FIRST_PAINT_WAIT)
        terms = None
        if o.terms:
            try:
                terms = LoadedTerms.load(o.terms, source_lang=o.source_lang, target_lang=o.target_lang)
            except (TmkitError, OSError) as exc:
                # A termbase that cannot be read ends the editor with tmkit's one-line error, as a memory does.
                self.app.call_from_thread(self._memories_failed, str(exc))
                return
            for note in terms.notes:
                self._cache_notice(note)
            self.app.call_from_thread(self._terms_loaded, terms)
        if o.spelling:
            checker = spell_checker_for(
                o.target_lang,
                memories=[str(m) for m in o.memories],
                allowed=terms.words(o.target_lang) if terms is not None else (),
                dictionary_dirs=[str(d) for d in o.dictionary_dirs],
            )
            self.app.call_from_thread(self._spelling_ready, checker)

    def _terms_loaded(self, terms: LoadedTerms) -> None:
        self.terms = terms
        self.document.terms = terms.merged  # term-missing and term-forbidden on confirm
        self.find_terms(self.current)
        self.check_target_later(at_once=True)
        self.review_confirmed()  # with the terms: term-missing among them

    @work(thread=True, exclusive=True, group="qa", exit_on_error=False, description="checking the confirmed segments")
    def review_confirmed(self) -> None:
        """QA's findings on the segments confirmed in an earlier session, for the status bar's count and Alt+Q: they
        were kept only for the segments confirmed since the editor opened, so a reopened file said "QA 0" over
        warnings `tmkit qa` still found."""
        if self.document.qa_on_confirm is QaOnConfirm.OFF:
            return
        self.first_paint.wait(FIRST_PAINT_WAIT)
        worker = get_current_worker()
        found: list[tuple[int, str, list[SegmentFinding]]] = []
        checked = 0
        # The consistency checks over the whole job at once (by row), not each segment against all the others.
        consistency = self.document.consistency_findings()
        for row, r in enumerate(list(self.document.rows)):
            if worker.is_cancelled:
                return
            if r.removed or not r.confirmed:
                continue
            text = r.edit_text
            try:
                findings = self.document.check(row, text, consistency=False) + consistency.get(row, [])
            except PlaceholderError:
                continue  # (as saved, a target's codes are its source's: not met in a file tmkit wrote)
            if findings:
                found.append((row, text, findings))
            checked += 1
            # The interpreter's lock handed to the keys between segments (~0.3 ms each), not every 5 ms, and a pause
            # every `REVIEW_BATCH` segments for the lookups: on a reopened job of 10,000 confirmed segments typing
            # echoed in 33-37 ms (median) while this ran, 19 ms without, and moving on took twice as long.
            time.sleep(REVIEW_PAUSE_S if checked % REVIEW_BATCH == 0 else 0)
        self.app.call_from_thread(self._confirmed_reviewed, found)

    def _confirmed_reviewed(self, found: list[tuple[int, str, list[SegmentFinding]]]) -> None:
        """Keep the findings of the confirmed segments the translator has not changed or confirmed meanwhile."""
        for row, text, findings in found:
            r = self.document.rows[row]
            if row not in self.qa_left and r.confirmed and r.edit_text == text:
                self.qa_left[row] = findings
        if found:
            self.update_status()

    def _spelling_ready(self, checker: SpellChecker) -> None:
        if not self.is_attached:
            checker.close()
            return
        self.spelling = checker
        if not self._spelling_went_off(checker):
            self.check_target_later(at_once=True)

    def _spelling_went_off(self, checker: SpellChecker) -> bool:
        """Whether this checker is off (none found at start, or a hunspell that failed since). The target's is then
        dropped, the marks it made cleared, and the translator told in a few words, once."""
        if checker.enabled:
            return False
        if checker is not self.spelling:
            return True  # dropped already
        checker.close()
        self.spelling = None
        # A few words, for a few seconds: where it looked and what to install filled twelve rows at 80x24 and
        # hid the matches for ten seconds at every start. The spelling key gives the whole line.
        self.spelling_off = checker.notice
        key = self.keymap.label("spelling")
        summary = checker.summary or "spelling is off"
        self.notify(f"{summary}{f' ({key} says why)' if key else ''}", severity="warning", markup=False)
        if self.terms is None:
            self.target_findings = ("", [], [])
            self.target_view.set_marks([])
        self.check_target_later(at_once=True)  # the forbidden terms alone
        return True

    def find_terms(self, row: int) -> None:
        """Show the terms of ``row``'s source (recognized in a worker: 50,000 terms take a few ms a segment)."""
        if self.terms is not None:
            self._recognize_source(row, self.terms)

    @work(thread=True, exclusive=True, group="source-terms", exit_on_error=False, description="finding terms")
    def _recognize_source(self, row: int, terms: LoadedTerms) -> None:
        o = self.options
        recognizer = terms.merged.recognizer(o.source_lang, o.target_lang)
        hits = recognizer.recognize(self.document.rows[row].source_text, overlapping=False)
        self.app.call_from_thread(self._source_terms_found, row, numbered_terms(hits, TERMS_SHOWN))

    def _source_terms_found(self, row: int, shown: list[ShownTerm]) -> None:
        if row != self.current:
            return
        self.shown_terms = (row, shown)
        self._show_terms()

    def _show_terms(self) -> None:
        if self.terms is None:
            return
        row, shown = self.shown_terms
        text, forbidden, _ = self.target_findings
        typed = forbidden if text == self._editor_text() else []
        shown = shown if row == self.current else []
        self.terms_panel.show(terms_text(shown, typed, self.mode, target_lang=self.options.target_lang))
        # The keys in the border: seen on a short screen too, where the panel has room for two terms.
        numbers = "1" if len(shown) == 1 else f"1…{len(shown)}"
        keys_hint = f" · {self.keymap.label('insert_term')} then {numbers} inserts the one in bold" if shown else ""
        self.query_one("#terms-box").border_title = f"terms{keys_hint}"

    def check_target_later(self, *, at_once: bool = False) -> None:
        """Check the target for forbidden terms and misspellings once the typing pauses (as the score follows it)."""
        if self._target_check_timer is not None:
            self._target_check_timer.stop()
            self._target_check_timer = None
        if self.terms is None and self.spelling is None:
            return
        if at_once:
            self._check_target(self.current, self._editor_text())
            return
        self._target_check_timer = self.set_timer(TARGET_CHECK_DELAY, self._while_open(self._check_target_now))

    def _check_target_now(self) -> None:
        self._check_target(self.current, self._editor_text())

    @work(thread=True, exclusive=True, group="target-check", exit_on_error=False, description="checking the target")
    def _check_target(self, row: int, text: str) -> None:
        o = self.options
        terms, spelling = self.terms, self.spelling
        forbidden: list[TermHit] = []
        if terms is not None:
            recognizer = terms.merged.recognizer(o.target_lang, o.source_lang)
            forbidden = [hit for hit in recognizer.recognize(text, overlapping=False) if hit.forbidden]
        misspelled = spelling.check(text) if spelling is not None else []
        self.app.call_from_thread(self._target_checked, row, text, forbidden, misspelled, spelling)

    def _target_checked(
        self,
        row: int,
        text: str,
        forbidden: list[TermHit],
        misspelled: list[Misspelling],
        spelling: SpellChecker | None,
    ) -> None:
        if spelling is not None and self._spelling_went_off(spelling):
            return  # checked again without it
        if row != self.current or text != self._editor_text():
            return  # typed on since: the next check is on its way
        self.target_findings = (text, forbidden, misspelled)
        marks = [(m.start, m.end, MISSPELLED_MARK) for m in misspelled]
        marks += [(hit.start, hit.end, FORBIDDEN_MARK) for hit in forbidden]
        self.target_view.set_marks(marks)
        self._show_terms()

    def action_insert_term(self) -> None:
        """The term key: the next digit (1…9) inserts that term of the terms panel (`EditorApp` routes it)."""
        if self.terms is None:
            why = "the termbases are being read" if self.options.terms else "no termbase: start with --terms TERMBASE"
            self.notify(why, severity="warning")
            return
        row, shown = self.shown_terms
        if row != self.current or not shown:
            self.notify("no term of the termbases in this source", severity="warning")
            return
        self.term_key_armed = True
        self.notify(f"term: press 1…{len(shown)} (another key: none)", timeout=3)

    def insert_term_number(self, number: int) -> None:
        """Insert term ``number``'s preferred translation at the cursor (over the selection)."""
        row, shown = self.shown_terms
        line = next((t for t in shown if t.number == number), None) if row == self.current else None
        if line is None:
            self.notify(f"no term {number} in this source", severity="warning")
            return
        text = line.preferred
        if text is None:
            self.notify(f"term {number} has no translation to use", severity="warning")
            return
        editor = self.target_view
        start, end = sorted(editor.selection)
        editor.replace(text, start, end)
        self.set_focus(editor)

    def action_add_term(self) -> None:
        """Add a term pair: the source's selection (or word at the cursor) and the target's, in a dialog to edit."""
        if self.terms is None:
            why = "the termbases are being read" if self.options.terms else "no termbase: start with --terms TERMBASE"
            self.notify(why, severity="warning")
            return
        source = self.source_view.selected_text.strip() or word_at_cursor(self.source_view)
        target = self.target_view.selected_text.strip() or word_at_cursor(self.target_view)
        path = self.terms.files[0][0]
        self.app.push_screen(
            AddTermScreen(
                " ".join(strip_placeholders(source).split()),
                " ".join(strip_placeholders(target).split()),
                termbase=path.name,
                source_lang=self.options.source_lang,
                target_lang=self.options.target_lang,
                mode=lambda: self.mode,
            ),
            self._term_answered,
        )

    def _term_answered(self, answer: NewTerm | None) -> None:
        if answer is None or self.terms is None:
            return
        o = self.options
        try:
            path, dropped = self.terms.add(
                Term(answer.source, o.source_lang, TermStatus.PREFERRED),
                Term(answer.target, o.target_lang, TermStatus.PREFERRED),
            )
        except (OSError, TmkitError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.notify(f"term not added: {reason}", severity="error", timeout=10)
            return
        note = f" ({'; '.join(dropped)})" if dropped else ""
        self.notify(f"added {answer.source} → {answer.target} to {path.name}{note}")
        if self.spelling is not None:
            self.spelling.allow_words([answer.target])
        self._rebuild_terms(self.terms)

    @work(thread=True, exclusive=True, group="terms", exit_on_error=False, description="indexing the terms")
    def _rebuild_terms(self, terms: LoadedTerms) -> None:
        terms.prepare(source_lang=self.options.source_lang, target_lang=self.options.target_lang)
        self.app.call_from_thread(self._terms_loaded, terms)

    def action_spelling(self) -> None:
        """Suggestions for the misspelled word at the cursor of the target, to replace it with one."""
        if self.spelling is None:
            if self.spelling_off is not None:
                self.notify(self.spelling_off, severity="warning", timeout=15, markup=False)
            else:
                self.notify("spelling is off" if not self.options.spelling else "spelling is not ready yet")
            return
        span = word_span_at_cursor(self.target_view)
        if span is None:
            self.notify("put the cursor on a word of the target", severity="warning")
            return
        self._suggest(self.spelling, self._editor_text(), *span)

    @work(thread=True, exclusive=True, group="spelling", exit_on_error=False, description="spelling suggestions")
    def _suggest(self, checker: SpellChecker, text: str, start: int, end: int) -> None:
        wrong = next((m for m in checker.check(text) if m.start <= start and end <= m.end), None)
        if wrong is not None:
            wrong = Misspelling(wrong.start, wrong.end, wrong.word, checker.suggest(wrong.word))
        self.app.call_from_thread(self._suggestions_found, text, text[start:end], wrong, checker)

    def _suggestions_found(self, text: str, word: str, wrong: Misspelling | None, checker: SpellChecker) -> None:
        if self._spelling_went_off(checker):
            return  # not "spelled right": hunspell failed while it looked
        if text != self._editor_text():
            return  # typed on since: the span is no longer the word's
        if wrong is None:
            self.notify(f"{word!r} is spelled right")
        elif not wrong.suggestions:
            self.notify(f"{wrong.word!r}: no suggestion", severity="warning")
        else:
            self.app.push_screen(SuggestionsScreen(wrong), lambda chosen: self._replace_word(text, wrong, chosen))

    def _replace_word(self, text: str, wrong: Misspelling, chosen: str | None) -> None:
        if chosen is None or text != self._editor_text():
            return
        editor = self.target_view
        editor.replace(chosen, location_of(text, wrong.start), location_of(text, wrong.end))
        self.set_focus(editor)

    def recover(self, pending: PendingJournal | None, *, recover: bool) -> None:
        """The translator's answer to the recovery dialog: apply a crashed session's edits, or drop them."""
        if recover:
            report = self.document.recover(pending)
            self.notify(report.describe(), severity="warning" if report.unplaced or report.conflicts else "information")
            # The editor still shows the text before recovery.
            self._rows_read_again(min(self.current, len(self.document) - 1))
        else:
            self.document.discard_pending()
            self.notify("unsaved edits discarded")
        self.update_status()

    def memories_loaded(self, indexes: list[MemoryIndex], own: MemoryIndex, references: list[str | None]) -> None:
        self.matcher = Matcher([*indexes, own])
        self.memories_ready = True
        if self._own_rows or self._own_anew:
            self._index_own()  # confirmed while the memories were opening
        for live in self.live_indexes:
            self.follow_team(live)
        self.references = references
        self.matches.clear()
        self.lookup(self.current)
        self.update_scores()

    # -- the list and the current segment --------------------------------------------------------

    def _fill_list(self) -> None:
        """Show the rows the filter and the search keep, the current one selected, and say how many."""
        segments = self.segment_list
        segments.document = self.document
        segments.mode = self.mode
        rows = self.document.filtered(self.row_filter, self.query_text)
        segments.show_rows(rows, self.current)
        self._show_filter_label()
        self.update_status()

    def _show_filter_label(self) -> None:
        """The line above the list: its filter, how many segments it shows, and the search that found them. While the
        search box holds words not searched yet, those words and that Enter searches them, with no count: the count
        was the last search's (or the whole document's), and "all · 42 of 42" read as the typed words' result."""
        typed = " ".join(self.search_box.value.split())
        if typed != " ".join(self.query_text.split()):
            label = Text(f"filter: {self.row_filter} · ", style="dim")
            if typed:
                label.append("“", style="dim")
                label.append_text(one_line(typed, self.mode, style="bold"))
                label.append("” not searched yet: Enter searches", style="dim")
            else:
                label.append("search cleared: Enter shows every segment", style="dim")
            self.filter_label.update(label)
            return
        shown = len(self.segment_list.rows_shown)
        label = Text(f"filter: {self.row_filter} · {shown} of {len(self.document)}", style="dim")
        if self.query_text:
            # Shaped and in visual order in app mode, as everywhere Arabic is shown.
            label.append(" · “", style="dim")
            label.append_text(one_line(self.query_text, self.mode, style="dim"))
            label.append("”", style="dim")
        self.filter_label.update(label)

    @on(Input.Changed, "#search")
    def _search_typed(self) -> None:
        self._show_filter_label()  # searched yet or not

    def watch_row_filter(self) -> None:
        self._fill_list()

    def watch_query_text(self) -> None:
        self._fill_list()

    def watch_mode(self) -> None:
        self._switch_vte(explicit=self.mode is BidiMode.APP)
        self.source_view.set_bidi(self.mode, rtl=self.source_view.rtl)
        self.target_view.set_bidi(self.mode, rtl=self.target_view.rtl)
        self._fill_list()
        selection, text = self.target_view.selection, self._editor_text()
        self.go_to(self.current, force=True)
        if self._editor_text() == text:
            self.target_view.selection = selection  # the same segment shown anew: the cursor stays where it was

    def chosen(self, row: int, opened: bool) -> None:
        """The translator moved to ``row`` in the list (in the list's own turn); ``opened``: by Enter, to translate."""
        if row != self.current:
            self.go_to(row)
        if opened:
            self.action_back_to_target()

    def go_to(self, row: int, *, force: bool = False, commit: bool = True) -> None:
        """Make ``row`` the current segment, committing the one left (``commit``) or dropping its pending commit
        (the editor is about to show the document's text); ``force``: show it again even if it is the current one."""
        if row == self.current and not force:
            return
        if commit:
            self._commit_editor()
        elif self._commit_timer is not None:
            self._commit_timer.stop()
        self.current = row  # the watcher shows it

    def watch_current(self, row: int) -> None:
        """Show the current segment: its source and target, title, conflict, place in the list, matches, score."""
        self._refusal_settled()  # a refusal is of the segment left
        self.set_reactive(EditorScreen.chosen_match, 1)  # shown with the matches below
        r = self.document.rows[row]
        self.source_view.load_text(r.source_edit_text)
        self.loaded_editor_text = r.edit_text
        # A target whose placeholders did not map is shown as typed, for the translator to fix.
        self.target_view.load_text(self.unmapped.get(row, r.edit_text))
        # At the end of the target, on every move (F2, Ctrl+N, F8, the list, a search): where a translator goes on
        # with a pre-filled draft or a match, as memoQ and Trados put it. At the start (where loading leaves it), the
        # words typed after F2 onto a draft went in front of its text.
        self.target_view.move_cursor(self.target_view.document.end)
        self._show_title(row)
        self._show_notes(row)
        self._show_conflict(row)
        self.segment_list.select(row)
        self.lookup(row)
        self.update_scores()
        self.term_key_armed = False
        self.find_terms(row)
        self.check_target_later(at_once=True)

    def lookup(self, row: int) -> None:
        """Show the row's matches (from the cache when prefetched), and prefetch the segments likely next."""
        if row in self.matches:
            self._show_matches(row)
            wanted = []
        else:
            self.matches_panel.show([], "", self.mode, busy=True)
            if not self.memories_ready:
                return  # the memories' arrival looks the current segment up
            wanted = [row] if row != self._matching else []  # one in flight shows itself when done
        wanted += [r for r in self._likely_next(row) if r not in self.matches and r != self._matching]
        if wanted:
            self.find_matches(wanted, self.matcher)

    def _likely_next(self, row: int) -> list[int]:
        """The segments the translator probably moves to next: the following ones listed, the next unconfirmed."""
        shown = self.segment_list.rows_shown
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
            self.app.call_from_thread(self._matches_found, row, found, matcher)

    def _match_row(self, row: int, matcher: Matcher) -> list[Match]:
        rows = self.document.rows
        source = rows[row].source.segment
        previous = rows[row - 1].source.segment if row > 0 else None
        following = rows[row + 1].source.segment if row + 1 < len(rows) else None
        if too_long_to_match(source):
            return []  # beyond fuzzy matching's bound: no suggestions, rather than an error in the worker
        # The file's own entry for this very segment is not a suggestion for it, but the same pair in another memory
        # is (the project memory's 100% the target came from): the matcher leaves the own copy out before it merges
        # copies of a pair, as filtering its answer lost the pair whenever the own copy ranked first (101% in its
        # context, or newer). The own index is the matcher's last memory (`memories_loaded`).
        own = (matcher.memories[-1], rows[row].source_text, rows[row].target_text) if matcher.memories else None
        return matcher.match(source, limit=MATCHES_SHOWN, previous=previous, following=following, exclude=own)

    def _matches_found(self, row: int, found: list[Match], matcher: Matcher) -> None:
        if matcher is not self.matcher:
            return  # looked up in memories since replaced: the cache was emptied, a newer lookup is on its way
        self.matches[row] = found
        segments = self.segment_list
        if found:
            segments.best[row] = found[0].score
            segments.update_segment(row)
        if row == self.current:
            self._show_matches(row)

    def _show_matches(self, row: int) -> None:
        found = self.matches.get(row, [])
        self.matches_panel.show(found, self.document.rows[row].source_text, self.mode, chosen=self.chosen_match)
        self.post_message(MatchesShown(row, len(found)))

    @on(MatchChosen)
    def _match_clicked(self, event: MatchChosen) -> None:
        self._choose_match(event.number)

    def _choose_match(self, number: int) -> None:
        found = self.matches.get(self.current, [])
        if not found:
            return
        self.chosen_match = min(max(number, 1), len(found))  # the watcher marks it

    def watch_chosen_match(self) -> None:
        if self.current in self.matches:
            self._show_matches(self.current)

    def watch_status_note(self) -> None:
        self.update_status()

    # -- committing edits ------------------------------------------------------------------------

    @on(TextArea.Changed, "#target")
    def _target_changed(self, event: TextArea.Changed) -> None:
        if self._commit_timer is not None:
            self._commit_timer.stop()
        self._commit_timer = self.set_timer(COMMIT_DELAY, self._while_open(self._commit_after_pause))
        # The score follows the typing once it pauses (per keystroke it would cost more than the echo).
        if self._score_timer is not None:
            self._score_timer.stop()
        self._score_timer = self.set_timer(SCORE_DELAY, self._while_open(lambda: self.update_scores(document=False)))
        self.check_target_later()  # forbidden terms and misspellings, once the typing pauses

    def _while_open(self, callback: Callable[[], None]) -> Callable[[], None]:
        """The callback, skipped once the editor's screen is gone (a timer can fire while the app shuts down)."""

        def run() -> None:
            if self.is_attached and self.app.screen_stack:
                callback()

        return run

    def _editor_text(self) -> str:
        return self.target_view.text

    def _commit_word(self) -> None:
        """Put the target in the document as a word ends (an undo step). Its journal record and what shows it wait for
        the pause (`_commit_editor`), which journals what is typed as it always did: an fsync and a repaint at each
        space took the echo of the next letter from ~19 to 23-36 ms (median) in a 10,000-segment job."""
        row = self.current
        text = self._editor_text()
        if row in self.unmapped or text == self.document.rows[row].edit_text:
            return  # (codes broken: the pause's commit says what to fix, as before)
        try:
            changed = self.document.set_target(row, text, journal_now=False)
        except PlaceholderError:
            return
        if changed:
            self._show_commit_later(row)

    def _show_commit_later(self, row: int) -> None:
        """Note that ``row`` changed, to show at the next `_show_commit` (another row noted before is shown now)."""
        if self._unshown_commit not in (None, row):
            self._show_commit()
        self._unshown_commit = row

    def _show_commit(self) -> None:
        """Show the word commits not shown yet: the row's place in the list, title and status bar, and the scores."""
        row, self._unshown_commit = self._unshown_commit, None
        if row is not None:
            self._row_changed(row)
            self.update_scores()

    def _commit_after_pause(self) -> None:
        """Commit what is typed, unless it is what the document has with white space typed after it: that goes in
        with the next word (or on a move, a confirmation, a save), as an undo step alone it would show nothing. The
        words committed as they were typed are journalled and shown either way."""
        if self._white_space_typed_after_commit():
            self.document.flush_journal()
            self._show_commit()
        else:
            self._commit_editor()

    def _white_space_typed_after_commit(self) -> bool:
        """Whether the target is the document's text with white space typed after it, and nothing else."""
        text, committed = self._editor_text(), self.document.rows[self.current].edit_text
        return len(text) > len(committed) and text.startswith(committed) and text[len(committed) :].isspace()

    def _commit_editor(self) -> None:
        """Move what is typed into the document (journalled, with the words committed as they were typed); called on
        pause, move, confirm and save."""
        if self._commit_timer is not None:
            self._commit_timer.stop()
            self._commit_timer = None
        # The target's own history starts a new step here: an undo of what is typed next stops at what is committed
        # (one step took back typing on both sides of a pause, the committed words with it).
        self.target_view.history.checkpoint()
        row = self.current
        text = self._editor_text()
        if text == self.document.rows[row].edit_text:
            self.document.flush_journal()  # the words committed as they were typed
            self._placeholders_fixed(row)
            self._show_commit()
            return
        try:
            changed = self.document.set_target(row, text)  # (its journal record goes with any words' before it)
        except PlaceholderError as error:
            self.document.flush_journal()
            self._placeholders_broken(row, text, error)
            return
        self._placeholders_fixed(row)
        if changed:
            self._show_commit_later(row)
        self._show_commit()  # the document's score follows each committed edit

    def _placeholders_broken(self, row: int, text: str, error: PlaceholderError) -> None:
        """The typed target would lose codes: keep the codes as they were, the segment unconfirmed, and say so."""
        self.unmapped[row] = text
        if self.document.rows[row].confirmed:
            self.document.apply(row, status=Status.DRAFT)
        self.status_note = f"segment {row + 1}: {error} (codes kept as they were; fix the placeholders)"
        self._row_changed(row)

    def _placeholders_fixed(self, row: int) -> None:
        if self.unmapped.pop(row, None) is not None:
            self.status_note = ""

    def _row_changed(self, row: int) -> None:
        self._document_stale = True
        self._qa_followed(row)
        self.progress.row_changed(row)
        self.segment_list.update_segment(row)
        if row == self.current:
            self._show_title(row)
        self.update_status()

    def _show_title(self, row: int) -> None:
        r = self.document.rows[row]
        rejected = " · rejected" if r.unit.rejected else ""
        conflict = (
            f" · CONFLICT: {self.keymap.label('keep_ours')} ours, {self.keymap.label('keep_theirs')} theirs"
            if r.in_conflict
            else ""
        )
        position = f"{row + 1} of {len(self.document)}"  # where one is, also when the list is not shown
        # Who confirmed, approved or rejected it, and when: a reviewer checks a colleague's work by it, and saw it
        # nowhere (a draft's stamps say only who opened the job, so a draft says none).
        who = ""
        if r.unit.status.rank >= Status.TRANSLATED.rank or r.unit.rejected:
            unit = r.unit  # a unit never changed since it was made was confirmed by its creator
            by = " ".join(
                x for x in (unit.change_id or unit.creation_id, tmx_day(unit.change_date or unit.creation_date)) if x
            )
            who = f" · by {by}" if by else ""
        self.target_view.border_title = f"target · {position} · {r.status.value}{rejected}{who}{conflict}"

    def _show_notes(self, row: int) -> None:
        """The segment's notes under its source: they were kept in the working file but shown nowhere, and a
        translator missed what the agency asked. Cut to the border's room, they end in "…" and the key that shows
        them in full (the end of a long note could be read nowhere)."""
        notes = [" ".join(note.split()) for note in self.document.rows[row].notes]
        if not notes:
            self.source_view.border_subtitle = None
            return
        # The border's room: its corners and a space and a rule each side.
        room = self.source_view.outer_size.width - 6
        shown = Text("note: ")
        key = self.keymap.label("notes")
        more = f" ({key}: in full)" if key else ""
        if room <= 1 or shown.cell_len + cell_len(" · ".join(notes)) <= room:
            pieces, more = notes, ""
        else:
            # Cut in logical order: cut after being ordered for display, a long Arabic note lost its beginning, the
            # instruction, and kept its last words.
            if room - shown.cell_len - cell_len(more) < 8:
                more = ""  # a border too narrow for the key: the words first
            left = room - shown.cell_len - cell_len(more) - 1  # (a cell kept for an ellipsis after a whole note)
            pieces = []
            for note in notes:
                between = 3 if pieces else 0  # " · "
                if between + cell_len(note) <= left:
                    pieces.append(note)  # whole: a later one is cut
                    left -= between + cell_len(note)
                elif left - between >= 2:
                    pieces.append(clip(note, left - between + 1))
                    break
                else:
                    if pieces:
                        pieces[-1] += "…"  # no room for a word of the next
                    break
        for number, piece in enumerate(pieces):
            if number:
                shown.append(" · ")
            # Each note in its own direction: an Arabic note reads from the right, its "…" at its left end, where its
            # words go on (in one line with "note:" the ellipsis stood beside its first word).
            shown.append_text(one_line(piece, self.mode))
        shown.append(more)
        self.source_view.border_subtitle = shown

    def action_notes(self) -> None:
        """The segment's notes in full, in a scrollable view (Esc closes it); Arabic shaped and in display order."""
        row = self.current
        notes = self.document.rows[row].notes
        if not notes:
            self.notify("this segment has no note")
            return
        laid_out: list[RenderableType] = [BidiText(note.strip(), self.mode) for note in notes]
        title = f"notes on segment {row + 1} of {len(self.document)}"
        self.app.push_screen(NotesScreen(title, laid_out, close_keys=self.keymap.keys.get("notes", ())))

    def action_changes(self) -> None:
        """What was changed in the target (as typed) against the segment's pre-translation, word by word, with the
        edit effort; Esc closes it."""
        row = self.current
        r = self.document.rows[row]
        before = pretranslation(r.unit)
        if before is None:
            self.notify("this segment was not pre-translated: nothing to compare its target with")
            return
        now = strip_placeholders(self._editor_text())
        parts: list[RenderableType]
        if before == now:
            parts = [BidiText(now, self.mode), Text("unchanged: the target is its pre-translation", style="dim")]
        else:
            changed = f"edit effort {edit_effort(before, now):.0f}%: characters changed against the pre-translation"
            parts = [DiffText(before, now, self.mode), Text(changed, style="dim")]
        title = f"changes on segment {row + 1} of {len(self.document)} against its pre-translation"
        self.app.push_screen(ChangesScreen(title, parts, close_keys=self.keymap.keys.get("changes", ())))

    def _show_conflict(self, row: int) -> None:
        """While the segment's merge conflict is open, both versions in a panel above (small screens: in place of)
        the matches, for the translator to keep one (the target shows ours until then)."""
        r = self.document.rows[row]
        self.set_class(r.in_conflict, "-conflict")
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
        self.conflict_panel.show(versions, self.mode)

    def action_keep_ours(self) -> None:
        self._settle_conflict(ConflictState.OURS)

    def action_keep_theirs(self) -> None:
        self._settle_conflict(ConflictState.THEIRS)

    def _settle_conflict(self, side: ConflictState) -> None:
        row = self.current
        if not self.document.rows[row].in_conflict:
            self.notify("this segment is not a merge conflict", severity="warning")
            return
        self._commit_editor()  # typed text settles it on ours, edited; the pick then decides
        self.document.resolve_conflict(row, side)
        self.progress.recount()  # settling may take a unit out of the file or put one back
        self.matches.pop(row, None)
        self._row_changed(row)
        self._index_own(row)
        removed = self.document.rows[row].removed
        self.notify(f"segment {row + 1}: {'deleted, as' if removed else 'kept'} {side.value}")
        if removed:
            self._fill_list()
        self.go_to(row, force=True, commit=False)

    # -- actions ---------------------------------------------------------------------------------

    def _qa_warned(self, row: int) -> None:
        """QA's findings on the segment just confirmed (warnings, or errors confirmed anyway): said at once, kept for
        the status bar's count and the list (Alt+Q)."""
        findings = list(self.document.qa_findings)
        if findings:
            self.qa_left[row] = findings
            lines = [finding.describe() for finding in findings]
            self.notify("\n".join(lines), title="QA", severity="warning", timeout=8)
        else:
            self.qa_left.pop(row, None)

    def _qa_followed(self, row: int) -> None:
        """QA's findings left on the segments kept true of the job once ``row`` changed: a segment no longer confirmed
        (typed into, rejected, undone) has none left, and a finding that compares a segment with ``row`` (its source
        translated otherwise there, its translation given there to another source) is checked again. A translator who
        made two segments agree still read "QA 1 (Alt+Q)", and Alt+Q quoted a translation no longer in the job."""
        r = self.document.rows[row]
        if row in self.qa_left and (r.removed or not r.confirmed):
            del self.qa_left[row]
        compared = [other for other, found in self.qa_left.items() if any(f.other == row for f in found)]
        for other in compared:
            try:
                findings = self.document.check(other)
            except PlaceholderError:
                continue  # (its target as confirmed mapped; kept as it was)
            if findings:
                self.qa_left[other] = findings
            else:
                del self.qa_left[other]

    def action_qa_findings(self) -> None:
        """Alt+Q: QA's findings on the current segment as typed, then those left on confirmed segments; the Arabic they
        quote shaped and in visual order in app mode, as everywhere Arabic is shown (it was left in logical order)."""
        row = self.current
        current: list[RenderableType] = [Text(f"segment {row + 1} (as typed)", style="bold")]
        try:
            findings = self.document.check(row, self._editor_text())
        except PlaceholderError as error:
            current.append(BidiText(f"  {error}", self.mode, style="red", rtl=False))
        else:
            for finding in findings:
                current.append(BidiText(f"  {finding.describe()}", self.mode, style=_finding_style(finding), rtl=False))
            if not findings:
                current.append(Text("  no finding", style="dim"))
        current += [Text(), Text(f"left on confirmed segments: {self._qa_count()}", style="bold")]
        left: list[tuple[int, RenderableType]] = []
        for other in sorted(self.qa_left):
            for finding in self.qa_left[other]:
                shown = f"  {other + 1}: {finding.describe()}"
                left.append((other, BidiText(shown, self.mode, style=_finding_style(finding), rtl=False)))
        self.app.push_screen(QaScreen(current, left), self._finding_chosen)

    def _finding_chosen(self, row: int | None) -> None:
        """Enter on a finding in Alt+Q's list: its segment becomes the current one."""
        if row is not None:
            self.go_to(row)

    def _refused(self, why: str) -> None:
        """Say why a segment was not confirmed, until it is or the translator moves on (or half a minute)."""
        self._refusal_settled()
        shown, _markup = self._as_shown(why, markup=False)  # a finding's text is no markup (`[number-mismatch]`)
        self._refusal = withdrawable_notice(self.app, shown, severity="error", timeout=REFUSAL_SHOWN_S, markup=False)

    def _refusal_settled(self) -> None:
        """The segment refused was confirmed, or left: the notice of the refusal goes (it stayed up over the next
        segment, no longer true). Only that notice: a failed save or sync says on."""
        if self._refusal is not None:
            withdraw_notice(self.app, self._refusal)
            self._refusal = None

    def _qa_count(self) -> int:
        return sum(len(findings) for findings in self.qa_left.values())

    def action_confirm_next(self) -> None:
        row = self.current
        # What was typed goes in first, as a pause puts it in: its own step, so that a first undo takes back the
        # confirmation and leaves the translation (F2 right after typing, then Ctrl+Z, lost the sentence typed).
        self._commit_editor()
        try:
            confirmed = self.document.confirm(row, self._editor_text())
        except PlaceholderError as error:
            self._placeholders_broken(row, self._editor_text(), error)
            self._refused(self.status_note)
            return
        except ConfirmBlocked as blocked:
            self._refused(str(blocked))  # QA found an error: a second confirm confirms
            return
        self._refusal_settled()
        self._placeholders_fixed(row)
        self._qa_warned(row)
        if confirmed is None and not self.document.rows[row].confirmed:
            self.notify("nothing to confirm: the target is empty", severity="warning")
            return
        self.loaded_editor_text = self.document.rows[row].edit_text
        self._row_changed(row)
        self._index_own(row)
        self.post_message(SegmentConfirmed(row))
        self._to_next_unconfirmed(row)

    def action_approve(self) -> None:
        row = self.current
        self._commit_editor()  # (as confirming does)
        try:
            self.document.approve(row, self._editor_text())
        except PlaceholderError as error:
            self._placeholders_broken(row, self._editor_text(), error)
            self._refused(self.status_note)
            return
        except ConfirmBlocked as blocked:
            self._refused(str(blocked))  # QA found an error: a second approve approves
            return
        self._refusal_settled()
        self._placeholders_fixed(row)
        self._qa_warned(row)
        self._row_changed(row)
        self._index_own(row)
        self.post_message(SegmentApproved(row))
        # On to the next segment the list shows, as Ctrl+N: with the list filtered to the translated segments, it went
        # to the following segment, a draft the list did not show, which a second Alt+A approved unseen.
        self._step(1)

    def action_reject(self) -> None:
        """Reject the segment, asked why for the translator first (Esc in the dialog leaves it as it was)."""
        row = self.current
        self._commit_editor()
        r = self.document.rows[row]
        # (Rejected, a conflict kept ours silently and dropped theirs; an empty target was made a rejected draft.)
        if r.in_conflict:
            keys = f"{self.keymap.label('keep_ours')} keeps ours, {self.keymap.label('keep_theirs')} theirs"
            self.notify(f"settle the merge conflict first: {keys}", severity="warning")
            return
        if not strip_placeholders(self._editor_text()).strip():
            self.notify("nothing to reject: the segment has no translation", severity="warning")
            return
        title = f"Reject segment {row + 1} of {len(self.document)}: flagged, and back to draft for the translator"
        self.app.push_screen(
            RejectScreen(title, rejection_reason(r.unit), mode=lambda: self.mode),
            lambda reason: self._reject_answered(row, reason),
        )

    def _reject_answered(self, row: int, reason: str | None) -> None:
        if reason is None:
            return
        self.document.reject(row, reason=reason)
        self._row_changed(row)
        self._index_own(row)
        self.post_message(SegmentRejected(row))
        self.go_to(row, force=True)

    def action_next_segment(self) -> None:
        self._step(1)

    def action_previous_segment(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        """Ctrl+N / Ctrl+P: the next or previous segment of those the list shows, in the document's order.

        From a segment the list does not show (a search found others), the nearest shown one that way: it went to the
        first shown, so Next could go back to segment 2 from segment 5, or skip every segment up to the search's hit.
        """
        shown = self.segment_list.rows_shown
        if not shown:
            return
        if self.current in shown:
            position = shown.index(self.current) + delta
        else:
            position = bisect.bisect_left(shown, self.current) - (1 if delta < 0 else 0)
        if 0 <= position < len(shown):
            self.go_to(shown[position])
        elif self._shown_by():
            way = "later" if delta > 0 else "earlier"
            self.notify(f"no {way} segment {self._narrowed_in_words()}; {self._widen_hint()}", markup=False)

    def _shown_by(self) -> str:
        """What narrows the list: its filter, its search, or both ("" when it shows every segment)."""
        parts = [f"filter {self.row_filter}"] if self.row_filter is not RowFilter.ALL else []
        if self.query_text.strip():
            parts.append(f"search “{self.query_text.strip()}”")
        return ", ".join(parts)

    def action_next_unconfirmed(self) -> None:
        row = self.current
        self._commit_editor()
        self._to_next_unconfirmed(row)

    def _to_next_unconfirmed(self, row: int) -> None:
        """To the next unconfirmed segment after ``row``, wrapping round: of those the list shows while a search or
        filter narrows it (F2 with a search for a name went on to a segment outside it, where the translator typed
        the next translation), else of the document."""
        if not self._shown_by():
            following = self.document.next_unconfirmed(row)
            if following is None:
                self.notify("every segment is confirmed")
            else:
                self.go_to(following)
            return
        shown = self.segment_list.rows_shown
        start = bisect.bisect_right(shown, row)
        rows = self.document.rows
        following = next(
            (r for r in (*shown[start:], *shown[:start]) if not rows[r].confirmed and not rows[r].removed),
            None,
        )
        if following is not None:
            self.go_to(following)
            return
        self.notify(f"every segment {self._narrowed_in_words()} is confirmed; {self._widen_hint()}", markup=False)

    def _narrowed_in_words(self) -> str:
        """What narrows the list, in the few words a notice has room for (the status bar names the search and the
        filter): with them in it, F2's notice took three lines at 80 columns, a notice's room being half the screen."""
        if self.query_text.strip():
            return "the search found" if self.row_filter is RowFilter.ALL else "the list shows"
        return "the filter shows"

    def _widen_hint(self) -> str:
        """The key that changes what narrows the list: the search's when there is one, else the filter's."""
        if self.query_text.strip():
            return f"{self.keymap.label('search')}: another search"
        return f"{self.keymap.label('cycle_filter')}: another filter"

    def _match(self, number: int) -> Match | None:
        found = self.matches.get(self.current, [])
        if number > len(found):
            self.notify(f"no match {number}" if found else "no match for this segment", severity="warning")
            return None
        return found[number - 1]

    def action_use_match(self, number: int) -> None:
        """Alt+N: the target becomes match N (as Ctrl+N in memoQ and Trados)."""
        match = self._match(number)
        if match is None:
            return
        self.chosen_match = number
        self._replace_target(to_placeholders(match.target))
        self.post_message(MatchInserted(self.current, number))

    def action_replace_match(self) -> None:
        self.action_use_match(self.chosen_match)

    def action_insert_match(self) -> None:
        """Insert the chosen match at the cursor (over the selection): only the part selected in it, if any."""
        match = self._match(self.chosen_match)
        if match is None:
            return
        whole = to_placeholders(match.target)
        part = self._selected_part_of(match.target.plain)
        editor = self.target_view
        start, end = sorted(editor.selection)
        self.document.rows[self.current].codes_from_source = True
        editor.replace(part if part is not None else whole, start, end)
        self._commit_editor()
        self.set_focus(editor)
        self.post_message(MatchInserted(self.current, self.chosen_match))

    def _selected_part_of(self, target: str) -> str | None:
        """The text selected with the mouse in the matches panel, as it stands in ``target`` (logical order)."""
        try:
            selected = self.get_selected_text()
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
        row = self.current
        self._replace_target(self.document.rows[row].source_edit_text)

    def _replace_target(self, text: str) -> None:
        # The inserted text's placeholders are the source's codes (a match's are renumbered alike).
        self.document.rows[self.current].codes_from_source = True
        editor = self.target_view
        # Through the editor's own edit, so Ctrl+Z in the editor takes the insertion back.
        editor.replace(text, editor.document.start, editor.document.end)
        self.inserted[self.current] = text
        self._commit_editor()
        self.set_focus(editor)

    def action_concordance(self) -> None:
        """F3: the selection, else the word at the cursor, of the source or the target (whichever has the keys)."""
        focused = self.focused
        if focused is not None and focused.id == "search":
            phrase = self.search_box.value.strip()
        else:
            area = self.source_view if focused is self.source_view else self.target_view
            phrase = area.selected_text.strip() or word_at_cursor(area)
            if not phrase and area is self.target_view:
                # Nothing under the target's cursor: the source's selection or word.
                phrase = self.source_view.selected_text.strip() or word_at_cursor(self.source_view)
        phrase = " ".join(strip_placeholders(phrase).split())  # the source's codes ({1}…{/1}) are not words
        if not phrase:
            self.notify("select words in the source or the target, or put the cursor on one (Tab: to the source)")
            return
        self.add_class("-concordance")
        self.look_up_phrase(phrase)

    @work(thread=True, exclusive=True, group="concordance", exit_on_error=False, description="concordance")
    def look_up_phrase(self, phrase: str) -> None:
        hits = concordance(self.matcher.memories, phrase, limit=20)
        self.app.call_from_thread(self._concordance_found, phrase, hits)

    def _concordance_found(self, phrase: str, hits: list[ConcordanceHit]) -> None:
        self.concordance_panel.show(phrase, hits, self.mode)

    def action_cycle_filter(self) -> None:
        """F6: the list shows the segments of the next status; the current segment, if the list no longer shows it,
        becomes the next one it shows (else its first), as memoQ's filter takes one there. (It stayed on a segment
        the list did not show, and Alt+Down went on from there, past the filter.)"""
        self._commit_editor()
        self.row_filter = FILTERS[(FILTERS.index(self.row_filter) + 1) % len(FILTERS)]
        shown = self.segment_list.rows_shown
        if shown and self.current not in shown:
            self.go_to(next((row for row in shown if row > self.current), shown[0]))

    def action_search(self) -> None:
        self.add_class("-list")  # on a small screen the list (and its search box) take the editor's place
        # At once, not after the queued keys (`focus()` waits its turn): what is typed after F5 is the search.
        self.set_focus(self.search_box)

    def action_toggle_list(self) -> None:
        self.toggle_class("-list")
        if self.has_class("-list") and self.has_class("-narrow"):
            self.set_focus(self.segment_list)
        else:
            self.set_focus(self.target_view)

    def action_toggle_panel(self) -> None:
        self.toggle_class("-concordance")

    def search(self, text: str) -> None:
        """Enter in the search box (in the box's own turn, among its keys): the list shows the hits of ``text`` and
        the first becomes the current segment. The keys stay in the search box, as in OmegaT's and memoQ's search
        fields, to refine it (Esc returns to the target, ↓ to the list). An empty search (the search cleared) finds
        nothing to go to: the current segment stays if the list shows it."""
        self.query_text = text  # the watcher shows the hits
        segments = self.segment_list
        if not text.strip() and self.current in segments.rows_shown:
            # Clearing a search is done to see the whole list again, not to move: going to the first row lost the
            # place the search had found (segment 1 of a long job, the translator's place gone).
            return
        if segments.rows_shown:
            self.go_to(segments.rows_shown[0])

    def action_undo(self) -> None:
        editor = self.target_view
        committed = self.document.rows[self.current].edit_text
        undoes_this_segment = bool(self.document.undo_stack) and self.document.undo_stack[-1].row == self.current
        if self._white_space_typed_after_commit() and undoes_this_segment:
            # Only white space typed after this segment's last step, which shows nothing to undo: it goes with that
            # step (the segment is shown again as undoing it leaves it), not committed as a step of its own.
            editor.load_text(committed)
        elif editor.text != committed:
            editor.undo()  # uncommitted typing first: the editor's own history
            return
        self._commit_editor()
        change = self.document.undo()
        if change is not None:
            self._show_undone(change.row, change.new_text, change.old_text)

    def action_redo(self) -> None:
        editor = self.target_view
        if editor.history.redo_stack:
            editor.redo()
            return
        self._commit_editor()
        change = self.document.redo()
        if change is not None:
            self._show_undone(change.row, change.old_text, change.new_text)

    def _show_undone(self, row: int, text_before: str, text_now: str) -> None:
        """Show the segment an undo or a redo changed from ``text_before`` to ``text_now``, its cursor at the end of
        what changed (where the translator goes on typing: at the text's start, each word undone had to be followed
        by Ctrl+End)."""
        self._row_changed(row)
        self._index_own(row)
        self.go_to(row, force=True, commit=False)  # the editor shows the text restored, not typed
        if row in self.unmapped or self.target_view.text != text_now:
            return
        end = _changed_span_end(text_before, text_now)
        line = text_now.count("\n", 0, end)
        self.target_view.move_cursor((line, end - (text_now.rfind("\n", 0, end) + 1)))

    def action_save(self) -> None:
        if self._save() and self.options.team_sync_interval:
            self._start_team_sync()  # a team project: each save goes to the team too

    # -- the team's git project (a worker) -------------------------------------------------------

    def action_team_sync(self) -> None:
        """Save, then commit, pull (TMX merged unit by unit) and push in a worker; the team's units come in after."""
        if self.app.screen is not self:
            return  # the timer fired under a dialog (changed on disk, say): the translator's answer comes first
        if any(w.group == "team-sync" and not w.is_finished for w in self.workers):
            return  # the timer fired during a slow push: one sync at a time
        self._commit_editor()
        # Nothing unsaved (a timer tick while reading): no save and no "saved" notice, only the team's news.
        if not self.document.dirty or self._save():
            self._start_team_sync()

    def _start_team_sync(self) -> None:
        self.team_status = "syncing with the team…"
        self.update_status()
        memories = [self.document.path]
        if isinstance(self.options.save_to, Path):
            memories.append(self.options.save_to)
        self._sync_with_team(memories, self.options.user or self.document.user or UNKNOWN_USER)

    @work(thread=True, exclusive=True, group="team-sync", exit_on_error=False, description="syncing with the team")
    def _sync_with_team(self, memories: list[Path], author: str) -> None:
        try:
            project = TeamProject(self.document.path.parent)
            # A --save-to memory outside the project's clone is the translator's own: it stays out of the sync.
            inside = [m for m in memories if m.resolve().is_relative_to(project.root)]
            report = project.sync(inside, author=author)
        except (OSError, TmkitError) as error:
            self.app.call_from_thread(self._team_sync_failed, str(error))
            return
        self.app.call_from_thread(self._team_synced, report)

    def _team_synced(self, report: SyncReport) -> None:
        """Show the team's units: reloaded, or merged three-way with what was typed during the sync."""
        self._commit_editor()
        if self.document.changed_on_disk():
            try:
                was_on = self.document.rows[self.current]
                if self.document.dirty:
                    self.document.merge_with_disk()
                else:
                    self.document.reload()
            except (TmkitError, OSError) as error:  # the team's version cannot be read: the document stays as it is
                self._team_sync_failed(str(error))
                return
            # (The segment it was on, wherever it is now: the disk's order may be another.)
            self._rows_read_again(self.document.row_of_segment(was_on))
        self._reopen_memories(self.document.path, *self._save_to_file())
        self.team_status = report.summary()
        self.notify(self.team_status, severity="warning" if report.conflicts else "information")
        self.update_status()

    def _team_sync_failed(self, message: str) -> None:
        self.team_status = f"team sync failed: {message}"
        self.notify(self.team_status, severity="error", timeout=15, markup=False)
        self.update_status()

    def _save(self, *, force: bool = False) -> bool:
        self._commit_editor()
        try:
            self.document.save(force=force)
        except ChangedOnDiskError:
            updated = self.document.disk_is_another_version()
            self.app.push_screen(ChangedOnDiskScreen(self.document.path, updated=updated), self._disk_answered)
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
        if self.unmapped:
            rows = ", ".join(str(row + 1) for row in sorted(self.unmapped))
            message += f"; segment(s) {rows} saved as before their edit: their placeholders do not map to codes"
        conflicts: list[int] = []
        if self.options.save_to is not None:
            try:
                if isinstance(self.options.save_to, str) and is_database_url(self.options.save_to):
                    shared = self.document.shared_save(self.options.save_to).save(self.document)
                    conflicts = shared.conflicts
                    message += f"; {shared.describe(_memory_name(self.options.save_to))}"
                else:
                    count = self.document.export_confirmed(self.options.save_to)
                    message += f"; {count} confirmed pair(s) in {_memory_name(self.options.save_to)}"
            except (OSError, TmkitError) as error:
                message += f"; {_memory_name(self.options.save_to)} not written ({error})"
        if conflicts:
            self._shared_conflicts(conflicts)
            message += f" ({self.keymap.label('keep_ours')} ours, {self.keymap.label('keep_theirs')} theirs)"
        self._reopen_memories(self.document.path, *self._save_to_file())
        self.notify(message, severity="warning" if conflicts else "information")
        self.update_status()
        self.post_message(DocumentSaved(str(self.document.path)))

    def _rows_read_again(self, row: int) -> None:
        """After the document's rows were read again (a recovery, a reload, a merge with the disk or the team, conflict
        rows made): what was worked out from the rows before goes, and the editor goes to ``row``. Matches, the list,
        the counts and the own index; and QA's findings on the confirmed segments, reviewed again (a crashed session's
        confirmed segments were neither counted nor listed after Recover, and rows may have moved)."""
        self.matches.clear()
        self.progress.recount()
        self._fill_list()
        self.go_to(row, force=True, commit=False)
        self._index_own(anew=True)
        self.qa_left.clear()
        self.review_confirmed()

    def _shared_conflicts(self, rows: list[int]) -> None:
        """Segments another translator changed in the shared memory since this editor read them are conflict rows
        now, as a team sync's are: the list shows them, and the current one (or the first) is shown with both."""
        self._rows_read_again(self.current if self.current in rows else rows[0])

    def action_save_as(self) -> None:
        self._commit_editor()
        why = f"The journal cannot be written ({self.document.journal_error})." if self.document.journal_error else ""
        suggestion = Path.home() / self.document.path.name
        self.app.push_screen(SaveAsScreen(suggestion, why), self._save_as_answered)

    def _save_as_answered(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            self.document.save_as(path)
        except (OSError, TmkitError) as error:
            self._not_saved(error)
            return
        self._saved(f"saved as {path}; editing goes on there")

    def _disk_answered(self, answer: str | None) -> None:
        try:
            self._settle_with_disk(answer)
        except (OSError, TmkitError) as error:
            self.notify(f"{self.document.path}: {error}", severity="error", timeout=15)

    def _settle_with_disk(self, answer: str | None) -> None:
        if answer == "reload":
            self.document.reload()
            first = self.document.next_unconfirmed(-1)
            self._rows_read_again(first if first is not None else 0)
            self.notify("reloaded from disk; your unsaved edits were dropped")
        elif answer == "merge":
            was_on = self.document.rows[self.current]
            conflicts = self.document.merge_with_disk()
            self._rows_read_again(self.document.row_of_segment(was_on))
            note = f"; {conflicts} conflict(s) kept twice, marked x-tmkit-conflict" if conflicts else ""
            self.notify("merged with the version on disk" + note)
            self._save()
        elif answer == "overwrite":
            self._save(force=True)

    # -- the translated document (a worker) ----------------------------------------------------------

    def action_finish(self) -> None:
        """Ask where the translated document goes and what drafts become; then save and write it in a worker."""
        self._commit_editor()
        # What the document will hold, as finishing counts it: a rejected translation is never written (whatever its
        # status: a TMX may mark a translated unit rejected), so it is said apart (the dialog once counted it among
        # 19 drafts where the result wrote 18 and left it in the source language).
        rows = self.document.rows
        rejected = sum(row.unit.rejected for row in rows)
        confirmed = sum(row.confirmed for row in rows)
        drafts = sum(row.status is Status.DRAFT and not row.unit.rejected for row in rows)
        untranslated = sum(row.status is Status.NEW and not row.unit.rejected for row in rows)
        document = self.options.document or guess_document(self.document.path)
        # (An XLIFF goes back to the agency's tool with each rejection in it: `finish_document`.)
        bilingual = document is not None and document_format(document) is DocumentFormat.XLIFF
        kept_as = "written marked rejected" if bilingual else "left in the source language"
        summary = (
            f"{confirmed} of {len(rows)} segment(s) confirmed, {drafts} draft(s), "
            + (f"{rejected} rejected ({kept_as}), " if rejected else "")
            + f"{untranslated} not translated."
        )
        screen = FinishScreen(document, target_lang=self.options.target_lang, summary=summary)
        self.app.push_screen(screen, self._finish_answered)

    def _finish_answered(self, request: FinishRequest | None) -> None:
        if request is None:
            return
        if not self._save():
            # Saving failed (and said why) or waits on a changed file: the document would not hold the work on screen.
            self.notify("the translated document was not written: the working file is not saved", severity="error")
            return
        self.notify(f"writing {request.output}…")
        self._write_document(request, self.document.path)

    @work(thread=True, exclusive=True, group="finish", exit_on_error=False, description="writing the document")
    def _write_document(self, request: FinishRequest, work_path: Path) -> None:
        try:
            lines = write_translated_document(request, work_path)
        except (OSError, TmkitError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            where = f"{error.filename}: " if isinstance(error, OSError) and error.filename else ""
            self.app.call_from_thread(self._document_written, request, [f"not written: {where}{reason}"], ok=False)
            return
        except Exception as error:  # noqa: BLE001 -- a filter's defect: one line, the editor and the saved work stay
            message = f"not written: internal error ({type(error).__name__}: {error})"
            self.app.call_from_thread(self._document_written, request, [message], ok=False)
            return
        self.app.call_from_thread(self._document_written, request, lines, ok=True)

    def _document_written(self, request: FinishRequest, lines: list[str], *, ok: bool) -> None:
        self.notify("\n".join(lines), severity="information" if ok else "error", timeout=20, markup=False)
        self.post_message(DocumentFinished(str(request.output), "\n".join(lines), ok=ok))

    def action_toggle_bidi(self) -> None:
        at = BIDI_CYCLE.index(self.mode) if self.mode in BIDI_CYCLE else -1
        self.mode = BIDI_CYCLE[(at + 1) % len(BIDI_CYCLE)]  # the watcher shows everything again in it
        self.notify(f"Arabic display: {self.mode.value}")

    def insert_match_number(self, number: int) -> None:
        """The palette's "Insert match N at the cursor"."""
        if self._match(number) is not None:
            self.chosen_match = number
            self.action_insert_match()

    # -- status bar and scores -------------------------------------------------------------------

    def update_status(self) -> None:
        counts = self.progress.counts()
        total_words = sum(words for key, (_, words) in counts.items() if key is not RowFilter.REJECTED) or 1
        shown_by = self._shown_by()
        bidi = Text(f"│ bidi {self.mode.value}", style="dim")
        team = Text()
        if self._unfollowed:
            team.append(" │ team memory: following off, reconnecting", style="bold red")
        if self.team_status:
            team.append(f" │ {self.team_status}", style="bold red" if "failed" in self.team_status else "dim")
        # The counts with their share of the words, or without it where the line would wrap (at 80 and 120 columns
        # it did, splitting "● unsaved" from its file and pushing the panels up a line); then one space apart, then
        # without the bidi mode, then with the search's words cut shorter (a long search at 80 columns left no room
        # for the counts). A list narrowed by a search says so before the counts; else the line wraps.
        room = (self.status_bar.size.width or self.app.size.width) - 2
        shown = [(key, segs, words) for key, (segs, words) in counts.items() if segs]
        full = "".join(f"{key} {segs} ({100 * words // total_words}% words)  " for key, segs, words in shown)
        short = "".join(f"{key} {segs}  " for key, segs, _words in shown)
        tight = "".join(f"{key} {segs} " for key, segs, _words in shown)
        fitting = (
            (text, tail)
            for query_chars in (STATUS_QUERY_CHARS, *STATUS_QUERY_SHORTER)
            for rest in (self._status_rest(shown_by, query_chars),)
            for tail in (Text.assemble(rest, bidi, team), Text.assemble(rest, team))
            for text in (full, short, tight)
            if len(text) + tail.cell_len <= room
        )
        rest = self._status_rest(shown_by, STATUS_QUERY_CHARS)
        counted, tail = next(
            fitting, ("", Text.assemble(rest, team)) if shown_by else (tight, Text.assemble(rest, bidi, team))
        )
        parts = Text(counted)
        parts.append_text(tail)
        if self.document.journal_error:
            parts.append(
                f"\n{self.document.journal_error}: {self.document.unsafe_edits} edit(s) only in memory, not yet safe; "
                f"free some space, or save as another file ({self._save_as_key()})",
                style="bold red",
            )
        if self.status_note:
            parts.append(f"\n{self.status_note}", style="bold red")
        self.status_bar.update(parts)

    def _status_rest(self, shown_by: str, query_chars: int) -> Text:
        """The status bar after the counts: what narrows the list (its search cut to ``query_chars``), QA, the file."""
        rest = Text()
        if shown_by:
            # The list's filter and search also steer Ctrl+N/Ctrl+P: said here, where the translator looks, not only
            # above the list (hidden on a small screen).
            rest.append(f"▼ {len(self.segment_list.rows_shown)} of {len(self.document)} · ", style="bold cyan")
            if self.row_filter is not RowFilter.ALL:
                rest.append(f"{self.row_filter} ", style="bold cyan")
            if self.query_text.strip():
                query = self.query_text.strip()
                query = query if len(query) <= query_chars else query[: query_chars - 1] + "…"
                rest.append("“", style="bold cyan")
                rest.append_text(one_line(query, self.mode, style="bold cyan"))
                rest.append("” ", style="bold cyan")
        if self.qa_left:
            rest.append(f"QA {self._qa_count()} ({self.keymap.label('qa_findings')}) ", style="bold yellow")
        rest.append(f"│ {self.document.path.name} ", style="bold")
        if self.document.dirty:
            rest.append("● unsaved ", style="bold yellow")
        return rest

    def update_scores(self, *, document: bool = True) -> None:
        """The current segment's score as typed (effort, or chrF/BLEU/TER against the reference); ``document``: the
        document's too, when a segment changed since it was last worked out."""
        row = self.current
        text = strip_placeholders(self._editor_text())
        if not self.references:
            # Against the match inserted in this session, else the pre-translation (the same figure in every session
            # and for the reviewer: it said 0% for a segment post-edited before), else the target as opened.
            before = pretranslation(self.document.rows[row].unit)
            inserted = self.inserted.get(row)
            # (Named as what it is: a segment neither pre-translated nor given a suggestion was said to be measured
            # against "the inserted suggestion", 0% for a translation typed from scratch in the reviewer's session.)
            if inserted is not None:
                against, baseline = "the inserted suggestion", inserted
            elif before is not None:
                against, baseline = "the pre-translation", before
            else:
                against, baseline = "the target as opened", self.loaded_editor_text
            effort = edit_effort(strip_placeholders(baseline), text)
            line = Text(f"edit effort {effort:.0f}%", style="bold")
            line.append(f"  characters changed against {against}", style="dim")
            self.score_panel.show(line, [])
            self.target_view.border_subtitle = f"effort {effort:.0f}%"
            return
        corpus = document and self._document_stale
        self._document_stale = self._document_stale and not corpus
        self.compute_scores(row, text, corpus)

    @work(thread=True, exclusive=True, group="scores", exit_on_error=False, description="scoring")
    def compute_scores(self, row: int, text: str, corpus: bool) -> None:
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
        self.app.call_from_thread(self._scores_found, row, line, series, subtitle)

    def _score_document(self, lang: str) -> tuple[Text, list[float]]:
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
        self.score_panel.show(line, series)
        if row == self.current:
            self.target_view.border_subtitle = subtitle


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


def word_span_at_cursor(area: TextArea) -> tuple[int, int] | None:
    """(start, end) offsets into the text of the word of letters the cursor of ``area`` is in or just after."""
    row, column = area.cursor_location
    line = area.document.get_line(row)
    start = column
    while start > 0 and (line[start - 1].isalpha() or line[start - 1] in "'’\u0640" or _is_mark(line[start - 1])):
        start -= 1
    end = column
    while end < len(line) and (line[end].isalpha() or line[end] in "'’\u0640" or _is_mark(line[end])):
        end += 1
    if start == end:
        return None
    offset = sum(len(area.document.get_line(r)) + 1 for r in range(row))
    return offset + start, offset + end


def location_of(text: str, index: int) -> tuple[int, int]:
    """The (line, column) of offset ``index`` in ``text``."""
    before = text[:index]
    return before.count("\n"), index - (before.rfind("\n") + 1)


def _is_mark(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) == "Mn"  # harakat belong to their word


def logical_part(selected: str, text: str) -> str | None:
    """Where ``selected`` (copied off the screen: shaped, and reversed on an RTL line) stands in ``text``."""
    import unicodedata

    flat = " ".join(unicodedata.normalize("NFKC", selected).split())
    for candidate in (flat, flat[::-1]):
        if candidate and candidate in text:
            return candidate
    return None


def _memory_name(memory: Path | str) -> str:
    """How a memory is named on screen: a file by its name, a shared memory by its URL without a password."""
    from tmkit.shared.urls import redacted

    return redacted(memory) if isinstance(memory, str) else memory.name


def _changed_span_end(before: str, after: str) -> int:
    """Where, in ``after``, the part that differs from ``before`` ends (their common start and end left out)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end_before, end_after = len(before), len(after)
    while end_before > start and end_after > start and before[end_before - 1] == after[end_after - 1]:
        end_before -= 1
        end_after -= 1
    return end_after
