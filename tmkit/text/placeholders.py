"""Inline codes as editable placeholders (`{1}`…`{/1}`, `{2/}`) and back to the original elements, never dropped."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from tmkit.errors import TmkitError
from tmkit.memory.model import INLINE_TAGS, Content, Inline, Segment, code_placeholder, normalize_content

#: A placeholder as typed: `{1}`, `{/1}`, `{2/}`, and `{h1}`…`{/h1}` around highlighted text.
TOKEN_RE = re.compile(r"\{/?[^{}/\s]+/?\}")
#: Tokens that are placeholders even when no code stands behind them (then they are an error);
#: other brace text such as `{name}` is ordinary text.
PLACEHOLDER_RE = _NUMBERED_RE = re.compile(r"\{/?h?\d+/?\}")


class PlaceholderError(TmkitError):
    """A target's placeholders do not map back to the codes: unknown, repeated or unbalanced."""


@dataclass(frozen=True, slots=True)
class _Entry:
    element: Inline
    #: "code" stands for the whole element; "open" starts a highlight that a `{/hN}` closes.
    role: str


def _wrapper(part: Inline) -> bool:
    """Highlights and unknown markup wrap translatable text: their content stays editable."""
    return part.tag == "hi" or part.tag not in INLINE_TAGS


def _walk(
    content: tuple[Content, ...], out: list[str], entries: list[tuple[str, _Entry]], counters: list[list[int]]
) -> None:
    for part in content:
        if isinstance(part, str):
            out.append(part)
        elif _wrapper(part):
            counters[1][0] += 1
            ident = "h" + str(counters[1][0])
            out.append("{" + ident + "}")
            entries.append(("{" + ident + "}", _Entry(Inline(part.tag, part.attrs), "open")))
            _walk(part.content, out, entries, counters)
            out.append("{/" + ident + "}")
        else:
            counters[0][0] += 1
            token = code_placeholder(part, counters[0][0])
            out.append(token)
            entries.append((token, _Entry(part, "code")))


def _render(segment: Segment) -> tuple[str, list[tuple[str, _Entry]]]:
    out: list[str] = []
    entries: list[tuple[str, _Entry]] = []
    _walk(segment.content, out, entries, [[0], [0]])
    return "".join(out), entries


def to_placeholders(segment: Segment) -> str:
    """The text to edit: each code a placeholder, highlighted text between `{hN}` and `{/hN}`."""
    if len(segment.content) == 1 and isinstance(segment.content[0], str):
        return segment.content[0]
    return _render(segment)[0]


def strip_placeholders(text: str) -> str:
    """The text without its numbered placeholders (what a reader, or a score, sees)."""
    return _NUMBERED_RE.sub("", text)


class CodePool:
    """The codes a target may use, by placeholder, from the segments given first to last.

    Each placeholder maps to its elements, taken from the first segment that has them (the
    target's own codes, say, before the source's): a placeholder may be used as often as one
    segment holds it, and one more is an error rather than a code made up or a duplicate id.
    """

    def __init__(self, segments: Iterable[Segment | None]) -> None:
        self._entries: dict[str, list[_Entry]] = {}
        for segment in segments:
            if segment is None or not segment.has_markup:
                continue
            seen: dict[str, int] = {}
            for token, entry in _render(segment)[1]:
                # A later segment adds only occurrences the earlier ones lack: the same code
                # offered twice (by target and source) must not be typed twice (TMX ids are unique).
                k = seen[token] = seen.get(token, 0) + 1
                entries = self._entries.setdefault(token, [])
                if len(entries) < k:
                    entries.append(entry)

    def __bool__(self) -> bool:
        return bool(self._entries)

    def tokens(self) -> set[str]:
        return set(self._entries)

    def segment(self, text: str) -> Segment:
        """The segment for an edited text; raises `PlaceholderError` if a placeholder does not map."""
        if "{" not in text:
            return Segment.from_text(text)
        available = {token: deque(entries) for token, entries in self._entries.items()}
        # Each level: the opening token, the highlight element and the content collected so far.
        stack: list[tuple[str, Inline | None, list[Content]]] = [("", None, [])]
        position = 0
        for m in TOKEN_RE.finditer(text):
            token = m.group(0)
            children = stack[-1][2]
            children.append(text[position : m.start()])
            position = m.end()
            queue = available.get(token)
            if queue:
                entry = queue.popleft()
                if entry.role == "open":
                    stack.append((token, entry.element, []))
                else:
                    children.append(entry.element)
            elif len(stack) > 1 and token == "{/" + stack[-1][0][1:]:
                _, element, inner = stack.pop()
                assert element is not None
                stack[-1][2].append(Inline(element.tag, element.attrs, normalize_content(inner)))
            elif token in self._entries:
                raise PlaceholderError(f"{token} appears more often than in the original")
            elif _NUMBERED_RE.fullmatch(token):
                closing = token.startswith("{/")
                why = "closes nothing open" if closing and token[2:3] == "h" else "stands for no code here"
                raise PlaceholderError(f"{token} {why}")
            else:
                children.append(token)  # brace text that is no placeholder, e.g. {name}
        stack[-1][2].append(text[position:])
        if len(stack) > 1:
            raise PlaceholderError(f"{stack[-1][0]} is not closed")
        segment = Segment(normalize_content(stack[0][2]))
        _check_pairs(segment)
        return segment


def _check_pairs(segment: Segment) -> None:
    """Every `{N}` (bpt) closed by its `{/N}` (ept) after it, as TMX requires."""
    open_ids: list[str] = []
    for code in segment.codes():
        ident = code.get("i") or ""
        if code.tag == "bpt":
            open_ids.append(ident)
        elif code.tag == "ept":
            if ident not in open_ids:
                raise PlaceholderError("{/" + ident + "} closes a code that is not open before it")
            open_ids.remove(ident)
    if open_ids:
        raise PlaceholderError("{" + open_ids[0] + "} is opened but its {/" + open_ids[0] + "} is missing")


def from_placeholders(text: str, *originals: Segment | None) -> Segment:
    """The segment for ``text`` with its placeholders mapped to the codes of ``originals`` (first preferred)."""
    return CodePool(originals).segment(text)
