"""Compact columns for a million memory entries: strings in one UTF-8 buffer, read back one at a time."""

from __future__ import annotations

import contextlib
import io
import os
import re
import struct
import sys
import threading
import zlib
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar, overload

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


#: The code point each byte of a compact key stands for (as UTF-16 code units), for decoding many at once.
_COMPACT_CODE_POINTS = np.arange(256, dtype="<u2")
_COMPACT_CODE_POINTS[list(_BYTE_TO_ARABIC)] = [ord(letter) for letter in _BYTE_TO_ARABIC.values()]
#: From how many strings `StringColumn.take` gathers and decodes them in one go, in UTF-8 and in the compact form:
#: where one-by-one and gathered cost the same (a compact key decoded alone costs ~2.4 µs, a UTF-8 string ~0.5;
#: gathering costs ~10 µs and ~6 µs however few). Compact keys gathered from 64 on cost a 1M lookup's handful of
#: keys 20-75 µs more than needed (measured on the bench's 1M index: 8 keys 20 µs one by one, 13 gathered).
BULK_TAKE = 14
BULK_TAKE_COMPACT = 5
BULK_TAKE_CHUNK = 16_384


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

    @property
    def holds_nothing(self) -> bool:
        """Whether every string is empty (each one only its NUL): a provenance field no unit of the memory has."""
        return len(self.blob) == len(self)

    def __getitem__(self, index: int) -> str:
        start, end = int(self.starts[index]), int(self.starts[index + 1]) - 1
        data = self.blob[start:end].tobytes()
        return compact_decode(data) if self.compact else data.decode("utf-8")

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        """The strings at these indexes, in this order: many decoded in one call, not one call each."""
        if len(indexes) >= (BULK_TAKE_COMPACT if self.compact else BULK_TAKE):
            return self._take_in_bulk(np.asarray(indexes, dtype=np.int64))
        blob, starts = self.blob, self.starts
        pieces = [blob[starts[i] : starts[i + 1] - 1].tobytes() for i in indexes]
        if self.compact:
            return [compact_decode(p) for p in pieces]
        return [p.decode("utf-8") for p in pieces]

    def _take_in_bulk(self, indexes: npt.NDArray[np.int64]) -> list[str]:
        """The strings gathered with their NULs into one buffer, decoded at once and split at the NULs.

        A 1M-entry index's short keys (140,000) took 0.4 s of CPU decoded one by one at every load.
        Gathered `BULK_TAKE_CHUNK` strings at a time: the positions of every byte of 420,000 keys at
        once took 100 MB of fresh pages, whose faults cost more than the gathering.
        """
        if len(indexes) > BULK_TAKE_CHUNK:
            taken: list[str] = []
            for at in range(0, len(indexes), BULK_TAKE_CHUNK):
                taken += self._take_in_bulk(indexes[at : at + BULK_TAKE_CHUNK])
            return taken
        if len(indexes) == 0:
            return []
        first, after = self.starts[indexes], self.starts[indexes + 1]  # each string's NUL included
        lengths = after - first
        gathered_before = np.cumsum(lengths) - lengths
        positions = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(first - gathered_before, lengths)
        data = self.blob[positions]
        del positions
        text: str
        if self.compact:
            text = _COMPACT_CODE_POINTS[data].tobytes().decode("utf-16-le")
        else:
            text = data.tobytes().decode("utf-8")
        strings = text.split(SEPARATOR)
        strings.pop()  # after the last NUL
        if self.compact:
            # The few keys kept as UTF-8 behind their mark (see `compact_encode`) are decoded one by one.
            marked = np.flatnonzero((data[gathered_before] == _UTF8_MARK[0]) & (lengths > 1))
            for number in marked.tolist():
                at = int(gathered_before[number])
                strings[number] = compact_decode(data[at : at + int(lengths[number]) - 1].tobytes())
        return strings


class ByteSink(Protocol):
    """Where a builder appends bytes (a file writer working out checksums as they pass)."""

    def write(self, data: bytes) -> None: ...


