"""Context (101%) matches from a shared memory: the same as from the memory's TMX file, neighbours in id order."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.matching.matcher import Match, Matcher
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Header, Memory, Prop, Segment, Status, TranslationUnit, Variant

pytestmark = pytest.mark.postgres

SECOND = "الفقرة الثانية"


def _unit(arabic: str, english: str | None, *, status: Status = Status.TRANSLATED, **extra: object) -> TranslationUnit:
    variants = [Variant("ar", Segment.from_text(arabic))]
    if english is not None:
        variants.append(Variant("en", Segment.from_text(english)))
    unit = TranslationUnit(variants, status=status)
    for name, value in extra.items():
        setattr(unit, name, value)
    return unit


def _memory() -> Memory:
    """One source translated three ways in three contexts, neighbours that are rejected or untranslated, a unit
    whose context props name other neighbours, a draft between the neighbours of an exact match."""
    return Memory(
        Header(srclang="ar"),
        [
            _unit("الفقرة الأولى", "The first paragraph"),
            _unit(SECOND, "The second paragraph, after the first"),
            _unit("الفقرة الثالثة", "The third paragraph"),
            _unit("فقرة مرفوضة", "A rejected paragraph", rejected=True),
            _unit(SECOND, "The second paragraph, after a rejected one"),
            _unit("فقرة بلا ترجمة", None),
            _unit(
                SECOND,
                "The second paragraph, as its props say",
                props=[Prop("x-context-prev", "ما قبلها"), Prop("x-context-next", "ما بعدها")],
            ),
            _unit("الفقرة الرابعة", "The fourth paragraph (a draft)", status=Status.DRAFT),
            _unit("الفقرة الخامسة", "The fifth paragraph"),
        ],
    )


#: (segment, previous, following, the translation the file memory gives at 101, or None: none in context).
CASES: list[tuple[str, str | None, str | None, str | None]] = [
    (SECOND, None, None, None),
    (SECOND, "الفقرة الأولى", "الفقرة الثالثة", "The second paragraph, after the first"),
    # Neighbours are compared normalized (harakat), as the file index compares them.
    (SECOND, "الفِقْرة الأولى", "الفقرة الثالثة", "The second paragraph, after the first"),
    # A rejected unit and one without a translation are neighbours all the same.
    (SECOND, "فقرة مرفوضة", "فقرة بلا ترجمة", "The second paragraph, after a rejected one"),
    # Context props win over the neighbours in the memory.
    (SECOND, "ما قبلها", "ما بعدها", "The second paragraph, as its props say"),
    (SECOND, "فقرة بلا ترجمة", "الفقرة الرابعة", None),
    (SECOND, "الفقرة الأولى", "ما بعدها", None),
    (SECOND, "الفقرة الأولى", None, None),
    ("الفقرة الثالثة", SECOND, "فقرة مرفوضة", "The third paragraph"),
    # The first unit has no previous neighbour: no context matches it, not even an empty one.
    ("الفقرة الأولى", "", SECOND, None),
    # The last unit has no following one.
    ("الفقرة الخامسة", "الفقرة الرابعة", "", None),
    # A draft is no exact match (99): it is never in context, whatever its neighbours.
    ("الفقرة الرابعة", SECOND, "الفقرة الخامسة", None),
    # A fuzzy match is never in context.
    ("الفقرة الثالثة الجديدة", SECOND, "فقرة مرفوضة", None),
]


def _key(matches: list[Match]) -> list[tuple[str, str, float, bool]]:
    return [(m.source.plain, m.target.plain, round(m.score, 2), m.breakdown.in_context) for m in matches]


def test_context_matches_are_those_of_the_file_memory(postgres_url: str, tmp_path: Path) -> None:
    from tmkit.shared.store import SharedMemory

    memory = _memory()
    file = tmp_path / "memory.tmx"
    write_tmx(file, memory)
    assert run_cli("db", "init", postgres_url).code == 0
    assert run_cli("db", "import", postgres_url, str(file)).code == 0
    matcher = Matcher([MemoryIndex.build(memory.units, source_lang="ar", target_lang="en")])
    with SharedMemory(postgres_url) as shared:
        for segment, previous, following, in_context in CASES:
            case = (segment, previous, following)
            from_file = matcher.match(segment, previous=previous, following=following)
            from_database = shared.match(
                segment, source_lang="ar", target_lang="en", previous=previous, following=following
            )
            assert _key(from_database) == _key(from_file), case
            at_101 = [m.target.plain for m in from_file if m.score == 101]
            assert at_101 == ([in_context] if in_context else []), case
            # The other translations of the same source stay offered at 100.
            if segment == SECOND:
                assert sorted(m.score for m in from_database)[-3:] == sorted(
                    [100.0, 100.0, 101.0 if in_context else 100.0]
                )


def test_a_unit_added_later_has_the_last_unit_as_its_previous_neighbour(postgres_url: str, tmp_path: Path) -> None:
    """Units an editor confirms go at the end, in id order, as in the memory exported to TMX."""
    from tmkit.shared.store import SharedMemory

    memory = _memory()
    file = tmp_path / "memory.tmx"
    write_tmx(file, memory)
    assert run_cli("db", "init", postgres_url).code == 0
    assert run_cli("db", "import", postgres_url, str(file)).code == 0
    added = _unit("فقرة جديدة", "A new paragraph")
    with SharedMemory(postgres_url) as shared:
        shared.add(added)
        [match] = shared.match(
            "فقرة جديدة", source_lang="ar", target_lang="en", previous="الفقرة الخامسة", following="x"
        )
        assert match.score == 100  # nothing follows it
        shared.add(_unit("فقرة أخرى", "Another paragraph"))
        [match] = shared.match(
            "فقرة جديدة", source_lang="ar", target_lang="en", previous="الفقرة الخامسة", following="فقرة أخرى"
        )
        assert match.score == 101 and match.breakdown.in_context
    exported = tmp_path / "exported.tmx"
    assert run_cli("db", "export", postgres_url, "-o", str(exported)).code == 0
    matcher = Matcher([MemoryIndex.build(load_tmx(exported).units, source_lang="ar", target_lang="en")])
    [from_file] = matcher.match("فقرة جديدة", previous="الفقرة الخامسة", following="فقرة أخرى")
    assert from_file.score == 101
