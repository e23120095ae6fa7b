"""Reference translations for a working file: each row's reference found by tuid, by source text, or by position."""

from __future__ import annotations

from collections.abc import Sequence

from tmkit.jobs.workfile import Row
from tmkit.memory.model import Memory


def _key(text: str) -> str:
    """A source text as compared: white space runs as one space (a reference re-wrapped still matches)."""
    return " ".join(text.split())


def align_reference(rows: Sequence[Row], reference: Memory, *, source_lang: str, target_lang: str) -> list[str | None]:
    """The reference translation of each row (None: it has none): by tuid, else by the same source text, else by
    position.

    Position is used only when the reference has no tuids and no source text in common (a
    reference made for the file in the same order); a working TMX made from a text document
    numbers its units afresh, so its rows find their reference by source text. The same tuid with another source
    gives way to a reference unit with the row's own source: `tmkit convert` and a segmented document both number
    their units 1, 2, 3…, so once a line of the reference is two segments of the document every later tuid names
    another sentence (a reviewer's document chrF read 36.7 where the rows' own references gave 95.6). Such a tuid
    is kept only while neither source is found elsewhere: a reference unit whose source is another row's is that
    row's.
    """
    by_tuid: dict[str, tuple[str | None, str]] = {}
    by_source: dict[str, str] = {}
    in_order: list[str] = []
    for unit in reference.units:
        source, targets = unit.pair(source_lang, target_lang)  # never a variant as its own reference
        text = targets[0].text if targets else ""
        in_order.append(text)
        if unit.tuid:
            by_tuid[unit.tuid] = (None if source is None else _key(source.text), text)
        if source is not None and text:
            by_source.setdefault(_key(source.text), text)
    keys = [_key(row.source_text) for row in rows]
    positional = not by_tuid and not any(key in by_source for key in keys)
    row_sources = set(keys)
    out: list[str | None] = []
    for i, row in enumerate(rows):
        same_tuid = by_tuid.get(row.unit.tuid) if row.unit.tuid else None
        if same_tuid is not None and (
            same_tuid[0] in (None, keys[i]) or (keys[i] not in by_source and same_tuid[0] not in row_sources)
        ):
            out.append(same_tuid[1])
        elif keys[i] in by_source:
            out.append(by_source[keys[i]])
        elif positional and i < len(in_order):
            out.append(in_order[i])
        else:
            out.append(None)
    return out
