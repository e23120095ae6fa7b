"""A remembered signature nested too deep to decode is garbage like any other: the memory is hashed, not a crash."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from tests.test_index_signature import _edit_keeping_size_and_mtime, _memory, _past_racy, _read_while_opening
from tmkit.matching.memory_index import META_FILE, SIGNATURE_XATTR, cache_folder, open_memory


def test_a_remembered_signature_nested_too_deep_is_ignored(tmp_path: Path) -> None:
    memory = _memory(tmp_path / "tm.tmx")
    _past_racy(memory)
    open_memory(memory, source_lang="ar", target_lang="en")
    meta = cache_folder(memory, "ar", "en") / META_FILE
    try:
        os.setxattr(meta, SIGNATURE_XATTR, b"[" * 3000)  # json.loads raises RecursionError, not ValueError
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            pytest.skip("this file system keeps no extended attributes")
        raise
    _edit_keeping_size_and_mtime(memory)
    read, target = _read_while_opening(memory)
    assert read >= memory.stat().st_size and target.startswith("Government PLAN number 200 ")
