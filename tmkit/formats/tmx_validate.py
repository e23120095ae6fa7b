"""TMX validation: the rules the DTD cannot check (code pairing, languages, dates, source variant)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from lxml import etree

from tmkit.errors import InputError
from tmkit.formats.tmx_reader import ProgressCallback, TmxReader
from tmkit.formats.xml_safety import SAFE_XML_OPTIONS, syntax_error_message
from tmkit.memory.langtags import ALL_LANGUAGES, is_valid_tag, lang_key
from tmkit.memory.merge import CONFLICT_PROP, conflict_side
from tmkit.memory.model import INLINE_TAGS, Content, Inline, RawElement, TranslationUnit


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of `validate_tmx`: where, how bad, which rule, what is wrong."""

    path: str
    line: int | None
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


#: The code of a unit left marked by a three-way merge (`tmkit merge-driver`) for a person to settle.
MERGE_CONFLICT = "merge-conflict"

#: A unit still marked as a merge conflict is valid TMX, but a person has still to choose a version:
#: a warning unless asked otherwise (`tmkit validate --strict` makes it an error).
DEFAULT_CONFLICT_SEVERITY = Severity.WARNING

#: How the reader's findings weigh in validation; those not listed are warnings.
READER_ISSUE_SEVERITY = {
    "header-attribute": Severity.ERROR,
    "missing-source": Severity.ERROR,
    "missing-header": Severity.ERROR,
    "bad-date": Severity.ERROR,
    "illegal-char": Severity.ERROR,
    "unknown-version": Severity.ERROR,
    "skipped-unit": Severity.ERROR,
}


def _check_codes(content: tuple[Content, ...], line: int | None, lang: str) -> Iterator[tuple[Severity, str, str]]:
    """Pairing of bpt/ept by `i`, unique `i`, `it` with `pos`, `sub` only in codes, no foreign markup."""
    open_i: dict[str, int] = {}
    seen_i: set[str] = set()

    def walk(parts: tuple[Content, ...], inside_code: bool) -> Iterator[tuple[Severity, str, str]]:
        for part in parts:
            if not isinstance(part, Inline):
                continue
            tag = part.tag
            if tag not in INLINE_TAGS:
                yield Severity.ERROR, "foreign-markup", f"<{tag}> is not TMX inline markup ({lang})"
            elif tag == "sub" and not inside_code:
                yield Severity.ERROR, "sub-outside-code", f"<sub> outside a code element ({lang})"
            elif tag == "bpt" or tag == "ept":
                i = part.get("i")
                if i is None:
                    yield Severity.ERROR, "missing-i", f"<{tag}> without the required i attribute ({lang})"
                elif tag == "bpt":
                    if i in seen_i:
                        yield Severity.ERROR, "duplicate-i", f'two <bpt i="{i}"> in one segment ({lang})'
                    seen_i.add(i)
                    open_i[i] = open_i.get(i, 0) + 1
                elif open_i.get(i, 0) > 0:
                    open_i[i] -= 1
                else:
                    yield Severity.ERROR, "unpaired-ept", f'<ept i="{i}"> without an earlier <bpt i="{i}"> ({lang})'
            elif tag == "it" and part.get("pos") not in ("begin", "end"):
                yield Severity.ERROR, "it-pos", f'<it> needs pos="begin" or pos="end" ({lang})'
            elif tag == "ut":
                yield Severity.WARNING, "deprecated-ut", f"<ut> is deprecated in TMX 1.4 ({lang})"
            yield from walk(part.content, inside_code or part.is_code)

    yield from walk(content, False)
    for i, count in open_i.items():
        if count > 0:
            yield Severity.ERROR, "unpaired-bpt", f'<bpt i="{i}"> without a later <ept i="{i}"> ({lang})'


