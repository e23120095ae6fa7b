"""A working file records how its document was cut (--srx, --srx-only, --join-lines), and finish, the editor's finish key
and --update cut it the same way without being told."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli
from tests.terminal import Terminal, tmux_available
from tests.test_project import ENGLISH_SRX, _project
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.project import CONFIG_NAME, Project, ProjectFile, open_project
from tmkit.jobs.source_text import SEGMENTATION_PROP
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.model import Status

#: Cut by tmkit's rules: "Net wt." | "5 kg: fine." | "Dr. No."; by ENGLISH_SRX: "Net wt. 5 kg:" | "fine." | "Dr. No."
LABEL = "Net wt. 5 kg: fine. Dr. No.\n"
ARABIC = ["الوزن الصافي 5 كغ:", "جيد.", "د. نو."]
WRAPPED = "الرئيس الأسد يستقبل\nنائب رئيس الوزراء.\n\nفقرة ثانية هنا.\n"


def _recorded(job: Path) -> dict[str, object]:
    (value,) = [prop.value for prop in load_tmx(job).header.props if prop.type == SEGMENTATION_PROP]
    return json.loads(value)  # type: ignore[no-any-return]


def _label_job(tmp_path: Path) -> tuple[Path, Path]:
    """label.en.txt pretranslated with the SRX rules into label.en.tmx, every segment confirmed."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "label.srx").write_text(ENGLISH_SRX, encoding="utf-8")
    document, job = tmp_path / "label.en.txt", tmp_path / "label.en.tmx"
    document.write_text(LABEL, encoding="utf-8")
    made = run_cli(
        "pretranslate", document, "-o", job, "--tm", SAMPLES / "news-memory.tmx", "--srx", tmp_path / "rules/label.srx"
    )
    assert made.code == 0, made.stderr
    work = WorkFile(job, source_lang="en", target_lang="ar")
    assert [row.source_text for row in work.rows] == ["Net wt. 5 kg:", "fine.", "Dr. No."]
    for row, arabic in enumerate(ARABIC):
        work.confirm(row, arabic)
    work.save()
    return document, job


def _srx_project(tmp_path: Path) -> tuple[Path, Project, ProjectFile]:
    """An English-Arabic project whose config names ENGLISH_SRX, with label.txt to translate."""
    root = _project(tmp_path, "--src", "en", "--tgt", "ar")
    (root / "rules.srx").write_text(ENGLISH_SRX, encoding="utf-8")
    config = (root / CONFIG_NAME).read_text(encoding="utf-8").replace('# srx = "rules.srx"', 'srx = "rules.srx"')
    (root / CONFIG_NAME).write_text(config, encoding="utf-8")
    (root / "source" / "label.txt").write_text(LABEL, encoding="utf-8")
    project = open_project(root)
    (file,) = project.files()
    return root, project, file


def test_finish_and_update_cut_the_document_as_the_file_records(tmp_path: Path) -> None:
    document, job = _label_job(tmp_path)
    recorded = _recorded(job)
    assert recorded["srx"] == "rules/label.srx" and recorded["join_lines"] is False  # named from the file's folder
    out = tmp_path / "label.ar.txt"
    done = run_cli("finish", document, "-o", out, "--require-all")  # no --srx: the file says which rules
    assert done.code == 0, done.stderr
    assert out.read_text(encoding="utf-8").split() == " ".join(ARABIC).split()
    # A new version of the document: the update keeps the three translations (tmkit's rules alone would have cut
    # "Net wt." apart, and kept nothing).
    document.write_text(LABEL.replace("\n", " Keep dry.\n"), encoding="utf-8")
    updated = run_cli("pretranslate", document, "-o", job, "--tm", SAMPLES / "news-memory.tmx", "--update")
    assert updated.code == 0, updated.stderr
    assert "3 translations kept" in updated.stderr, updated.stderr
    units = load_tmx(job).units
    assert [u.variant("en").text for u in units] == ["Net wt. 5 kg:", "fine.", "Dr. No.", "Keep dry."]  # type: ignore[union-attr]
    assert [u.status for u in units[:3]] == [Status.TRANSLATED] * 3
    assert _recorded(job) == recorded  # the new file records it too


