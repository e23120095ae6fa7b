"""A working file carried over to a new version of its document (`tmkit pretranslate --update`): nothing confirmed lost."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import SAMPLES, run_async, run_cli, settle
from tests.terminal import Terminal, tmux_available
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.journal import journal_path
from tmkit.jobs.project import open_project
from tmkit.jobs.source_text import read_source_document
from tmkit.jobs.update import carried_over
from tmkit.jobs.workfile import WorkFile, prepare_job
from tmkit.memory.model import MATCH_PROP, ORIGIN_PROP, Header, Memory, Segment, Status, TranslationUnit, Variant

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
    confirmed_before = [
        unit.pair("ar", "en")[0].segment.plain  # type: ignore[union-attr]
        for unit in load_tmx(file.work).units
        if unit.status in (Status.TRANSLATED, Status.REVIEWED, Status.FINAL)
    ]

    told = run_cli("pretranslate", root)  # without --update: said, and nothing changed
    assert told.code == 0, told.stderr
    assert "article.ar.txt: started, and the document changed since (segment 1 on)" in told.stdout
    assert f"tmkit pretranslate {root} --update" in told.stdout and file.work.read_bytes() == before
    refused = run_cli("finish", root)
    assert refused.code != 0 and "--update" in refused.stderr
    listed = run_cli("stats", root)
    assert "article.ar.txt (changed since it was started)" in listed.stdout
    assert f"tmkit pretranslate {root} --update carries their translations over" in listed.stderr

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
    # Every confirmed translation of a sentence still there is kept (an untouched draft is pre-translated again).
    assert f"{sum(1 for text in confirmed_before if text in second)} translations kept" in done.stdout
    assert updated.units[0].status is Status.NEW  # the added heading: the memories do not hold it

    finished = run_cli("finish", root)
    assert finished.code == 0, finished.stderr
    stats = run_cli("stats", root, "--json")
    assert '"changed_from": null' in stats.stdout and "changed since" not in stats.stderr
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
    job = _confirmed_job(
        document,
        "<p>زار الوفد <b>دمشق</b> أمس.</p><p>وعاد الوفد إلى بلاده.</p>\n",
        {0: "The delegation visited {1}Damascus{/1} yesterday.", 1: "The delegation went home."},
    )
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
def test_each_segment_keeps_a_unit_of_its_own_text_the_most_of_them_in_order(old: list[str], new: list[str]) -> None:
    kept, moved = carried_over(old, new)
    same = [" ".join(t.split()) for t in old], [" ".join(t.split()) for t in new]
    assert all(same[1][n] == same[0][o] for n, o in kept.items()) and len(set(kept.values())) == len(kept)
    # As many as the two share (moved ones too), and of those the most that can be in order: a longest common
    # subsequence, as the textbook table counts it.
    assert len(kept) == sum((Counter(same[0]) & Counter(same[1])).values())
    in_order = [o for n, o in sorted(kept.items()) if n not in moved]
    assert in_order == sorted(in_order) and len(in_order) == _longest_common(old, new)
    # Nothing changed: every segment keeps its own unit; one segment added anywhere: every other keeps its own.
    assert carried_over(old, old) == ({n: n for n in range(len(old))}, set())
    for at in range(len(old) + 1):
        added = carried_over(old, [*old[:at], "new.", *old[at:]])
        assert added == ({(n if n < at else n + 1): n for n in range(len(old))}, set())


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
    # Refused too: an output that is not a working TMX, and a target language the file holds no translation in.
    not_tmx = run_cli("pretranslate", document, "-o", tmp_path / "job.xlf", "--update")
    assert not_tmx.code != 0 and "name an existing .tmx with -o" in not_tmx.stderr
    titled = WorkFile(job, source_lang="ar", target_lang="en")
    titled.confirm(0, "The title.")
    titled.save()
    before = job.read_bytes()
    wrong = run_cli("pretranslate", document, "-o", job, "--update", "--to", "fr")
    assert wrong.code != 0 and "holds no fr translation (it holds en)" in wrong.stderr
    assert job.read_bytes() == before and not list(tmp_path.glob("*.before-*"))


def _job(tmp_path: Path, sentences: list[str], translations: dict[int, str]) -> tuple[Path, Path]:
    """A text document of ``sentences`` (one paragraph each) and its working file with ``translations`` confirmed."""
    document = tmp_path / "doc.ar.txt"
    return document, _confirmed_job(document, "\n\n".join(sentences) + "\n", translations)


def _confirmed_job(document: Path, text: str, translations: dict[int, str], *, lang: str = "ar") -> Path:
    """``document`` written with ``text``, pre-translated into its working file (`NAME.tmx` beside it, or the text
    document's own), and ``translations`` (row → text with placeholders) confirmed in it as the editor does."""
    document.write_text(text, encoding="utf-8")
    job = document.with_suffix(".tmx") if document.suffix == ".txt" else document.with_name(document.name + ".tmx")
    made = run_cli("pretranslate", document, "-o", job, "--tm", SAMPLES / "news-memory.tmx", "--lang", lang)
    assert made.code == 0, made.stderr
    work = WorkFile(job, source_lang=lang, target_lang="en" if lang == "ar" else "ar")
    for row, translation in translations.items():
        work.confirm(row, translation)
    work.save()
    return job


SENTENCES = ["جملة أولى في الوثيقة.", "جملة ثانية في الوثيقة.", "جملة ثالثة في الوثيقة.", "جملة رابعة في الوثيقة."]


def test_a_moved_sentence_keeps_its_unit_and_every_kept_unit_its_tuid(tmp_path: Path) -> None:
    document, job = _job(tmp_path, SENTENCES, {0: "First.", 1: "Second.", 2: "Third.", 3: "Fourth."})
    work = WorkFile(job, source_lang="ar", target_lang="en")
    work.approve(3)
    work.save()
    tuids = {unit.variant("ar").segment.plain: unit.tuid for unit in load_tmx(job).units}  # type: ignore[union-attr]
    # The fourth sentence moved to the top, a new one after the first, white space changed in the third.
    moved = [SENTENCES[3], SENTENCES[0], "جملة جديدة تماما.", SENTENCES[1], SENTENCES[2].replace(" ", "  ", 1)]
    document.write_text("\n\n".join(moved) + "\n", encoding="utf-8")
    result = run_cli("pretranslate", document, "-o", job, "--update")
    assert result.code == 0, result.stderr
    assert "4 translations kept (1 moved)" in result.stderr and "0 segments of the previous version dropped" in (
        result.stderr
    )
    units = load_tmx(job).units
    assert [u.variant("en").segment.plain if u.variant("en") else None for u in units] == [  # type: ignore[union-attr]
        "Fourth.",
        "First.",
        None,
        "Second.",
        "Third.",
    ]
    assert units[0].status is Status.REVIEWED and units[4].status is Status.TRANSLATED  # (white space is no change)
    assert [units[n].tuid for n in (0, 1, 3, 4)] == [tuids[SENTENCES[n]] for n in (3, 0, 1, 2)]
    assert len({unit.tuid for unit in units}) == len(units)  # the new unit's tuid is its own
    assert run_cli("finish", document, "--work", job, "-o", tmp_path / "out.txt").code == 0


def test_a_sentence_taken_out_and_put_back_gets_its_own_translation_from_an_earlier_version(tmp_path: Path) -> None:
    document, job = _job(tmp_path, SENTENCES[:2], {0: "First.", 1: "Second."})
    document.write_text(f"{SENTENCES[0]}\n\n{SENTENCES[2]}\n", encoding="utf-8")  # the second taken out
    assert run_cli("pretranslate", document, "-o", job, "--update").code == 0
    document.write_text(f"{SENTENCES[0]}\n\n{SENTENCES[2]}\n\n{SENTENCES[1]}\n", encoding="utf-8")  # and put back
    assert run_cli("pretranslate", document, "-o", job, "--update").code == 0
    back = load_tmx(job).units[2]
    assert back.variant("en").segment.plain == "Second." and back.status is Status.DRAFT  # type: ignore[union-attr]
    origin = next(prop.value for prop in back.props if prop.type == ORIGIN_PROP)
    assert origin.startswith("doc.ar.before-") and origin.endswith("#2")  # the first version's copy, its own unit


def test_a_file_with_merge_conflicts_not_settled_is_refused_by_update_and_finish(tmp_path: Path) -> None:
    document, job = _job(tmp_path, SENTENCES[:2], {0: "First.", 1: "Second."})
    base, theirs = tmp_path / "base.tmx", tmp_path / "theirs.tmx"
    shutil.copy(job, base)
    shutil.copy(job, theirs)
    for path, english in ((job, "Our second."), (theirs, "Their second.")):
        work = WorkFile(path, source_lang="ar", target_lang="en")
        work.confirm(1, english)
        work.save()
    assert run_cli("merge-driver", base, job, theirs).code == 1  # the conflict marked in ours, as git leaves it
    before = job.read_bytes()
    document.write_text(f"{SENTENCES[0]}\n\n{SENTENCES[1]}\n\n{SENTENCES[2]}\n", encoding="utf-8")
    refused = run_cli("pretranslate", document, "-o", job, "--update")
    assert refused.code != 0 and "merge conflicts not settled" in refused.stderr and job.read_bytes() == before
    finish = run_cli("finish", document, "--work", job, "-o", tmp_path / "out.txt")
    assert finish.code != 0 and "merge conflicts not settled" in finish.stderr and "--update" not in finish.stderr


def test_codes_only_renumbered_are_renumbered_in_the_kept_translation(tmp_path: Path) -> None:
    document = tmp_path / "note.html"
    job = _confirmed_job(
        document,
        "<p>جملة أولى هنا. جملة <b>ثانية</b> هنا.</p><p>فقرة أخرى.</p>\n",
        {0: "First sentence here.", 1: "Second {1}bold{/1} sentence here.", 2: "Another paragraph."},
    )
    # Italics before it in the paragraph: the second sentence's bold is code 2 now; the other paragraph edited.
    document.write_text(
        "<p>جملة <i>أولى</i> هنا. جملة <b>ثانية</b> هنا.</p><p>فقرة أخرى جديدة.</p>\n", encoding="utf-8"
    )
    result = run_cli("pretranslate", document, "-o", job, "--update")
    assert result.code == 0, result.stderr
    assert "1 kept translation made draft again" in result.stderr  # the first: codes added
    first, second = load_tmx(job).units[:2]
    assert first.status is Status.DRAFT and second.status is Status.TRANSLATED
    target = second.variant("en").segment  # type: ignore[union-attr]
    assert [code.get("i") for code in target.codes()] == [c.get("i") for c in second.variant("ar").segment.codes()]  # type: ignore[union-attr]
    qa = run_cli("qa", job)  # the first has its codes to place; the second none missing or left over
    assert not [line for line in (qa.stdout + qa.stderr).splitlines() if "tag-" in line and "unit 2" in line]
    finished = run_cli("finish", document, "--work", job, "-o", tmp_path / "out.html")
    assert finished.code == 0 and "<b>bold</b>" in (tmp_path / "out.html").read_text(encoding="utf-8")


PO_HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ar\\n"\n\n'


def _catalogue(path: Path, entries: list[tuple[str | None, str, str]]) -> None:
    """A PO catalogue of (msgctxt, msgid, msgstr) entries."""
    body = "".join(
        (f'msgctxt "{context}"\n' if context else "") + f'msgid "{text}"\nmsgstr "{translation}"\n\n'
        for context, text, translation in entries
    )
    path.write_text(PO_HEAD + body, encoding="utf-8")


def test_po_messages_of_one_text_in_two_contexts_keep_their_own_translations(tmp_path: Path) -> None:
    catalogue, job = tmp_path / "app.po", tmp_path / "app.po.tmx"
    _catalogue(catalogue, [("menu", "Open", ""), ("status", "Open", ""), (None, "Save the file.", "احفظ الملف.")])
    made = run_cli("pretranslate", catalogue, "-o", job, "--tm", SAMPLES / "news-memory.tmx", "--lang", "en")
    assert made.code == 0, made.stderr
    work = WorkFile(job, source_lang="en", target_lang="ar")
    work.confirm(0, "فتح")
    work.confirm(1, "مفتوح")
    work.approve(2)  # the catalogue's own translation, approved as it was
    work.save()
    # The menu entry taken out, the status one moved last, the saved one's comment new.
    _catalogue(catalogue, [(None, "Save the file.", "احفظ الملف."), ("status", "Open", "")])
    result = run_cli("pretranslate", catalogue, "-o", job, "--update")
    assert result.code == 0, result.stderr
    units = load_tmx(job).units
    assert [(u.variant("ar").segment.plain, u.status) for u in units] == [  # type: ignore[union-attr]
        ("احفظ الملف.", Status.REVIEWED),  # approved: kept so, not taken again from the catalogue
        ("مفتوح", Status.TRANSLATED),
    ]
    assert "(1 confirmed)" in result.stderr  # the menu's, dropped


def test_rejected_and_better_drafts_are_kept_as_they_were(tmp_path: Path) -> None:
    expanded = "عقد الجانبان جلسة مباحثات موسعة بحضور أعضاء الوفدين."
    plain = "عقد الجانبان جلسة مباحثات بحضور أعضاء الوفدين."
    visit = "زار الوفد الروسي دمشق يوم الثلاثاء الماضي."
    memory = tmp_path / "memory.tmx"
    write_tmx(
        memory,
        Memory(
            Header(srclang="ar"),
            [
                TranslationUnit([Variant("ar", Segment.from_text(arabic)), Variant("en", Segment.from_text(english))])
                for arabic, english in (
                    (expanded, "The two sides held an expanded round of talks attended by both delegations."),
                    (visit.replace("الثلاثاء", "الأربعاء"), "The Russian delegation visited Damascus last Wednesday."),
                )
            ],
        ),
    )
    document, job = tmp_path / "doc.ar.txt", tmp_path / "doc.ar.tmx"
    document.write_text(f"{expanded}\n\n{plain}\n\n{visit}\n", encoding="utf-8")
    assert run_cli("pretranslate", document, "-o", job, "--tm", memory).code == 0
    work = WorkFile(job, source_lang="ar", target_lang="en")
    work.confirm(1, "The two sides held talks attended by both delegations.")
    work.reject(2)  # the fuzzy match says Wednesday
    work.save()
    before = load_tmx(job).units
    assert before[0].status is Status.DRAFT and before[2].rejected
    document.write_text(f"{expanded}\n\n{plain}\n\n{visit}\n\nجملة جديدة.\n", encoding="utf-8")
    # Without the memory: the earlier version's confirmed translation of the other sentence matches the first at 91%.
    assert run_cli("pretranslate", document, "-o", job, "--update").code == 0
    after = load_tmx(job).units
    assert after[0].variant("en") == before[0].variant("en") and after[0].props == before[0].props  # its 100% draft
    # With the memory, which offers the rejected match again: it stays rejected.
    document.write_text(f"{expanded}\n\n{plain}\n\n{visit}\n", encoding="utf-8")
    assert run_cli("pretranslate", document, "-o", job, "--update", "--tm", memory).code == 0
    after = load_tmx(job).units
    assert after[2].rejected and after[2].variant("en") == before[2].variant("en")


def test_new_units_never_take_a_dropped_units_tuid_and_a_wrong_source_language_is_refused(tmp_path: Path) -> None:
    document, job = _job(tmp_path, SENTENCES[:3], {0: "First.", 1: "Second.", 2: "Third."})
    wrong = run_cli("pretranslate", document, "-o", job, "--update", "--lang", "en", "--to", "ar")
    assert wrong.code != 0 and "its source language is ar" in wrong.stderr
    document.write_text(f"{SENTENCES[0]}\n\n{SENTENCES[1]}\n\nخاتمة جديدة.\n", encoding="utf-8")  # the third replaced
    assert run_cli("pretranslate", document, "-o", job, "--update").code == 0
    units = load_tmx(job).units
    assert [unit.tuid for unit in units][:2] == ["1", "2"] and units[2].tuid not in ("1", "2", "3")


def test_formatting_added_or_moved_is_a_new_version_and_the_kept_codes_follow_theirs(tmp_path: Path) -> None:
    document = tmp_path / "visit.html"
    job = _confirmed_job(
        document, "<p>زار الوفد <b>دمشق</b> أمس.</p>\n", {0: "The delegation visited {1}Damascus{/1} yesterday."}
    )
    # Bold moved to another word, the text as it was: a new version, its translation a draft again.
    document.write_text("<p>زار <b>الوفد</b> دمشق أمس.</p>\n", encoding="utf-8")
    moved = run_cli("pretranslate", document, "-o", job, "--update")
    assert moved.code == 0 and "1 kept translation made draft again" in moved.stderr
    assert load_tmx(job).units[0].status is Status.DRAFT
    # Italics added before the bold: the bold is code 2 now, and so it is in the translation (not italics).
    document.write_text("<p>زار الوفد <b>دمشق</b> أمس.</p>\n", encoding="utf-8")
    assert run_cli("pretranslate", document, "-o", job, "--update").code == 0
    work = WorkFile(job, source_lang="ar", target_lang="en")
    work.confirm(0, "The delegation visited {1}Damascus{/1} yesterday.")
    work.save()
    document.write_text("<p>زار <i>الوفد</i> <b>دمشق</b> أمس.</p>\n", encoding="utf-8")
    assert run_cli("pretranslate", document, "-o", job, "--update").code == 0
    assert run_cli("finish", document, "--work", job, "-o", tmp_path / "out.html").code == 0
    assert "<b>Damascus</b>" in (tmp_path / "out.html").read_text(encoding="utf-8")


def test_a_write_that_fails_leaves_the_working_file_and_no_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tmkit.jobs import update

    document, job = _job(tmp_path, SENTENCES[:2], {0: "First.", 1: "Second."})
    before = job.read_bytes()
    document.write_text(f"{SENTENCES[0]}\n\n{SENTENCES[2]}\n", encoding="utf-8")

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise InputError("no space left on the disk", path=job)

    monkeypatch.setattr(update, "write_tmx", full_disk)
    with pytest.raises(InputError, match="no space left"):
        update.update_job(document, job, [], source_lang="ar", target_lang="en")
    assert job.read_bytes() == before and not list(tmp_path.glob("*.before-*"))


def test_a_sentence_now_written_once_keeps_its_confirmed_translation_not_the_rejected_one(tmp_path: Path) -> None:
    repeated, other = SENTENCES[0], SENTENCES[1]
    document, job = _job(tmp_path, [repeated, repeated, other], {1: "Confirmed.", 2: "Other."})
    work = WorkFile(job, source_lang="ar", target_lang="en")
    work.set_target(0, "Wrong.")
    work.reject(0)
    work.save()
    document.write_text(f"{repeated}\n\n{other}\n", encoding="utf-8")
    result = run_cli("pretranslate", document, "-o", job, "--update")
    assert result.code == 0, result.stderr
    first = load_tmx(job).units[0]
    assert first.variant("en").segment.plain == "Confirmed." and first.status is Status.TRANSLATED  # type: ignore[union-attr]
    assert "(1 confirmed)" not in result.stderr  # the rejected one is the one dropped


def test_a_sentence_keeps_its_unit_over_a_copy_of_it_with_other_formatting(tmp_path: Path) -> None:
    document = tmp_path / "cat.html"
    text = "<p>The cat sat on the mat.</p><p>It slept.</p>\n"
    job = _confirmed_job(document, text, {0: "جلست القطة على الحصيرة.", 1: "ونامت."}, lang="en")
    document.write_text(
        "<p>The <b>cat</b> sat on the mat.</p><p>The cat sat on the mat.</p><p>It slept.</p>\n", encoding="utf-8"
    )
    assert run_cli("pretranslate", document, "-o", job, "--update").code == 0
    bold, plain, _slept = load_tmx(job).units
    assert plain.status is Status.TRANSLATED and not plain.variant("ar").segment.has_markup  # type: ignore[union-attr]
    assert bold.status is not Status.TRANSLATED  # the copy with bold: a draft of the same sentence, at most


def test_po_messages_swapped_by_context_alone_are_a_new_version(tmp_path: Path) -> None:
    catalogue, job = tmp_path / "app.po", tmp_path / "app.po.tmx"
    _catalogue(catalogue, [("menu", "Open", ""), ("status", "Open", ""), (None, "Quit", "")])
    assert run_cli("pretranslate", catalogue, "-o", job, "--tm", SAMPLES / "news-memory.tmx", "--lang", "en").code == 0
    work = WorkFile(job, source_lang="en", target_lang="ar")
    work.confirm(0, "افتح")
    work.confirm(1, "مفتوح")
    work.confirm(2, "خروج")
    work.save()
    # Swapped, nothing else changed: finish refuses it, an update puts each translation back on its own message.
    _catalogue(catalogue, [("status", "Open", ""), ("menu", "Open", ""), (None, "Quit", "")])
    refused = run_cli("finish", catalogue, "--work", job, "-o", tmp_path / "out.po")
    assert refused.code != 0 and "context 'status'" in refused.stderr
    assert run_cli("pretranslate", catalogue, "-o", job, "--update").code == 0
    assert [u.variant("ar").segment.plain for u in load_tmx(job).units] == ["مفتوح", "افتح", "خروج"]  # type: ignore[union-attr]
    assert run_cli("finish", catalogue, "--work", job, "-o", tmp_path / "out.po").code == 0
    written = (tmp_path / "out.po").read_text(encoding="utf-8")
    assert written.index('msgctxt "status"') < written.index("مفتوح") < written.index('msgctxt "menu"')


def test_a_po_comment_that_reads_like_a_context_is_no_context(tmp_path: Path) -> None:
    catalogue, job = tmp_path / "app.po", tmp_path / "app.po.tmx"
    catalogue.write_text(PO_HEAD + '#. context: toolbar button\nmsgid "Open"\nmsgstr ""\n', encoding="utf-8")
    assert run_cli("pretranslate", catalogue, "-o", job, "--tm", SAMPLES / "news-memory.tmx", "--lang", "en").code == 0
    work = WorkFile(job, source_lang="en", target_lang="ar")
    work.confirm(0, "افتح")
    work.save()
    catalogue.write_text(
        PO_HEAD + '#. context: the toolbar\'s button\nmsgid "Open"\nmsgstr ""\n\nmsgid "Quit"\nmsgstr ""\n',
        encoding="utf-8",
    )
    result = run_cli("pretranslate", catalogue, "-o", job, "--update")
    assert result.code == 0 and "1 translation kept" in result.stderr, result.stderr
    assert load_tmx(job).units[0].status is Status.TRANSLATED


def test_a_sentence_whose_formatting_changed_takes_the_best_unit_of_its_text(tmp_path: Path) -> None:
    document = tmp_path / "cat.html"
    job = _confirmed_job(document, "<p>The <b>cat</b> sat.</p><p>The <i>cat</i> sat.</p>\n", {}, lang="en")
    work = WorkFile(job, source_lang="en", target_lang="ar")
    work.set_target(0, "خطأ {1}القطة{/1}.")
    work.reject(0)
    work.confirm(1, "جلست {1}القطة{/1}.")
    work.save()
    document.write_text("<p>The cat sat.</p>\n", encoding="utf-8")  # formatting gone from the one left
    assert run_cli("pretranslate", document, "-o", job, "--update").code == 0
    (unit,) = load_tmx(job).units
    assert unit.variant("ar").segment.plain == "جلست القطة." and not unit.rejected  # type: ignore[union-attr]


def test_an_editor_open_while_its_file_is_updated_merges_into_the_new_versions_order(tmp_path: Path) -> None:
    """The editor saved over a file the update had carried over: the merge kept the old version's order and put the
    new segments at the end, so `finish` refused the file as another version and asked for a second update."""
    root = _project(tmp_path)
    assert run_cli("pretranslate", root).code == 0
    file = open_project(root).files()[0]
    # Made a while ago: the update's units are of another second (in the same second, a unit the update made again
    # without a translation equalled the old one by chance, and the test passed where it failed a second later).
    made = load_tmx(file.work)
    for unit in made.units:
        unit.creation_date = "20260101T090000Z"
    write_tmx(file.work, made)
    work = WorkFile(file.work, source_lang="ar", target_lang="en")
    work.confirm(0, "Translation 1, confirmed.")
    work.save()  # (no journal left: the update is not refused)
    removed = _second_version(file.source)
    assert run_cli("pretranslate", root, "--update").code == 0
    second = _segments(file.source)
    # Still open on the first version: the translator confirms the third segment, then saves and merges.
    third = work.rows[2].source_text
    work.confirm(2, "Translation 3, confirmed after the update.")
    assert work.changed_on_disk()
    was_on = work.rows[2]
    assert work.merge_with_disk() == 0
    # The editor's cursor stays on the segment it was on: a row further down now (a heading came before it).
    assert work.rows[work.row_of_segment(was_on)].source_text == third == second[3]
    work.save()
    units = load_tmx(file.work).units
    assert [u.pair("ar", "en")[0].segment.plain for u in units] == second  # type: ignore[union-attr]
    assert removed not in second
    by_source = {u.pair("ar", "en")[0].segment.plain: u for u in units}  # type: ignore[union-attr]
    assert by_source[third].variant("en").text == "Translation 3, confirmed after the update."  # type: ignore[union-attr]
    assert by_source[third].status is Status.TRANSLATED
    finished = run_cli("finish", root)
    assert finished.code == 0, finished.stderr
    assert "Translation 3, confirmed after the update." in file.target.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed (Debian: apt-get install tmux)")
def test_saving_in_an_editor_open_while_the_update_ran_says_so_and_merges_into_the_new_version(tmp_path: Path) -> None:
    """In a real terminal: the save after an update says the file was carried over to a new version (it said only
    "changed on disk"), and Merge (Enter) puts the typed text into the new version, in its order."""
    root = _project(tmp_path)
    assert run_cli("pretranslate", root).code == 0
    file = open_project(root).files()[0]
    first = load_tmx(file.work).units[0].pair("ar", "en")[0].segment.plain  # type: ignore[union-attr]
    command = [sys.executable, "-m", "tmkit", "edit", str(root), "article.ar.txt"]
    with Terminal(command, width=120, height=35, cwd=tmp_path) as terminal:
        terminal.wait_for("of 30")
        _second_version(file.source)
        updated = run_cli("pretranslate", root, "--update")  # (another terminal's, while the editor is open)
        assert updated.code == 0, updated.stderr
        terminal.keys("C-a")
        terminal.type("Typed while the client's new version came in.")
        terminal.wait_for("came in.")
        terminal.keys("C-s")
        terminal.wait_for("carried over to a new version of its document")
        terminal.keys("Enter")  # Merge, the default
        terminal.wait_for(lambda screen: "merged with the version on disk" in screen and "unsaved" not in screen)
        terminal.keys("C-q")
        terminal.wait_for("[exited 0]")
    second = _segments(file.source)
    units = load_tmx(file.work).units
    assert [u.pair("ar", "en")[0].segment.plain for u in units] == second  # type: ignore[union-attr]
    typed = next(u for u in units if u.pair("ar", "en")[0].segment.plain == first)  # type: ignore[union-attr]
    assert typed.variant("en").text == "Typed while the client's new version came in."  # type: ignore[union-attr]


def test_the_update_edit_names_takes_the_memories_it_was_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The greeting named `pretranslate DOC -o JOB --update` without --tm: run as named, new segments got no matches."""
    from tmkit.cli import build_parser
    from tmkit.cli.edit_command import options_from_args

    document = tmp_path / "article.ar.txt"
    shutil.copy(SAMPLES / "article.ar.txt", document)
    memory = SAMPLES / "news-memory.tmx"
    options_from_args(build_parser().parse_args(["edit", str(document), "--tm", str(memory)]))
    _second_version(document)
    capsys.readouterr()
    options = options_from_args(build_parser().parse_args(["edit", str(document), "--tm", str(memory)]))
    greeting = capsys.readouterr().err
    named = f"tmkit pretranslate {document} -o {options.path} --update --tm {memory} carries its translations over"
    assert named in greeting, greeting
    result = run_cli(*named.split()[1:-4])
    assert result.code == 0 and "pre-translated as draft" in result.stderr, result.stderr


@run_async
async def test_opening_a_job_of_another_version_warns_until_read(tmp_path: Path) -> None:
    """The greeting that says the document changed went by in 8 s, as a plain notice."""
    from tmkit.cli import build_parser
    from tmkit.cli.edit_command import options_from_args
    from tmkit.tui.app import GREETING_WARNING_S, EditorApp

    document = tmp_path / "article.ar.txt"
    shutil.copy(SAMPLES / "article.ar.txt", document)
    fresh = options_from_args(build_parser().parse_args(["edit", str(document)]))
    assert not fresh.greeting_warns
    _second_version(document)
    options = options_from_args(build_parser().parse_args(["edit", str(document)]))
    assert options.greeting_warns and options.greeting and "made from another version" in options.greeting
    options.ask_recovery = False
    app = EditorApp(options)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        (shown,) = [n for n in app._notifications if "made from another version" in n.message]
        assert shown.severity == "warning" and shown.timeout == GREETING_WARNING_S
