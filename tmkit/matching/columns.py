"""Compact columns for a million memory entries: strings in one UTF-8 buffer, read back one at a time."""

from __future__ import annotations

import contextlib
import io
import os
import re
import threading
import zlib
from collections.abc import Callable
from typing import Generic, TypeVar, overload

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
        builder = StringColumnBuilder(compact=compact)
        builder.extend(values)
        return builder.finish()

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


class StringColumnBuilder:
    """A `StringColumn` packed chunk by chunk as strings arrive, so a build holds their bytes, not the strings.

    The bytes are those `StringColumn.from_strings` would pack from all the strings at once: each
    chunk is encoded with one call and appended to one growing buffer (a ``bytearray``, which grows
    in place), with where each string ends.
    """

    __slots__ = ("_blob", "_ends", "compact")

    def __init__(self, *, compact: bool = False) -> None:
        self.compact = compact
        self._blob = bytearray()
        self._ends: list[npt.NDArray[np.int64]] = [np.zeros(1, dtype=np.int64)]

    def __len__(self) -> int:
        return sum(map(len, self._ends)) - 1

    def extend(self, values: list[str]) -> None:
        """Append strings (which must not hold NUL) with one encode call, not one per string."""
        if not values:
            return
        if self.compact:
            data = b"\x00".join(map(compact_encode, values)) + b"\x00"
        else:
            data = (SEPARATOR.join(values) + SEPARATOR).encode("utf-8")
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0) + 1
        if len(ends) != len(values):
            raise ValueError("a string to pack holds a NUL character")
        self._ends.append(ends.astype(np.int64) + len(self._blob))
        self._blob += data

    def finish(self) -> StringColumn:
        """The column of every string appended (the builder is emptied)."""
        blob = np.frombuffer(self._blob, dtype=np.uint8) if self._blob else np.empty(0, dtype=np.uint8)
        starts = np.concatenate(self._ends) if len(self._ends) > 1 else self._ends[0]
        self._blob, self._ends = bytearray(), [np.zeros(1, dtype=np.int64)]
        return StringColumn(blob, starts, compact=self.compact)


#: Bytes covered by each CRC-32 of a file checked block by block: a read checks the few blocks it
#: touches (about a microsecond each), so nothing of the file needs reading when it is opened.
CHECK_BLOCK_BYTES = 4096
#: Enough of a ``.npy`` file for its header (np.save writes 1-D arrays with a header of 128 bytes).
NPY_HEADER_BYTES = 4096
_Replacement = TypeVar("_Replacement")


class DamagedFileError(ValueError):
    """Bytes read from a file that do not match the checksums written with it (or do not fit its layout)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


def block_checksums(data: bytes | memoryview, *, block_bytes: int = CHECK_BLOCK_BYTES) -> npt.NDArray[np.uint32]:
    """The CRC-32 of every ``block_bytes`` of ``data`` (the last block may be shorter)."""
    view = memoryview(data).cast("B")
    count = -(-len(view) // block_bytes)
    crcs = (zlib.crc32(view[at : at + block_bytes]) for at in range(0, len(view), block_bytes))
    return np.fromiter(crcs, dtype=np.uint32, count=count)


class BlockFile:
    """A file read by byte ranges (``pread``); with checksums, every block a read touches is checked first.

    The bytes returned are the bytes checked, read in the same call, so a file damaged on disk
    after it was opened is caught as well. Nothing is read when the file is opened but its size.
    """

    __slots__ = ("__weakref__", "_checksums", "_fd", "block_bytes", "name", "size")

    def __init__(
        self,
        path: str,
        *,
        checksums: npt.NDArray[np.uint32] | None = None,
        size: int | None = None,
        block_bytes: int = CHECK_BLOCK_BYTES,
    ) -> None:
        self.name = os.path.basename(path)
        self.block_bytes = block_bytes
        self._fd = os.open(path, os.O_RDONLY)
        try:
            self.size = os.fstat(self._fd).st_size
            if size is not None and self.size != size:
                raise DamagedFileError(self.name, f"{self.size} bytes, written with {size}")
            if checksums is not None and len(checksums) != -(-self.size // block_bytes):
                raise DamagedFileError(self.name, f"{len(checksums)} block checksums for {self.size} bytes")
        except BaseException:
            os.close(self._fd)
            raise
        self._checksums = None if checksums is None else checksums.tolist()

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.close(self._fd)

    def read(self, start: int, length: int) -> bytes:
        """``length`` bytes from ``start``; raises `DamagedFileError` if they fail their blocks' checksums."""
        if start < 0 or length < 0 or start + length > self.size:
            raise DamagedFileError(self.name, f"bytes {start}..{start + length} asked of a file of {self.size}")
        if self._checksums is None:
            return os.pread(self._fd, length, start)
        if length == 0:
            return b""
        block = self.block_bytes
        first, last = start // block, (start + length - 1) // block
        begin = first * block
        wanted = min((last + 1) * block, self.size) - begin
        data = os.pread(self._fd, wanted, begin)
        if len(data) != wanted:
            raise DamagedFileError(self.name, f"shorter than its {self.size} bytes")
        view = memoryview(data)
        for number in range(first, last + 1):
            at = (number - first) * block
            if zlib.crc32(view[at : at + block]) != self._checksums[number]:
                raise DamagedFileError(self.name, f"checksum mismatch in block {number}")
        return data[start - begin : start - begin + length]


