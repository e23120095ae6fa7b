"""Places that cannot be written or read are the user's to fix (one line, exit 2, old file intact); links are written through; killed writers' leftovers go."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.helpers import CLI_ENV, REPO, SAMPLES, run_cli
from tmkit.atomic import STALE_TEMP_MIN_AGE_SECONDS, TEMP_MARKER, WriteError, atomic_write, remove_stale_temps
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.model import Header, Memory, Segment, TranslationUnit, Variant

MEMORY = SAMPLES / "news-memory.tmx"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def small_memory(text: str) -> Memory:
    return Memory(
        Header(), [TranslationUnit([Variant("ar", Segment.from_text(text)), Variant("en", Segment.from_text("x"))])]
    )


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "internal error" not in lines[0] and "Traceback" not in stderr
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARKER in p.name)


def mount_tmpfs(folder: Path, options: str) -> None:
    """Mount a small tmpfs on ``folder`` (root only); skip the test where the machine does not allow it."""
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")


def unmount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True, check=False)


# -- places that cannot be written -----------------------------------------------------------------


@pytest.mark.parametrize("command", ["merge", "convert", "export"])
def test_output_in_a_missing_folder_is_a_usage_error(tmp_path: Path, command: str) -> None:
    output = tmp_path / "no-such-folder" / "out.tmx"
    args: list[str | Path] = [command, MEMORY, MEMORY] if command == "merge" else [command, MEMORY]
    result = run_cli(*args, "-o", output)
    assert result.code == 2
    line = one_error_line(result.stderr)
    assert str(output) in line and "no such folder" in line
    assert not output.parent.exists()


def test_output_naming_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "out.tmx"
    folder.mkdir()
    result = run_cli("merge", MEMORY, MEMORY, "-o", folder)
    assert result.code == 2
    assert "is a folder" in one_error_line(result.stderr)
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_report_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    report = tmp_path / "nowhere" / "report.json"
    result = run_cli("qa", MEMORY, "--report", f"json={report}")
    assert result.code == 2
    assert str(report) in one_error_line(result.stderr)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write into: chmod where that binds (not root), else a read-only tmpfs."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "m.tmx").write_bytes(MEMORY.read_bytes())
    if not IS_ROOT:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    staged = tmp_path / "staged"
    folder.rename(staged)
    folder.mkdir()
    mount_tmpfs(folder, "size=1m")
    try:
        shutil.copy(staged / "m.tmx", folder / "m.tmx")
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True, check=False)
        if remounted.returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only here")
        yield folder
    finally:
        unmount(folder)


@pytest.mark.parametrize(
    ("output", "command"),
    [
        ("m.tmx", ("merge", MEMORY, MEMORY)),
        # convert to XLIFF keeps the tuids of a first pass in a temporary file beside the output: it said
        # "tmkit: error: …/tmp86g4zfnf: permission denied".
        ("m.xlf", ("convert", MEMORY)),
    ],
)
def test_unwritable_folder_names_the_target_not_a_temporary_file(
    read_only_folder: Path, output: str, command: tuple[str | Path, ...]
) -> None:
    target = read_only_folder / output
    before = target.read_bytes() if target.exists() else None
    result = run_cli(*command, "-o", target)
    assert result.code == 2
    line = one_error_line(result.stderr)
    assert line.startswith(f"tmkit: error: {target}: cannot write: ")
    assert TEMP_MARKER not in line and ".tmp" not in line
    assert (target.read_bytes() if target.exists() else None) == before
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["m.tmx"]


# -- a full disk -----------------------------------------------------------------------------------


def test_full_disk_injected_on_the_real_write_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC as a file system reports it when the data reaches the disk (at fsync): exit 2, old file kept."""
    target = tmp_path / "m.tmx"
    write_tmx(target, small_memory("الأصل"))
    before = target.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    result = run_cli("merge", MEMORY, MEMORY, "-o", target)
    assert result.code == 2
    line = one_error_line(result.stderr)
    assert f"{target}: cannot write: no space left" in line
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_full_disk_injected_in_the_file_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC from the file object's own write, while the content is still being produced."""
    target = tmp_path / "m.tmx"
    real_fdopen = os.fdopen

    class FullDiskFile:
        def __init__(self, handle: object) -> None:
            self._handle = handle

        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name: str) -> object:
            return getattr(self._handle, name)

        def __enter__(self) -> FullDiskFile:
            return self

        def __exit__(self, *exc: object) -> None:
            self._handle.close()  # type: ignore[attr-defined]

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: FullDiskFile(real_fdopen(*a, **k)))
    with pytest.raises(WriteError) as caught:
        write_tmx(target, small_memory("أ"))
    assert caught.value.errno == errno.ENOSPC and str(target) in str(caught.value)
    assert isinstance(caught.value, OSError)  # code that handles file-system errors still catches it
    assert not target.exists() and leftovers(tmp_path) == []


