"""Projects on the command line: `tmkit init`, and `edit`, `finish`, `stats` and `analyze` given a project folder."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tmkit.cli.common import EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, error, print_json, warn
from tmkit.errors import InputError, TmkitError
from tmkit.memory.langtags import DEFAULT_SOURCE_LANG, DEFAULT_TARGET_LANG
from tmkit.wording import plural

if TYPE_CHECKING:
    from tmkit.jobs.project import FileProgress, Project, ProjectFile

#: What the prompt of `tmkit edit PROJECT` asks at a terminal.
PICK_PROMPT = "open which document? its number or name (Enter to quit): "


def register(commands: Any) -> None:
    p = commands.add_parser(
        "init",
        help="make a translation project: source/, target/, tm/, terms/ and a config (like an OmegaT project)",
        description="Make the folder PROJECT for a translation project laid out as OmegaT's: source/ for the "
        "documents (DOCX, HTML, Markdown, PO, XLIFF, text; subfolders kept), target/ for their translations, tm/ for "
        "memories, terms/ for termbases, work/ for each document's working TMX, and tmkit-project.toml with the "
        "languages, extra memories and termbases, and SRX rules. Then copy the documents into source/ and run "
        "'tmkit edit PROJECT', 'tmkit finish PROJECT', 'tmkit stats PROJECT' or 'tmkit analyze PROJECT'. A folder "
        "that holds anything else is refused; an existing project is kept as it is.",
    )
    p.add_argument("project", help="the project folder to make (new or empty)")
    p.add_argument(
        "--src", default=DEFAULT_SOURCE_LANG, help=f"the documents' language (default {DEFAULT_SOURCE_LANG})"
    )
    p.add_argument(
        "--tgt", default=DEFAULT_TARGET_LANG, help=f"the language to translate into (default {DEFAULT_TARGET_LANG})"
    )
    p.set_defaults(handler=run_init)


def run_init(args: argparse.Namespace) -> int:
    from tmkit.jobs.project import CONFIG_NAME, SOURCE_DIR, init_project

    project, made = init_project(args.project, source_lang=args.src, target_lang=args.tgt)
    if made:
        print(
            f"made the project {project.root} ({project.source_lang} → {project.target_lang}): copy the documents "
            f"into {project.root / SOURCE_DIR}, memories into tm/, termbases into terms/; settings in {CONFIG_NAME}",
            file=sys.stderr,
        )
    else:
        print(
            f"{project.root} is already a project ({project.source_lang} → {project.target_lang}): kept",
            file=sys.stderr,
        )
    return EXIT_OK


#: The options of reading a document (attribute, flag) that a project's config decides: its languages and segmentation.
_CONFIG_READING_OPTIONS = (
    ("lang", "--lang"),
    ("to", "--to"),
    ("srx", "--srx"),
    ("srx_only", "--srx-only"),
    ("join_lines", "--join-lines"),
)


def _refuse(args: argparse.Namespace, why: str, *options: tuple[str, str]) -> None:
    """One error for the first of ``options`` (attribute, flag) given with a project."""
    for attribute, flag in options:
        if getattr(args, attribute, None) not in (None, False, []):
            raise InputError(f"{flag} is not for a project: {why}")


def _open(path: str) -> Project:
    from tmkit.jobs.project import open_project

    project = open_project(path)
    project.check_paths()
    return project


# -- the list of documents ----------------------------------------------------------------------


def _progress_table(progress: list[FileProgress], files: list[ProjectFile]) -> list[str]:
    """The documents numbered as `tmkit edit PROJECT N` takes them (their place among ``files``: an unreadable one
    left out of ``progress`` keeps its number), with their words, segments and how far they are."""
    lines = [f"{'#':>3}  {'done':>5}  {'words':>7}  {'segments':>8}  document"]
    for item in progress:
        number = files.index(item.file) + 1
        done = f"{item.percent:4.0f}%" if item.started else "  new"
        lines.append(f"{number:>3}  {done:>5}  {item.words:>7,}  {item.segments:>8,}  {_named(item)}")
    return lines


#: What follows the name of a document changed since it was started, in the project's listings.
CHANGED_MARK = " (changed since it was started)"


def _named(item: FileProgress) -> str:
    return item.file.name + (CHANGED_MARK if item.changed_from is not None else "")


def _say_changed(project: Project, progress: list[FileProgress]) -> None:
    """One line naming the documents changed since they were started, and the command that carries them over."""
    changed = [item.file.name for item in progress if item.changed_from is not None]
    if changed:
        warn(
            f"{plural(len(changed), 'document')} changed since started ({', '.join(changed)}): "
            f"tmkit pretranslate {project.root} --update carries their translations over"
        )


def _list_documents(project: Project, unreadable: list[str] | None = None) -> list[FileProgress]:
    """Each readable document's progress; the others named in an error line each (and added to ``unreadable``)."""
    unreadable = [] if unreadable is None else unreadable
    files = project.files()
    if not files:
        from tmkit.jobs.project import SOURCE_DIR

        raise InputError(f"no documents to translate in {project.root / SOURCE_DIR}: copy them there first")
    for path in project.ignored():
        warn(f"{path}: not a format tmkit translates (DOCX, HTML, Markdown, PO, XLIFF, .txt): left out")
    progress = []
    for file in files:
        try:
            progress.append(project.progress(file))
        except TmkitError as exc:
            # One broken document is named, and the others are still listed: it stopped the whole project's
            # stats and analyze, without output.
            error(str(exc))
            unreadable.append(file.name)
    return progress


