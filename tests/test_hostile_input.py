"""Hostile, malformed, truncated, empty and huge input: refused with one line naming file and line."""

from __future__ import annotations

import gc
import zipfile
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, TMX_HEAD, run_cli, tmx_doc
from tmkit.errors import InputError
from tmkit.formats.tmx_reader import TmxReader, load_tmx, read_tmx

GOOD_TU = '<tu><tuv xml:lang="ar"><seg>نص</seg></tuv><tuv xml:lang="en"><seg>text</seg></tuv></tu>\n'


def write(tmp_path: Path, data: str | bytes, name: str = "bad.tmx") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def assert_one_line_error(tmp_path: Path, path: Path, *expected: str) -> str:
    """The CLI refuses the file with exit 2 and a single line, no traceback."""
    result = run_cli("stats", str(path), cwd=tmp_path)
    assert result.code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in lines[0]
    for fragment in expected:
        assert fragment in lines[0]
    return lines[0]


def test_external_entity_is_refused_and_no_file_is_read(tmp_path: Path) -> None:
    secret = write(tmp_path, "TOP-SECRET", "secret.txt")
    doc = TMX_HEAD.replace("<tmx", f'<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<tmx') + (
        '<tu><tuv xml:lang="ar"><seg>&xxe;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu></body></tmx>'
    )
    path = write(tmp_path, doc)
    with pytest.raises(InputError) as info:
        load_tmx(path)
    assert "declares entities" in str(info.value)
    assert "TOP-SECRET" not in str(info.value)
    assert_one_line_error(tmp_path, path, "declares entities")


def test_an_entity_declaration_is_refused_at_its_own_line(tmp_path: Path) -> None:
    """The refusal names the line of the declaration, as every other error names where it is (not line 1)."""
    declared = '<?xml version="1.0"?>\n<!DOCTYPE tmx [\n\n<!ENTITY x "boom">\n]>\n'
    doc = declared + TMX_HEAD.split("\n", 1)[1] + GOOD_TU + "</body></tmx>\n"
    assert TMX_HEAD.startswith("<?xml")
    path = write(tmp_path, doc)
    assert f"{path}:4: " in assert_one_line_error(tmp_path, path, "declares entities")
    tbx = write(
        tmp_path,
        declared.replace("tmx", "martif") + '<martif type="TBX"><text><body/></text></martif>\n',
        "terms.tbx",
    )
    result = run_cli("term", "lookup", str(tbx), "x", cwd=tmp_path)
    assert result.code == 2 and f"{tbx}:4: " in result.stderr and "declares entities" in result.stderr
    xliff = write(
        tmp_path,
        declared.replace("tmx", "xliff")
        + '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
        'source-language="ar" target-language="en" datatype="plaintext"><body/></file></xliff>\n',
        "job.xlf",
    )
    result = run_cli("convert", str(xliff), "-o", str(tmp_path / "job.tmx"), cwd=tmp_path)
    assert result.code == 2 and f"{xliff}:4: " in result.stderr and "entity declaration" in result.stderr
    assert not (tmp_path / "job.tmx").exists()


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    doc = TMX_HEAD.replace("<tmx", f"<!DOCTYPE tmx [{entities}]>\n<tmx") + (
        '<tu><tuv xml:lang="ar"><seg>&lol9;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu></body></tmx>'
    )
    with pytest.raises(InputError):
        load_tmx(write(tmp_path, doc))


def test_undeclared_entity_reference_is_an_error_with_position(tmp_path: Path) -> None:
    doc = tmx_doc('<tu><tuv xml:lang="ar"><seg>a&nbsp;b</seg></tuv></tu>\n')
    with pytest.raises(InputError) as info:
        load_tmx(write(tmp_path, doc))
    assert info.value.line == 5
    assert "nbsp" in info.value.message


def test_doctype_with_system_id_triggers_no_file_access(tmp_path: Path) -> None:
    # The DTD named does not exist: reading must not even try to open it.
    doc = TMX_HEAD.replace("<tmx", '<!DOCTYPE tmx SYSTEM "/nonexistent/tmx14.dtd">\n<tmx') + GOOD_TU + "</body></tmx>"
    assert len(load_tmx(write(tmp_path, doc))) == 1


def test_network_doctype_is_not_fetched(tmp_path: Path) -> None:
    doc = (
        TMX_HEAD.replace("<tmx", '<!DOCTYPE tmx SYSTEM "http://127.0.0.1:9/tmx14.dtd">\n<tmx')
        + GOOD_TU
        + "</body></tmx>"
    )
    assert len(load_tmx(write(tmp_path, doc))) == 1


