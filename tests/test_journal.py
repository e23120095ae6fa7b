"""The editor's crash journal without a screen: recovery by unit identity, damaged journals, and a full disk."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from tmkit.errors import TmkitError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.journal import ConflictState, journal_path, parse_journal
from tmkit.jobs.workfile import WorkFile, fingerprint
from tmkit.memory.merge import CONFLICT_PROP
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant, rejection_reason


def fill_the_disk(patch: pytest.MonkeyPatch, folder: Path) -> None:
    """The disk of ``folder`` is full from now on: every fsync of a file there fails with ENOSPC, as a full disk
    reports a write it could not place; files elsewhere (another disk) are written as usual."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(f"{folder}{os.sep}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    patch.setattr(os, "fsync", fsync)


def _crashed_session(path: Path, edits: dict[int, str]) -> WorkFile:
    """A session that confirmed ``edits`` (row → target) and ended without saving: the journal holds them."""
    document = WorkFile(path)
    for row, text in edits.items():
        document.confirm(row, text)
    document.close_journal()
    return document


def _prepend_unit(path: Path, source: str, *, tuid: str | None = "new-1") -> None:
    """What a `git pull` does to the file meanwhile: a unit added at the top."""
    memory = load_tmx(path)
    unit = TranslationUnit([_variant("ar", source), _variant("en", "Added upstream.")], tuid=tuid, status=Status.FINAL)
    memory.units.insert(0, unit)
    write_tmx(path, memory)


def _variant(lang: str, text: str) -> Variant:
    return Variant(lang, Segment.from_text(text))


def _target(path: Path, index: int) -> str:
    variant = load_tmx(path).units[index].variant("en")
    return variant.text if variant is not None else ""


def _plain_file(path: Path, sources: list[str]) -> Path:
    """A working file whose units have no tuid (a job made elsewhere): identity is the source text."""
    units = [TranslationUnit([_variant("ar", s), _variant("en", "")], status=Status.NEW) for s in sources]
    write_tmx(path, Memory(Header(srclang="ar"), units))
    return path


def test_edits_land_in_their_own_units_when_a_unit_was_added_at_the_top(work: Path) -> None:
    path = work / "article.tmx"
    before = load_tmx(path)
    tuid_24, tuid_25 = before.units[24].tuid, before.units[25].tuid
    _crashed_session(path, {24: "Recovered twenty-five.", 25: "Recovered twenty-six."})
    _prepend_unit(path, "وحدة جديدة أضيفت في الأعلى.")

    document = WorkFile(path)
    pending = document.pending_journal()
    assert len(pending) == 2 and not pending.base_matches
    report = document.recover(pending)
    assert (report.changed, report.conflicts, report.unplaced) == (2, 0, [])
    by_tuid = {row.unit.tuid: row for row in document.rows}
    assert by_tuid[tuid_24].target_text == "Recovered twenty-five."
    assert by_tuid[tuid_25].target_text == "Recovered twenty-six."
    # Rows 24 and 25 are now other units: untouched (the bug put segment 26's text into segment 25).
    assert document.rows[25].unit.tuid == tuid_24
    assert document.rows[24].target_text == before.units[23].variant("en").text  # type: ignore[union-attr]
    document.save()
    assert _target(path, 25) == "Recovered twenty-five." and _target(path, 26) == "Recovered twenty-six."
    assert _target(path, 0) == "Added upstream."


def test_units_without_tuid_are_found_by_their_source(tmp_path: Path) -> None:
    path = _plain_file(tmp_path / "job.tmx", ["الجملة الأولى.", "الجملة الثانية.", "الجملة الثالثة."])
    _crashed_session(path, {1: "The second sentence."})
    _prepend_unit(path, "جملة مضافة.", tuid=None)

    document = WorkFile(path)
    report = document.recover()
    assert report.changed == 1 and not report.unplaced
    assert [row.target_text for row in document.rows] == ["Added upstream.", "", "The second sentence.", ""]


def test_an_edit_whose_unit_is_gone_is_set_aside_never_put_elsewhere(work: Path) -> None:
    path = work / "article.tmx"
    memory = load_tmx(path)
    gone_tuid = memory.units[24].tuid
    _crashed_session(path, {24: "Edit of a deleted unit.", 26: "Edit of a kept unit."})
    del memory.units[24]  # deleted upstream
    write_tmx(path, memory)
    targets_before = [row.target_text for row in WorkFile(path).rows]

    document = WorkFile(path)
    report = document.recover()
    assert report.changed == 1
    assert report.unplaced is not None and [r.state.text for r in report.unplaced] == ["Edit of a deleted unit."]
    assert report.unplaced_file is not None and report.unplaced_file.exists()
    assert "Edit of a deleted unit." in report.unplaced_file.read_text(encoding="utf-8")
    assert "1 edit(s) whose segment is gone" in report.describe() and report.unplaced_file.name in report.describe()
    assert gone_tuid not in {row.unit.tuid for row in document.rows}
    changed = [i for i, row in enumerate(document.rows) if row.target_text != targets_before[i]]
    assert changed == [25] and document.rows[25].target_text == "Edit of a kept unit."


