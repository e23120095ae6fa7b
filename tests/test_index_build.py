"""Building an index a chunk at a time: the same arrays and cache bytes as all at once, and entry numbers past 2**24."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tmkit.matching.candidate_index import (
    _END,
    _HASH_SHIFT,
    _MULTIPLIER,
    _SAMPLE_LIMIT,
    _START,
    GRAM,
    LONG_GRAM,
    MAX_CHUNK_ENTRIES,
    MAX_ENTRIES,
    MAX_TOKEN,
    SHORT_KEY,
    CandidateIndex,
    PostingRun,
    merge_runs,
)
from tmkit.matching.columns import StringColumn, StringColumnBuilder
from tmkit.matching.memory_index import Column, MemoryIndex, context_hash
from tmkit.matching.word_index import WORD_PATTERN, WordIndex, fold_spelling
from tmkit.memory.model import Prop, Segment, Status, TranslationUnit, Variant
from tmkit.text.normalize import Normalizer

# Keys that exercise both paths of the candidate index (short keys, exact; long ones, sampled
# grams), words with clitics and numbers, repeated letters, and empty keys.
_LETTERS = st.sampled_from(list("ابتسلمنوفيةى ال") + list("abc 12,.") + ["\x00", "ﻻ", "😀"])
KEYS = st.lists(
    st.one_of(st.text(_LETTERS, max_size=12), st.text(_LETTERS, min_size=SHORT_KEY - 4, max_size=SHORT_KEY + 30)),
    max_size=40,
)


def _grams_by_definition(key: str) -> list[int]:
    """The 64-bit hashes a key is indexed with, one gram at a time: a short key's 3-grams (its code points side by
    side, 21 bits each, times the multiplier), a longer key's 5-grams (a 3-gram's hash, each next code point xored in
    and multiplied again) whose hash falls in the sampled quarter."""
    points = [ord(c) for c in _START + key + _END]
    size = GRAM if len(key) <= SHORT_KEY else LONG_GRAM
    hashes = []
    for at in range(len(points) - size + 1):
        code = (points[at] << 42) | (points[at + 1] << 21) | points[at + 2]
        hashed = (code * int(_MULTIPLIER)) % 2**64
        for point in points[at + GRAM : at + size]:
            hashed = ((hashed ^ point) * int(_MULTIPLIER)) % 2**64
        if size == GRAM or hashed < int(_SAMPLE_LIMIT):
            hashes.append(hashed)
    return hashes


def _reference_candidates(keys: list[str]) -> dict[str, np.ndarray]:
    """The candidate index's arrays by their definition, key by key: no chunks, no packing."""
    lengths = np.array([len(k) for k in keys], dtype=np.int32)
    order = np.argsort(lengths, kind="stable")
    grams: dict[int, list[int]] = {}
    chars: dict[int, list[int]] = {}
    gram_counts = []
    for position, entry in enumerate(order.tolist()):
        key = keys[entry]
        kept = {int(h) >> int(_HASH_SHIFT) for h in _grams_by_definition(key)}
        gram_counts.append(len(kept))
        for gram in kept:
            grams.setdefault(gram, []).append(position)
        if len(key) <= SHORT_KEY:
            for character, copies in Counter(key).items():
                for rank in range(1, copies + 1):
                    chars.setdefault((ord(character) << 8) | min(rank, 255), []).append(position)
    result = {"length_order": order.astype(np.uint32), "gram_counts": np.array(gram_counts, dtype=np.int32)}
    for name, table in (("gram", grams), ("char", chars)):
        tokens = sorted(table)
        result[f"{name}_hashes" if name == "gram" else "char_tokens"] = np.array(tokens, dtype=np.uint64)
        result[f"{name}_starts"] = np.cumsum([0] + [len(table[t]) for t in tokens]).astype(np.int64)
        result[f"{name}_postings"] = np.array([p for t in tokens for p in table[t]], dtype=np.uint32)
    return result


