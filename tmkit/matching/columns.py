"""Compact columns for a million memory entries: strings in one UTF-8 buffer, read back one at a time."""

from __future__ import annotations

import contextlib
import os

import numpy as np
import numpy.typing as npt

#: Ends every string in a column's buffer; XML text (and so every TMX segment) never holds it.
SEPARATOR = "\x00"


class StringColumn:
    """Many strings in one UTF-8 buffer, each followed by a NUL, with where each one starts."""

    __slots__ = ("blob", "starts")

    def __init__(self, blob: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64]) -> None:
        self.blob = blob
        self.starts = starts  # string i is blob[starts[i] : starts[i + 1] - 1]

    @classmethod
    def from_strings(cls, values: list[str]) -> StringColumn:
        """Pack strings (which must not hold NUL) with one encode call, not one per string."""
        if not values:
            return cls(np.empty(0, dtype=np.uint8), np.zeros(1, dtype=np.int64))
        blob = np.frombuffer((SEPARATOR.join(values) + SEPARATOR).encode("utf-8"), dtype=np.uint8)
        ends = np.flatnonzero(blob == 0) + 1
        if len(ends) != len(values):
            raise ValueError("a string to pack holds a NUL character")
        return cls(blob, np.concatenate(([0], ends)).astype(np.int64))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, index: int) -> str:
        start, end = int(self.starts[index]), int(self.starts[index + 1]) - 1
        return self.blob[start:end].tobytes().decode("utf-8")

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        blob, starts = self.blob, self.starts
        return [blob[starts[i] : starts[i + 1] - 1].tobytes().decode("utf-8") for i in indexes]

    @property
    def nbytes(self) -> int:
        return int(self.blob.nbytes + self.starts.nbytes)


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

    @property
    def nbytes(self) -> int:
        return int(self.starts.nbytes + os.path.getsize(self.path))
