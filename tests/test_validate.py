"""`tmkit validate`: each rule the DTD cannot check, as a table of small documents and expected findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, TMX_HEAD, run_cli, tmx_doc
from tmkit.formats.tmx_validate import Severity, validate_tmx


def unit(ar_seg: str, en_seg: str = "ok", tu_attrs: str = "", ar_lang: str = "ar") -> str:
    return f'<tu{tu_attrs}><tuv xml:lang="{ar_lang}"><seg>{ar_seg}</seg></tuv><tuv xml:lang="en"><seg>{en_seg}</seg></tuv></tu>\n'


# (name, body, expected error codes)
CASES = [
    ("valid", unit('نص <bpt i="1">&lt;b&gt;</bpt>غامق<ept i="1">&lt;/b&gt;</ept>'), set()),
    (
        "duplicate bpt i",
        unit('<bpt i="1">a</bpt><bpt i="1">b</bpt>x<ept i="1">c</ept><ept i="1">d</ept>'),
        {"duplicate-i"},
    ),
    ("bpt without ept", unit('<bpt i="1">a</bpt>x'), {"unpaired-bpt"}),
    ("ept without bpt", unit('x<ept i="2">a</ept>'), {"unpaired-ept"}),
    ("ept before bpt", unit('<ept i="1">a</ept>x<bpt i="1">b</bpt>'), {"unpaired-ept", "unpaired-bpt"}),
    ("bpt without i", unit("<bpt>a</bpt>x"), {"missing-i"}),
    ("it without pos", unit('<it x="1">a</it>x'), {"it-pos"}),
    ("it with bad pos", unit('<it pos="middle">a</it>x'), {"it-pos"}),
    ("foreign markup", unit('<g id="1">x</g>'), {"foreign-markup"}),
    ("sub outside code", unit("<hi><sub>x</sub></hi>"), {"sub-outside-code"}),
    ("bad language tag", unit("x", ar_lang="arabic language"), {"language-tag", "missing-source"}),
    (
        "source variant missing",
        '<tu><tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="fr"><seg>b</seg></tuv></tu>\n',
        {"missing-source"},
    ),
    ("bad date", unit("x", tu_attrs=' creationdate="last week"'), {"bad-date"}),
    ("invalid unit", "<tu><tuv><seg>x</seg></tuv></tu>\n", {"skipped-unit"}),
]


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rules(tmp_path: Path, name: str, body: str, expected: set[str]) -> None:
    path = tmp_path / "t.tmx"
    path.write_text(tmx_doc(body), encoding="utf-8")
    errors = {p.code for p in validate_tmx(path) if p.severity is Severity.ERROR}
    assert errors == expected
    result = run_cli("validate", str(path))
    assert result.code == (1 if expected else 0), result.stdout + result.stderr


def test_warnings_and_strict(tmp_path: Path) -> None:
    path = tmp_path / "t.tmx"
    path.write_text(tmx_doc(unit("x", tu_attrs=' tuid="1"') + unit("y", tu_attrs=' tuid="1"')), encoding="utf-8")
    problems = validate_tmx(path)
    assert [(p.line, p.severity, p.code) for p in problems] == [(6, Severity.WARNING, "duplicate-tuid")]
    assert run_cli("validate", str(path)).code == 0
    assert run_cli("validate", "--strict", str(path)).code == 1


def test_missing_header_attributes_and_ude_base(tmp_path: Path) -> None:
    head = TMX_HEAD.replace(' o-tmf="t"', "").replace(
        "/>\n<body>", '><ude name="x"><map unicode="#xE000" code="#x01"/></ude></header>\n<body>'
    )
    path = tmp_path / "t.tmx"
    path.write_text(tmx_doc(unit("x"), head), encoding="utf-8")
    codes = {p.code for p in validate_tmx(path)}
    assert {"header-attribute", "ude-base"} <= codes


def test_dtd_option(tmp_path: Path, tmx_dtd: Path) -> None:
    path = tmp_path / "t.tmx"
    path.write_text(tmx_doc(unit("x", tu_attrs=' foo="bar"')), encoding="utf-8")
    result = run_cli("validate", "--dtd", str(tmx_dtd), str(path))
    assert result.code == 1
    assert "[dtd]" in result.stdout and "foo" in result.stdout


def test_json_output_and_malformed_file(tmp_path: Path) -> None:
    good = tmp_path / "good.tmx"
    good.write_text(tmx_doc(unit("x")), encoding="utf-8")
    bad = tmp_path / "bad.tmx"
    bad.write_text(tmx_doc(unit("x"))[:-30], encoding="utf-8")
    result = run_cli("validate", "--json", str(good), str(bad))
    assert result.code == 2
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert data["problems"][0]["code"] == "unreadable" and data["problems"][0]["line"]


def test_samples_are_valid(tmx_dtd: Path) -> None:
    files = sorted(str(p) for p in SAMPLES.glob("*.tmx"))
    assert len(files) >= 2
    result = run_cli("validate", "--strict", "--dtd", str(tmx_dtd), *files)
    assert result.code == 0, result.stdout + result.stderr


CONFLICTED = unit("x", "ours", tu_attrs=' tuid="7"').replace(
    '<tu tuid="7">', '<tu tuid="7"><prop type="x-tmkit-conflict">ours</prop>'
) + unit("x", "theirs", tu_attrs=' tuid="7"').replace(
    '<tu tuid="7">', '<tu tuid="7"><prop type="x-tmkit-conflict">theirs</prop>'
)


def test_unsettled_merge_conflicts_warn_and_fail_with_strict(tmp_path: Path) -> None:
    path = tmp_path / "t.tmx"
    path.write_text(tmx_doc(CONFLICTED), encoding="utf-8")
    conflicts = [p for p in validate_tmx(path) if p.code == "merge-conflict"]
    assert [(p.line, p.severity) for p in conflicts] == [(5, Severity.WARNING), (6, Severity.WARNING)]
    assert all("tuid 7" in p.message for p in conflicts)
    assert "'ours'" in conflicts[0].message and "'theirs'" in conflicts[1].message
    done = run_cli("validate", str(path))
    assert done.code == 0 and f"{path}:5: warning: unsettled merge conflict in tuid 7" in done.stdout
    strict = run_cli("validate", "--strict", str(path))
    assert strict.code == 1
    assert f"{path}:5: error: unsettled merge conflict in tuid 7" in strict.stdout
    assert f"{path}: invalid (2 errors" in strict.stdout


def test_strict_says_invalid_when_warnings_fail_it(tmp_path: Path) -> None:
    # It printed "valid (0 errors, 2 warnings)" and exited 1: the verdict now says what the exit code does.
    path = tmp_path / "t.tmx"
    path.write_text(tmx_doc(unit("", "empty")), encoding="utf-8")  # an empty segment: a warning
    lenient, strict = run_cli("validate", str(path)), run_cli("validate", "--strict", str(path))
    assert lenient.code == 0 and f"{path}: valid (0 errors, 1 warning)" in lenient.stdout
    assert strict.code == 1 and f"{path}: invalid with --strict (0 errors, 1 warning)" in strict.stdout


def test_a_dtd_that_is_not_there_is_said_before_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.tmx"
    path.write_text(tmx_doc(unit("نص")), encoding="utf-8")
    missing = run_cli("validate", "--dtd", str(tmp_path / "none.dtd"), str(path))
    assert missing.code == 2 and f"tmkit: error: {tmp_path / 'none.dtd'}: no such file" in missing.stderr
    folder = run_cli("validate", "--dtd", str(tmp_path), str(path))
    assert folder.code == 2 and f"tmkit: error: {tmp_path}: not a file" in folder.stderr
