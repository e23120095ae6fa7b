"""The word diff a translator reads next to a match: what the new segment removes and adds, word by word."""

from __future__ import annotations

import pytest

from tmkit.text.textdiff import Change, DiffPiece, wdiff, word_diff


@pytest.mark.parametrize(
    ("stored", "new", "expected"),
    [
        ("the red car", "the red car", "the red car"),
        ("the red car", "the blue car", "the [-red-]{+blue+} car"),
        ("the car", "the big car", "the {+big +}car"),
        ("وصل الوفد أمس", "وصل الوفد اليوم", "وصل الوفد [-أمس-]{+اليوم+}"),
        # Words are compared normalized and shown as stored: a vocalised copy differs in no word.
        ("وَصَلَ الوفد", "وصل الوفد", "وَصَلَ الوفد"),
        ("أَكَلَ الوَلَدُ التُّفّاحَةَ في الحَدِيقَةِ", "أكل الولد التفاحة في البيت", "أَكَلَ الوَلَدُ التُّفّاحَةَ في [-الحَدِيقَةِ-]{+البيت+}"),
        ("في عام ٢٠٢١", "في عام 2021", "في عام ٢٠٢١"),
        ("The Minister", "the minister", "[-The-]{+the+} [-Minister-]{+minister+}"),  # case shows, so it is marked
        ("a  b", "a b", "a b"),  # a change of space alone is not marked: the new spacing shows
    ],
)
def test_wdiff_golden(stored: str, new: str, expected: str) -> None:
    assert wdiff(stored, new) == expected


def test_pieces_rebuild_the_stored_source() -> None:
    stored, new = "the report was published on Monday", "the report is published on Tuesday"
    pieces = word_diff(stored, new)
    assert "".join(p.text for p in pieces if p.change is not Change.ADDED) == stored
    assert DiffPiece(Change.ADDED, "Tuesday") in pieces


@pytest.mark.parametrize("color", [True, False])
def test_shown_diff_keeps_removed_and_added_words_apart(color: bool) -> None:
    # The editor and `tmkit match` paint this; with colour alone `15`→`22` read as `1522`.
    from tmkit.tui.display import diff_text

    shown = diff_text("وصل 15 وفدا عام 2020", "وصل 22 وفدا عام 2021", color=color)
    assert shown.plain == "وصل [-15-]{+22+} وفدا عام [-2020-]{+2021+}"
    styles = {str(span.style) for span in shown.spans}
    assert styles == ({"strike red", "underline green"} if color else set())


def test_vocalised_copy_marks_only_the_changed_word() -> None:
    # Issue 10: every word of a vocalised stored source was marked as changed.
    stored = "أَكَّدَ الرَّئِيسُ أَهَمِّيَّةَ تَعْزِيزِ التَّعَاوُنِ"
    pieces = word_diff(stored, "أكد الرئيس أهمية توسيع التعاون")
    assert [p.text for p in pieces if p.change is not Change.SAME] == ["تَعْزِيزِ", "توسيع"]
    assert "".join(p.text for p in pieces if p.change is not Change.ADDED) == stored
