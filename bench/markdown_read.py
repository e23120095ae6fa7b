"""Reading a big Markdown document: each text token found in its block's source by a plain search (now), against
compiling every token's per-character pattern (before 3a8ea6a), in the same run, with the same paragraphs read.

The document is made of the FLORES-200 dev and devtest sentences (../shared/corpora), English or Arabic, as a README
is written: headings, paragraphs of several sentences with emphasis, inline code and links, lists, a backslash
escape and a character reference now and then (where the pattern is still needed), about ``--kb`` kilobytes. CPU
time of `read_document` (markdown-it's parse included, the floor both share), least of ``--repeat``.

    python bench/markdown_read.py [--kb 200] [--lang en|ar] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tmkit.formats.documents import markdown_filter
from tmkit.formats.documents.core import Piece
from tmkit.formats.documents.markdown_filter import read_document

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def sentences(lang: str) -> list[str]:
    found: list[str] = []
    for split in ("dev", "devtest"):
        path = CORPORA / f"flores-{split}.{lang}"
        if path.exists():
            found += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found


def document(lines: list[str], kb: int) -> str:
    """A README-like Markdown text of about ``kb`` kilobytes from the corpus sentences."""
    out: list[str] = []
    size, n = 0, 0
    while size < kb * 1024:
        chunk = lines[n % len(lines) : n % len(lines) + 4]
        n += 4
        first, *rest = chunk or lines[:4]
        words = first.split()
        if n % 40 == 4:
            block = f"## {' '.join(words[:6])}\n"
        elif n % 12 == 0:
            block = "".join(f"- {sentence}\n" for sentence in chunk)
        else:
            emphasised = f"*{words[0]}* {' '.join(words[1:])}" if words else first
            linked = f"{rest[0]} [{rest[1][:20]}](https://example.org/{n})" if len(rest) > 1 else " ".join(rest)
            coded = f"`{words[-1]}`" if n % 3 == 0 and words else ""
            escaped = r" \*" if n % 7 == 0 else (" &amp;" if n % 11 == 0 else "")
            block = f"{emphasised} {linked} {coded}{escaped} {' '.join(rest[2:])}\n"
        out.append(block + "\n")
        size += len(block.encode("utf-8")) + 1
    return "".join(out)


def _compiled_every_time(raw: str, text: str, start: int) -> tuple[int, int] | None:
    """The way before: every text token's pattern compiled and searched."""
    found = markdown_filter._text_pattern(text).search(raw, start)
    return None if found is None else (found.start(), found.end())


def timed(path: Path, repeat: int) -> tuple[float, list[list[Piece]]]:
    best, paragraphs = float("inf"), []
    for _ in range(repeat):
        started = time.process_time()
        paragraphs = [p.pieces for p in read_document(path).paragraphs]
        best = min(best, time.process_time() - started)
    return best, paragraphs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=200)
    parser.add_argument("--lang", choices=("en", "ar"), default="en")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lines = sentences(args.lang)
    if not lines:
        sys.exit("bench/markdown_read.py: no FLORES sentences in ../shared/corpora (see its README)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.md"
        path.write_text(document(lines, args.kb), encoding="utf-8")
        now, read_now = timed(path, args.repeat)
        plain_search = markdown_filter._find_text
        markdown_filter._find_text = _compiled_every_time
        try:
            before, read_before = timed(path, args.repeat)
        finally:
            markdown_filter._find_text = plain_search
        size = path.stat().st_size
    print(f"{args.lang} Markdown, {size / 1024:.0f} KB, {len(read_now)} paragraphs, CPU s (least of {args.repeat})")
    print(f"{'plain search (now)':<32}{now:>8.2f}")
    print(f"{'every pattern compiled (before)':<32}{before:>8.2f}   {before / now:.1f}× the time")
    print(f"same paragraphs read: {'yes' if read_now == read_before else 'NO'}")


if __name__ == "__main__":
    main()
