"""Merging memories: duplicates, conflict policies, and the three-way git merge driver."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli, tmx_doc
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.memory.digests import DIGEST_BYTES
from tmkit.memory.merge import (
    _DATED_FIELDS,
    CONFLICT_PROP,
    ConflictPolicy,
    _unit_digests,
    conflict_side,
    merge_headers,
    merge_memories,
    merge_three_way,
    put_in_their_order,
    untranslated,
)
from tmkit.memory.model import Header, Inline, Memory, Note, Prop, Segment, Status, TranslationUnit, Variant


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
    assert result.conflicts[0].sources == (0, 1)  # "Thanks" from A, "Thank you" from B
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
    # Each version by its file and line (it said "lines 88, 2941": of which file, with two memories, was left to guess).
    a_line = next(u.line for u in load_tmx(tmp_path / "a.tmx") if u.variant("ar") and u.variant("ar").text == "شكرا")  # type: ignore[union-attr]
    assert re.search(
        rf"different translations of 'شكرا' \({re.escape(str(tmp_path / 'a.tmx'))}:{a_line}, ", result.stderr
    )
    assert re.search(rf", {re.escape(str(tmp_path / 'b.tmx'))}:\d+\)", result.stderr), result.stderr
    assert "1 conflicting translation;" in result.stderr
    assert not (tmp_path / "f.tmx").exists()


def test_foreign_markup_in_a_namespace_is_written_as_xml(tmp_path: Path) -> None:
    # It was written in lxml's Clark notation, `<{http://www.w3.org/2001/XInclude}include .../>`: a merged
    # memory no XML parser (tmkit's own included) could read again.
    (tmp_path / "a.tmx").write_text(
        tmx_doc(
            '<tu tuid="1"><tuv xml:lang="ar"><seg>مرحبا</seg></tuv><tuv xml:lang="en"><seg>Hello '
            '<x:b xmlns:x="urn:a" x:k="v" y:k="w" xmlns:y="urn:b"><x:i>big</x:i></x:b> world</seg></tuv></tu>\n'
        ),
        encoding="utf-8",
    )
    result = run_cli("merge", tmp_path / "a.tmx", "-o", tmp_path / "m.tmx")
    assert result.code == 0, result.stderr
    again = run_cli("merge", tmp_path / "m.tmx", "-o", tmp_path / "m2.tmx")
    assert again.code == 0, again.stderr
    (unit,) = load_tmx(tmp_path / "m2.tmx")
    (outer,) = [part for part in unit.variant("en").segment.content if isinstance(part, Inline)]  # type: ignore[union-attr]
    assert outer.tag == "{urn:a}b" and dict(outer.attrs) == {"{urn:a}k": "v", "{urn:b}k": "w"}
    assert outer.content == (Inline("{urn:a}i", (), ("big",)),)


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
    assert [(u.tuid, u.variant("en").text) for u in result.memory] == [  # type: ignore[union-attr]
        ("1", "ONE"),
        ("2", "TWO"),
        ("5", "five"),
        ("6", "six"),
    ]


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


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git_repository(folder: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """A new git repository in ``folder`` with tmkit's merge driver set up as the README says."""

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    git("config", "commit.gpgsign", "false")
    git("config", "merge.tmx.driver", f"{sys.executable} -m tmkit merge-driver %O %A %B")
    (folder / ".gitattributes").write_text("*.tmx merge=tmx\n")
    return git


@needs_git
def test_as_a_real_git_merge_driver(tmp_path: Path) -> None:
    git = git_repository(tmp_path)
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


# -- both branches add the same file: git passes an empty base ------------------------------------

OURS_ADDED = mem(
    tu("واحد", "one", tuid="1", changed="20240101T000000Z"),
    tu("اثنان", "two", tuid="2"),
    tu("ثلاثة", "three", tuid="3"),
)
THEIRS_ADDED = mem(
    tu("واحد", "one", tuid="1", changed="20240301T000000Z"),
    tu("أربعة", "four", tuid="4"),
    tu("اثنان", "a pair", tuid="2"),
)


