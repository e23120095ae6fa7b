"""Hardened XML parsing settings and a repair pass for characters XML 1.0 forbids."""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from typing import Any, BinaryIO

#: lxml options for every XML document tmkit reads: no entity expansion, no DTD or network
#: access, no silent `recover` (it empties segments without a word). Comments and processing
#: instructions are dropped; CDATA becomes ordinary text.
SAFE_XML_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "huge_tree": False,
    "recover": False,
    "remove_comments": True,
    "remove_pis": True,
}

#: How far into a document its entity declarations are looked for, to name their line in the refusal.
ENTITY_SEARCH_BYTES = 1 << 20
_ENTITY_DECLARATION_RE = re.compile(rb"<!ENTITY\b")


def entity_declaration_line(head: bytes) -> int:
    """The line of the first entity declaration in a document's first bytes (1 when none is found there)."""
    found = _ENTITY_DECLARATION_RE.search(head)
    return head.count(b"\n", 0, found.start()) + 1 if found else 1


def syntax_error_message(exc: Any) -> str:
    """An lxml syntax error's message without the position lxml appends (tmkit gives it in its own prefix).

    Some messages end in a newline before the position ("Char 0x0 out of allowed range\\n, line 2, column 6"):
    kept, it put the position on a second line of tmkit's one-line error.
    """
    return str(exc.msg or exc).split(", line ")[0].strip() or "malformed XML"


# C0 controls other than TAB, LF and CR, and the two non-characters, are illegal in XML 1.0,
# even written as character references.
_ILLEGAL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
#: The characters a text written as XML cannot hold (lone surrogates too), as a regular expression's class body.
ILLEGAL_CHAR_CLASS = f"{_ILLEGAL_CHARS}\ud800-\udfff"
ILLEGAL_CHAR_RE = re.compile(f"[{ILLEGAL_CHAR_CLASS}]")
_ILLEGAL_RAW_OR_REF_RE = re.compile(
    f"[{_ILLEGAL_CHARS}]"
    r"|&#(?:[xX]0*(?:[0-8bcefBCEF]|1[0-9a-fA-F])|0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]));"
)
_DECLARED_ENCODING_RE = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


@dataclass(frozen=True, slots=True)
class RemovedChar:
    """A character the repair pass removed: where it was and what it was."""

    line: int
    char: str  # the character, or the character reference as written

    def describe(self) -> str:
        if len(self.char) == 1:
            return f"U+{ord(self.char):04X}"
        return self.char


def sniff_encoding(head: bytes) -> str:
    """The encoding of an XML document from its byte-order mark or declaration (UTF-8 otherwise)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    match = _DECLARED_ENCODING_RE.match(head)
    if match:
        declared = match.group(1).decode("ascii").lower()
        try:
            codecs.lookup(declared)
        except LookupError:
            return "utf-8"
        # UTF-8 bytes that merely declare UTF-16 cannot be UTF-16 (there is no BOM).
        return "utf-8" if declared.startswith("utf-16") else declared
    return "utf-8"


class IllegalCharRepairStream(io.RawIOBase):
    """A byte stream that removes XML-illegal characters (raw or as references) and records each.

    The text is decoded and re-encoded in the document's own encoding, so the declaration and the
    byte-order mark stay true; only the illegal characters disappear.
    """

    MAX_RECORDED = 1000

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        head = raw.read(4096)
        self._encoding = sniff_encoding(head)
        self._decoder = codecs.getincrementaldecoder(self._encoding)(errors="surrogateescape")
        self._encoder = codecs.getincrementalencoder(self._encoding)(errors="surrogateescape")
        self._pending_bytes = head
        self._carry = ""  # text kept back because a character reference may continue
        self._line = 1
        self._buffer = b""
        self._eof = False
        self.removed: list[RemovedChar] = []
        self.removed_count = 0

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        chunk = self._pending_bytes or self._raw.read(1 << 16)
        self._pending_bytes = b""
        final = not chunk
        text = self._carry + self._decoder.decode(chunk, final)
        self._carry = ""
        if not final:
            amp = text.rfind("&")
            if amp != -1 and ";" not in text[amp:] and len(text) - amp < 12:
                text, self._carry = text[:amp], text[amp:]
        if ILLEGAL_CHAR_RE.search(text) or "&#" in text:
            text = self._clean(text)
        self._line += text.count("\n")
        self._buffer += self._encoder.encode(text, final)
        self._eof = final

    def _clean(self, text: str) -> str:
        out: list[str] = []
        last = 0
        for match in _ILLEGAL_RAW_OR_REF_RE.finditer(text):
            out.append(text[last : match.start()])
            last = match.end()
            self.removed_count += 1
            if len(self.removed) < self.MAX_RECORDED:
                line = self._line + text.count("\n", 0, match.start())
                self.removed.append(RemovedChar(line, match.group()))
        out.append(text[last:])
        return "".join(out)

    def readinto(self, buffer: Any) -> int:
        while not self._buffer and not self._eof:
            self._fill()
        size = min(len(buffer), len(self._buffer))
        buffer[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size
