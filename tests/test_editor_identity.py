"""The translator's identity: where it comes from (--user, the config file, git, the login name) and where it is
written (changeid/changedate on every edited unit and target, creationid/creationdate on new targets, the journal)."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.cli import build_parser
from tmkit.cli.edit_command import options_from_args
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.config import EditorConfig, QaOnConfirm, config_path, load_config, resolve_user
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.dates import parse_tmx_date
from tmkit.memory.model import Status


def _fresh_row(document: WorkFile) -> int:
    """A row whose target is not yet there (a new variant): where creationid belongs."""
    return next(i for i, r in enumerate(document.rows) if r.target is None)


def _with_new_segment(path: Path) -> Path:
    """The sample with a segment that has no target yet (as a text document's working TMX has)."""
    memory = load_tmx(path)
    memory.units[3].variants = [v for v in memory.units[3].variants if v.lang.startswith("ar")]
    memory.units[3].status = Status.NEW
    write_tmx(path, memory)
    return path


def test_an_edit_writes_changeid_and_utc_changedate_on_the_unit_and_its_target(work: Path) -> None:
    path = work / "article.tmx"
    document = WorkFile(path, user="rana.h")
    before = load_tmx(path).units
    document.confirm(5, "The edited translation.")
    document.save()

    units = load_tmx(path).units
    unit, target = units[5], units[5].variant("en")
    assert target is not None
    assert (unit.change_id, target.change_id) == ("rana.h", "rana.h")
    assert unit.change_date is not None and unit.change_date == target.change_date
    assert unit.change_date.endswith("Z") and parse_tmx_date(unit.change_date) is not None
    # The target existed: who created it stays who created it.
    old_target = before[5].variant("en")
    assert old_target is not None and target.creation_id == old_target.creation_id
    # A unit nobody touched keeps its stamps.
    assert (units[6].change_id, units[6].change_date) == (before[6].change_id, before[6].change_date)


def test_a_new_target_gets_creationid_and_creationdate(work: Path) -> None:
    path = _with_new_segment(work / "article.tmx")
    document = WorkFile(path, user="omar")
    row = _fresh_row(document)
    document.set_target(row, "A first translation.")
    document.save()
    target = load_tmx(path).units[3].variant("en")
    assert target is not None
    assert (target.creation_id, target.change_id) == ("omar", "omar")
    assert target.creation_date is not None and target.creation_date == target.change_date


def test_a_status_change_alone_is_stamped_too(work: Path) -> None:
    path = work / "article.tmx"
    document = WorkFile(path, user="lina")
    document.reject(2)
    document.save()
    unit = load_tmx(path).units[2]
    assert unit.rejected and unit.change_id == "lina"


def test_undo_puts_back_who_and_when(work: Path) -> None:
    path = work / "article.tmx"
    before = load_tmx(path).units[5]
    document = WorkFile(path, user="rana.h")
    document.confirm(5, "Changed.")
    document.undo()
    document.save()
    after = load_tmx(path).units[5]
    assert (after.change_id, after.change_date) == (before.change_id, before.change_date)
    assert after.variant("en") == before.variant("en")


def test_recovery_keeps_who_and_when_the_edit_was_made(work: Path) -> None:
    path = work / "article.tmx"
    crashed = WorkFile(path, user="rana.h")
    crashed.confirm(5, "Journalled only.")
    made = crashed.rows[5].unit.change_date
    crashed.close_journal()

    # Recovered by someone else, later: the edit is still rana.h's, at the time she made it.
    recovering = WorkFile(path, user="somebody-else")
    recovering.recover()
    recovering.save()
    unit = load_tmx(path).units[5]
    target = unit.variant("en")
    assert target is not None and target.text == "Journalled only."
    assert (unit.change_id, unit.change_date, target.change_id) == ("rana.h", made, "rana.h")


# -- where the identity comes from ---------------------------------------------------------------


def test_user_comes_from_the_flag_then_the_config_file(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text('user = "from-config"\nqa_on_confirm = "warn"\n', encoding="utf-8")
    config = load_config(file)
    assert config == EditorConfig(user="from-config", qa_on_confirm=QaOnConfirm.WARN, path=file)
    assert resolve_user("from-flag", config) == "from-flag"
    assert resolve_user(None, config) == "from-config"


def test_config_file_is_found_in_xdg_config_home(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    assert config_path(env) == tmp_path / "tmkit" / "config.toml"
    assert config_path({"XDG_CONFIG_HOME": "relative/ignored"}) == Path.home() / ".config" / "tmkit" / "config.toml"
    (tmp_path / "tmkit").mkdir()
    (tmp_path / "tmkit" / "config.toml").write_text('user = "x"\n', encoding="utf-8")
    assert load_config(env=env).user == "x"
    assert load_config(tmp_path / "none.toml") == EditorConfig()  # no file: the defaults


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('user = "a"\nqa_on_confirm = "eror"\n', 2, "qa_on_confirm must be one of"),
        ("# who\nuser = 42\n", 2, "user must be a string"),
        ('user = "a"\n\nthis is not toml\n', 3, "not TOML"),
    ],
)
def test_a_bad_config_file_is_one_line_naming_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    file = tmp_path / "config.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_config(file)
    message = str(raised.value)
    assert message.startswith(f"{file}:{line}") and words in message and "\n" not in message


def test_without_flag_or_config_git_then_the_login_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "config", "--global", "user.name", "Git Person"], check=True, env={**os.environ})
    assert resolve_user(None, EditorConfig()) == "Git Person"
    subprocess.run(["git", "config", "--global", "--unset", "user.name"], check=True, env={**os.environ})
    assert resolve_user(None, EditorConfig()) == getpass.getuser()


# -- tmkit edit ------------------------------------------------------------------------------------


def _config(home: Path, text: str) -> Path:
    (home / "tmkit").mkdir(parents=True, exist_ok=True)
    file = home / "tmkit" / "config.toml"
    file.write_text(text, encoding="utf-8")
    return file


def test_edit_takes_user_from_the_flag_else_the_config_file(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(work / "config"))
    _config(work / "config", 'user = "config-user"\nqa_on_confirm = "warn"\n')
    options = options_from_args(build_parser().parse_args(["edit", str(work / "article.tmx"), "--user", "flag-user"]))
    assert (options.user, options.qa_on_confirm) == ("flag-user", QaOnConfirm.WARN)
    options = options_from_args(build_parser().parse_args(["edit", str(work / "article.tmx")]))
    assert options.user == "config-user"


def test_edit_refuses_a_bad_config_file_in_one_line(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(work / "config"))
    file = _config(work / "config", 'user = "a"\nqa_on_confirm = "sometimes"\n')
    result = run_cli("edit", work / "article.tmx")
    assert result.code == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"{file}:2" in line and "qa_on_confirm" in line


def test_a_text_document_becomes_units_created_by_the_translator(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(work / "config"))
    args = ["edit", str(work / "article.ar.txt"), "--tm", str(work / "news-memory.tmx"), "--user", "omar"]
    options = options_from_args(build_parser().parse_args(args))
    memory = load_tmx(options.path)
    assert {unit.creation_id for unit in memory.units} == {"omar"}
    drafts = [unit.variant("en") for unit in memory.units if unit.status is Status.DRAFT]
    assert drafts and all(v is not None and v.creation_id == "omar" and v.creation_date for v in drafts)
