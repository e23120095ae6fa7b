"""DOCX filter speed: extracting the segments of a generated 300-page Word document, and writing its translation.

The document is made from the sample memories' Arabic sentences as Word makes real ones: paragraphs
of several sentences whose runs are split by spell-check marks and revision ids, some words bold
or italic, a hyperlink every 10 paragraphs, a footnote every 20, a table every 30, a header. Its
length is set in words (LibreOffice sets about 530 of these words on a 12-point A4 page); `--check-pages` has LibreOffice
count the pages of its PDF.

Timed (best of `--repeat`): extract (read the package, parse every part, paragraphs, SRX segments
with codes) and write (every segment translated, codes kept, the package written with Arabic → English
direction changes). Baselines in the same run: lxml parsing document.xml and collecting its text
(the floor under extraction) and lxml parsing and serialising it (the floor under writing).

    python bench/documents.py [--pages 300] [--repeat 3] [--check-pages]
"""

from __future__ import annotations

import argparse
import io
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from tmkit.formats.documents import extract, open_document  # noqa: E402
from tmkit.formats.tmx_reader import load_tmx  # noqa: E402
from tmkit.memory.model import Segment  # noqa: E402

WORDS_PER_PAGE = 530  # LibreOffice laid 151,209 of these words out on 283 A4 pages
GOAL_SECONDS = 10.0
PDF_PAGE_RE = re.compile(rb"/Type\s*/Page[^s]")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def sentences() -> list[str]:
    out = []
    for name in ("news-memory.tmx", "earlier-visits.tmx", "article.tmx"):
        for unit in load_tmx(ROOT / "samples" / name):
            variant = unit.variant("ar")
            if variant is not None and variant.text.strip():
                out.append(variant.text.strip())
    return out


def _runs(text: str, rng: random.Random) -> str:
    """A paragraph's runs as Word writes them: split at random, some bold or italic, spell-check marks between."""
    words = text.split(" ")
    out = []
    position = 0
    while position < len(words):
        size = rng.randint(1, 8)
        chunk = " ".join(words[position : position + size]) + (" " if position + size < len(words) else "")
        position += size
        style = rng.random()
        props = (
            "<w:rPr><w:b/><w:bCs/><w:rtl/></w:rPr>"
            if style < 0.1
            else ("<w:rPr><w:i/><w:iCs/><w:rtl/></w:rPr>" if style < 0.15 else "<w:rPr><w:rtl/></w:rPr>")
        )
        if rng.random() < 0.2:
            out.append('<w:proofErr w:type="spellStart"/>')
        out.append(
            f'<w:r w:rsidR="00{rng.randint(100000, 999999)}">{props}<w:t xml:space="preserve">{escape(chunk)}</w:t></w:r>'
        )
    return "".join(out)


