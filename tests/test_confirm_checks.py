"""QA when confirming: `tmkit qa`'s segment checks run on the segment confirmed; an error stops it until it is
confirmed a second time (config `qa_on_confirm`: error, warn, off); warnings are left for the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.config import QaOnConfirm
from tmkit.jobs.confirm_checks import blocking, check_segment
from tmkit.jobs.workfile import ConfirmBlocked, WorkFile
from tmkit.memory.model import Header, Memory, Segment, Status, TranslationUnit, Variant
from tmkit.quality.defaults import Severity
from tmkit.quality.qa import QaPair, check_pairs

SOURCE = "وُلد الكاتب عام 1944 في دمشق."


def _document(path: Path, policy: QaOnConfirm) -> tuple[WorkFile, int]:
    document = WorkFile(path, qa_on_confirm=policy)
    row = next(i for i, r in enumerate(document.rows) if "2021" in r.source_text and not r.unit.rejected)
    return document, row


def test_the_checks_of_qa_find_a_number_that_changed() -> None:
    findings = check_segment(SOURCE, "The writer was born in 1946 in Damascus.")
    assert [f.check for f in blocking(findings)] == ["number-mismatch"]
    assert "1944" in findings[0].message and findings[0].severity is Severity.ERROR
    assert check_segment(SOURCE, "The writer was born in 1944 in Damascus.") == []


def test_warnings_come_after_errors_with_their_severity() -> None:
    # qa finds the end punctuation (a warning) before the tags (an error): the error is shown first.
    findings = check_segment("افتح <b>الملف</b>.", "Open the file?")
    assert [(f.check, f.severity) for f in findings] == [
        ("tag-missing", Severity.ERROR),
        ("end-punctuation", Severity.WARNING),
    ]


def test_an_error_stops_the_confirmation_until_it_is_confirmed_again(work: Path) -> None:
    document, row = _document(work / "article.tmx", QaOnConfirm.ERROR)
    status_before = document.rows[row].unit.status
    wrong = document.rows[row].target_text.replace("2021", "2012")
    with pytest.raises(ConfirmBlocked) as raised:
        document.confirm(row, wrong)
    assert "2021" in str(raised.value) and "confirm again" in str(raised.value)
    assert [f.check for f in raised.value.findings] == ["number-mismatch"]
    # Nothing changed, nothing journalled.
    assert document.rows[row].unit.status is status_before and not document.dirty and not document.undo_stack
    assert not document.journal_file.exists()
    # The second confirm of the same text is the translator's decision.
    change = document.confirm(row, wrong)
    assert change is not None and document.rows[row].target_text == wrong
    assert document.rows[row].unit.status in (Status.TRANSLATED, Status.REVIEWED, Status.FINAL)


def test_another_text_is_checked_afresh(work: Path) -> None:
    document, row = _document(work / "article.tmx", QaOnConfirm.ERROR)
    text = document.rows[row].target_text
    with pytest.raises(ConfirmBlocked):
        document.confirm(row, text.replace("2021", "2012"))
    with pytest.raises(ConfirmBlocked):
        document.confirm(row, text.replace("2021", "2013"))
    assert document.confirm(row, text.replace("2021", "2013")) is not None


def test_approving_is_checked_too(work: Path) -> None:
    document, row = _document(work / "article.tmx", QaOnConfirm.ERROR)
    with pytest.raises(ConfirmBlocked):
        document.approve(row, document.rows[row].target_text.replace("2021", "2012"))


def test_warn_confirms_and_leaves_the_findings(work: Path) -> None:
    document, row = _document(work / "article.tmx", QaOnConfirm.WARN)
    wrong = document.rows[row].target_text.replace("2021", "2012")
    assert document.confirm(row, wrong) is not None
    assert [f.check for f in document.qa_findings] == ["number-mismatch"]


def test_off_runs_no_check(work: Path) -> None:
    document, row = _document(work / "article.tmx", QaOnConfirm.OFF)
    assert document.confirm(row, document.rows[row].target_text.replace("2021", "2012")) is not None
    assert document.qa_findings == []


def test_tags_are_compared_by_their_codes(work: Path) -> None:
    document = WorkFile(work / "article.tmx", qa_on_confirm=QaOnConfirm.ERROR)
    row = next(i for i, r in enumerate(document.rows) if "{1}" in r.edit_text)
    without_codes = document.rows[row].edit_text.replace("{1}", "").replace("{/1}", "")
    assert "tag-missing" in [f.check for f in document.check(row, without_codes)]
    assert "tag-missing" not in [f.check for f in document.check(row)]


def _repeated_sources(path: Path) -> Path:
    """A job whose sources repeat: one translated already, the others to confirm; one a draft otherwise worded."""
    pairs = [
        ("نعم.", "Yes.", Status.TRANSLATED),
        ("نعم.", "", Status.NEW),
        ("أجل.", "", Status.NEW),
        ("وقعت الوزارة الاتفاق.", "The ministry signed the agreement.", Status.TRANSLATED),
        ("ووقعت الوزارة الاتفاق.", "", Status.NEW),
        ("شكرا.", "Thanks a lot.", Status.DRAFT),
        ("شكرا.", "", Status.NEW),
    ]
    units = [
        TranslationUnit(
            [Variant("ar", Segment.from_text(source)), *([Variant("en", Segment.from_text(target))] if target else [])],
            tuid=str(number),
            status=status,
        )
        for number, (source, target, status) in enumerate(pairs, start=1)
    ]
    write_tmx(path, Memory(Header(srclang="ar"), units))
    return path


def test_confirming_a_repeated_source_otherwise_is_a_consistency_warning_as_qa_finds_it(tmp_path: Path) -> None:
    """The editor ran only the per-segment checks: a translator confirming a sentence translated otherwise earlier in
    the job (or another sentence translated the same) heard nothing, where `tmkit qa` warns. Now F2 says it, naming
    the segment; a sentence-initial "و" is no difference, and a draft is not compared."""
    path = _repeated_sources(tmp_path / "job.tmx")
    document = WorkFile(path, qa_on_confirm=QaOnConfirm.WARN)
    document.confirm(1, "Yes, indeed.")
    assert [(f.check, f.severity) for f in document.qa_findings] == [("inconsistent-target", Severity.WARNING)]
    assert document.qa_findings[0].message == (
        "same source as segment 1, translated differently: 'Yes, indeed.' here, 'Yes.' there"
    )
    document.confirm(2, "Yes.")
    assert [f.message for f in document.qa_findings] == [
        "same translation as segment 1 for another source: 'أجل.' here, 'نعم.' there"
    ]
    document.confirm(4, "The ministry signed the agreement.")
    assert document.qa_findings == []
    document.confirm(6, "Many thanks.")  # row 5's "Thanks a lot." is a draft
    assert document.qa_findings == []
    document.save()

    # What `tmkit qa` finds over the file saved: the same two segments, by the same checks.
    memory = load_tmx(path)
    pairs = [
        QaPair(unit.tuid or "", unit.variant("ar").text, unit.variant("en").text)  # type: ignore[union-attr]
        for unit in memory.units
        if unit.status.rank >= Status.TRANSLATED.rank
    ]
    found = {(f.id, f.check) for f in check_pairs(pairs).findings if f.check.startswith("inconsistent")}
    assert found == {("2", "inconsistent-target"), ("3", "inconsistent-source")}


def test_each_confirmed_segments_keys_are_computed_once_for_its_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every F2 compares the segment with all confirmed ones: their normalized texts are kept, not made again."""
    from tmkit.jobs import workfile

    made: list[str] = []
    real = workfile.consistency_keys

    def counted(source: str, target: str | None, source_lang: str, target_lang: str) -> tuple[str, str] | None:
        made.append(source)
        return real(source, target, source_lang, target_lang)

    monkeypatch.setattr(workfile, "consistency_keys", counted)
    document = WorkFile(_repeated_sources(tmp_path / "job.tmx"), qa_on_confirm=QaOnConfirm.WARN)
    document.confirm(1, "Yes, indeed.")
    assert sorted(made) == sorted(["نعم.", "وقعت الوزارة الاتفاق."])  # the two confirmed before
    made.clear()
    document.confirm(2, "Yes.")
    assert made == ["نعم."]  # only row 1, confirmed since


