"""Where a pre-translated target came from (`x-tmkit-match`, `x-tmkit-origin`) is kept only while it is that target."""

from __future__ import annotations

from pathlib import Path

from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.workfile import WorkFile
from tmkit.memory.model import MATCH_PROP, ORIGIN_PROP

DRAFT = "The two sides exchanged views on issues of mutual interest."
MATCH_2 = "The two sides exchanged viewpoints on matters of common concern."
PROPS = [("x-domain", "news"), (MATCH_PROP, "77.4703"), (ORIGIN_PROP, "news-memory.tmx#20210316-02"), ("x-note", "a")]


def _job(tmp_path: Path) -> Path:
    """A pre-translated job of two segments: the first a draft from a match, the second not translated."""
    props = "".join(f'<prop type="{kind}">{value}</prop>' for kind, value in PROPS)
    path = tmp_path / "job.tmx"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="tmkit" '
        'creationtoolversion="1" segtype="sentence" o-tmf="tmkit" adminlang="en" srclang="ar" datatype="plaintext"/>\n'
        '<body>\n<tu tuid="1"><prop type="x-tmkit-status">draft</prop>'
        f'{props}<tuv xml:lang="ar"><seg>وتبادل الجانبان وجهات النظر حول القضايا ذات الاهتمام المشترك.</seg></tuv>'
        f'<tuv xml:lang="en"><seg>{DRAFT}</seg></tuv></tu>\n'
        '<tu tuid="2"><tuv xml:lang="ar"><seg>شكرا</seg></tuv></tu>\n</body></tmx>\n',
        encoding="utf-8",
    )
    return path


def _props(path: Path) -> list[tuple[str, str]]:
    return [(p.type, p.value) for p in load_tmx(path).units[0].props]


def test_a_draft_confirmed_as_it_was_keeps_where_it_came_from(tmp_path: Path) -> None:
    path = _job(tmp_path)
    document = WorkFile(path)
    document.confirm(0)
    document.save()
    assert _props(path) == PROPS


def test_another_target_drops_them_and_undoing_it_puts_them_back_where_they_were(tmp_path: Path) -> None:
    path = _job(tmp_path)
    document = WorkFile(path)
    document.set_target(0, MATCH_2)  # match 2 inserted in place of the draft from match 1
    document.confirm(0)
    document.save()
    assert _props(path) == [("x-domain", "news"), ("x-note", "a")]  # match 1's % and origin no longer hold
    document.undo()
    document.undo()
    document.save()
    assert _props(path) == PROPS  # in their places, not appended


def test_a_journal_recovered_drops_them_as_the_edit_did(tmp_path: Path) -> None:
    path = _job(tmp_path)
    document = WorkFile(path)
    document.confirm(0, MATCH_2)
    document.close_journal()  # the session ended without saving: a crash
    again = WorkFile(path)
    again.recover()
    again.save()
    units = load_tmx(path).units
    assert units[0].variant("en").text == MATCH_2  # type: ignore[union-attr]
    assert _props(path) == [("x-domain", "news"), ("x-note", "a")]


def test_a_segment_without_them_is_left_as_it_was(tmp_path: Path) -> None:
    path = _job(tmp_path)
    document = WorkFile(path)
    document.confirm(1, "Thank you")
    document.save()
    assert [p.type for p in load_tmx(path).units[1].props] == []
    assert _props(path) == PROPS


def test_the_list_shows_a_drafts_pretranslated_match_until_its_target_changes(tmp_path: Path) -> None:
    """The segment list's % column was empty for pre-translated drafts until each was visited and looked up: it
    shows the % the draft came from while the target is that draft, and nothing once it is another."""
    from tmkit.tui.display import BidiMode
    from tmkit.tui.widgets.segment_list import SegmentList

    document = WorkFile(_job(tmp_path))
    assert document.rows[0].pretranslated_match == 77.4703
    assert document.rows[1].pretranslated_match is None
    segments = SegmentList(on_choose=lambda row, opened: None)
    segments.document, segments.mode = document, BidiMode.TERMINAL
    assert segments._line(0).plain.split()[2] == "77"
    document.set_target(0, MATCH_2)
    assert document.rows[0].pretranslated_match is None
    assert segments._line(0).plain.split()[2] != "77"
    document.undo()
    assert segments._line(0).plain.split()[2] == "77"
    segments.best[0] = 91.2  # looked up: the memories' best now
    assert segments._line(0).plain.split()[2] == "91"


def test_a_match_prop_that_is_no_percentage_shows_nothing(tmp_path: Path) -> None:
    """Another tool's x-tmkit-match of NaN, inf or 1e999 crashed the list (`int(nan)`): such a value shows no %."""
    from tmkit.tui.display import BidiMode
    from tmkit.tui.widgets.segment_list import SegmentList

    for odd in ("NaN", "inf", "1e999", "-3", "fast"):
        path = _job(tmp_path)
        path.write_text(path.read_text(encoding="utf-8").replace(">77.4703<", f">{odd}<"), encoding="utf-8")
        document = WorkFile(path)
        assert document.rows[0].pretranslated_match is None, odd
        segments = SegmentList(on_choose=lambda row, opened: None)
        segments.document, segments.mode = document, BidiMode.TERMINAL
        assert segments._line(0).plain.split()[2] != "77"
