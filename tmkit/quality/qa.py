"""Pre-delivery checks on translations: numbers, untranslated text, punctuation, spaces, tags, bidi, consistency."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from tmkit.errors import TmkitError
from tmkit.memory.langtags import is_arabic_language
from tmkit.memory.model import Inline, Segment
from tmkit.quality.defaults import DEFAULT_FAIL_ON, Severity
from tmkit.text.normalize import Normalizer
from tmkit.text.numbers import NumberReading, compare_numbers
from tmkit.text.scripts import ARABIC_DIGIT_CLASS, ARABIC_LETTER_CLASS, HARAKAT_CLASS, TATWEEL, has_arabic
from tmkit.wording import plural

if TYPE_CHECKING:
    from tmkit.quality.spelling import SpellChecker
    from tmkit.terms.model import Termbase


class QaError(TmkitError, ValueError):
    """QA was asked for a check that does not exist."""


@dataclass(frozen=True, slots=True)
class Check:
    """A QA check: its id (what `select_checks` selects and ignores), severity and what it looks for."""

    id: str
    severity: Severity
    description: str


#: An Arabic target that is its English source copied is a sentence left untranslated, not a name, a product, a path or
#: a line of code kept as it is (`Visual Studio Code`, `import numpy as np`: a warning, same-as-source), when it holds
#: this many Latin words or more outside URLs, paths and file names, two of them or more in lower case (a name's words
#: are capitalized), and ends as a sentence or holds `UNTRANSLATED_SENTENCE_WORDS` of them.
UNTRANSLATED_LATIN_WORDS = 4
UNTRANSLATED_SENTENCE_WORDS = 6

CHECKS: tuple[Check, ...] = (
    Check(
        "number-mismatch",
        Severity.ERROR,
        "numbers differ by value between source and target (3 = ٣, 3,000 = ٣٬٠٠٠ = 76.000-style grouping, "
        "3.5 = ٣٫٥ = 3,5, £2.8bn = 2.8 مليار, 1980s = ثمانينيات القرن العشرين, 04:00 = الساعة 4, twice = 2)",
    ),
    Check(
        "number-ambiguous",
        Severity.WARNING,
        "a number agrees only under its less likely reading (2.5 against an Arabic 2.500, which is usually 2,500)",
    ),
    Check("empty-target", Severity.ERROR, "the source has text and the target has none"),
    Check(
        "untranslated",
        Severity.ERROR,
        "the target is the source copied in a script its language does not use: Arabic in a target in another "
        "language, or an English sentence (not a name, a path or code) in an Arabic target",
    ),
    Check("same-as-source", Severity.WARNING, "the target is the source copied unchanged (a name, a code, a number)"),
    Check(
        "untranslated-latin",
        Severity.WARNING,
        "Latin words in an Arabic target, other than names and acronyms of the source",
    ),
    Check("untranslated-arabic", Severity.WARNING, "Arabic words left in a target in another language"),
    Check("end-punctuation", Severity.WARNING, "the end punctuation does not correspond (? ↔ ؟, , ↔ ،, ; ↔ ؛)"),
    Check("double-space", Severity.WARNING, "doubled spaces in the target that the source does not have"),
    Check("edge-whitespace", Severity.WARNING, "leading or trailing whitespace differs between source and target"),
    Check("tag-missing", Severity.ERROR, "an inline tag or placeholder of the source is missing in the target"),
    Check("tag-extra", Severity.ERROR, "the target has an inline tag or placeholder the source does not"),
    Check(
        "tag-order",
        Severity.WARNING,
        "the target's placeholders without a number are in another order, or its tag pairs are crossed or reversed",
    ),
    Check(
        "bidi-control",
        Severity.WARNING,
        "stray bidi controls in the target: embeddings or isolates left open, marks inside words, "
        "marks in text without right-to-left script",
    ),
    Check("tatweel", Severity.WARNING, "tatweel (kashida, U+0640) stretching words in the target"),
    Check("inconsistent-target", Severity.WARNING, "the same source is translated differently elsewhere"),
    Check("inconsistent-source", Severity.WARNING, "different sources are translated identically"),
    Check(
        "term-missing",
        Severity.WARNING,
        "a source term of the termbase (--terms) whose approved translation is not in the target "
        "(Arabic matched with its clitics, harakat and hamza forms)",
    ),
    Check("term-forbidden", Severity.ERROR, "the target uses a term the termbase (--terms) forbids"),
    Check(
        "spelling",
        Severity.WARNING,
        "words of the target not in the Hunspell dictionary of its language (Debian's hunspell-ar, hunspell-en-us), "
        "Arabic also without its proclitics; the words of the termbase and of --tm memories' targets are allowed",
    ),
)
CHECK_IDS = tuple(c.id for c in CHECKS)
_CHECKS_BY_ID = {c.id: c for c in CHECKS}
#: How much of a text a finding quotes.
QUOTE_CHARS = 60


@dataclass(frozen=True, slots=True)
class QaPair:
    """A source and its translation, with where they are (file, TU id, line) and their inline markup."""

    id: str
    source: str
    target: str | None
    path: str | None = None
    line: int | None = None
    source_segment: Segment | None = None
    target_segment: Segment | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: which check found it, how bad it is, what it is, and which unit and line it concerns."""

    check: str
    severity: Severity
    message: str
    id: str
    path: str | None = None
    line: int | None = None

    def format(self) -> str:
        """`file:line: severity: [check] message (id)`, the shape compilers and editors understand."""
        where = self.path or "-"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.severity.value}: [{self.check}] {self.message} (unit {self.id})"


