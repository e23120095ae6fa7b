"""Plain-text documents: each line a paragraph (blank lines between paragraphs kept), written back line for line."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from tmkit.formats.documents.core import Paragraph, Piece, TranslationRecord, plain_text
from tmkit.formats.text_files import TextForm, read_text, text_form

_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")


class TextDocument:
    """A text file as tmkit segments it: every line ends a sentence, unless ``join_lines`` joins a block's lines."""

    def __init__(self, text: str, *, join_lines: bool = False, form: TextForm | None = None) -> None:
        #: How the translated file is written: as the source was (encoding, byte order mark, line breaks).
        self.form = form or TextForm()
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        # The file as alternating separators and paragraphs: the separators are written back as they were.
        self._skeleton: list[str] = []
        self.paragraphs: list[Paragraph] = []
        position = 0
        blocks = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK_RE.finditer(text)]
        spans: list[tuple[int, int]] = []
        start = 0
        for block_start, block_end in [*blocks, (len(text), len(text))]:
            if join_lines:
                spans.append((start, block_start))
            else:
                line_start = start
                for m in re.finditer("\n", text[start:block_start]):
                    spans.append((line_start, start + m.start()))
                    line_start = start + m.end()
                spans.append((line_start, block_start))
            start = block_end
        for span_start, span_end in spans:
            self._skeleton.append(text[position:span_start])
            chunk = text[span_start:span_end]
            self.paragraphs.append(Paragraph([chunk.replace("\n", " ") if join_lines else chunk]))
            position = span_end
        self._tail = text[position:]

    def render(
        self,
        contents: Sequence[list[Piece]],
        *,
        target_lang: str,
        statuses: Sequence[str | None] | None = None,
        records: Sequence[TranslationRecord | None] | None = None,
    ) -> bytes:
        """The text with each paragraph's translation in place; codes do not occur in plain text."""
        out: list[str] = []
        for separator, pieces in zip(self._skeleton, contents, strict=True):
            out.append(separator)
            out.append(plain_text(pieces))
        out.append(self._tail)
        return self.form.encode("".join(out))


def read_document(path: str | os.PathLike[str], *, join_lines: bool = False) -> TextDocument:
    """Read a text file as `tmkit.formats.text_files` reads every text file."""
    text = read_text(path)
    return TextDocument(text, join_lines=join_lines, form=text_form(path, text))
