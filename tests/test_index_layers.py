"""Layers stacked on a memory's index one batch at a time (MemoryIndex.with_layer): each costs its own units, and
the index answers as one built afresh after every batch."""

from __future__ import annotations

import random

import numpy as np

from tests.test_index_cache import _answers, _pair_unit
from tests.test_index_delta import _concordances, _retranslated
from tmkit.matching.layered import EntryUnits, LayeredCandidates, LayeredColumn, LayeredValues, Layers
from tmkit.matching.matcher import ExhaustiveMatcher, Matcher
from tmkit.matching.memory_index import Column, MemoryIndex, delta_entry_units
from tmkit.memory.model import Segment, TranslationUnit, Variant

#: Batches of unit numbers confirmed in turn over a 60-unit memory: one confirmed twice, neighbours of each
#: other, new units (60, 61) added and confirmed again, the first and the last.
BATCHES = [[30], [31], [30], [60], [59, 60], [5, 45], [0], [61], [30, 61]]


def _entries(index: MemoryIndex) -> list[tuple[object, ...]]:
    """Every entry's texts, status and context, in no particular order (a layered index numbers them otherwise)."""
    columns = [[index.text(column, entry) for entry in range(len(index))] for column in Column]
    values = [np.asarray(values).tolist() for values in (index.status, index.context_prev, index.context_next)]
    return sorted(zip(*columns, *values, strict=True))


def _layer(index: MemoryIndex, main: MemoryIndex, units: list[TranslationUnit], changed: list[int]) -> MemoryIndex:
    """``index`` with a layer of the ``changed`` units and their neighbours on top, as the shared mirror stacks one."""
    wanted = sorted({n + step for n in changed for step in (-1, 0, 1)} - {-1})

    def unit_at(number: int) -> TranslationUnit | None:
        return units[number] if number < len(units) else None

    layer = main.build_delta(wanted, unit_at=unit_at)
    entry_units = delta_entry_units(layer, wanted, exists=lambda n: n < len(units))
    return index.with_layer(layer, superseded=np.array(wanted, dtype=np.int64), layer_units=entry_units)


def test_layers_stacked_batch_by_batch_answer_as_a_fresh_build_and_hold_only_their_batch() -> None:
    units = [_pair_unit(n) for n in range(60)]
    main = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    index = main
    for number, batch in enumerate(BATCHES, start=1):
        for changed in batch:
            retranslated = _retranslated(changed, f"Confirmed in batch {number}")
            if changed < len(units):
                units[changed] = retranslated
            else:
                units.append(retranslated)
        index = _layer(index, main, units, batch)
        fresh = MemoryIndex.build(units, source_lang="ar", target_lang="en")
        # The same entries with the same texts, status and context; the old versions gone at once.
        assert len(index) == len(fresh)
        assert _entries(index) == _entries(fresh)
        queries = [units[n].variants[0].text for n in (*batch, 29, 31, 1)]
        assert _answers(index, queries) == _answers(fresh, queries)
        assert _concordances(index) == _concordances(fresh)
        # One layer a batch, holding the batch's units and their neighbours only (not every unit changed so far).
        tuids = index.columns[Column.TUID]
        assert isinstance(tuids, LayeredColumn) and len(tuids.parts) == number + 1
        top = tuids.parts[-1]
        wanted = {n + step for n in batch for step in (-1, 0, 1)} & set(range(len(units)))
        assert sorted(top.take(list(range(len(top))))) == sorted(f"u{n}" for n in wanted)
    exhaustive = ExhaustiveMatcher([index]), ExhaustiveMatcher([fresh])
    query = units[30].variants[0].text
    found = [[m.as_dict() for m in matcher.match(query, score_cutoff=50)] for matcher in exhaustive]
    assert found[0] == found[1] and found[0][0]["target"] == "Confirmed in batch 9"


def test_a_layer_finds_the_entries_it_supersedes_in_each_layer_below() -> None:
    # Main: units 0-4 with one entry each but unit 2 (none) and unit 3 (two); a layer over units 3 and 4.
    layers = Layers.over(5, EntryUnits([0, 1, 3, 3, 4])).stacked(2, EntryUnits([3, 4]), [3, 4])
    assert len(layers) == 4 and layers.dead[0].tolist() == [2, 3, 4]
    # Another over unit 4 alone: gone from the layer below it too, not again from the main.
    layers = layers.stacked(1, EntryUnits([4]), [4])
    assert [gone.tolist() for gone in layers.dead] == [[2, 3, 4], [1], []]
    values = LayeredValues([np.array([10, 11, 13, 13, 14]), np.array([23, 24]), np.array([34])], layers)
    assert np.asarray(values).tolist() == [10, 11, 23, 34] and [values[n] for n in range(4)] == [10, 11, 23, 34]
    assert layers.from_layer(1, np.array([0, 1])).tolist() == [2]
    assert [layers.locate(n) for n in range(4)] == [(0, 0), (0, 1), (1, 0), (2, 0)]
    # Units given out of order are found all the same.
    assert EntryUnits([5, 1, 5, 0]).entries([5]).tolist() == [0, 2]