class _Fallback(Generic[_Replacement]):
    """What a checked reader serves once its file is found damaged: a replacement, made once on demand."""

    __slots__ = ("_lock", "_make", "value")

    def __init__(self, make: Callable[[DamagedFileError], _Replacement] | None) -> None:
        self._make = make
        self._lock = threading.Lock()
        self.value: _Replacement | None = None

    def replace(self, problem: DamagedFileError) -> _Replacement:
        """The replacement (made now if it is not yet); raises ``problem`` again when there is none."""
        if self._make is None:
            raise problem
        with self._lock:
            if self.value is None:
                self.value = self._make(problem)
            return self.value


class FileArray:
    """A 1-D ``.npy`` array read from its file entry by entry or slice by slice, never mapped or read whole.

    With ``on_damage``, a read that finds the file damaged serves from the array it returns instead
    (a rebuilt index's), from then on; without, it raises `DamagedFileError`.
    """

    __slots__ = ("_fallback", "_file", "_offset", "dtype", "length")

    def __init__(
        self,
        file: BlockFile,
        *,
        dtype: np.dtype[np.generic],
        on_damage: Callable[[DamagedFileError], npt.NDArray[np.generic]] | None = None,
    ) -> None:
        self._file = file
        self._fallback: _Fallback[npt.NDArray[np.generic]] = _Fallback(on_damage)
        header = io.BytesIO(file.read(0, min(file.size, NPY_HEADER_BYTES)))
        try:
            version = np.lib.format.read_magic(header)
            if version == (1, 0):
                shape, fortran_order, saved_dtype = np.lib.format.read_array_header_1_0(header)
            else:
                shape, fortran_order, saved_dtype = np.lib.format.read_array_header_2_0(header)
        except (ValueError, SyntaxError, EOFError) as exc:
            raise DamagedFileError(file.name, f"not an array ({exc})") from None
        self._offset = header.tell()
        self.dtype = np.dtype(dtype)
        if saved_dtype != self.dtype or len(shape) != 1 or fortran_order:
            raise DamagedFileError(file.name, f"holds {saved_dtype} {shape}, not a 1-D array of {self.dtype}")
        self.length = int(shape[0])
        if self._offset + self.length * self.dtype.itemsize != file.size:
            raise DamagedFileError(file.name, "its size does not fit its header")

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> npt.NDArray[np.generic]: ...
    def __getitem__(self, index: int | slice) -> int | npt.NDArray[np.generic]:
        if (replacement := self._fallback.value) is not None:
            return replacement[index]
        try:
            if isinstance(index, slice):
                start, stop, step = index.indices(self.length)
                if step != 1:
                    raise ValueError("only contiguous slices are read")
                count = max(stop - start, 0)
                data = self._file.read(self._offset + start * self.dtype.itemsize, count * self.dtype.itemsize)
                return np.frombuffer(data, dtype=self.dtype)
            position = int(index) + self.length if int(index) < 0 else int(index)
            if not 0 <= position < self.length:
                raise IndexError(f"index {index} out of {self.length}")
            item = self.dtype.itemsize
            return int(np.frombuffer(self._file.read(self._offset + position * item, item), dtype=self.dtype)[0])
        except DamagedFileError as problem:
            return self._fallback.replace(problem)[index]

    def pair(self, index: int) -> tuple[int, int]:
        """Items ``index`` and ``index + 1`` in one read (where a string of a column starts and ends)."""
        if (replacement := self._fallback.value) is not None:
            return int(replacement[index]), int(replacement[index + 1])
        if not 0 <= index < self.length - 1:
            raise IndexError(f"index {index} out of {self.length - 1}")
        try:
            data = self._file.read(self._offset + index * self.dtype.itemsize, 2 * self.dtype.itemsize)
        except DamagedFileError as problem:
            replacement = self._fallback.replace(problem)
            return int(replacement[index]), int(replacement[index + 1])
        first, second = np.frombuffer(data, dtype=self.dtype).tolist()
        return int(first), int(second)


class FileStringColumn:
    """A `StringColumn` whose buffer stays in a file and is read string by string (``pread``).

    For columns a lookup reads only for its few results (texts, provenance): nothing of them is
    mapped into the process, so a million-entry memory does not grow the process by their size.
    With its file's block checksums (and ``starts`` a checked `FileArray`), every string is checked
    as it is read; with ``on_damage``, a string found damaged (and every one after it) is served
    from the column that returns (a rebuilt index's), else `DamagedFileError` is raised.
    """

    __slots__ = ("_fallback", "_file", "path", "starts")

    def __init__(
        self,
        path: str,
        starts: npt.NDArray[np.int64] | FileArray,
        *,
        checksums: npt.NDArray[np.uint32] | None = None,
        size: int | None = None,
        on_damage: Callable[[DamagedFileError], StringColumn] | None = None,
    ) -> None:
        self.path = path
        self.starts = starts
        self._file = BlockFile(path, checksums=checksums, size=size)
        self._fallback: _Fallback[StringColumn] = _Fallback(on_damage)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, index: int) -> str:
        if (replacement := self._fallback.value) is not None:
            return replacement[index]
        try:
            if isinstance(self.starts, FileArray):
                start, end = self.starts.pair(index)
            else:
                start, end = int(self.starts[index]), int(self.starts[index + 1])
            data = self._file.read(start, end - start - 1)
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                raise DamagedFileError(self._file.name, f"string {index} is not UTF-8") from None
        except DamagedFileError as problem:
            return self._fallback.replace(problem)[index]

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        return [self[int(i)] for i in indexes]