def test_truncated_file_names_line_and_column(tmp_path: Path) -> None:
    full = tmx_doc(GOOD_TU * 3)
    path = write(tmp_path, full[: full.index("</seg>", len(TMX_HEAD) + 100)])
    with pytest.raises(InputError) as info:
        load_tmx(path)
    assert info.value.line == 6 and info.value.column is not None
    line = assert_one_line_error(tmp_path, path, ":6:")
    assert line.startswith("tmkit: error: ")


def test_truncated_file_with_skip_invalid_keeps_what_was_read(tmp_path: Path) -> None:
    full = tmx_doc(GOOD_TU * 3)
    path = write(tmp_path, full[: full.index("</seg>", len(TMX_HEAD) + 100)])
    reader = TmxReader(path, skip_invalid=True)
    units = []
    with pytest.raises(InputError):
        units.extend(reader)
    assert len(units) == 1  # the unit before the damage was delivered


@pytest.mark.parametrize("data", [b"", b"   \n", b'<?xml version="1.0"?>\n'])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    with pytest.raises(InputError) as info:
        load_tmx(path)
    assert "empty" in str(info.value) or "Document" in str(info.value) or "end" in str(info.value)
    assert_one_line_error(tmp_path, path)


def test_not_tmx(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?>\n<xliff version="1.2"><file/></xliff>')
    assert "root element is <xliff>" in assert_one_line_error(tmp_path, path)


def test_binary_garbage(tmp_path: Path) -> None:
    assert_one_line_error(tmp_path, write(tmp_path, bytes(range(256)) * 4))


def test_missing_header(tmp_path: Path) -> None:
    path = write(tmp_path, '<tmx version="1.4"><body>' + GOOD_TU + "</body></tmx>")
    assert "header" in assert_one_line_error(tmp_path, path)


def test_illegal_control_character_error_and_repair(tmp_path: Path) -> None:
    body = (
        GOOD_TU
        + '<tu><tuv xml:lang="ar"><seg>نص\x0bمكسور &#x1;</seg></tuv><tuv xml:lang="en"><seg>broken\x02</seg></tuv></tu>\n'
    )
    path = write(tmp_path, tmx_doc(body))
    line = assert_one_line_error(tmp_path, path, ":6:", "--repair")
    assert "Char value 11" in line
    memory, reader = read_tmx(path, repair=True)
    assert memory.units[1].variant("ar").text == "نصمكسور "  # type: ignore[union-attr]
    assert memory.units[1].variant("en").text == "broken"  # type: ignore[union-attr]
    removed = [(i.line, i.message) for i in reader.issues if i.code == "illegal-char"]
    assert [r[0] for r in removed] == [6, 6, 6]
    assert "U+000B" in removed[0][1] and "&#x1;" in removed[1][1]


def test_repair_in_utf16(tmp_path: Path) -> None:
    body = '<tu><tuv xml:lang="ar"><seg>نص\x0b</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>\n'
    doc = tmx_doc(body).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = write(tmp_path, b"\xff\xfe" + doc.encode("utf-16-le"))
    memory, reader = read_tmx(path, repair=True)
    assert memory.units[0].variant("ar").text == "نص"  # type: ignore[union-attr]
    assert reader.issue_counts["illegal-char"] == 1


def test_invalid_unit_is_fatal_by_default_and_skipped_on_request(tmp_path: Path) -> None:
    body = (
        GOOD_TU
        + "<tu><tuv><seg>no language</seg></tuv></tu>\n"  # line 6
        + '<tu><tuv xml:lang="ar"></tuv></tu>\n'  # line 7: no seg
        + '<tu><tuv xml:lang="ar"><seg>a</seg><seg>b</seg></tuv></tu>\n'  # line 8: two segs
        + "<tu></tu>\n"  # line 9
        + GOOD_TU
    )
    path = write(tmp_path, tmx_doc(body))
    with pytest.raises(InputError) as info:
        load_tmx(path)
    assert info.value.line == 6 and "xml:lang" in info.value.message
    memory, reader = read_tmx(path, skip_invalid=True)
    assert len(memory.units) == 2
    assert [s.line for s in reader.skipped] == [6, 7, 8, 9]
    result = run_cli("stats", "--skip-invalid", str(path), cwd=tmp_path)
    assert result.code == 0
    skipped_lines = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(skipped_lines) == 4 and f"{path}:7:" in skipped_lines[1]


def test_huge_text_node_is_refused_cleanly(tmp_path: Path) -> None:
    # libxml2 refuses a text node over 10,000,000 bytes unless huge_tree is set; tmkit keeps that guard.
    big = "ا" * 5_100_000  # 10.2 MB of UTF-8
    path = write(tmp_path, tmx_doc(f'<tu><tuv xml:lang="ar"><seg>{big}</seg></tuv></tu>\n'))
    with pytest.raises(InputError) as info:
        load_tmx(path)
    assert info.value.line == 5


def test_excessive_depth_is_refused_cleanly(tmp_path: Path) -> None:
    deep = "<hi>" * 300 + "x" + "</hi>" * 300
    path = write(tmp_path, tmx_doc(f'<tu><tuv xml:lang="ar"><seg>{deep}</seg></tuv></tu>\n'))
    assert_one_line_error(tmp_path, path, "depth")


def _with_nul(tmp_path: Path, kind: str) -> tuple[Path, tuple[str, ...]]:
    """A NUL byte in an SRX file, a TBX termbase or a DOCX's document part, and a command that reads it."""
    text = write(tmp_path, "نص.\n", "a.ar.txt")
    if kind == "srx":
        return write(tmp_path, '<?xml version="1.0"?>\n<srx>\x00</srx>', "rules.srx"), ("segment", text, "--srx")
    if kind == "tbx":
        data = (SAMPLES / "terms.tbx").read_bytes().replace(b"</p>", b"\x00</p>", 1)
        return write(tmp_path, data, "terms.tbx"), ("qa", SAMPLES / "article.tmx", "--terms")
    source = zipfile.ZipFile(SAMPLES / "article.docx")
    docx = tmp_path / "nul.docx"
    with zipfile.ZipFile(docx, "w") as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:t>", b"\x00</w:t>", 1)
            package.writestr(info, data)
    return docx, ("segment",)


@pytest.mark.parametrize("kind", ["srx", "tbx", "docx"])
def test_a_nul_byte_in_other_xml_is_one_line(tmp_path: Path, kind: str) -> None:
    # lxml ends this message with a newline before the position it appends: the position came on a second line
    # (", line 2, column 6" for SRX and DOCX, an empty one for TBX).
    path, command = _with_nul(tmp_path, kind)
    result = run_cli(*command, path)
    assert result.code == 2
    assert result.stderr.startswith(f"tmkit: error: {path}:") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.endswith("Invalid character: Char 0x0 out of allowed range\n"), result.stderr


def test_missing_file_and_directory(tmp_path: Path) -> None:
    result = run_cli("stats", str(tmp_path / "nope.tmx"))
    assert result.code == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("stats", str(tmp_path))
    assert result.code == 2 and "directory" in result.stderr


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_a_memory_whole_leaves_the_cycle_collector_as_it_found_it(tmp_path: Path, enabled: bool) -> None:
    # `read_tmx` pauses it while it reads: a file refused halfway must not leave it off for the rest of the process.
    good = write(tmp_path, tmx_doc(GOOD_TU * 3), "good.tmx")
    broken = write(tmp_path, tmx_doc(GOOD_TU * 3).replace("</body>", "<tu><tuv></body>"), "broken.tmx")
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert len(read_tmx(good)[0].units) == 3
        assert gc.isenabled() is enabled
        with pytest.raises(InputError):
            read_tmx(broken)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("command", ["merge", "export"])
def test_a_segment_nested_as_deep_as_the_reader_reads_is_merged_and_exported(tmp_path: Path, command: str) -> None:
    """250 levels of <hi> (libxml2 reads up to 256, and validate accepts it): merge and export digest units by their
    repr, which took more frames than Python's default limit: an internal error (RecursionError), exit 3."""
    inner = "x"
    for _ in range(250):
        inner = f"<hi>{inner}</hi>"
    memory = tmp_path / "deep.tmx"
    memory.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" '
        'o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body><tu><tuv xml:lang="en">'
        f'<seg>{inner}</seg></tuv><tuv xml:lang="ar"><seg>y</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    out = tmp_path / "out.tmx"
    result = run_cli(command, memory, "-o", out)
    assert result.code == 0, result.stderr
    assert load_tmx(out).units[0].variants[0].segment == load_tmx(memory).units[0].variants[0].segment
