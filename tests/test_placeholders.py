"""Inline codes shown as placeholders while editing, and mapped back to the very same elements."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_validate import validate_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.model import Header, Inline, Memory, Segment, Status, TranslationUnit, Variant, normalize_content
from tmkit.text.placeholders import PlaceholderError, from_placeholders, strip_placeholders, to_placeholders

B = Inline("bpt", (("i", "1"), ("type", "bold")), ("<b>",))
E = Inline("ept", (("i", "1"),), ("</b>",))
PH = Inline("ph", (("x", "2"),), ("<br/>",))
SOURCE = Segment((B, "الرئيس", E, " يستقبل", PH))
TARGET = Segment((B, "The President", E, " receives", PH))


def test_codes_show_as_placeholders_like_segment_placeholder_text() -> None:
    assert to_placeholders(TARGET) == "{1}The President{/1} receives{2/}" == TARGET.placeholder_text()
    assert to_placeholders(Segment.from_text("plain {name}")) == "plain {name}"
    assert strip_placeholders("{1}The President{/1} receives{2/}") == "The President receives"


def test_edited_text_takes_the_original_elements_back() -> None:
    edited = from_placeholders("{2/}Yesterday {1}the President{/1} received", TARGET, SOURCE)
    assert edited.content == (PH, "Yesterday ", B, "the President", E, " received")


def test_a_match_or_source_text_maps_to_the_source_codes() -> None:
    source = Segment((Inline("bpt", (("i", "1"),), ("<i>",)), "x", Inline("ept", (("i", "1"),), ("</i>",))))
    edited = from_placeholders("{1}y{/1}", None, source)
    assert edited.codes() == source.codes()


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{1}The President receives", "missing"),  # unbalanced: the closing code was deleted
        ("The President{/1} receives {1}", "not open"),  # closed before it is opened
        ("{1}a{/1}{1}b{/1}", "more often"),  # the pair typed twice: i must stay unique
        ("{7/} receives", "no code"),  # unknown
        ("{h1}loose", "stands for no code"),
    ],
)
def test_placeholders_that_do_not_map_raise_instead_of_dropping_codes(text: str, why: str) -> None:
    with pytest.raises(PlaceholderError, match=why):
        from_placeholders(text, TARGET, SOURCE)


def test_brace_text_that_is_no_placeholder_stays_text() -> None:
    assert from_placeholders("see {name}", TARGET).content == ("see {name}",)


def test_highlights_keep_their_text_editable() -> None:
    hi = Segment(("a ", Inline("hi", (("type", "term"),), ("word", PH)), " b"))
    text = to_placeholders(hi)
    assert text == "a {h1}word{2/}{/h1} b"
    assert from_placeholders("a {h1}new word{2/}{/h1} b", hi).content == (
        "a ",
        Inline("hi", (("type", "term"),), ("new word", PH)),
        " b",
    )


WORDS = st.text(alphabet=st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)), max_size=6)


@st.composite
def segments(draw: st.DrawFn, depth: int = 0) -> Segment:
    """Text with paired codes, standalone codes, isolated codes and (nested) highlights."""
    parts: list[object] = []
    next_id = [draw(st.integers(1, 3))]

    def fresh() -> str:
        next_id[0] += 1
        return str(next_id[0])

    def content(level: int) -> list[object]:
        out: list[object] = []
        for kind in draw(st.lists(st.sampled_from(["text", "pair", "ph", "it", "hi"]), max_size=5)):
            if kind == "text":
                out.append(draw(WORDS))
            elif kind == "pair":
                i = fresh()
                out += [Inline("bpt", (("i", i),), ("<b>",)), draw(WORDS), Inline("ept", (("i", i),), ("</b>",))]
            elif kind == "ph":
                attrs = (("x", fresh()),) if draw(st.booleans()) else ()
                out.append(Inline("ph", attrs, (draw(WORDS),)))
            elif kind == "it":
                pos = draw(st.sampled_from(["begin", "end"]))
                out.append(Inline("it", (("pos", pos), ("x", fresh())), ("<x>",)))
            elif level < 2:
                out.append(Inline("hi", (("type", "t"),), normalize_content(content(level + 1))))  # type: ignore[arg-type]
        return out

    parts = content(0)
    return Segment(normalize_content(parts))  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(segments())
def test_round_trip_segment_placeholders_segment(segment: Segment) -> None:
    assert from_placeholders(to_placeholders(segment), segment) == segment


def _document(tmp_path_factory: pytest.TempPathFactory) -> WorkFile:
    path = tmp_path_factory.mktemp("doc") / "job.tmx"
    unit = TranslationUnit([Variant("ar", SOURCE), Variant("en", TARGET)], tuid="1", status=Status.TRANSLATED)
    write_tmx(path, Memory(Header(srclang="ar"), [unit]))
    return WorkFile(path)


def test_document_edits_keep_codes_and_refuse_unmappable_text(tmp_path_factory: pytest.TempPathFactory) -> None:
    doc = _document(tmp_path_factory)
    assert doc.rows[0].edit_text == "{1}The President{/1} receives{2/}"
    doc.confirm(0, "{1}President al-Assad{/1} receives{2/}")
    with pytest.raises(PlaceholderError):
        doc.set_target(0, "{1}President al-Assad receives")
    assert doc.rows[0].status is Status.TRANSLATED  # nothing changed, nothing journalled
    assert len(doc.pending_journal()) == 1
    doc.undo()
    assert doc.rows[0].target.segment == TARGET  # type: ignore[union-attr]
    doc.redo()
    doc.save()
    saved = load_tmx(doc.path).units[0].variant("en")
    assert saved is not None and saved.segment.content == (B, "President al-Assad", E, " receives", PH)
    assert validate_tmx(doc.path) == []


def test_placeholders_stay_whole_in_an_rtl_line() -> None:
    from tmkit.text.bidi import visual_line

    shown = visual_line("{1}الرئيس الأسد{/1} يستقبل{2/}", rtl=True).text
    assert shown.startswith("{2/}") and shown.endswith("{1}") and "{/1}" in shown
    assert "\u2066" not in shown and "\u2069" not in shown