def test_the_whole_jobs_consistency_findings_are_those_tmkit_qa_reports(tmp_path: Path) -> None:
    """`consistency_findings` (the editor's review of a reopened job) finds what `tmkit qa` finds over the confirmed
    segments, no more: each pair was counted on both of its segments (QA 6 where tmkit qa reported 3)."""
    document = WorkFile(_repeated_sources(tmp_path / "job.tmx"), qa_on_confirm=QaOnConfirm.WARN)
    document.confirm(1, "Yes, indeed.")
    document.confirm(2, "Yes.")
    document.confirm(4, "The ministry signed an agreement.")  # its source has a "و" the other lacks: no group
    document.confirm(6, "Many thanks.")
    by_row = document.consistency_findings()
    confirmed = [r for r in document.rows if r.confirmed]
    pairs = [QaPair(str(document.rows.index(r)), r.source_text, r.target_text) for r in confirmed]
    reported = {(int(f.id), f.check) for f in check_pairs(pairs).findings if f.check.startswith("inconsistent")}
    assert {(row, f.check) for row, findings in by_row.items() for f in findings} == reported
    assert sum(map(len, by_row.values())) == len(reported) == 2
    assert [(f.check, f.other) for f in by_row[1]] == [("inconsistent-target", 0)]
    assert [(f.check, f.other) for f in by_row[2]] == [("inconsistent-source", 0)]
