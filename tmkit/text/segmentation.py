"""Sentence segmentation for Arabic and English text, driven by SRX 2.0 rules (tmkit's own or a user's)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import regex  # type: ignore[import-untyped]  # Java-like \p{..} classes and lookbehinds of SRX files

from tmkit.errors import InputError

#: The rules tmkit ships, as package data.
DEFAULT_SRX_RESOURCE = "segment.srx"
#: How SRX rules are compiled, both to check them when parsed and to segment (one form, one regex cache entry).
_REGEX_FLAGS = regex.V0
#: Version of the parsed-rules cache entries; bump it when parsing or checking changes, so old entries are not read.
SRX_CACHE_FORMAT = 1

_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")


@dataclass(frozen=True, slots=True)
class SrxRule:
    """One SRX rule: break (or not) where ``before`` matches up to a position and ``after`` from it."""

    is_break: bool
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class LanguageMap:
    """A `<languagemap>`: languages whose code fully matches ``pattern`` use rule set ``rules``.

    Language codes are matched without regard to case, as BCP 47 compares them: OmegaT's rules say
    `EN.*` and `AR.*`, files and users say `en` and `ar-SA`.
    """

    pattern: str
    rules: str


@dataclass(frozen=True, slots=True)
class SrxRules:
    """Parsed SRX 2.0 rules: named rule sets and the maps choosing them by language."""

    language_rules: tuple[tuple[str, tuple[SrxRule, ...]], ...]
    maps: tuple[LanguageMap, ...]
    cascade: bool = True

    def rules_for(self, lang: str) -> tuple[SrxRule, ...]:
        """The rules for language ``lang`` in order (all matching maps with cascade, else the first)."""
        named = dict(self.language_rules)
        out: list[SrxRule] = []
        for language_map in self.maps:
            if regex.fullmatch(language_map.pattern, lang, regex.IGNORECASE):
                out.extend(named.get(language_map.rules, ()))
                if not self.cascade:
                    break
        return tuple(out)

    def extended_by(self, other: SrxRules) -> SrxRules:
        """These rules with ``other``'s in front: a user's rules take precedence, ours still apply after."""
        names = {name for name, _ in other.language_rules}
        renamed = {name: f"user:{name}" for name in names}
        user_rules = tuple((renamed[name], rules) for name, rules in other.language_rules)
        user_maps = tuple(LanguageMap(m.pattern, renamed.get(m.rules, m.rules)) for m in other.maps)
        return SrxRules(user_rules + self.language_rules, user_maps + self.maps, cascade=True)


def _srx_error(path: str, message: str, line: int | None = None) -> InputError:
    return InputError(f"not usable SRX 2.0 rules: {message}", path=path, line=line)


def parse_srx(data: bytes, *, path: str = "<srx>") -> SrxRules:
    """Parse SRX 2.0 rules from bytes; every regular expression is compiled to check it.

    Compiling is most of the cost (about 90% for OmegaT's rules; the XML parse is the rest), which
    is why `load_srx` keeps the result in the user's cache.
    """
    from lxml import etree  # only here: a cached or compiled rule set needs no XML parser

    from tmkit.formats.xml_safety import SAFE_XML_OPTIONS, syntax_error_message

    parser = etree.XMLParser(**SAFE_XML_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        raise _srx_error(path, syntax_error_message(exc), line) from None
    if etree.QName(root).localname != "srx":
        raise _srx_error(path, f"the root element is <{etree.QName(root).localname}>, not <srx>", root.sourceline)
    ns = etree.QName(root).namespace
    q = (lambda name: f"{{{ns}}}{name}") if ns else (lambda name: name)
    header = root.find(q("header"))
    cascade = header is None or header.get("cascade", "no").lower() == "yes"
    language_rules: list[tuple[str, tuple[SrxRule, ...]]] = []
    for rule_set in root.iter(q("languagerule")):
        name = rule_set.get("languagerulename")
        if not name:
            raise _srx_error(path, "<languagerule> without languagerulename", rule_set.sourceline)
        rules: list[SrxRule] = []
        for rule in rule_set.iter(q("rule")):
            before = rule.findtext(q("beforebreak")) or ""
            after = rule.findtext(q("afterbreak")) or ""
            for pattern in (before, after):
                try:
                    regex.compile(pattern, _REGEX_FLAGS)
                except regex.error as exc:
                    raise _srx_error(path, f"bad regular expression {pattern!r}: {exc}", rule.sourceline) from None
            rules.append(SrxRule(rule.get("break", "yes").lower() != "no", before, after))
        language_rules.append((name, tuple(rules)))
    maps: list[LanguageMap] = []
    for language_map in root.iter(q("languagemap")):
        pattern = language_map.get("languagepattern")
        rules_name = language_map.get("languagerulename")
        if pattern is None or rules_name is None:
            raise _srx_error(path, "<languagemap> needs languagepattern and languagerulename", language_map.sourceline)
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise _srx_error(path, f"bad language pattern {pattern!r}: {exc}", language_map.sourceline) from None
        maps.append(LanguageMap(pattern, rules_name))
    if not language_rules:
        raise _srx_error(path, "no <languagerule> found")
    return SrxRules(tuple(language_rules), tuple(maps), cascade)


def load_srx(path: str | os.PathLike[str], *, cache: bool = True) -> SrxRules:
    """Read an SRX 2.0 file (as written by OmegaT, Okapi or by hand).

    With ``cache`` the parsed rules are kept in the user's cache (`srx_cache_folder`) under the
    SHA-256 of the file's content, so the same rules are parsed and checked once, not at every call.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=name) from None
    return rules_from_bytes(data, path=name, cache=cache)


@functools.cache
def default_rules() -> SrxRules:
    """tmkit's Arabic and English rules (tmkit/text/segment.srx)."""
    data = resources.files("tmkit.text").joinpath(DEFAULT_SRX_RESOURCE).read_bytes()
    return rules_from_bytes(data, path=DEFAULT_SRX_RESOURCE)


# -- the parsed-rules cache -------------------------------------------------------------------


def srx_cache_folder() -> Path:
    """Where parsed SRX rules are kept: `$XDG_CACHE_HOME/tmkit/srx`, else `~/.cache/tmkit/srx`."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "tmkit" / "srx"


def srx_cache_entry(data: bytes) -> Path:
    """The cache file of the rules whose SRX content is ``data``."""
    return srx_cache_folder() / f"{hashlib.sha256(data).hexdigest()}.v{SRX_CACHE_FORMAT}.json"


def rules_from_bytes(data: bytes, *, path: str = "<srx>", cache: bool = True) -> SrxRules:
    """`parse_srx`, through the user's cache when ``cache``: a missing or unreadable entry is (re)written."""
    if not cache:
        return parse_srx(data, path=path)
    digest = hashlib.sha256(data).hexdigest()
    entry = srx_cache_entry(data)
    cached = _read_cache_entry(entry, digest)
    if cached is not None:
        return cached
    rules = parse_srx(data, path=path)
    _write_cache_entry(entry, digest, rules)
    return rules


def _read_cache_entry(entry: Path, digest: str) -> SrxRules | None:
    """The rules stored in ``entry``, or None when it is missing, truncated, corrupt or for other content."""
    try:
        stored = json.loads(entry.read_bytes())
        if stored["format"] != SRX_CACHE_FORMAT or stored["sha256"] != digest:
            return None
        cascade = stored["cascade"]
        language_rules = tuple(
            (
                str(name),
                tuple(SrxRule(_strict_bool(b), _strict_str(before), _strict_str(after)) for b, before, after in rules),
            )
            for name, rules in stored["language_rules"]
        )
        maps = tuple(LanguageMap(_strict_str(pattern), _strict_str(rules)) for pattern, rules in stored["maps"])
        return SrxRules(language_rules, maps, _strict_bool(cascade))
    except (OSError, ValueError, KeyError, TypeError):
        # Anything but a complete entry of this format (a crash mid-write cannot leave one, but a full
        # disk or a hand edit can) is treated as absent: the caller parses the file and rewrites it.
        return None


def _strict_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not a boolean")
    return value


def _strict_str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _write_cache_entry(entry: Path, digest: str, rules: SrxRules) -> None:
    from tmkit.atomic import write_text_atomic

    stored = {
        "format": SRX_CACHE_FORMAT,
        "sha256": digest,
        "cascade": rules.cascade,
        "language_rules": [
            [name, [[rule.is_break, rule.before, rule.after] for rule in rule_set]]
            for name, rule_set in rules.language_rules
        ],
        "maps": [[m.pattern, m.rules] for m in rules.maps],
    }
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(entry, json.dumps(stored, ensure_ascii=False))
    except OSError:
        pass  # a cache that cannot be written (read-only home, full disk) only costs the next call a parse


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    is_break: bool
    before: Any
    after: Any


@functools.lru_cache(maxsize=32)
def _compiled(rules: SrxRules, lang: str) -> tuple[_CompiledRule, ...]:
    return tuple(
        _CompiledRule(
            rule.is_break,
            regex.compile(rule.before, _REGEX_FLAGS),
            regex.compile(rule.after, _REGEX_FLAGS) if rule.after else None,
        )
        for rule in rules.rules_for(lang)
        if rule.before or rule.after
    )


def break_positions(text: str, *, lang: str, rules: SrxRules | None = None) -> list[int]:
    """Offsets in ``text`` where a sentence ends, by the SRX rules for ``lang`` (first rule decides)."""
    return _break_positions(text, _compiled(rules or default_rules(), lang))


def _break_positions(text: str, compiled: tuple[_CompiledRule, ...]) -> list[int]:
    decided: dict[int, bool] = {}
    for rule in compiled:
        if rule.before is None:
            continue
        for match in rule.before.finditer(text, overlapped=True):
            position = match.end()
            if position in decided or position >= len(text):
                continue
            if rule.after is None or rule.after.match(text, position):
                decided[position] = rule.is_break
    return sorted(position for position, is_break in decided.items() if is_break)


def split_paragraph(text: str, *, lang: str, rules: SrxRules | None = None) -> list[str]:
    """The sentences of one paragraph (no line handling), each without surrounding white space."""
    return _split_paragraph(text, _compiled(rules or default_rules(), lang))


def _split_paragraph(text: str, compiled: tuple[_CompiledRule, ...]) -> list[str]:
    out: list[str] = []
    start = 0
    for position in [*_break_positions(text, compiled), len(text)]:
        sentence = text[start:position].strip()
        if sentence:
            out.append(sentence)
        start = position
    return out


def split_sentences(
    text: str, *, lang: str, rules: SrxRules | None = None, join_lines: bool = False
) -> list[list[str]]:
    """Paragraphs of sentences of ``text`` in language ``lang`` (`ar`, `en`, …).

    Paragraphs are separated by blank lines. Inside a paragraph every line break ends a sentence
    (a headline, a list item, a paragraph of one line), unless ``join_lines`` treats single line
    breaks as spaces (hard-wrapped text). ``rules`` defaults to tmkit's own rules.
    """
    # Looked up once per text: the lookup hashes the whole rule set, which for OmegaT's thousand
    # rules costs more than segmenting a line.
    compiled = _compiled(rules or default_rules(), lang)
    paragraphs: list[list[str]] = []
    for block in _PARAGRAPH_BREAK_RE.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [" ".join(block.split("\n"))] if join_lines else block.split("\n")
        sentences: list[str] = []
        for line in lines:
            sentences.extend(_split_paragraph(line, compiled))
        if sentences:
            paragraphs.append(sentences)
    return paragraphs
