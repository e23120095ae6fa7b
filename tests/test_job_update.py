"""A working file carried over to a new version of its document (`tmkit pretranslate --update`): nothing confirmed lost."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import SAMPLES, run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.journal import journal_path
from tmkit.jobs.project import open_project
from tmkit.jobs.source_text import read_source_document
from tmkit.jobs.update import carried_over
from tmkit.jobs.workfile import WorkFile, prepare_job
from tmkit.memory.model import MATCH_PROP, ORIGIN_PROP, Status

#: The client's second version of the sample article: a heading line added before the title, the date of the first
#: paragraph's first sentence changed by a word, and the second paragraph's last sentence taken out.
ADDED = "عاجل: نائب رئيس الوزراء الروسي في دمشق"
EDITED = ("اليوم الثلاثاء 22 حزيران 2021", "يوم الثلاثاء 22 حزيران 2021")


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    assert run_cli("init", root, "--src", "ar", "--tgt", "en").code == 0
    shutil.copy(SAMPLES / "article.ar.txt", root / "source")
    shutil.copy(SAMPLES / "news-memory.tmx", root / "tm")
    return root


def _segments(path: Path) -> list[str]:
    return [s.plain for s in read_source_document(path).segments(lang="ar")]


def _second_version(document: Path) -> str:
    """The document rewritten as the client's second version; the sentence taken out is returned."""
    text = document.read_text(encoding="utf-8")
    assert EDITED[0] in text
    paragraphs = text.split("\n\n")
    second = _segments(document)  # (the sentence taken out: the last of the paragraph after the first two)
    removed = next(s for s in second if s in paragraphs[2] and paragraphs[2].rstrip().endswith(s))
    paragraphs[2] = paragraphs[2].rstrip()[: -len(removed)].rstrip()
    document.write_text(ADDED + "\n\n" + "\n\n".join(paragraphs).replace(EDITED[0], EDITED[1]), encoding="utf-8")
    return removed


