"""A short query with stored copies is looked up at `PROBE_CUTOFF` first: its answer is the lookup's at the cutoff."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.test_index_layers import _layer
from tmkit.formats.tmx_reader import segment_from_xml
from tmkit.matching import matcher
from tmkit.matching.matcher import PROBE_CUTOFF, ExhaustiveMatcher, Matcher, _Placed
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Prop, Segment, Status, TranslationUnit, Variant

QUERY = "التعاون في"
#: Copies of the query (one pair stored twice, the others with translations of their own: `Matcher` looks twice the
#: limit deep, so a pair stored more often than that may hide others), equal but for form or spelling, with a
#: proclitic, and sharing its words: enough to fill the depth at 90 for limits up to 6.
NEAR = [
    *[(QUERY, "cooperation in")] * 2,
    (QUERY, "the cooperation in"),
    (QUERY, "cooperating in"),
    (QUERY, "cooperation within"),
    (QUERY, "collaboration in"),
    ("التعاون في.", "cooperation in."),
    ("ألتعاون في", "cooperation, in"),
    ("بالتعاون في", "with cooperation in"),
    ("بالتعاون في", "by cooperating in"),
    ("والتعاون في", "and cooperation in"),
    ("في التعاون في", "in cooperation in"),
    ("التعاون بين في", "cooperation between in"),
    ("التعاون في الزراعة", "cooperation in farming"),
]
FILLER = [
    "الوزير",
    "أعلن",
    "اليوم",
    "عن",
    "خطة",
    "جديدة",
    "لدعم",
    "المزارعين",
    "في",
    "المحافظات",
    "خلال",
    "الموسم",
    "التعاون",
    "بين",
    "البلدين",
]


def _units(seed: int) -> list[TranslationUnit]:
    """The near entries with statuses, dates and ids drawn by ``seed``, among 400 filler units sharing words."""
    rng = random.Random(seed)
    units = []
    for number, (ar, en) in enumerate(NEAR):
        status = rng.choice([Status.TRANSLATED, Status.FINAL, Status.DRAFT, Status.REVIEWED])
        props = [Prop("x-note", str(number))]
        units.append(
            TranslationUnit(
                [Variant("ar", Segment.from_text(ar)), Variant("en", Segment.from_text(en))],
                status=status,
                tuid=rng.choice([None, f"t{rng.randrange(4)}"]),
                change_date=rng.choice([None, f"2026{rng.randrange(1, 13):02d}01T000000Z"]),
                props=props,
            )
        )
    for number in range(400):
        words = rng.sample(FILLER, rng.randint(1, 5))
        units.append(
            TranslationUnit(
                [
                    Variant("ar", Segment.from_text(" ".join(words))),
                    Variant("en", Segment.from_text(f"filler {number}")),
                ]
            )
        )
    rng.shuffle(units)
    return units


def _probes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, bool]]:
    """Each lookup `Matcher._placed` makes, as (cutoff, whether it filled its depth)."""
    made: list[tuple[float, bool]] = []
    placed = Matcher._placed

    def spy(self: Matcher, *args: Any, **asked: float) -> list[_Placed]:
        found = placed(self, *args, **asked)
        made.append((args[2], len(found) >= args[3]))
        return found

    monkeypatch.setattr(Matcher, "_placed", spy)
    return made


def _shown(matcher: Matcher, query: str, cutoff: float, limit: int) -> list[dict[str, object]]:
    return [match.as_dict() for match in matcher.match(query, score_cutoff=cutoff, limit=limit)]


@pytest.mark.parametrize("seed", range(4))
def test_a_probe_answers_as_the_lookup_at_the_cutoff(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every match shown (score, source, translation, status, provenance, in order) is the one a lookup made at
    the cutoff alone shows, at cutoffs below the probe's and limits from 1 to 7, and the scores are those of the
    formula on every entry; the probe answered some of the lookups itself."""
    index = MemoryIndex.build(_units(seed), source_lang="ar", target_lang="en")
    made = _probes(monkeypatch)
    probed = {
        (query, cutoff, limit): _shown(Matcher([index]), query, cutoff, limit)
        for query in (QUERY, "بالتعاون في", "التعاون")
        for cutoff in (50.0, 70.0, 85.0, PROBE_CUTOFF - 0.5)
        for limit in range(1, 8)
    }
    answered = sum(1 for cutoff, filled in made if cutoff == PROBE_CUTOFF and filled)
    monkeypatch.setattr(Matcher, "_worth_probing", lambda self, memory, query, depth: False)
    for query in (QUERY, "بالتعاون في", "التعاون"):
        for cutoff in (50.0, 70.0, 85.0, PROBE_CUTOFF - 0.5):
            exhaustive = [m.score for m in ExhaustiveMatcher([index]).match(query, score_cutoff=cutoff, limit=7)]
            for limit in range(1, 8):
                shown = _shown(Matcher([index]), query, cutoff, limit)
                assert probed[query, cutoff, limit] == shown, (query, cutoff, limit)
                scores = [match.score for match in Matcher([index]).match(query, score_cutoff=cutoff, limit=limit)]
                assert scores == exhaustive[:limit], (query, cutoff, limit)
    assert answered > 0


