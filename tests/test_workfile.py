"""The working file's segment filters and progress counts: what the editor's list and status bar show."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.helpers import SAMPLES
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.reference import align_reference
from tmkit.jobs.workfile import FIXED_REJECTION_NOTE, REJECTION_NOTE, RowFilter, WorkFile
from tmkit.memory.model import (
    MATCH_PROP,
    ORIGIN_PROP,
    PRETRANSLATION_PROP,
    REJECTION_REASON_PROP,
    Prop,
    Status,
    pretranslation,
    rejection_reason,
)


def test_each_filter_keeps_its_rows_and_all_keeps_every_row(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    document.apply(3, rejected=True)
    statuses = [row.status for row in document.rows]
    assert document.filtered() == document.filtered(RowFilter.ALL) == list(range(len(document)))
    assert document.filtered(RowFilter.REJECTED) == [3]
    for status in Status:
        assert document.filtered(RowFilter(status.value)) == [i for i, s in enumerate(statuses) if s is status]
    # Every row is under exactly one status filter.
    assert sorted(i for s in Status for i in document.filtered(RowFilter(s.value))) == list(range(len(document)))


def test_a_filter_and_a_search_both_apply(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    status = document.rows[0].status
    word = document.rows[0].source_text.split()[0]
    both = document.filtered(RowFilter(status.value), word)
    assert 0 in both
    assert set(both) == set(document.filtered(RowFilter(status.value))) & set(document.filtered(query=word))


def test_progress_counts_segments_and_words_per_status_and_rejected(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    document.apply(0, rejected=True)
    progress = document.progress()
    assert list(progress) == [*(RowFilter(s.value) for s in Status), RowFilter.REJECTED]  # workflow order
    by_status = Counter(row.status for row in document.rows)
    assert {key: segments for key, (segments, _) in progress.items()} == {
        **{RowFilter(s.value): by_status[s] for s in Status},
        RowFilter.REJECTED: 1,
    }
    assert progress[RowFilter.REJECTED][1] == document.rows[0].source_words
    assert sum(words for key, (_, words) in progress.items() if key is not RowFilter.REJECTED) == sum(
        row.source_words for row in document.rows
    )


_REGIONS_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en"
 srclang="en-US" datatype="plaintext"/><body>
<tu tuid="1"><tuv xml:lang="en-US"><seg>The color of the sky.</seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="en-US"><seg>A favor.</seg></tuv><tuv xml:lang="en-GB"><seg>A favour.</seg></tuv></tu>
</body></tmx>
"""


def test_a_unit_without_the_target_region_has_no_target_and_its_source_survives_an_edit(tmp_path: Path) -> None:
    """en-US -> en-GB: the region fallback took the en-US variant as the target, so a translation typed
    for unit 1 overwrote its source text."""
    path = tmp_path / "regions.tmx"
    path.write_text(_REGIONS_TMX, encoding="utf-8")
    document = WorkFile(path, source_lang="en-US", target_lang="en-GB")
    assert document.rows[0].target is None and document.rows[0].target_text == ""
    assert document.rows[1].target is not None and document.rows[1].target_text == "A favour."
    document.confirm(0, "The colour of the sky.")
    document.save()
    saved = {v.lang: v.text for v in load_tmx(path).units[0].variants}
    assert saved == {"en-US": "The color of the sky.", "en-GB": "The colour of the sky."}


def test_a_reference_unit_without_the_target_region_gives_no_reference(tmp_path: Path) -> None:
    """A reference holding only en-US for en-US -> en-GB: the region fallback made its source the reference."""
    path = tmp_path / "regions.tmx"
    path.write_text(_REGIONS_TMX, encoding="utf-8")
    document = WorkFile(path, source_lang="en-US", target_lang="en-GB")
    references = align_reference(document.rows, load_tmx(path), source_lang="en-US", target_lang="en-GB")
    assert [text or None for text in references] == [None, "A favour."]  # "" and None: no reference


def test_a_version_on_disk_that_cannot_be_read_leaves_the_document_as_it_was(work: Path) -> None:
    """Reload read the file into the open document: a file left with nothing to translate (or malformed) raised half
    way, with the journal discarded and the rows gone."""
    import pytest

    from tmkit.errors import InputError

    path = work / "article.tmx"
    document = WorkFile(path)
    rows, first = len(document.rows), document.rows[0].target_text
    document.set_target(1, "An edit kept in the journal.")
    assert document.journal_file.exists()
    path.write_text(path.read_text(encoding="utf-8").split("<body>")[0] + "<body></body></tmx>\n", encoding="utf-8")
    with pytest.raises(InputError, match="no units: nothing to translate"):
        document.reload()
    assert len(document.rows) == rows and document.rows[0].target_text == first
    assert document.rows[1].target_text == "An edit kept in the journal." and document.dirty
    assert document.journal_file.exists()  # the unsaved edit is still safe


