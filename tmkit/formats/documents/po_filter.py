"""gettext catalogues (PO, via polib): each msgid (and msgid_plural) one segment, msgstr written back, fuzzy ↔ draft."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Sequence
from typing import Any

from tmkit.errors import InputError
from tmkit.formats.documents.core import Paragraph, Piece, TranslationRecord, plain_text

#: gettext's plural rule for Arabic (six forms), set when an Arabic catalogue has none.
ARABIC_PLURAL_FORMS = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"
)
ENGLISH_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
DRAFT = "draft"
TRANSLATED = "translated"


#: A line that holds a quoted string (a keyword's, or one continuing it, obsolete `#~` ones too), and its strings
#: closed by the line's end.
_STRING_LINE_RE = re.compile(rb'\s*(?:#~\s*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?\s*"')
_CLOSED_STRING_RE = re.compile(rb'(?:"(?:[^"\\]|\\.)*"\s*)+')


def _load(path: str) -> Any:
    import polib  # type: ignore[import-untyped]

    _check_strings(path)
    try:
        return polib.pofile(path, wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise InputError(f"not a readable PO file: {exc}", path=path) from None


def _check_strings(path: str) -> None:
    """Refuse a string its line leaves open, as msgfmt does: polib took its last character for the closing quote
    (`msgid "Hello world` read as "Hello worl"), and the translated catalogue was written with that msgid."""
    try:
        with open(path, "rb") as handle:
            for number, line in enumerate(handle, 1):
                opened = _STRING_LINE_RE.match(line)
                if opened and not _CLOSED_STRING_RE.fullmatch(line, opened.end() - 1):
                    raise InputError(
                        "a string is not closed at the end of its line (a '\"' is missing)", path=path, line=number
                    )
    except OSError as exc:
        raise InputError(f"not a readable PO file: {exc}", path=path) from None


def _entries(catalogue: Any) -> list[Any]:
    return [entry for entry in catalogue if not entry.obsolete and entry.msgid]


def _nplurals(catalogue: Any, target_lang: str) -> int:
    forms = catalogue.metadata.get("Plural-Forms", "")
    for part in forms.split(";"):
        name, _, value = part.strip().partition("=")
        if name.strip() == "nplurals" and value.strip().isdigit():
            return int(value.strip())
    return 6 if target_lang.lower().startswith("ar") else 2


def _plural_index(catalogue: Any, count: int, target_lang: str) -> int:
    """Which msgstr[i] a count of ``count`` reads, by the catalogue's Plural-Forms (gettext's own evaluation, which
    takes C expressions only): in Arabic the singular is msgstr[1], msgstr[0] being the form for zero."""
    import gettext

    forms = catalogue.metadata.get("Plural-Forms", "") or (
        ARABIC_PLURAL_FORMS if target_lang.lower().startswith("ar") else ENGLISH_PLURAL_FORMS
    )
    expression = next(
        (part.partition("=")[2] for part in forms.split(";") if part.strip().startswith("plural")), "n != 1"
    )
    try:
        return int(gettext.c2py(expression.strip())(count))
    except (ValueError, SyntaxError, RecursionError, ArithmeticError):  # (`n%0`: a catalogue's own mistake)
        return 0 if count == 1 else 1


#: The count whose form stands for "the plural" when a catalogue's existing plural translation is read (Arabic's 3-10
#: form; English's plural).
PLURAL_SAMPLE = 5


#: How a message's context (msgctxt) is noted: two messages of one text in two contexts are two segments.
CONTEXT_NOTE = "context: "


class PoDocument:
    """A PO catalogue: messages in file order, with their contexts and comments as notes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.paragraphs: list[Paragraph] = []
        catalogue = _load(path)
        language = catalogue.metadata.get("Language", "")
        one, many = _plural_index(catalogue, 1, language), _plural_index(catalogue, PLURAL_SAMPLE, language)
        for entry in _entries(catalogue):
            notes = tuple(
                note
                for note in (
                    f"{CONTEXT_NOTE}{entry.msgctxt}" if entry.msgctxt else "",
                    entry.tcomment or "",
                    entry.comment or "",
                )
                if note
            )
            status = DRAFT if "fuzzy" in entry.flags else TRANSLATED
            if entry.msgid_plural:
                forms = entry.msgstr_plural
                singular, plural = forms.get(one, ""), forms.get(many, forms.get(one, ""))
                self.paragraphs.append(
                    Paragraph(
                        [entry.msgid],
                        whole=True,
                        notes=notes,
                        existing=_existing(singular, status),
                        context=entry.msgctxt or "",
                    )
                )
                self.paragraphs.append(
                    Paragraph(
                        [entry.msgid_plural],
                        whole=True,
                        notes=(*notes, "plural form"),
                        existing=_existing(plural, status),
                        context=entry.msgctxt or "",
                    )
                )
            else:
                self.paragraphs.append(
                    Paragraph(
                        [entry.msgid],
                        whole=True,
                        notes=notes,
                        existing=_existing(entry.msgstr, status),
                        context=entry.msgctxt or "",
                    )
                )

    def render(
        self,
        contents: Sequence[list[Piece]],
        *,
        target_lang: str,
        statuses: Sequence[str | None] | None = None,
        records: Sequence[TranslationRecord | None] | None = None,
    ) -> bytes:
        """The catalogue with msgstr filled; a draft translation is marked fuzzy, a confirmed one is not.

        Written as the file was but for what changed (`_spliced`): each translated entry's msgstr and flags, and the
        header's Language and Plural-Forms. polib writes a whole catalogue in its own wrapping, and a PO kept in git
        came back with every long msgid, reference and header line rewrapped (741 changed lines for 378 segments
        of django-allauth's catalogue), a diff nobody could review and a merge conflict with every other branch."""
        catalogue = _load(self.path)
        header = {"Language": target_lang}
        if "Plural-Forms" not in catalogue.metadata or (
            target_lang.lower().startswith("ar") and "nplurals=6" not in catalogue.metadata["Plural-Forms"]
        ):
            header["Plural-Forms"] = (
                ARABIC_PLURAL_FORMS if target_lang.lower().startswith("ar") else ENGLISH_PLURAL_FORMS
            )
        declared = catalogue.metadata.get("Content-Type", "").lower().replace("-", "").replace(" ", "")
        if "charset=utf8" not in declared:  # (a template's `charset=CHARSET` too: the catalogue is written in UTF-8)
            header["Content-Type"] = "text/plain; charset=UTF-8"
        catalogue.metadata.update(header)
        nplurals = _nplurals(catalogue, target_lang)
        one = _plural_index(catalogue, 1, target_lang)
        position = 0
        changed = []
        for entry in _entries(catalogue):
            count = 2 if entry.msgid_plural else 1
            texts = contents[position : position + count]
            originals = self.paragraphs[position : position + count]
            states = statuses[position : position + count] if statuses is not None else None
            position += count
            # Not translated, the entry stays as it was; a translation equal to its source ("OK") is one.
            if states is None and all(t == o.pieces for t, o in zip(texts, originals, strict=True)):
                continue
            if states is not None and all(state is None for state in states):
                continue
            translated = [plain_text(t) for t in texts]
            if entry.msgid_plural:
                # The singular where a count of one reads, the plural in every other form (Arabic's singular is
                # msgstr[1]: written to msgstr[0], "1 roads" showed for one and the singular for zero).
                entry.msgstr_plural = {
                    n: translated[0] if n == one and nplurals > 1 else translated[1] for n in range(nplurals)
                }  # (one form for every count, as in Japanese: the plural, which holds the count)
            else:
                entry.msgstr = translated[0]
            draft = states is not None and any(state in (None, DRAFT, "new") for state in states)
            if draft and "fuzzy" not in entry.flags:
                entry.flags.append("fuzzy")
            elif not draft and "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            changed.append(entry)
        return _spliced(self.path, catalogue, changed, header).encode("utf-8")


