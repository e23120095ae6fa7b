"""Atomic file writing: temporary file in the same folder, fsync, rename; the old file survives a crash."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tmkit.errors import InputError

#: What marks a temporary file as tmkit's: `.NAME.tmkit-tmp-PID-RANDOM` beside the file NAME it will
#: replace (git users can ignore them with `.*.tmkit-tmp-*`).
TEMP_MARKER = ".tmkit-tmp-"

#: A leftover temporary file is removed only when its writer's process is gone *and* it has not changed
#: for this long: a writer on another machine or in another container sharing the folder has a process
#: id that means nothing here, and a live writer keeps its file's modification time fresh.
STALE_TEMP_MIN_AGE_SECONDS = 60.0

#: Room kept in a file name for the marker, the process id and the random part (names are at most
#: 255 bytes on the usual file systems); a longer target name is shortened in its temporary name.
_NAME_BYTES_IN_TEMP = 200

#: Failures of the write itself (as opposed to errors of the code producing the content).
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})

_MESSAGES = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "the file is too large for the file system",
    errno.EROFS: "the folder is on a read-only file system",
    errno.EACCES: "permission denied (the folder is not writable)",
    errno.EPERM: "permission denied (the folder is not writable)",
    errno.EISDIR: "is a folder; give a file name",
}


class WriteError(InputError, OSError):
    """A file tmkit could not write, named as the user gave it, with the reason; the old file is untouched.

    It is an `InputError` (one line, exit 2: the place is the user's to fix) and, for code that
    handles file-system errors as such, an `OSError` with the ``errno`` of the failure.
    """

    def __init__(self, reason: str, *, path: str | os.PathLike[str], code: int | None = None) -> None:
        super().__init__(f"cannot write: {reason}", path=path)
        self.errno = code
        self.strerror = reason
        self.filename = self.path


def _write_error(exc: OSError, given: str, folder: Path) -> WriteError:
    # The folder as the user named it, unless a link led elsewhere (then the real one is the one missing).
    shown = folder if os.path.islink(given) else (os.path.dirname(given) or ".")
    code = exc.errno
    if code == errno.ENOENT and os.path.isdir(shown):
        message = f"no file can be made in {shown}"  # a folder that refuses new files (/proc, a special file system)
    elif code == errno.ENOENT:
        message = f"no such folder: {shown}"
    elif code == errno.ENOTDIR:
        message = f"not a folder: {shown}"
    else:
        message = _MESSAGES.get(code or 0) or (exc.strerror or str(exc)).lower()
    return WriteError(message, path=given, code=code)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _temp_prefix(name: str) -> str:
    """The part of a temporary file's name that says which file it will replace."""
    encoded = os.fsencode(name)
    if len(encoded) > _NAME_BYTES_IN_TEMP:
        name = encoded[:_NAME_BYTES_IN_TEMP].decode("utf-8", "ignore")
    return f".{name}{TEMP_MARKER}"


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else (EPERM), or we cannot tell: keep its file
    return True


def remove_stale_temps(path: str | os.PathLike[str], *, min_age: float = STALE_TEMP_MIN_AGE_SECONDS) -> int:
    """Remove tmkit's temporary files for ``path`` left by writers that were killed; returns how many.

    Only files named by `atomic_write` for this very file are considered, and of those only the ones
    whose process no longer exists and that have not changed for ``min_age`` seconds: a live
    writer's file, or anything else in the folder, is never touched.
    """
    target = Path(path)
    folder = target.parent
    prefix = _temp_prefix(target.name)
    pattern = re.compile(re.escape(prefix) + r"([1-9][0-9]*)-[0-9a-f]+")
    removed = 0
    now = time.time()
    try:
        entries = [entry for entry in os.scandir(folder) if entry.name.startswith(prefix)]
    except OSError:
        return 0  # an unreadable folder: the write itself will say what is wrong
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found is None:
            continue
        pid = int(found.group(1))
        if pid == os.getpid() or _process_exists(pid):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < min_age:
                continue
            os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not ours to remove: leave it
        removed += 1
    return removed


def _create_temp(target: Path) -> tuple[int, str]:
    prefix = _temp_prefix(target.name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        name = str(target.parent / f"{prefix}{os.getpid()}-{secrets.token_hex(4)}")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], *, binary: bool = False, encoding: str = "utf-8", newline: str = "\n"
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; on success it replaces ``path`` at once.

    The data is flushed and fsynced before the rename, and the folder after it, so that after a
    crash or a kill either the old file or the complete new one is there. An existing file's
    permissions are kept. A symbolic link is written through: its final target is replaced (the
    temporary file beside the target), and the link stays a link. On error the temporary file is
    removed and ``path`` is untouched; a place that cannot be written (no such folder, a folder
    given as the file, no permission, a full disk) raises `WriteError` naming ``path``. Temporary
    files of earlier writes of ``path`` that were killed are removed first (`remove_stale_temps`).
    A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place, never replaced; a descriptor this
    process holds (/dev/stdout, /dev/fd/N) is written through, whatever it leads to (`-o /dev/stdout >> log`).
    """
    given = os.fspath(path)
    descriptor = _open_descriptor(given)
    if descriptor is not None or _is_special(given):
        yield from _write_in_place(given, binary=binary, encoding=encoding, newline=newline, descriptor=descriptor)
        return
    target = Path(os.path.realpath(given))
    folder = target.parent
    if target.is_dir():
        raise WriteError(_MESSAGES[errno.EISDIR], path=given, code=errno.EISDIR)
    remove_stale_temps(target)
    try:
        fd, tmp_name = _create_temp(target)
    except OSError as exc:
        raise _write_error(exc, given, folder) from None
    in_body = False
    try:
        handle: IO[Any] = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline)
        try:
            in_body = True
            yield handle
            in_body = False
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            with contextlib.suppress(OSError):
                handle.close()  # after a failed write its buffer cannot be written either; the file goes
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = _default_mode()
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            # The content's own errors pass through; a failure to write the file is the user's to fix.
            ours = not in_body or (exc.errno in _WRITE_ERRNOS and exc.filename is None)
            if ours:
                raise _write_error(exc, given, folder) from None
        raise
    _fsync_folder(folder)


def _is_special(given: str) -> bool:
    """Whether ``given`` leads to neither a file nor a folder: a device or a pipe (/dev/null, /dev/stdout)."""
    try:
        mode = os.stat(given).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _open_descriptor(given: str) -> int | None:
    """The descriptor of this process that ``given`` names through its links (/dev/stdout, /dev/fd/1,
    /proc/self/fd/1), else None. Such a path leads to whatever the descriptor has open, a regular file too (`-o
    /dev/stdout >> log.txt`): a file renamed over that one lost what it held (the log before the command) and left
    the shell's descriptor on the file renamed away."""
    own = re.compile(rf"/proc/{os.getpid()}(?:/task/[0-9]+)?/fd")
    current = os.path.abspath(given)
    for _ in range(40):  # as many links as the kernel follows
        if current.rsplit("/", 1)[1].isdigit() and own.fullmatch(os.path.realpath(os.path.dirname(current))):
            return int(current.rsplit("/", 1)[1])
        try:
            link = os.readlink(current)
        except OSError:
            return None  # not a link (or none to read): a path of its own
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return None


def _write_in_place(
    given: str, *, binary: bool, encoding: str, newline: str, descriptor: int | None = None
) -> Iterator[IO[Any]]:
    """Write straight into a device or a pipe: a file renamed over it replaced the device itself (`-o /dev/null` as
    root left a regular file in /dev), and nothing there can be half-written as a file can. A ``descriptor`` of
    this process is written through a copy of it: its offset and append mode are the shell's redirection's."""
    staged: IO[bytes] | None = None
    try:
        if descriptor is not None:
            for stream in (sys.stdout, sys.stderr):  # what the command printed there before comes first
                if stream is not None:
                    stream.flush()
            out: IO[bytes] = os.fdopen(os.dup(descriptor), "wb")
            if stat.S_ISREG(os.fstat(out.fileno()).st_mode):
                # A regular file there may be an input still being read (`merge m.tmx -o /dev/stdout >> m.tmx`): the
                # output is kept aside until it is complete, then added to the file, as a rename would have done.
                staged = tempfile.TemporaryFile()  # noqa: SIM115
        else:
            out = open(given, "wb")  # noqa: SIM115
    except OSError as exc:
        raise _write_error(exc, given, Path(given).parent) from None
    in_body = False
    try:
        with out, staged if staged is not None else contextlib.nullcontext():
            into = out if staged is None else staged
            handle: IO[Any] = into if binary else io.TextIOWrapper(into, encoding=encoding, newline=newline)
            in_body = True
            yield handle
            in_body = False
            handle.flush()
            if staged is not None:
                staged.seek(0)
                shutil.copyfileobj(staged, out)
            if isinstance(handle, io.TextIOWrapper):
                handle.detach()  # (the files are closed here, not by the wrapper)
    except OSError as exc:
        # As in `atomic_write`: the content's own errors pass through; a failure to write (/dev/full) is the place's.
        if not isinstance(exc, WriteError) and (not in_body or (exc.errno in _WRITE_ERRNOS and exc.filename is None)):
            raise _write_error(exc, given, Path(given).parent) from None
        raise


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename itself is still atomic
    finally:
        os.close(fd)


def write_text_atomic(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_write(path, encoding=encoding) as handle:
        handle.write(text)
