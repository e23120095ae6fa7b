"""Plain-text documents: read with a clear error for bad encodings, guess the language, segment."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

from tmkit.errors import InputError
from tmkit.text.segmentation import SrxRules, split_sentences


@dataclass(frozen=True, slots=True)
class DocumentSegment:
    """One sentence of a document, with its paragraph number (from 1) and position in it (from 1)."""

    text: str
    paragraph: int
    index: int


def read_text_document(path: str | os.PathLike[str]) -> str:
    """The text of a UTF-8 (or BOM-marked UTF-16) document; a one-line error naming file and line otherwise."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=name) from None
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not {encoding.removesuffix('-sig').upper()} text (byte 0x{data[exc.start]:02X}); "
            "convert it first, e.g. iconv -f CP1256 -t UTF-8",
            path=name,
            line=line,
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError("binary data (NUL character), not a text document", path=name, line=line)
    if not text.strip():
        raise InputError("the document is empty", path=name)
    return text


def segment_document(
    text: str, *, lang: str, rules: SrxRules | None = None, join_lines: bool = False
) -> list[DocumentSegment]:
    """The sentences of a document in order, numbered by paragraph."""
    out: list[DocumentSegment] = []
    for number, paragraph in enumerate(split_sentences(text, lang=lang, rules=rules, join_lines=join_lines), 1):
        out.extend(DocumentSegment(sentence, number, index) for index, sentence in enumerate(paragraph, 1))
    return out