def test_update_keeps_every_unchanged_translation_and_offers_the_old_one_for_the_edited_sentence(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    assert run_cli("pretranslate", root).code == 0
    file = open_project(root).files()[0]
    first = _segments(file.source)
    work = WorkFile(file.work, source_lang="ar", target_lang="en")
    mine = {row: f"Translation {row + 1}, confirmed." for row in range(6)}
    for row, english in mine.items():
        work.confirm(row, english)
    work.approve(2)
    work.save()
    before = file.work.read_bytes()
    removed = _second_version(file.source)
    second = _segments(file.source)
    assert second[0] == ADDED and removed not in second
    assert len(set(first)) == len(first)  # (no sentence repeated: each unit is found by its source below)
    translated_before = [
        unit.pair("ar", "en")[0].segment.plain  # type: ignore[union-attr]
        for unit in load_tmx(file.work).units
        if any(variant.segment.plain for variant in unit.pair("ar", "en")[1])
    ]

    told = run_cli("pretranslate", root)  # without --update: said, and nothing changed
    assert told.code == 0, told.stderr
    assert "article.ar.txt: started, and the document changed since (segment 1 on)" in told.stdout
    assert "--update" in told.stdout and file.work.read_bytes() == before
    refused = run_cli("finish", root)
    assert refused.code != 0 and "--update" in refused.stderr

    done = run_cli("pretranslate", root, "--update")
    assert done.code == 0, done.stderr
    backups = sorted(file.work.parent.glob("article.ar.before-*.tmx"))
    assert len(backups) == 1 and backups[0].read_bytes() == before  # the previous version, byte for byte
    assert f"the previous version is {backups[0]}" in done.stdout
    updated = load_tmx(file.work)
    sources = [unit.pair("ar", "en")[0].segment.plain for unit in updated.units]  # type: ignore[union-attr]
    assert sources == second  # the document as it is now, in order
    by_source = {unit.pair("ar", "en")[0].segment.plain: unit for unit in updated.units}  # type: ignore[union-attr]
    edited = next(row for row, text in enumerate(first) if EDITED[0] in text)
    for row, english in mine.items():
        if first[row] == removed:
            continue
        unit = by_source.get(first[row])
        if unit is None:  # the edited sentence: its old translation offered as a fuzzy match, a draft
            assert row == edited
            unit = by_source[first[row].replace(EDITED[0], EDITED[1])]
            assert unit.status is Status.DRAFT
            assert unit.variant("en").segment.plain == english  # type: ignore[union-attr]
            props = {prop.type: prop.value for prop in unit.props}
            assert props[ORIGIN_PROP] == f"{backups[0].name}#{row + 1}" and 90 <= float(props[MATCH_PROP]) < 100
            continue
        assert unit.variant("en").segment.plain == english  # type: ignore[union-attr]
        assert unit.status is (Status.REVIEWED if row == 2 else Status.TRANSLATED)
    # Every translation of a sentence still there is kept, the pre-translated drafts too.
    assert f"{sum(1 for text in translated_before if text in second)} translations kept" in done.stdout
    assert updated.units[0].status is Status.NEW  # the added heading: the memories do not hold it

    finished = run_cli("finish", root)
    assert finished.code == 0, finished.stderr
    translated = file.target.read_text(encoding="utf-8")
    assert all(english in translated for row, english in mine.items() if first[row] != removed)
    again = run_cli("pretranslate", root, "--update")  # made from this version now: left alone, no second backup
    assert again.code == 0 and "left as it is" in again.stdout
    assert len(list(file.work.parent.glob("article.ar.before-*.tmx"))) == 1


def test_a_file_with_edits_not_saved_yet_is_not_updated(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert run_cli("pretranslate", root).code == 0
    file = open_project(root).files()[0]
    work = WorkFile(file.work, source_lang="ar", target_lang="en")
    work.set_target(0, "Typed, not saved yet.")  # journalled, as the editor does before a save
    assert journal_path(file.work).exists()
    before = file.work.read_bytes()
    _second_version(file.source)
    result = run_cli("pretranslate", root, "--update")
    assert result.code != 0
    line = next(line for line in result.stderr.splitlines() if "not saved" in line)
    assert str(file.work) in line and "tmkit edit" in line and "Traceback" not in result.stderr
    assert file.work.read_bytes() == before and not list(file.work.parent.glob("*.before-*"))
    # Recovered and saved in the editor, it is updated, the typing with it.
    recovered = WorkFile(file.work, source_lang="ar", target_lang="en")
    recovered.recover()
    recovered.save()
    assert not journal_path(file.work).exists()
    assert run_cli("pretranslate", root, "--update").code == 0
    assert any(
        unit.variant("en") is not None and unit.variant("en").segment.plain == "Typed, not saved yet."  # type: ignore[union-attr]
        for unit in load_tmx(file.work).units
    )


def test_a_kept_translation_whose_formatting_changed_is_a_draft_again(tmp_path: Path) -> None:
    document = tmp_path / "visit.html"
    document.write_text("<p>زار الوفد <b>دمشق</b> أمس.</p><p>وعاد الوفد إلى بلاده.</p>\n", encoding="utf-8")
    job = tmp_path / "visit.html.tmx"
    assert run_cli("pretranslate", document, "-o", job, "--tm", SAMPLES / "news-memory.tmx").code == 0
    work = WorkFile(job, source_lang="ar", target_lang="en")
    work.confirm(0, "The delegation visited {1}Damascus{/1} yesterday.")
    work.confirm(1, "The delegation went home.")
    work.save()
    # A second version: the first sentence's text as it was, with italics added; the second sentence longer.
    document.write_text(
        "<p>زار <i>الوفد</i> <b>دمشق</b> أمس.</p><p>وعاد الوفد إلى بلاده سالما.</p>\n", encoding="utf-8"
    )
    result = run_cli("pretranslate", document, "-o", job, "--update")
    assert result.code == 0, result.stderr
    assert "1 translation kept" in result.stderr and "1 kept translation made draft" in result.stderr
    first = load_tmx(job).units[0]
    assert first.status is Status.DRAFT and len(first.variant("ar").segment.codes()) == 4  # type: ignore[union-attr]
    assert first.variant("en").segment.plain == "The delegation visited Damascus yesterday."  # type: ignore[union-attr]


def test_an_existing_working_file_of_another_version_is_said_so_on_opening(tmp_path: Path) -> None:
    document = tmp_path / "article.ar.txt"
    shutil.copy(SAMPLES / "article.ar.txt", document)
    made = prepare_job(document, [SAMPLES / "news-memory.tmx"], source_lang="ar", target_lang="en")
    assert made.created
    assert "delete it to start again" in prepare_job(document, [], source_lang="ar").describe(document)
    _second_version(document)
    opened = prepare_job(document, [], source_lang="ar")
    assert not opened.created and opened.changed_from == 1
    assert "made from another version of article.ar.txt" in opened.describe(document)
    assert "--update" in opened.describe(document) and "delete it" not in opened.describe(document)


def _longest_common(old: list[str], new: list[str]) -> int:
    """The length of a longest common subsequence of the texts (white space aside), by the textbook table."""
    a, b = [" ".join(t.split()) for t in old], [" ".join(t.split()) for t in new]
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a)):
        for j in range(len(b)):
            table[i + 1][j + 1] = table[i][j] + 1 if a[i] == b[j] else max(table[i][j + 1], table[i + 1][j])
    return table[len(a)][len(b)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a.", "b.", "c.", "d.", "a. ", " b."]), max_size=12),
    st.lists(st.sampled_from(["a.", "b.", "c.", "e.", "b. "]), max_size=12),
)
def test_each_segment_keeps_a_unit_of_its_own_text_in_the_order_of_both(old: list[str], new: list[str]) -> None:
    kept = carried_over(old, new)
    assert len(kept) == _longest_common(old, new)  # as many kept as can be
    pairs = sorted(kept.items())
    assert all(" ".join(new[n].split()) == " ".join(old[o].split()) for n, o in pairs)
    assert [o for _n, o in pairs] == sorted(o for _n, o in pairs) and len(set(kept.values())) == len(kept)
    # Nothing changed: every segment keeps its own unit; one segment added anywhere: every other keeps its own.
    assert carried_over(old, old) == {n: n for n in range(len(old))}
    for at in range(len(old) + 1):
        added = carried_over(old, [*old[:at], "new.", *old[at:]])
        assert added == {(n if n < at else n + 1): n for n in range(len(old))}


def test_an_update_that_fails_leaves_the_working_file_as_it_was_and_no_copy(tmp_path: Path) -> None:
    document = tmp_path / "article.ar.txt"
    shutil.copy(SAMPLES / "article.ar.txt", document)
    job = tmp_path / "job.tmx"
    assert run_cli("pretranslate", document, "-o", job, "--tm", SAMPLES / "news-memory.tmx").code == 0
    before = job.read_bytes()
    _second_version(document)
    result = run_cli("pretranslate", document, "-o", job, "--update", "--tm", tmp_path / "missing.tmx")
    assert result.code != 0 and "missing.tmx" in result.stderr and "Traceback" not in result.stderr
    assert job.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["article.ar.txt", "job.tmx"]
    # Refused too: an output that is not a working TMX.
    not_tmx = run_cli("pretranslate", document, "-o", tmp_path / "job.xlf", "--update")
    assert not_tmx.code != 0 and "name an existing .tmx with -o" in not_tmx.stderr
