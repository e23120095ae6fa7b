"""Shared plumbing of the command line: errors as one line, exit codes, progress bars, JSON output."""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tmkit.defaults import CONFLICTS_DESCRIBED
from tmkit.errors import InputError, ParameterError, TmkitError

if TYPE_CHECKING:
    # Only for annotations: the reader (and lxml) is imported by the commands that read TMX, when they run.
    from tmkit.formats.tmx_reader import ProgressCallback, TmxReader
    from tmkit.memory.merge import Conflict
    from tmkit.shared.store import SharedMemoryReader

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

#: Files smaller than this load too fast for a progress bar to be worth drawing.
PROGRESS_MIN_BYTES = 8 * 1024 * 1024

Handler = Callable[[argparse.Namespace], int]

#: The command line's name for each library parameter, so that an error names what the user typed:
#: the library says "since is later than until", the command line "--since is later than --until".
PARAMETER_FLAGS = {
    "input_path": "INPUT",
    "references": "--ref",
    "hypothesis": "--hyp",
    "hypothesis_prop": "--hyp-prop",
    "sources": "--sources",
    "source_lang": "--src",
    "target_lang": "--tgt",
    "align": "--align",
    "skip_missing": "--skip-missing",
    "metrics": "--metrics",
    "primary": "--primary",
    "tokenize": "--tokenize",
    "smooth_method": "--smooth-method",
    "smooth_value": "--smooth-value",
    "max_ngram_order": "--max-ngram-order",
    "chrf_char_order": "--chrf-char-order",
    "chrf_word_order": "--chrf-word-order",
    "chrf_beta": "--chrf-beta",
    "normalize": "--normalize",
    "confidence": "--ci",
    "minimum": "--min",
    "maximum": "--max",
    "max_drop": "--max-drop",
    "baseline": "--baseline",
    "compare_with": "--compare",
    "comparison": "--compare",
    "samples": "--samples",
    "alpha": "--alpha",
    "fail_if_worse": "--fail-if-worse",
    "reports": "--report",
    "source_path": "SOURCE",
    "target_path": "TARGET",
    "select": "--select",
    "ignore": "--ignore",
    "fail_on": "--fail-on",
    "since": "--since",
    "until": "--until",
    "level": "--level",
    "repair": "--repair",
    "terms": "--terms",
}


#: Options some commands lack, named as the command that takes them (see `run_handler`).
ELSEWHERE_FLAGS = {"repair": "tmkit convert FILE -o REPAIRED.tmx --repair"}


def refuse_overwriting_inputs(output: str | None, inputs: Iterable[str]) -> None:
    """Refuse an output file that is one of the command's inputs (a memory, a document): writing it would
    replace what was read with something else, the input lost."""
    if output is None:
        return
    target = os.path.realpath(output)
    for name in inputs:
        if os.path.realpath(name) == target:
            raise InputError(f"the output would overwrite the input {name}: name another file", path=output)


def check_match_percent(option: str, value: float) -> None:
    """One line for a match % option past 0 to 101 (101: an exact match in the same context): a threshold past it
    would insert or show nothing at all, not even exact matches, and say nothing of why."""
    from tmkit.matching.match_percent import IN_CONTEXT

    if not 0 <= value <= IN_CONTEXT:
        raise InputError(f"{option} is a match %, from 0 to {IN_CONTEXT:g} (in-context matches score {IN_CONTEXT:g})")


def error(message: str) -> None:
    """Print one error line on stderr."""
    print(f"tmkit: error: {message}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"tmkit: warning: {message}", file=sys.stderr)


def print_conflicts(
    conflicts: list[Conflict], count: int, sources: Sequence[str], limit: int = CONFLICTS_DESCRIBED
) -> None:
    """The first conflicts, each with where its units are: `file:line` (``sources``: the names of the memories, in
    the order merged; a three-way merge's are ours and theirs)."""
    for conflict in conflicts[:limit]:
        named = len(conflict.sources) == len(conflict.units)
        of_unit = conflict.sources if named else (len(sources),) * len(conflict.units)  # (past the names: unknown)
        places = ", ".join(
            f"{sources[source]}:{unit.line}" if source < len(sources) else f"line {unit.line}"
            for unit, source in zip(conflict.units, of_unit, strict=True)
            if unit.line
        )
        print(f"tmkit: conflict: {conflict.description}" + (f" ({places})" if places else ""), file=sys.stderr)
    if count > limit:
        print(f"tmkit: ... and {count - limit} more conflicts", file=sys.stderr)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@contextmanager
def progress_for(path: str, label: str) -> Iterator[ProgressCallback | None]:
    """A progress callback drawing a bar on stderr, for big files read at an interactive terminal."""
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=size)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done)

        yield update


