"""Compact string columns: any string packed in a column or in the one-byte key form reads back unchanged."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tmkit.matching.columns import (
    CHECK_BLOCK_BYTES,
    RECENT_STRINGS,
    BlockFile,
    DamagedFileError,
    FileArray,
    FileStringColumn,
    StringColumn,
    compact_decode,
    compact_encode,
)

# What makes the compact form tricky, drawn often: its UTF-8 mark (U+0001) and other control
# characters at either end, Arabic letters (one byte each), the Latin-1 characters whose bytes
# stand for those letters, astral characters (four UTF-8 bytes).
_CONTROL = st.characters(min_codepoint=0x01, max_codepoint=0x1F)
_ANY = st.characters(blacklist_categories=["Cs"])  # every character UTF-8 can encode
_KEY_CHARACTER = st.one_of(
    st.characters(min_codepoint=0x0621, max_codepoint=0x064A),
    st.characters(min_codepoint=0x80, max_codepoint=0xFF),
    st.characters(min_codepoint=0x10000, max_codepoint=0x1FFFF, blacklist_categories=["Cs"]),
    _CONTROL,
    _ANY,
)
STRINGS = st.builds(
    lambda head, body, tail: head + body + tail,
    st.text(_CONTROL, max_size=2),
    st.text(_KEY_CHARACTER, max_size=30),
    st.text(_CONTROL, max_size=2),
)


@settings(max_examples=500, deadline=None)
@given(STRINGS)
@example("\x01")  # the one-byte form of a key starting with U+0001 used to read back without it
@example("\x01ابت")
@example("\x01\x01")
@example("")
@example("ا\x01")
@example("©ؤ")
@example("𝕏ا\x1f")
def test_compact_form_round_trips_any_string(value: str) -> None:
    assert compact_decode(compact_encode(value)) == value


@settings(max_examples=200, deadline=None)
@given(st.lists(STRINGS.filter(lambda s: "\x00" not in s), max_size=8))
@example(["\x01", "", "\x01ا", "𝕏"])
def test_columns_give_back_what_was_packed(values: list[str]) -> None:
    for compact in (False, True):
        column = StringColumn.from_strings(values, compact=compact)
        assert len(column) == len(values)
        assert [column[i] for i in range(len(values))] == values
        assert column.take(list(range(len(values)))) == values
        assert column.holds_nothing == (not any(values))


def test_file_column_reads_strings_from_its_file(tmp_path: Path) -> None:
    values = ["\x01", "", "مرحبا", "𝕏 and ©"]
    packed = StringColumn.from_strings(values)
    (tmp_path / "column.bin").write_bytes(packed.blob.tobytes())
    column = FileStringColumn(str(tmp_path / "column.bin"), packed.starts)
    assert [column[i] for i in range(len(values))] == values
    assert column.take([3, 0]) == [values[3], values[0]]
    assert not column.holds_nothing
    empty = StringColumn.from_strings(["", "", ""])
    (tmp_path / "empty.bin").write_bytes(empty.blob.tobytes())
    assert FileStringColumn(str(tmp_path / "empty.bin"), empty.starts).holds_nothing


def test_compact_keys_take_one_byte_per_arabic_letter() -> None:
    assert len(compact_encode("اعادة الاعمار 2021")) == len("اعادة الاعمار 2021")
    assert compact_encode("©") != compact_encode("ؤ")  # a Latin-1 character never reads back as a letter


def test_a_nul_cannot_be_packed() -> None:
    with pytest.raises(ValueError, match="NUL"):
        StringColumn.from_strings(["a\x00b"])


@pytest.mark.parametrize("dtype", ["<i4", "<u4", "<i8", "<u8", ">i8", ">u4", "<i2"])
def test_a_file_array_pair_reads_the_two_items_as_stored(dtype: str, tmp_path: Path) -> None:
    """`FileArray.pair` unpacks two items without numpy for the integer dtypes it knows (either byte order), and
    with numpy for the others: the same items either way, at the file's ends and across a block boundary."""
    info = np.iinfo(np.dtype(dtype))
    values = np.array([info.min, info.max, 0, 1, *range(2, 3000)], dtype=dtype)
    np.save(tmp_path / "array.npy", values)
    array = FileArray(BlockFile(str(tmp_path / "array.npy"), block_bytes=64), dtype=np.dtype(dtype))
    for index in (0, 1, 2, 500, len(values) - 2):
        assert array.pair(index) == (int(values[index]), int(values[index + 1]))


def test_a_string_in_one_block_is_checked_and_a_damaged_block_is_refused(tmp_path: Path) -> None:
    """A read within one checksum block (most are) is checked as one spanning several is."""
    values = [f"string {n} " * (n % 7) for n in range(400)]
    packed = StringColumn.from_strings(values)
    blob = bytearray(packed.blob.tobytes())
    checksums = np.array(
        [zlib.crc32(blob[at : at + CHECK_BLOCK_BYTES]) for at in range(0, len(blob), CHECK_BLOCK_BYTES)],
        dtype=np.uint32,
    )
    target = 250
    start = int(packed.starts[target])
    assert start // CHECK_BLOCK_BYTES == (int(packed.starts[target + 1]) - 2) // CHECK_BLOCK_BYTES  # one block
    blob[start] ^= 0x20
    (tmp_path / "column.bin").write_bytes(bytes(blob))
    column = FileStringColumn(str(tmp_path / "column.bin"), packed.starts, checksums=checksums, size=len(blob))
    assert column[0] == values[0]
    with pytest.raises(DamagedFileError, match="checksum mismatch in block"):
        _ = column[target]


def test_a_file_column_serves_strings_read_lately_and_keeps_a_bounded_number(tmp_path: Path) -> None:
    """A string read again is the one read first, with the file changed under the column since (a cache is never
    rewritten in place: what was checked stays right); the strings kept never outgrow `RECENT_STRINGS`."""
    values = [f"unit {n}" for n in range(RECENT_STRINGS * 3)]
    packed = StringColumn.from_strings(values)
    path = tmp_path / "column.bin"
    path.write_bytes(packed.blob.tobytes())
    column = FileStringColumn(str(path), packed.starts)
    assert column[5] == "unit 5"
    path.write_bytes(packed.blob.tobytes().replace(b"unit 5\x00", b"UNIT 5\x00"))
    assert column[5] == "unit 5"  # kept from the first read
    for n in range(len(values)):
        assert column[n] == (values[n] if n != 5 else column[5])
        assert len(column._recent) <= RECENT_STRINGS
    assert column.take([7, 700]) == ["unit 7", "unit 700"]
