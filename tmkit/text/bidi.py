"""Arabic for terminals that do no bidi: contextual shaping and visual reordering of one displayed line.

Text is stored, edited and saved in logical order; only what is painted changes. The pipeline
per line: shape in logical order (presentation forms, lam-alef ligatures, harakat kept after
their letter), resolve the embedding levels with python-bidi's Rust core (UAX #9 with bracket
pairs), reorder clusters (a letter and its marks move together, so the terminal puts each mark
on its own letter), mirror brackets at odd levels (python-bidi's Rust path does not, #25), and
keep the visual→logical map for cursor placement.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bidi import get_display

# -- shaping ---------------------------------------------------------------------------------------

#: letter → (isolated, final, initial, medial); two forms for right-joining letters.
_FORMS: dict[str, tuple[int, ...]] = {
    "\u0621": (0xFE80,),
    "\u0622": (0xFE81, 0xFE82),
    "\u0623": (0xFE83, 0xFE84),
    "\u0624": (0xFE85, 0xFE86),
    "\u0625": (0xFE87, 0xFE88),
    "\u0626": (0xFE89, 0xFE8A, 0xFE8B, 0xFE8C),
    "\u0627": (0xFE8D, 0xFE8E),
    "\u0628": (0xFE8F, 0xFE90, 0xFE91, 0xFE92),
    "\u0629": (0xFE93, 0xFE94),
    "\u062a": (0xFE95, 0xFE96, 0xFE97, 0xFE98),
    "\u062b": (0xFE99, 0xFE9A, 0xFE9B, 0xFE9C),
    "\u062c": (0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0),
    "\u062d": (0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4),
    "\u062e": (0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8),
    "\u062f": (0xFEA9, 0xFEAA),
    "\u0630": (0xFEAB, 0xFEAC),
    "\u0631": (0xFEAD, 0xFEAE),
    "\u0632": (0xFEAF, 0xFEB0),
    "\u0633": (0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4),
    "\u0634": (0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8),
    "\u0635": (0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC),
    "\u0636": (0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0),
    "\u0637": (0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4),
    "\u0638": (0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8),
    "\u0639": (0xFEC9, 0xFECA, 0xFECB, 0xFECC),
    "\u063a": (0xFECD, 0xFECE, 0xFECF, 0xFED0),
    "\u0641": (0xFED1, 0xFED2, 0xFED3, 0xFED4),
    "\u0642": (0xFED5, 0xFED6, 0xFED7, 0xFED8),
    "\u0643": (0xFED9, 0xFEDA, 0xFEDB, 0xFEDC),
    "\u0644": (0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0),
    "\u0645": (0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4),
    "\u0646": (0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8),
    "\u0647": (0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC),
    "\u0648": (0xFEED, 0xFEEE),
    "\u0649": (0xFEEF, 0xFEF0),
    "\u064a": (0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4),
    "\u0671": (0xFB50, 0xFB51),
    "\u067e": (0xFB56, 0xFB57, 0xFB58, 0xFB59),
    "\u0686": (0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D),
    "\u0698": (0xFB8A, 0xFB8B),
    "\u06a9": (0xFB8E, 0xFB8F, 0xFB90, 0xFB91),
    "\u06af": (0xFB92, 0xFB93, 0xFB94, 0xFB95),
    "\u06cc": (0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF),
}
#: alef after lam → (isolated ligature, final ligature): the mandatory lam-alef.
_LAM_ALEF: dict[str, tuple[str, str]] = {
    "\u0622": ("\ufef5", "\ufef6"),
    "\u0623": ("\ufef7", "\ufef8"),
    "\u0625": ("\ufef9", "\ufefa"),
    "\u0627": ("\ufefb", "\ufefc"),
}
_LAM = "\u0644"
#: Characters that join on both sides without changing shape themselves: tatweel and ZWJ.
_JOIN_CAUSING = frozenset("\u0640\u200d")


def _transparent(ch: str) -> bool:
    """Harakat and other marks: skipped when looking for the neighbour a letter joins with."""
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch) == "Mn"


def _joins_forward(ch: str) -> bool:
    """Whether ``ch`` connects to the letter after it (dual-joining letters and join-causers)."""
    return ch in _JOIN_CAUSING or len(_FORMS.get(ch, ())) == 4


def _joins_backward(ch: str) -> bool:
    """Whether ``ch`` connects to the letter before it."""
    return ch in _JOIN_CAUSING or len(_FORMS.get(ch, ())) >= 2


def shape_glyphs(text: str) -> list[str]:
    """The glyph painted for each logical character: presentation forms, ``""`` for an alef merged into lam.

    The list has one entry per character of ``text`` so that logical indices stay valid; only
    Arabic letters change, marks and everything else stay as they are.
    """
    glyphs = list(text)
    n = len(text)

    def neighbour(i: int, step: int) -> str | None:
        j = i + step
        while 0 <= j < n and _transparent(text[j]):
            j += step
        return text[j] if 0 <= j < n else None

    i = 0
    while i < n:
        ch = text[i]
        forms = _FORMS.get(ch)
        if forms is None:
            i += 1
            continue
        before = neighbour(i, -1)
        joined_before = before is not None and _joins_forward(before)
        if ch == _LAM and i + 1 < n and text[i + 1] in _LAM_ALEF:
            isolated, final = _LAM_ALEF[text[i + 1]]
            glyphs[i] = final if joined_before else isolated
            glyphs[i + 1] = ""
            i += 2
            continue
        after = neighbour(i, 1)
        joined_after = len(forms) == 4 and after is not None and _joins_backward(after)
        if len(forms) == 1:
            form = forms[0]
        elif joined_before and joined_after:
            form = forms[3]
        elif joined_before:
            form = forms[1]
        elif joined_after:
            form = forms[2]
        else:
            form = forms[0]
        glyphs[i] = chr(form)
        i += 1
    return glyphs


def shape(text: str) -> str:
    """``text`` with Arabic letters in their contextual presentation forms, still in logical order."""
    return "".join(shape_glyphs(text))


# -- reordering ------------------------------------------------------------------------------------

_MIRRORS = dict(
    pair
    for a, b in ("()", "[]", "{}", "<>", "«»", "‹›", "⁅⁆", "⁽⁾", "₍₎", "≤≥", "〈〉", "⟨⟩", "⟦⟧", "【】", "〔〕", "﴾﴿")
    for pair in ((a, b), (b, a))
)
_LEVEL_RE = re.compile(r"Level\(\s*(\d+),\s*\)")


def mirror(ch: str) -> str:
    """The mirrored glyph of a bracket-like character (UAX #9 rule L4), else the character."""
    return _MIRRORS.get(ch, ch)


def _byte_levels(text: str, rtl: bool) -> list[int]:
    """Embedding levels per UTF-8 byte from python-bidi's Rust core (its debug dump is its only way out)."""
    dump = get_display(text, base_dir="R" if rtl else "L", debug=True)
    assert isinstance(dump, str)
    body = dump[dump.index("levels:") : dump.index("paragraphs:")]
    return [int(level) for level in _LEVEL_RE.findall(body)]


def resolve_levels(text: str, *, rtl: bool) -> list[int]:
    """The resolved embedding level of each character of one line, with rule L1 applied."""
    if not text:
        return []
    by_byte = _byte_levels(text, rtl)
    levels: list[int] = []
    offset = 0
    for ch in text:
        levels.append(by_byte[offset])
        offset += len(ch.encode("utf-8"))
    base = 1 if rtl else 0
    # L1: white space at the end of the line goes to the paragraph level.
    i = len(text) - 1
    while i >= 0 and (text[i].isspace() or unicodedata.bidirectional(text[i]) in {"WS", "BN", "S"}):
        levels[i] = base
        i -= 1
    return levels


def _clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each base character with the combining marks after it."""
    out: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if out and i > 0 and _transparent(ch) and unicodedata.bidirectional(ch) == "NSM":
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def visual_order(levels: list[int], units: list[tuple[int, int]]) -> list[int]:
    """Rule L2 over clusters: the cluster indices in visual order, highest levels reversed first."""
    order = list(range(len(units)))
    if not units:
        return order
    unit_levels = [levels[start] for start, _ in units]
    highest = max(unit_levels)
    lowest_odd = min((lv for lv in unit_levels if lv % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if unit_levels[order[i]] >= level:
                j = i
                while j < len(order) and unit_levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


@dataclass(frozen=True, slots=True)
class VisualLine:
    """One line as painted: its characters left to right, and for each the logical index it shows."""

    text: str
    v2l: tuple[int, ...]
    rtl: bool

    def l2v(self, logical: int) -> int:
        """The visual position of the character at ``logical`` (a merged alef shows in its lam's cell).

        ``logical == len(text)`` (the cursor after the last character) maps to the end of the
        line in reading direction: the left edge of an RTL line, the right edge of an LTR one.
        """
        best: int | None = None
        for position, index in enumerate(self.v2l):
            if index == logical:
                return position
            if index < logical and (best is None or index > self.v2l[best]):
                best = position
        if logical >= (max(self.v2l) + 1 if self.v2l else 0):
            return 0 if self.rtl else len(self.v2l)
        return best if best is not None else 0


def _levels_with_atoms(text: str, *, rtl: bool) -> list[int]:
    """Embedding levels, with each code placeholder (`{1}`, `{/1}`, `{2/}`) kept as one LTR atom.

    Without this an RTL line shows `{/1}` as `{1/}`; the placeholders are isolated (LRI…PDI)
    for resolving only, never in the text shown or stored.
    """
    from tmkit.text.placeholders import PLACEHOLDER_RE

    if "{" not in text or not PLACEHOLDER_RE.search(text):
        return resolve_levels(text, rtl=rtl)
    isolated: list[str] = []
    where: list[int] = []
    position = 0
    for m in PLACEHOLDER_RE.finditer(text):
        for ch in text[position : m.start()]:
            where.append(len(isolated))
            isolated.append(ch)
        isolated.append("\u2066")
        for ch in m.group(0):
            where.append(len(isolated))
            isolated.append(ch)
        isolated.append("\u2069")
        position = m.end()
    for ch in text[position:]:
        where.append(len(isolated))
        isolated.append(ch)
    levels = resolve_levels("".join(isolated), rtl=rtl)
    return [levels[i] for i in where]


@lru_cache(maxsize=8192)
def visual_line(text: str, *, rtl: bool | None = None, shaping: bool = True) -> VisualLine:
    """``text`` (one line, logical order) reordered for a terminal that does no bidi.

    ``rtl`` fixes the paragraph direction; ``None`` takes it from the first strong character
    (rules P2/P3). Marks stay after their letter; brackets at odd levels are mirrored.
    """
    if rtl is None:
        rtl = base_is_rtl(text)
    if not text:
        return VisualLine("", (), rtl)
    glyphs = shape_glyphs(text) if shaping else list(text)
    levels = _levels_with_atoms(text, rtl=rtl)
    units = _clusters(text)
    out: list[str] = []
    v2l: list[int] = []
    for unit in visual_order(levels, units):
        start, end = units[unit]
        for index in range(start, end):
            glyph = glyphs[index]
            if not glyph:
                continue
            if levels[index] % 2 and index == start:
                glyph = mirror(glyph)
            out.append(glyph)
            v2l.append(index)
    return VisualLine("".join(out), tuple(v2l), rtl)


def base_is_rtl(text: str) -> bool:
    """Whether the first strong character of ``text`` is right-to-left (UAX #9 P2/P3)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in {"R", "AL"}:
            return True
        if kind == "L":
            return False
    return False


def needs_bidi(text: str) -> bool:
    """Whether ``text`` holds any right-to-left character (else display is the identity)."""
    return any(unicodedata.bidirectional(ch) in {"R", "AL", "AN", "RLE", "RLO", "RLI"} for ch in text)