def test_a_probe_that_cannot_fill_the_depth_falls_back_to_the_cutoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Six copies of the query fill half the depth of five, so a probe is made; holding only those six at 90, it
    gives way to the lookup at 70, which finds the keys sharing its words too."""
    units = [
        TranslationUnit([Variant("ar", Segment.from_text(QUERY)), Variant("en", Segment.from_text(f"cooperation {n}"))])
        for n in range(6)
    ] + [
        TranslationUnit([Variant("ar", Segment.from_text(ar)), Variant("en", Segment.from_text(en))])
        for ar, en in [("التعاون بين في", "cooperation between in"), ("في التعاون في", "in cooperation in")]
    ]
    made = _probes(monkeypatch)
    matcher = Matcher([MemoryIndex.build(units, source_lang="ar", target_lang="en")])
    assert [m.score for m in matcher.match(QUERY, limit=5, score_cutoff=70)] == [100.0] * 5
    assert made == [(PROBE_CUTOFF, False), (70.0, False)]
    # Eight shown: the six copies and the two sharing its words, found at 70 (a depth of 16: no probe).
    found = matcher.match(QUERY, limit=8, score_cutoff=70)
    assert len(found) == 8 and all(70.0 <= m.score < 90.0 for m in found[6:])
    assert made[2:] == [(70.0, False)]


def test_a_layered_memory_whose_copies_were_retranslated_answers_as_a_fresh_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A layer that retranslates the copies of a query: its superseded copies still count towards probing (their
    postings stay in the layer below), but only live entries are found and shown, as in a fresh build."""
    units = _units(0)
    main = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    copies = [n for n, unit in enumerate(units) if unit.variants[0].text == QUERY]
    for n in copies:
        units[n] = TranslationUnit(
            [Variant("ar", Segment.from_text(QUERY)), Variant("en", Segment.from_text(f"retranslated {n}"))],
            status=Status.FINAL,
        )
    layered = _layer(main, main, units, copies)
    fresh = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    assert layered.candidates.near_equal_count(QUERY) > fresh.candidates.near_equal_count(QUERY)
    made = _probes(monkeypatch)
    for limit in range(1, 8):
        shown = _shown(Matcher([layered]), QUERY, 70.0, limit)
        assert shown == _shown(Matcher([fresh]), QUERY, 70.0, limit)
        assert all(match["target"].startswith("retranslated") for match in shown[: min(limit, len(copies))])
    assert any(cutoff == PROBE_CUTOFF and filled for cutoff, filled in made)


def test_an_empty_memory_answers_a_short_query_with_nothing() -> None:
    empty = MemoryIndex.build([], source_lang="ar", target_lang="en")
    assert empty.candidates.near_equal_count(QUERY) == 0
    assert Matcher([empty]).match(QUERY) == []


def test_a_probe_counts_the_depth_as_the_lookup_at_the_cutoff_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three copies of one pair fill half a depth of four, so a limit of 2 probes; the probe holds three, not the
    depth, so the lookup at 60 is made and its other translation shown (a probe taken with one fewer than the
    depth would show the one pair alone)."""
    units = [
        TranslationUnit([Variant("ar", Segment.from_text(QUERY)), Variant("en", Segment.from_text("x"))])
        for _ in range(3)
    ]
    units.append(
        TranslationUnit([Variant("ar", Segment.from_text(QUERY + " الزراعة")), Variant("en", Segment.from_text("y"))])
    )
    made = _probes(monkeypatch)
    found = Matcher([MemoryIndex.build(units, source_lang="ar", target_lang="en")]).match(
        QUERY, score_cutoff=60, limit=2
    )
    assert [m.target.plain for m in found] == ["x", "y"]
    assert found[0].score == 100.0 and 60.0 <= found[1].score < 90.0
    assert made == [(PROBE_CUTOFF, False), (60.0, True)]


def test_a_probe_of_punctuation_alone_keeps_what_the_lookup_at_the_cutoff_keeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A query of punctuation alone has no words: where its window holds more short keys than the budget, a lookup
    keeps those with C at the cutoff asked for. The probe at 90 keeps as much (C ≥ 83.3), not C ≥ 90, so a key
    of C 89 that scores 93.68 (two keys of punctuation: W 100) is found as at 70, before copies with codes (93)."""
    monkeypatch.setattr(matcher, "WORD_LIFTED_BUDGET", 0)  # every window over budget, as with 17,000 keys this long
    query = "-" * 17
    codes = "".join(f'<ph x="{n}">{{{n}}}</ph>' for n in range(1, 8))

    def unit(source: Segment, target: str) -> TranslationUnit:
        return TranslationUnit([Variant("en", source), Variant("fr", Segment.from_text(target))])

    units = [
        unit(Segment.from_text("-" * 21), "fuzzy"),
        unit(segment_from_xml(codes + query), "codes before"),
        unit(segment_from_xml(query + codes), "codes after"),
    ]
    index = MemoryIndex.build(units, source_lang="en", target_lang="fr")
    made = _probes(monkeypatch)
    found = Matcher([index]).match(query, score_cutoff=70, limit=1)
    assert made[0] == (PROBE_CUTOFF, True)  # the probe answered
    best = ExhaustiveMatcher([index]).match(query, score_cutoff=70, limit=1)
    assert [(m.score, m.target.plain) for m in found] == [(m.score, m.target.plain) for m in best]
    assert found[0].target.plain == "fuzzy" and 93.0 < found[0].score < 94.0