def test_no_common_ancestor_merges_two_additions() -> None:
    result = merge_three_way(None, OURS_ADDED, THEIRS_ADDED)
    # tuid 1 added alike on both sides (dates aside): once, the later copy; 2 added differently:
    # both versions, marked; 3 and 4 added on one side only: taken.
    assert [(u.tuid, u.variant("en").text, conflict_side(u)) for u in result.memory] == [  # type: ignore[union-attr]
        ("1", "one", None),
        ("2", "two", "ours"),
        ("2", "a pair", "theirs"),
        ("3", "three", None),
        ("4", "four", None),
    ]
    assert result.memory.units[0].change_date == "20240301T000000Z"
    assert [c.description for c in result.conflicts] == ["tuid 2 added differently on both sides"]


def test_driver_with_an_empty_base_keeps_every_unit_and_reports_the_conflict(tmp_path: Path) -> None:
    base, ours, theirs = tmp_path / "base.tmx", tmp_path / "ours.tmx", tmp_path / "theirs.tmx"
    base.write_bytes(b"")
    write_tmx(ours, OURS_ADDED)
    write_tmx(theirs, THEIRS_ADDED)
    done = run_cli("merge-driver", base, ours, theirs)
    assert done.code == 1, done.stderr
    assert re.search(r"tuid 2 added differently on both sides \(ours:\d+, theirs:\d+\)", done.stderr), done.stderr
    assert [(u.tuid, u.variant("en").text) for u in load_tmx(ours)] == [  # type: ignore[union-attr]
        ("1", "one"),
        ("2", "two"),
        ("2", "a pair"),
        ("3", "three"),
        ("4", "four"),
    ]


def _add_on_two_branches(tmp_path: Path, ours: Memory, theirs: Memory) -> subprocess.CompletedProcess[str]:
    """Both branches add tm.tmx (git's add/add); returns `git merge theirs` run on main."""
    git = git_repository(tmp_path)
    git("add", ".gitattributes")
    git("commit", "-qm", "start")
    git("checkout", "-qb", "theirs")
    write_tmx(tmp_path / "tm.tmx", theirs)
    git("add", "tm.tmx")
    git("commit", "-qm", "theirs adds the memory")
    git("checkout", "-q", "main")
    write_tmx(tmp_path / "tm.tmx", ours)
    git("add", "tm.tmx")
    git("commit", "-qm", "ours adds the memory")
    return git("merge", "--no-edit", "theirs")


@needs_git
def test_git_add_add_keeps_every_unit_of_both_branches_and_reports_the_conflict(tmp_path: Path) -> None:
    merged = _add_on_two_branches(tmp_path, OURS_ADDED, THEIRS_ADDED)
    assert merged.returncode != 0, merged.stdout + merged.stderr
    assert "CONFLICT" in merged.stdout and "tm.tmx" in merged.stdout
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert "AA tm.tmx" in status  # unmerged: `git add` is the person's call, not the driver's
    final = [(u.tuid, u.variant("en").text) for u in load_tmx(tmp_path / "tm.tmx")]  # type: ignore[union-attr]
    every_unit = {(u.tuid, u.variant("en").text) for u in [*OURS_ADDED.units, *THEIRS_ADDED.units]}  # type: ignore[union-attr]
    assert set(final) == every_unit and len(final) == len(every_unit)


@needs_git
def test_git_add_add_without_a_conflict_merges_cleanly(tmp_path: Path) -> None:
    theirs = mem(OURS_ADDED.units[0], tu("أربعة", "four", tuid="4"))
    merged = _add_on_two_branches(tmp_path, OURS_ADDED, theirs)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert [u.tuid for u in load_tmx(tmp_path / "tm.tmx")] == ["1", "2", "3", "4"]


def untranslated_tu(ar: str, *, tuid: str, en: str | None = None, note: str | None = None) -> TranslationUnit:
    """A segment not started, as a working file holds it: its source only (or an empty target), status new."""
    variants = [Variant("ar", Segment.from_text(ar))]
    if en is not None:
        variants.append(Variant("en", Segment.from_text(en)))
    notes = [Note(note)] if note is not None else []
    return TranslationUnit(variants, tuid=tuid, status=Status.NEW, notes=notes)


