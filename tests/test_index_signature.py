"""A memory's cache vouches for the memory by its stat signature: an unchanged memory is not read whole, a changed one always is."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from tests.test_index_cache import _pair_unit
from tmkit.atomic import atomic_write
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching import memory_index
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import META_FILE, SIGNATURE_XATTR, cache_folder, open_memory
from tmkit.memory.model import Header, Memory, Segment, Variant

#: Long targets: the memory is many times the size of what loading its cache reads.
_FILLER = " " + "and the ministry will report on it every month " * 40
_UNITS = 400


def _memory(path: Path) -> Path:
    write_tmx(path, Memory(Header(srclang="ar"), [_pair_unit(n, filler=_FILLER) for n in range(_UNITS)]))
    return path


def _bytes_read() -> int:
    """Bytes this process has read through system calls so far (every thread's), as the kernel counts them."""
    with open("/proc/self/io", encoding="ascii") as counters:
        return next(int(line.split()[1]) for line in counters if line.startswith("rchar:"))


def _read_while_opening(path: Path) -> tuple[int, str]:
    """Bytes read to open the memory's index, and the target the query for unit 200 finds."""
    before = _bytes_read()
    index = open_memory(path, source_lang="ar", target_lang="en")
    read = _bytes_read() - before
    return read, Matcher([index]).match(_pair_unit(200).variants[0].text)[0].target.plain


def _past_racy(path: Path) -> None:
    """Wait until the memory's last change is old enough for a hash begun now to vouch for it (not racy)."""
    changed = max(path.stat().st_mtime_ns, path.stat().st_ctime_ns)
    while time.time_ns() - memory_index.RACY_FINE_NS <= changed:
        time.sleep(memory_index.RACY_FINE_NS / 1e9)


def _edit_keeping_size_and_mtime(path: Path) -> None:
    """Change unit 200's target in place (same length), then give the file its modification time back (`touch -r`)."""
    before = path.stat()
    data = path.read_bytes()
    old = b"Government plan number 200 "
    assert data.count(old) == 1
    with open(path, "r+b") as handle:
        handle.seek(data.index(old))
        handle.write(b"Government PLAN number 200 ")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


@pytest.fixture
def memory(tmp_path: Path) -> Path:
    """A memory whose cache can keep extended attributes (the test is skipped where it cannot)."""
    path = _memory(tmp_path / "tm.tmx")
    try:
        os.setxattr(path, SIGNATURE_XATTR, b"probe")
        os.removexattr(path, SIGNATURE_XATTR)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            pytest.skip("this file system keeps no extended attributes")
        raise
    return path


def test_an_unchanged_memory_is_not_read_to_reuse_its_cache(memory: Path) -> None:
    size = memory.stat().st_size
    _past_racy(memory)
    open_memory(memory, source_lang="ar", target_lang="en")  # built, and its signature remembered with it
    read, target = _read_while_opening(memory)
    assert read < size // 4, (read, size)
    assert target.startswith("Government plan number 200 ")
    # What made the difference: without the remembered signature the memory is hashed, all of it.
    os.removexattr(cache_folder(memory, "ar", "en") / META_FILE, SIGNATURE_XATTR)
    read, target = _read_while_opening(memory)
    assert read >= size and target.startswith("Government plan number 200 ")
    read, _target = _read_while_opening(memory)  # and remembered again by that hash
    assert read < size // 4


def test_an_edit_keeping_size_and_mtime_is_seen_after_the_signature_was_remembered(memory: Path) -> None:
    _past_racy(memory)
    open_memory(memory, source_lang="ar", target_lang="en")
    assert _read_while_opening(memory)[0] < memory.stat().st_size // 4  # vouched for by its signature
    _edit_keeping_size_and_mtime(memory)  # within the same second: only the status-change time tells
    assert _read_while_opening(memory)[1].startswith("Government PLAN number 200 ")


def test_an_edit_just_after_a_racy_hash_is_seen(memory: Path) -> None:
    # Opened at once after it was written: the hash cannot vouch for the signature, so none is remembered,
    # and an edit within the same clock tick that keeps size and times is still found by hashing.
    open_memory(memory, source_lang="ar", target_lang="en")
    with pytest.raises(OSError):
        os.getxattr(cache_folder(memory, "ar", "en") / META_FILE, SIGNATURE_XATTR)
    _edit_keeping_size_and_mtime(memory)
    assert _read_while_opening(memory)[1].startswith("Government PLAN number 200 ")


def test_a_memory_renamed_into_place_with_the_same_size_and_times_is_seen(memory: Path) -> None:
    _past_racy(memory)
    open_memory(memory, source_lang="ar", target_lang="en")
    before = memory.stat()
    data = memory.read_bytes().replace(b"Government plan number 200 ", b"Government PLAN number 200 ")
    with atomic_write(memory, binary=True) as out:  # a new file renamed over the old: another inode
        out.write(data)
    os.utime(memory, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (memory.stat().st_size, memory.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert _read_while_opening(memory)[1].startswith("Government PLAN number 200 ")


def test_a_touched_memory_reuses_its_cache_and_is_vouched_for_again(memory: Path) -> None:
    _past_racy(memory)
    open_memory(memory, source_lang="ar", target_lang="en")
    candidates = cache_folder(memory, "ar", "en") / "candidates.key_lengths.npy"
    built = candidates.stat().st_ino
    os.utime(memory, ns=(1, 1))  # a checkout or a `touch`: the same content
    _past_racy(memory)
    read, target = _read_while_opening(memory)
    assert read >= memory.stat().st_size, "a touched memory is hashed"
    assert target.startswith("Government plan number 200 ") and candidates.stat().st_ino == built, "not rebuilt"
    assert _read_while_opening(memory)[0] < memory.stat().st_size // 4


@pytest.mark.parametrize(
    "garbage",
    [b"{broken", b"[]", b'{"signature": [1, 2], "fingerprint": {}, "checksum": "0"}', bytes(range(256))],
)
def test_a_garbled_remembered_signature_is_ignored(memory: Path, garbage: bytes) -> None:
    _past_racy(memory)
    open_memory(memory, source_lang="ar", target_lang="en")
    os.setxattr(cache_folder(memory, "ar", "en") / META_FILE, SIGNATURE_XATTR, garbage)
    _edit_keeping_size_and_mtime(memory)
    read, target = _read_while_opening(memory)
    assert read >= memory.stat().st_size and target.startswith("Government PLAN number 200 ")


def test_a_load_maps_the_arrays_it_checks_whole_and_does_not_read_them(memory: Path, tmp_path: Path) -> None:
    # Long sources: the keys (an array every lookup reads, checked whole at load) are most of the cache.
    words = " ".join(_pair_unit(n).variants[0].text for n in range(40))
    units = [_pair_unit(n) for n in range(300)]
    for number, unit in enumerate(units):
        unit.variants[0] = Variant("ar", Segment.from_text(f"{words} رقم {number}"))
    path = tmp_path / "long.tmx"
    write_tmx(path, Memory(Header(srclang="ar"), units))
    _past_racy(path)
    open_memory(path, source_lang="ar", target_lang="en")
    keys = (cache_folder(path, "ar", "en") / "column.source_key.blob.npy").stat().st_size
    assert keys > 1 << 19
    before = _bytes_read()
    index = open_memory(path, source_lang="ar", target_lang="en")
    assert _bytes_read() - before < keys // 4
    assert Matcher([index]).match(units[123].variants[0].text)[0].target.plain.startswith("Government plan number 123")
