"""Plain-text documents: read (as every text file is read), refused when empty, segmented."""

from __future__ import annotations

import os
from dataclasses import dataclass

from tmkit.errors import InputError
from tmkit.formats.text_files import read_text
from tmkit.text.segmentation import SrxRules, split_sentences


@dataclass(frozen=True, slots=True)
class DocumentSegment:
    """One sentence of a document, with its paragraph number (from 1) and position in it (from 1)."""

    text: str
    paragraph: int
    index: int


def read_text_document(path: str | os.PathLike[str]) -> str:
    """The text of a document as `tmkit.formats.text_files` reads every text file; an empty one is refused."""
    text = read_text(path)
    if not text.strip():
        raise InputError("the document is empty", path=os.fspath(path))
    return text


def segment_document(
    text: str, *, lang: str, rules: SrxRules | None = None, join_lines: bool = False
) -> list[DocumentSegment]:
    """The sentences of a document in order, numbered by paragraph."""
    out: list[DocumentSegment] = []
    for number, paragraph in enumerate(split_sentences(text, lang=lang, rules=rules, join_lines=join_lines), 1):
        out.extend(DocumentSegment(sentence, number, index) for index, sentence in enumerate(paragraph, 1))
    return out