def _check_unit(unit: TranslationUnit, *, conflict_severity: Severity) -> Iterator[tuple[Severity, str, str]]:
    side = conflict_side(unit)
    if side is not None:
        which = f"tuid {unit.tuid}" if unit.tuid else "a unit without tuid"
        yield (
            conflict_severity,
            MERGE_CONFLICT,
            f"unsettled merge conflict in {which}: the version marked {side!r} (keep one version of the unit "
            f"and remove its {CONFLICT_PROP} prop)",
        )
    keys = set()
    for variant in unit.variants:
        if not is_valid_tag(variant.lang):
            yield Severity.ERROR, "language-tag", f"xml:lang={variant.lang!r} is not a language tag"
        keys.add(lang_key(variant.lang))
        yield from _check_codes(variant.segment.content, unit.line, variant.lang)
    if unit.srclang and unit.srclang != ALL_LANGUAGES and not is_valid_tag(unit.srclang):
        yield Severity.ERROR, "language-tag", f"srclang={unit.srclang!r} is not a language tag"


def _check_ude(ude: RawElement) -> Iterator[tuple[Severity, str, str]]:
    has_base = any(k == "base" for k, _ in ude.attrs)
    for child in ude.children:
        if any(k == "code" for k, _ in child.attrs) and not has_base:
            yield Severity.ERROR, "ude-base", "<map code=…> needs a base attribute on its <ude>"
            return


def validate_tmx(
    path: str | os.PathLike[str],
    *,
    dtd: str | os.PathLike[str] | None = None,
    repair: bool = False,
    conflict_severity: Severity = DEFAULT_CONFLICT_SEVERITY,
    on_progress: ProgressCallback | None = None,
) -> list[Problem]:
    """Check a TMX file and list every problem found (an empty list means valid).

    Malformed XML ends the check with an `InputError`; invalid units are reported and the rest
    of the file is still checked. With ``dtd`` the document is also validated against that DTD
    (read from the given local file, never from the document's DOCTYPE). Units left marked
    `x-tmkit-conflict` by a three-way merge are reported with ``conflict_severity``.
    """
    name = os.fspath(path)
    if dtd is not None and not Path(dtd).is_file():
        # Said before the file is read (it was read whole first, then "cannot read DTD: error parsing DTD").
        raise InputError("no such file" if not Path(dtd).exists() else "not a file", path=os.fspath(dtd))
    problems: list[Problem] = []
    reader = TmxReader(path, skip_invalid=True, repair=repair, on_progress=on_progress)
    for unit in reader:
        for severity, code, message in _check_unit(unit, conflict_severity=conflict_severity):
            problems.append(Problem(name, unit.line, severity, code, message))
    header = reader.header
    if header is not None:
        if header.srclang and header.srclang != ALL_LANGUAGES and not is_valid_tag(header.srclang):
            problems.append(
                Problem(
                    name,
                    None,
                    Severity.ERROR,
                    "language-tag",
                    f"header srclang={header.srclang!r} is not a language tag",
                )
            )
        for ude in header.udes:
            for severity, code, message in _check_ude(ude):
                problems.append(Problem(name, None, severity, code, message))
    for issue in reader.issues + reader.skipped:
        severity = READER_ISSUE_SEVERITY.get(issue.code, Severity.WARNING)
        problems.append(Problem(name, issue.line, severity, issue.code, issue.message))
    if dtd is not None:
        problems.extend(_dtd_problems(name, Path(dtd)))
    problems.sort(key=lambda p: (p.line or 0, p.severity != Severity.ERROR, p.code))
    return problems


def _dtd_problems(name: str, dtd_path: Path) -> list[Problem]:
    try:
        dtd = etree.DTD(str(dtd_path))
    except (OSError, etree.DTDParseError) as exc:
        raise InputError(f"cannot read DTD: {exc}", path=dtd_path) from None
    parser = etree.XMLParser(**SAFE_XML_OPTIONS)
    try:
        tree = etree.parse(name, parser)
    except etree.XMLSyntaxError as exc:
        message = syntax_error_message(exc)
        raise InputError(message, path=name, line=exc.position[0], column=exc.position[1]) from None
    if dtd.validate(tree):
        return []
    return [Problem(name, err.line, Severity.ERROR, "dtd", err.message) for err in dtd.error_log.filter_from_errors()]
