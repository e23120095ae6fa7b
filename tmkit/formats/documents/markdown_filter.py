"""Markdown (CommonMark and tables, via markdown-it-py): each block's inline text a paragraph, its markup as codes.

The file is never re-rendered from tokens: a translated block's inline text replaces its lines
in the original, so code blocks, front matter, link reference definitions, HTML blocks, list
markers and every untranslated line stay byte for byte. Inside a block, the source between the
text tokens (emphasis marks, link and image brackets and URLs, inline code, autolinks, inline HTML)
becomes codes (an image's alt text is text, between its `![` and its `](…)`); soft line breaks
become spaces, so a translated paragraph is written on one line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tmkit.errors import InputError
from tmkit.formats.documents.core import (
    Code,
    CodeKind,
    Paragraph,
    Piece,
    TranslationRecord,
    normalize_pieces,
    plain_text,
)
from tmkit.formats.text_files import read_text

#: Inline tokens that open or close a span of translatable text (an image's alt text is one: see `_ImageEdge`).
OPENERS = frozenset({"em_open", "strong_open", "s_open", "link_open", "image_open"})
CLOSERS = frozenset({"em_close", "strong_close", "s_close", "link_close", "image_close"})
_PREFIX_RE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:#{1,6}[ \t]+)?")
_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
_LINE_START_RE = re.compile(r"^(\s*)([-+*#>=]|\d+[.)])")


def parser() -> Any:
    """The CommonMark parser with GFM tables and strikethrough, and front matter set aside."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)


def _text_pattern(text: str) -> re.Pattern[str]:
    """The source of a text token: each punctuation mark maybe backslash-escaped, any character maybe an entity."""
    parts = []
    for char in text:
        escaped = re.escape(char)
        if char in " \n":
            parts.append(r"[ \t]*\n?[ \t]*" if char == "\n" else escaped)
        elif char.isascii() and not char.isalnum():
            parts.append(f"(?:\\\\?{escaped}|{_ENTITY})")
        else:
            parts.append(f"(?:{escaped}|{_ENTITY})")
    return re.compile("".join(parts))


#: What may write a character otherwise than as itself: a backslash escape or a character reference.
_ENCODING_RE = re.compile(r"[\\&]")


def _find_text(raw: str, text: str, start: int) -> tuple[int, int] | None:
    """Where a text token's source stands in ``raw`` from ``start`` (its start and end), or None.

    Mostly the text itself: the pattern is compiled only when no such copy is found with no backslash or `&` before
    or in it (one of them could write an earlier copy otherwise), or the text holds a line break. Compiled for every
    token, it took 98% of the time to read CommonMark's 200 KB spec (9 s, in each command that read it).
    """
    if "\n" not in text:
        at = raw.find(text, start)
        if at >= 0 and not _ENCODING_RE.search(raw, start, at + len(text)):
            return at, at + len(text)
    found = _text_pattern(text).search(raw, start)
    return None if found is None else (found.start(), found.end())


@dataclass(slots=True)
class _Block:
    """Where an inline token's text stands in the file: its lines and the columns of its content."""

    first_line: int
    last_line: int
    start: int  # column where the content begins on the first line
    end: int  # column where it ends on the last line
    continuation: str  # what begins a further line of the block (`> ` in a quote, spaces in a list item)
    in_table: bool


def _find_content(line: str, content: str, start: int, in_table: bool) -> tuple[int, int] | None:
    """Where a block's content stands on its line; in a table a cell's `|` is written `\\|`."""
    if not content:
        return start, start
    at = line.find(content, start)
    if at >= 0:
        return at, at + len(content)
    if in_table and "|" in content:
        found = re.compile("".join(r"\\?\|" if char == "|" else re.escape(char) for char in content)).search(
            line, start
        )
        if found:
            return found.start(), found.end()
    return None