@dataclass(frozen=True, slots=True)
class QaResult:
    """The findings of a QA run and the checks that ran."""

    findings: tuple[Finding, ...]
    checks: tuple[Check, ...]
    n_pairs: int
    source_lang: str
    target_lang: str

    def count(self, check: str | None = None, severity: Severity | None = None) -> int:
        return sum(
            1
            for f in self.findings
            if (check is None or f.check == check) and (severity is None or f.severity is severity)
        )

    def failing_checks(self, fail_on: Severity = DEFAULT_FAIL_ON) -> list[Check]:
        """The checks with a finding at or above ``fail_on``."""
        bad = {f.check for f in self.findings if f.severity.rank >= fail_on.rank}
        return [c for c in self.checks if c.id in bad]

    def passed(self, fail_on: Severity = DEFAULT_FAIL_ON) -> bool:
        return not self.failing_checks(fail_on)


def select_checks(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> tuple[Check, ...]:
    """The checks to run: ``select`` (ids or patterns such as `tag-*`; all by default) minus ``ignore``."""

    def expand(patterns: Iterable[str]) -> set[str]:
        chosen: set[str] = set()
        for raw in patterns:
            for pattern in (p.strip() for p in raw.split(",")):
                if not pattern:
                    continue
                matched = fnmatch.filter(CHECK_IDS, pattern)
                if not matched:
                    raise QaError(f"unknown QA check {pattern!r} (checks: {', '.join(CHECK_IDS)})")
                chosen.update(matched)
        return chosen

    wanted = expand(select) if select else set(CHECK_IDS)
    unwanted = expand(ignore) if ignore else set()
    return tuple(c for c in CHECKS if c.id in wanted and c.id not in unwanted)


# -- numbers ------------------------------------------------------------------------------------

_AR_NORMALIZER = Normalizer("ar")


def _shown(readings: Sequence[NumberReading]) -> str:
    return ", ".join(r.text for r in readings)


def _check_numbers(source: str, target: str, *, source_arabic: bool, target_arabic: bool) -> list[tuple[str, str]]:
    """number-mismatch and number-ambiguous findings, both from one pairing by value (`compare_numbers`)."""
    found: list[tuple[str, str]] = []
    # A placeholder's index ({0}, %1$s, <h2>) is no number of the text: a wrong one is the tag checks' to find.
    source, target = _TEXT_TAG_RE.sub(" ", source), _TEXT_TAG_RE.sub(" ", target)
    comparison = compare_numbers(source, target, source_arabic=source_arabic, target_arabic=target_arabic)
    if comparison.missing or comparison.extra:
        parts = []
        if comparison.missing:
            parts.append(
                f"{plural(len(comparison.missing), 'number')} of the source not in the target: "
                f"{_shown(comparison.missing)}"
            )
        if comparison.extra:
            parts.append(
                f"{plural(len(comparison.extra), 'number')} in the target not in the source: {_shown(comparison.extra)}"
            )
        compared = (
            f"compared by value: {plural(len(comparison.source), 'number')} in the source "
            f"({_shown(comparison.source) or 'none in digits'}), {len(comparison.target)} in the target"
            f" ({_shown(comparison.target) or 'none in digits'}), numbers in words counted"
        )
        found.append(("number-mismatch", "; ".join(parts) + f" ({compared})"))
    for src, tgt in comparison.doubtful:
        unsure, other, side = (tgt, src, "source") if tgt.note else (src, tgt, "target")
        found.append(
            (
                "number-ambiguous",
                f"{unsure.note}; the {side}'s {other.text} agrees only with the second reading, "
                "and which is meant cannot be told from the text",
            )
        )
    return found


# -- untranslated text --------------------------------------------------------------------------

# URLs, e-mail addresses, paths, identifiers and file names are code, not language.
_CODE_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\S*[/\\_=#]\S*|\b\w+\.(?:com|org|net|pdf|docx?|xlsx?)\b")
_LATIN_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z\u00c0-\u024f]+)*")
# A run of Arabic words: letters, digits and tatweel, then more words after spaces or harakat.
_ARABIC_RUN_RE = re.compile(
    f"[{ARABIC_LETTER_CLASS}{ARABIC_DIGIT_CLASS}{TATWEEL}]+(?:[\\s{HARAKAT_CLASS}]+[{ARABIC_LETTER_CLASS}{TATWEEL}]+)*"
)