def add_reader_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="leave out units that cannot be read (reported with their line) instead of stopping",
    )
    parser.add_argument(
        "--repair",
        action="store_true",
        help="remove XML-illegal control characters (reported with their line) before parsing",
    )


def make_reader(
    path: str, args: argparse.Namespace, on_progress: ProgressCallback | None = None
) -> TmxReader | SharedMemoryReader:
    from tmkit.formats.tmx_reader import TmxReader
    from tmkit.shared.urls import is_database_url

    if is_database_url(path):  # a memory shared in PostgreSQL, read like a file
        from tmkit.shared.store import SharedMemoryReader

        return SharedMemoryReader(path)

    return TmxReader(
        path,
        skip_invalid=getattr(args, "skip_invalid", False),
        repair=getattr(args, "repair", False),
        on_progress=on_progress,
    )


def report_reader(reader: TmxReader | SharedMemoryReader, *, quiet: bool = False) -> None:
    """Tell the user on stderr what the reader skipped, repaired or found odd."""
    for issue in reader.skipped:
        print(f"tmkit: skipped: {issue.format(reader.path)}", file=sys.stderr)
    if quiet or not reader.issue_counts:
        return
    summary = ", ".join(f"{count} {code}" for code, count in sorted(reader.issue_counts.items()))
    warn(f"{reader.path}: {summary} (run 'tmkit validate' for details)")


class Terminated(BaseException):
    """SIGTERM (a CI job cancelled or timed out, `kill`): raised where the command is, so that what it was writing is
    cleaned up as on Ctrl+C (the temporary file removed, the old file whole) before it ends with 128 + 15."""


#: The exit status of a command ended by SIGTERM, as a shell reports one killed by it.
EXIT_TERMINATED = 128 + signal.SIGTERM


def stop_on_termination() -> None:
    """Make SIGTERM end the command as Ctrl+C does (`Terminated`): killed outright, it left its temporary file beside
    the output until the next write of that file."""

    def terminated(signum: int, frame: object) -> None:
        raise Terminated

    signal.signal(signal.SIGTERM, terminated)


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command, turning every expected failure into one line and an exit code."""
    try:
        return handler(args)
    except ParameterError as exc:
        # An option this command lacks is named as the command that has it (score and qa read a TMX as convert
        # does, but take no --repair: "--repair removes such characters" sent users looking for it there).
        flags = {**PARAMETER_FLAGS, **{k: v for k, v in ELSEWHERE_FLAGS.items() if not hasattr(args, k)}}
        error(str(InputError(exc.spelled(flags), path=exc.path, line=exc.line, column=exc.column)))
        return EXIT_USAGE
    except TmkitError as exc:
        error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except Terminated:
        error("terminated")
        return EXIT_TERMINATED
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); that is not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except MemoryError:
        error("out of memory")
        return EXIT_INTERNAL
    except Exception as exc:
        # A file the user named that cannot be opened, read or written, or a full disk, is theirs to fix:
        # one line and exit 2. Anything else (an OSError naming no file included) is a defect of ours.
        message = _os_error_line(exc) if isinstance(exc, OSError) else None
        if message is not None:
            error(message)
            return EXIT_USAGE
        if os.environ.get("TMKIT_DEBUG"):
            raise
        error(f"internal error: {type(exc).__name__}: {exc} (set TMKIT_DEBUG=1 for a traceback)")
        return EXIT_INTERNAL


#: File-system failures that are the place's, whichever file was being written when they struck.
_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def _os_error_line(exc: OSError) -> str | None:
    """One line for an OSError about a file the user gave (or a full disk), or None for anything else."""
    reason = (exc.strerror or str(exc)).lower()
    name = exc.filename
    if isinstance(name, (str, bytes)):
        return f"{os.fsdecode(name)}: {reason}"
    if exc.errno in _DISK_ERRNOS:
        return f"cannot write: {reason}"
    return None
