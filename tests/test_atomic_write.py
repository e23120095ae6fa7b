"""Saving is atomic: the old file survives an error or a kill mid-write, and permissions are kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tmkit.atomic import STALE_TEMP_MIN_AGE_SECONDS, atomic_write
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.model import Header, Memory, Segment, TranslationUnit, Variant


def small_memory(text: str) -> Memory:
    return Memory(
        Header(), [TranslationUnit([Variant("ar", Segment.from_text(text)), Variant("en", Segment.from_text("x"))])]
    )


def test_error_during_write_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(path) as out:
        out.write("half")
        raise RuntimeError("disk on fire")
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.tmx"]


def test_permissions_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    write_tmx(path, small_memory("أ"))
    os.chmod(path, 0o640)
    write_tmx(path, small_memory("ب"))
    assert (path.stat().st_mode & 0o777) == 0o640
    assert load_tmx(path).units[0].variants[0].text == "ب"


def test_new_file_gets_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_tmx(tmp_path / "new.tmx", small_memory("أ"))
    finally:
        os.umask(old)
    assert ((tmp_path / "new.tmx").stat().st_mode & 0o777) == 0o644


WRITER = """
import sys
from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.model import Header, Segment, TranslationUnit, Variant

def units():
    for i in range(10_000_000):
        if i == 2000:
            print("writing", flush=True)
        yield TranslationUnit([Variant("ar", Segment.from_text("جملة طويلة " * 20)), Variant("en", Segment.from_text("long sentence " * 20))])

write_tmx(sys.argv[1], header=Header(), units=units())
"""


def test_killed_mid_save_leaves_old_file_intact(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    write_tmx(path, small_memory("الأصل"))
    before = path.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.3)
    temps = [p for p in tmp_path.iterdir() if p.name.startswith(".m.tmx.tmkit-tmp-")]
    assert temps and temps[0].stat().st_size > 0  # the big write really was under way
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert path.read_bytes() == before
    assert load_tmx(path).units[0].variants[0].text == "الأصل"
    # The killed writer's temporary file is tmkit's, for this file, of a process now gone: once it has
    # lain untouched long enough, the next write into the folder removes it.
    assert temps[0].exists()
    past = time.time() - STALE_TEMP_MIN_AGE_SECONDS - 5
    os.utime(temps[0], (past, past))
    write_tmx(path, small_memory("التالي"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.tmx"]


TERMINATED_WRITER = (
    WRITER.replace("write_tmx(sys.argv[1], header=Header(), units=units())", "")
    + """
from tmkit.cli.common import run_handler, stop_on_termination

stop_on_termination()
sys.exit(run_handler(lambda args: write_tmx(sys.argv[1], header=Header(), units=units()), None))
"""
)


def test_terminated_mid_save_cleans_up_as_ctrl_c_does(tmp_path: Path) -> None:
    """SIGTERM (a CI job cancelled, `kill`) mid-write: the command says so and ends with 143, the old file whole and
    the temporary file gone. Killed outright, the temporary file stayed beside the output until its next write."""
    path = tmp_path / "m.tmx"
    write_tmx(path, small_memory("الأصل"))
    before = path.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", TERMINATED_WRITER, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.3)
    assert any(p.name.startswith(".m.tmx.tmkit-tmp-") for p in tmp_path.iterdir())  # the write was under way
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 143
    assert proc.stderr.read().strip().splitlines() == ["tmkit: error: terminated"]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.tmx"]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="no /proc (Linux only)")
def test_a_command_ends_on_sigterm_with_one_line(tmp_path: Path) -> None:
    """`tmkit convert` waiting on its input (a pipe nobody writes yet) when a CI runner's SIGTERM comes: one line and
    143, as the shell reports a command SIGTERM ended; no output left behind."""
    fifo = tmp_path / "in.tmx"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tmkit", "convert", str(fifo), "-o", str(tmp_path / "out.tsv")],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _opening_a_pipe(proc.pid):
        time.sleep(0.05)  # until it has started and blocks opening the pipe (the handler is set by then)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 143
    assert proc.stderr.read().strip().splitlines() == ["tmkit: error: terminated"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.tmx"]


def _opening_a_pipe(pid: int) -> bool:
    """Whether process ``pid`` waits in the kernel for a named pipe's other end (Linux's `wait_for_partner`)."""
    try:
        return Path(f"/proc/{pid}/wchan").read_text() == "wait_for_partner"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="no /proc (Linux only)")
def test_a_folder_that_takes_no_new_file_is_not_said_missing() -> None:
    # /proc exists but refuses new files (ENOENT): "no such folder: /proc" was the message.
    from tmkit.atomic import WriteError

    with pytest.raises(WriteError, match=r"cannot write: no file can be made in /proc$"), atomic_write("/proc/x.tsv"):
        pass
    missing = pytest.raises(WriteError, match=r"cannot write: no such folder: /no-such-folder-here$")
    with missing, atomic_write("/no-such-folder-here/x.tsv"):
        pass
