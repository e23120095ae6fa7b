"""Line-aligned parallel text (line N of one file translates line N of the other) into units."""

from __future__ import annotations

import os

from tmkit.errors import InputError
from tmkit.formats.text_files import read_lines
from tmkit.memory.model import Segment, Status, TranslationUnit, Variant


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