def test_other_options_than_the_file_records_are_refused_in_one_line(tmp_path: Path) -> None:
    document, job = _label_job(tmp_path)
    out = tmp_path / "label.ar.txt"
    for options in (["--join-lines"], ["--srx", tmp_path / "rules/label.srx", "--srx-only"]):
        refused = run_cli("finish", document, "-o", out, *options)
        assert refused.code == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert f"{job}: was made with --srx " in refused.stderr and "leave the options out" in refused.stderr
        assert not out.exists()
    before = job.read_bytes()
    refused = run_cli(
        "pretranslate", document, "-o", job, "--tm", SAMPLES / "news-memory.tmx", "--update", "--join-lines"
    )
    assert refused.code == 2 and "leave the options out" in refused.stderr and job.read_bytes() == before
    # The same rules given again, from another folder, with Windows line ends: the same rules, so the same cut.
    (tmp_path / "copy.srx").write_bytes(ENGLISH_SRX.replace("\n", "\r\n").encode("utf-8"))
    assert run_cli("finish", document, "-o", out, "--srx", tmp_path / "copy.srx").code == 0


def test_rules_changed_or_gone_since_are_named_and_nothing_is_written(tmp_path: Path) -> None:
    document, job = _label_job(tmp_path)
    out = tmp_path / "label.ar.txt"
    rules = tmp_path / "rules" / "label.srx"
    rules.write_text(ENGLISH_SRX.replace("wt", "net"), encoding="utf-8")
    changed = run_cli("finish", document, "-o", out)
    assert changed.code == 2 and "rules/label.srx as they were then; they changed since" in changed.stderr
    rules.unlink()
    gone = run_cli("finish", document, "-o", out)
    assert gone.code == 2 and "rules/label.srx (from its folder), which are not there now" in gone.stderr
    assert not out.exists() and "Traceback" not in changed.stderr + gone.stderr
    # A record that is not tmkit's: one line naming the file and the prop.
    memory = load_tmx(job)
    memory.header.props = [p for p in memory.header.props if p.type != SEGMENTATION_PROP]
    from tmkit.memory.model import Prop

    memory.header.props.append(Prop(SEGMENTATION_PROP, "join-lines"))
    write_tmx(job, memory)
    bad = run_cli("finish", document, "-o", out)
    assert bad.code == 2 and bad.stderr.count("\n") == 1
    assert f"{job}: its header's {SEGMENTATION_PROP} prop is not tmkit's record" in bad.stderr


def test_a_join_lines_job_finishes_and_files_made_before_keep_the_options_given(tmp_path: Path) -> None:
    document, job, out = tmp_path / "d.ar.txt", tmp_path / "d.tmx", tmp_path / "out.txt"
    document.write_text(WRAPPED, encoding="utf-8")
    made = run_cli("pretranslate", document, "-o", job, "--tm", SAMPLES / "news-memory.tmx", "--join-lines")
    assert made.code == 0, made.stderr
    assert _recorded(job) == {"join_lines": True}
    assert run_cli("finish", document, "--work", job, "-o", out).code == 0
    assert out.read_text(encoding="utf-8").split("\n\n")[0] == "الرئيس الأسد يستقبل نائب رئيس الوزراء."
    # A file from before the record: finish cuts by the options given, and names --join-lines when they differ.
    memory = load_tmx(job)
    memory.header.props = [p for p in memory.header.props if p.type != SEGMENTATION_PROP]
    write_tmx(job, memory)
    out.unlink()
    cut = run_cli("finish", document, "--work", job, "-o", out)
    assert cut.code == 2 and "--join-lines" in cut.stderr and not out.exists()
    # The command named is this document's and working file's, not a placeholder's.
    assert f"tmkit pretranslate {document} -o {job} --update carries it over" in cut.stderr, cut.stderr
    assert run_cli("finish", document, "--work", job, "-o", out, "--join-lines").code == 0


