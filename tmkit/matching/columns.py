"""Compact columns for a million memory entries: strings in one UTF-8 buffer, read back one at a time."""

from __future__ import annotations

import contextlib
import os
import re

import numpy as np
import numpy.typing as npt

#: Ends every string in a column's buffer; XML text (and so every TMX segment) never holds it.
SEPARATOR = "\x00"


# Normalized Arabic keys use only the letters U+0621–U+064A beyond ASCII: one byte each (0x80–0xA9)
# instead of UTF-8's two. A key holding anything else is stored as UTF-8 behind a 0x01 byte.
_ARABIC_TO_BYTE = {code: 0x80 + code - 0x0621 for code in range(0x0621, 0x064B)}
_BYTE_TO_ARABIC = {byte: chr(code) for code, byte in _ARABIC_TO_BYTE.items()}
_UTF8_MARK = b"\x01"
# A key cannot take the one-byte form when it holds a Latin-1 character whose byte stands for a
# letter there, or when it starts with U+0001, whose byte would read back as the UTF-8 mark.
_NOT_COMPACT = re.compile("^\x01|[\x80-\xa9]")


def compact_encode(value: str) -> bytes:
    """A normalized key in the one-byte-per-letter form; lossless for any string UTF-8 can encode."""
    if not _NOT_COMPACT.search(value):
        try:
            return value.translate(_ARABIC_TO_BYTE).encode("latin-1")
        except UnicodeEncodeError:
            pass
    return _UTF8_MARK + value.encode("utf-8")


def compact_decode(data: bytes) -> str:
    """The string `compact_encode` made these bytes from."""
    if data[:1] == _UTF8_MARK:
        return data[1:].decode("utf-8")
    return data.decode("latin-1").translate(_BYTE_TO_ARABIC)


class StringColumn:
    """Many strings in one buffer, each followed by a NUL, with where each one starts.

    The buffer is UTF-8, or with ``compact`` the one-byte form of normalized Arabic keys, which
    halves the memory the keys of a million-entry index take.
    """

    __slots__ = ("blob", "compact", "starts")

    def __init__(self, blob: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], *, compact: bool = False) -> None:
        self.blob = blob
        self.starts = starts  # string i is blob[starts[i] : starts[i + 1] - 1]
        self.compact = compact

    @classmethod
    def from_strings(cls, values: list[str], *, compact: bool = False) -> StringColumn:
        """Pack strings (which must not hold NUL) with one encode call (UTF-8), not one per string."""
        if not values:
            return cls(np.empty(0, dtype=np.uint8), np.zeros(1, dtype=np.int64), compact=compact)
        if compact:
            data = b"\x00".join(map(compact_encode, values)) + b"\x00"
        else:
            data = (SEPARATOR.join(values) + SEPARATOR).encode("utf-8")
        blob = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(blob == 0) + 1
        if len(ends) != len(values):
            raise ValueError("a string to pack holds a NUL character")
        return cls(blob, np.concatenate(([0], ends)).astype(np.int64), compact=compact)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, index: int) -> str:
        start, end = int(self.starts[index]), int(self.starts[index + 1]) - 1
        data = self.blob[start:end].tobytes()
        return compact_decode(data) if self.compact else data.decode("utf-8")

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        blob, starts = self.blob, self.starts
        pieces = [blob[starts[i] : starts[i + 1] - 1].tobytes() for i in indexes]
        if self.compact:
            return [compact_decode(p) for p in pieces]
        return [p.decode("utf-8") for p in pieces]


class FileStringColumn:
    """A `StringColumn` whose buffer stays in a file and is read string by string (``pread``).

    For columns a lookup reads only for its few results (texts, provenance): nothing of them is
    mapped into the process, so a million-entry memory does not grow the process by their size.
    """

    __slots__ = ("_fd", "path", "starts")

    def __init__(self, path: str, starts: npt.NDArray[np.int64]) -> None:
        self.path = path
        self.starts = starts
        self._fd = os.open(path, os.O_RDONLY)

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.close(self._fd)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, index: int) -> str:
        start, end = int(self.starts[index]), int(self.starts[index + 1]) - 1
        return os.pread(self._fd, end - start, start).decode("utf-8")

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        return [self[int(i)] for i in indexes]