_SENTENCE_START = ".!?:;\"'«“(\u061f"
# Quoted or bracketed Latin text in an Arabic target is a title or a term cited as it is ("cella",
# (The Fools Who Dream)): the quotation marks say the translator kept it on purpose.
_QUOTED_RE = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|‘[^’]*’|\([^()]*\)|\[[^\[\]]*\]")


def _source_names(source: str) -> set[str]:
    """Latin words of the source that look like names or acronyms: capitalized inside a sentence, or all caps."""
    names = set()
    for match in _LATIN_WORD_RE.finditer(source):
        word = match.group()
        before = source[: match.start()].rstrip()
        sentence_initial = not before or before[-1] in _SENTENCE_START
        if (len(word) > 1 and word.isupper()) or (word[0].isupper() and not sentence_initial):
            names.add(word.casefold())
        if any(c.isupper() for c in word[1:]):
            names.add(word.casefold())  # eBay, pH, CafeNet: mixed case is a name wherever it stands
    return names


def _source_words(source: str) -> set[str]:
    words = set()
    for match in _LATIN_WORD_RE.finditer(source):
        word = match.group().casefold()
        words.add(word)
        words.add(re.sub(r"['’]s$", "", word))  # Ring's → ring
    return words


def _check_untranslated_latin(source: str, target: str) -> str | None:
    """Latin runs of an Arabic target that are neither names, acronyms nor quoted titles of the source.

    A run (Latin words separated by spaces) stays when it is quoted or bracketed in the target and
    its words are the source's, or when all its words are the source's (in any case) and it starts
    and ends with a name: a word capitalized as a name in the source, or capitalized or mixed-case in
    the target (`City of Stars`, `Sea to Sky`, `eBay`). Ordinary words copied from the source
    (`the committee`) and words the source does not have are untranslated.
    """
    names, words = _source_names(source), _source_words(source)
    # Placeholders and markup ({username}, {{name}}, <span class="note">) are kept as they are: the tag checks see them.
    text = _CODE_RE.sub(" ", _TEXT_TAG_RE.sub(" ", target))
    quoted = [(m.start(), m.end()) for m in _QUOTED_RE.finditer(text)]
    runs: list[list[re.Match[str]]] = []
    last_end = -1
    for match in _LATIN_WORD_RE.finditer(text):
        if runs and last_end >= 0 and not text[last_end : match.start()].strip(" \u00a0-"):
            runs[-1].append(match)
        else:
            runs.append([match])
        last_end = match.end()

    def name_like(match: re.Match[str]) -> bool:
        word, folded = match.group(), match.group().casefold()
        if folded in names or any(c.isupper() for c in word[1:]):
            return folded in words or folded in names
        before = text[: match.start()].rstrip()
        sentence_initial = not before or before[-1] in _SENTENCE_START
        return folded in words and word[0].isupper() and not sentence_initial

    flagged = []
    for run in runs:
        run_words = [m for m in run if len(m.group()) > 1]
        if not run_words:
            continue
        from_source = all(m.group().casefold() in words or m.group().casefold() in names for m in run_words)
        in_quotes = any(a <= run[0].start() and run[-1].end() <= b for a, b in quoted)
        lower = sum(1 for m in run_words if m.group().islower())
        # A name may hold small words (City of Stars); a run mostly of small words is a sentence.
        is_name = name_like(run_words[0]) and name_like(run_words[-1]) and lower <= len(run_words) // 2
        if from_source and (in_quotes or is_name):
            continue
        flagged.append(" ".join(m.group() for m in run))
    if not flagged:
        return None
    return (
        "Latin text in the Arabic target that is not a name, acronym or quoted title of the source "
        "(compared with the source's words in any case): " + ", ".join(repr(r) for r in flagged)
    )


def _check_untranslated_arabic(target: str) -> str | None:
    runs = [m.group() for m in _ARABIC_RUN_RE.finditer(target)]
    if not runs:
        return None
    return "Arabic text left in the translation (any Arabic letter counts): " + ", ".join(repr(r) for r in runs)


# -- punctuation and spaces ---------------------------------------------------------------------

_END_CLASSES = {
    ".": "full stop",
    "\u06d4": "full stop",
    "!": "exclamation mark",
    "?": "question mark",
    "\u061f": "question mark",
    ",": "comma",
    "\u060c": "comma",
    ";": "semicolon",
    "\u061b": "semicolon",
    ":": "colon",
    "…": "ellipsis",
}
_LATIN_ONLY = {"?": "\u061f", ",": "\u060c", ";": "\u061b"}
_ARABIC_ONLY = {v: k for k, v in _LATIN_ONLY.items()}
_CLOSERS = "\"')]}»”’›"
_BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_PLACEHOLDER_TAIL_RE = re.compile(r"(?:\{/?\w+/?\}|</?[A-Za-z][^<>]*>)+$")


