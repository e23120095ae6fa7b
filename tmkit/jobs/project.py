"""A translation project of several files: its folders and config, its files' work and targets, finishing them all."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from tmkit.atomic import TEMP_MARKER, write_text_atomic
from tmkit.errors import InputError, ParameterError, TmkitError
from tmkit.jobs.config import _TOML_WHERE, _line_of
from tmkit.memory.langtags import is_valid_tag, lang_key, primary_subtag
from tmkit.memory.model import Memory, Status
from tmkit.text.segmentation import SrxRules

if TYPE_CHECKING:
    from tmkit.jobs.source_text import Segmentation
    from tmkit.jobs.update import JobUpdate
    from tmkit.jobs.workfile import Job

# The layout follows OmegaT's (omegat.project, source/, target/, tm/, glossary/, omegat/project_save.tmx), so a
# translator who knows OmegaT finds each thing where they expect it; tmkit keeps one working TMX per document.

#: The project's config at its root, as OmegaT's `omegat.project`.
CONFIG_NAME = "tmkit-project.toml"
#: What a working file cut otherwise than the config says now is told to do.
SEGMENTATION_REMEDY = f"put srx and srx_only in {CONFIG_NAME} back as they were when its work started"
#: The documents to translate, in any subfolders.
SOURCE_DIR = "source"
#: The translated documents, in the same subfolders as their sources.
TARGET_DIR = "target"
#: Memories: every TMX under it is read for matches.
TM_DIR = "tm"
#: Termbases: every TBX, CSV/TSV or OmegaT glossary under it (OmegaT calls it `glossary/`).
TERMS_DIR = "terms"
#: Each document's working TMX (what `tmkit edit` edits), in the source's subfolders (OmegaT keeps `omegat/`).
WORK_DIR = "work"
FOLDERS = (SOURCE_DIR, TARGET_DIR, TM_DIR, TERMS_DIR, WORK_DIR)
#: The termbase `init` makes in terms/ and the editor adds terms to (Alt+E), as OmegaT's writable glossary/glossary.txt.
GLOSSARY_NAME = "glossary.txt"
#: What the new glossary holds: a comment saying its format (an OmegaT glossary: one term a line).
GLOSSARY_HEADER = "# source<TAB>target<TAB>comment, one term a line (OmegaT glossary); tmkit edit adds terms here\n"

#: Where the editor adds confirmed translations on every save; inside tm/, so every file's matches include them
#: (OmegaT's project_save.tmx plays this part).
DEFAULT_SAVE_TO = f"{TM_DIR}/project.tmx"

#: Suffixes of the memories read from tm/.
MEMORY_SUFFIXES = (".tmx",)
#: Suffixes of the plain-text documents a project translates (DOCX, HTML, Markdown, PO, XLIFF have their filters' own).
TEXT_SUFFIXES = (".txt",)

#: The config's keys and what each must hold (for the one error a wrong value gets).
_STRING_KEYS = ("source_lang", "target_lang", "srx", "save_to")
_LIST_KEYS = ("memories", "terms")
_BOOL_KEYS = ("srx_only",)
#: How tomllib ends a message about a file that ends too early (a list or string left open): no line given.
_AT_END = "(at end of document)"
_KNOWN_KEYS = frozenset(_STRING_KEYS + _LIST_KEYS + _BOOL_KEYS)


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """What `tmkit-project.toml` says: the language pair, memories and termbases beyond tm/ and terms/, SRX rules."""

    source_lang: str
    target_lang: str
    #: Memories outside tm/ (relative to the project, or absolute).
    memories: tuple[str, ...] = ()
    #: Termbases outside terms/ (relative to the project, or absolute).
    terms: tuple[str, ...] = ()
    #: SRX rules tried before tmkit's own (None: tmkit's alone).
    srx: str | None = None
    #: Use only the ``srx`` rules.
    srx_only: bool = False
    #: The memory the editor adds confirmed translations to ("" for none).
    save_to: str = DEFAULT_SAVE_TO

    def to_toml(self) -> str:
        """The config as the file tmkit writes: every setting with a comment saying what it does."""
        lines = [
            "# A tmkit translation project (made by `tmkit init`). Paths are relative to this folder.",
            "# source/ holds the documents, target/ gets their translations (tmkit finish), tm/ the memories,",
            "# terms/ the termbases, work/ each document's working TMX (tmkit edit).",
            "",
            f"source_lang = {_toml_string(self.source_lang)}",
            f"target_lang = {_toml_string(self.target_lang)}",
            "",
            "# Memories besides every .tmx under tm/.",
            f"memories = {_toml_list(self.memories)}",
            "# Termbases (TBX, CSV/TSV, OmegaT glossary) besides those under terms/; terms added in the editor go",
            f"# into terms/{GLOSSARY_NAME} (else the first termbase).",
            f"terms = {_toml_list(self.terms)}",
            "",
            "# SRX segmentation rules tried before tmkit's own (srx_only = true: only them). Changing them",
            "# after work started makes the working files disagree with their documents.",
            f"srx = {_toml_string(self.srx)}" if self.srx else '# srx = "rules.srx"',
            f"srx_only = {'true' if self.srx_only else 'false'}",
            "",
            '# The editor adds confirmed translations to this memory on every save ("" for none).',
            f"save_to = {_toml_string(self.save_to)}",
            "",
        ]
        return "\n".join(lines)


def _toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's for the characters that need one."""
    import json

    return json.dumps(value, ensure_ascii=False)


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def read_config(path: str | os.PathLike[str]) -> ProjectConfig:
    """The project config at ``path``; a file that is not TOML, or a wrong or unknown key, is one `InputError` naming
    the file and line."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InputError(
            f"cannot read the project config: {(error.strerror or str(error)).lower()}", path=file
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            "the project config is not UTF-8", path=file, line=data[: error.start].count(b"\n") + 1
        ) from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = _TOML_WHERE.search(message)
        line: int | None = int(where.group(1)) if where else None
        if message.endswith(_AT_END):  # something left open: say the last line written, where it began or ends
            message = message.removesuffix(_AT_END) + "(a bracket or quote left open?)"
            line = len(text.rstrip().splitlines()) or None
        raise InputError(f"not TOML: {_TOML_WHERE.sub('', message).strip()}", path=file, line=line) from None

    def wrong(key: str, message: str) -> InputError:
        return InputError(message, path=file, line=_line_of(text, key))

    for key, value in values.items():
        if key not in _KNOWN_KEYS:
            known = ", ".join(sorted(_KNOWN_KEYS))
            raise wrong(key, f"unknown setting {key!r} (a project config has {known})")
        if key in _STRING_KEYS and not isinstance(value, str):
            raise wrong(key, f"{key} must be a string in quotes")
        if key in _LIST_KEYS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise wrong(key, f'{key} must be a list of paths in quotes, e.g. {key} = ["../shared.tmx"]')
        if key in _BOOL_KEYS and not isinstance(value, bool):
            raise wrong(key, f"{key} must be true or false")
    for key in ("source_lang", "target_lang"):
        if key not in values:
            raise InputError(f'{key} is missing: say which language, e.g. {key} = "ar"', path=file)
        if not is_valid_tag(values[key]):
            raise wrong(key, f'{key} must be a language tag such as "ar" or "en-GB", not {values[key]!r}')
    if primary_subtag(values["source_lang"]) == primary_subtag(values["target_lang"]):
        raise wrong("target_lang", f"target_lang is the source language ({values['source_lang']}): name the other one")
    srx = values.get("srx") or None
    if values.get("srx_only") and srx is None:
        raise wrong("srx_only", 'srx_only needs srx = "RULES.srx"')
    return ProjectConfig(
        source_lang=values["source_lang"],
        target_lang=values["target_lang"],
        memories=tuple(values.get("memories", ())),
        terms=tuple(values.get("terms", ())),
        srx=srx,
        srx_only=bool(values.get("srx_only", False)),
        save_to=values.get("save_to", DEFAULT_SAVE_TO),
    )


@dataclass(frozen=True, slots=True)
class ProjectFile:
    """One document of a project: its name under source/, and where its working TMX and its translation go."""

    #: The path under source/, with `/` between folders (`reports/q1.docx`): what the translator names it by.
    name: str
    source: Path
    work: Path
    target: Path


@dataclass(frozen=True, slots=True)
class FileProgress:
    """Where one document stands: segments and source words per status (rejected counted apart), or not started."""

    file: ProjectFile
    #: Whether its working TMX exists (the file was opened in the editor or pre-translated).
    started: bool
    segments: int
    words: int
    #: Segments and words per status (every status present, in workflow order).
    by_status: dict[Status, tuple[int, int]] = field(default_factory=dict)
    rejected: tuple[int, int] = (0, 0)
    #: For a document started: the first segment where its working TMX and the document as it is now part (None:
    #: made from this version, or merge conflicts to settle first): `tmkit pretranslate PROJECT --update` is due.
    changed_from: int | None = None

    @property
    def confirmed_words(self) -> int:
        return sum(self.by_status.get(s, (0, 0))[1] for s in CONFIRMED_STATUSES)

    @property
    def percent(self) -> float:
        """Confirmed source words as a share of all (100 for a document without words)."""
        return 100.0 * self.confirmed_words / self.words if self.words else 100.0


#: The statuses a translator has confirmed (as the editor's F2 and Alt+A set them).
CONFIRMED_STATUSES = (Status.TRANSLATED, Status.REVIEWED, Status.FINAL)


@dataclass(slots=True)
class FileFinish:
    """What `finish_project` did with one document: its report, or why it was not written."""

    file: ProjectFile
    #: The finish report's line (None: not written).
    written: str | None = None
    #: Why the target was not written (no working file, unfinished with ``require_all``, an error): one line naming
    #: the file.
    problem: str | None = None
    #: Warnings about inline codes that had no place.
    notices: list[str] = field(default_factory=list)
    #: The target was refused because segments were unfinished (``require_all``), not because of bad input.
    unfinished: bool = False


@dataclass(frozen=True, slots=True)
class Project:
    """A project folder and its config."""

    root: Path
    config: ProjectConfig

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def source_lang(self) -> str:
        return self.config.source_lang

    @property
    def target_lang(self) -> str:
        return self.config.target_lang

    def _resolve(self, path: str) -> Path:
        given = Path(path).expanduser()
        return given if given.is_absolute() else self.root / given

    # -- what the project holds -----------------------------------------------------------------

    def files(self) -> list[ProjectFile]:
        """The documents under source/ tmkit can translate, in name order (hidden files and others left out)."""
        return [self._file(path) for path in _walk(self.root / SOURCE_DIR) if is_translatable(path)]

    def ignored(self) -> list[Path]:
        """Files under source/ in no format tmkit translates (a PDF, an image): listed, never translated."""
        return [path for path in _walk(self.root / SOURCE_DIR) if not is_translatable(path)]

    def _file(self, source: Path) -> ProjectFile:
        from tmkit.jobs.workfile import job_path

        relative = source.relative_to(self.root / SOURCE_DIR)
        return ProjectFile(
            name=PurePosixPath(*relative.parts).as_posix(),
            source=source,
            work=self.root / WORK_DIR / job_path(relative),
            target=self.root / TARGET_DIR / relative,
        )

    def file(self, name: str) -> ProjectFile:
        """The document ``name`` names: its path under source/ (with or without `source/`), its number in `files`
        (from 1), or a file name only one document has."""
        files = self.files()
        if not files:
            raise InputError(f"no documents to translate in {self.root / SOURCE_DIR}: copy them there first")
        wanted = PurePosixPath(name.replace(os.sep, "/")).as_posix()
        if wanted.isdigit() and 1 <= int(wanted) <= len(files):
            return files[int(wanted) - 1]
        for candidate in (wanted, wanted.removeprefix(f"{SOURCE_DIR}/")):
            for file in files:
                if file.name == candidate:
                    return file
        by_base = [f for f in files if PurePosixPath(f.name).name == wanted]
        if len(by_base) == 1:
            return by_base[0]
        names = ", ".join(f.name for f in files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10 else "")
        why = "more than one document is called so" if by_base else "no such document"
        raise InputError(f"{why} in {self.root / SOURCE_DIR} (documents: {names})", path=name)

    def memories(self) -> list[Path]:
        """Every TMX under tm/, then the config's `memories`."""
        found = [p for p in _walk(self.root / TM_DIR) if p.name.lower().endswith(MEMORY_SUFFIXES)]
        return _unique([*found, *(self._resolve(m) for m in self.config.memories)])

    def terms(self) -> list[Path]:
        """Every termbase under terms/ (TBX, CSV/TSV, OmegaT glossary), then the config's `terms`; terms/glossary.txt
        first, as the editor adds terms to the first."""
        from tmkit.terms.files import SUFFIXES

        suffixes = tuple(s for group in SUFFIXES.values() for s in group)
        glossary = self.root / TERMS_DIR / GLOSSARY_NAME
        found = [p for p in _walk(self.root / TERMS_DIR) if p.name.lower().endswith(suffixes)]
        found.sort(key=lambda p: p != glossary)  # stable: the rest stay in name order
        return _unique([*found, *(self._resolve(t) for t in self.config.terms)])

    def save_to(self) -> Path | None:
        """The memory the editor adds confirmed translations to (None: the config says none)."""
        return self._resolve(self.config.save_to) if self.config.save_to else None

    def segmentation(self) -> Segmentation:
        """How the project's documents are cut: tmkit's rules, extended (or, with `srx_only`, replaced) by the config's
        SRX file."""
        from tmkit.jobs.source_text import Segmentation

        srx = self._resolve(self.config.srx) if self.config.srx is not None else None
        return Segmentation(srx, srx_only=self.config.srx_only)

    def rules(self) -> SrxRules:
        """The SRX rules of the project's `segmentation`."""
        return self.segmentation().rules()

    def cutting(self, file: ProjectFile, work: Memory) -> Segmentation:
        """How a started document is cut: as its working TMX ``work`` records (`Segmentation.for_file`), which must be
        the project's `segmentation`; one line says to put the config back otherwise."""
        from tmkit.jobs.source_text import Segmentation

        return Segmentation.for_file(work.header, file.work, self.segmentation(), remedy=SEGMENTATION_REMEDY)

    def check_paths(self) -> None:
        """Every memory and termbase the config names exists: one `InputError` naming the config line otherwise."""
        text = self.config_path.read_text(encoding="utf-8")
        for key, paths in (("memories", self.config.memories), ("terms", self.config.terms)):
            for path in paths:
                if not self._resolve(path).is_file():
                    raise InputError(f"{key}: no such file {path!r}", path=self.config_path, line=_line_of(text, key))
        if self.config.srx is not None and not self._resolve(self.config.srx).is_file():
            raise InputError(
                f"srx: no such file {self.config.srx!r}", path=self.config_path, line=_line_of(text, "srx")
            )

    # -- the work -------------------------------------------------------------------------------

    def prepare(
        self,
        file: ProjectFile,
        *,
        memories: Sequence[str | os.PathLike[str]] | None = None,
        user: str | None = None,
        on_notice: Callable[[str], None] | None = None,
        threshold: float | None = None,
    ) -> Job:
        """The document's working TMX, made (segmented by the project's rules, pre-translated from ``memories``, the
        project's by default, at ``threshold``) unless it exists."""
        from tmkit.jobs.workfile import prepare_job

        file.work.parent.mkdir(parents=True, exist_ok=True)
        save_to = self.save_to()
        # git keeps no empty folder: in a team's fresh clone tm/ is missing, and every save's export of the confirmed
        # pairs to the project's memory failed ("not written") until someone made it by hand.
        if save_to is not None and save_to.parent.resolve().is_relative_to(self.root.resolve()):
            save_to.parent.mkdir(parents=True, exist_ok=True)
        return prepare_job(
            file.source,
            self.memories() if memories is None else memories,
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            output=file.work,
            threshold=threshold,
            user=user,
            on_notice=on_notice,
            segmentation=self.segmentation(),
        )

    def update(
        self,
        file: ProjectFile,
        *,
        memories: Sequence[str | os.PathLike[str]] | None = None,
        user: str | None = None,
        on_notice: Callable[[str], None] | None = None,
        threshold: float | None = None,
        resegment: bool = False,
    ) -> JobUpdate:
        """The document's working TMX carried over to the document as it is now (`update_job`), when it was made from
        another version (or, with ``resegment``, cut otherwise than the project's rules cut it now); left as it is
        otherwise."""
        from tmkit.jobs.update import update_job

        return update_job(
            file.source,
            file.work,
            self.memories() if memories is None else memories,
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            threshold=threshold,
            user=user,
            segmentation=self.segmentation(),
            on_notice=on_notice,
            remedy=SEGMENTATION_REMEDY,
            resegment=resegment,
        )

    def changed_since_started(self, file: ProjectFile) -> int | None:
        """The first segment where the document's working TMX and the document as it is now part (None: it was made
        from this version). For a document started only; one line refuses a working TMX with merge conflicts."""
        from tmkit.formats.tmx_reader import load_tmx
        from tmkit.jobs.update import refuse_unsettled_conflicts

        work = load_tmx(file.work)
        refuse_unsettled_conflicts(work, file.work)
        return self._where_changed(file, work)

    def progress(self, file: ProjectFile) -> FileProgress:
        """Segments and words per status from the working TMX; a document not started counts all its segments new."""
        from tmkit.formats.tmx_reader import load_tmx
        from tmkit.text.wordcount import count_words

        by_status = {s: [0, 0] for s in Status}
        rejected = [0, 0]
        if not file.work.is_file():
            from tmkit.jobs.source_text import read_source_document

            segments = read_source_document(file.source).segments(lang=self.source_lang, rules=self.rules())
            words = sum(count_words(s.plain) for s in segments)
            by_status[Status.NEW] = [len(segments), words]
            return FileProgress(file, False, len(segments), words, {s: (n, w) for s, (n, w) in by_status.items()})
        memory = load_tmx(file.work)
        changed_from = self._changed_from(file, memory)
        for unit in memory.units:
            source, targets = unit.pair(self.source_lang, self.target_lang)
            words = count_words(source.segment.plain) if source is not None else 0
            has_target = any(v.segment.plain.strip() for v in targets)
            status = unit.status if has_target else Status.NEW  # as the editor counts it
            by_status[status][0] += 1
            by_status[status][1] += words
            if unit.rejected:
                rejected[0] += 1
                rejected[1] += words
        return FileProgress(
            file,
            True,
            sum(n for n, _ in by_status.values()),
            sum(w for _, w in by_status.values()),
            {s: (n, w) for s, (n, w) in by_status.items()},
            (rejected[0], rejected[1]),
            changed_from,
        )

    def _changed_from(self, file: ProjectFile, work: Memory) -> int | None:
        """Where a started document's working TMX ``work`` and the document part (`FileProgress.changed_from`); None
        too where the document cannot be read now, or the working file was cut otherwise than the config says now
        (its working file still tells how far it is; `tmkit finish` and the update say what is wrong)."""
        try:
            return self._where_changed(file, work)
        except TmkitError:
            return None

    def _where_changed(self, file: ProjectFile, work: Memory) -> int | None:
        """`where_changed_since` for a started document, cut by the project's rules as its working file records."""
        from tmkit.jobs.update import where_changed_since

        return where_changed_since(
            file.work,
            file.source,
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            given=self.segmentation(),
            remedy=SEGMENTATION_REMEDY,
            work=work,
        )

    def finish(
        self,
        *,
        require_all: bool = False,
        confirmed_only: bool = False,
        files: Sequence[ProjectFile] | None = None,
    ) -> list[FileFinish]:
        """Write every document's translation into target/ (its subfolders made), one report per document.

        A document without a working TMX is not written (nothing was translated); one that cannot be
        finished (its working TMX made from another version, unfinished with ``require_all``) is reported
        and the others are written all the same.
        """
        from tmkit.formats.tmx_reader import load_tmx
        from tmkit.jobs.finish import UnfinishedError, finish_document

        out: list[FileFinish] = []
        for file in self.files() if files is None else files:
            result = FileFinish(file)
            out.append(result)
            if not file.work.is_file():
                result.problem = f"{file.source}: not started (no working file: open it with tmkit edit): not written"
                result.unfinished = True
                continue
            try:
                file.target.parent.mkdir(parents=True, exist_ok=True)
                work = load_tmx(file.work)
                report = finish_document(
                    file.source,
                    work,
                    file.target,
                    work_path=file.work,
                    rules=self.cutting(file, work).rules(),
                    update_hint=f"tmkit pretranslate {self.root} --update carries its translations over to it",
                    require_all=require_all,
                    confirmed_only=confirmed_only,
                )
            except UnfinishedError as error:
                result.problem, result.unfinished = str(error), True
                continue
            except InputError as error:
                result.problem = str(error)
                continue
            result.written = report.describe(file.target)
            result.notices = report.code_notices()
        return out