class StringColumnBuilder:
    """A `StringColumn` packed chunk by chunk as strings arrive, so a build holds their bytes, not the strings.

    The bytes are those `StringColumn.from_strings` would pack from all the strings at once: each
    chunk is encoded with one call and appended to one growing buffer (a ``bytearray``, which grows
    in place), with where each string ends. With ``spill_to`` (a pair of paths: the buffer's file
    and the ``.npy`` file of where strings start), both are appended to those files as they come
    instead, their block checksums worked out as written, and `finish` gives a `FileStringColumn`
    read back from them: a build for the cache holds none of the column's bytes.
    """

    __slots__ = ("_blob", "_blob_file", "_ends", "_length", "_sinks", "_starts_file", "_sunk", "compact")

    def __init__(
        self,
        *,
        compact: bool = False,
        spill_to: tuple[str, str] | None = None,
        sinks: tuple[ByteSink, ByteSink] | None = None,
    ) -> None:
        """``sinks``: writers the buffer's bytes and the starts (``<i8``, from the first 0) are appended to
        instead, finished by their owner (a compact column can go there: its reader is the owner's)."""
        self.compact = compact
        self._blob = bytearray()
        self._ends: list[npt.NDArray[np.int64]] = [np.zeros(1, dtype=np.int64)]
        self._length = 0  # bytes packed so far, in memory or in the file
        self._blob_file: BlockWriter | None = None
        self._starts_file: BlockWriter | None = None
        self._sinks = sinks
        self._sunk = 0  # strings given to the sinks
        if sinks is not None:
            if spill_to is not None:
                raise ValueError("strings go to files or to sinks, not both")
            sinks[1].write(self._ends[0].astype("<i8").tobytes())
        if spill_to is not None:
            if compact:
                raise ValueError("a compact column is kept in memory")  # FileStringColumn reads UTF-8
            self._blob_file = BlockWriter(spill_to[0])
            self._starts_file = BlockWriter(spill_to[1], header_bytes=npy_header_bytes(np.dtype(np.int64)))
            self._starts_file.write(self._ends.pop().tobytes())

    def __len__(self) -> int:
        if self._starts_file is not None:
            return self._starts_file.data_bytes // 8 - 1
        return sum(map(len, self._ends)) - 1 + self._sunk

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
        ends = ends.astype(np.int64) + self._length
        self._length += len(data)
        if self._blob_file is not None and self._starts_file is not None:
            self._blob_file.write(data)
            self._starts_file.write(ends.astype("<i8").tobytes())
            return
        if self._sinks is not None:
            self._sinks[0].write(data)
            self._sinks[1].write(ends.astype("<i8").tobytes())
            self._sunk += len(values)
            return
        self._ends.append(ends)
        self._blob += data

    @property
    def spilled(self) -> bool:
        """Whether the strings go to files (``spill_to``): then `finish_in_files` gives the column."""
        return self._blob_file is not None

    @property
    def sunk(self) -> bool:
        """Whether the strings go to ``sinks``: then their owner gives the column."""
        return self._sinks is not None

    def finish(self) -> StringColumn:
        """The column of every string appended (the builder is emptied)."""
        if self.spilled or self.sunk:
            raise ValueError("a column written to files is finished by finish_in_files, or by its sinks' owner")
        blob = np.frombuffer(self._blob, dtype=np.uint8) if self._blob else np.empty(0, dtype=np.uint8)
        starts = np.concatenate(self._ends) if len(self._ends) > 1 else self._ends[0]
        self._blob, self._ends, self._length = bytearray(), [np.zeros(1, dtype=np.int64)], 0
        return StringColumn(blob, starts, compact=self.compact)

    def finish_in_files(self) -> tuple[FileStringColumn, FileChecks, FileChecks]:
        """The column of every string appended, read from the files it was written to (closed now), with
        the size and block checksums of the buffer's file and of the starts' file."""
        if self._blob_file is not None and self._starts_file is not None:
            blob_file, starts_file = self._blob_file, self._starts_file
            self._blob_file = self._starts_file = None
            count = starts_file.data_bytes // 8
            blob_size, blob_checks = blob_file.finish()
            starts_size, starts_checks = starts_file.finish(header=npy_header(np.dtype(np.int64), count))
            starts = FileArray(
                BlockFile(starts_file.path, checksums=starts_checks, size=starts_size), dtype=np.dtype(np.int64)
            )
            column = FileStringColumn(blob_file.path, starts, checksums=blob_checks, size=blob_size)
            return column, (blob_size, blob_checks), (starts_size, starts_checks)
        raise ValueError("a column packed in memory is finished by finish")


