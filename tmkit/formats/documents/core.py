"""The filter-independent part of documents: paragraphs of text and codes, SRX segments with inline codes, and back."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

from tmkit.memory.model import Content, Inline, Segment, normalize_content
from tmkit.text.segmentation import SrxRules, break_positions


class CodeKind(StrEnum):
    """What a code does to the text around it: opens a span, closes it, or stands alone."""

    OPEN = "open"
    CLOSE = "close"
    ALONE = "alone"


@dataclass(frozen=True, slots=True)
class Code:
    """A piece of native formatting inside a paragraph; ``ident`` is unique in the paragraph (a pair shares it)."""

    kind: CodeKind
    ident: int
    #: The native markup it stands for, written into the TMX code so translators and other tools see it.
    native: str = ""


Piece: TypeAlias = str | Code


@dataclass(frozen=True, slots=True)
class TranslationRecord:
    """What some formats keep of a paragraph's translation beyond its status (Trados's `sdl:seg`): a reviewer's
    rejection and why, and the match the translation still is, as it was pre-translated (its %, 101 in context, and the
    memory it came from, or a repetition's: the first occurrence's translation given again)."""

    rejected: bool = False
    #: Why the reviewer rejected it ("": not said).
    reason: str = ""
    match: float | None = None
    memory: str | None = None
    repetition: bool = False
    #: The % of the match it was pre-translated with, changed since (its memory and kind as above).
    previous_match: float | None = None


@dataclass(slots=True)
class Paragraph:
    """A stretch of a document translated as a whole: text and codes in order, cut into sentences unless ``whole``."""

    pieces: list[Piece]
    #: One segment whatever its sentences (a gettext message, a table cell in a catalogue).
    whole: bool = False
    #: Notes for the translator (a PO entry's comments, where an attribute comes from).
    notes: tuple[str, ...] = ()
    #: A translation the file already holds (a PO msgstr), with its status name (`draft`, `translated`).
    existing: tuple[list[Piece], str] | None = None
    #: What tells it from another paragraph of the same text in its document (a PO msgctxt): another message. ""
    #: in a format that has contexts, for one without (so a unit made from it says so); None in the others.
    context: str | None = None
    #: The existing translation was rejected by a reviewer (an SDLXLIFF's "RejectedTranslation"): the job says so.
    rejected: bool = False
    #: Why, where the file says (tmkit's rejection note): the job's segment shows it to the translator.
    rejection_reason: str = ""

    def __post_init__(self) -> None:
        self.pieces = normalize_pieces(self.pieces)


def normalize_pieces(pieces: Sequence[Piece]) -> list[Piece]:
    """Adjacent texts joined and empty ones dropped, so that equal paragraphs compare equal."""
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str):
            if not piece:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += piece
                continue
        out.append(piece)
    return out


@dataclass(slots=True)
class Layout:
    """How a paragraph was cut: each part is skeleton (kept as it is) or the number of a segment."""

    parts: list[list[Piece] | int] = field(default_factory=list)


def plain_text(pieces: Sequence[Piece]) -> str:
    """The text of pieces without codes."""
    return "".join(p for p in pieces if isinstance(p, str))


def _split_text_at(pieces: Sequence[Piece], cuts: Sequence[int]) -> list[list[Piece]]:
    """``pieces`` cut at plain-text offsets ``cuts`` (ascending); codes at a cut go to the part after it."""
    parts: list[list[Piece]] = [[]]
    offset = 0
    cut_iter = iter(cuts)
    next_cut = next(cut_iter, None)
    for piece in pieces:
        if isinstance(piece, Code):
            parts[-1].append(piece)
            continue
        start = 0
        while next_cut is not None and next_cut <= offset + len(piece):
            local = next_cut - offset
            if local > start:
                parts[-1].append(piece[start:local])
            start = max(start, local)
            parts.append([])
            next_cut = next(cut_iter, None)
        if start < len(piece):
            parts[-1].append(piece[start:])
        offset += len(piece)
    while next_cut is not None:  # cuts at the very end
        parts.append([])
        next_cut = next(cut_iter, None)
    return parts


def _has_text(pieces: Sequence[Piece]) -> bool:
    return bool(plain_text(pieces).strip())


def segment_paragraph(
    paragraph: Paragraph, *, lang: str, rules: SrxRules | None, first_segment: int
) -> tuple[Layout, list[list[Piece]]]:
    """The paragraph's layout and its segments (pieces), numbered from ``first_segment``.

    Sentences follow the SRX rules on the paragraph's plain text; the white space between them and
    around them (a PO message's final line break, which its translation must end with too) and codes
    that enclose a whole sentence stay in the skeleton, so segments hold only what a translator must
    place. A closing or standalone code right after a sentence end (a footnote reference after the
    full stop) stays with the sentence before it.
    """
    pieces = paragraph.pieces
    if not _has_text(pieces):
        return Layout([list(pieces)]), []
    # Standalone codes before the first letter and after the last (bookmarks, an image, a footnote's own
    # mark) stay where they are: the translation cannot move them, so the translator need not see them.
    start, end = 0, len(pieces)
    while start < end and _edge(pieces[start]):
        start += 1
    while end > start and _edge(pieces[end - 1]):
        end -= 1
    head, pieces, tail = list(pieces[:start]), list(pieces[start:end]), list(pieces[end:])
    layout, segments = _cut(pieces, paragraph, lang=lang, rules=rules, first_segment=first_segment)
    if head:
        layout.parts.insert(0, head)
    if tail:
        layout.parts.append(tail)
    return layout, segments


def _edge(piece: Piece) -> bool:
    return (isinstance(piece, Code) and piece.kind is CodeKind.ALONE) or (isinstance(piece, str) and not piece.strip())


def _cut(
    pieces: list[Piece], paragraph: Paragraph, *, lang: str, rules: SrxRules | None, first_segment: int
) -> tuple[Layout, list[list[Piece]]]:
    text = plain_text(pieces)
    cuts = [] if paragraph.whole else break_positions(text, lang=lang, rules=rules)
    chunks = _split_text_at(pieces, cuts)
    # Codes that open a sentence but sit after the cut's white space are fine; codes that close the
    # previous sentence or stand after it were moved forward by the cut: give them back.
    for index in range(1, len(chunks)):
        chunk = chunks[index]
        moved: list[Piece] = []
        while chunk and isinstance(chunk[0], Code) and chunk[0].kind is not CodeKind.OPEN:
            moved.append(chunk.pop(0))
        chunks[index - 1].extend(moved)
    layout = Layout()
    segments: list[list[Piece]] = []
    for chunk in chunks:
        if not _has_text(chunk):
            layout.parts.append(chunk)
            continue
        before, body, after = _trim(chunk)
        if before:
            layout.parts.append(before)
        layout.parts.append(first_segment + len(segments))
        segments.append(body)
        if after:
            layout.parts.append(after)
    return layout, segments


def _trim(chunk: list[Piece]) -> tuple[list[Piece], list[Piece], list[Piece]]:
    """White space at both ends and code pairs enclosing the whole sentence, set aside as skeleton."""
    body = list(chunk)
    before: list[Piece] = []
    after: list[Piece] = []
    changed = True
    while changed:
        changed = False
        # Leading white space (and opening codes before the first letter only when their pair closes at the end).
        if body and isinstance(body[0], str) and body[0] != body[0].lstrip():
            stripped = body[0].lstrip()
            before.append(body[0][: len(body[0]) - len(stripped)])
            body[0] = stripped
            if not stripped:
                body.pop(0)
            changed = True
        if body and isinstance(body[-1], str) and body[-1] != body[-1].rstrip():
            stripped = body[-1].rstrip()
            after.insert(0, body[-1][len(stripped) :])
            body[-1] = stripped
            if not stripped:
                body.pop()
            changed = True
        if (
            len(body) >= 2
            and isinstance(body[0], Code)
            and isinstance(body[-1], Code)
            and body[0].kind is CodeKind.OPEN
            and body[-1].kind is CodeKind.CLOSE
            and body[0].ident == body[-1].ident
        ):
            before.append(body.pop(0))
            after.insert(0, body.pop())
            changed = True
    return before, body, after


def to_segment(pieces: Sequence[Piece]) -> Segment:
    """The TMX segment of pieces: pairs as `bpt`/`ept`, a code whose pair is in another sentence `it`, others `ph`."""
    opens = {p.ident for p in pieces if isinstance(p, Code) and p.kind is CodeKind.OPEN}
    closes = {p.ident for p in pieces if isinstance(p, Code) and p.kind is CodeKind.CLOSE}
    content: list[Content] = []
    for piece in pieces:
        if isinstance(piece, str):
            content.append(piece)
            continue
        ident = str(piece.ident)
        native: tuple[Content, ...] = (piece.native,) if piece.native else ()
        if piece.kind is CodeKind.ALONE:
            content.append(Inline("ph", (("x", ident),), native))
        elif piece.kind is CodeKind.OPEN and piece.ident in closes:
            content.append(Inline("bpt", (("i", ident),), native))
        elif piece.kind is CodeKind.CLOSE and piece.ident in opens:
            content.append(Inline("ept", (("i", ident),), native))
        else:
            pos = "begin" if piece.kind is CodeKind.OPEN else "end"
            content.append(Inline("it", (("pos", pos), ("x", ident)), native))
    return Segment(normalize_content(content))


def _code_of(element: Inline) -> tuple[CodeKind, int] | None:
    ident = element.get("i") if element.tag in ("bpt", "ept") else element.get("x")
    if ident is None or not ident.isdigit():
        return None
    if element.tag == "bpt" or (element.tag == "it" and element.get("pos") == "begin"):
        return CodeKind.OPEN, int(ident)
    if element.tag == "ept" or (element.tag == "it" and element.get("pos") == "end"):
        return CodeKind.CLOSE, int(ident)
    if element.tag in ("ph", "ut"):
        return CodeKind.ALONE, int(ident)
    return None


@dataclass(slots=True)
class Placement:
    """What happened to a segment's codes when its translation went back into the document."""

    dropped: int = 0
    appended: int = 0
    #: Pairs of the source (a link, bold, italics) its translation did not keep: their text went in without them.
    lost_pairs: int = 0


def from_segment(target: Segment, source: Sequence[Piece], placement: Placement | None = None) -> list[Piece]:
    """The pieces of a translation, its codes taken from the source sentence's by kind and number.

    A code the source lacks is left out; a standalone code the translation lacks (a footnote
    reference, an image) is put at its end, so nothing of the document is lost; a pair the
    translation lacks, or has only one half of, is left out (its text keeps the paragraph's formatting).
    """
    available = {(p.kind, p.ident): p for p in source if isinstance(p, Code)}
    out: list[Piece] = []

    def walk(content: tuple[Content, ...]) -> None:
        for part in content:
            if isinstance(part, str):
                out.append(part)
            elif part.tag == "sub":
                continue
            elif part.tag == "hi" or not part.is_code:
                walk(part.content)
            else:
                key = _code_of(part)
                code = available.pop(key, None) if key is not None else None
                if code is not None:
                    out.append(code)
                elif placement is not None:
                    placement.dropped += 1

    walk(target.content)
    placed = {(p.kind, p.ident) for p in out if isinstance(p, Code)}
    # Keep pairs only when both halves were placed, opening before closing.
    for piece in list(out):
        if isinstance(piece, Code) and piece.kind is not CodeKind.ALONE:
            partner = CodeKind.CLOSE if piece.kind is CodeKind.OPEN else CodeKind.OPEN
            partner_in_source = any(
                isinstance(p, Code) and p.kind is partner and p.ident == piece.ident for p in source
            )
            if partner_in_source and (partner, piece.ident) not in placed:
                out.remove(piece)
                if placement is not None:
                    placement.dropped += 1
    for piece in source:
        if isinstance(piece, Code) and piece.kind is CodeKind.ALONE and (piece.kind, piece.ident) not in placed:
            out.append(piece)
            if placement is not None:
                placement.appended += 1
    if placement is not None:
        kept = {p.ident for p in out if isinstance(p, Code) and p.kind is CodeKind.OPEN}
        placement.lost_pairs += sum(
            1 for p in source if isinstance(p, Code) and p.kind is CodeKind.OPEN and p.ident not in kept
        )
    return out


def assemble(layout: Layout, segments: Sequence[list[Piece]]) -> list[Piece]:
    """A paragraph's pieces from its layout with each segment number replaced by ``segments``' pieces."""
    out: list[Piece] = []
    for part in layout.parts:
        out.extend(segments[part] if isinstance(part, int) else part)
    # Adjacent texts joined: an untouched paragraph equals the one read, and is left as it was.
    return normalize_pieces(out)


def map_text(pieces: Sequence[Piece], change: Callable[[str], str]) -> list[Piece]:
    """Pieces with each text changed by ``change`` and codes kept (pseudo-translation)."""
    return [change(p) if isinstance(p, str) else p for p in pieces]


_PSEUDO = str.maketrans("aeiouAEIOUcnsyCNSY", "áéíóúÁÉÍÓÚçñšýÇÑŠÝ")
#: Format placeholders a program fills in (printf and Python `%s`, `%(email)s`, `%1$d`; brace `{email}`, `{0}`):
#: accented, they no longer name what the program gives, and it fails on the string instead of showing it.
_FORMAT_PLACEHOLDER_RE = re.compile(r"(%(?:\d+\$)?(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]|\{[^{}\s]*\})")


def pseudo_translate(text: str) -> str:
    """A pseudo-translation: Latin letters accented (format placeholders kept), the text marked and a third longer,
    Arabic kept readable."""
    if not text.strip():
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    parts = _FORMAT_PLACEHOLDER_RE.split(text.strip())
    core = "".join(part if index % 2 else part.translate(_PSEUDO) for index, part in enumerate(parts))
    return f"{lead}⟦{core}{'·' * (len(core) // 3)}⟧{trail}"