def _reference_word_postings(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Where each word's entries start and the entries, words numbered by first appearance, key by key."""
    entries_of: dict[str, list[int]] = {}
    for entry, key in enumerate(keys):
        for word in WORD_PATTERN.findall(fold_spelling(key.replace("\x00", " "))):
            listed = entries_of.setdefault(word, [])
            if not listed or listed[-1] != entry:
                listed.append(entry)
    starts = np.cumsum([0] + [len(e) for e in entries_of.values()]).astype(np.int64)
    return starts, np.array([e for entries in entries_of.values() for e in entries], dtype=np.uint32)


@settings(max_examples=150, deadline=None)
@given(KEYS, st.integers(min_value=1, max_value=9))
@example(["", "ا", "ا ا", "x" * (SHORT_KEY + 10)], 1)
def test_candidate_index_built_in_chunks_is_the_index_by_definition(keys: list[str], chunk: int) -> None:
    expected = _reference_candidates(keys)
    # Keys as a list, and (when they hold no NUL, which a column cannot) as the column a memory's build passes.
    sources: list[list[str] | StringColumn] = [keys]
    if "\x00" not in "".join(keys):
        sources.append(StringColumn.from_strings(keys, compact=True))
    for source in sources:
        built = CandidateIndex.build(source, chunk_entries=chunk)
        arrays = built.arrays()
        for name, array in expected.items():
            assert arrays[name].dtype == array.dtype, name
            assert np.array_equal(arrays[name], array), name
        assert built.short_keys.tolist() == [keys[i] for i in expected["length_order"][: built.short_count].tolist()]


@settings(max_examples=150, deadline=None)
@given(KEYS, st.integers(min_value=1, max_value=9))
@example(["في الفندق", "", "والفندق 2,500 room", "a\x00b", "\x00"], 1)
def test_word_index_built_in_chunks_is_the_index_by_definition(keys: list[str], chunk: int) -> None:
    starts, postings = _reference_word_postings(keys)
    chunked, whole = WordIndex.build(keys, chunk_entries=chunk), WordIndex.build(keys, chunk_entries=max(len(keys), 1))
    assert np.array_equal(chunked.word_starts, starts)
    assert np.array_equal(chunked.word_postings, postings)
    for name, array in whole.arrays().items():
        assert np.array_equal(chunked.arrays()[name], array), name


def _run(tokens: list[int], offsets: list[int], *, first: int) -> PostingRun:
    return PostingRun.of(np.array(tokens, dtype=np.uint64), np.array(offsets, dtype=np.uint64), first=first)


def test_entry_numbers_past_24_bits_survive_packing() -> None:
    # Postings of two chunks whose first entries are past 2**24 (and near 2**32): a 24-bit entry
    # number packed beside the token, as the index once did, would wrap them round to small numbers.
    firsts = (2**24 + 5, MAX_ENTRIES - 70_000)
    runs = [
        _run([7, 3, 7, MAX_TOKEN, 3], [0, 2, 4, 1, 2], first=firsts[0]),  # a repeated pair counts once
        _run([3, MAX_TOKEN], [69_999, 0], first=firsts[1]),  # an offset past 16 bits
    ]
    tokens, starts, postings = merge_runs(runs)
    assert tokens.tolist() == [3, 7, MAX_TOKEN]
    by_token = {int(t): postings[starts[i] : starts[i + 1]].tolist() for i, t in enumerate(tokens)}
    assert by_token == {
        3: [firsts[0] + 2, firsts[1] + 69_999],
        7: [firsts[0], firsts[0] + 4],
        MAX_TOKEN: [firsts[0] + 1, firsts[1]],
    }
    assert runs == []  # each run is let go once merged
    with pytest.raises(ValueError, match="cannot be packed"):
        _run([MAX_TOKEN + 1], [0], first=0)
    with pytest.raises(ValueError, match="at most"):
        _run([1], [MAX_CHUNK_ENTRIES], first=0)


def test_word_postings_past_24_bits_survive_packing() -> None:
    # Word numbers are dense: the dense merge places a run past 2**24 by its word numbers.
    runs = [_run([1, 0], [1, 0], first=2**24 - 1), _run([0], [3], first=2**25)]
    tokens, starts, postings = merge_runs(runs, token_count=3)
    assert tokens.tolist() == [0, 1, 2]
    assert starts.tolist() == [0, 2, 3, 3]
    assert postings.tolist() == [2**24 - 1, 2**25 + 3, 2**24]


def test_column_packed_in_chunks_is_the_column_packed_at_once() -> None:
    values = ["", "في الفندق", "room", "\x01ا", "©ؤ", "😀", ""]
    for compact in (False, True):
        whole = StringColumn.from_strings(values, compact=compact)
        builder = StringColumnBuilder(compact=compact)
        for first in range(0, len(values), 3):
            builder.extend(values[first : first + 3])
        builder.extend([])
        assert len(builder) == len(values)
        chunked = builder.finish()
        assert chunked.blob.tobytes() == whole.blob.tobytes()
        assert np.array_equal(chunked.starts, whole.starts)
        assert chunked.take(list(range(len(values)))) == values
    with pytest.raises(ValueError, match="NUL"):
        StringColumnBuilder().extend(["a", "b\x00c"])


def _units() -> list[TranslationUnit]:
    """A memory with what changes how units become entries: several targets, rejected units, units
    without the source language, context props, empty targets, statuses and provenance."""
    words = ["الفندق", "غرفة", "في", "room", "حجز", "2,500", "بالفندق", "والغرفة", "المطار", "تذكرة"]
    units = []
    for number in range(60):
        text = " ".join(words[(number * k) % len(words)] for k in range(1, 2 + number % 9))
        targets = [Variant("en", Segment.from_text(f"translation {number}"), change_id="ann")]
        if number % 7 == 0:
            targets.append(Variant("en", Segment.from_text(f"another {number}")))
        if number % 11 == 0:
            targets.append(Variant("en", Segment.from_text("")))
        source = [Variant("ar", Segment.from_text(text * (1 + number % 4)))] if number % 13 != 5 else []
        props = [Prop("x-context-prev", words[number % 10])] if number % 17 == 3 else []
        units.append(
            TranslationUnit(
                [*source, *targets],
                tuid=str(number) if number % 3 else None,
                status=list(Status)[number % len(Status)],
                rejected=number % 19 == 4,
                props=props,
                creation_date="20260101T000000Z" if number % 2 else None,
            )
        )
    return units


def _saved_bytes(index: MemoryIndex, folder: Path) -> dict[str, bytes]:
    index.save(folder, fingerprint={"test": 1})
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir())}


