"""Start-up stays light: the parser and --help load no heavy library; SRX rules are cached by content."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tmkit.text.segmentation import SRX_CACHE_FORMAT, load_srx, split_paragraph, srx_cache_entry, srx_cache_folder

#: Libraries that a command may load when it runs, never to parse its arguments or print --help.
HEAVY = ("sacrebleu", "numpy", "lxml", "textual", "rich", "rapidfuzz", "regex", "tmkit.tui")

_LOADED_BY_PARSER = """
import contextlib, io, json, sys
import tmkit.cli
parser = tmkit.cli.build_parser()
commands = sorted(next(a for a in parser._actions if a.dest == "command").choices)
for argv in (["--help"], *([name, "--help"] for name in commands)):
    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):
        tmkit.cli.main(argv)
    assert "usage: tmkit" in out.getvalue(), argv
heavy = {heavy!r}
def loaded():
    return sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))
before = loaded()
# The check must see a heavy import when one happens: load the matcher and look again.
import tmkit.matching.matcher
print(json.dumps({{"commands": commands, "loaded": before, "after_matcher": loaded()}}))
"""


def test_parser_and_help_load_no_heavy_library() -> None:
    code = _LOADED_BY_PARSER.format(heavy=HEAVY)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert {"match", "segment", "score", "edit"} <= set(report["commands"])
    assert report["loaded"] == [], f"importing the CLI and printing --help loaded {report['loaded']}"
    assert "numpy" in report["after_matcher"]


def _srx(*, abbreviation: str) -> str:
    """Rules for English that break after a full stop, except after ``abbreviation``."""
    return f"""<?xml version="1.0"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
<header cascade="no"/>
<body><languagerules>
<languagerule languagerulename="en">
<rule break="no"><beforebreak>\\b{abbreviation}\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
<rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
</languagerule></languagerules>
<maprules><languagemap languagepattern="en.*" languagerulename="en"/></maprules>
</body></srx>"""


TEXT = "See Dr. Smith and Mr. Jones. Then go."
WITH_DR = ["See Dr. Smith and Mr.", "Jones.", "Then go."]
WITH_MR = ["See Dr.", "Smith and Mr. Jones.", "Then go."]


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_srx_cache_lives_in_the_user_cache_dir(cache_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "rules.srx"
    path.write_text(_srx(abbreviation="Dr"), encoding="utf-8")
    assert split_paragraph(TEXT, lang="en", rules=load_srx(path)) == WITH_DR
    entry = srx_cache_entry(path.read_bytes())
    assert srx_cache_folder() == cache_home / "tmkit" / "srx"
    assert entry.parent == srx_cache_folder() and entry.is_file()
    assert json.loads(entry.read_text(encoding="utf-8"))["format"] == SRX_CACHE_FORMAT


def test_srx_cache_entry_is_what_a_later_call_reads(cache_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "rules.srx"
    path.write_text(_srx(abbreviation="Dr"), encoding="utf-8")
    load_srx(path)
    entry = srx_cache_entry(path.read_bytes())
    # Swap the stored exception: a call that really reads the entry now follows it.
    entry.write_text(entry.read_text(encoding="utf-8").replace("\\\\bDr", "\\\\bMr"), encoding="utf-8")
    assert split_paragraph(TEXT, lang="en", rules=load_srx(path)) == WITH_MR
    assert split_paragraph(TEXT, lang="en", rules=load_srx(path, cache=False)) == WITH_DR


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"\x00\xff garbage", id="garbage"),
        pytest.param(lambda data: data.replace(b'"cascade": false', b'"cascade": "no"'), id="wrong-type"),
        pytest.param(lambda data: data.replace(b'"sha256": "', b'"sha256": "0'), id="other-content"),
        pytest.param(
            lambda data: data.replace(f'"format": {SRX_CACHE_FORMAT}'.encode(), b'"format": -1'), id="old-format"
        ),
    ],
)
def test_damaged_srx_cache_entry_is_ignored_and_rebuilt(
    cache_home: Path, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "rules.srx"
    path.write_text(_srx(abbreviation="Dr"), encoding="utf-8")
    load_srx(path)
    entry = srx_cache_entry(path.read_bytes())
    good = entry.read_bytes()
    damaged = damage(good)
    assert damaged != good
    entry.write_bytes(damaged)
    assert split_paragraph(TEXT, lang="en", rules=load_srx(path)) == WITH_DR
    assert entry.read_bytes() == good  # rewritten whole


def test_different_srx_contents_do_not_share_an_entry(cache_home: Path, tmp_path: Path) -> None:
    dr, mr = tmp_path / "dr.srx", tmp_path / "mr.srx"
    dr.write_text(_srx(abbreviation="Dr"), encoding="utf-8")
    mr.write_text(_srx(abbreviation="Mr"), encoding="utf-8")
    for _ in range(2):  # the second round reads both from the cache
        assert split_paragraph(TEXT, lang="en", rules=load_srx(dr)) == WITH_DR
        assert split_paragraph(TEXT, lang="en", rules=load_srx(mr)) == WITH_MR
    assert srx_cache_entry(dr.read_bytes()) != srx_cache_entry(mr.read_bytes())
    # The same content under another name shares the entry: the key is the content, not the path.
    copy = tmp_path / "copy.srx"
    copy.write_bytes(dr.read_bytes())
    assert split_paragraph(TEXT, lang="en", rules=load_srx(copy)) == WITH_DR
    assert len(list(srx_cache_folder().glob("*.json"))) == 2


def test_unwritable_srx_cache_still_segments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = tmp_path / "rules.srx"
    path.write_text(_srx(abbreviation="Dr"), encoding="utf-8")
    assert split_paragraph(TEXT, lang="en", rules=load_srx(path)) == WITH_DR