# Both clones made the working file (no common ancestor): ann translated 1 and 2, omar 2 (otherwise) and 3.
ANN_WORK = mem(
    tu("واحد", "one", tuid="1"),
    tu("اثنان", "two", tuid="2"),
    untranslated_tu("ثلاثة", tuid="3"),
    untranslated_tu("أربعة", tuid="4", en=""),
    untranslated_tu("خمسة", tuid="5", note="ask the client"),
)
OMAR_WORK = mem(
    untranslated_tu("واحد", tuid="1", en=""),
    tu("اثنان", "a pair", tuid="2"),
    tu("ثلاثة", "three", tuid="3"),
    tu("أربعة", "four", tuid="4"),
    tu("خمسة", "five", tuid="5"),
)
#: What the merge keeps of them: each translation made on one side only, one conflict where both translated, and
#: one where the untranslated side holds a note (someone's work, never dropped).
WORK_MERGED = [
    ("1", "one", None),
    ("2", "two", "ours"),
    ("2", "a pair", "theirs"),
    ("3", "three", None),
    ("4", "four", None),
    ("5", None, "ours"),
    ("5", "five", "theirs"),
]


def _work_targets(memory: Memory) -> list[tuple[str | None, str | None, str | None]]:
    return [
        (u.tuid, (v.text if (v := u.variant("en")) is not None and v.text else None), conflict_side(u)) for u in memory
    ]


def test_no_common_ancestor_takes_a_translation_the_other_side_left_untranslated() -> None:
    result = merge_three_way(None, ANN_WORK, OMAR_WORK)
    assert _work_targets(result.memory) == WORK_MERGED
    assert [c.key for c in result.conflicts] == ["tuid 2", "tuid 5"]
    # The same from the other side.
    assert [(tuid, text) for tuid, text, side in _work_targets(merge_three_way(None, OMAR_WORK, ANN_WORK).memory)] == [
        ("1", "one"),
        ("2", "a pair"),
        ("2", "two"),
        ("3", "three"),
        ("4", "four"),
        ("5", "five"),
        ("5", None),
    ]


def test_a_translation_made_of_codes_is_no_blank() -> None:
    # A reviewer's second look: a segment that is only a footnote reference is translated by that code; such a target
    # has no text, and was taken for untranslated, so the other side's work won without a conflict.
    footnote = Segment((Inline("ph", (("x", "1"),), ("&lt;footnoteReference/&gt;",)),))
    coded = TranslationUnit([Variant("ar", footnote), Variant("en", footnote)], tuid="9", status=Status.TRANSLATED)
    assert coded.variant("en").text == "" and not untranslated(coded, "ar")  # type: ignore[union-attr]
    assert untranslated(untranslated_tu("اثنان", tuid="2", en=""), "ar")


def test_a_unit_in_the_base_left_untranslated_on_one_side_is_no_addition() -> None:
    # With an ancestor holding the unit, a side that emptied a translation changed it: that is a conflict still.
    base = mem(tu("اثنان", "two", tuid="2"))
    ours = mem(untranslated_tu("اثنان", tuid="2", en=""))
    theirs = mem(tu("اثنان", "a pair", tuid="2"))
    assert [side for _, _, side in _work_targets(merge_three_way(base, ours, theirs).memory)] == ["ours", "theirs"]


def test_driver_with_an_empty_base_takes_a_translation_the_other_side_left_untranslated(tmp_path: Path) -> None:
    base, ours, theirs = tmp_path / "base.tmx", tmp_path / "ours.tmx", tmp_path / "theirs.tmx"
    base.write_bytes(b"")
    write_tmx(ours, ANN_WORK)
    write_tmx(theirs, OMAR_WORK)
    done = run_cli("merge-driver", base, ours, theirs)
    assert done.code == 1, done.stderr
    assert "2 units in conflict" in done.stderr, done.stderr
    assert _work_targets(load_tmx(ours)) == WORK_MERGED
    # The streamed merge writes what the one in memory makes, byte for byte.
    expected = tmp_path / "expected.tmx"
    write_tmx(expected, merge_three_way(None, ANN_WORK, OMAR_WORK).memory)
    assert ours.read_bytes() == expected.read_bytes()


# -- the header -----------------------------------------------------------------------------------


def header(**changes: object) -> Header:
    base = Header(srclang="ar", adminlang="en", datatype="plaintext", props=[Prop("client", "ACME")])
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_header_changes_of_each_side_are_taken() -> None:
    base = header(change_date="20240101T000000Z")
    ours = header(datatype="html", change_date="20240201T000000Z")
    theirs = header(
        segtype="paragraph",
        props=[Prop("client", "ACME Corp"), Prop("project", "Q3")],
        extra_attrs={"x-team": "ar"},
        change_date="20240301T000000Z",
    )
    merged, clashes = merge_headers(base, ours, theirs)
    assert clashes == []
    assert (merged.datatype, merged.segtype, merged.extra_attrs) == ("html", "paragraph", {"x-team": "ar"})
    assert [(p.type, p.value) for p in merged.props] == [("client", "ACME Corp"), ("project", "Q3")]
    assert merged.change_date == "20240301T000000Z"  # the later change, not a conflict