def test_conflict_with_the_file_on_disk_keeps_both_versions(work: Path) -> None:
    path = work / "article.tmx"
    _crashed_session(path, {24: "Ours."})
    journal = journal_path(path).read_bytes()
    memory = load_tmx(path)
    target = memory.units[24].variant("en")
    assert target is not None
    target.segment = Segment.from_text("Theirs.")
    memory.units.insert(0, TranslationUnit([_variant("ar", "وحدة."), _variant("en", "Unit.")], tuid="top"))
    write_tmx(path, memory)
    journal_path(path).write_bytes(journal)

    document = WorkFile(path)
    report = document.recover()
    assert report.conflicts == 1 and report.changed == 1
    # One row holds both versions; the file keeps both units, marked, until the translator settles it.
    (row,) = (document.rows[i] for i in document.conflicts())
    assert (row.conflict_text(ConflictState.OURS), row.conflict_text(ConflictState.THEIRS)) == ("Ours.", "Theirs.")
    marked = [
        (unit.variants[1].text, next(p.value for p in unit.props if p.type == CONFLICT_PROP))
        for unit in document.memory.units
        if any(p.type == CONFLICT_PROP for p in unit.props)
    ]
    assert marked == [("Ours.", "ours"), ("Theirs.", "theirs")]


def test_a_rejection_and_its_reason_are_recovered_after_a_crash(work: Path) -> None:
    path = work / "article.tmx"
    document = WorkFile(path)
    document.reject(24, reason="Names the wrong ministry")
    document.close_journal()  # no save: the crash

    recovered = WorkFile(path)
    assert recovered.recover().changed == 1
    assert recovered.rows[24].unit.rejected and recovered.state(24).reason == "Names the wrong ministry"
    recovered.save()
    assert rejection_reason(load_tmx(path).units[24]) == "Names the wrong ministry"


def test_an_old_journal_is_placed_by_row_only_in_the_file_it_was_made_on(work: Path) -> None:
    path = work / "article.tmx"
    old = [
        {"format": "tmkit-journal-1", "file": path.name, "base": fingerprint(path.read_bytes())},
        {"row": 24, "text": "From an old journal.", "status": "translated", "rejected": False},
    ]
    lines = "".join(json.dumps(value, ensure_ascii=False) + "\n" for value in old)
    journal_path(path).write_text(lines, encoding="utf-8")
    document = WorkFile(path)
    assert document.recover().changed == 1
    assert document.rows[24].target_text == "From an old journal."

    _prepend_unit(path, "وحدة جديدة.")
    journal_path(path).write_text(lines, encoding="utf-8")
    document = WorkFile(path)
    report = document.recover()
    assert report.changed == 0 and report.unplaced is not None and len(report.unplaced) == 1
    assert all(row.target_text != "From an old journal." for row in document.rows)


def _damaged_journal_cases(path: Path) -> dict[str, bytes]:
    """Journals as a crash (or a bad disk) leaves them: one good record, then a damaged line of each kind."""
    head = json.dumps({"format": "tmkit-journal-2", "file": path.name, "base": fingerprint(path.read_bytes())})
    document = WorkFile(path)
    identity = document.identity(24)
    good = {
        "row": 24,
        "tuid": identity.tuid,
        "source": identity.source,
        "nth": 0,
        "text": "Kept.",
        "status": "translated",
        "rejected": False,
    }
    arabic = {**good, "row": 3, "text": "نص عربي طويل", "tuid": document.identity(3).tuid}
    arabic["source"] = document.identity(3).source
    cut = json.dumps(arabic, ensure_ascii=False).encode("utf-8")
    cut = cut[: cut.index("عربي".encode()) + 1]  # inside the first letter of a word: invalid UTF-8 at the end
    whole = (head + "\n" + json.dumps(good, ensure_ascii=False) + "\n").encode("utf-8")
    return {
        "last line cut inside an Arabic letter": whole + cut,
        "invalid UTF-8 in the middle": whole
        + b'{"row": 5, "text": "\xff\xfe", "status": "draft"}\n'
        + whole[len(head) + 1 :],
        "unknown status": whole + json.dumps({**good, "row": 4, "status": "approved-ish"}).encode() + b"\n",
        "wrong types": whole + json.dumps({**good, "row": "4", "rejected": "no"}).encode() + b"\n",
        "a reason that is no text": whole
        + json.dumps({**good, "row": 4, "rejected": True, "reason": 5}).encode()
        + b"\n",
        "a line that is not JSON": whole + b"\x00\x00\x00 garbage\n",
        "a damaged header": b'{"format": "tmkit-journal-2", "base": \n' + whole[len(head) + 1 :],
    }