def _end_mark(text: str) -> str | None:
    stripped = text.rstrip()
    while True:
        before = stripped
        stripped = _PLACEHOLDER_TAIL_RE.sub("", stripped).rstrip(_BIDI_CONTROLS + _CLOSERS + " \t\u00a0")
        if stripped == before:
            break
    if stripped.endswith(("...", "…")):
        return "…"
    return stripped[-1] if stripped and stripped[-1] in _END_CLASSES else None


def _describe_end(mark: str | None) -> str:
    return f"{_END_CLASSES[mark]} ({mark})" if mark is not None else "no punctuation"


#: A segment without an end mark and at most this many words is a headline or a title, which may
#: go without a full stop on one side and with one on the other.
HEADLINE_MAX_WORDS = 10
_QUOTE_CLOSERS = "\"'»”’›"


def _ends_in_quote(text: str) -> bool:
    stripped = _PLACEHOLDER_TAIL_RE.sub("", text.rstrip()).rstrip(_BIDI_CONTROLS + " \t\u00a0")
    return stripped[-1:] in tuple(_QUOTE_CLOSERS) if stripped else False


def _check_end_punctuation(source: str, target: str, target_arabic: bool) -> str | None:
    """The end marks of source and target, compared by kind after closing quotes, brackets and tags.

    Ordinary in professional work and not reported: a question rendered as a statement (Arabic marks
    a question with هل as often as with ؟), a full stop against an exclamation mark (emphasis is the
    translator's call), a headline (up to HEADLINE_MAX_WORDS words) with a full stop on one side
    only, and a quotation that ends one side but not the other (the attribution moved: `..." he
    said.` against `قال: "..."`). Reported: a statement made a question, a clause left hanging (a
    comma, colon or semicolon at the end), a sentence that lost or gained its full stop, and a mark
    of the wrong script.
    """
    src, tgt = _end_mark(source), _end_mark(target)
    compared = (
        f"compared the last marks after quotes, brackets and tags: "
        f"source {_describe_end(src)}, target {_describe_end(tgt)}"
    )
    if tgt is not None and target_arabic and tgt in _LATIN_ONLY:
        return f"the Arabic target ends with a Latin {tgt}; Arabic uses {_LATIN_ONLY[tgt]} ({compared})"
    if tgt is not None and not target_arabic and tgt in _ARABIC_ONLY:
        return f"the target ends with an Arabic {tgt}; use {_ARABIC_ONLY[tgt]} ({compared})"
    src_class = _END_CLASSES.get(src) if src else None
    tgt_class = _END_CLASSES.get(tgt) if tgt else None
    if src_class == tgt_class:
        return None
    if src_class == "question mark" and tgt_class in (None, "full stop", "exclamation mark"):
        return None
    if {src_class, tgt_class} <= {"full stop", "exclamation mark"}:
        return None
    if _ends_in_quote(source) != _ends_in_quote(target):
        return None
    if {src_class, tgt_class} <= {"full stop", "exclamation mark", None}:
        bare = source if src_class is None else target
        if len(bare.split()) <= HEADLINE_MAX_WORDS:
            return None
    return f"the source ends with {_describe_end(src)}, the target with {_describe_end(tgt)} ({compared})"


_DOUBLE_SPACE_RE = re.compile(r"[ \u00a0]{2,}")


def _check_double_space(source: str, target: str) -> str | None:
    found = list(_DOUBLE_SPACE_RE.finditer(target))
    if len(found) <= len(_DOUBLE_SPACE_RE.findall(source)):
        return None
    columns = ", ".join(str(m.start() + 1) for m in found[:5])
    return f"{plural(len(found), 'doubled space')} in the target (column {columns})"


def _check_edge_whitespace(source: str, target: str) -> str | None:
    problems = []
    for side, pick in (("leading", lambda s: s[: len(s) - len(s.lstrip())]), ("trailing", _trailing)):
        src, tgt = pick(source), pick(target)
        if bool(src) != bool(tgt):
            who = "the target" if tgt else "the source"
            other = "the source" if tgt else "the target"
            problems.append(f"{who} has {side} whitespace ({_show_spaces(src or tgt)}) that {other} does not")
    return "; ".join(problems) or None


def _trailing(text: str) -> str:
    return text[len(text.rstrip()) :]


def _show_spaces(spaces: str) -> str:
    return " ".join(
        {" ": "space", "\t": "tab", "\n": "newline", "\u00a0": "no-break space"}.get(c, f"U+{ord(c):04X}")
        for c in spaces[:4]
    ) + (" …" if len(spaces) > 4 else "")