def test_layers_merged_by_estimate_answer_as_a_fresh_build_where_one_layer_holds_many_near_copies() -> None:
    """A lookup keeps the best candidates of all layers by one estimate, not a share of each layer: a layer of
    edits holding dozens of word-shuffled copies of a query (which outrank every other entry by grams), a copy
    with typos and a translation of the query with two words changed answers as a fresh build of the same
    units, with the near ones found."""
    units = [_pair_unit(n) for n in range(3_000)]
    main = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    query = "أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم صغار المزارعين في المحافظات الشمالية خلال الموسم المقبل"
    words = query.split()
    rng = random.Random(5)
    changed = list(range(100, 3_000, 12))[:250]
    for i, number in enumerate(changed):
        if i < 60:
            text = " ".join(rng.sample(words, len(words)))
        elif i == 60:
            text = query.replace("الزراعة", "الزراعه").replace("المقبل", "المقبلل")
        elif i == 61:
            text = query.replace("صغار", "كبار").replace("الشمالية", "الجنوبية")
        else:
            text = units[(number * 7) % 3_000].variants[0].text
        units[number] = TranslationUnit(
            [Variant("ar", Segment.from_text(text)), Variant("en", Segment.from_text(f"Edited {number}"))],
            tuid=f"u{number}",
        )
    index = _layer(main, main, units, changed)
    assert isinstance(index.candidates, LayeredCandidates)
    fresh = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    queries = [query, query.replace("اليوم", "أمس"), units[changed[70]].variants[0].text, units[8].variants[0].text]
    found = _answers(index, queries)
    assert found == _answers(fresh, queries)
    assert {"Edited " + str(changed[60]), "Edited " + str(changed[61])} <= {m["target"] for m in found[0]}


def test_superseded_entries_take_no_place_among_a_lookups_best() -> None:
    """128 stored copies of a query (as many as a lookup keeps by estimate), all since edited away, and one live
    near match: the layered index finds it as a fresh build does (the copies, still in the main index, were
    the best 128 by grams there and hid it)."""
    query = "أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم صغار المزارعين في المحافظات الشمالية خلال الموسم المقبل"

    def unit(number: int, source: str, target: str) -> TranslationUnit:
        return TranslationUnit(
            [Variant("ar", Segment.from_text(source)), Variant("en", Segment.from_text(target))], tuid=f"u{number}"
        )

    units = [unit(n, query, f"Copy {n}") for n in range(128)]
    units += [_pair_unit(n) for n in range(128, 133)]
    units.append(unit(133, query.replace("الشمالية", "الجنوبية"), "The near one"))
    units += [_pair_unit(n) for n in range(134, 148)]
    main = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    changed = list(range(128))
    for number in changed:
        units[number] = _pair_unit(number)
    index = _layer(main, main, units, changed)
    fresh = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    found = _answers(index, [query])
    assert found == _answers(fresh, [query]) and found[0][0]["target"] == "The near one"


def test_translations_tied_on_everything_else_are_chosen_alike_with_layers_or_without() -> None:
    """One source with five translations, no unit ids, no dates: the one a lookup keeps at limit 1 is the same
    whether a layer holds some of them or the memory is built afresh."""
    source = "أعلنت الحكومة اليوم عن خطة جديدة"

    def unit(target: str) -> TranslationUnit:
        return TranslationUnit([Variant("ar", Segment.from_text(source)), Variant("en", Segment.from_text(target))])

    units = [unit(f"Plan {letter}") for letter in "cabed"]
    main = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    units[0] = unit("Plan c")  # saved again unchanged: a layer over it and its neighbour
    index = _layer(main, main, units, [0])
    fresh = MemoryIndex.build(units, source_lang="ar", target_lang="en")
    for limit in (1, 2, 3):
        kept = [m.target.plain for m in Matcher([index]).match(source, limit=limit)]
        assert sorted(kept) == sorted(m.target.plain for m in Matcher([fresh]).match(source, limit=limit))
    assert [m.target.plain for m in Matcher([fresh]).match(source, limit=1)] == ["Plan a"]