def test_a_projects_rules_cut_its_documents_for_the_editors_finish_key(tmp_path: Path) -> None:
    """The editor's finish key read a project's documents by tmkit's rules alone: with the project's SRX rules it
    said the document had changed since, and told the translator to update it."""
    from tmkit.tui.finishing import FinishRequest, write_translated_document

    _root, project, file = _srx_project(tmp_path)
    job = project.prepare(file)
    assert _recorded(job.path)["srx"] == "../rules.srx"
    work = WorkFile(job.path, source_lang="en", target_lang="ar")
    for row, arabic in enumerate(ARABIC):
        work.confirm(row, arabic)
    work.save()
    out = tmp_path / "label.ar.txt"
    lines = write_translated_document(FinishRequest(file.source, out, confirmed_only=True), job.path)
    assert lines[0] == f"wrote {out}: 3 of 3 segment(s) translated", lines
    assert out.read_text(encoding="utf-8").split() == " ".join(ARABIC).split()
    assert project.changed_since_started(file) is None


@pytest.mark.slow
@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed (Debian: apt-get install tmux)")
def test_alt_d_finishes_a_job_made_with_srx_rules_in_a_real_terminal(tmp_path: Path) -> None:
    """`tmkit edit` on a document pretranslated with --srx: no "changed since" greeting, and Alt+D (ESC d) writes
    the translation, cut as the job was."""
    document, job = _label_job(tmp_path)
    command = [sys.executable, "-m", "tmkit", "edit", document.name, "--tm", str(SAMPLES / "news-memory.tmx")]
    with Terminal(command, width=80, height=24, cwd=tmp_path) as terminal:
        screen = terminal.wait_for("of 3")
        assert "changed since" not in screen, screen
        terminal.raw(b"\x1bd")
        terminal.wait_for("label.en.ar.txt")  # the dialog's default target
        terminal.keys("Enter")
        screen = terminal.wait_for("segment(s) translated")
        assert "another version" not in screen, screen
        terminal.keys("C-q")
        terminal.wait_for("[exited 0]")
    assert (tmp_path / "label.en.ar.txt").read_text(encoding="utf-8").split() == " ".join(ARABIC).split()
    assert [u.status for u in load_tmx(job).units] == [Status.TRANSLATED] * 3


def test_a_projects_rules_changed_since_the_work_started_are_named_by_every_command(tmp_path: Path) -> None:
    """Not "the document changed since, update it" from three commands and "put the config back" from the update:
    each says the config's rules are not those the work started with."""
    root = _project(tmp_path, "--src", "en", "--tgt", "ar")
    (root / "source" / "label.txt").write_text(LABEL, encoding="utf-8")
    project = open_project(root)
    (file,) = project.files()
    job = project.prepare(file)
    assert _recorded(job.path) == {"join_lines": False}
    work = WorkFile(job.path, source_lang="en", target_lang="ar")
    for row in range(len(work.rows)):
        work.confirm(row, ARABIC[row])
    work.save()
    (root / "rules.srx").write_text(ENGLISH_SRX, encoding="utf-8")
    config = (root / CONFIG_NAME).read_text(encoding="utf-8").replace('# srx = "rules.srx"', 'srx = "rules.srx"')
    (root / CONFIG_NAME).write_text(config, encoding="utf-8")
    before = job.path.read_bytes()
    remedy = f"put srx and srx_only in {CONFIG_NAME} back as they were when its work started"
    memory = ["--tm", SAMPLES / "news-memory.tmx"]
    for command in (["pretranslate", root, "--update"], ["pretranslate", root, *memory], ["finish", root]):
        refused = run_cli(*command)
        assert refused.code == 2 and "Traceback" not in refused.stderr, refused.stderr
        assert "was made with tmkit's own rules" in refused.stderr and remedy in refused.stderr, command
        assert "--update carries" not in refused.stdout + refused.stderr
    assert job.path.read_bytes() == before and not file.target.exists()
    stats = run_cli("stats", root)
    assert stats.code == 0 and "changed since" not in stats.stdout + stats.stderr
    # The config put back: finished as the work was cut.
    (root / CONFIG_NAME).write_text(config.replace('srx = "rules.srx"', '# srx = "rules.srx"'), encoding="utf-8")
    assert run_cli("finish", root, "--require-all").code == 0