# -- tags ---------------------------------------------------------------------------------------

# Inline markup in plain text: XML/HTML tags, tmkit's {1} {/1} {2/} placeholders, printf and
# .NET/Python style placeholders.
_TEXT_TAG_RE = re.compile(
    r"</?([A-Za-z][\w:.-]*)(?:\s[^<>]*)?/?>|\{/?\d+/?\}|%(?:\d+\$)?[sdif@]|\{\{?[A-Za-z_]\w*\}?\}|\{\d+\}"
)


def _text_tags(text: str) -> list[str]:
    tokens = []
    for match in _TEXT_TAG_RE.finditer(text):
        token = match.group()
        if match.group(1):  # an XML tag: compare by name, not by (translatable) attributes
            closing = token.startswith("</")
            empty = token.endswith("/>")
            token = f"<{'/' if closing else ''}{match.group(1)}{'/' if empty else ''}>"
        tokens.append(token)
    return tokens


def _code_token(code: Inline, counters: Counter[str]) -> str:
    counters[code.tag] += 1
    ident = code.get("x") or code.get("i") or str(counters[code.tag])
    if code.tag == "bpt" or (code.tag == "it" and code.get("pos") != "end"):
        return "{" + ident + "}"
    if code.tag == "ept" or code.tag == "it":
        return "{/" + ident + "}"
    return "{" + ident + "/}"


def tag_tokens(text: str, segment: Segment | None = None) -> list[str]:
    """The inline tags of a segment in order: its TMX codes as `{1}`/`{/1}`/`{2/}`, and tags written in its text."""
    tokens: list[str] = []
    if segment is not None:
        counters: Counter[str] = Counter()
        tokens.extend(_code_token(code, counters) for code in segment.codes())
    tokens.extend(_text_tags(text))
    return tokens


def _in_order(tags: list[str], wanted: Counter[str]) -> list[str]:
    """The tags of ``wanted`` in the order they appear in ``tags``."""
    left = Counter(wanted)
    shown = []
    for tag in tags:
        if left[tag] > 0:
            shown.append(tag)
            left[tag] -= 1
    return shown


def _check_tags(src_tags: list[str], tgt_tags: list[str]) -> list[tuple[str, str]]:
    problems = []
    missing = Counter(src_tags) - Counter(tgt_tags)
    extra = Counter(tgt_tags) - Counter(src_tags)
    if missing:
        problems.append(("tag-missing", "missing in the target: " + " ".join(_in_order(src_tags, missing))))
    if extra:
        problems.append(("tag-extra", "not in the source: " + " ".join(_in_order(tgt_tags, extra))))
    if not missing and not extra and src_tags != tgt_tags:
        order = _order_problem(src_tags, tgt_tags)
        if order is not None:
            problems.append(("tag-order", order))
    return problems


#: A placeholder that takes its value by its place among the others (`%s`, `%d`): moved past another, it shows the
#: other's value. Numbered and named ones (`%1$s`, `{0}`, `{name}`) say which value they take, and go where the
#: target's word order puts them.
_UNNUMBERED_RE = re.compile(r"%[sdif@]\Z")


def _order_problem(src_tags: list[str], tgt_tags: list[str]) -> str | None:
    """What is wrong with the order of the target's tags, the same tags as the source's (None: nothing).

    A translation moves tags with the words they belong to (Arabic puts a noun's adjective after it, a verb first),
    so another order alone is no error: every positional `{2} … {1}` and each swapped pair of spans was a warning.
    Wrong are placeholders without a number in another order, and pairs the target closes before it opens them or
    crosses (`<b>…<i>…</b>…</i>`) where the source nests them."""
    unnumbered = [[tag for tag in tags if _UNNUMBERED_RE.match(tag)] for tags in (src_tags, tgt_tags)]
    if unnumbered[0] != unnumbered[1]:
        return (
            "placeholders without a number in another order (each takes the value of its place): "
            f"source {' '.join(unnumbered[0])}, target {' '.join(unnumbered[1])}"
        )
    if _nested(src_tags) and not _nested(tgt_tags):
        return (
            f"tags closed before they are opened, or crossed: source {' '.join(src_tags)}, target {' '.join(tgt_tags)}"
        )
    return None


def _pair_key(tag: str) -> tuple[bool, str] | None:
    """(closing, name) of a tag that opens or closes a pair (`<b>`, `</b>`, `{1}`, `{/1}`); None for any other."""
    if tag.startswith("</") or tag.startswith("{/"):
        return True, tag[2:-1]
    if (tag.startswith("<") and not tag.endswith("/>")) or (tag.startswith("{") and tag[1:-1].isdigit()):
        return False, tag[1:-1]
    return None


