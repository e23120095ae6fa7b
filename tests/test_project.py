"""Projects of several files: `tmkit init`, the config, and `edit`/`finish`/`stats`/`analyze` given a project folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.project import CONFIG_NAME, open_project, read_config
from tmkit.jobs.source_text import read_source_document
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.model import MATCH_PROP, Status

HEADLINE_EN = "President al-Assad receives Russian Deputy Prime Minister Yuri Borisov and the accompanying delegation"


def _project(tmp_path: Path, *extra: str) -> Path:
    root = tmp_path / "proj"
    result = run_cli("init", root, *extra)
    assert result.code == 0, result.stderr
    return root


def _with_documents(root: Path) -> None:
    """The sample article as text, HTML and (in a subfolder) DOCX, the earlier visits' memory and the termbase."""
    shutil.copy(SAMPLES / "article.ar.txt", root / "source")
    shutil.copy(SAMPLES / "article.html", root / "source")
    (root / "source" / "reports").mkdir()
    shutil.copy(SAMPLES / "article.docx", root / "source" / "reports")
    shutil.copy(SAMPLES / "earlier-visits.tmx", root / "tm")
    shutil.copy(SAMPLES / "terms.tbx", root / "terms" / "acme.tbx")  # named before glossary.txt


def test_init_makes_the_omegat_like_layout_and_a_config_that_reads_back(tmp_path: Path) -> None:
    root = _project(tmp_path, "--src", "ar", "--tgt", "en-GB")
    assert sorted(p.name for p in root.iterdir()) == sorted([CONFIG_NAME, "source", "target", "tm", "terms", "work"])
    config = read_config(root / CONFIG_NAME)
    assert (config.source_lang, config.target_lang) == ("ar", "en-GB")
    assert config.save_to == "tm/project.tmx" and config.srx is None
    assert open_project(root).terms() == [root / "terms" / "glossary.txt"]  # where the editor adds terms
    # Again on the project: kept as it is (a missing folder made again), the config untouched.
    before = (root / CONFIG_NAME).read_bytes()
    shutil.rmtree(root / "terms")
    again = run_cli("init", root, "--src", "ar", "--tgt", "en-GB")
    assert again.code == 0 and "already a project" in again.stderr
    assert (root / "terms").is_dir() and (root / CONFIG_NAME).read_bytes() == before
    # Again with other languages: refused, naming the config.
    other = run_cli("init", root, "--src", "en", "--tgt", "ar")
    assert other.code == 2 and CONFIG_NAME in other.stderr and "ar into en-GB" in other.stderr
    assert (root / CONFIG_NAME).read_bytes() == before


def test_init_refuses_a_folder_that_holds_anything_else(tmp_path: Path) -> None:
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.txt").write_text("mine", encoding="utf-8")
    result = run_cli("init", folder)
    assert result.code == 2
    assert result.stderr.count("\n") == 1 and "not empty" in result.stderr and str(folder) in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["chapter1.txt"]
    same = run_cli("init", tmp_path / "new", "--src", "ar", "--tgt", "ar-EG")
    assert same.code == 2 and "--src and --tgt are the same language" in same.stderr
    assert not (tmp_path / "new").exists()


CONFIG_OK = 'source_lang = "ar"\ntarget_lang = "en"\n'


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (CONFIG_OK + "memories = [\n", 3, "not TOML: Invalid value (a bracket or quote left open?)"),
        (CONFIG_OK + 'memories = "tm/other.tmx"\n', 3, "memories must be a list"),
        (CONFIG_OK + "srx_only = 1\n", 3, "srx_only must be true or false"),
        ("# project\n" + CONFIG_OK + 'glossary = "g.txt"\n', 4, "unknown setting 'glossary'"),
        ('source_lang = "ar"\ntarget_lang = "Arabic!"\n', 2, "target_lang must be a language tag"),
        ('source_lang = "ar"\ntarget_lang = "ar"\n', 2, "target_lang is the source language"),
        (CONFIG_OK + 'memories = ["../missing.tmx"]\n', 3, "memories: no such file '../missing.tmx'"),
        (CONFIG_OK + '\nsrx = "rules.srx"\n', 4, "srx: no such file 'rules.srx'"),
    ],
)
def test_a_bad_config_is_one_line_naming_its_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    root = _project(tmp_path)
    _with_documents(root)
    (root / CONFIG_NAME).write_text(text, encoding="utf-8")
    for command in (("stats", root), ("finish", root), ("edit", root, "1"), ("analyze", root)):
        result = run_cli(*command)
        assert result.code == 2, (command, result.stderr)
        assert result.stderr.startswith(f"tmkit: error: {root / CONFIG_NAME}:{line}: "), result.stderr
        assert words in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_config_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / CONFIG_NAME).write_bytes(b'source_lang = "ar"\ntarget_lang = "en"\n# r\xe9sum\xe9\n')
    result = run_cli("stats", root)
    assert result.code == 2 and f"{root / CONFIG_NAME}:3: the project config is not UTF-8" in result.stderr