@pytest.mark.parametrize("chunk", [1, 2, 7])
def test_memory_index_built_in_chunks_saves_the_same_bytes(tmp_path: Path, chunk: int) -> None:
    units = _units()
    breaks = frozenset({20, 21})
    whole = MemoryIndex.build(units, source_lang="ar", target_lang="en", breaks_after=breaks)
    chunked = MemoryIndex.build(units, source_lang="ar", target_lang="en", breaks_after=breaks, chunk_entries=chunk)
    assert len(set(whole.unit_of_entry.tolist())) < len(whole)  # several targets give several entries
    assert _saved_bytes(chunked, tmp_path / "chunked") == _saved_bytes(whole, tmp_path / "whole")
    # The neighbours' fingerprints by their definition: the units before and after in the stream,
    # unless a break lies between, or the unit's own context props.
    norm = Normalizer("ar")
    keys = [norm(u.variants[0].text) if u.variants[0].lang == "ar" else None for u in units]
    for entry, unit in enumerate(chunked.unit_of_entry.tolist()):
        before = keys[unit - 1] if unit > 0 and unit - 1 not in breaks else None
        after = keys[unit + 1] if unit + 1 < len(units) and unit not in breaks else None
        if units[unit].props:
            before, after = norm(units[unit].props[0].value), None
        assert int(chunked.context_prev[entry]) == context_hash(before), entry
        assert int(chunked.context_next[entry]) == context_hash(after), entry
    assert chunked.text(Column.SOURCE_KEY, 0) == keys[0]


def test_chunk_size_out_of_range_is_refused() -> None:
    for size in (0, 2**24 + 1):
        with pytest.raises(ValueError, match="chunk_entries"):
            MemoryIndex.build([], source_lang="ar", target_lang="en", chunk_entries=size)
        with pytest.raises(ValueError, match="chunk_entries"):
            CandidateIndex.build([], chunk_entries=size)
        with pytest.raises(ValueError, match="chunk_entries"):
            WordIndex.build([], chunk_entries=size)