def test_rules_moved_with_the_file_are_named_where_they_are_and_save_as_renames_them(tmp_path: Path) -> None:
    from tmkit.tui.finishing import FinishRequest, write_translated_document

    document, job = _label_job(tmp_path)
    moved = tmp_path / "elsewhere" / "label.en.tmx"
    moved.parent.mkdir()
    moved.write_bytes(job.read_bytes())
    out = tmp_path / "label.ar.txt"
    lost = run_cli("finish", document, "--work", moved, "-o", out)
    assert lost.code == 2 and "which are not there now" in lost.stderr and "with --srx" in lost.stderr
    # Named where they are (the same bytes), they cut the document as the file was cut.
    found = run_cli("finish", document, "--work", moved, "-o", out, "--srx", tmp_path / "rules/label.srx")
    assert found.code == 0, found.stderr
    assert out.read_text(encoding="utf-8").split() == " ".join(ARABIC).split()
    # The editor's Save As into another folder names the rules from there, so its finish key still finds them.
    work = WorkFile(job, source_lang="en", target_lang="ar")
    saved_as = tmp_path / "deeper" / "down" / "label.en.tmx"
    saved_as.parent.mkdir(parents=True)
    work.save_as(saved_as)
    assert _recorded(saved_as)["srx"] == "../../rules/label.srx"
    lines = write_translated_document(FinishRequest(document, tmp_path / "again.txt", False), saved_as)
    assert lines[0].startswith(f"wrote {tmp_path / 'again.txt'}: 3 of 3"), lines


@pytest.mark.parametrize(
    "record",
    ["[" * 20000, '{"srx": null, "srx_only": true, "join_lines": false}', '{"srx": "", "srx_sha256": "ab"}', "[]"],
)
def test_a_record_that_is_not_tmkits_is_one_line(tmp_path: Path, record: str) -> None:
    from tmkit.memory.model import Prop

    document, job = _label_job(tmp_path)
    memory = load_tmx(job)
    memory.header.props = [p for p in memory.header.props if p.type != SEGMENTATION_PROP]
    memory.header.props.append(Prop(SEGMENTATION_PROP, record))
    write_tmx(job, memory)
    bad = run_cli("finish", document, "-o", tmp_path / "out.txt")
    assert bad.code == 2 and bad.stderr.count("\n") == 1, bad.stderr
    assert f"{job}: its header's {SEGMENTATION_PROP} prop is not tmkit's record" in bad.stderr


def test_a_working_file_records_its_documents_version_and_the_check_on_opening_trusts_only_that(tmp_path: Path) -> None:
    from tmkit.jobs.source_text import DOCUMENT_PROP, _cutting_code, document_fingerprint
    from tmkit.jobs.workfile import prepare_job

    document = tmp_path / "article.ar.txt"
    document.write_text((SAMPLES / "article.ar.txt").read_text(encoding="utf-8"), encoding="utf-8")
    job = prepare_job(document, [SAMPLES / "news-memory.tmx"])
    header = load_tmx(job.path).header
    assert [p.value for p in header.props if p.type == DOCUMENT_PROP] == [document_fingerprint(document)]
    assert prepare_job(document, []).changed_from is None
    with document.open("a", encoding="utf-8") as handle:
        handle.write("\nجملة أضيفت بعد بدء العمل.\n")
    assert prepare_job(document, []).changed_from == job.segments + 1
    updated = run_cli("pretranslate", document, "-o", job.path, "--tm", SAMPLES / "news-memory.tmx", "--update")
    assert updated.code == 0, updated.stderr
    after = load_tmx(job.path)
    assert [p.value for p in after.header.props if p.type == DOCUMENT_PROP] == [document_fingerprint(document)]
    assert prepare_job(document, []).changed_from is None
    # Recorded by another tmkit (which may cut the same bytes otherwise): the document is cut and compared.
    assert after.header.props[-1].value.split()[1:] == ["format:text", f"cut:{_cutting_code()}"]
    after.header.props = [
        dataclasses.replace(p, value=p.value.rsplit(" ", 1)[0] + " cut:0123456789abcdef")
        if p.type == DOCUMENT_PROP
        else p
        for p in after.header.props
    ]
    del after.units[3]
    write_tmx(job.path, after)
    assert prepare_job(document, []).changed_from == 4