def _pick(project: Project) -> ProjectFile | None:
    """The document the translator picks from the numbered list at the terminal (None: they quit)."""
    progress = _list_documents(project)
    print(f"{project.root}: {project.source_lang} → {project.target_lang}, {len(progress)} document(s)")
    for line in _progress_table(progress, project.files()):
        print(line)
    _say_changed(project, progress)
    while True:
        try:
            answer = input(PICK_PROMPT).strip()
        except EOFError:
            print()
            return None
        if not answer:
            return None
        try:
            return project.file(answer)
        except InputError as problem:
            print(f"  {problem}")


def run_project_edit(args: argparse.Namespace) -> int:
    """`tmkit edit PROJECT [FILE]`: the document named (or picked from the list) in the editor, with the project's
    memories, termbases and segmentation rules; without a terminal and without FILE, the list is printed."""
    from tmkit.jobs.config import load_config, resolve_user

    project = _open(args.file)
    _refuse(args, "its languages are in its config", ("src", "--src"), ("tgt", "--tgt"))
    _refuse(args, "each document's working TMX is in work/", ("output", "-o"))
    _refuse(args, "its segmentation is in its config", *_CONFIG_READING_OPTIONS[2:])
    for path in [*args.tm, *([args.ref] if args.ref else []), *args.terms]:
        if not Path(path).is_file():
            raise InputError("no such file", path=path)
    if args.project_file is not None:
        file = project.file(args.project_file)
    elif sys.stdin.isatty() and sys.stdout.isatty():
        picked = _pick(project)
        if picked is None:
            return EXIT_OK
        file = picked
    else:
        progress = _list_documents(project)
        for line in _progress_table(progress, project.files()):
            print(line)
        _say_changed(project, progress)
        print(f"tmkit: open one with: tmkit edit {args.file} DOCUMENT (its number or name)", file=sys.stderr)
        return EXIT_OK
    config = load_config(env=dict(os.environ))
    user = resolve_user(args.user, config)
    memories = [*project.memories(), *(Path(m) for m in args.tm)]
    job = project.prepare(file, memories=memories, user=user, on_notice=warn)
    greeting = job.describe(file.source, update=f"tmkit pretranslate {project.root} --update")
    print(greeting, file=sys.stderr)
    from tmkit.tui.app import EditorApp
    from tmkit.tui.display import BidiMode
    from tmkit.tui.options import EditorOptions

    save_to = Path(args.save_to) if args.save_to else project.save_to()
    options = EditorOptions(
        path=job.path,
        memories=memories,
        reference=Path(args.ref) if args.ref else None,
        source_lang=project.source_lang,
        target_lang=project.target_lang,
        bidi=BidiMode(args.bidi),
        save_to=save_to,
        env=dict(os.environ),
        greeting=greeting,
        greeting_warns=job.changed_from is not None,
        user=user,
        qa_on_confirm=config.qa_on_confirm,
        keymap=args.keymap,
        terms=[*project.terms(), *(Path(t) for t in args.terms)],
        spelling=not args.no_spelling,
    )
    app = EditorApp(options)
    app.run()
    if app.load_error is not None:
        error(app.load_error)
        return EXIT_USAGE
    return app.return_code or EXIT_OK


# -- finish ---------------------------------------------------------------------------------------