def test_a_folder_without_a_config_is_not_taken_for_a_project(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    result = run_cli("finish", tmp_path / "docs")
    assert result.code == 2 and "not a tmkit project" in result.stderr and "tmkit init makes one" in result.stderr


def test_init_copy_pretranslate_confirm_finish_every_target(tmp_path: Path) -> None:
    """The whole round: init, documents copied in, each made a working TMX (by the core, as `tmkit edit` does), a
    segment confirmed in two of them, then `tmkit finish PROJECT` writes every target with its translation."""
    root = _project(tmp_path)
    _with_documents(root)
    (root / "source" / "scan.pdf").write_bytes(b"%PDF-1.4")
    listed = run_cli("edit", root)  # no terminal: the list is printed
    assert listed.code == 0, listed.stderr
    assert [line.split()[-1] for line in listed.stdout.splitlines()[1:]] == [
        "article.ar.txt",
        "article.html",
        "reports/article.docx",
    ]
    assert "scan.pdf: not a format tmkit translates" in listed.stderr
    project = open_project(root)
    # The glossary init made comes first (the editor adds terms to the first), then the termbases copied in.
    assert project.terms() == [root / "terms" / "glossary.txt", root / "terms" / "acme.tbx"]
    text, html, docx = project.files()
    assert docx.work == root / "work" / "reports" / "article.docx.tmx"
    assert docx.target == root / "target" / "reports" / "article.docx"
    for file in (text, docx):
        job = project.prepare(file)
        assert job.created and job.drafts > 0  # pre-translated from tm/earlier-visits.tmx
        work = WorkFile(job.path, source_lang="ar", target_lang="en")
        work.confirm(0, HEADLINE_EN)
        work.save()

    result = run_cli("finish", root)
    assert result.code == 0, result.stderr
    assert f"wrote {text.target}: " in result.stderr and f"wrote {docx.target}: " in result.stderr
    assert f"{html.source}: not started" in result.stderr
    assert "finished 2 of 3 document(s)" in result.stderr
    assert text.target.read_text(encoding="utf-8").startswith(HEADLINE_EN)
    assert HEADLINE_EN in read_source_document(docx.target).text()  # in its subfolder, as DOCX
    assert not html.target.exists()

    stats = run_cli("stats", root, "--json")
    assert stats.code == 0, stats.stderr
    files = json.loads(stats.stdout)["files"]
    assert [(f["document"], f["started"]) for f in files] == [
        ("article.ar.txt", True),
        ("article.html", False),
        ("reports/article.docx", True),
    ]
    assert files[0]["statuses"]["translated"]["segments"] == 1
    drafts = sum(1 for unit in load_tmx(text.work).units if unit.status is Status.DRAFT)
    assert files[0]["statuses"]["draft"]["segments"] == drafts > 0
    assert 0 < files[0]["percent_done"] < 100
    total = json.loads(stats.stdout)["total"]
    assert total["words"] == sum(f["words"] for f in files)

    # --require-all: the unconfirmed documents are refused (exit 1), the targets written before stay as they were.
    before = text.target.read_bytes()
    strict = run_cli("finish", root, "--require-all")
    assert strict.code == 1 and "finished 0 of 3" in strict.stderr
    assert text.target.read_bytes() == before


def test_analyze_a_project_per_document_and_in_total(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _with_documents(root)
    result = run_cli("analyze", root, "--json", "--no-cache")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [f["document"] for f in data["files"]] == ["article.ar.txt", "article.html", "reports/article.docx"]
    alone = run_cli("analyze", root / "source" / "article.ar.txt", "--tm", root / "tm" / "earlier-visits.tmx", "--json")
    assert data["files"][0]["bands"] == json.loads(alone.stdout)["bands"]
    for band in range(len(data["total"]["bands"])):
        assert data["total"]["bands"][band]["source_words"] == sum(
            f["bands"][band]["source_words"] for f in data["files"]
        )
    printed = run_cli("analyze", root, "--no-cache")
    assert "project total" in printed.stdout and "reports/article.docx" in printed.stdout


def test_pretranslate_a_project_makes_each_documents_working_file_as_the_editor_would(tmp_path: Path) -> None:
    # A manager without the editor had to pretranslate each document and guess its working file's name (a misnamed
    # one was ignored: stats said new, finish not started); `pretranslate PROJECT` said "is a folder".
    root = _project(tmp_path)
    _with_documents(root)
    result = run_cli("pretranslate", root, "--threshold", "80")
    assert result.code == 0, result.stderr
    project = open_project(root)
    for file in project.files():
        assert file.work.is_file() and f"{file.name}: " in result.stdout
        units = load_tmx(file.work).units
        assert len(units) == len(read_source_document(file.source).segments(lang="ar", rules=project.rules()))
        matches = [float(p.value) for u in units for p in u.props if p.type == MATCH_PROP]
        assert matches and min(matches) >= 80  # the threshold given, not the default 70
    stats = json.loads(run_cli("stats", root, "--json").stdout)
    assert all(f["started"] for f in stats["files"])
    first = project.files()[0].work
    before = first.read_bytes()
    again = run_cli("pretranslate", root)
    assert again.code == 0 and "started already, left as it is" in again.stdout and first.read_bytes() == before
    refused = run_cli("pretranslate", root, "-o", tmp_path / "x.tmx")
    assert refused.code == 2 and "-o is not for a project" in refused.stderr
    done = run_cli("finish", root)
    assert done.code == 0, done.stderr


def test_a_broken_document_is_named_and_the_others_still_counted(tmp_path: Path) -> None:
    # One truncated DOCX stopped the whole project's stats and analyze, exit 2 and no output at all.
    root = _project(tmp_path)
    _with_documents(root)
    broken = root / "source" / "zz-broken.docx"
    broken.write_bytes((SAMPLES / "article.docx").read_bytes()[:2000])
    for command in (["analyze", root, "--json", "--no-cache"], ["stats", root, "--json"]):
        result = run_cli(*command)
        assert result.code == 2
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"tmkit: error: {broken}"), result.stderr
        data = json.loads(result.stdout)
        assert [f["document"] for f in data["files"]] == ["article.ar.txt", "article.html", "reports/article.docx"]
    printed = run_cli("analyze", root, "--no-cache")
    assert printed.code == 2 and "project total" in printed.stdout
    # The list keeps each document's number as `tmkit edit PROJECT N` takes it, the unreadable one's left out.
    (root / "source" / "a-broken.docx").write_bytes(broken.read_bytes())
    listed = run_cli("edit", root)  # (not a terminal: the list, then how to open one)
    numbers = {line.split()[-1]: line.split()[0] for line in listed.stdout.splitlines()[1:]}
    files = open_project(root).files()
    assert numbers == {f.name: str(n) for n, f in enumerate(files, 1) if "broken" not in f.name}
    assert numbers["article.ar.txt"] == "2"


ENGLISH_SRX = """<?xml version="1.0"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
<header cascade="yes"/>
<body><languagerules>
<languagerule languagerulename="mine">
<rule break="no"><beforebreak>\\bwt\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
<rule break="yes"><beforebreak>:</beforebreak><afterbreak>\\s</afterbreak></rule>
</languagerule></languagerules>
<maprules><languagemap languagepattern="en.*" languagerulename="mine"/></maprules>
</body></srx>"""


def test_the_configs_srx_rules_segment_the_work_and_finish_it(tmp_path: Path) -> None:
    root = _project(tmp_path, "--src", "en", "--tgt", "ar")
    (root / "rules.srx").write_text(ENGLISH_SRX, encoding="utf-8")
    config = (root / CONFIG_NAME).read_text(encoding="utf-8").replace('# srx = "rules.srx"', 'srx = "rules.srx"')
    (root / CONFIG_NAME).write_text(config, encoding="utf-8")
    (root / "source" / "label.txt").write_text("Net wt. 5 kg: fine. Dr. No.\n", encoding="utf-8")
    project = open_project(root)
    (file,) = project.files()
    job = project.prepare(file)
    work = WorkFile(job.path, source_lang="en", target_lang="ar")
    assert [row.source_text for row in work.rows] == ["Net wt. 5 kg:", "fine.", "Dr. No."]
    for row, arabic in enumerate(["الوزن الصافي 5 كغ:", "جيد.", "د. نو."]):
        work.confirm(row, arabic)
    work.save()
    result = run_cli("finish", root, "--require-all")
    assert result.code == 0, result.stderr
    assert file.target.read_text(encoding="utf-8").split() == ["الوزن", "الصافي", "5", "كغ:", "جيد.", "د.", "نو."]


def test_finish_reports_a_document_changed_since_and_writes_the_others(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _with_documents(root)
    project = open_project(root)
    text, html, _docx = project.files()
    project.prepare(text)
    project.prepare(html)
    with (root / "source" / "article.ar.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nفقرة جديدة أضيفت بعد بدء العمل.\n")
    result = run_cli("finish", root)
    assert result.code == 2
    assert f"{text.work}: has 30 segment(s) and" in result.stderr and "another version" in result.stderr
    assert html.target.is_file() and not text.target.exists()
    assert "Traceback" not in result.stderr
    # A translation an earlier finish wrote, of the document as it was then, is said to be left as it was.
    text.target.parent.mkdir(parents=True, exist_ok=True)
    text.target.write_text("an earlier finish's translation\n", encoding="utf-8")
    again = run_cli("finish", root)
    assert again.code == 2
    assert f"tmkit: warning: {text.target}: from an earlier finish, left as it was (not this run's)" in again.stderr
    assert text.target.read_text(encoding="utf-8") == "an earlier finish's translation\n"


def test_edit_names_the_documents_when_the_one_asked_for_is_not_there(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _with_documents(root)
    result = run_cli("edit", root, "report.docx")
    assert result.code == 2 and result.stderr.count("\n") == 1
    assert "report.docx: no such document" in result.stderr and "reports/article.docx" in result.stderr
    assert not any((root / "work").iterdir())
    empty = _project(tmp_path / "other")
    nothing = run_cli("edit", empty)
    assert nothing.code == 2 and "no documents to translate" in nothing.stderr
    second = run_cli("edit", SAMPLES / "article.tmx", "article.ar.txt")
    assert second.code == 2 and "a second file is for a project folder" in second.stderr


def test_a_document_is_found_by_number_path_or_unique_name(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _with_documents(root)
    shutil.copy(SAMPLES / "article.ar.txt", root / "source" / "reports")
    project = open_project(root)
    assert project.file("2").name == "article.html"
    assert project.file("source/reports/article.docx").name == "reports/article.docx"
    assert project.file("article.docx").name == "reports/article.docx"
    assert project.file("article.ar.txt").name == "article.ar.txt"  # the exact path wins over the same base name
    from tmkit.errors import InputError

    with pytest.raises(InputError, match="no such document"):
        project.file("9")


def test_finish_with_no_document_started_fails(tmp_path: Path) -> None:
    # It exited 0 with "finished 0 of 2": a script delivering the target folder went on with nothing in it.
    root = _project(tmp_path)
    _with_documents(root)
    result = run_cli("finish", root)
    assert result.code == 1, result.stderr
    assert "not started" in result.stderr and "finished 0 of 3 document(s)" in result.stderr
    assert not any(path.is_file() for path in (root / "target").rglob("*"))


def test_a_projects_memory_fed_by_several_documents_has_no_tuid_twice(tmp_path: Path) -> None:
    """Each working file numbers its units from 1: the project memory got a tuid 1 from every document, and
    `tmkit validate --strict` (the README's CI step) refused it."""
    root = _project(tmp_path)
    _with_documents(root)
    project = open_project(root)
    text, html, _docx = project.files()
    memory = project.save_to()
    assert memory is not None
    in_text = {row.source_text for row in WorkFile(project.prepare(text).path, source_lang="ar", target_lang="en").rows}
    page = WorkFile(project.prepare(html).path, source_lang="ar", target_lang="en")
    row = next(n for n, r in enumerate(page.rows) if r.source_text not in in_text)  # (another sentence, same tuid)
    for file, english in ((text, "From the text."), (html, "From the page.")):
        work = WorkFile(file.work, source_lang="ar", target_lang="en")
        assert work.rows[row].unit.tuid == str(row + 1)
        work.confirm(row, english)
        work.save()
        assert work.export_confirmed(memory) == 1
    units = load_tmx(memory).units
    tuids = [unit.tuid for unit in units]
    assert len(units) == 2 and len(set(tuids)) == 2, tuids
    assert run_cli("validate", memory, "--strict").code == 0
    # The same segment saved again keeps its tuid, with the newest translation.
    work = WorkFile(html.work, source_lang="ar", target_lang="en")
    work.confirm(next(n for n, r in enumerate(work.rows) if r.confirmed), "From the page, revised.")
    work.save()
    work.export_confirmed(memory)
    again = load_tmx(memory).units
    assert [unit.tuid for unit in again] == tuids
    assert again[1].variant("en").text == "From the page, revised."  # type: ignore[union-attr]