def test_header_changed_differently_on_both_sides_keeps_ours_and_says_so() -> None:
    base = header()
    ours = header(srclang="ar-SA", props=[Prop("client", "ACME Ltd")])
    theirs = header(srclang="ar-EG", props=[Prop("client", "ACME Corp")])
    merged, clashes = merge_headers(base, ours, theirs)
    assert (merged.srclang, merged.props) == ("ar-SA", [Prop("client", "ACME Ltd")])
    assert clashes == [
        "header srclang changed on both sides: kept ours 'ar-SA', theirs was 'ar-EG'",
        "header prop client changed on both sides: kept ours 'ACME Ltd', theirs was 'ACME Corp'",
    ]


def test_driver_merges_the_header_and_reports_a_clash(tmp_path: Path) -> None:
    paths = [tmp_path / name for name in ("base.tmx", "ours.tmx", "theirs.tmx")]
    for path, head in zip(
        paths, [header(), header(adminlang="ar"), header(adminlang="fr", segtype="block")], strict=True
    ):
        write_tmx(path, Memory(head, list(BASE.units)))
    done = run_cli("merge-driver", *paths)
    assert done.code == 1
    assert "header adminlang changed on both sides: kept ours 'ar', theirs was 'fr'" in done.stderr
    merged = load_tmx(paths[1]).header
    assert (merged.adminlang, merged.segtype) == ("ar", "block")
    assert [u.tuid for u in load_tmx(paths[1])] == ["1", "2", "3", "4"]


def test_two_way_merge_reports_conflict_units_in_its_inputs(tmp_path: Path) -> None:
    marked = merge_three_way(None, OURS_ADDED, THEIRS_ADDED).memory
    write_tmx(tmp_path / "marked.tmx", marked)
    write_tmx(tmp_path / "other.tmx", A)
    done = run_cli("merge", tmp_path / "other.tmx", tmp_path / "marked.tmx", "-o", tmp_path / "m.tmx")
    assert done.code == 0, done.stderr
    assert f"{tmp_path / 'marked.tmx'}: 2 units are versions of unsettled merge conflicts" in done.stderr
    assert "other.tmx:" not in done.stderr


# -- the three-way merge's digests -----------------------------------------------------------------------

#: A value other than `_digested_unit`'s for each field of the model that `==` compares.
_OTHER_VALUES: dict[str, object] = {
    "tuid": "other",
    "status": Status.REVIEWED,
    "rejected": True,
    "status_label": "needs-review",
    "srclang": "en",
    "props": [Prop("x-domain", "law")],
    "notes": [Note("checked")],
    "creation_date": "20200101T000000Z",
    "creation_id": "sami",
    "change_date": "20240101T000000Z",
    "change_id": "lina",
    "usage_count": "3",
    "last_usage_date": "20240202T000000Z",
    "extra_attrs": {"o-tmf": "x"},
    "lang": "fr",
    "segment": Segment.from_text("autre"),
}


def _digested_unit(**changes: dict[str, Any]) -> TranslationUnit:
    """A pair whose unit (``changes["unit"]``) or English variant (``changes["variant"]``) has fields changed."""
    english = dataclasses.replace(Variant("en", Segment.from_text("yes")), **changes.get("variant", {}))
    unit = TranslationUnit([Variant("ar", Segment.from_text("نعم")), english], status=Status.TRANSLATED)
    return dataclasses.replace(unit, **changes.get("unit", {}))