#: Bytes covered by each CRC-32 of a file checked block by block: a read checks the few blocks it
#: touches (about a microsecond each), so nothing of the file needs reading when it is opened.
CHECK_BLOCK_BYTES = 4096
#: Enough of a ``.npy`` file for its header (np.save writes 1-D arrays with a header of 128 bytes).
NPY_HEADER_BYTES = 4096
_Replacement = TypeVar("_Replacement")
#: A file's size and the CRC-32 of each of its blocks.
FileChecks = tuple[int, npt.NDArray[np.uint32]]


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


def npy_header(dtype: np.dtype[np.generic], length: int) -> bytes:
    """The header `np.save` writes before a 1-D array of ``length`` items of ``dtype``.

    numpy pads it with room for the largest shape, so its size does not depend on ``length``: a
    file can be written with it reserved and the header put in when the length is known.
    """
    header = io.BytesIO()
    description = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": (length,)}
    np.lib.format.write_array_header_1_0(header, description)
    return header.getvalue()


def npy_header_bytes(dtype: np.dtype[np.generic]) -> int:
    return len(npy_header(dtype, 0))


class BlockWriter:
    """A file written by appending, the CRC-32 of every `CHECK_BLOCK_BYTES` worked out as the bytes go by.

    ``header_bytes`` are reserved at the start and written by `finish` (a ``.npy`` header, which
    says the length); the first block's checksum is then taken again from the file. Nothing but
    the block being filled is held.
    """

    __slots__ = ("_checksums", "_handle", "_header_bytes", "_pending", "block_bytes", "data_bytes", "path")

    def __init__(self, path: str, *, header_bytes: int = 0, block_bytes: int = CHECK_BLOCK_BYTES) -> None:
        self.path = path
        self.block_bytes = block_bytes
        self.data_bytes = 0  # written after the header
        self._header_bytes = header_bytes
        self._handle = open(path, "xb+")  # noqa: SIM115 (closed by finish, or when the build fails and the folder goes)
        self._checksums: list[npt.NDArray[np.uint32]] = []
        self._pending = bytearray(header_bytes)  # the block being filled, from its start
        self._handle.write(self._pending)

    def write(self, data: bytes) -> None:
        self._handle.write(data)
        self.data_bytes += len(data)
        pending = self._pending
        pending += data
        whole = len(pending) - len(pending) % self.block_bytes
        if whole:
            with memoryview(pending) as view:
                self._checksums.append(block_checksums(view[:whole], block_bytes=self.block_bytes))
            del pending[:whole]

    def finish(self, *, header: bytes = b"") -> FileChecks:
        """Close the file, with ``header`` put in the bytes reserved for it; its size and block checksums."""
        if len(header) != self._header_bytes:
            raise ValueError(f"a header of {len(header)} bytes for {self._header_bytes} reserved")
        handle = self._handle
        try:
            if self._pending:
                self._checksums.append(block_checksums(memoryview(self._pending), block_bytes=self.block_bytes))
            if header:
                handle.seek(0)
                handle.write(header)
            handle.flush()
            size = os.fstat(handle.fileno()).st_size
            checksums = np.concatenate(self._checksums) if self._checksums else np.empty(0, dtype=np.uint32)
            if header:  # the first block as it now is on disk
                checksums[0] = zlib.crc32(os.pread(handle.fileno(), min(self.block_bytes, size), 0))
        finally:
            handle.close()
            self._pending = bytearray()
            self._checksums = []
        return size, checksums


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
        if first == last:  # most reads (a string, a pair of starts): one block, checked whole
            if zlib.crc32(data) != self._checksums[first]:
                raise DamagedFileError(self.name, f"checksum mismatch in block {first}")
            return data[start - begin : start - begin + length]
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


#: `struct` codes of the integer dtypes `FileArray.pair` unpacks without numpy, and the byte orders numpy names.
_STRUCT_CODES = {("i", 4): "i", ("u", 4): "I", ("i", 8): "q", ("u", 8): "Q"}
_BYTE_ORDER = {"<": "<", ">": ">", "=": "<" if sys.byteorder == "little" else ">", "|": "<"}


