"""Compact string columns: any string packed in a column or in the one-byte key form reads back unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tmkit.matching.columns import FileStringColumn, StringColumn, compact_decode, compact_encode

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
