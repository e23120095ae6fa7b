"""A counting pass over a TMX file for `tmkit stats`: the reader's checks and counts, without unit objects."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from itertools import compress
from typing import Any, BinaryIO

from lxml import etree

from tmkit.formats.tmx_reader import (
    _DATE_FIELDS,
    _STATUS_VALUES,
    _TRUE_VALUES,
    TMX_NAMESPACE,
    XML_LANG,
    ProgressCallback,
    ReadIssue,
    TmxReader,
    _read_segment,
    _UnitError,
)
from tmkit.formats.xml_safety import SAFE_XML_OPTIONS
from tmkit.memory.dates import canonical_tmx_date
from tmkit.memory.langtags import ALL_LANGUAGES
from tmkit.memory.model import REJECTED_PROP, STATUS_PROP, Header, Status, TranslationUnit
from tmkit.memory.stats import LanguageCounts, MemoryStats
from tmkit.text.wordcount import count_words_and_chars

#: A note found in a unit before it is known that the unit is counted here: (line, code, message).
_PendingNote = tuple[int | None, str, str]
#: Units read are deleted from the tree this many at a time (fewer lxml calls than one by one), and their
#: segments counted then, those of a language joined by spaces: the counts add up over white space
#: (`count_words_and_chars`), and one call a segment cost ~4 µs of the ~19 a unit at 100k.
_UNITS_FREED_TOGETHER = 1024
#: Spellings of tmkit's statuses remembered (a file writes each status one way, or a few: ``Reviewed``, ``reviewed``).
_STATUS_SPELLINGS_KEPT = 64


class TmxCounter(TmxReader):
    """`TmxReader`'s pass over a file, counting each unit into `MemoryStats` instead of building it.

    The ordinary unit (attributes, `<prop>`s, `<note>`s of plain text, one `<seg>` per `<tuv>`) is
    counted straight from lxml's elements; any other unit is handed to the reader's own
    `_parse_unit`, so its errors, skips and counts are the reader's. Malformed XML, the header, the
    document checks, ``issues``, ``skipped`` and repeated tuids are the reader's too: `tmkit stats`
    says exactly what it said when it read every unit into the model, in half the time.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        skip_invalid: bool = False,
        repair: bool = False,
        on_progress: ProgressCallback | None = None,
        on_unit: Callable[[str | None], None] | None = None,
    ) -> None:
        """``on_unit``: called with each unit's tuid (None without one) as it is counted, in the reader's order."""
        super().__init__(path, skip_invalid=skip_invalid, repair=repair, on_progress=on_progress)
        self.stats = MemoryStats()
        self._on_unit = on_unit
        self._languages: dict[str, LanguageCounts] = {}  # by the tag as written, looked up without lang_key
        # The segments of the ordinary units not yet counted, and their languages as written.
        self._uncounted_texts: list[str] = []
        self._uncounted_langs: list[str] = []
        self._statuses_read: dict[str, Status] = {}  # tmkit's statuses, by the text of their <prop>
        self._header_srclang: str | None = None
        self._tuv_tag = self._prop_tag = self._note_tag = self._seg_tag = ""

    def count(self) -> MemoryStats:
        """Read the whole file; the counts (``issues`` and ``skipped`` as the reader fills them)."""
        for _unit in self:  # the counting pass yields no units
            pass
        return self.stats

    def _parse(self, stream: BinaryIO) -> Iterator[TranslationUnit]:
        # Not a generator: the pass runs as `TmxReader.__iter__` calls this, inside its error handling.
        self._count(stream)
        return iter(())

    def _count(self, stream: BinaryIO) -> None:
        tags = ("header", "tu", f"{{{TMX_NAMESPACE}}}header", f"{{{TMX_NAMESPACE}}}tu")
        etree.clear_error_log()  # the log is per thread: keep only this document's errors in it
        context = etree.iterparse(stream, events=("end",), tag=tags, **SAFE_XML_OPTIONS)
        first = True
        tu_tag = header_tag = ""
        read = counted = 0  # units read since the last freeing; ordinary units counted
        for _event, elem in context:
            if first:
                self._check_document(elem)
                first = False
                names = self._tags  # namespaced or not, known now
                tu_tag, header_tag = names["tu"], names["header"]
                self._tuv_tag, self._prop_tag, self._note_tag, self._seg_tag = (
                    names["tuv"],
                    names["prop"],
                    names["note"],
                    names["seg"],
                )
            tag = elem.tag
            if tag == tu_tag:
                if self.header is None:
                    if not self.skip_invalid:
                        raise self._error("no <header> before the first <tu>", elem.sourceline)
                    self._note(elem.sourceline, "missing-header", "no <header> before the first <tu>")
                    self.header = Header(srclang=ALL_LANGUAGES, creationtool="", o_tmf="")
                    self._header_srclang = None
                first_text = len(self._uncounted_texts)
                if self._count_unit(elem):
                    counted += 1
                else:
                    del self._uncounted_texts[first_text:]  # the segments of a unit found not to be ordinary
                    self._count_parsed_unit(elem)
                # Free what has been read so memory stays bounded on huge files.
                read += 1
                if read == _UNITS_FREED_TOGETHER:
                    read = 0
                    self._count_segments()
                    parent = elem.getparent()
                    # Not inside another unit (malformed): the reader finds it there when it reads that unit.
                    if parent is not None and parent.tag != tu_tag:
                        del parent[: parent.index(elem) + 1]
            elif tag == header_tag:
                if self.header is not None:
                    raise self._error("more than one <header>", elem.sourceline)
                self.header = self._parse_header(elem)
                self._header_srclang = self.header.srclang or None
        self._count_segments()
        self.stats.units += counted
        self.units_read += counted
        self._finish_document(context.root, empty=first)

    def _count_segments(self) -> None:
        """Add the segments not yet counted to their languages' counts (`MemoryStats.add_segment`, many at once)."""
        texts, langs = self._uncounted_texts, self._uncounted_langs
        if not texts:
            return
        for lang in dict.fromkeys(langs):  # each language met, its segments picked out in C
            counts = self._languages.get(lang)
            if counts is None:
                counts = self._languages[lang] = self.stats.language(lang)
            of_lang = texts if langs.count(lang) == len(langs) else list(compress(texts, map(lang.__eq__, langs)))
            counts.segments += len(of_lang)
            # Empty: no character that counts (`count_chars` splits at just what `isspace` calls white space).
            counts.empty_segments += of_lang.count("") + sum(map(str.isspace, of_lang))
            words, characters = count_words_and_chars(" ".join(of_lang))
            counts.words += words
            counts.characters += characters
        texts.clear()
        langs.clear()

    def _count_parsed_unit(self, elem: Any) -> None:
        """A unit out of the ordinary, read by the reader itself (errors and skips as it has them)."""
        try:
            unit = self._parse_unit(elem)
        except _UnitError as exc:
            if not self.skip_invalid:
                raise self._error(str(exc), exc.line) from None
            self.skipped.append(ReadIssue(exc.line, "skipped-unit", f"skipped unit: {exc}"))
            return
        self.units_read += 1
        self.stats.add(unit)
        if self._on_unit is not None:
            self._on_unit(unit.tuid)

    def _count_unit(self, tu: Any) -> bool:
        """Count an ordinary unit as `_parse_unit` and `MemoryStats.add` would; False (nothing done) if it is not one.

        Notes are held back until the unit is known to be ordinary, so a unit handed to the reader
        afterwards is never noted twice. This runs for every unit of a file: each lxml call and
        each Python step in it is paid a hundred thousand times (attributes are read with one
        ``items()`` an element, a variant is two lists).
        """
        tuv_tag, prop_tag, note_tag, seg_tag = self._tuv_tag, self._prop_tag, self._note_tag, self._seg_tag
        uncounted_texts = self._uncounted_texts  # `_count` takes the unit's back if it turns out not to be ordinary
        line = tu.sourceline
        notes: list[_PendingNote] = []
        tuid: str | None = None
        srclang: str | None = None
        for key, value in tu.items():
            if key == "tuid":
                tuid = value
            elif key == "srclang":
                srclang = value
            elif key in _DATE_FIELDS:
                _check_date(value, key, line, notes)
        status_raw: str | None = None
        rejected = False
        langs: list[str] = []
        empty_langs: list[str] = []  # variants whose segment has no content at all
        markup = False
        for child in tu[:]:  # a slice: an element's iterator costs more to make than the list
            tag = child.tag
            if tag == tuv_tag:
                lang: str | None = None
                plain_lang: str | None = None
                for key, value in child.items():
                    if key == XML_LANG:
                        lang = value
                    elif key == "lang":
                        plain_lang = value
                    elif key in _DATE_FIELDS:
                        _check_date(value, key, child.sourceline, notes)
                if lang is None:
                    lang = plain_lang  # TMX 1.1/1.2
                    if lang is None:
                        return False
                text: str | None = None
                for part in child[:]:
                    part_tag = part.tag
                    if part_tag == seg_tag:
                        if text is not None:
                            return False  # two <seg>s: the reader's error
                        if len(part) == 0:
                            text = part.text or ""
                            if not text:
                                empty_langs.append(lang)
                        else:
                            try:
                                segment = _read_segment(part, self._ns)
                            except ValueError:
                                return False
                            text = segment.plain
                            if not segment.content:
                                empty_langs.append(lang)
                            markup = markup or segment.has_markup
                    elif part_tag == prop_tag:
                        if part.get("type") is None or len(part):
                            return False
                    elif part_tag == note_tag:
                        if len(part):
                            return False
                    elif isinstance(part_tag, str):
                        return False
                if text is None:
                    return False
                langs.append(lang)
                uncounted_texts.append(text)
            elif tag == prop_tag:
                ptype = child.get("type")
                if ptype is None or len(child):
                    return False  # an error, or text to flatten: the reader's
                if ptype == STATUS_PROP and status_raw is None:
                    status_raw = child.text or ""
                elif ptype == REJECTED_PROP and not rejected:
                    rejected = (child.text or "").strip().lower() in _TRUE_VALUES
            elif tag == note_tag:
                if len(child):
                    return False
            elif isinstance(tag, str):
                return False
        if not langs:
            return False

        # The unit is ordinary: what `_set_status` and `_check_unit` make of it, in their order.
        if status_raw is None:
            # A unit a tool stored without a status is a confirmed translation, if it has two texts.
            status = Status.TRANSLATED if len(langs) - len(empty_langs) >= 2 else Status.NEW
        else:
            found = self._statuses_read.get(status_raw)
            if found is None:
                found = _STATUS_VALUES.get(status_raw.strip().lower())
                if found is None:
                    notes.append(
                        (line, "foreign-status", f"status {status_raw!r} is not tmkit's; read as draft and kept")
                    )
                    found = Status.DRAFT
                elif len(self._statuses_read) < _STATUS_SPELLINGS_KEPT:
                    self._statuses_read[status_raw] = found
            status = found
        for pending in notes:
            self._note(*pending)
        if tuid is not None:
            self._remember_tuid(tuid, line)
        source = srclang or self._header_srclang
        for code, message in self._language_notes_of(source, langs):
            self._note(line, code, message)
        for lang in empty_langs:
            self._note(line, "empty-segment", f"empty segment in {lang}")

        # The unit itself is counted by `_count`; here what it holds.
        stats = self.stats
        stats.statuses[status] += 1
        if rejected:
            stats.rejected += 1
        if markup:
            stats.units_with_markup += 1
        # Its segments, already among the uncounted texts, are counted by `_count_segments` a batch at a time.
        self._uncounted_langs += langs
        if self._on_unit is not None:
            self._on_unit(tuid)
        return True


def _check_date(raw: str, name: str, line: int | None, notes: list[_PendingNote]) -> None:
    """Note a date the reader would keep as written (`TmxReader._date`)."""
    if canonical_tmx_date(raw) is None:
        notes.append((line, "bad-date", f"{name}={raw!r} is not an ISO 8601 date; kept as written"))
