"""Merging memories: duplicates, conflict policies, and the three-way git merge driver."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.merge import CONFLICT_PROP, ConflictPolicy, merge_memories, merge_three_way
from tmkit.memory.model import Header, Memory, Segment, TranslationUnit, Variant


def tu(ar: str, en: str, *, tuid: str | None = None, changed: str | None = None) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(ar)), Variant("en", Segment.from_text(en))], tuid=tuid, change_date=changed
    )


def mem(*units: TranslationUnit) -> Memory:
    return Memory(Header(srclang="ar"), list(units))


def targets(memory: Memory) -> list[tuple[str, str]]:
    return [(u.variant("ar").text, u.variant("en").text) for u in memory]  # type: ignore[union-attr]


A = mem(tu("صباح الخير", "Good morning", changed="20200101T000000Z"), tu("شكرا", "Thanks"))
B = mem(
    tu("صباح الخير", "Good morning", changed="20210101T000000Z"),
    tu("شكرا", "Thank you", changed="20220101T000000Z"),
    tu("نعم", "Yes"),
)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            ConflictPolicy.KEEP_ALL,
            [("صباح الخير", "Good morning"), ("شكرا", "Thanks"), ("شكرا", "Thank you"), ("نعم", "Yes")],
        ),
        (ConflictPolicy.FIRST, [("صباح الخير", "Good morning"), ("شكرا", "Thanks"), ("نعم", "Yes")]),
        (ConflictPolicy.LAST, [("صباح الخير", "Good morning"), ("شكرا", "Thank you"), ("نعم", "Yes")]),
        (ConflictPolicy.NEWEST, [("صباح الخير", "Good morning"), ("شكرا", "Thank you"), ("نعم", "Yes")]),
        (ConflictPolicy.FAIL, []),
    ],
)
def test_two_way_policies(policy: ConflictPolicy, expected: list[tuple[str, str]]) -> None:
    result = merge_memories([A, B], policy=policy)
    assert targets(result.memory) == expected
    assert result.duplicates_dropped == 1
    assert len(result.conflicts) == 1
    if policy is not ConflictPolicy.FAIL:
        # The duplicate kept is the most recently changed copy.
        assert result.memory.units[0].change_date == "20210101T000000Z"


def test_merge_cli(tmp_path: Path) -> None:
    write_tmx(tmp_path / "a.tmx", A)
    write_tmx(tmp_path / "b.tmx", B)
    result = run_cli("merge", str(tmp_path / "a.tmx"), str(tmp_path / "b.tmx"), "-o", str(tmp_path / "m.tmx"))
    assert result.code == 0, result.stderr
    assert "1 duplicates dropped, 1 conflicts" in result.stderr
    assert len(load_tmx(tmp_path / "m.tmx")) == 4
    result = run_cli(
        "merge", "--policy", "fail", str(tmp_path / "a.tmx"), str(tmp_path / "b.tmx"), "-o", str(tmp_path / "f.tmx")
    )
    assert result.code == 1 and "conflict" in result.stderr
    assert not (tmp_path / "f.tmx").exists()


BASE = mem(
    tu("واحد", "one", tuid="1"),
    tu("اثنان", "two", tuid="2"),
    tu("ثلاثة", "three", tuid="3"),
    tu("أربعة", "four", tuid="4"),
)


def test_three_way_takes_each_sides_changes() -> None:
    ours = mem(
        tu("واحد", "ONE", tuid="1"),
        tu("اثنان", "two", tuid="2"),
        tu("أربعة", "four", tuid="4"),
        tu("خمسة", "five", tuid="5"),
    )
    theirs = mem(
        tu("واحد", "one", tuid="1"),
        tu("اثنان", "TWO", tuid="2"),
        tu("ثلاثة", "three", tuid="3"),
        tu("ستة", "six", tuid="6"),
    )
    result = merge_three_way(BASE, ours, theirs)
    assert not result.conflicts
    # ours changed 1, deleted 3, added 5; theirs changed 2, deleted 4, added 6.
    assert [(u.tuid, u.variant("en").text) for u in result.memory] == [
        ("1", "ONE"),
        ("2", "TWO"),
        ("5", "five"),
        ("6", "six"),
    ]  # type: ignore[union-attr]


def test_three_way_conflicts_keep_both_marked() -> None:
    ours = mem(tu("واحد", "One", tuid="1"), *BASE.units[1:3])
    theirs = mem(tu("واحد", "A single one", tuid="1"), *BASE.units[1:])
    result = merge_three_way(BASE, ours, theirs)
    kinds = sorted(c.description for c in result.conflicts)
    assert kinds == ["tuid 1 changed on both sides"]
    first_two = result.memory.units[:2]
    assert [(u.variant("en").text, u.props[0].type, u.props[0].value) for u in first_two] == [  # type: ignore[union-attr]
        ("One", CONFLICT_PROP, "ours"),
        ("A single one", CONFLICT_PROP, "theirs"),
    ]
    # tuid 4: ours deleted it, theirs left it as it was: deleted.
    assert [u.tuid for u in result.memory] == ["1", "1", "2", "3"]


def test_three_way_without_tuids_keys_on_source() -> None:
    base = mem(tu("نعم", "yes"), tu("لا", "no"))
    ours = mem(tu("نعم", "Yes"), tu("لا", "no"))
    theirs = mem(tu("نعم", "yes"), tu("لا", "No"))
    assert targets(merge_three_way(base, ours, theirs).memory) == [("نعم", "Yes"), ("لا", "No")]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_as_a_real_git_merge_driver(tmp_path: Path) -> None:
    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True, check=False)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    driver = f"{sys.executable} -m tmkit merge-driver %O %A %B"
    git("config", "merge.tmx.driver", driver)
    (tmp_path / ".gitattributes").write_text("*.tmx merge=tmx\n")
    write_tmx(tmp_path / "tm.tmx", BASE)
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "theirs")
    write_tmx(tmp_path / "tm.tmx", mem(*BASE.units[:3], tu("أربعة", "FOUR", tuid="4")))
    git("commit", "-qam", "theirs")
    git("checkout", "-q", "main")
    write_tmx(tmp_path / "tm.tmx", mem(tu("واحد", "ONE", tuid="1"), *BASE.units[1:]))
    git("commit", "-qam", "ours")
    merged = git("merge", "-q", "--no-edit", "theirs")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    final = load_tmx(tmp_path / "tm.tmx")
    assert [u.variant("en").text for u in final] == ["ONE", "two", "three", "FOUR"]  # type: ignore[union-attr]