def build(pages: int, seed: int = 1) -> bytes:
    """A DOCX of about ``pages`` pages (samples/article.docx's package, its body replaced)."""
    rng = random.Random(seed)
    pool = sentences()
    body: list[str] = []
    notes: list[str] = []
    words = 0
    number = 0
    while words < pages * WORDS_PER_PAGE:
        number += 1
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
        words += len(text.split())
        runs = _runs(text, rng)
        if number % 10 == 0:
            runs += '<w:hyperlink r:id="rIdLink"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/><w:rtl/></w:rPr><w:t>اللجنة المشتركة</w:t></w:r></w:hyperlink>'
        if number % 20 == 0:
            note = len(notes) + 1
            note_text = rng.choice(pool)
            words += len(note_text.split())
            runs += (
                f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{note}"/></w:r>'
            )
            notes.append(
                f'<w:footnote w:id="{note}"><w:p><w:pPr><w:bidi/></w:pPr><w:r><w:footnoteRef/></w:r>'
                f'<w:r><w:rPr><w:rtl/></w:rPr><w:t xml:space="preserve"> {escape(note_text)}</w:t></w:r></w:p></w:footnote>'
            )
        body.append(f"<w:p><w:pPr><w:bidi/></w:pPr>{runs}</w:p>")
        if number % 30 == 0:
            texts = [rng.choice(pool)[:80] for _ in range(3)]
            words += 4 * sum(len(t.split()) for t in texts)  # four rows of the same cells
            cells = "".join(f"<w:tc><w:p><w:pPr><w:bidi/></w:pPr>{_runs(t, rng)}</w:p></w:tc>" for t in texts)
            body.append(f"<w:tbl><w:tblPr><w:bidiVisual/></w:tblPr>{('<w:tr>' + cells + '</w:tr>') * 4}</w:tbl>")
    source = zipfile.ZipFile(ROOT / "samples" / "article.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = re.sub(
                    rb"<w:body>.*<w:sectPr>", ("<w:body>" + "".join(body) + "<w:sectPr>").encode(), data, flags=re.S
                )
            elif info.filename == "word/footnotes.xml":
                data = re.sub(rb'<w:footnote w:id="1">.*</w:footnote>', "".join(notes).encode(), data, flags=re.S)
            package.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check-pages", action="store_true", help="count the PDF pages LibreOffice makes of it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.docx"
        data = build(args.pages)
        path.write_bytes(data)
        document_xml = zipfile.ZipFile(path).read("word/document.xml")
        print(f"document: {len(data) / 1e6:.1f} MB DOCX, word/document.xml {len(document_xml) / 1e6:.1f} MB")

        def lxml_text() -> int:
            root = etree.fromstring(document_xml, etree.XMLParser(resolve_entities=False, huge_tree=True))
            return sum(len(t.text or "") for t in root.iter(W + "t"))

        def lxml_roundtrip() -> int:
            root = etree.fromstring(document_xml, etree.XMLParser(resolve_entities=False, huge_tree=True))
            return len(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))

        extract_time, cut = best_of(args.repeat, lambda: extract(open_document(path), lang="ar"))
        assert cut is not None
        segments = cut.segments  # type: ignore[attr-defined]
        words = sum(len(s.plain.split()) for s in segments)
        coded = sum(1 for s in segments if s.has_markup)
        # Every segment "translated": its text reversed word by word, its codes where they were.
        translations = [
            Segment(tuple(" ".join(reversed(p.split(" "))) if isinstance(p, str) else p for p in s.content))
            for s in segments
        ]
        write_time, written = best_of(args.repeat, lambda: cut.render(translations, target_lang="en"))  # type: ignore[attr-defined]
        text_time, _ = best_of(args.repeat, lxml_text)
        roundtrip_time, _ = best_of(args.repeat, lxml_roundtrip)
        print(
            f"{len(segments):,} segments ({coded:,} with codes), {words:,} words (~{words / WORDS_PER_PAGE:.0f} pages)"
        )
        print(f"{'case':<42}{'seconds':>9}")
        print(f"{'tmkit extract (open + segments)':<42}{extract_time:>9.2f}")
        print(f"{'tmkit write (translations in, package out)':<42}{write_time:>9.2f}")
        print(f"{'baseline: lxml parse + text of w:t':<42}{text_time:>9.2f}")
        print(f"{'baseline: lxml parse + serialise':<42}{roundtrip_time:>9.2f}")
        verdict = "met" if max(extract_time, write_time) < GOAL_SECONDS else "NOT met"
        print(f"goal: extract and write each under {GOAL_SECONDS:g} s: {verdict}")
        if args.check_pages:
            soffice = shutil.which("soffice")
            if soffice is None:
                print("pages: skipped (no soffice)")
            else:
                out_path = Path(folder) / "translated.docx"
                out_path.write_bytes(written)  # type: ignore[arg-type]
                for name in (path, out_path):
                    subprocess.run(
                        [
                            soffice,
                            f"-env:UserInstallation=file://{folder}/profile",
                            "--headless",
                            "--convert-to",
                            "pdf",
                            "--outdir",
                            folder,
                            str(name),
                        ],
                        check=True,
                        capture_output=True,
                        timeout=900,
                    )
                    pdf = (Path(folder) / (name.stem + ".pdf")).read_bytes()
                    pages = len(PDF_PAGE_RE.findall(pdf))
                    print(f"pages ({name.name}, LibreOffice PDF): {pages}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