def test_edits_undone_or_typed_back_leave_nothing_unsaved_and_no_journal(tmp_path: Path) -> None:
    """A translator who undid every edit, or typed a segment back to its saved text, was still told "unsaved" and
    asked to save an unchanged file, and offered its journal back after a crash: the document is as saved again,
    status and who-and-when included, and nothing is left to recover."""
    path = tmp_path / "job.tmx"
    path.write_bytes((SAMPLES / "article.tmx").read_bytes())
    document = WorkFile(path)
    row = next(n for n, r in enumerate(document.rows) if r.unit.status is Status.FINAL)
    saved_text, saved_bytes = document.rows[row].edit_text, path.read_bytes()
    document.set_target(row, saved_text + " more")
    document.set_target(row, saved_text + " more words")
    assert document.dirty and document.journal_file.exists()
    document.set_target(row, saved_text)  # typed back: a new edit, not an undo
    assert not document.dirty and not document.journal_file.exists()
    assert document.rows[row].unit.status is Status.FINAL
    document.save()
    assert path.read_bytes() == saved_bytes  # who and when as saved: the file did not change
    document.confirm(row + 1 if row + 1 < len(document.rows) else row - 1, "a confirmed translation")
    assert document.dirty
    document.undo()
    assert not document.dirty and not document.journal_file.exists()
    document.redo()
    assert document.dirty and document.journal_file.exists()


def test_undone_below_the_save_is_unsaved_and_a_new_edit_there_stays_so(tmp_path: Path) -> None:
    path = tmp_path / "job.tmx"
    path.write_bytes((SAMPLES / "article.tmx").read_bytes())
    document = WorkFile(path)
    document.set_target(0, "first")
    document.save()
    document.undo()  # before the save: the file holds "first", the document not
    assert document.dirty
    document.redo()
    assert not document.dirty
    document.undo()
    document.set_target(1, "another")  # the redo step back to the save is gone
    document.undo()
    assert document.dirty  # the saved "first" is no longer reachable by undo, and still differs


def test_an_earlier_sessions_journal_is_kept_though_this_sessions_edits_are_undone(tmp_path: Path) -> None:
    path = tmp_path / "job.tmx"
    path.write_bytes((SAMPLES / "article.tmx").read_bytes())
    crashed = WorkFile(path)
    crashed.set_target(0, "typed before a crash")
    earlier = crashed.journal_file.read_bytes()
    crashed.close_journal()
    document = WorkFile(path)  # the translator has not answered the recovery question yet
    document.set_target(1, "this session")
    document.undo()
    assert not document.dirty
    assert document.journal_file.read_bytes().startswith(earlier)  # the crash's edit is still there to recover


def test_a_rejections_reason_goes_with_it_through_undo_save_and_confirm(work: Path) -> None:
    """Why a reviewer rejected a segment: shown first among its notes, undone and redone with the rejection, saved as
    the unit's prop, changed by a second rejection, kept once the translator confirms the segment (for the reviewer's
    next pass: it was lost at F2), settled by the reviewer's approval."""
    document = WorkFile(work / "article.tmx")
    document.reject(3, reason="  Names the wrong\nministry ")
    assert document.state(3).reason == "Names the wrong ministry"  # one line, as the dialog takes it
    assert document.rows[3].notes[0] == REJECTION_NOTE.format(reason="Names the wrong ministry")
    document.undo()
    assert not document.rows[3].unit.rejected and document.state(3).reason == ""
    assert document.rows[3].unit.prop_value(REJECTION_REASON_PROP) is None
    document.redo()
    assert document.state(3).reason == "Names the wrong ministry"
    document.reject(3, reason="Wrong date")
    document.save()
    saved = load_tmx(work / "article.tmx").units[3]
    assert saved.rejected and rejection_reason(saved) == "Wrong date"
    assert [p.value for p in saved.props if p.type == REJECTION_REASON_PROP] == ["Wrong date"]

    reopened = WorkFile(work / "article.tmx")
    assert reopened.rows[3].notes[0] == "rejected: Wrong date"
    reopened.set_target(3, "A new translation.")  # edited: still rejected, the reason still there to read
    assert reopened.state(3).reason == "Wrong date"
    reopened.confirm(3)
    assert not reopened.rows[3].unit.rejected and reopened.state(3).reason == "Wrong date"
    assert reopened.rows[3].notes[0] == FIXED_REJECTION_NOTE.format(reason="Wrong date")
    reopened.save()
    assert rejection_reason(load_tmx(work / "article.tmx").units[3]) == "Wrong date"
    reopened.approve(3)
    assert reopened.state(3).reason == "" and all("rejected" not in note for note in reopened.rows[3].notes)
    reopened.save()
    assert load_tmx(work / "article.tmx").units[3].prop_value(REJECTION_REASON_PROP) is None


def test_a_rejection_without_a_reason_leaves_no_note(work: Path) -> None:
    document = WorkFile(work / "article.tmx")
    notes = list(document.rows[3].notes)
    document.reject(3)
    assert document.rows[3].unit.rejected and document.rows[3].notes == notes
    assert document.rows[3].unit.prop_value(REJECTION_REASON_PROP) is None


def test_a_pre_translation_is_kept_when_its_target_is_changed(tmp_path: Path) -> None:
    """The match % and origin describe the draft and go with it; the text the segment was pre-translated with stays,
    for the reviewer's changes view (Alt+V) and the edit effort in a later session."""
    memory = load_tmx(SAMPLES / "article.tmx")
    unit = memory.units[13]
    before = unit.variant("en").text  # type: ignore[union-attr]
    unit.status = Status.DRAFT
    unit.props += [Prop(MATCH_PROP, "77"), Prop(ORIGIN_PROP, "news.tmx#m1"), Prop(PRETRANSLATION_PROP, before)]
    write_tmx(tmp_path / "job.tmx", memory)
    document = WorkFile(tmp_path / "job.tmx")
    document.confirm(13, before + " Among others.")
    document.save()
    saved = load_tmx(tmp_path / "job.tmx").units[13]
    assert saved.prop_value(MATCH_PROP) is None and saved.prop_value(ORIGIN_PROP) is None
    assert pretranslation(saved) == before
