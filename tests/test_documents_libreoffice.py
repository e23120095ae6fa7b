"""Acceptance: a DOCX that tmkit filled opens in LibreOffice Writer with the expected text, Arabic right to left."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.helpers import SAMPLES
from tests.test_documents import W, _translate_to_arabic, make_documents, reference_pairs

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

SOFFICE = shutil.which("soffice")
ARABIC = re.compile("[\u0600-\u06ff]")


def _convert(document: Path, target: str, tmp_path: Path) -> Path:
    """``document`` converted by headless LibreOffice, with a throwaway profile (parallel runs do not lock)."""
    assert SOFFICE is not None
    out = tmp_path / "out"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = out / (document.stem + "." + target.split(":", maxsplit=1)[0])
    assert converted.is_file(), f"LibreOffice wrote no {converted.name}"
    return converted


def _expected_lines(data: bytes) -> list[str]:
    """The body's paragraphs as LibreOffice's text export writes them: run text, footnote references numbered."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    lines = []
    notes = 0
    for paragraph in root.iter(W + "p"):
        parts = []
        for element in paragraph.iter(W + "t", W + "footnoteReference"):
            if element.tag == W + "t":
                parts.append(element.text or "")
            else:
                notes += 1
                parts.append(str(notes))
        lines.append("".join(parts))
    return lines


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
)
def test_libreoffice_reads_the_arabic_translation_right_to_left(tmp_path: Path) -> None:
    _cut, data, filled = _translate_to_arabic(tmp_path)
    document = tmp_path / "article.ar.docx"
    document.write_bytes(data)

    text = _convert(document, "txt:Text", tmp_path).read_text(encoding="utf-8-sig")
    lines = text.rstrip("\n").split("\n")
    assert lines == _expected_lines(data)
    used = [t for t in reference_pairs("en").values() if t in text]
    assert len(used) == filled  # every translation put in is there, in reading (logical) order

    html = _convert(document, "html", tmp_path).read_text(encoding="utf-8")
    paragraphs: list[tuple[str, Any]] = [
        (match.group(1), re.sub(r"<[^>]+>", "", match.group(2)))
        for match in re.finditer(r"<p([^>]*)>(.*?)</p>", html, re.S)
    ]
    arabic = [attrs for attrs, body in paragraphs if ARABIC.search(body)]
    assert len(arabic) == len(make_documents.paragraphs_of(SAMPLES / "article.en.txt"))  # headline and body
    # Right to left (its own `dir`, or the page's: the section is right to left, 3830663), at the right margin.
    body_rtl = re.search(r'<body[^>]*dir="rtl"', html) is not None
    for attrs in arabic:
        assert ('dir="rtl"' in attrs or (body_rtl and 'dir="ltr"' not in attrs)) and 'align="right"' in attrs, attrs
    assert body_rtl  # the page (the section) reads right to left
    table = re.search(r"<table[^>]*>", html)
    assert table and ('dir="rtl"' in table.group() or (body_rtl and 'dir="ltr"' not in table.group()))  # right to left

    pdf = _convert(document, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
