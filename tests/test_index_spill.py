"""A build for the cache keeps its bulk on disk: runs merged from files, arrays staged as files, the same cache bytes."""

from __future__ import annotations

import errno
import io
import mmap
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_index_build import _units as _units_with_props
from tests.test_index_streamed_build import _units
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching import spill as spill_module
from tmkit.matching.candidate_index import PostingRun, merge_runs
from tmkit.matching.columns import StringColumn
from tmkit.matching.memory_index import CacheStaging, Column, MemoryIndex, cache_folder, context_hash, open_memory
from tmkit.matching.spill import PagedStringColumn, RunSpill, WholeCheckedWriter, crc32_combine, mapped_array
from tmkit.memory.model import Header
from tmkit.text.normalize import Normalizer

_RUNS = st.lists(
    st.tuples(
        st.lists(st.tuples(st.integers(0, 60), st.integers(0, 70_000)), max_size=80),  # (token, offset) pairs
        st.integers(1, 70_001),  # entries in the chunk
    ),
    max_size=8,
)


def _runs_of(drawn: list[tuple[list[tuple[int, int]], int]]) -> list[PostingRun]:
    runs, first = [], 0
    for pairs, entries in drawn:
        tokens = np.array([token for token, _ in pairs], dtype=np.uint64)
        offsets = np.array([offset % entries for _, offset in pairs], dtype=np.uint64)
        runs.append(PostingRun.of(tokens, offsets, first=first))
        first += entries
    return runs


@settings(max_examples=200, deadline=None)
@given(_RUNS, st.booleans(), st.integers(1, 200))
def test_runs_merged_from_disk_are_the_runs_merged_in_memory(
    tmp_path_factory: pytest.TempPathFactory, drawn: list[tuple[list[tuple[int, int]], int]], numbered: bool, most: int
) -> None:
    folder = tmp_path_factory.mktemp("spill")
    token_count = 61 if numbered else None
    spilled = RunSpill(folder)
    for run in _runs_of(drawn):
        spilled.append(run)
    tokens, starts, pieces = spilled.merge(token_count=token_count, range_postings=most)
    parts = list(pieces)
    spilled.close()
    expected = merge_runs(_runs_of(drawn), token_count=token_count)
    postings = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint32)
    assert tokens.tolist() == expected[0].tolist()
    assert starts.tolist() == expected[1].tolist()
    assert postings.dtype == expected[2].dtype
    assert postings.tolist() == expected[2].tolist()
    # Each piece holds at most ``most`` postings, unless it is one token's.
    lengths = np.diff(expected[1])
    assert all(len(part) <= most or len(part) in lengths.tolist() for part in parts)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=5000))
def test_crc32_combined_is_the_crc32_of_both(first: bytes, second: bytes) -> None:
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


@pytest.mark.parametrize("length", [1 << 20, 5_000_017, 64 << 20])
def test_crc32_combined_past_megabytes_is_the_crc32_of_both(length: int) -> None:
    """A cache file's body runs to gigabytes: lengths with high bits set use the operators of large powers of two."""
    first, second = b"\x93NUMPY header", bytes(range(256)) * (length // 256) + b"x" * (length % 256)
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint32, np.int64])
@pytest.mark.parametrize("sizes", [[], [0], [1], [5, 0, 3000], [100_000, 7]])
def test_a_file_checked_whole_is_what_np_save_writes(tmp_path: Path, dtype: type, sizes: list[int]) -> None:
    rng = np.random.default_rng(len(sizes))
    pieces = [rng.integers(0, 200, size).astype(dtype) for size in sizes]
    writer = WholeCheckedWriter(tmp_path / "a.npy", np.dtype(dtype))
    for number, piece in enumerate(pieces):
        writer.write(piece.tobytes() if number % 2 else piece)
    size, crc = writer.finish()
    expected = io.BytesIO()
    np.save(expected, np.concatenate(pieces) if pieces else np.empty(0, dtype=dtype))
    data = (tmp_path / "a.npy").read_bytes()
    assert data == expected.getvalue()
    assert (size, crc) == (len(data), zlib.crc32(data))
    array, _map = mapped_array(tmp_path / "a.npy")
    assert array.dtype == np.dtype(dtype)
    assert array.tolist() == np.load(io.BytesIO(data)).tolist()


def test_a_paged_column_reads_its_strings_whatever_pages_it_gives_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = [f"مفتاح {n} " * (n % 9) + "x" * (n % 5) for n in range(5000)]
    column = StringColumn.from_strings(values, compact=True)
    np.save(tmp_path / "blob.npy", column.blob)
    np.save(tmp_path / "starts.npy", column.starts)
    monkeypatch.setattr(spill_module, "MAPPED_PAGES_BUDGET", 1)  # give back after every read
    blob, blob_map = mapped_array(tmp_path / "blob.npy", shared=True)
    starts, starts_map = mapped_array(tmp_path / "starts.npy", shared=True)
    paged = PagedStringColumn(blob, starts, [blob_map, starts_map], compact=True)
    del blob, starts
    order = np.random.default_rng(3).permutation(len(values))
    for at in range(0, len(order), 700):
        wanted = order[at : at + 700]
        assert paged.take(wanted) == [values[i] for i in wanted.tolist()]
    paged.close()
    assert blob_map.closed and starts_map.closed


