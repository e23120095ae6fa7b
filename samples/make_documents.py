"""Writes samples/article.docx and samples/article.html from the sample article (samples/article.ar.txt).

Run `python samples/make_documents.py` after changing the article: the documents are generated, so
their text stays the team's own. The DOCX has the headline in bold, a header, a link, a footnote
and a table of the agreements signed; the HTML has the same (the footnote as an aside), with `alt`
and `title` text and a script that must never be translated. Tests build the English versions
with the same functions (`build_docx`, `build_html`) from samples/article.en.txt.
"""

from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
#: Fixed ZIP entry dates, so that the same article gives the same bytes.
ZIP_DATE = (2021, 6, 22, 12, 0, 0)
LINK_URL = "https://example.org/joint-commission"


@dataclass(frozen=True)
class Extras:
    """The parts of the article that are not in the text file, in one language."""

    lang: str
    header: str
    link_phrase: str  # a phrase of the article made a link
    footnote_after: str  # the footnote's reference follows this phrase
    footnote: str
    table_caption: str
    table: tuple[tuple[str, str], ...]  # (field, agreement), the first row the column names
    image_alt: str


ARABIC = Extras(
    lang="ar",
    header="نشرة الأخبار الاقتصادية",
    link_phrase="للجنة السورية الروسية المشتركة",
    footnote_after="الدورة الـ 13",
    footnote="عُقدت الدورة الـ 12 للجنة في دمشق عام 2019.",
    table_caption="الاتفاقيات الموقعة بين البلدين",
    table=(
        ("المجال", "الاتفاقية"),
        ("الطاقة", "إعادة تأهيل محطات توليد الكهرباء"),
        ("النقل", "خطوط شحن مباشرة بين الموانئ السورية والروسية"),
        ("الصحة", "توريد دفعات جديدة من اللقاحات"),
    ),
    image_alt="صورة من اللقاء في دمشق",
)
ENGLISH = Extras(
    lang="en",
    header="Economic news bulletin",
    link_phrase="Syrian-Russian Joint Commission",
    footnote_after="the 13th session",
    footnote="The commission's 12th session was held in Damascus in 2019.",
    table_caption="Agreements signed between the two countries",
    table=(
        ("Field", "Agreement"),
        ("Energy", "Rehabilitation of power plants"),
        ("Transport", "Direct shipping lines between Syrian and Russian ports"),
        ("Health", "Supply of new batches of vaccines"),
    ),
    image_alt="A photograph of the meeting in Damascus",
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def paragraphs_of(path: Path) -> list[str]:
    """The article's paragraphs (blank-line separated)."""
    text = path.read_text(encoding="utf-8")
    return [" ".join(block.split("\n")).strip() for block in text.split("\n\n") if block.strip()]


def _run(text: str, *, rtl: bool, bold: bool = False, style: str | None = None) -> str:
    props = []
    if style:
        props.append(f'<w:rStyle w:val="{style}"/>')
    if bold:
        props.append("<w:b/><w:bCs/>")
    if rtl:
        props.append('<w:rtl/><w:lang w:bidi="ar-SA"/>')
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph(runs: str, *, rtl: bool, style: str | None = None) -> str:
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:bidi/>" if rtl else "")
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _split_once(text: str, phrase: str) -> tuple[str, str, str] | None:
    at = text.find(phrase)
    return None if at < 0 else (text[:at], phrase, text[at + len(phrase) :])


def _body_runs(text: str, extras: Extras, *, rtl: bool) -> str:
    """A paragraph's runs, with the link and the footnote reference where their phrases are."""
    out = []
    link = _split_once(text, extras.link_phrase)
    if link:
        before, phrase, text = link
        out.append(_body_runs(before, extras, rtl=rtl))
        out.append(f'<w:hyperlink r:id="rIdLink">{_run(phrase, rtl=rtl, style="Hyperlink")}</w:hyperlink>')
    note = _split_once(text, extras.footnote_after)
    if note:
        before, phrase, text = note
        out.append(_run(before + phrase, rtl=rtl))
        out.append('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>')
    if text:
        out.append(_run(text, rtl=rtl))
    return "".join(out)


def _table(extras: Extras, *, rtl: bool) -> str:
    rows = []
    for number, row in enumerate(extras.table):
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>'
            f"{_paragraph(_run(cell, rtl=rtl, bold=number == 0), rtl=rtl)}</w:tc>"
            for cell in row
        )
        rows.append(f"<w:tr>{cells}</w:tr>")
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    borders = "".join(border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    bidi = "<w:bidiVisual/>" if rtl else ""
    return (
        f'<w:tbl><w:tblPr>{bidi}<w:tblW w:w="9000" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid>{"".join(rows)}</w:tbl>'
    )


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


def build_docx(paragraphs: list[str], extras: Extras) -> bytes:
    """A Word document of the article: bold headline, body, a table after the fourth paragraph, header, footnote."""
    rtl = extras.lang == "ar"
    body = [_paragraph(_run(paragraphs[0], rtl=rtl, bold=True), rtl=rtl, style="Title")]
    for number, text in enumerate(paragraphs[1:], 1):
        body.append(_paragraph(_body_runs(text, extras, rtl=rtl), rtl=rtl))
        if number == 4:
            body.append(_paragraph(_run(extras.table_caption, rtl=rtl, bold=True), rtl=rtl))
            body.append(_table(extras, rtl=rtl))
    section = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" '
        'w:gutter="0"/></w:sectPr>'
    )
    parts = {
        "[Content_Types].xml": _xml(
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.styles+xml"/>'
            '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.footnotes+xml"/>'
            '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.header+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": _xml(
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/_rels/document.xml.rels": _xml(
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rIdStyles" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rIdNotes" Type="{REL}/footnotes" Target="footnotes.xml"/>'
            f'<Relationship Id="rIdHeader" Type="{REL}/header" Target="header1.xml"/>'
            f'<Relationship Id="rIdLink" Type="{REL}/hyperlink" Target="{LINK_URL}" TargetMode="External"/>'
            "</Relationships>"
        ),
        "word/document.xml": _xml(
            f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{"".join(body)}{section}</w:body></w:document>'
        ),
        "word/styles.xml": _xml(
            f'<w:styles xmlns:w="{W_NS}">'
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
            '<w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>'
            '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
            '<w:rPr><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>'
            '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
            '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>'
            '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
            '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
            "</w:styles>"
        ),
        "word/footnotes.xml": _xml(
            f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            "</w:footnote>"
            '<w:footnote w:id="1">'
            + _paragraph(
                '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                + _run(" " + extras.footnote, rtl=rtl),
                rtl=rtl,
            )
            + "</w:footnote></w:footnotes>"
        ),
        "word/header1.xml": _xml(
            f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{_paragraph(_run(extras.header, rtl=rtl), rtl=rtl)}</w:hdr>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _html_body(text: str, extras: Extras) -> str:
    link = _split_once(text, extras.link_phrase)
    if link:
        before, phrase, after = link
        return (
            _html_body(before, extras)
            + f'<a href="{LINK_URL}" title={quoteattr(extras.table_caption)}>{escape(phrase)}</a>'
            + _html_body(after, extras)
        )
    note = _split_once(text, extras.footnote_after)
    if note:
        before, phrase, after = note
        return escape(before + phrase) + '<sup><a href="#note-1">1</a></sup>' + escape(after)
    return escape(text)


def build_html(paragraphs: list[str], extras: Extras) -> str:
    """The article as a web page: the same parts as the DOCX, the footnote as an aside."""
    rtl = extras.lang == "ar"
    direction = ' dir="rtl"' if rtl else ""
    rows = []
    for number, row in enumerate(extras.table):
        cell = "th" if number == 0 else "td"
        rows.append("<tr>" + "".join(f"<{cell}>{escape(text)}</{cell}>" for text in row) + "</tr>")
    body = [f"<h1><strong>{escape(paragraphs[0])}</strong></h1>"]
    for number, text in enumerate(paragraphs[1:], 1):
        body.append(f"<p>{_html_body(text, extras)}</p>")
        if number == 1:
            body.append(f'<p><img src="meeting.jpg" alt={quoteattr(extras.image_alt)}></p>')
        if number == 4:
            body.append(
                f"<table>\n<caption>{escape(extras.table_caption)}</caption>\n" + "\n".join(rows) + "\n</table>"
            )
    return (
        f'<!DOCTYPE html>\n<html lang="{extras.lang}"{direction}>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(paragraphs[0])}</title>\n"
        "<script>window.dataLayer = window.dataLayer || [];</script>\n"
        "<style>table { border-collapse: collapse; }</style>\n</head>\n<body>\n"
        f'<header translate="no">tmkit samples</header>\n'
        + "\n".join(body)
        + f'\n<aside id="note-1"><p>1. {escape(extras.footnote)}</p></aside>\n</body>\n</html>\n'
    )


def main() -> int:
    paragraphs = paragraphs_of(HERE / "article.ar.txt")
    (HERE / "article.docx").write_bytes(build_docx(paragraphs, ARABIC))
    (HERE / "article.html").write_text(build_html(paragraphs, ARABIC), encoding="utf-8")
    print("wrote samples/article.docx and samples/article.html", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