def _nested(tags: list[str]) -> bool:
    """Whether each pair of ``tags`` closes after it opens and inside the pairs around it (a `{0}` no `{/0}` closes
    is a placeholder, not a pair's start)."""
    closed = {key[1] for tag in tags if (key := _pair_key(tag)) is not None and key[0]}
    open_pairs: list[str] = []
    for tag in tags:
        key = _pair_key(tag)
        if key is None or key[1] not in closed:
            continue
        closing, name = key
        if not closing:
            open_pairs.append(name)
        elif not open_pairs or open_pairs.pop() != name:
            return False
    return not open_pairs


# -- bidi and tatweel ---------------------------------------------------------------------------

_EMBEDDINGS = {"\u202a": "LRE", "\u202b": "RLE", "\u202d": "LRO", "\u202e": "RLO"}
_ISOLATES = {"\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI"}
_MARKS = {"\u200e": "LRM", "\u200f": "RLM", "\u061c": "ALM"}
_MARK_IN_WORD_RE = re.compile(r"(?<=\w)[\u200e\u200f\u061c]+(?=\w)")
_RTL_RE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _check_bidi(target: str) -> str | None:
    if not any(c in target for c in _BIDI_CONTROLS):
        return None
    problems = []
    stack: list[str] = []
    for char in target:
        if char in _EMBEDDINGS or char in _ISOLATES:
            stack.append(char)
        elif char == "\u202c":  # PDF closes an embedding, never an isolate
            if stack and stack[-1] in _EMBEDDINGS:
                stack.pop()
            else:
                problems.append("PDF without an open embedding")
        elif char == "\u2069":  # PDI closes the innermost isolate and anything opened inside it
            if any(c in _ISOLATES for c in stack):
                while stack.pop() not in _ISOLATES:
                    pass
            else:
                problems.append("PDI without an open isolate")
    if stack:
        names = ", ".join({**_EMBEDDINGS, **_ISOLATES}[c] for c in stack)
        problems.append(f"left open: {names}")
    inside = _MARK_IN_WORD_RE.findall(target)
    if inside:
        names = ", ".join(dict.fromkeys(_MARKS[c] for run in inside for c in run))
        problems.append(f"{names} inside a word")
    if not _RTL_RE.search(target):
        names = ", ".join(
            dict.fromkeys(
                {**_MARKS, **_EMBEDDINGS, **_ISOLATES}.get(c, "PDF/PDI") for c in target if c in _BIDI_CONTROLS
            )
        )
        problems.append(f"{names} in a text without right-to-left script")
    return "; ".join(problems) or None


# Kashida stretches a word between two of its letters; a tatweel before a space, a digit or Latin
# text is the usual join mark of "الـ 13" or "بـ UNESCO" and stays.
_KASHIDA_RE = re.compile("(?<=[\u0620-\u064a\u066e-\u06d3])\u0640+(?=[\u064b-\u065f]*[\u0620-\u064a\u066e-\u06d3])")


def _check_tatweel(target: str) -> str | None:
    runs = _KASHIDA_RE.findall(target)
    if not runs:
        return None
    count = sum(len(r) for r in runs)
    return f"{plural(count, 'tatweel')} (ـ) inside words: kashida is a display effect, not text; remove it"


# -- running ------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…")


def check_pair(
    source: str,
    target: str | None,
    *,
    source_lang: str = "ar",
    target_lang: str = "en",
    checks: Sequence[Check] = CHECKS,
    source_segment: Segment | None = None,
    target_segment: Segment | None = None,
    terms: Termbase | None = None,
    spelling: SpellChecker | None = None,
) -> list[tuple[str, str]]:
    """The problems of one translation, as (check id, message), for the per-segment checks among ``checks``;
    the term checks run when a termbase is given as ``terms``, the spelling check with a ``spelling`` checker."""
    wanted = {c.id for c in checks}
    found: list[tuple[str, str]] = []

    def add(check: str, message: str | None) -> None:
        if message and check in wanted:
            found.append((check, message))

    if not source.strip():
        return found
    if target is None or not target.strip():
        add("empty-target", "no translation" if target is None else "the target is empty")
        return found
    target_arabic = is_arabic_language(target_lang)
    if wanted & {"number-mismatch", "number-ambiguous"}:
        source_arabic = has_arabic(source) or is_arabic_language(source_lang)
        for check, message in _check_numbers(
            source, target, source_arabic=source_arabic, target_arabic=target_arabic or has_arabic(target)
        ):
            add(check, message)
    if any(ch.isalpha() for ch in source) and _AR_NORMALIZER(source) == _AR_NORMALIZER(target):
        copied = _copied_in_another_script(target, target_arabic=target_arabic)
        if copied and "untranslated" in wanted:
            add("untranslated", copied)
        else:  # (also when untranslated is left out: a copy is never passed over without a word)
            add("same-as-source", "the target is identical to the source")
    elif target_arabic:
        add("untranslated-latin", _check_untranslated_latin(source, target))
    elif has_arabic(source) or is_arabic_language(source_lang):
        add("untranslated-arabic", _check_untranslated_arabic(target))
    add("end-punctuation", _check_end_punctuation(source, target, target_arabic))
    add("double-space", _check_double_space(source, target))
    add("edge-whitespace", _check_edge_whitespace(source, target))
    if wanted & {"tag-missing", "tag-extra", "tag-order"}:
        # Markup codes can only be compared when both sides carry them: a plain-text hypothesis
        # scored against a TMX has lost the codes by its format, not by a translator's slip.
        both = source_segment is not None and target_segment is not None
        src_tags = tag_tokens(source, source_segment if both else None)
        tgt_tags = tag_tokens(target, target_segment if both else None)
        for check, message in _check_tags(src_tags, tgt_tags):
            add(check, message)
    add("bidi-control", _check_bidi(target))
    add("tatweel", _check_tatweel(target))
    if terms is not None and wanted & {"term-missing", "term-forbidden"}:
        from tmkit.terms.checks import term_problems

        for check, message in term_problems(terms, source, target, source_lang=source_lang, target_lang=target_lang):
            add(check, message)
    if spelling is not None and "spelling" in wanted:
        add("spelling", _check_spelling(target, spelling))
    return found