#: The width gettext wraps a catalogue's lines to (msgcat's default), for the msgstr written.
WRAP_WIDTH = 79


def _spliced(path: str, catalogue: Any, changed: Sequence[Any], header: dict[str, str]) -> str:
    """The file's text with each of the ``changed`` entries' msgstr and flags lines written anew and the header's
    ``header`` fields set, every other line as it was (its wrapping and line ends too)."""
    with open(path, encoding=catalogue.encoding, newline="") as handle:
        lines = handle.read().splitlines(keepends=True)
    starts = sorted({entry.linenum - 1 for entry in catalogue})  # where each entry's lines begin (comments first)
    for entry in sorted(changed, key=lambda entry: -entry.linenum):
        start = entry.linenum - 1
        after = bisect.bisect_right(starts, start)
        end = starts[after] if after < len(starts) else len(lines)
        end = next((at for at in range(start, end) if not lines[at].strip()), end)  # (a blank line ends it too)
        block = lines[start:end]
        eol = _line_end(block[0])
        rendered = entry.__unicode__(wrapwidth=WRAP_WIDTH).split("\n")
        at_msgstr = next(at for at, line in enumerate(block) if line.startswith("msgstr"))
        msgstr = [line + eol for line in rendered[next(a for a, r in enumerate(rendered) if r.startswith("msgstr")) :]]
        msgstr = [line for line in msgstr if line.strip()]
        if not block[-1].endswith(("\n", "\r")):
            msgstr[-1] = msgstr[-1].rstrip("\r\n")  # (the file's last line had no line end)
        head = block[:at_msgstr]
        flags = [f"#, {', '.join(entry.flags)}{eol}"] if entry.flags else []
        at_flags = next((at for at, line in enumerate(head) if line.startswith("#,")), None)
        if at_flags is not None:
            head[at_flags : at_flags + 1] = flags
        elif flags:
            # gettext's order: references (#:) and comments, then flags (#,), then previous strings (#|) and msgid.
            at = next(at for at, line in enumerate(head) if line.startswith(("#|", "msgctxt", "msgid")))
            head[at:at] = flags
        lines[start:end] = head + msgstr
    return "".join(_with_header_fields(lines, header))


