"""What `tmkit edit` asks of the editor: the file, the memories, the languages and the translator's settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tmkit.jobs.config import QaOnConfirm
from tmkit.tui.display import BidiMode


@dataclass
class EditorOptions:
    path: Path
    memories: Sequence[Path | str] = ()  # a str is a postgresql:// URL
    reference: Path | None = None
    source_lang: str = "ar"
    target_lang: str = "en"
    bidi: BidiMode = BidiMode.AUTO
    save_to: Path | str | None = None  # a str is a postgresql:// URL
    #: Offer to recover a journal found at start (tests and the bench may answer themselves).
    ask_recovery: bool = True
    env: dict[str, str] = field(default_factory=dict)
    #: A line to show once the editor is up (e.g. how a text document became the working TMX).
    greeting: str | None = None
    #: The greeting warns (the working file was made from another version of its document): it stays up until read.
    greeting_warns: bool = False
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
    #: Termbases (`--terms`): their terms are shown for each source, inserted by number, checked on confirm and
    #: never flagged by spelling; a term added in the editor goes into the first.
    terms: Sequence[Path] = ()
    #: Seconds between team syncs over git (the config file's `team_sync_interval`); each save syncs too; None: only
    #: on demand (`tmkit.jobs.team_sync`).
    team_sync_interval: float | None = None
    #: Spell checking of the target (off for tests that build options, and when no dictionary is found).
    spelling: bool = False
    #: The document the working file was made from (`tmkit edit report.docx`); the finish key writes its translation.
    #: None: guessed from the working file's name (`report.docx.tmx`), else asked.
    document: Path | None = None
    #: Folders searched first for Hunspell dictionaries (tests; `$TMKIT_HUNSPELL_PATH` for translators).
    dictionary_dirs: Sequence[Path] = ()
