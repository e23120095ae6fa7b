"""Word-level difference between a stored source and a new one: the pieces `tmkit match` and the editor show."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from tmkit.text.normalize import Normalizer
from tmkit.text.scripts import HARAKAT_CLASS, TATWEEL

# White space, a run of word characters (letters with their harakat and tatweel, digits), or one other character.
_TOKEN_RE = re.compile(rf"\s+|[\w{HARAKAT_CLASS}{TATWEEL}]+|.")


#: How tokens are compared: harakat, tatweel, alef forms, digit systems, punctuation variants and
#: invisible marks do not make a word differ (the breakdown names those); case does, since it shows.
_COMPARE = Normalizer("ar", casefold=False)


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
    Tokens are compared normalized (a vocalised copy differs in no word: the match % names its
    diacritics) and shown as written in the stored source.
    """
    old_tokens, new_tokens = _TOKEN_RE.findall(stored), _TOKEN_RE.findall(new)
    pieces: list[DiffPiece] = []
    matcher = difflib.SequenceMatcher(a=_compared(old_tokens), b=_compared(new_tokens), autojunk=False)
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


def _compared(tokens: list[str]) -> list[str]:
    # A token that normalizes to nothing (a lone tatweel or bidi mark) stays itself, to keep its place.
    return [_COMPARE(token) or token for token in tokens]


def wdiff(stored: str, new: str) -> str:
    """The diff as plain text in the wdiff convention: ``[-removed-]{+added+}``."""
    marks = {Change.SAME: "{}", Change.REMOVED: "[-{}-]", Change.ADDED: "{{+{}+}}"}
    return "".join(marks[p.change].format(p.text) for p in word_diff(stored, new))