@dataclass(frozen=True, slots=True)
class _ImageEdge:
    """Where an image's alt text begins (`image_open`, its `![`) or ends (`image_close`, its `]` and destination):
    markdown-it gives an image as one token with its alt text as children, and the alt text (what a reader who
    cannot see the image is told, shown where the image fails) is translated as a link's text is."""

    type: str
    content: str = ""
    markup: str = ""


def _inline_tokens(inline: Any) -> list[Any]:
    """The inline tokens, each image's alt text among them between its two edges."""
    tokens: list[Any] = []
    for token in inline.children or []:
        if token.type == "image":
            tokens += [_ImageEdge("image_open"), *(token.children or []), _ImageEdge("image_close")]
        else:
            tokens.append(token)
    return tokens


def _gap_kind(tokens: Sequence[Any]) -> CodeKind:
    if tokens and all(t.type in OPENERS for t in tokens):
        return CodeKind.OPEN
    if tokens and all(t.type in CLOSERS for t in tokens):
        return CodeKind.CLOSE
    return CodeKind.ALONE


def _pieces(inline: Any) -> list[Piece]:
    """The inline content as text and codes: the source between text tokens is one code per gap."""
    raw: str = inline.content
    pieces: list[str | int] = []  # text, or the number of a code in `codes`
    cursor = 0
    gap_tokens: list[Any] = []
    opened: list[tuple[int, int]] = []  # open gaps waiting for their close: code number, tokens in the gap
    codes: list[list[Any]] = []  # [kind, ident, raw] of each code, paired afterwards
    in_autolink = False
    search_from = 0
    skipped_from: int | None = None  # where the last link's destination began, passed over (`search_from` past it)

    def flush_gap(until: int) -> None:
        nonlocal gap_tokens
        text = raw[cursor:until]
        if gap_tokens or text:
            kind = _gap_kind(gap_tokens)
            ident = len(codes) + 1
            if kind is CodeKind.OPEN:
                opened.append((ident, len(gap_tokens)))
            elif kind is CodeKind.CLOSE:
                if opened and opened[-1][1] == len(gap_tokens):
                    ident = opened.pop()[0]
                else:
                    kind = CodeKind.ALONE
            codes.append([kind, ident, text])
            pieces.append(len(codes) - 1)
        gap_tokens = []

    for token in _inline_tokens(inline):
        if token.type == "link_open" and token.markup in ("autolink", "linkify"):
            in_autolink = True
        if token.type == "text" and not in_autolink and token.content:
            found = _find_text(raw, token.content, max(cursor, search_from))
            if found is None and skipped_from is not None:
                # (What a link's destination was taken to be is text after all: looked for from the link's end.)
                found = _find_text(raw, token.content, max(cursor, skipped_from))
            if found is None:
                raise ValueError(f"text {token.content!r} not found in the block's source")
            skipped_from = None
            flush_gap(found[0])
            pieces.append(token.content)
            cursor = found[1]
            continue
        if token.type == "softbreak" and not in_autolink:
            # A soft line break is a space in the sentence (the line's end and the next line's indent).
            at = raw.find("\n", max(cursor, search_from))
            if at >= 0:
                end = at
                while end > cursor and raw[end - 1] in " \t":
                    end -= 1
                if end > cursor or gap_tokens:
                    flush_gap(end)
                pieces.append(" ")
                cursor = search_from = at + 1
                continue
        if token.type == "link_close" and in_autolink:
            in_autolink = False
            # Past the autolink's `>`: a full stop after `<https://en.x.org>` was found inside it, as after a link.
            opening = raw.find("<", max(cursor, search_from))
            closing = raw.find(">", opening) if opening >= 0 else -1
            if closing >= 0:
                skipped_from, search_from = opening, closing + 1
        elif token.type in ("link_close", "image_close"):
            # Past the link's or image's destination: a text after the link (its sentence's full stop) was found
            # inside the URL (`[the book](https://en.wikibooks.org).` cut at `en.`, the translation written into it).
            bracket = raw.find("]", max(cursor, search_from))
            if bracket >= 0:
                skipped_from, search_from = bracket + 1, _destination_end(raw, bracket + 1)
        elif token.type == "image_open":
            # Its alt text is looked for past its `![`; its end, past its `]` (its own brackets nested).
            opening = raw.find("![", max(cursor, search_from))
            if opening >= 0:
                search_from = opening + 2
        gap_tokens.append(token)
        # Search past literal content, so text inside it is not taken for the next text token.
        if token.type == "code_inline":
            # The span runs from its backticks to the next run of as many: its content may differ from the
            # source (line breaks read as spaces), so it is found by its delimiters, not by its text.
            opening = raw.find(token.markup, max(cursor, search_from))
            closing = raw.find(token.markup, opening + len(token.markup)) if opening >= 0 else -1
            if closing >= 0:
                search_from = closing + len(token.markup)
        elif token.type == "html_inline" and token.content:
            at = raw.find(token.content, max(cursor, search_from))
            if at >= 0:
                search_from = at + len(token.content)
    flush_gap(len(raw))
    # A pair left open (its close was not a clean gap) is no pair: both halves stand alone.
    for ident, _count in opened:
        for entry in codes:
            if entry[1] == ident:
                entry[0] = CodeKind.ALONE
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, int):
            kind, ident, text = codes[piece]
            out.append(Code(kind, ident, text))
        else:
            out.append(piece)
    return normalize_pieces(out)