def _walk(folder: Path) -> list[Path]:
    """The files under ``folder``, sorted by path, without hidden files or folders and tmkit's temporary files."""
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for here, folders, names in os.walk(folder):
        folders[:] = sorted(d for d in folders if not d.startswith("."))
        found.extend(Path(here) / n for n in sorted(names) if not n.startswith(".") and TEMP_MARKER not in n)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def _unique(paths: Sequence[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def is_translatable(path: str | os.PathLike[str]) -> bool:
    """Whether a project translates the file: plain text (`.txt`) or a format with a filter (DOCX, HTML, Markdown…)."""
    from tmkit.formats.documents import DOCUMENT_SUFFIXES

    lower = os.fspath(path).lower()
    return lower.endswith(TEXT_SUFFIXES + tuple(s for group in DOCUMENT_SUFFIXES.values() for s in group))


def is_project(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a project folder (it holds `tmkit-project.toml`)."""
    return (Path(path) / CONFIG_NAME).is_file()


def enclosing_project_file(document: str | os.PathLike[str]) -> ProjectFile | None:
    """The project document ``document`` is, when it lies under a project's source/ (its job is in work/); else None."""
    # As given first (a document linked into source/ resolves elsewhere), then resolved (a project reached by a link).
    # (`realpath`: `Path.resolve` raised on a loop of links, an internal error for a name mistyped into one.)
    for path in dict.fromkeys((Path(os.path.abspath(document)), Path(os.path.realpath(document)))):
        for folder in path.parents:
            if folder.name == SOURCE_DIR and is_project(folder.parent):
                return open_project(folder.parent)._file(path)
    return None


def open_project(path: str | os.PathLike[str]) -> Project:
    """The project at ``path``; a folder without a config, or a bad config, is one `InputError`."""
    root = Path(path)
    if not root.is_dir():
        raise InputError("no such folder" if not root.exists() else "not a project folder", path=root)
    if not is_project(root):
        raise InputError(f"is a directory, not a tmkit project (no {CONFIG_NAME}; tmkit init makes one)", path=root)
    return Project(root, read_config(root / CONFIG_NAME))


def init_project(path: str | os.PathLike[str], *, source_lang: str, target_lang: str) -> tuple[Project, bool]:
    """Make a project folder (its folders and config) at ``path``; the project and whether it was made.

    An existing project is kept as it is (missing folders are made again) when its languages are the
    ones given; a folder that holds anything else is refused, so nothing of the translator's is mixed in.
    """
    root = Path(path)
    if root.exists() and not root.is_dir():
        raise InputError("not a folder: name a new folder for the project", path=root)
    if is_project(root):
        project = open_project(root)
        if (lang_key(project.source_lang), lang_key(project.target_lang)) != (
            lang_key(source_lang),
            lang_key(target_lang),
        ):
            raise InputError(
                f"is already a project from {project.source_lang} into {project.target_lang}: change its "
                "languages there if that is what you want",
                path=project.config_path,
            )
        for folder in FOLDERS:
            (root / folder).mkdir(exist_ok=True)
        return project, False
    if root.is_dir() and any(root.iterdir()):
        raise InputError("the folder is not empty and not a tmkit project: name a new or empty folder", path=root)
    for name, value in (("source_lang", source_lang), ("target_lang", target_lang)):
        if not is_valid_tag(value):
            raise ParameterError(
                f"{{{name}}} must be a language tag such as ar or en-GB, not {{value!r}}", values={"value": value}
            )
    if primary_subtag(source_lang) == primary_subtag(target_lang):
        raise ParameterError("{source_lang} and {target_lang} are the same language")
    text = ProjectConfig(source_lang=source_lang, target_lang=target_lang).to_toml()
    root.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        (root / folder).mkdir(exist_ok=True)
    write_text_atomic(root / TERMS_DIR / GLOSSARY_NAME, GLOSSARY_HEADER)
    write_text_atomic(root / CONFIG_NAME, text)
    return open_project(root), True