class FileArray:
    """A 1-D ``.npy`` array read from its file entry by entry or slice by slice, never mapped or read whole.

    With ``on_damage``, a read that finds the file damaged serves from the array it returns instead
    (a rebuilt index's), from then on; without, it raises `DamagedFileError`.
    """

    __slots__ = ("_fallback", "_file", "_offset", "_pair_format", "dtype", "length")

    def __init__(
        self,
        file: BlockFile,
        *,
        dtype: np.dtype[np.generic],
        on_damage: Callable[[DamagedFileError], npt.NDArray[np.generic] | FileArray] | None = None,
    ) -> None:
        self._file = file
        self._fallback: _Fallback[npt.NDArray[np.generic] | FileArray] = _Fallback(on_damage)
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
        # Two integers unpacked by `struct` cost a fifth of an array made for them (read for every string of a column).
        code = _STRUCT_CODES.get((self.dtype.kind, self.dtype.itemsize))
        self._pair_format = struct.Struct(f"{_BYTE_ORDER[self.dtype.byteorder]}2{code}") if code else None

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
        if self._pair_format is not None:
            first, second = self._pair_format.unpack(data)
        else:
            first, second = np.frombuffer(data, dtype=self.dtype).tolist()
        return int(first), int(second)


#: How many strings a `FileStringColumn` keeps of those it read last (a lookup's handful, many times over).
RECENT_STRINGS = 256


class FileStringColumn:
    """A `StringColumn` whose buffer stays in a file and is read string by string (``pread``).

    For columns a lookup reads only for its few results (texts, provenance): nothing of them is
    mapped into the process, so a million-entry memory does not grow the process by their size.
    With its file's block checksums (and ``starts`` a checked `FileArray`), every string is checked
    as it is read; with ``on_damage``, a string found damaged (and every one after it) is served
    from the column that returns (a rebuilt index's), else `DamagedFileError` is raised.
    """

    __slots__ = ("_fallback", "_file", "_recent", "path", "starts")

    def __init__(
        self,
        path: str,
        starts: npt.NDArray[np.int64] | FileArray,
        *,
        checksums: npt.NDArray[np.uint32] | None = None,
        size: int | None = None,
        on_damage: Callable[[DamagedFileError], StringColumn | FileStringColumn] | None = None,
    ) -> None:
        self.path = path
        self.starts = starts
        self._file = BlockFile(path, checksums=checksums, size=size)
        self._fallback: _Fallback[StringColumn | FileStringColumn] = _Fallback(on_damage)
        #: Strings read lately (checked as they were read; the file is never rewritten in place): a lookup reads some
        #: twice, such as a tied copy's unit id, ranked and then shown (10 of 49 reads of `من في` at 1M).
        self._recent: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def holds_nothing(self) -> bool:
        """Whether every string is empty: the file (its size checked against the cache's record as it was opened)
        holds one NUL a string, and no string need be read to know it."""
        if (replacement := self._fallback.value) is not None:
            return replacement.holds_nothing
        return self._file.size == len(self)

    def __getitem__(self, index: int) -> str:
        if (replacement := self._fallback.value) is not None:
            return replacement[index]
        recent = self._recent.get(index)
        if recent is not None:
            return recent
        try:
            if isinstance(self.starts, FileArray):
                start, end = self.starts.pair(index)
            else:
                start, end = int(self.starts[index]), int(self.starts[index + 1])
            data = self._file.read(start, end - start - 1)
            try:
                string = data.decode("utf-8")
            except UnicodeDecodeError:
                raise DamagedFileError(self._file.name, f"string {index} is not UTF-8") from None
            if len(self._recent) >= RECENT_STRINGS:
                self._recent.clear()  # (one dict operation at a time: safe for the threads sharing a column)
            self._recent[index] = string
            return string
        except DamagedFileError as problem:
            return self._fallback.replace(problem)[index]

    def take(self, indexes: npt.NDArray[np.int64] | list[int]) -> list[str]:
        return [self[int(i)] for i in indexes]