def test_content_errors_inside_the_write_are_not_blamed_on_the_disk(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(FileNotFoundError), atomic_write(target) as out:
        out.write("half")
        open(tmp_path / "missing-input.txt", encoding="utf-8")  # noqa: SIM115 - raises
    assert not target.exists() and leftovers(tmp_path) == []


def test_full_tmpfs(tmp_path: Path) -> None:
    """A real full file system: a 64 KB tmpfs and a merge of a 180 KB memory into it."""
    folder = tmp_path / "small"
    folder.mkdir()
    mount_tmpfs(folder, "size=64k")
    try:
        target = folder / "m.tmx"
        write_tmx(target, small_memory("الأصل"))
        before = target.read_bytes()
        result = run_cli("merge", MEMORY, MEMORY, "-o", target)
        assert result.code == 2
        assert f"{target}: cannot write: no space left" in one_error_line(result.stderr)
        assert target.read_bytes() == before
        assert leftovers(folder) == []
    finally:
        unmount(folder)


# -- memories that cannot be read ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["match", "concord", "pretranslate"])
def test_folder_given_as_memory_is_a_usage_error(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "memory.tmx"
    folder.mkdir()
    if command == "pretranslate":
        result = run_cli(command, SAMPLES / "article.ar.txt", "--tm", folder, "-o", tmp_path / "job.tmx")
    else:
        result = run_cli(command, folder, "كلمة")
    assert result.code == 2
    assert str(folder) in one_error_line(result.stderr)


@pytest.mark.parametrize("command", ["match", "concord", "pretranslate"])
def test_unreadable_memory_is_a_usage_error(command: str) -> None:
    """Permission denied on a memory; as root (who reads everything) the command runs as user nobody."""
    folder = Path(tempfile.mkdtemp(prefix="tmkit-unreadable-"))  # not under pytest's root-only folder
    try:
        folder.chmod(0o777)
        memory = folder / "m.tmx"
        shutil.copy(MEMORY, memory)
        memory.chmod(0)
        args = [str(SAMPLES / "article.ar.txt"), "--tm", str(memory), "-o", str(folder / "job.tmx")]
        args = [command, *args] if command == "pretranslate" else [command, str(memory), "كلمة"]
        if IS_ROOT:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root, and no setpriv to run tmkit as another user")
            nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            done = subprocess.run(
                [*nobody, sys.executable, "-m", "tmkit", *args],
                capture_output=True,
                text=True,
                env={**os.environ, **CLI_ENV, "PYTHONPATH": str(REPO)},
                cwd=folder,
                check=False,
                timeout=120,
            )
            code, stderr = done.returncode, done.stderr
        else:
            code, _, stderr = run_cli(*args)
        assert code == 2, stderr
        line = one_error_line(stderr)
        assert str(memory) in line and "permission denied" in line.lower()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- leftovers of killed writers -------------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_files_go_live_ones_and_others_stay(tmp_path: Path) -> None:
    target = tmp_path / "m.tmx"
    dead, live = _dead_pid(), os.getppid()
    old = time.time() - STALE_TEMP_MIN_AGE_SECONDS - 5
    files = {
        "dead": tmp_path / f".m.tmx{TEMP_MARKER}{dead}-0badc0de",
        "live": tmp_path / f".m.tmx{TEMP_MARKER}{live}-0badc0de",
        "dead but just written": tmp_path / f".m.tmx{TEMP_MARKER}{dead}-1234abcd",
        "another file's": tmp_path / f".n.tmx{TEMP_MARKER}{dead}-0badc0de",
        "not tmkit's": tmp_path / f".m.tmx.{dead}-0badc0de.tmp",
        "user's": tmp_path / f"m.tmx{TEMP_MARKER}{dead}-0badc0de",
    }
    for name, path in files.items():
        path.write_text(name, encoding="utf-8")
        if name != "dead but just written":
            os.utime(path, (old, old))
    write_tmx(target, small_memory("أ"))
    assert not files.pop("dead").exists()
    assert all(path.exists() for path in files.values())
    assert remove_stale_temps(target) == 0


def test_temporary_file_is_named_for_its_target(tmp_path: Path) -> None:
    target = tmp_path / "m.tmx"
    with atomic_write(target) as out:
        out.write("x")
        (temp,) = leftovers(tmp_path)
        assert temp.startswith(f".m.tmx{TEMP_MARKER}{os.getpid()}-")
    assert leftovers(tmp_path) == []


# -- symbolic links --------------------------------------------------------------------------------


def _linked(tmp_path: Path) -> tuple[Path, Path]:
    real_folder = tmp_path / "store"
    real_folder.mkdir()
    real = real_folder / "memory.tmx"
    write_tmx(real, small_memory("الأصل"))
    real.chmod(0o640)
    link_folder = tmp_path / "project"
    link_folder.mkdir()
    link = link_folder / "memory.tmx"
    link.symlink_to(os.path.relpath(real, link_folder))
    return link, real


def test_writing_to_a_link_writes_through_to_its_target(tmp_path: Path) -> None:
    link, real = _linked(tmp_path)
    write_tmx(link, small_memory("الجديد"))
    assert link.is_symlink() and link.resolve() == real
    assert load_tmx(real).units[0].variants[0].text == "الجديد"
    assert (real.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in link.parent.iterdir()) == ["memory.tmx"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["memory.tmx"]


def test_merge_output_and_merge_driver_keep_links(tmp_path: Path) -> None:
    link, real = _linked(tmp_path)
    assert run_cli("merge", MEMORY, "-o", link).code == 0
    assert link.is_symlink() and len(load_tmx(real).units) == len(load_tmx(MEMORY).units)
    (tmp_path / "driver").mkdir()
    ours, _ = _linked(tmp_path / "driver")
    base = tmp_path / "base.tmx"
    theirs = tmp_path / "theirs.tmx"
    write_tmx(base, small_memory("الأصل"))
    write_tmx(theirs, small_memory("الأصل"))
    (tmp_path / "driver" / "store" / "memory.tmx").write_bytes(MEMORY.read_bytes())
    assert run_cli("merge-driver", base, ours, theirs).code == 0
    assert ours.is_symlink()


# -- devices and pipes -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["merge", "export"])
def test_a_pipe_given_as_the_output_is_written_into_not_replaced(tmp_path: Path, command: str) -> None:
    # A file was renamed over it: `-o /dev/null` as root replaced the device with a regular file (and any user's
    # `-o /dev/stdout` failed, "no file can be made"). A FIFO stands for them here, its reader open already.
    memory = tmp_path / "m.tmx"
    write_tmx(memory, small_memory("نص"))  # what it writes fits in the pipe, read once the command is done
    (tmp_path / "out").mkdir()
    fifo = tmp_path / "out" / "out.tmx"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = run_cli(command, memory, "-o", fifo)
        written = b""
        with contextlib.suppress(BlockingIOError):
            while chunk := os.read(reader, 1 << 16):
                written += chunk
    finally:
        os.close(reader)
    assert result.code == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(fifo.parent) == ["out.tmx"]
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8"?>') and written.endswith(b"</tmx>\n")


def test_a_full_device_is_a_usage_error(tmp_path: Path) -> None:
    """A copy of /dev/full (root only): the write's ENOSPC is the place's, one line naming it."""
    full = tmp_path / "full"
    try:
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except OSError:
        pytest.skip("cannot make a device node here")
    result = run_cli("merge", MEMORY, "-o", full)
    assert result.code == 2
    assert one_error_line(result.stderr) == f"tmkit: error: {full}: cannot write: no space left on the device"
    assert stat.S_ISCHR(os.lstat(full).st_mode) and os.listdir(tmp_path) == ["full"]


def _merged_to_stdout(memory: Path, appended: IO[bytes]) -> subprocess.CompletedProcess[bytes]:
    """`tmkit merge MEMORY -o /dev/stdout`, its standard output the file opened for appending (the shell's `>>`)."""
    return subprocess.run(
        [sys.executable, "-m", "tmkit", "merge", str(memory), "-o", "/dev/stdout"],
        stdout=appended,
        stderr=subprocess.PIPE,
        env={**os.environ, **CLI_ENV, "PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )


def test_standard_output_given_as_the_output_is_written_through_its_redirection(tmp_path: Path) -> None:
    """`-o /dev/stdout >> log.txt`: /dev/stdout leads to the log, a regular file, so a file was renamed over it: what
    the log held before was lost, and the shell's own descriptor left on the file renamed away. The command's output
    goes through the descriptor the shell opened, after what the file held."""
    memory = tmp_path / "m.tmx"
    write_tmx(memory, small_memory("نص"))
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n", encoding="utf-8")
    inode = os.stat(log).st_ino
    with open(log, "ab") as appended:
        done = _merged_to_stdout(memory, appended)
    assert done.returncode == 0, done.stderr
    written = log.read_bytes()
    assert written.startswith(b'earlier line\n<?xml version="1.0" encoding="UTF-8"?>') and written.endswith(b"</tmx>\n")
    assert os.stat(log).st_ino == inode and sorted(os.listdir(tmp_path)) == ["log.txt", "m.tmx"]


def test_standard_output_appended_to_an_input_gets_the_output_after_the_input_is_read(tmp_path: Path) -> None:
    """`merge m.tmx -o /dev/stdout >> m.tmx`: a file was renamed over the memory, what it held lost. Written through
    the descriptor as it comes, the output is read back as more of the input (an XML declaration in mid-file, exit
    2), so it is kept aside until complete."""
    memory = tmp_path / "m.tmx"
    write_tmx(memory, small_memory("نص"))
    assert run_cli("merge", memory, "-o", tmp_path / "merged.tmx").code == 0
    before = memory.read_bytes()
    with open(memory, "ab") as appended:
        done = _merged_to_stdout(memory, appended)
    assert done.returncode == 0, done.stderr
    assert memory.read_bytes() == before + (tmp_path / "merged.tmx").read_bytes()
