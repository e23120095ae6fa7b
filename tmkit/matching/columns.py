"""Compact columns for a million memory entries: strings in one UTF-8 buffer, read back one at a time."""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt


class StringColumn:
    """Many strings stored as one UTF-8 buffer and an offsets array (no object per string)."""

    __slots__ = ("blob", "offsets")

    def __init__(self, blob: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64]) -> None:
        self.blob = blob
        self.offsets = offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> str:
        start, end = int(self.offsets[index]), int(self.offsets[index + 1])
        return self.blob[start:end].tobytes().decode("utf-8")

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        blob, offsets = self.blob, self.offsets
        return [blob[offsets[i] : offsets[i + 1]].tobytes().decode("utf-8") for i in indexes]

    def byte_lengths(self) -> npt.NDArray[np.int64]:
        return np.diff(self.offsets)

    @property
    def nbytes(self) -> int:
        return int(self.blob.nbytes + self.offsets.nbytes)


class StringColumnBuilder:
    """Appends strings; `finish` freezes them into a `StringColumn`."""

    __slots__ = ("_buffer", "_offsets")

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._offsets = array("q", [0])

    def append(self, value: str) -> None:
        self._buffer += value.encode("utf-8")
        self._offsets.append(len(self._buffer))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def finish(self) -> StringColumn:
        blob = np.frombuffer(bytes(self._buffer), dtype=np.uint8)
        offsets = np.frombuffer(self._offsets.tobytes(), dtype=np.int64).copy()
        self._buffer = bytearray()
        return StringColumn(blob, offsets)
