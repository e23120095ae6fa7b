"""Giving the memory a finished build freed back to the system, where the C library allows it."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    try:
        name = ctypes.util.find_library("c")
        if name is None:
            return None
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Return the heap a build freed to the system; whether anything was returned (False where it cannot be).

    glibc keeps freed memory in the process (its arenas are trimmed only from their top), so a
    process that built an index stays as large as the build's peak while it serves lookups from
    a fraction of that: after a 300k build, 360 MB resident against 265 once trimmed.
    """
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