def _copied_in_another_script(target: str, *, target_arabic: bool) -> str | None:
    """Why a target equal to its source is untranslated, not a name kept as it is: it is in the source's script."""
    if not target_arabic and has_arabic(target):
        return "the target is the source copied: Arabic, not translated"
    if target_arabic and not has_arabic(target):
        words = _LATIN_WORD_RE.findall(_CODE_RE.sub(" ", target))
        lower = sum(word.islower() for word in words)
        sentence = target.rstrip().endswith((".", "!", "?", ":")) or len(words) >= UNTRANSLATED_SENTENCE_WORDS
        if len(words) >= UNTRANSLATED_LATIN_WORDS and lower >= 2 and sentence:
            return f"the target is the source copied: an English sentence of {len(words)} words, not translated"
    return None


def _check_spelling(target: str, spelling: SpellChecker) -> str | None:
    words = list(dict.fromkeys(m.word for m in spelling.check(target)))
    if not words:
        return None
    dictionary = spelling.dictionary.stem if spelling.dictionary is not None else spelling.lang
    return f"not in the {dictionary} dictionary: " + ", ".join(repr(w) for w in words)


#: Whatever names another pair for `inconsistent_with` (a row number, a pair).
Other = TypeVar("Other")
#: The two checks that compare a pair with the others of a file, not alone.
CONSISTENCY_CHECKS = ("inconsistent-target", "inconsistent-source")


def consistency_keys(source: str, target: str | None, source_lang: str, target_lang: str) -> tuple[str, str] | None:
    """A pair's source and target as the consistency checks compare them (tmkit's normalization, ar-v1/en-v1); None
    for a pair they leave out (no source, or no target)."""
    if not source.strip() or target is None or not target.strip():
        return None
    return _normalizer(source_lang)(source), _normalizer(target_lang)(target)


@functools.cache
def _normalizer(lang: str) -> Normalizer:
    return Normalizer(lang)


def _alike(one: str, other: str) -> bool:
    """Two texts of a group (the sources of one translation, the translations of one source) one text for the
    consistency checks: equal, or but for a sentence-initial "و" (wa-, "and"), a discourse connector that translations
    routinely drop or add ("ووقعت الوزارة", "وقعت الوزارة"). Groups themselves are of equal keys."""
    return one == other or (one.startswith("و") and one[1:] == other) or (other.startswith("و") and other[1:] == one)


def _counts_for_many(target_key: str) -> bool:
    """Whether a translation shared by several sources is worth a finding: not a number or a code alone, which may
    stand for many sources."""
    return any(ch.isalpha() for ch in target_key)


def consistency_message(check: str, pair: QaPair, other: QaPair, other_named: str) -> str:
    """What an inconsistency between ``pair`` and ``other`` (named ``other_named``: "unit 7 (line 40)") says."""
    if check == "inconsistent-source":
        return (
            f"same translation as {other_named} for another source: {_quote(pair.source)} here, "
            f"{_quote(other.source)} there"
        )
    return (
        f"same source as {other_named}, translated differently: {_quote(pair.target or '')} here, "
        f"{_quote(other.target or '')} there"
    )


