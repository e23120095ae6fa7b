"""Reading text files: encodings and byte order marks, one line reader, one-line errors naming the line."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from tmkit.errors import InputError

#: Bytes read and decoded at a time: big enough to make Python's per-chunk work negligible, small
#: enough that a multi-gigabyte TSV streams in bounded memory.
READ_CHUNK_BYTES = 1 << 20
#: Bytes at the start of a file looked at to tell UTF-16 without a byte order mark from binary data.
SNIFF_BYTES = 4096
#: NULs that must be seen on one side of the byte pairs before a file is said to look like UTF-16.
UTF16_MIN_NULS = 2
#: What every error about an undecodable file suggests.
SAVE_AS_UTF8 = "save it as UTF-8"

# The only line breaks: LF, CRLF and CR. Form feed, VT, NEL, U+2028 and U+2029 stay inside a line
# (str.splitlines would split at them, misaligning line-aligned files).
_BREAK_RE = re.compile(r"\r\n|\r|\n")
_SPLIT_RE = re.compile(r"(\r\n|\r|\n)")


@dataclass(frozen=True, slots=True)
class _Encoding:
    """How a file's bytes are decoded: the codec, the byte order mark to skip, and the name messages use."""

    codec: str
    bom: bytes
    label: str


_UTF8 = _Encoding("utf-8", b"", "UTF-8")
# UTF-32 marks first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, _Encoding | None], ...] = (
    (codecs.BOM_UTF32_LE, None),
    (codecs.BOM_UTF32_BE, None),
    (codecs.BOM_UTF8, _Encoding("utf-8", codecs.BOM_UTF8, "UTF-8")),
    (codecs.BOM_UTF16_LE, _Encoding("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16")),
    (codecs.BOM_UTF16_BE, _Encoding("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16")),
)


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, split at LF, CRLF and CR only; a break at the very end starts no extra line."""
    if not text:
        return []
    lines = _BREAK_RE.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def count_line_breaks(text: str) -> int:
    """How many LF, CRLF and CR breaks ``text`` holds (a CRLF is one)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def iter_lines(path: str | os.PathLike[str], *, keep_ends: bool = False) -> Generator[str, None, None]:
    """The lines of a text file, read a chunk at a time; line N is the Nth item.

    UTF-8 with or without a byte order mark, and UTF-16 (LE or BE) with one, are read; lines
    end at LF, CRLF or CR only, and a last line without a break still counts. ``keep_ends``
    leaves each line's break on it (for the csv module, which finds quoted breaks itself).
    A NUL character, undecodable bytes and I/O errors raise `InputError` naming the file and line.
    """
    name = os.fspath(path)
    try:
        raw: BinaryIO = open(name, "rb")  # noqa: SIM115 - closed below, also when the caller stops early
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=name) from None
    with raw:
        yield from _lines_of(raw, name, keep_ends=keep_ends)


@dataclass(frozen=True, slots=True)
class TextForm:
    """How a text file is written: its encoding, its byte order mark, and its line break (what a translated copy of
    it keeps: a Windows file stays CRLF with its mark)."""

    codec: str = "utf-8"
    bom: bytes = b""
    newline: str = "\n"

    def encode(self, text: str) -> bytes:
        """``text`` (lines broken at LF) as a file of this form."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return self.bom + text.encode(self.codec)


def text_form(path: str | os.PathLike[str], text: str) -> TextForm:
    """The form of the text file at ``path`` whose text (as `read_text` gives it) is ``text``: its line break is CRLF
    or CR when every break is one, else LF."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as raw:
            encoding = _encoding(_read(raw, 4, name), name)
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=name) from None
    breaks = count_line_breaks(text)
    crlf = text.count("\r\n")
    newline = "\r\n" if breaks and crlf == breaks else "\r" if breaks and text.count("\r") == breaks else "\n"
    return TextForm(encoding.codec, encoding.bom, newline)


def read_lines(path: str | os.PathLike[str]) -> list[str]:
    """Every line of a text file (see `iter_lines`), without its line break."""
    return list(iter_lines(path))


def read_text(path: str | os.PathLike[str]) -> str:
    """The whole text of a text file (see `iter_lines`), its line breaks as written."""
    return "".join(iter_lines(path, keep_ends=True))


def _read(raw: BinaryIO, size: int, name: str) -> bytes:
    try:
        return raw.read(size)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=name) from None


