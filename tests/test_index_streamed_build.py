"""An index built to be cached writes its texts and postings as it goes: same cache bytes, bounded memory, checked reads."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.test_index_cache import _WORDS
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching.columns import (
    BlockWriter,
    DamagedFileError,
    FileStringColumn,
    StringColumn,
    StringColumnBuilder,
    block_checksums,
    npy_header,
)
from tmkit.matching.heap import release_free_memory
from tmkit.matching.memory_delta import DIFF_BLOCK_BYTES, _unit_spans, file_layout
from tmkit.matching.memory_index import (
    FINGERPRINT_HASH,
    CacheStaging,
    Column,
    MemoryIndex,
    cache_folder,
    open_memory,
)
from tmkit.matching.word_index import WordIndex
from tmkit.memory.model import Header, Segment, Status, TranslationUnit, Variant


def _units(count: int, *, seed: int = 7) -> list[TranslationUnit]:
    """Units long enough that every file spans many 4 KiB blocks, some with two targets, provenance or none."""
    pick = random.Random(seed)
    units = []
    for number in range(count):
        source = " ".join(pick.choices(_WORDS, k=pick.randint(1, 30)))
        targets = [Variant("en", Segment.from_text(f"sentence {number} " * pick.randint(1, 9)))]
        if number % 11 == 3:
            targets.append(Variant("en-GB", Segment.from_text(f"another {number}")))
        units.append(
            TranslationUnit(
                [Variant("ar", Segment.from_text(source)), *targets],
                tuid=str(number) if number % 3 else None,
                status=list(Status)[number % len(Status)],
                creation_date="20260101T000000Z" if number % 2 else None,
            )
        )
    return units


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir())}


@pytest.mark.parametrize("chunk", [7, 1000])
def test_an_index_built_into_its_staging_folder_saves_the_bytes_of_one_built_in_memory(
    tmp_path: Path, chunk: int
) -> None:
    units = _units(700)
    in_memory = MemoryIndex.build(units, source_lang="ar", target_lang="en", chunk_entries=chunk)
    in_memory.save(tmp_path / "memory", fingerprint={"test": 1})
    staging = CacheStaging.beside(tmp_path / "staged")
    streamed = MemoryIndex.build(units, source_lang="ar", target_lang="en", chunk_entries=chunk, staging=staging)
    # What a lookup reads by parts was written as it was built, and is read back from there.
    assert all(isinstance(streamed.columns[c], FileStringColumn) for c in Column if c is not Column.SOURCE_KEY)
    assert isinstance(streamed.source_words, WordIndex)
    assert not isinstance(streamed.source_words.word_postings, np.ndarray)
    streamed.save(tmp_path / "staged", fingerprint={"test": 1}, staging=staging)
    assert not staging.path.exists()  # renamed into place
    saved = _folder_bytes(tmp_path / "staged")
    assert saved == _folder_bytes(tmp_path / "memory")
    assert sum(len(data) for name, data in saved.items() if name.endswith(".bin")) > 20 * 4096
    for entry in (0, 1, len(in_memory) // 2, len(in_memory) - 1):
        for column in Column:
            assert streamed.text(column, entry) == in_memory.text(column, entry)
    word = _WORDS[3]
    assert streamed.source_words.entries(word).tolist() == in_memory.source_words.entries(word).tolist()


def test_open_memory_builds_its_cache_as_it_goes_and_answers_as_a_build_in_memory(tmp_path: Path) -> None:
    memory = tmp_path / "m.tmx"
    units = _units(400, seed=3)
    write_tmx(memory, header=Header(srclang="ar"), units=iter(units))
    built = open_memory(memory, source_lang="ar", target_lang="en")
    reference = open_memory(memory, source_lang="ar", target_lang="en", cache=False)
    assert isinstance(built.columns[Column.TARGET_XML], FileStringColumn)
    assert isinstance(reference.columns[Column.TARGET_XML], StringColumn)
    assert [built.text(c, e) for c in Column for e in range(len(built))] == [
        reference.text(c, e) for c in Column for e in range(len(reference))
    ]
    loaded = open_memory(memory, source_lang="ar", target_lang="en")
    assert [loaded.text(Column.TARGET_XML, e) for e in range(len(loaded))] == [
        reference.text(Column.TARGET_XML, e) for e in range(len(reference))
    ]
    leftovers = [p.name for p in tmp_path.iterdir() if ".staging-" in p.name]
    assert leftovers == []
    assert cache_folder(memory, "ar", "en").is_dir()


def test_a_build_that_cannot_write_its_staging_folder_is_used_uncached(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder")
    folder = tmp_path / "ro"
    folder.mkdir()
    memory = folder / "m.tmx"
    write_tmx(memory, header=Header(srclang="ar"), units=iter(_units(50)))
    folder.chmod(0o555)
    try:
        index = open_memory(memory, source_lang="ar", target_lang="en")
    finally:
        folder.chmod(0o755)
    assert isinstance(index.columns[Column.TARGET_XML], StringColumn)
    assert len(index) > 50


def test_a_disk_full_while_building_into_the_cache_gives_the_index_built_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = tmp_path / "m.tmx"
    write_tmx(memory, header=Header(srclang="ar"), units=iter(_units(300, seed=5)))
    reference = open_memory(memory, source_lang="ar", target_lang="en", cache=False)
    real_write = BlockWriter.write
    writes = []

    def write_until_full(self: BlockWriter, data: bytes) -> None:
        writes.append(len(data))
        if len(writes) > 5:
            raise OSError(errno.ENOSPC, "No space left on device", self.path)
        real_write(self, data)

    monkeypatch.setattr(BlockWriter, "write", write_until_full)
    index = open_memory(memory, source_lang="ar", target_lang="en")
    assert len(writes) > 5  # the build did write into its staging folder until the disk was full
    assert isinstance(index.columns[Column.TARGET_XML], StringColumn)
    assert [index.text(c, e) for c in Column for e in range(len(index))] == [
        reference.text(c, e) for c in Column for e in range(len(reference))
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "m.tmx") == [
        cache_folder(memory, "ar", "en").name
    ]  # saved by the usual save once the build is done; no staging folder left


def test_a_block_written_as_built_is_checked_when_read(tmp_path: Path) -> None:
    """The files a build reads back are checked by the checksums worked out as they were written."""
    staging = CacheStaging.beside(tmp_path / "cache")
    index = MemoryIndex.build(_units(300), source_lang="ar", target_lang="en", staging=staging)
    texts = staging.path / "column.target_xml.bin"
    with open(texts, "r+b") as handle:
        handle.seek(os.path.getsize(texts) // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0x20]))
    column = index.columns[Column.TARGET_XML]
    assert isinstance(column, FileStringColumn)
    problems = 0
    for entry in range(len(index)):
        try:
            column[entry]
        except DamagedFileError:
            problems += 1
    assert problems >= 1
    staging.remove()


@pytest.mark.parametrize("pieces", [[], [b""], [b"a" * 10], [b"x" * 5000, b"y" * 4000, b"z"], [b"q" * 8192]])
@pytest.mark.parametrize("header", [0, 128])
def test_block_writer_checksums_are_those_of_the_file(tmp_path: Path, pieces: list[bytes], header: int) -> None:
    path = tmp_path / "f"
    writer = BlockWriter(str(path), header_bytes=header)
    for piece in pieces:
        writer.write(piece)
    head = bytes(range(header % 256)) * (header // 256) + bytes(range(header % 256))
    size, checksums = writer.finish(header=head[:header])
    data = path.read_bytes()
    assert data == head[:header] + b"".join(pieces)
    assert size == len(data)
    assert checksums.tolist() == block_checksums(data).tolist()


def test_a_column_written_to_files_is_the_column_np_save_would_write(tmp_path: Path) -> None:
    values = [f"نص {n} " * (n % 40) for n in range(3000)]
    builder = StringColumnBuilder(spill_to=(str(tmp_path / "t.bin"), str(tmp_path / "s.npy")))
    for at in range(0, len(values), 333):
        builder.extend(values[at : at + 333])
    assert len(builder) == len(values)
    column, (text_size, text_checks), (starts_size, starts_checks) = builder.finish_in_files()
    reference = StringColumn.from_strings(values)
    saved = io.BytesIO()
    np.save(saved, reference.starts)
    assert (tmp_path / "s.npy").read_bytes() == saved.getvalue()
    assert (tmp_path / "t.bin").read_bytes() == reference.blob.tobytes()
    assert starts_checks.tolist() == block_checksums(saved.getvalue()).tolist()
    assert text_checks.tolist() == block_checksums(reference.blob.tobytes()).tolist()
    assert (text_size, starts_size) == (len(reference.blob), len(saved.getvalue()))
    assert column.take(list(range(len(values)))) == values
    assert len(npy_header(np.dtype(np.int64), 0)) == len(npy_header(np.dtype(np.int64), 10**15))


# -- the layout of a memory file, read by chunks ------------------------------------------------


def _layout_of_whole(data: bytes) -> tuple[dict[str, object], list[int], list[list[int]] | None, int | None]:
    """The layout by its definition, from all the bytes at once."""
    spans = _unit_spans(data, 0, len(data))
    prolog = __import__("zlib").crc32(data[: int(spans[0, 0])]) if spans is not None and len(spans) else None
    fingerprint = {"size": len(data), FINGERPRINT_HASH: hashlib.sha256(data).hexdigest()}
    return fingerprint, block_checksums(data).tolist(), None if spans is None else spans.tolist(), prolog


def _random_memory(pick: random.Random) -> bytes:
    parts = [b'<?xml version="1.0"?>\n<tmx version="1.4"><header/><body>']
    for _ in range(pick.randint(0, 120)):
        opening = pick.choice([b"<tu>", b"<tu ", b"<tu\n   tuid='1'>", b"<tu\t>"])
        parts.append(opening + b"<tuv><seg>" + b"n" * pick.randint(0, 6000) + b"</seg></tuv>")
        parts.append(b"</tu" + b" " * pick.choice([0, 1, pick.randint(0, 9000)]) + b">\n")
        if pick.random() < 0.02:
            parts.append(pick.choice([b"<!-- <tu> -->", b"<![CDATA[<tu>]]>", b"<?pi x?>", b"<tu"]))
    parts.append(b"</body></tmx>\n")
    return b"".join(parts)


@pytest.mark.parametrize("seed", range(40))
def test_a_layout_read_by_chunks_is_the_layout_of_the_whole_file(tmp_path: Path, seed: int) -> None:
    data = _random_memory(random.Random(seed))
    memory = tmp_path / "m.tmx"
    memory.write_bytes(data)
    expected = _layout_of_whole(data)
    for chunk in (DIFF_BLOCK_BYTES, 3 * DIFF_BLOCK_BYTES, 1 << 22):
        layout = file_layout(memory, chunk_bytes=chunk)
        spans = None if layout.spans is None else layout.spans.tolist()
        assert (layout.fingerprint, layout.head.tolist(), spans, layout.prolog_crc32) == expected, chunk


def test_release_free_memory_is_safe_to_call() -> None:
    assert release_free_memory() in (True, False)
    assert release_free_memory() in (True, False)


# -- bounded memory: a larger memory does not raise the build's peak by what its index takes ------------

_SMALL, _LARGE = 15_000, 60_000
#: Bytes the peak of a cached build (`open_memory` on a memory with no cache) may grow by for each
#: unit more, on units of short source and long target texts (some 700 characters). Measured with
#: these units: 1,364 bytes a unit when the build held every text and posting and then wrote them
#: (and mapped the whole memory file for its layout), 639 since they go to disk as they are made;
#: what is left is mostly the concordance postings of the targets, merged before they are written.
_PEAK_BYTES_PER_UNIT = 1_000

_PEAK_OF_BUILD = """
import sys
from tmkit.matching.memory_index import open_memory
index = open_memory(sys.argv[1], source_lang="ar", target_lang="en")
assert len(index) > 0
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def _long_text_units(count: int, *, seed: int) -> Iterator[TranslationUnit]:
    pick = random.Random(seed)
    for number in range(count):
        source = " ".join(pick.choices(_WORDS, k=pick.randint(1, 8)))
        words = " ".join(f"word{pick.randint(0, 999)}" for _ in range(pick.randint(60, 120)))
        yield TranslationUnit(
            [Variant("ar", Segment.from_text(source)), Variant("en", Segment.from_text(f"Sentence {number}: {words}"))],
            tuid=f"unit-{number}",
        )