@pytest.mark.parametrize("kind", ["unit", "variant"])
def test_a_three_way_merge_tells_units_apart_by_every_field_and_dates_apart_from_the_rest(kind: str) -> None:
    """Its digests (with dates, without) differ for units differing in any field `==` compares; without dates,
    they are equal for units differing only in dates (a change of dates alone is no conflict). A field added to the
    model fails here until it is given a value above (and digested)."""
    model = TranslationUnit if kind == "unit" else Variant
    compared = {f.name for f in dataclasses.fields(model) if f.compare} - {"variants"}
    assert compared <= set(_OTHER_VALUES), (
        f"{model.__name__} fields without a value here: {compared - set(_OTHER_VALUES)}"
    )
    same = _unit_digests(_digested_unit())
    assert _unit_digests(_digested_unit()) == same
    for name in sorted(compared):
        changed = _unit_digests(_digested_unit(**{kind: {name: _OTHER_VALUES[name]}}))
        dated, undated = changed[:DIGEST_BYTES], changed[DIGEST_BYTES:]
        assert dated != same[:DIGEST_BYTES], name
        assert (undated == same[DIGEST_BYTES:]) == (name in _DATED_FIELDS), name


def test_a_merge_put_in_their_order_keeps_a_conflicts_two_copies_and_our_own_units_where_they_were() -> None:
    def unit(tuid: str, english: str) -> TranslationUnit:
        return TranslationUnit(
            [Variant("ar", Segment.from_text(f"جملة {tuid}")), Variant("en", Segment.from_text(english))], tuid=tuid
        )

    base = Memory(Header(srclang="ar"), [unit("1", "one"), unit("2", "two"), unit("3", "three")])
    # Ours: 2 changed, a unit of our own after 3. Theirs (a new version of the document): 3 moved first, 2 changed
    # otherwise, a new unit 4 between them, 1 as it was.
    ours = Memory(Header(srclang="ar"), [unit("1", "one"), unit("2", "two!"), unit("3", "three"), unit("9", "ours")])
    theirs = Memory(Header(srclang="ar"), [unit("3", "three"), unit("4", "four"), unit("2", "two?"), unit("1", "one")])
    merged = merge_three_way(base, ours, theirs)
    assert [u.tuid for u in merged.memory.units] == ["1", "2", "2", "3", "9", "4"]  # ours, then theirs' additions
    put_in_their_order(merged.memory, theirs)
    assert [u.tuid for u in merged.memory.units] == ["3", "9", "4", "2", "2", "1"]
    assert [u.variant("en").text for u in merged.memory.units if u.tuid == "2"] == ["two!", "two?"]  # type: ignore[union-attr]


def test_a_conflicts_two_copies_stay_together_where_a_source_without_tuid_repeats() -> None:
    def unit(arabic: str, english: str) -> TranslationUnit:
        return TranslationUnit([Variant("ar", Segment.from_text(arabic)), Variant("en", Segment.from_text(english))])

    base = Memory(Header(srclang="ar"), [unit("مقدمة", ""), unit("نعم", ""), unit("خاتمة", ""), unit("نعم", "")])
    ours = Memory(
        Header(srclang="ar"), [unit("مقدمة", ""), unit("نعم", "Yes (mine)"), unit("خاتمة", ""), unit("نعم", "")]
    )
    theirs = Memory(
        Header(srclang="ar"), [unit("مقدمة", ""), unit("نعم", "Yes (colleague)"), unit("خاتمة", ""), unit("نعم", "")]
    )
    merged = merge_three_way(base, ours, theirs)
    put_in_their_order(merged.memory, theirs)
    assert [(u.variant("ar").text, u.variant("en").text) for u in merged.memory.units] == [  # type: ignore[union-attr]
        ("مقدمة", ""),
        ("نعم", "Yes (mine)"),
        ("نعم", "Yes (colleague)"),
        ("خاتمة", ""),
        ("نعم", ""),
    ]


@pytest.mark.parametrize("theirs_record", ["sha256:ab format:text cut:1", "sha256:cd format:text cut:1", None])
def test_a_working_files_record_of_its_document_survives_a_merge_only_where_both_sides_hold_it(
    theirs_record: str | None,
) -> None:
    from tmkit.memory.model import DOCUMENT_PROP

    ours = Header(srclang="ar", props=[Prop(DOCUMENT_PROP, "sha256:ab format:text cut:1")])
    theirs = Header(srclang="ar", props=[Prop(DOCUMENT_PROP, theirs_record)] if theirs_record else [])
    merged, clashes = merge_headers(ours, ours, theirs)
    kept = [p.value for p in merged.props if p.type == DOCUMENT_PROP]
    assert kept == (["sha256:ab format:text cut:1"] if theirs_record == "sha256:ab format:text cut:1" else [])
    assert clashes == []