def run_project_finish(args: argparse.Namespace) -> int:
    """`tmkit finish PROJECT`: every document's translation into target/, one line per document."""
    project = _open(args.document)
    _refuse(
        args,
        "each document's working TMX and target are the project's",
        ("work", "--work"),
        ("output", "-o"),
        ("pseudo", "--pseudo"),
        ("src", "--src"),
        ("tgt", "--tgt"),
        ("srx", "--srx"),
        ("srx_only", "--srx-only"),
        ("join_lines", "--join-lines"),
    )
    if not project.files():
        raise InputError("no documents to translate in source/: copy them there first", path=project.root)
    results = project.finish(require_all=args.require_all, confirmed_only=args.confirmed_only)
    written = 0
    code = EXIT_OK
    for result in results:
        if result.written is not None:
            written += 1
            print(result.written, file=sys.stderr)
            for notice in result.notices:
                warn(f"{result.file.target}: {notice}")
        elif result.unfinished:
            if args.require_all:
                error(str(result.problem))
                code = max(code, EXIT_CHECK_FAILED)
            else:
                warn(str(result.problem))
        else:
            error(str(result.problem))
            code = EXIT_USAGE
        if result.written is None and result.file.target.exists():
            # A translation from an earlier finish, of the document as it was then: said, not taken for this run's.
            warn(f"{result.file.target}: from an earlier finish, left as it was (not this run's)")
    print(f"finished {written} of {len(results)} document(s) into {project.root / 'target'}", file=sys.stderr)
    if written == 0:
        # Nothing delivered is a failure for a script too, not a success with warnings.
        code = max(code, EXIT_CHECK_FAILED)
    return code


# -- stats and analyze -----------------------------------------------------------------------------


def run_project_stats(args: argparse.Namespace) -> int:
    """`tmkit stats PROJECT`: segments and words per status for each document and the project."""
    from tmkit.memory.model import Status

    project = _open(args.file)
    unreadable: list[str] = []
    progress = _list_documents(project, unreadable)
    statuses = list(Status)
    totals = {s: [0, 0] for s in statuses}
    for item in progress:
        for status, (segments, words) in item.by_status.items():
            totals[status][0] += segments
            totals[status][1] += words
    total_words = sum(w for _, w in totals.values())
    confirmed = sum(totals[s][1] for s in statuses if s in (Status.TRANSLATED, Status.REVIEWED, Status.FINAL))
    total_percent = 100.0 * confirmed / total_words if total_words else 100.0
    if args.json:
        print_json(
            {
                "project": os.fspath(project.root),
                "source_lang": project.source_lang,
                "target_lang": project.target_lang,
                "files": [
                    {
                        "document": item.file.name,
                        "started": item.started,
                        "segments": item.segments,
                        "words": item.words,
                        "statuses": {s.value: {"segments": n, "words": w} for s, (n, w) in item.by_status.items()},
                        "rejected": {"segments": item.rejected[0], "words": item.rejected[1]},
                        "percent_done": round(item.percent, 1),
                        "changed_from": item.changed_from,
                    }
                    for item in progress
                ],
                "total": {
                    "segments": sum(n for n, _ in totals.values()),
                    "words": total_words,
                    "statuses": {s.value: {"segments": n, "words": w} for s, (n, w) in totals.items()},
                    "percent_done": round(total_percent, 1),
                },
                "unreadable": unreadable,
            }
        )
        return EXIT_USAGE if unreadable else EXIT_OK
    print(f"project:   {project.root} ({project.source_lang} → {project.target_lang}), {len(progress)} document(s)")
    print("source words by status; done: the share translated, reviewed or final")
    header = "".join(f"{s.value:>11}" for s in statuses)
    print(f"{'segments':>9}{'words':>9}{header}{'done':>7}  document")
    for item in progress:
        cells = "".join(f"{item.by_status[s][1]:>11,}" for s in statuses)
        done = f"{item.percent:6.0f}%" if item.started else "    new"
        print(f"{item.segments:>9,}{item.words:>9,}{cells}{done}  {_named(item)}")
    cells = "".join(f"{totals[s][1]:>11,}" for s in statuses)
    segments = sum(n for n, _ in totals.values())
    print(f"{segments:>9,}{total_words:>9,}{cells}{total_percent:6.0f}%  total")
    _say_changed(project, progress)
    return EXIT_USAGE if unreadable else EXIT_OK


def _documents_and_memories(
    project: Project, args: argparse.Namespace, *, required: bool = True
) -> tuple[list[ProjectFile], list[Path]]:
    """The project's documents and its memories with --tm's, each refused when there are none (memories only when
    ``required``)."""
    files = project.files()
    if not files:
        raise InputError("no documents to translate in source/: copy them there first", path=project.root)
    memories = [*project.memories(), *(Path(m) for m in args.tm or ())]
    if not memories and required:
        raise InputError("no memories: put TMX files in tm/, list them in the config, or give --tm", path=project.root)
    return files, memories