def inconsistent_with(
    pair: QaPair, others: Iterable[tuple[Other, tuple[str, str]]], *, source_lang: str, target_lang: str
) -> list[tuple[str, Other]]:
    """The consistency checks for one pair against others already settled (each given as whatever names it, with its
    `consistency_keys`): for each check that finds one, the check and the first other it disagrees with. The editor
    asks this as a translator confirms a segment; `check_pairs` compares a whole file at once."""
    keys = consistency_keys(pair.source, pair.target, source_lang, target_lang)
    if keys is None:
        return []
    source_key, target_key = keys
    found: dict[str, Other] = {}
    for other, (other_source, other_target) in others:
        if "inconsistent-target" not in found and source_key == other_source and not _alike(target_key, other_target):
            found["inconsistent-target"] = other
        if (
            "inconsistent-source" not in found
            and _counts_for_many(target_key)
            and target_key == other_target
            and not _alike(source_key, other_source)
        ):
            found["inconsistent-source"] = other
        if len(found) == len(CONSISTENCY_CHECKS):
            break
    return [(check, found[check]) for check in CONSISTENCY_CHECKS if check in found]


def _consistency(
    pairs: Sequence[QaPair], source_lang: str, target_lang: str, wanted: set[str]
) -> list[tuple[QaPair, str, str]]:
    """Findings of the two consistency checks over a file (`inconsistent_groups`), each naming its unit and line."""
    keyed = [
        (pair, keys)
        for pair in pairs
        if (keys := consistency_keys(pair.source, pair.target, source_lang, target_lang)) is not None
    ]

    def named(first: QaPair) -> str:
        return f"unit {first.id}" + (f" (line {first.line})" if first.line is not None else "")

    return [
        (pair, check, consistency_message(check, pair, first, named(first)))
        for pair, check, first in inconsistent_groups(keyed, wanted)
    ]


def inconsistent_groups(
    keyed: Sequence[tuple[Other, tuple[str, str]]], wanted: set[str] | frozenset[str] = frozenset(CONSISTENCY_CHECKS)
) -> list[tuple[Other, str, Other]]:
    """The consistency checks over a whole file (each pair given as whatever names it, with its `consistency_keys`):
    in each group of one source (one translation), every pair that differs from its most usual translation (source),
    with the check and the first pair of the usual one. `tmkit qa` reports these, and so does the editor's review of a
    reopened job, so that both count the same."""
    found: list[tuple[Other, str, Other]] = []
    for check in CONSISTENCY_CHECKS:
        if check not in wanted:
            continue
        by_target = check == "inconsistent-source"
        groups: dict[str, list[tuple[Other, str]]] = defaultdict(list)
        for pair, (src_key, tgt_key) in keyed:
            if by_target and not _counts_for_many(tgt_key):
                continue
            groups[tgt_key if by_target else src_key].append((pair, src_key if by_target else tgt_key))
        for group in groups.values():
            members = group
            if len({other for _, other in members}) > 1:  # (see `_alike`)
                seen = {other for _, other in members}
                members = [(p, o[1:] if o.startswith("و") and o[1:] in seen else o) for p, o in group]
            variants = Counter(other for _, other in members)
            if len(variants) < 2:
                continue
            usual = variants.most_common(1)[0][0]
            first = next(pair for pair, other in members if other == usual)
            found.extend((pair, check, first) for pair, other in members if other != usual)
    return found


def check_pairs(
    pairs: Iterable[QaPair],
    *,
    source_lang: str = "ar",
    target_lang: str = "en",
    checks: Sequence[Check] | None = None,
    terms: Termbase | None = None,
    spelling: SpellChecker | None = None,
) -> QaResult:
    """Run ``checks`` (all by default; see `select_checks`) over translation pairs; findings in input order.

    The term checks need a termbase, ``terms``, and the spelling check a checker, ``spelling``
    (`tmkit.quality.spelling.spell_checker_for`; it learns the names the targets capitalize inside
    sentences); without them they find nothing."""
    chosen = tuple(checks) if checks is not None else CHECKS
    wanted = {c.id for c in chosen}
    items = list(pairs)
    per_pair: dict[int, list[Finding]] = defaultdict(list)
    if spelling is not None and "spelling" in wanted:
        spelling.allow_names(pair.target for pair in items if pair.target)
    for index, pair in enumerate(items):
        for check, message in check_pair(
            pair.source,
            pair.target,
            source_lang=source_lang,
            target_lang=target_lang,
            checks=chosen,
            source_segment=pair.source_segment,
            target_segment=pair.target_segment,
            terms=terms,
            spelling=spelling,
        ):
            per_pair[index].append(_finding(check, message, pair))
    if wanted & set(CONSISTENCY_CHECKS):
        position = {id(pair): index for index, pair in enumerate(items)}
        for pair, check, message in _consistency(items, source_lang, target_lang, wanted):
            per_pair[position[id(pair)]].append(_finding(check, message, pair))
    findings = tuple(f for index in sorted(per_pair) for f in per_pair[index])
    return QaResult(findings, chosen, len(items), source_lang, target_lang)


def _finding(check: str, message: str, pair: QaPair) -> Finding:
    return Finding(check, _CHECKS_BY_ID[check].severity, message, pair.id, pair.path, pair.line)