def _is_mapped(array: object) -> bool:
    """Whether an array's memory is a map of a file (numpy keeps what it was made from as its ``base``)."""
    while array is not None:
        if isinstance(array, mmap.mmap):
            return True
        array = array.obj if isinstance(array, memoryview) else getattr(array, "base", None)
    return False


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir())}


@pytest.mark.parametrize(("chunk", "range_postings"), [(7, 1), (13, 5), (64, 300), (1000, 1 << 20)])
def test_a_build_whose_bulk_went_to_disk_saves_the_bytes_of_one_built_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, range_postings: int
) -> None:
    """Every file of the cache, byte for byte: runs merged from disk a few postings at a time, the keys
    read back from their map giving back pages after every chunk, per-entry arrays written as slices."""
    monkeypatch.setattr(spill_module, "MAPPED_PAGES_BUDGET", 1)
    units = _units(600, seed=11)
    in_memory = MemoryIndex.build(units, source_lang="ar", target_lang="en", chunk_entries=chunk)
    in_memory.save(tmp_path / "memory", fingerprint={"test": 2})
    staging = CacheStaging.beside(tmp_path / "staged", merge_range_postings=range_postings)
    streamed = MemoryIndex.build(units, source_lang="ar", target_lang="en", chunk_entries=chunk, staging=staging)
    # The bulk of the index is read back from the files it went to, not held: mapped, or read by parts.
    assert isinstance(streamed.candidates.gram_postings, np.ndarray)
    for array in (
        streamed.candidates.gram_postings,
        streamed.candidates.char_postings,
        streamed.candidates.term_postings,
        streamed.candidates.length_order,
        streamed.candidates.gram_counts,
        streamed.status,
        streamed.context_prev,
        streamed.unit_of_entry,
    ):
        assert _is_mapped(array)
    keys = streamed.columns[Column.SOURCE_KEY]
    assert isinstance(keys, StringColumn)
    assert staging.staged("column.source_key.blob.npy", keys.blob)
    assert streamed.candidates.short_keys.tolist() == in_memory.candidates.short_keys.tolist()
    written = {file.name: (file.stat().st_ino, file.stat().st_mtime_ns) for file in staging.path.iterdir()}
    streamed.save(tmp_path / "staged", fingerprint={"test": 2}, staging=staging)
    # What was built into the folder was kept as it was, not written again.
    assert {
        name: (file.stat().st_ino, file.stat().st_mtime_ns) for name in written if (file := tmp_path / "staged" / name)
    } == written
    assert {"candidates.gram_postings.npy", "column.source_key.blob.npy", "status.npy"} <= written.keys()
    saved = _folder_bytes(tmp_path / "staged")
    assert saved == _folder_bytes(tmp_path / "memory")
    assert len(saved) > 40
    for query in ("ال", units[5].variants[0].text):
        key = streamed.normalizer(query)
        for similarity in (50.0, 80.0):
            found = streamed.candidates.candidates(key, min_similarity=similarity)
            assert found.tolist() == in_memory.candidates.candidates(key, min_similarity=similarity).tolist()


def test_a_disk_full_while_spilling_runs_gives_the_index_built_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = tmp_path / "m.tmx"
    write_tmx(memory, header=Header(srclang="ar"), units=iter(_units(300, seed=5)))
    reference = open_memory(memory, source_lang="ar", target_lang="en", cache=False)
    real_append = RunSpill._append
    appended = []

    def append_until_full(self: RunSpill, array: np.ndarray) -> int:
        appended.append(len(array))
        if len(appended) > 4:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_append(self, array)

    monkeypatch.setattr(RunSpill, "_append", append_until_full)
    index = open_memory(memory, source_lang="ar", target_lang="en")
    assert len(appended) > 4  # the build did spill runs until the disk was full
    assert [index.text(c, e) for c in Column for e in range(len(index))] == [
        reference.text(c, e) for c in Column for e in range(len(reference))
    ]
    assert index.candidates.arrays().keys() == reference.candidates.arrays().keys()
    for name, array in index.candidates.arrays().items():
        assert np.array_equal(array, reference.candidates.arrays()[name]), name
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "m.tmx") == [cache_folder(memory, "ar", "en").name]


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_neighbours_and_context_props_staged_a_slice_at_a_time_are_those_built_in_memory(
    tmp_path: Path, chunk: int
) -> None:
    """Units with context props, without a source, rejected, with several targets, and breaks in the stream."""
    units = _units_with_props()
    breaks = frozenset({20, 21})
    whole = MemoryIndex.build(units, source_lang="ar", target_lang="en", breaks_after=breaks)
    staging = CacheStaging.beside(tmp_path / "staged", merge_range_postings=3)
    staged = MemoryIndex.build(
        units, source_lang="ar", target_lang="en", breaks_after=breaks, chunk_entries=chunk, staging=staging
    )
    assert any(unit.props for unit in units)
    assert staged.context_prev.tolist() == whole.context_prev.tolist()
    assert staged.context_next.tolist() == whole.context_next.tolist()
    norm = Normalizer("ar")
    for entry, unit in enumerate(staged.unit_of_entry.tolist()):
        if units[unit].props:  # its own context props win over its neighbours
            assert int(staged.context_prev[entry]) == context_hash(norm(units[unit].props[0].value))
            assert int(staged.context_next[entry]) == context_hash(None)
    whole.save(tmp_path / "whole", fingerprint={"test": 3})
    staged.save(tmp_path / "staged", fingerprint={"test": 3}, staging=staging)
    assert _folder_bytes(tmp_path / "staged") == _folder_bytes(tmp_path / "whole")