def _line_end(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\n"


def _with_header_fields(lines: list[str], fields: dict[str, str]) -> list[str]:
    """``lines`` with each of ``fields`` (`Language`…) set in the header entry's msgstr: its line(s) replaced where it
    has the field (a value wrapped over several lines as one), added at the header's end where it has none."""
    at_msgid = next((at for at, line in enumerate(lines) if line.startswith('msgid ""')), None)
    if at_msgid is None:
        return lines
    at = at_msgid + 1
    while at < len(lines) and lines[at].startswith('"'):
        at += 1  # (a msgid continued: no header, or one with a msgid of text)
    if at >= len(lines) or not lines[at].startswith('msgstr ""') or at > at_msgid + 1:
        return lines
    end = at + 1
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    body = lines[at + 1 : end]
    eol = _line_end(lines[at])
    for name, value in fields.items():
        line = f'"{name}: {_escaped(value)}\\n"{eol}'
        first = next((n for n, text in enumerate(body) if text.startswith(f'"{name}:')), None)
        if first is None:
            body.append(line)
            continue
        last = first
        while not body[last].rstrip("\r\n").endswith('\\n"') and last + 1 < len(body):
            last += 1
        if "".join(body[first : last + 1]) != line:
            body[first : last + 1] = [line]
    return [*lines[: at + 1], *body, *lines[end:]]


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _existing(text: str, status: str) -> tuple[list[Piece], str] | None:
    return ([text], status) if text else None


def read_document(path: str | os.PathLike[str]) -> PoDocument:
    """Read a PO or POT file."""
    return PoDocument(os.fspath(path))