def run_project_pretranslate(args: argparse.Namespace) -> int:
    """`tmkit pretranslate PROJECT`: each document not started gets its working file in work/, pre-translated from
    the project's memories (and --tm), as `tmkit edit` would make it; those started are left as they are, and those
    whose document changed since are said so, or with --update carried over to it (`Project.update`)."""
    project = _open(args.document)
    _refuse(
        args,
        "each document's working file goes to work/, in the project's languages and rules",
        ("output", "-o"),
        *_CONFIG_READING_OPTIONS,
    )
    # (An update needs no memory: its earlier versions are one.)
    files, memories = _documents_and_memories(project, args, required=not args.update)
    failed = 0
    for file in files:
        try:
            if file.work.is_file():
                if args.update:
                    updated = project.update(
                        file, memories=memories, on_notice=warn, threshold=args.threshold, resegment=args.resegment
                    )
                    print(updated.describe())
                elif (number := project.changed_since_started(file)) is not None:
                    print(
                        f"{file.name}: started, and the document changed since (segment {number:,} on): "
                        f"tmkit pretranslate {project.root} --update carries its translations over ({file.work})"
                    )
                else:
                    print(f"{file.name}: started already, left as it is ({file.work})")
                continue
            job = project.prepare(file, memories=memories, on_notice=warn, threshold=args.threshold)
        except TmkitError as exc:
            error(str(exc))  # named, and the other documents done
            failed += 1
            continue
        print(f"{file.name}: {job.segments:,} segments ({job.drafts:,} pre-translated as draft) to {job.path}")
    return EXIT_USAGE if failed else EXIT_OK


def run_project_analyze(args: argparse.Namespace) -> int:
    """`tmkit analyze PROJECT`: match bands of each document against the project's memories, and the total."""
    from tmkit.jobs.pretranslate import BANDS, analyze, match_segments
    from tmkit.jobs.source_text import read_source_document
    from tmkit.matching.matcher import Matcher
    from tmkit.matching.memory_index import open_memory

    project = _open(args.document)
    _refuse(
        args,
        "its languages and rules are in its config",
        *_CONFIG_READING_OPTIONS,
    )
    files, memories = _documents_and_memories(project, args)
    source_lang, target_lang = project.source_lang, project.target_lang
    matcher = Matcher(
        [
            open_memory(m, source_lang=source_lang, target_lang=target_lang, cache=not args.no_cache, on_notice=warn)
            for m in memories
        ]
    )
    rules = project.rules()
    per_file = []
    unreadable = []
    for file in files:
        try:
            segments = read_source_document(file.source).segments(lang=source_lang, rules=rules)
        except TmkitError as exc:
            error(str(exc))  # named, and the other documents analyzed (one stopped the whole project's)
            unreadable.append(file.name)
            continue
        per_file.append((file, analyze(match_segments(segments, matcher))))
    total = {name: [0, 0, 0] for name, _, _ in BANDS}
    for _file, rows in per_file:
        for row in rows:
            cell = total[row.band]
            cell[0] += row.segments
            cell[1] += row.source_words
            cell[2] += row.target_words

    def bands_json(rows: list[tuple[str, int, int, int]]) -> dict[str, Any]:
        return {
            "bands": [{"band": b, "segments": n, "source_words": w, "target_words": t} for b, n, w, t in rows],
            "total": {"segments": sum(r[1] for r in rows), "source_words": sum(r[2] for r in rows)},
        }

    total_rows = [(name, total[name][0], total[name][1], total[name][2]) for name, _, _ in BANDS]
    if args.json:
        print_json(
            {
                "project": os.fspath(project.root),
                "source_lang": source_lang,
                "target_lang": target_lang,
                "memories": [os.fspath(m) for m in memories],
                "files": [
                    {
                        "document": file.name,
                        **bands_json([(r.band, r.segments, r.source_words, r.target_words) for r in rows]),
                    }
                    for file, rows in per_file
                ],
                "total": bands_json(total_rows),
                "unreadable": unreadable,
            }
        )
        return EXIT_USAGE if unreadable else EXIT_OK
    print(f"{project.root}: {source_lang} → {target_lang}, against {', '.join(os.fspath(m) for m in memories)}")
    print("(repetitions are counted within each document)")
    for file, rows in per_file:
        _print_bands(
            file.name, [(r.band, r.segments, r.source_words, r.target_words) for r in rows], source_lang, target_lang
        )
    _print_bands("project total", total_rows, source_lang, target_lang)
    return EXIT_USAGE if unreadable else EXIT_OK


def _print_bands(title: str, rows: list[tuple[str, int, int, int]], source_lang: str, target_lang: str) -> None:
    print()
    print(title)
    print(f"{'band':<14}{'segments':>10}{'words ' + source_lang:>12}{'words ' + target_lang:>12}{'% words':>9}")
    total_words = sum(r[2] for r in rows) or 1
    for band, segments, source_words, target_words in rows:
        share = 100 * source_words / total_words
        print(f"{band:<14}{segments:>10,}{source_words:>12,}{target_words:>12,}{share:>8.1f}%")
    print(f"{'total':<14}{sum(r[1] for r in rows):>10,}{sum(r[2] for r in rows):>12,}")