def _encoding(head: bytes, name: str) -> _Encoding:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            if encoding is None:
                raise InputError(f"UTF-32 text is not read: {SAVE_AS_UTF8}", path=name, line=1)
            return encoding
    return _UTF8


def _lines_of(raw: BinaryIO, name: str, *, keep_ends: bool) -> Iterator[str]:
    head = _read(raw, max(READ_CHUNK_BYTES, SNIFF_BYTES), name)
    encoding = _encoding(head, name)
    decoder = codecs.getincrementaldecoder(encoding.codec)("strict")
    data = head[len(encoding.bom) :]
    #: Lines handed out so far, and the start of the next one (which may end in a CR whose LF is yet to come).
    done, pending = 0, ""
    while True:
        final = not data
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            raise _decode_error(exc, encoding, pending, done, name) from None
        buffer = pending + text
        held = ""
        if not final and buffer.endswith("\r"):
            # A CR at the end of a chunk may be the first half of a CRLF: decide with the next chunk.
            buffer, held = buffer[:-1], "\r"
        lines = _split_keeping_ends(buffer) if keep_ends else _split(buffer)
        pending = lines.pop() + held
        if "\x00" in buffer:
            for number, line in enumerate(lines, start=done + 1):
                if "\x00" in line:
                    raise _nul_error(head, encoding, name, number)
        done += len(lines)
        yield from lines
        if final:
            break
        data = _read(raw, READ_CHUNK_BYTES, name)
    if pending:
        if "\x00" in pending:
            raise _nul_error(head, encoding, name, done + 1)
        yield pending


def _split(text: str) -> list[str]:
    """The lines of ``text`` without their breaks, the last item being what follows the last break."""
    if "\r" not in text:
        return text.split("\n")
    if text.count("\r") == text.count("\r\n"):
        # CRLF throughout (or mixed with LF): splitting at LF and trimming is several times faster than the regex.
        return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    return _BREAK_RE.split(text)


def _split_keeping_ends(text: str) -> list[str]:
    """The lines of ``text`` with their breaks, the last item being what follows the last break."""
    if text.count("\r") == text.count("\r\n"):
        # No lone CR: each piece split at LF keeps its CR, and gets its LF back.
        lines = [line + "\n" for line in text.split("\n")]
        lines[-1] = lines[-1][:-1]
        return lines
    parts = _SPLIT_RE.split(text)
    lines = [parts[index] + parts[index + 1] for index in range(0, len(parts) - 1, 2)]
    lines.append(parts[-1])
    return lines


def _decode_error(exc: UnicodeDecodeError, encoding: _Encoding, pending: str, done: int, name: str) -> InputError:
    # What decoded cleanly before the bad bytes places them: whole lines, then a column in the last one.
    before = pending + exc.object[: exc.start].decode(encoding.codec)
    line = done + count_line_breaks(before) + 1
    column = len(split_lines(before + "x")[-1])
    bad = exc.object[exc.start : exc.end]
    # The column goes in the message, not the location: `FILE:LINE: not UTF-8` is what scripts and tests match.
    if encoding is _UTF8:
        what = f"not UTF-8 text (byte 0x{bad[0]:02X} at column {column})"
        hint = f"{SAVE_AS_UTF8}, e.g. iconv -f CP1256 -t UTF-8"
    else:
        what = (
            f"not {encoding.label} text, though it starts with a {encoding.label} byte order mark "
            f"({exc.reason} at column {column})"
        )
        hint = SAVE_AS_UTF8
    return InputError(f"{what}: {hint}", path=name, line=line)


def _looks_like_utf16(head: bytes) -> bool:
    """NULs on one side of each byte pair only: ASCII (and most Arabic) characters in UTF-16 without its mark."""
    sample = head[:SNIFF_BYTES]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) >= UTF16_MIN_NULS and min(even, odd) * 10 <= max(even, odd)


def _nul_error(head: bytes, encoding: _Encoding, name: str, line: int) -> InputError:
    if encoding is _UTF8 and _looks_like_utf16(head):
        message = f"NUL character: looks like UTF-16 without a byte order mark; {SAVE_AS_UTF8} (or UTF-16 with a BOM)"
    else:
        message = "NUL character: binary data, not a text file"
    return InputError(message, path=name, line=line)
