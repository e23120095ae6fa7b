"""Word-level difference between a stored source and a new one: the pieces `tmkit match` and the editor show."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from tmkit.text.scripts import HARAKAT_CLASS, TATWEEL

# White space, a run of word characters (letters with their harakat and tatweel, digits), or one other character.
_TOKEN_RE = re.compile(rf"\s+|[\w{HARAKAT_CLASS}{TATWEEL}]+|.")


class Change(StrEnum):
    """What a piece of the diff is: kept, only in the stored source, or only in the new one."""

    SAME = "same"
    REMOVED = "removed"
    ADDED = "added"


@dataclass(frozen=True, slots=True)
class DiffPiece:
    change: Change
    text: str


def word_diff(stored: str, new: str) -> list[DiffPiece]:
    """The stored source in order, with what the new segment removes and adds, word by word.

    A change of white space alone is not marked as a change: the new segment's spacing shows.
    """
    old_tokens, new_tokens = _TOKEN_RE.findall(stored), _TOKEN_RE.findall(new)
    pieces: list[DiffPiece] = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        old, added = "".join(old_tokens[a0:a1]), "".join(new_tokens[b0:b1])
        if op == "equal":
            pieces.append(DiffPiece(Change.SAME, old))
            continue
        if old.strip():
            pieces.append(DiffPiece(Change.REMOVED, old))
        if added.strip():
            pieces.append(DiffPiece(Change.ADDED, added))
        elif not old.strip():
            pieces.append(DiffPiece(Change.SAME, added or old))
    return pieces


def wdiff(stored: str, new: str) -> str:
    """The diff as plain text in the wdiff convention: ``[-removed-]{+added+}``."""
    marks = {Change.SAME: "{}", Change.REMOVED: "[-{}-]", Change.ADDED: "{{+{}+}}"}
    return "".join(marks[p.change].format(p.text) for p in word_diff(stored, new))
