"""Line-aligned parallel text (line N of one file translates line N of the other) into units."""

from __future__ import annotations

import os
from contextlib import closing
from dataclasses import dataclass

from tmkit.errors import InputError
from tmkit.formats.text_files import iter_lines, read_lines
from tmkit.memory.langtags import DEFAULT_SOURCE_LANG, is_arabic_language, other_language
from tmkit.memory.model import Segment, Status, TranslationUnit, Variant
from tmkit.text.scripts import SCRIPT_NAMES, guess_language


def read_aligned_text(
    source_path: str | os.PathLike[str],
    target_path: str | os.PathLike[str],
    *,
    source_lang: str,
    target_lang: str,
) -> list[TranslationUnit]:
    """Pair line N of the source file with line N of the target file.

    Lines end at LF, CRLF or CR only (`tmkit.formats.text_files`): a form feed or U+2028 inside a
    line stays in it. Both files must have the same number of lines. Lines empty on both sides
    (paragraph breaks) are skipped; a line empty on one side only gives a unit of status NEW.
    """
    src_name, tgt_name = os.fspath(source_path), os.fspath(target_path)
    sources, targets = read_lines(src_name), read_lines(tgt_name)
    if len(sources) != len(targets):
        raise InputError(
            f"{src_name} has {len(sources)} lines but {tgt_name} has {len(targets)}: the files are not line-aligned"
        )
    units = []
    for number, (source, target) in enumerate(zip(sources, targets, strict=True), start=1):
        if not source.strip() and not target.strip():
            continue
        status = Status.TRANSLATED if source.strip() and target.strip() else Status.NEW
        units.append(
            TranslationUnit(
                [Variant(source_lang, Segment.from_text(source)), Variant(target_lang, Segment.from_text(target))],
                tuid=str(number),
                status=status,
                line=number,
            )
        )
    return units


@dataclass(frozen=True, slots=True)
class AlignedLanguages:
    """The languages two line-aligned text files are labelled with, and what their scripts say against the labels
    given (one line each, naming the file)."""

    source_lang: str
    target_lang: str
    mismatches: tuple[str, ...] = ()


def aligned_languages(
    source_path: str | os.PathLike[str],
    target_path: str | os.PathLike[str],
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> AlignedLanguages:
    """The languages of two line-aligned text files: those given, else what each file's script says (`ar` for
    Arabic, `en` for Latin), else the other language of tmkit's pair.

    A file's name says nothing (`a.en` may hold Arabic): its letters are read (`guess_language`). Two files in one
    script, neither labelled, are an `InputError`: which is which cannot be told, and a memory labelled the wrong
    way round would be offered as matches in the wrong direction. A label its file's script contradicts (an Arabic
    label on Latin text, or the other way round) is kept, and named in ``mismatches``.
    """
    paths = (os.fspath(source_path), os.fspath(target_path))
    scripts = []
    for path in paths:
        with closing(iter_lines(path)) as lines:  # (a sample is read: the file is closed when it is enough)
            scripts.append(guess_language(lines, default=""))
    return languages_by_script(
        (scripts[0], scripts[1]),
        paths,
        source_lang=source_lang,
        target_lang=target_lang,
        both=f"{paths[0]} and {paths[1]} are both",
    )


def languages_by_script(
    scripts: tuple[str, str],
    names: tuple[str, str],
    *,
    source_lang: str | None,
    target_lang: str | None,
    both: str,
) -> AlignedLanguages:
    """The languages of the two sides of parallel text (two files, a table's two columns) whose letters say
    ``scripts`` (`guess_language`: `ar`, `en`, or empty where they say nothing): those given, else what each side's
    script says, else the other language of tmkit's pair. Two sides in one script, neither labelled, are an
    `InputError` (``both`` begins it, "a.txt and b.txt are both"); a label a side's script contradicts is kept and
    named in ``mismatches`` (by ``names``)."""
    if source_lang is None and target_lang is None and scripts[0] and scripts[0] == scripts[1]:
        raise InputError(f"{both} in {SCRIPT_NAMES[scripts[0]]} script: name their languages with --src and --tgt")
    # A side whose script says nothing (digits, codes) is the other language of the one whose script does.
    source = (
        source_lang
        or scripts[0]
        or (other_language(target_lang) if target_lang else other_language(scripts[1]) if scripts[1] else "")
        or DEFAULT_SOURCE_LANG
    )
    if target_lang is None:
        guessed = scripts[1]
        target = guessed if guessed and is_arabic_language(guessed) != is_arabic_language(source) else ""
        target = target or other_language(source)
    else:
        target = target_lang
    # Every label is checked, those given and those that follow from them (`--src ar` makes the other side en).
    mismatches = tuple(
        f"{name}: its text is in {SCRIPT_NAMES[script]} script, but it is labelled {label}"
        for name, script, label in zip(names, scripts, (source, target), strict=True)
        if script and is_arabic_language(label) != (script == "ar")
    )
    return AlignedLanguages(source, target, mismatches)