def test_edit_cuts_a_new_document_by_the_options_given_and_refuses_others_for_a_job_cut_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tmkit.cli import build_parser
    from tmkit.cli.edit_command import options_from_args

    monkeypatch.chdir(tmp_path)
    document = tmp_path / "d.ar.txt"
    document.write_text(WRAPPED, encoding="utf-8")
    options = options_from_args(build_parser().parse_args(["edit", str(document), "--join-lines"]))
    job = load_tmx(options.path)
    assert [u.variant("ar").text for u in job.units] == ["الرئيس الأسد يستقبل نائب رئيس الوزراء.", "فقرة ثانية هنا."]  # type: ignore[union-attr]
    assert _recorded(options.path) == {"join_lines": True}
    again = options_from_args(build_parser().parse_args(["edit", str(document)]))  # the job as it was cut
    assert again.path == options.path
    (tmp_path / "rules.srx").write_text(ENGLISH_SRX, encoding="utf-8")
    refused = run_cli("edit", document, "--srx", tmp_path / "rules.srx")
    assert refused.code == 2 and "was made with --join-lines" in refused.stderr, refused.stderr
    assert run_cli("edit", options.path, "--join-lines").code == 2  # a TMX is cut already
    project = _project(tmp_path)
    told = run_cli("edit", project, "--join-lines")
    assert told.code == 2 and "--join-lines is not for a project: its segmentation is in its config" in told.stderr


def test_a_projects_rules_edited_since_are_named_as_changed_and_resegment_cuts_the_work_anew(tmp_path: Path) -> None:
    """The config unchanged, its SRX file edited: it said the file 'was made with --srx X, not --srx X'; and no command
    would cut the work anew by the new rules."""
    root, project, file = _srx_project(tmp_path)
    work = WorkFile(project.prepare(file).path, source_lang="en", target_lang="ar")
    for row, arabic in enumerate(ARABIC):
        work.confirm(row, arabic)
    work.save()
    # The rules no longer break after a colon: "Net wt. 5 kg: fine." is one segment now.
    (root / "rules.srx").write_text(
        ENGLISH_SRX.replace('<rule break="yes"><beforebreak>:', '<rule break="no"><beforebreak>:')
    )
    refused = run_cli("pretranslate", root, "--update")
    assert refused.code == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "rules.srx as they were then; they changed since" in refused.stderr and "--resegment" in refused.stderr
    assert "not --srx" not in refused.stderr
    assert run_cli("pretranslate", root, "--resegment").code == 2  # (only with --update)
    cut = run_cli("pretranslate", root, "--update", "--resegment")
    assert cut.code == 0, cut.stderr
    units = load_tmx(file.work).units
    assert [u.variant("en").text for u in units] == ["Net wt. 5 kg: fine.", "Dr. No."]  # type: ignore[union-attr]
    assert units[1].status is Status.TRANSLATED and units[1].variant("ar").text == ARABIC[2]  # type: ignore[union-attr]
    assert units[0].status is not Status.TRANSLATED  # cut otherwise: the translator's to confirm again
    assert run_cli("finish", root).code == 0  # cut as the file now records