def _build_peak_kb(memory: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_BUILD, str(memory)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak resident set read from /proc")
def test_a_larger_memory_does_not_raise_the_build_peak_by_its_index(tmp_path: Path) -> None:
    peaks = {}
    for size in (_SMALL, _LARGE):
        memory = tmp_path / f"m{size}.tmx"
        write_tmx(memory, header=Header(srclang="ar"), units=_long_text_units(size, seed=size))
        peaks[size] = _build_peak_kb(memory)
    per_unit = (peaks[_LARGE] - peaks[_SMALL]) * 1024 / (_LARGE - _SMALL)
    assert per_unit <= _PEAK_BYTES_PER_UNIT, (peaks, per_unit)


# -- reload: the short keys decoded in bulk -----------------------------------------------------------

_KEY_LETTERS = [chr(code) for code in range(0x0621, 0x064B)] + [" ", "a", "1", "\x80", "é", "😀", "\x01", "ﻻ"]


@pytest.mark.parametrize("compact", [True, False])
def test_strings_taken_in_bulk_are_those_taken_one_by_one(compact: bool) -> None:
    pick = random.Random(11)
    values = ["".join(pick.choices(_KEY_LETTERS, k=pick.randint(0, 30))) for _ in range(3000)]
    values += ["\x01abc", "\x01", "", "é", "\x80", "ﻻ"]  # keys stored as UTF-8 behind the mark
    column = StringColumn.from_strings(values, compact=compact)
    wanted = [pick.randrange(len(values)) for _ in range(2000)] + list(range(len(values) - 6, len(values)))
    assert column.take(np.array(wanted, dtype=np.int64)) == [values[i] for i in wanted]
    assert column.take(wanted[:5]) == [values[i] for i in wanted[:5]]
    assert column.take(np.empty(0, dtype=np.int64)) == []