def _bracket_end(raw: str, at: int) -> int:
    """Where the bracket opened at ``raw[at]`` (`[`) closes (the index of its `]`), nested and escaped ones passed
    over; -1 if it never does."""
    depth = 0
    index = at
    while index < len(raw):
        char = raw[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _destination_end(raw: str, at: int) -> int:
    """The index just past a link's or image's destination starting at ``raw[at]`` (after its text's `]`): an inline
    `(url "title")` when markdown-it reads one there (its own rule, by its own helpers: `(3.12 or later)` after a
    shortcut reference is text), a reference `[label]`, or nothing."""
    if raw.startswith("[", at):
        close = _bracket_end(raw, at)
        return close + 1 if close >= 0 else at
    if not raw.startswith("(", at):
        return at
    end = _inline_destination_end(raw, at)
    return at if end is None else end


def _inline_destination_end(raw: str, at: int) -> int | None:
    """Where the inline destination opened at ``raw[at]`` (`(`) ends, as markdown-it's link rule reads it; None where
    that rule reads none (the link is a reference, and the parenthesis text)."""
    from markdown_it.common.normalize_url import normalizeLink, validateLink
    from markdown_it.helpers import parseLinkDestination, parseLinkTitle

    maximum = len(raw)

    def spaces(pos: int) -> int:
        while pos < maximum and raw[pos] in " \t\n":
            pos += 1
        return pos

    pos = spaces(at + 1)
    if pos >= maximum:
        return None
    destination = parseLinkDestination(raw, pos, maximum)
    if destination.ok:
        if validateLink(normalizeLink(destination.str)):
            pos = destination.pos
        start = pos
        pos = spaces(pos)
        title = parseLinkTitle(raw, pos, maximum)
        if pos < maximum and start != pos and title.ok:
            pos = spaces(title.pos)
    if pos >= maximum or raw[pos] != ")":
        return None
    return pos + 1


def _escape(text: str, *, at_start: bool, in_table: bool) -> str:
    """Text as Markdown source that reads back as this text (marks escaped, a line-start marker too)."""
    out = re.sub(r"([\\`*_\[\]<])", r"\\\1", text)
    out = re.sub(_ENTITY, lambda m: "\\" + m.group(0), out)
    if in_table:
        out = out.replace("|", "\\|")
    if at_start:
        out = _LINE_START_RE.sub(lambda m: m.group(1) + "\\" + m.group(2), out, count=1)
    return out


class MarkdownDocument:
    """A Markdown file: inline text of headings, paragraphs and table cells as paragraphs."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self._lines = text.split("\n")
        self.paragraphs: list[Paragraph] = []
        self._blocks: list[_Block] = []
        cursors: dict[int, int] = {}
        in_table = False
        for token in parser().parse(text):
            if token.type == "table_open":
                in_table = True
            elif token.type == "table_close":
                in_table = False
            if token.type != "inline" or token.map is None or not token.content.strip():
                continue
            block = self._locate(token, cursors, in_table)
            if block is None:
                raise InputError("a block's text could not be found in its lines", path=path, line=token.map[0] + 1)
            try:
                pieces = _pieces(token)
            except ValueError as exc:
                raise InputError(str(exc), path=path, line=token.map[0] + 1) from None
            self._blocks.append(block)
            self.paragraphs.append(Paragraph(pieces))

    def _locate(self, token: Any, cursors: dict[int, int], in_table: bool) -> _Block | None:
        content_lines = token.content.split("\n")
        first = token.map[0]
        columns: list[tuple[int, int]] = []
        for offset, content_line in enumerate(content_lines):
            number = first + offset
            if number >= len(self._lines):
                return None
            line = self._lines[number]
            start_from = cursors.get(number) or len(_PREFIX_RE.match(line).group(0))  # type: ignore[union-attr]
            span = _find_content(line, content_line, start_from, in_table) or _find_content(
                line, content_line, 0, in_table
            )
            if span is None:
                return None
            columns.append(span)
            cursors[number] = span[1]
        if len(content_lines) > 1:
            continuation = self._lines[first + 1][: columns[1][0]]
        else:
            prefix = self._lines[first][: columns[0][0]]
            continuation = re.sub(r"[^>\s]", " ", prefix)
        return _Block(first, first + len(content_lines) - 1, columns[0][0], columns[-1][1], continuation, in_table)

    def render(
        self,
        contents: Sequence[list[Piece]],
        *,
        target_lang: str,
        statuses: Sequence[str | None] | None = None,
        records: Sequence[TranslationRecord | None] | None = None,
    ) -> bytes:
        """The file with each translated block's lines replaced by its text on one line (Markdown has no direction)."""
        lines = list(self._lines)
        deleted: set[int] = set()
        # Right to left within a line (table cells), bottom to top through the file: columns stay valid.
        order = sorted(range(len(self._blocks)), key=lambda i: (self._blocks[i].first_line, self._blocks[i].start))
        for index in reversed(order):
            block, pieces = self._blocks[index], contents[index]
            if pieces == self.paragraphs[index].pieces:
                continue
            source_lines = self._lines[block.first_line : block.last_line + 1]
            head = source_lines[0][: block.start]
            tail = source_lines[-1][block.end :]
            body: list[str] = []
            for piece in pieces:
                if isinstance(piece, Code):
                    native = piece.native.replace("\n", "\n" + block.continuation)
                    # A table cell's pipes are escaped even inside code spans (GFM), or the cell ends there.
                    body.append(re.sub(r"(?<!\\)\|", r"\\|", native) if block.in_table else native)
                else:
                    body.append(_escape(piece, at_start=not body, in_table=block.in_table))
            text = "".join(body)
            if not plain_text(pieces).strip():
                text = text.strip()
            current = lines[block.first_line]
            if block.first_line == block.last_line:
                # Another cell on this line may have been replaced already, to the right: keep what is there.
                lines[block.first_line] = current[: block.start] + text + current[block.end :]
            else:
                lines[block.first_line] = head + text + tail
                deleted.update(range(block.first_line + 1, block.last_line + 1))
        return "\n".join(line for number, line in enumerate(lines) if number not in deleted).encode("utf-8")


def read_document(path: str | os.PathLike[str]) -> MarkdownDocument:
    """Read a Markdown file as every text file is read (UTF-8 or UTF-16 with BOM)."""
    return MarkdownDocument(os.fspath(path), read_text(path))