@pytest.mark.parametrize(
    "case",
    [
        "last line cut inside an Arabic letter",
        "invalid UTF-8 in the middle",
        "unknown status",
        "wrong types",
        "a line that is not JSON",
        "a damaged header",
    ],
)
def test_a_damaged_journal_keeps_its_good_records_and_is_set_aside(work: Path, case: str) -> None:
    path = work / "article.tmx"
    data = _damaged_journal_cases(path)[case]
    journal_path(path).write_bytes(data)

    document = WorkFile(path)
    pending = document.pending_journal()
    assert pending.damaged >= 1
    assert {record.state.text for record in pending.records} == {"Kept."}
    assert pending.set_aside is not None and pending.set_aside.read_bytes() == data  # the damaged bytes, kept
    assert pending.set_aside.name.startswith(f".{path.name}.tmkit-journal.damaged-")
    assert pending.notice is not None and "\n" not in pending.notice and "damaged" in pending.notice
    # The journal now holds the whole records only: read again, nothing is damaged and nothing is lost.
    again = parse_journal(journal_path(path).read_bytes())
    assert again.damaged == 0 and [r.state.text for r in again.records] == [r.state.text for r in pending.records]
    report = document.recover(pending)
    assert document.rows[24].target_text == "Kept." and report.changed == 1


def test_an_edit_whose_journal_write_hits_a_full_disk_stays_in_memory(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = work / "article.tmx"
    document = WorkFile(path)
    document.confirm(24, "First, journalled.")
    with monkeypatch.context() as patch:
        fill_the_disk(patch, work)
        change = document.confirm(25, "Second, on a full disk.")
        assert change is not None and document.rows[25].target_text == "Second, on a full disk."
        assert document.journal_error == "the disk is full" and document.unsafe_edits == 1
        document.confirm(26, "Third, still full.")  # the whole journal is tried again: still full
        assert document.unsafe_edits == 2 and document.rows[26].target_text == "Third, still full."
    # Space is freed: the next edit writes the whole journal again, the cut line of the failed append gone.
    document.confirm(27, "Fourth.")
    assert document.journal_error is None and document.unsafe_edits == 0
    assert parse_journal(journal_path(path).read_bytes()).damaged == 0
    recovered = WorkFile(path)
    assert recovered.recover().changed == 4
    assert [recovered.rows[row].target_text for row in (24, 25, 26, 27)] == [
        "First, journalled.",
        "Second, on a full disk.",
        "Third, still full.",
        "Fourth.",
    ]


def test_a_save_on_a_full_disk_keeps_everything_and_save_as_goes_on_elsewhere(
    work: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = work / "article.tmx"
    original = path.read_bytes()
    document = WorkFile(path)
    document.confirm(24, "Not lost.")
    with monkeypatch.context() as patch:
        fill_the_disk(patch, work)
        with pytest.raises((OSError, TmkitError)):
            document.save()
    assert path.read_bytes() == original and document.dirty
    assert [r.state.text for r in WorkFile(path).pending_journal().records] == ["Not lost."]  # still journalled
    assert document.rows[24].target_text == "Not lost."

    elsewhere = tmp_path_factory.mktemp("another-disk") / "article.tmx"
    document.save_as(elsewhere)
    assert document.path == elsewhere and not document.dirty
    assert _target(elsewhere, 24) == "Not lost."
    assert not journal_path(path).exists()  # its edits are in the new file
    document.confirm(25, "Journalled beside the new file.")
    assert journal_path(elsewhere).exists()
    document.save()
    assert _target(elsewhere, 25) == "Journalled beside the new file."
    assert path.read_bytes() == original


def test_save_as_never_overwrites_a_file(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    document.confirm(24, "Mine.")
    other = work / "news-memory.tmx"
    before = other.read_bytes()
    with pytest.raises(TmkitError, match="exists"):
        document.save_as(other)
    assert other.read_bytes() == before and document.path == work / "article.tmx"


def test_edits_journalled_later_reach_the_journal_in_order_at_the_next_flush(work: Path) -> None:
    # The editor commits each word typed without an fsync and journals them at the pause: until then the journal
    # holds none of them, then all, in the order typed, and a crash after the pause recovers the last.
    path = work / "article.tmx"
    document = WorkFile(path)
    for text in ("Syria", "Syria and", "Syria and Russia"):
        document.set_target(0, text, journal_now=False)
    journal = journal_path(path)
    assert not journal.exists() or "Syria" not in journal.read_text(encoding="utf-8")
    assert document.unsafe_edits == 3  # (in memory only, until the flush)
    document.flush_journal()
    records = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()[1:]]
    assert [record["text"] for record in records] == ["Syria", "Syria and", "Syria and Russia"]
    assert document.unsafe_edits == 0
    document.close_journal()
    recovered = WorkFile(path)
    assert recovered.recover().changed == 1
    assert recovered.rows[0].edit_text == "Syria and Russia"
